/*
 * test_extract_layout.c - the fields read with the layout of the page
 * (sohoa_extract_fields_hocr(), lib/extract_layout.c) and the fixed-phrase
 * diacritic repair (lib/extract_lexicon.c).
 *
 * Inputs are real: tests/unit/fixtures/layout/NAME.txt and NAME.hocr are
 * the text and the hOCR the worker (sohoa ingest, Tesseract vie) wrote for
 * a page rendered by tests/tools/render_scans.py, NAME.json the renderer's
 * truth:
 *   wrap3-cv-048-2022  --header wrap3: "ỦY BAN NHÂN DÂN" / "XÃ VĂN" /
 *                      "BÌNH" under "UBND HUYỆN THƯỜNG TÍN", a Công văn;
 *   wrap2-qd-083-2026  --header wrap2: "ỦY BAN NHÂN DÂN XÃ THƯỜNG" / "TÍN",
 *                      whose last word Tesseract glued to the motto's
 *                      first ("THƯỜNGCỘNG");
 *   choices-*          pages of make eval read by the worker that keeps
 *                      the LSTM's choices (lib/ocr_choices.h, "x_alts"):
 *                      bc-064-2020 (wrap-2lines, "ngày 37" for 27),
 *                      cv-008-2023 and bb-124-2023 (noisy-200dpi, a speck
 *                      read as a dash, "bẻo" for "bèo").
 * The truth values are read from NAME.json, not written here.  The
 * lexicon is checked against Debian's Vietnamese dictionary (hunspell-vi)
 * and against every line of correct text of the fixtures' truth.
 */
#include <dirent.h>

#include "test.h"
#include "fixture.h"
#include "sohoa/extract.h"
#include "sohoa/vitext.h"
#include "extract_int.h"

static char fixture_dir[PATH_MAX];

#define V(fs, id) ((fs).f[SOHOA_F_##id].value)

/* The string value of "fields"."key" of a truth file (a small scan of the
 * renderer's JSON: the value is the first string after "key": ).  For
 * organLines, the lines joined by one space.  Caller frees; NULL when
 * absent or null. */
static char *
truth(const char *json, const char *key)
{
	char pat[64];
	const char *p, *f = strstr(json, "\"fields\"");
	struct {
		char *p;
		size_t len, cap;
	} b = { NULL, 0, 0 };
	int list;

	snprintf(pat, sizeof pat, "\"%s\": ", key);
	if (!f || !(p = strstr(f, pat)))
		return NULL;
	p += strlen(pat);
	if (!strncmp(p, "null", 4))
		return NULL;
	list = *p == '[';
	for (;;) {
		const char *q;
		while (*p && *p != '"' && *p != ']')
			p++;
		if (*p != '"')
			break;
		q = strchr(++p, '"');
		if (!q)
			break;
		{
			size_t n = (size_t)(q - p), need = b.len + n + 2;
			if (need > b.cap) {
				char *nb = realloc(b.p, need * 2);
				if (!nb)
					break;
				b.p = nb;
				b.cap = need * 2;
			}
			if (b.len)
				b.p[b.len++] = ' ';
			memcpy(b.p + b.len, p, n);
			b.len += n;
			b.p[b.len] = '\0';
		}
		p = q + 1;
		if (!list)
			break;
	}
	return b.p;
}

static sohoa_status
extract(const char *text, size_t len, const char *hocr, size_t hlen, sohoa_fields *fs)
{
	sohoa_error err;
	sohoa_status st;

	sohoa_fields_init(fs);
	sohoa_error_clear(&err);
	st = sohoa_extract_fields_hocr(text, len, hocr, hlen, fs, &err);
	if (st != SOHOA_OK)
		fprintf(stderr, "  extraction failed: %s\n", err.msg);
	return st;
}

#define CHECK_TRUTH(fs, id, json, key) do { char *t_ = truth(json, key); \
	CHECK(t_ != NULL); CHECK_STR(V(fs, id), t_); free(t_); } while (0)

/* ---- header by position ----------------------------------------------- */

/* A name wrapped onto three lines under a parent organ: read from the text
 * alone the organ is cut ("BÌNH", the rest taken for the parent); with the
 * word boxes it is whole, and so is everything else of the header. */
