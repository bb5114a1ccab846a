/*
 * web_pages.c - the Vietnamese pages of sohoa-web, rendered on the server
 * and usable without JavaScript: sign-in, search (the CLI's query language
 * plus plain form controls turned into it), a document, a hồ sơ, the
 * request for a record of Chế độ sử dụng 02 and the lãnh đạo's list of
 * requests.  Every value shown goes through html_esc(); what a viewer may
 * see comes from access.h only.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sohoa/access.h"
#include "sohoa/catalog_records.h"
#include "sohoa/edit.h"
#include "sohoa/search.h"
#include "web.h"

#define PAGE_SIZE 20
/* Sorting by date reorders this many of the best matches. */
#define DATE_SORT_WINDOW 200

const char web_css[] =
	"*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,'Segoe UI',Roboto,Arial,"
	"sans-serif;color:#1d2530;background:#f5f6f8}header{display:flex;gap:1.5em;"
	"align-items:center;padding:.6em 1.5em;background:#8b1a1a;color:#fff}header a{color:#fff;"
	"text-decoration:none}.brand{font-weight:700;font-size:1.15em}nav{flex:1}nav a{margin-right:"
	"1em}.who{margin:0}.who button{margin-left:.5em}main{max-width:70em;margin:1.5em auto;"
	"padding:0 1em}footer{max-width:70em;margin:2em auto;padding:0 1em;color:#667;font-size:"
	".85em}h1{font-size:1.5em;margin:.2em 0 .8em}form.search{background:#fff;padding:1em;"
	"border:1px solid #d8dce2;border-radius:6px}form.search .q{width:100%;font-size:1.1em;"
	"padding:.45em}.filters{display:flex;flex-wrap:wrap;gap:.8em;margin:.8em 0}.filters label{"
	"display:flex;flex-direction:column;font-size:.85em;color:#445}input,select,textarea,"
	"button{font:inherit;padding:.35em .5em;border:1px solid #b8bec8;border-radius:4px}"
	"button{background:#8b1a1a;color:#fff;border-color:#8b1a1a;cursor:pointer}button.alt{"
	"background:#fff;color:#8b1a1a}.result{background:#fff;border:1px solid #d8dce2;"
	"border-radius:6px;padding:.8em 1em;margin:.8em 0}.result h2{font-size:1.05em;margin:0 0 "
	".3em}.meta{color:#556;font-size:.9em}.snip{margin:.4em 0 0}mark{background:#ffe08a;"
	"padding:0 .1em}.badge{display:inline-block;font-size:.78em;padding:0 .45em;border-radius:"
	"3px;background:#e8ecf2;color:#334;margin-left:.4em}.b02{background:#fff1d6;color:#7a4b00}"
	".approx{background:#fde2e1;color:#8a1c1c}"
	"table.fields{border-collapse:collapse;background:#fff;width:100%}table.fields th,"
	"table.fields td{border:1px solid #d8dce2;padding:.35em .6em;text-align:left;"
	"vertical-align:top;white-space:pre-line}table.fields th{width:14em;background:#f0f2f5;font-weight:600}"
	".page{background:#fff;border:1px solid #d8dce2;border-radius:6px;margin:1em 0;padding:"
	"1em;display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1em}.page img{"
	"max-width:100%;border:1px solid #ccc}.page pre{white-space:pre-wrap;font:14px/1.45 "
	"inherit;margin:0}.err{color:#a00}.note{background:#fff7e0;border:1px solid #f0d48a;"
	"padding:.8em 1em;border-radius:6px}.pager a,.pager span{margin-right:.6em}"
	".login{max-width:24em;margin:3em auto;background:#fff;padding:1.5em;border:1px solid "
	"#d8dce2;border-radius:6px}.login label{display:block;margin:.6em 0}.login input{width:"
	"100%}.actions a{margin-right:1em}@media print{header,footer,form,.actions{display:none}}"
	"@media(max-width:50em){.page{grid-template-columns:1fr}}"
	/* the review desk (desk_review.c) */
	"tr.unsure th,tr.unsure td{background:#fff1d6}svg.scan{width:100%;height:auto;border:1px "
	"solid #ccc}rect.doubt{fill:#ffd54a;fill-opacity:.35;stroke:#c62828;stroke-width:3}\n";

static enum MHD_Result
send_html(struct web_req *r, unsigned status, struct sbuf *b)
{
	html_foot(b);
	return web_send(r, status, "text/html; charset=utf-8", b);
}

/* ---- sign-in ---- */

enum MHD_Result
page_login(struct web_req *r, const char *msg)
{
	struct sbuf b = { 0 };

	html_head(r, &b, "Đăng nhập");
	sb_str(&b, "<form class=\"login\" method=\"post\" action=\"/login\"><h1>Đăng nhập</h1>");
	if (msg) {
		sb_str(&b, "<p class=\"err\">");
		html_esc(&b, msg, 0);
		sb_str(&b, "</p>");
	}
	sb_str(&b, "<label>Tên đăng nhập <input name=\"name\" autocomplete=\"username\" required "
	    "autofocus></label><label>Mật khẩu <input type=\"password\" name=\"password\" "
	    "autocomplete=\"current-password\" required></label><button type=\"submit\">"
	    "Đăng nhập</button></form>");
	return send_html(r, msg ? 401 : 200, &b);
}

