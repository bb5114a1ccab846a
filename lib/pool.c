/*
 * pool.c - the OCR worker processes, seen from the process that owns the
 * catalog.  Single-threaded: the caller polls the workers' pipes with its
 * other file descriptors and calls sohoa_pool_read() when one is readable.
 *
 * Spreading (ocr.h): a job given width w > 1 borrows w - 1 idle workers;
 * they stay lent (not idle, not busy) until the job's worker says it needs
 * fewer ("width N") or the job ends, so that the Tesseract instances of all
 * the workers never outnumber the workers.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sohoa/ocr.h"

/* Seconds of grace beyond page_timeout before a silent worker is killed:
 * Tesseract's own deadline should fire first. */
#define WATCHDOG_MARGIN 60

struct worker {
	pid_t pid;
	int to_fd, from_fd;
	int busy, ready;
	int lent_to;          /* 1 + the worker whose job borrowed this one, or 0 */
	int lent;             /* busy: how many workers its job borrows */
	int reclaimed;        /* busy: asked to give them back ("width 1") */
	char tag[SOHOA_JOB_TAG_MAX];
	time_t last_progress;
	char buf[1024];
	size_t len;
	int killed;
};

struct sohoa_pool {
	sohoa_pool_options opt;
	char *languages, *tessdata;
	char exe[4096];       /* this program, for re-running it as a worker */
	char ocr_mode[8];     /* auto, force or skip */
	int n;
	int spread;           /* jobs may borrow idle workers (not under SOHOA_SPREAD=0) */
	struct worker *w;
};

static int
spawn(sohoa_pool *pool, struct worker *wk)
{
	int in[2], out[2];
	char px[32], pg[16], pt[16], mm[32], lf[16], sp[16];
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(out, O_CLOEXEC) != 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	snprintf(px, sizeof px, "%lld", pool->opt.max_pixels);
	snprintf(pg, sizeof pg, "%d", pool->opt.max_pages);
	snprintf(pt, sizeof pt, "%d", pool->opt.page_timeout);
	snprintf(mm, sizeof mm, "%lld", pool->opt.memory_mb);
	snprintf(lf, sizeof lf, "%d", pool->opt.language_fallback);
	snprintf(sp, sizeof sp, "%d", pool->n);
	pid = fork();
	if (pid < 0) {
		close(in[0]); close(in[1]); close(out[0]); close(out[1]);
		return -1;
	}
	if (pid == 0) {
		char *argv[] = { "sohoa-ocr", "--ocr-worker", "--languages", pool->languages,
			"--tessdata", pool->tessdata, "--max-pixels", px, "--max-pages", pg,
			"--page-timeout", pt, "--memory-mb", mm, "--ocr-mode", pool->ocr_mode,
			"--language-fallback", lf, "--spread", sp, NULL };
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0)
			_exit(127);
		setenv("OMP_THREAD_LIMIT", "1", 1);
		execv(pool->exe, argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	/* A worker that died must not kill us with SIGPIPE on the next write. */
	memset(wk, 0, sizeof *wk);
	wk->pid = pid;
	wk->to_fd = in[1];
	wk->from_fd = out[0];
	return 0;
}

sohoa_pool *
sohoa_pool_new(const sohoa_pool_options *opt, sohoa_error *err)
{
	sohoa_pool *pool = calloc(1, sizeof *pool);

	if (!pool) {
		sohoa_error_oom(err);
		return NULL;
	}
	pool->opt = *opt;
	pool->n = opt->workers > 0 ? opt->workers : 1;
	/* SOHOA_SPREAD=0: one worker per document, as before spreading (make
	 * bench-spread's reference). */
	pool->spread = !(getenv("SOHOA_SPREAD") && strcmp(getenv("SOHOA_SPREAD"), "0") == 0);
	pool->languages = strdup(opt->languages);
	pool->tessdata = strdup(opt->tessdata ? opt->tessdata : "");
	snprintf(pool->ocr_mode, sizeof pool->ocr_mode, "%s", opt->ocr_mode ? opt->ocr_mode : "auto");
	pool->w = calloc((size_t)pool->n, sizeof *pool->w);
	if (!pool->w || !pool->languages || !pool->tessdata) {
		sohoa_error_oom(err);
		sohoa_pool_free(pool, 0);
		return NULL;
	}
	signal(SIGPIPE, SIG_IGN);
	/* The path /proc/self/exe names now (readlink, which valgrind answers
	 * with its client), unless the binary was replaced meanwhile. */
	{
		ssize_t n = readlink("/proc/self/exe", pool->exe, sizeof pool->exe - 1);
		if (n <= 0 || n >= (ssize_t)sizeof pool->exe - 1
		    || (pool->exe[n] = '\0', access(pool->exe, X_OK) != 0))
			snprintf(pool->exe, sizeof pool->exe, "/proc/self/exe");
	}
	for (int i = 0; i < pool->n; i++)
		pool->w[i].pid = -1;
	for (int i = 0; i < pool->n; i++)
		if (spawn(pool, &pool->w[i]) != 0) {
			sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "cannot start OCR worker: %s", strerror(errno));
			sohoa_pool_free(pool, 0);
			return NULL;
		}
	return pool;
}

