/*
 * engine.c - the pipeline as a state machine on disk (ARCHITECTURE.md):
 *
 *   inbox --take--> spool/incoming --dispatch--> spool/active --OCR ok--> spool/done
 *                        |                            |--bad input--> quarantine
 *                        |--duplicate--> quarantine   |--crash/timeout--> spool/deferred
 *
 * Order of every step: the file moves first (rename), the catalog row is
 * committed after; reconcile() at start-up makes them agree again after a
 * crash at any instant (see the invariants in spool.h).  Publishing to the
 * quarantine folder is in engine_quarantine.c, the start-up reconcile in
 * engine_reconcile.c (engine_int.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

#include "sohoa/backup.h"
#include "sohoa/describe.h"
#include "sohoa/engine.h"
#include "sohoa/fsutil.h"
#include "sohoa/hash.h"
#include "sohoa/ocr.h"
#include "sohoa/package.h"
#include "sohoa/search.h"
#include "sohoa/sign.h"
#include "sohoa/spool.h"
#include "sohoa/store.h"
#include "sohoa/tailieu.h"
#include "sohoa/catalog_queue.h"
#include "engine_int.h"

/* ---- taking files ---------------------------------------------------- */

/*
 * Records an entry that is complete in incoming/ (fresh from pickup, or
 * found without a record at start-up): checks for a duplicate, inserts
 * the record with its events, and queues it or quarantines it.
 */
sohoa_status
sohoa_eng_adopt(sohoa_engine *e, const sohoa_envelope *env, int inbox_removed, int keep_inbox_path,
    sohoa_take_result *res, sohoa_error *err)
{
	int64_t dup = sohoa_catalog_find_live_hash(e->cat, env->hash), id = 0;
	sohoa_record_new r = {
		.spool_id = env->spool_id, .state = STATE_NAME(INCOMING), .hash = env->hash,
		.size = env->size, .name = env->name, .name_raw = env->name_raw,
		.name_raw_len = env->name_raw_len, .origin = env->origin,
		.origin_raw = env->origin_raw, .origin_raw_len = env->origin_raw_len,
		.inbox_path = keep_inbox_path ? env->inbox_path : NULL,
		.inbox_path_len = env->inbox_path_len, .source_mtime_ns = env->mtime_ns,
		.inbox_removed = inbox_removed,
	};
	char detail[256], msg[128], qname[PATH_MAX];

	if (dup) {
		/* The file moves first: the record is born quarantined, with its
		 * reason and quarantine name in the same transaction (a record
		 * quarantined without them could never be published: the fault
		 * sweep, test_fault.c, found it at a failed or killed commit). */
		if (sohoa_spool_move(e->spool, env->spool_id, STATE_DIR(INCOMING),
		    STATE_DIR(QUARANTINED), err) != SOHOA_OK)
			return err->status;
		r.state = STATE_NAME(QUARANTINED);
		snprintf(msg, sizeof msg, "identical to record %lld (%s)", (long long)dup,
		    env->hash);
		sohoa_eng_quarantine_name(e->conf, DUPLICATE_DIR, env->name, qname, sizeof qname);
	}
	if (sohoa_catalog_begin(e->cat, err) != SOHOA_OK)
		return err->status;
	snprintf(detail, sizeof detail, "%s, %lld bytes", env->hash, env->size);
	if (sohoa_catalog_record_insert(e->cat, &r, &id, err) != SOHOA_OK
	    || sohoa_catalog_event_add(e->cat, id, "ingestion", e->agent, "success",
	    env->origin[0] ? env->origin : NULL, err) != SOHOA_OK
	    || sohoa_catalog_event_add(e->cat, id, "message digest calculation", e->agent,
	    "success", detail, err) != SOHOA_OK
	    || (dup && (sohoa_catalog_quarantine(e->cat, id,
	    sohoa_reason_key(SOHOA_REASON_DUPLICATE), msg, qname, dup, err) != SOHOA_OK
	    || sohoa_catalog_event_add(e->cat, id, "duplicate", e->agent, "warning", msg, err)
	    != SOHOA_OK
	    || sohoa_catalog_event_add(e->cat, dup, "duplicate", e->agent, "warning", msg, err)
	    != SOHOA_OK))
	    || sohoa_catalog_commit(e->cat, err) != SOHOA_OK) {
		sohoa_catalog_rollback(e->cat);
		return err->status;
	}
	if (res) {
		res->record_id = id;
		res->duplicate_of = dup;
	}
	if (dup) {
		if (res) {
			res->quarantined = 1;
			res->reason = SOHOA_REASON_DUPLICATE;
		}
		return sohoa_eng_publish_quarantine(e, id, NULL, err);
	}
	logf_(e, SOHOA_LOG_DEBUG, id, "took %s%s%s (%s)", env->origin, *env->origin ? "/" : "",
	    env->name, env->hash);
	if (queue_push(e, env->spool_id, id) != 0)
		return sohoa_error_oom(err);
	return SOHOA_OK;
}

/* Quarantines an inbox file that cannot enter the spool (symlink, device,
 * unreadable, too large): a record without content, then publish. */
