/*
 * test_extract.c - field extraction from OCR text (extract.h).
 *
 * Two kinds of input:
 *   - real Tesseract output (vie+eng) of documents rendered by
 *     tests/tools/render_scans.py, in tests/unit/fixtures/extract/: NAME.txt
 *     is the OCR text, NAME.json the renderer's truth, NAME.expect what the
 *     extraction must give (see test_fixtures);
 *   - hand-written texts with the damage OCR does (S6:, stray spaces,
 *     missing diacritics, interleaved columns, NFD, ...), and documents
 *     where a field is absent and must stay empty.
 */
#include <errno.h>
#include <dirent.h>

#include "test.h"
#include "fixture.h"
#include "sohoa/extract.h"

static char fixture_dir[PATH_MAX];

/* ---- helpers ---------------------------------------------------------- */

/* Extraction into fs (initialised here); the status. */
static sohoa_status
extract(const char *text, sohoa_fields *fs)
{
	sohoa_error err;
	sohoa_status st;

	sohoa_fields_init(fs);
	sohoa_error_clear(&err);
	st = sohoa_extract_fields(text, strlen(text), fs, &err);
	if (st != SOHOA_OK)
		fprintf(stderr, "  extraction failed: %s\n", err.msg);
	return st;
}

#define V(fs, id) ((fs).f[SOHOA_F_##id].value)
#define CHECK_NULL(x) do { const char *x_ = (x); if (x_) { test_failed_checks++; \
	fprintf(stderr, "  %s:%d: %s == \"%s\", expected NULL\n", __FILE__, __LINE__, #x, x_); } } while (0)

/* A commune decision as Tesseract reads it: the two header columns row by
 * row.  Pieces can be replaced for each test. */
struct doc_parts {
	const char *row1, *row2, *row3, *so_row, *after_so, *type, *subject, *body, *footer;
};

static const struct doc_parts qd = {
	"UBND HUYỆN THƯỜNG TÍN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\n",
	"ỦY BAN NHÂN DÂN Độc lập - Tự do - Hạnh phúc\n",
	"XÃ VĂN BÌNH\n",
	"Số: 15/QĐ-UBND Văn Bình, ngày 05 tháng 3 năm 2024\n",
	"",
	"QUYẾT ĐỊNH\n\n",
	"Về việc phê duyệt Kế hoạch sửa chữa giếng khoan cấp nước\nsinh hoạt năm 2024\n\n",
	"ỦY BAN NHÂN DÂN XÃ VĂN BÌNH\n\n"
	"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n\n"
	"Căn cứ Kế hoạch số 12/KH-UBND ngày 10/01/2024 của Ủy ban nhân dân huyện\n"
	"Thường Tín về việc sửa chữa giếng khoan cấp nước sinh hoạt;\n\n"
	"QUYẾT ĐỊNH:\n\n"
	"Điều 1. Phê duyệt Kế hoạch sửa chữa giếng khoan cấp nước sinh hoạt năm 2024\n"
	"trên địa bàn xã Văn Bình.\n\n"
	"Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Ủy ban nhân dân xã Văn Bình\n"
	"và các cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./.\n\n",
	"Nơi nhận: TM. ỦY BAN NHÂN DÂN\n"
	"- Như Điều 3; KT. CHỦ TỊCH\n"
	"- UBND huyện Thường Tín (để b/c); PHÓ CHỦ TỊCH\n"
	"- TT Đảng ủy, TT HĐND xã (để b/c);\n\n"
	"- Lưu: VT, ĐC.\n\n"
	"Nguyễn Văn Hùng\n\f",
};

/* The document of parts p, with the pieces of `over` that are not NULL
 * instead of p's.  Caller frees. */
static char *
build(const struct doc_parts *p, const struct doc_parts *over)
{
	const char *pieces[9];
	size_t len = 1;
	char *s;

#define PICK(i, f) pieces[i] = over && over->f ? over->f : p->f
	PICK(0, row1); PICK(1, row2); PICK(2, row3); PICK(3, so_row); PICK(4, after_so);
	PICK(5, type); PICK(6, subject); PICK(7, body); PICK(8, footer);
#undef PICK
	for (int i = 0; i < 9; i++)
		len += strlen(pieces[i]);
	s = malloc(len);
	if (!s)
		return NULL;
	s[0] = '\0';
	for (int i = 0; i < 9; i++)
		strcat(s, pieces[i]);
	return s;
}

static sohoa_status
extract_parts(const struct doc_parts *over, sohoa_fields *fs)
{
	char *text = build(&qd, over);
	sohoa_status st;

	CHECK(text != NULL);
	if (!text) {
		sohoa_fields_init(fs);
		return SOHOA_FATAL;
	}
	st = extract(text, fs);
	free(text);
	return st;
}

/* "\n" written as a backslash and an n in .expect files. */
static void
unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			*w++ = '\n';
			s++;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* ---- real OCR output -------------------------------------------------- */

/*
 * Each fixture's .expect lists, per field, a mode and the truth:
 *   =  the extraction must give exactly the truth;
 *   ?  OCR lost the field on this scan: empty, or the truth;
 *   *  OCR garbled it: not checked;
 *   -  the page has no such field: it must stay empty.
 */
static int
check_fixture(const char *name)
{
	char path[PATH_MAX + 32], *text, *exp, *line, *save = NULL;
	sohoa_fields fs;
	int checked = 0;

	snprintf(path, sizeof path, "%s/%s.txt", fixture_dir, name);
	text = fx_slurp(path, NULL);
	snprintf(path, sizeof path, "%s/%s.expect", fixture_dir, name);
	exp = fx_slurp(path, NULL);
	CHECKM(text && exp, name);
	if (!text || !exp) {
		free(text);
		free(exp);
		return 0;
	}
	CHECK_INT(extract(text, &fs), SOHOA_OK);
	for (line = exp; line && *line; line = save) {
		char *nl = strchr(line, '\n'), *field, *mode, *truth;
		sohoa_field_id id;
		const char *got;

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		if (line[0] == '#' || !line[0])
			continue;
		field = line;
		mode = strchr(field, '\t');
		CHECKM(mode != NULL, line);
		if (!mode)
			continue;
		*mode++ = '\0';
		truth = strchr(mode, '\t');
		if (truth) {
			*truth++ = '\0';
			unescape(truth);
		}
		id = sohoa_field_from_name(field);
		CHECKM(id != SOHOA_F_COUNT, field);
		if (id == SOHOA_F_COUNT)
			continue;
		got = fs.f[id].value;
		checked++;
		if (!strcmp(mode, "=")) {
			if (!got || strcmp(got, truth)) {
				test_failed_checks++;
				fprintf(stderr, "  %s %s: got \"%s\", expected \"%s\"\n", name, field,
				    got ? got : "(null)", truth);
			}
		} else if (!strcmp(mode, "?")) {
			if (got && strcmp(got, truth)) {
				test_failed_checks++;
				fprintf(stderr, "  %s %s: got \"%s\", expected \"%s\" or nothing\n", name,
				    field, got, truth);
			}
		} else if (!strcmp(mode, "-")) {
			if (got) {
				test_failed_checks++;
				fprintf(stderr, "  %s %s: got \"%s\", expected nothing (not on the page)\n",
				    name, field, got);
			}
		}
		if (got) {
			CHECK(fs.f[id].confidence > 0 && fs.f[id].confidence <= 1);
			CHECK_STR(fs.f[id].source, "ocr");
		}
	}
	sohoa_fields_release(&fs);
	free(text);
	free(exp);
	return checked;
}

static void
test_fixtures(void)
{
	DIR *dir = opendir(fixture_dir);
	struct dirent *de;
	int docs = 0, fields = 0;

	CHECKM(dir != NULL, fixture_dir);
	if (!dir)
		return;
	while ((de = readdir(dir)) != NULL) {
		size_t n = strlen(de->d_name);
		char name[256];
		if (n < 8 || strcmp(de->d_name + n - 7, ".expect") || n - 7 >= sizeof name)
			continue;
		memcpy(name, de->d_name, n - 7);
		name[n - 7] = '\0';
		fields += check_fixture(name);
		docs++;
	}
	closedir(dir);
	CHECK(docs >= 12);
	CHECK(fields >= 12 * 15);
}

/* Concrete values of some fixtures, spelled out. */
static void
test_fixture_decision(void)
{
	char path[PATH_MAX + 32], *text;
	sohoa_fields fs;

	/* A decision signed "TM. ỦY BAN NHÂN DÂN / Q. CHỦ TỊCH"; the signer's
	 * surname read without its stroke ("Dinh Hữu Trọng") comes back from
	 * the list of name syllables, flagged for review. */
	snprintf(path, sizeof path, "%s/qd-043-2023.txt", fixture_dir);
	CHECK((text = fx_slurp(path, NULL)) != NULL);
	if (!text)
		return;
	CHECK_INT(extract(text, &fs), SOHOA_OK);
	CHECK_STR(V(fs, CODE_NUMBER), "43");
	CHECK_STR(V(fs, CODE_NOTATION), "QĐ-UBND");
	CHECK_STR(V(fs, ISSUED_DATE), "2023-02-02");
	CHECK_STR(V(fs, TYPE_NAME), "02");
	CHECK_STR(V(fs, ORGAN_NAME), "ỦY BAN NHÂN DÂN PHƯỜNG KIM LIÊN");
	CHECK_NULL(V(fs, PARENT_ORGAN));
	CHECK_STR(V(fs, PLACE_NAME), "Kim Liên");
	CHECK_STR(V(fs, SUBJECT), "Về việc phê duyệt dự toán kinh phí phòng chống ngập úng");
	CHECK_STR(V(fs, SIGNER_AUTHORITY), "Q.");
	CHECK_STR(V(fs, SIGNER_POSITION), "CHỦ TỊCH");
	CHECK_STR(V(fs, SIGNER_NAME), "Đinh Hữu Trọng");
	CHECK(fs.f[SOHOA_F_SIGNER_NAME].confidence < SOHOA_EXTRACT_REVIEW);
	CHECK_NULL(V(fs, URGENCY));
	CHECK_NULL(V(fs, SECRECY));
	CHECK_NULL(V(fs, TTHC_CODE));
	sohoa_fields_release(&fs);
	free(text);
}

static void
test_fixture_cong_van(void)
{
	char path[PATH_MAX + 32], *text;
	sohoa_fields fs;

	/* A Công văn over two pages (the footer on page 2), urgent ("HỎA
	 * TỐC"), with a cơ quan chủ quản. */
	snprintf(path, sizeof path, "%s/cv-060-2019.txt", fixture_dir);
	CHECK((text = fx_slurp(path, NULL)) != NULL);
	if (!text)
		return;
	CHECK(strchr(text, '\f') != NULL);
	CHECK_INT(extract(text, &fs), SOHOA_OK);
	CHECK_STR(V(fs, TYPE_NAME), "22");
	CHECK_STR(V(fs, CODE_NUMBER), "60");
	CHECK_STR(V(fs, CODE_NOTATION), "UBND-ĐC");
	CHECK_STR(V(fs, PARENT_ORGAN), "UBND HUYỆN GIA LÂM");
	CHECK_STR(V(fs, ORGAN_NAME), "ỦY BAN NHÂN DÂN XÃ BÁT TRÀNG");
	CHECK_STR(V(fs, URGENCY), "Hỏa tốc");
	CHECK_NULL(V(fs, SECRECY));
	CHECK_STR(V(fs, SIGNER_AUTHORITY), "TM.");
	CHECK_STR(V(fs, SIGNER_POSITION), "CHỦ TỊCH");
	CHECK(V(fs, RECIPIENTS) && !strncmp(V(fs, RECIPIENTS), "Như trên\n", 9));
	sohoa_fields_release(&fs);
	free(text);
}

static void
test_fixture_bien_ban(void)
{
	char path[PATH_MAX + 32], *text;
	sohoa_fields fs;

	/* A Biên bản: no authority marker, "THƯ KÝ CHỦ TRÌ" and then both
	 * names ("Lê Hữu Cường Ngô Đình Tuấn") on one line each; the signer
	 * is the one on the right (chủ trì); no nơi nhận.  Stamped "MẬT". */
	snprintf(path, sizeof path, "%s/bb-058-2019.txt", fixture_dir);
	CHECK((text = fx_slurp(path, NULL)) != NULL);
	if (!text)
		return;
	CHECK_INT(extract(text, &fs), SOHOA_OK);
	CHECK_STR(V(fs, TYPE_NAME), "20");
	CHECK_STR(V(fs, SECRECY), "Mật");
	CHECK_NULL(V(fs, SIGNER_AUTHORITY));
	CHECK_STR(V(fs, SIGNER_POSITION), "CHỦ TRÌ");
	CHECK_STR(V(fs, SIGNER_NAME), "Ngô Đình Tuấn");
	CHECK_NULL(V(fs, RECIPIENTS));
	sohoa_fields_release(&fs);
	free(text);
}

/* ---- hand-written OCR damage ----------------------------------------- */

static void
test_clean_decision(void)
{
	sohoa_fields fs;

	CHECK_INT(extract_parts(NULL, &fs), SOHOA_OK);
	CHECK_STR(V(fs, PARENT_ORGAN), "UBND HUYỆN THƯỜNG TÍN");
	CHECK_STR(V(fs, ORGAN_NAME), "ỦY BAN NHÂN DÂN XÃ VĂN BÌNH");
	CHECK_STR(V(fs, CODE_NUMBER), "15");
	CHECK_STR(V(fs, CODE_NOTATION), "QĐ-UBND");
	CHECK_STR(V(fs, PLACE_NAME), "Văn Bình");
	CHECK_STR(V(fs, ISSUED_DATE), "2024-03-05");
	CHECK_STR(V(fs, TYPE_NAME), "02");
	CHECK(fs.f[SOHOA_F_TYPE_NAME].confidence >= 0.9);     /* line and ký hiệu agree */
	/* Joined across the line break, "Về việc" kept. */
	CHECK_STR(V(fs, SUBJECT), "Về việc phê duyệt Kế hoạch sửa chữa giếng khoan cấp nước sinh "
	    "hoạt năm 2024");
	CHECK_STR(V(fs, SIGNER_AUTHORITY), "KT.");
	CHECK_STR(V(fs, SIGNER_POSITION), "PHÓ CHỦ TỊCH");
	CHECK_STR(V(fs, SIGNER_NAME), "Nguyễn Văn Hùng");
	CHECK_STR(V(fs, RECIPIENTS), "Như Điều 3\nUBND huyện Thường Tín (để b/c)\n"
	    "TT Đảng ủy, TT HĐND xã (để b/c)\nLưu: VT, ĐC");
	CHECK_NULL(V(fs, SECRECY));
	CHECK_NULL(V(fs, URGENCY));
	CHECK_NULL(V(fs, TTHC_CODE));
	for (int i = 0; i < SOHOA_F_COUNT; i++)
		if (fs.f[i].value) {
			CHECK_STR(fs.f[i].source, "ocr");
			CHECK(fs.f[i].confidence > 0 && fs.f[i].confidence <= 1);
		}
	/* Fields extraction never reads stay empty. */
	CHECK_NULL(V(fs, LANGUAGE));
	CHECK_NULL(V(fs, MAINTENANCE));
	sohoa_fields_release(&fs);
}

/* "Số" as OCR reads it, stray spaces and doubled letters in the ký hiệu. */
static void
test_number_variants(void)
{
	static const struct {
		const char *row, *number, *notation;
	} cases[] = {
		{ "Số: 15/QĐ-UBND Văn Bình, ngày 05 tháng 3 năm 2024\n", "15", "QĐ-UBND" },
		{ "S6: 15/QĐ-UBND Văn Bình, ngày 05 tháng 3 năm 2024\n", "15", "QĐ-UBND" },
		{ "Sô: 15/QĐ-UBND Văn Bình, ngày 05 tháng 3 năm 2024\n", "15", "QĐ-UBND" },
		{ "So: 15/QĐ-UBND Văn Bình, ngày 05 tháng 3 năm 2024\n", "15", "QĐ-UBND" },
		{ "So 15/QĐ-UBND Văn Bình, ngày 05 tháng 3 năm 2024\n", "15", "QĐ-UBND" },
		{ "Số : 15 / QĐ-UBND Văn Bình, ngày 05 tháng 3 năm 2024\n", "15", "QĐ-UBND" },
		{ "Số: 15/ QĐ - UBND Văn Bình, ngày 05 tháng 3 năm 2024\n", "15", "QĐ-UBND" },
		{ "Số: 15/QĐÐ-UBND Văn Bình, ngày 05 tháng 3 năm 2024\n", "15", "QĐ-UBND" },
		{ "Số: 15/QĐĐ-UBND Văn Bình, ngày 05 tháng 3 năm 2024\n", "15", "QĐ-UBND" },
		{ "Số: 15/QÐ-UBND Văn Bình, ngày 05 tháng 3 năm 2024\n", "15", "QĐ-UBND" },
		{ "Số: 15/QD-UBND Văn Bình, ngày 05 tháng 3 năm 2024\n", "15", "QĐ-UBND" },
		{ "Số: 15/QB-UBND Văn Bình, ngày 05 tháng 3 năm 2024\n", "15", "QĐ-UBND" },
		{ "_ §ố: 15/QĐ-UBND_ ` Văn Bình, ngày 05 tháng 3 năm 2024\n", "15", "QĐ-UBND" },
		{ "Số: 1O5/QĐ-UBND Văn Bình, ngày 05 tháng 3 năm 2024\n", "105", "QĐ-UBND" },
		{ "Số: 01/2024/QĐ-UBND Văn Bình, ngày 05 tháng 3 năm 2024\n", "01", "2024/QĐ-UBND" },
		/* The number is written by hand on paper originals: left blank. */
		{ "Số:      /QĐ-UBND Văn Bình, ngày 05 tháng 3 năm 2024\n", NULL, "QĐ-UBND" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct doc_parts over = { 0 };
		sohoa_fields fs;
		int before = test_failed_checks;

		over.so_row = cases[i].row;
		CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
		if (cases[i].number)
			CHECK_STR(V(fs, CODE_NUMBER), cases[i].number);
		else
			CHECK_NULL(V(fs, CODE_NUMBER));
		CHECK_STR(V(fs, CODE_NOTATION), cases[i].notation);
		CHECK_STR(V(fs, ISSUED_DATE), "2024-03-05");
		CHECK_STR(V(fs, PLACE_NAME), "Văn Bình");
		CHECK_STR(V(fs, TYPE_NAME), "02");
		if (test_failed_checks != before)
			fprintf(stderr, "  (case %zu: %s)\n", i, cases[i].row);
		sohoa_fields_release(&fs);
	}
}

/* The header read without any diacritics: the names get them back from
 * the body, the fixed phrases from their canonical spelling. */
static void
test_header_without_diacritics(void)
{
	struct doc_parts over = { 0 };
	sohoa_fields fs;

	over.row1 = "UBND HUYEN THUONG TIN CONG HOA XA HOI CHU NGHIA VIET NAM\n\n";
	over.row2 = "UY BAN NHAN DAN Doc lap - Tu do - Hanh phuc\n";
	over.row3 = "XA VAN BINH\n";
	over.so_row = "So: 15/QD-UBND Van Binh, ngay 05 thang 3 nam 2024\n";
	over.type = "QUYET DINH\n\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, ORGAN_NAME), "ỦY BAN NHÂN DÂN XÃ VĂN BÌNH");
	CHECK_STR(V(fs, PARENT_ORGAN), "UBND HUYỆN THƯỜNG TÍN");
	CHECK_STR(V(fs, PLACE_NAME), "Văn Bình");
	CHECK_STR(V(fs, ISSUED_DATE), "2024-03-05");
	CHECK_STR(V(fs, CODE_NUMBER), "15");
	CHECK_STR(V(fs, CODE_NOTATION), "QĐ-UBND");
	CHECK_STR(V(fs, TYPE_NAME), "02");
	/* Put back from the document, so for review. */
	CHECK(fs.f[SOHOA_F_ORGAN_NAME].confidence < 0.9);
	sohoa_fields_release(&fs);
}

/* Tesseract may also read the left column whole, then the right one. */
static void
test_columns_one_after_the_other(void)
{
	const char *text =
	    "UBND HUYỆN THƯỜNG TÍN\n"
	    "ỦY BAN NHÂN DÂN\n"
	    "XÃ VĂN BÌNH\n"
	    "Số: 7/TB-UBND\n\n"
	    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
	    "Độc lập - Tự do - Hạnh phúc\n\n"
	    "Văn Bình, ngày 14 tháng 11 năm 2023\n\n"
	    "THÔNG BÁO\n"
	    "Về việc tạm dừng cấp nước\n\n"
	    "Ủy ban nhân dân xã Văn Bình thông báo như sau:\n";
	sohoa_fields fs;

	CHECK_INT(extract(text, &fs), SOHOA_OK);
	CHECK_STR(V(fs, PARENT_ORGAN), "UBND HUYỆN THƯỜNG TÍN");
	CHECK_STR(V(fs, ORGAN_NAME), "ỦY BAN NHÂN DÂN XÃ VĂN BÌNH");
	CHECK_STR(V(fs, CODE_NUMBER), "7");
	CHECK_STR(V(fs, CODE_NOTATION), "TB-UBND");
	CHECK_STR(V(fs, ISSUED_DATE), "2023-11-14");
	CHECK_STR(V(fs, PLACE_NAME), "Văn Bình");
	/* Thông báo (07), not Thông cáo (06), one letter away. */
	CHECK_STR(V(fs, TYPE_NAME), "07");
	CHECK_STR(V(fs, SUBJECT), "Về việc tạm dừng cấp nước");
	sohoa_fields_release(&fs);
}

/* NFD input and the new tone placement ("Uỷ"): NFC out, fixed phrases in
 * their canonical spelling, the trích yếu as printed. */
static void
test_nfd_and_tone_placement(void)
{
	struct doc_parts over = { 0 };
	sohoa_fields fs;

	over.row2 = "UỶ BAN NHÂN DÂN Độc lập - Tự do - Hạnh phúc\n";
	/* "Về việc tiếp nhận hòa giải", decomposed (NFD). */
	over.subject = "Ve\xcc\x82\xcc\x80 vie\xcc\xa3\xcc\x82\x63 tie\xcc\x82\xcc\x81p "
	    "nha\xcc\xa3\xcc\x82n ho\xcc\x80\x61 gia\xcc\x89i\n\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, ORGAN_NAME), "ỦY BAN NHÂN DÂN XÃ VĂN BÌNH");
	CHECK_STR(V(fs, SUBJECT), "Về việc tiếp nhận hòa giải");
	sohoa_fields_release(&fs);
	/* The new tone placement is kept as printed. */
	over.subject = "Về việc tiếp nhận hoà giải\n\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, SUBJECT), "Về việc tiếp nhận hoà giải");
	sohoa_fields_release(&fs);
}

static void
test_cong_van(void)
{
	const char *text =
	    "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\n"
	    "PHƯỜNG KIM LIÊN Độc lập - Tự do - Hạnh phúc\n"
	    "Số: 112/UBND-VX Kim Liên, ngày 21 tháng 5 năm 2024\n"
	    "V/v đôn đốc diệt ốc bươu vàng\n"
	    "trên đồng ruộng\n"
	    "KHẨN\n\n"
	    "Kính gửi: - Các ban, ngành, đoàn thể phường;\n"
	    "- Trưởng các tổ dân phố.\n\n"
	    "Thực hiện Kế hoạch số 45/KH-UBND ngày 04/05/2024 của Ủy ban nhân dân\n"
	    "quận Đống Đa về diệt ốc bươu vàng trên đồng ruộng, đề nghị các đơn vị:\n\n"
	    "Nơi nhận: KT. CHỦ TỊCH\n"
	    "- Như trên; PHÓ CHỦ TỊCH\n"
	    "- Lưu: VT, VX.\n\n"
	    "Lê Thị Hạnh\n";
	sohoa_fields fs;

	CHECK_INT(extract(text, &fs), SOHOA_OK);
	CHECK_STR(V(fs, TYPE_NAME), "22");
	CHECK_STR(V(fs, CODE_NUMBER), "112");
	CHECK_STR(V(fs, CODE_NOTATION), "UBND-VX");
	/* Without "V/v ", joined across the line break. */
	CHECK_STR(V(fs, SUBJECT), "đôn đốc diệt ốc bươu vàng trên đồng ruộng");
	CHECK_STR(V(fs, URGENCY), "Khẩn");
	CHECK_NULL(V(fs, SECRECY));
	CHECK_NULL(V(fs, PARENT_ORGAN));
	CHECK_STR(V(fs, ORGAN_NAME), "ỦY BAN NHÂN DÂN PHƯỜNG KIM LIÊN");
	CHECK_STR(V(fs, SIGNER_AUTHORITY), "KT.");
	CHECK_STR(V(fs, SIGNER_POSITION), "PHÓ CHỦ TỊCH");
	CHECK_STR(V(fs, SIGNER_NAME), "Lê Thị Hạnh");
	CHECK_STR(V(fs, RECIPIENTS), "Như trên\nLưu: VT, VX");
	sohoa_fields_release(&fs);
}

/* A page without some fields: they stay empty, whatever else the text
 * holds (dates and numbers in the body, a "Kính gửi" in a Tờ trình). */
static void
test_absent_fields_stay_empty(void)
{
	const char *text =
	    "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\n"
	    "XÃ MINH PHÚ Độc lập - Tự do - Hạnh phúc\n\n"
	    "TỜ TRÌNH\n"
	    "Về việc đề nghị phê duyệt chủ trương nạo vét kênh\n\n"
	    "Kính gửi: Hội đồng nhân dân xã Minh Phú.\n\n"
	    "Căn cứ Quyết định số 15/QĐ-UBND ngày 05 tháng 3 năm 2024 của Ủy ban nhân dân\n"
	    "huyện Sóc Sơn; Thông báo số 7/TB-UBND ngày 14/11/2023;\n\n"
	    "Ủy ban nhân dân xã kính trình Hội đồng nhân dân xã xem xét, quyết định./.\n";
	sohoa_fields fs;

	CHECK_INT(extract(text, &fs), SOHOA_OK);
	CHECK_STR(V(fs, ORGAN_NAME), "ỦY BAN NHÂN DÂN XÃ MINH PHÚ");
	CHECK_STR(V(fs, TYPE_NAME), "15");
	CHECK_STR(V(fs, SUBJECT), "Về việc đề nghị phê duyệt chủ trương nạo vét kênh");
	/* No "Số:" and no date line in the header: the body's are not taken. */
	CHECK_NULL(V(fs, CODE_NUMBER));
	CHECK_NULL(V(fs, CODE_NOTATION));
	CHECK_NULL(V(fs, ISSUED_DATE));
	CHECK_NULL(V(fs, PLACE_NAME));
	CHECK_NULL(V(fs, PARENT_ORGAN));
	CHECK_NULL(V(fs, SECRECY));
	CHECK_NULL(V(fs, URGENCY));
	CHECK_NULL(V(fs, SIGNER_AUTHORITY));
	CHECK_NULL(V(fs, SIGNER_POSITION));
	CHECK_NULL(V(fs, SIGNER_NAME));
	CHECK_NULL(V(fs, RECIPIENTS));
	CHECK_NULL(V(fs, TTHC_CODE));
	sohoa_fields_release(&fs);
}

/* Other issuers and numbering: a department under a province (two organs,
 * each on one line) with a real-life notation, and a People's Council's
 * normative resolution. */
static void
test_other_issuers(void)
{
	const char *so =
	    "UBND TỈNH THANH HÓA CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
	    "SỞ THÔNG TIN VÀ TRUYỀN THÔNG Độc lập - Tự do - Hạnh phúc\n\n"
	    "Số: 686 /STTT-CNTT&BCVT Thanh Hóa, ngày 02 tháng 4 năm 2024\n"
	    "V/v triển khai chữ ký số\n\n"
	    "Kính gửi: Các sở, ban, ngành cấp tỉnh.\n\n"
	    "Nơi nhận: KT. GIÁM ĐỐC\n- Như trên; PHÓ GIÁM ĐỐC\n- Lưu: VT, CNTT.\n\n"
	    "Lê Quang Minh\n";
	const char *nq =
	    "HỘI ĐỒNG NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
	    "XÃ VĂN BÌNH Độc lập - Tự do - Hạnh phúc\n\n"
	    "Số: 05/2024/NQ-HĐND Văn Bình, ngày 20 tháng 12 năm 2024\n\n"
	    "NGHỊ QUYẾT\n"
	    "Về dự toán ngân sách xã năm 2025\n\n"
	    "HỘI ĐỒNG NHÂN DÂN XÃ VĂN BÌNH\n"
	    "KHÓA XX, KỲ HỌP THỨ 10\n\n"
	    "Căn cứ Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015;\n\n"
	    "Nơi nhận: CHỦ TỊCH\n- TT HĐND huyện;\n- Lưu: VT.\n\nNguyễn Văn Hùng\n";
	sohoa_fields fs;

	CHECK_INT(extract(so, &fs), SOHOA_OK);
	CHECK_STR(V(fs, PARENT_ORGAN), "UBND TỈNH THANH HÓA");
	CHECK_STR(V(fs, ORGAN_NAME), "SỞ THÔNG TIN VÀ TRUYỀN THÔNG");
	CHECK_STR(V(fs, CODE_NUMBER), "686");
	CHECK_STR(V(fs, CODE_NOTATION), "STTT-CNTT&BCVT");
	CHECK_STR(V(fs, PLACE_NAME), "Thanh Hóa");
	CHECK_STR(V(fs, ISSUED_DATE), "2024-04-02");
	CHECK_STR(V(fs, TYPE_NAME), "22");
	CHECK_STR(V(fs, SUBJECT), "triển khai chữ ký số");
	CHECK_STR(V(fs, SIGNER_AUTHORITY), "KT.");
	CHECK_STR(V(fs, SIGNER_POSITION), "PHÓ GIÁM ĐỐC");
	CHECK_STR(V(fs, SIGNER_NAME), "Lê Quang Minh");
	sohoa_fields_release(&fs);

	CHECK_INT(extract(nq, &fs), SOHOA_OK);
	CHECK_NULL(V(fs, PARENT_ORGAN));
	CHECK_STR(V(fs, ORGAN_NAME), "HỘI ĐỒNG NHÂN DÂN XÃ VĂN BÌNH");
	CHECK_STR(V(fs, CODE_NUMBER), "05");
	CHECK_STR(V(fs, CODE_NOTATION), "2024/NQ-HĐND");
	CHECK_STR(V(fs, TYPE_NAME), "01");
	CHECK(fs.f[SOHOA_F_TYPE_NAME].confidence >= 0.9);
	CHECK_STR(V(fs, SUBJECT), "Về dự toán ngân sách xã năm 2025");
	CHECK_NULL(V(fs, SIGNER_AUTHORITY));
	CHECK_STR(V(fs, SIGNER_POSITION), "CHỦ TỊCH");
	CHECK_STR(V(fs, SIGNER_NAME), "Nguyễn Văn Hùng");
	sohoa_fields_release(&fs);
}

/* Organ lines OCR lost: the body's name alone is no organ; a commune's
 * locality alone is kept but flagged for review. */
static void
test_organ_lines_lost(void)
{
	struct doc_parts over = { 0 };
	sohoa_fields fs;

	over.row1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\n";
	over.row3 = "~ . ¬\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_NULL(V(fs, ORGAN_NAME));
	CHECK_NULL(V(fs, PARENT_ORGAN));
	CHECK_STR(V(fs, CODE_NUMBER), "15");
	sohoa_fields_release(&fs);

	over.row2 = "_ : Độc lập - Tự do - Hạnh phúc\n";
	over.row3 = "XÃ VĂN BÌNH\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, ORGAN_NAME), "XÃ VĂN BÌNH");
	CHECK(fs.f[SOHOA_F_ORGAN_NAME].confidence < SOHOA_EXTRACT_REVIEW);
	sohoa_fields_release(&fs);
}

/* A header whose date OCR lost: the dates of the body's sentences are no
 * date of issue, even when the body's opening word is damaged too. */
static void
test_body_dates_are_not_the_date(void)
{
	const char *text =
	    "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\n"
	    "XÃ TÂN HỘI Độc lập - Tự do - Hạnh phúc\n"
	    "Số: 59/QĐ-UBND ~ ¬ ., ... ¬\n"
	    "ae - - QUYÊT) ĐỊNH P\n"
	    "Về việc phê duyệt Kế hoạch hạn chế đồ nhựa\n\n"
	    "Căn ‘cur Luật Tổ chức chính quyền địa phương ngày 19 tháng. 6 năm 2015;\n"
	    "Luật sửa đổi ngày 22 tháng 11 năm 2019;\n";
	sohoa_fields fs;

	CHECK_INT(extract(text, &fs), SOHOA_OK);
	CHECK_STR(V(fs, CODE_NUMBER), "59");
	CHECK_NULL(V(fs, ISSUED_DATE));
	CHECK_NULL(V(fs, PLACE_NAME));
	sohoa_fields_release(&fs);
}

/* Tabs and no-break spaces inside a value become one space. */
static void
test_spaces(void)
{
	struct doc_parts over = { 0 };
	sohoa_fields fs;

	over.subject = "Về\xc2\xa0việc  phê duyệt\tKế hoạch\n\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, SUBJECT), "Về việc phê duyệt Kế hoạch");
	sohoa_fields_release(&fs);
}

static void
test_stamps(void)
{
	static const struct {
		const char *lines, *secrecy, *urgency;
	} cases[] = {
		{ "KHẨN\n", NULL, "Khẩn" },
		{ "THƯỢNG KHẨN\n", NULL, "Thượng khẩn" },
		{ "HỎA TỐC\n", NULL, "Hỏa tốc" },
		{ "HOẢ TỐC\n", NULL, "Hỏa tốc" },
		{ "| MẬT |\n", "Mật", NULL },
		{ "TỐI MẬT\n\nKHAN\n", "Tối mật", "Khẩn" },
		{ "TUYỆT MẬT\n", "Tuyệt mật", NULL },
		/* Not a stamp: the word inside a sentence. */
		{ "Bảo mật thông tin khẩn trương\n", NULL, NULL },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct doc_parts over = { 0 };
		sohoa_fields fs;

		over.after_so = cases[i].lines;
		CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
		if (cases[i].secrecy)
			CHECK_STR(V(fs, SECRECY), cases[i].secrecy);
		else
			CHECK_NULL(V(fs, SECRECY));
		if (cases[i].urgency)
			CHECK_STR(V(fs, URGENCY), cases[i].urgency);
		else
			CHECK_NULL(V(fs, URGENCY));
		CHECK_STR(V(fs, TYPE_NAME), "02");
		sohoa_fields_release(&fs);
	}
}

static void
test_signature_blocks(void)
{
	static const struct {
		const char *footer, *authority, *position, *name;
	} cases[] = {
		{ "Nơi nhận: TM. ỦY BAN NHÂN DÂN\n- Như Điều 3; CHỦ TỊCH\n- Lưu: VT.\n\n"
		  "Trần Văn Nam\n", "TM.", "CHỦ TỊCH", "Trần Văn Nam" },
		{ "Nơi nhận: TM. ỦY BAN NHÂN DÂN\n- Như Điều 3; Q. CHỦ TỊCH\n- Lưu: VT.\n\n"
		  "Trần Văn Nam\n", "Q.", "CHỦ TỊCH", "Trần Văn Nam" },
		{ "Nơi nhận: TL. CHỦ TỊCH\n- Như trên; CHÁNH VĂN PHÒNG\n- Lưu: VT.\n\n"
		  "Đỗ Thị Mai\n", "TL.", "CHÁNH VĂN PHÒNG", "Đỗ Thị Mai" },
		{ "Nơi nhận: TUQ. CHỦ TỊCH\n- Như trên; TRƯỞNG PHÒNG TÀI CHÍNH\n- Lưu: VT.\n\n"
		  "Bùi Quang Huy\n", "TUQ.", "TRƯỞNG PHÒNG TÀI CHÍNH", "Bùi Quang Huy" },
		/* The chairman signing himself: no marker. */
		{ "Nơi nhận: CHỦ TỊCH\n- Như Điều 3;\n- Lưu: VT.\n\nTrần Văn Nam\n",
		  NULL, "CHỦ TỊCH", "Trần Văn Nam" },
		/* The marker read without its dot, titles without diacritics. */
		{ "Nơi nhận: TM. ỦY BAN NHÂN DÂN\n- Như Điều 3; KT CHU TICH\n"
		  "- UBND huyện (để b/c); PHO CHU TICH\n- Lưu: VT.\n\nTrần Văn Nam\n",
		  "KT.", "PHÓ CHỦ TỊCH", "Trần Văn Nam" },
		/* Signature scribbles read as text before the name. */
		{ "Nơi nhận: KT. CHỦ TỊCH\n- Như trên; PHÓ CHỦ TỊCH\n- Lưu: VT.\n\n/\\J\\N__\n\n"
		  "“N\\A So.\n\n:: Hoàng Minh Đức:\n", "KT.", "PHÓ CHỦ TỊCH", "Hoàng Minh Đức" },
		/* The name's first letters under the seal: no name rather than a
		 * wrong one. */
		{ "Nơi nhận: KT. CHỦ TỊCH\n- Như trên; PHÓ CHỦ TỊCH\n- Lưu: VT.\n\n"
		  "inh Dinh Ding\n", "KT.", "PHÓ CHỦ TỊCH", NULL },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct doc_parts over = { 0 };
		sohoa_fields fs;
		int before = test_failed_checks;

		over.footer = cases[i].footer;
		CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
		if (cases[i].authority)
			CHECK_STR(V(fs, SIGNER_AUTHORITY), cases[i].authority);
		else
			CHECK_NULL(V(fs, SIGNER_AUTHORITY));
		CHECK_STR(V(fs, SIGNER_POSITION), cases[i].position);
		if (cases[i].name)
			CHECK_STR(V(fs, SIGNER_NAME), cases[i].name);
		else
			CHECK_NULL(V(fs, SIGNER_NAME));
		if (test_failed_checks != before)
			fprintf(stderr, "  (case %zu)\n", i);
		sohoa_fields_release(&fs);
	}
}

/* A name read without diacritics: from the body when it is there, else
 * from the list of name syllables, flagged for review either way. */
static void
test_signer_name_diacritics(void)
{
	struct doc_parts over = { 0 };
	sohoa_fields fs;

	over.footer = "Nơi nhận: KT. CHỦ TỊCH\n- Như trên; PHÓ CHỦ TỊCH\n- Lưu: VT.\n\n"
	    "Dang Thi Ngoc Van\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, SIGNER_NAME), "Đặng Thị Ngọc Vân");
	CHECK(fs.f[SOHOA_F_SIGNER_NAME].confidence < SOHOA_EXTRACT_REVIEW);
	sohoa_fields_release(&fs);

	/* "Văn" in the middle of a man's name, "Vân" as a woman's given name;
	 * wrong marks ("Hiéu") and a surname one letter off ("Phing"). */
	over.footer = "Nơi nhận: KT. CHỦ TỊCH\n- Như trên; PHÓ CHỦ TỊCH\n- Lưu: VT.\n\n"
	    "Phing Van Hiéu\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, SIGNER_NAME), "Phùng Văn Hiếu");
	sohoa_fields_release(&fs);

	/* The same name printed elsewhere in the document wins. */
	over.body = "Thành lập Tổ công tác gồm:\n1. Bà Đàm Thị Thanh Tâm - Phó Chủ tịch - Tổ trưởng;\n\n";
	over.footer = "Nơi nhận: KT. CHỦ TỊCH\n- Như trên; PHÓ CHỦ TỊCH\n- Lưu: VT.\n\n"
	    "Dam Thi Thanh Tam\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, SIGNER_NAME), "Đàm Thị Thanh Tâm");
	sohoa_fields_release(&fs);

	/* A letter misread in the signature block (make eval, bb-092-2021:
	 * "Vũ" read "Vi" beside the secretary's name), the person named in
	 * the body: the body's spelling, for review. */
	over.body = "1. Chủ trì: Bà Vũ Thị Loan - Chủ tịch UBND phường.\n"
	    "2. Thư ký: Bà Phạm Thị Nhung - Công chức Văn phòng - Thống kê.\n\n";
	over.footer = "Nơi nhận: KT. CHỦ TỊCH\n- Như trên; PHÓ CHỦ TỊCH\n- Lưu: VT.\n\n"
	    "~S \\pn/ A\n\nVi Thi Loan\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, SIGNER_NAME), "Vũ Thị Loan");
	CHECK(fs.f[SOHOA_F_SIGNER_NAME].confidence < SOHOA_EXTRACT_REVIEW);
	sohoa_fields_release(&fs);

	/* Two people in the body a letter away from it: neither is taken. */
	over.body = "1. Chủ trì: Bà Vũ Thị Loan - Chủ tịch UBND phường.\n"
	    "2. Thư ký: Bà Võ Thị Loan - Công chức Văn phòng - Thống kê.\n\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, SIGNER_NAME), "Vi Thị Loan");
	sohoa_fields_release(&fs);

	/* Another given name is another person. */
	over.body = "1. Chủ trì: Bà Vũ Thị Lan - Chủ tịch UBND phường.\n\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, SIGNER_NAME), "Vi Thị Loan");
	sohoa_fields_release(&fs);
}

static void
test_recipients(void)
{
	struct doc_parts over = { 0 };
	sohoa_fields fs;

	/* Right-column text and signature scribbles on the recipients' lines,
	 * a recipient running over two lines, OCR junk after the ';'. */
	over.footer = "Nơi nhận: TM. ỦY BAN NHÂN DÂN\n"
	    "- Như Điều 3; KT. CHỦ TỊCH\n"
	    "- UBND huyện Thường Tín (để b/c); F\n"
	    "- Các ban, ngành, đoàn thể và các tổ chức\n"
	    "chính trị - xã hội của xã; PHÓ CHỦ TỊCH\n\n"
	    "- Lưu: VT, ĐC. /Z`ẢA/\n\n"
	    "Nguyễn Văn Hùng\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, RECIPIENTS), "Như Điều 3\nUBND huyện Thường Tín (để b/c)\n"
	    "Các ban, ngành, đoàn thể và các tổ chức chính trị - xã hội của xã\nLưu: VT, ĐC");
	CHECK_STR(V(fs, SIGNER_NAME), "Nguyễn Văn Hùng");
	sohoa_fields_release(&fs);

	/* Small print read without diacritics: the standard phrases of a nơi
	 * nhận get theirs back. */
	over.footer = "Nơi nhận: KT. CHỦ TỊCH\n"
	    "- TT Dang ủy, TT HĐND xã (dé b/c); PHÓ CHỦ TỊCH\n"
	    "- CT, cac PCT UBND xa;\n"
	    "- Luu: VT, ĐC.\n\nNguyễn Văn Hùng\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, RECIPIENTS), "TT Đảng ủy, TT HĐND xã (để b/c)\nCT, các PCT UBND xã\n"
	    "Lưu: VT, ĐC");
	sohoa_fields_release(&fs);

	/* Tesseract's vie reading of short upper-case words: the comma after
	 * one read as ';' (alone or beside the comma), "VT" as "VI", "VE"
	 * glued to the next, "VTF".  The ';' that ends an item still does. */
	over.footer = "Nơi nhận: KT. CHỦ TỊCH\n"
	    "- TT Đảng ủy, TT HĐND xã (để b/c); PHÓ CHỦ TỊCH\n"
	    "- CT; các PCT UBND xã;\n"
	    "- Các thôn;, trên địa bàn;\n"
	    "- Lưu: VI; ĐC.\n\nNguyễn Văn Hùng\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, RECIPIENTS), "TT Đảng ủy, TT HĐND xã (để b/c)\nCT, các PCT UBND xã\n"
	    "Các thôn, trên địa bàn\nLưu: VT, ĐC");
	sohoa_fields_release(&fs);
	over.footer = "Nơi nhận: KT. CHỦ TỊCH\n- Như trên;\n- Lưu: VEVX.\n\nNguyễn Văn Hùng\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, RECIPIENTS), "Như trên\nLưu: VT, VX");
	sohoa_fields_release(&fs);
	over.footer = "Nơi nhận: KT. CHỦ TỊCH\n- Như trên;\n- Lưu: VTF VHXH.\n\nNguyễn Văn Hùng\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, RECIPIENTS), "Như trên\nLưu: VT, VHXH");
	sohoa_fields_release(&fs);
	/* Another unit than the văn thư is left alone. */
	over.footer = "Nơi nhận: KT. CHỦ TỊCH\n- Như trên;\n- Lưu: VP, ĐC.\n\nNguyễn Văn Hùng\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, RECIPIENTS), "Như trên\nLưu: VP, ĐC");
	sohoa_fields_release(&fs);
}

