/*
 * desk_review.c - the văn thư's desk in sohoa-web: the review queue and one
 * document under review (/review, /review/ID), and the status page
 * (/status).
 *
 * The queue is review.h's, the one `sohoa review` prints; a correction goes
 * through edit.h like `sohoa edit` and the document page's form (each field
 * an event naming the user, the package rewritten), and "Đã soát" is
 * review.h's event, like `sohoa reviewed`.  The status figures are
 * overview.h's, the ones `sohoa status` prints.  Every screen is for
 * van-thu, lanh-dao and quan-tri (web_desk_allowed); every view and action
 * is written to the access log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sohoa/edit.h"
#include "sohoa/extract.h"
#include "sohoa/fields.h"
#include "sohoa/fsutil.h"
#include "sohoa/hocr.h"
#include "sohoa/overview.h"
#include "sohoa/review.h"
#include "sohoa/runstate.h"
#include "sohoa/vitext.h"
#include "web.h"

/* Queue rows shown on /review. */
#define QUEUE_SHOWN 200
/* Suggestions for the cơ quan ban hành. */
#define ORGAN_SUGGESTIONS 40
/* The hOCR of a document is read up to this size. */
#define HOCR_MAX (64u << 20)
/* Pages shown on one review page. */
#define MAX_PAGES 2000

static enum MHD_Result
send_html(struct web_req *r, struct sbuf *b)
{
	html_foot(b);
	return web_send(r, 200, "text/html; charset=utf-8", b);
}

/* s[0..n) HTML-escaped. */
static void
esc_n(struct sbuf *b, const char *s, size_t n)
{
	char *c = malloc(n + 1);

	if (!c) {
		b->oom = 1;
		return;
	}
	memcpy(c, s, n);
	c[n] = '\0';
	html_esc(b, c, 0);
	free(c);
}

/* ---- the queue ---- */

struct queue_list {
	struct sbuf *b;
	int n;
};

static int
queue_row(void *arg, const sohoa_review_item *it)
{
	struct queue_list *l = arg;
	struct sbuf *b = l->b;

	l->n++;
	sb_printf(b, "<tr id=\"q-%lld\"><td><a href=\"/review/%lld\">%lld</a></td><td>",
	    (long long)it->id, (long long)it->id, (long long)it->id);
	if (*it->origin) {
		html_esc(b, it->origin, 0);
		sb_str(b, "/");
	}
	html_esc(b, it->name, 0);
	sb_str(b, "</td><td>");
	html_esc(b, it->subject ? it->subject : "—", 0);
	sb_str(b, "</td><td>");
	if (strlen(it->created_at) >= 10) {
		char d[11];
		memcpy(d, it->created_at, 10);
		d[10] = '\0';
		html_date(b, d);
	}
	sb_str(b, "</td><td>");
	if (it->confidence >= 0)
		sb_printf(b, "%.0f%s", it->confidence, it->low_ocr ? " <span class=\"badge "
		    "approx\">thấp</span>" : "");
	else
		sb_str(b, "—");
	sb_printf(b, "</td><td>%d</td></tr>", it->unsure_fields);
	return 0;
}

