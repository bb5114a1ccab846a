/*
 * pdfin.c - scanner PDFs as input, with poppler-glib: checks, native
 * resolution of each page, rendering with cairo into a Leptonica PIX of
 * the depth the content has, and the text layer.  Runs only in OCR
 * workers (see pdfin.h).
 *
 * Why poppler-glib rather than MuPDF: Debian ships poppler as a shared
 * library that security updates fix in place (libpoppler126, already on
 * the machine for poppler-utils), while libmupdf-dev is a static archive
 * that would freeze its parser's bugs into our binaries until we rebuild;
 * poppler's C (GObject) API needs no setjmp-based fz_try either.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cairo.h>
#include <poppler.h>
#include <leptonica/allheaders.h>
#include <utf8proc.h>

#include "sohoa/pdfin.h"

/* Page sides outside this range, in points, are no sheet of paper: half
 * an inch (1.27 cm) and 200 inches (PDF's own limit without UserUnit). */
#define PAGE_MIN_PT 36.0
#define PAGE_MAX_PT 14400.0
/* Fewest pixels on a side of a rendered page. */
#define PAGE_MIN_PX 16
/* An image covering less than this share of the page is a logo or a
 * stamp, not the scan: it does not decide the page's resolution. */
#define SCAN_MIN_COVER 0.25
/* At most this many images of a page are decoded to learn their size. */
#define SCAN_MAX_IMAGES 4

struct sohoa_pdfin {
	PopplerDocument *doc;
	int pages;
	long long max_pixels;
	int text_layer;             /* -1 not yet known */
};

bool
sohoa_pdfin_sniff(const char *path)
{
	char head[1024];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return 0;
	n = fread(head, 1, sizeof head, f);
	fclose(f);
	return n >= 5 && memmem(head, n, "%PDF-", 5) != NULL;
}

/* 1 if the last KiB of the file holds the end-of-file marker "%%EOF"
 * (ISO 32000-1, 7.5.5: readers look for it there).  A copy cut short has
 * none; a PDF whose end is lost has lost pages or images with it. */
static int
has_eof_marker(const char *path, off_t size)
{
	char tail[1024];
	off_t at = size > (off_t)sizeof tail ? size - (off_t)sizeof tail : 0;
	FILE *f = fopen(path, "rb");
	size_t n = 0;

	if (!f)
		return 0;
	if (fseeko(f, at, SEEK_SET) == 0)
		n = fread(tail, 1, sizeof tail, f);
	fclose(f);
	return n >= 5 && memmem(tail, n, "%%EOF", 5) != NULL;
}

sohoa_pdfin *
sohoa_pdfin_open(const char *path, long long max_pixels, int max_pages, sohoa_error *err)
{
	sohoa_pdfin *p;
	struct stat st;
	GError *gerr = NULL;
	char *abs, *uri;

	if (stat(path, &st) != 0) {
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNREADABLE, "%s: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (!has_eof_marker(path, st.st_size)) {
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TRUNCATED,
		    "the PDF ends early: no %%%%EOF marker at its end");
		return NULL;
	}
	p = calloc(1, sizeof *p);
	/* poppler takes a file: URI, which needs an absolute path. */
	abs = g_canonicalize_filename(path, NULL);
	uri = abs ? g_filename_to_uri(abs, NULL, NULL) : NULL;
	g_free(abs);
	if (!p || !uri) {
		free(p);
		g_free(uri);
		sohoa_error_oom(err);
		return NULL;
	}
	p->max_pixels = max_pixels;
	p->text_layer = -1;
	p->doc = poppler_document_new_from_file(uri, NULL, &gerr);
	g_free(uri);
	if (!p->doc) {
		int enc = gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED;
		sohoa_error_set(err, SOHOA_BAD_INPUT,
		    enc ? SOHOA_REASON_ENCRYPTED : SOHOA_REASON_CORRUPT,
		    enc ? "the PDF is protected by a password" : "the PDF cannot be read: %s",
		    gerr && gerr->message ? gerr->message : "unknown error");
		if (gerr)
			g_error_free(gerr);
		free(p);
		return NULL;
	}
	p->pages = poppler_document_get_n_pages(p->doc);
	if (p->pages <= 0) {
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NO_PAGES, "the PDF has no pages");
		goto fail;
	}
	if (p->pages > max_pages) {
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
		    "the PDF has %d pages, over the limit of %d", p->pages, max_pages);
		goto fail;
	}
	/* Every page's size before any is drawn (what image.c does with
	 * image headers); their resolution needs their images: see page(). */
	for (int i = 0; i < p->pages; i++) {
		PopplerPage *page = poppler_document_get_page(p->doc, i);
		double w = 0, h = 0;
		if (!page) {
			sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
			    "page %d of the PDF cannot be read", i + 1);
			goto fail;
		}
		poppler_page_get_size(page, &w, &h);
		g_object_unref(page);
		if (!(w >= PAGE_MIN_PT && h >= PAGE_MIN_PT && w <= PAGE_MAX_PT && h <= PAGE_MAX_PT)) {
			sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_PAGE_SIZE,
			    "page %d is %.0f x %.0f mm, no sheet of paper", i + 1, w / 72 * 25.4,
			    h / 72 * 25.4);
			goto fail;
		}
	}
	return p;
