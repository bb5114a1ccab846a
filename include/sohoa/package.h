/*
 * package.h - TT 05/2025 information packages (E-ARK CSIP layout, METS
 * 1.12.1, EAD.xml / EAD_doc.xml, PREMIS 3), written atomically and checked
 * again later.
 *
 * Protocol:
 *
 *   sohoa_package_schemas *sch = sohoa_package_schemas_open(dir, &err);
 *           // dir holds mets.xsd, xlink.xsd, EAD.xsd, EAD_doc.xsd,
 *           // TT05-types.xsd, premis-v3.xsd, DILCISExtensionMETS.xsd,
 *           // DILCISExtensionSIPMETS.xsd and
 *           // sohoa-mets-profile.md (schemas/xml/ in the source tree,
 *           // $(PREFIX)/share/sohoa/schemas/xml/ installed).  Parse once,
 *           // reuse for every package of the process.
 *   sohoa_package_input in = { ... };          // everything borrowed
 *   sohoa_package_result res;
 *   sohoa_package_write(&in, sch, dest_parent, &res, &err);
 *           // res.dir: the package; res.mets_hash: store it in the catalog
 *   ...
 *   sohoa_package_report rep;
 *   sohoa_package_report_init(&rep);
 *   sohoa_package_check(res.dir, sch, stored_mets_hash, &rep, &err);
 *   sohoa_package_report_release(&rep);
 *   sohoa_package_schemas_free(sch);
 *
 * The package (DOMAIN.md section 2):
 *
 *   <dest_parent>/<name>/            name = OBJID with every character
 *                                    outside [A-Za-z0-9._-] made '_'
 *     METS.xml
 *     metadata/descriptive/EAD.xml       hồ sơ (18 TT 05 elements; AIP:
 *                                       arcFileCode, SIP: fileCode)
 *     metadata/descriptive/EAD_doc.xml   tài liệu (TT 05 elements; AIP:
 *                                       arcFileCode + docOrdinal)
 *     metadata/preservation/PREMIS.xml   representation and file objects
 *                                       (fixity, PRONOM), events, agents
 *     representations/rep1/METS.xml     the representation's METS (mptr)
 *     representations/rep1/data/<files> the original scan (preservation
 *                                       master) and the PDF/A <docId>.pdf
 *     schemas/                          the XSDs the XML files follow
 *     documentation/                    the METS profile of these packages
 *
 * Every XML document is built with libxml2's tree API, serialized, parsed
 * back (XML_PARSE_NONET) and validated against its schema before anything
 * is stored; a value the schema refuses (a subject over 500 characters, a
 * typeName outside 01-32, a date that does not exist) makes the whole
 * write fail with SOHOA_BAD_INPUT and a message naming the element.
 * Nothing is ever truncated: a person fixes the value.
 *
 * METS.xml cannot carry its own checksum.  sohoa_package_write() returns
 * the SHA-256 of METS.xml ("sha256:<hex>") for the caller to keep outside
 * the package (the catalog); sohoa_package_check() compares it when given.
 * A package sent elsewhere is covered by the bundle's detached signature.
 *
 * Output is reproducible: the same input gives byte-identical files (no
 * clock reads, no random identifiers: the caller gives the UUID and the
 * creation time).
 */
#ifndef SOHOA_PACKAGE_H
#define SOHOA_PACKAGE_H

#include <limits.h>
#include "sohoa/sohoa.h"
#include "sohoa/hash.h"
#include "sohoa/fields.h"
#include "sohoa/hoso.h"

/* The profile METS.xml declares in mets/@PROFILE (E-ARK CSIP, which the
 * packages follow; the refinements of sohoa are in documentation/). */
#define SOHOA_PACKAGE_PROFILE "https://earkcsip.dilcis.eu/profile/E-ARK-CSIP.xml"
/* A SIP declares the E-ARK SIP profile (a refinement of CSIP; SIP2). */
#define SOHOA_PACKAGE_SIP_PROFILE "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"

