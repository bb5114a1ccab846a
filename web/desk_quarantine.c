/*
 * desk_quarantine.c - the văn thư's desk in sohoa-web: the quarantine and
 * the probable duplicates (/quarantine) and the monthly exports (/exports).
 *
 *   GET  /quarantine                  files in the quarantine with their reason
 *                                     in Vietnamese, and the probable duplicates
 *   GET  /quarantine/N/preview.png    the first page of record N's file, as
 *                                     sohoad rendered it
 *   POST /quarantine/N/retry          ask sohoad to put it back into the inbox
 *   GET  /quarantine/N/delete         the confirmation step; POST asks sohoad
 *                                     to delete it
 *   GET  /quarantine/dup/N            flagged record N beside the one it may
 *                                     duplicate; POST .../keep, POST .../drop
 *                                     (asked of sohoad too)
 *   GET  /exports                     the ledger, the requests, the form
 *   POST /exports/run                 queue the export of a month (sohoad runs it)
 *   GET  /exports/N/bundle, /exports/N/p7s   a bundle and its signature
 *
 * Only van-thu, lanh-dao and quan-tri (web_desk_allowed); everyone else
 * gets 403, written to the access log.  Every action is in the access log
 * and, for a record, an event naming the person (desk.h).  sohoa-web runs
 * as its own user and can neither read the quarantine's files nor write
 * the inbox: the list comes from the catalog, every action on a file is a
 * desk request that sohoad carries out (desk.h, invariant 5) and whose
 * state the page shows (refreshing itself while one waits), and the
 * previews are PNGs sohoad rendered in a limited child process (invariant
 * 6) - this process never decodes a file nobody vouches for; a file that
 * cannot be decoded is said so in text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sohoa/desk.h"
#include "sohoa/engine.h"
#include "sohoa/export.h"
#include "web.h"

/* Files shown at once. */
#define QUARANTINE_SHOWN 50
/* Desk requests shown. */
#define REQUESTS_SHOWN 20

static enum MHD_Result
send_page(struct web_req *r, unsigned status, struct sbuf *b)
{
	html_foot(b);
	return web_send(r, status, "text/html; charset=utf-8", b);
}

/* "/prefix/<id><rest>": the id, and *rest after it; 0 when not. */
static int64_t
path_id(const char *p, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix), k = 0;

	if (strncmp(p, prefix, n))
		return 0;
	p += n;
	while (p[k] >= '0' && p[k] <= '9')
		k++;
	*rest = p + k;
	return web_parse_id(p, k);
}

static const char *
reason_vi(const char *key)
{
	sohoa_reason rs = sohoa_reason_from_key(key);

	return rs == SOHOA_REASON_NONE ? NULL : sohoa_reason_vi(rs);
}

/* ---- the quarantine ------------------------------------------------------ */

/* The preview sohoad made, or in text why there is none (yet); *waiting
 * set when sohoad has not made it yet. */
static void
preview_cell(struct web_req *r, struct sbuf *b, const sohoa_quarantined *q,
    const sohoa_preview_row *pv, int have, int *waiting)
{
	sohoa_reason rs;

	if (!have) {
		*waiting = 1;
		sb_str(b, "<p class=\"meta preview-wait\">sohoad đang tạo ảnh xem trước…</p>");
		return;
	}
	if (!strcmp(pv->status, "png")) {
		sb_printf(b, "<img src=\"/quarantine/%lld/preview.png\" alt=\"Trang đầu của tệp\">",
		    (long long)q->id);
		return;
	}
	if (!strcmp(pv->status, "none")) {
		sb_str(b, "<p class=\"meta\">");
		html_esc(b, pv->message, 0);
		sb_str(b, "</p>");
		return;
	}
	rs = sohoa_reason_from_key(pv->reason);
	sb_str(b, "<p class=\"err\">Không đọc được tệp: ");
	html_esc(b, rs != SOHOA_REASON_NONE ? sohoa_reason_vi(rs) : pv->message, 0);
	sb_str(b, "</p>");
}

static const char *
request_state_vi(const char *s)
{
	return !strcmp(s, "pending") ? "chờ" : !strcmp(s, "running") ? "đang chạy"
	    : !strcmp(s, "done") ? "xong" : !strcmp(s, "failed") ? "lỗi" : s;
}

