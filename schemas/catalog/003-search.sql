-- sohoa catalog, version 3: record-level full-text search with the
-- Vietnamese tokenizer sohoa_vi (lib/fts5_vi.c, registered on every catalog
-- connection), replacing pages_fts (unicode61, one row per page).
--
-- One FTS5 row per record (rowid = records.id) with five columns, so that
-- bm25() can weigh the trích yếu and the type above the body text:
--
--   subject  fields.subject (Trích yếu nội dung)
--   doctype  the name of the type ("Quyết định"): typeName, else the type
--            abbreviation that opens codeNotation ("QĐ-UBND" -> 02)
--   number   codeNumber/codeNotation ("15/QĐ-UBND") and the TTHC case number
--   organ    organName (Cơ quan ban hành)
--   body     the OCR text of every page, in page order, pages separated by a
--            form feed (U+000C: the tokenizer splits on it, and the page of
--            a hit is the number of form feeds before it, plus one)
--   meta     tokens for the filters, so that FTS5 narrows a search by year,
--            month and type as fast as by a word: zqy2024 (issuedDate's
--            year), zqm202403 (its month), zqt02 (the type code).  Not
--            shown, not ranked; search.c still checks the exact values.
--
-- External content, not contentless, and not a copy of the text: the content
-- "table" is the view docs_content (docs_source below, restricted to the
-- records indexed), computed from pages and fields, which already hold every
-- byte.  A copy would double the text on disk (the target is an index of at
-- most 1.5x the raw text); a contentless table cannot produce snippets, and
-- with SQLite 3.40 it cannot delete a row without the original values, which
-- are gone once pages or fields change.  pages_fts goes: the page of a hit
-- is found from the form feeds, so nothing needs a per-page index.
--
-- The price of external content is that FTS5 deletes a row by tokenizing
-- the values the view gives *now*, so they must still be the values that
-- were indexed.  The invariant, kept by the triggers below and by
-- lib/search.c (the only other writer of docs_fts):
--
--   I1. A record is in docs_indexed exactly when docs_fts holds a row for it,
--       and that row was made from what docs_source gives for it now.
--   I2. Before a change to a record's pages or indexed fields, its row is
--       deleted (while the view still gives the old values) and it leaves
--       docs_indexed.
--   I3. A record whose pages changed is in docs_pending until it is indexed
--       again (sohoa_search_index_record, called after the OCR commit, and
--       sohoa reindex); docs_pending is written in the same transaction as
--       the pages, so a crash between the commit and the indexing leaves the
--       record queued, never silently missing.  Changes to fields (rare, one
--       row at a time: extraction, a person's edit) and corrections of a
--       page's text are indexed again at once by the AFTER triggers, unless
--       the record is queued; page inserts are not, because re-indexing the
--       whole record at each of its pages would cost n^2.
--
-- Because the triggers write docs_fts, a connection that writes pages or
-- fields needs the sohoa_vi tokenizer (every sohoa_catalog_open registers
-- it); a plain sqlite3 shell can read the catalog but not change those
-- tables, which protects I1.

CREATE TABLE doc_types (
	code TEXT PRIMARY KEY,          -- TT 05/2025 typeName "01".."32"
	name TEXT NOT NULL,             -- Tên loại tài liệu
	abbr TEXT                       -- ND 30/2020 abbreviation (mixed case), if any
) WITHOUT ROWID;
INSERT INTO doc_types (code, name, abbr) VALUES
	('01', 'Nghị quyết', 'NQ'), ('02', 'Quyết định', 'QĐ'), ('03', 'Chỉ thị', 'CT'),
	('04', 'Quy chế', 'QC'), ('05', 'Quy định', 'QyĐ'), ('06', 'Thông cáo', 'TC'),
	('07', 'Thông báo', 'TB'), ('08', 'Hướng dẫn', 'HD'), ('09', 'Chương trình', 'CTr'),
	('10', 'Kế hoạch', 'KH'), ('11', 'Phương án', 'PA'), ('12', 'Đề án', 'ĐA'),
	('13', 'Dự án', 'DA'), ('14', 'Báo cáo', 'BC'), ('15', 'Tờ trình', 'TTr'),
	('16', 'Giấy ủy quyền', 'GUQ'), ('17', 'Phiếu gửi', 'PG'), ('18', 'Phiếu chuyển', 'PC'),
	('19', 'Phiếu báo', 'PB'), ('20', 'Biên bản', 'BB'), ('21', 'Hợp đồng', 'HĐ'),
	('22', 'Công văn', NULL), ('23', 'Công điện', 'CĐ'), ('24', 'Bản ghi nhớ', 'BGN'),
	('25', 'Bản thỏa thuận', 'BTT'), ('26', 'Giấy mời', 'GM'), ('27', 'Giấy giới thiệu', 'GGT'),
	('28', 'Giấy nghỉ phép', 'GNP'), ('29', 'Thư công', NULL), ('30', 'Bản đồ', NULL),
	('31', 'Bản vẽ kỹ thuật', NULL), ('32', 'Khác', NULL);

-- What search shows and filters on, one row per record.  type_code is
-- typeName, else the code of the abbreviation opening codeNotation (after a
-- year: "2025/QĐ-UBND"); a Công văn's notation ("12/UBND-VX") opens with the
-- issuer, which is no type abbreviation, so it gives none.
CREATE VIEW docs_meta (id, name, origin, created_at, subject, code_number, code_notation,
    type_code, issued_date, organ_name, tthc_code) AS
SELECT r.id, r.name, r.origin, r.created_at,
	(SELECT value FROM fields WHERE record_id = r.id AND name = 'subject'),
	(SELECT value FROM fields WHERE record_id = r.id AND name = 'codeNumber'),
	(SELECT value FROM fields WHERE record_id = r.id AND name = 'codeNotation'),
	coalesce(
	    (SELECT t.code FROM fields f JOIN doc_types t ON t.code = f.value
	     WHERE f.record_id = r.id AND f.name = 'typeName'),
	    (SELECT t.code FROM fields f JOIN doc_types t
	     ON t.abbr = substr(substr(f.value, instr(f.value, '/') + 1), 1,
	         instr(substr(f.value, instr(f.value, '/') + 1) || '-', '-') - 1)
	     WHERE f.record_id = r.id AND f.name = 'codeNotation')),
	(SELECT value FROM fields WHERE record_id = r.id AND name = 'issuedDate'),
	(SELECT value FROM fields WHERE record_id = r.id AND name = 'organName'),
	(SELECT value FROM fields WHERE record_id = r.id AND name = 'tthcCode')
FROM records r;

-- What a record's row is made of.  Deterministic for given pages and
-- fields (I1).
CREATE VIEW docs_source (id, subject, doctype, number, organ, body, meta) AS
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
	    || CASE WHEN m.type_code IS NULL THEN '' ELSE ' zqt' || m.type_code END), '')
