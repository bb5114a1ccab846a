/*
 * audit.c - the fixity audit (audit.h): every stored file of the chosen
 * records read again, its SHA-256 compared with the catalog and METS.xml,
 * a "fixity check" event per record.  The package is checked by
 * sohoa_package_check(), the one place that knows how to read a package.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fixity_int.h"
#include "sohoa/audit.h"
#include "sohoa/backup.h"
#include "sohoa/package.h"
#include "sohoa/store.h"
#include "sohoa/tailieu.h"
#include "sohoa/catalog_backup.h"
#include "sohoa/catalog_records.h"
#include "sohoa/clock.h"

/* Events are committed in batches (a transaction per event would be one
 * fsync per record). */
#define EVENT_BATCH 200
#define EVENT_BATCH_SECONDS 2.0

void
sohoa_audit_report_init(sohoa_audit_report *rep)
{
	memset(rep, 0, sizeof *rep);
}

void
sohoa_audit_report_release(sohoa_audit_report *rep)
{
	if (!rep)
		return;
	free(rep->problems);
	memset(rep, 0, sizeof *rep);
}

/* ---- --since ------------------------------------------------------------ */

sohoa_status
sohoa_audit_parse_since(const char *text, long long now, char out[32], sohoa_error *err)
{
	long long n = 0, t;
	char unit = 0, z = 0;
	int y, mo, d, h = 0, mi = 0, s = 0, used = 0;
	struct tm tm;

	if (text && sscanf(text, "%lld%c%n", &n, &unit, &used) == 2 && !text[used] && n >= 0
	    && strchr("smhdw", unit)) {
		long long mul = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600
		    : unit == 'd' ? 86400 : 7 * 86400;
		if (n > 100LL * 366 * 86400 / mul)
			return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "--since %s: quá xa / too far back", text);
		t = now - n * mul;
	} else if (text && ((used = 0, sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &used) == 3
	    && !text[used])
	    || (used = 0, sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s,
	    &used) == 6 && (!text[used] || (text[used] == 'Z' && !text[used + 1] && (z = 1)))))
	    && y >= 1970 && y < 3000 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24
	    && mi < 60 && s < 61) {
		memset(&tm, 0, sizeof tm);
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = s;
		tm.tm_isdst = -1;
		t = z ? (long long)timegm(&tm) : (long long)mktime(&tm);
	} else {
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "--since \"%s\": viết một khoảng (7d, 12h, 2w) hoặc một ngày (2025-07-01) /"
		    " give a duration (7d, 12h, 2w) or a date (2025-07-01)", text ? text : "");
	}
	{
		time_t tt = (time_t)t;
		gmtime_r(&tt, &tm);
		snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	}
	return SOHOA_OK;
}

/* ---- one record ----------------------------------------------------------- */

struct audit {
	const sohoa_conf *conf;
	sohoa_catalog *cat;
	const struct sohoa_package_schemas *schemas;
	const sohoa_audit_options *o;
	sohoa_audit_report *rep;
	char backup_id[SOHOA_BACKUP_ID_MAX];
	int backup_ok;
	/* The record being checked. */
	int64_t id;
	int bad;
	char detail[2048];
	size_t dlen;
	int files_ok;
};

/* Seconds a done record may be without its package before it counts. */
#define UNPACKAGED_SETTLE 300

