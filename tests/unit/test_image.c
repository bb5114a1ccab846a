/*
 * test_image.c - opening and checking scans (image.h) on real image files
 * written by Leptonica in the test: PNG, JPEG, TIFF G4 and multi-page
 * TIFF; and the hostile ones: empty, not an image, truncated, a PNG header
 * claiming 60000x60000 pixels, a damaged PDF, too many pages.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <leptonica/allheaders.h>

#include "test.h"
#include "sohoa/image.h"

static const sohoa_image_limits roomy = { 250000000LL, 2000 };

/* A w x h page of the given depth with some black rectangles ("text"). */
static PIX *
make_page(int w, int h, int depth, unsigned seed)
{
	PIX *pix = pixCreate(w, h, depth);

	if (!pix)
		return NULL;
	if (depth == 1)
		pixClearAll(pix);          /* 1 bpp: 0 is white */
	else
		pixSetAll(pix);            /* 8/32 bpp: all bits set is white */
	for (int i = 0; i < 12; i++) {
		BOX *b;
		seed = seed * 1103515245u + 12345u;
		b = boxCreate((int)(seed >> 8) % (w / 2), (int)(seed >> 16) % (h / 2),
		    w / 6 + 1, h / 40 + 1);
		if (depth == 1)
			pixSetInRect(pix, b);
		else
			pixClearInRect(pix, b);
		boxDestroy(&b);
	}
	pixSetResolution(pix, 300, 300);
	return pix;
}

/* Some noise so that compressed files have real data to cut in half. */
static void
add_noise(PIX *pix, unsigned seed)
{
	int w = pixGetWidth(pix), h = pixGetHeight(pix);

	for (int y = 0; y < h; y += 1)
		for (int x = 0; x < w; x += 3) {
			seed = seed * 1664525u + 1013904223u;
			pixSetPixel(pix, x, y, (seed >> 24) & (pixGetDepth(pix) == 1 ? 1 : 255));
		}
}

static int
write_page(const char *path, int w, int h, int depth, int format)
{
	PIX *pix = make_page(w, h, depth, 42);
	int r;

	CHECK(pix != NULL);
	if (!pix)
		return -1;
	r = pixWrite(path, pix, format);
	CHECKM(r == 0, path);
	pixDestroy(&pix);
	return r;
}

static void
write_bytes(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECKM(fd >= 0, strerror(errno));
	if (fd < 0)
		return;
	CHECK(write(fd, data, len) == (ssize_t)len);
	close(fd);
}

/* Copies the first half of src to dst. */
static void
write_half_of(const char *src, const char *dst)
{
	size_t len = 0;
	l_uint8 *data = l_binaryRead(src, &len);

	CHECK(data != NULL && len > 100);
	if (!data)
		return;
	write_bytes(dst, data, len / 2);
	lept_free(data);
}

/* Opens path and expects a refusal with this reason; NULL image. */
static void
expect_refused(const char *path, const sohoa_image_limits *lim, sohoa_reason want)
{
	sohoa_error err;
	sohoa_image *im;

	sohoa_error_clear(&err);
	im = sohoa_image_open(path, lim, &err);
	CHECKM(im == NULL, path);
	CHECK_INT(err.status, SOHOA_BAD_INPUT);
	CHECKM(err.reason == want, err.msg);
	CHECK_STR(sohoa_reason_key(err.reason), sohoa_reason_key(want));
	sohoa_image_free(im);
}

static void
test_open_png(void)
{
	sohoa_error err;
	sohoa_image *im;
	PIX *pix;

	write_page("a.png", 640, 480, 8, IFF_PNG);
	sohoa_error_clear(&err);
	im = sohoa_image_open("a.png", &roomy, &err);
	CHECKM(im != NULL, err.msg);
	if (!im)
		return;
	CHECK_STR(sohoa_image_format(im), "png");
	CHECK_INT(sohoa_image_pages(im), 1);
	pix = sohoa_image_page(im, 0, &err);
	CHECKM(pix != NULL, err.msg);
	if (pix) {
		CHECK_INT(pixGetWidth(pix), 640);
		CHECK_INT(pixGetHeight(pix), 480);
		CHECK(pixGetColormap(pix) == NULL);
		pixDestroy(&pix);
	}
	/* No page 2. */
	sohoa_error_clear(&err);
	CHECK(sohoa_image_page(im, 1, &err) == NULL);
	CHECK(err.status != SOHOA_OK);
	sohoa_image_free(im);
}

