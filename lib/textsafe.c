/*
 * textsafe.c - the terminal, XML and field forms of untrusted text
 * (textsafe.h).  One walk over the bytes, decoding UTF-8 by vitext.c's
 * strict rules, classifies each character; each form says what becomes of
 * each class.  The forms are written through a small sink that either
 * counts, fills a buffer or writes to a FILE, so the three agree exactly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sohoa/textsafe.h"
#include "sohoa/vitext.h"

typedef enum cls {
	CLS_OK,                 /* shown as it is */
	CLS_C0,                 /* U+0000-U+001F */
	CLS_DEL,                /* U+007F */
	CLS_C1,                 /* U+0080-U+009F */
	CLS_BIDI,               /* U+202A-U+202E, U+2066-U+2069 */
	CLS_NONCHAR,            /* U+FDD0-U+FDEF, U+nFFFE, U+nFFFF */
	CLS_INVALID             /* a byte that starts no well-formed character */
} cls;

static cls
classify(int32_t cp)
{
	if (cp < 0x20)
		return CLS_C0;
	if (cp == 0x7f)
		return CLS_DEL;
	if (cp >= 0x80 && cp <= 0x9f)
		return CLS_C1;
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return CLS_BIDI;
	if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe)
		return CLS_NONCHAR;
	return CLS_OK;
}

/* Where a form goes: buf (when not NULL, with room: a counting pass sized
 * it), or f (when not NULL); n counts the bytes either way. */
typedef struct sink {
	char *buf;
	FILE *f;
	size_t n;
} sink;

static void
emit(sink *k, const char *s, size_t len)
{
	if (k->buf)
		memcpy(k->buf + k->n, s, len);
	else if (k->f)
		fwrite(s, 1, len, k->f);
	k->n += len;
}

static void
emit_hex(sink *k, const char *prefix, unsigned v, int digits)
{
	static const char hex[] = "0123456789abcdef";
	char b[8];
	size_t pl = strlen(prefix);

	memcpy(b, prefix, pl);
	for (int i = 0; i < digits; i++)
		b[pl + (size_t)i] = hex[(v >> (4 * (digits - 1 - i))) & 0xf];
	emit(k, b, pl + (size_t)digits);
}

static const char replacement[] = "\xef\xbf\xbd";      /* U+FFFD */

typedef enum form { FORM_TERMINAL, FORM_XML, FORM_FIELD } form;

/* Writes the form of s[0..len) into k; returns the number of characters
 * that were not shown as they are. */
static size_t
walk(sink *k, const char *s, size_t len, form fm, unsigned flags)
{
	size_t i = 0, changed = 0;

	while (i < len) {
		int32_t cp = 0;
		size_t n = sohoa_vi_utf8_decode(s + i, len - i, &cp);
		cls c = n ? classify(cp) : CLS_INVALID;

		if (c == CLS_C0) {
			if (fm == FORM_TERMINAL && (((flags & SOHOA_TEXT_MULTILINE)
			    && (cp == '\n' || cp == '\t')) || ((flags & SOHOA_TEXT_MARKS)
			    && (cp == 0x02 || cp == 0x03))))
				c = CLS_OK;
			else if (fm == FORM_XML && (cp == '\t' || cp == '\n' || cp == '\r'))
				c = CLS_OK;
			else if (fm == FORM_FIELD && cp == '\n')
				c = CLS_OK;
		}
		if (c == CLS_BIDI && fm != FORM_TERMINAL)
			c = CLS_OK;
		if (c == CLS_OK) {
			emit(k, s + i, n);
			i += n;
			continue;
		}
		changed++;
		switch (fm) {
		case FORM_TERMINAL:
			if (c == CLS_INVALID)
				emit_hex(k, "\\x", (unsigned char)s[i], 2);
			else if (c == CLS_C0 || c == CLS_DEL)
				emit_hex(k, "\\x", (unsigned)cp, 2);
			else
				emit_hex(k, "\\u", (unsigned)cp, cp > 0xffff ? 6 : 4);
			break;
		case FORM_XML:
			emit(k, replacement, 3);
			break;
		case FORM_FIELD:
			if (c == CLS_C0 || c == CLS_DEL || c == CLS_C1)
				emit(k, " ", 1);
			else
				emit(k, replacement, 3);
			break;
		}
		i += n ? n : 1;
	}
	return changed;
}

/* Counts, allocates, fills. */
static char *
make(const char *s, size_t len, form fm, unsigned flags, size_t *outlen)
{
	sink k = { NULL, NULL, 0 };
	char *out;

	walk(&k, s, len, fm, flags);
	if (!(out = malloc(k.n + 1)))
		return NULL;
	k.buf = out;
	k.n = 0;
	walk(&k, s, len, fm, flags);
	out[k.n] = '\0';
	if (outlen)
		*outlen = k.n;
	return out;
}

void
sohoa_text_put(FILE *out, const char *s, unsigned flags)
{
	sink k = { NULL, out, 0 };

	if (s)
		walk(&k, s, strlen(s), FORM_TERMINAL, flags);
}

char *
sohoa_text_terminal(const char *s, size_t len, unsigned flags, size_t *outlen)
{
	return make(s, len, FORM_TERMINAL, flags, outlen);
}

char *
sohoa_text_xml(const char *s, size_t len, size_t *outlen)
{
	return make(s, len, FORM_XML, 0, outlen);
}

char *
sohoa_text_field(const char *s, size_t len, size_t *outlen)
{
	return make(s, len, FORM_FIELD, 0, outlen);
}

int
sohoa_text_is_plain(const char *s, size_t len, unsigned flags)
{
	sink k = { NULL, NULL, 0 };

	return walk(&k, s, len, FORM_TERMINAL, flags) == 0;
}
