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

/*
 * A batch of new files in a folder tree that nobody sees yet: a temp folder
 * renamed into place afterwards (a package).  That rename is the atomic
 * step, so the files need no temp name of their own: each is created with
 * O_EXCL and written, and sohoa_fs_batch_sync() makes the whole tree durable
 * at once.  Writeback of every file is started first, then each file is
 * fsync()ed and each folder after it (deepest first): the file system can
 * commit its journal once for the lot instead of twice per file (the
 * file's fsync, then its folder's after the rename).
 *
 * Protocol: _new; _add_dir for an existing root, _mkdir for the folders in
 * it (parents first); _write and _copy for the files; _sync; then rename
 * the root into place with sohoa_fs_rename() (or the caller's own exchange
 * and a sync of its parent).  _free always: it closes what is still open
 * and removes nothing (on failure the caller removes the tree).  Meant for
 * tens of files; more are synced in groups as they are written.
 */
typedef struct sohoa_fs_batch sohoa_fs_batch;
struct sohoa_hash;

/* NULL when out of memory.  Free with sohoa_fs_batch_free(). */
sohoa_fs_batch *sohoa_fs_batch_new(void);
void sohoa_fs_batch_free(sohoa_fs_batch *b);

/* Registers the existing folder path (the tree's root) for the final sync. */
sohoa_status sohoa_fs_batch_add_dir(sohoa_fs_batch *b, const char *path, sohoa_error *err);

/* Creates the folder path (which must not exist) and registers it. */
sohoa_status sohoa_fs_batch_mkdir(sohoa_fs_batch *b, const char *path, mode_t mode,
    sohoa_error *err);

/* Creates path (which must not exist) with len bytes of data; not yet
 * durable. */
sohoa_status sohoa_fs_batch_write(sohoa_fs_batch *b, const char *path, const void *data,
    size_t len, mode_t mode, sohoa_error *err);

/* Copies src (opened with O_NOFOLLOW) to the new file dst; not yet
 * durable.  The bytes written also go to h (when not NULL), their count to
 * *size (when not NULL): the copy is read once. */
sohoa_status sohoa_fs_batch_copy(sohoa_fs_batch *b, const char *src, const char *dst,
    mode_t mode, struct sohoa_hash *h, long long *size, sohoa_error *err);

/* Makes every file and folder of the batch durable (see above). */
sohoa_status sohoa_fs_batch_sync(sohoa_fs_batch *b, sohoa_error *err);

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

/* Writes all len bytes at offset off (pwrite, retried on EINTR and short
 * writes).  0, or -1 with errno set. */
int sohoa_fs_pwrite_all(int fd, const void *data, size_t len, off_t off);

/* Opens root/relpath (flags as for open(); O_NOFOLLOW and O_CLOEXEC are
 * added) without following a symbolic link at any level: a sub-folder of
 * the inbox swapped for a link must not lead elsewhere (ELOOP then).
 * relpath "" is not allowed.  Returns the fd, or -1 with errno set. */
int sohoa_fs_open_beneath(const char *root, const char *relpath, int flags);

#endif
