/*
 * vitext.c - Vietnamese text helpers: strict UTF-8 decoding, NFC, word
 * segmentation, and the exact and folded forms of words used by the FTS5
 * tokenizer and the query parser.  All Unicode knowledge (categories,
 * decompositions, case folding, combining classes) comes from utf8proc;
 * the only Vietnamese knowledge written here is the orthography of tone
 * placement, which no Unicode table holds.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "sohoa/vitext.h"

/* Decomposition options shared by every form.  IGNORE drops default
 * ignorable characters (soft hyphen, zero-width joiners) that PDF text and
 * word processors leave inside words. */
#define VI_DECOMPOSE (UTF8PROC_DECOMPOSE | UTF8PROC_IGNORE)
#define VI_COMPOSE (UTF8PROC_STABLE | UTF8PROC_COMPOSE)

/* The five Vietnamese tone marks as combining characters (after canonical
 * decomposition): grave, acute, tilde, hook above, dot below. */
#define TONE_GRAVE 0x0300
#define TONE_ACUTE 0x0301
#define TONE_TILDE 0x0303
#define TONE_HOOK 0x0309
#define TONE_DOT 0x0323

#define SMALL_D_STROKE 0x0111   /* đ */

/*
 * Decodes one code point from s[0..len).  Returns the number of bytes used,
 * or 0 when the bytes there are not well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF).
 */
static size_t
utf8_decode(const unsigned char *s, size_t len, int32_t *cp)
{
	unsigned c = s[0];

	if (c < 0x80) {
		*cp = (int32_t)c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		if (len < 2 || (s[1] & 0xC0) != 0x80)
			return 0;
		*cp = (int32_t)(((c & 0x1F) << 6) | (s[1] & 0x3F));
		return 2;
	}
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned lo = 0x80, hi = 0xBF;
		if (c == 0xE0)
			lo = 0xA0;      /* overlong */
		else if (c == 0xED)
			hi = 0x9F;      /* surrogates */
		if (len < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80)
			return 0;
		*cp = (int32_t)(((c & 0x0F) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3F));
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned lo = 0x80, hi = 0xBF;
		if (c == 0xF0)
			lo = 0x90;      /* overlong */
		else if (c == 0xF4)
			hi = 0x8F;      /* above U+10FFFF */
		if (len < 4 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		*cp = (int32_t)(((c & 0x07) << 18) | ((s[1] & 0x3Fu) << 12) |
		    ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3F));
		return 4;
	}
	return 0;
}

size_t
sohoa_vi_utf8_decode(const char *s, size_t len, int32_t *cp)
{
	return len ? utf8_decode((const unsigned char *)s, len, cp) : 0;
}

