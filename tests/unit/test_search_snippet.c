/*
 * test_search_snippet.c - the marked trích yếu, snippet and page of search
 * results (search.c, fetch_marked), which search.c makes itself from the
 * match positions rather than with FTS5's highlight() and snippet(): on a
 * real catalog file with the sohoa_vi tokenizer, the trích yếu is compared
 * with what FTS5's highlight() gives for the same row, and the snippet is
 * checked for the words marked (exact and approximate matches), the page
 * it comes from, markup in the OCR text kept as text, and a very long page.
 */
#include <sqlite3.h>

#include "test.h"
#include "catalog_fixture.h"
#include "sohoa/catalog.h"
#include "sohoa/search.h"
#include "catalog_int.h"

static const char on[2] = { SOHOA_SEARCH_MARK_ON, 0 }, off[2] = { SOHOA_SEARCH_MARK_OFF, 0 };

static int64_t
add(sohoa_catalog *cat, const char *name, const char *const *pages, int npages)
{
	return fx_add_record(cat, &(struct fx_record){ .name = name, .origin = "ho-so",
	    .size = 1000, .pages = pages, .npages = npages, .index = 1 });
}

/* "[" and "]" for the marks, for readable expectations. */
static char *
shown(const char *s)
{
	char *r = strdup(s ? s : "(null)");

	for (char *p = r; p && *p; p++)
		if (*p == SOHOA_SEARCH_MARK_ON)
			*p = '[';
		else if (*p == SOHOA_SEARCH_MARK_OFF)
			*p = ']';
	return r;
}

/* The result for id of query q (limit 20), or NULL (res released by the caller). */
static const sohoa_search_result *
result_of(sohoa_catalog *cat, const char *q, int64_t id, sohoa_search_results *res)
{
	sohoa_error err = { 0 };

	sohoa_search_results_release(res);
	if (sohoa_search_run(cat, q, strlen(q), 20, 0, res, &err) != SOHOA_OK) {
		CHECKM(0, err.msg);
		return NULL;
	}
	for (size_t i = 0; i < res->count; i++)
		if (res->items[i].id == id)
			return &res->items[i];
	CHECKM(0, q);
	return NULL;
}

/* FTS5's highlight() of the trích yếu of row id for the MATCH expr. */
static char *
fts5_highlight(sohoa_catalog *cat, const char *expr, int64_t id)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;
	char *r = NULL;

	CHECK(sqlite3_prepare_v2(db, "SELECT highlight(docs_fts, 0, ?3, ?4) FROM docs_fts"
	    " WHERE docs_fts MATCH ?1 AND rowid = ?2", -1, &st, NULL) == SQLITE_OK);
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_text(st, 3, on, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, off, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		r = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return r;
}

#define CHECK_SHOWN(got, want) do { char *g_ = shown(got); CHECK_STR(g_, want); free(g_); \
	} while (0)
#define CHECK_HAS(got, part) do { char *g_ = shown(got); CHECKM(strstr(g_, part) != NULL, g_); \
	free(g_); } while (0)
#define CHECK_LACKS(got, part) do { char *g_ = shown(got); CHECKM(!strstr(g_, part), g_); \
	free(g_); } while (0)

/* Exact and approximate matches are marked as FTS5 marks them. */
static void
test_exact_and_approximate_marks(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	const char *dear[] = { "Giá thuê ki-ốt ở chợ rất đắt, không phải giá đất." };
	const char *land[] = { "Biên bản đo đạc đất: mảnh đất thổ cư." };
	sohoa_search_results res;
	const sohoa_search_result *r;
	char *ref;
	int64_t a, b;

	if (!cat)
		return;
	sohoa_search_results_init(&res);
	a = add(cat, "dear.tif", dear, 1);
	fx_set_ocr_field(cat, a, "subject", "Về giá thuê đắt ở chợ xã");
	b = add(cat, "land.tif", land, 1);
	fx_set_ocr_field(cat, b, "subject", "Về việc giao đất, thu hồi đất");

	/* Typed with marks: the exact word is an exact match, the other
	 * spelling an approximate one, marked as such where it is. */
	if ((r = result_of(cat, "đắt", a, &res))) {
		CHECK(!r->approximate);
		CHECK_SHOWN(r->subject, "Về giá thuê [đắt] ở chợ xã");
		CHECK_HAS(r->snippet, "rất [đắt]");
		CHECK_INT(r->page, 1);
	}
	if ((r = result_of(cat, "đắt", b, &res))) {
		CHECK(r->approximate);
		CHECK_SHOWN(r->subject, "Về việc giao [đất], thu hồi [đất]");
		CHECK_SHOWN(r->snippet, "Biên bản đo đạc [đất]: mảnh [đất] thổ cư.");
	}
	/* Without marks every spelling is marked. */
	if ((r = result_of(cat, "dat", a, &res))) {
		CHECK_HAS(r->snippet, "rất [đắt]");
		CHECK_HAS(r->snippet, "giá [đất]");
	}
	/* A phrase is marked whole, a prefix on each word it matches. */
	if ((r = result_of(cat, "\"giao đất\"", b, &res)))
		CHECK_SHOWN(r->subject, "Về việc [giao đất], thu hồi đất");
	if ((r = result_of(cat, "thu*", b, &res)))
		CHECK_SHOWN(r->subject, "Về việc giao đất, [thu] hồi đất");
	/* The trích yếu is what FTS5's highlight() gives (FTS5 expressions as
	 * the query compiler writes them: exact form OR folded form). */
	if ((r = result_of(cat, "giao dat", b, &res))) {
		ref = fts5_highlight(cat, "giao AND dat", b);
		CHECK_STR(r->subject, ref);
		free(ref);
	}
	sohoa_search_results_release(&res);
	sohoa_catalog_free(cat);
}

