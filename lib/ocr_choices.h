/*
 * ocr_choices.h - the other readings Tesseract's LSTM offered for the
 * characters of a word it doubted, kept in the worker's hOCR for the field
 * extraction (lib/ocr_choices.c; read by lib/extract_layout.c).
 * Internal, not installed.
 *
 * Invariants:
 *  1. The text of a page and its hOCR words are what was read: choices only
 *     add an "x_alts" property to the title of a doubted word.
 *  2. x_alts lists whole words, each the word read with one character
 *     replaced by one the recognizer itself offered there; letters and
 *     digits only, so the hOCR needs no more escaping than it had.
 */
#ifndef SOHOA_OCR_CHOICES_H
#define SOHOA_OCR_CHOICES_H

#include <stddef.h>
#include <tesseract/capi.h>

#include "sbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A word read with a confidence (x_wconf) under this gets its choices
 * recorded; the extraction doubts the same words (extract_layout.c). */
#define SOHOA_OCR_CHOICES_CONF 85

/* Makes api keep the LSTM's choices per character of what it recognises
 * next (Tesseract's lstm_choice_mode 2); the text read is the same. */
void sohoa_ocr_choices_enable(TessBaseAPI *api);

/* The hOCR of the page api last recognised (page_number from 0), as
 * TessBaseAPIGetHOCRText() gives it, with "x_alts W..." added to the title
 * of every word read under SOHOA_OCR_CHOICES_CONF, and of every number
 * (digits only: "37" read at 90 where "27" was printed), whose characters
 * had other choices.  malloc'd; NULL when Tesseract gives no hOCR or out of
 * memory (then the plain hOCR is worth having: the caller falls back). */
char *sohoa_ocr_choices_hocr(TessBaseAPI *api, int page_number);

/*
 * The pieces of that walk, shared with ocr_walk.cc's linear one (which
 * must give the same bytes).  A word is doubted when read under
 * SOHOA_OCR_CHOICES_CONF or when it is a number: 1 or 0.
 */
int sohoa_ocr_choices_doubted(float conf, const char *word);

/* At most this many choices kept per character; words longer than
 * SOHOA_OCR_ALT_WORD_MAX bytes are left alone. */
#define SOHOA_OCR_ALT_PER_SYMBOL 3
#define SOHOA_OCR_ALT_WORD_MAX 64

struct sohoa_ocr_alt_sym {
	char *text;
	char *alt[SOHOA_OCR_ALT_PER_SYMBOL];
	int nalt;
};

/* The choices of one doubted word, symbol by symbol: _begin, then per
 * symbol _symbol(its text) and _choice() per choice the ChoiceIterator
 * gives for it; _symbol returns 0 when the word is to be left alone (stop
 * walking it).  Caller-owned; sohoa_ocr_alts_end() releases it. */
struct sohoa_ocr_alts {
	struct sohoa_ocr_alt_sym s[SOHOA_OCR_ALT_WORD_MAX];
	int n, ok;
	size_t len;
};
void sohoa_ocr_alts_begin(struct sohoa_ocr_alts *a);
int sohoa_ocr_alts_symbol(struct sohoa_ocr_alts *a, const char *text);
void sohoa_ocr_alts_choice(struct sohoa_ocr_alts *a, const char *choice, float conf);
/* Appends " W1 W2..." (the alternative words of a) to out; their number.
 * Releases what a holds. */
int sohoa_ocr_alts_end(struct sohoa_ocr_alts *a, struct sbuf *out);

#ifdef __cplusplus
}
#endif

#endif
