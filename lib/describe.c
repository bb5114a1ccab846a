/*
 * describe.c - fields, hồ sơ values, probable duplicates and packages for a
 * record after its OCR (see describe.h).
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sohoa/describe.h"
#include "sohoa/extract.h"
#include "sohoa/fields.h"
#include "sohoa/fsutil.h"
#include "sohoa/hash.h"
#include "sohoa/package.h"
#include "sohoa/spool.h"
#include "sohoa/store.h"
#include "sohoa/tailieu.h"
#include "sohoa/textsafe.h"
#include "sohoa/vitext.h"
#include <sys/stat.h>

sohoa_status
sohoa_describe_hoso(const sohoa_conf *conf, sohoa_catalog *cat, const char *origin,
    sohoa_hoso *out, sohoa_error *err)
{
	char path[PATH_MAX];
	sqlite3_stmt *st;
	sohoa_status rc;

	sohoa_hoso_init(out);
	sohoa_hoso_set(out, SOHOA_H_MAINTENANCE, conf->default_maintenance, "config", NULL);
	sohoa_hoso_set(out, SOHOA_H_MODE, conf->default_mode, "config", NULL);
	sohoa_hoso_set(out, SOHOA_H_LANGUAGE, conf->default_language, "config", NULL);
	sohoa_hoso_set(out, SOHOA_H_CONFIDENCE_LEVEL, conf->default_confidence_level, "config",
	    NULL);
	/* The folder's name is the title until someone says otherwise. */
	if (origin && *origin) {
		const char *base = strrchr(origin, '/');
		sohoa_hoso_set(out, SOHOA_H_TITLE, base ? base + 1 : origin, "folder", NULL);
	}
	snprintf(path, sizeof path, "%s%s%s", origin ? origin : "", origin && *origin ? "/" : "",
	    SOHOA_HOSO_SIDECAR);
	/* The inbox is the share's: its folder is reached through folder fds,
	 * never through a link (fsutil.h); a folder gone is no sidecar. */
	{
		int dfd = sohoa_fs_open_dir_beneath(conf->inbox, origin ? origin : "");
		if (dfd >= 0) {
			rc = sohoa_hoso_load_at(out, dfd, SOHOA_HOSO_SIDECAR, path, err);
			close(dfd);
		} else {
			rc = SOHOA_OK;
		}
	}
	/* Remember what the folder said (the sidecar may go away later), and
	 * apply a person's corrections last. */
	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT name, value, source FROM hoso"
	    " WHERE origin = ? ORDER BY source = 'person'", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, origin ? origin : "", -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW) {
			sohoa_hoso_id h = sohoa_hoso_from_name((const char *)sqlite3_column_text(st, 0));
			const char *src = (const char *)sqlite3_column_text(st, 2);
			if (h == SOHOA_H_COUNT)
				continue;
			/* A sidecar read now wins over one remembered from before. */
			if (strcmp(src, "person") && !strcmp(out->source[h], "sidecar"))
				continue;
			if (!strcmp(src, "person") || !out->v[h] || strcmp(out->source[h], "sidecar"))
				sohoa_hoso_set(out, h, (const char *)sqlite3_column_text(st, 1), src, NULL);
		}
		sqlite3_finalize(st);
	}
	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "INSERT INTO hoso (origin, name, value, source)"
	    " VALUES (?, ?, ?, 'sidecar') ON CONFLICT (origin, name) DO UPDATE SET"
	    " value = excluded.value, source = 'sidecar' WHERE hoso.source <> 'person'", -1, &st,
	    NULL) == SQLITE_OK) {
		for (int i = 0; i < SOHOA_H_COUNT; i++) {
			if (!out->v[i] || strcmp(out->source[i], "sidecar"))
				continue;
			sqlite3_reset(st);
			sqlite3_bind_text(st, 1, origin ? origin : "", -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, sohoa_hoso_name((sohoa_hoso_id)i), -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, out->v[i], -1, SQLITE_STATIC);
			sqlite3_step(st);
		}
		sqlite3_finalize(st);
	}
	return rc;
}

/*
 * What the hồ sơ's documents say about it, for what neither hoso.txt nor a
 * person gave: totalDoc (its documents done), numberOfPage (their pages),
 * numberOfPaper (= numberOfPage: every scanned page image is taken as one
 * sheet side scanned on its own; hoso.txt can say otherwise), startDate and
 * endDate (the earliest and latest issuedDate).  A loose document (no
 * folder) is a hồ sơ of its own.
 */
