/*
 * catalog_hoso.c - the hồ sơ as an object a person manages (hoso_desk.h):
 * its number, its fields, its documents and their order, in the catalog;
 * the packages are rewritten through edit.h's path.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sohoa/describe.h"
#include "sohoa/edit.h"
#include "sohoa/hoso_desk.h"
#include "sohoa/textsafe.h"
#include "catalog_int.h"

static sohoa_status
db_fail(sqlite3 *db, sohoa_error *err)
{
	return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "catalog: %s",
	    sqlite3_errmsg(db));
}

static sohoa_status
no_hoso(int64_t id, sohoa_error *err)
{
	return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
	    "không có hồ sơ số %lld — no hồ sơ %lld", (long long)id, (long long)id);
}

/* Numbers the inbox folders not numbered yet, in the order of their first
 * scan (records.id), as migration 015 did for those before it. */
static int
number_folders(sqlite3 *db)
{
	return sqlite3_exec(db, "INSERT OR IGNORE INTO hoso_files (origin, created_at)"
	    " SELECT origin, min(created_at) FROM records WHERE origin <> ''"
	    " AND origin NOT IN (SELECT origin FROM hoso_files)"
	    " GROUP BY origin ORDER BY min(id)", NULL, NULL, NULL);
}

static int64_t
lookup_number(sqlite3 *db, const char *origin)
{
	sqlite3_stmt *st;
	int64_t id = 0;

	if (sqlite3_prepare_v2(db, "SELECT id FROM hoso_files WHERE origin = ?", -1, &st, NULL)
	    != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

sohoa_status
sohoa_hoso_number(sohoa_catalog *cat, const char *origin, int64_t *id, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	int64_t n;

	*id = 0;
	if (!origin || !*origin)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "tài liệu lẻ không thuộc hồ sơ nào — a loose document has no hồ sơ");
	if ((n = lookup_number(db, origin)) == 0) {
		char now[32];
		sqlite3_stmt *st;
		if (number_folders(db) != SQLITE_OK)
			return db_fail(db, err);
		/* A folder known only by its hoso.txt (no record yet). */
		sohoa_now_iso(now);
		if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO hoso_files (origin, created_at)"
		    " VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK)
			return db_fail(db, err);
		sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_finalize(st);
		n = lookup_number(db, origin);
	}
	if (n <= 0)
		return db_fail(db, err);
	*id = n;
	return SOHOA_OK;
}

sohoa_status
sohoa_hoso_origin(sohoa_catalog *cat, int64_t id, char *buf, size_t n, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st;
	int r;

	if (n)
		buf[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT origin FROM hoso_files WHERE id = ?", -1, &st, NULL)
	    != SQLITE_OK)
		return db_fail(db, err);
	sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (r == SQLITE_ROW)
		return SOHOA_OK;
	return r == SQLITE_DONE ? no_hoso(id, err) : db_fail(db, err);
}

sohoa_status
sohoa_hoso_list(sohoa_catalog *cat, void (*fn)(void *arg, const sohoa_hoso_entry *e),
    void *arg, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st;
	int r;

	if (number_folders(db) != SQLITE_OK)
		return db_fail(db, err);
	if (sqlite3_prepare_v2(db, "SELECT f.id, f.origin,"
	    " (SELECT value FROM hoso h WHERE h.origin = f.origin AND h.name = 'title'),"
	    " (SELECT value FROM hoso h WHERE h.origin = f.origin AND h.name = 'fileCode'),"
	    " f.created_at, f.created_by,"
	    " (SELECT count(*) FROM records r WHERE r.origin = f.origin AND r.state = 'done')"
	    " FROM hoso_files f ORDER BY f.id DESC", -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, err);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *origin = (const char *)sqlite3_column_text(st, 1);
		const char *title = (const char *)sqlite3_column_text(st, 2);
		const char *base = strrchr(origin, '/');
		sohoa_hoso_entry e = {
			.id = sqlite3_column_int64(st, 0),
			.origin = origin,
			/* The folder's name is the title until someone says otherwise. */
			.title = title ? title : base ? base + 1 : origin,
			.file_code = (const char *)sqlite3_column_text(st, 3),
			.created_at = (const char *)sqlite3_column_text(st, 4),
			.created_by = (const char *)sqlite3_column_text(st, 5),
			.ndocs = sqlite3_column_int(st, 6),
		};
		fn(arg, &e);
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? SOHOA_OK : db_fail(db, err);
}

/* A value a person gives: NFC text, no control character, not too long. */
static sohoa_status
check_text(const char *label, const char *value, sohoa_error *err)
{
	size_t len = strlen(value), flen = 0;
	char *f;
	int same;

	if (len > SOHOA_HOSO_VALUE_MAX)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "%s: dài quá %d byte — longer than %d bytes", label, SOHOA_HOSO_VALUE_MAX,
		    SOHOA_HOSO_VALUE_MAX);
	f = sohoa_text_field(value, len, &flen);
	same = f && flen == len && !memcmp(f, value, len);
	free(f);
	if (!same)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "%s: giá trị chứa ký tự điều khiển hoặc không phải UTF-8 — holds a control"
		    " character or invalid UTF-8", label);
	return SOHOA_OK;
}

