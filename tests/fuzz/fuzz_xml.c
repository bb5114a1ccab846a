/*
 * fuzz_xml.c - the XML writers of a package (lib/package_xml.c): EAD.xml,
 * EAD_doc.xml, PREMIS.xml and METS.xml built from a record whose free text
 * (file name, trích yếu, cơ quan, ghi chú, tiêu đề hồ sơ, an event's agent
 * and detail) is any bytes the fuzzer likes, as a hostile file name or a
 * scanner's text layer can make them.
 *
 * The METS of a SIP (sohoa_package_sip_mets(), the hồ sơ title as its
 * LABEL) too.
 *
 * Properties: every builder succeeds (a value XML cannot carry is mapped,
 * never a reason to lose the package); every output is parsed back by
 * libxml2 on its own (well-formed, no recovery) and validated against the
 * project's schemas (schemas/xml, or $SOHOA_FUZZ_SCHEMAS); the bytes of a
 * value that is plain printable text come back unchanged.
 *
 * The input is cut into pieces at '\x1f' (unit separator): name, subject,
 * organ, description, title, agent, detail; missing pieces reuse the whole
 * input.  Run from the top of the tree.
 */
#include <limits.h>
#include <libxml/parser.h>

#include "fuzz.h"
#include "package_int.h"
#include "sohoa/fields.h"
#include "sohoa/hoso.h"

#define NPIECES 7
#define UUID "4f2a8c3e-9b1d-4e7a-8c5f-2d6b9a0e1f37"

static const sohoa_package_schemas *
schemas(void)
{
	static sohoa_package_schemas *s;
	sohoa_error err;

	if (!s) {
		const char *dir = getenv("SOHOA_FUZZ_SCHEMAS");
		sohoa_error_clear(&err);
		s = pkg_schemas_open(dir ? dir : "schemas/xml", 0, &err);
		if (!s)
			fprintf(stderr, "schemas: %s\n", err.msg);
		FUZZ_ASSERT(s != NULL);
	}
	return s;
}

/* A copy of s cut to at most max bytes (anywhere, even inside a character:
 * the cleaner must cope). */
static char *
cut(const char *s, size_t max)
{
	size_t n = strlen(s);
	return fuzz_cstr((const uint8_t *)s, n < max ? n : max);
}

static void
entry(pkg_entry *e, const char *path, const char *mimetype, const char *use)
{
	memset(e, 0, sizeof *e);
	snprintf(e->path, sizeof e->path, "%s", path);
	e->mimetype = mimetype;
	e->use = use;
	snprintf(e->hash, sizeof e->hash, "sha256:%064d", 7);
	e->size = 1234;
}

/* Serializes doc, parses it back, validates it; the bytes for further
 * checks (caller frees). */
static char *
check_doc(xmlDocPtr doc, pkg_schema_id id, const char *what, sohoa_error *err, size_t *len)
{
	char *buf;
	xmlDocPtr back;

	if (!doc) {
		fprintf(stderr, "%s refused: %s\n", what, err->msg);
		abort();
	}
	buf = pkg_serialize(doc, len);
	xmlFreeDoc(doc);
	FUZZ_ASSERT(buf != NULL);
	back = xmlReadMemory(buf, (int)*len, what, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR
	    | XML_PARSE_NOWARNING);
	if (!back) {
		fprintf(stderr, "%s is not well-formed:\n%s\n", what, buf);
		abort();
	}
	xmlFreeDoc(back);
	if (pkg_validate_buffer(schemas(), id, what, buf, *len, err) != SOHOA_OK) {
		fprintf(stderr, "%s is not valid: %s\n", what, err->msg);
		abort();
	}
	return buf;
}

/* 1 when s is printable ASCII other than what XML escapes: such a value
 * must come out byte for byte. */
