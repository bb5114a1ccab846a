/*
 * catalog_events.c - reading the event log (catalog_events.h).  Events are
 * appended by sohoa_catalog_event_add in catalog.c.
 */
#include "sohoa/catalog_events.h"
#include "catalog_int.h"

static sohoa_status
walk(catalog_stmt *s, sohoa_event_cb cb, void *ctx, sohoa_error *err)
{
	while (catalog_step(s) == SQLITE_ROW) {
		sohoa_event_row e = {
			.id = catalog_col_int(s, 0),
			.at = catalog_col_text(s, 1),
			.record_id = catalog_col_int(s, 2),
			.record_name = catalog_col_text(s, 3),
			.type = catalog_col_text(s, 4),
			.agent = catalog_col_text(s, 5),
			.outcome = catalog_col_text(s, 6),
			.detail = catalog_col_text(s, 7),
		};
		if (cb(ctx, &e))
			break;
	}
	return catalog_finish(s, err, "read events");
}

sohoa_status
sohoa_catalog_record_events_each(sohoa_catalog *cat, int64_t id, sohoa_event_cb cb, void *ctx,
    sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "SELECT e.id, e.at, e.record_id, NULL, e.type, e.agent,"
	    " e.outcome, e.detail FROM events e WHERE e.record_id = ? ORDER BY e.id");
	catalog_bind_int(&s, 1, id);
	return walk(&s, cb, ctx, err);
}

sohoa_status
sohoa_catalog_problems_each(sohoa_catalog *cat, int limit, sohoa_event_cb cb, void *ctx,
    sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "SELECT e.id, e.at, e.record_id, r.name, e.type, e.agent,"
	    " e.outcome, e.detail FROM events e LEFT JOIN records r ON r.id = e.record_id"
	    " WHERE e.outcome <> 'success' ORDER BY e.id DESC LIMIT ?");
	catalog_bind_int(&s, 1, limit);
	return walk(&s, cb, ctx, err);
}
