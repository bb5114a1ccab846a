/*
 * test_catalog.c - the SQLite catalog (catalog.h) on a real database file:
 * its durability settings and migrations, records and the one-live-record-
 * per-content rule, pages and their full-text index, events, and the
 * bookkeeping of deferred and pending files.  Every test ends with SQLite's
 * own integrity checks.
 */
#include <ctype.h>

#include "test.h"
#include "catalog_fixture.h"
#include "sohoa/catalog.h"
#include "catalog_int.h"

/* The first column of the first row of sql as text into a static buffer;
 * "(none)" without rows, "(null)" for NULL, "ERROR: ..." on error. */
static const char *
query1(sqlite3 *db, const char *sql)
{
	static char out[512];
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(out, sizeof out, "ERROR: %s", sqlite3_errmsg(db));
		return out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, sizeof out, "%s", sqlite3_column_type(st, 0) == SQLITE_NULL ? "(null)"
		    : (const char *)sqlite3_column_text(st, 0));
	else if (rc == SQLITE_DONE)
		snprintf(out, sizeof out, "(none)");
	else
		snprintf(out, sizeof out, "ERROR: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return out;
}

static long long
query_int(sqlite3 *db, const char *sql)
{
	return strtoll(query1(db, sql), NULL, 10);
}

/* The ids of the pages whose text holds a word, as "3,4" (the search index
 * itself is tested in test_search.c). */
