/*
 * test_spool.c - the on-disk queue (spool.h) on real directories: pickup
 * and the numbered invariants, envelopes with awkward file names, the
 * refusals (links, FIFOs, files still changing, files too large), moves,
 * the clean-up of tmp/, listing order and the writer lock.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include "test.h"
#include "fixture.h"
#include "sohoa/spool.h"

static const char *const all_states[] = {
	"tmp", "incoming", "active", "deferred", "done", "quarantine"
};

/* Writes len bytes of a pattern seeded by seed into path. */
static void
put_bytes(const char *path, size_t len, unsigned seed)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	unsigned char buf[4096];
	size_t done = 0;

	CHECKM(fd >= 0, path);
	if (fd < 0)
		return;
	while (done < len) {
		size_t n = len - done < sizeof buf ? len - done : sizeof buf;
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (unsigned char)(seed >> 16);
		}
		CHECK(write(fd, buf, n) == (ssize_t)n);
		done += n;
	}
	close(fd);
}

/* 1 if the two files have the same bytes. */
static int
same_bytes(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int same = fa && fb;

	while (same) {
		int ca = getc(fa), cb = getc(fb);
		if (ca != cb)
			same = 0;
		if (ca == EOF || cb == EOF)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* "sha256:<hex>" of path by sha256sum(1) (path must need no quoting). */
static void
sha256sum_of(const char *path, char out[SOHOA_HASH_TEXT_MAX])
{
	char cmd[PATH_MAX + 32], line[256] = "";
	FILE *p;

	snprintf(cmd, sizeof cmd, "sha256sum '%s'", path);
	p = popen(cmd, "r");
	CHECK(p != NULL);
	if (p) {
		CHECK(fgets(line, sizeof line, p) != NULL);
		CHECK_INT(pclose(p), 0);
	}
	snprintf(out, SOHOA_HASH_TEXT_MAX, "sha256:%.64s", line);
}

static long long
mtime_ns_of(const struct stat *st)
{
	return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

static sohoa_spool *
open_spool(void)
{
	sohoa_error err;
	sohoa_spool *sp;

	sohoa_error_clear(&err);
	sp = sohoa_spool_open("state", &err);
	CHECKM(sp != NULL, err.msg);
	return sp;
}

/* Makes inbox/<rel> (and its folders) with len bytes. */
static void
make_scan(const char *rel, size_t len, unsigned seed)
{
	char path[PATH_MAX];

	mkdir("inbox", 0755);
	for (const char *p = strchr(rel, '/'); p; p = strchr(p + 1, '/')) {
		snprintf(path, sizeof path, "inbox/%.*s", (int)(p - rel), rel);
		mkdir(path, 0755);
	}
	snprintf(path, sizeof path, "inbox/%s", rel);
	put_bytes(path, len, seed);
}

/* Picks up inbox/<rel> with its current lstat; returns the status. */
static sohoa_status
pick(sohoa_spool *sp, const char *rel, long long max, sohoa_envelope *env, sohoa_error *err)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof path, "inbox/%s", rel);
	CHECKM(lstat(path, &st) == 0, path);
	sohoa_error_clear(err);
	return sohoa_spool_pickup(sp, "inbox", rel, &st, max, env, err);
}

static void
test_open_creates_state_dirs(void)
{
	sohoa_spool *sp = open_spool();
	struct stat st;
	char want[PATH_MAX];

	if (!sp)
		return;
	CHECK_STR(fx_list_dir("state/spool"), "active,deferred,done,incoming,quarantine,tmp");
	for (size_t i = 0; i < sizeof all_states / sizeof all_states[0]; i++) {
		snprintf(want, sizeof want, "state/spool/%s", all_states[i]);
		CHECK_STR(sohoa_spool_dir(sp, (sohoa_state)sohoa_state_from_dir(all_states[i])), want);
		CHECK(stat(want, &st) == 0 && S_ISDIR(st.st_mode));
	}
	CHECK(sohoa_spool_dir(sp, SOHOA_STATE_COUNT) == NULL);
	CHECK_STR(sohoa_spool_path(sp, SOHOA_STATE_DONE, "ID", "original", want, sizeof want),
	    "state/spool/done/ID/original");
	sohoa_spool_free(sp);
	/* Opening again over the existing tree is fine. */
	sp = open_spool();
	sohoa_spool_free(sp);
}

/* Invariants 1 and 2: one complete entry in incoming/, nothing in tmp/,
 * the original untouched in the inbox. */
static void
test_pickup_creates_one_complete_entry(void)
{
	sohoa_spool *sp = open_spool();
	sohoa_envelope env;
	sohoa_error err;
	struct stat before, after;
	char path[PATH_MAX], entry_files[64];

	if (!sp)
		return;
	make_scan("scan.tif", 300000, 1);
	CHECK(lstat("inbox/scan.tif", &before) == 0);
	CHECKM(pick(sp, "scan.tif", 1LL << 30, &env, &err) == SOHOA_OK, err.msg);
	CHECK(env.spool_id[0] != '\0');
	CHECK_STR(fx_list_dir("state/spool/incoming"), env.spool_id);
	snprintf(path, sizeof path, "state/spool/incoming/%s", env.spool_id);
	snprintf(entry_files, sizeof entry_files, "%s", fx_list_dir(path));
	CHECK_STR(entry_files, "envelope,original");
	CHECK(same_bytes(sohoa_spool_path(sp, SOHOA_STATE_INCOMING, env.spool_id, "original", path,
	    sizeof path), "inbox/scan.tif"));
	CHECK_STR(fx_list_dir("state/spool/tmp"), "");
	CHECK_STR(fx_list_dir("state/spool/active"), "");
	/* The original is where it was, as it was. */
	CHECK_STR(fx_list_dir("inbox"), "scan.tif");
	CHECK(lstat("inbox/scan.tif", &after) == 0);
	CHECK(after.st_ino == before.st_ino);
	CHECK_INT(after.st_size, before.st_size);
	CHECK_INT(mtime_ns_of(&after), mtime_ns_of(&before));
	CHECK_INT(after.st_nlink, 1);
	sohoa_envelope_release(&env);
	sohoa_spool_free(sp);
}

/* Everything pickup knew comes back from the envelope file. */
static void
test_envelope_round_trip(void)
{
	sohoa_spool *sp = open_spool();
	sohoa_envelope env, back;
	sohoa_error err;
	struct stat st;
	char path[PATH_MAX], sum[SOHOA_HASH_TEXT_MAX];

	if (!sp)
		return;
	make_scan("scan.tif", 70000, 2);
	CHECK(lstat("inbox/scan.tif", &st) == 0);
	CHECKM(pick(sp, "scan.tif", 1LL << 30, &env, &err) == SOHOA_OK, err.msg);
	sha256sum_of("inbox/scan.tif", sum);
	CHECK_STR(env.hash, sum);
	CHECK_INT(env.size, 70000);
	CHECK_INT(env.mtime_ns, mtime_ns_of(&st));
	CHECK_STR(env.name, "scan.tif");
	CHECK_STR(env.origin, "");
	CHECK_STR(env.inbox_path, "scan.tif");

	CHECKM(sohoa_spool_read_envelope(sp, SOHOA_STATE_INCOMING, env.spool_id, &back, &err) == SOHOA_OK,
	    err.msg);
	CHECK_STR(back.spool_id, env.spool_id);
	CHECK_STR(back.hash, sum);
	CHECK_INT(back.size, 70000);
	CHECK_INT(back.mtime_ns, mtime_ns_of(&st));
	CHECK_STR(back.picked_at, env.picked_at);
	CHECK_INT(strlen(back.picked_at), 24);   /* 2024-01-02T03:04:05.678Z */
	CHECK(back.picked_at[10] == 'T' && back.picked_at[23] == 'Z');
	CHECK_STR(back.name, "scan.tif");
	CHECK_INT(back.name_raw_len, 8);
	CHECK(back.name_raw && memcmp(back.name_raw, "scan.tif", 8) == 0);
	CHECK_STR(back.origin, "");
	CHECK_INT(back.origin_raw_len, 0);
	CHECK_STR(back.inbox_path, "scan.tif");
	CHECK_INT(back.inbox_path_len, 8);
	/* The hash is the hash of the copy in the spool too. */
	sha256sum_of(sohoa_spool_path(sp, SOHOA_STATE_INCOMING, env.spool_id, "original", path,
	    sizeof path), sum);
	CHECK_STR(back.hash, sum);
	sohoa_envelope_release(&back);
	sohoa_envelope_release(&env);
	sohoa_spool_free(sp);
}

/* A Latin-1 file name (from an old Windows share): the raw bytes are kept,
 * the text shows U+FFFD; a newline in a name survives the envelope. */
static void
test_envelope_non_utf8_name(void)
{
	static const char raw[] = "Quy\xeat \xf0\x91nh.tif";
	sohoa_spool *sp = open_spool();
	sohoa_envelope env, back;
	sohoa_error err;

	if (!sp)
		return;
	make_scan(raw, 1000, 3);
	make_scan("two\nlines.png", 1001, 4);
	CHECKM(pick(sp, raw, 1LL << 30, &env, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_spool_read_envelope(sp, SOHOA_STATE_INCOMING, env.spool_id, &back, &err) == SOHOA_OK,
	    err.msg);
	CHECK_INT(back.name_raw_len, strlen(raw));
	CHECK(back.name_raw && memcmp(back.name_raw, raw, strlen(raw)) == 0);
	CHECK_STR(back.name, "Quy\xEF\xBF\xBDt \xEF\xBF\xBD\xEF\xBF\xBDnh.tif");
	CHECK_STR(env.name, back.name);
	CHECK_INT(back.inbox_path_len, strlen(raw));
	CHECK(back.inbox_path && memcmp(back.inbox_path, raw, strlen(raw) + 1) == 0);
	sohoa_envelope_release(&back);
	sohoa_envelope_release(&env);

	CHECKM(pick(sp, "two\nlines.png", 1LL << 30, &env, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_spool_read_envelope(sp, SOHOA_STATE_INCOMING, env.spool_id, &back, &err) == SOHOA_OK,
	    err.msg);
	CHECK_STR(back.name, "two\nlines.png");
	CHECK_INT(back.size, 1001);
	sohoa_envelope_release(&back);
	sohoa_envelope_release(&env);
	sohoa_spool_free(sp);
}

/* "Quyết định.png" as macOS writes it (NFD): the text is NFC, the raw
 * bytes stay decomposed. */
static void
test_envelope_nfd_name(void)
{
	static const char nfd[] = "Quye\xCC\x82\xCC\x81t \xC4\x91i\xCC\xA3nh.png";
	sohoa_spool *sp = open_spool();
	sohoa_envelope env, back;
	sohoa_error err;

	if (!sp)
		return;
	CHECK(strcmp(nfd, "Quyết định.png") != 0);
	make_scan(nfd, 5000, 5);
	CHECKM(pick(sp, nfd, 1LL << 30, &env, &err) == SOHOA_OK, err.msg);
	CHECK_STR(env.name, "Quyết định.png");
	CHECKM(sohoa_spool_read_envelope(sp, SOHOA_STATE_INCOMING, env.spool_id, &back, &err) == SOHOA_OK,
	    err.msg);
	CHECK_STR(back.name, "Quyết định.png");
	CHECK_INT(back.name_raw_len, strlen(nfd));
	CHECK(back.name_raw && memcmp(back.name_raw, nfd, strlen(nfd)) == 0);
	sohoa_envelope_release(&back);
	sohoa_envelope_release(&env);
	sohoa_spool_free(sp);
}

/* A scan in a sub-folder (a "hồ sơ"): origin is the folder, NFC. */
static void
test_envelope_subfolder_origin(void)
{
	/* "Hồ sơ 2024" decomposed, then "Tờ trình" composed. */
	static const char rel[] = "Ho\xCC\x82\xCC\x80 so\xCC\x9B 2024/Tờ trình/trang 1.tif";
	static const char origin_raw[] = "Ho\xCC\x82\xCC\x80 so\xCC\x9B 2024/Tờ trình";
	sohoa_spool *sp = open_spool();
	sohoa_envelope env, back;
	sohoa_error err;

	if (!sp)
		return;
	make_scan(rel, 2048, 6);
	CHECKM(pick(sp, rel, 1LL << 30, &env, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_spool_read_envelope(sp, SOHOA_STATE_INCOMING, env.spool_id, &back, &err) == SOHOA_OK,
	    err.msg);
	CHECK_STR(back.name, "trang 1.tif");
	CHECK_STR(back.origin, "Hồ sơ 2024/Tờ trình");
	CHECK_INT(back.origin_raw_len, strlen(origin_raw));
	CHECK(back.origin_raw && memcmp(back.origin_raw, origin_raw, strlen(origin_raw)) == 0);
	CHECK_STR(back.inbox_path, rel);
	CHECK_INT(back.inbox_path_len, strlen(rel));
	sohoa_envelope_release(&back);
	sohoa_envelope_release(&env);
	sohoa_spool_free(sp);
}

static void
test_text_from_bytes(void)
{
	char *t;

	t = sohoa_text_from_bytes("a\0b", 3);
	CHECK_STR(t, "a\xEF\xBF\xBD" "b");
	free(t);
	t = sohoa_text_from_bytes("", 0);
	CHECK_STR(t, "");
	free(t);
	t = sohoa_text_from_bytes("\xC4\x91i\xCC\xA3nh", 7);
	CHECK_STR(t, "định");
	free(t);
	t = sohoa_text_from_bytes("\xE1\xBA", 2);   /* cut short */
	CHECK(t && strstr(t, "\xEF\xBF\xBD") == t);
	free(t);
}

static void
test_pickup_symlink_refused(void)
{
	sohoa_spool *sp = open_spool();
	sohoa_envelope env;
	sohoa_error err;
	struct stat st;
	char target[64];
	ssize_t n;

	if (!sp)
		return;
	make_scan("real.tif", 100, 7);
	CHECK(symlink("real.tif", "inbox/link.tif") == 0);
	CHECK_INT(pick(sp, "link.tif", 1LL << 30, &env, &err), SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_SYMLINK);
	CHECKM(strstr(err.msg, "link.tif") != NULL, err.msg);
	/* The link is untouched. */
	CHECK(lstat("inbox/link.tif", &st) == 0 && S_ISLNK(st.st_mode));
	n = readlink("inbox/link.tif", target, sizeof target - 1);
	CHECK_INT(n, 8);
	target[n > 0 ? n : 0] = '\0';
	CHECK_STR(target, "real.tif");
	CHECK_STR(fx_list_dir("state/spool/incoming"), "");
	CHECK_STR(fx_list_dir("state/spool/tmp"), "");
	sohoa_spool_free(sp);
}

static void
test_pickup_fifo_refused_without_blocking(void)
{
	sohoa_spool *sp = open_spool();
	sohoa_envelope env;
	sohoa_error err;
	sohoa_status st;

	if (!sp)
		return;
	mkdir("inbox", 0755);
	CHECK(mkfifo("inbox/pipe.tif", 0644) == 0);
	alarm(10);   /* a blocking open() would hang: the alarm kills the test */
	st = pick(sp, "pipe.tif", 1LL << 30, &env, &err);
	alarm(0);
	CHECK_INT(st, SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_NOT_REGULAR);
	CHECK_STR(fx_list_dir("state/spool/incoming"), "");
	CHECK_STR(fx_list_dir("state/spool/tmp"), "");
	sohoa_spool_free(sp);
}

/* A file still being written (size or mtime not as seen) is retried later
 * and leaves nothing in the spool. */
static void
test_pickup_changed_file_retried(void)
{
	sohoa_spool *sp = open_spool();
	sohoa_envelope env;
	sohoa_error err;
	struct stat seen;
	struct timespec times[2];

	if (!sp)
		return;
	make_scan("growing.tif", 1000, 8);
	CHECK(lstat("inbox/growing.tif", &seen) == 0);
	make_scan("growing.tif", 2000, 8);   /* grew after the scan saw it */
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_spool_pickup(sp, "inbox", "growing.tif", &seen, 1LL << 30, &env, &err),
	    SOHOA_RETRY);
	CHECKM(strstr(err.msg, "growing.tif") != NULL, err.msg);
	CHECK_STR(fx_list_dir("state/spool/incoming"), "");
	CHECK_STR(fx_list_dir("state/spool/tmp"), "");

	/* Same size, other mtime. */
	CHECK(lstat("inbox/growing.tif", &seen) == 0);
	times[0].tv_sec = times[1].tv_sec = seen.st_mtim.tv_sec - 100;
	times[0].tv_nsec = times[1].tv_nsec = 0;
	CHECK(utimensat(AT_FDCWD, "inbox/growing.tif", times, 0) == 0);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_spool_pickup(sp, "inbox", "growing.tif", &seen, 1LL << 30, &env, &err),
	    SOHOA_RETRY);
	CHECK_STR(fx_list_dir("state/spool/incoming"), "");
	CHECK_STR(fx_list_dir("state/spool/tmp"), "");
	sohoa_spool_free(sp);
}

static void
test_pickup_vanished_file_retried(void)
{
	sohoa_spool *sp = open_spool();
	sohoa_envelope env;
	sohoa_error err;
	struct stat seen;

	if (!sp)
		return;
	make_scan("gone.tif", 10, 9);
	CHECK(lstat("inbox/gone.tif", &seen) == 0);
	CHECK(unlink("inbox/gone.tif") == 0);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_spool_pickup(sp, "inbox", "gone.tif", &seen, 1LL << 30, &env, &err),
	    SOHOA_RETRY);
	CHECK_STR(fx_list_dir("state/spool/incoming"), "");
	sohoa_spool_free(sp);
}

static void
test_pickup_too_large(void)
{
	sohoa_spool *sp = open_spool();
	sohoa_envelope env;
	sohoa_error err;

	if (!sp)
		return;
	make_scan("big.tif", 4097, 10);
	CHECK_INT(pick(sp, "big.tif", 4096, &env, &err), SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_TOO_LARGE);
	CHECKM(strstr(err.msg, "4096") != NULL, err.msg);
	CHECK_STR(fx_list_dir("state/spool/incoming"), "");
	CHECK_STR(fx_list_dir("state/spool/tmp"), "");
	/* At the limit is fine. */
	CHECKM(pick(sp, "big.tif", 4097, &env, &err) == SOHOA_OK, err.msg);
	CHECK_INT(env.size, 4097);
	sohoa_envelope_release(&env);
	sohoa_spool_free(sp);
}

/* Invariant 3: a change of state moves the whole entry. */
static void
test_move_between_states(void)
{
	sohoa_spool *sp = open_spool();
	sohoa_envelope env, back;
	sohoa_error err;
	char id[SOHOA_SPOOL_ID_MAX], path[PATH_MAX];

	if (!sp)
		return;
	make_scan("m.tif", 3000, 11);
	CHECKM(pick(sp, "m.tif", 1LL << 30, &env, &err) == SOHOA_OK, err.msg);
	snprintf(id, sizeof id, "%s", env.spool_id);
	sohoa_envelope_release(&env);

	CHECKM(sohoa_spool_move(sp, id, SOHOA_STATE_INCOMING, SOHOA_STATE_ACTIVE, &err) == SOHOA_OK, err.msg);
	CHECK_STR(fx_list_dir("state/spool/incoming"), "");
	CHECK_STR(fx_list_dir("state/spool/active"), id);
	CHECKM(sohoa_spool_move(sp, id, SOHOA_STATE_ACTIVE, SOHOA_STATE_DEFERRED, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_spool_move(sp, id, SOHOA_STATE_DEFERRED, SOHOA_STATE_DONE, &err) == SOHOA_OK, err.msg);
	CHECK_STR(fx_list_dir("state/spool/active"), "");
	CHECK_STR(fx_list_dir("state/spool/deferred"), "");
	CHECK_STR(fx_list_dir("state/spool/done"), id);
	snprintf(path, sizeof path, "state/spool/done/%s", id);
	CHECK_STR(fx_list_dir(path), "envelope,original");
	CHECK(same_bytes(sohoa_spool_path(sp, SOHOA_STATE_DONE, id, "original", path, sizeof path),
	    "inbox/m.tif"));
	CHECKM(sohoa_spool_read_envelope(sp, SOHOA_STATE_DONE, id, &back, &err) == SOHOA_OK, err.msg);
	CHECK_STR(back.spool_id, id);
	sohoa_envelope_release(&back);

	/* A move of an entry that is not there fails and says which. */
	sohoa_error_clear(&err);
	CHECK(sohoa_spool_move(sp, id, SOHOA_STATE_INCOMING, SOHOA_STATE_ACTIVE, &err) != SOHOA_OK);
	CHECKM(strstr(err.msg, id) != NULL, err.msg);
	CHECK_STR(fx_list_dir("state/spool/done"), id);

	sohoa_error_clear(&err);
	CHECKM(sohoa_spool_remove(sp, SOHOA_STATE_DONE, id, &err) == SOHOA_OK, err.msg);
	CHECK_STR(fx_list_dir("state/spool/done"), "");
	sohoa_spool_free(sp);
}

static void
test_read_envelope_refuses_garbage(void)
{
	sohoa_spool *sp = open_spool();
	sohoa_envelope env;
	sohoa_error err;
	FILE *f;

	if (!sp)
		return;
	CHECK(mkdir("state/spool/incoming/bad", 0750) == 0);
	f = fopen("state/spool/incoming/bad/envelope", "w");
	CHECK(f != NULL);
	if (f) {
		fputs("hello\n", f);
		fclose(f);
	}
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_spool_read_envelope(sp, SOHOA_STATE_INCOMING, "bad", &env, &err), SOHOA_FATAL);
	CHECKM(strstr(err.msg, "bad/envelope") != NULL, err.msg);

	CHECK(mkdir("state/spool/incoming/short", 0750) == 0);
	f = fopen("state/spool/incoming/short/envelope", "w");
	CHECK(f != NULL);
	if (f) {
		fputs("sohoa-envelope 1\nspool_id=short\nhash=sha256:00\nsize=1\n", f);
		fclose(f);
	}
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_spool_read_envelope(sp, SOHOA_STATE_INCOMING, "short", &env, &err), SOHOA_FATAL);
	CHECKM(strstr(err.msg, "incomplete") != NULL, err.msg);
	CHECK(env.name == NULL && env.name_raw == NULL);
	sohoa_spool_free(sp);
}

