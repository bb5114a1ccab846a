/*
 * search.c - the record-level full-text index (docs_fts, migrations 003 and
 * 011) and searches over it (search.h).
 *
 * Indexing keeps invariant I1 of 003-search.sql: a record is in docs_indexed
 * exactly when docs_fts holds its row as docs_source gives it now.  Every
 * FTS5 delete here is guarded by docs_indexed, because deleting a row that
 * was never added (external content) would corrupt the index.
 *
 * Searching: the query (query.h) becomes one bound FTS5 MATCH expression;
 * type and date filters add tokens of the meta column to it (zqt02,
 * zqy2024, zqm202403), so that FTS5 narrows by them as fast as by a word,
 * and every filter is also an exact SQL condition.  Values are always bound
 * parameters; the SQL text is assembled only from fixed pieces in this
 * file, and the FTS5 expression only from query.c's output and tokens made
 * here of letters and digits.  A query of filters only is driven by the
 * most selective thing it has (a number through the fields index, an
 * organ, a notation or a type through docs_fts, dates through the fields
 * index).  Two passes, each bounded by SOHOA_SEARCH_WINDOW: the first finds
 * and counts the newest matches with the cheaper expression of
 * match_only_expr(), applying the filters and the access rule (access.h)
 * once per record; the second ranks them, and only them, by their ids
 * (sohoa_in_window), so that neither the filters nor the access rule run
 * twice.  The ranking scores in full only the rows that can reach the page
 * asked for (aux_rank), and the marked text of the page's results comes
 * from one more pass over their id range (fetch_marked).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>


#include "sohoa/fields.h"
#include "sohoa/query.h"
#include "sohoa/search.h"
#include "sbuf.h"
#include "sohoa/vitext.h"
#include "access_int.h"
#include "index_int.h"
#include "catalog_int.h"
#include "search_cache.h"

/*
 * Ranking (aux_rank below): BM25's saturation and length normalisation per
 * column, weighted - trích yếu 10, type 6, số/ký hiệu 6, cơ quan 2, text 1,
 * the filter tokens 0, từ khóa 6, ghi chú 2 (migration 011) - but without BM25's inverse document frequency.
 * FTS5's bm25() finds the frequency by reading each query word's whole
 * posting list once per query, which on a million pages costs tens of
 * milliseconds for every common word, even when the query as a whole
 * matches three documents.  Every result contains every word (AND), so
 * what IDF would add is small.
 */
static const double column_weight[] = { 10.0, 6.0, 6.0, 2.0, 1.0, 0.0, 6.0, 2.0 };

/*
 * A query typed with diacritics puts the documents with the exact spelling
 * first (DOMAIN.md section 5), whatever their length or word counts: each
 * query word found in its exact form lifts a document by a whole tier.
 * Which phrases of the expression are exact forms is told by the caller
 * (exact_flags()): with 3.40's API an auxiliary function cannot read them.
 * The weighted term score is kept under one tier (TERM_SCORE_MAX), so that
 * floor(score / EXACT_TIER) is exactly the number of words found in their
 * exact spelling: a document with every one of them (an exact match) ranks
 * above every document without some (an approximate match), and the
 * result says which it is.
 */
#define EXACT_TIER 10000.0
#define TERM_SCORE_MAX (EXACT_TIER - 1.0)
#define NCOLUMNS 8
#define BODY_COLUMN 4
#define RANK_K1 1.2
#define RANK_B 0.75

/*
 * The work of one search is bounded: it counts at most RANK_WINDOW matches
 * and ranks those, the newest ones (the highest record ids) when there are
 * more.  A query that matches more than that on a large archive ("ủy ban")
 * says so, and staff narrow it with another word or a filter.
 */
#define RANK_WINDOW SOHOA_SEARCH_WINDOW

/* Rows ranked beyond the page asked for, so that ties at its edge still
 * go newest first. */
#define TIE_MARGIN 50

/* Snippet length in tokens (FTS5 allows up to 64). */
#define SNIPPET_TOKENS 28

/* Records indexed per transaction by reindex, and queued records caught up
 * by each index_record call. */
#define REINDEX_BATCH 400
#define CATCH_UP 8

/* ------------------------------------------------------------ errors */

static sohoa_status
db_error(sqlite3 *db, sohoa_error *err, const char *what)
{
	int primary = sqlite3_extended_errcode(db) & 0xff;
	sohoa_status st = (primary == SQLITE_BUSY || primary == SQLITE_LOCKED
	    || primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_NOMEM)
	    ? SOHOA_RETRY : SOHOA_FATAL;

	return sohoa_error_set(err, st, SOHOA_REASON_NONE, "search: %s: %s", what,
	    sqlite3_errmsg(db));
}

static sohoa_status
exec(sqlite3 *db, const char *sql, sohoa_error *err)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(db, err, sql);
	return SOHOA_OK;
}

/* ------------------------------------------------------------ strings */

static char *
dup_text(const unsigned char *s)
{
	return s ? strdup((const char *)s) : NULL;
}

/*
 * The words of s[0..n) in one form, joined by single spaces, as a new
 * string (NULL when out of memory or on invalid UTF-8):
 *   KEY_EXACT   exact forms (vitext.h): "UBND Xã Văn  Bình" -> "ubnd xã văn bình"
 *   KEY_FOLDED  folded forms: -> "ubnd xa van binh"
 *   KEY_NUMBER  folded forms joined by '/', leading zeros dropped from
 *               numbers: "01/2025/QĐ-UBND" and "1/2025/QD UBND" both give
 *               "1/2025/qd/ubnd" - a số/ký hiệu as OCR and people write it.
 */
enum key_kind { KEY_EXACT, KEY_FOLDED, KEY_NUMBER };