/* One Argon2id hash at a time: 19 MiB each, and a burst of logins must not
 * multiply the service's memory (it is bounded by the slowest login, tens
 * of milliseconds, instead). */
static pthread_mutex_t login_lock = PTHREAD_MUTEX_INITIALIZER;

enum MHD_Result
page_login_post(struct web_req *r)
{
	const char *name = web_form(r, "name"), *pw = web_form(r, "password");
	char sid[SOHOA_SECRET_HEX], csrf[SOHOA_SECRET_HEX], cookie[200];
	sohoa_error err;
	sohoa_status st;
	long long now = (long long)time(NULL);

	sohoa_error_clear(&err);
	pthread_mutex_lock(&login_lock);
	st = sohoa_user_login(r->cat, name ? name : "", pw ? pw : "", r->address, now, &r->user,
	    &err);
	pthread_mutex_unlock(&login_lock);
	if (st != SOHOA_OK) {
		char detail[96];
		/* Logged under the name tried, which may not exist. */
		memset(&r->user, 0, sizeof r->user);
		snprintf(detail, sizeof detail, "%s: %.63s", st == SOHOA_RETRY ? "login throttled"
		    : "login failed", name ? name : "");
		web_log(r, 0, "denied", detail);
		return page_login(r, st == SOHOA_RETRY ? "Đăng nhập sai quá nhiều lần. Hãy thử lại "
		    "sau 15 phút." : "Tên đăng nhập hoặc mật khẩu không đúng.");
	}
	if (sohoa_session_new(r->cat, r->user.id, r->address, now, sid, csrf, &err) != SOHOA_OK) {
		fprintf(stderr, "sohoa-web: %s\n", err.msg);
		return web_error_page(r, 503, "Máy chủ đang bận, hãy thử lại.");
	}
	web_log(r, 0, "login", NULL);
	snprintf(cookie, sizeof cookie, "sohoa_sid=%s; Path=/; HttpOnly; SameSite=Strict%s", sid,
	    r->srv->tls ? "; Secure" : "");
	return web_redirect(r, "/search", cookie);
}

enum MHD_Result
page_logout(struct web_req *r)
{
	const char *sid = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "sohoa_sid");
	sohoa_error err;

	sohoa_error_clear(&err);
	if (sid)
		sohoa_session_end(r->cat, sid, &err);
	web_log(r, 0, "logout", NULL);
	return web_redirect(r, "/login", "sohoa_sid=; Path=/; HttpOnly; SameSite=Strict; "
	    "Max-Age=0");
}

/* ---- search ---- */

/* Appends " key:value" to the query, quoted, dropping quotes in value. */
static void
add_filter(struct sbuf *q, const char *key, const char *value)
{
	const char *p;

	if (!value)
		return;
	while (*value == ' ')
		value++;
	if (!*value)
		return;
	sb_printf(q, "%s%s:\"", q->len ? " " : "", key);
	for (p = value; *p; p++)
		if (*p != '"' && (unsigned char)*p >= 0x20)
			sb_add(q, p, 1);
	sb_str(q, "\"");
}

/* The options of a search form's type: code and Vietnamese name, from
 * doc_types. */
struct type_opts {
	struct sbuf *b;
	const char *selected;
};

static int
type_option(void *ctx, const char *code, const char *name)
{
	struct type_opts *t = ctx;

	sb_str(t->b, "<option value=\"");
	html_esc(t->b, code, 0);
	sb_str(t->b, t->selected && !strcmp(t->selected, code) ? "\" selected>" : "\">");
	html_esc(t->b, name, 0);
	sb_str(t->b, "</option>");
	return 0;
}

static void
type_options(struct web_req *r, struct sbuf *b, const char *selected)
{
	struct type_opts t = { b, selected };

	sb_str(b, "<option value=\"\">Tất cả</option>");
	sohoa_catalog_doc_types_each(r->cat, type_option, &t, NULL);
}

/* An input of the filter form, with its current value. */
static void
filter_input(struct sbuf *b, const char *label, const char *name, const char *type,
    const char *value, const char *extra)
{
	sb_printf(b, "<label>%s <input type=\"%s\" name=\"%s\" value=\"", label, type, name);
	html_esc(b, value, 0);
	sb_printf(b, "\"%s></label>", extra ? extra : "");
}

/* The organ (cơ quan ban hành) of a listed record: a catalogue field, which
 * every viewer of a listed record may see (access.h A3), read directly
 * rather than through a whole record view for each of the 20 results. */
static char *
organ_of(struct web_req *r, int64_t id)
{
	char *organ = NULL;

	sohoa_catalog_field_get(r->cat, id, "organName", &organ, NULL);
	return organ;
}

static int
by_date_desc(const void *a, const void *b)
{
	const sohoa_search_result *x = a, *y = b;
	int c = strcmp(y->date ? y->date : "", x->date ? x->date : "");

	return c ? c : (y->id > x->id) - (y->id < x->id);
}

