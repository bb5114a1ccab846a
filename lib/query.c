/*
 * query.c - compiles the search language staff type (query.h) into an FTS5
 * MATCH expression for the "sohoa_vi" tokenizer plus filters.
 *
 * Safety rests on one rule: user text reaches the expression only as words
 * cut by sohoa_vi_next_word() (letters, digits, marks), each inside double
 * quotes with any '"' doubled.  Operators (AND, OR, NOT, NEAR, ^, :, *, (
 * and ) and column filters) are only ever written by this file, so every
 * compiled expression is valid FTS5 syntax whatever the input was.
 *
 * The work goes in three passes: the query is cut into items (words,
 * phrases, filters, dates), runs of items that spell a document number
 * ("15 qđ ubnd") are joined, and the items are written out.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "sohoa/fields.h"
#include "sohoa/query.h"
#include "sohoa/vitext.h"
#include "sbuf.h"

static void
sb_quoted(struct sbuf *b, const char *s, size_t n)
{
	size_t i, from = 0;

	sb_add(b, "\"", 1);
	for (i = 0; i < n; i++) {
		if (s[i] == '"') {
			sb_add(b, s + from, i + 1 - from);
			sb_add(b, "\"", 1);
			from = i + 1;
		}
	}
	sb_add(b, s + from, n - from);
	sb_add(b, "\"", 1);
}

enum term_kind { TERM_TEXT, TERM_DATE };

/* One thing to look for in the text. */
struct term {
	enum term_kind kind;
	int neg;                /* -word */
	int prefix;             /* word* */
	int quoted;             /* typed as "a phrase" */
	int numeric;            /* a document number: the folded phrase only */
	int differ;             /* some word carries diacritics */
	int ntokens;
	struct sbuf exact, folded;  /* the words' forms, joined by spaces */
	int year, month, day;   /* TERM_DATE */
};

enum filter { F_TYPE, F_NUMBER, F_ORGAN, F_FROM, F_TO, F_YEAR, F_COUNT };

/* Names as they fold: "số:" is "so:", "từ:" is "tu:" and so on. */
static const char *const filter_names[F_COUNT] = {
	"loai", "so", "coquan", "tu", "den", "nam"
};
#define KNOWN_FILTERS "loai:, so:, coquan:, tu:, den:, nam:"

struct parser {
	const char *s;          /* the query, NFC */
	size_t n, i;
	sohoa_query *q;
	sohoa_error *err;
	sohoa_status st;        /* sticky: once set, every step does nothing */
	struct term *terms;
	size_t nterms, cap;
	int seen[F_COUNT];
	int oom;
	sohoa_vi_forms forms;
};

/* Longest piece of user text quoted back in a message, in bytes. */
#define ECHO_MAX 60

/* Length of s[0..n) cut to at most ECHO_MAX bytes at a character boundary. */
static int
echo_len(const char *s, size_t n)
{
	if (n > ECHO_MAX) {
		n = ECHO_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	return (int)n;
}

#define BAD(p, ...) ((p)->st = sohoa_error_set((p)->err, SOHOA_BAD_INPUT, \
	SOHOA_REASON_NONE, __VA_ARGS__))

/* Byte length of the white space character at s[i], or 0. */
static size_t
space_at(const char *s, size_t n, size_t i)
{
	unsigned char c = (unsigned char)s[i];
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;
	int cat;

	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
		return 1;
	if (c < 0x80)
		return 0;
	k = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &cp);
	if (k <= 0)
		return 0;
	cat = utf8proc_category(cp);
	if (cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
	    cat == UTF8PROC_CATEGORY_ZP)
		return (size_t)k;
	return 0;
}

/* Byte length of the quotation mark at s[i] - straight, or the curly ones
 * word processors put in (U+201C, U+201D) - or 0. */
static size_t
quote_at(const char *s, size_t n, size_t i)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[i] == '"')
		return 1;
	if (i + 3 <= n && u[i] == 0xE2 && u[i + 1] == 0x80 &&
	    (u[i + 2] == 0x9C || u[i + 2] == 0x9D))
		return 3;
	return 0;
}

