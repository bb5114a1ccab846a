/*
 * package_xml.c - the XML documents of a TT 05/2025 package (EAD.xml,
 * EAD_doc.xml, PREMIS.xml, METS.xml), built with libxml2's tree API, and
 * their validation against the schemas in schemas/xml/.
 *
 * Every text value goes in as NFC, with each byte or character XML 1.0
 * cannot carry (and noncharacters, DEL, C1 controls) mapped to U+FFFD
 * (textsafe.h, T2): names and OCR text come from hostile hands, and a
 * document that is not well-formed would leave the record without a
 * package.  Everything else about a value (lengths, code lists, date
 * shape) is the schema's business: it is the one place those rules are
 * written down.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <limits.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>

#include "package_int.h"
#include "sohoa/fsutil.h"
#include "sohoa/hash.h"
#include "sohoa/textsafe.h"
#include "sohoa/vitext.h"

#if LIBXML_VERSION >= 21200
#define PKG_XMLERR const xmlError
#else
#define PKG_XMLERR xmlError
#endif

/* What every package carries besides its own files (see package.h). */
const pkg_shipped pkg_shipped_files[] = {
	{ "sohoa-mets-profile.md", "documentation", "text/markdown" },
	{ "mets.xsd", "schemas", "text/xml" },
	{ "xlink.xsd", "schemas", "text/xml" },
	{ "EAD.xsd", "schemas", "text/xml" },
	{ "EAD_doc.xsd", "schemas", "text/xml" },
	{ "TT05-types.xsd", "schemas", "text/xml" },
	{ "premis-v3.xsd", "schemas", "text/xml" },
	{ "DILCISExtensionMETS.xsd", "schemas", "text/xml" },
	{ "DILCISExtensionSIPMETS.xsd", "schemas", "text/xml" },
};
const int pkg_nshipped = (int)(sizeof pkg_shipped_files / sizeof pkg_shipped_files[0]);
_Static_assert(sizeof pkg_shipped_files / sizeof pkg_shipped_files[0] <= PKG_MAX_SHIPPED,
    "PKG_MAX_SHIPPED is too small");

static const char *const schema_files[PKG_SCHEMA_COUNT] = {
	[PKG_SCHEMA_METS] = "mets.xsd",
	[PKG_SCHEMA_EAD] = "EAD.xsd",
	[PKG_SCHEMA_EAD_DOC] = "EAD_doc.xsd",
	[PKG_SCHEMA_PREMIS] = "premis-v3.xsd",
};

/* The hồ sơ elements of EAD.xml and the document elements of EAD_doc.xml,
 * in schema order. */
static const char *const ead_elements[] = { "fileCode", "title", "maintenance", "mode",
	"language", "startDate", "endDate", "keyword", "totalDoc", "numberOfPaper",
	"numberOfPage", "format", "inforSign", "confidenceLevel", "paperFileCode",
	"riskRecovery", "riskRecoveryStatus", "description", NULL };
static const char *const ead_doc_elements[] = { "docId", "fileCode", "docCode", "docOrdinal",
	"maintenance", "typeName", "codeNumber", "codeNotation", "issuedDate", "organName",
	"subject", "language", "numberOfPage", "inforSign", "keyword", "mode",
	"confidenceLevel", "autograph", "format", "riskRecovery", "riskRecoveryStatus",
	"description", NULL };
/* Document elements that take the hồ sơ's value when the document has none. */
static const char *const inherited[] = { "maintenance", "mode", "language",
	"confidenceLevel", "format", "inforSign", "riskRecovery", "riskRecoveryStatus", NULL };

static const struct { const char *element, *label; } labels[] = {
	{ "fileCode", "Mã hồ sơ" }, { "title", "Tiêu đề hồ sơ" },
	{ "maintenance", "Thời hạn bảo quản" }, { "mode", "Chế độ sử dụng" },
	{ "language", "Ngôn ngữ" }, { "startDate", "Thời gian bắt đầu" },
	{ "endDate", "Thời gian kết thúc" }, { "keyword", "Từ khóa" },
	{ "totalDoc", "Tổng số tài liệu" }, { "numberOfPaper", "Số lượng tờ" },
	{ "numberOfPage", "Số lượng trang" }, { "format", "Tình trạng vật lý" },
	{ "inforSign", "Ký hiệu thông tin" }, { "confidenceLevel", "Mức độ tin cậy" },
	{ "paperFileCode", "Mã hồ sơ gốc giấy" }, { "riskRecovery", "Chế độ dự phòng" },
	{ "riskRecoveryStatus", "Tình trạng dự phòng" }, { "description", "Ghi chú" },
	{ "docId", "Mã định danh tài liệu" }, { "docCode", "Mã lưu trữ của tài liệu" },
	{ "arcFileCode", "Mã hồ sơ lưu trữ" },
	{ "docOrdinal", "Số thứ tự tài liệu trong hồ sơ" },
	{ "typeName", "Tên loại tài liệu" }, { "codeNumber", "Số" },
	{ "codeNotation", "Ký hiệu" }, { "issuedDate", "Ngày tháng năm" },
	{ "organName", "Cơ quan ban hành" }, { "subject", "Trích yếu nội dung" },
	{ "autograph", "Bút tích" },
};

const char *
pkg_element_label(const char *element)
{
	for (size_t i = 0; element && i < sizeof labels / sizeof labels[0]; i++)
		if (!strcmp(labels[i].element, element))
			return labels[i].label;
	return NULL;
}

static int
in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

/* ---- schemas ---------------------------------------------------------- */

/* The first error libxml2 reports, and how many there were. */
typedef struct pkg_errs {
	int count;
	int line;
	char element[64];
	char msg[320];
} pkg_errs;

static void
collect_error(void *ctx, PKG_XMLERR *e)
{
	pkg_errs *c = ctx;
	size_t n;

	if (!e || e->level < XML_ERR_ERROR)
		return;
	if (c->count++ > 0)
		return;
	c->line = e->line;
	snprintf(c->msg, sizeof c->msg, "%s", e->message ? e->message : "(no message)");
	n = strlen(c->msg);
	while (n > 0 && (c->msg[n - 1] == '\n' || c->msg[n - 1] == ' '))
		c->msg[--n] = '\0';
	if (e->node && ((xmlNodePtr)e->node)->type == XML_ELEMENT_NODE)
		snprintf(c->element, sizeof c->element, "%s", (const char *)((xmlNodePtr)e->node)->name);
	else if (e->node && ((xmlNodePtr)e->node)->type == XML_ATTRIBUTE_NODE
	    && ((xmlNodePtr)e->node)->parent)
		snprintf(c->element, sizeof c->element, "%s",
		    (const char *)((xmlNodePtr)e->node)->parent->name);
}

sohoa_package_schemas *
sohoa_package_schemas_open(const char *dir, sohoa_error *err)
{
	return pkg_schemas_open(dir, 1, err);
}

sohoa_package_schemas *
pkg_schemas_open(const char *dir, int require_shipped, sohoa_error *err)
{
	sohoa_package_schemas *s;

	xmlInitParser();
	s = calloc(1, sizeof *s);
	if (!s) {
		sohoa_error_oom(err);
		return NULL;
	}
	if ((size_t)snprintf(s->dir, sizeof s->dir, "%s", dir) >= sizeof s->dir) {
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "%s: path too long", dir);
		free(s);
		return NULL;
	}
	for (int i = 0; i < PKG_SCHEMA_COUNT; i++) {
		char path[PATH_MAX + 64];
		xmlSchemaParserCtxtPtr pc;
		pkg_errs c = { 0 };

		snprintf(path, sizeof path, "%s/%s", dir, schema_files[i]);
		if (access(path, R_OK) != 0) {
			/* Said here: libxml2 would print its own warning on stderr. */
			sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "schema %s: %s", path,
			    strerror(errno));
			sohoa_package_schemas_free(s);
			return NULL;
		}
		pc = xmlSchemaNewParserCtxt(path);
		if (!pc) {
			sohoa_error_oom(err);
			sohoa_package_schemas_free(s);
			return NULL;
		}
		xmlSchemaSetParserStructuredErrors(pc, collect_error, &c);
		s->schema[i] = xmlSchemaParse(pc);
		xmlSchemaFreeParserCtxt(pc);
		if (!s->schema[i]) {
			sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "schema %s cannot be used: %s", path, c.count ? c.msg : "parse failed");
			sohoa_package_schemas_free(s);
			return NULL;
		}
	}
	/* The files every package ships must all be there now, not at the
	 * first package; they are kept in memory with their digests. */
	for (int i = 0; require_shipped && i < pkg_nshipped; i++) {
		char path[PATH_MAX + 64];
		pkg_shipped_copy *c = &s->shipped[i];
		sohoa_hash *h;
		sohoa_error rerr;

		snprintf(path, sizeof path, "%s/%s", dir, pkg_shipped_files[i].name);
		sohoa_error_clear(&rerr);
		if (sohoa_fs_read_file(path, 16 << 20, &c->data, &c->len, &rerr) != SOHOA_OK) {
			sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "%s: missing (%s)", path,
			    rerr.msg);
			sohoa_package_schemas_free(s);
			return NULL;
		}
		h = sohoa_hash_new("sha256");
		if (!h || sohoa_hash_update(h, c->data, c->len) != 0
		    || sohoa_hash_final(h, c->hash) != 0) {
			sohoa_hash_free(h);
			sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s: digest failed", path);
			sohoa_package_schemas_free(s);
			return NULL;
		}
		sohoa_hash_free(h);
	}
	return s;
}

