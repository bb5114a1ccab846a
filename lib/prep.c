/*
 * prep.c - cheap looks at a page for the OCR worker's preparation: the
 * reduced grey copy that orientation and skew are decided on, and the
 * speck count on it (prep_int.h), made by Leptonica's one-pass reductions
 * and 1 bpp operations; and three of Leptonica's full-page operations done
 * with its arithmetic in fewer instructions, the same pixels (area-mapping
 * rotation, quarter turn, white painted through a mask: test_prep.c
 * compares them with the installed Leptonica's).  See prep_int.h for the
 * invariants.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

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
			return prep_rgb_to_grey2(pix, L_RED_WEIGHT, L_GREEN_WEIGHT, L_BLUE_WEIGHT);
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
 *    are the same float), and a row's positions four at a time (SSE2: the
 *    same IEEE subtraction, addition and truncation per lane);
 *  - a grey pixel's weighted sum of its four neighbours a, b (right), c
 *    (below), d is Leptonica's (16-x)(16-y)a + x(16-y)b + (16-x)yc + xyd
 *    regrouped as 16t + y(u - t), t = 16a + x(b - a), u = 16c + x(d - c):
 *    the same integer in two multiplications instead of eight;
 *  - a colour pixel's four channels (the alpha byte cleared after, as
 *    Leptonica composes the pixel) are weighted at once in 16-bit lanes
 *    (SSE2; elsewhere in the lanes of a 64-bit word): a channel's weighted
 *    sum is at most 256 * 255 + 128 < 65536, so no lane overflows, and
 *    each lane is rounded and divided by 256 as Leptonica does.
 *
 * test_prep.c compares the result with the installed Leptonica's, byte for
 * byte, on grey and colour pages of noise, odd and even sizes, at angles of
 * either sign.  The rotation of make bench-real's skewed pages: grey 37 ->
 * 25 ms, colour turned +2 degrees 72 -> 23 ms, -2 degrees 111 -> 24 ms.
 */
#define STRIP_BYTES 2048

static void
rotate_am_columns(int w, int xcen, float cosa, float sina, float *colx, float *coly)
{
	for (int j = 0; j < w; j++) {
		int xdif = xcen - j;
		colx[j] = (float)(-xdif) * cosa;
		coly[j] = (float)xdif * sina;
	}
}

/* A row's source positions in 1/16 pixel (Leptonica's xpm, ypm). */
static void
rotate_am_row(const float *colx, const float *coly, float rowx, float rowy, int w, int *xpm,
    int *ypm)
{
	int j = 0;

#if defined(__SSE2__)
	__m128 rx = _mm_set1_ps(rowx), ry = _mm_set1_ps(rowy);

	for (; j + 4 <= w; j += 4) {
		_mm_storeu_si128((__m128i *)(void *)(xpm + j),
		    _mm_cvttps_epi32(_mm_sub_ps(_mm_loadu_ps(colx + j), rx)));
		_mm_storeu_si128((__m128i *)(void *)(ypm + j),
		    _mm_cvttps_epi32(_mm_add_ps(ry, _mm_loadu_ps(coly + j))));
	}
#endif
	for (; j < w; j++) {
		xpm[j] = (int)(colx[j] - rowx);
		ypm[j] = (int)(rowy + coly[j]);
	}
}

#if defined(__SSE2__)
/* The weights of the four neighbours for each 1/16 position (yf * 16 +
 * xf), four 16-bit lanes each: top row [w00 w00 w00 w00 w10 ...], bottom
 * row [w01 ... w11 ...]. */
struct rotate_am_weights {
	__m128i top[256], bottom[256];
};

static void
rotate_am_weights_init(struct rotate_am_weights *wt)
{
	for (int yf = 0; yf < 16; yf++)
		for (int xf = 0; xf < 16; xf++) {
			short w00 = (short)((16 - xf) * (16 - yf)), w10 = (short)(xf * (16 - yf));
			short w01 = (short)((16 - xf) * yf), w11 = (short)(xf * yf);
			wt->top[yf * 16 + xf] = _mm_setr_epi16(w00, w00, w00, w00, w10, w10, w10, w10);
			wt->bottom[yf * 16 + xf] = _mm_setr_epi16(w01, w01, w01, w01, w11, w11, w11, w11);
		}
}

