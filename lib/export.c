/*
 * export.c - the monthly signed transfer bundle (export.h): the records a
 * month carries, one zipped SIP per hồ sơ built from the AIPs, the tar with
 * its manifest, the detached signature, the ledger, the upload; and the
 * verification of a bundle from anywhere.
 *
 * Invariants:
 *   1. Nothing goes into a bundle that was not checked: every AIP passes
 *      sohoa_package_check() against the catalog's METS hash first, and
 *      every file copied into a zip is hashed on the way and compared with
 *      its AIP checksum.
 *   2. <outbox>/<bundle>.tar is only ever replaced by a rename() of a
 *      complete, fsync()ed file; an old <bundle>.tar.p7s is removed before
 *      and the new one written after (sign last).
 *   3. The ledger says a month is exported only after the bundle and its
 *      signature are in the outbox and upload_command (if any) exited 0.
 *   4. Output depends only on the catalog and the AIPs: fixed order, fixed
 *      times, derived UUIDs.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "sohoa/describe.h"
#include "sohoa/export.h"
#include "sohoa/fsutil.h"
#include "sohoa/store.h"
#include "sohoa/catalog_exports.h"
#include "sohoa/catalog_records.h"

#define EXP_BUF (1 << 17)
#define EXP_VN_OFFSET (7 * 3600)     /* Asia/Ho_Chi_Minh: +07:00, no DST since 1975 */
#define EXP_XML_MAX (64u << 20)
#define EXP_MANIFEST_MAX (16u << 20)

/* ---- months ------------------------------------------------------------ */

int
sohoa_export_month_bounds(const char *month, time_t *start, time_t *end, char last_iso[32])
{
	int y, m, n = 0;
	struct tm tm;
	time_t s, e, last;

	if (!month || sscanf(month, "%4d-%2d%n", &y, &m, &n) != 2 || n != 7 || month[n]
	    || !isdigit((unsigned char)month[5]) || y < 1900 || y > 2200 || m < 1 || m > 12)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = 1;
	s = timegm(&tm) - EXP_VN_OFFSET;
	tm.tm_year = (m == 12 ? y + 1 : y) - 1900;
	tm.tm_mon = m == 12 ? 0 : m;
	e = timegm(&tm) - EXP_VN_OFFSET;
	if (start)
		*start = s;
	if (end)
		*end = e;
	if (last_iso) {
		last = e - 1 + EXP_VN_OFFSET;
		gmtime_r(&last, &tm);
		snprintf(last_iso, 32, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	}
	return 0;
}

time_t
sohoa_export_clock(void)
{
	const char *t = getenv("SOHOA_TEST_NOW");
	char *end;
	long long v;

	if (t && isdigit((unsigned char)t[0])) {
		errno = 0;
		v = strtoll(t, &end, 10);
		if (!*end && errno == 0 && v > 0)
			return (time_t)v;
	}
	return time(NULL);
}

int
sohoa_export_month_open(const char *month, time_t now)
{
	time_t end;

	if (sohoa_export_month_bounds(month, NULL, &end, NULL) != 0)
		return -1;
	return end > now;
}

sohoa_status
sohoa_export_parse_month(const char *text, time_t now, char out[8], sohoa_error *err)
{
	if (text && !strcmp(text, "last")) {
		time_t t = now + EXP_VN_OFFSET;
		struct tm tm;
		int y, m;
		gmtime_r(&t, &tm);
		y = tm.tm_year + 1900;
		m = tm.tm_mon;           /* 0-based this month = 1-based last month */
		if (m == 0) {
			m = 12;
			y--;
		}
		snprintf(out, 8, "%04d-%02d", y % 10000, m);
		return SOHOA_OK;
	}
	if (sohoa_export_month_bounds(text, NULL, NULL, NULL) != 0)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "tháng \"%s\" không hợp lệ: viết YYYY-MM (ví dụ 2025-07) hoặc \"last\" — "
		    "bad month, use YYYY-MM or last", text ? text : "");
	snprintf(out, 8, "%s", text);
	return SOHOA_OK;
}

static void
iso_utc(time_t t, char out[32])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* ---- an AIP as its METS.xml describes it -------------------------------- */

typedef struct exp_file {
	char *path;                /* relative to the package root */
	char *mimetype;
	char *use;                 /* may be NULL */
	char checksum[65];
	long long size;
} exp_file;

typedef struct exp_aip {
	long long id;
	char *origin;
	char *dir;                 /* the AIP folder */
	char *mets_hash;
	char *doc_id;
	char *label;               /* mets/@LABEL */
	exp_file ead, ead_doc, premis;
	exp_file *rep;
	int nrep;
	exp_file *docs, *schemas;  /* documentation/ and schemas/ */
	int ndocs, nschemas;
	int loaded;
} exp_aip;

static void
exp_file_release(exp_file *f)
{
	free(f->path);
	free(f->mimetype);
	free(f->use);
	memset(f, 0, sizeof *f);
}

static void
exp_files_free(exp_file *f, int n)
{
	for (int i = 0; i < n; i++)
		exp_file_release(&f[i]);
	free(f);
}

/* Frees what loading the AIP's METS gave (keeps the catalog columns). */
static void
exp_aip_unload(exp_aip *a)
{
	exp_file_release(&a->ead);
	exp_file_release(&a->ead_doc);
	exp_file_release(&a->premis);
	exp_files_free(a->rep, a->nrep);
	exp_files_free(a->docs, a->ndocs);
	exp_files_free(a->schemas, a->nschemas);
	free(a->label);
	a->label = NULL;
	a->rep = a->docs = a->schemas = NULL;
	a->nrep = a->ndocs = a->nschemas = 0;
	a->loaded = 0;
}

static void
exp_aip_release(exp_aip *a)
{
	exp_aip_unload(a);
	free(a->origin);
	free(a->dir);
	free(a->mets_hash);
	free(a->doc_id);
	memset(a, 0, sizeof *a);
}

static char *
prop(xmlNodePtr n, const char *name, const char *ns)
{
	xmlChar *v = ns ? xmlGetNsProp(n, BAD_CAST name, BAD_CAST ns)
	    : xmlGetNoNsProp(n, BAD_CAST name);
	char *s = v ? strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

static int
is_el(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

/* Fills f from an mdRef or a file element (href from itself or its FLocat). */
static int
file_from(xmlNodePtr n, exp_file *f)
{
	xmlNodePtr loc = n;
	char *sum, *size;

	if (is_el(n, "file"))
		for (loc = n->children; loc && !is_el(loc, "FLocat"); loc = loc->next)
			;
	if (!loc)
		return -1;
	f->path = prop(loc, "href", "http://www.w3.org/1999/xlink");
	f->mimetype = prop(n, "MIMETYPE", NULL);
	f->use = prop(n, "USE", NULL);
	sum = prop(n, "CHECKSUM", NULL);
	size = prop(n, "SIZE", NULL);
	if (sum && strlen(sum) == 64) {
		for (int i = 0; i < 64; i++)
			f->checksum[i] = (char)tolower((unsigned char)sum[i]);
		f->checksum[64] = '\0';
	}
	f->size = size ? strtoll(size, NULL, 10) : -1;
	free(sum);
	free(size);
	return f->path && f->mimetype && f->checksum[0] && f->size >= 0 ? 0 : -1;
}

static int
push_file(exp_file **arr, int *n, xmlNodePtr node)
{
	exp_file *a = realloc(*arr, (size_t)(*n + 1) * sizeof *a);

	if (!a)
		return -1;
	*arr = a;
	memset(&a[*n], 0, sizeof a[*n]);
	if (file_from(node, &a[*n]) != 0) {
		exp_file_release(&a[*n]);
		return -1;
	}
	(*n)++;
	return 0;
}

static int
walk_aip_mets(exp_aip *a, xmlNodePtr n, const char *grp)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_el(n, "mdRef")) {
			char *type = prop(n, "MDTYPE", NULL), *other = prop(n, "OTHERMDTYPE", NULL);
			exp_file *f = NULL;
			if (type && !strcmp(type, "PREMIS"))
				f = &a->premis;
			else if (other && !strcmp(other, "TT05-EAD"))
				f = &a->ead;
			else if (other && !strcmp(other, "TT05-EAD_doc"))
				f = &a->ead_doc;
			free(type);
			free(other);
			if (!f || f->path || file_from(n, f) != 0)
				return -1;
		} else if (is_el(n, "fileGrp")) {
			char *use = prop(n, "USE", NULL);
			int r = walk_aip_mets(a, n->children, use ? use : "");
			free(use);
			if (r)
				return r;
			continue;
		} else if (is_el(n, "file")) {
			int r;
			if (!strcmp(grp, "Documentation"))
				r = push_file(&a->docs, &a->ndocs, n);
			else if (!strcmp(grp, "Schemas"))
				r = push_file(&a->schemas, &a->nschemas, n);
			else if (!strcmp(grp, "Representations")
			    || !strcmp(grp, "Representations/rep1")) {
				/* The AIP's representation METS is the AIP's: the SIP
				 * gets its own (sohoa_package_sip_rep_mets()). */
				char *fid = prop(n, "ID", NULL);
				r = fid && !strcmp(fid, "file-rep1-mets") ? 0
				    : push_file(&a->rep, &a->nrep, n);
				free(fid);
			}
			else
				r = -1;
			if (r)
				return r;
			continue;
		}
		if (walk_aip_mets(a, n->children, grp))
			return -1;
	}
	return 0;
}

