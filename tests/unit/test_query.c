/*
 * test_query.c - the staff search language (query.h): what it compiles to,
 * what the compiled expressions find in a real FTS5 table with the
 * "sohoa_vi" tokenizer, and that no input, however hostile, produces an
 * expression SQLite refuses.
 */
#include <sqlite3.h>

#include "test.h"
#include "index_int.h"
#include "sohoa/query.h"

/* A database file in the test's own temporary directory. */
static sqlite3 *
open_db(const char *path)
{
	sqlite3 *db = NULL;
	sohoa_error err;

	sohoa_error_clear(&err);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return NULL;
	CHECKM(sohoa_index_register(db, &err) == SOHOA_OK, err.msg);
	CHECKM(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='sohoa_vi')",
	    NULL, NULL, NULL) == SQLITE_OK, sqlite3_errmsg(db));
	return db;
}

static void
insert(sqlite3 *db, long long rowid, const char *body)
{
	sqlite3_stmt *st = NULL;

	CHECK(sqlite3_prepare_v2(db, "INSERT INTO t(rowid, body) VALUES (?1, ?2)",
	    -1, &st, NULL) == SQLITE_OK);
	sqlite3_bind_int64(st, 1, rowid);
	sqlite3_bind_text(st, 2, body, -1, SQLITE_TRANSIENT);
	CHECKM(sqlite3_step(st) == SQLITE_DONE, sqlite3_errmsg(db));
	sqlite3_finalize(st);
}

/* Runs a compiled expression; the rowids as "1,3" (ordered by rowid, or by
 * bm25 rank when ranked), or "ERROR".  Valid until the next call. */
static const char *
run_match(sqlite3 *db, const char *match, int ranked)
{
	static char out[256];
	sqlite3_stmt *st = NULL;
	size_t len = 0;
	int rc;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, ranked ?
	    "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rank, rowid" :
	    "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid", -1, &st, NULL) != SQLITE_OK)
		return "ERROR";
	sqlite3_bind_text(st, 1, match, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		len += (size_t)snprintf(out + len, sizeof out - len, "%s%lld",
		    len ? "," : "", sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "  MATCH %s: %s\n", match, sqlite3_errmsg(db));
		return "ERROR";
	}
	return out;
}

/* Parses text the way staff type it and runs it. */
static const char *
find_in(sqlite3 *db, const char *text, int ranked)
{
	sohoa_query q;
	sohoa_error err;
	const char *r;

	sohoa_error_clear(&err);
	if (sohoa_query_parse(text, strlen(text), &q, &err) != SOHOA_OK) {
		fprintf(stderr, "  query \"%s\": %s\n", text, err.msg);
		return "PARSE ERROR";
	}
	if (!q.match) {
		sohoa_query_release(&q);
		return "NO MATCH EXPRESSION";
	}
	r = run_match(db, q.match, ranked);
	sohoa_query_release(&q);
	return r;
}

static const char *
find(sqlite3 *db, const char *text)
{
	return find_in(db, text, 0);
}

static const char *
find_ranked(sqlite3 *db, const char *text)
{
	return find_in(db, text, 1);
}

/* The match expression text compiles to, or "ERROR: <message>".  Valid
 * until the next call. */
static const char *
compiled(const char *text)
{
	static char out[2048];
	sohoa_query q;
	sohoa_error err;

	sohoa_error_clear(&err);
	if (sohoa_query_parse(text, strlen(text), &q, &err) != SOHOA_OK)
		snprintf(out, sizeof out, "ERROR: %s", err.msg);
	else
		snprintf(out, sizeof out, "%s", q.match ? q.match : "(null)");
	sohoa_query_release(&q);
	return out;
}

/* 1 when text is refused with SOHOA_BAD_INPUT and a message containing
 * needle. */
static int
refused_with(const char *text, size_t len, const char *needle)
{
	sohoa_query q;
	sohoa_error err;
	sohoa_status st;
	int ok;

	sohoa_error_clear(&err);
	st = sohoa_query_parse(text, len, &q, &err);
	ok = st == SOHOA_BAD_INPUT && strstr(err.msg, needle) != NULL &&
	    q.match == NULL && q.type == NULL && q.number == NULL && q.organ == NULL;
	if (!ok)
		fprintf(stderr, "  query \"%.40s\": status %d, message \"%s\"\n",
		    text, (int)st, err.msg);
	sohoa_query_release(&q);
	return ok;
}

