/*
 * web_http.c - one request of sohoa-web: the strict router (a path that is
 * not exactly one of ours is 404, so "..", encoded slashes and huge ids
 * never reach a handler), sign-in by session cookie or bearer token, the
 * CSRF check of every POST, the security headers of every response, files
 * with HTTP Range, and the HTML helpers shared by the pages.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sohoa/web.h"
#include "web.h"

#define COOKIE "sohoa_sid"

/* poppler is not known to be thread-safe across documents: one rendering
 * at a time. */
static pthread_mutex_t render_lock = PTHREAD_MUTEX_INITIALIZER;

const char *
web_arg(struct web_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
web_form(struct web_req *r, const char *name)
{
	for (int i = 0; i < r->nfields; i++)
		if (!strcmp(r->fields[i].name, name))
			return r->fields[i].value.p ? r->fields[i].value.p : "";
	return NULL;
}

static void
security_headers(struct web_req *r, struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'self'; "
	    "img-src 'self'; style-src 'self'; script-src 'self'; object-src 'self'; "
	    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
}

static enum MHD_Result
queue(struct web_req *r, unsigned status, struct MHD_Response *resp)
{
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	security_headers(r, resp);
	ret = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

enum MHD_Result
web_send(struct web_req *r, unsigned status, const char *type, struct sbuf *body)
{
	struct MHD_Response *resp;

	if (body->oom) {
		free(body->p);
		return MHD_NO;
	}
	resp = MHD_create_response_from_buffer(body->len, body->p ? body->p : (void *)"",
	    body->p ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(body->p);
		return MHD_NO;
	}
	body->p = NULL;
	MHD_add_response_header(resp, "Content-Type", type);
	return queue(r, status, resp);
}

enum MHD_Result
web_redirect(struct web_req *r, const char *to, const char *cookie)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"",
	    MHD_RESPMEM_PERSISTENT);

	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Location", to);
	if (cookie)
		MHD_add_response_header(resp, "Set-Cookie", cookie);
	return queue(r, 303, resp);
}

enum MHD_Result
web_error_page(struct web_req *r, unsigned status, const char *msg)
{
	struct sbuf b = { 0 };
	const char *title = status == 404 ? "Không tìm thấy" : status == 403 ? "Không được phép"
	    : status == 400 ? "Yêu cầu không hợp lệ" : "Lỗi";

	if (!strncmp(r->path, "/api/", 5))
		return api_error(r, status, msg);
	html_head(r, &b, title);
	sb_str(&b, "<h1>");
	html_esc(&b, title, 0);
	sb_str(&b, "</h1><p class=\"err\">");
	html_esc(&b, msg, 0);
	sb_str(&b, "</p><p><a href=\"/search\">Về trang tìm kiếm</a></p>");
	html_foot(&b);
	return web_send(r, status, "text/html; charset=utf-8", &b);
}