static const char *
desk_action_vi(sohoa_desk_action a)
{
	return a == SOHOA_DESK_RETRY ? "thử lại" : a == SOHOA_DESK_DELETE ? "xóa"
	    : a == SOHOA_DESK_KEEP ? "giữ cả hai" : "bỏ tài liệu trùng";
}

static void
quarantine_item(struct web_req *r, struct sbuf *b, const sohoa_quarantined *q, int *waiting)
{
	const char *rv = reason_vi(q->reason);
	sohoa_reason rs = sohoa_reason_from_key(q->reason);
	sohoa_preview_row pv;
	sohoa_desk_request live;
	bool have = sohoa_preview_get(r->cat, q->id, &pv);

	sb_printf(b, "<div class=\"page\" id=\"q%lld\"><div><h2>", (long long)q->id);
	if (q->origin[0]) {
		html_esc(b, q->origin, 0);
		sb_str(b, "/");
	}
	html_esc(b, q->name, 0);
	sb_str(b, "</h2><table class=\"fields\"><tr><th>Lý do</th><td class=\"reason\">");
	html_esc(b, rv ? rv : q->reason[0] ? q->reason : "(không rõ)", 0);
	if (rs != SOHOA_REASON_NONE && sohoa_reason_advice_vi(rs)[0]) {
		sb_str(b, "\n");
		html_esc(b, sohoa_reason_advice_vi(rs), 0);
	}
	sb_str(b, "</td></tr>");
	if (q->message[0]) {
		sb_str(b, "<tr><th>Chi tiết</th><td>");
		html_esc(b, q->message, 0);
		sb_str(b, "</td></tr>");
	}
	if (q->duplicate_of)
		sb_printf(b, "<tr><th>Trùng với</th><td><a href=\"/doc/%lld\">tài liệu %lld</a></td>"
		    "</tr>", (long long)q->duplicate_of, (long long)q->duplicate_of);
	sb_str(b, "<tr><th>Trong thư mục cách ly</th><td>");
	html_esc(b, q->qname, 0);
	sb_printf(b, "</td></tr><tr><th>Cỡ</th><td>%lld byte</td></tr><tr><th>Nhận lúc</th><td>",
	    q->size);
	html_esc(b, q->created_at, 0);
	sb_str(b, "</td></tr></table>");
	/* The reason file, as sohoad read it with the preview. */
	if (have && pv.note) {
		sb_str(b, "<details><summary>Tệp lý do (.ly-do.txt)</summary><pre>");
		html_esc(b, pv.note, 0);
		sb_str(b, "</pre></details>");
	}
	if (sohoa_desk_request_live(r->cat, q->id, &live)) {
		*waiting = 1;
		sb_printf(b, "<p class=\"note pending\">Đã yêu cầu %s (%s): sohoad sẽ thực hiện.</p>"
		    "</div><div>", desk_action_vi(live.action), request_state_vi(live.state));
	} else {
		sb_printf(b, "<p class=\"actions\">Khi đã thay hoặc sửa tệp trong thư mục cách ly:"
		    "</p><form method=\"post\" action=\"/quarantine/%lld/retry\">", (long long)q->id);
		html_csrf(r, b);
		sb_printf(b, "<button type=\"submit\" class=\"retry\">Thử lại (retry)</button> "
		    "<a class=\"delete\" href=\"/quarantine/%lld/delete\">Xóa…</a></form></div><div>",
		    (long long)q->id);
	}
	preview_cell(r, b, q, &pv, have, waiting);
	sb_str(b, "</div></div>");
	free(pv.note);
}

static const char *
done_note(const char *ok)
{
	if (!ok)
		return NULL;
	if (!strcmp(ok, "retry"))
		return "Đã gửi yêu cầu thử lại: sohoad sẽ trả tệp về thư mục nhận (xem «Yêu cầu»"
		    " bên dưới).";
	if (!strcmp(ok, "delete"))
		return "Đã gửi yêu cầu xóa tệp khỏi thư mục cách ly: sohoad sẽ xóa (xem «Yêu cầu»"
		    " bên dưới).";
	if (!strcmp(ok, "keep"))
		return "Đã gửi yêu cầu giữ cả hai tài liệu (xem «Yêu cầu» bên dưới).";
	if (!strcmp(ok, "drop"))
		return "Đã gửi yêu cầu bỏ tài liệu trùng (xem «Yêu cầu» bên dưới).";
	if (!strcmp(ok, "queued"))
		return "Đã gửi yêu cầu xuất; sohoad sẽ chạy (xem trạng thái bên dưới).";
	return NULL;
}