const char *
sohoa_package_schemas_dir(const sohoa_package_schemas *s)
{
	return s->dir;
}

void
sohoa_package_schemas_free(sohoa_package_schemas *s)
{
	if (!s)
		return;
	for (int i = 0; i < PKG_SCHEMA_COUNT; i++)
		if (s->schema[i])
			xmlSchemaFree(s->schema[i]);
	for (int i = 0; i < PKG_MAX_SHIPPED; i++)
		free(s->shipped[i].data);
	free(s);
}

sohoa_status
pkg_validate_buffer(const sohoa_package_schemas *s, pkg_schema_id id, const char *what,
    const char *buf, size_t len, sohoa_error *err)
{
	xmlParserCtxtPtr pc;
	xmlDocPtr doc;
	xmlSchemaValidCtxtPtr vc;
	pkg_errs c = { 0 };
	int r;

	if (len > (size_t)INT_MAX)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
		    "%s: too large", what);
	pc = xmlNewParserCtxt();
	if (!pc)
		return sohoa_error_oom(err);
	doc = xmlCtxtReadMemory(pc, buf, (int)len, what, "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(pc);
		sohoa_status st = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_CORRUPT,
		    "%s: không phải XML hợp lệ / not well-formed XML (line %d): %s", what,
		    e ? e->line : 0, e && e->message ? e->message : "parse failed");
		xmlFreeParserCtxt(pc);
		return st;
	}
	xmlFreeParserCtxt(pc);
	vc = xmlSchemaNewValidCtxt(s->schema[id]);
	if (!vc) {
		xmlFreeDoc(doc);
		return sohoa_error_oom(err);
	}
	xmlSchemaSetValidStructuredErrors(vc, collect_error, &c);
	r = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	xmlFreeDoc(doc);
	if (r == 0)
		return SOHOA_OK;
	if (r < 0)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "%s: validation could not run (libxml2 error %d)", what, r);
	{
		const char *label = pkg_element_label(c.element);
		char more[48] = "";
		if (c.count > 1)
			snprintf(more, sizeof more, " (+%d more)", c.count - 1);
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "%s: trường %s%s%s%s không hợp lệ / invalid (line %d): %s%s", what,
		    c.element[0] ? c.element : "?", label ? " (" : "", label ? label : "",
		    label ? ")" : "", c.line, c.msg, more);
	}
}

char *
pkg_serialize(xmlDocPtr doc, size_t *len)
{
	xmlChar *mem = NULL;
	int size = 0;
	char *out;

	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 1);
	if (!mem || size <= 0) {
		xmlFree(mem);
		return NULL;
	}
	out = malloc((size_t)size + 1);
	if (out) {
		memcpy(out, mem, (size_t)size);
		out[size] = '\0';
		*len = (size_t)size;
	}
	xmlFree(mem);
	return out;
}

/* ---- building --------------------------------------------------------- */

/* A builder with a sticky error: once b->st is set, every call is a no-op. */
typedef struct pkg_builder {
	sohoa_status st;
	sohoa_error *err;
	const char *what;          /* "EAD_doc.xml" */
} pkg_builder;

/* An NFC copy of v that XML 1.0 can carry (textsafe.h, T2: a forbidden
 * character, noncharacter, DEL, C1 control or invalid byte becomes U+FFFD),
 * or NULL (with b->st set) when out of memory.  A file name holding U+FFFE
 * or an ESC byte is still a record that must get its package. */
static char *
clean_text(pkg_builder *b, const char *element, const char *v)
{
	size_t len = 0;
	char *safe, *nfc = NULL;

	(void)element;
	if (b->st != SOHOA_OK)
		return NULL;
	if ((safe = sohoa_text_xml(v, strlen(v), &len)))
		nfc = sohoa_vi_nfc(safe, len, NULL);
	free(safe);
	if (!nfc)
		b->st = sohoa_error_oom(b->err);
	return nfc;
}

static xmlNodePtr
add_el(pkg_builder *b, xmlNodePtr parent, xmlNsPtr ns, const char *name)
{
	xmlNodePtr n;

	if (b->st != SOHOA_OK)
		return NULL;
	n = xmlNewChild(parent, ns, BAD_CAST name, NULL);
	if (!n)
		b->st = sohoa_error_oom(b->err);
	return n;
}

/* A child element with text content (escaped by libxml2). */
static xmlNodePtr
add_text(pkg_builder *b, xmlNodePtr parent, xmlNsPtr ns, const char *name, const char *v)
{
	char *t = clean_text(b, name, v ? v : "");
	xmlNodePtr n;

	if (!t)
		return NULL;
	n = xmlNewTextChild(parent, ns, BAD_CAST name, BAD_CAST t);
	free(t);
	if (!n)
		b->st = sohoa_error_oom(b->err);
	return n;
}

static void
add_attr(pkg_builder *b, xmlNodePtr node, xmlNsPtr ns, const char *name, const char *v)
{
	char *t;

	if (!node || b->st != SOHOA_OK)
		return;
	t = clean_text(b, name, v ? v : "");
	if (!t)
		return;
	if (!(ns ? xmlNewNsProp(node, ns, BAD_CAST name, BAD_CAST t)
	    : xmlNewProp(node, BAD_CAST name, BAD_CAST t)))
		b->st = sohoa_error_oom(b->err);
	free(t);
}

static void
add_attr_ll(pkg_builder *b, xmlNodePtr node, const char *name, long long v)
{
	char buf[32];

	snprintf(buf, sizeof buf, "%lld", v);
	add_attr(b, node, NULL, name, buf);
}

/* A new document with root element name (in namespace ns_uri with prefix,
 * when ns_uri is not NULL); the root's namespace goes to *ns. */
static xmlDocPtr
new_doc(pkg_builder *b, const char *name, const char *ns_uri, const char *prefix,
    xmlNodePtr *root, xmlNsPtr *ns)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr r = doc ? xmlNewNode(NULL, BAD_CAST name) : NULL;

	*ns = NULL;
	if (!r) {
		xmlFreeDoc(doc);
		b->st = sohoa_error_oom(b->err);
		return NULL;
	}
	xmlDocSetRootElement(doc, r);
	if (ns_uri) {
		*ns = xmlNewNs(r, BAD_CAST ns_uri, prefix ? BAD_CAST prefix : NULL);
		xmlSetNs(r, *ns);
	}
	*root = r;
	return doc;
}

static xmlDocPtr
finish(pkg_builder *b, xmlDocPtr doc)
{
	if (b->st == SOHOA_OK)
		return doc;
	xmlFreeDoc(doc);
	return NULL;
}

/*
 * The DD/MM/YYYY form of an ISO YYYY-MM-DD or DD/MM/YYYY date, into out.
 * Returns 1 when v has neither shape (left to the schema to refuse), 0 for
 * a real date and -1 for one the calendar does not have (31/02/2024).
 */
static int
dmy_date(const char *v, char out[11])
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int d, m, y;

	if (strlen(v) != 10)
		return 1;
	if (isdigit((unsigned char)v[0]) && v[4] == '-' && v[7] == '-'
	    && sscanf(v, "%4d-%2d-%2d", &y, &m, &d) == 3)
		;
	else if (v[2] == '/' && v[5] == '/' && sscanf(v, "%2d/%2d/%4d", &d, &m, &y) == 3)
		;
	else
		return 1;
	for (int i = 0; i < 10; i++)
		if (i != 2 && i != 5 && i != 4 && i != 7 && !isdigit((unsigned char)v[i]))
			return 1;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1]
	    || (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return -1;
	snprintf(out, 11, "%02d/%02d/%04d", d % 100, m % 100, y % 10000);
	return 0;
}