static sohoa_status
reject_unspooled(sohoa_engine *e, const char *relpath, const struct stat *seen,
    const sohoa_error *why, sohoa_take_result *res, sohoa_error *err)
{
	sohoa_envelope env;
	char qname[PATH_MAX], sid[SOHOA_SPOOL_ID_MAX];
	const char *slash = strrchr(relpath, '/');
	const char *base = slash ? slash + 1 : relpath;
	int64_t id = 0;
	struct timespec ts;

	memset(&env, 0, sizeof env);
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(sid, sizeof sid, "x%lld.%09ld-%d", (long long)ts.tv_sec, ts.tv_nsec,
	    (int)getpid());
	env.name = sohoa_text_from_bytes(base, strlen(base));
	env.origin = sohoa_text_from_bytes(relpath, slash ? (size_t)(slash - relpath) : 0);
	if (!env.name || !env.origin) {
		sohoa_envelope_release(&env);
		return sohoa_error_oom(err);
	}
	{
		sohoa_record_new r = {
			.spool_id = sid, .state = STATE_NAME(QUARANTINED), .hash = NULL,
			.size = seen ? seen->st_size : 0, .name = env.name, .name_raw = base,
			.name_raw_len = strlen(base), .origin = env.origin, .origin_raw = relpath,
			.origin_raw_len = slash ? (size_t)(slash - relpath) : 0,
			.inbox_path = relpath, .inbox_path_len = strlen(relpath),
			.source_mtime_ns = seen ? (long long)seen->st_mtim.tv_sec * 1000000000LL
			    + seen->st_mtim.tv_nsec : 0,
			.inbox_removed = 0,
		};
		sohoa_eng_quarantine_name(e->conf, "", env.name, qname, sizeof qname);
		if (sohoa_catalog_begin(e->cat, err) != SOHOA_OK
		    || sohoa_catalog_record_insert(e->cat, &r, &id, err) != SOHOA_OK
		    || sohoa_catalog_quarantine(e->cat, id, sohoa_reason_key(why->reason), why->msg,
		    qname, 0, err) != SOHOA_OK
		    || sohoa_catalog_event_add(e->cat, id, "quarantine", e->agent, "failure",
		    why->msg, err) != SOHOA_OK
		    || sohoa_catalog_commit(e->cat, err) != SOHOA_OK) {
			sohoa_catalog_rollback(e->cat);
			sohoa_envelope_release(&env);
			return err->status;
		}
	}
	sohoa_envelope_release(&env);
	if (res) {
		res->record_id = id;
		res->quarantined = 1;
		res->reason = why->reason;
		snprintf(res->quarantine_name, sizeof res->quarantine_name, "%s", qname);
	}
	return sohoa_eng_publish_quarantine(e, id, seen, err);
}

/* What cannot enter the spool: quarantined from the inbox by the daemon;
 * a one-shot ingest never moves the caller's files, it only says why. */
static sohoa_status
refuse(sohoa_engine *e, const char *relpath, const struct stat *seen, const sohoa_error *why,
    int remove_original, sohoa_take_result *res, sohoa_error *err)
{
	if (!remove_original) {
		if (res) {
			res->quarantined = 1;
			res->reason = why->reason;
		}
		*err = *why;
		return SOHOA_BAD_INPUT;
	}
	return reject_unspooled(e, relpath, seen, why, res, err);
}

/* Records an entry pickup just made (env, released here) and says in res
 * where it went. */
static sohoa_status
adopt_picked(sohoa_engine *e, sohoa_envelope *env, int remove_original, int removed,
    sohoa_take_result *res, sohoa_error *err)
{
	sohoa_status st = sohoa_eng_adopt(e, env, remove_original ? removed : 1, remove_original,
	    res, err);

	if (st != SOHOA_OK && !(res && res->record_id))
		e->orphans = 1;
	if (res && res->quarantined && !res->quarantine_name[0]) {
		struct qinfo q;
		if (sohoa_eng_qinfo_load(e->cat, res->record_id, &q) == 0) {
			snprintf(res->quarantine_name, sizeof res->quarantine_name, "%s", q.qname);
			sohoa_eng_qinfo_release(&q);
		}
	}
	sohoa_envelope_release(env);
	return st;
}

