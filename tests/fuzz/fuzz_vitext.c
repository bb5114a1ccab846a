/*
 * fuzz_vitext.c - Vietnamese text folding (lib/vitext.c) and the FTS5
 * tokenizer (lib/fts5_vi.c), on any bytes, down to a real FTS5 MATCH over
 * a real catalog in memory.
 *
 * The input is a document's text; after its first NUL byte, if any, comes
 * a query (else the text's first 60 bytes are the query).  Properties:
 *   - sohoa_vi_utf8_valid agrees with utf8proc on what is UTF-8;
 *   - on valid UTF-8 the NFC, exact, folded and upper forms exist, are
 *     valid UTF-8, and folding is idempotent (a folded word folds to
 *     itself), and sohoa_vi_forms_compute gives the same forms;
 *   - sohoa_vi_next_word walks forward, words inside the text;
 *   - the catalog stores the text as a page, indexes it, and
 *     sohoa_search_run answers the query without error (or refuses the
 *     query as bad input); FTS5's integrity check, which re-tokenizes the
 *     text and compares with the index, passes.
 */
#include <sqlite3.h>
#include <utf8proc.h>

#include "fuzz.h"
#include "sohoa/catalog.h"
#include "sohoa/search.h"
#include "sohoa/vitext.h"
#include "catalog_int.h"

static int
utf8_valid_ref(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

static void
check_forms(const char *w, size_t len, sohoa_vi_forms *vf)
{
	size_t el = 0, fl = 0, fl2 = 0;
	char *exact = sohoa_vi_exact(w, len, &el);
	char *folded = sohoa_vi_fold(w, len, &fl);
	char *again;

	FUZZ_ASSERT(exact && folded);
	FUZZ_ASSERT(sohoa_vi_utf8_valid(exact, el) && sohoa_vi_utf8_valid(folded, fl));
	again = sohoa_vi_fold(folded, fl, &fl2);
	FUZZ_ASSERT(again);
	if (fl2 != fl || memcmp(again, folded, fl) != 0) {
		fprintf(stderr, "fold is not idempotent: '%.*s' -> '%s' -> '%s'\n", (int)len, w,
		    folded, again);
		abort();
	}
	FUZZ_ASSERT(sohoa_vi_forms_compute(vf, w, len) == 0);
	FUZZ_ASSERT(vf->exact_len == el && memcmp(vf->exact, exact, el) == 0);
	FUZZ_ASSERT(vf->folded_len == fl && memcmp(vf->folded, folded, fl) == 0);
	FUZZ_ASSERT(vf->differ == (fl != el || memcmp(exact, folded, el) != 0));
	free(exact);
	free(folded);
	free(again);
}

static void
check_text(const char *s, size_t len)
{
	int valid = sohoa_vi_utf8_valid(s, len);
	size_t pos = 0, start, end, n = 0;
	sohoa_vi_forms vf;

	FUZZ_ASSERT(valid == utf8_valid_ref((const uint8_t *)s, len));
	if (!valid)
		return;
	{
		size_t nl = 0, ul = 0;
		char *nfc = sohoa_vi_nfc(s, len, &nl);
		char *up = sohoa_vi_upper(s, len, &ul);
		FUZZ_ASSERT(nfc && sohoa_vi_utf8_valid(nfc, nl));
		FUZZ_ASSERT(up && sohoa_vi_utf8_valid(up, ul));
		free(nfc);
		free(up);
	}
	sohoa_vi_forms_init(&vf);
	while (sohoa_vi_next_word(s, len, &pos, &start, &end)) {
		FUZZ_ASSERT(start < end && end <= len && end <= pos);
		check_forms(s + start, end - start, &vf);
		FUZZ_ASSERT(++n <= len);
	}
	sohoa_vi_forms_release(&vf);
}

static sohoa_catalog *
catalog(void)
{
	static sohoa_catalog *cat;
	sohoa_error err;

	if (!cat) {
		sohoa_error_clear(&err);
		cat = sohoa_catalog_open(":memory:", &err);
		if (!cat)
			fprintf(stderr, "catalog: %s\n", err.msg);
		FUZZ_ASSERT(cat != NULL);
	}
	return cat;
}

static long long
query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Stores text as a record's page, indexes it, searches for query, and
 * checks the index; all in one transaction rolled back at the end, so
 * the catalog stays empty between inputs. */
static void
check_search(const char *text, const char *query, size_t qlen)
{
	sohoa_catalog *cat = catalog();
	sqlite3 *db = sohoa_catalog_db(cat);
	sohoa_record_new r;
	sohoa_page_result pr;
	sohoa_search_results res;
	sohoa_error err;
	sohoa_status st;
	int64_t id = 0;

	memset(&r, 0, sizeof r);
	memset(&pr, 0, sizeof pr);
	r.spool_id = "0000000000000001";
	r.state = SOHOA_STATE_ACTIVE;
	r.hash = "sha256:0000000000000000000000000000000000000000000000000000000000000001";
	r.size = 1;
	r.name = "fuzz.tif";
	r.name_raw = "fuzz.tif";
	r.name_raw_len = 8;
	r.origin = "";
	r.origin_raw = "";
	pr.page_no = 1;
	pr.text = text;
	pr.confidence = 90;
	pr.status = "ok";
	sohoa_error_clear(&err);
	FUZZ_ASSERT(sohoa_catalog_begin(cat, &err) == SOHOA_OK);
	if (sohoa_catalog_record_insert(cat, &r, &id, &err) != SOHOA_OK
	    || sohoa_catalog_store_pages(cat, id, &pr, 1, &err) != SOHOA_OK
	    || sohoa_search_index_record(cat, id, &err) != SOHOA_OK) {
		fprintf(stderr, "store: %s\n", err.msg);
		abort();
	}
	sohoa_search_results_init(&res);
	st = sohoa_search_run(cat, query, qlen, 5, 0, &res, &err);
	if (st != SOHOA_OK && st != SOHOA_BAD_INPUT) {
		fprintf(stderr, "search: %s\n", err.msg);
		abort();
	}
	for (size_t i = 0; i < res.count; i++) {
		const sohoa_search_result *it = &res.items[i];
		if (it->snippet)
			FUZZ_ASSERT(sohoa_vi_utf8_valid(it->snippet, strlen(it->snippet)));
		if (it->subject)
			FUZZ_ASSERT(sohoa_vi_utf8_valid(it->subject, strlen(it->subject)));
	}
	sohoa_search_results_release(&res);
	FUZZ_ASSERT(sqlite3_exec(db, "INSERT INTO docs_fts(docs_fts, rank)"
	    " VALUES ('integrity-check', 1)", NULL, NULL, NULL) == SQLITE_OK);
	sohoa_catalog_rollback(cat);
	FUZZ_ASSERT(query_int(db, "SELECT count(*) FROM records") == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	char *text = fuzz_cstr(data, tlen);
	const char *query = nul ? (const char *)nul + 1 : text;
	size_t qlen = nul ? size - tlen - 1 : (tlen < 60 ? tlen : 60);

	check_text(text, tlen);
	/* Pages are stored as NFC text: invalid UTF-8 never reaches the
	 * catalog (the engine refuses it first). */
	if (sohoa_vi_utf8_valid(text, tlen)) {
		char *nfc = sohoa_vi_nfc(text, tlen, NULL);
		FUZZ_ASSERT(nfc);
		check_search(nfc, query, qlen);
		free(nfc);
	}
	free(text);
	return 0;
}
