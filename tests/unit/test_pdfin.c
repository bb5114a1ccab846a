/*
 * test_pdfin.c - scanner PDFs (pdfin.h) on PDFs written by the test: one
 * page holding one raw image (bilevel, gray or colour) at a known
 * resolution, a page of text, and the hostile ones: no end marker, no
 * pages, a tiny page, a page over max_pixels at its resolution, garbage.
 */
#include <errno.h>
#include <fcntl.h>
#include <leptonica/allheaders.h>

#include "test.h"
#include "sohoa/image.h"
#include "sohoa/pdfin.h"

#define MAXPX 250000000LL

/* Writes a one-page PDF (or a zero-page one when mediabox is NULL):
 * resources with image Im1 (when img) and font F1, the content stream as
 * given.  The cross-reference table is computed. */
static void
write_pdf(const char *path, const char *mediabox, const char *content, const char *imgdict,
    const unsigned char *img, size_t imglen, int cut)
{
	char obj[6][512];
	size_t off[7];
	FILE *f = fopen(path, "wb");
	long x;
	int n = 5;

	CHECKM(f != NULL, strerror(errno));
	if (!f)
		return;
	snprintf(obj[0], sizeof obj[0], "<< /Type /Catalog /Pages 2 0 R >>");
	if (mediabox)
		snprintf(obj[1], sizeof obj[1], "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
	else
		snprintf(obj[1], sizeof obj[1], "<< /Type /Pages /Kids [] /Count 0 >>");
	snprintf(obj[2], sizeof obj[2], "<< /Type /Page /Parent 2 0 R /MediaBox [%s] /Resources"
	    " << /Font << /F1 4 0 R >> %s >> /Contents 5 0 R >>", mediabox ? mediabox : "0 0 1 1",
	    img ? "/XObject << /Im1 6 0 R >>" : "");
	snprintf(obj[3], sizeof obj[3], "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
	fputs("%PDF-1.4\n", f);
	for (int i = 0; i < 4; i++) {
		off[i] = (size_t)ftell(f);
		fprintf(f, "%d 0 obj\n%s\nendobj\n", i + 1, obj[i]);
	}
	off[4] = (size_t)ftell(f);
	fprintf(f, "5 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n", strlen(content),
	    content);
	if (img) {
		off[5] = (size_t)ftell(f);
		fprintf(f, "6 0 obj\n<< /Type /XObject /Subtype /Image %s /Length %zu >>\nstream\n",
		    imgdict, imglen);
		fwrite(img, 1, imglen, f);
		fputs("\nendstream\nendobj\n", f);
		n = 6;
	}
	x = ftell(f);
	fprintf(f, "xref\n0 %d\n0000000000 65535 f \n", n + 1);
	for (int i = 0; i < n; i++)
		fprintf(f, "%010zu 00000 n \n", off[i]);
	if (!cut)
		fprintf(f, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", n + 1, x);
	fclose(f);
}

/* An image of w x h pixels at depth 1, 8 or 24 (RGB), drawn over the
 * whole page at dpi: black/white stripes, gray or coloured bands. */
static void
write_image_pdf(const char *path, int w, int h, int depth, double dpi)
{
	size_t row = depth == 1 ? (size_t)(w + 7) / 8 : (size_t)w * (depth / 8);
	unsigned char *img = calloc(row, (size_t)h);
	char box[64], content[128], dict[160];
	double pw = w * 72.0 / dpi, ph = h * 72.0 / dpi;

	CHECK(img != NULL);
	if (!img)
		return;
	for (int y = 0; y < h; y++)
		for (size_t b = 0; b < row; b++)
			img[(size_t)y * row + b] = depth == 1 ? ((y / 4) % 2 ? 0x00 : 0xF0)
			    : depth == 8 ? (unsigned char)(b * 7 + y) : (unsigned char)(b % 3 ? 40 : 220);
	snprintf(box, sizeof box, "0 0 %.4f %.4f", pw, ph);
	snprintf(content, sizeof content, "q %.4f 0 0 %.4f 0 0 cm /Im1 Do Q", pw, ph);
	snprintf(dict, sizeof dict, "/Width %d /Height %d /BitsPerComponent %d /ColorSpace %s",
	    w, h, depth == 1 ? 1 : 8, depth == 24 ? "/DeviceRGB" : "/DeviceGray");
	write_pdf(path, box, content, dict, img, row * (size_t)h, 0);
	free(img);
}

static const char text_content[] = "BT /F1 12 Tf 72 770 Td 16 TL"
    " (Bien ban hop ve viec nao vet kenh muong noi dong) Tj T*"
    " (Thanh phan tham du gom dai dien cac thon) Tj ET";

static void
expect_refused(const char *path, long long maxpx, sohoa_reason want)
{
	sohoa_error err;
	sohoa_pdfin *p;

	sohoa_error_clear(&err);
	p = sohoa_pdfin_open(path, maxpx, 2000, &err);
	if (p) {
		/* Some refusals come only when the page is drawn. */
		PIX *pix = sohoa_pdfin_page(p, 0, &err);
		CHECKM(pix == NULL, path);
		pixDestroy(&pix);
	}
	CHECK_INT(err.status, SOHOA_BAD_INPUT);
	CHECKM(err.reason == want, err.msg);
	CHECK_STR(sohoa_reason_key(err.reason), sohoa_reason_key(want));
	sohoa_pdfin_free(p);
}

/* Page 0 rendered: its size, depth and resolution. */
static void
expect_page(const char *path, int w, int h, int depth, int dpi)
{
	sohoa_error err;
	sohoa_pdfin *p;
	PIX *pix;

	sohoa_error_clear(&err);
	p = sohoa_pdfin_open(path, MAXPX, 2000, &err);
	CHECKM(p != NULL, err.msg);
	if (!p)
		return;
	CHECK_INT(sohoa_pdfin_pages(p), 1);
	CHECK_INT(sohoa_pdfin_has_text_layer(p), 0);
	pix = sohoa_pdfin_page(p, 0, &err);
	CHECKM(pix != NULL, err.msg);
	if (pix) {
		CHECK_INT(pixGetWidth(pix), w);
		CHECK_INT(pixGetHeight(pix), h);
		CHECK_INT(pixGetDepth(pix), depth);
		CHECK_INT(pixGetXRes(pix), dpi);
		pixDestroy(&pix);
	}
	sohoa_pdfin_free(p);
}

static void
test_bilevel_page_stays_bilevel_at_native_resolution(void)
{
	PIX *pix;
	sohoa_error err;
	sohoa_pdfin *p;
	l_int32 v = -1;

	write_image_pdf("g4.pdf", 400, 560, 1, 200);
	expect_page("g4.pdf", 400, 560, 1, 200);
	/* The pixels are the image's (DeviceGray: a 1 bit is white): row 0 is
	 * 0xF0, four white pixels then black; row 4 is 0x00, all black. */
	sohoa_error_clear(&err);
	p = sohoa_pdfin_open("g4.pdf", MAXPX, 2000, &err);
	pix = p ? sohoa_pdfin_page(p, 0, &err) : NULL;
	CHECK(pix != NULL);
	if (pix) {
		pixGetPixel(pix, 0, 0, (l_uint32 *)&v);
		CHECK_INT(v, 0);
		pixGetPixel(pix, 5, 0, (l_uint32 *)&v);
		CHECK_INT(v, 1);
		pixGetPixel(pix, 0, 4, (l_uint32 *)&v);
		CHECK_INT(v, 1);
		pixDestroy(&pix);
	}
	sohoa_pdfin_free(p);
}

static void
test_gray_and_colour_pages(void)
{
	write_image_pdf("gray.pdf", 300, 420, 8, 150);
	expect_page("gray.pdf", 300, 420, 8, 150);
	write_image_pdf("rgb.pdf", 330, 466, 24, 300);
	expect_page("rgb.pdf", 330, 466, 32, 300);
}

static void
test_resolution_stated_as_72_is_estimated_by_image(void)
{
	/* A 2480-pixel-wide page that says 72 dpi (34 inches): the page is
	 * rendered at its 2480 pixels, and the resolution used is A4's 300. */
	sohoa_error err;
	sohoa_image_limits lim = { MAXPX, 2000 };
	sohoa_image *im;
	PIX *pix;

	write_image_pdf("a4.pdf", 2480, 3508, 1, 72);
	sohoa_error_clear(&err);
	im = sohoa_image_open("a4.pdf", &lim, &err);
	CHECKM(im != NULL, err.msg);
	if (!im)
		return;
	CHECK_STR(sohoa_image_format(im), "pdf");
	CHECK(sohoa_image_pdf(im) != NULL);
	pix = sohoa_image_page(im, 0, &err);
	CHECKM(pix != NULL, err.msg);
	if (pix) {
		CHECK_INT(pixGetWidth(pix), 2480);
		CHECK_INT(pixGetXRes(pix), 72);
		CHECK_INT(sohoa_image_resolution(pix), 300);
		pixDestroy(&pix);
	}
	sohoa_image_free(im);
}

static void
test_text_layer(void)
{
	sohoa_error err;
	sohoa_pdfin *p;
	char *text;
	int letters = 0, w = 0, h = 0, from_image = 1;
	double dpi = 0;

	write_pdf("text.pdf", "0 0 595 842", text_content, NULL, NULL, 0, 0);
	sohoa_error_clear(&err);
	p = sohoa_pdfin_open("text.pdf", MAXPX, 2000, &err);
	CHECKM(p != NULL, err.msg);
	if (!p)
		return;
	CHECK_INT(sohoa_pdfin_has_text_layer(p), 1);
	CHECK_INT(sohoa_pdfin_is_pdfa(p), 0);
	CHECK_INT(sohoa_pdfin_fonts_embedded(p), 0);   /* Helvetica is not embedded */
	text = sohoa_pdfin_page_text(p, 0, &letters);
	CHECK(text != NULL && strstr(text, "nao vet kenh muong") != NULL);
	CHECK(letters >= 60 && letters <= 80);
	free(text);
	/* No image: the default resolution, and from_image says so. */
	CHECK_INT(sohoa_pdfin_page_geometry(p, 0, &w, &h, &dpi, &from_image, &err), SOHOA_OK);
	CHECK_INT(from_image, 0);
	CHECK_INT((int)dpi, SOHOA_PDFIN_DEFAULT_DPI);
	CHECK_INT(w, 2479);
	sohoa_pdfin_free(p);
	/* A scanner's "Page 1" is no text layer. */
	write_pdf("stamp.pdf", "0 0 595 842", "BT /F1 12 Tf 72 770 Td (Page 1) Tj ET", NULL, NULL,
	    0, 0);
	sohoa_error_clear(&err);
	p = sohoa_pdfin_open("stamp.pdf", MAXPX, 2000, &err);
	CHECKM(p != NULL, err.msg);
	if (p)
		CHECK_INT(sohoa_pdfin_has_text_layer(p), 0);
	sohoa_pdfin_free(p);
}

static void
test_hostile_pdfs(void)
{
	char junk[4096];

	/* Cut before the trailer: no %%EOF. */
	write_pdf("cut.pdf", "0 0 595 842", text_content, NULL, NULL, 0, 1);
	expect_refused("cut.pdf", MAXPX, SOHOA_REASON_TRUNCATED);
	write_pdf("none.pdf", NULL, "", NULL, NULL, 0, 0);
	expect_refused("none.pdf", MAXPX, SOHOA_REASON_NO_PAGES);
	write_pdf("tiny.pdf", "0 0 20 20", text_content, NULL, NULL, 0, 0);
	expect_refused("tiny.pdf", MAXPX, SOHOA_REASON_PAGE_SIZE);
	write_pdf("wide.pdf", "0 0 20000 842", text_content, NULL, NULL, 0, 0);
	expect_refused("wide.pdf", MAXPX, SOHOA_REASON_PAGE_SIZE);
	/* 400x560 at 200 dpi is 224000 pixels: over a 200000 limit, checked
	 * before the page is drawn. */
	write_image_pdf("big.pdf", 400, 560, 1, 200);
	expect_refused("big.pdf", 200000, SOHOA_REASON_TOO_LARGE);
	/* A header and garbage. */
	memset(junk, 'x', sizeof junk);
	memcpy(junk, "%PDF-1.7\n", 9);
	memcpy(junk + sizeof junk - 6, "%%EOF\n", 6);
	{
		FILE *f = fopen("junk.pdf", "wb");
		CHECK(f != NULL);
		if (f) {
			fwrite(junk, 1, sizeof junk, f);
			fclose(f);
		}
	}
	expect_refused("junk.pdf", MAXPX, SOHOA_REASON_CORRUPT);
	CHECK_INT(sohoa_pdfin_sniff("junk.pdf"), 1);
	CHECK_INT(sohoa_pdfin_sniff("no-such.pdf"), 0);
}

int
main(void)
{
	setMsgSeverity(L_SEVERITY_NONE);
	TEST_RUN(test_bilevel_page_stays_bilevel_at_native_resolution);
	TEST_RUN(test_gray_and_colour_pages);
	TEST_RUN(test_resolution_stated_as_72_is_estimated_by_image);
	TEST_RUN(test_text_layer);
	TEST_RUN(test_hostile_pdfs);
	return TEST_DONE();
}
