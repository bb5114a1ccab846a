/*
 * lexicon.h - the phrases the archive's own text teaches the diacritic
 * repair of the trích yếu (issue 19, item 3; lib/catalog_lexicon.c on
 * migration 022, lib/extract_layout.c for what a page teaches).
 *
 * The fixed phrases of lib/extract_lexicon.c put back the one diacritic OCR
 * got wrong in a phrase of administrative Vietnamese.  The archive adds its
 * own: a run of two or three lower-case syllables that OCR read with a high
 * confidence (every word at SOHOA_LEXICON_LEARN_CONF or more, no
 * punctuation between them) in SOHOA_LEXICON_MIN_DOCS distinct documents.
 *
 * Invariants (a wrong reading cannot teach itself):
 *  1. Only words OCR was sure of teach; the words the repair may change are
 *     those it doubted (under 85), so a repaired word never teaches, and
 *     the repaired field is never read back: the hOCR as OCR read it is.
 *  2. A record teaches once: describing it again counts nothing; a probable
 *     duplicate (the same document scanned twice) teaches nothing.
 *  3. A phrase is used only when it outnumbers every other spelling of its
 *     letters four to one (documents where OCR read them, at any
 *     confidence, against documents where OCR was sure of it), and when it
 *     does not respell a fixed phrase or a protected common word.  OCR can
 *     be sure and wrong the same way on several pages ("chỉ tiết" for "chi
 *     tiết", 7 documents of make eval): the right reading, even doubted,
 *     outvotes it.
 *  4. The learned phrases only add to the fixed ones; with an empty
 *     catalog the repair is that of the fixed phrases alone.
 *  5. A weaker vote settles what the recognizer itself hesitated over: a
 *     three-syllable phrase OCR was sure of in one document or more, and
 *     in at least as many documents as its letters were read any other
 *     way, may put back the middle word of a doubted reading, but only
 *     with a character Tesseract's LSTM offered for that word ("vớt bẻo
 *     tây", "è" the second choice, lib/ocr_choices.h) and when exactly one
 *     offered reading fits.  "toán chỉ tiết", sure in 7 documents and
 *     doubted right in 12, is outvoted here too.
 */
#ifndef SOHOA_LEXICON_H
#define SOHOA_LEXICON_H

#include <stddef.h>
#include <stdint.h>
#include "sohoa/catalog.h"
#include "sohoa/sohoa.h"

/* A word teaches when OCR read it at this confidence (x_wconf) or more. */
#define SOHOA_LEXICON_LEARN_CONF 93
/* A phrase is used once this many distinct documents taught it. */
#define SOHOA_LEXICON_MIN_DOCS 3
/* At most this many learned phrases are used (the most taught first). */
#define SOHOA_LEXICON_MAX 4000

/*
 * What the worker's hOCR of a document teaches: its distinct phrases of
 * two and three lower-case syllables, NFC lower case, each followed by
 * "\t1" when OCR was sure of every word of one of its readings (above),
 * "\t0" otherwise, one per '\n', in *out (malloc'd; "" when none).  Returns
 * the number of phrases, -1 when out of memory.
 */
SOHOA_API int sohoa_lexicon_candidates(const char *hocr, size_t len, char **out);

/*
 * Counts the phrases (as sohoa_lexicon_candidates() gives them) once for
 * record id.  A record already taught counts nothing (*counted 0); else
 * *counted is 1.  Runs in a savepoint: inside or outside a transaction.
 */
SOHOA_API sohoa_status sohoa_lexicon_teach(sohoa_catalog *cat, int64_t id, const char *phrases,
    int *counted, sohoa_error *err);

/*
 * The learned phrases the repair uses (invariant 3), taught by min_docs
 * distinct documents or more, at most max, one per '\n', in *out
 * (malloc'd; "" when none); then, each after a '?', at most max phrases
 * of three syllables for invariant 5.
 */
SOHOA_API sohoa_status sohoa_lexicon_learned(sohoa_catalog *cat, int min_docs, int max, char **out,
    sohoa_error *err);

#endif
