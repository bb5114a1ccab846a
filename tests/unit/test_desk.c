/*
 * test_desk.c - the catalog side of the văn thư's desk (desk.h) on a real
 * catalog and real folders: the export request queue (invariants 1 and 2),
 * quarantined files listed, read and deleted without following a link
 * (invariant 3), probable duplicates kept or dropped (invariant 4), and
 * the export's clock and open-month rule (export.h); the desk request
 * queue (invariant 5) and the quarantine previews made in a limited child
 * process from real image files (invariant 6).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>

#include <leptonica/allheaders.h>

#include "sohoa/desk.h"
#include "sohoa/export.h"
#include "test.h"
#include "catalog_fixture.h"
#include "catalog_int.h"

static int64_t
add_record(sohoa_catalog *cat, const char *spool_id, const char *hash, const char *name)
{
	sohoa_record_new r;
	sohoa_error err;
	int64_t id = 0;

	memset(&r, 0, sizeof r);
	r.spool_id = spool_id;
	r.state = SOHOA_STATE_INCOMING;
	r.hash = hash;
	r.size = 10;
	r.name = name;
	r.name_raw = name;
	r.name_raw_len = strlen(name);
	r.origin = "";
	r.origin_raw = "";
	r.inbox_removed = 1;
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_record_insert(cat, &r, &id, &err) == SOHOA_OK, err.msg);
	return id;
}

static void
exec_sql(sohoa_catalog *cat, const char *sql)
{
	char *msg = NULL;

	CHECKM(sqlite3_exec(sohoa_catalog_db(cat), sql, NULL, NULL, &msg) == SQLITE_OK,
	    msg ? msg : sql);
	sqlite3_free(msg);
}

static long long
sql_int(sohoa_catalog *cat, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), sql, -1, &st, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECKM(f != NULL, path);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void
test_request_queue(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_export_request req, *list = NULL;
	sohoa_error err;
	int64_t a = 0, b = 0, c = 0;
	int n = 0;

	sohoa_error_clear(&err);
	CHECKM(sohoa_export_request_add(cat, "2025-07", 0, "vanthu", &a, &err) == SOHOA_OK, err.msg);
	CHECK(sohoa_export_request_add(cat, "2025-07", 1, "lanhdao", NULL, &err) == SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "đang chờ hoặc đang chạy") != NULL, err.msg);
	sohoa_error_clear(&err);
	CHECKM(sohoa_export_request_add(cat, "2025-08", 1, "lanhdao", &b, &err) == SOHOA_OK, err.msg);

	/* Oldest first; one claim each. */
	CHECK_INT(sohoa_export_request_claim(cat, &req, &err), 1);
	CHECK_INT(req.id, a);
	CHECK_STR(req.state, "running");
	CHECK_STR(req.requested_by, "vanthu");
	CHECK(req.started_at[0] != '\0');
	CHECK_INT(sohoa_export_request_claim(cat, &req, &err), 1);
	CHECK_INT(req.id, b);
	CHECK_INT(req.force, 1);
	CHECK_INT(sohoa_export_request_claim(cat, &req, &err), 0);
	/* Still one per month while running. */
	CHECK(sohoa_export_request_add(cat, "2025-07", 0, "vanthu", NULL, &err) == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);

	CHECKM(sohoa_export_request_finish(cat, a, 1, "đã xuất", 0, &err) == SOHOA_OK, err.msg);
	CHECK(sohoa_export_request_get(cat, a, &req));
	CHECK_STR(req.state, "done");
	CHECK_STR(req.message, "đã xuất");
	CHECK(req.finished_at[0] != '\0');
	/* A finished request is not finished again. */
	CHECKM(sohoa_export_request_finish(cat, a, 0, "lỗi", 0, &err) == SOHOA_OK, err.msg);
	CHECK(sohoa_export_request_get(cat, a, &req));
	CHECK_STR(req.state, "done");

	/* Invariant 2: what a stopped daemon left running fails. */
	CHECK_INT(sohoa_export_request_fail_running(cat, "bị ngắt"), 1);
	CHECK(sohoa_export_request_get(cat, b, &req));
	CHECK_STR(req.state, "failed");
	CHECK_STR(req.message, "bị ngắt");
	CHECK_INT(sohoa_export_request_fail_running(cat, "bị ngắt"), 0);

	/* The month is free again. */
	CHECKM(sohoa_export_request_add(cat, "2025-07", 1, "vanthu", &c, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_export_requests_list(cat, 10, &list, &n, &err) == SOHOA_OK, err.msg);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_INT(list[0].id, c);
		CHECK_STR(list[0].state, "pending");
		CHECK_INT(list[2].id, a);
	}
	free(list);
	CHECK(!sohoa_export_request_get(cat, 999, &req));
	sohoa_catalog_free(cat);
}

