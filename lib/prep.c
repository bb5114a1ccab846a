/*
 * prep.c - cheap looks at a page for the OCR worker's preparation: the
 * reduced grey copy that orientation and skew are decided on, and the
 * speck count on it (prep_int.h).  Leptonica's one-pass reductions and
 * 1 bpp operations only; see prep_int.h for the invariants.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

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

/*
 * The area-mapping rotation of Leptonica's pixRotateAMGray() and
 * pixRotateAMColor() (what pixRotate(..., L_ROTATE_AREA_MAP,
 * L_BRING_IN_WHITE, 0, 0) does with an 8 bpp grey or 3-sample colour page),
 * with the same arithmetic, in fewer instructions:
 *
 *  - each source position is Leptonica's, computed with the same single
 *    precision operations on the same operands (a product of a column's
 *    offset and 16 cos or 16 sin of the angle, less or plus a product of
 *    the row's offset), truncated to 1/16 of a pixel as it truncates; the
 *    two products that depend only on the column are computed once per
 *    image instead of once per pixel (IEEE products of the same operands
 *    are the same float, so each position is the same);
 *  - a colour pixel's three channels (and the alpha byte, cleared after)
 *    are weighted at once in the 16-bit lanes of one 64-bit word: a
 *    channel's weighted sum is at most 256 * 255 + 128 < 65536, so no lane
 *    carries into the next, and each lane holds what Leptonica's per-channel
 *    sum holds, rounded and divided by 256 alike.
 *
 * test_prep.c compares the result with the installed Leptonica's, byte for
 * byte, on grey and colour pages of odd and even sizes at angles of either
 * sign.  The page's straightening was a third to a half of the
 * preparation's CPU time on make bench-real's skewed pages.
 */
static void
rotate_am_columns(int w, int xcen, float cosa, float sina, float *colx, float *coly)
{
	for (int j = 0; j < w; j++) {
		int xdif = xcen - j;
		colx[j] = (float)(-xdif) * cosa;
		coly[j] = (float)xdif * sina;
	}
}

/* The weighted sum of four colour pixels, Leptonica's rounding. */
static inline l_uint32
rotate_am_blend(l_uint32 p00, l_uint32 p10, l_uint32 p01, l_uint32 p11, int xf, int yf)
{
	const uint64_t lanes = 0x00ff00ff00ff00ffULL;
	uint64_t a = ((uint64_t)p00 | (uint64_t)p00 << 24) & lanes;
	uint64_t b = ((uint64_t)p10 | (uint64_t)p10 << 24) & lanes;
	uint64_t c = ((uint64_t)p01 | (uint64_t)p01 << 24) & lanes;
	uint64_t d = ((uint64_t)p11 | (uint64_t)p11 << 24) & lanes;
	uint64_t s = a * (uint64_t)((16 - xf) * (16 - yf)) + b * (uint64_t)(xf * (16 - yf))
	    + c * (uint64_t)((16 - xf) * yf) + d * (uint64_t)(xf * yf) + 0x0080008000800080ULL;

	s = (s >> 8) & lanes;
	/* Lanes A, G, B, R back to RGBA; the alpha byte 0 as Leptonica
	 * composes it. */
	return (l_uint32)(s | s >> 24) & 0xffffff00u;
}