/* Checks the AIP against the catalog's METS hash, then reads what its
 * METS.xml lists. */
static sohoa_status
aip_load(exp_aip *a, const sohoa_package_schemas *sch, sohoa_error *err)
{
	sohoa_package_report rep;
	sohoa_error e;
	char path[PATH_MAX];
	char *buf = NULL;
	size_t len = 0;
	xmlDocPtr doc;
	sohoa_status st;

	sohoa_error_clear(&e);
	sohoa_package_report_init(&rep);
	st = sohoa_package_check(a->dir, sch, a->mets_hash, &rep, &e);
	sohoa_package_report_release(&rep);
	if (st == SOHOA_BAD_INPUT)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "gói lưu trữ (AIP) của tài liệu %lld bị hỏng, không xuất — the AIP of record %lld"
		    " is damaged, nothing exported (run 'sohoa check %lld'): %s", a->id, a->id, a->id,
		    e.msg);
	if (st != SOHOA_OK)
		return sohoa_error_set(err, st, SOHOA_REASON_NONE, "record %lld: %s", a->id, e.msg);
	snprintf(path, sizeof path, "%s/METS.xml", a->dir);
	if ((st = sohoa_fs_read_file(path, EXP_XML_MAX, &buf, &len, err)) != SOHOA_OK)
		return st;
	doc = xmlReadMemory(buf, (int)len, "METS.xml", "UTF-8",
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	free(buf);
	if (!doc)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "record %lld: METS.xml cannot be read", a->id);
	a->label = prop(xmlDocGetRootElement(doc), "LABEL", NULL);
	if (walk_aip_mets(a, xmlDocGetRootElement(doc), "") != 0 || !a->ead.path
	    || !a->ead_doc.path || !a->premis.path) {
		xmlFreeDoc(doc);
		exp_aip_unload(a);
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "record %lld: METS.xml of %s is not one sohoa writes", a->id, a->dir);
	}
	xmlFreeDoc(doc);
	a->loaded = 1;
	return SOHOA_OK;
}

/* The text of the first <title> of an EAD.xml, or NULL. */
static char *
ead_title(const char *path)
{
	xmlDocPtr doc = xmlReadFile(path, "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR
	    | XML_PARSE_NOWARNING);
	char *t = NULL;

	if (!doc)
		return NULL;
	for (xmlNodePtr n = xmlDocGetRootElement(doc) ? xmlDocGetRootElement(doc)->children
	    : NULL; n; n = n->next)
		if (is_el(n, "title")) {
			xmlChar *c = xmlNodeGetContent(n);
			t = c ? strdup((const char *)c) : NULL;
			xmlFree(c);
			break;
		}
	xmlFreeDoc(doc);
	return t;
}

/* ---- writing archives through a hashing sink ----------------------------- */

typedef struct exp_sink {
	int fd;
	sohoa_hash *h;
	long long n;
	int err;                   /* errno of a failed write */
} exp_sink;

static la_ssize_t
sink_write(struct archive *a, void *ctx, const void *buf, size_t len)
{
	exp_sink *s = ctx;
	const char *p = buf;
	size_t left = len;

	while (left > 0) {
		ssize_t w = write(s->fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			s->err = errno;
			archive_set_error(a, errno, "write: %s", strerror(errno));
			return -1;
		}
		p += w;
		left -= (size_t)w;
	}
	sohoa_hash_update(s->h, buf, len);
	s->n += (long long)len;
	return (la_ssize_t)len;
}

static sohoa_status
arc_error(struct archive *a, exp_sink *s, const char *what, sohoa_error *err)
{
	int e = s && s->err ? s->err : archive_errno(a);

	return sohoa_error_set(err, e == ENOSPC || e == EDQUOT ? SOHOA_RETRY : SOHOA_FATAL,
	    SOHOA_REASON_NONE, "%s: %s", what, archive_error_string(a) ? archive_error_string(a)
	    : strerror(e));
}

static struct archive_entry *
plain_entry(const char *name, long long size, time_t mtime)
{
	struct archive_entry *e = archive_entry_new();

	if (!e)
		return NULL;
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0444);
	archive_entry_set_mtime(e, mtime, 0);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	return e;
}

/* Formats whose bytes are already compressed are stored, the rest deflated. */
static int
store_only(const char *mimetype)
{
	return !strncmp(mimetype, "image/", 6) || !strcmp(mimetype, "application/pdf");
}

static sohoa_status
zip_buffer(struct archive *a, exp_sink *s, const char *name, const char *buf, size_t len,
    time_t mtime, sohoa_error *err)
{
	struct archive_entry *e = plain_entry(name, (long long)len, mtime);
	sohoa_status st = SOHOA_OK;

	if (!e)
		return sohoa_error_oom(err);
	archive_write_zip_set_compression_deflate(a);
	if (archive_write_header(a, e) != ARCHIVE_OK
	    || archive_write_data(a, buf, len) != (la_ssize_t)len
	    || archive_write_finish_entry(a) != ARCHIVE_OK)
		st = arc_error(a, s, name, err);
	archive_entry_free(e);
	return st;
}

/* Copies src into the archive as name, hashing it; its SHA-256 and size
 * must be those the AIP's METS gives (invariant 1). */
static sohoa_status
arc_copy(struct archive *a, exp_sink *s, const char *name, const char *src,
    const char *checksum, long long size, time_t mtime, int zip_store, unsigned char *buf,
    sohoa_hash *h, sohoa_error *err)
{
	struct archive_entry *e;
	char got[SOHOA_HASH_TEXT_MAX];
	long long total = 0;
	sohoa_status st = SOHOA_OK;
	int fd = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNREADABLE, "open %s: %s",
		    src, strerror(errno));
	if (!(e = plain_entry(name, size, mtime))) {
		close(fd);
		return sohoa_error_oom(err);
	}
	if (zip_store >= 0) {
		if (zip_store)
			archive_write_zip_set_compression_store(a);
		else
			archive_write_zip_set_compression_deflate(a);
	}
	if (archive_write_header(a, e) != ARCHIVE_OK) {
		st = arc_error(a, s, name, err);
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf, EXP_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			st = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNREADABLE,
			    "read %s: %s", src, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (total + n > size) {
			st = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "%s grew while being exported (METS says %lld bytes)", src, size);
			goto out;
		}
		sohoa_hash_update(h, buf, (size_t)n);
		if (archive_write_data(a, buf, (size_t)n) != n) {
			st = arc_error(a, s, name, err);
			goto out;
		}
		total += n;
	}
	if (sohoa_hash_final(h, got) != 0) {
		st = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "digest failed");
		goto out;
	}
	if (total != size || (checksum && strcmp(got + 7, checksum))) {
		st = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "%s changed since it was checked (%lld bytes, %s; expected %lld, %s)", src, total,
		    got, size, checksum ? checksum : "?");
		goto out;
	}
	if (archive_write_finish_entry(a) != ARCHIVE_OK)
		st = arc_error(a, s, name, err);
out:
	archive_entry_free(e);
	close(fd);
	return st;
}

/* ---- one SIP ---------------------------------------------------------- */

typedef struct exp_sip {
	char name[160];            /* uuid-<UUID> */
	char hash[SOHOA_HASH_TEXT_MAX];   /* of the zip */
	long long size;
	int first, count;          /* records aips[first .. first+count-1] */
} exp_sip;

/* A descriptive document of an AIP in its SIP shape (TT 05: arcFileCode
 * becomes fileCode, docOrdinal stays in the archive), held in memory. */
typedef struct exp_reshaped {
	char *buf;
	size_t len;
	char hex[SOHOA_HASH_TEXT_MAX];   /* bare SHA-256 hex of buf */
} exp_reshaped;

