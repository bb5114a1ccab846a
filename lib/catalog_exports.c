/*
 * catalog_exports.c - the export ledger: tables export_bundles and
 * export_members (catalog_exports.h).
 */
#include <stdio.h>

#include "sohoa/catalog_exports.h"
#include "catalog_int.h"

sohoa_status
sohoa_catalog_bundles_each(sohoa_catalog *cat, sohoa_bundle_cb cb, void *ctx, sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "SELECT id, month, file_name, path, bundle_hash, p7s_hash, size,"
	    " sips, records, signer, created_at, uploaded_at, upload_error, exported_at"
	    " FROM export_bundles ORDER BY id");
	while (catalog_step(&s) == SQLITE_ROW) {
		sohoa_bundle_row b = {
			.id = catalog_col_int(&s, 0),
			.month = catalog_col_text(&s, 1),
			.file_name = catalog_col_text(&s, 2),
			.path = catalog_col_text(&s, 3),
			.bundle_hash = catalog_col_text(&s, 4),
			.p7s_hash = catalog_col_text(&s, 5),
			.size = catalog_col_int(&s, 6),
			.sips = catalog_col_int(&s, 7),
			.records = catalog_col_int(&s, 8),
			.signer = catalog_col_text(&s, 9),
			.created_at = catalog_col_text(&s, 10),
			.uploaded_at = catalog_col_text(&s, 11),
			.upload_error = catalog_col_text(&s, 12),
			.exported_at = catalog_col_text(&s, 13),
		};
		if (cb(ctx, &b))
			break;
	}
	return catalog_finish(&s, err, "read export bundles");
}

bool
sohoa_catalog_month_exported(sohoa_catalog *cat, const char *month)
{
	catalog_stmt s;
	int yes;

	catalog_prepare(&s, cat, "SELECT 1 FROM export_bundles WHERE month = ?"
	    " AND exported_at IS NOT NULL");
	catalog_bind_text(&s, 1, month);
	yes = catalog_step(&s) == SQLITE_ROW;
	catalog_finish(&s, NULL, "");
	return yes;
}

sohoa_status
sohoa_catalog_month_records_each(sohoa_catalog *cat, const char *month, const char *end_utc,
    sohoa_export_cb cb, void *ctx, sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat,
	    "SELECT r.id, r.origin, r.package_path, r.package_mets_hash, r.doc_id FROM records r"
	    " WHERE r.state = 'done' AND r.package_mets_hash IS NOT NULL"
	    "  AND r.package_path IS NOT NULL AND r.doc_id IS NOT NULL"
	    "  AND (SELECT min(julianday(e.at)) FROM events e WHERE e.record_id = r.id"
	    "       AND e.type = 'information package creation' AND e.outcome = 'success')"
	    "      < julianday(?2)"
	    "  AND NOT EXISTS (SELECT 1 FROM export_members m JOIN export_bundles b"
	    "       ON b.id = m.bundle_id WHERE m.record_id = r.id"
	    "       AND m.mets_hash = r.package_mets_hash AND b.month <> ?1"
	    "       AND b.exported_at IS NOT NULL)"
	    " ORDER BY r.origin, r.id");
	catalog_bind_text(&s, 1, month);
	catalog_bind_text(&s, 2, end_utc);
	while (catalog_step(&s) == SQLITE_ROW) {
		sohoa_export_row r = {
			.id = catalog_col_int(&s, 0),
			.origin = catalog_col_text(&s, 1),
			.package_path = catalog_col_text(&s, 2),
			.package_mets_hash = catalog_col_text(&s, 3),
			.doc_id = catalog_col_text(&s, 4),
		};
		if (cb(ctx, &r))
			break;
	}
	return catalog_finish(&s, err, "records of the month");
}

sohoa_status
sohoa_catalog_bundle_add(sohoa_catalog *cat, const sohoa_bundle_new *b, int64_t *id,
    sohoa_error *err)
{
	catalog_stmt s;
	sohoa_status st;

	catalog_prepare(&s, cat, "INSERT INTO export_bundles (month, file_name, path, bundle_hash,"
	    " p7s_hash, size, sips, records, signer, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)");
	catalog_bind_text(&s, 1, b->month);
	catalog_bind_text(&s, 2, b->file_name);
	catalog_bind_text(&s, 3, b->path);
	catalog_bind_text(&s, 4, b->bundle_hash);
	catalog_bind_text(&s, 5, b->p7s_hash);
	catalog_bind_int(&s, 6, b->size);
	catalog_bind_int(&s, 7, b->sips);
	catalog_bind_int(&s, 8, b->records);
	catalog_bind_text(&s, 9, b->signer);
	catalog_bind_text(&s, 10, b->created_at);
	catalog_step(&s);
	if ((st = catalog_finish(&s, err, "record export bundle")) == SOHOA_OK)
		*id = sqlite3_last_insert_rowid(sohoa_catalog_db(cat));
	return st;
}

sohoa_status
sohoa_catalog_bundle_member_add(sohoa_catalog *cat, int64_t bundle_id, int64_t record_id,
    const char *mets_hash, const char *sip_name, sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "INSERT INTO export_members (bundle_id, record_id, mets_hash,"
	    " sip_name) VALUES (?,?,?,?)");
	catalog_bind_int(&s, 1, bundle_id);
	catalog_bind_int(&s, 2, record_id);
	catalog_bind_text(&s, 3, mets_hash);
	catalog_bind_text(&s, 4, sip_name);
	catalog_step(&s);
	return catalog_finish(&s, err, "record export member");
}

sohoa_status
sohoa_catalog_bundle_mark(sohoa_catalog *cat, int64_t id, int uploaded, const char *why,
    sohoa_error *err)
{
	catalog_stmt s;
	char now[32];

	sohoa_now_iso(now);
	catalog_prepare(&s, cat, why ? "UPDATE export_bundles SET upload_error = ?3 WHERE id = ?1"
	    : "UPDATE export_bundles SET exported_at = ?2, upload_error = NULL,"
	    " uploaded_at = CASE WHEN ?4 THEN ?2 END WHERE id = ?1");
	catalog_bind_int(&s, 1, id);
	catalog_bind_text(&s, 2, now);
	if (why)
		catalog_bind_text(&s, 3, why);
	else
		catalog_bind_int(&s, 4, uploaded);
	catalog_step(&s);
	return catalog_finish(&s, err, "mark export bundle");
}
