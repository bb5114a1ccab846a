/*
 * backup.c - the second copy of the store (backup_dir) and restoring from
 * it.  The rules are numbered in include/sohoa/backup.h.  Every file is
 * copied by fx_copy_hash(): read once, hashed as it is read, written to a
 * temporary name on the backup disk, fsynced; folders are renamed into place
 * only when everything in them verified.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fixity_int.h"
#include "sohoa/backup.h"
#include "sbuf.h"
#include "sohoa/fsutil.h"
#include "sohoa/spool.h"
#include "sohoa/store.h"
#include "sohoa/tailieu.h"
#include "sohoa/catalog_backup.h"
#include "sohoa/catalog_records.h"
#include "sohoa/clock.h"

/* How long the daemon waits after a failed backup before trying again. */
#define RETRY_SECONDS 60
/* How often the daemon looks for records not yet copied (and copies the
 * catalog, if it changed). */
#define SWEEP_SECONDS 60
/* Records copied per catch-up query, and the time one tick may spend. */
#define SWEEP_BATCH 16
#define TICK_BUDGET_SECONDS 2.0
#define FINISH_BUDGET_SECONDS 3.0

/* ---- small helpers ---------------------------------------------------- */

/* A name for a temporary folder that no other call of this process uses. */
static void
temp_name(char *buf, size_t size, const char *parent, const char *prefix, const char *name)
{
	static unsigned counter;
	snprintf(buf, size, "%s/%s%s.tmp-%d-%u", parent, prefix, name, (int)getpid(), ++counter);
}

static int
is_dir(const char *path)
{
	struct stat sb;
	return lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int
dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int empty = 1;

	if (!d)
		return 1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

/*
 * Puts the complete folder tmp at final (fsutil.h's folder swap): atomically
 * exchanged with an existing final (whose old content is then removed),
 * else renamed.
 */
static sohoa_status
install_dir(const char *tmp, const char *final, sohoa_error *err)
{
	char old[PATH_MAX + 16];

	snprintf(old, sizeof old, "%s.old-%d", tmp, (int)getpid());
	return sohoa_fs_swap_dir(tmp, final, old, err);
}

/*
 * Copies the folder src to dst (which must not exist), recursively when
 * recurse, regular files only (anything else is a problem of the source).
 * Each file's digest goes to verify(), which may refuse it; the manifest,
 * when given, gets "<hex>  <rel_root>/<path>" for each file.
 */
typedef struct tree_copy {
	const char *rel_root;
	sohoa_status (*verify)(struct tree_copy *t, const char *rel, const char *hash,
	    long long size, sohoa_error *err);
	void *arg;
	struct sbuf *manifest;
	long long files, bytes;
	int recurse;
} tree_copy;

static sohoa_status
copy_tree(tree_copy *t, const char *src, const char *dst, const char *rel, sohoa_error *err)
{
	DIR *d;
	struct dirent *de;
	sohoa_status st = SOHOA_OK;

	if (mkdir(dst, 0750) != 0)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "mkdir %s: %s", dst,
		    strerror(errno));
	if (!(d = opendir(src)))
		return sohoa_error_set(err, errno == ENOENT ? SOHOA_BAD_INPUT : SOHOA_RETRY,
		    SOHOA_REASON_NONE, "%s: %s", src, strerror(errno));
	while (st == SOHOA_OK && (de = readdir(d)) != NULL) {
		char s[PATH_MAX], o[PATH_MAX], r[PATH_MAX], hash[SOHOA_HASH_TEXT_MAX];
		struct stat sb;
		long long size = 0;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((size_t)snprintf(s, sizeof s, "%s/%s", src, de->d_name) >= sizeof s
		    || (size_t)snprintf(o, sizeof o, "%s/%s", dst, de->d_name) >= sizeof o
		    || (size_t)snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", de->d_name)
		    >= sizeof r) {
			st = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "%s/%s: path too long", src, de->d_name);
			break;
		}
		if (lstat(s, &sb) != 0) {
			st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s: %s", s,
			    strerror(errno));
			break;
		}
		if (S_ISDIR(sb.st_mode) && t->recurse) {
			st = copy_tree(t, s, o, r, err);
			continue;
		}
		if (!S_ISREG(sb.st_mode)) {
			st = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "%s: không phải tệp thường / not a regular file", s);
			break;
		}
		if ((st = fx_copy_hash(s, o, sb.st_mode & 0777, hash, &size, err)) != SOHOA_OK)
			break;
		t->files++;
		t->bytes += size;
		if (t->manifest)
			sb_printf(t->manifest, "%s  %s/%s\n", strchr(hash, ':') + 1, t->rel_root, r);
		if (t->verify)
			st = t->verify(t, r, hash, size, err);
	}
	closedir(d);
	if (st == SOHOA_OK)
		st = sohoa_fs_sync_dir(dst, err);
	return st;
}

/* ---- the backup folder ------------------------------------------------ */

