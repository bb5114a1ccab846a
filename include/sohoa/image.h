/*
 * image.h - opening and checking scans (Leptonica).  Input is untrusted:
 * every page's header is checked against the limits before a single pixel
 * is decoded, so a 60000x60000 PNG header costs nothing.
 *
 *   sohoa_image *im = sohoa_image_open(path, &limits, &err);
 *   for (int i = 0; i < sohoa_image_pages(im); i++) {
 *       struct Pix *pix = sohoa_image_page(im, i, &err);  // caller owns pix
 *       ...; pixDestroy(&pix);
 *   }
 *   sohoa_image_free(im);
 *
 * A PDF (pdfin.h) is a scan too: its pages are rasterized at their native
 * resolution, one at a time, by sohoa_image_page().
 *
 * Errors are SOHOA_BAD_INPUT with a reason (EMPTY, NOT_IMAGE, UNSUPPORTED,
 * TOO_LARGE, TRUNCATED, CORRUPT, UNREADABLE; for PDFs also ENCRYPTED,
 * NO_PAGES, PAGE_SIZE).
 */
#ifndef SOHOA_IMAGE_H
#define SOHOA_IMAGE_H

#include "sohoa/sohoa.h"

struct Pix;
typedef struct sohoa_image sohoa_image;

typedef struct sohoa_image_limits {
	long long max_pixels;  /* per page */
	int max_pages;
} sohoa_image_limits;

SOHOA_API sohoa_image *sohoa_image_open(const char *path, const sohoa_image_limits *lim,
    sohoa_error *err);
SOHOA_API int sohoa_image_pages(const sohoa_image *im);
/* "tiff", "png", "jpeg" or "pdf". */
SOHOA_API const char *sohoa_image_format(const sohoa_image *im);
/* The PDF behind a "pdf" image (its text layer, see pdfin.h), else NULL.
 * Owned by im. */
SOHOA_API struct sohoa_pdfin *sohoa_image_pdf(sohoa_image *im);
/* Decodes page i (0-based).  Caller owns the result; pixDestroy() it. */
SOHOA_API struct Pix *sohoa_image_page(sohoa_image *im, int i, sohoa_error *err);
SOHOA_API void sohoa_image_free(sohoa_image *im);

/* The resolution to use for a page: the file's, or an estimate from the
 * page size (A4) when the file has none or an absurd one. */
SOHOA_API int sohoa_image_resolution(const struct Pix *pix);

#endif
