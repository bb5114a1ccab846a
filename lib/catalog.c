/*
 * catalog.c - the SQLite catalog.  WAL with synchronous=FULL: a commit is on
 * disk when it returns.  The schema comes from schemas/catalog/, embedded at
 * build time and applied as numbered migrations (PRAGMA user_version).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sohoa/catalog.h"
#include "sohoa/fault.h"
#include "sohoa/fields.h"
#include "index_int.h"
#include "sohoa/search.h"
#include "search_cache.h"
#include "catalog_int.h"

struct sohoa_migration { int version; const char *name; const char *sql; };
extern const struct sohoa_migration sohoa_migrations[];
extern const size_t sohoa_migrations_count;

struct sohoa_catalog {
	sqlite3 *db;
	sohoa_search_cache *search_cache;   /* attached, not owned (search.h) */
};

sohoa_status
catalog_db_error(sohoa_catalog *cat, sohoa_error *err, const char *what)
{
	int code = sqlite3_extended_errcode(cat->db);
	int primary = code & 0xff;
	sohoa_status st = (primary == SQLITE_BUSY || primary == SQLITE_LOCKED
	    || primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_NOMEM)
	    ? SOHOA_RETRY : SOHOA_FATAL;
	return sohoa_error_set(err, st, SOHOA_REASON_NONE, "catalog: %s: %s", what,
	    sqlite3_errmsg(cat->db));
}

sohoa_status
catalog_exec(sohoa_catalog *cat, const char *sql, sohoa_error *err)
{
	char *msg = NULL;

	if (sqlite3_exec(cat->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		sohoa_status st = catalog_db_error(cat, err, msg ? msg : sql);
		sqlite3_free(msg);
		return st;
	}
	return SOHOA_OK;
}

int
sohoa_catalog_schema_version(void)
{
	int v = 0;
	for (size_t i = 0; i < sohoa_migrations_count; i++)
		if (sohoa_migrations[i].version > v)
			v = sohoa_migrations[i].version;
	return v;
}

static int
user_version(sohoa_catalog *cat)
{
	sqlite3_stmt *st;
	int v = -1;

	if (sqlite3_prepare_v2(cat->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static sohoa_status
migrate(sohoa_catalog *cat, sohoa_error *err)
{
	int have = user_version(cat);

	if (have < 0)
		return catalog_db_error(cat, err, "read schema version");
	if (have > sohoa_catalog_schema_version())
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "catalog: schema version %d is newer than this sohoa (%d); upgrade sohoa",
		    have, sohoa_catalog_schema_version());
	for (size_t i = 0; i < sohoa_migrations_count; i++) {
		const struct sohoa_migration *m = &sohoa_migrations[i];
		char pragma[64];
		if (m->version <= have)
			continue;
		if (catalog_exec(cat, "BEGIN IMMEDIATE", err) != SOHOA_OK)
			return err->status;
		snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", m->version);
		if (catalog_exec(cat, m->sql, err) != SOHOA_OK || catalog_exec(cat, pragma, err) != SOHOA_OK) {
			catalog_exec(cat, "ROLLBACK", NULL);
			return err->status;
		}
		if (catalog_exec(cat, "COMMIT", err) != SOHOA_OK)
			return err->status;
	}
	return SOHOA_OK;
}

/*
 * store_dir(): the folder the catalog file lies in - the store (state_dir,
 * store.h) - for migrations that turn paths into the store into relative
 * ones (013).
 */
static void
sql_store_dir(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *f = sqlite3_db_filename(sqlite3_context_db_handle(ctx), "main");
	const char *slash = f ? strrchr(f, '/') : NULL;

	(void)argc;
	(void)argv;
	if (!slash)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, f, slash == f ? 1 : (int)(slash - f), SQLITE_TRANSIENT);
}

#ifdef SOHOA_FAULT
static int fault_commit(void *arg) { (void)arg; return SOHOA_FAULT_AT("commit"); }
#endif
/*
 * sohoa-web runs as a user of its own in the store's group and writes the
 * catalog too (sessions, access log, edits): the catalog and its -wal and
 * -shm (which SQLite creates with the catalog's mode) are the group's to
 * read and write, never others'.  Only the owner can change that; another
 * user's catalog is left as it is.
 */
static void
share_with_group(const char *path)
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	char p[4096];
	struct stat sb;

	for (int i = 0; i < 3; i++) {
		if (snprintf(p, sizeof p, "%s%s", path, sfx[i]) >= (int)sizeof p)
			return;
		if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_uid == geteuid()
		    && (sb.st_mode & 0667) != 0660)
			(void)chmod(p, 0660);
	}
}

