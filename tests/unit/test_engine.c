/*
 * test_engine.c - the engine's state machine (engine.c, engine_reconcile.c,
 * engine_quarantine.c) driven with a fake OCR (engine_fake.h) on a real
 * spool, a real catalog and real packages checked against the schemas:
 * the normal path, bad input, a failed attempt, a duplicate, spool.h's
 * invariants 4 and 5 at start-up (what a crash leaves in tmp/ and active/),
 * an entry never recorded, and the state vocabulary (spool.h).
 */
#include <dirent.h>
#include <sys/wait.h>

#include "test.h"
#include "catalog_fixture.h"
#include "engine_fake.h"
#include "sohoa/catalog.h"
#include "sohoa/package.h"
#include "sohoa/spool.h"
#include "sohoa/store.h"
#include "catalog_int.h"

/* Every packaged record's package is intact against its METS hash. */
static int
packages_valid(const sohoa_conf *conf, sohoa_catalog *cat)
{
	sohoa_package_schemas *sch = sohoa_package_schemas_open(conf->schema_dir, NULL);
	sqlite3_stmt *st;
	int bad = 0, n = 0;

	if (!sch)
		return -1;
	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT package_path, package_mets_hash"
	    " FROM records WHERE packaged_at IS NOT NULL", -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			char dir[PATH_MAX];
			sohoa_package_report rep;
			sohoa_error err;
			sohoa_error_clear(&err);
			sohoa_package_report_init(&rep);
			n++;
			if (sohoa_store_package_path(conf, (const char *)sqlite3_column_text(st, 0), dir,
			    sizeof dir) != 0 || sohoa_package_check(dir, sch,
			    (const char *)sqlite3_column_text(st, 1), &rep, &err) != SOHOA_OK) {
				fprintf(stderr, "  package %s: %s\n", dir, err.msg);
				bad++;
			}
			sohoa_package_report_release(&rep);
		}
		sqlite3_finalize(st);
	}
	sohoa_package_schemas_free(sch);
	return bad ? -1 : n;
}

static sohoa_engine *
open_engine(const sohoa_conf *conf)
{
	sohoa_error err;
	sohoa_engine *e;

	sohoa_error_clear(&err);
	e = fake_engine(conf, &err);
	CHECKM(e != NULL, err.msg);
	return e;
}

static void
test_pipeline(void)
{
	sohoa_conf conf;
	sohoa_engine *e;
	sohoa_catalog *cat;
	char path[PATH_MAX];
	struct stat st;

	if (fake_conf(&conf, test_tmp_root) != 0) {
		CHECK(0);
		return;
	}
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/scan-%d.png", conf.inbox, i);
		CHECK(fake_scan(path, i) == 0);
	}
	snprintf(path, sizeof path, "%s/bad-1.png", conf.inbox);
	CHECK(fake_scan(path, 10) == 0);
	snprintf(path, sizeof path, "%s/retry-1.png", conf.inbox);
	CHECK(fake_scan(path, 11) == 0);
	/* Byte for byte scan-0.png under another name. */
	snprintf(path, sizeof path, "%s/zz-copy.png", conf.inbox);
	CHECK(fake_scan(path, 0) == 0);
	if (!(e = open_engine(&conf))) {
		sohoa_conf_release(&conf);
		return;
	}
	cat = sohoa_engine_catalog(e);
	CHECK_INT(fake_take_all(e, &conf), 6);
	fake_drain(e, 200);
	CHECK_INT(sohoa_engine_pending(e), 0);
	/* Three done, with their fields read, indexed and packaged. */
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM records WHERE state = 'done'"), 3);
	CHECK_INT(fake_entries(&conf, "done"), 3);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM records WHERE state = 'done'"
	    " AND packaged_at IS NOT NULL"), 3);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM pages WHERE text LIKE '%Bản quét%'"), 3);
	CHECK_INT(packages_valid(&conf, cat), 3);
	/* Bad input and the duplicate quarantined and published, with their
	 * reasons; nothing of them left in the spool. */
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM records WHERE state = 'quarantined'"
	    " AND quarantine_published = 1"), 2);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM records WHERE state = 'quarantined'"
	    " AND reason = 'corrupt'"), 1);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM records WHERE state = 'quarantined'"
	    " AND reason = 'duplicate' AND duplicate_of IS NOT NULL"), 1);
	CHECK_INT(fake_entries(&conf, "quarantine"), 0);
	snprintf(path, sizeof path, "%s/bad-1.png", conf.quarantine);
	CHECK(stat(path, &st) == 0);
	snprintf(path, sizeof path, "%s/bad-1.png.ly-do.txt", conf.quarantine);
	CHECK(stat(path, &st) == 0);
	snprintf(path, sizeof path, "%s/trung-lap/zz-copy.png", conf.quarantine);
	CHECK(stat(path, &st) == 0);
	/* The failed attempt waits in deferred/ for its back-off. */
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM records WHERE state = 'deferred'"
	    " AND attempts = 1 AND next_attempt_at > strftime('%s', 'now')"), 1);
	CHECK_INT(fake_entries(&conf, "deferred"), 1);
	CHECK(sohoa_engine_next_due(e, time(NULL)) > 0);
	/* The inbox is empty: every original left it after its copy. */
	CHECK_INT(fake_entries(&conf, "../../inbox"), 0);
	CHECK_INT(fake_entries(&conf, "incoming") + fake_entries(&conf, "active"), 0);
	sohoa_engine_free(e, 1000);
	sohoa_conf_release(&conf);
}

