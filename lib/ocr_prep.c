/*
 * ocr_prep.c - the OCR worker's preparation of a page (moved out of ocr.c):
 * orientation and skew decided on a reduced copy (prep.c), isolated specks
 * removed on speckled pages, red and grey seals painted out, so that
 * Tesseract reads the text and not the stamp.  The original scan is never
 * changed: every function returns a working copy.  Runs in the worker
 * process only (ocr.h).
 */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "ocr_int.h"
#include "prep_int.h"

/* Orientation below this OSD confidence is not trusted (upright pages
 * score 0 degrees anyway; a wrong turn would ruin the page). */
#define OSD_MIN_CONFIDENCE 3.0f
/* Deskew within this range, in degrees (scanners: a few degrees at most). */
#define DESKEW_RANGE 5.0f

/* A speck is a dark blot at most 0.35 mm across (4 px at 300 dpi) with no
 * other ink within 0.2 mm (2 px): the dots, commas and diacritics of type
 * from 10 pt up sit closer to their letters than that, or are larger
 * (make eval: removing every blot that small costs a clean page one point
 * of word accuracy; removing the isolated ones costs it nothing).  A page
 * is cleaned only when it has at least PREP_MIN_SPECKS of them: dust on a
 * clean page is left alone, and so is its OCR input. */
#define SPECK_MAX_MM 0.35
#define SPECK_GAP_MM 0.2
#define PREP_MIN_SPECKS 150

/* Skew is searched on the reduced binary page sampled once more by 2
 * (75 dpi: Leptonica's own default for the sweep), then refined on it. */
#define SKEW_SWEEP_REDUCTION 2

/*
 * The worker's heap for page images.  A page at 300 dpi A4 is 8.7 MB grey
 * and 35 MB colour, and its decoded, turned, straightened and prepared
 * copies (and Tesseract's own) come and go several times a page.  glibc
 * maps a block that large afresh for each (mmap above its threshold, at
 * most 32 MB, and colour pages are above even that) and gives it back on
 * free, so that every copy is page-faulted and zeroed by the kernel again:
 * a third of the CPU time of preparing a colour page (perf: clear_page).
 * Kept in the heap instead (blocks up to PAGE_HEAP_MMAP_MB; free memory
 * at the top given back beyond PAGE_HEAP_TRIM_MB), they are reused from
 * page to page: make bench-real's preparation 10-15 % less CPU (seal 15
 * -> 11 ms, speckle 15 -> 12 ms a page).  The worker's size stays near
 * that of its largest page, which its memory limit (RLIMIT_AS) bounds
 * anyway.
 */
#define PAGE_HEAP_MMAP_MB 64
#define PAGE_HEAP_TRIM_MB 256

void
sohoa_ocr_page_heap(void)
{
	mallopt(M_MMAP_THRESHOLD, PAGE_HEAP_MMAP_MB << 20);
	mallopt(M_TRIM_THRESHOLD, PAGE_HEAP_TRIM_MB << 20);
}

/* The skew of a reduced binary page, 0 when none is found with confidence. */
static float
find_skew(PIX *bin)
{
	l_float32 angle = 0, conf = 0;

	if (pixFindSkewSweepAndSearch(bin, &angle, &conf, SKEW_SWEEP_REDUCTION, 1, DESKEW_RANGE,
	    0.25f, 0.01f) == 0 && conf >= 2.0f && fabsf(angle) >= 0.1f
	    && fabsf(angle) <= DESKEW_RANGE)
		return angle;
	return 0;
}

/*
 * A grey page lit unevenly, as a photographed page is (the light falls
 * from 250 to 150 across it, a shadow at one side): its background brought
 * to one level in the image Tesseract reads (even_light), so that
 * Tesseract's global threshold does not lose the lines in the shadow.  The
 * background is Leptonica's map of the page's light pixels (tiles of 40 px
 * of the page); a page is uneven when the 5th and 95th percentiles
 * of that map lie more than UNEVEN_LIGHT apart.  On make eval a flatbed
 * scan, even the grey 150 dpi ones with their paper tone, spans 1 to 18
 * levels, a photographed page 50 to 91: no scanned page changes.  The
 * test is taken on the reduced grey copy (tiles and counts scaled to it):
 * on every grey page of make eval and make bench its spread is
 * that of the full page within one level, at a fifth of the cost; and on
 * that copy halved once more (about 75 dpi, tiles of 10 px), whose spread
 * is the 150 dpi copy's within 3 levels on the 141 grey pages of make
 * eval's sets and make bench's (the same decision on every one; scans
 * 1 to 20, photographs 49 to 92): 4.1 -> 1.7 ms a page.
 */
#define UNEVEN_LIGHT 35

/* Whether the grey page (or its reduced copy, at sdpi; dpi the page's)
 * is lit unevenly. */
