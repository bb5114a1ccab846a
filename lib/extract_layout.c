/*
 * extract_layout.c - the fields of a document read with the layout of its
 * pages (contract in include/sohoa/extract.h, sohoa_extract_fields_hocr()).
 *
 * The worker writes every word it read with its box (lib/ocr.c, ocr.hocr of
 * the spool entry).  Tesseract reads a row of the two-column ND 30 header
 * as one line when it can ("ỦY BAN NHÂN DÂN  CỘNG HÒA XÃ HỘI ..."), so a
 * name that wraps in the left column ("... XÃ DUYÊN" / "THÁI") has a piece
 * of the right column between its halves in the text.  With the boxes, the
 * header is put back in reading order before the text reading of extract.c
 * runs on it:
 *
 *   the right column starts at the quốc hiệu and tiêu ngữ ("CỘNG HÒA ...",
 *   "Độc lập - Tự do - Hạnh phúc", found by their words) or at the date
 *   line, whichever starts further left;
 *   the header ends at the row of the date ("..., ngày .. tháng .. năm"),
 *   the left column at the first line under it that leaves the column
 *   (the type line, "Kính gửi", the body) or after a wide gap;
 *   every word of the header goes to the column its centre is in; the left
 *   column's lines are written first, then the right column's, then the
 *   rest of the page as Tesseract ordered it.
 *
 * When the page has no hOCR, when its pages do not match the text's, or
 * when neither the motto nor the date is found, the text is read as it is
 * (sohoa_extract_fields()).
 *
 * Invariants:
 *  1. Only the order of lines and the cut of a line in two change: every
 *     word of the rebuilt page is a word the worker read, with its
 *     spelling.
 *  2. The other pages are the text's own, byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <utf8proc.h>

#include "sohoa/extract.h"
#include "sohoa/hocr.h"
#include "sohoa/lexicon.h"
#include "sohoa/vitext.h"
#include "extract_int.h"
#include "sbuf.h"

/* A word read with a confidence (x_wconf) under this is one OCR doubted:
 * the lexicon of fixed phrases may correct it (extract_lexicon.c).  On the
 * pages of make eval, 97 % of words are read at 90 or more; a wrong
 * diacritic in a trích yếu ("đồn đốc") at 67-78. */
#define DOUBT_CONF 85

/* A lone dash is taken for a speck when read under this confidence and no
 * wider than a fifth of the height of the taller word beside it.  On the
 * pages of make eval, the speck of "nhà văn hóa -" / "thôn" is 4 px wide
 * beside words 23 px high, read at 14; printed dashes are a quarter to a
 * third of the words' height, and those OCR doubted (list items) were read
 * at 47-83. */
#define SPECK_CONF 50

struct hword {
	int x0, y0, x1, y1, conf;
	size_t t, tn;           /* text in hdoc.text */
	size_t alt, altn;       /* "x_alts" in hdoc.text (altn 0: none) */
};

struct hline {
	size_t w0, nw;          /* words [w0, w0 + nw) */
	int par;                /* paragraph number within the document */
};

struct hpage {
	size_t l0, nl;          /* lines [l0, l0 + nl) */
	int w, h;
};

struct hdoc {
	struct hword *w;
	size_t nw, capw;
	struct hline *l;
	size_t nl, capl;
	struct hpage *p;
	size_t np, capp;
	struct sbuf text;
	int par, oom;
};

static void *
grow(void *p, size_t *cap, size_t n, size_t size, int *oom)
{
	void *q;
	size_t nc;

	if (n < *cap)
		return p;
	nc = *cap ? 2 * *cap : 16;
	if (!(q = realloc(p, nc * size))) {
		*oom = 1;
		return NULL;
	}
	*cap = nc;
	return q;
}

/* "bbox x0 y0 x1 y1" of an hOCR title; 0 when it has none. */
static int
title_bbox(const char *t, int b[4])
{
	const char *s = t ? strstr(t, "bbox ") : NULL;
	char *e;

	if (!s)
		return 0;
	s += 5;
	for (int i = 0; i < 4; i++) {
		long v = strtol(s, &e, 10);
		if (e == s || v < 0 || v > 1000000)
			return 0;
		b[i] = (int)v;
		s = e;
	}
	return b[2] >= b[0] && b[3] >= b[1];
}

/* "x_wconf N" of an hOCR title; 100 when it has none. */
static int
title_conf(const char *t)
{
	const char *s = t ? strstr(t, "x_wconf ") : NULL;
	long v;

	if (!s)
		return 100;
	v = strtol(s + 8, NULL, 10);
	return v < 0 ? 0 : v > 100 ? 100 : (int)v;
}

/* The value of "x_alts" of an hOCR title (the other readings the LSTM
 * offered for a doubted word, lib/ocr_choices.h) in *a, *an bytes; 0 when
 * it has none. */
static int
title_alts(const char *t, const char **a, size_t *an)
{
	const char *s = t ? strstr(t, "x_alts ") : NULL;

	if (!s)
		return 0;
	s += 7;
	*a = s;
	*an = strcspn(s, ";");
	while (*an && s[*an - 1] == ' ')
		(*an)--;
	return *an > 0;
}

