-- sohoa catalog, version 4: what the archival description needs beside the
-- fields table: the document identifier, the package written for it, probable
-- duplicates by content, and the hồ sơ level values per inbox folder.

ALTER TABLE records ADD COLUMN doc_id TEXT;          -- Mã định danh tài liệu (docId, S25)
ALTER TABLE records ADD COLUMN package_path TEXT;    -- the AIP folder
ALTER TABLE records ADD COLUMN package_mets_hash TEXT; -- 'sha256:...' of its METS.xml
ALTER TABLE records ADD COLUMN packaged_at TEXT;     -- ISO 8601; NULL: (re)package pending
-- Same organ, year, số and ký hiệu as another record: flagged and linked, not merged.
ALTER TABLE records ADD COLUMN probable_duplicate_of INTEGER REFERENCES records(id);
CREATE UNIQUE INDEX records_doc_id ON records(doc_id) WHERE doc_id IS NOT NULL;

CREATE TABLE hoso (
	origin  TEXT NOT NULL,       -- inbox sub-folder ("" for the top)
	name    TEXT NOT NULL,       -- EAD element (hoso.h)
	value   TEXT NOT NULL,
	source  TEXT NOT NULL CHECK (source IN ('config', 'sidecar', 'folder', 'person')),
	PRIMARY KEY (origin, name)
) WITHOUT ROWID;

-- How each page was straightened before OCR (the original is never changed).
ALTER TABLE pages ADD COLUMN rotation INTEGER NOT NULL DEFAULT 0; -- clockwise degrees
ALTER TABLE pages ADD COLUMN skew REAL NOT NULL DEFAULT 0;        -- degrees removed