/* A link to the search with the same arguments, on another page. */
static void
page_link(struct web_req *r, struct sbuf *b, int page, const char *label)
{
	static const char *const keys[] = { "q", "loai", "so", "coquan", "tu", "den", "nam", "sap" };

	sb_str(b, "<a href=\"/search?");
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		const char *v = web_arg(r, keys[i]);
		if (!v || !*v)
			continue;
		sb_printf(b, "%s=", keys[i]);
		for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
			    || *p == '-' || *p == '_' || *p == '.')
				sb_add(b, p, 1);
			else
				sb_printf(b, "%%%02X", *p);
		}
		sb_str(b, "&amp;");
	}
	sb_printf(b, "trang=%d\">%s</a>", page, label);
}

enum MHD_Result
page_search(struct web_req *r)
{
	const char *q = web_arg(r, "q"), *loai = web_arg(r, "loai"), *so = web_arg(r, "so");
	const char *coquan = web_arg(r, "coquan"), *tu = web_arg(r, "tu"), *den = web_arg(r, "den");
	const char *nam = web_arg(r, "nam"), *sap = web_arg(r, "sap"), *trang = web_arg(r, "trang");
	int by_date = sap && !strcmp(sap, "ngay"), page = 1;
	struct sbuf query = { 0 }, b = { 0 };
	sohoa_search_results res;
	sohoa_error err;
	sohoa_status st = SOHOA_OK;
	size_t first = 0, last = 0;

	if (trang) {
		int64_t t = web_parse_id(trang, strlen(trang));
		page = t > 0 && t <= 10000 ? (int)t : 1;
	}
	if (q)
		sb_str(&query, q);
	add_filter(&query, "loai", loai);
	add_filter(&query, "so", so);
	add_filter(&query, "coquan", coquan);
	add_filter(&query, "tu", tu);
	add_filter(&query, "den", den);
	add_filter(&query, "nam", nam);

	html_head(r, &b, "Tìm kiếm");
	sb_str(&b, "<h1>Tìm kiếm tài liệu</h1><form class=\"search\" method=\"get\" "
	    "action=\"/search\"><input class=\"q\" name=\"q\" placeholder=\"Gõ có dấu hoặc không "
	    "dấu: giao dat, &quot;thu hồi đất&quot;, 15/QĐ-UBND, loai:QĐ nam:2024\" value=\"");
	html_esc(&b, q, 0);
	sb_str(&b, "\" autofocus><div class=\"filters\"><label>Loại văn bản <select name=\"loai\">");
	type_options(r, &b, loai);
	sb_str(&b, "</select></label>");
	filter_input(&b, "Số/ký hiệu", "so", "text", so, " size=\"12\"");
	filter_input(&b, "Cơ quan ban hành", "coquan", "text", coquan, NULL);
	filter_input(&b, "Từ ngày", "tu", "date", tu, NULL);
	filter_input(&b, "Đến ngày", "den", "date", den, NULL);
	filter_input(&b, "Năm", "nam", "number", nam, " min=\"1900\" max=\"2200\" style=\"width:6em\"");
	sb_printf(&b, "<label>Sắp xếp <select name=\"sap\"><option value=\"\">Phù hợp nhất</option>"
	    "<option value=\"ngay\"%s>Mới nhất</option></select></label></div>"
	    "<button type=\"submit\">Tìm</button></form>", by_date ? " selected" : "");

	sohoa_search_results_init(&res);
	if (query.len && !query.oom) {
		sohoa_error_clear(&err);
		if (by_date)
			st = sohoa_search_run_as(r->cat, query.p, query.len, DATE_SORT_WINDOW, 0,
			    &r->viewer, &res, &err);
		else
			st = sohoa_search_run_as(r->cat, query.p, query.len, PAGE_SIZE,
			    (page - 1) * PAGE_SIZE, &r->viewer, &res, &err);
		web_log(r, 0, "search", query.p);
		if (st != SOHOA_OK) {
			sb_str(&b, "<p class=\"err\">");
			html_esc(&b, st == SOHOA_BAD_INPUT ? err.msg : "Máy chủ đang bận, hãy thử lại.",
			    0);
			sb_str(&b, "</p>");
		} else {
			if (by_date) {
				qsort(res.items, res.count, sizeof *res.items, by_date_desc);
				first = (size_t)(page - 1) * PAGE_SIZE;
				last = first + PAGE_SIZE < res.count ? first + PAGE_SIZE : res.count;
				if (first > res.count)
					first = last = res.count;
			} else {
				first = 0;
				last = res.count;
			}
			sb_printf(&b, "<p class=\"meta\" id=\"total\">%s%lld kết quả%s", res.limited
			    ? "Hơn " : "", res.total, by_date && res.total > DATE_SORT_WINDOW
			    ? " (xếp theo ngày trong 200 kết quả phù hợp nhất)" : "");
			/* A word typed with diacritics: exact spellings first, then
			 * those found only without them (search.h). */
			if (res.approximate_total > 0)
				sb_printf(&b, " — <span id=\"exact\">%lld đúng dấu</span>,"
				    " <span id=\"approx\">%lld gần đúng</span> (chỉ khớp khi bỏ dấu)",
				    res.exact_total, res.approximate_total);
			sb_str(&b, "</p>");
		}
	}
	for (size_t i = first; i < last; i++) {
		sohoa_search_result *x = &res.items[i];
		char *organ = organ_of(r, x->id);
		int catalog = !x->snippet[0] && !x->subject && !x->name[0];

		sb_printf(&b, "<div class=\"result\"><h2><a href=\"/doc/%lld\">", (long long)x->id);
		if (x->number)
			html_esc(&b, x->number, 0);
		else
			sb_printf(&b, "Tài liệu %lld", (long long)x->id);
		sb_str(&b, "</a>");
		if (x->type_name) {
			sb_str(&b, "<span class=\"badge\">");
			html_esc(&b, x->type_name, 0);
			sb_str(&b, "</span>");
		}
		if (catalog)
			sb_str(&b, "<span class=\"badge b02\">Sử dụng có điều kiện</span>");
		if (x->approximate)
			sb_str(&b, "<span class=\"badge approx\" title=\"Chỉ khớp khi bỏ dấu —"
			    " matches only without the diacritics typed\">gần đúng</span>");
		sb_str(&b, "</h2><div class=\"meta\">");
		if (x->date) {
			sb_str(&b, "Ngày ");
			html_date(&b, x->date);
		}
		if (organ) {
			sb_str(&b, x->date ? " · " : "");
			html_esc(&b, organ, 0);
		}
		if (x->page > 0)
			sb_printf(&b, " · <a href=\"/doc/%lld#trang-%d\">trang %d</a>", (long long)x->id,
			    x->page, x->page);
		sb_str(&b, "</div>");
		if (x->subject) {
			sb_str(&b, "<div><b>Trích yếu:</b> ");
			html_esc(&b, x->subject, 1);
			sb_str(&b, "</div>");
		}
		if (x->snippet[0]) {
			sb_str(&b, "<p class=\"snip\">");
			html_esc(&b, x->snippet, 1);
			sb_str(&b, "</p>");
		}
		sb_str(&b, "</div>");
		free(organ);
	}
	if (st == SOHOA_OK && query.len && res.total > PAGE_SIZE) {
		long long pages = (res.total + PAGE_SIZE - 1) / PAGE_SIZE;
		if (by_date && pages > DATE_SORT_WINDOW / PAGE_SIZE)
			pages = DATE_SORT_WINDOW / PAGE_SIZE;
		sb_str(&b, "<p class=\"pager\">");
		if (page > 1)
			page_link(r, &b, page - 1, "« Trang trước");
		sb_printf(&b, "<span>Trang %d/%lld</span>", page, pages);
		if (page < pages)
			page_link(r, &b, page + 1, "Trang sau »");
		sb_str(&b, "</p>");
	}
	sohoa_search_results_release(&res);
	free(query.p);
	return send_html(r, 200, &b);
}