static char *
text_key(const char *s, size_t n, enum key_kind kind, int *differ)
{
	struct sbuf b = { 0 };
	sohoa_vi_forms f;
	size_t pos = 0, a, e;

	if (differ)
		*differ = 0;
	sohoa_vi_forms_init(&f);
	sb_add(&b, "", 0);
	while (!b.oom && sohoa_vi_next_word(s, n, &pos, &a, &e)) {
		const char *w;
		size_t wl;

		if (sohoa_vi_forms_compute(&f, s + a, e - a) != 0) {
			b.oom = 1;
			break;
		}
		if (f.exact_len == 0)
			continue;
		if (differ)
			*differ |= f.differ;
		w = kind == KEY_EXACT ? f.exact : f.folded;
		wl = kind == KEY_EXACT ? f.exact_len : f.folded_len;
		if (kind == KEY_NUMBER) {
			size_t k = 0;

			while (k < wl && w[k] >= '0' && w[k] <= '9')
				k++;
			if (k == wl)    /* all digits: drop leading zeros */
				while (wl > 1 && w[0] == '0') {
					w++;
					wl--;
				}
		}
		if (b.len)
			sb_add(&b, kind == KEY_NUMBER ? "/" : " ", 1);
		sb_add(&b, w, wl);
	}
	sohoa_vi_forms_release(&f);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* ------------------------------------------------ SQL functions */

/* sohoa_words(text, folded): text_key() KEY_EXACT or KEY_FOLDED.
 * sohoa_number_key(text): text_key() KEY_NUMBER.  NULL gives NULL. */
static void
sql_key(sqlite3_context *ctx, int argc, sqlite3_value **argv, enum key_kind kind)
{
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	int n = sqlite3_value_bytes(argv[0]);
	char *k;

	if (!s) {
		sqlite3_result_null(ctx);
		return;
	}
	if (kind != KEY_NUMBER && argc > 1 && sqlite3_value_int(argv[1]))
		kind = KEY_FOLDED;
	k = text_key(s, (size_t)n, kind, NULL);
	if (!k) {
		/* Invalid UTF-8 in the catalog matches nothing rather than
		 * failing the search. */
		if (sohoa_vi_utf8_valid(s, (size_t)n))
			sqlite3_result_error_nomem(ctx);
		else
			sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_text(ctx, k, -1, free);
}

static void
sql_words(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sql_key(ctx, argc, argv, KEY_EXACT);
}

static void
sql_number_key(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	sql_key(ctx, argc, argv, KEY_NUMBER);
}

/*
 * The FTS5 auxiliary function sohoa_hits(docs_fts): the matches of a row in
 * the trích yếu and the text columns as a blob of struct hit, in FTS5's
 * order (by column, then position).  It reads only the row's position
 * lists, never its text: FTS5 would load the whole row from docs_content
 * (every page joined) for that, which is what highlight() and snippet()
 * cost.  fetch_marked() marks the text itself (mark_text).
 */
struct hit {
	int col, start, end, phrase;    /* token positions start..end (inclusive) */
};

static void
aux_hits(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
    int argc, sqlite3_value **argv)
{
	int ninst = 0, rc, n = 0;
	struct hit *h;

	(void)argc;
	(void)argv;
	rc = api->xInstCount(fts, &ninst);
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	h = sqlite3_malloc64((sqlite3_uint64)(ninst > 0 ? ninst : 1) * sizeof *h);
	if (!h) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	for (int i = 0; rc == SQLITE_OK && i < ninst; i++) {
		int phrase, col, off;

		rc = api->xInst(fts, i, &phrase, &col, &off);
		if (rc == SQLITE_OK && (col == 0 || col == BODY_COLUMN)) {
			int size = api->xPhraseSize(fts, phrase);

			h[n++] = (struct hit){ col, off, off + (size > 0 ? size : 1) - 1, phrase };
		}
	}
	if (rc != SQLITE_OK) {
		sqlite3_free(h);
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	sqlite3_result_blob(ctx, h, n * (int)sizeof *h, sqlite3_free);
}

/*
 * Per-query state of sohoa_rank(): the average length of each column, and
 * when the caller says how many of the best rows it keeps (keep > 0), the
 * best scores so far (a min-heap of at most keep), so that a row that
 * cannot be among them is not scored in full (see aux_rank).
 */
#define RANK_KEEP_MAX (RANK_WINDOW + 1000)

struct rank_data {
	double avg_len[NCOLUMNS];
	int keep, nbest;
	double best[];          /* min-heap of nbest <= keep scores */
};

static void
best_sift_down(double *h, int n, int i)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		double t;

		if (l < n && h[l] < h[m])
			m = l;
		if (r < n && h[r] < h[m])
			m = r;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* Adds a row's full score to the best keep scores. */
static void
best_add(struct rank_data *rd, double score)
{
	double *h = rd->best;

	if (rd->nbest < rd->keep) {
		int i = rd->nbest++;

		h[i] = score;
		while (i > 0 && h[(i - 1) / 2] > h[i]) {
			double t = h[i];

			h[i] = h[(i - 1) / 2];
			h[(i - 1) / 2] = t;
			i = (i - 1) / 2;
		}
	} else if (score > h[0]) {
		h[0] = score;
		best_sift_down(h, rd->nbest, 0);
	}
}

/*
 * The FTS5 auxiliary function sohoa_rank(docs_fts, exact[, keep]): higher
 * is better (see column_weight and EXACT_TIER above); exact has one
 * character per phrase of the expression, '1' for an exact form.  Per row
 * it reads each phrase's match positions (xPhraseFirst) and the
 * row's column sizes (one lookup, about half the cost of a row).
 *
 * With keep > 0 the caller keeps only the keep best rows (ORDER BY score
 * DESC LIMIT keep): a row whose score cannot reach the keep best scored so
 * far is not looked up.  Its score is bounded above without the column
 * sizes - a column of length 0 gives each term its largest value - and
 * that bound is returned: it is below keep scores already seen, so the row
 * is not among the keep best, whatever its exact score, and every row
 * that is gets its exact score.  Which rows are kept and their scores are
 * the same as without keep.
 */
static void
aux_rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int argc,
    sqlite3_value **argv)
{
	struct rank_data *rd = api->xGetAuxdata(fts, 0);
	int rc = SQLITE_OK, nphrase = api->xPhraseCount(fts);
	int tf_local[16 * NCOLUMNS], *tf = tf_local;
	int minlen[NCOLUMNS] = { 0 };   /* each column is at least this long */
	double score = 0, terms = 0;
	const char *exact = argc > 0 ? (const char *)sqlite3_value_text(argv[0]) : NULL;
	int nexact = exact ? (int)strlen(exact) : 0;

	if (!rd) {
		sqlite3_int64 rows = 0, total;
		sqlite3_int64 keep = argc > 1 ? sqlite3_value_int64(argv[1]) : 0;

		if (keep < 0 || keep > RANK_KEEP_MAX)
			keep = 0;       /* no pruning */
		rd = sqlite3_malloc64(sizeof *rd + (sqlite3_uint64)keep * sizeof *rd->best);
		if (!rd) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		rd->keep = (int)keep;
		rd->nbest = 0;
		rc = api->xRowCount(fts, &rows);
		for (int c = 0; rc == SQLITE_OK && c < NCOLUMNS; c++) {
			rc = api->xColumnTotalSize(fts, c, &total);
			rd->avg_len[c] = rows > 0 && total > 0 ? (double)total / (double)rows : 1.0;
		}
		if (rc == SQLITE_OK)
			rc = api->xSetAuxdata(fts, rd, sqlite3_free);
		else
			sqlite3_free(rd);
		if (rc != SQLITE_OK) {
			sqlite3_result_error_code(ctx, rc);
			return;
		}
	}
	if (nphrase > 16) {
		tf = sqlite3_malloc64((sqlite3_uint64)nphrase * NCOLUMNS * sizeof *tf);
		if (!tf) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
	}
	memset(tf, 0, (size_t)nphrase * NCOLUMNS * sizeof *tf);
	/* Each phrase's matches straight from its position list (xPhraseFirst):
	 * xInst would first merge every phrase's list into one sorted array of
	 * instances, most of a row's cost (5.2 -> 4.2 ms for a 5,000-row
	 * window at 180k records). */
	for (int ph = 0; rc == SQLITE_OK && ph < nphrase; ph++) {
		Fts5PhraseIter it;
		int col = 0, off = 0;

		rc = api->xPhraseFirst(fts, ph, &it, &col, &off);
		for (; rc == SQLITE_OK && col >= 0; api->xPhraseNext(fts, &it, &col, &off))
			if (col < NCOLUMNS) {
				tf[ph * NCOLUMNS + col]++;
				if (off >= minlen[col])
					minlen[col] = off + 1;
			}
	}
	for (int ph = 0; ph < nphrase && ph < nexact; ph++) {
		if (exact[ph] != '1')
			continue;
		for (int c = 0; c < NCOLUMNS; c++)
			if (tf[ph * NCOLUMNS + c] > 0) {
				score += EXACT_TIER;
				break;
			}
	}
	if (rc == SQLITE_OK && rd->keep > 0 && rd->nbest == rd->keep) {
		/* The bound: the same sums with the least norm each column can
		 * have - its length is at least one past the last match position
		 * in it; IEEE arithmetic is monotonic, so each term is >= its
		 * exact value computed the same way - and a margin for the order
		 * of the sum.  A long document matched far into its text is
		 * bounded close to its exact score, and skipped without the
		 * look-up of its column sizes. */
		double ub = 0;

		for (int c = 0; c < NCOLUMNS; c++) {
			double norm0 = RANK_K1 * (1 - RANK_B + RANK_B * (double)minlen[c]
			    / rd->avg_len[c]);

			if (column_weight[c] == 0)
				continue;
			for (int ph = 0; ph < nphrase; ph++) {
				double f = tf[ph * NCOLUMNS + c];
				if (f > 0)
					ub += column_weight[c] * f * (RANK_K1 + 1) / (f + norm0);
			}
		}
		ub = ub * (1 + 1e-9) + 1e-9;
		ub = score + (ub < TERM_SCORE_MAX ? ub : TERM_SCORE_MAX);
		if (ub < rd->best[0]) {
			if (tf != tf_local)
				sqlite3_free(tf);
			sqlite3_result_double(ctx, ub);
			return;
		}
	}
	for (int c = 0; rc == SQLITE_OK && c < NCOLUMNS; c++) {
		int len = 0;
		double norm;

		if (column_weight[c] == 0)
			continue;
		rc = api->xColumnSize(fts, c, &len);
		norm = RANK_K1 * (1 - RANK_B + RANK_B * (double)len / rd->avg_len[c]);
		for (int ph = 0; ph < nphrase; ph++) {
			double f = tf[ph * NCOLUMNS + c];
			if (f > 0)
				terms += column_weight[c] * f * (RANK_K1 + 1) / (f + norm);
		}
	}
	score += terms < TERM_SCORE_MAX ? terms : TERM_SCORE_MAX;
	if (rc == SQLITE_OK && rd->keep > 0)
		best_add(rd, score);
	if (tf != tf_local)
		sqlite3_free(tf);
	if (rc != SQLITE_OK)
		sqlite3_result_error_code(ctx, rc);
	else
		sqlite3_result_double(ctx, score);
}

/*
 * The window of one search: the ids pass 1 found (filters and access rule
 * applied), newest first.  sohoa_in_window(:window, id) says whether id is
 * one of them, so that the later passes (ranking, counting the exact
 * matches) neither run the filters nor the access rule again: within
 * rowid >= low they are exactly the same records.  The set is passed as a
 * bound pointer of type "sohoa_window", which SQL text cannot forge.
 */
struct window_set {
	sqlite3_int64 *ids;     /* descending */
	size_t n, cap;
};

static void
sql_in_window(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct window_set *w = sqlite3_value_pointer(argv[0], "sohoa_window");
	sqlite3_int64 id = sqlite3_value_int64(argv[1]);
	size_t lo = 0, hi = w ? w->n : 0;

	(void)argc;
	while (lo < hi) {       /* binary search in descending order */
		size_t mid = lo + (hi - lo) / 2;

		if (w->ids[mid] == id) {
			sqlite3_result_int(ctx, 1);
			return;
		}
		if (w->ids[mid] > id)
			lo = mid + 1;
		else
			hi = mid;
	}
	sqlite3_result_int(ctx, 0);
}

static fts5_api *
get_fts5_api(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	return api;
}

/*
 * Registers the functions searches use on the catalog's connection.  The
 * scalar functions are replaced in place when registered again; an FTS5
 * auxiliary function would be added twice, so it is registered only when a
 * statement using it does not prepare.
 */
static sohoa_status
register_functions(sqlite3 *db, sohoa_error *err)
{
	sqlite3_stmt *st = NULL;
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;

	if (sqlite3_create_function_v2(db, "sohoa_words", 2, flags, NULL, sql_words, NULL,
	    NULL, NULL) != SQLITE_OK || sqlite3_create_function_v2(db, "sohoa_number_key", 1,
	    flags, NULL, sql_number_key, NULL, NULL, NULL) != SQLITE_OK
	    || sqlite3_create_function_v2(db, "sohoa_in_window", 2, SQLITE_UTF8
	    | SQLITE_DIRECTONLY, NULL, sql_in_window, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(db, err, "register functions");
	if (sqlite3_prepare_v2(db, "SELECT sohoa_hits(docs_fts), sohoa_rank(docs_fts, '')"
	    " FROM docs_fts WHERE docs_fts MATCH 'x' AND rowid = 0", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_finalize(st);
		return SOHOA_OK;
	}
	sqlite3_finalize(st);
	{
		fts5_api *api = get_fts5_api(db);

		if (!api || api->xCreateFunction(api, "sohoa_rank", NULL, aux_rank,
		    NULL) != SQLITE_OK || api->xCreateFunction(api, "sohoa_hits", NULL, aux_hits,
		    NULL) != SQLITE_OK)
			return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "search: cannot register the ranking functions: %s", sqlite3_errmsg(db));
	}
	return SOHOA_OK;
}

/* ------------------------------------------------------------ indexing */

/* The statements that (re)build one record's row, prepared once per batch.
 * Sticky: once rc is set nothing runs. */
struct indexer {
	sqlite3 *db;
	int rc;
	sqlite3_stmt *del_row, *del_mark, *add_row, *add_mark, *unqueue;
};

static const char *const indexer_sql[5] = {
	/* I1: only a row that was added may be deleted. */
	"DELETE FROM docs_fts WHERE rowid = ?1"
	" AND EXISTS (SELECT 1 FROM docs_indexed WHERE id = ?1)",
	"DELETE FROM docs_indexed WHERE id = ?1",
	"DELETE FROM docs_pending WHERE id = ?1",
	/* The same rule as the triggers' (docs_addable): a record with pages
	 * or fields gets a row. */
	"INSERT INTO docs_fts (rowid, subject, doctype, number, organ, body, meta, keyword,"
	" description) SELECT id, subject, doctype, number, organ, body, meta, keyword,"
	" description FROM docs_source"
	" WHERE id IN (SELECT id FROM docs_addable WHERE id = ?1)",
	"INSERT INTO docs_indexed (id) SELECT id FROM docs_addable WHERE id = ?1",
};

static void
indexer_open(struct indexer *ix, sqlite3 *db)
{
	sqlite3_stmt **st[5] = { &ix->del_row, &ix->del_mark, &ix->unqueue, &ix->add_row,
	    &ix->add_mark };

	memset(ix, 0, sizeof *ix);
	ix->db = db;
	for (int i = 0; i < 5 && ix->rc == SQLITE_OK; i++)
		ix->rc = sqlite3_prepare_v3(db, indexer_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		    st[i], NULL);
}

static void
indexer_step(struct indexer *ix, sqlite3_stmt *st, sqlite3_int64 id)
{
	int r;

	if (ix->rc != SQLITE_OK)
		return;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, id);
	r = sqlite3_step(st);
	if (r != SQLITE_DONE)
		ix->rc = r == SQLITE_ROW ? SQLITE_MISUSE : r;
	sqlite3_reset(st);
}

/* Deletes the record's row if it has one, adds it again from the catalog. */
static void
indexer_record(struct indexer *ix, sqlite3_int64 id)
{
	indexer_step(ix, ix->del_row, id);
	indexer_step(ix, ix->del_mark, id);
	indexer_step(ix, ix->unqueue, id);
	indexer_step(ix, ix->add_row, id);
	indexer_step(ix, ix->add_mark, id);
}

static sohoa_status
indexer_close(struct indexer *ix, sohoa_error *err, const char *what)
{
	sohoa_status st = SOHOA_OK;

	if (ix->rc != SQLITE_OK)
		st = db_error(ix->db, err, what);
	sqlite3_finalize(ix->del_row);
	sqlite3_finalize(ix->del_mark);
	sqlite3_finalize(ix->add_row);
	sqlite3_finalize(ix->add_mark);
	sqlite3_finalize(ix->unqueue);
	return st;
}

/* Up to max queued record ids other than skip, into ids; returns how many. */
static int
queued(sqlite3 *db, sqlite3_int64 skip, sqlite3_int64 *ids, int max)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	if (sqlite3_prepare_v2(db, "SELECT id FROM docs_pending WHERE id <> ?1 ORDER BY id"
	    " LIMIT ?2", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, skip);
	sqlite3_bind_int(st, 2, max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

sohoa_status
sohoa_search_index_record(sohoa_catalog *cat, int64_t id, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	int own = !sohoa_catalog_in_tx(cat);
	struct indexer ix;
	sqlite3_int64 more[CATCH_UP];
	int nmore;
	sohoa_status st;

	/* Outside a transaction take the write lock at once (a deferred one
	 * could fail to upgrade); inside, a savepoint keeps this atomic. */
	if (exec(db, own ? "BEGIN IMMEDIATE" : "SAVEPOINT sohoa_search_index", err) != SOHOA_OK)
		return err ? err->status : SOHOA_FATAL;
	indexer_open(&ix, db);
	indexer_record(&ix, id);
	nmore = ix.rc == SQLITE_OK ? queued(db, id, more, CATCH_UP) : 0;
	for (int i = 0; i < nmore; i++)
		indexer_record(&ix, more[i]);
	st = indexer_close(&ix, err, "index record");
	if (st == SOHOA_OK)
		st = exec(db, own ? "COMMIT" : "RELEASE sohoa_search_index", err);
	if (st != SOHOA_OK) {
		if (own)
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		else
			sqlite3_exec(db, "ROLLBACK TO sohoa_search_index;"
			    " RELEASE sohoa_search_index", NULL, NULL, NULL);
	}
	return st;
}

sohoa_status
sohoa_search_index_pending(sohoa_catalog *cat, long long *done, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_int64 ids[REINDEX_BATCH];
	struct indexer ix;
	sohoa_status st = SOHOA_OK;
	int n;

	if (done)
		*done = 0;
	if (sohoa_catalog_in_tx(cat))
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "search: index_pending inside a transaction");
	while (st == SOHOA_OK && (n = queued(db, 0, ids, REINDEX_BATCH)) > 0) {
		if ((st = exec(db, "BEGIN IMMEDIATE", err)) != SOHOA_OK)
			break;
		indexer_open(&ix, db);
		for (int i = 0; i < n; i++)
			indexer_record(&ix, ids[i]);
		st = indexer_close(&ix, err, "index queued records");
		if (st == SOHOA_OK)
			st = exec(db, "COMMIT", err);
		if (st != SOHOA_OK)
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		else if (done)
			*done += n;
	}
	return st;
}

sohoa_status
sohoa_search_check(sohoa_catalog *cat, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);

	if (sqlite3_exec(db, "INSERT INTO docs_fts(docs_fts, rank) VALUES ('integrity-check', 1)",
	    NULL, NULL, NULL) != SQLITE_OK)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "chỉ mục tìm kiếm không khớp với danh mục; hãy chạy \"sohoa reindex\""
		    " (the search index does not match the catalog: %s)", sqlite3_errmsg(db));
	return SOHOA_OK;
}

static long long
count_of(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK
	    && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

sohoa_status
sohoa_search_indexed_count(sohoa_catalog *cat, long long *n, sohoa_error *err)
{
	catalog_stmt s;

	*n = 0;
	catalog_prepare(&s, cat, "SELECT count(*) FROM docs_indexed");
	if (catalog_step(&s) == SQLITE_ROW)
		*n = catalog_col_int(&s, 0);
	return catalog_finish(&s, err, "count indexed records");
}

sohoa_status
sohoa_search_reindex(sohoa_catalog *cat, sohoa_search_progress progress, void *arg,
    sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *next = NULL;
	sqlite3_int64 last = 0;
	long long total, done = 0;
	struct indexer ix;
	sohoa_status st = SOHOA_OK;

	if (sohoa_catalog_in_tx(cat))
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "search: reindex inside a transaction");
	total = count_of(db, "SELECT count(*) FROM records");
	if (total < 0)
		return db_error(db, err, "count records");
	/* Step 1: empty the index.  Every record goes to the queue, so that an
	 * interrupted rebuild is finished by the next one or, a few at a time,
	 * by the daemon. */
	if (exec(db, "BEGIN IMMEDIATE", err) != SOHOA_OK)
		return err ? err->status : SOHOA_FATAL;
	if (exec(db, "INSERT INTO docs_fts(docs_fts) VALUES ('delete-all');"
	    " DELETE FROM docs_indexed;"
	    " INSERT OR IGNORE INTO docs_pending (id) SELECT id FROM records;", err) != SOHOA_OK
	    || exec(db, "COMMIT", err) != SOHOA_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return err ? err->status : SOHOA_FATAL;
	}
	if (progress)
		progress(arg, 0, total);
	/* Step 2: every record, in id order, a batch per transaction. */
	if (sqlite3_prepare_v2(db, "SELECT id FROM records WHERE id > ?1 ORDER BY id LIMIT ?2",
	    -1, &next, NULL) != SQLITE_OK)
		return db_error(db, err, "reindex");
	for (;;) {
		sqlite3_int64 ids[REINDEX_BATCH];
		int n = 0;

		sqlite3_reset(next);
		sqlite3_bind_int64(next, 1, last);
		sqlite3_bind_int(next, 2, REINDEX_BATCH);
		while (n < REINDEX_BATCH && sqlite3_step(next) == SQLITE_ROW)
			ids[n++] = sqlite3_column_int64(next, 0);
		sqlite3_reset(next);
		if (n == 0)
			break;
		if ((st = exec(db, "BEGIN IMMEDIATE", err)) != SOHOA_OK)
			break;
		indexer_open(&ix, db);
		for (int i = 0; i < n; i++)
			indexer_record(&ix, ids[i]);
		st = indexer_close(&ix, err, "reindex");
		if (st == SOHOA_OK)
			st = exec(db, "COMMIT", err);
		if (st != SOHOA_OK) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			break;
		}
		last = ids[n - 1];
		done += n;
		if (progress)
			progress(arg, done > total ? total : done, total);
	}
	sqlite3_finalize(next);
	if (st != SOHOA_OK)
		return st;
	/* Step 3: merge the segments, a bounded piece of work per transaction
	 * (a negative amount merges whatever there is), until nothing is left. */
	for (;;) {
		int before = sqlite3_total_changes(db);

		if ((st = exec(db, "INSERT INTO docs_fts(docs_fts, rank) VALUES ('merge', -2000)",
		    err)) != SOHOA_OK)
			return st;
		if (sqlite3_total_changes(db) - before <= 1)
			break;
	}
	return SOHOA_OK;
}

/* ------------------------------------------------------------ searching */

void
sohoa_search_results_init(sohoa_search_results *r)
{
	memset(r, 0, sizeof *r);
}

void
sohoa_search_results_release(sohoa_search_results *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->count; i++) {
		sohoa_search_result *x = &r->items[i];

		free(x->name);
		free(x->origin);
		free(x->number);
		free(x->type_code);
		free(x->type_name);
		free(x->date);
		free(x->subject);
		free(x->snippet);
	}
	free(r->items);
	memset(r, 0, sizeof *r);
}

