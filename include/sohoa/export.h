/*
 * export.h - the monthly signed transfer bundle for the city archive, its
 * ledger in the catalog, and its verification.
 *
 * Protocol:
 *
 *   char month[8];
 *   sohoa_export_parse_month("2025-07" | "last", time(NULL), month, &err);
 *   sohoa_export_opts o = { .month = month, .agent = "sohoa 0.1.0 (...)" };
 *   sohoa_export_result r;
 *   sohoa_export_run(conf, cat, signer, schemas, &o, &r, &err);
 *
 *   sohoa_verify_report rep;
 *   sohoa_verify_report_init(&rep);
 *   sohoa_export_verify(bundle, NULL, ca_file, schemas, &rep, &err);  // no catalog needed
 *   ... rep.problems[] ...
 *   sohoa_verify_report_release(&rep);
 *
 * The bundle (in conf->outbox, or opts.outbox):
 *
 *   sohoa-<agency_code>-<YYYY-MM>.tar       POSIX ustar; every member mode 0444,
 *                                           uid/gid 0, mtime = the month's last
 *                                           second (+07:00), or the export time
 *                                           when that is earlier (an open month
 *                                           exported with force: no time inside a
 *                                           bundle lies in the future, METS dates
 *                                           too); in this order:
 *     MANIFEST.sha256                       "<sha256 hex>  <member>" per other
 *                                           member (sha256sum -c format)
 *     uuid-<UUID>.zip ...                   one SIP per hồ sơ (records of one inbox
 *                                           sub-folder) or per loose document,
 *                                           ordered by folder then first record id
 *   sohoa-<agency_code>-<YYYY-MM>.tar.p7s   detached DER CMS signature (sign.h),
 *                                           written last
 *
 * Each SIP zip holds one folder uuid-<UUID>/ in the E-ARK CSIP layout of
 * package.h: its METS.xml (sohoa_package_sip_mets) and, copied unchanged
 * from each document's AIP, EAD_doc.xml, PREMIS.xml and the representation
 * files, with the hồ sơ's EAD.xml, schemas/ and documentation/.  Every AIP
 * is checked (sohoa_package_check against the catalog's METS hash) before
 * anything is written, and every byte copied is hashed again on the way.
 *
 * Which records a month carries: documents whose package was first written
 * before the month's end (Asia/Ho_Chi_Minh time) and whose current version
 * (package_mets_hash) no other month's exported bundle carries: new records
 * of the month, records from before that were never sent, and records
 * corrected since they were sent.  A PDF not yet signed is signed and its
 * AIP rewritten first (sohoa_describe_sign_pdf, sohoa_describe_package).
 *
 * Reproducible: the same catalog and AIPs give the same bundle bytes (no
 * clock reads, no random identifiers: SIP UUIDs are derived from the agency,
 * the month and the folder or record; times are the month's end).  Zip
 * entry times depend on the process time zone (DOS times are local): the
 * caller sets one (sohoa export runs in UTC).
 *
 * Durability: SIPs are built in a hidden staging folder of the outbox, the
 * tar is written to a hidden temp file, fsync()ed and renamed into place; a
 * signature of an earlier bundle of that name is removed before, and the
 * new one written after (a bundle without its .p7s is incomplete).  Then
 * the ledger rows are committed, then upload_command runs; the month counts
 * as exported only when it exits 0 (or when there is none).
 */
#ifndef SOHOA_EXPORT_H
#define SOHOA_EXPORT_H

#include <limits.h>
#include <time.h>
#include "sohoa/sohoa.h"
#include "sohoa/conf.h"
#include "sohoa/catalog.h"
#include "sohoa/hash.h"
#include "sohoa/package.h"
#include "sohoa/sign.h"

#define SOHOA_EXPORT_MANIFEST "MANIFEST.sha256"

/*
 * The export's clock: time(NULL), unless the environment variable
 * SOHOA_TEST_NOW holds a unix time (digits only), which is then used
 * instead.  For tests only (documented in the README's test notes): it
 * lets a test treat the month its records were made in as closed without
 * waiting for the month to end.  It moves nothing but the export's idea of
 * "now" (the open-month rule, "last", the clamp of bundle times), never
 * the ingest, and it grants nothing: whoever sets a program's environment
 * can give it --force just as well.
 */
SOHOA_API time_t sohoa_export_clock(void);

/* 1 when the month "YYYY-MM" has not ended at now (the open month or one to
 * come), 0 when it has, -1 when month is not YYYY-MM. */
SOHOA_API int sohoa_export_month_open(const char *month, time_t now);

/* "YYYY-MM" (a real month, 1900-2200) or "last" (the calendar month before
 * now, in Asia/Ho_Chi_Minh time, +07:00) into out.  SOHOA_BAD_INPUT with a
 * Vietnamese message otherwise. */
SOHOA_API sohoa_status sohoa_export_parse_month(const char *text, time_t now, char out[8],
    sohoa_error *err);

/* The month's bounds for "YYYY-MM": first instant (*start) and first instant
 * of the next month (*end) as unix times, and its last second as ISO 8601
 * with +07:00 into last_iso (32 bytes).  -1 when month is not YYYY-MM. */
SOHOA_API int sohoa_export_month_bounds(const char *month, time_t *start, time_t *end,
    char last_iso[32]);

