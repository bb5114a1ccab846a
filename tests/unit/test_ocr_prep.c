/*
 * test_ocr_prep.c - the OCR worker's preparation of a page (lib/ocr_prep.c,
 * ocr_int.h) on real pages: the orientation of pages the reduced copy's
 * quick test leaves undecided, found without Tesseract's OSD (a page turned
 * a quarter turned back, an upright speckled page left upright), and the
 * unevenly lit grey page told from an evenly lit one (PREP_LOOK_UNEVEN) on
 * the reduced copy, while colour and bilevel pages never are; and the
 * page's JPEG for the PDF (ocr_pdf.c) the same bytes as Leptonica's.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <leptonica/allheaders.h>

#include "test.h"
#include "ocr_int.h"

static char fixture_dir[PATH_MAX];

static PIX *
fixture(const char *name)
{
	char path[PATH_MAX];
	PIX *pix;

	snprintf(path, sizeof path, "%s/%s", fixture_dir, name);
	pix = pixRead(path);
	if (!pix)
		fprintf(stderr, "cannot read %s\n", path);
	return pix;
}

/* Straightens pix without OSD; returns the turn, *looks the flags. */
static int
turn_of(PIX *pix, int *looks, float *skew)
{
	struct prep_times pt = { 0, 0, 0, 0, 0 };
	int rot = -1;
	PIX *out = sohoa_ocr_straighten(NULL, pix, 300, 0, &rot, skew, looks, &pt);

	CHECK(out != NULL);
	if (out && rot % 180 != 0) {
		CHECK_INT(pixGetWidth(out), pixGetHeight(pix));
		CHECK_INT(pixGetHeight(out), pixGetWidth(pix));
	}
	pixDestroy(&out);
	return rot;
}

/* Without OSD (osd NULL) a page the quick test leaves undecided was taken
 * as it came: the quarter-turned page stayed on its side. */
static void
test_orientation_without_osd(void)
{
	PIX *turned = fixture("turned90.tif"), *speckled = fixture("speckled.tif");
	PIX *half = NULL;
	int looks = 0;
	float skew = 9;

	CHECK(turned && speckled);
	if (!turned || !speckled)
		goto out;
	CHECK_INT(turn_of(turned, &looks, &skew), 90);
	CHECK(skew == 0.0f);
	CHECK_INT(turn_of(speckled, &looks, &skew), 0);
	CHECK(looks & PREP_LOOK_SPECKLED);
	/* The same page upside down is turned the half turn. */
	half = pixRotateOrth(speckled, 2);
	CHECK(half != NULL);
	if (half)
		CHECK_INT(turn_of(half, &looks, &skew), 180);
out:
	pixDestroy(&turned);
	pixDestroy(&speckled);
	pixDestroy(&half);
}

/* The quick orientation test takes the left/right score as the up/down
 * test of the page turned a quarter clockwise, reusing its own up/down
 * score, instead of calling pixOrientDetect(): the same two scores as the
 * installed Leptonica's pixOrientDetect() on real pages, upright, turned and
 * upside down, at full and half resolution. */
static void
test_orientation_scores_as_leptonica(void)
{
	static const char *names[] = { "turned90.tif", "speckled.tif" };
	int n = 0;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		PIX *pix = fixture(names[i]), *bin, *small;
		CHECK(pix != NULL);
		if (!pix)
			continue;
		bin = pixConvertTo1(pix, 140);
		small = bin ? pixReduceRankBinaryCascade(bin, 1, 0, 0, 0) : NULL;
		CHECK(bin && small);
		for (int k = 0; k < 4 && bin && small; k++) {
			PIX *page = pixRotateOrth(k < 2 ? bin : small, k % 2 ? 2 : 0), *quarter;
			l_float32 up = 0, left = 0, up2 = 1, left2 = 1;
			CHECK(page != NULL);
			if (!page)
				continue;
			quarter = pixRotate90(page, 1);
			CHECK_INT(pixOrientDetect(page, &up, &left, 0, 0), 0);
			CHECK_INT(pixUpDownDetect(page, &up2, 0, 0, 0), 0);
			CHECK_INT(pixUpDownDetect(quarter, &left2, 0, 0, 0), 0);
			CHECK(up == up2 && left == left2);
			CHECK(up != 0.0f && left != 0.0f);
			n++;
			pixDestroy(&quarter);
			pixDestroy(&page);
		}
		pixDestroy(&small);
		pixDestroy(&bin);
		pixDestroy(&pix);
	}
	CHECK_INT(n, 8);
}

/* An A4 grey page at 300 dpi with lines of "text", its paper at level
 * `left` on the left edge falling linearly to `right` on the right. */
static PIX *
lit_page(int left, int right, int depth)
{
	int w = 2480, h = 3508;
	PIX *pix = pixCreate(w, h, 8), *out;

	for (int x = 0; x < w; x++) {
		int v = left + (right - left) * x / (w - 1);
		BOX *col = boxCreate(x, 0, 1, h);
		pixSetInRectArbitrary(pix, col, (l_uint32)v);
		boxDestroy(&col);
	}
	for (int y = 300; y < h - 300; y += 80) {
		BOX *line = boxCreate(250, y, w - 500, 25);
		pixClearInRect(pix, line);
		boxDestroy(&line);
	}
	out = depth == 32 ? pixConvert8To32(pix) : depth == 1 ? pixConvertTo1(pix, 100)
	    : pixClone(pix);
	pixDestroy(&pix);
	pixSetResolution(out, 300, 300);
	return out;
}

static int
looks_of(PIX *pix)
{
	int looks = 0;
	float skew = 0;

	turn_of(pix, &looks, &skew);
	return looks;
}