/* ---- a document ---- */

static const struct { sohoa_field_id f; const char *label; } shown_fields[] = {
	{ SOHOA_F_CODE_NUMBER, "Số" }, { SOHOA_F_CODE_NOTATION, "Ký hiệu" },
	{ SOHOA_F_ISSUED_DATE, "Ngày tháng năm" }, { SOHOA_F_ORGAN_NAME, "Cơ quan ban hành" },
	{ SOHOA_F_SUBJECT, "Trích yếu nội dung" }, { SOHOA_F_PLACE_NAME, "Địa danh" },
	{ SOHOA_F_SIGNER_AUTHORITY, "Thẩm quyền ký" }, { SOHOA_F_SIGNER_POSITION, "Chức vụ người ký" },
	{ SOHOA_F_SIGNER_NAME, "Người ký" }, { SOHOA_F_RECIPIENTS, "Nơi nhận" },
	{ SOHOA_F_URGENCY, "Độ khẩn" }, { SOHOA_F_KEYWORD, "Từ khóa" },
	{ SOHOA_F_DESCRIPTION, "Ghi chú" }, { SOHOA_F_TTHC_CODE, "Mã hồ sơ TTHC" },
};

struct req_list {
	struct sbuf *b;
	int n;
	struct web_req *r;
};

static void
my_request(void *arg, const sohoa_access_req *q)
{
	struct req_list *l = arg;

	sb_str(l->b, l->n++ ? "" : "<h2>Yêu cầu của bạn</h2><ul>");
	sb_str(l->b, "<li>");
	html_esc(l->b, q->created_at, 0);
	sb_str(l->b, ": ");
	html_esc(l->b, !strcmp(q->state, "pending") ? "đang chờ duyệt" : !strcmp(q->state,
	    "approved") ? "đã duyệt" : "bị từ chối", 0);
	sb_str(l->b, " — ");
	html_esc(l->b, q->reason, 0);
	sb_str(l->b, "</li>");
}

