/*
 * test_ocr_pdftext.c - the one-pass text layer of a PDF page
 * (lib/ocr_pdftext.cc) against its oracle, the installed Tesseract's own
 * PDF renderer, on real pages: scans rendered by tests/tools/render_scans.py
 * (clean, skewed grey, turned a quarter and a half turn, a colour phone
 * photo, 200 dpi G4), prepared as the worker prepares them
 * (sohoa_ocr_straighten, sohoa_ocr_prepare), read by Tesseract (vie, and
 * vie+eng as a second reading), then written by TessPDFRenderer into a
 * one-page PDF whose content stream (decoded by qpdf) must be the page's
 * image line followed by exactly, byte for byte, what sohoa_ocr_pdftext
 * gives for the same results.  Also: a nearly empty page, the empty page
 * a timed-out page gets (a 1x1 rectangle read: the renderer writes the
 * image line alone, which the worker's text-less pages rely on), and the
 * forced fallback (SOHOA_PDF_TEXT=renderer).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <leptonica/allheaders.h>
#include <qpdf/qpdf-c.h>
#include <tesseract/capi.h>

#include "test.h"
#include "fixture.h"
#include "sohoa/image.h"
#include "ocr_int.h"
#include "ocr_pdftext.h"

static char tools_dir[PATH_MAX];
static TessBaseAPI *vie, *mixed, *osd;
static double fast_ms, renderer_ms;     /* CPU time of both walks, all pages */

static double
cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Renders one page with render_scans.py (args: its options) into
 * <cwd>/<name>/ and reads it. */
static PIX *
render(const char *name, const char *args)
{
	char cmd[PATH_MAX * 2], path[PATH_MAX];
	FILE *ls;
	PIX *pix = NULL;

	snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s/render_scans.py' --out %s"
	    " --truth %s.truth --count 1 --pages 1 %s > /dev/null 2>&1", tools_dir, name, name, args);
	if (system(cmd) != 0) {
		fprintf(stderr, "  cannot render %s: %s\n", name, cmd);
		return NULL;
	}
	snprintf(cmd, sizeof cmd, "ls %s/*", name);
	if ((ls = popen(cmd, "r")) != NULL) {
		if (fgets(path, sizeof path, ls)) {
			path[strcspn(path, "\n")] = '\0';
			pix = pixRead(path);
		}
		pclose(ls);
	}
	if (!pix)
		fprintf(stderr, "  cannot read the page of %s\n", name);
	return pix;
}

/* The page upright, straight and prepared for OCR, as page_read does;
 * *dpi its resolution. */
static PIX *
prepare(PIX *orig, int *dpi)
{
	struct prep_times pt = { 0, 0, 0, 0, 0 };
	int rot = 0, looks = PREP_LOOK_SPECKLED;
	float skew = 0;
	PIX *pix, *in;

	*dpi = sohoa_image_resolution(orig);
	pix = sohoa_ocr_straighten(osd, orig, *dpi, 0, &rot, &skew, &looks, &pt);
	if (!pix)
		return NULL;
	in = sohoa_ocr_prepare(pix, *dpi, looks, &pt);
	pixDestroy(&pix);
	return in;
}

/* A page rendered with args (render), prepared (prepare); NULL if either
 * failed (said). */
static PIX *
rendered_input(const char *name, const char *args, int *dpi)
{
	PIX *orig = render(name, args), *in = NULL;

	CHECKM(orig != NULL, name);
	if (orig)
		in = prepare(orig, dpi);
	CHECKM(in != NULL, name);
	pixDestroy(&orig);
	return in;
}

/* Reads in with api: the whole page, or only its top-left pixel (the
 * worker's empty reading). */
static void
read_page(TessBaseAPI *api, PIX *in, int dpi, int whole)
{
	TessBaseAPISetImage2(api, in);
	TessBaseAPISetSourceResolution(api, dpi);
	if (!whole)
		TessBaseAPISetRectangle(api, 0, 0, 1, 1);
	CHECK(TessBaseAPIRecognize(api, NULL) == 0);
}

/* The decoded content stream of page 1 of the PDF at path (malloc'd,
 * NUL-terminated), or NULL. */
static char *
page_content(const char *path)
{
	qpdf_data q = qpdf_init();
	unsigned char *buf = NULL;
	size_t len = 0;
	char *text = NULL;

	qpdf_silence_errors(q);
	if (!(qpdf_read(q, path, NULL) & QPDF_ERRORS) && qpdf_get_num_pages(q) == 1
	    && !(qpdf_oh_get_page_content_data(q, qpdf_get_page_n(q, 0), &buf, &len) & QPDF_ERRORS)
	    && buf && (text = malloc(len + 1)) != NULL) {
		memcpy(text, buf, len);
		text[len] = '\0';
	}
	free(buf);
	qpdf_cleanup(&q);
	return text;
}

