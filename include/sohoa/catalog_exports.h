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

/* Whether a bundle of month (YYYY-MM) was exported (not just written). */
SOHOA_API bool sohoa_catalog_month_exported(sohoa_catalog *cat, const char *month);

/* The records month carries (export.h): done, packaged, with a docId,
 * whose package was first made before end_utc (ISO 8601), and not already
 * exported with this same package in another month's bundle; by folder,
 * then id. */
typedef struct sohoa_export_row {
	int64_t id;
	const char *origin, *package_path, *package_mets_hash, *doc_id;
} sohoa_export_row;
typedef int (*sohoa_export_cb)(void *ctx, const sohoa_export_row *row);
SOHOA_API sohoa_status sohoa_catalog_month_records_each(sohoa_catalog *cat, const char *month,
    const char *end_utc, sohoa_export_cb cb, void *ctx, sohoa_error *err);

/* A bundle written to the outbox; strings are borrowed for the call. */
typedef struct sohoa_bundle_new {
	const char *month, *file_name;
	const char *path;            /* the outbox, relative to the store when in it */
	const char *bundle_hash, *p7s_hash;
	long long size;
	int sips, records;
	const char *signer, *created_at;
} sohoa_bundle_new;

/* Adds the bundle (its id into *id) and, one by one, its members: record,
 * the METS hash of the package it carries, and its SIP's file name.  Call
 * inside a transaction. */
SOHOA_API sohoa_status sohoa_catalog_bundle_add(sohoa_catalog *cat, const sohoa_bundle_new *b,
    int64_t *id, sohoa_error *err);
SOHOA_API sohoa_status sohoa_catalog_bundle_member_add(sohoa_catalog *cat, int64_t bundle_id,
    int64_t record_id, const char *mets_hash, const char *sip_name, sohoa_error *err);

/* The bundle's fate: with why, the upload failed for that reason (the
 * bundle stays not exported); without, it is exported now, and uploaded
 * now too when uploaded is set. */
SOHOA_API sohoa_status sohoa_catalog_bundle_mark(sohoa_catalog *cat, int64_t id, int uploaded,
    const char *why, sohoa_error *err);

#endif