/* The fields a văn thư corrects from the document page, with their labels;
 * the same path as `sohoa edit` (edit.h). */
static const struct { const char *name, *label; int area; } edit_fields[] = {
	{ "codeNumber", "Số", 0 }, { "codeNotation", "Ký hiệu", 0 },
	{ "issuedDate", "Ngày tháng năm (YYYY-MM-DD hoặc DD/MM/YYYY)", 0 },
	{ "organName", "Cơ quan ban hành", 0 }, { "subject", "Trích yếu nội dung", 1 },
	{ "signerName", "Người ký", 0 }, { "keyword", "Từ khóa", 0 },
	{ "description", "Ghi chú", 1 },
};
#define NEDIT_FIELDS (sizeof edit_fields / sizeof *edit_fields)

int
web_may_edit(const struct web_req *r)
{
	return r->user.role == SOHOA_ROLE_VAN_THU || r->user.role == SOHOA_ROLE_QUAN_TRI;
}

int
web_apply_edits(struct web_req *r, int64_t id, sohoa_record_view *rv, const char *const *names,
    size_t n, const char *agent, const char *denied, enum MHD_Result *ret)
{
	sohoa_error err;
	sohoa_status st;
	int changed = 0;

	for (size_t i = 0; i < n; i++) {
		const char *v = web_form(r, names[i]);
		sohoa_field_id f = sohoa_field_from_name(names[i]);
		const char *cur = f < SOHOA_F_COUNT ? rv->fields.f[f].value : NULL;
		char *old = NULL, *stored = NULL, detail[160];

		if (!v || !strcmp(v, cur ? cur : ""))
			continue;
		if (!web_may_edit(r)) {
			sohoa_record_view_release(rv);
			web_log(r, id, "denied", denied);
			*ret = web_error_page(r, 403, "Chỉ văn thư được sửa thông tin tài liệu.");
			return -1;
		}
		sohoa_error_clear(&err);
		st = sohoa_edit_field(r->cat, id, names[i], v, agent, &old, &stored, &err);
		free(old);
		free(stored);
		if (st != SOHOA_OK) {
			sohoa_record_view_release(rv);
			if (changed)
				sohoa_edit_finish(&r->srv->conf, r->cat, id, agent, NULL);
			*ret = web_error_page(r, st == SOHOA_BAD_INPUT ? 400 : 503, err.msg);
			return -1;
		}
		snprintf(detail, sizeof detail, "edit %s", names[i]);
		web_log(r, id, "edit", detail);
		changed++;
	}
	sohoa_record_view_release(rv);
	if (changed) {
		sohoa_error_clear(&err);
		if (sohoa_edit_finish(&r->srv->conf, r->cat, id, agent, &err) != SOHOA_OK) {
			fprintf(stderr, "sohoa-web: record %lld: %s\n", (long long)id, err.msg);
			*ret = web_error_page(r, 500, "Đã lưu thay đổi nhưng chưa đóng gói lại được "
			    "(xem nhật ký của sohoa-web).");
			return -1;
		}
	}
	return changed;
}

static void
edit_form(struct web_req *r, struct sbuf *b, const sohoa_record_view *rv)
{
	static const char *const modes[] = { "01", "02", "03" };
	const char *type = rv->fields.f[SOHOA_F_TYPE_NAME].value;
	const char *mode = rv->fields.f[SOHOA_F_MODE].value;

	sb_printf(b, "<details class=\"edit\"><summary>Sửa thông tin (văn thư)</summary>"
	    "<form class=\"search\" method=\"post\" action=\"/doc/%lld/edit\">", (long long)rv->id);
	html_csrf(r, b);
	sb_str(b, "<div class=\"filters\"><label>Loại văn bản <select name=\"typeName\">");
	type_options(r, b, type);
	sb_str(b, "</select></label><label>Chế độ sử dụng <select name=\"mode\">"
	    "<option value=\"\">Theo hồ sơ</option>");
	for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
		sb_printf(b, "<option value=\"%s\"%s>%s</option>", modes[i], mode && !strcmp(mode,
		    modes[i]) ? " selected" : "", sohoa_mode_label(modes[i]));
	sb_str(b, "</select></label></div>");
	for (size_t i = 0; i < sizeof edit_fields / sizeof *edit_fields; i++) {
		sohoa_field_id f = sohoa_field_from_name(edit_fields[i].name);
		const char *v = f < SOHOA_F_COUNT ? rv->fields.f[f].value : NULL;
		sb_printf(b, "<label class=\"wide\">%s<br>", edit_fields[i].label);
		if (edit_fields[i].area) {
			sb_printf(b, "<textarea name=\"%s\" rows=\"2\" cols=\"80\">", edit_fields[i].name);
			html_esc(b, v, 0);
			sb_str(b, "</textarea>");
		} else {
			sb_printf(b, "<input name=\"%s\" size=\"60\" value=\"", edit_fields[i].name);
			html_esc(b, v, 0);
			sb_str(b, "\">");
		}
		sb_str(b, "</label><br>");
	}
	sb_str(b, "<button type=\"submit\">Lưu và đóng gói lại</button></form></details>");
}

