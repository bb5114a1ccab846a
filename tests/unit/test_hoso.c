/*
 * test_hoso.c - hồ sơ fields and the archivists' hoso.txt sidecar.
 */
#include "sohoa/hoso.h"
#include "test.h"

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void
test_sidecar_vietnamese_names(void)
{
	sohoa_hoso h;
	sohoa_error err;

	put("hoso.txt", "\xEF\xBB\xBF# Hồ sơ đất đai\r\n"
	    "Mã hồ sơ: 000.00.01.H26.2024.01\r\n"
	    "Tiêu đề hồ sơ:   Hồ sơ quyết định về đất đai năm 2024  \n"
	    "thoi han bao quan: Vĩnh viễn\n"
	    "CHẾ ĐỘ SỬ DỤNG: 02\n"
	    "Thời gian bắt đầu: 05/03/2024\n"
	    "Mã hồ sơ gốc giấy: H26.K1/G2/H3.15\n"
	    "Số lượng tờ: 42\n");
	sohoa_hoso_init(&h);
	sohoa_error_clear(&err);
	CHECKM(sohoa_hoso_load(&h, "hoso.txt", &err) == SOHOA_OK, err.msg);
	CHECK_STR(h.v[SOHOA_H_FILE_CODE], "000.00.01.H26.2024.01");
	CHECK_STR(h.v[SOHOA_H_TITLE], "Hồ sơ quyết định về đất đai năm 2024");
	CHECK_STR(h.v[SOHOA_H_MAINTENANCE], "01");
	CHECK_STR(h.v[SOHOA_H_MODE], "02");
	CHECK_STR(h.v[SOHOA_H_START_DATE], "05/03/2024");
	CHECK_STR(h.v[SOHOA_H_PAPER_FILE_CODE], "H26.K1/G2/H3.15");
	CHECK_STR(h.v[SOHOA_H_NUMBER_OF_PAPER], "42");
	CHECK_STR(h.source[SOHOA_H_TITLE], "sidecar");
	CHECK(h.v[SOHOA_H_DESCRIPTION] == NULL);
	sohoa_hoso_release(&h);
}

static void
test_sidecar_errors_name_the_line(void)
{
	sohoa_hoso h;
	sohoa_error err;

	put("a.txt", "Mã hồ sơ: X\nMàu sắc: đỏ\n");
	sohoa_hoso_init(&h);
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_load(&h, "a.txt", &err) == SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "a.txt:2") && strstr(err.msg, "Màu sắc"), err.msg);
	sohoa_hoso_release(&h);

	put("b.txt", "Thời hạn bảo quản: mãi mãi\n");
	sohoa_hoso_init(&h);
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_load(&h, "b.txt", &err) == SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "b.txt:1") && strstr(err.msg, "mãi mãi"), err.msg);
	sohoa_hoso_release(&h);

	put("c.txt", "Thời gian kết thúc: 31/02/2024\n");
	sohoa_hoso_init(&h);
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_load(&h, "c.txt", &err) == SOHOA_BAD_INPUT);
	sohoa_hoso_release(&h);

	put("d.txt", "Tiêu đề hồ sơ không có dấu hai chấm\n");
	sohoa_hoso_init(&h);
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_load(&h, "d.txt", &err) == SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "d.txt:1"), err.msg);
	sohoa_hoso_release(&h);
}

static void
test_missing_sidecar_is_fine(void)
{
	sohoa_hoso h;
	sohoa_error err;

	sohoa_hoso_init(&h);
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_load(&h, "none.txt", &err) == SOHOA_OK);
	for (int i = 0; i < SOHOA_H_COUNT; i++)
		CHECK(h.v[i] == NULL);
	sohoa_hoso_release(&h);
}

static void
test_names_round_trip(void)
{
	for (int i = 0; i < SOHOA_H_COUNT; i++)
		CHECK_INT(sohoa_hoso_from_name(sohoa_hoso_name((sohoa_hoso_id)i)), i);
	CHECK_INT(sohoa_hoso_from_name("nope"), SOHOA_H_COUNT);
}

int
main(void)
{
	TEST_RUN(test_sidecar_vietnamese_names);
	TEST_RUN(test_sidecar_errors_name_the_line);
	TEST_RUN(test_missing_sidecar_is_fine);
	TEST_RUN(test_names_round_trip);
	return TEST_DONE();
}
