/*
 * test_lexicon.c - the phrases the archive teaches the trích yếu repair
 * (include/sohoa/lexicon.h): what a real page's hOCR teaches
 * (tests/unit/fixtures/layout/, worker hOCR of make eval pages), the counts
 * on a real catalog (migration 022) with the invariants that keep a wrong
 * reading from teaching itself, and the repair with learned phrases.
 */
#include "sohoa/catalog.h"
#include "sohoa/extract.h"
#include "sohoa/lexicon.h"
#include "extract_int.h"
#include "test.h"
#include "catalog_fixture.h"
#include "fixture.h"

static char fixture_dir[PATH_MAX];

/* 1 when line is one of the '\n'-separated lines of list. */
static int
has_line(const char *list, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = list; p && *p; ) {
		size_t k = strcspn(p, "\n");
		if (k == n && !memcmp(p, line, n))
			return 1;
		p += k;
		if (*p)
			p++;
	}
	return 0;
}

/* A real page (wrap3-cv-048-2022): its phrases of three lower-case
 * syllables, marked sure or not by OCR's confidence; no capitalised word
 * (names, the header), no number, no phrase across punctuation. */
static void
test_candidates(void)
{
	char *hocr, *c = NULL;
	size_t hl = 0;
	int n, lines = 0;

	hocr = fx_fixture(fixture_dir, "wrap3-cv-048-2022", "hocr", &hl);
	CHECKM(hocr != NULL, fixture_dir);
	if (!hocr)
		return;
	n = sohoa_lexicon_candidates(hocr, hl, &c);
	CHECK(n > 20);
	CHECK(c != NULL);
	/* The body: "... triển khai vớt bèo tây ..." read with confidence. */
	CHECK(has_line(c, "khai vớt bèo\t0") || has_line(c, "khai vớt bèo\t1"));
	/* "các thồn trên": OCR misread "thôn" and doubted it: counted as
	 * seen, never as sure. */
	CHECK(has_line(c, "các thồn trên\t0"));
	CHECK(!has_line(c, "các thồn trên\t1"));
	for (const char *p = c; p && *p; ) {
		size_t k = strcspn(p, "\n"), spaces = 0;
		CHECK(k > 2 && p[k - 2] == '\t' && (p[k - 1] == '0' || p[k - 1] == '1'));
		for (size_t i = 0; i + 2 < k; i++) {
			unsigned char ch = (unsigned char)p[i];
			spaces += ch == ' ';
			CHECK(!(ch >= 'A' && ch <= 'Z') && !(ch >= '0' && ch <= '9'));
			CHECK(ch != ',' && ch != '.' && ch != ':' && ch != '(' && ch != '/');
		}
		CHECK_INT(spaces, 2);
		lines++;
		p += k;
		if (*p)
			p++;
	}
	CHECK_INT(lines, n);
	free(c);
	/* Not hOCR: nothing taught. */
	c = NULL;
	CHECK_INT(sohoa_lexicon_candidates("not hocr", 8, &c), 0);
	CHECK_STR(c, "");
	free(c);
	free(hocr);
}

static void
teach(sohoa_catalog *cat, int64_t id, const char *phrases, int expect_counted)
{
	sohoa_error err;
	int counted = -1;

	sohoa_error_clear(&err);
	CHECK_INT(sohoa_lexicon_teach(cat, id, phrases, &counted, &err), SOHOA_OK);
	CHECK_INT(counted, expect_counted);
}

static char *
learned(sohoa_catalog *cat)
{
	sohoa_error err;
	char *l = NULL;

	sohoa_error_clear(&err);
	CHECK_INT(sohoa_lexicon_learned(cat, SOHOA_LEXICON_MIN_DOCS, SOHOA_LEXICON_MAX, &l,
	    &err), SOHOA_OK);
	CHECK(l != NULL);
	return l;
}

