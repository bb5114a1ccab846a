/*
 * desk_hoso.c - the văn thư's desk in sohoa-web: hồ sơ management (the same
 * path as `sohoa hoso`, hoso_desk.h):
 *
 *   GET  /hoso/             the hồ sơ, with "Tạo hồ sơ" (desk roles)
 *   POST /hoso/new          create one (title), then its page
 *   GET  /hoso/ID[?q=...]   its fields and its documents in order; for the
 *                           desk roles the fields are a form, each document
 *                           has up/down/remove, and documents are added by
 *                           number or from a search (q)
 *   POST /hoso/ID/edit      fields;  /hoso/ID/add (ids=12 15)
 *   POST /hoso/ID/remove    (rec);   /hoso/ID/move (rec, dir=up|down)
 *
 * Everyone signed in sees the read-only view, and only the documents the
 * access rules let them list (access.h: a hidden document is neither
 * listed nor counted); every change is for van-thu, lanh-dao and
 * quan-tri (web_forbidden otherwise, logged), is logged in the access log,
 * is an event with the user's name (H1) and rewrites the packages it
 * touches before the answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sohoa/hoso_desk.h"
#include "web.h"

static enum MHD_Result
send_page(struct web_req *r, struct sbuf *b)
{
	html_foot(b);
	return web_send(r, 200, "text/html; charset=utf-8", b);
}

static void
agent_of(struct web_req *r, char *buf, size_t n)
{
	snprintf(buf, n, "sohoa-web %s (user %s)", SOHOA_VERSION, r->user.name);
}

/* ---- the list ---- */

struct list_ctx {
	struct web_req *r;
	struct sbuf *b;
	int n;
	int desk;
};

static void
count_visible(void *arg, const sohoa_record_view *rv)
{
	(void)rv;
	(*(int *)arg)++;
}

static void
list_row(void *arg, const sohoa_hoso_entry *e)
{
	struct list_ctx *l = arg;
	int n = e->ndocs;

	if (!l->desk) {
		/* Counted as this viewer may see them; none: not listed. */
		sohoa_error err;
		n = 0;
		sohoa_error_clear(&err);
		if (sohoa_access_hoso(l->r->cat, &l->r->viewer, l->r->srv->conf.state_dir, e->origin,
		    count_visible, &n, &err) != SOHOA_OK || !n)
			return;
	}
	l->n++;
	sb_printf(l->b, "<tr><td>%lld</td><td><a href=\"/hoso/%lld\">", (long long)e->id,
	    (long long)e->id);
	html_esc(l->b, e->title, 0);
	sb_str(l->b, "</a></td><td>");
	if (e->file_code) {
		html_esc(l->b, e->file_code, 0);
	} else {
		/* The code the EAD carries when nobody wrote one (describe.c). */
		sohoa_hoso h;
		sohoa_error err;
		sohoa_error_clear(&err);
		sohoa_hoso_describe(&l->r->srv->conf, l->r->cat, e->id, &h, &err);
		html_esc(l->b, h.v[SOHOA_H_FILE_CODE], 0);
		sohoa_hoso_release(&h);
	}
	sb_printf(l->b, "</td><td>%d</td><td>", n);
	html_esc(l->b, e->created_by ? "tạo trên máy" : e->origin, 0);
	sb_str(l->b, "</td></tr>");
}

