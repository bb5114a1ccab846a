/*
 * test_error.c - the error structure and the table of reasons (sohoa.h):
 * every reason has a stable key and texts for the archivists, and the first
 * error recorded is the one kept.
 */
#include "test.h"
#include "sohoa/sohoa.h"

/* 1 if s is well-formed UTF-8 (no overlong forms, surrogates or code
 * points beyond U+10FFFF). */
static int
valid_utf8(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned c = *s, cp, n;
		if (c < 0x80) {
			s++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			n = 1, cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2, cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3, cp = c & 0x07;
		} else {
			return 0;
		}
		for (unsigned i = 1; i <= n; i++) {
			if ((s[i] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i] & 0x3F);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF
		    || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		s += n + 1;
	}
	return 1;
}

static int
has_non_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

static void
test_every_reason_has_texts(void)
{
	for (int i = 0; i < SOHOA_REASON_COUNT; i++) {
		sohoa_reason r = (sohoa_reason)i;
		const char *texts[4] = { sohoa_reason_vi(r), sohoa_reason_en(r),
		    sohoa_reason_advice_vi(r), sohoa_reason_advice_en(r) };
		const char *key = sohoa_reason_key(r);
		char what[64];

		snprintf(what, sizeof what, "reason %d", i);
		CHECKM(key != NULL && key[0] != '\0', what);
		if (!key)
			continue;
		for (const char *p = key; *p; p++)
			CHECKM((*p >= 'a' && *p <= 'z') || *p == '-', key);
		for (int t = 0; t < 4; t++) {
			CHECKM(texts[t] != NULL, what);
			if (!texts[t])
				continue;
			CHECKM(valid_utf8(texts[t]), texts[t]);
			/* "No error" needs no advice; every real reason does. */
			if (t < 2 || r != SOHOA_REASON_NONE)
				CHECKM(texts[t][0] != '\0', what);
		}
		/* The Vietnamese texts are Vietnamese (with diacritics), not a copy
		 * of the English ones. */
		if (texts[0] && texts[1]) {
			CHECKM(has_non_ascii(texts[0]), texts[0]);
			CHECKM(strcmp(texts[0], texts[1]) != 0, what);
		}
		if (r != SOHOA_REASON_NONE && texts[2] && texts[3]) {
			CHECKM(has_non_ascii(texts[2]), texts[2]);
			CHECKM(strcmp(texts[2], texts[3]) != 0, what);
		}
	}
}

static void
test_keys_round_trip_and_are_distinct(void)
{
	for (int i = 0; i < SOHOA_REASON_COUNT; i++) {
		const char *key = sohoa_reason_key((sohoa_reason)i);
		CHECK_INT(sohoa_reason_from_key(key), i);
		for (int j = 0; j < i; j++)
			CHECKM(strcmp(key, sohoa_reason_key((sohoa_reason)j)) != 0, key);
	}
	/* Stored keys never change. */
	CHECK_STR(sohoa_reason_key(SOHOA_REASON_NONE), "none");
	CHECK_STR(sohoa_reason_key(SOHOA_REASON_EMPTY), "empty");
	CHECK_STR(sohoa_reason_key(SOHOA_REASON_TOO_LARGE), "too-large");
	CHECK_STR(sohoa_reason_key(SOHOA_REASON_NOT_REGULAR), "not-regular");
	CHECK_INT(sohoa_reason_from_key("no-such-reason"), SOHOA_REASON_NONE);
	CHECK_INT(sohoa_reason_from_key("EMPTY"), SOHOA_REASON_NONE);
	CHECK_INT(sohoa_reason_from_key(""), SOHOA_REASON_NONE);
	CHECK_INT(sohoa_reason_from_key(NULL), SOHOA_REASON_NONE);
}

static void
test_out_of_range_reason_is_none(void)
{
	CHECK_STR(sohoa_reason_key(SOHOA_REASON_COUNT), "none");
	CHECK_STR(sohoa_reason_key((sohoa_reason)-1), "none");
	CHECK_STR(sohoa_reason_en((sohoa_reason)1000), sohoa_reason_en(SOHOA_REASON_NONE));
}

static void
test_error_set_keeps_first(void)
{
	sohoa_error e;

	sohoa_error_clear(&e);
	CHECK_INT(e.status, SOHOA_OK);
	CHECK_INT(e.reason, SOHOA_REASON_NONE);
	CHECK_STR(e.msg, "");
	CHECK_INT(sohoa_error_set(&e, SOHOA_BAD_INPUT, SOHOA_REASON_TRUNCATED, "page %d of %s", 3,
	    "a.tif"), SOHOA_BAD_INPUT);
	CHECK_INT(e.status, SOHOA_BAD_INPUT);
	CHECK_INT(e.reason, SOHOA_REASON_TRUNCATED);
	CHECK_STR(e.msg, "page 3 of a.tif");
	/* A later error is a consequence: returned, not recorded. */
	CHECK_INT(sohoa_error_set(&e, SOHOA_FATAL, SOHOA_REASON_CORRUPT, "later"), SOHOA_FATAL);
	CHECK_INT(e.status, SOHOA_BAD_INPUT);
	CHECK_INT(e.reason, SOHOA_REASON_TRUNCATED);
	CHECK_STR(e.msg, "page 3 of a.tif");
	/* After clear, a new error is recorded. */
	sohoa_error_clear(&e);
	CHECK_INT(sohoa_error_set(&e, SOHOA_RETRY, SOHOA_REASON_NONE, "disk full"), SOHOA_RETRY);
	CHECK_STR(e.msg, "disk full");
	CHECK_INT(e.status, SOHOA_RETRY);
	/* NULL is allowed. */
	sohoa_error_clear(NULL);
	CHECK_INT(sohoa_error_set(NULL, SOHOA_FATAL, SOHOA_REASON_NONE, "x"), SOHOA_FATAL);
}

static void
test_error_message_truncated_safely(void)
{
	sohoa_error e;
	char big[2000];

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	sohoa_error_clear(&e);
	sohoa_error_set(&e, SOHOA_FATAL, SOHOA_REASON_NONE, "%s", big);
	CHECK_INT(strlen(e.msg), sizeof e.msg - 1);
}

int
main(void)
{
	TEST_RUN(test_every_reason_has_texts);
	TEST_RUN(test_keys_round_trip_and_are_distinct);
	TEST_RUN(test_out_of_range_reason_is_none);
	TEST_RUN(test_error_set_keeps_first);
	TEST_RUN(test_error_message_truncated_safely);
	return TEST_DONE();
}