/* Adds a date element, in DD/MM/YYYY. */
static void
add_date(pkg_builder *b, xmlNodePtr parent, const char *name, const char *v)
{
	char dmy[11];
	int r = dmy_date(v, dmy);

	if (b->st != SOHOA_OK)
		return;
	if (r < 0) {
		const char *label = pkg_element_label(name);
		b->st = sohoa_error_set(b->err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "%s: trường %s (%s) không hợp lệ / invalid: \"%s\" không phải ngày có thật / "
		    "is not a real date", b->what, name, label ? label : name, v);
		return;
	}
	add_text(b, parent, NULL, name, r == 0 ? dmy : v);
}

static void
add_schema_location(pkg_builder *b, xmlNodePtr root, const char *attr, const char *value)
{
	xmlNsPtr xsi = xmlNewNs(root, BAD_CAST PKG_XSI_NS, BAD_CAST "xsi");

	if (!xsi) {
		b->st = sohoa_error_oom(b->err);
		return;
	}
	add_attr(b, root, xsi, attr, value);
}

static const char *
hoso_value(const sohoa_hoso *h, const char *name)
{
	sohoa_hoso_id id = sohoa_hoso_from_name(name);

	return h && id < SOHOA_H_COUNT && h->v[id] && h->v[id][0] ? h->v[id] : NULL;
}

static const char *
file_code(const sohoa_package_input *in)
{
	return in->file_code && in->file_code[0] ? in->file_code : hoso_value(in->hoso, "fileCode");
}

xmlDocPtr
pkg_build_ead(const sohoa_package_input *in, sohoa_error *err)
{
	pkg_builder b = { SOHOA_OK, err, "EAD.xml" };
	xmlNodePtr root;
	xmlNsPtr ns;
	xmlDocPtr doc = new_doc(&b, "EAD", NULL, NULL, &root, &ns);

	if (!doc)
		return NULL;
	add_schema_location(&b, root, "noNamespaceSchemaLocation", "../../schemas/EAD.xsd");
	for (int i = 0; ead_elements[i]; i++) {
		const char *name = ead_elements[i];
		const char *v = !strcmp(name, "fileCode") ? file_code(in) : hoso_value(in->hoso, name);
		if (!v)
			continue;
		/* In the agency's archive (AIP) the hồ sơ's code is its archival
		 * code, arcFileCode; what is sent (SIP) calls it fileCode. */
		if (!strcmp(name, "fileCode") && in->kind == SOHOA_PACKAGE_AIP)
			name = "arcFileCode";
		if (!strcmp(name, "startDate") || !strcmp(name, "endDate"))
			add_date(&b, root, name, v);
		else
			add_text(&b, root, NULL, name, v);
	}
	return finish(&b, doc);
}

xmlDocPtr
pkg_build_ead_doc(const sohoa_package_input *in, sohoa_error *err)
{
	pkg_builder b = { SOHOA_OK, err, "EAD_doc.xml" };
	xmlNodePtr root;
	xmlNsPtr ns;
	xmlDocPtr doc = new_doc(&b, "EAD_doc", NULL, NULL, &root, &ns);
	const char *fc = file_code(in);

	if (!doc)
		return NULL;
	add_schema_location(&b, root, "noNamespaceSchemaLocation", "../../schemas/EAD_doc.xsd");
	for (int i = 0; ead_doc_elements[i]; i++) {
		const char *name = ead_doc_elements[i];
		const char *v = NULL;
		char code[160];

		if (!strcmp(name, "docId")) {
			v = in->doc_id ? in->doc_id : "";
		} else if (!strcmp(name, "fileCode")) {
			v = fc;
			if (in->kind == SOHOA_PACKAGE_AIP)
				name = "arcFileCode";
		} else if (!strcmp(name, "docOrdinal")) {
			/* AIP only: the document's place in its hồ sơ. */
			if (in->kind == SOHOA_PACKAGE_AIP && in->doc_seq > 0 && fc) {
				snprintf(code, sizeof code, "%d", in->doc_seq);
				v = code;
			}
		} else if (!strcmp(name, "docCode")) {
			if (in->doc_seq > 0 && !fc && b.st == SOHOA_OK)
				b.st = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
				    "EAD_doc.xml: docCode (Mã lưu trữ của tài liệu) cần Mã hồ sơ / "
				    "needs a fileCode");
			if (in->doc_seq > 0 && fc) {
				snprintf(code, sizeof code, "%s.%07d", fc, in->doc_seq);
				v = code;
			}
		} else {
			sohoa_field_id f = sohoa_field_from_name(name);
			if (in->doc && f < SOHOA_F_COUNT && in->doc->f[f].value
			    && in->doc->f[f].value[0])
				v = in->doc->f[f].value;
			else if (in_list(inherited, name))
				v = hoso_value(in->hoso, name);
		}
		if (!v)
			continue;
		if (!strcmp(name, "issuedDate"))
			add_date(&b, root, name, v);
		else
			add_text(&b, root, NULL, name, v);
	}
	return finish(&b, doc);
}

/* The bare hex of "sha256:<hex>". */
static const char *
hex_of(const char *hash)
{
	const char *colon = strchr(hash, ':');

	return colon ? colon + 1 : hash;
}

static void
add_id_pair(pkg_builder *b, xmlNodePtr parent, xmlNsPtr ns, const char *el, const char *type_el,
    const char *type, const char *value_el, const char *value)
{
	xmlNodePtr n = add_el(b, parent, ns, el);

	add_text(b, n, ns, type_el, type);
	add_text(b, n, ns, value_el, value);
}

/* "sohoa 0.1.0" -> name "sohoa", version "0.1.0" (version "" when none). */
static void
split_software(const char *sw, char *name, size_t nsize, const char **version)
{
	const char *sp = strrchr(sw, ' ');

	if (sp && sp[1]) {
		snprintf(name, nsize, "%.*s", (int)(sp - sw), sw);
		*version = sp + 1;
	} else {
		snprintf(name, nsize, "%s", sw);
		*version = "";
	}
}

#define PKG_AGENCY_ID_TYPE "mã định danh cơ quan"

/* A representation file's format in PRONOM: its PUID, name and version,
 * from the MIME type and the file's first bytes.  The PDF sohoa makes (USE
 * "access") is PDF/A-2b; a scanner's PDF is PDF 1.x by its header.  puid
 * NULL when the exact format is not known (an Exif JPEG, an odd header). */
typedef struct pkg_format {
	const char *puid, *name, *version;
} pkg_format;

static pkg_format
file_format(const char *src, const char *mimetype, const char *use)
{
	static const char *const pdf_puid[] = { "fmt/14", "fmt/15", "fmt/16", "fmt/17", "fmt/18",
		"fmt/19", "fmt/20", "fmt/276" };
	static const char *const pdf_version[] = { "1.0", "1.1", "1.2", "1.3", "1.4", "1.5",
		"1.6", "1.7" };
	unsigned char h[32] = { 0 };
	pkg_format f = { NULL, mimetype, NULL };
	FILE *fp = src ? fopen(src, "rb") : NULL;

	if (fp) {
		if (fread(h, 1, sizeof h, fp) == 0)
			h[0] = 0;
		fclose(fp);
	}
	if (!strcmp(mimetype, "application/pdf")) {
		if (use && !strcmp(use, "access"))
			return (pkg_format){ "fmt/477", "PDF/A-2b", "2b" };
		if (!memcmp(h, "%PDF-1.", 7) && h[7] >= '0' && h[7] <= '7')
			return (pkg_format){ pdf_puid[h[7] - '0'], "Portable Document Format",
				pdf_version[h[7] - '0'] };
		f.name = "Portable Document Format";
	} else if (!strcmp(mimetype, "image/tiff")) {
		f = (pkg_format){ "fmt/353", "Tagged Image File Format", "6" };
	} else if (!strcmp(mimetype, "image/png")) {
		/* 1.2 is the current edition; 1.0 and 1.1 files are 1.2 files. */
		f = (pkg_format){ "fmt/13", "Portable Network Graphics", "1.2" };
	} else if (!strcmp(mimetype, "image/jpeg")) {
		f.name = "JPEG";
		if (!memcmp(h + 6, "JFIF", 5) && h[11] == 1 && h[12] <= 2) {
			static const char *const puid[] = { "fmt/42", "fmt/43", "fmt/44" };
			static const char *const ver[] = { "1.00", "1.01", "1.02" };
			f = (pkg_format){ puid[h[12]], "JPEG File Interchange Format", ver[h[12]] };
		}
	}
	return f;
}

static void
add_linking_object(pkg_builder *b, xmlNodePtr ev, xmlNsPtr ns, const char *path,
    const char *role)
{
	xmlNodePtr n = add_el(b, ev, ns, "linkingObjectIdentifier");

	add_text(b, n, ns, "linkingObjectIdentifierType", "local");
	add_text(b, n, ns, "linkingObjectIdentifierValue", path);
	if (role)
		add_text(b, n, ns, "linkingObjectRole", role);
}