fail:
	sohoa_pdfin_free(p);
	return NULL;
}

void
sohoa_pdfin_free(sohoa_pdfin *p)
{
	if (!p)
		return;
	if (p->doc)
		g_object_unref(p->doc);
	free(p);
}

int sohoa_pdfin_pages(const sohoa_pdfin *p) { return p->pages; }

const char *sohoa_pdfin_version(void) { return poppler_get_version(); }

/*
 * The resolution of the scan on a page of pw x ph points: of the images
 * covering at least SCAN_MIN_COVER of the page (the largest first, at most
 * SCAN_MAX_IMAGES), the highest pixels-per-inch, so that no scanned pixel
 * is lost.  An image drawn turned a quarter (its aspect the other way
 * round from its area) is measured turned.  0 when there is no such image.
 */
static double
native_dpi(PopplerPage *page, double pw, double ph)
{
	GList *map = poppler_page_get_image_mapping(page);
	PopplerImageMapping *pick[SCAN_MAX_IMAGES] = { NULL };
	double cover[SCAN_MAX_IMAGES] = { 0 }, best = 0;

	for (GList *l = map; l; l = l->next) {
		PopplerImageMapping *m = l->data;
		double aw = fabs(m->area.x2 - m->area.x1), ah = fabs(m->area.y2 - m->area.y1);
		double c = aw * ah / (pw * ph);
		if (aw < 1 || ah < 1 || c < SCAN_MIN_COVER)
			continue;
		for (int k = 0; k < SCAN_MAX_IMAGES; k++)
			if (c > cover[k]) {
				memmove(pick + k + 1, pick + k, (SCAN_MAX_IMAGES - 1 - k) * sizeof *pick);
				memmove(cover + k + 1, cover + k, (SCAN_MAX_IMAGES - 1 - k) * sizeof *cover);
				pick[k] = m;
				cover[k] = c;
				break;
			}
	}
	for (int k = 0; k < SCAN_MAX_IMAGES && pick[k]; k++) {
		PopplerImageMapping *m = pick[k];
		double aw = fabs(m->area.x2 - m->area.x1), ah = fabs(m->area.y2 - m->area.y1);
		cairo_surface_t *s = poppler_page_get_image(page, m->image_id);
		double iw, ih, dx, dy;
		if (!s)
			continue;
		iw = cairo_image_surface_get_width(s);
		ih = cairo_image_surface_get_height(s);
		cairo_surface_destroy(s);
		if (iw < 1 || ih < 1)
			continue;
		/* poppler gives the area in whole points: an image within a
		 * couple of points of the page's size fills the page. */
		if (fabs(aw - pw) <= 2.0)
			aw = pw;
		if (fabs(ah - ph) <= 2.0)
			ah = ph;
		if (fabs(iw / ih - aw / ah) > fabs(ih / iw - aw / ah)) {
			double t = iw;
			iw = ih;
			ih = t;
		}
		dx = iw * 72.0 / aw;
		dy = ih * 72.0 / ah;
		if (dx > best)
			best = dx;
		if (dy > best)
			best = dy;
	}
	poppler_page_free_image_mapping(map);
	return best;
}

