/*
 * test_pdfa.c - PDF/A-2b post-processing (pdfa.h) on real PDFs: an image
 * PDF written by Leptonica stands in for Tesseract's, and every result is
 * read back with qpdf: XMP, Info, OutputIntent and ICC, /ID, the page
 * images untouched, the same bytes for the same input, a picture drawn
 * turned, a page's text layer appended; and the refusals: not a PDF,
 * encrypted, transparency, no usable ICC profile, a second text layer.
 */
#include <math.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <leptonica/allheaders.h>
#include <qpdf/qpdf-c.h>

#include "test.h"
#include "fixture.h"
#include "sohoa/fsutil.h"
#include "sohoa/pdfa.h"

/* 2024-01-02 03:04:05 +07:00 */
#define FIXED_TIME 1704139445LL

/* A one-page image PDF from Leptonica: a 300 dpi gray page with a few
 * dark bars (JPEG), or a bilevel one (G4). */
static int
write_image_pdf(const char *path, int depth)
{
	PIX *pix = pixCreate(620, 877, depth);
	l_uint8 *data = NULL;
	size_t size = 0;
	FILE *f;
	int ok;

	if (!pix)
		return -1;
	if (depth == 1)
		pixClearAll(pix);
	else
		pixSetAll(pix);
	for (int i = 0; i < 20; i++) {
		BOX *b = boxCreate(40 + 7 * i, 60 + 38 * i, 300 + 5 * i, 12);
		if (depth == 1)
			pixSetInRect(pix, b);
		else
			pixClearInRect(pix, b);
		boxDestroy(&b);
	}
	for (int y = 0; depth == 8 && y < 877; y += 3)
		for (int x = 0; x < 620; x += 5)
			pixSetPixel(pix, x, y, (l_uint32)((x * 7 + y * 13) % 256));
	pixSetResolution(pix, 300, 300);
	ok = pixConvertToPdfData(pix, depth == 1 ? L_G4_ENCODE : L_JPEG_ENCODE, 85, &data, &size,
	    0, 0, 300, "leptonica", NULL, 0) == 0;
	pixDestroy(&pix);
	if (!ok)
		return -1;
	f = fopen(path, "wb");
	ok = f && fwrite(data, 1, size, f) == size;
	if (f && fclose(f) != 0)
		ok = 0;
	lept_free(data);
	return ok ? 0 : -1;
}

static const char *
icc(void)
{
	const char *p = sohoa_pdfa_default_icc();
	if (!p)
		fprintf(stderr, "  no sRGB ICC profile installed (icc-profiles-free)\n");
	return p;
}

/* Opens a PDF with qpdf; NULL (and a message) if qpdf cannot. */
static qpdf_data
open_pdf(const char *path)
{
	qpdf_data q = qpdf_init();

	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, 1);
	if (qpdf_read(q, path, NULL) & QPDF_ERRORS) {
		fprintf(stderr, "  qpdf cannot read %s: %s\n", path,
		    qpdf_get_error_full_text(q, qpdf_get_error(q)));
		qpdf_cleanup(&q);
		return NULL;
	}
	return q;
}

/* The unfiltered (raw) data of a stream, NUL-terminated; caller frees. */
static char *
stream_raw(qpdf_data q, qpdf_oh s, size_t *len)
{
	unsigned char *buf = NULL, *out;
	size_t n = 0;

	if (qpdf_oh_get_stream_data(q, s, qpdf_dl_none, NULL, &buf, &n) & QPDF_ERRORS)
		return NULL;
	out = realloc(buf, n + 1);
	if (!out) {
		free(buf);
		return NULL;
	}
	out[n] = '\0';
	if (len)
		*len = n;
	return (char *)out;
}

