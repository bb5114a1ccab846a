/*
 * catalog_review.c - the review queue in the catalog (contract in
 * include/sohoa/review.h): which documents a person should look at, the
 * "review" event that takes one off, and the values earlier records give a
 * field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_int.h"
#include "sohoa/extract.h"
#include "sohoa/review.h"

static sohoa_status
db_error(sqlite3 *db, sohoa_error *err, const char *what)
{
	int code = sqlite3_errcode(db) & 0xff;

	return sohoa_error_set(err, code == SQLITE_BUSY || code == SQLITE_LOCKED
	    || code == SQLITE_NOMEM ? SOHOA_RETRY : SOHOA_FATAL, SOHOA_REASON_NONE,
	    "%s: %s", what, sqlite3_errmsg(db));
}

static const char *
text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* The queue's condition on records r; ?1 the threshold (0-100), ?2 the
 * field threshold (0-1). */
#define ON_QUEUE \
	" r.state = 'done'" \
	" AND (r.mean_confidence < ?1 OR EXISTS (SELECT 1 FROM fields f" \
	"      WHERE f.record_id = r.id AND f.source = 'ocr' AND f.confidence < ?2))" \
	" AND NOT EXISTS (SELECT 1 FROM events e WHERE e.type = '" SOHOA_REVIEW_EVENT "'" \
	"      AND e.record_id = r.id)"

sohoa_status
sohoa_review_each(sohoa_catalog *cat, long long threshold, int limit,
    int (*each)(void *arg, const sohoa_review_item *it), void *arg, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT r.id, r.name, r.origin, r.created_at,"
	    " coalesce(r.page_count, 0), coalesce(r.mean_confidence, -1),"
	    " coalesce((SELECT min(confidence) FROM pages WHERE record_id = r.id), -1),"
	    " (SELECT count(*) FROM fields f WHERE f.record_id = r.id AND f.source = 'ocr'"
	    "   AND f.confidence < ?2),"
	    " (SELECT value FROM fields f WHERE f.record_id = r.id AND f.name = 'subject'),"
	    " coalesce(r.mean_confidence < ?1, 0)"
	    " FROM records r WHERE" ON_QUEUE " ORDER BY r.created_at, r.id LIMIT ?3",
	    -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "review queue");
	sqlite3_bind_int64(st, 1, threshold);
	sqlite3_bind_double(st, 2, SOHOA_EXTRACT_REVIEW);
	sqlite3_bind_int64(st, 3, limit > 0 ? limit : -1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sohoa_review_item it;
		it.id = sqlite3_column_int64(st, 0);
		it.name = text(st, 1) ? text(st, 1) : "";
		it.origin = text(st, 2) ? text(st, 2) : "";
		it.created_at = text(st, 3) ? text(st, 3) : "";
		it.pages = sqlite3_column_int(st, 4);
		it.confidence = sqlite3_column_double(st, 5);
		it.min_page = sqlite3_column_double(st, 6);
		it.unsure_fields = sqlite3_column_int(st, 7);
		it.subject = text(st, 8);
		it.low_ocr = sqlite3_column_int(st, 9);
		if (each(arg, &it))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sohoa_status s = db_error(db, err, "review queue");
		sqlite3_finalize(st);
		return s;
	}
	sqlite3_finalize(st);
	return SOHOA_OK;
}

static sohoa_status
count_where(sohoa_catalog *cat, long long threshold, int64_t id, long long *n,
    sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM records r WHERE" ON_QUEUE
	    " AND (?3 = 0 OR r.id = ?3)", -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "review queue");
	sqlite3_bind_int64(st, 1, threshold);
	sqlite3_bind_double(st, 2, SOHOA_EXTRACT_REVIEW);
	sqlite3_bind_int64(st, 3, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? SOHOA_OK : db_error(db, err, "review queue");
}

sohoa_status
sohoa_review_count(sohoa_catalog *cat, long long threshold, long long *n, sohoa_error *err)
{
	return count_where(cat, threshold, 0, n, err);
}

sohoa_status
sohoa_review_pending(sohoa_catalog *cat, long long threshold, int64_t id, int *on,
    sohoa_error *err)
{
	long long n = 0;
	sohoa_status s = id > 0 ? count_where(cat, threshold, id, &n, err) : SOHOA_OK;

	*on = n > 0;
	return s;
}

sohoa_status
sohoa_review_mark(sohoa_catalog *cat, int64_t id, const char *agent, int *already,
    sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st;
	int rc, done = 0, seen = 0;
	sohoa_status s;

	if (already)
		*already = 0;
	if (sqlite3_prepare_v2(db, "SELECT r.state = 'done', EXISTS (SELECT 1 FROM events e"
	    " WHERE e.type = '" SOHOA_REVIEW_EVENT "' AND e.record_id = r.id)"
	    " FROM records r WHERE r.id = ?", -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "review");
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		done = sqlite3_column_int(st, 0);
		seen = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(db, err, "review");
	if (!done)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "Không có tài liệu %lld đã xử lý xong — no finished document %lld",
		    (long long)id, (long long)id);
	if (seen) {
		if (already)
			*already = 1;
		return SOHOA_OK;
	}
	s = sohoa_catalog_event_add(cat, id, SOHOA_REVIEW_EVENT, agent, "success",
	    "đã soát (reviewed by a person)", err);
	return s;
}

sohoa_status
sohoa_review_field_values(sohoa_catalog *cat, const char *field, int limit,
    void (*each)(void *arg, const char *value), void *arg, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT value FROM fields WHERE name = ?1"
	    " AND (source <> 'ocr' OR confidence >= ?2) AND value <> ''"
	    " GROUP BY value ORDER BY count(*) DESC, value LIMIT ?3", -1, &st, NULL)
	    != SQLITE_OK)
		return db_error(db, err, "field values");
	sqlite3_bind_text(st, 1, field, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 2, SOHOA_EXTRACT_REVIEW);
	sqlite3_bind_int64(st, 3, limit > 0 ? limit : 50);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		each(arg, text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SOHOA_OK : db_error(db, err, "field values");
}

sohoa_status
sohoa_review_spool_id(sohoa_catalog *cat, int64_t id, char *buf, size_t n, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st;
	int rc;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT spool_id FROM records WHERE id = ?", -1, &st, NULL)
	    != SQLITE_OK)
		return db_error(db, err, "spool id");
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && text(st, 0))
		snprintf(buf, n, "%s", text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(db, err, "spool id");
	return buf[0] ? SOHOA_OK : sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
	    "Không có tài liệu này — no such document");
}
