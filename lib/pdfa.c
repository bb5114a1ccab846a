/*
 * pdfa.c - PDF/A-2b post-processing of the searchable PDF that Tesseract's
 * renderer writes, through libqpdf's C API: XMP metadata, a matching
 * information dictionary, an sRGB OutputIntent and a trailer /ID.  The
 * images and fonts pass through untouched (qpdf copies the JPEG and CCITT
 * streams as they are), and so does the page content but for the pages
 * whose picture is drawn turned or whose text layer is given
 * (rewrite_page), so the cost is a read and a write of the file.  See
 * include/sohoa/pdfa.h for the contract.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <qpdf/qpdf-c.h>

#include "sohoa/fsutil.h"
#include "sohoa/pdfa.h"
#include "sbuf.h"

/* Debian: icc-profiles-free (listed in scripts/install-deps), then colord. */
static const char *const icc_candidates[] = {
	"/usr/share/color/icc/sRGB.icc",
	"/usr/share/color/icc/colord/sRGB.icc",
	"/usr/share/color/icc/ghostscript/srgb.icc",
};

#define ICC_MAX (4 << 20)
#define SRGB_CONDITION "sRGB IEC61966-2.1"

const char *
sohoa_pdfa_default_icc(void)
{
	for (size_t i = 0; i < sizeof icc_candidates / sizeof icc_candidates[0]; i++)
		if (access(icc_candidates[i], R_OK) == 0)
			return icc_candidates[i];
	return NULL;
}

char *
sohoa_pdfa_format_date(long long t, int pdf, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	long off;
	char sign;

	if (!localtime_r(&tt, &tm)) {
		tt = 0;
		gmtime_r(&tt, &tm);
	}
	off = tm.tm_gmtoff / 60;
	sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	if (pdf)
		snprintf(buf, size, "D:%04d%02d%02d%02d%02d%02d%c%02ld'%02ld'", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, sign, off / 60,
		    off % 60);
	else
		snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, sign, off / 60,
		    off % 60);
	return buf;
}

/* XML character data.  Control characters other than tab, newline and
 * carriage return are not allowed in XML 1.0: they are left out. */
static void
text_xml(struct sbuf *t, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '&')
			sb_str(t, "&amp;");
		else if (c == '<')
			sb_str(t, "&lt;");
		else if (c == '>')
			sb_str(t, "&gt;");
		else if (c == '"')
			sb_str(t, "&quot;");
		else if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
			sb_add(t, s, 1);
	}
}

static void
text_element(struct sbuf *t, const char *name, const char *value)
{
	sb_str(t, "   <");
	sb_str(t, name);
	sb_str(t, ">");
	text_xml(t, value);
	sb_str(t, "</");
	sb_str(t, name);
	sb_str(t, ">\n");
}

/*
 * The XMP packet.  Only properties of the predefined schemas of XMP
 * (dc, xmp, pdf) and the PDF/A identification schema are used, so no
 * extension schema is needed (ISO 19005-2, 6.6.2.3).
 */
