/*
 * test_hoso.c - hồ sơ fields and the archivists' hoso.txt sidecar.
 */
#include <fcntl.h>
#include <sys/stat.h>

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

/* hoso.txt is the share's: a FIFO, a link (to /dev/zero or anything) or an
 * oversized file is refused at once, nothing of it read; the folder is
 * reached through a folder fd. */
static void
test_hostile_sidecars_refused_without_blocking(void)
{
	sohoa_hoso h;
	sohoa_error err;
	char big[SOHOA_HOSO_MAX + 100];
	int dfd;

	CHECK(mkdir("fifo", 0755) == 0 && mkfifo("fifo/hoso.txt", 0644) == 0);
	CHECK(mkdir("zero", 0755) == 0 && symlink("/dev/zero", "zero/hoso.txt") == 0);
	CHECK(mkdir("big", 0755) == 0);
	memset(big, '#', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	put("big/hoso.txt", big);
	CHECK(mkdir("ok", 0755) == 0);
	put("ok/hoso.txt", "Mã hồ sơ: 7\n");
	sohoa_hoso_init(&h);
	sohoa_error_clear(&err);
	dfd = open("fifo", O_RDONLY | O_DIRECTORY);
	CHECK(sohoa_hoso_load_at(&h, dfd, "hoso.txt", "fifo/hoso.txt", &err) == SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_NOT_REGULAR);
	close(dfd);
	sohoa_error_clear(&err);
	dfd = open("zero", O_RDONLY | O_DIRECTORY);
	CHECK(sohoa_hoso_load_at(&h, dfd, "hoso.txt", "zero/hoso.txt", &err) == SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_SYMLINK);
	close(dfd);
	sohoa_error_clear(&err);
	CHECK(sohoa_hoso_load(&h, "big/hoso.txt", &err) == SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_TOO_LARGE);
	sohoa_error_clear(&err);
	dfd = open("ok", O_RDONLY | O_DIRECTORY);
	CHECKM(sohoa_hoso_load_at(&h, dfd, "hoso.txt", "ok/hoso.txt", &err) == SOHOA_OK, err.msg);
	CHECK_STR(h.v[SOHOA_H_FILE_CODE], "7");
	close(dfd);
	sohoa_hoso_release(&h);
}

int
main(void)
{
	TEST_RUN(test_sidecar_vietnamese_names);
	TEST_RUN(test_sidecar_errors_name_the_line);
	TEST_RUN(test_missing_sidecar_is_fine);
	TEST_RUN(test_names_round_trip);
	TEST_RUN(test_hostile_sidecars_refused_without_blocking);
	return TEST_DONE();
}
