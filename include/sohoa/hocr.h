/*
 * hocr.h - the words of the worker's hOCR (ocr.hocr of a spool entry, one
 * ocr_page per page) with their boxes and confidences: for the review
 * screen of sohoa-web, which marks the words OCR doubted on the page image
 * and on the text.  The parser is extract_layout.c's.
 */
#ifndef SOHOA_HOCR_H
#define SOHOA_HOCR_H

#include "sohoa/sohoa.h"
#include <stddef.h>

/* A word read with a confidence under this is one OCR doubted (the same
 * limit as the lexicon's repair, extract_layout.c). */
#define SOHOA_HOCR_DOUBT 85

typedef struct sohoa_hocr_word {
	int page;                  /* 1-based */
	int page_w, page_h;        /* the page's box, pixels */
	int x0, y0, x1, y1;        /* the word's box */
	int conf;                  /* x_wconf 0-100 (100 when absent) */
	const char *text;          /* NUL-terminated, valid during the call */
} sohoa_hocr_word;

/* Calls each for every word of hocr[0..n) (of page `page` only when page
 * > 0).  Returns the words seen, or -1 when hocr cannot be read. */
SOHOA_API int sohoa_hocr_words(const char *hocr, size_t n, int page,
    void (*each)(void *arg, const sohoa_hocr_word *w), void *arg);

#endif
