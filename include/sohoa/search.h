/*
 * search.h - full-text search over the catalog: the record-level index
 * docs_fts (schemas/catalog/003-search.sql; FTS5 with the Vietnamese
 * tokenizer of index.h) and the staff query language of query.h.
 *
 * One row per record: its trích yếu (subject), type, số/ký hiệu, issuing
 * body, the OCR text of all its pages, its từ khóa (keyword) and ghi chú
 * (description) (migration 011).  The index follows the catalog by
 * itself for field changes (triggers); after storing a record's pages, call
 * sohoa_search_index_record() - the pages' triggers queue the record until
 * then, in the same transaction, so a crash in between leaves it queued
 * (and reported by sohoa_search_run as pending), never silently missing.
 *
 * Protocol:
 *
 *     sohoa_catalog_commit(cat, &err);                   // pages stored
 *     sohoa_search_index_record(cat, id, &err);         // the record, and
 *                                                       // up to a few queued
 *     sohoa_search_results res;
 *     sohoa_search_results_init(&res);
 *     st = sohoa_search_run(cat, text, len, 20, 0, &res, &err);
 *     ... res.items[0 .. res.count) ...
 *     sohoa_search_results_release(&res);
 *
 * Ranking: BM25's term-frequency saturation and length normalisation with
 * column weights (trích yếu 10, type 6, số/ký hiệu 6, từ khóa 6, cơ quan 2,
 * ghi chú 2, text 1),
 * without its inverse document frequency (lib/search.c says why), over the
 * words of the query; each word typed with diacritics and found in exactly
 * that spelling lifts a document above all those where it is found only
 * folded (query.h); on equal scores the newest first (issuedDate, else the
 * date the record was created).
 *
 * Exact and approximate: a query typed without diacritics matches every
 * spelling, and all its results are exact.  A word typed with diacritics
 * finds its exact spelling (old or new tone placement alike: hòa = hoà)
 * first; a document where some such word is found only with other marks or
 * none ("đất" for "đắt") is an approximate match: it comes after every
 * exact match, is marked (result.approximate), and counted apart
 * (results.exact_total, results.approximate_total).  A query of filters only lists the matching records, newest
 * first.
 *
 * Errors: SOHOA_BAD_INPUT with a Vietnamese message for a query that cannot
 * be understood (query.h) or a filter value that means nothing (an unknown
 * document type); SOHOA_RETRY when the catalog is busy; SOHOA_FATAL when it
 * is unusable.  User text never reaches SQL or FTS5 syntax.
 */
#ifndef SOHOA_SEARCH_H
#define SOHOA_SEARCH_H

#include <stdint.h>

#include "sohoa/sohoa.h"
#include "sohoa/catalog.h"

/* The matched words in snippet and subject are wrapped in these control
 * characters (STX, ETX), which OCR text and field values do not contain;
 * the caller turns them into bold, brackets or whatever its output needs
 * (and should turn any other control character into a space). */
#define SOHOA_SEARCH_MARK_ON '\x02'
#define SOHOA_SEARCH_MARK_OFF '\x03'

/* Most results one call returns; larger limits are cut to it. */
#define SOHOA_SEARCH_MAX_LIMIT 1000

typedef struct sohoa_search_result {
	int64_t id;             /* records.id */
	double score;           /* higher is better (10000 per word found in its
	                         * exact spelling, plus the weighted term score);
	                         * 0 for filter-only queries */
	char *name;             /* file name, NFC */
	char *origin;           /* inbox sub-folder (hồ sơ), "" at the top */
	char *number;           /* "15/QĐ-UBND" from codeNumber/codeNotation, or NULL */
	char *type_code;        /* typeName "02" (or from the notation), or NULL */
	char *type_name;        /* "Quyết định", or NULL */
	char *date;             /* issuedDate, ISO YYYY-MM-DD, or NULL */
	char *subject;          /* trích yếu with matched words marked, or NULL */
	char *snippet;          /* a piece of one page of the text (the page of the
	                         * first match, else the first) with the matched
	                         * words marked; "" when none */
	int page;               /* page of the first match in the text, 0 if none */
	int approximate;        /* 1: some word typed with diacritics is found
	                         * only without them ("đất" for "đắt"); such
	                         * results come after every exact one */
} sohoa_search_result;

/*
 * The work of one search is bounded: at most this many matches are counted
 * and ranked - the newest (highest record ids) when there are more, which
 * results.limited then says.  Narrowing with a word or a filter (nam:,
 * loai:, ...) brings the rest within reach.
 */
#define SOHOA_SEARCH_WINDOW 5000

typedef struct sohoa_search_results {
	long long total;        /* matching records (all pages of results), at
	                         * most SOHOA_SEARCH_WINDOW */
	int limited;            /* 1: more matched than SOHOA_SEARCH_WINDOW */
	long long pending;      /* records whose pages are stored but not yet
	                         * indexed (sohoa reindex fixes them) */
	long long exact_total;  /* of total, the exact matches (all of them when
	                         * no word was typed with diacritics) ... */
	long long approximate_total; /* ... and the approximate ones */
	size_t count;
	sohoa_search_result *items;
} sohoa_search_results;

SOHOA_API void sohoa_search_results_init(sohoa_search_results *r);
/* Frees what r owns and zeroes it; safe twice. */
SOHOA_API void sohoa_search_results_release(sohoa_search_results *r);

