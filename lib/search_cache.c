/*
 * search_cache.c - the search-result cache (sohoa_search_cache): the
 * invariants C1-C7 are in search_cache.h.  Entries are few (hundreds), so
 * they sit in one array searched by hash, with a use tick for least
 * recently used; no SQL but the log connection's PRAGMA data_version.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#include "catalog_int.h"
#include "search_cache.h"

struct entry {
	uint64_t hash;
	int64_t user_id;
	char *default_mode;           /* "" for NULL */
	char *text;
	size_t len;
	int limit, offset;
	long long created, valid_until;
	unsigned long long used;      /* use tick: least recently used goes first */
	size_t bytes;
	sohoa_search_results res;
};

struct sohoa_search_cache {
	pthread_mutex_t lock;         /* C7: everything below */
	int max_entries;
	long long max_age;
	struct entry *e;
	int n;
	size_t bytes;
	unsigned long long tick;
	long long gen;                /* goes up whenever data_version moves (C2) */
	int have_version;
	long long data_version;
	sohoa_catalog *log;           /* the log connection (C2, C3) */
	sqlite3_stmt *st;             /* PRAGMA data_version on it */
	sohoa_search_cache_stats stats;
};

static void
entry_release(sohoa_search_cache *c, int i)
{
	struct entry *x = &c->e[i];

	c->bytes -= x->bytes;
	free(x->default_mode);
	free(x->text);
	sohoa_search_results_release(&x->res);
	c->e[i] = c->e[--c->n];
	memset(&c->e[c->n], 0, sizeof c->e[c->n]);
}

static void
drop_all(sohoa_search_cache *c)
{
	if (c->n)
		c->stats.invalidations++;
	while (c->n)
		entry_release(c, c->n - 1);
}

sohoa_search_cache *
sohoa_search_cache_new(const char *catalog_path, int max_entries, long long max_age,
    sohoa_error *err)
{
	sohoa_search_cache *c;

	if (max_entries < 1 || max_age < 1) {
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "Bộ nhớ đệm tìm kiếm cần ít nhất 1 mục và 1 giây."
		    " — The search cache needs at least 1 entry and 1 second.");
		return NULL;
	}
	if (!(c = calloc(1, sizeof *c)) || !(c->e = calloc((size_t)max_entries, sizeof *c->e))) {
		free(c);
		sohoa_error_oom(err);
		return NULL;
	}
	c->max_entries = max_entries;
	c->max_age = max_age;
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c->e);
		free(c);
		sohoa_error_oom(err);
		return NULL;
	}
	/* Access-log lines only: in WAL mode NORMAL keeps the catalog whole; a
	 * power cut may lose the last lines (as sohoa-web's own connections). */
	if (!(c->log = sohoa_catalog_open(catalog_path, err))
	    || sohoa_catalog_set_sync_normal(c->log, err) != SOHOA_OK) {
		sohoa_search_cache_free(c);
		return NULL;
	}
	if (sqlite3_prepare_v2(sohoa_catalog_db(c->log), "PRAGMA data_version", -1, &c->st, NULL)
	    != SQLITE_OK) {
		catalog_db_error(c->log, err, "search cache");
		sohoa_search_cache_free(c);
		return NULL;
	}
	return c;
}

void
sohoa_search_cache_free(sohoa_search_cache *c)
{
	if (!c)
		return;
	drop_all(c);
	sqlite3_finalize(c->st);
	sohoa_catalog_free(c->log);
	pthread_mutex_destroy(&c->lock);
	free(c->e);
	free(c);
}

/* C2, with the lock held: the generation now, -1 when data_version cannot
 * be read (then everything is dropped). */
static long long
sync_version(sohoa_search_cache *c)
{
	long long dv;

	if (sqlite3_step(c->st) != SQLITE_ROW) {
		sqlite3_reset(c->st);
		drop_all(c);
		c->gen++;
		c->have_version = 0;
		return -1;
	}
	dv = sqlite3_column_int64(c->st, 0);
	sqlite3_reset(c->st);
	if (!c->have_version || dv != c->data_version) {
		drop_all(c);
		c->gen++;
		c->data_version = dv;
		c->have_version = 1;
	}
	return c->gen;
}

const char *
search_cache_catalog_file(sohoa_search_cache *c)
{
	/* Set once at creation: no lock needed. */
	return sqlite3_db_filename(sohoa_catalog_db(c->log), "main");
}

sohoa_catalog *
search_cache_log_lock(sohoa_search_cache *c)
{
	pthread_mutex_lock(&c->lock);
	return c->log;
}

void
search_cache_log_unlock(sohoa_search_cache *c)
{
	pthread_mutex_unlock(&c->lock);
}

static uint64_t
key_hash(const search_cache_key *k)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */
	const unsigned char *p = (const unsigned char *)k->text;
	const char *m = k->default_mode ? k->default_mode : "";

	for (size_t i = 0; i < k->len; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	for (; *m; m++)
		h = (h ^ (unsigned char)*m) * 1099511628211ull;
	h ^= (uint64_t)k->user_id * 0x9e3779b97f4a7c15ull;
	h ^= ((uint64_t)(unsigned)k->limit << 32 | (unsigned)k->offset) * 0xc2b2ae3d27d4eb4full;
	return h;
}

static int
key_equal(const struct entry *x, uint64_t h, const search_cache_key *k)
{
	return x->hash == h && x->user_id == k->user_id && x->limit == k->limit
	    && x->offset == k->offset && x->len == k->len
	    && !memcmp(x->text, k->text, k->len)
	    && !strcmp(x->default_mode, k->default_mode ? k->default_mode : "");
}