const char *
sohoa_catalog_path(const char *state_dir, char *buf, size_t size)
{
	int n;

	if (!buf || size == 0)
		return NULL;
	n = snprintf(buf, size, "%s/catalog.db", state_dir ? state_dir : "");
	if (n < 0 || (size_t)n >= size) {
		buf[0] = '\0';
		return NULL;
	}
	return buf;
}

sohoa_catalog *
sohoa_catalog_open(const char *path, sohoa_error *err)
{
	sohoa_catalog *cat = calloc(1, sizeof *cat);
	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	if (!cat) {
		sohoa_error_oom(err);
		return NULL;
	}
	if (!path) {    /* sohoa_catalog_path() found no room */
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "đường dẫn danh mục quá dài — the catalog's path is too long");
		free(cat);
		return NULL;
	}
	if (sqlite3_open_v2(path, &cat->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
	    | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "catalog %s: %s", path,
		    cat->db ? sqlite3_errmsg(cat->db) : "out of memory");
		sohoa_catalog_free(cat);
		return NULL;
	}
	sqlite3_busy_timeout(cat->db, 10000);
	sqlite3_extended_result_codes(cat->db, 1);
	if (sqlite3_create_function(cat->db, "store_dir", 0, SQLITE_UTF8, NULL, sql_store_dir,
	    NULL, NULL) != SQLITE_OK) {
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "catalog %s: %s", path,
		    sqlite3_errmsg(cat->db));
		sohoa_catalog_free(cat);
		return NULL;
	}
	if (sohoa_index_register(cat->db, err) != SOHOA_OK
	    || catalog_exec(cat, "PRAGMA journal_mode = WAL", err) != SOHOA_OK
	    || catalog_exec(cat, "PRAGMA synchronous = FULL", err) != SOHOA_OK
	    || catalog_exec(cat, "PRAGMA foreign_keys = ON", err) != SOHOA_OK
	    || migrate(cat, err) != SOHOA_OK) {
		sohoa_catalog_free(cat);
		return NULL;
	}
#ifdef SOHOA_FAULT
	/* Every commit, autocommit statements included, is a fault step
	 * (fault.h); a failed one is rolled back by SQLite. */
	sqlite3_commit_hook(cat->db, fault_commit, NULL);
#endif
	share_with_group(path);
	return cat;
}

void
sohoa_catalog_free(sohoa_catalog *cat)
{
	if (!cat)
		return;
	sqlite3_close_v2(cat->db);
	free(cat);
}

sqlite3 *sohoa_catalog_db(sohoa_catalog *cat) { return cat->db; }

sohoa_search_cache *catalog_search_cache(sohoa_catalog *cat) { return cat->search_cache; }

sqlite3 *
catalog_side_db_begin(sohoa_catalog *cat)
{
	if (!cat->search_cache || !sqlite3_get_autocommit(cat->db))
		return cat->db;
	return sohoa_catalog_db(search_cache_log_lock(cat->search_cache));
}

void
catalog_side_db_end(sohoa_catalog *cat, sqlite3 *db)
{
	if (db != cat->db)
		search_cache_log_unlock(cat->search_cache);
}

sohoa_status
sohoa_catalog_set_search_cache(sohoa_catalog *cat, sohoa_search_cache *sc, sohoa_error *err)
{
	const char *mine = sqlite3_db_filename(cat->db, "main");
	const char *its = sc ? search_cache_catalog_file(sc) : NULL;

	/* A cache watching another file would keep this one's results past
	 * its commits (search_cache.h, C2). */
	if (sc && (!mine || !its || strcmp(mine, its)))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "Bộ nhớ đệm tìm kiếm thuộc một danh mục khác — the search cache belongs to"
		    " another catalog (%s, not %s)", its ? its : "?", mine ? mine : "?");
	cat->search_cache = sc;
	return SOHOA_OK;
}

