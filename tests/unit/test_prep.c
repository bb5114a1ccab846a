/*
 * test_prep.c - the OCR worker's cheap looks at a page (lib/prep.c,
 * prep_int.h) on pages drawn with Leptonica: the reduced grey copy of a
 * 1, 8 and 32 bpp page at 300, 200 and 150 dpi (size, resolution, grey
 * levels of ink, paper and red), and the isolated specks counted and
 * removed on a reduced binary page while the "text" and the blots next to
 * it are kept.
 */
#include <leptonica/allheaders.h>

#include "test.h"
#include "prep_int.h"

/* An A4 page at dpi: white, a black bar (text) at a quarter of its
 * height, and on a colour page a pure red square lower down. */
static PIX *
page(int depth, int dpi)
{
	int w = (int)(8.27 * dpi), h = (int)(11.69 * dpi);
	PIX *pix = pixCreate(w, h, depth);
	BOX *bar = boxCreate(w / 8, h / 4, w / 2, h / 20);

	if (depth == 1) {
		pixClearAll(pix);
		pixSetInRect(pix, bar);
	} else {
		pixSetAll(pix);
		pixClearInRect(pix, bar);
	}
	if (depth == 32) {
		BOX *seal = boxCreate(w / 2, h / 2, w / 5, w / 5);
		pixSetInRectArbitrary(pix, seal, 0xff000000);    /* (255, 0, 0) */
		boxDestroy(&seal);
	}
	boxDestroy(&bar);
	pixSetResolution(pix, dpi, dpi);
	return pix;
}

static int
gray_at(PIX *pix, double fx, double fy)
{
	l_uint32 v = 0;
	pixGetPixel(pix, (int)(fx * pixGetWidth(pix)), (int)(fy * pixGetHeight(pix)), &v);
	return (int)v;
}

static void
test_reduce_every_depth_and_resolution(void)
{
	static const int depths[] = { 1, 8, 32 }, dpis[] = { 300, 200, 150, 600 };

	for (size_t d = 0; d < sizeof depths / sizeof *depths; d++)
		for (size_t r = 0; r < sizeof dpis / sizeof *dpis; r++) {
			PIX *pix = page(depths[d], dpis[r]), *small;
			int sdpi = 0, expect = dpis[r] > PREP_LOOK_DPI ? PREP_LOOK_DPI : dpis[r];
			double f = (double)expect / dpis[r];
			CHECK(pix != NULL);
			small = prep_reduce(pix, dpis[r], &sdpi);
			CHECKM(small != NULL, "a reduced copy");
			if (!small) {
				pixDestroy(&pix);
				continue;
			}
			CHECK_INT(pixGetDepth(small), 8);
			CHECK(pixGetColormap(small) == NULL);
			CHECK_INT(sdpi, expect);
			/* The size scaled like the resolution, to a pixel or two. */
			CHECK(abs(pixGetWidth(small) - (int)(pixGetWidth(pix) * f)) <= 2);
			CHECK(abs(pixGetHeight(small) - (int)(pixGetHeight(pix) * f)) <= 2);
			/* Paper white, ink black, where they were. */
			CHECK(gray_at(small, 0.05, 0.05) >= 250);
			CHECK(gray_at(small, 0.3, 0.275) <= 5);
			if (depths[d] == 32) {
				/* Red at its luminance (0.3 of full red): dark enough to
				 * be read as ink by the 140 threshold, as before. */
				int g = gray_at(small, 0.6, 0.55);
				CHECK(g >= 70 && g <= 82);
			}
			/* The page itself is untouched. */
			CHECK_INT(pixGetDepth(pix), depths[d]);
			pixDestroy(&small);
			pixDestroy(&pix);
		}
}

static void
test_reduce_colormapped_page(void)
{
	PIX *pix = page(8, 300), *cm = pixConvertGrayToColormap(pix), *small;
	int sdpi = 0;

	CHECK(cm != NULL && pixGetColormap(cm) != NULL);
	pixSetResolution(cm, 300, 300);
	small = prep_reduce(cm, 300, &sdpi);
	CHECK(small != NULL && pixGetDepth(small) == 8 && !pixGetColormap(small));
	CHECK_INT(sdpi, 150);
	CHECK(small && gray_at(small, 0.3, 0.275) <= 5 && gray_at(small, 0.05, 0.05) >= 250);
	pixDestroy(&small);
	pixDestroy(&cm);
	pixDestroy(&pix);
}

