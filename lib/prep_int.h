/*
 * prep_int.h - cheap looks at a page for the OCR worker's preparation
 * (lib/prep.c, used by ocr_prep.c's sohoa_ocr_straighten() and
 * sohoa_ocr_prepare()): the reduced copy every decision is taken on, and
 * the speck count that says whether the full-resolution speck removal is
 * worth running; and a few of Leptonica's operations on the full page
 * (area-mapping rotation, quarter turn, painting through a mask) done in
 * fewer instructions with the same pixels.  Not a public header.
 *
 * Invariants:
 *   1. Nothing here changes the page given, but prep_paint_white(), which
 *      paints the caller's working copy; every other result is a new PIX
 *      the caller destroys (pixDestroy, NULL-safe).
 *   2. A decision taken on the reduced copy only ever decides to skip work
 *      whose own test would find nothing to do (prep_specks_likely) or
 *      feeds a decision that was already taken at that resolution (skew,
 *      orientation): what Tesseract reads is made at full resolution.
 */
#ifndef SOHOA_PREP_INT_H
#define SOHOA_PREP_INT_H

#include <leptonica/allheaders.h>

/* The resolution the decisions are taken at (orientation, skew, specks). */
#define PREP_LOOK_DPI 150

/*
 * An 8 bpp grey copy of the page at about PREP_LOOK_DPI (the page's own
 * resolution when it is lower), made by each depth's one-pass reduction:
 * 1 bpp by pixScaleToGray*, colour by pixScaleRGBToGray2 at 2x (the
 * luminance of pixConvertRGBToLuminance) or area mapping then luminance,
 * grey by area mapping.  The full page is never converted.  *sdpi gets
 * the copy's resolution.  NULL on failure.
 */
PIX *prep_reduce(PIX *pix, int dpi, int *sdpi);

/*
 * The reduced binary page (1 bpp at sdpi) without its isolated tiny blots
 * (at most 0.35 mm across, nothing within 0.2 mm: what find_specks()
 * removes at full resolution), and their number in *count.  Cheap: at
 * PREP_LOOK_DPI a quarter of the page's pixels.  NULL on failure.
 */
PIX *prep_despeckle_small(PIX *bin, int sdpi, int *count);

/* Whether a page whose reduced copy shows count isolated blots may have
 * enough specks at full resolution for find_specks() to clean it. */
int prep_specks_likely(int count, int min_specks);

/*
 * The page (8 bpp grey or 32 bpp colour) turned clockwise by angle radians
 * about its centre, white brought in: the same pixels as pixRotate(pix,
 * angle, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0), at about a third of
 * its cost (prep.c); other pages go to pixRotate itself.  NULL on failure.
 */
PIX *prep_rotate_am(PIX *pix, float angle);

/*
 * The 32 bpp colour page halved to 8 bpp grey, each 2x2 block weighted by
 * channel: the pixels of pixScaleRGBToGray2(pix, rwt, gwt, bwt), in
 * fewer instructions (prep.c).  NULL on failure.
 */
PIX *prep_rgb_to_grey2(PIX *pix, float rwt, float gwt, float bwt);

/*
 * The 8 bpp grey page thresholded: a pixel darker than thresh (1..255) is
 * set, as pixThresholdToBinary(pix, thresh) sets it (prep.c); other pages
 * go to it.  NULL on failure.
 */
PIX *prep_threshold(PIX *pix, int thresh);

/*
 * The page turned a quarter, clockwise (direction 1) or counter-clockwise
 * (-1): the same pixels and attributes as pixRotate90(pix, direction), at
 * a fraction of its cost for an 8 bpp grey or 32 bpp colour page (prep.c);
 * other pages go to pixRotate90 itself.  NULL on failure.
 */
PIX *prep_rotate_quarter(PIX *pix, int direction);

/*
 * White painted on the page (8 bpp grey: 255, 32 bpp colour: 0xffffff00)
 * wherever the 1 bpp mask of its size is set: the pixels of
 * pixPaintThroughMask(pix, mask, 0, 0, white), which other pages go to.
 * Changes pix itself.  0 on success, 1 on failure.
 */
int prep_paint_white(PIX *pix, PIX *mask);

#endif
