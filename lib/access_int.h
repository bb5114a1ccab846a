/*
 * access_int.h - the access rule of access.h as SQL, for search.c: the
 * condition that keeps a search's results and totals to what the viewer
 * may see (A1-A5), and the redaction of what it shows.
 */
#ifndef SOHOA_ACCESS_INT_H
#define SOHOA_ACCESS_INT_H

#include <sqlite3.h>
#include "sbuf.h"
#include "sohoa/access.h"
#include "sohoa/search.h"

/* Appends " AND <x may be listed>" for the record id expression x (fixed
 * text); words: the query has words (A5).  Binds :acc_user, :acc_now,
 * :acc_default (access_sql_bind). */
void access_sql_where(struct sbuf *s, const char *x, int words);
/* The same as a join: access_sql_join() after the table that gives the
 * record id x (one look-up per row, without a subquery's set-up), then
 * access_sql_where_joined() among the conditions.  A record without a
 * record_access row is not joined: never listed, as above. */
void access_sql_join(struct sbuf *s, const char *x);
void access_sql_where_joined(struct sbuf *s, int words);
int access_sql_bind(sqlite3_stmt *st, const sohoa_viewer *v);

/* Clears the trích yếu and snippet of every result the viewer sees only
 * as CATALOG (A3). */
sohoa_status access_redact_results(sohoa_catalog *cat, const sohoa_viewer *v,
    sohoa_search_results *res, sohoa_error *err);

/* The earliest expiry (unix time) of the live grants viewer v holds, into
 * *out; 0 when it holds none.  A result that depends on v's grants is good
 * until then at most (search_cache.h, C4). */
sohoa_status access_grant_horizon(sohoa_catalog *cat, const sohoa_viewer *v, long long *out,
    sohoa_error *err);

#endif
