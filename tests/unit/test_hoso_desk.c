/*
 * test_hoso_desk.c - the hồ sơ a person manages (hoso_desk.h) on a real
 * catalog: created with a title, numbered (inbox folders by their first
 * scan), fields set by their Vietnamese names with codes checked and the
 * computed ones refused, documents put in, taken out and ordered (H2: only
 * finished ones), each change an event naming the person (H1), bad input
 * refused with nothing changed, and what the EAD says (counts, dates, mã
 * hồ sơ from the hồ sơ's number, unchanged when documents move).
 */
#include <sqlite3.h>

#include "test.h"
#include "sohoa/catalog.h"
#include "sohoa/conf.h"
#include "sohoa/edit.h"
#include "sohoa/hoso_desk.h"
#include "catalog_int.h"

static long long
query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int64_t
add_record(sohoa_catalog *cat, const char *origin, const char *state, int pages)
{
	sohoa_record_new r;
	sohoa_page_result pr[3];
	sohoa_error err;
	int64_t id = 0;
	static int serial;
	char hash[80];

	memset(&r, 0, sizeof r);
	memset(pr, 0, sizeof pr);
	snprintf(hash, sizeof hash, "sha256:%064d", ++serial);
	r.spool_id = hash + 60;
	r.state = SOHOA_STATE_ACTIVE;
	r.hash = hash;
	r.size = 10;
	r.name = r.name_raw = "a.tif";
	r.name_raw_len = 5;
	r.origin = r.origin_raw = origin;
	r.origin_raw_len = strlen(origin);
	for (int i = 0; i < pages; i++) {
		pr[i].page_no = i + 1;
		pr[i].text = "Quyết định giao đất";
		pr[i].confidence = 90;
		pr[i].status = "ok";
	}
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_begin(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_record_insert(cat, &r, &id, &err) == SOHOA_OK, err.msg);
	if (!strcmp(state, "done"))
		CHECKM(sohoa_catalog_store_pages(cat, id, pr, pages, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_commit(cat, &err) == SOHOA_OK, err.msg);
	return id;
}

static sohoa_catalog *
open_catalog(void)
{
	sohoa_error err;
	sohoa_catalog *cat;

	sohoa_error_clear(&err);
	cat = sohoa_catalog_open("catalog.db", &err);
	CHECKM(cat != NULL, err.msg);
	return cat;
}

/* The documents of hồ sơ id as "3,1,2". */
static void
members(sohoa_catalog *cat, int64_t id, char *buf, size_t n)
{
	int64_t *recs = NULL;
	size_t cnt = 0, len = 0;
	sohoa_error err;

	buf[0] = '\0';
	sohoa_error_clear(&err);
	CHECKM(sohoa_hoso_members(cat, id, &recs, &cnt, &err) == SOHOA_OK, err.msg);
	for (size_t i = 0; i < cnt && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%lld", i ? "," : "", (long long)recs[i]);
	free(recs);
}

static void
test_create_and_fields(void)
{
	sohoa_catalog *cat = open_catalog();
	sqlite3 *db;
	sohoa_error err;
	int64_t id = 0, id2 = 0;
	char *stored = NULL, origin[64];

	if (!cat)
		return;
	db = sohoa_catalog_db(cat);
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_create(cat, "", "tester", &id, &err) == SOHOA_BAD_INPUT);
	CHECK(strstr(err.msg, "tiêu đề") != NULL);
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_create(cat, "a\x01" "b", "tester", &id, &err) == SOHOA_BAD_INPUT);
	CHECK_INT(query_int(db, "SELECT count(*) FROM hoso_files"), 0);
	sohoa_error_clear(&err);
	CHECKM(sohoa_hoso_create(cat, "Hồ sơ giao đất", "tester", &id, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_hoso_create(cat, "Hồ sơ thứ hai", "tester", &id2, &err) == SOHOA_OK, err.msg);
	CHECK(id > 0 && id2 == id + 1);
	CHECKM(sohoa_hoso_origin(cat, id, origin, sizeof origin, &err) == SOHOA_OK, err.msg);
	CHECK(!strncmp(origin, ".hoso/", 6));
	CHECK(sohoa_hoso_origin(cat, 999, origin, sizeof origin, &err) == SOHOA_BAD_INPUT);

	/* Vietnamese names, with or without diacritics; a label becomes its code. */
	sohoa_error_clear(&err);
	CHECKM(sohoa_hoso_edit(cat, id, "thời hạn bảo quản", "Vĩnh viễn", "tester", &stored, &err)
	    == SOHOA_OK, err.msg);
	CHECK_STR(stored, "01");
	free(stored);
	CHECKM(sohoa_hoso_edit(cat, id, "ma ho so giay", "H26.K1/G2/H3.15", "tester", &stored, &err)
	    == SOHOA_OK, err.msg);
	CHECK_STR(stored, "H26.K1/G2/H3.15");
	free(stored);
	CHECKM(sohoa_hoso_edit(cat, id, "paperFileCode", "H26.K1/G2/H3.16", "tester", NULL, &err)
	    == SOHOA_OK, err.msg);
	CHECK_INT(query_int(db, "SELECT count(*) FROM hoso WHERE name = 'paperFileCode'"
	    " AND value = 'H26.K1/G2/H3.16' AND source = 'person'"), 1);
	/* No document yet: the change is an event of no record. */
	CHECK_INT(query_int(db, "SELECT count(*) FROM events WHERE record_id IS NULL OR record_id = 0"), 5);
	CHECK_INT(query_int(db, "SELECT count(*) FROM events WHERE detail LIKE '%paperFileCode:"
	    " \"H26.K1/G2/H3.15\" -> \"H26.K1/G2/H3.16\"' AND agent = 'tester'"), 1);
	/* Refused, nothing changed. */
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_edit(cat, id, "thời hạn bảo quản", "mãi mãi", "tester", NULL, &err)
	    == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_edit(cat, id, "Số lượng trang", "9", "tester", NULL, &err)
	    == SOHOA_BAD_INPUT);
	CHECK(strstr(err.msg, "được tính") != NULL);
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_edit(cat, id, "không có", "x", "tester", NULL, &err) == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_edit(cat, id, "tiêu đề", "", "tester", NULL, &err) == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_edit(cat, 999, "ghi chú", "x", "tester", NULL, &err) == SOHOA_BAD_INPUT);
	CHECK_INT(query_int(db, "SELECT count(*) FROM hoso WHERE name = 'maintenance' AND value = '01'"),
	    1);
	CHECK_INT(query_int(db, "SELECT count(*) FROM events"), 5);
	/* Cleared: the row goes (hoso.txt or the configuration applies again). */
	sohoa_error_clear(&err);
	CHECKM(sohoa_hoso_edit(cat, id, "thời hạn bảo quản", "", "tester", &stored, &err) == SOHOA_OK,
	    err.msg);
	CHECK(stored == NULL);
	CHECK_INT(query_int(db, "SELECT count(*) FROM hoso WHERE name = 'maintenance'"), 0);
	sohoa_catalog_free(cat);
}