static enum MHD_Result
page_queue(struct web_req *r)
{
	struct sbuf b = { 0 };
	struct queue_list l = { &b, 0 };
	sohoa_error err;
	long long total = 0;
	const char *msg = web_arg(r, "msg");
	const char *done = web_arg(r, "id");

	sohoa_error_clear(&err);
	if (sohoa_review_count(r->cat, r->srv->conf.review_threshold, &total, &err) != SOHOA_OK)
		return web_error_page(r, 503, "Máy chủ đang bận, hãy thử lại.");
	web_log(r, 0, "review", "queue");
	html_head(r, &b, "Soát xét");
	sb_str(&b, "<h1>Tài liệu cần soát</h1>");
	if (msg && !strcmp(msg, "reviewed")) {
		sb_str(&b, "<p class=\"note\" id=\"msg\">Đã đánh dấu đã soát tài liệu ");
		html_esc(&b, done && web_parse_id(done, strlen(done)) ? done : "", 0);
		sb_str(&b, "; tài liệu ra khỏi danh sách.</p>");
	}
	sb_printf(&b, "<p class=\"meta\">%lld tài liệu, cũ nhất trước: độ tin cậy nhận dạng (OCR) "
	    "dưới %lld, hoặc có trường máy đọc chưa chắc (dưới %.1f, kể cả trích yếu không giống "
	    "tiếng Việt), chưa ai đánh dấu «Đã soát». Cùng danh sách với lệnh "
	    "<code>sohoa review</code>.</p>", total, r->srv->conf.review_threshold,
	    SOHOA_EXTRACT_REVIEW);
	sb_str(&b, "<table class=\"fields\" id=\"queue\"><tr><th>Số</th><th>Tệp quét</th>"
	    "<th>Trích yếu</th><th>Ngày nhận</th><th>Độ tin cậy OCR</th><th>Trường chưa chắc</th>"
	    "</tr>");
	sohoa_error_clear(&err);
	if (sohoa_review_each(r->cat, r->srv->conf.review_threshold, QUEUE_SHOWN, queue_row, &l,
	    &err) != SOHOA_OK) {
		free(b.p);
		return web_error_page(r, 503, "Máy chủ đang bận, hãy thử lại.");
	}
	if (!l.n)
		sb_str(&b, "<tr><td colspan=\"6\">Không còn tài liệu nào cần soát.</td></tr>");
	sb_str(&b, "</table>");
	if (total > l.n)
		sb_printf(&b, "<p class=\"meta\">Hiện %d tài liệu đầu tiên.</p>", l.n);
	return send_html(r, &b);
}

/* ---- one document ---- */

/* The fields the review form edits, in the order of the page. */
enum control { TEXT, AREA, DATE, TYPE, ORGAN };
static const struct { sohoa_field_id f; const char *label; enum control c; } review_fields[] = {
	{ SOHOA_F_TYPE_NAME, "Loại văn bản", TYPE },
	{ SOHOA_F_CODE_NUMBER, "Số", TEXT },
	{ SOHOA_F_CODE_NOTATION, "Ký hiệu", TEXT },
	{ SOHOA_F_ISSUED_DATE, "Ngày ban hành", DATE },
	{ SOHOA_F_ORGAN_NAME, "Cơ quan ban hành", ORGAN },
	{ SOHOA_F_SUBJECT, "Trích yếu nội dung", AREA },
	{ SOHOA_F_SIGNER_POSITION, "Chức vụ người ký", TEXT },
	{ SOHOA_F_SIGNER_NAME, "Người ký", TEXT },
	{ SOHOA_F_PLACE_NAME, "Địa danh", TEXT },
	{ SOHOA_F_KEYWORD, "Từ khóa", TEXT },
	{ SOHOA_F_DESCRIPTION, "Ghi chú", AREA },
};
#define NREVIEW_FIELDS (sizeof review_fields / sizeof *review_fields)