enum MHD_Result
page_doc_edit(struct web_req *r, int64_t id)
{
	sohoa_record_view rv;
	sohoa_error err;
	sohoa_status st;
	char agent[128], to[64];
	const char *names[NEDIT_FIELDS + 2];
	enum MHD_Result ret;

	if (!web_may_edit(r)) {
		web_log(r, id, "denied", "edit");
		return web_error_page(r, 403, "Chỉ văn thư được sửa thông tin tài liệu.");
	}
	sohoa_record_view_init(&rv);
	sohoa_error_clear(&err);
	st = sohoa_access_view(r->cat, &r->viewer, r->srv->conf.state_dir, id, &rv, &err);
	if (st != SOHOA_OK || rv.access != SOHOA_ACCESS_FULL) {
		sohoa_record_view_release(&rv);
		return web_error_page(r, st == SOHOA_OK ? 403 : 404, st == SOHOA_OK
		    ? "Bạn chưa được xem tài liệu này." : "Không có tài liệu này.");
	}
	snprintf(agent, sizeof agent, "sohoa-web %s (user %s)", SOHOA_VERSION, r->user.name);
	for (size_t i = 0; i < NEDIT_FIELDS; i++)
		names[i] = edit_fields[i].name;
	names[NEDIT_FIELDS] = "typeName";
	names[NEDIT_FIELDS + 1] = "mode";
	if (web_apply_edits(r, id, &rv, names, NEDIT_FIELDS + 2, agent, "edit", &ret) < 0)
		return ret;
	snprintf(to, sizeof to, "/doc/%lld?msg=edited", (long long)id);
	return web_redirect(r, to, NULL);
}

enum MHD_Result
page_doc(struct web_req *r, int64_t id)
{
	sohoa_record_view rv;
	sohoa_error err;
	sohoa_status st;
	struct sbuf b = { 0 };
	const char *msg = web_arg(r, "msg");

	sohoa_record_view_init(&rv);
	sohoa_error_clear(&err);
	st = sohoa_access_view(r->cat, &r->viewer, r->srv->conf.state_dir, id, &rv, &err);
	if (st != SOHOA_OK) {
		sohoa_record_view_release(&rv);
		return web_error_page(r, st == SOHOA_BAD_INPUT ? 404 : 503, st == SOHOA_BAD_INPUT
		    ? "Không có tài liệu này." : "Máy chủ đang bận, hãy thử lại.");
	}
	web_log(r, id, "metadata", NULL);
	html_head(r, &b, "Tài liệu");
	sb_str(&b, "<h1>");
	if (rv.type_name) {
		html_esc(&b, rv.type_name, 0);
		sb_str(&b, " ");
	}
	if (rv.fields.f[SOHOA_F_CODE_NUMBER].value || rv.fields.f[SOHOA_F_CODE_NOTATION].value) {
		sb_str(&b, "số ");
		html_esc(&b, rv.fields.f[SOHOA_F_CODE_NUMBER].value, 0);
		sb_str(&b, "/");
		html_esc(&b, rv.fields.f[SOHOA_F_CODE_NOTATION].value, 0);
	} else {
		sb_printf(&b, "Tài liệu %lld", (long long)id);
	}
	sb_str(&b, "</h1>");
	if (msg && !strcmp(msg, "sent"))
		sb_str(&b, "<p class=\"note\">Đã gửi yêu cầu khai thác. Lãnh đạo sẽ xem xét.</p>");
	if (rv.access == SOHOA_ACCESS_FULL) {
		sb_printf(&b, "<p class=\"actions\"><a href=\"/doc/%lld/pdf\" target=\"_blank\">"
		    "Mở bản PDF/A đã ký</a> <a href=\"/doc/%lld/pdf?download=1\">Tải về</a></p>",
		    (long long)id, (long long)id);
	}
	sb_str(&b, "<table class=\"fields\">");
	sb_str(&b, "<tr><th>Chế độ sử dụng</th><td>");
	html_esc(&b, sohoa_mode_label(rv.mode), 0);
	if (rv.grant_expires) {
		char until[32];
		time_t t = (time_t)rv.grant_expires;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(until, sizeof until, "%d/%m/%Y", &tm);
		sb_printf(&b, " — bạn được xem đến ngày %s", until);
	}
	sb_str(&b, "</td></tr>");
	if (rv.type_name) {
		sb_str(&b, "<tr><th>Tên loại</th><td>");
		html_esc(&b, rv.type_name, 0);
		sb_str(&b, "</td></tr>");
	}
	for (size_t i = 0; i < sizeof shown_fields / sizeof *shown_fields; i++) {
		const char *v = rv.fields.f[shown_fields[i].f].value;
		if (!v)
			continue;
		sb_printf(&b, "<tr><th>%s</th><td>", shown_fields[i].label);
		if (shown_fields[i].f == SOHOA_F_ISSUED_DATE)
			html_date(&b, v);
		else
			html_esc(&b, v, 0);
		sb_str(&b, "</td></tr>");
	}
	sb_str(&b, "<tr><th>Hồ sơ</th><td><a href=\"/hoso?o=");
	for (const unsigned char *p = (const unsigned char *)rv.origin; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
		    || *p == '-' || *p == '_' || *p == '.')
			sb_add(&b, p, 1);
		else
			sb_printf(&b, "%%%02X", *p);
	}
	sb_str(&b, "\">");
	html_esc(&b, rv.origin[0] ? rv.origin : "(thư mục gốc)", 0);
	sb_str(&b, "</a></td></tr>");
	if (rv.name) {
		sb_str(&b, "<tr><th>Tệp quét</th><td>");
		html_esc(&b, rv.name, 0);
		sb_str(&b, "</td></tr>");
	}
	if (rv.doc_id) {
		sb_str(&b, "<tr><th>Mã định danh</th><td>");
		html_esc(&b, rv.doc_id, 0);
		sb_str(&b, "</td></tr>");
	}
	sb_printf(&b, "<tr><th>Số trang</th><td>%d</td></tr></table>", rv.page_count);

	if (msg && !strcmp(msg, "edited"))
		sb_str(&b, "<p class=\"note\">Đã lưu và đóng gói lại tài liệu.</p>");
	if (rv.access == SOHOA_ACCESS_FULL && web_may_edit(r))
		edit_form(r, &b, &rv);
	if (rv.access == SOHOA_ACCESS_FULL) {
		web_log(r, id, "text", NULL);
		for (int p = 1; p <= rv.page_count && p <= 2000; p++) {
			char *text = NULL;
			sohoa_error_clear(&err);
			if (sohoa_access_page_text(r->cat, &r->viewer, id, p, &text, NULL, &err)
			    != SOHOA_OK)
				continue;
			sb_printf(&b, "<section class=\"page\" id=\"trang-%d\"><div><h2>Trang %d</h2>"
			    "<img src=\"/doc/%lld/page/%d.png\" alt=\"Ảnh trang %d\" loading=\"lazy\">"
			    "</div><div><h2>Văn bản nhận dạng (OCR)</h2><pre>", p, p, (long long)id, p, p);
			html_esc(&b, text, 0);
			sb_str(&b, "</pre></div></section>");
			free(text);
		}
	} else {
		struct req_list l = { &b, 0, r };
		sb_str(&b, "<div class=\"note\"><p><b>Tài liệu sử dụng có điều kiện.</b> Bạn thấy các "
		    "thông tin mục lục; để xem nội dung, ảnh trang và bản PDF, hãy gửi phiếu yêu cầu "
		    "khai thác. Lãnh đạo duyệt thì bạn được xem trong ");
		sb_printf(&b, "%lld ngày.</p>", r->srv->conf.web_grant_days);
		sb_printf(&b, "<form method=\"post\" action=\"/doc/%lld/request\">", (long long)id);
		html_csrf(r, &b);
		sb_str(&b, "<label>Lý do khai thác<br><textarea name=\"reason\" rows=\"3\" cols=\"60\" "
		    "maxlength=\"2000\" required></textarea></label><br><button type=\"submit\">"
		    "Gửi yêu cầu khai thác</button></form></div>");
		sohoa_error_clear(&err);
		sohoa_access_requests_each(r->cat, NULL, r->user.id, id, my_request, &l, &err);
		if (l.n)
			sb_str(&b, "</ul>");
	}
	sohoa_record_view_release(&rv);
	return send_html(r, 200, &b);
}