/* One file going into a zip: from an AIP, under its SIP path; or, when
 * mem is set, those bytes. */
typedef struct exp_copy {
	const exp_aip *aip;
	const exp_file *src;
	const sohoa_sip_file *dst;
	const exp_reshaped *mem;
} exp_copy;

typedef struct exp_ctx {
	const sohoa_conf *conf;
	const sohoa_package_schemas *sch;
	const char *month;
	char created[32];          /* the month's last second, +07:00 */
	time_t mtime;
	unsigned char *buf;
	sohoa_hash *h;
} exp_ctx;

/* Reads f of AIP a (its SHA-256 must be the one the AIP's METS gives) and
 * makes its SIP shape into r. */
static sohoa_status
reshape(const exp_ctx *x, const exp_aip *a, const exp_file *f, int ead_doc, exp_reshaped *r,
    sohoa_error *err)
{
	char path[PATH_MAX * 2], got[SOHOA_HASH_TEXT_MAX];
	char *buf = NULL;
	size_t len = 0;
	sohoa_hash *h;
	sohoa_status st;

	snprintf(path, sizeof path, "%s/%s", a->dir, f->path);
	if ((st = sohoa_fs_read_file(path, EXP_XML_MAX, &buf, &len, err)) != SOHOA_OK)
		return st;
	h = sohoa_hash_new("sha256");
	if (!h || sohoa_hash_update(h, buf, len) != 0 || sohoa_hash_final(h, got) != 0) {
		sohoa_hash_free(h);
		free(buf);
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "digest failed");
	}
	sohoa_hash_free(h);
	if (strcmp(got + 7, f->checksum) != 0 || (long long)len != f->size) {
		free(buf);
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "%s đã bị thay đổi so với METS.xml của gói — %s differs from its AIP's METS.xml",
		    path, path);
	}
	st = sohoa_package_sip_shape(x->sch, ead_doc, buf, len, &r->buf, &r->len, err);
	free(buf);
	if (st != SOHOA_OK)
		return st;
	h = sohoa_hash_new("sha256");
	if (!h || sohoa_hash_update(h, r->buf, r->len) != 0 || sohoa_hash_final(h, got) != 0) {
		sohoa_hash_free(h);
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "digest failed");
	}
	sohoa_hash_free(h);
	snprintf(r->hex, sizeof r->hex, "%s", got + 7);
	return SOHOA_OK;
}

static sohoa_status
sip_write(exp_ctx *x, exp_aip *aips, exp_sip *sip, const char *stage, sohoa_error *err)
{
	sohoa_package_agency agency = { x->conf->agency_name, x->conf->agency_code,
		x->conf->fonds_code };
	sohoa_sip_input in;
	sohoa_sip_doc *docs = NULL;
	sohoa_sip_file *files = NULL, *meta = NULL, *docu = NULL, *schem = NULL;
	char **paths = NULL;
	int npaths = 0, multi = sip->count > 1, nfiles = 0;
	exp_aip *first = &aips[sip->first], *last = &aips[sip->first + sip->count - 1];
	char uuid[37], key[PATH_MAX + 128], objid[160], zpath[PATH_MAX], entry[PATH_MAX];
	char *mets = NULL, *title = NULL, *rep_mets = NULL;
	exp_reshaped *shaped = NULL;
	char rep_mets_hash[SOHOA_HASH_TEXT_MAX];
	size_t mets_len = 0, rep_mets_len = 0;
	struct archive *a = NULL;
	exp_sink s = { -1, NULL, 0, 0 };
	sohoa_status st = SOHOA_OK;

	for (int i = 0; i < sip->count; i++) {
		exp_aip *p = &aips[sip->first + i];
		if (!p->loaded && (st = aip_load(p, x->sch, err)) != SOHOA_OK)
			goto out;
		nfiles += p->nrep;
	}
	/* The SIP's identity: agency, month and folder (or the one record). */
	if (first->origin[0])
		snprintf(key, sizeof key, "sohoa-sip:%s:%s:hoso:%s", x->conf->agency_code, x->month,
		    first->origin);
	else
		snprintf(key, sizeof key, "sohoa-sip:%s:%s:record:%s", x->conf->agency_code,
		    x->month, first->doc_id);
	sohoa_uuid_from_name(key, strlen(key), uuid);

	docs = calloc((size_t)sip->count, sizeof *docs);
	shaped = calloc((size_t)sip->count + 1, sizeof *shaped);
	meta = calloc((size_t)sip->count * 2 + 1, sizeof *meta);
	files = calloc((size_t)nfiles + 1, sizeof *files);
	paths = calloc((size_t)sip->count * 2 + 1, sizeof *paths);
	docu = calloc((size_t)first->ndocs + 1, sizeof *docu);
	schem = calloc((size_t)first->nschemas + 1, sizeof *schem);
	if (!docs || !meta || !files || !paths || !docu || !schem || !shaped) {
		st = sohoa_error_oom(err);
		goto out;
	}
#define SIPF(f, p) (sohoa_sip_file){ (p), (f)->mimetype, (f)->use, (f)->checksum, (f)->size }
	nfiles = 0;
	for (int i = 0; i < sip->count; i++) {
		exp_aip *p = &aips[sip->first + i];
		sohoa_sip_doc *d = &docs[i];
		d->record_id = p->id;
		d->doc_id = p->doc_id;
		if (multi) {
			if (asprintf(&paths[npaths], "metadata/descriptive/EAD_doc-%s.xml", p->doc_id) < 0
			    || (npaths++, asprintf(&paths[npaths],
			    "metadata/preservation/PREMIS-%s.xml", p->doc_id) < 0)) {
				paths[npaths] = NULL;
				st = sohoa_error_oom(err);
				goto out;
			}
			npaths++;
			d->ead_doc = SIPF(&p->ead_doc, paths[npaths - 2]);
			d->premis = SIPF(&p->premis, paths[npaths - 1]);
		} else {
			d->ead_doc = SIPF(&p->ead_doc, p->ead_doc.path);
			d->premis = SIPF(&p->premis, p->premis.path);
		}
		if ((st = reshape(x, p, &p->ead_doc, 1, &shaped[i + 1], err)) != SOHOA_OK)
			goto out;
		d->ead_doc.checksum = shaped[i + 1].hex;
		d->ead_doc.size = (long long)shaped[i + 1].len;
		d->files = &files[nfiles];
		for (int j = 0; j < p->nrep; j++)
			files[nfiles++] = SIPF(&p->rep[j], p->rep[j].path);
		d->nfiles = p->nrep;
	}
	for (int i = 0; i < first->ndocs; i++)
		docu[i] = SIPF(&first->docs[i], first->docs[i].path);
	for (int i = 0; i < first->nschemas; i++)
		schem[i] = SIPF(&first->schemas[i], first->schemas[i].path);
	/* The hồ sơ's description as its latest document's AIP has it. */
	memset(&in, 0, sizeof in);
	in.ead = SIPF(&last->ead, last->ead.path);
#undef SIPF
	if ((st = reshape(x, last, &last->ead, 0, &shaped[0], err)) != SOHOA_OK)
		goto out;
	in.ead.checksum = shaped[0].hex;
	in.ead.size = (long long)shaped[0].len;
	if (first->origin[0]) {
		snprintf(zpath, sizeof zpath, "%s/%s", last->dir, last->ead.path);
		title = ead_title(zpath);
	}
	in.uuid = uuid;
	in.label = title && title[0] ? title : first->origin[0] ? first->origin
	    : first->label ? first->label : first->doc_id;
	in.created = x->created;
	in.agency = &agency;
	in.software = "sohoa " SOHOA_VERSION;
	in.docs = docs;
	in.ndocs = sip->count;
	in.documentation = docu;
	in.ndocumentation = first->ndocs;
	in.schemas = schem;
	in.nschemas = first->nschemas;
	if ((st = sohoa_package_sip_rep_mets(&in, x->sch, &rep_mets, &rep_mets_len, err))
	    != SOHOA_OK)
		goto out;
	{
		sohoa_hash *h = sohoa_hash_new("sha256");
		if (!h || sohoa_hash_update(h, rep_mets, rep_mets_len) != 0
		    || sohoa_hash_final(h, rep_mets_hash) != 0) {
			sohoa_hash_free(h);
			st = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "digest failed");
			goto out;
		}
		sohoa_hash_free(h);
		in.rep_mets = (sohoa_sip_file){ "representations/rep1/METS.xml", "text/xml", NULL,
			rep_mets_hash, (long long)rep_mets_len };
	}
	if ((st = sohoa_package_sip_mets(&in, x->sch, objid, sip->name, &mets, &mets_len, err))
	    != SOHOA_OK)
		goto out;

	snprintf(zpath, sizeof zpath, "%s/%s.zip", stage, sip->name);
	s.fd = open(zpath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	s.h = sohoa_hash_new("sha256");
	a = archive_write_new();
	if (s.fd < 0 || !s.h || !a) {
		st = sohoa_error_set(err, s.fd < 0 && (errno == ENOSPC || errno == EDQUOT)
		    ? SOHOA_RETRY : SOHOA_FATAL, SOHOA_REASON_NONE, "create %s: %s", zpath,
		    s.fd < 0 ? strerror(errno) : "out of memory");
		goto out;
	}
	if (archive_write_set_format_zip(a) != ARCHIVE_OK
	    || archive_write_set_bytes_per_block(a, 0) != ARCHIVE_OK
	    || archive_write_open(a, &s, NULL, sink_write, NULL) != ARCHIVE_OK) {
		st = arc_error(a, &s, zpath, err);
		goto out;
	}
	/* METS.xml first, then the metadata, the documents, schemas, documentation. */
	snprintf(entry, sizeof entry, "%s/METS.xml", sip->name);
	if ((st = zip_buffer(a, &s, entry, mets, mets_len, x->mtime, err)) != SOHOA_OK)
		goto out;
	snprintf(entry, sizeof entry, "%s/representations/rep1/METS.xml", sip->name);
	if ((st = zip_buffer(a, &s, entry, rep_mets, rep_mets_len, x->mtime, err)) != SOHOA_OK)
		goto out;
	{
		/* The order of the entries: EAD.xml, each EAD_doc, each PREMIS, the
		 * documents' files, schemas, documentation. */
		exp_copy *order = calloc((size_t)(1 + 2 * sip->count + nfiles + first->nschemas
		    + first->ndocs), sizeof *order);
		int k = 0;
		if (!order) {
			st = sohoa_error_oom(err);
			goto out;
		}
		order[k++] = (exp_copy){ last, &last->ead, &in.ead, &shaped[0] };
		for (int i = 0; i < sip->count; i++)
			order[k++] = (exp_copy){ &aips[sip->first + i], &aips[sip->first + i].ead_doc,
				&docs[i].ead_doc, &shaped[i + 1] };
		for (int i = 0; i < sip->count; i++)
			order[k++] = (exp_copy){ &aips[sip->first + i], &aips[sip->first + i].premis,
				&docs[i].premis, NULL };
		for (int i = 0; i < sip->count; i++)
			for (int j = 0; j < aips[sip->first + i].nrep; j++)
				order[k++] = (exp_copy){ &aips[sip->first + i],
					&aips[sip->first + i].rep[j], &docs[i].files[j], NULL };
		for (int i = 0; i < first->nschemas; i++)
			order[k++] = (exp_copy){ first, &first->schemas[i], &schem[i], NULL };
		for (int i = 0; i < first->ndocs; i++)
			order[k++] = (exp_copy){ first, &first->docs[i], &docu[i], NULL };
		for (int i = 0; i < k && st == SOHOA_OK; i++) {
			char src[PATH_MAX * 2];
			snprintf(entry, sizeof entry, "%s/%s", sip->name, order[i].dst->path);
			if (order[i].mem) {
				st = zip_buffer(a, &s, entry, order[i].mem->buf, order[i].mem->len, x->mtime,
				    err);
				continue;
			}
			snprintf(src, sizeof src, "%s/%s", order[i].aip->dir, order[i].src->path);
			st = arc_copy(a, &s, entry, src, order[i].src->checksum, order[i].src->size,
			    x->mtime, store_only(order[i].src->mimetype), x->buf, x->h, err);
		}
		free(order);
		if (st != SOHOA_OK)
			goto out;
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		st = arc_error(a, &s, zpath, err);
		goto out;
	}
	if (sohoa_hash_final(s.h, sip->hash) != 0) {
		st = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "digest failed");
		goto out;
	}
	sip->size = s.n;
