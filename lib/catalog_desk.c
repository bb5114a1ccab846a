/*
 * catalog_desk.c - the catalog side of the văn thư's desk (desk.h): the
 * export request queue (migration 016), the export ledger as rows, the
 * quarantined files with their removal, and the probable duplicates with
 * their resolution.  Every change adds an event naming the person.  Also
 * the desk request queue and the stored quarantine previews (migration
 * 021): the web queues, sohoad carries out and renders.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sohoa/desk.h"
#include "sohoa/fsutil.h"
#include "sohoa/search.h"
#include "sohoa/store.h"
#include "catalog_int.h"

#define REASON_SUFFIX ".ly-do.txt"      /* as lib/engine.c writes it */
/* Carried out by sohoad on a request made on the web (desk.h, invariant 5). */
#define AGENT_WEB "sohoad " SOHOA_VERSION " (requested on the web)"

static void
col(sqlite3_stmt *st, int i, char *buf, size_t size)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(buf, size, "%s", t ? (const char *)t : "");
}

static sohoa_status
db_error(sohoa_catalog *cat, sohoa_error *err)
{
	return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "catalog: %s",
	    sqlite3_errmsg(sohoa_catalog_db(cat)));
}

/* Grows *arr (of elem bytes) to hold n + 1. */
static int
grow(void **arr, int n, int *cap, size_t elem)
{
	void *p;

	if (n < *cap)
		return 0;
	*cap = *cap ? *cap * 2 : 16;
	if (!(p = realloc(*arr, (size_t)*cap * elem)))
		return -1;
	*arr = p;
	return 0;
}

/* ---- the two request queues -------------------------------------------- */

/*
 * The export requests (migration 016) and the desk requests (migration 021)
 * are one kind of queue: rows that the web adds as 'pending', that sohoad
 * claims ('running'), finishes ('done' or 'failed'), and fails when it
 * starts again after a crash; the desk lists them newest first.  One
 * description of a queue per table, and the functions below serve both.
 */
struct queue {
	const char *table;	/* export_requests or desk_requests */
	const char *cols;	/* the columns row() reads, in its order */
	size_t elem;		/* the size of one row's struct */
	void (*row)(sqlite3_stmt *, void *);
};

/*
 * Claims the oldest pending request of q as running: 1 with *out filled,
 * 0 when none waits, -1 on a catalog error (err set).
 */
static int
queue_claim(sohoa_catalog *cat, const struct queue *q, void *out, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st;
	char now[32], sql[512];
	int found;

	/* Looked at every few seconds by the daemon: a read first, so that an
	 * empty queue never takes the write lock. */
	snprintf(sql, sizeof sql, "SELECT 1 FROM %s WHERE state = 'pending' LIMIT 1", q->table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_error(cat, err);
		return -1;
	}
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!found)
		return 0;
	found = 0;
	sohoa_now_iso(now);
	/* One statement: the claim is atomic against another claimer. */
	snprintf(sql, sizeof sql, "UPDATE %s SET state = 'running', started_at = ? WHERE id ="
	    " (SELECT id FROM %s WHERE state = 'pending' ORDER BY id LIMIT 1) RETURNING %s",
	    q->table, q->table, q->cols);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_error(cat, err);
		return -1;
	}
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		q->row(st, out);
		found = 1;
	}
	if (sqlite3_step(st) != SQLITE_DONE && !found) {
		sqlite3_finalize(st);
		db_error(cat, err);
		return -1;
	}
	sqlite3_finalize(st);
	return found;
}

/*
 * Marks the running request id of q done (ok) or failed with message; with
 * bundle (export requests only) also its bundle_id, NULL when bundle <= 0.
 */