enum MHD_Result
page_doc_request(struct web_req *r, int64_t id)
{
	const char *reason = web_form(r, "reason");
	sohoa_error err;
	sohoa_status st;
	char to[64];

	sohoa_error_clear(&err);
	st = sohoa_access_request(r->cat, &r->viewer, id, reason ? reason : "", r->address, NULL,
	    &err);
	if (st == SOHOA_BAD_INPUT && strstr(err.msg, "Không có tài liệu"))
		return web_error_page(r, 404, "Không có tài liệu này.");
	if (st != SOHOA_OK)
		return web_error_page(r, st == SOHOA_BAD_INPUT ? 400 : 503, err.msg);
	snprintf(to, sizeof to, "/doc/%lld?msg=sent", (long long)id);
	return web_redirect(r, to, NULL);
}

/* ---- a hồ sơ ---- */

static void
hoso_row(void *arg, const sohoa_record_view *rv)
{
	struct req_list *l = arg;
	struct sbuf *b = l->b;

	l->n++;
	sb_printf(b, "<tr><td>%d</td><td><a href=\"/doc/%lld\">", l->n, (long long)rv->id);
	if (rv->fields.f[SOHOA_F_CODE_NUMBER].value || rv->fields.f[SOHOA_F_CODE_NOTATION].value) {
		html_esc(b, rv->fields.f[SOHOA_F_CODE_NUMBER].value, 0);
		sb_str(b, "/");
		html_esc(b, rv->fields.f[SOHOA_F_CODE_NOTATION].value, 0);
	} else {
		sb_printf(b, "Tài liệu %lld", (long long)rv->id);
	}
	sb_str(b, "</a></td><td>");
	html_esc(b, rv->type_name, 0);
	sb_str(b, "</td><td>");
	html_date(b, rv->fields.f[SOHOA_F_ISSUED_DATE].value);
	sb_str(b, "</td><td>");
	if (rv->access == SOHOA_ACCESS_FULL)
		html_esc(b, rv->fields.f[SOHOA_F_SUBJECT].value, 0);
	else
		sb_str(b, "<span class=\"badge b02\">Sử dụng có điều kiện</span>");
	sb_str(b, "</td></tr>");
}

