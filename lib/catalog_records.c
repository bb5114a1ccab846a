/*
 * catalog_records.c - reading records, their pages and fields, and the
 * counts over them (catalog_records.h).  Writes to these tables stay in
 * catalog.c, beside the transactions that make them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sohoa/catalog_records.h"
#include "catalog_int.h"
#include "sohoa/review.h"

static char *
dup_col(catalog_stmt *s, int i, int *oom)
{
	const char *t = catalog_col_text(s, i);
	char *d;

	if (!t)
		return NULL;
	if (!(d = strdup(t)))
		*oom = 1;
	return d;
}

sohoa_status
sohoa_catalog_record_get(sohoa_catalog *cat, int64_t id, sohoa_record_row *row,
    sohoa_error *err)
{
	catalog_stmt s;
	sohoa_status st;
	int found = 0, oom = 0;

	memset(row, 0, sizeof *row);
	catalog_prepare(&s, cat, "SELECT state, name, origin, hash, size, created_at, updated_at,"
	    " attempts, last_error, reason, duplicate_of, quarantine_name, page_count,"
	    " mean_confidence, spool_id, doc_id, package_path, probable_duplicate_of,"
	    " package_mets_hash FROM records WHERE id = ?");
	catalog_bind_int(&s, 1, id);
	if (catalog_step(&s) == SQLITE_ROW) {
		found = 1;
		row->id = id;
		int known = sohoa_state_from_name(catalog_col_text(&s, 0));
		row->state = known < 0 ? SOHOA_STATE_COUNT : (sohoa_state)known;
		row->name = dup_col(&s, 1, &oom);
		row->origin = dup_col(&s, 2, &oom);
		row->hash = dup_col(&s, 3, &oom);
		row->size = catalog_col_int(&s, 4);
		row->created_at = dup_col(&s, 5, &oom);
		row->updated_at = dup_col(&s, 6, &oom);
		row->attempts = (int)catalog_col_int(&s, 7);
		row->last_error = dup_col(&s, 8, &oom);
		row->reason = dup_col(&s, 9, &oom);
		row->duplicate_of = catalog_col_int(&s, 10);
		row->quarantine_name = dup_col(&s, 11, &oom);
		row->page_count = (int)catalog_col_int(&s, 12);
		row->has_confidence = !catalog_col_is_null(&s, 13);
		row->mean_confidence = catalog_col_double(&s, 13);
		row->spool_id = dup_col(&s, 14, &oom);
		row->doc_id = dup_col(&s, 15, &oom);
		row->package_path = dup_col(&s, 16, &oom);
		row->probable_duplicate_of = catalog_col_int(&s, 17);
		row->package_mets_hash = dup_col(&s, 18, &oom);
	}
	if ((st = catalog_finish(&s, err, "read record")) != SOHOA_OK)
		return st;
	if (oom)
		return sohoa_error_oom(err);
	if (!found)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "không có tài liệu số %lld — no record %lld", (long long)id, (long long)id);
	return SOHOA_OK;
}

void
sohoa_record_row_release(sohoa_record_row *row)
{
	if (!row)
		return;
	free(row->name);
	free(row->origin);
	free(row->hash);
	free(row->created_at);
	free(row->updated_at);
	free(row->last_error);
	free(row->reason);
	free(row->quarantine_name);
	free(row->spool_id);
	free(row->doc_id);
	free(row->package_path);
	free(row->package_mets_hash);
	memset(row, 0, sizeof *row);
}

sohoa_status
sohoa_catalog_spool_id(sohoa_catalog *cat, int64_t id, int done_only, char *buf, size_t size,
    sohoa_error *err)
{
	catalog_stmt s;

	buf[0] = '\0';
	catalog_prepare(&s, cat, done_only
	    ? "SELECT spool_id FROM records WHERE id = ? AND state = 'done'"
	    : "SELECT spool_id FROM records WHERE id = ?");
	catalog_bind_int(&s, 1, id);
	if (catalog_step(&s) == SQLITE_ROW && catalog_col_text(&s, 0))
		snprintf(buf, size, "%s", catalog_col_text(&s, 0));
	return catalog_finish(&s, err, "read record");
}

sohoa_status
sohoa_catalog_count_state(sohoa_catalog *cat, sohoa_state state, long long *n, sohoa_error *err)
{
	catalog_stmt s;

	*n = 0;
	catalog_prepare(&s, cat, "SELECT count(*) FROM records WHERE state = ?");
	catalog_bind_text(&s, 1, sohoa_state_name(state));
	if (catalog_step(&s) == SQLITE_ROW)
		*n = catalog_col_int(&s, 0);
	return catalog_finish(&s, err, "count records");
}

sohoa_status
sohoa_catalog_summary_get(sohoa_catalog *cat, long long review_threshold,
    sohoa_catalog_summary *out, sohoa_error *err)
{
	long long *counts[SOHOA_STATE_COUNT] = {
		[SOHOA_STATE_INCOMING] = &out->incoming, [SOHOA_STATE_ACTIVE] = &out->active,
		[SOHOA_STATE_DEFERRED] = &out->deferred, [SOHOA_STATE_DONE] = &out->done,
		[SOHOA_STATE_QUARANTINED] = &out->quarantined
	};
	catalog_stmt s;
	sohoa_status st;

	memset(out, 0, sizeof *out);
	catalog_prepare(&s, cat, "SELECT state, count(*) FROM records GROUP BY state");
	while (catalog_step(&s) == SQLITE_ROW) {
		int i = sohoa_state_from_name(catalog_col_text(&s, 0));
		if (i >= 0 && counts[i])
			*counts[i] = catalog_col_int(&s, 1);
	}
	if ((st = catalog_finish(&s, err, "count records by state")) != SOHOA_OK)
		return st;
	/* How old the oldest waiting record is and how fast pages went lately. */
	catalog_prepare(&s, cat, "SELECT"
	    " (SELECT CAST((julianday('now') - julianday(min(created_at))) * 86400 AS INTEGER)"
	    "   FROM records WHERE state IN ('incoming', 'active', 'deferred')),"
	    " (SELECT coalesce(sum(page_count), 0) FROM records WHERE state = 'done'"
	    "   AND julianday(updated_at) > julianday('now', '-1 hour'))");
	if (catalog_step(&s) == SQLITE_ROW) {
		out->queue_age_s = catalog_col_int(&s, 0);
		out->pages_last_hour = catalog_col_int(&s, 1);
	}
	if ((st = catalog_finish(&s, err, "summary")) != SOHOA_OK)
		return st;
	/* The documents that need a person's look: the review queue's own
	 * count (review.h), the same the desk lists. */
	return sohoa_review_count(cat, review_threshold, &out->needs_review, err);
}