/* The error of the last action, or else the note that it was done. */
static void
note_or_error(struct sbuf *b, const char *error, const char *note)
{
	if (!error && !note)
		return;
	sb_str(b, error ? "<p class=\"err\" id=\"error\">" : "<p class=\"note\" id=\"done\">");
	html_esc(b, error ? error : note, 0);
	sb_str(b, "</p>");
}

static enum MHD_Result
page_quarantine(struct web_req *r, unsigned status, const char *error)
{
	struct sbuf b = { 0 };
	sohoa_quarantined *q = NULL;
	sohoa_duplicate_pair *d = NULL;
	sohoa_desk_request *rq = NULL;
	int nq = 0, nd = 0, nr = 0, waiting = 0;
	sohoa_error err;
	const char *note = done_note(web_arg(r, "ok"));

	sohoa_error_clear(&err);
	if (sohoa_quarantine_list(r->cat, &q, &nq, &err) != SOHOA_OK
	    || sohoa_duplicates_list(r->cat, &d, &nd, &err) != SOHOA_OK
	    || sohoa_desk_requests_list(r->cat, REQUESTS_SHOWN, &rq, &nr, &err) != SOHOA_OK) {
		free(q);
		free(d);
		fprintf(stderr, "sohoa-web: %s\n", err.msg);
		return web_error_page(r, 503, "Máy chủ đang bận, hãy thử lại.");
	}
	web_log(r, 0, "quarantine", NULL);
	html_head(r, &b, "Cách ly");
	sb_str(&b, "<h1>Tệp bị cách ly (quarantine)</h1>");
	note_or_error(&b, error, note);
	sb_printf(&b, "<p class=\"meta\" id=\"qcount\">%d tệp trong thư mục cách ly. Sửa hoặc thay"
	    " tệp ngay trong thư mục cách ly (cùng tên), rồi bấm «Thử lại».</p>", nq);
	for (int i = 0; i < nq && i < QUARANTINE_SHOWN; i++)
		quarantine_item(r, &b, &q[i], &waiting);
	if (nq > QUARANTINE_SHOWN)
		sb_printf(&b, "<p class=\"note\">Chỉ hiện %d tệp đầu; xử lý xong các tệp này để xem"
		    " tiếp.</p>", QUARANTINE_SHOWN);
	sb_printf(&b, "<h1 id=\"duplicates\">Có thể trùng (probable duplicates)</h1><p class=\"meta\""
	    " id=\"dcount\">%d cặp.</p>", nd);
	if (nd) {
		sb_str(&b, "<table class=\"fields\"><tr><th>Tài liệu</th><th>Có thể trùng với</th>"
		    "<th></th></tr>");
		for (int i = 0; i < nd; i++) {
			sb_printf(&b, "<tr><td>%lld: ", (long long)d[i].id);
			html_esc(&b, d[i].name, 0);
			sb_printf(&b, "</td><td>%lld: ", (long long)d[i].of);
			html_esc(&b, d[i].of_name, 0);
			sb_printf(&b, "</td><td><a class=\"compare\" href=\"/quarantine/dup/%lld\">So sánh"
			    "</a></td></tr>", (long long)d[i].id);
		}
		sb_str(&b, "</table>");
	}
	/* What was asked of sohoad, and how it went. */
	sb_str(&b, "<h2 id=\"desk-requests\">Yêu cầu (sohoad thực hiện)</h2><table class=\"fields\""
	    " id=\"requests\"><tr><th>Số</th><th>Việc</th><th>Tài liệu</th><th>Người yêu cầu</th>"
	    "<th>Lúc</th><th>Trạng thái</th><th>Kết quả</th></tr>");
	for (int i = 0; i < nr; i++) {
		if (!strcmp(rq[i].state, "pending") || !strcmp(rq[i].state, "running"))
			waiting = 1;
		sb_printf(&b, "<tr data-state=\"%s\" data-request=\"%lld\"><td>%lld</td><td>%s</td>"
		    "<td>%lld", rq[i].state, (long long)rq[i].id, (long long)rq[i].id,
		    desk_action_vi(rq[i].action), (long long)rq[i].record_id);
		if (rq[i].drop_id)
			sb_printf(&b, " (bỏ %lld)", (long long)rq[i].drop_id);
		sb_str(&b, "</td><td>");
		html_esc(&b, rq[i].requested_by, 0);
		sb_str(&b, "</td><td>");
		html_esc(&b, rq[i].requested_at, 0);
		sb_printf(&b, "</td><td class=\"state\">%s</td><td>", request_state_vi(rq[i].state));
		html_esc(&b, rq[i].message, 0);
		sb_str(&b, "</td></tr>");
	}
	sb_str(&b, "</table>");
	/* Without JavaScript: the page comes again while sohoad has work (to
	 * a URL with no fragment: a browser does not reload for "#..."). */
	if (waiting)
		sb_str(&b, "<meta http-equiv=\"refresh\" content=\"3; url=/quarantine\">");
	free(q);
	free(d);
	free(rq);
	return send_page(r, status, &b);
}

