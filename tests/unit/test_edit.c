/*
 * test_edit.c - a person's correction (edit.h) on a real catalog: the value
 * checked and normalised (a date, a type by its name, a mode by its name),
 * stored as the person's with the old value in an event naming the agent,
 * a bad value or a record not done refused with nothing changed.
 */
#include <sqlite3.h>

#include "test.h"
#include "catalog_fixture.h"
#include "sohoa/catalog.h"
#include "sohoa/edit.h"
#include "catalog_int.h"

/* A record with one page of text when state is "done", none when "active". */
static int64_t
add_record(sohoa_catalog *cat, const char *state)
{
	return fx_add_record(cat, &(struct fx_record){ .npages = 1,
	    .unread = strcmp(state, "done") != 0 });
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
	CHECK_INT(fx_query_int(sohoa_catalog_db(cat), sql), 1);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE record_id = %lld AND type ="
	    " 'metadata modification' AND agent = 'tester'", (long long)id);
	CHECK_INT(fx_query_int(sohoa_catalog_db(cat), sql), 5);
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
	CHECK_INT(fx_query_int(sohoa_catalog_db(cat), sql), 5);
	snprintf(sql, sizeof sql, "SELECT value = '03' FROM fields WHERE record_id = %lld AND"
	    " name = 'mode'", (long long)id);
	CHECK_INT(fx_query_int(sohoa_catalog_db(cat), sql), 1);
	/* Clearing: the field goes. */
	sohoa_error_clear(&err);
	CHECKM(sohoa_edit_field(cat, id, "mode", "", "tester", &old, &stored, &err) == SOHOA_OK,
	    err.msg);
	CHECK_STR(old, "03");
	CHECK(stored == NULL);
	free(old);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM fields WHERE record_id = %lld AND"
	    " name = 'mode'", (long long)id);
	CHECK_INT(fx_query_int(sohoa_catalog_db(cat), sql), 0);
	sohoa_catalog_free(cat);
}

int
main(void)
{
	TEST_RUN(test_edit_fields);
	return TEST_DONE();
}