/*
 * spool.h invariant 5 (and 4): a process that dies with a job in active/
 * (the fake never answers "hang") and a half-built entry in tmp/; the next
 * engine puts the job back to incoming/ with its record, cleans tmp/, and
 * the job then finishes once, with nothing doubled.
 */
static void
test_reconcile_active(void)
{
	sohoa_conf conf;
	sohoa_engine *e;
	sohoa_catalog *cat;
	char path[PATH_MAX];
	int status = -1;
	pid_t pid;

	if (fake_conf(&conf, test_tmp_root) != 0) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof path, "%s/hang-1.png", conf.inbox);
	CHECK(fake_scan(path, 1) == 0);
	snprintf(path, sizeof path, "%s/scan-2.png", conf.inbox);
	CHECK(fake_scan(path, 2) == 0);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		/* The process that dies: never frees its engine. */
		sohoa_engine *ce = fake_engine(&conf, NULL);
		if (!ce || fake_take_all(ce, &conf) != 2)
			_exit(3);
		fake_drain(ce, 20);
		if (sohoa_engine_running(ce) != 1)
			_exit(4);
		snprintf(path, sizeof path, "%s/spool/tmp/half", conf.state_dir);
		if (sohoa_fs_mkdirs(path, 0750, NULL) != SOHOA_OK)
			_exit(5);
		_exit(0);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_INT(fake_entries(&conf, "active"), 1);
	CHECK_INT(fake_entries(&conf, "done"), 1);
	CHECK_INT(fake_entries(&conf, "tmp"), 1);
	if (!(e = open_engine(&conf))) {
		sohoa_conf_release(&conf);
		return;
	}
	cat = sohoa_engine_catalog(e);
	CHECK_INT(fake_entries(&conf, "tmp"), 0);
	CHECK_INT(fake_entries(&conf, "active"), 0);
	CHECK_INT(fake_entries(&conf, "incoming"), 1);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM records WHERE state = 'incoming'"), 1);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM records WHERE state = 'done'"), 1);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM records"), 2);
	/* Given to a worker again, once (the fake still never answers it). */
	fake_drain(e, 5);
	CHECK_INT(sohoa_engine_running(e), 1);
	CHECK_INT(fake_entries(&conf, "active"), 1);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM records WHERE state = 'active'"), 1);
	sohoa_engine_free(e, 1000);
	sohoa_conf_release(&conf);
}