static int
uneven_light(PIX *grey, int sdpi, int dpi)
{
	PIX *map = NULL, *half = NULL;
	l_uint32 lo = 0, hi = 0;
	double f;
	int tile, mincount, uneven;

	if (!grey || pixGetDepth(grey) != 8 || pixGetColormap(grey))
		return 0;
	if (sdpi >= 120 && (half = pixScaleAreaMap2(grey)) != NULL) {
		grey = half;
		sdpi /= 2;
	}
	f = dpi > 0 && sdpi > 0 && sdpi < dpi ? (double)sdpi / dpi : 1.0;
	/* On the page: tiles of 40 px, 50 light pixels make a tile's level. */
	tile = (int)lround(40 * f);
	mincount = (int)lround(50 * f * f);
	if (tile < 8)
		tile = 8;
	if (mincount < 1)
		mincount = 1;
	if (pixGetBackgroundGrayMap(grey, NULL, tile, tile, 100, mincount, &map) != 0 || !map) {
		pixDestroy(&half);
		return 0;
	}
	uneven = pixGetRankValue(map, 1, 0.05f, &lo) == 0 && pixGetRankValue(map, 1, 0.95f, &hi) == 0
	    && hi >= lo + UNEVEN_LIGHT;
	pixDestroy(&map);
	pixDestroy(&half);
	return uneven;
}

/* The grey page with its background levelled; NULL on failure. */
static PIX *
even_light(PIX *pix)
{
	if (pixGetDepth(pix) != 8 || pixGetColormap(pix))
		return NULL;
	return pixBackgroundNorm(pix, NULL, NULL, 10, 15, 100, 50, 230, 2, 1);
}

/*
 * The clockwise turn that makes the page upright by Leptonica's quick
 * text-orientation test (ascenders against descenders; tens of ms on the
 * reduced page), or -1 when the test does not decide.  Its confidence is
 * a score in standard deviations; a decision is taken at Leptonica's
 * defaults (makeOrientDecision: 8, and the up/down score at least 2.5 times
 * the left/right one or the reverse).  So taken (with QUICK_SURE_CONF), it
 * was right on all 163 pages of make eval's OCR subsets and make bench
 * (upright, turned 90/180/270, skewed, speckled, 150-300 dpi, G4, JPEG
 * q30) and left 40 to OSD, most of them a document's second page (a few
 * lines and the signature).  A lower threshold is not safe: such a page,
 * upright and speckled, scored -5.2 (upside down).
 */
#define QUICK_MIN_CONF 8.0f
/* A page turned a quarter scores at most 2 on the up/down test (same
 * pages), a second page at most 5.2 either way, a full upright or
 * upside-down page mostly 10 to 21. */
#define QUICK_SURE_CONF 10.0f
static int
quick_orientation(PIX *bin)
{
	l_float32 up = 0, left = 0;
	l_int32 orient = L_TEXT_ORIENT_UNKNOWN;
	PIX *quarter;

	if (!bin)
		return -1;
	/* Up/down first: a page that scores QUICK_SURE_CONF there needs no
	 * left/right test (half the cost). */
	if (pixUpDownDetect(bin, &up, 0, 0, 0) != 0) {
		if (pixOrientDetect(bin, &up, &left, 0, 0) != 0)
			return -1;
	} else if (fabsf(up) >= QUICK_SURE_CONF) {
		return up > 0 ? 0 : 180;
	} else {
		/* The left/right score as pixOrientDetect() makes it (the
		 * up/down test on the page turned a quarter clockwise), whose
		 * own up/down test would only repeat the one above: a third of
		 * the test's cost on a page turned a quarter (make bench-real's
		 * at full resolution: 75 -> 50 ms).  test_ocr_prep.c compares
		 * both scores with pixOrientDetect()'s. */
		if (!(quarter = pixRotate90(bin, 1)))
			return -1;
		if (pixUpDownDetect(quarter, &left, 0, 0, 0) != 0)
			left = 0;
		pixDestroy(&quarter);
	}
	if (makeOrientDecision(up, left, QUICK_MIN_CONF, 0.0f, &orient, 0) != 0)
		return -1;
	switch (orient) {
	case L_TEXT_ORIENT_UP: return 0;
	case L_TEXT_ORIENT_LEFT: return 90;    /* turned a quarter counter-clockwise */
	case L_TEXT_ORIENT_DOWN: return 180;
	case L_TEXT_ORIENT_RIGHT: return 270;
	default: return -1;
	}
}

/*
 * The quick test once more, at the page's own resolution, for a page the
 * reduced copy leaves undecided (skew is the angle already found on it, 0
 * when none): the page thresholded, rid of its isolated specks like the
 * reduced copy, turned straight (sampling: the test counts ascenders and
 * descenders, it needs no smooth edges) and asked again; -1 when it does
 * not decide either.  At 300 dpi a letter's ascenders and descenders are
 * twice as tall to the test's structuring elements and its scores about
 * double (make bench's realistic set: an upright speckled page 6.9 at
 * 150 dpi, 18.5 here; a page turned a quarter 6.5 and 19.5), which
 * decides pages that went to Tesseract's OSD for half a second or more, at
 * 80 to 180 ms.  Checked against OSD on the 256 pages of make eval's sets
 * (upright, turned 90/180/270, speckled, G4, photographs) and make bench:
 * it decides 22 of the 65 that reach it, each as OSD does; the others
 * (nearly empty last pages) go to OSD.
 */
