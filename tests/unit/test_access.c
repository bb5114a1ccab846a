/*
 * test_access.c - the access rule (access.h A1-A5) on a real catalog: the
 * rule in C and its SQL agree on every case; mode comes from the record,
 * else its hồ sơ, else the configuration; a viewer-aware search hides 03
 * and secret records from results and totals, lists 02 only for filters
 * and without its text; record views, page text and hồ sơ listings give
 * what the rule allows; requests, approval, refusal, expiry; the access
 * log.
 */
#include <sqlite3.h>

#include "test.h"
#include "sohoa/access.h"
#include "sohoa/catalog.h"
#include "sohoa/search.h"
#include "sohoa/users.h"
#include "catalog_int.h"

static sohoa_catalog *
open_cat(void)
{
	sohoa_error err;
	sohoa_catalog *cat;

	sohoa_error_clear(&err);
	cat = sohoa_catalog_open("catalog.db", &err);
	CHECKM(cat != NULL, err.msg);
	return cat;
}

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		CHECKM(0, msg ? msg : sql);
		sqlite3_free(msg);
	}
}

static void
set_field(sohoa_catalog *cat, int64_t id, const char *name, const char *value)
{
	sohoa_error err;
	char *old = NULL;

	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_begin(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_set_field(cat, id, name, value, &old, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_commit(cat, &err) == SOHOA_OK, err.msg);
	free(old);
}

/* A done, indexed record in inbox folder origin with one page of text,
 * its number, date and subject. */
static int64_t
add_record(sohoa_catalog *cat, const char *origin, const char *text, const char *number,
    const char *date, const char *subject)
{
	sohoa_record_new r;
	sohoa_page_result pr;
	sohoa_error err;
	int64_t id = 0;
	char hash[80], name[32];
	static int serial;

	memset(&r, 0, sizeof r);
	memset(&pr, 0, sizeof pr);
	snprintf(hash, sizeof hash, "sha256:%064d", ++serial);
	snprintf(name, sizeof name, "scan%d.tif", serial);
	r.spool_id = hash + 60;
	r.state = SOHOA_STATE_ACTIVE;
	r.hash = hash;
	r.size = 1000;
	r.name = name;
	r.name_raw = name;
	r.name_raw_len = strlen(name);
	r.origin = origin;
	r.origin_raw = origin;
	r.origin_raw_len = strlen(origin);
	pr.page_no = 1;
	pr.text = text;
	pr.confidence = 90;
	pr.status = "ok";
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_begin(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_record_insert(cat, &r, &id, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_store_pages(cat, id, &pr, 1, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_commit(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_search_index_record(cat, id, &err) == SOHOA_OK, err.msg);
	set_field(cat, id, "codeNumber", number);
	set_field(cat, id, "codeNotation", "QĐ-UBND");
	set_field(cat, id, "typeName", "02");
	set_field(cat, id, "issuedDate", date);
	set_field(cat, id, "organName", "UBND xã Văn Bình");
	set_field(cat, id, "subject", subject);
	return id;
}

static int64_t
add_user(sohoa_catalog *cat, const char *name, sohoa_role role)
{
	sohoa_error err;
	sohoa_user u;

	sohoa_error_clear(&err);
	CHECKM(sohoa_user_add(cat, name, role, "mật khẩu 123", &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_user_get(cat, name, &u, &err) == SOHOA_OK, err.msg);
	return u.id;
}

static sohoa_access
access_of(sohoa_catalog *cat, const sohoa_viewer *v, int64_t id)
{
	sohoa_error err;
	sohoa_access a = (sohoa_access)-1;

	sohoa_error_clear(&err);
	CHECKM(sohoa_access_of(cat, v, id, &a, &err) == SOHOA_OK, err.msg);
	return a;
}

/* The ids a viewer-aware search returns, as "1,3", and the total. */
static const char *
search_ids(sohoa_catalog *cat, const sohoa_viewer *v, const char *q, long long *total,
    sohoa_search_results *keep)
{
	static char buf[256];
	sohoa_search_results res;
	sohoa_error err;
	size_t n = 0;

	sohoa_search_results_init(&res);
	sohoa_error_clear(&err);
	buf[0] = '\0';
	if (sohoa_search_run_as(cat, q, strlen(q), 50, 0, v, &res, &err) != SOHOA_OK) {
		snprintf(buf, sizeof buf, "ERROR: %s", err.msg);
		return buf;
	}
	for (size_t i = 0; i < res.count; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%lld", i ? "," : "",
		    (long long)res.items[i].id);
	if (total)
		*total = res.total;
	if (keep)
		*keep = res;
	else
		sohoa_search_results_release(&res);
	return buf;
}

static void
test_rule(void)
{
	CHECK_INT(sohoa_access_rule("01", NULL, 0), SOHOA_ACCESS_FULL);
	CHECK_INT(sohoa_access_rule("01", "", 0), SOHOA_ACCESS_FULL);
	CHECK_INT(sohoa_access_rule("02", NULL, 0), SOHOA_ACCESS_CATALOG);
	CHECK_INT(sohoa_access_rule("02", NULL, 1), SOHOA_ACCESS_FULL);
	CHECK_INT(sohoa_access_rule("03", NULL, 1), SOHOA_ACCESS_NONE);
	CHECK_INT(sohoa_access_rule(NULL, NULL, 0), SOHOA_ACCESS_NONE);
	CHECK_INT(sohoa_access_rule("04", NULL, 0), SOHOA_ACCESS_NONE);
	CHECK_INT(sohoa_access_rule("01", "Mật", 0), SOHOA_ACCESS_NONE);
	CHECK_INT(sohoa_access_rule("01", "Tối mật", 1), SOHOA_ACCESS_NONE);
	CHECK_INT(sohoa_access_rule("02", "Tuyệt mật", 1), SOHOA_ACCESS_NONE);
	CHECK_INT(sohoa_access_rule("01", "  ", 0), SOHOA_ACCESS_FULL);
	CHECK_STR(sohoa_mode_label("02"), "Sử dụng có điều kiện");
	CHECK(sohoa_mode_label("9") == NULL);
}

/* The SQL of the rule agrees with the C rule for every mode, secrecy and
 * grant, and the mode comes from record, hồ sơ, configuration (A4). */
static void
test_rule_sql_agrees(void)
{
	static const char *const modes[] = { NULL, "01", "02", "03" };
	static const char *const secrecy[] = { NULL, "Mật", "Tối mật", "Tuyệt mật" };
	sohoa_catalog *cat = open_cat();
	sqlite3 *db = sohoa_catalog_db(cat);
	sohoa_viewer v = { 0 };
	sohoa_error err;
	int64_t uid = add_user(cat, "lan", SOHOA_ROLE_CAN_BO);

	v.user_id = uid;
	v.user_name = "lan";
	v.now = 100000;
	for (int dflt = 0; dflt < 3; dflt++) {
		v.default_mode = dflt == 0 ? "01" : dflt == 1 ? "02" : "03";
		for (int m = 0; m < 4; m++)
			for (int s = 0; s < 4; s++)
				for (int g = 0; g < 2; g++) {
					char date[16];
					int64_t id;
					const char *mode = modes[m] ? modes[m] : v.default_mode;

					snprintf(date, sizeof date, "2024-0%d-1%d", m + 1, s);
					id = add_record(cat, "", "văn bản", "1", date, "trích yếu");
					if (modes[m])
						set_field(cat, id, "mode", modes[m]);
					if (secrecy[s])
						set_field(cat, id, "secrecy", secrecy[s]);
					if (g) {
						char sql[200];
						snprintf(sql, sizeof sql, "INSERT INTO access_requests (record_id,"
						    " user_id, reason, state, created_at, expires_at) VALUES"
						    " (%lld, %lld, 'x', 'approved', 'now', 100001)",
						    (long long)id, (long long)uid);
						exec_ok(db, sql);
					}
					CHECK_INT(access_of(cat, &v, id), sohoa_access_rule(mode,
					    secrecy[s], g));
				}
	}
	/* A4: the hồ sơ's mode over the configuration's, the record's over both. */
	v.default_mode = "01";
	{
		int64_t a = add_record(cat, "ho-so-mat", "văn bản", "1", "2024-01-01", "x");
		int64_t b = add_record(cat, "ho-so-mat", "văn bản", "2", "2024-01-01", "x");

		exec_ok(db, "INSERT INTO hoso (origin, name, value, source) VALUES"
		    " ('ho-so-mat', 'mode', '03', 'sidecar')");
		set_field(cat, b, "mode", "01");
		CHECK_INT(access_of(cat, &v, a), SOHOA_ACCESS_NONE);
		CHECK_INT(access_of(cat, &v, b), SOHOA_ACCESS_FULL);
		/* A record not done (e.g. quarantined) is NONE; so is one that does not exist. */
		exec_ok(db, "UPDATE records SET state = 'quarantined' WHERE id = 1");
		CHECK_INT(access_of(cat, &v, 1), SOHOA_ACCESS_NONE);
		CHECK_INT(access_of(cat, &v, 999999), SOHOA_ACCESS_NONE);
	}
	sohoa_error_clear(&err);
	sohoa_catalog_free(cat);
}

/* Records of the search tests: 1 public, 2 conditional, 3 secret by mode,
 * 4 public but marked Mật; all hold the word "đất". */
static void
setup_four(sohoa_catalog *cat, int64_t ids[4])
{
	ids[0] = add_record(cat, "ho-so-2024", "Giao đất cho hộ ông Nguyễn Văn An", "10",
	    "2024-03-01", "Quyết định giao đất công khai");
	ids[1] = add_record(cat, "ho-so-2024", "Thu hồi đất của hộ bà Lê Thị Bình", "11",
	    "2024-03-02", "Quyết định thu hồi đất có điều kiện");
	ids[2] = add_record(cat, "ho-so-2024", "Đất quốc phòng khu vực biên giới", "12",
	    "2024-03-03", "Quyết định về đất quốc phòng");
	ids[3] = add_record(cat, "ho-so-2024", "Đất an ninh trong kế hoạch mật", "13",
	    "2024-03-04", "Quyết định đất an ninh");
	set_field(cat, ids[0], "mode", "01");
	set_field(cat, ids[1], "mode", "02");
	set_field(cat, ids[2], "mode", "03");
	set_field(cat, ids[3], "mode", "01");
	set_field(cat, ids[3], "secrecy", "Mật");
}

static void
test_search_filtered(void)
{
	sohoa_catalog *cat = open_cat();
	sohoa_viewer v = { 0 };
	sohoa_search_results res;
	sohoa_error err;
	long long total = -1;
	int64_t ids[4];
	char want[64];
	int64_t rid = 0;

	setup_four(cat, ids);
	v.user_id = add_user(cat, "lan", SOHOA_ROLE_CAN_BO);
	v.user_name = "lan";
	v.default_mode = "01";
	v.now = 1000;
	/* The CLI's search sees all four. */
	sohoa_search_results_init(&res);
	sohoa_error_clear(&err);
	CHECKM(sohoa_search_run(cat, "dat", 3, 50, 0, &res, &err) == SOHOA_OK, err.msg);
	CHECK_INT(res.total, 4);
	sohoa_search_results_release(&res);
	/* A5: a word search lists only the public one, and counts only it. */
	snprintf(want, sizeof want, "%lld", (long long)ids[0]);
	CHECK_STR(search_ids(cat, &v, "dat", &total, NULL), want);
	CHECK_INT(total, 1);
	CHECK_STR(search_ids(cat, &v, "quoc phong", &total, NULL), "");
	CHECK_INT(total, 0);
	CHECK_STR(search_ids(cat, &v, "thu hoi", &total, NULL), "");
	/* Filter-only: 02 listed (catalogue fields), 03 and Mật never. */
	snprintf(want, sizeof want, "%lld,%lld", (long long)ids[1], (long long)ids[0]);
	CHECK_STR(search_ids(cat, &v, "nam:2024", &total, &res), want);
	CHECK_INT(total, 2);
	CHECK_INT(res.count, 2);
	if (res.count == 2) {
		sohoa_search_result *c = &res.items[0], *p = &res.items[1];
		CHECK(c->subject == NULL);
		CHECK_STR(c->snippet, "");
		CHECK_STR(c->name, "");
		CHECK_STR(c->number, "11/QĐ-UBND");
		CHECK_STR(c->date, "2024-03-02");
		CHECK(p->subject && strstr(p->subject, "công khai"));
		CHECK(p->snippet && strstr(p->snippet, "Nguyễn Văn An"));
	}
	sohoa_search_results_release(&res);
	CHECK_STR(search_ids(cat, &v, "so:12/QĐ-UBND", &total, NULL), "");
	CHECK_INT(total, 0);
	CHECK_STR(search_ids(cat, &v, "so:13", &total, NULL), "");
	/* A grant opens record 2 to this viewer, in word searches too. */
	sohoa_error_clear(&err);
	CHECKM(sohoa_access_request(cat, &v, ids[1], "Giải quyết khiếu nại", "10.0.0.1", &rid,
	    &err) == SOHOA_OK, err.msg);
	CHECK_STR(search_ids(cat, &v, "thu hoi", &total, NULL), "");
	CHECKM(sohoa_access_decide(cat, "giamdoc", rid, 1, 1000, 30, "10.0.0.2", &err)
	    == SOHOA_OK, err.msg);
	snprintf(want, sizeof want, "%lld", (long long)ids[1]);
	CHECK_STR(search_ids(cat, &v, "thu hoi", &total, &res), want);
	CHECK(res.count == 1 && res.items[0].snippet && strstr(res.items[0].snippet, "Bình"));
	sohoa_search_results_release(&res);
	/* Another user still sees it only by its catalogue fields. */
	{
		sohoa_viewer w = v;
		w.user_id = add_user(cat, "hoa", SOHOA_ROLE_CAN_BO);
		CHECK_STR(search_ids(cat, &w, "thu hoi", &total, NULL), "");
	}
	/* The grant runs out after 30 days. */
	v.now = 1000 + 30 * 86400 + 1;
	CHECK_STR(search_ids(cat, &v, "thu hoi", &total, NULL), "");
	sohoa_catalog_free(cat);
}

static void
test_view_and_text(void)
{
	sohoa_catalog *cat = open_cat();
	sohoa_viewer v = { 0 };
	sohoa_record_view rv;
	sohoa_error err;
	sohoa_access a;
	char *text = NULL;
	int64_t ids[4], rid = 0;

	setup_four(cat, ids);
	v.user_id = add_user(cat, "lan", SOHOA_ROLE_CAN_BO);
	v.user_name = "lan";
	v.default_mode = "01";
	v.now = 1000;
	sohoa_record_view_init(&rv);
	sohoa_error_clear(&err);
	CHECKM(sohoa_access_view(cat, &v, "/srv/state", ids[0], &rv, &err) == SOHOA_OK, err.msg);
	CHECK_INT(rv.access, SOHOA_ACCESS_FULL);
	CHECK(rv.pdf_path && !strncmp(rv.pdf_path, "/srv/state/spool/done/", 22));
	CHECK(rv.pdf_path && strstr(rv.pdf_path, "/document.pdf"));
	CHECK(rv.fields.f[SOHOA_F_SUBJECT].value != NULL);
	CHECK_STR(rv.type_name, "Quyết định");
	CHECK_STR(rv.origin, "ho-so-2024");
	/* 02: catalogue fields only, no name, subject, PDF. */
	CHECKM(sohoa_access_view(cat, &v, "/srv/state", ids[1], &rv, &err) == SOHOA_OK, err.msg);
	CHECK_INT(rv.access, SOHOA_ACCESS_CATALOG);
	CHECK(rv.pdf_path == NULL && rv.name == NULL && rv.package_path == NULL);
	CHECK(rv.fields.f[SOHOA_F_SUBJECT].value == NULL);
	CHECK(rv.fields.f[SOHOA_F_MODE].value == NULL);
	CHECK_STR(rv.fields.f[SOHOA_F_CODE_NUMBER].value, "11");
	CHECK_STR(rv.fields.f[SOHOA_F_ISSUED_DATE].value, "2024-03-02");
	CHECK_STR(rv.fields.f[SOHOA_F_ORGAN_NAME].value, "UBND xã Văn Bình");
	CHECK_STR(rv.mode, "02");
	/* 03 and Mật: not found, the same answer as no record at all. */
	CHECK(sohoa_access_view(cat, &v, "/srv/state", ids[2], &rv, &err) == SOHOA_BAD_INPUT);
	CHECK(rv.name == NULL && rv.fields.f[SOHOA_F_SUBJECT].value == NULL);
	sohoa_error_clear(&err);
	CHECK(sohoa_access_view(cat, &v, "/srv/state", ids[3], &rv, &err) == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECK(sohoa_access_view(cat, &v, "/srv/state", 424242, &rv, &err) == SOHOA_BAD_INPUT);
	sohoa_record_view_release(&rv);
	/* Page text: 01 yes; 02 forbidden; 03 not found; no page 2. */
	sohoa_error_clear(&err);
	CHECKM(sohoa_access_page_text(cat, &v, ids[0], 1, &text, &a, &err) == SOHOA_OK, err.msg);
	CHECK_STR(text, "Giao đất cho hộ ông Nguyễn Văn An");
	free(text);
	CHECK(sohoa_access_page_text(cat, &v, ids[1], 1, &text, &a, &err) == SOHOA_BAD_INPUT);
	CHECK(text == NULL);
	CHECK_INT(a, SOHOA_ACCESS_CATALOG);
	sohoa_error_clear(&err);
	CHECK(sohoa_access_page_text(cat, &v, ids[2], 1, &text, &a, &err) == SOHOA_BAD_INPUT);
	CHECK_INT(a, SOHOA_ACCESS_NONE);
	sohoa_error_clear(&err);
	CHECK(sohoa_access_page_text(cat, &v, ids[0], 2, &text, &a, &err) == SOHOA_BAD_INPUT);
	CHECK_INT(a, SOHOA_ACCESS_NONE);
	/* Requests: none for 01 or 03, no empty reason, one pending at a time;
	 * refused stays closed; approved opens. */
	sohoa_error_clear(&err);
	CHECK(sohoa_access_request(cat, &v, ids[0], "lý do", NULL, &rid, &err) == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECK(sohoa_access_request(cat, &v, ids[2], "lý do", NULL, &rid, &err) == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECK(sohoa_access_request(cat, &v, ids[1], "  ", NULL, &rid, &err) == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECKM(sohoa_access_request(cat, &v, ids[1], "Xác minh", NULL, &rid, &err) == SOHOA_OK,
	    err.msg);
	CHECK(sohoa_access_request(cat, &v, ids[1], "Lần nữa", NULL, NULL, &err)
	    == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECKM(sohoa_access_decide(cat, "giamdoc", rid, 0, 1000, 30, NULL, &err) == SOHOA_OK,
	    err.msg);
	CHECK(sohoa_access_decide(cat, "giamdoc", rid, 1, 1000, 30, NULL, &err)
	    == SOHOA_BAD_INPUT);
	CHECK_INT(access_of(cat, &v, ids[1]), SOHOA_ACCESS_CATALOG);
	sohoa_error_clear(&err);
	CHECKM(sohoa_access_request(cat, &v, ids[1], "Xác minh lại", NULL, &rid, &err) == SOHOA_OK,
	    err.msg);
	CHECKM(sohoa_access_decide(cat, "giamdoc", rid, 1, 1000, 7, NULL, &err) == SOHOA_OK,
	    err.msg);
	CHECK_INT(access_of(cat, &v, ids[1]), SOHOA_ACCESS_FULL);
	CHECKM(sohoa_access_page_text(cat, &v, ids[1], 1, &text, &a, &err) == SOHOA_OK, err.msg);
	free(text);
	sohoa_record_view_init(&rv);
	CHECKM(sohoa_access_view(cat, &v, "/s", ids[1], &rv, &err) == SOHOA_OK, err.msg);
	CHECK_INT(rv.grant_expires, 1000 + 7 * 86400);
	CHECK(rv.pdf_path != NULL);
	sohoa_record_view_release(&rv);
	sohoa_catalog_free(cat);
}

static void
count_view(void *arg, const sohoa_record_view *rv)
{
	char *s = arg;
	size_t n = strlen(s);

	snprintf(s + n, 128 - n, "%s%lld:%d", n ? "," : "", (long long)rv->id, rv->access);
}

static void
count_entry(void *arg, const sohoa_access_entry *e)
{
	char *s = arg;
	size_t n = strlen(s);

	snprintf(s + n, 256 - n, "%s%s/%lld/%s", n ? "," : "", e->user_name, (long long)e->record_id,
	    e->what);
}

static void
test_hoso_and_log(void)
{
	sohoa_catalog *cat = open_cat();
	sohoa_viewer v = { 0 };
	sohoa_error err;
	int64_t ids[4];
	char got[128] = "", want[128], log[256] = "";

	setup_four(cat, ids);
	v.user_id = add_user(cat, "lan", SOHOA_ROLE_CAN_BO);
	v.user_name = "lan";
	v.default_mode = "01";
	v.now = 1000;
	sohoa_error_clear(&err);
	CHECKM(sohoa_access_hoso(cat, &v, "/s", "ho-so-2024", count_view, got, &err) == SOHOA_OK,
	    err.msg);
	snprintf(want, sizeof want, "%lld:2,%lld:1", (long long)ids[0], (long long)ids[1]);
	CHECK_STR(got, want);
	got[0] = '\0';
	CHECKM(sohoa_access_hoso(cat, &v, "/s", "khac", count_view, got, &err) == SOHOA_OK, err.msg);
	CHECK_STR(got, "");

	CHECKM(sohoa_access_log(cat, "lan", ids[0], "pdf", NULL, "10.0.0.1", &err) == SOHOA_OK,
	    err.msg);
	CHECKM(sohoa_access_log(cat, "hoa", ids[1], "metadata", NULL, NULL, &err) == SOHOA_OK,
	    err.msg);
	CHECKM(sohoa_access_log(cat, "lan", 0, "search", "dat", NULL, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_access_log_each(cat, "lan", 0, NULL, count_entry, log, &err) == SOHOA_OK,
	    err.msg);
	snprintf(want, sizeof want, "lan/%lld/pdf,lan/0/search", (long long)ids[0]);
	CHECK_STR(log, want);
	log[0] = '\0';
	CHECKM(sohoa_access_log_each(cat, NULL, ids[1], NULL, count_entry, log, &err) == SOHOA_OK,
	    err.msg);
	snprintf(want, sizeof want, "hoa/%lld/metadata", (long long)ids[1]);
	CHECK_STR(log, want);
	log[0] = '\0';
	CHECKM(sohoa_access_log_each(cat, NULL, 0, "2999-01-01", count_entry, log, &err)
	    == SOHOA_OK, err.msg);
	CHECK_STR(log, "");
	sohoa_catalog_free(cat);
}

int
main(void)
{
	TEST_RUN(test_rule);
	TEST_RUN(test_rule_sql_agrees);
	TEST_RUN(test_search_filtered);
	TEST_RUN(test_view_and_text);
	TEST_RUN(test_hoso_and_log);
	return TEST_DONE();
}
