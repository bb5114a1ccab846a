/*
 * spool.h - the on-disk queue.  The directory an entry is in is its state.
 *
 *   <state_dir>/spool/tmp/<id>/        being built by pickup; removed at start-up
 *   <state_dir>/spool/incoming/<id>/   taken from the inbox, waiting for OCR
 *   <state_dir>/spool/active/<id>/     with an OCR worker
 *   <state_dir>/spool/deferred/<id>/   to be tried again later
 *   <state_dir>/spool/done/<id>/       OCRed and recorded
 *   <state_dir>/spool/quarantine/<id>/ rejected, until published to the
 *                                      archivists' quarantine folder
 *
 * An entry is a directory holding "original" (the scan, byte for byte) and
 * "envelope" (what pickup knew: name, origin, hash, size, mtime), so that
 * the catalog row can always be rebuilt from the spool alone.  A document
 * made of several files (a folder with tailieu.txt, tailieu.h) has
 * original.001, original.002, ... and originals.sha256 instead of
 * "original".
 *
 * Invariants (each is tested in tests/unit/test_spool.c):
 *  1. An entry appears in incoming/ only complete: its files are fsynced and
 *     the directory is renamed from tmp/ in one rename().
 *  2. The original leaves the inbox only after invariant 1 holds for its copy.
 *  3. Every later change of state is one rename() of the entry directory,
 *     followed by an fsync of both parent directories.
 *  4. Whatever is in tmp/ at start-up is incomplete and is removed; the
 *     inbox still holds its original.
 *  5. Whatever is in active/ at start-up goes back to incoming/.
 */
#ifndef SOHOA_SPOOL_H
#define SOHOA_SPOOL_H

#include <sys/stat.h>
#include "sohoa/sohoa.h"
#include "sohoa/hash.h"
#include "sohoa/state.h"

typedef struct sohoa_spool sohoa_spool;

#define SOHOA_SPOOL_ID_MAX 48

/* What pickup records about a scan.  Strings are owned by the envelope. */
typedef struct sohoa_envelope {
	char spool_id[SOHOA_SPOOL_ID_MAX];
	char hash[SOHOA_HASH_TEXT_MAX];
	long long size;
	long long mtime_ns;
	char *name;            /* NFC text (invalid bytes shown as U+FFFD) */
	char *name_raw;        /* the bytes as found */
	size_t name_raw_len;
	char *origin;          /* inbox sub-folder, NFC text; "" at the top */
	char *origin_raw;
	size_t origin_raw_len;
	char *inbox_path;      /* path under the inbox, bytes (NUL-terminated) */
	size_t inbox_path_len;
	char picked_at[32];
	/* A document folder (tailieu.h): its files' names, in page order, kept
	 * as original.001 ...; 0 and NULL for a single scan ("original"). */
	int nparts;
	char **part_names;
} sohoa_envelope;

SOHOA_API void sohoa_envelope_release(sohoa_envelope *env);

/* Opens the spool under state_dir, creating its directories.  NULL on error. */
SOHOA_API sohoa_spool *sohoa_spool_open(const char *state_dir, sohoa_error *err);
SOHOA_API void sohoa_spool_free(sohoa_spool *sp);

/* Takes the spool's exclusive lock (one writer: the daemon or a one-shot
 * 'sohoa ingest').  SOHOA_RETRY when another process holds it. */
SOHOA_API sohoa_status sohoa_spool_lock(sohoa_spool *sp, sohoa_error *err);

/* Path of the folder of state (<state_dir>/spool/<sohoa_state_dir>); NULL
 * for a state out of range.  Valid while sp lives. */
SOHOA_API const char *sohoa_spool_dir(const sohoa_spool *sp, sohoa_state state);

/* Path of an entry, or of a file inside it when file is not NULL, into buf.
 * Returns buf. */
SOHOA_API char *sohoa_spool_path(const sohoa_spool *sp, sohoa_state state, const char *id,
    const char *file, char *buf, size_t size);

/*
 * Copies root/relpath into a new incoming/ entry while hashing it (SHA-256),
 * after checking that it is a regular file (not followed if a link) whose
 * size and mtime still equal *seen.  Does not touch the original.
 *   SOHOA_BAD_INPUT  with err->reason SYMLINK, NOT_REGULAR, UNREADABLE or
 *                    TOO_LARGE: the file cannot enter the spool;
 *   SOHOA_RETRY      it changed while being copied, or the disk is full.
 */
SOHOA_API sohoa_status sohoa_spool_pickup(sohoa_spool *sp, const char *root, const char *relpath,
    const struct stat *seen, long long max_size, sohoa_envelope *env, sohoa_error *err);

/* The same for the file name in the open folder dfd (relpath gives the
 * record its names).  *obj (when not NULL) gets what was found under the
 * name whatever it is, even when it is refused, for the caller to move or
 * remove that very object (sohoa_fs_unlink_same()). */
SOHOA_API sohoa_status sohoa_spool_pickup_at(sohoa_spool *sp, int dfd, const char *name,
    const char *relpath, const struct stat *seen, long long max_size, sohoa_envelope *env,
    struct stat *obj, sohoa_error *err);

/*
 * The same for a document folder root/reldir read by sohoa_tailieu_read():
 * every part is copied as original.NNN (same checks as above, each against
 * what t says), originals.sha256 lists them, and env->hash is that list's
 * SHA-256; env->size is the parts' total, env->mtime_ns t's signature.
 */
struct sohoa_tailieu;
SOHOA_API sohoa_status sohoa_spool_pickup_parts(sohoa_spool *sp, const char *root, const char *reldir,
    const struct sohoa_tailieu *t, long long max_size, sohoa_envelope *env, sohoa_error *err);
/* The same with the folder already open as dfd (reldir names the record). */
SOHOA_API sohoa_status sohoa_spool_pickup_parts_at(sohoa_spool *sp, int dfd, const char *reldir,
    const struct sohoa_tailieu *t, long long max_size, sohoa_envelope *env, sohoa_error *err);

/* Moves entry id from one state to another (invariant 3). */
SOHOA_API sohoa_status sohoa_spool_move(sohoa_spool *sp, const char *id, sohoa_state from,
    sohoa_state to, sohoa_error *err);

/* Reads the envelope of an entry. */
SOHOA_API sohoa_status sohoa_spool_read_envelope(const sohoa_spool *sp, sohoa_state state,
    const char *id, sohoa_envelope *env, sohoa_error *err);

/* Removes an entry (after its content is safe elsewhere). */
SOHOA_API sohoa_status sohoa_spool_remove(sohoa_spool *sp, sohoa_state state, const char *id,
    sohoa_error *err);

/* Calls fn for each entry in a state directory, in name order; stops when fn
 * returns non-zero and returns that value (0: all seen, or no such folder). */
SOHOA_API int sohoa_spool_each(const sohoa_spool *sp, sohoa_state state,
    int (*fn)(const char *id, void *arg), void *arg);

/* Removes everything in tmp/ (invariant 4). */
SOHOA_API sohoa_status sohoa_spool_clean_tmp(sohoa_spool *sp, sohoa_error *err);

/* A display form of arbitrary bytes: valid UTF-8 kept, invalid bytes shown
 * as U+FFFD, then NFC.  Caller frees.  NULL on OOM. */
SOHOA_API char *sohoa_text_from_bytes(const char *bytes, size_t len);

#endif