/* Writes cp as UTF-8 into dst (room for 4 bytes); returns the byte count. */
static size_t
utf8_encode(int32_t cp, char *dst)
{
	unsigned char *d = (unsigned char *)dst;
	uint32_t c = (uint32_t)cp;

	if (c < 0x80) {
		d[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		d[0] = (unsigned char)(0xC0 | (c >> 6));
		d[1] = (unsigned char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		d[0] = (unsigned char)(0xE0 | (c >> 12));
		d[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		d[2] = (unsigned char)(0x80 | (c & 0x3F));
		return 3;
	}
	d[0] = (unsigned char)(0xF0 | (c >> 18));
	d[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
	d[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
	d[3] = (unsigned char)(0x80 | (c & 0x3F));
	return 4;
}

int
sohoa_vi_utf8_valid(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		int32_t cp;
		size_t n;

		if (u[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_decode(u + i, len - i, &cp);
		if (n == 0)
			return 0;
		i += n;
	}
	return 1;
}

static int
all_ascii(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

char *
sohoa_vi_nfc(const char *s, size_t len, size_t *outlen)
{
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t n;
	char *copy;

	if (all_ascii(s, len)) {
		copy = malloc(len + 1);
		if (!copy)
			return NULL;
		if (len > 0)
			memcpy(copy, s, len);
		copy[len] = '\0';
		if (outlen)
			*outlen = len;
		return copy;
	}
	if (!sohoa_vi_utf8_valid(s, len))
		return NULL;
	n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &dst,
	    VI_COMPOSE);
	if (n < 0)
		return NULL;
	if (outlen)
		*outlen = (size_t)n;
	return (char *)dst;     /* utf8proc allocates with malloc() */
}

/* ------------------------------------------------------------------------
 * Tone placement.
 *
 * Vietnamese has two spellings for the open syllables oa, oe, uy: the older
 * puts the tone mark on the first vowel (hòa, khỏe, thủy), the newer on the
 * second (hoà, khoẻ, thuỷ).  Administrative documents (ND 30/2020 samples:
 * "CỘNG HÒA", "ỦY BAN") use the older, so it is the canonical one here.
 * When a consonant follows (hoàn, toán, hoạch) both spellings put the mark
 * on the second vowel, which therefore is canonical for closed syllables.
 * "qu" and "gi" are consonants: in "quý", "quỳnh", "già" the vowel is what
 * follows them; a mark typed on their u or i moves to that vowel.
 *
 * The rule works on one case-folded, canonically decomposed syllable:
 * letters a-z and đ, each followed by its combining marks.  Anything that is
 * not a plausible single syllable with exactly one tone mark is left alone.
 * ------------------------------------------------------------------------ */

static int
is_tone_mark(int32_t c)
{
	return c == TONE_GRAVE || c == TONE_ACUTE || c == TONE_TILDE ||
	    c == TONE_HOOK || c == TONE_DOT;
}

/* The block of combining diacritical marks, which holds every Vietnamese
 * mark (tones, circumflex, breve, horn). */
static int
is_vi_mark(int32_t c)
{
	return c >= 0x0300 && c <= 0x036F;
}

static int
is_vi_letter(int32_t c)
{
	return (c >= 'a' && c <= 'z') || c == SMALL_D_STROKE;
}

static int
is_vowel(int32_t c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

static int
combining_class(int32_t c)
{
	return utf8proc_get_property(c)->combining_class;
}

/*
 * Moves the mark at index from to the letter at index to (both within
 * cp[0..end)), keeping the marks of that letter in canonical order: after
 * those whose combining class is not greater, as the canonical decomposition
 * of a precomposed letter does ("ấ" is a, circumflex, acute).
 */
static void
move_mark(int32_t *cp, size_t end, size_t from, size_t to)
{
	int32_t mark = cp[from];
	int ccc = combining_class(mark);
	size_t ins;

	memmove(cp + from, cp + from + 1, (end - from - 1) * sizeof *cp);
	if (to > from)
		to--;
	ins = to + 1;
	while (ins < end - 1 && is_vi_mark(cp[ins]) && combining_class(cp[ins]) <= ccc)
		ins++;
	memmove(cp + ins + 1, cp + ins, (end - 1 - ins) * sizeof *cp);
	cp[ins] = mark;
}

/* Longest run of letters considered a syllable ("nghiêng" has 7). */
#define SYLLABLE_MAX_LETTERS 8

/* Puts the tone mark of the syllable cp[start..end) in its canonical place. */
static void
canonical_tone(int32_t *cp, size_t start, size_t end)
{
	size_t pos[SYLLABLE_MAX_LETTERS];
	int32_t letter[SYLLABLE_MAX_LETTERS];
	int marks_other[SYLLABLE_MAX_LETTERS];  /* non-tone marks per letter */
	int n = 0, tones = 0, owner = -1, v0, v1, k, target;
	size_t tone_at = 0, i;

	for (i = start; i < end; i++) {
		if (is_vi_mark(cp[i])) {
			if (n == 0)
				return;
			if (is_tone_mark(cp[i])) {
				tones++;
				tone_at = i;
				owner = n - 1;
			} else {
				marks_other[n - 1]++;
			}
			continue;
		}
		if (n == SYLLABLE_MAX_LETTERS)
			return;
		pos[n] = i;
		letter[n] = cp[i];
		marks_other[n] = 0;
		n++;
	}
	if (tones != 1)
		return;

	for (v0 = 0; v0 < n && !is_vowel(letter[v0]); v0++)
		;
	if (v0 == n)
		return;
	/* qu + vowel, gi + vowel: the u or i belongs to the consonant. */
	if (v0 == 1 && n > 2 && is_vowel(letter[2]) &&
	    ((letter[0] == 'q' && letter[1] == 'u') ||
	     (letter[0] == 'g' && letter[1] == 'i')))
		v0 = 2;
	for (v1 = v0; v1 < n && is_vowel(letter[v1]); v1++)
		;
	for (k = v1; k < n; k++)
		if (is_vowel(letter[k]))
			return;         /* two vowel groups: not one syllable */

	if (v1 - v0 == 1) {
		/* "qúy" -> "quý", "gìa" -> "già". */
		if (v0 == 2 && owner == 1 && marks_other[1] == 0)
			target = 2;
		else
			return;
	} else if (v1 - v0 == 2) {
		int32_t a = letter[v0], b = letter[v0 + 1];

		if (!((a == 'o' && (b == 'a' || b == 'e')) || (a == 'u' && b == 'y')))
			return;
		if (marks_other[v0] || marks_other[v0 + 1])
			return;         /* oă, ưy...: not the pairs in question */
		if (owner != v0 && owner != v0 + 1)
			return;
		target = v1 < n ? v0 + 1 : v0;
	} else {
		return;
	}
	if (owner != target)
		move_mark(cp, end, tone_at, pos[target]);
}

/* Applies canonical_tone() to every run of Vietnamese letters in cp[0..n). */
static void
canonical_tones(int32_t *cp, size_t n)
{
	size_t i = 0, start;

	while (i < n) {
		if (!is_vi_letter(cp[i])) {
			i++;
			continue;
		}
		start = i;
		while (i < n && (is_vi_letter(cp[i]) || is_vi_mark(cp[i])))
			i++;
		canonical_tone(cp, start, i);
	}
}

/* ------------------------------------------------------------------------
 * Forms.
 * ------------------------------------------------------------------------ */

/* Look-alikes of đ seen in OCR output and legacy fonts: Ð U+00D0 (and its
 * lower case ð U+00F0), Ɖ U+0189 (ɖ U+0256).  Called by utf8proc before
 * decomposition and case folding. */
static utf8proc_int32_t
map_d_lookalikes(utf8proc_int32_t c, void *data)
{
	(void)data;
	if (c == 0x00D0 || c == 0x00F0 || c == 0x0189 || c == 0x0256)
		return SMALL_D_STROKE;
	return c;
}

void
sohoa_vi_forms_init(sohoa_vi_forms *f)
{
	memset(f, 0, offsetof(sohoa_vi_forms, cp_inline));
	f->cp = f->cp_inline;
	f->cp_cap = SOHOA_VI_INLINE_CP;
	f->out = f->out_inline;
	f->out_cap = SOHOA_VI_INLINE_OUT;
	f->exact = f->folded = "";
}

void
sohoa_vi_forms_release(sohoa_vi_forms *f)
{
	if (f->cp != f->cp_inline)
		free(f->cp);
	if (f->out != f->out_inline)
		free(f->out);
	sohoa_vi_forms_init(f);
}

static int
grow_cp(sohoa_vi_forms *f, size_t need)
{
	int32_t *p;

	if (need <= f->cp_cap)
		return 0;
	if (need > SIZE_MAX / sizeof *p / 2)
		return -1;
	p = malloc(need * sizeof *p);
	if (!p)
		return -1;
	if (f->cp != f->cp_inline)
		free(f->cp);
	f->cp = p;
	f->cp_cap = need;
	return 0;
}

static int
grow_out(sohoa_vi_forms *f, size_t need)
{
	char *p;

	if (need <= f->out_cap)
		return 0;
	p = malloc(need);
	if (!p)
		return -1;
	if (f->out != f->out_inline)
		free(f->out);
	f->out = p;
	f->out_cap = need;
	return 0;
}

/* Decomposes s[0..len) into f->cp, case-folded when fold_case.  Returns
 * the number of code points, or -1.  f->cp has room for twice that many. */
static utf8proc_ssize_t
decompose(sohoa_vi_forms *f, const char *s, size_t len, int fold_case)
{
	utf8proc_option_t opt = VI_DECOMPOSE | (fold_case ? UTF8PROC_CASEFOLD : 0);
	utf8proc_ssize_t n;

	if (!sohoa_vi_utf8_valid(s, len))
		return -1;
	for (;;) {
		n = utf8proc_decompose_custom((const utf8proc_uint8_t *)s,
		    (utf8proc_ssize_t)len, f->cp, (utf8proc_ssize_t)(f->cp_cap / 2),
		    opt, map_d_lookalikes, NULL);
		if (n < 0)
			return -1;
		if ((size_t)n <= f->cp_cap / 2)
			return n;
		if (grow_cp(f, 2 * (size_t)n + 16) != 0)
			return -1;
	}
}

static size_t
encode_all(const int32_t *cp, size_t n, char *dst)
{
	size_t i, len = 0;

	for (i = 0; i < n; i++)
		len += utf8_encode(cp[i], dst + len);
	dst[len] = '\0';
	return len;
}

int
sohoa_vi_forms_compute(sohoa_vi_forms *f, const char *s, size_t len)
{
	utf8proc_ssize_t n, m;
	int32_t *folded_cp;
	size_t i, nf = 0, half;
	int changed = 0, needs_compose = 0;

	f->exact = f->folded = "";
	f->exact_len = f->folded_len = 0;
	f->differ = 0;

	/* ASCII: case folding is lowering, and there is nothing to fold. */
	if (all_ascii(s, len)) {
		if (grow_out(f, len + 1) != 0)
			return -1;
		for (i = 0; i < len; i++) {
			char c = s[i];
			f->out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
		}
		f->out[len] = '\0';
		f->exact = f->folded = f->out;
		f->exact_len = f->folded_len = len;
		return 0;
	}

	n = decompose(f, s, len, 1);
	if (n < 0)
		return -1;
	canonical_tones(f->cp, (size_t)n);

	/* The folded form goes into the second half of f->cp. */
	folded_cp = f->cp + n;
	for (i = 0; i < (size_t)n; i++) {
		int32_t c = f->cp[i];

		if (c < 0x0300) {
			if (c == SMALL_D_STROKE) {
				c = 'd';
				changed = 1;
			}
		} else if (is_vi_mark(c)) {
			changed = 1;
			continue;
		} else {
			int cat = utf8proc_category(c);
			if (cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_ME) {
				changed = 1;
				continue;
			}
			/* Without marks, only scripts from Devanagari on (two-part
			 * vowels, Hangul jamo) still have something to compose. */
			if (c >= 0x0900)
				needs_compose = 1;
		}
		folded_cp[nf++] = c;
	}

	m = utf8proc_normalize_utf32(f->cp, n, VI_COMPOSE);
	if (m < 0)
		return -1;
	if (changed && needs_compose) {
		utf8proc_ssize_t k = utf8proc_normalize_utf32(folded_cp,
		    (utf8proc_ssize_t)nf, VI_COMPOSE);
		if (k < 0)
			return -1;
		nf = (size_t)k;
	}

	half = 4 * (size_t)n + 1;
	if (grow_out(f, 2 * half) != 0)
		return -1;
	f->exact_len = encode_all(f->cp, (size_t)m, f->out);
	f->exact = f->out;
	if (changed) {
		f->folded_len = encode_all(folded_cp, nf, f->out + half);
		f->folded = f->out + half;
		f->differ = f->folded_len != f->exact_len ||
		    memcmp(f->folded, f->exact, f->exact_len) != 0;
	} else {
		f->folded = f->exact;
		f->folded_len = f->exact_len;
	}
	return 0;
}

static char *
dup_result(const char *r, size_t len, size_t *outlen)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return NULL;
	memcpy(copy, r, len + 1);
	if (outlen)
		*outlen = len;
	return copy;
}

char *
sohoa_vi_exact(const char *s, size_t len, size_t *outlen)
{
	sohoa_vi_forms f;
	char *r = NULL;

	sohoa_vi_forms_init(&f);
	if (sohoa_vi_forms_compute(&f, s, len) == 0)
		r = dup_result(f.exact, f.exact_len, outlen);
	sohoa_vi_forms_release(&f);
	return r;
}

char *
sohoa_vi_fold(const char *s, size_t len, size_t *outlen)
{
	sohoa_vi_forms f;
	char *r = NULL;

	sohoa_vi_forms_init(&f);
	if (sohoa_vi_forms_compute(&f, s, len) == 0)
		r = dup_result(f.folded, f.folded_len, outlen);
	sohoa_vi_forms_release(&f);
	return r;
}

char *
sohoa_vi_upper(const char *s, size_t len, size_t *outlen)
{
	sohoa_vi_forms f;
	utf8proc_ssize_t n, m, i;
	char *r = NULL;

	sohoa_vi_forms_init(&f);
	n = decompose(&f, s, len, 0);
	if (n < 0)
		goto out;
	for (i = 0; i < n; i++)
		f.cp[i] = utf8proc_toupper(f.cp[i]);
	m = utf8proc_normalize_utf32(f.cp, n, VI_COMPOSE);
	if (m < 0 || grow_out(&f, 4 * (size_t)n + 1) != 0)
		goto out;
	r = dup_result(f.out, encode_all(f.cp, (size_t)m, f.out), outlen);
out:
	sohoa_vi_forms_release(&f);
	return r;
}

/* ------------------------------------------------------------------------
 * Word segmentation.
 * ------------------------------------------------------------------------ */

enum char_kind { KIND_SEPARATOR, KIND_WORD, KIND_MARK, KIND_JOINER };

static enum char_kind
char_kind(int32_t cp)
{
	const utf8proc_property_t *p = utf8proc_get_property(cp);

	switch (p->category) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return KIND_WORD;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		return KIND_MARK;
	case UTF8PROC_CATEGORY_CF:
		/* Zero width space marks a word boundary on purpose; the other
		 * invisible format characters (soft hyphen, ZWJ, ZWNJ, word
		 * joiner) do not split a word. */
		return p->ignorable && cp != 0x200B ? KIND_JOINER : KIND_SEPARATOR;
	default:
		return KIND_SEPARATOR;
	}
}

static int
ascii_alnum(unsigned c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

int
sohoa_vi_next_word(const char *s, size_t len, size_t *pos, size_t *start,
    size_t *end)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = *pos, first = 0, last = 0;
	int in_word = 0;

	while (i < len) {
		unsigned c = u[i];
		enum char_kind kind;
		int32_t cp;
		size_t n;

		if (c < 0x80) {
			if (ascii_alnum(c)) {
				if (!in_word) {
					in_word = 1;
					first = i;
				}
				last = ++i;
				continue;
			}
			if (in_word)
				break;
			i++;
			continue;
		}
		n = utf8_decode(u + i, len - i, &cp);
		if (n == 0) {
			if (in_word)
				break;
			i++;
			continue;
		}
		kind = char_kind(cp);
		if (kind == KIND_WORD) {
			if (!in_word) {
				in_word = 1;
				first = i;
			}
			i += n;
			last = i;
		} else if (in_word && kind == KIND_MARK) {
			i += n;
			last = i;
		} else if (in_word && kind == KIND_JOINER) {
			i += n;         /* part of the word only if a letter follows */
		} else {
			if (in_word)
				break;
			i += n;
		}
	}
	if (!in_word) {
		*pos = len;
		return 0;
	}
	*start = first;
	*end = last;
	*pos = i;
	return 1;
}
