-- sohoa catalog, version 6: the export ledger (lib/export.c).  One row per
-- monthly bundle written into the outbox, and one per record version it
-- carries.  A record version is its package_mets_hash: a record corrected
-- after it was sent (its package rewritten) has a new hash and goes out
-- again with the next month.  A month counts as exported when a bundle row
-- for it has exported_at set: after upload_command succeeded, or at once
-- when no upload_command is configured.

CREATE TABLE export_bundles (
	id           INTEGER PRIMARY KEY,
	month        TEXT NOT NULL,          -- YYYY-MM (Asia/Ho_Chi_Minh, +07:00)
	file_name    TEXT NOT NULL,          -- sohoa-<agency_code>-<YYYY-MM>.tar
	path         TEXT NOT NULL,          -- where it was written (the outbox)
	bundle_hash  TEXT NOT NULL,          -- 'sha256:<hex>' of the tar
	p7s_hash     TEXT NOT NULL,          -- 'sha256:<hex>' of the detached CMS signature
	size         INTEGER NOT NULL,       -- bytes of the tar
	sips         INTEGER NOT NULL,       -- SIPs (zip members) in it
	records      INTEGER NOT NULL,       -- documents in it
	signer       TEXT,                   -- subject of the signing certificate
	created_at   TEXT NOT NULL,          -- ISO 8601, UTC
	uploaded_at  TEXT,                   -- upload_command exited 0; NULL: none ran or it failed
	upload_error TEXT,                   -- why the last upload failed
	exported_at  TEXT                    -- the month is done; NULL: not (yet)
);
CREATE INDEX export_bundles_month ON export_bundles(month, exported_at);

CREATE TABLE export_members (
	bundle_id  INTEGER NOT NULL REFERENCES export_bundles(id) ON DELETE CASCADE,
	record_id  INTEGER NOT NULL REFERENCES records(id),
	mets_hash  TEXT NOT NULL,            -- the record version: package_mets_hash when sent
	sip_name   TEXT NOT NULL,            -- the zip member (uuid-<UUID>.zip) holding it
	PRIMARY KEY (bundle_id, record_id)
) WITHOUT ROWID;
CREATE INDEX export_members_record ON export_members(record_id, mets_hash);
