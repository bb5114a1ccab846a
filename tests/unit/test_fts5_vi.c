/*
 * test_fts5_vi.c - the Vietnamese text helpers (vitext.h) and the FTS5
 * tokenizer "sohoa_vi" (index_int.h), through a real SQLite database.
 */
#include <sqlite3.h>
#include <time.h>

#include "test.h"
#include "index_int.h"
#include "sohoa/vitext.h"

/* "Quyết định" written decomposed (NFD): base letters followed by their
 * combining marks, as some PDF producers and macOS file names do. */
#define NFD_QUYET_DINH "Quye\xcc\x82\xcc\x81t \xc4\x90i\xcc\xa3nh"

static sqlite3 *
open_db(void)
{
	sqlite3 *db = NULL;
	sohoa_error err;
	char *msg = NULL;

	sohoa_error_clear(&err);
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		return NULL;
	CHECKM(sohoa_index_register(db, &err) == SOHOA_OK, err.msg);
	if (sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='sohoa_vi')",
	    NULL, NULL, &msg) != SQLITE_OK) {
		CHECKM(0, msg);
		sqlite3_free(msg);
	}
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

/* The rowids matching expr in rowid order, as "1,3"; "ERROR" when SQLite
 * refuses the expression.  Valid until the next call. */
static const char *
search(sqlite3 *db, const char *expr)
{
	static char out[256];
	sqlite3_stmt *st = NULL;
	size_t len = 0;
	int rc;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1 ORDER BY rowid",
	    -1, &st, NULL) != SQLITE_OK)
		return "ERROR";
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		len += (size_t)snprintf(out + len, sizeof out - len, "%s%lld",
		    len ? "," : "", sqlite3_column_int64(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "  MATCH %s: %s\n", expr, sqlite3_errmsg(db));
		return "ERROR";
	}
	return out;
}

/* Calls the registered tokenizer directly. */
struct token_log {
	char text[1024];
	size_t len;
	int count;
	int bad_offsets;
	int text_len;
};

static int
log_token(void *ctx, int flags, const char *tok, int n, int start, int end)
{
	struct token_log *log = ctx;

	if (start < 0 || end > log->text_len || start >= end)
		log->bad_offsets++;
	log->len += (size_t)snprintf(log->text + log->len, sizeof log->text - log->len,
	    "%s%.*s", log->count == 0 ? "" : (flags & FTS5_TOKEN_COLOCATED) ? "/" : " ",
	    n, tok);
	log->count++;
	return SQLITE_OK;
}

/* The tokens of text in the given mode, colocated ones joined by '/':
 * "quyết/quyet định/dinh".  Valid until the next call. */
static const char *
tokens(sqlite3 *db, int flags, const char *text)
{
	static struct token_log log;
	fts5_api *api = NULL;
	fts5_tokenizer tok;
	Fts5Tokenizer *t = NULL;
	sqlite3_stmt *st = NULL;
	void *ud = NULL;

	memset(&log, 0, sizeof log);
	log.text_len = (int)strlen(text);
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return "NO FTS5";
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api || api->xFindTokenizer(api, "sohoa_vi", &ud, &tok) != SQLITE_OK)
		return "NO TOKENIZER";
	if (tok.xCreate(ud, NULL, 0, &t) != SQLITE_OK)
		return "CREATE FAILED";
	if (tok.xTokenize(t, &log, flags, text, log.text_len, log_token) != SQLITE_OK)
		snprintf(log.text, sizeof log.text, "TOKENIZE FAILED");
	tok.xDelete(t);
	CHECK_INT(log.bad_offsets, 0);
	return log.text;
}

/* ---------------------------------------------------------------- vitext */

static void
check_forms(const char *in, const char *exact, const char *folded)
{
	char *e = sohoa_vi_exact(in, strlen(in), NULL);
	char *f = sohoa_vi_fold(in, strlen(in), NULL);

	CHECK_STR(e, exact);
	CHECK_STR(f, folded);
	free(e);
	free(f);
}

