/*
 * image.c - identification, limits and decoding of scans with Leptonica.
 * Only TIFF (any compression Leptonica reads), PNG and JPEG are taken.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <leptonica/allheaders.h>

#include "sohoa/image.h"

enum kind { KIND_TIFF, KIND_PNG, KIND_JPEG };

struct sohoa_image {
	char *path;
	enum kind kind;
	int pages;
	off_t size;
};

static const unsigned char png_iend[12] = {
	0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82
};

static int
read_head(const char *path, unsigned char *buf, size_t n, off_t at)
{
	FILE *f = fopen(path, "rb");
	size_t got;

	if (!f)
		return -1;
	if (at && fseeko(f, at, SEEK_SET) != 0) {
		fclose(f);
		return -1;
	}
	got = fread(buf, 1, n, f);
	fclose(f);
	return (int)got;
}

static sohoa_status
check_pixels(long long w, long long h, int page, const sohoa_image_limits *lim,
    sohoa_error *err)
{
	if (w <= 0 || h <= 0)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
		    "page %d has an impossible size %lldx%lld", page + 1, w, h);
	if (w * h > lim->max_pixels)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
		    "page %d is %lldx%lld pixels (%lld megapixels), over the limit of %lld",
		    page + 1, w, h, w * h / 1000000, lim->max_pixels);
	return SOHOA_OK;
}

sohoa_image *
sohoa_image_open(const char *path, const sohoa_image_limits *lim, sohoa_error *err)
{
	sohoa_image *im;
	struct stat st;
	unsigned char head[16] = { 0 };
	l_int32 fmt = IFF_UNKNOWN, w = 0, h = 0, bps, spp, res, cmap, tfmt, ycck, cmyk;

	if (stat(path, &st) != 0) {
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNREADABLE, "%s: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (st.st_size == 0) {
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_EMPTY, "the file is empty");
		return NULL;
	}
	if (read_head(path, head, sizeof head, 0) < 0) {
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNREADABLE, "%s: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (memcmp(head, "%PDF", 4) == 0) {
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNSUPPORTED,
		    "PDF input is not supported yet");
		return NULL;
	}
	findFileFormat(path, &fmt);
	im = calloc(1, sizeof *im);
	if (!im || !(im->path = strdup(path))) {
		free(im);
		sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
		return NULL;
	}
	im->size = st.st_size;
	if (L_FORMAT_IS_TIFF(fmt)) {
		FILE *f = fopen(path, "rb");
		l_int32 n = 0;
		im->kind = KIND_TIFF;
		if (!f || tiffGetCount(f, &n) != 0 || n <= 0) {
			if (f)
				fclose(f);
			sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
			    "the TIFF file has no readable page");
			goto fail;
		}
		fclose(f);
		if (n > lim->max_pages) {
			sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
			    "the TIFF file has %d pages, over the limit of %d", n, lim->max_pages);
			goto fail;
		}
		im->pages = n;
		for (int i = 0; i < n; i++) {
			if (readHeaderTiff(path, i, &w, &h, &bps, &spp, &res, &cmap, &tfmt) != 0) {
				sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
				    "the header of TIFF page %d cannot be read", i + 1);
				goto fail;
			}
			if (check_pixels(w, h, i, lim, err) != SOHOA_OK)
				goto fail;
		}
	} else if (fmt == IFF_PNG) {
		im->kind = KIND_PNG;
		im->pages = 1;
		if (readHeaderPng(path, &w, &h, &bps, &spp, &cmap) != 0) {
			sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
			    "the PNG header cannot be read");
			goto fail;
		}
		if (check_pixels(w, h, 0, lim, err) != SOHOA_OK)
			goto fail;
	} else if (fmt == IFF_JFIF_JPEG) {
		im->kind = KIND_JPEG;
		im->pages = 1;
		if (readHeaderJpeg(path, &w, &h, &spp, &ycck, &cmyk) != 0) {
			sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
			    "the JPEG header cannot be read");
			goto fail;
		}
		if (check_pixels(w, h, 0, lim, err) != SOHOA_OK)
			goto fail;
	} else if (fmt != IFF_UNKNOWN) {
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNSUPPORTED,
		    "image format %d is not taken (only TIFF, PNG, JPEG)", fmt);
		goto fail;
	} else {
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NOT_IMAGE,
		    "the content is not a TIFF, PNG or JPEG image");
		goto fail;
	}
	return im;
fail:
	sohoa_image_free(im);
	return NULL;
}

int sohoa_image_pages(const sohoa_image *im) { return im->pages; }

const char *
sohoa_image_format(const sohoa_image *im)
{
	return im->kind == KIND_TIFF ? "tiff" : im->kind == KIND_PNG ? "png" : "jpeg";
}

struct Pix *
sohoa_image_page(sohoa_image *im, int i, sohoa_error *err)
{
	PIX *pix = NULL;
	l_int32 nwarn = 0;

	if (i < 0 || i >= im->pages) {
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "no page %d", i + 1);
		return NULL;
	}
	switch (im->kind) {
	case KIND_TIFF:
		pix = pixReadTiff(im->path, i);
		if (!pix)
			sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
			    "TIFF page %d cannot be decoded", i + 1);
		break;
	case KIND_PNG: {
		unsigned char tail[12];
		pix = pixRead(im->path);
		if (!pix) {
			int trunc = im->size < 12
			    || read_head(im->path, tail, 12, im->size - 12) != 12
			    || memcmp(tail, png_iend, 12) != 0;
			sohoa_error_set(err, SOHOA_BAD_INPUT,
			    trunc ? SOHOA_REASON_TRUNCATED : SOHOA_REASON_CORRUPT,
			    trunc ? "the PNG data ends early" : "the PNG data cannot be decoded");
		}
		break;
	}
	case KIND_JPEG:
		pix = pixReadJpeg(im->path, 0, 1, &nwarn, 0);
		if (!pix) {
			unsigned char tail[2];
			int trunc = nwarn > 0 || im->size < 2
			    || read_head(im->path, tail, 2, im->size - 2) != 2
			    || tail[0] != 0xFF || tail[1] != 0xD9;
			sohoa_error_set(err, SOHOA_BAD_INPUT,
			    trunc ? SOHOA_REASON_TRUNCATED : SOHOA_REASON_CORRUPT,
			    trunc ? "the JPEG data is damaged or ends early"
			    : "the JPEG data cannot be decoded");
		} else if (nwarn > 0) {
			pixDestroy(&pix);
			sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TRUNCATED,
			    "the JPEG data is damaged or ends early");
		}
		break;
	}
	if (pix && pixGetColormap(pix)) {
		PIX *plain = pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC);
		pixDestroy(&pix);
		pix = plain;
		if (!pix)
			sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
	}
	return pix;
}

void
sohoa_image_free(sohoa_image *im)
{
	if (!im)
		return;
	free(im->path);
	free(im);
}

int
sohoa_image_resolution(const struct Pix *cpix)
{
	PIX *pix = (PIX *)cpix;
	int res = pixGetXRes(pix), w = pixGetWidth(pix), h = pixGetHeight(pix);
	int shorter = w < h ? w : h;
	int est;

	/* A4 is 8.27 in on its shorter side; most scans here are A4. */
	est = (int)(shorter / 8.27 + 0.5);
	if (est < 70)
		est = 70;
	if (est > 1200)
		est = 1200;
	if (res < 70 || res > 2400)
		return est;
	/* A stated resolution that makes the page absurdly small (72 dpi on
	 * a 2480-pixel page would be a 34 inch page) is a default, not a fact. */
	if (shorter / res > 20)
		return est;
	return res;
}