/* The weighted sum of the colour pixels p[0], p[1] and below them q[0],
 * q[1], Leptonica's rounding, alpha 0. */
static inline l_uint32
rotate_am_blend(const l_uint32 *p, const l_uint32 *q, const struct rotate_am_weights *wt, int k)
{
	const __m128i zero = _mm_setzero_si128();
	__m128i top = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(const void *)p), zero);
	__m128i bot = _mm_unpacklo_epi8(_mm_loadl_epi64((const __m128i *)(const void *)q), zero);
	__m128i s = _mm_add_epi16(_mm_mullo_epi16(top, wt->top[k]), _mm_mullo_epi16(bot, wt->bottom[k]));

	s = _mm_add_epi16(s, _mm_srli_si128(s, 8));
	s = _mm_srli_epi16(_mm_add_epi16(s, _mm_set1_epi16(128)), 8);
	return (l_uint32)_mm_cvtsi128_si32(_mm_packus_epi16(s, s)) & 0xffffff00u;
}
#else
struct rotate_am_weights {
	int unused;
};

static void
rotate_am_weights_init(struct rotate_am_weights *wt)
{
	wt->unused = 0;
}

/* As above, the channels in the 16-bit lanes of a 64-bit word. */
static inline l_uint32
rotate_am_blend(const l_uint32 *p, const l_uint32 *q, const struct rotate_am_weights *wt, int k)
{
	const uint64_t lanes = 0x00ff00ff00ff00ffULL;
	int xf = k & 15, yf = k >> 4;
	uint64_t a = ((uint64_t)p[0] | (uint64_t)p[0] << 24) & lanes;
	uint64_t b = ((uint64_t)p[1] | (uint64_t)p[1] << 24) & lanes;
	uint64_t c = ((uint64_t)q[0] | (uint64_t)q[0] << 24) & lanes;
	uint64_t d = ((uint64_t)q[1] | (uint64_t)q[1] << 24) & lanes;
	uint64_t s = a * (uint64_t)((16 - xf) * (16 - yf)) + b * (uint64_t)(xf * (16 - yf))
	    + c * (uint64_t)((16 - xf) * yf) + d * (uint64_t)(xf * yf) + 0x0080008000800080ULL;

	(void)wt;
	s = (s >> 8) & lanes;
	/* Lanes A, G, B, R back to RGBA, alpha 0. */
	return (l_uint32)(s | s >> 24) & 0xffffff00u;
}
#endif

/* Whether the source position (1/16 pixel) has its four neighbours in the
 * page: else the pixel is white (Leptonica's bounds). */
static inline int
rotate_am_inside(int xpm, int ypm, int xcen, int ycen, int wm2, int hm2)
{
	int xp = xcen + (xpm >> 4), yp = ycen + (ypm >> 4);

	return xp >= 0 && yp >= 0 && xp <= wm2 && yp <= hm2;
}

/* A grey pixel from its four neighbours (see above). */
static inline int
rotate_am_grey(const l_uint32 *datas, int wpls, int xcen, int ycen, int xpm, int ypm)
{
	int xp = xcen + (xpm >> 4), xf = xpm & 0x0f, yf = ypm & 0x0f, t, u;
	const l_uint32 *lines = datas + (size_t)(ycen + (ypm >> 4)) * wpls;

	t = 16 * GET_DATA_BYTE(lines, xp) + xf * (GET_DATA_BYTE(lines, xp + 1) - GET_DATA_BYTE(lines, xp));
	lines += wpls;
	u = 16 * GET_DATA_BYTE(lines, xp) + xf * (GET_DATA_BYTE(lines, xp + 1) - GET_DATA_BYTE(lines, xp));
	/* Never negative (it is Leptonica's sum of products of bytes):
	 * divided as unsigned, without a signed division's fix-up. */
	return (int)((unsigned)(16 * t + yf * (u - t) + 128) >> 8);
}

/* A colour pixel from its four neighbours. */
static inline l_uint32
rotate_am_colour(const l_uint32 *datas, int wpls, int xcen, int ycen, int xpm, int ypm,
    const struct rotate_am_weights *wt)
{
	const l_uint32 *p = datas + (size_t)(ycen + (ypm >> 4)) * wpls + xcen + (xpm >> 4);

	return rotate_am_blend(p, p + wpls, wt, (ypm & 0x0f) * 16 + (xpm & 0x0f));
}

