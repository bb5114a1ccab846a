/*
 * web.h (web/) - shared by the files of sohoa-web, the staff web service:
 * web_main.c (configuration, certificate, the HTTP server, signals),
 * web_http.c (one request: routing, sign-in, CSRF, responses),
 * web_pages.c (the Vietnamese HTML pages), web_api.c (the JSON API).
 *
 * Every request runs in one of libmicrohttpd's pool threads with that
 * thread's own catalog connection (web_catalog()).  Nothing a request
 * shows is read around the library's access functions (access.h): what a
 * viewer may see is decided there, not here.
 */
#ifndef SOHOA_WEB_WEB_H
#define SOHOA_WEB_WEB_H

#include <stdint.h>
#include <microhttpd.h>

#include "sbuf.h"
#include "sohoa/access.h"
#include "sohoa/catalog.h"
#include "sohoa/conf.h"
#include "sohoa/search.h"
#include "sohoa/users.h"

/* What the whole server shares, read-only once it runs. */
struct web_server {
	sohoa_conf conf;
	int tls;
};

/* A form field received in a POST. */
struct web_field {
	char name[32];
	struct sbuf value;
};
#define WEB_MAX_FIELDS 16

/* One request. */
struct web_req {
	struct web_server *srv;
	struct MHD_Connection *conn;
	char *raw_uri;             /* the URI as sent, before unescaping */
	const char *path;          /* unescaped path (MHD) */
	const char *method;
	char address[64];          /* client IP */
	sohoa_catalog *cat;
	/* Signed in: */
	int authed;
	sohoa_user user;
	char csrf[SOHOA_SECRET_HEX];
	int by_token;
	sohoa_viewer viewer;
	/* POST body: */
	int started;
	struct MHD_PostProcessor *pp;
	struct web_field fields[WEB_MAX_FIELDS];
	int nfields;
	size_t body_bytes;
	int body_too_large;
};

/* The catalog connection of the calling thread, opened on first use. */
sohoa_catalog *web_catalog(struct web_server *srv);

/* ---- web_http.c ---- */
enum MHD_Result web_handle(struct web_req *r);
const char *web_arg(struct web_req *r, const char *name);    /* GET argument or NULL */
const char *web_form(struct web_req *r, const char *name);   /* POST field or NULL */
/* Responses; body is taken (freed by MHD). */
enum MHD_Result web_send(struct web_req *r, unsigned status, const char *type,
    struct sbuf *body);
enum MHD_Result web_redirect(struct web_req *r, const char *to, const char *cookie);
enum MHD_Result web_error_page(struct web_req *r, unsigned status, const char *msg);
enum MHD_Result web_send_file(struct web_req *r, const char *path, const char *type,
    const char *disposition);
enum MHD_Result web_send_png(struct web_req *r, const char *pdf_path, int page);
/* Parses a record id or a page number: 1..10^12, digits only; 0 if not. */
int64_t web_parse_id(const char *s, size_t len);
void web_log(struct web_req *r, int64_t record, const char *what, const char *detail);

/* ---- HTML ---- */
/* Appends s HTML-escaped; with marks, STX/ETX become <mark></mark>. */
void html_esc(struct sbuf *b, const char *s, int marks);
void html_head(struct web_req *r, struct sbuf *b, const char *title);
void html_foot(struct sbuf *b);
/* The form field name="csrf" of the session. */
void html_csrf(struct web_req *r, struct sbuf *b);
/* ISO date YYYY-MM-DD as DD/MM/YYYY. */
void html_date(struct sbuf *b, const char *iso);

/* ---- web_pages.c ---- */
enum MHD_Result page_login(struct web_req *r, const char *msg);
enum MHD_Result page_login_post(struct web_req *r);
enum MHD_Result page_logout(struct web_req *r);
enum MHD_Result page_search(struct web_req *r);
enum MHD_Result page_doc(struct web_req *r, int64_t id);
enum MHD_Result page_doc_request(struct web_req *r, int64_t id);
enum MHD_Result page_doc_edit(struct web_req *r, int64_t id);
/* Whether the person may correct a document's fields (văn thư, quản trị). */
int web_may_edit(const struct web_req *r);
/*
 * The document page's and the review desk's edit: each of the n fields
 * names[] whose form value differs from rv's (the view of record id, which
 * this releases) is edited through edit.h as agent and logged "edit NAME";
 * the record is packaged again once at the end (also after a failure part
 * way).  A change from someone who may not edit is refused (403, logged
 * "denied" with denied).  How many fields changed; -1 with the error page
 * sent into *ret.
 */
int web_apply_edits(struct web_req *r, int64_t id, sohoa_record_view *rv, const char *const *names,
    size_t n, const char *agent, const char *denied, enum MHD_Result *ret);
enum MHD_Result page_hoso(struct web_req *r);
enum MHD_Result page_requests(struct web_req *r);
enum MHD_Result page_request_decide(struct web_req *r, int64_t rid);
extern const char web_css[];

/* ---- the văn thư's desk: one file per screen (desk_*.c) ----
 * Each route function is asked, in the router, after sign-in (and for a
 * POST after the CSRF check), about every path the router did not take
 * itself; it returns 1 and sets *ret when the path is its own, 0 when not.
 * Desk screens are for van-thu, lanh-dao and quan-tri (web_desk_allowed);
 * anyone else gets web_forbidden(), which writes the refusal to the access
 * log. */
int desk_review_route(struct web_req *r, int post, enum MHD_Result *ret);     /* /review, /status */
int desk_hoso_route(struct web_req *r, int post, enum MHD_Result *ret);       /* /hoso/... */
int desk_quarantine_route(struct web_req *r, int post, enum MHD_Result *ret); /* /quarantine, /exports */
int web_desk_allowed(const struct web_req *r);
enum MHD_Result web_forbidden(struct web_req *r, const char *what);

/* ---- web_api.c ---- */
enum MHD_Result api_search(struct web_req *r);
enum MHD_Result api_record(struct web_req *r, int64_t id);
enum MHD_Result api_error(struct web_req *r, unsigned status, const char *msg);

#endif
