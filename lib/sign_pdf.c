/*
 * sign_pdf.c - PAdES baseline B signatures on our PDF/A documents, as an
 * incremental update (ISO 32000-1 7.5.6, 12.8; ETSI EN 319 142-1):
 *
 *   original bytes, untouched
 *   + the signature dictionary (/SubFilter /ETSI.CAdES.detached, /M, a
 *     /ByteRange and a zero-filled /Contents placeholder)
 *   + a signature field merged with its widget on page 1, top right, with
 *     a visible appearance: the agency's name and the signing time
 *     (ISO 8601, +07:00) in Liberation Serif 10 pt, embedded (PDF/A) as a
 *     Type0/CIDFontType2 Identity-H font with /W widths and a ToUnicode CMap
 *   + page 1 and the catalog (or its AcroForm) again, with the new field
 *   + a cross-reference section in the style of the original (table or
 *     stream) and a trailer with /Prev, the same /Root, /Info and /ID.
 *
 * qpdf only reads the original (catalog, page 1, its box, the AcroForm,
 * trailer /Size and /ID); the update is written here, so the original
 * bytes stay byte for byte (a signature earlier in the file stays valid).
 * The file is streamed: copied, then hashed over the two byte ranges, never
 * loaded whole.
 *
 * PAdES B-LT (with a TSA and sign_lt on): two more incremental updates in
 * the same way, a DSS (the validation data of sign_lt.c, one stream per
 * certificate / OCSP response / CRL, and the catalog with /DSS) and a
 * document timestamp (/Type /DocTimeStamp, ETSI.RFC3161) covering it; both
 * or neither, so that no bytes are left after the last signature.
 * Verification reads the DSS and uses it for every signature.  The CMS carries signing-certificate-v2 and no
 * signing-time attribute (PAdES: the time is /M).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <qpdf/qpdf-c.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "sohoa/fsutil.h"
#include "sohoa/sign.h"
#include "sign_int.h"
#include "sbuf.h"

#define FONT_SIZE 10.0
#define LEADING 12.0
#define PAD 4.0
#define MARGIN 18.0            /* from the top and right edges of page 1, in points */
#define BYTERANGE_WIDTH 60     /* room for "0 a b c" */
#define VIETNAM_OFFSET (7 * 3600)

/* ---- a growing byte buffer; on OOM it stays failed ------------------------ */

static void
b_hex(struct sbuf *b, const unsigned char *p, size_t n)
{
	static const char hx[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		char two[2] = { hx[p[i] >> 4], hx[p[i] & 15] };
		sb_add(b, two, 2);
	}
}

/* ---- file helpers ----------------------------------------------------------- */

static int
pread_full(int fd, void *p, size_t n, off_t off)
{
	char *c = p;

	while (n > 0) {
		ssize_t r = pread(fd, c, n, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

/* SHA-256 of the bytes [a0, a0+a1) and [b0, b0+b1) of fd. */
static int
hash_ranges(int fd, const long long r[4], unsigned char md[32])
{
	static const size_t chunk = 1 << 20;
	unsigned char *buf = malloc(chunk);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = buf && ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);

	for (int k = 0; ok && k < 4; k += 2) {
		long long off = r[k], left = r[k + 1];
		while (ok && left > 0) {
			size_t n = left < (long long)chunk ? (size_t)left : chunk;
			ok = pread_full(fd, buf, n, (off_t)off) == 0 && EVP_DigestUpdate(ctx, buf, n);
			off += (long long)n;
			left -= (long long)n;
		}
	}
	ok = ok && EVP_DigestFinal_ex(ctx, md, NULL);
	EVP_MD_CTX_free(ctx);
	free(buf);
	return ok ? 0 : -1;
}

/*
 * The last "startxref" of the file, whether the section it points to is a
 * cross-reference stream, and whether the file ends with an end of line.
 */
static int
read_tail(int fd, long long size, long long *startxref, int *xref_stream, int *ends_eol)
{
	char tail[2048 + 1], head[16];
	size_t n = size < 2048 ? (size_t)size : 2048;
	char *p = NULL, *q;

	if (n < 16 || pread_full(fd, tail, n, (off_t)(size - (long long)n)) != 0)
		return -1;
	tail[n] = '\0';
	for (q = tail; (q = memmem(q, n - (size_t)(q - tail), "startxref", 9)) != NULL; q += 9)
		p = q;
	if (!p)
		return -1;
	p += 9;
	while (*p == ' ' || *p == '\r' || *p == '\n' || *p == '\t')
		p++;
	*startxref = strtoll(p, &q, 10);
	if (q == p || *startxref <= 0 || *startxref >= size)
		return -1;
	*ends_eol = tail[n - 1] == '\n' || tail[n - 1] == '\r';
	if (pread_full(fd, head, sizeof head, (off_t)*startxref) != 0)
		return -1;
	*xref_stream = memcmp(head, "xref", 4) != 0;
	return 0;
}

/* ---- reading the original with qpdf ----------------------------------------- */

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

static qpdf_data
open_pdf(const char *path, sohoa_error *err)
{
	qpdf_data q = qpdf_init();

	if (!q) {
		sohoa_error_oom(err);
		return NULL;
	}
	qpdf_set_suppress_warnings(q, 1);
	if (qpdf_read(q, path, NULL) & QPDF_ERRORS) {
		qpdf_fail(q, err, SOHOA_BAD_INPUT, path);
		qpdf_cleanup(&q);
		return NULL;
	}
	if (qpdf_is_encrypted(q)) {
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "%s: the PDF is encrypted", path);
		qpdf_cleanup(&q);
		return NULL;
	}
	return q;
}

/* A rectangle of page (inherited through /Parent), normalised. */
static int
page_box(qpdf_data q, qpdf_oh page, const char *key, double box[4])
{
	qpdf_oh node = page;

	for (int depth = 0; depth < 32 && qpdf_oh_is_dictionary(q, node); depth++) {
		qpdf_oh v = qpdf_oh_get_key(q, node, key);
		if (qpdf_oh_is_array(q, v) && qpdf_oh_get_array_n_items(q, v) == 4) {
			double x[4];
			for (int i = 0; i < 4; i++) {
				qpdf_oh it = qpdf_oh_get_array_item(q, v, i);
				if (!qpdf_oh_is_number(q, it))
					return 0;
				x[i] = qpdf_oh_get_numeric_value(q, it);
			}
			box[0] = x[0] < x[2] ? x[0] : x[2];
			box[2] = x[0] < x[2] ? x[2] : x[0];
			box[1] = x[1] < x[3] ? x[1] : x[3];
			box[3] = x[1] < x[3] ? x[3] : x[1];
			return 1;
		}
		node = qpdf_oh_get_key(q, node, "/Parent");
	}
	return 0;
}

/* The entries of dict except those in skip, as "/Key value" lines. */
static void
dict_entries(qpdf_data q, qpdf_oh dict, const char *const *skip, struct sbuf *b)
{
	char **keys = NULL;
	size_t n = 0;

	/* The iterator and the unparse buffer are one per qpdf_data: collect
	 * the keys first. */
	qpdf_oh_begin_dict_key_iter(q, dict);
	while (qpdf_oh_dict_more_keys(q)) {
		const char *k = qpdf_oh_dict_next_key(q);
		char **p = realloc(keys, (n + 1) * sizeof *keys);
		if (p)
			keys = p;
		if (!p || !(keys[n] = strdup(k))) {
			b->oom = 1;
			break;
		}
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		int skipped = 0;
		for (const char *const *s = skip; s && *s; s++)
			if (strcmp(*s, keys[i]) == 0)
				skipped = 1;
		if (!skipped)
			sb_printf(b, "%s %s\n", keys[i],
			    qpdf_oh_unparse(q, qpdf_oh_get_key(q, dict, keys[i])));
		free(keys[i]);
	}
	free(keys);
}

/* The items of an array (or nothing), each followed by a space. */
static void
array_items(qpdf_data q, qpdf_oh arr, struct sbuf *b)
{
	if (!qpdf_oh_is_array(q, arr))
		return;
	for (int i = 0, n = qpdf_oh_get_array_n_items(q, arr); i < n; i++)
		sb_printf(b, "%s ", qpdf_oh_unparse(q, qpdf_oh_get_array_item(q, arr, i)));
}

/* Calls fn on every terminal field (following /Kids) with /FT /Sig. */
static int
count_sig_fields(qpdf_data q, qpdf_oh field, int depth, int with_value)
{
	qpdf_oh kids = qpdf_oh_get_key(q, field, "/Kids");
	int n = 0;

	if (depth > 16 || !qpdf_oh_is_dictionary(q, field))
		return 0;
	if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, field, "/FT"), "/Sig")
	    && (!with_value || qpdf_oh_is_dictionary(q, qpdf_oh_get_key(q, field, "/V"))))
		n++;
	if (qpdf_oh_is_array(q, kids))
		for (int i = 0, k = qpdf_oh_get_array_n_items(q, kids); i < k; i++)
			n += count_sig_fields(q, qpdf_oh_get_array_item(q, kids, i), depth + 1,
			    with_value);
	return n;
}

