/*
 * catalog.h - the SQLite catalog: records, pages, PREMIS-like events.
 *
 * Protocol:
 *   sohoa_catalog *cat = sohoa_catalog_open(path, &err);  // WAL, synchronous=FULL,
 *                                                         // migrations applied
 *   sohoa_catalog_begin(cat, &err);
 *   ... sohoa_catalog_record_insert / _set_state / _pages_store / _event_add ...
 *   sohoa_catalog_commit(cat, &err);     // or _rollback
 *   sohoa_catalog_free(cat);
 *
 * One process writes at a time (the spool lock says which); readers may run
 * beside it.  Every function reports SQLite's own message in err.
 */
#ifndef SOHOA_CATALOG_H
#define SOHOA_CATALOG_H

#include <stdint.h>
#include "sohoa/sohoa.h"
#include "sohoa/ocr_result.h"
#include "sohoa/state.h"

typedef struct sohoa_catalog sohoa_catalog;

/* The schema version this build writes. */
SOHOA_API int sohoa_catalog_schema_version(void);

/* The catalog of a store: <state_dir>/catalog.db, into buf; buf, or NULL
 * (buf empty) when it does not fit in size.  The one place that names it. */
SOHOA_API const char *sohoa_catalog_path(const char *state_dir, char *buf, size_t size);

/* Opens (creating if needed) the catalog at path.  NULL on failure. */
SOHOA_API sohoa_catalog *sohoa_catalog_open(const char *path, sohoa_error *err);
SOHOA_API void sohoa_catalog_free(sohoa_catalog *cat);

/* The SQLite handle itself stays inside the catalog (lib/catalog_int.h):
 * every table is read and written through the typed functions below and in
 * the other catalog_*.h headers. */

SOHOA_API sohoa_status sohoa_catalog_begin(sohoa_catalog *cat, sohoa_error *err);
SOHOA_API sohoa_status sohoa_catalog_commit(sohoa_catalog *cat, sohoa_error *err);
SOHOA_API void sohoa_catalog_rollback(sohoa_catalog *cat);
/* Whether a transaction is open on cat (begun by this process and neither
 * committed nor rolled back), so that a helper joins its caller's
 * transaction instead of opening its own. */
SOHOA_API bool sohoa_catalog_in_tx(sohoa_catalog *cat);

/*
 * A unit of catalog work that is its own transaction when the caller has
 * none open (one commit, one WAL sync), and a savepoint named name inside
 * the caller's transaction otherwise (the caller's commit makes it durable,
 * and a failure undoes only this part).  *own says which; pass it to
 * _unit_end (commit or release) or _unit_undo (roll back).  name is an SQL
 * identifier of the caller's (letters, digits, '_').
 */
SOHOA_API sohoa_status sohoa_catalog_unit_begin(sohoa_catalog *cat, const char *name, int *own,
    sohoa_error *err);
SOHOA_API sohoa_status sohoa_catalog_unit_end(sohoa_catalog *cat, const char *name, int own,
    sohoa_error *err);
SOHOA_API void sohoa_catalog_unit_undo(sohoa_catalog *cat, const char *name, int own);

/* For a connection that writes only what may be lost at a power cut (the web
 * server's access log and sessions): synchronous=NORMAL, which in WAL mode
 * keeps the catalog whole and saves an fsync per commit.  Every other
 * connection stays FULL. */
SOHOA_API sohoa_status sohoa_catalog_set_sync_normal(sohoa_catalog *cat, sohoa_error *err);

/* A new record, as pickup knows it.  Strings are borrowed for the call. */
typedef struct sohoa_record_new {
	const char *spool_id;
	sohoa_state state;            /* not TMP */
	const char *hash;
	long long size;
	const char *name;             /* NFC text */
	const void *name_raw;         /* original bytes */
	size_t name_raw_len;
	const char *origin;           /* NFC text, "" for the inbox itself */
	const void *origin_raw;
	size_t origin_raw_len;
	const void *inbox_path;       /* bytes, relative to the inbox; NULL if none */
	size_t inbox_path_len;
	long long source_mtime_ns;
	int inbox_removed;
} sohoa_record_new;

/* Inserts a record; its id goes to *id. */
SOHOA_API sohoa_status sohoa_catalog_record_insert(sohoa_catalog *cat, const sohoa_record_new *r,
    int64_t *id, sohoa_error *err);

/* The id of the live (not quarantined) record with this hash, or 0. */
SOHOA_API int64_t sohoa_catalog_find_live_hash(sohoa_catalog *cat, const char *hash);

