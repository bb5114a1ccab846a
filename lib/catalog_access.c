/*
 * catalog_access.c - the access decision of access.h (A1-A5), the
 * viewer-aware fetches built on it, the access log, and requests and grants
 * for mode 02 records.
 *
 * A catalog-family file: it alone reads and writes the tables access_log
 * and access_requests, and its viewer-aware fetches are reads of records,
 * fields and pages filtered by the rule; search (search.c) takes the rule's
 * SQL form from it through access_int.h.
 *
 * The rule exists twice: in C (sohoa_access_rule, for one record) and in
 * SQL (level_sql, for search), whose record part - state, secrecy, mode -
 * is the class the triggers of migration 023 store in record_access;
 * test_access.c checks that both agree on every case and that the stored
 * class follows every change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_int.h"
#include "sohoa/catalog.h"
#include "catalog_int.h"

static const struct { const char *code, *label; } modes[] = {
	{ "01", "Công khai" }, { "02", "Sử dụng có điều kiện" }, { "03", "Mật" },
};

const char *
sohoa_mode_label(const char *mode)
{
	for (size_t i = 0; mode && i < sizeof modes / sizeof *modes; i++)
		if (!strcmp(mode, modes[i].code))
			return modes[i].label;
	return NULL;
}

sohoa_access
sohoa_access_rule(const char *mode, const char *secrecy, int granted)
{
	const char *p;

	/* A1: any secrecy marking at all, even one we do not know. */
	for (p = secrecy ? secrecy : ""; *p == ' ' || *p == '\t' || *p == '\n'; p++)
		;
	if (*p)
		return SOHOA_ACCESS_NONE;
	if (mode && !strcmp(mode, "01"))
		return SOHOA_ACCESS_FULL;
	if (mode && !strcmp(mode, "02"))
		return granted ? SOHOA_ACCESS_FULL : SOHOA_ACCESS_CATALOG;
	return SOHOA_ACCESS_NONE;
}

/* The SQL of the rule for record id expression x: 0 NONE, 1 CATALOG, 2 FULL
 * (0 for an id that does not exist).  One look-up of the record's access
 * class (record_access, migration 023: the record's state, secrecy and
 * effective mode, A1, A2, A4, A5, kept current by triggers) leaves only the
 * viewer's part: the default mode for a record with none, and the live
 * grant (A3) for a 02 record.  The names inside (acc_c, acc_g) must not be
 * names x uses: x = "r.id" once read the mode of another hồ sơ. */
#define GRANT_SQL "CASE WHEN EXISTS (SELECT 1 FROM access_requests acc_g" \
	" WHERE acc_g.user_id = :acc_user AND acc_g.record_id = acc_c.id" \
	" AND acc_g.state = 'approved' AND acc_g.expires_at > :acc_now) THEN 2 ELSE 1 END"
#define CLASS_LEVEL_SQL "CASE acc_c.class WHEN 1 THEN 2 WHEN 2 THEN " GRANT_SQL \
	" WHEN 4 THEN CASE :acc_default WHEN '01' THEN 2 WHEN '02' THEN " GRANT_SQL \
	" ELSE 0 END ELSE 0 END"

static void
level_sql(struct sbuf *s, const char *x)
{
	sb_printf(s, "coalesce((SELECT " CLASS_LEVEL_SQL " FROM record_access acc_c"
	    " WHERE acc_c.id = %s), 0)", x);
}

void
access_sql_where(struct sbuf *s, const char *x, int words)
{
	sb_str(s, " AND ");
	level_sql(s, x);
	sb_str(s, words ? " = 2" : " >= 1");
}

void
access_sql_join(struct sbuf *s, const char *x)
{
	sb_printf(s, " JOIN record_access acc_c ON acc_c.id = %s", x);
}

void
access_sql_where_joined(struct sbuf *s, int words)
{
	sb_str(s, " AND " CLASS_LEVEL_SQL);
	sb_str(s, words ? " = 2" : " >= 1");
}

