/*
 * image.c - identification, limits and decoding of scans with Leptonica.
 * TIFF (any compression Leptonica reads), PNG and JPEG are taken, and PDF,
 * whose pages pdfin.c rasterizes at their native resolution.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <leptonica/allheaders.h>

#include "sohoa/image.h"
#include "sohoa/pdfin.h"

enum kind { KIND_TIFF, KIND_PNG, KIND_JPEG, KIND_PDF };

struct sohoa_image {
	char *path;
	enum kind kind;
	int pages;
	off_t size;
	sohoa_pdfin *pdf;          /* KIND_PDF */
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
	findFileFormat(path, &fmt);
	im = calloc(1, sizeof *im);
	if (!im || !(im->path = strdup(path))) {
		free(im);
		sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
		return NULL;
	}
	im->size = st.st_size;
	if (sohoa_pdfin_sniff(path)) {
		im->kind = KIND_PDF;
		im->pdf = sohoa_pdfin_open(path, lim->max_pixels, lim->max_pages, err);
		if (!im->pdf)
			goto fail;
		im->pages = sohoa_pdfin_pages(im->pdf);
	} else if (L_FORMAT_IS_TIFF(fmt)) {
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
		    "the content is not a TIFF, PNG, JPEG or PDF scan");
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
	return im->kind == KIND_TIFF ? "tiff" : im->kind == KIND_PNG ? "png"
	    : im->kind == KIND_PDF ? "pdf" : "jpeg";
}

sohoa_pdfin *sohoa_image_pdf(sohoa_image *im) { return im->pdf; }

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
	case KIND_PDF:
		pix = sohoa_pdfin_page(im->pdf, i, err);
		break;
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
	sohoa_pdfin_free(im->pdf);
	free(im->path);
	free(im);
}

/* Paper the scans here come on, in mm (shorter, longer side), and the
 * resolutions scanners offer, the likelier first. */
static const struct { double s, l; } papers[] = {
	{ 210, 297 },       /* A4 */
	{ 148, 210 },       /* A5 */
	{ 297, 420 },       /* A3 */
	{ 215.9, 279.4 },   /* Letter */
	{ 215.9, 355.6 },   /* Legal */
};
static const int scanner_dpi[] = { 300, 200, 400, 600, 150, 240 };
/* A scan is its paper's size within this (scanners crop or add a margin). */
#define PAPER_TOLERANCE 0.04

/*
 * The resolution a page of w x h pixels was most likely scanned at: the
 * scanner resolution at which both sides match a paper size within
 * PAPER_TOLERANCE (a likelier resolution wins unless another fits at
 * least 1% better: A5 at 300 dpi and A3 at 150 dpi are nearly the same
 * pixels), else the width of A4 (8.27 in) on the shorter side.
 */
static int
estimate_resolution(int w, int h)
{
	double s = w < h ? w : h, l = w < h ? h : w, best_err = 1;
	int best = 0, est;

	for (size_t d = 0; d < sizeof scanner_dpi / sizeof scanner_dpi[0]; d++)
		for (size_t p = 0; p < sizeof papers / sizeof papers[0]; p++) {
			double es = papers[p].s / 25.4 * scanner_dpi[d];
			double el = papers[p].l / 25.4 * scanner_dpi[d];
			double err = fabs(s - es) / es > fabs(l - el) / el ? fabs(s - es) / es
			    : fabs(l - el) / el;
			if (err <= PAPER_TOLERANCE && (best == 0 || err < best_err - 0.01)) {
				best = scanner_dpi[d];
				best_err = err;
			}
		}
	if (best)
		return best;
	est = (int)(s / 8.27 + 0.5);
	return est < 70 ? 70 : est > 1200 ? 1200 : est;
}

int
sohoa_image_resolution(const struct Pix *cpix)
{
	PIX *pix = (PIX *)cpix;
	int res = pixGetXRes(pix), w = pixGetWidth(pix), h = pixGetHeight(pix);
	int shorter = w < h ? w : h;
	int est = estimate_resolution(w, h);

	if (res < 70 || res > 2400)
		return est;
	/* A stated resolution that makes the page absurdly small (72 dpi on
	 * a 2480-pixel page would be a 34 inch page) is a default, not a fact. */
	if (shorter / res > 20)
		return est;
	return res;
}