sohoa_status
sohoa_backup_open_dir(const char *dir, sohoa_catalog *cat, int create,
    char id[SOHOA_BACKUP_ID_MAX], sohoa_error *err)
{
	char marker[PATH_MAX], *text = NULL;
	size_t len = 0;
	static const char *const subdirs[] = { "spool/done", "spool/tmp", "aip", "manifests" };
	sohoa_error e2;

	id[0] = '\0';
	if (!dir || !*dir)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "backup_dir is not set");
	if (!is_dir(dir))
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "thư mục sao lưu %s không có — ổ đĩa sao lưu chưa gắn? / backup folder %s is"
		    " missing (backup disk not mounted?)", dir, dir);
	snprintf(marker, sizeof marker, "%s/%s", dir, FX_BACKUP_MARKER);
	sohoa_error_clear(&e2);
	if (sohoa_fs_read_file(marker, 256, &text, &len, &e2) == SOHOA_OK) {
		size_t n = 0;
		while (n < len && n < SOHOA_BACKUP_ID_MAX - 1
		    && (text[n] == '-' || (text[n] >= '0' && text[n] <= '9')
		    || (text[n] >= 'a' && text[n] <= 'f')))
			n++;
		memcpy(id, text, n);
		id[n] = '\0';
		free(text);
	} else if (access(marker, F_OK) == 0) {
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s", e2.msg);
	} else if (!create) {
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "%s không phải bản sao lưu của sohoa (thiếu %s) / %s is not a sohoa backup"
		    " (no %s): not mounted?", dir, FX_BACKUP_MARKER, dir, FX_BACKUP_MARKER);
	} else {
		long long n = cat ? sohoa_catalog_backup_copies(cat) : 0;
		if (n > 0)
			return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
			    "thư mục sao lưu %s trống dù đã sao lưu %lld hồ sơ — ổ đĩa chưa gắn?"
			    " / backup folder %s has no %s though %lld records were copied to a"
			    " backup: is the disk mounted?  (To start a new copy on an empty disk,"
			    " create an empty %s/%s.)", dir, n, dir, FX_BACKUP_MARKER, n, dir,
			    FX_BACKUP_MARKER);
	}
	if (!id[0]) {
		unsigned char r[16];
		char line[SOHOA_BACKUP_ID_MAX + 1];
		if (!create)
			return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
			    "%s: %s is empty (the daemon has not used this backup yet)", dir,
			    FX_BACKUP_MARKER);
		if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
			return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "getrandom: %s",
			    strerror(errno));
		for (int i = 0; i < 16; i++)
			snprintf(id + 2 * i, 3, "%02x", r[i]);
		snprintf(line, sizeof line, "%s\n", id);
		if (sohoa_fs_write_file(marker, line, strlen(line), 0644, err) != SOHOA_OK) {
			id[0] = '\0';
			return err->status == SOHOA_FATAL ? SOHOA_RETRY : err->status;
		}
	}
	if (!create)
		return SOHOA_OK;
	for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
		char p[PATH_MAX];
		snprintf(p, sizeof p, "%s/%s", dir, subdirs[i]);
		if (sohoa_fs_mkdirs(p, 0750, err) != SOHOA_OK)
			return SOHOA_RETRY;
	}
	return SOHOA_OK;
}

/* Removes what a crash left on the backup disk (rule 5). */
static void
clean_leftovers(const char *dir)
{
	char p[PATH_MAX];
	DIR *d;
	struct dirent *de;

	snprintf(p, sizeof p, "%s/spool/tmp", dir);
	if ((d = opendir(p)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			char q[PATH_MAX * 2];
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			snprintf(q, sizeof q, "%s/%s", p, de->d_name);
			sohoa_fs_remove_tree(q, NULL);
		}
		closedir(d);
	}
	snprintf(p, sizeof p, "%s/aip", dir);
	if ((d = opendir(p)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			char q[PATH_MAX * 2];
			if (de->d_name[0] != '.' || !strstr(de->d_name, ".tmp-"))
				continue;
			snprintf(q, sizeof q, "%s/%s", p, de->d_name);
			sohoa_fs_remove_tree(q, NULL);
		}
		closedir(d);
	}
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			char q[PATH_MAX * 2];
			if (strncmp(de->d_name, FX_BACKUP_CATALOG ".tmp-", sizeof FX_BACKUP_CATALOG + 4))
				continue;
			snprintf(q, sizeof q, "%s/%s", dir, de->d_name);
			unlink(q);
		}
		closedir(d);
	}
}

/* ---- copying one record ------------------------------------------------ */

struct rec {
	char spool_id[SOHOA_SPOOL_ID_MAX];
	char hash[SOHOA_HASH_TEXT_MAX];
	char mets_hash[SOHOA_HASH_TEXT_MAX];
	char package_path[PATH_MAX];
	char doc_id[64];
	int has_package;
};

static int
load_rec(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id, struct rec *r)
{
	sohoa_record_row row;
	int found;

	memset(r, 0, sizeof *r);
	found = sohoa_catalog_record_get(cat, id, &row, NULL) == SOHOA_OK
	    && row.state == SOHOA_STATE_DONE;
	if (found) {
		snprintf(r->spool_id, sizeof r->spool_id, "%s",
		    row.spool_id ? row.spool_id : "(null)");
		if (row.hash)
			snprintf(r->hash, sizeof r->hash, "%s", row.hash);
		/* The catalog keeps the package folder's name (store.h). */
		if (row.package_path && row.package_mets_hash
		    && sohoa_store_package_path(conf, row.package_path, r->package_path,
		    sizeof r->package_path) == 0) {
			snprintf(r->mets_hash, sizeof r->mets_hash, "%s", row.package_mets_hash);
			r->has_package = 1;
		}
		if (row.doc_id)
			snprintf(r->doc_id, sizeof r->doc_id, "%s", row.doc_id);
	}
	sohoa_record_row_release(&row);
	return found ? 0 : -1;
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* What the verify callbacks of a backup copy compare against. */
struct bk_verify {
	const struct rec *r;
	const fx_mets *mets;       /* the source package's METS.xml; NULL: no package */
	int spool;                 /* 1: the spool entry; 0: the package */
};

static sohoa_status
verify_backup_file(tree_copy *t, const char *rel, const char *hash, long long size,
    sohoa_error *err)
{
	struct bk_verify *v = t->arg;
	const fx_mets_file *f = NULL;
	char href[PATH_MAX];

	(void)size;
	if (v->spool) {
		/* The catalog's hash is the scan's, or a document folder's list of
		 * page files (tailieu.h). */
		if ((!strcmp(rel, "original") || !strcmp(rel, SOHOA_TAILIEU_MANIFEST))
		    && v->r->hash[0] && strcmp(hash, v->r->hash))
			return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "%s/%s: SHA-256 khác với danh mục / differs from the catalog"
			    " (%s, expected %s); not copied — run 'sohoa audit'", t->rel_root, rel,
			    hash, v->r->hash);
		if (!strcmp(rel, "document.pdf") && v->mets) {
			snprintf(href, sizeof href, "representations/rep1/data/%s.pdf", v->r->doc_id);
			f = fx_mets_find(v->mets, href);
		}
	} else if (!strcmp(rel, "METS.xml")) {
		if (strcmp(hash, v->r->mets_hash))
			return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "%s/METS.xml: SHA-256 khác với danh mục / differs from the catalog (%s,"
			    " expected %s); not copied — run 'sohoa audit'", v->r->package_path, hash,
			    v->r->mets_hash);
	} else if (v->mets) {
		f = fx_mets_find(v->mets, rel);
	}
	if (f && f->sha256[0] && !fx_hash_equals_hex(hash, f->sha256))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "%s/%s: SHA-256 khác với METS.xml / differs from METS.xml; not copied — run"
		    " 'sohoa audit'", v->spool ? t->rel_root : v->r->package_path, rel);
	return SOHOA_OK;
}