int
access_sql_bind(sqlite3_stmt *st, const sohoa_viewer *v)
{
	int rc = SQLITE_OK, i;

	if ((i = sqlite3_bind_parameter_index(st, ":acc_user")) > 0)
		rc = sqlite3_bind_int64(st, i, v->user_id);
	if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(st, ":acc_now")) > 0)
		rc = sqlite3_bind_int64(st, i, v->now);
	if (rc == SQLITE_OK && (i = sqlite3_bind_parameter_index(st, ":acc_default")) > 0)
		rc = sqlite3_bind_text(st, i, v->default_mode ? v->default_mode : "",
		    -1, SQLITE_TRANSIENT);
	return rc;
}

static sohoa_status
db_error(sqlite3 *db, sohoa_error *err, const char *what)
{
	int code = sqlite3_errcode(db) & 0xff;

	return sohoa_error_set(err, code == SQLITE_BUSY || code == SQLITE_LOCKED
	    || code == SQLITE_NOMEM ? SOHOA_RETRY : SOHOA_FATAL, SOHOA_REASON_NONE,
	    "%s: %s", what, sqlite3_errmsg(db));
}

static sohoa_status
not_found(sohoa_error *err)
{
	return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
	    "Không có tài liệu này / no such document");
}

/* The access level of id, its effective mode (mode, 8 bytes) and the expiry
 * of the viewer's live grant. */
static sohoa_status
level_of(sqlite3 *db, const sohoa_viewer *v, int64_t id, sohoa_access *out, char *mode,
    long long *grant, sohoa_error *err)
{
	struct sbuf q = { 0 };
	sqlite3_stmt *st = NULL;
	int r;

	sb_str(&q, "SELECT ");
	level_sql(&q, ":id");
	sb_str(&q, ", coalesce((SELECT value FROM fields WHERE record_id = :id AND name = 'mode'),"
	    " (SELECT h.value FROM records r JOIN hoso h ON h.origin = r.origin AND h.name = 'mode'"
	    " WHERE r.id = :id), :acc_default), (SELECT max(expires_at) FROM access_requests"
	    " WHERE record_id = :id AND user_id = :acc_user AND state = 'approved'"
	    " AND expires_at > :acc_now)");
	*out = SOHOA_ACCESS_NONE;
	if (q.oom) {
		free(q.p);
		return sohoa_error_oom(err);
	}
	if (sqlite3_prepare_v2(db, q.p, -1, &st, NULL) != SQLITE_OK
	    || access_sql_bind(st, v) != SQLITE_OK
	    || sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":id"), id) != SQLITE_OK) {
		free(q.p);
		sqlite3_finalize(st);
		return db_error(db, err, "access");
	}
	free(q.p);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*out = (sohoa_access)sqlite3_column_int(st, 0);
		if (mode)
			snprintf(mode, 8, "%s", sqlite3_column_text(st, 1)
			    ? (const char *)sqlite3_column_text(st, 1) : "");
		if (grant)
			*grant = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return r == SQLITE_ROW ? SOHOA_OK : db_error(db, err, "access");
}

sohoa_status
sohoa_access_of(sohoa_catalog *cat, const sohoa_viewer *v, int64_t id, sohoa_access *out,
    sohoa_error *err)
{
	return level_of(sohoa_catalog_db(cat), v, id, out, NULL, NULL, err);
}

