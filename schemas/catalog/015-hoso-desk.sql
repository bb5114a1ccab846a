-- sohoa catalog, version 15: the hồ sơ as an object a person manages
-- (lib/catalog_hoso.c, hoso_desk.h).  A hồ sơ is still named by its origin
-- (an inbox sub-folder, or ".hoso/<id>" for one a person created: a name
-- starting with '.' is never an inbox folder); hoso_files gives each a
-- number that never changes (the /hoso/ID of sohoa-web, the "HS<nnn>" of a
-- mã hồ sơ nobody wrote), and records.hoso_order the order a person set.

CREATE TABLE hoso_files (
	id         INTEGER PRIMARY KEY,
	origin     TEXT NOT NULL UNIQUE,   -- records.origin of its documents
	created_at TEXT NOT NULL,          -- ISO 8601: the first scan, or the creation
	created_by TEXT                    -- the person who created it; NULL for a folder
);

-- The folders known so far, numbered by their first scan (the number the
-- mã hồ sơ "HS<nnn>" was computed from before).
INSERT INTO hoso_files (origin, created_at)
	SELECT origin, min(created_at) FROM records WHERE origin <> ''
	GROUP BY origin ORDER BY min(id);

-- The place a person gave a document in its hồ sơ (1, 2, ...); NULL: after
-- those placed, in pickup order.
ALTER TABLE records ADD COLUMN hoso_order INTEGER;

-- The documents of a hồ sơ, in order.
CREATE INDEX records_origin ON records(origin, hoso_order, id);