/* Invariant 4: whatever is in tmp/ is removed, however deep. */
static void
test_clean_tmp_removes_leftovers(void)
{
	sohoa_spool *sp = open_spool();
	sohoa_error err;
	FILE *f;

	if (!sp)
		return;
	CHECK(mkdir("state/spool/tmp/20240101T000000.000000-aabbccdd", 0750) == 0);
	CHECK(mkdir("state/spool/tmp/20240101T000000.000000-aabbccdd/sub", 0750) == 0);
	f = fopen("state/spool/tmp/20240101T000000.000000-aabbccdd/original", "w");
	CHECK(f != NULL);
	if (f) {
		fputs("half a scan", f);
		fclose(f);
	}
	f = fopen("state/spool/tmp/20240101T000000.000000-aabbccdd/sub/x", "w");
	if (f)
		fclose(f);
	CHECK(mkdir("state/spool/tmp/second", 0750) == 0);
	make_scan("keep.tif", 10, 12);
	CHECK(symlink("../../../inbox", "state/spool/tmp/second/link") == 0);
	sohoa_error_clear(&err);
	CHECKM(sohoa_spool_clean_tmp(sp, &err) == SOHOA_OK, err.msg);
	CHECK_STR(fx_list_dir("state/spool/tmp"), "");
	CHECK_STR(fx_list_dir("inbox"), "keep.tif");
	sohoa_spool_free(sp);
}