typedef enum sohoa_package_kind {
	SOHOA_PACKAGE_AIP = 0,   /* OBJID urn:<mã phông>:uuid:<uuid> (the agency's own archive) */
	SOHOA_PACKAGE_SIP = 1    /* OBJID uuid-<UUID upper-case> (sent to another archive) */
} sohoa_package_kind;

/* From configuration. */
typedef struct sohoa_package_agency {
	const char *agency_name;   /* "UBND xã Văn Bình" */
	const char *agency_code;   /* mã định danh cơ quan, "000.00.01.H26" (never derived) */
	const char *fonds_code;    /* mã phông, for the AIP OBJID; required for AIPs */
} sohoa_package_agency;

/* One PREMIS event, as the catalog holds it. */
typedef struct sohoa_package_event {
	const char *type;          /* "ingestion", "message digest calculation", "ocr", ... */
	const char *at;            /* ISO 8601 date-time */
	const char *agent;         /* "sohoad 0.1.0", a person's name, ... */
	const char *outcome;       /* "success", "failure", ...; NULL = none */
	const char *detail;        /* NULL = none */
} sohoa_package_event;

/* One file of the representation. */
typedef struct sohoa_package_file {
	const char *src_path;      /* copied into representations/rep1/data/ */
	const char *name;          /* name in the package: [A-Za-z0-9._-], no leading '.' */
	const char *mimetype;      /* "image/tiff", "application/pdf", ... */
	const char *use;           /* "preservation" | "access" (METS file/@USE) */
	const char *original_name; /* the name the archivist gave it (PREMIS originalName); may be NULL */
} sohoa_package_file;

typedef struct sohoa_package_input {
	sohoa_package_kind kind;
	long long record_id;       /* catalog id, recorded in METS as the record's local id */
	const char *doc_id;        /* docId (S25); the PDF is <docId>.pdf */
	const char *file_code;     /* fileCode (Mã hồ sơ); NULL = the hồ sơ's fileCode, if any */
	int doc_seq;               /* > 0: docCode = fileCode "." %07d; 0: no docCode */
	const sohoa_fields *doc;   /* document fields (EAD_doc); may be NULL */
	const sohoa_hoso *hoso;    /* hồ sơ fields (EAD); may be NULL */
	const sohoa_package_file *files;
	int nfiles;                /* at least one */
	const sohoa_package_event *events;
	int nevents;
	const sohoa_package_agency *agency;
	const char *software;      /* "sohoa 0.1.0": name, space, version */
	const char *created;       /* ISO 8601 date-time: METS CREATEDATE and every CREATED */
	const char *first_created; /* when the package is rewritten: the CREATEDATE of the
	                            * first one (METS keeps it, LASTMODDATE = created);
	                            * NULL or "" for a new package */
	const char *uuid;          /* RFC 4122 text form, given by the caller */
} sohoa_package_input;

typedef struct sohoa_package_result {
	char dir[PATH_MAX];                  /* dest_parent/<name> */
	char objid[160];                     /* mets/@OBJID */
	char mets_hash[SOHOA_HASH_TEXT_MAX]; /* "sha256:<hex>" of METS.xml */
} sohoa_package_result;

/*
 * Document fields inherited from the hồ sơ when the document has none:
 * maintenance, mode, language, confidenceLevel, format, inforSign,
 * riskRecovery, riskRecoveryStatus (the codes that describe how the whole
 * hồ sơ is kept).  Text fields (subject, keyword, ...) are never inherited.
 * issuedDate is taken as ISO YYYY-MM-DD (as fields.h keeps it) or as
 * DD/MM/YYYY, and written DD/MM/YYYY.
 */

/* Parsed schemas, read-only once opened.  One handle per thread. */
typedef struct sohoa_package_schemas sohoa_package_schemas;

/* Parses the schemas in dir.  NULL on failure (err says which file). */
SOHOA_API sohoa_package_schemas *sohoa_package_schemas_open(const char *dir, sohoa_error *err);
/* The directory the schemas were read from.  Valid until _free(). */
SOHOA_API const char *sohoa_package_schemas_dir(const sohoa_package_schemas *s);
SOHOA_API void sohoa_package_schemas_free(sohoa_package_schemas *s);

