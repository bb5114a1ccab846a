/*
 * backup.h - a second copy of the store on another disk (backup_dir), kept
 * in step record by record by the daemon, and the way back (restore).
 *
 * The backup folder:
 *
 *   <backup_dir>/sohoa-backup.id               this copy's random id (the marker)
 *   <backup_dir>/spool/done/<spool_id>/        the record's spool entry: original,
 *                                              envelope, OCR output, document.pdf
 *   <backup_dir>/aip/<package name>/           the record's TT 05 package
 *   <backup_dir>/manifests/<spool_id>.sha256   every file of both, in the format of
 *                                              sha256sum -c, paths relative to backup_dir
 *   <backup_dir>/catalog.db                    a consistent copy of the catalog
 *                                              (one file, rollback-journal mode)
 *
 * Rules:
 *  1. backup_dir itself is never created: it is a mount point the
 *     administrator provides.  Missing, it is "the backup disk is missing":
 *     logged, retried every minute, ingestion goes on.
 *  2. The marker is created on first use.  Once the catalog knows records
 *     were copied to some backup, a backup_dir without a marker is taken
 *     for an unmounted disk (an empty mount point) and is not written to;
 *     to start a new copy on a fresh disk, create an empty
 *     <backup_dir>/sohoa-backup.id.
 *  3. A record is copied after it is done and packaged: each file into a
 *     temporary folder on the backup disk, hashed while it is read, fsynced;
 *     the original must match records.hash, METS.xml package_mets_hash, the
 *     other package files and document.pdf the checksums in METS.xml (a
 *     damaged store is never copied over a good backup); then the folders
 *     are renamed into place, the manifest written, and only then the
 *     catalog's backup_copies row and a "replication" event.
 *  4. The catalog copy (sqlite3 backup API into a temporary file, fsync,
 *     rename) is taken when no record is waiting to be copied, at most once
 *     a minute while the catalog changes, and at shutdown.  So every done
 *     record of a catalog copy has its files in the backup; records copied
 *     after it are found by restore in spool/done and queued for OCR again.
 *  5. Only one process writes a backup folder: the holder of the spool lock
 *     (sohoad, or a one-shot 'sohoa ingest').  Left-over temporary folders
 *     are removed when it first opens the folder.
 */
#ifndef SOHOA_BACKUP_H
#define SOHOA_BACKUP_H

#include <stdint.h>
#include <time.h>
#include "sohoa/sohoa.h"
#include "sohoa/conf.h"
#include "sohoa/catalog.h"
#include "sohoa/engine.h"

#define SOHOA_BACKUP_ID_MAX 40

/*
 * Checks that dir is a usable backup folder and reads its id (rule 2).
 * create: the marker may be created (the daemon); else a folder without
 * one is refused (audit).  SOHOA_RETRY when the folder is missing or looks
 * unmounted, with a message saying so.
 */
SOHOA_API sohoa_status sohoa_backup_open_dir(const char *dir, sohoa_catalog *cat, int create,
    char id[SOHOA_BACKUP_ID_MAX], sohoa_error *err);

/* What one copy did. */
typedef struct sohoa_backup_stats {
	long long files;
	long long bytes;
} sohoa_backup_stats;

/*
 * Copies done record rid (its spool entry and its package, rule 3) to dir,
 * whose id is backup_id.  SOHOA_BAD_INPUT: the record's files in the store
 * do not match the catalog or METS (nothing is copied; 'sohoa audit' says
 * more); SOHOA_RETRY: the backup disk failed.
 */
SOHOA_API sohoa_status sohoa_backup_copy_record(const char *dir, const char *backup_id,
    const sohoa_conf *conf, sohoa_catalog *cat, int64_t rid, const char *agent,
    sohoa_backup_stats *stats, sohoa_error *err);

/* A consistent copy of the catalog into dir/catalog.db (rule 4). */
SOHOA_API sohoa_status sohoa_backup_copy_catalog(const char *dir, sohoa_catalog *cat, sohoa_error *err);