/* 1 when the class attribute c holds the word name. */
static int
has_class(const char *c, const char *name)
{
	size_t n = strlen(name);

	for (const char *s = c; s && (s = strstr(s, name)) != NULL; s += n)
		if ((s == c || s[-1] == ' ') && (s[n] == '\0' || s[n] == ' '))
			return 1;
	return 0;
}

static void
walk(struct hdoc *h, xmlNode *n, int depth)
{
	for (; n && !h->oom; n = n->next) {
		xmlChar *cls, *title;
		int b[4];

		if (n->type != XML_ELEMENT_NODE)
			continue;
		cls = xmlGetProp(n, (const xmlChar *)"class");
		title = xmlGetProp(n, (const xmlChar *)"title");
		if (cls && has_class((char *)cls, "ocr_page")) {
			struct hpage *p;
			if ((p = grow(h->p, &h->capp, h->np, sizeof *p, &h->oom)) != NULL) {
				h->p = p;
				memset(&p[h->np], 0, sizeof *p);
				p[h->np].l0 = h->nl;
				if (title_bbox((char *)title, b)) {
					p[h->np].w = b[2];
					p[h->np].h = b[3];
				}
				h->np++;
			}
		} else if (cls && has_class((char *)cls, "ocr_par")) {
			h->par++;
		} else if (cls && h->np && (has_class((char *)cls, "ocr_line") ||
		    has_class((char *)cls, "ocr_header") || has_class((char *)cls, "ocr_caption") ||
		    has_class((char *)cls, "ocr_textfloat"))) {
			struct hline *l;
			if ((l = grow(h->l, &h->capl, h->nl, sizeof *l, &h->oom)) != NULL) {
				h->l = l;
				l[h->nl].w0 = h->nw;
				l[h->nl].nw = 0;
				l[h->nl].par = h->par;
				h->nl++;
				h->p[h->np - 1].nl++;
			}
		} else if (cls && h->nl && has_class((char *)cls, "ocrx_word") &&
		    title_bbox((char *)title, b)) {
			xmlChar *c = xmlNodeGetContent(n);
			const char *s = (const char *)c;
			size_t sn = c ? strlen(s) : 0;
			struct hword *w;

			while (sn && (s[sn - 1] == ' ' || s[sn - 1] == '\n' || s[sn - 1] == '\t'))
				sn--;
			while (sn && (*s == ' ' || *s == '\n' || *s == '\t')) {
				s++;
				sn--;
			}
			if (sn && (w = grow(h->w, &h->capw, h->nw, sizeof *w, &h->oom)) != NULL) {
				h->w = w;
				w[h->nw].x0 = b[0];
				w[h->nw].y0 = b[1];
				w[h->nw].x1 = b[2];
				w[h->nw].y1 = b[3];
				w[h->nw].conf = title_conf((char *)title);
				w[h->nw].t = h->text.len;
				w[h->nw].tn = sn;
				sb_add(&h->text, s, sn);
				sb_add(&h->text, "", 1);        /* keep a NUL after each */
				w[h->nw].alt = w[h->nw].altn = 0;
				{
					const char *a;
					size_t an;
					if (title_alts((char *)title, &a, &an)) {
						w[h->nw].alt = h->text.len;
						w[h->nw].altn = an;
						sb_add(&h->text, a, an);
						sb_add(&h->text, "", 1);
					}
				}
				h->nw++;
				h->l[h->nl - 1].nw++;
			}
			xmlFree(c);
			xmlFree(cls);
			xmlFree(title);
			continue;       /* a word's children are its text */
		}
		xmlFree(cls);
		xmlFree(title);
		if (depth < 32)
			walk(h, n->children, depth + 1);
	}
	if (h->text.oom)
		h->oom = 1;
}

static void
hdoc_release(struct hdoc *h)
{
	free(h->w);
	free(h->l);
	free(h->p);
	free(h->text.p);
	memset(h, 0, sizeof *h);
}

/* Parses hocr[0..n) into h; 0 when it holds at least one page. */
static int
hdoc_parse(struct hdoc *h, const char *hocr, size_t n)
{
	htmlDocPtr doc;

	memset(h, 0, sizeof *h);
	if (n > (size_t)0x7fffffff)
		return -1;
	doc = htmlReadMemory(hocr, (int)n, NULL, "UTF-8",
	    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
	if (!doc)
		return -1;
	walk(h, xmlDocGetRootElement(doc), 0);
	xmlFreeDoc(doc);
	if (h->oom || h->np == 0) {
		hdoc_release(h);
		return -1;
	}
	return 0;
}

static const char *
wtext(const struct hdoc *h, size_t w)
{
	return h->text.p + h->w[w].t;
}

/* The folded text of words [w0, w0 + n), one space between them; NULL on
 * OOM. */
static char *
words_fold(const struct hdoc *h, size_t w0, size_t n)
{
	struct sbuf b = { 0 };
	char *f;

	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_add(&b, " ", 1);
		sb_add(&b, wtext(h, w0 + i), h->w[w0 + i].tn);
	}
	if (b.oom || !b.p) {
		free(b.p);
		return b.oom ? NULL : calloc(1, 1);
	}
	f = sohoa_vi_fold(b.p, b.len, NULL);
	free(b.p);
	return f;
}

