/*
 * test_edit.c - a person's correction (edit.h) on a real catalog: the value
 * checked and normalised (a date, a type by its name, a mode by its name),
 * stored as the person's with the old value in an event naming the agent,
 * a bad value or a record not done refused with nothing changed.
 */
#include <sqlite3.h>

#include "test.h"
#include "sohoa/catalog.h"
#include "sohoa/edit.h"
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
add_record(sohoa_catalog *cat, const char *state)
{
	sohoa_record_new r;
	sohoa_page_result pr;
	sohoa_error err;
	int64_t id = 0;
	static int serial;
	char hash[80];

	memset(&r, 0, sizeof r);
	memset(&pr, 0, sizeof pr);
	snprintf(hash, sizeof hash, "sha256:%064d", ++serial);
	r.spool_id = hash + 60;
	r.state = SOHOA_STATE_ACTIVE;
	r.hash = hash;
	r.size = 10;
	r.name = r.name_raw = "a.tif";
	r.name_raw_len = 5;
	r.origin = r.origin_raw = "";
	pr.page_no = 1;
	pr.text = "Quyết định giao đất";
	pr.confidence = 90;
	pr.status = "ok";
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_begin(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_record_insert(cat, &r, &id, &err) == SOHOA_OK, err.msg);
	if (!strcmp(state, "done"))
		CHECKM(sohoa_catalog_store_pages(cat, id, &pr, 1, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_commit(cat, &err) == SOHOA_OK, err.msg);
	return id;
}

static void
test_edit_fields(void)
{
	sohoa_error err;
	sohoa_catalog *cat;
	char *old = NULL, *stored = NULL, sql[200];
	int64_t id, pending;

	sohoa_error_clear(&err);
	cat = sohoa_catalog_open("catalog.db", &err);
	CHECKM(cat != NULL, err.msg);
	if (!cat)
		return;
	id = add_record(cat, "done");
	pending = add_record(cat, "active");
	CHECKM(sohoa_edit_field(cat, id, "issuedDate", "05/03/2024", "tester", &old, &stored, &err)
	    == SOHOA_OK, err.msg);
	CHECK(old == NULL);
	CHECK_STR(stored, "2024-03-05");
	free(stored);
	CHECKM(sohoa_edit_field(cat, id, "issuedDate", "2024-03-06", "tester", &old, &stored, &err)
	    == SOHOA_OK, err.msg);
	CHECK_STR(old, "2024-03-05");
	free(old);
	free(stored);
	CHECKM(sohoa_edit_field(cat, id, "typeName", "Quyết định", "tester", NULL, &stored, &err)
	    == SOHOA_OK, err.msg);
	CHECK_STR(stored, "02");
	free(stored);
	CHECKM(sohoa_edit_field(cat, id, "mode", "Sử dụng có điều kiện", "tester", NULL, &stored,
	    &err) == SOHOA_OK, err.msg);
	CHECK_STR(stored, "02");
	free(stored);
	CHECKM(sohoa_edit_field(cat, id, "mode", "03", "tester", NULL, &stored, &err) == SOHOA_OK,
	    err.msg);
	CHECK_STR(stored, "03");
	free(stored);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM fields WHERE record_id = %lld AND name ="
	    " 'mode' AND value = '03' AND source = 'person'", (long long)id);
	CHECK_INT(query_int(sohoa_catalog_db(cat), sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE record_id = %lld AND type ="
	    " 'metadata modification' AND agent = 'tester'", (long long)id);
	CHECK_INT(query_int(sohoa_catalog_db(cat), sql), 5);
	/* Refused, nothing changed: a bad mode, a bad date, an unknown field,
	 * a record not done. */
	sohoa_error_clear(&err);
	CHECK(sohoa_edit_field(cat, id, "mode", "bí mật", "tester", NULL, NULL, &err)
	    == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECK(sohoa_edit_field(cat, id, "issuedDate", "31/02/2024", "tester", NULL, NULL, &err)
	    == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECK(sohoa_edit_field(cat, id, "colour", "red", "tester", NULL, NULL, &err)
	    == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECK(sohoa_edit_field(cat, pending, "subject", "x", "tester", NULL, NULL, &err)
	    == SOHOA_BAD_INPUT);
	CHECK_INT(query_int(sohoa_catalog_db(cat), sql), 5);
	snprintf(sql, sizeof sql, "SELECT value = '03' FROM fields WHERE record_id = %lld AND"
	    " name = 'mode'", (long long)id);
	CHECK_INT(query_int(sohoa_catalog_db(cat), sql), 1);
	/* Clearing: the field goes. */
	sohoa_error_clear(&err);
	CHECKM(sohoa_edit_field(cat, id, "mode", "", "tester", &old, &stored, &err) == SOHOA_OK,
	    err.msg);
	CHECK_STR(old, "03");
	CHECK(stored == NULL);
	free(old);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM fields WHERE record_id = %lld AND"
	    " name = 'mode'", (long long)id);
	CHECK_INT(query_int(sohoa_catalog_db(cat), sql), 0);
	sohoa_catalog_free(cat);
}

int
main(void)
{
	TEST_RUN(test_edit_fields);
	return TEST_DONE();
}