/* A small archive: real sentences from ND 30/2020 style documents. */
static sqlite3 *
archive(void)
{
	sqlite3 *db = open_db("archive.db");

	insert(db, 1, "ỦY BAN NHÂN DÂN XÃ VĂN BÌNH Số: 15/QĐ-UBND Văn Bình, ngày 05 "
	    "tháng 3 năm 2024 QUYẾT ĐỊNH Về việc phê duyệt kế hoạch sử dụng đất");
	insert(db, 2, "UY BAN NHAN DAN XA VAN BINH So: 16/QD-UBND Van Binh, ngay 12 "
	    "thang 11 nam 2024 QUYET DINH Ve viec phe duyet ke hoach su dung dat");
	insert(db, 3, "Uỷ ban nhân dân huyện Số: 12/UBND-VX V/v tổ chức Tết Nguyên đán; "
	    "hạn chót 05/3/2024 Kính gửi: các phòng ban. Hủy bỏ lịch họp cũ.");
	insert(db, 4, "Số: 01/2025/QĐ-UBND QUYẾT ĐỊNH ban hành Quy chế làm việc; "
	    "hoà giải ở cơ sở, thuỷ lợi nội đồng");
	insert(db, 5, "Báo cáo tình hình hóa đơn và công trình thủy lợi năm 2023, "
	    "ngày 5 tháng 3 năm 2024");
	return db;
}

/* ------------------------------------------------------------ compiling */

static void
test_compiles_words(void)
{
	CHECK_STR(compiled("hoa"), "\"hoa\"");
	CHECK_STR(compiled("hòa"), "(\"hòa\" OR \"hoa\")");
	CHECK_STR(compiled("hoà"), "(\"hòa\" OR \"hoa\")");
	CHECK_STR(compiled("Quyết Định"), "(\"quyết\" OR \"quyet\") AND (\"định\" OR \"dinh\")");
	CHECK_STR(compiled("\"ủy ban\""), "(\"ủy ban\" OR \"uy ban\")");
	CHECK_STR(compiled("“ủy ban” nhan"), "(\"ủy ban\" OR \"uy ban\") AND \"nhan\"");
	CHECK_STR(compiled("quyet*"), "\"quyet\"*");
	CHECK_STR(compiled("quyết*"), "(\"quyết\"* OR \"quyet\"*)");
	CHECK_STR(compiled("quyết định -hủy"),
	    "((\"quyết\" OR \"quyet\") AND (\"định\" OR \"dinh\")) NOT (\"hủy\")");
	CHECK_STR(compiled("a -b -\"c d\""), "(\"a\") NOT (\"b\" OR \"c d\")");
	/* Unclosed quote: the phrase runs to the end. */
	CHECK_STR(compiled("\"ban nhân"), "(\"ban nhân\" OR \"ban nhan\")");
}

static void
test_compiles_numbers(void)
{
	CHECK_STR(compiled("15/QĐ-UBND"), "\"15 qd ubnd\"");
	CHECK_STR(compiled("15/QD-UBND"), "\"15 qd ubnd\"");
	CHECK_STR(compiled("15 qđ ubnd"), "\"15 qd ubnd\"");
	CHECK_STR(compiled("15 QĐ UBND về"), "\"15 qd ubnd\" AND (\"về\" OR \"ve\")");
	CHECK_STR(compiled("01 2025 qđ ubnd"), "\"01 2025 qd ubnd\"");
	CHECK_STR(compiled("12/UBND-VX"), "\"12 ubnd vx\"");
	/* A number followed by ordinary words stays words. */
	CHECK_STR(compiled("15 người"), "\"15\" AND (\"người\" OR \"nguoi\")");
}

static void
test_compiles_dates(void)
{
	const char *want = "(\"ngay 5 thang 3 nam 2024\" OR \"5 3 2024\" OR "
	    "\"ngay 5 thang 03 nam 2024\" OR \"5 03 2024\" OR "
	    "\"ngay 05 thang 3 nam 2024\" OR \"05 3 2024\" OR "
	    "\"ngay 05 thang 03 nam 2024\" OR \"05 03 2024\" OR \"2024 03 05\")";

	CHECK_STR(compiled("05/3/2024"), want);
	CHECK_STR(compiled("5/3/2024"), want);
	CHECK_STR(compiled("2024-03-05"), want);
	CHECK_STR(compiled("(05.03.2024),"), want);
	CHECK_STR(compiled("12/11/2024"),
	    "(\"ngay 12 thang 11 nam 2024\" OR \"12 11 2024\" OR \"2024 11 12\")");
}

