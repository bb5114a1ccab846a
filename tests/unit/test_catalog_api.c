/*
 * test_catalog_api.c - the catalog's typed functions (catalog_records.h,
 * catalog_events.h, catalog_queue.h, catalog_exports.h, catalog_describe.h,
 * catalog_backup.h) on a real database file: each reads back exactly what
 * the catalog's writers stored, and the transaction helpers (in_tx, units
 * as savepoints) keep or undo what they should.
 */
#include "test.h"
#include "catalog_fixture.h"
#include "sohoa/catalog.h"
#include "sohoa/catalog_backup.h"
#include "sohoa/catalog_describe.h"
#include "sohoa/catalog_events.h"
#include "sohoa/catalog_exports.h"
#include "sohoa/catalog_queue.h"
#include "sohoa/catalog_records.h"

#define H1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define H2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static int64_t
add(sohoa_catalog *cat, const char *sid, const char *name, const char *origin, const char *hash)
{
	sohoa_record_new r = { 0 };
	sohoa_error err;
	int64_t id = 0;

	r.spool_id = sid;
	r.state = SOHOA_STATE_INCOMING;
	r.hash = hash;
	r.size = 1234;
	r.name = name;
	r.name_raw = name;
	r.name_raw_len = strlen(name);
	r.origin = origin;
	r.origin_raw = origin;
	r.origin_raw_len = strlen(origin);
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_record_insert(cat, &r, &id, &err) == SOHOA_OK, err.msg);
	return id;
}

/* A record read whole is what was stored; a missing one is BAD_INPUT. */
static void
test_record_get(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_record_row row;
	sohoa_page_result pr[2] = {
		{ 1, "trang một", 80.0, "ok", 100, 200, 300, 0, 0 },
		{ 2, "trang hai", 60.0, "ok", 100, 200, 300, 90, 1.5f },
	};
	sohoa_error err;
	char sid[64];
	int64_t id;

	if (!cat)
		return;
	id = add(cat, "20240101T000000.000000-00000001", "Quyết định.tif", "Hồ sơ 1", H1);
	sohoa_error_clear(&err);
	CHECK(sohoa_catalog_record_get(cat, id + 7, &row, &err) == SOHOA_BAD_INPUT);
	CHECK(strstr(err.msg, "no record") != NULL);
	sohoa_record_row_release(&row);
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_record_get(cat, id, &row, &err) == SOHOA_OK, err.msg);
	CHECK_INT(row.state, SOHOA_STATE_INCOMING);
	CHECK_STR(row.name, "Quyết định.tif");
	CHECK_STR(row.origin, "Hồ sơ 1");
	CHECK_STR(row.hash, H1);
	CHECK_INT(row.size, 1234);
	CHECK(!row.has_confidence);
	CHECK(row.doc_id == NULL && row.package_path == NULL && row.duplicate_of == 0);
	sohoa_record_row_release(&row);
	/* Pages stored set it done with its mean confidence. */
	CHECKM(sohoa_catalog_store_pages(cat, id, pr, 2, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_record_get(cat, id, &row, &err) == SOHOA_OK, err.msg);
	CHECK_INT(row.state, SOHOA_STATE_DONE);
	CHECK_INT(row.page_count, 2);
	CHECK(row.has_confidence && row.mean_confidence > 69.9 && row.mean_confidence < 70.1);
	sohoa_record_row_release(&row);
	CHECKM(sohoa_catalog_spool_id(cat, id, 1, sid, sizeof sid, &err) == SOHOA_OK, err.msg);
	CHECK_STR(sid, "20240101T000000.000000-00000001");
	CHECKM(sohoa_catalog_spool_id(cat, id + 1, 0, sid, sizeof sid, &err) == SOHOA_OK, err.msg);
	CHECK_STR(sid, "");
	sohoa_catalog_free(cat);
}

struct pages_seen {
	int n;
	char text[128];
	int rot2;
	double skew2;
};

static int
page_seen(void *ctx, const sohoa_page_row *p)
{
	struct pages_seen *s = ctx;
	size_t l = strlen(s->text);

	snprintf(s->text + l, sizeof s->text - l, "%s%d:%s", s->n ? "|" : "", p->page_no, p->text);
	if (p->page_no == 2) {
		s->rot2 = p->rotation;
		s->skew2 = p->skew;
	}
	s->n++;
	return 0;
}

/* Pages come back in order, with their geometry; the record's text joins
 * them with form feeds. */
