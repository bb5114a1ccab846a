/*
 * access.h - who may see what of a record, by its Chế độ sử dụng (mode),
 * decided here, below every page and API of sohoa-web, and what they open
 * written to the access log (catalog migration 008-web.sql).
 *
 * The rule (sohoa_access_rule), for every viewer alike:
 *   A1. A record whose secrecy (độ mật) field holds anything (Mật, Tối mật,
 *       Tuyệt mật), whose mode is 03 Mật or unknown, or that is not done,
 *       is SOHOA_ACCESS_NONE: never served, not listed, not counted.
 *   A2. Mode 01 Công khai: SOHOA_ACCESS_FULL.
 *   A3. Mode 02 Sử dụng có điều kiện: SOHOA_ACCESS_CATALOG (số/ký hiệu,
 *       ngày, loại, cơ quan only - no trích yếu, text, snippet, page image,
 *       PDF), SOHOA_ACCESS_FULL while the viewer holds a live grant (an
 *       approved request, until its expiry).
 *   A4. A record's mode is its own mode field, else its hồ sơ's (the hoso
 *       table, by inbox folder), else the configuration's default_mode.
 *   A5. A search with words (not only filters) never lists a record the
 *       viewer sees only as CATALOG: its text matched, and saying so would
 *       tell what the text holds.  Filter-only searches (loai:, so:, coquan:,
 *       tu:, den:, nam:) list it.
 *
 * Protocol:
 *     sohoa_viewer v = { .user_id = u.id, .user_name = u.name,
 *                        .default_mode = conf.default_mode, .now = time(NULL) };
 *     sohoa_search_run_as(cat, q, len, 20, 0, &v, &res, &err);   // search.h
 *     sohoa_record_view rv;
 *     sohoa_record_view_init(&rv);
 *     st = sohoa_access_view(cat, &v, id, &rv, &err);  // SOHOA_BAD_INPUT: 404
 *     ... rv.access == SOHOA_ACCESS_FULL: text, pdf_path ...
 *     sohoa_record_view_release(&rv);
 *     sohoa_access_log(cat, &v, id, "pdf", NULL, address, &err);
 */
#ifndef SOHOA_ACCESS_H
#define SOHOA_ACCESS_H

#include <stdint.h>
#include "sohoa/sohoa.h"
#include "sohoa/catalog.h"
#include "sohoa/fields.h"

typedef enum sohoa_access {
	SOHOA_ACCESS_NONE = 0,    /* not there, as far as the viewer knows */
	SOHOA_ACCESS_CATALOG = 1, /* catalogue fields only */
	SOHOA_ACCESS_FULL = 2     /* everything */
} sohoa_access;

typedef struct sohoa_viewer {
	int64_t user_id;          /* web_users.id; grants are looked up by it */
	const char *user_name;    /* for the access log */
	const char *default_mode; /* the configuration's default_mode ("01") */
	long long now;            /* unix time: grants live until their expiry */
} sohoa_viewer;

/* A1-A3 for one record's mode code (NULL: unknown), secrecy (NULL or ""
 * when none) and whether a live grant exists. */
SOHOA_API sohoa_access sohoa_access_rule(const char *mode, const char *secrecy, int granted);

/* The Vietnamese name of a mode code ("Công khai"), or NULL. */
SOHOA_API const char *sohoa_mode_label(const char *mode);

/* What viewer v may see of record id (A1-A4); NONE for an id that does not
 * exist. */
SOHOA_API sohoa_status sohoa_access_of(sohoa_catalog *cat, const sohoa_viewer *v, int64_t id,
    sohoa_access *out, sohoa_error *err);

/* A record as a viewer may see it. */
typedef struct sohoa_record_view {
	int64_t id;
	sohoa_access access;
	char mode[8];             /* effective mode code (A4) */
	long long grant_expires;  /* unix time of the viewer's live grant, or 0 */
	char *name;               /* file name: FULL only, else NULL */
	char *origin;             /* inbox folder = hồ sơ ("" at the top) */
	char *type_name;          /* "Quyết định", or NULL */
	char *doc_id;             /* Mã định danh, or NULL */
	int page_count;
	sohoa_fields fields;      /* every field when FULL; CATALOG: codeNumber,
	                           * codeNotation, issuedDate, typeName, organName */
	char *pdf_path;           /* the signed PDF/A, FULL only, else NULL */
	char *package_path;       /* the package folder's name in package_dir
	                           * (store.h), FULL only */
} sohoa_record_view;