static void
test_filters(void)
{
	sohoa_query q;
	sohoa_error err;
	const char *in = "loai:QĐ so:\"15 / qđ-ubnd\" coquan:\"Văn Bình\" "
	    "tu:5/3/2024 den:2024-12-31 nam:2024";

	sohoa_error_clear(&err);
	CHECKM(sohoa_query_parse(in, strlen(in), &q, &err) == SOHOA_OK, err.msg);
	CHECK(q.match == NULL);
	CHECK_STR(q.type, "QĐ");
	CHECK_STR(q.number, "15/QĐ-UBND");
	CHECK_STR(q.organ, "Văn Bình");
	CHECK_STR(q.date_from, "2024-03-05");
	CHECK_STR(q.date_to, "2024-12-31");
	CHECK_INT(q.year, 2024);
	CHECK(q.type_next == NULL);     /* another filter follows */
	CHECK_INT(q.exact_terms, 0);
	sohoa_query_release(&q);

	/* A bare loai: value keeps what follows it, up to the next filter, for
	 * the hint about a split "loai:Quyết định"; the words still count. */
	in = "loai:Quyết định đất nam:2024";
	CHECKM(sohoa_query_parse(in, strlen(in), &q, &err) == SOHOA_OK, err.msg);
	CHECK_STR(q.type, "Quyết");
	CHECK(q.type_next != NULL && strncmp(q.type_next, "định đất", strlen("định đất")) == 0);
	CHECK_INT(q.exact_terms, 2);
	CHECK_INT(q.year, 2024);
	sohoa_query_release(&q);
	in = "loai:\"Quyết định\" đất";
	CHECKM(sohoa_query_parse(in, strlen(in), &q, &err) == SOHOA_OK, err.msg);
	CHECK_STR(q.type, "Quyết định");
	CHECK(q.type_next == NULL);
	sohoa_query_release(&q);
	/* Words typed with diacritics, not negated, not numbers: the pairs. */
	in = "quyết dinh \"ủy ban\" -hủy 15 qđ ubnd";
	CHECKM(sohoa_query_parse(in, strlen(in), &q, &err) == SOHOA_OK, err.msg);
	CHECK_INT(q.exact_terms, 2);
	sohoa_query_release(&q);
	CHECK(sohoa_query_is_filter("loai", 4));
	CHECK(sohoa_query_is_filter("LOẠI", strlen("LOẠI")));
	CHECK(sohoa_query_is_filter("số", strlen("số")));
	CHECK(!sohoa_query_is_filter("Nơi nhận", strlen("Nơi nhận")));
	CHECK(!sohoa_query_is_filter("10", 2));

	/* Names with diacritics, a space after the colon, words beside. */
	in = "số:15/qđ-ubnd từ: 05/03/2024 kế hoạch";
	CHECKM(sohoa_query_parse(in, strlen(in), &q, &err) == SOHOA_OK, err.msg);
	CHECK_STR(q.number, "15/QĐ-UBND");
	CHECK_STR(q.date_from, "2024-03-05");
	CHECK_STR(q.date_to, "");
	CHECK_INT(q.year, 0);
	CHECK(q.type == NULL && q.organ == NULL);
	CHECK_STR(q.match, "(\"kế\" OR \"ke\") AND (\"hoạch\" OR \"hoach\")");
	sohoa_query_release(&q);

	/* NFD value comes out NFC. */
	in = "coquan:\"Va\xcc\x86n Bi\xcc\x80nh\"";
	CHECKM(sohoa_query_parse(in, strlen(in), &q, &err) == SOHOA_OK, err.msg);
	CHECK_STR(q.organ, "Văn Bình");
	sohoa_query_release(&q);
}

