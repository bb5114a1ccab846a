/*
 * preview.c - the first page of a file nobody vouches for (the quarantine),
 * as a small PNG for the văn thư's desk (desk.h).  Opened through image.h,
 * whose header checks bound every page before a pixel is decoded; the
 * page is then scaled down to a width a screen shows.
 */
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>

#include "sohoa/desk.h"
#include "sohoa/image.h"

sohoa_status
sohoa_preview_png(const char *path, const sohoa_conf *conf, int max_width, unsigned char **png,
    size_t *len, sohoa_error *err)
{
	sohoa_image_limits lim = { .max_pixels = conf->max_pixels, .max_pages = 100000 };
	sohoa_image *im;
	PIX *pix, *pix8 = NULL, *small = NULL;
	l_uint8 *data = NULL;
	size_t n = 0;
	sohoa_status rc = SOHOA_OK;

	*png = NULL;
	*len = 0;
	if (!(im = sohoa_image_open(path, &lim, err)))
		return err->status ? err->status : SOHOA_BAD_INPUT;
	pix = sohoa_image_page(im, 0, err);
	sohoa_image_free(im);
	if (!pix)
		return err->status ? err->status : SOHOA_BAD_INPUT;
	/* Grey before scaling: a 1-bit fax page scaled as bits is unreadable. */
	if (pixGetDepth(pix) < 8 || pixGetColormap(pix))
		pix8 = pixConvertTo8(pix, 0);
	else
		pix8 = pixClone(pix);
	pixDestroy(&pix);
	if (!pix8)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "preview: out of memory");
	if (max_width > 0 && pixGetWidth(pix8) > max_width)
		small = pixScale(pix8, (l_float32)max_width / (l_float32)pixGetWidth(pix8),
		    (l_float32)max_width / (l_float32)pixGetWidth(pix8));
	else
		small = pixClone(pix8);
	pixDestroy(&pix8);
	if (!small || pixWriteMemPng(&data, &n, small, 0.0) != 0 || !data) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "preview: PNG not made");
	} else if (!(*png = malloc(n))) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "preview: out of memory");
	} else {
		memcpy(*png, data, n);
		*len = n;
	}
	lept_free(data);
	pixDestroy(&small);
	return rc;
}

sohoa_status
sohoa_preview_check(const char *path, const sohoa_conf *conf, sohoa_error *err)
{
	sohoa_image_limits lim = { .max_pixels = conf->max_pixels, .max_pages = 100000 };
	sohoa_image *im = sohoa_image_open(path, &lim, err);
	PIX *pix;

	if (!im)
		return err->status ? err->status : SOHOA_BAD_INPUT;
	pix = sohoa_image_page(im, 0, err);
	sohoa_image_free(im);
	if (!pix)
		return err->status ? err->status : SOHOA_BAD_INPUT;
	pixDestroy(&pix);
	return SOHOA_OK;
}