SOHOA_API void sohoa_record_view_init(sohoa_record_view *rv);
SOHOA_API void sohoa_record_view_release(sohoa_record_view *rv);

/*
 * Fills *out with what v may see of record id; state_dir finds the PDF.
 * SOHOA_BAD_INPUT ("không có tài liệu") when the access is NONE - the
 * same answer as for an id that does not exist.
 */
SOHOA_API sohoa_status sohoa_access_view(sohoa_catalog *cat, const sohoa_viewer *v, const char *state_dir,
    int64_t id, sohoa_record_view *out, sohoa_error *err);

/*
 * The OCR text of page page_no (1-based) of record id, for a viewer with
 * FULL access.  *text is malloc'd (caller frees).  *access (may be NULL)
 * says why it failed: NONE and no page are SOHOA_BAD_INPUT (not found),
 * CATALOG is SOHOA_BAD_INPUT with *access == SOHOA_ACCESS_CATALOG
 * (forbidden).
 */
SOHOA_API sohoa_status sohoa_access_page_text(sohoa_catalog *cat, const sohoa_viewer *v, int64_t id,
    int page_no, char **text, sohoa_access *access, sohoa_error *err);

/* The records of a hồ sơ (inbox folder) the viewer may see at least as
 * CATALOG (A1), in the hồ sơ's order (hoso_desk.h); fn is called for each with
 * its view (filled as by sohoa_access_view, without text). */
SOHOA_API sohoa_status sohoa_access_hoso(sohoa_catalog *cat, const sohoa_viewer *v, const char *state_dir,
    const char *origin, void (*fn)(void *arg, const sohoa_record_view *rv), void *arg,
    sohoa_error *err);

/* Writes an access log line: who (v->user_name), now, which record (0:
 * none), what ("metadata", "text", "pdf", "page", "search", "request",
 * "approve", "refuse", "login", "logout", "denied", "edit", "hoso"), a detail (may be
 * NULL) and the address (may be NULL). */
SOHOA_API sohoa_status sohoa_access_log(sohoa_catalog *cat, const char *user_name, int64_t record_id,
    const char *what, const char *detail, const char *address, sohoa_error *err);

/* One access log line as read back. */
typedef struct sohoa_access_entry {
	int64_t id;
	const char *at, *user_name, *what, *detail, *address;  /* valid during the callback */
	int64_t record_id;
} sohoa_access_entry;

/* Calls fn for the log lines matching user (NULL: all), record (0: all)
 * and since (ISO date or time prefix, NULL: all), oldest first. */
SOHOA_API sohoa_status sohoa_access_log_each(sohoa_catalog *cat, const char *user, int64_t record_id,
    const char *since, void (*fn)(void *arg, const sohoa_access_entry *e), void *arg,
    sohoa_error *err);

/*
 * Requests (phiếu yêu cầu khai thác) and grants for mode 02 records.
 * sohoa_access_request: viewer v asks for record id with a reason (1..2000
 * bytes); only for a record it sees as CATALOG; one pending request per
 * user and record.  sohoa_access_decide: a lãnh đạo (the caller checks the
 * role) approves (grant of grant_days days from now) or refuses request
 * request_id; each is logged.
 */
SOHOA_API sohoa_status sohoa_access_request(sohoa_catalog *cat, const sohoa_viewer *v, int64_t id,
    const char *reason, const char *address, int64_t *request_id, sohoa_error *err);
SOHOA_API sohoa_status sohoa_access_decide(sohoa_catalog *cat, const char *decider, int64_t request_id,
    int approve, long long now, long long grant_days, const char *address, sohoa_error *err);

typedef struct sohoa_access_req {
	int64_t id, record_id;
	const char *user_name, *reason, *state, *created_at, *decided_by;
	long long expires_at;
} sohoa_access_req;

/* Calls fn for requests in state (NULL: all), or for one record's of one
 * user when record_id and user_id are > 0; newest first. */
SOHOA_API sohoa_status sohoa_access_requests_each(sohoa_catalog *cat, const char *state,
    int64_t user_id, int64_t record_id, void (*fn)(void *arg, const sohoa_access_req *r),
    void *arg, sohoa_error *err);

#endif
