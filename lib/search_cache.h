/*
 * search_cache.h - inside the search-result cache (sohoa_search_cache,
 * search.h; lib/search_cache.c): what sohoa_search_run_as found for a
 * viewer, kept so that the same search asked again while the catalog has
 * not changed costs a copy instead of a query.  Like Solr's
 * queryResultCache or Elasticsearch's request cache, but never stale and
 * never wider than the access rule: it holds results, not queries, and
 * sits below every page and API, inside sohoa_search_run_as.
 *
 * Invariants:
 *   C1. An entry is keyed by everything that changes a viewer's results: the
 *       viewer's user id and default mode, the exact query bytes, limit (as
 *       cut to SOHOA_SEARCH_MAX_LIMIT) and offset.  Two users never share
 *       an entry.
 *   C2. The cache has a connection of its own to the catalog, the log
 *       connection, which writes nothing but access-log lines.  Its PRAGMA
 *       data_version moves at every commit of any other connection, in this
 *       process or another: the daemon, the CLI, sohoa-web's own pool.
 *       Before every look-up and before every store it is read; when it has
 *       moved, every entry is dropped and the generation goes up.  An entry
 *       is stored only if the generation did not change since the look-up
 *       before its search, so it never outlives a commit.
 *   C3. Access-log lines and the once-a-minute touch of a web session (no
 *       search reads either table) are written through the log connection
 *       (search_cache_log_lock), so that the line every search writes, and
 *       every signed-in person's minute, do not drop the cache.  A line written inside a caller's
 *       transaction goes through the caller's connection, and counts.
 *   C4. An entry is used only while created <= now < valid_until, where
 *       valid_until = min(created + max_age, the earliest expiry of any
 *       grant the viewer held when it was made): a grant that lapses by the
 *       clock takes with it every result it could have opened.
 *   C5. At most max_entries entries and SEARCH_CACHE_BYTES bytes, least
 *       recently used dropped first; a result larger than
 *       SEARCH_CACHE_BYTES / 4 is not kept.
 *   C6. Results go in and come out as deep copies: the caller owns and
 *       releases its sohoa_search_results as without a cache.
 *   C7. One mutex guards entries, counters and the log connection: the
 *       connections of several threads may share one cache.  No SQL runs on
 *       a caller's connection while it is held.
 */
#ifndef SOHOA_SEARCH_CACHE_H
#define SOHOA_SEARCH_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "sohoa/search.h"

#define SEARCH_CACHE_BYTES (8u << 20)

typedef struct search_cache_key {
	int64_t user_id;
	const char *default_mode;   /* may be NULL */
	const char *text;
	size_t len;
	int limit, offset;
} search_cache_key;

/* C2: reads the log connection's data_version and drops every entry if it
 * moved; then, when *out is not NULL, looks k up (C1, C4) and copies a live
 * entry into *out (released first).  Returns 1 for a hit, 0 for none, -1
 * out of memory or the catalog unreadable (then nothing is used).  *gen
 * gets the generation a search run now belongs to (-1: none). */
int search_cache_get(sohoa_search_cache *c, const search_cache_key *k, long long now,
    sohoa_search_results *out, long long *gen);

/* Stores a copy of res for k, made at time now, usable until the earlier
 * of now + max_age and grant_expiry (0: none) (C4), if gen is still the
 * generation (C2).  Best effort: out of memory or too large, nothing is
 * kept. */
void search_cache_put(sohoa_search_cache *c, long long gen, const search_cache_key *k,
    long long now, long long grant_expiry, const sohoa_search_results *res);

/* The file of the catalog the cache watches (sqlite3_db_filename). */
const char *search_cache_catalog_file(sohoa_search_cache *c);

/* C3: the log connection, locked; give it back with
 * search_cache_log_unlock. */
sohoa_catalog *search_cache_log_lock(sohoa_search_cache *c);
void search_cache_log_unlock(sohoa_search_cache *c);

#endif