static void
test_open_jpeg(void)
{
	sohoa_error err;
	sohoa_image *im;
	PIX *pix;

	write_page("a.jpg", 800, 600, 8, IFF_JFIF_JPEG);
	sohoa_error_clear(&err);
	im = sohoa_image_open("a.jpg", &roomy, &err);
	CHECKM(im != NULL, err.msg);
	if (!im)
		return;
	CHECK_STR(sohoa_image_format(im), "jpeg");
	CHECK_INT(sohoa_image_pages(im), 1);
	pix = sohoa_image_page(im, 0, &err);
	CHECKM(pix != NULL, err.msg);
	if (pix) {
		CHECK_INT(pixGetWidth(pix), 800);
		CHECK_INT(pixGetHeight(pix), 600);
		pixDestroy(&pix);
	}
	sohoa_image_free(im);
}

static void
test_open_tiff_g4(void)
{
	sohoa_error err;
	sohoa_image *im;
	PIX *pix;

	write_page("a.tif", 1700, 2200, 1, IFF_TIFF_G4);
	sohoa_error_clear(&err);
	im = sohoa_image_open("a.tif", &roomy, &err);
	CHECKM(im != NULL, err.msg);
	if (!im)
		return;
	CHECK_STR(sohoa_image_format(im), "tiff");
	CHECK_INT(sohoa_image_pages(im), 1);
	pix = sohoa_image_page(im, 0, &err);
	CHECKM(pix != NULL, err.msg);
	if (pix) {
		CHECK_INT(pixGetWidth(pix), 1700);
		CHECK_INT(pixGetHeight(pix), 2200);
		CHECK_INT(pixGetDepth(pix), 1);
		CHECK_INT(pixGetXRes(pix), 300);
		pixDestroy(&pix);
	}
	sohoa_image_free(im);
}

/* Three pages of different sizes, G4, appended with mode "a". */
static void
write_three_page_tiff(const char *path)
{
	static const int sizes[3][2] = { { 200, 300 }, { 250, 350 }, { 300, 400 } };

	for (int i = 0; i < 3; i++) {
		PIX *pix = make_page(sizes[i][0], sizes[i][1], 1, (unsigned)i + 1);
		CHECK(pix != NULL);
		if (!pix)
			return;
		CHECK(pixWriteTiff(path, pix, IFF_TIFF_G4, i ? "a" : "w") == 0);
		pixDestroy(&pix);
	}
}

static void
test_open_multipage_tiff(void)
{
	sohoa_error err;
	sohoa_image *im;

	write_three_page_tiff("multi.tif");
	sohoa_error_clear(&err);
	im = sohoa_image_open("multi.tif", &roomy, &err);
	CHECKM(im != NULL, err.msg);
	if (!im)
		return;
	CHECK_STR(sohoa_image_format(im), "tiff");
	CHECK_INT(sohoa_image_pages(im), 3);
	for (int i = 0; i < 3; i++) {
		PIX *pix = sohoa_image_page(im, i, &err);
		CHECKM(pix != NULL, err.msg);
		if (!pix)
			continue;
		CHECK_INT(pixGetWidth(pix), 200 + 50 * i);
		CHECK_INT(pixGetHeight(pix), 300 + 50 * i);
		pixDestroy(&pix);
	}
	sohoa_error_clear(&err);
	CHECK(sohoa_image_page(im, 3, &err) == NULL);
	CHECK(sohoa_image_page(im, -1, &err) == NULL);
	sohoa_image_free(im);
}

static void
test_max_pages(void)
{
	sohoa_image_limits two = { 250000000LL, 2 }, three = { 250000000LL, 3 };
	sohoa_error err;
	sohoa_image *im;

	write_three_page_tiff("multi.tif");
	expect_refused("multi.tif", &two, SOHOA_REASON_TOO_LARGE);
	sohoa_error_clear(&err);
	im = sohoa_image_open("multi.tif", &two, &err);
	CHECKM(strstr(err.msg, "3 pages") != NULL, err.msg);
	sohoa_image_free(im);
	sohoa_error_clear(&err);
	im = sohoa_image_open("multi.tif", &three, &err);
	CHECKM(im != NULL, err.msg);
	sohoa_image_free(im);
}