static void
test_wrap3(void)
{
	size_t tl, hl;
	char *text = fx_fixture(fixture_dir, "wrap3-cv-048-2022", "txt", &tl);
	char *hocr = fx_fixture(fixture_dir, "wrap3-cv-048-2022", "hocr", &hl);
	char *json = fx_fixture(fixture_dir, "wrap3-cv-048-2022", "json", NULL);
	char *organ = json ? truth(json, "organLines") : NULL;
	sohoa_fields a, b;

	CHECK(text && hocr && json && organ);
	if (!text || !hocr || !json || !organ)
		goto out;
	CHECK_INT(extract(text, tl, NULL, 0, &a), SOHOA_OK);
	CHECK(V(a, ORGAN_NAME) && strcmp(V(a, ORGAN_NAME), organ) != 0);
	CHECK_INT(extract(text, tl, hocr, hl, &b), SOHOA_OK);
	CHECK_STR(V(b, ORGAN_NAME), organ);
	CHECK_TRUTH(b, PARENT_ORGAN, json, "parentOrgan");
	CHECK_TRUTH(b, CODE_NUMBER, json, "codeNumber");
	CHECK_TRUTH(b, CODE_NOTATION, json, "codeNotation");
	CHECK_TRUTH(b, ISSUED_DATE, json, "issuedDate");
	CHECK_TRUTH(b, PLACE_NAME, json, "placeName");
	CHECK_TRUTH(b, TYPE_NAME, json, "typeName");
	CHECK_TRUTH(b, SUBJECT, json, "subject");
	CHECK_TRUTH(b, SIGNER_NAME, json, "signerName");
	CHECK(b.f[SOHOA_F_ORGAN_NAME].confidence >= SOHOA_EXTRACT_REVIEW);
	/* The other fields as the text alone gives them. */
	CHECK_STR(V(b, SIGNER_POSITION), V(a, SIGNER_POSITION));
	CHECK_STR(V(b, RECIPIENTS), V(a, RECIPIENTS));
	sohoa_fields_release(&a);
	sohoa_fields_release(&b);
out:
	free(text);
	free(hocr);
	free(json);
	free(organ);
}

/* The rebuilt first page: the left column's lines first, each whole, the
 * motto and the date line after them; the OCR text itself unchanged. */