/* The same on a spool whose tmp/ is already empty (every start-up after a
 * clean shutdown). */
static void
test_clean_tmp_when_empty(void)
{
	sohoa_spool *sp = open_spool();
	sohoa_error err;

	if (!sp)
		return;
	fflush(stdout);   /* keep the results so far if UBSan aborts below */
	sohoa_error_clear(&err);
	CHECKM(sohoa_spool_clean_tmp(sp, &err) == SOHOA_OK, err.msg);
	CHECK_STR(fx_list_dir("state/spool/tmp"), "");
	sohoa_spool_free(sp);
}

struct listing {
	char names[8][SOHOA_SPOOL_ID_MAX];
	int n;
	int stop_at;
};

static int
collect(const char *id, void *arg)
{
	struct listing *l = arg;

	if (l->n < 8)
		snprintf(l->names[l->n], sizeof l->names[0], "%s", id);
	l->n++;
	return l->stop_at && l->n == l->stop_at ? 42 : 0;
}

static void
test_each_in_name_order(void)
{
	static const char *const ids[] = {
		"20240301T000000.000000-00000001", "20240101T000000.000000-ffffffff",
		"20240201T120000.500000-0000abcd", "20240101T000000.000000-00000000",
	};
	sohoa_spool *sp = open_spool();
	struct listing l;
	char path[PATH_MAX];

	if (!sp)
		return;
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		snprintf(path, sizeof path, "state/spool/incoming/%s", ids[i]);
		CHECK(mkdir(path, 0750) == 0);
	}
	CHECK(mkdir("state/spool/incoming/.hidden", 0750) == 0);
	memset(&l, 0, sizeof l);
	CHECK_INT(sohoa_spool_each(sp, SOHOA_STATE_INCOMING, collect, &l), 0);
	CHECK_INT(l.n, 4);
	CHECK_STR(l.names[0], "20240101T000000.000000-00000000");
	CHECK_STR(l.names[1], "20240101T000000.000000-ffffffff");
	CHECK_STR(l.names[2], "20240201T120000.500000-0000abcd");
	CHECK_STR(l.names[3], "20240301T000000.000000-00000001");
	/* fn's non-zero stops the listing and is returned. */
	memset(&l, 0, sizeof l);
	l.stop_at = 2;
	CHECK_INT(sohoa_spool_each(sp, SOHOA_STATE_INCOMING, collect, &l), 42);
	CHECK_INT(l.n, 2);
	/* Unknown state: nothing. */
	memset(&l, 0, sizeof l);
	CHECK_INT(sohoa_spool_each(sp, SOHOA_STATE_COUNT, collect, &l), 0);
	CHECK_INT(l.n, 0);
	sohoa_spool_free(sp);
}

