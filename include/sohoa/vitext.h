/*
 * vitext.h - Vietnamese text helpers: UTF-8 validation, NFC, word
 * segmentation and the two search forms of a word.
 *
 * Every comparison of Vietnamese text in sohoa goes through one of two forms
 * (DOMAIN.md section 5):
 *
 *   exact   NFC, case-folded (lower case), the tone mark of the open
 *           syllables oa, oe, uy put on the first vowel whatever the input
 *           used ("hoà" and "hòa" both give "hòa", "Uỷ" and "Ủy" give "ủy",
 *           "khoẻ" gives "khỏe"; closed syllables keep it on the second vowel:
 *           "hoàn", "toán"; in "quý"/"quỳnh" the u belongs to qu and the mark
 *           stays on y).  The look-alikes of đ (Ð U+00D0, ð U+00F0, Ɖ U+0189,
 *           ɖ U+0256) become đ.
 *   folded  the exact form without any diacritic: decomposed, combining
 *           marks dropped, đ -> d ("Quyết Định" gives "quyet dinh").
 *
 * The forms never depend on whether the input was composed (NFC) or
 * decomposed (NFD).  Unicode properties come from utf8proc.
 *
 * Calling protocol for the hot path (the FTS5 tokenizer, the query parser):
 *
 *     sohoa_vi_forms f;
 *     sohoa_vi_forms_init(&f);
 *     while (sohoa_vi_next_word(text, len, &pos, &start, &end))
 *             if (sohoa_vi_forms_compute(&f, text + start, end - start) == 0)
 *                     use f.exact, f.exact_len, f.folded, f.folded_len;
 *     sohoa_vi_forms_release(&f);
 *
 * Short words need no allocation at all; longer ones grow a buffer that is
 * kept until sohoa_vi_forms_release().
 */
#ifndef SOHOA_VITEXT_H
#define SOHOA_VITEXT_H

#include "sohoa/sohoa.h"

#include <stddef.h>
#include <stdint.h>

/* 1 when s[0..len) is well-formed UTF-8 (no overlong forms, no surrogates,
 * nothing above U+10FFFF), else 0.  NUL bytes are valid (U+0000). */
SOHOA_API int sohoa_vi_utf8_valid(const char *s, size_t len);

/* Decodes the code point at s[0..len) into *cp, by the same rules.  Returns
 * the bytes it takes, or 0 when they are not well-formed UTF-8 (or len is
 * 0). */
SOHOA_API size_t sohoa_vi_utf8_decode(const char *s, size_t len, int32_t *cp);

/* An NFC-normalized, NUL-terminated copy of s[0..len).  Caller owns the
 * result; free with free().  NULL on invalid UTF-8 or out of memory.  The
 * length without the NUL goes to *outlen when outlen is not NULL. */
SOHOA_API char *sohoa_vi_nfc(const char *s, size_t len, size_t *outlen);

/* The exact and the folded form of s[0..len) (see above), as new
 * NUL-terminated strings.  Caller owns the result; free with free().  NULL on
 * invalid UTF-8 or out of memory.  s may hold several words: the tone rule is
 * applied to each run of Vietnamese letters, everything else is only
 * normalized and case-folded. */
SOHOA_API char *sohoa_vi_exact(const char *s, size_t len, size_t *outlen);
SOHOA_API char *sohoa_vi_fold(const char *s, size_t len, size_t *outlen);

/* Upper-cased NFC copy for numbers and symbols such as "15/QĐ-UBND" (the
 * look-alikes of đ become Đ, invisible format characters are dropped); same
 * contract as sohoa_vi_nfc(). */
SOHOA_API char *sohoa_vi_upper(const char *s, size_t len, size_t *outlen);

/*
 * Word segmentation shared by the tokenizer and the query parser: a word is
 * a maximal run of letters and digits (Unicode categories L* and N*).
 * Combining marks (M*) inside a word stay in it, so decomposed text forms the
 * same words as composed text; invisible format characters inside a word
 * (soft hyphen, zero-width joiners) stay in it too and are dropped by the
 * forms.  Everything else separates words; so do invalid UTF-8 bytes.
 *
 * Looks for the next word in s[*pos..len).  Returns 1 and the word's byte
 * range [*start, *end) and moves *pos past it; returns 0 at the end.
 */
SOHOA_API int sohoa_vi_next_word(const char *s, size_t len, size_t *pos,
    size_t *start, size_t *end);

/* Inline capacities of sohoa_vi_forms: words up to about 100 letters are
 * handled without touching the heap. */
#define SOHOA_VI_INLINE_CP 128
#define SOHOA_VI_INLINE_OUT (8 * SOHOA_VI_INLINE_CP + 2)

/*
 * The forms of one word, computed into reusable buffers.  A caller-owned
 * struct: sohoa_vi_forms_init() before use, sohoa_vi_forms_release() after.
 * It points into itself, so it must not be copied.
 */
typedef struct sohoa_vi_forms {
	/* Results of the last successful sohoa_vi_forms_compute(), valid until
	 * the next call or sohoa_vi_forms_release().  NUL-terminated. */
	const char *exact;
	size_t exact_len;
	const char *folded;
	size_t folded_len;
	int differ;             /* 1 when folded differs from exact: the word
	                         * carries diacritics (or đ) */

	/* Private. */
	int32_t *cp;
	size_t cp_cap;
	char *out;
	size_t out_cap;
	int32_t cp_inline[SOHOA_VI_INLINE_CP];
	char out_inline[SOHOA_VI_INLINE_OUT];
} sohoa_vi_forms;

SOHOA_API void sohoa_vi_forms_init(sohoa_vi_forms *f);
SOHOA_API void sohoa_vi_forms_release(sohoa_vi_forms *f);

/* Computes both forms of s[0..len).  Returns 0 on success, -1 on invalid
 * UTF-8 or out of memory (the previous results are then gone). */
SOHOA_API int sohoa_vi_forms_compute(sohoa_vi_forms *f, const char *s, size_t len);

#endif