out:
	if (a)
		archive_write_free(a);
	if (s.fd >= 0)
		close(s.fd);
	sohoa_hash_free(s.h);
	/* What the AIPs gave is no longer needed: memory stays flat however
	 * many records the month has. */
	for (int i = 0; i < sip->count; i++)
		exp_aip_unload(&aips[sip->first + i]);
	for (int i = 0; paths && i < npaths; i++)
		free(paths[i]);
	free(paths);
	free(docs);
	free(meta);
	free(files);
	free(docu);
	free(schem);
	free(mets);
	free(rep_mets);
	free(title);
	for (int i = 0; shaped && i <= sip->count; i++)
		free(shaped[i].buf);
	free(shaped);
	return st;
}

/* ---- the export -------------------------------------------------------- */

/* select_records' accumulator. */
struct month_acc {
	const sohoa_conf *conf;
	exp_aip *v;
	int n, cap, oom;
};

static int
month_add(void *ctx, const sohoa_export_row *r)
{
	struct month_acc *m = ctx;
	exp_aip *a;

	if (m->n == m->cap) {
		int nc = m->cap ? m->cap * 2 : 64;
		exp_aip *nv = realloc(m->v, (size_t)nc * sizeof *nv);
		if (!nv) {
			m->oom = 1;
			return 1;
		}
		m->v = nv;
		m->cap = nc;
	}
	a = &m->v[m->n++];
	memset(a, 0, sizeof *a);
	a->id = r->id;
	a->origin = strdup(r->origin ? r->origin : "");
	{
		/* The catalog keeps the package folder's name (store.h). */
		char dir[PATH_MAX];
		a->dir = sohoa_store_package_path(m->conf, r->package_path, dir, sizeof dir) == 0
		    ? strdup(dir) : NULL;
	}
	a->mets_hash = strdup(r->package_mets_hash ? r->package_mets_hash : "");
	a->doc_id = strdup(r->doc_id ? r->doc_id : "");
	if (!a->origin || !a->dir || !a->mets_hash || !a->doc_id) {
		m->oom = 1;
		return 1;
	}
	return 0;
}

/* The records the month carries (see export.h), by folder then id. */
static sohoa_status
select_records(const sohoa_conf *conf, sohoa_catalog *cat, const char *month,
    const char *end_utc, exp_aip **out, int *n, sohoa_error *err)
{
	struct month_acc m = { conf, NULL, 0, 0, 0 };
	sohoa_status st;

	st = sohoa_catalog_month_records_each(cat, month, end_utc, month_add, &m, err);
	*out = m.v;
	*n = m.n;
	if (st != SOHOA_OK)
		return st;
	if (m.oom)
		return sohoa_error_oom(err);
	return SOHOA_OK;
}

static void
free_records(exp_aip *v, int n)
{
	for (int i = 0; i < n; i++)
		exp_aip_release(&v[i]);
	free(v);
}

/* Signs the PDFs of the month's records that are not signed yet and
 * rewrites their AIPs; counts them in *count. */
static sohoa_status
sign_pending(const sohoa_conf *conf, sohoa_catalog *cat, sohoa_signer *signer,
    const sohoa_package_schemas *sch, const exp_aip *v, int n, const char *agent, int *count,
    sohoa_error *err)
{
	sohoa_status rc = SOHOA_OK;

	for (int i = 0; i < n && rc == SOHOA_OK; i++) {
		char pdf[PATH_MAX], sid[64];
		int s;
		if ((rc = sohoa_catalog_spool_id(cat, v[i].id, 0, sid, sizeof sid, err)) != SOHOA_OK)
			break;
		if (!sid[0])
			continue;
		snprintf(pdf, sizeof pdf, "%s/spool/done/%s/document.pdf", conf->state_dir, sid);
		if (access(pdf, F_OK) != 0)
			continue;      /* no PDF/A for this record: nothing to sign */
		s = sohoa_pdf_is_signed(pdf);
		if (s == 1)
			continue;
		if (s < 0) {
			rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "tài liệu %lld: không đọc được PDF %s — cannot read the PDF", v[i].id, pdf);
			break;
		}
		if ((rc = sohoa_describe_sign_pdf(conf, cat, signer, v[i].id, agent, err)) != SOHOA_OK
		    || (rc = sohoa_describe_package(conf, cat, sch, v[i].id, agent, err)) != SOHOA_OK)
			break;
		(*count)++;
	}
	return rc;
}

/* Removes what a crashed export left in the outbox (hidden temp files and
 * staging folders of bundles). */