static enum MHD_Result
page_list(struct web_req *r)
{
	struct sbuf b = { 0 };
	struct list_ctx l = { r, &b, 0, web_desk_allowed(r) };
	sohoa_error err;

	html_head(r, &b, "Hồ sơ");
	sb_str(&b, "<h1>Hồ sơ</h1>");
	if (l.desk) {
		sb_str(&b, "<form class=\"search\" method=\"post\" action=\"/hoso/new\">");
		html_csrf(r, &b);
		sb_str(&b, "<label>Tiêu đề hồ sơ mới <input name=\"title\" size=\"60\" required"
		    " maxlength=\"2000\"></label> <button type=\"submit\" id=\"create\">Tạo hồ sơ"
		    "</button></form>");
	}
	sb_str(&b, "<table class=\"fields\" id=\"hoso-list\"><tr><th>Số</th><th>Tiêu đề</th>"
	    "<th>Mã hồ sơ</th><th>Tài liệu</th><th>Thư mục</th></tr>");
	sohoa_error_clear(&err);
	if (sohoa_hoso_list(r->cat, list_row, &l, &err) != SOHOA_OK) {
		free(b.p);
		return web_error_page(r, 503, "Máy chủ đang bận, hãy thử lại.");
	}
	sb_str(&b, "</table>");
	if (!l.n)
		sb_str(&b, "<p class=\"note\">Chưa có hồ sơ nào.</p>");
	web_log(r, 0, "metadata", "hoso list");
	return send_page(r, &b);
}

/* ---- one hồ sơ ---- */

struct doc_ctx {
	struct web_req *r;
	struct sbuf *b;
	int64_t hid;
	int n;
	int desk;
};

static void
doc_row(void *arg, const sohoa_record_view *rv)
{
	struct doc_ctx *d = arg;
	struct sbuf *b = d->b;

	d->n++;
	sb_printf(b, "<tr id=\"doc-%lld\"><td>%d</td><td><a href=\"/doc/%lld\">", (long long)rv->id,
	    d->n, (long long)rv->id);
	if (rv->fields.f[SOHOA_F_CODE_NUMBER].value || rv->fields.f[SOHOA_F_CODE_NOTATION].value) {
		html_esc(b, rv->fields.f[SOHOA_F_CODE_NUMBER].value, 0);
		sb_str(b, "/");
		html_esc(b, rv->fields.f[SOHOA_F_CODE_NOTATION].value, 0);
	} else {
		sb_printf(b, "Tài liệu %lld", (long long)rv->id);
	}
	sb_str(b, "</a></td><td>");
	html_date(b, rv->fields.f[SOHOA_F_ISSUED_DATE].value);
	sb_str(b, "</td><td>");
	if (rv->access == SOHOA_ACCESS_FULL)
		html_esc(b, rv->fields.f[SOHOA_F_SUBJECT].value, 0);
	else
		sb_str(b, "<span class=\"badge b02\">Sử dụng có điều kiện</span>");
	sb_printf(b, "</td><td>%d</td>", rv->page_count);
	if (d->desk) {
		sb_printf(b, "<td><form method=\"post\" action=\"/hoso/%lld/move\">",
		    (long long)d->hid);
		html_csrf(d->r, b);
		sb_printf(b, "<input type=\"hidden\" name=\"rec\" value=\"%lld\">"
		    "<button class=\"alt\" type=\"submit\" name=\"dir\" value=\"up\" title=\"Lên\">↑"
		    "</button> <button class=\"alt\" type=\"submit\" name=\"dir\" value=\"down\""
		    " title=\"Xuống\">↓</button></form> <form method=\"post\""
		    " action=\"/hoso/%lld/remove\">", (long long)rv->id, (long long)d->hid);
		html_csrf(d->r, b);
		sb_printf(b, "<input type=\"hidden\" name=\"rec\" value=\"%lld\"><button class=\"alt\""
		    " type=\"submit\">Lấy ra</button></form></td>", (long long)rv->id);
	}
	sb_str(b, "</tr>");
}

/* The fields a person sets, in TT 05's order, and whether coded. */
static const sohoa_hoso_id form_fields[] = {
	SOHOA_H_FILE_CODE, SOHOA_H_TITLE, SOHOA_H_MAINTENANCE, SOHOA_H_MODE, SOHOA_H_LANGUAGE,
	SOHOA_H_PAPER_FILE_CODE, SOHOA_H_KEYWORD, SOHOA_H_DESCRIPTION,
};

static int
coded(sohoa_hoso_id f)
{
	return f == SOHOA_H_MAINTENANCE || f == SOHOA_H_MODE || f == SOHOA_H_LANGUAGE;
}