sohoa_catalog *
catalog_wrap(sqlite3 *db)
{
	sohoa_catalog *cat = calloc(1, sizeof *cat);

	if (cat)
		cat->db = db;
	return cat;
}

sohoa_status
sohoa_catalog_begin(sohoa_catalog *cat, sohoa_error *err)
{
	return catalog_exec(cat, "BEGIN IMMEDIATE", err);
}

sohoa_status
sohoa_catalog_commit(sohoa_catalog *cat, sohoa_error *err)
{
	sohoa_status st = catalog_exec(cat, "COMMIT", err);
	if (st != SOHOA_OK)
		sohoa_catalog_rollback(cat);
	return st;
}

void
sohoa_catalog_rollback(sohoa_catalog *cat)
{
	if (sohoa_catalog_in_tx(cat))
		sqlite3_exec(cat->db, "ROLLBACK", NULL, NULL, NULL);
}

bool
sohoa_catalog_in_tx(sohoa_catalog *cat)
{
	return !sqlite3_get_autocommit(cat->db);
}

sohoa_status
sohoa_catalog_unit_begin(sohoa_catalog *cat, const char *name, int *own, sohoa_error *err)
{
	char sql[64];

	*own = !sohoa_catalog_in_tx(cat);
	snprintf(sql, sizeof sql, *own ? "BEGIN IMMEDIATE" : "SAVEPOINT %s", name);
	if (sqlite3_exec(cat->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "catalog: %s",
		    sqlite3_errmsg(cat->db));
	return SOHOA_OK;
}

sohoa_status
sohoa_catalog_unit_end(sohoa_catalog *cat, const char *name, int own, sohoa_error *err)
{
	char sql[64];

	snprintf(sql, sizeof sql, own ? "COMMIT" : "RELEASE %s", name);
	if (sqlite3_exec(cat->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		sohoa_status st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "catalog: %s", sqlite3_errmsg(cat->db));
		if (own)
			sohoa_catalog_rollback(cat);
		return st;
	}
	return SOHOA_OK;
}

void
sohoa_catalog_unit_undo(sohoa_catalog *cat, const char *name, int own)
{
	char sql[128];

	if (own) {
		sohoa_catalog_rollback(cat);
		return;
	}
	snprintf(sql, sizeof sql, "ROLLBACK TO %s; RELEASE %s", name, name);
	sqlite3_exec(cat->db, sql, NULL, NULL, NULL);
}

sohoa_status
sohoa_catalog_set_sync_normal(sohoa_catalog *cat, sohoa_error *err)
{
	return catalog_exec(cat, "PRAGMA synchronous = NORMAL", err);
}

void
sohoa_now_iso(char buf[32])
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

/*
 * The statement helper of catalog_int.h (sticky errors, after SQLite's
 * FTS5): prepare, bind and step do nothing once s->rc is set.
 */
void
catalog_prepare(catalog_stmt *s, sohoa_catalog *cat, const char *sql)
{
	s->cat = cat;
	s->st = NULL;
	s->rc = sqlite3_prepare_v2(cat->db, sql, -1, &s->st, NULL);
}

void
catalog_bind_text(catalog_stmt *s, int i, const char *v)
{
	if (s->rc == SQLITE_OK)
		s->rc = v ? sqlite3_bind_text(s->st, i, v, -1, SQLITE_TRANSIENT)
		    : sqlite3_bind_null(s->st, i);
}

void
catalog_bind_blob(catalog_stmt *s, int i, const void *v, size_t n)
{
	if (s->rc == SQLITE_OK)
		s->rc = v ? sqlite3_bind_blob64(s->st, i, n ? v : "", n, SQLITE_TRANSIENT)
		    : sqlite3_bind_null(s->st, i);
}

void
catalog_bind_int(catalog_stmt *s, int i, long long v)
{
	if (s->rc == SQLITE_OK)
		s->rc = sqlite3_bind_int64(s->st, i, v);
}

void
catalog_bind_double(catalog_stmt *s, int i, double v, int is_null)
{
	if (s->rc == SQLITE_OK)
		s->rc = is_null ? sqlite3_bind_null(s->st, i) : sqlite3_bind_double(s->st, i, v);
}

int
catalog_step(catalog_stmt *s)
{
	int r;

	if (s->rc != SQLITE_OK)
		return s->rc;
	r = sqlite3_step(s->st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		s->rc = r;
	return r;
}

sohoa_status
catalog_finish(catalog_stmt *s, sohoa_error *err, const char *what)
{
	sohoa_status st = SOHOA_OK;

	if (s->rc != SQLITE_OK)
		st = catalog_db_error(s->cat, err, what);
	sqlite3_finalize(s->st);
	return st;
}

const char *
catalog_col_text(catalog_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s->st, i);
}

long long catalog_col_int(catalog_stmt *s, int i) { return sqlite3_column_int64(s->st, i); }
double catalog_col_double(catalog_stmt *s, int i) { return sqlite3_column_double(s->st, i); }

int
catalog_col_is_null(catalog_stmt *s, int i)
{
	return sqlite3_column_type(s->st, i) == SQLITE_NULL;
}

sohoa_status
sohoa_catalog_record_insert(sohoa_catalog *cat, const sohoa_record_new *r, int64_t *id,
    sohoa_error *err)
{
	catalog_stmt s;
	char now[32];

	sohoa_now_iso(now);
	catalog_prepare(&s, cat,
	    "INSERT INTO records (spool_id, state, hash, size, name, name_raw, origin, origin_raw,"
	    " inbox_path, source_mtime_ns, inbox_removed, created_at, updated_at)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
	catalog_bind_text(&s, 1, r->spool_id);
	catalog_bind_text(&s, 2, sohoa_state_name(r->state));
	catalog_bind_text(&s, 3, r->hash);
	catalog_bind_int(&s, 4, r->size);
	catalog_bind_text(&s, 5, r->name);
	catalog_bind_blob(&s, 6, r->name_raw, r->name_raw_len);
	catalog_bind_text(&s, 7, r->origin ? r->origin : "");
	catalog_bind_blob(&s, 8, r->origin_raw ? r->origin_raw : "", r->origin_raw_len);
	catalog_bind_blob(&s, 9, r->inbox_path, r->inbox_path_len);
	catalog_bind_int(&s, 10, r->source_mtime_ns);
	catalog_bind_int(&s, 11, r->inbox_removed);
	catalog_bind_text(&s, 12, now);
	catalog_bind_text(&s, 13, now);
	catalog_step(&s);
	if (s.rc == SQLITE_OK && id)
		*id = sqlite3_last_insert_rowid(cat->db);
	return catalog_finish(&s, err, "insert record");
}

int64_t
sohoa_catalog_find_live_hash(sohoa_catalog *cat, const char *hash)
{
	catalog_stmt s;
	int64_t id = 0;

	catalog_prepare(&s, cat, "SELECT id FROM records WHERE hash = ? AND state <> 'quarantined'");
	catalog_bind_text(&s, 1, hash);
	if (catalog_step(&s) == SQLITE_ROW)
		id = sqlite3_column_int64(s.st, 0);
	catalog_finish(&s, NULL, "");
	return id;
}

int64_t
sohoa_catalog_find_spool(sohoa_catalog *cat, const char *spool_id, sohoa_state *state)
{
	catalog_stmt s;
	int64_t id = 0;

	catalog_prepare(&s, cat, "SELECT id, state FROM records WHERE spool_id = ?");
	catalog_bind_text(&s, 1, spool_id);
	if (catalog_step(&s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s.st, 0);
		if (state) {
			int known = sohoa_state_from_name((const char *)sqlite3_column_text(s.st, 1));
			*state = known < 0 ? SOHOA_STATE_COUNT : (sohoa_state)known;
		}
	}
	catalog_finish(&s, NULL, "");
	return id;
}

bool
sohoa_catalog_inbox_pending(sohoa_catalog *cat, const void *path, size_t len, long long size,
    long long mtime_ns)
{
	catalog_stmt s;
	int found = 0;

	catalog_prepare(&s, cat, "SELECT 1 FROM records WHERE inbox_removed = 0 AND inbox_path = ?"
	    " AND size = ? AND source_mtime_ns = ?");
	catalog_bind_blob(&s, 1, path, len);
	catalog_bind_int(&s, 2, size);
	catalog_bind_int(&s, 3, mtime_ns);
	found = catalog_step(&s) == SQLITE_ROW;
	catalog_finish(&s, NULL, "");
	return found;
}

sohoa_status
sohoa_catalog_set_state(sohoa_catalog *cat, int64_t id, sohoa_state state, sohoa_error *err)
{
	catalog_stmt s;
	char now[32];

	if (!sohoa_state_name(state))
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "set state: record %lld: no record is in state %d", (long long)id, (int)state);
	sohoa_now_iso(now);
	catalog_prepare(&s, cat, "UPDATE records SET state = ?, updated_at = ? WHERE id = ?");
	catalog_bind_text(&s, 1, sohoa_state_name(state));
	catalog_bind_text(&s, 2, now);
	catalog_bind_int(&s, 3, id);
	catalog_step(&s);
	return catalog_finish(&s, err, "set state");
}

sohoa_status
sohoa_catalog_defer(sohoa_catalog *cat, int64_t id, long long next_at, const char *error,
    sohoa_error *err)
{
	catalog_stmt s;
	char now[32];

	sohoa_now_iso(now);
	catalog_prepare(&s, cat, "UPDATE records SET state = 'deferred', attempts = attempts + 1,"
	    " next_attempt_at = ?, last_error = ?, updated_at = ? WHERE id = ?");
	catalog_bind_int(&s, 1, next_at);
	catalog_bind_text(&s, 2, error);
	catalog_bind_text(&s, 3, now);
	catalog_bind_int(&s, 4, id);
	catalog_step(&s);
	return catalog_finish(&s, err, "defer record");
}

sohoa_status
sohoa_catalog_quarantine(sohoa_catalog *cat, int64_t id, const char *reason,
    const char *message, const char *qname, int64_t duplicate_of, sohoa_error *err)
{
	catalog_stmt s;
	char now[32];

	sohoa_now_iso(now);
	catalog_prepare(&s, cat, "UPDATE records SET state = 'quarantined', reason = ?,"
	    " last_error = ?, quarantine_name = ?, quarantine_published = 0,"
	    " duplicate_of = ?, updated_at = ? WHERE id = ?");
	catalog_bind_text(&s, 1, reason);
	catalog_bind_text(&s, 2, message);
	catalog_bind_text(&s, 3, qname);
	if (duplicate_of)
		catalog_bind_int(&s, 4, duplicate_of);
	else
		catalog_bind_text(&s, 4, NULL);
	catalog_bind_text(&s, 5, now);
	catalog_bind_int(&s, 6, id);
	catalog_step(&s);
	return catalog_finish(&s, err, "quarantine record");
}

sohoa_status
sohoa_catalog_quarantine_published(sohoa_catalog *cat, int64_t id, sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "UPDATE records SET quarantine_published = 1 WHERE id = ?");
	catalog_bind_int(&s, 1, id);
	catalog_step(&s);
	return catalog_finish(&s, err, "mark quarantine published");
}