static void
test_tthc_code(void)
{
	static const struct {
		const char *line, *code;
	} cases[] = {
		{ "Mã hồ sơ: 000.00.01.H26-260930-0012\n", "000.00.01.H26-260930-0012" },
		{ "Mã hồ sơ: 000.00.01.h26 - 260930 - 0012\n", "000.00.01.H26-260930-0012" },
		{ "Mã hồ sơ: 000.00.O1.H26-260930-0012\n", "000.00.01.H26-260930-0012" },
		/* Month 13: not a date, not a code. */
		{ "Mã hồ sơ: 000.00.01.H26-261330-0012\n", NULL },
		{ "Số điện thoại: 024.3382.5566\n", NULL },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct doc_parts over = { 0 };
		char body[512];
		sohoa_fields fs;

		snprintf(body, sizeof body, "Căn cứ hồ sơ đề nghị của ông Nguyễn Văn A;\n%s\n",
		    cases[i].line);
		over.body = body;
		CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
		if (cases[i].code)
			CHECK_STR(V(fs, TTHC_CODE), cases[i].code);
		else
			CHECK_NULL(V(fs, TTHC_CODE));
		sohoa_fields_release(&fs);
	}
}

/* Type from the type line, cross-checked with the ký hiệu. */
static void
test_type_cross_check(void)
{
	struct doc_parts over = { 0 };
	sohoa_fields fs;

	/* The type line is lost: the abbreviation says it. */
	over.type = "\n";
	over.subject = "\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, TYPE_NAME), "02");
	CHECK(fs.f[SOHOA_F_TYPE_NAME].confidence < 0.9);
	sohoa_fields_release(&fs);

	/* Both, disagreeing: the type line wins, with less confidence. */
	over.type = "KẾ HOẠCH\n\n";
	over.subject = "Triển khai sửa chữa giếng khoan năm 2024\n\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, TYPE_NAME), "10");
	CHECK(fs.f[SOHOA_F_TYPE_NAME].confidence < 0.7);
	CHECK_STR(V(fs, SUBJECT), "Triển khai sửa chữa giếng khoan năm 2024");
	sohoa_fields_release(&fs);

	/* A damaged type line still reads ("QUYẾT ĐINH", "BIEN BAN"). */
	over.type = "QUYẾT ĐINH\n\n";
	over.subject = NULL;
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, TYPE_NAME), "02");
	sohoa_fields_release(&fs);

	/* Mixed-case abbreviations. */
	over.type = "TỜ TRÌNH\n\n";
	over.so_row = "Số: 15/TTr-UBND Văn Bình, ngày 05 tháng 3 năm 2024\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, TYPE_NAME), "15");
	CHECK_STR(V(fs, CODE_NOTATION), "TTr-UBND");
	sohoa_fields_release(&fs);
}