static void
test_documents_and_order(void)
{
	sohoa_catalog *cat = open_catalog();
	sqlite3 *db;
	sohoa_error err;
	int64_t folder = 0, h = 0, from = -1, a, b, c, busy;
	char got[128], want[128];

	if (!cat)
		return;
	db = sohoa_catalog_db(cat);
	a = add_record(cat, "ho-so-1", "done", 1);
	b = add_record(cat, "ho-so-1", "done", 2);
	c = add_record(cat, "", "done", 1);
	busy = add_record(cat, "", "active", 1);
	sohoa_error_clear(&err);
	CHECKM(sohoa_hoso_number(cat, "ho-so-1", &folder, &err) == SOHOA_OK, err.msg);
	CHECK_INT(folder, 1);
	CHECKM(sohoa_hoso_create(cat, "Hồ sơ mới", "vanthu", &h, &err) == SOHOA_OK, err.msg);
	CHECK_INT(h, 2);

	/* In: from a folder (from = its number), and a loose one (from = 0). */
	CHECKM(sohoa_hoso_add(cat, h, b, "vanthu", &from, &err) == SOHOA_OK, err.msg);
	CHECK_INT(from, folder);
	CHECKM(sohoa_hoso_add(cat, h, c, "vanthu", &from, &err) == SOHOA_OK, err.msg);
	CHECK_INT(from, 0);
	CHECKM(sohoa_hoso_add(cat, h, a, "vanthu", &from, &err) == SOHOA_OK, err.msg);
	members(cat, h, got, sizeof got);
	snprintf(want, sizeof want, "%lld,%lld,%lld", (long long)b, (long long)c, (long long)a);
	CHECK_STR(got, want);
	members(cat, folder, got, sizeof got);
	CHECK_STR(got, "");
	/* Already in: nothing to do. */
	CHECKM(sohoa_hoso_add(cat, h, a, "vanthu", &from, &err) == SOHOA_OK, err.msg);
	CHECK_INT(from, h);
	/* H2: a record still in OCR, or none. */
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_add(cat, h, busy, "vanthu", NULL, &err) == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_add(cat, h, 9999, "vanthu", NULL, &err) == SOHOA_BAD_INPUT);
	CHECK(sohoa_hoso_add(cat, 9999, a, "vanthu", NULL, &err) == SOHOA_BAD_INPUT);
	/* H1: each move an event naming the person, old and new hồ sơ. */
	CHECK_INT(query_int(db, "SELECT count(*) FROM events WHERE type = 'metadata modification'"
	    " AND agent = 'vanthu' AND detail LIKE 'hồ sơ: %'"), 3);

	/* Order: up, down (clamped), and a whole order. */
	CHECKM(sohoa_hoso_move(cat, h, a, -1, "vanthu", &err) == SOHOA_OK, err.msg);
	members(cat, h, got, sizeof got);
	snprintf(want, sizeof want, "%lld,%lld,%lld", (long long)b, (long long)a, (long long)c);
	CHECK_STR(got, want);
	CHECKM(sohoa_hoso_move(cat, h, b, 5, "vanthu", &err) == SOHOA_OK, err.msg);
	members(cat, h, got, sizeof got);
	snprintf(want, sizeof want, "%lld,%lld,%lld", (long long)a, (long long)c, (long long)b);
	CHECK_STR(got, want);
	CHECKM(sohoa_hoso_move(cat, h, a, -3, "vanthu", &err) == SOHOA_OK, err.msg);
	members(cat, h, got, sizeof got);
	CHECK_STR(got, want);
	{
		int64_t order[] = { c, b };
		int64_t bad[] = { c, c };
		int64_t stranger[] = { busy };
		CHECKM(sohoa_hoso_order(cat, h, order, 2, "vanthu", &err) == SOHOA_OK, err.msg);
		members(cat, h, got, sizeof got);
		snprintf(want, sizeof want, "%lld,%lld,%lld", (long long)c, (long long)b, (long long)a);
		CHECK_STR(got, want);
		sohoa_error_clear(&err);
		CHECK(sohoa_hoso_order(cat, h, bad, 2, "vanthu", &err) == SOHOA_BAD_INPUT);
		sohoa_error_clear(&err);
		CHECK(sohoa_hoso_order(cat, h, stranger, 1, "vanthu", &err) == SOHOA_BAD_INPUT);
		members(cat, h, got, sizeof got);
		CHECK_STR(got, want);
	}
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_move(cat, h, busy, 1, "vanthu", &err) == SOHOA_BAD_INPUT);
	CHECK(query_int(db, "SELECT count(*) FROM events WHERE detail LIKE '%order:%'") >= 4);

	/* Out: loose again, its place forgotten. */
	CHECKM(sohoa_hoso_remove(cat, h, b, "vanthu", &err) == SOHOA_OK, err.msg);
	members(cat, h, got, sizeof got);
	snprintf(want, sizeof want, "%lld,%lld", (long long)c, (long long)a);
	CHECK_STR(got, want);
	CHECK_INT(query_int(db, "SELECT count(*) FROM records WHERE origin = '' AND hoso_order IS NULL"
	    " AND state = 'done'"), 1);
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_remove(cat, h, b, "vanthu", &err) == SOHOA_BAD_INPUT);
	sohoa_catalog_free(cat);
}