static void
test_convert_declares_pdfa_2b(void)
{
	sohoa_pdfa_info info = { .title = "Quyết định số 9 <bản chính> & \"phụ lục\"",
	    .identifier = "sha256:00ff", .created = FIXED_TIME };
	sohoa_error err;
	qpdf_data q;
	qpdf_oh root, meta, trailer, id, infod;
	char *xmp;

	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	sohoa_error_clear(&err);
	CHECK(write_image_pdf("in.pdf", 8) == 0);
	CHECK_INT(sohoa_pdfa_convert("in.pdf", "out.pdf", &info, &err), SOHOA_OK);
	CHECKM(err.status == SOHOA_OK, err.msg);
	q = open_pdf("out.pdf");
	CHECK(q != NULL);
	if (!q)
		return;
	CHECK((qpdf_check_pdf(q) & QPDF_ERRORS) == 0);
	CHECK_STR(qpdf_get_pdf_version(q), "1.7");
	root = qpdf_get_root(q);
	meta = qpdf_oh_get_key(q, root, "/Metadata");
	CHECK(qpdf_oh_is_stream(q, meta));
	CHECK(qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, qpdf_oh_get_dict(q, meta), "/Subtype"),
	    "/XML"));
	/* PDF/A: the metadata stream is not filtered. */
	CHECK(!qpdf_oh_has_key(q, qpdf_oh_get_dict(q, meta), "/Filter"));
	xmp = stream_raw(q, meta, NULL);
	CHECK(xmp != NULL);
	if (xmp) {
		CHECK(strstr(xmp, "<?xpacket begin=\"\xEF\xBB\xBF\"") == xmp);
		CHECK(strstr(xmp, "<pdfaid:part>2</pdfaid:part>") != NULL);
		CHECK(strstr(xmp, "<pdfaid:conformance>B</pdfaid:conformance>") != NULL);
		CHECK(strstr(xmp, "<rdf:li xml:lang=\"x-default\">Quyết định số 9 &lt;bản chính&gt; "
		    "&amp; &quot;phụ lục&quot;</rdf:li>") != NULL);
		CHECK(strstr(xmp, "<dc:identifier>sha256:00ff</dc:identifier>") != NULL);
		CHECK(strstr(xmp, "<xmp:CreatorTool>sohoa " SOHOA_VERSION "</xmp:CreatorTool>") != NULL);
		CHECK(strstr(xmp, "<xmp:CreateDate>2024-01-02T03:04:05+07:00</xmp:CreateDate>") != NULL);
		CHECK(strstr(xmp, "<xmp:ModifyDate>2024-01-02T03:04:05+07:00</xmp:ModifyDate>") != NULL);
		CHECK(strstr(xmp, "<?xpacket end=\"w\"?>") != NULL);
		free(xmp);
	}
	/* Info says the same (ISO 19005-2, 6.6.2.2). */
	trailer = qpdf_get_trailer(q);
	infod = qpdf_oh_get_key(q, trailer, "/Info");
	CHECK(qpdf_oh_is_indirect(q, infod));
	CHECK_STR(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, infod, "/Title")), info.title);
	CHECK_STR(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, infod, "/Creator")),
	    "sohoa " SOHOA_VERSION);
	CHECK_STR(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, infod, "/CreationDate")),
	    "D:20240102030405+07'00'");
	CHECK_STR(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, infod, "/ModDate")),
	    "D:20240102030405+07'00'");
	CHECK(qpdf_oh_has_key(q, infod, "/Producer"));
	/* Tesseract's own Info entries do not survive. */
	CHECK(!qpdf_oh_has_key(q, infod, "/Keywords"));
	id = qpdf_oh_get_key(q, trailer, "/ID");
	CHECK(qpdf_oh_is_array(q, id) && qpdf_oh_get_array_n_items(q, id) == 2);
	CHECK_STR(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, root, "/Lang")), "vi");
	qpdf_cleanup(&q);
}