static void
test_type_helpers(void)
{
	CHECK_STR(sohoa_type_label("02"), "Quyết định");
	CHECK_STR(sohoa_type_label("22"), "Công văn");
	CHECK_STR(sohoa_type_label("32"), "Khác");
	CHECK(sohoa_type_label("33") == NULL);
	CHECK(sohoa_type_label(NULL) == NULL);
	CHECK_STR(sohoa_type_code_from_abbr("QĐ"), "02");
	CHECK_STR(sohoa_type_code_from_abbr("TTr"), "15");
	CHECK_STR(sohoa_type_code_from_abbr("QyĐ"), "05");
	CHECK_STR(sohoa_type_code_from_abbr("HĐ"), "21");
	CHECK_STR(sohoa_type_code_from_abbr("HD"), "08");
	CHECK(sohoa_type_code_from_abbr("UBND") == NULL);
	CHECK(sohoa_type_code_from_abbr(NULL) == NULL);
}

/* Bad input: an error, and out untouched. */
static void
test_bad_input(void)
{
	sohoa_fields fs;
	sohoa_error err;

	sohoa_fields_init(&fs);
	CHECK_INT(sohoa_fields_set(&fs, SOHOA_F_SUBJECT, "kept", "person", 1.0), 0);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_extract_fields("Số: 15/Q\xff-UBND", 14, &fs, &err), SOHOA_BAD_INPUT);
	CHECK(err.msg[0] != '\0');
	CHECK_STR(V(fs, SUBJECT), "kept");
	CHECK_STR(fs.f[SOHOA_F_SUBJECT].source, "person");
	CHECK_NULL(V(fs, CODE_NUMBER));
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_extract_fields(NULL, 3, &fs, &err), SOHOA_BAD_INPUT);
	sohoa_fields_release(&fs);

	/* Empty and blank texts: nothing found, no error. */
	sohoa_fields_init(&fs);
	CHECK_INT(sohoa_extract_fields(NULL, 0, &fs, NULL), SOHOA_OK);
	CHECK_INT(sohoa_extract_fields("", 0, &fs, NULL), SOHOA_OK);
	CHECK_INT(sohoa_extract_fields("\f\f\n \n\f", 6, &fs, NULL), SOHOA_OK);
	for (int i = 0; i < SOHOA_F_COUNT; i++)
		CHECK(fs.f[i].value == NULL);
	sohoa_fields_release(&fs);
}

