/*
 * sohoad_loop.c - the daemon's event loop: signals (signalfd), inotify on
 * the whole inbox tree, a periodic full rescan, the stability check and
 * the check that a file is finished (no writer, content complete:
 * inbox.h), the engine's worker pipes, and systemd notifications.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>

#include "sohoa/fsutil.h"
#include "sohoa/inbox.h"
#include "sohoa/runstate.h"
#include "sohoa/tailieu.h"
#include "sohoad.h"
#include "sohoad_desk.h"
#include "sohoad_export.h"
#include "sohoa/clock.h"

/* A file seen in the inbox, waiting to hold still. */
struct cand {
	struct cand *next;
	char *path;
	long long size, mtime_ns;
	double since;        /* when this size and mtime were first seen */
	double retry_at;     /* after a passing failure, not before this */
	unsigned gen;        /* rescan generation that last saw it */
	int folder;          /* a document folder (tailieu.h): mtime_ns is its signature */
	int writing;         /* inotify: modified, not yet closed after writing */
	int waiting;         /* why it is waited for was logged (WAIT_*) */
};

/* Why a still candidate is not taken yet (logged once per reason). */
enum { WAIT_NONE, WAIT_WRITER, WAIT_INCOMPLETE, WAIT_MISSING, WAIT_QUIET };

struct loop {
	sohoa_conf *conf;
	const char *conf_path;
	sohoa_engine *engine;
	int ifd, sfd;
	char **wd_path;      /* inotify watch descriptor -> relative dir */
	int wd_cap;
	struct cand **buckets;
	size_t nbuckets, ncand;
	unsigned gen;
	double next_rescan;
	/* When the next candidate is due for take_stable (its stable_delay
	 * or retry time ends): the loop's poll wakes then, not at its next
	 * one-second turn; 0: at once (files just seen). */
	double next_take;
	int low_disk;
	long long free_bytes;   /* in state_dir at the last check */
	int stopping;
	long long taken, quarantined;
	/* What systemd and 'sohoa status' were last told (see notify_status). */
	time_t started, status_written;
	char last_status[256];
	sohoa_runstate last_rs;
	struct sohoad_exporter exporter;   /* exports asked for on the web */
	struct sohoad_desk desk;           /* quarantine requests and previews */
};

