/*
 * desk.h - what the văn thư's desk in sohoa-web (web/desk_quarantine.c)
 * and sohoad (daemon/sohoad_export.c) need from the catalog and the
 * quarantine folder: the quarantined files and their removal, the probable
 * duplicates and their resolution, the export ledger, and the queue of
 * export requests that the web makes and the daemon runs.
 *
 * Invariants:
 *  1. sohoa-web never runs an export (it cannot read the signing key): it
 *     queues a request (sohoa_export_request_add); sohoad claims it
 *     (_claim: pending -> running), runs sohoa_export_run() and records the
 *     outcome (_finish: running -> done | failed).  At most one request per
 *     month is pending or running (a unique index).
 *  2. A request left running by a daemon that stopped is failed at the next
 *     start (_fail_running), never run twice behind a person's back.
 *  3. The quarantine folder is the share's: every file in it is reached
 *     through folder fds without following links (fsutil.h), and only the
 *     object the catalog names is removed.
 *  4. Nothing here forgets a record: a deleted quarantined file keeps its
 *     record and events (quarantine_released = 2); a dropped duplicate
 *     leaves the live set (state 'quarantined', reason duplicate; its pages
 *     and fields out of the catalog and the search index) but keeps its
 *     record, events, spool entry and package (which hold them).  Every
 *     change is an
 *     event naming the person.
 *
 * Strings in the structs are NUL-terminated, cut to their buffers.
 */
#ifndef SOHOA_DESK_H
#define SOHOA_DESK_H

#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>
#include "sohoa/sohoa.h"
#include "sohoa/catalog.h"
#include "sohoa/conf.h"

/* ---- export requests ---------------------------------------------------- */

typedef struct sohoa_export_request {
	int64_t id;
	char month[8];
	int force;                 /* the open month or a month again, confirmed */
	char requested_by[64];
	char requested_at[32];
	char started_at[32];       /* "" when not yet */
	char finished_at[32];
	char state[12];            /* pending, running, done, failed */
	char message[600];
	int64_t bundle_id;         /* 0 when none */
} sohoa_export_request;

/* Queues an export of month ("YYYY-MM") for user; its id into *id (may be
 * NULL).  SOHOA_BAD_INPUT (a Vietnamese message) when a request for that
 * month is already waiting or running. */
SOHOA_API sohoa_status sohoa_export_request_add(sohoa_catalog *cat, const char *month, int force,
    const char *user, int64_t *id, sohoa_error *err);

/* Takes the oldest pending request and marks it running.  1 with *req set,
 * 0 when none waits, -1 on a catalog error (err set). */
SOHOA_API int sohoa_export_request_claim(sohoa_catalog *cat, sohoa_export_request *req, sohoa_error *err);

/* Records the outcome of a running request: done (ok) or failed, with the
 * message and the bundle written (0: none).  Does nothing to a request
 * that is not running. */
SOHOA_API sohoa_status sohoa_export_request_finish(sohoa_catalog *cat, int64_t id, int ok,
    const char *message, int64_t bundle_id, sohoa_error *err);

/* Fails every running request with message (invariant 2).  The number
 * failed, or -1. */
SOHOA_API int sohoa_export_request_fail_running(sohoa_catalog *cat, const char *message);

/* One request by id: 1 found, 0 not. */
SOHOA_API int sohoa_export_request_get(sohoa_catalog *cat, int64_t id, sohoa_export_request *req);

/* The last limit requests, newest first, into *out (malloc'd, caller
 * frees; NULL when none) and *n. */
SOHOA_API sohoa_status sohoa_export_requests_list(sohoa_catalog *cat, int limit,
    sohoa_export_request **out, int *n, sohoa_error *err);

/* ---- the ledger --------------------------------------------------------- */

typedef struct sohoa_export_bundle_row {
	int64_t id;
	char month[8];
	char file_name[200];
	char path[PATH_MAX];       /* the tar, resolved (store.h) */
	char bundle_hash[80];
	long long size;
	long long sips, records;
	char created_at[32];
	char uploaded_at[32];
	char exported_at[32];      /* "" when the month is not (yet) exported */
	char upload_error[300];
} sohoa_export_bundle_row;

/* The ledger, oldest first, into *out (malloc'd, caller frees) and *n. */
SOHOA_API sohoa_status sohoa_export_bundles_list(const sohoa_conf *conf, sohoa_catalog *cat,
    sohoa_export_bundle_row **out, int *n, sohoa_error *err);