static int
count_sigs(qpdf_data q, int with_value)
{
	qpdf_oh fields = qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_get_root(q), "/AcroForm"),
	    "/Fields");
	int n = 0;

	if (qpdf_oh_is_array(q, fields))
		for (int i = 0, k = qpdf_oh_get_array_n_items(q, fields); i < k; i++)
			n += count_sig_fields(q, qpdf_oh_get_array_item(q, fields, i), 0, with_value);
	return n;
}

int
sohoa_pdf_is_signed(const char *pdf_path)
{
	qpdf_data q = open_pdf(pdf_path, NULL);
	int n;

	if (!q)
		return -1;
	n = count_sigs(q, 1);
	qpdf_cleanup(&q);
	return n > 0;
}

/* ---- writing the update -------------------------------------------------------- */

struct xref_entry {
	int num, gen;
	long long offset;
};

struct update {
	struct sbuf b;            /* the appended bytes */
	long long base;          /* file offset of b.p[0] */
	struct xref_entry ent[256];
	int nent;
	size_t byterange_at;     /* offsets in b of the placeholders */
	size_t contents_at;      /* the '<' */
	size_t contents_hex;     /* hex digits between '<' and '>' */
};

static void
obj_begin(struct update *u, int num, int gen)
{
	if (u->nent < (int)(sizeof u->ent / sizeof u->ent[0]))
		u->ent[u->nent++] = (struct xref_entry){ num, gen, u->base + (long long)u->b.len };
	else
		u->b.oom = 1;
	sb_printf(&u->b, "%d %d obj\n", num, gen);
}

static int
ent_cmp(const void *a, const void *b)
{
	const struct xref_entry *x = a, *y = b;

	return x->num < y->num ? -1 : x->num > y->num;
}

/* A code point as UTF-16BE hex for the ToUnicode CMap. */
static void
b_utf16_hex(struct sbuf *b, unsigned cp)
{
	unsigned char u[4];

	if (cp >= 0x10000) {
		unsigned v = cp - 0x10000, hi = 0xD800 | v >> 10, lo = 0xDC00 | (v & 0x3FF);
		u[0] = (unsigned char)(hi >> 8); u[1] = (unsigned char)hi;
		u[2] = (unsigned char)(lo >> 8); u[3] = (unsigned char)lo;
		b_hex(b, u, 4);
	} else {
		u[0] = (unsigned char)(cp >> 8); u[1] = (unsigned char)cp;
		b_hex(b, u, 2);
	}
}

static void
write_stream(struct update *u, const char *dict_extra, const void *data, size_t len)
{
	sb_printf(&u->b, "<< %s/Length %zu >>\nstream\n", dict_extra, len);
	sb_add(&u->b, data, len);
	sb_printf(&u->b, "\nendstream\nendobj\n");
}

/* The font objects: Type0 (num), CIDFontType2 (num+1), FontDescriptor
 * (num+2), FontFile2 (num+3), ToUnicode (num+4). */