static void
skip_space(struct parser *p)
{
	size_t k;

	while (p->i < p->n && (k = space_at(p->s, p->n, p->i)) > 0)
		p->i += k;
}

/*
 * Reads a quoted string starting at the opening quote at p->i: its content
 * goes to [*a, *b), p->i moves past the closing quote.  An unclosed quote
 * closes at the end of the query: staff often forget the second quote, and
 * reading the rest as the phrase is what they meant far more often than an
 * error would help them.
 */
static void
read_quoted(struct parser *p, size_t *a, size_t *b)
{
	size_t j = p->i + quote_at(p->s, p->n, p->i);

	*a = j;
	while (j < p->n && !quote_at(p->s, p->n, j))
		j++;
	*b = j;
	p->i = j < p->n ? j + quote_at(p->s, p->n, j) : p->n;
}

/* Reads a bare item: up to white space or a quotation mark. */
static void
read_bare(struct parser *p, size_t *a, size_t *b)
{
	*a = p->i;
	while (p->i < p->n && !space_at(p->s, p->n, p->i) && !quote_at(p->s, p->n, p->i))
		p->i++;
	*b = p->i;
}

static struct term *
new_term(struct parser *p, enum term_kind kind, int neg)
{
	struct term *t;

	if (p->nterms == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 16;
		t = realloc(p->terms, cap * sizeof *t);
		if (!t) {
			p->oom = 1;
			return NULL;
		}
		p->terms = t;
		p->cap = cap;
	}
	t = &p->terms[p->nterms++];
	memset(t, 0, sizeof *t);
	t->kind = kind;
	t->neg = neg;
	return t;
}

static void
term_release(struct term *t)
{
	free(t->exact.p);
	free(t->folded.p);
	memset(t, 0, sizeof *t);
}

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/*
 * Adds the words of s[0..n) as one term: a word, or a phrase when there are
 * several.  An unquoted item of several words that starts with a number
 * ("15/QĐ-UBND", "01/2025/QĐ-UBND", "12/UBND-VX") is a document number.
 */
static void
add_text(struct parser *p, const char *s, size_t n, int neg, int prefix, int quoted)
{
	size_t pos = 0, a, b;
	struct term *t = NULL;
	int first_numeric = 0;

	while (sohoa_vi_next_word(s, n, &pos, &a, &b)) {
		if (sohoa_vi_forms_compute(&p->forms, s + a, b - a) != 0) {
			p->oom = 1;
			return;
		}
		if (p->forms.exact_len == 0)
			continue;
		if (!t) {
			t = new_term(p, TERM_TEXT, neg);
			if (!t)
				return;
			t->prefix = prefix;
			t->quoted = quoted;
			first_numeric = all_digits(p->forms.folded, p->forms.folded_len);
		} else {
			sb_add(&t->exact, " ", 1);
			sb_add(&t->folded, " ", 1);
		}
		sb_add(&t->exact, p->forms.exact, p->forms.exact_len);
		sb_add(&t->folded, p->forms.folded, p->forms.folded_len);
		t->differ |= p->forms.differ;
		t->ntokens++;
	}
	if (t && !quoted && first_numeric && t->ntokens > 1)
		t->numeric = 1;
	if (t && (t->exact.oom || t->folded.oom))
		p->oom = 1;
}

static int
leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
valid_date(int y, int m, int d)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= days[m - 1] + (m == 2 && leap_year(y));
}

/*
 * Recognizes the shape of a date: d/m/yyyy (also with - or .) or
 * yyyy-mm-dd (also with /), one or two digits for day and month.  Returns 1
 * with the fields (not yet checked against the calendar) when s has that
 * shape, 0 otherwise.
 */
