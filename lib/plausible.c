/*
 * plausible.c - the spelling rules of Vietnamese syllables, and the share of
 * a text's words that follow them (contract in include/sohoa/plausible.h).
 *
 * Why spelling rules and not a dictionary: OCR garbage in Vietnamese is
 * mostly letters that cannot stand together ("tbực", "hoạcb", "vỉệc" with
 * two tone marks, "Ngàv"), which the rules see without any data file; a
 * wrong but well-formed syllable ("đồn" for "đôn") passes both a rule and a
 * syllable list alike.  Unicode work (decomposition, case) is utf8proc's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "sohoa/plausible.h"
#include "sohoa/vitext.h"

/* Tone marks as combining characters after canonical decomposition:
 * grave, acute, tilde, hook above, dot below. */
static int
tone_mark(utf8proc_int32_t c)
{
	return c == 0x0300 || c == 0x0301 || c == 0x0303 || c == 0x0309 || c == 0x0323;
}

/* Longest first, so "ngh" is tried before "ng" and "n"; every onset is
 * tried in turn anyway (gi + a for "gia", g + i for "gì"). */
static const char *const onsets[] = {
	"ngh", "ng", "gh", "gi", "kh", "ph", "th", "tr", "ch", "nh", "qu",
	"b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
};

/* Every rhyme of standard Vietnamese spelling, toneless (medial o/u, main
 * vowel, final consonant or semivowel), including the rare ones the
 * dictionary has (oong, ooc, uych, oeo, uyu). */
static const char *const rhymes[] = {
	"a", "ac", "ach", "ai", "am", "an", "ang", "anh", "ao", "ap", "at", "au", "ay",
	"ăc", "ăm", "ăn", "ăng", "ăp", "ăt",
	"â", "âc", "âm", "ân", "âng", "âp", "ât", "âu", "ây",
	"e", "ec", "em", "en", "eng", "eo", "ep", "et",
	"ê", "êch", "êm", "ên", "êng", "ênh", "êp", "êt", "êu",
	"i", "ia", "ic", "ich", "im", "in", "inh", "ip", "it", "iu",
	"iêc", "iêm", "iên", "iêng", "iêp", "iêt", "iêu",
	"y", "yêm", "yên", "yêng", "yêt", "yêu",
	"o", "oc", "oi", "om", "on", "ong", "op", "ot", "ooc", "oong",
	"ô", "ôc", "ôi", "ôm", "ôn", "ông", "ôp", "ôt",
	"ơ", "ơi", "ơm", "ơn", "ơp", "ơt",
	"u", "ua", "uc", "ui", "um", "un", "ung", "up", "ut",
	"uôc", "uôi", "uôm", "uôn", "uông", "uôt",
	"ư", "ưa", "ưc", "ưi", "ưm", "ưn", "ưng", "ưt", "ưu",
	"ươc", "ươi", "ươm", "ươn", "ương", "ươp", "ươt", "ươu",
	"oa", "oac", "oach", "oai", "oam", "oan", "oang", "oanh", "oao", "oap", "oat", "oay",
	"oăc", "oăm", "oăn", "oăng", "oăt",
	"oe", "oem", "oen", "oeo", "oet",
	"uâ", "uân", "uâng", "uât", "uây",
	"uê", "uêch", "uên", "uênh", "uêt",
	"uy", "uya", "uych", "uyn", "uynh", "uyp", "uyt", "uyu", "uyên", "uyêt",
	"uơ",
};

static int
rhyme_known(const char *r)
{
	for (size_t i = 0; i < sizeof rhymes / sizeof *rhymes; i++)
		if (!strcmp(r, rhymes[i]))
			return 1;
	return 0;
}

/* A rhyme closed by a stop (c, ch, p, t) is said with the sắc or nặng
 * tone only. */
static int
stop_final(const char *r)
{
	size_t n = strlen(r);
	return n && (r[n - 1] == 'c' || r[n - 1] == 'p' || r[n - 1] == 't'
	    || (n >= 2 && !strcmp(r + n - 2, "ch")));
}