sohoa_status
sohoa_catalog_store_pages(sohoa_catalog *cat, int64_t id, const sohoa_page_result *pages,
    int n, sohoa_error *err)
{
	catalog_stmt s;
	double sum = 0;
	int counted = 0;
	char now[32];
	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	catalog_prepare(&s, cat, "DELETE FROM pages WHERE record_id = ?");
	catalog_bind_int(&s, 1, id);
	catalog_step(&s);
	if (catalog_finish(&s, err, "clear pages") != SOHOA_OK)
		return err->status;
	catalog_prepare(&s, cat, "INSERT INTO pages (record_id, page_no, text, confidence, status,"
	    " width, height, dpi, rotation, skew) VALUES (?,?,?,?,?,?,?,?,?,?)");
	for (int i = 0; i < n && s.rc == SQLITE_OK; i++) {
		const sohoa_page_result *p = &pages[i];
		sqlite3_reset(s.st);
		catalog_bind_int(&s, 1, id);
		catalog_bind_int(&s, 2, p->page_no);
		catalog_bind_text(&s, 3, p->text ? p->text : "");
		catalog_bind_double(&s, 4, p->confidence, p->confidence < 0);
		catalog_bind_text(&s, 5, p->status ? p->status : "ok");
		catalog_bind_int(&s, 6, p->width);
		catalog_bind_int(&s, 7, p->height);
		catalog_bind_int(&s, 8, p->dpi);
		catalog_bind_int(&s, 9, p->rotation);
		catalog_bind_double(&s, 10, p->skew, 0);
		catalog_step(&s);
		if (p->confidence >= 0) {
			sum += p->confidence;
			counted++;
		}
	}
	if (catalog_finish(&s, err, "store pages") != SOHOA_OK)
		return err->status;
	sohoa_now_iso(now);
	catalog_prepare(&s, cat, "UPDATE records SET state = 'done', page_count = ?,"
	    " mean_confidence = ?, last_error = NULL, updated_at = ? WHERE id = ?");
	catalog_bind_int(&s, 1, n);
	catalog_bind_double(&s, 2, counted ? sum / counted : 0, counted == 0);
	catalog_bind_text(&s, 3, now);
	catalog_bind_int(&s, 4, id);
	catalog_step(&s);
	return catalog_finish(&s, err, "finish record");
}