xmlDocPtr
pkg_build_premis(const sohoa_package_input *in, const pkg_entry *rep, int nrep,
    sohoa_error *err)
{
	pkg_builder b = { SOHOA_OK, err, "PREMIS.xml" };
	xmlNodePtr root, obj, n;
	xmlNsPtr ns, xsi;
	xmlDocPtr doc = new_doc(&b, "premis", PKG_PREMIS_NS, "premis", &root, &ns);
	char swname[128], creation_id[32];
	const char *swversion, *pdf_time = NULL;
	int pdfa = -1;

	if (!doc)
		return NULL;
	xsi = xmlNewNs(root, BAD_CAST PKG_XSI_NS, BAD_CAST "xsi");
	add_attr(&b, root, xsi, "schemaLocation",
	    PKG_PREMIS_NS " ../../schemas/premis-v3.xsd");
	add_attr(&b, root, NULL, "version", "3.0");
	/* The PDF/A sohoa made from the scans (USE "access"), when there is one:
	 * its creation event comes after the catalog's events. */
	for (int i = 0; i < nrep; i++)
		if (rep[i].use && !strcmp(rep[i].use, "access")
		    && !strcmp(rep[i].mimetype, "application/pdf"))
			pdfa = i;
	snprintf(creation_id, sizeof creation_id, "event-%d", in->nevents + 1);

	/* The representation: the files it includes. */
	obj = add_el(&b, root, ns, "object");
	add_attr(&b, obj, xsi, "type", "premis:representation");
	add_id_pair(&b, obj, ns, "objectIdentifier", "objectIdentifierType", "local",
	    "objectIdentifierValue", "representations/rep1");
	if (nrep > 0) {
		n = add_el(&b, obj, ns, "relationship");
		add_text(&b, n, ns, "relationshipType", "structural");
		add_text(&b, n, ns, "relationshipSubType", "includes");
		for (int i = 0; i < nrep; i++)
			add_id_pair(&b, n, ns, "relatedObjectIdentifier", "relatedObjectIdentifierType",
			    "local", "relatedObjectIdentifierValue", rep[i].path);
	}
	for (int i = 0; i < nrep; i++) {
		pkg_format fm = file_format(in->files[i].src_path, rep[i].mimetype, rep[i].use);
		obj = add_el(&b, root, ns, "object");
		add_attr(&b, obj, xsi, "type", "premis:file");
		add_id_pair(&b, obj, ns, "objectIdentifier", "objectIdentifierType", "local",
		    "objectIdentifierValue", rep[i].path);
		n = add_el(&b, obj, ns, "objectCharacteristics");
		add_text(&b, n, ns, "compositionLevel", "0");
		{
			xmlNodePtr fx = add_el(&b, n, ns, "fixity");
			add_text(&b, fx, ns, "messageDigestAlgorithm", "SHA-256");
			add_text(&b, fx, ns, "messageDigest", hex_of(rep[i].hash));
			add_text(&b, fx, ns, "messageDigestOriginator", in->software);
		}
		{
			char size[32];
			xmlNodePtr fmt, fd;
			snprintf(size, sizeof size, "%lld", rep[i].size);
			add_text(&b, n, ns, "size", size);
			fmt = add_el(&b, n, ns, "format");
			fd = add_el(&b, fmt, ns, "formatDesignation");
			add_text(&b, fd, ns, "formatName", fm.name);
			if (fm.version)
				add_text(&b, fd, ns, "formatVersion", fm.version);
			if (fm.puid) {
				xmlNodePtr fr = add_el(&b, fmt, ns, "formatRegistry");
				add_text(&b, fr, ns, "formatRegistryName", "PRONOM");
				add_text(&b, fr, ns, "formatRegistryKey", fm.puid);
				add_text(&b, fr, ns, "formatRegistryRole", "specification");
			}
			add_text(&b, fmt, ns, "formatNote", rep[i].mimetype);
		}
		if (in->files[i].original_name && in->files[i].original_name[0])
			add_text(&b, obj, ns, "originalName", in->files[i].original_name);
		/* The PDF/A is derived from the scans. */
		if (i == pdfa) {
			int sources = 0;
			for (int j = 0; j < nrep; j++)
				sources += j != pdfa;
			if (sources) {
				xmlNodePtr rel = add_el(&b, obj, ns, "relationship");
				add_text(&b, rel, ns, "relationshipType", "derivation");
				add_text(&b, rel, ns, "relationshipSubType", "has source");
				for (int j = 0; j < nrep; j++)
					if (j != pdfa)
						add_id_pair(&b, rel, ns, "relatedObjectIdentifier",
						    "relatedObjectIdentifierType", "local",
						    "relatedObjectIdentifierValue", rep[j].path);
				add_id_pair(&b, rel, ns, "relatedEventIdentifier",
				    "relatedEventIdentifierType", "local", "relatedEventIdentifierValue",
				    creation_id);
			}
		}
	}
	for (int i = 0; i < in->nevents; i++) {
		const sohoa_package_event *e = &in->events[i];
		char id[32];
		xmlNodePtr ev = add_el(&b, root, ns, "event");

		snprintf(id, sizeof id, "event-%d", i + 1);
		add_id_pair(&b, ev, ns, "eventIdentifier", "eventIdentifierType", "local",
		    "eventIdentifierValue", id);
		add_text(&b, ev, ns, "eventType", e->type);
		add_text(&b, ev, ns, "eventDateTime", e->at);
		if (e->detail && e->detail[0])
			add_text(&b, add_el(&b, ev, ns, "eventDetailInformation"), ns, "eventDetail",
			    e->detail);
		if (e->outcome && e->outcome[0])
			add_text(&b, add_el(&b, ev, ns, "eventOutcomeInformation"), ns,
			    "eventOutcome", e->outcome);
		if (e->agent && e->agent[0])
			add_id_pair(&b, ev, ns, "linkingAgentIdentifier", "linkingAgentIdentifierType",
			    "local", "linkingAgentIdentifierValue", e->agent);
		if (!strcmp(e->type, "ocr"))
			pdf_time = e->at;
		for (int j = 0; j < nrep; j++)
			add_linking_object(&b, ev, ns, rep[j].path, NULL);
	}
	/* The creation of the PDF/A: from the scans (sources) by the software,
	 * at the time of the OCR that made its text layer. */
	if (pdfa >= 0) {
		xmlNodePtr ev = add_el(&b, root, ns, "event");
		add_id_pair(&b, ev, ns, "eventIdentifier", "eventIdentifierType", "local",
		    "eventIdentifierValue", creation_id);
		add_text(&b, ev, ns, "eventType", "creation");
		add_text(&b, ev, ns, "eventDateTime", pdf_time ? pdf_time : in->created);
		add_text(&b, add_el(&b, ev, ns, "eventDetailInformation"), ns, "eventDetail",
		    "PDF/A-2b hai lớp: ảnh các trang bản quét và lớp chữ nhận dạng (OCR) — "
		    "PDF/A-2b made of the scanned page images and an OCR text layer");
		add_text(&b, add_el(&b, ev, ns, "eventOutcomeInformation"), ns, "eventOutcome",
		    "success");
		add_id_pair(&b, ev, ns, "linkingAgentIdentifier", "linkingAgentIdentifierType",
		    "local", "linkingAgentIdentifierValue", in->software);
		for (int j = 0; j < nrep; j++)
			add_linking_object(&b, ev, ns, rep[j].path, j == pdfa ? "outcome" : "source");
	}
	/* Agents: the software, the organization, then every other agent the
	 * events name, once each, in order of first appearance. */
	split_software(in->software, swname, sizeof swname, &swversion);
	n = add_el(&b, root, ns, "agent");
	add_id_pair(&b, n, ns, "agentIdentifier", "agentIdentifierType", "local",
	    "agentIdentifierValue", in->software);
	add_text(&b, n, ns, "agentName", swname);
	add_text(&b, n, ns, "agentType", "software");
	if (swversion[0])
		add_text(&b, n, ns, "agentVersion", swversion);
	n = add_el(&b, root, ns, "agent");
	add_id_pair(&b, n, ns, "agentIdentifier", "agentIdentifierType",
	    in->agency->agency_code && in->agency->agency_code[0] ? PKG_AGENCY_ID_TYPE : "local",
	    "agentIdentifierValue", in->agency->agency_code && in->agency->agency_code[0]
	    ? in->agency->agency_code : in->agency->agency_name);
	add_text(&b, n, ns, "agentName", in->agency->agency_name);
	add_text(&b, n, ns, "agentType", "organization");
	for (int i = 0; i < in->nevents; i++) {
		const char *a = in->events[i].agent;
		int seen = !a || !a[0] || !strcmp(a, in->software);
		for (int j = 0; j < i && !seen; j++)
			seen = in->events[j].agent && !strcmp(in->events[j].agent, a);
		if (seen)
			continue;
		n = add_el(&b, root, ns, "agent");
		add_id_pair(&b, n, ns, "agentIdentifier", "agentIdentifierType", "local",
		    "agentIdentifierValue", a);
		add_text(&b, n, ns, "agentName", a);
	}
	return finish(&b, doc);
}