#define BAD(err, ...) sohoa_error_set((err), SOHOA_BAD_INPUT, SOHOA_REASON_NONE, __VA_ARGS__)

/* Appends to m the FTS5 phrase of the folded words of s restricted to one
 * column: {col} : "w1 w2".  The words are letters and digits only, so the
 * quotes cannot be broken out of. */
static void
column_phrase(struct sbuf *m, const char *col, const char *s)
{
	char *k = text_key(s, strlen(s), KEY_FOLDED, NULL);

	if (!k) {
		m->oom = 1;
		return;
	}
	if (!k[0]) {
		free(k);
		return;
	}
	if (m->len)
		sb_str(m, " AND ");
	sb_str(m, "{");
	sb_str(m, col);
	sb_str(m, "} : \"");
	sb_str(m, k);
	sb_str(m, "\"");
	free(k);
}

/* "quyet-dinh": the folded words of a type's name joined by '-', a way to
 * write it that no shell splits.  NULL when out of memory. */
static char *
hyphenated(const char *name)
{
	char *k = text_key(name, strlen(name), KEY_FOLDED, NULL);

	for (char *c = k; c && *c; c++)
		if (*c == ' ')
			*c = '-';
	return k;
}

/*
 * The TT 05 code of the document type the user wrote after loai: - a code,
 * an abbreviation in any case and with or without diacritics ("QĐ", "qd",
 * "CV"), or the name however written ("Quyết định", "quyet-dinh"): fields.h's
 * sohoa_doc_type_lookup() - into code (3 bytes) and name.  When it is none,
 * and the words after it make one ("loai:Quyết định" split by the shell into
 * "loai:Quyết" and "định"), the message says how to quote it.
 */