/* The thresholds and invariants of lexicon.h on a real catalog. */
static void
test_teach(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	char *l;

	if (!cat)
		return;
	l = learned(cat);
	CHECK_STR(l, "");       /* invariant 4: empty catalog, nothing */
	free(l);
	/* Two documents sure of it: not yet. */
	teach(cat, 1, "nhà bia tưởng\t1\nvớt bèo tây\t1\n", 1);
	teach(cat, 2, "nhà bia tưởng\t1\nvớt bèo tây\t0\n", 1);
	/* Invariant 2: a record teaches once. */
	teach(cat, 2, "nhà bia tưởng\t1\n", 0);
	teach(cat, 1, "nhà bia tưởng\t1\n", 0);
	l = learned(cat);
	CHECK(!has_line(l, "nhà bia tưởng"));
	free(l);
	/* The third document: learned.  "vớt bèo tây" was sure in two only. */
	teach(cat, 3, "nhà bia tưởng\t1\nvớt bèo tây\t1\n", 1);
	l = learned(cat);
	CHECK(has_line(l, "nhà bia tưởng"));
	CHECK(!has_line(l, "vớt bèo tây"));
	free(l);
	/* Invariant 3: OCR sure and wrong the same way on three pages, the
	 * right reading doubted on two: 4 x 2 > 3, not used; three more sure
	 * readings of the wrong one do not outvote four to one either. */
	for (int64_t id = 10; id < 13; id++)
		teach(cat, id, "toán chỉ tiết\t1\n", 1);
	teach(cat, 13, "toán chi tiết\t0\n", 1);
	teach(cat, 14, "toán chi tiết\t0\n", 1);
	l = learned(cat);
	CHECK(!has_line(l, "toán chỉ tiết"));
	CHECK(!has_line(l, "toán chi tiết"));
	free(l);
	/* One stray reading against eight sure ones: used. */
	for (int64_t id = 20; id < 28; id++)
		teach(cat, id, "hỗ trợ kinh\t1\n", 1);
	teach(cat, 28, "hỗ trơ kinh\t0\n", 1);
	l = learned(cat);
	CHECK(has_line(l, "hỗ trợ kinh"));
	CHECK(!has_line(l, "hỗ trơ kinh"));
	free(l);
	/* Invariant 3: a respelling of a fixed phrase ("sử dụng đất") is
	 * never used, however often OCR was sure of it. */
	for (int64_t id = 30; id < 40; id++)
		teach(cat, id, "sứ dụng đất\t1\n", 1);
	l = learned(cat);
	CHECK(!has_line(l, "sứ dụng đất"));
	free(l);
	/* A line that is not a candidate's teaches nothing. */
	teach(cat, 50, "no tab here\nnhà bia\t\n", 1);
	teach(cat, 51, "no tab here\n", 1);
	teach(cat, 52, "no tab here\n", 1);
	l = learned(cat);
	CHECK(!has_line(l, "no tab here"));
	free(l);
	sohoa_catalog_free(cat);
	/* Kept across a reopening (the catalog file). */
	cat = fx_open_catalog();
	if (!cat)
		return;
	l = learned(cat);
	CHECK(has_line(l, "nhà bia tưởng"));
	free(l);
	sohoa_catalog_free(cat);
}

/* The repair with learned phrases: only a doubted word, only between two
 * words of the phrase, the learned phrase read as printed protects. */
static void
test_repair_learned(void)
{
	const char *lrn = "nhà bia tưởng\nthành viên dự\n";
	char *out = NULL;

	/* "bỉa" doubted, "nhà ... tưởng" around it: corrected. */
	CHECK_INT(sohoa_extract_fix_phrases("Tu bổ nhà bỉa tưởng niệm liệt sĩ", "bỉa\n", lrn,
	    &out), 1);
	CHECK_STR(out, "Tu bổ nhà bia tưởng niệm liệt sĩ");
	free(out);
	/* Without the learned phrases, or when OCR was sure: unchanged. */
	CHECK_INT(sohoa_extract_fix_phrases("Tu bổ nhà bỉa tưởng niệm liệt sĩ", "bỉa\n", NULL,
	    &out), 0);
	CHECK(out == NULL);
	CHECK_INT(sohoa_extract_fix_phrases("Tu bổ nhà bỉa tưởng niệm liệt sĩ", "", lrn, &out),
	    0);
	CHECK(out == NULL);
	/* The changed word at the edge of the learned phrase: no context
	 * on one side, unchanged ("thành viên dữ liệu" stays). */
	CHECK_INT(sohoa_extract_fix_phrases("thành viên dữ liệu", NULL, lrn, &out), 0);
	CHECK(out == NULL);
	/* Every word doubted, on correct text: nothing changes. */
	CHECK_INT(sohoa_extract_fix_phrases("Về việc tu bổ nhà bia tưởng niệm", NULL, lrn, &out),
	    0);
	CHECK(out == NULL);
	/* A speck read as a hyphen inside a fixed phrase ("thu hoạch", "phê
	 * duyệt"): a space again, whatever OCR's confidence. */
	CHECK_INT(sohoa_extract_fix_phrases("Về việc phòng chống đốt rơm rạ sau thu-hoạch", "", NULL,
	    &out), 1);
	CHECK_STR(out, "Về việc phòng chống đốt rơm rạ sau thu hoạch");
	free(out);
	CHECK_INT(sohoa_extract_fix_phrases("Về việc đề nghị phê-duyệt chủ trương", NULL, NULL,
	    &out), 1);
	CHECK_STR(out, "Về việc đề nghị phê duyệt chủ trương");
	free(out);
	/* Not a phrase, a chain of hyphens, capitals, a hyphen with spaces
	 * ("kinh tế - xã hội"): unchanged. */
	CHECK_INT(sohoa_extract_fix_phrases("nhà-văn hóa", NULL, NULL, &out), 0);
	CHECK_INT(sohoa_extract_fix_phrases("tập-tin-đầu-vào", NULL, NULL, &out), 0);
	CHECK_INT(sohoa_extract_fix_phrases("<đối-tượng>", NULL, NULL, &out), 0);
	CHECK_INT(sohoa_extract_fix_phrases("TẬP TIN ĐẦU-RA", NULL, NULL, &out), 0);
	CHECK_INT(sohoa_extract_fix_phrases("phát triển kinh tế - xã hội", NULL, NULL, &out), 0);
	CHECK(out == NULL);
	/* Through the extraction: the learned phrase repairs the trích yếu
	 * only when given. */
	{
		const char *text =
		    "ỦY BAN NHÂN DÂN\nXÃ VĂN BÌNH\nSố: 15/TTr-UBND\n"
		    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
		    "Văn Bình, ngày 03 tháng 6 năm 2022\n\nTỜ TRÌNH\n"
		    "Về việc tu bổ nhà bỉa tưởng niệm liệt sĩ\n\n"
		    "Kính gửi: Ủy ban nhân dân huyện Thường Tín.\n";
		sohoa_fields a, b;
		sohoa_error err;
		sohoa_fields_init(&a);
		sohoa_fields_init(&b);
		sohoa_error_clear(&err);
		CHECK_INT(sohoa_extract_fields_learned(text, strlen(text), NULL, 0, lrn, &a, &err),
		    SOHOA_OK);
		CHECK_INT(sohoa_extract_fields_hocr(text, strlen(text), NULL, 0, &b, &err),
		    SOHOA_OK);
		/* Without hOCR no word is known doubtful: nothing corrected. */
		CHECK_STR(a.f[SOHOA_F_SUBJECT].value, b.f[SOHOA_F_SUBJECT].value);
		sohoa_fields_release(&a);
		sohoa_fields_release(&b);
	}
}

