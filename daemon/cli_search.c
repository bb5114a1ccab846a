/*
 * cli_search.c - 'sohoa search [--json] [--limit N] [--page N] QUERY...':
 * the query language of query.h run by lib/search.c, printed for a person
 * (Vietnamese, numbered, matched words in bold on a terminal, in [ ]
 * otherwise) or as JSON for scripts.  Approximate matches (search.h) are
 * labelled "(gần đúng / approximate)", "match": "approximate" in JSON.
 *
 * Exit: 0 results, 1 none, 2 a query that cannot be understood (or a usage
 * error), 6 the catalog failed.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sohoa/json.h"
#include "sohoa/query.h"
#include "sohoa/search.h"
#include "cli.h"

#define DEFAULT_LIMIT 20

static int
parse_count(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > INT_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

/*
 * Writes text for output: every control character (OCR line breaks, the
 * form feeds between pages, and any escape sequence a scan could smuggle
 * into a terminal) becomes one space, runs of spaces become one, and the
 * match markers of search.h become on/off.
 */
static char *
display(const char *s, const char *on, const char *off)
{
	size_t n, len = 0, cap;
	char *o;
	int space = 0;

	/* Control characters and invalid bytes shown escaped (cli.h); the
	 * marks, newlines and tabs stay for the loop below. */
	s = cli_safe_marked(s);
	n = s ? strlen(s) : 0;
	cap = n * 2 + strlen(on) * 8 + 16;
	if (!(o = malloc(cap)))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *add = NULL;

		if (c == (unsigned char)SOHOA_SEARCH_MARK_ON)
			add = on;
		else if (c == (unsigned char)SOHOA_SEARCH_MARK_OFF)
			add = off;
		if (add) {
			size_t k = strlen(add);
			if (len + k + 8 > cap) {
				char *g = realloc(o, cap = cap * 2 + k);
				if (!g) {
					free(o);
					return NULL;
				}
				o = g;
			}
			memcpy(o + len, add, k);
			len += k;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			c = ' ';
		if (c == ' ') {
			if (space || len == 0)
				continue;
			space = 1;
		} else {
			space = 0;
		}
		if (len + 8 > cap) {
			char *g = realloc(o, cap *= 2);
			if (!g) {
				free(o);
				return NULL;
			}
			o = g;
		}
		o[len++] = (char)c;
	}
	while (len > 0 && o[len - 1] == ' ')
		len--;
	o[len] = '\0';
	return o;
}