/* The page's size in pixels at its native resolution, checked. */
static sohoa_status
geometry(sohoa_pdfin *p, PopplerPage *page, int i, int *w, int *h, double *dpi,
    int *from_image, sohoa_error *err)
{
	double pw = 0, ph = 0, d;
	long long lw, lh;

	poppler_page_get_size(page, &pw, &ph);
	d = native_dpi(page, pw, ph);
	if (from_image)
		*from_image = d > 0;
	if (d <= 0)
		d = SOHOA_PDFIN_DEFAULT_DPI;
	/* The page is drawn at the exact (fractional) resolution, so that one
	 * scanned pixel is one rendered pixel; it is stated rounded. */
	lw = llround(pw * d / 72.0);
	lh = llround(ph * d / 72.0);
	*dpi = d;
	*w = (int)(lw < 0 ? 0 : lw > (1 << 30) ? 1 << 30 : lw);
	*h = (int)(lh < 0 ? 0 : lh > (1 << 30) ? 1 << 30 : lh);
	if (lw < PAGE_MIN_PX || lh < PAGE_MIN_PX)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_PAGE_SIZE,
		    "page %d is only %lldx%lld pixels at its resolution (%.0f dpi)", i + 1, lw, lh, d);
	/* cairo draws at most 32767 pixels on a side. */
	if (lw > 32767 || lh > 32767 || lw * lh > p->max_pixels)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
		    "page %d is %lldx%lld pixels at its resolution (%.0f dpi), over the limit of"
		    " %lld", i + 1, lw, lh, d, p->max_pixels);
	return SOHOA_OK;
}

sohoa_status
sohoa_pdfin_page_geometry(sohoa_pdfin *p, int i, int *w, int *h, double *dpi,
    int *from_image, sohoa_error *err)
{
	PopplerPage *page = i >= 0 && i < p->pages ? poppler_document_get_page(p->doc, i) : NULL;
	sohoa_status st;

	*w = *h = 0;
	*dpi = 0;
	if (!page)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
		    "page %d of the PDF cannot be read", i + 1);
	st = geometry(p, page, i, w, h, dpi, from_image, err);
	g_object_unref(page);
	return st;
}

/* Cairo's RGB24 pixel: 0x00RRGGBB in a native-endian 32-bit word. */
#define CR(v) (((v) >> 16) & 0xff)
#define CG(v) (((v) >> 8) & 0xff)
#define CB(v) ((v) & 0xff)

/* The rendered page as a PIX of the depth its content has. */
static PIX *
to_pix(const unsigned char *data, int stride, int w, int h)
{
	int gray = 1, bilevel = 1, depth;
	PIX *pix;
	l_uint32 *pdata;
	l_int32 wpl;

	for (int y = 0; y < h && gray; y++) {
		const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * stride);
		for (int x = 0; x < w; x++) {
			uint32_t v = row[x];
			unsigned r = CR(v);
			if (r != CG(v) || r != CB(v)) {
				gray = bilevel = 0;
				break;
			}
			if (r != 0 && r != 255)
				bilevel = 0;
		}
	}
	depth = bilevel ? 1 : gray ? 8 : 32;
	pix = pixCreate(w, h, depth);
	if (!pix)
		return NULL;
	pdata = pixGetData(pix);
	wpl = pixGetWpl(pix);
	for (int y = 0; y < h; y++) {
		const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * stride);
		l_uint32 *line = pdata + (size_t)y * wpl;
		for (int x = 0; x < w; x++) {
			uint32_t v = row[x];
			if (depth == 1) {
				if (CR(v) == 0)
					SET_DATA_BIT(line, x);     /* 1 is black */
			} else if (depth == 8) {
				SET_DATA_BYTE(line, x, CR(v));
			} else {
				line[x] = ((l_uint32)CR(v) << L_RED_SHIFT)
				    | ((l_uint32)CG(v) << L_GREEN_SHIFT)
				    | ((l_uint32)CB(v) << L_BLUE_SHIFT);
			}
		}
	}
	return pix;
}

struct Pix *
sohoa_pdfin_page(sohoa_pdfin *p, int i, sohoa_error *err)
{
	PopplerPage *page = i >= 0 && i < p->pages ? poppler_document_get_page(p->doc, i) : NULL;
	cairo_surface_t *surf = NULL;
	cairo_t *cr;
	PIX *pix = NULL;
	double dpi;
	int w, h;

	if (!page) {
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
		    "page %d of the PDF cannot be read", i + 1);
		return NULL;
	}
	if (geometry(p, page, i, &w, &h, &dpi, NULL, err) != SOHOA_OK)
		goto out;
	surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "cannot draw page %d (%dx%d): %s", i + 1, w, h,
		    cairo_status_to_string(cairo_surface_status(surf)));
		goto out;
	}
	cr = cairo_create(surf);
	/* Paper is white where the PDF draws nothing. */
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, dpi / 72.0, dpi / 72.0);
	poppler_page_render(page, cr);
	cairo_destroy(cr);
	cairo_surface_flush(surf);
	pix = to_pix(cairo_image_surface_get_data(surf), cairo_image_surface_get_stride(surf), w, h);
	if (!pix) {
		sohoa_error_oom(err);
		goto out;
	}
	pixSetResolution(pix, (l_int32)lround(dpi), (l_int32)lround(dpi));
