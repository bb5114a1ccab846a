/*
 * test_json.c - JSON string literals (json.h), written to a real stream and
 * compared byte for byte.
 */
#include "test.h"
#include "sohoa/json.h"

/* sohoa_json_string(s) as text; valid until the next call. */
static const char *
json_of(const char *s)
{
	static char out[1024];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	out[0] = '\0';
	CHECK(f != NULL);
	if (!f)
		return out;
	sohoa_json_string(f, s);
	CHECK(fclose(f) == 0);
	snprintf(out, sizeof out, "%s", buf ? buf : "");
	free(buf);
	return out;
}

static void
test_plain_and_null(void)
{
	CHECK_STR(json_of("hello"), "\"hello\"");
	CHECK_STR(json_of(""), "\"\"");
	CHECK_STR(json_of(NULL), "null");
	CHECK_STR(json_of("a/b 100% {x:1}"), "\"a/b 100% {x:1}\"");
}

static void
test_quotes_and_backslash(void)
{
	CHECK_STR(json_of("say \"hi\""), "\"say \\\"hi\\\"\"");
	CHECK_STR(json_of("C:\\scan\\a.tif"), "\"C:\\\\scan\\\\a.tif\"");
	CHECK_STR(json_of("\\\""), "\"\\\\\\\"\"");
}

static void
test_control_chars(void)
{
	CHECK_STR(json_of("a\nb\rc\td"), "\"a\\nb\\rc\\td\"");
	CHECK_STR(json_of("\x01\x08\x0c\x1f"), "\"\\u0001\\u0008\\u000c\\u001f\"");
	/* DEL, C1 (CSI U+009B, NEL U+0085) and bidi overrides: escaped, the
	 * same string for a reader, no control byte for a terminal. */
	CHECK_STR(json_of("\x7f"), "\"\\u007f\"");
	CHECK_STR(json_of("a\xc2\x9b" "2J\xc2\x85"), "\"a\\u009b2J\\u0085\"");
	CHECK_STR(json_of("x\xe2\x80\xaey\xe2\x81\xa6"), "\"x\\u202ey\\u2066\"");
	CHECK_STR(json_of("\x1b]0;t\x07"), "\"\\u001b]0;t\\u0007\"");
	/* U+00A0 and above are not controls. */
	CHECK_STR(json_of("\xc2\xa0"), "\"\xc2\xa0\"");
}

static void
test_vietnamese_kept_as_utf8(void)
{
	CHECK_STR(json_of("Quyết định số 15/QĐ-UBND"), "\"Quyết định số 15/QĐ-UBND\"");
	/* Four-byte sequences too. */
	CHECK_STR(json_of("\xF0\x9F\x93\x84"), "\"\xF0\x9F\x93\x84\"");
}

static void
test_invalid_utf8_becomes_replacement(void)
{
	/* A Latin-1 name, one bad byte each. */
	CHECK_STR(json_of("Quy\xeat"), "\"Quy\\ufffdt\"");
	/* A lone continuation byte, an overlong '/', a surrogate, a sequence
	 * cut short by the end of the string. */
	CHECK_STR(json_of("\x80"), "\"\\ufffd\"");
	CHECK(strstr(json_of("\xC0\xAF"), "/") == NULL);
	CHECK(strncmp(json_of("\xC0\xAF"), "\"\\ufffd", 7) == 0);
	CHECK(strncmp(json_of("\xED\xA0\x80"), "\"\\ufffd", 7) == 0);
	CHECK_STR(json_of("ab\xE1\xBA"), "\"ab\\ufffd\\ufffd\"");
	/* A lead byte right before the end of an exactly-sized heap string
	 * (ASan would see a read past the NUL). */
	{
		char *h = malloc(4);
		CHECK(h != NULL);
		if (h) {
			memcpy(h, "ab\xF0", 4);
			CHECK_STR(json_of(h), "\"ab\\ufffd\"");
			free(h);
		}
	}
	/* Valid text after a bad byte is kept. */
	CHECK_STR(json_of("\xff" "đ"), "\"\\ufffdđ\"");
}

int
main(void)
{
	TEST_RUN(test_plain_and_null);
	TEST_RUN(test_quotes_and_backslash);
	TEST_RUN(test_control_chars);
	TEST_RUN(test_vietnamese_kept_as_utf8);
	TEST_RUN(test_invalid_utf8_becomes_replacement);
	return TEST_DONE();
}
