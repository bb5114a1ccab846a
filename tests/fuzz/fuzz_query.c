/*
 * fuzz_query.c - the search language parser (lib/query.c) on any bytes.
 *
 * Properties: no sanitizer report; a parsed query's strings are valid
 * UTF-8 and its dates have the YYYY-MM-DD shape; a failure leaves the
 * struct zeroed with a message; and query.h's promise "whatever parses,
 * runs": the MATCH expression is accepted by FTS5 over a real table with
 * the sohoa_vi tokenizer.
 */
#include <sqlite3.h>

#include "fuzz.h"
#include "index_int.h"
#include "sohoa/query.h"
#include "sohoa/vitext.h"

static sqlite3_stmt *
match_stmt(void)
{
	static sqlite3 *db;
	static sqlite3_stmt *st;
	sohoa_error err;

	if (st)
		return st;
	sohoa_error_clear(&err);
	FUZZ_ASSERT(sqlite3_open(":memory:", &db) == SQLITE_OK);
	FUZZ_ASSERT(sohoa_index_register(db, &err) == SOHOA_OK);
	FUZZ_ASSERT(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='sohoa_vi');"
	    "INSERT INTO t(body) VALUES ('Quyết định số 15/QĐ-UBND ngày 05 tháng 3 năm 2024'),"
	    "('Ủy ban nhân dân xã Văn Bình'), ('hoà giải hòa bình quyet dinh');",
	    NULL, NULL, NULL) == SQLITE_OK);
	FUZZ_ASSERT(sqlite3_prepare_v2(db, "SELECT rowid, bm25(t) FROM t WHERE t MATCH ?1"
	    " ORDER BY rank", -1, &st, NULL) == SQLITE_OK);
	return st;
}

static void
check_text(const char *s)
{
	if (s)
		FUZZ_ASSERT(sohoa_vi_utf8_valid(s, strlen(s)));
}

static void
check_date(const char *d)
{
	if (!d[0])
		return;
	FUZZ_ASSERT(strlen(d) == 10 && d[4] == '-' && d[7] == '-');
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7)
			FUZZ_ASSERT(d[i] >= '0' && d[i] <= '9');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sohoa_query q;
	sohoa_error err;
	sohoa_status st;

	sohoa_error_clear(&err);
	memset(&q, 0x5a, sizeof q);
	st = sohoa_query_parse((const char *)data, size, &q, &err);
	if (st != SOHOA_OK) {
		FUZZ_ASSERT(err.msg[0] != '\0');
		FUZZ_ASSERT(!q.match && !q.type && !q.number && !q.organ && q.year == 0);
		return 0;
	}
	check_text(q.match);
	check_text(q.type);
	check_text(q.number);
	check_text(q.organ);
	check_date(q.date_from);
	check_date(q.date_to);
	if (q.match) {
		sqlite3_stmt *m = match_stmt();
		int rc;
		sqlite3_bind_text(m, 1, q.match, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(m)) == SQLITE_ROW)
			;
		if (rc != SQLITE_DONE)
			fprintf(stderr, "MATCH %s: %s\n", q.match,
			    sqlite3_errmsg(sqlite3_db_handle(m)));
		FUZZ_ASSERT(rc == SQLITE_DONE);
		sqlite3_reset(m);
		sqlite3_clear_bindings(m);
	}
	sohoa_query_release(&q);
	FUZZ_ASSERT(!q.match && !q.type && !q.number && !q.organ);
	return 0;
}