static void
reap(struct worker *wk, int timeout_ms)
{
	int status;

	if (wk->pid <= 0)
		return;
	for (int waited = 0; ; waited += 10) {
		pid_t r = waitpid(wk->pid, &status, WNOHANG);
		if (r == wk->pid || (r < 0 && errno == ECHILD))
			break;
		if (waited >= timeout_ms) {
			kill(wk->pid, SIGKILL);
			waitpid(wk->pid, &status, 0);
			break;
		}
		usleep(10000);
	}
	wk->pid = -1;
}

void
sohoa_pool_free(sohoa_pool *pool, int timeout_ms)
{
	if (!pool)
		return;
	for (int i = 0; pool->w && i < pool->n; i++) {
		struct worker *wk = &pool->w[i];
		if (wk->pid <= 0)
			continue;
		/* Closing its input tells an idle worker to finish. */
		close(wk->to_fd);
		if (wk->busy)
			kill(wk->pid, SIGKILL);
	}
	for (int i = 0; pool->w && i < pool->n; i++) {
		struct worker *wk = &pool->w[i];
		if (wk->pid <= 0)
			continue;
		reap(wk, timeout_ms);
		close(wk->from_fd);
	}
	free(pool->w);
	free(pool->languages);
	free(pool->tessdata);
	free(pool);
}

int sohoa_pool_size(const sohoa_pool *pool) { return pool->n; }

int
sohoa_pool_idle(const sohoa_pool *pool)
{
	for (int i = 0; i < pool->n; i++)
		if (pool->w[i].pid > 0 && !pool->w[i].busy && !pool->w[i].lent_to)
			return i;
	return -1;
}

/* Gives back the workers that worker w's job borrowed beyond keep. */
static void
give_back(sohoa_pool *pool, int w, int keep)
{
	for (int i = 0; i < pool->n && pool->w[w].lent > keep; i++)
		if (pool->w[i].lent_to == w + 1) {
			pool->w[i].lent_to = 0;
			pool->w[w].lent--;
		}
}

int
sohoa_pool_busy(const sohoa_pool *pool)
{
	int n = 0;
	for (int i = 0; i < pool->n; i++)
		n += pool->w[i].busy;
	return n;
}

sohoa_status
sohoa_pool_submit(sohoa_pool *pool, int w, const char *dir, const char *tag, sohoa_error *err)
{
	return sohoa_pool_submit_spread(pool, w, dir, tag, 0, err);
}