/* mets/@OBJID for the input into out (size bytes); the package's folder
 * name goes to name (size bytes) when name is not NULL. */
SOHOA_API sohoa_status sohoa_package_objid(const sohoa_package_input *in, char *out, size_t size,
    char *name, size_t name_size, sohoa_error *err);

/*
 * Writes dest_parent/<name>/ (dest_parent must exist).  The package is
 * built in a hidden temp folder beside it (".<name>.tmp-XXXXXX"), every
 * file and folder fsync()ed, then renamed into place.  An existing package
 * of that name is replaced atomically (renameat2 RENAME_EXCHANGE; where the
 * filesystem lacks it: old renamed aside to ".<name>.old-XXXXXX", new
 * renamed in, old removed).  On failure nothing at dest_parent/<name>
 * changes and the temp folder is removed.
 *
 * SOHOA_BAD_INPUT: a field or argument is invalid (message names it);
 * SOHOA_RETRY: disk full or similar; SOHOA_FATAL: anything else.
 */
SOHOA_API sohoa_status sohoa_package_write(const sohoa_package_input *in,
    const sohoa_package_schemas *schemas, const char *dest_parent,
    sohoa_package_result *res, sohoa_error *err);

/* The metsHdr CREATEDATE of the package at dir into out ("" when there is
 * no readable METS.xml there). */
SOHOA_API void sohoa_package_createdate(const char *dir, char *out, size_t size);

/*
 * Start-up clean-up of dest_parent after a crash: removes left-over
 * ".<name>.tmp-*" folders, and puts back a ".<name>.old-*" folder whose
 * replacement never arrived (or removes it when the new one is in place).
 * Only folders whose <name> starts with "urn_" or "uuid-" are touched.
 * Call when no package is being written into dest_parent.
 */
SOHOA_API sohoa_status sohoa_package_recover(const char *dest_parent, sohoa_error *err);

/* One problem found by sohoa_package_check(). */
typedef struct sohoa_package_problem {
	char file[256];            /* path inside the package ("METS.xml", "representations/...") */
	char msg[512];
} sohoa_package_problem;

typedef struct sohoa_package_report {
	sohoa_package_problem *problems;   /* owned; freed by _release() */
	int nproblems;
	int files_checked;         /* files re-hashed */
	int xml_validated;         /* XML documents validated */
	int mets_hash_checked;     /* 1 when METS.xml was compared with a stored hash */
} sohoa_package_report;

SOHOA_API void sohoa_package_report_init(sohoa_package_report *rep);
SOHOA_API void sohoa_package_report_release(sohoa_package_report *rep);

/*
 * Checks the package at dir:
 *   - METS.xml against mets_hash ("sha256:<hex>", from the catalog) when not
 *     NULL, and against mets.xsd;
 *   - every file METS references (dmdSec/amdSec mdRef and fileSec FLocat)
 *     exists as a regular file inside the package with the SIZE and the
 *     SHA-256 CHECKSUM METS gives;
 *   - EAD.xml, EAD_doc.xml and PREMIS.xml against their schemas;
 *   - no file in the package is unknown to METS; the folder is named after
 *     the OBJID.
 * The schemas are those of `schemas` (trusted copies); when NULL, those in
 * the package's own schemas/ folder.  Each problem goes into rep with the
 * file's name; err gets the first.  Returns SOHOA_OK when the package is
 * intact, SOHOA_BAD_INPUT when problems were found, SOHOA_RETRY/FATAL when
 * the check itself could not run.
 */
SOHOA_API sohoa_status sohoa_package_check(const char *dir, const sohoa_package_schemas *schemas,
    const char *mets_hash, sohoa_package_report *rep, sohoa_error *err);