static void
test_despeckle_small(void)
{
	/* A binary page at 300 dpi (blots up to 4 px, gap 2 px): five lines
	 * of "text" (bars), 60 isolated 1-2 px specks far from them, and 20
	 * blots within the gap of the text (diacritics, dots: kept). */
	int w = 1240, h = 1754, count = -1;
	l_int32 before = 0, after = 0, text = 0;
	PIX *bin = pixCreate(w, h, 1), *clean, *textonly = pixCreate(w, h, 1);
	unsigned seed = 7;

	pixSetResolution(bin, 300, 300);
	for (int i = 0; i < 5; i++) {
		BOX *b = boxCreate(100, 200 + 100 * i, 900, 20);
		pixSetInRect(bin, b);
		pixSetInRect(textonly, b);
		boxDestroy(&b);
	}
	for (int i = 0; i < 20; i++) {
		/* One white row above a bar: within the 0.2 mm gap (2 px). */
		pixSetPixel(bin, 120 + 40 * i, 200 + 100 * (i % 5) - 2, 1);
		pixSetPixel(textonly, 120 + 40 * i, 200 + 100 * (i % 5) - 2, 1);
	}
	for (int i = 0; i < 60; i++) {
		int x, y;
		seed = seed * 1103515245u + 12345u;
		x = 20 + (int)((seed >> 8) % (unsigned)(w - 40));
		y = 900 + 12 * i;          /* below the text, 12 px apart */
		pixSetPixel(bin, x, y, 1);
		if (i % 2)
			pixSetPixel(bin, x + 1, y, 1);     /* a 2 px speck */
	}
	pixCountPixels(bin, &before, NULL);
	pixCountPixels(textonly, &text, NULL);
	clean = prep_despeckle_small(bin, 300, &count);
	CHECK(clean != NULL);
	CHECK_INT(count, 60);
	if (clean) {
		l_int32 same = 0;
		pixCountPixels(clean, &after, NULL);
		CHECK_INT(after, text);         /* every speck gone, nothing else */
		pixEqual(clean, textonly, &same);
		CHECK(same);
	}
	/* The input is left as it was. */
	pixCountPixels(bin, &after, NULL);
	CHECK_INT(after, before);
	pixDestroy(&clean);
	pixDestroy(&bin);
	pixDestroy(&textonly);
}

static void
test_specks_likely(void)
{
	CHECK(!prep_specks_likely(0, 150));
	CHECK(!prep_specks_likely(50, 150));       /* a clean colour scan's count */
	CHECK(!prep_specks_likely(74, 150));
	CHECK(prep_specks_likely(75, 150));
	CHECK(prep_specks_likely(2100, 150));      /* a speckled scan's */
}

/* A page of the depth filled with noise (every channel value, every
 * neighbour) but for a white band and a black one, seeded. */
static PIX *
noise_page(int w, int h, int depth, unsigned seed)
{
	PIX *pix = pixCreate(w, h, depth);

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			l_uint32 v;
			seed = seed * 1103515245u + 12345u;
			v = seed >> 1;
			if (y < h / 10)
				v = 0xffffffffu;      /* white: the largest weighted sums */
			else if (y < h / 5)
				v = 0;
			pixSetPixel(pix, x, y, depth == 8 ? (v >> 7) & 0xff : v & 0xffffff00u);
		}
	pixSetResolution(pix, 300, 300);
	return pix;
}