sohoa_status
sohoa_pool_submit_spread(sohoa_pool *pool, int w, const char *dir, const char *tag, int spare,
    sohoa_error *err)
{
	struct worker *wk = &pool->w[w];
	char line[4200];
	int n, lend = 0;

	if (!pool->spread)
		spare = 0;
	for (int i = 0; i < pool->n && lend < spare; i++)
		lend += i != w && pool->w[i].pid > 0 && !pool->w[i].busy && !pool->w[i].lent_to;
	n = lend ? snprintf(line, sizeof line, "spread %d %s\n", lend + 1, dir)
	    : snprintf(line, sizeof line, "job %s\n", dir);
	if (n >= (int)sizeof line || strchr(dir, '\n'))
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "bad job path");
	if (write(wk->to_fd, line, (size_t)n) != n)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "OCR worker %d does not take jobs: %s", w, strerror(errno));
	wk->busy = 1;
	wk->killed = 0;
	wk->reclaimed = 0;
	wk->lent = 0;
	for (int i = 0; i < pool->n && wk->lent < lend; i++)
		if (i != w && pool->w[i].pid > 0 && !pool->w[i].busy && !pool->w[i].lent_to) {
			pool->w[i].lent_to = w + 1;
			wk->lent++;
		}
	wk->last_progress = time(NULL);
	snprintf(wk->tag, sizeof wk->tag, "%s", tag);
	return SOHOA_OK;
}

int
sohoa_pool_pollfds(const sohoa_pool *pool, struct pollfd *fds, int *map, int max)
{
	int k = 0;
	for (int i = 0; i < pool->n && k < max; i++) {
		if (pool->w[i].pid <= 0)
			continue;
		fds[k].fd = pool->w[i].from_fd;
		fds[k].events = POLLIN;
		fds[k].revents = 0;
		map[k++] = i;
	}
	return k;
}

/* Handles one complete line from a worker; returns 1 if a job ended. */
static int
handle_line(sohoa_pool *pool, int w, char *line, sohoa_job_result *res)
{
	struct worker *wk = &pool->w[w];
	int width;

	memset(res, 0, sizeof *res);
	snprintf(res->tag, sizeof res->tag, "%s", wk->tag);
	if (!strncmp(line, "progress ", 9) || !strcmp(line, "ready")) {
		wk->last_progress = time(NULL);
		wk->ready = 1;
		return 0;
	}
	if (!wk->busy)
		return 0;
	if (sscanf(line, "width %d", &width) == 1) {
		/* Its job needs fewer readers: the others' workers go back. */
		give_back(pool, w, width > 1 ? width - 1 : 0);
		return 0;
	}
	res->readers = 1;
	if (!strncmp(line, "ok ", 3)) {
		res->status = SOHOA_OK;
		if (sscanf(line + 3, "%d %d", &res->pages, &res->readers) < 1)
			res->pages = 0;
	} else if (!strncmp(line, "bad ", 4)) {
		char *sp = strchr(line + 4, ' ');
		if (sp)
			*sp++ = '\0';
		res->status = SOHOA_BAD_INPUT;
		res->reason = sohoa_reason_from_key(line + 4);
		if (res->reason == SOHOA_REASON_NONE)
			res->reason = SOHOA_REASON_CORRUPT;
		snprintf(res->msg, sizeof res->msg, "%s", sp ? sp : "");
	} else {
		res->status = SOHOA_RETRY;
		snprintf(res->msg, sizeof res->msg, "%s",
		    !strncmp(line, "retry ", 6) ? line + 6 : line);
	}
	wk->busy = 0;
	give_back(pool, w, 0);
	return 1;
}