static void
write_font(struct update *u, const struct sign_font *f, int num)
{
	struct sbuf t = { 0 };
	char extra[64];

	obj_begin(u, num, 0);
	sb_printf(&u->b, "<< /Type /Font /Subtype /Type0 /BaseFont /%s /Encoding /Identity-H"
	    " /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>\nendobj\n", f->base_name, num + 1,
	    num + 4);
	obj_begin(u, num + 1, 0);
	sb_printf(&u->b, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s\n"
	    "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>\n"
	    "/FontDescriptor %d 0 R /CIDToGIDMap /Identity /DW 1000\n/W [", f->base_name, num + 2);
	for (size_t i = 0; i < f->nused; i++)
		sb_printf(&u->b, "%s%u [%d]", i % 8 ? " " : "\n", f->used_gid[i], f->used_width[i]);
	sb_printf(&u->b, "] >>\nendobj\n");
	obj_begin(u, num + 2, 0);
	/* Flags: Serif (2) | Nonsymbolic (32). */
	sb_printf(&u->b, "<< /Type /FontDescriptor /FontName /%s /Flags 34 /FontBBox [%d %d %d %d]"
	    " /ItalicAngle 0 /Ascent %d /Descent %d /CapHeight %d /StemV 80 /FontFile2 %d 0 R >>\n"
	    "endobj\n", f->base_name, f->bbox[0], f->bbox[1], f->bbox[2], f->bbox[3], f->ascent,
	    f->descent, f->cap_height, num + 3);
	obj_begin(u, num + 3, 0);
	snprintf(extra, sizeof extra, "/Length1 %zu ", f->program_len);
	write_stream(u, extra, f->program, f->program_len);

	sb_printf(&t, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
	    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
	    "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
	    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	for (size_t i = 0; i < f->nused; i += 100) {
		size_t n = f->nused - i < 100 ? f->nused - i : 100;
		sb_printf(&t, "%zu beginbfchar\n", n);
		for (size_t j = i; j < i + n; j++) {
			sb_printf(&t, "<%04X> <", f->used_gid[j]);
			b_utf16_hex(&t, f->used_cp[j]);
			sb_printf(&t, ">\n");
		}
		sb_printf(&t, "endbfchar\n");
	}
	sb_printf(&t, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	obj_begin(u, num + 4, 0);
	if (t.oom)
		u->b.oom = 1;
	else
		write_stream(u, "", t.p, t.len);
	free(t.p);
}

/* The time of signing in Vietnam (UTC+7, no daylight saving). */
static void
vietnam_time(time_t when, char *iso, size_t isz, char *pdf, size_t psz)
{
	time_t t = when + VIETNAM_OFFSET;
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(iso, isz, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	snprintf(pdf, psz, "D:%04d%02d%02d%02d%02d%02d+07'00'", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* What the update needs from the original. */
struct original {
	long long size, startxref;
	int xref_stream, ends_eol;
	int root_num, root_gen, page_num, page_gen, acro_num, acro_gen; /* acro_num 0: direct/none */
	int size_key;            /* trailer /Size */
	double box[4];
	char info[48];           /* "n g R" or "" */
	struct sbuf id;           /* "[<..> <..>]" or "" */
	struct sbuf page_dict;    /* page 1 without /Annots */
	struct sbuf annots;       /* its existing annotations, "a b " */
	struct sbuf root_dict;    /* the catalog without /AcroForm */
	struct sbuf acro_dict;    /* the AcroForm without /Fields and /SigFlags */
	struct sbuf fields;       /* existing fields */
	int nsig;                /* signature fields already there */
	struct sbuf root_full;    /* the catalog without /DSS */
	struct sbuf dss[3];       /* an existing DSS's /Certs, /OCSPs, /CRLs items */
};

static void
original_release(struct original *o)
{
	free(o->id.p);
	free(o->page_dict.p);
	free(o->annots.p);
	free(o->root_dict.p);
	free(o->acro_dict.p);
	free(o->fields.p);
	free(o->root_full.p);
	for (int i = 0; i < 3; i++)
		free(o->dss[i].p);
}

static sohoa_status
read_original(const char *path, int fd, struct original *o, sohoa_error *err)
{
	qpdf_data q;
	qpdf_oh trailer, root, page, acro, id, info;
	struct stat sb;
	static const char *const skip_page[] = { "/Annots", NULL };
	static const char *const skip_root[] = { "/AcroForm", NULL };
	static const char *const skip_acro[] = { "/Fields", "/SigFlags", NULL };

	if (fstat(fd, &sb) != 0)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s: %s", path,
		    strerror(errno));
	o->size = (long long)sb.st_size;
	if (read_tail(fd, o->size, &o->startxref, &o->xref_stream, &o->ends_eol) != 0)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "%s: no startxref at the end: not a complete PDF", path);
	if (!(q = open_pdf(path, err)))
		return err ? err->status : SOHOA_BAD_INPUT;
	trailer = qpdf_get_trailer(q);
	root = qpdf_get_root(q);
	if (qpdf_get_num_pages(q) < 1) {
		qpdf_cleanup(&q);
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "%s: the PDF has no page", path);
	}
	page = qpdf_get_page_n(q, 0);
	o->root_num = qpdf_oh_get_object_id(q, root);
	o->root_gen = qpdf_oh_get_generation(q, root);
	o->page_num = qpdf_oh_get_object_id(q, page);
	o->page_gen = qpdf_oh_get_generation(q, page);
	o->size_key = qpdf_oh_get_int_value_as_int(q, qpdf_oh_get_key(q, trailer, "/Size"));
	if (o->root_num <= 0 || o->page_num <= 0 || o->size_key <= 0
	    || !page_box(q, page, "/MediaBox", o->box)) {
		qpdf_cleanup(&q);
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "%s: no catalog, page 1, MediaBox or trailer /Size", path);
	}
	{
		double crop[4];
		if (page_box(q, page, "/CropBox", crop))
			memcpy(o->box, crop, sizeof crop);
	}
	info = qpdf_oh_get_key(q, trailer, "/Info");
	if (qpdf_oh_is_indirect(q, info))
		snprintf(o->info, sizeof o->info, "%d %d R", qpdf_oh_get_object_id(q, info),
		    qpdf_oh_get_generation(q, info));
	id = qpdf_oh_get_key(q, trailer, "/ID");
	if (qpdf_oh_is_array(q, id) && qpdf_oh_get_array_n_items(q, id) == 2) {
		sb_add(&o->id, "[", 1);
		for (int i = 0; i < 2; i++) {
			size_t n = 0;
			const char *s = qpdf_oh_get_binary_string_value(q,
			    qpdf_oh_get_array_item(q, id, i), &n);
			sb_add(&o->id, "<", 1);
			b_hex(&o->id, (const unsigned char *)s, n);
			sb_add(&o->id, i ? ">" : "> ", i ? 1 : 2);
		}
		sb_add(&o->id, "]", 1);
	}
	dict_entries(q, page, skip_page, &o->page_dict);
	array_items(q, qpdf_oh_get_key(q, page, "/Annots"), &o->annots);
	dict_entries(q, root, skip_root, &o->root_dict);
	acro = qpdf_oh_get_key(q, root, "/AcroForm");
	if (qpdf_oh_is_dictionary(q, acro)) {
		if (qpdf_oh_is_indirect(q, acro)) {
			o->acro_num = qpdf_oh_get_object_id(q, acro);
			o->acro_gen = qpdf_oh_get_generation(q, acro);
		}
		dict_entries(q, acro, skip_acro, &o->acro_dict);
		array_items(q, qpdf_oh_get_key(q, acro, "/Fields"), &o->fields);
	}
	o->nsig = count_sigs(q, 0);
	{
		static const char *const skip_dss[] = { "/DSS", NULL };
		static const char *const dss_keys[] = { "/Certs", "/OCSPs", "/CRLs" };
		qpdf_oh dss = qpdf_oh_get_key(q, root, "/DSS");
		dict_entries(q, root, skip_dss, &o->root_full);
		for (int i = 0; i < 3 && qpdf_oh_is_dictionary(q, dss); i++)
			array_items(q, qpdf_oh_get_key(q, dss, dss_keys[i]), &o->dss[i]);
	}
	qpdf_cleanup(&q);
	if (o->id.oom || o->page_dict.oom || o->annots.oom || o->root_dict.oom
	    || o->acro_dict.oom || o->fields.oom || o->root_full.oom || o->dss[0].oom
	    || o->dss[1].oom || o->dss[2].oom)
		return sohoa_error_oom(err);
	return SOHOA_OK;
}

/* The cross-reference section of the update, in the original's style (a
 * table or a stream), and the trailer; next = the first unused number. */
static void
write_xref(struct update *u, const struct original *o, int next)
{
	if (o->xref_stream) {
		int xnum = next++, wbytes = 4;
		long long xoff = u->base + (long long)u->b.len;
		struct sbuf d = { 0 }, idx = { 0 };
		if (u->nent >= (int)(sizeof u->ent / sizeof u->ent[0])) {
			u->b.oom = 1;
			return;
		}
		u->ent[u->nent++] = (struct xref_entry){ xnum, 0, xoff };
		qsort(u->ent, (size_t)u->nent, sizeof u->ent[0], ent_cmp);
		if (xoff >= 0xFFFFFFFFLL)
			wbytes = 8;
		for (int i = 0; i < u->nent; i++) {
			unsigned char e[11];
			int k = 0;
			if (i == 0 || u->ent[i].num != u->ent[i - 1].num + 1) {
				int run = 1;
				while (i + run < u->nent && u->ent[i + run].num == u->ent[i].num + run)
					run++;
				sb_printf(&idx, "%d %d ", u->ent[i].num, run);
			}
			e[k++] = 1;
			for (int j = wbytes - 1; j >= 0; j--)
				e[k++] = (unsigned char)(u->ent[i].offset >> (8 * j));
			e[k++] = (unsigned char)(u->ent[i].gen >> 8);
			e[k++] = (unsigned char)u->ent[i].gen;
			sb_add(&d, e, (size_t)k);
		}
		sb_printf(&u->b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 %d 2] /Index [%s]"
		    " /Root %d %d R%s%s%s%s /Prev %lld /Length %zu >>\nstream\n", xnum, next, wbytes,
		    idx.p ? idx.p : "", o->root_num, o->root_gen, o->info[0] ? " /Info " : "",
		    o->info, o->id.p ? " /ID " : "", o->id.p ? o->id.p : "", o->startxref, d.len);
		if (d.oom || idx.oom)
			u->b.oom = 1;
		else
			sb_add(&u->b, d.p, d.len);
		sb_printf(&u->b, "\nendstream\nendobj\nstartxref\n%lld\n%%%%EOF\n", xoff);
		free(d.p);
		free(idx.p);
	} else {
		long long xoff = u->base + (long long)u->b.len;
		int size = next > o->size_key ? next : o->size_key;
		qsort(u->ent, (size_t)u->nent, sizeof u->ent[0], ent_cmp);
		for (int i = 0; i < u->nent; i++)
			if (u->ent[i].num + 1 > size)
				size = u->ent[i].num + 1;
		sb_printf(&u->b, "xref\n");
		for (int i = 0; i < u->nent; i++) {
			if (i == 0 || u->ent[i].num != u->ent[i - 1].num + 1) {
				int run = 1;
				while (i + run < u->nent && u->ent[i + run].num == u->ent[i].num + run)
					run++;
				sb_printf(&u->b, "%d %d\n", u->ent[i].num, run);
			}
			sb_printf(&u->b, "%010lld %05d n \n", u->ent[i].offset, u->ent[i].gen);
		}
		sb_printf(&u->b, "trailer\n<< /Size %d /Root %d %d R%s%s%s%s /Prev %lld >>\n"
		    "startxref\n%lld\n%%%%EOF\n", size, o->root_num, o->root_gen,
		    o->info[0] ? " /Info " : "", o->info, o->id.p ? " /ID " : "",
		    o->id.p ? o->id.p : "", o->startxref, xoff);
	}
}