/* A date line's words in f: "ngay" followed, a few words on, by "thang" or
 * "nam" and a digit somewhere. */
static int
date_words(const char *f)
{
	const char *n = strstr(f, "ngay");
	int digit = 0;

	if (!n)
		return 0;
	for (const char *s = n; *s; s++)
		digit |= *s >= '0' && *s <= '9';
	return digit && (strstr(n, "thang") || strstr(n, "nam"));
}

/* Words of the quốc hiệu or tiêu ngữ in f. */
static int
motto_words(const char *f)
{
	static const char *const m[] = {
		"cong hoa", "chu nghia", "viet nam", "doc lap", "hanh phuc", "tu do",
	};
	int k = 0;

	for (size_t i = 0; i < sizeof m / sizeof m[0]; i++)
		k += strstr(f, m[i]) != NULL;
	return k >= 2;
}

struct colline {
	int y0, y1;
	size_t line, w0, nw;    /* words [w0, w0 + nw) of line */
	const char *x;          /* a piece of a word glued across the columns, */
	size_t xn;              /* after the words (left) or before them (right) */
};

static int
by_y(const void *a, const void *b)
{
	const struct colline *x = a, *y = b;

	if (x->y0 != y->y0)
		return x->y0 < y->y0 ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static void
emit_col(struct sbuf *out, const struct hdoc *h, const struct colline *c, int right)
{
	if (right && c->xn) {
		sb_add(out, c->x, c->xn);
		if (c->nw)
			sb_add(out, " ", 1);
	}
	for (size_t i = 0; i < c->nw; i++) {
		if (i)
			sb_add(out, " ", 1);
		sb_add(out, wtext(h, c->w0 + i), h->w[c->w0 + i].tn);
	}
	if (!right && c->xn) {
		if (c->nw)
			sb_add(out, " ", 1);
		sb_add(out, c->x, c->xn);
	}
	sb_add(out, "\n", 1);
}

/* Where the motto starts inside word w ("THƯỜNGCỘNG": the column gap
 * too narrow for Tesseract to see two words): the byte offset of "CỘNG" or
 * "Độc", 0 when none; -1 on OOM. */
static long
motto_cut(const struct hdoc *h, size_t w)
{
	const char *t = wtext(h, w);
	size_t n = h->w[w].tn;

	for (size_t c = 1; c + 3 <= n; c++) {
		char *f;
		int hit;
		if (((unsigned char)t[c] & 0xC0) == 0x80)
			continue;
		if (!(f = sohoa_vi_fold(t + c, n - c, NULL)))
			return -1;
		hit = !strncmp(f, "cong", 4) || !strncmp(f, "doc", 3);
		free(f);
		if (hit)
			return (long)c;
	}
	return 0;
}

static void
emit_words(struct sbuf *out, const struct hdoc *h, size_t w0, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_add(out, " ", 1);
		sb_add(out, wtext(h, w0 + i), h->w[w0 + i].tn);
	}
	sb_add(out, "\n", 1);
}

/*
 * The text of page pg with its header in reading order into out; returns
 * 1 when the header was found and rewritten, 0 when not (out untouched),
 * -1 on OOM.
 */
