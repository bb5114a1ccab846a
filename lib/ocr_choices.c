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
 *
 * sohoa_ocr_choices_hocr walks the results with Tesseract's reading-order
 * iterator, and is the reference; the worker gets the same bytes from the
 * linear walk of ocr_walk.cc, which shares the pieces below (the doubt and
 * the alternatives of a word) and writes them into each doubted word's
 * title as it writes the hOCR.
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
/* At most this many alternative words per word. */
#define ALT_PER_WORD 8

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

int
sohoa_ocr_choices_doubted(float conf, const char *word)
{
	/* A number (digits only): a digit misread makes an impossible date at
	 * a confidence that looks fine ("37", 90). */
	return conf < SOHOA_OCR_CHOICES_CONF
	    || (word && *word && strspn(word, "0123456789") == strlen(word));
}

void
sohoa_ocr_alts_begin(struct sohoa_ocr_alts *a)
{
	a->n = 0;
	a->len = 0;
	a->ok = 1;
}

int
sohoa_ocr_alts_symbol(struct sohoa_ocr_alts *a, const char *text)
{
	struct sohoa_ocr_alt_sym *y;

	if (!a->ok || !text || a->n == SOHOA_OCR_ALT_WORD_MAX) {
		a->ok = 0;
		return 0;
	}
	y = &a->s[a->n];
	if (!(y->text = strdup(text))) {
		a->ok = 0;
		return 0;
	}
	y->nalt = 0;
	a->len += strlen(y->text);
	a->n++;
	return 1;
}

void
sohoa_ocr_alts_choice(struct sohoa_ocr_alts *a, const char *choice, float conf)
{
	struct sohoa_ocr_alt_sym *y;
	int dup = 0;

	if (!a->ok || a->n == 0)
		return;
	y = &a->s[a->n - 1];
	if (!choice || conf < ALT_MIN_CONF || strcmp(choice, y->text) == 0 || !safe_text(choice))
		return;
	for (int j = 0; j < y->nalt; j++)
		dup |= strcmp(y->alt[j], choice) == 0;
	if (!dup && y->nalt < SOHOA_OCR_ALT_PER_SYMBOL && (y->alt[y->nalt] = strdup(choice)))
		y->nalt++;
}

int
sohoa_ocr_alts_end(struct sohoa_ocr_alts *a, struct sbuf *out)
{
	struct sohoa_ocr_alt_sym *s = a->s;
	int n = a->n, made = 0;

	if (a->ok && a->len < SOHOA_OCR_ALT_WORD_MAX) {
		char w[SOHOA_OCR_ALT_WORD_MAX + 1];
		size_t at = 0;
		for (int i = 0; i < n; i++) {
			size_t k = strlen(s[i].text);
			memcpy(w + at, s[i].text, k);   /* len < SOHOA_OCR_ALT_WORD_MAX: fits */
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
	for (int i = 0; i < n; i++) {
		free(s[i].text);
		for (int j = 0; j < s[i].nalt; j++)
			free(s[i].alt[j]);
	}
	a->n = 0;
	return made;
}

/* Appends to ins the line "bbox L T R B; x_wconf\t W1 W2\n" for the
 * doubted word with that box when a holds alternatives; releases a. */
static void
doubt_line(struct sbuf *ins, int l, int t, int r, int b, struct sohoa_ocr_alts *a)
{
	size_t mark = ins->len;

	sb_printf(ins, "bbox %d %d %d %d; x_wconf\t", l, t, r, b);
	if (sohoa_ocr_alts_end(a, ins) > 0)
		sb_str(ins, "\n");
	else if (!ins->oom)
		ins->len = mark;
}

/*
 * The alternatives of the word at it (its symbols walked; it is left on the
 * word's last symbol, or where a symbol could not be kept), into a.
 */
static void
word_alts(TessResultIterator *it, TessPageIterator *pi, struct sohoa_ocr_alts *a)
{
	sohoa_ocr_alts_begin(a);
	do {
		char *t = TessResultIteratorGetUTF8Text(it, RIL_SYMBOL);
		TessChoiceIterator *ci;
		int kept = sohoa_ocr_alts_symbol(a, t);
		TessDeleteText(t);
		if (!kept)
			break;
		if ((ci = TessResultIteratorGetChoiceIterator(it)) != NULL) {
			do
				sohoa_ocr_alts_choice(a, TessChoiceIteratorGetUTF8Text(ci),
				    TessChoiceIteratorConfidence(ci));
			while (TessChoiceIteratorNext(ci));
			TessChoiceIteratorDelete(ci);
		}
	} while (!TessPageIteratorIsAtFinalElement(pi, RIL_WORD, RIL_SYMBOL) &&
	    TessPageIteratorNext(pi, RIL_SYMBOL));
}

/* 1 when the word at it is doubted (sohoa_ocr_choices_doubted). */
static int
doubted_word(TessResultIterator *it)
{
	char *w = TessResultIteratorGetUTF8Text(it, RIL_WORD);
	int d = sohoa_ocr_choices_doubted(TessResultIteratorConfidence(it, RIL_WORD), w);

	TessDeleteText(w);
	return d;
}

/* h with each word listed in ins (in the hOCR's order) given its
 * "; x_alts W1 W2" at the end of its title.  malloc'd; NULL when out of
 * memory.  Frees ins->p; h stays the caller's. */
static char *
merge_alts(const char *h, struct sbuf *ins)
{
	struct sbuf out = { 0 };
	const char *p = h;
	char *e;

	if (ins->oom) {
		free(ins->p);
		return NULL;
	}
	/* Copy h, adding "; x_alts ..." before the quote that ends the title
	 * of each word listed. */
	for (char *line = ins->len ? ins->p : NULL; line && *line; line = e + 1) {
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
	free(ins->p);
	if (out.oom) {
		free(out.p);
		return NULL;
	}
	return out.p;
}

char *
sohoa_ocr_choices_hocr(TessBaseAPI *api, int page_number)
{
	struct sbuf ins = { 0 };
	TessResultIterator *it;
	char *h, *out;

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
			struct sohoa_ocr_alts a;
			int l, t, r, b;
			if (!doubted_word(it) ||
			    !TessPageIteratorBoundingBox(pi, RIL_WORD, &l, &t, &r, &b))
				continue;
			word_alts(it, pi, &a);
			doubt_line(&ins, l, t, r, b, &a);
		} while (TessPageIteratorNext(pi, RIL_WORD));
		TessResultIteratorDelete(it);
	}
	out = merge_alts(h, &ins);
	TessDeleteText(h);
	return out;
}