/* The signature dictionary's placeholders: /ByteRange and a zero-filled /Contents. */
static void
sig_placeholders(struct update *u, size_t contents_bytes)
{
	sb_printf(&u->b, "/ByteRange [");
	u->byterange_at = u->b.len;
	for (int i = 0; i < BYTERANGE_WIDTH; i++)
		sb_add(&u->b, " ", 1);
	sb_printf(&u->b, "]\n/Contents ");
	u->contents_at = u->b.len;
	u->contents_hex = 2 * contents_bytes;
	sb_add(&u->b, "<", 1);
	for (size_t i = 0; i < u->contents_hex; i++)
		sb_add(&u->b, "0", 1);
	sb_printf(&u->b, "> >>\nendobj\n");
}

/* The AcroForm with the new field (and the catalog, when the AcroForm was
 * not an object of its own), and page 1 with the widget among its
 * annotations. */
static void
add_field(struct update *u, const struct original *o, int field, int acro)
{
	/* The AcroForm with the new field. */
	obj_begin(u, acro, o->acro_num ? o->acro_gen : 0);
	sb_printf(&u->b, "<<\n%s/Fields [%s%d 0 R] /SigFlags 3\n>>\nendobj\n",
	    o->acro_dict.p ? o->acro_dict.p : "", o->fields.p ? o->fields.p : "", field);
	/* The catalog, when the AcroForm was not an object of its own. */
	if (!o->acro_num) {
		obj_begin(u, o->root_num, o->root_gen);
		sb_printf(&u->b, "<<\n%s/AcroForm %d 0 R\n>>\nendobj\n",
		    o->root_dict.p ? o->root_dict.p : "", acro);
	}
	/* Page 1 with the widget among its annotations. */
	obj_begin(u, o->page_num, o->page_gen);
	sb_printf(&u->b, "<<\n%s/Annots [%s%d 0 R]\n>>\nendobj\n",
	    o->page_dict.p ? o->page_dict.p : "", o->annots.p ? o->annots.p : "", field);

}

/* Lays out the appended section; placeholders are filled in later. */
static void
build_update(struct update *u, const struct original *o, const struct sign_font *f,
    const char *mtime, size_t contents_bytes)
{
	const int sig = o->size_key, field = sig + 1, ap = sig + 2, font = sig + 3,
	    acro_new = sig + 8;
	int acro = o->acro_num ? o->acro_num : acro_new;
	int next = o->acro_num ? sig + 8 : sig + 9;   /* the first unused number */
	double w = 0, h, x1, y1;
	struct sbuf c = { 0 };

	if (!o->ends_eol)
		sb_add(&u->b, "\n", 1);

	/* The signature dictionary with its placeholders. */
	obj_begin(u, sig, 0);
	sb_printf(&u->b, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached"
	    " /M (%s)\n", mtime);
	sig_placeholders(u, contents_bytes);

	/* The appearance: two lines, left-aligned in a box at the top right. */
	for (int i = 0; i < f->nlines; i++)
		if (f->lines[i].width > w)
			w = f->lines[i].width;
	w = w * FONT_SIZE / 1000.0 + 2 * PAD;
	h = f->nlines * LEADING + 2 * PAD;
	x1 = o->box[2] - MARGIN;
	y1 = o->box[3] - MARGIN;
	if (x1 - w < o->box[0])
		x1 = o->box[0] + w;
	sb_printf(&c, "q\nBT\n/F1 %.0f Tf\n0 g\n%.2f %.2f Td\n", FONT_SIZE, PAD,
	    h - PAD - (double)f->ascent * FONT_SIZE / 1000.0);
	for (int i = 0; i < f->nlines; i++) {
		if (i)
			sb_printf(&c, "0 %.2f Td\n", -LEADING);
		sb_add(&c, "<", 1);
		for (size_t g = 0; g < f->lines[i].n; g++)
			sb_printf(&c, "%04X", f->lines[i].gids[g]);
		sb_add(&c, "> Tj\n", 5);
	}
	sb_printf(&c, "ET\nQ\n");

	obj_begin(u, field, 0);
	sb_printf(&u->b, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature%d) /V %d 0 R"
	    " /F 132\n/Rect [%.2f %.2f %.2f %.2f] /P %d %d R /AP << /N %d 0 R >> >>\nendobj\n",
	    o->nsig + 1, sig, x1 - w, y1 - h, x1, y1, o->page_num, o->page_gen, ap);
	obj_begin(u, ap, 0);
	{
		char extra[128];
		snprintf(extra, sizeof extra, "/Type /XObject /Subtype /Form /BBox [0 0 %.2f %.2f]"
		    " /Resources << /Font << /F1 %d 0 R >> >> ", w, h, font);
		if (c.oom)
			u->b.oom = 1;
		else
			write_stream(u, extra, c.p, c.len);
	}
	free(c.p);
	write_font(u, f, font);

	add_field(u, o, field, acro);
	write_xref(u, o, next);
}

