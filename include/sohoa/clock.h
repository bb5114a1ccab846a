/*
 * clock.h - the monotonic clock in seconds, for deadlines, back-offs and
 * progress, and a thread's CPU time for the cost of a step: one helper for
 * the library and the programs instead of one copy per file.  Header only.
 */
#ifndef SOHOA_CLOCK_H
#define SOHOA_CLOCK_H

#include <time.h>

/* Seconds on CLOCK_MONOTONIC; only the difference of two readings means
 * anything (it never jumps with the wall clock). */
static inline double
sohoa_mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds this thread has used (CLOCK_THREAD_CPUTIME_ID): the cost of
 * a step, which a busy machine does not stretch as it stretches the
 * monotonic clock's time. */
static inline double
sohoa_thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