/* Ids sort by pickup time, so listing incoming/ is first come first served. */
static void
test_ids_sort_by_pickup_order(void)
{
	sohoa_spool *sp = open_spool();
	sohoa_envelope env;
	sohoa_error err;
	char first[SOHOA_SPOOL_ID_MAX];
	struct listing l;

	if (!sp)
		return;
	make_scan("1.tif", 10, 13);
	make_scan("2.tif", 11, 14);
	CHECKM(pick(sp, "1.tif", 1LL << 30, &env, &err) == SOHOA_OK, err.msg);
	snprintf(first, sizeof first, "%s", env.spool_id);
	sohoa_envelope_release(&env);
	usleep(2000);
	CHECKM(pick(sp, "2.tif", 1LL << 30, &env, &err) == SOHOA_OK, err.msg);
	CHECK(strcmp(first, env.spool_id) < 0);
	memset(&l, 0, sizeof l);
	sohoa_spool_each(sp, SOHOA_STATE_INCOMING, collect, &l);
	CHECK_INT(l.n, 2);
	CHECK_STR(l.names[0], first);
	CHECK_STR(l.names[1], env.spool_id);
	sohoa_envelope_release(&env);
	sohoa_spool_free(sp);
}

static void
test_lock_is_exclusive(void)
{
	sohoa_spool *a = open_spool(), *b = open_spool();
	sohoa_error err;

	if (!a || !b) {
		sohoa_spool_free(a);
		sohoa_spool_free(b);
		return;
	}
	sohoa_error_clear(&err);
	CHECKM(sohoa_spool_lock(a, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_spool_lock(a, &err) == SOHOA_OK, err.msg);   /* already ours */
	CHECK_INT(sohoa_spool_lock(b, &err), SOHOA_RETRY);
	CHECKM(strstr(err.msg, "state/spool") != NULL, err.msg);
	/* Released with its holder. */
	sohoa_spool_free(a);
	sohoa_error_clear(&err);
	CHECKM(sohoa_spool_lock(b, &err) == SOHOA_OK, err.msg);
	sohoa_spool_free(b);
}

int
main(void)
{
	TEST_RUN(test_open_creates_state_dirs);
	TEST_RUN(test_pickup_creates_one_complete_entry);
	TEST_RUN(test_envelope_round_trip);
	TEST_RUN(test_envelope_non_utf8_name);
	TEST_RUN(test_envelope_nfd_name);
	TEST_RUN(test_envelope_subfolder_origin);
	TEST_RUN(test_text_from_bytes);
	TEST_RUN(test_pickup_symlink_refused);
	TEST_RUN(test_pickup_fifo_refused_without_blocking);
	TEST_RUN(test_pickup_changed_file_retried);
	TEST_RUN(test_pickup_vanished_file_retried);
	TEST_RUN(test_pickup_too_large);
	TEST_RUN(test_move_between_states);
	TEST_RUN(test_read_envelope_refuses_garbage);
	TEST_RUN(test_clean_tmp_removes_leftovers);
	TEST_RUN(test_each_in_name_order);
	TEST_RUN(test_ids_sort_by_pickup_order);
	TEST_RUN(test_lock_is_exclusive);
	/* Last: under UBSan a failure here aborts the program. */
	TEST_RUN(test_clean_tmp_when_empty);
	return TEST_DONE();
}
