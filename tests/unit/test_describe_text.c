/*
 * test_describe_text.c - fields never carry control characters into the
 * catalog (describe.c with textsafe.h, T3): OCR text holding ESC/BEL/SOH
 * bytes (a scanner's own text layer can) gives fields with spaces in their
 * place, on a real catalog; a person's value holding one is refused.
 */
#include <sqlite3.h>

#include "test.h"
#include "catalog_fixture.h"
#include "sohoa/catalog.h"
#include "sohoa/describe.h"
#include "catalog_int.h"

static const char page[] =
    "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "XÃ LIÊN\x01 HỒNG Độc lập - Tự do - Hạnh phúc\n"
    "Số: 17/BB-UBND Liên Hồng, ngày 17 tháng 3 năm 2023\n"
    "BIÊN BẢN\n\n"
    "Họp bàn triển khai\x1b[2J trồng khoai tây\x07 vụ đông\n\n"
    "Hôm nay, vào hồi 14 giờ 00 phút ngày 17/03/2023, tại Hội trường Ủy ban\n"
    "nhân dân xã Liên Hồng tổ chức họp bàn triển khai trồng khoai tây vụ đông.\n"
    "CHỦ TRÌ\n\nLê Quốc Trọng\n";

static void
test_ocr_fields_without_controls(void)
{
	sohoa_error err;
	sohoa_catalog *cat;
	sohoa_record_new r;
	sohoa_page_result pr;
	sohoa_conf conf;
	int64_t id = 0;

	sohoa_error_clear(&err);
	sohoa_conf_init(&conf);
	cat = sohoa_catalog_open("catalog.db", &err);
	CHECKM(cat != NULL, err.msg);
	if (!cat)
		return;
	memset(&r, 0, sizeof r);
	memset(&pr, 0, sizeof pr);
	r.spool_id = "0000000000000001";
	r.state = SOHOA_STATE_DONE;
	r.hash = "sha256:0000000000000000000000000000000000000000000000000000000000000001";
	r.size = 1;
	r.name = "bb.png";
	r.name_raw = "bb.png";
	r.name_raw_len = 6;
	r.origin = "";
	r.origin_raw = "";
	pr.page_no = 1;
	pr.text = page;
	pr.confidence = 90;
	pr.status = "ok";
	CHECKM(sohoa_catalog_begin(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_record_insert(cat, &r, &id, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_store_pages(cat, id, &pr, 1, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_describe_record(&conf, cat, id, "test", &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_commit(cat, &err) == SOHOA_OK, err.msg);
	/* The control bytes were there to be read: the page keeps them. */
	CHECK_INT(fx_query_int(sohoa_catalog_db(cat), "SELECT count(*) FROM pages WHERE instr(text,"
	    " char(27)) > 0"), 1);
	CHECK(fx_query_int(sohoa_catalog_db(cat), "SELECT count(*) FROM fields") >= 3);
	CHECK_INT(fx_query_int(sohoa_catalog_db(cat), "SELECT count(*) FROM fields WHERE instr(value,"
	    " char(27)) + instr(value, char(7)) + instr(value, char(1)) > 0"), 0);
	/* ... and the subject went through, ESC and BEL as spaces. */
	CHECK_INT(fx_query_int(sohoa_catalog_db(cat), "SELECT count(*) FROM fields WHERE name = 'subject'"
	    " AND value = 'Họp bàn triển khai [2J trồng khoai tây  vụ đông'"), 1);
	sohoa_catalog_free(cat);
	sohoa_conf_release(&conf);
}

static void
test_person_value_with_control_refused(void)
{
	sohoa_error err;
	char *out = NULL;

	sohoa_error_clear(&err);
	CHECK(sohoa_describe_check_value("subject", "Về việc\x1b]0;x\x07", &out, &err)
	    == SOHOA_BAD_INPUT);
	CHECK(strstr(err.msg, "điều khiển") != NULL);
	CHECK(out == NULL);
	sohoa_error_clear(&err);
	CHECK(sohoa_describe_check_value("subject", "Về việc \xef\xbf\xbe", &out, &err)
	    == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECKM(sohoa_describe_check_value("recipients", "- Như trên;\n- Lưu: VT", &out, &err)
	    == SOHOA_OK, err.msg);
	CHECK_STR(out, "- Như trên;\n- Lưu: VT");
	free(out);
}

int
main(void)
{
	TEST_RUN(test_ocr_fields_without_controls);
	TEST_RUN(test_person_value_with_control_refused);
	return TEST_DONE();
}