static void
fields_form(struct web_req *r, struct sbuf *b, int64_t hid, const sohoa_hoso *h)
{
	sb_printf(b, "<form class=\"search\" method=\"post\" action=\"/hoso/%lld/edit\""
	    " id=\"hoso-edit\">", (long long)hid);
	html_csrf(r, b);
	sb_str(b, "<div class=\"filters\">");
	for (size_t i = 0; i < sizeof form_fields / sizeof *form_fields; i++) {
		sohoa_hoso_id f = form_fields[i];
		sb_printf(b, "<label>%s ", sohoa_hoso_label(f));
		if (coded(f)) {
			sb_printf(b, "<select name=\"%s\"><option value=\"\">(mặc định)</option>",
			    sohoa_hoso_name(f));
			for (int c = 1; c <= 11; c++) {
				char code[4], lab[64];
				snprintf(code, sizeof code, "%02d", c);
				if (!sohoa_hoso_code_label(f, code, lab, sizeof lab))
					continue;
				sb_printf(b, "<option value=\"%s\"%s>%s ", code, h->v[f]
				    && !strcmp(h->v[f], code) ? " selected" : "", code);
				html_esc(b, lab, 0);
				sb_str(b, "</option>");
			}
			sb_str(b, "</select>");
		} else {
			sb_printf(b, "<input name=\"%s\" size=\"%d\" maxlength=\"2000\" value=\"",
			    sohoa_hoso_name(f), f == SOHOA_H_TITLE || f == SOHOA_H_DESCRIPTION ? 60 : 28);
			/* A code the software made up is not the person's: left empty. */
			if (!(f == SOHOA_H_FILE_CODE && !strcmp(h->source[f], "folder")))
				html_esc(b, h->v[f], 0);
			sb_str(b, "\">");
		}
		sb_str(b, "</label>");
	}
	sb_str(b, "</div><button type=\"submit\" id=\"save\">Lưu và đóng gói lại</button></form>");
}

static void
fields_table(struct sbuf *b, const sohoa_hoso *h, int desk, int visible)
{
	sb_str(b, "<table class=\"fields\" id=\"hoso-fields\">");
	for (int i = 0; i < SOHOA_H_COUNT; i++) {
		sohoa_hoso_id f = (sohoa_hoso_id)i;
		char lab[64];
		int computed = f == SOHOA_H_TOTAL_DOC || f == SOHOA_H_NUMBER_OF_PAPER
		    || f == SOHOA_H_NUMBER_OF_PAGE || f == SOHOA_H_START_DATE || f == SOHOA_H_END_DATE;
		if (!h->v[i] || (computed && !desk))
			continue;
		sb_printf(b, "<tr><th>%s</th><td data-field=\"%s\">", sohoa_hoso_label(f),
		    sohoa_hoso_name(f));
		html_esc(b, h->v[i], 0);
		if (sohoa_hoso_code_label(f, h->v[i], lab, sizeof lab)) {
			sb_str(b, " (");
			html_esc(b, lab, 0);
			sb_str(b, ")");
		}
		sb_str(b, "</td></tr>");
	}
	/* Not the EAD's count: what this viewer may list (access.h). */
	if (!desk)
		sb_printf(b, "<tr><th>Số tài liệu</th><td>%d</td></tr>", visible);
	sb_str(b, "</table>");
}