static int
date_shape(const char *s, size_t n, int *y, int *m, int *d)
{
	int val[3] = { 0, 0, 0 }, len[3] = { 0, 0, 0 }, k = 0;
	char sep = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9') {
			if (++len[k] > 4)
				return 0;
			val[k] = val[k] * 10 + (c - '0');
		} else if ((c == '/' || c == '-' || c == '.') && k < 2 && len[k] > 0 &&
		    (sep == 0 || c == sep)) {
			sep = c;
			k++;
		} else {
			return 0;
		}
	}
	if (k != 2 || len[2] == 0)
		return 0;
	if (len[0] <= 2 && len[1] <= 2 && len[2] == 4 && sep != 0) {
		*d = val[0];
		*m = val[1];
		*y = val[2];
		return 1;
	}
	if (len[0] == 4 && len[1] <= 2 && len[2] <= 2 && (sep == '-' || sep == '/')) {
		*y = val[0];
		*m = val[1];
		*d = val[2];
		return 1;
	}
	return 0;
}

static int
parse_date(struct parser *p, const char *s, size_t n, int *y, int *m, int *d)
{
	if (!date_shape(s, n, y, m, d) || !valid_date(*y, *m, *d)) {
		BAD(p, "Ngày không hợp lệ: \"%.*s\". Hãy viết ngày như 2024-03-05 "
		    "hoặc 05/3/2024.", echo_len(s, n), s);
		return -1;
	}
	return 0;
}

static void
iso_date(char out[11], int y, int m, int d)
{
	char buf[48];

	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
	memcpy(out, buf, 10);   /* y, m, d were checked by valid_date() */
	out[10] = '\0';
}