static void
outbox_recover(const char *outbox)
{
	DIR *d = opendir(outbox);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		char path[PATH_MAX];
		sohoa_error e;
		if (strncmp(de->d_name, ".sohoa-", 7) || (!strstr(de->d_name, ".tmp-")
		    && !strstr(de->d_name, ".stage-")))
			continue;
		snprintf(path, sizeof path, "%s/%s", outbox, de->d_name);
		sohoa_error_clear(&e);
		if (strstr(de->d_name, ".stage-"))
			sohoa_fs_remove_tree(path, &e);
		else
			unlink(path);
	}
	closedir(d);
}

/* The tar: MANIFEST.sha256, then the SIPs, into a hidden temp file that is
 * fsync()ed and renamed to dest. */
static sohoa_status
bundle_write(exp_ctx *x, const exp_sip *sips, int nsips, const char *stage,
    const char *outbox, const char *dest, sohoa_export_result *r, sohoa_error *err)
{
	char tmp[PATH_MAX], zpath[PATH_MAX], zname[200], line[400];
	char *manifest = NULL;
	size_t mlen = 0, mcap = 0;
	struct archive *a = NULL;
	exp_sink s = { -1, NULL, 0, 0 };
	sohoa_status st = SOHOA_OK;
	sohoa_fs_tmp t = { .fd = -1 };

	for (int i = 0; i < nsips; i++) {
		int n = snprintf(line, sizeof line, "%s  %s.zip\n", sips[i].hash + 7, sips[i].name);
		if (mlen + (size_t)n + 1 > mcap) {
			size_t nc = mcap ? mcap * 2 : 8192;
			char *nm;
			while (nc < mlen + (size_t)n + 1)
				nc *= 2;
			if (!(nm = realloc(manifest, nc))) {
				free(manifest);
				return sohoa_error_oom(err);
			}
			manifest = nm;
			mcap = nc;
		}
		memcpy(manifest + mlen, line, (size_t)n + 1);
		mlen += (size_t)n;
	}
	/* fsutil.h's durable write, its temp hidden (.sohoa-...tmp-, which
	 * outbox_recover() removes after a crash). */
	if ((st = sohoa_fs_tmp_open(&t, dest, 0644, SOHOA_FS_HIDDEN, err)) != SOHOA_OK)
		goto out;
	s.fd = t.fd;
	snprintf(tmp, sizeof tmp, "%s", t.tmp);
	s.h = sohoa_hash_new("sha256");
	a = archive_write_new();
	if (!s.h || !a) {
		st = sohoa_error_oom(err);
		goto out;
	}
	fchmod(s.fd, 0644);
	if (archive_write_set_format_ustar(a) != ARCHIVE_OK
	    || archive_write_open(a, &s, NULL, sink_write, NULL) != ARCHIVE_OK) {
		st = arc_error(a, &s, tmp, err);
		goto out;
	}
	{
		struct archive_entry *e = plain_entry(SOHOA_EXPORT_MANIFEST, (long long)mlen, x->mtime);
		if (!e) {
			st = sohoa_error_oom(err);
			goto out;
		}
		if (archive_write_header(a, e) != ARCHIVE_OK
		    || (mlen && archive_write_data(a, manifest, mlen) != (la_ssize_t)mlen))
			st = arc_error(a, &s, tmp, err);
		archive_entry_free(e);
		if (st != SOHOA_OK)
			goto out;
	}
	for (int i = 0; i < nsips; i++) {
		snprintf(zname, sizeof zname, "%s.zip", sips[i].name);
		snprintf(zpath, sizeof zpath, "%s/%s", stage, zname);
		if ((st = arc_copy(a, &s, zname, zpath, sips[i].hash + 7, sips[i].size, x->mtime, -1,
		    x->buf, x->h, err)) != SOHOA_OK)
			goto out;
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		st = arc_error(a, &s, tmp, err);
		goto out;
	}
	if (sohoa_hash_final(s.h, r->bundle_hash) != 0) {
		st = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "digest failed");
		goto out;
	}
	r->size = s.n;
	s.fd = -1;      /* the commit closes it */
	st = sohoa_fs_tmp_commit(&t, err);
out:
	if (a)
		archive_write_free(a);
	sohoa_fs_tmp_abort(&t);    /* nothing once committed */
	sohoa_hash_free(s.h);
	free(manifest);
	return st;
}