int64_t
web_parse_id(const char *s, size_t len)
{
	int64_t v = 0;

	if (len == 0 || len > 12 || s[0] == '0')
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

void
web_log(struct web_req *r, int64_t record, const char *what, const char *detail)
{
	sohoa_error err;

	sohoa_error_clear(&err);
	if (sohoa_access_log(r->cat, r->user.name[0] ? r->user.name : "-", record, what, detail,
	    r->address, &err) != SOHOA_OK)
		fprintf(stderr, "sohoa-web: access log: %s\n", err.msg);
}

/* One "bytes=A-B", "bytes=A-" or "bytes=-N" range of a file of size n;
 * 1 with *from, *to set; 0 for no (usable) Range header; -1 unsatisfiable. */
static int
parse_range(const char *h, long long n, long long *from, long long *to)
{
	char *end;
	long long a, b;

	if (!h || strncmp(h, "bytes=", 6) || strchr(h, ','))
		return 0;
	h += 6;
	if (*h == '-') {
		b = strtoll(h + 1, &end, 10);
		if (*end || b <= 0)
			return 0;
		*from = b >= n ? 0 : n - b;
		*to = n - 1;
		return n > 0 ? 1 : -1;
	}
	a = strtoll(h, &end, 10);
	if (end == h || *end != '-' || a < 0)
		return 0;
	h = end + 1;
	b = *h ? strtoll(h, &end, 10) : n - 1;
	if (*h && *end)
		return 0;
	if (a >= n || b < a)
		return -1;
	*from = a;
	*to = b >= n ? n - 1 : b;
	return 1;
}

enum MHD_Result
web_send_file(struct web_req *r, const char *path, const char *type, const char *disposition)
{
	struct MHD_Response *resp;
	struct stat sb;
	long long from = 0, to = 0;
	char buf[96];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), rg;

	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		if (fd >= 0)
			close(fd);
		return web_error_page(r, 404, "Tệp không có trên máy chủ.");
	}
	rg = parse_range(MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Range"),
	    (long long)sb.st_size, &from, &to);
	if (rg < 0) {
		close(fd);
		resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		snprintf(buf, sizeof buf, "bytes */%lld", (long long)sb.st_size);
		MHD_add_response_header(resp, "Content-Range", buf);
		return queue(r, 416, resp);
	}
	if (rg == 0) {
		from = 0;
		to = (long long)sb.st_size - 1;
	}
	resp = MHD_create_response_from_fd_at_offset64((uint64_t)(to - from + 1), fd,
	    (uint64_t)from);
	if (!resp) {
		close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Accept-Ranges", "bytes");
	if (disposition)
		MHD_add_response_header(resp, "Content-Disposition", disposition);
	if (rg > 0) {
		snprintf(buf, sizeof buf, "bytes %lld-%lld/%lld", from, to, (long long)sb.st_size);
		MHD_add_response_header(resp, "Content-Range", buf);
	}
	return queue(r, rg > 0 ? 206 : 200, resp);
}

enum MHD_Result
web_send_png(struct web_req *r, const char *pdf_path, int page)
{
	unsigned char *png = NULL;
	size_t len = 0;
	sohoa_error err;
	sohoa_status st;
	struct sbuf b = { 0 };

	sohoa_error_clear(&err);
	pthread_mutex_lock(&render_lock);
	st = sohoa_pdf_page_png(pdf_path, page, 100, &png, &len, &err);
	pthread_mutex_unlock(&render_lock);
	if (st == SOHOA_BAD_INPUT)
		return web_error_page(r, 404, "Không có trang này.");
	if (st != SOHOA_OK) {
		fprintf(stderr, "sohoa-web: %s\n", err.msg);
		return web_error_page(r, 500, "Không tạo được ảnh trang.");
	}
	b.p = (char *)png;
	b.len = b.cap = len;
	return web_send(r, 200, "image/png", &b);
}

/* ---- HTML helpers ---- */

void
html_esc(struct sbuf *b, const char *s, int marks)
{
	const char *run = s;

	if (!s)
		return;
	for (; *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '\n': case '\t': case '\f': break;
		default:
			if (*s == SOHOA_SEARCH_MARK_ON)
				rep = marks ? "<mark>" : "";
			else if (*s == SOHOA_SEARCH_MARK_OFF)
				rep = marks ? "</mark>" : "";
			else if ((unsigned char)*s < 0x20 || *s == 0x7f)
				rep = " ";
		}
		if (rep) {
			sb_add(b, run, (size_t)(s - run));
			sb_str(b, rep);
			run = s + 1;
		}
	}
	sb_add(b, run, (size_t)(s - run));
}