static void
hoso_derived(sohoa_catalog *cat, const char *origin, long long id, sohoa_hoso *h)
{
	sqlite3_stmt *st;
	char num[32];
	int loose = !origin || !*origin;

	if (sqlite3_prepare_v2(sohoa_catalog_db(cat),
	    loose ? "SELECT count(*), total(r.page_count), strftime('%d/%m/%Y', min(f.value)),"
	    " strftime('%d/%m/%Y', max(f.value)) FROM records r"
	    " LEFT JOIN fields f ON f.record_id = r.id AND f.name = 'issuedDate'"
	    " WHERE r.id = ? AND r.state = 'done'"
	    : "SELECT count(*), total(r.page_count), strftime('%d/%m/%Y', min(f.value)),"
	    " strftime('%d/%m/%Y', max(f.value)) FROM records r"
	    " LEFT JOIN fields f ON f.record_id = r.id AND f.name = 'issuedDate'"
	    " WHERE r.origin = ? AND r.state = 'done'", -1, &st, NULL) != SQLITE_OK)
		return;
	if (loose)
		sqlite3_bind_int64(st, 1, id);
	else
		sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0) {
		snprintf(num, sizeof num, "%lld", (long long)sqlite3_column_int64(st, 0));
		if (!h->v[SOHOA_H_TOTAL_DOC])
			sohoa_hoso_set(h, SOHOA_H_TOTAL_DOC, num, "folder", NULL);
		snprintf(num, sizeof num, "%lld", (long long)sqlite3_column_double(st, 1));
		if (!h->v[SOHOA_H_NUMBER_OF_PAGE])
			sohoa_hoso_set(h, SOHOA_H_NUMBER_OF_PAGE, num, "folder", NULL);
		if (!h->v[SOHOA_H_NUMBER_OF_PAPER])
			sohoa_hoso_set(h, SOHOA_H_NUMBER_OF_PAPER, num, "folder", NULL);
		if (!h->v[SOHOA_H_START_DATE] && sqlite3_column_type(st, 2) == SQLITE_TEXT)
			sohoa_hoso_set(h, SOHOA_H_START_DATE, (const char *)sqlite3_column_text(st, 2),
			    "folder", NULL);
		if (!h->v[SOHOA_H_END_DATE] && sqlite3_column_type(st, 3) == SQLITE_TEXT)
			sohoa_hoso_set(h, SOHOA_H_END_DATE, (const char *)sqlite3_column_text(st, 3),
			    "folder", NULL);
	}
	sqlite3_finalize(st);
}

/*
 * Mã hồ sơ when hoso.txt (or a person) gives none, following TT 05's form
 * mã định danh cơ quan . năm hình thành . số hồ sơ: the year the hồ sơ's
 * first scan arrived, and "HS<nnn>", the folder's place among all folders
 * by their first scan (for a loose document "TL<record id>").  Never
 * changes once the first scan is in: every document of a folder gets the
 * same code.  A real code in hoso.txt replaces it.
 */
static void
hoso_file_code(sohoa_catalog *cat, const sohoa_conf *conf, const char *origin, long long id,
    sohoa_hoso *h)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st;
	char year[8] = "", code[160];
	long long n = 0;
	int loose = !origin || !*origin;
	const char *agency = conf->agency_code[0] ? conf->agency_code : "SOHOA";

	if (h->v[SOHOA_H_FILE_CODE])
		return;
	if (sqlite3_prepare_v2(db, loose ? "SELECT substr(created_at, 1, 4), id FROM records"
	    " WHERE id = ?"
	    : "SELECT substr(min(created_at), 1, 4), (SELECT count(*) FROM (SELECT min(id) AS m"
	    "  FROM records WHERE origin <> '' GROUP BY origin) WHERE m <= (SELECT min(id)"
	    "  FROM records WHERE origin = ?1)) FROM records WHERE origin = ?1", -1, &st, NULL)
	    != SQLITE_OK)
		return;
	if (loose)
		sqlite3_bind_int64(st, 1, id);
	else
		sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT) {
		snprintf(year, sizeof year, "%s", (const char *)sqlite3_column_text(st, 0));
		n = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (strlen(year) != 4 || n <= 0)
		return;
	if (loose)
		snprintf(code, sizeof code, "%.60s.%s.TL%07lld", agency, year, n);
	else
		snprintf(code, sizeof code, "%.60s.%s.HS%03lld", agency, year, n);
	sohoa_hoso_set(h, SOHOA_H_FILE_CODE, code, "folder", NULL);
}

static int
valid_ymd(int y, int m, int d)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	return !(m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
}