/* Whether s is an ISO date an <input type=date> shows. */
static int
iso_date(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

static void
organ_option(void *arg, const char *v)
{
	struct sbuf *b = arg;

	sb_str(b, "<option value=\"");
	html_esc(b, v, 0);
	sb_str(b, "\">");
}

static void
field_control(struct web_req *r, struct sbuf *b, size_t i, const sohoa_field *fv)
{
	const char *name = sohoa_field_name(review_fields[i].f);
	const char *v = fv->value;

	switch (review_fields[i].c) {
	case AREA:
		sb_printf(b, "<textarea id=\"f-%s\" name=\"%s\" rows=\"3\" cols=\"70\">", name, name);
		html_esc(b, v, 0);
		sb_str(b, "</textarea>");
		break;
	case DATE:
		/* A value a date control cannot show stays text: never lost. */
		sb_printf(b, "<input id=\"f-%s\" name=\"%s\" type=\"%s\" value=\"", name, name,
		    !v || iso_date(v) ? "date" : "text");
		html_esc(b, v, 0);
		sb_str(b, "\">");
		break;
	case TYPE:
		sb_printf(b, "<select id=\"f-%s\" name=\"%s\"><option value=\"\">—</option>", name,
		    name);
		for (int k = 0; k < SOHOA_DOC_TYPE_COUNT; k++) {
			const sohoa_doc_type *t = &sohoa_doc_types[k];
			const char *ab = t->abbr ? t->abbr : t->alias;
			sb_printf(b, "<option value=\"%s\"%s>", t->code,
			    v && !strcmp(v, t->code) ? " selected" : "");
			html_esc(b, t->name, 0);
			if (ab) {
				sb_str(b, " (");
				html_esc(b, ab, 0);
				sb_str(b, ")");
			}
			sb_str(b, "</option>");
		}
		sb_str(b, "</select>");
		break;
	case ORGAN:
		sb_printf(b, "<input id=\"f-%s\" name=\"%s\" size=\"60\" list=\"organs\" value=\"",
		    name, name);
		html_esc(b, v, 0);
		sb_str(b, "\"><datalist id=\"organs\">");
		sohoa_review_field_values(r->cat, name, ORGAN_SUGGESTIONS, organ_option, b, NULL);
		sb_str(b, "</datalist>");
		break;
	case TEXT:
		sb_printf(b, "<input id=\"f-%s\" name=\"%s\" size=\"60\" value=\"", name, name);
		html_esc(b, v, 0);
		sb_str(b, "\">");
		break;
	}
}

/* The words OCR doubted on one page, from the worker's hOCR: their boxes
 * drawn over the page image, their text marked in the OCR text. */
struct doubt {
	struct sbuf rects;      /* SVG <rect>s */
	struct sbuf words;      /* exact forms, NUL after each */
	int w, h, n;
};

/* The pages of one document, the hOCR read once for all. */
struct doubts {
	struct doubt *page;     /* [0, n) for pages 1..n */
	int n;
};

static void
doubt_word(void *arg, const sohoa_hocr_word *w)
{
	struct doubts *all = arg;
	struct doubt *d;
	size_t pos = 0, a, e, len = strlen(w->text);

	if (w->page < 1 || w->page > all->n)
		return;
	d = &all->page[w->page - 1];

	d->w = w->page_w;
	d->h = w->page_h;
	if (w->conf >= SOHOA_HOCR_DOUBT)
		return;
	d->n++;
	sb_printf(&d->rects, "<rect class=\"doubt\" x=\"%d\" y=\"%d\" width=\"%d\" "
	    "height=\"%d\"><title>", w->x0, w->y0, w->x1 - w->x0, w->y1 - w->y0);
	html_esc(&d->rects, w->text, 0);
	sb_printf(&d->rects, " (%d)</title></rect>", w->conf);
	while (sohoa_vi_next_word(w->text, len, &pos, &a, &e)) {
		char *x = sohoa_vi_exact(w->text + a, e - a, NULL);
		if (x) {
			sb_add(&d->words, x, strlen(x) + 1);
			free(x);
		}
	}
}

static int
doubted(const struct doubt *d, const char *s, size_t n)
{
	char *x = sohoa_vi_exact(s, n, NULL);
	int found = 0;

	for (size_t k = 0; x && k < d->words.len && !found; k += strlen(d->words.p + k) + 1)
		found = !strcmp(d->words.p + k, x);
	free(x);
	return found;
}

/* The OCR text with the doubted words between the search marks (STX/ETX,
 * which html_esc turns into <mark>); the caller has blanked any marks the
 * text itself held. */
static void
marked_text(struct sbuf *b, const struct doubt *d, const char *text)
{
	struct sbuf m = { 0 };
	size_t len = strlen(text), pos = 0, a, e, last = 0;

	while (sohoa_vi_next_word(text, len, &pos, &a, &e)) {
		sb_add(&m, text + last, a - last);
		if (d->words.len && doubted(d, text + a, e - a)) {
			char on = SOHOA_SEARCH_MARK_ON, off = SOHOA_SEARCH_MARK_OFF;
			sb_add(&m, &on, 1);
			sb_add(&m, text + a, e - a);
			sb_add(&m, &off, 1);
		} else {
			sb_add(&m, text + a, e - a);
		}
		last = e;
	}
	sb_add(&m, text + last, len - last);
	sb_add(&m, "", 1);
	if (m.oom)
		html_esc(b, text, 0);
	else
		html_esc(b, m.p, 1);
	free(m.p);
}

static void
review_pages(struct web_req *r, struct sbuf *b, int64_t id, int pages)
{
	char spool[256], path[4096];
	char *hocr = NULL;
	size_t hlen = 0;
	sohoa_error err;
	struct doubts all;

	sohoa_error_clear(&err);
	if (sohoa_review_spool_id(r->cat, id, spool, sizeof spool, &err) == SOHOA_OK
	    && !strchr(spool, '/') && strcmp(spool, ".") && strcmp(spool, "..")) {
		snprintf(path, sizeof path, "%s/spool/done/%s/ocr.hocr", r->srv->conf.state_dir,
		    spool);
		sohoa_error_clear(&err);
		if (sohoa_fs_read_file(path, HOCR_MAX, &hocr, &hlen, &err) != SOHOA_OK)
			hocr = NULL;
	}
	if (!hocr)
		sb_str(b, "<p class=\"meta\">Không còn kết quả nhận dạng theo từng chữ (hOCR) của "
		    "tài liệu này: không đánh dấu được chữ máy đọc chưa chắc.</p>");
	web_log(r, id, "text", "review");
	if (pages > MAX_PAGES)
		pages = MAX_PAGES;
	all.n = pages > 0 ? pages : 0;
	all.page = calloc(all.n ? (size_t)all.n : 1, sizeof *all.page);
	if (!all.page) {
		free(hocr);
		b->oom = 1;
		return;
	}
	if (hocr)
		sohoa_hocr_words(hocr, hlen, 0, doubt_word, &all);
	for (int p = 1; p <= pages; p++) {
		struct doubt d = all.page[p - 1];
		char *text = NULL;
		sb_printf(b, "<section class=\"page\" id=\"trang-%d\"><div><h2>Trang %d</h2>", p, p);
		if (d.w > 0 && d.h > 0) {
			sb_printf(b, "<svg class=\"scan\" viewBox=\"0 0 %d %d\" role=\"img\" "
			    "aria-label=\"Ảnh trang %d\"><image href=\"/doc/%lld/page/%d.png\" "
			    "x=\"0\" y=\"0\" width=\"%d\" height=\"%d\"/>", d.w, d.h, p,
			    (long long)id, p, d.w, d.h);
			if (d.rects.p)
				sb_add(b, d.rects.p, d.rects.len);
			sb_str(b, "</svg>");
		} else {
			sb_printf(b, "<img src=\"/doc/%lld/page/%d.png\" alt=\"Ảnh trang %d\">",
			    (long long)id, p, p);
		}
		sb_printf(b, "<p class=\"meta\">%d chữ máy đọc chưa chắc (độ tin cậy dưới %d) được "
		    "tô trên ảnh và trong văn bản.</p></div><div><h2>Văn bản nhận dạng (OCR)</h2>"
		    "<pre class=\"ocr\">", d.n, SOHOA_HOCR_DOUBT);
		sohoa_error_clear(&err);
		if (sohoa_access_page_text(r->cat, &r->viewer, id, p, &text, NULL, &err) == SOHOA_OK
		    && text) {
			for (char *c = text; *c; c++)
				if (*c == SOHOA_SEARCH_MARK_ON || *c == SOHOA_SEARCH_MARK_OFF)
					*c = ' ';
			marked_text(b, &d, text);
		}
		free(text);
		sb_str(b, "</pre></div></section>");
		free(d.rects.p);
		free(d.words.p);
	}
	free(all.page);
	free(hocr);
}

/*
 * Record id's view for the person into *rv: 1; or 0 with the error page
 * sent into *ret when they may not see all of it (403), it does not exist
 * (404) or the catalog is busy (503).
 */
static int
full_view(struct web_req *r, int64_t id, sohoa_record_view *rv, enum MHD_Result *ret)
{
	sohoa_error err;
	sohoa_status st;

	sohoa_record_view_init(rv);
	sohoa_error_clear(&err);
	st = sohoa_access_view(r->cat, &r->viewer, r->srv->conf.state_dir, id, rv, &err);
	if (st == SOHOA_OK && rv->access == SOHOA_ACCESS_FULL)
		return 1;
	sohoa_record_view_release(rv);
	*ret = web_error_page(r, st == SOHOA_OK ? 403 : st == SOHOA_BAD_INPUT ? 404 : 503,
	    st == SOHOA_OK ? "Bạn chưa được xem tài liệu này." : st == SOHOA_BAD_INPUT
	    ? "Không có tài liệu này." : "Máy chủ đang bận, hãy thử lại.");
	return 0;
}

static enum MHD_Result
page_review_doc(struct web_req *r, int64_t id)
{
	sohoa_record_view rv;
	sohoa_error err;
	enum MHD_Result ret;
	struct sbuf b = { 0 };
	const char *msg = web_arg(r, "msg");
	int on = 0;

	if (!full_view(r, id, &rv, &ret))
		return ret;
	sohoa_error_clear(&err);
	sohoa_review_pending(r->cat, r->srv->conf.review_threshold, id, &on, &err);
	web_log(r, id, "review", "open");
	html_head(r, &b, "Soát xét tài liệu");
	sb_printf(&b, "<h1>Soát xét tài liệu %lld</h1><p class=\"actions\"><a href=\"/review\">"
	    "← Danh sách cần soát</a> <a href=\"/doc/%lld\">Trang tài liệu</a> "
	    "<a href=\"/doc/%lld/pdf\" target=\"_blank\">Bản PDF/A</a></p>", (long long)id,
	    (long long)id, (long long)id);
	if (msg && !strcmp(msg, "saved"))
		sb_str(&b, "<p class=\"note\" id=\"msg\">Đã lưu và đóng gói lại tài liệu.</p>");
	if (!on)
		sb_str(&b, "<p class=\"note\" id=\"off-queue\">Tài liệu này không (còn) trong danh "
		    "sách cần soát.</p>");
	sb_str(&b, "<p class=\"meta\">Tệp quét: ");
	if (rv.origin && rv.origin[0]) {
		html_esc(&b, rv.origin, 0);
		sb_str(&b, "/");
	}
	html_esc(&b, rv.name, 0);
	sb_printf(&b, " — %d trang. Trường tô vàng: máy đọc chưa chắc (độ tin cậy dưới %.1f).</p>",
	    rv.page_count, SOHOA_EXTRACT_REVIEW);
	sb_printf(&b, "<form method=\"post\" action=\"/review/%lld\" id=\"review-form\">",
	    (long long)id);
	html_csrf(r, &b);
	sb_str(&b, "<table class=\"fields\">");
	for (size_t i = 0; i < NREVIEW_FIELDS; i++) {
		const sohoa_field *fv = &rv.fields.f[review_fields[i].f];
		int unsure = fv->value && !strcmp(fv->source, "ocr")
		    && fv->confidence < SOHOA_EXTRACT_REVIEW;
		sb_printf(&b, "<tr%s><th><label for=\"f-%s\">%s</label>", unsure
		    ? " class=\"unsure\"" : "", sohoa_field_name(review_fields[i].f),
		    review_fields[i].label);
		if (fv->value) {
			sb_str(&b, "<br><span class=\"meta\">");
			if (!strcmp(fv->source, "ocr"))
				sb_printf(&b, "máy đọc, độ tin cậy %.2f", fv->confidence);
			else if (!strcmp(fv->source, "person"))
				sb_str(&b, "người sửa");
			else
				html_esc(&b, fv->source, 0);
			sb_str(&b, "</span>");
		}
		sb_str(&b, "</th><td>");
		field_control(r, &b, i, fv);
		sb_str(&b, "</td></tr>");
	}
	sb_str(&b, "</table><p class=\"actions\"><button type=\"submit\" name=\"action\" "
	    "value=\"save\" id=\"save\">Lưu</button> <button type=\"submit\" name=\"action\" "
	    "value=\"done\" id=\"reviewed\">Lưu và đánh dấu «Đã soát»</button></p></form>");
	review_pages(r, &b, id, rv.page_count);
	sohoa_record_view_release(&rv);
	return send_html(r, &b);
}

/* Who may correct fields: the văn thư and quản trị, as on the document
 * page (web_pages.c); a lãnh đạo sees the desk and may mark "Đã soát". */
/* POST /review/ID: the fields changed, through edit.h, and with
 * action=done the "Đã soát" event. */
static enum MHD_Result
post_review_doc(struct web_req *r, int64_t id)
{
	sohoa_record_view rv;
	sohoa_error err;
	sohoa_status st;
	enum MHD_Result ret;
	const char *action = web_form(r, "action");
	char agent[160], to[96];
	const char *names[NREVIEW_FIELDS];
	int already = 0;

	if (!full_view(r, id, &rv, &ret))
		return ret;
	snprintf(agent, sizeof agent, "sohoa-web %s (user %s)", SOHOA_VERSION, r->user.name);
	for (size_t i = 0; i < NREVIEW_FIELDS; i++)
		names[i] = sohoa_field_name(review_fields[i].f);
	/* As on the document page: a lãnh đạo reviews, the văn thư corrects. */
	if (web_apply_edits(r, id, &rv, names, NREVIEW_FIELDS, agent, "review edit", &ret) < 0)
		return ret;
	if (action && !strcmp(action, "done")) {
		sohoa_error_clear(&err);
		st = sohoa_review_mark(r->cat, id, agent, &already, &err);
		if (st != SOHOA_OK)
			return web_error_page(r, st == SOHOA_BAD_INPUT ? 400 : 503, err.msg);
		web_log(r, id, "review", already ? "reviewed (already)" : "reviewed");
		snprintf(to, sizeof to, "/review?msg=reviewed&id=%lld", (long long)id);
		return web_redirect(r, to, NULL);
	}
	snprintf(to, sizeof to, "/review/%lld?msg=saved", (long long)id);
	return web_redirect(r, to, NULL);
}

/* ---- status ---- */

static void
human(struct sbuf *b, long long n)
{
	if (n < 0)
		sb_str(b, "?");
	else if (n >= 10LL << 30)
		sb_printf(b, "%.1f GiB", (double)n / (1 << 30));
	else
		sb_printf(b, "%lld MiB", n >> 20);
}

/* "2026-12-06T23:10:00Z" as "06/12/2026 23:10 UTC". */
static void
when(struct sbuf *b, const char *iso)
{
	if (iso && strlen(iso) >= 16 && iso[10] == 'T') {
		char d[11];
		memcpy(d, iso, 10);
		d[10] = '\0';
		html_date(b, d);
		sb_str(b, " ");
		esc_n(b, iso + 11, 5);
		sb_str(b, " UTC");
	} else {
		html_esc(b, iso && *iso ? iso : "—", 0);
	}
}

static enum MHD_Result
page_status(struct web_req *r)
{
	struct sbuf b = { 0 };
	sohoa_overview ov;
	sohoa_runstate rs;
	sohoa_error err;
	int have, alive;

	sohoa_error_clear(&err);
	if (sohoa_overview_read(r->cat, &r->srv->conf, &ov, &err) != SOHOA_OK)
		return web_error_page(r, 503, "Máy chủ đang bận, hãy thử lại.");
	have = sohoa_runstate_read(r->srv->conf.state_dir, &rs) == 0;
	alive = have && sohoa_runstate_alive(&rs);
	web_log(r, 0, "status", NULL);
	html_head(r, &b, "Trạng thái");
	/* Refreshed every 30 s, without script. */
	sb_str(&b, "<meta http-equiv=\"refresh\" content=\"30\"><h1>Trạng thái hệ thống</h1>");
	sb_str(&b, "<p class=\"meta\">Cùng số liệu với lệnh <code>sohoa status</code>; trang tự "
	    "làm mới sau 30 giây.</p><table class=\"fields\" id=\"status\">");
	sb_str(&b, "<tr><th>Dịch vụ sohoad</th><td id=\"daemon\">");
	if (!have)
		sb_str(&b, "chưa chạy ở đây");
	else if (!alive)
		sb_str(&b, "không chạy");
	else {
		html_esc(&b, !strcmp(rs.state, "running") ? "đang chạy" : rs.state, 0);
		if (!strcmp(rs.reason, "low-disk"))
			sb_str(&b, " — <b>tạm dừng nhận tệp: ổ đĩa sắp đầy</b>");
	}
	sb_str(&b, "</td></tr>");
	sb_printf(&b, "<tr><th>Hàng đợi nhận dạng</th><td id=\"queue\">%lld tài liệu", ov.queue);
	if (ov.queue)
		sb_printf(&b, ", chờ lâu nhất %lld giây", ov.queue_age_s);
	if (have && alive)
		sb_printf(&b, "; %lld đang nhận dạng, %lld tệp đang chờ trong thư mục nhận",
		    rs.ocr, rs.waiting);
	sb_str(&b, "</td></tr>");
	sb_printf(&b, "<tr><th>Tốc độ (giờ qua)</th><td id=\"speed\">%.1f trang/phút</td></tr>",
	    ov.pages_per_minute);
	sb_printf(&b, "<tr><th>Cần soát</th><td id=\"review\"><a href=\"/review\">%lld tài liệu"
	    "</a></td></tr>", ov.needs_review);
	sb_printf(&b, "<tr><th>Cách ly</th><td id=\"quarantine\"><a href=\"/quarantine\">%lld "
	    "tệp</a></td></tr>", ov.quarantined);
	sb_str(&b, "<tr><th>Tài liệu theo trạng thái</th><td>");
	for (int i = 0; i < SOHOA_OVERVIEW_STATES; i++)
		sb_printf(&b, "%s%s: %lld", i ? "; " : "",
		    sohoa_state_label(SOHOA_OVERVIEW_STATE(i)), ov.states[i]);
	sb_printf(&b, "; tổng %lld</td></tr>", ov.total);
	sb_str(&b, "<tr><th>Dung lượng trống</th><td id=\"disk\">");
	human(&b, ov.disk_free);
	sb_str(&b, " (kho lưu), ");
	human(&b, ov.inbox_free);
	sb_str(&b, " (thư mục nhận); tối thiểu ");
	human(&b, ov.min_free);
	if (ov.disk_free >= 0 && ov.disk_free < ov.min_free)
		sb_str(&b, " — <b class=\"err\">THẤP</b>");
	sb_str(&b, "</td></tr><tr><th>Lần xuất gần nhất</th><td id=\"export\">");
	if (ov.have_export) {
		sb_str(&b, "tháng ");
		html_esc(&b, ov.export_month, 0);
		sb_str(&b, ", ");
		html_esc(&b, ov.export_file, 0);
		sb_str(&b, ", ");
		when(&b, ov.export_created);
		if (!ov.export_done[0])
			sb_str(&b, " — chưa xong");
		if (ov.export_error[0]) {
			sb_str(&b, " — <span class=\"err\">lỗi tải lên: ");
			html_esc(&b, ov.export_error, 0);
			sb_str(&b, "</span>");
		}
	} else {
		sb_str(&b, "chưa có");
	}
	sb_str(&b, "</td></tr><tr><th>Kiểm tra toàn vẹn gần nhất</th><td id=\"audit\">");
	if (ov.audit_at[0]) {
		when(&b, ov.audit_at);
		sb_printf(&b, "; %lld tài liệu đã kiểm, %lld lỗi", ov.audit_checked,
		    ov.audit_failing);
	} else {
		sb_str(&b, "chưa có");
	}
	sb_str(&b, "</td></tr></table><h2>Lỗi gần đây</h2><table class=\"fields\" "
	    "id=\"errors\"><tr><th>Lúc</th><th>Tài liệu</th><th>Sự kiện</th><th>Chi tiết</th></tr>");
	for (int k = 0; k < ov.nerrors; k++) {
		sb_str(&b, "<tr><td>");
		when(&b, ov.errors[k].at);
		sb_str(&b, "</td><td>");
		if (ov.errors[k].record)
			sb_printf(&b, "#%lld ", (long long)ov.errors[k].record);
		html_esc(&b, ov.errors[k].name, 0);
		sb_str(&b, "</td><td>");
		html_esc(&b, ov.errors[k].type, 0);
		sb_str(&b, "</td><td>");
		html_esc(&b, ov.errors[k].detail, 0);
		sb_str(&b, "</td></tr>");
	}
	if (!ov.nerrors)
		sb_str(&b, "<tr><td colspan=\"4\">Không có.</td></tr>");
	sb_str(&b, "</table>");
	return send_html(r, &b);
}

/* ---- routing ---- */

int
desk_review_route(struct web_req *r, int post, enum MHD_Result *ret)
{
	const char *p = r->path;
	int64_t id = 0;

	if (!strcmp(p, "/review") || !strcmp(p, "/status")) {
		int review = p[1] == 'r';
		if (!web_desk_allowed(r))
			*ret = web_forbidden(r, review ? "review" : "status");
		else if (post)
			*ret = web_error_page(r, 405, "Phương thức không được hỗ trợ.");
		else
			*ret = review ? page_queue(r) : page_status(r);
		return 1;
	}
	if (strncmp(p, "/review/", 8))
		return 0;
	{
		size_t d = 0;
		while (p[8 + d] >= '0' && p[8 + d] <= '9')
			d++;
		if (p[8 + d] != '\0')
			return 0;
		id = web_parse_id(p + 8, d);
	}
	if (!web_desk_allowed(r))
		*ret = web_forbidden(r, post ? "review edit" : "review");
	else if (!id)
		*ret = web_error_page(r, 404, "Không có tài liệu này.");
	else
		*ret = post ? post_review_doc(r, id) : page_review_doc(r, id);
	return 1;
}