static enum MHD_Result
quarantine_preview(struct web_req *r, int64_t id)
{
	sohoa_quarantined q;
	sohoa_preview_row pv;
	char path[PATH_MAX];
	sohoa_reason rs;
	enum MHD_Result ret;

	if (!sohoa_quarantine_get(r->cat, id, &q))
		return web_error_page(r, 404, "Không có tệp này trong thư mục cách ly.");
	if (!sohoa_preview_get(r->cat, id, &pv))
		return web_error_page(r, 404, "sohoad chưa tạo ảnh xem trước của tệp này.");
	free(pv.note);
	web_log(r, id, "quarantine preview", NULL);
	if (strcmp(pv.status, "png")) {
		rs = sohoa_reason_from_key(pv.reason);
		return web_error_page(r, 422, rs != SOHOA_REASON_NONE ? sohoa_reason_vi(rs)
		    : pv.message[0] ? pv.message : "Không tạo được ảnh xem trước.");
	}
	/* Only the PNG sohoad wrote: this process decodes nothing here. */
	sohoa_preview_path(&r->srv->conf, id, path, sizeof path);
	ret = web_send_file(r, path, "image/png", NULL);
	return ret;
}

/*
 * Asks sohoad to carry out action on the quarantined file q (desk.h,
 * invariant 5), logged as what; then back to the list at done.
 */
static enum MHD_Result
quarantine_request(struct web_req *r, const sohoa_quarantined *q, sohoa_desk_action action,
    const char *what, const char *done)
{
	sohoa_error err;
	int64_t req = 0;
	char detail[PATH_MAX + 64];

	sohoa_error_clear(&err);
	if (sohoa_desk_request_add(r->cat, action, q->id, 0, r->user.name, &req, &err)
	    != SOHOA_OK) {
		web_log(r, q->id, what, err.msg);
		return page_quarantine(r, err.status == SOHOA_BAD_INPUT ? 409 : 503, err.msg);
	}
	snprintf(detail, sizeof detail, "%s, request %lld", q->qname, (long long)req);
	web_log(r, q->id, what, detail);
	return web_redirect(r, done, NULL);
}

static enum MHD_Result
quarantine_retry(struct web_req *r, int64_t id)
{
	sohoa_quarantined q;

	if (!sohoa_quarantine_get(r->cat, id, &q))
		return page_quarantine(r, 404, "Không có tệp này trong thư mục cách ly.");
	/* sohoad runs the library code of 'sohoa retry' (sohoad_desk.c). */
	return quarantine_request(r, &q, SOHOA_DESK_RETRY, "quarantine retry",
	    "/quarantine?ok=retry");
}

static enum MHD_Result
quarantine_delete(struct web_req *r, int64_t id, int post)
{
	sohoa_quarantined q;
	struct sbuf b = { 0 };
	const char *confirm = post ? web_form(r, "confirm") : NULL;

	if (!sohoa_quarantine_get(r->cat, id, &q))
		return page_quarantine(r, 404, "Không có tệp này trong thư mục cách ly.");
	if (post && confirm && !strcmp(confirm, "yes"))
		return quarantine_request(r, &q, SOHOA_DESK_DELETE, "quarantine delete",
		    "/quarantine?ok=delete");
	/* The confirmation step (also for a POST without confirm=yes). */
	html_head(r, &b, "Xóa tệp cách ly");
	sb_str(&b, "<h1>Xóa tệp khỏi thư mục cách ly?</h1><p class=\"note\">Tệp <b>");
	html_esc(&b, q.qname, 0);
	sb_str(&b, "</b> và tệp lý do của nó sẽ bị sohoad xóa hẳn khỏi thư mục cách ly. Hồ sơ"
	    " ghi nhận việc xóa (ai, lúc nào) được giữ lại.</p>");
	sb_printf(&b, "<form method=\"post\" action=\"/quarantine/%lld/delete\">", (long long)id);
	html_csrf(r, &b);
	sb_str(&b, "<input type=\"hidden\" name=\"confirm\" value=\"yes\"><button type=\"submit\""
	    " class=\"confirm-delete\">Xóa hẳn</button> <a href=\"/quarantine\">Không xóa</a>"
	    "</form>");
	return send_page(r, 200, &b);
}

