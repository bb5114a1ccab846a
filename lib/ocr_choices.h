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

#include <tesseract/capi.h>

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

#endif
