/*
 * web_api.c - the JSON API of sohoa-web under /api/v1/ (doc/openapi.yaml),
 * with the shapes of the CLI's --json: search results as `sohoa search
 * --json` gives them, a record as `sohoa show --json` does (fields by
 * their TT 05 names), each answer cut to what the viewer may see
 * (access.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sohoa/json.h"
#include "web.h"

/* JSON is written with stdio into memory, then sent. */
static enum MHD_Result
send_json(struct web_req *r, unsigned status, char *buf, size_t len)
{
	struct sbuf b = { 0 };

	if (!buf)
		return MHD_NO;
	b.p = buf;
	b.len = b.cap = len;
	return web_send(r, status, "application/json; charset=utf-8", &b);
}

enum MHD_Result
api_error(struct web_req *r, unsigned status, const char *msg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return MHD_NO;
	fprintf(f, "{\"error\": ");
	sohoa_json_string(f, msg);
	fprintf(f, ", \"status\": %u}\n", status);
	fclose(f);
	return send_json(r, status, buf, len);
}

/* A positive integer argument, or dflt; -1 when malformed. */
static long long
int_arg(struct web_req *r, const char *name, long long dflt, long long max)
{
	const char *v = web_arg(r, name);
	int64_t n;

	if (!v)
		return dflt;
	n = web_parse_id(v, strlen(v));
	return n > 0 && n <= max ? n : -1;
}

enum MHD_Result
api_search(struct web_req *r)
{
	const char *q = web_arg(r, "q");
	long long limit = int_arg(r, "limit", 20, SOHOA_SEARCH_MAX_LIMIT);
	long long page = int_arg(r, "page", 1, 100000);
	sohoa_search_results res;
	sohoa_error err;
	sohoa_status st;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!q || !*q)
		return api_error(r, 400, "q is required");
	if (limit < 0 || page < 0)
		return api_error(r, 400, "limit and page are positive integers");
	sohoa_search_results_init(&res);
	sohoa_error_clear(&err);
	st = sohoa_search_run_as(r->cat, q, strlen(q), (int)limit, (int)((page - 1) * limit),
	    &r->viewer, &res, &err);
	web_log(r, 0, "search", q);
	if (st != SOHOA_OK)
		return api_error(r, st == SOHOA_BAD_INPUT ? 400 : 503, err.msg);
	if (!(f = open_memstream(&buf, &len))) {
		sohoa_search_results_release(&res);
		return MHD_NO;
	}
	fprintf(f, "{\"query\": ");
	sohoa_json_string(f, q);
	fprintf(f, ", \"total\": %lld, \"exact_total\": %lld, \"approximate_total\": %lld,"
	    " \"limited\": %s, \"page\": %lld, \"limit\": %lld, \"results\": [", res.total,
	    res.exact_total, res.approximate_total, res.limited ? "true" : "false", page, limit);
	for (size_t i = 0; i < res.count; i++) {
		const sohoa_search_result *x = &res.items[i];
		int full = x->snippet[0] || x->subject || x->name[0];

		fprintf(f, "%s\n  {\"id\": %lld, \"score\": %.4f, \"access\": \"%s\", \"number\": ",
		    i ? "," : "", (long long)x->id, x->score, full ? "full" : "catalog");
		sohoa_json_string(f, x->number);
		fprintf(f, ", \"type\": ");
		sohoa_json_string(f, x->type_code);
		fprintf(f, ", \"type_name\": ");
		sohoa_json_string(f, x->type_name);
		fprintf(f, ", \"date\": ");
		sohoa_json_string(f, x->date);
		fprintf(f, ", \"name\": ");
		sohoa_json_string(f, full ? x->name : NULL);
		fprintf(f, ", \"origin\": ");
		sohoa_json_string(f, x->origin);
		if (x->page > 0)
			fprintf(f, ", \"page\": %d", x->page);
		else
			fprintf(f, ", \"page\": null");
		fprintf(f, ", \"subject\": ");
		sohoa_json_string(f, x->subject);
		fprintf(f, ", \"snippet\": ");
		sohoa_json_string(f, x->snippet);
		/* Found only with the diacritics typed removed (search.h). */
		fprintf(f, ", \"match\": \"%s\"}", x->approximate ? "approximate" : "exact");
	}
	fprintf(f, "%s]}\n", res.count ? "\n" : "");
	fclose(f);
	sohoa_search_results_release(&res);
	return send_json(r, 200, buf, len);
}