/* The rule for each result, by one statement prepared once. */
sohoa_status
access_redact_results(sohoa_catalog *cat, const sohoa_viewer *v, sohoa_search_results *res,
    sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	struct sbuf q = { 0 };
	sqlite3_stmt *st = NULL;
	int idx;

	if (res->count == 0)
		return SOHOA_OK;
	sb_str(&q, "SELECT ");
	level_sql(&q, ":id");
	if (q.oom) {
		free(q.p);
		return sohoa_error_oom(err);
	}
	if (sqlite3_prepare_v2(db, q.p, -1, &st, NULL) != SQLITE_OK
	    || access_sql_bind(st, v) != SQLITE_OK
	    || (idx = sqlite3_bind_parameter_index(st, ":id")) <= 0) {
		free(q.p);
		sqlite3_finalize(st);
		return db_error(db, err, "access");
	}
	free(q.p);
	for (size_t i = 0; i < res->count; i++) {
		sohoa_search_result *r = &res->items[i];
		sohoa_access a;

		sqlite3_reset(st);
		if (sqlite3_bind_int64(st, idx, r->id) != SQLITE_OK
		    || sqlite3_step(st) != SQLITE_ROW) {
			sohoa_status rc = db_error(db, err, "access");

			sqlite3_finalize(st);
			return rc;
		}
		a = (sohoa_access)sqlite3_column_int(st, 0);
		if (a == SOHOA_ACCESS_FULL)
			continue;
		/* CATALOG (A3); NONE cannot be listed, but be safe. */
		free(r->subject);
		r->subject = NULL;
		free(r->name);
		r->name = strdup("");
		free(r->snippet);
		r->snippet = strdup("");
		r->page = 0;
		if (!r->name || !r->snippet) {
			sqlite3_finalize(st);
			return sohoa_error_oom(err);
		}
	}
	sqlite3_finalize(st);
	return SOHOA_OK;
}

void
sohoa_record_view_init(sohoa_record_view *rv)
{
	memset(rv, 0, sizeof *rv);
	sohoa_fields_init(&rv->fields);
}

void
sohoa_record_view_release(sohoa_record_view *rv)
{
	free(rv->name);
	free(rv->origin);
	free(rv->type_name);
	free(rv->doc_id);
	free(rv->pdf_path);
	free(rv->package_path);
	sohoa_fields_release(&rv->fields);
	sohoa_record_view_init(rv);
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? strdup((const char *)t) : NULL;
}

/* The catalogue fields of A3. */
static int
catalog_field(sohoa_field_id f)
{
	return f == SOHOA_F_CODE_NUMBER || f == SOHOA_F_CODE_NOTATION || f == SOHOA_F_ISSUED_DATE
	    || f == SOHOA_F_TYPE_NAME || f == SOHOA_F_ORGAN_NAME;
}

sohoa_status
sohoa_access_view(sohoa_catalog *cat, const sohoa_viewer *v, const char *state_dir, int64_t id,
    sohoa_record_view *out, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;
	sohoa_status rc;
	int r;

	sohoa_record_view_release(out);
	out->id = id;
	if ((rc = level_of(db, v, id, &out->access, out->mode, &out->grant_expires, err))
	    != SOHOA_OK)
		return rc;
	if (out->access == SOHOA_ACCESS_NONE)
		return not_found(err);
	if (sqlite3_prepare_v2(db, "SELECT r.name, r.origin, r.doc_id, r.page_count, r.spool_id,"
	    " r.package_path, (SELECT t.name FROM docs_meta m JOIN doc_types t ON t.code ="
	    " m.type_code WHERE m.id = r.id) FROM records r WHERE r.id = ?1", -1, &st, NULL)
	    != SQLITE_OK)
		return db_error(db, err, "access");
	sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		int full = out->access == SOHOA_ACCESS_FULL;

		out->origin = col_dup(st, 1);
		out->doc_id = col_dup(st, 2);
		out->page_count = sqlite3_column_int(st, 3);
		out->type_name = col_dup(st, 6);
		if (full) {
			const char *spool = (const char *)sqlite3_column_text(st, 4);
			size_t n = strlen(state_dir) + strlen(spool ? spool : "") + 40;

			out->name = col_dup(st, 0);
			out->package_path = col_dup(st, 5);
			if ((out->pdf_path = malloc(n)) != NULL)
				snprintf(out->pdf_path, n, "%s/spool/done/%s/document.pdf", state_dir,
				    spool ? spool : "");
		}
	}
	sqlite3_finalize(st);
	if (r != SQLITE_ROW)
		return r == SQLITE_DONE ? not_found(err) : db_error(db, err, "access");
	if ((rc = sohoa_catalog_load_fields(cat, id, &out->fields, err)) != SOHOA_OK)
		return rc;
	if (out->access != SOHOA_ACCESS_FULL)
		for (int f = 0; f < SOHOA_F_COUNT; f++)
			if (!catalog_field((sohoa_field_id)f))
				sohoa_fields_set(&out->fields, (sohoa_field_id)f, NULL, "ocr", 0);
	if (!out->origin || (out->access == SOHOA_ACCESS_FULL && !out->pdf_path))
		return sohoa_error_oom(err);
	return SOHOA_OK;
}

