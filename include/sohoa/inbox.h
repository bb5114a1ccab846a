/*
 * inbox.h - what in the inbox is a candidate scan, and walking it.
 *
 * The inbox belongs to people and to other machines (SMB shares): it holds
 * office junk and half-written files.  Junk is never taken: Office lock
 * files (~$*), *.tmp, *.part, .DS_Store, ._* (macOS resource forks),
 * Thumbs.db, desktop.ini, Synology's @eaDir folders, and every hidden file
 * or folder (leading '.').  The hồ sơ sidecar "hoso.txt" (hoso.h) and the
 * document-folder sidecar "tailieu.txt" (tailieu.h) are not junk, but they
 * are read, never taken, so they are skipped the same way.  Names are compared without regard to ASCII case.
 */
#ifndef SOHOA_INBOX_H
#define SOHOA_INBOX_H

#include "sohoa/sohoa.h"

#include <sys/stat.h>

/* Whether an entry with this name (a folder when is_dir) is to be ignored. */
SOHOA_API bool sohoa_inbox_is_junk(const char *name, int is_dir);

/*
 * Walks the tree under root (never following symbolic links, skipping
 * junk) and calls fn for every non-directory entry with its path relative
 * to root and its lstat().  fn returns non-zero to stop the walk.  dir_fn,
 * if not NULL, is called for every folder (relative path; "" for root).
 * Returns 0, or -1 if root cannot be opened (errno set).
 */
SOHOA_API int sohoa_inbox_walk(const char *root,
    int (*fn)(const char *relpath, const struct stat *st, void *arg),
    int (*dir_fn)(const char *relpath, void *arg), void *arg);

/*
 * Is a file finished?  Two questions asked of a file in the open folder
 * dfd before it is taken (the daemon's loop asks them once the file's size
 * and mtime held still for stable_delay):
 *
 * sohoa_inbox_open_for_writing_at(): whether a process on this machine
 * (Samba's smbd, which writes an SMB share locally, a cp, a scanner's
 * FTP server) has the file open for writing.  Asked with a Linux read
 * lease (fcntl(2) F_SETLEASE F_RDLCK, released at once), which the kernel
 * refuses with EAGAIN exactly while someone holds a writable descriptor.
 * The kernel grants a lease only to the file's owner or a holder of
 * CAP_LEASE: with Samba's "force user" set to the daemon's user (see
 * doc/smb.conf.example) every file on the share is the daemon's and no
 * privilege is needed.  Returns 1 (being written), 0 (no writer), or -1
 * when this cannot be told (errno: EACCES, another user's file; EINVAL, a
 * filesystem without leases such as a CIFS or NFS mount; or why the file
 * could not be opened; EINVAL, not a regular file: a device or FIFO is
 * never opened, nor is a symbolic link followed).  While the lease is held for an instant a writer's
 * open() breaks it and the kernel sends SIGIO to the holder: the caller
 * ignores SIGIO (SIG_IGN), whose default action ends a process.
 *
 * sohoa_inbox_completeness_at(): whether the content ends where its
 * format says it does, reading only the file's head, its tail and, for a
 * TIFF, its chain of directories:
 *   TIFF (classic and BigTIFF): every directory (IFD), every value stored
 *       outside it and every strip or tile lies within the file;
 *   PNG: the file ends with the IEND chunk;
 *   JPEG: the end-of-image marker (FF D9) is in the last KiB;
 *   PDF: the end-of-file marker "%%EOF" is in the last KiB (as pdfin.h).
 * A copy cut short (an SMB upload between two parts) fails these; a format
 * outside them, an empty file or an unreadable one is UNKNOWN and left to
 * the pipeline to name.
 */
typedef enum sohoa_inbox_completeness {
	SOHOA_INBOX_COMPLETE,
	SOHOA_INBOX_INCOMPLETE,
	SOHOA_INBOX_UNKNOWN
} sohoa_inbox_completeness;

SOHOA_API int sohoa_inbox_open_for_writing_at(int dfd, const char *name);
SOHOA_API sohoa_inbox_completeness sohoa_inbox_completeness_at(int dfd, const char *name);

#endif