sohoa_status
sohoa_describe_check_value(const char *field, const char *value, char **out, sohoa_error *err)
{
	sohoa_field_id id = sohoa_field_from_name(field);
	char *nfc;

	*out = NULL;
	if (id == SOHOA_F_COUNT)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "không có trường \"%s\" (unknown field)", field);
	if (!value || !*value)
		return SOHOA_OK;   /* clearing a field */
	nfc = sohoa_vi_nfc(value, strlen(value), NULL);
	if (!nfc)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "giá trị không phải UTF-8 hợp lệ (invalid UTF-8)");
	{
		/* A control character (or a noncharacter) is refused, not stored:
		 * the value would reach terminals and packages (textsafe.h). */
		size_t len = strlen(nfc), flen = 0;
		char *f = sohoa_text_field(nfc, len, &flen);
		int same = f && flen == len && !memcmp(f, nfc, len);
		free(f);
		if (!same) {
			free(nfc);
			return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "giá trị chứa ký tự điều khiển (holds a control character)");
		}
	}
	if (id == SOHOA_F_ISSUED_DATE) {
		int y, m, d, n = 0;
		char iso[16];
		if (!((sscanf(nfc, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && !nfc[n])
		    || (n = 0, sscanf(nfc, "%2d/%2d/%4d%n", &d, &m, &y, &n) == 3 && !nfc[n]))
		    || !valid_ymd(y, m, d)) {
			free(nfc);
			return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "ngày \"%s\" không hợp lệ: viết 2024-03-05 hoặc 05/03/2024", value);
		}
		snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
		free(nfc);
		nfc = strdup(iso);
	} else if (id == SOHOA_F_TYPE_NAME) {
		/* A code, the name or an abbreviation (fields.h): "02",
		 * "Quyết định", "quyet dinh", "QĐ", "CV". */
		const sohoa_doc_type *t = sohoa_doc_type_lookup(nfc);

		free(nfc);
		if (!t)
			return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "loại \"%s\" không có trong danh mục 01-32 của Thông tư 05; ghi mã (02),"
			    " tên (Quyết định) hoặc ký hiệu (QĐ, CV) — unknown document type", value);
		nfc = strdup(t->code);
	} else if (id == SOHOA_F_CODE_NUMBER && strspn(nfc, "0123456789") != strlen(nfc)) {
		free(nfc);
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "số \"%s\" phải là chữ số (the number is digits only)", value);
	}
	if (!nfc)
		return sohoa_error_oom(err);
	*out = nfc;
	return SOHOA_OK;
}

/* ---- transactions ---------------------------------------------------- */

/*
 * A unit of catalog work that is its own transaction when the caller has
 * none open (one commit, one WAL sync), and a savepoint inside the caller's
 * transaction otherwise (the caller's commit makes it durable, and a
 * failure here undoes only this part).
 */
static sohoa_status
unit_begin(sqlite3 *db, const char *name, int *own, sohoa_error *err)
{
	char sql[64];

	*own = sqlite3_get_autocommit(db);
	snprintf(sql, sizeof sql, *own ? "BEGIN IMMEDIATE" : "SAVEPOINT %s", name);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "catalog: %s",
		    sqlite3_errmsg(db));
	return SOHOA_OK;
}

static sohoa_status
unit_end(sqlite3 *db, const char *name, int own, sohoa_error *err)
{
	char sql[64];

	snprintf(sql, sizeof sql, own ? "COMMIT" : "RELEASE %s", name);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		sohoa_status st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "catalog: %s", sqlite3_errmsg(db));
		if (own && !sqlite3_get_autocommit(db))
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return st;
	}
	return SOHOA_OK;
}

