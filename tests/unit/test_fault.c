/*
 * test_fault.c - fault injection at every durable step (fault.h), after
 * SQLite's crash tests: a small set is ingested by the engine with the
 * fake OCR (engine_fake.h); a first run counts the steps (each write,
 * fsync, rename and catalog commit); then, for each step N, a fresh store
 * ingests the same set in a child process that fails (EIO) or is killed
 * (SIGKILL) at step N; a restarted engine, without faults, finishes the
 * work; and the store must hold every scan exactly once, the catalog agree
 * with the spool, the quarantine be published and every package be valid.
 *
 * FAULT_SWEEP=all (make fault-sweep) tries every step in both modes; by
 * default (make check) a sample: every FAULT_SAMPLE-th step (10), plus the
 * first and the last (FAULT_STEP=N: step N alone).  Built without -DSOHOA_FAULT it has nothing to test
 * and says so.
 */
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>

#include "test.h"
#include "catalog_fixture.h"
#include "engine_fake.h"
#include "sohoa/catalog.h"
#include "sohoa/fault.h"
#include "sohoa/package.h"
#include "sohoa/store.h"
#include "catalog_int.h"

/* The set: three scans, one bad scan, one byte-identical copy. */
#define SET_GOOD 3
#define SET_SIZE 5

static int
make_set(const sohoa_conf *conf)
{
	char path[PATH_MAX];
	int rc = 0;

	for (int i = 0; i < SET_GOOD; i++) {
		snprintf(path, sizeof path, "%s/scan-%d.png", conf->inbox, i);
		rc |= fake_scan(path, i);
	}
	snprintf(path, sizeof path, "%s/bad-1.png", conf->inbox);
	rc |= fake_scan(path, 10);
	snprintf(path, sizeof path, "%s/zz-copy.png", conf->inbox);
	rc |= fake_scan(path, 0);
	return rc;
}

/* One engine's life: start (reconcile), take what the inbox holds, run
 * until nothing is pending, stop. */
static int
run_once(const sohoa_conf *conf)
{
	sohoa_error err;
	sohoa_engine *e;

	sohoa_error_clear(&err);
	if (!(e = fake_engine(conf, &err)))
		return -1;
	fake_take_all(e, conf);
	fake_drain(e, 400);
	sohoa_engine_free(e, 1000);
	return 0;
}

/* Each done record's entry is in done/, and its package intact. */
static int
done_agree(const sohoa_conf *conf, sohoa_catalog *cat, const sohoa_package_schemas *sch,
    char *why, size_t wsize)
{
	sqlite3_stmt *st;
	int bad = 0;

	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT spool_id, package_path,"
	    " package_mets_hash FROM records WHERE state = 'done'", -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (!bad && sqlite3_step(st) == SQLITE_ROW) {
		char path[PATH_MAX];
		struct stat sb;
		sohoa_package_report rep;
		sohoa_error err;
		snprintf(path, sizeof path, "%s/spool/done/%s/original", conf->state_dir,
		    (const char *)sqlite3_column_text(st, 0));
		if (stat(path, &sb) != 0) {
			snprintf(why, wsize, "done record without its entry %s", path);
			bad = 1;
			break;
		}
		if (sqlite3_column_type(st, 1) == SQLITE_NULL
		    || sohoa_store_package_path(conf, (const char *)sqlite3_column_text(st, 1), path,
		    sizeof path) != 0) {
			snprintf(why, wsize, "done record %s not packaged",
			    (const char *)sqlite3_column_text(st, 0));
			bad = 1;
			break;
		}
		sohoa_error_clear(&err);
		sohoa_package_report_init(&rep);
		if (sohoa_package_check(path, sch, (const char *)sqlite3_column_text(st, 2), &rep,
		    &err) != SOHOA_OK) {
			snprintf(why, wsize, "package %s: %s", path, err.msg);
			bad = 1;
		}
		sohoa_package_report_release(&rep);
	}
	sqlite3_finalize(st);
	return bad ? -1 : 0;
}