bool
sohoa_engine_already_taken(sohoa_engine *e, const char *relpath, const struct stat *st)
{
	return sohoa_catalog_inbox_pending(e->cat, relpath, strlen(relpath), st->st_size,
	    (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec);
}

sohoa_status
sohoa_engine_take(sohoa_engine *e, const char *root, const char *relpath,
    const struct stat *seen, int remove_original, sohoa_take_result *res, sohoa_error *err)
{
	sohoa_envelope env;
	sohoa_error why;
	sohoa_status st;
	struct stat obj;
	const char *base;
	int removed = 0, pdfd;
	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	if (res)
		memset(res, 0, sizeof *res);
	sohoa_error_clear(&why);
	sohoa_fs_test_pause("take", relpath);
	/* The folder the file is in, held open from here on: whatever is
	 * done to the file (copy, removal, quarantine) is done in it. */
	if ((pdfd = sohoa_fs_open_parent_beneath(root, relpath, &base)) < 0)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "%s is no longer in the inbox (%s)", relpath, errno == ELOOP
		    ? "a folder on its way is now a symbolic link, never followed" : strerror(errno));
	memset(&obj, 0, sizeof obj);
	st = sohoa_spool_pickup_at(e->spool, pdfd, base, relpath, seen, e->conf->max_file_size,
	    &env, &obj, &why);
	if (st == SOHOA_BAD_INPUT) {
		close(pdfd);
		return refuse(e, relpath, obj.st_ino ? &obj : seen, &why, remove_original, res, err);
	}
	if (st != SOHOA_OK) {
		close(pdfd);
		*err = why;
		return st;
	}
	sohoa_fs_test_pause("copied", relpath);
	/* Invariant 2: the copy is durable in incoming/; the original may go,
	 * if it is still the very file copied. */
	if (remove_original) {
		removed = sohoa_fs_unlink_same(pdfd, base, &obj) == 0;
		if (removed)
			(void)fsync(pdfd);
		else
			logf_(e, SOHOA_LOG_WARNING, 0, "cannot remove %s from the inbox: %s",
			    env.name, errno == ESTALE ? "another file has its name now"
			    : strerror(errno));
	}
	close(pdfd);
	return adopt_picked(e, &env, remove_original, removed, res, err);
}

/* Removes a document folder's pages (each only if it is still the file
 * taken) and sidecar from the folder dfd, then the folder itself (base in
 * pdfd, the object fst) if nothing else is left in it.  1 if every page
 * went. */
int
sohoa_eng_remove_folder(sohoa_engine *e, int pdfd, const char *base, int dfd,
    const struct stat *fst, const sohoa_tailieu *t)
{
	struct stat want, st;
	int all = 1;

	for (int i = 0; i < t->n; i++) {
		memset(&want, 0, sizeof want);
		want.st_dev = (dev_t)t->parts[i].dev;
		want.st_ino = (ino_t)t->parts[i].ino;
		if (sohoa_fs_unlink_same(dfd, t->parts[i].name, &want) != 0 && errno != ENOENT) {
			logf_(e, SOHOA_LOG_WARNING, 0, "cannot remove page %d of %s from the inbox: %s",
			    i + 1, base, errno == ESTALE ? "another file has its name now"
			    : strerror(errno));
			all = 0;
		}
	}
	if (all) {
		if (fstatat(dfd, SOHOA_TAILIEU_SIDECAR, &st, AT_SYMLINK_NOFOLLOW) == 0
		    && !S_ISDIR(st.st_mode))
			unlinkat(dfd, SOHOA_TAILIEU_SIDECAR, 0);
		(void)fsync(dfd);
		/* Fails, rightly, if anything else is there. */
		if (sohoa_fs_unlink_same(pdfd, base, fst) == 0)
			(void)fsync(pdfd);
	}
	return all;
}

sohoa_status
sohoa_engine_take_folder(sohoa_engine *e, const char *root, const char *reldir,
    long long seen_signature, int remove_original, sohoa_take_result *res, sohoa_error *err)
{
	sohoa_tailieu t;
	sohoa_envelope env;
	sohoa_error why;
	sohoa_status st;
	struct stat seen, fst, now;
	const char *base;
	int removed = 0, pdfd, dfd = -1;
	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	if (res)
		memset(res, 0, sizeof *res);
	sohoa_error_clear(&why);
	memset(&seen, 0, sizeof seen);
	memset(&t, 0, sizeof t);
	sohoa_fs_test_pause("take", reldir);
	if ((pdfd = sohoa_fs_open_parent_beneath(root, reldir, &base)) < 0
	    || fstatat(pdfd, base, &fst, AT_SYMLINK_NOFOLLOW) != 0) {
		int e2 = errno;
		if (pdfd >= 0)
			close(pdfd);
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "%s is no longer in the inbox (%s)", reldir, e2 == ELOOP
		    ? "a folder on its way is now a symbolic link, never followed" : strerror(e2));
	}
	if (S_ISLNK(fst.st_mode)) {
		/* The folder is a link now: recorded, never followed. */
		sohoa_error_set(&why, SOHOA_BAD_INPUT, SOHOA_REASON_SYMLINK,
		    "%s is a symbolic link, never followed", reldir);
		close(pdfd);
		return refuse(e, reldir, &fst, &why, remove_original, res, err);
	}
	dfd = openat(pdfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &now) != 0 || !sohoa_fs_same_object(&now, &fst)) {
		if (dfd >= 0)
			close(dfd);
		close(pdfd);
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "%s is still changing", reldir);
	}
	st = sohoa_tailieu_read_at(dfd, reldir, &t, &why);
	if (st == SOHOA_OK && seen_signature && t.signature != seen_signature) {
		sohoa_tailieu_release(&t);
		close(dfd);
		close(pdfd);
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "%s/%s is still changing", root, reldir);
	}
	if (st == SOHOA_OK)
		st = sohoa_spool_pickup_parts_at(e->spool, dfd, reldir, &t,
		    e->conf->max_file_size, &env, &why);
	/* What the catalog remembers of a folder it could not take, and the
	 * folder itself (its inode) for the quarantine to move. */
	seen = fst;
	seen.st_size = st == SOHOA_OK || t.n ? t.size : 0;
	seen.st_mtim.tv_sec = (seen_signature ? seen_signature : t.signature) / 1000000000LL;
	seen.st_mtim.tv_nsec = (seen_signature ? seen_signature : t.signature) % 1000000000LL;
	if (st == SOHOA_BAD_INPUT) {
		sohoa_tailieu_release(&t);
		close(dfd);
		close(pdfd);
		/* The whole folder goes to the quarantine as it is. */
		return refuse(e, reldir, &seen, &why, remove_original, res, err);
	}
	if (st != SOHOA_OK) {
		sohoa_tailieu_release(&t);
		close(dfd);
		close(pdfd);
		*err = why;
		return st;
	}
	sohoa_fs_test_pause("copied", reldir);
	/* Invariant 2: the copies are durable in incoming/; the pages may go. */
	if (remove_original)
		removed = sohoa_eng_remove_folder(e, pdfd, base, dfd, &fst, &t);
	sohoa_tailieu_release(&t);
	close(dfd);
	close(pdfd);
	return adopt_picked(e, &env, remove_original, removed, res, err);
}