static void
test_quarantine_delete(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_conf conf;
	sohoa_error err;
	sohoa_quarantined *list = NULL, q;
	char qdir[PATH_MAX], *text = NULL;
	struct stat st;
	int64_t id, id2;
	int n = 0, fd;

	sohoa_conf_init(&conf);
	snprintf(qdir, sizeof qdir, "%s/q", test_tmp_root);
	free(conf.quarantine);
	conf.quarantine = strdup(qdir);
	mkdir("q", 0755);
	mkdir("q/sub", 0755);
	mkdir("outside", 0755);
	write_file("q/sub/x.png", "not an image");
	write_file("q/sub/x.png.ly-do.txt", "Lý do: không phải ảnh quét.\n");
	write_file("outside/y.png", "must survive");
	CHECK(symlink("../outside", "q/link") == 0);

	sohoa_error_clear(&err);
	id = add_record(cat, "s1", "sha256:01", "x.png");
	id2 = add_record(cat, "s2", "sha256:02", "y.png");
	CHECKM(sohoa_catalog_quarantine(cat, id, "not-image", "not an image", "sub/x.png", 0, &err)
	    == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_quarantine_published(cat, id, &err) == SOHOA_OK, err.msg);
	/* Its folder swapped for a link to elsewhere (by anyone on the share). */
	CHECKM(sohoa_catalog_quarantine(cat, id2, "not-image", "x", "link/y.png", 0, &err)
	    == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_quarantine_published(cat, id2, &err) == SOHOA_OK, err.msg);

	CHECKM(sohoa_quarantine_list(cat, &list, &n, &err) == SOHOA_OK, err.msg);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(list[0].id, id);
		CHECK_STR(list[0].reason, "not-image");
		CHECK_STR(list[0].qname, "sub/x.png");
		CHECK_STR(list[0].name, "x.png");
	}
	free(list);
	CHECK(sohoa_quarantine_get(cat, id, &q));
	CHECKM(sohoa_quarantine_reason_file(&conf, &q, &text, &err) == SOHOA_OK, err.msg);
	CHECK_STR(text, "Lý do: không phải ảnh quét.\n");
	free(text);
	fd = sohoa_quarantine_open(&conf, &q, 1000, &st);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	fd = sohoa_quarantine_open(&conf, &q, 5, &st);
	CHECK(fd < 0 && errno == EFBIG);

	/* Through the link: refused, nothing outside touched. */
	CHECK(sohoa_quarantine_get(cat, id2, &q));
	fd = sohoa_quarantine_open(&conf, &q, 1000, &st);
	CHECK(fd < 0 && errno == ELOOP);
	CHECK(sohoa_quarantine_delete(&conf, cat, id2, "vanthu", &err) != SOHOA_OK);
	sohoa_error_clear(&err);
	CHECK(access("outside/y.png", F_OK) == 0);
	CHECK(sohoa_quarantine_get(cat, id2, &q));

	CHECKM(sohoa_quarantine_delete(&conf, cat, id, "vanthu", &err) == SOHOA_OK, err.msg);
	CHECK(access("q/sub/x.png", F_OK) != 0);
	CHECK(access("q/sub/x.png.ly-do.txt", F_OK) != 0);
	CHECK(!sohoa_quarantine_get(cat, id, &q));
	CHECK_INT(sql_int(cat, "SELECT quarantine_released FROM records WHERE id = 1"), 2);
	CHECK_INT(sql_int(cat, "SELECT count(*) FROM events WHERE record_id = 1 AND type = 'deletion'"
	    " AND detail LIKE '%by vanthu%'"), 1);
	CHECK(sohoa_quarantine_delete(&conf, cat, id, "vanthu", &err) == SOHOA_BAD_INPUT);
	sohoa_conf_release(&conf);
	sohoa_catalog_free(cat);
}