/* Fields found replace the old values; others (a person's) stay; the
 * input need not be NUL-terminated. */
static void
test_merges_into_out(void)
{
	char *text = build(&qd, NULL);
	char *copy;
	size_t len;
	sohoa_fields fs;

	CHECK(text != NULL);
	if (!text)
		return;
	len = strlen(text);
	copy = malloc(len);
	CHECK(copy != NULL);
	if (!copy) {
		free(text);
		return;
	}
	memcpy(copy, text, len);        /* no NUL at the end */
	sohoa_fields_init(&fs);
	CHECK_INT(sohoa_fields_set(&fs, SOHOA_F_CODE_NUMBER, "99", "person", 1.0), 0);
	CHECK_INT(sohoa_fields_set(&fs, SOHOA_F_LANGUAGE, "01", "config", 1.0), 0);
	CHECK_INT(sohoa_extract_fields(copy, len, &fs, NULL), SOHOA_OK);
	CHECK_STR(V(fs, CODE_NUMBER), "15");
	CHECK_STR(fs.f[SOHOA_F_CODE_NUMBER].source, "ocr");
	CHECK_STR(V(fs, LANGUAGE), "01");
	CHECK_STR(fs.f[SOHOA_F_LANGUAGE].source, "config");
	sohoa_fields_release(&fs);
	free(copy);
	free(text);
}

