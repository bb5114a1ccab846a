/*
 * package_int.h - what the files of the package module (package.c,
 * package_xml.c, package_check.c) share.  Not a public header.
 */
#ifndef SOHOA_PACKAGE_INT_H
#define SOHOA_PACKAGE_INT_H

#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include "sohoa/package.h"

#define PKG_METS_NS "http://www.loc.gov/METS/"
#define PKG_XLINK_NS "http://www.w3.org/1999/xlink"
#define PKG_XSI_NS "http://www.w3.org/2001/XMLSchema-instance"
#define PKG_PREMIS_NS "http://www.loc.gov/premis/v3"
#define PKG_CSIP_NS "https://DILCIS.eu/XML/METS/CSIPExtensionMETS"
#define PKG_SIP_NS "https://DILCIS.eu/XML/METS/SIPExtensionMETS"

/* Paths inside a package. */
#define PKG_METS "METS.xml"
#define PKG_EAD "metadata/descriptive/EAD.xml"
#define PKG_EAD_DOC "metadata/descriptive/EAD_doc.xml"
#define PKG_PREMIS "metadata/preservation/PREMIS.xml"
#define PKG_REP_DATA "representations/rep1/data"
#define PKG_REP "representations/rep1"
#define PKG_REP_METS "representations/rep1/METS.xml"

/* The E-ARK CSIP identity of every package (METS.xml and the
 * representation's METS): mets/@TYPE from the CSIP content-category
 * vocabulary, and csip:CONTENTINFORMATIONTYPE "OTHER" naming TT 05. */
#define PKG_CSIP_TYPE "Textual works \xE2\x80\x93 Digital"
#define PKG_CSIP_CONTENT_TYPE "OTHER"
#define PKG_CSIP_OTHER_CONTENT_TYPE "TT05/2025/TT-BNV"

/* METS OTHERMDTYPE of the two descriptive documents. */
#define PKG_MDTYPE_EAD "TT05-EAD"
#define PKG_MDTYPE_EAD_DOC "TT05-EAD_doc"

/* Which schema an XML document follows. */
typedef enum pkg_schema_id {
	PKG_SCHEMA_METS,
	PKG_SCHEMA_EAD,
	PKG_SCHEMA_EAD_DOC,
	PKG_SCHEMA_PREMIS,
	PKG_SCHEMA_COUNT
} pkg_schema_id;

/* A file copied from the schemas folder into every package. */
typedef struct pkg_shipped {
	const char *name;          /* in the schemas folder and in the package folder */
	const char *folder;        /* "schemas" or "documentation" */
	const char *mimetype;
} pkg_shipped;

extern const pkg_shipped pkg_shipped_files[];
extern const int pkg_nshipped;
#define PKG_MAX_SHIPPED 12

/* A shipped file's bytes, read once when the schemas are opened: every
 * package gets the very files its documents were validated against, and
 * none is read or hashed again per package. */
typedef struct pkg_shipped_copy {
	char *data;
	size_t len;
	char hash[SOHOA_HASH_TEXT_MAX];  /* "sha256:<hex>" of data */
} pkg_shipped_copy;

struct sohoa_package_schemas {
	char dir[PATH_MAX];
	xmlSchemaPtr schema[PKG_SCHEMA_COUNT];
	pkg_shipped_copy shipped[PKG_MAX_SHIPPED];  /* filled when opened with require_shipped */
};

/* Parses the schemas in dir; with require_shipped, also insists on every
 * file a package ships (sohoa_package_schemas_open() does). */
sohoa_package_schemas *pkg_schemas_open(const char *dir, int require_shipped,
    sohoa_error *err);

/* One file of a package as METS lists it. */
typedef struct pkg_entry {
	char path[PATH_MAX];       /* relative to the package root */
	const char *mimetype;
	const char *use;           /* METS file/@USE or NULL */
	char hash[SOHOA_HASH_TEXT_MAX];  /* "sha256:<hex>" */
	long long size;
} pkg_entry;

/* The Vietnamese label of a TT 05 element ("subject" -> "Trích yếu nội
 * dung"), or NULL. */
const char *pkg_element_label(const char *element);

/*
 * Parses len bytes of XML (XML_PARSE_NONET, no DTD, no entities) and
 * validates them against schema.  what names the document in messages
 * ("EAD_doc.xml").  Invalid: SOHOA_BAD_INPUT with the element, its label
 * and libxml2's message.
 */
sohoa_status pkg_validate_buffer(const sohoa_package_schemas *s, pkg_schema_id id,
    const char *what, const char *buf, size_t len, sohoa_error *err);

/* Serializes doc (UTF-8, indented) into a malloc'd buffer; caller frees.
 * NULL on OOM. */
char *pkg_serialize(xmlDocPtr doc, size_t *len);

/* Builders: each returns a new document (caller frees with xmlFreeDoc)
 * or NULL with err set (SOHOA_BAD_INPUT for a bad value). */
xmlDocPtr pkg_build_ead(const sohoa_package_input *in, sohoa_error *err);
xmlDocPtr pkg_build_ead_doc(const sohoa_package_input *in, sohoa_error *err);
xmlDocPtr pkg_build_premis(const sohoa_package_input *in, const pkg_entry *rep, int nrep,
    sohoa_error *err);

/* The METS document.  meta[0..2] are EAD, EAD_doc, PREMIS; docs and
 * schemas are the documentation and schema files, rep the representation. */
xmlDocPtr pkg_build_mets(const sohoa_package_input *in, const char *objid,
    const pkg_entry meta[3], const pkg_entry *docs, int ndocs,
    const pkg_entry *schemas, int nschemas, const pkg_entry *rep, int nrep,
    const pkg_entry *rep_mets, sohoa_error *err);

/* The representation's own METS (representations/rep1/METS.xml): files
 * are the representation's (paths from the package root, written relative
 * to the representation's folder). */
xmlDocPtr pkg_build_rep_mets(const char *objid, int sip, const char *software,
    const char *created, const pkg_entry *files, int nfiles, sohoa_error *err);

#endif
