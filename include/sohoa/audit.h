/*
 * audit.h - the fixity audit: every stored file of every done record is
 * read again and its SHA-256 compared with what the catalog and the
 * package's METS.xml say it must be.
 *
 * Per record:
 *   spool/done/<id>/original      against records.hash
 *   spool/done/<id>/document.pdf  against the CHECKSUM METS.xml gives the PDF
 *   the package                   sohoa_package_check(): METS.xml against
 *                                 records.package_mets_hash, every file against
 *                                 METS.xml, the XML against the schemas
 *   the backup copy (backup_dir)  the same, against the same catalog values,
 *                                 plus the entry's other files against the
 *                                 backup manifest
 * Files are read in a stream (a 128 KiB buffer), never whole.  Each record
 * checked gets one "fixity check" event (outcome success or failure; the
 * detail names every damaged or missing file).
 *
 * Protocol:
 *   sohoa_audit_options o = { ... };
 *   sohoa_audit_report rep;
 *   sohoa_audit_report_init(&rep);
 *   sohoa_audit_run(&conf, cat, schemas, &o, &rep, &err);
 *   ... rep.problems ...
 *   sohoa_audit_report_release(&rep);
 *
 * Safe while sohoad runs: it reads the store and appends events.
 */
#ifndef SOHOA_AUDIT_H
#define SOHOA_AUDIT_H

#include <limits.h>
#include <stdint.h>
#include "sohoa/sohoa.h"
#include "sohoa/conf.h"
#include "sohoa/catalog.h"

struct sohoa_package_schemas;

typedef struct sohoa_audit_options {
	const char *since;         /* ISO 8601 UTC: only records whose last fixity
	                              check is older, failed, or never was; NULL =
	                              every record */
	long long sample_n;        /* > 0: a random sample of at most this many */
	double sample_pct;         /* > 0: a random sample of this percentage */
	unsigned long long seed;   /* of the sample */
	const char *agent;         /* events' agent; NULL: no events recorded */
	int no_backup;             /* 1: do not look at backup_dir */
	/* Called after each record (may be NULL). */
	void (*progress)(void *arg, long long done, long long total, long long bytes);
	void *progress_arg;
} sohoa_audit_options;

typedef struct sohoa_audit_problem {
	int64_t record_id;         /* 0: not about one record (the backup folder) */
	char file[PATH_MAX];       /* the file's path */
	char kind[16];             /* "mismatch", "missing", "invalid", "unreachable" */
	char msg[512];
} sohoa_audit_problem;

typedef struct sohoa_audit_report {
	long long records_total;   /* done records in the catalog */
	long long records_selected;/* after --since and --sample */
	long long records_checked;
	long long records_failed;
	long long files_checked;
	long long bytes;           /* bytes read and hashed */
	double seconds;
	int backup_configured;
	int backup_reachable;
	char backup_dir[PATH_MAX];
	long long backup_records_checked;
	long long backup_pending;  /* records the backup does not hold yet (being caught up) */
	sohoa_audit_problem *problems;     /* owned; freed by _release() */
	int nproblems;
} sohoa_audit_report;

SOHOA_API void sohoa_audit_report_init(sohoa_audit_report *rep);
SOHOA_API void sohoa_audit_report_release(sohoa_audit_report *rep);

/*
 * Audits the records chosen by o (see above).  schemas: the trusted XSDs
 * (package.h); NULL = each package's own.  Returns SOHOA_OK when every
 * file checked is intact and present (and the backup, if configured, is
 * reachable), SOHOA_BAD_INPUT when problems were found (rep lists them),
 * SOHOA_RETRY/FATAL when the audit itself could not run.
 */
SOHOA_API sohoa_status sohoa_audit_run(const sohoa_conf *conf, sohoa_catalog *cat,
    const struct sohoa_package_schemas *schemas, const sohoa_audit_options *o,
    sohoa_audit_report *rep, sohoa_error *err);

/*
 * Parses --since: a duration back from now ("7d", "12h", "30m", "2w",
 * "90s") or a date ("2025-07-01", local midnight) or date-time
 * ("2025-07-01T08:00:00", local; a final "Z": UTC).  Writes the ISO 8601
 * UTC form events use into out (32 bytes).  SOHOA_BAD_INPUT if neither.
 */
SOHOA_API sohoa_status sohoa_audit_parse_since(const char *text, long long now, char out[32],
    sohoa_error *err);

#endif
