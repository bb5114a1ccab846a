/*
 * index_int.h - full-text search over the catalog: SQLite FTS5 with the
 * Vietnamese tokenizer "sohoa_vi".
 *
 * Calling protocol: call sohoa_index_register() once on every database
 * connection before it creates, writes or queries an FTS5 table declared
 * with tokenize='sohoa_vi', e.g.
 *
 *     CREATE VIRTUAL TABLE page_fts USING fts5(body, tokenize='sohoa_vi');
 *
 * The tokenizer ("sohoa_vi", no options) splits text into words - maximal
 * runs of letters and digits, combining marks included, so composed and
 * decomposed text give the same words; "15/QĐ-UBND" gives 15, qđ, ubnd - and
 * for each word (see vitext.h for the forms):
 *
 *   documents (and auxiliary functions such as snippet()): the exact form,
 *     then, when it differs, the folded form at the same position
 *     (FTS5_TOKEN_COLOCATED), which does not count in the document length;
 *   queries (also prefix queries): the exact form when the query word
 *     carries diacritics, otherwise its folded form (which is the same).
 *
 * Each FTS5 table on each connection keeps its own cache of word forms
 * (about 530 kB), which is what makes the tokenizer fast on real text.
 *
 * So "quyet dinh" finds "Quyết định" and "Quyet dinh", while "quyết định"
 * finds only "Quyết định"; the query compiler (query.h) asks for both forms
 * of a word with diacritics so that bm25() ranks exact matches first.
 *
 * Internal to the library (it takes a raw sqlite3 handle, which no public
 * header shows): the catalog registers it on its own connection, and the
 * tests include it to try the tokenizer on a bare database.
 */
#ifndef SOHOA_INDEX_INT_H
#define SOHOA_INDEX_INT_H

#include <sqlite3.h>

#include "sohoa/sohoa.h"

/* Name of the tokenizer as written in tokenize='...'. */
#define SOHOA_INDEX_TOKENIZER "sohoa_vi"

/*
 * Registers the tokenizer on db.  SOHOA_FATAL (with SQLite's message in
 * err) when the SQLite library has no FTS5 or the registration fails.
 */
sohoa_status sohoa_index_register(sqlite3 *db, sohoa_error *err);

#endif
