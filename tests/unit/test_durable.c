/*
 * test_durable.c - fsutil.h's durable-write API for writers with a
 * descriptor (sohoa_fs_tmp_*) and the folder swap (sohoa_fs_swap_dir), on
 * real files; with -DSOHOA_FAULT (build/san) also what a failed fsync or
 * rename leaves behind: the old content, and no temp file.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "fixture.h"
#include "sohoa/fault.h"
#include "sohoa/fsutil.h"

/* Entries of dir (without . and ..). */
static int
names(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static void
check_file(const char *path, const char *want)
{
	char *got = fx_slurp(path, NULL);
	CHECK_STR(got, want);
	free(got);
}

static void
test_commit_replaces(void)
{
	sohoa_fs_tmp t;
	sohoa_error err;
	struct stat st;

	sohoa_error_clear(&err);
	CHECK(mkdir("d", 0750) == 0);
	CHECKM(sohoa_fs_write_file("d/f", "old\n", 4, 0640, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_fs_tmp_open(&t, "d/f", 0600, 0, &err) == SOHOA_OK, err.msg);
	CHECK(t.fd >= 0);
	CHECK_INT(names("d"), 2);           /* f and its temp beside it */
	CHECKM(sohoa_fs_tmp_write(&t, "new ", 4, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_fs_tmp_write(&t, "content\n", 8, &err) == SOHOA_OK, err.msg);
	check_file("d/f", "old\n");         /* nothing seen before the commit */
	CHECKM(sohoa_fs_tmp_commit(&t, &err) == SOHOA_OK, err.msg);
	CHECK_INT(t.fd, -1);
	check_file("d/f", "new content\n");
	CHECK_INT(names("d"), 1);
	CHECK(stat("d/f", &st) == 0 && (st.st_mode & 0777) == 0600);
	/* Abort after commit is a no-op; commit twice is an error. */
	sohoa_fs_tmp_abort(&t);
	check_file("d/f", "new content\n");
	CHECK(sohoa_fs_tmp_commit(&t, &err) == SOHOA_FATAL);
}

static void
test_abort_and_nosync(void)
{
	sohoa_fs_tmp t;
	sohoa_error err;
	struct stat st;

	sohoa_error_clear(&err);
	CHECK(mkdir("d", 0750) == 0);
	CHECKM(sohoa_fs_tmp_open(&t, "d/g", 0640, 0, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_fs_tmp_write(&t, "half", 4, &err) == SOHOA_OK, err.msg);
	sohoa_fs_tmp_abort(&t);
	CHECK(stat("d/g", &st) != 0 && errno == ENOENT);
	CHECK_INT(names("d"), 0);
	CHECKM(sohoa_fs_tmp_open(&t, "d/g", 0640, SOHOA_FS_NOSYNC, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_fs_tmp_write(&t, "snapshot\n", 9, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_fs_tmp_commit(&t, &err) == SOHOA_OK, err.msg);
	check_file("d/g", "snapshot\n");
	CHECK_INT(names("d"), 1);
	/* A hidden temp: .g.tmp-XXXXXXXX beside d/g, for folders people see. */
	CHECKM(sohoa_fs_tmp_open(&t, "d/g", 0640, SOHOA_FS_HIDDEN, &err) == SOHOA_OK, err.msg);
	CHECK(strncmp(t.tmp, "d/.g.tmp-", 9) == 0);
	CHECK(stat(t.tmp, &st) == 0);
	CHECKM(sohoa_fs_tmp_write(&t, "hidden\n", 7, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_fs_tmp_commit(&t, &err) == SOHOA_OK, err.msg);
	check_file("d/g", "hidden\n");
	CHECK_INT(names("d"), 1);
	/* A folder that is not there: the open fails, graded, and says where. */
	sohoa_error_clear(&err);
	CHECK(sohoa_fs_tmp_open(&t, "nowhere/x", 0640, 0, &err) == SOHOA_FATAL);
	CHECK(strstr(err.msg, "nowhere/x") != NULL);
	CHECK_INT(t.fd, -1);
}

/* SOHOA_FS_FIXED: the temp's name is always <path>.tmp, and a left-over
 * of a writer that died is taken over (truncated), never a second one
 * beside it; a link there is not followed.  SOHOA_FS_BYNAME: the content
 * comes from a writer that only takes a name and makes the file anew; the
 * commit installs and syncs what is at the name. */
static void
test_fixed_and_byname(void)
{
	sohoa_fs_tmp t;
	sohoa_error err;
	struct stat st;
	FILE *f;

	sohoa_error_clear(&err);
	CHECK(mkdir("d", 0750) == 0);
	/* A writer killed mid-write left this behind. */
	CHECKM(sohoa_fs_write_file("d/ocr.out.tmp", "half of an old attempt, longer\n", 31, 0640,
	    &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_fs_tmp_open(&t, "d/ocr.out", 0640, SOHOA_FS_FIXED | SOHOA_FS_NOSYNC, &err)
	    == SOHOA_OK, err.msg);
	CHECK_STR(t.tmp, "d/ocr.out.tmp");
	CHECK_INT(names("d"), 1);          /* the left-over itself, truncated */
	CHECK(fstat(t.fd, &st) == 0 && st.st_size == 0);
	CHECKM(sohoa_fs_tmp_write(&t, "page 1\n", 7, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_fs_tmp_commit(&t, &err) == SOHOA_OK, err.msg);
	check_file("d/ocr.out", "page 1\n");
	CHECK_INT(names("d"), 1);
	/* Hidden and fixed: .<name>.tmp; an abort removes it. */
	CHECKM(sohoa_fs_tmp_open(&t, "d/status", 0644, SOHOA_FS_FIXED | SOHOA_FS_HIDDEN, &err)
	    == SOHOA_OK, err.msg);
	CHECK_STR(t.tmp, "d/.status.tmp");
	sohoa_fs_tmp_abort(&t);
	CHECK(stat("d/.status.tmp", &st) != 0 && errno == ENOENT);
	/* A link at the fixed name is not followed. */
	CHECK(symlink("ocr.out", "d/x.tmp") == 0);
	sohoa_error_clear(&err);
	CHECK(sohoa_fs_tmp_open(&t, "d/x", 0640, SOHOA_FS_FIXED, &err) == SOHOA_FATAL);
	CHECK_INT(t.fd, -1);
	check_file("d/ocr.out", "page 1\n");
	CHECK(unlink("d/x.tmp") == 0);
	/* By name: the writer removes the temp and makes it anew (as a
	 * library writing a fresh file may); the new file is what lands. */
	sohoa_error_clear(&err);
	CHECKM(sohoa_fs_tmp_open(&t, "d/catalog.db", 0640, SOHOA_FS_BYNAME, &err) == SOHOA_OK,
	    err.msg);
	CHECK(unlink(t.tmp) == 0);
	CHECK((f = fopen(t.tmp, "w")) != NULL);
	fputs("written by name\n", f);
	CHECK(fclose(f) == 0);
	CHECKM(sohoa_fs_tmp_commit(&t, &err) == SOHOA_OK, err.msg);
	check_file("d/catalog.db", "written by name\n");
	CHECK_INT(names("d"), 2);
	/* A writer that failed and left nothing at the name: the commit
	 * fails, graded, naming the temp, and nothing is installed. */
	sohoa_error_clear(&err);
	CHECKM(sohoa_fs_tmp_open(&t, "d/gone", 0640, SOHOA_FS_BYNAME, &err) == SOHOA_OK, err.msg);
	CHECK(unlink(t.tmp) == 0);
	CHECK(sohoa_fs_tmp_commit(&t, &err) == SOHOA_FATAL);
	CHECK(strstr(err.msg, "d/gone.tmp-") != NULL);
	CHECK(stat("d/gone", &st) != 0);
	CHECK_INT(names("d"), 2);
}

static void
test_swap_dir(void)
{
	sohoa_error err;
	struct stat st;

	sohoa_error_clear(&err);
	CHECK(mkdir("p", 0750) == 0 && mkdir("p/new1", 0750) == 0);
	CHECKM(sohoa_fs_write_file("p/new1/a", "one\n", 4, 0640, &err) == SOHOA_OK, err.msg);
	/* No dest yet: a rename. */
	CHECKM(sohoa_fs_swap_dir("p/new1", "p/pkg", "p/.pkg.old", &err) == SOHOA_OK, err.msg);
	check_file("p/pkg/a", "one\n");
	CHECK(stat("p/new1", &st) != 0);
	/* An existing folder: replaced whole; nothing else left beside it. */
	CHECK(mkdir("p/new2", 0750) == 0);
	CHECKM(sohoa_fs_write_file("p/new2/b", "two\n", 4, 0640, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_fs_swap_dir("p/new2", "p/pkg", "p/.pkg.old", &err) == SOHOA_OK, err.msg);
	check_file("p/pkg/b", "two\n");
	CHECK(stat("p/pkg/a", &st) != 0);
	CHECK_INT(names("p"), 1);
	/* A file where the folder should go: refused, nothing moved. */
	CHECK(mkdir("p/new3", 0750) == 0);
	CHECKM(sohoa_fs_write_file("p/file", "x", 1, 0640, &err) == SOHOA_OK, err.msg);
	CHECK(sohoa_fs_swap_dir("p/new3", "p/file", "p/.file.old", &err) == SOHOA_FATAL);
	CHECK(strstr(err.msg, "not a folder") != NULL);
	CHECK(stat("p/new3", &st) == 0 && S_ISDIR(st.st_mode));
	check_file("p/file", "x");
}

/* With the hooks: each step of a commit failed in turn leaves the old
 * content and no temp file; the error is graded RETRY (EIO) and names the
 * step. */
static void
test_faults(void)
{
	sohoa_fs_tmp t;
	sohoa_error err;
	long steps;
	static const char *const step_word[3] = { "write", "fsync", "rename" };

	sohoa_error_clear(&err);
	CHECK(mkdir("d", 0750) == 0);
	CHECKM(sohoa_fs_write_file("d/f", "old\n", 4, 0640, &err) == SOHOA_OK, err.msg);
	sohoa_fault_arm(SOHOA_FAULT_COUNT, 0);
	CHECK(sohoa_fs_tmp_open(&t, "d/f", 0640, 0, &err) == SOHOA_OK);
	CHECK(sohoa_fs_tmp_write(&t, "new\n", 4, &err) == SOHOA_OK);
	CHECK(sohoa_fs_tmp_commit(&t, &err) == SOHOA_OK);
	steps = sohoa_fault_steps();
	CHECK_INT(steps, 4);            /* write, fsync, rename, fsync of the folder */
	CHECK_STR(sohoa_fault_step_kind(1), "write");
	CHECK_STR(sohoa_fault_step_kind(3), "rename");
	for (long n = 1; n <= 3; n++) {
		CHECKM(sohoa_fs_write_file("d/f", "old\n", 4, 0640, &err) == SOHOA_OK, err.msg);
		sohoa_error_clear(&err);
		sohoa_fault_arm(SOHOA_FAULT_FAIL, n);
		if (sohoa_fs_tmp_open(&t, "d/f", 0640, 0, &err) == SOHOA_OK
		    && sohoa_fs_tmp_write(&t, "new\n", 4, &err) == SOHOA_OK)
			sohoa_fs_tmp_commit(&t, &err);
		sohoa_fault_arm(SOHOA_FAULT_COUNT, 0);
		CHECK_INT(err.status, SOHOA_RETRY);
		CHECKM(strncmp(err.msg, step_word[n - 1], strlen(step_word[n - 1])) == 0, err.msg);
		check_file("d/f", "old\n");
		CHECK_INT(names("d"), 1);
	}
	/* The folder's fsync failing comes after the rename: the new content
	 * is in place, but the caller is told it may not survive a crash. */
	sohoa_error_clear(&err);
	sohoa_fault_arm(SOHOA_FAULT_FAIL, 4);
	if (sohoa_fs_tmp_open(&t, "d/f", 0640, 0, &err) == SOHOA_OK
	    && sohoa_fs_tmp_write(&t, "new\n", 4, &err) == SOHOA_OK)
		sohoa_fs_tmp_commit(&t, &err);
	sohoa_fault_arm(SOHOA_FAULT_COUNT, 0);
	CHECK_INT(err.status, SOHOA_RETRY);
	CHECK(strstr(err.msg, "fsync directory") != NULL);
	CHECK_INT(names("d"), 1);
}

int
main(void)
{
	TEST_RUN(test_commit_replaces);
	TEST_RUN(test_abort_and_nosync);
	TEST_RUN(test_fixed_and_byname);
	TEST_RUN(test_swap_dir);
	if (sohoa_fault_available())
		TEST_RUN(test_faults);
	else
		printf("test_faults: built without -DSOHOA_FAULT, not run\n");
	return TEST_DONE();
}