/* 2024-03-05 -> 05/03/2024, as dates are written in documents. */
static void
date_vi(const char *iso, char out[16])
{
	if (iso && strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-')
		snprintf(out, 16, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	else
		snprintf(out, 16, "%s", iso ? iso : "");
}

static void
print_json(const char *query, const sohoa_search_results *res)
{
	printf("{\"query\": ");
	sohoa_json_string(stdout, query);
	printf(", \"total\": %lld, \"exact_total\": %lld, \"approximate_total\": %lld,"
	    " \"limited\": %s, \"pending\": %lld, \"results\": [", res->total, res->exact_total,
	    res->approximate_total, res->limited ? "true" : "false", res->pending);
	for (size_t i = 0; i < res->count; i++) {
		const sohoa_search_result *r = &res->items[i];
		char *snip = display(r->snippet, "[", "]");
		char *subj = r->subject ? display(r->subject, "[", "]") : NULL;

		printf("%s\n  {\"id\": %lld, \"score\": %.4f, \"match\": \"%s\", \"number\": ",
		    i ? "," : "", (long long)r->id, r->score, r->approximate ? "approximate" : "exact");
		sohoa_json_string(stdout, r->number);
		printf(", \"type\": ");
		sohoa_json_string(stdout, r->type_code);
		printf(", \"type_name\": ");
		sohoa_json_string(stdout, r->type_name);
		printf(", \"date\": ");
		sohoa_json_string(stdout, r->date);
		printf(", \"name\": ");
		sohoa_json_string(stdout, r->name);
		printf(", \"origin\": ");
		sohoa_json_string(stdout, r->origin);
		if (r->page > 0)
			printf(", \"page\": %d", r->page);
		else
			printf(", \"page\": null");
		printf(", \"subject\": ");
		sohoa_json_string(stdout, subj);
		printf(", \"snippet\": ");
		sohoa_json_string(stdout, snip ? snip : "");
		printf("}");
		free(snip);
		free(subj);
	}
	printf("%s]}\n", res->count ? "\n" : "");
}

static void
print_human(const char *query, const sohoa_search_results *res, int offset, int limit,
    int color)
{
	const char *on = color ? "\033[1m" : "[", *off = color ? "\033[0m" : "]";
	const char *bold = color ? "\033[1m" : "", *plain = color ? "\033[0m" : "";
	char *q = display(query, "", "");
	long long pages = (res->total + limit - 1) / limit;

	if (res->total == 0)
		printf("Tìm \"%s\": không có kết quả nào.\n", q ? q : "");
	else if (res->limited)
		printf("Tìm \"%s\": hơn %lld kết quả — %lld văn bản mới nhất được xếp theo mức "
		    "liên quan; hãy thêm từ hoặc bộ lọc (nam:, loai:, coquan:) để thu hẹp.\n"
		    "Trang %d/%lld\n", q ? q : "", res->total, res->total, offset / limit + 1, pages);
	else if (pages > 1)
		printf("Tìm \"%s\": %lld kết quả — trang %d/%lld\n", q ? q : "", res->total,
		    offset / limit + 1, pages);
	else
		printf("Tìm \"%s\": %lld kết quả\n", q ? q : "", res->total);
	if (res->approximate_total > 0)
		printf("%lld đúng dấu, %lld gần đúng (chỉ khớp khi bỏ dấu, xếp sau) — "
		    "%lld exact, %lld approximate (match only without the diacritics typed; "
		    "listed after)\n", res->exact_total, res->approximate_total, res->exact_total,
		    res->approximate_total);
	free(q);
	for (size_t i = 0; i < res->count; i++) {
		const sohoa_search_result *r = &res->items[i];
		char date[16], *snip = display(r->snippet, on, off);
		char *subj = r->subject ? display(r->subject, on, off) : NULL;
		const char *sep = "";

		printf("\n%zu. ", (size_t)offset + i + 1);
		if (r->number) {
			printf("Số %s%s%s", bold, cli_safe(r->number), plain);
			sep = " · ";
		}
		if (r->type_name) {
			printf("%s%s", sep, cli_safe(r->type_name));
			sep = " · ";
		}
		if (r->date) {
			date_vi(r->date, date);
			printf("%sngày %s", sep, date);
			sep = " · ";
		}
		if (!*sep)
			printf("%s", r->name ? cli_safe(r->name) : "");
		if (r->approximate)
			printf("  (gần đúng / approximate)");
		printf("\n");
		if (subj && *subj)
			printf("   Trích yếu: %s\n", subj);
		if (snip && *snip)
			printf("   %s\n", snip);
		printf("   Tài liệu số %lld — %s%s%s", (long long)r->id,
		    r->origin && *r->origin ? cli_safe(r->origin) : "",
		    r->origin && *r->origin ? "/" : "", r->name ? cli_safe(r->name) : "");
		if (r->page > 0)
			printf(", trang %d", r->page);
		printf("\n");
		free(snip);
		free(subj);
	}
	if (res->total > offset + (long long)res->count && res->count > 0)
		printf("\nXem tiếp: --page %d\n", offset / limit + 2);
}

/* 1 for one argument that is a filter whose value holds white space and no
 * quotation mark: "loai:Quyết định", "coquan:Văn Bình". */
static int
filter_with_space(const char *a)
{
	const char *colon = strchr(a, ':');

	if (!colon || colon == a || !strpbrk(colon + 1, " \t") || strchr(colon + 1, '"')
	    || strstr(colon + 1, "\xE2\x80\x9C") || strstr(colon + 1, "\xE2\x80\x9D"))
		return 0;
	return sohoa_query_is_filter(a, (size_t)(colon - a));
}

/*
 * Appends one argument and a space to the query (*input, *len).  One
 * argument "loai:Quyết định" - the shell kept the value together because it
 * was quoted - is quoted in the query too.  0, or -1 when out of memory.
 */
static int
append_arg(char **input, size_t *len, const char *a)
{
	size_t n = strlen(a);
	char *grown = realloc(*input, *len + n + 4);

	if (!grown)
		return -1;
	*input = grown;
	if (filter_with_space(a)) {
		size_t k = (size_t)(strchr(a, ':') - a) + 1;

		memcpy(grown + *len, a, k);
		grown[*len + k] = '"';
		memcpy(grown + *len + k + 1, a + k, n - k);
		grown[*len + n + 1] = '"';
		*len += n + 2;
	} else {
		memcpy(grown + *len, a, n);
		*len += n;
	}
	grown[(*len)++] = ' ';
	grown[*len] = '\0';
	return 0;
}

int
cli_search(struct cli *c, int argc, char **argv)
{
	sohoa_catalog *cat;
	sohoa_search_results res;
	sohoa_error err;
	char *input = NULL;
	size_t len = 0;
	int limit = DEFAULT_LIMIT, page = 1, offset, i, rc;
	sohoa_status st;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--limit") || !strcmp(a, "--page")) {
			if (i + 1 >= argc || parse_count(argv[i + 1], !strcmp(a, "--limit")
			    ? &limit : &page) != 0) {
				fprintf(stderr, "sohoa: %s cần một số nguyên dương"
				    " (%s needs a positive number)\n", a, a);
				free(input);
				return EXIT_USAGE;
			}
			i++;
			continue;
		}
		if (!strcmp(a, "--")) {
			/* Everything after is the query, even "--limit". */
			for (i++; i < argc; i++)
				if (append_arg(&input, &len, argv[i]) != 0)
					goto oom;
			break;
		}
		if (append_arg(&input, &len, a) != 0)
			goto oom;
	}
	if (!input) {
		fprintf(stderr, "usage: sohoa search [--json] [--limit N] [--page N] QUERY...\n"
		    "  ví dụ: sohoa search quyet dinh dat dai nam:2024\n"
		    "         sohoa search \"15/QĐ-UBND\"\n"
		    "  sohoa help search: câu tìm kiếm và bộ lọc (the query language)\n");
		return EXIT_USAGE;
	}
	input[--len] = '\0';    /* the last space */
	if (limit > SOHOA_SEARCH_MAX_LIMIT)
		limit = SOHOA_SEARCH_MAX_LIMIT;
	if ((long long)(page - 1) * limit > INT_MAX) {
		fprintf(stderr, "sohoa: --page quá lớn (--page too large)\n");
		free(input);
		return EXIT_USAGE;
	}
	offset = (page - 1) * limit;
	if (!(cat = cli_open_catalog(c))) {
		free(input);
		return EXIT_FAILURE_;
	}
	sohoa_search_results_init(&res);
	sohoa_error_clear(&err);
	st = sohoa_search_run(cat, input, len, limit, offset, &res, &err);
	if (st == SOHOA_BAD_INPUT) {
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		rc = EXIT_USAGE;
	} else if (st != SOHOA_OK) {
		fprintf(stderr, "sohoa: tìm kiếm thất bại (search failed): %s\n", cli_safe(err.msg));
		rc = EXIT_FAILURE_;
	} else {
		if (c->json)
			print_json(input, &res);
		else
			print_human(input, &res, offset, limit, c->color);
		if (res.pending > 0)
			fprintf(stderr, "sohoa: lưu ý: %lld hồ sơ chưa có trong chỉ mục tìm kiếm; "
			    "hãy chạy \"sohoa reindex\" (%lld records not indexed yet)\n",
			    res.pending, res.pending);
		rc = res.total > 0 ? 0 : EXIT_PARTIAL;
	}
	sohoa_search_results_release(&res);
	sohoa_catalog_free(cat);
	free(input);
	return rc;
oom:
	free(input);
	fprintf(stderr, "sohoa: out of memory\n");
	return EXIT_FAILURE_;
}