/* The id of the record for a spool entry, or 0 when there is none; its
 * state into *state (when not NULL and there is one; SOHOA_STATE_COUNT for
 * a word the vocabulary does not know). */
SOHOA_API int64_t sohoa_catalog_find_spool(sohoa_catalog *cat, const char *spool_id,
    sohoa_state *state);

/* Whether a record remembers this inbox path, size and mtime as an original
 * it could not remove (so that it is not taken twice). */
SOHOA_API bool sohoa_catalog_inbox_pending(sohoa_catalog *cat, const void *path, size_t len,
    long long size, long long mtime_ns);

/* Sets record id's state (SOHOA_FATAL, nothing changed, for TMP or a state
 * out of range: no record is in those). */
SOHOA_API sohoa_status sohoa_catalog_set_state(sohoa_catalog *cat, int64_t id, sohoa_state state,
    sohoa_error *err);

/* Counts an OCR attempt that did not finish and sets the record deferred
 * until next_at (unix time), with the error text. */
SOHOA_API sohoa_status sohoa_catalog_defer(sohoa_catalog *cat, int64_t id, long long next_at,
    const char *error, sohoa_error *err);

/* Marks a record quarantined with a reason key, the message and the name it
 * gets under the quarantine folder; duplicate_of may be 0. */
SOHOA_API sohoa_status sohoa_catalog_quarantine(sohoa_catalog *cat, int64_t id, const char *reason,
    const char *message, const char *quarantine_name, int64_t duplicate_of, sohoa_error *err);
SOHOA_API sohoa_status sohoa_catalog_quarantine_published(sohoa_catalog *cat, int64_t id,
    sohoa_error *err);

/* One page as OCR read it: sohoa_page_result, in ocr_result.h. */

/* Replaces the pages of a record (and its full-text index entries), sets it
 * done with its page count and mean confidence. */
SOHOA_API sohoa_status sohoa_catalog_store_pages(sohoa_catalog *cat, int64_t id,
    const sohoa_page_result *pages, int n, sohoa_error *err);

/* Appends an event.  record_id may be 0 for events about no record. */
SOHOA_API sohoa_status sohoa_catalog_event_add(sohoa_catalog *cat, int64_t record_id, const char *type,
    const char *agent, const char *outcome, const char *detail, sohoa_error *err);

struct sohoa_fields;

/*
 * Stores the fields found by extraction (source "ocr"): replaces earlier
 * "ocr" values, removes "ocr" values no longer found, and never touches a
 * value a person entered.  Call inside a transaction.
 */
SOHOA_API sohoa_status sohoa_catalog_store_ocr_fields(sohoa_catalog *cat, int64_t id,
    const struct sohoa_fields *fs, sohoa_error *err);

/* Loads every stored field of a record into fs (initialised by the caller). */
SOHOA_API sohoa_status sohoa_catalog_load_fields(sohoa_catalog *cat, int64_t id,
    struct sohoa_fields *fs, sohoa_error *err);

/* Sets one field as a person entered it (value NULL or "" clears it); the
 * previous value, if any, goes into *old (caller frees).  Call inside a
 * transaction. */
SOHOA_API sohoa_status sohoa_catalog_set_field(sohoa_catalog *cat, int64_t id, const char *name,
    const char *value, char **old, sohoa_error *err);

/*
 * The catalog's own facts (table store_meta: the store's identity, see
 * store.h).  _meta_get copies the value of name into buf (NUL-terminated,
 * cut to size) and returns true, or returns false when there is none (or on
 * a read error); _meta_set inserts or replaces it.
 */
SOHOA_API bool sohoa_catalog_meta_get(sohoa_catalog *cat, const char *name, char *buf, size_t size);
SOHOA_API sohoa_status sohoa_catalog_meta_set(sohoa_catalog *cat, const char *name, const char *value,
    sohoa_error *err);

/*
 * Done records that have no archival package (never written: no
 * package_mets_hash), ids ascending into *ids (malloc'd, caller frees; NULL
 * when none) and their number into *n.  before (ISO 8601, may be NULL):
 * only records done before it; settle_s: only records left alone (updated)
 * at least this many seconds ago, so that one being packaged right now is
 * not counted.  Such a record is never left out silently: export, audit
 * and status report it.
 */
SOHOA_API sohoa_status sohoa_catalog_unpackaged(sohoa_catalog *cat, const char *before, int settle_s,
    int64_t **ids, int *n, sohoa_error *err);

/* Current UTC time as ISO 8601 with milliseconds, into buf (32 bytes). */
SOHOA_API void sohoa_now_iso(char buf[32]);

#endif
