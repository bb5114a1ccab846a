/*
 * plausible.h - whether a piece of OCR text reads as Vietnamese: the
 * judgement that lowers the confidence of an extracted field whose text is
 * mostly non-words (a trích yếu OCR made garbage of keeps no 0.90).
 *
 * The judgement is by the spelling rules of Vietnamese syllables, not by a
 * word list: every written syllable is an onset (b, c, ch, d, đ, g, gh, gi,
 * h, k, kh, l, m, n, ng, ngh, nh, p, ph, q(u), r, s, t, th, tr, v, x, or
 * none), a rhyme from the closed list of about 150 (a, ac, ach, ... uyêt),
 * and at most one tone mark; a rhyme closed by c, ch, p or t takes only the
 * sắc or nặng tone ("việc", never "viềc").  Debian's Vietnamese dictionary
 * (hunspell-vi, 6,600 syllables) is the yardstick: the unit test checks
 * that the rule takes nearly all of its syllables (test_plausible.c).
 *
 *     sohoa_plausibility p;
 *     sohoa_vi_plausibility(text, strlen(text), &p);
 *     if (p.words >= SOHOA_PLAUSIBLE_MIN_WORDS && p.share < SOHOA_PLAUSIBLE_SHARE) ...
 */
#ifndef SOHOA_PLAUSIBLE_H
#define SOHOA_PLAUSIBLE_H

#include "sohoa/sohoa.h"
#include <stddef.h>

/* Whether s[0..len) (one word, NFC or NFD, any case) is a well-formed
 * Vietnamese syllable. */
SOHOA_API bool sohoa_vi_syllable_valid(const char *s, size_t len);

typedef struct sohoa_plausibility {
	int words;      /* words judged: letters only, two letters or more */
	int bad;        /* of them, not a Vietnamese syllable */
	double share;   /* (words - bad) / words; 1 when words is 0 */
} sohoa_plausibility;

/*
 * Judges every word of s[0..len) (sohoa_vi_next_word's words): good when a
 * syllable or one of a few foreign words written as they are (camera,
 * internet, email, video...).  Not judged,
 * so neither good nor bad: words with a digit ("15", "2025"), single
 * letters ("a)", "b)"), and abbreviations — up to six letters with a
 * capital after the first ("UBND", "HĐND", "TTr") — that are not
 * syllables.  Never fails: invalid UTF-8 counts as bad words.
 */
SOHOA_API void sohoa_vi_plausibility(const char *s, size_t len, sohoa_plausibility *out);

/* A field of at least this many judged words whose share of syllables is
 * under SOHOA_PLAUSIBLE_SHARE is not plausible (extract.c caps its
 * confidence under SOHOA_EXTRACT_REVIEW). */
#define SOHOA_PLAUSIBLE_MIN_WORDS 3
#define SOHOA_PLAUSIBLE_SHARE 0.85

#endif
