/*
 * test_review.c - the review queue (review.h) and the status figures
 * (overview.h) on a real catalog: a low OCR confidence or an unsure OCR
 * field puts a done document on the queue, oldest first; a person's
 * correction of the unsure field, or "Đã soát", takes it off; marking twice
 * writes one event; a record not done is refused; field values for
 * suggestions; the overview counts the same queue.
 */
#include <sqlite3.h>

#include "test.h"
#include "sohoa/catalog.h"
#include "sohoa/conf.h"
#include "sohoa/edit.h"
#include "sohoa/fields.h"
#include "sohoa/overview.h"
#include "sohoa/review.h"
#include "catalog_int.h"

static int64_t
add_record(sohoa_catalog *cat, const char *state, double conf)
{
	sohoa_record_new r;
	sohoa_page_result pr;
	sohoa_error err;
	int64_t id = 0;
	static int serial;
	char hash[80];

	memset(&r, 0, sizeof r);
	memset(&pr, 0, sizeof pr);
	snprintf(hash, sizeof hash, "sha256:%064d", ++serial);
	r.spool_id = hash + 60;
	r.state = SOHOA_STATE_ACTIVE;
	r.hash = hash;
	r.size = 10;
	r.name = r.name_raw = "a.tif";
	r.name_raw_len = 5;
	r.origin = r.origin_raw = "";
	pr.page_no = 1;
	pr.text = "Quyết định giao đất";
	pr.confidence = (float)conf;
	pr.status = "ok";
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_begin(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_record_insert(cat, &r, &id, &err) == SOHOA_OK, err.msg);
	if (!strcmp(state, "done"))
		CHECKM(sohoa_catalog_store_pages(cat, id, &pr, 1, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_commit(cat, &err) == SOHOA_OK, err.msg);
	return id;
}

static void
set_ocr_field(sohoa_catalog *cat, int64_t id, sohoa_field_id f, const char *v, double conf)
{
	sohoa_fields fs;
	sohoa_error err;

	sohoa_fields_init(&fs);
	sohoa_fields_set(&fs, f, v, "ocr", conf);
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_begin(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_store_ocr_fields(cat, id, &fs, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_commit(cat, &err) == SOHOA_OK, err.msg);
	sohoa_fields_release(&fs);
}

struct ids {
	int64_t id[8];
	int n;
};

static int
collect(void *arg, const sohoa_review_item *it)
{
	struct ids *l = arg;
	if (l->n < 8)
		l->id[l->n++] = it->id;
	return 0;
}

static void
queue(sohoa_catalog *cat, struct ids *l)
{
	sohoa_error err;

	memset(l, 0, sizeof *l);
	sohoa_error_clear(&err);
	CHECKM(sohoa_review_each(cat, 70, 0, collect, l, &err) == SOHOA_OK, err.msg);
}

static void
organ(void *arg, const char *v)
{
	struct ids *l = arg;
	l->n++;
	CHECK_STR(v, "ỦY BAN NHÂN DÂN XÃ VĂN BÌNH");
}

static void
test_queue(void)
{
	sohoa_error err;
	sohoa_catalog *cat;
	struct ids l;
	int64_t low, unsure, good, active;
	int already = -1, on = -1;
	long long n = -1;
	char *old = NULL, *stored = NULL;

	sohoa_error_clear(&err);
	cat = sohoa_catalog_open("catalog.db", &err);
	CHECKM(cat != NULL, err.msg);
	if (!cat)
		return;
	low = add_record(cat, "done", 55);
	unsure = add_record(cat, "done", 92);
	good = add_record(cat, "done", 95);
	active = add_record(cat, "active", 0);
	set_ocr_field(cat, unsure, SOHOA_F_SUBJECT, "Vẻ vỉệc tbực hỉện", 0.4);
	set_ocr_field(cat, good, SOHOA_F_ORGAN_NAME, "ỦY BAN NHÂN DÂN XÃ VĂN BÌNH", 0.9);
	set_ocr_field(cat, low, SOHOA_F_ORGAN_NAME, "ỦY BAN NHÂN DÂN XÃ VÀN BINH", 0.3);
	queue(cat, &l);
	CHECK_INT(l.n, 2);
	CHECK_INT(l.id[0], low);       /* oldest first */
	CHECK_INT(l.id[1], unsure);
	CHECK(sohoa_review_count(cat, 70, &n, &err) == SOHOA_OK);
	CHECK_INT(n, 2);
	CHECK(sohoa_review_pending(cat, 70, good, &on, &err) == SOHOA_OK);
	CHECK_INT(on, 0);
	/* Suggestions: only what OCR read with confidence. */
	memset(&l, 0, sizeof l);
	CHECK(sohoa_review_field_values(cat, "organName", 10, organ, &l, &err) == SOHOA_OK);
	CHECK_INT(l.n, 1);
	/* The person corrects the unsure subject: off the queue. */
	CHECKM(sohoa_edit_field(cat, unsure, "subject", "Về việc thực hiện", "tester (user lan)",
	    &old, &stored, &err) == SOHOA_OK, err.msg);
	free(old);
	free(stored);
	queue(cat, &l);
	CHECK_INT(l.n, 1);
	CHECK_INT(l.id[0], low);
	/* Low OCR confidence: only "Đã soát" takes it off, once. */
	CHECKM(sohoa_review_mark(cat, low, "tester (user lan)", &already, &err) == SOHOA_OK, err.msg);
	CHECK_INT(already, 0);
	CHECKM(sohoa_review_mark(cat, low, "tester (user lan)", &already, &err) == SOHOA_OK, err.msg);
	CHECK_INT(already, 1);
	queue(cat, &l);
	CHECK_INT(l.n, 0);
	{
		sqlite3_stmt *st;
		CHECK(sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT count(*), min(agent) FROM events"
		    " WHERE type = 'review' AND record_id = ?", -1, &st, NULL) == SQLITE_OK);
		sqlite3_bind_int64(st, 1, low);
		CHECK(sqlite3_step(st) == SQLITE_ROW);
		CHECK_INT(sqlite3_column_int(st, 0), 1);
		CHECK_STR((const char *)sqlite3_column_text(st, 1), "tester (user lan)");
		sqlite3_finalize(st);
	}
	/* Not done, or no such record: refused, nothing written. */
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_review_mark(cat, active, "t", NULL, &err), SOHOA_BAD_INPUT);
	CHECK(strstr(err.msg, "Không có tài liệu") != NULL);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_review_mark(cat, 9999, "t", NULL, &err), SOHOA_BAD_INPUT);
	sohoa_catalog_free(cat);
}

