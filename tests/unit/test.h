/*
 * test.h - the smallest test harness that does the job.
 *
 * Each test is a function; TEST_RUN runs it in a fresh temporary directory
 * (the current directory while it runs) and counts the assertions that
 * failed.  CHECK* macros print the file, line, the expression and, where
 * given, the library's own message.  main() ends with TEST_DONE(), which
 * prints "N passed, N failed" and returns the exit status.
 */
#ifndef SOHOA_TEST_H
#define SOHOA_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <limits.h>

static int test_failed_checks;
static int test_passed, test_failed;
static char test_tmp_root[PATH_MAX];

#define CHECK(cond) do { if (!(cond)) { test_failed_checks++; \
	fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECKM(cond, msg) do { if (!(cond)) { test_failed_checks++; \
	fprintf(stderr, "  %s:%d: CHECK(%s) failed: %s\n", __FILE__, __LINE__, #cond, (msg)); } } while (0)
#define CHECK_INT(a, b) do { long long a_ = (long long)(a), b_ = (long long)(b); if (a_ != b_) { \
	test_failed_checks++; fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", \
	__FILE__, __LINE__, #a, a_, #b, b_); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); if (!a_ || !b_ || strcmp(a_, b_)) { \
	test_failed_checks++; fprintf(stderr, "  %s:%d: %s == \"%s\", expected \"%s\"\n", \
	__FILE__, __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)

static void test_run(const char *name, void (*fn)(void))
{
	char cwd[PATH_MAX], dir[PATH_MAX];
	const char *base = getenv("TMPDIR");
	if (!getcwd(cwd, sizeof cwd)) { perror("getcwd"); exit(2); }
	snprintf(dir, sizeof dir, "%s/sohoa-test-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(dir) || chdir(dir) != 0) { perror("mkdtemp"); exit(2); }
	snprintf(test_tmp_root, sizeof test_tmp_root, "%s", dir);
	test_failed_checks = 0;
	fn();
	if (chdir(cwd) != 0) { perror("chdir"); exit(2); }
	if (test_failed_checks) {
		test_failed++;
		fprintf(stderr, "FAIL %s (kept %s)\n", name, dir);
	} else {
		char cmd[PATH_MAX + 16];
		test_passed++;
		printf("ok   %s\n", name);
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
	}
}

#define TEST_RUN(fn) test_run(#fn, fn)
#define TEST_DONE() (printf("%d passed, %d failed\n", test_passed, test_failed), test_failed ? 1 : 0)

#endif