static void
unit_undo(sqlite3 *db, const char *name, int own)
{
	char sql[128];

	if (own) {
		if (!sqlite3_get_autocommit(db))
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return;
	}
	snprintf(sql, sizeof sql, "ROLLBACK TO %s; RELEASE %s", name, name);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* ---- packages -------------------------------------------------------- */


static const char *
mime_of(const char *path)
{
	unsigned char head[8] = { 0 };
	FILE *f = fopen(path, "rb");

	if (f) {
		if (fread(head, 1, sizeof head, f) == 0)
			head[0] = 0;
		fclose(f);
	}
	if (!memcmp(head, "\x89PNG", 4))
		return "image/png";
	if (head[0] == 0xFF && head[1] == 0xD8)
		return "image/jpeg";
	if (!memcmp(head, "%PDF", 4))
		return "application/pdf";
	return "image/tiff";
}

static const char *
ext_of_mime(const char *mime)
{
	return !strcmp(mime, "image/png") ? ".png" : !strcmp(mime, "image/jpeg") ? ".jpg"
	    : !strcmp(mime, "application/pdf") ? ".pdf" : ".tif";
}

struct pkg_events {
	sohoa_package_event *ev;
	char **strings;
	int n, ns;
};

static void
pkg_events_release(struct pkg_events *pe)
{
	for (int i = 0; i < pe->ns; i++)
		free(pe->strings[i]);
	free(pe->strings);
	free(pe->ev);
	memset(pe, 0, sizeof *pe);
}

static const char *
keep(struct pkg_events *pe, const unsigned char *s)
{
	char **n;
	if (!s)
		return NULL;
	n = realloc(pe->strings, (size_t)(pe->ns + 1) * sizeof *n);
	if (!n)
		return NULL;
	pe->strings = n;
	return pe->strings[pe->ns++] = strdup((const char *)s);
}

static int
load_events(sohoa_catalog *cat, int64_t id, struct pkg_events *pe)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT type, at, agent, outcome, detail"
	    " FROM events WHERE record_id = ? ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		sohoa_package_event *n = realloc(pe->ev, (size_t)(pe->n + 1) * sizeof *n);
		if (!n)
			break;
		pe->ev = n;
		n[pe->n].type = keep(pe, sqlite3_column_text(st, 0));
		n[pe->n].at = keep(pe, sqlite3_column_text(st, 1));
		n[pe->n].agent = keep(pe, sqlite3_column_text(st, 2));
		n[pe->n].outcome = keep(pe, sqlite3_column_text(st, 3));
		n[pe->n].detail = keep(pe, sqlite3_column_text(st, 4));
		pe->n++;
	}
	sqlite3_finalize(st);
	return 0;
}

static sohoa_status describe_package(const sohoa_conf *conf, sohoa_catalog *cat,
    const sohoa_package_schemas *schemas, int64_t id, const char *agent, int *catalog_failed,
    sohoa_error *err);

sohoa_status
sohoa_describe_package(const sohoa_conf *conf, sohoa_catalog *cat,
    const sohoa_package_schemas *schemas, int64_t id, const char *agent, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sohoa_status rc;
	int own, catalog_failed = 0;

	/*
	 * The docId, the hồ sơ values, the events and where the package is go
	 * into the catalog in one transaction (one commit, one WAL sync),
	 * committed after the package is in place: a crash before the commit
	 * leaves packaged_at as it was, and the package is written again (same
	 * docId and UUID, so the same place).  The write lock is held while the
	 * package is written.
	 */
	if ((rc = unit_begin(db, "sohoa_describe_package", &own, err)) != SOHOA_OK)
		return rc;
	rc = describe_package(conf, cat, schemas, id, agent, &catalog_failed, err);
	if (catalog_failed) {
		unit_undo(db, "sohoa_describe_package", own);
		return rc;
	}
	/* A package that could not be written still leaves its docId and its
	 * failure event. */
	if (unit_end(db, "sohoa_describe_package", own, err) != SOHOA_OK)
		return err ? err->status : SOHOA_RETRY;
	return rc;
}

