/*
 * test_search_rank.c - the shortcuts of a search (lib/search.c) give the
 * same results as the full ranking: a page of results, asked for with a
 * small limit (sohoa_rank then skips the rows that cannot reach the page,
 * and the details of the page are fetched in one pass), is exactly that
 * slice of the whole ranking - ids, scores, exact/approximate, marked
 * trích yếu, snippet and page - and exact matches come before every
 * approximate one.  A real catalog of a few hundred generated records
 * with trích yếu and bodies of very different lengths, so that the column
 * sizes decide the order.
 */
#include <stdint.h>
#include <sqlite3.h>

#include "test.h"
#include "sohoa/catalog.h"
#include "sohoa/search.h"
#include "catalog_int.h"

#define NRECORDS 320

static unsigned rng = 12345;

static unsigned
rnd(unsigned n)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 16) % n;
}

static const char *const words[] = {
	"đất", "dat", "đắt", "đạt", "thu", "hồi", "thu hồi", "giao", "quyền", "sử dụng",
	"hộ gia đình", "ủy ban", "nhân dân", "xã", "thôn", "kế hoạch", "ke hoach", "báo cáo",
	"diện tích", "thửa", "số", "bản đồ", "giấy chứng nhận", "ông", "bà", "Nguyễn Văn",
	"Trần Thị", "cấp", "đổi", "nông nghiệp", "ở", "lúa", "rừng", "năm", "quyết định",
};

static void
gen_text(char *buf, size_t cap, int nwords)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < nwords && len + 40 < cap; i++) {
		int n = snprintf(buf + len, cap - len, "%s%s", i ? " " : "",
		    words[rnd(sizeof words / sizeof *words)]);
		if (n > 0)
			len += (size_t)n;
	}
}

static int64_t
add(sohoa_catalog *cat, int k)
{
	static char body[8192], subject[512];
	const char *pages[1] = { body };
	sohoa_record_new r;
	sohoa_page_result pr[1];
	sohoa_error err;
	sqlite3_stmt *st = NULL;
	int64_t id = 0;
	char hash[80], name[32];

	memset(&r, 0, sizeof r);
	memset(pr, 0, sizeof pr);
	snprintf(hash, sizeof hash, "sha256:%064d", k + 1);
	snprintf(name, sizeof name, "ban-%d.tif", k);
	gen_text(body, sizeof body, 3 + (int)rnd(k % 3 ? 40 : 600));
	r.spool_id = hash + 60;
	r.state = SOHOA_STATE_DONE;
	r.hash = hash;
	r.size = 1000;
	r.name = name;
	r.name_raw = name;
	r.name_raw_len = strlen(name);
	r.origin = "";
	r.origin_raw = "";
	r.origin_raw_len = 0;
	pr[0].page_no = 1;
	pr[0].text = pages[0];
	pr[0].confidence = 90;
	pr[0].status = "ok";
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_begin(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_record_insert(cat, &r, &id, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_store_pages(cat, id, pr, 1, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_commit(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_search_index_record(cat, id, &err) == SOHOA_OK, err.msg);
	if (k % 4 == 0) {       /* a trích yếu, weighted 10, on one in four */
		gen_text(subject, sizeof subject, 2 + (int)rnd(12));
		CHECK(sqlite3_prepare_v2(sohoa_catalog_db(cat), "INSERT INTO fields (record_id,"
		    " name, value, source, confidence) VALUES (?1, 'subject', ?2, 'person', 1)",
		    -1, &st, NULL) == SQLITE_OK);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, subject, -1, SQLITE_STATIC);
		CHECK(sqlite3_step(st) == SQLITE_DONE);
		sqlite3_finalize(st);
	}
	return id;
}

static int
same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void
search(sohoa_catalog *cat, const char *q, int limit, int offset, sohoa_search_results *res)
{
	sohoa_error err;

	sohoa_error_clear(&err);
	CHECKM(sohoa_search_run(cat, q, strlen(q), limit, offset, res, &err) == SOHOA_OK, err.msg);
}

static void
test_pages_are_slices_of_the_ranking(void)
{
	static const char *const queries[] = {
		"đất", "dat", "thu hồi đất", "giao đất ở", "\"quyền sử dụng đất\"", "ke hoach",
		"hộ gia đình", "đắt", "báo cáo -lúa", "quyết định đất", "thu*",
	};
	static const int limits[] = { 1, 3, 20 }, offsets[] = { 0, 2, 37, 150 };
	sohoa_error err;
	sohoa_catalog *cat;
	long long pruned_queries = 0;

	sohoa_error_clear(&err);
	cat = sohoa_catalog_open("catalog.db", &err);
	CHECKM(cat != NULL, err.msg);
	if (!cat)
		return;
	for (int k = 0; k < NRECORDS; k++)
		add(cat, k);
	for (size_t qi = 0; qi < sizeof queries / sizeof *queries; qi++) {
		sohoa_search_results full, page;
		size_t approx_seen = 0;
		long long exact = 0;

		sohoa_search_results_init(&full);
		sohoa_search_results_init(&page);
		search(cat, queries[qi], SOHOA_SEARCH_MAX_LIMIT, 0, &full);
		CHECK_INT(full.count, full.total);
		/* Exact matches first, and counted as such. */
		for (size_t i = 0; i < full.count; i++) {
			if (full.items[i].approximate)
				approx_seen++;
			else {
				CHECKM(approx_seen == 0, queries[qi]);
				exact++;
			}
			if (i > 0)
				CHECKM(full.items[i].score <= full.items[i - 1].score, queries[qi]);
		}
		CHECK_INT(full.exact_total, exact);
		CHECK_INT(full.approximate_total, (long long)approx_seen);
		if (full.total > limits[0] + 50)
			pruned_queries++;
		for (size_t li = 0; li < sizeof limits / sizeof *limits; li++)
			for (size_t oi = 0; oi < sizeof offsets / sizeof *offsets; oi++) {
				size_t off = (size_t)offsets[oi], want;

				search(cat, queries[qi], limits[li], offsets[oi], &page);
				CHECK_INT(page.total, full.total);
				CHECK_INT(page.exact_total, full.exact_total);
				want = off >= full.count ? 0 : full.count - off < (size_t)limits[li]
				    ? full.count - off : (size_t)limits[li];
				CHECK_INT(page.count, want);
				for (size_t i = 0; i < page.count && i < want; i++) {
					const sohoa_search_result *a = &page.items[i],
					    *b = &full.items[off + i];

					if (a->id != b->id || a->score != b->score
					    || a->approximate != b->approximate || a->page != b->page
					    || !same_str(a->subject, b->subject)
					    || !same_str(a->snippet, b->snippet)
					    || !same_str(a->name, b->name)) {
						fprintf(stderr, "  %s limit %d offset %d: result %zu is"
						    " %lld (%.6f), the ranking has %lld (%.6f)\n",
						    queries[qi], limits[li], offsets[oi], i,
						    (long long)a->id, a->score, (long long)b->id, b->score);
						CHECK(0);
						break;
					}
				}
			}
		sohoa_search_results_release(&full);
		sohoa_search_results_release(&page);
	}
	/* The shortcut was taken: most queries match far more rows than a
	 * small page keeps. */
	CHECK(pruned_queries >= 8);
	sohoa_catalog_free(cat);
}

int
main(void)
{
	TEST_RUN(test_pages_are_slices_of_the_ranking);
	return TEST_DONE();
}