PIX *
prep_rotate_am(PIX *pix, float angle)
{
	int w, h, d, xcen, ycen, wm2, hm2, wpls, wpld, strip, inside, *xpm, *ypm;
	float sina, cosa, *colx, *coly;
	const l_uint32 *datas;
	l_uint32 *datad;
	struct rotate_am_weights *wt = NULL;
	void *mem;
	PIX *out;

	if (!pix)
		return NULL;
	pixGetDimensions(pix, &w, &h, &d);
	/* pixRotate's own cases: a turn too small to make (a clone), a
	 * colormap, an alpha channel, other depths. */
	if ((d != 8 && d != 32) || pixGetColormap(pix) || (d == 32 && pixGetSpp(pix) == 4)
	    || fabsf(angle) < 0.001f || w < 2 || h < 2)
		return pixRotate(pix, angle, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
	/* Two float and two int arrays of the width (floats and ints are
	 * both 4 bytes), then the weights, aligned for SSE2. */
	mem = aligned_alloc(64, (4 * (size_t)w * sizeof(float) + sizeof *wt + 63) / 64 * 64);
	if (!mem)
		return NULL;
	colx = mem;
	coly = colx + w;
	xpm = (int *)(void *)(coly + w);
	ypm = xpm + w;
	if (d == 32) {
		wt = (struct rotate_am_weights *)(void *)((char *)mem
		    + (4 * (size_t)w * sizeof(float) + 63) / 64 * 64);
		rotate_am_weights_init(wt);
	}
	if (!(out = pixCreateTemplateNoInit(pix))) {
		free(mem);
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
	/* In strips of the page's width (STRIP_BYTES of a row), row after
	 * row in each: a row of the page reads its pixels along a line that
	 * crosses (page width) * sin(angle) rows of the source, each in a
	 * page of memory of its own, and the whole row's span misses the
	 * caches and the TLB (whole rows: a colour page turned -2 degrees 61
	 * ms, in strips 35, and bottom up, below, 24); a strip's span is a few
	 * rows, which the next row reads again.  Every pixel is computed
	 * alone, so the order does not change it. */
	strip = STRIP_BYTES / (d / 8);
	for (int j0 = 0; j0 < w; j0 += strip) {
		int j1 = w - j0 < strip ? w : j0 + strip;
		for (int ii = 0; ii < h; ii++) {
			/* Turned counter-clockwise, bottom up: the source rows a
			 * row of the strip reads then come in the order the
			 * previous row read them (the colour page turned -2
			 * degrees: 35-42 -> 24 ms, as fast as turned +2). */
			int i = sina < 0 ? h - 1 - ii : ii, ydif = ycen - i;
			l_uint32 *lined = datad + (size_t)i * wpld;

			rotate_am_row(colx + j0, coly + j0, (float)ydif * sina, (float)(-ydif) * cosa,
			    j1 - j0, xpm, ypm);
			/* Positions are monotonic along a row (products by one
			 * constant, a difference with one, truncation): when both
			 * ends are inside the page, every pixel between is. */
			inside = rotate_am_inside(xpm[0], ypm[0], xcen, ycen, wm2, hm2)
			    && rotate_am_inside(xpm[j1 - j0 - 1], ypm[j1 - j0 - 1], xcen, ycen, wm2, hm2);
			if (d == 8) {
				if (j1 == w)
					lined[wpld - 1] = 0;    /* the row's padding, as pixCreateTemplate leaves it */
				if (inside) {
					for (int j = j0; j < j1; j++)
						SET_DATA_BYTE(lined, j, rotate_am_grey(datas, wpls, xcen, ycen,
						    xpm[j - j0], ypm[j - j0]));
					continue;
				}
				for (int j = j0; j < j1; j++)
					SET_DATA_BYTE(lined, j, rotate_am_inside(xpm[j - j0], ypm[j - j0], xcen,
					    ycen, wm2, hm2) ? rotate_am_grey(datas, wpls, xcen, ycen, xpm[j - j0],
					    ypm[j - j0]) : 255);
			} else {
				if (inside) {
					for (int j = j0; j < j1; j++)
						lined[j] = rotate_am_colour(datas, wpls, xcen, ycen, xpm[j - j0],
						    ypm[j - j0], wt);
					continue;
				}
				for (int j = j0; j < j1; j++)
					lined[j] = rotate_am_inside(xpm[j - j0], ypm[j - j0], xcen, ycen, wm2, hm2)
					    ? rotate_am_colour(datas, wpls, xcen, ycen, xpm[j - j0], ypm[j - j0], wt)
					    : 0xffffff00u;
			}
		}
	}
	free(mem);
	return out;
}

/*
 * prep_rgb_to_grey2 (prep_int.h): Leptonica's scaleRGBToGray2Low() sums
 * each channel over a 2x2 block and weighs the three sums in single
 * precision, one pixel at a time (12 ms a colour page, the largest part
 * of its orientation step).  Here the sums are made four blocks at a time
 * in 16-bit lanes (SSE2) and weighed with the same float operations in the
 * same order per lane: (r * rw + g * gw) + b * bw, truncated; elsewhere,
 * and for a row's last blocks, as Leptonica does.
 */
static inline int
rgb_to_grey2_one(const l_uint32 *a, const l_uint32 *b, float rw, float gw, float bw)
{
	int r = 0, g = 0, bl = 0;

	for (int k = 0; k < 2; k++) {
		r += (int)((a[k] >> L_RED_SHIFT) & 0xff) + (int)((b[k] >> L_RED_SHIFT) & 0xff);
		g += (int)((a[k] >> L_GREEN_SHIFT) & 0xff) + (int)((b[k] >> L_GREEN_SHIFT) & 0xff);
		bl += (int)((a[k] >> L_BLUE_SHIFT) & 0xff) + (int)((b[k] >> L_BLUE_SHIFT) & 0xff);
	}
	return (int)(rw * (float)r + gw * (float)g + bw * (float)bl);
}

PIX *
prep_rgb_to_grey2(PIX *pix, float rwt, float gwt, float bwt)
{
	int wd, hd, wpls, wpld;
	float rw, gw, bw;
	const l_uint32 *datas;
	l_uint32 *datad;
	PIX *out;

	/* Weights summing to more than 1 may give a level over 255, which
	 * Leptonica wraps: those go to it. */
	if (!pix || pixGetDepth(pix) != 32 || rwt + gwt + bwt < 0.98f || rwt + gwt + bwt > 1.0f)
		return pix ? pixScaleRGBToGray2(pix, rwt, gwt, bwt) : NULL;
	wd = pixGetWidth(pix) / 2;
	hd = pixGetHeight(pix) / 2;
	if (wd < 1 || hd < 1)
		return pixScaleRGBToGray2(pix, rwt, gwt, bwt);
	if (!(out = pixCreate(wd, hd, 8)))
		return NULL;
	pixCopyResolution(out, pix);
	pixCopyInputFormat(out, pix);
	pixScaleResolution(out, 0.5, 0.5);
	/* Leptonica's weights: a quarter of the given ones (exact). */
	rw = rwt * 0.25f;
	gw = gwt * 0.25f;
	bw = bwt * 0.25f;
	datas = pixGetData(pix);
	wpls = pixGetWpl(pix);
	datad = pixGetData(out);
	wpld = pixGetWpl(out);
	for (int i = 0; i < hd; i++) {
		const l_uint32 *la = datas + (size_t)2 * i * wpls, *lb = la + wpls;
		l_uint32 *lined = datad + (size_t)i * wpld;
		int j = 0;
#if defined(__SSE2__)
		const __m128i zero = _mm_setzero_si128();
		const __m128 vr = _mm_set1_ps(rw), vg = _mm_set1_ps(gw), vb = _mm_set1_ps(bw);

		/* Four blocks (a word of the result) at a time. */
		for (; j + 4 <= wd; j += 4) {
			__m128i a0 = _mm_loadu_si128((const __m128i *)(const void *)(la + 2 * j));
			__m128i a1 = _mm_loadu_si128((const __m128i *)(const void *)(la + 2 * j + 4));
			__m128i b0 = _mm_loadu_si128((const __m128i *)(const void *)(lb + 2 * j));
			__m128i b1 = _mm_loadu_si128((const __m128i *)(const void *)(lb + 2 * j + 4));
			/* Per block, its 2x2 pixels' channels summed: lanes A B G R
			 * of the block's first pixel plus those of its second. */
			__m128i s0 = _mm_add_epi16(_mm_unpacklo_epi8(a0, zero), _mm_unpacklo_epi8(b0, zero));
			__m128i s1 = _mm_add_epi16(_mm_unpackhi_epi8(a0, zero), _mm_unpackhi_epi8(b0, zero));
			__m128i s2 = _mm_add_epi16(_mm_unpacklo_epi8(a1, zero), _mm_unpacklo_epi8(b1, zero));
			__m128i s3 = _mm_add_epi16(_mm_unpackhi_epi8(a1, zero), _mm_unpackhi_epi8(b1, zero));
			__m128i s01, s23, lo, hi;
			__m128 c0, c1, c2, c3, r, g, bl, v;
			s0 = _mm_add_epi16(s0, _mm_srli_si128(s0, 8));
			s1 = _mm_add_epi16(s1, _mm_srli_si128(s1, 8));
			s2 = _mm_add_epi16(s2, _mm_srli_si128(s2, 8));
			s3 = _mm_add_epi16(s3, _mm_srli_si128(s3, 8));
			s01 = _mm_unpacklo_epi64(s0, s1);
			s23 = _mm_unpacklo_epi64(s2, s3);
			/* Each block's (A, B, G, R) as floats, then channels across
			 * the four blocks. */
			c0 = _mm_cvtepi32_ps(_mm_unpacklo_epi16(s01, zero));
			c1 = _mm_cvtepi32_ps(_mm_unpackhi_epi16(s01, zero));
			c2 = _mm_cvtepi32_ps(_mm_unpacklo_epi16(s23, zero));
			c3 = _mm_cvtepi32_ps(_mm_unpackhi_epi16(s23, zero));
			_MM_TRANSPOSE4_PS(c0, c1, c2, c3);
			bl = c1;
			g = c2;
			r = c3;
			v = _mm_add_ps(_mm_add_ps(_mm_mul_ps(vr, r), _mm_mul_ps(vg, g)), _mm_mul_ps(vb, bl));
			lo = _mm_cvttps_epi32(v);
			hi = _mm_packs_epi32(lo, lo);
			hi = _mm_packus_epi16(hi, hi);
			{
				l_uint32 word = (l_uint32)_mm_cvtsi128_si32(hi);
				/* Bytes 0..3 are blocks j..j+3; Leptonica's word
				 * holds block j in its high byte. */
				lined[j >> 2] = word << 24 | (word & 0xff00u) << 8 | (word >> 8 & 0xff00u)
				    | word >> 24;
			}
		}
#endif
		for (; j < wd; j++)
			SET_DATA_BYTE(lined, j, rgb_to_grey2_one(la + 2 * j, lb + 2 * j, rw, gw, bw));
	}
	return out;
}

/*
 * prep_threshold (prep_int.h): Leptonica's thresholdToBinaryLineLow()
 * tests an 8 bpp page a pixel at a time (5 ms a page); here sixteen at a
 * time (SSE2), their bits put in Leptonica's order: a row's word holds its
 * first pixel in the high bit, a grey word its first pixel in the high
 * byte, so the comparison's mask (a bit per byte in memory order) is right
 * within each group of four and its groups come in reverse.
 */
PIX *
prep_threshold(PIX *pix, int thresh)
{
	int w, h, wpls, wpld;
	const l_uint32 *datas;
	l_uint32 *datad;
	PIX *out;

	if (!pix || pixGetDepth(pix) != 8 || pixGetColormap(pix) || thresh < 1 || thresh > 255)
		return pix ? pixThresholdToBinary(pix, thresh) : NULL;
	pixGetDimensions(pix, &w, &h, NULL);
	if (!(out = pixCreate(w, h, 1)))
		return NULL;
	pixCopyResolution(out, pix);
	pixCopyInputFormat(out, pix);
	datas = pixGetData(pix);
	wpls = pixGetWpl(pix);
	datad = pixGetData(out);
	wpld = pixGetWpl(out);
	for (int i = 0; i < h; i++) {
		const l_uint32 *lines = datas + (size_t)i * wpls;
		l_uint32 *lined = datad + (size_t)i * wpld;
		int j = 0;
#if defined(__SSE2__)
		/* x < thresh exactly when min(x, thresh - 1) == x. */
		const __m128i top = _mm_set1_epi8((char)(thresh - 1));

		for (; j + 32 <= w; j += 32) {
			__m128i v0 = _mm_loadu_si128((const __m128i *)(const void *)(lines + j / 4));
			__m128i v1 = _mm_loadu_si128((const __m128i *)(const void *)(lines + j / 4 + 4));
			unsigned m0 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v0, top), v0));
			unsigned m1 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v1, top), v1));
			m0 = (m0 & 0xfu) << 12 | (m0 & 0xf0u) << 4 | (m0 >> 4 & 0xf0u) | m0 >> 12;
			m1 = (m1 & 0xfu) << 12 | (m1 & 0xf0u) << 4 | (m1 >> 4 & 0xf0u) | m1 >> 12;
			lined[j / 32] = (l_uint32)m0 << 16 | m1;
		}