static void
test_rotate_am_same_as_leptonica(void)
{
	/* Odd and even sizes, angles of either sign up to the deskew range
	 * (5 degrees) and the smallest pixRotate makes. */
	static const int sizes[][2] = { { 401, 523 }, { 640, 480 }, { 2, 3 }, { 1237, 97 } };
	static const float degrees[] = { 2.48f, -3.02f, 0.1f, -0.06f, 5.0f, -1.5f };
	int n = 0;

	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
		for (int depth = 8; depth <= 32; depth += 24) {
			PIX *pix = noise_page(sizes[s][0], sizes[s][1], depth, 11u + (unsigned)s);
			for (size_t a = 0; a < sizeof degrees / sizeof degrees[0]; a++) {
				float angle = (float)(3.14159265358979323846 / 180.0) * degrees[a];
				PIX *ours = prep_rotate_am(pix, angle);
				PIX *theirs = pixRotate(pix, angle, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
				l_int32 same = 0;
				CHECK(ours != NULL && theirs != NULL);
				if (ours && theirs) {
					pixEqual(ours, theirs, &same);
					CHECKM(same, "prep_rotate_am differs from pixRotate");
					CHECK_INT(pixGetDepth(ours), depth);
					CHECK_INT(pixGetXRes(ours), 300);
					/* The page itself was turned, not copied. */
					pixEqual(ours, pix, &same);
					CHECK(!same || sizes[s][0] == 2);
					n++;
				}
				pixDestroy(&ours);
				pixDestroy(&theirs);
			}
			pixDestroy(&pix);
		}
	CHECK_INT(n, 48);
	/* Other pages go to pixRotate (a bilevel one is turned by shears). */
	{
		PIX *bin = noise_page(300, 200, 8, 5), *b1 = pixThresholdToBinary(bin, 128), *t, *u;
		l_int32 same = 0;
		t = prep_rotate_am(b1, 0.05f);
		u = pixRotate(b1, 0.05f, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
		CHECK(t != NULL && u != NULL && pixGetDepth(t) == 1);
		if (t && u)
			pixEqual(t, u, &same);
		CHECK(same);
		pixDestroy(&t);
		pixDestroy(&u);
		pixDestroy(&b1);
		pixDestroy(&bin);
	}
	CHECK(prep_rotate_am(NULL, 0.05f) == NULL);
}

/* White painted through a sparse mask (specks, odd widths, a mask bit in
 * the last column) as pixPaintThroughMask() paints it, grey and colour;
 * a bilevel page goes to Leptonica. */
static void
test_paint_white_same_as_leptonica(void)
{
	static const int sizes[][2] = { { 401, 523 }, { 640, 480 }, { 33, 7 } };
	int n = 0;

	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
		for (int depth = 8; depth <= 32; depth += 24) {
			int w = sizes[s][0], h = sizes[s][1];
			PIX *pix = noise_page(w, h, depth, 3u + (unsigned)s);
			PIX *mask = pixCreate(w, h, 1), *ours = pixCopy(NULL, pix);
			PIX *theirs = pixCopy(NULL, pix);
			unsigned seed = 17;
			l_int32 same = 0;
			for (int i = 0; i < w * h / 50; i++) {
				seed = seed * 1103515245u + 12345u;
				pixSetPixel(mask, (int)((seed >> 4) % (unsigned)w),
				    (int)((seed >> 16) % (unsigned)h), 1);
			}
			pixSetPixel(mask, w - 1, h - 1, 1);
			CHECK_INT(prep_paint_white(ours, mask), 0);
			CHECK_INT(pixPaintThroughMask(theirs, mask, 0, 0,
			    depth == 32 ? 0xffffff00 : 255), 0);
			pixEqual(ours, theirs, &same);
			CHECKM(same, "prep_paint_white differs from pixPaintThroughMask");
			pixEqual(ours, pix, &same);
			CHECK(!same);
			n++;
			pixDestroy(&pix);
			pixDestroy(&mask);
			pixDestroy(&ours);
			pixDestroy(&theirs);
		}
	CHECK_INT(n, 6);
	{
		PIX *bin = pixCreate(64, 8, 1), *mask = pixCreate(64, 8, 1);
		l_int32 c = -1;
		pixSetAll(bin);
		pixSetPixel(mask, 63, 7, 1);
		CHECK_INT(prep_paint_white(bin, mask), 0);
		pixCountPixels(bin, &c, NULL);
		CHECK_INT(c, 64 * 8 - 1);          /* white is 0 in bilevel */
		pixDestroy(&bin);
		pixDestroy(&mask);
	}
}

/* A quarter turn either way, grey and colour, odd and even sizes: the
 * pixels, size and resolution of pixRotate90()'s. */
static void
test_rotate_quarter_same_as_leptonica(void)
{
	static const int sizes[][2] = { { 401, 523 }, { 640, 480 }, { 3, 1 }, { 129, 65 } };
	int n = 0;

	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
		for (int depth = 8; depth <= 32; depth += 24)
			for (int dir = -1; dir <= 1; dir += 2) {
				PIX *pix = noise_page(sizes[s][0], sizes[s][1], depth, 29u + (unsigned)s);
				PIX *ours, *theirs;
				l_int32 same = 0;
				pixSetResolution(pix, 300, 200);
				ours = prep_rotate_quarter(pix, dir);
				theirs = pixRotate90(pix, dir);
				CHECK(ours && theirs);
				if (ours && theirs) {
					pixEqual(ours, theirs, &same);
					CHECKM(same, "prep_rotate_quarter differs from pixRotate90");
					CHECK_INT(pixGetWidth(ours), sizes[s][1]);
					CHECK_INT(pixGetXRes(ours), pixGetXRes(theirs));
					CHECK_INT(pixGetYRes(ours), pixGetYRes(theirs));
					CHECK_INT(pixGetSpp(ours), pixGetSpp(theirs));
					n++;
				}
				pixDestroy(&ours);
				pixDestroy(&theirs);
				pixDestroy(&pix);
			}
	CHECK_INT(n, 16);
	CHECK(prep_rotate_quarter(NULL, 1) == NULL);
}

/* A colour page halved to grey: the pixels and resolution of
 * pixScaleRGBToGray2()'s, odd and even sizes, the weights prep_reduce()
 * uses and others. */
static void
test_rgb_to_grey2_same_as_leptonica(void)
{
	static const int sizes[][2] = { { 401, 523 }, { 640, 480 }, { 9, 3 }, { 2, 2 }, { 1, 5 } };
	static const float weights[][3] = { { L_RED_WEIGHT, L_GREEN_WEIGHT, L_BLUE_WEIGHT },
	    { 0.299f, 0.587f, 0.114f }, { 1.0f, 0.0f, 0.0f }, { 0.34f, 0.34f, 0.34f } };
	int n = 0;

	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		PIX *pix = noise_page(sizes[s][0], sizes[s][1], 32, 41u + (unsigned)s);
		for (size_t k = 0; k < sizeof weights / sizeof weights[0]; k++) {
			PIX *ours = prep_rgb_to_grey2(pix, weights[k][0], weights[k][1], weights[k][2]);
			PIX *theirs = pixScaleRGBToGray2(pix, weights[k][0], weights[k][1], weights[k][2]);
			l_int32 same = 0;
			if (sizes[s][0] < 2) {
				CHECK(ours == NULL && theirs == NULL);
				continue;
			}
			CHECK(ours && theirs);
			if (ours && theirs) {
				pixEqual(ours, theirs, &same);
				CHECKM(same, "prep_rgb_to_grey2 differs from pixScaleRGBToGray2");
				CHECK_INT(pixGetDepth(ours), 8);
				CHECK_INT(pixGetXRes(ours), pixGetXRes(theirs));
				n++;
			}
			pixDestroy(&ours);
			pixDestroy(&theirs);
		}
		pixDestroy(&pix);
	}
	CHECK_INT(n, 16);
}

/* A grey page thresholded: the bits of pixThresholdToBinary(), widths
 * around a word's 32 pixels, thresholds at both ends. */
static void
test_threshold_same_as_leptonica(void)
{
	static const int sizes[][2] = { { 401, 523 }, { 640, 480 }, { 31, 3 }, { 33, 2 }, { 1, 1 } };
	static const int thresholds[] = { 128, 140, 1, 255 };
	int n = 0;

	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		PIX *pix = noise_page(sizes[s][0], sizes[s][1], 8, 53u + (unsigned)s);
		for (size_t k = 0; k < sizeof thresholds / sizeof thresholds[0]; k++) {
			PIX *ours = prep_threshold(pix, thresholds[k]);
			PIX *theirs = pixThresholdToBinary(pix, thresholds[k]);
			l_int32 same = 0;
			CHECK(ours && theirs);
			if (ours && theirs) {
				pixEqual(ours, theirs, &same);
				CHECKM(same, "prep_threshold differs from pixThresholdToBinary");
				CHECK_INT(pixGetDepth(ours), 1);
				CHECK_INT(pixGetXRes(ours), pixGetXRes(theirs));
				n++;
			}
			pixDestroy(&ours);
			pixDestroy(&theirs);
		}
		pixDestroy(&pix);
	}
	CHECK_INT(n, 20);
}

int
main(void)
{
	setMsgSeverity(L_SEVERITY_NONE);
	TEST_RUN(test_reduce_every_depth_and_resolution);
	TEST_RUN(test_reduce_colormapped_page);
	TEST_RUN(test_despeckle_small);
	TEST_RUN(test_specks_likely);
	TEST_RUN(test_rotate_am_same_as_leptonica);
	TEST_RUN(test_paint_white_same_as_leptonica);
	TEST_RUN(test_rotate_quarter_same_as_leptonica);
	TEST_RUN(test_rgb_to_grey2_same_as_leptonica);
	TEST_RUN(test_threshold_same_as_leptonica);
	return TEST_DONE();
}
