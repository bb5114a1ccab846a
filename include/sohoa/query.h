/*
 * query.h - the search language staff type, compiled into an FTS5 MATCH
 * expression for the "sohoa_vi" tokenizer (index.h) plus filters.
 *
 * The language:
 *
 *   quyết định          words: all must occur (AND); typed with or without
 *                       diacritics, with any tone placement (hòa = hoà)
 *   "ủy ban nhân dân"   a phrase (straight or curly quotes); an unclosed
 *                       quote closes at the end of the query
 *   -hủy                must not occur (NOT); not alone: a query needs at
 *                       least one word to look for
 *   quyet*              prefix
 *   15/QĐ-UBND          a document number; "15/QD-UBND" and "15 qđ ubnd"
 *                       find it too
 *   05/3/2024           a date in the text, in any of the ways documents
 *   2024-03-05          write it ("ngày 05 tháng 3 năm 2024", "05/3/2024")
 *   loai:QĐ  so:15/QĐ-UBND  coquan:"Văn Bình"  tu:2024-01-01  den:31/12/2024
 *   nam:2024            filters (also with diacritics: "số:", "từ:", ...);
 *                       a value may be quoted; dates as 2024-03-05,
 *                       05/3/2024 or 5/3/2024
 *
 * A word with diacritics compiles to ("hòa" OR "hoa"): the exact form, and
 * the folded form that finds every variant, so that exact matches rank
 * above folded ones (search.h marks the others approximate); a word without
 * diacritics compiles to "hoa".
 * Every term is double-quoted, so no FTS5 operator or syntax can come from
 * the user's text: whatever parses, runs.
 */
#ifndef SOHOA_QUERY_H
#define SOHOA_QUERY_H

#include <stddef.h>

#include "sohoa/sohoa.h"

/* Longest query accepted, in bytes. */
#define SOHOA_QUERY_MAX_BYTES 1000

typedef struct sohoa_query {
	char *match;    /* FTS5 MATCH expression over the text, or NULL when only
	                 * filters were given; pass it as a bound parameter */
	char *type;     /* loai:QĐ -> type abbreviation as typed, NFC ("QĐ"), or NULL */
	char *type_next; /* the text after an unquoted loai: value up to the
	                 * next filter (NFC), or NULL: where to look when a
	                 * shell split "loai:Quyết định" (search.c) */
	char *number;   /* so:15/QĐ-UBND -> "15/QĐ-UBND" (spaces removed, NFC,
	                 * upper case), or NULL */
	char *organ;    /* coquan:"Văn Bình" -> NFC text, or NULL */
	char date_from[11], date_to[11];  /* tu:/den: as YYYY-MM-DD, "" when absent */
	int year;       /* nam:2024, 0 when absent */
	int exact_terms;  /* words and phrases to look for that were typed with
	                 * diacritics: each compiles to an ("exact" OR
	                 * "folded") pair, and a document where all of them
	                 * are found in their exact spelling is an exact match
	                 * (search.h); 0 when none was */
} sohoa_query;

/*
 * Parses input[0..len) into q, which need not be initialized.  On success q
 * owns its strings; free them with sohoa_query_release().  On failure
 * (SOHOA_BAD_INPUT, or SOHOA_RETRY when out of memory) q is left zeroed and
 * err says, in Vietnamese, what is wrong with the query: invalid UTF-8,
 * longer than SOHOA_QUERY_MAX_BYTES, empty, a bad date or year, an unknown
 * or repeated filter, only negations.
 */
SOHOA_API sohoa_status sohoa_query_parse(const char *input, size_t len, sohoa_query *q,
    sohoa_error *err);

/* Frees what q owns and zeroes it; safe on a zeroed or released struct. */
SOHOA_API void sohoa_query_release(sohoa_query *q);

/* Whether s[0..len) is the name of a filter ("loai", "số", "coquan"), with
 * or without diacritics, in any case. */
SOHOA_API bool sohoa_query_is_filter(const char *s, size_t len);

#endif