static size_t
hash_str(const char *s)
{
	size_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static struct cand **
cand_slot(struct loop *l, const char *path)
{
	struct cand **p = &l->buckets[hash_str(path) & (l->nbuckets - 1)];
	while (*p && strcmp((*p)->path, path) != 0)
		p = &(*p)->next;
	return p;
}

static void
cand_grow(struct loop *l)
{
	size_t n = l->nbuckets * 2;
	struct cand **nb = calloc(n, sizeof *nb);

	if (!nb)
		return;
	for (size_t i = 0; i < l->nbuckets; i++) {
		struct cand *c = l->buckets[i], *next;
		for (; c; c = next) {
			next = c->next;
			c->next = nb[hash_str(c->path) & (n - 1)];
			nb[hash_str(c->path) & (n - 1)] = c;
		}
	}
	free(l->buckets);
	l->buckets = nb;
	l->nbuckets = n;
}

static void
cand_remove(struct loop *l, const char *path)
{
	struct cand **p = cand_slot(l, path), *c = *p;
	if (!c)
		return;
	*p = c->next;
	free(c->path);
	free(c);
	l->ncand--;
}

/* Notes what lstat() says of an inbox entry now. */
static void
cand_observe(struct loop *l, const char *path, const struct stat *st)
{
	struct cand **p = cand_slot(l, path), *c = *p;
	long long mt = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;

	if (!c) {
		if (sohoa_engine_already_taken(l->engine, path, st))
			return;
		c = calloc(1, sizeof *c);
		if (!c || !(c->path = strdup(path))) {
			free(c);
			return;
		}
		c->size = st->st_size;
		c->mtime_ns = mt;
		c->since = sohoa_mono_s();
		*p = c;
		l->ncand++;
		if (l->ncand > l->nbuckets * 2)
			cand_grow(l);
	} else if (c->size != st->st_size || c->mtime_ns != mt) {
		c->size = st->st_size;
		c->mtime_ns = mt;
		c->since = sohoa_mono_s();
	}
	c->gen = l->gen;
}

static void
watch_dir(struct loop *l, const char *rel)
{
	char path[PATH_MAX], fdpath[64];
	int wd, dfd;

	snprintf(path, sizeof path, "%s%s%s", l->conf->inbox, *rel ? "/" : "", rel);
	/* inotify takes a path: the folder is reached through a folder fd
	 * (never through a link, fsutil.h) and watched as /proc/self/fd/N. */
	if ((dfd = sohoa_fs_open_dir_beneath(l->conf->inbox, rel)) < 0)
		return;
	snprintf(fdpath, sizeof fdpath, "/proc/self/fd/%d", dfd);
	wd = inotify_add_watch(l->ifd, fdpath, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE
	    | IN_MODIFY | IN_ATTRIB | IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR | IN_EXCL_UNLINK);
	close(dfd);
	/* Without /proc (a chroot), the path itself: a watch that a swapped
	 * folder led elsewhere only brings events, and every event is looked
	 * at through folder fds again. */
	if (wd < 0 && errno == ENOENT)
		wd = inotify_add_watch(l->ifd, path, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE
		    | IN_MODIFY | IN_ATTRIB | IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR
		    | IN_DONT_FOLLOW | IN_EXCL_UNLINK);
	if (wd < 0) {
		if (errno == ENOSPC)
			sohoad_log(SOHOA_LOG_WARNING, 0, "inotify watch limit reached at %s; the"
			    " periodic rescan still finds its files", path);
		return;
	}
	if (wd >= l->wd_cap) {
		int cap = wd * 2 + 16;
		char **n = realloc(l->wd_path, (size_t)cap * sizeof *n);
		if (!n)
			return;
		memset(n + l->wd_cap, 0, (size_t)(cap - l->wd_cap) * sizeof *n);
		l->wd_path = n;
		l->wd_cap = cap;
	}
	free(l->wd_path[wd]);
	l->wd_path[wd] = strdup(rel);
}

/*
 * Notes a document folder: one candidate for all its pages, still while
 * its signature (names, sizes, mtimes) is, and remembered by the catalog
 * with its pages' total size and that signature.
 */
static void
folder_observe(struct loop *l, const char *dir)
{
	struct cand **p = cand_slot(l, dir);
	struct stat st;
	sohoa_tailieu t;

	if (*p && (*p)->gen == l->gen)
		return;     /* already seen in this walk, through another page */
	memset(&st, 0, sizeof st);
	if (sohoa_tailieu_read(l->conf->inbox, dir, &t, NULL) == SOHOA_OK) {
		st.st_size = t.size;
		st.st_mtim.tv_sec = t.signature / 1000000000LL;
		st.st_mtim.tv_nsec = t.signature % 1000000000LL;
		sohoa_tailieu_release(&t);
	} else {
		long long sig = sohoa_tailieu_signature(l->conf->inbox, dir);
		st.st_mtim.tv_sec = sig / 1000000000LL;
		st.st_mtim.tv_nsec = sig % 1000000000LL;
	}
	cand_observe(l, dir, &st);
	if ((p = cand_slot(l, dir)) && *p)
		(*p)->folder = 1;
}

/* A file, or a page of a document folder. */
static void
observe(struct loop *l, const char *rel, const struct stat *st)
{
	char dir[PATH_MAX];

	if (sohoa_tailieu_folder_of(l->conf->inbox, rel, dir, sizeof dir)) {
		cand_remove(l, rel);    /* seen as a file before its sidecar came */
		folder_observe(l, dir);
	} else {
		cand_observe(l, rel, st);
	}
}

static int
scan_file(const char *rel, const struct stat *st, void *arg)
{
	observe(arg, rel, st);
	return 0;
}

static int
scan_dir(const char *rel, void *arg)
{
	struct loop *l = arg;
	if (l->ifd >= 0)
		watch_dir(l, rel);
	return 0;
}

/* Walks the inbox (or one folder of it) and notes every candidate; a full
 * rescan also forgets candidates that are gone. */
static void
rescan(struct loop *l)
{
	l->gen++;
	if (sohoa_inbox_walk(l->conf->inbox, scan_file, scan_dir, l) != 0) {
		sohoad_log(SOHOA_LOG_ERR, 0, "cannot read the inbox %s: %s", l->conf->inbox,
		    strerror(errno));
		return;
	}
	for (size_t i = 0; i < l->nbuckets; i++) {
		struct cand **p = &l->buckets[i];
		while (*p) {
			struct cand *c = *p;
			if (c->gen != l->gen) {
				*p = c->next;
				free(c->path);
				free(c);
				l->ncand--;
			} else {
				p = &c->next;
			}
		}
	}
}

/* A folder appeared (often a whole copied tree, whose files were created
 * before our watch on it existed): rescan now rather than guess what was
 * missed. */
static void
scan_subtree(struct loop *l, const char *rel)
{
	(void)rel;
	l->next_rescan = 0;
}

static void
read_inotify(struct loop *l)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(l->ifd, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + n; ) {
			struct inotify_event *ev = (struct inotify_event *)p;
			p += sizeof *ev + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				l->next_rescan = 0;
				continue;
			}
			if (ev->mask & IN_IGNORED) {
				if (ev->wd >= 0 && ev->wd < l->wd_cap) {
					free(l->wd_path[ev->wd]);
					l->wd_path[ev->wd] = NULL;
				}
				continue;
			}
			if (!ev->len || ev->wd < 0 || ev->wd >= l->wd_cap || !l->wd_path[ev->wd])
				continue;
			{
				char rel[PATH_MAX];
				const char *dir = l->wd_path[ev->wd];
				struct stat st;
				int is_dir = (ev->mask & IN_ISDIR) != 0;
				/* A sidecar came or went: the folder's files change
				 * from documents to pages (or back). */
				if (!is_dir && strcasecmp(ev->name, SOHOA_TAILIEU_SIDECAR) == 0) {
					l->next_rescan = 0;
					continue;
				}
				if (sohoa_inbox_is_junk(ev->name, is_dir))
					continue;
				snprintf(rel, sizeof rel, "%s%s%s", dir, *dir ? "/" : "", ev->name);
				if (ev->mask & (IN_DELETE | IN_MOVED_FROM)) {
					cand_remove(l, rel);
					continue;
				}
				if (sohoa_fs_stat_beneath(l->conf->inbox, rel, &st) != 0)
					continue;
				if (S_ISDIR(st.st_mode)) {
					if (ev->mask & (IN_CREATE | IN_MOVED_TO)) {
						watch_dir(l, rel);
						scan_subtree(l, rel);
					}
					continue;
				}
				observe(l, rel, &st);
				/* Who writes it, when a lease cannot tell (inbox.h):
				 * written since its last close after writing. */
				{
					struct cand *c = *cand_slot(l, rel);
					if (c && (ev->mask & IN_CLOSE_WRITE))
						c->writing = 0;
					else if (c && (ev->mask & (IN_CREATE | IN_MODIFY)))
						c->writing = 1;
				}
			}
		}
	}
}