static void
test_forms_tone_placement(void)
{
	/* Open oa, oe, uy: both placements give the mark on the first vowel. */
	check_forms("hoà", "hòa", "hoa");
	check_forms("hòa", "hòa", "hoa");
	check_forms("thuỷ", "thủy", "thuy");
	check_forms("thủy", "thủy", "thuy");
	check_forms("Uỷ", "ủy", "uy");
	check_forms("Ủy", "ủy", "uy");
	check_forms("khoẻ", "khỏe", "khoe");
	check_forms("khỏe", "khỏe", "khoe");
	check_forms("HOẠ", "họa", "hoa");
	check_forms("xoè", "xòe", "xoe");
	/* Closed syllables keep (or get) the mark on the second vowel. */
	check_forms("hoàn", "hoàn", "hoan");
	check_forms("hòan", "hoàn", "hoan");
	check_forms("toán", "toán", "toan");
	check_forms("hoạch", "hoạch", "hoach");
	check_forms("thuyền", "thuyền", "thuyen");
	check_forms("Huỳnh", "huỳnh", "huynh");
	/* qu and gi are consonants. */
	check_forms("quý", "quý", "quy");
	check_forms("QUÝ", "quý", "quy");
	check_forms("qúy", "quý", "quy");
	check_forms("quỳnh", "quỳnh", "quynh");
	check_forms("quốc", "quốc", "quoc");
	check_forms("già", "già", "gia");
	check_forms("gìa", "già", "gia");
	/* Other clusters and words without a mark stay as they are. */
	check_forms("ngoài", "ngoài", "ngoai");
	check_forms("khuỷu", "khuỷu", "khuyu");
	check_forms("khoe", "khoe", "khoe");
	check_forms("thuở", "thuở", "thuo");
	check_forms("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
	    "cộng hòa xã hội chủ nghĩa việt nam", "cong hoa xa hoi chu nghia viet nam");
}

static void
test_forms_d_and_lookalikes(void)
{
	check_forms("Đ", "đ", "d");
	check_forms("đồng", "đồng", "dong");
	check_forms("\xc3\x90I\xe1\xbb\x80U", "điều", "dieu");   /* Ð U+00D0 */
	check_forms("\xc6\x89i\xe1\xbb\x81u", "điều", "dieu");   /* Ɖ U+0189 */
	check_forms("\xc9\x96i\xe1\xbb\x81u", "điều", "dieu");   /* ɖ U+0256 */
	check_forms("15/QĐ-UBND", "15/qđ-ubnd", "15/qd-ubnd");
	check_forms("UBND", "ubnd", "ubnd");
}

static void
test_forms_nfd_equals_nfc(void)
{
	char *a = sohoa_vi_exact(NFD_QUYET_DINH, strlen(NFD_QUYET_DINH), NULL);
	char *b = sohoa_vi_exact("Quyết Định", strlen("Quyết Định"), NULL);
	size_t len = 0;
	char *nfc = sohoa_vi_nfc(NFD_QUYET_DINH, strlen(NFD_QUYET_DINH), &len);

	CHECK_STR(a, "quyết định");
	CHECK_STR(b, "quyết định");
	CHECK_STR(nfc, "Quyết Định");
	CHECK_INT(len, strlen("Quyết Định"));
	free(a);
	free(b);
	free(nfc);
}

static void
test_utf8_validation(void)
{
	char *up;

	CHECK_INT(sohoa_vi_utf8_valid("Việt Nam", strlen("Việt Nam")), 1);
	CHECK_INT(sohoa_vi_utf8_valid("", 0), 1);
	CHECK_INT(sohoa_vi_utf8_valid("a\xff", 2), 0);
	CHECK_INT(sohoa_vi_utf8_valid("\xc0\xaf", 2), 0);          /* overlong '/' */
	CHECK_INT(sohoa_vi_utf8_valid("\xed\xa0\x80", 3), 0);      /* surrogate */
	CHECK_INT(sohoa_vi_utf8_valid("\xf4\x90\x80\x80", 4), 0);  /* > U+10FFFF */
	CHECK_INT(sohoa_vi_utf8_valid("\xe1\xbb", 2), 0);          /* truncated */
	CHECK(sohoa_vi_nfc("a\xff", 2, NULL) == NULL);
	CHECK(sohoa_vi_exact("a\xff", 2, NULL) == NULL);
	up = sohoa_vi_upper("15/qđ-ubnd", strlen("15/qđ-ubnd"), NULL);
	CHECK_STR(up, "15/QĐ-UBND");
	free(up);
}