static char *
build_xmp(const char *title, const char *identifier, const char *language,
    const char *creator, const char *producer, const char *date, size_t *len)
{
	struct sbuf t = { 0 };

	sb_str(&t, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
	    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
	    " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
	    "  <rdf:Description rdf:about=\"\"\n"
	    "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	    "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
	    "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
	    "    xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
	    "   <dc:format>application/pdf</dc:format>\n");
	if (title && *title) {
		sb_str(&t, "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
		text_xml(&t, title);
		sb_str(&t, "</rdf:li></rdf:Alt></dc:title>\n");
	}
	if (identifier && *identifier)
		text_element(&t, "dc:identifier", identifier);
	sb_str(&t, "   <dc:language><rdf:Bag><rdf:li>");
	text_xml(&t, language);
	sb_str(&t, "</rdf:li></rdf:Bag></dc:language>\n");
	text_element(&t, "xmp:CreatorTool", creator);
	text_element(&t, "xmp:CreateDate", date);
	text_element(&t, "xmp:ModifyDate", date);
	text_element(&t, "xmp:MetadataDate", date);
	text_element(&t, "pdf:Producer", producer);
	sb_str(&t, "   <pdfaid:part>2</pdfaid:part>\n"
	    "   <pdfaid:conformance>B</pdfaid:conformance>\n"
	    "  </rdf:Description>\n"
	    " </rdf:RDF>\n"
	    "</x:xmpmeta>\n"
	    "<?xpacket end=\"w\"?>");
	if (t.oom) {
		free(t.p);
		return NULL;
	}
	*len = t.len;
	return t.p;
}

/* The Info dictionary takes the title without the characters the XMP left
 * out, so that both say exactly the same thing. */
static char *
clean_title(const char *title)
{
	struct sbuf t = { 0 };

	sb_str(&t, "");
	for (const char *s = title ? title : ""; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
			sb_add(&t, s, 1);
	}
	if (t.oom) {
		free(t.p);
		return NULL;
	}
	return t.p;
}

/* Copies qpdf's current error (or the given text) into err. */
static sohoa_status
qpdf_fail(qpdf_data q, sohoa_error *err, sohoa_status st, const char *what)
{
	if (qpdf_has_error(q)) {
		qpdf_error e = qpdf_get_error(q);
		const char *full = qpdf_get_error_full_text(q, e);
		return sohoa_error_set(err, st, SOHOA_REASON_NONE, "%s: %s", what,
		    full ? full : "qpdf error");
	}
	return sohoa_error_set(err, st, SOHOA_REASON_NONE, "%s", what);
}

/* An ICC profile we can declare as an RGB OutputIntent: the 'acsp'
 * signature, data colour space 'RGB ', a version PDF 1.7 knows (<= 4). */
static int
icc_is_rgb(const unsigned char *p, size_t len)
{
	return len >= 132 && memcmp(p + 36, "acsp", 4) == 0 && memcmp(p + 16, "RGB ", 4) == 0
	    && p[8] >= 2 && p[8] <= 4;
}

static int
is_true(qpdf_data q, qpdf_oh oh)
{
	return qpdf_oh_is_bool(q, oh) && qpdf_oh_get_bool_value(q, oh);
}

/*
 * Looks at every page: no transparency group, and no image with a soft
 * mask; /Interpolate true becomes false.  Form XObjects are not entered
 * (Tesseract writes none).  Returns 0, or -1 with err set.
 */
static int
check_pages(qpdf_data q, sohoa_error *err)
{
	int n = qpdf_get_num_pages(q);

	if (n <= 0) {
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE, "the PDF has no page");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		qpdf_oh page = qpdf_get_page_n(q, (size_t)i);
		qpdf_oh group = qpdf_oh_get_key(q, page, "/Group");
		qpdf_oh xobjs = qpdf_oh_get_key(q, qpdf_oh_get_key(q, page, "/Resources"),
		    "/XObject");
		if (qpdf_oh_is_dictionary(q, group)
		    && qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, group, "/S"),
		    "/Transparency")) {
			sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "page %d has a transparency group", i + 1);
			return -1;
		}
		if (!qpdf_oh_is_dictionary(q, xobjs))
			continue;
		qpdf_oh_begin_dict_key_iter(q, xobjs);
		while (qpdf_oh_dict_more_keys(q)) {
			const char *key = qpdf_oh_dict_next_key(q);
			qpdf_oh x = qpdf_oh_get_key(q, xobjs, key), d;
			if (!qpdf_oh_is_stream(q, x))
				continue;
			d = qpdf_oh_get_dict(q, x);
			if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, d, "/Subtype"), "/Image"))
				continue;
			if (qpdf_oh_has_key(q, d, "/SMask") || qpdf_oh_has_key(q, d, "/SMaskInData")
			    || qpdf_oh_has_key(q, d, "/Mask")) {
				sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
				    "an image on page %d has a mask (transparency)", i + 1);
				return -1;
			}
			if (is_true(q, qpdf_oh_get_key(q, d, "/Interpolate")))
				qpdf_oh_replace_key(q, d, "/Interpolate", qpdf_oh_new_bool(q, 0));
		}
	}
	return 0;
}