static char *
dup_or_null(const char *s, size_t *bytes, int *oom)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = 1;
	else
		*bytes += strlen(s) + 1;
	return d;
}

/* Deep copy of src into dst (empty on entry); returns the bytes it holds,
 * 0 when out of memory (dst is then empty). */
static size_t
results_copy(sohoa_search_results *dst, const sohoa_search_results *src)
{
	size_t bytes = sizeof *dst;
	int oom = 0;

	*dst = *src;
	dst->items = NULL;
	dst->count = 0;
	dst->items = calloc(src->count ? src->count : 1, sizeof *dst->items);
	if (!dst->items) {
		sohoa_search_results_init(dst);
		return 0;
	}
	bytes += (src->count ? src->count : 1) * sizeof *dst->items;
	for (size_t i = 0; i < src->count; i++) {
		const sohoa_search_result *s = &src->items[i];
		sohoa_search_result *d = &dst->items[i];

		*d = *s;
		d->name = dup_or_null(s->name, &bytes, &oom);
		d->origin = dup_or_null(s->origin, &bytes, &oom);
		d->number = dup_or_null(s->number, &bytes, &oom);
		d->type_code = dup_or_null(s->type_code, &bytes, &oom);
		d->type_name = dup_or_null(s->type_name, &bytes, &oom);
		d->date = dup_or_null(s->date, &bytes, &oom);
		d->subject = dup_or_null(s->subject, &bytes, &oom);
		d->snippet = dup_or_null(s->snippet, &bytes, &oom);
		dst->count = i + 1;
		if (oom) {
			sohoa_search_results_release(dst);
			return 0;
		}
	}
	return bytes;
}

int
search_cache_get(sohoa_search_cache *c, const search_cache_key *k, long long now,
    sohoa_search_results *out, long long *gen)
{
	uint64_t h = key_hash(k);
	int found = 0;

	sohoa_search_results_release(out);
	pthread_mutex_lock(&c->lock);
	if ((*gen = sync_version(c)) < 0) {
		pthread_mutex_unlock(&c->lock);
		return -1;
	}
	for (int i = 0; i < c->n; i++) {
		struct entry *x = &c->e[i];

		if (!key_equal(x, h, k))
			continue;
		if (now < x->created || now >= x->valid_until) {
			/* C4: expired (or the clock went back): never used again. */
			c->stats.expired++;
			entry_release(c, i);
			break;
		}
		if (!results_copy(out, &x->res)) {
			found = -1;
			break;
		}
		x->used = ++c->tick;
		c->stats.hits++;
		found = 1;
		break;
	}
	if (found == 0)
		c->stats.misses++;
	pthread_mutex_unlock(&c->lock);
	return found;
}

void
search_cache_put(sohoa_search_cache *c, long long gen, const search_cache_key *k,
    long long now, long long grant_expiry, const sohoa_search_results *res)
{
	struct entry x = { 0 };
	uint64_t h = key_hash(k);
	long long valid_until = now + c->max_age;

	if (grant_expiry > 0 && grant_expiry < valid_until)
		valid_until = grant_expiry;

	if (gen < 0 || valid_until <= now)
		return;
	/* Copied before the lock is taken: the others wait less. */
	if (!(x.bytes = results_copy(&x.res, res)))
		return;
	x.text = malloc(k->len ? k->len : 1);
	x.default_mode = strdup(k->default_mode ? k->default_mode : "");
	x.bytes += sizeof x + k->len + strlen(x.default_mode ? x.default_mode : "") + 1;
	if (!x.text || !x.default_mode || x.bytes > SEARCH_CACHE_BYTES / 4) {
		free(x.text);
		free(x.default_mode);
		sohoa_search_results_release(&x.res);
		return;
	}
	memcpy(x.text, k->text, k->len);
	pthread_mutex_lock(&c->lock);
	/* C2: a commit since the look-up may be in res, or not. */
	if (sync_version(c) != gen) {
		pthread_mutex_unlock(&c->lock);
		free(x.text);
		free(x.default_mode);
		sohoa_search_results_release(&x.res);
		return;
	}
	x.hash = h;
	x.user_id = k->user_id;
	x.len = k->len;
	x.limit = k->limit;
	x.offset = k->offset;
	x.created = now;
	x.valid_until = valid_until;
	x.used = ++c->tick;
	/* One entry per key: a stale twin (expired) goes. */
	for (int i = 0; i < c->n; i++)
		if (key_equal(&c->e[i], h, k)) {
			entry_release(c, i);
			break;
		}
	/* C5: least recently used out until the new one fits. */
	while (c->n > 0 && (c->n >= c->max_entries || c->bytes + x.bytes > SEARCH_CACHE_BYTES)) {
		int lru = 0;

		for (int i = 1; i < c->n; i++)
			if (c->e[i].used < c->e[lru].used)
				lru = i;
		entry_release(c, lru);
		c->stats.evictions++;
	}
	c->e[c->n++] = x;
	c->bytes += x.bytes;
	pthread_mutex_unlock(&c->lock);
}

void
sohoa_search_cache_stats_get(sohoa_search_cache *c, sohoa_search_cache_stats *out)
{
	memset(out, 0, sizeof *out);
	if (!c)
		return;
	pthread_mutex_lock(&c->lock);
	*out = c->stats;
	out->entries = (size_t)c->n;
	out->bytes = c->bytes;
	pthread_mutex_unlock(&c->lock);
}