/* ---- OCR jobs -------------------------------------------------------- */

/* Gives queued jobs to idle workers.  more_coming: the caller is still
 * taking files, so the last job queued is not the last one and must not
 * borrow the idle workers (spreading) that the next ones are for. */
static void
dispatch(sohoa_engine *e, int more_coming)
{
	sohoa_error err;
	int w;

	while (!e->paused && e->pool && e->qlen > 0 && (w = e->ocr->idle(e->pool)) >= 0) {
		struct job j = e->queue[e->qhead];
		char dir[PATH_MAX];

		sohoa_error_clear(&err);
		if (sohoa_spool_move(e->spool, j.spool_id, STATE_DIR(INCOMING), STATE_DIR(ACTIVE),
		    &err) != SOHOA_OK) {
			char path[PATH_MAX];
			struct stat sb;
			sohoa_spool_path(e->spool, STATE_DIR(INCOMING), j.spool_id, NULL, path, sizeof path);
			if (lstat(path, &sb) != 0 && errno == ENOENT) {
				/* Not in incoming/ (any more): a stale queue entry must
				 * not block the ones behind it. */
				logf_(e, SOHOA_LOG_WARNING, j.record_id, "dropped stale job %s",
				    j.spool_id);
				e->qhead++;
				e->qlen--;
				continue;
			}
			logf_(e, SOHOA_LOG_ERR, j.record_id, "cannot start OCR: %s", err.msg);
			return;  /* stays queued; tried again at the next tick */
		}
		if (sohoa_catalog_set_state(e->cat, j.record_id, STATE_NAME(ACTIVE), &err) != SOHOA_OK) {
			sohoa_spool_move(e->spool, j.spool_id, STATE_DIR(ACTIVE), STATE_DIR(INCOMING), NULL);
			logf_(e, SOHOA_LOG_ERR, j.record_id, "cannot start OCR: %s", err.msg);
			return;
		}
		e->qhead++;
		e->qlen--;
		sohoa_spool_path(e->spool, STATE_DIR(ACTIVE), j.spool_id, NULL, dir, sizeof dir);
		/* The last job queued may spread its pages over the workers that
		 * nothing else waits for (ocr.h, "Spreading"). */
		if ((e->qlen == 0 && !more_coming && e->ocr->submit_spread
		    ? e->ocr->submit_spread(e->pool, w, dir, j.spool_id, INT_MAX, &err)
		    : e->ocr->submit(e->pool, w, dir, j.spool_id, &err)) != SOHOA_OK) {
			logf_(e, SOHOA_LOG_ERR, j.record_id, "%s", err.msg);
			sohoa_spool_move(e->spool, j.spool_id, STATE_DIR(ACTIVE), STATE_DIR(INCOMING), NULL);
			sohoa_catalog_set_state(e->cat, j.record_id, STATE_NAME(INCOMING), NULL);
			queue_push(e, j.spool_id, j.record_id);
			return;
		}
		j.started = sohoa_mono_s();
		e->running[w] = j;
	}
	/* Jobs wait while a spread job holds workers: it gives them back as
	 * its current pages end. */
	if (!e->paused && e->pool && e->qlen > 0 && e->ocr->reclaim)
		e->ocr->reclaim(e->pool);
}

/*
 * After OCR: step 1 describes the record (fields from the page, probable
 * duplicates), step 2 writes its archival package.  Neither is the OCR's
 * failure: the record stays done, with packaged_at NULL, and start-up (or
 * 'sohoa edit') does it again.
 */