static void
search_add(struct web_req *r, struct sbuf *b, int64_t hid, const char *q)
{
	sohoa_search_results res;
	sohoa_error err;

	sb_printf(b, "<h2>Thêm tài liệu</h2><form class=\"search\" method=\"post\""
	    " action=\"/hoso/%lld/add\" id=\"add-ids\">", (long long)hid);
	html_csrf(r, b);
	sb_str(b, "<label>Số tài liệu (cách nhau bởi dấu cách) <input name=\"ids\" size=\"30\">"
	    "</label> <button type=\"submit\">Đưa vào hồ sơ</button></form>");
	sb_printf(b, "<form class=\"search\" method=\"get\" action=\"/hoso/%lld\" id=\"add-search\">"
	    "<label>Hoặc tìm <input name=\"q\" size=\"40\" value=\"", (long long)hid);
	html_esc(b, q, 0);
	sb_str(b, "\"></label> <button type=\"submit\">Tìm</button></form>");
	if (!q || !*q)
		return;
	sohoa_search_results_init(&res);
	sohoa_error_clear(&err);
	if (sohoa_search_run_as(r->cat, q, strlen(q), 20, 0, &r->viewer, &res, &err) != SOHOA_OK) {
		sb_str(b, "<p class=\"err\">");
		html_esc(b, err.msg, 0);
		sb_str(b, "</p>");
		return;
	}
	web_log(r, 0, "search", q);
	sb_str(b, "<table class=\"fields\" id=\"search-results\">");
	for (size_t i = 0; i < res.count; i++) {
		const sohoa_search_result *x = &res.items[i];
		sb_printf(b, "<tr><td><a href=\"/doc/%lld\">", (long long)x->id);
		if (x->number)
			html_esc(b, x->number, 0);
		else
			sb_printf(b, "Tài liệu %lld", (long long)x->id);
		sb_str(b, "</a></td><td>");
		html_date(b, x->date);
		sb_str(b, "</td><td>");
		html_esc(b, x->subject, 0);
		sb_str(b, "</td><td>");
		html_esc(b, x->origin, 0);
		sb_printf(b, "</td><td><form method=\"post\" action=\"/hoso/%lld/add\">",
		    (long long)hid);
		html_csrf(r, b);
		sb_printf(b, "<input type=\"hidden\" name=\"ids\" value=\"%lld\"><button type=\"submit\""
		    " id=\"add-%lld\">Thêm</button></form></td></tr>", (long long)x->id,
		    (long long)x->id);
	}
	sb_str(b, "</table>");
	if (!res.count)
		sb_str(b, "<p class=\"note\">Không tìm thấy tài liệu nào.</p>");
	sohoa_search_results_release(&res);
}

static const char *
message_of(const char *msg)
{
	static const struct { const char *key, *text; } m[] = {
		{ "created", "Đã tạo hồ sơ." }, { "edited", "Đã lưu và đóng gói lại hồ sơ." },
		{ "added", "Đã đưa tài liệu vào hồ sơ và đóng gói lại." },
		{ "removed", "Đã lấy tài liệu ra khỏi hồ sơ và đóng gói lại." },
		{ "moved", "Đã đổi thứ tự và đóng gói lại." },
	};
	for (size_t i = 0; msg && i < sizeof m / sizeof *m; i++)
		if (!strcmp(msg, m[i].key))
			return m[i].text;
	return NULL;
}