/* What Tesseract's renderer writes for the results api holds: the page's
 * content stream, or NULL. */
static char *
renderer_content(TessBaseAPI *api, const char *base)
{
	char path[PATH_MAX];
	TessResultRenderer *r = TessPDFRendererCreate(base, TessBaseAPIGetDatapath(api), 0);
	BOOL ok;
	double t0;

	if (!r)
		return NULL;
	ok = TessResultRendererBeginDocument(r, "");
	t0 = cpu_ms();
	ok = ok && TessResultRendererAddImage(r, api);
	renderer_ms += cpu_ms() - t0;
	ok = ok && TessResultRendererEndDocument(r);
	TessDeleteResultRenderer(r);
	if (!ok)
		return NULL;
	snprintf(path, sizeof path, "%s.pdf", base);
	return page_content(path);
}

/*
 * Reads in with api and checks that the renderer's content stream is its
 * image line followed by exactly the fast text.  Returns the fast text's
 * length (-1 when it gave none).
 */
static long
compare_page(TessBaseAPI *api, PIX *in, int dpi, const char *base)
{
	char *fast, *slow, *nl;
	const char *why = NULL;
	size_t len = 0;
	double t0;
	long n = -1;

	read_page(api, in, dpi, 1);
	t0 = cpu_ms();
	fast = sohoa_ocr_pdftext(api, &len, &why);
	fast_ms += cpu_ms() - t0;
	slow = renderer_content(api, base);
	CHECKM(fast != NULL, why ? why : "?");
	CHECKM(slow != NULL, base);
	if (fast && slow) {
		nl = strchr(slow, '\n');
		CHECKM(nl && strncmp(slow, "q ", 2) == 0 && strstr(slow, " cm /Im1 Do Q\n") == nl - 13,
		    base);
		if (nl && strcmp(nl + 1, fast) != 0) {
			size_t i = 0;
			while (nl[1 + i] && nl[1 + i] == fast[i])
				i++;
			fprintf(stderr, "  %s: differs at byte %zu of %zu:\n  renderer: %.80s\n"
			    "  fast:     %.80s\n", base, i, len, nl + 1 + i, fast + i);
			CHECKM(0, base);
		}
		CHECK_INT(strlen(fast), len);
		n = (long)len;
	}
	free(fast);
	free(slow);
	return n;
}

/* A rendered page of each kind, read as the worker reads it: the fast text
 * is the renderer's, and has text (a page of words is not written empty).
 * The second reading's engine (vie+eng) holds the page's results when it
 * wins: its walk is the renderer's too. */
static void
test_kinds_of_page(void)
{
	static const struct {
		const char *name, *args;
		int mixed;
	} kinds[] = {
		{ "clean", "--seed 1801 --formats png", 0 },
		{ "skewed", "--seed 1802 --formats tiff-gray --scan --skew 2.5", 0 },
		{ "turned90", "--seed 1803 --formats jpeg --scan --rotate 90", 0 },
		{ "turned180", "--seed 1804 --formats tiff-gray --rotate 180", 0 },
		{ "photo", "--seed 1805 --formats jpeg --color --photo --skew -2 --jpeg-quality 70", 0 },
		{ "g4", "--seed 1806 --formats tiff-g4 --dpi 200", 0 },
		{ "mixed", "--seed 1807 --formats png --scan --noise", 1 },
	};

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		TessBaseAPI *api = kinds[i].mixed ? mixed : vie;
		int dpi = 0;
		PIX *in = rendered_input(kinds[i].name, kinds[i].args, &dpi);
		long n;

		if (in) {
			n = compare_page(api, in, dpi, kinds[i].name);
			CHECKM(n > 1000, kinds[i].name);
			printf("     %s: %ld bytes of text objects\n", kinds[i].name, n);
		}
		TessBaseAPIClear(api);
		pixDestroy(&in);
	}
}

/* A nearly empty page: a few lines at the top of a white page. */
static void
test_nearly_empty(void)
{
	PIX *orig = render("sparse-src", "--seed 1808 --formats png"), *page = NULL, *in = NULL;
	int dpi = 0;

	CHECK(orig != NULL);
	if (orig && (page = pixCreateTemplate(orig)) != NULL) {
		if (pixGetDepth(page) == 1)     /* white: 0 bilevel, all bits set otherwise */
			pixClearAll(page);
		else
			pixSetAll(page);
		pixRasterop(page, 0, 0, pixGetWidth(orig), 420, PIX_SRC, orig, 0, 0);
		in = prepare(page, &dpi);
	}
	CHECK(in != NULL);
	if (in) {
		long n = compare_page(vie, in, dpi, "sparse");
		CHECK(n > 0 && n < 4000);
		printf("     sparse: %ld bytes of text objects\n", n);
	}
	TessBaseAPIClear(vie);
	pixDestroy(&in);
	pixDestroy(&page);
	pixDestroy(&orig);
}