/* Random OCR-like garbage: always OK, never a crash (run under ASan). */
static void
test_garbage(void)
{
	static const char *const pieces[] = {
		"Số:", "S6", "/", "QĐ", "-", "UBND", " ", " ", "\n", "\n", "\f", "ngày", "tháng",
		"năm", "2024", "15", "05", "KT.", "TM.", "Q.", "CHỦ TỊCH", "Nơi nhận:", "- ",
		";", ".", "V/v", "Kính gửi:", "QUYẾT ĐỊNH", "ỦY BAN NHÂN DÂN", "XÃ", "Văn",
		"Bình", "Nguyễn", "Thị", "ð", "Ð", "\xcc\x81", "ế", "“", "¬", "000.00.01.H26",
		"-260930-", "0012", "CỘNG HÒA XÃ HỘI", "Hạnh phúc", "MẬT", "KHẨN", "(để b/c)",
	};
	unsigned seed = 12345;

	for (int round = 0; round < 300; round++) {
		char text[4096];
		size_t len = 0;
		sohoa_fields fs;
		sohoa_error err;
		int n = 1 + round % 200;

		for (int k = 0; k < n; k++) {
			const char *p;
			size_t pl;
			seed = seed * 1103515245u + 12345u;
			p = pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])];
			pl = strlen(p);
			if (len + pl >= sizeof text)
				break;
			memcpy(text + len, p, pl);
			len += pl;
		}
		sohoa_fields_init(&fs);
		CHECK_INT(sohoa_extract_fields(text, len, &fs, &err), SOHOA_OK);
		for (int i = 0; i < SOHOA_F_COUNT; i++)
			if (fs.f[i].value)
				CHECK(fs.f[i].confidence >= 0 && fs.f[i].confidence <= 1);
		sohoa_fields_release(&fs);
	}
}

