/*
 * describe.h - after OCR, a record is described and packaged:
 *
 *   1. fields are extracted from its OCR text (extract.h) and stored, never
 *      overwriting what a person entered;
 *   2. its hồ sơ values are gathered: configuration defaults, then the
 *      folder's hoso.txt (hoso.h), then what a person entered;
 *   3. a probable duplicate by content (same organ, year, số and ký hiệu)
 *      is flagged and linked, not merged;
 *   4. its TT 05/2025 archival package (AIP) is written (package.h).
 *
 * Each step records a PREMIS-like event.  All of it is repeatable: a crash
 * in the middle is repaired by running it again (records with packaged_at
 * NULL are packaged at start-up).
 *
 * sohoa_describe_record() and sohoa_describe_package() each make one catalog
 * transaction when called outside one; inside the caller's transaction they
 * work in a savepoint (undone alone on failure) and the caller commits.
 */
#ifndef SOHOA_DESCRIBE_H
#define SOHOA_DESCRIBE_H

#include <stdint.h>
#include "sohoa/sohoa.h"
#include "sohoa/conf.h"
#include "sohoa/catalog.h"
#include "sohoa/hoso.h"

/* Steps 1-3.  agent names the program for events. */
SOHOA_API sohoa_status sohoa_describe_record(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id,
    const char *agent, sohoa_error *err);

struct sohoa_package_schemas;

/* Step 4: writes (or rewrites) the record's package and records where.
 * schemas: parsed once per process (package.h). */
SOHOA_API sohoa_status sohoa_describe_package(const sohoa_conf *conf, sohoa_catalog *cat,
    const struct sohoa_package_schemas *schemas, int64_t id, const char *agent,
    sohoa_error *err);

struct sohoa_signer;

/* Between steps 3 and 4: signs the record's document.pdf (PAdES-B, visible
 * on page 1, sign.h) unless it already carries a signature, and records a
 * "digital signature" event.  The PDF is replaced atomically; on failure it
 * stays as it was. */
SOHOA_API sohoa_status sohoa_describe_sign_pdf(const sohoa_conf *conf, sohoa_catalog *cat,
    struct sohoa_signer *signer, int64_t id, const char *agent, sohoa_error *err);

/* The hồ sơ values that apply to records from an inbox folder. */
SOHOA_API sohoa_status sohoa_describe_hoso(const sohoa_conf *conf, sohoa_catalog *cat,
    const char *origin, sohoa_hoso *out, sohoa_error *err);

/* The same with what the documents say (dates and counts of the finished
 * records of origin; for a loose document, origin "", of record id alone)
 * and the mã hồ sơ when none is given: what the hồ sơ's EAD carries. */
SOHOA_API sohoa_status sohoa_describe_hoso_full(const sohoa_conf *conf, sohoa_catalog *cat,
    const char *origin, int64_t id, sohoa_hoso *out, sohoa_error *err);

/* Checks and normalises a value a person gives for a document field
 * (issuedDate as YYYY-MM-DD or DD/MM/YYYY, typeName as a code or a type
 * name, ...).  *out is malloc'd.  SOHOA_BAD_INPUT with a Vietnamese message. */
SOHOA_API sohoa_status sohoa_describe_check_value(const char *field, const char *value, char **out,
    sohoa_error *err);

#endif
