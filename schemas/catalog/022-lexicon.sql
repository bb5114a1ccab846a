-- sohoa catalog, version 22: the phrases the archive teaches the diacritic
-- repair of the trích yếu (issue 19, lib/catalog_lexicon.c, lexicon.h).
--
-- A phrase of two or three lower-case syllables is counted once per
-- document that holds it: in seen whatever OCR's confidence, in docs when
-- OCR was sure of every word.  One read with confidence in enough distinct
-- documents, and far more often than any other spelling of its letters,
-- joins the fixed phrases of lib/extract_lexicon.c.  A record teaches once (lexicon_taught): reading
-- its fields again does not count it twice.  IF NOT EXISTS: replayable.
CREATE TABLE IF NOT EXISTS lexicon_phrases (
	phrase TEXT PRIMARY KEY,              -- NFC, lower case, single spaces
	fold   TEXT NOT NULL,                 -- without diacritics
	docs   INTEGER NOT NULL DEFAULT 0,    -- documents where OCR was sure of it
	seen   INTEGER NOT NULL DEFAULT 0     -- documents where OCR read it at all
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS lexicon_phrases_fold ON lexicon_phrases(fold);
-- sohoa_lexicon_learned() takes the phrases taught by enough documents.
CREATE INDEX IF NOT EXISTS lexicon_phrases_docs ON lexicon_phrases(docs);
CREATE TABLE IF NOT EXISTS lexicon_taught (
	record_id INTEGER PRIMARY KEY          -- records.id (kept if the record goes)
);
