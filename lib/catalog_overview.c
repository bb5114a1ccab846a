/*
 * catalog_overview.c - the figures of `sohoa status` and sohoa-web's /status
 * page (contract in include/sohoa/overview.h), read from the catalog and
 * the file system.
 */
#include <stdio.h>
#include <string.h>

#include "catalog_int.h"
#include "sohoa/fsutil.h"
#include "sohoa/catalog_records.h"
#include "sohoa/overview.h"

static sohoa_status
db_error(sqlite3 *db, sohoa_error *err, const char *what)
{
	int code = sqlite3_errcode(db) & 0xff;

	return sohoa_error_set(err, code == SQLITE_BUSY || code == SQLITE_LOCKED
	    || code == SQLITE_NOMEM ? SOHOA_RETRY : SOHOA_FATAL, SOHOA_REASON_NONE,
	    "%s: %s", what, sqlite3_errmsg(db));
}

static void
copy(char *dst, size_t n, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(dst, n, "%s", t ? (const char *)t : "");
}

/* Prepares sql into *st unless *rc is set (sticky). */
static void
prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, int *rc)
{
	*st = NULL;
	if (*rc == SQLITE_OK)
		*rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);
}

/* Steps *st to its end (or its first row when one), keeping the first
 * error in *rc; 1 when at a row. */
static int
step(sqlite3_stmt *st, int *rc)
{
	int r;

	if (*rc != SQLITE_OK || !st)
		return 0;
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		return 1;
	if (r != SQLITE_DONE)
		*rc = r;
	return 0;
}

sohoa_status
sohoa_overview_read(sohoa_catalog *cat, const sohoa_conf *conf, sohoa_overview *ov,
    sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st;
	int rc = SQLITE_OK;
	sohoa_catalog_summary sum;
	sohoa_status s;

	memset(ov, 0, sizeof *ov);
	if ((s = sohoa_catalog_summary_get(cat, conf->review_threshold, &sum, err)) != SOHOA_OK)
		return s;
	ov->states[0] = sum.incoming;
	ov->states[1] = sum.active;
	ov->states[2] = sum.deferred;
	ov->states[3] = sum.done;
	ov->states[4] = sum.quarantined;
	for (int i = 0; i < SOHOA_OVERVIEW_STATES; i++)
		ov->total += ov->states[i];
	ov->queue = sum.incoming + sum.active + sum.deferred;
	ov->quarantined = sum.quarantined;
	ov->queue_age_s = sum.queue_age_s;
	ov->pages_last_hour = sum.pages_last_hour;
	ov->needs_review = sum.needs_review;
	ov->pages_per_minute = ov->pages_last_hour / 60.0;
	prepare(db, "SELECT e.at, e.record_id, r.name, e.type, e.detail"
	    " FROM events e LEFT JOIN records r ON r.id = e.record_id"
	    " WHERE e.outcome <> 'success' ORDER BY e.id DESC LIMIT 10", &st, &rc);
	while (ov->nerrors < SOHOA_OVERVIEW_ERRORS && step(st, &rc)) {
		sohoa_overview_error *e = &ov->errors[ov->nerrors++];
		copy(e->at, sizeof e->at, st, 0);
		e->record = sqlite3_column_int64(st, 1);
		copy(e->name, sizeof e->name, st, 2);
		copy(e->type, sizeof e->type, st, 3);
		copy(e->detail, sizeof e->detail, st, 4);
	}
	sqlite3_finalize(st);
	prepare(db, "SELECT month, file_name, created_at, exported_at, upload_error"
	    " FROM export_bundles ORDER BY id DESC LIMIT 1", &st, &rc);
	if (step(st, &rc)) {
		ov->have_export = 1;
		copy(ov->export_month, sizeof ov->export_month, st, 0);
		copy(ov->export_file, sizeof ov->export_file, st, 1);
		copy(ov->export_created, sizeof ov->export_created, st, 2);
		copy(ov->export_done, sizeof ov->export_done, st, 3);
		copy(ov->export_error, sizeof ov->export_error, st, 4);
		step(st, &rc);
	}
	sqlite3_finalize(st);
	/* Each document's latest fixity check (SQLite takes the bare columns
	 * from the row of max(id)). */
	prepare(db, "SELECT max(at), count(*), coalesce(sum(outcome <> 'success'), 0) FROM"
	    " (SELECT record_id, outcome, max(id), at FROM events WHERE type = 'fixity check'"
	    "  AND record_id IS NOT NULL GROUP BY record_id)", &st, &rc);
	if (step(st, &rc)) {
		copy(ov->audit_at, sizeof ov->audit_at, st, 0);
		ov->audit_checked = sqlite3_column_int64(st, 1);
		ov->audit_failing = sqlite3_column_int64(st, 2);
		step(st, &rc);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return db_error(db, err, "status");
	ov->disk_free = sohoa_fs_free_bytes(conf->state_dir);
	ov->inbox_free = sohoa_fs_free_bytes(conf->inbox);
	ov->min_free = conf->min_free_mb * 1024LL * 1024LL;
	return SOHOA_OK;
}
