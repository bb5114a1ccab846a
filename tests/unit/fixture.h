/*
 * fixture.h - how the unit tests read their files: a whole file into
 * memory, the sorted names in a folder, and the folder of the source
 * tree's fixtures (tests/unit/fixtures/SUB under $SOHOA_SRCDIR, or under
 * the current folder when make did not set it; the test runs in a
 * temporary folder of its own only inside TEST_RUN, so main() asks before
 * the first).  Include after test.h.  The functions are static inline: a
 * test uses the ones it needs.
 */
#ifndef SOHOA_FIXTURE_H
#define SOHOA_FIXTURE_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sohoa/fsutil.h"

/* The whole file at path (up to 64 MiB), NUL-terminated, its length in
 * *len (if len); NULL when it cannot be read.  Caller frees. */
static inline char *
fx_slurp(const char *path, size_t *len)
{
	char *buf = NULL;

	if (len)
		*len = 0;
	if (sohoa_fs_read_file(path, (size_t)64 << 20, &buf, len, NULL) != SOHOA_OK)
		return NULL;
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

/* The names in dir, sorted and joined with ',' (dot entries skipped, at
 * most 64); "(cannot open)" when it cannot be read.  Valid until the next
 * call. */
static inline const char *
fx_list_dir(const char *dir)
{
	static char out[2048];
	char *names[64];
	size_t n = 0, len = 0;
	DIR *d = opendir(dir);
	struct dirent *de;

	out[0] = '\0';
	if (!d)
		return "(cannot open)";
	while ((de = readdir(d)) != NULL && n < 64)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			names[n++] = strdup(de->d_name);
	closedir(d);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		len += (size_t)snprintf(out + len, len < sizeof out ? sizeof out - len : 0, "%s%s",
		    i ? "," : "", names[i]);
		free(names[i]);
	}
	return out;
}

#endif