static void
test_duplicates(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_duplicate_pair *list = NULL, p;
	sohoa_error err;
	int n = 0;

	add_record(cat, "s1", "sha256:01", "goc.tif");
	add_record(cat, "s2", "sha256:02", "ban-sao.tif");
	add_record(cat, "s3", "sha256:03", "lan-ba.tif");
	exec_sql(cat, "UPDATE records SET state = 'done';"
	    " UPDATE records SET probable_duplicate_of = 1 WHERE id IN (2, 3);"
	    " INSERT INTO fields (record_id, name, value, source) VALUES (2, 'subject', 'x', 'ocr')");
	sohoa_error_clear(&err);
	CHECKM(sohoa_duplicates_list(cat, &list, &n, &err) == SOHOA_OK, err.msg);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(list[0].id, 2);
		CHECK_INT(list[0].of, 1);
		CHECK_STR(list[0].of_name, "goc.tif");
	}
	free(list);

	CHECKM(sohoa_duplicate_keep_both(cat, 3, "vanthu", &err) == SOHOA_OK, err.msg);
	CHECK(!sohoa_duplicate_get(cat, 3, &p));
	CHECK_INT(sql_int(cat, "SELECT count(*) FROM records WHERE probable_duplicate_of IS NULL"), 2);
	CHECK(sohoa_duplicate_keep_both(cat, 3, "vanthu", &err) == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);

	/* Not one of the pair; then a record sent to the archive already. */
	CHECK(sohoa_duplicate_drop(cat, 2, 3, "vanthu", &err) == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	exec_sql(cat, "INSERT INTO export_bundles (id, month, file_name, path, bundle_hash, p7s_hash,"
	    " size, sips, records, created_at) VALUES (1, '2025-07', 'b.tar', '/o', 'h', 'h', 1, 1, 1,"
	    " 'now'); INSERT INTO export_members VALUES (1, 2, 'm', 's')");
	CHECK(sohoa_duplicate_drop(cat, 2, 2, "vanthu", &err) == SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "đã được xuất") != NULL, err.msg);
	exec_sql(cat, "DELETE FROM export_members");
	sohoa_error_clear(&err);

	CHECKM(sohoa_duplicate_drop(cat, 2, 2, "vanthu", &err) == SOHOA_OK, err.msg);
	CHECK_INT(sql_int(cat, "SELECT state = 'quarantined' AND reason = 'duplicate' AND"
	    " duplicate_of = 1 AND probable_duplicate_of IS NULL FROM records WHERE id = 2"), 1);
	CHECK_INT(sql_int(cat, "SELECT count(*) FROM fields WHERE record_id = 2"), 0);
	CHECK_INT(sql_int(cat, "SELECT state = 'done' FROM records WHERE id = 1"), 1);
	CHECK_INT(sql_int(cat, "SELECT count(*) FROM events WHERE type = 'duplicate review'"
	    " AND detail LIKE '%by vanthu%'"), 3);
	/* Dropped: no longer in the live set, so not in the quarantine list. */
	{
		sohoa_quarantined *q = NULL;
		CHECKM(sohoa_quarantine_list(cat, &q, &n, &err) == SOHOA_OK, err.msg);
		CHECK_INT(n, 0);
		free(q);
	}
	sohoa_catalog_free(cat);
}

