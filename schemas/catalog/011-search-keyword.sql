-- sohoa catalog, version 11: the từ khóa (keyword) and ghi chú (description)
-- of a document are searchable.  docs_fts (003-search.sql) gets two more
-- columns after meta, so that the columns search.c knows keep their places:
--
--   keyword      fields.keyword (Từ khóa)
--   description  fields.description (Ghi chú)
--
-- FTS5 cannot add a column to a table, so the index, its content views and
-- its triggers are made again - the same as 003's but for the two columns
-- and the two field names the triggers watch - and every record that was
-- indexed is indexed again here, in the migration's transaction, so that
-- invariant I1 of 003 holds when it commits.  Records queued in docs_pending
-- stay queued (sohoa_search_index_pending and 'sohoa reindex' take them).

DROP TRIGGER docs_pages_bi;
DROP TRIGGER docs_pages_bd;
DROP TRIGGER docs_pages_bu;
DROP TRIGGER docs_pages_au;
DROP TRIGGER docs_fields_bi;
DROP TRIGGER docs_fields_bd;
DROP TRIGGER docs_fields_bu;
DROP TRIGGER docs_fields_ai;
DROP TRIGGER docs_fields_ad;
DROP TRIGGER docs_fields_au;
DROP TRIGGER docs_records_bd;
DROP TABLE docs_fts;
DROP VIEW docs_content;
DROP VIEW docs_source;
DELETE FROM docs_indexed;

-- What a record's row is made of (003's, plus the two fields).
CREATE VIEW docs_source (id, subject, doctype, number, organ, body, meta, keyword,
    description) AS
SELECT m.id, m.subject,
	(SELECT name FROM doc_types WHERE code = m.type_code),
	nullif(trim(
	    CASE WHEN m.code_number IS NULL AND m.code_notation IS NULL THEN ''
	         ELSE coalesce(m.code_number, '') || '/' || coalesce(m.code_notation, '') END
	    || ' ' || coalesce(m.tthc_code, '')), ''),
	m.organ_name,
	(SELECT group_concat(text, char(12))
	 FROM (SELECT text FROM pages WHERE record_id = m.id ORDER BY page_no)),
	nullif(trim(
	    CASE WHEN m.issued_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'
	         THEN 'zqy' || substr(m.issued_date, 1, 4) || ' zqm' || substr(m.issued_date, 1, 4)
	              || substr(m.issued_date, 6, 2)
	         ELSE '' END
	    || CASE WHEN m.type_code IS NULL THEN '' ELSE ' zqt' || m.type_code END), ''),
	(SELECT value FROM fields WHERE record_id = m.id AND name = 'keyword'),
	(SELECT value FROM fields WHERE record_id = m.id AND name = 'description')
FROM docs_meta m;

CREATE VIEW docs_content (id, subject, doctype, number, organ, body, meta, keyword,
    description) AS
SELECT * FROM docs_source WHERE id IN (SELECT id FROM docs_indexed);

CREATE VIRTUAL TABLE docs_fts USING fts5(subject, doctype, number, organ, body, meta,
	keyword, description, content = 'docs_content', content_rowid = 'id',
	tokenize = 'sohoa_vi');

-- I2 and I3 for pages: inserted or deleted (OCR stored again).
CREATE TRIGGER docs_pages_bi BEFORE INSERT ON pages BEGIN
	DELETE FROM docs_fts WHERE rowid = new.record_id
	    AND EXISTS (SELECT 1 FROM docs_indexed WHERE id = new.record_id);
	DELETE FROM docs_indexed WHERE id = new.record_id;
	INSERT OR IGNORE INTO docs_pending (id) VALUES (new.record_id);
END;
CREATE TRIGGER docs_pages_bd BEFORE DELETE ON pages BEGIN
	DELETE FROM docs_fts WHERE rowid = old.record_id
	    AND EXISTS (SELECT 1 FROM docs_indexed WHERE id = old.record_id);
	DELETE FROM docs_indexed WHERE id = old.record_id;
	INSERT OR IGNORE INTO docs_pending (id) VALUES (old.record_id);
END;

-- I2 for a page's text changed in place (a correction): one row, so the
-- record is indexed again at once.
CREATE TRIGGER docs_pages_bu BEFORE UPDATE OF record_id, page_no, text ON pages BEGIN
	DELETE FROM docs_fts WHERE rowid IN (old.record_id, new.record_id)
	    AND rowid IN (SELECT id FROM docs_indexed);
	DELETE FROM docs_indexed WHERE id IN (old.record_id, new.record_id);
END;
CREATE TRIGGER docs_pages_au AFTER UPDATE OF record_id, page_no, text ON pages BEGIN
	INSERT INTO docs_fts (rowid, subject, doctype, number, organ, body, meta, keyword,
	    description)
	    SELECT id, subject, doctype, number, organ, body, meta, keyword, description
	    FROM docs_source
	    WHERE id IN (SELECT id FROM docs_addable WHERE id IN (old.record_id, new.record_id));
	INSERT INTO docs_indexed (id)
	    SELECT id FROM docs_addable WHERE id IN (old.record_id, new.record_id);
