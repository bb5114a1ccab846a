/*
 * test_textsafe.c - the terminal, XML and field forms of hostile text
 * (textsafe.h): each invariant T1-T4 on the byte sequences attackers use
 * (terminal title and clear-screen sequences, C1 CSI, bidi overrides,
 * U+FFFE, lone surrogates, overlong forms), checked against libxml2's own
 * parser for the XML form.
 */
#include <libxml/parser.h>

#include "test.h"
#include "sohoa/textsafe.h"
#include "sohoa/vitext.h"

static char *
term(const char *s, unsigned flags)
{
	return sohoa_text_terminal(s, strlen(s), flags, NULL);
}

/* T1: what each control becomes, and nothing else changes. */
static void
test_terminal_escapes(void)
{
	char *t;

	t = term("Quyết định \x1b]0;pwned\x07 \x1b[2J.tif", 0);
	CHECK_STR(t, "Quyết định \\x1b]0;pwned\\x07 \\x1b[2J.tif");
	free(t);
	/* C1 CSI (U+009B) in UTF-8, DEL, an invalid byte, a lone surrogate
	 * (ED A0 80) and an overlong slash (C0 AF): never raw. */
	t = term("a\xc2\x9b" "2Jb\x7f" "c\xff" "d\xed\xa0\x80" "e\xc0\xaf", 0);
	CHECK_STR(t, "a\\u009b2Jb\\x7fc\\xffd\\xed\\xa0\\x80e\\xc0\\xaf");
	free(t);
	/* Bidi override: "gpj.exe" shown reversed would hide the real end. */
	t = term("hoa\xe2\x80\xaegpj.exe", 0);
	CHECK_STR(t, "hoa\\u202egpj.exe");
	free(t);
	t = term("x\xef\xbf\xbey\xf4\x8f\xbf\xbf", 0);
	CHECK_STR(t, "x\\ufffey\\u10ffff");
	free(t);
	/* Newline and tab: escaped in a name, kept in OCR text; marks kept
	 * only when asked. */
	t = term("a\nb\tc\x02m\x03", 0);
	CHECK_STR(t, "a\\x0ab\\x09c\\x02m\\x03");
	free(t);
	t = term("a\nb\tc\x02m\x03\r", SOHOA_TEXT_MULTILINE);
	CHECK_STR(t, "a\nb\tc\\x02m\\x03\\x0d");
	free(t);
	t = term("a\x02m\x03\x1b", SOHOA_TEXT_MARKS);
	CHECK_STR(t, "a\x02m\x03\\x1b");
	free(t);
}

/* T1 on every byte value and every two-byte pair: the result is valid
 * UTF-8 with no control byte at all. */
static void
test_terminal_exhaustive(void)
{
	unsigned char in[3];
	int bad = 0;

	for (int a = 0; a < 256; a++)
		for (int b = 0; b < 256; b++) {
			size_t len = 0;
			char *t;
			in[0] = (unsigned char)a;
			in[1] = (unsigned char)b;
			in[2] = 0xbf;
			t = sohoa_text_terminal((const char *)in, 3, 0, &len);
			if (!t || !sohoa_vi_utf8_valid(t, len))
				bad++;
			for (size_t i = 0; t && i < len; i++)
				if ((unsigned char)t[i] < 0x20 || t[i] == 0x7f)
					bad++;
			/* No C1 as UTF-8 (C2 80..C2 9F) either. */
			for (size_t i = 0; t && i + 1 < len; i++)
				if ((unsigned char)t[i] == 0xc2 && (unsigned char)t[i + 1] < 0xa0)
					bad++;
			free(t);
		}
	CHECK_INT(bad, 0);
}

/* T4 and sohoa_text_put(): plain Vietnamese passes byte for byte. */
static void
test_plain_unchanged(void)
{
	static const char vi[] = "Ủy ban nhân dân xã Văn Bình — QĐ 15/QĐ-UBND “hòa giải” 😀";
	char *t = term(vi, 0), *buf = NULL;
	size_t len = 0;
	FILE *f;

	CHECK_STR(t, vi);
	free(t);
	CHECK_INT(sohoa_text_is_plain(vi, strlen(vi), 0), 1);
	CHECK_INT(sohoa_text_is_plain("a\x1b", 2, 0), 0);
	CHECK_INT(sohoa_text_is_plain("a\n", 2, SOHOA_TEXT_MULTILINE), 1);
	f = open_memstream(&buf, &len);
	CHECK(f != NULL);
	if (!f)
		return;
	sohoa_text_put(f, "tên\x1b[2J", 0);
	sohoa_text_put(f, NULL, 0);
	fclose(f);
	CHECK_STR(buf, "tên\\x1b[2J");
	free(buf);
}

/* Wraps s in an element and parses it with libxml2: 1 if well-formed. */
static int
xml_ok(const char *s, size_t len)
{
	char doc[1024];
	int n = snprintf(doc, sizeof doc, "<a>%.*s</a>", (int)len, s);
	xmlDocPtr d = xmlReadMemory(doc, n, "t.xml", "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR
	    | XML_PARSE_NOWARNING);
	int ok = d != NULL;

	xmlFreeDoc(d);
	return ok;
}

/* T2: U+FFFE, U+FFFF, noncharacters, C0, invalid bytes and surrogates
 * become U+FFFD; libxml2 parses the result; tab, LF, CR stay. */
static void
test_xml_form(void)
{
	size_t len;
	char *x;
	int bad = 0;

	x = sohoa_text_xml("a\xef\xbf\xbe" "b\xef\xbf\xbf" "c\xef\xb7\x90" "d\xf0\x9f\xbf\xbf"
	    "e\x1b" "f\x7f" "g\xc2\x85" "h\xed\xa0\x80" "i\xff" "\t\n\r", 33, &len);
	CHECK_STR(x, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd" "d\xef\xbf\xbd" "e\xef\xbf\xbd"
	    "f\xef\xbf\xbd" "g\xef\xbf\xbd" "h\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "i\xef\xbf\xbd"
	    "\t\n\r");
	CHECK(x && xml_ok(x, len));
	/* Before the mapping, libxml2 refuses U+FFFE: the test can fail. */
	CHECK(!xml_ok("a\xef\xbf\xbe", 4));
	free(x);
	/* Every byte pair followed by a continuation byte: always parsed. */
	for (int a = 0; a < 256; a++)
		for (int b = 0; b < 256; b++) {
			unsigned char in[4] = { (unsigned char)a, (unsigned char)b, 0xbf, 0xbe };
			x = sohoa_text_xml((const char *)in, 4, &len);
			/* '<' and '&' are the serializer's business, not this form's. */
			if (a == '<' || a == '&' || b == '<' || b == '&' || a == 0 || b == 0) {
				free(x);
				continue;
			}
			if (!x || !xml_ok(x, len))
				bad++;
			free(x);
		}
	CHECK_INT(bad, 0);
}

/* T3: the field form keeps newlines (one recipient per line). */
static void
test_field_form(void)
{
	char *f = sohoa_text_field("Số\x01 15\x1b[2J\r\n- Lưu: VT\x7f\xc2\x9b\xef\xbf\xbe\xff", 31,
	    NULL);

	CHECK_STR(f, "Số  15 [2J \n- Lưu: VT  \xef\xbf\xbd\xef\xbf\xbd");
	free(f);
}

int
main(void)
{
	TEST_RUN(test_terminal_escapes);
	TEST_RUN(test_terminal_exhaustive);
	TEST_RUN(test_plain_unchanged);
	TEST_RUN(test_xml_form);
	TEST_RUN(test_field_form);
	return TEST_DONE();
}