/* The name of the record quarantined as a duplicate, into buf. */
static int
dup_name(sohoa_catalog *cat, char *buf, size_t size)
{
	sqlite3_stmt *st;
	int rc = -1;

	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT name FROM records WHERE"
	    " reason = 'duplicate'", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * What must hold after any fault and a restart.  Returns 0, or -1 with why.
 */
static int
store_whole(const sohoa_conf *conf, char *why, size_t wsize)
{
	sohoa_error err;
	sohoa_catalog *cat;
	sohoa_package_schemas *sch;
	char path[PATH_MAX];
	int rc = -1;
	long long n;
	char dup[256] = "";

	sohoa_error_clear(&err);
	snprintf(path, sizeof path, "%s/catalog.db", conf->state_dir);
	if (!(cat = sohoa_catalog_open(path, &err))) {
		snprintf(why, wsize, "catalog: %s", err.msg);
		return -1;
	}
	sch = sohoa_package_schemas_open(conf->schema_dir, NULL);
#define EXPECT(cond, ...) do { if (!(cond)) { snprintf(why, wsize, __VA_ARGS__); \
	goto out; } } while (0)
	/* Nothing lost, nothing doubled. */
	EXPECT((n = fx_count(cat, "SELECT count(*) FROM records")) == SET_SIZE,
	    "%lld records for %d scans", n, SET_SIZE);
	EXPECT((n = fx_count(cat, "SELECT count(*) FROM records WHERE state = 'done'")) == SET_GOOD,
	    "%lld records done, %d expected", n, SET_GOOD);
	EXPECT((n = fx_count(cat, "SELECT count(DISTINCT hash) FROM records WHERE state = 'done'"))
	    == SET_GOOD, "%lld distinct scans done", n);
	EXPECT((n = fx_count(cat, "SELECT count(*) FROM records WHERE state = 'quarantined'"
	    " AND quarantine_published = 1 AND reason = 'corrupt'")) == 1,
	    "%lld bad scans quarantined and published", n);
	EXPECT((n = fx_count(cat, "SELECT count(*) FROM records WHERE state = 'quarantined'"
	    " AND quarantine_published = 1 AND reason = 'duplicate'")) == 1,
	    "%lld duplicates quarantined and published", n);
	EXPECT((n = fx_count(cat, "SELECT count(*) FROM pages")) == SET_GOOD,
	    "%lld pages stored", n);
	/* Catalog and spool agree. */
	EXPECT(fake_entries(conf, "done") == SET_GOOD, "%d entries in done/", fake_entries(conf, "done"));
	EXPECT(fake_entries(conf, "incoming") == 0 && fake_entries(conf, "active") == 0
	    && fake_entries(conf, "deferred") == 0 && fake_entries(conf, "quarantine") == 0
	    && fake_entries(conf, "tmp") == 0, "entries left in the spool: incoming %d, active %d,"
	    " deferred %d, quarantine %d, tmp %d", fake_entries(conf, "incoming"),
	    fake_entries(conf, "active"), fake_entries(conf, "deferred"), fake_entries(conf, "quarantine"),
	    fake_entries(conf, "tmp"));
	{
		char agree[400] = "";
		EXPECT(done_agree(conf, cat, sch, agree, sizeof agree) == 0, "%s", agree);
	}
	/* The quarantine folder holds the two, with their reasons. */
	{
		struct stat sb;
		snprintf(path, sizeof path, "%s/bad-1.png.ly-do.txt", conf->quarantine);
		EXPECT(stat(path, &sb) == 0, "no reason file for bad-1.png");
		/* Which of the two identical scans is the duplicate depends on
		 * which was taken first (a failed pickup leaves one for later). */
		EXPECT(dup_name(cat, dup, sizeof dup) == 0 && (!strcmp(dup, "zz-copy.png")
		    || !strcmp(dup, "scan-0.png")), "the duplicate is \"%s\"", dup);
		snprintf(path, sizeof path, "%s/trung-lap/%s", conf->quarantine, dup);
		EXPECT(stat(path, &sb) == 0, "no %s in the duplicates' folder", dup);
	}
	/* The inbox is empty. */
	{
		DIR *d = opendir(conf->inbox);
		struct dirent *de;
		int left = 0;
		while (d && (de = readdir(d)) != NULL)
			left += de->d_name[0] != '.';
		if (d)
			closedir(d);
		EXPECT(left == 0, "%d files left in the inbox", left);
	}
	rc = 0;
