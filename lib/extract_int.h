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

/* Leave the fixed phrases as read (no sohoa_extract_fix_phrases() on the
 * trích yếu): for make eval, to count what the lexicon fixes and breaks. */
#define SOHOA_EXTRACT_NO_LEXICON 4u

/* Leave every confidence as the reading gave it (no plausibility cap,
 * extract.c cap_implausible()): for make eval, to measure the cap. */
#define SOHOA_EXTRACT_NO_PLAUSIBILITY 8u

/* What the layout tells the text reading (all may be 0 / NULL). */
struct sohoa_extract_hints {
	unsigned flags;         /* SOHOA_EXTRACT_HEADER_COLUMNS, _NO_LEXICON */
	/* The last lines of the signature block, found by position (the
	 * right column under the body of the last page), the lowest first,
	 * one per '\n': where the signer's name is when the authority and
	 * title lines above it were not read.  NUL-terminated. */
	const char *signer_lines;
	/* The words of the first page OCR read with a low confidence, NFC
	 * lower case, one per '\n' (sohoa_extract_fix_phrases()); NULL: none
	 * known, and no phrase is corrected.  A word followed by a tab and
	 * "alt1 alt2": the other readings Tesseract's LSTM offered for it
	 * (lib/ocr_choices.h); a line "-\tprev next": a lone dash the
	 * word boxes show a speck, between those two words. */
	const char *doubtful_words;
	/* Phrases the archive taught (lexicon.h), one per '\n', used beside
	 * the fixed ones; NULL: none. */
	const char *learned_phrases;
};

/* sohoa_extract_fields() on text with what the layout told (hints may be
 * NULL). */
sohoa_status sohoa_extract_text(const char *text, size_t len,
    const struct sohoa_extract_hints *hints, sohoa_fields *out, sohoa_error *err);

/*
 * The text of a document with the pages put in reading order from the
 * worker's hOCR (extract_layout.c): *out (malloc'd, *out_len bytes) and
 * the flags that say what was reordered; *signer_lines and *doubt
 * (malloc'd or NULL) as signer_lines and doubtful_words of struct
 * sohoa_extract_hints.  Returns 1 when the header was
 * reordered, 0 when the text is to be read as it is (*out NULL; there may
 * be *signer_lines all the same), -1 when out of memory.
 */
int sohoa_extract_layout_text(const char *text, size_t len, const char *hocr,
    size_t hocr_len, char **out, size_t *out_len, unsigned *flags, char **signer_lines,
    char **doubt);

/* sohoa_extract_fields_hocr() with flags added to what the layout tells,
 * and the phrases the archive taught (NULL: none). */
sohoa_status sohoa_extract_hocr(const char *text, size_t len, const char *hocr,
    size_t hocr_len, unsigned flags, const char *learned, sohoa_fields *out,
    sohoa_error *err);

/*
 * Puts back the one diacritic OCR got wrong in a fixed phrase of
 * administrative Vietnamese (extract_lexicon.c): "bản hành" -> "ban hành".
 * Only words OCR read with a low confidence are changed: doubt lists them
 * ('\n'-separated, NFC, lower case); NULL takes every word as doubtful
 * (make eval's count of false corrections).  learned: more phrases, one
 * per '\n' (lexicon.h; NULL: none), used as the fixed ones are.  Returns the number of
 * syllables changed with the corrected copy of s in *out (malloc'd), 0 when
 * none (*out NULL), -1 when out of memory.
 */
int sohoa_extract_fix_phrases(const char *s, const char *doubt, const char *learned,
    char **out);

/* The other readings the LSTM offered for word w[0..wl) (NFC lower case)
 * in a doubtful_words list: its "word\talt1 alt2" line gives *alts, *n
 * bytes ("alt1 alt2", not NUL-terminated).  0 when it has none. */
int sohoa_extract_word_alts(const char *doubt, const char *w, size_t wl, const char **alts,
    size_t *n);

/* Takes out of s a lone dash between spaces that the word boxes show a
 * speck (very doubtful and narrow, extract_layout.c SPECK_CONF): one
 * listed in doubt as "-\tprev next" with the words on either side of it
 * ("nhà văn hóa - thôn" -> "nhà văn hóa thôn"); a printed dash ("kinh tế -
 * xã hội") is not listed and stays.  Returns the number taken
 * out with the new copy in *out (malloc'd), 0 when none (*out NULL), -1 on
 * OOM. */
int sohoa_extract_drop_dashes(const char *s, const char *doubt, char **out);

/* The phrases of that lexicon (NFC, lower case), *n of them; with
 * protect_only, the common words that only keep their reading. */
const char *const *sohoa_extract_phrases(size_t *n, int protect_only);

#endif