/* ---- probable duplicates ------------------------------------------------- */

static const struct { sohoa_field_id f; const char *label; } dup_fields[] = {
	{ SOHOA_F_CODE_NUMBER, "Số" }, { SOHOA_F_CODE_NOTATION, "Ký hiệu" },
	{ SOHOA_F_ISSUED_DATE, "Ngày tháng năm" }, { SOHOA_F_ORGAN_NAME, "Cơ quan ban hành" },
	{ SOHOA_F_SUBJECT, "Trích yếu nội dung" }, { SOHOA_F_SIGNER_NAME, "Người ký" },
};

static void
dup_side(struct web_req *r, struct sbuf *b, int64_t id, const char *title)
{
	sohoa_record_view rv;
	sohoa_error err;

	sohoa_record_view_init(&rv);
	sohoa_error_clear(&err);
	sb_printf(b, "<div class=\"side\" id=\"r%lld\"><h2>", (long long)id);
	html_esc(b, title, 0);
	sb_printf(b, ": <a href=\"/doc/%lld\">tài liệu %lld</a></h2>", (long long)id,
	    (long long)id);
	if (sohoa_access_view(r->cat, &r->viewer, r->srv->conf.state_dir, id, &rv, &err)
	    != SOHOA_OK) {
		sb_str(b, "<p class=\"err\">Không xem được tài liệu này.</p></div>");
		sohoa_record_view_release(&rv);
		return;
	}
	sb_str(b, "<table class=\"fields\"><tr><th>Tên tệp</th><td>");
	html_esc(b, rv.name ? rv.name : "", 0);
	sb_str(b, "</td></tr><tr><th>Loại</th><td>");
	html_esc(b, rv.type_name ? rv.type_name : "", 0);
	sb_printf(b, "</td></tr><tr><th>Số trang</th><td>%d</td></tr>", rv.page_count);
	for (size_t i = 0; i < sizeof dup_fields / sizeof *dup_fields; i++) {
		sb_printf(b, "<tr><th>%s</th><td>", dup_fields[i].label);
		html_esc(b, rv.fields.f[dup_fields[i].f].value ? rv.fields.f[dup_fields[i].f].value
		    : "", 0);
		sb_str(b, "</td></tr>");
	}
	sb_str(b, "</table>");
	if (rv.access == SOHOA_ACCESS_FULL && rv.page_count > 0)
		sb_printf(b, "<img src=\"/doc/%lld/page/1.png\" alt=\"Trang 1\">", (long long)id);
	sohoa_record_view_release(&rv);
	sb_str(b, "</div>");
}

/*
 * One answer on the probable duplicate id: a form posting to keep (drop 0)
 * or to drop the document drop, whose number ends the button's label.
 */
static void
dup_form(struct web_req *r, struct sbuf *b, int64_t id, int64_t drop, const char *cls,
    const char *label)
{
	sb_printf(b, "<form method=\"post\" action=\"/quarantine/dup/%lld/%s\">", (long long)id,
	    drop ? "drop" : "keep");
	html_csrf(r, b);
	if (drop)
		sb_printf(b, "<input type=\"hidden\" name=\"drop\" value=\"%lld\">",
		    (long long)drop);
	sb_printf(b, "<button type=\"submit\" class=\"%s\">%s", cls, label);
	if (drop)
		sb_printf(b, " (%lld)", (long long)drop);
	sb_str(b, "</button></form>");
}