static void
rollback(sohoa_catalog *cat)
{
	sohoa_catalog_rollback(cat);
}

sohoa_status
sohoa_hoso_create(sohoa_catalog *cat, const char *title, const char *agent, int64_t *id,
    sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;
	sohoa_hoso h;
	char now[32], origin[64], detail[SOHOA_HOSO_VALUE_MAX + 64];
	int64_t n = 0;
	sohoa_status rc;

	*id = 0;
	sohoa_hoso_init(&h);
	if (!title || !*title)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "hồ sơ cần có tiêu đề — a hồ sơ needs a title");
	if ((rc = check_text("Tiêu đề hồ sơ", title, err)) != SOHOA_OK
	    || (rc = sohoa_hoso_set(&h, SOHOA_H_TITLE, title, "person", err)) != SOHOA_OK) {
		sohoa_hoso_release(&h);
		return rc;
	}
	if ((rc = sohoa_catalog_begin(cat, err)) != SOHOA_OK) {
		sohoa_hoso_release(&h);
		return rc;
	}
	sohoa_now_iso(now);
	if (number_folders(db) != SQLITE_OK
	    || sqlite3_prepare_v2(db, "SELECT coalesce(max(id), 0) + 1 FROM hoso_files", -1, &st,
	    NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW)
		goto fail;
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	/* A name starting with '.' is never an inbox folder's (inbox.h). */
	snprintf(origin, sizeof origin, ".hoso/%lld", (long long)n);
	if (sqlite3_prepare_v2(db, "INSERT INTO hoso_files (id, origin, created_at, created_by)"
	    " VALUES (?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, n);
	sqlite3_bind_text(st, 2, origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, agent ? agent : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO hoso (origin, name, value, source)"
	    " VALUES (?, 'title', ?, 'person')", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, h.v[SOHOA_H_TITLE], -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	snprintf(detail, sizeof detail, "hồ sơ %lld created: title \"%s\"", (long long)n,
	    h.v[SOHOA_H_TITLE]);
	if ((rc = sohoa_catalog_event_add(cat, 0, "metadata modification", agent, "success",
	    detail, err)) != SOHOA_OK || (rc = sohoa_catalog_commit(cat, err)) != SOHOA_OK) {
		rollback(cat);
		sohoa_hoso_release(&h);
		return rc;
	}
	sohoa_hoso_release(&h);
	*id = n;
	return SOHOA_OK;
fail:
	rc = db_fail(db, err);
	sqlite3_finalize(st);
	rollback(cat);
	sohoa_hoso_release(&h);
	return rc;
}

/* Every record of origin (any state) in the hồ sơ's order: a person's
 * places first, then pickup order. */
static sohoa_status
all_in_order(sqlite3 *db, const char *origin, int done_only, int64_t **recs, size_t *n,
    sohoa_error *err)
{
	sqlite3_stmt *st;
	int64_t *v = NULL;
	size_t cnt = 0, cap = 0;
	int r;

	*recs = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, done_only ? "SELECT id FROM records WHERE origin = ?"
	    " AND state = 'done' ORDER BY hoso_order IS NULL, hoso_order, id"
	    : "SELECT id FROM records WHERE origin = ?"
	    " ORDER BY hoso_order IS NULL, hoso_order, id", -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, err);
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (cnt == cap) {
			int64_t *nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof *v);
			if (!nv) {
				free(v);
				sqlite3_finalize(st);
				return sohoa_error_oom(err);
			}
			v = nv;
		}
		v[cnt++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE) {
		free(v);
		return db_fail(db, err);
	}
	*recs = v;
	*n = cnt;
	return SOHOA_OK;
}

/* Gives recs[0..n) the places 1..n. */
static int
renumber(sqlite3 *db, const int64_t *recs, size_t n)
{
	sqlite3_stmt *st;
	int ok = 1;

	if (sqlite3_prepare_v2(db, "UPDATE records SET hoso_order = ? WHERE id = ?", -1, &st, NULL)
	    != SQLITE_OK)
		return 0;
	for (size_t i = 0; ok && i < n; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, (int64_t)i + 1);
		sqlite3_bind_int64(st, 2, recs[i]);
		ok = sqlite3_step(st) == SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return ok;
}

/* The origin and state of record rec; SOHOA_BAD_INPUT unless done (H2). */
static sohoa_status
record_origin(sqlite3 *db, int64_t rec, char *buf, size_t n, sohoa_error *err)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(db, "SELECT origin FROM records WHERE id = ? AND state = 'done'",
	    -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, err);
	sqlite3_bind_int64(st, 1, rec);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
		found = 1;
	}
	sqlite3_finalize(st);
	if (!found)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "không có tài liệu số %lld đã xử lý xong — no finished record %lld",
		    (long long)rec, (long long)rec);
	return SOHOA_OK;
}

