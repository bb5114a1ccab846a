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

#include <limits.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include "sohoa/sohoa.h"

/* Writes len bytes to path durably (see above).  An existing file at path
 * is replaced atomically. */
SOHOA_API sohoa_status sohoa_fs_write_file(const char *path, const void *data, size_t len,
    mode_t mode, sohoa_error *err);

/*
 * The same, for a writer that needs the file descriptor (a library that
 * writes as it goes, a copy while hashing).  Protocol:
 *
 *   sohoa_fs_tmp t;
 *   if (sohoa_fs_tmp_open(&t, path, 0644, 0, err) != SOHOA_OK) return ...;
 *   ... write to t.fd (sohoa_fs_tmp_write, or any writer) ...
 *   if (failed) sohoa_fs_tmp_abort(&t);              // closes, removes the temp
 *   else st = sohoa_fs_tmp_commit(&t, err);          // fsync, close, rename, fsync dir
 *
 * Both end the protocol (t.fd is -1 after either; abort after commit is a
 * no-op; abort of a t whose open failed too).  With SOHOA_FS_NOSYNC the file and its folder are not fsynced:
 * the replacement is atomic but a crash may lose it, for a file that is
 * made again anyway (a status snapshot, a worker's results redone after a
 * crash).  Every error is graded the same way, by errno: a full disk,
 * quota, I/O error, EAGAIN/EINTR or ENOMEM is SOHOA_RETRY, anything else
 * SOHOA_FATAL; the message names the failing step and the file.
 */
#define SOHOA_FS_NOSYNC 1
/* The temp file's name is hidden: .<name>.tmp-XXXXXXXX beside path (for a
 * folder people look into, whose own recovery removes such left-overs). */
#define SOHOA_FS_HIDDEN 2
/* The temp's name is fixed, <path>.tmp (.<name>.tmp with SOHOA_FS_HIDDEN),
 * and an earlier one there is truncated and reused (never followed if a
 * link): for a file that one process alone writes, so that a writer killed
 * mid-write (an OCR worker past its deadline) leaves at most one left-over,
 * which the next attempt takes over. */
#define SOHOA_FS_FIXED 4
/* The content is written to t.tmp by its name, by a library that takes
 * only a file name (SQLite's backup API, qpdf), which may truncate or make
 * the file anew; t.fd is then just kept open until the end.  Commit syncs
 * the file found at t.tmp, not t.fd's. */
#define SOHOA_FS_BYNAME 8

typedef struct sohoa_fs_tmp {
	int fd;                     /* write here; -1 once committed or aborted */
	int flags;
	char path[PATH_MAX];        /* what it becomes */
	char tmp[PATH_MAX];         /* its temp name, beside path */
} sohoa_fs_tmp;

SOHOA_API sohoa_status sohoa_fs_tmp_open(sohoa_fs_tmp *t, const char *path, mode_t mode, int flags,
    sohoa_error *err);
/* Appends len bytes; on failure the temp is aborted. */
SOHOA_API sohoa_status sohoa_fs_tmp_write(sohoa_fs_tmp *t, const void *data, size_t len,
    sohoa_error *err);
SOHOA_API sohoa_status sohoa_fs_tmp_commit(sohoa_fs_tmp *t, sohoa_error *err);
SOHOA_API void sohoa_fs_tmp_abort(sohoa_fs_tmp *t);

/*
 * A folder's durable swap: the complete folder tmp (its files and folders
 * already fsynced: sohoa_fs_batch_sync) becomes dest, on the same
 * filesystem.  No dest yet: a rename.  An existing dest folder is
 * exchanged atomically with tmp (renameat2 RENAME_EXCHANGE) and its old
 * content, now at tmp, removed; where the filesystem cannot exchange, dest
 * is first renamed to aside (a name the caller's recovery knows: a crash
 * may leave it there), tmp renamed in, aside removed.  The parent folder
 * is fsynced before it returns.  Old content that cannot be removed once
 * the new one is in place is left (at tmp or aside) and is not an error.
 * A dest that is not a folder is SOHOA_FATAL; other errors are graded as
 * above.
 */
SOHOA_API sohoa_status sohoa_fs_swap_dir(const char *tmp, const char *dest, const char *aside,
    sohoa_error *err);

