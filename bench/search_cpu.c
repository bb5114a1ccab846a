/*
 * search_cpu.c - CPU time of the searches make bench-web runs, in one
 * process, through the access rule as a signed-in cán bộ sees them
 * (sohoa_search_run_as; not a test: it prints figures).
 *
 *   search_cpu CATALOG [RUNS] [LIMIT]
 *
 * Each query of bench/web_load.py's mix runs RUNS times (3); it prints the
 * CPU milliseconds of each (the mean) and of the whole mix, with the
 * totals it found and a checksum of what the page shows (ids, order,
 * exact/approximate, trích yếu, snippet, page), so that a change that
 * alters what is found or shown shows; a second checksum leaves the
 * snippets out.  SEARCH_CPU_CACHE=1 turns the search-result cache on
 * (search.h): the first run of each query is then the cold one, the others
 * are hits, and both times are printed.  SEARCH_CPU_DUMP=1 also prints each result shown (id,
 * approximate, page | trích yếu | snippet, marks as \x02 and \x03).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sohoa/access.h"
#include "sohoa/catalog.h"
#include "sohoa/search.h"

static const char *const queries[] = {
	"quyet dinh", "quyết định", "giao dat", "thu hồi đất", "ho gia dinh", "ke hoach",
	"ủy ban nhân dân", "\"giấy chứng nhận\"", "thua dat so", "bao cao ket qua",
	"nam:2023 dat", "loai:QĐ dat", "tu:2022-01-01 den:2022-12-31 ke hoach", "thon",
	"nguyen van", "cong van", "phuong an", "to trinh", "so:15", "xay dung",
};

/* FNV-1a over a string, NULL included. */
static unsigned long long
mix(unsigned long long h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h ^ (s ? 1 : 2)) * 1099511628211ULL;
}

static double
cpu_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	sohoa_error err = { 0 };
	sohoa_catalog *cat;
	sohoa_search_cache *sc = NULL;
	sohoa_viewer v = { .user_id = 1, .user_name = "bench", .default_mode = "01" };
	int runs = argc > 2 ? atoi(argv[2]) : 3, limit = argc > 3 ? atoi(argv[3]) : 20;
	double all = 0, all_hit = 0;
	int cached = getenv("SEARCH_CPU_CACHE") != NULL;

	if (argc < 2 || runs < 1 || limit < 1) {
		fprintf(stderr, "usage: search_cpu CATALOG [RUNS] [LIMIT]\n");
		return 2;
	}
	if (!(cat = sohoa_catalog_open(argv[1], &err))) {
		fprintf(stderr, "search_cpu: %s\n", err.msg);
		return 1;
	}
	v.now = (long long)time(NULL);
	if (cached) {
		if (!(sc = sohoa_search_cache_new(argv[1], 64, 300, &err))) {
			fprintf(stderr, "search_cpu: %s\n", err.msg);
			return 1;
		}
		if (sohoa_catalog_set_search_cache(cat, sc, &err) != SOHOA_OK) {
			fprintf(stderr, "search_cpu: %s\n", err.msg);
			return 1;
		}
	}
	if (cached && runs < 2)
		runs = 2;
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
		sohoa_search_results res;
		double t0 = cpu_ms(), t, t1 = 0;

		sohoa_search_results_init(&res);
		for (int k = 0; k < runs; k++) {
			if (cached && k == 1)
				t1 = cpu_ms();
			if ((getenv("SEARCH_CPU_NOVIEWER")
			    ? sohoa_search_run(cat, queries[i], strlen(queries[i]), limit, 0, &res, &err)
			    : sohoa_search_run_as(cat, queries[i], strlen(queries[i]), limit, 0, &v,
			    &res, &err)) != SOHOA_OK) {
				fprintf(stderr, "search_cpu: %s: %s\n", queries[i], err.msg);
				return 1;
			}
		}
		if (cached) {
			double hit = (cpu_ms() - t1) / (runs - 1);

			t = t1 - t0;
			all_hit += hit;
			printf("%-44s cold %7.1f ms, cached %7.3f ms\n", queries[i], t, hit);
		} else
			t = (cpu_ms() - t0) / runs;
		all += t;
		unsigned long long h = 14695981039346656037ULL, f = h;
		for (size_t k = 0; k < res.count; k++) {
			char n[64];

			snprintf(n, sizeof n, "%lld %d %d", (long long)res.items[k].id,
			    res.items[k].approximate, res.items[k].page);
			h = mix(mix(mix(h, n), res.items[k].subject), res.items[k].snippet);
			f = mix(mix(f, n), res.items[k].subject);
			if (getenv("SEARCH_CPU_DUMP"))
				printf("  %s | %s | %s\n", n, res.items[k].subject
				    ? res.items[k].subject : "(null)", res.items[k].snippet);
		}
		printf("%-44s %7.1f ms  total %lld (exact %lld, approximate %lld)%s shown %016llx"
		    " (without the snippets %016llx)\n",
		    queries[i], t, (long long)res.total, (long long)res.exact_total,
		    (long long)res.approximate_total, res.limited ? " limited" : "", h, f);
		sohoa_search_results_release(&res);
	}
	printf("mean %.1f ms CPU a search over the mix\n", all / (sizeof queries / sizeof *queries));
	if (cached)
		printf("mean %.3f ms CPU a cached search (a hit)\n",
		    all_hit / (sizeof queries / sizeof *queries));
	sohoa_catalog_free(cat);
	sohoa_search_cache_free(sc);
	return 0;
}
