/*
 * engine_int.h - what the engine's files share (not a public header):
 * engine.c is the state machine (taking files, OCR jobs, the engine's
 * life), engine_quarantine.c publishes rejected files to the archivists'
 * quarantine folder and puts them back ('sohoa retry'), engine_reconcile.c
 * makes the spool and the catalog agree at start-up and after a write the
 * catalog refused.  The order of every step and the invariants are those
 * of spool.h; each file says which step it owns.
 */
#ifndef SOHOA_ENGINE_INT_H
#define SOHOA_ENGINE_INT_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sohoa/backup.h"
#include "sohoa/engine.h"
#include "sohoa/ocr.h"
#include "sohoa/package.h"
#include "sohoa/sign.h"
#include "sohoa/spool.h"
#include "sohoa/clock.h"

/* The sub-folder of the quarantine for byte-identical duplicates. */
#define DUPLICATE_DIR "trung-lap"
/* The suffix of the reason file beside a quarantined file. */
#define REASON_SUFFIX ".ly-do.txt"

struct job {
	char spool_id[SOHOA_SPOOL_ID_MAX];
	int64_t record_id;
	double started;             /* monotonic seconds when given to a worker */
	int readers;                /* done: Tesseract instances that read its pages */
};

struct sohoa_engine {
	const sohoa_conf *conf;
	sohoa_engine_options opt;
	char agent[64];
	char ocr_agent[64];
	sohoa_spool *spool;
	sohoa_catalog *cat;
	const sohoa_ocr_runner *ocr; /* the OCR workers (opt.ocr or the real pool) */
	void *pool;                 /* its handle; NULL without workers */
	sohoa_package_schemas *schemas; /* NULL: packages are not written */
	sohoa_signer *signer;       /* NULL: PDFs are not signed */
	sohoa_backup *backup;       /* the copy on backup_dir (backup.h); NULL: none */
	struct job *queue;          /* FIFO of incoming jobs */
	size_t qhead, qlen, qcap;
	struct job running[256];    /* indexed by worker */
	int paused;
	int pollmap[256];
	/* A pickup whose record could not be written, or a defer the catalog
	 * did not take (disk full), left the spool and the catalog apart: set
	 * right from tick(), as at start-up, once the catalog takes writes. */
	int orphans;
	time_t orphans_at;
	sohoa_state orphans_state;
};

static inline void
logf_(sohoa_engine *e, int level, int64_t id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static inline void
logf_(sohoa_engine *e, int level, int64_t id, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!e->opt.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	e->opt.log(e->opt.log_arg, level, id, msg);
}

static inline int
queue_push(sohoa_engine *e, const char *spool_id, int64_t record_id)
{
	if (e->qhead + e->qlen == e->qcap) {
		if (e->qhead > 0) {
			memmove(e->queue, e->queue + e->qhead, e->qlen * sizeof *e->queue);
			e->qhead = 0;
		} else {
			size_t cap = e->qcap ? e->qcap * 2 : 64;
			struct job *q = realloc(e->queue, cap * sizeof *q);
			if (!q)
				return -1;
			e->queue = q;
			e->qcap = cap;
		}
	}
	snprintf(e->queue[e->qhead + e->qlen].spool_id, SOHOA_SPOOL_ID_MAX, "%s", spool_id);
	e->queue[e->qhead + e->qlen].record_id = record_id;
	e->qlen++;
	return 0;
}

/* A state (state.h's one vocabulary), as the engine's files write it:
 * STATE_DIR(INCOMING) where the spool folder is meant, STATE_NAME(DONE)
 * where the catalog's record is.  Both are the sohoa_state now: the spool
 * and catalog APIs take the enum and spell it themselves. */
#define STATE_DIR(s) SOHOA_STATE_##s
#define STATE_NAME(s) SOHOA_STATE_##s

/* ---- engine_quarantine.c ---- */

/* A quarantined record as the reason file tells it. */
struct qinfo {
	int64_t id;
	char spool_id[SOHOA_SPOOL_ID_MAX];
	char *name, *origin, *reason, *message, *qname, *inbox_path, *hash, *name_raw;
	size_t inbox_path_len, name_raw_len;
	int64_t dup_of;
	char *dup_name;
	char created[32];
};

int sohoa_eng_qinfo_load(sohoa_catalog *cat, int64_t id, struct qinfo *q);
void sohoa_eng_qinfo_release(struct qinfo *q);
/* A name under the quarantine folder (in sub, "" or "trung-lap") that is
 * free, with its reason file: "name", then "name (2)"... */
void sohoa_eng_quarantine_name(const sohoa_conf *conf, const char *sub, const char *name,
    char *out, size_t size);
/* Puts a quarantined record's file and reason file in the quarantine
 * folder, marks it published, drops the spool copy.  Idempotent. */
sohoa_status sohoa_eng_publish_quarantine(sohoa_engine *e, int64_t id, const struct stat *seen,
    sohoa_error *err);
/* Moves a spool entry to quarantine and records why (file first, then the
 * catalog), then publishes it. */
sohoa_status sohoa_eng_quarantine_entry(sohoa_engine *e, const char *spool_id,
    sohoa_state state, int64_t id, const char *name, sohoa_reason reason, const char *msg,
    int64_t dup_of, sohoa_error *err);

/* ---- engine.c ---- */

/* Records an entry complete in incoming/: duplicate check, record and
 * events, then queued or quarantined. */
sohoa_status sohoa_eng_adopt(sohoa_engine *e, const sohoa_envelope *env, int inbox_removed,
    int keep_inbox_path, sohoa_take_result *res, sohoa_error *err);
/* Removes a taken document folder from the inbox; 1 if every page went. */
struct sohoa_tailieu;
int sohoa_eng_remove_folder(sohoa_engine *e, int pdfd, const char *base, int dfd,
    const struct stat *fst, const struct sohoa_tailieu *t);
/* After OCR: step 1 the fields, step 2 the signed PDF and the package. */
void sohoa_eng_describe(sohoa_engine *e, int64_t id, int step);

/* ---- engine_reconcile.c ---- */

/* Start-up: invariants 4 and 5 of spool.h and their kin, unpublished
 * quarantines, records that lost their entry. */
sohoa_status sohoa_eng_reconcile(sohoa_engine *e, sohoa_error *err);
/* Entries the catalog did not take (e->orphans), set right as at start-up. */
void sohoa_eng_adopt_orphans(sohoa_engine *e, time_t now);
/* Records done but not (re)packaged. */
void sohoa_eng_package_pending(sohoa_engine *e);

#endif
