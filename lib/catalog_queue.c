/*
 * catalog_queue.c - the engine's questions to the records table: due
 * records, packaging and quarantine publishing left to do, a quarantine's
 * facts (catalog_queue.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "sohoa/catalog_queue.h"
#include "catalog_int.h"

bool
sohoa_catalog_has_fields(sohoa_catalog *cat, int64_t id)
{
	catalog_stmt s;
	int has;

	catalog_prepare(&s, cat, "SELECT 1 FROM fields WHERE record_id = ? LIMIT 1");
	catalog_bind_int(&s, 1, id);
	has = catalog_step(&s) == SQLITE_ROW;
	catalog_finish(&s, NULL, "");
	return has;
}

int
sohoa_catalog_attempts(sohoa_catalog *cat, int64_t id, char *name, size_t nsize)
{
	catalog_stmt s;
	int a = 0;

	name[0] = '\0';
	catalog_prepare(&s, cat, "SELECT attempts, name FROM records WHERE id = ?");
	catalog_bind_int(&s, 1, id);
	if (catalog_step(&s) == SQLITE_ROW) {
		const char *n = catalog_col_text(&s, 1);
		a = (int)catalog_col_int(&s, 0);
		snprintf(name, nsize, "%s", n ? n : "");
	}
	catalog_finish(&s, NULL, "");
	return a;
}

static int
ids_of(catalog_stmt *s, int64_t *ids, int max)
{
	int n = 0;

	while (n < max && catalog_step(s) == SQLITE_ROW)
		ids[n++] = catalog_col_int(s, 0);
	if (catalog_finish(s, NULL, "") != SOHOA_OK)
		return 0;
	return n;
}

int
sohoa_catalog_unpackaged_duplicates_ids(sohoa_catalog *cat, int64_t id, int64_t *ids, int max)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "SELECT id FROM records WHERE probable_duplicate_of = ?"
	    " AND state = 'done' AND packaged_at IS NULL ORDER BY id LIMIT ?");
	catalog_bind_int(&s, 1, id);
	catalog_bind_int(&s, 2, max);
	return ids_of(&s, ids, max);
}

int
sohoa_catalog_unpublished_quarantine_ids(sohoa_catalog *cat, int64_t *ids, int max)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "SELECT id FROM records WHERE state = 'quarantined'"
	    " AND quarantine_published = 0");
	return ids_of(&s, ids, max);
}

sohoa_status
sohoa_catalog_packaging_pending(sohoa_catalog *cat, int64_t **ids, size_t *n, sohoa_error *err)
{
	catalog_stmt s;
	size_t cap = 0;

	*ids = NULL;
	*n = 0;
	catalog_prepare(&s, cat, "SELECT id FROM records WHERE state = 'done'"
	    " AND packaged_at IS NULL ORDER BY id");
	while (catalog_step(&s) == SQLITE_ROW) {
		if (*n == cap) {
			int64_t *ni = realloc(*ids, (cap = cap ? cap * 2 : 64) * sizeof *ni);
			if (!ni)
				break;
			*ids = ni;
		}
		(*ids)[(*n)++] = catalog_col_int(&s, 0);
	}
	return catalog_finish(&s, err, "records to package");
}

sohoa_status
sohoa_catalog_deferred_due_each(sohoa_catalog *cat, long long now, sohoa_due_cb cb, void *ctx,
    sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "SELECT id, spool_id FROM records WHERE state = 'deferred'"
	    " AND next_attempt_at <= ? ORDER BY next_attempt_at");
	catalog_bind_int(&s, 1, now);
	while (catalog_step(&s) == SQLITE_ROW)
		if (cb(ctx, catalog_col_int(&s, 0), catalog_col_text(&s, 1)))
			break;
	return catalog_finish(&s, err, "deferred records due");
}

bool
sohoa_catalog_next_deferred(sohoa_catalog *cat, long long *at)
{
	catalog_stmt s;
	int any = 0;

	catalog_prepare(&s, cat, "SELECT min(next_attempt_at) FROM records"
	    " WHERE state = 'deferred'");
	if (catalog_step(&s) == SQLITE_ROW && !catalog_col_is_null(&s, 0)) {
		*at = catalog_col_int(&s, 0);
		any = 1;
	}
	catalog_finish(&s, NULL, "");
	return any;
}

sohoa_status
sohoa_catalog_live_each(sohoa_catalog *cat, sohoa_live_cb cb, void *ctx, sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "SELECT id, spool_id, state FROM records"
	    " WHERE state IN ('incoming', 'active', 'deferred', 'done')");
	while (catalog_step(&s) == SQLITE_ROW)
		if (cb(ctx, catalog_col_int(&s, 0), catalog_col_text(&s, 1),
		    (sohoa_state)sohoa_state_from_name(catalog_col_text(&s, 2))))
			break;
	return catalog_finish(&s, err, "records in flight");
}

bool
sohoa_catalog_quarantine_row(sohoa_catalog *cat, int64_t id, sohoa_quarantine_cb cb, void *ctx)
{
	catalog_stmt s;
	int found = 0;

	catalog_prepare(&s, cat, "SELECT r.spool_id, r.name, r.origin, r.reason, r.last_error,"
	    " r.quarantine_name, r.inbox_path, r.hash, r.duplicate_of, d.name, r.created_at,"
	    " r.name_raw FROM records r LEFT JOIN records d ON d.id = r.duplicate_of"
	    " WHERE r.id = ?");
	catalog_bind_int(&s, 1, id);
	if (catalog_step(&s) == SQLITE_ROW) {
		sohoa_quarantine_row q = {
			.id = id,
			.spool_id = catalog_col_text(&s, 0),
			.name = catalog_col_text(&s, 1),
			.origin = catalog_col_text(&s, 2),
			.reason = catalog_col_text(&s, 3),
			.message = catalog_col_text(&s, 4),
			.quarantine_name = catalog_col_text(&s, 5),
			.inbox_path = sqlite3_column_blob(s.st, 6),
			.inbox_path_len = (size_t)sqlite3_column_bytes(s.st, 6),
			.hash = catalog_col_text(&s, 7),
			.duplicate_of = catalog_col_int(&s, 8),
			.dup_name = catalog_col_text(&s, 9),
			.created_at = catalog_col_text(&s, 10),
			.name_raw = sqlite3_column_blob(s.st, 11),
			.name_raw_len = (size_t)sqlite3_column_bytes(s.st, 11),
		};
		cb(ctx, &q);
		found = 1;
	}
	catalog_finish(&s, NULL, "");
	return found;
}

sohoa_status
sohoa_catalog_quarantine_mark_published(sohoa_catalog *cat, int64_t id, int inbox_removed,
    sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "UPDATE records SET quarantine_published = 1, inbox_removed = ?"
	    " WHERE id = ?");
	catalog_bind_int(&s, 1, inbox_removed);
	catalog_bind_int(&s, 2, id);
	catalog_step(&s);
	return catalog_finish(&s, err, "mark quarantine published");
}

sohoa_status
sohoa_catalog_quarantine_find(sohoa_catalog *cat, const char *name, int64_t *id, char *qname,
    size_t qsize, char *origin, size_t osize, char *fname, size_t fsize, sohoa_error *err)
{
	catalog_stmt s;

	*id = 0;
	catalog_prepare(&s, cat, "SELECT id, quarantine_name, origin_raw, name_raw FROM records"
	    " WHERE state = 'quarantined' AND quarantine_released = 0 AND quarantine_published = 1"
	    " AND (quarantine_name = ?1 OR name = ?1) ORDER BY quarantine_name = ?1 DESC, id DESC");
	catalog_bind_text(&s, 1, name);
	if (catalog_step(&s) == SQLITE_ROW) {
		const char *q = catalog_col_text(&s, 1);
		*id = catalog_col_int(&s, 0);
		snprintf(qname, qsize, "%s", q ? q : "");
		snprintf(origin, osize, "%.*s", sqlite3_column_bytes(s.st, 2),
		    (const char *)sqlite3_column_blob(s.st, 2));
		snprintf(fname, fsize, "%.*s", sqlite3_column_bytes(s.st, 3),
		    (const char *)sqlite3_column_blob(s.st, 3));
	}
	return catalog_finish(&s, err, "find quarantined file");
}

sohoa_status
sohoa_catalog_quarantine_released(sohoa_catalog *cat, int64_t id, sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "UPDATE records SET quarantine_released = 1 WHERE id = ?");
	catalog_bind_int(&s, 1, id);
	catalog_step(&s);
	return catalog_finish(&s, err, "release quarantine");
}