#endif
		for (; j < w; j++)
			if (GET_DATA_BYTE(lines, j) < thresh)
				SET_DATA_BIT(lined, j);
	}
	return out;
}

/*
 * prep_rotate_quarter (prep_int.h): Leptonica's pixRotate90() reads the
 * source a column at a time, one pixel from each row: a page turned a
 * quarter took 14-26 ms grey and 50-75 ms colour, most of it cache and
 * TLB misses.  The same copy made in square tiles (a tile's rows of the
 * source and of the result stay in the cache): 8 ms grey, 20 ms colour
 * (make bench-real's page turned 90 degrees and its colour page).
 */
#define QUARTER_TILE 64

PIX *
prep_rotate_quarter(PIX *pix, int direction)
{
	int ws, hs, d, wpls, wpld;
	const l_uint32 *datas;
	l_uint32 *datad;
	PIX *out;

	if (!pix)
		return NULL;
	pixGetDimensions(pix, &ws, &hs, &d);
	if ((d != 8 && d != 32) || pixGetColormap(pix) || (direction != 1 && direction != -1))
		return pixRotate90(pix, direction);
	/* What pixRotate90() copies: resolution (as it was), input format,
	 * samples per pixel. */
	if (!(out = pixCreateNoInit(hs, ws, d)))
		return NULL;
	pixCopyResolution(out, pix);
	pixCopyInputFormat(out, pix);
	pixCopySpp(out, pix);
	datas = pixGetData(pix);
	wpls = pixGetWpl(pix);
	datad = pixGetData(out);
	wpld = pixGetWpl(out);
	if (d == 8)
		for (int i = 0; i < ws; i++)
			datad[(size_t)i * wpld + wpld - 1] = 0;     /* padding, as pixCreate leaves it */
	/* Result (row i, column j) = source (column i, row hs-1-j) turned
	 * clockwise, (column ws-1-i, row j) counter-clockwise. */
	for (int i0 = 0; i0 < ws; i0 += QUARTER_TILE)
		for (int j0 = 0; j0 < hs; j0 += QUARTER_TILE) {
			int i1 = ws - i0 < QUARTER_TILE ? ws : i0 + QUARTER_TILE;
			int j1 = hs - j0 < QUARTER_TILE ? hs : j0 + QUARTER_TILE;
			if (d == 8) {
				/* A source row's pixels of the tile, read a byte at a
				 * time from its words in turn. */
				for (int j = j0; j < j1; j++) {
					const l_uint32 *lines = datas
					    + (size_t)(direction == 1 ? hs - 1 - j : j) * wpls;
					for (int i = i0; i < i1; i++)
						SET_DATA_BYTE(datad + (size_t)i * wpld, j,
						    GET_DATA_BYTE(lines, direction == 1 ? i : ws - 1 - i));
				}
				continue;
			}
			for (int i = i0; i < i1; i++) {
				l_uint32 *lined = datad + (size_t)i * wpld;
				int xs = direction == 1 ? i : ws - 1 - i;
				for (int j = j0; j < j1; j++)
					lined[j] = datas[(size_t)(direction == 1 ? hs - 1 - j : j) * wpls + xs];
			}
		}
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