static void
test_pages_and_text(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_page_result pr[2] = {
		{ 2, "hai", 60.0, "ok", 100, 200, 300, 90, 1.5f },
		{ 1, "một", 80.0, "ok", 100, 200, 300, 0, 0 },
	};
	struct pages_seen seen = { 0, "", 0, 0 };
	sohoa_error err;
	char *text = NULL;
	size_t len = 0;
	int64_t id;

	if (!cat)
		return;
	id = add(cat, "20240101T000000.000000-00000001", "a.tif", "", H1);
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_store_pages(cat, id, pr, 2, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_pages_each(cat, id, page_seen, &seen, &err) == SOHOA_OK, err.msg);
	CHECK_INT(seen.n, 2);
	CHECK_STR(seen.text, "1:một|2:hai");
	CHECK_INT(seen.rot2, 90);
	CHECK(seen.skew2 > 1.49 && seen.skew2 < 1.51);
	CHECKM(sohoa_catalog_record_text(cat, id, &text, &len, &err) == SOHOA_OK, err.msg);
	CHECK_STR(text, "một\fhai");
	CHECK_INT(len, strlen("một\fhai"));
	free(text);
	sohoa_catalog_free(cat);
}

static int
count_event(void *ctx, const sohoa_event_row *e)
{
	int *n = ctx;
	(*n)++;
	return strcmp(e->type, "stop") == 0;
}

/* in_tx says whether a transaction is open; a unit inside one is a
 * savepoint: undone alone, the outer work stays. */
static void
test_transactions_and_units(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_error err;
	int own = -1, n = 0;
	int64_t id;

	if (!cat)
		return;
	id = add(cat, "20240101T000000.000000-00000001", "a.tif", "", H1);
	sohoa_error_clear(&err);
	CHECK(!sohoa_catalog_in_tx(cat));
	CHECKM(sohoa_catalog_begin(cat, &err) == SOHOA_OK, err.msg);
	CHECK(sohoa_catalog_in_tx(cat));
	CHECKM(sohoa_catalog_event_add(cat, id, "outer", "t", "success", NULL, &err) == SOHOA_OK,
	    err.msg);
	CHECKM(sohoa_catalog_unit_begin(cat, "t_unit", &own, &err) == SOHOA_OK, err.msg);
	CHECK_INT(own, 0);
	CHECKM(sohoa_catalog_event_add(cat, id, "inner", "t", "success", NULL, &err) == SOHOA_OK,
	    err.msg);
	sohoa_catalog_unit_undo(cat, "t_unit", own);
	CHECK(sohoa_catalog_in_tx(cat));
	CHECKM(sohoa_catalog_commit(cat, &err) == SOHOA_OK, err.msg);
	CHECK(!sohoa_catalog_in_tx(cat));
	CHECKM(sohoa_catalog_record_events_each(cat, id, count_event, &n, &err) == SOHOA_OK,
	    err.msg);
	CHECK_INT(n, 1);
	/* Alone, a unit is its own transaction. */
	CHECKM(sohoa_catalog_unit_begin(cat, "t_unit", &own, &err) == SOHOA_OK, err.msg);
	CHECK_INT(own, 1);
	CHECK(sohoa_catalog_in_tx(cat));
	CHECKM(sohoa_catalog_event_add(cat, id, "stop", "t", "failure", "x", &err) == SOHOA_OK,
	    err.msg);
	CHECKM(sohoa_catalog_event_add(cat, id, "after", "t", "success", NULL, &err) == SOHOA_OK,
	    err.msg);
	CHECKM(sohoa_catalog_unit_end(cat, "t_unit", own, &err) == SOHOA_OK, err.msg);
	CHECK(!sohoa_catalog_in_tx(cat));
	/* The walk stops where the callback says. */
	n = 0;
	CHECKM(sohoa_catalog_record_events_each(cat, id, count_event, &n, &err) == SOHOA_OK,
	    err.msg);
	CHECK_INT(n, 2);
	sohoa_catalog_free(cat);
}

static int
problem_seen(void *ctx, const sohoa_event_row *e)
{
	char *out = ctx;
	size_t l = strlen(out);
	snprintf(out + l, 128 - l, "%s%s/%s", l ? "," : "", e->type,
	    e->record_name ? e->record_name : "-");
	return 0;
}

