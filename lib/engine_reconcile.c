/*
 * engine_reconcile.c - the engine at start-up (moved out of engine.c):
 * spool and catalog made to agree again after a crash at any instant
 * (spool.h, invariants 4 and 5 and their kin: an entry without a record is
 * adopted, active/ goes back to incoming/, a record ahead of or behind its
 * entry is set right), unpublished quarantines published, records done but
 * not packaged packaged; and the same for entries the catalog refused while
 * running (disk full), from tick().
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

/* ---- start-up -------------------------------------------------------- */

struct reconcile_ctx {
	sohoa_engine *e;
	sohoa_state state;          /* the folder being looked through */
};

/* If the inbox still holds the original of an entry (a crash came between
 * pickup and removal), remove it now: its copy is safe in the spool.  Only
 * through folder fds, and only what is still the file taken. */
static int
remove_leftover_original(sohoa_engine *e, const sohoa_envelope *env)
{
	char hash[SOHOA_HASH_TEXT_MAX], buf[1 << 15];
	struct stat st;
	const char *base;
	sohoa_hash *h;
	ssize_t n;
	int pdfd, fd, r = 1;

	if (!env->inbox_path_len)
		return 1;
	if ((pdfd = sohoa_fs_open_parent_beneath(e->conf->inbox, env->inbox_path, &base)) < 0)
		return 1;
	if (env->nparts > 0) {
		/* A document folder: its pages go if they are still what was
		 * taken (the same signature). */
		sohoa_tailieu t;
		struct stat fst, now;
		int dfd = -1;
		if (fstatat(pdfd, base, &fst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(fst.st_mode)
		    && (dfd = openat(pdfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC))
		    >= 0 && fstat(dfd, &now) == 0 && sohoa_fs_same_object(&now, &fst)
		    && sohoa_tailieu_read_at(dfd, env->inbox_path, &t, NULL) == SOHOA_OK) {
			if (t.signature == env->mtime_ns)
				r = sohoa_eng_remove_folder(e, pdfd, base, dfd, &fst, &t);
			sohoa_tailieu_release(&t);
		}
		if (dfd >= 0)
			close(dfd);
		close(pdfd);
		return r;
	}
	if ((fd = sohoa_fs_open_file_at(pdfd, base, NULL, &st)) < 0) {
		close(pdfd);
		return 1;
	}
	if (st.st_size != env->size
	    || (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec != env->mtime_ns
	    || !(h = sohoa_hash_new("sha256"))) {
		close(fd);
		close(pdfd);
		return 1;   /* a different file now: leave it to be taken */
	}
	while ((n = read(fd, buf, sizeof buf)) > 0)
		sohoa_hash_update(h, buf, (size_t)n);
	sohoa_hash_final(h, hash);
	sohoa_hash_free(h);
	close(fd);
	if (n == 0 && strcmp(hash, env->hash) == 0)
		r = sohoa_fs_unlink_same(pdfd, base, &st) == 0;
	close(pdfd);
	return r;
}

static int
reconcile_entry(const char *id, void *arg)
{
	struct reconcile_ctx *c = arg;
	sohoa_engine *e = c->e;
	sohoa_state state = SOHOA_STATE_COUNT;
	int64_t rid = sohoa_catalog_find_spool(e->cat, id, &state);
	sohoa_error err;

	sohoa_error_clear(&err);
	if (!rid) {
		/* Complete in the spool but never recorded: adopt it. */
		sohoa_envelope env;
		if (c->state != STATE_DIR(INCOMING)
		    && sohoa_spool_move(e->spool, id, c->state, STATE_DIR(INCOMING), &err) != SOHOA_OK)
			goto fail;
		if (sohoa_spool_read_envelope(e->spool, STATE_DIR(INCOMING), id, &env, &err) != SOHOA_OK)
			goto fail;
		remove_leftover_original(e, &env);
		logf_(e, SOHOA_LOG_INFO, 0, "recovering %s from the spool", env.name);
		if (sohoa_eng_adopt(e, &env, 1, 1, NULL, &err) != SOHOA_OK) {
			sohoa_envelope_release(&env);
			goto fail;
		}
		sohoa_envelope_release(&env);
		return 0;
	}
	/* Quarantined: published with the unpublished records below.  An entry
	 * in quarantine/ whose record is not (the move came, the catalog's
	 * commit did not: its reason is lost) is OCRed again, like any entry
	 * whose record lags behind. */
	if (c->state == state && (state == SOHOA_STATE_QUARANTINED || state == SOHOA_STATE_DONE
	    || state == SOHOA_STATE_DEFERRED))
		return 0;
	if (state == STATE_NAME(QUARANTINED)) {
		/* Recorded as quarantined but the entry is still here. */
		if (sohoa_spool_move(e->spool, id, c->state, STATE_DIR(QUARANTINED), &err) != SOHOA_OK)
			goto fail;
		return 0;
	}
	/* active/, or an entry whose record lags behind: OCR (again). */
	if (c->state != STATE_DIR(INCOMING)
	    && sohoa_spool_move(e->spool, id, c->state, STATE_DIR(INCOMING), &err) != SOHOA_OK)
		goto fail;
	if (state != STATE_NAME(INCOMING)
	    && sohoa_catalog_set_state(e->cat, rid, STATE_NAME(INCOMING), &err) != SOHOA_OK)
		goto fail;
	queue_push(e, id, rid);
	return 0;
fail:
	logf_(e, SOHOA_LOG_ERR, rid, "reconcile %s/%s: %s", sohoa_state_dir(c->state), id,
	    err.msg);
	return 0;
}

/*
 * Whether the catalog agrees with the directory an entry is in.  Records in
 * quarantine/ are published separately; there only a missing record counts.
 */
static int
entry_consistent(sohoa_engine *e, sohoa_state dir, const char *id)
{
	sohoa_state state = SOHOA_STATE_COUNT;

	if (!sohoa_catalog_find_spool(e->cat, id, &state))
		return 0;
	if (dir == STATE_DIR(INCOMING) || dir == STATE_DIR(DEFERRED))
		return state == dir;
	return 1;
}

/* An entry the catalog does not agree with (see orphans in struct
 * sohoa_engine): reconciled as at start-up.  Stops at the first one that
 * still cannot be, to try again later. */
static int
adopt_orphan(const char *id, void *arg)
{
	sohoa_engine *e = arg;
	struct reconcile_ctx c = { e, e->orphans_state };

	if (entry_consistent(e, c.state, id))
		return 0;
	reconcile_entry(id, &c);
	if (!entry_consistent(e, STATE_DIR(INCOMING), id) && !entry_consistent(e, c.state, id)) {
		e->orphans = 1;
		return 1;
	}
	return 0;
}

void
sohoa_eng_adopt_orphans(sohoa_engine *e, time_t now)
{
	static const sohoa_state states[] = { SOHOA_STATE_INCOMING, SOHOA_STATE_DEFERRED,
		SOHOA_STATE_QUARANTINED };

	if (!e->orphans || now < e->orphans_at)
		return;
	e->orphans = 0;
	for (size_t i = 0; i < 3 && !e->orphans; i++) {
		e->orphans_state = states[i];
		sohoa_spool_each(e->spool, e->orphans_state, adopt_orphan, e);
	}
	e->orphans_at = now + 10;
}


static int
check_entry(void *ctx, int64_t id, const char *sid, sohoa_state state)
{
	sohoa_engine *e = ctx;
	char path[PATH_MAX];
	struct stat sb;

	/* Active records' entries went back to incoming/ (reconcile below). */
	sohoa_spool_path(e->spool, state == SOHOA_STATE_ACTIVE ? SOHOA_STATE_INCOMING : state,
	    sid, NULL, path, sizeof path);
	if (lstat(path, &sb) != 0)
		logf_(e, SOHOA_LOG_ERR, id, "record's spool entry %s is missing", path);
	return 0;
}

sohoa_status
sohoa_eng_reconcile(sohoa_engine *e, sohoa_error *err)
{
	/* incoming/ first: what moves there from the later states is queued by
	 * the pass that moves it, and must not be seen (and queued) twice. */
	static const sohoa_state order[] = { SOHOA_STATE_INCOMING, SOHOA_STATE_ACTIVE,
		SOHOA_STATE_DONE, SOHOA_STATE_DEFERRED, SOHOA_STATE_QUARANTINED };
	int64_t ids[64];
	int n;

	/* Invariant 4. */
	if (sohoa_spool_clean_tmp(e->spool, err) != SOHOA_OK)
		return err->status;
	/* Invariant 5 and its kin, state by state. */
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		struct reconcile_ctx c = { e, order[i] };
		sohoa_spool_each(e->spool, c.state, reconcile_entry, &c);
	}
	/* Quarantines not yet published. */
	n = sohoa_catalog_unpublished_quarantine_ids(e->cat, ids, 64);
	for (int i = 0; i < n; i++) {
		sohoa_error e2;
		sohoa_error_clear(&e2);
		if (sohoa_eng_publish_quarantine(e, ids[i], NULL, &e2) != SOHOA_OK)
			logf_(e, SOHOA_LOG_ERR, ids[i], "publish quarantine: %s", e2.msg);
	}
	/* Records that lost their spool entry while in flight. */
	sohoa_catalog_live_each(e->cat, check_entry, e, NULL);
	return SOHOA_OK;
}

/* Records done but not (re)packaged, after a crash or a failed write. */
void
sohoa_eng_package_pending(sohoa_engine *e)
{
	int64_t *ids = NULL;
	size_t n = 0;

	sohoa_catalog_packaging_pending(e->cat, &ids, &n, NULL);
	for (size_t i = 0; i < n; i++) {
		if (!sohoa_catalog_has_fields(e->cat, ids[i]))
			sohoa_eng_describe(e, ids[i], 1);
		sohoa_eng_describe(e, ids[i], 2);
	}
	free(ids);
}
