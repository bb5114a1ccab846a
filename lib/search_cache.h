/*
 * search_cache.h - the search-result cache of one catalog connection
 * (lib/search_cache.c): what sohoa_search_run_as (search.h) found for a
 * viewer, kept so that the same search asked again while the catalog has not
 * changed costs a copy instead of a query.  Like Solr's queryResultCache or
 * Elasticsearch's request cache, but never stale and never wider than the
 * access rule: it holds results, not queries (no SQL here), and sits below
 * every page and API, inside sohoa_search_run_as.
 *
 * Invariants:
 *   C1. An entry is keyed by everything that changes a viewer's results: the
 *       viewer's user id and default mode, the exact query bytes, limit (as
 *       cut to SOHOA_SEARCH_MAX_LIMIT) and offset.  Two users never share
 *       an entry.
 *   C2. Before every look-up the connection's change marks are read: PRAGMA
 *       data_version (moves when any other connection, in this process or
 *       another, committed) and sqlite3_total_changes64() (this
 *       connection's own writes).  When either moved, every entry is dropped
 *       before anything is looked up.  An entry is stored only when no mark
 *       moved between the look-up and the end of its search, so it never
 *       holds results older than a commit it has seen.
 *   C3. The one write that does not count is this connection's own access
 *       log line (search_cache_absorb): the access log is not read by any
 *       search.  Any other write in between makes the absorb a no-op.
 *   C4. An entry is used only while created <= now < valid_until, where
 *       valid_until = min(created + max_age, the earliest expiry of any
 *       grant the viewer held when it was made): a grant that lapses by the
 *       clock takes with it every result it could have opened.
 *   C5. At most max_entries entries and SEARCH_CACHE_BYTES bytes per
 *       connection, least recently used dropped first; a result larger than
 *       SEARCH_CACHE_BYTES / 4 is not kept.  max_entries 0: no cache.
 *   C6. Results go in and come out as deep copies: the caller owns and
 *       releases its sohoa_search_results as without a cache.
 *
 * One cache per connection (sohoa_catalog), used by one thread at a time
 * like the connection itself: no lock, no global.
 */
#ifndef SOHOA_SEARCH_CACHE_H
#define SOHOA_SEARCH_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#include "sohoa/search.h"

#define SEARCH_CACHE_BYTES (4u << 20)

struct search_cache;

typedef struct search_cache_key {
	int64_t user_id;
	const char *default_mode;   /* may be NULL */
	const char *text;
	size_t len;
	int limit, offset;
} search_cache_key;

/* A cache of at most max_entries (>= 1) entries living at most max_age
 * seconds.  NULL when out of memory.  Free with search_cache_free (NULL
 * safe) before the connection is closed. */
struct search_cache *search_cache_new(int max_entries, long long max_age);
void search_cache_free(struct search_cache *c);

/* C2: reads db's change marks and drops every entry if they moved.  Returns
 * the generation a result computed from now on belongs to; -1 when the
 * marks cannot be read (then nothing may be used or stored). */
long long search_cache_sync(struct search_cache *c, sqlite3 *db);

/* 1: a live entry for k (C1, C4) was copied into *out (released first);
 * 0: none; -1: out of memory (*out is left empty). */
int search_cache_get(struct search_cache *c, const search_cache_key *k, long long now,
    sohoa_search_results *out);

/* Stores a copy of res for k, made at time now, usable until the earlier
 * of now + max_age and grant_expiry (0: none) (C4), if gen is still the
 * generation (C2).  Best effort: out of memory or too large, nothing is
 * kept. */
void search_cache_put(struct search_cache *c, sqlite3 *db, long long gen,
    const search_cache_key *k, long long now, long long grant_expiry,
    const sohoa_search_results *res);

/* C3: this connection wrote one access-log line, which moved its change
 * count from before to after. */
void search_cache_absorb(struct search_cache *c, long long before, long long after);

/* Counters since the cache was made. */
void search_cache_stats(const struct search_cache *c, sohoa_search_cache_stats *out);

#endif