void
html_date(struct sbuf *b, const char *iso)
{
	if (iso && strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-')
		sb_printf(b, "%.2s/%.2s/%.4s", iso + 8, iso + 5, iso);
	else
		html_esc(b, iso, 0);
}

void
html_csrf(struct web_req *r, struct sbuf *b)
{
	sb_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", r->csrf);
}

void
html_head(struct web_req *r, struct sbuf *b, const char *title)
{
	sb_str(b, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	    "<link rel=\"stylesheet\" href=\"/static/style.css\"><title>");
	html_esc(b, title, 0);
	sb_str(b, " — Lưu trữ số</title></head><body><header><a class=\"brand\" href=\"/search\">"
	    "Lưu trữ số</a>");
	if (r->authed && !r->by_token) {
		sb_str(b, "<nav><a href=\"/search\">Tìm kiếm</a>");
		if (r->user.role == SOHOA_ROLE_LANH_DAO)
			sb_str(b, " <a href=\"/requests\">Yêu cầu khai thác</a>");
		if (web_desk_allowed(r))
			sb_str(b, " <a href=\"/review\">Soát xét</a> <a href=\"/hoso/\">Hồ sơ</a>"
			    " <a href=\"/quarantine\">Cách ly</a> <a href=\"/exports\">Xuất nộp</a>"
			    " <a href=\"/status\">Trạng thái</a>");
		sb_str(b, "</nav><form class=\"who\" method=\"post\" action=\"/logout\">");
		html_esc(b, r->user.name, 0);
		sb_str(b, " (");
		html_esc(b, sohoa_role_label(r->user.role), 0);
		sb_str(b, ") ");
		html_csrf(r, b);
		sb_str(b, "<button type=\"submit\">Đăng xuất</button></form>");
	}
	sb_str(b, "</header><main>");
}

void
html_foot(struct sbuf *b)
{
	sb_str(b, "</main><footer>sohoa " SOHOA_VERSION " — chỉ cán bộ được cấp tài khoản mới "
	    "được sử dụng; mọi lần xem đều được ghi nhật ký.</footer></body></html>\n");
}

/* ---- sign-in and routing ---- */

static void
authenticate(struct web_req *r)
{
	const char *auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    "Authorization");
	const char *sid = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, COOKIE);
	sohoa_error err;
	long long now = (long long)time(NULL);

	sohoa_error_clear(&err);
	if (auth && !strncmp(auth, "Bearer ", 7)) {
		if (sohoa_user_token_check(r->cat, auth + 7, &r->user, &err) == SOHOA_OK)
			r->authed = r->by_token = 1;
	} else if (sid && sohoa_session_check(r->cat, sid, now,
	    r->srv->conf.web_session_minutes * 60, &r->user, r->csrf, &err) == SOHOA_OK) {
		r->authed = 1;
	}
	if (r->authed) {
		r->viewer.user_id = r->user.id;
		r->viewer.user_name = r->user.name;
		r->viewer.default_mode = r->srv->conf.default_mode;
		r->viewer.now = now;
	} else {
		memset(&r->user, 0, sizeof r->user);
	}
}

/* Whether path is prefix followed by an id and then exactly rest ("" or
 * "/pdf"); the id into *id. */
static int
route_id(const char *path, const char *prefix, const char *rest, int64_t *id)
{
	size_t n = strlen(prefix), d = 0;

	if (strncmp(path, prefix, n))
		return 0;
	path += n;
	while (path[d] >= '0' && path[d] <= '9')
		d++;
	if (strcmp(path + d, rest))
		return 0;
	*id = web_parse_id(path, d);
	return 1;
}

/* Same, with a second number between mid and end (".../page/3.png"). */
static int
route_id2(const char *path, const char *prefix, const char *mid, const char *end, int64_t *id,
    int64_t *n2)
{
	size_t n = strlen(prefix), d = 0, m = strlen(mid), e = 0;

	if (strncmp(path, prefix, n))
		return 0;
	path += n;
	while (path[d] >= '0' && path[d] <= '9')
		d++;
	if (strncmp(path + d, mid, m))
		return 0;
	*id = web_parse_id(path, d);
	path += d + m;
	while (path[e] >= '0' && path[e] <= '9')
		e++;
	if (strcmp(path + e, end))
		return 0;
	*n2 = web_parse_id(path, e);
	return 1;
}