static int
header_page(const struct hdoc *h, size_t pg, struct sbuf *out)
{
	const struct hpage *p = &h->p[pg];
	int W = p->w, H = p->h, R = -1, motto_y0 = -1, date_y1 = -1, date_x0 = -1;
	int split, tol, lh = 0, last_y1;
	struct colline *left = NULL, *right = NULL;
	size_t nleft = 0, nright = 0, nrows;
	unsigned char *used = NULL;
	int rc = 0;

	if (W <= 0 || H <= 0 || p->nl == 0)
		return 0;
	/* The motto and the date, in the top half of the page. */
	for (size_t li = p->l0; li < p->l0 + p->nl; li++) {
		const struct hline *l = &h->l[li];
		char *f;
		if (!l->nw || h->w[l->w0].y0 > H / 2)
			continue;
		if (!(f = words_fold(h, l->w0, l->nw)))
			return -1;
		if (motto_words(f)) {
			/* The motto's first word: where the right column starts. */
			for (size_t k = 0; k + 1 < l->nw; k++) {
				char *g = words_fold(h, l->w0 + k, 2);
				int is = g && (!strcmp(g, "cong hoa") || !strcmp(g, "doc lap") ||
				    !strcmp(g, "chu nghia") || !strcmp(g, "hanh phuc"));
				if (!g) {
					free(f);
					return -1;
				}
				free(g);
				if (is) {
					int x = h->w[l->w0 + k].x0;
					if (R < 0 || x < R)
						R = x;
					if (motto_y0 < 0 || h->w[l->w0 + k].y0 < motto_y0)
						motto_y0 = h->w[l->w0 + k].y0;
					break;
				}
			}
		} else if (date_y1 < 0 && date_words(f)) {
			/* The date's words: from "ngay" back to the place name,
			 * which starts after the widest gap left of it. */
			size_t k = 0, best = 0;
			int gap = -1;
			for (size_t j = 0; j < l->nw; j++) {
				char *g = words_fold(h, l->w0 + j, 1);
				int is = g && !strcmp(g, "ngay");
				free(g);
				if (is) {
					k = j;
					break;
				}
			}
			for (size_t j = 1; j <= k; j++) {
				int gp = h->w[l->w0 + j].x0 - h->w[l->w0 + j - 1].x1;
				if (gp > gap) {
					gap = gp;
					best = j;
				}
			}
			if (gap < W / 40)
				best = 0;
			date_x0 = h->w[l->w0 + best].x0;
			for (size_t j = 0; j < l->nw; j++)
				if (h->w[l->w0 + j].y1 > date_y1)
					date_y1 = h->w[l->w0 + j].y1;
		}
		free(f);
	}
	if (R < 0 && date_x0 < 0)
		return 0;
	split = R < 0 ? date_x0 : date_x0 < 0 ? R : (R < date_x0 ? R : date_x0);
	if (split < W / 4 || split > (W * 3) / 4)
		return 0;       /* no column there: not an ND 30 header */
	tol = W / 100;
	if (date_y1 < 0) {
		/* No date: the header ends at the first line that crosses from
		 * one column to the other below the motto. */
		date_y1 = H / 2;
		for (size_t li = p->l0; li < p->l0 + p->nl; li++) {
			const struct hline *l = &h->l[li];
			int x0, x1, y0;
			if (!l->nw)
				continue;
			x0 = h->w[l->w0].x0;
			x1 = h->w[l->w0 + l->nw - 1].x1;
			y0 = h->w[l->w0].y0;
			if (y0 > motto_y0 && x0 < split - tol && x1 > split + tol && y0 < date_y1) {
				/* a header row read across both columns keeps a gap
				 * at the split */
				int across = 1;
				for (size_t j = 1; j < l->nw; j++)
					if (h->w[l->w0 + j - 1].x1 <= split + tol &&
					    h->w[l->w0 + j].x0 >= split - tol)
						across = 0;
				if (across)
					date_y1 = y0 - 1;
			}
		}
	}
	left = calloc(p->nl + 1, sizeof *left);
	right = calloc(p->nl + 1, sizeof *right);
	used = calloc(p->nl + 1, 1);
	if (!left || !right || !used) {
		rc = -1;
		goto done;
	}
	/* The header rows: every word to its column. */
	for (size_t li = p->l0; li < p->l0 + p->nl; li++) {
		const struct hline *l = &h->l[li];
		size_t j = 0;
		if (!l->nw)
			continue;
		{
			int yc = (h->w[l->w0].y0 + h->w[l->w0].y1) / 2;
			if (yc > date_y1)
				continue;
		}
		used[li - p->l0] = 1;
		while (j < l->nw && (h->w[l->w0 + j].x0 + h->w[l->w0 + j].x1) / 2 < split)
			j++;
		{
			/* A word across the split, glued from both columns. */
			size_t g = j > 0 && h->w[l->w0 + j - 1].x1 > split + tol ? j - 1 :
			    j < l->nw && h->w[l->w0 + j].x0 < split - tol ? j : (size_t)-1;
			long cut = g != (size_t)-1 ? motto_cut(h, l->w0 + g) : 0;
			if (cut < 0) {
				rc = -1;
				goto done;
			}
			if (cut > 0) {
				const char *t = wtext(h, l->w0 + g);
				struct colline *c = &left[nleft++];
				memset(c, 0, sizeof *c);
				c->line = li;
				c->w0 = l->w0;
				c->nw = g;
				c->x = t;
				c->xn = (size_t)cut;
				c->y0 = h->w[l->w0].y0;
				c->y1 = h->w[l->w0 + g].y1;
				c = &right[nright++];
				memset(c, 0, sizeof *c);
				c->line = li;
				c->w0 = l->w0 + g + 1;
				c->nw = l->nw - g - 1;
				c->x = t + cut;
				c->xn = h->w[l->w0 + g].tn - (size_t)cut;
				c->y0 = h->w[l->w0 + g].y0;
				c->y1 = h->w[l->w0 + l->nw - 1].y1;
				continue;
			}
		}
		if (j > 0) {
			struct colline *c = &left[nleft++];
			memset(c, 0, sizeof *c);
			c->line = li;
			c->w0 = l->w0;
			c->nw = j;
			c->y0 = h->w[l->w0].y0;
			c->y1 = h->w[l->w0 + j - 1].y1;
			if (c->y1 - c->y0 > lh)
				lh = c->y1 - c->y0;
		}
		if (j < l->nw) {
			struct colline *c = &right[nright++];
			memset(c, 0, sizeof *c);
			c->line = li;
			c->w0 = l->w0 + j;
			c->nw = l->nw - j;
			c->y0 = h->w[l->w0 + j].y0;
			c->y1 = h->w[l->w0 + l->nw - 1].y1;
		}
	}
	if (!nleft || !nright)
		goto done;      /* not two columns */
	qsort(left, nleft, sizeof *left, by_y);
	nrows = nleft;
	/* The left column goes on under the date row: a Công văn's "V/v",
	 * the stamps; up to a line that leaves the column or a wide gap. */
	last_y1 = left[nleft - 1].y1;
	if (lh <= 0)
		lh = H / 60;
	for (;;) {
		size_t best = (size_t)-1;
		int by = 0;
		for (size_t li = p->l0; li < p->l0 + p->nl; li++) {
			const struct hline *l = &h->l[li];
			if (used[li - p->l0] || !l->nw)
				continue;
			if (best == (size_t)-1 || h->w[l->w0].y0 < by) {
				best = li;
				by = h->w[l->w0].y0;
			}
		}
		if (best == (size_t)-1)
			break;
		{
			const struct hline *l = &h->l[best];
			int x1 = 0;
			for (size_t j = 0; j < l->nw; j++)
				if (h->w[l->w0 + j].x1 > x1)
					x1 = h->w[l->w0 + j].x1;
			if (x1 > split + tol || by - last_y1 > 3 * lh)
				break;
			used[best - p->l0] = 1;
			left[nleft].line = best;
			left[nleft].w0 = l->w0;
			left[nleft].nw = l->nw;
			left[nleft].y0 = by;
			left[nleft].y1 = h->w[l->w0 + l->nw - 1].y1;
			last_y1 = left[nleft].y1;
			nleft++;
		}
	}
	qsort(right, nright, sizeof *right, by_y);
	/* The left column's rows of the header, the right column's, then what
	 * the left column has under the date row: "V/v ..." and stamps come
	 * after "Số:" and the date, as in a text read row by row. */
	for (size_t i = 0; i < nrows; i++)
		emit_col(out, h, &left[i], 0);
	for (size_t i = 0; i < nright; i++)
		emit_col(out, h, &right[i], 1);
	for (size_t i = nrows; i < nleft; i++)
		emit_col(out, h, &left[i], 0);
	/* The rest of the page as Tesseract ordered it, a blank line between
	 * paragraphs as in its text. */
	{
		int par = -1;
		for (size_t li = p->l0; li < p->l0 + p->nl; li++) {
			const struct hline *l = &h->l[li];
			if (used[li - p->l0] || !l->nw)
				continue;
			if (l->par != par)
				sb_add(out, "\n", 1);
			par = l->par;
			emit_words(out, h, l->w0, l->nw);
		}
	}
	rc = out->oom ? -1 : 1;
done:
	free(left);
	free(right);
	free(used);
	return rc;
}