sohoa_status
sohoa_backup_copy_record(const char *dir, const char *backup_id, const sohoa_conf *conf,
    sohoa_catalog *cat, int64_t rid, const char *agent, sohoa_backup_stats *stats,
    sohoa_error *err)
{
	struct rec r;
	fx_mets mets = { 0 };
	struct sbuf man = { 0 };
	struct bk_verify v;
	tree_copy t;
	char src[PATH_MAX], tmp[PATH_MAX], final[PATH_MAX], rel[PATH_MAX], tmp_pkg[PATH_MAX] = "";
	char now[32], detail[PATH_MAX + 128];
	sohoa_status st = SOHOA_OK;
	long long files = 0, bytes = 0;

	if (load_rec(conf, cat, rid, &r) != 0)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "record %lld is not done", (long long)rid);
	memset(&v, 0, sizeof v);
	v.r = &r;
	tmp[0] = '\0';
	if (r.has_package) {
		char mp[PATH_MAX + 16];
		snprintf(mp, sizeof mp, "%s/METS.xml", r.package_path);
		if ((st = fx_mets_read(mp, &mets, err)) != SOHOA_OK)
			goto out;
		v.mets = &mets;
		/* The package first: METS.xml is checked against the catalog
		 * before its checksums are trusted for document.pdf. */
		snprintf(rel, sizeof rel, "aip/%s", base_name(r.package_path));
		memset(&t, 0, sizeof t);
		t.rel_root = rel;
		t.verify = verify_backup_file;
		t.arg = &v;
		t.manifest = &man;
		t.recurse = 1;
		snprintf(final, sizeof final, "%s/aip", dir);
		temp_name(tmp_pkg, sizeof tmp_pkg, final, ".", base_name(r.package_path));
		if ((st = copy_tree(&t, r.package_path, tmp_pkg, "", err)) != SOHOA_OK)
			goto out;
		files += t.files;
		bytes += t.bytes;
	}
	snprintf(src, sizeof src, "%s/spool/done/%s", conf->state_dir, r.spool_id);
	snprintf(rel, sizeof rel, "spool/done/%s", r.spool_id);
	snprintf(final, sizeof final, "%s/spool/tmp", dir);
	temp_name(tmp, sizeof tmp, final, "", r.spool_id);
	memset(&t, 0, sizeof t);
	v.spool = 1;
	t.rel_root = rel;
	t.verify = verify_backup_file;
	t.arg = &v;
	t.manifest = &man;
	if ((st = copy_tree(&t, src, tmp, "", err)) != SOHOA_OK)
		goto out;
	files += t.files;
	bytes += t.bytes;
	if (man.oom) {
		st = sohoa_error_oom(err);
		goto out;
	}
	/* Everything verified and durable under temporary names: into place. */
	snprintf(final, sizeof final, "%s/spool/done/%s", dir, r.spool_id);
	if ((st = install_dir(tmp, final, err)) != SOHOA_OK)
		goto out;
	tmp[0] = '\0';
	if (r.has_package) {
		snprintf(final, sizeof final, "%s/aip/%s", dir, base_name(r.package_path));
		if ((st = install_dir(tmp_pkg, final, err)) != SOHOA_OK)
			goto out;
		tmp_pkg[0] = '\0';
	}
	snprintf(final, sizeof final, "%s/manifests/%s.sha256", dir, r.spool_id);
	if ((st = sohoa_fs_write_file(final, man.p ? man.p : "", man.len, 0640, err)) != SOHOA_OK)
		goto out;
	/* Rule 3: the catalog hears of it last. */
	sohoa_now_iso(now);
	snprintf(detail, sizeof detail, "copied to %s (%lld files, %lld bytes, SHA-256 verified)",
	    dir, files, bytes);
	if ((st = sohoa_catalog_begin(cat, err)) != SOHOA_OK)
		goto out;
	st = sohoa_catalog_backup_copy_set(cat, rid, backup_id, r.has_package ? r.mets_hash : NULL,
	    files, bytes, now, err);
	if (st == SOHOA_OK)
		st = sohoa_catalog_event_add(cat, rid, "replication", agent ? agent : "sohoa",
		    "success", detail, err);
	if (st == SOHOA_OK)
		st = sohoa_catalog_commit(cat, err);
	if (st != SOHOA_OK)
		sohoa_catalog_rollback(cat);
	if (stats) {
		stats->files = files;
		stats->bytes = bytes;
	}
out:
	if (tmp[0])
		sohoa_fs_remove_tree(tmp, NULL);
	if (tmp_pkg[0])
		sohoa_fs_remove_tree(tmp_pkg, NULL);
	fx_mets_release(&mets);
	free(man.p);
	if (st == SOHOA_BAD_INPUT) {
		/* The package may have been rewritten (sohoa edit) while it was
		 * being copied: that is no damage, just try again later. */
		struct rec again;
		if (load_rec(conf, cat, rid, &again) == 0 && strcmp(again.mets_hash, r.mets_hash)) {
			sohoa_error_clear(err);
			st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
			    "record %lld: package rewritten while it was copied", (long long)rid);
		}
	}
	return st;
}

/* ---- the catalog copy --------------------------------------------------- */

sohoa_status
sohoa_backup_copy_catalog(const char *dir, sohoa_catalog *cat, sohoa_error *err)
{
	char final[PATH_MAX];
	sohoa_fs_tmp t;
	sohoa_status st;

	snprintf(final, sizeof final, "%s/%s", dir, FX_BACKUP_CATALOG);
	/* The copy is written by SQLite by the temp's name (catalog.db.tmp-*,
	 * which rule 5's clean-up knows); fsync, rename, fsync of dir. */
	if ((st = sohoa_fs_tmp_open(&t, final, 0644, SOHOA_FS_BYNAME, err)) != SOHOA_OK)
		return st;
	/* One self-contained file, readable from read-only media. */
	if ((st = sohoa_catalog_copy_into(cat, t.tmp, 1, err)) != SOHOA_OK) {
		sohoa_fs_tmp_abort(&t);
		return st;
	}
	return sohoa_fs_tmp_commit(&t, err);
}

