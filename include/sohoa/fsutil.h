/*
 * fsutil.h - the one audited way to make files that must survive a crash
 * (after git's lockfile, Redis rdbSave and OpenSMTPD's queue_fs).
 *
 * Every durable write goes: temp file in the target directory (O_CREAT |
 * O_EXCL), write, fsync, rename over the target, fsync the directory.  On
 * failure the temp file is removed and the message names the failing step.
 */
#ifndef SOHOA_FSUTIL_H
#define SOHOA_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>
#include "sohoa/sohoa.h"

/* Writes len bytes to path durably (see above).  An existing file at path
 * is replaced atomically. */
sohoa_status sohoa_fs_write_file(const char *path, const void *data, size_t len,
    mode_t mode, sohoa_error *err);

/* Copies the file at src to dst durably, src opened with O_NOFOLLOW. */
sohoa_status sohoa_fs_copy_file(const char *src, const char *dst, mode_t mode,
    sohoa_error *err);

/* fsync()s the directory at path. */
sohoa_status sohoa_fs_sync_dir(const char *path, sohoa_error *err);

/* rename(from, to), then fsyncs the directories of both. */
sohoa_status sohoa_fs_rename(const char *from, const char *to, sohoa_error *err);

/* mkdir -p with mode for the directories it creates. */
sohoa_status sohoa_fs_mkdirs(const char *path, mode_t mode, sohoa_error *err);

/* rm -r of a directory tree inside the spool (never follows links). */
sohoa_status sohoa_fs_remove_tree(const char *path, sohoa_error *err);

/* Reads a whole (small) file into a NUL-terminated malloc'd buffer.
 * Caller frees *out.  Refuses files over max bytes. */
sohoa_status sohoa_fs_read_file(const char *path, size_t max, char **out, size_t *len,
    sohoa_error *err);

/* Free bytes available to unprivileged users on the filesystem of path, or -1. */
long long sohoa_fs_free_bytes(const char *path);

/* Joins a and b with one '/' into a fresh string; NULL on OOM. */
char *sohoa_path_join(const char *a, const char *b);

#endif
