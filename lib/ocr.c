/*
 * ocr.c - the OCR worker process: decode a scan page by page (Leptonica),
 * recognise each page with Tesseract under a deadline, write the text and
 * confidence of every page to <entry>/ocr.out, the hOCR to <entry>/ocr.hocr
 * and the PDF/A-2b "hai lớp" to <entry>/document.pdf, and answer the pool.
 *
 * The PDF is written page by page as OCR goes, by Tesseract's own renderer
 * (the page image as OCRed, with the recognised words in invisible text on
 * top), then made PDF/A by pdfa.c.  A PDF that cannot be made costs the
 * document its PDF, not its OCR: the job still ends "ok" and the reason
 * goes to stderr (the daemon's log).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <signal.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>
#include <utf8proc.h>

#include "sohoa/fsutil.h"
#include "sohoa/image.h"
#include "sohoa/ocr.h"
#include "sohoa/tailieu.h"
#include "sohoa/pdfa.h"
#include "sohoa/pdfin.h"
#include "sohoa/spool.h"
#include "prep_int.h"

struct worker_opts {
	const char *languages, *tessdata;
	long long max_pixels, memory_mb;
	int max_pages, page_timeout;
	int timing;          /* SOHOA_OCR_TIMING set: per-page times to stderr */
	const char *ocr_mode; /* "auto", "force", "skip" (conf.h); NULL: auto */
	int language_fallback; /* conf.h: under it, a page is read with all the languages */
	struct second_engine *mixed; /* the worker's own (see "Languages"); never NULL */
};

#define OCR_MODE_IS(o, m) ((o)->ocr_mode && strcmp((o)->ocr_mode, m) == 0)

/*
 * The clock of the timing lines and of a second reading's time left: wall
 * time, or under SOHOA_OCR_TIMING=cpu (benches on a busy machine) the
 * worker's CPU time, which other processes hardly change.  Tesseract's own
 * page deadline is wall time either way.
 */