PIX *
prep_rotate_am(PIX *pix, float angle)
{
	int w, h, d, xcen, ycen, wm2, hm2, wpls, wpld;
	float sina, cosa, *colx, *coly;
	const l_uint32 *datas;
	l_uint32 *datad;
	PIX *out;

	if (!pix)
		return NULL;
	pixGetDimensions(pix, &w, &h, &d);
	/* pixRotate's own cases: a turn too small to make (a clone), a
	 * colormap, an alpha channel, other depths. */
	if ((d != 8 && d != 32) || pixGetColormap(pix) || (d == 32 && pixGetSpp(pix) == 4)
	    || fabsf(angle) < 0.001f || w < 2 || h < 2)
		return pixRotate(pix, angle, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
	colx = malloc(2 * (size_t)w * sizeof *colx);
	if (!colx)
		return NULL;
	coly = colx + w;
	if (!(out = pixCreateTemplateNoInit(pix))) {
		free(colx);
		return NULL;
	}
	xcen = w / 2;
	ycen = h / 2;
	wm2 = w - 2;
	hm2 = h - 2;
	sina = (float)(16. * sin(angle));
	cosa = (float)(16. * cos(angle));
	rotate_am_columns(w, xcen, cosa, sina, colx, coly);
	datas = pixGetData(pix);
	wpls = pixGetWpl(pix);
	datad = pixGetData(out);
	wpld = pixGetWpl(out);
	for (int i = 0; i < h; i++) {
		int ydif = ycen - i;
		float rowx = (float)ydif * sina, rowy = (float)(-ydif) * cosa;
		l_uint32 *lined = datad + (size_t)i * wpld;

		if (d == 8) {
			lined[wpld - 1] = 0;    /* the row's padding, as pixCreateTemplate leaves it */
			for (int j = 0; j < w; j++) {
				int xpm = (int)(colx[j] - rowx), ypm = (int)(rowy + coly[j]);
				int xp = xcen + (xpm >> 4), yp = ycen + (ypm >> 4);
				int xf = xpm & 0x0f, yf = ypm & 0x0f;
				const l_uint32 *lines;
				int v;
				if (xp < 0 || yp < 0 || xp > wm2 || yp > hm2) {
					SET_DATA_BYTE(lined, j, 255);
					continue;
				}
				lines = datas + (size_t)yp * wpls;
				v = (16 - xf) * (16 - yf) * GET_DATA_BYTE(lines, xp)
				    + xf * (16 - yf) * GET_DATA_BYTE(lines, xp + 1)
				    + (16 - xf) * yf * GET_DATA_BYTE(lines + wpls, xp)
				    + xf * yf * GET_DATA_BYTE(lines + wpls, xp + 1);
				SET_DATA_BYTE(lined, j, (v + 128) / 256);
			}
		} else {
			for (int j = 0; j < w; j++) {
				int xpm = (int)(colx[j] - rowx), ypm = (int)(rowy + coly[j]);
				int xp = xcen + (xpm >> 4), yp = ycen + (ypm >> 4);
				const l_uint32 *lines;
				if (xp < 0 || yp < 0 || xp > wm2 || yp > hm2) {
					lined[j] = 0xffffff00u;
					continue;
				}
				lines = datas + (size_t)yp * wpls + xp;
				lined[j] = rotate_am_blend(lines[0], lines[1], lines[wpls], lines[wpls + 1],
				    xpm & 0x0f, ypm & 0x0f);
			}
		}
	}
	free(colx);
	return out;
}

/*
 * prep_paint_white (prep_int.h).  The mask of a speckled
 * page's specks is nearly empty, and Leptonica's loop reads it a bit at a
 * time over the whole page: 9 of the 12 ms of painting a grey page
 * (copy included).  Here a mask word of 32 clear bits is skipped whole.
 */
int
prep_paint_white(PIX *pix, PIX *mask)
{
	int w = pixGetWidth(pix), h = pixGetHeight(pix), d = pixGetDepth(pix);
	int wpl = pixGetWpl(pix), wplm = pixGetWpl(mask);
	l_uint32 *data = pixGetData(pix);
	const l_uint32 *mdata = pixGetData(mask);

	if ((d != 8 && d != 32) || pixGetColormap(pix) || pixGetDepth(mask) != 1
	    || pixGetWidth(mask) != w || pixGetHeight(mask) != h)
		return pixPaintThroughMask(pix, mask, 0, 0,
		    d == 32 ? 0xffffff00 : d == 1 ? 0 : (1u << d) - 1);
	for (int y = 0; y < h; y++) {
		l_uint32 *line = data + (size_t)y * wpl;
		const l_uint32 *mline = mdata + (size_t)y * wplm;
		for (int x0 = 0; x0 < w; x0 += 32) {
			l_uint32 bits = mline[x0 >> 5];
			if (!bits)
				continue;
			for (int x = x0; x < x0 + 32 && x < w; x++)
				if (bits & (0x80000000u >> (x - x0))) {
					if (d == 8)
						SET_DATA_BYTE(line, x, 255);
					else
						line[x] = 0xffffff00u;
				}
		}
	}
	return 0;
}