void
sohoa_eng_describe(sohoa_engine *e, int64_t id, int step)
{
	sohoa_error err;

	sohoa_error_clear(&err);
	if (step == 1) {
		if (sohoa_describe_record(e->conf, e->cat, id, e->agent, &err) != SOHOA_OK)
			logf_(e, SOHOA_LOG_WARNING, id, "fields of record %lld not read: %s",
			    (long long)id, err.msg);
		return;
	}
	/* Sign before packaging, so the package holds the signed PDF.  A
	 * failure leaves the PDF unsigned and the record goes on. */
	if (e->signer && sohoa_describe_sign_pdf(e->conf, e->cat, e->signer, id, e->agent, &err)
	    != SOHOA_OK) {
		logf_(e, SOHOA_LOG_ERR, id, "document of record %lld not signed: %s",
		    (long long)id, err.msg);
		sohoa_error_clear(&err);
	} else if (e->signer && sohoa_signer_note(e->signer)[0]) {
		/* Signed, but the long-term validation data is incomplete. */
		logf_(e, SOHOA_LOG_WARNING, id, "document of record %lld signed PAdES-%s: %s",
		    (long long)id, sohoa_signer_level(e->signer), sohoa_signer_note(e->signer));
	}
	if (!e->schemas)
		return;
	if (sohoa_describe_package(e->conf, e->cat, e->schemas, id, e->agent, &err) != SOHOA_OK)
		logf_(e, err.status == SOHOA_BAD_INPUT ? SOHOA_LOG_WARNING : SOHOA_LOG_ERR, id,
		    "package of record %lld not written: %s", (long long)id, err.msg);
}

/* Records taken after id but described before it, just flagged as its
 * probable duplicates (describe.c): their packages get the event. */
static void
repackage_duplicates(sohoa_engine *e, int64_t id)
{
	int64_t ids[16];
	int n = sohoa_catalog_unpackaged_duplicates_ids(e->cat, id, ids, 16);

	for (int i = 0; i < n; i++) {
		sohoa_eng_describe(e, ids[i], 2);
		sohoa_backup_record_done(e->backup, e->conf, e->cat, ids[i], e->opt.log,
		    e->opt.log_arg);
	}
}

/* The job the worker says is done: recorded, described, indexed and
 * packaged.  -1, with why, when its results cannot be used or its entry
 * cannot move to done/: the caller counts a failed attempt. */
static int
finish_ok(sohoa_engine *e, const struct job *j, char *why, size_t why_size)
{
	char dir[PATH_MAX], detail[160], spread[48];
	sohoa_page_result *pages = NULL;
	char *buf = NULL;
	int n = 0;
	sohoa_error err;
	double sum = 0, t_ocr = sohoa_mono_s() - j->started, t_after, c_after;
	int counted = 0, failed = 0, not_ocred = 0;

	sohoa_error_clear(&err);
	sohoa_spool_path(e->spool, STATE_DIR(ACTIVE), j->spool_id, NULL, dir, sizeof dir);
	if (sohoa_ocr_read_results(dir, &pages, &n, &buf, &err) != SOHOA_OK)
		goto retry;
	if (sohoa_spool_move(e->spool, j->spool_id, STATE_DIR(ACTIVE), STATE_DIR(DONE), &err) != SOHOA_OK)
		goto retry;
	for (int i = 0; i < n; i++) {
		if (pages[i].confidence >= 0) {
			sum += pages[i].confidence;
			counted++;
		} else if (!strcmp(pages[i].status, "pdf-text")
		    || !strcmp(pages[i].status, "skipped")) {
			not_ocred++;    /* ocr_mode (pdfin.h): no OCR, no confidence */
		} else {
			failed++;
		}
	}
	/* The pages spread over several workers (ocr.h): the event says so. */
	snprintf(spread, sizeof spread, ", read by %d OCR workers at once", j->readers);
	if (not_ocred == n && n > 0)
		snprintf(detail, sizeof detail, "%d page(s), not OCRed (ocr_mode %s): %s", n,
		    e->conf->ocr_mode, !strcmp(pages[0].status, "pdf-text")
		    ? "text taken from the PDF's own text layer" : "no text");
	else
		snprintf(detail, sizeof detail, "%d page(s), mean confidence %.1f%s%s", n,
		    counted ? sum / counted : 0.0, failed ? ", some pages failed" : "",
		    j->readers > 1 ? spread : "");
	if (sohoa_catalog_begin(e->cat, &err) != SOHOA_OK
	    || sohoa_catalog_store_pages(e->cat, j->record_id, pages, n, &err) != SOHOA_OK
	    || sohoa_catalog_event_add(e->cat, j->record_id,
	    not_ocred == n && n > 0 ? "text extraction" : "ocr",
	    not_ocred == n && n > 0 ? e->agent : e->ocr_agent,
	    failed ? "warning" : "success", detail, &err) != SOHOA_OK
	    || sohoa_catalog_commit(e->cat, &err) != SOHOA_OK) {
		sohoa_catalog_rollback(e->cat);
		/* The entry is in done/ but the catalog says active: reconcile
		 * would redo it; do that now. */
		logf_(e, SOHOA_LOG_ERR, j->record_id, "cannot record OCR results: %s", err.msg);
		sohoa_spool_move(e->spool, j->spool_id, STATE_DIR(DONE), STATE_DIR(INCOMING), NULL);
		queue_push(e, j->spool_id, j->record_id);
		free(pages);
		free(buf);
		return 0;
	}
	t_after = sohoa_mono_s();
	c_after = sohoa_thread_cpu_s();
	/* Fields and search index in one catalog transaction: one commit (one
	 * WAL sync) for both.  Each works in its own savepoint inside it, so a
	 * failure of one does not undo the other; if the transaction cannot
	 * even start, each commits on its own. */
	sohoa_error_clear(&err);
	if (sohoa_catalog_begin(e->cat, &err) != SOHOA_OK)
		logf_(e, SOHOA_LOG_WARNING, j->record_id, "catalog: %s", err.msg);
	sohoa_eng_describe(e, j->record_id, 1);
	/* Searchable now.  A failure is not the OCR's: the record stays queued
	 * for the index (docs_pending) and the next record or 'sohoa reindex'
	 * takes it. */
	sohoa_error_clear(&err);
	if (sohoa_search_index_record(e->cat, j->record_id, &err) != SOHOA_OK)
		logf_(e, SOHOA_LOG_ERR, j->record_id, "cannot index record %lld for search: %s",
		    (long long)j->record_id, err.msg);
	sohoa_error_clear(&err);
	if (sohoa_catalog_in_tx(e->cat)
	    && sohoa_catalog_commit(e->cat, &err) != SOHOA_OK)
		logf_(e, SOHOA_LOG_ERR, j->record_id, "fields and search index of record %lld not"
		    " stored: %s", (long long)j->record_id, err.msg);
	sohoa_eng_describe(e, j->record_id, 2);
	/* Done and packaged: the second copy now (never fails the record). */
	sohoa_backup_record_done(e->backup, e->conf, e->cat, j->record_id, e->opt.log,
	    e->opt.log_arg);
	repackage_duplicates(e, j->record_id);
	/* The one line of a document's normal path; make bench reads the times:
	 * the record step's own CPU too, which the workers busy on the next
	 * pages (they get them before this runs) do not stretch. */
	logf_(e, SOHOA_LOG_INFO, j->record_id, "record %lld done: %s; OCR %.2f s, fields, index"
	    " and package %.3f s (CPU %.3f s)", (long long)j->record_id, detail, t_ocr,
	    sohoa_mono_s() - t_after, sohoa_thread_cpu_s() - c_after);
	free(pages);
	free(buf);
	return 0;
retry:
	free(pages);
	free(buf);
	logf_(e, SOHOA_LOG_ERR, j->record_id, "OCR results unusable: %s", err.msg);
	snprintf(why, why_size, "OCR results unusable: %s", err.msg);
	return -1;
}