/*
 * The signature block of page pg: the right half of the page under its last
 * line of body text (six words or more from margin to margin with no
 * column gap in it).  Its lines, the lowest first, up to four, one per '\n', into
 * out.  Returns the number of lines, -1 on OOM.
 */
static int
signer_block(const struct hdoc *h, size_t pg, struct sbuf *out)
{
	const struct hpage *p = &h->p[pg];
	int W = p->w, H = p->h, top = -1, n = 0;
	struct colline *c;
	size_t nc = 0;

	if (W <= 0 || H <= 0 || p->nl == 0)
		return 0;
	for (size_t li = p->l0; li < p->l0 + p->nl; li++) {
		const struct hline *l = &h->l[li];
		int x0 = W, x1 = 0, y1 = 0, gap = 0;
		for (size_t j = 0; j < l->nw; j++) {
			const struct hword *w = &h->w[l->w0 + j];
			if (w->x0 < x0)
				x0 = w->x0;
			if (w->x1 > x1)
				x1 = w->x1;
			if (w->y1 > y1)
				y1 = w->y1;
			if (j && w->x0 - h->w[l->w0 + j - 1].x1 > gap)
				gap = w->x0 - h->w[l->w0 + j - 1].x1;
		}
		/* A line of the body runs from the left margin to the right
		 * one; a row of nơi nhận and signature block has the column
		 * gap, the seal's rim read as words no such run. */
		if (l->nw >= 6 && x0 < W / 5 && x1 > W * 4 / 5 && gap < W / 25 && y1 > top)
			top = y1;
	}
	if (top < 0)
		top = H / 2;
	if (!(c = calloc(p->nl, sizeof *c)))
		return -1;
	for (size_t li = p->l0; li < p->l0 + p->nl; li++) {
		const struct hline *l = &h->l[li];
		size_t j = 0;
		if (!l->nw || h->w[l->w0].y0 <= top)
			continue;
		while (j < l->nw && (h->w[l->w0 + j].x0 + h->w[l->w0 + j].x1) / 2 < W / 2)
			j++;
		if (j == l->nw)
			continue;
		c[nc].line = li;
		c[nc].w0 = l->w0 + j;
		c[nc].nw = l->nw - j;
		c[nc].y0 = h->w[l->w0 + j].y0;
		c[nc].y1 = h->w[l->w0 + l->nw - 1].y1;
		nc++;
	}
	qsort(c, nc, sizeof *c, by_y);
	for (size_t i = nc; i > 0 && n < 4; i--, n++)
		emit_words(out, h, c[i - 1].w0, c[i - 1].nw);
	free(c);
	return out->oom ? -1 : n;
}