static sohoa_status
queue_finish(sohoa_catalog *cat, const struct queue *q, int64_t id, int ok, const char *message,
    const int64_t *bundle, sohoa_error *err)
{
	sqlite3_stmt *st;
	char now[32], sql[256];
	int rc, i = 4;

	sohoa_now_iso(now);
	snprintf(sql, sizeof sql, "UPDATE %s SET state = ?, finished_at = ?, message = ?%s"
	    " WHERE id = ? AND state = 'running'", q->table, bundle ? ", bundle_id = ?" : "");
	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(cat, err);
	sqlite3_bind_text(st, 1, ok ? "done" : "failed", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, message ? message : "", -1, SQLITE_STATIC);
	if (bundle) {
		if (*bundle > 0)
			sqlite3_bind_int64(st, i, *bundle);
		else
			sqlite3_bind_null(st, i);
		i++;
	}
	sqlite3_bind_int64(st, i, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SOHOA_OK : db_error(cat, err);
}

/* Fails every running request of q with message: how many, -1 on error. */
static int
queue_fail_running(sohoa_catalog *cat, const struct queue *q, const char *message)
{
	sqlite3_stmt *st;
	char now[32], sql[256];
	int n = -1;

	sohoa_now_iso(now);
	snprintf(sql, sizeof sql, "UPDATE %s SET state = 'failed', finished_at = ?, message = ?"
	    " WHERE state = 'running'", q->table);
	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, message, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_DONE)
		n = sqlite3_changes(sohoa_catalog_db(cat));
	sqlite3_finalize(st);
	return n;
}

/* The newest limit (50 when <= 0) requests of q into a malloc'd *out. */
static sohoa_status
queue_list(sohoa_catalog *cat, const struct queue *q, int limit, void **out, int *n,
    sohoa_error *err)
{
	sqlite3_stmt *st;
	char *v = NULL, sql[512];
	int k = 0, cap = 0, rc;

	*out = NULL;
	*n = 0;
	snprintf(sql, sizeof sql, "SELECT %s FROM %s ORDER BY id DESC LIMIT ?", q->cols, q->table);
	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(cat, err);
	sqlite3_bind_int(st, 1, limit > 0 ? limit : 50);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (grow((void **)&v, k, &cap, q->elem) != 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		q->row(st, v + (size_t)k++ * q->elem);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return db_error(cat, err);
	}
	*out = v;
	*n = k;
	return SOHOA_OK;
}

/* ---- export requests ---------------------------------------------------- */

#define REQ_COLS "id, month, force, requested_by, requested_at, started_at, finished_at," \
	" state, message, bundle_id"

static void
req_row(sqlite3_stmt *st, void *out)
{
	sohoa_export_request *r = out;

	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	col(st, 1, r->month, sizeof r->month);
	r->force = sqlite3_column_int(st, 2);
	col(st, 3, r->requested_by, sizeof r->requested_by);
	col(st, 4, r->requested_at, sizeof r->requested_at);
	col(st, 5, r->started_at, sizeof r->started_at);
	col(st, 6, r->finished_at, sizeof r->finished_at);
	col(st, 7, r->state, sizeof r->state);
	col(st, 8, r->message, sizeof r->message);
	r->bundle_id = sqlite3_column_int64(st, 9);
}

static const struct queue export_queue = {
	"export_requests", REQ_COLS, sizeof(sohoa_export_request), req_row
};