static void
test_word_segmentation(void)
{
	const char *s = "Số: 15/QĐ-UBND ngày\xc2\xa0" "05 soft\xc2\xadhyphen end\xc2\xad ";
	const char *want[] = { "Số", "15", "QĐ", "UBND", "ngày", "05", "soft\xc2\xadhyphen", "end" };
	size_t pos = 0, a, b, n = 0, len = strlen(s);

	while (sohoa_vi_next_word(s, len, &pos, &a, &b)) {
		if (n < sizeof want / sizeof *want) {
			CHECK_INT(b - a, strlen(want[n]));
			CHECK(memcmp(s + a, want[n], b - a) == 0);
		}
		n++;
	}
	CHECK_INT(n, sizeof want / sizeof *want);
	/* Invalid bytes separate words instead of failing. */
	pos = 0;
	n = 0;
	while (sohoa_vi_next_word("ab\xff\xfe" "cd", 6, &pos, &a, &b))
		n++;
	CHECK_INT(n, 2);
}

/* ------------------------------------------------------------- tokenizer */

static void
test_tokenizer_document_mode(void)
{
	sqlite3 *db = open_db();

	CHECK_STR(tokens(db, FTS5_TOKENIZE_DOCUMENT, "Quyết định số 15/QĐ-UBND"),
	    "quyết/quyet định/dinh số/so 15 qđ/qd ubnd");
	CHECK_STR(tokens(db, FTS5_TOKENIZE_DOCUMENT, "Hoà Bình, Uỷ ban; thuỷ lợi & khoẻ"),
	    "hòa/hoa bình/binh ủy/uy ban thủy/thuy lợi/loi khỏe/khoe");
	CHECK_STR(tokens(db, FTS5_TOKENIZE_DOCUMENT, NFD_QUYET_DINH),
	    "quyết/quyet định/dinh");
	CHECK_STR(tokens(db, FTS5_TOKENIZE_AUX, "ĐIỀU 1."), "điều/dieu 1");
	CHECK_STR(tokens(db, FTS5_TOKENIZE_DOCUMENT, "...  \xff -- "), "");
	sqlite3_close(db);
}

static void
test_tokenizer_query_mode(void)
{
	sqlite3 *db = open_db();

	/* With diacritics: the exact form only; without: the folded form. */
	CHECK_STR(tokens(db, FTS5_TOKENIZE_QUERY, "Quyết dinh"), "quyết dinh");
	CHECK_STR(tokens(db, FTS5_TOKENIZE_QUERY, "hoà QD"), "hòa qd");
	CHECK_STR(tokens(db, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, "quyế"), "quyế");
	CHECK_STR(tokens(db, FTS5_TOKENIZE_QUERY, NFD_QUYET_DINH), "quyết định");
	sqlite3_close(db);
}

static void
test_tokenizer_offsets_for_highlight(void)
{
	sqlite3 *db = open_db();
	sqlite3_stmt *st = NULL;

	insert(db, 1, "Quyết định số 15/QĐ-UBND về việc khen thưởng");
	CHECK(sqlite3_prepare_v2(db, "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH ?1",
	    -1, &st, NULL) == SQLITE_OK);
	sqlite3_bind_text(st, 1, "dinh AND qd", -1, SQLITE_STATIC);
	CHECK_INT(sqlite3_step(st), SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0),
	    "Quyết [định] số 15/[QĐ]-UBND về việc khen thưởng");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void
test_unknown_option_refused(void)
{
	sqlite3 *db = open_db();

	CHECK(sqlite3_exec(db, "CREATE VIRTUAL TABLE u USING fts5(body, tokenize='sohoa_vi x')",
	    NULL, NULL, NULL) != SQLITE_OK);
	sqlite3_close(db);
}

static void
test_register_without_error_struct(void)
{
	sqlite3 *db = NULL;

	CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK);
	CHECK_INT(sohoa_index_register(db, NULL), SOHOA_OK);
	/* Registering twice replaces the tokenizer; it still works. */
	CHECK_INT(sohoa_index_register(db, NULL), SOHOA_OK);
	CHECK(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='sohoa_vi')",
	    NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
}