enum MHD_Result
page_hoso(struct web_req *r)
{
	const char *o = web_arg(r, "o");
	struct sbuf b = { 0 };
	struct req_list l = { &b, 0, r };
	sohoa_error err;

	if (!o)
		o = "";
	html_head(r, &b, "Hồ sơ");
	sb_str(&b, "<h1>Hồ sơ: ");
	html_esc(&b, o[0] ? o : "(thư mục gốc)", 0);
	sb_str(&b, "</h1><table class=\"fields\"><tr><th>STT</th><th>Số/ký hiệu</th><th>Loại</th>"
	    "<th>Ngày</th><th>Trích yếu</th></tr>");
	sohoa_error_clear(&err);
	if (sohoa_access_hoso(r->cat, &r->viewer, r->srv->conf.state_dir, o, hoso_row, &l, &err)
	    != SOHOA_OK) {
		free(b.p);
		return web_error_page(r, 503, "Máy chủ đang bận, hãy thử lại.");
	}
	sb_str(&b, "</table>");
	if (!l.n) {
		free(b.p);
		/* An empty hồ sơ and one whose documents are all hidden look alike. */
		return web_error_page(r, 404, "Không có hồ sơ này.");
	}
	web_log(r, 0, "metadata", "hoso");
	return send_html(r, 200, &b);
}

/* ---- requests (lãnh đạo) ---- */

static void
pending_row(void *arg, const sohoa_access_req *q)
{
	struct req_list *l = arg;
	struct sbuf *b = l->b;

	l->n++;
	sb_printf(b, "<tr><td><a href=\"/doc/%lld\">Tài liệu %lld</a></td><td>", (long long)q->record_id,
	    (long long)q->record_id);
	html_esc(b, q->user_name, 0);
	sb_str(b, "</td><td>");
	html_esc(b, q->created_at, 0);
	sb_str(b, "</td><td>");
	html_esc(b, q->reason, 0);
	sb_printf(b, "</td><td><form method=\"post\" action=\"/requests/%lld\">", (long long)q->id);
	html_csrf(l->r, b);
	sb_str(b, "<button type=\"submit\" name=\"action\" value=\"approve\">Duyệt</button> "
	    "<button class=\"alt\" type=\"submit\" name=\"action\" value=\"refuse\">Từ chối"
	    "</button></form></td></tr>");
}

enum MHD_Result
page_requests(struct web_req *r)
{
	struct sbuf b = { 0 }, rows = { 0 };
	struct req_list l = { &rows, 0, r };
	sohoa_error err;

	if (r->user.role != SOHOA_ROLE_LANH_DAO) {
		web_log(r, 0, "denied", "requests");
		return web_error_page(r, 403, "Chỉ lãnh đạo duyệt yêu cầu khai thác.");
	}
	sohoa_error_clear(&err);
	sohoa_access_requests_each(r->cat, "pending", 0, 0, pending_row, &l, &err);
	html_head(r, &b, "Yêu cầu khai thác");
	sb_str(&b, "<h1>Yêu cầu khai thác đang chờ duyệt</h1>");
	if (!l.n) {
		sb_str(&b, "<p>Không có yêu cầu nào đang chờ.</p>");
	} else {
		sb_str(&b, "<table class=\"fields\"><tr><th>Tài liệu</th><th>Người yêu cầu</th>"
		    "<th>Lúc</th><th>Lý do</th><th></th></tr>");
		sb_add(&b, rows.p, rows.len);
		sb_str(&b, "</table>");
	}
	free(rows.p);
	return send_html(r, 200, &b);
}

enum MHD_Result
page_request_decide(struct web_req *r, int64_t rid)
{
	const char *action = web_form(r, "action");
	sohoa_error err;
	sohoa_status st;

	if (r->user.role != SOHOA_ROLE_LANH_DAO) {
		web_log(r, 0, "denied", "decide");
		return web_error_page(r, 403, "Chỉ lãnh đạo duyệt yêu cầu khai thác.");
	}
	if (!action || (strcmp(action, "approve") && strcmp(action, "refuse")))
		return web_error_page(r, 400, "Hãy chọn Duyệt hoặc Từ chối.");
	sohoa_error_clear(&err);
	st = sohoa_access_decide(r->cat, r->user.name, rid, !strcmp(action, "approve"),
	    (long long)time(NULL), r->srv->conf.web_grant_days, r->address, &err);
	if (st != SOHOA_OK)
		return web_error_page(r, st == SOHOA_BAD_INPUT ? 404 : 503, err.msg);
	return web_redirect(r, "/requests", NULL);
}
