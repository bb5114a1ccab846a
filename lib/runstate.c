/*
 * runstate.c - <state_dir>/status, the daemon's figures for 'sohoa status'
 * (see runstate.h).  Not durable on purpose: no fsync, since a crash only
 * loses a snapshot the next start rewrites, and a status written every few
 * seconds must not cost a journal commit each time.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sohoa/fsutil.h"
#include "sohoa/runstate.h"

/* Every version of the file has this size: an in-place overwrite then never
 * needs a new block. */
#define RUNSTATE_SIZE 1024

static int
format(const sohoa_runstate *rs, char *buf)
{
	int n = snprintf(buf, RUNSTATE_SIZE,
	    "# sohoad's state, for 'sohoa status' (rewritten as it changes)\n"
	    "pid=%lld\nstarted=%lld\nupdated=%lld\nstate=%s\nreason=%s\n"
	    "queued=%lld\nocr=%lld\nwaiting=%lld\ntaken=%lld\nquarantined=%lld\n"
	    "free_bytes=%lld\nmin_free_bytes=%lld\n",
	    rs->pid, rs->started, rs->updated, rs->state, rs->reason, rs->queued, rs->ocr,
	    rs->waiting, rs->taken, rs->quarantined, rs->free_bytes, rs->min_free_bytes);

	if (n < 0 || n >= RUNSTATE_SIZE)
		return -1;
	/* Pad with blank lines, which readers skip. */
	memset(buf + n, '\n', (size_t)(RUNSTATE_SIZE - n));
	return 0;
}

int
sohoa_runstate_write(const char *state_dir, const sohoa_runstate *rs)
{
	char buf[RUNSTATE_SIZE], path[PATH_MAX];
	sohoa_fs_tmp t;
	sohoa_error err;
	int fd, e;

	if (format(rs, buf) != 0) {
		errno = EOVERFLOW;
		return -1;
	}
	snprintf(path, sizeof path, "%s/%s", state_dir, SOHOA_RUNSTATE_FILE);
	/* A fixed hidden temp (.status.tmp): only the daemon writes it, and a
	 * crash leaves at most that one behind, reused next time. */
	sohoa_error_clear(&err);
	if (sohoa_fs_tmp_open(&t, path, 0644, SOHOA_FS_NOSYNC | SOHOA_FS_HIDDEN | SOHOA_FS_FIXED,
	    &err) == SOHOA_OK) {
		if (sohoa_fs_pwrite_all(t.fd, buf, sizeof buf, 0) != 0) {
			e = errno;
			sohoa_fs_tmp_abort(&t);
			errno = e;
		} else if (sohoa_fs_tmp_commit(&t, &err) == SOHOA_OK) {
			return 0;
		}
	}
	/* No room for a new file (disk full): overwrite the old one in place.
	 * A reader may then see a mix of two snapshots for an instant, which
	 * is acceptable for a status display. */
	e = errno;
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		errno = e;
		return -1;
	}
	if (sohoa_fs_pwrite_all(fd, buf, sizeof buf, 0) != 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

static void
set_field(sohoa_runstate *rs, const char *key, const char *val)
{
	static const struct { const char *name; size_t off; } ints[] = {
		{ "pid", offsetof(sohoa_runstate, pid) },
		{ "started", offsetof(sohoa_runstate, started) },
		{ "updated", offsetof(sohoa_runstate, updated) },
		{ "queued", offsetof(sohoa_runstate, queued) },
		{ "ocr", offsetof(sohoa_runstate, ocr) },
		{ "waiting", offsetof(sohoa_runstate, waiting) },
		{ "taken", offsetof(sohoa_runstate, taken) },
		{ "quarantined", offsetof(sohoa_runstate, quarantined) },
		{ "free_bytes", offsetof(sohoa_runstate, free_bytes) },
		{ "min_free_bytes", offsetof(sohoa_runstate, min_free_bytes) },
	};

	if (!strcmp(key, "state")) {
		snprintf(rs->state, sizeof rs->state, "%s", val);
		return;
	}
	if (!strcmp(key, "reason")) {
		snprintf(rs->reason, sizeof rs->reason, "%s", val);
		return;
	}
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
		if (!strcmp(key, ints[i].name)) {
			*(long long *)((char *)rs + ints[i].off) = strtoll(val, NULL, 10);
			return;
		}
}

int
sohoa_runstate_read(const char *state_dir, sohoa_runstate *rs)
{
	char path[PATH_MAX], buf[RUNSTATE_SIZE + 1];
	ssize_t n;
	int fd;

	memset(rs, 0, sizeof *rs);
	rs->free_bytes = -1;
	snprintf(path, sizeof path, "%s/%s", state_dir, SOHOA_RUNSTATE_FILE);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	n = read(fd, buf, RUNSTATE_SIZE);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	for (char *line = buf, *next; line && *line; line = next) {
		char *eq;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line == '#' || !(eq = strchr(line, '=')))
			continue;
		*eq = '\0';
		set_field(rs, line, eq + 1);
	}
	if (rs->pid <= 0 || !rs->state[0]) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

bool
sohoa_runstate_alive(const sohoa_runstate *rs)
{
	if (rs->pid <= 0 || rs->pid > INT_MAX || strcmp(rs->state, "stopped") == 0)
		return 0;
	return kill((pid_t)rs->pid, 0) == 0 || errno == EPERM;
}