/* What a viewer may have of a record's files: 404 for NONE or a bad id,
 * 403 for CATALOG (logged as denied). */
static enum MHD_Result
record_file(struct web_req *r, int64_t id, int64_t page, int download)
{
	sohoa_record_view rv;
	sohoa_error err;
	sohoa_status st;
	enum MHD_Result ret;
	char disp[96];

	if (id <= 0 || page < 0)
		return web_error_page(r, 404, "Không có tài liệu này.");
	sohoa_record_view_init(&rv);
	sohoa_error_clear(&err);
	st = sohoa_access_view(r->cat, &r->viewer, r->srv->conf.state_dir, id, &rv, &err);
	if (st != SOHOA_OK) {
		sohoa_record_view_release(&rv);
		return web_error_page(r, st == SOHOA_BAD_INPUT ? 404 : 503,
		    st == SOHOA_BAD_INPUT ? "Không có tài liệu này." : "Máy chủ đang bận, hãy thử lại.");
	}
	if (rv.access != SOHOA_ACCESS_FULL) {
		sohoa_record_view_release(&rv);
		web_log(r, id, "denied", page ? "page" : "pdf");
		return web_error_page(r, 403, "Tài liệu sử dụng có điều kiện: cần gửi yêu cầu "
		    "khai thác và được lãnh đạo duyệt.");
	}
	if (page > 0) {
		if (page > rv.page_count) {
			sohoa_record_view_release(&rv);
			return web_error_page(r, 404, "Không có trang này.");
		}
		web_log(r, id, "page", NULL);
		ret = web_send_png(r, rv.pdf_path, (int)page);
	} else {
		snprintf(disp, sizeof disp, "%s; filename=\"tai-lieu-%lld.pdf\"",
		    download ? "attachment" : "inline", (long long)id);
		web_log(r, id, "pdf", download ? "download" : "open");
		ret = web_send_file(r, rv.pdf_path, "application/pdf", disp);
	}
	sohoa_record_view_release(&rv);
	return ret;
}

/* ---- the desk ---- */

int
web_desk_allowed(const struct web_req *r)
{
	return r->authed && !r->by_token && (r->user.role == SOHOA_ROLE_VAN_THU
	    || r->user.role == SOHOA_ROLE_LANH_DAO || r->user.role == SOHOA_ROLE_QUAN_TRI);
}

enum MHD_Result
web_forbidden(struct web_req *r, const char *what)
{
	web_log(r, 0, "denied", what);
	return web_error_page(r, 403, "Bạn không có quyền làm việc này "
	    "(chỉ văn thư, lãnh đạo và quản trị).");
}

static int
desk_route(struct web_req *r, int post, enum MHD_Result *ret)
{
	return desk_review_route(r, post, ret) || desk_hoso_route(r, post, ret)
	    || desk_quarantine_route(r, post, ret);
}