FROM docs_meta m;

-- The content of docs_fts as FTS5 sees it: only the records it holds (I1),
-- so that FTS5's own 'integrity-check' compares the index with exactly them
-- and a record waiting to be indexed is not taken for damage.
CREATE VIEW docs_content (id, subject, doctype, number, organ, body, meta) AS
SELECT * FROM docs_source WHERE id IN (SELECT id FROM docs_indexed);

CREATE VIRTUAL TABLE docs_fts USING fts5(subject, doctype, number, organ, body, meta,
	content = 'docs_content', content_rowid = 'id', tokenize = 'sohoa_vi');

CREATE TABLE docs_indexed (id INTEGER PRIMARY KEY);    -- I1
CREATE TABLE docs_pending (id INTEGER PRIMARY KEY);    -- I3

-- Records a trigger may index at once: something to index, no row yet, and
-- not waiting for sohoa_search_index_record (a record whose pages are being
-- stored gets its row once, when they all are, not at each field).
CREATE VIEW docs_addable (id) AS
SELECT r.id FROM records r
WHERE r.id NOT IN (SELECT id FROM docs_indexed)
  AND r.id NOT IN (SELECT id FROM docs_pending)
  AND (EXISTS (SELECT 1 FROM pages WHERE record_id = r.id)
    OR EXISTS (SELECT 1 FROM fields WHERE record_id = r.id));

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
	INSERT INTO docs_fts (rowid, subject, doctype, number, organ, body, meta)
	    SELECT id, subject, doctype, number, organ, body, meta FROM docs_source
	    WHERE id IN (SELECT id FROM docs_addable WHERE id IN (old.record_id, new.record_id));
	INSERT INTO docs_indexed (id)
	    SELECT id FROM docs_addable WHERE id IN (old.record_id, new.record_id);