static enum MHD_Result
page_duplicate(struct web_req *r, int64_t id)
{
	sohoa_duplicate_pair p;
	struct sbuf b = { 0 };

	if (!sohoa_duplicate_get(r->cat, id, &p))
		return web_error_page(r, 404, "Tài liệu này không được đánh dấu có thể trùng.");
	web_log(r, id, "duplicate compare", NULL);
	html_head(r, &b, "Có thể trùng");
	sb_str(&b, "<h1>Có thể trùng (probable duplicate)</h1><div class=\"page\">");
	dup_side(r, &b, p.of, "Tài liệu trước");
	dup_side(r, &b, p.id, "Tài liệu sau");
	sb_str(&b, "</div><div class=\"note\">");
	dup_form(r, &b, id, 0, "keep", "Không trùng: giữ cả hai");
	dup_form(r, &b, id, p.id, "drop-later", "Trùng: bỏ tài liệu sau");
	dup_form(r, &b, id, p.of, "alt drop-earlier", "Trùng: bỏ tài liệu trước");
	sb_str(&b, "</div>");
	return send_page(r, 200, &b);
}

static enum MHD_Result
duplicate_action(struct web_req *r, int64_t id, const char *what)
{
	sohoa_error err;
	sohoa_status rc;
	char detail[96];
	const char *d = web_form(r, "drop");
	int64_t drop = d ? web_parse_id(d, strlen(d)) : 0, req = 0;
	sohoa_duplicate_pair p;

	sohoa_error_clear(&err);
	if (!sohoa_duplicate_get(r->cat, id, &p))
		return page_quarantine(r, 404, "Tài liệu này không được đánh dấu có thể trùng.");
	/* Carried out by sohoad (desk.h, invariant 5), which checks again. */
	if (!strcmp(what, "keep")) {
		rc = sohoa_desk_request_add(r->cat, SOHOA_DESK_KEEP, id, 0, r->user.name, &req, &err);
		snprintf(detail, sizeof detail, "keep both, request %lld", (long long)req);
	} else {
		if (!drop || (drop != p.id && drop != p.of))
			return page_quarantine(r, 400, "Thiếu tài liệu cần bỏ.");
		rc = sohoa_desk_request_add(r->cat, SOHOA_DESK_DROP, id, drop, r->user.name, &req,
		    &err);
		snprintf(detail, sizeof detail, "drop %lld, request %lld", (long long)drop,
		    (long long)req);
	}
	web_log(r, id, "duplicate resolve", rc == SOHOA_OK ? detail : err.msg);
	if (rc != SOHOA_OK)
		return page_quarantine(r, rc == SOHOA_BAD_INPUT ? 409 : 503, err.msg);
	return web_redirect(r, !strcmp(what, "keep") ? "/quarantine?ok=keep#duplicates"
	    : "/quarantine?ok=drop#duplicates", NULL);
}

/* ---- exports ------------------------------------------------------------- */