static sohoa_status
describe_package(const sohoa_conf *conf, sohoa_catalog *cat,
    const sohoa_package_schemas *schemas, int64_t id, const char *agent, int *catalog_failed,
    sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st;
	char spool_id[64] = "", origin[PATH_MAX] = "", name[PATH_MAX] = "", doc_id[32] = "";
	char uuid[37], now[32], orig_path[PATH_MAX], pdf_path[PATH_MAX + 16],
	    pdf_name[64], detail[PATH_MAX + 64], pages[16], first_created[40] = "";
	int page_count = 0, seq = 0, nfiles = 0, nparts = 0;
	sohoa_fields fs;
	sohoa_hoso hoso;
	struct pkg_events pe = { 0 };
	sohoa_package_file *files = NULL;
	struct { char *path, *name, *original; } *paths = NULL;
	sohoa_envelope env = { .nparts = 0 };
	char entry[PATH_MAX];
	sohoa_package_agency agency = { conf->agency_name, conf->agency_code,
		conf->fonds_code[0] ? conf->fonds_code : conf->agency_code[0] ? conf->agency_code
		: "sohoa" };
	sohoa_package_input in;
	sohoa_package_result res;
	sohoa_status rc;
	struct stat sb;

	/* docCode's ordinal: the record's place among the hồ sơ's records
	 * (quarantined ones aside) in pickup order (record id), whether or not
	 * their OCR has finished: the same scans give the same numbers whatever
	 * order the OCR jobs end in, and a scan added later gets the next one. */
	if (sqlite3_prepare_v2(db, "SELECT spool_id, origin, name, doc_id, page_count,"
	    " (SELECT count(*) FROM records o WHERE o.origin = r.origin AND o.id <= r.id"
	    "  AND o.state <> 'quarantined'), package_path FROM records r"
	    " WHERE id = ? AND state = 'done'",
	    -1, &st, NULL)
	    != SQLITE_OK)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "catalog: %s",
		    sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(spool_id, sizeof spool_id, "%s", sqlite3_column_text(st, 0));
		snprintf(origin, sizeof origin, "%s", sqlite3_column_text(st, 1));
		snprintf(name, sizeof name, "%s", sqlite3_column_text(st, 2));
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			snprintf(doc_id, sizeof doc_id, "%s", sqlite3_column_text(st, 3));
		page_count = sqlite3_column_int(st, 4);
		seq = sqlite3_column_int(st, 5);
		/* A package rewritten keeps its first CREATEDATE (METS
		 * LASTMODDATE says when it changed). */
		if (sqlite3_column_type(st, 6) != SQLITE_NULL
		    && sohoa_store_package_path(conf, (const char *)sqlite3_column_text(st, 6),
		    orig_path, sizeof orig_path) == 0)
			sohoa_package_createdate(orig_path, first_created, sizeof first_created);
	}
	sqlite3_finalize(st);
	if (!spool_id[0])
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "record %lld is not done", (long long)id);
	if (!doc_id[0]) {
		/* docId (S25): the agency's code and the record number. */
		snprintf(doc_id, sizeof doc_id, "%.16s.%07lld",
		    conf->agency_code[0] ? conf->agency_code : "SOHOA", (long long)id);
		if (sqlite3_prepare_v2(db, "UPDATE records SET doc_id = ? WHERE id = ?", -1, &st,
		    NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, doc_id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, id);
			sqlite3_step(st);
			sqlite3_finalize(st);
		}
	}
	snprintf(entry, sizeof entry, "%s/spool/done/%s", conf->state_dir, spool_id);
	snprintf(pdf_path, sizeof pdf_path, "%s/document.pdf", entry);
	/* A document folder's pages are each a preservation file, named after
	 * the docId and their place (<docId>.001.tif ...), with the names the
	 * archivist gave them. */
	nparts = sohoa_tailieu_parts_in(entry);
	files = calloc((size_t)(nparts ? nparts : 1) + 1, sizeof *files);
	paths = calloc((size_t)(nparts ? nparts : 1), sizeof *paths);
	if (!files || !paths) {
		rc = sohoa_error_oom(err);
		goto out;
	}
	if (nparts) {
		sohoa_error lerr;
		sohoa_spool *sp;
		sohoa_error_clear(&lerr);
		sp = sohoa_spool_open(conf->state_dir, &lerr);
		if (!sp || sohoa_spool_read_envelope(sp, "done", spool_id, &env, &lerr) != SOHOA_OK
		    || env.nparts != nparts) {
			sohoa_spool_free(sp);
			rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
			    "%s: the envelope does not list its %d page files%s%s", entry, nparts,
			    lerr.msg[0] ? ": " : "", lerr.msg);
			goto out;
		}
		sohoa_spool_free(sp);
	}
	for (int i = 0; i < (nparts ? nparts : 1); i++) {
		char tail[16];
		const char *mime;
		sohoa_tailieu_part_path(entry, nparts, i, orig_path, sizeof orig_path);
		mime = mime_of(orig_path);
		/* A single scanner PDF must not take the name of the PDF/A
		 * (<docId>.pdf, TT 05's docId file name): it is the scan. */
		if (nparts)
			snprintf(tail, sizeof tail, ".%03d", i + 1);
		else if (!strcmp(mime, "application/pdf"))
			snprintf(tail, sizeof tail, ".scan");
		else
			tail[0] = '\0';
		if (asprintf(&paths[i].path, "%s", orig_path) < 0
		    || asprintf(&paths[i].name, "%s%s%s", doc_id, tail, ext_of_mime(mime)) < 0
		    || (nparts && !(paths[i].original = sohoa_text_from_bytes(env.part_names[i],
		    strlen(env.part_names[i]))))) {
			rc = sohoa_error_oom(err);
			goto out;
		}
		files[nfiles++] = (sohoa_package_file){ paths[i].path, paths[i].name, mime,
			"preservation", nparts ? paths[i].original : name };
	}
	if (stat(pdf_path, &sb) == 0) {
		snprintf(pdf_name, sizeof pdf_name, "%s.pdf", doc_id);
		files[nfiles++] = (sohoa_package_file){ pdf_path, pdf_name, "application/pdf",
			"access", NULL };
	}
	sohoa_fields_init(&fs);
	rc = sohoa_catalog_load_fields(cat, id, &fs, err);
	snprintf(pages, sizeof pages, "%d", page_count);
	if (!fs.f[SOHOA_F_NUMBER_OF_PAGE].value)
		sohoa_fields_set(&fs, SOHOA_F_NUMBER_OF_PAGE, pages, "ocr", 1);
	sohoa_hoso_init(&hoso);
	if (rc == SOHOA_OK) {
		sohoa_error herr;
		sohoa_error_clear(&herr);
		if (sohoa_describe_hoso(conf, cat, origin, &hoso, &herr) != SOHOA_OK)
			sohoa_catalog_event_add(cat, id, "validation", agent, "warning", herr.msg, NULL);
		hoso_derived(cat, origin, id, &hoso);
		hoso_file_code(cat, conf, origin, id, &hoso);
	}
	if (rc == SOHOA_OK && load_events(cat, id, &pe) != 0)
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "cannot read events");
	if (rc != SOHOA_OK)
		goto out;
	{
		/* Stable: the same every time the package is rewritten. */
		char key[96];
		int n = snprintf(key, sizeof key, "sohoa-record:%s", spool_id);
		sohoa_uuid_from_name(key, (size_t)n, uuid);
	}
	sohoa_now_iso(now);
	memset(&in, 0, sizeof in);
	in.kind = SOHOA_PACKAGE_AIP;
	in.record_id = id;
	in.doc_id = doc_id;
	in.file_code = hoso.v[SOHOA_H_FILE_CODE];
	in.doc_seq = hoso.v[SOHOA_H_FILE_CODE] ? (origin[0] ? seq : 1) : 0;   /* a loose document is a hồ sơ of one */
	in.doc = &fs;
	in.hoso = &hoso;
	in.files = files;
	in.nfiles = nfiles;
	in.events = pe.ev;
	in.nevents = pe.n;
	in.agency = &agency;
	in.software = "sohoa " SOHOA_VERSION;
	in.created = now;
	in.first_created = first_created;
	in.uuid = uuid;
	if ((rc = sohoa_fs_mkdirs(conf->package_dir, 0750, err)) != SOHOA_OK)
		goto out;
	memset(&res, 0, sizeof res);
	rc = sohoa_package_write(&in, schemas, conf->package_dir, &res, err);
	if (rc != SOHOA_OK) {
		sohoa_catalog_event_add(cat, id, "information package creation", agent, "failure",
		    err->msg, NULL);
		goto out;
	}
	if (sqlite3_prepare_v2(db, "UPDATE records SET package_path = ?, package_mets_hash = ?,"
	    " packaged_at = ? WHERE id = ?", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, sohoa_store_package_name(res.dir), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, res.mets_hash, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, id);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "catalog: %s",
			    sqlite3_errmsg(db));
		sqlite3_finalize(st);
	} else {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "catalog: %s",
		    sqlite3_errmsg(db));
	}
	snprintf(detail, sizeof detail, "%s (%s)", res.objid, res.mets_hash);
	if (rc == SOHOA_OK)
		rc = sohoa_catalog_event_add(cat, id, "information package creation", agent,
		    "success", detail, err);
	/* The package is in place but the catalog cannot say so: undone, and
	 * written again later (packaged_at stays as it was). */
	if (rc != SOHOA_OK)
		*catalog_failed = 1;