/* Every fixture damaged further at random (characters dropped, junk and
 * page breaks inserted): always OK, never a crash (run under ASan). */
static void
test_mutated_fixtures(void)
{
	static const char *const junk[] = {
		"\n", "\f", " ", "Số:", "/", "-", ";", ".", "ð", "\xcc\x81", "KT.", "TM.",
		"V/v", "Nơi nhận:", "- ", "ngày", "tháng", "năm", "9", "CHỦ TỊCH", "“", "|",
	};
	DIR *dir = opendir(fixture_dir);
	struct dirent *de;
	unsigned seed = 7;
	int runs = 0;

	CHECKM(dir != NULL, fixture_dir);
	if (!dir)
		return;
	while ((de = readdir(dir)) != NULL) {
		char path[PATH_MAX + 300], *text;
		size_t n;

		if (strlen(de->d_name) < 5 || strcmp(de->d_name + strlen(de->d_name) - 4, ".txt"))
			continue;
		snprintf(path, sizeof path, "%s/%s", fixture_dir, de->d_name);
		if (!(text = fx_slurp(path, NULL)))
			continue;
		n = strlen(text);
		for (int r = 0; r < 20; r++) {
			char *m = malloc(2 * n + 64);
			size_t mn = 0, i = 0;
			sohoa_fields fs;

			if (!m)
				break;
			while (i < n) {
				size_t cl = 1;
				unsigned char c = (unsigned char)text[i];
				unsigned x;
				if (c >= 0xF0)
					cl = 4;
				else if (c >= 0xE0)
					cl = 3;
				else if (c >= 0xC0)
					cl = 2;
				seed = seed * 1103515245u + 12345u;
				x = (seed >> 16) % 1000;
				if (x < 6) {
					i += cl;        /* dropped */
					continue;
				}
				if (x < 12) {
					const char *j = junk[(seed >> 8) % (sizeof junk / sizeof junk[0])];
					size_t jl = strlen(j);
					if (mn + jl + cl < 2 * n + 64) {
						memcpy(m + mn, j, jl);
						mn += jl;
					}
				}
				memcpy(m + mn, text + i, cl);
				mn += cl;
				i += cl;
			}
			sohoa_fields_init(&fs);
			/* A combining mark inserted first is still valid UTF-8. */
			CHECK_INT(sohoa_extract_fields(m, mn, &fs, NULL), SOHOA_OK);
			sohoa_fields_release(&fs);
			free(m);
			runs++;
		}
		free(text);
	}
	closedir(dir);
	CHECK(runs >= 200);
}

