/*
 * catalog_exports.c - the export ledger: tables export_bundles and
 * export_members (catalog_exports.h).
 */
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