static void
test_export_clock(void)
{
	time_t end, now = time(NULL);
	char month[8];
	sohoa_error err;

	unsetenv("SOHOA_TEST_NOW");
	CHECK(sohoa_export_clock() - now <= 2);
	setenv("SOHOA_TEST_NOW", "1752000000", 1);      /* 2025-07-08 18:40 UTC */
	CHECK_INT(sohoa_export_clock(), 1752000000);
	sohoa_error_clear(&err);
	CHECK(sohoa_export_parse_month("last", sohoa_export_clock(), month, &err) == SOHOA_OK);
	CHECK_STR(month, "2025-06");
	setenv("SOHOA_TEST_NOW", "12x", 1);             /* not a time: the real clock */
	CHECK(sohoa_export_clock() - now <= 2);
	setenv("SOHOA_TEST_NOW", "-5", 1);
	CHECK(sohoa_export_clock() - now <= 2);
	unsetenv("SOHOA_TEST_NOW");

	/* A month is open until its end, in +07:00. */
	CHECK(sohoa_export_month_bounds("2025-07", NULL, &end, NULL) == 0);
	CHECK_INT(sohoa_export_month_open("2025-07", end - 1), 1);
	CHECK_INT(sohoa_export_month_open("2025-07", end), 0);
	CHECK_INT(sohoa_export_month_open("2025-08", end), 1);
	CHECK_INT(sohoa_export_month_open("2025-13", end), -1);
	/* 2025-07-31 17:00 UTC is already August in Việt Nam. */
	CHECK_INT(end, 1753981200);
}

static void
test_desk_requests(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_desk_request req, *list = NULL;
	sohoa_error err;
	int64_t a = 0, b = 0, c = 0;
	int n = 0;

	sohoa_error_clear(&err);
	CHECKM(sohoa_desk_request_add(cat, SOHOA_DESK_RETRY, 7, 0, "vanthu", &a, &err) == SOHOA_OK,
	    err.msg);
	/* The same request again while it waits: refused, in Vietnamese first. */
	CHECK(sohoa_desk_request_add(cat, SOHOA_DESK_RETRY, 7, 0, "lanhdao", NULL, &err)
	    == SOHOA_BAD_INPUT);
	CHECKM(strstr(err.msg, "đang chờ sohoad") != NULL, err.msg);
	sohoa_error_clear(&err);
	/* A drop names the record it drops; the others none. */
	CHECK(sohoa_desk_request_add(cat, SOHOA_DESK_DROP, 9, 0, "vanthu", NULL, &err)
	    == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECK(sohoa_desk_request_add(cat, SOHOA_DESK_DELETE, 9, 3, "vanthu", NULL, &err)
	    == SOHOA_BAD_INPUT);
	sohoa_error_clear(&err);
	CHECKM(sohoa_desk_request_add(cat, SOHOA_DESK_DELETE, 7, 0, "vanthu", &b, &err) == SOHOA_OK,
	    err.msg);
	CHECKM(sohoa_desk_request_add(cat, SOHOA_DESK_DROP, 9, 3, "lanhdao", &c, &err) == SOHOA_OK,
	    err.msg);
	CHECK(sohoa_desk_request_live(cat, 7, &req) && req.id == b);
	CHECK(!sohoa_desk_request_live(cat, 8, &req));

	/* Oldest first, one claim each, typed back. */
	CHECK_INT(sohoa_desk_request_claim(cat, &req, &err), 1);
	CHECK_INT(req.id, a);
	CHECK_INT(req.action, SOHOA_DESK_RETRY);
	CHECK_INT(req.record_id, 7);
	CHECK_STR(req.state, "running");
	CHECK_STR(req.requested_by, "vanthu");
	CHECKM(sohoa_desk_request_finish(cat, a, 1, "đã trả — returned", &err) == SOHOA_OK, err.msg);
	/* Done: the same request may be asked again. */
	CHECKM(sohoa_desk_request_add(cat, SOHOA_DESK_RETRY, 7, 0, "vanthu", NULL, &err) == SOHOA_OK,
	    err.msg);
	CHECK_INT(sohoa_desk_request_claim(cat, &req, &err), 1);
	CHECK_INT(req.id, b);
	CHECK_INT(req.action, SOHOA_DESK_DELETE);
	CHECK_INT(sohoa_desk_request_claim(cat, &req, &err), 1);
	CHECK_INT(req.id, c);
	CHECK_INT(req.action, SOHOA_DESK_DROP);
	CHECK_INT(req.drop_id, 3);
	CHECK_STR(req.requested_by, "lanhdao");
	/* A daemon restart fails the two running (b, c), never runs them twice. */
	CHECK_INT(sohoa_desk_request_fail_running(cat, "bị ngắt — interrupted"), 2);
	CHECK_INT(sohoa_desk_request_finish(cat, b, 1, "late", &err), SOHOA_OK);
	CHECKM(sohoa_desk_requests_list(cat, 10, &list, &n, &err) == SOHOA_OK, err.msg);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_STR(list[0].state, "pending");      /* newest first */
		CHECK_STR(list[1].state, "failed");
		CHECK_STR(list[1].message, "bị ngắt — interrupted");
		CHECK_STR(list[2].state, "failed");       /* b: "late" did nothing */
		CHECK_STR(list[3].state, "done");
		CHECK_STR(list[3].message, "đã trả — returned");
		CHECK(list[3].finished_at[0] != '\0');
	}
	free(list);
	CHECK_STR(sohoa_desk_action_key(SOHOA_DESK_KEEP), "keep");
	sohoa_catalog_free(cat);
}

