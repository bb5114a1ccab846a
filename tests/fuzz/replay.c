/*
 * replay.c - a main() for the fuzz harnesses without libFuzzer: feeds each
 * file of tests/fuzz/corpus/<target>/ and tests/fuzz/crashes/<target>/ (or
 * the files and folders given as arguments) to LLVMFuzzerTestOneInput(),
 * one at a time, in this process.  Built with the normal compiler and the
 * sanitizers of the build (Makefile: $(BUILD)/tests/fuzz_<target>), run by
 * "make unit" from the top of the tree.  A sanitizer report or a failed
 * FUZZ_ASSERT aborts the run; otherwise the last line is
 * "N passed, 0 failed" like the unit tests'.  An empty or missing corpus
 * is a failure: a replay that reads nothing would prove nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name the harness"
#endif

static int passed, failed;

static void
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		failed++;
		return;
	}
	for (;;) {
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap ? cap * 2 : 4096);
			if (!nb) {
				fprintf(stderr, "out of memory\n");
				exit(2);
			}
			buf = nb;
			cap = cap ? cap * 2 : 4096;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (n == 0)
			break;
		len += n;
	}
	fclose(f);
	/* An exact-size copy, so that ASan sees a read past the input. */
	{
		uint8_t *exact = malloc(len ? len : 1);
		if (!exact) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
		if (len)
			memcpy(exact, buf, len);
		free(buf);
		fprintf(stderr, "replay %s (%zu bytes)\n", path, len);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	passed++;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file directly in dir, in name order.  Returns how many. */
static int
run_dir(const char *dir, int must_exist)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	int n = 0, cap = 0;

	if (!d) {
		if (must_exist || errno != ENOENT) {
			fprintf(stderr, "%s: %s\n", dir, strerror(errno));
			failed++;
		}
		return 0;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (size_t)(cap = cap ? cap * 2 : 64) * sizeof *names);
			if (!nn)
				exit(2);
			names = nn;
		}
		if (!(names[n++] = strdup(de->d_name)))
			exit(2);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof *names, cmp);
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			run_file(path);
		free(names[i]);
	}
	free(names);
	return n;
}

int
main(int argc, char **argv)
{
	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			struct stat st;
			if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
				run_dir(argv[i], 1);
			else
				run_file(argv[i]);
		}
	} else {
		if (run_dir("tests/fuzz/corpus/" FUZZ_TARGET, 1) == 0) {
			fprintf(stderr, "tests/fuzz/corpus/%s: no seed input\n", FUZZ_TARGET);
			failed++;
		}
		run_dir("tests/fuzz/crashes/" FUZZ_TARGET, 0);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