/* Every page's header is checked: the second page is the one too large. */
static void
test_max_pixels_on_a_later_page(void)
{
	sohoa_image_limits lim = { 250LL * 350 - 1, 10 };
	sohoa_error err;
	sohoa_image *im;

	write_three_page_tiff("multi.tif");
	sohoa_error_clear(&err);
	im = sohoa_image_open("multi.tif", &lim, &err);
	CHECK(im == NULL);
	CHECK_INT(err.reason, SOHOA_REASON_TOO_LARGE);
	CHECKM(strstr(err.msg, "page 2") != NULL, err.msg);
	sohoa_image_free(im);
}

static void
test_empty_file(void)
{
	write_bytes("empty.tif", "", 0);
	expect_refused("empty.tif", &roomy, SOHOA_REASON_EMPTY);
}

static void
test_text_named_png(void)
{
	const char *text = "Biên bản họp ngày 15/3\nKhông phải ảnh.\n";

	write_bytes("x.png", text, strlen(text));
	expect_refused("x.png", &roomy, SOHOA_REASON_NOT_IMAGE);
}

/* PDFs are taken (pdfin.c, tested in test_pdfin.c); a damaged one is
 * refused as such, whatever its name says. */
static void
test_pdf_damaged(void)
{
	const char *pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";

	write_bytes("scan.pdf", pdf, strlen(pdf));
	expect_refused("scan.pdf", &roomy, SOHOA_REASON_CORRUPT);
	write_bytes("scan.tif", pdf, strlen(pdf));
	expect_refused("scan.tif", &roomy, SOHOA_REASON_CORRUPT);
}

static void
test_missing_file(void)
{
	expect_refused("no-such-file.png", &roomy, SOHOA_REASON_UNREADABLE);
}

/* The first half of a real PNG: the header opens, the page does not. */
static void
test_truncated_png(void)
{
	PIX *pix = make_page(600, 400, 8, 7);
	sohoa_error err;
	sohoa_image *im;
	PIX *page;

	CHECK(pix != NULL);
	if (!pix)
		return;
	add_noise(pix, 3);
	CHECK(pixWrite("full.png", pix, IFF_PNG) == 0);
	pixDestroy(&pix);
	write_half_of("full.png", "half.png");
	sohoa_error_clear(&err);
	im = sohoa_image_open("half.png", &roomy, &err);
	if (!im) {
		/* Refused at open is acceptable too, as truncated or corrupt. */
		CHECKM(err.reason == SOHOA_REASON_TRUNCATED || err.reason == SOHOA_REASON_CORRUPT,
		    err.msg);
		return;
	}
	page = sohoa_image_page(im, 0, &err);
	CHECK(page == NULL);
	CHECK_INT(err.status, SOHOA_BAD_INPUT);
	/* The PNG has no IEND: truncated, which tells the archivist to copy
	 * it again rather than to scan again. */
	CHECKM(err.reason == SOHOA_REASON_TRUNCATED, err.msg);
	pixDestroy(&page);
	sohoa_image_free(im);
}

/* A TIFF cut short anywhere (the copy between two SMB parts, a
 * file that starts with II* and stops) is called truncated, at open or at
 * the first page that cannot be decoded: never "not an image". */
static void
test_truncated_tiff(void)
{
	static const char *const names[] = { "g4.tif", "three.tif" };
	size_t len = 0;

	write_page("g4.tif", 1700, 2200, 1, IFF_TIFF_G4);
	write_three_page_tiff("three.tif");
	for (size_t f = 0; f < 2; f++) {
		l_uint8 *data = l_binaryRead(names[f], &len);
		CHECK(data != NULL && len > 100);
		if (!data)
			return;
		/* (Not the last byte: a G4 strip may decode without it.) */
		size_t cuts[] = { 3, 6, 9, len / 3, len / 2 };
		for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
			sohoa_error err;
			sohoa_image *im;
			char what[64];
			int refused = 0;

			write_bytes("cut.tif", data, cuts[c]);
			snprintf(what, sizeof what, "%s cut at %zu of %zu", names[f], cuts[c], len);
			sohoa_error_clear(&err);
			im = sohoa_image_open("cut.tif", &roomy, &err);
			if (!im) {
				refused = 1;
			} else {
				for (int i = 0; i < sohoa_image_pages(im) && !refused; i++) {
					PIX *pix = sohoa_image_page(im, i, &err);
					if (!pix)
						refused = 1;
					pixDestroy(&pix);
				}
				sohoa_image_free(im);
			}
			CHECKM(refused, what);
			CHECKM(err.reason == SOHOA_REASON_TRUNCATED, what);
			if (err.reason != SOHOA_REASON_TRUNCATED)
				fprintf(stderr, "  %s: %s\n", what, err.msg);
		}
		lept_free(data);
	}
}