static int
full_orientation(PIX *pix, int dpi, float skew)
{
	PIX *bin, *clean, *look;
	int count = 0, turn;

	if (pixGetDepth(pix) == 1 && !pixGetColormap(pix))
		bin = pixClone(pix);
	else if (pixGetDepth(pix) == 8 && !pixGetColormap(pix))
		bin = prep_threshold(pix, 140);
	else
		bin = pixConvertTo1(pix, 140);
	if (!bin)
		return -1;
	clean = prep_despeckle_small(bin, dpi, &count);
	pixDestroy(&bin);
	if (!clean)
		return -1;
	look = skew != 0.0f ? pixRotate(clean, (float)(M_PI / 180.0) * skew, L_ROTATE_SAMPLING,
	    L_BRING_IN_WHITE, 0, 0) : pixClone(clean);
	pixDestroy(&clean);
	turn = quick_orientation(look);
	pixDestroy(&look);
	return turn;
}

/*
 * Whether the small binary copy of a page is nearly empty: under 2 % of
 * its pixels ink, once rid of isolated specks.  A page of text has 3.3 to
 * 7 % (make bench's sets and make eval's OCR pages: 150-300 dpi, G4, JPEG,
 * speckled, turned); a last page of a few lines and the signature 0.4 to
 * 1.2 %, one of a dozen lines up to 1.8 %.  Only a matter of cost: the
 * caller's reading decides, and OSD whenever that reading is poor.
 */
#define SPARSE_INK_PERMILLE 20
static int
nearly_empty(PIX *look)
{
	l_int32 fg = 0;

	if (!look || pixCountPixels(look, &fg, NULL) != 0)
		return 0;
	return (long long)fg * 1000
	    < (long long)pixGetWidth(look) * pixGetHeight(look) * SPARSE_INK_PERMILLE;
}

/*
 * Makes the page upright and straight for OCR.  Everything is decided on
 * one reduced copy of about 150 dpi (prep_reduce: one pass over the page,
 * never a full-size grey or binary copy), thresholded and rid of its
 * isolated specks (prep_despeckle_small, whose count also tells sohoa_ocr_prepare()
 * whether the page is speckled: PREP_LOOK_SPECKLED in *looks; and whether a
 * grey page is lit unevenly: PREP_LOOK_UNEVEN).  Orientation: Leptonica's quick
 * test (quick_orientation) settles most pages, turned or not; a page it
 * leaves undecided is deskewed (on the small binary copy) and asked again,
 * since skew is what most often makes a page look doubtful, then at full
 * resolution (full_orientation, not for a page of the small copy's
 * resolution); only the
 * others pay for Tesseract's OSD (on the reduced grey copy, a second or
 * more).  Then the skew, on the small binary copy turned like the page
 * (a half turn keeps it).  The original scan is never changed; the result
 * is a working copy.  Returns a new reference (maybe pix itself, cloned);
 * *rot gets the clockwise turn applied and *skew the angle removed.
 * read_first: the caller reads the page as it comes before asking OSD, so
 * a nearly empty page (nearly_empty) the tests on the small copy leave
 * undecided is taken as it comes, with PREP_LOOK_UNSURE, without the
 * full-resolution test or OSD (page_read() in ocr.c).
 */