static void
test_reading_order(void)
{
	size_t tl, hl, ol = 0;
	char *text = fx_fixture(fixture_dir, "wrap3-cv-048-2022", "txt", &tl);
	char *copy = text ? strdup(text) : NULL;
	char *hocr = fx_fixture(fixture_dir, "wrap3-cv-048-2022", "hocr", &hl);
	char *out = NULL, *signer = NULL, *doubt = NULL;
	unsigned flags = 0;
	const char *parent, *xa, *binh, *so, *motto, *date;

	CHECK(text && hocr && copy);
	if (!text || !hocr || !copy)
		goto out;
	CHECK_INT(sohoa_extract_layout_text(text, tl, hocr, hl, &out, &ol, &flags, &signer,
	    &doubt), 1);
	CHECK(flags & SOHOA_EXTRACT_HEADER_COLUMNS);
	CHECK_STR(text, copy);
	CHECK(out != NULL);
	if (!out)
		goto out;
	parent = strstr(out, "UBND HUYỆN THƯỜNG TÍN\n");
	xa = strstr(out, "\nXÃ VĂN\n");
	binh = strstr(out, "\nBÌNH\n");
	so = strstr(out, "\nSố:");
	motto = strstr(out, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n");
	date = strstr(out, "Văn Bình, ngày");
	CHECK(parent == out);
	CHECK(xa && binh && so && motto && date);
	CHECK(xa && binh && xa < binh);
	CHECK(binh && so && binh < so);
	CHECK(so && motto && so < motto);
	CHECK(motto && date && motto < date);
	/* The pages after the first are the text's own: here the '\f' and
	 * nothing else. */
	CHECK(ol > 0 && out[ol - 1] == '\f');
	/* The signature block from the bottom: the name first. */
	CHECK(signer && !strncmp(signer, "Kiều Quốc Hiếu\n", strlen("Kiều Quốc Hiếu\n")));
	/* Words read under the doubt threshold, lower case, one a line. */
	CHECK(doubt != NULL);
out:
	free(text);
	free(copy);
	free(hocr);
	free(out);
	free(signer);
	free(doubt);
}

/* "THƯỜNGCỘNG": the last word of the wrapped name glued to the motto's
 * first; cut where the motto begins. */
static void
test_glued_word(void)
{
	size_t tl, hl;
	char *text = fx_fixture(fixture_dir, "wrap2-qd-083-2026", "txt", &tl);
	char *hocr = fx_fixture(fixture_dir, "wrap2-qd-083-2026", "hocr", &hl);
	char *json = fx_fixture(fixture_dir, "wrap2-qd-083-2026", "json", NULL);
	char *organ = json ? truth(json, "organLines") : NULL;
	sohoa_fields a, b;

	CHECK(text && hocr && json && organ);
	if (!text || !hocr || !json || !organ)
		goto out;
	CHECK(strstr(hocr, ">THƯỜNGCỘNG<") != NULL);     /* as the worker read it */
	CHECK_INT(extract(text, tl, NULL, 0, &a), SOHOA_OK);
	CHECK(!V(a, ORGAN_NAME) || strcmp(V(a, ORGAN_NAME), organ) != 0);
	CHECK_INT(extract(text, tl, hocr, hl, &b), SOHOA_OK);
	CHECK_STR(V(b, ORGAN_NAME), organ);
	CHECK(V(b, PARENT_ORGAN) == NULL);
	CHECK_TRUTH(b, ISSUED_DATE, json, "issuedDate");
	CHECK_TRUTH(b, PLACE_NAME, json, "placeName");
	CHECK_TRUTH(b, CODE_NUMBER, json, "codeNumber");
	sohoa_fields_release(&a);
	sohoa_fields_release(&b);
out:
	free(text);
	free(hocr);
	free(json);
	free(organ);
}

/* hOCR that does not fit the text, or is no hOCR: the text alone is read,
 * to the same fields. */
static void
test_unusable_hocr(void)
{
	size_t tl, hl;
	char *text = fx_fixture(fixture_dir, "wrap3-cv-048-2022", "txt", &tl);
	char *hocr = fx_fixture(fixture_dir, "wrap3-cv-048-2022", "hocr", &hl);
	char *two = NULL;
	sohoa_fields a, b;
	static const char junk[] = "<html><body><p>not hOCR</p></body></html>";
	static const char half[] = "<div class='ocr_page' title='bbox 0 0 2480 3508'>"
	    "<span class='ocr_line'><span class='ocrx_word' title='bbox 1 1";

	CHECK(text && hocr);
	if (!text || !hocr)
		goto out;
	CHECK_INT(extract(text, tl, NULL, 0, &a), SOHOA_OK);
	/* The same page twice in the text, once in the hOCR. */
	two = malloc(2 * tl + 1);
	CHECK(two != NULL);
	if (!two)
		goto out;
	memcpy(two, text, tl);
	memcpy(two + tl, text, tl);
	two[2 * tl] = '\0';
	CHECK_INT(extract(two, 2 * tl, hocr, hl, &b), SOHOA_OK);
	{
		sohoa_fields c;
		CHECK_INT(extract(two, 2 * tl, NULL, 0, &c), SOHOA_OK);
		for (int i = 0; i < SOHOA_F_COUNT; i++)
			if (b.f[i].value || c.f[i].value)
				CHECK_STR(b.f[i].value, c.f[i].value);
		sohoa_fields_release(&c);
	}
	sohoa_fields_release(&b);
	CHECK_INT(extract(text, tl, junk, sizeof junk - 1, &b), SOHOA_OK);
	CHECK_STR(V(b, ORGAN_NAME), V(a, ORGAN_NAME));
	sohoa_fields_release(&b);
	CHECK_INT(extract(text, tl, half, sizeof half - 1, &b), SOHOA_OK);
	CHECK_STR(V(b, ORGAN_NAME), V(a, ORGAN_NAME));
	sohoa_fields_release(&b);
	/* Bad text is refused whatever the hOCR. */
	{
		sohoa_error err;
		sohoa_fields_init(&b);
		sohoa_error_clear(&err);
		CHECK_INT(sohoa_extract_fields_hocr("\xff\xfe", 2, hocr, hl, &b, &err),
		    SOHOA_BAD_INPUT);
		sohoa_fields_release(&b);
	}
	sohoa_fields_release(&a);
out:
	free(text);
	free(hocr);
	free(two);
}

/* ---- signature block by position -------------------------------------- */

/* A seal over "TM. ỦY BAN NHÂN DÂN" and "CHỦ TỊCH": those lines lost from
 * the text (blanked here in the worker's real text), the name is not
 * found from the text alone; with the word boxes it is the lowest line of
 * the signature block. */
static void
test_signer_without_anchor(void)
{
	size_t tl, hl;
	char *text = fx_fixture(fixture_dir, "wrap3-cv-048-2022", "txt", &tl);
	char *hocr = fx_fixture(fixture_dir, "wrap3-cv-048-2022", "hocr", &hl);
	char *json = fx_fixture(fixture_dir, "wrap3-cv-048-2022", "json", NULL);
	static const char *const lost[] = { "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH" };
	sohoa_fields a, b;

	CHECK(text && hocr && json);
	if (!text || !hocr || !json)
		goto out;
	static const char *const lost_words[] = {
		">TM.<", ">ỦY<", ">BAN<", ">NHÂN<", ">DÂN<", ">CHỦ<", ">TỊCH<",
	};

	for (size_t i = 0; i < 2; i++) {
		char *p = strstr(text, lost[i]);
		CHECK(p != NULL);
		if (p)
			memset(p, ' ', strlen(lost[i]));
	}
	/* And from the word boxes: the last of each (the footer's). */
	for (size_t i = 0; i < sizeof lost_words / sizeof lost_words[0]; i++) {
		char *p, *last = NULL;
		for (p = hocr; (p = strstr(p, lost_words[i])) != NULL; p++)
			last = p;
		CHECK(last != NULL);
		if (last)
			memset(last + 1, ' ', strlen(lost_words[i]) - 2);
	}
	CHECK_INT(extract(text, tl, NULL, 0, &a), SOHOA_OK);
	CHECK(V(a, SIGNER_NAME) == NULL);
	CHECK(V(a, SIGNER_AUTHORITY) == NULL);
	CHECK_INT(extract(text, tl, hocr, hl, &b), SOHOA_OK);
	CHECK_TRUTH(b, SIGNER_NAME, json, "signerName");
	/* Found by position alone: for review. */
	CHECK(b.f[SOHOA_F_SIGNER_NAME].confidence <= 0.6);
	CHECK(V(b, SIGNER_AUTHORITY) == NULL);
	sohoa_fields_release(&a);
	sohoa_fields_release(&b);
out:
	free(text);
	free(hocr);
	free(json);
}

/* ---- fixed phrases ---------------------------------------------------- */

static void
check_fix(const char *in, const char *doubt, const char *want)
{
	char *out = NULL;
	int r = sohoa_extract_fix_phrases(in, doubt, NULL, &out);

	if (want) {
		CHECK_INT(r, 1);
		CHECK_STR(out, want);
	} else {
		CHECK_INT(r, 0);
		CHECK(out == NULL);
		if (out)
			fprintf(stderr, "  \"%s\" -> \"%s\"\n", in, out);
	}
	free(out);
}

static void
test_fix_phrases(void)
{
	/* The issue's three, the doubted word alone corrected. */
	check_fix("Về việc bản hành Quy chế làm việc", "bản\n", "Về việc ban hành Quy chế làm việc");
	check_fix("Cấp bản sao trích lục từ số hộ tịch", "số\n",
	    "Cấp bản sao trích lục từ sổ hộ tịch");
	check_fix("cấp giấy chứng nhận quyên sử dụng đất", "quyên\n",
	    "cấp giấy chứng nhận quyền sử dụng đất");
	check_fix("V/v đồn đốc thu thuế", NULL, "V/v đôn đốc thu thuế");
	check_fix("BẢN HÀNH", NULL, "BAN HÀNH");
	/* A word OCR did not doubt stays as read. */
	check_fix("Về việc bản hành Quy chế", "quy\n", NULL);
	check_fix("Về việc bản hành Quy chế", "", NULL);
	/* Right as read; or right in another sense. */
	check_fix("Về việc ban hành Quy chế", NULL, NULL);
	check_fix("số hộ nghèo trên địa bàn", NULL, NULL);
	check_fix("triển khai tu bổ nhà bia", NULL, NULL);      /* not "khai tử" */
	check_fix("tính từ ngày bắt đầu từ hôm nay", NULL, NULL); /* not "đầu tư" */
	check_fix("trong mọi trường hợp", NULL, NULL);          /* not "môi trường" */
	check_fix("Bà Vũ Xuân Mai", NULL, NULL);                 /* a name */
	check_fix("PHƯƠNG THỨC] hiện", NULL, NULL);              /* not one phrase */
	check_fix("", NULL, NULL);
	check_fix(NULL, NULL, NULL);
}

/* No two phrases fold alike (one would correct the other), every phrase is
 * NFC lower case, and every syllable is a word of Debian's Vietnamese
 * dictionary (hunspell-vi). */
static void
test_lexicon_words(void)
{
	size_t n, m, dl = 0;
	const char *const *ph = sohoa_extract_phrases(&n, 0);
	const char *const *common = sohoa_extract_phrases(&m, 1);
	char *raw = fx_slurp("/usr/share/hunspell/vi_VN.dic", &dl), *dic = NULL;

	CHECKM(raw != NULL, "hunspell-vi is not installed (scripts/install-deps)");
	/* Its words in the exact form (new tone placement: "uỷ" -> "ủy"),
	 * one per line between newlines. */
	if (raw) {
		size_t cap = 2 * dl + 16, len = 1;
		dic = malloc(cap);
		CHECK(dic != NULL);
		for (char *p = raw; dic && *p; ) {
			size_t wl = strcspn(p, "\n/");
			char *e = sohoa_vi_exact(p, wl, NULL);
			if (e && len + strlen(e) + 2 < cap) {
				memcpy(dic + len, e, strlen(e));
				len += strlen(e);
				dic[len++] = '\n';
			}
			free(e);
			p += strcspn(p, "\n");
			if (*p)
				p++;
		}
		if (dic) {
			dic[0] = '\n';
			dic[len] = '\0';
		}
		free(raw);
	}
	CHECK(n > 100 && m > 5);
	for (size_t k = 0; k < n + m; k++) {
		const char *p = k < n ? ph[k] : common[k - n];
		char *f = sohoa_vi_fold(p, strlen(p), NULL), *e = sohoa_vi_exact(p, strlen(p), NULL);
		size_t pos = 0, a, b;
		CHECK(f && e);
		CHECK_STR(e, p);
		for (size_t j = 0; f && j < n + m; j++) {
			const char *q = j < n ? ph[j] : common[j - n];
			char *g = j == k ? NULL : sohoa_vi_fold(q, strlen(q), NULL);
			if (g && !strcmp(f, g))
				CHECKM(0, p);
			free(g);
		}
		while (dic && sohoa_vi_next_word(p, strlen(p), &pos, &a, &b)) {
			char line[64];
			int found = 0;
			if (b - a + 3 > sizeof line)
				continue;
			line[0] = '\n';
			memcpy(line + 1, p + a, b - a);
			line[b - a + 1] = '\n';
			line[b - a + 2] = '\0';
			found = strstr(dic, line) != NULL;
			if (!found)
				fprintf(stderr, "  not in vi_VN.dic: %.*s\n", (int)(b - a), p + a);
			CHECK(found);
		}
		free(f);
		free(e);
	}
	free(dic);
}

/* Correct Vietnamese is left alone: every line of the truth texts of the
 * layout fixtures and the trích yếu of the extract fixtures, every word
 * taken as doubtful. */
static void
test_no_false_corrections(void)
{
	static const char *const dirs[] = { "layout", "extract" };
	int lines = 0;

	for (size_t d = 0; d < 2; d++) {
		char path[PATH_MAX];
		DIR *dir;
		struct dirent *de;
		snprintf(path, sizeof path, "%s/../%s", fixture_dir, dirs[d]);
		CHECK((dir = opendir(path)) != NULL);
		while (dir && (de = readdir(dir)) != NULL) {
			size_t nl = strlen(de->d_name);
			char file[PATH_MAX + 256], *json, *t;
			if (nl < 6 || strcmp(de->d_name + nl - 5, ".json"))
				continue;
			snprintf(file, sizeof file, "%s/%s", path, de->d_name);
			if (!(json = fx_slurp(file, NULL)))
				continue;
			{
				char *subject = truth(json, "subject"), *out = NULL;
				if (subject) {
					lines++;
					if (sohoa_extract_fix_phrases(subject, NULL, NULL, &out) != 0)
						CHECKM(0, subject);
					free(out);
					free(subject);
				}
			}
			/* "text": ["page 1\nline 2", ...]: split at the escaped
			 * newlines and the quotes. */
			t = strstr(json, "\"text\": [");
			for (char *p = t ? t + 9 : NULL; p && *p && *p != ']'; ) {
				char *q = p, *s;
				if (*p != '"') {
					p++;
					continue;
				}
				s = ++q;
				while (*q && *q != '"') {
					if (q[0] == '\\' && q[1] == 'n') {
						char *out = NULL;
						*q = '\0';
						lines++;
						if (sohoa_extract_fix_phrases(s, NULL, NULL, &out) != 0)
							CHECKM(0, s);
						free(out);
						s = q + 2;
						q += 2;
						continue;
					}
					q++;
				}
				if (*q == '"') {
					char *out = NULL;
					*q = '\0';
					lines++;
					if (sohoa_extract_fix_phrases(s, NULL, NULL, &out) != 0)
						CHECKM(0, s);
					free(out);
					q++;
				}
				p = q;
			}
			free(json);
		}
		if (dir)
			closedir(dir);
	}
	CHECK(lines > 60);
}

/* ---- the LSTM's choices (lib/ocr_choices.h) ---------------------------- */

/* A copy of s with the first from replaced by to; NULL when from is not in
 * s. */
static char *
replaced(const char *s, const char *from, const char *to, size_t *len)
{
	const char *at = s ? strstr(s, from) : NULL;
	size_t n;
	char *r;

	if (!at)
		return NULL;
	n = strlen(s) - strlen(from) + strlen(to);
	if (!(r = malloc(n + 1)))
		return NULL;
	memcpy(r, s, (size_t)(at - s));
	memcpy(r + (at - s), to, strlen(to));
	memcpy(r + (at - s) + strlen(to), at + strlen(from), strlen(at + strlen(from)) + 1);
	if (len)
		*len = n;
	return r;
}

/* "ngày 37 tháng 8 năm 2020" (wrap-2lines, the worker's hOCR: "37" read at
 * 90, "2" the LSTM's second choice for the "3"): the one valid date the
 * choices allow, for review; nothing when the choices allow none or two. */
static void
test_offered_date(void)
{
	size_t tl, hl, h2l = 0, h3l = 0;
	char *text = fx_fixture(fixture_dir, "choices-bc-064-2020", "txt", &tl);
	char *hocr = fx_fixture(fixture_dir, "choices-bc-064-2020", "hocr", &hl);
	char *json = fx_fixture(fixture_dir, "choices-bc-064-2020", "json", NULL);
	char *none = replaced(hocr, "; x_alts 27'>37<", "'>37<", &h2l);
	char *two = replaced(hocr, "; x_alts 27'>37<", "; x_alts 27 17'>37<", &h3l);
	sohoa_fields a, b, c, e;

	CHECK(text && hocr && json && none && two);
	if (!text || !hocr || !json || !none || !two)
		goto out;
	CHECK(strstr(text, "ngày 37 tháng 8") != NULL);  /* the OCR text as read */
	CHECK_INT(extract(text, tl, NULL, 0, &a), SOHOA_OK);
	CHECK(V(a, ISSUED_DATE) == NULL);
	CHECK_INT(extract(text, tl, hocr, hl, &b), SOHOA_OK);
	CHECK_TRUTH(b, ISSUED_DATE, json, "issuedDate");
	CHECK(b.f[SOHOA_F_ISSUED_DATE].confidence < SOHOA_EXTRACT_REVIEW);
	CHECK_TRUTH(b, PLACE_NAME, json, "placeName");
	CHECK_INT(extract(text, tl, none, h2l, &c), SOHOA_OK);
	CHECK(V(c, ISSUED_DATE) == NULL);
	CHECK_INT(extract(text, tl, two, h3l, &e), SOHOA_OK);
	CHECK(V(e, ISSUED_DATE) == NULL);
	sohoa_fields_release(&a);
	sohoa_fields_release(&b);
	sohoa_fields_release(&c);
	sohoa_fields_release(&e);
out:
	free(text);
	free(hocr);
	free(json);
	free(none);
	free(two);
}

/* "nhà văn hóa -" / "thôn" (noisy-200dpi): the dash a speck of 4 x 3 px
 * read at 14 leaves the trích yếu; read at 60, or as wide as a printed
 * dash, it stays. */
static void
test_stray_dash(void)
{
	size_t tl, hl, h2l = 0, h3l = 0;
	char *text = fx_fixture(fixture_dir, "choices-cv-008-2023", "txt", &tl);
	char *hocr = fx_fixture(fixture_dir, "choices-cv-008-2023", "hocr", &hl);
	char *json = fx_fixture(fixture_dir, "choices-cv-008-2023", "json", NULL);
	char *sure = replaced(hocr, "x_wconf 14; x_alts . : ,'>-<", "x_wconf 60'>-<", &h2l);
	char *wide = replaced(hocr, "bbox 806 395 810 398; x_wconf 14", "bbox 800 395 810 398; x_wconf 14",
	    &h3l);
	sohoa_fields a, b, c;

	CHECK(text && hocr && json && sure && wide);
	if (!text || !hocr || !json || !sure || !wide)
		goto out;
	CHECK_INT(extract(text, tl, hocr, hl, &a), SOHOA_OK);
	CHECK_TRUTH(a, SUBJECT, json, "subject");
	CHECK(a.f[SOHOA_F_SUBJECT].confidence < SOHOA_EXTRACT_REVIEW);
	CHECK_INT(extract(text, tl, sure, h2l, &b), SOHOA_OK);
	CHECK(V(b, SUBJECT) && strstr(V(b, SUBJECT), "hóa - thôn") != NULL);
	/* As wide as a printed dash (10 px beside 23): kept too. */
	CHECK_INT(extract(text, tl, wide, h3l, &c), SOHOA_OK);
	CHECK(V(c, SUBJECT) && strstr(V(c, SUBJECT), "hóa - thôn") != NULL);
	sohoa_fields_release(&a);
	sohoa_fields_release(&b);
	sohoa_fields_release(&c);
out:
	free(text);
	free(hocr);
	free(json);
	free(sure);
	free(wide);
}

/* "vớt bẻo tây" (noisy-200dpi, "bẻo" at 84, "bèo" the LSTM's first other
 * choice): put back when the archive attests "vớt bèo tây" ('?' line of
 * lexicon.h), not without it, nor without the choices. */
static void
test_offered_phrase(void)
{
	size_t tl, hl, h2l = 0;
	char *text = fx_fixture(fixture_dir, "choices-bb-124-2023", "txt", &tl);
	char *hocr = fx_fixture(fixture_dir, "choices-bb-124-2023", "hocr", &hl);
	char *json = fx_fixture(fixture_dir, "choices-bb-124-2023", "json", NULL);
	char *plain = replaced(hocr, "; x_alts bèo bêo bềo bẻø'>bẻo<", "'>bẻo<", &h2l);
	char *subject = json ? truth(json, "subject") : NULL;
	sohoa_fields a, b, c;
	sohoa_error err;

	CHECK(text && hocr && json && plain && subject);
	if (!text || !hocr || !json || !plain || !subject)
		goto out;
	sohoa_fields_init(&a);
	sohoa_fields_init(&b);
	sohoa_fields_init(&c);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_extract_fields_learned(text, tl, hocr, hl, "?vớt bèo tây\n", &a, &err),
	    SOHOA_OK);
	CHECK_STR(V(a, SUBJECT), subject);
	CHECK(a.f[SOHOA_F_SUBJECT].confidence < SOHOA_EXTRACT_REVIEW);
	CHECK_INT(sohoa_extract_fields_learned(text, tl, hocr, hl, NULL, &b, &err), SOHOA_OK);
	CHECK(V(b, SUBJECT) && strcmp(V(b, SUBJECT), subject) != 0);
	CHECK_INT(sohoa_extract_fields_learned(text, tl, plain, h2l, "?vớt bèo tây\n", &c, &err),
	    SOHOA_OK);
	CHECK(V(c, SUBJECT) && strcmp(V(c, SUBJECT), subject) != 0);
	sohoa_fields_release(&a);
	sohoa_fields_release(&b);
	sohoa_fields_release(&c);
out:
	free(text);
	free(hocr);
	free(json);
	free(plain);
	free(subject);
}

int
main(void)
{
	if (fx_fixture_dir(fixture_dir, sizeof fixture_dir, "layout") != 0)
		return 2;
	TEST_RUN(test_wrap3);
	TEST_RUN(test_reading_order);
	TEST_RUN(test_glued_word);
	TEST_RUN(test_unusable_hocr);
	TEST_RUN(test_signer_without_anchor);
	TEST_RUN(test_fix_phrases);
	TEST_RUN(test_lexicon_words);
	TEST_RUN(test_no_false_corrections);
	TEST_RUN(test_offered_date);
	TEST_RUN(test_stray_dash);
	TEST_RUN(test_offered_phrase);
	return TEST_DONE();
}
