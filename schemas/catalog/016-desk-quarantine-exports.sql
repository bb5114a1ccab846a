-- sohoa catalog, version 16: the văn thư's desk in sohoa-web (web/desk_quarantine.c).
--
-- Export requests: sohoa-web cannot read the signing key, so it never runs
-- an export; it queues one here and sohoad runs it (daemon/sohoad_export.c)
-- with the same library code as 'sohoa export' (lib/export.c).  Typed
-- access in lib/catalog_desk.c (desk.h).  At most one request per month is
-- waiting or running at a time.  IF NOT EXISTS: replayable (test_store
-- replays the migrations after 12).
CREATE TABLE IF NOT EXISTS export_requests (
	id           INTEGER PRIMARY KEY,
	month        TEXT NOT NULL,           -- YYYY-MM
	force        INTEGER NOT NULL DEFAULT 0, -- confirmed: the open month, or again
	requested_by TEXT NOT NULL,           -- the web user's name
	requested_at TEXT NOT NULL,           -- ISO 8601, UTC
	state        TEXT NOT NULL DEFAULT 'pending'
	             CHECK (state IN ('pending', 'running', 'done', 'failed')),
	started_at   TEXT,
	finished_at  TEXT,
	message      TEXT,                    -- the outcome, Vietnamese first
	bundle_id    INTEGER REFERENCES export_bundles(id)
);
CREATE UNIQUE INDEX IF NOT EXISTS export_requests_live ON export_requests(month)
	WHERE state IN ('pending', 'running');

-- records.quarantine_released: 0 in the quarantine folder, 1 put back into
-- the inbox ('sohoa retry' or the web), 2 deleted by a person from the web
-- (the file and its reason file removed; the record and its events stay).