PIX *
sohoa_ocr_straighten(TessBaseAPI *osd, PIX *pix, int dpi, int read_first, int *rot, float *skew,
    int *looks, struct prep_times *pt)
{
	PIX *small, *bin = NULL, *look = NULL, *turned;
	double t0 = now_ms(), t1, ts, sp, tl;
	int sdpi = dpi, count = 0, skew_known = 0, turn, sparse;

	*rot = 0;
	*skew = 0;
	*looks = PREP_LOOK_SPECKLED;     /* unless the small copy says otherwise */
	small = prep_reduce(pix, dpi, &sdpi);
	if (small)
		bin = pixConvertTo1(small, 140);
	if (!bin) {
		pixDestroy(&small);
		pt->orient += now_ms() - t0;
		tl = now_ms();
		if (uneven_light(pix, dpi, dpi))
			*looks |= PREP_LOOK_UNEVEN;
		pt->seal += now_ms() - tl;
		return pixClone(pix);
	}
	ts = now_ms();
	look = prep_despeckle_small(bin, sdpi, &count);
	if (look) {
		if (!prep_specks_likely(count, PREP_MIN_SPECKS))
			*looks &= ~PREP_LOOK_SPECKLED;
		pixDestroy(&bin);
	} else {
		look = bin;
	}
	bin = NULL;
	sp = now_ms() - ts;
	pt->speckle += sp;
	/* The light, on the grey copy (the seal step's clock: it was part of
	 * that step when measured on the full page). */
	tl = now_ms();
	if (pixGetDepth(pix) == 8 && !pixGetColormap(pix) && uneven_light(small, sdpi, dpi))
		*looks |= PREP_LOOK_UNEVEN;
	tl = now_ms() - tl;
	pt->seal += tl;
	sp += tl;
	turn = quick_orientation(look);
	if (turn < 0) {
		/* A skewed page often leaves the quick test undecided. */
		*skew = find_skew(look);
		skew_known = 1;
		if (*skew != 0.0f) {
			PIX *st = pixRotate(look, (float)(M_PI / 180.0) * *skew, L_ROTATE_SAMPLING,
			    L_BRING_IN_WHITE, 0, 0);
			turn = quick_orientation(st);
			pixDestroy(&st);
		}
	}
	/* A nearly empty page the caller reads first goes to that reading
	 * (the full-resolution test seldom decides such a page, OSD is as
	 * slow as reading it). */
	sparse = turn < 0 && read_first && osd && nearly_empty(look);
	/* Not on a page read at the reduced copy's resolution already. */
	if (turn < 0 && sdpi < dpi && !sparse)
		turn = full_orientation(pix, dpi, skew_known ? *skew : 0.0f);
	if (turn >= 0) {
		*rot = turn;
	} else if (!osd || sparse) {
		*looks |= PREP_LOOK_UNSURE;
	} else {
		int deg = 0;
		float oconf = 0, sconf = 0;
		const char *script = NULL;
		TessBaseAPISetImage2(osd, small);
		TessBaseAPISetSourceResolution(osd, sdpi);
		if (TessBaseAPIDetectOrientationScript(osd, &deg, &oconf, &script, &sconf)
		    && deg % 90 == 0 && deg != 0 && oconf >= OSD_MIN_CONFIDENCE)
			*rot = (360 - deg) % 360;
		TessBaseAPIClear(osd);
	}
	pixDestroy(&small);
	t1 = now_ms();
	pt->orient += t1 - t0 - sp;
	/* A half turn keeps the angle of the lines; a quarter turn does not. */
	if (*rot % 180 != 0 || !skew_known) {
		if (*rot) {
			PIX *t = pixRotateOrth(look, *rot / 90);
			pixDestroy(&look);
			look = t;
		}
		*skew = look ? find_skew(look) : 0;
	}
	pixDestroy(&look);
	/* A quarter turn by prep_rotate_quarter (pixRotate90's pixels,
	 * cheaper), a half turn by Leptonica. */
	turned = *rot == 90 ? prep_rotate_quarter(pix, 1) : *rot == 270 ? prep_rotate_quarter(pix, -1)
	    : *rot ? pixRotateOrth(pix, *rot / 90) : pixClone(pix);
	if (turned && *skew != 0.0f) {
		float angle = (float)(M_PI / 180.0) * *skew;
		/* Area mapping (prep_rotate_am: pixRotate's pixels, cheaper);
		 * a bilevel page by sampling. */
		PIX *straight = pixGetDepth(turned) == 1
		    ? pixRotate(turned, angle, L_ROTATE_SAMPLING, L_BRING_IN_WHITE, 0, 0)
		    : prep_rotate_am(turned, angle);
		if (straight) {
			pixDestroy(&turned);
			turned = straight;
		} else {
			*skew = 0;
		}
	}
	pt->deskew += now_ms() - t1;
	return turned ? turned : pixClone(pix);
}


/*
 * The isolated specks of a page as a 1 bpp mask (NULL when there are too
 * few to matter), found on its bilevel version at the page's resolution.
 */
static PIX *
find_specks(PIX *pix, int dpi)
{
	PIX *bin, *small = NULL, *big = NULL, *near = NULL, *seed = NULL;
	PIX *keep = NULL, *specks = NULL;
	int max = (int)lround(SPECK_MAX_MM * dpi / 25.4), gap = (int)lround(SPECK_GAP_MM * dpi / 25.4);
	l_int32 changed = 0, n = 0;
	BOXA *boxa;

	if (max < 2)
		return NULL;
	if (pixGetDepth(pix) == 1 && !pixGetColormap(pix)) {
		bin = pixClone(pix);
	} else {
		/* Thresholded as it is: no full-size grey copy of a grey page. */
		bin = pixGetDepth(pix) == 8 && !pixGetColormap(pix) ? prep_threshold(pix, 128)
		    : pixConvertTo1(pix, 128);
	}
	if (bin)
		small = pixSelectBySize(bin, max, max, 8, L_SELECT_IF_BOTH, L_SELECT_IF_LTE,
		    &changed);
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
	if (specks && (boxa = pixConnComp(specks, NULL, 8)) != NULL) {
		n = boxaGetCount(boxa);
		boxaDestroy(&boxa);
	}
	if (n < PREP_MIN_SPECKS)
		pixDestroy(&specks);
	pixDestroy(&bin);
	pixDestroy(&small);
	pixDestroy(&big);
	pixDestroy(&near);
	pixDestroy(&seed);
	pixDestroy(&keep);
	return specks;
}

