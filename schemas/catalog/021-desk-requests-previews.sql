-- sohoa catalog, version 21: the văn thư's quarantine screen with sohoa-web
-- as its own user (SECURITY.md "sohoa-web's own user").  sohoa-web cannot
-- read the quarantine's files nor write the inbox, so:
--
-- desk_requests: what a person asked for on /quarantine (retry, delete,
-- keep both, drop one of a probable duplicate pair), queued by sohoa-web
-- and carried out by sohoad (daemon/sohoad_desk.c) with the library code
-- of 'sohoa retry' and of the desk (lib/catalog_desk.c, desk.h).  At most
-- one request per record and action is waiting or running at a time.
--
-- quarantine_previews: the first page of a quarantined file, rendered by
-- sohoad in a child process with resource limits into
-- <state_dir>/quarantine-previews/<record id>.png (0640, the web's group),
-- or why there is none.  sohoa-web only serves the stored PNG.
--
-- IF NOT EXISTS: replayable (test_store replays the migrations after 12).
CREATE TABLE IF NOT EXISTS desk_requests (
	id           INTEGER PRIMARY KEY,
	action       TEXT NOT NULL CHECK (action IN ('retry', 'delete', 'keep', 'drop')),
	record_id    INTEGER NOT NULL,        -- the quarantined or flagged record
	drop_id      INTEGER,                 -- 'drop': the record of the pair to drop
	requested_by TEXT NOT NULL,           -- the web user's name
	requested_at TEXT NOT NULL,           -- ISO 8601, UTC
	state        TEXT NOT NULL DEFAULT 'pending'
	             CHECK (state IN ('pending', 'running', 'done', 'failed')),
	started_at   TEXT,
	finished_at  TEXT,
	message      TEXT                     -- the outcome, Vietnamese first
);
CREATE UNIQUE INDEX IF NOT EXISTS desk_requests_live ON desk_requests(record_id, action)
	WHERE state IN ('pending', 'running');

CREATE TABLE IF NOT EXISTS quarantine_previews (
	record_id INTEGER PRIMARY KEY,
	made_at   TEXT NOT NULL,
	status    TEXT NOT NULL CHECK (status IN ('png', 'bad', 'none')),
	                                      -- png: <record id>.png written; bad: the
	                                      -- file does not decode; none: not previewed
	reason    TEXT,                       -- 'bad': the reason key (error.c)
	message   TEXT,                       -- 'bad'/'none': why, as text
	note      TEXT,                       -- the reason file (.ly-do.txt), at most 16 KiB
	file_sig  TEXT                        -- inode:size:mtime of the file rendered; another
	                                      -- (the văn thư replaced it) and it is made again
);
