/*
 * image.c - identification, limits and decoding of scans with Leptonica.
 * TIFF (any compression Leptonica reads), PNG and JPEG are taken, and PDF,
 * whose pages pdfin.c rasterizes at their native resolution.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <leptonica/allheaders.h>

#include "sohoa/image.h"
#include "sohoa/inbox.h"
#include "sohoa/pdfin.h"

enum kind { KIND_TIFF, KIND_PNG, KIND_JPEG, KIND_PDF };

struct sohoa_image {
	char *path;
	enum kind kind;
	int pages;
	off_t size;
	sohoa_pdfin *pdf;          /* KIND_PDF */
	unsigned long long *tiff_offsets;  /* KIND_TIFF: each page's directory */
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

/*
 * The pages of a TIFF file in one pass over its chain of directories
 * (IFDs), linear in pages: Leptonica's readHeaderTiff(path, i) walks the
 * chain from the start again for each page i, which made a 288 KB file of
 * 2000 tiny pages cost 2 million directory reads (~30 s) before any pixel.
 * Classic TIFF and BigTIFF.  Each page's width and height are checked
 * against the limits as its directory is read; a loop in the chain, an
 * offset past the end of the file or a directory without a size is
 * corrupt.  *offsets (malloc'd, one per page) lets a page be decoded
 * without walking the chain again.
 */
static int
tiff_u16(const unsigned char *p, int be)
{
	return be ? p[0] << 8 | p[1] : p[1] << 8 | p[0];
}

static unsigned long long
tiff_uint(const unsigned char *p, int n, int be)
{
	unsigned long long v = 0;

	for (int i = 0; i < n; i++)
		v |= (unsigned long long)p[be ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

static sohoa_status
tiff_scan(const char *path, off_t size, const sohoa_image_limits *lim, int *pages,
    unsigned long long **offsets, sohoa_error *err)
{
	unsigned char head[16], *ents = NULL;
	unsigned long long off, *offs = NULL, *seen = NULL;
	size_t nseen = 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), be, big, n = 0;
	sohoa_status rc = SOHOA_OK;

	*pages = 0;
	*offsets = NULL;
	if (fd < 0)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNREADABLE, "%s: %s", path,
		    strerror(errno));
	if (pread(fd, head, 16, 0) < 8 || (memcmp(head, "II", 2) && memcmp(head, "MM", 2))) {
		rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
		    "the TIFF file has no readable page");
		goto out;
	}
	be = head[0] == 'M';
	big = tiff_u16(head + 2, be) == 43;
	if (!big && tiff_u16(head + 2, be) != 42) {
		rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
		    "the TIFF file has no readable page");
		goto out;
	}
	off = big ? tiff_uint(head + 8, 8, be) : tiff_uint(head + 4, 4, be);
	/* Offsets met so far, in an open-addressing set: a loop is corrupt. */
	while (nseen < 2 * ((size_t)lim->max_pages + 2))
		nseen <<= 1;
	if (!(seen = calloc(nseen, sizeof *seen))
	    || !(offs = malloc(((size_t)lim->max_pages + 1) * sizeof *offs))) {
		rc = sohoa_error_oom(err);
		goto out;
	}
	while (off != 0) {
		unsigned char cnt[8], next[8];
		unsigned long long count, w = 0, h = 0;
		size_t esz = big ? 20 : 12, slot;
		int csz = big ? 8 : 2;
		if (off >= (unsigned long long)size || off + (unsigned long long)csz > (unsigned long long)size) {
			rc = n ? sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
			    "the header of TIFF page %d cannot be read", n + 1)
			    : sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
			    "the TIFF file has no readable page");
			goto out;
		}
		for (slot = (size_t)(off * 0x9E3779B97F4A7C15ULL >> 7) & (nseen - 1); seen[slot];
		    slot = (slot + 1) & (nseen - 1))
			if (seen[slot] == off) {
				rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
				    "the TIFF file's pages loop back on themselves (page %d)", n + 1);
				goto out;
			}
		seen[slot] = off;
		if (n >= lim->max_pages) {
			rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
			    "the TIFF file has %d pages or more, over the limit of %d", n + 1,
			    lim->max_pages);
			goto out;
		}
		if (pread(fd, cnt, (size_t)csz, (off_t)off) != csz) {
			rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
			    "the header of TIFF page %d cannot be read", n + 1);
			goto out;
		}
		count = tiff_uint(cnt, csz, be);
		if (count == 0 || count > 4096 || off + (unsigned long long)csz + count * esz
		    + (unsigned long long)(big ? 8 : 4) > (unsigned long long)size) {
			rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
			    "the header of TIFF page %d cannot be read", n + 1);
			goto out;
		}
		free(ents);
		if (!(ents = malloc((size_t)count * esz))) {
			rc = sohoa_error_oom(err);
			goto out;
		}
		if (pread(fd, ents, (size_t)count * esz, (off_t)(off + (unsigned long long)csz))
		    != (ssize_t)(count * esz)
		    || pread(fd, next, big ? 8 : 4, (off_t)(off + (unsigned long long)csz + count
		    * esz)) != (big ? 8 : 4)) {
			rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
			    "the header of TIFF page %d cannot be read", n + 1);
			goto out;
		}
		for (unsigned long long i = 0; i < count; i++) {
			const unsigned char *e = ents + i * esz;
			int tag = tiff_u16(e, be), type = tiff_u16(e + 2, be);
			const unsigned char *val = e + (big ? 12 : 8);
			unsigned long long v;
			if (tag != 256 && tag != 257)
				continue;
			/* SHORT, LONG or LONG8, one value, held in the entry. */
			v = type == 3 ? (unsigned long long)tiff_u16(val, be)
			    : type == 4 ? tiff_uint(val, 4, be)
			    : type == 16 && big ? tiff_uint(val, 8, be) : 0;
			if (tag == 256)
				w = v;
			else
				h = v;
		}
		if (w == 0 || h == 0 || w > 0x7fffffff || h > 0x7fffffff) {
			rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
			    "the header of TIFF page %d cannot be read", n + 1);
			goto out;
		}
		if ((rc = check_pixels((long long)w, (long long)h, n, lim, err)) != SOHOA_OK)
			goto out;
		offs[n++] = off;
		off = tiff_uint(next, big ? 8 : 4, be);
	}
	if (n == 0)
		rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
		    "the TIFF file has no readable page");
