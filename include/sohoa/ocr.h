/*
 * ocr.h - OCR in worker processes.
 *
 * Scans are untrusted: they are decoded and OCRed in worker processes (one
 * Tesseract instance each, OMP_THREAD_LIMIT=1, or several in a spread job,
 * see "Spreading" below), never in the process that
 * owns the catalog (after OpenSMTPD's privilege separation).  A worker that
 * crashes or hangs on a hostile file takes only that job with it; the pool
 * notices, counts an attempt and starts a new worker.
 *
 * A worker is the program itself run again as "PROGRAM --ocr-worker ARGS"
 * (through /proc/self/exe), so every binary that uses a pool must start
 * with:   if (argc > 1 && !strcmp(argv[1], "--ocr-worker"))
 *             return sohoa_ocr_worker_main(argc - 1, argv + 1);
 *
 * Protocol, one line each way per message:
 *   pool -> worker   "job <entry-dir>\n"
 *                    "spread <w> <entry-dir>\n": the same job, with w readers
 *                    "width <n>\n" (during a spread job): use n readers at most
 *   worker -> pool   "progress <page> <pages>\n" (any number)
 *                    "width <n>\n" (a spread job): it now runs n readers at most
 *                    "ok <pages> <readers>\n" | "bad <reason-key> <message>\n"
 *                    | "retry <message>\n"
 * Results go to <entry-dir>/ocr.out (see sohoa_ocr_read_results).
 *
 * Spreading: the pages of one document can be read by several Tesseract
 * instances at once.  A job submitted with spare workers borrows the idle
 * ones; its worker runs one reader per page in threads (reader = one
 * Tesseract instance and its engines, ocr.c "Spreading") and writes the
 * same ocr.out, hOCR and PDF, in page order, as one reader does.  A
 * borrowed worker stays out of the pool's idle ones until the job's worker
 * says "width" or ends, so no more Tesseract instances run than there are
 * workers; the job is still one job with one answer, redone whole after a
 * crash.
 */
#ifndef SOHOA_OCR_H
#define SOHOA_OCR_H

#include <poll.h>
#include <time.h>
#include "sohoa/sohoa.h"
#include "sohoa/ocr_result.h"

SOHOA_API int sohoa_ocr_worker_main(int argc, char **argv);

typedef struct sohoa_pool_options {
	const char *languages;
	const char *tessdata;       /* "" for Tesseract's default */
	long long max_pixels;
	int max_pages;
	int page_timeout;           /* seconds */
	long long memory_mb;        /* 0 = no limit */
	int workers;
	const char *ocr_mode;       /* "auto", "force" or "skip" (conf.h); NULL: "auto" */
	int language_fallback;      /* conf.h; 0: never read a page with all the languages */
} sohoa_pool_options;

typedef struct sohoa_pool sohoa_pool;

#define SOHOA_JOB_TAG_MAX 64

typedef struct sohoa_job_result {
	char tag[SOHOA_JOB_TAG_MAX]; /* what the caller submitted it with */
	sohoa_status status;         /* OK, BAD_INPUT (reason), RETRY */
	sohoa_reason reason;
	int pages;
	char msg[256];
	int readers;                 /* OK: how many Tesseract instances read its pages */
} sohoa_job_result;

SOHOA_API sohoa_pool *sohoa_pool_new(const sohoa_pool_options *opt, sohoa_error *err);
/* Asks the workers to finish and waits up to timeout_ms, then kills them. */
SOHOA_API void sohoa_pool_free(sohoa_pool *pool, int timeout_ms);

SOHOA_API int sohoa_pool_size(const sohoa_pool *pool);
/* Index of an idle worker, or -1. */
SOHOA_API int sohoa_pool_idle(const sohoa_pool *pool);
SOHOA_API int sohoa_pool_busy(const sohoa_pool *pool);