/* An entry moved to quarantine/ whose record never said so (the catalog's
 * commit did not come: a crash, a full disk): its reason is lost, so it is
 * OCRed again, not left unpublished for ever. */
static void
test_reconcile_quarantine_lag(void)
{
	sohoa_conf conf;
	sohoa_engine *e;
	sohoa_catalog *cat;
	char path[PATH_MAX], from[PATH_MAX], to[PATH_MAX];
	struct dirent **ids;
	int status = -1, n;
	pid_t pid;

	if (fake_conf(&conf, test_tmp_root) != 0) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof path, "%s/hang-3.png", conf.inbox);
	CHECK(fake_scan(path, 3) == 0);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		sohoa_engine *ce = fake_engine(&conf, NULL);
		if (!ce || fake_take_all(ce, &conf) != 1)
			_exit(3);
		fake_drain(ce, 5);
		_exit(sohoa_engine_running(ce) == 1 ? 0 : 4);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The move to quarantine/ made, the record still "active". */
	snprintf(path, sizeof path, "%s/spool/active", conf.state_dir);
	n = scandir(path, &ids, NULL, alphasort);
	CHECK_INT(n, 3);        /* ., .. and the entry */
	for (int i = 0; i < n; i++) {
		if (ids[i]->d_name[0] != '.') {
			snprintf(from, sizeof from, "%s/%s", path, ids[i]->d_name);
			snprintf(to, sizeof to, "%s/spool/quarantine/%s", conf.state_dir,
			    ids[i]->d_name);
			CHECK(rename(from, to) == 0);
		}
		free(ids[i]);
	}
	if (n >= 0)
		free(ids);
	if (!(e = open_engine(&conf))) {
		sohoa_conf_release(&conf);
		return;
	}
	cat = sohoa_engine_catalog(e);
	CHECK_INT(fake_entries(&conf, "quarantine"), 0);
	CHECK_INT(fake_entries(&conf, "incoming"), 1);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM records WHERE state = 'incoming'"), 1);
	fake_drain(e, 5);
	CHECK_INT(sohoa_engine_running(e), 1);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM records"), 1);
	sohoa_engine_free(e, 1000);
	sohoa_conf_release(&conf);
}

/* A worker that says OK but leaves results that cannot be read: a failed
 * attempt (deferred with its back-off), not a job left in active/. */
static void
test_unusable_results(void)
{
	sohoa_conf conf;
	sohoa_engine *e;
	sohoa_catalog *cat;
	char path[PATH_MAX];

	if (fake_conf(&conf, test_tmp_root) != 0) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof path, "%s/garbled-1.png", conf.inbox);
	CHECK(fake_scan(path, 4) == 0);
	if (!(e = open_engine(&conf))) {
		sohoa_conf_release(&conf);
		return;
	}
	cat = sohoa_engine_catalog(e);
	CHECK_INT(fake_take_all(e, &conf), 1);
	fake_drain(e, 50);
	CHECK_INT(sohoa_engine_pending(e), 0);
	CHECK_INT(fake_entries(&conf, "active"), 0);
	CHECK_INT(fake_entries(&conf, "deferred"), 1);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM records WHERE state = 'deferred'"
	    " AND attempts = 1 AND last_error LIKE 'OCR results unusable: %'"), 1);
	sohoa_engine_free(e, 1000);
	sohoa_conf_release(&conf);
}

/* Complete in incoming/ but never recorded (a crash between pickup and
 * the catalog's commit): adopted at start-up, once, and its original,
 * still in the inbox, removed. */