/* An mdRef or a file's attributes: MIMETYPE SIZE CREATED CHECKSUM CHECKSUMTYPE. */
static void
add_filecore(pkg_builder *b, xmlNodePtr n, const char *created, const pkg_entry *e)
{
	add_attr(b, n, NULL, "MIMETYPE", e->mimetype);
	add_attr_ll(b, n, "SIZE", e->size);
	add_attr(b, n, NULL, "CREATED", created);
	add_attr(b, n, NULL, "CHECKSUM", hex_of(e->hash));
	add_attr(b, n, NULL, "CHECKSUMTYPE", "SHA-256");
}

static void
add_locat(pkg_builder *b, xmlNodePtr n, xmlNsPtr xlink, const char *href)
{
	add_attr(b, n, NULL, "LOCTYPE", "URL");
	add_attr(b, n, xlink, "type", "simple");
	add_attr(b, n, xlink, "href", href);
}

/* A dmdSec/techMD/digiprovMD ... with its mdRef to path; returns the mdRef
 * for the caller's file attributes (AIP and SIP entries differ). */
static xmlNodePtr
md_ref(pkg_builder *b, xmlNodePtr parent, xmlNsPtr ns, xmlNsPtr xlink, const char *sec,
    const char *id, const char *created, const char *path, const char *mdtype,
    const char *other, const char *version)
{
	xmlNodePtr s = add_el(b, parent, ns, sec), r;

	add_attr(b, s, NULL, "ID", id);
	add_attr(b, s, NULL, "CREATED", created);
	add_attr(b, s, NULL, "STATUS", "CURRENT");
	r = add_el(b, s, ns, "mdRef");
	add_locat(b, r, xlink, path);
	add_attr(b, r, NULL, "MDTYPE", mdtype);
	if (other)
		add_attr(b, r, NULL, "OTHERMDTYPE", other);
	if (version)
		add_attr(b, r, NULL, "MDTYPEVERSION", version);
	return r;
}

static void
add_md(pkg_builder *b, xmlNodePtr parent, xmlNsPtr ns, xmlNsPtr xlink, const char *sec,
    const char *id, const char *created, const pkg_entry *e, const char *mdtype,
    const char *other, const char *version)
{
	add_filecore(b, md_ref(b, parent, ns, xlink, sec, id, created, e->path, mdtype, other,
	    version), created, e);
}

static void
add_group(pkg_builder *b, xmlNodePtr sec, xmlNsPtr ns, xmlNsPtr xlink, const char *id,
    const char *use, const char *prefix, const char *created, const pkg_entry *e, int n,
    int with_links)
{
	xmlNodePtr g = add_el(b, sec, ns, "fileGrp");

	add_attr(b, g, NULL, "ID", id);
	add_attr(b, g, NULL, "USE", use);
	for (int i = 0; i < n; i++) {
		char fid[64];
		xmlNodePtr f = add_el(b, g, ns, "file");
		snprintf(fid, sizeof fid, "%s-%d", prefix, i + 1);
		add_attr(b, f, NULL, "ID", fid);
		add_filecore(b, f, created, &e[i]);
		if (e[i].use)
			add_attr(b, f, NULL, "USE", e[i].use);
		if (with_links) {
			add_attr(b, f, NULL, "ADMID", "digiprov-premis");
			add_attr(b, f, NULL, "DMDID", "dmd-ead-doc");
		}
		add_locat(b, add_el(b, f, ns, "FLocat"), xlink, e[i].path);
	}
}

static void
add_div(pkg_builder *b, xmlNodePtr parent, xmlNsPtr ns, const char *id, const char *label,
    const char *fileid)
{
	xmlNodePtr d = add_el(b, parent, ns, "div");

	add_attr(b, d, NULL, "ID", id);
	add_attr(b, d, NULL, "LABEL", label);
	add_attr(b, add_el(b, d, ns, "fptr"), NULL, "FILEID", fileid);
}

/* The physical structMap every METS here opens with (CSIP80-83): its
 * root div, labelled, which the caller fills. */
static xmlNodePtr
add_struct_map(pkg_builder *b, xmlNodePtr root, xmlNsPtr ns, const char *map_id,
    const char *root_id, const char *label)
{
	xmlNodePtr map = add_el(b, root, ns, "structMap"), top;

	add_attr(b, map, NULL, "ID", map_id);
	add_attr(b, map, NULL, "TYPE", "PHYSICAL");
	add_attr(b, map, NULL, "LABEL", "CSIP");
	top = add_el(b, map, ns, "div");
	add_attr(b, top, NULL, "ID", root_id);
	add_attr(b, top, NULL, "LABEL", label);
	return top;
}

/* The E-ARK identity of a METS root (CSIP1-6, SIP2): OBJID, LABEL, TYPE
 * from the content-category vocabulary, csip:CONTENTINFORMATIONTYPE OTHER
 * naming TT 05, PROFILE (the E-ARK SIP profile for a SIP, CSIP otherwise)
 * and the schema locations of METS, XLink and the extensions. */
static void
mets_identity(pkg_builder *b, xmlNodePtr root, xmlNsPtr csip, xmlNsPtr xsi, const char *objid,
    const char *label, int sip, const char *schemas)
{
	char loc[512];

	add_attr(b, root, NULL, "OBJID", objid);
	add_attr(b, root, NULL, "LABEL", label);
	add_attr(b, root, NULL, "TYPE", PKG_CSIP_TYPE);
	add_attr(b, root, csip, "CONTENTINFORMATIONTYPE", PKG_CSIP_CONTENT_TYPE);
	add_attr(b, root, csip, "OTHERCONTENTINFORMATIONTYPE", PKG_CSIP_OTHER_CONTENT_TYPE);
	add_attr(b, root, NULL, "PROFILE", sip ? SOHOA_PACKAGE_SIP_PROFILE : SOHOA_PACKAGE_PROFILE);
	snprintf(loc, sizeof loc, PKG_METS_NS " %1$s/mets.xsd " PKG_XLINK_NS " %1$s/xlink.xsd "
	    PKG_CSIP_NS " %1$s/DILCISExtensionMETS.xsd", schemas);
	add_attr(b, root, xsi, "schemaLocation", loc);
}

/* The software agent (CSIP10-16) and the organization (SIP, with its
 * identification code). */
static void
mets_agents(pkg_builder *b, xmlNodePtr hdr, xmlNsPtr ns, xmlNsPtr csip, const char *software,
    const sohoa_package_agency *agency)
{
	char swname[128];
	const char *swversion;
	xmlNodePtr agent;

	split_software(software, swname, sizeof swname, &swversion);
	agent = add_el(b, hdr, ns, "agent");
	add_attr(b, agent, NULL, "ROLE", "CREATOR");
	add_attr(b, agent, NULL, "TYPE", "OTHER");
	add_attr(b, agent, NULL, "OTHERTYPE", "SOFTWARE");
	add_text(b, agent, ns, "name", swname);
	add_attr(b, add_text(b, agent, ns, "note", swversion[0] ? swversion : "?"), csip,
	    "NOTETYPE", "SOFTWARE VERSION");
	if (!agency)
		return;
	/* A CREATOR agent needs exactly one note (CSIP15): without the
	 * agency's identification code the agency is named as the archivist
	 * of the package instead. */
	agent = add_el(b, hdr, ns, "agent");
	add_attr(b, agent, NULL, "ROLE", agency->agency_code && agency->agency_code[0] ? "CREATOR"
	    : "ARCHIVIST");
	add_attr(b, agent, NULL, "TYPE", "ORGANIZATION");
	add_text(b, agent, ns, "name", agency->agency_name);
	if (agency->agency_code && agency->agency_code[0])
		add_attr(b, add_text(b, agent, ns, "note", agency->agency_code), csip,
		    "NOTETYPE", "IDENTIFICATIONCODE");
}

/* The representation's fileGrp attributes (CSIP62-64). */
static void
rep_group_attrs(pkg_builder *b, xmlNodePtr g, xmlNsPtr csip, const char *id, const char *use)
{
	add_attr(b, g, NULL, "ID", id);
	add_attr(b, g, NULL, "USE", use);
	add_attr(b, g, csip, "CONTENTINFORMATIONTYPE", PKG_CSIP_CONTENT_TYPE);
	add_attr(b, g, csip, "OTHERCONTENTINFORMATIONTYPE", PKG_CSIP_OTHER_CONTENT_TYPE);
}