/* Gives the job in entry_dir to worker w.  tag comes back in the result. */
SOHOA_API sohoa_status sohoa_pool_submit(sohoa_pool *pool, int w, const char *entry_dir,
    const char *tag, sohoa_error *err);

/* The same, letting the job borrow up to spare idle workers (other than
 * w; one still loading Tesseract too: it only stays out of use) to spread
 * its pages over (see "Spreading" above); spare 0
 * is sohoa_pool_submit. */
SOHOA_API sohoa_status sohoa_pool_submit_spread(sohoa_pool *pool, int w, const char *entry_dir,
    const char *tag, int spare, sohoa_error *err);

/* Asks every job that borrowed workers to give them back as soon as its
 * current pages end (another job waits); they come back through
 * sohoa_pool_read. */
SOHOA_API void sohoa_pool_reclaim(sohoa_pool *pool);

/* Fills fds[] (at most max) with the workers' result pipes; map[i] is the
 * worker of fds[i].  Returns the count. */
SOHOA_API int sohoa_pool_pollfds(const sohoa_pool *pool, struct pollfd *fds, int *map, int max);

/* Reads what worker w said.  Returns 1 and fills *res when its job ended
 * (finished, failed, or the worker died: then RETRY), 0 otherwise. */
SOHOA_API int sohoa_pool_read(sohoa_pool *pool, int w, sohoa_job_result *res);

/* Kills workers whose job made no progress for page_timeout + a margin;
 * their jobs then end as RETRY through sohoa_pool_read(). */
SOHOA_API void sohoa_pool_watchdog(sohoa_pool *pool, time_t now);

/*
 * The engine's OCR runner: what the engine asks of its OCR workers, as a
 * table of functions, so that a test can drive the engine with a fake OCR
 * (tests/unit/test_engine.c).  sohoa_ocr_pool_runner is the real one, the
 * worker processes above; each function means what its sohoa_pool_*
 * namesake does, on the handle open() returned (arg: the runner's own, from
 * sohoa_engine_options).  A runner writes a finished job's results where
 * sohoa_ocr_read_results() reads them before read() reports it OK.
 */
typedef struct sohoa_ocr_runner {
	void *(*open)(const sohoa_pool_options *opt, void *arg, sohoa_error *err);
	void (*free)(void *r, int timeout_ms);
	int (*idle)(const void *r);
	int (*busy)(const void *r);
	sohoa_status (*submit)(void *r, int w, const char *entry_dir, const char *tag,
	    sohoa_error *err);
	int (*pollfds)(const void *r, struct pollfd *fds, int *map, int max);
	int (*read)(void *r, int w, sohoa_job_result *res);
	void (*watchdog)(void *r, time_t now);
	/* Optional (NULL: jobs are not spread): sohoa_pool_submit_spread's
	 * and sohoa_pool_reclaim's namesakes. */
	sohoa_status (*submit_spread)(void *r, int w, const char *entry_dir, const char *tag,
	    int spare, sohoa_error *err);
	void (*reclaim)(void *r);
} sohoa_ocr_runner;

extern SOHOA_API const sohoa_ocr_runner sohoa_ocr_pool_runner;

/* Reads <dir>/ocr.out.  *pages points into *buf; free both with free(). */
SOHOA_API sohoa_status sohoa_ocr_read_results(const char *dir, sohoa_page_result **pages, int *n,
    char **buf, sohoa_error *err);

/* Whether Tesseract can load every language of languages ("vie+eng") and
 * the orientation data (osd) from tessdata ("" or NULL: its default
 * folder): SOHOA_OK, or SOHOA_FATAL naming the missing language and its
 * Debian package.  For 'sohoad -n'; loads each model once (~0.2 s each).
 * err must be clear on entry. */
SOHOA_API sohoa_status sohoa_ocr_check_languages(const char *languages, const char *tessdata,
    sohoa_error *err);

/* Tesseract's version, "X.Y.Z", for event agents. */
SOHOA_API const char *sohoa_ocr_engine_version(void);

#endif