/* ---- what is waiting ----------------------------------------------------- */

long long
sohoa_backup_pending(sohoa_catalog *cat, const char *backup_id)
{
	return sohoa_catalog_backup_pending_count(cat, backup_id);
}

/* ---- the daemon's driver -------------------------------------------------- */

struct sohoa_backup {
	char agent[64];
	char dir[PATH_MAX];        /* the backup_dir the state below is about */
	char id[SOHOA_BACKUP_ID_MAX];
	int opened;                /* dir checked and cleaned in this process */
	int failing;               /* in an outage (logged once per reason) */
	char last_msg[512];        /* the outage's reason, as last logged */
	time_t next_try;           /* after a failure */
	time_t next_sweep;
	int64_t cursor;            /* catch-up position (record id) */
	int behind;                /* records may be waiting */
	double last_catalog;       /* monotonic time of the last catalog copy; 0: none */
	double catalog_interval;   /* seconds between copies: SWEEP_SECONDS, or 50 times
	                              what the last copy took (a large catalog) */
	long long fp_changes;      /* catalog fingerprint at the last copy */
	int fp_version;
	int64_t *skip;             /* records whose store copy is damaged: not retried */
	size_t nskip, capskip;
};

static void
blog(sohoa_log_fn *log, void *arg, int level, int64_t id, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void
blog(sohoa_log_fn *log, void *arg, int level, int64_t id, const char *fmt, ...)
{
	char msg[1200];
	va_list ap;

	if (!log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log(arg, level, id, msg);
}

sohoa_backup *
sohoa_backup_new(const char *agent)
{
	sohoa_backup *b = calloc(1, sizeof *b);
	if (b)
		snprintf(b->agent, sizeof b->agent, "%s", agent ? agent : "sohoa");
	return b;
}

void
sohoa_backup_free(sohoa_backup *b)
{
	if (!b)
		return;
	free(b->skip);
	free(b);
}

static int
skipped(const sohoa_backup *b, int64_t id)
{
	for (size_t i = 0; i < b->nskip; i++)
		if (b->skip[i] == id)
			return 1;
	return 0;
}

static void
add_skip(sohoa_backup *b, int64_t id)
{
	if (b->nskip == b->capskip) {
		size_t cap = b->capskip ? b->capskip * 2 : 16;
		int64_t *n = realloc(b->skip, cap * sizeof *n);
		if (!n)
			return;
		b->skip = n;
		b->capskip = cap;
	}
	b->skip[b->nskip++] = id;
}

static void
outage(sohoa_backup *b, time_t now, const char *msg, sohoa_log_fn *log, void *arg)
{
	if (!b->failing || strncmp(b->last_msg, msg, sizeof b->last_msg - 1))
		blog(log, arg, SOHOA_LOG_ERR, 0, "sao lưu thất bại, thử lại sau %d giây / backup"
		    " failed, retrying every %d s (ingestion goes on): %s", RETRY_SECONDS,
		    RETRY_SECONDS, msg);
	snprintf(b->last_msg, sizeof b->last_msg, "%s", msg);
	b->failing = 1;
	b->behind = 1;
	b->next_try = now + RETRY_SECONDS;
	b->opened = 0;   /* the disk may come back as another one */
}

/* 0 when the backup folder is usable now. */
static int
ready(sohoa_backup *b, const sohoa_conf *conf, sohoa_catalog *cat, time_t now,
    sohoa_log_fn *log, void *arg)
{
	sohoa_error err;
	char id[SOHOA_BACKUP_ID_MAX];

	if (strcmp(b->dir, conf->backup_dir)) {
		/* First use, or another backup_dir after a reload. */
		snprintf(b->dir, sizeof b->dir, "%s", conf->backup_dir);
		b->opened = 0;
		b->failing = 0;
		b->next_try = 0;
		b->next_sweep = 0;
		b->cursor = 0;
		b->behind = 1;
		b->last_catalog = 0;
		b->nskip = 0;
	}
	if (b->opened)
		return 0;
	if (now < b->next_try)
		return -1;
	sohoa_error_clear(&err);
	if (sohoa_backup_open_dir(conf->backup_dir, cat, 1, id, &err) != SOHOA_OK) {
		outage(b, now, err.msg, log, arg);
		return -1;
	}
	if (b->failing)
		blog(log, arg, SOHOA_LOG_INFO, 0, "sao lưu hoạt động trở lại / backup folder %s is"
		    " back; catching up", conf->backup_dir);
	if (strcmp(id, b->id)) {
		snprintf(b->id, sizeof b->id, "%s", id);
		b->last_catalog = 0;
	}
	clean_leftovers(conf->backup_dir);
	b->opened = 1;
	b->failing = 0;
	b->next_sweep = 0;
	b->cursor = 0;
	return 0;
}

/* Copies one record; 0 on success or a damaged record (skipped), -1 when
 * the backup failed (outage). */
static int
copy_one(sohoa_backup *b, const sohoa_conf *conf, sohoa_catalog *cat, int64_t id,
    time_t now, sohoa_log_fn *log, void *arg)
{
	sohoa_error err;
	sohoa_backup_stats stats = { 0, 0 };
	sohoa_status st;
	double t0 = sohoa_mono_s();

	sohoa_error_clear(&err);
	st = sohoa_backup_copy_record(conf->backup_dir, b->id, conf, cat, id, b->agent, &stats,
	    &err);
	if (st == SOHOA_OK) {
		blog(log, arg, SOHOA_LOG_DEBUG, id, "record %lld copied to the backup (%lld files,"
		    " %lld bytes) in %.3f s", (long long)id, stats.files, stats.bytes,
		    sohoa_mono_s() - t0);
		return 0;
	}
	if (st == SOHOA_BAD_INPUT) {
		blog(log, arg, SOHOA_LOG_ERR, id, "hồ sơ %lld không được sao lưu vì bản lưu trữ"
		    " bị hỏng / record %lld not copied to the backup, its stored files are"
		    " damaged: %s", (long long)id, (long long)id, err.msg);
		add_skip(b, id);
		return 0;
	}
	outage(b, now, err.msg, log, arg);
	return -1;
}

void
sohoa_backup_record_done(sohoa_backup *b, const sohoa_conf *conf, sohoa_catalog *cat,
    int64_t id, sohoa_log_fn *log, void *log_arg)
{
	time_t now = time(NULL);

	if (!b || !conf->backup_dir[0])
		return;
	if (ready(b, conf, cat, now, log, log_arg) != 0)
		return;   /* caught up when the folder is back */
	copy_one(b, conf, cat, id, now, log, log_arg);
}

/* Copies records not yet in the backup until none is left or the time
 * budget is spent.  1: a full pass ended with nothing left; 0: more to do;
 * -1: outage. */
static int
sweep(sohoa_backup *b, const sohoa_conf *conf, sohoa_catalog *cat, time_t now,
    double budget, sohoa_log_fn *log, void *arg)
{
	double start = sohoa_mono_s();
	long long copied = 0;

	for (;;) {
		int64_t ids[SWEEP_BATCH];
		int n = sohoa_catalog_backup_pending_ids(cat, b->id, b->cursor, ids, SWEEP_BATCH);

		for (int i = 0; i < n; i++) {
			b->cursor = ids[i];
			if (skipped(b, ids[i]))
				continue;
			if (copy_one(b, conf, cat, ids[i], now, log, arg) != 0)
				return -1;
			copied++;
			if (sohoa_mono_s() - start > budget) {
				if (copied)
					blog(log, arg, SOHOA_LOG_INFO, 0, "backup: %lld record(s) caught up,"
					    " more waiting", copied);
				return 0;
			}
		}
		if (n < SWEEP_BATCH) {
			b->cursor = 0;
			if (copied)
				blog(log, arg, SOHOA_LOG_INFO, 0, "backup: %lld record(s) caught up",
				    copied);
			return 1;
		}
	}
}

/* Rule 4: the catalog copy, when nothing waits and the catalog changed. */
static void
maybe_copy_catalog(sohoa_backup *b, const sohoa_conf *conf, sohoa_catalog *cat, int force,
    time_t now, sohoa_log_fn *log, void *arg)
{
	long long changes, pending;
	int version;
	sohoa_error err;
	double t0;

	if (!force && b->last_catalog > 0 && sohoa_mono_s() - b->last_catalog < b->catalog_interval)
		return;
	sohoa_catalog_fingerprint(cat, &changes, &version);
	if (b->last_catalog > 0 && changes == b->fp_changes && version == b->fp_version)
		return;
	pending = sohoa_backup_pending(cat, b->id);
	if (pending < 0 || pending > (long long)b->nskip) {
		b->behind = 1;
		return;
	}
	sohoa_error_clear(&err);
	t0 = sohoa_mono_s();
	if (sohoa_backup_copy_catalog(conf->backup_dir, cat, &err) != SOHOA_OK) {
		outage(b, now, err.msg, log, arg);
		return;
	}
	b->last_catalog = sohoa_mono_s();
	/* A copy holds the loop for its duration: at most 2% of the time. */
	b->catalog_interval = 50 * (b->last_catalog - t0);
	if (b->catalog_interval < SWEEP_SECONDS)
		b->catalog_interval = SWEEP_SECONDS;
	/* Our own reads changed nothing; the next fingerprint is taken after
	 * this copy. */
	sohoa_catalog_fingerprint(cat, &b->fp_changes, &b->fp_version);
	blog(log, arg, SOHOA_LOG_DEBUG, 0, "catalog copied to %s/%s in %.3f s", conf->backup_dir,
	    FX_BACKUP_CATALOG, b->last_catalog - t0);
}

void
sohoa_backup_tick(sohoa_backup *b, const sohoa_conf *conf, sohoa_catalog *cat, time_t now,
    sohoa_log_fn *log, void *log_arg)
{
	if (!b || !conf->backup_dir[0])
		return;
	if (ready(b, conf, cat, now, log, log_arg) != 0)
		return;
	if (now >= b->next_sweep) {
		int r = sweep(b, conf, cat, now, TICK_BUDGET_SECONDS, log, log_arg);
		if (r < 0)
			return;
		if (r > 0) {
			b->behind = 0;
			b->next_sweep = now + SWEEP_SECONDS;
		}
	}
	if (!b->behind)
		maybe_copy_catalog(b, conf, cat, 0, now, log, log_arg);
}

void
sohoa_backup_finish(sohoa_backup *b, const sohoa_conf *conf, sohoa_catalog *cat,
    sohoa_log_fn *log, void *log_arg)
{
	time_t now = time(NULL);

	if (!b || !conf->backup_dir[0])
		return;
	b->next_try = 0;   /* one last try, even in an outage */
	if (ready(b, conf, cat, now, log, log_arg) != 0)
		return;
	b->cursor = 0;
	if (sweep(b, conf, cat, now, FINISH_BUDGET_SECONDS, log, log_arg) > 0)
		maybe_copy_catalog(b, conf, cat, 1, now, log, log_arg);
	else
		blog(log, log_arg, SOHOA_LOG_WARNING, 0, "backup: records still waiting at"
		    " shutdown; the catalog copy in %s is older (caught up at the next start)",
		    conf->backup_dir);
}

/* ---- restore ------------------------------------------------------------ */

void
sohoa_restore_report_init(sohoa_restore_report *rep)
{
	memset(rep, 0, sizeof *rep);
}

void
sohoa_restore_report_release(sohoa_restore_report *rep)
{
	if (!rep)
		return;
	free(rep->problems);
	memset(rep, 0, sizeof *rep);
}

static void rproblem(sohoa_restore_report *rep, int64_t id, const char *file,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void
rproblem(sohoa_restore_report *rep, int64_t id, const char *file, const char *fmt, ...)
{
	sohoa_restore_problem *p = realloc(rep->problems,
	    (size_t)(rep->nproblems + 1) * sizeof *p);
	va_list ap;

	if (!p)
		return;
	rep->problems = p;
	p += rep->nproblems++;
	p->record_id = id;
	snprintf(p->file, sizeof p->file, "%s", file);
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof p->msg, fmt, ap);
	va_end(ap);
}

/* Every file the manifest lists under rel/ must have come. */
static void
missing_from_backup(sohoa_restore_report *rep, int64_t id, const fx_manifest *man,
    const char *rel)
{
	size_t n = strlen(rel);

	for (int i = 0; i < man->n; i++)
		if (!man->seen[i] && !strncmp(man->path[i], rel, n) && man->path[i][n] == '/')
			rproblem(rep, id, man->path[i], "thiếu tệp / missing from the backup");
}

struct rs_verify {
	sohoa_restore_report *rep;
	fx_manifest *man;
	int64_t id;
	const char *catalog_hash;  /* for spool/done/<sid>/original */
	const char *mets_hash;     /* for aip/<name>/METS.xml */
	char pdf_hash[SOHOA_HASH_TEXT_MAX];
	int bad;
};

static sohoa_status
verify_restore_file(tree_copy *t, const char *rel, const char *hash, long long size,
    sohoa_error *err)
{
	struct rs_verify *v = t->arg;
	char path[PATH_MAX];
	int i;

	(void)size;
	(void)err;
	snprintf(path, sizeof path, "%s/%s", t->rel_root, rel);
	if ((i = fx_manifest_find(v->man, path)) < 0) {
		rproblem(v->rep, v->id, path, "không có trong bản kê / not in the backup manifest");
		v->bad = 1;
		return SOHOA_OK;
	}
	v->man->seen[i] = 1;
	if (!fx_hash_equals_hex(hash, v->man->hex[i])) {
		rproblem(v->rep, v->id, path, "SHA-256 khác với bản kê / differs from the backup"
		    " manifest (%s, expected %s)", hash, v->man->hex[i]);
		v->bad = 1;
	}
	if (v->catalog_hash && (!strcmp(rel, "original") || !strcmp(rel, SOHOA_TAILIEU_MANIFEST))
	    && v->catalog_hash[0]
	    && strcmp(hash, v->catalog_hash)) {
		rproblem(v->rep, v->id, path, "SHA-256 khác với danh mục / differs from the catalog"
		    " (%s, expected %s)", hash, v->catalog_hash);
		v->bad = 1;
	}
	if (v->catalog_hash && !strcmp(rel, "document.pdf"))
		snprintf(v->pdf_hash, sizeof v->pdf_hash, "%s", hash);
	if (v->mets_hash && !strcmp(rel, "METS.xml") && strcmp(hash, v->mets_hash)) {
		rproblem(v->rep, v->id, path, "SHA-256 khác với danh mục / differs from the catalog"
		    " (%s, expected %s)", hash, v->mets_hash);
		v->bad = 1;
	}
	return SOHOA_OK;
}

/* Whether the target holds anything a restore would overwrite. */
static int
target_empty(const char *state_dir, const char *package_dir)
{
	char p[PATH_MAX];

	if (!sohoa_catalog_path(state_dir, p, sizeof p) || access(p, F_OK) == 0)
		return 0;
	for (int s = 0; s < SOHOA_STATE_COUNT; s++) {
		snprintf(p, sizeof p, "%s/spool/%s", state_dir, sohoa_state_dir(s));
		if (!dir_is_empty(p))
			return 0;
	}
	return dir_is_empty(package_dir);
}

/* A restore stops at any failure: nothing to wait for. */
static sohoa_status
aside_failed(sohoa_error *err)
{
	if (err)
		err->status = SOHOA_FATAL;
	return SOHOA_FATAL;
}

/* With force: the old content goes aside, nothing is deleted.  Each move
 * is sohoa_fs_rename(): both folders fsynced. */
static sohoa_status
move_aside(const char *state_dir, const char *package_dir, sohoa_restore_report *rep,
    sohoa_error *err)
{
	static const char *const cat_files[] = { "catalog.db", "catalog.db-wal", "catalog.db-shm" };
	char aside[PATH_MAX], from[PATH_MAX], to[PATH_MAX * 2], ts[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t n = strlen(state_dir);

	localtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y%m%dT%H%M%S", &tm);
	snprintf(aside, sizeof aside, "%s/before-restore-%s", state_dir, ts);
	snprintf(to, sizeof to, "%s/spool", aside);
	if (sohoa_fs_mkdirs(to, 0750, err) != SOHOA_OK)
		return err->status;
	snprintf(rep->moved_aside, sizeof rep->moved_aside, "%s", aside);
	for (size_t i = 0; i < sizeof cat_files / sizeof cat_files[0]; i++) {
		snprintf(from, sizeof from, "%s/%s", state_dir, cat_files[i]);
		snprintf(to, sizeof to, "%s/%s", aside, cat_files[i]);
		if (access(from, F_OK) == 0 && sohoa_fs_rename(from, to, err) != SOHOA_OK)
			return aside_failed(err);
	}
	for (int s = 0; s < SOHOA_STATE_COUNT; s++) {
		snprintf(from, sizeof from, "%s/spool/%s", state_dir, sohoa_state_dir(s));
		snprintf(to, sizeof to, "%s/spool/%s", aside, sohoa_state_dir(s));
		if (is_dir(from) && !dir_is_empty(from)) {
			if (sohoa_fs_rename(from, to, err) != SOHOA_OK)
				return aside_failed(err);
			if (mkdir(from, 0750) != 0)
				return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
				    "mkdir %s: %s", from, strerror(errno));
		}
	}
	if (is_dir(package_dir) && !dir_is_empty(package_dir)) {
		if (!strncmp(package_dir, state_dir, n) && package_dir[n] == '/')
			snprintf(to, sizeof to, "%s/%s", aside, base_name(package_dir));
		else
			snprintf(to, sizeof to, "%s.before-restore-%s", package_dir, ts);
		if (sohoa_fs_rename(package_dir, to, err) != SOHOA_OK)
			return aside_failed(err);
		if (mkdir(package_dir, 0750) != 0)
			return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "mkdir %s: %s",
			    package_dir, strerror(errno));
	}
	return sohoa_fs_sync_dir(state_dir, err);
}

/* Restores one spool entry (all its files, or only original and envelope
 * into incoming/ when requeue) and, for a done record, its package.
 * 1: restored and verified; 0: restored, with problems (in rep); -1: not
 * restored. */
static int
restore_entry(const sohoa_restore_options *o, sohoa_restore_report *rep, int64_t id,
    const char *sid, const char *hash, const char *package_path, const char *mets_hash,
    const char *doc_id, int requeue)
{
	fx_manifest man;
	struct rs_verify v;
	tree_copy t;
	char src[PATH_MAX], tmp[PATH_MAX], final[PATH_MAX], rel[PATH_MAX], mp[PATH_MAX];
	char tmp_pkg[PATH_MAX] = "", dir[PATH_MAX];
	sohoa_error err;
	int problems_before = rep->nproblems;

	snprintf(mp, sizeof mp, "%s/manifests/%s.sha256", o->from, sid);
	if (fx_manifest_load(mp, &man) != 0) {
		snprintf(rel, sizeof rel, "manifests/%s.sha256", sid);
		rproblem(rep, id, rel, "hồ sơ không có trong bản sao lưu / the record is not in the"
		    " backup");
		rep->not_in_backup++;
		return -1;
	}
	memset(&v, 0, sizeof v);
	v.rep = rep;
	v.man = &man;
	v.id = id;
	sohoa_error_clear(&err);
	/* The spool entry. */
	snprintf(src, sizeof src, "%s/spool/done/%s", o->from, sid);
	snprintf(rel, sizeof rel, "spool/done/%s", sid);
	snprintf(dir, sizeof dir, "%s/spool/tmp", o->state_dir);
	temp_name(tmp, sizeof tmp, dir, "", sid);
	memset(&t, 0, sizeof t);
	t.rel_root = rel;
	t.verify = verify_restore_file;
	t.arg = &v;
	v.catalog_hash = hash ? hash : "";
	if (requeue) {
		/* Only what pickup made: the daemon does the rest again.  That is
		 * the scan, or a document folder's page files and their list. */
		int nparts = sohoa_tailieu_parts_in(src), nkeep = nparts ? nparts + 2 : 2;
		if (mkdir(tmp, 0750) != 0) {
			rproblem(rep, id, tmp, "mkdir: %s", strerror(errno));
			goto fail;
		}
		for (int i = 0; i < nkeep; i++) {
			char s[PATH_MAX * 2], d[PATH_MAX * 2], h[SOHOA_HASH_TEXT_MAX], keep[32];
			long long size = 0;
			if (i == nkeep - 1)
				snprintf(keep, sizeof keep, "envelope");
			else if (!nparts)
				snprintf(keep, sizeof keep, "original");
			else if (i == 0)
				snprintf(keep, sizeof keep, "%s", SOHOA_TAILIEU_MANIFEST);
			else
				snprintf(keep, sizeof keep, "original.%03d", i);
			snprintf(s, sizeof s, "%s/%s", src, keep);
			snprintf(d, sizeof d, "%s/%s", tmp, keep);
			if (fx_copy_hash(s, d, 0640, h, &size, &err) != SOHOA_OK) {
				rproblem(rep, id, s, "%s", err.msg);
				goto fail;
			}
			rep->files++;
			rep->bytes += size;
			verify_restore_file(&t, keep, h, size, &err);
		}
		if (sohoa_fs_sync_dir(tmp, &err) != SOHOA_OK) {
			rproblem(rep, id, tmp, "%s", err.msg);
			goto fail;
		}
		snprintf(final, sizeof final, "%s/spool/incoming/%s", o->state_dir, sid);
	} else {
		if (copy_tree(&t, src, tmp, "", &err) != SOHOA_OK) {
			rproblem(rep, id, src, "%s", err.msg);
			goto fail;
		}
		rep->files += t.files;
		rep->bytes += t.bytes;
		/* Every file the manifest lists for the entry must have come. */
		missing_from_backup(rep, id, &man, rel);
		snprintf(final, sizeof final, "%s/spool/done/%s", o->state_dir, sid);
	}
	if (install_dir(tmp, final, &err) != SOHOA_OK) {
		rproblem(rep, id, final, "%s", err.msg);
		goto fail;
	}
	tmp[0] = '\0';
	/* The package. */
	if (!requeue && package_path && *package_path) {
		const char *name = base_name(package_path);
		snprintf(src, sizeof src, "%s/aip/%s", o->from, name);
		snprintf(rel, sizeof rel, "aip/%s", name);
		temp_name(tmp_pkg, sizeof tmp_pkg, o->package_dir, ".", name);
		memset(&t, 0, sizeof t);
		t.rel_root = rel;
		t.verify = verify_restore_file;
		t.arg = &v;
		t.recurse = 1;
		v.catalog_hash = NULL;
		v.mets_hash = mets_hash;
		if (copy_tree(&t, src, tmp_pkg, "", &err) != SOHOA_OK) {
			rproblem(rep, id, src, "%s", err.msg);
			goto fail;
		}
		rep->files += t.files;
		rep->bytes += t.bytes;
		missing_from_backup(rep, id, &man, rel);
		/* document.pdf of the entry against the package's METS.xml. */
		if (v.pdf_hash[0] && doc_id) {
			fx_mets mets;
			char href[PATH_MAX];
			snprintf(mp, sizeof mp, "%s/METS.xml", tmp_pkg);
			if (fx_mets_read(mp, &mets, &err) == SOHOA_OK) {
				const fx_mets_file *f;
				snprintf(href, sizeof href, "representations/rep1/data/%s.pdf", doc_id);
				if ((f = fx_mets_find(&mets, href)) && f->sha256[0]
				    && !fx_hash_equals_hex(v.pdf_hash, f->sha256)) {
					snprintf(rel, sizeof rel, "spool/done/%s/document.pdf", sid);
					rproblem(rep, id, rel, "SHA-256 khác với METS.xml / differs from"
					    " METS.xml");
				}
				fx_mets_release(&mets);
			}
		}
		snprintf(final, sizeof final, "%s/%s", o->package_dir, name);
		if (install_dir(tmp_pkg, final, &err) != SOHOA_OK) {
			rproblem(rep, id, final, "%s", err.msg);
			goto fail;
		}
		tmp_pkg[0] = '\0';
	}
	fx_manifest_release(&man);
	return rep->nproblems > problems_before ? 0 : 1;
fail:
	if (tmp[0])
		sohoa_fs_remove_tree(tmp, NULL);
	if (tmp_pkg[0])
		sohoa_fs_remove_tree(tmp_pkg, NULL);
	fx_manifest_release(&man);
	return -1;
}

/* The catalog: a copy through the backup API, fsynced, renamed, then
 * opened (migrations) and given its store's marker. */
static sohoa_status
restore_catalog(const sohoa_restore_options *o, sohoa_catalog *src, sohoa_error *err)
{
	char final[PATH_MAX];
	sohoa_catalog *cat;
	sohoa_fs_tmp t;
	sohoa_status st;

	if (!sohoa_catalog_path(o->state_dir, final, sizeof final))
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "đường dẫn danh mục quá dài — the catalog's path is too long");
	/* Written by SQLite by the temp's name; fsync, rename, fsync. */
	if ((st = sohoa_fs_tmp_open(&t, final, 0644, SOHOA_FS_BYNAME, err)) == SOHOA_OK) {
		if ((st = sohoa_catalog_copy_into(src, t.tmp, 0, err)) == SOHOA_OK)
			st = sohoa_fs_tmp_commit(&t, err);
		sohoa_fs_tmp_abort(&t);          /* after a commit: nothing */
	}
	if (st != SOHOA_OK) {
		/* Nothing to wait for in a restore: it stops. */
		if (err)
			err->status = SOHOA_FATAL;
		return SOHOA_FATAL;
	}
	if (!(cat = sohoa_catalog_open(final, err)))
		return err->status;
	/* The catalog keeps package folders by name (store.h): nothing to
	 * repoint.  The rebuilt store is the same store: it takes the
	 * catalog's identity, and the folder it now lives in. */
	st = sohoa_store_check(o->state_dir, cat, SOHOA_STORE_UPDATE | SOHOA_STORE_ADOPT, NULL, 0,
	    err);
	sohoa_catalog_free(cat);
	return st;
}