sohoa_status
sohoa_catalog_event_add(sohoa_catalog *cat, int64_t record_id, const char *type,
    const char *agent, const char *outcome, const char *detail, sohoa_error *err)
{
	catalog_stmt s;
	char now[32];

	sohoa_now_iso(now);
	catalog_prepare(&s, cat, "INSERT INTO events (record_id, type, at, agent, outcome, detail)"
	    " VALUES (?,?,?,?,?,?)");
	if (record_id)
		catalog_bind_int(&s, 1, record_id);
	else
		catalog_bind_text(&s, 1, NULL);
	catalog_bind_text(&s, 2, type);
	catalog_bind_text(&s, 3, now);
	catalog_bind_text(&s, 4, agent);
	catalog_bind_text(&s, 5, outcome);
	catalog_bind_text(&s, 6, detail);
	catalog_step(&s);
	return catalog_finish(&s, err, "add event");
}

sohoa_status
sohoa_catalog_store_ocr_fields(sohoa_catalog *cat, int64_t id, const sohoa_fields *fs,
    sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "DELETE FROM fields WHERE record_id = ? AND source = 'ocr'");
	catalog_bind_int(&s, 1, id);
	catalog_step(&s);
	if (catalog_finish(&s, err, "clear fields") != SOHOA_OK)
		return err ? err->status : SOHOA_FATAL;
	catalog_prepare(&s, cat, "INSERT INTO fields (record_id, name, value, source, confidence)"
	    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (record_id, name) DO UPDATE SET"
	    " value = excluded.value, source = excluded.source, confidence = excluded.confidence"
	    " WHERE fields.source <> 'person'");
	for (int i = 0; i < SOHOA_F_COUNT && s.rc == SQLITE_OK; i++) {
		const sohoa_field *f = &fs->f[i];
		if (!f->value || !*f->value)
			continue;
		sqlite3_reset(s.st);
		catalog_bind_int(&s, 1, id);
		catalog_bind_text(&s, 2, sohoa_field_name((sohoa_field_id)i));
		catalog_bind_text(&s, 3, f->value);
		catalog_bind_text(&s, 4, f->source[0] ? f->source : "ocr");
		catalog_bind_double(&s, 5, f->confidence, 0);
		catalog_step(&s);
	}
	return catalog_finish(&s, err, "store fields");
}

