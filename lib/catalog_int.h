/*
 * catalog_int.h - inside the catalog: the SQLite handle and the statement
 * helper shared by the catalog's own files (lib/catalog*.c) and by search
 * (lib/search.c, lib/fts5_vi.c), which keeps its FTS5 access.
 *
 * Nothing outside those files includes this header: every other module asks
 * the catalog through the typed functions of include/sohoa/catalog*.h, so
 * that whoever changes a table reads only the catalog's files.
 *
 * Protocol of the statement helper (sticky errors, after SQLite's FTS5):
 *   catalog_stmt s;
 *   catalog_prepare(&s, cat, "SELECT ... WHERE id = ?");
 *   catalog_bind_int(&s, 1, id);              // does nothing once s.rc is set
 *   while (catalog_step(&s) == SQLITE_ROW)
 *       ... catalog_col_text(&s, 0) ...         // valid until the next step
 *   return catalog_finish(&s, err, "what");    // one check; finalizes always
 */
#ifndef SOHOA_CATALOG_INT_H
#define SOHOA_CATALOG_INT_H

#include <sqlite3.h>
#include "sohoa/catalog.h"

/* The SQLite handle.  Valid until sohoa_catalog_free(). */
sqlite3 *sohoa_catalog_db(sohoa_catalog *cat);

/* A catalog handle around a connection opened elsewhere in the catalog's
 * files (a backup's copy, catalog_backup.c): no migration, no pragma.  The
 * handle owns db from then on.  NULL when out of memory. */
sohoa_catalog *catalog_wrap(sqlite3 *db);

/* Grades SQLite's last error on the handle (busy, full, I/O: RETRY; else
 * FATAL) and records "catalog: what: message" in err. */
sohoa_status catalog_db_error(sohoa_catalog *cat, sohoa_error *err, const char *what);

/* Runs SQL without results (sqlite3_exec), grading errors as above. */
sohoa_status catalog_exec(sohoa_catalog *cat, const char *sql, sohoa_error *err);

/* The search-result cache attached to the connection (search.h), or
 * NULL. */
struct sohoa_search_cache *catalog_search_cache(sohoa_catalog *cat);
/* The connection for a write no search reads (access-log lines, a session's
 * touch): with a search cache and outside a transaction, the cache's own
 * connection, locked, so that the write leaves the cache valid
 * (search_cache.h, C3); else cat's own.  Give it back with
 * catalog_side_db_end. */
sqlite3 *catalog_side_db_begin(sohoa_catalog *cat);
void catalog_side_db_end(sohoa_catalog *cat, sqlite3 *db);

typedef struct catalog_stmt {
	sohoa_catalog *cat;
	sqlite3_stmt *st;
	int rc;
} catalog_stmt;

void catalog_prepare(catalog_stmt *s, sohoa_catalog *cat, const char *sql);
void catalog_bind_text(catalog_stmt *s, int i, const char *v);       /* NULL binds NULL */
void catalog_bind_blob(catalog_stmt *s, int i, const void *v, size_t n);
void catalog_bind_int(catalog_stmt *s, int i, long long v);
void catalog_bind_double(catalog_stmt *s, int i, double v, int is_null);
/* Steps once; returns SQLITE_ROW, SQLITE_DONE or an error (sticky). */
int catalog_step(catalog_stmt *s);
/* Reports a sticky error into err (may be NULL) and finalizes. */
sohoa_status catalog_finish(catalog_stmt *s, sohoa_error *err, const char *what);

/* Column readers of the current row.  Text is NULL for SQL NULL and valid
 * until the next step; _int and _double give 0 for NULL. */
const char *catalog_col_text(catalog_stmt *s, int i);
long long catalog_col_int(catalog_stmt *s, int i);
double catalog_col_double(catalog_stmt *s, int i);
int catalog_col_is_null(catalog_stmt *s, int i);

#endif