static void
test_reconcile_adopts_unrecorded(void)
{
	sohoa_conf conf;
	sohoa_engine *e;
	sohoa_catalog *cat;
	sohoa_spool *sp;
	sohoa_envelope env;
	sohoa_error err;
	char path[PATH_MAX];
	struct stat st;

	if (fake_conf(&conf, test_tmp_root) != 0) {
		CHECK(0);
		return;
	}
	snprintf(path, sizeof path, "%s/scan-7.png", conf.inbox);
	CHECK(fake_scan(path, 7) == 0);
	CHECK(lstat(path, &st) == 0);
	sohoa_error_clear(&err);
	CHECKM(sohoa_fs_mkdirs(conf.state_dir, 0750, &err) == SOHOA_OK, err.msg);
	sp = sohoa_spool_open(conf.state_dir, &err);
	CHECKM(sp != NULL, err.msg);
	CHECKM(sp && sohoa_spool_pickup(sp, conf.inbox, "scan-7.png", &st, 1 << 20, &env, &err)
	    == SOHOA_OK, err.msg);
	if (sp)
		sohoa_envelope_release(&env);
	sohoa_spool_free(sp);
	CHECK(lstat(path, &st) == 0);
	if (!(e = open_engine(&conf))) {
		sohoa_conf_release(&conf);
		return;
	}
	cat = sohoa_engine_catalog(e);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM records"), 1);
	CHECK(lstat(path, &st) != 0 && errno == ENOENT);
	fake_drain(e, 100);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM records WHERE state = 'done'"
	    " AND packaged_at IS NOT NULL"), 1);
	CHECK_INT(fake_entries(&conf, "done"), 1);
	sohoa_engine_free(e, 1000);
	/* A second start finds nothing to do. */
	if ((e = open_engine(&conf)) != NULL) {
		cat = sohoa_engine_catalog(e);
		CHECK_INT(fx_count(cat, "SELECT count(*) FROM records"), 1);
		CHECK_INT(sohoa_engine_pending(e), 0);
		sohoa_engine_free(e, 1000);
	}
	sohoa_conf_release(&conf);
}

/* spool.h's one vocabulary: each state's folder and catalog word, both
 * ways; the folders are the spool's. */
static void
test_state_vocabulary(void)
{
	sohoa_spool *sp = sohoa_spool_open(test_tmp_root, NULL);
	struct stat st;

	CHECK(sp != NULL);
	for (int s = 0; s < SOHOA_STATE_COUNT; s++) {
		CHECK(sohoa_state_dir(s) != NULL);
		CHECK_INT(sohoa_state_from_dir(sohoa_state_dir(s)), s);
		if (s != SOHOA_STATE_TMP) {
			CHECK_INT(sohoa_state_from_name(sohoa_state_name(s)), s);
			CHECK(sohoa_state_label(s) != NULL && *sohoa_state_label(s));
		}
		CHECK(sp && stat(sohoa_spool_dir(sp, s), &st) == 0
		    && S_ISDIR(st.st_mode));
	}
	CHECK_STR(sohoa_state_name(SOHOA_STATE_QUARANTINED), "quarantined");
	CHECK_STR(sohoa_state_label(SOHOA_STATE_QUARANTINED), "cách ly");
	CHECK(sohoa_state_label(SOHOA_STATE_TMP) == NULL);
	CHECK(sohoa_state_name(SOHOA_STATE_COUNT) == NULL && sohoa_state_dir(SOHOA_STATE_COUNT) == NULL);
	CHECK_STR(sohoa_state_dir(SOHOA_STATE_QUARANTINED), "quarantine");
	CHECK_STR(sohoa_state_name(SOHOA_STATE_ACTIVE), "active");
	CHECK(sohoa_state_name(SOHOA_STATE_TMP) == NULL);
	CHECK(sohoa_state_name(SOHOA_STATE_COUNT) == NULL);
	CHECK(sohoa_state_dir((sohoa_state)-1) == NULL);
	CHECK_INT(sohoa_state_from_name("quarantine"), -1);
	CHECK_INT(sohoa_state_from_dir("quarantined"), -1);
	CHECK_INT(sohoa_state_from_name(NULL), -1);
	sohoa_spool_free(sp);
}

/*
 * Spreading (ocr.h): the engine lets only the last job of its queue borrow
 * idle workers (submit_spread, spare workers: all), gives every other job
 * one worker (submit), asks for borrowed workers back while jobs wait
 * (reclaim), and the ocr event of a job read by two says so.  The fake's
 * runner with the two optional functions, counting.
 */
