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
#include "catalog_fixture.h"
#include "sohoa/access.h"
#include "sohoa/catalog.h"
#include "sohoa/search.h"
#include "catalog_int.h"
#include "sohoa/users.h"

/* A done, indexed record from inbox folder origin with one page of text. */
static int64_t
add_done(sohoa_catalog *cat, const char *origin)
{
	const char *page[] = { "Giao đất cho hộ ông Nguyễn Văn An" };

	return fx_add_record(cat, &(struct fx_record){ .state = SOHOA_STATE_DONE, .origin = origin,
	    .size = 1000, .pages = page, .npages = 1, .index = 1 });
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
	secret = add_done(cat, "ho-so-mat");
	open = add_done(cat, "ho-so-cong-khai");
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