sohoa_status
sohoa_access_page_text(sohoa_catalog *cat, const sohoa_viewer *v, int64_t id, int page_no,
    char **text, sohoa_access *access, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;
	sohoa_access a;
	sohoa_status rc;
	int r;

	*text = NULL;
	if (access)
		*access = SOHOA_ACCESS_NONE;
	if ((rc = level_of(db, v, id, &a, NULL, NULL, err)) != SOHOA_OK)
		return rc;
	if (access)
		*access = a;
	if (a == SOHOA_ACCESS_NONE)
		return not_found(err);
	if (a != SOHOA_ACCESS_FULL)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "Tài liệu sử dụng có điều kiện: cần được lãnh đạo duyệt yêu cầu khai thác / "
		    "conditional access: a request must be approved first");
	if (sqlite3_prepare_v2(db, "SELECT text FROM pages WHERE record_id = ?1 AND page_no = ?2",
	    -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "access");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, page_no);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW && !(*text = col_dup(st, 0)))
		r = SQLITE_NOMEM;
	sqlite3_finalize(st);
	if (r == SQLITE_ROW)
		return SOHOA_OK;
	if (r == SQLITE_DONE) {
		if (access)
			*access = SOHOA_ACCESS_NONE;
		return not_found(err);
	}
	return r == SQLITE_NOMEM ? sohoa_error_oom(err) : db_error(db, err, "access");
}

sohoa_status
sohoa_access_hoso(sohoa_catalog *cat, const sohoa_viewer *v, const char *state_dir,
    const char *origin, void (*fn)(void *arg, const sohoa_record_view *rv), void *arg,
    sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	struct sbuf q = { 0 };
	sqlite3_stmt *st = NULL;
	sohoa_record_view rv;
	sohoa_status rc = SOHOA_OK;
	int r;

	sb_str(&q, "SELECT r.id FROM records r WHERE r.origin = :origin");
	access_sql_where(&q, "r.id", 0);
	/* The hồ sơ's order (hoso_desk.h): a person's places, then pickup. */
	sb_str(&q, " ORDER BY r.hoso_order IS NULL, r.hoso_order, r.id");
	if (q.oom) {
		free(q.p);
		return sohoa_error_oom(err);
	}
	r = sqlite3_prepare_v2(db, q.p, -1, &st, NULL);
	free(q.p);
	if (r != SQLITE_OK || access_sql_bind(st, v) != SQLITE_OK)
		goto fail;
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":origin"), origin ? origin : "",
	    -1, SQLITE_TRANSIENT);
	sohoa_record_view_init(&rv);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		rc = sohoa_access_view(cat, v, state_dir, sqlite3_column_int64(st, 0), &rv, err);
		if (rc != SOHOA_OK)
			break;
		fn(arg, &rv);
	}
	sohoa_record_view_release(&rv);
	if (rc == SOHOA_OK && r != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	return rc;
fail:
	rc = db_error(db, err, "access");
	sqlite3_finalize(st);
	return rc;
}

