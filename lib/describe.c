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
#include "sohoa/hoso_desk.h"
#include "sohoa/lexicon.h"
#include "sohoa/package.h"
#include "sohoa/spool.h"
#include "sohoa/store.h"
#include "sohoa/tailieu.h"
#include "sohoa/textsafe.h"
#include "sohoa/vitext.h"
#include "sohoa/catalog_describe.h"
#include "sohoa/catalog_events.h"
#include "sohoa/catalog_records.h"
#include <sys/stat.h>

/* A value the catalog remembers for the folder, applied to out. */
static int
hoso_remembered(void *ctx, const char *name, const char *value, const char *src)
{
	sohoa_hoso *out = ctx;
	sohoa_hoso_id h = sohoa_hoso_from_name(name);

	if (h == SOHOA_H_COUNT)
		return 0;
	/* A sidecar read now wins over one remembered from before. */
	if (strcmp(src, "person") && !strcmp(out->source[h], "sidecar"))
		return 0;
	if (!strcmp(src, "person") || !out->v[h] || strcmp(out->source[h], "sidecar"))
		sohoa_hoso_set(out, h, value, src, NULL);
	return 0;
}

sohoa_status
sohoa_describe_hoso(const sohoa_conf *conf, sohoa_catalog *cat, const char *origin,
    sohoa_hoso *out, sohoa_error *err)
{
	char path[PATH_MAX];
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
		/* A hồ sơ made by hand (".hoso/<n>", hoso_desk.h) has no folder. */
		int dfd = origin && origin[0] == '.' ? -1
		    : sohoa_fs_open_dir_beneath(conf->inbox, origin ? origin : "");
		if (dfd >= 0) {
			rc = sohoa_hoso_load_at(out, dfd, SOHOA_HOSO_SIDECAR, path, err);
			close(dfd);
		} else {
			rc = SOHOA_OK;
		}
	}
	/* Remember what the folder said (the sidecar may go away later), and
	 * apply a person's corrections last. */
	sohoa_catalog_hoso_each(cat, origin, hoso_remembered, out, NULL);
	for (int i = 0; i < SOHOA_H_COUNT; i++) {
		if (!out->v[i] || strcmp(out->source[i], "sidecar"))
			continue;
		sohoa_catalog_hoso_remember(cat, origin, sohoa_hoso_name((sohoa_hoso_id)i),
		    out->v[i], NULL);
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
	sohoa_hoso_stats hs;
	char num[32];

	if (sohoa_catalog_hoso_stats(cat, origin, id, &hs, NULL) != SOHOA_OK || hs.documents <= 0)
		return;
	snprintf(num, sizeof num, "%lld", hs.documents);
	if (!h->v[SOHOA_H_TOTAL_DOC])
		sohoa_hoso_set(h, SOHOA_H_TOTAL_DOC, num, "folder", NULL);
	snprintf(num, sizeof num, "%lld", hs.pages);
	if (!h->v[SOHOA_H_NUMBER_OF_PAGE])
		sohoa_hoso_set(h, SOHOA_H_NUMBER_OF_PAGE, num, "folder", NULL);
	if (!h->v[SOHOA_H_NUMBER_OF_PAPER])
		sohoa_hoso_set(h, SOHOA_H_NUMBER_OF_PAPER, num, "folder", NULL);
	if (!h->v[SOHOA_H_START_DATE] && hs.start[0])
		sohoa_hoso_set(h, SOHOA_H_START_DATE, hs.start, "folder", NULL);
	if (!h->v[SOHOA_H_END_DATE] && hs.end[0])
		sohoa_hoso_set(h, SOHOA_H_END_DATE, hs.end, "folder", NULL);
}

/*
 * Mã hồ sơ when hoso.txt (or a person) gives none, following TT 05's form
 * mã định danh cơ quan . năm hình thành . số hồ sơ: the year the hồ sơ
 * began (its first scan, or when a person created it) and "HS<nnn>", its
 * number in hoso_files (folders are numbered in the order of their first
 * scan, hồ sơ a person creates when created; catalog migration 015); for a
 * loose document "TL<record id>".  Never changes once given: documents
 * moved in or out do not renumber anyone.  A real code replaces it.
 */