/* After a take: counts it and forgets the candidate *p (unless RETRY). */
static int
taken(struct loop *l, struct cand **p, double now, sohoa_status rc,
    const sohoa_take_result *res, const sohoa_error *err)
{
	struct cand *c = *p;

	if (rc == SOHOA_RETRY) {
		sohoad_log(SOHOA_LOG_DEBUG, 0, "not yet: %s", err->msg);
		c->since = now;
		c->retry_at = now + 10;
		return 0;
	}
	if (rc == SOHOA_FATAL)
		sohoad_log(SOHOA_LOG_ERR, res->record_id, "%s", err->msg);
	else if (rc == SOHOA_BAD_INPUT)
		sohoad_log(SOHOA_LOG_ERR, res->record_id, "%s: %s", c->path, err->msg);
	l->taken++;
	if (res->quarantined)
		l->quarantined++;
	*p = c->next;
	free(c->path);
	free(c);
	l->ncand--;
	return 1;
}

/* Logs once why c waits. */
static void
note_wait(struct cand *c, int why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
note_wait(struct cand *c, int why, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (c->waiting == why)
		return;
	c->waiting = why;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sohoad_log(SOHOA_LOG_INFO, 0, "%s", msg);
}

/*
 * Whether the file name in the folder dfd (path: its inbox path, the
 * candidate c or its folder's) is finished: no one on this machine has it
 * open for writing, and its content ends where its format says unless it
 * last changed incomplete_grace ago or more (then the pipeline takes it
 * and names what is wrong).  changed: seconds since it last changed.  0
 * (and c's wait set) while it is not.
 */
static int
file_finished(struct loop *l, struct cand *c, int dfd, const char *name, const char *path,
    double changed, double now)
{
	int w = sohoa_inbox_open_for_writing_at(dfd, name);

	/* Without a lease (another user's file, a network file system), what
	 * inotify saw: written and not closed since, not long ago. */
	if (w == 1 || (w < 0 && c->writing && changed < (double)l->conf->incomplete_grace)) {
		note_wait(c, WAIT_WRITER, "%s: đang được ghi, chờ ghi xong — still open for"
		    " writing, waiting for the writer to close it", path);
		c->since = now;
		return 0;
	}
	if (changed < (double)l->conf->incomplete_grace
	    && sohoa_inbox_completeness_at(dfd, name) == SOHOA_INBOX_INCOMPLETE) {
		note_wait(c, WAIT_INCOMPLETE, "%s: tệp chưa trọn (dữ liệu hết sớm), chờ tối đa %lld"
		    " giây — the file ends early (a copy still under way?); waiting up to %lld s"
		    " after its last change before taking it", path,
		    l->conf->incomplete_grace, l->conf->incomplete_grace);
		c->retry_at = now + 2;
		return 0;
	}
	return 1;
}

/* Seconds since the file st last changed on this machine (its ctime: a
 * writer sets mtime as it likes, Windows Explorer to the source's). */
static double
age_of(const struct stat *st)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)(ts.tv_sec - st->st_ctim.tv_sec)
	    + (double)(ts.tv_nsec - st->st_ctim.tv_nsec) / 1e9;
}