/* The one word (sohoa_vi_next_word()) of s[0..n), NFC lower case, in a
 * new string; NULL when s holds none or more than one, or on OOM (*oom). */
static char *
one_word(const char *s, size_t n, int *oom)
{
	size_t pos = 0, a, b, a2, b2;
	char *e;

	if (!sohoa_vi_next_word(s, n, &pos, &a, &b) || sohoa_vi_next_word(s, n, &pos, &a2, &b2))
		return NULL;
	if (!(e = sohoa_vi_exact(s + a, b - a, NULL)))
		*oom = 1;
	return e;
}

/* The alternatives of word w (x_alts) that are one word each, as " alt"
 * appended to out. */
static void
word_alts(const struct hdoc *h, const struct hword *w, struct sbuf *out)
{
	const char *s = h->text.p + w->alt;
	size_t i = 0;

	while (i < w->altn) {
		size_t n = strcspn(s + i, " ");
		char *e;
		int oom = 0;
		if (n > w->altn - i)
			n = w->altn - i;
		if ((e = one_word(s + i, n, &oom)) != NULL) {
			sb_add(out, " ", 1);
			sb_str(out, e);
			free(e);
		}
		if (oom)
			out->oom = 1;
		i += n + 1;
	}
}

/* A lone dash word ("-", "–", "—"). */
static int
dash_word(const struct hdoc *h, size_t wi)
{
	const char *t = wtext(h, wi);

	return !strcmp(t, "-") || !strcmp(t, "\xe2\x80\x93") || !strcmp(t, "\xe2\x80\x94");
}

/*
 * The words of page pg read with a confidence under DOUBT_CONF, NFC lower
 * case, one per '\n', into out (extract_int.h, doubtful_words): a word
 * with other readings the LSTM offered (x_alts) as "word\talt1 alt2" (a
 * number with them, at any confidence); a lone dash taken for a speck
 * (SPECK_CONF), between two words of the page, as "-\tprev next".
 * -1 on OOM.
 */
static int
doubtful_words(const struct hdoc *h, size_t pg, struct sbuf *out)
{
	const struct hpage *p = &h->p[pg];
	int oom = 0;
	/* The page's words [w0, w1), in reading order: a dash at the end of
	 * a line stands between its last word and the next line's first. */
	size_t w0 = p->nl ? h->l[p->l0].w0 : 0;
	size_t w1 = p->nl ? h->l[p->l0 + p->nl - 1].w0 + h->l[p->l0 + p->nl - 1].nw : 0;

	for (size_t li = p->l0; li < p->l0 + p->nl; li++)
		for (size_t j = 0; j < h->l[li].nw; j++) {
			size_t wi = h->l[li].w0 + j;
			const struct hword *w = &h->w[wi];
			size_t pos = 0, a, b;
			char *e, *e2;
			/* A word with alternatives (a number, at any
			 * confidence) is listed for them. */
			if (w->conf >= DOUBT_CONF && !w->altn)
				continue;
			if (dash_word(h, wi) && wi > w0 && wi + 1 < w1) {
				const struct hword *pw = &h->w[wi - 1], *nw = &h->w[wi + 1];
				size_t pp = 0, pa = 0, pb = 0, np = 0, na, nb;
				int tall = pw->y1 - pw->y0 > nw->y1 - nw->y0 ?
				    pw->y1 - pw->y0 : nw->y1 - nw->y0;
				/* A speck, not a dash OCR read badly: very doubtful
				 * and short beside the words. */
				if (w->conf >= SPECK_CONF || (w->x1 - w->x0) * 5 > tall)
					continue;
				/* The last word of the word before, the first of the
				 * one after. */
				while (sohoa_vi_next_word(wtext(h, wi - 1), pw->tn, &pp, &a, &b)) {
					pa = a;
					pb = b;
				}
				if (pb > pa && sohoa_vi_next_word(wtext(h, wi + 1), nw->tn, &np, &na, &nb)) {
					e = sohoa_vi_exact(wtext(h, wi - 1) + pa, pb - pa, NULL);
					e2 = sohoa_vi_exact(wtext(h, wi + 1) + na, nb - na, NULL);
					if (e && e2)
						sb_printf(out, "-\t%s %s\n", e, e2);
					else
						oom = 1;
					free(e);
					free(e2);
				}
				continue;
			}
			while (sohoa_vi_next_word(wtext(h, wi), w->tn, &pos, &a, &b)) {
				if (!(e = sohoa_vi_exact(wtext(h, wi) + a, b - a, NULL)))
					return -1;
				sb_str(out, e);
				free(e);
				/* Alternatives of a word that is one word. */
				if (w->altn && (e = one_word(wtext(h, wi), w->tn, &oom)) != NULL) {
					sb_add(out, "\t", 1);
					word_alts(h, w, out);
					free(e);
				}
				sb_add(out, "\n", 1);
			}
		}
	if (!out->p)
		sb_add(out, "", 0);     /* an empty list: OCR doubted nothing */
	return out->oom || oom ? -1 : 0;
}