sohoa_status
sohoa_export_request_add(sohoa_catalog *cat, const char *month, int force, const char *user,
    int64_t *id, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st;
	char now[32];
	int rc;

	sohoa_now_iso(now);
	if (sqlite3_prepare_v2(db, "INSERT INTO export_requests (month, force, requested_by,"
	    " requested_at) VALUES (?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return db_error(cat, err);
	sqlite3_bind_text(st, 1, month, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, force ? 1 : 0);
	sqlite3_bind_text(st, 3, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "đã có yêu cầu xuất tháng %s đang chờ hoặc đang chạy — an export of %s is"
		    " already waiting or running", month, month);
	if (rc != SQLITE_DONE)
		return db_error(cat, err);
	if (id)
		*id = sqlite3_last_insert_rowid(db);
	return SOHOA_OK;
}

int
sohoa_export_request_claim(sohoa_catalog *cat, sohoa_export_request *req, sohoa_error *err)
{
	return queue_claim(cat, &export_queue, req, err);
}

sohoa_status
sohoa_export_request_finish(sohoa_catalog *cat, int64_t id, int ok, const char *message,
    int64_t bundle_id, sohoa_error *err)
{
	return queue_finish(cat, &export_queue, id, ok, message, &bundle_id, err);
}

int
sohoa_export_request_fail_running(sohoa_catalog *cat, const char *message)
{
	return queue_fail_running(cat, &export_queue, message);
}

bool
sohoa_export_request_get(sohoa_catalog *cat, int64_t id, sohoa_export_request *req)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT " REQ_COLS " FROM export_requests"
	    " WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		req_row(st, req);
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

sohoa_status
sohoa_export_requests_list(sohoa_catalog *cat, int limit, sohoa_export_request **out, int *n,
    sohoa_error *err)
{
	void *v;
	sohoa_status s = queue_list(cat, &export_queue, limit, &v, n, err);

	*out = v;
	return s;
}

/* ---- desk requests ------------------------------------------------------ */

static const char *const desk_keys[] = { "retry", "delete", "keep", "drop" };

const char *
sohoa_desk_action_key(sohoa_desk_action a)
{
	return (unsigned)a < 4 ? desk_keys[a] : "?";
}

#define DREQ_COLS "id, action, record_id, coalesce(drop_id, 0), requested_by, requested_at," \
	" coalesce(finished_at, ''), state, coalesce(message, '')"

static void
dreq_row(sqlite3_stmt *st, void *out)
{
	sohoa_desk_request *r = out;
	char a[16];

	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	col(st, 1, a, sizeof a);
	for (int i = 0; i < 4; i++)
		if (!strcmp(a, desk_keys[i]))
			r->action = (sohoa_desk_action)i;
	r->record_id = sqlite3_column_int64(st, 2);
	r->drop_id = sqlite3_column_int64(st, 3);
	col(st, 4, r->requested_by, sizeof r->requested_by);
	col(st, 5, r->requested_at, sizeof r->requested_at);
	col(st, 6, r->finished_at, sizeof r->finished_at);
	col(st, 7, r->state, sizeof r->state);
	col(st, 8, r->message, sizeof r->message);
}

static const struct queue desk_queue = {
	"desk_requests", DREQ_COLS, sizeof(sohoa_desk_request), dreq_row
};

sohoa_status
sohoa_desk_request_add(sohoa_catalog *cat, sohoa_desk_action action, int64_t id, int64_t drop,
    const char *user, int64_t *req_id, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st;
	char now[32];
	int rc;

	if ((unsigned)action >= 4 || id <= 0 || (action == SOHOA_DESK_DROP) != (drop > 0))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "yêu cầu không hợp lệ — invalid desk request");
	sohoa_now_iso(now);
	if (sqlite3_prepare_v2(db, "INSERT INTO desk_requests (action, record_id, drop_id,"
	    " requested_by, requested_at) VALUES (?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return db_error(cat, err);
	sqlite3_bind_text(st, 1, desk_keys[action], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	if (drop > 0)
		sqlite3_bind_int64(st, 3, drop);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "yêu cầu này với tài liệu %lld đang chờ sohoad — this request on record %lld is"
		    " already waiting", (long long)id, (long long)id);
	if (rc != SQLITE_DONE)
		return db_error(cat, err);
	if (req_id)
		*req_id = sqlite3_last_insert_rowid(db);
	return SOHOA_OK;
}

int
sohoa_desk_request_claim(sohoa_catalog *cat, sohoa_desk_request *req, sohoa_error *err)
{
	return queue_claim(cat, &desk_queue, req, err);
}

sohoa_status
sohoa_desk_request_finish(sohoa_catalog *cat, int64_t id, int ok, const char *message,
    sohoa_error *err)
{
	return queue_finish(cat, &desk_queue, id, ok, message, NULL, err);
}

int
sohoa_desk_request_fail_running(sohoa_catalog *cat, const char *message)
{
	return queue_fail_running(cat, &desk_queue, message);
}

sohoa_status
sohoa_desk_requests_list(sohoa_catalog *cat, int limit, sohoa_desk_request **out, int *n,
    sohoa_error *err)
{
	void *v;
	sohoa_status s = queue_list(cat, &desk_queue, limit, &v, n, err);

	*out = v;
	return s;
}

bool
sohoa_desk_request_live(sohoa_catalog *cat, int64_t id, sohoa_desk_request *req)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT " DREQ_COLS " FROM desk_requests"
	    " WHERE record_id = ? AND state IN ('pending', 'running') ORDER BY id DESC LIMIT 1",
	    -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		dreq_row(st, req);
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

/* ---- the ledger --------------------------------------------------------- */

#define BUNDLE_COLS "id, month, file_name, path, bundle_hash, size, sips, records," \
	" created_at, uploaded_at, exported_at, upload_error"

static void
bundle_row(const sohoa_conf *conf, sqlite3_stmt *st, sohoa_export_bundle_row *b)
{
	char stored[PATH_MAX], dir[PATH_MAX];

	memset(b, 0, sizeof *b);
	b->id = sqlite3_column_int64(st, 0);
	col(st, 1, b->month, sizeof b->month);
	col(st, 2, b->file_name, sizeof b->file_name);
	col(st, 3, stored, sizeof stored);     /* the outbox it was written to */
	if (sohoa_store_resolve(conf, stored, dir, sizeof dir) != 0)
		snprintf(dir, sizeof dir, "%s", stored);
	snprintf(b->path, sizeof b->path, "%s/%s", dir, b->file_name);
	col(st, 4, b->bundle_hash, sizeof b->bundle_hash);
	b->size = sqlite3_column_int64(st, 5);
	b->sips = sqlite3_column_int64(st, 6);
	b->records = sqlite3_column_int64(st, 7);
	col(st, 8, b->created_at, sizeof b->created_at);
	col(st, 9, b->uploaded_at, sizeof b->uploaded_at);
	col(st, 10, b->exported_at, sizeof b->exported_at);
	col(st, 11, b->upload_error, sizeof b->upload_error);
}

sohoa_status
sohoa_export_bundles_list(const sohoa_conf *conf, sohoa_catalog *cat,
    sohoa_export_bundle_row **out, int *n, sohoa_error *err)
{
	sqlite3_stmt *st;
	sohoa_export_bundle_row *v = NULL;
	int k = 0, cap = 0, rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT " BUNDLE_COLS " FROM export_bundles"
	    " ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return db_error(cat, err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (grow((void **)&v, k, &cap, sizeof *v) != 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		bundle_row(conf, st, &v[k++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return db_error(cat, err);
	}
	*out = v;
	*n = k;
	return SOHOA_OK;
}

bool
sohoa_export_bundle_get(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id,
    sohoa_export_bundle_row *row)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT " BUNDLE_COLS " FROM export_bundles"
	    " WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		bundle_row(conf, st, row);
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

/* ---- the quarantine ------------------------------------------------------ */

#define Q_COLS "id, name, origin, quarantine_name, coalesce(reason, ''), coalesce(last_error, ''),"\
	" created_at, size, coalesce(duplicate_of, 0)"
#define Q_LIVE "state = 'quarantined' AND quarantine_published = 1 AND quarantine_released = 0" \
	" AND quarantine_name IS NOT NULL"

static void
q_row(sqlite3_stmt *st, sohoa_quarantined *q)
{
	memset(q, 0, sizeof *q);
	q->id = sqlite3_column_int64(st, 0);
	col(st, 1, q->name, sizeof q->name);
	col(st, 2, q->origin, sizeof q->origin);
	col(st, 3, q->qname, sizeof q->qname);
	col(st, 4, q->reason, sizeof q->reason);
	col(st, 5, q->message, sizeof q->message);
	col(st, 6, q->created_at, sizeof q->created_at);
	q->size = sqlite3_column_int64(st, 7);
	q->duplicate_of = sqlite3_column_int64(st, 8);
}

sohoa_status
sohoa_quarantine_list(sohoa_catalog *cat, sohoa_quarantined **out, int *n, sohoa_error *err)
{
	sqlite3_stmt *st;
	sohoa_quarantined *v = NULL;
	int k = 0, cap = 0, rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT " Q_COLS " FROM records WHERE "
	    Q_LIVE " ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return db_error(cat, err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (grow((void **)&v, k, &cap, sizeof *v) != 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		q_row(st, &v[k++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return db_error(cat, err);
	}
	*out = v;
	*n = k;
	return SOHOA_OK;
}

bool
sohoa_quarantine_get(sohoa_catalog *cat, int64_t id, sohoa_quarantined *q)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT " Q_COLS " FROM records WHERE id = ?"
	    " AND " Q_LIVE, -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		q_row(st, q);
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

/* The folder holding q->qname, opened beneath the quarantine root; *base
 * points into q->qname. */
static int
q_parent(const sohoa_conf *conf, const sohoa_quarantined *q, const char **base)
{
	if (!q->qname[0] || q->qname[strlen(q->qname) - 1] == '/') {
		errno = EINVAL;
		return -1;
	}
	return sohoa_fs_open_parent_beneath(conf->quarantine, q->qname, base);
}

int
sohoa_quarantine_open(const sohoa_conf *conf, const sohoa_quarantined *q, long long max_bytes,
    struct stat *st)
{
	const char *base;
	int dfd = q_parent(conf, q, &base), fd, e;

	if (dfd < 0)
		return -1;
	fd = sohoa_fs_open_file_at(dfd, base, NULL, st);
	e = errno;
	close(dfd);
	if (fd < 0) {
		errno = e == EINVAL && S_ISDIR(st->st_mode) ? EISDIR : e;
		return -1;
	}
	if (max_bytes > 0 && (long long)st->st_size > max_bytes) {
		close(fd);
		errno = EFBIG;
		return -1;
	}
	return fd;
}

sohoa_status
sohoa_quarantine_reason_file(const sohoa_conf *conf, const sohoa_quarantined *q, char **text,
    sohoa_error *err)
{
	const char *base;
	char note[NAME_MAX + 32];
	size_t len;
	int dfd = q_parent(conf, q, &base);
	sohoa_status rc;

	*text = NULL;
	if (dfd < 0)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNREADABLE, "%s: %s",
		    q->qname, strerror(errno));
	snprintf(note, sizeof note, "%s%s", base, REASON_SUFFIX);
	rc = sohoa_fs_read_small_at(dfd, note, note, 16384, text, &len, err);
	close(dfd);
	return rc;
}

