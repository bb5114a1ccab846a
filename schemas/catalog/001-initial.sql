-- sohoa catalog, version 1: records, pages, PREMIS-like events, full text.
-- Applied once, in a transaction, by lib/catalog.c; PRAGMA user_version
-- records the version reached.  Never edit a released migration: add one.

CREATE TABLE records (
	id              INTEGER PRIMARY KEY,
	spool_id        TEXT NOT NULL UNIQUE,        -- name of the entry in the spool
	state           TEXT NOT NULL CHECK (state IN
	                  ('incoming', 'active', 'done', 'deferred', 'quarantined')),
	hash            TEXT,                        -- 'sha256:<hex>' of the original scan;
	                                             -- NULL when it could not be read
	size            INTEGER NOT NULL,
	name            TEXT NOT NULL,               -- original file name, NFC text
	name_raw        BLOB NOT NULL,               -- original file name, bytes as found
	origin          TEXT NOT NULL DEFAULT '',    -- inbox sub-folder (hồ sơ), NFC text
	origin_raw      BLOB NOT NULL DEFAULT x'',
	inbox_path      BLOB,                        -- path under the inbox, bytes
	source_mtime_ns INTEGER,
	inbox_removed   INTEGER NOT NULL DEFAULT 1,  -- 0: the original could not be removed
	created_at      TEXT NOT NULL,               -- ISO 8601, UTC
	updated_at      TEXT NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,  -- OCR attempts that did not finish
	next_attempt_at INTEGER,                     -- unix time, for deferred records
	last_error      TEXT,
	reason          TEXT,                        -- quarantine reason key (error.c)
	duplicate_of    INTEGER REFERENCES records(id),
	quarantine_name TEXT,                        -- path under the quarantine folder
	quarantine_published INTEGER NOT NULL DEFAULT 0, -- the file and its reason are there
	quarantine_released  INTEGER NOT NULL DEFAULT 0, -- 'sohoa retry' put it back
	page_count      INTEGER,
	mean_confidence REAL                         -- mean of the pages' confidences
);
CREATE INDEX records_hash ON records(hash);
CREATE INDEX records_state ON records(state);
-- A scan is OCRed once: at most one live record per content.
CREATE UNIQUE INDEX records_hash_live ON records(hash) WHERE state <> 'quarantined';

CREATE TABLE pages (
	id          INTEGER PRIMARY KEY,
	record_id   INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
	page_no     INTEGER NOT NULL,                -- 1-based
	text        TEXT NOT NULL,                   -- OCR text, NFC
	confidence  REAL,                            -- mean word confidence 0-100; NULL if failed
	status      TEXT NOT NULL DEFAULT 'ok',      -- ok | timeout | failed
	width       INTEGER,
	height      INTEGER,
	dpi         INTEGER,
	UNIQUE (record_id, page_no)
);

-- Events in the manner of PREMIS 3: what happened to a record, when, by
-- which agent, with what outcome.
CREATE TABLE events (
	id         INTEGER PRIMARY KEY,
	record_id  INTEGER REFERENCES records(id),
	type       TEXT NOT NULL,   -- ingestion, message digest calculation, ocr, duplicate, quarantine, ...
	at         TEXT NOT NULL,   -- ISO 8601, UTC
	agent      TEXT NOT NULL,   -- software and version
	outcome    TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'warning')),
	detail     TEXT
);
CREATE INDEX events_record ON events(record_id);

CREATE VIRTUAL TABLE pages_fts USING fts5(
	text, content = 'pages', content_rowid = 'id',
	tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER pages_ai AFTER INSERT ON pages BEGIN
	INSERT INTO pages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER pages_ad AFTER DELETE ON pages BEGIN
	INSERT INTO pages_fts(pages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER pages_au AFTER UPDATE ON pages BEGIN
	INSERT INTO pages_fts(pages_fts, rowid, text) VALUES ('delete', old.id, old.text);
	INSERT INTO pages_fts(rowid, text) VALUES (new.id, new.text);
END;