/* Invariant 5 on a real catalog: a phrase sure in one document and
 * outnumbering the other spellings of its letters is listed after a '?';
 * outvoted, it is not. */
static void
test_offered_list(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	char *l;

	if (!cat)
		return;
	teach(cat, 1, "vớt bèo tây\t1\nnhà bia tưởng\t1\n", 1);
	teach(cat, 2, "vớt bẻo tây\t0\n", 1);
	l = learned(cat);
	CHECK(has_line(l, "?vớt bèo tây"));
	CHECK(!has_line(l, "?vớt bẻo tây"));     /* never sure */
	CHECK(!has_line(l, "vớt bèo tây"));      /* not learned outright */
	CHECK(!has_line(l, "?nhà bia tưởng"));   /* never read another way */
	free(l);
	/* Read wrong in two documents against one sure: outvoted. */
	teach(cat, 3, "vớt bẻo tây\t0\n", 1);
	l = learned(cat);
	CHECK(!has_line(l, "?vớt bèo tây"));
	free(l);
	/* OCR sure and wrong the same way in 7 documents, doubted right in
	 * 12 (README's "chỉ tiết"): the wrong one is outvoted too. */
	for (int64_t id = 10; id < 17; id++)
		teach(cat, id, "toán chỉ tiết\t1\n", 1);
	for (int64_t id = 20; id < 32; id++)
		teach(cat, id, "toán chi tiết\t0\n", 1);
	l = learned(cat);
	CHECK(!has_line(l, "?toán chỉ tiết"));
	CHECK(!has_line(l, "?toán chi tiết"));
	free(l);
	sohoa_catalog_free(cat);
}

/* The repair with the readings the LSTM offered (doubt's "word\talts"):
 * only an offered reading, only one the archive attests ('?' lines), only
 * when exactly one fits. */