/* ---- SIPs for transfer: one hồ sơ, several documents ------------------
 *
 * A SIP sent to another archive (export.h) carries a whole hồ sơ: its
 * EAD.xml once, and for each document the EAD_doc.xml, PREMIS.xml and
 * representation files of that document's AIP, unchanged.  The caller
 * places the files (for one document the AIP's own names; for several,
 * metadata/descriptive/EAD_doc-<docId>.xml and
 * metadata/preservation/PREMIS-<docId>.xml, the representation files side
 * by side in representations/rep1/data/, which docIds keep apart) and
 * gives their checksums; sohoa_package_sip_mets() writes the METS.xml
 * that describes them:
 *
 *   dmdSec dmd-ead; dmdSec dmd-ead-doc[-<n>] per document;
 *   amdSec amd-1 with digiprovMD digiprov-premis[-<n>] per document;
 *   fileSec: Documentation, Schemas, Representations (the representation's
 *     METS, then each document's files with DMDID/ADMID pointing at its
 *     own sections);
 *   structMap PHYSICAL "CSIP": div Representations, div
 *     Representations/rep1 with the mptr, a div per document under it.
 *
 * With one document the ids carry no "-<n>" suffix and the METS has the
 * shape of an AIP's (sohoa-mets-profile.md), OAISPACKAGETYPE="SIP".  The
 * document is validated against mets.xsd; same input, same bytes.
 */
typedef struct sohoa_sip_file {
	const char *path;          /* relative to the package root */
	const char *mimetype;
	const char *use;           /* METS file/@USE, or NULL */
	const char *checksum;      /* SHA-256: hex, or "sha256:<hex>" */
	long long size;
} sohoa_sip_file;

typedef struct sohoa_sip_doc {
	long long record_id;       /* altRecordID sohoa-record-id */
	const char *doc_id;        /* altRecordID docId, the div's LABEL */
	sohoa_sip_file ead_doc;
	sohoa_sip_file premis;
	const sohoa_sip_file *files;   /* representation files */
	int nfiles;
} sohoa_sip_doc;

typedef struct sohoa_sip_input {
	const char *uuid;          /* RFC 4122 text; OBJID uuid-<UUID> */
	const char *label;         /* mets/@LABEL: the hồ sơ's title, else a docId */
	const char *created;       /* ISO 8601: CREATEDATE and every CREATED */
	const sohoa_package_agency *agency;
	const char *software;      /* "sohoa 0.1.0" */
	sohoa_sip_file ead;        /* metadata/descriptive/EAD.xml */
	const sohoa_sip_doc *docs;
	int ndocs;                 /* at least one */
	const sohoa_sip_file *documentation;
	int ndocumentation;
	const sohoa_sip_file *schemas;
	int nschemas;
	sohoa_sip_file rep_mets;   /* representations/rep1/METS.xml made by
	                            * sohoa_package_sip_rep_mets(); path NULL: none */
} sohoa_sip_input;

/*
 * Builds and validates the representation's METS of a SIP
 * (representations/rep1/METS.xml: every document's files, paths relative
 * to representations/rep1/), into *mets (malloc'd, *len bytes).  Call it
 * before sohoa_package_sip_mets() and give its checksum in in->rep_mets,
 * which the package's METS.xml lists and points at (mptr).
 */
/*
 * The SIP shape of an AIP's EAD.xml (ead_doc 0) or EAD_doc.xml (1): TT 05
 * names the hồ sơ's code arcFileCode in the agency's archive and fileCode
 * in what is sent, and the document's docOrdinal belongs to the archive
 * only.  Validated; *out malloc'd.
 */
SOHOA_API sohoa_status sohoa_package_sip_shape(const sohoa_package_schemas *schemas, int ead_doc,
    const char *buf, size_t len, char **out, size_t *out_len, sohoa_error *err);

SOHOA_API sohoa_status sohoa_package_sip_rep_mets(const sohoa_sip_input *in,
    const sohoa_package_schemas *schemas, char **mets, size_t *len, sohoa_error *err);

/*
 * Builds and validates the METS.xml of a SIP.  The OBJID goes to objid and
 * the package's folder name to name (160 bytes each); the document to
 * *mets (malloc'd, *len bytes; caller frees).  SOHOA_BAD_INPUT for a bad
 * argument or a document the schema refuses.
 */
SOHOA_API sohoa_status sohoa_package_sip_mets(const sohoa_sip_input *in,
    const sohoa_package_schemas *schemas, char objid[160], char name[160], char **mets,
    size_t *len, sohoa_error *err);

#endif
