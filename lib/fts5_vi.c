/*
 * fts5_vi.c - the FTS5 tokenizer "sohoa_vi" for Vietnamese text and its
 * registration on a connection (index_int.h describes what it emits).
 *
 * It runs for every page indexed (a million pages at a few thousand pages a
 * second), so it allocates nothing per word.  ASCII words take a short path
 * in vitext.c.  Other words go through utf8proc (decompose, reorder, tone
 * rule, compose), which costs more than all of FTS5's own work; but
 * administrative text uses a few thousand distinct words over and over, so
 * each tokenizer instance keeps a direct-mapped cache from a word's bytes to
 * its forms.  An instance belongs to one FTS5 table on one connection and
 * SQLite serializes a connection, so the cache needs no lock; a nested call
 * (an auxiliary function tokenizing from inside a callback) simply bypasses
 * it.
 */
#include <stdint.h>
#include <string.h>
#include <sqlite3.h>

#include "index_int.h"
#include "sohoa/vitext.h"

/*
 * Longer words are cut at this many bytes (at a character boundary).  No
 * Vietnamese word comes near; long runs of letters are OCR noise or encoded
 * data, and a bound keeps the work per word and the index keys small.  Query
 * words are cut the same way, so a cut word still finds itself.
 */
#define WORD_MAX_BYTES 256

/* Words whose bytes and forms fit a slot are cached: all real Vietnamese
 * words do ("nghiêng" is 9 bytes). */
#define CACHE_SLOTS 4096        /* a power of two; about 530 kB per instance */
#define CACHE_RAW_MAX 31
#define CACHE_FORM_MAX 47

struct cache_slot {
	unsigned char raw_len;  /* 0: empty */
	unsigned char exact_len, folded_len, differ;
	char raw[CACHE_RAW_MAX];
	char exact[CACHE_FORM_MAX + 1];
	char folded[CACHE_FORM_MAX + 1];
};

struct sohoa_vi_tokenizer {
	int busy;               /* a call is using the cache */
	struct cache_slot slot[CACHE_SLOTS];
};

/* FNV-1a: short keys, good spread, no state. */
static unsigned
word_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return (unsigned)h;
}

static int
is_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* The forms of the word s[0..n): the cached ones, or freshly computed into
 * f (and cached when there is room).  Returns 0, or -1 when out of memory. */
static int
word_forms(struct sohoa_vi_tokenizer *t, int use_cache, sohoa_vi_forms *f,
    const char *s, size_t n, const char **exact, size_t *exact_len,
    const char **folded, size_t *folded_len, int *differ)
{
	struct cache_slot *c = NULL;

	if (use_cache && n <= CACHE_RAW_MAX && !is_ascii(s, n)) {
		c = &t->slot[word_hash(s, n) & (CACHE_SLOTS - 1)];
		if (c->raw_len == n && memcmp(c->raw, s, n) == 0) {
			*exact = c->exact;
			*exact_len = c->exact_len;
			*folded = c->folded;
			*folded_len = c->folded_len;
			*differ = c->differ;
			return 0;
		}
	}
	if (sohoa_vi_forms_compute(f, s, n) != 0)
		return -1;
	*exact = f->exact;
	*exact_len = f->exact_len;
	*folded = f->folded;
	*folded_len = f->folded_len;
	*differ = f->differ;
	if (c && n > 0 && f->exact_len <= CACHE_FORM_MAX && f->folded_len <= CACHE_FORM_MAX) {
		c->raw_len = (unsigned char)n;
		memcpy(c->raw, s, n);
		c->exact_len = (unsigned char)f->exact_len;
		memcpy(c->exact, f->exact, f->exact_len + 1);
		c->folded_len = (unsigned char)f->folded_len;
		memcpy(c->folded, f->folded, f->folded_len + 1);
		c->differ = (unsigned char)f->differ;
	}
	return 0;
}

static int
vi_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	struct sohoa_vi_tokenizer *t;

	(void)ctx;
	(void)argv;
	*out = NULL;
	if (argc > 0)
		return SQLITE_ERROR;    /* no options: refuse rather than ignore */
	t = sqlite3_malloc(sizeof *t);
	if (!t)
		return SQLITE_NOMEM;
	memset(t, 0, sizeof *t);
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void
vi_delete(Fts5Tokenizer *t)
{
	sqlite3_free(t);
}

typedef int (*token_callback)(void *, int, const char *, int, int, int);

static int
vi_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text,
    int text_len, token_callback emit)
{
	struct sohoa_vi_tokenizer *t = (struct sohoa_vi_tokenizer *)tok;
	sohoa_vi_forms f;
	size_t len = text_len > 0 ? (size_t)text_len : 0;
	size_t pos = 0, start, end;
	int query = (flags & FTS5_TOKENIZE_QUERY) != 0;
	int use_cache = !t->busy;
	int rc = SQLITE_OK;

	if (!text)
		return SQLITE_OK;
	t->busy = 1;
	sohoa_vi_forms_init(&f);
	while (rc == SQLITE_OK && sohoa_vi_next_word(text, len, &pos, &start, &end)) {
		size_t wlen = end - start, exact_len, folded_len;
		const char *exact, *folded;
		int differ;

		if (wlen > WORD_MAX_BYTES) {
			wlen = WORD_MAX_BYTES;
			while (wlen > 0 && ((unsigned char)text[start + wlen] & 0xC0) == 0x80)
				wlen--;
		}
		if (word_forms(t, use_cache, &f, text + start, wlen, &exact, &exact_len,
		    &folded, &folded_len, &differ) != 0) {
			/* Words are valid UTF-8 by construction: only memory. */
			rc = SQLITE_NOMEM;
			break;
		}
		if (exact_len == 0)
			continue;       /* nothing but ignorable characters */
		if (query) {
			/* A query word with diacritics asks for exactly that word;
			 * one without asks for every variant, which the documents
			 * carry as their folded form. */
			if (differ)
				rc = emit(ctx, 0, exact, (int)exact_len, (int)start, (int)end);
			else
				rc = emit(ctx, 0, folded, (int)folded_len, (int)start, (int)end);
		} else {
			rc = emit(ctx, 0, exact, (int)exact_len, (int)start, (int)end);
			if (rc == SQLITE_OK && differ && folded_len > 0)
				rc = emit(ctx, FTS5_TOKEN_COLOCATED, folded, (int)folded_len,
				    (int)start, (int)end);
		}
	}
	sohoa_vi_forms_release(&f);
	if (use_cache)
		t->busy = 0;
	return rc;
}

sohoa_status
sohoa_index_register(sqlite3 *db, sohoa_error *err)
{
	/* FTS5 copies the struct, so it may live on the stack. */
	fts5_tokenizer tokenizer = { vi_create, vi_delete, vi_tokenize };
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "SQLite không có FTS5 (SQLite has no FTS5): %s", sqlite3_errmsg(db));
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW || !api)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "không lấy được fts5_api (cannot get the fts5_api): %s",
		    sqlite3_errmsg(db));
	if (api->iVersion < 2)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "FTS5 quá cũ (FTS5 too old): fts5_api version %d", api->iVersion);
	rc = api->xCreateTokenizer(api, SOHOA_INDEX_TOKENIZER, NULL, &tokenizer, NULL);
	if (rc != SQLITE_OK)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "không đăng ký được bộ tách từ %s (cannot register tokenizer): %s",
		    SOHOA_INDEX_TOKENIZER, sqlite3_errstr(rc));
	return SOHOA_OK;
}
