/*
 * test_ocr_walk.c - the page's text, hOCR and word counts from the linear
 * walk of lib/ocr_walk.cc against Tesseract's own walks, on real pages read
 * by the real Tesseract (vie, and vie+eng for words tagged lang='eng'):
 * pages rendered at test time by tests/tools/render_scans.py as a scanner,
 * a phone or a fax would give them (skewed, speckled, colour JPEG photo,
 * 200 dpi G4, turned a quarter, upside down), a narrow two-column header,
 * a page with a photograph on it, a page of the characters hOCR escapes,
 * a nearly empty page and an empty one.
 *
 * For every page: the text byte for byte TessBaseAPIGetUTF8Text's, the hOCR
 * byte for byte sohoa_ocr_choices_hocr's (Tesseract's hOCR with x_alts),
 * the counts those of the reading-order walk; and, on each test's first
 * page, SOHOA_OCR_WALK_TESSERACT gives the same through Tesseract's own
 * functions.  Each walk gets a
 * reading of its own: Tesseract's ChoiceIterator edits the choices it
 * walks, so a second walk of the same reading is not a fair comparison.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "test.h"
#include "ocr_choices.h"
#include "ocr_walk.h"

static char src_dir[PATH_MAX];
static int hocr_font_info;     /* test_fallback's: Tesseract's option on */

struct reading {
	char *text, *hocr;
	int any, words, known, sideways;
	int rc;                 /* sohoa_ocr_walk_page's */
	const char *why;
};

static void
reading_free(struct reading *r)
{
	free(r->text);
	free(r->hocr);
	memset(r, 0, sizeof *r);
}

/* Reads pix with api as the worker does (choices kept); 0 or -1. */
static int
recognise(TessBaseAPI *api, PIX *pix)
{
	int dpi = pixGetXRes(pix) > 0 ? pixGetXRes(pix) : 300;

	TessBaseAPIClear(api);
	sohoa_ocr_choices_enable(api);
	TessBaseAPISetImage2(api, pix);
	TessBaseAPISetSourceResolution(api, dpi);
	return TessBaseAPIRecognize(api, NULL) == 0 ? 0 : -1;
}

/* Tesseract's own text and hOCR with x_alts, as the worker made them
 * before ocr_walk.cc. */
static void
reference(TessBaseAPI *api, PIX *pix, struct reading *r)
{
	char *t;

	memset(r, 0, sizeof *r);
	CHECK(recognise(api, pix) == 0);
	r->any = sohoa_ocr_walk_words(api, SOHOA_OCR_WALK_TESSERACT, &r->words, &r->known,
	    &r->sideways);
	t = TessBaseAPIGetUTF8Text(api);
	r->text = t ? strdup(t) : NULL;
	TessDeleteText(t);
	r->hocr = sohoa_ocr_choices_hocr(api, 2);
}

static void
walked(TessBaseAPI *api, PIX *pix, int flags, struct reading *r)
{
	memset(r, 0, sizeof *r);
	CHECK(recognise(api, pix) == 0);
	r->any = sohoa_ocr_walk_words(api, flags, &r->words, &r->known, &r->sideways);
	r->rc = sohoa_ocr_walk_page(api, 2, flags, &r->text, &r->hocr, &r->why);
}

