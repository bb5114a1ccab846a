/*
 * catalog_backup.h - the catalog's side of the second copy and of the
 * fixity audit: table backup_copies (005-backup.sql), the records waiting
 * for a copy, the catalog file copied whole (SQLite's backup API), and a
 * backup's catalog copy opened read-only for a restore.
 *
 * Protocol as in catalog_records.h: one callback per row, strings valid
 * during the call only, nonzero from the callback stops the walk.
 */
#ifndef SOHOA_CATALOG_BACKUP_H
#define SOHOA_CATALOG_BACKUP_H

#include <stddef.h>
#include <stdint.h>
#include "sohoa/sohoa.h"
#include "sohoa/catalog.h"

/* How many records have a copy in some backup folder. */
SOHOA_API long long sohoa_catalog_backup_copies(sohoa_catalog *cat);

/* Records the copy of record rid in backup backup_id (mets_hash NULL when
 * it has no package), replacing an earlier one.  Call inside a
 * transaction. */
SOHOA_API sohoa_status sohoa_catalog_backup_copy_set(sohoa_catalog *cat, int64_t rid,
    const char *backup_id, const char *mets_hash, long long files, long long bytes,
    const char *at, sohoa_error *err);

/* Done records whose copy in backup_id is missing or stale (packaged, and
 * the copy's METS hash is not the package's): how many (-1 on a read
 * error), and the next max of them after id cursor into ids (returns how
 * many; 0 also on a read error). */
SOHOA_API long long sohoa_catalog_backup_pending_count(sohoa_catalog *cat, const char *backup_id);
SOHOA_API int sohoa_catalog_backup_pending_ids(sohoa_catalog *cat, const char *backup_id,
    int64_t cursor, int64_t *ids, int max);

/* A fingerprint of the catalog's content: changes made through this
 * connection and SQLite's data_version (changes made by others).  The
 * catalog is unchanged while both stay the same. */
SOHOA_API void sohoa_catalog_fingerprint(sohoa_catalog *cat, long long *changes, int *version);

/* Copies the whole catalog into a new SQLite file at path (which must not
 * exist) through SQLite's backup API; with self_contained, the copy is
 * left in rollback-journal mode (one file, readable from read-only media).
 * The caller fsyncs and renames it.  SOHOA_RETRY on failure. */
SOHOA_API sohoa_status sohoa_catalog_copy_into(sohoa_catalog *cat, const char *path,
    int self_contained, sohoa_error *err);

/* Opens a backup's catalog copy read-only (immutable: nothing is written
 * beside it) after SQLite's quick_check; NULL with the reason when it is
 * damaged.  No migration is applied: free with sohoa_catalog_free. */
SOHOA_API sohoa_catalog *sohoa_catalog_open_copy(const char *path, sohoa_error *err);

/* Whether a record has this spool entry (1 also on a read error, so that
 * an entry is never taken for one the catalog does not know). */
SOHOA_API bool sohoa_catalog_has_spool(sohoa_catalog *cat, const char *spool_id);

/* The records a restore brings back (every state but quarantined), by id:
 * their number (0 on a read error), and each. */
typedef struct sohoa_restore_row {
	int64_t id;
	sohoa_state state;
	const char *spool_id, *hash, *package_path, *package_mets_hash, *doc_id;
} sohoa_restore_row;
typedef int (*sohoa_restore_cb)(void *ctx, const sohoa_restore_row *row);
SOHOA_API long long sohoa_catalog_restorable_count(sohoa_catalog *cat);
SOHOA_API sohoa_status sohoa_catalog_restorable_each(sohoa_catalog *cat, sohoa_restore_cb cb,
    void *ctx, sohoa_error *err);

/* What the fixity audit checks of done record id, with its backup copy
 * (has_backup 0 when none).  Strings are NULL where the catalog has none.
 * Calls cb once and returns true, or returns false when the record is not
 * done (or on a read error). */
typedef struct sohoa_fixity_row {
	int64_t id;
	const char *spool_id, *hash, *package_path, *package_mets_hash, *doc_id;
	int has_backup;
	const char *backup_id, *backup_mets_hash;
} sohoa_fixity_row;
typedef int (*sohoa_fixity_cb)(void *ctx, const sohoa_fixity_row *row);
SOHOA_API bool sohoa_catalog_fixity_row(sohoa_catalog *cat, int64_t id, sohoa_fixity_cb cb,
    void *ctx);

/* Done records whose last fixity check did not succeed at or after since
 * (ISO 8601; NULL: every done record), by id, into *ids (malloc'd, caller
 * frees; NULL when none) and their number into *n. */
SOHOA_API sohoa_status sohoa_catalog_fixity_due(sohoa_catalog *cat, const char *since,
    int64_t **ids, size_t *n, sohoa_error *err);

#endif
