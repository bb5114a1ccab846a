/*
 * hash.c - SHA-256/SHA-512 through OpenSSL's EVP interface, streaming.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "sohoa/hash.h"

struct sohoa_hash {
	EVP_MD_CTX *ctx;
	const EVP_MD *md;
	char name[8];
};

sohoa_hash *
sohoa_hash_new(const char *alg)
{
	sohoa_hash *h;
	const EVP_MD *md;

	if (strcmp(alg, "sha256") == 0)
		md = EVP_sha256();
	else if (strcmp(alg, "sha512") == 0)
		md = EVP_sha512();
	else
		return NULL;
	h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->md = md;
	memcpy(h->name, alg, strlen(alg) + 1);
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || EVP_DigestInit_ex(h->ctx, md, NULL) != 1) {
		sohoa_hash_free(h);
		return NULL;
	}
	return h;
}

sohoa_status
sohoa_hash_update(sohoa_hash *h, const void *data, size_t len)
{
	return EVP_DigestUpdate(h->ctx, data, len) == 1 ? SOHOA_OK : SOHOA_RETRY;
}

sohoa_status
sohoa_hash_final(sohoa_hash *h, char out[SOHOA_HASH_TEXT_MAX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	size_t off;

	if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1)
		return SOHOA_RETRY;
	off = strlen(h->name);
	memcpy(out, h->name, off);
	out[off++] = ':';
	for (unsigned i = 0; i < n; i++) {
		out[off++] = hex[md[i] >> 4];
		out[off++] = hex[md[i] & 15];
	}
	out[off] = '\0';
	return EVP_DigestInit_ex(h->ctx, h->md, NULL) == 1 ? SOHOA_OK : SOHOA_RETRY;
}

void
sohoa_hash_free(sohoa_hash *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

sohoa_status
sohoa_hash_file(const char *path, const char *alg, char out[SOHOA_HASH_TEXT_MAX],
    long long *size, sohoa_error *err)
{
	enum { BUFSZ = 1 << 17 };
	sohoa_hash *h = sohoa_hash_new(alg);
	unsigned char *buf = malloc(BUFSZ);
	long long total = 0;
	int fd = -1;
	sohoa_status st = SOHOA_OK;

	if (!h || !buf) {
		st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "cannot start %s digest (out of memory?)", alg);
		goto out;
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		st = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNREADABLE, "open %s: %s",
		    path, strerror(errno));
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf, BUFSZ);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			st = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNREADABLE,
			    "read %s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		sohoa_hash_update(h, buf, (size_t)n);
		total += n;
	}
	if (sohoa_hash_final(h, out) != 0)
		st = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "digest failed");
	if (size)
		*size = total;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	sohoa_hash_free(h);
	return st;
}

void
sohoa_uuid_from_name(const void *name, size_t n, char out[37])
{
	unsigned char md[16];
	char hex[SOHOA_HASH_TEXT_MAX];
	sohoa_hash *h = sohoa_hash_new("sha256");

	memset(md, 0, sizeof md);
	if (h && sohoa_hash_update(h, name, n) == 0 && sohoa_hash_final(h, hex) == 0)
		for (int i = 0; i < 16; i++) {
			unsigned v;
			sscanf(hex + 7 + 2 * i, "%2x", &v);
			md[i] = (unsigned char)v;
		}
	sohoa_hash_free(h);
	md[6] = (unsigned char)((md[6] & 0x0f) | 0x50);
	md[8] = (unsigned char)((md[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10], md[11],
	    md[12], md[13], md[14], md[15]);
}
