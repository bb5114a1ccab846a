/*
 * test_fsutil.c - durable writes and the other file helpers (fsutil.h), on
 * real files in the test's temporary directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "test.h"
#include "fixture.h"
#include "sohoa/fsutil.h"
#include "sohoa/hash.h"

/* The whole content of path into buf (NUL-terminated); its length or -1. */
static long
slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (got + 1 < size && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	return (long)got;
}

static void
put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECKM(fd >= 0, strerror(errno));
	if (fd < 0)
		return;
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

static void
test_write_file_creates_with_content_and_mode(void)
{
	sohoa_error err;
	struct stat st;
	char buf[64];
	mode_t old = umask(022);

	sohoa_error_clear(&err);
	CHECKM(sohoa_fs_write_file("a.txt", "xin chào\n", strlen("xin chào\n"), 0640, &err)
	    == SOHOA_OK, err.msg);
	CHECK(stat("a.txt", &st) == 0);
	CHECK_INT(st.st_mode & 07777, 0640);
	CHECK(S_ISREG(st.st_mode));
	CHECK_INT(slurp("a.txt", buf, sizeof buf), (long)strlen("xin chào\n"));
	CHECK_STR(buf, "xin chào\n");
	/* Zero bytes is a valid content too. */
	CHECKM(sohoa_fs_write_file("empty", "", 0, 0600, &err) == SOHOA_OK, err.msg);
	CHECK(stat("empty", &st) == 0 && st.st_size == 0);
	CHECK_INT(st.st_mode & 07777, 0600);
	umask(old);
}

/* A replacement is a new file renamed over the old one: a reader that has
 * the old file open keeps seeing all of the old content. */
static void
test_write_file_replaces_atomically(void)
{
	sohoa_error err;
	struct stat before, after;
	char buf[64];
	int reader;
	ssize_t n;

	sohoa_error_clear(&err);
	CHECKM(sohoa_fs_write_file("f", "old content", 11, 0644, &err) == SOHOA_OK, err.msg);
	CHECK(stat("f", &before) == 0);
	reader = open("f", O_RDONLY);
	CHECK(reader >= 0);
	CHECKM(sohoa_fs_write_file("f", "new", 3, 0644, &err) == SOHOA_OK, err.msg);
	CHECK(stat("f", &after) == 0);
	CHECK(before.st_ino != after.st_ino);
	CHECK_INT(after.st_size, 3);
	CHECK_INT(slurp("f", buf, sizeof buf), 3);
	CHECK_STR(buf, "new");
	n = read(reader, buf, sizeof buf - 1);
	CHECK_INT(n, 11);
	buf[n > 0 ? n : 0] = '\0';
	CHECK_STR(buf, "old content");
	close(reader);
	CHECK_STR(fx_list_dir("."), "f");
}

static void
test_write_file_leaves_no_temp_files(void)
{
	sohoa_error err;
	char name[16];

	sohoa_error_clear(&err);
	CHECK(mkdir("d", 0755) == 0);
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "d/f%d", i % 3);
		CHECKM(sohoa_fs_write_file(name, name, strlen(name), 0644, &err) == SOHOA_OK,
		    err.msg);
	}
	CHECK_STR(fx_list_dir("d"), "f0,f1,f2");
}

static void
test_write_file_into_missing_dir_fails(void)
{
	sohoa_error err;

	sohoa_error_clear(&err);
	CHECK(sohoa_fs_write_file("nodir/x", "a", 1, 0644, &err) != SOHOA_OK);
	CHECK(err.status != SOHOA_OK);
	CHECKM(strstr(err.msg, "create temp file") != NULL, err.msg);
	CHECKM(strstr(err.msg, "nodir/x") != NULL, err.msg);
	CHECKM(strstr(err.msg, strerror(ENOENT)) != NULL, err.msg);
	CHECK_STR(fx_list_dir("."), "");
}