out:
	close(fd);
	free(ents);
	free(seen);
	if (rc == SOHOA_OK) {
		*pages = n;
		*offsets = offs;
	} else {
		free(offs);
	}
	return rc;
}

/* The format whose signature head starts with, when the file is too short
 * for Leptonica to name it; NULL if none. */
static const char *
has_signature(const unsigned char *head, off_t size)
{
	if (size >= 2 && (!memcmp(head, "II", 2) || !memcmp(head, "MM", 2))
	    && (size < 4 || (head[0] == 'I' ? (head[2] == 42 || head[2] == 43) && head[3] == 0
	    : head[2] == 0 && (head[3] == 42 || head[3] == 43))))
		return "TIFF";
	if (size >= 4 && !memcmp(head, "\x89PNG", 4))
		return "PNG";
	if (size >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
		return "JPEG";
	return NULL;
}

sohoa_image *
sohoa_image_open(const char *path, const sohoa_image_limits *lim, sohoa_error *err)
{
	sohoa_image *im;
	struct stat st;
	unsigned char head[16] = { 0 };
	l_int32 fmt = IFF_UNKNOWN, w = 0, h = 0, bps, spp, cmap, ycck, cmyk;

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
		sohoa_error_oom(err);
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
		im->kind = KIND_TIFF;
		if (tiff_scan(path, st.st_size, lim, &im->pages, &im->tiff_offsets, err) != SOHOA_OK)
			goto fail;
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
	} else if (has_signature(head, st.st_size)) {
		/* A TIFF, PNG or JPEG signature whose header is cut off. */
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TRUNCATED,
		    "the %s data ends early: the file is cut short", has_signature(head,
		    st.st_size));
		goto fail;
	} else {
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NOT_IMAGE,
		    "the content is not a TIFF, PNG, JPEG or PDF scan");
		goto fail;
	}
	return im;
fail:
	/* A file that could not be opened because it ends before its format
	 * says it does is called truncated, whatever step noticed it. */
	if (err && err->reason == SOHOA_REASON_CORRUPT && L_FORMAT_IS_TIFF(fmt)
	    && sohoa_inbox_completeness_at(AT_FDCWD, path) == SOHOA_INBOX_INCOMPLETE) {
		char was[sizeof err->msg];
		snprintf(was, sizeof was, "%s", err->msg);
		sohoa_error_clear(err);   /* the first error is sticky: this one names it better */
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TRUNCATED,
		    "the TIFF data ends early: the file is cut short (%s)", was);
	}
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
	case KIND_TIFF: {
		/* Straight to the page's directory: no walk down the chain. */
		size_t off = (size_t)im->tiff_offsets[i];
		pix = pixReadFromMultipageTiff(im->path, &off);
		if (!pix && sohoa_inbox_completeness_at(AT_FDCWD, im->path)
		    == SOHOA_INBOX_INCOMPLETE)
			sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TRUNCATED,
			    "TIFF page %d cannot be decoded: the file is cut short", i + 1);
		else if (!pix)
			sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
			    "TIFF page %d cannot be decoded", i + 1);
		break;
	}
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
			sohoa_error_oom(err);
	}
	return pix;
}

void
sohoa_image_free(sohoa_image *im)
{
	if (!im)
		return;
	sohoa_pdfin_free(im->pdf);
	free(im->tiff_offsets);
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