static sohoa_status
log_insert(sqlite3 *db, const char *user_name, int64_t record_id, const char *what,
    const char *detail, const char *address, sohoa_error *err)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int r;

	sohoa_now_iso(now);
	if (sqlite3_prepare_v2(db, "INSERT INTO access_log (at, user_name, record_id, what, detail,"
	    " address) VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "access log");
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, user_name ? user_name : "", -1, SQLITE_STATIC);
	if (record_id > 0)
		sqlite3_bind_int64(st, 3, record_id);
	sqlite3_bind_text(st, 4, what, -1, SQLITE_STATIC);
	if (detail)
		sqlite3_bind_text(st, 5, detail, -1, SQLITE_STATIC);
	if (address)
		sqlite3_bind_text(st, 6, address, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? SOHOA_OK : db_error(db, err, "access log");
}

sohoa_status
sohoa_access_log(sohoa_catalog *cat, const char *user_name, int64_t record_id, const char *what,
    const char *detail, const char *address, sohoa_error *err)
{
	/* No search reads the access log: with a search cache the line goes
	 * through the cache's own connection and leaves what it keeps valid
	 * (search_cache.h, C3); inside the caller's transaction it goes with
	 * the rest. */
	sqlite3 *db = catalog_side_db_begin(cat);
	sohoa_status rc = log_insert(db, user_name, record_id, what, detail, address, err);

	catalog_side_db_end(cat, db);
	return rc;
}

sohoa_status
access_grant_horizon(sohoa_catalog *cat, const sohoa_viewer *v, long long *out,
    sohoa_error *err)
{
	catalog_stmt s;

	*out = 0;
	/* The same test of a live grant as GRANT_SQL: expires_at > now. */
	catalog_prepare(&s, cat, "SELECT min(expires_at) FROM access_requests"
	    " WHERE user_id = ?1 AND state = 'approved' AND expires_at > ?2");
	catalog_bind_int(&s, 1, v->user_id);
	catalog_bind_int(&s, 2, v->now);
	if (catalog_step(&s) == SQLITE_ROW)
		*out = catalog_col_int(&s, 0);
	return catalog_finish(&s, err, "access: grant expiry");
}

sohoa_status
sohoa_access_log_each(sohoa_catalog *cat, const char *user, int64_t record_id, const char *since,
    void (*fn)(void *arg, const sohoa_access_entry *e), void *arg, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;
	sohoa_access_entry e;
	int r;

	if (sqlite3_prepare_v2(db, "SELECT id, at, user_name, record_id, what, detail, address"
	    " FROM access_log WHERE (?1 IS NULL OR user_name = ?1) AND (?2 = 0 OR record_id = ?2)"
	    " AND (?3 IS NULL OR at >= ?3) ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "access log");
	if (user)
		sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, record_id > 0 ? record_id : 0);
	if (since)
		sqlite3_bind_text(st, 3, since, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&e, 0, sizeof e);
		e.id = sqlite3_column_int64(st, 0);
		e.at = (const char *)sqlite3_column_text(st, 1);
		e.user_name = (const char *)sqlite3_column_text(st, 2);
		e.record_id = sqlite3_column_int64(st, 3);
		e.what = (const char *)sqlite3_column_text(st, 4);
		e.detail = (const char *)sqlite3_column_text(st, 5);
		e.address = (const char *)sqlite3_column_text(st, 6);
		fn(arg, &e);
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? SOHOA_OK : db_error(db, err, "access log");
}

sohoa_status
sohoa_access_request(sohoa_catalog *cat, const sohoa_viewer *v, int64_t id, const char *reason,
    const char *address, int64_t *request_id, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;
	sohoa_access a;
	sohoa_status rc;
	const char *p;
	char now[32];
	int r;

	for (p = reason ? reason : ""; *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'; p++)
		;
	if (!*p || strlen(reason) > 2000)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "Hãy ghi lý do khai thác (tối đa 2000 ký tự) / give a reason (at most 2000 bytes)");
	if ((rc = level_of(db, v, id, &a, NULL, NULL, err)) != SOHOA_OK)
		return rc;
	if (a == SOHOA_ACCESS_NONE)
		return not_found(err);
	if (a == SOHOA_ACCESS_FULL)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "Bạn đã được xem tài liệu này / you can already see this document");
	sohoa_now_iso(now);
	if (sqlite3_prepare_v2(db, "INSERT INTO access_requests (record_id, user_id, reason, state,"
	    " created_at) SELECT ?1, ?2, ?3, 'pending', ?4 WHERE NOT EXISTS (SELECT 1 FROM"
	    " access_requests WHERE record_id = ?1 AND user_id = ?2 AND state = 'pending')",
	    -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "access request");
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, v->user_id);
	sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return db_error(db, err, "access request");
	if (sqlite3_changes(db) == 0)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "Yêu cầu của bạn đang chờ duyệt / your request is waiting for a decision");
	if (request_id)
		*request_id = sqlite3_last_insert_rowid(db);
	return sohoa_access_log(cat, v->user_name, id, "request", reason, address, err);
}