static enum MHD_Result
page_one(struct web_req *r, int64_t hid)
{
	struct sbuf b = { 0 }, docs = { 0 };
	struct doc_ctx d = { r, &docs, hid, 0, web_desk_allowed(r) };
	sohoa_hoso h;
	sohoa_error err;
	char origin[4096], detail[64];
	const char *msg = message_of(web_arg(r, "msg"));

	sohoa_error_clear(&err);
	if (sohoa_hoso_origin(r->cat, hid, origin, sizeof origin, &err) != SOHOA_OK)
		return err.status == SOHOA_BAD_INPUT ? web_error_page(r, 404, "Không có hồ sơ này.")
		    : web_error_page(r, 503, "Máy chủ đang bận, hãy thử lại.");
	sohoa_error_clear(&err);
	if (sohoa_access_hoso(r->cat, &r->viewer, r->srv->conf.state_dir, origin, doc_row, &d, &err)
	    != SOHOA_OK) {
		free(docs.p);
		return web_error_page(r, 503, "Máy chủ đang bận, hãy thử lại.");
	}
	/* An empty hồ sơ and one whose documents are all hidden look alike. */
	if (!d.desk && !d.n) {
		free(docs.p);
		return web_error_page(r, 404, "Không có hồ sơ này.");
	}
	sohoa_error_clear(&err);
	if (sohoa_hoso_describe(&r->srv->conf, r->cat, hid, &h, &err) != SOHOA_OK) {
		/* A hoso.txt that does not parse: the rest still shows. */
		if (err.status != SOHOA_BAD_INPUT) {
			free(docs.p);
			sohoa_hoso_release(&h);
			return web_error_page(r, 503, "Máy chủ đang bận, hãy thử lại.");
		}
	}
	html_head(r, &b, "Hồ sơ");
	sb_str(&b, "<h1>Hồ sơ: ");
	html_esc(&b, h.v[SOHOA_H_TITLE], 0);
	sb_str(&b, "</h1>");
	if (msg) {
		sb_str(&b, "<p class=\"note\" id=\"msg\">");
		html_esc(&b, msg, 0);
		sb_str(&b, "</p>");
	}
	if (err.status == SOHOA_BAD_INPUT) {
		sb_str(&b, "<p class=\"err\">hoso.txt: ");
		html_esc(&b, err.msg, 0);
		sb_str(&b, "</p>");
	}
	fields_table(&b, &h, d.desk, d.n);
	if (d.desk)
		fields_form(r, &b, hid, &h);
	sb_str(&b, "<h2>Tài liệu trong hồ sơ</h2><table class=\"fields\" id=\"hoso-docs\"><tr>"
	    "<th>STT</th><th>Số/ký hiệu</th><th>Ngày</th><th>Trích yếu</th><th>Trang</th>");
	if (d.desk)
		sb_str(&b, "<th>Thứ tự</th>");
	sb_str(&b, "</tr>");
	sb_add(&b, docs.p ? docs.p : "", docs.len);
	free(docs.p);
	sb_str(&b, "</table>");
	if (!d.n)
		sb_str(&b, "<p class=\"note\">Hồ sơ chưa có tài liệu.</p>");
	if (d.desk)
		search_add(r, &b, hid, web_arg(r, "q"));
	sohoa_hoso_release(&h);
	snprintf(detail, sizeof detail, "hoso %lld", (long long)hid);
	web_log(r, 0, "metadata", detail);
	return send_page(r, &b);
}

/* ---- changes ---- */

static enum MHD_Result
done(struct web_req *r, int64_t hid, const char *msg)
{
	char to[80];
	snprintf(to, sizeof to, "/hoso/%lld?msg=%s", (long long)hid, msg);
	return web_redirect(r, to, NULL);
}

static enum MHD_Result
failed(struct web_req *r, const sohoa_error *err)
{
	return web_error_page(r, err->status == SOHOA_BAD_INPUT ? 400 : 503, err->msg);
}

/* Rewrites the packages of hồ sơ hid; an error page when it fails. */
static int
repackage(struct web_req *r, int64_t hid, const char *agent, enum MHD_Result *ret)
{
	sohoa_error err;

	sohoa_error_clear(&err);
	if (sohoa_hoso_repackage(&r->srv->conf, r->cat, hid, agent, NULL, &err) == SOHOA_OK)
		return 1;
	fprintf(stderr, "sohoa-web: hồ sơ %lld: %s\n", (long long)hid, err.msg);
	*ret = web_error_page(r, 500, "Đã lưu thay đổi nhưng chưa đóng gói lại được "
	    "(xem nhật ký của sohoa-web).");
	return 0;
}

static enum MHD_Result
post_create(struct web_req *r)
{
	const char *title = web_form(r, "title");
	char agent[160], detail[64];
	int64_t hid = 0;
	sohoa_error err;

	agent_of(r, agent, sizeof agent);
	sohoa_error_clear(&err);
	if (sohoa_hoso_create(r->cat, title, agent, &hid, &err) != SOHOA_OK)
		return failed(r, &err);
	snprintf(detail, sizeof detail, "create hoso %lld", (long long)hid);
	web_log(r, 0, "hoso", detail);
	return done(r, hid, "created");
}