/* Copies the file at src to dst durably, src opened with O_NOFOLLOW. */
SOHOA_API sohoa_status sohoa_fs_copy_file(const char *src, const char *dst, mode_t mode,
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
SOHOA_API sohoa_fs_batch *sohoa_fs_batch_new(void);
SOHOA_API void sohoa_fs_batch_free(sohoa_fs_batch *b);

/* Registers the existing folder path (the tree's root) for the final sync. */
SOHOA_API sohoa_status sohoa_fs_batch_add_dir(sohoa_fs_batch *b, const char *path, sohoa_error *err);

/* Creates the folder path (which must not exist) and registers it. */
SOHOA_API sohoa_status sohoa_fs_batch_mkdir(sohoa_fs_batch *b, const char *path, mode_t mode,
    sohoa_error *err);

/* Creates path (which must not exist) with len bytes of data; not yet
 * durable. */
SOHOA_API sohoa_status sohoa_fs_batch_write(sohoa_fs_batch *b, const char *path, const void *data,
    size_t len, mode_t mode, sohoa_error *err);

/* Copies src (opened with O_NOFOLLOW) to the new file dst; not yet
 * durable.  The bytes written also go to h (when not NULL), their count to
 * *size (when not NULL): the copy is read once. */
SOHOA_API sohoa_status sohoa_fs_batch_copy(sohoa_fs_batch *b, const char *src, const char *dst,
    mode_t mode, struct sohoa_hash *h, long long *size, sohoa_error *err);

/* Makes every file and folder of the batch durable (see above). */
SOHOA_API sohoa_status sohoa_fs_batch_sync(sohoa_fs_batch *b, sohoa_error *err);

/* fsync()s the directory at path. */
SOHOA_API sohoa_status sohoa_fs_sync_dir(const char *path, sohoa_error *err);

/* rename(from, to), then fsyncs the directories of both. */
SOHOA_API sohoa_status sohoa_fs_rename(const char *from, const char *to, sohoa_error *err);

/* mkdir -p with mode for the directories it creates. */
SOHOA_API sohoa_status sohoa_fs_mkdirs(const char *path, mode_t mode, sohoa_error *err);

/* rm -r of a directory tree inside the spool (never follows links). */
SOHOA_API sohoa_status sohoa_fs_remove_tree(const char *path, sohoa_error *err);

/* Reads a whole (small) file into a NUL-terminated malloc'd buffer.
 * Caller frees *out.  Refuses files over max bytes. */
SOHOA_API sohoa_status sohoa_fs_read_file(const char *path, size_t max, char **out, size_t *len,
    sohoa_error *err);

/* Free bytes available to unprivileged users on the filesystem of path, or -1. */
SOHOA_API long long sohoa_fs_free_bytes(const char *path);

/* Joins a and b with one '/' into a fresh string; NULL on OOM. */
SOHOA_API char *sohoa_path_join(const char *a, const char *b);

/* Writes all len bytes at offset off (pwrite, retried on EINTR and short
 * writes).  0, or -1 with errno set. */
SOHOA_API int sohoa_fs_pwrite_all(int fd, const void *data, size_t len, off_t off);

/* Opens root/relpath (flags as for open(); O_NOFOLLOW and O_CLOEXEC are
 * added) without following a symbolic link at any level: a sub-folder of
 * the inbox swapped for a link must not lead elsewhere (ELOOP then).
 * relpath "" is not allowed.  Returns the fd, or -1 with errno set. */
SOHOA_API int sohoa_fs_open_beneath(const char *root, const char *relpath, int flags);

/*
 * ---- folders other people write: the inbox and the quarantine ----------
 *
 * Anyone who can write to the share controls names, folder layout and file
 * types there, and may swap a folder for a symbolic link at any instant.  So
 * no path string into them is ever handed to the kernel past its root: every
 * step goes through a directory fd opened one component at a time with
 * O_NOFOLLOW, objects are looked at with fstatat(AT_SYMLINK_NOFOLLOW), opened
 * with O_NOFOLLOW | O_NONBLOCK, and checked (same st_dev and st_ino) to be
 * the object seen before they are moved or removed.  A link anywhere on the
 * way is ELOOP; the roots themselves (from sohoa.conf) are trusted.
 */

/* Opens the folder root/reldir (reldir "" or NULL: root itself) without
 * following a link below root.  The fd, or -1 with errno (ELOOP: a link on
 * the way or at the end). */
SOHOA_API int sohoa_fs_open_dir_beneath(const char *root, const char *reldir);

/* Opens the folder holding root/relpath (as above); *base points into
 * relpath at its last component.  relpath must not be "" nor end in '/'. */
SOHOA_API int sohoa_fs_open_parent_beneath(const char *root, const char *relpath, const char **base);

/* Like sohoa_fs_open_dir_beneath(), creating the missing folders (mode) on
 * the way, never through a link. */
SOHOA_API int sohoa_fs_mkdirs_beneath(const char *root, const char *reldir, mode_t mode);

/* lstat() of root/relpath, reached without following a link on the way.
 * 0, or -1 with errno (ELOOP when a folder on the way is a link). */
SOHOA_API int sohoa_fs_stat_beneath(const char *root, const char *relpath, struct stat *st);

/* Whether a and b are the same object: same st_dev and st_ino. */
SOHOA_API bool sohoa_fs_same_object(const struct stat *a, const struct stat *b);

/*
 * Opens name in the folder dfd for reading, only if it is a regular file,
 * without ever blocking (a FIFO or device is never opened) and without
 * following a link.  *st gets what fstatat() saw (whatever the type, when
 * it saw anything); when seen is not NULL and has an inode, the object must
 * be that one.  The fd is blocking again on return.  -1 with errno: ELOOP
 * (a link), EINVAL (not a regular file), ESTALE (not the object seen, or
 * swapped between the look and the open), or open()'s.
 */
SOHOA_API int sohoa_fs_open_file_at(int dfd, const char *name, const struct stat *seen,
    struct stat *st);

/* Removes name from dfd only if it is still the object want (not followed
 * if a link).  0; -1 with errno ESTALE when another object has that name
 * now, or unlinkat()'s (ENOENT when gone).  A folder is removed only if
 * empty. */
SOHOA_API int sohoa_fs_unlink_same(int dfd, const char *name, const struct stat *want);

/*
 * Moves name from the folder fdir to tname in tdir, only if it is still the
 * object want, never over an existing tname (EEXIST).  The object at tname
 * is checked again after the move: if another one was slipped in between
 * the check and the rename, it is put back (or, if it cannot be, removed
 * when it is no regular file nor folder, so that no live link stays behind)
 * and ESTALE is the answer.  0, or -1 with errno (EXDEV across filesystems).
 * Both folders are fsynced after a move.
 */
SOHOA_API int sohoa_fs_move_same(int fdir, const char *name, int tdir, const char *tname,
    const struct stat *want);

/*
 * Reads a small sidecar file (hoso.txt, tailieu.txt) name in the folder dfd
 * into a NUL-terminated malloc'd buffer: a regular file only (a link, FIFO or
 * device is refused without being opened), at most max bytes, never
 * blocking.  SOHOA_OK; SOHOA_BAD_INPUT with reason SYMLINK, NOT_REGULAR or
 * TOO_LARGE; SOHOA_BAD_INPUT, reason UNREADABLE, errno ENOENT when missing;
 * SOHOA_RETRY otherwise.  label names the file in messages.
 */
SOHOA_API sohoa_status sohoa_fs_read_small_at(int dfd, const char *name, const char *label, size_t max,
    char **out, size_t *len, sohoa_error *err);

/* sohoa_fs_write_file() into the folder dfd: a temp file with a short
 * hidden name in dfd (so that a name of NAME_MAX bytes fits), renamed over
 * name, dfd fsynced. */
SOHOA_API sohoa_status sohoa_fs_write_file_at(int dfd, const char *name, const void *data, size_t len,
    mode_t mode, sohoa_error *err);

/* Copies the open file in (from its current offset) durably to name in the
 * folder dfd (as above). */
SOHOA_API sohoa_status sohoa_fs_copy_fd_at(int in, int dfd, const char *name, mode_t mode,
    sohoa_error *err);

/* Removes, in the tree under the folder dfd (not following links), every
 * entry that is neither a regular file nor a folder: links, FIFOs, sockets,
 * devices.  The count removed, or -1. */
SOHOA_API int sohoa_fs_remove_specials_at(int dfd);

/* A named point where a test may hold the process (SOHOA_TEST_PAUSE and
 * SOHOA_TEST_PAUSE_DIR, see fsutil.c); nothing without them. */
SOHOA_API void sohoa_fs_test_pause(const char *point, const char *what);

/*
 * chmod(path, mode), keeping the set-group-id bit a folder inherited from a
 * set-group-id parent (chmod would clear it): folders that two services
 * share through their group (the package tree, SECURITY.md) stay in that
 * group all the way down.  0, or -1 with errno.
 */
SOHOA_API int sohoa_fs_chmod_shared(const char *path, mode_t mode);

#endif
