/*
 * json.c - JSON string literals for --json output.
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
				if (*p < 0x20)
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
		} else {
			fwrite(p, 1, (size_t)n, out);
			p += n;
		}
	}
	putc('"', out);
}