/*
 * Rewrites the content of page pageno (0-based), which Tesseract's renderer
 * writes as the picture "q W 0 0 H 0 0 cm /Im1 Do Q" then the text layer:
 *
 * With place (pdfa.h, sohoa_pdfa_place), the picture is drawn turned: that
 * one drawing's matrix is replaced, the rest kept.  The picture's unit
 * square is scaled to the original's size (W x H, or H x W after a quarter
 * turn), centred on the origin, turned clockwise (PDF space has y up:
 * x' = x cos + y sin, y' = -x sin + y cos) and moved to the page's centre.
 *
 * With text (sohoa_pdfa_text), the page was written without a text layer
 * (its content ends with the picture's "Q"): the text is appended.
 *
 * Returns 0, or -1 with err set.
 */
static int
rewrite_page(qpdf_data q, size_t pageno, const sohoa_pdfa_place *place,
    const sohoa_pdfa_text *text, sohoa_error *err)
{
	qpdf_oh page, content;
	unsigned char *buf = NULL;
	size_t len = 0, head, tail;
	double pw, ph, m1, m2, m4, m5, sw, sh, rad, c, s;
	char *copy, *at;
	int used = 0, quarter;
	struct sbuf out = { 0 };

	if (pageno >= (size_t)qpdf_get_num_pages(q))
		goto bad;
	page = qpdf_get_page_n(q, pageno);
	if (qpdf_oh_get_page_content_data(q, page, &buf, &len) & QPDF_ERRORS || !buf)
		goto bad;
	/* A NUL-terminated copy, for sscanf and strstr. */
	if (!(copy = malloc(len + 1))) {
		free(buf);
		sohoa_error_oom(err);
		return -1;
	}
	memcpy(copy, buf, len);
	copy[len] = '\0';
	free(buf);
	at = strstr(copy, "/Im1 Do");
	head = at ? (size_t)(at - copy) : 0;
	/* The drawing "q W 0 0 H 0 0 cm " just before, at the start (Leptonica
	 * writes the zeros as 0.0000). */
	if (!at || memchr(copy, '\0', len)
	    || sscanf(copy, " q %lf %lf %lf %lf %lf %lf cm %n", &pw, &m1, &m2, &ph, &m4, &m5, &used) != 6
	    || (size_t)used != head || pw <= 0 || ph <= 0 || m1 != 0 || m2 != 0 || m4 != 0
	    || m5 != 0) {
		free(copy);
		goto bad;
	}
	/* A page given its text must have none yet: the picture alone. */
	if (text && strcmp(at, "/Im1 Do Q\n") != 0) {
		free(copy);
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "trang %zu đã có lớp chữ — page %zu has a text layer already", pageno + 1,
		    pageno + 1);
		return -1;
	}
	tail = head;
	if (place) {
		quarter = ((long)lround(place->turn / 90.0) % 2 + 2) % 2;
		sw = quarter ? ph : pw;
		sh = quarter ? pw : ph;
		rad = place->turn * M_PI / 180.0;
		c = cos(rad);
		s = sin(rad);
		sb_printf(&out, "q %.4f %.4f %.4f %.4f %.4f %.4f cm ", sw * c, -sw * s, sh * s,
		    sh * c, pw / 2 - sw / 2 * c - sh / 2 * s, ph / 2 + sw / 2 * s - sh / 2 * c);
	} else {
		tail = 0;
	}
	sb_add(&out, copy + tail, len - tail);
	free(copy);
	if (text)
		sb_add(&out, text->data, text->len);
	if (out.oom || !out.p) {
		free(out.p);
		sohoa_error_oom(err);
		return -1;
	}
	content = qpdf_oh_new_stream(q);
	qpdf_oh_replace_stream_data(q, content, (const unsigned char *)out.p, out.len,
	    qpdf_oh_new_null(q), qpdf_oh_new_null(q));
	free(out.p);
	qpdf_oh_replace_key(q, page, "/Contents", content);
	return 0;
bad:
	sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
	    "trang %zu không có hình để đặt xoay — page %zu has no picture to place turned",
	    pageno + 1, pageno + 1);
	return -1;
}