/* A trích yếu OCR made garbage of is still read where a trích yếu is, but
 * its confidence falls under SOHOA_EXTRACT_REVIEW (plausible.h); the same
 * subject read right keeps its 0.9, and so does the issuing body. */
static void
test_implausible_subject(void)
{
	struct doc_parts over = { 0 };
	sohoa_fields fs;

	over.subject = "Vẻ vỉệc pbê duyệt Kẽ hoạcb sửạ cbữa gỉếng kbọan\ncấp nưởc sỉnh hoạt nărn 2024\n\n";
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK(V(fs, SUBJECT) != NULL);
	CHECK(fs.f[SOHOA_F_SUBJECT].confidence < SOHOA_EXTRACT_REVIEW);
	CHECK(fs.f[SOHOA_F_ORGAN_NAME].confidence >= SOHOA_EXTRACT_REVIEW);
	sohoa_fields_release(&fs);
	memset(&over, 0, sizeof over);
	CHECK_INT(extract_parts(&over, &fs), SOHOA_OK);
	CHECK_STR(V(fs, SUBJECT), "Về việc phê duyệt Kế hoạch sửa chữa giếng khoan cấp nước sinh hoạt năm 2024");
	CHECK(fs.f[SOHOA_F_SUBJECT].confidence >= SOHOA_EXTRACT_REVIEW);
	sohoa_fields_release(&fs);
}

