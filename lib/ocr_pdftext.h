/*
 * ocr_pdftext.h - the invisible text layer of one page of the document PDF,
 * written in one left-to-right pass over Tesseract's results (ocr_pdftext.cc)
 * instead of by Tesseract's PDF renderer, whose reading-order iterator
 * restarts the text line at every word (about 30 ms a page of 300 words
 * against under 1 ms).  Internal to the OCR worker (ocr_int.h).
 *
 *   size_t len;
 *   const char *why;
 *   char *text = sohoa_ocr_pdftext(api, &len, &why);
 *   if (!text) ...  the page needs the renderer's own walk; why says why
 *   ...             append text to the page's content stream (pdfa.h)
 *   free(text);
 *
 * Invariants:
 *   1. The text returned is byte for byte what the installed Tesseract's
 *      renderer (TessPDFRenderer, GetPDFTextObjects) writes for the same
 *      results after the page's image line "q W 0 0 H 0 0 cm /Im1 Do Q\n":
 *      per text block "BT\n3 Tr", the words' Tm/Td placement, font size,
 *      horizontal stretch and UTF-16BE text (a space after each but the
 *      page's last, counted in the stretch), "ET\n"; blocks that are not
 *      text (rules, pictures) skipped.
 *      tests/unit/test_ocr_pdftext.c compares the two on rendered pages.
 *   2. A page the one pass may not reproduce exactly gets NULL, never an
 *      approximation: a word Tesseract finds right to left or mixed (its
 *      reading order and bidi marks differ from the left-to-right order),
 *      a block that is not written left to right in lines top to bottom,
 *      text that is not well-formed UTF-8; and every page when the
 *      installed Tesseract is not 5.3 (the format reproduced).  SOHOA_PDF_TEXT=renderer in
 *      the environment forces NULL for every page (a test hook: the
 *      document PDF as Tesseract alone makes it; the worker also reads
 *      =renderer:N, page N of each document, in ocr.c).
 *   3. No C++ exception leaves the function: any becomes NULL.
 */
#ifndef SOHOA_OCR_PDFTEXT_H
#define SOHOA_OCR_PDFTEXT_H

#include <stddef.h>
#include <tesseract/capi.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The text objects of the page whose results api holds (after
 * TessBaseAPIRecognize; the page's input image and source resolution as
 * the renderer would read them).  Returns a malloc'd NUL-terminated string
 * (its length in *len; the caller frees it with free()), or NULL with *why
 * set to a static English phrase: the page's text layer must then come
 * from Tesseract's renderer.  A page without words gives "" (length 0).
 */
char *sohoa_ocr_pdftext(TessBaseAPI *api, size_t *len, const char **why);

#ifdef __cplusplus
}
#endif

#endif