END;

-- I2 for the fields that docs_source reads, and at once indexed again
-- (extraction, a person's correction).
CREATE TRIGGER docs_fields_bi BEFORE INSERT ON fields
WHEN new.name IN ('subject', 'typeName', 'codeNumber', 'codeNotation', 'organName', 'tthcCode',
    'issuedDate')
BEGIN
	DELETE FROM docs_fts WHERE rowid = new.record_id
	    AND EXISTS (SELECT 1 FROM docs_indexed WHERE id = new.record_id);
	DELETE FROM docs_indexed WHERE id = new.record_id;
END;
CREATE TRIGGER docs_fields_bd BEFORE DELETE ON fields
WHEN old.name IN ('subject', 'typeName', 'codeNumber', 'codeNotation', 'organName', 'tthcCode',
    'issuedDate')
BEGIN
	DELETE FROM docs_fts WHERE rowid = old.record_id
	    AND EXISTS (SELECT 1 FROM docs_indexed WHERE id = old.record_id);
	DELETE FROM docs_indexed WHERE id = old.record_id;
END;
CREATE TRIGGER docs_fields_bu BEFORE UPDATE ON fields
WHEN old.name IN ('subject', 'typeName', 'codeNumber', 'codeNotation', 'organName', 'tthcCode',
    'issuedDate')
  OR new.name IN ('subject', 'typeName', 'codeNumber', 'codeNotation', 'organName', 'tthcCode',
    'issuedDate')
BEGIN
	DELETE FROM docs_fts WHERE rowid IN (old.record_id, new.record_id)
	    AND rowid IN (SELECT id FROM docs_indexed);
	DELETE FROM docs_indexed WHERE id IN (old.record_id, new.record_id);
END;
CREATE TRIGGER docs_fields_ai AFTER INSERT ON fields
WHEN new.name IN ('subject', 'typeName', 'codeNumber', 'codeNotation', 'organName', 'tthcCode',
    'issuedDate')
BEGIN
	INSERT INTO docs_fts (rowid, subject, doctype, number, organ, body, meta)
	    SELECT id, subject, doctype, number, organ, body, meta FROM docs_source
	    WHERE id IN (SELECT id FROM docs_addable WHERE id = new.record_id);
	INSERT INTO docs_indexed (id) SELECT id FROM docs_addable WHERE id = new.record_id;
END;
CREATE TRIGGER docs_fields_ad AFTER DELETE ON fields
WHEN old.name IN ('subject', 'typeName', 'codeNumber', 'codeNotation', 'organName', 'tthcCode',
    'issuedDate')
BEGIN
	INSERT INTO docs_fts (rowid, subject, doctype, number, organ, body, meta)
	    SELECT id, subject, doctype, number, organ, body, meta FROM docs_source
	    WHERE id IN (SELECT id FROM docs_addable WHERE id = old.record_id);
	INSERT INTO docs_indexed (id) SELECT id FROM docs_addable WHERE id = old.record_id;
END;
CREATE TRIGGER docs_fields_au AFTER UPDATE ON fields
WHEN old.name IN ('subject', 'typeName', 'codeNumber', 'codeNotation', 'organName', 'tthcCode',
    'issuedDate')
  OR new.name IN ('subject', 'typeName', 'codeNumber', 'codeNotation', 'organName', 'tthcCode',
    'issuedDate')
BEGIN
	INSERT INTO docs_fts (rowid, subject, doctype, number, organ, body, meta)
	    SELECT id, subject, doctype, number, organ, body, meta FROM docs_source
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

-- The old per-page index goes.
DROP TRIGGER pages_ai;
DROP TRIGGER pages_ad;
DROP TRIGGER pages_au;
DROP TABLE pages_fts;

-- Index what is already there: every record with pages or fields (the
-- same rule as sohoa_search_index_record).
INSERT INTO docs_fts (rowid, subject, doctype, number, organ, body, meta)
	SELECT id, subject, doctype, number, organ, body, meta FROM docs_source
	WHERE id IN (SELECT id FROM docs_addable);
INSERT INTO docs_indexed (id) SELECT id FROM docs_addable;