/* The structMap's div "Representations" (CSIP102-112): an fptr to the
 * fileGrp, and a div "Representations/rep1" with an mptr to the
 * representation's METS.  Returns that div. */
static xmlNodePtr
rep_divs(pkg_builder *b, xmlNodePtr top, xmlNsPtr ns, xmlNsPtr xlink)
{
	xmlNodePtr d = add_el(b, top, ns, "div"), r, m;

	add_attr(b, d, NULL, "ID", "div-representations");
	add_attr(b, d, NULL, "LABEL", "Representations");
	add_attr(b, add_el(b, d, ns, "fptr"), NULL, "FILEID", "grp-rep1");
	r = add_el(b, d, ns, "div");
	add_attr(b, r, NULL, "ID", "div-rep1");
	add_attr(b, r, NULL, "LABEL", "Representations/rep1");
	m = add_el(b, r, ns, "mptr");
	add_attr(b, m, NULL, "LOCTYPE", "URL");
	add_attr(b, m, xlink, "type", "simple");
	add_attr(b, m, xlink, "href", PKG_REP_METS);
	add_attr(b, m, xlink, "title", "rep1");
	return r;
}

/* A representation's own METS.xml (representations/rep1/METS.xml): its
 * data files, paths relative to the representation's folder. */
xmlDocPtr
pkg_build_rep_mets(const char *objid, int sip, const char *software, const char *created,
    const pkg_entry *files, int nfiles, sohoa_error *err)
{
	pkg_builder b = { SOHOA_OK, err, PKG_REP_METS };
	xmlNodePtr root, hdr, sec, g, top;
	xmlNsPtr ns, xlink, xsi, csip;
	xmlDocPtr doc = new_doc(&b, "mets", PKG_METS_NS, NULL, &root, &ns);
	char repid[200];
	size_t skip = strlen(PKG_REP) + 1;

	if (!doc)
		return NULL;
	csip = xmlNewNs(root, BAD_CAST PKG_CSIP_NS, BAD_CAST "csip");
	xlink = xmlNewNs(root, BAD_CAST PKG_XLINK_NS, BAD_CAST "xlink");
	xsi = xmlNewNs(root, BAD_CAST PKG_XSI_NS, BAD_CAST "xsi");
	if (!csip || !xlink || !xsi) {
		xmlFreeDoc(doc);
		sohoa_error_oom(err);
		return NULL;
	}
	snprintf(repid, sizeof repid, "%s/rep1", objid);
	mets_identity(&b, root, csip, xsi, repid, "rep1", sip, "../../schemas");
	hdr = add_el(&b, root, ns, "metsHdr");
	add_attr(&b, hdr, NULL, "CREATEDATE", created);
	add_attr(&b, hdr, csip, "OAISPACKAGETYPE", sip ? "SIP" : "AIP");
	mets_agents(&b, hdr, ns, csip, software, NULL);
	sec = add_el(&b, root, ns, "fileSec");
	add_attr(&b, sec, NULL, "ID", "filesec-rep1");
	g = add_el(&b, sec, ns, "fileGrp");
	rep_group_attrs(&b, g, csip, "grp-data", "Data");
	for (int i = 0; i < nfiles; i++) {
		char fid[64];
		xmlNodePtr f = add_el(&b, g, ns, "file");
		const char *path = files[i].path;
		snprintf(fid, sizeof fid, "file-data-%d", i + 1);
		add_attr(&b, f, NULL, "ID", fid);
		add_filecore(&b, f, created, &files[i]);
		if (files[i].use)
			add_attr(&b, f, NULL, "USE", files[i].use);
		if (!strncmp(path, PKG_REP "/", skip))
			path += skip;
		add_locat(&b, add_el(&b, f, ns, "FLocat"), xlink, path);
	}
	top = add_struct_map(&b, root, ns, "structmap-rep1", "div-rep1-root", repid);
	add_div(&b, top, ns, "div-data", "Data", "grp-data");
	return finish(&b, doc);
}

xmlDocPtr
pkg_build_mets(const sohoa_package_input *in, const char *objid, const pkg_entry meta[3],
    const pkg_entry *docs, int ndocs, const pkg_entry *schemas, int nschemas,
    const pkg_entry *rep, int nrep, const pkg_entry *rep_mets, sohoa_error *err)
{
	pkg_builder b = { SOHOA_OK, err, "METS.xml" };
	xmlNodePtr root, hdr, n, sec, top, g;
	xmlNsPtr ns, xlink, xsi, csip;
	xmlDocPtr doc = new_doc(&b, "mets", PKG_METS_NS, NULL, &root, &ns);
	char rid[32];
	const char *subject = in->doc ? in->doc->f[SOHOA_F_SUBJECT].value : NULL;
	int rewritten = in->first_created && in->first_created[0]
	    && strcmp(in->first_created, in->created) != 0;

	if (!doc)
		return NULL;
	csip = xmlNewNs(root, BAD_CAST PKG_CSIP_NS, BAD_CAST "csip");
	xlink = xmlNewNs(root, BAD_CAST PKG_XLINK_NS, BAD_CAST "xlink");
	xsi = xmlNewNs(root, BAD_CAST PKG_XSI_NS, BAD_CAST "xsi");
	if (!csip || !xlink || !xsi) {
		xmlFreeDoc(doc);
		sohoa_error_oom(err);
		return NULL;
	}
	mets_identity(&b, root, csip, xsi, objid, subject && subject[0] ? subject : in->doc_id,
	    in->kind == SOHOA_PACKAGE_SIP, "schemas");

	/* A rewritten package keeps the date it was first made and says when
	 * it was changed (CSIP7, CSIP8). */
	hdr = add_el(&b, root, ns, "metsHdr");
	add_attr(&b, hdr, NULL, "CREATEDATE", rewritten ? in->first_created : in->created);
	if (rewritten)
		add_attr(&b, hdr, NULL, "LASTMODDATE", in->created);
	add_attr(&b, hdr, csip, "OAISPACKAGETYPE", in->kind == SOHOA_PACKAGE_SIP ? "SIP" : "AIP");
	mets_agents(&b, hdr, ns, csip, in->software, in->agency);
	n = add_text(&b, hdr, ns, "altRecordID", in->doc_id);
	add_attr(&b, n, NULL, "TYPE", "docId");
	snprintf(rid, sizeof rid, "%lld", in->record_id);
	n = add_text(&b, hdr, ns, "altRecordID", rid);
	add_attr(&b, n, NULL, "TYPE", "sohoa-record-id");

	add_md(&b, root, ns, xlink, "dmdSec", "dmd-ead", in->created, &meta[0], "OTHER",
	    PKG_MDTYPE_EAD, NULL);
	add_md(&b, root, ns, xlink, "dmdSec", "dmd-ead-doc", in->created, &meta[1], "OTHER",
	    PKG_MDTYPE_EAD_DOC, NULL);
	n = add_el(&b, root, ns, "amdSec");
	add_attr(&b, n, NULL, "ID", "amd-1");
	add_md(&b, n, ns, xlink, "digiprovMD", "digiprov-premis", in->created, &meta[2],
	    "PREMIS", NULL, "3.0");

	sec = add_el(&b, root, ns, "fileSec");
	add_attr(&b, sec, NULL, "ID", "filesec-1");
	add_group(&b, sec, ns, xlink, "grp-documentation", "Documentation", "file-doc",
	    in->created, docs, ndocs, 0);
	add_group(&b, sec, ns, xlink, "grp-schemas", "Schemas", "file-schema", in->created,
	    schemas, nschemas, 0);
	/* The representation: its METS first, then its files (CSIP114 allows
	 * both; the files stay listed here so that every byte of the package
	 * is checked from METS.xml alone). */
	add_group(&b, sec, ns, xlink, "grp-rep1", "Representations", "file-rep1", in->created,
	    rep, nrep, 1);
	g = xmlGetLastChild(sec);
	if (g) {
		add_attr(&b, g, csip, "CONTENTINFORMATIONTYPE", PKG_CSIP_CONTENT_TYPE);
		add_attr(&b, g, csip, "OTHERCONTENTINFORMATIONTYPE", PKG_CSIP_OTHER_CONTENT_TYPE);
		if (rep_mets) {
			xmlNodePtr f = xmlNewNode(ns, BAD_CAST "file");
			if (!f) {
				b.st = sohoa_error_oom(err);
			} else {
				if (g->children)
					xmlAddPrevSibling(g->children, f);
				else
					xmlAddChild(g, f);
				add_attr(&b, f, NULL, "ID", "file-rep1-mets");
				add_filecore(&b, f, in->created, rep_mets);
				add_locat(&b, add_el(&b, f, ns, "FLocat"), xlink, rep_mets->path);
			}
		}
	}

	top = add_struct_map(&b, root, ns, "structmap-1", "div-root", objid);
	n = add_el(&b, top, ns, "div");
	add_attr(&b, n, NULL, "ID", "div-metadata");
	add_attr(&b, n, NULL, "LABEL", "Metadata");
	add_attr(&b, n, NULL, "DMDID", "dmd-ead dmd-ead-doc");
	add_attr(&b, n, NULL, "ADMID", "digiprov-premis");
	add_div(&b, top, ns, "div-documentation", "Documentation", "grp-documentation");
	add_div(&b, top, ns, "div-schemas", "Schemas", "grp-schemas");
	rep_divs(&b, top, ns, xlink);
	return finish(&b, doc);
}

