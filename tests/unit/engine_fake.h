/*
 * engine_fake.h - what the engine tests share (test_engine.c, test_fault.c):
 * a fake OCR runner (ocr.h's sohoa_ocr_runner) that answers at once through
 * a pipe per worker, a store in the test's folder, scans made with
 * Leptonica, the loop that drives the engine until its queue is empty, and
 * the count of a spool folder's entries.
 *
 * The fake decides by the scan's name (from its envelope): a name that
 * begins with "bad" is bad input (corrupt), one that begins with "retry"
 * fails for now (RETRY), one that begins with "hang" is never answered,
 * one that begins with "garbled" is answered OK with results that cannot
 * be read;
 * any other is read as one page whose text says which file it was.
 */
#ifndef SOHOA_ENGINE_FAKE_H
#define SOHOA_ENGINE_FAKE_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>
#include <leptonica/allheaders.h>

#include "sohoa/conf.h"
#include "sohoa/engine.h"
#include "sohoa/fsutil.h"
#include "sohoa/ocr.h"

#define FAKE_WORKERS 2

struct fake_ocr {
	int pipe[FAKE_WORKERS][2];
	int busy[FAKE_WORKERS];
	char dir[FAKE_WORKERS][PATH_MAX];
	char tag[FAKE_WORKERS][SOHOA_JOB_TAG_MAX];
	int jobs;                   /* submitted, over the runner's life */
};

static void *
fake_open(const sohoa_pool_options *opt, void *arg, sohoa_error *err)
{
	struct fake_ocr *f = calloc(1, sizeof *f);

	if (!f) {
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "out of memory");
		return NULL;
	}
	for (int w = 0; w < FAKE_WORKERS; w++)
		if (pipe2(f->pipe[w], O_CLOEXEC | O_NONBLOCK) != 0) {
			sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "pipe: %s",
			    strerror(errno));
			free(f);
			return NULL;
		}
	return f;
}

static void
fake_free(void *r, int timeout_ms)
{
	struct fake_ocr *f = r;

	for (int w = 0; w < FAKE_WORKERS; w++) {
		close(f->pipe[w][0]);
		close(f->pipe[w][1]);
	}
	free(f);
}

static int
fake_idle(const void *r)
{
	const struct fake_ocr *f = r;

	for (int w = 0; w < FAKE_WORKERS; w++)
		if (!f->busy[w])
			return w;
	return -1;
}

static int
fake_busy(const void *r)
{
	const struct fake_ocr *f = r;
	int n = 0;

	for (int w = 0; w < FAKE_WORKERS; w++)
		n += f->busy[w];
	return n;
}

/* The name the entry in dir was taken under starts with prefix. */
static int
fake_name_is(const char *dir, const char *prefix)
{
	char path[PATH_MAX], *text = NULL, want[64] = "\nname_hex=";
	int yes;

	snprintf(path, sizeof path, "%s/envelope", dir);
	if (sohoa_fs_read_file(path, 1 << 16, &text, NULL, NULL) != SOHOA_OK)
		return 0;
	for (size_t i = 0; prefix[i] && i < 20; i++)
		snprintf(want + strlen(want), sizeof want - strlen(want), "%02x",
		    (unsigned char)prefix[i]);
	yes = strstr(text, want) != NULL;
	free(text);
	return yes;
}

static sohoa_status
fake_submit(void *r, int w, const char *dir, const char *tag, sohoa_error *err)
{
	struct fake_ocr *f = r;

	snprintf(f->dir[w], sizeof f->dir[w], "%s", dir);
	snprintf(f->tag[w], sizeof f->tag[w], "%s", tag);
	f->busy[w] = 1;
	f->jobs++;
	if (!fake_name_is(dir, "hang") && write(f->pipe[w][1], "j", 1) != 1)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "fake: %s",
		    strerror(errno));
	return SOHOA_OK;
}

static int
fake_pollfds(const void *r, struct pollfd *fds, int *map, int max)
{
	const struct fake_ocr *f = r;
	int n = 0;

	for (int w = 0; w < FAKE_WORKERS && n < max; w++) {
		fds[n].fd = f->pipe[w][0];
		fds[n].events = POLLIN;
		fds[n].revents = 0;
		map[n++] = w;
	}
	return n;
}

/* What the worker writes for one page (ocr.c's ocr.out format).  The
 * worker is another process, whose writes are no steps of the engine's
 * (fault.h): plain write(), as ocr.c does (results need no fsync: a crash
 * redoes the job). */
static int
fake_write_results(const char *dir, const char *tag)
{
	char path[PATH_MAX], text[256], out[512];
	int tl, n, fd, ok;

	tl = snprintf(text, sizeof text, "ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM\nBản quét %s", tag);
	n = snprintf(out, sizeof out, "page 1 91.5 ok 1240 1754 150 %d 0 0.0\n%s\n", tl, text);
	snprintf(path, sizeof path, "%s/ocr.out", dir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) < 0)
		return -1;
	ok = write(fd, out, (size_t)n) == n;
	return close(fd) == 0 && ok ? 0 : -1;
}

static int
fake_read(void *r, int w, sohoa_job_result *res)
{
	struct fake_ocr *f = r;
	char c;

	if (!f->busy[w] || read(f->pipe[w][0], &c, 1) != 1)
		return 0;
	f->busy[w] = 0;
	memset(res, 0, sizeof *res);
	snprintf(res->tag, sizeof res->tag, "%s", f->tag[w]);
	res->pages = 1;
	if (fake_name_is(f->dir[w], "bad")) {
		res->status = SOHOA_BAD_INPUT;
		res->reason = SOHOA_REASON_CORRUPT;
		snprintf(res->msg, sizeof res->msg, "fake: the image cannot be decoded");
	} else if (fake_name_is(f->dir[w], "garbled")) {
		char path[PATH_MAX];
		int fd;
		snprintf(path, sizeof path, "%s/ocr.out", f->dir[w]);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640)) >= 0) {
			if (write(fd, "page one\n", 9) != 9)
				res->pages = 0;
			close(fd);
		}
		res->status = SOHOA_OK;
	} else if (fake_name_is(f->dir[w], "retry") || fake_write_results(f->dir[w], f->tag[w])) {
		res->status = SOHOA_RETRY;
		snprintf(res->msg, sizeof res->msg, "fake: try again later");
	} else {
		res->status = SOHOA_OK;
	}
	return 1;
}