out:
	for (int i = 0; paths && i < (nparts ? nparts : 1); i++) {
		free(paths[i].path);
		free(paths[i].name);
		free(paths[i].original);
	}
	free(paths);
	free(files);
	sohoa_envelope_release(&env);
	pkg_events_release(&pe);
	sohoa_fields_release(&fs);
	sohoa_hoso_release(&hoso);
	return rc;
}

/* ---- fields from the page and probable duplicates --------------------- */

/* The OCR text of a record, its pages in order joined by '\f'. */
static char *
record_text(sqlite3 *db, int64_t id, size_t *len, sohoa_error *err)
{
	sqlite3_stmt *st;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int first = 1, rc;

	if (sqlite3_prepare_v2(db, "SELECT text FROM pages WHERE record_id = ? ORDER BY page_no",
	    -1, &st, NULL) != SQLITE_OK) {
		sohoa_error_set(err, SOHOA_FATAL, 0, "catalog: %s", sqlite3_errmsg(db));
		return NULL;
	}
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		size_t tl = (size_t)sqlite3_column_bytes(st, 0);
		if (n + tl + 2 > cap) {
			size_t nc = cap ? cap : 4096;
			while (nc < n + tl + 2)
				nc *= 2;
			char *nb = realloc(buf, nc);
			if (!nb) {
				sohoa_error_oom(err);
				goto fail;
			}
			buf = nb;
			cap = nc;
		}
		if (!first)
			buf[n++] = '\f';
		first = 0;
		if (tl)
			memcpy(buf + n, t, tl);
		n += tl;
	}
	if (rc != SQLITE_DONE) {
		sohoa_error_set(err, SOHOA_FATAL, 0, "catalog: %s", sqlite3_errmsg(db));
		goto fail;
	}
	sqlite3_finalize(st);
	if (!buf && !(buf = malloc(1))) {
		sohoa_error_oom(err);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
fail:
	sqlite3_finalize(st);
	free(buf);
	return NULL;
}