static double
now_ms(void)
{
	static int cpu = -1;      /* read once: the worker's environment is fixed */
	struct timespec ts;
	if (cpu < 0) {
		const char *t = getenv("SOHOA_OCR_TIMING");
		cpu = t && strcmp(t, "cpu") == 0;
	}
	clock_gettime(cpu ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

const char *
sohoa_ocr_engine_version(void)
{
	return TessVersion();
}

/* One line to the pool; the pool reads whole lines. */
static void
say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void
say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

/* A message on one line: newlines become spaces. */
static void
flatten(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

/* Where a page's preparation time goes, for the SOHOA_OCR_TIMING line
 * (bench/throughput.sh names the step that regressed from it). */
struct prep_times {
	double decode, orient, deskew, speckle, seal;   /* ms */
};

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

	if (!bin)
		return -1;
	/* Up/down first: a page that scores QUICK_SURE_CONF there needs no
	 * left/right test (half the cost). */
	if (pixUpDownDetect(bin, &up, 0, 0, 0) == 0 && fabsf(up) >= QUICK_SURE_CONF)
		return up > 0 ? 0 : 180;
	if (pixOrientDetect(bin, &up, &left, 0, 0) != 0
	    || makeOrientDecision(up, left, QUICK_MIN_CONF, 0.0f, &orient, 0) != 0)
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
 * Makes the page upright and straight for OCR.  Everything is decided on
 * one reduced copy of about 150 dpi (prep_reduce: one pass over the page,
 * never a full-size grey or binary copy), thresholded and rid of its
 * isolated specks (prep_despeckle_small, whose count also tells prepare()
 * whether the page is speckled: *speckled).  Orientation: Leptonica's quick
 * test (quick_orientation) settles most pages, turned or not; a page it
 * leaves undecided is deskewed (on the small binary copy) and asked again,
 * since skew is what most often makes a page look doubtful; only the
 * others pay for Tesseract's OSD (on the reduced grey copy, a second or
 * more).  Then the skew, on the small binary copy turned like the page
 * (a half turn keeps it).  The original scan is never changed; the result
 * is a working copy.  Returns a new reference (maybe pix itself, cloned);
 * *rot gets the clockwise turn applied and *skew the angle removed.
 */
static PIX *
straighten(TessBaseAPI *osd, PIX *pix, int dpi, int *rot, float *skew, int *speckled,
    struct prep_times *pt)
{
	PIX *small, *bin = NULL, *look = NULL, *turned;
	double t0 = now_ms(), t1, ts, sp;
	int sdpi = dpi, count = 0, skew_known = 0, turn;

	*rot = 0;
	*skew = 0;
	*speckled = 1;     /* unless the small copy says otherwise */
	small = prep_reduce(pix, dpi, &sdpi);
	if (small)
		bin = pixConvertTo1(small, 140);
	if (!bin) {
		pixDestroy(&small);
		pt->orient += now_ms() - t0;
		return pixClone(pix);
	}
	ts = now_ms();
	look = prep_despeckle_small(bin, sdpi, &count);
	if (look) {
		*speckled = prep_specks_likely(count, PREP_MIN_SPECKS);
		pixDestroy(&bin);
	} else {
		look = bin;
	}
	bin = NULL;
	sp = now_ms() - ts;
	pt->speckle += sp;
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
	if (turn >= 0) {
		*rot = turn;
	} else if (osd) {
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
	turned = *rot ? pixRotateOrth(pix, *rot / 90) : pixClone(pix);
	if (turned && *skew != 0.0f) {
		PIX *straight = pixRotate(turned, (float)(M_PI / 180.0) * *skew,
		    pixGetDepth(turned) == 1 ? L_ROTATE_SAMPLING : L_ROTATE_AREA_MAP,
		    L_BRING_IN_WHITE, 0, 0);
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
		bin = pixGetDepth(pix) == 8 && !pixGetColormap(pix) ? pixThresholdToBinary(pix, 128)
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

/* The boxes of the red seals of a colour page (page coordinates, margin
 * included), or NULL when it has none. */
static BOXA *
find_seals(PIX *pix, int dpi)
{
	int w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
	int step = dpi >= 225 ? (int)lround(dpi / 150.0) : 1, sw, sh, swpl, found = 0;
	double sdpi = (double)dpi / step, mm = sdpi / 25.4;
	long red = 0, min_red = lround(SEAL_MIN_AREA_MM2 * mm * mm);
	int margin = (int)lround(SEAL_MARGIN_MM * dpi / 25.4);
	l_uint32 *data = pixGetData(pix), *sdata;
	PIX *mask, *joined;
	BOXA *comps, *seals = NULL;

	if (pixGetDepth(pix) != 32 || dpi <= 0)
		return NULL;
	sw = (w + step - 1) / step;
	sh = (h + step - 1) / step;
	if (!(mask = pixCreate(sw, sh, 1)))
		return NULL;
	sdata = pixGetData(mask);
	swpl = pixGetWpl(mask);
	for (int y = 0; y < sh; y++) {
		const l_uint32 *line = data + (size_t)y * step * wpl;
		l_uint32 *mline = sdata + (size_t)y * swpl;
		for (int x = 0; x < sw; x++)
			if (strongly_red(line[x * step])) {
				mline[x >> 5] |= 0x80000000u >> (x & 31);
				red++;
			}
	}
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
repaint_seals(PIX *page, BOXA *seals, void (*paint)(l_uint32 *line, int x))
{
	int w = pixGetWidth(page), h = pixGetHeight(page), wpl;
	l_uint32 *data;
	PIX *out;

	if (!seals)
		return NULL;
	if (!(out = pixCopy(NULL, page))) {
		boxaDestroy(&seals);
		return NULL;
	}
	data = pixGetData(out);
	wpl = pixGetWpl(out);
	for (int i = 0; i < boxaGetCount(seals); i++) {
		l_int32 bx, by, bw, bh;
		if (boxaGetBoxGeometry(seals, i, &bx, &by, &bw, &bh) != 0)
			continue;
		for (int y = by < 0 ? 0 : by; y < by + bh && y < h; y++) {
			l_uint32 *line = data + (size_t)y * wpl;
			for (int x = bx < 0 ? 0 : bx; x < bx + bw && x < w; x++)
				paint(line, x);
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
	return repaint_seals(page, find_seals(page, dpi), red_to_grey);
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

/* The boxes of the grey seals of an 8-bit grey page, or NULL. */
static BOXA *
find_gray_seals(PIX *pix, int dpi)
{
	int w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
	int step = dpi >= 225 ? (int)lround(dpi / 150.0) : 1, sw, sh, swpl, found = 0;
	double sdpi = (double)dpi / step, mm = sdpi / 25.4;
	long mid = 0, min_mid = lround(SEAL_MIN_AREA_MM2 * mm * mm);
	int margin = (int)lround(SEAL_MARGIN_MM * dpi / 25.4);
	l_uint32 *data = pixGetData(pix), *sdata;
	PIX *mask, *opened;
	BOXA *comps, *seals = NULL;

	if (pixGetDepth(pix) != 8 || pixGetColormap(pix) || dpi <= 0)
		return NULL;
	sw = (w + step - 1) / step;
	sh = (h + step - 1) / step;
	if (!(mask = pixCreate(sw, sh, 1)))
		return NULL;
	sdata = pixGetData(mask);
	swpl = pixGetWpl(mask);
	for (int y = 0; y < sh; y++) {
		const l_uint32 *line = data + (size_t)y * step * wpl;
		l_uint32 *mline = sdata + (size_t)y * swpl;
		for (int x = 0; x < sw; x++) {
			int v = GET_DATA_BYTE(line, x * step);
			if (v >= GRAY_SEAL_LO && v <= GRAY_SEAL_HI)
				mline[x >> 5] |= 0x80000000u >> (x & 31);
		}
	}
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
	return repaint_seals(page, find_gray_seals(page, dpi), grey_to_white);
}

/*
 * The image Tesseract reads, made from the page (upright and straight,
 * which stays as it is for the PDF): on a colour page, its red seals
 * dropped (drop_seals); on a grey page, its seals weakened
 * (weaken_gray_seals); on a speckled page, the isolated specks painted
 * white (find_specks).  Returns a new reference, a clone
 * of page when there is nothing to do.  Nothing else helped on make eval:
 * scaling 150 and 200 dpi pages up to 300 dpi cost them 0.5 to 0.7 point
 * of word accuracy (Tesseract scales every text line itself), a 3x3
 * median on speckled pages gained nothing, Tesseract's own Sauvola and
 * local-adaptive thresholding (thresholding_method 2, 1) lost 0.5 and
 * 19 points on clean pages against its Otsu.
 */
static PIX *
prepare(PIX *page, int dpi, int speckled, struct prep_times *pt)
{
	PIX *pix = NULL, *specks, *mask, *clean = NULL;
	double t0 = now_ms(), t1;

	if (pixGetDepth(page) == 32 && !pixGetColormap(page))
		pix = drop_seals(page, dpi);
	else if (pixGetDepth(page) == 8 && !pixGetColormap(page))
		pix = weaken_gray_seals(page, dpi);
	if (!pix)
		pix = pixClone(page);
	t1 = now_ms();
	pt->seal += t1 - t0;
	specks = speckled ? find_specks(pix, dpi) : NULL;
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
			PIX *t = pixCopy(NULL, clean);
			pixDestroy(&clean);
			clean = t;
		}
		/* White: 0 in bilevel, the largest value in grey. */
		if (clean && pixPaintThroughMask(clean, mask, 0, 0,
		    d == 32 ? 0xffffff00 : d == 1 ? 0 : (1u << d) - 1) != 0)
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

/*
 * The searchable PDF of one job, built by Tesseract's renderer as pages
 * are recognised.  renderer is NULL when this job makes no PDF (any more).
 */
struct job_pdf {
	TessResultRenderer *renderer;
	char tess[PATH_MAX];        /* the renderer's file: <entry>/document.tess.pdf */
	char jpeg[PATH_MAX];        /* a page's image as JPEG: <entry>/document.page.jpg */
	const char *orig;           /* the original scan */
	int jpeg_as_is;             /* the original is a JPEG the PDF can take as it is */
	double ms;                  /* time spent on the PDF, for SOHOA_OCR_TIMING */
};

/* Where Tesseract's renderer finds its GlyphLessFont (pdf.ttf): beside the
 * traineddata in use, else in Debian's tessdata. */
static const char *
pdf_font_dir(TessBaseAPI *api, char *buf, size_t size)
{
	static const char *const fallback[] = {
		"/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
	};
	const char *dp = TessBaseAPIGetDatapath(api);

	if (dp && *dp) {
		snprintf(buf, size, "%s/pdf.ttf", dp);
		if (access(buf, R_OK) == 0)
			return dp;
	}
	for (size_t i = 0; i < sizeof fallback / sizeof fallback[0]; i++) {
		snprintf(buf, size, "%s/pdf.ttf", fallback[i]);
		if (access(buf, R_OK) == 0)
			return fallback[i];
	}
	return NULL;
}

static void
pdf_abandon(struct job_pdf *pdf, const char *why)
{
	if (!pdf->renderer)
		return;
	TessDeleteResultRenderer(pdf->renderer);
	pdf->renderer = NULL;
	unlink(pdf->tess);
	unlink(pdf->jpeg);
	if (why)
		fprintf(stderr, "sohoa-ocr: %s: no PDF/A for this document: %s\n", pdf->orig, why);
}

/* The file the next pages come from (a document folder has several). */
static void
pdf_source(struct job_pdf *pdf, const char *orig)
{
	l_int32 w, h, spp = 0, ycck = 1, cmyk = 1, fmt = IFF_UNKNOWN;

	pdf->orig = orig;
	/* A JPEG original goes into the PDF byte for byte (no second lossy
	 * compression) when the page needs no turning: Leptonica copies the
	 * file when given its name.  CMYK would need a CMYK OutputIntent. */
	findFileFormat(orig, &fmt);
	pdf->jpeg_as_is = fmt == IFF_JFIF_JPEG
	    && readHeaderJpeg(orig, &w, &h, &spp, &ycck, &cmyk) == 0
	    && (spp == 1 || spp == 3) && !ycck && !cmyk;
}

static void
pdf_begin(TessBaseAPI *api, const char *dir, const char *orig, struct job_pdf *pdf)
{
	char base[PATH_MAX], font[PATH_MAX], stale[PATH_MAX], old[PATH_MAX];
	const char *fontdir = pdf_font_dir(api, font, sizeof font);
	double t0 = now_ms();

	memset(pdf, 0, sizeof *pdf);
	pdf->orig = orig;
	snprintf(base, sizeof base, "%s/document.tess", dir);
	snprintf(pdf->tess, sizeof pdf->tess, "%s.pdf", base);
	snprintf(pdf->jpeg, sizeof pdf->jpeg, "%s/document.page.jpg", dir);
	snprintf(stale, sizeof stale, "%s/document.pdf.tmp", dir);
	snprintf(old, sizeof old, "%s/document.pdf", dir);
	/* Left-overs of an attempt that died, and its PDF: this attempt's
	 * results replace all of them. */
	unlink(pdf->jpeg);
	unlink(pdf->tess);
	unlink(stale);
	unlink(old);
	if (!fontdir) {
		fprintf(stderr, "sohoa-ocr: no pdf.ttf (tesseract-ocr): PDF/A output is off\n");
		return;
	}
	pdf_source(pdf, orig);
	pdf->renderer = TessPDFRendererCreate(base, fontdir, 0);
	if (!pdf->renderer) {
		fprintf(stderr, "sohoa-ocr: %s: cannot start the PDF\n", orig);
		return;
	}
	if (!TessResultRendererBeginDocument(pdf->renderer, ""))
		pdf_abandon(pdf, "Tesseract's PDF renderer cannot start");
	pdf->ms += now_ms() - t0;
}

/* JPEG quality of gray and colour page images: Tesseract's default. */
#define PDF_JPEG_QUALITY 85

/*
 * Adds the page just recognised: the page (upright, straight), at the
 * scan's resolution and depth, not the image prepared for OCR (prepare():
 * same size and resolution, so the text lands on the same words), which
 * it replaces in Tesseract before the renderer reads it.  Tesseract hands
 * the image to Leptonica, which picks G4 for bilevel but Flate rather than
 * JPEG for a gray page with few gray levels (and Tesseract itself Flate
 * for any page read from a PNG); gray and colour pages should be JPEG
 * (TT 05), so they are given to it as a JPEG file, which it copies into
 * the PDF as it is.
 */
static void
pdf_add_page(TessBaseAPI *api, struct job_pdf *pdf, int turned, PIX *page, int prepared)
{
	TessResultIterator *it;
	double t0 = now_ms();
	const char *name = NULL;
	PIX *pix;
	BOOL ok;
	int d;

	if (!pdf->renderer)
		return;
	/* The renderer walks the results without checking that there are any. */
	it = TessBaseAPIGetIterator(api);
	if (!it) {
		pdf_abandon(pdf, "a page has no OCR results");
		return;
	}
	TessResultIteratorDelete(it);
	/* Tesseract puts a page read from a PNG in as Flate whatever its
	 * depth; as far as the PDF goes, where the pixels came from does
	 * not matter (a bilevel PNG page becomes G4 like a bilevel TIFF). */
	pix = TessBaseAPIGetInputImage(api);
	if (pix && prepared && pixGetWidth(pix) == pixGetWidth(page)
	    && pixGetHeight(pix) == pixGetHeight(page)) {
		TessBaseAPISetInputImage(api, pixClone(page));     /* it takes the reference */
		pix = TessBaseAPIGetInputImage(api);
		prepared = 0;
	}
	if (pix)
		pixSetInputFormat(pix, IFF_UNKNOWN);
	d = pixGetDepth(page);
	if (pdf->jpeg_as_is && !turned)
		name = pdf->orig;
	else if (((d == 8 && !pixGetColormap(page)) || d == 32)
	    && pixWriteJpeg(pdf->jpeg, page, PDF_JPEG_QUALITY, 0) == 0)
		name = pdf->jpeg;
	if (prepared) {     /* not the page's size: the text would miss the words */
		pdf_abandon(pdf, "the OCR input of a page is not the page's size");
		return;
	}
	if (name)
		TessBaseAPISetInputName(api, name);
	ok = TessResultRendererAddImage(pdf->renderer, api);
	TessBaseAPISetInputName(api, "");
	unlink(pdf->jpeg);
	if (!ok)
		pdf_abandon(pdf, "Tesseract's PDF renderer failed on a page");
	pdf->ms += now_ms() - t0;
}

/* The envelope's name (NFC) and hash, for the PDF's title and identifier.
 * Both stay empty when there is no envelope. */
static void
read_envelope_meta(const char *dir, char **title, char *hash, size_t hash_size)
{
	char path[PATH_MAX], *text = NULL, *p;
	sohoa_error err;

	*title = NULL;
	hash[0] = '\0';
	sohoa_error_clear(&err);
	snprintf(path, sizeof path, "%s/envelope", dir);
	if (sohoa_fs_read_file(path, 1 << 20, &text, NULL, &err) != SOHOA_OK)
		return;
	if ((p = strstr(text, "\nhash=")) != NULL)
		snprintf(hash, hash_size, "%.*s", (int)strcspn(p + 6, "\n"), p + 6);
	if ((p = strstr(text, "\nname_hex=")) != NULL) {
		size_t n = strcspn(p += 10, "\n") / 2;
		char *raw = malloc(n + 1);
		for (size_t i = 0; raw && i < n; i++) {
			unsigned v;
			if (sscanf(p + 2 * i, "%2x", &v) != 1) {
				free(raw);
				raw = NULL;
				break;
			}
			raw[i] = (char)v;
		}
		if (raw)
			*title = sohoa_text_from_bytes(raw, n);
		free(raw);
	}
	free(text);
}

/* Ends the PDF and makes it PDF/A at <dir>/document.pdf. */
static void
pdf_finish(struct job_pdf *pdf, const char *dir, int timing)
{
	char tmp[PATH_MAX], final[PATH_MAX], hash[SOHOA_HASH_TEXT_MAX], producer[96];
	char creator[48];
	sohoa_pdfa_info info = { 0 };
	sohoa_error err;
	double t0 = now_ms(), t1;

	if (!pdf->renderer)
		return;
	if (!TessResultRendererEndDocument(pdf->renderer)) {
		pdf_abandon(pdf, "Tesseract's PDF renderer cannot end the document");
		return;
	}
	TessDeleteResultRenderer(pdf->renderer);    /* closes the file */
	pdf->renderer = NULL;
	t1 = now_ms();
	snprintf(tmp, sizeof tmp, "%s/document.pdf.tmp", dir);
	snprintf(final, sizeof final, "%s/document.pdf", dir);
	snprintf(creator, sizeof creator, "sohoa %s", SOHOA_VERSION);
	snprintf(producer, sizeof producer, "sohoa %s (Tesseract %s, qpdf)", SOHOA_VERSION,
	    TessVersion());
	read_envelope_meta(dir, (char **)&info.title, hash, sizeof hash);
	info.identifier = hash[0] ? hash : NULL;
	info.creator_tool = creator;
	info.producer = producer;
	sohoa_error_clear(&err);
	/* The results need no fsync (see run_job); a crash redoes the job. */
	if (sohoa_pdfa_convert(pdf->tess, tmp, &info, &err) != SOHOA_OK) {
		flatten(err.msg);
		fprintf(stderr, "sohoa-ocr: %s: no PDF/A for this document: %s\n", pdf->orig,
		    err.msg);
		unlink(tmp);
	} else if (rename(tmp, final) != 0) {
		fprintf(stderr, "sohoa-ocr: cannot write %s: %s\n", final, strerror(errno));
		unlink(tmp);
	}
	unlink(pdf->tess);
	free((char *)info.title);
	pdf->ms += now_ms() - t0;
	if (timing)
		fprintf(stderr, "sohoa-ocr: timing %s: pdf end %.0f ms, pdfa %.0f ms, pdf total %.0f ms\n",
		    dir, t1 - t0, now_ms() - t1, pdf->ms);
}

/*
 * Languages.  Records are Vietnamese; `languages` lists the first language
 * (the records') and others for the odd page that is not.  Tesseract given
 * "vie+eng" mixes them word by word: it tries the language that read the
 * previous word first and keeps an English reading it finds acceptable, so
 * runs of upper-case or short Vietnamese words come out in English, without
 * their diacritics ("CHU TICH", "xa", "dan") — `make eval` measured 96 %
 * of words against 98 % with "vie" alone.  So a page is read with the first
 * language alone, and only a page it reads badly (mean word confidence
 * under LANG_FALLBACK_CONF) is read again with all of them together; the
 * reading with the higher mean confidence is kept (language_fallback in
 * sohoa.conf sets the threshold; 0: never, 101: always), as is a page
 * that does not look like the first language (first_reading_doubtful).
 * Reading every page with both and keeping the more confident reading would
 * be worse than "vie" alone: `make eval` measured 95-98 % (confidence is a
 * poor judge between two readings of a good page).  The second engine is
 * loaded on the first such page only (about 50 MiB more), and kept for the
 * worker's life; sohoa_ocr_worker_main owns it.
 */
#define LANG_FALLBACK_CONF 70

struct second_engine {
	TessBaseAPI *api;       /* all the languages, or NULL */
	int failed;             /* could not be loaded: not tried again */
	char langs[128];        /* "" with a single language: no second reading */
	const char *tessdata;
};

/* The first language of a "+" list, into buf. */
static const char *
first_language(const char *languages, char *buf, size_t size)
{
	size_t n = strcspn(languages, "+");

	snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), languages);
	return buf;
}

/* The engine for all the languages, loaded on first use. */
static TessBaseAPI *
mixed_api(struct second_engine *m)
{
	if (m->api || m->failed || !m->langs[0])
		return m->api;
	m->api = TessBaseAPICreate();
	if (!m->api || TessBaseAPIInit3(m->api, m->tessdata[0] ? m->tessdata : NULL,
	    m->langs) != 0) {
		/* Once per worker: it is not tried again. */
		fprintf(stderr, "sohoa-ocr: cannot load Tesseract languages '%s': pages are read"
		    " with the first language only\n", m->langs);
		if (m->api)
			TessBaseAPIDelete(m->api);
		m->api = NULL;
		m->failed = 1;
		return NULL;
	}
	TessBaseAPISetPageSegMode(m->api, PSM_AUTO);
	TessBaseAPISetVariable(m->api, "debug_file", "/dev/null");
	return m->api;
}

/*
 * Whether the first language's reading of a page is in doubt: its mean word
 * confidence is under o->language_fallback, or the page has enough words to
 * tell and fewer than LANG_DICT_SHARE % of them are in that language's
 * dictionary.  The second test is for a page in another language, which the
 * first may read with a confidence that looks fine: an English page read
 * with "vie" gets 89, with only 38 % of its words Vietnamese, where the
 * Vietnamese pages of `make eval` have 80-97 % (65 % on a speckled page of
 * 40 words, hence the minimum).  A page on which the first reading found no
 * word at all (blank, or a picture) is never in doubt: page layout does not
 * depend on the language, so the second would find none either.
 */
#define LANG_DICT_SHARE 50
#define LANG_DICT_MIN_WORDS 30

static int
first_reading_doubtful(TessBaseAPI *api, const struct worker_opts *o, int conf)
{
	TessResultIterator *it;
	TessPageIterator *pi;
	int any = 0, words = 0, known = 0;

	if (o->language_fallback <= 0 || !(it = TessBaseAPIGetIterator(api)))
		return 0;
	pi = TessResultIteratorGetPageIterator(it);
	do {
		char *w = TessResultIteratorGetUTF8Text(it, RIL_WORD);
		utf8proc_int32_t c;
		utf8proc_ssize_t k;
		int letters = 0;

		if (!w)
			continue;
		for (const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)w;
		    (k = utf8proc_iterate(s, -1, &c)) > 0 && c != 0; s += k) {
			utf8proc_category_t cat = utf8proc_category(c);
			letters += cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
		}
		TessDeleteText(w);
		any = 1;
		/* Numbers, one-letter words and stray marks say nothing of
		 * the language. */
		if (letters >= 2) {
			words++;
			known += TessResultIteratorWordIsFromDictionary(it) ? 1 : 0;
		}
	} while (TessPageIteratorNext(pi, RIL_WORD));
	TessResultIteratorDelete(it);
	if (!any)
		return 0;
	if (conf < o->language_fallback)
		return 1;
	return words >= LANG_DICT_MIN_WORDS && known * 100 < words * LANG_DICT_SHARE;
}

/*
 * The page in `in` was read by api with confidence *conf: if that reading is
 * in doubt and there are other languages, reads it again with all of them,
 * within what is left of the page's time (t1: when the first reading began;
 * loading the second engine counts too; a second reading that runs out of
 * it is dropped, not the page).  Returns the engine whose results to keep,
 * for the text, hOCR and PDF of the page (its confidence in *conf); the
 * other one is cleared.
 */
static TessBaseAPI *
second_reading(TessBaseAPI *api, ETEXT_DESC *monitor, PIX *in, int dpi,
    const struct worker_opts *o, int page_no, double t1, int *conf)
{
	TessBaseAPI *alt;
	double left;
	int c2 = -1, keep;

	if (!o->mixed->langs[0] || !first_reading_doubtful(api, o, *conf)
	    || !(alt = mixed_api(o->mixed)))
		return api;
	if ((left = o->page_timeout * 1000.0 - (now_ms() - t1)) < 1000)
		return api;
	TessBaseAPISetImage2(alt, in);
	TessBaseAPISetSourceResolution(alt, dpi);
	TessMonitorSetDeadlineMSecs(monitor, (int)left);
	if (TessBaseAPIRecognize(alt, monitor) == 0)
		c2 = TessBaseAPIMeanTextConf(alt);
	keep = c2 > *conf;
	/* Per page, so with the timing lines only (tests/e2e/t_languages.sh
	 * reads it). */
	if (o->timing)
		fprintf(stderr, "sohoa-ocr: page %d read again with %s: confidence %d, %s %d:"
		    " %s kept\n", page_no, o->mixed->langs, *conf,
		    c2 < 0 ? "out of time," : "then", c2 < 0 ? 0 : c2,
		    keep ? "the second reading" : "the first reading");
	if (!keep) {
		TessBaseAPIClear(alt);
		return api;
	}
	*conf = c2;
	TessBaseAPIClear(api);
	return alt;
}

static int
ocr_page(TessBaseAPI *api, TessBaseAPI *osd, ETEXT_DESC *monitor, PIX *orig,
    const struct worker_opts *o, FILE *out, FILE *hocr, struct job_pdf *pdf, int page_no,
    double decode_ms, const char *label)
{
	struct prep_times pt = { decode_ms, 0, 0, 0, 0 };
	int dpi = sohoa_image_resolution(orig), conf = -1, rot = 0, timeout_s = o->page_timeout;
	int speckled = 1;
	float skew = 0;
	char *text = NULL;
	utf8proc_uint8_t *nfc = NULL;
	const char *status = "ok";
	double t0 = now_ms(), t1, t2, pdf_ms = pdf->ms;
	PIX *pix = straighten(osd, orig, dpi, &rot, &skew, &speckled, &pt);
	PIX *in = prepare(pix, dpi, speckled, &pt);     /* what Tesseract reads */

	t1 = now_ms();
	TessBaseAPISetImage2(api, in);
	TessBaseAPISetSourceResolution(api, dpi);
	TessMonitorSetDeadlineMSecs(monitor, timeout_s * 1000);
	/* ocr_mode = skip: no text; the PDF gets the page image alone. */
	if (OCR_MODE_IS(o, "skip")) {
		status = "skipped";
	} else if (TessBaseAPIRecognize(api, monitor) != 0) {
		status = "timeout";
	} else {
		char *h;
		conf = TessBaseAPIMeanTextConf(api);
		api = second_reading(api, monitor, in, dpi, o, page_no, t1, &conf);
		text = TessBaseAPIGetUTF8Text(api);
		if (text)
			nfc = utf8proc_NFC((const utf8proc_uint8_t *)text);
		if (!nfc)
			status = "failed";
		/* hOCR keeps every word's box and confidence (x_wconf). */
		if (hocr && (h = TessBaseAPIGetHOCRText(api, page_no - 1)) != NULL) {
			fputs(h, hocr);
			TessDeleteText(h);
		}
	}
	t2 = now_ms();
	if (pdf->renderer && strcmp(status, "ok") != 0) {
		/* The catalog keeps no text for a page that ran out of time, and
		 * neither does the PDF: its page gets the image alone.  Reading a
		 * 1x1 rectangle gives Tesseract an empty page of results. */
		TessBaseAPISetImage2(api, in);
		TessBaseAPISetSourceResolution(api, dpi);
		TessBaseAPISetRectangle(api, 0, 0, 1, 1);
		TessMonitorSetDeadlineMSecs(monitor, timeout_s * 1000);
		if (TessBaseAPIRecognize(api, monitor) != 0)
			pdf_abandon(pdf, "a page that ran out of time cannot be added");
	}
	pdf_add_page(api, pdf, rot != 0 || skew != 0.0f, pix, in != pix);
	if (o->timing)
		fprintf(stderr, "sohoa-ocr: timing page %d: prep %.0f ms, ocr %.0f ms, pdf %.0f ms;"
		    " decode %.0f ms, orient %.0f ms, deskew %.0f ms, speckle %.0f ms, seal %.0f ms;"
		    " %dx%d %d bpp %d dpi, turned %d, skew %.2f; %s\n",
		    page_no, t1 - t0, t2 - t1, pdf->ms - pdf_ms, pt.decode, pt.orient, pt.deskew,
		    pt.speckle, pt.seal, (int)pixGetWidth(orig), (int)pixGetHeight(orig),
		    (int)pixGetDepth(orig), dpi, rot, skew, label);
	fprintf(out, "page %d %d %s %d %d %d %zu %d %.2f\n", page_no,
	    strcmp(status, "ok") ? -1 : conf, status, (int)pixGetWidth(orig),
	    (int)pixGetHeight(orig), dpi, nfc ? strlen((char *)nfc) : 0, rot, skew);
	if (nfc)
		fputs((char *)nfc, out);
	fputc('\n', out);
	free(nfc);
	if (text)
		TessDeleteText(text);
	TessBaseAPIClear(api);
	pixDestroy(&in);
	pixDestroy(&pix);
	return 0;
}

static const char hocr_head[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
    "    \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
    "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"vi\" lang=\"vi\">\n"
    " <head>\n  <title></title>\n"
    "  <meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n"
    "  <meta name=\"ocr-system\" content=\"sohoa with tesseract\"/>\n"
    "  <meta name=\"ocr-capabilities\" content=\"ocr_page ocr_carea ocr_par ocr_line"
    " ocrx_word ocrp_wconf\"/>\n </head>\n <body>\n";

/*
 * The document PDF of a PDF taken with its own text: that PDF.  One that
 * says it is PDF/A is kept byte for byte; another is made PDF/A-2b by
 * pdfa.c (XMP, OutputIntent, /ID; it refuses encryption and transparency)
 * when every font it uses is embedded; any other is kept as it is, not
 * PDF/A, and the log says why.
 */
static void
pdf_keep(sohoa_pdfin *p, const char *dir, const char *orig)
{
	char tmp[PATH_MAX], final[PATH_MAX], hash[SOHOA_HASH_TEXT_MAX], producer[96];
	char creator[48], why_buf[600];
	sohoa_pdfa_info info = { 0 };
	sohoa_error err;
	const char *why;

	snprintf(tmp, sizeof tmp, "%s/document.pdf.tmp", dir);
	snprintf(final, sizeof final, "%s/document.pdf", dir);
	unlink(tmp);
	unlink(final);
	sohoa_error_clear(&err);
	if (sohoa_pdfin_is_pdfa(p)) {
		why = "it says it is PDF/A already";
	} else if (!sohoa_pdfin_fonts_embedded(p)) {
		why = "not PDF/A: not all its fonts are embedded";
	} else {
		snprintf(creator, sizeof creator, "sohoa %s", SOHOA_VERSION);
		snprintf(producer, sizeof producer, "sohoa %s (poppler %s, qpdf)", SOHOA_VERSION,
		    sohoa_pdfin_version());
		read_envelope_meta(dir, (char **)&info.title, hash, sizeof hash);
		info.identifier = hash[0] ? hash : NULL;
		info.creator_tool = creator;
		info.producer = producer;
		if (sohoa_pdfa_convert(orig, tmp, &info, &err) == SOHOA_OK
		    && rename(tmp, final) == 0) {
			free((char *)info.title);
			fprintf(stderr, "sohoa-ocr: %s: document PDF: the input PDF made PDF/A-2b\n",
			    dir);
			return;
		}
		free((char *)info.title);
		unlink(tmp);
		flatten(err.msg);
		snprintf(why_buf, sizeof why_buf, "not PDF/A: %s",
		    err.msg[0] ? err.msg : "it cannot be made PDF/A");
		why = why_buf;
	}
	sohoa_error_clear(&err);
	if (sohoa_fs_copy_file(orig, final, 0644, &err) != SOHOA_OK)
		fprintf(stderr, "sohoa-ocr: %s: no document PDF: %s\n", dir, err.msg);
	else
		fprintf(stderr, "sohoa-ocr: %s: document PDF: the input PDF as it is (%s)\n", dir,
		    why);
}

/*
 * A PDF whose own text is taken instead of OCR (ocr_mode auto and a text
 * layer on most pages, or ocr_mode skip): each page's text as poppler
 * reads it (NFC), status "pdf-text", no confidence (-1: stored NULL, as
 * no OCR ran; such records are never listed for review), and the page's
 * size at the resolution of its scanned image (estimated like a scan's
 * when absurd), or in points at 72 dpi when it holds no image.  The PDF
 * itself becomes the document PDF (pdf_keep).  No hOCR.
 */
static void
run_text_job(const struct worker_opts *o, const char *dir, const char *orig, sohoa_image *im)
{
	sohoa_pdfin *p = sohoa_image_pdf(im);
	char outp[PATH_MAX], tmpp[PATH_MAX], hocrp[PATH_MAX];
	int n = sohoa_pdfin_pages(p), with_text = 0;
	sohoa_error err;
	FILE *out;

	snprintf(outp, sizeof outp, "%s/ocr.out", dir);
	snprintf(tmpp, sizeof tmpp, "%s/ocr.out.tmp", dir);
	snprintf(hocrp, sizeof hocrp, "%s/ocr.hocr", dir);
	unlink(hocrp);      /* an earlier attempt's, in another ocr_mode */
	out = fopen(tmpp, "w");
	if (!out) {
		say("retry cannot write %s: %s\n", tmpp, strerror(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		int w = 0, h = 0, from_image = 0, letters = 0, res;
		double dpi = 0;
		char *text;
		say("progress %d %d\n", i + 1, n);
		sohoa_error_clear(&err);
		/* Not rendered: a page too large to render is no reason to
		 * refuse its text. */
		if (sohoa_pdfin_page_geometry(p, i, &w, &h, &dpi, &from_image, &err) != SOHOA_OK
		    && err.reason != SOHOA_REASON_TOO_LARGE) {
			fclose(out);
			unlink(tmpp);
			flatten(err.msg);
			if (err.status == SOHOA_BAD_INPUT)
				say("bad %s %s\n", sohoa_reason_key(err.reason), err.msg);
			else
				say("retry %s\n", err.msg);
			return;
		}
		if (from_image) {
			PIX *hdr = pixCreateHeader(w, h, 1);
			res = (int)lround(dpi);
			if (hdr) {
				pixSetResolution(hdr, res, res);
				res = sohoa_image_resolution(hdr);
				pixDestroy(&hdr);
			}
		} else {
			w = (int)lround(w * 72.0 / dpi);
			h = (int)lround(h * 72.0 / dpi);
			res = 72;
		}
		text = sohoa_pdfin_page_text(p, i, &letters);
		if (!text) {
			fclose(out);
			unlink(tmpp);
			say("retry out of memory\n");
			return;
		}
		with_text += letters >= SOHOA_PDFIN_MIN_LETTERS;
		fprintf(out, "page %d %d %s %d %d %d %zu %d %.2f\n", i + 1, -1, "pdf-text", w, h, res,
		    strlen(text), 0, 0.0);
		fputs(text, out);
		fputc('\n', out);
		free(text);
	}
	pdf_keep(p, dir, orig);
	if (fclose(out) != 0 || rename(tmpp, outp) != 0) {
		say("retry cannot write %s: %s\n", outp, strerror(errno));
		unlink(tmpp);
		return;
	}
	fprintf(stderr, "sohoa-ocr: %s: not OCRed (ocr_mode %s): the text of %d page(s)"
	    " (%d with text) taken from the PDF's text layer\n", dir,
	    o->ocr_mode ? o->ocr_mode : "auto", n, with_text);
	say("ok %d\n", n);
}

/* The inbox name of part i of a document folder (from its envelope), for
 * messages; "" when unknown. */
static void
part_name(const char *dir, int i, char *buf, size_t size)
{
	char path[PATH_MAX], *text = NULL, *p;
	sohoa_error err;
	size_t n = 0;

	buf[0] = '\0';
	sohoa_error_clear(&err);
	snprintf(path, sizeof path, "%s/envelope", dir);
	if (sohoa_fs_read_file(path, 1 << 20, &text, NULL, &err) != SOHOA_OK)
		return;
	for (p = text; (p = strstr(p, "\npart_hex=")) != NULL && i > 0; i--)
		p++;
	if (p) {
		unsigned v;
		for (p += 10; n + 1 < size && isxdigit((unsigned char)p[2 * n])
		    && isxdigit((unsigned char)p[2 * n + 1]) && sscanf(p + 2 * n, "%2x", &v) == 1; n++)
			buf[n] = (char)v;
		buf[n] = '\0';
	}
	free(text);
}

/* Says why the job cannot be done (the part named when there are several). */
static void
job_failed(const char *dir, int nparts, int part, sohoa_error *err)
{
	char name[256], msg[sizeof err->msg];

	flatten(err->msg);
	if (nparts > 0) {
		part_name(dir, part, name, sizeof name);
		flatten(name);
		snprintf(msg, sizeof msg, "page file %d of %d (%s): %s", part + 1, nparts,
		    name[0] ? name : "?", err->msg);
		snprintf(err->msg, sizeof err->msg, "%s", msg);
	}
	if (err->status == SOHOA_BAD_INPUT)
		say("bad %s %s\n", sohoa_reason_key(err->reason), err->msg);
	else
		say("retry %s\n", err->msg);
}

/*
 * OCRs the scan of the entry at dir, or each file of a document folder
 * (tailieu.h) in turn, as one document: one ocr.out, one hOCR, one PDF, the
 * pages numbered through.  A PDF with its own text layer is taken as it is
 * only when it is the whole document.
 */
static void
run_job(TessBaseAPI *api, TessBaseAPI *osd, ETEXT_DESC *monitor, const struct worker_opts *o,
    const char *dir)
{
	char orig[PATH_MAX], outp[PATH_MAX], tmpp[PATH_MAX], hocrp[PATH_MAX], hocrt[PATH_MAX];
	char label[PATH_MAX] = "";
	struct job_pdf pdf;
	FILE *hocr;
	sohoa_image_limits lim = { o->max_pixels, o->max_pages };
	sohoa_error err;
	sohoa_image *im = NULL;
	FILE *out;
	int nparts = sohoa_tailieu_parts_in(dir), nfiles = nparts ? nparts : 1, total = 0,
	    page = 0;

	sohoa_error_clear(&err);
	snprintf(outp, sizeof outp, "%s/ocr.out", dir);
	snprintf(tmpp, sizeof tmpp, "%s/ocr.out.tmp", dir);
	/* Every file's pages are counted (headers only) before any is OCRed:
	 * a bad file or too many pages is known at once. */
	for (int f = 0; f < nfiles; f++) {
		sohoa_tailieu_part_path(dir, nparts, f, orig, sizeof orig);
		im = sohoa_image_open(orig, &lim, &err);
		if (!im && err.reason == SOHOA_REASON_NOT_IMAGE && !nparts) {
			/* The archivist sees the name: say what it promised. */
			char *name, hash[SOHOA_HASH_TEXT_MAX];
			size_t len;
			read_envelope_meta(dir, &name, hash, sizeof hash);
			if (name && (len = strlen(name)) > 4 && strcasecmp(name + len - 4, ".pdf") == 0)
				snprintf(err.msg, sizeof err.msg,
				    "the file is named .pdf but its content is not a PDF");
			free(name);
		}
		if (!im) {
			job_failed(dir, nparts, f, &err);
			return;
		}
		total += sohoa_image_pages(im);
		if (o->max_pages > 0 && total > o->max_pages) {
			sohoa_image_free(im);
			sohoa_error_set(&err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
			    "the document has more than %d pages (max_pages)", o->max_pages);
			job_failed(dir, 0, 0, &err);
			return;
		}
		if (nparts)
			sohoa_image_free(im);
	}
	/* A PDF that brings its own text layer is not OCRed again (ocr_mode
	 * auto), and with ocr_mode skip no PDF is: its text is taken as it is. */
	if (!nparts && sohoa_image_pdf(im) && !OCR_MODE_IS(o, "force")
	    && (OCR_MODE_IS(o, "skip") || sohoa_pdfin_has_text_layer(sohoa_image_pdf(im)))) {
		run_text_job(o, dir, orig, im);
		sohoa_image_free(im);
		return;
	}
	snprintf(hocrp, sizeof hocrp, "%s/ocr.hocr", dir);
	snprintf(hocrt, sizeof hocrt, "%s/ocr.hocr.tmp", dir);
	hocr = fopen(hocrt, "w");
	if (hocr)
		fputs(hocr_head, hocr);
	out = fopen(tmpp, "w");
	if (!out) {
		if (hocr)
			fclose(hocr);
		unlink(hocrt);
		say("retry cannot write %s: %s\n", tmpp, strerror(errno));
		sohoa_image_free(im);
		return;
	}
	sohoa_tailieu_part_path(dir, nparts, 0, orig, sizeof orig);
	pdf_begin(api, dir, orig, &pdf);
	/* The timing lines name the job's entry and file (bench/timing_report.py). */
	if (o->timing) {
		char *name, hash[SOHOA_HASH_TEXT_MAX];
		const char *base = strrchr(dir, '/');
		read_envelope_meta(dir, &name, hash, sizeof hash);
		if (name)
			flatten(name);
		snprintf(label, sizeof label, "entry %s, file %s", base ? base + 1 : dir,
		    name ? name : "?");
		free(name);
	}
	for (int f = 0; f < nfiles; f++) {
		int n;
		if (nparts) {
			sohoa_tailieu_part_path(dir, nparts, f, orig, sizeof orig);
			pdf_source(&pdf, orig);
			im = sohoa_image_open(orig, &lim, &err);
		}
		n = im ? sohoa_image_pages(im) : 0;
		for (int i = 0; im && i < n; i++) {
			PIX *pix;
			double t0;
			say("progress %d %d\n", page + 1, total);
			t0 = now_ms();
			pix = sohoa_image_page(im, i, &err);
			if (!pix) {
				sohoa_image_free(im);
				im = NULL;
				break;
			}
			ocr_page(api, osd, monitor, pix, o, out, hocr, &pdf, ++page, now_ms() - t0,
			    label);
			pixDestroy(&pix);
		}
		if (!im) {
			fclose(out);
			unlink(tmpp);
			if (hocr)
				fclose(hocr);
			unlink(hocrt);
			pdf_abandon(&pdf, NULL);
			job_failed(dir, nparts, f, &err);
			return;
		}
		sohoa_image_free(im);
		im = NULL;
	}
	/* The PDF is complete before ocr.out says the job is. */
	pdf_finish(&pdf, dir, o->timing);
	if (hocr) {
		fputs(" </body>\n</html>\n", hocr);
		if (fclose(hocr) != 0 || rename(hocrt, hocrp) != 0)
			unlink(hocrt);
	}
	/* The results need no fsync: after a crash the job is simply redone. */
	if (fclose(out) != 0 || rename(tmpp, outp) != 0) {
		say("retry cannot write %s: %s\n", outp, strerror(errno));
		unlink(tmpp);
		return;
	}
	say("ok %d\n", page);
}

int
sohoa_ocr_worker_main(int argc, char **argv)
{
	struct second_engine mixed = { NULL, 0, "", "" };
	struct worker_opts o = { "vie+eng", "", 250000000LL, 0, 2000, 300, 0, "auto",
		LANG_FALLBACK_CONF, &mixed };
	TessBaseAPI *api, *osd;
	ETEXT_DESC *monitor;
	char *line = NULL, first[64];
	size_t cap = 0;
	ssize_t len;

	for (int i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		if (!strcmp(k, "--languages")) o.languages = v;
		else if (!strcmp(k, "--tessdata")) o.tessdata = v;
		else if (!strcmp(k, "--max-pixels")) o.max_pixels = atoll(v);
		else if (!strcmp(k, "--max-pages")) o.max_pages = atoi(v);
		else if (!strcmp(k, "--page-timeout")) o.page_timeout = atoi(v);
		else if (!strcmp(k, "--memory-mb")) o.memory_mb = atoll(v);
		else if (!strcmp(k, "--ocr-mode")) o.ocr_mode = v;
		else if (!strcmp(k, "--language-fallback")) o.language_fallback = atoi(v);
	}
	o.timing = getenv("SOHOA_OCR_TIMING") != NULL;
	/* Die with the pool: never OCR for a parent that is gone. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		return 1;
	setenv("OMP_THREAD_LIMIT", "1", 1);
#if !defined(__SANITIZE_ADDRESS__)
	if (o.memory_mb > 0) {
		struct rlimit rl = { (rlim_t)o.memory_mb << 20, (rlim_t)o.memory_mb << 20 };
		setrlimit(RLIMIT_AS, &rl);
	}
#endif
	setMsgSeverity(L_SEVERITY_NONE);
	/* The first language reads every page; all of them only the pages it
	 * reads badly (second_reading). */
	if (strchr(o.languages, '+')) {
		snprintf(mixed.langs, sizeof mixed.langs, "%s", o.languages);
		mixed.tessdata = o.tessdata;
	}
	api = TessBaseAPICreate();
	if (!api || TessBaseAPIInit3(api, o.tessdata[0] ? o.tessdata : NULL,
	    first_language(o.languages, first, sizeof first)) != 0) {
		fprintf(stderr, "sohoa-ocr: cannot load Tesseract languages '%s'\n", o.languages);
		if (api)
			TessBaseAPIDelete(api);
		return 3;
	}
	TessBaseAPISetPageSegMode(api, PSM_AUTO);
	TessBaseAPISetVariable(api, "debug_file", "/dev/null");
	/* Orientation detection needs osd.traineddata; without it pages are
	 * taken as they come (and deskewed). */
	osd = TessBaseAPICreate();
	if (osd && TessBaseAPIInit3(osd, o.tessdata[0] ? o.tessdata : NULL, "osd") == 0) {
		TessBaseAPISetPageSegMode(osd, PSM_OSD_ONLY);
		TessBaseAPISetVariable(osd, "debug_file", "/dev/null");
	} else {
		fprintf(stderr, "sohoa-ocr: no 'osd' data: page orientation is not detected\n");
		if (osd)
			TessBaseAPIDelete(osd);
		osd = NULL;
	}
	monitor = TessMonitorCreate();
	say("ready\n");
	while ((len = getline(&line, &cap, stdin)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (strncmp(line, "job ", 4) == 0)
			run_job(api, osd, monitor, &o, line + 4);
		else if (strcmp(line, "quit") == 0)
			break;
	}
	free(line);
	TessMonitorDelete(monitor);
	if (osd) {
		TessBaseAPIEnd(osd);
		TessBaseAPIDelete(osd);
	}
	if (mixed.api) {
		TessBaseAPIEnd(mixed.api);
		TessBaseAPIDelete(mixed.api);
	}
	TessBaseAPIEnd(api);
	TessBaseAPIDelete(api);
	return 0;
}

sohoa_status
sohoa_ocr_read_results(const char *dir, sohoa_page_result **pages, int *n, char **buf,
    sohoa_error *err)
{
	char path[PATH_MAX], *p, *end;
	size_t len;
	int cap = 0;

	*pages = NULL;
	*n = 0;
	snprintf(path, sizeof path, "%s/ocr.out", dir);
	if (sohoa_fs_read_file(path, (size_t)1 << 30, buf, &len, err) != SOHOA_OK)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "no OCR results");
	p = *buf;
	end = *buf + len;
	while (p < end) {
		sohoa_page_result r;
		char status[16];
		size_t tlen;
		int used = 0;
		memset(&r, 0, sizeof r);
		if (sscanf(p, "page %d %lf %15s %d %d %d %zu %d %f\n%n", &r.page_no, &r.confidence,
		    status, &r.width, &r.height, &r.dpi, &tlen, &r.rotation, &r.skew, &used) != 9
		    || used == 0
		    || tlen > (size_t)(end - p - used)) {
			free(*pages);
			free(*buf);
			*pages = NULL;
			*buf = NULL;
			return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
			    "malformed OCR results in %s", path);
		}
		p += used;
		if (*n == cap) {
			sohoa_page_result *np = realloc(*pages, (size_t)(cap = cap ? cap * 2 : 8)
			    * sizeof *np);
			if (!np) {
				free(*pages);
				free(*buf);
				*pages = NULL;
				*buf = NULL;
				return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
				    "out of memory");
			}
			*pages = np;
		}
		r.text = p;
		p[tlen] = '\0';      /* the newline after the text */
		p += tlen + 1;
		/* status lives in the buffer: reuse the space before the text. */
		r.status = !strcmp(status, "ok") ? "ok" : !strcmp(status, "timeout")
		    ? "timeout" : !strcmp(status, "pdf-text") ? "pdf-text"
		    : !strcmp(status, "skipped") ? "skipped" : "failed";
		(*pages)[(*n)++] = r;
	}
	return SOHOA_OK;
}

sohoa_status
sohoa_ocr_check_languages(const char *languages, const char *tessdata, sohoa_error *err)
{
	char langs[256], *lang, *next;
	const char *where = tessdata && *tessdata ? tessdata : NULL;
	TessBaseAPI *api;
	int fd, saved = -1;

	snprintf(langs, sizeof langs, "%s+osd", languages && *languages ? languages : "vie");
	/* Tesseract says on stderr why it cannot open a file; the message
	 * here says it better, once. */
	fflush(stderr);
	if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) >= 0) {
		saved = dup(2);
		dup2(fd, 2);
		close(fd);
	}
	for (lang = langs; lang && err->status == SOHOA_OK; lang = next) {
		if ((next = strchr(lang, '+')))
			*next++ = '\0';
		if (!*lang)
			continue;
		if (!(api = TessBaseAPICreate())) {
			sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "out of memory");
			break;
		}
		if (TessBaseAPIInit3(api, where, lang) != 0)
			sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "thiếu dữ liệu Tesseract cho ngôn ngữ '%s' (gói tesseract-ocr-%s) trong %s —"
			    " Tesseract has no data for language '%s' (Debian package tesseract-ocr-%s)"
			    " in %s", lang, lang, where ? where : "thư mục mặc định", lang, lang,
			    where ? where : "its default folder");
		TessBaseAPIEnd(api);
		TessBaseAPIDelete(api);
	}
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	return err->status;
}