static void
test_output_intent_embeds_the_icc_profile(void)
{
	sohoa_pdfa_info info = { .created = FIXED_TIME };
	sohoa_error err;
	qpdf_data q;
	qpdf_oh intents, oi, prof;
	size_t icc_len = 0, got_len = 0;
	char *icc_data, *got;

	sohoa_error_clear(&err);
	if (!icc()) {
		CHECK(0);
		return;
	}
	CHECK(write_image_pdf("in.pdf", 1) == 0);
	CHECK_INT(sohoa_pdfa_convert("in.pdf", "out.pdf", &info, &err), SOHOA_OK);
	q = open_pdf("out.pdf");
	CHECK(q != NULL);
	if (!q)
		return;
	intents = qpdf_oh_get_key(q, qpdf_get_root(q), "/OutputIntents");
	CHECK(qpdf_oh_is_array(q, intents) && qpdf_oh_get_array_n_items(q, intents) == 1);
	oi = qpdf_oh_get_array_item(q, intents, 0);
	CHECK(qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, oi, "/S"), "/GTS_PDFA1"));
	CHECK(qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, oi, "/Type"), "/OutputIntent"));
	CHECK_STR(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, oi, "/OutputConditionIdentifier")),
	    "sRGB IEC61966-2.1");
	prof = qpdf_oh_get_key(q, oi, "/DestOutputProfile");
	CHECK(qpdf_oh_is_stream(q, prof));
	CHECK_INT(qpdf_oh_get_int_value(q, qpdf_oh_get_key(q, qpdf_oh_get_dict(q, prof), "/N")), 3);
	/* The profile, byte for byte once decoded. */
	icc_data = fx_slurp(icc(), &icc_len);
	got = NULL;
	{
		unsigned char *buf = NULL;
		if ((qpdf_oh_get_stream_data(q, prof, qpdf_dl_generalized, NULL, &buf, &got_len)
		    & QPDF_ERRORS) == 0)
			got = (char *)buf;
	}
	CHECK(icc_data && got && got_len == icc_len && memcmp(got, icc_data, icc_len) == 0);
	free(icc_data);
	free(got);
	qpdf_cleanup(&q);
}

/* The page, its content and its image stream pass through untouched. */
static void
test_pages_and_images_are_untouched(void)
{
	sohoa_error err;
	qpdf_data a, b;
	size_t la = 0, lb = 0;

	sohoa_error_clear(&err);
	CHECK(write_image_pdf("in.pdf", 8) == 0);
	CHECK_INT(sohoa_pdfa_convert("in.pdf", "out.pdf", NULL, &err), SOHOA_OK);
	CHECKM(err.status == SOHOA_OK, err.msg);
	a = open_pdf("in.pdf");
	b = open_pdf("out.pdf");
	CHECK(a && b);
	if (!a || !b)
		goto out;
	CHECK_INT(qpdf_get_num_pages(b), qpdf_get_num_pages(a));
	for (int i = 0; i < qpdf_get_num_pages(a); i++) {
		qpdf_oh pa = qpdf_get_page_n(a, (size_t)i), pb = qpdf_get_page_n(b, (size_t)i);
		qpdf_oh xa = qpdf_oh_get_key(a, qpdf_oh_get_key(a, pa, "/Resources"), "/XObject");
		qpdf_oh xb = qpdf_oh_get_key(b, qpdf_oh_get_key(b, pb, "/Resources"), "/XObject");
		char *da, *db;
		CHECK_STR(qpdf_oh_unparse(b, qpdf_oh_get_key(b, pb, "/MediaBox")),
		    qpdf_oh_unparse(a, qpdf_oh_get_key(a, pa, "/MediaBox")));
		qpdf_oh_begin_dict_key_iter(a, xa);
		while (qpdf_oh_dict_more_keys(a)) {
			const char *key = qpdf_oh_dict_next_key(a);
			qpdf_oh ia = qpdf_oh_get_key(a, xa, key), ib = qpdf_oh_get_key(b, xb, key);
			CHECK(qpdf_oh_is_stream(b, ib));
			da = stream_raw(a, ia, &la);
			db = stream_raw(b, ib, &lb);
			CHECK(da && db && la == lb && memcmp(da, db, la) == 0);
			CHECK_STR(qpdf_oh_unparse(b, qpdf_oh_get_key(b, qpdf_oh_get_dict(b, ib),
			    "/Filter")), "/DCTDecode");
			free(da);
			free(db);
		}
	}
out:
	if (a)
		qpdf_cleanup(&a);
	if (b)
		qpdf_cleanup(&b);
}