int
sohoa_extract_layout_text(const char *text, size_t len, const char *hocr, size_t hocr_len,
    char **out, size_t *out_len, unsigned *flags, char **signer_lines, char **doubt)
{
	struct hdoc h;
	struct sbuf b = { 0 }, sl = { 0 }, db = { 0 };
	size_t pages = 1, end = len, p1;
	int r;

	*out = NULL;
	*out_len = 0;
	*flags = 0;
	*signer_lines = NULL;
	*doubt = NULL;
	if (!hocr || !hocr_len || !text || !sohoa_vi_utf8_valid(text, len))
		return 0;
	/* The text's pages, the empty ones at the end left aside (a '\f'
	 * after the last page). */
	while (end > 0 && (text[end - 1] == '\f' || text[end - 1] == '\n' || text[end - 1] == ' '))
		end--;
	for (size_t i = 0; i < end; i++)
		pages += text[i] == '\f';
	if (hdoc_parse(&h, hocr, hocr_len) != 0)
		return 0;
	if (h.np != pages) {
		hdoc_release(&h);
		return 0;
	}
	p1 = 0;
	while (p1 < len && text[p1] != '\f')
		p1++;
	if (signer_block(&h, h.np - 1, &sl) < 0 || sl.oom) {
		hdoc_release(&h);
		free(sl.p);
		return -1;
	}
	*signer_lines = sl.p;
	if (doubtful_words(&h, 0, &db) < 0 || db.oom) {
		hdoc_release(&h);
		free(sl.p);
		free(db.p);
		*signer_lines = NULL;
		return -1;
	}
	*doubt = db.p;
	r = header_page(&h, 0, &b);
	hdoc_release(&h);
	if (r <= 0) {
		free(b.p);
		if (r < 0) {
			free(sl.p);
			free(db.p);
			*signer_lines = NULL;
			*doubt = NULL;
		}
		return r;
	}
	*flags |= SOHOA_EXTRACT_HEADER_COLUMNS;
	sb_add(&b, text + p1, len - p1);
	if (b.oom) {
		free(b.p);
		free(sl.p);
		free(db.p);
		*signer_lines = NULL;
		*doubt = NULL;
		return -1;
	}
	*out = b.p;
	*out_len = b.len;
	return 1;
}

sohoa_status
sohoa_extract_fields_hocr(const char *text, size_t len, const char *hocr, size_t hocr_len,
    sohoa_fields *out, sohoa_error *err)
{
	return sohoa_extract_hocr(text, len, hocr, hocr_len, 0, NULL, out, err);
}

sohoa_status
sohoa_extract_fields_learned(const char *text, size_t len, const char *hocr, size_t hocr_len,
    const char *learned, sohoa_fields *out, sohoa_error *err)
{
	return sohoa_extract_hocr(text, len, hocr, hocr_len, 0, learned, out, err);
}

sohoa_status
sohoa_extract_hocr(const char *text, size_t len, const char *hocr, size_t hocr_len,
    unsigned flags, const char *learned, sohoa_fields *out, sohoa_error *err)
{
	char *t, *signer, *doubt;
	size_t tl;
	struct sohoa_extract_hints hints = { 0, NULL, NULL, NULL };
	sohoa_status st;
	int r = sohoa_extract_layout_text(text, len, hocr, hocr_len, &t, &tl, &hints.flags,
	    &signer, &doubt);

	if (r < 0)
		return sohoa_error_oom(err);
	hints.signer_lines = signer;
	hints.doubtful_words = doubt;
	hints.learned_phrases = learned;
	hints.flags |= flags;
	if (r == 0)
		st = sohoa_extract_text(text, len, &hints, out, err);
	else
		st = sohoa_extract_text(t, tl, &hints, out, err);
	free(t);
	free(signer);
	free(doubt);
	return st;
}

/* What a word box teaches (lexicon.h): its one word's NFC lower-case form
 * in *w (malloc'd) when OCR was sure of it and it is a lower-case syllable
 * of letters alone (no digit, no capital: no number, no name), up to 7
 * letters; *open_l / *open_r: nothing but the word in the box on that side
 * (punctuation ends a phrase).  0 when the word teaches nothing, -1 on OOM. */
static int
learn_word(const struct hdoc *h, size_t wi, char **w, int *open_l, int *open_r, int *sure)
{
	const char *t = wtext(h, wi);
	size_t tn = h->w[wi].tn, pos = 0, a, b, a2, b2, p;
	int letters = 0;

	*w = NULL;
	*sure = h->w[wi].conf >= SOHOA_LEXICON_LEARN_CONF;
	if (!sohoa_vi_next_word(t, tn, &pos, &a, &b))
		return 0;
	if (sohoa_vi_next_word(t, tn, &pos, &a2, &b2))
		return 0;               /* "b/c", "đ-ất": not one syllable */
	for (p = a; p < b; ) {
		int32_t cp;
		size_t k = sohoa_vi_utf8_decode(t + p, b - p, &cp);
		utf8proc_category_t c;
		if (!k)
			return 0;
		c = utf8proc_category(cp);
		if (c == UTF8PROC_CATEGORY_LL)
			letters++;
		else if (c != UTF8PROC_CATEGORY_MN)
			return 0;
		p += k;
	}
	if (letters < 1 || letters > 7)
		return 0;
	*open_l = a == 0;
	*open_r = b == tn;
	if (!(*w = sohoa_vi_exact(t + a, b - a, NULL)))
		return -1;
	return 1;
}

