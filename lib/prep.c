/*
 * prep.c - cheap looks at a page for the OCR worker's preparation: the
 * reduced grey copy that orientation and skew are decided on, and the
 * speck count on it (prep_int.h).  Leptonica's one-pass reductions and
 * 1 bpp operations only; see prep_int.h for the invariants.
 */
#include <math.h>

#include "prep_int.h"

PIX *
prep_reduce(PIX *pix, int dpi, int *sdpi)
{
	int d = pixGetDepth(pix);
	float scale = dpi > PREP_LOOK_DPI ? (float)PREP_LOOK_DPI / (float)dpi : 1.0f;
	int half = fabsf(scale - 0.5f) < 0.01f;
	PIX *out = NULL, *t;

	*sdpi = scale < 1.0f ? (int)lroundf((float)dpi * scale) : dpi;
	if (pixGetColormap(pix)) {
		t = pixRemoveColormap(pix, REMOVE_CMAP_TO_GRAYSCALE);
		if (t)
			out = prep_reduce(t, dpi, sdpi);
		pixDestroy(&t);
		return out;
	}
	if (d == 1) {
		/* Each 1 bpp pixel counted into the grey level of its cell. */
		if (scale >= 1.0f)
			return pixConvertTo8(pix, 0);
		return half ? pixScaleToGray2(pix) : pixScaleToGray(pix, scale);
	}
	if (d == 32) {
		if (half)
			return pixScaleRGBToGray2(pix, L_RED_WEIGHT, L_GREEN_WEIGHT, L_BLUE_WEIGHT);
		t = scale < 1.0f ? pixScaleAreaMap(pix, scale, scale) : pixClone(pix);
		out = t ? pixConvertRGBToLuminance(t) : NULL;
		pixDestroy(&t);
		return out;
	}
	if (d != 8) {
		t = pixConvertTo8(pix, 0);
		out = t ? prep_reduce(t, dpi, sdpi) : NULL;
		pixDestroy(&t);
		return out;
	}
	if (scale >= 1.0f)
		return pixClone(pix);
	return half ? pixScaleAreaMap2(pix) : pixScaleAreaMap(pix, scale, scale);
}

PIX *
prep_despeckle_small(PIX *bin, int sdpi, int *count)
{
	/* find_specks' sizes (0.35 mm blot, 0.2 mm gap), at least a pixel. */
	int max = (int)lround(0.35 * sdpi / 25.4), gap = (int)lround(0.2 * sdpi / 25.4);
	l_int32 changed = 0, n = 0;
	PIX *small, *big = NULL, *near = NULL, *seed = NULL, *keep = NULL, *specks = NULL;
	PIX *out = NULL;

	*count = 0;
	if (max < 1)
		max = 1;
	if (gap < 1)
		gap = 1;
	small = pixSelectBySize(bin, max, max, 8, L_SELECT_IF_BOTH, L_SELECT_IF_LTE, &changed);
	if (small)
		big = pixSubtract(NULL, bin, small);
	if (big)
		near = pixDilateBrick(NULL, big, 2 * gap + 1, 2 * gap + 1);
	/* A small blot touching the neighbourhood of a letter is kept whole. */
	if (near)
		seed = pixAnd(NULL, small, near);
	if (seed)
		keep = pixSeedfillBinary(NULL, seed, small, 8);
	if (keep)
		specks = pixSubtract(NULL, small, keep);
	if (specks && pixCountConnComp(specks, 8, &n) == 0)
		*count = n;
	if (specks)
		out = pixSubtract(NULL, bin, specks);
	pixDestroy(&small);
	pixDestroy(&big);
	pixDestroy(&near);
	pixDestroy(&seed);
	pixDestroy(&keep);
	pixDestroy(&specks);
	return out;
}

int
prep_specks_likely(int count, int min_specks)
{
	/* At half resolution a 2 px speck is half grey and may fall under the
	 * threshold: speckled pages show 0.63 to 0.85 of their full-resolution
	 * count there, so half of it is a safe floor; clean scans show 0 to
	 * about 50 (bench-real's pages), speckled ones thousands. */
	return 2 * count >= min_specks;
}