enum MHD_Result
api_record(struct web_req *r, int64_t id)
{
	sohoa_record_view rv;
	sohoa_error err;
	sohoa_status st;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int first = 1;

	sohoa_record_view_init(&rv);
	sohoa_error_clear(&err);
	st = sohoa_access_view(r->cat, &r->viewer, r->srv->conf.state_dir, id, &rv, &err);
	if (st != SOHOA_OK) {
		sohoa_record_view_release(&rv);
		return api_error(r, st == SOHOA_BAD_INPUT ? 404 : 503, st == SOHOA_BAD_INPUT
		    ? "not found" : err.msg);
	}
	web_log(r, id, "metadata", "api");
	if (!(f = open_memstream(&buf, &len))) {
		sohoa_record_view_release(&rv);
		return MHD_NO;
	}
	fprintf(f, "{\"id\": %lld, \"access\": \"%s\", \"mode\": ", (long long)id,
	    rv.access == SOHOA_ACCESS_FULL ? "full" : "catalog");
	sohoa_json_string(f, rv.mode);
	fprintf(f, ", \"mode_name\": ");
	sohoa_json_string(f, sohoa_mode_label(rv.mode));
	fprintf(f, ", \"grant_expires\": ");
	if (rv.grant_expires)
		fprintf(f, "%lld", rv.grant_expires);
	else
		fprintf(f, "null");
	fprintf(f, ", \"name\": ");
	sohoa_json_string(f, rv.name);
	fprintf(f, ", \"origin\": ");
	sohoa_json_string(f, rv.origin);
	fprintf(f, ", \"doc_id\": ");
	sohoa_json_string(f, rv.doc_id);
	fprintf(f, ", \"type_name\": ");
	sohoa_json_string(f, rv.type_name);
	fprintf(f, ", \"page_count\": %d, \"fields\": {", rv.page_count);
	for (int i = 0; i < SOHOA_F_COUNT; i++) {
		if (!rv.fields.f[i].value)
			continue;
		fprintf(f, "%s", first ? "" : ", ");
		first = 0;
		sohoa_json_string(f, sohoa_field_name((sohoa_field_id)i));
		fprintf(f, ": ");
		sohoa_json_string(f, rv.fields.f[i].value);
	}
	fprintf(f, "}, \"pages\": ");
	if (rv.access == SOHOA_ACCESS_FULL) {
		web_log(r, id, "text", "api");
		fprintf(f, "[");
		for (int p = 1; p <= rv.page_count; p++) {
			char *text = NULL;
			sohoa_error_clear(&err);
			if (sohoa_access_page_text(r->cat, &r->viewer, id, p, &text, NULL, &err)
			    != SOHOA_OK)
				continue;
			fprintf(f, "%s{\"page\": %d, \"image\": \"/api/v1/records/%lld/pages/%d\","
			    " \"text\": ", p > 1 ? ", " : "", p, (long long)id, p);
			sohoa_json_string(f, text);
			fprintf(f, "}");
			free(text);
		}
		fprintf(f, "], \"pdf\": \"/api/v1/records/%lld/pdf\"}\n", (long long)id);
	} else {
		fprintf(f, "null, \"pdf\": null}\n");
	}
	fclose(f);
	sohoa_record_view_release(&rv);
	return send_json(r, 200, buf, len);
}
