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
 *  5. sohoa-web never touches the quarantine folder nor the inbox (it runs
 *     as its own user and cannot): retry, delete, keep both and drop are
 *     desk requests (sohoa_desk_request_add) that sohoad claims and carries
 *     out (daemon/sohoad_desk.c), as with exports (invariants 1, 2).
 *  6. sohoa-web never decodes a file nobody vouches for: sohoad renders
 *     the first page in a child process under resource limits
 *     (sohoa_preview_child) into <state_dir>/quarantine-previews/<id>.png,
 *     or stores why there is none (sohoa_preview_store); the web serves the
 *     stored PNG or shows the reason.
 *
 * Strings in the structs are NUL-terminated, cut to their buffers.
 */
#ifndef SOHOA_DESK_H
#define SOHOA_DESK_H

#include <limits.h>
#include <stdbool.h>
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

/* One request by id: true when found. */
SOHOA_API bool sohoa_export_request_get(sohoa_catalog *cat, int64_t id, sohoa_export_request *req);

/* The last limit requests, newest first, into *out (malloc'd, caller
 * frees; NULL when none) and *n. */
SOHOA_API sohoa_status sohoa_export_requests_list(sohoa_catalog *cat, int limit,
    sohoa_export_request **out, int *n, sohoa_error *err);

/* ---- desk requests (invariant 5) ---------------------------------------- */

typedef enum sohoa_desk_action {
	SOHOA_DESK_RETRY, SOHOA_DESK_DELETE, SOHOA_DESK_KEEP, SOHOA_DESK_DROP
} sohoa_desk_action;

typedef struct sohoa_desk_request {
	int64_t id;
	sohoa_desk_action action;
	int64_t record_id;
	int64_t drop_id;           /* SOHOA_DESK_DROP: the record dropped; else 0 */
	char requested_by[64];
	char requested_at[32];
	char finished_at[32];      /* "" when not yet */
	char state[12];            /* pending, running, done, failed */
	char message[600];
} sohoa_desk_request;

/* "retry", "delete", "keep", "drop". */
SOHOA_API const char *sohoa_desk_action_key(sohoa_desk_action a);

/* Queues action on record id for user (drop: the record to drop, else 0);
 * its id into *req_id (may be NULL).  SOHOA_BAD_INPUT (a Vietnamese
 * message) when the same request is already waiting or running. */
SOHOA_API sohoa_status sohoa_desk_request_add(sohoa_catalog *cat, sohoa_desk_action action, int64_t id,
    int64_t drop, const char *user, int64_t *req_id, sohoa_error *err);
/* Takes the oldest pending request and marks it running: 1 with *req set,
 * 0 when none waits, -1 on a catalog error (err set). */
SOHOA_API int sohoa_desk_request_claim(sohoa_catalog *cat, sohoa_desk_request *req, sohoa_error *err);
/* Records the outcome of a running request (done when ok, else failed). */
SOHOA_API sohoa_status sohoa_desk_request_finish(sohoa_catalog *cat, int64_t id, int ok,
    const char *message, sohoa_error *err);
/* Fails every running request with message.  The number failed, or -1. */
SOHOA_API int sohoa_desk_request_fail_running(sohoa_catalog *cat, const char *message);
/* The last limit requests, newest first, into *out (malloc'd, caller
 * frees; NULL when none) and *n. */
SOHOA_API sohoa_status sohoa_desk_requests_list(sohoa_catalog *cat, int limit, sohoa_desk_request **out,
    int *n, sohoa_error *err);
/* The newest request on record id that is waiting or running: true when found. */
SOHOA_API bool sohoa_desk_request_live(sohoa_catalog *cat, int64_t id, sohoa_desk_request *req);

/* ---- quarantine previews (invariant 6) ---------------------------------- */

typedef struct sohoa_quarantined sohoa_quarantined;   /* below */

#define SOHOA_PREVIEW_DIR "quarantine-previews"   /* under state_dir */
#define SOHOA_PREVIEW_WIDTH 900
#define SOHOA_PREVIEW_MAX_BYTES (64LL << 20)      /* larger files: not previewed */

typedef struct sohoa_preview_row {
	int64_t record_id;
	char made_at[32];
	char status[8];            /* png, bad, none */
	char reason[32];           /* bad: the reason key */
	char message[600];
	char *note;                /* the reason file's text, or NULL (malloc'd) */
	char file_sig[96];         /* sohoa_preview_file_sig of the file rendered */
} sohoa_preview_row;

/* Record id's preview: true when found (p->note to free), false: none yet. */
SOHOA_API bool sohoa_preview_get(sohoa_catalog *cat, int64_t id, sohoa_preview_row *p);
/* The quarantined records (invariant 3's live set) with no preview yet,
 * at most max, oldest first, into ids; their number. */
SOHOA_API int sohoa_preview_missing(sohoa_catalog *cat, int64_t *ids, int max);
/* "<state_dir>/quarantine-previews/<id>.png" into buf. */
SOHOA_API void sohoa_preview_path(const sohoa_conf *conf, int64_t id, char *buf, size_t size);

/*
 * In a child process (after fork): limits itself (address space to
 * memory_mb when > 0, CPU to cpu_seconds, no core, written files to 16
 * MiB), opens q's file (sohoa_quarantine_open), renders its first page
 * and writes to fd either the PNG, or a line "bad <reason key>" or
 * "none" followed by a message.  Returns the exit code: 0 PNG, 2 a reason.
 */
SOHOA_API int sohoa_preview_child(const sohoa_conf *conf, const sohoa_quarantined *q, int fd,
    long long memory_mb, int cpu_seconds);
/*
 * In the parent: what the child of record id wrote to fd (read from the
 * start) and how it ended (a waitpid status) become the stored preview:
 * the PNG written durably, 0640, into the preview folder (made 0750 when
 * missing), or the reason; the reason file's text (reason_note, may be
 * NULL) stored beside it.  A child killed by a limit is stored as a file
 * that does not decode.
 */
SOHOA_API sohoa_status sohoa_preview_store(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id,
    int fd, int wstatus, const char *reason_note, const char *file_sig, sohoa_error *err);
/* What identifies q's file now (inode, size, modification time; "" when
 * it cannot be reached), for sohoa_preview_store before the child starts. */
SOHOA_API void sohoa_preview_file_sig(const sohoa_conf *conf, const sohoa_quarantined *q, char *buf,
    size_t size);
/* The quarantined records whose file is no longer the one their preview
 * was made of (replaced in the quarantine folder), at most max, into ids;
 * their number.  The loop forgets them so that they are made again. */
SOHOA_API int sohoa_preview_stale(const sohoa_conf *conf, sohoa_catalog *cat, int64_t *ids, int max);
/* Forgets record id's preview: the row and the PNG (when it leaves the
 * quarantine). */
SOHOA_API void sohoa_preview_forget(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id);
/* The whole of it at once, forking and waiting (tests, 'sohoa' tools):
 * record id's preview made and stored, with memory_mb and cpu_seconds. */
SOHOA_API sohoa_status sohoa_preview_make(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id,
    long long memory_mb, int cpu_seconds, sohoa_error *err);

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
/* One bundle row by id: true when found. */
SOHOA_API bool sohoa_export_bundle_get(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id,
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
/* One of them by record id: true when found (and still in the folder). */
SOHOA_API bool sohoa_quarantine_get(sohoa_catalog *cat, int64_t id, sohoa_quarantined *q);

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
/* The pair of flagged record id: true when found. */
SOHOA_API bool sohoa_duplicate_get(sohoa_catalog *cat, int64_t id, sohoa_duplicate_pair *p);

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