/* ---- SIP METS (several documents, package.h) ---------------------------- */

static void
sip_filecore(pkg_builder *b, xmlNodePtr n, const char *created, const sohoa_sip_file *f)
{
	add_attr(b, n, NULL, "MIMETYPE", f->mimetype);
	add_attr_ll(b, n, "SIZE", f->size);
	add_attr(b, n, NULL, "CREATED", created);
	add_attr(b, n, NULL, "CHECKSUM", hex_of(f->checksum));
	add_attr(b, n, NULL, "CHECKSUMTYPE", "SHA-256");
}

static void
sip_md(pkg_builder *b, xmlNodePtr parent, xmlNsPtr ns, xmlNsPtr xlink, const char *sec,
    const char *id, const char *created, const sohoa_sip_file *f, const char *mdtype,
    const char *other, const char *version)
{
	sip_filecore(b, md_ref(b, parent, ns, xlink, sec, id, created, f->path, mdtype, other,
	    version), created, f);
}

/* A file of a fileGrp; dmd/adm NULL for none. */
static void
sip_file(pkg_builder *b, xmlNodePtr g, xmlNsPtr ns, xmlNsPtr xlink, const char *id,
    const char *created, const sohoa_sip_file *f, const char *dmd, const char *adm)
{
	xmlNodePtr n = add_el(b, g, ns, "file");

	add_attr(b, n, NULL, "ID", id);
	sip_filecore(b, n, created, f);
	if (f->use)
		add_attr(b, n, NULL, "USE", f->use);
	if (adm)
		add_attr(b, n, NULL, "ADMID", adm);
	if (dmd)
		add_attr(b, n, NULL, "DMDID", dmd);
	add_locat(b, add_el(b, n, ns, "FLocat"), xlink, f->path);
}

static int
sip_file_ok(const sohoa_sip_file *f)
{
	return f->path && f->path[0] && f->mimetype && f->mimetype[0] && f->checksum
	    && strlen(hex_of(f->checksum)) == 64 && f->size >= 0;
}

static xmlDocPtr
build_sip_mets(const sohoa_sip_input *in, const char *objid, sohoa_error *err)
{
	pkg_builder b = { SOHOA_OK, err, "METS.xml" };
	xmlNodePtr root, hdr, n, sec, g, map, top, rep;
	xmlNsPtr ns, xlink, xsi, csip;
	xmlDocPtr doc = new_doc(&b, "mets", PKG_METS_NS, NULL, &root, &ns);
	char id[64], dmd[64], adm[64], rid[32];
	char *dmds = NULL, *adms = NULL;
	size_t dl = 0, al = 0;
	int multi = in->ndocs > 1, fileno = 0;

	if (!doc)
		return NULL;
	csip = xmlNewNs(root, BAD_CAST PKG_CSIP_NS, BAD_CAST "csip");
	xlink = xmlNewNs(root, BAD_CAST PKG_XLINK_NS, BAD_CAST "xlink");
	xsi = xmlNewNs(root, BAD_CAST PKG_XSI_NS, BAD_CAST "xsi");
	if (!csip || !xlink || !xsi) {
		xmlFreeDoc(doc);
		sohoa_error_oom(err);
		return NULL;
	}
	mets_identity(&b, root, csip, xsi, objid, in->label && in->label[0] ? in->label : objid,
	    1, "schemas");

	hdr = add_el(&b, root, ns, "metsHdr");
	add_attr(&b, hdr, NULL, "CREATEDATE", in->created);
	add_attr(&b, hdr, csip, "OAISPACKAGETYPE", "SIP");
	mets_agents(&b, hdr, ns, csip, in->software, in->agency);
	for (int i = 0; i < in->ndocs; i++) {
		n = add_text(&b, hdr, ns, "altRecordID", in->docs[i].doc_id);
		add_attr(&b, n, NULL, "TYPE", "docId");
		snprintf(rid, sizeof rid, "%lld", in->docs[i].record_id);
		n = add_text(&b, hdr, ns, "altRecordID", rid);
		add_attr(&b, n, NULL, "TYPE", "sohoa-record-id");
	}

	sip_md(&b, root, ns, xlink, "dmdSec", "dmd-ead", in->created, &in->ead, "OTHER",
	    PKG_MDTYPE_EAD, NULL);
	for (int i = 0; i < in->ndocs; i++) {
		snprintf(id, sizeof id, multi ? "dmd-ead-doc-%d" : "dmd-ead-doc", i + 1);
		sip_md(&b, root, ns, xlink, "dmdSec", id, in->created, &in->docs[i].ead_doc, "OTHER",
		    PKG_MDTYPE_EAD_DOC, NULL);
	}
	n = add_el(&b, root, ns, "amdSec");
	add_attr(&b, n, NULL, "ID", "amd-1");
	for (int i = 0; i < in->ndocs; i++) {
		snprintf(id, sizeof id, multi ? "digiprov-premis-%d" : "digiprov-premis", i + 1);
		sip_md(&b, n, ns, xlink, "digiprovMD", id, in->created, &in->docs[i].premis,
		    "PREMIS", NULL, "3.0");
	}

	sec = add_el(&b, root, ns, "fileSec");
	add_attr(&b, sec, NULL, "ID", "filesec-1");
	g = add_el(&b, sec, ns, "fileGrp");
	add_attr(&b, g, NULL, "ID", "grp-documentation");
	add_attr(&b, g, NULL, "USE", "Documentation");
	for (int i = 0; i < in->ndocumentation; i++) {
		snprintf(id, sizeof id, "file-doc-%d", i + 1);
		sip_file(&b, g, ns, xlink, id, in->created, &in->documentation[i], NULL, NULL);
	}
	g = add_el(&b, sec, ns, "fileGrp");
	add_attr(&b, g, NULL, "ID", "grp-schemas");
	add_attr(&b, g, NULL, "USE", "Schemas");
	for (int i = 0; i < in->nschemas; i++) {
		snprintf(id, sizeof id, "file-schema-%d", i + 1);
		sip_file(&b, g, ns, xlink, id, in->created, &in->schemas[i], NULL, NULL);
	}
	g = add_el(&b, sec, ns, "fileGrp");
	rep_group_attrs(&b, g, csip, "grp-rep1", "Representations");
	if (in->rep_mets.path)
		sip_file(&b, g, ns, xlink, "file-rep1-mets", in->created, &in->rep_mets, NULL, NULL);
	for (int i = 0; i < in->ndocs; i++) {
		snprintf(dmd, sizeof dmd, multi ? "dmd-ead-doc-%d" : "dmd-ead-doc", i + 1);
		snprintf(adm, sizeof adm, multi ? "digiprov-premis-%d" : "digiprov-premis", i + 1);
		for (int j = 0; j < in->docs[i].nfiles; j++) {
			snprintf(id, sizeof id, "file-rep1-%d", ++fileno);
			sip_file(&b, g, ns, xlink, id, in->created, &in->docs[i].files[j], dmd, adm);
		}
	}

	map = add_el(&b, root, ns, "structMap");
	add_attr(&b, map, NULL, "ID", "structmap-1");
	add_attr(&b, map, NULL, "TYPE", "PHYSICAL");
	add_attr(&b, map, NULL, "LABEL", "CSIP");
	top = add_el(&b, map, ns, "div");
	add_attr(&b, top, NULL, "ID", "div-root");
	add_attr(&b, top, NULL, "LABEL", objid);
	/* "dmd-ead dmd-ead-doc-1 ..." and "digiprov-premis-1 ..." */
	dl = 8 + (size_t)in->ndocs * 24;
	al = 8 + (size_t)in->ndocs * 24;
	dmds = malloc(dl);
	adms = malloc(al);
	if (!dmds || !adms) {
		b.st = sohoa_error_oom(err);
	} else {
		size_t dn = (size_t)snprintf(dmds, dl, "dmd-ead"), an = 0;
		adms[0] = '\0';
		for (int i = 0; i < in->ndocs; i++) {
			if (multi) {
				dn += (size_t)snprintf(dmds + dn, dl - dn, " dmd-ead-doc-%d", i + 1);
				an += (size_t)snprintf(adms + an, al - an, "%sdigiprov-premis-%d",
				    i ? " " : "", i + 1);
			} else {
				dn += (size_t)snprintf(dmds + dn, dl - dn, " dmd-ead-doc");
				an += (size_t)snprintf(adms + an, al - an, "digiprov-premis");
			}
		}
	}
	n = add_el(&b, top, ns, "div");
	add_attr(&b, n, NULL, "ID", "div-metadata");
	add_attr(&b, n, NULL, "LABEL", "Metadata");
	add_attr(&b, n, NULL, "DMDID", dmds);
	add_attr(&b, n, NULL, "ADMID", adms);
	free(dmds);
	free(adms);
	add_div(&b, top, ns, "div-documentation", "Documentation", "grp-documentation");
	add_div(&b, top, ns, "div-schemas", "Schemas", "grp-schemas");
	/* One div per document under rep1, pointing at its own files. */
	rep = rep_divs(&b, top, ns, xlink);
	fileno = 0;
	for (int i = 0; multi && rep && i < in->ndocs; i++) {
		xmlNodePtr d = add_el(&b, rep, ns, "div");
		snprintf(id, sizeof id, "div-doc-%d", i + 1);
		add_attr(&b, d, NULL, "ID", id);
		add_attr(&b, d, NULL, "LABEL", in->docs[i].doc_id);
		snprintf(dmd, sizeof dmd, "dmd-ead-doc-%d", i + 1);
		snprintf(adm, sizeof adm, "digiprov-premis-%d", i + 1);
		add_attr(&b, d, NULL, "DMDID", dmd);
		add_attr(&b, d, NULL, "ADMID", adm);
		for (int j = 0; j < in->docs[i].nfiles; j++) {
			snprintf(id, sizeof id, "file-rep1-%d", ++fileno);
			add_attr(&b, add_el(&b, d, ns, "fptr"), NULL, "FILEID", id);
		}
	}
	return finish(&b, doc);
}