int
main(void)
{
	if (fx_fixture_dir(fixture_dir, sizeof fixture_dir, "extract") != 0)
		return 2;
	TEST_RUN(test_fixtures);
	TEST_RUN(test_implausible_subject);
	TEST_RUN(test_fixture_decision);
	TEST_RUN(test_fixture_cong_van);
	TEST_RUN(test_fixture_bien_ban);
	TEST_RUN(test_clean_decision);
	TEST_RUN(test_number_variants);
	TEST_RUN(test_header_without_diacritics);
	TEST_RUN(test_columns_one_after_the_other);
	TEST_RUN(test_nfd_and_tone_placement);
	TEST_RUN(test_cong_van);
	TEST_RUN(test_absent_fields_stay_empty);
	TEST_RUN(test_other_issuers);
	TEST_RUN(test_organ_lines_lost);
	TEST_RUN(test_body_dates_are_not_the_date);
	TEST_RUN(test_spaces);
	TEST_RUN(test_stamps);
	TEST_RUN(test_signature_blocks);
	TEST_RUN(test_signer_name_diacritics);
	TEST_RUN(test_recipients);
	TEST_RUN(test_tthc_code);
	TEST_RUN(test_type_cross_check);
	TEST_RUN(test_type_helpers);
	TEST_RUN(test_bad_input);
	TEST_RUN(test_merges_into_out);
	TEST_RUN(test_garbage);
	TEST_RUN(test_mutated_fixtures);
	return TEST_DONE();
}