out:
	if (surf)
		cairo_surface_destroy(surf);
	g_object_unref(page);
	return pix;
}

/*
 * poppler_page_get_text() joins two words of one line that sit in different
 * blocks (the two columns of an ND 30 header: "LÂMCỘNG") with nothing
 * between them, where pdftotext puts a line break.  Its layout (one
 * rectangle per character) shows the gap: a space goes there, so that
 * search sees two words.  text is replaced; on any doubt it stays as is.
 */
static void
separate_blocks(PopplerPage *page, char **text)
{
	PopplerRectangle *r = NULL;
	guint nr = 0;
	glong nc = g_utf8_strlen(*text, -1);
	GString *out;
	const char *s = *text;

	if (!poppler_page_get_text_layout(page, &r, &nr) || (glong)nr != nc) {
		g_free(r);
		return;
	}
	out = g_string_sized_new(strlen(*text) + 64);
	for (guint k = 0; k < nr; k++, s = g_utf8_next_char(s)) {
		gunichar c = g_utf8_get_char(s);
		if (k > 0 && !g_unichar_isspace(c) && !g_unichar_isspace(g_utf8_get_char(
		    g_utf8_prev_char(s)))) {
			double h = fabs(r[k - 1].y2 - r[k - 1].y1), gap = r[k].x1 - r[k - 1].x2;
			if (gap > 0.8 * h || r[k].x2 < r[k - 1].x1)
				g_string_append_c(out, ' ');
		}
		g_string_append_unichar(out, c);
	}
	g_free(r);
	g_free(*text);
	*text = g_string_free(out, FALSE);
}

char *
sohoa_pdfin_page_text(sohoa_pdfin *p, int i, int *letters)
{
	PopplerPage *page = i >= 0 && i < p->pages ? poppler_document_get_page(p->doc, i) : NULL;
	char *text = page ? poppler_page_get_text(page) : NULL;
	utf8proc_uint8_t *nfc = NULL;
	int n = 0;

	if (text && g_utf8_validate(text, -1, NULL))
		separate_blocks(page, &text);
	if (page)
		g_object_unref(page);
	if (text && g_utf8_validate(text, -1, NULL)) {
		for (const char *s = text; *s; s = g_utf8_next_char(s))
			if (g_unichar_isalpha(g_utf8_get_char(s)))
				n++;
		nfc = utf8proc_NFC((const utf8proc_uint8_t *)text);
	} else {
		nfc = (utf8proc_uint8_t *)strdup("");
	}
	g_free(text);
	if (letters)
		*letters = n;
	return (char *)nfc;
}

bool
sohoa_pdfin_has_text_layer(sohoa_pdfin *p)
{
	int with = 0;

	if (p->text_layer >= 0)
		return p->text_layer;
	for (int i = 0; i < p->pages; i++) {
		int letters = 0;
		char *t = sohoa_pdfin_page_text(p, i, &letters);
		free(t);
		if (letters >= SOHOA_PDFIN_MIN_LETTERS)
			with++;
		if (with * 2 > p->pages)
			break;
	}
	p->text_layer = with * 2 > p->pages;
	return p->text_layer;
}

bool
sohoa_pdfin_is_pdfa(sohoa_pdfin *p)
{
	char *xmp;
	int yes;

	/* poppler's subtype comes from the Info dictionary; PDF/A says it in
	 * the XMP (pdfaid:part, as an element or an attribute). */
	if (poppler_document_get_pdf_subtype(p->doc) == POPPLER_PDF_SUBTYPE_PDF_A)
		return 1;
	xmp = poppler_document_get_metadata(p->doc);
	yes = xmp && (strstr(xmp, "<pdfaid:part>") || strstr(xmp, "pdfaid:part="));
	g_free(xmp);
	return yes;
}

bool
sohoa_pdfin_fonts_embedded(sohoa_pdfin *p)
{
	PopplerFontInfo *fi = poppler_font_info_new(p->doc);
	PopplerFontsIter *it = NULL;
	int all = 1;

	if (!fi)
		return 0;
	if (poppler_font_info_scan(fi, p->pages, &it) && it) {
		do {
			if (!poppler_fonts_iter_is_embedded(it))
				all = 0;
		} while (all && poppler_fonts_iter_next(it));
	}
	if (it)
		poppler_fonts_iter_free(it);
	poppler_font_info_free(fi);
	return all;
}
