/*
 * runstate.h - the daemon's state as a small text file, <state_dir>/status,
 * that sohoad rewrites as its figures change and 'sohoa status' reads.  It
 * is not part of the archive: nothing is lost if it is stale or missing.
 *
 *   sohoa_runstate rs;
 *   memset(&rs, 0, sizeof rs); rs.pid = getpid(); snprintf(rs.state, ...);
 *   sohoa_runstate_write(state_dir, &rs);     // atomically (temp + rename)
 *   ...
 *   if (sohoa_runstate_read(state_dir, &rs) == 0 && sohoa_runstate_alive(&rs)) ...
 *
 * The file is "key=value" lines, padded to a fixed size so that when the
 * disk is full (no room for the temp file) the daemon can still overwrite
 * it in place: "pickup paused: low disk" matters most exactly then.
 */
#ifndef SOHOA_RUNSTATE_H
#define SOHOA_RUNSTATE_H

#include "sohoa/sohoa.h"

#define SOHOA_RUNSTATE_FILE "status"

typedef struct sohoa_runstate {
	long long pid;
	long long started;       /* unix time the daemon started */
	long long updated;       /* unix time of this snapshot */
	char state[16];          /* "running", "paused", "stopping", "stopped" */
	char reason[32];         /* why paused: "low-disk"; else "" */
	long long queued;        /* jobs waiting for an OCR worker */
	long long ocr;           /* jobs in OCR now */
	long long waiting;       /* files in the inbox not yet stable */
	long long taken;         /* files taken since start */
	long long quarantined;   /* of which quarantined */
	long long free_bytes;    /* free space in state_dir, -1 if unknown */
	long long min_free_bytes;/* the pause threshold (min_free_mb) */
} sohoa_runstate;

/* Writes rs to <state_dir>/status.  Returns 0, or -1 with errno set when
 * neither the atomic write nor the in-place overwrite worked. */
SOHOA_API int sohoa_runstate_write(const char *state_dir, const sohoa_runstate *rs);

/* Reads <state_dir>/status into *rs (zeroed first).  Returns 0, or -1 with
 * errno set (ENOENT: the daemon never ran here). */
SOHOA_API int sohoa_runstate_read(const char *state_dir, sohoa_runstate *rs);

/* Whether the process that wrote rs still runs (kill(pid, 0); a process of
 * another user counts as running). */
SOHOA_API bool sohoa_runstate_alive(const sohoa_runstate *rs);

#endif