static int
plain(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '<' || *s == '>' || *s == '&' || *s == '"'
		    || *s == '\'')
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *all = fuzz_cstr(data, size);
	char *piece[NPIECES];
	sohoa_fields doc;
	sohoa_hoso hoso;
	sohoa_package_agency agency = { "UBND xã Văn Bình", "000.00.01.H26", "VB01" };
	sohoa_package_file files[2];
	sohoa_package_event events[2];
	sohoa_package_input in;
	pkg_entry meta[3], rep[2], docs[1], sch[1], repm;
	sohoa_error err;
	char *buf;
	size_t len;
	const char *p = (const char *)data, *end = (const char *)data + size;

	/* Pieces at '\x1f'; a NUL inside ends the C string, as it would. */
	for (int i = 0; i < NPIECES; i++) {
		const char *sep = p < end ? memchr(p, 0x1f, (size_t)(end - p)) : NULL;
		if (p >= end) {
			piece[i] = fuzz_cstr(data, size);
		} else {
			size_t n = sep ? (size_t)(sep - p) : (size_t)(end - p);
			piece[i] = fuzz_cstr((const uint8_t *)p, n);
			p = sep ? sep + 1 : end;
		}
	}

	sohoa_fields_init(&doc);
	sohoa_hoso_init(&hoso);
	sohoa_fields_set(&doc, SOHOA_F_CODE_NUMBER, "15", "ocr", 0.9);
	sohoa_fields_set(&doc, SOHOA_F_CODE_NOTATION, "QĐ-UBND", "ocr", 0.9);
	sohoa_fields_set(&doc, SOHOA_F_ISSUED_DATE, "2024-03-05", "ocr", 0.9);
	sohoa_fields_set(&doc, SOHOA_F_TYPE_NAME, "02", "ocr", 0.9);
	/* The schema's lengths (S200, S500, S1000) bound these; a longer
	 * value is refused by design, so cut them to fit. */
	{
		char *organ = cut(piece[2], 200), *subject = cut(piece[1], 500);
		char *descr = cut(piece[3], 500), *title = cut(piece[4], 1000);
		sohoa_fields_set(&doc, SOHOA_F_ORGAN_NAME, organ, "ocr", 0.9);
		sohoa_fields_set(&doc, SOHOA_F_SUBJECT, subject, "ocr", 0.9);
		sohoa_fields_set(&doc, SOHOA_F_DESCRIPTION, descr, "person", 1);
		sohoa_fields_set(&doc, SOHOA_F_SIGNER_NAME, piece[5], "ocr", 0.9);
		hoso.v[SOHOA_H_FILE_CODE] = strdup("000.00.01.H26.2024.01");
		/* What the package always knows (describe.c: config defaults and
		 * counts from the hồ sơ's documents), which the schemas require. */
		hoso.v[SOHOA_H_MAINTENANCE] = strdup("01");
		hoso.v[SOHOA_H_MODE] = strdup("01");
		hoso.v[SOHOA_H_LANGUAGE] = strdup("01");
		hoso.v[SOHOA_H_TOTAL_DOC] = strdup("1");
		hoso.v[SOHOA_H_NUMBER_OF_PAPER] = strdup("1");
		hoso.v[SOHOA_H_NUMBER_OF_PAGE] = strdup("1");
		hoso.v[SOHOA_H_CONFIDENCE_LEVEL] = strdup("02");
		sohoa_fields_set(&doc, SOHOA_F_MAINTENANCE, "01", "config", 1);
		sohoa_fields_set(&doc, SOHOA_F_MODE, "01", "config", 1);
		sohoa_fields_set(&doc, SOHOA_F_LANGUAGE, "01", "config", 1);
		sohoa_fields_set(&doc, SOHOA_F_CONFIDENCE_LEVEL, "02", "config", 1);
		sohoa_fields_set(&doc, SOHOA_F_NUMBER_OF_PAGE, "1", "ocr", 1);
		hoso.v[SOHOA_H_TITLE] = title;
		hoso.v[SOHOA_H_DESCRIPTION] = cut(piece[3], 2000);
		free(organ);
		free(subject);
		free(descr);
	}

	memset(files, 0, sizeof files);
	files[0] = (sohoa_package_file){ "scan.png", "scan.png", "image/png", "preservation",
		piece[0] };
	files[1] = (sohoa_package_file){ "doc.pdf", "VB01.2024.000042.pdf", "application/pdf",
		"access", NULL };
	events[0] = (sohoa_package_event){ "ingestion", "2024-03-06T08:00:00.000Z", piece[5],
		"success", piece[6] };
	events[1] = (sohoa_package_event){ "ocr", "2024-03-06T08:00:09+07:00", "sohoad 0.1.0",
		"success", piece[0] };
	memset(&in, 0, sizeof in);
	in.kind = SOHOA_PACKAGE_AIP;
	in.record_id = 42;
	in.doc_id = "VB01.2024.000042";
	in.doc_seq = 3;
	in.doc = &doc;
	in.hoso = &hoso;
	in.files = files;
	in.nfiles = 2;
	in.events = events;
	in.nevents = 2;
	in.agency = &agency;
	in.software = "sohoa 0.1.0";
	in.created = "2024-03-06T08:01:00+07:00";
	in.uuid = UUID;

	sohoa_error_clear(&err);
	buf = check_doc(pkg_build_ead(&in, &err), PKG_SCHEMA_EAD, "EAD.xml", &err, &len);
	free(buf);
	buf = check_doc(pkg_build_ead_doc(&in, &err), PKG_SCHEMA_EAD_DOC, "EAD_doc.xml", &err, &len);
	if (plain(doc.f[SOHOA_F_SUBJECT].value) && doc.f[SOHOA_F_SUBJECT].value[0])
		FUZZ_ASSERT(strstr(buf, doc.f[SOHOA_F_SUBJECT].value) != NULL);
	free(buf);
	entry(&rep[0], "representations/rep1/data/scan.png", "image/png", "preservation");
	entry(&rep[1], "representations/rep1/data/VB01.2024.000042.pdf", "application/pdf",
	    "access");
	buf = check_doc(pkg_build_premis(&in, rep, 2, &err), PKG_SCHEMA_PREMIS, "PREMIS.xml",
	    &err, &len);
	if (plain(piece[0]) && piece[0][0])
		FUZZ_ASSERT(strstr(buf, piece[0]) != NULL);
	free(buf);
	entry(&meta[0], PKG_EAD, "text/xml", NULL);
	entry(&meta[1], PKG_EAD_DOC, "text/xml", NULL);
	entry(&meta[2], PKG_PREMIS, "text/xml", NULL);
	entry(&docs[0], "documentation/sohoa-mets-profile.md", "text/markdown", NULL);
	entry(&sch[0], "schemas/mets.xsd", "text/xml", NULL);
	entry(&repm, "representations/rep1/METS.xml", "text/xml", NULL);
	buf = check_doc(pkg_build_mets(&in, "uuid-" UUID, meta, docs, 1, sch, 1, rep, 2, &repm,
	    &err), PKG_SCHEMA_METS, "METS.xml", &err, &len);
	free(buf);

	/* The METS of a SIP for the city archive: its LABEL is the hồ sơ's
	 * title. */
	{
		static const char hex[] =
		    "0000000000000000000000000000000000000000000000000000000000000007";
		sohoa_sip_file rep_files[1] = { { "representations/rep1/data/VB01.2024.000042.pdf",
			"application/pdf", "access", hex, 1234 } };
		sohoa_sip_doc sd = { 42, "VB01.2024.000042",
			{ "metadata/descriptive/EAD_doc.xml", "text/xml", NULL, hex, 100 },
			{ "metadata/preservation/PREMIS.xml", "text/xml", NULL, hex, 100 },
			rep_files, 1 };
		sohoa_sip_file docf = { "documentation/sohoa-mets-profile.md", "text/markdown",
			NULL, hex, 10 };
		sohoa_sip_file schf = { "schemas/mets.xsd", "text/xml", NULL, hex, 10 };
		sohoa_sip_input sip;
		char objid[160], name[160];
		xmlDocPtr back;

		memset(&sip, 0, sizeof sip);
		sip.uuid = UUID;
		sip.label = hoso.v[SOHOA_H_TITLE];
		sip.created = "2024-03-06T08:01:00+07:00";
		sip.agency = &agency;
		sip.software = "sohoa 0.1.0";
		sip.ead = (sohoa_sip_file){ "metadata/descriptive/EAD.xml", "text/xml", NULL, hex, 100 };
		sip.docs = &sd;
		sip.ndocs = 1;
		sip.documentation = &docf;
		sip.ndocumentation = 1;
		sip.schemas = &schf;
		sip.nschemas = 1;
		sohoa_error_clear(&err);
		if (sohoa_package_sip_mets(&sip, schemas(), objid, name, &buf, &len, &err)
		    != SOHOA_OK) {
			fprintf(stderr, "SIP METS.xml refused: %s\n", err.msg);
			abort();
		}
		back = xmlReadMemory(buf, (int)len, "METS.xml", NULL, XML_PARSE_NONET
		    | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		FUZZ_ASSERT(back != NULL);
		xmlFreeDoc(back);
		free(buf);
	}

	sohoa_fields_release(&doc);
	sohoa_hoso_release(&hoso);
	for (int i = 0; i < NPIECES; i++)
		free(piece[i]);
	free(all);
	return 0;
}
