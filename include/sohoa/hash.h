/*
 * hash.h - streaming message digests through OpenSSL EVP.  Digests are
 * always written with their algorithm, "sha256:<64 hex>", so that a stored
 * hash can never be compared against a fresh one of another kind.
 */
#ifndef SOHOA_HASH_H
#define SOHOA_HASH_H

#include <stddef.h>
#include "sohoa/sohoa.h"

/* Longest text form: "sha512:" + 128 hex digits + NUL. */
#define SOHOA_HASH_TEXT_MAX 136

typedef struct sohoa_hash sohoa_hash;

/* alg is "sha256" or "sha512".  NULL on unknown alg or OOM.  Free with
 * sohoa_hash_free(). */
SOHOA_API sohoa_hash *sohoa_hash_new(const char *alg);
/* SOHOA_OK, or SOHOA_RETRY when OpenSSL's digest fails (out of memory). */
SOHOA_API sohoa_status sohoa_hash_update(sohoa_hash *h, const void *data, size_t len);
/* Writes "alg:hex" into out (SOHOA_HASH_TEXT_MAX bytes); h can be reused
 * for a new digest afterwards.  SOHOA_OK, or SOHOA_RETRY as above. */
SOHOA_API sohoa_status sohoa_hash_final(sohoa_hash *h, char out[SOHOA_HASH_TEXT_MAX]);
SOHOA_API void sohoa_hash_free(sohoa_hash *h);

/* A stable UUID (RFC 4122 version 5 layout) from SHA-256 of the n bytes of
 * name: the same name always gives the same UUID.  out: 37 bytes. */
SOHOA_API void sohoa_uuid_from_name(const void *name, size_t n, char out[37]);

/* Digest of a whole file (not following a final symlink). */
SOHOA_API sohoa_status sohoa_hash_file(const char *path, const char *alg,
    char out[SOHOA_HASH_TEXT_MAX], long long *size, sohoa_error *err);

#endif