/*
 * Whether the document folder c is finished: every listed page there (or,
 * without a list, the folder still for folder_stable_delay), and every
 * page finished (file_finished).  Waiting is bounded by incomplete_grace
 * after the folder's last change; then the take names what is missing.
 */
static int
folder_finished(struct loop *l, struct cand *c, double now)
{
	int dfd = sohoa_fs_open_dir_beneath(l->conf->inbox, c->path), ok = 1;
	double quiet = now - c->since;
	sohoa_tailieu t;
	sohoa_error err;
	sohoa_status rc;

	if (dfd < 0)
		return 1;   /* gone: take_folder sees it */
	sohoa_error_clear(&err);
	rc = sohoa_tailieu_read_at(dfd, c->path, &t, &err);
	if (rc == SOHOA_BAD_INPUT && err.reason == SOHOA_REASON_MISSING_PAGE
	    && quiet < (double)l->conf->incomplete_grace) {
		note_wait(c, WAIT_MISSING, "%s: chưa đủ trang, chờ tối đa %lld giây — %s; waiting"
		    " up to %lld s after the folder's last change", c->path,
		    l->conf->incomplete_grace, err.msg, l->conf->incomplete_grace);
		c->retry_at = now + 2;
		close(dfd);
		return 0;
	}
	if (rc == SOHOA_OK && !t.listed && quiet < (double)l->conf->folder_stable_delay) {
		note_wait(c, WAIT_QUIET, "%s: thư mục tài liệu không liệt kê trang, chờ %lld giây"
		    " không đổi — the document folder lists no pages: waiting until it has not"
		    " changed for %lld s (folder_stable_delay)", c->path,
		    l->conf->folder_stable_delay, l->conf->folder_stable_delay);
		c->retry_at = c->since + (double)l->conf->folder_stable_delay;
		ok = 0;
	}
	for (int i = 0; ok && rc == SOHOA_OK && i < t.n; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/%s", c->path, t.parts[i].name);
		ok = file_finished(l, c, dfd, t.parts[i].name, path, quiet, now);
	}
	if (rc == SOHOA_OK)
		sohoa_tailieu_release(&t);
	close(dfd);
	return ok;
}

/* Takes a document folder whose signature held still (c is its candidate).
 * Returns 1 if c was forgotten, 0 if it stays (still changing, RETRY). */
static int
take_folder(struct loop *l, struct cand *c, double now)
{
	long long sig = sohoa_tailieu_signature(l->conf->inbox, c->path);
	sohoa_take_result res;
	sohoa_error err;
	sohoa_status rc;

	if (!sig || !sohoa_tailieu_is_folder(l->conf->inbox, c->path)) {
		/* Gone, or no longer a document folder: the rescan sees anew. */
		cand_remove(l, c->path);
		l->next_rescan = 0;
		return 1;
	}
	if (sig != c->mtime_ns) {
		c->mtime_ns = sig;
		c->since = now;
		return 0;
	}
	if (!folder_finished(l, c, now))
		return 0;
	sohoa_error_clear(&err);
	rc = sohoa_engine_take_folder(l->engine, l->conf->inbox, c->path, sig, 1, &res, &err);
	return taken(l, cand_slot(l, c->path), now, rc, &res, &err);
}