struct count { int n; int64_t first; int ndocs_first; };

static void
count_entry(void *arg, const sohoa_hoso_entry *e)
{
	struct count *c = arg;
	if (!c->n++) {
		c->first = e->id;
		c->ndocs_first = e->ndocs;
	}
}

static void
test_numbers_and_ead(void)
{
	sohoa_catalog *cat = open_catalog();
	sohoa_conf conf;
	sohoa_hoso hs;
	sohoa_error err;
	struct count cnt = { 0, 0, 0 };
	int64_t x1, y1, n_x = 0, n_y = 0, h = 0;
	char code_before[160] = "";

	if (!cat)
		return;
	sohoa_conf_init(&conf);
	free(conf.inbox);
	conf.inbox = strdup("no-inbox");
	free(conf.agency_code);
	conf.agency_code = strdup("000.00.01.H26");
	/* Folders numbered by their first scan, whichever is asked first. */
	x1 = add_record(cat, "x", "done", 2);
	y1 = add_record(cat, "y", "done", 1);
	add_record(cat, "x", "done", 3);
	sohoa_error_clear(&err);
	CHECKM(sohoa_hoso_number(cat, "y", &n_y, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_hoso_number(cat, "x", &n_x, &err) == SOHOA_OK, err.msg);
	CHECK_INT(n_x, 1);
	CHECK_INT(n_y, 2);
	CHECK(sohoa_hoso_number(cat, "", &n_x, &err) == SOHOA_BAD_INPUT);
	CHECKM(sohoa_hoso_list(cat, count_entry, &cnt, &err) == SOHOA_OK, err.msg);
	CHECK_INT(cnt.n, 2);
	CHECK_INT(cnt.first, 2);     /* newest first */
	CHECK_INT(cnt.ndocs_first, 1);

	/* What the EAD carries: counts and dates from the documents. */
	sohoa_error_clear(&err);
	CHECKM(sohoa_edit_field(cat, x1, "issuedDate", "2024-03-05", "t", NULL, NULL, &err)
	    == SOHOA_OK, err.msg);
	CHECKM(sohoa_hoso_describe(&conf, cat, 1, &hs, &err) == SOHOA_OK, err.msg);
	CHECK_STR(hs.v[SOHOA_H_TOTAL_DOC], "2");
	CHECK_STR(hs.v[SOHOA_H_NUMBER_OF_PAGE], "5");
	CHECK_STR(hs.v[SOHOA_H_NUMBER_OF_PAPER], "5");
	CHECK_STR(hs.v[SOHOA_H_START_DATE], "05/03/2024");
	CHECK_STR(hs.v[SOHOA_H_TITLE], "x");
	CHECK(hs.v[SOHOA_H_FILE_CODE] && strstr(hs.v[SOHOA_H_FILE_CODE], ".HS001"));
	if (hs.v[SOHOA_H_FILE_CODE])
		snprintf(code_before, sizeof code_before, "%s", hs.v[SOHOA_H_FILE_CODE]);
	sohoa_hoso_release(&hs);
	/* x's first scan moves away: nobody is renumbered. */
	CHECKM(sohoa_hoso_create(cat, "Hồ sơ mới", "t", &h, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_hoso_add(cat, h, x1, "t", NULL, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_hoso_add(cat, h, y1, "t", NULL, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_hoso_describe(&conf, cat, 1, &hs, &err) == SOHOA_OK, err.msg);
	CHECK_STR(hs.v[SOHOA_H_FILE_CODE], code_before);
	CHECK_STR(hs.v[SOHOA_H_TOTAL_DOC], "1");
	CHECK(hs.v[SOHOA_H_START_DATE] == NULL);
	sohoa_hoso_release(&hs);
	CHECKM(sohoa_hoso_describe(&conf, cat, h, &hs, &err) == SOHOA_OK, err.msg);
	CHECK(hs.v[SOHOA_H_FILE_CODE] && strstr(hs.v[SOHOA_H_FILE_CODE], ".HS003"));
	CHECK_STR(hs.v[SOHOA_H_TITLE], "Hồ sơ mới");
	CHECK_STR(hs.v[SOHOA_H_TOTAL_DOC], "2");
	CHECK_STR(hs.v[SOHOA_H_NUMBER_OF_PAGE], "3");
	CHECK_STR(hs.v[SOHOA_H_END_DATE], "05/03/2024");
	sohoa_hoso_release(&hs);
	CHECK(sohoa_hoso_describe(&conf, cat, 999, &hs, &err) == SOHOA_BAD_INPUT);
	sohoa_hoso_release(&hs);
	sohoa_conf_release(&conf);
	sohoa_catalog_free(cat);
}

static void
test_lookup(void)
{
	CHECK_INT(sohoa_hoso_lookup("Mã hồ sơ giấy"), SOHOA_H_PAPER_FILE_CODE);
	CHECK_INT(sohoa_hoso_lookup("MA HO SO GOC GIAY"), SOHOA_H_PAPER_FILE_CODE);
	CHECK_INT(sohoa_hoso_lookup("tiêu đề"), SOHOA_H_TITLE);
	CHECK_INT(sohoa_hoso_lookup("Che do su dung"), SOHOA_H_MODE);
	CHECK_INT(sohoa_hoso_lookup("keyword"), SOHOA_H_KEYWORD);
	CHECK_INT(sohoa_hoso_lookup("nothing"), SOHOA_H_COUNT);
	CHECK_INT(sohoa_hoso_lookup(NULL), SOHOA_H_COUNT);
	{
		char buf[64];
		CHECK_STR(sohoa_hoso_code_label(SOHOA_H_MAINTENANCE, "07", buf, sizeof buf), "Khác");
		CHECK(sohoa_hoso_code_label(SOHOA_H_MAINTENANCE, "08", buf, sizeof buf) == NULL);
		CHECK(sohoa_hoso_code_label(SOHOA_H_TITLE, "01", buf, sizeof buf) == NULL);
	}
}

int
main(void)
{
	TEST_RUN(test_lookup);
	TEST_RUN(test_create_and_fields);
	TEST_RUN(test_documents_and_order);
	TEST_RUN(test_numbers_and_ead);
	return TEST_DONE();
}