/*
 * Red seal dropout.  On a colour scan the red seal (con dấu) is stamped over
 * the signature block, across the signer's title and name, and Tesseract
 * reads its rings and rim text into them (make eval: the signer's name was
 * lost on every colour scan).  In the image Tesseract reads, the strongly
 * red pixels of a seal take their red channel as grey level (r, r, r): on
 * paper the seal's ink is as light as the paper there; black text and the
 * blue signature under it are dark in every channel and stay as they are.
 * Only a seal's pixels: the red độ mật/độ khẩn stamps of the header and
 * any other red text are read as before.
 *
 * A pixel is strongly red when r > 1.4 g, r > 1.4 b and r - max(g, b) >
 * RED_MIN_EXCESS (a seal on paper is about (195, 38, 47); black text under
 * it (22, 4, 7), the blue signature under it (24, 8, 29)).  A seal is a
 * red shape SEAL_MIN_MM to SEAL_MAX_MM across in both directions (round
 * seals are 30 to 42 mm, a square one 20 mm and more; the stamps' boxes
 * are under 12 mm high), found on the page sampled at about 150 dpi,
 * which must hold at least SEAL_MIN_AREA_MM2 of red to be looked at
 * (a 20 mm ring drawn 0.4 mm wide); what is dropped is the seal's box
 * widened by SEAL_MARGIN_MM.
 */
#define RED_MIN_EXCESS 60
#define SEAL_MIN_MM 20.0
#define SEAL_MAX_MM 80.0
#define SEAL_MIN_AREA_MM2 25.0
#define SEAL_MARGIN_MM 1.5

static int
strongly_red(l_uint32 px)
{
	int r = (int)((px >> L_RED_SHIFT) & 0xff), g = (int)((px >> L_GREEN_SHIFT) & 0xff);
	int b = (int)((px >> L_BLUE_SHIFT) & 0xff);

	return r - (g > b ? g : b) > RED_MIN_EXCESS && 10 * r > 14 * g && 10 * r > 14 * b;
}

/* What seal_ink_mask() takes for seal ink: a strongly red pixel of a
 * colour page (strongly_red), a mid-grey one of a grey page (mid_grey). */
enum seal_ink { INK_RED, INK_MID_GREY };

static int mid_grey(int v);

/* The bits of the mask's word for x0 .. x0+31 (fewer at the row's end,
 * n in all) of the page's row line; *count grows by the bits set.  The
 * test is chosen once a word, not called for every pixel: the mask 4.9 ->
 * 3.2 ms a page, the same masks on the 153 grey and colour pages of make
 * eval's sets and make bench's. */
static l_uint32
seal_ink_word(const l_uint32 *line, int x0, int n, int step, enum seal_ink ink, long *count)
{
	l_uint32 word = 0;
	long c = 0;

	if (ink == INK_RED) {
		for (int i = 0; i < n; i++)
			if (strongly_red(line[(x0 + i) * step])) {
				word |= 0x80000000u >> i;
				c++;
			}
	} else {
		for (int i = 0; i < n; i++)
			if (mid_grey(GET_DATA_BYTE(line, (x0 + i) * step))) {
				word |= 0x80000000u >> i;
				c++;
			}
	}
	*count += c;
	return word;
}

/* A copy of pix to paint on, or NULL: its image is not zeroed first, as
 * pixCopy(NULL, pix) does before copying over it (a third of a colour
 * page's seal step went to that: 35 MB written twice). */
static PIX *
copy_page(PIX *pix)
{
	PIX *out = pixCreateTemplateNoInit(pix);

	if (out && pixCopy(out, pix) != out)
		pixDestroy(&out);
	return out;
}

/*
 * The seal steps' look at a page: a 1 bpp mask of the page sampled every
 * step pixels in both directions (about 150 dpi), a pixel set where the
 * page's pixel at (x, y) is seal ink (enum seal_ink); *count gets the
 * number set.  NULL on failure.
 */
static PIX *
seal_ink_mask(PIX *pix, int step, enum seal_ink ink, long *count)
{
	int w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
	int sw = (w + step - 1) / step, sh = (h + step - 1) / step, swpl;
	const l_uint32 *data = pixGetData(pix);
	l_uint32 *sdata;
	PIX *mask;

	*count = 0;
	if (!(mask = pixCreate(sw, sh, 1)))
		return NULL;
	sdata = pixGetData(mask);
	swpl = pixGetWpl(mask);
	for (int y = 0; y < sh; y++) {
		const l_uint32 *line = data + (size_t)y * step * wpl;
		l_uint32 *mline = sdata + (size_t)y * swpl;
		for (int x0 = 0; x0 < sw; x0 += 32)
			mline[x0 >> 5] = seal_ink_word(line, x0, sw - x0 < 32 ? sw - x0 : 32, step, ink,
			    count);
	}
	return mask;
}

