/*
 * ocr_walk.h - the text, hOCR and word counts of the page a Tesseract
 * engine has just read, from one left-to-right walk of its results
 * (lib/ocr_walk.cc).  Internal, not installed; C interface to C++ code.
 *
 * Why: Tesseract's own walks (TessBaseAPIGetUTF8Text, GetHOCRText, the
 * reading-order ResultIterator) put the words in reading order for text
 * mixing left-to-right and right-to-left scripts, and to do so they
 * restart the page at every word step: quadratic in the words of a page,
 * 60-90 ms of CPU for a page of 300 words.  For text written left to right
 * the reading order is the order in which the words are stored, and a
 * LTRResultIterator walks it in constant time a step.
 *
 * Invariants:
 *  1. The text given is byte for byte what TessBaseAPIGetUTF8Text() gives,
 *     the hOCR byte for byte what sohoa_ocr_choices_hocr() gives (Tesseract's
 *     hOCR with the x_alts of ocr_choices.h), the counts what a word walk in
 *     reading order counts.
 *  2. A page the linear walk cannot reproduce exactly — a word not written
 *     left to right, a word in a block that is not text, an empty line or
 *     block of text, a Tesseract option that changes the hOCR (hocr_font_info,
 *     hocr_char_boxes, preserve_interword_spaces), a decimal comma in the
 *     locale — is walked by Tesseract's own functions instead, and the
 *     caller is told why.
 *  3. No C++ exception leaves these functions.
 */
#ifndef SOHOA_OCR_WALK_H
#define SOHOA_OCR_WALK_H

#include <tesseract/capi.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Walks by Tesseract's own functions, as the fallback does (tests; the
 * worker's SOHOA_OCR_WALK=tesseract). */
#define SOHOA_OCR_WALK_TESSERACT 1

/*
 * Counts the words of api's reading: in *words those of two letters or
 * more, in *known those of them in the language's dictionary, in *sideways
 * (if not NULL) those of them in a block whose orientation, writing
 * direction or line order is not upright, left to right, top to bottom.
 * Returns 1 when the reading has any word at all, 0 when it has none or
 * the walk failed (then the counts are 0).  The counts do not depend on
 * the order of the words: the linear walk serves every page.
 */
int sohoa_ocr_walk_words(TessBaseAPI *api, int flags, int *words, int *known, int *sideways);

/*
 * The page api last recognised (page_number from 0): its text into *text
 * and, when hocr is not NULL, its hOCR with x_alts into *hocr; both
 * malloc'd (caller frees), either NULL when Tesseract gives none or out of
 * memory.  Returns 0 when the linear walk made them, 1 when Tesseract's own
 * functions did (flags, or invariant 2: *why, if not NULL, says why in a
 * few English words; static).
 */
int sohoa_ocr_walk_page(TessBaseAPI *api, int page_number, int flags, char **text, char **hocr,
    const char **why);

#ifdef __cplusplus
}
#endif

#endif