/* One record of the backup's catalog brought back (sohoa_restore). */
struct restore_walk {
	const sohoa_restore_options *o;
	sohoa_restore_report *rep;
	long long done, total;
};

static int
restore_one(void *ctx, const sohoa_restore_row *r)
{
	struct restore_walk *w = ctx;
	const sohoa_restore_options *o = w->o;
	sohoa_restore_report *rep = w->rep;
	int is_done = r->state == SOHOA_STATE_DONE;
	char entry[PATH_MAX];

	snprintf(entry, sizeof entry, "%s/spool/done/%s", o->from, r->spool_id);
	if (!is_done && !is_dir(entry)) {
		/* Waiting for OCR when the catalog was copied: its scan
		 * never reached the backup. */
		rproblem(rep, r->id, r->spool_id, "chưa nhận dạng xong khi sao lưu danh mục, bản quét"
		    " không có trong bản sao lưu / was waiting for OCR when the catalog was"
		    " copied; its scan is not in the backup");
		rep->not_in_backup++;
	} else if (restore_entry(o, rep, r->id, r->spool_id, r->hash, r->package_path,
	    r->package_mets_hash, r->doc_id, !is_done) >= 0) {
		if (is_done)
			rep->records++;
		else
			rep->requeued++;
	}
	if (o->progress)
		o->progress(o->progress_arg, ++w->done, w->total);
	return 0;
}