/* Counts by state, the review list and the latest problems. */
static void
test_summary_review_problems(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_page_result good = { 1, "x", 90.0, "ok", 1, 1, 300, 0, 0 };
	sohoa_page_result weak = { 1, "y", 40.0, "ok", 1, 1, 300, 0, 0 };
	sohoa_catalog_summary sum;
	sohoa_error err;
	char out[128] = "";
	long long n = -1;
	int64_t a, b;

	if (!cat)
		return;
	a = add(cat, "20240101T000000.000000-00000001", "a.tif", "", H1);
	b = add(cat, "20240101T000000.000000-00000002", "b.tif", "", H2);
	add(cat, "20240101T000000.000000-00000003", "c.tif", "", "sha256:33");
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_store_pages(cat, a, &good, 1, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_store_pages(cat, b, &weak, 1, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_summary_get(cat, 60, &sum, &err) == SOHOA_OK, err.msg);
	CHECK_INT(sum.done, 2);
	CHECK_INT(sum.incoming, 1);
	CHECK_INT(sum.quarantined, 0);
	CHECK_INT(sum.needs_review, 1);
	CHECK_INT(sum.pages_last_hour, 2);
	CHECKM(sohoa_catalog_count_state(cat, SOHOA_STATE_DONE, &n, &err) == SOHOA_OK, err.msg);
	CHECK_INT(n, 2);
	CHECKM(sohoa_catalog_event_add(cat, b, "ocr", "t", "failure", "bad", &err) == SOHOA_OK,
	    err.msg);
	CHECKM(sohoa_catalog_event_add(cat, 0, "startup", "t", "warning", "w", &err) == SOHOA_OK,
	    err.msg);
	CHECKM(sohoa_catalog_event_add(cat, a, "ocr", "t", "success", NULL, &err) == SOHOA_OK,
	    err.msg);
	CHECKM(sohoa_catalog_problems_each(cat, 10, problem_seen, out, &err) == SOHOA_OK, err.msg);
	CHECK_STR(out, "startup/-,ocr/b.tif");
	sohoa_catalog_free(cat);
}

/* The engine's questions: due deferred records, the next due time, the
 * quarantine found by name, published and released. */
static void
test_queue_and_quarantine(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_error err;
	char qname[256], origin[256], fname[256], name[64];
	long long at = 0;
	int64_t a, b, found = -1, ids[4];

	if (!cat)
		return;
	a = add(cat, "20240101T000000.000000-00000001", "a.tif", "Hồ sơ", H1);
	b = add(cat, "20240101T000000.000000-00000002", "b.tif", "", H2);
	sohoa_error_clear(&err);
	CHECK(!sohoa_catalog_next_deferred(cat, &at));
	CHECKM(sohoa_catalog_defer(cat, a, 5000, "busy", &err) == SOHOA_OK, err.msg);
	CHECK(sohoa_catalog_next_deferred(cat, &at));
	CHECK_INT(at, 5000);
	CHECK_INT(sohoa_catalog_attempts(cat, a, name, sizeof name), 1);
	CHECK_STR(name, "a.tif");
	CHECKM(sohoa_catalog_quarantine(cat, a, "corrupt", "hỏng", "Hồ sơ/a.tif", 0, &err)
	    == SOHOA_OK, err.msg);
	CHECK_INT(sohoa_catalog_unpublished_quarantine_ids(cat, ids, 4), 1);
	CHECK_INT(ids[0], a);
	/* Not published yet: not found for "sohoa retry". */
	CHECKM(sohoa_catalog_quarantine_find(cat, "a.tif", &found, qname, sizeof qname, origin,
	    sizeof origin, fname, sizeof fname, &err) == SOHOA_OK, err.msg);
	CHECK_INT(found, 0);
	CHECKM(sohoa_catalog_quarantine_mark_published(cat, a, 1, &err) == SOHOA_OK, err.msg);
	CHECK_INT(sohoa_catalog_unpublished_quarantine_ids(cat, ids, 4), 0);
	CHECKM(sohoa_catalog_quarantine_find(cat, "a.tif", &found, qname, sizeof qname, origin,
	    sizeof origin, fname, sizeof fname, &err) == SOHOA_OK, err.msg);
	CHECK_INT(found, a);
	CHECK_STR(qname, "Hồ sơ/a.tif");
	CHECK_STR(origin, "Hồ sơ");
	CHECK_STR(fname, "a.tif");
	CHECKM(sohoa_catalog_quarantine_released(cat, a, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_quarantine_find(cat, "Hồ sơ/a.tif", &found, qname, sizeof qname,
	    origin, sizeof origin, fname, sizeof fname, &err) == SOHOA_OK, err.msg);
	CHECK_INT(found, 0);
	(void)b;
	sohoa_catalog_free(cat);
}

static int
bundle_seen(void *ctx, const sohoa_bundle_row *b)
{
	char *out = ctx;
	size_t l = strlen(out);
	snprintf(out + l, 256 - l, "%s:%s:%lld:%s:%s", b->month, b->file_name, b->records,
	    b->exported_at ? "exported" : "not", b->upload_error ? b->upload_error : "-");
	return 0;
}

/* The export ledger: a bundle and its members, an upload failure, then
 * exported. */
static void
test_export_ledger(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_bundle_new b = { "2024-01", "sohoa-X-2024-01.tar", "outbox", "sha256:aa", "sha256:bb",
		10, 1, 1, "CN=test", "2024-02-01T00:00:00.000Z" };
	sohoa_error err;
	char out[256] = "";
	int64_t id, bid = 0;

	if (!cat)
		return;
	id = add(cat, "20240101T000000.000000-00000001", "a.tif", "", H1);
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_begin(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_bundle_add(cat, &b, &bid, &err) == SOHOA_OK, err.msg);
	CHECK(bid > 0);
	CHECKM(sohoa_catalog_bundle_member_add(cat, bid, id, "sha256:cc", "sip.zip", &err)
	    == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_commit(cat, &err) == SOHOA_OK, err.msg);
	CHECK(!sohoa_catalog_month_exported(cat, "2024-01"));
	CHECKM(sohoa_catalog_bundle_mark(cat, bid, 0, "no route", &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_bundles_each(cat, bundle_seen, out, &err) == SOHOA_OK, err.msg);
	CHECK_STR(out, "2024-01:sohoa-X-2024-01.tar:1:not:no route");
	CHECKM(sohoa_catalog_bundle_mark(cat, bid, 1, NULL, &err) == SOHOA_OK, err.msg);
	out[0] = '\0';
	CHECKM(sohoa_catalog_bundles_each(cat, bundle_seen, out, &err) == SOHOA_OK, err.msg);
	CHECK_STR(out, "2024-01:sohoa-X-2024-01.tar:1:exported:-");
	CHECK(sohoa_catalog_month_exported(cat, "2024-01"));
	CHECK(!sohoa_catalog_month_exported(cat, "2024-02"));
	sohoa_catalog_free(cat);
}

/* The backup's side: a record packaged waits for its copy until the copy
 * holds its package's METS hash; the catalog copy opens read-only. */
static void
test_backup_pending_and_copy(void)
{
	sohoa_catalog *cat = fx_open_catalog(), *copy;
	sohoa_page_result pr = { 1, "x", 90.0, "ok", 1, 1, 300, 0, 0 };
	sohoa_error err;
	int64_t id, ids[4];

	if (!cat)
		return;
	id = add(cat, "20240101T000000.000000-00000001", "a.tif", "", H1);
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_store_pages(cat, id, &pr, 1, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_set_packaged(cat, id, "pkg-1", "sha256:m1", "2024-01-01T00:00:00Z",
	    &err) == SOHOA_OK, err.msg);
	CHECK_INT(sohoa_catalog_backup_pending_count(cat, "B1"), 1);
	CHECK_INT(sohoa_catalog_backup_pending_ids(cat, "B1", 0, ids, 4), 1);
	CHECK_INT(ids[0], id);
	CHECKM(sohoa_catalog_backup_copy_set(cat, id, "B1", "sha256:m1", 3, 300, "now", &err)
	    == SOHOA_OK, err.msg);
	CHECK_INT(sohoa_catalog_backup_pending_count(cat, "B1"), 0);
	CHECK_INT(sohoa_catalog_backup_pending_count(cat, "B2"), 1);
	CHECK_INT(sohoa_catalog_backup_copies(cat), 1);
	/* A package rewritten: the copy is stale again. */
	CHECKM(sohoa_catalog_set_packaged(cat, id, "pkg-1", "sha256:m2", "2024-01-02T00:00:00Z",
	    &err) == SOHOA_OK, err.msg);
	CHECK_INT(sohoa_catalog_backup_pending_count(cat, "B1"), 1);
	CHECKM(sohoa_catalog_copy_into(cat, "copy.db", 1, &err) == SOHOA_OK, err.msg);
	copy = sohoa_catalog_open_copy("copy.db", &err);
	CHECKM(copy != NULL, err.msg);
	if (copy) {
		CHECK_INT(sohoa_catalog_restorable_count(copy), 1);
		CHECK(sohoa_catalog_has_spool(copy, "20240101T000000.000000-00000001"));
		CHECK(!sohoa_catalog_has_spool(copy, "20240101T000000.000000-00000009"));
		sohoa_catalog_free(copy);
	}
	/* Not a database: refused with the reason. */
	{
		FILE *f = fopen("junk.db", "w");
		if (f) {
			fputs("this is not a database at all, not even close......", f);
			fclose(f);
		}
		sohoa_error_clear(&err);
		CHECK(sohoa_catalog_open_copy("junk.db", &err) == NULL);
		CHECK(strstr(err.msg, "damaged") != NULL);
	}
	sohoa_catalog_free(cat);
}

int
main(void)
{
	TEST_RUN(test_record_get);
	TEST_RUN(test_pages_and_text);
	TEST_RUN(test_transactions_and_units);
	TEST_RUN(test_summary_review_problems);
	TEST_RUN(test_queue_and_quarantine);
	TEST_RUN(test_export_ledger);
	TEST_RUN(test_backup_pending_and_copy);
	return TEST_DONE();
}