static void problem(struct audit *a, const char *file, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void
problem(struct audit *a, const char *file, const char *kind, const char *fmt, ...)
{
	sohoa_audit_problem *p = realloc(a->rep->problems,
	    (size_t)(a->rep->nproblems + 1) * sizeof *p);
	char msg[sizeof p->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	a->bad = 1;
	if (a->dlen < sizeof a->detail - 1) {
		int n = snprintf(a->detail + a->dlen, sizeof a->detail - a->dlen, "%s%s: %s",
		    a->dlen ? "; " : "", file, msg);
		if (n > 0)
			a->dlen += (size_t)n;
		if (a->dlen >= sizeof a->detail)
			a->dlen = sizeof a->detail - 1;
	}
	if (!p)
		return;
	a->rep->problems = p;
	p += a->rep->nproblems++;
	p->record_id = a->id;
	snprintf(p->file, sizeof p->file, "%s", file);
	snprintf(p->kind, sizeof p->kind, "%s", kind);
	snprintf(p->msg, sizeof p->msg, "%s", msg);
}

/* Hashes path and compares with want ("sha256:<hex>") or want_hex; a
 * missing file is a problem of its own kind. */
static void
check_file(struct audit *a, const char *path, const char *want, const char *want_hex,
    const char *against)
{
	char got[SOHOA_HASH_TEXT_MAX];
	long long size = 0;
	struct stat sb;
	sohoa_error err;

	if (lstat(path, &sb) != 0) {
		problem(a, path, "missing", "thiếu tệp / missing (%s)", strerror(errno));
		return;
	}
	if (!S_ISREG(sb.st_mode)) {
		problem(a, path, "invalid", "không phải tệp thường / not a regular file");
		return;
	}
	sohoa_error_clear(&err);
	if (sohoa_hash_file(path, "sha256", got, &size, &err) != SOHOA_OK) {
		problem(a, path, "missing", "không đọc được / unreadable: %s", err.msg);
		return;
	}
	a->rep->files_checked++;
	a->rep->bytes += size;
	if ((want && strcmp(got, want)) || (want_hex && !fx_hash_equals_hex(got, want_hex)))
		problem(a, path, "mismatch", "SHA-256 khác với %s / differs from the %s (%s,"
		    " expected %s%s)", !strcmp(against, "catalog") ? "danh mục" : against, against,
		    got, want ? "" : "sha256:", want ? want : want_hex);
	else
		a->files_ok++;
}

static void
check_package(struct audit *a, const char *dir, const char *mets_hash)
{
	sohoa_package_report pr;
	sohoa_error err;
	struct stat sb;

	if (lstat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		problem(a, dir, "missing", "thiếu gói lưu trữ / package folder missing");
		return;
	}
	sohoa_package_report_init(&pr);
	sohoa_error_clear(&err);
	sohoa_package_check(dir, a->schemas, mets_hash, &pr, &err);
	a->rep->files_checked += pr.files_checked;
	a->rep->bytes += fx_tree_bytes(dir);
	a->files_ok += pr.files_checked;
	for (int i = 0; i < pr.nproblems; i++) {
		const char *m = pr.problems[i].msg;
		char file[PATH_MAX];
		snprintf(file, sizeof file, "%s/%s", dir, pr.problems[i].file);
		problem(a, file, strstr(m, "missing") ? "missing" : (strstr(m, "SHA-256")
		    || strstr(m, "size differs")) ? "mismatch" : "invalid", "%s", m);
	}
	if (!pr.nproblems && err.status != SOHOA_OK)
		problem(a, dir, "invalid", "%s", err.msg);
	sohoa_package_report_release(&pr);
}

/* The copy in state_dir, or (backup) the copy in the backup folder. */
static void
check_copy(struct audit *a, const char *root, const char *pkg_dir, const char *mets_hash,
    const char *spool_id, const char *hash, const char *doc_id, int backup)
{
	char entry[PATH_MAX], path[PATH_MAX + 32], mp[PATH_MAX + 16];
	fx_mets mets = { 0 };
	int have_mets = 0;
	sohoa_error err;
	struct stat sb;

	snprintf(entry, sizeof entry, "%s/spool/done/%s", root, spool_id);
	snprintf(path, sizeof path, "%s/original", entry);
	if (lstat(path, &sb) != 0 && sohoa_tailieu_parts_in(entry) > 0) {
		/* A document folder: the list against the catalog, each page file
		 * against the list. */
		fx_manifest parts;
		snprintf(path, sizeof path, "%s/%s", entry, SOHOA_TAILIEU_MANIFEST);
		check_file(a, path, hash && *hash ? hash : NULL, NULL, "catalog");
		if (fx_manifest_load(path, &parts) == 0) {
			for (int i = 0; i < parts.n; i++) {
				snprintf(path, sizeof path, "%s/%s", entry, parts.path[i]);
				check_file(a, path, NULL, parts.hex[i], SOHOA_TAILIEU_MANIFEST);
			}
			if (parts.n != sohoa_tailieu_parts_in(entry))
				problem(a, entry, "invalid", "%s liệt kê %d tệp trang, có %d / lists %d"
				    " page files, %d found", SOHOA_TAILIEU_MANIFEST, parts.n,
				    sohoa_tailieu_parts_in(entry), parts.n, sohoa_tailieu_parts_in(entry));
			fx_manifest_release(&parts);
		}
	} else {
		check_file(a, path, hash && *hash ? hash : NULL, NULL, "catalog");
	}
	if (pkg_dir) {
		snprintf(mp, sizeof mp, "%s/METS.xml", pkg_dir);
		sohoa_error_clear(&err);
		have_mets = fx_mets_read(mp, &mets, &err) == SOHOA_OK;
		/* A missing or broken METS.xml is reported by the package check. */
	}
	if (have_mets && doc_id) {
		char href[PATH_MAX];
		const fx_mets_file *f;
		snprintf(href, sizeof href, "representations/rep1/data/%s.pdf", doc_id);
		if ((f = fx_mets_find(&mets, href)) && f->sha256[0]) {
			snprintf(path, sizeof path, "%s/document.pdf", entry);
			check_file(a, path, NULL, f->sha256, "METS.xml");
		}
	}
	fx_mets_release(&mets);
	if (pkg_dir)
		check_package(a, pkg_dir, mets_hash);
	if (backup) {
		/* The entry's other files against the manifest. */
		fx_manifest man;
		snprintf(path, sizeof path, "%s/manifests/%s.sha256", root, spool_id);
		if (fx_manifest_load(path, &man) != 0) {
			problem(a, path, "missing", "thiếu bản kê / manifest missing");
			return;
		}
		for (int i = 0; i < man.n; i++) {
			char prefix[PATH_MAX];
			const char *p = man.path[i];
			size_t n = (size_t)snprintf(prefix, sizeof prefix, "spool/done/%s/", spool_id);
			if (strncmp(p, prefix, n) || !strcmp(p + n, "original")
			    || !strncmp(p + n, "original.", 9)
			    || !strcmp(p + n, SOHOA_TAILIEU_MANIFEST)
			    || !strcmp(p + n, "document.pdf"))
				continue;
			snprintf(path, sizeof path, "%s/%s", root, p);
			check_file(a, path, NULL, man.hex[i], "backup manifest");
		}
		fx_manifest_release(&man);
	}
}

static const char *
base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* What audit_record reads of the catalog, copied out of its row. */
struct audit_row {
	const sohoa_conf *conf;
	char spool_id[64], hash[SOHOA_HASH_TEXT_MAX], pkg[PATH_MAX];
	char mets_hash[SOHOA_HASH_TEXT_MAX], doc_id[64], bk_id[64];
	char bk_mets[SOHOA_HASH_TEXT_MAX];
	int has_bk;
};

static int
audit_row_fill(void *ctx, const sohoa_fixity_row *f)
{
	struct audit_row *r = ctx;

	snprintf(r->spool_id, sizeof r->spool_id, "%s", f->spool_id ? f->spool_id : "(null)");
	if (f->hash)
		snprintf(r->hash, sizeof r->hash, "%s", f->hash);
	if (f->package_path && f->package_mets_hash
	    && sohoa_store_package_path(r->conf, f->package_path, r->pkg, sizeof r->pkg) == 0)
		snprintf(r->mets_hash, sizeof r->mets_hash, "%s", f->package_mets_hash);
	if (f->doc_id)
		snprintf(r->doc_id, sizeof r->doc_id, "%s", f->doc_id);
	if (f->has_backup) {
		r->has_bk = 1;
		snprintf(r->bk_id, sizeof r->bk_id, "%s", f->backup_id ? f->backup_id : "(null)");
		if (f->backup_mets_hash)
			snprintf(r->bk_mets, sizeof r->bk_mets, "%s", f->backup_mets_hash);
	}
	return 0;
}

/* Checks record id; 1 if it was checked (still done), 0 if skipped. */
static int
audit_record(struct audit *a, int64_t id)
{
	struct audit_row row;
	char *spool_id = row.spool_id, *hash = row.hash, *pkg = row.pkg;
	char *mets_hash = row.mets_hash, *doc_id = row.doc_id, *bk_id = row.bk_id;
	char *bk_mets = row.bk_mets;
	int has_bk;

	memset(&row, 0, sizeof row);
	row.conf = a->conf;
	if (!sohoa_catalog_fixity_row(a->cat, id, audit_row_fill, &row))
		return 0;
	has_bk = row.has_bk;
	a->id = id;
	a->bad = 0;
	a->dlen = 0;
	a->detail[0] = '\0';
	a->files_ok = 0;
	check_copy(a, a->conf->state_dir, pkg[0] ? pkg : NULL, mets_hash, spool_id, hash,
	    doc_id[0] ? doc_id : NULL, 0);
	if (a->backup_ok) {
		if (has_bk && !strcmp(bk_id, a->backup_id)) {
			char bpkg[PATH_MAX + 8];
			snprintf(bpkg, sizeof bpkg, "%s/aip/%s", a->conf->backup_dir, base_name(pkg));
			check_copy(a, a->conf->backup_dir, bk_mets[0] && pkg[0] ? bpkg : NULL, bk_mets,
			    spool_id, hash, doc_id[0] ? doc_id : NULL, 1);
			a->rep->backup_records_checked++;
			if (strcmp(bk_mets, mets_hash))
				a->rep->backup_pending++;   /* an older package: being caught up */
		} else {
			a->rep->backup_pending++;
		}
	}
	a->rep->records_checked++;
	if (a->bad)
		a->rep->records_failed++;
	return 1;
}

/* ---- choosing the records --------------------------------------------------- */

static unsigned long long
splitmix(unsigned long long *s)
{
	unsigned long long z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static int
cmp_id(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return a < b ? -1 : a > b;
}

sohoa_status
sohoa_audit_run(const sohoa_conf *conf, sohoa_catalog *cat,
    const struct sohoa_package_schemas *schemas, const sohoa_audit_options *o,
    sohoa_audit_report *rep, sohoa_error *err)
{
	int64_t *ids = NULL;
	size_t n = 0, take;
	long long done_total = 0;
	struct audit a;
	double t0 = sohoa_mono_s(), last_commit;
	int in_txn = 0, batch = 0;
	sohoa_status rc = SOHOA_OK;

	memset(&a, 0, sizeof a);
	a.conf = conf;
	a.cat = cat;
	a.schemas = schemas;
	a.o = o;
	a.rep = rep;
	/* The backup folder, when there is one. */
	if (conf->backup_dir[0] && !o->no_backup) {
		sohoa_error e2;
		rep->backup_configured = 1;
		snprintf(rep->backup_dir, sizeof rep->backup_dir, "%s", conf->backup_dir);
		sohoa_error_clear(&e2);
		if (sohoa_backup_open_dir(conf->backup_dir, cat, 0, a.backup_id, &e2) == SOHOA_OK) {
			char path[PATH_MAX];
			a.backup_ok = rep->backup_reachable = 1;
			snprintf(path, sizeof path, "%s/%s", conf->backup_dir, FX_BACKUP_CATALOG);
			if (access(path, R_OK) != 0)
				problem(&a, path, "missing", "bản sao danh mục chưa có / no catalog copy"
				    " in the backup yet");
		} else {
			problem(&a, conf->backup_dir, "unreachable", "%s", e2.msg);
		}
	}
	if (sohoa_catalog_count_state(cat, SOHOA_STATE_DONE, &done_total, NULL) == SOHOA_OK)
		rep->records_total = done_total;
	if ((rc = sohoa_catalog_fixity_due(cat, o->since, &ids, &n, err)) != SOHOA_OK) {
		free(ids);
		return rc;
	}
	/* A random sample: the first `take` of a partial Fisher-Yates shuffle,
	 * then back in id order (the store is read in the order it was made). */
	take = n;
	if (o->sample_n > 0 && (size_t)o->sample_n < take)
		take = (size_t)o->sample_n;
	if (o->sample_pct > 0 && o->sample_pct < 100) {
		size_t p = (size_t)((double)n * o->sample_pct / 100.0 + 0.999999);
		if (p < take)
			take = p;
	}
	if (take < n) {
		unsigned long long s = o->seed;
		for (size_t i = 0; i < take; i++) {
			size_t j = i + (size_t)(splitmix(&s) % (n - i));
			int64_t t = ids[i];
			ids[i] = ids[j];
			ids[j] = t;
		}
		qsort(ids, take, sizeof *ids, cmp_id);
	}
	rep->records_selected = (long long)take;
	last_commit = sohoa_mono_s();
	for (size_t i = 0; i < take; i++) {
		if (!audit_record(&a, ids[i]))
			continue;
		if (o->agent) {
			char detail[2300];
			if (a.bad)
				snprintf(detail, sizeof detail, "%s", a.detail);
			else
				snprintf(detail, sizeof detail, "%d file(s) re-hashed, all match the"
				    " catalog and METS.xml%s", a.files_ok, a.backup_ok
				    ? " (backup copy included)" : "");
			if (!in_txn) {
				if (sohoa_catalog_begin(cat, err) == SOHOA_OK)
					in_txn = 1;
				else
					rc = err->status;   /* checked still; reported at the end */
			}
			if (in_txn && sohoa_catalog_event_add(cat, ids[i], "fixity check", o->agent,
			    a.bad ? "failure" : "success", detail, err) == SOHOA_OK)
				batch++;
			if (in_txn && (batch >= EVENT_BATCH
			    || sohoa_mono_s() - last_commit > EVENT_BATCH_SECONDS)) {
				if (sohoa_catalog_commit(cat, err) != SOHOA_OK) {
					sohoa_catalog_rollback(cat);
					rc = err->status;
				}
				in_txn = 0;
				batch = 0;
				last_commit = sohoa_mono_s();
			}
		}
		if (o->progress)
			o->progress(o->progress_arg, (long long)i + 1, (long long)take, rep->bytes);
	}
	if (in_txn && sohoa_catalog_commit(cat, err) != SOHOA_OK) {
		sohoa_catalog_rollback(cat);
		rc = err->status;
	}
	free(ids);
	/* A done record that never got its package has nothing to check, and
	 * is never passed over in silence (one being packaged right now, done
	 * less than UNPACKAGED_SETTLE seconds ago, is not counted). */
	if (rc == SOHOA_OK) {
		int64_t *un = NULL;
		int nu = 0;
		sohoa_error e2;
		sohoa_error_clear(&e2);
		if (sohoa_catalog_unpackaged(cat, NULL, UNPACKAGED_SETTLE, &un, &nu, &e2) == SOHOA_OK)
			for (int k = 0; k < nu; k++) {
				char what[64];
				snprintf(what, sizeof what, "record %lld", (long long)un[k]);
				a.id = un[k];
				problem(&a, what, "missing", "tài liệu đã xử lý xong nhưng chưa có gói lưu trữ"
				    " / done but no archival package was written");
			}
		free(un);
	}
	rep->seconds = sohoa_mono_s() - t0;
	if (rc == SOHOA_OK && rep->nproblems)
		rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "%d problem(s) found", rep->nproblems);
	return rc;
}