static void
test_truncated_jpeg(void)
{
	PIX *pix = make_page(800, 600, 8, 9);
	sohoa_error err;
	sohoa_image *im;
	PIX *page;

	CHECK(pix != NULL);
	if (!pix)
		return;
	add_noise(pix, 5);
	CHECK(pixWrite("full.jpg", pix, IFF_JFIF_JPEG) == 0);
	pixDestroy(&pix);
	write_half_of("full.jpg", "half.jpg");
	sohoa_error_clear(&err);
	im = sohoa_image_open("half.jpg", &roomy, &err);
	CHECKM(im != NULL, err.msg);
	if (!im)
		return;
	CHECK_STR(sohoa_image_format(im), "jpeg");
	/* The file lacks its end-of-image marker (FF D9): truncated. */
	page = sohoa_image_page(im, 0, &err);
	CHECK(page == NULL);
	CHECK_INT(err.status, SOHOA_BAD_INPUT);
	CHECKM(err.reason == SOHOA_REASON_TRUNCATED, err.msg);
	pixDestroy(&page);
	sohoa_image_free(im);
}

static uint32_t
crc32_of(const unsigned char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
	}
	return c ^ 0xFFFFFFFFu;
}

static void
put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* A valid PNG signature, IHDR (w x h, 8-bit gray) and IEND, no pixels. */
static void
write_png_header(const char *path, uint32_t w, uint32_t h)
{
	unsigned char png[8 + 25 + 12] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
	unsigned char *ihdr = png + 8, *iend = png + 33;

	put_be32(ihdr, 13);
	memcpy(ihdr + 4, "IHDR", 4);
	put_be32(ihdr + 8, w);
	put_be32(ihdr + 12, h);
	ihdr[16] = 8;   /* bit depth */
	ihdr[17] = 0;   /* gray */
	ihdr[18] = ihdr[19] = ihdr[20] = 0;
	put_be32(ihdr + 21, crc32_of(ihdr + 4, 17));
	put_be32(iend, 0);
	memcpy(iend + 4, "IEND", 4);
	put_be32(iend + 8, crc32_of(iend + 4, 4));
	write_bytes(path, png, sizeof png);
}

static void
test_crc32_known_value(void)
{
	/* The CRC of IEND is in every PNG file: AE 42 60 82. */
	CHECK_INT(crc32_of((const unsigned char *)"IEND", 4), 0xAE426082u);
	CHECK_INT(crc32_of((const unsigned char *)"123456789", 9), 0xCBF43926u);
}