/* Same input, same metadata: the same bytes (the /ID is a digest). */
static void
test_output_is_reproducible(void)
{
	sohoa_pdfa_info info = { .title = "a", .identifier = "b", .created = FIXED_TIME };
	sohoa_error err;
	char *x, *y;
	size_t lx = 0, ly = 0;

	sohoa_error_clear(&err);
	CHECK(write_image_pdf("in.pdf", 1) == 0);
	CHECK_INT(sohoa_pdfa_convert("in.pdf", "1.pdf", &info, &err), SOHOA_OK);
	CHECK_INT(sohoa_pdfa_convert("in.pdf", "2.pdf", &info, &err), SOHOA_OK);
	x = fx_slurp("1.pdf", &lx);
	y = fx_slurp("2.pdf", &ly);
	CHECK(x && y && lx == ly && memcmp(x, y, lx) == 0);
	free(x);
	free(y);
	info.identifier = "c";
	CHECK_INT(sohoa_pdfa_convert("in.pdf", "2.pdf", &info, &err), SOHOA_OK);
	y = fx_slurp("2.pdf", &ly);
	x = fx_slurp("1.pdf", &lx);
	CHECK(x && y && (lx != ly || memcmp(x, y, lx) != 0));
	free(x);
	free(y);
}

/* Characters XML 1.0 cannot carry are left out of both XMP and Info. */
static void
test_control_characters_left_out(void)
{
	sohoa_pdfa_info info = { .title = "a\x01" "b\x1f" "c", .created = FIXED_TIME };
	sohoa_error err;
	qpdf_data q;
	char *xmp;

	sohoa_error_clear(&err);
	CHECK(write_image_pdf("in.pdf", 1) == 0);
	CHECK_INT(sohoa_pdfa_convert("in.pdf", "out.pdf", &info, &err), SOHOA_OK);
	q = open_pdf("out.pdf");
	CHECK(q != NULL);
	if (!q)
		return;
	xmp = stream_raw(q, qpdf_oh_get_key(q, qpdf_get_root(q), "/Metadata"), NULL);
	CHECK(xmp && strstr(xmp, ">abc</rdf:li>") != NULL);
	free(xmp);
	CHECK_STR(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q,
	    qpdf_oh_get_key(q, qpdf_get_trailer(q), "/Info"), "/Title")), "abc");
	qpdf_cleanup(&q);
}

static void
test_not_a_pdf_is_bad_input(void)
{
	sohoa_error err;
	FILE *f = fopen("junk.pdf", "w");

	CHECK(f != NULL);
	if (f) {
		fputs("this is not a PDF at all\n", f);
		fclose(f);
	}
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_pdfa_convert("junk.pdf", "out.pdf", NULL, &err), SOHOA_BAD_INPUT);
	CHECK(err.msg[0] != '\0');
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_pdfa_convert("missing.pdf", "out.pdf", NULL, &err), SOHOA_BAD_INPUT);
}

static void
test_encrypted_pdf_is_bad_input(void)
{
	sohoa_error err;
	qpdf_data q;

	CHECK(write_image_pdf("in.pdf", 1) == 0);
	q = open_pdf("in.pdf");
	CHECK(q != NULL);
	if (!q)
		return;
	CHECK((qpdf_init_write(q, "enc.pdf") & QPDF_ERRORS) == 0);
	qpdf_set_r6_encryption_parameters2(q, "", "owner", 1, 1, 1, 1, 1, 1, qpdf_r3p_full, 1);
	CHECK((qpdf_write(q) & QPDF_ERRORS) == 0);
	qpdf_cleanup(&q);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_pdfa_convert("enc.pdf", "out.pdf", NULL, &err), SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "encrypted") != NULL, err.msg);
}