/* Notes when candidate c is due again: when its stable_delay or retry
 * time ends, and never sooner than `floor` (a candidate looked at and left,
 * still written or changing, is looked at again a second later, as the
 * loop's turn always did). */
static void
note_due(struct loop *l, const struct cand *c, double floor)
{
	double due = c->since + (double)l->conf->stable_delay;

	if (c->retry_at > due)
		due = c->retry_at;
	if (due < floor)
		due = floor;
	if (due < l->next_take)
		l->next_take = due;
}

/* Takes every candidate that has held still long enough, and notes when
 * the next of those left is due (l->next_take). */
static void
take_stable(struct loop *l)
{
	double now = sohoa_mono_s();

	l->next_take = now + 3600;
	for (size_t i = 0; i < l->nbuckets && !l->stopping; i++) {
		struct cand **p = &l->buckets[i];
		while (*p) {
			struct cand *c = *p;
			char dir[PATH_MAX];
			struct stat st;
			long long mt;
			sohoa_take_result res;
			sohoa_error err;
			sohoa_status rc;

			if (now - c->since < (double)l->conf->stable_delay || now < c->retry_at) {
				note_due(l, c, now);
				p = &c->next;
				continue;
			}
			/* The files taken before this one go to idle workers
			 * now, not after the whole inbox is taken: one more is
			 * coming, so none of them spreads (engine.h). */
			sohoa_engine_dispatch(l->engine, true);
			if (c->folder) {
				if (!take_folder(l, c, now)) {
					note_due(l, c, now + 1);
					p = &c->next;
				}
				continue;
			}
			if (!c->folder && sohoa_tailieu_folder_of(l->conf->inbox, c->path, dir,
			    sizeof dir)) {
				/* Its folder became a document folder meanwhile. */
				cand_remove(l, c->path);
				l->next_rescan = 0;
				continue;
			}
			/* Never through a link: a folder on the way swapped for
			 * one since the walk means the file is gone from here. */
			if (sohoa_fs_stat_beneath(l->conf->inbox, c->path, &st) != 0
			    || (S_ISDIR(st.st_mode))) {
				*p = c->next;
				free(c->path);
				free(c);
				l->ncand--;
				continue;
			}
			mt = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
			if (st.st_size != c->size || mt != c->mtime_ns) {
				c->size = st.st_size;
				c->mtime_ns = mt;
				c->since = now;
				note_due(l, c, now + 1);
				p = &c->next;
				continue;
			}
			{
				const char *base;
				int pdfd = sohoa_fs_open_parent_beneath(l->conf->inbox, c->path, &base);
				int fin = pdfd < 0 || file_finished(l, c, pdfd, base, c->path,
				    age_of(&st), now);
				if (pdfd >= 0)
					close(pdfd);
				if (!fin) {
					note_due(l, c, now + 1);
					p = &c->next;
					continue;
				}
			}
			sohoa_error_clear(&err);
			rc = sohoa_engine_take(l->engine, l->conf->inbox, c->path, &st, 1, &res, &err);
			if (!taken(l, p, now, rc, &res, &err)) {
				note_due(l, c, now + 1);
				p = &c->next;
			}
		}
	}
}

/*
 * Tells systemd (STATUS=) and 'sohoa status' (<state_dir>/status) how the
 * daemon is doing, but only when something changed (and the status file at
 * least every 30 s, so that its reader can tell a live daemon from a stale
 * file).  force: a state change (paused, reloaded, stopping) that must be
 * seen now.
 */