static sohoa_status
resolve_type(const sohoa_query *q, char code[3], char **name, sohoa_error *err)
{
	const sohoa_doc_type *t = sohoa_doc_type_lookup(q->type);
	struct sbuf joined = { 0 };
	char *hy = NULL;
	sohoa_status rc = SOHOA_OK;

	*name = NULL;
	code[0] = '\0';
	if (t) {
		snprintf(code, 3, "%s", t->code);
		if (!(*name = strdup(t->name)))
			return sohoa_error_oom(err);
		return SOHOA_OK;
	}
	/* The words typed after the value, one more at a time. */
	sb_str(&joined, q->type);
	for (size_t pos = 0, a, e, nw = 0; q->type_next && nw < 3
	    && sohoa_vi_next_word(q->type_next, strlen(q->type_next), &pos, &a, &e); nw++) {
		sb_str(&joined, " ");
		sb_add(&joined, q->type_next + a, e - a);
		if (joined.oom)
			break;
		if ((t = sohoa_doc_type_lookup(joined.p)))
			break;
	}
	if (joined.oom) {
		rc = sohoa_error_oom(err);
	} else if (t) {
		const char *ab = t->abbr ? t->abbr : t->alias;

		hy = hyphenated(t->name);
		rc = BAD(err, "Loại văn bản \"%.60s\" bị tách ở dấu cách (thường do dòng lệnh bỏ "
		    "dấu nháy). Hãy đặt cả bộ lọc trong dấu nháy: sohoa search 'loai:\"%s\"', hoặc "
		    "viết loai:%s%s%s. (The shell split the filter at the space: quote it as "
		    "'loai:\"%s\"', or write loai:%s%s%s.)", joined.p, t->name,
		    hy ? hy : t->code, ab ? " hay loai:" : "", ab ? ab : "", t->name,
		    hy ? hy : t->code, ab ? " or loai:" : "", ab ? ab : "");
	} else {
		rc = BAD(err, "Không biết loại văn bản \"%.60s\". Hãy ghi ký hiệu (loai:QĐ, "
		    "loai:CV), tên không dấu nối bằng gạch ngang (loai:quyet-dinh) hoặc mã loại của "
		    "Thông tư 05 (loai:02); tên có dấu cách phải trong dấu nháy: "
		    "'loai:\"Quyết định\"'. (Unknown document type: write an abbreviation, "
		    "a name such as loai:quyet-dinh, or a code such as loai:02.)", q->type);
	}
	free(joined.p);
	free(hy);
	return rc;
}

/* The plan of one search: the FTS5 expression, the SQL conditions and the
 * values bound to them. */
struct plan {
	sohoa_query q;
	char *fts;              /* the expression FTS5 runs: the words and the
	                         * filter tokens, or the filters alone */
	char *exact;            /* exact_flags() of fts */
	char *fts_match;        /* match_only_expr() of fts */
	char *fts_exact;        /* its exact matches (match_only_expr(, 1)), or
	                         * NULL when no word was typed with diacritics */
	char type_code[3];
	char *type_name;
	char *number_key;       /* so: as text_key(KEY_NUMBER) */
	enum { NUM_FULL, NUM_NUMBER, NUM_NOTATION } number_part;
	char *number_digits;    /* so:'s number without leading zeros */
	char *organ_key;        /* " ubnd xa van binh " */
	int organ_folded;
	char date_from[11], date_to[11];
	int has_dates, empty;
	int dates_exact;        /* the meta tokens decide the dates alone */
	enum { DRIVE_MATCH, DRIVE_FTS, DRIVE_NUMBER, DRIVE_DATE } drive;
	const sohoa_viewer *viewer; /* sohoa_search_run_as: what it may see (access.h) */
};

static void
plan_release(struct plan *p)
{
	sohoa_query_release(&p->q);
	free(p->fts);
	free(p->exact);
	free(p->fts_match);
	free(p->fts_exact);
	free(p->type_name);
	free(p->number_key);
	free(p->number_digits);
	free(p->organ_key);
	memset(p, 0, sizeof *p);
}

/*
 * For each phrase of an expression written by query.c or this file - every
 * phrase is one double-quoted string, in order - '1' when it is an exact
 * form with diacritics (non-ASCII: folded forms are ASCII), else '0'.
 */
