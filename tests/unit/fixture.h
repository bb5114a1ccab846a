/*
 * fixture.h - how the unit tests read their input files: a whole file into
 * memory, and the folder of the source tree's fixtures
 * (tests/unit/fixtures/SUB under $SOHOA_SRCDIR, or under the current folder
 * when make did not set it; the test runs in a temporary folder of its own
 * only inside TEST_RUN, so main() asks before the first).  Include after
 * test.h.  The functions are static inline: a test uses the ones it needs.
 */
#ifndef SOHOA_FIXTURE_H
#define SOHOA_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

/* The whole file at path, NUL-terminated, its length in *len (if len);
 * NULL (and 0) when it cannot be read.  Caller frees. */
static inline char *
fx_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (len)
		*len = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    !(buf = malloc((size_t)n + 1))) {
		fclose(f);
		return NULL;
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* tests/unit/fixtures/sub of the source tree into dir: 0, or -1 when the
 * current folder cannot be named (said on stderr). */
static inline int
fx_fixture_dir(char *dir, size_t size, const char *sub)
{
	char cwd[PATH_MAX];
	const char *src = getenv("SOHOA_SRCDIR");

	if (!src) {
		if (!getcwd(cwd, sizeof cwd)) {
			perror("getcwd");
			return -1;
		}
		src = cwd;
	}
	snprintf(dir, size, "%s/tests/unit/fixtures/%s", src, sub);
	return 0;
}

/* The file NAME.EXT of fixture folder dir, read whole (fx_slurp). */
static inline char *
fx_fixture(const char *dir, const char *name, const char *ext, size_t *len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof path, "%s/%s.%s", dir, name, ext);
	return fx_slurp(path, len);
}

#endif
