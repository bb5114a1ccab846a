/*
 * fault.h - fault injection, after SQLite's SimulateIOError and crashsql:
 * a build made with -DSOHOA_FAULT (the sanitized build of 'make check',
 * build/san) counts every step that makes something durable — each
 * write(), fsync() and rename() of fsutil.c and of the spool's copy, each
 * package folder swap, each catalog commit (sqlite3_commit_hook, so that
 * autocommit statements count too) — and, when armed, fails the N-th one
 * (as EIO: the caller's error path runs) or kills the process there
 * (SIGKILL: nothing after it happens, as with a power cut).  A normal
 * build compiles every hook to nothing: sohoa_fault_step() is 0.
 *
 * Invariants:
 *   1. Disarmed, a hook never changes what happens: it only counts.
 *   2. The count is per process and starts at 0 when armed; step N is the
 *      same operation in two runs that do the same work (the engine is
 *      single-threaded; OCR workers are other processes).
 *
 * The one mutable global of lib/ outside the daemon's main file lives in
 * fault.c, and only in a -DSOHOA_FAULT build: a test hook, never shipped.
 */
#ifndef SOHOA_FAULT_H
#define SOHOA_FAULT_H

#include "sohoa/sohoa.h"

enum sohoa_fault_mode {
	SOHOA_FAULT_COUNT = 0,   /* only count the steps */
	SOHOA_FAULT_FAIL = 1,    /* the N-th step fails with EIO */
	SOHOA_FAULT_KILL = 2     /* the process is killed (SIGKILL) at the N-th step */
};

/* Whether this build has the hooks (-DSOHOA_FAULT). */
SOHOA_API bool sohoa_fault_available(void);
/* Resets the count and arms mode at step n (1 = the first step). */
SOHOA_API void sohoa_fault_arm(enum sohoa_fault_mode mode, long n);
/* Steps counted since the last arm. */
SOHOA_API long sohoa_fault_steps(void);
/* What step n was ("rename", "fsync", "write", "commit"), if it was
 * counted since the last arm and n <= 4096; else NULL.  For reports. */
SOHOA_API const char *sohoa_fault_step_kind(long n);

/* The hook: counts one step of the given kind.  0: go on; -1 with errno
 * set to EIO: fail this step (the caller fails as if the system call had).
 * Does not return when the step is the one to be killed at. */
SOHOA_API int sohoa_fault_step(const char *kind);

#ifdef SOHOA_FAULT
#define SOHOA_FAULT_AT(kind) (sohoa_fault_step(kind) != 0)
#else
#define SOHOA_FAULT_AT(kind) 0
#endif

#endif
