/*
 * catalog_backup.c - the catalog's side of the backup and of the fixity
 * audit (catalog_backup.h): table backup_copies, the records waiting for a
 * copy, the whole catalog copied through SQLite's backup API, a backup's
 * catalog copy opened read-only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sohoa/catalog_backup.h"
#include "catalog_int.h"

long long
sohoa_catalog_backup_copies(sohoa_catalog *cat)
{
	catalog_stmt s;
	long long n = 0;

	catalog_prepare(&s, cat, "SELECT count(*) FROM backup_copies");
	if (catalog_step(&s) == SQLITE_ROW)
		n = catalog_col_int(&s, 0);
	catalog_finish(&s, NULL, "");
	return n;
}

sohoa_status
sohoa_catalog_backup_copy_set(sohoa_catalog *cat, int64_t rid, const char *backup_id,
    const char *mets_hash, long long files, long long bytes, const char *at, sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "INSERT INTO backup_copies (record_id, backup_id, mets_hash,"
	    " files, bytes, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (record_id) DO UPDATE SET"
	    " backup_id = excluded.backup_id, mets_hash = excluded.mets_hash,"
	    " files = excluded.files, bytes = excluded.bytes, at = excluded.at");
	catalog_bind_int(&s, 1, rid);
	catalog_bind_text(&s, 2, backup_id);
	catalog_bind_text(&s, 3, mets_hash);
	catalog_bind_int(&s, 4, files);
	catalog_bind_int(&s, 5, bytes);
	catalog_bind_text(&s, 6, at);
	catalog_step(&s);
	return catalog_finish(&s, err, "record backup copy");
}

#define PENDING_WHERE \
	" FROM records r LEFT JOIN backup_copies b ON b.record_id = r.id" \
	" WHERE r.state = 'done'" \
	"   AND (r.packaged_at IS NOT NULL OR r.package_path IS NULL)" \
	"   AND (b.record_id IS NULL OR b.backup_id <> ?1" \
	"        OR b.mets_hash IS NOT r.package_mets_hash)"

long long
sohoa_catalog_backup_pending_count(sohoa_catalog *cat, const char *backup_id)
{
	catalog_stmt s;
	long long n = -1;

	catalog_prepare(&s, cat, "SELECT count(*)" PENDING_WHERE);
	catalog_bind_text(&s, 1, backup_id);
	if (catalog_step(&s) == SQLITE_ROW)
		n = catalog_col_int(&s, 0);
	if (catalog_finish(&s, NULL, "") != SOHOA_OK)
		return -1;
	return n;
}

int
sohoa_catalog_backup_pending_ids(sohoa_catalog *cat, const char *backup_id, int64_t cursor,
    int64_t *ids, int max)
{
	catalog_stmt s;
	int n = 0;

	catalog_prepare(&s, cat, "SELECT r.id" PENDING_WHERE " AND r.id > ?2 ORDER BY r.id LIMIT ?3");
	catalog_bind_text(&s, 1, backup_id);
	catalog_bind_int(&s, 2, cursor);
	catalog_bind_int(&s, 3, max);
	while (n < max && catalog_step(&s) == SQLITE_ROW)
		ids[n++] = catalog_col_int(&s, 0);
	if (catalog_finish(&s, NULL, "") != SOHOA_OK)
		return 0;
	return n;
}

void
sohoa_catalog_fingerprint(sohoa_catalog *cat, long long *changes, int *version)
{
	catalog_stmt s;

	*changes = (long long)sqlite3_total_changes64(sohoa_catalog_db(cat));
	*version = 0;
	catalog_prepare(&s, cat, "PRAGMA data_version");
	if (catalog_step(&s) == SQLITE_ROW)
		*version = (int)catalog_col_int(&s, 0);
	catalog_finish(&s, NULL, "");
}

sohoa_status
sohoa_catalog_copy_into(sohoa_catalog *cat, const char *path, int self_contained,
    sohoa_error *err)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *bk;
	sohoa_status st = SOHOA_OK;
	int rc;

	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
	    != SQLITE_OK) {
		st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s: %s", path,
		    dst ? sqlite3_errmsg(dst) : "out of memory");
		goto out;
	}
	if (!(bk = sqlite3_backup_init(dst, "main", sohoa_catalog_db(cat), "main"))) {
		st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "catalog copy: %s",
		    sqlite3_errmsg(dst));
		goto out;
	}
	rc = sqlite3_backup_step(bk, -1);
	sqlite3_backup_finish(bk);
	if (rc != SQLITE_DONE) {
		st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "catalog copy: %s",
		    sqlite3_errstr(rc));
		goto out;
	}
	if (self_contained
	    && sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK)
		st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "catalog copy: %s",
		    sqlite3_errmsg(dst));
out:
	sqlite3_close(dst);
	return st;
}

/* Percent-encodes what a SQLite URI filename cannot hold literally. */
static void
uri_path(const char *path, char *out, size_t size)
{
	size_t o = 0;
	for (const char *p = path; *p && o + 4 < size; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			o += (size_t)snprintf(out + o, size - o, "%%%02X", (unsigned char)*p);
		else
			out[o++] = *p;
	}
	out[o] = '\0';
}