static char *
exact_flags(const char *expr)
{
	struct sbuf b = { 0 };
	const char *s = expr;

	sb_add(&b, "", 0);
	while (s && *s) {
		int exact = 0;

		if (*s++ != '"')
			continue;
		for (; *s; s++) {
			if (*s == '"') {
				if (s[1] == '"') {      /* a doubled quote inside */
					s++;
					continue;
				}
				break;
			}
			if ((unsigned char)*s >= 0x80)
				exact = 1;
		}
		if (*s)
			s++;
		sb_add(&b, exact ? "1" : "0", 1);
	}
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* Reads the FTS5 string at s ('"' ... '"', quotes doubled inside) and an
 * optional '*' after it; returns the length, or 0 when there is none. */
static size_t
fts_string_at(const char *s)
{
	size_t i = 1;

	if (s[0] != '"')
		return 0;
	for (;; i++) {
		if (s[i] == '\0')
			return 0;
		if (s[i] == '"') {
			if (s[i + 1] == '"') {
				i++;
				continue;
			}
			break;
		}
	}
	i++;
	if (s[i] == '*')
		i++;
	return i;
}

/*
 * The expression that finds the same documents as expr, cheaper: every
 * ("exact" OR "folded") pair - how query.h asks for a word with diacritics,
 * so that exact spellings rank first - becomes "folded" alone.  The folded
 * form of a word is indexed wherever its exact form is (index_int.h), so the
 * folded phrase matches a superset that is the same set; a pair is replaced
 * only when the second string is checked to be the fold of the first.
 * Used to count and to find the window, where nothing is ranked.
 *
 * With keep_exact, every such pair becomes "exact" alone instead: the
 * expression of the exact matches (search.h), used to count them.
 */
static char *
match_only_expr(const char *expr, int keep_exact)
{
	struct sbuf b = { 0 };
	const char *s = expr;

	sb_add(&b, "", 0);
	while (*s) {
		size_t n1, n2;
		const char *a, *c;

		if (s[0] == '(' && (n1 = fts_string_at(s + 1)) > 0
		    && strncmp(s + 1 + n1, " OR ", 4) == 0
		    && (n2 = fts_string_at(s + 1 + n1 + 4)) > 0 && s[1 + n1 + 4 + n2] == ')') {
			a = s + 1;
			c = s + 1 + n1 + 4;
			if ((a[n1 - 1] == '*') == (c[n2 - 1] == '*')) {
				size_t la = n1 - (a[n1 - 1] == '*') - 2;
				size_t lc = n2 - (c[n2 - 1] == '*') - 2;
				char *fa = sohoa_vi_fold(a + 1, la, NULL);
				char *kc = strndup(c + 1, lc);
				char *ka = fa ? text_key(fa, strlen(fa), KEY_FOLDED, NULL) : NULL;
				char *kk = kc ? text_key(kc, strlen(kc), KEY_FOLDED, NULL) : NULL;
				int same = ka && kk && strcmp(ka, kk) == 0 && strcmp(kk, kc) == 0;

				free(fa);
				free(kc);
				free(ka);
				free(kk);
				if (same) {
					if (keep_exact)
						sb_add(&b, a, n1);
					else
						sb_add(&b, c, n2);
					s += 1 + n1 + 4 + n2 + 1;
					continue;
				}
			}
		}
		if (s[0] == '"' && (n1 = fts_string_at(s)) > 0) {
			sb_add(&b, s, n1);      /* never look for '(' inside a string */
			s += n1;
			continue;
		}
		sb_add(&b, s, 1);
		s++;
	}
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* Most filter tokens one date range becomes; a wider range narrows little
 * and is left to the exact check. */
#define MAX_DATE_TOKENS 60

static int
last_day(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return m >= 1 && m <= 12 ? days[m - 1] : 31;
}

/*
 * Appends to m the meta tokens of issuedDate in [from, to]: whole years as
 * zqyYYYY, the months of partial years as zqmYYYYMM.  Open ends are closed
 * at the oldest and newest issuedDate in the catalog.  Nothing when the
 * range needs too many tokens.  Returns 1 when the tokens say exactly what
 * the range says (it starts on the first of a month and ends on the last
 * day of one: nam:, or tu:/den: on month bounds), so that no per-record
 * check of the date is needed; else 0.
 */
static int
date_tokens(sqlite3 *db, struct sbuf *m, const char *from, const char *to)
{
	int df = 1, dt = 31, exact;
	sqlite3_stmt *st = NULL;
	int yf, mf, yt, mt, lo = 0, hi = 0, n = 0;
	char tok[32];
	struct sbuf t = { 0 };

	/* Two subqueries: each is one seek in fields_name_value, where
	 * min() and max() in one SELECT read every issuedDate. */
	if (sqlite3_prepare_v2(db, "SELECT (SELECT min(value) FROM fields"
	    " WHERE name = 'issuedDate'), (SELECT max(value) FROM fields"
	    " WHERE name = 'issuedDate')", -1, &st, NULL) == SQLITE_OK
	    && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		lo = atoi((const char *)sqlite3_column_text(st, 0));
		hi = atoi((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (lo <= 0 || hi <= 0)
		return 0;       /* no dates at all: the exact check finds nothing */
	if (sscanf(from, "%4d-%2d-%2d", &yf, &mf, &df) != 3
	    || sscanf(to, "%4d-%2d-%2d", &yt, &mt, &dt) != 3)
		return 0;
	exact = df == 1 && dt == last_day(yt, mt);
	if (yf < lo) {
		yf = lo;
		mf = 1;
	}
	if (yt > hi) {
		yt = hi;
		mt = 12;
	}
	if (mf < 1)
		mf = 1;
	if (mt > 12)
		mt = 12;
	if (yf > yt || (yf == yt && mf > mt))
		return 0;
	for (int y = yf; y <= yt && n <= MAX_DATE_TOKENS; y++) {
		int m1 = y == yf ? mf : 1, m2 = y == yt ? mt : 12;

		if (m1 == 1 && m2 == 12) {
			snprintf(tok, sizeof tok, "%s\"zqy%04d\"", n ? " OR " : "", y);
			sb_str(&t, tok);
			n++;
			continue;
		}
		for (int mo = m1; mo <= m2; mo++, n++) {
			snprintf(tok, sizeof tok, "%s\"zqm%04d%02d\"", n ? " OR " : "", y, mo);
			sb_str(&t, tok);
		}
	}
	if (n > 0 && n <= MAX_DATE_TOKENS && !t.oom) {
		if (m->len)
			sb_str(m, " AND ");
		sb_str(m, "{meta} : (");
		sb_str(m, t.p);
		sb_str(m, ")");
	} else {
		exact = 0;
	}
	if (t.oom)
		m->oom = 1;
	free(t.p);
	return exact;
}

static sohoa_status
plan_make(sqlite3 *db, const char *text, size_t len, struct plan *p, sohoa_error *err)
{
	struct sbuf pre = { 0 }, meta = { 0 }, fts = { 0 };
	sohoa_status st;

	memset(p, 0, sizeof *p);
	if ((st = sohoa_query_parse(text, len, &p->q, err)) != SOHOA_OK)
		return st;
	if (p->q.type) {
		char tok[32];

		if ((st = resolve_type(&p->q, p->type_code, &p->type_name, err)) != SOHOA_OK)
			return st;
		snprintf(tok, sizeof tok, "{meta} : \"zqt%s\"", p->type_code);
		sb_str(&meta, tok);
	}
	if (p->q.number) {
		const char *slash = strchr(p->q.number, '/');
		size_t k = 0;

		p->number_key = text_key(p->q.number, strlen(p->q.number), KEY_NUMBER, NULL);
		if (!p->number_key)
			goto oom;
		if (!p->number_key[0]) {
			st = BAD(err, "Số/ký hiệu \"%.60s\" không có chữ hay số nào. Hãy ghi như "
			    "so:15/QĐ-UBND.", p->q.number);
			goto out;
		}
		while (p->q.number[k] >= '0' && p->q.number[k] <= '9')
			k++;
		if (slash)
			p->number_part = NUM_FULL;
		else if (p->q.number[k] == '\0')
			p->number_part = NUM_NUMBER;
		else
			p->number_part = NUM_NOTATION;
		if (k > 0 && p->number_part != NUM_NOTATION) {
			const char *d = p->q.number;

			while (k > 1 && *d == '0') {
				d++;
				k--;
			}
			p->number_digits = strndup(d, k);
			if (!p->number_digits)
				goto oom;
		} else {
			column_phrase(&pre, "number", p->q.number);
		}
	}
	if (p->q.organ) {
		int differ = 0;
		char *k = text_key(p->q.organ, strlen(p->q.organ), KEY_EXACT, &differ);
		size_t n;

		/* Typed with diacritics: compare exact forms; without: folded. */
		p->organ_folded = !differ;
		free(k);
		k = text_key(p->q.organ, strlen(p->q.organ),
		    p->organ_folded ? KEY_FOLDED : KEY_EXACT, NULL);
		if (!k)
			goto oom;
		if (!k[0]) {
			free(k);
			st = BAD(err, "Tên cơ quan \"%.60s\" không có chữ nào. Hãy ghi như "
			    "coquan:\"Văn Bình\".", p->q.organ);
			goto out;
		}
		n = strlen(k);
		p->organ_key = malloc(n + 3);
		if (!p->organ_key) {
			free(k);
			goto oom;
		}
		p->organ_key[0] = ' ';
		memcpy(p->organ_key + 1, k, n);
		memcpy(p->organ_key + 1 + n, " ", 2);
		free(k);
		column_phrase(&pre, "organ", p->q.organ);
	}
	/* Dates: tu:, den: and nam: together make one range. */
	if (p->q.date_from[0] || p->q.year) {
		char y[16];

		snprintf(y, sizeof y, "%04d-01-01", p->q.year);
		memcpy(p->date_from, p->q.year && (!p->q.date_from[0]
		    || strcmp(y, p->q.date_from) > 0) ? y : p->q.date_from, 11);
		p->has_dates = 1;
	}
	if (p->q.date_to[0] || p->q.year) {
		char y[16];

		snprintf(y, sizeof y, "%04d-12-31", p->q.year);
		memcpy(p->date_to, p->q.year && (!p->q.date_to[0]
		    || strcmp(y, p->q.date_to) < 0) ? y : p->q.date_to, 11);
		p->has_dates = 1;
	}
	if (p->has_dates) {
		if (!p->date_from[0])
			memcpy(p->date_from, "0000-01-01", 11);
		if (!p->date_to[0])
			memcpy(p->date_to, "9999-12-31", 11);
		if (strcmp(p->date_from, p->date_to) > 0)
			p->empty = 1;   /* nam:2024 tu:2025-01-01: nothing, not an error */
		else
			p->dates_exact = date_tokens(db, &meta, p->date_from, p->date_to);
	}

	/* What FTS5 runs, and what drives a query of filters only: a number
	 * through the fields index, an organ, a notation or a type through
	 * docs_fts, dates through the fields index. */
	if (p->q.match) {
		p->drive = DRIVE_MATCH;
		sb_str(&fts, "(");
		sb_str(&fts, p->q.match);
		sb_str(&fts, ")");
		if (meta.len) {
			sb_str(&fts, " AND ");
			sb_add(&fts, meta.p, meta.len);
		}
	} else if (p->number_digits) {
		p->drive = DRIVE_NUMBER;
	} else if (pre.len || p->q.type) {
		p->drive = DRIVE_FTS;
		sb_add(&fts, pre.p ? pre.p : "", pre.len);
		if (meta.len) {
			if (fts.len)
				sb_str(&fts, " AND ");
			sb_add(&fts, meta.p, meta.len);
		}
	} else {
		p->drive = DRIVE_DATE;
	}
	if (pre.oom || meta.oom || fts.oom)
		goto oom;
	p->fts = fts.p;
	fts.p = NULL;
	p->exact = exact_flags(p->fts);
	p->fts_match = p->fts ? match_only_expr(p->fts, 0) : NULL;
	if (p->drive == DRIVE_MATCH && p->q.exact_terms > 0) {
		p->fts_exact = match_only_expr(p->fts, 1);
		if (!p->fts_exact)
			goto oom;
	}
	if (!p->exact || (p->fts && !p->fts_match))
		goto oom;
	st = SOHOA_OK;
	goto out;
oom:
	st = sohoa_error_oom(err);
out:
	free(pre.p);
	free(meta.p);
	free(fts.p);
	return st;
}

/*
 * Writes "FROM ... WHERE ..." for the plan: the driver (with the expression
 * for ranking, the cheaper one that finds the same records, or the one of
 * the exact matches), then every filter as an exact condition on the record
 * id.  Only fixed text goes into the SQL; values are named parameters bound
 * by bind_plan().
 */
enum expr_kind { EXPR_FIND, EXPR_RANK, EXPR_EXACT };

/*
 * With windowed (only where FTS5 drives, after pass 1 found the window), the
 * filters and the access rule are replaced by membership of the window
 * (sohoa_in_window): together with f.rowid >= :low, which the caller adds,
 * it is the same set of records, found without a lookup per record.
 */
static void
plan_from_where(struct sbuf *s, const struct plan *p, enum expr_kind which, int windowed)
{
	const char *x;
	int fts_drive = p->drive == DRIVE_MATCH || p->drive == DRIVE_FTS;

	switch (p->drive) {
	case DRIVE_MATCH:
	case DRIVE_FTS:
		/* Ranking needs the exact forms; finding needs only the folded. */
		sb_str(s, " FROM docs_fts f");
		if (p->viewer && !windowed)
			access_sql_join(s, "f.rowid");
		sb_str(s, which == EXPR_RANK ? " WHERE docs_fts MATCH :fts"
		    : which == EXPR_EXACT ? " WHERE docs_fts MATCH :fts_exact"
		    : " WHERE docs_fts MATCH :fts_match");
		x = "f.rowid";
		if (windowed) {
			sb_str(s, " AND sohoa_in_window(:window, f.rowid)");
			return;
		}
		break;
	case DRIVE_NUMBER:
		sb_str(s, " FROM fields d WHERE d.name = 'codeNumber'"
		    " AND d.value IN (:n1, :n2, :n3)");
		x = "d.record_id";
		break;
	default:
		sb_str(s, " FROM fields d WHERE d.name = 'issuedDate'"
		    " AND d.value BETWEEN :from AND :to");
		x = "d.record_id";
		break;
	}
#define COND(...) do { const char *parts_[] = { __VA_ARGS__ }; \
	for (size_t i_ = 0; i_ < sizeof parts_ / sizeof *parts_; i_++) \
		sb_str(s, parts_[i_]); } while (0)
	/* The meta tokens of the type (always) and of dates on month bounds
	 * decide alone where FTS5 drives: they are made from the same fields
	 * (003-search.sql) and kept current by its triggers. */
	if (p->q.type && !fts_drive)
		COND(" AND (SELECT type_code FROM docs_meta WHERE id = ", x, ") = :type");
	if (p->q.number) {
		const char *expr = p->number_part == NUM_FULL
		    ? "coalesce(code_number, '') || '/' || coalesce(code_notation, '')"
		    : p->number_part == NUM_NUMBER ? "code_number" : "code_notation";
		COND(" AND (SELECT sohoa_number_key(", expr, ") FROM docs_meta WHERE id = ", x,
		    ") = :number");
	}
	if (p->q.organ)
		COND(" AND instr(' ' || (SELECT sohoa_words(organ_name, :ofold) FROM docs_meta"
		    " WHERE id = ", x, ") || ' ', :organ) > 0");
	if (p->has_dates && p->drive != DRIVE_DATE && !(fts_drive && p->dates_exact))
		COND(" AND EXISTS (SELECT 1 FROM fields WHERE record_id = ", x,
		    " AND name = 'issuedDate' AND value BETWEEN :from AND :to)");
	if (p->viewer && fts_drive)
		access_sql_where_joined(s, p->q.match != NULL);
	else if (p->viewer)
		access_sql_where(s, x, p->q.match != NULL);
	if (p->empty)
		sb_str(s, " AND 0");
#undef COND
}

/* The newest first: issuedDate, else the day the record was created. */
#define SORT_DATE(x) "coalesce((SELECT value FROM fields WHERE record_id = " x \
	" AND name = 'issuedDate'), (SELECT substr(created_at, 1, 10) FROM records" \
	" WHERE id = " x "))"

static int
bind_plan(sqlite3_stmt *st, const struct plan *p)
{
	int rc = SQLITE_OK;
	char n2[16], n3[16];

#define BIND_TEXT(name, v) do { int i_ = sqlite3_bind_parameter_index(st, name); \
	if (i_ > 0 && rc == SQLITE_OK) rc = sqlite3_bind_text(st, i_, (v), -1, \
	SQLITE_TRANSIENT); } while (0)
	BIND_TEXT(":fts", p->fts);
	BIND_TEXT(":fts_match", p->fts_match);
	BIND_TEXT(":fts_exact", p->fts_exact);
	BIND_TEXT(":exact", p->exact);
	BIND_TEXT(":type", p->type_code);
	BIND_TEXT(":number", p->number_key);
	BIND_TEXT(":organ", p->organ_key);
	BIND_TEXT(":from", p->date_from);
	BIND_TEXT(":to", p->date_to);
	if (p->number_digits) {
		/* codeNumber as written: "5", "05" or "005". */
		snprintf(n2, sizeof n2, "0%.10s", p->number_digits);
		snprintf(n3, sizeof n3, "00%.10s", p->number_digits);
		BIND_TEXT(":n1", p->number_digits);
		BIND_TEXT(":n2", n2);
		BIND_TEXT(":n3", n3);
	}
#undef BIND_TEXT
	if (rc == SQLITE_OK && sqlite3_bind_parameter_index(st, ":ofold") > 0)
		rc = sqlite3_bind_int(st, sqlite3_bind_parameter_index(st, ":ofold"),
		    p->organ_folded);
	if (rc == SQLITE_OK && p->viewer)
		rc = access_sql_bind(st, p->viewer);
	return rc;
}

static int
bind_int_named(sqlite3_stmt *st, const char *name, sqlite3_int64 v)
{
	int i = sqlite3_bind_parameter_index(st, name);

	return i > 0 ? sqlite3_bind_int64(st, i, v) : SQLITE_OK;
}

static int
bind_window(sqlite3_stmt *st, struct window_set *win)
{
	int i = sqlite3_bind_parameter_index(st, ":window");

	return i > 0 ? sqlite3_bind_pointer(st, i, win, "sohoa_window", NULL) : SQLITE_OK;
}

/* Maps a failure while running a search: a MATCH that FTS5 refuses can only
 * come from the query (the compiler should make that impossible), so it is
 * the user's; anything else is the catalog's. */
static sohoa_status
search_error(sqlite3 *db, sohoa_error *err, const char *what)
{
	int primary = sqlite3_extended_errcode(db) & 0xff;

	if (primary == SQLITE_ERROR && strstr(sqlite3_errmsg(db), "fts5"))
		return BAD(err, "Không hiểu được câu tìm kiếm. Hãy dùng các từ, \"cụm từ\", "
		    "-từ, tiền tố* và bộ lọc loai:, so:, coquan:, tu:, den:, nam:.");
	return db_error(db, err, what);
}

/* Removes the marker characters from a value shown beside marked text. */
static void
strip_marks(char *s)
{
	char *w = s;

	if (!s)
		return;
	for (; *s; s++)
		if (*s != SOHOA_SEARCH_MARK_ON && *s != SOHOA_SEARCH_MARK_OFF)
			*w++ = *s;
	*w = '\0';
}

/* The opening of a text, about n bytes cut at a space, for results of
 * filter-only queries (which have no matched words). */
static char *
opening(const char *s, size_t n)
{
	size_t len = s ? strlen(s) : 0, cut = len;
	char *r;

	if (len > n) {
		cut = n;
		while (cut > n / 2 && s[cut] != ' ' && s[cut] != '\n')
			cut--;
		while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
	}
	r = malloc(cut + 4);
	if (!r)
		return NULL;
	memcpy(r, s ? s : "", cut);
	memcpy(r + cut, cut < len ? "…" : "", cut < len ? 4 : 1);
	return r;
}

static int
id_desc(const void *a, const void *b)
{
	sqlite3_int64 x = *(const sqlite3_int64 *)a, y = *(const sqlite3_int64 *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

/*
 * Marking text without FTS5's highlight() and snippet(), which read the
 * whole row (every page of the record joined, through docs_content) and
 * tokenize all of it for every result shown.  Here the matches come from
 * the position lists (sohoa_hits), the trích yếu is read on its own, and
 * the pages are read in order only up to the page of the first match in
 * the text; each is tokenized by the same sohoa_vi tokenizer as the index,
 * so that a match's token position names the same word.
 *
 * The trích yếu is marked as highlight() marks it.  The snippet differs
 * from snippet()'s in three ways: it never crosses a page (it is taken from
 * the page of the first match, the page the result names), the best window
 * of SNIPPET_TOKENS words (most distinct matched words, then the earliest)
 * is not moved to a sentence start, and a result matched outside the text
 * shows the opening of its first page.
 */
struct span {
	int start, end;                 /* byte offsets of one token */
};

struct spans {
	struct span *v;
	int n, cap, oom;
};

static int
span_token(void *arg, int flags, const char *tok, int ntok, int start, int end)
{
	struct spans *s = arg;

	(void)tok;
	(void)ntok;
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	if (s->n == s->cap) {
		int cap = s->cap ? 2 * s->cap : 256;
		struct span *v = realloc(s->v, (size_t)cap * sizeof *v);

		if (!v) {
			s->oom = 1;
			return SQLITE_NOMEM;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = (struct span){ start, end };
	return SQLITE_OK;
}

/* A sohoa_vi tokenizer of the connection, for marking. */
struct marker {
	fts5_tokenizer tk;
	Fts5Tokenizer *tok;
};

static int
marker_open(sqlite3 *db, struct marker *m)
{
	fts5_api *api = get_fts5_api(db);
	void *ud = NULL;
	int rc;

	m->tok = NULL;
	if (!api)
		return SQLITE_ERROR;
	rc = api->xFindTokenizer(api, SOHOA_INDEX_TOKENIZER, &ud, &m->tk);
	if (rc == SQLITE_OK)
		rc = m->tk.xCreate(ud, NULL, 0, &m->tok);
	return rc;
}

static void
marker_close(struct marker *m)
{
	if (m->tok)
		m->tk.xDelete(m->tok);
	m->tok = NULL;
}

/* The tokens of text[0..len) into s (emptied first). */
static int
marker_tokens(struct marker *m, const char *text, int len, struct spans *s)
{
	int rc;

	s->n = 0;
	rc = m->tk.xTokenize(m->tok, s, FTS5_TOKENIZE_AUX, text, len, span_token);
	return s->oom ? SQLITE_NOMEM : rc;
}

static const char ellipsis[] = "…";

/*
 * Appends to b the tokens w0..w1 of text (tokens t, all of it when w0 is
 * 0 and w1 the last token, with an ellipsis where something is left out)
 * with the matches of column col marked; a match's positions are those of
 * the column, base is the position of t[0] in it.  Overlapping matches are
 * marked once, as highlight() does.
 */
static void
mark_text(struct sbuf *b, const char *text, int len, const struct spans *t, int w0, int w1,
    const struct hit *h, int nh, int col, int base)
{
	static const char on[1] = { SOHOA_SEARCH_MARK_ON }, off[1] = { SOHOA_SEARCH_MARK_OFF };
	int cur, i = 0;

	if (t->n == 0) {
		sb_add(b, text, (size_t)len);
		return;
	}
	if (w1 > t->n - 1)
		w1 = t->n - 1;
	if (w0 > w1)
		w0 = w1;
	cur = w0 > 0 ? t->v[w0].start : 0;
	if (w0 > 0)
		sb_add(b, ellipsis, sizeof ellipsis - 1);
	while (i < nh) {
		int s, e;

		if (h[i].col != col) {
			i++;
			continue;
		}
		s = h[i].start - base;
		e = h[i].end - base;
		for (i++; i < nh; i++) {
			if (h[i].col != col)
				continue;
			if (h[i].start - base > e)
				break;
			if (h[i].end - base > e)
				e = h[i].end - base;
		}
		if (e < w0 || s > w1)
			continue;
		if (s < w0)
			s = w0;
		if (e > w1)
			e = w1;
		sb_add(b, text + cur, (size_t)(t->v[s].start - cur));
		sb_add(b, on, 1);
		sb_add(b, text + t->v[s].start, (size_t)(t->v[e].end - t->v[s].start));
		sb_add(b, off, 1);
		cur = t->v[e].end;
	}
	if (w1 >= t->n - 1) {
		sb_add(b, text + cur, (size_t)(len - cur));
	} else {
		sb_add(b, text + cur, (size_t)(t->v[w1].end - cur));
		sb_add(b, ellipsis, sizeof ellipsis - 1);
	}
}

/*
 * The window of SNIPPET_TOKENS tokens of a page of n tokens (base: the
 * position of its first) shown for the matches h: of the windows starting
 * at a match on the page, the one with the most distinct phrases (then the
 * most matches, then the earliest), centred on its matches as snippet()
 * centres them.  *w0 is page-relative.
 */
static void
snippet_window(const struct hit *h, int nh, int base, int n, int *w0)
{
	int best = -1, best_first = 0, best_last = 0;

	*w0 = 0;
	for (int i = 0; i < nh; i++) {
		int ws, we, score = 0, first = -1, last = -1;

		if (h[i].col != BODY_COLUMN || h[i].start < base || h[i].start >= base + n)
			continue;
		ws = h[i].start;
		we = ws + SNIPPET_TOKENS - 1;
		for (int j = i; j < nh; j++) {
			int seen = 0;

			if (h[j].col != BODY_COLUMN || h[j].start < ws || h[j].end > we)
				continue;
			for (int k = i; k < j; k++)
				if (h[k].col == BODY_COLUMN && h[k].start >= ws && h[k].end <= we
				    && h[k].phrase == h[j].phrase)
					seen = 1;
			score += seen ? 1 : 1000;
			if (first < 0)
				first = h[j].start;
			last = h[j].end;
		}
		if (score > best) {
			best = score;
			best_first = first - base;
			best_last = last - base;
		}
	}
	if (best >= 0) {
		int adj = best_first - (SNIPPET_TOKENS - (best_last - best_first)) / 2;

		if (adj + SNIPPET_TOKENS > n)
			adj = n - SNIPPET_TOKENS;
		*w0 = adj < 0 ? 0 : adj;
	}
}

/* The marked trích yếu of result r from its hits h. */
static int
mark_subject(sqlite3_stmt *subj, struct marker *m, struct spans *t, sohoa_search_result *r,
    const struct hit *h, int nh)
{
	struct sbuf b = { 0 };
	const char *text;
	int len, rc;

	sqlite3_reset(subj);
	sqlite3_bind_int64(subj, 1, r->id);
	rc = sqlite3_step(subj);
	if (rc == SQLITE_DONE)
		return SQLITE_OK;
	if (rc != SQLITE_ROW)
		return rc;
	text = (const char *)sqlite3_column_text(subj, 0);
	len = sqlite3_column_bytes(subj, 0);
	if (!text)
		return sqlite3_errcode(sqlite3_db_handle(subj)) == SQLITE_NOMEM
		    ? SQLITE_NOMEM : SQLITE_OK;
	rc = marker_tokens(m, text, len, t);
	if (rc != SQLITE_OK)
		return rc;
	sb_add(&b, "", 0);
	mark_text(&b, text, len, t, 0, t->n - 1, h, nh, 0, 0);
	if (b.oom) {
		free(b.p);
		return SQLITE_NOMEM;
	}
	r->subject = b.p;
	return SQLITE_OK;
}

/* The page of the first match in the text of result r and the snippet
 * from it (the opening of the first page when the text has no match). */
static int
mark_snippet(sqlite3_stmt *pages, struct marker *m, struct spans *t,
    sohoa_search_result *r, const struct hit *h, int nh)
{
	struct sbuf b = { 0 };
	int first = -1, base = 0, page = 0, rc;

	for (int i = 0; i < nh; i++)
		if (h[i].col == BODY_COLUMN && (first < 0 || h[i].start < first))
			first = h[i].start;
	sqlite3_reset(pages);
	sqlite3_bind_int64(pages, 1, r->id);
	sb_add(&b, "", 0);
	while ((rc = sqlite3_step(pages)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(pages, 0);
		int len = sqlite3_column_bytes(pages, 0), w0 = 0;

		if (!text)
			continue;       /* group_concat() skips it too */
		page++;
		rc = marker_tokens(m, text, len, t);
		if (rc != SQLITE_OK)
			break;
		if (first >= 0 && first >= base + t->n) {
			base += t->n;
			continue;
		}
		if (first >= 0)
			snippet_window(h, nh, base, t->n, &w0);
		mark_text(&b, text, len, t, w0, w0 + SNIPPET_TOKENS - 1, h, nh, BODY_COLUMN,
		    base);
		r->page = first >= 0 ? page : 0;
		rc = SQLITE_DONE;
		break;
	}
	sqlite3_reset(pages);
	if (rc != SQLITE_DONE || b.oom) {
		free(b.p);
		return b.oom ? SQLITE_NOMEM : rc;
	}
	r->snippet = b.p;
	return SQLITE_OK;
}

/*
 * The marked trích yếu, snippet and page of every result of a query with
 * words: their matches in one pass over the matches between the lowest and
 * the highest result id (FTS5 sets up a query once, not once per result;
 * sohoa_hits runs only for the results, which sohoa_in_window picks), then
 * their text.  A result the expression does not match keeps subject NULL.
 */
static int
fetch_marked(sqlite3 *db, const char *expr, sohoa_search_results *out)
{
	struct window_set ids = { 0 };
	sqlite3_stmt *text = NULL, *subj = NULL, *pages = NULL;
	struct hit **hits;
	int *nhits;
	struct marker m = { 0 };
	struct spans t = { 0 };
	int rc;

	if (out->count == 0)
		return SQLITE_OK;
	ids.ids = malloc(out->count * sizeof *ids.ids);
	hits = calloc(out->count, sizeof *hits);
	nhits = calloc(out->count, sizeof *nhits);
	if (!ids.ids || !hits || !nhits) {
		free(ids.ids);
		free(hits);
		free(nhits);
		return SQLITE_NOMEM;
	}
	for (size_t i = 0; i < out->count; i++) {
		ids.ids[ids.n++] = out->items[i].id;
		nhits[i] = -1;  /* not matched */
	}
	qsort(ids.ids, ids.n, sizeof *ids.ids, id_desc);
	rc = sqlite3_prepare_v2(db, "SELECT rowid, sohoa_hits(docs_fts)"
	    " FROM docs_fts WHERE docs_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3"
	    " AND sohoa_in_window(?4, rowid)", -1, &text, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(text, 1, expr, -1, SQLITE_STATIC);
		sqlite3_bind_int64(text, 2, ids.ids[ids.n - 1]);
		sqlite3_bind_int64(text, 3, ids.ids[0]);
		sqlite3_bind_pointer(text, 4, &ids, "sohoa_window", NULL);
	}
	while (rc == SQLITE_OK && (rc = sqlite3_step(text)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(text, 0);
		const void *blob = sqlite3_column_blob(text, 1);
		int n = sqlite3_column_bytes(text, 1) / (int)sizeof(struct hit);

		rc = SQLITE_OK;
		for (size_t i = 0; rc == SQLITE_OK && i < out->count; i++) {
			if (out->items[i].id != id || nhits[i] >= 0)
				continue;
			hits[i] = malloc(n > 0 ? (size_t)n * sizeof **hits : 1);
			if (!hits[i]) {
				rc = SQLITE_NOMEM;
				break;
			}
			if (n > 0)
				memcpy(hits[i], blob, (size_t)n * sizeof **hits);
			nhits[i] = n;
		}
	}
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "SELECT subject FROM docs_meta WHERE id = ?1", -1,
		    &subj, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "SELECT text FROM pages WHERE record_id = ?1"
		    " ORDER BY page_no", -1, &pages, NULL);
	if (rc == SQLITE_OK)
		rc = marker_open(db, &m);
	for (size_t i = 0; rc == SQLITE_OK && i < out->count; i++) {
		if (nhits[i] < 0)
			continue;
		rc = mark_subject(subj, &m, &t, &out->items[i], hits[i], nhits[i]);
		if (rc == SQLITE_OK)
			rc = mark_snippet(pages, &m, &t, &out->items[i], hits[i], nhits[i]);
	}
	marker_close(&m);
	free(t.v);
	sqlite3_finalize(text);
	sqlite3_finalize(subj);
	sqlite3_finalize(pages);
	for (size_t i = 0; i < out->count; i++)
		free(hits[i]);
	free(hits);
	free(nhits);
	free(ids.ids);
	return rc;
}

/* Fills in what a result shows, for the ids already in out->items. */
static sohoa_status
fetch_details(sqlite3 *db, const struct plan *p, sohoa_search_results *out, sohoa_error *err)
{
	sqlite3_stmt *meta = NULL;
	/* Only the words of a query are worth marking; a filter-only query shows
	 * the opening of the first page.  The words with the filter tokens
	 * (p->fts): those are in the meta column alone, so they mark nothing,
	 * but FTS5 then walks only the filtered matches between the lowest and
	 * the highest result id (33 -> 13 ms for "nam:2023 dat"). */
	const char *expr = p->drive == DRIVE_MATCH ? p->fts : NULL;
	int rc;

	/* The trích yếu and the opening of the first page only where they are
	 * shown as they are (a query of filters only). */
	rc = sqlite3_prepare_v2(db, expr ? "SELECT m.name, m.origin, m.code_number,"
	    " m.code_notation, m.type_code, t.name, m.issued_date"
	    " FROM docs_meta m LEFT JOIN doc_types t ON t.code = m.type_code WHERE m.id = ?1"
	    : "SELECT m.name, m.origin, m.code_number, m.code_notation,"
	    " m.type_code, t.name, m.issued_date, m.subject,"
	    " (SELECT substr(text, 1, 400) FROM pages WHERE record_id = m.id"
	    "  ORDER BY page_no LIMIT 1)"
	    " FROM docs_meta m LEFT JOIN doc_types t ON t.code = m.type_code WHERE m.id = ?1",
	    -1, &meta, NULL);
	if (rc == SQLITE_OK && expr)
		rc = fetch_marked(db, expr, out);
	for (size_t i = 0; rc == SQLITE_OK && i < out->count; i++) {
		sohoa_search_result *r = &out->items[i];
		const unsigned char *num, *nota;
		int oom = 0;

		sqlite3_reset(meta);
		sqlite3_bind_int64(meta, 1, r->id);
		rc = sqlite3_step(meta);
		if (rc != SQLITE_ROW)
			break;
		rc = SQLITE_OK;
		r->name = dup_text(sqlite3_column_text(meta, 0));
		r->origin = dup_text(sqlite3_column_text(meta, 1));
		num = sqlite3_column_text(meta, 2);
		nota = sqlite3_column_text(meta, 3);
		if (num || nota) {
			size_t n = (num ? strlen((const char *)num) : 0)
			    + (nota ? strlen((const char *)nota) : 0) + 2;

			r->number = malloc(n);
			if (r->number)
				snprintf(r->number, n, "%s/%s", num ? (const char *)num : "",
				    nota ? (const char *)nota : "");
			oom |= !r->number;
		}
		r->type_code = dup_text(sqlite3_column_text(meta, 4));
		r->type_name = dup_text(sqlite3_column_text(meta, 5));
		r->date = dup_text(sqlite3_column_text(meta, 6));
		if (!expr) {
			r->subject = dup_text(sqlite3_column_text(meta, 7));
			strip_marks(r->subject);
			r->snippet = opening((const char *)sqlite3_column_text(meta, 8), 240);
			strip_marks(r->snippet);
			oom |= !r->snippet;
		} else {
			if (!r->snippet)
				r->snippet = strdup("");
			oom |= !r->snippet;
		}
		oom |= !r->name || !r->origin;
		if (oom)
			rc = SQLITE_NOMEM;
	}
	if (rc != SQLITE_OK && rc != SQLITE_DONE) {
		sohoa_status st = rc == SQLITE_NOMEM
		    ? sohoa_error_oom(err)
		    : search_error(db, err, "search details");
		sqlite3_finalize(meta);
		return st;
	}
	sqlite3_finalize(meta);
	return SOHOA_OK;
}

/*
 * How many of the out->total matches (those with ids from low up) are exact
 * matches: all of them when no word was typed with diacritics, else those
 * the exact expression finds - a subset of the matches, since a word's
 * folded form is indexed wherever its exact form is.
 */
static sohoa_status
count_exact(sqlite3 *db, const struct plan *p, sqlite3_int64 low, struct window_set *win,
    sohoa_search_results *out, sohoa_error *err)
{
	struct sbuf sql = { 0 };
	sqlite3_stmt *st = NULL;
	sohoa_status rc = SOHOA_OK;

	out->exact_total = out->total;
	if (p->fts_exact && out->total > 0) {
		sb_str(&sql, "SELECT count(*) FROM (SELECT f.rowid");
		plan_from_where(&sql, p, EXPR_EXACT, 1);
		sb_str(&sql, " AND f.rowid >= :low LIMIT :wmax)");
		if (sql.oom) {
			free(sql.p);
			return sohoa_error_oom(err);
		}
		if (sqlite3_prepare_v2(db, sql.p, -1, &st, NULL) != SQLITE_OK
		    || bind_plan(st, p) != SQLITE_OK || bind_int_named(st, ":low", low) != SQLITE_OK
		    || bind_window(st, win) != SQLITE_OK
		    || bind_int_named(st, ":wmax", RANK_WINDOW) != SQLITE_OK
		    || sqlite3_step(st) != SQLITE_ROW)
			rc = search_error(db, err, "search");
		else
			out->exact_total = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		free(sql.p);
	}
	if (out->exact_total > out->total)
		out->exact_total = out->total;
	out->approximate_total = out->total - out->exact_total;
	return rc;
}

static sohoa_status
search_run(sohoa_catalog *cat, const char *text, size_t len, int limit, int offset,
    const sohoa_viewer *viewer, sohoa_search_results *out, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	struct plan p;
	struct sbuf where = { 0 }, ranked = { 0 }, sql = { 0 };
	sqlite3_stmt *st = NULL;
	sqlite3_int64 low = 0;
	struct window_set win = { 0 };
	sohoa_status rc;
	const char *x;
	size_t cap = 0;
	int fts, r;

	sohoa_search_results_release(out);
	if (limit <= 0 || offset < 0)
		return BAD(err, "Số kết quả mỗi trang phải lớn hơn 0 và trang phải từ 1 trở lên.");
	if (limit > SOHOA_SEARCH_MAX_LIMIT)
		limit = SOHOA_SEARCH_MAX_LIMIT;
	if ((rc = register_functions(db, err)) != SOHOA_OK)
		return rc;
	if ((rc = plan_make(db, text, len, &p, err)) != SOHOA_OK) {
		plan_release(&p);
		return rc;
	}
	p.viewer = viewer;
	plan_from_where(&where, &p, EXPR_FIND, 0);
	/* Pass 2 within the window: ranking needs the exact forms; a query of
	 * filters only is sorted by date and needs none. */
	plan_from_where(&ranked, &p, p.drive == DRIVE_MATCH ? EXPR_RANK : EXPR_FIND, 1);
	fts = p.drive == DRIVE_MATCH || p.drive == DRIVE_FTS;
	x = fts ? "f.rowid" : "d.record_id";
	/* Records waiting for the index: the CLI says so; a viewer is told
	 * nothing of records it may not see (sohoa_search_run_as). */
	out->pending = viewer ? 0 : count_of(db, "SELECT count(*) FROM docs_pending");
	if (out->pending < 0)
		out->pending = 0;

	/* Pass 1: the matches, newest first, up to the window: how many, and
	 * the lowest record id the ranking needs to look at. */
	sb_str(&sql, "SELECT ");
	sb_str(&sql, x);
	sb_add(&sql, where.p ? where.p : "", where.len);
	if (fts)
		sb_str(&sql, " ORDER BY f.rowid DESC");
	sb_str(&sql, " LIMIT :wmax");
	if (where.oom || ranked.oom || sql.oom)
		goto oom;
	if (sqlite3_prepare_v2(db, sql.p, -1, &st, NULL) != SQLITE_OK || bind_plan(st, &p)
	    != SQLITE_OK || bind_int_named(st, ":wmax", RANK_WINDOW + 1) != SQLITE_OK) {
		rc = search_error(db, err, "search");
		goto out;
	}
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->total == RANK_WINDOW) {
			out->limited = 1;
			break;
		}
		out->total++;
		low = sqlite3_column_int64(st, 0);
		if (fts) {
			/* Newest first: the window's ids in descending order. */
			if (win.n == win.cap) {
				size_t ncap = win.cap ? 2 * win.cap : 256;
				sqlite3_int64 *ids = realloc(win.ids, ncap * sizeof *ids);

				if (!ids)
					goto oom;
				win.ids = ids;
				win.cap = ncap;
			}
			if (win.n > 0 && low >= win.ids[win.n - 1]) {
				rc = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
				    "search: matches out of order");
				goto out;
			}
			win.ids[win.n++] = low;
		}
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		rc = search_error(db, err, "search");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = count_exact(db, &p, low, &win, out, err)) != SOHOA_OK)
		goto out;
	if (out->total <= offset)
		goto out;

	/* Pass 2: the page asked for. */
	sql.len = 0;
	switch (p.drive) {
	case DRIVE_MATCH:
		/* Ranked within the window; the page plus a margin by score alone,
		 * then those by score and date, so that equal scores go newest
		 * first without looking up a date for every match. */
		sb_str(&sql, "SELECT id, score FROM (SELECT f.rowid AS id,"
		    " sohoa_rank(docs_fts, :exact, :inner) AS score");
		sb_add(&sql, ranked.p, ranked.len);
		sb_str(&sql, " AND f.rowid >= :low ORDER BY score DESC, f.rowid DESC LIMIT :inner)"
		    " ORDER BY score DESC, " SORT_DATE("id") " DESC, id DESC");
		break;
	case DRIVE_FTS:
		sb_str(&sql, "SELECT f.rowid, 0.0");
		sb_add(&sql, ranked.p, ranked.len);
		sb_str(&sql, " AND f.rowid >= :low ORDER BY " SORT_DATE("f.rowid")
		    " DESC, f.rowid DESC");
		break;
	case DRIVE_NUMBER:
		sb_str(&sql, "SELECT d.record_id, 0.0");
		sb_add(&sql, where.p, where.len);
		sb_str(&sql, " ORDER BY " SORT_DATE("d.record_id") " DESC, d.record_id DESC");
		break;
	default:
		/* In the order of the fields index: no sort. */
		sb_str(&sql, "SELECT d.record_id, 0.0");
		sb_add(&sql, where.p, where.len);
		sb_str(&sql, " ORDER BY d.value DESC, d.record_id DESC");
		break;
	}
	sb_str(&sql, " LIMIT :limit OFFSET :offset");
	if (sql.oom)
		goto oom;
	if (sqlite3_prepare_v2(db, sql.p, -1, &st, NULL) != SQLITE_OK || bind_plan(st, &p)
	    != SQLITE_OK || bind_int_named(st, ":low", low) != SQLITE_OK
	    || bind_window(st, &win) != SQLITE_OK
	    || bind_int_named(st, ":inner", (sqlite3_int64)offset + limit + TIE_MARGIN)
	    != SQLITE_OK || bind_int_named(st, ":limit", limit) != SQLITE_OK
	    || bind_int_named(st, ":offset", offset) != SQLITE_OK) {
		rc = search_error(db, err, "search");
		goto out;
	}
	cap = (size_t)(out->total - offset < limit ? out->total - offset : limit);
	out->items = calloc(cap ? cap : 1, sizeof *out->items);
	if (!out->items)
		goto oom;
	while ((r = sqlite3_step(st)) == SQLITE_ROW && out->count < cap) {
		sohoa_search_result *it = &out->items[out->count];

		it->id = sqlite3_column_int64(st, 0);
		it->score = sqlite3_column_double(st, 1);
		/* Fewer tiers than words typed with diacritics: some word was
		 * found only without them. */
		it->approximate = p.fts_exact
		    && it->score < EXACT_TIER * (double)p.q.exact_terms;
		out->count++;
	}
	if (r != SQLITE_ROW && r != SQLITE_DONE) {
		rc = search_error(db, err, "search");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	rc = fetch_details(db, &p, out, err);
	goto out;
oom:
	rc = sohoa_error_oom(err);
out:
	sqlite3_finalize(st);
	free(where.p);
	free(ranked.p);
	free(sql.p);
	free(win.ids);
	plan_release(&p);
	if (rc != SOHOA_OK)
		sohoa_search_results_release(out);
	return rc;
}

sohoa_status
sohoa_search_run(sohoa_catalog *cat, const char *text, size_t len, int limit, int offset,
    sohoa_search_results *out, sohoa_error *err)
{
	return search_run(cat, text, len, limit, offset, NULL, out, err);
}

/* The same search through the access rule (access.h): the SQL condition
 * keeps results and totals to what the viewer may list, then what it may
 * not read is taken out of what is shown.  The connection's search cache
 * (search_cache.h) keeps what comes out, redacted, for this viewer only. */
sohoa_status
sohoa_search_run_as(sohoa_catalog *cat, const char *text, size_t len, int limit, int offset,
    const sohoa_viewer *viewer, sohoa_search_results *out, sohoa_error *err)
{
	sohoa_search_cache *cache = catalog_search_cache(cat);
	search_cache_key key = { 0 };
	long long gen = -1, horizon = 0;
	sohoa_status rc;

	if (!viewer)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "search: no viewer");
	if (cache && limit > 0 && offset >= 0 && text) {
		key = (search_cache_key){ .user_id = viewer->user_id,
		    .default_mode = viewer->default_mode, .text = text, .len = len,
		    .limit = limit > SOHOA_SEARCH_MAX_LIMIT ? SOHOA_SEARCH_MAX_LIMIT : limit,
		    .offset = offset };
		/* A cache that cannot be used (-1) is as if there were none. */
		if (search_cache_get(cache, &key, viewer->now, out, &gen) > 0)
			return SOHOA_OK;
	}
	rc = search_run(cat, text, len, limit, offset, viewer, out, err);
	if (rc == SOHOA_OK) {
		out->pending = 0;
		rc = access_redact_results(cat, viewer, out, err);
		if (rc != SOHOA_OK)
			sohoa_search_results_release(out);
	}
	if (rc == SOHOA_OK && gen >= 0
	    && access_grant_horizon(cat, viewer, &horizon, NULL) == SOHOA_OK)
		search_cache_put(cache, gen, &key, viewer->now, horizon, out);
	return rc;
}