/* Runs upload_command on the bundle: 0 when it exited 0. */
static int
run_upload(const char *cmd, const char *bundle, char *why, size_t why_len)
{
	pid_t pid = fork();
	int status;

	if (pid < 0) {
		snprintf(why, why_len, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* Its output goes to stderr (the journal): stdout may be JSON. */
		dup2(2, 1);
		setenv("SOHOA_BUNDLE", bundle, 1);
		execl("/bin/sh", "sh", "-c", cmd, "sohoa-upload", bundle, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, why_len, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(why, why_len, "upload_command exited with status %d", WEXITSTATUS(status));
	else
		snprintf(why, why_len, "upload_command killed by signal %d", WTERMSIG(status));
	return -1;
}

static sohoa_status
ledger_write(const sohoa_conf *conf, sohoa_catalog *cat, const char *month, const char *file,
    const char *outbox, const exp_sip *sips, int nsips, const exp_aip *v, sohoa_signer *signer,
    sohoa_export_result *r, sohoa_error *err)
{
	char now[32], where[PATH_MAX];
	sohoa_bundle_new b;
	int64_t bundle_id = 0;
	sohoa_status rc;

	sohoa_now_iso(now);
	if ((rc = sohoa_catalog_begin(cat, err)) != SOHOA_OK)
		return rc;
	/* Relative to state_dir when the outbox lies there (store.h). */
	if (sohoa_store_relative(conf, outbox, where, sizeof where) != 0)
		snprintf(where, sizeof where, "%s", outbox);
	b.month = month;
	b.file_name = file;
	b.path = where;
	b.bundle_hash = r->bundle_hash;
	b.p7s_hash = r->p7s_hash;
	b.size = r->size;
	b.sips = nsips;
	b.records = r->records;
	b.signer = sohoa_signer_subject(signer);
	b.created_at = now;
	if ((rc = sohoa_catalog_bundle_add(cat, &b, &bundle_id, err)) != SOHOA_OK)
		goto fail;
	r->bundle_id = bundle_id;
	for (int i = 0; i < nsips; i++)
		for (int j = 0; j < sips[i].count; j++) {
			char zname[200];
			const exp_aip *a = &v[sips[i].first + j];
			snprintf(zname, sizeof zname, "%s.zip", sips[i].name);
			if ((rc = sohoa_catalog_bundle_member_add(cat, bundle_id, a->id, a->mets_hash,
			    zname, err)) != SOHOA_OK)
				goto fail;
		}
	return sohoa_catalog_commit(cat, err);
fail:
	sohoa_catalog_rollback(cat);
	return rc;
}

static sohoa_status
ledger_mark(sohoa_catalog *cat, long long id, int uploaded, const char *why, sohoa_error *err)
{
	return sohoa_catalog_bundle_mark(cat, id, uploaded, why, err);
}

/* A name safe in file names: [A-Za-z0-9._-], others become '_'. */
static void
safe_component(const char *in, char *out, size_t size)
{
	size_t i = 0;

	for (; in[i] && i + 1 < size; i++)
		out[i] = isalnum((unsigned char)in[i]) || in[i] == '.' || in[i] == '-' || in[i] == '_'
		    ? in[i] : '_';
	out[i] = '\0';
}

sohoa_status
sohoa_export_run(const sohoa_conf *conf, sohoa_catalog *cat, sohoa_signer *signer,
    const sohoa_package_schemas *sch, const sohoa_export_opts *opts, sohoa_export_result *r,
    sohoa_error *err)
{
	const char *outbox = opts->outbox && opts->outbox[0] ? opts->outbox : conf->outbox;
	const char *agent = opts->agent ? opts->agent : "sohoa " SOHOA_VERSION;
	char end_utc[32], code[64], file[200], dest[PATH_MAX], stage[PATH_MAX] = "";
	char lockpath[PATH_MAX], detail[PATH_MAX + 256];
	exp_ctx x;
	exp_aip *v = NULL;
	exp_sip *sips = NULL;
	int n = 0, nsips = 0, lockfd = -1;
	time_t start, end, now;
	struct timespec t0, t1;
	sohoa_status st = SOHOA_OK;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(r, 0, sizeof *r);
	memset(&x, 0, sizeof x);
	if (sohoa_export_month_bounds(opts->month, &start, &end, x.created) != 0)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "bad month \"%s\"", opts->month ? opts->month : "");
	snprintf(r->month, sizeof r->month, "%s", opts->month);
	if (!conf->agency_code[0] || !conf->agency_name[0])
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "cần agency_name và agency_code trong cấu hình để xuất — agency_name and"
		    " agency_code must be configured to export");
	if (!signer)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "export: no signer");
	x.conf = conf;
	x.sch = sch;
	x.month = opts->month;
	now = opts->now ? opts->now : sohoa_export_clock();
	/* The open month goes out only when asked for by name (force): its
	 * bundle is not the month's last word.  And no time inside a bundle
	 * lies in the future: the receiver's tar warns of it, and it is not
	 * true. */
	if (end > now && !opts->force) {
		r->open_month = 1;
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "tháng %s chưa kết thúc: xuất tháng đang mở cần xác nhận (--force) — month %s"
		    " has not ended: exporting the open month needs --force", opts->month,
		    opts->month);
	}
	x.mtime = end - 1;
	if (x.mtime > now) {
		time_t local = now + EXP_VN_OFFSET;
		struct tm tm;
		x.mtime = now;
		gmtime_r(&local, &tm);
		snprintf(x.created, sizeof x.created, "%04d-%02d-%02dT%02d:%02d:%02d+07:00",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	}
	iso_utc(end, end_utc);
	safe_component(conf->agency_code, code, sizeof code);
	snprintf(file, sizeof file, "sohoa-%s-%s.tar", code, opts->month);
	if ((size_t)snprintf(dest, sizeof dest, "%s/%s", outbox, file) >= sizeof dest)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "outbox path too long");
	snprintf(r->path, sizeof r->path, "%s", dest);
	snprintf(r->p7s, sizeof r->p7s, "%s.p7s", dest);

	if ((st = sohoa_fs_mkdirs(outbox, 0750, err)) != SOHOA_OK)
		return st;
	snprintf(lockpath, sizeof lockpath, "%s/.sohoa-export.lock", outbox);
	lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (lockfd < 0)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "open %s: %s", lockpath,
		    strerror(errno));
	if (flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
		close(lockfd);
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "một lần xuất khác đang chạy trên %s — another export holds the outbox", outbox);
	}
	outbox_recover(outbox);
	if (!opts->force && sohoa_catalog_month_exported(cat, opts->month)) {
		r->already = 1;
		goto out;
	}

	/* Unsigned PDFs are signed first (their AIPs change), then the month's
	 * records are read again with their new versions. */
	if ((st = select_records(conf, cat, opts->month, end_utc, &v, &n, err)) != SOHOA_OK)
		goto out;
	if ((st = sign_pending(conf, cat, signer, sch, v, n, agent, &r->pdfs_signed, err))
	    != SOHOA_OK)
		goto out;
	if (r->pdfs_signed) {
		free_records(v, n);
		if ((st = select_records(conf, cat, opts->month, end_utc, &v, &n, err)) != SOHOA_OK)
			goto out;
	}
	/* No record is ever left out silently: a done record of the month
	 * without a package stops the export, or is skipped and listed. */
	{
		int64_t *ids = NULL;
		int nu = 0;
		size_t k = 0;
		if ((st = sohoa_catalog_unpackaged(cat, end_utc, 0, &ids, &nu, err)) != SOHOA_OK)
			goto out;
		for (int i = 0; i < nu && k < sizeof r->unpackaged_ids - 16; i++)
			k += (size_t)snprintf(r->unpackaged_ids + k, sizeof r->unpackaged_ids - k,
			    "%s%lld", i ? ", " : "", (long long)ids[i]);
		if (k >= sizeof r->unpackaged_ids - 16 && nu)
			snprintf(r->unpackaged_ids + k, sizeof r->unpackaged_ids - k, ", ...");
		free(ids);
		r->unpackaged = nu;
		if (nu && !opts->skip_unpackaged) {
			st = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "%d tài liệu của tháng chưa có gói lưu trữ (số %s): xem 'sohoa show ID',"
			    " sửa rồi xuất lại, hoặc xuất không kèm chúng với --skip-unpackaged —"
			    " %d document(s) of the month have no archival package (%s): see"
			    " 'sohoa show ID', fix and export again, or leave them out with"
			    " --skip-unpackaged", nu, r->unpackaged_ids, nu, r->unpackaged_ids);
			goto out;
		}
	}
	if (n == 0) {
		r->empty = 1;
		goto out;
	}
	r->records = n;

	/* One SIP per folder; each loose document its own. */
	if (!(sips = calloc((size_t)n, sizeof *sips))) {
		st = sohoa_error_oom(err);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		if (nsips && v[i].origin[0] && !strcmp(v[i].origin, v[sips[nsips - 1].first].origin)) {
			sips[nsips - 1].count++;
			continue;
		}
		sips[nsips].first = i;
		sips[nsips].count = 1;
		nsips++;
	}
	x.buf = malloc(EXP_BUF);
	x.h = sohoa_hash_new("sha256");
	if (!x.buf || !x.h) {
		st = sohoa_error_oom(err);
		goto out;
	}
	snprintf(stage, sizeof stage, "%s/.sohoa-%s.stage-XXXXXX", outbox, opts->month);
	if (!mkdtemp(stage)) {
		st = sohoa_error_set(err, errno == ENOSPC ? SOHOA_RETRY : SOHOA_FATAL,
		    SOHOA_REASON_NONE, "create %s: %s", stage, strerror(errno));
		stage[0] = '\0';
		goto out;
	}
	for (int i = 0; i < nsips; i++) {
		if ((st = sip_write(&x, v, &sips[i], stage, err)) != SOHOA_OK)
			goto out;
		if (opts->progress)
			opts->progress(opts->progress_arg, i + 1, nsips);
	}
	r->sips = nsips;

	/* Invariant 2: the old signature goes, the new tar comes, the new
	 * signature last. */
	if (unlink(r->p7s) == 0)
		sohoa_fs_sync_dir(outbox, err);
	if ((st = bundle_write(&x, sips, nsips, stage, outbox, dest, r, err)) != SOHOA_OK)
		goto out;
	if ((st = sohoa_sign_detached(signer, dest, r->p7s, err)) != SOHOA_OK)
		goto out;
	if ((st = sohoa_hash_file(r->p7s, "sha256", r->p7s_hash, NULL, err)) != SOHOA_OK)
		goto out;
	if ((st = ledger_write(conf, cat, opts->month, file, outbox, sips, nsips, v, signer, r, err))
	    != SOHOA_OK)
		goto out;
	snprintf(detail, sizeof detail, "bundle %s for %s: %d documents in %d SIPs, %s",
	    file, opts->month, n, nsips, r->bundle_hash);
	sohoa_catalog_event_add(cat, 0, "transfer", agent, "success", detail, NULL);

	/* Invariant 3. */
	if (conf->upload_command && conf->upload_command[0]) {
		char why[256];
		if (run_upload(conf->upload_command, dest, why, sizeof why) != 0) {
			r->uploaded = -1;
			ledger_mark(cat, r->bundle_id, 0, why, NULL);
			snprintf(detail, sizeof detail, "upload of %s failed: %s", file, why);
			sohoa_catalog_event_add(cat, 0, "transfer", agent, "failure", detail, NULL);
			st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
			    "gói %s đã ký nhưng chưa gửi được, tháng %s chưa được đánh dấu đã xuất — "
			    "the bundle is signed but the upload failed, the month is not marked"
			    " exported: %s", file, opts->month, why);
			goto out;
		}
		r->uploaded = 1;
	}
	st = ledger_mark(cat, r->bundle_id, r->uploaded == 1, NULL, err);
out:
	if (stage[0]) {
		sohoa_error e;
		sohoa_error_clear(&e);
		sohoa_fs_remove_tree(stage, &e);
	}
	free_records(v, n);
	free(sips);
	free(x.buf);
	sohoa_hash_free(x.h);
	if (lockfd >= 0)
		close(lockfd);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return st;
}

/* ---- verification ------------------------------------------------------ */

void
sohoa_verify_report_init(sohoa_verify_report *rep)
{
	memset(rep, 0, sizeof *rep);
}

void
sohoa_verify_report_release(sohoa_verify_report *rep)
{
	if (!rep)
		return;
	free(rep->problems);
	free(rep->members);
	memset(rep, 0, sizeof *rep);
}

static void vproblem(sohoa_verify_report *rep, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
vproblem(sohoa_verify_report *rep, const char *where, const char *fmt, ...)
{
	sohoa_verify_problem *p = realloc(rep->problems,
	    (size_t)(rep->nproblems + 1) * sizeof *p);
	va_list ap;

	if (!p)
		return;
	rep->problems = p;
	p += rep->nproblems++;
	snprintf(p->where, sizeof p->where, "%s", where);
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof p->msg, fmt, ap);
	va_end(ap);
}