static const char *
fts_match(sqlite3 *db, const char *expr)
{
	static char out[256];
	sqlite3_stmt *st = NULL;
	size_t len = 0;
	int rc;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT id FROM pages WHERE instr(' ' || text || ' ',"
	    " ' ' || ?1 || ' ') > 0 ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return "ERROR";
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		len += (size_t)snprintf(out + len, len < sizeof out ? sizeof out - len : 0, "%s%lld",
		    len ? "," : "", sqlite3_column_int64(st, 0));
	if (rc != SQLITE_DONE)
		snprintf(out, sizeof out, "ERROR: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return out;
}

/* PRAGMA integrity_check and the FTS5 index against its content. */
static void
check_integrity(sohoa_catalog *cat)
{
	sqlite3 *db = sohoa_catalog_db(cat);

	CHECK_STR(query1(db, "PRAGMA integrity_check"), "ok");
	CHECK_STR(query1(db, "PRAGMA foreign_key_check"), "(none)");
	CHECKM(sqlite3_exec(db, "INSERT INTO docs_fts(docs_fts, rank) VALUES('integrity-check', 1)",
	    NULL, NULL, NULL) == SQLITE_OK, sqlite3_errmsg(db));
}

/* Inserts a record with the given spool id, state and hash. */
static sohoa_status
insert(sohoa_catalog *cat, const char *spool_id, const char *state, const char *hash,
    int64_t *id, sohoa_error *err)
{
	sohoa_record_new r;

	memset(&r, 0, sizeof r);
	r.spool_id = spool_id;
	r.state = (sohoa_state)sohoa_state_from_name(state);
	r.hash = hash;
	r.size = 1234;
	r.name = "Quyết định.tif";
	r.name_raw = "Quye\xCC\x82\xCC\x81t \xC4\x91i\xCC\xA3nh.tif";
	r.name_raw_len = strlen(r.name_raw);
	r.origin = "Hồ sơ 1";
	r.origin_raw = "Hồ sơ 1";
	r.origin_raw_len = strlen("Hồ sơ 1");
	r.inbox_path = "Hồ sơ 1/Quyết định.tif";
	r.inbox_path_len = strlen("Hồ sơ 1/Quyết định.tif");
	r.source_mtime_ns = 1700000000123456789LL;
	r.inbox_removed = 1;
	sohoa_error_clear(err);
	return sohoa_catalog_record_insert(cat, &r, id, err);
}

#define H1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static void
test_open_wal_full_versioned(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sqlite3 *db, *other = NULL;

	if (!cat)
		return;
	db = sohoa_catalog_db(cat);
	CHECK(sohoa_catalog_schema_version() >= 1);
	CHECK_STR(query1(db, "PRAGMA journal_mode"), "wal");
	CHECK_INT(query_int(db, "PRAGMA synchronous"), 2);
	CHECK_INT(query_int(db, "PRAGMA user_version"), sohoa_catalog_schema_version());
	CHECK_INT(query_int(db, "PRAGMA foreign_keys"), 1);
	CHECK_INT(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name IN"
	    " ('records', 'pages', 'events', 'docs_fts')"), 4);
	/* WAL is a property of the file: another connection sees it too. */
	CHECK(sqlite3_open("catalog.db", &other) == SQLITE_OK);
	CHECK_STR(query1(other, "PRAGMA journal_mode"), "wal");
	CHECK_INT(query_int(other, "PRAGMA user_version"), sohoa_catalog_schema_version());
	sqlite3_close(other);
	check_integrity(cat);
	sohoa_catalog_free(cat);
}

/* The catalog's path: named in one place, and refused, not cut short,
 * when the state_dir leaves no room for it. */
static void
test_catalog_path(void)
{
	char buf[64], big[PATH_MAX + 16];
	sohoa_error err;
	sohoa_catalog *cat;

	CHECK_STR(sohoa_catalog_path("/var/lib/sohoa", buf, sizeof buf), "/var/lib/sohoa/catalog.db");
	/* Exactly full (the NUL included) fits; one byte less does not. */
	CHECK(sohoa_catalog_path("/ab", buf, sizeof "/ab/catalog.db") == buf);
	CHECK(sohoa_catalog_path("/ab", buf, sizeof "/ab/catalog.db" - 1) == NULL);
	CHECK_STR(buf, "");
	memset(big, 'a', sizeof big - 1);
	big[0] = '/';
	big[sizeof big - 1] = '\0';
	{
		char path[PATH_MAX];
		sohoa_error_clear(&err);
		cat = sohoa_catalog_open(sohoa_catalog_path(big, path, sizeof path), &err);
		CHECK(cat == NULL);
		CHECK(err.status == SOHOA_FATAL);
		CHECKM(strstr(err.msg, "too long") != NULL, err.msg);
		sohoa_catalog_free(cat);
	}
	/* A real one opens where it says. */
	CHECK(sohoa_catalog_path(".", buf, sizeof buf) != NULL);
	sohoa_error_clear(&err);
	cat = sohoa_catalog_open(buf, &err);
	CHECKM(cat != NULL, err.msg);
	sohoa_catalog_free(cat);
	CHECK(access("./catalog.db", F_OK) == 0);
}

static void
test_reopen_is_noop(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_error err;
	int64_t id = 0;
	char schema[4096];

	if (!cat)
		return;
	CHECKM(insert(cat, "s1", "incoming", H1, &id, &err) == SOHOA_OK, err.msg);
	snprintf(schema, sizeof schema, "%s", query1(sohoa_catalog_db(cat),
	    "SELECT group_concat(name || ':' || sql, ';') FROM"
	    " (SELECT name, sql FROM sqlite_master ORDER BY name)"));
	sohoa_catalog_free(cat);

	cat = fx_open_catalog();
	if (!cat)
		return;
	CHECK_STR(query1(sohoa_catalog_db(cat),
	    "SELECT group_concat(name || ':' || sql, ';') FROM"
	    " (SELECT name, sql FROM sqlite_master ORDER BY name)"), schema);
	CHECK_INT(query_int(sohoa_catalog_db(cat), "PRAGMA user_version"),
	    sohoa_catalog_schema_version());
	CHECK_INT(sohoa_catalog_find_live_hash(cat, H1), id);
	CHECK_INT(query_int(sohoa_catalog_db(cat), "SELECT count(*) FROM records"), 1);
	check_integrity(cat);
	sohoa_catalog_free(cat);
}

/* A catalog written by a newer sohoa is not touched. */
static void
test_newer_schema_refused(void)
{
	sqlite3 *db = NULL;
	sohoa_catalog *cat;
	sohoa_error err;
	char sql[64];

	CHECK(sqlite3_open("catalog.db", &db) == SQLITE_OK);
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", sohoa_catalog_schema_version() + 1);
	CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	sohoa_error_clear(&err);
	cat = sohoa_catalog_open("catalog.db", &err);
	CHECK(cat == NULL);
	CHECK_INT(err.status, SOHOA_FATAL);
	CHECKM(strstr(err.msg, "newer") != NULL, err.msg);
	sohoa_catalog_free(cat);
}

static void
test_insert_and_find(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sqlite3 *db;
	sohoa_error err;
	int64_t a = 0, b = 0;
	sohoa_state state = SOHOA_STATE_COUNT;

	if (!cat)
		return;
	db = sohoa_catalog_db(cat);
	CHECKM(insert(cat, "20240101T000000.000000-00000001", "incoming", H1, &a, &err)
	    == SOHOA_OK, err.msg);
	CHECKM(insert(cat, "20240101T000000.000000-00000002", "active", H2, &b, &err)
	    == SOHOA_OK, err.msg);
	CHECK(a > 0 && b > 0 && a != b);
	CHECK_INT(sohoa_catalog_find_live_hash(cat, H1), a);
	CHECK_INT(sohoa_catalog_find_live_hash(cat, H2), b);
	CHECK_INT(sohoa_catalog_find_live_hash(cat, "sha256:00"), 0);
	CHECK_INT(sohoa_catalog_find_spool(cat, "20240101T000000.000000-00000002", &state), b);
	CHECK_INT(state, SOHOA_STATE_ACTIVE);
	CHECK_INT(sohoa_catalog_find_spool(cat, "nope", &state), 0);
	/* The row holds what was given, bytes as bytes. */
	CHECK_STR(query1(db, "SELECT name FROM records WHERE id = 1"), "Quyết định.tif");
	CHECK_STR(query1(db, "SELECT hex(name_raw) FROM records WHERE id = 1"),
	    "51757965CC82CC817420C49169CCA36E682E746966");
	CHECK_STR(query1(db, "SELECT typeof(name_raw) || typeof(inbox_path) FROM records"),
	    "blobblob");
	CHECK_STR(query1(db, "SELECT origin FROM records WHERE id = 1"), "Hồ sơ 1");
	CHECK_INT(query_int(db, "SELECT source_mtime_ns FROM records WHERE id = 1"),
	    1700000000123456789LL);
	CHECK_INT(query_int(db, "SELECT attempts FROM records WHERE id = 1"), 0);
	CHECK(strlen(query1(db, "SELECT created_at FROM records WHERE id = 1")) == 24);
	check_integrity(cat);
	sohoa_catalog_free(cat);
}

/* At most one live record per content; quarantined ones do not count. */
static void
test_one_live_record_per_hash(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_error err;
	int64_t a = 0, b = 0, c = 0, d = 0;

	if (!cat)
		return;
	CHECKM(insert(cat, "s1", "done", H1, &a, &err) == SOHOA_OK, err.msg);
	CHECK_INT(insert(cat, "s2", "incoming", H1, &b, &err), SOHOA_FATAL);
	CHECKM(strstr(err.msg, "UNIQUE") != NULL, err.msg);
	CHECK_INT(query_int(sohoa_catalog_db(cat), "SELECT count(*) FROM records"), 1);
	/* A duplicate goes in quarantined, pointing at the first. */
	CHECKM(insert(cat, "s3", "quarantined", H1, &c, &err) == SOHOA_OK, err.msg);
	CHECKM(insert(cat, "s4", "quarantined", H1, &d, &err) == SOHOA_OK, err.msg);
	CHECK_INT(sohoa_catalog_find_live_hash(cat, H1), a);
	/* Once the live one is quarantined, the content may live again. */
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_quarantine(cat, a, "corrupt", "bad", "x.tif", 0, &err) == SOHOA_OK,
	    err.msg);
	CHECK_INT(sohoa_catalog_find_live_hash(cat, H1), 0);
	CHECKM(insert(cat, "s5", "incoming", H1, &b, &err) == SOHOA_OK, err.msg);
	CHECK_INT(sohoa_catalog_find_live_hash(cat, H1), b);
	/* A spool id is taken once. */
	CHECK_INT(insert(cat, "s5", "quarantined", H2, &d, &err), SOHOA_FATAL);
	check_integrity(cat);
	sohoa_catalog_free(cat);
}