/* A decompression bomb is refused from its header, at once. */
static void
test_huge_png_header_refused_at_open(void)
{
	struct timespec t0, t1;
	sohoa_error err;
	sohoa_image *im;
	double secs;

	write_png_header("bomb.png", 60000, 60000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sohoa_error_clear(&err);
	im = sohoa_image_open("bomb.png", &roomy, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	CHECK(im == NULL);
	CHECK_INT(err.status, SOHOA_BAD_INPUT);
	CHECKM(err.reason == SOHOA_REASON_TOO_LARGE, err.msg);
	CHECKM(strstr(err.msg, "60000x60000") != NULL, err.msg);
	CHECK(secs < 1.0);
	sohoa_image_free(im);
	/* The same header with a sane size opens (the check is the size). */
	write_png_header("small.png", 100, 100);
	sohoa_error_clear(&err);
	im = sohoa_image_open("small.png", &roomy, &err);
	CHECKM(im != NULL, err.msg);
	sohoa_image_free(im);
}

static void
test_colormapped_png_decoded_without_colormap(void)
{
	PIX *pix = make_page(300, 200, 8, 11), *cm;
	sohoa_error err;
	sohoa_image *im;

	CHECK(pix != NULL);
	if (!pix)
		return;
	cm = pixConvertGrayToColormap(pix);
	pixDestroy(&pix);
	CHECK(cm != NULL && pixGetColormap(cm) != NULL);
	if (!cm)
		return;
	CHECK(pixWrite("cmap.png", cm, IFF_PNG) == 0);
	pixDestroy(&cm);
	sohoa_error_clear(&err);
	im = sohoa_image_open("cmap.png", &roomy, &err);
	CHECKM(im != NULL, err.msg);
	if (!im)
		return;
	pix = sohoa_image_page(im, 0, &err);
	CHECKM(pix != NULL, err.msg);
	if (pix) {
		CHECK(pixGetColormap(pix) == NULL);
		CHECK_INT(pixGetWidth(pix), 300);
		pixDestroy(&pix);
	}
	sohoa_image_free(im);
}

static int
resolution_of(int w, int h, int res)
{
	PIX *pix = pixCreate(w, h, 1);
	int r;

	if (!pix)
		return -1;
	pixSetResolution(pix, res, res);
	r = sohoa_image_resolution(pix);
	pixDestroy(&pix);
	return r;
}

static void
test_resolution(void)
{
	int r;

	/* An A4 page at 300 dpi that says 72 (a default, not a fact). */
	r = resolution_of(2480, 3508, 72);
	CHECKM(r >= 295 && r <= 305, "72 dpi on 2480x3508");
	CHECK_INT(resolution_of(2480, 3508, 300), 300);
	r = resolution_of(2480, 3508, 0);
	CHECKM(r >= 295 && r <= 305, "no resolution on 2480x3508");
	/* Landscape is the same page. */
	r = resolution_of(3508, 2480, 0);
	CHECKM(r >= 295 && r <= 305, "no resolution on 3508x2480");
	/* A stated, plausible resolution is kept. */
	CHECK_INT(resolution_of(4960, 7016, 600), 600);
	CHECK_INT(resolution_of(1240, 1754, 150), 150);
	/* Absurd ones are replaced by the estimate. */
	r = resolution_of(2480, 3508, 100000);
	CHECKM(r >= 295 && r <= 305, "100000 dpi on 2480x3508");
	/* The estimate knows A5, A3 and Letter, not only A4's width. */
	CHECK_INT(resolution_of(1748, 2480, 72), 300);     /* A5 at 300 */
	CHECK_INT(resolution_of(2550, 3300, 0), 300);      /* Letter at 300 */
	CHECK_INT(resolution_of(1654, 2339, 0), 200);      /* A4 at 200 */
	CHECK_INT(resolution_of(2339, 3307, 72), 200);     /* A3 at 200 */
	CHECK_INT(resolution_of(2420, 3450, 0), 300);      /* A4 at 300, cropped 2% */
	/* No paper: A4's width on the shorter side. */
	CHECK_INT(resolution_of(1000, 1000, 0), 121);
}

/*
 * A TIFF of n blank 8x8 bilevel pages, uncompressed, written by hand (big
 * endian when be): each page one directory of 8 entries and 8 bytes of
 * pixels.  loop_at >= 0: the last directory points back to that page's.
 */
static void
write_many_page_tiff(const char *path, int n, int be, int loop_at)
{
	FILE *f = fopen(path, "wb");
	const long ifd_size = 2 + 8 * 12 + 4, page = ifd_size + 8;
	unsigned char b[4];

#define PUT16(v) do { unsigned v_ = (unsigned)(v); b[0] = be ? v_ >> 8 : v_ & 255; \
	b[1] = be ? v_ & 255 : v_ >> 8; fwrite(b, 1, 2, f); } while (0)
#define PUT32(v) do { unsigned long v_ = (unsigned long)(v); \
	for (int k = 0; k < 4; k++) { b[k] = (unsigned char)(v_ >> (8 * (be ? 3 - k : k))); } \
	fwrite(b, 1, 4, f); } while (0)
#define ENTRY(tag, type, val) do { PUT16(tag); PUT16(type); PUT32(1); \
	if ((type) == 3) { PUT16(val); PUT16(0); } else PUT32(val); } while (0)
	CHECK(f != NULL);
	if (!f)
		return;
	fwrite(be ? "MM" : "II", 1, 2, f);
	PUT16(42);
	PUT32(8);
	for (int i = 0; i < n; i++) {
		long at = 8 + (long)i * page, next = i + 1 < n ? at + page
		    : loop_at >= 0 ? 8 + (long)loop_at * page : 0;
		PUT16(8);
		ENTRY(256, 3, 8);               /* ImageWidth */
		ENTRY(257, 3, 8);               /* ImageLength */
		ENTRY(258, 3, 1);               /* BitsPerSample */
		ENTRY(259, 3, 1);               /* Compression: none */
		ENTRY(262, 3, 0);               /* Photometric: white is zero */
		ENTRY(273, 4, at + ifd_size);   /* StripOffsets */
		ENTRY(278, 3, 8);               /* RowsPerStrip */
		ENTRY(279, 4, 8);               /* StripByteCounts */
		PUT32(next);
		for (int k = 0; k < 8; k++)
			fputc(0, f);
	}
