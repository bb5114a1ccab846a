/*
 * test_fields.c - the field names (TT 05 and Vietnamese, as people type
 * them) and the one table of document types (fields.h), and that the
 * catalog's doc_types table holds the same rows.
 */
#include <sqlite3.h>
#include <utf8proc.h>

#include "test.h"
#include "sohoa/catalog.h"
#include "sohoa/fields.h"
#include "catalog_int.h"

static char *
nfd(const char *s)
{
	return (char *)utf8proc_NFD((const utf8proc_uint8_t *)s);
}

static void
test_field_lookup(void)
{
	char *d = nfd("người ký");

	/* TT 05 names, in any case. */
	CHECK_INT(sohoa_field_lookup("signerName"), SOHOA_F_SIGNER_NAME);
	CHECK_INT(sohoa_field_lookup("SIGNERNAME"), SOHOA_F_SIGNER_NAME);
	CHECK_INT(sohoa_field_lookup("subject"), SOHOA_F_SUBJECT);
	/* Vietnamese names: diacritics or not, any case, NFD, '_' or '-'. */
	CHECK_INT(sohoa_field_lookup("người ký"), SOHOA_F_SIGNER_NAME);
	CHECK_INT(sohoa_field_lookup("Người Ký"), SOHOA_F_SIGNER_NAME);
	CHECK_INT(sohoa_field_lookup("NGƯỜI KÝ"), SOHOA_F_SIGNER_NAME);
	CHECK_INT(sohoa_field_lookup("nguoi ky"), SOHOA_F_SIGNER_NAME);
	CHECK_INT(sohoa_field_lookup("nguoi_ky"), SOHOA_F_SIGNER_NAME);
	CHECK_INT(sohoa_field_lookup("nguoi-ky"), SOHOA_F_SIGNER_NAME);
	CHECK_INT(sohoa_field_lookup(d), SOHOA_F_SIGNER_NAME);
	CHECK_INT(sohoa_field_lookup("trích yếu"), SOHOA_F_SUBJECT);
	CHECK_INT(sohoa_field_lookup("trich yeu noi dung"), SOHOA_F_SUBJECT);
	CHECK_INT(sohoa_field_lookup("số"), SOHOA_F_CODE_NUMBER);
	CHECK_INT(sohoa_field_lookup("ký hiệu"), SOHOA_F_CODE_NOTATION);
	CHECK_INT(sohoa_field_lookup("ngày"), SOHOA_F_ISSUED_DATE);
	CHECK_INT(sohoa_field_lookup("loại"), SOHOA_F_TYPE_NAME);
	CHECK_INT(sohoa_field_lookup("cơ quan"), SOHOA_F_ORGAN_NAME);
	CHECK_INT(sohoa_field_lookup("cơ quan chủ quản"), SOHOA_F_PARENT_ORGAN);
	CHECK_INT(sohoa_field_lookup("chế độ sử dụng"), SOHOA_F_MODE);
	CHECK_INT(sohoa_field_lookup("từ khóa"), SOHOA_F_KEYWORD);
	CHECK_INT(sohoa_field_lookup("từ khoá"), SOHOA_F_KEYWORD);     /* old tone placement */
	CHECK_INT(sohoa_field_lookup("ghi chú"), SOHOA_F_DESCRIPTION);
	CHECK_INT(sohoa_field_lookup("số trang"), SOHOA_F_NUMBER_OF_PAGE);
	/* Not names. */
	CHECK_INT(sohoa_field_lookup("tác giả"), SOHOA_F_COUNT);
	CHECK_INT(sohoa_field_lookup(""), SOHOA_F_COUNT);
	CHECK_INT(sohoa_field_lookup("người"), SOHOA_F_COUNT);
	CHECK_INT(sohoa_field_lookup("\xff\xfe"), SOHOA_F_COUNT);
	CHECK_INT(sohoa_field_lookup(NULL), SOHOA_F_COUNT);
	/* Every field has a Vietnamese name that finds it. */
	for (int i = 0; i < SOHOA_F_COUNT; i++) {
		CHECK(sohoa_field_label((sohoa_field_id)i) != NULL);
		for (int k = 0; sohoa_field_label_alt((sohoa_field_id)i, k); k++)
			CHECK_INT(sohoa_field_lookup(sohoa_field_label_alt((sohoa_field_id)i, k)), i);
	}
	CHECK(sohoa_field_label(SOHOA_F_COUNT) == NULL);
	free(d);
}

/* sohoa_fields_set's return is a status: OK, then FATAL for a field that
 * does not exist (the fields kept as they were). */