typedef struct sohoa_export_opts {
	const char *month;         /* "YYYY-MM" */
	const char *outbox;        /* NULL: conf->outbox */
	int force;                 /* export again a month already exported, or the
	                            * open month (one not ended at now) */
	time_t now;                /* the export time; 0: sohoa_export_clock() */
	int skip_unpackaged;       /* go on without done records that have no package
	                            * (listed in the result); 0: refuse the month */
	const char *agent;         /* names the program in events */
	/* Called after each SIP is written (may be NULL), for a progress bar. */
	void (*progress)(void *arg, int done, int total);
	void *progress_arg;
} sohoa_export_opts;

typedef struct sohoa_export_result {
	char month[8];
	char path[PATH_MAX];       /* the tar */
	char p7s[PATH_MAX + 8];    /* its signature */
	char bundle_hash[SOHOA_HASH_TEXT_MAX];
	char p7s_hash[SOHOA_HASH_TEXT_MAX];
	long long size;            /* bytes of the tar */
	long long bundle_id;       /* export_bundles.id; 0 when nothing was written */
	int records;               /* documents in the bundle */
	int sips;
	int pdfs_signed;           /* PDFs signed on the way */
	int already;               /* the month was exported before (nothing done) */
	int open_month;            /* refused: the month has not ended and no force */
	int empty;                 /* nothing to send (nothing written) */
	int uploaded;              /* 1 upload_command exited 0; 0 none configured; -1 failed */
	int unpackaged;            /* done records of the month without a package, skipped */
	char unpackaged_ids[256];  /* their ids, "3, 7, 12" (cut with "...") */
	double seconds;
} sohoa_export_result;

/*
 * Writes the month's bundle (see above).  signer must be open (sign.h);
 * schemas: parsed once (package.h).  SOHOA_OK when the bundle is written
 * and, if configured, uploaded; r->already or r->empty say when there was
 * nothing to do.  SOHOA_BAD_INPUT: an AIP is damaged or a record cannot be
 * packaged (err names it; nothing written), or a done record of the month
 * has no package and opts->skip_unpackaged is not set (err lists them;
 * nothing written), or the month has not ended and opts->force is not set
 * (r->open_month; nothing written); SOHOA_RETRY: another export
 * holds the outbox, disk full, or upload_command failed (r->uploaded = -1:
 * the bundle is in the outbox, the month is not marked exported);
 * SOHOA_FATAL: configuration, catalog or signing failure.
 */
SOHOA_API sohoa_status sohoa_export_run(const sohoa_conf *conf, sohoa_catalog *cat, sohoa_signer *signer,
    const sohoa_package_schemas *schemas, const sohoa_export_opts *opts,
    sohoa_export_result *r, sohoa_error *err);

/* ---- verification ------------------------------------------------------ */

typedef struct sohoa_verify_problem {
	char where[300];           /* "uuid-….zip: representations/rep1/data/x.pdf", "MANIFEST.sha256", "X.tar.p7s" */
	char msg[600];
} sohoa_verify_problem;

/* One member of the bundle as found. */
typedef struct sohoa_verify_member {
	char name[256];
	char hash[SOHOA_HASH_TEXT_MAX];
	long long size;
	int ok;                    /* no problem found in it */
	int docs;                  /* for a SIP: documents (EAD_doc files) */
	int pdfs;                  /* for a SIP: PDFs whose signature verified */
} sohoa_verify_member;

typedef struct sohoa_verify_report {
	sohoa_verify_problem *problems;    /* owned */
	int nproblems;
	sohoa_verify_member *members;      /* owned, in bundle order */
	int nmembers;
	int signature_ok;
	int chain_checked;         /* a CA file was given */
	char signer[512];          /* subject of the signing certificate */
	int manifest_ok;
	int sips, sips_ok;
	int files_checked;         /* files re-hashed inside the SIPs */
	int pdfs, pdfs_ok;
	int pdfs_timestamped;      /* valid PDF signatures with a timestamp (PAdES B-T) */
	int pdfs_lt;               /* ... and long-term validation data (PAdES B-LT or B-LTA) */
	char bundle_hash[SOHOA_HASH_TEXT_MAX];
} sohoa_verify_report;

SOHOA_API void sohoa_verify_report_init(sohoa_verify_report *rep);
SOHOA_API void sohoa_verify_report_release(sohoa_verify_report *rep);

/*
 * Checks a bundle without the catalog: the CMS signature over the tar
 * (p7s NULL: "<bundle>.p7s"; trusted to ca_file when not NULL), the manifest
 * against every member, each SIP zip (entries intact, sohoa_package_check:
 * METS against mets.xsd, every file against its METS checksum, nothing
 * unlisted), and every PDF's signature (sohoa_verify_pdf).  schemas: trusted
 * copies, or NULL to use each SIP's own schemas/.  SIPs are unpacked one at
 * a time under $TMPDIR and removed.  SOHOA_OK when everything holds,
 * SOHOA_BAD_INPUT when problems were found (each in rep, naming the member
 * and file), SOHOA_FATAL/RETRY when the check itself could not run (the
 * bundle cannot be opened: SOHOA_FATAL with reason SOHOA_REASON_UNREADABLE).
 */
SOHOA_API sohoa_status sohoa_export_verify(const char *bundle, const char *p7s, const char *ca_file,
    const sohoa_package_schemas *schemas, sohoa_verify_report *rep, sohoa_error *err);

#endif