/* Records not (or not currently) in the backup with this id: count. */
SOHOA_API long long sohoa_backup_pending(sohoa_catalog *cat, const char *backup_id);

/*
 * The daemon's driver: a handle remembering the backup's id, when to try
 * again after a failure and when the catalog was last copied.  Every
 * function does nothing when conf->backup_dir is empty or b is NULL, logs
 * through log (may be NULL), and never fails the caller: a backup problem
 * never stops ingestion.
 */
typedef struct sohoa_backup sohoa_backup;

/* NULL on OOM (then there are no backups; the functions accept NULL). */
SOHOA_API sohoa_backup *sohoa_backup_new(const char *agent);
SOHOA_API void sohoa_backup_free(sohoa_backup *b);

/* After record id is done and (re)packaged: copy it now. */
SOHOA_API void sohoa_backup_record_done(sohoa_backup *b, const sohoa_conf *conf, sohoa_catalog *cat,
    int64_t id, sohoa_log_fn *log, void *log_arg);

/* Every turn of the loop: retries after a failure (every 60 s), catches up
 * records not yet copied (a few per call, each minute or after an outage),
 * copies the catalog when due. */
SOHOA_API void sohoa_backup_tick(sohoa_backup *b, const sohoa_conf *conf, sohoa_catalog *cat,
    time_t now, sohoa_log_fn *log, void *log_arg);

/* At shutdown: catches up for at most a few seconds, then copies the
 * catalog if nothing is left waiting. */
SOHOA_API void sohoa_backup_finish(sohoa_backup *b, const sohoa_conf *conf, sohoa_catalog *cat,
    sohoa_log_fn *log, void *log_arg);

/* ---- restore --------------------------------------------------------- */

typedef struct sohoa_restore_options {
	const char *from;          /* the backup folder */
	const char *state_dir;     /* the state folder to rebuild */
	const char *package_dir;   /* where the packages go */
	int force;                 /* a non-empty target is moved aside, not refused */
	/* Called after each record (may be NULL). */
	void (*progress)(void *arg, long long done, long long total);
	void *progress_arg;
} sohoa_restore_options;

typedef struct sohoa_restore_problem {
	int64_t record_id;         /* 0: not about one record */
	char file[512];
	char msg[512];
} sohoa_restore_problem;

typedef struct sohoa_restore_report {
	long long records;         /* done records restored (entry and package) */
	long long requeued;        /* entries restored into incoming/ for OCR again */
	long long not_in_backup;   /* catalog records whose files the backup lacks */
	long long files, bytes;
	double seconds;
	int not_empty;             /* refused: the target is not empty (no force) */
	char moved_aside[512];     /* with force: where the old content went */
	sohoa_restore_problem *problems;   /* owned; freed by _release() */
	int nproblems;
} sohoa_restore_report;

SOHOA_API void sohoa_restore_report_init(sohoa_restore_report *rep);
SOHOA_API void sohoa_restore_report_release(sohoa_restore_report *rep);

/*
 * Rebuilds state_dir (spool done/ entries, catalog) and package_dir from a
 * backup folder, verifying every file against the manifest (and the
 * original against the catalog, METS.xml against package_mets_hash) as it
 * is copied.  Takes the spool lock of state_dir: SOHOA_RETRY when another
 * process (sohoad) holds it.  A non-empty target is refused
 * (SOHOA_BAD_INPUT, rep->not_empty) unless force, which moves the old
 * catalog, spool entries and packages into <state_dir>/before-restore-<time>/
 * (nothing is deleted).  The catalog is written last; package_path is set
 * to the new package_dir.  Returns SOHOA_OK when everything was restored
 * and verified, SOHOA_BAD_INPUT when problems were found (rep lists them;
 * what could be restored is), SOHOA_FATAL when the backup is unusable.
 */
SOHOA_API sohoa_status sohoa_restore(const sohoa_restore_options *opt, sohoa_restore_report *rep,
    sohoa_error *err);

#endif
