/*
 * ocr_choices.c - keeps, in the worker's hOCR, the other characters
 * Tesseract's LSTM offered where it doubted a word (contract in
 * ocr_choices.h): "bẻo" read at 70 with "è" as the second choice for its
 * vowel gets title='bbox ...; x_wconf 70; x_alts bèo'.  The field
 * extraction corrects a word only to a reading the recognizer itself
 * offered (lib/extract_lexicon.c, lib/extract.c's dates).
 *
 * The choices come from Tesseract's ChoiceIterator with lstm_choice_mode 2
 * (alternatives per character, kept while recognising); the hOCR is made
 * with the mode off, so it is byte for byte Tesseract's own, and the
 * alternatives are added to the titles of the doubted words, found by
 * their boxes.  Only doubted words and numbers are looked at: a page has a
 * few tens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "ocr_choices.h"
#include "sbuf.h"

/* A choice under this confidence (Tesseract's 0-100 scale) is noise: the
 * ChoiceIterator lists many at 0. */
#define ALT_MIN_CONF 1.0f
/* At most this many choices per character, and alternative words per
 * word. */
#define ALT_PER_SYMBOL 3
#define ALT_PER_WORD 8
/* Words longer than this (bytes) are left alone. */
#define ALT_WORD_MAX 64

/* One beam-search iteration, not Tesseract's default five: the first
 * cascade already holds the one-character alternatives x_alts keeps, and
 * costs about 3 % of the recognition's CPU (make bench's clean set, with
 * and without: 885-900 -> 925 ms a page), against about 10 % for five. */
void
sohoa_ocr_choices_enable(TessBaseAPI *api)
{
	TessBaseAPISetVariable(api, "lstm_choice_mode", "2");
	TessBaseAPISetVariable(api, "lstm_choice_iterations", "1");
}

/* 1 when s is a non-empty run of letters, digits and . , - / : ( ) — text
 * that can stand in a single-quoted hOCR title between spaces and ';'. */
static int
safe_text(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t n = (utf8proc_ssize_t)strlen(s), i = 0;

	if (n == 0)
		return 0;
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(p + i, n - i, &c);
		utf8proc_category_t cat;
		if (k <= 0)
			return 0;
		cat = utf8proc_category(c);
		if (!(cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) &&
		    !(cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME) &&
		    !(cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO) &&
		    !(c < 128 && strchr(".,-/:()", (int)c)))
			return 0;
		i += k;
	}
	return 1;
}

struct sym {
	char *text;
	char *alt[ALT_PER_SYMBOL];
	int nalt;
};

static void
syms_free(struct sym *s, int n)
{
	for (int i = 0; i < n; i++) {
		free(s[i].text);
		for (int j = 0; j < s[i].nalt; j++)
			free(s[i].alt[j]);
	}
}

/*
 * The alternatives of the word at it (its symbols walked; it is left on the
 * word's last symbol), appended to out as " W1 W2"; the number appended.
 */
static int
word_alts(TessResultIterator *it, TessPageIterator *pi, struct sbuf *out)
{
	struct sym s[ALT_WORD_MAX];
	int n = 0, made = 0, ok = 1;
	size_t len = 0;

	do {
		char *t = TessResultIteratorGetUTF8Text(it, RIL_SYMBOL);
		TessChoiceIterator *ci;
		if (!t || n == ALT_WORD_MAX) {
			TessDeleteText(t);
			ok = 0;
			break;
		}
		s[n].text = strdup(t);
		s[n].nalt = 0;
		TessDeleteText(t);
		if (!s[n].text) {
			ok = 0;
			break;
		}
		len += strlen(s[n].text);
		n++;
		if ((ci = TessResultIteratorGetChoiceIterator(it)) != NULL) {
			do {
				const char *a = TessChoiceIteratorGetUTF8Text(ci);
				struct sym *y = &s[n - 1];
				int dup = 0;
				if (!a || TessChoiceIteratorConfidence(ci) < ALT_MIN_CONF ||
				    strcmp(a, y->text) == 0 || !safe_text(a))
					continue;
				for (int j = 0; j < y->nalt; j++)
					dup |= strcmp(y->alt[j], a) == 0;
				if (!dup && y->nalt < ALT_PER_SYMBOL && (y->alt[y->nalt] = strdup(a)))
					y->nalt++;
			} while (TessChoiceIteratorNext(ci));
			TessChoiceIteratorDelete(ci);
		}
	} while (!TessPageIteratorIsAtFinalElement(pi, RIL_WORD, RIL_SYMBOL) &&
	    TessPageIteratorNext(pi, RIL_SYMBOL));
	if (ok && len < ALT_WORD_MAX) {
		char w[ALT_WORD_MAX + 1];
		size_t at = 0;
		for (int i = 0; i < n; i++) {
			size_t k = strlen(s[i].text);
			memcpy(w + at, s[i].text, k);   /* len < ALT_WORD_MAX: fits */
			at += k;
		}
		w[at] = '\0';
		if (safe_text(w))
			for (int i = 0; i < n && made < ALT_PER_WORD; i++)
				for (int j = 0; j < s[i].nalt && made < ALT_PER_WORD; j++) {
					sb_str(out, " ");
					for (int k = 0; k < n; k++)
						sb_str(out, k == i ? s[i].alt[j] : s[k].text);
					made++;
				}
	}
	syms_free(s, n);
	return made;
}