/*
 * PAdES B-LT (ETSI EN 319 142-1 5.4.2): the Document Security Store, one
 * stream per certificate, OCSP response and CRL (DER), the /DSS dictionary
 * (with the items of an earlier DSS), and the catalog pointing to it.
 */
static int
blob_in(const struct sign_blob *v, int n, const struct sign_blob *b)
{
	for (int i = 0; i < n; i++)
		if (v[i].n == b->n && memcmp(v[i].p, b->p, b->n) == 0)
			return 1;
	return 0;
}

static int
cert_in(STACK_OF(X509) *sk, X509 *x)
{
	for (int i = 0; i < sk_X509_num(sk); i++)
		if (X509_cmp(sk_X509_value(sk, i), x) == 0)
			return 1;
	return 0;
}

/* old: what an earlier DSS already holds (kept, not written again). */
static void
build_dss_update(struct update *u, const struct original *o, const struct sign_lt *lt,
    const struct sign_lt *old)
{
	struct sbuf refs[3] = { { 0 }, { 0 }, { 0 } };
	static const char *const keys[3] = { "/Certs", "/OCSPs", "/CRLs" };
	int num = o->size_key, dss;

	if (!o->ends_eol)
		sb_add(&u->b, "\n", 1);
	for (int k = 0; k < 3; k++)
		if (o->dss[k].p)
			sb_add(&refs[k], o->dss[k].p, o->dss[k].len);
	for (int i = 0; i < sk_X509_num(lt->certs); i++) {
		unsigned char *der = NULL;
		int n;
		if (cert_in(old->certs, sk_X509_value(lt->certs, i)))
			continue;
		n = i2d_X509(sk_X509_value(lt->certs, i), &der);
		if (n <= 0) {
			u->b.oom = 1;
			continue;
		}
		obj_begin(u, num, 0);
		write_stream(u, "", der, (size_t)n);
		sb_printf(&refs[0], "%d 0 R ", num++);
		OPENSSL_free(der);
	}
	for (int i = 0; i < lt->nocsp; i++) {
		if (blob_in(old->ocsp, old->nocsp, &lt->ocsp[i]))
			continue;
		obj_begin(u, num, 0);
		write_stream(u, "", lt->ocsp[i].p, lt->ocsp[i].n);
		sb_printf(&refs[1], "%d 0 R ", num++);
	}
	for (int i = 0; i < lt->ncrl; i++) {
		if (blob_in(old->crl, old->ncrl, &lt->crl[i]))
			continue;
		obj_begin(u, num, 0);
		write_stream(u, "", lt->crl[i].p, lt->crl[i].n);
		sb_printf(&refs[2], "%d 0 R ", num++);
	}
	dss = num++;
	obj_begin(u, dss, 0);
	sb_printf(&u->b, "<< /Type /DSS");
	for (int k = 0; k < 3; k++) {
		if (refs[k].oom)
			u->b.oom = 1;
		if (refs[k].len)
			sb_printf(&u->b, " %s [%s]", keys[k], refs[k].p);
		free(refs[k].p);
	}
	sb_printf(&u->b, " >>\nendobj\n");
	obj_begin(u, o->root_num, o->root_gen);
	sb_printf(&u->b, "<<\n%s/DSS %d 0 R\n>>\nendobj\n", o->root_full.p ? o->root_full.p : "",
	    dss);
	write_xref(u, o, num);
}

/*
 * A document timestamp (ISO 32000-2 12.8.5, PAdES: /Type /DocTimeStamp,
 * /SubFilter /ETSI.RFC3161): an RFC 3161 token over the byte ranges, in an
 * invisible signature field (zero /Rect, so no appearance: PDF/A-2 6.3.3).
 */
static void
build_docts_update(struct update *u, const struct original *o, size_t contents_bytes)
{
	const int sig = o->size_key, field = sig + 1;
	int acro = o->acro_num ? o->acro_num : sig + 2;
	int next = o->acro_num ? sig + 2 : sig + 3;

	if (!o->ends_eol)
		sb_add(&u->b, "\n", 1);
	obj_begin(u, sig, 0);
	/* /M: when the token was asked for (the token's genTime is the
	 * authority; pdfsig 22.12 shows only /M for a document timestamp). */
	{
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		sb_printf(&u->b, "<< /Type /DocTimeStamp /Filter /Adobe.PPKLite"
		    " /SubFilter /ETSI.RFC3161\n/M (D:%04d%02d%02d%02d%02d%02dZ)\n", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	}
	sig_placeholders(u, contents_bytes);
	obj_begin(u, field, 0);
	sb_printf(&u->b, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (DocTimeStamp%d) /V %d 0 R"
	    " /F 132\n/Rect [0 0 0 0] /P %d %d R >>\nendobj\n", o->nsig + 1, sig, o->page_num,
	    o->page_gen);
	add_field(u, o, field, acro);
	write_xref(u, o, next);
}

/* Copies in to out from the start, in pieces. */
static int
copy_all(int in, int out)
{
	static const size_t chunk = 1 << 20;
	char *buf = malloc(chunk);
	off_t off = 0;
	ssize_t n;

	if (!buf)
		return -1;
	while ((n = pread(in, buf, chunk, off)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return -1;
		}
		if (sohoa_fs_pwrite_all(out, buf, (size_t)n, off) != 0) {
			free(buf);
			return -1;
		}
		off += n;
	}
	free(buf);
	return 0;
}

/* A signature found in a PDF: its byte ranges and /Contents. */
struct sig_found {
	long long br[4];
	unsigned char *der;
	size_t len;
	int docts;               /* a document timestamp (ETSI.RFC3161) */
};
static int read_sigs(qpdf_data q, struct sig_found **sigs, int *nsigs, struct sign_lt *lt);

/* What fills a /Contents placeholder: a CMS signature or a timestamp token
 * over the SHA-256 md of the byte ranges.  *der is OPENSSL_malloc'd. */
typedef sohoa_status (*contents_fn)(sohoa_signer *s, const unsigned char md[32],
    unsigned char **der, size_t *len, sohoa_error *err);

static sohoa_status
cms_contents(sohoa_signer *s, const unsigned char md[32], unsigned char **der, size_t *len,
    sohoa_error *err)
{
	/* PAdES B-T when a TSA is configured: a signature timestamp (RFC 3161
	 * token over the signature value) in the CMS unsigned attributes. */
	return sign_cms_digest(s, md, 0, 1, der, len, err);
}

static sohoa_status
docts_contents(sohoa_signer *s, const unsigned char md[32], unsigned char **der, size_t *len,
    sohoa_error *err)
{
	return sign_tsa_token(s->tsa_url, s->tsa_ca_file, md, der, len, err);
}

/*
 * Writes in_fd's bytes (o->size of them) and the update u into a new
 * temporary file beside pdf_out (fsutil.h's durable-write API: t, which
 * the caller commits over pdf_out or aborts; its name is t->tmp); with fn,
 * fills the /ByteRange and the /Contents placeholder (at most bound
 * bytes).  On success the file is complete, not yet synced nor renamed;
 * *der (when asked) gets the contents.  On failure t is aborted: nothing
 * is left behind.
 */
static sohoa_status
write_update(int in, const struct original *o, const struct update *u, const char *pdf_out,
    contents_fn fn, sohoa_signer *s, size_t bound, sohoa_fs_tmp *t,
    unsigned char **der_out, size_t *derlen_out, sohoa_error *err)
{
	unsigned char md[32], *der = NULL;
	size_t derlen = 0;
	long long br[4];
	int out;
	struct stat sb;
	sohoa_status rc = SOHOA_OK;
	const char *tmp;

	if ((rc = sohoa_fs_tmp_open(t, pdf_out, 0600, 0, err)) != SOHOA_OK)
		return rc;
	out = t->fd;
	tmp = t->tmp;
	if (fstat(in, &sb) == 0)
		(void)fchmod(out, sb.st_mode & 0777);
	if (copy_all(in, out) != 0
	    || sohoa_fs_pwrite_all(out, u->b.p, u->b.len, (off_t)o->size) != 0) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "write %s: %s", tmp,
		    strerror(errno));
		goto out;
	}
	if (fn) {
		/* The byte ranges: everything but the <hex string> of /Contents. */
		char text[BYTERANGE_WIDTH + 1];
		int n;
		br[0] = 0;
		br[1] = u->base + (long long)u->contents_at;
		br[2] = br[1] + (long long)u->contents_hex + 2;
		br[3] = u->base + (long long)u->b.len - br[2];
		n = snprintf(text, sizeof text, "%lld %lld %lld %lld", br[0], br[1], br[2], br[3]);
		if (n <= 0 || n > BYTERANGE_WIDTH || sohoa_fs_pwrite_all(out, text, (size_t)n,
		    (off_t)(u->base + (long long)u->byterange_at)) != 0) {
			rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "write %s: %s",
			    tmp, strerror(errno));
			goto out;
		}
		/* The temp's own fd is write-only: read it back by its name. */
		int rd = open(tmp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), bad;
		bad = rd < 0 || hash_ranges(rd, br, md) != 0;
		if (bad) {
			rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "read %s: %s", tmp,
			    strerror(errno));
			if (rd >= 0)
				close(rd);
			goto out;
		}
		close(rd);
		if ((rc = fn(s, md, &der, &derlen, err)) != SOHOA_OK)
			goto out;
		if (derlen > bound) {
			rc = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "the signature (%zu bytes) is larger than the room kept for it (%zu)",
			    derlen, bound);
			goto out;
		}
		{
			struct sbuf hex = { 0 };
			b_hex(&hex, der, derlen);
			if (hex.oom || sohoa_fs_pwrite_all(out, hex.p, hex.len, (off_t)(br[1] + 1))
			    != 0) {
				free(hex.p);
				rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
				    "write %s: %s", tmp, strerror(errno));
				goto out;
			}
			free(hex.p);
		}
	}
