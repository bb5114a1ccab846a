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

/* 1 if an entry with this name (a folder when is_dir) is to be ignored. */
SOHOA_API int sohoa_inbox_is_junk(const char *name, int is_dir);

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

#endif