static int spread_plain, spread_wide, spread_reclaims, spread_last_spare;
static int spread_on[FAKE_WORKERS];

static sohoa_status
spread_submit(void *r, int w, const char *dir, const char *tag, sohoa_error *err)
{
	spread_plain++;
	spread_on[w] = 0;
	return fake_submit(r, w, dir, tag, err);
}

static sohoa_status
spread_submit_wide(void *r, int w, const char *dir, const char *tag, int spare,
    sohoa_error *err)
{
	spread_wide++;
	spread_last_spare = spare;
	spread_on[w] = 1;
	return fake_submit(r, w, dir, tag, err);
}

static int
spread_read(void *r, int w, sohoa_job_result *res)
{
	int ended = fake_read(r, w, res);
	if (ended && spread_on[w])
		res->readers = 2;
	return ended;
}

static void spread_reclaim(void *r) { (void)r; spread_reclaims++; }

static void
test_spread_policy(void)
{
	sohoa_ocr_runner runner = fake_runner;
	sohoa_engine_options o = { .agent = "test", .log = fake_log, .ocr = &runner };
	sohoa_conf conf;
	sohoa_engine *e;
	sohoa_error err;
	char path[PATH_MAX];

	runner.submit = spread_submit;
	runner.submit_spread = spread_submit_wide;
	runner.read = spread_read;
	runner.reclaim = spread_reclaim;
	if (fake_conf(&conf, test_tmp_root) != 0) {
		CHECK(0);
		return;
	}
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/scan-%d.png", conf.inbox, i);
		CHECK(fake_scan(path, 20 + i) == 0);
	}
	sohoa_error_clear(&err);
	e = sohoa_engine_open(&conf, &o, &err);
	CHECKM(e != NULL, err.msg);
	if (!e) {
		sohoa_conf_release(&conf);
		return;
	}
	/* Three jobs, two workers: the first two go one worker each (a job
	 * waits behind them, and the engine asks for workers back), the last
	 * may spread. */
	CHECK_INT(fake_take_all(e, &conf), 3);
	fake_drain(e, 200);
	CHECK_INT(sohoa_engine_pending(e), 0);
	CHECK_INT(spread_plain, 2);
	CHECK_INT(spread_wide, 1);
	CHECK(spread_last_spare > FAKE_WORKERS);
	CHECK(spread_reclaims >= 1);
	CHECK_INT(fx_count(sohoa_engine_catalog(e), "SELECT count(*) FROM records WHERE state = 'done'"), 3);
	CHECK_INT(fx_count(sohoa_engine_catalog(e), "SELECT count(*) FROM events WHERE type = 'ocr'"
	    " AND detail LIKE '%, read by 2 OCR workers at once'"), 1);
	CHECK_INT(fx_count(sohoa_engine_catalog(e), "SELECT count(*) FROM events WHERE type = 'ocr'"
	    " AND detail NOT LIKE '%at once%'"), 2);
	sohoa_engine_free(e, 1000);
	sohoa_conf_release(&conf);
}

/*
 * Latency (issue 18): a worker whose job ended gets the next job before the
 * ended one is recorded (fields, index, package: tens of ms the worker
 * would otherwise wait), and a caller taking files one by one starts OCR
 * with the first (sohoa_engine_dispatch with more_coming: none of them
 * spreads), the last one taken still spreading at the next step.  A job
 * that ends while files are still being taken is read by that dispatch,
 * without waiting, and its worker gets the next job at once, not after the
 * last file.  The fake's runner (whose jobs end as soon as they are
 * given), noting at each submit how many records were done and how many
 * jobs had ended.
 */
static sohoa_engine *order_engine;
static int order_ended, order_submits, order_wide;
static int order_done_at[8], order_ended_at[8];

