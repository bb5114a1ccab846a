/*
 * catalog_describe.c - the catalog's side of describing a record
 * (catalog_describe.h): OCR text, table hoso, docId and package, probable
 * duplicates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sohoa/catalog_describe.h"
#include "catalog_int.h"

sohoa_status
sohoa_catalog_record_text(sohoa_catalog *cat, int64_t id, char **text, size_t *len,
    sohoa_error *err)
{
	catalog_stmt s;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int first = 1;
	sohoa_status st;

	*text = NULL;
	*len = 0;
	catalog_prepare(&s, cat, "SELECT text FROM pages WHERE record_id = ? ORDER BY page_no");
	catalog_bind_int(&s, 1, id);
	while (catalog_step(&s) == SQLITE_ROW) {
		const char *t = catalog_col_text(&s, 0);
		size_t tl = (size_t)sqlite3_column_bytes(s.st, 0);
		if (n + tl + 2 > cap) {
			size_t nc = cap ? cap : 4096;
			char *nb;
			while (nc < n + tl + 2)
				nc *= 2;
			if (!(nb = realloc(buf, nc))) {
				catalog_finish(&s, NULL, "");
				free(buf);
				return sohoa_error_oom(err);
			}
			buf = nb;
			cap = nc;
		}
		if (!first)
			buf[n++] = '\f';
		first = 0;
		if (tl)
			memcpy(buf + n, t, tl);
		n += tl;
	}
	if ((st = catalog_finish(&s, err, "read pages")) != SOHOA_OK) {
		free(buf);
		return st;
	}
	if (!buf && !(buf = malloc(1)))
		return sohoa_error_oom(err);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return SOHOA_OK;
}

sohoa_status
sohoa_catalog_hoso_each(sohoa_catalog *cat, const char *origin, sohoa_hoso_value_cb cb,
    void *ctx, sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "SELECT name, value, source FROM hoso WHERE origin = ?"
	    " ORDER BY source = 'person'");
	catalog_bind_text(&s, 1, origin ? origin : "");
	while (catalog_step(&s) == SQLITE_ROW)
		if (cb(ctx, catalog_col_text(&s, 0), catalog_col_text(&s, 1),
		    catalog_col_text(&s, 2)))
			break;
	return catalog_finish(&s, err, "read hồ sơ values");
}

sohoa_status
sohoa_catalog_hoso_remember(sohoa_catalog *cat, const char *origin, const char *name,
    const char *value, sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "INSERT INTO hoso (origin, name, value, source)"
	    " VALUES (?, ?, ?, 'sidecar') ON CONFLICT (origin, name) DO UPDATE SET"
	    " value = excluded.value, source = 'sidecar' WHERE hoso.source <> 'person'");
	catalog_bind_text(&s, 1, origin ? origin : "");
	catalog_bind_text(&s, 2, name);
	catalog_bind_text(&s, 3, value);
	catalog_step(&s);
	return catalog_finish(&s, err, "remember hồ sơ value");
}

sohoa_status
sohoa_catalog_hoso_stats(sohoa_catalog *cat, const char *origin, int64_t id,
    sohoa_hoso_stats *out, sohoa_error *err)
{
	catalog_stmt s;
	int loose = !origin || !*origin;

	memset(out, 0, sizeof *out);
	catalog_prepare(&s, cat,
	    loose ? "SELECT count(*), total(r.page_count), strftime('%d/%m/%Y', min(f.value)),"
	    " strftime('%d/%m/%Y', max(f.value)) FROM records r"
	    " LEFT JOIN fields f ON f.record_id = r.id AND f.name = 'issuedDate'"
	    " WHERE r.id = ? AND r.state = 'done'"
	    : "SELECT count(*), total(r.page_count), strftime('%d/%m/%Y', min(f.value)),"
	    " strftime('%d/%m/%Y', max(f.value)) FROM records r"
	    " LEFT JOIN fields f ON f.record_id = r.id AND f.name = 'issuedDate'"
	    " WHERE r.origin = ? AND r.state = 'done'");
	if (loose)
		catalog_bind_int(&s, 1, id);
	else
		catalog_bind_text(&s, 1, origin);
	if (catalog_step(&s) == SQLITE_ROW) {
		out->documents = catalog_col_int(&s, 0);
		out->pages = (long long)catalog_col_double(&s, 1);
		if (sqlite3_column_type(s.st, 2) == SQLITE_TEXT)
			snprintf(out->start, sizeof out->start, "%s", catalog_col_text(&s, 2));
		if (sqlite3_column_type(s.st, 3) == SQLITE_TEXT)
			snprintf(out->end, sizeof out->end, "%s", catalog_col_text(&s, 3));
	}
	return catalog_finish(&s, err, "hồ sơ statistics");
}

sohoa_status
sohoa_catalog_hoso_ordinal(sohoa_catalog *cat, const char *origin, int64_t id, char year[8],
    long long *n, sohoa_error *err)
{
	catalog_stmt s;
	int loose = !origin || !*origin;

	year[0] = '\0';
	*n = 0;
	catalog_prepare(&s, cat, loose ? "SELECT substr(created_at, 1, 4), id FROM records"
	    " WHERE id = ?"
	    : "SELECT substr(created_at, 1, 4), id FROM hoso_files WHERE origin = ?");
	if (loose)
		catalog_bind_int(&s, 1, id);
	else
		catalog_bind_text(&s, 1, origin);
	if (catalog_step(&s) == SQLITE_ROW && sqlite3_column_type(s.st, 0) == SQLITE_TEXT) {
		snprintf(year, 8, "%s", catalog_col_text(&s, 0));
		*n = catalog_col_int(&s, 1);
	}
	return catalog_finish(&s, err, "hồ sơ ordinal");
}

int
sohoa_catalog_package_row(sohoa_catalog *cat, int64_t id, sohoa_package_row_cb cb, void *ctx,
    sohoa_error *err)
{
	catalog_stmt s;
	int found = 0;

	catalog_prepare(&s, cat, "SELECT spool_id, origin, name, doc_id, page_count,"
	    " (SELECT count(*) FROM records o WHERE o.origin = r.origin"
	    "  AND (o.hoso_order IS NULL, coalesce(o.hoso_order, 0), o.id)"
	    "   <= (r.hoso_order IS NULL, coalesce(r.hoso_order, 0), r.id)"
	    "  AND o.state <> 'quarantined'), package_path FROM records r"
	    " WHERE id = ? AND state = 'done'");
	catalog_bind_int(&s, 1, id);
	if (catalog_step(&s) == SQLITE_ROW) {
		sohoa_package_row r = {
			.id = id,
			.spool_id = catalog_col_text(&s, 0),
			.origin = catalog_col_text(&s, 1),
			.name = catalog_col_text(&s, 2),
			.doc_id = catalog_col_text(&s, 3),
			.page_count = (int)catalog_col_int(&s, 4),
			.seq = (int)catalog_col_int(&s, 5),
			.package_path = catalog_col_text(&s, 6),
		};
		cb(ctx, &r);
		found = 1;
	}
	if (catalog_finish(&s, err, "read record") != SOHOA_OK)
		return -1;
	return found;
}

sohoa_status
sohoa_catalog_set_doc_id(sohoa_catalog *cat, int64_t id, const char *doc_id, sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "UPDATE records SET doc_id = ? WHERE id = ?");
	catalog_bind_text(&s, 1, doc_id);
	catalog_bind_int(&s, 2, id);
	catalog_step(&s);
	return catalog_finish(&s, err, "set docId");
}

sohoa_status
sohoa_catalog_set_packaged(sohoa_catalog *cat, int64_t id, const char *package_name,
    const char *mets_hash, const char *at, sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "UPDATE records SET package_path = ?, package_mets_hash = ?,"
	    " packaged_at = ? WHERE id = ?");
	catalog_bind_text(&s, 1, package_name);
	catalog_bind_text(&s, 2, mets_hash);
	catalog_bind_text(&s, 3, at);
	catalog_bind_int(&s, 4, id);
	catalog_step(&s);
	return catalog_finish(&s, err, "record package");
}

int64_t
sohoa_catalog_probable_duplicate_find(sohoa_catalog *cat, int64_t id, int later)
{
	catalog_stmt s;
	int64_t dup = 0;

	catalog_prepare(&s, cat,
	    "SELECT o.record_id FROM fields o"
	    " JOIN fields n ON n.record_id = ?1 AND n.name = 'codeNumber' AND o.name = 'codeNumber'"
	    "  AND o.value = n.value"
	    " JOIN fields on_ ON on_.record_id = o.record_id AND on_.name = 'codeNotation'"
	    " JOIN fields nn ON nn.record_id = ?1 AND nn.name = 'codeNotation'"
	    "  AND upper(on_.value) = upper(nn.value)"
	    " JOIN fields od ON od.record_id = o.record_id AND od.name = 'issuedDate'"
	    " JOIN fields nd ON nd.record_id = ?1 AND nd.name = 'issuedDate'"
	    "  AND substr(od.value, 1, 4) = substr(nd.value, 1, 4)"
	    " JOIN fields oo ON oo.record_id = o.record_id AND oo.name = 'organName'"
	    " JOIN fields no ON no.record_id = ?1 AND no.name = 'organName'"
	    "  AND upper(oo.value) = upper(no.value)"
	    " JOIN records r ON r.id = o.record_id AND r.state = 'done'"
	    " WHERE (?2 = 0 AND o.record_id < ?1)"
	    "  OR (?2 = 1 AND o.record_id > ?1 AND r.probable_duplicate_of IS NULL)"
	    " ORDER BY o.record_id LIMIT 1");
	catalog_bind_int(&s, 1, id);
	catalog_bind_int(&s, 2, later);
	if (catalog_step(&s) == SQLITE_ROW)
		dup = catalog_col_int(&s, 0);
	catalog_finish(&s, NULL, "");
	return dup;
}

int64_t
sohoa_catalog_probable_duplicate_of(sohoa_catalog *cat, int64_t id)
{
	catalog_stmt s;
	int64_t dup = 0;

	catalog_prepare(&s, cat, "SELECT probable_duplicate_of FROM records WHERE id = ?");
	catalog_bind_int(&s, 1, id);
	if (catalog_step(&s) == SQLITE_ROW)
		dup = catalog_col_int(&s, 0);
	catalog_finish(&s, NULL, "");
	return dup;
}

sohoa_status
sohoa_catalog_set_probable_duplicate(sohoa_catalog *cat, int64_t id, int64_t dup,
    int repackage, sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, repackage
	    ? "UPDATE records SET probable_duplicate_of = ?2, packaged_at = NULL WHERE id = ?1"
	    : "UPDATE records SET probable_duplicate_of = ?2 WHERE id = ?1");
	catalog_bind_int(&s, 1, id);
	if (dup)
		catalog_bind_int(&s, 2, dup);
	else
		catalog_bind_text(&s, 2, NULL);
	catalog_step(&s);
	return catalog_finish(&s, err, "set probable duplicate");
}