out:
	if (rc != SOHOA_OK) {
		sohoa_fs_tmp_abort(t);
		OPENSSL_free(der);
	} else if (der_out) {
		*der_out = der;
		*derlen_out = derlen;
	} else {
		OPENSSL_free(der);
	}
	return rc;
}

/* One incremental update of path into the temp t (not committed): the DSS
 * (lt) or, without lt, a document timestamp. */
static sohoa_status
append_lt_update(sohoa_signer *s, const char *path, const char *pdf_out,
    const struct sign_lt *lt, sohoa_fs_tmp *t, sohoa_error *err)
{
	struct original o = { 0 };
	struct update u;
	int in = open(path, O_RDONLY | O_CLOEXEC);
	const size_t bound = 16384;   /* a token: the TSA's certificates, its signature */
	sohoa_status rc;

	memset(&u, 0, sizeof u);
	t->fd = -1;
	if (in < 0)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s: %s", path,
		    strerror(errno));
	if ((rc = read_original(path, in, &o, err)) != SOHOA_OK)
		goto out;
	u.base = o.size;
	if (lt) {
		/* An earlier signature's DSS: its items stay, none twice. */
		struct sign_lt old;
		struct sig_found *sigs = NULL;
		int nsigs = 0;
		qpdf_data q = open_pdf(path, err);
		memset(&old, 0, sizeof old);
		if (!q) {
			rc = err ? err->status : SOHOA_BAD_INPUT;
			goto out;
		}
		if (read_sigs(q, &sigs, &nsigs, &old) < 0)
			u.b.oom = 1;
		qpdf_cleanup(&q);
		for (int i = 0; i < nsigs; i++)
			free(sigs[i].der);
		free(sigs);
		build_dss_update(&u, &o, lt, &old);
		sign_lt_release(&old);
	}
	else
		build_docts_update(&u, &o, bound);
	if (u.b.oom) {
		rc = sohoa_error_oom(err);
		goto out;
	}
	rc = write_update(in, &o, &u, pdf_out, lt ? NULL : docts_contents, s, bound, t, NULL,
	    NULL, err);
out:
	close(in);
	free(u.b.p);
	original_release(&o);
	return rc;
}

/*
 * PAdES B-LT after the signature (cms = its CMS): the validation data in a
 * DSS, then a document timestamp over it all (the timestamp protects the
 * DSS, and pdfsig shows it).  Both or neither: a DSS that no signature
 * covers would leave bytes after the last signature.  What is missing is
 * said in s->note; the file stays B-T when this fails.
 */
static void
make_lt(sohoa_signer *s, const char *pdf_out, const unsigned char *cms, size_t cmslen)
{
	struct sign_lt lt;
	sohoa_error e;
	sohoa_fs_tmp t1 = { .fd = -1 }, t2 = { .fd = -1 };
	size_t used;

	sohoa_error_clear(&e);
	if (sign_lt_collect(s, cms, cmslen, s->ocsp_timeout, &lt, &e) != SOHOA_OK) {
		snprintf(s->note, sizeof s->note, "%s", e.msg);
		return;
	}
	snprintf(s->note, sizeof s->note, "%s", lt.note);
	/* t1 is only read (by its name) to make t2, and never installed. */
	if (append_lt_update(s, pdf_out, pdf_out, &lt, &t1, &e) != SOHOA_OK
	    || append_lt_update(s, t1.tmp, pdf_out, NULL, &t2, &e) != SOHOA_OK
	    || sohoa_fs_tmp_commit(&t2, &e) != SOHOA_OK) {
		used = strlen(s->note);
		snprintf(s->note + used, sizeof s->note - used, "%sPDF vẫn là B-T, không thêm được"
		    " dữ liệu kiểm tra lâu dài — the PDF stays B-T, no LT data added: %s",
		    used ? "; " : "", e.msg);
	} else {
		snprintf(s->level, sizeof s->level, "%s", lt.nocsp + lt.ncrl > 0 ? "B-LT" : "B-T");
		if (lt.nocsp + lt.ncrl == 0) {
			used = strlen(s->note);
			snprintf(s->note + used, sizeof s->note - used, "%skhông có dữ liệu thu hồi"
			    " (OCSP/CRL) — no revocation data (OCSP/CRL) in the DSS", used ? "; " : "");
		}
	}
	sohoa_fs_tmp_abort(&t1);
	sohoa_fs_tmp_abort(&t2);          /* after a commit: nothing */
	sign_lt_release(&lt);
}

