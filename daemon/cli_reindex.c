/*
 * cli_reindex.c - 'sohoa reindex': rebuilds the full-text index from the
 * catalog (lib/search.c), with a progress bar on a terminal (progress.h).  Safe while
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
#include "progress.h"

/* The library's callback, to the terminal progress bar (progress.h). */
static void
show_progress(void *arg, long long done, long long total)
{
	struct progress *p = arg;

	progress_set_total(p, total);
	progress_update(p, done);
}

int
cli_reindex(struct cli *c, int argc, char **argv)
{
	sohoa_catalog *cat;
	sohoa_error err;
	struct progress p;
	long long records = 0;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "--check") != 0)) {
		fprintf(stderr, "usage: sohoa reindex [--check]\n");
		return EXIT_USAGE;
	}
	if (!(cat = cli_open_catalog(c)))
		return EXIT_FAILURE_;
	if (argc == 2) {
		sohoa_error_clear(&err);
		if (sohoa_search_check(cat, &err) != SOHOA_OK) {
			fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
			sohoa_catalog_free(cat);
			return EXIT_FAILURE_;
		}
		printf("Chỉ mục tìm kiếm khớp với danh mục (the search index matches the catalog).\n");
		sohoa_catalog_free(cat);
		return 0;
	}
	progress_start(&p, "Đang lập chỉ mục (reindex)", 0);
	sohoa_error_clear(&err);
	if (sohoa_search_reindex(cat, show_progress, &p, &err) != SOHOA_OK) {
		progress_end(&p);
		fprintf(stderr, "sohoa: lập chỉ mục thất bại (reindex failed): %s\n",
		    cli_safe(err.msg));
		sohoa_catalog_free(cat);
		return EXIT_FAILURE_;
	}
	progress_end(&p);
	sohoa_error_clear(&err);
	sohoa_search_indexed_count(cat, &records, &err);
	if (c->json)
		printf("{\"indexed\": %lld, \"seconds\": %.1f}\n", records,
		    progress_elapsed(&p));
	else
		printf("Đã lập chỉ mục lại %lld hồ sơ trong %.1f s.\n", records,
		    progress_elapsed(&p));
	sohoa_catalog_free(cat);
	return 0;
}
