/*
 * catalog_exports.h - the ledger of monthly export bundles (tables
 * export_bundles and export_members, 006-exports.sql), read by
 * "sohoa exports" and written by export.c.
 *
 * Protocol as in catalog_records.h: one callback per row, strings valid
 * during the call only, nonzero from the callback stops the walk.
 */
#ifndef SOHOA_CATALOG_EXPORTS_H
#define SOHOA_CATALOG_EXPORTS_H

#include <stdint.h>
#include "sohoa/sohoa.h"
#include "sohoa/catalog.h"

typedef struct sohoa_bundle_row {
	int64_t id;
	const char *month, *file_name;
	const char *path;            /* the outbox, relative to the store when in it */
	const char *bundle_hash, *p7s_hash;
	long long size, sips, records;
	const char *signer;          /* NULL if unknown */
	const char *created_at;
	const char *uploaded_at, *upload_error, *exported_at;   /* NULL if not (yet) */
} sohoa_bundle_row;
typedef int (*sohoa_bundle_cb)(void *ctx, const sohoa_bundle_row *row);

/* Every bundle, oldest first. */
SOHOA_API sohoa_status sohoa_catalog_bundles_each(sohoa_catalog *cat, sohoa_bundle_cb cb,
    void *ctx, sohoa_error *err);

#endif
