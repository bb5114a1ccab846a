/*
 * fixity_int.h - what audit.c and backup.c share: streaming copy-and-hash,
 * the checksums a package's METS.xml gives, and the backup folder's layout.
 * Not a public header.
 */
#ifndef SOHOA_FIXITY_INT_H
#define SOHOA_FIXITY_INT_H

#include <sys/types.h>
#include "sohoa/hash.h"
#include "sohoa/sohoa.h"

/*
 * Copies src to dst (created with O_EXCL, never following links) while
 * hashing the bytes read with SHA-256; fsyncs dst.  The digest goes to hash
 * and the byte count to *size.  On failure dst is removed and err names
 * the step.  SOHOA_BAD_INPUT: src is missing or unreadable; SOHOA_RETRY:
 * the destination could not be written (disk missing or full).
 */
sohoa_status fx_copy_hash(const char *src, const char *dst, mode_t mode,
    char hash[SOHOA_HASH_TEXT_MAX], long long *size, sohoa_error *err);

/* One file a package's METS.xml lists (fileSec FLocat or mdRef). */
typedef struct fx_mets_file {
	char *href;                /* relative to the package root */
	char sha256[65];           /* lower-case hex, "" if none given */
	long long size;            /* -1 if none given */
} fx_mets_file;

typedef struct fx_mets {
	fx_mets_file *files;
	int n;
} fx_mets;

/* Reads the files listed by the METS.xml at path (a parse, no validation:
 * sohoa_package_check() validates).  Release with fx_mets_release(). */
sohoa_status fx_mets_read(const char *path, fx_mets *m, sohoa_error *err);
void fx_mets_release(fx_mets *m);
/* The entry for href, or NULL. */
const fx_mets_file *fx_mets_find(const fx_mets *m, const char *href);

/* Sum of the sizes of the regular files under dir (for rates). */
long long fx_tree_bytes(const char *dir);

/* Whether the "alg:hex" text h equals the hex digest hex (case-insensitive). */
int fx_hash_equals_hex(const char *h, const char *hex);

/* A backup manifest (backup.h): "<64 hex>  <path>" lines.  path and hex
 * point into text; seen is for the caller. */
typedef struct fx_manifest {
	char *text;
	char **path, **hex;
	int *seen;
	int n;
} fx_manifest;

/* 0, or -1 when the file cannot be read (missing). */
int fx_manifest_load(const char *file, fx_manifest *m);
/* The index of path, or -1. */
int fx_manifest_find(const fx_manifest *m, const char *path);
void fx_manifest_release(fx_manifest *m);

/* The backup folder (backup.h describes it). */
#define FX_BACKUP_MARKER "sohoa-backup.id"
#define FX_BACKUP_CATALOG "catalog.db"

#endif
