-- sohoa catalog, version 5: which records the backup copy holds
-- (lib/backup.c).  A backup folder carries its own random id in
-- <backup_dir>/sohoa-backup.id; a row says that record_id's spool entry and
-- the package whose METS.xml hashes to mets_hash were copied there, verified,
-- and fsynced.  A record whose row is missing, names another backup, or
-- names an older package is copied again (catch-up).  Fixity checks need no
-- table: they are events of type 'fixity check'.

CREATE TABLE backup_copies (
	record_id  INTEGER PRIMARY KEY REFERENCES records(id),
	backup_id  TEXT NOT NULL,          -- the id in <backup_dir>/sohoa-backup.id
	mets_hash  TEXT,                   -- package_mets_hash of the package copied; NULL: none
	files      INTEGER NOT NULL,       -- files copied (spool entry and package)
	bytes      INTEGER NOT NULL,
	at         TEXT NOT NULL           -- ISO 8601, UTC
);

-- The audit asks "when was this record last checked?" for every record.
CREATE INDEX events_type_record ON events(type, record_id, at);
