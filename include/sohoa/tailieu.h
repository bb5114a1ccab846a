/*
 * tailieu.h - a document scanned as one file per page.
 *
 * Many scanners write one file per page, and archivists often scan a
 * decision page by page.  Such pages go into a folder of the inbox with a
 * sidecar "tailieu.txt" ("tài liệu": document) beside them, and the folder
 * is then ONE document:
 *
 *   - its pages are the folder's files, in the order the sidecar lists
 *     them (one file name per line; '#' starts a comment), or, when it
 *     lists none, in natural name order (trang2.tif before trang10.tif);
 *     a file may itself have several pages (a multi-page TIFF or a PDF);
 *   - sub-folders of the folder are not part of it (they are walked as any
 *     other folder), nor are junk files (inbox.h) and the sidecar;
 *   - it is taken when the sidecar and every page held still for
 *     stable_delay (its signature below did not change), every listed
 *     page is there, none is open for writing and each ends where its
 *     format says (inbox.h); when the sidecar lists no page, when it held
 *     still for folder_stable_delay, for a scanner pauses between pages;
 *     a listed page missing or a page cut short is waited for up to
 *     incomplete_grace after the folder's last change;
 *   - its record is named after the folder, and its origin (the hồ sơ, see
 *     hoso.h) is the folder the document folder is in.
 *
 * In the spool the pages are kept byte for byte as original.001,
 * original.002, ... with "originals.sha256" listing their SHA-256 in
 * sha256sum's format; the record's hash is the SHA-256 of that list, so
 * that `sha256sum -c originals.sha256` and `sha256sum originals.sha256`
 * check an entry with standard tools.
 */
#ifndef SOHOA_TAILIEU_H
#define SOHOA_TAILIEU_H

#include "sohoa/sohoa.h"

#define SOHOA_TAILIEU_SIDECAR "tailieu.txt"
/* The list of a document's parts in its spool entry. */
#define SOHOA_TAILIEU_MANIFEST "originals.sha256"
/* At most this many files make one document. */
#define SOHOA_TAILIEU_MAX_PARTS 999

typedef struct sohoa_tailieu_part {
	char *name;             /* the file's name in the folder (bytes) */
	long long size;
	long long mtime_ns;
	unsigned long long dev, ino;    /* the object seen (fsutil.h) */
} sohoa_tailieu_part;

typedef struct sohoa_tailieu {
	sohoa_tailieu_part *parts;
	int n;
	long long size;         /* all the parts' bytes */
	long long signature;    /* sohoa_tailieu_signature() when it was read */
	int listed;             /* 1 if the sidecar lists the pages, 0 if they are the folder's files */
} sohoa_tailieu;

/* 1 if the folder root/reldir holds the sidecar (never for the inbox
 * itself, reldir ""). */
SOHOA_API int sohoa_tailieu_is_folder(const char *root, const char *reldir);

/* If the file root/relpath is in a document folder, writes that folder's
 * relative path to dir and returns 1; else 0. */
SOHOA_API int sohoa_tailieu_folder_of(const char *root, const char *relpath, char *dir, size_t size);

/* The folder's signature: a hash of the names, sizes and mtimes of every
 * file in it (sidecar and junk included), which changes when any of them
 * does.  0 if the folder cannot be read. */
SOHOA_API long long sohoa_tailieu_signature(const char *root, const char *reldir);

/*
 * Reads the document folder root/reldir: its parts in page order, their
 * sizes and mtimes, and the signature.  Never follows a symbolic link to
 * reach the folder; a part that is a link is listed (pickup refuses it).
 *   SOHOA_BAD_INPUT, reason MISSING_PAGE: the sidecar names a file that is
 *       not there, or the folder has no page at all;
 *   SOHOA_BAD_INPUT, reason TOO_LARGE: more than SOHOA_TAILIEU_MAX_PARTS;
 *   SOHOA_RETRY: the folder cannot be read now.
 */
SOHOA_API sohoa_status sohoa_tailieu_read(const char *root, const char *reldir, sohoa_tailieu *t,
    sohoa_error *err);
/* The same for the folder open as dfd (reldir: its name in messages).  The
 * sidecar is read as fsutil.h reads what others write: a regular file of at
 * most 256 KiB, never blocking, never through a link. */
SOHOA_API sohoa_status sohoa_tailieu_read_at(int dfd, const char *reldir, sohoa_tailieu *t,
    sohoa_error *err);
/* sohoa_tailieu_signature() of the folder open as dfd. */
SOHOA_API long long sohoa_tailieu_signature_at(int dfd);
SOHOA_API void sohoa_tailieu_release(sohoa_tailieu *t);

/* Number of parts of the spool entry at entry_dir: 0 for a single scan
 * ("original"), else N (original.001 ... original.N). */
SOHOA_API int sohoa_tailieu_parts_in(const char *entry_dir);

/* Path of part i (0-based) of an entry with nparts parts (0: "original"). */
SOHOA_API char *sohoa_tailieu_part_path(const char *entry_dir, int nparts, int i, char *buf,
    size_t size);

#endif