/* The snippet comes from the page of the first match, which the result names. */
static void
test_match_on_page_two(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	const char *pages[] = {
		"UỶ BAN NHÂN DÂN XÃ\nCộng hòa xã hội chủ nghĩa Việt Nam",
		"Điều 1. Giao cho hộ gia đình ông Nguyễn Văn A thửa số 12.",
		"Điều 2. Hộ gia đình có trách nhiệm nộp thuế.",
	};
	sohoa_search_results res;
	const sohoa_search_result *r;
	int64_t a;

	if (!cat)
		return;
	sohoa_search_results_init(&res);
	a = add(cat, "qd.tif", pages, 3);
	fx_set_ocr_field(cat, a, "subject", "Quyết định giao đất");
	if ((r = result_of(cat, "\"ho gia dinh\"", a, &res))) {
		CHECK_INT(r->page, 2);
		CHECK_SHOWN(r->snippet,
		    "Điều 1. Giao cho [hộ gia đình] ông Nguyễn Văn A thửa số 12.");
		CHECK(!strchr(r->snippet, '\f'));
		CHECK_SHOWN(r->subject, "Quyết định giao đất");
	}
	if ((r = result_of(cat, "thue", a, &res))) {
		CHECK_INT(r->page, 3);
		CHECK_HAS(r->snippet, "nộp [thuế].");
	}
	/* Matched only in the trích yếu: the opening of the first page. */
	if ((r = result_of(cat, "quyet", a, &res))) {
		CHECK_INT(r->page, 0);
		CHECK_SHOWN(r->subject, "[Quyết] định giao đất");
		CHECK_SHOWN(r->snippet, pages[0]);
	}
	sohoa_search_results_release(&res);
	sohoa_catalog_free(cat);
}

/* Markup in the OCR text is returned as text (the web page escapes it),
 * only the matched words get marks. */
static void
test_markup_stays_text(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	const char *pages[] = { "<b onclick=\"x()\">đơn</b> <script>alert('đơn')</script> &amp;" };
	sohoa_search_results res;
	const sohoa_search_result *r;
	int64_t a;

	if (!cat)
		return;
	sohoa_search_results_init(&res);
	a = add(cat, "x.tif", pages, 1);
	if ((r = result_of(cat, "đơn", a, &res)))
		CHECK_SHOWN(r->snippet,
		    "<b onclick=\"x()\">[đơn]</b> <script>alert('[đơn]')</script> &amp;");
	if ((r = result_of(cat, "script", a, &res)))
		CHECK_SHOWN(r->snippet,
		    "<b onclick=\"x()\">đơn</b> <[script]>alert('đơn')</[script]> &amp;");
	sohoa_search_results_release(&res);
	sohoa_catalog_free(cat);
}

/* A very long page: a short window around the match, with ellipses. */
static void
test_long_page(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	size_t n = 0, cap = 300000;
	char *page = malloc(cap);
	const char *pages[2];
	sohoa_search_results res;
	const sohoa_search_result *r;
	int64_t a;

	if (!cat || !page) {
		free(page);
		sohoa_catalog_free(cat);
		CHECK(0);
		return;
	}
	sohoa_search_results_init(&res);
	while (n + 60 < cap - 1000)
		n += (size_t)snprintf(page + n, cap - n, "dòng %zu của biên bản họp thôn. ", n);
	n += (size_t)snprintf(page + n, cap - n, "Kết luận: đồng ý phương án đền bù. ");
	for (int i = 0; i < 20; i++)
		n += (size_t)snprintf(page + n, cap - n, "phụ lục %d. ", i);
	pages[0] = "Trang bìa";
	pages[1] = page;
	a = add(cat, "long.tif", pages, 2);
	if ((r = result_of(cat, "\"phuong an den bu\"", a, &res))) {
		CHECK_INT(r->page, 2);
		CHECK_HAS(r->snippet, "đồng ý [phương án đền bù].");
		CHECKM(strncmp(r->snippet, "…", 3) == 0, r->snippet);
		CHECKM(strlen(r->snippet) > 3 + 3 && strcmp(r->snippet + strlen(r->snippet) - 3,
		    "…") == 0, r->snippet);
		CHECKM(strlen(r->snippet) < 400, r->snippet);
	}
	sohoa_search_results_release(&res);
	free(page);
	sohoa_catalog_free(cat);
}

int
main(void)
{
	TEST_RUN(test_exact_and_approximate_marks);
	TEST_RUN(test_match_on_page_two);
	TEST_RUN(test_markup_stays_text);
	TEST_RUN(test_long_page);
	return TEST_DONE();
}