/* The sampling step of the seal steps: about 150 dpi. */
static int
seal_step(int dpi)
{
	return dpi >= 225 ? (int)lround(dpi / 150.0) : 1;
}

/* The boxes of the red seals of a colour page (page coordinates, margin
 * included), or NULL when it has none. */
static BOXA *
find_seals(PIX *pix, int dpi)
{
	int step = seal_step(dpi), found = 0;
	double sdpi = (double)dpi / step, mm = sdpi / 25.4;
	long red = 0, min_red = lround(SEAL_MIN_AREA_MM2 * mm * mm);
	int margin = (int)lround(SEAL_MARGIN_MM * dpi / 25.4);
	PIX *mask, *joined;
	BOXA *comps, *seals = NULL;

	if (pixGetDepth(pix) != 32 || dpi <= 0)
		return NULL;
	if (!(mask = seal_ink_mask(pix, step, INK_RED, &red)))
		return NULL;
	if (red < min_red) {
		pixDestroy(&mask);
		return NULL;
	}
	/* The rings, star and rim text of a seal as one shape. */
	joined = pixDilateBrick(NULL, mask, 5, 5);
	pixDestroy(&mask);
	comps = joined ? pixConnComp(joined, NULL, 8) : NULL;
	pixDestroy(&joined);
	for (int i = 0; comps && i < boxaGetCount(comps); i++) {
		l_int32 bx, by, bw, bh;
		BOX *box;
		if (boxaGetBoxGeometry(comps, i, &bx, &by, &bw, &bh) != 0
		    || bw < SEAL_MIN_MM * mm || bh < SEAL_MIN_MM * mm
		    || bw > SEAL_MAX_MM * mm || bh > SEAL_MAX_MM * mm)
			continue;
		bx = bx * step - margin;
		by = by * step - margin;
		bw = bw * step + 2 * margin;
		bh = bh * step + 2 * margin;
		if (!seals && !(seals = boxaCreate(1)))
			break;
		if ((box = boxCreate(bx, by, bw, bh)) != NULL && boxaAddBox(seals, box, L_INSERT) == 0)
			found++;
		else
			boxDestroy(&box);
	}
	boxaDestroy(&comps);
	if (!found)
		boxaDestroy(&seals);
	return seals;
}

/*
 * A copy of page with paint(line, x) applied to every pixel inside the
 * boxes of seals (which it frees); NULL when there are none (or on
 * failure).  The seal steps below differ only in their paint.
 */
static PIX *
repaint_seals(PIX *page, BOXA *seals, void (*paint)(l_uint32 *line, int x), int round)
{
	int w = pixGetWidth(page), h = pixGetHeight(page), wpl;
	l_uint32 *data;
	PIX *out;

	if (!seals)
		return NULL;
	if (!(out = copy_page(page))) {
		boxaDestroy(&seals);
		return NULL;
	}
	data = pixGetData(out);
	wpl = pixGetWpl(out);
	for (int i = 0; i < boxaGetCount(seals); i++) {
		l_int32 bx, by, bw, bh;
		if (boxaGetBoxGeometry(seals, i, &bx, &by, &bw, &bh) != 0)
			continue;
		double cx = bx + bw / 2.0, cy = by + bh / 2.0, rx = bw / 2.0, ry = bh / 2.0;
		for (int y = by < 0 ? 0 : by; y < by + bh && y < h; y++) {
			l_uint32 *line = data + (size_t)y * wpl;
			for (int x = bx < 0 ? 0 : bx; x < bx + bw && x < w; x++) {
				double dx = (x + 0.5 - cx) / rx, dy = (y + 0.5 - cy) / ry;
				/* round: the disc the box holds, not its corners,
				 * where the name under a seal often begins. */
				if (!round || dx * dx + dy * dy <= 1.0)
					paint(line, x);
			}
		}
	}
	boxaDestroy(&seals);
	return out;
}

/* A strongly red pixel becomes grey at its red level. */
static void
red_to_grey(l_uint32 *line, int x)
{
	if (strongly_red(line[x])) {
		l_uint32 r = (line[x] >> L_RED_SHIFT) & 0xff;
		line[x] = (r << L_RED_SHIFT) | (r << L_GREEN_SHIFT) | (r << L_BLUE_SHIFT)
		    | (line[x] & 0xff);
	}
}

/* A copy of the colour page whose seals' strongly red pixels are grey at
 * their red level; NULL when it has no seal (or on failure). */
static PIX *
drop_seals(PIX *page, int dpi)
{
	return repaint_seals(page, find_seals(page, dpi), red_to_grey, 0);
}