sohoa_catalog *
sohoa_catalog_open_copy(const char *path, sohoa_error *err)
{
	char enc[4096 * 3], uri[sizeof enc + 64];
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	sohoa_catalog *cat = NULL;

	uri_path(path, enc, sizeof enc);
	snprintf(uri, sizeof uri, "file:%s?immutable=1", enc);
	if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK
	    || sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK
	    || sqlite3_step(st) != SQLITE_ROW
	    || strcmp((const char *)sqlite3_column_text(st, 0), "ok")) {
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "danh mục sao lưu hỏng / the backup's catalog is damaged: %s",
		    st && sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0)
		    : db ? sqlite3_errmsg(db) : "");
		sqlite3_finalize(st);
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_finalize(st);
	if (!(cat = catalog_wrap(db))) {
		sqlite3_close(db);
		sohoa_error_oom(err);
	}
	return cat;
}

bool
sohoa_catalog_has_spool(sohoa_catalog *cat, const char *spool_id)
{
	catalog_stmt s;
	int found;

	catalog_prepare(&s, cat, "SELECT 1 FROM records WHERE spool_id = ?");
	catalog_bind_text(&s, 1, spool_id);
	found = catalog_step(&s) == SQLITE_ROW;
	if (catalog_finish(&s, NULL, "") != SOHOA_OK)
		return 1;
	return found;
}

long long
sohoa_catalog_restorable_count(sohoa_catalog *cat)
{
	catalog_stmt s;
	long long n = 0;

	catalog_prepare(&s, cat, "SELECT count(*) FROM records WHERE state <> 'quarantined'");
	if (catalog_step(&s) == SQLITE_ROW)
		n = catalog_col_int(&s, 0);
	catalog_finish(&s, NULL, "");
	return n;
}

sohoa_status
sohoa_catalog_restorable_each(sohoa_catalog *cat, sohoa_restore_cb cb, void *ctx,
    sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "SELECT id, spool_id, state, hash, package_path,"
	    " package_mets_hash, doc_id FROM records WHERE state <> 'quarantined' ORDER BY id");
	while (catalog_step(&s) == SQLITE_ROW) {
		sohoa_restore_row r = {
			.id = catalog_col_int(&s, 0),
			.spool_id = catalog_col_text(&s, 1),
			.state = (sohoa_state)sohoa_state_from_name(catalog_col_text(&s, 2)),
			.hash = catalog_col_text(&s, 3),
			.package_path = catalog_col_text(&s, 4),
			.package_mets_hash = catalog_col_text(&s, 5),
			.doc_id = catalog_col_text(&s, 6),
		};
		if (cb(ctx, &r))
			break;
	}
	return catalog_finish(&s, err, "backup catalog");
}

bool
sohoa_catalog_fixity_row(sohoa_catalog *cat, int64_t id, sohoa_fixity_cb cb, void *ctx)
{
	catalog_stmt s;
	int found = 0;

	catalog_prepare(&s, cat, "SELECT r.spool_id, r.hash, r.package_path,"
	    " r.package_mets_hash, r.doc_id, b.backup_id, b.mets_hash, b.record_id IS NOT NULL"
	    " FROM records r LEFT JOIN backup_copies b ON b.record_id = r.id"
	    " WHERE r.id = ? AND r.state = 'done'");
	catalog_bind_int(&s, 1, id);
	if (catalog_step(&s) == SQLITE_ROW) {
		sohoa_fixity_row f = {
			.id = id,
			.spool_id = catalog_col_text(&s, 0),
			.hash = catalog_col_text(&s, 1),
			.package_path = catalog_col_text(&s, 2),
			.package_mets_hash = catalog_col_text(&s, 3),
			.doc_id = catalog_col_text(&s, 4),
			.backup_id = catalog_col_text(&s, 5),
			.backup_mets_hash = catalog_col_text(&s, 6),
			.has_backup = (int)catalog_col_int(&s, 7),
		};
		cb(ctx, &f);
		found = 1;
	}
	catalog_finish(&s, NULL, "");
	return found;
}

sohoa_status
sohoa_catalog_fixity_due(sohoa_catalog *cat, const char *since, int64_t **ids, size_t *n,
    sohoa_error *err)
{
	catalog_stmt s;
	size_t cap = 0;

	*ids = NULL;
	*n = 0;
	catalog_prepare(&s, cat, "SELECT r.id FROM records r WHERE r.state = 'done'"
	    " AND (?1 IS NULL OR coalesce((SELECT e.outcome = 'success' AND e.at >= ?1"
	    "  FROM events e WHERE e.type = 'fixity check' AND e.record_id = r.id"
	    "  ORDER BY e.at DESC, e.id DESC LIMIT 1), 0) = 0)"
	    " ORDER BY r.id");
	catalog_bind_text(&s, 1, since);
	while (catalog_step(&s) == SQLITE_ROW) {
		if (*n == cap) {
			int64_t *ni = realloc(*ids, (cap = cap ? cap * 2 : 1024) * sizeof *ni);
			if (!ni) {
				catalog_finish(&s, NULL, "");
				free(*ids);
				*ids = NULL;
				*n = 0;
				return sohoa_error_oom(err);
			}
			*ids = ni;
		}
		(*ids)[(*n)++] = catalog_col_int(&s, 0);
	}
	return catalog_finish(&s, err, "records to audit");
}