/* Edits the first image of in.pdf with f and writes it to out. */
static int
edit_image(const char *in, const char *out, void (*f)(qpdf_data, qpdf_oh))
{
	qpdf_data q = open_pdf(in);
	qpdf_oh xobjs;
	int rc = -1;

	if (!q)
		return -1;
	xobjs = qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_get_page_n(q, 0), "/Resources"),
	    "/XObject");
	qpdf_oh_begin_dict_key_iter(q, xobjs);
	if (qpdf_oh_dict_more_keys(q)) {
		qpdf_oh img = qpdf_oh_get_key(q, xobjs, qpdf_oh_dict_next_key(q));
		f(q, qpdf_oh_get_dict(q, img));
		if ((qpdf_init_write(q, out) & QPDF_ERRORS) == 0 && (qpdf_write(q) & QPDF_ERRORS) == 0)
			rc = 0;
	}
	qpdf_cleanup(&q);
	return rc;
}

static void
add_smask(qpdf_data q, qpdf_oh dict)
{
	qpdf_oh mask = qpdf_oh_new_stream(q);
	unsigned char alpha[4] = { 255, 255, 255, 255 };

	qpdf_oh_replace_stream_data(q, mask, alpha, sizeof alpha, qpdf_oh_new_null(q),
	    qpdf_oh_new_null(q));
	qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, mask), "/Type", qpdf_oh_new_name(q, "/XObject"));
	qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, mask), "/Subtype", qpdf_oh_new_name(q, "/Image"));
	qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, mask), "/Width", qpdf_oh_new_integer(q, 2));
	qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, mask), "/Height", qpdf_oh_new_integer(q, 2));
	qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, mask), "/BitsPerComponent",
	    qpdf_oh_new_integer(q, 8));
	qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, mask), "/ColorSpace",
	    qpdf_oh_new_name(q, "/DeviceGray"));
	qpdf_oh_replace_key(q, dict, "/SMask", mask);
}

static void
set_interpolate(qpdf_data q, qpdf_oh dict)
{
	qpdf_oh_replace_key(q, dict, "/Interpolate", qpdf_oh_new_bool(q, 1));
}

static void
test_transparency_is_refused(void)
{
	sohoa_error err;

	CHECK(write_image_pdf("in.pdf", 8) == 0);
	CHECK(edit_image("in.pdf", "masked.pdf", add_smask) == 0);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_pdfa_convert("masked.pdf", "out.pdf", NULL, &err), SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "transparency") != NULL, err.msg);
}

static void
test_interpolation_is_turned_off(void)
{
	sohoa_error err;
	qpdf_data q;
	qpdf_oh xobjs;

	CHECK(write_image_pdf("in.pdf", 8) == 0);
	CHECK(edit_image("in.pdf", "interp.pdf", set_interpolate) == 0);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_pdfa_convert("interp.pdf", "out.pdf", NULL, &err), SOHOA_OK);
	q = open_pdf("out.pdf");
	CHECK(q != NULL);
	if (!q)
		return;
	xobjs = qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_get_page_n(q, 0), "/Resources"),
	    "/XObject");
	qpdf_oh_begin_dict_key_iter(q, xobjs);
	while (qpdf_oh_dict_more_keys(q)) {
		qpdf_oh d = qpdf_oh_get_dict(q, qpdf_oh_get_key(q, xobjs, qpdf_oh_dict_next_key(q)));
		qpdf_oh interp = qpdf_oh_get_key(q, d, "/Interpolate");
		CHECK(!qpdf_oh_is_bool(q, interp) || !qpdf_oh_get_bool_value(q, interp));
	}
	qpdf_cleanup(&q);
}

static void
test_unusable_icc_profile_is_fatal(void)
{
	sohoa_pdfa_info info = { .icc_profile = "none.icc" };
	sohoa_error err;
	FILE *f;

	CHECK(write_image_pdf("in.pdf", 1) == 0);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_pdfa_convert("in.pdf", "out.pdf", &info, &err), SOHOA_FATAL);
	/* Something that is not an RGB ICC profile. */
	f = fopen("gray.icc", "wb");
	CHECK(f != NULL);
	if (f) {
		unsigned char h[200] = { 0 };
		h[8] = 2;
		memcpy(h + 16, "GRAY", 4);
		memcpy(h + 36, "acsp", 4);
		fwrite(h, 1, sizeof h, f);
		fclose(f);
	}
	info.icc_profile = "gray.icc";
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_pdfa_convert("in.pdf", "out.pdf", &info, &err), SOHOA_FATAL);
	CHECKM(strstr(err.msg, "RGB") != NULL, err.msg);
}

