/*
 * catalog_events.h - reading the PREMIS-like event log (table events):
 * a record's history, and the latest events that did not succeed.
 * Events are appended by sohoa_catalog_event_add (catalog.h).
 *
 * Protocol as in catalog_records.h: one callback per row, strings valid
 * during the call only, nonzero from the callback stops the walk.
 */
#ifndef SOHOA_CATALOG_EVENTS_H
#define SOHOA_CATALOG_EVENTS_H

#include <stdint.h>
#include "sohoa/sohoa.h"
#include "sohoa/catalog.h"

typedef struct sohoa_event_row {
	int64_t id;
	const char *at;
	int64_t record_id;           /* 0 for an event about no record */
	const char *record_name;     /* the record's name, NULL if none */
	const char *type, *agent, *outcome, *detail;
} sohoa_event_row;
typedef int (*sohoa_event_cb)(void *ctx, const sohoa_event_row *row);

/* The events of record id, oldest first. */
SOHOA_API sohoa_status sohoa_catalog_record_events_each(sohoa_catalog *cat, int64_t id,
    sohoa_event_cb cb, void *ctx, sohoa_error *err);

/* The last limit events whose outcome is not "success", newest first. */
SOHOA_API sohoa_status sohoa_catalog_problems_each(sohoa_catalog *cat, int limit,
    sohoa_event_cb cb, void *ctx, sohoa_error *err);

#endif