sohoa_status
sohoa_restore(const sohoa_restore_options *o, sohoa_restore_report *rep, sohoa_error *err)
{
	char path[PATH_MAX];
	sohoa_catalog *src = NULL;
	struct restore_walk w;
	sohoa_spool *sp = NULL;
	sohoa_status rc = SOHOA_OK;
	double t0 = sohoa_mono_s();
	DIR *d;
	struct dirent *de;

	/* The backup must be one. */
	snprintf(path, sizeof path, "%s/%s", o->from, FX_BACKUP_MARKER);
	if (access(path, F_OK) != 0)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "%s không phải bản sao lưu của sohoa (thiếu %s) / %s is not a sohoa backup"
		    " (no %s)", o->from, FX_BACKUP_MARKER, o->from, FX_BACKUP_MARKER);
	snprintf(path, sizeof path, "%s/%s", o->from, FX_BACKUP_CATALOG);
	if (access(path, R_OK) != 0)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "bản sao lưu chưa có danh mục / the backup has no catalog copy (%s: %s)", path,
		    strerror(errno));
	if (!(src = sohoa_catalog_open_copy(path, err))) {
		rc = SOHOA_FATAL;
		goto out;
	}
	/* The target: ours alone (the spool lock), and empty. */
	if (sohoa_fs_mkdirs(o->state_dir, 0750, err) != SOHOA_OK) {
		rc = err->status;
		goto out;
	}
	if (!(sp = sohoa_spool_open(o->state_dir, err))) {
		rc = err->status;
		goto out;
	}
	if ((rc = sohoa_spool_lock(sp, err)) != SOHOA_OK)
		goto out;
	if (!target_empty(o->state_dir, o->package_dir)) {
		if (!o->force) {
			rep->not_empty = 1;
			rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "%s không trống: thêm --force để chuyển dữ liệu cũ sang một bên / %s is"
			    " not empty: add --force to move its content aside", o->state_dir,
			    o->state_dir);
			goto out;
		}
		if ((rc = move_aside(o->state_dir, o->package_dir, rep, err)) != SOHOA_OK)
			goto out;
	}
	if (sohoa_fs_mkdirs(o->package_dir, 0750, err) != SOHOA_OK) {
		rc = err->status;
		goto out;
	}
	w.o = o;
	w.rep = rep;
	w.done = 0;
	w.total = sohoa_catalog_restorable_count(src);
	if ((rc = sohoa_catalog_restorable_each(src, restore_one, &w, err)) != SOHOA_OK)
		goto out;
	/* Entries copied after the catalog: OCRed again by the daemon. */
	snprintf(path, sizeof path, "%s/spool/done", o->from);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.' || sohoa_catalog_has_spool(src, de->d_name))
				continue;
			if (restore_entry(o, rep, 0, de->d_name, NULL, NULL, NULL, NULL, 1) >= 0)
				rep->requeued++;
		}
		closedir(d);
	}
	/* Last, the catalog (a crash before leaves no catalog: not mistaken
	 * for a finished restore). */
	if ((rc = restore_catalog(o, src, err)) != SOHOA_OK)
		goto out;
	rc = rep->nproblems ? SOHOA_BAD_INPUT : SOHOA_OK;
	if (rc != SOHOA_OK)
		sohoa_error_set(err, rc, SOHOA_REASON_NONE, "%d problem(s) during restore",
		    rep->nproblems);
out:
	rep->seconds = sohoa_mono_s() - t0;
	sohoa_catalog_free(src);
	sohoa_spool_free(sp);
	return rc;
}