static enum MHD_Result
post_edit(struct web_req *r, int64_t hid)
{
	sohoa_hoso h;
	sohoa_error err;
	char agent[160], detail[96];
	int changed = 0;
	enum MHD_Result ret;

	char origin[4096];

	sohoa_error_clear(&err);
	if (sohoa_hoso_origin(r->cat, hid, origin, sizeof origin, &err) != SOHOA_OK)
		return err.status == SOHOA_BAD_INPUT ? web_error_page(r, 404, "Không có hồ sơ này.")
		    : failed(r, &err);
	sohoa_error_clear(&err);
	/* A hoso.txt that does not parse (BAD_INPUT) still lets a person edit. */
	if (sohoa_hoso_describe(&r->srv->conf, r->cat, hid, &h, &err) != SOHOA_OK
	    && err.status != SOHOA_BAD_INPUT) {
		sohoa_hoso_release(&h);
		return failed(r, &err);
	}
	agent_of(r, agent, sizeof agent);
	for (size_t i = 0; i < sizeof form_fields / sizeof *form_fields; i++) {
		sohoa_hoso_id f = form_fields[i];
		const char *v = web_form(r, sohoa_hoso_name(f));
		const char *cur = h.v[f] && !(f == SOHOA_H_FILE_CODE
		    && !strcmp(h.source[f], "folder")) ? h.v[f] : "";
		if (!v || !strcmp(v, cur))
			continue;
		sohoa_error_clear(&err);
		if (sohoa_hoso_edit(r->cat, hid, sohoa_hoso_name(f), v, agent, NULL, &err)
		    != SOHOA_OK) {
			sohoa_hoso_release(&h);
			return failed(r, &err);
		}
		snprintf(detail, sizeof detail, "edit hoso %lld %s", (long long)hid,
		    sohoa_hoso_name(f));
		web_log(r, 0, "hoso", detail);
		changed++;
	}
	sohoa_hoso_release(&h);
	if (changed && !repackage(r, hid, agent, &ret))
		return ret;
	return done(r, hid, "edited");
}