static void
test_folded_query_finds_exact_document(void)
{
	sqlite3 *db = open_db();

	insert(db, 1, "QUYẾT ĐỊNH về việc phê duyệt kế hoạch");
	insert(db, 2, "Quyet dinh ve viec phe duyet ke hoach");   /* OCR lost the marks */
	insert(db, 3, "Thông báo kết quả");
	CHECK_STR(search(db, "quyet dinh"), "1,2");
	CHECK_STR(search(db, "QUYET DINH"), "1,2");
	/* With diacritics the tokenizer asks for the exact word only. */
	CHECK_STR(search(db, "quyết định"), "1");
	CHECK_STR(search(db, "\"phê duyệt\""), "1");
	CHECK_STR(search(db, "\"phe duyet\""), "1,2");
	CHECK_STR(search(db, "quyết"), "1");
	CHECK_STR(search(db, "thong bao"), "3");
	sqlite3_close(db);
}

static void
test_d_stroke(void)
{
	sqlite3 *db = open_db();

	insert(db, 1, "Điều 1. Đồng ý chủ trương");
	insert(db, 2, "\xc3\x90I\xe1\xbb\x80U 2. (Ð look-alike from OCR)");
	insert(db, 3, "Dieu khoan chung");
	CHECK_STR(search(db, "dieu"), "1,2,3");
	CHECK_STR(search(db, "điều"), "1,2");
	CHECK_STR(search(db, "ĐIỀU"), "1,2");
	CHECK_STR(search(db, "dong y"), "1");
	CHECK_STR(search(db, "đồng"), "1");
	sqlite3_close(db);
}

static void
test_nfd_and_nfc_meet(void)
{
	sqlite3 *db = open_db();

	insert(db, 1, NFD_QUYET_DINH " khen thưởng");
	insert(db, 2, "Quyết định kỷ luật");
	CHECK_STR(search(db, "\"quyết định\" khen"), "1");
	CHECK_STR(search(db, "\"" NFD_QUYET_DINH "\" kỷ"), "2");
	CHECK_STR(search(db, "\"" NFD_QUYET_DINH "\""), "1,2");
	sqlite3_close(db);
}

