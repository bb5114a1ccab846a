/*
 * catalog_describe.h - what describing a record (describe.c) reads and
 * writes in the catalog: its OCR text, its hồ sơ's values (table hoso) and
 * what its folder's documents say, its docId and package, probable
 * duplicates.
 *
 * Protocol as in catalog_records.h: one callback per row, strings valid
 * during the call only, nonzero from the callback stops the walk.
 */
#ifndef SOHOA_CATALOG_DESCRIBE_H
#define SOHOA_CATALOG_DESCRIBE_H

#include <stddef.h>
#include <stdint.h>
#include "sohoa/sohoa.h"
#include "sohoa/catalog.h"

/* The OCR text of record id, its pages in order joined by '\f', into *text
 * (malloc'd, NUL-terminated; caller frees) and its length into *len. */
SOHOA_API sohoa_status sohoa_catalog_record_text(sohoa_catalog *cat, int64_t id, char **text,
    size_t *len, sohoa_error *err);

/* The hồ sơ values remembered for folder origin ("" for the inbox itself),
 * a person's last. */
typedef int (*sohoa_hoso_value_cb)(void *ctx, const char *name, const char *value,
    const char *source);
SOHOA_API sohoa_status sohoa_catalog_hoso_each(sohoa_catalog *cat, const char *origin,
    sohoa_hoso_value_cb cb, void *ctx, sohoa_error *err);

/* Remembers a value of the folder's hoso.txt; never replaces a person's. */
SOHOA_API sohoa_status sohoa_catalog_hoso_remember(sohoa_catalog *cat, const char *origin,
    const char *name, const char *value, sohoa_error *err);

/* What a hồ sơ's done documents say of it (folder origin, or record id alone
 * when origin is NULL or ""): their number, their pages, and the earliest
 * and latest issuedDate as dd/mm/yyyy ("" when none). */
typedef struct sohoa_hoso_stats {
	long long documents;
	long long pages;
	char start[32], end[32];
} sohoa_hoso_stats;
SOHOA_API sohoa_status sohoa_catalog_hoso_stats(sohoa_catalog *cat, const char *origin,
    int64_t id, sohoa_hoso_stats *out, sohoa_error *err);

/* For a hồ sơ's code: the year it was made (4 digits into year, "" when
 * unknown) and its number (table hoso_files, hoso_desk.h; call
 * sohoa_hoso_number first so that it has one); for a loose document
 * (origin NULL or ""), the year its scan arrived and the record id. */
SOHOA_API sohoa_status sohoa_catalog_hoso_ordinal(sohoa_catalog *cat, const char *origin,
    int64_t id, char year[8], long long *n, sohoa_error *err);

/* What packaging record id needs, if it is done: cb is called once and 1
 * returned; 0 when it is not done; -1 on a read error (in err).  seq is
 * its place among its folder's records (quarantined ones aside) in the
 * order a person set (hoso_order), then in pickup order; doc_id and package_path are NULL until set. */
typedef struct sohoa_package_row {
	int64_t id;
	const char *spool_id, *origin, *name, *doc_id, *package_path;
	int page_count, seq;
} sohoa_package_row;
typedef int (*sohoa_package_row_cb)(void *ctx, const sohoa_package_row *row);
SOHOA_API int sohoa_catalog_package_row(sohoa_catalog *cat, int64_t id, sohoa_package_row_cb cb,
    void *ctx, sohoa_error *err);

SOHOA_API sohoa_status sohoa_catalog_set_doc_id(sohoa_catalog *cat, int64_t id,
    const char *doc_id, sohoa_error *err);

/* Record id's package is written: its folder's name (store.h), its METS
 * hash, and when. */
SOHOA_API sohoa_status sohoa_catalog_set_packaged(sohoa_catalog *cat, int64_t id,
    const char *package_name, const char *mets_hash, const char *at, sohoa_error *err);

/* Another done record with the same issuing body, year, số and ký hiệu
 * (describe.c): later = 0, the earliest such record before id; later = 1,
 * a record after id not yet flagged.  Its id, or 0. */
SOHOA_API int64_t sohoa_catalog_probable_duplicate_find(sohoa_catalog *cat, int64_t id,
    int later);
/* The probable duplicate recorded for id, or 0. */
SOHOA_API int64_t sohoa_catalog_probable_duplicate_of(sohoa_catalog *cat, int64_t id);
/* Sets (dup 0: clears) the probable duplicate of id; with repackage, the
 * record's package is to be written again (packaged_at cleared). */
SOHOA_API sohoa_status sohoa_catalog_set_probable_duplicate(sohoa_catalog *cat, int64_t id,
    int64_t dup, int repackage, sohoa_error *err);

#endif