sohoa_status
sohoa_package_sip_mets(const sohoa_sip_input *in, const sohoa_package_schemas *sch,
    char objid[160], char name[160], char **mets, size_t *len, sohoa_error *err)
{
	sohoa_package_input pin;
	xmlDocPtr doc;
	sohoa_status st;

	*mets = NULL;
	*len = 0;
	if (!sch)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "package: no schemas");
	if (in->ndocs < 1 || !in->docs || !in->agency || !in->agency->agency_name
	    || !in->agency->agency_name[0] || !in->software || !in->created || !in->created[0]
	    || !sip_file_ok(&in->ead))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "SIP: needs documents, the agency name, software, a time and EAD.xml");
	for (int i = 0; i < in->ndocs; i++) {
		const sohoa_sip_doc *d = &in->docs[i];
		int ok = d->doc_id && d->doc_id[0] && sip_file_ok(&d->ead_doc)
		    && sip_file_ok(&d->premis) && (d->nfiles == 0 || d->files);
		for (int j = 0; ok && j < d->nfiles; j++)
			ok = sip_file_ok(&d->files[j]);
		if (!ok)
			return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "SIP: document %d (%s) lacks a path, MIME type or SHA-256", i + 1,
			    d->doc_id ? d->doc_id : "?");
	}
	memset(&pin, 0, sizeof pin);
	pin.kind = SOHOA_PACKAGE_SIP;
	pin.uuid = in->uuid;
	if ((st = sohoa_package_objid(&pin, objid, 160, name, 160, err)) != SOHOA_OK)
		return st;
	if (!(doc = build_sip_mets(in, objid, err)))
		return err && err->status != SOHOA_OK ? err->status : SOHOA_FATAL;
	*mets = pkg_serialize(doc, len);
	xmlFreeDoc(doc);
	if (!*mets)
		return sohoa_error_oom(err);
	st = pkg_validate_buffer(sch, PKG_SCHEMA_METS, "METS.xml", *mets, *len, err);
	if (st != SOHOA_OK) {
		free(*mets);
		*mets = NULL;
	}
	return st;
}

sohoa_status
sohoa_package_sip_rep_mets(const sohoa_sip_input *in, const sohoa_package_schemas *sch,
    char **mets, size_t *len, sohoa_error *err)
{
	sohoa_package_input pin;
	char objid[160], name[160];
	pkg_entry *files = NULL;
	int n = 0, k = 0;
	xmlDocPtr doc;
	sohoa_status st;

	*mets = NULL;
	*len = 0;
	if (!sch)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "package: no schemas");
	if (in->ndocs < 1 || !in->docs || !in->software || !in->created)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "SIP: needs documents, software and a time");
	memset(&pin, 0, sizeof pin);
	pin.kind = SOHOA_PACKAGE_SIP;
	pin.uuid = in->uuid;
	if ((st = sohoa_package_objid(&pin, objid, sizeof objid, name, sizeof name, err))
	    != SOHOA_OK)
		return st;
	for (int i = 0; i < in->ndocs; i++)
		n += in->docs[i].nfiles;
	if (n > 0 && !(files = calloc((size_t)n, sizeof *files)))
		return sohoa_error_oom(err);
	for (int i = 0; i < in->ndocs; i++)
		for (int j = 0; j < in->docs[i].nfiles; j++) {
			const sohoa_sip_file *f = &in->docs[i].files[j];
			if (!sip_file_ok(f)) {
				free(files);
				return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
				    "SIP: document %d lacks a path, MIME type or SHA-256", i + 1);
			}
			snprintf(files[k].path, sizeof files[k].path, "%s", f->path);
			snprintf(files[k].hash, sizeof files[k].hash, "%s", f->checksum);
			files[k].mimetype = f->mimetype;
			files[k].use = f->use;
			files[k].size = f->size;
			k++;
		}
	doc = pkg_build_rep_mets(objid, 1, in->software, in->created, files, k, err);
	free(files);
	if (!doc)
		return err && err->status != SOHOA_OK ? err->status : SOHOA_FATAL;
	*mets = pkg_serialize(doc, len);
	xmlFreeDoc(doc);
	if (!*mets)
		return sohoa_error_oom(err);
	st = pkg_validate_buffer(sch, PKG_SCHEMA_METS, PKG_REP_METS, *mets, *len, err);
	if (st != SOHOA_OK) {
		free(*mets);
		*mets = NULL;
	}
	return st;
}

/* Copies the children of root into a new root, renaming arcFileCode to
 * fileCode and leaving docOrdinal out. */
sohoa_status
sohoa_package_sip_shape(const sohoa_package_schemas *sch, int ead_doc, const char *buf,
    size_t len, char **out, size_t *out_len, sohoa_error *err)
{
	xmlDocPtr doc;
	xmlNodePtr root, n, next;
	sohoa_status st;

	*out = NULL;
	*out_len = 0;
	if (!sch)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "package: no schemas");
	if (len > INT_MAX)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE, "%s too large",
		    ead_doc ? "EAD_doc.xml" : "EAD.xml");
	doc = xmlReadMemory(buf, (int)len, ead_doc ? "EAD_doc.xml" : "EAD.xml", "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root || xmlStrcmp(root->name, BAD_CAST (ead_doc ? "EAD_doc" : "EAD"))) {
		xmlFreeDoc(doc);
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "%s cannot be read", ead_doc ? "EAD_doc.xml" : "EAD.xml");
	}
	for (n = root->children; n; n = next) {
		next = n->next;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (!xmlStrcmp(n->name, BAD_CAST "arcFileCode")) {
			xmlNodeSetName(n, BAD_CAST "fileCode");
		} else if (!xmlStrcmp(n->name, BAD_CAST "docOrdinal")) {
			xmlNodePtr prev = n->prev;
			xmlUnlinkNode(n);
			xmlFreeNode(n);
			/* and the indentation before it */
			if (prev && prev->type == XML_TEXT_NODE && xmlIsBlankNode(prev)) {
				xmlUnlinkNode(prev);
				xmlFreeNode(prev);
			}
		}
	}
	*out = pkg_serialize(doc, out_len);
	xmlFreeDoc(doc);
	if (!*out)
		return sohoa_error_oom(err);
	st = pkg_validate_buffer(sch, ead_doc ? PKG_SCHEMA_EAD_DOC : PKG_SCHEMA_EAD,
	    ead_doc ? "EAD_doc.xml" : "EAD.xml", *out, *out_len, err);
	if (st != SOHOA_OK) {
		free(*out);
		*out = NULL;
	}
	return st;
}