static enum MHD_Result
page_exports(struct web_req *r, unsigned status, const char *error, const char *ask_month)
{
	struct sbuf b = { 0 };
	sohoa_export_bundle_row *v = NULL;
	sohoa_export_request *q = NULL;
	int nv = 0, nq = 0;
	char last[8];
	sohoa_error err;
	const char *note = done_note(web_arg(r, "ok"));

	sohoa_error_clear(&err);
	if (sohoa_export_bundles_list(&r->srv->conf, r->cat, &v, &nv, &err) != SOHOA_OK
	    || sohoa_export_requests_list(r->cat, 20, &q, &nq, &err) != SOHOA_OK) {
		free(v);
		fprintf(stderr, "sohoa-web: %s\n", err.msg);
		return web_error_page(r, 503, "Máy chủ đang bận, hãy thử lại.");
	}
	web_log(r, 0, "exports", NULL);
	html_head(r, &b, "Xuất nộp");
	sb_str(&b, "<h1>Xuất nộp lưu trữ (exports)</h1>");
	note_or_error(&b, error, note);
	sohoa_export_parse_month("last", sohoa_export_clock(), last, &err);
	sb_str(&b, "<form class=\"search\" method=\"post\" action=\"/exports/run\"><div"
	    " class=\"filters\"><label>Tháng (YYYY-MM)<input name=\"month\" id=\"month\" value=\"");
	html_esc(&b, ask_month ? ask_month : last, 0);
	sb_str(&b, "\" pattern=\"[0-9]{4}-[0-9]{2}\" required></label>");
	if (ask_month)
		sb_str(&b, "<label><span><input type=\"checkbox\" name=\"confirm\" value=\"yes\""
		    " id=\"confirm\"> Tôi xác nhận: xuất tháng chưa kết thúc, hoặc xuất lại tháng"
		    " đã xuất</span></label>");
	html_csrf(r, &b);
	sb_str(&b, "</div><button type=\"submit\" id=\"run\">Xuất tháng này</button> <span"
	    " class=\"meta\">Việc xuất do sohoad chạy (cần khóa ký số), có thể mất vài phút."
	    "</span></form>");

	sb_str(&b, "<h2>Yêu cầu xuất</h2><table class=\"fields\" id=\"requests\"><tr><th>Số</th>"
	    "<th>Tháng</th><th>Người yêu cầu</th><th>Lúc</th><th>Trạng thái</th><th>Kết quả</th>"
	    "</tr>");
	for (int i = 0; i < nq; i++) {
		sb_printf(&b, "<tr data-state=\"%s\"><td>%lld</td><td>", q[i].state,
		    (long long)q[i].id);
		html_esc(&b, q[i].month, 0);
		if (q[i].force)
			sb_str(&b, " (đã xác nhận)");
		sb_str(&b, "</td><td>");
		html_esc(&b, q[i].requested_by, 0);
		sb_str(&b, "</td><td>");
		html_esc(&b, q[i].requested_at, 0);
		sb_printf(&b, "</td><td class=\"state\">%s</td><td>", request_state_vi(q[i].state));
		html_esc(&b, q[i].message, 0);
		sb_str(&b, "</td></tr>");
	}
	sb_str(&b, "</table>");

	sb_str(&b, "<h2>Sổ các gói đã xuất (ledger)</h2><table class=\"fields\" id=\"ledger\"><tr>"
	    "<th>Tháng</th><th>Gói</th><th>Tài liệu</th><th>SIP</th><th>Tạo lúc</th>"
	    "<th>Đã xuất</th><th>Tải về</th></tr>");
	for (int i = 0; i < nv; i++) {
		sb_str(&b, "<tr><td>");
		html_esc(&b, v[i].month, 0);
		sb_str(&b, "</td><td>");
		html_esc(&b, v[i].file_name, 0);
		{
			char shortened[24];
			snprintf(shortened, sizeof shortened, "%.16s…", strncmp(v[i].bundle_hash,
			    "sha256:", 7) ? v[i].bundle_hash : v[i].bundle_hash + 7);
			sb_str(&b, "<br><span class=\"meta\" title=\"");
			html_esc(&b, v[i].bundle_hash, 0);
			sb_printf(&b, "\">%lld byte, SHA-256 ", v[i].size);
			html_esc(&b, shortened, 0);
		}
		sb_printf(&b, "</span></td><td>%lld</td><td>%lld</td><td>", v[i].records, v[i].sips);
		html_esc(&b, v[i].created_at, 0);
		sb_str(&b, "</td><td>");
		html_esc(&b, v[i].exported_at[0] ? v[i].exported_at : "chưa", 0);
		if (v[i].upload_error[0]) {
			sb_str(&b, "<br><span class=\"err\">");
			html_esc(&b, v[i].upload_error, 0);
			sb_str(&b, "</span>");
		}
		sb_printf(&b, "</td><td><a class=\"bundle\" href=\"/exports/%lld/bundle\">gói .tar</a>"
		    " <a class=\"p7s\" href=\"/exports/%lld/p7s\">chữ ký .p7s</a></td></tr>",
		    (long long)v[i].id, (long long)v[i].id);
	}
	sb_str(&b, "</table>");
	free(v);
	free(q);
	return send_page(r, status, &b);
}

static int
month_exported(struct web_req *r, const char *month)
{
	sohoa_export_bundle_row *v = NULL;
	int n = 0, yes = 0;
	sohoa_error err;

	sohoa_error_clear(&err);
	if (sohoa_export_bundles_list(&r->srv->conf, r->cat, &v, &n, &err) != SOHOA_OK)
		return 0;
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i].month, month) && v[i].exported_at[0])
			yes = 1;
	free(v);
	return yes;
}