static void
test_errors(void)
{
	char big[10240];

	memset(big, 'a', sizeof big);
	CHECK(refused_with(big, sizeof big, "quá dài"));
	CHECK(refused_with("quy\xff\xfe", 5, "UTF-8"));
	CHECK(refused_with("", 0, "trống"));
	CHECK(refused_with("  \t ", 4, "trống"));
	CHECK(refused_with("* ^ : ( )", 9, "trống"));
	CHECK(refused_with("-hủy -\"bãi bỏ\"", strlen("-hủy -\"bãi bỏ\""), "loại trừ"));
	CHECK(refused_with("loai:QĐ -hủy", strlen("loai:QĐ -hủy"), "loại trừ"));
	CHECK(refused_with("31/02/2024", 10, "Ngày không hợp lệ"));
	CHECK(refused_with("tu:2024-13-01", 13, "Ngày không hợp lệ"));
	CHECK(refused_with("den:hôm nay", strlen("den:hôm nay"), "Ngày không hợp lệ"));
	CHECK(refused_with("tu:2024-05-01 den:2024-01-01", 28, "sau ngày kết thúc"));
	CHECK(refused_with("nam:24", 6, "Năm không hợp lệ"));
	CHECK(refused_with("tacgia:Lan", 10, "loai:, so:, coquan:, tu:, den:, nam:"));
	CHECK(refused_with("loai:QĐ loai:TB", strlen("loai:QĐ loai:TB"), "hai lần"));
	CHECK(refused_with("loai:", 5, "cần một giá trị"));
	CHECK(refused_with("-loai:QĐ x", strlen("-loai:QĐ x"), "Không thể loại trừ"));
	/* At the limit is fine, one byte more is not. */
	memset(big, ' ', sizeof big);
	big[0] = 'x';
	CHECK(refused_with(big, SOHOA_QUERY_MAX_BYTES + 1, "tối đa 1000 byte"));
	{
		sohoa_query q;

		CHECK_INT(sohoa_query_parse(big, SOHOA_QUERY_MAX_BYTES, &q, NULL), SOHOA_OK);
		CHECK_STR(q.match, "\"x\"");
		sohoa_query_release(&q);
	}
}

static void
test_release_is_safe(void)
{
	sohoa_query q;

	memset(&q, 0, sizeof q);
	sohoa_query_release(&q);
	sohoa_query_release(&q);
	sohoa_query_release(NULL);
	CHECK(sohoa_query_parse("quyết", strlen("quyết"), &q, NULL) == SOHOA_OK);
	CHECK(q.match != NULL);
	sohoa_query_release(&q);
	CHECK(q.match == NULL);
	sohoa_query_release(&q);
	/* Errors are reported without an error struct too. */
	CHECK_INT(sohoa_query_parse("", 0, &q, NULL), SOHOA_BAD_INPUT);
}

/* ------------------------------------------------------------- searching */

static void
test_folded_and_exact(void)
{
	sqlite3 *db = archive();

	/* Without diacritics: every spelling. */
	CHECK_STR(find(db, "quyet dinh"), "1,2,4");
	CHECK_STR(find(db, "QUYET DINH"), "1,2,4");
	/* With diacritics: the exact spelling first, OCR-damaged text after. */
	CHECK_STR(find(db, "quyết định"), "1,2,4");
	CHECK_STR(find_ranked(db, "quyết định phê duyệt"), "1,2");
	CHECK_STR(find_ranked(db, "văn bình"), "1,2");
	sqlite3_close(db);

	/* The damaged document comes first in rowid order and is shorter, so
	 * without the preference for the exact spelling it would win. */
	db = open_db("ranking.db");
	insert(db, 1, "Quyet dinh ve viec khen thuong");
	insert(db, 2, "Quyết định về việc khen thưởng");
	insert(db, 3, "Quyết định về việc khen thưởng cán bộ xuất sắc năm 2024");
	insert(db, 4, "Quyet dinh khen");
	CHECK_STR(find_ranked(db, "quyết định"), "2,3,4,1");
	CHECK_STR(find_ranked(db, "quyết định khen thưởng"), "2,3,1");
	/* Without diacritics all spellings are equal: shorter first. */
	CHECK_STR(find_ranked(db, "quyet dinh"), "4,1,2,3");
	sqlite3_close(db);
}

static void
test_d_stroke(void)
{
	sqlite3 *db = archive();

	CHECK_STR(find(db, "dat"), "1,2");
	CHECK_STR(find(db, "đất"), "1,2");
	CHECK_STR(find(db, "ĐẤT"), "1,2");
	CHECK_STR(find(db, "\"noi dong\""), "4");
	CHECK_STR(find(db, "\xc3\x90\xe1\xba\xa4T"), "1,2");      /* ÐẤT with U+00D0 */
	sqlite3_close(db);
}

