/*
 * extract_int.h - between the text reading of the fields (extract.c) and
 * the reading of the page layout from the word boxes (extract_layout.c).
 * Internal, not installed.
 *
 * Invariants:
 *  1. sohoa_extract_text() with flags 0 is sohoa_extract_fields().
 *  2. A flag only says what the caller knows of the text's order; the
 *     rules of extract.c stay those of ND 30 and still leave a field out
 *     rather than guess.
 */
#ifndef SOHOA_EXTRACT_INT_H
#define SOHOA_EXTRACT_INT_H

#include <stddef.h>
#include "sohoa/extract.h"

/* The first page's header was put in reading order from the word boxes:
 * the whole left column (cơ quan chủ quản, cơ quan ban hành, "Số:", a
 * Công văn's "V/v", stamps), one line per printed line, then the right
 * column (quốc hiệu, tiêu ngữ, địa danh and date).  A line of the left
 * column that does not open a new organ ("ỦY BAN NHÂN DÂN", "UBND ...")
 * continues the one above it: a wrapped name comes out whole. */
#define SOHOA_EXTRACT_HEADER_COLUMNS 1u

/* The footer of the last page was put in reading order from the word
 * boxes: the left column (nơi nhận) first, then the signature block (the
 * right column), one line per printed line; the signer's name is the last
 * line of the signature block. */
#define SOHOA_EXTRACT_FOOTER_COLUMNS 2u

/* sohoa_extract_fields() on text whose order flags describe. */
sohoa_status sohoa_extract_text(const char *text, size_t len, unsigned flags,
    sohoa_fields *out, sohoa_error *err);

/*
 * The text of a document with the pages put in reading order from the
 * worker's hOCR (extract_layout.c): *out (malloc'd, *out_len bytes) and
 * the flags that say what was reordered.  Returns 1 when something was,
 * 0 when the text is to be read as it is (no or unusable hOCR; *out NULL),
 * -1 when out of memory.
 */
int sohoa_extract_layout_text(const char *text, size_t len, const char *hocr,
    size_t hocr_len, char **out, size_t *out_len, unsigned *flags);

#endif