out:
#undef EXPECT
	sohoa_package_schemas_free(sch);
	sohoa_catalog_free(cat);
	return rc;
}

/* Deferred records due now, as if their back-off had passed. */
static int
backoff_over(const sohoa_conf *conf)
{
	char path[PATH_MAX];
	sohoa_catalog *cat;
	int rc;

	snprintf(path, sizeof path, "%s/catalog.db", conf->state_dir);
	if (access(path, F_OK) != 0)
		return 0;
	if (!(cat = sohoa_catalog_open(path, NULL)))
		return -1;
	rc = sqlite3_exec(sohoa_catalog_db(cat), "UPDATE records SET next_attempt_at = 0"
	    " WHERE state = 'deferred'", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	sohoa_catalog_free(cat);
	return rc;
}

/* A fresh store in dir with the set in its inbox. */
static int
fresh(sohoa_conf *conf, const char *dir)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0 || mkdir(dir, 0750) != 0)
		return -1;
	if (fake_conf(conf, dir) != 0)
		return -1;
	if (make_set(conf) != 0) {
		sohoa_conf_release(conf);
		return -1;
	}
	return 0;
}

/* Step n in mode: the faulty run in a child, then restarts.  Returns 0 if
 * the store came out whole. */
static int
try_step(enum sohoa_fault_mode mode, long n, const char *kind)
{
	sohoa_conf conf;
	char dir[PATH_MAX], why[512] = "";
	int status = 0, rc;
	pid_t pid;

	snprintf(dir, sizeof dir, "%s/s", test_tmp_root);
	if (fresh(&conf, dir) != 0)
		return -1;
	fflush(NULL);
	if ((pid = fork()) == 0) {
		sohoa_fault_arm(mode, n);
		run_once(&conf);
		/* Step n was reached (else the sweep would test nothing). */
		_exit(sohoa_fault_steps() >= n ? 0 : 9);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		sohoa_conf_release(&conf);
		return -1;
	}
	if (mode == SOHOA_FAULT_KILL ? !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
	    : !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		fprintf(stderr, "  step %ld: the faulty run did not reach it (status %d)\n", n,
		    status);
		sohoa_conf_release(&conf);
		return -1;
	}
	/* The restart, after any back-off: a failed step may have cost a
	 * record an attempt (deferred), and time is what it waits for. */
	sohoa_fault_arm(SOHOA_FAULT_COUNT, 0);
	rc = backoff_over(&conf);
	if (rc == 0)
		rc = run_once(&conf);
	if (rc == 0)
		rc = run_once(&conf);
	if (rc == 0)
		rc = store_whole(&conf, why, sizeof why);
	if (rc != 0)
		fprintf(stderr, "  %s at step %ld (%s): %s\n", mode == SOHOA_FAULT_KILL ? "killed"
		    : "failed", n, kind ? kind : "?", why[0] ? why : "the engine did not start");
	sohoa_conf_release(&conf);
	return rc;
}