/* Removes the tree name in dfd: regular files and folders, links removed as
 * links (never followed), nothing outside. */
static int
remove_tree_at(int dfd, const char *name, int depth)
{
	struct stat sb;
	DIR *d;
	struct dirent *de;
	int sub, rc = 0;

	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(sb.st_mode))
		return unlinkat(dfd, name, 0);
	if (depth > 16) {
		errno = ELOOP;
		return -1;
	}
	if ((sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return -1;
	if (!(d = fdopendir(sub))) {
		close(sub);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (remove_tree_at(dirfd(d), de->d_name, depth + 1) != 0)
			rc = -1;
	}
	closedir(d);
	if (rc == 0)
		rc = unlinkat(dfd, name, AT_REMOVEDIR);
	return rc;
}

sohoa_status
sohoa_quarantine_delete(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id,
    const char *user, sohoa_error *err)
{
	sohoa_quarantined q;
	const char *base;
	char note[NAME_MAX + 32], detail[PATH_MAX + 128];
	sqlite3_stmt *st;
	int dfd, rc;

	if (!sohoa_quarantine_get(cat, id, &q))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "tài liệu %lld không có trong thư mục cách ly — record %lld is not in the"
		    " quarantine", (long long)id, (long long)id);
	if ((dfd = q_parent(conf, &q, &base)) < 0) {
		if (errno != ENOENT)
			return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s/%s: %s",
			    conf->quarantine, q.qname, strerror(errno));
	} else {
		snprintf(note, sizeof note, "%s%s", base, REASON_SUFFIX);
		if (remove_tree_at(dfd, base, 0) != 0) {
			int e = errno;
			close(dfd);
			return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
			    "không xóa được %s — cannot delete %s: %s", q.qname, q.qname, strerror(e));
		}
		unlinkat(dfd, note, 0);
		(void)fsync(dfd);
		close(dfd);
	}
	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "UPDATE records SET quarantine_released = 2"
	    " WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		return db_error(cat, err);
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(cat, err);
	snprintf(detail, sizeof detail, "quarantined file %s deleted by %s", q.qname, user);
	return sohoa_catalog_event_add(cat, id, "deletion", AGENT_WEB, "success", detail, err);
}

