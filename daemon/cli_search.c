/*
 * cli_search.c - 'sohoa search WORDS...': the query language of query.h,
 * compiled to a bound FTS5 MATCH expression (user text can never become
 * SQL or FTS5 syntax), ranked by bm25, newest first on ties.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sohoa/json.h"
#include "sohoa/query.h"
#include "cli.h"

int
cli_search(struct cli *c, int argc, char **argv)
{
	sohoa_catalog *cat;
	sohoa_query q;
	sohoa_error err;
	sqlite3 *db;
	sqlite3_stmt *st;
	char *input = NULL;
	size_t len = 0;
	long long total = 0;
	int limit = 20, offset = 0, k = 0, argi = 1;
	const char *hl_on = c->color && !c->json ? "\033[1m" : "[";
	const char *hl_off = c->color && !c->json ? "\033[0m" : "]";

	for (; argi + 1 < argc; argi += 2) {
		if (!strcmp(argv[argi], "--limit"))
			limit = atoi(argv[argi + 1]);
		else if (!strcmp(argv[argi], "--page"))
			offset = (atoi(argv[argi + 1]) - 1) * limit;
		else
			break;
	}
	if (argi >= argc || limit <= 0 || offset < 0) {
		fprintf(stderr, "usage: sohoa search [--json] [--limit N] [--page N] WORDS...\n");
		return EXIT_USAGE;
	}
	for (int i = argi; i < argc; i++) {
		size_t n = strlen(argv[i]);
		char *ni = realloc(input, len + n + 2);
		if (!ni) {
			free(input);
			return EXIT_FAILURE_;
		}
		input = ni;
		memcpy(input + len, argv[i], n);
		len += n;
		input[len++] = ' ';
		input[len] = '\0';
	}
	memset(&q, 0, sizeof q);
	sohoa_error_clear(&err);
	if (sohoa_query_parse(input, len, &q, &err) != SOHOA_OK) {
		fprintf(stderr, "sohoa: %s\n", err.msg);
		free(input);
		return EXIT_USAGE;
	}
	if (!q.match) {
		fprintf(stderr, "sohoa: cần ít nhất một từ để tìm; lọc theo loại, số, cơ quan, ngày"
		    " cần các trường của văn bản (chưa có) — give at least one word\n");
		sohoa_query_release(&q);
		free(input);
		return EXIT_USAGE;
	}
	if (!(cat = cli_open_catalog(c))) {
		sohoa_query_release(&q);
		free(input);
		return EXIT_FAILURE_;
	}
	db = sohoa_catalog_db(cat);
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM pages_fts WHERE pages_fts MATCH ?", -1,
	    &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, q.match, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			total = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	if (sqlite3_prepare_v2(db,
	    "SELECT r.id, r.name, r.origin, p.page_no, bm25(pages_fts) AS score,"
	    " snippet(pages_fts, 0, ?2, ?3, '…', 16)"
	    " FROM pages_fts JOIN pages p ON p.id = pages_fts.rowid"
	    " JOIN records r ON r.id = p.record_id"
	    " WHERE pages_fts MATCH ?1 ORDER BY score, r.created_at DESC LIMIT ?4 OFFSET ?5",
	    -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "sohoa: %s\n", sqlite3_errmsg(db));
		goto fail;
	}
	sqlite3_bind_text(st, 1, q.match, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hl_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hl_off, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, limit);
	sqlite3_bind_int(st, 5, offset);
	if (c->json)
		printf("{\"query\": %s", "");
	if (c->json) {
		sohoa_json_string(stdout, input);
		printf(", \"total\": %lld, \"results\": [", total);
	} else {
		printf("Tìm \"%.*s\": %lld kết quả (results)\n", (int)len - 1, input, total);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *origin = (const char *)sqlite3_column_text(st, 2);
		const char *snip = (const char *)sqlite3_column_text(st, 5);
		char *flat = strdup(snip ? snip : "");
		for (char *p = flat; p && *p; p++)
			if (*p == '\n')
				*p = ' ';
		if (c->json) {
			printf("%s\n  {\"id\": %lld, \"name\": ", k ? "," : "",
			    sqlite3_column_int64(st, 0));
			sohoa_json_string(stdout, name);
			printf(", \"origin\": ");
			sohoa_json_string(stdout, origin);
			printf(", \"page\": %d, \"score\": %.4f, \"snippet\": ",
			    sqlite3_column_int(st, 3), -sqlite3_column_double(st, 4));
			sohoa_json_string(stdout, flat);
			printf("}");
		} else {
			printf("\n%d. Hồ sơ số %lld — %s%s%s (trang %d)\n   %s\n", offset + k + 1,
			    sqlite3_column_int64(st, 0), origin && *origin ? origin : "",
			    origin && *origin ? "/" : "", name, sqlite3_column_int(st, 3),
			    flat ? flat : "");
		}
		free(flat);
		k++;
	}
	if (sqlite3_errcode(db) != SQLITE_DONE && sqlite3_errcode(db) != SQLITE_OK
	    && sqlite3_errcode(db) != SQLITE_ROW) {
		fprintf(stderr, "sohoa: %s\n", sqlite3_errmsg(db));
	}
	if (c->json)
		printf("\n]}\n");
	sqlite3_finalize(st);
	sohoa_catalog_free(cat);
	sohoa_query_release(&q);
	free(input);
	return total > 0 ? 0 : EXIT_PARTIAL;
fail:
	sohoa_catalog_free(cat);
	sohoa_query_release(&q);
	free(input);
	return EXIT_FAILURE_;
}