static void
test_quarantine_fields(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sqlite3 *db;
	sohoa_error err;
	int64_t a = 0, b = 0;

	if (!cat)
		return;
	db = sohoa_catalog_db(cat);
	CHECKM(insert(cat, "s1", "done", H1, &a, &err) == SOHOA_OK, err.msg);
	CHECKM(insert(cat, "s2", "incoming", H2, &b, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_quarantine(cat, b, "duplicate", "same as #1",
	    "Hồ sơ 1/Quyết định.tif", a, &err) == SOHOA_OK, err.msg);
	CHECK_STR(query1(db, "SELECT state || '|' || reason || '|' || last_error || '|' ||"
	    " quarantine_name || '|' || duplicate_of || '|' || quarantine_published"
	    " FROM records WHERE id = 2"),
	    "quarantined|duplicate|same as #1|Hồ sơ 1/Quyết định.tif|1|0");
	CHECKM(sohoa_catalog_quarantine_published(cat, b, &err) == SOHOA_OK, err.msg);
	CHECK_INT(query_int(db, "SELECT quarantine_published FROM records WHERE id = 2"), 1);
	CHECKM(sohoa_catalog_quarantine(cat, a, "corrupt", "x", "y", 0, &err) == SOHOA_OK,
	    err.msg);
	CHECK_STR(query1(db, "SELECT duplicate_of FROM records WHERE id = 1"), "(null)");
	check_integrity(cat);
	sohoa_catalog_free(cat);
}

static void
test_set_state(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_error err;
	int64_t a = 0;
	sohoa_state state = SOHOA_STATE_COUNT;

	if (!cat)
		return;
	CHECKM(insert(cat, "s1", "incoming", H1, &a, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_set_state(cat, a, SOHOA_STATE_ACTIVE, &err) == SOHOA_OK, err.msg);
	CHECK_INT(sohoa_catalog_find_spool(cat, "s1", &state), a);
	CHECK_INT(state, SOHOA_STATE_ACTIVE);
	CHECK_STR(query1(sohoa_catalog_db(cat), "SELECT state FROM records WHERE spool_id = 's1'"),
	    "active");
	/* Only the known states: not TMP (never in the catalog), nothing out
	 * of range; and the schema refuses any other word. */
	CHECK_INT(sohoa_catalog_set_state(cat, a, SOHOA_STATE_TMP, &err), SOHOA_FATAL);
	CHECKM(strstr(err.msg, "no record is in state") != NULL, err.msg);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_catalog_set_state(cat, a, SOHOA_STATE_COUNT, &err), SOHOA_FATAL);
	CHECK_INT(sqlite3_exec(sohoa_catalog_db(cat), "UPDATE records SET state = 'lost'", NULL,
	    NULL, NULL) & 0xff, SQLITE_CONSTRAINT);
	sohoa_catalog_find_spool(cat, "s1", &state);
	CHECK_INT(state, SOHOA_STATE_ACTIVE);
	check_integrity(cat);
	sohoa_catalog_free(cat);
}

static void
test_store_pages(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sqlite3 *db;
	sohoa_error err;
	int64_t a = 0;
	sohoa_page_result pages[3] = {
		{ 1, "Quyết định số 15 về việc bổ nhiệm", 80.0, "ok", 2480, 3508, 300, 0, 0 },
		{ 2, "", -1.0, "timeout", 2480, 3508, 300, 0, 0 },
		{ 3, "Nơi nhận: lưu trữ văn thư", 91.0, "ok", 2480, 3508, 300, 0, 0 },
	};
	char want[64];

	if (!cat)
		return;
	db = sohoa_catalog_db(cat);
	CHECKM(insert(cat, "s1", "active", H1, &a, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_store_pages(cat, a, pages, 3, &err) == SOHOA_OK, err.msg);
	CHECK_STR(query1(db, "SELECT state FROM records WHERE id = 1"), "done");
	CHECK_INT(query_int(db, "SELECT page_count FROM records WHERE id = 1"), 3);
	/* The failed page (confidence < 0) does not count in the mean. */
	CHECK_STR(query1(db, "SELECT printf('%.2f', mean_confidence) FROM records"), "85.50");
	CHECK_INT(query_int(db, "SELECT count(*) FROM pages WHERE record_id = 1"), 3);
	CHECK_STR(query1(db, "SELECT confidence FROM pages WHERE page_no = 2"), "(null)");
	CHECK_STR(query1(db, "SELECT status FROM pages WHERE page_no = 2"), "timeout");
	CHECK_STR(query1(db, "SELECT width || 'x' || height || '@' || dpi FROM pages"
	    " WHERE page_no = 3"), "2480x3508@300");
	/* Each page's text is kept on its own page row; the record waits for
	 * the search index (test_search.c). */
	snprintf(want, sizeof want, "%s",
	    query1(db, "SELECT id FROM pages WHERE record_id = 1 AND page_no = 1"));
	CHECK_STR(fts_match(db, "nhiệm"), want);
	CHECK_STR(fts_match(db, "Quyết"), want);
	CHECK_INT(query_int(db, "SELECT count(*) FROM docs_pending WHERE id = 1"), 1);
	snprintf(want, sizeof want, "%s",
	    query1(db, "SELECT id FROM pages WHERE record_id = 1 AND page_no = 3"));
	CHECK_STR(fts_match(db, "thư"), want);
	CHECK_STR(fts_match(db, "elephant"), "");
	check_integrity(cat);
	sohoa_catalog_free(cat);
}

static void
test_store_pages_all_failed(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sqlite3 *db;
	sohoa_error err;
	int64_t a = 0;
	sohoa_page_result pages[1] = { { 1, NULL, -1.0, "failed", 0, 0, 0, 0, 0 } };

	if (!cat)
		return;
	db = sohoa_catalog_db(cat);
	CHECKM(insert(cat, "s1", "active", H1, &a, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_store_pages(cat, a, pages, 1, &err) == SOHOA_OK, err.msg);
	CHECK_STR(query1(db, "SELECT mean_confidence FROM records"), "(null)");
	CHECK_INT(query_int(db, "SELECT page_count FROM records"), 1);
	CHECK_STR(query1(db, "SELECT text FROM pages"), "");
	check_integrity(cat);
	sohoa_catalog_free(cat);
}

/* Storing again (a retried OCR) replaces the pages and their index. */
static void
test_store_pages_twice_replaces(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sqlite3 *db;
	sohoa_error err;
	int64_t a = 0, b = 0;
	sohoa_page_result first[2] = {
		{ 1, "alpha common", 50.0, "ok", 10, 10, 300, 0, 0 },
		{ 2, "gamma common", 50.0, "ok", 10, 10, 300, 0, 0 },
	};
	sohoa_page_result second[1] = { { 1, "beta common", 70.0, "ok", 10, 10, 300, 0, 0 } };
	sohoa_page_result other[1] = { { 1, "alpha elsewhere", 60.0, "ok", 10, 10, 300, 0, 0 } };
	char want[32];

	if (!cat)
		return;
	db = sohoa_catalog_db(cat);
	CHECKM(insert(cat, "s1", "active", H1, &a, &err) == SOHOA_OK, err.msg);
	CHECKM(insert(cat, "s2", "active", H2, &b, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_store_pages(cat, a, first, 2, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_store_pages(cat, b, other, 1, &err) == SOHOA_OK, err.msg);
	CHECK_INT(strlen(fts_match(db, "alpha")) > 0, 1);
	CHECKM(sohoa_catalog_store_pages(cat, a, second, 1, &err) == SOHOA_OK, err.msg);
	CHECK_INT(query_int(db, "SELECT count(*) FROM pages WHERE record_id = 1"), 1);
	CHECK_INT(query_int(db, "SELECT page_count FROM records WHERE id = 1"), 1);
	CHECK_STR(query1(db, "SELECT printf('%.1f', mean_confidence) FROM records WHERE id = 1"),
	    "70.0");
	/* Old words of record 1 no longer match; record 2 is untouched. */
	snprintf(want, sizeof want, "%s", query1(db, "SELECT id FROM pages WHERE record_id = 2"));
	CHECK_STR(fts_match(db, "alpha"), want);
	CHECK_STR(fts_match(db, "gamma"), "");
	snprintf(want, sizeof want, "%s", query1(db, "SELECT id FROM pages WHERE record_id = 1"));
	CHECK_STR(fts_match(db, "beta"), want);
	CHECK_INT(query_int(db, "SELECT count(*) FROM pages WHERE record_id = 1 AND instr(text, 'common')"), 1);
	check_integrity(cat);
	sohoa_catalog_free(cat);
}

/* 2024-05-06T07:08:09.123Z */
static int
is_iso_ms(const char *s)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd.dddZ";

	if (strlen(s) != sizeof pat - 1)
		return 0;
	for (size_t i = 0; pat[i]; i++)
		if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != pat[i])
			return 0;
	return 1;
}

static void
test_events(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sqlite3 *db;
	sohoa_error err;
	int64_t a = 0;
	char now[32];

	if (!cat)
		return;
	db = sohoa_catalog_db(cat);
	sohoa_now_iso(now);
	CHECKM(is_iso_ms(now), now);
	CHECKM(insert(cat, "s1", "incoming", H1, &a, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_event_add(cat, a, "ingestion", "sohoad 0.1.0", "success",
	    "từ thư mục Hồ sơ 1", &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_event_add(cat, 0, "startup", "sohoad 0.1.0", "warning", NULL, &err)
	    == SOHOA_OK, err.msg);
	CHECK_INT(query_int(db, "SELECT count(*) FROM events"), 2);
	CHECK_STR(query1(db, "SELECT record_id || '|' || type || '|' || agent || '|' || outcome"
	    " || '|' || detail FROM events WHERE id = 1"),
	    "1|ingestion|sohoad 0.1.0|success|từ thư mục Hồ sơ 1");
	CHECK_STR(query1(db, "SELECT quote(record_id) || '|' || quote(detail) FROM events"
	    " WHERE id = 2"), "NULL|NULL");
	CHECKM(is_iso_ms(query1(db, "SELECT at FROM events WHERE id = 1")),
	    query1(db, "SELECT at FROM events WHERE id = 1"));
	CHECKM(is_iso_ms(query1(db, "SELECT at FROM events WHERE id = 2")),
	    query1(db, "SELECT at FROM events WHERE id = 2"));
	/* Appended in order: times never go backwards, and not before now. */
	CHECK_INT(query_int(db, "SELECT (SELECT at FROM events WHERE id = 1)"
	    " <= (SELECT at FROM events WHERE id = 2)"), 1);
	CHECK(strcmp(query1(db, "SELECT at FROM events WHERE id = 1"), now) >= 0);
	/* Outcomes are checked by the schema. */
	CHECK_INT(sohoa_catalog_event_add(cat, a, "ocr", "x", "maybe", NULL, &err), SOHOA_FATAL);
	CHECKM(strstr(err.msg, "catalog") != NULL && strstr(err.msg, "CHECK") != NULL, err.msg);
	CHECK_INT(query_int(db, "SELECT count(*) FROM events"), 2);
	check_integrity(cat);
	sohoa_catalog_free(cat);
}

static void
test_inbox_pending(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_error err;
	sohoa_record_new r;
	int64_t id = 0;
	static const char path[] = "sub/Quy\xeat.tif";   /* bytes, not text */

	if (!cat)
		return;
	memset(&r, 0, sizeof r);
	r.spool_id = "s1";
	r.state = SOHOA_STATE_DONE;
	r.hash = H1;
	r.size = 500;
	r.name = "Quy\xEF\xBF\xBDt.tif";
	r.name_raw = "Quy\xeat.tif";
	r.name_raw_len = strlen(r.name_raw);
	r.origin = "sub";
	r.origin_raw = "sub";
	r.origin_raw_len = 3;
	r.inbox_path = path;
	r.inbox_path_len = strlen(path);
	r.source_mtime_ns = 42;
	r.inbox_removed = 0;
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_record_insert(cat, &r, &id, &err) == SOHOA_OK, err.msg);
	CHECK_INT(sohoa_catalog_inbox_pending(cat, path, strlen(path), 500, 42), 1);
	CHECK_INT(sohoa_catalog_inbox_pending(cat, path, strlen(path), 501, 42), 0);
	CHECK_INT(sohoa_catalog_inbox_pending(cat, path, strlen(path), 500, 43), 0);
	CHECK_INT(sohoa_catalog_inbox_pending(cat, path, strlen(path) - 1, 500, 42), 0);
	CHECK_INT(sohoa_catalog_inbox_pending(cat, "sub/Quyêt.tif", strlen("sub/Quyêt.tif"),
	    500, 42), 0);
	/* Once the original is gone from the inbox, nothing is pending. */
	r.spool_id = "s2";
	r.hash = H2;
	r.inbox_path = "other.tif";
	r.inbox_path_len = strlen("other.tif");
	r.inbox_removed = 1;
	CHECKM(sohoa_catalog_record_insert(cat, &r, &id, &err) == SOHOA_OK, err.msg);
	CHECK_INT(sohoa_catalog_inbox_pending(cat, "other.tif", strlen("other.tif"), 500, 42), 0);
	check_integrity(cat);
	sohoa_catalog_free(cat);
}

static void
test_defer_counts_attempts(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sqlite3 *db;
	sohoa_error err;
	int64_t a = 0;

	if (!cat)
		return;
	db = sohoa_catalog_db(cat);
	CHECKM(insert(cat, "s1", "active", H1, &a, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_defer(cat, a, 1700000100, "worker crashed", &err) == SOHOA_OK,
	    err.msg);
	CHECK_STR(query1(db, "SELECT state || '|' || attempts || '|' || next_attempt_at || '|'"
	    " || last_error FROM records"), "deferred|1|1700000100|worker crashed");
	CHECKM(sohoa_catalog_set_state(cat, a, SOHOA_STATE_ACTIVE, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_defer(cat, a, 1700000200, "page timeout", &err) == SOHOA_OK,
	    err.msg);
	CHECK_STR(query1(db, "SELECT state || '|' || attempts || '|' || next_attempt_at || '|'"
	    " || last_error FROM records"), "deferred|2|1700000200|page timeout");
	/* Success clears the last error. */
	CHECKM(sohoa_catalog_store_pages(cat, a, NULL, 0, &err) == SOHOA_OK, err.msg);
	CHECK_STR(query1(db, "SELECT state || '|' || attempts || '|' || quote(last_error)"
	    " FROM records"), "done|2|NULL");
	check_integrity(cat);
	sohoa_catalog_free(cat);
}

static void
test_transactions(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sqlite3 *db;
	sohoa_error err;
	int64_t a = 0;

	if (!cat)
		return;
	db = sohoa_catalog_db(cat);
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_begin(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(insert(cat, "s1", "incoming", H1, &a, &err) == SOHOA_OK, err.msg);
	sohoa_catalog_rollback(cat);
	CHECK_INT(query_int(db, "SELECT count(*) FROM records"), 0);
	CHECK_INT(sqlite3_get_autocommit(db), 1);
	sohoa_catalog_rollback(cat);   /* harmless outside a transaction */

	CHECKM(sohoa_catalog_begin(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(insert(cat, "s1", "incoming", H1, &a, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_event_add(cat, a, "ingestion", "t", "success", NULL, &err)
	    == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_commit(cat, &err) == SOHOA_OK, err.msg);
	sohoa_catalog_free(cat);

	/* Committed means there for the next process. */
	cat = fx_open_catalog();
	if (!cat)
		return;
	db = sohoa_catalog_db(cat);
	CHECK_INT(query_int(db, "SELECT count(*) FROM records"), 1);
	CHECK_INT(query_int(db, "SELECT count(*) FROM events"), 1);
	check_integrity(cat);
	sohoa_catalog_free(cat);
}

int
main(void)
{
	TEST_RUN(test_open_wal_full_versioned);
	TEST_RUN(test_catalog_path);
	TEST_RUN(test_reopen_is_noop);
	TEST_RUN(test_newer_schema_refused);
	TEST_RUN(test_insert_and_find);
	TEST_RUN(test_one_live_record_per_hash);
	TEST_RUN(test_quarantine_fields);
	TEST_RUN(test_set_state);
	TEST_RUN(test_store_pages);
	TEST_RUN(test_store_pages_all_failed);
	TEST_RUN(test_store_pages_twice_replaces);
	TEST_RUN(test_events);
	TEST_RUN(test_inbox_pending);
	TEST_RUN(test_defer_counts_attempts);
	TEST_RUN(test_transactions);
	return TEST_DONE();
}
