/*
 * catalog_queue.h - what the engine asks of the records table as it moves
 * records through their states: which are due, which wait for a package or
 * for their quarantine to be published, and the quarantine's own facts.
 *
 * Protocol as in catalog_records.h: one callback per row, strings and blobs
 * valid during the call only, nonzero from the callback stops the walk.
 * The _ids functions fill a caller's array of max ids and return how many
 * (0 also on a read error, which the next pass retries).
 */
#ifndef SOHOA_CATALOG_QUEUE_H
#define SOHOA_CATALOG_QUEUE_H

#include <stddef.h>
#include <stdint.h>
#include "sohoa/sohoa.h"
#include "sohoa/catalog.h"

/* Whether record id has any stored field. */
SOHOA_API bool sohoa_catalog_has_fields(sohoa_catalog *cat, int64_t id);

/* The OCR attempts counted for record id, its name into name (cut to
 * nsize); 0 and "" when there is no such record. */
SOHOA_API int sohoa_catalog_attempts(sohoa_catalog *cat, int64_t id, char *name, size_t nsize);

/* Done records not packaged yet whose probable duplicate is id, by id. */
SOHOA_API int sohoa_catalog_unpackaged_duplicates_ids(sohoa_catalog *cat, int64_t id,
    int64_t *ids, int max);

/* Quarantined records whose quarantine is not published yet. */
SOHOA_API int sohoa_catalog_unpublished_quarantine_ids(sohoa_catalog *cat, int64_t *ids, int max);

/* Done records not packaged yet (packaged_at NULL), by id, into *ids
 * (malloc'd, caller frees; NULL when none) and their number into *n. */
SOHOA_API sohoa_status sohoa_catalog_packaging_pending(sohoa_catalog *cat, int64_t **ids,
    size_t *n, sohoa_error *err);

/* Deferred records whose next attempt is at or before now, soonest first.
 * The callback may change the record's state. */
typedef int (*sohoa_due_cb)(void *ctx, int64_t id, const char *spool_id);
SOHOA_API sohoa_status sohoa_catalog_deferred_due_each(sohoa_catalog *cat, long long now,
    sohoa_due_cb cb, void *ctx, sohoa_error *err);

/* The earliest next attempt of a deferred record into *at; false when no
 * record is deferred (or on a read error). */
SOHOA_API bool sohoa_catalog_next_deferred(sohoa_catalog *cat, long long *at);

/* Records in flight or done (incoming, active, deferred, done), each with
 * its spool entry and state. */
typedef int (*sohoa_live_cb)(void *ctx, int64_t id, const char *spool_id, sohoa_state state);
SOHOA_API sohoa_status sohoa_catalog_live_each(sohoa_catalog *cat, sohoa_live_cb cb, void *ctx,
    sohoa_error *err);

/* What publishing a quarantine needs to know of record id: strings are NULL
 * for SQL NULL, blobs come with their length.  dup_name is the name of the
 * record it duplicates (NULL if none). */
typedef struct sohoa_quarantine_row {
	int64_t id;
	const char *spool_id, *name, *origin, *reason, *message, *quarantine_name;
	const void *inbox_path;
	size_t inbox_path_len;
	const char *hash;
	int64_t duplicate_of;
	const char *dup_name, *created_at;
	const void *name_raw;
	size_t name_raw_len;
} sohoa_quarantine_row;
typedef int (*sohoa_quarantine_cb)(void *ctx, const sohoa_quarantine_row *row);
/* Calls cb once with the row; false when there is no such record (or on a
 * read error), true when cb was called. */
SOHOA_API bool sohoa_catalog_quarantine_row(sohoa_catalog *cat, int64_t id,
    sohoa_quarantine_cb cb, void *ctx);

/* The quarantine of record id is published (its file and reason note are
 * in the quarantine folder); inbox_removed says the original left the
 * inbox. */
SOHOA_API sohoa_status sohoa_catalog_quarantine_mark_published(sohoa_catalog *cat, int64_t id,
    int inbox_removed, sohoa_error *err);

/* The published, not yet released quarantined record named name (its name
 * under the quarantine folder, else its plain name, the newest first): its
 * id (0 when none), quarantine name, and raw origin and file name bytes
 * (each NUL-terminated, cut to their sizes). */
SOHOA_API sohoa_status sohoa_catalog_quarantine_find(sohoa_catalog *cat, const char *name,
    int64_t *id, char *qname, size_t qsize, char *origin, size_t osize, char *fname,
    size_t fsize, sohoa_error *err);

/* Record id's quarantined file went back to the inbox ("sohoa retry"). */
SOHOA_API sohoa_status sohoa_catalog_quarantine_released(sohoa_catalog *cat, int64_t id,
    sohoa_error *err);

#endif
