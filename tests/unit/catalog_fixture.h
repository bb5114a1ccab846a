/*
 * catalog_fixture.h - what the unit tests that work on a real catalog
 * share: the catalog opened in the test's folder, a record made the way
 * the engine makes one (inserted, its pages stored in one transaction,
 * then indexed if asked), a field set as a person sets it, and a count
 * read by SQL.  Include after test.h.
 *
 * Each record gets a hash, spool id and (unless named) a name of its own
 * from a counter, so that a test may make as many as it needs.  The
 * functions are static inline: a test uses the ones it needs.
 */
#ifndef SOHOA_CATALOG_FIXTURE_H
#define SOHOA_CATALOG_FIXTURE_H

#include <stdint.h>
#include <sqlite3.h>

#include "sohoa/catalog.h"
#include "sohoa/search.h"
#include "catalog_int.h"

#define FX_PAGES_MAX 8

/* What a record is made of; every member may be left zero. */
struct fx_record {
	sohoa_state state;          /* as inserted; SOHOA_STATE_TMP (0): active */
	const char *name;           /* file name; NULL: scanN.tif */
	const char *origin;         /* inbox folder; NULL: "" */
	long long size;             /* bytes; 0: 10 */
	const char *const *pages;   /* the pages' text; NULL: each page says fx_text */
	int npages;                 /* how many pages, up to FX_PAGES_MAX; 0: stored as none */
	double confidence;          /* the pages' OCR confidence; 0: 90 */
	int unread;                 /* 1: no pages stored, the record stays active */
	int index;                  /* 1: indexed for search after the commit */
};

static const char *const fx_text[] = { "Quyết định giao đất" };

/* The catalog "catalog.db" in the current (the test's) folder. */
static inline sohoa_catalog *
fx_open_catalog(void)
{
	sohoa_error err;
	sohoa_catalog *cat;

	sohoa_error_clear(&err);
	cat = sohoa_catalog_open("catalog.db", &err);
	CHECKM(cat != NULL, err.msg);
	return cat;
}

/* A record as spec says (NULL: every default); its id, 0 on failure. */
static inline int64_t
fx_add_record(sohoa_catalog *cat, const struct fx_record *spec)
{
	static const struct fx_record none;
	static int serial;
	const struct fx_record *s = spec ? spec : &none;
	int n = s->npages > 0 ? s->npages : 0;
	sohoa_record_new r;
	sohoa_page_result pr[FX_PAGES_MAX];
	sohoa_error err;
	int64_t id = 0;
	char hash[80], name[32];

	if (n > FX_PAGES_MAX)
		n = FX_PAGES_MAX;
	memset(&r, 0, sizeof r);
	memset(pr, 0, sizeof pr);
	snprintf(hash, sizeof hash, "sha256:%064d", ++serial);
	snprintf(name, sizeof name, "scan%d.tif", serial);
	r.spool_id = hash + 60;
	r.state = s->state != SOHOA_STATE_TMP ? s->state : SOHOA_STATE_ACTIVE;
	r.hash = hash;
	r.size = s->size ? s->size : 10;
	r.name = r.name_raw = s->name ? s->name : name;
	r.name_raw_len = strlen(r.name);
	r.origin = r.origin_raw = s->origin ? s->origin : "";
	r.origin_raw_len = strlen(r.origin);
	for (int i = 0; i < n; i++) {
		pr[i].page_no = i + 1;
		pr[i].text = s->pages ? s->pages[i] : fx_text[0];
		pr[i].confidence = (float)(s->confidence ? s->confidence : 90);
		pr[i].status = "ok";
	}
	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_begin(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_record_insert(cat, &r, &id, &err) == SOHOA_OK, err.msg);
	if (!s->unread)
		CHECKM(sohoa_catalog_store_pages(cat, id, pr, n, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_commit(cat, &err) == SOHOA_OK, err.msg);
	if (s->index)
		CHECKM(sohoa_search_index_record(cat, id, &err) == SOHOA_OK, err.msg);
	return id;
}

/* Field name of record id set to value as a person sets it (source
 * 'person'), in a transaction of its own. */
static inline void
fx_set_field(sohoa_catalog *cat, int64_t id, const char *name, const char *value)
{
	sohoa_error err;
	char *old = NULL;

	sohoa_error_clear(&err);
	CHECKM(sohoa_catalog_begin(cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_set_field(cat, id, name, value, &old, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_commit(cat, &err) == SOHOA_OK, err.msg);
	free(old);
}

/* Sets field name of record id as OCR read it (source 'ocr', confidence
 * 0.9), straight into the table: no event, no reindex. */
static inline void
fx_set_ocr_field(sohoa_catalog *cat, int64_t id, const char *name, const char *value)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;

	CHECK(sqlite3_prepare_v2(db, "INSERT INTO fields (record_id, name, value, source,"
	    " confidence) VALUES (?1, ?2, ?3, 'ocr', 0.9) ON CONFLICT (record_id, name)"
	    " DO UPDATE SET value = excluded.value", -1, &st, NULL) == SQLITE_OK);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
	CHECKM(sqlite3_step(st) == SQLITE_DONE, sqlite3_errmsg(db));
	sqlite3_finalize(st);
}

/* Runs sql on db; a failure is a failed check. */
static inline void
fx_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		CHECKM(0, msg ? msg : sql);
		sqlite3_free(msg);
	}
}

/* The first column of the first row sql gives on db (a count), -1 on
 * error. */
static inline long long
fx_query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The same on the catalog's database. */
static inline long long
fx_count(sohoa_catalog *cat, const char *sql)
{
	return fx_query_int(sohoa_catalog_db(cat), sql);
}

#endif