static void fake_watchdog(void *r, time_t now) { (void)r; (void)now; }

static const sohoa_ocr_runner fake_runner = {
	.open = fake_open, .free = fake_free, .idle = fake_idle, .busy = fake_busy,
	.submit = fake_submit, .pollfds = fake_pollfds, .read = fake_read,
	.watchdog = fake_watchdog,
};

/* The repository's schemas/xml, found from the test's starting folder. */
static char fake_schemas[PATH_MAX];

/* Sets fake_schemas; main() calls it before the first TEST_RUN (which
 * moves into a folder of its own).  0, or -1 when the folder is unknown. */
static int
fake_find_schemas(void)
{
	char cwd[PATH_MAX];

	if (!getcwd(cwd, sizeof cwd))
		return -1;
	snprintf(fake_schemas, sizeof fake_schemas, "%s/schemas/xml", cwd);
	return 0;
}

/* A configuration for a store under root (inbox, state, quarantine). */
static int
fake_conf(sohoa_conf *conf, const char *root)
{
	char path[PATH_MAX];
	sohoa_error err;

	sohoa_error_clear(&err);
	sohoa_conf_init(conf);
	snprintf(path, sizeof path, "%s/inbox", root);
	sohoa_conf_set(conf, "inbox", path, NULL, NULL);
	snprintf(path, sizeof path, "%s/state", root);
	sohoa_conf_set(conf, "state_dir", path, NULL, NULL);
	snprintf(path, sizeof path, "%s/quarantine", root);
	sohoa_conf_set(conf, "quarantine", path, NULL, NULL);
	sohoa_conf_set(conf, "schema_dir", fake_schemas, NULL, NULL);
	sohoa_conf_set(conf, "workers", "2", NULL, NULL);
	sohoa_conf_set(conf, "agency_name", "UBND xã Thử Nghiệm", NULL, NULL);
	sohoa_conf_set(conf, "agency_code", "000.00.01.H26", NULL, NULL);
	if (sohoa_conf_finish(conf, &err) != SOHOA_OK) {
		fprintf(stderr, "conf: %s\n", err.msg);
		return -1;
	}
	return sohoa_fs_mkdirs(conf->inbox, 0750, NULL) == SOHOA_OK ? 0 : -1;
}

/* A grey scan unlike any other made with another seed. */
static int
fake_scan(const char *path, int seed)
{
	PIX *pix = pixCreate(160, 120, 8);
	int rc;

	if (!pix)
		return -1;
	pixSetAll(pix);
	pixSetResolution(pix, 150, 150);
	for (int i = 0; i < 40; i++)
		pixSetPixel(pix, (seed * 37 + i * 13) % 160, (seed * 11 + i * 7) % 120, 0);
	rc = pixWrite(path, pix, IFF_PNG);
	pixDestroy(&pix);
	return rc == 0 ? 0 : -1;
}

static void fake_log(void *arg, int level, int64_t id, const char *msg)
{
	if (getenv("TEST_VERBOSE"))
		fprintf(stderr, "    log %d [%lld] %s\n", level, (long long)id, msg);
}

static sohoa_engine *
fake_engine(const sohoa_conf *conf, sohoa_error *err)
{
	sohoa_engine_options o = { .agent = "test", .log = fake_log, .ocr = &fake_runner };
	return sohoa_engine_open(conf, &o, err);
}

/* Offers every file of the inbox's top folder to the engine (as the
 * daemon's scan would), in name order. */
static int
fake_take_all(sohoa_engine *e, const sohoa_conf *conf)
{
	struct dirent **names;
	int n = scandir(conf->inbox, &names, NULL, alphasort), taken = 0;

	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct stat st;
		sohoa_take_result res;
		sohoa_error err;
		snprintf(path, sizeof path, "%s/%s", conf->inbox, names[i]->d_name);
		if (names[i]->d_name[0] != '.' && lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			sohoa_error_clear(&err);
			if (sohoa_engine_take(e, conf->inbox, names[i]->d_name, &st, 1, &res, &err)
			    == SOHOA_OK)
				taken++;
		}
		free(names[i]);
	}
	free(names);
	return taken;
}

/* Runs the engine until nothing is pending (at most rounds polls). */
static void
fake_drain(sohoa_engine *e, int rounds)
{
	struct pollfd fds[8];

	sohoa_engine_tick(e, time(NULL));
	for (int i = 0; i < rounds && sohoa_engine_pending(e) > 0; i++) {
		int n = sohoa_engine_pollfds(e, fds, 8);
		if (poll(fds, (nfds_t)n, 50) < 0)
			break;
		sohoa_engine_step(e, fds, n);
		sohoa_engine_tick(e, time(NULL));
	}
}

/* Entries in the spool's state folder (a tmp/ not made yet holds none);
 * -1 when another cannot be read. */
static int
fake_entries(const sohoa_conf *conf, const char *state)
{
	char path[PATH_MAX];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(path, sizeof path, "%s/spool/%s", conf->state_dir, state);
	if (!(d = opendir(path)))
		return strcmp(state, "tmp") ? -1 : 0;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

#endif
