-- sohoa catalog, version 23: each record's access class, kept current by
-- triggers, so that the access rule of a search (access.h, A1-A5;
-- lib/catalog_access.c level_sql) is one look-up of a small table instead of
-- four per record (issue 12's benchmark: the rule cost a search 7 ms of its
-- 18 at 317k pages).
--
-- record_access.class says what the rule needs of the record, everything
-- but the viewer:
--   0  never served: not done, or any độ mật (secrecy) marking (A1, A5)
--   1  effective mode 01 (the record's mode field, else its hồ sơ's)
--   2  effective mode 02 (the viewer's live grant decides, A3)
--   3  any other effective mode: 03 or a code not known (A2)
--   4  no mode at all, neither the record's nor its hồ sơ's: the
--      configuration's default_mode decides (bound as :acc_default)
-- The effective mode is coalesce(fields.mode, hoso.mode) as level_sql read
-- it before; the triggers below recompute a record's class whenever
-- anything it is made of changes (records.state and origin, the mode and
-- secrecy fields, the hồ sơ's mode), whatever code path changes it.  A
-- record without a row is never served (the rule reads a missing row as 0).
-- The triggers delete the row, then insert it: an INSERT OR REPLACE in a
-- trigger takes the conflict policy of the statement that fired it, and the
-- DO UPDATE of an upsert (sohoa_catalog_set_field) is ABORT.
-- IF NOT EXISTS: replayable.

CREATE TABLE IF NOT EXISTS record_access (
	id    INTEGER PRIMARY KEY,     -- records.id
	class INTEGER NOT NULL         -- 0..4 above
);

-- The class of every record r the trigger names: the same expression in
-- each trigger (SQLite has no stored functions) and in the backfill below.
CREATE TRIGGER IF NOT EXISTS record_access_records_ai AFTER INSERT ON records BEGIN
	DELETE FROM record_access WHERE id IN (new.id);
	INSERT INTO record_access (id, class)
	SELECT r.id, CASE WHEN r.state IS NOT 'done' THEN 0
	    WHEN EXISTS (SELECT 1 FROM fields WHERE record_id = r.id AND name = 'secrecy'
	        AND trim(value, ' ' || char(9) || char(10)) <> '') THEN 0
	    ELSE CASE coalesce((SELECT value FROM fields WHERE record_id = r.id AND name = 'mode'),
	        (SELECT value FROM hoso WHERE origin = r.origin AND name = 'mode'))
	        WHEN '01' THEN 1 WHEN '02' THEN 2
	        ELSE CASE WHEN coalesce((SELECT value FROM fields WHERE record_id = r.id
	            AND name = 'mode'), (SELECT value FROM hoso WHERE origin = r.origin
	            AND name = 'mode')) IS NULL THEN 4 ELSE 3 END END END
	FROM records r WHERE r.id = new.id;
END;

CREATE TRIGGER IF NOT EXISTS record_access_records_au AFTER UPDATE OF state, origin ON records BEGIN
	DELETE FROM record_access WHERE id IN (new.id, old.id);
	INSERT INTO record_access (id, class)
	SELECT r.id, CASE WHEN r.state IS NOT 'done' THEN 0
	    WHEN EXISTS (SELECT 1 FROM fields WHERE record_id = r.id AND name = 'secrecy'
	        AND trim(value, ' ' || char(9) || char(10)) <> '') THEN 0
	    ELSE CASE coalesce((SELECT value FROM fields WHERE record_id = r.id AND name = 'mode'),
	        (SELECT value FROM hoso WHERE origin = r.origin AND name = 'mode'))
	        WHEN '01' THEN 1 WHEN '02' THEN 2
	        ELSE CASE WHEN coalesce((SELECT value FROM fields WHERE record_id = r.id
	            AND name = 'mode'), (SELECT value FROM hoso WHERE origin = r.origin
	            AND name = 'mode')) IS NULL THEN 4 ELSE 3 END END END
	FROM records r WHERE r.id = new.id;
END;

CREATE TRIGGER IF NOT EXISTS record_access_records_ad AFTER DELETE ON records BEGIN
	DELETE FROM record_access WHERE id = old.id;
END;

CREATE TRIGGER IF NOT EXISTS record_access_fields_ai AFTER INSERT ON fields
WHEN new.name IN ('mode', 'secrecy') BEGIN
	DELETE FROM record_access WHERE id IN (new.record_id);
	INSERT INTO record_access (id, class)
	SELECT r.id, CASE WHEN r.state IS NOT 'done' THEN 0
	    WHEN EXISTS (SELECT 1 FROM fields WHERE record_id = r.id AND name = 'secrecy'
	        AND trim(value, ' ' || char(9) || char(10)) <> '') THEN 0
	    ELSE CASE coalesce((SELECT value FROM fields WHERE record_id = r.id AND name = 'mode'),
	        (SELECT value FROM hoso WHERE origin = r.origin AND name = 'mode'))
	        WHEN '01' THEN 1 WHEN '02' THEN 2
	        ELSE CASE WHEN coalesce((SELECT value FROM fields WHERE record_id = r.id
	            AND name = 'mode'), (SELECT value FROM hoso WHERE origin = r.origin
	            AND name = 'mode')) IS NULL THEN 4 ELSE 3 END END END
	FROM records r WHERE r.id = new.record_id;
END;

CREATE TRIGGER IF NOT EXISTS record_access_fields_ad AFTER DELETE ON fields
WHEN old.name IN ('mode', 'secrecy') BEGIN
	DELETE FROM record_access WHERE id IN (old.record_id);
	INSERT INTO record_access (id, class)
	SELECT r.id, CASE WHEN r.state IS NOT 'done' THEN 0
	    WHEN EXISTS (SELECT 1 FROM fields WHERE record_id = r.id AND name = 'secrecy'
	        AND trim(value, ' ' || char(9) || char(10)) <> '') THEN 0
	    ELSE CASE coalesce((SELECT value FROM fields WHERE record_id = r.id AND name = 'mode'),
	        (SELECT value FROM hoso WHERE origin = r.origin AND name = 'mode'))
	        WHEN '01' THEN 1 WHEN '02' THEN 2
	        ELSE CASE WHEN coalesce((SELECT value FROM fields WHERE record_id = r.id
	            AND name = 'mode'), (SELECT value FROM hoso WHERE origin = r.origin
	            AND name = 'mode')) IS NULL THEN 4 ELSE 3 END END END
	FROM records r WHERE r.id = old.record_id;
END;

CREATE TRIGGER IF NOT EXISTS record_access_fields_au AFTER UPDATE ON fields
WHEN old.name IN ('mode', 'secrecy') OR new.name IN ('mode', 'secrecy') BEGIN
	DELETE FROM record_access WHERE id IN (old.record_id, new.record_id);
	INSERT INTO record_access (id, class)
	SELECT r.id, CASE WHEN r.state IS NOT 'done' THEN 0
	    WHEN EXISTS (SELECT 1 FROM fields WHERE record_id = r.id AND name = 'secrecy'
	        AND trim(value, ' ' || char(9) || char(10)) <> '') THEN 0
	    ELSE CASE coalesce((SELECT value FROM fields WHERE record_id = r.id AND name = 'mode'),
	        (SELECT value FROM hoso WHERE origin = r.origin AND name = 'mode'))
	        WHEN '01' THEN 1 WHEN '02' THEN 2
	        ELSE CASE WHEN coalesce((SELECT value FROM fields WHERE record_id = r.id
	            AND name = 'mode'), (SELECT value FROM hoso WHERE origin = r.origin
	            AND name = 'mode')) IS NULL THEN 4 ELSE 3 END END END
	FROM records r WHERE r.id IN (old.record_id, new.record_id);
END;

CREATE TRIGGER IF NOT EXISTS record_access_hoso_ai AFTER INSERT ON hoso
WHEN new.name = 'mode' BEGIN
	DELETE FROM record_access WHERE id IN (SELECT id FROM records WHERE origin = new.origin);
	INSERT INTO record_access (id, class)
	SELECT r.id, CASE WHEN r.state IS NOT 'done' THEN 0
	    WHEN EXISTS (SELECT 1 FROM fields WHERE record_id = r.id AND name = 'secrecy'
	        AND trim(value, ' ' || char(9) || char(10)) <> '') THEN 0
	    ELSE CASE coalesce((SELECT value FROM fields WHERE record_id = r.id AND name = 'mode'),
	        (SELECT value FROM hoso WHERE origin = r.origin AND name = 'mode'))
	        WHEN '01' THEN 1 WHEN '02' THEN 2
	        ELSE CASE WHEN coalesce((SELECT value FROM fields WHERE record_id = r.id
	            AND name = 'mode'), (SELECT value FROM hoso WHERE origin = r.origin
	            AND name = 'mode')) IS NULL THEN 4 ELSE 3 END END END
	FROM records r WHERE r.origin = new.origin;
END;

CREATE TRIGGER IF NOT EXISTS record_access_hoso_ad AFTER DELETE ON hoso
WHEN old.name = 'mode' BEGIN
	DELETE FROM record_access WHERE id IN (SELECT id FROM records WHERE origin = old.origin);
	INSERT INTO record_access (id, class)
	SELECT r.id, CASE WHEN r.state IS NOT 'done' THEN 0
	    WHEN EXISTS (SELECT 1 FROM fields WHERE record_id = r.id AND name = 'secrecy'
	        AND trim(value, ' ' || char(9) || char(10)) <> '') THEN 0
	    ELSE CASE coalesce((SELECT value FROM fields WHERE record_id = r.id AND name = 'mode'),
	        (SELECT value FROM hoso WHERE origin = r.origin AND name = 'mode'))
	        WHEN '01' THEN 1 WHEN '02' THEN 2
	        ELSE CASE WHEN coalesce((SELECT value FROM fields WHERE record_id = r.id
	            AND name = 'mode'), (SELECT value FROM hoso WHERE origin = r.origin
	            AND name = 'mode')) IS NULL THEN 4 ELSE 3 END END END
	FROM records r WHERE r.origin = old.origin;
END;

CREATE TRIGGER IF NOT EXISTS record_access_hoso_au AFTER UPDATE ON hoso
WHEN old.name = 'mode' OR new.name = 'mode' BEGIN
	DELETE FROM record_access WHERE id IN (SELECT id FROM records WHERE origin IN (old.origin, new.origin));
	INSERT INTO record_access (id, class)
	SELECT r.id, CASE WHEN r.state IS NOT 'done' THEN 0
	    WHEN EXISTS (SELECT 1 FROM fields WHERE record_id = r.id AND name = 'secrecy'
	        AND trim(value, ' ' || char(9) || char(10)) <> '') THEN 0
	    ELSE CASE coalesce((SELECT value FROM fields WHERE record_id = r.id AND name = 'mode'),
	        (SELECT value FROM hoso WHERE origin = r.origin AND name = 'mode'))
	        WHEN '01' THEN 1 WHEN '02' THEN 2
	        ELSE CASE WHEN coalesce((SELECT value FROM fields WHERE record_id = r.id
	            AND name = 'mode'), (SELECT value FROM hoso WHERE origin = r.origin
	            AND name = 'mode')) IS NULL THEN 4 ELSE 3 END END END
	FROM records r WHERE r.origin IN (old.origin, new.origin);
END;

-- Every record there is now (a statement of its own: OR REPLACE holds).
INSERT OR REPLACE INTO record_access (id, class)
SELECT r.id, CASE WHEN r.state IS NOT 'done' THEN 0
	    WHEN EXISTS (SELECT 1 FROM fields WHERE record_id = r.id AND name = 'secrecy'
	        AND trim(value, ' ' || char(9) || char(10)) <> '') THEN 0
	    ELSE CASE coalesce((SELECT value FROM fields WHERE record_id = r.id AND name = 'mode'),
	        (SELECT value FROM hoso WHERE origin = r.origin AND name = 'mode'))
	        WHEN '01' THEN 1 WHEN '02' THEN 2
	        ELSE CASE WHEN coalesce((SELECT value FROM fields WHERE record_id = r.id
	            AND name = 'mode'), (SELECT value FROM hoso WHERE origin = r.origin
	            AND name = 'mode')) IS NULL THEN 4 ELSE 3 END END END
FROM records r;