static void
notify_status(struct loop *l, int force)
{
	char status[256];
	sohoa_runstate rs;
	int pending = sohoa_engine_pending(l->engine), running = sohoa_engine_running(l->engine);
	time_t now = time(NULL);

	if (l->low_disk)
		snprintf(status, sizeof status, "PAUSED: low disk space in %s (%lld MiB free,"
		    " min_free_mb %lld); %d queued, %d in OCR, %zu waiting in inbox",
		    l->conf->state_dir, l->free_bytes >> 20, l->conf->min_free_mb,
		    pending - running, running, l->ncand);
	else
		snprintf(status, sizeof status, "%d queued, %d in OCR, %zu waiting in inbox,"
		    " %lld taken, %lld quarantined", pending - running, running, l->ncand,
		    l->taken, l->quarantined);
	if (force || strcmp(status, l->last_status) != 0) {
		sd_notifyf(0, "STATUS=%s", status);
		snprintf(l->last_status, sizeof l->last_status, "%s", status);
	}

	memset(&rs, 0, sizeof rs);
	rs.pid = getpid();
	rs.started = l->started;
	snprintf(rs.state, sizeof rs.state, "%s", l->stopping ? "stopping"
	    : l->low_disk ? "paused" : "running");
	snprintf(rs.reason, sizeof rs.reason, "%s", l->low_disk ? "low-disk" : "");
	rs.queued = pending - running;
	rs.ocr = running;
	rs.waiting = (long long)l->ncand;
	rs.taken = l->taken;
	rs.quarantined = l->quarantined;
	rs.free_bytes = l->free_bytes;
	rs.min_free_bytes = l->conf->min_free_mb * 1024LL * 1024LL;
	/* Free space moves all the time: compare it in MiB only. */
	rs.updated = l->last_rs.updated;
	{
		sohoa_runstate a = rs, b = l->last_rs;
		a.free_bytes >>= 20;
		b.free_bytes >>= 20;
		if (!force && !memcmp(&a, &b, sizeof a) && now - l->status_written < 30)
			return;
	}
	rs.updated = now;
	l->last_rs = rs;
	l->status_written = now;
	if (sohoa_runstate_write(l->conf->state_dir, &rs) != 0)
		sohoad_log(SOHOA_LOG_DEBUG, 0, "cannot write %s/%s: %s", l->conf->state_dir,
		    SOHOA_RUNSTATE_FILE, strerror(errno));
}

/*
 * Below min_free_mb in state_dir, pickup pauses and so does the start of
 * new OCR jobs (their results need room too); running jobs finish.  Both
 * resume by themselves when space returns.  The test is repeated on every
 * turn of the loop (about once a second), so a pause shows at once.
 */
static void
check_disk(struct loop *l)
{
	long long free_b = sohoa_fs_free_bytes(l->conf->state_dir);
	int low = free_b >= 0 && free_b < l->conf->min_free_mb * 1024LL * 1024LL;

	l->free_bytes = free_b;
	if (low == l->low_disk)
		return;
	if (low)
		sohoad_log(SOHOA_LOG_WARNING, 0, "free space in %s is %lld MiB, below min_free_mb"
		    " (%lld MiB): pickup paused until space returns", l->conf->state_dir,
		    free_b >> 20, l->conf->min_free_mb);
	else
		sohoad_log(SOHOA_LOG_INFO, 0, "free space is back (%lld MiB): pickup resumed",
		    free_b >> 20);
	l->low_disk = low;
	sohoa_engine_pause(l->engine, low);
	notify_status(l, 1);
}

static void
reset_watches(struct loop *l)
{
	for (int i = 0; i < l->wd_cap; i++)
		if (l->wd_path[i]) {
			inotify_rm_watch(l->ifd, i);
			free(l->wd_path[i]);
			l->wd_path[i] = NULL;
		}
}

/* Keys that the engine or the pool took at start: a reload keeps the old
 * values and says a restart is needed. */
static void
reload(struct loop *l)
{
	sohoa_conf fresh;
	sohoa_error err;
	int inbox_changed;

	sd_notify(0, "RELOADING=1");
	sohoa_error_clear(&err);
	if (sohoad_load_conf(&fresh, l->conf_path, &err) != 0) {
		sohoad_log(SOHOA_LOG_ERR, 0, "reload refused, keeping the running configuration: %s",
		    err.msg);
		sohoa_conf_release(&fresh);
		sd_notify(0, "READY=1");
		return;
	}
#define KEEP_STR(f) do { if (strcmp(fresh.f, l->conf->f)) { \
	sohoad_log(SOHOA_LOG_WARNING, 0, #f " changes only when sohoad restarts"); \
	free(fresh.f); fresh.f = strdup(l->conf->f); } } while (0)