static int
record_attempts(sohoa_engine *e, int64_t id, char *name, size_t nsize)
{
	return sohoa_catalog_attempts(e->cat, id, name, nsize);
}

static void
finish(sohoa_engine *e, const sohoa_job_result *res, const struct job *j)
{
	sohoa_error err;
	char name[NAME_MAX * 3 + 1];
	sohoa_job_result unusable;

	sohoa_error_clear(&err);
	if (res->status == SOHOA_OK) {
		/* Results that cannot be used are a failed attempt like any other
		 * (deferred, then quarantined), not a job left in active/ until
		 * the next start (found with the fault sweep's failed renames). */
		unusable = *res;
		if (finish_ok(e, j, unusable.msg, sizeof unusable.msg) == 0)
			return;
		unusable.status = SOHOA_RETRY;
		res = &unusable;
	}
	record_attempts(e, j->record_id, name, sizeof name);
	if (res->status == SOHOA_BAD_INPUT) {
		if (sohoa_eng_quarantine_entry(e, j->spool_id, STATE_DIR(ACTIVE), j->record_id, name, res->reason,
		    res->msg, 0, &err) != SOHOA_OK)
			logf_(e, SOHOA_LOG_ERR, j->record_id, "cannot quarantine: %s", err.msg);
		return;
	}
	{
		int attempts = record_attempts(e, j->record_id, name, sizeof name) + 1;
		if (attempts >= e->conf->max_attempts) {
			char msg[400];
			snprintf(msg, sizeof msg, "%d attempts failed; last: %s", attempts, res->msg);
			sohoa_catalog_defer(e->cat, j->record_id, 0, res->msg, NULL);
			if (sohoa_eng_quarantine_entry(e, j->spool_id, STATE_DIR(ACTIVE), j->record_id, name,
			    SOHOA_REASON_OCR_FAILED, msg, 0, &err) != SOHOA_OK)
				logf_(e, SOHOA_LOG_ERR, j->record_id, "cannot quarantine: %s", err.msg);
			return;
		}
		/* Back-off: 30 s, 60 s, 120 s, ... */
		long delay = 30L << (attempts - 1 < 10 ? attempts - 1 : 10);
		if (sohoa_spool_move(e->spool, j->spool_id, STATE_DIR(ACTIVE), STATE_DIR(DEFERRED),
		    &err) != SOHOA_OK
		    || sohoa_catalog_defer(e->cat, j->record_id, (long long)time(NULL) + delay,
		    res->msg, &err) != SOHOA_OK) {
			logf_(e, SOHOA_LOG_ERR, j->record_id, "cannot defer: %s", err.msg);
			e->orphans = 1;
		} else {
			logf_(e, SOHOA_LOG_WARNING, j->record_id,
			    "OCR of %s failed (%s); trying again in %ld s", name, res->msg, delay);
		}
	}
}