sohoa_status
sohoa_access_decide(sohoa_catalog *cat, const char *decider, int64_t request_id, int approve,
    long long now, long long grant_days, const char *address, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;
	int64_t record_id = 0;
	char at[32], detail[160];
	int r;

	sohoa_now_iso(at);
	if (sqlite3_prepare_v2(db, "UPDATE access_requests SET state = ?2, decided_by = ?3,"
	    " decided_at = ?4, expires_at = CASE WHEN ?2 = 'approved' THEN ?5 END"
	    " WHERE id = ?1 AND state = 'pending' RETURNING record_id", -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "access request");
	sqlite3_bind_int64(st, 1, request_id);
	sqlite3_bind_text(st, 2, approve ? "approved" : "refused", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, decider, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now + grant_days * 86400);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		record_id = sqlite3_column_int64(st, 0);
		r = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return db_error(db, err, "access request");
	if (!record_id)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "Không có yêu cầu đang chờ số %lld / no pending request %lld",
		    (long long)request_id, (long long)request_id);
	snprintf(detail, sizeof detail, "request %lld%s", (long long)request_id,
	    approve ? "" : "");
	if (approve)
		snprintf(detail, sizeof detail, "request %lld, %lld days", (long long)request_id,
		    grant_days);
	return sohoa_access_log(cat, decider, record_id, approve ? "approve" : "refuse", detail,
	    address, err);
}

sohoa_status
sohoa_access_requests_each(sohoa_catalog *cat, const char *state, int64_t user_id,
    int64_t record_id, void (*fn)(void *arg, const sohoa_access_req *r), void *arg,
    sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;
	sohoa_access_req q;
	int r;

	if (sqlite3_prepare_v2(db, "SELECT a.id, a.record_id, u.name, a.reason, a.state,"
	    " a.created_at, a.decided_by, coalesce(a.expires_at, 0) FROM access_requests a"
	    " JOIN web_users u ON u.id = a.user_id WHERE (?1 IS NULL OR a.state = ?1)"
	    " AND (?2 = 0 OR a.user_id = ?2) AND (?3 = 0 OR a.record_id = ?3) ORDER BY a.id DESC",
	    -1, &st, NULL) != SQLITE_OK)
		return db_error(db, err, "access request");
	if (state)
		sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user_id > 0 ? user_id : 0);
	sqlite3_bind_int64(st, 3, record_id > 0 ? record_id : 0);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&q, 0, sizeof q);
		q.id = sqlite3_column_int64(st, 0);
		q.record_id = sqlite3_column_int64(st, 1);
		q.user_name = (const char *)sqlite3_column_text(st, 2);
		q.reason = (const char *)sqlite3_column_text(st, 3);
		q.state = (const char *)sqlite3_column_text(st, 4);
		q.created_at = (const char *)sqlite3_column_text(st, 5);
		q.decided_by = (const char *)sqlite3_column_text(st, 6);
		q.expires_at = sqlite3_column_int64(st, 7);
		fn(arg, &q);
	}
	sqlite3_finalize(st);
	return r == SQLITE_DONE ? SOHOA_OK : db_error(db, err, "access request");
}