/*
 * Grey seal weakening.  On a grey scan the red seal is a ring of mid-grey
 * ink (its red, about (200, 40, 50), scans to a grey level near 90, lighter
 * for a pale pad) over the signer's title and name, and Tesseract takes the
 * block for a picture: on make eval's grey pages with a seal the name was
 * lost on most.  The same idea as the colour dropout, on intensity and
 * shape: the page sampled at about 150 dpi, its pixels between
 * GRAY_SEAL_LO and GRAY_SEAL_HI (neither the paper nor the black of the
 * text) opened by 3x3 (the grey rim of a letter is one or two pixels: it
 * goes; the seal's 0.8 mm ring stays), joined, and a shape kept as a seal
 * when it is SEAL_MIN_MM to SEAL_MAX_MM across in both directions, about
 * as high as wide, round (its box's corners nearly empty) and a ring, not
 * a shade (its ink under 40 % of its box: a photographed page's shadow is
 * mid-grey too).  Black text
 * over the ring cuts it into arcs; arcs whose boxes touch are one shape.  In the image
 * Tesseract reads, the seal's box (widened by SEAL_MARGIN_MM) has every
 * pixel lighter than GRAY_SEAL_LO made white: the black text over the
 * seal (darker still where the two overlap) stays.
 */
#define GRAY_SEAL_LO 50
#define GRAY_SEAL_HI 160

/* A seal's pixel on a grey page: mid-grey, neither paper nor text. */
static int
mid_grey(int v)
{
	return v >= GRAY_SEAL_LO && v <= GRAY_SEAL_HI;
}

/* The boxes of the grey seals of an 8-bit grey page, or NULL. */
static BOXA *
find_gray_seals(PIX *pix, int dpi)
{
	int step = seal_step(dpi), found = 0;
	double sdpi = (double)dpi / step, mm = sdpi / 25.4;
	long mid = 0, min_mid = lround(SEAL_MIN_AREA_MM2 * mm * mm);
	int margin = (int)lround(SEAL_MARGIN_MM * dpi / 25.4);
	PIX *mask, *opened;
	BOXA *comps, *seals = NULL;

	if (pixGetDepth(pix) != 8 || pixGetColormap(pix) || dpi <= 0)
		return NULL;
	if (!(mask = seal_ink_mask(pix, step, INK_MID_GREY, &mid)))
		return NULL;
	opened = pixOpenBrick(NULL, mask, 3, 3);
	pixDestroy(&mask);
	if (!opened)
		return NULL;
	{
		l_int32 c = 0;
		pixCountPixels(opened, &c, NULL);
		mid = c;
	}
	if (mid < min_mid) {
		pixDestroy(&opened);
		return NULL;
	}
	/* The outer ring: one shape, or arcs where black text crosses it
	 * (the ink is darker there); arcs 10 mm or more across whose boxes
	 * touch are taken together. */
	comps = pixConnComp(opened, NULL, 8);
	{
		enum { MAXARC = 64 };
		l_int32 ax[MAXARC], ay[MAXARC], aw[MAXARC], ah[MAXARC];
		int na = 0, merged = 1, gap = (int)lround(3 * mm);

		for (int i = 0; comps && i < boxaGetCount(comps) && na < MAXARC; i++) {
			l_int32 bx, by, bw, bh;
			if (boxaGetBoxGeometry(comps, i, &bx, &by, &bw, &bh) != 0
			    || (bw < 10 * mm && bh < 10 * mm) || bw > SEAL_MAX_MM * mm
			    || bh > SEAL_MAX_MM * mm)
				continue;
			ax[na] = bx;
			ay[na] = by;
			aw[na] = bw;
			ah[na++] = bh;
		}
		while (merged) {
			merged = 0;
			for (int i = 0; i < na && !merged; i++)
				for (int j = i + 1; j < na && !merged; j++) {
					l_int32 x0 = ax[i] < ax[j] ? ax[i] : ax[j];
					l_int32 y0 = ay[i] < ay[j] ? ay[i] : ay[j];
					l_int32 x1 = ax[i] + aw[i] > ax[j] + aw[j] ? ax[i] + aw[i] : ax[j] + aw[j];
					l_int32 y1 = ay[i] + ah[i] > ay[j] + ah[j] ? ay[i] + ah[i] : ay[j] + ah[j];
					if (ax[j] > ax[i] + aw[i] + gap || ax[i] > ax[j] + aw[j] + gap
					    || ay[j] > ay[i] + ah[i] + gap || ay[i] > ay[j] + ah[j] + gap
					    || x1 - x0 > SEAL_MAX_MM * mm || y1 - y0 > SEAL_MAX_MM * mm)
						continue;
					ax[i] = x0;
					ay[i] = y0;
					aw[i] = x1 - x0;
					ah[i] = y1 - y0;
					ax[j] = ax[--na];
					ay[j] = ay[na];
					aw[j] = aw[na];
					ah[j] = ah[na];
					merged = 1;
				}
		}
		for (int i = 0; i < na; i++) {
			l_int32 bx = ax[i], by = ay[i], bw = aw[i], bh = ah[i], corner = 0, cw, ch;
			l_int32 all = 0;
			BOX *box;
			if (bw < SEAL_MIN_MM * mm || bh < SEAL_MIN_MM * mm
			    || 10 * bw > 14 * bh || 10 * bh > 14 * bw)
				continue;
			/* Round: the corners of its box (a ninth of each side;
			 * a circle passes 0.15 of the side from them) about
			 * empty. */
			cw = bw / 9;
			ch = bh / 9;
			for (int k = 0; k < 4; k++) {
				BOX *cb = boxCreate(bx + (k & 1 ? bw - cw : 0),
				    by + (k & 2 ? bh - ch : 0), cw, ch);
				l_int32 c = 0;
				if (cb && pixCountPixelsInRect(opened, cb, &c, NULL) == 0)
					corner += c;
				boxDestroy(&cb);
			}
			if ((box = boxCreate(bx, by, bw, bh)) != NULL)
				pixCountPixelsInRect(opened, box, &all, NULL);
			boxDestroy(&box);
			/* A ring, not a shade: a seal's ink (ring, rim text,
			 * star) covers some 10 to 25 % of its box, the shadow
			 * of a photographed page nearly all of it. */
			if (all < min_mid || corner * 20 > all || all * 5 > bw * bh * 2)
				continue;
			bx = bx * step - margin;
			by = by * step - margin;
			bw = bw * step + 2 * margin;
			bh = bh * step + 2 * margin;
			if (!seals && !(seals = boxaCreate(1)))
				break;
			if ((box = boxCreate(bx, by, bw, bh)) != NULL
			    && boxaAddBox(seals, box, L_INSERT) == 0)
				found++;
			else
				boxDestroy(&box);
		}
	}
	boxaDestroy(&comps);
	pixDestroy(&opened);
	if (!found)
		boxaDestroy(&seals);
	return seals;
}