static void
test_nfd_and_nfc(void)
{
	sqlite3 *db = archive();

	insert(db, 6, "Quye\xcc\x82\xcc\x81t \xc4\x90i\xcc\xa3nh kỷ luật");   /* NFD */
	CHECK_STR(find(db, "\"quyết định\" kỷ luật"), "6");
	CHECK_STR(find(db, "\"Quye\xcc\x82\xcc\x81t \xc4\x90i\xcc\xa3nh\" phê"), "1,2");
	sqlite3_close(db);
}

static void
test_tone_placement(void)
{
	sqlite3 *db = archive();
	const char *r;

	/* hoà giải (doc 4) vs hóa đơn (doc 5): both fold to hoa, the exact
	 * spelling ranks first whichever placement the query uses. */
	CHECK_STR(find_ranked(db, "hòa"), "4,5");
	CHECK_STR(find_ranked(db, "hoà"), "4,5");
	CHECK_STR(find_ranked(db, "hóa"), "5,4");
	/* thuỷ (doc 4) and thủy (doc 5) are the same word. */
	CHECK_STR(find(db, "\"thủy lợi\" -hóa"), "4");
	CHECK_STR(find(db, "\"thuỷ lợi\" -hoà"), "5");
	/* Uỷ ban (doc 3) and ỦY BAN (doc 1) rank above OCR's UY BAN (doc 2). */
	r = find_ranked(db, "\"Uỷ ban\"");
	CHECKM(strcmp(r, "1,3,2") == 0 || strcmp(r, "3,1,2") == 0, r);
	r = find_ranked(db, "\"ủy ban\"");
	CHECKM(strcmp(r, "1,3,2") == 0 || strcmp(r, "3,1,2") == 0, r);
	CHECK_STR(find(db, "\"Ủy ban\" -thủy"), "1,2,3");
	sqlite3_close(db);
}

static void
test_numbers(void)
{
	sqlite3 *db = archive();

	CHECK_STR(find(db, "15/QĐ-UBND"), "1");
	CHECK_STR(find(db, "15/QD-UBND"), "1");
	CHECK_STR(find(db, "15 qđ ubnd"), "1");
	CHECK_STR(find(db, "16/QĐ-UBND"), "2");
	CHECK_STR(find(db, "01/2025/QĐ-UBND"), "4");
	CHECK_STR(find(db, "01 2025 qd ubnd"), "4");
	CHECK_STR(find(db, "12/UBND-VX"), "3");
	CHECK_STR(find(db, "17/QĐ-UBND"), "");
	sqlite3_close(db);
}

static void
test_phrases_and_prefix(void)
{
	sqlite3 *db = archive();

	CHECK_STR(find(db, "\"kế hoạch sử dụng đất\""), "1,2");
	CHECK_STR(find(db, "\"đất sử dụng\""), "");
	CHECK_STR(find(db, "\"tổ chức tết\""), "3");
	CHECK_STR(find(db, "quy*"), "1,2,4");
	CHECK_STR(find(db, "quyế*"), "1,2,4");
	CHECK_STR(find(db, "nguyên*"), "3");
	CHECK_STR(find(db, "nguyen* -tết"), "");
	sqlite3_close(db);
}

static void
test_dates(void)
{
	sqlite3 *db = archive();

	/* Doc 1 "ngày 05 tháng 3 năm 2024", doc 3 "05/3/2024",
	 * doc 5 "ngày 5 tháng 3 năm 2024". */
	CHECK_STR(find(db, "05/3/2024"), "1,3,5");
	CHECK_STR(find(db, "5/3/2024"), "1,3,5");
	CHECK_STR(find(db, "2024-03-05"), "1,3,5");
	CHECK_STR(find(db, "12/11/2024"), "2");
	CHECK_STR(find(db, "06/3/2024"), "");
	CHECK_STR(find(db, "2024-03-05 kính gửi"), "3");
	sqlite3_close(db);
}

/* Every input either is refused with a message or compiles to an
 * expression that SQLite runs. */
static int
safe(sqlite3 *db, const char *text, size_t len)
{
	sohoa_query q;
	sohoa_error err;
	sohoa_status st;
	int ok = 1;

	sohoa_error_clear(&err);
	st = sohoa_query_parse(text, len, &q, &err);
	if (st == SOHOA_BAD_INPUT) {
		ok = err.msg[0] != '\0';
	} else if (st != SOHOA_OK) {
		ok = 0;
	} else if (q.match && strcmp(run_match(db, q.match, 1), "ERROR") == 0) {
		ok = 0;
	}
	if (!ok)
		fprintf(stderr, "  unsafe query \"%.*s\" -> %s\n", (int)(len > 80 ? 80 : len),
		    text, q.match ? q.match : err.msg);
	sohoa_query_release(&q);
	return ok;
}