static void
test_overview(void)
{
	sohoa_error err;
	sohoa_catalog *cat;
	sohoa_conf conf;
	sohoa_overview ov;
	char dot[] = ".";

	sohoa_error_clear(&err);
	cat = sohoa_catalog_open("catalog.db", &err);
	CHECKM(cat != NULL, err.msg);
	if (!cat)
		return;
	memset(&conf, 0, sizeof conf);
	conf.review_threshold = 70;
	conf.state_dir = dot;
	conf.inbox = dot;
	conf.min_free_mb = 1;
	add_record(cat, "done", 50);
	add_record(cat, "done", 90);
	add_record(cat, "active", 0);
	CHECKM(sohoa_catalog_event_add(cat, 1, "fixity check", "t", "failure", "bad", &err)
	    == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_event_add(cat, 2, "fixity check", "t", "success", NULL, &err)
	    == SOHOA_OK, err.msg);
	CHECKM(sohoa_overview_read(cat, &conf, &ov, &err) == SOHOA_OK, err.msg);
	CHECK_INT(ov.states[3], 2);
	CHECK_INT(ov.states[1], 1);
	CHECK_INT(ov.total, 3);
	CHECK_INT(ov.queue, 1);
	CHECK_INT(ov.needs_review, 1);
	CHECK_INT(ov.pages_last_hour, 2);
	CHECK_INT(ov.audit_checked, 2);
	CHECK_INT(ov.audit_failing, 1);
	CHECK(ov.audit_at[0] != '\0');
	CHECK_INT(ov.have_export, 0);
	CHECK_INT(ov.nerrors, 1);
	CHECK_STR(ov.errors[0].detail, "bad");
	CHECK(ov.disk_free > 0);
	/* The last bundle of the ledger (export.c writes these rows). */
	CHECK(sqlite3_exec(sohoa_catalog_db(cat), "INSERT INTO export_bundles (month, file_name,"
	    " path, bundle_hash, p7s_hash, size, sips, records, created_at) VALUES"
	    " ('2026-10', 'sohoa-x-2026-10.tar', '/o', 'h', 'h', 1, 1, 1, '2026-11-01T00:00:00Z'),"
	    " ('2026-11', 'sohoa-x-2026-11.tar', '/o', 'h', 'h', 1, 1, 1, '2026-12-01T00:00:00Z')",
	    NULL, NULL, NULL) == SQLITE_OK);
	CHECKM(sohoa_overview_read(cat, &conf, &ov, &err) == SOHOA_OK, err.msg);
	CHECK_INT(ov.have_export, 1);
	CHECK_STR(ov.export_month, "2026-11");
	CHECK_STR(ov.export_file, "sohoa-x-2026-11.tar");
	CHECK_STR(ov.export_done, "");
	sohoa_catalog_free(cat);
}

int
main(void)
{
	TEST_RUN(test_queue);
	TEST_RUN(test_overview);
	return TEST_DONE();
}