int
sohoa_pool_read(sohoa_pool *pool, int w, sohoa_job_result *res)
{
	struct worker *wk = &pool->w[w];
	ssize_t n;

	for (;;) {
		char *nl;
		/* Lines already buffered first. */
		while ((nl = memchr(wk->buf, '\n', wk->len)) != NULL) {
			size_t l = (size_t)(nl - wk->buf);
			int ended;
			*nl = '\0';
			ended = handle_line(pool, w, wk->buf, res);
			memmove(wk->buf, nl + 1, wk->len - l - 1);
			wk->len -= l + 1;
			if (ended)
				return 1;
		}
		if (wk->len == sizeof wk->buf)
			wk->len = 0;  /* an absurd line: drop it */
		n = read(wk->from_fd, wk->buf + wk->len, sizeof wk->buf - wk->len);
		if (n > 0) {
			wk->len += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		break;  /* EOF or error: the worker is gone */
	}
	{
		int was_busy = wk->busy, killed = wk->killed, lent_to = wk->lent_to;
		char tag[SOHOA_JOB_TAG_MAX];
		snprintf(tag, sizeof tag, "%s", wk->tag);
		close(wk->to_fd);
		close(wk->from_fd);
		reap(wk, 2000);
		/* Its job's readers died with it: what it borrowed goes back. */
		if (was_busy)
			give_back(pool, w, 0);
		if (spawn(pool, wk) != 0)
			wk->pid = -1;   /* tried again by the next sohoa_pool_watchdog */
		/* A lent worker stays lent: its place is another job's reader. */
		wk->lent_to = lent_to;
		if (!was_busy)
			return 0;
		memset(res, 0, sizeof *res);
		snprintf(res->tag, sizeof res->tag, "%s", tag);
		res->status = SOHOA_RETRY;
		snprintf(res->msg, sizeof res->msg, killed
		    ? "the OCR worker made no progress for too long and was stopped"
		    : "the OCR worker stopped unexpectedly (crashed)");
		return 1;
	}
}

void
sohoa_pool_reclaim(sohoa_pool *pool)
{
	for (int i = 0; i < pool->n; i++) {
		struct worker *wk = &pool->w[i];
		if (wk->pid > 0 && wk->busy && wk->lent > 0 && !wk->reclaimed
		    && write(wk->to_fd, "width 1\n", 8) == 8)
			wk->reclaimed = 1;
	}
}

void
sohoa_pool_watchdog(sohoa_pool *pool, time_t now)
{
	for (int i = 0; i < pool->n; i++) {
		struct worker *wk = &pool->w[i];
		if (wk->pid <= 0) {
			int lent_to = wk->lent_to;
			if (spawn(pool, wk) == 0)
				wk->lent_to = lent_to;
			continue;
		}
		if (wk->busy && !wk->killed
		    && now - wk->last_progress > pool->opt.page_timeout + WATCHDOG_MARGIN) {
			kill(wk->pid, SIGKILL);
			wk->killed = 1;
		}
	}
}

/* ---- the engine's runner (ocr.h) ---- */

static void *
runner_open(const sohoa_pool_options *opt, void *arg, sohoa_error *err)
{
	return sohoa_pool_new(opt, err);
}

static void runner_free(void *r, int timeout_ms) { sohoa_pool_free(r, timeout_ms); }
static int runner_idle(const void *r) { return sohoa_pool_idle(r); }
static int runner_busy(const void *r) { return sohoa_pool_busy(r); }
static int runner_read(void *r, int w, sohoa_job_result *res) { return sohoa_pool_read(r, w, res); }
static void runner_watchdog(void *r, time_t now) { sohoa_pool_watchdog(r, now); }

static sohoa_status
runner_submit(void *r, int w, const char *dir, const char *tag, sohoa_error *err)
{
	return sohoa_pool_submit(r, w, dir, tag, err);
}

static sohoa_status
runner_submit_spread(void *r, int w, const char *dir, const char *tag, int spare,
    sohoa_error *err)
{
	return sohoa_pool_submit_spread(r, w, dir, tag, spare, err);
}

static void runner_reclaim(void *r) { sohoa_pool_reclaim(r); }

static int
runner_pollfds(const void *r, struct pollfd *fds, int *map, int max)
{
	return sohoa_pool_pollfds(r, fds, map, max);
}

const sohoa_ocr_runner sohoa_ocr_pool_runner = {
	.open = runner_open, .free = runner_free, .idle = runner_idle, .busy = runner_busy,
	.submit = runner_submit, .pollfds = runner_pollfds, .read = runner_read,
	.watchdog = runner_watchdog, .submit_spread = runner_submit_spread,
	.reclaim = runner_reclaim,
};