#undef PUT16
#undef PUT32
#undef ENTRY
	fclose(f);
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* 2000 pages: counted and checked in one pass over the directories
 * (Leptonica's readHeaderTiff per page took ~30 s), each page decodable. */
static void
test_many_page_tiff_is_linear(void)
{
	sohoa_image_limits lim = { 250000000LL, 2000 };
	sohoa_error err;
	sohoa_image *im;
	double t0;

	for (int be = 0; be < 2; be++) {
		double t200;
		/* Ten times the pages, about ten times the time (a hundred
		 * times when each page walked the chain from the start): timed
		 * against each other, so that a loaded machine or valgrind
		 * does not matter. */
		write_many_page_tiff("few.tif", 200, be, -1);
		sohoa_error_clear(&err);
		t0 = now_s();
		im = sohoa_image_open("few.tif", &lim, &err);
		t200 = now_s() - t0;
		CHECKM(im != NULL, err.msg);
		sohoa_image_free(im);
		write_many_page_tiff("many.tif", 2000, be, -1);
		sohoa_error_clear(&err);
		t0 = now_s();
		im = sohoa_image_open("many.tif", &lim, &err);
		CHECKM(im != NULL, err.msg);
		CHECKM(now_s() - t0 < 30 * t200 + 0.05, "2000 page headers cost over 30 times 200");
		if (!im)
			continue;
		CHECK_INT(sohoa_image_pages(im), 2000);
		/* Decoding a late page costs what an early one does (walking the
		 * chain from the start each time made page 1900 cost 19 times
		 * page 100): timed against each other, whatever the load. */
		{
			double first = 0, last = 0;
			for (int i = 0; i < 2000; i++) {
				struct Pix *pix;
				t0 = now_s();
				pix = sohoa_image_page(im, i, &err);
				if (i < 200)
					first += now_s() - t0;
				else if (i >= 1800)
					last += now_s() - t0;
				CHECKM(pix != NULL, err.msg);
				if (pix && (i == 0 || i == 1999))
					CHECK(pixGetWidth(pix) == 8 && pixGetHeight(pix) == 8);
				pixDestroy(&pix);
			}
			CHECKM(last < 3 * first + 0.05, "late pages decode slower than early ones");
		}
		sohoa_image_free(im);
	}
	/* One page over the limit: refused from the header, at once. */
	write_many_page_tiff("over.tif", 2001, 0, -1);
	expect_refused("over.tif", &lim, SOHOA_REASON_TOO_LARGE);
}

/* A chain of directories that loops back is corrupt, not endless. */
static void
test_tiff_directory_loop_is_corrupt(void)
{
	sohoa_image_limits lim = { 250000000LL, 2000 };

	write_many_page_tiff("loop.tif", 5, 0, 2);
	expect_refused("loop.tif", &lim, SOHOA_REASON_CORRUPT);
	write_many_page_tiff("self.tif", 1, 1, 0);
	expect_refused("self.tif", &lim, SOHOA_REASON_CORRUPT);
}

int
main(void)
{
	setMsgSeverity(L_SEVERITY_NONE);   /* the refusals are expected */
	TEST_RUN(test_open_png);
	TEST_RUN(test_open_jpeg);
	TEST_RUN(test_open_tiff_g4);
	TEST_RUN(test_open_multipage_tiff);
	TEST_RUN(test_max_pages);
	TEST_RUN(test_max_pixels_on_a_later_page);
	TEST_RUN(test_empty_file);
	TEST_RUN(test_text_named_png);
	TEST_RUN(test_pdf_damaged);
	TEST_RUN(test_missing_file);
	TEST_RUN(test_truncated_png);
	TEST_RUN(test_truncated_jpeg);
	TEST_RUN(test_crc32_known_value);
	TEST_RUN(test_huge_png_header_refused_at_open);
	TEST_RUN(test_colormapped_png_decoded_without_colormap);
	TEST_RUN(test_resolution);
	TEST_RUN(test_many_page_tiff_is_linear);
	TEST_RUN(test_tiff_directory_loop_is_corrupt);
	TEST_RUN(test_truncated_tiff);
	return TEST_DONE();
}
