/*
 * prep_int.h - cheap looks at a page for the OCR worker's preparation
 * (lib/prep.c, used by ocr.c's straighten() and prepare()): the reduced
 * copy every decision is taken on, the speck count that says whether
 * the full-resolution speck removal is worth running, and the cheap turn
 * that straightens the page.  Not a public header.
 *
 * Invariants:
 *   1. Nothing here changes the page given; every result is a new PIX the
 *      caller destroys (pixDestroy, NULL-safe).
 *   2. A decision taken on the reduced copy only ever decides to skip work
 *      whose own test would find nothing to do (prep_specks_likely) or
 *      feeds a decision that was already taken at that resolution (skew,
 *      orientation): what Tesseract reads is made at full resolution.
 *   3. prep_deskew keeps the page's size and depth, so the text Tesseract
 *      places on the straightened page lands on the PDF's image.
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

/* Up to this skew (degrees) a page is straightened by two shears:
 * Leptonica's two-shear limit (0.06 rad), past the skews scanners make. */
#define PREP_SHEAR_MAX_DEG 3.4f

/*
 * The page turned by deg degrees (clockwise, as pixFindSkew* measures it:
 * the angle find_skew() returns), the same size, white brought in at the
 * corners, the same depth.  Within PREP_SHEAR_MAX_DEG a 1, 8 (without
 * colour map) or 32 bpp page is turned by shearing (pixRotateShearCenter:
 * whole pixels moved by rows and columns, a few memory copies of the
 * page), which costs a tenth of area mapping and reads as well (make eval);
 * a larger angle, a colour-mapped page or another depth goes as before
 * (area mapping; sampling for 1 bpp).  deg 0 gives a clone.  NULL on
 * failure.
 */
PIX *prep_deskew(PIX *pix, float deg);

#endif