static char *
copy_string(struct parser *p, const char *s, size_t n)
{
	char *c = malloc(n + 1);

	if (!c) {
		p->oom = 1;
		return NULL;
	}
	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

/* s[0..n) without leading and trailing white space. */
static void
trim_space(const char *s, size_t *a, size_t *b)
{
	size_t k;

	while (*a < *b && (k = space_at(s, *b, *a)) > 0)
		*a += k;
	while (*b > *a) {
		size_t c = *b - 1;

		while (c > *a && ((unsigned char)s[c] & 0xC0) == 0x80)
			c--;
		if (!space_at(s, *b, c))
			break;
		*b = c;
	}
}

static void
apply_filter(struct parser *p, enum filter f, const char *name, size_t name_len,
    size_t a, size_t b)
{
	const char *v;
	size_t n, i, k;
	sohoa_query *q = p->q;

	trim_space(p->s, &a, &b);
	v = p->s + a;
	n = b - a;
	if (n == 0) {
		BAD(p, "Bộ lọc \"%.*s:\" cần một giá trị, ví dụ loai:QĐ, nam:2024.",
		    echo_len(name, name_len), name);
		return;
	}
	if (p->seen[f]) {
		BAD(p, "Bộ lọc \"%.*s:\" xuất hiện hai lần; hãy chỉ dùng một lần.",
		    echo_len(name, name_len), name);
		return;
	}
	p->seen[f] = 1;
	switch (f) {
	case F_TYPE:
		q->type = copy_string(p, v, n);
		break;
	case F_ORGAN:
		q->organ = copy_string(p, v, n);
		break;
	case F_NUMBER: {
		struct sbuf compact = { 0 };

		for (i = 0; i < n; i += k ? k : 1) {
			k = space_at(v, n, i);
			if (!k)
				sb_add(&compact, v + i, 1);
		}
		if (compact.oom) {
			p->oom = 1;
		} else {
			q->number = sohoa_vi_upper(compact.p, compact.len, NULL);
			if (!q->number)
				p->oom = 1;
		}
		free(compact.p);
		break;
	}
	case F_FROM:
	case F_TO: {
		int y, m, d;

		if (parse_date(p, v, n, &y, &m, &d) == 0)
			iso_date(f == F_FROM ? q->date_from : q->date_to, y, m, d);
		break;
	}
	case F_YEAR:
		if (n != 4 || !all_digits(v, n) || v[0] == '0') {
			BAD(p, "Năm không hợp lệ: \"%.*s\". Hãy viết năm bằng 4 chữ số, "
			    "ví dụ nam:2024.", echo_len(v, n), v);
			break;
		}
		q->year = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
		break;
	case F_COUNT:
		break;
	}
}

/* The filter named s[0..n), or -1 when s is a word but no filter's name,
 * or -2 when s is no word at all ("10" in "10:30", "V/v"). */
static int
filter_lookup(struct parser *p, const char *s, size_t n)
{
	size_t pos = 0, a, b, i;
	int f;

	if (!sohoa_vi_next_word(s, n, &pos, &a, &b) || a != 0 || b != n)
		return -2;
	if (sohoa_vi_forms_compute(&p->forms, s, n) != 0) {
		p->oom = 1;
		return -2;
	}
	for (i = 0; i < p->forms.folded_len; i++) {
		char c = p->forms.folded[i];
		if (c < 'a' || c > 'z')
			return -2;
	}
	for (f = 0; f < F_COUNT; f++)
		if (strcmp(p->forms.folded, filter_names[f]) == 0)
			return f;
	return -1;
}

/* Keeps the text after a bare loai: value, up to the next filter, in
 * q->type_next (query.h); the parser reads it again as words. */
static void
keep_type_next(struct parser *p)
{
	size_t a = p->i, b;

	while (a < p->n && space_at(p->s, p->n, a))
		a++;
	for (b = a; b < p->n; ) {
		size_t wa = b, wb, save = p->i;
		const char *colon;

		p->i = b;
		read_bare(p, &wa, &wb);
		p->i = save;
		colon = memchr(p->s + wa, ':', wb - wa);
		if (wb == wa || (colon && filter_lookup(p, p->s + wa, (size_t)(colon - (p->s + wa)))
		    >= 0))
			break;
		b = wb;
		while (b < p->n && space_at(p->s, p->n, b))
			b++;
	}
	if (b > a)
		p->q->type_next = copy_string(p, p->s + a, b - a);
}

/* Handles the bare item s[a..b): a filter, a date or words. */
static void
bare_item(struct parser *p, size_t a, size_t b, int neg)
{
	const char *item = p->s + a;
	size_t n = b - a, ca, cb;
	const char *colon = memchr(item, ':', n);
	int prefix = 0, y, m, d;

	if (colon && colon > item) {
		size_t name_len = (size_t)(colon - item);
		int f = filter_lookup(p, item, name_len);
		size_t va = a + name_len + 1, vb = b;

		if (f == -1 && va < vb) {
			BAD(p, "Không có bộ lọc \"%.*s:\". Các bộ lọc có: " KNOWN_FILTERS,
			    echo_len(item, name_len), item);
			return;
		}
		if (f >= 0) {
			if (neg) {
				BAD(p, "Không thể loại trừ bộ lọc \"%.*s:\"; hãy bỏ dấu '-'.",
				    echo_len(item, name_len), item);
				return;
			}
			int bare = 1;

			if (va == vb) {
				/* "coquan:" followed by "Văn Bình" in quotes, or a space. */
				skip_space(p);
				if (p->i < p->n && quote_at(p->s, p->n, p->i)) {
					read_quoted(p, &va, &vb);
					bare = 0;
				} else if (p->i < p->n) {
					read_bare(p, &va, &vb);
				}
			} else if (quote_at(p->s, p->n, va)) {
				bare = 0;
			}
			apply_filter(p, (enum filter)f, item, name_len, va, vb);
			if (f == F_TYPE && bare && p->st == SOHOA_OK)
				keep_type_next(p);
			return;
		}
		/* Not a filter ("Nơi nhận:", "10:30"): words. */
	}

	while (n > 0 && item[n - 1] == '*') {
		prefix = 1;
		n--;
	}
	/* A date, perhaps with punctuation around it: "(05/3/2024)," */
	ca = 0;
	cb = n;
	while (ca < cb && !(item[ca] >= '0' && item[ca] <= '9'))
		ca++;
	while (cb > ca && !(item[cb - 1] >= '0' && item[cb - 1] <= '9'))
		cb--;
	if (cb > ca && date_shape(item + ca, cb - ca, &y, &m, &d)) {
		size_t k;
		int only_punct = 1;

		for (k = 0; k < n; k++)
			if ((k < ca || k >= cb) && ((unsigned char)item[k] >= 0x80 ||
			    (item[k] >= 'A' && item[k] <= 'Z') ||
			    (item[k] >= 'a' && item[k] <= 'z')))
				only_punct = 0;
		if (only_punct) {
			struct term *t;

			if (parse_date(p, item + ca, cb - ca, &y, &m, &d) != 0)
				return;
			t = new_term(p, TERM_DATE, neg);
			if (t) {
				t->year = y;
				t->month = m;
				t->day = d;
			}
			return;
		}
	}
	add_text(p, item, n, neg, prefix, 0);
}

/* Cuts the query into terms and filters. */
static void
lex(struct parser *p)
{
	while (p->st == SOHOA_OK && !p->oom) {
		size_t a, b;
		int neg = 0;

		skip_space(p);
		if (p->i >= p->n)
			break;
		if (p->s[p->i] == '-' && p->i + 1 < p->n && !space_at(p->s, p->n, p->i + 1)) {
			neg = 1;
			p->i++;
		}
		if (quote_at(p->s, p->n, p->i)) {
			int prefix = 0;

			read_quoted(p, &a, &b);
			while (p->i < p->n && p->s[p->i] == '*') {
				prefix = 1;
				p->i++;
			}
			add_text(p, p->s + a, b - a, neg, prefix, 1);
			continue;
		}
		read_bare(p, &a, &b);
		bare_item(p, a, b, neg);
	}
}

/* 1 when the folded word s is a type abbreviation of ND 30/2020 (DOMAIN.md
 * section 3): one of fields.h's table, folded ("qd", "ttr"), or of the
 * copies, which are no TT 05 type (SY bản sao y, TrS bản trích sao, SL bản
 * sao lục). */
static int
is_type_abbreviation(const char *s)
{
	static const char *const copies[] = { "sy", "trs", "sl" };
	size_t i;

	for (i = 0; i < sizeof copies / sizeof *copies; i++)
		if (strcmp(s, copies[i]) == 0)
			return 1;
	for (i = 0; i < SOHOA_DOC_TYPE_COUNT; i++) {
		const char *ab = sohoa_doc_types[i].abbr;
		char *f;
		int same;

		if (!ab)
			continue;
		f = sohoa_vi_fold(ab, strlen(ab), NULL);
		same = f && strcmp(f, s) == 0;
		free(f);
		if (same)
			return 1;
	}
	return 0;
}

/*
 * 1 when the folded word s could be one Vietnamese syllable: an initial
 * consonant, one to three vowels, a final consonant.  Issuer abbreviations
 * ("ubnd", "hdnd", "vx", "cntt") are not, which is how "15 qđ ubnd" is told
 * from "15 qđ về việc".
 */
static int
is_syllable(const char *s)
{
	static const char *const initials[] = {
		"ngh", "ch", "gh", "gi", "kh", "ng", "nh", "ph", "qu", "th", "tr",
		"b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v",
		"x", ""
	};
	static const char *const finals[] = {
		"", "c", "ch", "m", "n", "ng", "nh", "p", "t"
	};
	size_t i, j, len = strlen(s);

	for (i = 0; i < sizeof initials / sizeof *initials; i++) {
		size_t il = strlen(initials[i]), v = il;

		if (il > len || memcmp(s, initials[i], il) != 0)
			continue;
		while (v < len && strchr("aeiouy", s[v]))
			v++;
		if (v == il || v - il > 3)
			continue;
		for (j = 0; j < sizeof finals / sizeof *finals; j++)
			if (strcmp(s + v, finals[j]) == 0)
				return 1;
	}
	return 0;
}

/* A term that may be part of a number typed as separate words. */
static int
number_part(const struct term *t)
{
	return t->kind == TERM_TEXT && !t->neg && !t->prefix && !t->quoted &&
	    !t->numeric && t->ntokens == 1;
}

/*
 * Joins "15 qđ ubnd" (number, optional year, type abbreviation, up to two
 * issuer abbreviations) into the phrase of the number "15/QĐ-UBND".
 */
static void
join_numbers(struct parser *p)
{
	size_t i, j, k;

	for (i = 0; i < p->nterms; i++) {
		struct term *t = &p->terms[i];

		if (!number_part(t) || !all_digits(t->folded.p, t->folded.len))
			continue;
		j = i + 1;
		if (j + 1 < p->nterms && number_part(&p->terms[j]) &&
		    all_digits(p->terms[j].folded.p, p->terms[j].folded.len) &&
		    number_part(&p->terms[j + 1]) &&
		    is_type_abbreviation(p->terms[j + 1].folded.p))
			j++;    /* "01 2025 qđ ubnd" */
		if (j >= p->nterms || !number_part(&p->terms[j]) ||
		    !is_type_abbreviation(p->terms[j].folded.p))
			continue;
		j++;
		for (k = 0; k < 2 && j < p->nterms && number_part(&p->terms[j]) &&
		    !is_syllable(p->terms[j].folded.p); k++)
			j++;
		for (k = i + 1; k < j; k++) {
			sb_add(&t->folded, " ", 1);
			sb_add(&t->folded, p->terms[k].folded.p, p->terms[k].folded.len);
			t->ntokens++;
			term_release(&p->terms[k]);
		}
		if (t->folded.oom)
			p->oom = 1;
		t->numeric = 1;
		memmove(&p->terms[i + 1], &p->terms[j], (p->nterms - j) * sizeof *t);
		p->nterms -= j - i - 1;
	}
}

/*
 * A date as documents write it: "ngày 05 tháng 3 năm 2024" (day
 * zero-padded below 10, only months 1-2 zero-padded - but both spellings of
 * each are accepted, real documents deviate), "05/3/2024", and 2024-03-05.
 */
static void
compile_date(struct sbuf *o, const struct term *t)
{
	char days[2][16], months[2][16], phrase[96];
	int nd = 0, nm = 0, i, j, first = 1;

	snprintf(days[nd++], sizeof days[0], "%d", t->day);
	if (t->day < 10)
		snprintf(days[nd++], sizeof days[0], "0%d", t->day);
	snprintf(months[nm++], sizeof months[0], "%d", t->month);
	if (t->month < 10)
		snprintf(months[nm++], sizeof months[0], "0%d", t->month);

	sb_str(o, "(");
	for (i = 0; i < nd; i++) {
		for (j = 0; j < nm; j++) {
			snprintf(phrase, sizeof phrase, "ngay %s thang %s nam %d",
			    days[i], months[j], t->year);
			sb_str(o, first ? "" : " OR ");
			sb_quoted(o, phrase, strlen(phrase));
			snprintf(phrase, sizeof phrase, "%s %s %d", days[i], months[j], t->year);
			sb_str(o, " OR ");
			sb_quoted(o, phrase, strlen(phrase));
			first = 0;
		}
	}
	snprintf(phrase, sizeof phrase, "%d %02d %02d", t->year, t->month, t->day);
	sb_str(o, " OR ");
	sb_quoted(o, phrase, strlen(phrase));
	sb_str(o, ")");
}

/*
 * One term.  A word or phrase with diacritics asks for its exact form or its
 * folded form, so documents with the exact spelling match both and rank
 * first; a negated one excludes only the exact spelling (excluding the
 * folded form would also drop every other word that folds the same way).
 */
static void
compile_term(struct sbuf *o, const struct term *t)
{
	const char *star = t->prefix ? "*" : "";

	if (t->kind == TERM_DATE) {
		compile_date(o, t);
	} else if (t->numeric || !t->differ) {
		sb_quoted(o, t->folded.p, t->folded.len);
		sb_str(o, star);
	} else if (t->neg) {
		sb_quoted(o, t->exact.p, t->exact.len);
		sb_str(o, star);
	} else {
		sb_str(o, "(");
		sb_quoted(o, t->exact.p, t->exact.len);
		sb_str(o, star);
		sb_str(o, " OR ");
		sb_quoted(o, t->folded.p, t->folded.len);
		sb_str(o, star);
		sb_str(o, ")");
	}
}

static void
compile(struct parser *p)
{
	struct sbuf pos = { 0 }, neg = { 0 }, all = { 0 };
	size_t i, npos = 0, nneg = 0;
	int i_filter, any_filter = 0;

	for (i = 0; i < p->nterms; i++) {
		struct term *t = &p->terms[i];
		struct sbuf *o = t->neg ? &neg : &pos;
		size_t *count = t->neg ? &nneg : &npos;

		if (*count > 0)
			sb_str(o, t->neg ? " OR " : " AND ");
		compile_term(o, t);
		(*count)++;
		/* The terms compile_term() wrote as an exact/folded pair. */
		if (t->kind == TERM_TEXT && !t->neg && !t->numeric && t->differ)
			p->q->exact_terms++;
	}
	for (i_filter = 0; i_filter < F_COUNT; i_filter++)
		any_filter |= p->seen[i_filter];

	if (npos == 0 && nneg > 0) {
		BAD(p, "Câu tìm kiếm chỉ có từ loại trừ (-từ): hãy thêm ít nhất một "
		    "từ cần tìm.");
	} else if (npos == 0 && !any_filter) {
		BAD(p, "Câu tìm kiếm trống: hãy nhập từ cần tìm hoặc một bộ lọc "
		    "(" KNOWN_FILTERS ").");
	} else if (npos > 0) {
		if (nneg > 0) {
			sb_str(&all, "(");
			sb_add(&all, pos.p, pos.len);
			sb_str(&all, ") NOT (");
			sb_add(&all, neg.p, neg.len);
			sb_str(&all, ")");
		} else {
			sb_add(&all, pos.p, pos.len);
		}
		if (pos.oom || neg.oom || all.oom) {
			p->oom = 1;
			free(all.p);
		} else {
			p->q->match = all.p;
		}
	}
	free(pos.p);
	free(neg.p);
}

sohoa_status
sohoa_query_parse(const char *input, size_t len, sohoa_query *q, sohoa_error *err)
{
	struct parser p;
	char *nfc = NULL;
	size_t i, nfc_len = 0;

	memset(q, 0, sizeof *q);
	memset(&p, 0, sizeof p);
	p.q = q;
	p.err = err;
	p.st = SOHOA_OK;
	sohoa_vi_forms_init(&p.forms);

	if (len > SOHOA_QUERY_MAX_BYTES) {
		BAD(&p, "Câu tìm kiếm quá dài (%zu byte; tối đa %d byte). Hãy rút gọn "
		    "câu tìm kiếm.", len, SOHOA_QUERY_MAX_BYTES);
	} else if (!sohoa_vi_utf8_valid(input, len)) {
		BAD(&p, "Câu tìm kiếm có ký tự không hợp lệ (không phải UTF-8). Hãy gõ "
		    "lại câu tìm kiếm.");
	} else if (!(nfc = sohoa_vi_nfc(input, len, &nfc_len))) {
		p.oom = 1;
	} else {
		p.s = nfc;
		p.n = nfc_len;
		lex(&p);
		if (p.st == SOHOA_OK && !p.oom)
			join_numbers(&p);
		if (p.st == SOHOA_OK && !p.oom && q->date_from[0] && q->date_to[0] &&
		    strcmp(q->date_from, q->date_to) > 0)
			BAD(&p, "Ngày bắt đầu (tu:%s) sau ngày kết thúc (den:%s).",
			    q->date_from, q->date_to);
		if (p.st == SOHOA_OK && !p.oom)
			compile(&p);
	}
	if (p.oom && p.st == SOHOA_OK)
		p.st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "Hết bộ nhớ khi phân tích câu tìm kiếm.");
	for (i = 0; i < p.nterms; i++)
		term_release(&p.terms[i]);
	free(p.terms);
	sohoa_vi_forms_release(&p.forms);
	free(nfc);
	if (p.st != SOHOA_OK)
		sohoa_query_release(q);
	return p.st;
}

bool
sohoa_query_is_filter(const char *s, size_t len)
{
	struct parser p;
	int f;

	memset(&p, 0, sizeof p);
	sohoa_vi_forms_init(&p.forms);
	f = s && sohoa_vi_utf8_valid(s, len) ? filter_lookup(&p, s, len) : -1;
	sohoa_vi_forms_release(&p.forms);
	return f >= 0;
}

void
sohoa_query_release(sohoa_query *q)
{
	if (!q)
		return;
	free(q->match);
	free(q->type);
	free(q->type_next);
	free(q->number);
	free(q->organ);
	memset(q, 0, sizeof *q);
}