/* ---- quarantine previews ------------------------------------------------ */

bool
sohoa_preview_get(sohoa_catalog *cat, int64_t id, sohoa_preview_row *p)
{
	sqlite3_stmt *st;
	int found = 0;

	memset(p, 0, sizeof *p);
	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT made_at, status, coalesce(reason,"
	    " ''), coalesce(message, ''), note, coalesce(file_sig, '') FROM quarantine_previews"
	    " WHERE record_id = ?", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *note = sqlite3_column_text(st, 4);
		p->record_id = id;
		col(st, 0, p->made_at, sizeof p->made_at);
		col(st, 1, p->status, sizeof p->status);
		col(st, 2, p->reason, sizeof p->reason);
		col(st, 3, p->message, sizeof p->message);
		p->note = note ? strdup((const char *)note) : NULL;
		col(st, 5, p->file_sig, sizeof p->file_sig);
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

int
sohoa_preview_missing(sohoa_catalog *cat, int64_t *ids, int max)
{
	sqlite3_stmt *st;
	int n = 0;

	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT id FROM records WHERE " Q_LIVE
	    " AND id NOT IN (SELECT record_id FROM quarantine_previews) ORDER BY id LIMIT ?", -1,
	    &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int(st, 1, max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

void
sohoa_preview_path(const sohoa_conf *conf, int64_t id, char *buf, size_t size)
{
	snprintf(buf, size, "%s/" SOHOA_PREVIEW_DIR "/%lld.png", conf->state_dir, (long long)id);
}

void
sohoa_preview_file_sig(const sohoa_conf *conf, const sohoa_quarantined *q, char *buf,
    size_t size)
{
	struct stat st;

	if (!q->qname[0] || sohoa_fs_stat_beneath(conf->quarantine, q->qname, &st) != 0)
		snprintf(buf, size, "%s", "");
	else
		snprintf(buf, size, "%ju:%lld:%lld.%09ld", (uintmax_t)st.st_ino, (long long)st.st_size,
		    (long long)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec);
}

int
sohoa_preview_stale(const sohoa_conf *conf, sohoa_catalog *cat, int64_t *ids, int max)
{
	sqlite3_stmt *st;
	sohoa_quarantined q;
	char now[96], then[96];
	int n = 0;

	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT " Q_COLS ", coalesce((SELECT"
	    " p.file_sig FROM quarantine_previews p WHERE p.record_id = records.id), '') FROM"
	    " records WHERE " Q_LIVE " AND id IN (SELECT record_id FROM quarantine_previews)"
	    " ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		q_row(st, &q);
		col(st, 9, then, sizeof then);
		sohoa_preview_file_sig(conf, &q, now, sizeof now);
		if (strcmp(now, then) != 0)
			ids[n++] = q.id;
	}
	sqlite3_finalize(st);
	return n;
}

static sohoa_status
preview_row_put(sohoa_catalog *cat, int64_t id, const char *status, const char *reason,
    const char *message, const char *note, const char *file_sig, sohoa_error *err)
{
	sqlite3_stmt *st;
	char now[32];
	int rc;

	sohoa_now_iso(now);
	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "INSERT OR REPLACE INTO quarantine_previews"
	    " (record_id, made_at, status, reason, message, note, file_sig) VALUES (?, ?, ?, ?, ?,"
	    " ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return db_error(cat, err);
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, message, -1, SQLITE_STATIC);
	if (note)
		sqlite3_bind_text(st, 6, note, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_text(st, 7, file_sig ? file_sig : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SOHOA_OK : db_error(cat, err);
}

#define PREVIEW_READ_MAX (32u << 20)

sohoa_status
sohoa_preview_store(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id, int fd,
    int wstatus, const char *reason_note, const char *file_sig, sohoa_error *err)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	char path[PATH_MAX], dir[PATH_MAX], msg[600], key[32] = "";
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t got;
	sohoa_status rc;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "preview: %s",
		    strerror(errno));
	for (;;) {
		if (len == cap) {
			unsigned char *p;
			if (cap >= PREVIEW_READ_MAX)
				break;
			cap = cap ? cap * 2 : 65536;
			if (!(p = realloc(buf, cap))) {
				free(buf);
				return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
				    "preview: out of memory");
			}
			buf = p;
		}
		got = read(fd, buf + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
	}
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0 && len > sizeof sig
	    && !memcmp(buf, sig, sizeof sig)) {
		snprintf(dir, sizeof dir, "%s/" SOHOA_PREVIEW_DIR, conf->state_dir);
		sohoa_preview_path(conf, id, path, sizeof path);
		if ((rc = sohoa_fs_mkdirs(dir, 0750, err)) == SOHOA_OK
		    && (rc = sohoa_fs_write_file(path, buf, len, 0640, err)) == SOHOA_OK)
			rc = preview_row_put(cat, id, "png", "", "", reason_note, file_sig, err);
		free(buf);
		return rc;
	}
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 2 && len > 0) {
		/* "bad <key>\n<message>" or "none\n<message>". */
		char *text = malloc(len + 1), *nl;
		const char *status = "bad", *m;
		if (!text) {
			free(buf);
			return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
			    "preview: out of memory");
		}
		memcpy(text, buf, len);
		text[len] = '\0';
		nl = strchr(text, '\n');
		m = nl ? nl + 1 : "";
		if (nl)
			*nl = '\0';
		if (!strncmp(text, "none", 4))
			status = "none";
		else if (!strncmp(text, "bad ", 4))
			snprintf(key, sizeof key, "%s", text + 4);
		snprintf(msg, sizeof msg, "%s", m);
		free(text);
		free(buf);
		return preview_row_put(cat, id, status, key, msg, reason_note, file_sig, err);
	}
	free(buf);
	if (WIFSIGNALED(wstatus))
		snprintf(msg, sizeof msg, "giải mã trang đầu bị dừng (tín hiệu %d): tệp hỏng hoặc quá"
		    " nặng — decoding the first page was stopped (signal %d)", WTERMSIG(wstatus),
		    WTERMSIG(wstatus));
	else
		snprintf(msg, sizeof msg, "không tạo được ảnh xem trước (mã %d) — no preview made"
		    " (exit %d)", WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1,
		    WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
	return preview_row_put(cat, id, "bad", "", msg, reason_note, file_sig, err);
}

void
sohoa_preview_forget(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id)
{
	char path[PATH_MAX];
	sqlite3_stmt *st;

	sohoa_preview_path(conf, id, path, sizeof path);
	(void)unlink(path);
	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "DELETE FROM quarantine_previews WHERE"
	    " record_id = ?", -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, id);
	(void)sqlite3_step(st);
	sqlite3_finalize(st);
}

/* ---- probable duplicates ------------------------------------------------- */

#define DUP_SELECT "SELECT r.id, o.id, r.name, o.name FROM records r JOIN records o" \
	" ON o.id = r.probable_duplicate_of WHERE r.state = 'done' AND o.state = 'done'"

sohoa_status
sohoa_duplicates_list(sohoa_catalog *cat, sohoa_duplicate_pair **out, int *n, sohoa_error *err)
{
	sqlite3_stmt *st;
	sohoa_duplicate_pair *v = NULL;
	int k = 0, cap = 0, rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), DUP_SELECT " ORDER BY r.id", -1, &st, NULL)
	    != SQLITE_OK)
		return db_error(cat, err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (grow((void **)&v, k, &cap, sizeof *v) != 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		memset(&v[k], 0, sizeof v[k]);
		v[k].id = sqlite3_column_int64(st, 0);
		v[k].of = sqlite3_column_int64(st, 1);
		col(st, 2, v[k].name, sizeof v[k].name);
		col(st, 3, v[k].of_name, sizeof v[k].of_name);
		k++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return db_error(cat, err);
	}
	*out = v;
	*n = k;
	return SOHOA_OK;
}