sohoa_status
sohoa_catalog_load_fields(sohoa_catalog *cat, int64_t id, sohoa_fields *fs, sohoa_error *err)
{
	catalog_stmt s;

	catalog_prepare(&s, cat, "SELECT name, value, source, confidence FROM fields"
	    " WHERE record_id = ?");
	catalog_bind_int(&s, 1, id);
	while (catalog_step(&s) == SQLITE_ROW) {
		sohoa_field_id f = sohoa_field_from_name((const char *)sqlite3_column_text(s.st, 0));
		if (f == SOHOA_F_COUNT)
			continue;
		if (sohoa_fields_set(fs, f, (const char *)sqlite3_column_text(s.st, 1),
		    (const char *)sqlite3_column_text(s.st, 2), sqlite3_column_double(s.st, 3)) != 0)
			s.rc = SQLITE_NOMEM;
	}
	return catalog_finish(&s, err, "load fields");
}

sohoa_status
sohoa_catalog_set_field(sohoa_catalog *cat, int64_t id, const char *name, const char *value,
    char **old, sohoa_error *err)
{
	catalog_stmt s;

	if (old) {
		*old = NULL;
		catalog_prepare(&s, cat, "SELECT value FROM fields WHERE record_id = ? AND name = ?");
		catalog_bind_int(&s, 1, id);
		catalog_bind_text(&s, 2, name);
		if (catalog_step(&s) == SQLITE_ROW)
			*old = strdup((const char *)sqlite3_column_text(s.st, 0));
		if (catalog_finish(&s, err, "read field") != SOHOA_OK)
			return err ? err->status : SOHOA_FATAL;
	}
	if (!value || !*value) {
		catalog_prepare(&s, cat, "DELETE FROM fields WHERE record_id = ? AND name = ?");
		catalog_bind_int(&s, 1, id);
		catalog_bind_text(&s, 2, name);
	} else {
		catalog_prepare(&s, cat, "INSERT INTO fields (record_id, name, value, source, confidence)"
		    " VALUES (?, ?, ?, 'person', 1) ON CONFLICT (record_id, name) DO UPDATE SET"
		    " value = excluded.value, source = 'person', confidence = 1");
		catalog_bind_int(&s, 1, id);
		catalog_bind_text(&s, 2, name);
		catalog_bind_text(&s, 3, value);
	}
	catalog_step(&s);
	return catalog_finish(&s, err, "set field");
}