#define KEEP_INT(f) do { if (fresh.f != l->conf->f) { \
	sohoad_log(SOHOA_LOG_WARNING, 0, #f " changes only when sohoad restarts"); \
	fresh.f = l->conf->f; } } while (0)
	KEEP_STR(state_dir);
	KEEP_STR(languages);
	KEEP_INT(language_fallback);
	KEEP_STR(tessdata);
	KEEP_INT(workers);
	KEEP_INT(max_pixels);
	KEEP_INT(max_pages);
	KEEP_INT(page_timeout);
	KEEP_INT(worker_memory_mb);
	if (!fresh.state_dir || !fresh.languages || !fresh.tessdata) {
		sohoad_log(SOHOA_LOG_ERR, 0, "reload: out of memory");
		sohoa_conf_release(&fresh);
		sd_notify(0, "READY=1");
		return;
	}
	inbox_changed = strcmp(fresh.inbox, l->conf->inbox) != 0;
	sohoa_conf_release(l->conf);
	*l->conf = fresh;
	sohoad_set_log_level(l->conf->log_level);
	if (inbox_changed) {
		reset_watches(l);
		for (size_t i = 0; i < l->nbuckets; i++)
			while (l->buckets[i]) {
				struct cand *c = l->buckets[i];
				l->buckets[i] = c->next;
				free(c->path);
				free(c);
			}
		l->ncand = 0;
	}
	l->next_rescan = 0;
	sohoad_log(SOHOA_LOG_INFO, 0, "configuration reloaded from %s", l->conf_path);
	sd_notify(0, "READY=1");
	/* min_free_mb may have changed: test now, and say so. */
	check_disk(l);
	notify_status(l, 1);
}