int
sohoa_engine_pollfds(sohoa_engine *e, struct pollfd *fds, int max)
{
	if (!e->pool)
		return 0;
	return e->ocr->pollfds(e->pool, fds, e->pollmap,
	    max < (int)(sizeof e->pollmap / sizeof e->pollmap[0]) ? max
	    : (int)(sizeof e->pollmap / sizeof e->pollmap[0]));
}

/* Results in, new jobs out (more_coming: as dispatch), the ended jobs
 * recorded last. */
static void
step(sohoa_engine *e, const struct pollfd *fds, int n, int more_coming)
{
	/* The ended jobs are recorded (fields, index, package: tens of ms)
	 * after their workers have their next job, not while they wait. */
	struct ended { sohoa_job_result res; struct job j; } ended[8];
	int nended = 0;

	for (int i = 0; e->pool && i < n; i++) {
		sohoa_job_result res;
		int w = e->pollmap[i];
		if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		while (e->ocr->read(e->pool, w, &res)) {
			struct job j = e->running[w];
			memset(&e->running[w], 0, sizeof e->running[w]);
			j.readers = res.readers;
			if (nended == (int)(sizeof ended / sizeof ended[0])) {
				finish(e, &res, &j);
				continue;
			}
			ended[nended].res = res;
			ended[nended++].j = j;
		}
	}
	dispatch(e, more_coming);
	for (int k = 0; k < nended; k++)
		finish(e, &ended[k].res, &ended[k].j);
}

void
sohoa_engine_step(sohoa_engine *e, const struct pollfd *fds, int n)
{
	step(e, fds, n, 0);
}

void
sohoa_engine_dispatch(sohoa_engine *e, bool more_coming)
{
	struct pollfd fds[256];
	int n = sohoa_engine_pollfds(e, fds, 256);

	/* A caller taking many files does not poll between them: a worker
	 * whose job ended meanwhile would wait idle until the last file is
	 * taken (a whole inbox copied at once: seconds).  Its result is read
	 * now, without waiting, and it gets the next job. */
	if (n > 0 && poll(fds, (nfds_t)n, 0) > 0)
		step(e, fds, n, more_coming);
	else
		dispatch(e, more_coming);
}

/* Deferred entries whose time has come go back to incoming/. */
static int
release_one(void *ctx, int64_t id, const char *spool_id)
{
	sohoa_engine *e = ctx;
	char sid[SOHOA_SPOOL_ID_MAX];

	snprintf(sid, sizeof sid, "%s", spool_id ? spool_id : "");
	if (sohoa_spool_move(e->spool, sid, STATE_DIR(DEFERRED), STATE_DIR(INCOMING), NULL)
	    == SOHOA_OK
	    && sohoa_catalog_set_state(e->cat, id, STATE_NAME(INCOMING), NULL) == SOHOA_OK)
		queue_push(e, sid, id);
	return 0;
}

static void
release_deferred(sohoa_engine *e, time_t now)
{
	sohoa_catalog_deferred_due_each(e->cat, (long long)now, release_one, e, NULL);
}

void
sohoa_engine_tick(sohoa_engine *e, time_t now)
{
	sohoa_eng_adopt_orphans(e, now);
	if (e->pool)
		e->ocr->watchdog(e->pool, now);
	release_deferred(e, now);
	sohoa_backup_tick(e->backup, e->conf, e->cat, now, e->opt.log, e->opt.log_arg);
	dispatch(e, 0);
}

int sohoa_engine_pending(const sohoa_engine *e)
{
	return (int)e->qlen + sohoa_engine_running(e);
}

int sohoa_engine_running(const sohoa_engine *e)
{
	return e->pool ? e->ocr->busy(e->pool) : 0;
}

long
sohoa_engine_next_due(const sohoa_engine *e, time_t now)
{
	long long t;
	long due = -1;

	if (sohoa_catalog_next_deferred(e->cat, &t))
		due = t <= now ? 0 : (long)(t - now);
	return due;
}

void sohoa_engine_pause(sohoa_engine *e, int paused) { e->paused = paused; }
sohoa_catalog *sohoa_engine_catalog(sohoa_engine *e) { return e->cat; }

