/*
 * progress.h - a progress bar on stderr for long commands of the sohoa
 * tool (ingest, reindex, audit, export...).  It shows only when stderr is
 * a terminal: logs, pipes and --json consumers never see it.  Updates are
 * rate-limited (at most 8 redraws a second), so calling progress_update()
 * for every item is cheap.
 *
 *   struct progress p;
 *   progress_start(&p, "Đang lập chỉ mục", total);   // total 0: not known yet
 *   for (...) progress_update(&p, done);              // done of total
 *   progress_set_total(&p, n);                        // when the total changes
 *   progress_end(&p);                                 // clears the line
 *
 * Before printing anything else on stderr meanwhile, call progress_clear()
 * (the next update redraws).  The struct is caller-owned; no allocation.
 */
#ifndef SOHOA_PROGRESS_H
#define SOHOA_PROGRESS_H

struct progress {
	int tty;                 /* stderr is a terminal: draw */
	int drawn;               /* a line is on the screen */
	const char *label;       /* not copied: must outlive the progress */
	long long total, done;
	double start, last;      /* CLOCK_MONOTONIC seconds */
};

void progress_start(struct progress *p, const char *label, long long total);
void progress_set_total(struct progress *p, long long total);
void progress_update(struct progress *p, long long done);
void progress_clear(struct progress *p);
void progress_end(struct progress *p);

/* Seconds since progress_start(). */
double progress_elapsed(const struct progress *p);

#endif