static int
by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
sohoa_lexicon_candidates(const char *hocr, size_t len, char **out)
{
	struct hdoc h;
	char **ph = NULL, **ws = NULL;
	int *ol = NULL, *orr = NULL, *su = NULL, n = -1;
	size_t np = 0, cap = 0, wsn = 0;
	struct sbuf b = { 0 };

	*out = NULL;
	if (!hocr || !len || hdoc_parse(&h, hocr, len) != 0) {
		*out = calloc(1, 1);
		return *out ? 0 : -1;
	}
	for (size_t li = 0; li < h.nl; li++) {
		size_t nw = h.l[li].nw, w0 = h.l[li].w0;
		if (nw < 2)
			continue;
		ws = calloc(nw, sizeof *ws);
		wsn = nw;
		ol = calloc(nw, sizeof *ol);
		orr = calloc(nw, sizeof *orr);
		su = calloc(nw, sizeof *su);
		if (!ws || !ol || !orr || !su)
			goto done;
		for (size_t j = 0; j < nw; j++)
			if (learn_word(&h, w0 + j, &ws[j], &ol[j], &orr[j], &su[j]) < 0)
				goto done;
		for (size_t j = 0; j < nw; j++)
			for (size_t k = 3; k <= 3 && j + k <= nw; k++) {
				struct sbuf s = { 0 };
				size_t e;
				int sure = 1;
				for (e = j; e < j + k; e++)
					if (!ws[e] || (e > j && !ol[e]) || (e + 1 < j + k && !orr[e]))
						break;
				if (e < j + k)
					break;  /* a longer run breaks there too */
				for (e = j; e < j + k; e++) {
					if (e > j)
						sb_add(&s, " ", 1);
					sb_str(&s, ws[e]);
					sure &= su[e];
				}
				/* "\t1" sorts after "\t0": of a phrase read both
				 * ways, the sure line comes last. */
				sb_str(&s, sure ? "\t1" : "\t0");
				if (s.oom)
					goto done;
				if (np == cap) {
					char **q = realloc(ph, (cap = cap ? 2 * cap : 64) * sizeof *ph);
					if (!q) {
						free(s.p);
						goto done;
					}
					ph = q;
				}
				ph[np++] = s.p;
			}
		for (size_t j = 0; j < nw; j++)
			free(ws[j]);
		free(ws);
		free(ol);
		free(orr);
		free(su);
		ws = NULL;
		wsn = 0;
		ol = orr = su = NULL;
	}
	if (np)
		qsort(ph, np, sizeof *ph, by_str);
	/* Each phrase once: sure when one reading of it was. */
	n = 0;
	for (size_t i = 0; i < np; i++) {
		size_t pl = strlen(ph[i]) - 2;
		if (i + 1 < np && !strncmp(ph[i], ph[i + 1], pl) && ph[i + 1][pl] == '\t')
			continue;
		sb_str(&b, ph[i]);
		sb_add(&b, "\n", 1);
		n++;
	}
	if (!b.p)
		sb_add(&b, "", 0);
	if (b.oom) {
		free(b.p);
		n = -1;
	} else {
		*out = b.p;
	}
	b.p = NULL;
done:
	if (ws)
		for (size_t j = 0; j < wsn; j++)
			free(ws[j]);
	free(ws);
	hdoc_release(&h);
	for (size_t i = 0; i < np; i++)
		free(ph[i]);
	free(ph);
	free(ol);
	free(orr);
	free(su);
	free(b.p);
	return n;
}

int
sohoa_hocr_words(const char *hocr, size_t n, int page,
    void (*each)(void *arg, const sohoa_hocr_word *w), void *arg)
{
	struct hdoc h;
	int seen = 0;

	if (!hocr || hdoc_parse(&h, hocr, n) != 0)
		return -1;
	for (size_t pg = 0; pg < h.np; pg++) {
		const struct hpage *p = &h.p[pg];
		if (page > 0 && (size_t)page != pg + 1)
			continue;
		for (size_t li = p->l0; li < p->l0 + p->nl; li++)
			for (size_t j = 0; j < h.l[li].nw; j++) {
				const struct hword *hw = &h.w[h.l[li].w0 + j];
				sohoa_hocr_word w;
				w.page = (int)pg + 1;
				w.page_w = p->w;
				w.page_h = p->h;
				w.x0 = hw->x0;
				w.y0 = hw->y0;
				w.x1 = hw->x1;
				w.y1 = hw->y1;
				w.conf = hw->conf;
				w.text = wtext(&h, h.l[li].w0 + j);
				each(arg, &w);
				seen++;
			}
	}
	hdoc_release(&h);
	return seen;
}
