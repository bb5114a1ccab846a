/*
 * engine.h - the pipeline: pickup, duplicates, quarantine, OCR dispatch and
 * recording, and the reconciliation of spool and catalog at start-up.  The
 * daemon drives it from its event loop; 'sohoa ingest' drives it until the
 * queue is empty.  Single-threaded: OCR runs in worker processes.
 *
 *   sohoa_engine *e = sohoa_engine_open(&conf, &opts, &err);  // locks the spool,
 *                                          // reconciles, starts the workers
 *   loop:
 *     sohoa_engine_take(e, inbox, relpath, &st, &res, &err);  // a stable file
 *     n = sohoa_engine_pollfds(e, fds, max); poll(fds, n, ...);
 *     sohoa_engine_step(e, fds, n);         // results in, new jobs out
 *     sohoa_engine_tick(e, time(NULL));     // deferred jobs, watchdog
 *   sohoa_engine_free(e, 10000);
 */
#ifndef SOHOA_ENGINE_H
#define SOHOA_ENGINE_H

#include <poll.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include "sohoa/sohoa.h"
#include "sohoa/conf.h"
#include "sohoa/catalog.h"

/* syslog levels */
#define SOHOA_LOG_ERR 3
#define SOHOA_LOG_WARNING 4
#define SOHOA_LOG_INFO 6
#define SOHOA_LOG_DEBUG 7

typedef void sohoa_log_fn(void *arg, int level, int64_t record_id, const char *msg);

struct sohoa_ocr_runner;     /* ocr.h */

typedef struct sohoa_engine_options {
	const char *agent;      /* "sohoad" or "sohoa", for events */
	sohoa_log_fn *log;      /* may be NULL */
	void *log_arg;
	int no_workers;         /* open for reading and quarantine work only */
	/* The OCR workers (ocr.h); NULL: the real ones, sohoa_ocr_pool_runner.
	 * ocr_arg goes to its open().  Tests give a fake. */
	const struct sohoa_ocr_runner *ocr;
	void *ocr_arg;
} sohoa_engine_options;

typedef struct sohoa_engine sohoa_engine;

/* What became of a file offered to the engine. */
typedef struct sohoa_take_result {
	int64_t record_id;      /* 0 if no record was made (changed, gone) */
	int quarantined;        /* 1 if it went to the quarantine */
	sohoa_reason reason;
	int64_t duplicate_of;
	char quarantine_name[512];
} sohoa_take_result;

SOHOA_API sohoa_engine *sohoa_engine_open(const sohoa_conf *conf, const sohoa_engine_options *opt,
    sohoa_error *err);
SOHOA_API void sohoa_engine_free(sohoa_engine *e, int timeout_ms);

SOHOA_API sohoa_catalog *sohoa_engine_catalog(sohoa_engine *e);

/*
 * Takes root/relpath: copies it into the spool while hashing it, removes
 * the original when remove_original is set (the daemon's inbox), and
 * records it — queued for OCR, or quarantined (duplicate, symlink, ...).
 * SOHOA_RETRY: not taken now (still changing, disk full); try again later.
 */
SOHOA_API sohoa_status sohoa_engine_take(sohoa_engine *e, const char *root, const char *relpath,
    const struct stat *seen, int remove_original, sohoa_take_result *res, sohoa_error *err);

/*
 * The same for a document folder root/reldir (tailieu.h): one record for
 * all its pages.  seen_signature, if not 0, is the folder's signature when
 * it was last seen still; a different one now is SOHOA_RETRY.  A folder
 * that cannot be a document (a page listed but missing, a page that is a
 * link, too large) is quarantined whole, as a folder.
 */
SOHOA_API sohoa_status sohoa_engine_take_folder(sohoa_engine *e, const char *root, const char *reldir,
    long long seen_signature, int remove_original, sohoa_take_result *res, sohoa_error *err);

/* Whether the catalog remembers this inbox file as one it took but could
 * not remove (so the scanner leaves it alone). */
SOHOA_API bool sohoa_engine_already_taken(sohoa_engine *e, const char *relpath, const struct stat *st);

SOHOA_API int sohoa_engine_pollfds(sohoa_engine *e, struct pollfd *fds, int max);
SOHOA_API void sohoa_engine_step(sohoa_engine *e, const struct pollfd *fds, int n);
SOHOA_API void sohoa_engine_tick(sohoa_engine *e, time_t now);
/* Gives queued jobs to idle workers now (step and tick do it too): a
 * caller taking many files calls it after each, so that OCR starts with
 * the first one, not after the last.  It also reads, without waiting, the
 * results of workers whose job ended meanwhile (as step does), so that
 * they get the next job now, not after the last file is taken.
 * more_coming: more files are being taken, so the last job queued does
 * not spread over the idle workers. */
SOHOA_API void sohoa_engine_dispatch(sohoa_engine *e, bool more_coming);

/* Jobs waiting or running (deferred ones not counted). */
SOHOA_API int sohoa_engine_pending(const sohoa_engine *e);
SOHOA_API int sohoa_engine_running(const sohoa_engine *e);
/* Seconds until the next deferred job is due, or -1 if none. */
SOHOA_API long sohoa_engine_next_due(const sohoa_engine *e, time_t now);
/* Stop giving out new jobs (shutdown); running ones may finish. */
SOHOA_API void sohoa_engine_pause(sohoa_engine *e, int paused);

/* Puts a quarantined file back into the inbox for another try.  name is its
 * name under the quarantine folder (as in the reason file). */
SOHOA_API sohoa_status sohoa_quarantine_retry(const sohoa_conf *conf, sohoa_catalog *cat,
    const char *name, char *dest, size_t destlen, sohoa_error *err);

#endif