static void
test_hostile_queries(void)
{
	static const char *const hostile[] = {
		"\"", "\"\"", "\"\"\"", "\"abc", "abc\"", "a\"b\"c\"", "NEAR(", "NEAR(a b)",
		"NEAR(a b, 2)", "*", "**", "a*b*", "*a", "^", "^quyết", "a ^b", ":", "body:x",
		"t:x", "-", "--", "- -", "-\"", "'; DROP TABLE x; --", "\" OR 1=1 --",
		"AND OR NOT", "a AND", "OR b", "NOT", "(", ")", "(a OR b", "{body}: x",
		"a + b", "quy*ết", "\\\"", "a\"\"b", "\"quyết\" \"", "15/", "/QĐ", "so:",
		"coquan:\"", "loai:\"\"", "nam:", "-loai", "- loai:QĐ x", "\xc2\xa0",
		"x\xe2\x80\x8by", "\xcc\x81", "hoa\xcc\x81\xcc\x81\xcc\x81", "\xef\xbb\xbfquyết",
		"0/0/0000", "99/99/9999", "1/1/1", "2024-02-29", "2023-02-29", "nam:0000",
		"-15/QĐ-UBND", "15 qđ", "qđ ubnd 15", "“", "”", "“a”b”",
	};
	sqlite3 *db = archive();
	char buf[SOHOA_QUERY_MAX_BYTES + 1];
	size_t i, k;
	unsigned seed = 1;

	for (i = 0; i < sizeof hostile / sizeof *hostile; i++)
		CHECK(safe(db, hostile[i], strlen(hostile[i])));

	/* The longest queries accepted: 333 one-letter words with diacritics,
	 * 500 without. */
	for (k = 0; k + 3 <= SOHOA_QUERY_MAX_BYTES; k += 3)
		memcpy(buf + k, "\xc3\xa1 ", 3);     /* "á " */
	CHECK(safe(db, buf, k));
	for (k = 0; k + 2 <= SOHOA_QUERY_MAX_BYTES; k += 2)
		memcpy(buf + k, k % 4 ? "b " : "a ", 2);
	CHECK(safe(db, buf, k));
	memset(buf, 'x', SOHOA_QUERY_MAX_BYTES);
	CHECK(safe(db, buf, SOHOA_QUERY_MAX_BYTES));

	/* Random strings over the characters that mean something to FTS5,
	 * SQL and this parser, plus Vietnamese letters and stray bytes. */
	for (i = 0; i < 3000; i++) {
		static const char *const atoms[] = {
			"\"", "*", "^", ":", "(", ")", "-", "+", ",", "'", ";", " ", " ",
			" ", "NEAR", "AND", "OR", "NOT", "quyết", "dinh", "15", "/", "QĐ",
			"ủy", "loai:", "so:", "tu:", "nam:", "coquan:", "05/3/2024",
			"\xcc\x81", "\xff", "\xc4", "“", "{", "}", "\\", "\t", "2024-03-05",
		};
		size_t len = 0, natoms = 1 + (i % 12);

		for (k = 0; k < natoms; k++) {
			const char *a;

			seed = seed * 1103515245u + 12345u;
			a = atoms[(seed >> 16) % (sizeof atoms / sizeof *atoms)];
			memcpy(buf + len, a, strlen(a));
			len += strlen(a);
		}
		if (!safe(db, buf, len)) {
			CHECK(0);
			break;
		}
	}
	sqlite3_close(db);
}

int
main(void)
{
	TEST_RUN(test_compiles_words);
	TEST_RUN(test_compiles_numbers);
	TEST_RUN(test_compiles_dates);
	TEST_RUN(test_filters);
	TEST_RUN(test_errors);
	TEST_RUN(test_release_is_safe);
	TEST_RUN(test_folded_and_exact);
	TEST_RUN(test_d_stroke);
	TEST_RUN(test_nfd_and_nfc);
	TEST_RUN(test_tone_placement);
	TEST_RUN(test_numbers);
	TEST_RUN(test_phrases_and_prefix);
	TEST_RUN(test_dates);
	TEST_RUN(test_hostile_queries);
	return TEST_DONE();
}