static void
test_sweep(void)
{
	sohoa_conf conf;
	char dir[PATH_MAX], why[512] = "", kinds[64] = "";
	long steps, per_kind[4] = { 0 }, tried = 0, sample, only;
	static const char *const kind_names[4] = { "write", "fsync", "rename", "commit" };
	const char *sweep = getenv("FAULT_SWEEP"), *kind_of[4097];
	const char *samp = getenv("FAULT_SAMPLE");
	int failed = 0;
	time_t t0 = time(NULL);

	/* What one record costs: an engine's life with an empty inbox, then
	 * with one scan (done, indexed, packaged). */
	{
		long empty, one;
		char path[PATH_MAX];
		snprintf(dir, sizeof dir, "%s/one", test_tmp_root);
		if (fresh(&conf, dir) != 0) {
			CHECK(0);
			return;
		}
		for (int i = 1; i < 3; i++) {
			snprintf(path, sizeof path, "%s/scan-%d.png", conf.inbox, i);
			unlink(path);
		}
		snprintf(path, sizeof path, "%s/bad-1.png", conf.inbox);
		unlink(path);
		snprintf(path, sizeof path, "%s/zz-copy.png", conf.inbox);
		unlink(path);
		snprintf(path, sizeof path, "%s/scan-0.png", conf.inbox);
		rename(path, "scan-0.png");
		sohoa_fault_arm(SOHOA_FAULT_COUNT, 0);
		CHECK(run_once(&conf) == 0);
		sohoa_fault_arm(SOHOA_FAULT_COUNT, 0);
		CHECK(run_once(&conf) == 0);
		empty = sohoa_fault_steps();
		CHECK(rename("scan-0.png", path) == 0);
		sohoa_fault_arm(SOHOA_FAULT_COUNT, 0);
		CHECK(run_once(&conf) == 0);
		one = sohoa_fault_steps();
		printf("     one record (taken, OCRed, described, indexed, packaged): %ld durable"
		    " steps; an engine's start and stop alone: %ld\n", one - empty, empty);
		CHECK(one > empty);
		sohoa_conf_release(&conf);
	}
	/* The counting run, which must itself leave the store whole. */
	snprintf(dir, sizeof dir, "%s/count", test_tmp_root);
	if (fresh(&conf, dir) != 0) {
		CHECK(0);
		return;
	}
	sohoa_fault_arm(SOHOA_FAULT_COUNT, 0);
	CHECK(run_once(&conf) == 0);
	steps = sohoa_fault_steps();
	for (long i = 1; i <= steps; i++) {
		kind_of[i <= 4096 ? i : 4096] = sohoa_fault_step_kind(i);
		for (int k = 0; k < 4; k++)
			if (sohoa_fault_step_kind(i) && !strcmp(sohoa_fault_step_kind(i), kind_names[k]))
				per_kind[k]++;
	}
	CHECKM(store_whole(&conf, why, sizeof why) == 0, why);
	sohoa_conf_release(&conf);
	snprintf(kinds, sizeof kinds, "%ld writes, %ld fsyncs, %ld renames, %ld commits",
	    per_kind[0], per_kind[1], per_kind[2], per_kind[3]);
	printf("     %ld durable steps for %d scans (%s): %.1f per scan\n", steps, SET_SIZE, kinds,
	    (double)steps / SET_SIZE);
	CHECK(steps > 20);
	CHECK(per_kind[0] + per_kind[1] + per_kind[2] + per_kind[3] == steps);
	sample = sweep && !strcmp(sweep, "all") ? 1 : samp ? atol(samp) : 10;
	only = getenv("FAULT_STEP") ? atol(getenv("FAULT_STEP")) : 0;
	if (sample < 1)
		sample = 1;
	for (int m = 0; m < 2; m++) {
		enum sohoa_fault_mode mode = m ? SOHOA_FAULT_KILL : SOHOA_FAULT_FAIL;
		long ok = 0, n_tried = 0;
		for (long n = 1; n <= steps; n++) {
			if (only ? n != only : n != 1 && n != steps && n % sample != 0)
				continue;
			n_tried++;
			if (try_step(mode, n, n <= 4096 ? kind_of[n] : NULL) == 0)
				ok++;
			else
				failed++;
		}
		tried += n_tried;
		printf("     %s at %ld of %ld steps: %ld whole after restart\n",
		    m ? "killed" : "failed", n_tried, steps, ok);
		CHECK_INT(ok, n_tried);
	}
	printf("     %ld faulty runs in %ld s\n", tried, (long)(time(NULL) - t0));
	CHECK_INT(failed, 0);
}

int
main(void)
{
	if (fake_find_schemas() != 0)
		return 2;
	if (!sohoa_fault_available()) {
		printf("test_fault: built without -DSOHOA_FAULT (make check's build/san has it):"
		    " nothing to test\n");
		return TEST_DONE();
	}
	TEST_RUN(test_sweep);
	return TEST_DONE();
}