/* Rewrites the pages of info->place and info->text (each in page order),
 * once each.  Returns 0, or -1 with err set. */
static int
rewrite_pages(qpdf_data q, const sohoa_pdfa_info *info, sohoa_error *err)
{
	size_t i = 0, j = 0, np = info->place ? info->nplace : 0, nt = info->text ? info->ntext : 0;

	while (i < np || j < nt) {
		size_t page = i < np && (j >= nt || info->place[i].page <= info->text[j].page)
		    ? info->place[i].page : info->text[j].page;
		const sohoa_pdfa_place *p = i < np && info->place[i].page == page ? &info->place[i] : NULL;
		const sohoa_pdfa_text *t = j < nt && info->text[j].page == page ? &info->text[j] : NULL;
		if (rewrite_page(q, page, p, t, err) != 0)
			return -1;
		i += p != NULL;
		j += t != NULL;
	}
	return 0;
}

sohoa_status
sohoa_pdfa_convert(const char *in, const char *out, const sohoa_pdfa_info *info,
    sohoa_error *err)
{
	const sohoa_pdfa_info none = { 0 };
	const char *icc_path, *language, *creator, *producer;
	char creator_buf[64], producer_buf[64], pdf_date[40], xmp_date[40];
	char *icc = NULL, *xmp = NULL, *title = NULL;
	size_t icc_len = 0, xmp_len = 0;
	sohoa_status st = SOHOA_OK;
	qpdf_data q = NULL;
	qpdf_oh root, meta, profile, intent, intents, infodict;
	long long now;

	if (!info)
		info = &none;
	icc_path = info->icc_profile ? info->icc_profile : sohoa_pdfa_default_icc();
	if (!icc_path)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "no sRGB ICC profile (install the Debian package icc-profiles-free)");
	if (sohoa_fs_read_file(icc_path, ICC_MAX, &icc, &icc_len, err) != SOHOA_OK) {
		err->status = SOHOA_FATAL;
		return SOHOA_FATAL;
	}
	if (!icc_is_rgb((const unsigned char *)icc, icc_len)) {
		st = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "%s is not an RGB ICC profile (version 2 to 4)", icc_path);
		goto out;
	}
	language = info->language && *info->language ? info->language : "vi";
	creator = info->creator_tool;
	if (!creator) {
		snprintf(creator_buf, sizeof creator_buf, "sohoa %s", SOHOA_VERSION);
		creator = creator_buf;
	}
	producer = info->producer;
	if (!producer) {
		snprintf(producer_buf, sizeof producer_buf, "qpdf %s", qpdf_get_qpdf_version());
		producer = producer_buf;
	}
	now = info->created ? info->created : (long long)time(NULL);
	sohoa_pdfa_format_date(now, 1, pdf_date, sizeof pdf_date);
	sohoa_pdfa_format_date(now, 0, xmp_date, sizeof xmp_date);
	title = clean_title(info->title);
	if (title)
		xmp = build_xmp(title, info->identifier, language, creator, producer, xmp_date,
		    &xmp_len);
	if (!title || !xmp) {
		st = sohoa_error_oom(err);
		goto out;
	}

	q = qpdf_init();
	if (!q) {
		st = sohoa_error_oom(err);
		goto out;
	}
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, 1);
	if (qpdf_read(q, in, NULL) & QPDF_ERRORS) {
		st = qpdf_fail(q, err, SOHOA_BAD_INPUT, "cannot read the PDF");
		goto out;
	}
	if (qpdf_is_encrypted(q)) {
		st = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE, "the PDF is encrypted");
		goto out;
	}
	if (check_pages(q, err) != 0) {
		st = err->status;
		goto out;
	}
	if (rewrite_pages(q, info, err) != 0) {
		st = err->status;
		goto out;
	}
	root = qpdf_get_root(q);

	/* XMP metadata: never compressed (qpdf leaves /Type /Metadata streams
	 * as they are given), so that any tool can read it. */
	meta = qpdf_oh_new_stream(q);
	qpdf_oh_replace_stream_data(q, meta, (const unsigned char *)xmp, xmp_len,
	    qpdf_oh_new_null(q), qpdf_oh_new_null(q));
	qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, meta), "/Type", qpdf_oh_new_name(q, "/Metadata"));
	qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, meta), "/Subtype", qpdf_oh_new_name(q, "/XML"));
	qpdf_oh_replace_key(q, root, "/Metadata", meta);
	qpdf_oh_replace_key(q, root, "/Lang", qpdf_oh_new_unicode_string(q, language));

	/* The sRGB OutputIntent. */
	profile = qpdf_oh_new_stream(q);
	qpdf_oh_replace_stream_data(q, profile, (const unsigned char *)icc, icc_len,
	    qpdf_oh_new_null(q), qpdf_oh_new_null(q));
	qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, profile), "/N", qpdf_oh_new_integer(q, 3));
	intent = qpdf_oh_new_dictionary(q);
	qpdf_oh_replace_key(q, intent, "/Type", qpdf_oh_new_name(q, "/OutputIntent"));
	qpdf_oh_replace_key(q, intent, "/S", qpdf_oh_new_name(q, "/GTS_PDFA1"));
	qpdf_oh_replace_key(q, intent, "/OutputConditionIdentifier",
	    qpdf_oh_new_string(q, SRGB_CONDITION));
	qpdf_oh_replace_key(q, intent, "/Info", qpdf_oh_new_string(q, SRGB_CONDITION));
	qpdf_oh_replace_key(q, intent, "/RegistryName", qpdf_oh_new_string(q, "http://www.color.org"));
	qpdf_oh_replace_key(q, intent, "/DestOutputProfile", profile);
	intents = qpdf_oh_new_array(q);
	qpdf_oh_append_item(q, intents, qpdf_make_indirect_object(q, intent));
	qpdf_oh_replace_key(q, root, "/OutputIntents", intents);

	/* A fresh information dictionary that says what the XMP says
	 * (ISO 19005-2, 6.6.2.2); Tesseract's own entries are dropped. */
	infodict = qpdf_oh_new_dictionary(q);
	if (*title)
		qpdf_oh_replace_key(q, infodict, "/Title", qpdf_oh_new_unicode_string(q, title));
	qpdf_oh_replace_key(q, infodict, "/Creator", qpdf_oh_new_unicode_string(q, creator));
	qpdf_oh_replace_key(q, infodict, "/Producer", qpdf_oh_new_unicode_string(q, producer));
	qpdf_oh_replace_key(q, infodict, "/CreationDate", qpdf_oh_new_string(q, pdf_date));
	qpdf_oh_replace_key(q, infodict, "/ModDate", qpdf_oh_new_string(q, pdf_date));
	qpdf_oh_replace_key(q, qpdf_get_trailer(q), "/Info",
	    qpdf_make_indirect_object(q, infodict));
	if (qpdf_has_error(q)) {
		st = qpdf_fail(q, err, SOHOA_BAD_INPUT, "cannot update the PDF");
		goto out;
	}

	if (qpdf_init_write(q, out) & QPDF_ERRORS) {
		st = qpdf_fail(q, err, SOHOA_RETRY, "cannot write the PDF/A");
		goto out;
	}
	/* PDF/A-2 is based on PDF 1.7.  The /ID is a digest of the output, so
	 * the same scan and metadata give a byte-identical file. */
	qpdf_set_minimum_pdf_version(q, "1.7");
	qpdf_set_deterministic_ID(q, 1);
	qpdf_set_object_stream_mode(q, qpdf_o_disable);
	/* ISO 19005-2, 6.1.7.1 (veraPDF 6.1.7.1-t2): an end-of-line before
	 * every "endstream"; qpdf otherwise writes it straight after the
	 * data of a stream that does not end with one (XMP, ICC, images). */
	qpdf_set_newline_before_endstream(q, 1);
	if (qpdf_write(q) & QPDF_ERRORS)
		st = qpdf_fail(q, err, SOHOA_RETRY, "cannot write the PDF/A");
out:
	if (q)
		qpdf_cleanup(&q);
	free(icc);
	free(xmp);
	free(title);
	return st;
}
