/*
 * fuzz.h - what the libFuzzer harnesses of tests/fuzz/ share.
 *
 * Each fuzz_<target>.c defines LLVMFuzzerTestOneInput() and nothing else
 * public.  It is linked two ways (Makefile):
 *   - with clang's -fsanitize=fuzzer for "make fuzz" (build/fuzz/), and
 *   - with replay.c, a plain main() that feeds every file of the target's
 *     corpus and crash folders to it, in the normal sanitized build, so that
 *     "make check" replays them with gcc and no clang.
 * A harness reports a broken property with FUZZ_ASSERT, which aborts: both
 * libFuzzer and the replay count an abort as a failure.
 */
#ifndef SOHOA_FUZZ_H
#define SOHOA_FUZZ_H

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond) do { if (!(cond)) { \
	fprintf(stderr, "%s:%d: FUZZ_ASSERT(%s) failed\n", __FILE__, __LINE__, #cond); \
	abort(); } } while (0)

/* A private scratch folder for this process, made on first use; NULL only
 * when /tmp cannot be written (the harness then aborts). */
static inline const char *
fuzz_tmpdir(void)
{
	static char dir[64];
	if (!dir[0]) {
		const char *base = getenv("TMPDIR");
		snprintf(dir, sizeof dir, "%s/sohoa-fuzz-XXXXXX", base && strlen(base) < 30 ? base : "/tmp");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			abort();
		}
	}
	return dir;
}

/* Writes data to path, replacing it. */
static inline void
fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t off = 0;
	FUZZ_ASSERT(fd >= 0);
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);
		FUZZ_ASSERT(n > 0);
		off += (size_t)n;
	}
	FUZZ_ASSERT(close(fd) == 0);
}

/* A NUL-terminated copy of the input; caller frees. */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	FUZZ_ASSERT(s != NULL);
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