static enum MHD_Result
handle_signed_in(struct web_req *r, int post)
{
	const char *p = r->path;
	int64_t id = 0, n2 = 0;
	enum MHD_Result ret;

	if (!strncmp(p, "/api/", 5)) {
		if (post)
			return api_error(r, 405, "method not allowed");
		if (!strcmp(p, "/api/v1/search"))
			return api_search(r);
		if (route_id(p, "/api/v1/records/", "", &id))
			return id ? api_record(r, id) : api_error(r, 404, "not found");
		if (route_id(p, "/api/v1/records/", "/pdf", &id))
			return record_file(r, id, 0, 0);
		if (route_id2(p, "/api/v1/records/", "/pages/", "", &id, &n2))
			return record_file(r, id, n2 ? n2 : -1, 0);
		return api_error(r, 404, "not found");
	}
	if (r->by_token)
		return web_error_page(r, 404, "Không tìm thấy.");
	if (post) {
		const char *csrf = web_form(r, "csrf");
		if (!sohoa_secret_equal(csrf, r->csrf)) {
			web_log(r, 0, "denied", "csrf");
			return web_error_page(r, 403, "Biểu mẫu đã hết hạn hoặc không hợp lệ (CSRF). "
			    "Hãy tải lại trang và thử lại.");
		}
		if (!strcmp(p, "/logout"))
			return page_logout(r);
		if (route_id(p, "/doc/", "/edit", &id))
			return id ? page_doc_edit(r, id) : web_error_page(r, 404, "Không tìm thấy.");
		if (route_id(p, "/doc/", "/request", &id))
			return id ? page_doc_request(r, id) : web_error_page(r, 404, "Không tìm thấy.");
		if (route_id(p, "/requests/", "", &id))
			return id ? page_request_decide(r, id) : web_error_page(r, 404, "Không tìm thấy.");
		if (desk_route(r, 1, &ret))
			return ret;
		return web_error_page(r, 404, "Không tìm thấy.");
	}
	if (!strcmp(p, "/") || !strcmp(p, "/login"))
		return web_redirect(r, "/search", NULL);
	if (!strcmp(p, "/search"))
		return page_search(r);
	if (!strcmp(p, "/hoso"))
		return page_hoso(r);
	if (!strcmp(p, "/requests"))
		return page_requests(r);
	if (route_id(p, "/doc/", "", &id))
		return id ? page_doc(r, id) : web_error_page(r, 404, "Không có tài liệu này.");
	if (route_id(p, "/doc/", "/pdf", &id))
		return record_file(r, id, 0, web_arg(r, "download") != NULL);
	if (route_id2(p, "/doc/", "/page/", ".png", &id, &n2))
		return record_file(r, id, n2 ? n2 : -1, 0);
	if (desk_route(r, 0, &ret))
		return ret;
	return web_error_page(r, 404, "Không tìm thấy.");
}

enum MHD_Result
web_handle(struct web_req *r)
{
	int post = !strcmp(r->method, "POST");
	const char *q;

	/* The path as sent: no percent-encoding, no dot segments, nothing but
	 * our characters; anything else is not one of ours. */
	if (r->raw_uri) {
		size_t n = strcspn(r->raw_uri, "?");
		for (size_t i = 0; i < n; i++) {
			char c = r->raw_uri[i];
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
			    || c == '/' || c == '-' || c == '_' || c == '.'))
				return web_error_page(r, 404, "Không tìm thấy.");
		}
		q = r->raw_uri;
		if (strstr(q, "/../") || strstr(q, "/./") || strstr(q, "//")
		    || (n >= 3 && !strncmp(q + n - 3, "/..", 3)))
			return web_error_page(r, 404, "Không tìm thấy.");
	}
	if (!post && strcmp(r->method, "GET") && strcmp(r->method, "HEAD"))
		return web_error_page(r, 405, "Phương thức không được hỗ trợ.");
	if (!strcmp(r->path, "/static/style.css")) {
		struct sbuf b = { 0 };
		sb_str(&b, web_css);
		return web_send(r, 200, "text/css; charset=utf-8", &b);
	}
	if (!(r->cat = web_catalog(r->srv)))
		return web_error_page(r, 503, "Chưa mở được danh mục. Hãy thử lại sau.");
	if (r->body_too_large)
		return web_error_page(r, 413, "Nội dung gửi lên quá lớn.");
	authenticate(r);
	if (!strcmp(r->path, "/login"))
		return post ? page_login_post(r) : r->authed ? web_redirect(r, "/search", NULL)
		    : page_login(r, NULL);
	if (!r->authed) {
		if (!strncmp(r->path, "/api/", 5))
			return api_error(r, 401, "not signed in: send a session cookie or "
			    "Authorization: Bearer TOKEN");
		if (post)
			return web_error_page(r, 403, "Chưa đăng nhập.");
		return web_redirect(r, "/login", NULL);
	}
	return handle_signed_in(r, post);
}