/* A picture drawn turned (sohoa_pdfa_place): the page's drawing of its
 * image gets a matrix that scales the unit square to the picture's size
 * (the page's, its sides swapped by an odd quarter turn), turns it by the
 * angle asked, clockwise, and puts its centre on the page's centre; the
 * image itself, the page box and the rest of the content stay. */
static void
test_picture_placed_turned(void)
{
	static const double turns[] = { 90, -2.0, 178.5, 271.25 };
	const double pw = 620 * 72.0 / 300, ph = 877 * 72.0 / 300;

	qpdf_data in;

	CHECK(write_image_pdf("in.pdf", 8) == 0);
	in = open_pdf("in.pdf");
	CHECK(in != NULL);
	for (size_t i = 0; i < sizeof turns / sizeof turns[0]; i++) {
		sohoa_pdfa_place place = { .page = 0, .turn = turns[i] };
		sohoa_pdfa_info info = { .place = &place, .nplace = 1 };
		double m[6], sw, sh, angle;
		unsigned char *buf = NULL;
		size_t len = 0;
		int used = 0, odd = (int)lround(turns[i] / 90) % 2 != 0;
		sohoa_error err;
		qpdf_data q;
		char *text;

		sohoa_error_clear(&err);
		CHECK_INT(sohoa_pdfa_convert("in.pdf", "out.pdf", &info, &err), SOHOA_OK);
		CHECKM(err.status == SOHOA_OK, err.msg);
		if (!(q = open_pdf("out.pdf")))
			continue;
		CHECK(!(qpdf_oh_get_page_content_data(q, qpdf_get_page_n(q, 0), &buf, &len)
		    & QPDF_ERRORS));
		text = buf ? strndup((const char *)buf, len) : NULL;
		free(buf);
		CHECK(text != NULL);
		if (!text) {
			qpdf_cleanup(&q);
			continue;
		}
		CHECKM(sscanf(text, "q %lf %lf %lf %lf %lf %lf cm %n", &m[0], &m[1], &m[2], &m[3],
		    &m[4], &m[5], &used) == 6, text);
		CHECKM(strncmp(text + used, "/Im1 Do Q", 9) == 0
		    && strspn(text + used + 9, " \r\n") == strlen(text + used + 9), text + used);
		sw = odd ? ph : pw;
		sh = odd ? pw : ph;
		/* The sides: the columns' lengths. */
		CHECK(fabs(hypot(m[0], m[1]) - sw) < 0.01);
		CHECK(fabs(hypot(m[2], m[3]) - sh) < 0.01);
		/* The centre of the picture on the centre of the page. */
		CHECK(fabs(m[0] / 2 + m[2] / 2 + m[4] - pw / 2) < 0.01);
		CHECK(fabs(m[1] / 2 + m[3] / 2 + m[5] - ph / 2) < 0.01);
		/* Clockwise by the turn: the picture's x axis (a, b) points
		 * turn degrees below the page's (PDF space has y up). */
		angle = atan2(-m[1], m[0]) * 180 / M_PI;
		CHECK(fabs(remainder(angle - turns[i], 360.0)) < 0.01);
		/* Not mirrored. */
		CHECK(m[0] * m[3] - m[1] * m[2] > 0);
		if (in) {
			CHECK_STR(qpdf_oh_unparse(q, qpdf_oh_get_key(q, qpdf_get_page_n(q, 0),
			    "/MediaBox")), qpdf_oh_unparse(in, qpdf_oh_get_key(in,
			    qpdf_get_page_n(in, 0), "/MediaBox")));
		}
		free(text);
		qpdf_cleanup(&q);
	}
	if (in)
		qpdf_cleanup(&in);
}