static void
order_note(void)
{
	if (order_submits < 8) {
		order_done_at[order_submits] = fx_count(sohoa_engine_catalog(order_engine),
		    "SELECT count(*) FROM records WHERE state = 'done'");
		order_ended_at[order_submits] = order_ended;
	}
	order_submits++;
}

static sohoa_status
order_submit(void *r, int w, const char *dir, const char *tag, sohoa_error *err)
{
	order_note();
	return fake_submit(r, w, dir, tag, err);
}

static sohoa_status
order_submit_wide(void *r, int w, const char *dir, const char *tag, int spare,
    sohoa_error *err)
{
	order_wide++;
	order_note();
	return fake_submit(r, w, dir, tag, err);
}

static int
order_read(void *r, int w, sohoa_job_result *res)
{
	int ended = fake_read(r, w, res);
	order_ended += ended;
	return ended;
}

static void
test_dispatch_order(void)
{
	sohoa_ocr_runner runner = fake_runner;
	sohoa_engine_options o = { .agent = "test", .log = fake_log, .ocr = &runner };
	sohoa_conf conf;
	sohoa_error err;
	char path[PATH_MAX];
	struct stat st;
	sohoa_take_result res;

	runner.submit = order_submit;
	runner.submit_spread = order_submit_wide;
	runner.read = order_read;
	if (fake_conf(&conf, test_tmp_root) != 0) {
		CHECK(0);
		return;
	}
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/scan-%d.png", conf.inbox, i);
		CHECK(fake_scan(path, 30 + i) == 0);
	}
	sohoa_error_clear(&err);
	order_engine = sohoa_engine_open(&conf, &o, &err);
	CHECKM(order_engine != NULL, err.msg);
	if (!order_engine) {
		sohoa_conf_release(&conf);
		return;
	}
	/* Taken as the daemon takes an inbox: dispatch before each file. */
	for (int i = 0; i < 3; i++) {
		char name[32];
		snprintf(name, sizeof name, "scan-%d.png", i);
		snprintf(path, sizeof path, "%s/%s", conf.inbox, name);
		sohoa_engine_dispatch(order_engine, true);
		sohoa_error_clear(&err);
		CHECK(lstat(path, &st) == 0);
		CHECK_INT(sohoa_engine_take(order_engine, conf.inbox, name, &st, 1, &res, &err),
		    SOHOA_OK);
		/* The first job is out while the second file is taken. */
		if (i == 1)
			CHECK_INT(order_submits, 1);
	}
	CHECK_INT(order_submits, 2);
	CHECK_INT(order_wide, 0);       /* both while more files were coming */
	/* The second job went out while the files were being taken, once the
	 * first had ended (read by the dispatch before the third file), and
	 * before that one was recorded done. */
	CHECK_INT(order_ended_at[1], 1);
	CHECK_INT(order_done_at[1], 0);
	fake_drain(order_engine, 200);
	CHECK_INT(sohoa_engine_pending(order_engine), 0);
	CHECK_INT(order_submits, 3);
	CHECK_INT(order_wide, 1);       /* the last job, given as the queue's last */
	/* The third job went out with the first recorded done (the dispatch
	 * recorded it after giving out the second). */
	CHECK(order_ended_at[2] >= 1);
	CHECK_INT(order_done_at[2], 1);
	CHECK_INT(fx_count(sohoa_engine_catalog(order_engine),
	    "SELECT count(*) FROM records WHERE state = 'done'"), 3);
	sohoa_engine_free(order_engine, 1000);
	order_engine = NULL;
	sohoa_conf_release(&conf);
}

int
main(void)
{
	if (fake_find_schemas() != 0)
		return 2;
	TEST_RUN(test_state_vocabulary);
	TEST_RUN(test_pipeline);
	TEST_RUN(test_reconcile_active);
	TEST_RUN(test_reconcile_adopts_unrecorded);
	TEST_RUN(test_reconcile_quarantine_lag);
	TEST_RUN(test_unusable_results);
	TEST_RUN(test_spread_policy);
	TEST_RUN(test_dispatch_order);
	return TEST_DONE();
}