/* A quarantined record for the file q/<name> with a reason file. */
static int64_t
quarantined(sohoa_catalog *cat, const char *spool, const char *hash, const char *name)
{
	sohoa_error err;
	char qname[300], note[320];
	int64_t id = add_record(cat, spool, hash, name);

	snprintf(qname, sizeof qname, "pv/%s", name);
	snprintf(note, sizeof note, "q/pv/%s.ly-do.txt", name);
	write_file(note, "Lý do: xem thử.\n");
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_quarantine(cat, id, "unreadable", "x", qname, 0, &err) == SOHOA_OK,
	    err.msg);
	CHECKM(sohoa_catalog_quarantine_published(cat, id, &err) == SOHOA_OK, err.msg);
	return id;
}

static void
test_previews(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_conf conf;
	sohoa_error err;
	sohoa_preview_row pv;
	char qdir[PATH_MAX], path[PATH_MAX];
	int64_t good, cut, text, ids[8];
	struct stat st;
	PIX *pix, *back;
	FILE *f;
	long size;
	char *buf;
	int fd;

	sohoa_conf_init(&conf);
	snprintf(qdir, sizeof qdir, "%s/q", test_tmp_root);
	free(conf.quarantine);
	conf.quarantine = strdup(qdir);
	free(conf.state_dir);
	conf.state_dir = strdup(test_tmp_root);
	mkdir("q", 0755);
	mkdir("q/pv", 0755);
	/* A real page, 1200 x 800 grey with a black block; cut in half; text. */
	pix = pixCreate(1200, 800, 8);
	pixSetAllArbitrary(pix, 230);
	pixRasterop(pix, 100, 100, 400, 200, PIX_SET, NULL, 0, 0);
	CHECK(pixWrite("q/pv/tot.png", pix, IFF_PNG) == 0);
	pixDestroy(&pix);
	f = fopen("q/pv/tot.png", "rb");
	CHECK(f != NULL);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc((size_t)size);
	CHECK(fread(buf, 1, (size_t)size, f) == (size_t)size);
	fclose(f);
	f = fopen("q/pv/hong.png", "wb");
	fwrite(buf, 1, (size_t)size / 2, f);
	fclose(f);
	free(buf);
	write_file("q/pv/chu.png", "Day khong phai la anh.\n");

	good = quarantined(cat, "p1", "sha256:p1", "tot.png");
	cut = quarantined(cat, "p2", "sha256:p2", "hong.png");
	text = quarantined(cat, "p3", "sha256:p3", "chu.png");
	CHECK_INT(sohoa_preview_missing(cat, ids, 8), 3);
	CHECK(!sohoa_preview_get(cat, good, &pv));

	sohoa_error_clear(&err);
	CHECKM(sohoa_preview_make(&conf, cat, good, 512, 10, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_preview_make(&conf, cat, cut, 512, 10, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_preview_make(&conf, cat, text, 512, 10, &err) == SOHOA_OK, err.msg);
	CHECK_INT(sohoa_preview_missing(cat, ids, 8), 0);

	/* The good one: a PNG of the page, scaled to 900 px, 0640, and the
	 * reason file's text beside it. */
	CHECK(sohoa_preview_get(cat, good, &pv));
	CHECK_STR(pv.status, "png");
	CHECK(pv.note && !strcmp(pv.note, "Lý do: xem thử.\n"));
	free(pv.note);
	sohoa_preview_path(&conf, good, path, sizeof path);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
	back = pixRead(path);
	CHECK(back != NULL);
	if (back) {
		CHECK_INT(pixGetWidth(back), 900);
		CHECK_INT(pixGetHeight(back), 600);
		pixDestroy(&back);
	}
	/* The cut PNG and the text: a reason, no file. */
	CHECK(sohoa_preview_get(cat, cut, &pv));
	CHECK_STR(pv.status, "bad");
	CHECK_STR(pv.reason, "truncated");
	free(pv.note);
	sohoa_preview_path(&conf, cut, path, sizeof path);
	CHECK(access(path, F_OK) != 0);
	CHECK(sohoa_preview_get(cat, text, &pv));
	CHECK_STR(pv.status, "bad");
	CHECK(pv.reason[0] != '\0');
	free(pv.note);

	/* A child killed by a limit (SIGXCPU, SIGKILL) is stored as a file
	 * that does not decode, said in text. */
	fd = memfd_create("t", 0);
	CHECK(fd >= 0);
	CHECKM(sohoa_preview_store(&conf, cat, cut, fd, SIGXCPU, NULL, "", &err) == SOHOA_OK,
	    err.msg);
	CHECK(sohoa_preview_get(cat, cut, &pv));
	CHECK_STR(pv.status, "bad");
	CHECKM(strstr(pv.message, "tín hiệu") != NULL, pv.message);
	free(pv.note);
	close(fd);
#if !defined(__SANITIZE_ADDRESS__)
	/* The address-space limit holds: 4 MB is too little to decode a page. */
	sohoa_preview_forget(&conf, cat, good);
	CHECKM(sohoa_preview_make(&conf, cat, good, 4, 10, &err) == SOHOA_OK, err.msg);
	CHECK(sohoa_preview_get(cat, good, &pv));
	CHECK_STR(pv.status, "bad");
	free(pv.note);
#endif
	/* The văn thư replaces the cut file by the whole page: its preview is
	 * stale (and only its), made again it is a PNG. */
	sohoa_preview_forget(&conf, cat, cut);
	CHECKM(sohoa_preview_make(&conf, cat, cut, 512, 10, &err) == SOHOA_OK, err.msg);
	CHECK_INT(sohoa_preview_stale(&conf, cat, ids, 8), 0);
	CHECK(rename("q/pv/tot.png", "q/pv/hong.png") == 0);
	CHECK_INT(sohoa_preview_stale(&conf, cat, ids, 8), 2);     /* tot.png gone too */
	CHECK(ids[0] == good || ids[1] == good);
	CHECK(ids[0] == cut || ids[1] == cut);
	sohoa_preview_forget(&conf, cat, cut);
	CHECKM(sohoa_preview_make(&conf, cat, cut, 512, 10, &err) == SOHOA_OK, err.msg);
	CHECK(sohoa_preview_get(cat, cut, &pv));
	CHECK_STR(pv.status, "png");
	free(pv.note);
	CHECK_INT(sohoa_preview_stale(&conf, cat, ids, 8), 1);
	CHECK_INT(ids[0], good);

	/* Forgotten when it leaves the quarantine: the row and the PNG. */
	sohoa_preview_forget(&conf, cat, good);
	CHECK(!sohoa_preview_get(cat, good, &pv));
	sohoa_preview_path(&conf, good, path, sizeof path);
	CHECK(access(path, F_OK) != 0);
	sohoa_conf_release(&conf);
	sohoa_catalog_free(cat);
}

int
main(void)
{
	TEST_RUN(test_request_queue);
	TEST_RUN(test_quarantine_delete);
	TEST_RUN(test_duplicates);
	TEST_RUN(test_export_clock);
	TEST_RUN(test_desk_requests);
	TEST_RUN(test_previews);
	return TEST_DONE();
}