/* A relative path of non-empty components, none "." or ".."; one trailing
 * '/' (a folder entry) is allowed. */
static int
safe_rel(const char *rel)
{
	size_t n = strlen(rel);
	const char *p = rel;

	if (!n || *rel == '/' || n > 1000)
		return 0;
	if (rel[n - 1] == '/')
		n--;
	while (p < rel + n) {
		const char *slash = memchr(p, '/', (size_t)(rel + n - p));
		size_t len = slash ? (size_t)(slash - p) : (size_t)(rel + n - p);
		if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += len + 1;
	}
	return 1;
}

/* Creates the folders of rel under root. */
static int
mkparents(const char *root, const char *rel)
{
	char path[PATH_MAX * 2];
	size_t n = (size_t)snprintf(path, sizeof path, "%s/%s", root, rel), base = strlen(root) + 1;

	if (n >= sizeof path)
		return -1;
	for (size_t i = base; i < n; i++)
		if (path[i] == '/') {
			path[i] = '\0';
			if (mkdir(path, 0700) != 0 && errno != EEXIST)
				return -1;
			path[i] = '/';
		}
	return 0;
}

static void
member_bad(sohoa_verify_report *rep, int m)
{
	if (m >= 0 && m < rep->nmembers)
		rep->members[m].ok = 0;
}

/* Unpacks the SIP zip at zpath (the bundle's member mname) into work and
 * checks it. */
