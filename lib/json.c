/*
 * json.c - JSON string literals for --json output.  The string is exact
 * (a reader gets the very characters), and the literal holds no control
 * character at all: C0, DEL, C1 and bidi overrides are written as \uXXXX,
 * so that JSON printed on a terminal cannot drive it (textsafe.h).
 */
#include <stdio.h>
#include <utf8proc.h>

#include "sohoa/json.h"

void
sohoa_json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		fputs("null", out);
		return;
	}
	putc('"', out);
	while (*p) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n;
		if (*p < 0x80) {
			switch (*p) {
			case '"': fputs("\\\"", out); break;
			case '\\': fputs("\\\\", out); break;
			case '\n': fputs("\\n", out); break;
			case '\r': fputs("\\r", out); break;
			case '\t': fputs("\\t", out); break;
			default:
				if (*p < 0x20 || *p == 0x7f)
					fprintf(out, "\\u%04x", *p);
				else
					putc(*p, out);
			}
			p++;
			continue;
		}
		n = utf8proc_iterate(p, -1, &cp);
		if (n <= 0) {
			fputs("\\ufffd", out);
			p++;
		} else if (cp <= 0x9f || (cp >= 0x202a && cp <= 0x202e)
		    || (cp >= 0x2066 && cp <= 0x2069)) {
			/* C1 controls and bidi overrides: the same string, escaped,
			 * so that JSON shown on a terminal cannot drive it. */
			fprintf(out, "\\u%04x", (unsigned)cp);
			p += n;
		} else {
			fwrite(p, 1, (size_t)n, out);
			p += n;
		}
	}
	putc('"', out);
}