/* A page that ran out of time gets a 1x1 rectangle read (page_emit): the
 * renderer writes nothing after the image line, and neither does the fast
 * walk; the same holds for every page the worker empties before the
 * renderer adds it (its text then comes from sohoa_ocr_pdftext). */
static void
test_emptied_page(void)
{
	int dpi = 0;
	PIX *in = rendered_input("emptied", "--seed 1809 --formats png", &dpi);
	char *fast, *slow;
	const char *why = NULL;
	size_t len = 1;

	if (!in)
		return;
	read_page(vie, in, dpi, 0);
	fast = sohoa_ocr_pdftext(vie, &len, &why);
	slow = renderer_content(vie, "emptied");
	CHECKM(fast != NULL, why ? why : "?");
	CHECK(slow != NULL);
	if (fast && slow) {
		CHECK_INT(len, 0);
		CHECK_STR(fast, "");
		CHECK(strchr(slow, '\n') && strchr(slow, '\n')[1] == '\0');
		CHECK(strstr(slow, " cm /Im1 Do Q\n") != NULL);
	}
	free(fast);
	free(slow);
	TessBaseAPIClear(vie);
	pixDestroy(&in);
}

/* SOHOA_PDF_TEXT=renderer: no fast text, the reason given, for a page that
 * has text; unset, the same page has it. */
static void
test_forced_fallback(void)
{
	int dpi = 0;
	PIX *in = rendered_input("forced", "--seed 1810 --formats png", &dpi);
	char *fast;
	const char *why = NULL;
	size_t len = 7;

	if (!in)
		return;
	read_page(vie, in, dpi, 1);
	setenv("SOHOA_PDF_TEXT", "renderer", 1);
	fast = sohoa_ocr_pdftext(vie, &len, &why);
	unsetenv("SOHOA_PDF_TEXT");
	CHECK(fast == NULL);
	CHECK_INT(len, 0);
	CHECK_STR(why, "SOHOA_PDF_TEXT=renderer");
	free(fast);
	why = NULL;
	fast = sohoa_ocr_pdftext(vie, &len, &why);
	CHECKM(fast != NULL && len > 1000, why ? why : "?");
	free(fast);
	TessBaseAPIClear(vie);
	pixDestroy(&in);
}

/* No results at all (a fresh engine): NULL with a reason, no crash. */
static void
test_no_results(void)
{
	TessBaseAPI *api = TessBaseAPICreate();
	const char *why = NULL;
	size_t len = 3;
	char *fast;

	CHECK(api != NULL);
	if (!api)
		return;
	fast = sohoa_ocr_pdftext(api, &len, &why);
	CHECK(fast == NULL);
	CHECK(why != NULL);
	CHECK_INT(len, 0);
	TessBaseAPIDelete(api);
}

static TessBaseAPI *
engine(const char *lang, int psm)
{
	TessBaseAPI *api = TessBaseAPICreate();

	if (api && TessBaseAPIInit3(api, NULL, lang) != 0) {
		TessBaseAPIDelete(api);
		return NULL;
	}
	if (api) {
		TessBaseAPISetPageSegMode(api, psm);
		TessBaseAPISetVariable(api, "debug_file", "/dev/null");
	}
	return api;
}

int
main(void)
{
	/* tests/tools, where render_scans.py is. */
	if (fx_fixture_dir(tools_dir, sizeof tools_dir, "../../tools") != 0)
		return 2;
	setLeptDebugOK(0);
	vie = engine("vie", PSM_AUTO);
	mixed = engine("vie+eng", PSM_AUTO);
	osd = engine("osd", PSM_OSD_ONLY);
	if (!vie || !mixed || !osd) {
		fprintf(stderr, "cannot load Tesseract's vie, eng and osd data\n");
		return 1;
	}
	TEST_RUN(test_no_results);
	TEST_RUN(test_kinds_of_page);
	TEST_RUN(test_nearly_empty);
	TEST_RUN(test_emptied_page);
	TEST_RUN(test_forced_fallback);
	printf("     the two walks' CPU time, all pages: one pass %.1f ms, renderer's AddImage %.1f ms\n",
	    fast_ms, renderer_ms);
	TessBaseAPIDelete(vie);
	TessBaseAPIDelete(mixed);
	TessBaseAPIDelete(osd);
	return TEST_DONE();
}