static void
hoso_file_code(sohoa_catalog *cat, const sohoa_conf *conf, const char *origin, long long id,
    sohoa_hoso *h)
{
	char year[8] = "", code[160];
	long long n = 0;
	int loose = !origin || !*origin;
	const char *agency = conf->agency_code[0] ? conf->agency_code : "SOHOA";

	if (h->v[SOHOA_H_FILE_CODE])
		return;
	if (!loose) {
		sohoa_error nerr;
		int64_t hid = 0;
		sohoa_error_clear(&nerr);
		if (sohoa_hoso_number(cat, origin, &hid, &nerr) != SOHOA_OK)
			return;
	}
	if (sohoa_catalog_hoso_ordinal(cat, origin, id, year, &n, NULL) != SOHOA_OK)
		return;
	if (strlen(year) != 4 || n <= 0)
		return;
	if (loose)
		snprintf(code, sizeof code, "%.60s.%s.TL%07lld", agency, year, n);
	else
		snprintf(code, sizeof code, "%.60s.%s.HS%03lld", agency, year, n);
	sohoa_hoso_set(h, SOHOA_H_FILE_CODE, code, "folder", NULL);
}

sohoa_status
sohoa_describe_hoso_full(const sohoa_conf *conf, sohoa_catalog *cat, const char *origin,
    int64_t id, sohoa_hoso *out, sohoa_error *err)
{
	sohoa_status rc = sohoa_describe_hoso(conf, cat, origin, out, err);

	hoso_derived(cat, origin, id, out);
	hoso_file_code(cat, conf, origin, id, out);
	return rc;
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
keep(struct pkg_events *pe, const char *s)
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
keep_event(void *ctx, const sohoa_event_row *e)
{
	struct pkg_events *pe = ctx;
	sohoa_package_event *n = realloc(pe->ev, (size_t)(pe->n + 1) * sizeof *n);

	if (!n)
		return 1;
	pe->ev = n;
	n[pe->n].type = keep(pe, e->type);
	n[pe->n].at = keep(pe, e->at);
	n[pe->n].agent = keep(pe, e->agent);
	n[pe->n].outcome = keep(pe, e->outcome);
	n[pe->n].detail = keep(pe, e->detail);
	pe->n++;
	return 0;
}

static int
load_events(sohoa_catalog *cat, int64_t id, struct pkg_events *pe)
{
	return sohoa_catalog_record_events_each(cat, id, keep_event, pe, NULL) == SOHOA_OK ? 0 : -1;
}

/* What describe_package reads of its record, copied out of the row. */
struct pkg_rec {
	const sohoa_conf *conf;
	char *spool_id, *origin, *name, *doc_id, *first_created;
	int *page_count, *seq;
};

static int
pkg_rec_fill(void *ctx, const sohoa_package_row *r)
{
	struct pkg_rec *p = ctx;
	char orig_path[PATH_MAX];

	snprintf(p->spool_id, 64, "%s", r->spool_id ? r->spool_id : "(null)");
	snprintf(p->origin, PATH_MAX, "%s", r->origin ? r->origin : "(null)");
	snprintf(p->name, PATH_MAX, "%s", r->name ? r->name : "(null)");
	if (r->doc_id)
		snprintf(p->doc_id, 32, "%s", r->doc_id);
	*p->page_count = r->page_count;
	*p->seq = r->seq;
	/* A package rewritten keeps its first CREATEDATE (METS LASTMODDATE says
	 * when it changed). */
	if (r->package_path && sohoa_store_package_path(p->conf, r->package_path, orig_path,
	    sizeof orig_path) == 0)
		sohoa_package_createdate(orig_path, p->first_created, 40);
	return 0;
}

static sohoa_status describe_package(const sohoa_conf *conf, sohoa_catalog *cat,
    const sohoa_package_schemas *schemas, int64_t id, const char *agent, int *catalog_failed,
    sohoa_error *err);

sohoa_status
sohoa_describe_package(const sohoa_conf *conf, sohoa_catalog *cat,
    const sohoa_package_schemas *schemas, int64_t id, const char *agent, sohoa_error *err)
{
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
	if ((rc = sohoa_catalog_unit_begin(cat, "sohoa_describe_package", &own, err)) != SOHOA_OK)
		return rc;
	rc = describe_package(conf, cat, schemas, id, agent, &catalog_failed, err);
	if (catalog_failed) {
		sohoa_catalog_unit_undo(cat, "sohoa_describe_package", own);
		return rc;
	}
	/* A package that could not be written still leaves its docId and its
	 * failure event. */
	if (sohoa_catalog_unit_end(cat, "sohoa_describe_package", own, err) != SOHOA_OK)
		return err ? err->status : SOHOA_RETRY;
	return rc;
}

static sohoa_status
describe_package(const sohoa_conf *conf, sohoa_catalog *cat,
    const sohoa_package_schemas *schemas, int64_t id, const char *agent, int *catalog_failed,
    sohoa_error *err)
{
	struct pkg_rec pr;
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
	 * (quarantined ones aside) in the order a person set (hoso_order,
	 * hoso_desk.h), then in pickup order (record id), whether or not
	 * their OCR has finished: the same scans give the same numbers whatever
	 * order the OCR jobs end in, and a scan added later gets the next one. */
	pr.conf = conf;
	pr.spool_id = spool_id;
	pr.origin = origin;
	pr.name = name;
	pr.doc_id = doc_id;
	pr.first_created = first_created;
	pr.page_count = &page_count;
	pr.seq = &seq;
	if (sohoa_catalog_package_row(cat, id, pkg_rec_fill, &pr, err) < 0)
		return err ? err->status : SOHOA_FATAL;
	if (!spool_id[0])
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "record %lld is not done", (long long)id);
	if (!doc_id[0]) {
		/* docId (S25): the agency's code and the record number. */
		snprintf(doc_id, sizeof doc_id, "%.16s.%07lld",
		    conf->agency_code[0] ? conf->agency_code : "SOHOA", (long long)id);
		sohoa_catalog_set_doc_id(cat, id, doc_id, NULL);
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
		if (!sp || sohoa_spool_read_envelope(sp, SOHOA_STATE_DONE, spool_id, &env, &lerr) != SOHOA_OK
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
	if ((rc = sohoa_fs_mkdirs(conf->package_dir, 0770, err)) != SOHOA_OK)
		goto out;
	{
		/* The group (sohoa-web's) rewrites packages too: package_dir is
		 * the group's to write (SECURITY.md); set when it is ours. */
		struct stat pst;
		if (stat(conf->package_dir, &pst) == 0 && pst.st_uid == geteuid()
		    && (pst.st_mode & 0070) != 0070)
			(void)sohoa_fs_chmod_shared(conf->package_dir, (pst.st_mode | 0070) & 07777);
	}
	memset(&res, 0, sizeof res);
	rc = sohoa_package_write(&in, schemas, conf->package_dir, &res, err);
	if (rc != SOHOA_OK) {
		sohoa_catalog_event_add(cat, id, "information package creation", agent, "failure",
		    err->msg, NULL);
		goto out;
	}
	rc = sohoa_catalog_set_packaged(cat, id, sohoa_store_package_name(res.dir), res.mets_hash,
	    now, err);
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

/*
 * The worker's hOCR of record id (ocr.hocr of its spool entry, for the
 * word boxes: extract.h, sohoa_extract_fields_hocr()), or NULL when there
 * is none (a PDF read with its own text layer, an entry already cleaned
 * away) or it cannot be read: the fields are then read from the text alone.
 */
static char *
record_hocr(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id, size_t *len)
{
	char path[PATH_MAX] = "", sid[64], *buf = NULL;
	int n = -1;

	*len = 0;
	if (!conf || sohoa_catalog_spool_id(cat, id, 0, sid, sizeof sid, NULL) != SOHOA_OK)
		return NULL;
	if (sid[0])
		n = snprintf(path, sizeof path, "%s/spool/done/%s/ocr.hocr", conf->state_dir, sid);
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
find_probable_duplicate(sohoa_catalog *cat, int64_t id, int later)
{
	return sohoa_catalog_probable_duplicate_find(cat, id, later);
}

sohoa_status
sohoa_describe_record(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id,
    const char *agent, sohoa_error *err)
{
	sohoa_fields fs;
	char *text, *hocr, *learned = NULL, *teach = NULL, detail[256];
	size_t len = 0, hlen = 0;
	int found = 0, low = 0;
	int64_t dup, old_dup;
	int own;
	sohoa_status rst;

	if ((rst = sohoa_catalog_record_text(cat, id, &text, &len, err)) != SOHOA_OK)
		return rst;
	hocr = record_hocr(conf, cat, id, &hlen);
	/* The phrases the archive taught (lexicon.h): an aid only, the fixed
	 * ones alone when they cannot be read. */
	if (sohoa_lexicon_learned(cat, SOHOA_LEXICON_MIN_DOCS, SOHOA_LEXICON_MAX, &learned,
	    NULL) != SOHOA_OK)
		learned = NULL;
	sohoa_fields_init(&fs);
	if (sohoa_extract_fields_learned(text, len, hocr, hlen, learned, &fs, err) != SOHOA_OK) {
		free(text);
		free(hocr);
		free(learned);
		sohoa_fields_release(&fs);
		return err ? err->status : SOHOA_FATAL;
	}
	free(text);
	free(learned);
	/* What this document teaches, counted below unless it is a probable
	 * duplicate (lexicon.h, invariant 2). */
	if (hocr && sohoa_lexicon_candidates(hocr, hlen, &teach) < 0) {
		free(hocr);
		sohoa_fields_release(&fs);
		return sohoa_error_oom(err);
	}
	/* OCR text (a scanner's own text layer too) may hold control bytes;
	 * none reaches the catalog or a package (textsafe.h, T3). */
	for (int i = 0; i < SOHOA_F_COUNT; i++) {
		char *clean;
		if (!fs.f[i].value)
			continue;
		if (!(clean = sohoa_text_field(fs.f[i].value, strlen(fs.f[i].value), NULL))) {
			sohoa_fields_release(&fs);
			free(hocr);
			free(teach);
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
	if (sohoa_catalog_unit_begin(cat, "sohoa_describe_record", &own, err) != SOHOA_OK) {
		sohoa_fields_release(&fs);
		free(teach);
		return err ? err->status : SOHOA_FATAL;
	}
	if (sohoa_catalog_store_ocr_fields(cat, id, &fs, err) != SOHOA_OK)
		goto fail;
	snprintf(detail, sizeof detail, "%d fields read from the OCR text, %d to review", found, low);
	if (sohoa_catalog_event_add(cat, id, "metadata extraction", agent, "success", detail, err)
	    != SOHOA_OK)
		goto fail;
	old_dup = sohoa_catalog_probable_duplicate_of(cat, id);
	dup = find_probable_duplicate(cat, id, 0);
	if (dup != old_dup) {
		if (sohoa_catalog_set_probable_duplicate(cat, id, dup, 0, err) != SOHOA_OK)
			goto fail;
		if (dup) {
			snprintf(detail, sizeof detail, "probably the same document as record %lld"
			    " (same issuing body, year, number and notation)", (long long)dup);
			if (sohoa_catalog_event_add(cat, id, "duplicate", agent, "warning", detail,
			    err) != SOHOA_OK)
				goto fail;
		}
	}
	if (teach && !dup) {
		int counted;
		if (sohoa_lexicon_teach(cat, id, teach, &counted, err) != SOHOA_OK)
			goto fail;
	}
	/* Records taken after this one but described before it. */
	for (int64_t later; (later = find_probable_duplicate(cat, id, 1)) != 0; ) {
		/* Its package lacks the duplicate event now: packaged_at NULL
		 * has it written again (engine.c, or start-up after a crash). */
		if (sohoa_catalog_set_probable_duplicate(cat, later, id, 1, err) != SOHOA_OK)
			goto fail;
		snprintf(detail, sizeof detail, "probably the same document as record %lld"
		    " (same issuing body, year, number and notation)", (long long)id);
		if (sohoa_catalog_event_add(cat, later, "duplicate", agent, "warning", detail, err)
		    != SOHOA_OK)
			goto fail;
	}
	sohoa_fields_release(&fs);
	free(teach);
	return sohoa_catalog_unit_end(cat, "sohoa_describe_record", own, err);
fail:
	sohoa_catalog_unit_undo(cat, "sohoa_describe_record", own);
	sohoa_fields_release(&fs);
	free(teach);
	return err ? err->status : SOHOA_FATAL;
}