/*
 * The worker's hOCR of record id (ocr.hocr of its spool entry, for the
 * word boxes: extract.h, sohoa_extract_fields_hocr()), or NULL when there
 * is none (a PDF read with its own text layer, an entry already cleaned
 * away) or it cannot be read: the fields are then read from the text alone.
 */
static char *
record_hocr(const sohoa_conf *conf, sqlite3 *db, int64_t id, size_t *len)
{
	sqlite3_stmt *st;
	char path[PATH_MAX] = "", *buf = NULL;
	int n = -1;

	*len = 0;
	if (!conf || sqlite3_prepare_v2(db, "SELECT spool_id FROM records WHERE id = ?", -1, &st,
	    NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		n = snprintf(path, sizeof path, "%s/spool/done/%s/ocr.hocr", conf->state_dir,
		    (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (n < 0 || (size_t)n >= sizeof path)
		return NULL;
	/* 64 MiB: some 250 pages of words with their boxes. */
	if (sohoa_fs_read_file(path, (size_t)64 << 20, &buf, len, NULL) != SOHOA_OK)
		return NULL;
	return buf;
}

/*
 * Another finished record with the same issuing body, year, số and ký hiệu
 * (as stored now, whoever entered them) is probably the same document
 * scanned twice.  The later record (higher id) is the probable duplicate of
 * the earlier, whichever was described first (workers finish in any order).
 * later = 0: the earliest such record before id; later = 1: a record after
 * id not yet flagged.  Returns its id, or 0.
 */
static int64_t
find_probable_duplicate(sqlite3 *db, int64_t id, int later)
{
	sqlite3_stmt *st;
	int64_t dup = 0;
	static const char sql[] =
	    "SELECT o.record_id FROM fields o"
	    " JOIN fields n ON n.record_id = ?1 AND n.name = 'codeNumber' AND o.name = 'codeNumber'"
	    "  AND o.value = n.value"
	    " JOIN fields on_ ON on_.record_id = o.record_id AND on_.name = 'codeNotation'"
	    " JOIN fields nn ON nn.record_id = ?1 AND nn.name = 'codeNotation'"
	    "  AND upper(on_.value) = upper(nn.value)"
	    " JOIN fields od ON od.record_id = o.record_id AND od.name = 'issuedDate'"
	    " JOIN fields nd ON nd.record_id = ?1 AND nd.name = 'issuedDate'"
	    "  AND substr(od.value, 1, 4) = substr(nd.value, 1, 4)"
	    " JOIN fields oo ON oo.record_id = o.record_id AND oo.name = 'organName'"
	    " JOIN fields no ON no.record_id = ?1 AND no.name = 'organName'"
	    "  AND upper(oo.value) = upper(no.value)"
	    " JOIN records r ON r.id = o.record_id AND r.state = 'done'"
	    " WHERE (?2 = 0 AND o.record_id < ?1)"
	    "  OR (?2 = 1 AND o.record_id > ?1 AND r.probable_duplicate_of IS NULL)"
	    " ORDER BY o.record_id LIMIT 1";

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, later);
	if (sqlite3_step(st) == SQLITE_ROW)
		dup = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return dup;
}

sohoa_status
sohoa_describe_record(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id,
    const char *agent, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sohoa_fields fs;
	char *text, *hocr, detail[256];
	size_t len = 0, hlen = 0;
	int found = 0, low = 0;
	int64_t dup, old_dup = 0;
	sqlite3_stmt *st;
	int own;

	if (!(text = record_text(db, id, &len, err)))
		return err ? err->status : SOHOA_FATAL;
	hocr = record_hocr(conf, db, id, &hlen);
	sohoa_fields_init(&fs);
	if (sohoa_extract_fields_hocr(text, len, hocr, hlen, &fs, err) != SOHOA_OK) {
		free(text);
		free(hocr);
		sohoa_fields_release(&fs);
		return err ? err->status : SOHOA_FATAL;
	}
	free(text);
	/* OCR text (a scanner's own text layer too) may hold control bytes;
	 * none reaches the catalog or a package (textsafe.h, T3). */
	for (int i = 0; i < SOHOA_F_COUNT; i++) {
		char *clean;
		if (!fs.f[i].value)
			continue;
		if (!(clean = sohoa_text_field(fs.f[i].value, strlen(fs.f[i].value), NULL))) {
			sohoa_fields_release(&fs);
			return sohoa_error_oom(err);
		}
		free(fs.f[i].value);
		fs.f[i].value = clean;
	}
	free(hocr);
	for (int i = 0; i < SOHOA_F_COUNT; i++)
		if (fs.f[i].value) {
			found++;
			if (fs.f[i].confidence < SOHOA_EXTRACT_REVIEW)
				low++;
		}
	if (unit_begin(db, "sohoa_describe_record", &own, err) != SOHOA_OK) {
		sohoa_fields_release(&fs);
		return err ? err->status : SOHOA_FATAL;
	}
	if (sohoa_catalog_store_ocr_fields(cat, id, &fs, err) != SOHOA_OK)
		goto fail;
	snprintf(detail, sizeof detail, "%d fields read from the OCR text, %d to review", found, low);
	if (sohoa_catalog_event_add(cat, id, "metadata extraction", agent, "success", detail, err)
	    != SOHOA_OK)
		goto fail;
	if (sqlite3_prepare_v2(db, "SELECT probable_duplicate_of FROM records WHERE id = ?", -1,
	    &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW)
			old_dup = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	dup = find_probable_duplicate(db, id, 0);
	if (dup != old_dup) {
		if (sqlite3_prepare_v2(db, "UPDATE records SET probable_duplicate_of = ?2 WHERE id = ?1",
		    -1, &st, NULL) != SQLITE_OK) {
			sohoa_error_set(err, SOHOA_FATAL, 0, "catalog: %s", sqlite3_errmsg(db));
			goto fail;
		}
		sqlite3_bind_int64(st, 1, id);
		if (dup)
			sqlite3_bind_int64(st, 2, dup);
		else
			sqlite3_bind_null(st, 2);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			sohoa_error_set(err, SOHOA_FATAL, 0, "catalog: %s", sqlite3_errmsg(db));
			goto fail;
		}
		if (dup) {
			snprintf(detail, sizeof detail, "probably the same document as record %lld"
			    " (same issuing body, year, number and notation)", (long long)dup);
			if (sohoa_catalog_event_add(cat, id, "duplicate", agent, "warning", detail,
			    err) != SOHOA_OK)
				goto fail;
		}
	}
	/* Records taken after this one but described before it. */
	for (int64_t later; (later = find_probable_duplicate(db, id, 1)) != 0; ) {
		int rc;
		/* Its package lacks the duplicate event now: packaged_at NULL
		 * has it written again (engine.c, or start-up after a crash). */
		if (sqlite3_prepare_v2(db, "UPDATE records SET probable_duplicate_of = ?2,"
		    " packaged_at = NULL WHERE id = ?1", -1, &st, NULL) != SQLITE_OK) {
			sohoa_error_set(err, SOHOA_FATAL, 0, "catalog: %s", sqlite3_errmsg(db));
			goto fail;
		}
		sqlite3_bind_int64(st, 1, later);
		sqlite3_bind_int64(st, 2, id);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE) {
			sohoa_error_set(err, SOHOA_FATAL, 0, "catalog: %s", sqlite3_errmsg(db));
			goto fail;
		}
		snprintf(detail, sizeof detail, "probably the same document as record %lld"
		    " (same issuing body, year, number and notation)", (long long)id);
		if (sohoa_catalog_event_add(cat, later, "duplicate", agent, "warning", detail, err)
		    != SOHOA_OK)
			goto fail;
	}
	sohoa_fields_release(&fs);
	return unit_end(db, "sohoa_describe_record", own, err);
fail:
	unit_undo(db, "sohoa_describe_record", own);
	sohoa_fields_release(&fs);
	return err ? err->status : SOHOA_FATAL;
}