END;

-- I2 for the fields that docs_source reads, and at once indexed again
-- (extraction, a person's correction).
CREATE TRIGGER docs_fields_bi BEFORE INSERT ON fields
WHEN new.name IN ('subject', 'typeName', 'codeNumber', 'codeNotation', 'organName', 'tthcCode',
    'issuedDate', 'keyword', 'description')
BEGIN
	DELETE FROM docs_fts WHERE rowid = new.record_id
	    AND EXISTS (SELECT 1 FROM docs_indexed WHERE id = new.record_id);
	DELETE FROM docs_indexed WHERE id = new.record_id;
END;
CREATE TRIGGER docs_fields_bd BEFORE DELETE ON fields
WHEN old.name IN ('subject', 'typeName', 'codeNumber', 'codeNotation', 'organName', 'tthcCode',
    'issuedDate', 'keyword', 'description')
BEGIN
	DELETE FROM docs_fts WHERE rowid = old.record_id
	    AND EXISTS (SELECT 1 FROM docs_indexed WHERE id = old.record_id);
	DELETE FROM docs_indexed WHERE id = old.record_id;
END;
CREATE TRIGGER docs_fields_bu BEFORE UPDATE ON fields
WHEN old.name IN ('subject', 'typeName', 'codeNumber', 'codeNotation', 'organName', 'tthcCode',
    'issuedDate', 'keyword', 'description')
  OR new.name IN ('subject', 'typeName', 'codeNumber', 'codeNotation', 'organName', 'tthcCode',
    'issuedDate', 'keyword', 'description')
BEGIN
	DELETE FROM docs_fts WHERE rowid IN (old.record_id, new.record_id)
	    AND rowid IN (SELECT id FROM docs_indexed);
	DELETE FROM docs_indexed WHERE id IN (old.record_id, new.record_id);
END;
CREATE TRIGGER docs_fields_ai AFTER INSERT ON fields
WHEN new.name IN ('subject', 'typeName', 'codeNumber', 'codeNotation', 'organName', 'tthcCode',
    'issuedDate', 'keyword', 'description')
BEGIN
	INSERT INTO docs_fts (rowid, subject, doctype, number, organ, body, meta, keyword,
	    description)
	    SELECT id, subject, doctype, number, organ, body, meta, keyword, description
	    FROM docs_source
	    WHERE id IN (SELECT id FROM docs_addable WHERE id = new.record_id);
	INSERT INTO docs_indexed (id) SELECT id FROM docs_addable WHERE id = new.record_id;
END;
CREATE TRIGGER docs_fields_ad AFTER DELETE ON fields
WHEN old.name IN ('subject', 'typeName', 'codeNumber', 'codeNotation', 'organName', 'tthcCode',
    'issuedDate', 'keyword', 'description')
BEGIN
	INSERT INTO docs_fts (rowid, subject, doctype, number, organ, body, meta, keyword,
	    description)
	    SELECT id, subject, doctype, number, organ, body, meta, keyword, description
	    FROM docs_source
	    WHERE id IN (SELECT id FROM docs_addable WHERE id = old.record_id);
	INSERT INTO docs_indexed (id) SELECT id FROM docs_addable WHERE id = old.record_id;
END;
CREATE TRIGGER docs_fields_au AFTER UPDATE ON fields
WHEN old.name IN ('subject', 'typeName', 'codeNumber', 'codeNotation', 'organName', 'tthcCode',
    'issuedDate', 'keyword', 'description')
  OR new.name IN ('subject', 'typeName', 'codeNumber', 'codeNotation', 'organName', 'tthcCode',
    'issuedDate', 'keyword', 'description')
BEGIN
	INSERT INTO docs_fts (rowid, subject, doctype, number, organ, body, meta, keyword,
	    description)
	    SELECT id, subject, doctype, number, organ, body, meta, keyword, description
	    FROM docs_source
	    WHERE id IN (SELECT id FROM docs_addable WHERE id IN (old.record_id, new.record_id));
	INSERT INTO docs_indexed (id)
	    SELECT id FROM docs_addable WHERE id IN (old.record_id, new.record_id);
END;
-- A record is never deleted today; if one is, its row goes first (the view
-- reads records).
CREATE TRIGGER docs_records_bd BEFORE DELETE ON records BEGIN
	DELETE FROM docs_fts WHERE rowid = old.id
	    AND EXISTS (SELECT 1 FROM docs_indexed WHERE id = old.id);
	DELETE FROM docs_indexed WHERE id = old.id;
	DELETE FROM docs_pending WHERE id = old.id;
END;

-- Index again what was there: every record with pages or fields that is
-- not queued (the same rule as sohoa_search_index_record).
INSERT INTO docs_fts (rowid, subject, doctype, number, organ, body, meta, keyword, description)
	SELECT id, subject, doctype, number, organ, body, meta, keyword, description
	FROM docs_source WHERE id IN (SELECT id FROM docs_addable);
INSERT INTO docs_indexed (id) SELECT id FROM docs_addable;
