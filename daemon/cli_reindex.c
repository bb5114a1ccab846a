/*
 * cli_reindex.c - 'sohoa reindex': rebuilds the full-text index from the
 * catalog (lib/search.c), with a progress line on a terminal.  Safe while
 * sohoad runs: the rebuild commits a few hundred records at a time and the
 * daemon writes in between.  'sohoa reindex --check' only checks the index
 * against the catalog (exit 0 when it matches, 6 when not).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sohoa/search.h"
#include "cli.h"

struct progress {
	int tty;
	struct timespec start;
};

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
show_progress(void *arg, long long done, long long total)
{
	struct progress *p = arg;

	/* Only a person watching gets the line; logs and pipes get the end. */
	if (!p->tty)
		return;
	fprintf(stderr, "\rĐang lập chỉ mục: %lld/%lld hồ sơ (%d%%), %.0f s ", done, total,
	    total > 0 ? (int)(done * 100 / total) : 100, seconds_since(&p->start));
	fflush(stderr);
}

int
cli_reindex(struct cli *c, int argc, char **argv)
{
	sohoa_catalog *cat;
	sohoa_error err;
	struct progress p;
	long long records = 0;
	sqlite3_stmt *st;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--check") != 0)) {
		fprintf(stderr, "usage: sohoa reindex [--check]\n");
		return EXIT_USAGE;
	}
	if (!(cat = cli_open_catalog(c)))
		return EXIT_FAILURE_;
	if (argc == 2) {
		sohoa_error_clear(&err);
		if (sohoa_search_check(cat, &err) != SOHOA_OK) {
			fprintf(stderr, "sohoa: %s\n", err.msg);
			sohoa_catalog_free(cat);
			return EXIT_FAILURE_;
		}
		printf("Chỉ mục tìm kiếm khớp với danh mục (the search index matches the catalog).\n");
		sohoa_catalog_free(cat);
		return 0;
	}
	memset(&p, 0, sizeof p);
	p.tty = isatty(2);
	clock_gettime(CLOCK_MONOTONIC, &p.start);
	sohoa_error_clear(&err);
	if (sohoa_search_reindex(cat, show_progress, &p, &err) != SOHOA_OK) {
		if (p.tty)
			fprintf(stderr, "\n");
		fprintf(stderr, "sohoa: lập chỉ mục thất bại (reindex failed): %s\n", err.msg);
		sohoa_catalog_free(cat);
		return EXIT_FAILURE_;
	}
	if (p.tty)
		fprintf(stderr, "\n");
	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT count(*) FROM docs_indexed", -1,
	    &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			records = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	if (c->json)
		printf("{\"indexed\": %lld, \"seconds\": %.1f}\n", records,
		    seconds_since(&p.start));
	else
		printf("Đã lập chỉ mục lại %lld hồ sơ trong %.1f s.\n", records,
		    seconds_since(&p.start));
	sohoa_catalog_free(cat);
	return 0;
}