bool
sohoa_vi_syllable_valid(const char *s, size_t len)
{
	utf8proc_uint8_t *dec = NULL, *base = NULL;
	utf8proc_ssize_t n;
	utf8proc_int32_t tone = 0;
	char buf[64];
	size_t o = 0;
	int ok = 0;

	if (!s || !len || len > 40 || !sohoa_vi_utf8_valid(s, len))
		return 0;
	n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &dec,
	    UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
	if (n < 0)
		return 0;
	/* Take the tone mark out (one at most), keep the vowel marks. */
	for (utf8proc_ssize_t i = 0; i < n;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(dec + i, n - i, &c);
		if (k <= 0)
			goto out;
		if (tone_mark(c)) {
			if (tone)
				goto out;
			tone = c;
		} else {
			if (o + (size_t)k >= sizeof buf)
				goto out;
			memcpy(buf + o, dec + i, (size_t)k);
			o += (size_t)k;
		}
		i += k;
	}
	buf[o] = '\0';
	n = utf8proc_map((const utf8proc_uint8_t *)buf, (utf8proc_ssize_t)o, &base,
	    UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (n < 0)
		goto out;
	for (size_t i = 0; i < sizeof onsets / sizeof *onsets && !ok; i++) {
		size_t ol = strlen(onsets[i]);
		const char *r = (const char *)base + ol;
		char withu[64];
		if (strncmp((const char *)base, onsets[i], ol) || !*r)
			continue;
		if (!strcmp(onsets[i], "qu")) {
			/* "quốc": qu + ôc; "quyết": qu + yêt or q + uyêt. */
			int k = snprintf(withu, sizeof withu, "u%s", r);
			if (!rhyme_known(r) && !(k > 0 && (size_t)k < sizeof withu && rhyme_known(withu)))
				continue;
		} else if (!rhyme_known(r)) {
			continue;
		}
		if (stop_final(r) && tone != 0x0301 && tone != 0x0323)
			continue;
		ok = 1;
	}
out:
	free(dec);
	free(base);
	return ok;
}

/* Foreign words administrative Vietnamese writes as they are (hunspell-vi
 * has some: email, internet, gram, tivi), lower case: judged good. */
static const char *const loanwords[] = {
	"camera", "video", "internet", "intranet", "email", "website", "web", "online",
	"wifi", "covid", "karaoke", "gram", "tivi", "laptop", "container", "ozone",
	"vaccine", "logo", "pano", "sms", "zalo", "facebook",
};

static int
loanword(const char *s, size_t len)
{
	char *x = sohoa_vi_exact(s, len, NULL);
	int found = 0;

	for (size_t i = 0; x && i < sizeof loanwords / sizeof *loanwords && !found; i++)
		found = !strcmp(x, loanwords[i]);
	free(x);
	return found;
}

/* An abbreviation: up to six letters with a capital after the first. */
static int
abbreviation(const char *s, size_t len)
{
	size_t letters = 0;
	int cap_after_first = 0;

	for (size_t i = 0; i < len;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		    (utf8proc_ssize_t)(len - i), &c);
		if (k <= 0)
			return 0;
		if (utf8proc_category(c) == UTF8PROC_CATEGORY_LU && letters > 0)
			cap_after_first = 1;
		if (utf8proc_category(c) != UTF8PROC_CATEGORY_MN)
			letters++;
		i += (size_t)k;
	}
	return cap_after_first && letters <= 6;
}

void
sohoa_vi_plausibility(const char *s, size_t len, sohoa_plausibility *out)
{
	size_t pos = 0, a, b;

	out->words = out->bad = 0;
	out->share = 1;
	if (!s)
		return;
	while (sohoa_vi_next_word(s, len, &pos, &a, &b)) {
		size_t letters = 0;
		int digit = 0;
		for (size_t i = a; i < b;) {
			utf8proc_int32_t c;
			utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
			    (utf8proc_ssize_t)(b - i), &c);
			if (k <= 0) {
				k = 1;
				c = 'x';
			}
			if (utf8proc_category(c) == UTF8PROC_CATEGORY_ND)
				digit = 1;
			if (utf8proc_category(c) != UTF8PROC_CATEGORY_MN)
				letters++;
			i += (size_t)k;
		}
		if (digit || letters < 2)
			continue;
		if (sohoa_vi_syllable_valid(s + a, b - a) || loanword(s + a, b - a)) {
			out->words++;
		} else if (!abbreviation(s + a, b - a)) {
			out->words++;
			out->bad++;
		}
	}
	if (out->words)
		out->share = (double)(out->words - out->bad) / out->words;
}