static void
verify_sip(const char *zpath, const char *mname, int m, const char *work, const char *ca,
    const sohoa_package_schemas *sch, sohoa_verify_report *rep)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	char root[200], where[600], dir[PATH_MAX];
	char **pdfs = NULL;
	int npdfs = 0, bad = rep->nproblems, r;
	unsigned char *buf = malloc(EXP_BUF);
	size_t rl;

	snprintf(root, sizeof root, "%.*s", (int)(strlen(mname) - 4), mname);
	rl = strlen(root);
	rep->sips++;
	if (!a || !buf) {
		vproblem(rep, mname, "out of memory");
		goto out;
	}
	archive_read_support_format_zip_seekable(a);
	if (archive_read_open_filename(a, zpath, 65536) != ARCHIVE_OK) {
		vproblem(rep, mname, "không phải tệp zip đọc được / not a readable zip: %s",
		    archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(e);
		char path[PATH_MAX * 2];
		int fd;

		if (!name || strncmp(name, root, rl) || name[rl] != '/' || !safe_rel(name)) {
			vproblem(rep, mname, "mục \"%s\" nằm ngoài thư mục %s/ / entry outside the"
			    " package folder", name ? name : "?", root);
			continue;
		}
		if (archive_entry_filetype(e) == AE_IFDIR)
			continue;
		snprintf(where, sizeof where, "%s: %s", mname, name + rl + 1);
		if (archive_entry_filetype(e) != AE_IFREG) {
			vproblem(rep, where, "không phải tệp thường / not a regular file");
			continue;
		}
		snprintf(path, sizeof path, "%s/%s", work, name);
		if (mkparents(work, name) != 0
		    || (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
			vproblem(rep, where, "không giải nén được / cannot unpack: %s (twice in the"
			    " zip?)", strerror(errno));
			continue;
		}
		for (;;) {
			la_ssize_t n = archive_read_data(a, buf, EXP_BUF);
			if (n < 0) {
				vproblem(rep, where, "tệp zip hỏng / damaged in the zip: %s",
				    archive_error_string(a));
				break;
			}
			if (n == 0)
				break;
			if (write(fd, buf, (size_t)n) != n) {
				vproblem(rep, where, "write: %s", strerror(errno));
				break;
			}
		}
		close(fd);
		if (rl + 1 < strlen(name) && strlen(name) > 4
		    && !strcmp(name + strlen(name) - 4, ".pdf")) {
			char **np = realloc(pdfs, (size_t)(npdfs + 1) * sizeof *np);
			if (np) {
				pdfs = np;
				if ((pdfs[npdfs] = strdup(name)))
					npdfs++;
			}
		}
	}
	if (r != ARCHIVE_EOF)
		vproblem(rep, mname, "tệp zip hỏng / damaged zip: %s", archive_error_string(a));
	snprintf(dir, sizeof dir, "%s/%s", work, root);
	if (access(dir, F_OK) != 0) {
		vproblem(rep, mname, "không có thư mục gói %s/ / no package folder in the zip", root);
		goto out;
	}
	{
		sohoa_package_report prep;
		sohoa_error e2;
		sohoa_package_report_init(&prep);
		sohoa_error_clear(&e2);
		if (sohoa_package_check(dir, sch, NULL, &prep, &e2) != SOHOA_OK) {
			for (int i = 0; i < prep.nproblems; i++) {
				snprintf(where, sizeof where, "%s: %s", mname, prep.problems[i].file);
				vproblem(rep, where, "%s", prep.problems[i].msg);
			}
			if (!prep.nproblems)
				vproblem(rep, mname, "%s", e2.msg);
		}
		rep->files_checked += prep.files_checked;
		sohoa_package_report_release(&prep);
	}
	{
		/* Documents: one EAD_doc each. */
		DIR *d;
		char md[PATH_MAX + 32];
		snprintf(md, sizeof md, "%s/metadata/descriptive", dir);
		if ((d = opendir(md))) {
			struct dirent *de;
			while ((de = readdir(d)) != NULL)
				if (!strncmp(de->d_name, "EAD_doc", 7) && m >= 0)
					rep->members[m].docs++;
			closedir(d);
		}
	}
	for (int i = 0; i < npdfs; i++) {
		char path[PATH_MAX * 2];
		sohoa_error e2;
		int s;
		snprintf(path, sizeof path, "%s/%s", work, pdfs[i]);
		snprintf(where, sizeof where, "%s: %s", mname, pdfs[i] + rl + 1);
		rep->pdfs++;
		sohoa_error_clear(&e2);
		s = sohoa_pdf_is_signed(path);
		if (s == 0) {
			vproblem(rep, where, "PDF chưa được ký số / the PDF carries no signature");
			continue;
		}
		{
			sohoa_pdf_check chk;
			if (sohoa_verify_pdf_ex(path, ca, &chk, &e2) != SOHOA_OK) {
				vproblem(rep, where, "chữ ký số trên PDF không hợp lệ / PDF signature"
				    " invalid: %s", e2.msg);
				continue;
			}
			rep->pdfs_ok++;
			if (chk.timestamp[0])
				rep->pdfs_timestamped++;
			if (!strncmp(chk.level, "B-LT", 4))
				rep->pdfs_lt++;
		}
		if (m >= 0)
			rep->members[m].pdfs++;
	}
out:
	if (rep->nproblems != bad)
		member_bad(rep, m);
	else
		rep->sips_ok++;
	for (int i = 0; i < npdfs; i++)
		free(pdfs[i]);
	free(pdfs);
	free(buf);
	if (a)
		archive_read_free(a);
	{
		sohoa_error e2;
		sohoa_error_clear(&e2);
		snprintf(dir, sizeof dir, "%s/%s", work, root);
		sohoa_fs_remove_tree(dir, &e2);
	}
}

/* Parses the manifest and compares it with the members. */
static void
verify_manifest(const char *text, size_t len, sohoa_verify_report *rep)
{
	char *copy = malloc(len + 1), *line, *next;
	int lineno = 0, *listed = calloc((size_t)rep->nmembers + 1, sizeof *listed);
	int bad = rep->nproblems;

	if (!copy || !listed) {
		vproblem(rep, SOHOA_EXPORT_MANIFEST, "out of memory");
		free(copy);
		free(listed);
		return;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	if (memchr(text, '\0', len))
		vproblem(rep, SOHOA_EXPORT_MANIFEST, "chứa byte NUL / holds a NUL byte");
	if (len && text[len - 1] != '\n')
		vproblem(rep, SOHOA_EXPORT_MANIFEST, "dòng cuối không kết thúc / last line unterminated");
	for (line = copy; *line; line = next) {
		char *name, *nl = strchr(line, '\n');
		int m = -1;
		next = nl ? nl + 1 : line + strlen(line);
		if (nl)
			*nl = '\0';
		lineno++;
		if (strlen(line) < 67 || strspn(line, "0123456789abcdef") != 64 || line[64] != ' '
		    || (line[65] != ' ' && line[65] != '*')) {
			vproblem(rep, SOHOA_EXPORT_MANIFEST, "dòng %d sai định dạng / line %d is not"
			    " \"<sha256>  <name>\"", lineno, lineno);
			continue;
		}
		name = line + 66;
		for (int i = 0; i < rep->nmembers; i++)
			if (!strcmp(rep->members[i].name, name))
				m = i;
		if (m < 0 || !strcmp(name, SOHOA_EXPORT_MANIFEST)) {
			vproblem(rep, SOHOA_EXPORT_MANIFEST, "dòng %d nêu \"%.200s\", không có trong gói"
			    " / line %d lists a member the bundle does not hold", lineno, name, lineno);
			continue;
		}
		if (listed[m]++) {
			vproblem(rep, SOHOA_EXPORT_MANIFEST, "%s được nêu hai lần / listed twice", name);
			continue;
		}
		if (strncmp(rep->members[m].hash + 7, line, 64)) {
			char where[300];
			snprintf(where, sizeof where, "%s", name);
			vproblem(rep, where, "SHA-256 khác với %s dòng %d / differs from the manifest"
			    " (%s, manifest says %.64s)", SOHOA_EXPORT_MANIFEST, lineno,
			    rep->members[m].hash + 7, line);
			member_bad(rep, m);
		}
	}
	for (int i = 0; i < rep->nmembers; i++)
		if (!listed[i] && strcmp(rep->members[i].name, SOHOA_EXPORT_MANIFEST)) {
			vproblem(rep, rep->members[i].name, "không có trong %s / not in the manifest",
			    SOHOA_EXPORT_MANIFEST);
			member_bad(rep, i);
		}
	rep->manifest_ok = rep->nproblems == bad;
	free(copy);
	free(listed);
}

sohoa_status
sohoa_export_verify(const char *bundle, const char *p7s, const char *ca,
    const sohoa_package_schemas *sch, sohoa_verify_report *rep, sohoa_error *err)
{
	char sig[PATH_MAX + 8], work[PATH_MAX], zpath[PATH_MAX + 32];
	const char *tmpdir = getenv("TMPDIR");
	struct archive *a = NULL;
	struct archive_entry *e;
	unsigned char *buf = NULL;
	char *manifest = NULL;
	size_t mlen = 0;
	int have_manifest = 0, r;
	const char *bname = strrchr(bundle, '/') ? strrchr(bundle, '/') + 1 : bundle;
	sohoa_hash *h = NULL;
	sohoa_error e2;
	sohoa_status st = SOHOA_OK;

	if (access(bundle, R_OK) != 0)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_UNREADABLE,
		    "không đọc được %s — cannot read the bundle: %s", bundle, strerror(errno));
	if (!p7s) {
		snprintf(sig, sizeof sig, "%s.p7s", bundle);
		p7s = sig;
	}
	rep->chain_checked = ca != NULL;
	/* 1. The signature over the whole tar. */
	sohoa_error_clear(&e2);
	if (access(p7s, F_OK) != 0) {
		vproblem(rep, strrchr(p7s, '/') ? strrchr(p7s, '/') + 1 : p7s,
		    "không có chữ ký / the signature file is missing");
	} else if (sohoa_verify_detached(bundle, p7s, ca, rep->signer, sizeof rep->signer, &e2)
	    != SOHOA_OK) {
		vproblem(rep, strrchr(p7s, '/') ? strrchr(p7s, '/') + 1 : p7s,
		    "chữ ký CMS không khớp với %s / the signature does not verify: %s", bname, e2.msg);
	} else {
		rep->signature_ok = 1;
	}

	snprintf(work, sizeof work, "%s/sohoa-verify-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(work))
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "mkdtemp %s: %s", work,
		    strerror(errno));
	buf = malloc(EXP_BUF);
	h = sohoa_hash_new("sha256");
	a = archive_read_new();
	if (!buf || !h || !a) {
		st = sohoa_error_oom(err);
		goto out;
	}
	archive_read_support_format_tar(a);
	if (archive_read_open_filename(a, bundle, 65536) != ARCHIVE_OK) {
		vproblem(rep, bname, "không phải tệp tar đọc được / not a readable tar: %s",
		    archive_error_string(a));
		goto done;
	}
	/* 2. Every member: hashed; the manifest kept; each zip unpacked and
	 * checked, one at a time. */
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		sohoa_verify_member *mm;
		int m, fd = -1, is_zip, is_manifest, dup = 0;
		long long size = 0;

		mm = realloc(rep->members, (size_t)(rep->nmembers + 1) * sizeof *mm);
		if (!mm) {
			st = sohoa_error_oom(err);
			goto out;
		}
		rep->members = mm;
		m = rep->nmembers++;
		memset(&mm[m], 0, sizeof mm[m]);
		mm[m].ok = 1;
		snprintf(mm[m].name, sizeof mm[m].name, "%s", name ? name : "?");
		for (int i = 0; i < m; i++)
			if (!strcmp(mm[i].name, mm[m].name))
				dup = 1;
		if (dup) {
			vproblem(rep, mm[m].name, "có hai lần trong gói / the bundle holds it twice");
			mm[m].ok = 0;
		}
		if (!name || strchr(name, '/') || name[0] == '.' || !*name) {
			vproblem(rep, mm[m].name, "tên không hợp lệ / a member name must be a plain"
			    " file name");
			mm[m].ok = 0;
			archive_read_data_skip(a);
			continue;
		}
		if (archive_entry_filetype(e) != AE_IFREG) {
			vproblem(rep, name, "không phải tệp thường / not a regular file");
			mm[m].ok = 0;
			continue;
		}
		is_manifest = !strcmp(name, SOHOA_EXPORT_MANIFEST);
		is_zip = strlen(name) > 4 && !strcmp(name + strlen(name) - 4, ".zip") && !dup;
		if (!is_manifest && !is_zip) {
			vproblem(rep, name, "không phải SIP (.zip) hay %s / unexpected member",
			    SOHOA_EXPORT_MANIFEST);
			mm[m].ok = 0;
		}
		if (is_manifest && !have_manifest) {
			long long sz = archive_entry_size(e);
			if (sz < 0 || sz > (long long)EXP_MANIFEST_MAX) {
				vproblem(rep, name, "quá lớn / too large");
				is_manifest = 0;
			} else if (!(manifest = malloc((size_t)sz + 1))) {
				st = sohoa_error_oom(err);
				goto out;
			}
		} else {
			is_manifest = 0;
		}
		if (is_zip) {
			snprintf(zpath, sizeof zpath, "%s/member.zip", work);
			fd = open(zpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			if (fd < 0) {
				st = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "create %s: %s",
				    zpath, strerror(errno));
				goto out;
			}
		}
		for (;;) {
			la_ssize_t n = archive_read_data(a, buf, EXP_BUF);
			if (n < 0) {
				vproblem(rep, name, "tar hỏng / damaged tar: %s", archive_error_string(a));
				mm[m].ok = 0;
				break;
			}
			if (n == 0)
				break;
			sohoa_hash_update(h, buf, (size_t)n);
			if (is_manifest && mlen + (size_t)n <= EXP_MANIFEST_MAX) {
				memcpy(manifest + mlen, buf, (size_t)n);
				mlen += (size_t)n;
			}
			if (fd >= 0 && write(fd, buf, (size_t)n) != n) {
				st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "write %s: %s",
				    zpath, strerror(errno));
				close(fd);
				goto out;
			}
			size += n;
		}
		sohoa_hash_final(h, mm[m].hash);
		mm[m].size = size;
		if (is_manifest)
			have_manifest = 1;
		if (fd >= 0) {
			close(fd);
			if (mm[m].ok)
				verify_sip(zpath, name, m, work, ca, sch, rep);
			unlink(zpath);
		}
	}
	if (r != ARCHIVE_EOF)
		vproblem(rep, bname, "tar hỏng / damaged tar: %s", archive_error_string(a));
	/* 3. The manifest against the members. */
	if (!have_manifest)
		vproblem(rep, SOHOA_EXPORT_MANIFEST, "không có trong gói / missing from the bundle");
	else
		verify_manifest(manifest, mlen, rep);
done:
	sohoa_error_clear(&e2);
	sohoa_hash_file(bundle, "sha256", rep->bundle_hash, NULL, &e2);
	if (rep->nproblems)
		st = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE, "%s: %s",
		    rep->problems[0].where, rep->problems[0].msg);
out:
	if (a)
		archive_read_free(a);
	free(buf);
	free(manifest);
	sohoa_hash_free(h);
	{
		sohoa_error e3;
		sohoa_error_clear(&e3);
		sohoa_fs_remove_tree(work, &e3);
	}
	return st;
}