/* A page that is not there, or that has no picture drawing to turn, is
 * refused rather than left with its picture stretched. */
static void
test_placed_page_must_have_the_picture(void)
{
	sohoa_pdfa_place place = { .page = 1, .turn = 90 };
	sohoa_pdfa_info info = { .place = &place, .nplace = 1 };
	sohoa_error err;

	CHECK(write_image_pdf("in.pdf", 8) == 0);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_pdfa_convert("in.pdf", "out.pdf", &info, &err), SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "page 2") != NULL, err.msg);
	/* A PDF whose page draws no /Im1: made by a first pass, whose output
	 * page keeps Leptonica's drawing, then a second asking for the same
	 * page placed once more (its content now begins with a turned
	 * matrix, which is not the stretched drawing). */
	place.page = 0;
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_pdfa_convert("in.pdf", "once.pdf", &info, &err), SOHOA_OK);
	place.turn = 0.5;
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_pdfa_convert("once.pdf", "twice.pdf", &info, &err), SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "page 1") != NULL, err.msg);
}

/* The page's content as qpdf decodes it (malloc'd), or NULL. */
static char *
page_content(const char *path, size_t page)
{
	qpdf_data q = open_pdf(path);
	unsigned char *buf = NULL;
	size_t len = 0;
	char *text = NULL;

	if (!q)
		return NULL;
	if (!(qpdf_oh_get_page_content_data(q, qpdf_get_page_n(q, page), &buf, &len) & QPDF_ERRORS)
	    && buf)
		text = strndup((const char *)buf, len);
	free(buf);
	qpdf_cleanup(&q);
	return text;
}

/* A page's text layer given (sohoa_pdfa_text, the OCR worker's one-pass
 * walk): appended to the picture's drawing, alone or after the drawing is
 * turned (one rewrite of the page for both); a page that has more than
 * its picture already (text) is refused rather than given a second
 * layer. */
static void
test_text_layer_appended(void)
{
	static const char layer[] = "BT\n3 Tr 1 0 0 1 96 700.5 Tm /f-0-0 12 Tf 85.5 Tz "
	    "[ <1EE600590020> ] TJ 21.6 0 Td 96 Tz [ <0042> ] TJ \nET\n";
	sohoa_pdfa_text text = { .page = 0, .data = layer, .len = strlen(layer) };
	sohoa_pdfa_place place = { .page = 0, .turn = 90 };
	sohoa_pdfa_info info = { .text = &text, .ntext = 1 };
	char *orig, *out, *both, *expect = NULL;
	sohoa_error err;

	CHECK(write_image_pdf("in.pdf", 8) == 0);
	orig = page_content("in.pdf", 0);
	CHECK(orig != NULL && strstr(orig, "/Im1 Do Q\n") != NULL);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_pdfa_convert("in.pdf", "text.pdf", &info, &err), SOHOA_OK);
	CHECKM(err.status == SOHOA_OK, err.msg);
	out = page_content("text.pdf", 0);
	if (orig && asprintf(&expect, "%s%s", orig, layer) < 0)
		expect = NULL;
	CHECK_STR(out, expect);
	/* Turned and given its text: the turned drawing, then the text. */
	info.place = &place;
	info.nplace = 1;
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_pdfa_convert("in.pdf", "both.pdf", &info, &err), SOHOA_OK);
	both = page_content("both.pdf", 0);
	CHECK(both != NULL && strncmp(both, "q ", 2) == 0 && strstr(both, " cm /Im1 Do Q\n") != NULL);
	if (both && strstr(both, "/Im1 Do Q\n")) {
		CHECK_STR(strstr(both, "/Im1 Do Q\n") + 10, layer);
		CHECK(orig && strcmp(both, expect ? expect : "") != 0);     /* the matrix changed */
	}
	/* Text over text: refused, the page named. */
	info.place = NULL;
	info.nplace = 0;
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_pdfa_convert("text.pdf", "twice.pdf", &info, &err), SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "page 1 has a text layer already") != NULL, err.msg);
	free(orig);
	free(out);
	free(both);
	free(expect);
}