sohoa_status
sohoa_sign_pdf(sohoa_signer *s, const char *pdf_in, const char *pdf_out,
    const char *agency_name, time_t when, sohoa_error *err)
{
	struct original o = { 0 };
	struct update u;
	struct sign_font f = { 0 };
	char iso[40], mtime[40];
	sohoa_fs_tmp t = { .fd = -1 };
	const char *lines[2];
	unsigned char *der = NULL;
	size_t derlen = 0, bound;
	int in = -1;
	sohoa_status rc;

	memset(&u, 0, sizeof u);
	s->note[0] = '\0';
	snprintf(s->level, sizeof s->level, "%s", s->tsa_url[0] ? "B-T" : "B");
	in = open(pdf_in, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return sohoa_error_set(err, errno == ENOENT ? SOHOA_BAD_INPUT : SOHOA_RETRY,
		    SOHOA_REASON_NONE, "%s: %s", pdf_in, strerror(errno));
	if ((rc = read_original(pdf_in, in, &o, err)) != SOHOA_OK)
		goto out;
	vietnam_time(when, iso, sizeof iso, mtime, sizeof mtime);
	lines[0] = agency_name && *agency_name ? agency_name : sohoa_signer_subject(s);
	lines[1] = iso;
	if ((rc = sign_font_build(SIGN_FONT_PATH, lines, 2, &f, err)) != SOHOA_OK)
		goto out;
	bound = sign_cms_size_bound(s);
	u.base = o.size;
	build_update(&u, &o, &f, mtime, bound);
	if (u.b.oom) {
		rc = sohoa_error_oom(err);
		goto out;
	}
	/* The new file: a temporary beside pdf_out, renamed over it at the end. */
	if ((rc = write_update(in, &o, &u, pdf_out, cms_contents, s, bound, &t, &der,
	    &derlen, err)) != SOHOA_OK)
		goto out;
	close(in);
	in = -1;
	/* fsync, rename over pdf_out, fsync of its folder. */
	if ((rc = sohoa_fs_tmp_commit(&t, err)) != SOHOA_OK)
		goto out;
	if (s->lt && s->tsa_url[0])
		make_lt(s, pdf_out, der, derlen);
out:
	sohoa_fs_tmp_abort(&t);           /* after a commit: nothing */
	if (in >= 0)
		close(in);
	OPENSSL_free(der);
	free(u.b.p);
	sign_font_release(&f);
	original_release(&o);
	return rc;
}

const char *
sohoa_signer_note(const sohoa_signer *s)
{
	return s ? s->note : "";
}

void
sohoa_signer_reset_note(sohoa_signer *s)
{
	if (s) {
		s->note[0] = '\0';
		s->level[0] = '\0';
	}
}

const char *
sohoa_signer_level(const sohoa_signer *s)
{
	return s && s->level[0] ? s->level : "B";
}

/* ---- verification --------------------------------------------------------------- */


static int
collect_sigs(qpdf_data q, qpdf_oh field, int depth, struct sig_found **out, int *n)
{
	qpdf_oh kids = qpdf_oh_get_key(q, field, "/Kids"), v;

	if (depth > 16 || !qpdf_oh_is_dictionary(q, field))
		return 0;
	v = qpdf_oh_get_key(q, field, "/V");
	if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, field, "/FT"), "/Sig")
	    && qpdf_oh_is_dictionary(q, v)) {
		qpdf_oh r = qpdf_oh_get_key(q, v, "/ByteRange"), c = qpdf_oh_get_key(q, v,
		    "/Contents");
		struct sig_found *p = realloc(*out, (size_t)(*n + 1) * sizeof **out), *sf;
		size_t len = 0;
		const char *data;
		if (!p)
			return -1;
		*out = p;
		sf = &p[*n];
		memset(sf, 0, sizeof *sf);
		(*n)++;
		sf->docts = qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, v, "/SubFilter"),
		    "/ETSI.RFC3161");
		if (qpdf_oh_is_array(q, r) && qpdf_oh_get_array_n_items(q, r) == 4)
			for (int i = 0; i < 4; i++)
				sf->br[i] = qpdf_oh_get_int_value(q, qpdf_oh_get_array_item(q, r, i));
		if (qpdf_oh_is_string(q, c) && (data = qpdf_oh_get_binary_string_value(q, c, &len))
		    && len > 0 && (sf->der = malloc(len)) != NULL) {
			memcpy(sf->der, data, len);
			sf->len = len;
		}
	}
	if (qpdf_oh_is_array(q, kids))
		for (int i = 0, k = qpdf_oh_get_array_n_items(q, kids); i < k; i++)
			if (collect_sigs(q, qpdf_oh_get_array_item(q, kids, i), depth + 1, out, n) < 0)
				return -1;
	return 0;
}

/* The streams of an array of the DSS, decoded; fn gets each one. */
static int
dss_streams(qpdf_data q, qpdf_oh arr, struct sign_lt *lt, int kind)
{
	int ok = 1;

	if (!qpdf_oh_is_array(q, arr))
		return 1;
	for (int i = 0, n = qpdf_oh_get_array_n_items(q, arr); ok && i < n; i++) {
		qpdf_oh st = qpdf_oh_get_array_item(q, arr, i);
		unsigned char *buf = NULL;
		size_t len = 0;
		QPDF_BOOL filtered = 0;
		if (!qpdf_oh_is_stream(q, st)
		    || qpdf_oh_get_stream_data(q, st, qpdf_dl_all, &filtered, &buf, &len)
		    != QPDF_SUCCESS || !buf) {
			free(buf);
			continue;
		}
		if (kind == 0) {
			const unsigned char *p = buf;
			X509 *x = d2i_X509(NULL, &p, (long)len);
			ok = !x || sign_lt_add_cert(lt, x);
			X509_free(x);
		} else {
			ok = sign_lt_add_blob(kind == 1 ? &lt->ocsp : &lt->crl,
			    kind == 1 ? &lt->nocsp : &lt->ncrl, buf, len);
		}
		free(buf);
	}
	return ok;
}

/* The signatures of the PDF and its DSS (validation data).  -1 on OOM. */
static int
read_sigs(qpdf_data q, struct sig_found **sigs, int *nsigs, struct sign_lt *lt)
{
	qpdf_oh root = qpdf_get_root(q);
	qpdf_oh fields = qpdf_oh_get_key(q, qpdf_oh_get_key(q, root, "/AcroForm"), "/Fields");
	qpdf_oh dss = qpdf_oh_get_key(q, root, "/DSS");

	if (qpdf_oh_is_array(q, fields))
		for (int i = 0, k = qpdf_oh_get_array_n_items(q, fields); i < k; i++)
			if (collect_sigs(q, qpdf_oh_get_array_item(q, fields, i), 0, sigs, nsigs) < 0)
				return -1;
	if (lt && qpdf_oh_is_dictionary(q, dss)
	    && (!dss_streams(q, qpdf_oh_get_key(q, dss, "/Certs"), lt, 0)
	    || !dss_streams(q, qpdf_oh_get_key(q, dss, "/OCSPs"), lt, 1)
	    || !dss_streams(q, qpdf_oh_get_key(q, dss, "/CRLs"), lt, 2)))
		return -1;
	ERR_clear_error();
	return 0;
}

