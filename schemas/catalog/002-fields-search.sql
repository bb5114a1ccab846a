-- sohoa catalog, version 2: the descriptive fields of each record (TT 05
-- element names, see include/sohoa/fields.h) and a record-level full-text
-- index with the Vietnamese tokenizer (sohoa_vi, lib/fts5_vi.c).

CREATE TABLE fields (
	record_id  INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
	name       TEXT NOT NULL,            -- codeNumber, issuedDate, ... (fields.h)
	value      TEXT NOT NULL,            -- NFC
	source     TEXT NOT NULL CHECK (source IN ('ocr', 'person', 'config', 'folder', 'sidecar')),
	confidence REAL NOT NULL DEFAULT 0,  -- 0..1
	PRIMARY KEY (record_id, name)
) WITHOUT ROWID;
CREATE INDEX fields_name_value ON fields(name, value);