bool
sohoa_duplicate_get(sohoa_catalog *cat, int64_t id, sohoa_duplicate_pair *p)
{
	sqlite3_stmt *st;
	int found = 0;

	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), DUP_SELECT " AND r.id = ?", -1, &st, NULL)
	    != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		memset(p, 0, sizeof *p);
		p->id = sqlite3_column_int64(st, 0);
		p->of = sqlite3_column_int64(st, 1);
		col(st, 2, p->name, sizeof p->name);
		col(st, 3, p->of_name, sizeof p->of_name);
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

/* Runs sql with ?1 = a, ?2 = b (when the statement has it). */
static int
exec2(sohoa_catalog *cat, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, b);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

sohoa_status
sohoa_duplicate_keep_both(sohoa_catalog *cat, int64_t id, const char *user, sohoa_error *err)
{
	sohoa_duplicate_pair p;
	char detail[256];
	sohoa_status rc;

	if (!sohoa_duplicate_get(cat, id, &p))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "tài liệu %lld không được đánh dấu có thể trùng — record %lld is not flagged"
		    " as a probable duplicate", (long long)id, (long long)id);
	if ((rc = sohoa_catalog_begin(cat, err)) != SOHOA_OK)
		return rc;
	snprintf(detail, sizeof detail, "not a duplicate of record %lld: both kept by %s",
	    (long long)p.of, user);
	if (exec2(cat, "UPDATE records SET probable_duplicate_of = NULL WHERE id = ?1", id, 0)
	    != 0) {
		rc = db_error(cat, err);
		sohoa_catalog_rollback(cat);
		return rc;
	}
	if ((rc = sohoa_catalog_event_add(cat, id, "duplicate review", AGENT_WEB, "success",
	    detail, err)) != SOHOA_OK) {
		sohoa_catalog_rollback(cat);
		return rc;
	}
	return sohoa_catalog_commit(cat, err);
}