static enum MHD_Result
exports_run(struct web_req *r)
{
	const char *m = web_form(r, "month"), *c = web_form(r, "confirm");
	int confirmed = c && !strcmp(c, "yes");
	char month[8];
	int64_t id = 0;
	sohoa_error err;
	time_t now = sohoa_export_clock();

	sohoa_error_clear(&err);
	if (!m || !strcmp(m, "last") || sohoa_export_parse_month(m, now, month, &err) != SOHOA_OK)
		return page_exports(r, 400, "Tháng không hợp lệ: viết YYYY-MM, ví dụ 2025-07.", NULL);
	if (!confirmed && sohoa_export_month_open(month, now) == 1) {
		web_log(r, 0, "export request", "open month not confirmed");
		return page_exports(r, 409, "Tháng này chưa kết thúc: gói xuất sẽ chưa đủ. Muốn xuất"
		    " ngay thì đánh dấu ô xác nhận rồi bấm lại.", month);
	}
	if (!confirmed && month_exported(r, month)) {
		web_log(r, 0, "export request", "already exported, not confirmed");
		return page_exports(r, 409, "Tháng này đã được xuất rồi. Muốn xuất lại thì đánh dấu ô"
		    " xác nhận rồi bấm lại.", month);
	}
	if (sohoa_export_request_add(r->cat, month, confirmed, r->user.name, &id, &err)
	    != SOHOA_OK) {
		web_log(r, 0, "export request", err.msg);
		return page_exports(r, err.status == SOHOA_BAD_INPUT ? 409 : 503, err.msg, NULL);
	}
	{
		char detail[80];
		snprintf(detail, sizeof detail, "month %s%s, request %lld", month,
		    confirmed ? " (confirmed)" : "", (long long)id);
		web_log(r, 0, "export request", detail);
	}
	return web_redirect(r, "/exports?ok=queued", NULL);
}

static enum MHD_Result
exports_download(struct web_req *r, int64_t id, int sig)
{
	sohoa_export_bundle_row row;
	char path[PATH_MAX + 8], disp[300], name[200];
	size_t i;

	if (!sohoa_export_bundle_get(&r->srv->conf, r->cat, id, &row))
		return web_error_page(r, 404, "Không có gói này.");
	/* The file name as a header value: only [A-Za-z0-9._-]. */
	for (i = 0; row.file_name[i] && i + 1 < sizeof name; i++) {
		char ch = row.file_name[i];
		name[i] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0'
		    && ch <= '9') || ch == '.' || ch == '-' || ch == '_' ? ch : '_';
	}
	name[i] = '\0';
	snprintf(path, sizeof path, "%s%s", row.path, sig ? ".p7s" : "");
	snprintf(disp, sizeof disp, "attachment; filename=\"%s%s\"", name, sig ? ".p7s" : "");
	web_log(r, 0, sig ? "export download signature" : "export download", row.file_name);
	return web_send_file(r, path, sig ? "application/pkcs7-signature" : "application/x-tar",
	    disp);
}

/* ---- the router's question ------------------------------------------------ */

int
desk_quarantine_route(struct web_req *r, int post, enum MHD_Result *ret)
{
	const char *p = r->path, *rest = "";
	int64_t id;

	if (strcmp(p, "/quarantine") && strncmp(p, "/quarantine/", 12) && strcmp(p, "/exports")
	    && strncmp(p, "/exports/", 9))
		return 0;
	if (!web_desk_allowed(r)) {
		*ret = web_forbidden(r, p);
		return 1;
	}
	if (!strcmp(p, "/quarantine") && !post)
		*ret = page_quarantine(r, 200, NULL);
	else if ((id = path_id(p, "/quarantine/dup/", &rest)) != 0 && !*rest && !post)
		*ret = page_duplicate(r, id);
	else if (id && post && (!strcmp(rest, "/keep") || !strcmp(rest, "/drop")))
		*ret = duplicate_action(r, id, rest + 1);
	else if ((id = path_id(p, "/quarantine/", &rest)) != 0 && !strcmp(rest, "/preview.png")
	    && !post)
		*ret = quarantine_preview(r, id);
	else if (id && !strcmp(rest, "/retry") && post)
		*ret = quarantine_retry(r, id);
	else if (id && !strcmp(rest, "/delete"))
		*ret = quarantine_delete(r, id, post);
	else if (!strcmp(p, "/exports") && !post)
		*ret = page_exports(r, 200, NULL, NULL);
	else if (!strcmp(p, "/exports/run") && post)
		*ret = exports_run(r);
	else if ((id = path_id(p, "/exports/", &rest)) != 0 && !post
	    && (!strcmp(rest, "/bundle") || !strcmp(rest, "/p7s")))
		*ret = exports_download(r, id, !strcmp(rest, "/p7s"));
	else
		*ret = web_error_page(r, post ? 405 : 404, "Không có trang này.");
	return 1;
}