static enum MHD_Result
post_docs(struct web_req *r, int64_t hid, const char *what)
{
	char agent[160], detail[96], origin[4096];
	sohoa_error err;
	enum MHD_Result ret;
	int64_t recs[64], from[64];
	size_t n = 0;

	sohoa_error_clear(&err);
	if (sohoa_hoso_origin(r->cat, hid, origin, sizeof origin, &err) != SOHOA_OK)
		return err.status == SOHOA_BAD_INPUT ? web_error_page(r, 404, "Không có hồ sơ này.")
		    : failed(r, &err);
	agent_of(r, agent, sizeof agent);
	if (!strcmp(what, "add")) {
		const char *ids = web_form(r, "ids"), *p = ids ? ids : "";
		while (*p && n < sizeof recs / sizeof *recs) {
			size_t len;
			p += strspn(p, " ,;\t\r\n");
			len = strcspn(p, " ,;\t\r\n");
			if (!len)
				break;
			if (!(recs[n++] = web_parse_id(p, len)))
				return web_error_page(r, 400, "Số tài liệu phải là chữ số, cách nhau bởi "
				    "dấu cách — record numbers are digits separated by spaces.");
			p += len;
		}
		if (!n)
			return web_error_page(r, 400, "Hãy ghi số tài liệu — give a record number.");
	} else {
		const char *rec = web_form(r, "rec");
		if (!rec || !(recs[0] = web_parse_id(rec, strlen(rec))))
			return web_error_page(r, 400, "Thiếu số tài liệu — no record number.");
		n = 1;
	}
	/* A document this person may not even know of (03, Mật: access.h)
	 * is not there for the desk either. */
	for (size_t i = 0; i < n; i++) {
		sohoa_access acc = SOHOA_ACCESS_NONE;
		sohoa_error_clear(&err);
		if (sohoa_access_of(r->cat, &r->viewer, recs[i], &acc, &err) != SOHOA_OK)
			return failed(r, &err);
		if (acc == SOHOA_ACCESS_NONE)
			return web_error_page(r, 404, "Không có tài liệu này.");
	}
	for (size_t i = 0; i < n; i++) {
		sohoa_status st;
		const char *dir = web_form(r, "dir");
		from[i] = 0;
		sohoa_error_clear(&err);
		if (!strcmp(what, "add"))
			st = sohoa_hoso_add(r->cat, hid, recs[i], agent, &from[i], &err);
		else if (!strcmp(what, "remove"))
			st = sohoa_hoso_remove(r->cat, hid, recs[i], agent, &err);
		else if (dir && (!strcmp(dir, "up") || !strcmp(dir, "down")))
			st = sohoa_hoso_move(r->cat, hid, recs[i], !strcmp(dir, "up") ? -1 : 1, agent,
			    &err);
		else
			return web_error_page(r, 400, "Hướng không hợp lệ — dir is up or down.");
		if (st != SOHOA_OK)
			return failed(r, &err);
		snprintf(detail, sizeof detail, "%s hoso %lld%s%s", what, (long long)hid,
		    dir && !strcmp(what, "move") ? " " : "", dir && !strcmp(what, "move") ? dir : "");
		web_log(r, recs[i], "hoso", detail);
	}
	/* The packages: this hồ sơ's, the ones the documents left, a document
	 * taken out (now a hồ sơ of its own). */
	if (!repackage(r, hid, agent, &ret))
		return ret;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(what, "remove")) {
			sohoa_error_clear(&err);
			if (sohoa_hoso_repackage_record(&r->srv->conf, r->cat, recs[i], agent, &err)
			    != SOHOA_OK) {
				fprintf(stderr, "sohoa-web: record %lld: %s\n", (long long)recs[i], err.msg);
				return web_error_page(r, 500, "Đã lưu thay đổi nhưng chưa đóng gói lại được "
				    "(xem nhật ký của sohoa-web).");
			}
		} else if (from[i] && from[i] != hid && !repackage(r, from[i], agent, &ret)) {
			return ret;
		}
	}
	return done(r, hid, !strcmp(what, "add") ? "added" : !strcmp(what, "remove") ? "removed"
	    : "moved");
}

/* "/hoso/<digits><rest>": the number, or 0. */
static int64_t
path_id(const char *p, const char *rest)
{
	size_t n;

	if (strncmp(p, "/hoso/", 6))
		return 0;
	p += 6;
	n = strspn(p, "0123456789");
	if (!n || strcmp(p + n, rest))
		return 0;
	return web_parse_id(p, n);
}

int
desk_hoso_route(struct web_req *r, int post, enum MHD_Result *ret)
{
	static const char *const actions[] = { "edit", "add", "remove", "move" };
	const char *p = r->path;
	int64_t hid;

	if (strncmp(p, "/hoso/", 6))
		return 0;
	if (post) {
		char rest[16];
		if (!web_desk_allowed(r)) {
			*ret = web_forbidden(r, "hoso");
			return 1;
		}
		if (!strcmp(p, "/hoso/new")) {
			*ret = post_create(r);
			return 1;
		}
		for (size_t i = 0; i < sizeof actions / sizeof *actions; i++) {
			snprintf(rest, sizeof rest, "/%s", actions[i]);
			if ((hid = path_id(p, rest))) {
				*ret = !strcmp(actions[i], "edit") ? post_edit(r, hid)
				    : post_docs(r, hid, actions[i]);
				return 1;
			}
		}
		*ret = web_error_page(r, 404, "Không tìm thấy.");
		return 1;
	}
	if (!strcmp(p, "/hoso/")) {
		*ret = page_list(r);
		return 1;
	}
	if ((hid = path_id(p, ""))) {
		*ret = page_one(r, hid);
		return 1;
	}
	*ret = web_error_page(r, 404, "Không tìm thấy.");
	return 1;
}