sohoa_status
sohoa_catalog_review_each(sohoa_catalog *cat, long long threshold, sohoa_review_cb cb,
    void *ctx, sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "SELECT id, origin, name, page_count,"
	    " mean_confidence, (SELECT min(confidence) FROM pages WHERE record_id = r.id)"
	    " FROM records r WHERE state = 'done' AND mean_confidence < ? ORDER BY mean_confidence");
	catalog_bind_int(&s, 1, threshold);
	while (catalog_step(&s) == SQLITE_ROW) {
		sohoa_review_row r = {
			.id = catalog_col_int(&s, 0),
			.origin = catalog_col_text(&s, 1),
			.name = catalog_col_text(&s, 2),
			.page_count = (int)catalog_col_int(&s, 3),
			.mean_confidence = catalog_col_double(&s, 4),
			.min_page_confidence = catalog_col_double(&s, 5),
		};
		if (cb(ctx, &r))
			break;
	}
	return catalog_finish(&s, err, "review list");
}

sohoa_status
sohoa_catalog_pages_each(sohoa_catalog *cat, int64_t id, sohoa_page_cb cb, void *ctx,
    sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "SELECT page_no, text, confidence, status, width, height, dpi,"
	    " rotation, skew FROM pages WHERE record_id = ? ORDER BY page_no");
	catalog_bind_int(&s, 1, id);
	while (catalog_step(&s) == SQLITE_ROW) {
		sohoa_page_row p = {
			.page_no = (int)catalog_col_int(&s, 0),
			.text = catalog_col_text(&s, 1),
			.confidence = catalog_col_double(&s, 2),
			.has_confidence = !catalog_col_is_null(&s, 2),
			.status = catalog_col_text(&s, 3),
			.width = (int)catalog_col_int(&s, 4),
			.height = (int)catalog_col_int(&s, 5),
			.dpi = (int)catalog_col_int(&s, 6),
			.rotation = (int)catalog_col_int(&s, 7),
			.skew = catalog_col_double(&s, 8),
		};
		if (cb(ctx, &p))
			break;
	}
	return catalog_finish(&s, err, "read pages");
}

sohoa_status
sohoa_catalog_fields_each(sohoa_catalog *cat, int64_t id, sohoa_field_cb cb, void *ctx,
    sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "SELECT name, value, source, confidence FROM fields"
	    " WHERE record_id = ? ORDER BY name");
	catalog_bind_int(&s, 1, id);
	while (catalog_step(&s) == SQLITE_ROW) {
		sohoa_field_row f = {
			.name = catalog_col_text(&s, 0),
			.value = catalog_col_text(&s, 1),
			.source = catalog_col_text(&s, 2),
			.confidence = catalog_col_double(&s, 3),
		};
		if (cb(ctx, &f))
			break;
	}
	return catalog_finish(&s, err, "read fields");
}

sohoa_status
sohoa_catalog_field_get(sohoa_catalog *cat, int64_t id, const char *name, char **value,
    sohoa_error *err)
{
	catalog_stmt s;
	sohoa_status st;
	int oom = 0;

	*value = NULL;
	catalog_prepare(&s, cat, "SELECT value FROM fields WHERE record_id = ?1 AND name = ?2");
	catalog_bind_int(&s, 1, id);
	catalog_bind_text(&s, 2, name);
	if (catalog_step(&s) == SQLITE_ROW)
		*value = dup_col(&s, 0, &oom);
	if ((st = catalog_finish(&s, err, "read field")) != SOHOA_OK)
		return st;
	if (oom)
		return sohoa_error_oom(err);
	return SOHOA_OK;
}

sohoa_status
sohoa_catalog_doc_types_each(sohoa_catalog *cat, sohoa_doc_type_cb cb, void *ctx,
    sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "SELECT code, name FROM doc_types ORDER BY name");
	while (catalog_step(&s) == SQLITE_ROW)
		if (cb(ctx, catalog_col_text(&s, 0), catalog_col_text(&s, 1)))
			break;
	return catalog_finish(&s, err, "read document types");
}
