/*
 * progress.c - the terminal progress bar of progress.h: one line on stderr,
 * redrawn in place with '\r', cleared at the end.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "sohoa/clock.h"

#define BAR_WIDTH 24
#define MIN_REDRAW 0.125

static void
draw(struct progress *p, double now)
{
	double el = now - p->start;
	char bar[BAR_WIDTH * 3 + 1], eta[32] = "";
	size_t k = 0;

	if (p->total > 0) {
		long long done = p->done > p->total ? p->total : p->done;
		int fill = (int)(done * BAR_WIDTH / p->total);
		for (int i = 0; i < BAR_WIDTH; i++) {
			/* U+2588 FULL BLOCK and U+2591 LIGHT SHADE, three bytes each. */
			memcpy(bar + k, i < fill ? "\xe2\x96\x88" : "\xe2\x96\x91", 3);
			k += 3;
		}
		bar[k] = '\0';
		if (done > 0 && done < p->total && el >= 2) {
			double left = el * (double)(p->total - done) / (double)done;
			snprintf(eta, sizeof eta, ", còn ~%.0f s", left);
		}
		fprintf(stderr, "\r\033[K%s %s %lld/%lld (%d%%) %.0f s%s", p->label, bar, done,
		    p->total, (int)(done * 100 / p->total), el, eta);
	} else {
		fprintf(stderr, "\r\033[K%s: %lld, %.0f s", p->label, p->done, el);
	}
	fflush(stderr);
	p->drawn = 1;
	p->last = now;
}

void
progress_start(struct progress *p, const char *label, long long total)
{
	memset(p, 0, sizeof *p);
	p->tty = isatty(2);
	p->label = label;
	p->total = total;
	p->start = sohoa_mono_s();
	p->last = 0;
}

void
progress_set_total(struct progress *p, long long total)
{
	p->total = total;
}

void
progress_update(struct progress *p, long long done)
{
	double now;

	p->done = done;
	if (!p->tty)
		return;
	now = sohoa_mono_s();
	/* The first draw waits half a second: quick commands stay silent. */
	if (now - p->start < 0.5 || (now - p->last < MIN_REDRAW && !(p->total > 0
	    && done >= p->total)))
		return;
	draw(p, now);
}

void
progress_clear(struct progress *p)
{
	if (p->tty && p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		p->drawn = 0;
	}
}

void
progress_end(struct progress *p)
{
	progress_clear(p);
}

double
progress_elapsed(const struct progress *p)
{
	return sohoa_mono_s() - p->start;
}