int
sohoad_run(sohoa_conf *conf, const char *conf_path)
{
	struct loop l;
	sohoa_error err;
	sohoa_engine_options eo = { .agent = "sohoad", .log = NULL };
	sigset_t mask;
	double stop_deadline = 0, last_status = 0, next_watchdog = 0, wd_every = 0;
	uint64_t wd_usec = 0;
	int status = 0;

	memset(&l, 0, sizeof l);
	l.conf = conf;
	l.conf_path = conf_path;
	l.ifd = l.sfd = -1;
	l.nbuckets = 1024;
	l.buckets = calloc(l.nbuckets, sizeof *l.buckets);
	if (!l.buckets)
		return 1;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	l.sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	/* A writer opening a file during the instant of a lease check
	 * (inbox.h) sends SIGIO, whose default action would end us. */
	signal(SIGIO, SIG_IGN);

	sohoa_error_clear(&err);
	if (sohoa_fs_mkdirs(conf->inbox, 0775, &err) != SOHOA_OK) {
		sohoad_log(SOHOA_LOG_ERR, 0, "%s", err.msg);
		free(l.buckets);
		return 1;
	}
	eo.log = sohoad_engine_log;
	l.engine = sohoa_engine_open(conf, &eo, &err);
	if (!l.engine) {
		sohoad_log(SOHOA_LOG_ERR, 0, "cannot start: %s", err.msg);
		free(l.buckets);
		close(l.sfd);
		return err.status == SOHOA_RETRY ? 75 : 1;
	}
	l.ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (l.ifd < 0)
		sohoad_log(SOHOA_LOG_WARNING, 0, "inotify unavailable (%s); relying on the"
		    " periodic rescan", strerror(errno));
	rescan(&l);
	l.next_rescan = sohoa_mono_s() + (double)conf->rescan_interval;
	l.next_take = 0;     /* what the first walk found is looked at at once */
	sohoad_export_init(&l.exporter, sohoa_engine_catalog(l.engine));
	sohoad_desk_init(&l.desk, sohoa_engine_catalog(l.engine));
	/* The watchdog (WatchdogSec=) is fed from the loop, at half its period,
	 * so a loop that hangs is restarted by systemd. */
	if (sd_watchdog_enabled(0, &wd_usec) > 0 && wd_usec > 0)
		wd_every = (double)wd_usec / 2e6;
	l.started = time(NULL);
	sohoad_log(SOHOA_LOG_INFO, 0, "sohoad %s watching %s (%lld OCR workers, %s)",
	    SOHOA_VERSION, conf->inbox, conf->workers, conf->languages);
	check_disk(&l);
	sd_notify(0, "READY=1");
	notify_status(&l, 1);
	if (wd_every > 0) {
		sd_notify(0, "WATCHDOG=1");
		next_watchdog = sohoa_mono_s() + wd_every;
	}

	for (;;) {
		struct pollfd fds[260];
		int n = 0, nw, timeout = 1000;
		double now;

		if (l.sfd >= 0) {
			fds[n].fd = l.sfd;
			fds[n++].events = POLLIN;
		}
		if (l.ifd >= 0) {
			fds[n].fd = l.ifd;
			fds[n++].events = POLLIN;
		}
		nw = sohoa_engine_pollfds(l.engine, fds + n, 256);
		if (l.stopping)
			timeout = 100;
		/* A file due (stable_delay over, retry time come) or a rescan
		 * asked for is handled then, not at the loop's next turn: up to
		 * a second sooner, while OCR workers would wait idle for it. */
		if (!l.stopping) {
			double next = l.next_rescan, left;
			int ms;
			if (!l.low_disk && l.ncand > 0 && l.next_take < next)
				next = l.next_take;
			left = next - sohoa_mono_s();
			ms = left > 0 ? (int)(left * 1000) + 1 : 0;
			if (ms < timeout)
				timeout = ms;
		}
		if (wd_every > 0) {
			double left = next_watchdog - sohoa_mono_s();
			int ms = left > 0 ? (int)(left * 1000) + 1 : 0;
			if (ms < timeout)
				timeout = ms;
		}
		if (poll(fds, (nfds_t)(n + nw), timeout) < 0 && errno != EINTR)
			break;
		now = sohoa_mono_s();
		if (l.sfd >= 0 && (fds[0].revents & POLLIN)) {
			struct signalfd_siginfo si;
			while (read(l.sfd, &si, sizeof si) == (ssize_t)sizeof si) {
				if (si.ssi_signo == SIGHUP) {
					reload(&l);
				} else if (!l.stopping) {
					l.stopping = 1;
					stop_deadline = now + 8;
					sd_notify(0, "STOPPING=1");
					notify_status(&l, 1);
					sohoad_log(SOHOA_LOG_INFO, 0, "stopping: pickup ended, waiting"
					    " for %d running OCR job(s)", sohoa_engine_running(l.engine));
					sohoa_engine_pause(l.engine, 1);
				}
			}
		}
		if (l.ifd >= 0 && (fds[l.sfd >= 0 ? 1 : 0].revents & POLLIN))
			read_inotify(&l);
		sohoa_engine_step(l.engine, fds + n, nw);
		if (wd_every > 0 && now >= next_watchdog) {
			sd_notify(0, "WATCHDOG=1");
			next_watchdog = now + wd_every;
		}
		if (l.stopping) {
			if (sohoa_engine_running(l.engine) == 0 || now >= stop_deadline)
				break;
			continue;
		}
		if (now >= l.next_rescan) {
			rescan(&l);
			l.next_rescan = now + (double)conf->rescan_interval;
		}
		check_disk(&l);
		if (!l.low_disk)
			take_stable(&l);
		sohoa_engine_tick(l.engine, time(NULL));
		sohoad_export_tick(&l.exporter, l.conf, sohoa_engine_catalog(l.engine), now);
		sohoad_desk_tick(&l.desk, l.conf, sohoa_engine_catalog(l.engine), now);
		if (now - last_status >= 2) {
			notify_status(&l, 0);
			last_status = now;
		}
	}
	sohoad_export_stop(&l.exporter, sohoa_engine_catalog(l.engine));
	sohoad_desk_stop(&l.desk);
	sohoa_engine_free(l.engine, 1000);
	reset_watches(&l);
	for (size_t i = 0; i < l.nbuckets; i++)
		while (l.buckets[i]) {
			struct cand *c = l.buckets[i];
			l.buckets[i] = c->next;
			free(c->path);
			free(c);
		}
	free(l.buckets);
	free(l.wd_path);
	if (l.ifd >= 0)
		close(l.ifd);
	if (l.sfd >= 0)
		close(l.sfd);
	snprintf(l.last_rs.state, sizeof l.last_rs.state, "stopped");
	l.last_rs.reason[0] = '\0';
	l.last_rs.pid = getpid();
	l.last_rs.updated = time(NULL);
	sohoa_runstate_write(conf->state_dir, &l.last_rs);
	sohoad_log(SOHOA_LOG_INFO, 0, "stopped");
	return status;
}