sohoa_status
sohoa_hoso_edit(sohoa_catalog *cat, int64_t id, const char *field, const char *value,
    const char *agent, char **stored, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;
	sohoa_hoso_id f = sohoa_hoso_lookup(field);
	sohoa_hoso h;
	char origin[4096], *old = NULL, *detail = NULL;
	int64_t *recs = NULL;
	size_t n = 0;
	sohoa_status rc;
	const char *v;

	if (stored)
		*stored = NULL;
	if (f == SOHOA_H_COUNT)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "hồ sơ không có trường \"%s\" — unknown hồ sơ field", field ? field : "");
	if (f == SOHOA_H_START_DATE || f == SOHOA_H_END_DATE || f == SOHOA_H_TOTAL_DOC
	    || f == SOHOA_H_NUMBER_OF_PAPER || f == SOHOA_H_NUMBER_OF_PAGE)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "%s được tính từ các tài liệu của hồ sơ, không sửa tay — %s is computed from"
		    " the hồ sơ's documents", sohoa_hoso_label(f), sohoa_hoso_name(f));
	if (f == SOHOA_H_TITLE && (!value || !*value))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "hồ sơ cần có tiêu đề — a hồ sơ needs a title");
	if ((rc = sohoa_hoso_origin(cat, id, origin, sizeof origin, err)) != SOHOA_OK)
		return rc;
	sohoa_hoso_init(&h);
	if ((value && *value && (rc = check_text(sohoa_hoso_label(f), value, err)) != SOHOA_OK)
	    || (rc = sohoa_hoso_set(&h, f, value, "person", err)) != SOHOA_OK) {
		sohoa_hoso_release(&h);
		return rc;
	}
	v = h.v[f];
	if ((rc = sohoa_catalog_begin(cat, err)) != SOHOA_OK) {
		sohoa_hoso_release(&h);
		return rc;
	}
	if (sqlite3_prepare_v2(db, "SELECT value FROM hoso WHERE origin = ? AND name = ?", -1, &st,
	    NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sohoa_hoso_name(f), -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		old = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	st = NULL;
	/* Cleared: what hoso.txt or the configuration says applies again. */
	if (sqlite3_prepare_v2(db, v ? "INSERT INTO hoso (origin, name, value, source)"
	    " VALUES (?1, ?2, ?3, 'person') ON CONFLICT (origin, name) DO UPDATE SET"
	    " value = excluded.value, source = 'person'"
	    : "DELETE FROM hoso WHERE origin = ?1 AND name = ?2", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sohoa_hoso_name(f), -1, SQLITE_STATIC);
	if (v)
		sqlite3_bind_text(st, 3, v, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	if (asprintf(&detail, "hồ sơ %lld %s: \"%s\" -> \"%s\"", (long long)id, sohoa_hoso_name(f),
	    old ? old : "", v ? v : "") < 0) {
		detail = NULL;
		rc = sohoa_error_oom(err);
		goto undo;
	}
	/* H1: on every document whose EAD changes; one with no document yet
	 * keeps it as an event of no record. */
	if ((rc = all_in_order(db, origin, 1, &recs, &n, err)) != SOHOA_OK)
		goto undo;
	for (size_t i = 0; rc == SOHOA_OK && i < n; i++)
		rc = sohoa_catalog_event_add(cat, recs[i], "metadata modification", agent, "success",
		    detail, err);
	if (rc == SOHOA_OK && !n)
		rc = sohoa_catalog_event_add(cat, 0, "metadata modification", agent, "success",
		    detail, err);
	if (rc != SOHOA_OK || (rc = sohoa_catalog_commit(cat, err)) != SOHOA_OK)
		goto undo;
	if (stored && v)
		*stored = strdup(v);
	goto out;
fail:
	rc = db_fail(db, err);
	sqlite3_finalize(st);
undo:
	rollback(cat);
out:
	free(recs);
	free(old);
	free(detail);
	sohoa_hoso_release(&h);
	return rc;
}

/* One "metadata modification" event on rec, in the open transaction. */
static sohoa_status
record_event(sohoa_catalog *cat, int64_t rec, const char *agent, sohoa_error *err,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static sohoa_status
record_event(sohoa_catalog *cat, int64_t rec, const char *agent, sohoa_error *err,
    const char *fmt, ...)
{
	char detail[8400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	return sohoa_catalog_event_add(cat, rec, "metadata modification", agent, "success", detail,
	    err);
}

sohoa_status
sohoa_hoso_add(sohoa_catalog *cat, int64_t id, int64_t rec, const char *agent, int64_t *from,
    sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;
	char origin[4096], old[4096];
	int64_t *recs = NULL, from_id = 0;
	size_t n = 0;
	sohoa_status rc;

	if (from)
		*from = 0;
	if ((rc = sohoa_hoso_origin(cat, id, origin, sizeof origin, err)) != SOHOA_OK
	    || (rc = record_origin(db, rec, old, sizeof old, err)) != SOHOA_OK)
		return rc;
	if (!strcmp(old, origin)) {
		if (from)
			*from = id;
		return SOHOA_OK;
	}
	if (old[0] && (rc = sohoa_hoso_number(cat, old, &from_id, err)) != SOHOA_OK)
		return rc;
	if ((rc = sohoa_catalog_begin(cat, err)) != SOHOA_OK)
		return rc;
	/* Everyone already in keeps their place; the new one comes last. */
	if ((rc = all_in_order(db, origin, 0, &recs, &n, err)) != SOHOA_OK)
		goto undo;
	if (!renumber(db, recs, n))
		goto fail;
	if (sqlite3_prepare_v2(db, "UPDATE records SET origin = ?, hoso_order = ? WHERE id = ?", -1,
	    &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)n + 1);
	sqlite3_bind_int64(st, 3, rec);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = record_event(cat, rec, agent, err, "hồ sơ: \"%s\" -> \"%s\" (hồ sơ %lld, place %zu)",
	    old, origin, (long long)id, n + 1)) != SOHOA_OK
	    || (rc = sohoa_catalog_commit(cat, err)) != SOHOA_OK)
		goto undo;
	free(recs);
	if (from)
		*from = from_id;
	return SOHOA_OK;
fail:
	rc = db_fail(db, err);
	sqlite3_finalize(st);
undo:
	rollback(cat);
	free(recs);
	return rc;
}

sohoa_status
sohoa_hoso_remove(sohoa_catalog *cat, int64_t id, int64_t rec, const char *agent,
    sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;
	char origin[4096], old[4096];
	sohoa_status rc;

	if ((rc = sohoa_hoso_origin(cat, id, origin, sizeof origin, err)) != SOHOA_OK
	    || (rc = record_origin(db, rec, old, sizeof old, err)) != SOHOA_OK)
		return rc;
	if (strcmp(old, origin))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "tài liệu %lld không thuộc hồ sơ %lld — record %lld is not in hồ sơ %lld",
		    (long long)rec, (long long)id, (long long)rec, (long long)id);
	if ((rc = sohoa_catalog_begin(cat, err)) != SOHOA_OK)
		return rc;
	if (sqlite3_prepare_v2(db, "UPDATE records SET origin = '', hoso_order = NULL WHERE id = ?",
	    -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, rec);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	if ((rc = record_event(cat, rec, agent, err, "hồ sơ: \"%s\" -> \"\" (taken out of hồ sơ"
	    " %lld)", old, (long long)id)) != SOHOA_OK
	    || (rc = sohoa_catalog_commit(cat, err)) != SOHOA_OK)
		goto undo;
	return SOHOA_OK;
fail:
	rc = db_fail(db, err);
	sqlite3_finalize(st);
undo:
	rollback(cat);
	return rc;
}

/* Puts the order of hồ sơ origin to want[0..n) (a permutation of its
 * records), with an event on each record whose place changed. */
static sohoa_status
set_order(sohoa_catalog *cat, int64_t id, const char *origin, const int64_t *was,
    const int64_t *want, size_t n, const char *agent, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sohoa_status rc;

	if ((rc = sohoa_catalog_begin(cat, err)) != SOHOA_OK)
		return rc;
	if (!renumber(db, want, n)) {
		rc = db_fail(db, err);
		rollback(cat);
		return rc;
	}
	for (size_t i = 0; rc == SOHOA_OK && i < n; i++) {
		size_t k = 0;
		while (k < n && was[k] != want[i])
			k++;
		if (k != i)
			rc = record_event(cat, want[i], agent, err, "hồ sơ %lld (%s) order: %zu -> %zu",
			    (long long)id, origin, k + 1, i + 1);
	}
	if (rc != SOHOA_OK || (rc = sohoa_catalog_commit(cat, err)) != SOHOA_OK)
		rollback(cat);
	return rc;
}

sohoa_status
sohoa_hoso_move(sohoa_catalog *cat, int64_t id, int64_t rec, int delta, const char *agent,
    sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	char origin[4096];
	int64_t *was = NULL, *want = NULL;
	size_t n = 0, at = 0, to;
	sohoa_status rc;

	if ((rc = sohoa_hoso_origin(cat, id, origin, sizeof origin, err)) != SOHOA_OK
	    || (rc = all_in_order(db, origin, 0, &was, &n, err)) != SOHOA_OK)
		return rc;
	while (at < n && was[at] != rec)
		at++;
	if (at == n) {
		free(was);
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "tài liệu %lld không thuộc hồ sơ %lld — record %lld is not in hồ sơ %lld",
		    (long long)rec, (long long)id, (long long)rec, (long long)id);
	}
	if (delta < 0)
		to = (size_t)-delta > at ? 0 : at - (size_t)-delta;
	else
		to = (size_t)delta >= n - at ? n - 1 : at + (size_t)delta;
	if (!(want = malloc((n ? 2 * n : 1) * sizeof *want))) {
		free(was);
		return sohoa_error_oom(err);
	}
	/* want = was without rec (in want[n..2n-1)), rec inserted at to. */
	for (size_t i = 0, k = n; i < n; i++)
		if (i != at)
			want[k++] = was[i];
	for (size_t i = 0; i < n; i++)
		want[i] = i < to ? want[n + i] : i == to ? rec : want[n + i - 1];
	rc = set_order(cat, id, origin, was, want, n, agent, err);
	free(was);
	free(want);
	return rc;
}

sohoa_status
sohoa_hoso_order(sohoa_catalog *cat, int64_t id, const int64_t *recs, size_t nrecs,
    const char *agent, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	char origin[4096];
	int64_t *was = NULL, *want = NULL;
	size_t n = 0, k = 0;
	sohoa_status rc;

	if ((rc = sohoa_hoso_origin(cat, id, origin, sizeof origin, err)) != SOHOA_OK
	    || (rc = all_in_order(db, origin, 0, &was, &n, err)) != SOHOA_OK)
		return rc;
	if (!(want = malloc((n ? n : 1) * sizeof *want))) {
		free(was);
		return sohoa_error_oom(err);
	}
	for (size_t i = 0; i < nrecs; i++) {
		size_t j = 0, dup = 0;
		while (j < n && was[j] != recs[i])
			j++;
		while (dup < k && want[dup] != recs[i])
			dup++;
		if (j == n || dup < k) {
			free(was);
			free(want);
			return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    j == n ? "tài liệu %lld không thuộc hồ sơ %lld — record %lld is not in hồ sơ"
			    " %lld" : "tài liệu %lld có hai lần trong thứ tự (hồ sơ %lld) — record %lld"
			    " given twice (hồ sơ %lld)", (long long)recs[i], (long long)id,
			    (long long)recs[i], (long long)id);
		}
		want[k++] = recs[i];
	}
	for (size_t j = 0; j < n; j++) {
		size_t i = 0;
		while (i < nrecs && recs[i] != was[j])
			i++;
		if (i == nrecs)
			want[k++] = was[j];
	}
	rc = set_order(cat, id, origin, was, want, n, agent, err);
	free(was);
	free(want);
	return rc;
}

sohoa_status
sohoa_hoso_members(sohoa_catalog *cat, int64_t id, int64_t **recs, size_t *n, sohoa_error *err)
{
	char origin[4096];
	sohoa_status rc;

	*recs = NULL;
	*n = 0;
	if ((rc = sohoa_hoso_origin(cat, id, origin, sizeof origin, err)) != SOHOA_OK)
		return rc;
	return all_in_order(sohoa_catalog_db(cat), origin, 1, recs, n, err);
}

sohoa_status
sohoa_hoso_describe(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id, sohoa_hoso *out,
    sohoa_error *err)
{
	char origin[4096];
	sohoa_status rc;

	sohoa_hoso_init(out);
	if ((rc = sohoa_hoso_origin(cat, id, origin, sizeof origin, err)) != SOHOA_OK)
		return rc;
	sohoa_hoso_release(out);
	return sohoa_describe_hoso_full(conf, cat, origin, 0, out, err);
}

sohoa_status
sohoa_hoso_repackage(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id,
    const char *agent, int *done, sohoa_error *err)
{
	int64_t *recs = NULL;
	size_t n = 0;
	sohoa_status rc = SOHOA_OK;

	if (done)
		*done = 0;
	if (id <= 0)
		return SOHOA_OK;
	if ((rc = sohoa_hoso_members(cat, id, &recs, &n, err)) != SOHOA_OK)
		return rc;
	for (size_t i = 0; rc == SOHOA_OK && i < n; i++)
		if ((rc = sohoa_edit_finish(conf, cat, recs[i], agent, err)) == SOHOA_OK && done)
			(*done)++;
	free(recs);
	return rc;
}

sohoa_status
sohoa_hoso_repackage_record(const sohoa_conf *conf, sohoa_catalog *cat, int64_t rec,
    const char *agent, sohoa_error *err)
{
	return sohoa_edit_finish(conf, cat, rec, agent, err);
}