/* A mid-grey or lighter pixel of a grey seal becomes white. */
static void
grey_to_white(l_uint32 *line, int x)
{
	if (GET_DATA_BYTE(line, x) >= GRAY_SEAL_LO)
		SET_DATA_BYTE(line, x, 255);
}

/* A copy of the grey page whose seals are weakened (above); NULL when it
 * has none (or on failure). */
static PIX *
weaken_gray_seals(PIX *page, int dpi)
{
	return repaint_seals(page, find_gray_seals(page, dpi), grey_to_white, 1);
}

/*
 * The image Tesseract reads, made from the page (upright and straight,
 * which stays as it is for the PDF): on a colour page, its red seals
 * dropped (drop_seals); on a grey page, its seals weakened
 * (weaken_gray_seals); on a grey page lit unevenly (PREP_LOOK_UNEVEN), its
 * light evened (even_light); on a speckled page, the isolated specks painted
 * white (find_specks).  Returns a new reference, a clone
 * of page when there is nothing to do.  Nothing else helped on make eval:
 * scaling 150 and 200 dpi pages up to 300 dpi cost them 0.5 to 0.7 point
 * of word accuracy (Tesseract scales every text line itself), a 3x3
 * median on speckled pages gained nothing, Tesseract's own Sauvola and
 * local-adaptive thresholding (thresholding_method 2, 1) lost 0.5 and
 * 19 points on clean pages against its Otsu.
 */
PIX *
sohoa_ocr_prepare(PIX *page, int dpi, int looks, struct prep_times *pt)
{
	PIX *pix = NULL, *specks, *mask, *clean = NULL;
	double t0 = now_ms(), t1;

	if (pixGetDepth(page) == 32 && !pixGetColormap(page))
		pix = drop_seals(page, dpi);
	else if (pixGetDepth(page) == 8 && !pixGetColormap(page))
		pix = weaken_gray_seals(page, dpi);
	if (!pix)
		pix = pixClone(page);
	if (looks & PREP_LOOK_UNEVEN) {
		PIX *even = even_light(pix);
		if (even) {
			pixDestroy(&pix);
			pix = even;
		}
	}
	t1 = now_ms();
	pt->seal += t1 - t0;
	specks = looks & PREP_LOOK_SPECKLED ? find_specks(pix, dpi) : NULL;
	if (!specks) {
		pt->speckle += now_ms() - t1;
		return pix;
	}
	/* The mask takes in the blur around each speck. */
	mask = pixDilateBrick(NULL, specks, 3, 3);
	if (mask && pixGetDepth(page) == 1 && !pixGetColormap(page)) {
		clean = pixSubtract(NULL, pix, mask);
	} else if (mask && (clean = pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC)) != NULL) {
		int d = pixGetDepth(clean);
		if (clean == pix || pixGetRefcount(clean) > 1) {
			PIX *t = copy_page(clean);
			pixDestroy(&clean);
			clean = t;
		}
		/* White: the largest value in grey (bilevel pages took the
		 * branch above). */
		if (clean && (d == 1 ? pixPaintThroughMask(clean, mask, 0, 0, 0)
		    : prep_paint_white(clean, mask)) != 0)
			pixDestroy(&clean);
	}
	if (clean) {
		pixDestroy(&pix);
		pix = clean;
	}
	pixDestroy(&mask);
	pixDestroy(&specks);
	pt->speckle += now_ms() - t1;
	return pix;
}
