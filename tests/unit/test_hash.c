/*
 * test_hash.c - message digests (hash.h): the published test vectors,
 * streaming, and whole files checked against sha256sum(1).
 */
#include <errno.h>
#include <fcntl.h>

#include "test.h"
#include "sohoa/hash.h"

#define SHA256_EMPTY "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define SHA256_ABC   "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define SHA512_ABC   "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a" \
                     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"

/* Digest of one buffer in one update; into out. */
static void
digest(const char *alg, const void *data, size_t len, char out[SOHOA_HASH_TEXT_MAX])
{
	sohoa_hash *h = sohoa_hash_new(alg);

	out[0] = '\0';
	CHECK(h != NULL);
	if (!h)
		return;
	CHECK_INT(sohoa_hash_update(h, data, len), 0);
	CHECK_INT(sohoa_hash_final(h, out), 0);
	sohoa_hash_free(h);
}

static void
test_sha256_vectors(void)
{
	char out[SOHOA_HASH_TEXT_MAX];

	digest("sha256", "", 0, out);
	CHECK_STR(out, SHA256_EMPTY);
	digest("sha256", "abc", 3, out);
	CHECK_STR(out, SHA256_ABC);
	digest("sha256", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, out);
	CHECK_STR(out, "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void
test_sha512_vector(void)
{
	char out[SOHOA_HASH_TEXT_MAX];

	digest("sha512", "abc", 3, out);
	CHECK_STR(out, SHA512_ABC);
	CHECK_INT(strlen(out), SOHOA_HASH_TEXT_MAX - 1);
}

static void
test_streaming_equals_one_shot(void)
{
	enum { N = 100003 };
	unsigned char *data = malloc(N);
	char one[SOHOA_HASH_TEXT_MAX], pieces[SOHOA_HASH_TEXT_MAX];
	sohoa_hash *h;
	size_t off = 0, step = 1;

	CHECK(data != NULL);
	if (!data)
		return;
	for (size_t i = 0; i < N; i++)
		data[i] = (unsigned char)(i * 31 + (i >> 8));
	digest("sha256", data, N, one);
	h = sohoa_hash_new("sha256");
	CHECK(h != NULL);
	if (!h) {
		free(data);
		return;
	}
	while (off < N) {   /* pieces of 1, 2, 4, ... bytes, and empty updates */
		size_t n = step < N - off ? step : N - off;
		CHECK_INT(sohoa_hash_update(h, data + off, n), 0);
		CHECK_INT(sohoa_hash_update(h, data + off, 0), 0);
		off += n;
		step *= 2;
	}
	CHECK_INT(sohoa_hash_final(h, pieces), 0);
	CHECK_STR(pieces, one);
	/* The same handle starts a new digest after final. */
	CHECK_INT(sohoa_hash_update(h, "abc", 3), 0);
	CHECK_INT(sohoa_hash_final(h, pieces), 0);
	CHECK_STR(pieces, SHA256_ABC);
	CHECK_INT(sohoa_hash_final(h, pieces), 0);
	CHECK_STR(pieces, SHA256_EMPTY);
	sohoa_hash_free(h);
	free(data);
}

static void
test_unknown_alg(void)
{
	CHECK(sohoa_hash_new("md5") == NULL);
	CHECK(sohoa_hash_new("sha1") == NULL);
	CHECK(sohoa_hash_new("") == NULL);
	CHECK(sohoa_hash_new("SHA256") == NULL);
	CHECK(sohoa_hash_new("sha256x") == NULL);
	sohoa_hash_free(NULL);
}

static void
test_hash_file_matches_sha256sum(void)
{
	enum { N = 3 * 1024 * 1024 + 17 };
	unsigned char *data = malloc(N);
	char out[SOHOA_HASH_TEXT_MAX], want[SOHOA_HASH_TEXT_MAX], line[256];
	sohoa_error err;
	long long size = -1;
	unsigned x = 7;
	FILE *p;
	int fd;

	CHECK(data != NULL);
	if (!data)
		return;
	for (size_t i = 0; i < N; i++) {
		x = x * 1664525u + 1013904223u;
		data[i] = (unsigned char)(x >> 24);
	}
	fd = open("big.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, data, N) == N);
	close(fd);
	free(data);

	p = popen("sha256sum big.bin", "r");
	CHECK(p != NULL);
	if (!p)
		return;
	line[0] = '\0';
	CHECK(fgets(line, sizeof line, p) != NULL);
	CHECK_INT(pclose(p), 0);
	CHECK(strlen(line) > 64);
	snprintf(want, sizeof want, "sha256:%.64s", line);

	sohoa_error_clear(&err);
	CHECKM(sohoa_hash_file("big.bin", "sha256", out, &size, &err) == SOHOA_OK, err.msg);
	CHECK_STR(out, want);
	CHECK_INT(size, N);
}

static void
test_hash_file_empty(void)
{
	char out[SOHOA_HASH_TEXT_MAX];
	sohoa_error err;
	long long size = -1;
	int fd = open("empty", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0);
	close(fd);
	sohoa_error_clear(&err);
	CHECKM(sohoa_hash_file("empty", "sha256", out, &size, &err) == SOHOA_OK, err.msg);
	CHECK_STR(out, SHA256_EMPTY);
	CHECK_INT(size, 0);
}

/* hash_file does not follow a final symlink, and a missing file is an
 * unreadable input. */
static void
test_hash_file_refuses_symlink_and_missing(void)
{
	char out[SOHOA_HASH_TEXT_MAX];
	sohoa_error err;
	int fd = open("real", O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0 && write(fd, "abc", 3) == 3);
	close(fd);
	CHECK(symlink("real", "link") == 0);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_hash_file("link", "sha256", out, NULL, &err), SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "link") != NULL, err.msg);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_hash_file("missing", "sha256", out, NULL, &err), SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_UNREADABLE);
	sohoa_error_clear(&err);
	CHECKM(sohoa_hash_file("real", "sha512", out, NULL, &err) == SOHOA_OK, err.msg);
	CHECK_STR(out, SHA512_ABC);
}

int
main(void)
{
	TEST_RUN(test_sha256_vectors);
	TEST_RUN(test_sha512_vector);
	TEST_RUN(test_streaming_equals_one_shot);
	TEST_RUN(test_unknown_alg);
	TEST_RUN(test_hash_file_matches_sha256sum);
	TEST_RUN(test_hash_file_empty);
	TEST_RUN(test_hash_file_refuses_symlink_and_missing);
	return TEST_DONE();
}