/* One bundle row by id: 1 found, 0 not. */
SOHOA_API int sohoa_export_bundle_get(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id,
    sohoa_export_bundle_row *row);

/* ---- the quarantine ------------------------------------------------------ */

typedef struct sohoa_quarantined {
	int64_t id;
	char name[768];            /* the original file name, NFC */
	char origin[768];          /* the inbox sub-folder, "" for the inbox itself */
	char qname[PATH_MAX];      /* its name under the quarantine folder */
	char reason[32];           /* the reason key (error.c) */
	char message[1024];        /* what went wrong, as recorded */
	char created_at[32];
	long long size;
	int64_t duplicate_of;      /* 0 when none */
} sohoa_quarantined;

/* Files in the quarantine folder now (published, neither put back nor
 * deleted), oldest first, into *out (malloc'd, caller frees) and *n. */
SOHOA_API sohoa_status sohoa_quarantine_list(sohoa_catalog *cat, sohoa_quarantined **out, int *n,
    sohoa_error *err);
/* One of them by record id: 1 found (and still in the folder), 0 not. */
SOHOA_API int sohoa_quarantine_get(sohoa_catalog *cat, int64_t id, sohoa_quarantined *q);

/*
 * Opens the quarantined file q->qname for reading (invariant 3): the fd,
 * with *st set; -1 with errno (EISDIR: a document folder, ELOOP: a link,
 * EFBIG: larger than max_bytes).  The caller closes the fd.
 */
SOHOA_API int sohoa_quarantine_open(const sohoa_conf *conf, const sohoa_quarantined *q,
    long long max_bytes, struct stat *st);

/* The text of q's reason file (".ly-do.txt"), at most 16 KiB, into *text
 * (malloc'd, caller frees).  SOHOA_BAD_INPUT when there is none. */
SOHOA_API sohoa_status sohoa_quarantine_reason_file(const sohoa_conf *conf, const sohoa_quarantined *q,
    char **text, sohoa_error *err);

/* Deletes the quarantined file (or document folder) of record id and its
 * reason file, marks it deleted, and adds a "deletion" event naming user.
 * SOHOA_BAD_INPUT when it is not in the quarantine. */
SOHOA_API sohoa_status sohoa_quarantine_delete(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id,
    const char *user, sohoa_error *err);

/*
 * The first page of the file at path (TIFF, PNG, JPEG or PDF; untrusted:
 * conf's max_pixels bounds the page before it is decoded) as a PNG at most
 * max_width pixels wide, into *png (malloc'd, caller frees) and *len.
 * SOHOA_BAD_INPUT with image.h's reason and a message when it cannot be
 * decoded.  Callers serialise calls (lib/preview.c; Leptonica and poppler
 * are not known to be thread-safe here).
 */
SOHOA_API sohoa_status sohoa_preview_png(const char *path, const sohoa_conf *conf, int max_width,
    unsigned char **png, size_t *len, sohoa_error *err);
/* Whether the first page decodes (as above, without the PNG); the same
 * errors. */
SOHOA_API sohoa_status sohoa_preview_check(const char *path, const sohoa_conf *conf, sohoa_error *err);

/* ---- probable duplicates ------------------------------------------------- */

typedef struct sohoa_duplicate_pair {
	int64_t id;                /* the later record, flagged */
	int64_t of;                /* the record it probably duplicates */
	char name[768], of_name[768];
} sohoa_duplicate_pair;

/* Done records flagged as probable duplicates of a done record, oldest
 * first, into *out (malloc'd, caller frees) and *n. */
SOHOA_API sohoa_status sohoa_duplicates_list(sohoa_catalog *cat, sohoa_duplicate_pair **out, int *n,
    sohoa_error *err);
/* The pair of flagged record id: 1 found, 0 not. */
SOHOA_API int sohoa_duplicate_get(sohoa_catalog *cat, int64_t id, sohoa_duplicate_pair *p);

/* Both are kept: the flag on id is cleared; an event names user. */
SOHOA_API sohoa_status sohoa_duplicate_keep_both(sohoa_catalog *cat, int64_t id, const char *user,
    sohoa_error *err);

/* Of the pair of flagged record id, drop (id itself or the record it
 * duplicates) leaves the live set (invariant 4); the other stays.  Refused
 * (SOHOA_BAD_INPUT) when drop was sent in an export bundle already: what
 * the archive received is not withdrawn from here. */
SOHOA_API sohoa_status sohoa_duplicate_drop(sohoa_catalog *cat, int64_t id, int64_t drop,
    const char *user, sohoa_error *err);

#endif