static void
test_uneven_light(void)
{
	PIX *shadow = lit_page(245, 150, 8), *even = lit_page(240, 232, 8);
	PIX *colour = lit_page(245, 150, 32), *bilevel = lit_page(245, 150, 1);

	CHECK(shadow && even && colour && bilevel);
	if (shadow && even && colour && bilevel) {
		CHECK(looks_of(shadow) & PREP_LOOK_UNEVEN);
		CHECK(!(looks_of(even) & PREP_LOOK_UNEVEN));
		CHECK(!(looks_of(colour) & PREP_LOOK_UNEVEN));
		CHECK(!(looks_of(bilevel) & PREP_LOOK_UNEVEN));
	}
	/* And what Tesseract reads of the shadowed page is levelled: its
	 * paper on the right is as light as on the left. */
	if (shadow) {
		struct prep_times pt = { 0, 0, 0, 0, 0 };
		PIX *in = sohoa_ocr_prepare(shadow, 300, PREP_LOOK_UNEVEN, &pt);
		l_uint32 l = 0, r = 0;
		CHECK(in != NULL && in != shadow);
		if (in) {
			pixGetPixel(in, 100, 1000, &l);
			pixGetPixel(in, 2380, 1000, &r);
			CHECK(r + 10 >= l);
		}
		pixDestroy(&in);
	}
	pixDestroy(&shadow);
	pixDestroy(&even);
	pixDestroy(&colour);
	pixDestroy(&bilevel);
}

/* The JPEG sohoa_ocr_pdf_write_jpeg() writes of pix is byte for byte the
 * one Leptonica's pixWriteJpeg() writes (quality 85, as the PDF's). */
static void
same_jpeg(PIX *pix, const char *what)
{
	char path[] = "/tmp/sohoa-test-jpeg.XXXXXX";
	l_uint8 *lept = NULL, *ours = NULL;
	size_t nlept = 0, nours = 0;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	CHECK(pixWriteMemJpeg(&lept, &nlept, pix, 85, 0) == 0);
	CHECK_INT(sohoa_ocr_pdf_write_jpeg(path, pix, 85), 0);
	ours = l_binaryRead(path, &nours);
	CHECK(ours != NULL && nours > 1000);
	if (nours != nlept || !ours || !lept || memcmp(ours, lept, nours) != 0) {
		fprintf(stderr, "  %s: %zu bytes against Leptonica's %zu, not the same\n", what,
		    nours, nlept);
		CHECK(0);
	}
	free(lept);
	free(ours);
	unlink(path);
}

static void
test_page_jpeg(void)
{
	PIX *bin = fixture("speckled.tif"), *grey = NULL, *odd = NULL, *r = NULL, *colour = NULL;
	PIX *oddc = NULL, *b = NULL;
	BOX *box = boxCreate(3, 5, 1001, 777);

	CHECK(bin && box);
	if (!bin || !box)
		goto out;
	/* A grey page: the scan's text on a paper tone lit from one side. */
	grey = lit_page(245, 150, 8);
	CHECK(grey != NULL);
	if (grey) {
		PIX *t8 = pixConvert1To8(NULL, bin, 255, 0);
		PIX *m = t8 ? pixMinOrMax(NULL, grey, t8, L_CHOOSE_MIN) : NULL;
		CHECK(m != NULL);
		pixDestroy(&t8);
		if (m) {
			pixDestroy(&grey);
			grey = m;
			pixSetResolution(grey, 300, 300);
		}
	}
	same_jpeg(grey, "grey page");
	/* A width that is no multiple of 4 (the row's last word padded). */
	odd = pixClipRectangle(grey, box, NULL);
	CHECK(odd != NULL);
	if (odd)
		same_jpeg(odd, "grey, 1001 px wide");
	/* Colour: red, green and blue planes that differ (a red seal's
	 * chroma), and a comment carried as Leptonica carries it. */
	r = pixRotateOrth(grey, 2);
	b = pixInvert(NULL, grey);
	colour = r && b ? pixCreateRGBImage(r, grey, b) : NULL;
	CHECK(colour != NULL);
	if (colour) {
		pixSetResolution(colour, 300, 300);
		same_jpeg(colour, "colour page");
		pixSetText(colour, "sohoa test page");
		oddc = pixClipRectangle(colour, box, NULL);
		CHECK(oddc != NULL);
		if (oddc)
			same_jpeg(oddc, "colour, 1001 px wide, with a comment");
	}
	/* Not for bilevel (G4 is the renderer's), nor a path it cannot write. */
	CHECK_INT(sohoa_ocr_pdf_write_jpeg("/tmp/sohoa-test-jpeg-bilevel.jpg", bin, 85), -1);
	CHECK(access("/tmp/sohoa-test-jpeg-bilevel.jpg", F_OK) != 0);
	CHECK_INT(sohoa_ocr_pdf_write_jpeg("/nonexistent-dir/page.jpg", grey, 85), -1);
out:
	boxDestroy(&box);
	pixDestroy(&bin);
	pixDestroy(&grey);
	pixDestroy(&odd);
	pixDestroy(&r);
	pixDestroy(&b);
	pixDestroy(&colour);
	pixDestroy(&oddc);
}

int
main(void)
{
	char cwd[PATH_MAX];
	const char *src = getenv("SOHOA_SRCDIR");

	if (!src) {
		if (!getcwd(cwd, sizeof cwd)) {
			perror("getcwd");
			return 2;
		}
		src = cwd;
	}
	snprintf(fixture_dir, sizeof fixture_dir, "%s/tests/unit/fixtures/prep", src);
	setLeptDebugOK(0);
	TEST_RUN(test_orientation_without_osd);
	TEST_RUN(test_orientation_scores_as_leptonica);
	TEST_RUN(test_uneven_light);
	TEST_RUN(test_page_jpeg);
	return TEST_DONE();
}