sohoa_engine *
sohoa_engine_open(const sohoa_conf *conf, const sohoa_engine_options *opt, sohoa_error *err)
{
	sohoa_engine *e = calloc(1, sizeof *e);
	char dbpath[PATH_MAX], note[1024];
	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	if (!e) {
		sohoa_error_oom(err);
		return NULL;
	}
	e->conf = conf;
	if (opt)
		e->opt = *opt;
	e->ocr = e->opt.ocr ? e->opt.ocr : &sohoa_ocr_pool_runner;
	snprintf(e->agent, sizeof e->agent, "sohoa %s (%s)", SOHOA_VERSION,
	    e->opt.agent ? e->opt.agent : "sohoa");
	e->backup = sohoa_backup_new(e->agent);
	snprintf(e->ocr_agent, sizeof e->ocr_agent, "sohoa %s with tesseract %s, %s",
	    SOHOA_VERSION, sohoa_ocr_engine_version(), conf->languages);
	if (sohoa_fs_mkdirs(conf->state_dir, 0750, err) != SOHOA_OK
	    || sohoa_fs_mkdirs(conf->quarantine, 0775, err) != SOHOA_OK)
		goto fail;
	e->spool = sohoa_spool_open(conf->state_dir, err);
	if (!e->spool || sohoa_spool_lock(e->spool, err) != SOHOA_OK)
		goto fail;
	/* The workers first, once the spool is ours: each loads Tesseract (its
	 * traineddata, a few hundred ms) while this process opens the catalog,
	 * reconciles and loads the package schemas, instead of after it, and
	 * the first job finds them ready.  A failure below ends them
	 * (sohoa_engine_free); no job is given before this returns. */
	if (!e->opt.no_workers) {
		sohoa_pool_options po = {
			.languages = conf->languages, .tessdata = conf->tessdata,
			.max_pixels = conf->max_pixels, .max_pages = (int)conf->max_pages,
			.page_timeout = (int)conf->page_timeout, .memory_mb = conf->worker_memory_mb,
			.workers = (int)(conf->workers < 256 ? conf->workers : 256),
			.ocr_mode = conf->ocr_mode,
			.language_fallback = (int)conf->language_fallback,
		};
		e->pool = e->ocr->open(&po, e->opt.ocr_arg, err);
		if (!e->pool)
			goto fail;
	}
	e->cat = sohoa_catalog_open(sohoa_catalog_path(conf->state_dir, dbpath, sizeof dbpath), err);
	if (!e->cat || sohoa_store_check(conf->state_dir, e->cat, SOHOA_STORE_UPDATE, note,
	    sizeof note, err) != SOHOA_OK
	    || sohoa_store_check_agency(conf, e->cat, SOHOA_STORE_UPDATE, err) != SOHOA_OK
	    || sohoa_eng_reconcile(e, err) != SOHOA_OK)
		goto fail;
	if (note[0])
		logf_(e, SOHOA_LOG_WARNING, 0, "%s", note);
	{
		sohoa_error e2;
		long long indexed = 0;
		/* Records whose pages were stored but not indexed (a crash between). */
		sohoa_error_clear(&e2);
		if (sohoa_search_index_pending(e->cat, &indexed, &e2) != SOHOA_OK)
			logf_(e, SOHOA_LOG_ERR, 0, "search index not brought up to date: %s", e2.msg);
		else if (indexed)
			logf_(e, SOHOA_LOG_INFO, 0, "%lld records indexed for search at start-up",
			    indexed);
		sohoa_error_clear(&e2);
		if (sohoa_signer_configured(conf)) {
			/* Without its key the daemon still works, unsigned, and says so. */
			e->signer = sohoa_signer_open(conf, &e2);
			if (!e->signer)
				logf_(e, SOHOA_LOG_ERR, 0, "không mở được khóa ký, tài liệu sẽ không"
				    " được ký — documents will NOT be signed: %s", e2.msg);
			else
				logf_(e, SOHOA_LOG_INFO, 0, "documents are signed by %s",
				    sohoa_signer_subject(e->signer));
			sohoa_error_clear(&e2);
		}
		e->schemas = sohoa_package_schemas_open(conf->schema_dir, &e2);
		if (!e->schemas)
			logf_(e, SOHOA_LOG_WARNING, 0, "archival packages are not written: %s", e2.msg);
		else if (access(conf->package_dir, F_OK) == 0)
			sohoa_package_recover(conf->package_dir, NULL);
		if (e->schemas)
			sohoa_eng_package_pending(e);
	}
	return e;
fail:
	sohoa_engine_free(e, 0);
	return NULL;
}

void
sohoa_engine_free(sohoa_engine *e, int timeout_ms)
{
	if (!e)
		return;
	sohoa_package_schemas_free(e->schemas);
	sohoa_signer_free(e->signer);
	if (e->pool)
		e->ocr->free(e->pool, timeout_ms);
	/* Jobs cut short go back to the queue on disk, as at start-up. */
	for (size_t w = 0; e->cat && w < sizeof e->running / sizeof e->running[0]; w++) {
		struct job *j = &e->running[w];
		if (!j->record_id)
			continue;
		if (sohoa_spool_move(e->spool, j->spool_id, STATE_DIR(ACTIVE), STATE_DIR(INCOMING),
		    NULL) == SOHOA_OK)
			sohoa_catalog_set_state(e->cat, j->record_id, STATE_NAME(INCOMING), NULL);
	}
	/* The last records and a catalog copy to the backup (a few seconds at most). */
	if (e->cat)
		sohoa_backup_finish(e->backup, e->conf, e->cat, e->opt.log, e->opt.log_arg);
	sohoa_backup_free(e->backup);
	sohoa_catalog_free(e->cat);
	sohoa_spool_free(e->spool);
	free(e->queue);
	free(e);
}
