/*
 * test_access_hoso_mode.c - the access rule's SQL (lib/access.c level_sql)
 * takes a record's mode from its own hồ sơ (A4) whatever the record id
 * expression of the query around it is called: listing a hồ sơ
 * (sohoa_access_hoso, whose query names its records "r") used to read the
 * mode of another hồ sơ, because the rule's own sub-query also said "r".
 * A real catalog: two hồ sơ, 03 Mật and 01 Công khai, one record each
 * without a mode of its own.
 */
#include <sqlite3.h>

#include "test.h"
#include "sohoa/access.h"
#include "sohoa/catalog.h"
#include "sohoa/search.h"
#include "catalog_int.h"
#include "sohoa/users.h"

static int64_t
add_done(sohoa_catalog *cat, const char *origin, int serial)
{
	sohoa_record_new r;
	sohoa_page_result pr;
	sohoa_error err;
	int64_t id = 0;
	char hash[80], name[32];

	memset(&r, 0, sizeof r);
	memset(&pr, 0, sizeof pr);
	snprintf(hash, sizeof hash, "sha256:%064d", serial);
	snprintf(name, sizeof name, "scan%d.tif", serial);
	r.spool_id = hash + 60;
	r.state = SOHOA_STATE_DONE;
	r.hash = hash;
	r.size = 1000;
	r.name = name;
	r.name_raw = name;
	r.name_raw_len = strlen(name);
	r.origin = origin;
	r.origin_raw = origin;
	r.origin_raw_len = strlen(origin);
	pr.page_no = 1;
	pr.text = "Giao đất cho hộ ông Nguyễn Văn An";
	pr.confidence = 90;
	pr.status = "ok";
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_begin(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_record_insert(cat, &r, &id, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_store_pages(cat, id, &pr, 1, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_commit(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_search_index_record(cat, id, &err) == SOHOA_OK, err.msg);
	return id;
}

static void
listed(void *arg, const sohoa_record_view *rv)
{
	char *s = arg;
	size_t n = strlen(s);

	snprintf(s + n, 128 - n, "%s%lld:%d", n ? "," : "", (long long)rv->id, rv->access);
}

static void
test_listing_takes_the_mode_of_its_own_hoso(void)
{
	sohoa_catalog *cat;
	sohoa_viewer v = { 0 };
	sohoa_error err;
	sohoa_user u;
	int64_t secret, open;
	char got[128] = "", want[128];

	sohoa_error_clear(&err);
	cat = sohoa_catalog_open("catalog.db", &err);
	CHECKM(cat != NULL, err.msg);
	if (!cat)
		return;
	/* The 03 hồ sơ's record first: a sub-query that loses its record
	 * finds this mode first. */
	secret = add_done(cat, "ho-so-mat", 1);
	open = add_done(cat, "ho-so-cong-khai", 2);
	CHECK(sqlite3_exec(sohoa_catalog_db(cat), "UPDATE records SET state = 'done';"
	    " INSERT INTO hoso (origin, name, value, source) VALUES"
	    " ('ho-so-mat', 'mode', '03', 'sidecar'),"
	    " ('ho-so-cong-khai', 'mode', '01', 'sidecar')", NULL, NULL, NULL) == SQLITE_OK);
	CHECKM(sohoa_user_add(cat, "lan", SOHOA_ROLE_CAN_BO, "mật khẩu 123", &err) == SOHOA_OK,
	    err.msg);
	CHECKM(sohoa_user_get(cat, "lan", &u, &err) == SOHOA_OK, err.msg);
	v.user_id = u.id;
	v.user_name = "lan";
	v.default_mode = "03";  /* only the hồ sơ's mode can make a record 01 */
	v.now = 1000;

	CHECKM(sohoa_access_hoso(cat, &v, "/s", "ho-so-cong-khai", listed, got, &err)
	    == SOHOA_OK, err.msg);
	snprintf(want, sizeof want, "%lld:2", (long long)open);
	CHECK_STR(got, want);
	got[0] = '\0';
	CHECKM(sohoa_access_hoso(cat, &v, "/s", "ho-so-mat", listed, got, &err) == SOHOA_OK,
	    err.msg);
	CHECK_STR(got, "");
	(void)secret;
	sohoa_catalog_free(cat);
}

int
main(void)
{
	TEST_RUN(test_listing_takes_the_mode_of_its_own_hoso);
	return TEST_DONE();
}