/* 1 when the word at it is a number (digits only): a digit misread makes
 * an impossible date at a confidence that looks fine ("37", 90). */
static int
digits_word(TessResultIterator *it)
{
	char *w = TessResultIteratorGetUTF8Text(it, RIL_WORD);
	int ok = w && *w && strspn(w, "0123456789") == strlen(w);

	TessDeleteText(w);
	return ok;
}

char *
sohoa_ocr_choices_hocr(TessBaseAPI *api, int page_number)
{
	struct sbuf ins = { 0 }, out = { 0 };
	TessResultIterator *it;
	char *h;

	/* Tesseract's hOCR prints its own choice spans when the mode is on. */
	TessBaseAPISetVariable(api, "lstm_choice_mode", "0");
	h = TessBaseAPIGetHOCRText(api, page_number);
	sohoa_ocr_choices_enable(api);
	if (!h)
		return NULL;
	/* ins: one "bbox L T R B; x_wconf\t W1 W2\n" per doubted word with
	 * alternatives. */
	if ((it = TessBaseAPIGetIterator(api)) != NULL) {
		TessPageIterator *pi = TessResultIteratorGetPageIterator(it);
		do {
			int l, t, r, b;
			size_t mark = ins.len;
			if ((TessResultIteratorConfidence(it, RIL_WORD) >= SOHOA_OCR_CHOICES_CONF &&
			    !digits_word(it)) ||
			    !TessPageIteratorBoundingBox(pi, RIL_WORD, &l, &t, &r, &b))
				continue;
			sb_printf(&ins, "bbox %d %d %d %d; x_wconf\t", l, t, r, b);
			if (word_alts(it, pi, &ins) > 0)
				sb_str(&ins, "\n");
			else if (!ins.oom)
				ins.len = mark;
		} while (TessPageIteratorNext(pi, RIL_WORD));
		TessResultIteratorDelete(it);
	}
	if (ins.oom) {
		free(ins.p);
		TessDeleteText(h);
		return NULL;
	}
	/* Copy h, adding "; x_alts ..." before the quote that ends the title
	 * of each word listed. */
	{
		const char *p = h;
		char *e;
		for (char *line = ins.len ? ins.p : NULL; line && *line; line = e + 1) {
			char *tab = strchr(line, '\t');
			const char *at, *q;
			if (!(e = strchr(line, '\n')) || !tab)
				break;
			*tab = '\0';
			/* Words come in the hOCR's order: search on from the last. */
			if ((at = strstr(p, line)) != NULL && (q = strchr(at, '\'')) != NULL) {
				sb_add(&out, p, (size_t)(q - p));
				sb_str(&out, "; x_alts");
				sb_add(&out, tab + 1, (size_t)(e - tab - 1));
				p = q;
			}
		}
		sb_str(&out, p);
	}
	free(ins.p);
	TessDeleteText(h);
	if (out.oom) {
		free(out.p);
		return NULL;
	}
	return out.p;
}