bool
sohoa_catalog_meta_get(sohoa_catalog *cat, const char *name, char *buf, size_t size)
{
	sqlite3_stmt *st;
	int found = 0;

	if (size)
		buf[0] = '\0';
	if (sqlite3_prepare_v2(cat->db, "SELECT value FROM store_meta WHERE name = ?", -1, &st,
	    NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

sohoa_status
sohoa_catalog_meta_set(sohoa_catalog *cat, const char *name, const char *value,
    sohoa_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(cat->db, "INSERT OR REPLACE INTO store_meta (name, value)"
	    " VALUES (?, ?)", -1, &st, NULL) != SQLITE_OK)
		return catalog_db_error(cat, err, "store_meta");
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SOHOA_OK : catalog_db_error(cat, err, "store_meta");
}

sohoa_status
sohoa_catalog_unpackaged(sohoa_catalog *cat, const char *before, int settle_s, int64_t **ids,
    int *n, sohoa_error *err)
{
	sqlite3_stmt *st;
	int64_t *v = NULL;
	int cap = 0, rc;

	*ids = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(cat->db, "SELECT id FROM records WHERE state = 'done'"
	    " AND package_mets_hash IS NULL"
	    " AND (?1 IS NULL OR julianday(created_at) < julianday(?1))"
	    " AND julianday(updated_at) <= julianday('now') - ?2 / 86400.0 ORDER BY id", -1, &st,
	    NULL) != SQLITE_OK)
		return catalog_db_error(cat, err, "unpackaged records");
	if (before)
		sqlite3_bind_text(st, 1, before, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, settle_s);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			int nc = cap ? cap * 2 : 16;
			int64_t *nv = realloc(v, (size_t)nc * sizeof *nv);
			if (!nv) {
				sqlite3_finalize(st);
				free(v);
				return sohoa_error_oom(err);
			}
			v = nv;
			cap = nc;
		}
		v[(*n)++] = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		*n = 0;
		return catalog_db_error(cat, err, "unpackaged records");
	}
	*ids = v;
	return SOHOA_OK;
}