/* Two pages, place on the first and text on the second: each page is
 * rewritten with what is its own (the two lists are walked together). */
static void
test_place_and_text_on_other_pages(void)
{
	static const char layer[] = "BT\n3 Tr 1 0 0 1 96 700.5 Tm /f-0-0 12 Tf 85.5 Tz "
	    "[ <0041> ] TJ \nET\n";
	sohoa_pdfa_text text = { .page = 1, .data = layer, .len = strlen(layer) };
	sohoa_pdfa_place place = { .page = 0, .turn = 90 };
	sohoa_pdfa_info info = { .place = &place, .nplace = 1, .text = &text, .ntext = 1 };
	qpdf_data q = NULL, other = NULL;
	char *orig = NULL, *first = NULL, *second = NULL, *expect = NULL;
	sohoa_error err;

	CHECK(write_image_pdf("in.pdf", 8) == 0);
	orig = page_content("in.pdf", 0);
	q = open_pdf("in.pdf");
	other = open_pdf("in.pdf");
	CHECK(q && other);
	if (!q || !other)
		goto out;
	CHECK(!(qpdf_add_page(q, other, qpdf_get_page_n(other, 0), 0) & QPDF_ERRORS));
	CHECK(!(qpdf_init_write(q, "two.pdf") & QPDF_ERRORS));
	CHECK(!(qpdf_write(q) & QPDF_ERRORS));
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_pdfa_convert("two.pdf", "out.pdf", &info, &err), SOHOA_OK);
	CHECKM(err.status == SOHOA_OK, err.msg);
	first = page_content("out.pdf", 0);
	second = page_content("out.pdf", 1);
	if (orig && asprintf(&expect, "%s%s", orig, layer) < 0)
		expect = NULL;
	CHECK_STR(second, expect);
	CHECK(first && orig && strcmp(first, orig) != 0 && strstr(first, "/Im1 Do Q") != NULL
	    && strstr(first, "TJ") == NULL);
out:
	if (q)
		qpdf_cleanup(&q);
	if (other)
		qpdf_cleanup(&other);
	free(orig);
	free(first);
	free(second);
	free(expect);
}

static void
test_dates(void)
{
	char buf[64];

	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
	CHECK_STR(sohoa_pdfa_format_date(FIXED_TIME, 1, buf, sizeof buf), "D:20240102030405+07'00'");
	CHECK_STR(sohoa_pdfa_format_date(FIXED_TIME, 0, buf, sizeof buf),
	    "2024-01-02T03:04:05+07:00");
	setenv("TZ", "UTC0", 1);
	tzset();
	CHECK_STR(sohoa_pdfa_format_date(FIXED_TIME, 1, buf, sizeof buf), "D:20240101200405+00'00'");
	setenv("TZ", "<-0330>3:30", 1);
	tzset();
	CHECK_STR(sohoa_pdfa_format_date(FIXED_TIME, 0, buf, sizeof buf),
	    "2024-01-01T16:34:05-03:30");
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	tzset();
}

int
main(void)
{
	setMsgSeverity(L_SEVERITY_NONE);
	TEST_RUN(test_convert_declares_pdfa_2b);
	TEST_RUN(test_output_intent_embeds_the_icc_profile);
	TEST_RUN(test_pages_and_images_are_untouched);
	TEST_RUN(test_output_is_reproducible);
	TEST_RUN(test_control_characters_left_out);
	TEST_RUN(test_not_a_pdf_is_bad_input);
	TEST_RUN(test_encrypted_pdf_is_bad_input);
	TEST_RUN(test_transparency_is_refused);
	TEST_RUN(test_interpolation_is_turned_off);
	TEST_RUN(test_unusable_icc_profile_is_fatal);
	TEST_RUN(test_text_layer_appended);
	TEST_RUN(test_place_and_text_on_other_pages);
	TEST_RUN(test_picture_placed_turned);
	TEST_RUN(test_placed_page_must_have_the_picture);
	TEST_RUN(test_dates);
	return TEST_DONE();
}