static void
test_copy_file_exact_bytes(void)
{
	enum { N = 200001 };   /* more than one buffer, not a multiple of it */
	unsigned char *data = malloc(N), *back = malloc(N + 1);
	sohoa_error err;
	struct stat st;
	unsigned x = 12345;
	int fd;
	long got;
	mode_t old;

	CHECK(data && back);
	if (!data || !back)
		return;
	for (size_t i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (unsigned char)(x >> 16);
	}
	data[10] = 0;   /* NUL bytes are content too */
	fd = open("src.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, data, N) == N);
	close(fd);
	sohoa_error_clear(&err);
	old = umask(022);
	CHECKM(sohoa_fs_copy_file("src.bin", "dst.bin", 0640, &err) == SOHOA_OK, err.msg);
	CHECK(stat("dst.bin", &st) == 0);
	CHECK_INT(st.st_size, N);
	CHECK_INT(st.st_mode & 07777, 0640);
	got = slurp("dst.bin", (char *)back, N + 1);
	CHECK_INT(got, N);
	CHECK(memcmp(data, back, N) == 0);
	/* Copying over an existing file replaces it. */
	put("small", "tiny");
	CHECKM(sohoa_fs_copy_file("small", "dst.bin", 0640, &err) == SOHOA_OK, err.msg);
	CHECK_INT(slurp("dst.bin", (char *)back, N + 1), 4);
	CHECK_STR(fx_list_dir("."), "dst.bin,small,src.bin");
	umask(old);
	free(data);
	free(back);
}

static void
test_copy_file_refuses_symlink_source(void)
{
	sohoa_error err;

	put("real", "secret");
	CHECK(symlink("real", "link") == 0);
	sohoa_error_clear(&err);
	CHECK(sohoa_fs_copy_file("link", "dst", 0644, &err) != SOHOA_OK);
	CHECKM(strstr(err.msg, "link") != NULL, err.msg);
	CHECKM(strstr(err.msg, strerror(ELOOP)) != NULL, err.msg);
	CHECK(access("dst", F_OK) != 0);
	CHECK_STR(fx_list_dir("."), "link,real");
}

static void
test_mkdirs_nested(void)
{
	sohoa_error err;
	struct stat st;
	char abs[PATH_MAX];
	mode_t old = umask(022);

	sohoa_error_clear(&err);
	CHECKM(sohoa_fs_mkdirs("a/b/c/d", 0750, &err) == SOHOA_OK, err.msg);
	CHECK(stat("a/b/c/d", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK_INT(st.st_mode & 07777, 0750);
	CHECK(stat("a", &st) == 0);
	CHECK_INT(st.st_mode & 07777, 0750);
	/* Again: nothing to do, no error. */
	CHECKM(sohoa_fs_mkdirs("a/b/c/d", 0750, &err) == SOHOA_OK, err.msg);
	/* Absolute, with a trailing slash. */
	snprintf(abs, sizeof abs, "%s/x/y/", test_tmp_root);
	CHECKM(sohoa_fs_mkdirs(abs, 0700, &err) == SOHOA_OK, err.msg);
	CHECK(stat("x/y", &st) == 0 && S_ISDIR(st.st_mode));
	/* A file in the way. */
	put("file", "x");
	CHECK(sohoa_fs_mkdirs("file/sub", 0750, &err) != SOHOA_OK);
	CHECKM(strstr(err.msg, "file/sub") != NULL, err.msg);
	umask(old);
}

/* mkdir -p refuses a path that exists as something else than a folder. */
static void
test_mkdirs_over_regular_file_fails(void)
{
	sohoa_error err;

	put("spool", "not a folder");
	sohoa_error_clear(&err);
	CHECKM(sohoa_fs_mkdirs("spool", 0750, &err) != SOHOA_OK,
	    "mkdirs(\"spool\") returned OK although spool is a regular file");
}

static void
test_remove_tree_keeps_symlink_targets(void)
{
	sohoa_error err;
	struct stat st;

	CHECK(mkdir("outside", 0755) == 0);
	put("outside/keep.txt", "keep me");
	put("outside-file", "keep me too");
	CHECK(mkdir("tree", 0755) == 0);
	CHECK(mkdir("tree/a", 0755) == 0);
	CHECK(mkdir("tree/a/b", 0755) == 0);
	CHECK(mkdir("tree/empty", 0755) == 0);
	put("tree/top", "1");
	put("tree/a/mid", "2");
	put("tree/a/b/deep", "3");
	CHECK(symlink("../../outside", "tree/a/to-outside") == 0);
	CHECK(symlink("../outside-file", "tree/file-link") == 0);
	CHECK(symlink("nowhere", "tree/a/b/dangling") == 0);
	sohoa_error_clear(&err);
	CHECKM(sohoa_fs_remove_tree("tree", &err) == SOHOA_OK, err.msg);
	CHECK(lstat("tree", &st) != 0 && errno == ENOENT);
	CHECK(stat("outside/keep.txt", &st) == 0 && st.st_size == 7);
	CHECK(stat("outside-file", &st) == 0 && st.st_size == 11);
	CHECK_STR(fx_list_dir("."), "outside,outside-file");
}

/* remove_tree on a link to a folder removes the link, not the folder. */
static void
test_remove_tree_of_symlink_removes_link_only(void)
{
	sohoa_error err;
	struct stat st;

	CHECK(mkdir("target", 0755) == 0);
	put("target/f", "x");
	CHECK(symlink("target", "link") == 0);
	sohoa_error_clear(&err);
	CHECKM(sohoa_fs_remove_tree("link", &err) == SOHOA_OK, err.msg);
	CHECK(lstat("link", &st) != 0);
	CHECK(stat("target/f", &st) == 0);
}

static void
test_read_file_and_limit(void)
{
	sohoa_error err;
	char *buf = NULL;
	size_t len = 0;

	put("hundred", "0123456789012345678901234567890123456789012345678901234567890123456789"
	    "012345678901234567890123456789");
	sohoa_error_clear(&err);
	CHECKM(sohoa_fs_read_file("hundred", 100, &buf, &len, &err) == SOHOA_OK, err.msg);
	CHECK_INT(len, 100);
	CHECK(buf && buf[100] == '\0' && strncmp(buf, "0123", 4) == 0);
	free(buf);
	buf = (char *)"sentinel";
	CHECK_INT(sohoa_fs_read_file("hundred", 99, &buf, &len, &err), SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_TOO_LARGE);
	CHECK(buf == NULL);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_fs_read_file("missing", 100, &buf, &len, &err), SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_UNREADABLE);
	CHECKM(strstr(err.msg, "missing") != NULL, err.msg);
	/* Empty file: an empty string. */
	put("zero", "");
	sohoa_error_clear(&err);
	CHECKM(sohoa_fs_read_file("zero", 100, &buf, &len, &err) == SOHOA_OK, err.msg);
	CHECK_INT(len, 0);
	CHECK_STR(buf, "");
	free(buf);
}

static void
test_rename_and_sync_dir(void)
{
	sohoa_error err;
	char buf[16];

	CHECK(mkdir("a", 0755) == 0 && mkdir("b", 0755) == 0);
	put("a/x", "moved");
	sohoa_error_clear(&err);
	CHECKM(sohoa_fs_rename("a/x", "b/y", &err) == SOHOA_OK, err.msg);
	CHECK(access("a/x", F_OK) != 0);
	CHECK_INT(slurp("b/y", buf, sizeof buf), 5);
	CHECK(sohoa_fs_rename("a/x", "b/z", &err) != SOHOA_OK);
	CHECKM(strstr(err.msg, "a/x") != NULL, err.msg);
	sohoa_error_clear(&err);
	CHECKM(sohoa_fs_sync_dir("b", &err) == SOHOA_OK, err.msg);
	CHECK(sohoa_fs_sync_dir("nope", &err) != SOHOA_OK);
	CHECKM(strstr(err.msg, "nope") != NULL, err.msg);
	CHECK(sohoa_fs_free_bytes(".") > 0);
	CHECK_INT(sohoa_fs_free_bytes("no/such/dir"), -1);
}

static void
test_path_join(void)
{
	static const struct { const char *a, *b, *want; } cases[] = {
		{ "a", "b", "a/b" },
		{ "a/", "b", "a/b" },
		{ "a///", "b", "a/b" },
		{ "/var/lib/sohoa", "spool", "/var/lib/sohoa/spool" },
		{ "/srv/Sở", "hồ sơ 1/tệp.tif", "/srv/Sở/hồ sơ 1/tệp.tif" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *p = sohoa_path_join(cases[i].a, cases[i].b);
		CHECK_STR(p, cases[i].want);
		free(p);
	}
}

/* "with one '/'": the root joined with a name is "/name", not "//name"
 * (a leading "//" has an implementation-defined meaning in POSIX). */
static void
test_path_join_root(void)
{
	char *p = sohoa_path_join("/", "b");

	CHECK_STR(p, "/b");
	free(p);
}

/* A batch writes a fresh tree under final names, hashes a copy as it is
 * made, refuses to overwrite, and past its open-file limit still writes
 * every file. */
static void
test_batch_tree(void)
{
	sohoa_fs_batch *b = sohoa_fs_batch_new();
	sohoa_hash *h = sohoa_hash_new("sha256");
	char want[SOHOA_HASH_TEXT_MAX], got[SOHOA_HASH_TEXT_MAX], buf[64], name[64];
	sohoa_error err;
	struct stat st;
	long long size = -1;
	mode_t old;

	CHECK(b && h);
	if (!b || !h)
		return;
	old = umask(022);
	put("src.txt", "hello, package");
	sohoa_error_clear(&err);
	CHECK(mkdir("root", 0755) == 0);
	CHECKM(sohoa_fs_batch_add_dir(b, "root", &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_fs_batch_mkdir(b, "root/sub", 0750, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_fs_batch_write(b, "root/a.xml", "<a/>", 4, 0444, &err) == SOHOA_OK,
	    err.msg);
	CHECKM(sohoa_fs_batch_copy(b, "src.txt", "root/sub/copy.txt", 0444, h, &size, &err)
	    == SOHOA_OK, err.msg);
	CHECK_INT(size, 14);
	CHECK(sohoa_hash_final(h, got) == 0);
	CHECKM(sohoa_hash_file("src.txt", "sha256", want, NULL, &err) == SOHOA_OK, err.msg);
	CHECK_STR(got, want);
	for (int i = 0; i < 70; i++) {     /* more than the batch keeps open */
		snprintf(name, sizeof name, "root/sub/f%02d", i);
		CHECKM(sohoa_fs_batch_write(b, name, name, strlen(name), 0444, &err) == SOHOA_OK,
		    err.msg);
	}
	/* Never over an existing file: the tree is fresh. */
	CHECK(sohoa_fs_batch_write(b, "root/a.xml", "x", 1, 0444, &err) != SOHOA_OK);
	CHECK(strstr(err.msg, "root/a.xml") != NULL);
	sohoa_error_clear(&err);
	CHECKM(sohoa_fs_batch_sync(b, &err) == SOHOA_OK, err.msg);
	sohoa_fs_batch_free(b);
	sohoa_hash_free(h);
	CHECK_INT(slurp("root/a.xml", buf, sizeof buf), 4);
	CHECK(memcmp(buf, "<a/>", 4) == 0);
	CHECK_INT(slurp("root/sub/f69", buf, sizeof buf), 12);
	CHECK(stat("root/sub", &st) == 0 && (st.st_mode & 07777) == 0750);
	CHECK(stat("root/sub/copy.txt", &st) == 0 && (st.st_mode & 07777) == 0444);
	/* No temp names anywhere. */
	CHECK_STR(fx_list_dir("root"), "a.xml,sub");
	sohoa_fs_batch_free(NULL);
	umask(old);
}

/* ---- folders other people write (the inbox, the quarantine) --------- */

static void
test_open_dir_beneath_refuses_links_on_the_way(void)
{
	int fd;

	CHECK(mkdir("in", 0755) == 0 && mkdir("in/a", 0755) == 0 && mkdir("in/a/b", 0755) == 0);
	CHECK(mkdir("outside", 0755) == 0 && mkdir("outside/b", 0755) == 0);
	put("outside/b/secret", "s");
	fd = sohoa_fs_open_dir_beneath("in", "a/b");
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	fd = sohoa_fs_open_dir_beneath("in", "");
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	/* The folder a swapped for a link to outside: never followed. */
	CHECK(rename("in/a", "in/a.old") == 0);
	CHECK(symlink("../outside", "in/a") == 0);
	errno = 0;
	CHECK(sohoa_fs_open_dir_beneath("in", "a/b") < 0);
	CHECK_INT(errno, ELOOP);
	errno = 0;
	CHECK(sohoa_fs_open_dir_beneath("in", "a") < 0);
	CHECK_INT(errno, ELOOP);
	CHECK(sohoa_fs_open_dir_beneath("in", "a.old/../../outside") < 0);
	{
		struct stat st;
		const char *base;
		errno = 0;
		CHECK(sohoa_fs_stat_beneath("in", "a/b/secret", &st) != 0);
		CHECK_INT(errno, ELOOP);
		CHECK(sohoa_fs_stat_beneath("in", "a", &st) == 0 && S_ISLNK(st.st_mode));
		fd = sohoa_fs_open_parent_beneath("in", "a.old/b/x.tif", &base);
		CHECK(fd >= 0);
		CHECK_STR(base, "x.tif");
		if (fd >= 0)
			close(fd);
		CHECK(sohoa_fs_open_parent_beneath("in", "a/b/x.tif", &base) < 0);
	}
}

static void
test_mkdirs_beneath_creates_but_never_crosses_links(void)
{
	struct stat st;
	int fd;

	CHECK(mkdir("q", 0755) == 0 && mkdir("state", 0755) == 0);
	fd = sohoa_fs_mkdirs_beneath("q", "x/y", 0750);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	CHECK(stat("q/x/y", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(symlink("../state", "q/trung-lap") == 0);
	errno = 0;
	CHECK(sohoa_fs_mkdirs_beneath("q", "trung-lap/z", 0750) < 0);
	CHECK_INT(errno, ELOOP);
	CHECK(stat("state/z", &st) != 0);
}

static void
test_open_file_at_regular_only_never_blocks(void)
{
	struct stat st, seen;
	int dfd = open(".", O_RDONLY | O_DIRECTORY), fd;

	put("plain", "abc");
	CHECK(mkfifo("fifo", 0644) == 0);
	CHECK(symlink("plain", "link") == 0);
	fd = sohoa_fs_open_file_at(dfd, "plain", NULL, &st);
	CHECK(fd >= 0 && S_ISREG(st.st_mode) && st.st_size == 3);
	/* Blocking again: a plain read works. */
	if (fd >= 0) {
		char b[4];
		CHECK(read(fd, b, 4) == 3);
		CHECK(!(fcntl(fd, F_GETFL) & O_NONBLOCK));
		close(fd);
	}
	/* A FIFO with no writer: refused at once, never opened. */
	errno = 0;
	CHECK(sohoa_fs_open_file_at(dfd, "fifo", NULL, &st) < 0);
	CHECK_INT(errno, EINVAL);
	CHECK(S_ISFIFO(st.st_mode));
	errno = 0;
	CHECK(sohoa_fs_open_file_at(dfd, "link", NULL, &st) < 0);
	CHECK_INT(errno, ELOOP);
	/* Not the object seen: another file now has the name. */
	CHECK(stat("plain", &seen) == 0);
	CHECK(rename("plain", "plain.old") == 0);
	put("plain", "xyz");
	errno = 0;
	CHECK(sohoa_fs_open_file_at(dfd, "plain", &seen, &st) < 0);
	CHECK_INT(errno, ESTALE);
	close(dfd);
}

static void
test_unlink_same_only_the_object_seen(void)
{
	struct stat a;
	int dfd = open(".", O_RDONLY | O_DIRECTORY);

	put("f", "1");
	CHECK(stat("f", &a) == 0);
	CHECK(rename("f", "g") == 0);
	put("f", "2");
	errno = 0;
	CHECK(sohoa_fs_unlink_same(dfd, "f", &a) != 0);
	CHECK_INT(errno, ESTALE);
	CHECK(access("f", F_OK) == 0);
	CHECK(sohoa_fs_unlink_same(dfd, "g", &a) == 0);
	CHECK(access("g", F_OK) != 0);
	/* A link is removed as a link; its target stays. */
	CHECK(symlink("f", "l") == 0);
	CHECK(lstat("l", &a) == 0);
	CHECK(sohoa_fs_unlink_same(dfd, "l", &a) == 0);
	CHECK(access("f", F_OK) == 0);
	close(dfd);
}

static void
test_move_same_checks_before_and_never_replaces(void)
{
	struct stat a, b;
	int in, q;

	CHECK(mkdir("in", 0755) == 0 && mkdir("q", 0755) == 0);
	put("in/x", "x");
	put("q/taken", "keep");
	in = open("in", O_RDONLY | O_DIRECTORY);
	q = open("q", O_RDONLY | O_DIRECTORY);
	CHECK(lstat("in/x", &a) == 0);
	errno = 0;
	CHECK(sohoa_fs_move_same(in, "x", q, "taken", &a) != 0);
	CHECK_INT(errno, EEXIST);
	CHECK(sohoa_fs_move_same(in, "x", q, "x", &a) == 0);
	CHECK(lstat("q/x", &b) == 0 && sohoa_fs_same_object(&a, &b));
	/* Something else under the name: not moved. */
	put("in/y", "y");
	errno = 0;
	CHECK(sohoa_fs_move_same(in, "y", q, "y", &a) != 0);
	CHECK_INT(errno, ESTALE);
	CHECK(access("in/y", F_OK) == 0 && access("q/y", F_OK) != 0);
	close(in);
	close(q);
}

static void
test_read_small_at_refuses_fifo_links_and_big_files(void)
{
	sohoa_error err;
	char *text = NULL, big[5000];
	size_t len = 0;
	int dfd = open(".", O_RDONLY | O_DIRECTORY);

	put("hoso.txt", "Mã hồ sơ: 1\n");
	sohoa_error_clear(&err);
	CHECK(sohoa_fs_read_small_at(dfd, "hoso.txt", "hoso.txt", 100, &text, &len, &err)
	    == SOHOA_OK);
	CHECK_STR(text, "Mã hồ sơ: 1\n");
	free(text);
	CHECK(mkfifo("fifo.txt", 0644) == 0);
	sohoa_error_clear(&err);
	CHECK(sohoa_fs_read_small_at(dfd, "fifo.txt", "fifo.txt", 100, &text, &len, &err)
	    == SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_NOT_REGULAR);
	CHECK(text == NULL);
	CHECK(symlink("/dev/zero", "zero.txt") == 0);
	sohoa_error_clear(&err);
	CHECK(sohoa_fs_read_small_at(dfd, "zero.txt", "zero.txt", 100, &text, &len, &err)
	    == SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_SYMLINK);
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	put("big.txt", big);
	sohoa_error_clear(&err);
	CHECK(sohoa_fs_read_small_at(dfd, "big.txt", "big.txt", 4096, &text, &len, &err)
	    == SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_TOO_LARGE);
	sohoa_error_clear(&err);
	CHECK(sohoa_fs_read_small_at(dfd, "none.txt", "none.txt", 100, &text, &len, &err)
	    == SOHOA_BAD_INPUT);
	CHECK_INT(errno, ENOENT);
	close(dfd);
}

static void
test_write_file_at_long_name_and_mode(void)
{
	sohoa_error err;
	char name[256];
	struct stat st;
	mode_t old = umask(0);
	int dfd = open(".", O_RDONLY | O_DIRECTORY);

	/* 255 bytes: the temp name is short and hidden, so it fits. */
	memset(name, 'n', 255);
	name[255] = '\0';
	sohoa_error_clear(&err);
	CHECKM(sohoa_fs_write_file_at(dfd, name, "r", 1, 0640, &err) == SOHOA_OK, err.msg);
	CHECK(stat(name, &st) == 0 && (st.st_mode & 0777) == 0640);
	CHECK_STR(fx_list_dir("."), name);
	umask(old);
	close(dfd);
}

static void
test_remove_specials_at(void)
{
	int dfd;

	CHECK(mkdir("d", 0755) == 0 && mkdir("d/sub", 0755) == 0);
	put("d/page.tif", "p");
	put("target", "t");
	CHECK(symlink("../target", "d/link") == 0);
	CHECK(mkfifo("d/sub/fifo", 0644) == 0);
	dfd = open("d", O_RDONLY | O_DIRECTORY);
	CHECK_INT(sohoa_fs_remove_specials_at(dfd), 2);
	close(dfd);
	CHECK_STR(fx_list_dir("d"), "page.tif,sub");
	CHECK_STR(fx_list_dir("d/sub"), "");
	CHECK(access("target", F_OK) == 0);
}

int
main(void)
{
	TEST_RUN(test_write_file_creates_with_content_and_mode);
	TEST_RUN(test_write_file_replaces_atomically);
	TEST_RUN(test_write_file_leaves_no_temp_files);
	TEST_RUN(test_write_file_into_missing_dir_fails);
	TEST_RUN(test_copy_file_exact_bytes);
	TEST_RUN(test_copy_file_refuses_symlink_source);
	TEST_RUN(test_mkdirs_nested);
	TEST_RUN(test_mkdirs_over_regular_file_fails);
	TEST_RUN(test_remove_tree_keeps_symlink_targets);
	TEST_RUN(test_remove_tree_of_symlink_removes_link_only);
	TEST_RUN(test_read_file_and_limit);
	TEST_RUN(test_rename_and_sync_dir);
	TEST_RUN(test_path_join);
	TEST_RUN(test_path_join_root);
	TEST_RUN(test_batch_tree);
	TEST_RUN(test_open_dir_beneath_refuses_links_on_the_way);
	TEST_RUN(test_mkdirs_beneath_creates_but_never_crosses_links);
	TEST_RUN(test_open_file_at_regular_only_never_blocks);
	TEST_RUN(test_unlink_same_only_the_object_seen);
	TEST_RUN(test_move_same_checks_before_and_never_replaces);
	TEST_RUN(test_read_small_at_refuses_fifo_links_and_big_files);
	TEST_RUN(test_write_file_at_long_name_and_mode);
	TEST_RUN(test_remove_specials_at);
	return TEST_DONE();
}
