/*
 * catalog_records.h - what the catalog says about records, read by the CLI
 * and the web server: one record whole, its pages and fields, the counts by
 * state, the review list, the document types.
 *
 * Protocol: the _each functions call back once per row, in the order given;
 * the strings of a row are valid only during the call (copy what you keep).
 * A callback returning nonzero stops the walk (the function still returns
 * SOHOA_OK).  Errors carry SQLite's own message in err.
 */
#ifndef SOHOA_CATALOG_RECORDS_H
#define SOHOA_CATALOG_RECORDS_H

#include <stdint.h>
#include "sohoa/sohoa.h"
#include "sohoa/catalog.h"

/* One row of the records table.  Strings are NULL where the catalog has
 * none; ids are 0 where the catalog has none. */
typedef struct sohoa_record_row {
	int64_t id;
	sohoa_state state;           /* SOHOA_STATE_COUNT: a word state.h does not know */
	char *name, *origin, *hash;
	long long size;
	char *created_at, *updated_at;
	int attempts;
	char *last_error, *reason;
	int64_t duplicate_of;
	char *quarantine_name;
	int page_count;
	double mean_confidence;
	int has_confidence;          /* 0 while no page has been read */
	char *spool_id, *doc_id;
	char *package_path;          /* the package folder's name (store.h) */
	char *package_mets_hash;
	int64_t probable_duplicate_of;
} sohoa_record_row;

/* Reads record id into *row (caller releases with sohoa_record_row_release,
 * also after an error).  SOHOA_BAD_INPUT when there is no such record. */
SOHOA_API sohoa_status sohoa_catalog_record_get(sohoa_catalog *cat, int64_t id,
    sohoa_record_row *row, sohoa_error *err);
SOHOA_API void sohoa_record_row_release(sohoa_record_row *row);

/* The spool entry of record id into buf (NUL-terminated, cut to size), or
 * "" when there is no such record or, with done_only, it is not done. */
SOHOA_API sohoa_status sohoa_catalog_spool_id(sohoa_catalog *cat, int64_t id, int done_only,
    char *buf, size_t size, sohoa_error *err);

/* How many records are in state into *n. */
SOHOA_API sohoa_status sohoa_catalog_count_state(sohoa_catalog *cat, sohoa_state state,
    long long *n, sohoa_error *err);

/* Counts for "sohoa status" and sohoa-web's /status (overview.h reads
 * them through here): records by state, the queue's age, the pages of the
 * last hour, and the review queue's length (review.h's definition). */
typedef struct sohoa_catalog_summary {
	long long incoming, active, deferred, done, quarantined;
	long long queue_age_s;       /* age of the oldest waiting record, 0 if none */
	long long pages_last_hour;   /* pages of records done in the last hour */
	long long needs_review;      /* sohoa_review_count(review_threshold) */
} sohoa_catalog_summary;

SOHOA_API sohoa_status sohoa_catalog_summary_get(sohoa_catalog *cat, long long review_threshold,
    sohoa_catalog_summary *out, sohoa_error *err);

/* Done records whose mean confidence is below threshold, the least
 * confident first. */
typedef struct sohoa_review_row {
	int64_t id;
	const char *origin, *name;
	int page_count;
	double mean_confidence, min_page_confidence;
} sohoa_review_row;
typedef int (*sohoa_review_cb)(void *ctx, const sohoa_review_row *row);
SOHOA_API sohoa_status sohoa_catalog_review_each(sohoa_catalog *cat, long long threshold,
    sohoa_review_cb cb, void *ctx, sohoa_error *err);

/* The pages of a record, by page number. */
typedef struct sohoa_page_row {
	int page_no;
	const char *text, *status;
	double confidence;
	int has_confidence;
	int width, height, dpi, rotation;
	double skew;
} sohoa_page_row;
typedef int (*sohoa_page_cb)(void *ctx, const sohoa_page_row *row);
SOHOA_API sohoa_status sohoa_catalog_pages_each(sohoa_catalog *cat, int64_t id,
    sohoa_page_cb cb, void *ctx, sohoa_error *err);

/* The stored fields of a record by name (TT 05 element names). */
typedef struct sohoa_field_row {
	const char *name, *value, *source;
	double confidence;
} sohoa_field_row;
typedef int (*sohoa_field_cb)(void *ctx, const sohoa_field_row *row);
SOHOA_API sohoa_status sohoa_catalog_fields_each(sohoa_catalog *cat, int64_t id,
    sohoa_field_cb cb, void *ctx, sohoa_error *err);

/* The value of one field of a record, malloc'd into *value (caller frees),
 * or NULL when the record has none. */
SOHOA_API sohoa_status sohoa_catalog_field_get(sohoa_catalog *cat, int64_t id, const char *name,
    char **value, sohoa_error *err);

/* The document types (table doc_types: TT 05 code and Vietnamese name),
 * by name. */
typedef int (*sohoa_doc_type_cb)(void *ctx, const char *code, const char *name);
SOHOA_API sohoa_status sohoa_catalog_doc_types_each(sohoa_catalog *cat, sohoa_doc_type_cb cb,
    void *ctx, sohoa_error *err);

#endif