/* The first line where a and b differ, to stderr. */
static void
show_difference(const char *what, const char *a, const char *b)
{
	size_t i = 0, line = 1, start = 0;

	if (!a || !b) {
		fprintf(stderr, "  %s: %s is NULL\n", what, a ? "walk's" : "Tesseract's");
		return;
	}
	while (a[i] && a[i] == b[i]) {
		if (a[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	fprintf(stderr, "  %s differ at line %zu:\n   walk:      %.160s\n   tesseract: %.160s\n",
	    what, line, a + start, b + start);
}

/* How many times needle is in s. */
static int
count_of(const char *s, const char *needle)
{
	int n = 0;

	for (const char *p = s; p && (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* What the last page checked had in its hOCR, for the tests to check that
 * they test what they mean to. */
static struct {
	int alts, eng, amp, lt, gt, quot, apos, textangle, careas, photos, rules, sideways, fsize;
} seen;

static int
same(const char *what, const char *a, const char *b)
{
	int eq = a && b && strcmp(a, b) == 0;

	if (!eq)
		show_difference(what, a, b);
	return eq;
}

/* Whether check_page also reads the page a third time with
 * SOHOA_OCR_WALK_TESSERACT (the first page of each test: a reading costs a
 * second of CPU). */
static int check_forced;

/*
 * Reads pix with languages by Tesseract's walks and by the linear walk
 * (and, when check_forced is set, by the linear walk told to use
 * Tesseract's).  Checks they give the same bytes and counts; returns the
 * linear walk's rc (0: it walked; 1: it fell back), with its reason in
 * *why.  *words: the reference's word count.
 */
static int
check_page(const char *name, PIX *pix, const char *languages, int *words, const char **why)
{
	TessBaseAPI *api = TessBaseAPICreate();
	struct reading ref, fast, forced;
	int rc = -1;

	CHECK(api != NULL);
	if (!api || TessBaseAPIInit3(api, NULL, languages) != 0) {
		CHECKM(0, "Tesseract cannot load its languages");
		TessBaseAPIDelete(api);
		return -1;
	}
	TessBaseAPISetVariable(api, "debug_file", "/dev/null");
	/* The worker's layout analysis (ocr.c's reader_open), not the API's
	 * default single block. */
	TessBaseAPISetPageSegMode(api, PSM_AUTO);
	if (hocr_font_info)
		TessBaseAPISetVariable(api, "hocr_font_info", "1");
	reference(api, pix, &ref);
	walked(api, pix, 0, &fast);
	memset(&forced, 0, sizeof forced);
	if (check_forced)
		walked(api, pix, SOHOA_OCR_WALK_TESSERACT, &forced);
	fprintf(stderr, "  %s (%s): %d words, %d known, %d sideways, %zu bytes of text, %zu of"
	    " hOCR, %s%s\n", name, languages, ref.words, ref.known, ref.sideways,
	    ref.text ? strlen(ref.text) : 0, ref.hocr ? strlen(ref.hocr) : 0,
	    fast.rc == 0 ? "walked" : "fell back: ", fast.rc == 0 ? "" : fast.why);
	CHECKM(ref.text && ref.hocr, name);
	seen.alts = count_of(ref.hocr, "; x_alts ");
	seen.eng = count_of(ref.hocr, "lang='eng'");
	seen.amp = count_of(ref.hocr, "&amp;");
	seen.lt = count_of(ref.hocr, "&lt;");
	seen.quot = count_of(ref.hocr, "&quot;");
	seen.apos = count_of(ref.hocr, "&#39;");
	seen.textangle = count_of(ref.hocr, "; textangle ");
	seen.gt = count_of(ref.hocr, "&gt;");
	seen.careas = count_of(ref.hocr, "class='ocr_carea'");
	seen.photos = count_of(ref.hocr, "class='ocr_photo'");
	seen.rules = count_of(ref.hocr, "class='ocr_separator'");
	seen.sideways = ref.sideways;
	seen.fsize = count_of(ref.hocr, "; x_fsize ");
	fprintf(stderr, "   hOCR: %d x_alts, %d lang='eng', %d &amp; %d &lt; %d &gt; %d &quot; %d"
	    " &#39;, %d textangle, %d text blocks, %d photos, %d rules\n", seen.alts, seen.eng,
	    seen.amp, seen.lt, seen.gt, seen.quot, seen.apos, seen.textangle, seen.careas,
	    seen.photos, seen.rules);
	CHECKM(same("text", fast.text, ref.text), name);
	CHECKM(same("hOCR", fast.hocr, ref.hocr), name);
	CHECK_INT(fast.any, ref.any);
	CHECK_INT(fast.words, ref.words);
	CHECK_INT(fast.known, ref.known);
	CHECK_INT(fast.sideways, ref.sideways);
	if (check_forced) {
		CHECK_INT(forced.rc, 1);
		CHECK_STR(forced.why, "asked");
		CHECKM(same("forced text", forced.text, ref.text), name);
		CHECKM(same("forced hOCR", forced.hocr, ref.hocr), name);
		CHECK_INT(forced.words, ref.words);
		CHECK_INT(forced.known, ref.known);
		CHECK_INT(forced.sideways, ref.sideways);
		check_forced = 0;
	}
	rc = fast.rc;
	*words = ref.words;
	*why = fast.why;
	reading_free(&ref);
	reading_free(&fast);
	reading_free(&forced);
	TessBaseAPIEnd(api);
	TessBaseAPIDelete(api);
	return rc;
}

/* Renders one page with render_scans.py's arguments args into the current
 * directory's subdirectory dir; the page, or NULL. */
static PIX *
render(const char *dir, const char *args)
{
	char cmd[4 * PATH_MAX], path[2 * PATH_MAX];
	struct dirent *e;
	DIR *d;
	PIX *pix = NULL;

	snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/tests/tools/render_scans.py' --out '%s'"
	    " --truth '%s/.truth' --count 1 --pages 1 %s > /dev/null", src_dir, dir, dir, args);
	if (system(cmd) != 0) {
		CHECKM(0, cmd);
		return NULL;
	}
	if (!(d = opendir(dir)))
		return NULL;
	while (!pix && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			pix = pixRead(path);
		}
	closedir(d);
	CHECKM(pix != NULL, dir);
	return pix;
}

/* Renders and checks one kind of page; the linear walk must walk it. */
static void
check_rendered(const char *dir, const char *args, const char *languages)
{
	PIX *pix = render(dir, args);
	const char *why = NULL;
	int words = 0;

	if (!pix)
		return;
	CHECK_INT(check_page(dir, pix, languages, &words, &why), 0);
	CHECKM(words > 20, dir);
	pixDestroy(&pix);
}

/* A clean page, and one read with vie+eng (words tagged lang='eng' in a
 * paragraph of 'vie'). */
static void
test_clean(void)
{
	check_rendered("clean", "--seed 11 --formats png", "vie");
	/* The rule under "Độc lập - Tự do - Hạnh phúc" is a block of its own,
	 * with a "word": left out of the text, an ocr_separator in the hOCR. */
	CHECK(seen.rules > 0);
	CHECK(seen.alts > 0);
	check_rendered("mixed", "--seed 12 --formats png --types CV", "vie+eng");
	CHECK(seen.eng > 0);
}

/* What scanners, phones and fax machines give. */
static void
test_scans(void)
{
	check_rendered("skewed", "--seed 21 --scan --formats png --skew 2.5", "vie");
	check_rendered("speckled", "--seed 22 --scan --formats tiff-gray --skew -3 --noise", "vie");
	check_rendered("photo", "--seed 23 --photo --color --formats jpeg --jpeg-quality 70",
	    "vie");
	/* The shadow of the phone is a picture: an ocr_photo. */
	CHECK(seen.photos > 0);
	check_rendered("g4", "--seed 24 --scan --bilevel --dpi 200 --formats tiff-g4 --skew 1",
	    "vie");
	check_rendered("header", "--seed 25 --header wrap3 --types BB --formats png", "vie");
}

/* Pages read as they came, not turned upright: turned a quarter, the lines
 * are blocks of vertical text (hOCR textangle, sideways words); upside
 * down, the reading is poor. */
static void
test_turned(void)
{
	PIX *pix = render("turned", "--seed 31 --formats png --rotate 90");
	const char *why = NULL;
	int words = 0;

	if (pix) {
		CHECK_INT(check_page("turned", pix, "vie", &words, &why), 0);
		CHECK(seen.sideways > 0);
		pixDestroy(&pix);
	}
	pix = render("upside", "--seed 32 --formats png --rotate 180");
	if (pix) {
		CHECK(check_page("upside", pix, "vie", &words, &why) >= 0);
		pixDestroy(&pix);
	}
}

/* A photograph pasted on a page of text: Tesseract finds an image block
 * among the text blocks, which has no words. */
static void
test_photo_block(void)
{
	PIX *pix = render("pasted", "--seed 41 --formats png"), *g = NULL, *photo = NULL;
	const char *why = NULL;
	int words = 0, w, h;

	if (!pix)
		return;
	g = pixConvertTo8(pix, 0);
	CHECK(g != NULL);
	if (!g)
		goto out;
	w = pixGetWidth(g);
	h = pixGetHeight(g);
	/* A grey wash with dark blots: a picture, not text. */
	photo = pixCreate(w / 2, h / 5, 8);
	for (int y = 0; y < h / 5; y++)
		for (int x = 0; x < w / 2; x++)
			pixSetPixel(photo, x, y, (l_uint32)(90 + (x * 7 + y * 3) % 120
			    - (((x / 40 + y / 40) % 3 == 0) ? 80 : 0)));
	pixRasterop(g, w / 4, h / 2, w / 2, h / 5, PIX_SRC, photo, 0, 0);
	pixSetResolution(g, 300, 300);
	CHECK_INT(check_page("pasted", g, "vie", &words, &why), 0);
	CHECK(words > 20);
out:
	pixDestroy(&photo);
	pixDestroy(&g);
	pixDestroy(&pix);
}

/* Text with every character hOCR escapes: & < > " '. */
static void
test_escaped(void)
{
	char cmd[4 * PATH_MAX];
	PIX *pix;
	const char *why = NULL;
	int words = 0;

	snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c '\n"
	    "from PIL import Image, ImageDraw, ImageFont\n"
	    "f = ImageFont.truetype(\"/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf\", 50)\n"
	    "im = Image.new(\"L\", (2480, 1200), 255)\n"
	    "d = ImageDraw.Draw(im)\n"
	    "lines = [\"Bi\\u00ean b\\u1ea3n A & B, s\\u1ed1 <12> ng\\u00e0y 5/3\",\n"
	    "         \"\\x22H\\u1ee3p \\u0111\\u1ed3ng\\x22 v\\u00e0 \\x27ph\\u1ee5 l\\u1ee5c\\x27 > 3 & < 9\",\n"
	    "         \"Gi\\u00e1 1.250.000 \\u0111\\u1ed3ng (m\\u1ed9t tri\\u1ec7u) - 25%% & 7\"]\n"
	    "for i, s in enumerate(lines):\n"
	    "    d.text((200, 200 + 150 * i), s, font=f, fill=0)\n"
	    "im.save(\"escaped.png\", dpi=(300, 300))\n'");
	CHECKM(system(cmd) == 0, "cannot draw escaped.png");
	pix = pixRead("escaped.png");
	CHECK(pix != NULL);
	if (!pix)
		return;
	CHECK_INT(check_page("escaped", pix, "vie", &words, &why), 0);
	CHECK(words >= 10);
	CHECK(seen.amp > 0 && seen.lt > 0 && seen.gt > 0 && seen.quot > 0 && seen.apos > 0);
	pixDestroy(&pix);
}

/* With Tesseract's hocr_font_info on, its hOCR has what the linear walk
 * does not write: the page goes to Tesseract's own walks, by itself. */
static void
test_fallback(void)
{
	PIX *pix = render("fonts", "--seed 51 --formats png");
	const char *why = NULL;
	int words = 0;

	if (!pix)
		return;
	hocr_font_info = 1;
	CHECK_INT(check_page("fonts", pix, "vie", &words, &why), 1);
	CHECK_STR(why, "hocr_font_info");
	CHECK(seen.fsize > 0);
	hocr_font_info = 0;
	pixDestroy(&pix);
}

/* A white page and one with a speck and a short rule: no text, or next to
 * none. */
static void
test_nearly_empty(void)
{
	PIX *pix = pixCreate(2480, 3508, 8);
	const char *why = NULL;
	int words = -1;

	CHECK(pix != NULL);
	if (!pix)
		return;
	pixSetAll(pix);
	pixSetResolution(pix, 300, 300);
	CHECK(check_page("white", pix, "vie", &words, &why) >= 0);
	CHECK_INT(words, 0);
	/* Black (PIX_CLR: 0) on white. */
	pixRasterop(pix, 1200, 1700, 12, 12, PIX_CLR, NULL, 0, 0);
	pixRasterop(pix, 400, 600, 300, 4, PIX_CLR, NULL, 0, 0);
	CHECK(check_page("speck", pix, "vie", &words, &why) >= 0);
	pixDestroy(&pix);
}

int
main(void)
{
	const char *src = getenv("SOHOA_SRCDIR");

	if (!src) {
		if (!getcwd(src_dir, sizeof src_dir)) {
			perror("getcwd");
			return 2;
		}
	} else {
		snprintf(src_dir, sizeof src_dir, "%s", src);
	}
	setLeptDebugOK(0);
#define RUN(fn) (check_forced = 1, TEST_RUN(fn))
	RUN(test_clean);
	RUN(test_scans);
	RUN(test_turned);
	RUN(test_photo_block);
	RUN(test_escaped);
	RUN(test_fallback);
	RUN(test_nearly_empty);
	return TEST_DONE();
}