static void
test_fields_set_status(void)
{
	sohoa_fields fs;

	sohoa_fields_init(&fs);
	CHECK_INT(sohoa_fields_set(&fs, SOHOA_F_SUBJECT, "Về việc cấp giấy", "ocr", 0.9), SOHOA_OK);
	CHECK_STR(fs.f[SOHOA_F_SUBJECT].value, "Về việc cấp giấy");
	CHECK_INT(sohoa_fields_set(&fs, SOHOA_F_COUNT, "x", "ocr", 1.0), SOHOA_FATAL);
	CHECK_INT(sohoa_fields_set(&fs, (sohoa_field_id)-1, "x", "ocr", 1.0), SOHOA_FATAL);
	CHECK_STR(fs.f[SOHOA_F_SUBJECT].value, "Về việc cấp giấy");
	CHECK_INT(sohoa_fields_set(&fs, SOHOA_F_SUBJECT, NULL, "person", 1.0), SOHOA_OK);
	CHECK(fs.f[SOHOA_F_SUBJECT].value == NULL);
	sohoa_fields_release(&fs);
}

static const char *
type_of(const char *typed)
{
	const sohoa_doc_type *t = sohoa_doc_type_lookup(typed);

	return t ? t->code : "none";
}

static void
test_doc_types(void)
{
	char *d = nfd("Quyết định");

	for (int i = 0; i < SOHOA_DOC_TYPE_COUNT; i++) {
		char code[8];

		snprintf(code, sizeof code, "%02d", i + 1);
		CHECK_STR(sohoa_doc_types[i].code, code);
		/* Each type is found by its own name and abbreviation. */
		CHECK_STR(type_of(sohoa_doc_types[i].name), code);
		if (sohoa_doc_types[i].abbr)
			CHECK_STR(type_of(sohoa_doc_types[i].abbr), code);
	}
	CHECK_STR(type_of("02"), "02");
	CHECK_STR(type_of("2"), "02");
	CHECK_STR(type_of("33"), "none");
	CHECK_STR(type_of("QĐ"), "02");
	CHECK_STR(type_of("qđ"), "02");
	CHECK_STR(type_of("qd"), "02");
	CHECK_STR(type_of("QD"), "02");
	CHECK_STR(type_of("quyet-dinh"), "02");
	CHECK_STR(type_of("quyet dinh"), "02");
	CHECK_STR(type_of("QUYẾT ĐỊNH"), "02");
	CHECK_STR(type_of(d), "02");
	CHECK_STR(type_of("CV"), "22");
	CHECK_STR(type_of("cv"), "22");
	CHECK_STR(type_of("cong van"), "22");
	CHECK_STR(type_of("TTr"), "15");
	CHECK_STR(type_of("ttr"), "15");
	CHECK_STR(type_of("TB"), "07");
	CHECK_STR(type_of("KH"), "10");
	CHECK_STR(type_of("BC"), "14");
	CHECK_STR(type_of("GM"), "26");
	CHECK_STR(type_of("qyd"), "05");
	/* DA is Dự án, ĐA Đề án; HD Hướng dẫn, HĐ Hợp đồng. */
	CHECK_STR(type_of("da"), "13");
	CHECK_STR(type_of("đa"), "12");
	CHECK_STR(type_of("hd"), "08");
	CHECK_STR(type_of("HĐ"), "21");
	CHECK_STR(type_of("Quyết"), "none");
	CHECK_STR(type_of("XYZ"), "none");
	CHECK_STR(type_of(""), "none");
	CHECK(sohoa_doc_type_by_code("22") && !strcmp(sohoa_doc_type_by_code("22")->name,
	    "Công văn"));
	CHECK(sohoa_doc_type_by_code("0") == NULL && sohoa_doc_type_by_code("x") == NULL);
	free(d);
}

/* The catalog's doc_types (its views join on it) holds the same rows. */
static void
test_catalog_agrees(void)
{
	sohoa_error err;
	sohoa_catalog *cat;
	sqlite3_stmt *st = NULL;
	int n = 0;

	sohoa_error_clear(&err);
	cat = sohoa_catalog_open("catalog.db", &err);
	CHECKM(cat != NULL, err.msg);
	if (!cat)
		return;
	CHECK(sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT code, name, abbr FROM doc_types"
	    " ORDER BY code", -1, &st, NULL) == SQLITE_OK);
	while (st && sqlite3_step(st) == SQLITE_ROW) {
		const sohoa_doc_type *t = sohoa_doc_type_by_code((const char *)
		    sqlite3_column_text(st, 0));
		const char *abbr = (const char *)sqlite3_column_text(st, 2);

		CHECK(t != NULL);
		if (!t)
			continue;
		CHECK_STR((const char *)sqlite3_column_text(st, 0), t->code);
		CHECK_STR((const char *)sqlite3_column_text(st, 1), t->name);
		CHECK((abbr == NULL) == (t->abbr == NULL));
		if (abbr && t->abbr)
			CHECK_STR(abbr, t->abbr);
		n++;
	}
	CHECK_INT(n, SOHOA_DOC_TYPE_COUNT);
	sqlite3_finalize(st);
	sohoa_catalog_free(cat);
}

int
main(void)
{
	TEST_RUN(test_field_lookup);
	TEST_RUN(test_fields_set_status);
	TEST_RUN(test_doc_types);
	TEST_RUN(test_catalog_agrees);
	return TEST_DONE();
}