static void
test_tone_placement_variants_equal(void)
{
	sqlite3 *db = open_db();

	insert(db, 1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
	insert(db, 2, "Cộng hoà xã hội");
	insert(db, 3, "Công trình thuỷ lợi");
	insert(db, 4, "Sở Thủy sản");
	insert(db, 5, "Uỷ ban nhân dân");
	insert(db, 6, "ỦY BAN NHÂN DÂN");
	insert(db, 7, "sức khoẻ");
	insert(db, 8, "hóa đơn");       /* folds to hoa as well, but is another word */
	CHECK_STR(search(db, "hòa"), "1,2");
	CHECK_STR(search(db, "hoà"), "1,2");
	CHECK_STR(search(db, "thủy"), "3,4");
	CHECK_STR(search(db, "thuỷ"), "3,4");
	CHECK_STR(search(db, "\"ủy ban\""), "5,6");
	CHECK_STR(search(db, "\"Uỷ ban\""), "5,6");
	CHECK_STR(search(db, "khỏe"), "7");
	CHECK_STR(search(db, "hoa"), "1,2,8");
	sqlite3_close(db);
}

static void
test_numbers_split_into_words(void)
{
	sqlite3 *db = open_db();

	insert(db, 1, "Số: 15/QĐ-UBND");
	insert(db, 2, "Số: 16/QĐ-UBND");
	insert(db, 3, "Số: 15/QD-UBND");
	CHECK_STR(search(db, "\"15 qd ubnd\""), "1,3");
	CHECK_STR(search(db, "\"15 qđ ubnd\""), "1");
	CHECK_STR(search(db, "\"15/QD-UBND\""), "1,3");
	sqlite3_close(db);
}

static void
test_prefix(void)
{
	sqlite3 *db = open_db();

	insert(db, 1, "Quyết định");
	insert(db, 2, "Quyền hạn");
	insert(db, 3, "Quy chế");
	CHECK_STR(search(db, "quye*"), "1,2");
	CHECK_STR(search(db, "quyế*"), "1");
	CHECK_STR(search(db, "quy*"), "1,2,3");
	sqlite3_close(db);
}

static void
test_hostile_document_text(void)
{
	sqlite3 *db = open_db();
	char big[5000];

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	insert(db, 1, "hỏng\xff\xfe dữ liệu \xe1\xbb\x81 \xcc\x81 rời");
	insert(db, 2, big);
	CHECK_STR(search(db, "hong"), "1");
	CHECK_STR(search(db, "roi"), "1");
	CHECK_STR(search(db, big), "2");
	sqlite3_close(db);
}

/*
 * Not an assertion on speed (sanitizer builds are slow), but the numbers are
 * printed so that a regression shows: real administrative text (repetitive,
 * as it is), and text of 14,000 distinct syllables, which defeats the word
 * cache.
 */
static int
count_token(void *ctx, int flags, const char *tok, int n, int start, int end)
{
	(void)flags;
	(void)tok;
	(void)n;
	(void)start;
	(void)end;
	(*(long *)ctx)++;
	return SQLITE_OK;
}

static long
time_tokenizer(sqlite3 *db, const char *what, const char *text, size_t len)
{
	fts5_api *api = NULL;
	fts5_tokenizer tok;
	Fts5Tokenizer *t = NULL;
	sqlite3_stmt *st = NULL;
	void *ud = NULL;
	long count = 0;
	struct timespec t0, t1;
	double secs;

	sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	CHECK(api && api->xFindTokenizer(api, "sohoa_vi", &ud, &tok) == SQLITE_OK);
	if (!api || tok.xCreate(ud, NULL, 0, &t) != SQLITE_OK)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(tok.xTokenize(t, &count, FTS5_TOKENIZE_DOCUMENT, text, (int)len,
	    count_token) == SQLITE_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	tok.xDelete(t);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("     tokenizer, %s: %.1f MB in %.3f s = %.1f MB/s, %ld tokens\n",
	    what, (double)len / 1e6, secs, (double)len / 1e6 / secs, count);
	return count;
}

static void
test_tokenizer_speed(void)
{
	static const char para[] =
	    "ỦY BAN NHÂN DÂN XÃ VĂN BÌNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - "
	    "Tự do - Hạnh phúc Số: 15/QĐ-UBND Văn Bình, ngày 05 tháng 3 năm 2024 "
	    "QUYẾT ĐỊNH Về việc phê duyệt kế hoạch sử dụng đất năm 2024 của xã. "
	    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; "
	    "Xét đề nghị của công chức Địa chính - Xây dựng, Điều 1. Phê duyệt kế "
	    "hoạch kèm theo Quyết định này. Điều 2. Quyết định có hiệu lực kể từ "
	    "ngày ký. Nơi nhận: Như Điều 3; Lưu: VT. TM. ỦY BAN NHÂN DÂN CHỦ TỊCH ";
	static const char *const initials[] = { "b", "c", "ch", "d", "đ", "g", "gi",
	    "h", "k", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "s", "t", "th",
	    "tr", "v", "x", "", "Đ" };
	static const char *const vowels[] = { "a", "à", "á", "ả", "ã", "ạ", "ă",
	    "ằ", "ắ", "ẳ", "ẵ", "ặ", "â", "ầ", "ấ", "ẩ", "ẫ", "ậ", "e", "è", "é",
	    "ẻ", "ẽ", "ẹ", "ê", "ề", "ế", "ể", "ễ", "ệ", "i", "ì", "í", "ỉ", "ĩ",
	    "ị", "o", "ò", "ó", "ỏ", "õ", "ọ", "ô", "ồ", "ố", "ổ", "ỗ", "ộ", "ơ",
	    "ờ", "ớ", "ở", "ỡ", "ợ", "u", "ù", "ú", "ủ", "ũ", "ụ", "ư", "ừ", "ứ",
	    "ử", "ữ", "ự", "oà", "uỷ" };
	static const char *const finals[] = { "", "c", "ch", "m", "n", "ng", "nh", "t" };
	size_t plen = strlen(para), reps = 2000, i, len = 0, cap = 4 << 20;
	char *text = malloc(plen * reps + 1);
	char *mixed = malloc(cap);
	sqlite3 *db = open_db();
	unsigned seed = 12345;

	CHECK(text && mixed);
	if (!text || !mixed) {
		free(text);
		free(mixed);
		sqlite3_close(db);
		return;
	}
	for (i = 0; i < reps; i++)
		memcpy(text + i * plen, para, plen);
	/* Every word once, plus a folded twin for most of them. */
	CHECK(time_tokenizer(db, "administrative text", text, plen * reps) > (long)(reps * 100));

	while (len + 32 < cap) {
		seed = seed * 1103515245u + 12345u;
		len += (size_t)snprintf(mixed + len, cap - len, "%s%s%s ",
		    initials[(seed >> 8) % (sizeof initials / sizeof *initials)],
		    vowels[(seed >> 13) % (sizeof vowels / sizeof *vowels)],
		    finals[(seed >> 21) % (sizeof finals / sizeof *finals)]);
	}
	CHECK(time_tokenizer(db, "14,000 distinct syllables", mixed, len) > (long)(len / 12));
	free(text);
	free(mixed);
	sqlite3_close(db);
}

/* Checks each token against a fresh computation of its word's forms. */
struct cache_check {
	const char *text;
	sohoa_vi_forms forms;
	long tokens, mismatches;
};

static int
check_token(void *ctx, int flags, const char *tok, int n, int start, int end)
{
	struct cache_check *c = ctx;

	c->tokens++;
	if (sohoa_vi_forms_compute(&c->forms, c->text + start, (size_t)(end - start)) != 0) {
		c->mismatches++;
		return SQLITE_OK;
	}
	if (flags & FTS5_TOKEN_COLOCATED) {
		if ((size_t)n != c->forms.folded_len || memcmp(tok, c->forms.folded, (size_t)n))
			c->mismatches++;
	} else if ((size_t)n != c->forms.exact_len || memcmp(tok, c->forms.exact, (size_t)n)) {
		c->mismatches++;
	}
	return SQLITE_OK;
}

static void
test_word_cache_returns_right_forms(void)
{
	/* Many distinct words, so that cache slots are shared and replaced;
	 * the second pass runs on a warm cache. */
	static const char *const parts[] = { "hoà", "Quý", "ĐỊNH", "thuỷ", "khoẻ",
	    "nghiêng", "ỦY", "Ɖ", "Quye\xcc\x82\xcc\x81t", "người", "x" };
	size_t cap = 1 << 20, len = 0, a, b;
	char *text = malloc(cap);
	sqlite3 *db = open_db();
	fts5_api *api = NULL;
	fts5_tokenizer tok;
	Fts5Tokenizer *t = NULL;
	sqlite3_stmt *st = NULL;
	void *ud = NULL;
	struct cache_check c;
	int pass;

	CHECK(text != NULL);
	if (!text) {
		sqlite3_close(db);
		return;
	}
	for (a = 0; len + 64 < cap; a++) {
		b = a * 7919u;
		len += (size_t)snprintf(text + len, cap - len, "%s%s%zu ",
		    parts[b % 11], parts[(b / 11) % 11], a % 300);
	}
	sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL);
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	CHECK(api && api->xFindTokenizer(api, "sohoa_vi", &ud, &tok) == SQLITE_OK);
	CHECK(api && tok.xCreate(ud, NULL, 0, &t) == SQLITE_OK);
	for (pass = 0; api && t && pass < 2; pass++) {
		memset(&c, 0, sizeof c);
		c.text = text;
		sohoa_vi_forms_init(&c.forms);
		CHECK(tok.xTokenize(t, &c, FTS5_TOKENIZE_DOCUMENT, text, (int)len,
		    check_token) == SQLITE_OK);
		CHECK(c.tokens > 20000);
		CHECK_INT(c.mismatches, 0);
		sohoa_vi_forms_release(&c.forms);
	}
	if (t)
		tok.xDelete(t);
	free(text);
	sqlite3_close(db);
}

int
main(void)
{
	TEST_RUN(test_forms_tone_placement);
	TEST_RUN(test_forms_d_and_lookalikes);
	TEST_RUN(test_forms_nfd_equals_nfc);
	TEST_RUN(test_utf8_validation);
	TEST_RUN(test_word_segmentation);
	TEST_RUN(test_tokenizer_document_mode);
	TEST_RUN(test_tokenizer_query_mode);
	TEST_RUN(test_tokenizer_offsets_for_highlight);
	TEST_RUN(test_unknown_option_refused);
	TEST_RUN(test_register_without_error_struct);
	TEST_RUN(test_folded_query_finds_exact_document);
	TEST_RUN(test_d_stroke);
	TEST_RUN(test_nfd_and_nfc_meet);
	TEST_RUN(test_tone_placement_variants_equal);
	TEST_RUN(test_numbers_split_into_words);
	TEST_RUN(test_prefix);
	TEST_RUN(test_hostile_document_text);
	TEST_RUN(test_word_cache_returns_right_forms);
	TEST_RUN(test_tokenizer_speed);
	return TEST_DONE();
}