static void
test_repair_offered(void)
{
	const char *s = "Họp bàn triển khai vớt bẻo tây trên mặt ao làng";
	char *out = NULL;

	CHECK_INT(sohoa_extract_fix_phrases(s, "bẻo\tbèo bêo bềo\n", "?vớt bèo tây\n", &out), 1);
	CHECK_STR(out, "Họp bàn triển khai vớt bèo tây trên mặt ao làng");
	free(out);
	out = NULL;
	/* Neighbours that are words of a learned phrase read as printed
	 * ("tu bổ nhà") are context all the same. */
	CHECK_INT(sohoa_extract_fix_phrases("Về việc tu bổ nhà bỉa tưởng niệm liệt sĩ",
	    "bỉa\tbia bïa bìa\n", "tu bổ nhà\n?nhà bia tưởng\n", &out), 1);
	CHECK_STR(out, "Về việc tu bổ nhà bia tưởng niệm liệt sĩ");
	free(out);
	out = NULL;
	/* Not offered by the LSTM: unchanged, whatever the archive says. */
	CHECK_INT(sohoa_extract_fix_phrases(s, "bẻo\tbêo bềo\n", "?vớt bèo tây\n", &out), 0);
	/* Doubted without choices, or not doubted: unchanged. */
	CHECK_INT(sohoa_extract_fix_phrases(s, "bẻo\n", "?vớt bèo tây\n", &out), 0);
	CHECK_INT(sohoa_extract_fix_phrases(s, "", "?vớt bèo tây\n", &out), 0);
	/* Not attested: unchanged. */
	CHECK_INT(sohoa_extract_fix_phrases(s, "bẻo\tbèo bêo\n", "?vớt béo tây\n", &out), 0);
	/* Two offered readings attested: no choice made. */
	CHECK_INT(sohoa_extract_fix_phrases(s, "bẻo\tbèo bêo\n",
	    "?vớt bèo tây\n?vớt bêo tây\n", &out), 0);
	/* An attested phrase is no learned one: without the LSTM's offer it
	 * does not correct (every word doubted). */
	CHECK_INT(sohoa_extract_fix_phrases(s, NULL, "?vớt bèo tây\n", &out), 0);
	/* Other letters offered ("bẻø"): not a diacritic, unchanged. */
	CHECK_INT(sohoa_extract_fix_phrases(s, "bẻo\tbẻø\n", "?vớt bẻø tây\n", &out), 0);
	/* A name keeps its reading. */
	CHECK_INT(sohoa_extract_fix_phrases("ông Vớt Bẻo Tây", "bẻo\tbèo\n", "?vớt bèo tây\n",
	    &out), 0);
	CHECK(out == NULL);
}

/* A lone dash OCR doubted (a speck) leaves; one it was sure of stays. */
static void
test_drop_dashes(void)
{
	const char *s = "triển khai lợp ngói nhà văn hóa - thôn";
	char *out = NULL;

	CHECK_INT(sohoa_extract_drop_dashes(s, "-\thóa thôn\n", &out), 1);
	CHECK_STR(out, "triển khai lợp ngói nhà văn hóa thôn");
	free(out);
	out = NULL;
	/* Not doubted (not listed), or listed between other words. */
	CHECK_INT(sohoa_extract_drop_dashes(s, "hóa\n", &out), 0);
	CHECK_INT(sohoa_extract_drop_dashes(s, "-\tvăn hóa\n", &out), 0);
	CHECK_INT(sohoa_extract_drop_dashes("phát triển kinh tế - xã hội", "-\thóa thôn\n", &out),
	    0);
	CHECK_INT(sohoa_extract_drop_dashes(s, NULL, &out), 0);
	/* Only a line of its own matches ("x-\thóa thôn" is none). */
	CHECK_INT(sohoa_extract_drop_dashes(s, "x-\thóa thôn\n", &out), 0);
	/* A glued hyphen is not a lone dash. */
	CHECK_INT(sohoa_extract_drop_dashes("nhà văn hóa -thôn", "-\thóa thôn\n", &out), 0);
	CHECK(out == NULL);
	/* The en dash too. */
	CHECK_INT(sohoa_extract_drop_dashes("nhà văn hóa \xe2\x80\x93 thôn", "-\thóa thôn\n",
	    &out), 1);
	CHECK_STR(out, "nhà văn hóa thôn");
	free(out);
}

/* The LSTM's choices of a word in a doubt list. */
static void
test_word_alts(void)
{
	const char *d = "bẻo\tbèo bêo\n37\t27\nchi\n-\thóa thôn\n";
	const char *a = NULL;
	size_t n = 0;

	CHECK_INT(sohoa_extract_word_alts(d, "37", 2, &a, &n), 1);
	CHECK(n == 2 && a && !memcmp(a, "27", 2));
	CHECK_INT(sohoa_extract_word_alts(d, "bẻo", strlen("bẻo"), &a, &n), 1);
	CHECK(n == strlen("bèo bêo") && !memcmp(a, "bèo bêo", n));
	CHECK_INT(sohoa_extract_word_alts(d, "chi", 3, &a, &n), 0);
	CHECK_INT(sohoa_extract_word_alts(d, "3", 1, &a, &n), 0);
	CHECK_INT(sohoa_extract_word_alts(NULL, "37", 2, &a, &n), 0);
}

int
main(void)
{
	if (fx_fixture_dir(fixture_dir, sizeof fixture_dir, "layout") != 0)
		return 2;
	TEST_RUN(test_candidates);
	TEST_RUN(test_teach);
	TEST_RUN(test_repair_learned);
	TEST_RUN(test_offered_list);
	TEST_RUN(test_repair_offered);
	TEST_RUN(test_drop_dashes);
	TEST_RUN(test_word_alts);
	return TEST_DONE();
}