sohoa_status
sohoa_duplicate_drop(sohoa_catalog *cat, int64_t id, int64_t drop, const char *user,
    sohoa_error *err)
{
	sohoa_duplicate_pair p;
	sqlite3_stmt *st;
	char detail[300];
	int64_t keep;
	int sent = 0;
	sohoa_status rc;

	if (!sohoa_duplicate_get(cat, id, &p))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "tài liệu %lld không được đánh dấu có thể trùng — record %lld is not flagged"
		    " as a probable duplicate", (long long)id, (long long)id);
	if (drop != p.id && drop != p.of)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "tài liệu %lld không thuộc cặp này — record %lld is not one of the pair",
		    (long long)drop, (long long)drop);
	keep = drop == p.id ? p.of : p.id;
	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT 1 FROM export_members WHERE"
	    " record_id = ?", -1, &st, NULL) != SQLITE_OK)
		return db_error(cat, err);
	sqlite3_bind_int64(st, 1, drop);
	sent = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (sent)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "tài liệu %lld đã được xuất nộp lưu trữ, không bỏ được — record %lld was sent"
		    " to the archive already and cannot be dropped", (long long)drop,
		    (long long)drop);
	if ((rc = sohoa_catalog_begin(cat, err)) != SOHOA_OK)
		return rc;
	snprintf(detail, sizeof detail, "dropped as a duplicate of record %lld by %s",
	    (long long)keep, user);
	/* Out of the live set: its pages and fields leave the catalog and the
	 * search index (both are in its package), the record stays with its
	 * events. */
	if (exec2(cat, "UPDATE records SET probable_duplicate_of = NULL WHERE id = ?1"
	    " OR probable_duplicate_of = ?1", id, 0) != 0
	    || exec2(cat, "UPDATE records SET probable_duplicate_of = NULL WHERE"
	    " probable_duplicate_of = ?1", drop, 0) != 0
	    || exec2(cat, "UPDATE records SET state = 'quarantined', reason = 'duplicate',"
	    " duplicate_of = ?2, quarantine_published = 1, quarantine_released = 2 WHERE id = ?1", drop, keep) != 0
	    || exec2(cat, "DELETE FROM pages WHERE record_id = ?1", drop, 0) != 0
	    || exec2(cat, "DELETE FROM fields WHERE record_id = ?1", drop, 0) != 0) {
		rc = db_error(cat, err);
		sohoa_catalog_rollback(cat);
		return rc;
	}
	/* Without pages or fields the search index keeps no row for it. */
	if ((rc = sohoa_search_index_record(cat, drop, err)) != SOHOA_OK) {
		sohoa_catalog_rollback(cat);
		return rc;
	}
	if ((rc = sohoa_catalog_event_add(cat, drop, "duplicate review", AGENT_WEB, "success",
	    detail, err)) != SOHOA_OK) {
		sohoa_catalog_rollback(cat);
		return rc;
	}
	snprintf(detail, sizeof detail, "kept; record %lld dropped as its duplicate by %s",
	    (long long)drop, user);
	if ((rc = sohoa_catalog_event_add(cat, keep, "duplicate review", AGENT_WEB, "success",
	    detail, err)) != SOHOA_OK) {
		sohoa_catalog_rollback(cat);
		return rc;
	}
	return sohoa_catalog_commit(cat, err);
}