static void
iso_utc(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (size)
		buf[0] = '\0';
	if (t && gmtime_r(&t, &tm))
		strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

sohoa_status
sohoa_verify_pdf_ex(const char *pdf_path, const char *ca_file, sohoa_pdf_check *chk,
    sohoa_error *err)
{
	qpdf_data q;
	struct sig_found *sigs = NULL;
	struct sign_lt lt;
	int nsigs = 0, fd = -1, ncades = 0;
	long long size, last_end = 0, last_cades_end = -1, last_docts_end = -1, dss_at;
	struct stat sb;
	sohoa_status rc = SOHOA_OK;

	memset(&lt, 0, sizeof lt);
	if (chk)
		memset(chk, 0, sizeof *chk);
	if (!(q = open_pdf(pdf_path, err)))
		return err ? err->status : SOHOA_BAD_INPUT;
	if (read_sigs(q, &sigs, &nsigs, &lt) < 0)
		rc = sohoa_error_oom(err);
	qpdf_cleanup(&q);
	if (rc != SOHOA_OK)
		goto out;
	if (chk) {
		chk->dss_certs = sk_X509_num(lt.certs) > 0 ? sk_X509_num(lt.certs) : 0;
		chk->dss_ocsps = lt.nocsp;
		chk->dss_crls = lt.ncrl;
	}
	for (int i = 0; i < nsigs; i++)
		ncades += !sigs[i].docts;
	if (ncades == 0) {
		rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "tệp PDF không có chữ ký số — %s carries no signature", pdf_path);
		goto out;
	}
	if ((fd = open(pdf_path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) != 0) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s: %s", pdf_path,
		    strerror(errno));
		goto out;
	}
	size = (long long)sb.st_size;
	for (int i = 0; i < nsigs && rc == SOHOA_OK; i++) {
		struct sig_found *sf = &sigs[i];
		unsigned char md[32];
		char lt_ = 0, gt = 0, iso[32] = "", signer[256] = "";
		struct sign_vinfo vi;
		long long end = sf->br[2] + sf->br[3];
		memset(&vi, 0, sizeof vi);
		if (sf->br[0] != 0 || sf->br[1] <= 0 || sf->br[2] <= sf->br[1] || sf->br[3] < 0
		    || end > size || !sf->der
		    || pread_full(fd, &lt_, 1, (off_t)sf->br[1]) != 0
		    || pread_full(fd, &gt, 1, (off_t)(sf->br[2] - 1)) != 0 || lt_ != '<' || gt != '>') {
			rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "signature %d: its /ByteRange does not frame its /Contents", i + 1);
			break;
		}
		if (hash_ranges(fd, sf->br, md) != 0) {
			rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s: read error",
			    pdf_path);
			break;
		}
		/* The validation data (DSS) is used for every signature: more
		 * certificates to build chains with, and revocation data. */
		if (sf->docts) {
			/* A TSA the anchors do not know: the token must still be
			 * whole and over these bytes, but it is not trusted. */
			rc = sign_doc_timestamp_verify(sf->der, sf->len, md, ca_file, &lt, iso,
			    sizeof iso, err);
			if (rc == SOHOA_BAD_INPUT && ca_file
			    && sign_doc_timestamp_verify(sf->der, sf->len, md, NULL, &lt, iso,
			    sizeof iso, NULL) == SOHOA_OK) {
				rc = SOHOA_OK;
				if (err)
					sohoa_error_clear(err);
			} else if (rc == SOHOA_OK && chk && ca_file) {
				chk->doc_timestamp_trusted = 1;
			}
		}
		else
			rc = sign_cms_verify_digest_lt(sf->der, sf->len, md, ca_file, &lt, &vi, signer,
			    sizeof signer, err);
		if (rc != SOHOA_OK && err)
			snprintf(err->msg + strlen(err->msg), sizeof err->msg - strlen(err->msg),
			    " (signature %d)", i + 1);
		if (rc == SOHOA_OK && chk && sf->docts) {
			chk->doc_timestamps++;
			if (end > last_docts_end) {
				last_docts_end = end;
				snprintf(chk->doc_timestamp, sizeof chk->doc_timestamp, "%s", iso);
			}
		} else if (rc == SOHOA_OK && chk) {
			chk->signatures++;
			if (end > last_cades_end) {
				last_cades_end = end;
				snprintf(chk->signer, sizeof chk->signer, "%s", signer);
				chk->judged_at_timestamp = vi.ts != 0;
				chk->revocation = vi.revocation;
				snprintf(chk->revocation_src, sizeof chk->revocation_src, "%s",
				    vi.rev_src ? vi.rev_src : "");
				iso_utc(vi.rev_time, chk->revoked_at, sizeof chk->revoked_at);
				sign_cms_timestamp(sf->der, sf->len, chk->timestamp,
				    sizeof chk->timestamp);
			}
		}
		if (end > last_end)
			last_end = end;
	}
	if (rc == SOHOA_OK && last_end != size)
		rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "tệp PDF đã bị sửa sau khi ký — %lld bytes were added after the last signature",
		    size - last_end);
	if (rc == SOHOA_OK && chk) {
		/* The level (ETSI EN 319 142-1): LT when the DSS holds revocation
		 * data (checked for the signer when there are trust anchors); LTA
		 * when a document timestamp covers it. */
		int lt_ok = chk->dss_certs > 0 && (ca_file ? chk->revocation != SIGN_REV_NONE
		    : chk->dss_ocsps + chk->dss_crls > 0);
		dss_at = last_cades_end;
		snprintf(chk->level, sizeof chk->level, "%s", !chk->timestamp[0] ? "B"
		    : !lt_ok ? "B-T" : last_docts_end > dss_at && (chk->doc_timestamp_trusted
		    || !ca_file) ? "B-LTA" : "B-LT");
	}
out:
	if (fd >= 0)
		close(fd);
	for (int i = 0; i < nsigs; i++)
		free(sigs[i].der);
	free(sigs);
	sign_lt_release(&lt);
	return rc;
}

sohoa_status
sohoa_verify_pdf(const char *pdf_path, const char *ca_file, sohoa_error *err)
{
	return sohoa_verify_pdf_ex(pdf_path, ca_file, NULL, err);
}

int
sohoa_pdf_timestamp(const char *pdf_path, char *iso, size_t size)
{
	qpdf_data q;
	struct sig_found *sigs = NULL;
	int nsigs = 0, last = -1, rc = 0;

	if (size)
		iso[0] = '\0';
	if (!(q = open_pdf(pdf_path, NULL)))
		return -1;
	if (read_sigs(q, &sigs, &nsigs, NULL) < 0)
		rc = -1;
	qpdf_cleanup(&q);
	/* The last signature (document timestamps aside). */
	for (int i = 0; i < nsigs; i++)
		if (!sigs[i].docts && (last < 0
		    || sigs[i].br[2] + sigs[i].br[3] > sigs[last].br[2] + sigs[last].br[3]))
			last = i;
	if (rc == 0 && last >= 0 && sigs[last].der)
		rc = sign_cms_timestamp(sigs[last].der, sigs[last].len, iso, size);
	for (int i = 0; i < nsigs; i++)
		free(sigs[i].der);
	free(sigs);
	return rc;
}