/*
 * Runs the query text[0..len) (query.h) and puts the results at offset
 * .. offset+limit of the ranking into *out (initialised by the caller; its
 * previous contents are released first; the caller releases the results
 * with sohoa_search_results_release()).  limit is 1..SOHOA_SEARCH_MAX_LIMIT
 * (larger is cut), offset >= 0; anything else is SOHOA_BAD_INPUT.  A read:
 * it writes nothing, so it can run beside the daemon.
 */
SOHOA_API sohoa_status sohoa_search_run(sohoa_catalog *cat, const char *text, size_t len, int limit,
    int offset, sohoa_search_results *out, sohoa_error *err);

struct sohoa_viewer;

/*
 * sohoa_search_run for a viewer (access.h): results and total hold only
 * the records the viewer may list (A1, A5), and those it sees only by
 * their catalogue fields (A3) come without trích yếu, name or snippet;
 * pending is 0.  For sohoa-web: every search a person makes over the
 * network goes through here.
 */
SOHOA_API sohoa_status sohoa_search_run_as(sohoa_catalog *cat, const char *text, size_t len, int limit,
    int offset, const struct sohoa_viewer *viewer, sohoa_search_results *out, sohoa_error *err);

/*
 * The search-result cache (lib/search_cache.h, C1-C7): a cache attached to
 * catalog connections makes sohoa_search_run_as keep what it found (at most
 * max_entries results, each at most max_age seconds), so that the same
 * search by the same viewer costs a copy - until anything is committed to
 * the catalog by anyone, or one of the viewer's grants expires.  It opens a
 * connection of its own to the catalog at catalog_path, through which the
 * access-log lines of the connections it is attached to are written
 * (access.h), so that the line a search writes does not empty it.  One cache
 * may be attached to the connections of several threads (sohoa-web's pool:
 * web_search_cache, web_search_cache_seconds).
 *
 *     sohoa_search_cache *sc = sohoa_search_cache_new(path, 256, 300, &err);
 *     sohoa_catalog_set_search_cache(cat, sc, &err); // each connection
 *     ... sohoa_search_run_as(cat, ...) ...
 *     sohoa_catalog_free(cat);                      // every connection first
 *     sohoa_search_cache_free(sc);
 *
 * sohoa_search_cache_new: NULL with err set when max_entries or max_age is
 * below 1 (SOHOA_BAD_INPUT) or the catalog cannot be opened.
 * sohoa_catalog_set_search_cache: NULL detaches; the cache is not owned by
 * the connection and must outlive it; SOHOA_BAD_INPUT (nothing attached)
 * when cat is a connection to another catalog file than the cache's.
 */
typedef struct sohoa_search_cache sohoa_search_cache;

SOHOA_API sohoa_search_cache *sohoa_search_cache_new(const char *catalog_path, int max_entries,
    long long max_age, sohoa_error *err);
SOHOA_API void sohoa_search_cache_free(sohoa_search_cache *sc);
SOHOA_API sohoa_status sohoa_catalog_set_search_cache(sohoa_catalog *cat, sohoa_search_cache *sc,
    sohoa_error *err);

typedef struct sohoa_search_cache_stats {
	long long hits, misses;
	long long invalidations;  /* times everything kept was dropped for a commit */
	long long expired;        /* entries found past their time (C4) */
	long long evictions;      /* entries dropped for room (C5) */
	size_t entries, bytes;    /* held now */
} sohoa_search_cache_stats;

/* The counters of cache sc (all 0 for NULL). */
SOHOA_API void sohoa_search_cache_stats_get(sohoa_search_cache *sc, sohoa_search_cache_stats *out);

/*
 * (Re)builds record id's row from its pages and fields now, takes it off
 * the queue of records to index, then indexes up to a few other queued
 * records (left by a crash).  Runs in its own transaction, or inside the
 * caller's.  A record without pages or fields gets no row.
 */
SOHOA_API sohoa_status sohoa_search_index_record(sohoa_catalog *cat, int64_t id, sohoa_error *err);

/*
 * Indexes every queued record (docs_pending: pages stored, indexing not
 * done, e.g. after a crash between the two), a batch per transaction.  For
 * start-up; *done (may be NULL) gets how many.
 */
SOHOA_API sohoa_status sohoa_search_index_pending(sohoa_catalog *cat, long long *done,
    sohoa_error *err);

/*
 * Checks the index against the catalog (FTS5's integrity-check: every
 * indexed record's row holds exactly its pages and fields now).  SOHOA_OK,
 * or SOHOA_FATAL with the reason; 'sohoa reindex' repairs it.
 */
SOHOA_API sohoa_status sohoa_search_check(sohoa_catalog *cat, sohoa_error *err);

/*
 * Rebuilds the whole index from the catalog, in transactions of a few
 * hundred records so that the daemon can write in between; searches during
 * the rebuild see the records done so far.  progress(arg, done, total) is
 * called after each transaction (may be NULL).  Ends by merging the index
 * into one segment (FTS5 'optimize'), which makes queries faster.
 */
typedef void (*sohoa_search_progress)(void *arg, long long done, long long total);
SOHOA_API sohoa_status sohoa_search_reindex(sohoa_catalog *cat, sohoa_search_progress progress,
    void *arg, sohoa_error *err);

/* How many records the index holds (table docs_indexed), into *n. */
SOHOA_API sohoa_status sohoa_search_indexed_count(sohoa_catalog *cat, long long *n,
    sohoa_error *err);

#endif
