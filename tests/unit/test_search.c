/*
 * test_search.c - search over the catalog (search.h): a real catalog file
 * (migrations, triggers, the sohoa_vi tokenizer) holding real Vietnamese
 * administrative text, searched the way staff type.  Fields are inserted
 * straight into the fields table, as extraction or a person would.  Most
 * tests end with FTS5's own integrity check, which compares the index with
 * what docs_content gives now: it fails if invariant I1 of 003-search.sql
 * is ever broken.
 */
#include <stdarg.h>
#include <sqlite3.h>
#include <utf8proc.h>

#include "test.h"
#include "catalog_fixture.h"
#include "sohoa/catalog.h"
#include "index_int.h"
#include "sohoa/search.h"
#include "catalog_int.h"

static char src_dir[PATH_MAX];

/* The index holds exactly what the catalog says (I1), and SQLite agrees. */
static void
check_index(sohoa_catalog *cat)
{
	sqlite3 *db = sohoa_catalog_db(cat);

	fx_exec(db, "INSERT INTO docs_fts(docs_fts, rank) VALUES ('integrity-check', 1)");
	CHECK_INT(fx_query_int(db, "SELECT count(*) FROM pragma_integrity_check WHERE"
	    " integrity_check <> 'ok'"), 0);
}

/* Adds a record with its pages (as the engine stores OCR results) and
 * indexes it unless told not to.  Returns its id. */
static int64_t
add_record_opt(sohoa_catalog *cat, const char *name, const char *const *pages, int npages,
    int index)
{
	return fx_add_record(cat, &(struct fx_record){ .name = name, .origin = "ho-so-2024",
	    .size = 1000, .pages = pages, .npages = npages, .index = index });
}

static int64_t
add_record(sohoa_catalog *cat, const char *name, const char *const *pages, int npages)
{
	return add_record_opt(cat, name, pages, npages, 1);
}

/* The number, notation, date, type code, organ and subject of a record. */
static void
set_fields(sohoa_catalog *cat, int64_t id, const char *number, const char *notation,
    const char *date, const char *type, const char *organ, const char *subject)
{
	if (number)
		fx_set_ocr_field(cat, id, "codeNumber", number);
	if (notation)
		fx_set_ocr_field(cat, id, "codeNotation", notation);
	if (date)
		fx_set_ocr_field(cat, id, "issuedDate", date);
	if (type)
		fx_set_ocr_field(cat, id, "typeName", type);
	if (organ)
		fx_set_ocr_field(cat, id, "organName", organ);
	if (subject)
		fx_set_ocr_field(cat, id, "subject", subject);
}

static char *
nfd(const char *s)
{
	return (char *)utf8proc_NFD((const utf8proc_uint8_t *)s);
}

/* Runs a query: the ids in rank order as "1,3", "" for none, "BAD" when the
 * query was refused (with a message), "ERROR: ..." otherwise.  With res,
 * the results are left there (the caller releases them). */
static const char *
find_res(sohoa_catalog *cat, const char *q, int limit, int offset, sohoa_search_results *res)
{
	static char out[1024];
	sohoa_search_results local;
	sohoa_error err;
	sohoa_status st;
	size_t len = 0;

	if (!res) {
		sohoa_search_results_init(&local);
		res = &local;
	}
	sohoa_error_clear(&err);
	st = sohoa_search_run(cat, q, strlen(q), limit, offset, res, &err);
	out[0] = '\0';
	if (st == SOHOA_BAD_INPUT) {
		CHECKM(err.msg[0] != '\0', q);
		snprintf(out, sizeof out, "BAD");
	} else if (st != SOHOA_OK) {
		snprintf(out, sizeof out, "ERROR: %s", err.msg);
	} else {
		/* A full page, or all there is: counting and ranking agree. */
		long long want = res->total - offset < limit ? res->total - offset : limit;
		CHECKM((long long)res->count == (want > 0 ? want : 0), q);
		for (size_t i = 0; i < res->count; i++)
			len += (size_t)snprintf(out + len, len < sizeof out ? sizeof out - len : 0,
			    "%s%lld", i ? "," : "", (long long)res->items[i].id);
	}
	if (res == &local)
		sohoa_search_results_release(&local);
	return out;
}

static const char *
find(sohoa_catalog *cat, const char *q)
{
	return find_res(cat, q, 50, 0, NULL);
}

/* "1,3" from ids. */
static const char *
ids(int n, ...)
{
	static char out[256];
	va_list ap;
	size_t len = 0;

	out[0] = '\0';
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, sizeof out - len, "%s%lld", i ? "," : "",
		    (long long)va_arg(ap, int64_t));
	va_end(ap);
	return out;
}

#define FIND(cat, q, ...) do { char want_[256]; \
	snprintf(want_, sizeof want_, "%s", ids(__VA_ARGS__)); \
	const char *got_ = find(cat, q); \
	if (strcmp(got_, want_)) { test_failed_checks++; fprintf(stderr, \
	"  %s:%d: search '%s' gave \"%s\", expected \"%s\"\n", __FILE__, __LINE__, q, got_, \
	want_); } } while (0)

/* Sorted ids, to compare results whose order bm25 decides by length. */
static const char *
sorted(const char *list)
{
	static char out[1024];
	long long v[128];
	int n = 0;
	size_t len = 0;
	const char *p = list;

	while (*p && n < 128) {
		v[n++] = strtoll(p, (char **)&p, 10);
		if (*p == ',')
			p++;
		else if (*p)
			return list;
	}
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			long long t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, sizeof out - len, "%s%lld", i ? "," : "", v[i]);
	return out;
}

#define FIND_SET(cat, q, ...) do { char want_[256], got_[1024]; \
	snprintf(want_, sizeof want_, "%s", sorted(ids(__VA_ARGS__))); \
	snprintf(got_, sizeof got_, "%s", sorted(find(cat, q))); \
	if (strcmp(got_, want_)) { test_failed_checks++; fprintf(stderr, \
	"  %s:%d: search '%s' gave {%s}, expected {%s}\n", __FILE__, __LINE__, q, got_, \
	want_); } } while (0)

#define FIND_FIRST(cat, q, id) do { char want_[32], got_[1024]; \
	snprintf(want_, sizeof want_, "%lld", (long long)(id)); \
	snprintf(got_, sizeof got_, "%s", find(cat, q)); \
	if (strncmp(got_, want_, strlen(want_)) || (got_[strlen(want_)] != ',' \
	    && got_[strlen(want_)] != '\0')) { test_failed_checks++; fprintf(stderr, \
	"  %s:%d: search '%s' gave \"%s\", expected %s first\n", __FILE__, __LINE__, q, \
	got_, want_); } } while (0)

/* ------------------------------------------------------------ the archive */

/* The records every search test starts from. */
struct archive {
	sohoa_catalog *cat;
	int64_t qd15, qd16, cv12, tb7, hoadon, kh;
};

static const char *const QD15[] = {
	"ỦY BAN NHÂN DÂN\nXÃ VĂN BÌNH\nSố: 15/QĐ-UBND\n"
	"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
	"Văn Bình, ngày 05 tháng 3 năm 2024\nQUYẾT ĐỊNH\n"
	"Về việc phê duyệt kế hoạch sử dụng đất năm 2024\n"
	"CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ VĂN BÌNH\n"
	"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\n"
	"Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;\n"
	"Xét đề nghị của công chức địa chính - xây dựng,\nQUYẾT ĐỊNH:",
	"Điều 1. Phê duyệt kế hoạch sử dụng đất năm 2024 của xã Văn Bình.\n"
	"Điều 2. Giao công chức địa chính tổ chức thực hiện việc giao đất cho hộ gia đình, "
	"cá nhân theo đúng quy định.\nĐiều 3. Quyết định này có hiệu lực kể từ ngày ký.\n"
	"Nơi nhận:\n- Như Điều 3;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn An",
};

/* The same kind of decision, read by OCR without any diacritics. */
static const char *const QD16[] = {
	"UY BAN NHAN DAN\nXA VAN BINH\nSo: 16/QD-UBND\nQUYET DINH\n"
	"Ve viec phe duyet ke hoach su dung dat nam 2024 cua thon Dong\n"
	"Can cu Luat Dat dai ngay 18 thang 01 nam 2024;\nQuyet dinh nay co hieu luc ke tu ngay ky.",
};

/* A Công văn citing decision 15, with old tone placement (hoà, thuỷ). */
static const char *const CV12[] = {
	"ỦY BAN NHÂN DÂN\nXÃ VĂN BÌNH\nSố: 12/UBND-VX\nV/v tổ chức Tết Nguyên đán Giáp Thìn\n"
	"Văn Bình, ngày 10 tháng 01 năm 2024\nKính gửi: Các thôn trên địa bàn xã.\n"
	"Thực hiện Quyết định số 15/QĐ-UBND ngày 05/3/2024 của Ủy ban nhân dân xã, "
	"đề nghị các thôn tổ chức hoà giải ở cơ sở, kiểm tra công trình thuỷ lợi nội đồng "
	"và tổ chức đón Tết Nguyên đán an toàn, tiết kiệm.",
};

/* A Thông báo whose type is known only from its notation. */
static const char *const TB7[] = {
	"ỦY BAN NHÂN DÂN XÃ VÂN BÌNH\nSố: 07/TB-UBND\nTHÔNG BÁO\n"
	"Kết quả hòa giải tranh chấp đất đai tại thôn Bắc\n"
	"Ngày 02 tháng 11 năm 2023, tổ hòa giải đã họp với các hộ về ranh giới thửa đất "
	"giáp công trình thủy lợi.",
};

static const char *const HOADON[] = {
	"Hóa đơn mua vật tư cho công trình thủy lợi năm 2023.\n"
	"Kế hoạch nạo vét kênh mương trước mùa mưa lũ.",
};

/* Mentions Tết Nguyên đán twice, but only in its text. */
static const char *const KH[] = {
	"KẾ HOẠCH\nTổ chức các hoạt động văn hóa, thể thao mừng Đảng, mừng Xuân\n"
	"Trước Tết Nguyên đán, các thôn tổng vệ sinh đường làng; sau Tết Nguyên đán tổ chức "
	"hội xuân.",
};

static void
archive_open(struct archive *a)
{
	char *tb7 = nfd(TB7[0]);
	const char *tb7_pages[1] = { tb7 };

	memset(a, 0, sizeof *a);
	a->cat = fx_open_catalog();
	if (!a->cat) {
		free(tb7);
		return;
	}
	a->qd15 = add_record(a->cat, "qd-15.tif", QD15, 2);
	set_fields(a->cat, a->qd15, "15", "QĐ-UBND", "2024-03-05", "02", "UBND xã Văn Bình",
	    "Về việc phê duyệt kế hoạch sử dụng đất năm 2024");
	a->qd16 = add_record(a->cat, "qd-16.tif", QD16, 1);
	set_fields(a->cat, a->qd16, "16", "QĐ-UBND", "2024-03-20", "02", "UBND xã Văn Bình",
	    "Về việc phê duyệt kế hoạch sử dụng đất năm 2024 của thôn Đông");
	a->cv12 = add_record(a->cat, "cv-12.tif", CV12, 1);
	set_fields(a->cat, a->cv12, "12", "UBND-VX", "2024-01-10", "22", "UBND xã Văn Bình",
	    "V/v tổ chức Tết Nguyên đán Giáp Thìn");
	a->tb7 = add_record(a->cat, "tb-7.tif", tb7_pages, 1);      /* decomposed (NFD) */
	set_fields(a->cat, a->tb7, "07", "TB-UBND", "2023-11-02", NULL, "UBND xã Vân Bình",
	    "Kết quả hòa giải tranh chấp đất đai tại thôn Bắc");
	a->hoadon = add_record(a->cat, "hoa-don.jpg", HOADON, 1);   /* no fields at all */
	a->kh = add_record(a->cat, "ke-hoach.tif", KH, 1);
	set_fields(a->cat, a->kh, NULL, NULL, "2024-01-05", NULL, NULL, NULL);
	free(tb7);
}

/* ------------------------------------------------------------ tests */

static void
test_folded_and_exact(void)
{
	struct archive a;

	archive_open(&a);
	if (!a.cat)
		return;
	/* Without diacritics every spelling; with them the exact one first. */
	FIND_SET(a.cat, "quyet dinh dat", 2, a.qd15, a.qd16);
	FIND_SET(a.cat, "quyết định", 3, a.qd15, a.qd16, a.cv12);
	FIND(a.cat, "QUYẾT ĐỊNH ĐẤT ĐAI", 2, a.qd15, a.qd16);
	/* The OCR-damaged decision is shorter, so only the preference for the
	 * exact spelling puts decision 15 first. */
	FIND(a.cat, "luật đất đai", 2, a.qd15, a.qd16);
	FIND_SET(a.cat, "luat dat dai", 2, a.qd16, a.qd15);
	check_index(a.cat);
	sohoa_catalog_free(a.cat);
}

static void
test_field_weights_and_ties(void)
{
	struct archive a;
	sohoa_catalog *cat;
	const char *same[] = { "Biên bản họp giao ban công tác tháng 5 của Ủy ban nhân dân xã." };
	int64_t x, y, z;

	archive_open(&a);
	if (!a.cat)
		return;
	/* Tết Nguyên đán is the trích yếu of the Công văn; the plan names it
	 * twice in its text: the trích yếu weighs more. */
	FIND(a.cat, "tet nguyen dan", 2, a.cv12, a.kh);
	/* A number finds its own document first, then those citing it. */
	FIND(a.cat, "15/QĐ-UBND", 2, a.qd15, a.cv12);
	/* The type weighs more than a word in the text. */
	FIND(a.cat, "thông báo", 1, a.tb7);
	sohoa_catalog_free(a.cat);

	/* Equal scores: the newest first - issuedDate, else the day the
	 * record was made (today, newer than both). */
	unlink("catalog.db");
	cat = fx_open_catalog();
	if (!cat)
		return;
	x = add_record(cat, "x.tif", same, 1);
	fx_set_ocr_field(cat, x, "issuedDate", "2023-05-01");
	y = add_record(cat, "y.tif", same, 1);
	fx_set_ocr_field(cat, y, "issuedDate", "2022-05-01");
	z = add_record(cat, "z.tif", same, 1);
	FIND(cat, "giao ban", 3, z, x, y);
	FIND(cat, "biên bản", 3, z, x, y);
	check_index(cat);
	sohoa_catalog_free(cat);
}

static void
test_d_stroke_nfd_and_tone(void)
{
	struct archive a;
	sohoa_search_results res;
	char *want;
	char on[2] = { SOHOA_SEARCH_MARK_ON, 0 }, off[2] = { SOHOA_SEARCH_MARK_OFF, 0 };
	char buf[128];

	archive_open(&a);
	if (!a.cat)
		return;
	/* đ folds to d, and Đ's look-alike Ɖ (U+0189) is đ. */
	FIND_SET(a.cat, "dat dai", 3, a.tb7, a.qd16, a.qd15);
	FIND(a.cat, "đất đai", 3, a.tb7, a.qd15, a.qd16);
	FIND(a.cat, "\xc6\x89\xe1\xba\xa4T \xc4\x90\x41I", 3, a.tb7, a.qd15, a.qd16);
	/* With diacritics the exact word first, then what folds the same
	 * ("động", "đồng"). */
	FIND_FIRST(a.cat, "đông", a.qd16);
	FIND(a.cat, "\"thôn Đông\"", 1, a.qd16);
	/* The decomposed Thông báo is found by composed queries... */
	FIND(a.cat, "\"tranh chấp đất đai\"", 1, a.tb7);
	FIND(a.cat, "thôn Bắc", 1, a.tb7);
	/* ... and by a decomposed one. */
	want = nfd("tranh chấp");
	FIND(a.cat, want, 1, a.tb7);
	free(want);
	/* hòa (new placement, tb7) and hoà (old, cv12) are one word; hóa is
	 * another, ranked after them for a query with diacritics. */
	FIND(a.cat, "hòa giải", 2, a.tb7, a.cv12);
	FIND(a.cat, "hoà giải", 2, a.tb7, a.cv12);
	FIND(a.cat, "hoa giai", 2, a.tb7, a.cv12);
	FIND_SET(a.cat, "thủy lợi", 3, a.tb7, a.hoadon, a.cv12);
	FIND(a.cat, "thuỷ lợi -hóa", 2, a.tb7, a.cv12);
	FIND_FIRST(a.cat, "hoá đơn", a.hoadon);       /* "hoà ... đón" folds the same */
	FIND(a.cat, "\"hoá đơn\"", 1, a.hoadon);

	/* Folded matches are marked in the original text - decomposed here. */
	sohoa_search_results_init(&res);
	CHECK_STR(find_res(a.cat, "tranh chap dat dai", 10, 0, &res), ids(1, a.tb7));
	if (res.count == 1) {
		want = nfd("đất");
		snprintf(buf, sizeof buf, "%s%s%s", on, want, off);
		CHECKM(strstr(res.items[0].snippet, buf) != NULL, res.items[0].snippet);
		free(want);
		snprintf(buf, sizeof buf, "%sđất%s", on, off);    /* the field is NFC */
		CHECKM(res.items[0].subject && strstr(res.items[0].subject, buf) != NULL,
		    res.items[0].subject);
		CHECK_INT(res.items[0].page, 1);
	}
	/* ... and in composed text, with the page of the first match. */
	CHECK_STR(find_res(a.cat, "\"ho gia dinh\"", 10, 0, &res), ids(1, a.qd15));
	if (res.count == 1) {
		snprintf(buf, sizeof buf, "%shộ gia đình%s", on, off);     /* the phrase */
		CHECKM(strstr(res.items[0].snippet, buf) != NULL, res.items[0].snippet);
		CHECK_INT(res.items[0].page, 2);
		CHECK_STR(res.items[0].number, "15/QĐ-UBND");
		CHECK_STR(res.items[0].type_code, "02");
		CHECK_STR(res.items[0].type_name, "Quyết định");
		CHECK_STR(res.items[0].date, "2024-03-05");
		CHECK_STR(res.items[0].name, "qd-15.tif");
		CHECK_STR(res.items[0].origin, "ho-so-2024");
		CHECK(res.items[0].score > 0);
	}
	sohoa_search_results_release(&res);
	check_index(a.cat);
	sohoa_catalog_free(a.cat);
}

static void
test_numbers_and_dates(void)
{
	struct archive a;

	archive_open(&a);
	if (!a.cat)
		return;
	FIND(a.cat, "15/QĐ-UBND", 2, a.qd15, a.cv12);
	FIND(a.cat, "15/QD-UBND", 2, a.qd15, a.cv12);
	FIND(a.cat, "15 qđ ubnd", 2, a.qd15, a.cv12);
	FIND(a.cat, "15 QD UBND", 2, a.qd15, a.cv12);
	FIND(a.cat, "16/QĐ-UBND", 1, a.qd16);
	FIND(a.cat, "12/UBND-VX", 1, a.cv12);
	FIND(a.cat, "17/QĐ-UBND", 0);
	/* A number is not its parts: 115 is not 15. */
	FIND(a.cat, "5/QĐ-UBND", 0);
	/* Dates as written in documents: "ngày 05 tháng 3 năm 2024" (qd15) and
	 * "05/3/2024" (cv12). */
	FIND_SET(a.cat, "05/3/2024", 2, a.qd15, a.cv12);
	FIND_SET(a.cat, "5/3/2024", 2, a.qd15, a.cv12);
	FIND_SET(a.cat, "2024-03-05", 2, a.qd15, a.cv12);
	FIND(a.cat, "02/11/2023", 1, a.tb7);
	FIND(a.cat, "06/3/2024", 0);
	sohoa_catalog_free(a.cat);
}

static void
test_phrase_prefix_not(void)
{
	struct archive a;

	archive_open(&a);
	if (!a.cat)
		return;
	FIND_SET(a.cat, "\"kế hoạch sử dụng đất\"", 2, a.qd15, a.qd16);
	FIND(a.cat, "\"đất sử dụng\"", 0);
	FIND(a.cat, "\"tết nguyên đán\" \"giáp thìn\"", 1, a.cv12);
	/* An unclosed quote closes at the end. */
	FIND(a.cat, "\"hộ gia đình", 1, a.qd15);
	/* Nguyên đán, and Nguyễn (the signer) by its folded form. */
	FIND_SET(a.cat, "nguyê*", 3, a.qd15, a.cv12, a.kh);
	FIND_SET(a.cat, "nguyen*", 3, a.qd15, a.cv12, a.kh);
	FIND_FIRST(a.cat, "nguyễ*", a.qd15);
	FIND(a.cat, "mươ*", 1, a.hoadon);
	FIND(a.cat, "tết -giáp", 1, a.kh);
	FIND(a.cat, "quyết định -đông", 2, a.qd15, a.cv12);
	CHECK_STR(find(a.cat, "-đông"), "BAD");   /* nothing to look for */
	sohoa_catalog_free(a.cat);
}

static void
test_filters(void)
{
	struct archive a;
	sohoa_search_results res;

	archive_open(&a);
	if (!a.cat)
		return;
	/* Type: the code, the abbreviation in any case, the name. */
	FIND(a.cat, "loai:QĐ", 2, a.qd16, a.qd15);
	FIND(a.cat, "loai:qđ", 2, a.qd16, a.qd15);
	FIND(a.cat, "loai:QD", 2, a.qd16, a.qd15);
	FIND(a.cat, "loai:02", 2, a.qd16, a.qd15);
	FIND(a.cat, "loại:2", 2, a.qd16, a.qd15);
	FIND(a.cat, "loai:\"quyết định\"", 2, a.qd16, a.qd15);
	FIND(a.cat, "loai:\"quyet dinh\"", 2, a.qd16, a.qd15);
	FIND(a.cat, "loai:\"Công văn\"", 1, a.cv12);
	/* No typeName: the type abbreviation of its notation (TB-UBND). */
	FIND(a.cat, "loai:TB", 1, a.tb7);
	FIND(a.cat, "loai:KH", 0);
	CHECK_STR(find(a.cat, "loai:XYZ"), "BAD");
	/* What people call a type: CV for Công văn, names folded with '-'. */
	FIND(a.cat, "loai:CV", 1, a.cv12);
	FIND(a.cat, "loai:cv", 1, a.cv12);
	FIND(a.cat, "loai:quyet-dinh", 2, a.qd16, a.qd15);
	FIND(a.cat, "loai:QUYET_DINH", 2, a.qd16, a.qd15);
	FIND(a.cat, "loai:cong-van nguyen", 1, a.cv12);
	FIND(a.cat, "loai:ttr", 0);
	FIND(a.cat, "loai:tb", 1, a.tb7);
	{
		/* The shell split loai:Quyết định: the message says how to quote. */
		sohoa_error err;

		sohoa_search_results_init(&res);
		sohoa_error_clear(&err);
		CHECK(sohoa_search_run(a.cat, "loai:Quyết định đất", strlen("loai:Quyết định đất"),
		    10, 0, &res, &err) == SOHOA_BAD_INPUT);
		CHECKM(strstr(err.msg, "'loai:\"Quyết định\"'") != NULL, err.msg);
		CHECKM(strstr(err.msg, "loai:quyet-dinh") != NULL, err.msg);
		CHECKM(strstr(err.msg, "loai:QĐ") != NULL, err.msg);
		CHECKM(strstr(err.msg, "bị tách") != NULL, err.msg);
		sohoa_error_clear(&err);
		CHECK(sohoa_search_run(a.cat, "loai:Công văn", strlen("loai:Công văn"), 10, 0, &res,
		    &err) == SOHOA_BAD_INPUT);
		CHECKM(strstr(err.msg, "'loai:\"Công văn\"'") != NULL, err.msg);
		CHECKM(strstr(err.msg, "loai:CV") != NULL, err.msg);
		/* Not a type even with the next words: the general message, which
		 * never suggests a form the shell would break again. */
		sohoa_error_clear(&err);
		CHECK(sohoa_search_run(a.cat, "loai:Quyết đất đai", strlen("loai:Quyết đất đai"), 10,
		    0, &res, &err) == SOHOA_BAD_INPUT);
		CHECKM(strstr(err.msg, "Không biết loại văn bản \"Quyết\"") != NULL, err.msg);
		CHECKM(strstr(err.msg, "loai:quyet-dinh") != NULL, err.msg);
		sohoa_search_results_release(&res);
	}
	/* Number: exact, normalized; the Công văn citing 15 is not 15. */
	FIND(a.cat, "so:15/QĐ-UBND", 1, a.qd15);
	FIND(a.cat, "số:15/qd-ubnd", 1, a.qd15);
	FIND(a.cat, "so:\"15 / QĐ-UBND\"", 1, a.qd15);
	FIND(a.cat, "so:015/QĐ-UBND", 1, a.qd15);
	FIND(a.cat, "so:15", 1, a.qd15);
	FIND(a.cat, "so:7/TB-UBND", 1, a.tb7);
	FIND(a.cat, "so:12/UBND-VX", 1, a.cv12);
	FIND(a.cat, "so:UBND-VX", 1, a.cv12);
	FIND(a.cat, "so:QĐ-UBND", 2, a.qd16, a.qd15);
	FIND(a.cat, "so:15/TB-UBND", 0);
	/* Organ: contains, NFC; typed without diacritics it folds. */
	FIND(a.cat, "coquan:\"Văn Bình\"", 3, a.qd16, a.qd15, a.cv12);
	FIND(a.cat, "cơquan:\"Vân Bình\"", 1, a.tb7);
	FIND(a.cat, "coquan:\"van binh\"", 4, a.qd16, a.qd15, a.cv12, a.tb7);
	FIND(a.cat, "coquan:binh", 4, a.qd16, a.qd15, a.cv12, a.tb7);
	FIND(a.cat, "coquan:\"xã văn\"", 3, a.qd16, a.qd15, a.cv12);
	FIND(a.cat, "coquan:inh", 0);
	/* Dates on issuedDate, newest first. */
	FIND(a.cat, "nam:2024", 4, a.qd16, a.qd15, a.cv12, a.kh);
	FIND(a.cat, "nam:2023", 1, a.tb7);
	FIND(a.cat, "tu:2024-03-01", 2, a.qd16, a.qd15);
	FIND(a.cat, "từ:01/3/2024 đến:10/3/2024", 1, a.qd15);
	FIND(a.cat, "den:2024-01-09", 2, a.kh, a.tb7);
	FIND(a.cat, "nam:2024 tu:2025-01-01", 0);
	/* Month bounds (decided by the index alone) and a day inside one. */
	FIND_SET(a.cat, "tu:2024-03-01 den:2024-03-31 dat", 2, a.qd15, a.qd16);
	FIND(a.cat, "tu:2024-03-06 den:2024-03-31 dat", 1, a.qd16);
	FIND(a.cat, "tu:2024-02-01 den:2024-02-29 dat", 0);
	FIND_SET(a.cat, "tu:2023-11-01 den:2024-01-31 loai:TB", 1, a.tb7);
	CHECK_STR(find(a.cat, "tu:2024-13-01"), "BAD");
	/* Words and filters together. */
	FIND_SET(a.cat, "dat nam:2024", 2, a.qd15, a.qd16);
	FIND(a.cat, "dat dai loai:TB", 1, a.tb7);
	FIND(a.cat, "ke hoach coquan:\"văn bình\" tu:2024-03-10", 1, a.qd16);
	FIND(a.cat, "tet loai:QĐ", 0);
	FIND(a.cat, "loai:QĐ so:16/QĐ-UBND nam:2024 coquan:\"van binh\"", 1, a.qd16);
	/* A filter-only result shows the opening of its first page. */
	sohoa_search_results_init(&res);
	CHECK_STR(find_res(a.cat, "so:12/UBND-VX", 10, 0, &res), ids(1, a.cv12));
	if (res.count == 1) {
		CHECKM(strncmp(res.items[0].snippet, "ỦY BAN NHÂN DÂN", 10) == 0,
		    res.items[0].snippet);
		CHECK_STR(res.items[0].number, "12/UBND-VX");
		CHECK_STR(res.items[0].type_name, "Công văn");
		CHECK_INT(res.total, 1);
	}
	sohoa_search_results_release(&res);
	sohoa_catalog_free(a.cat);
}

/* Every hostile input is refused with a message or runs; nothing breaks. */
static void
test_hostile(void)
{
	static const char *const hostile[] = {
		"\"", "\"\"", "\"abc", "abc\"", "NEAR(", "NEAR(a b, 2)", "*", "**", "\"*\"",
		"^", ":", "body:x", "docs_fts:x", "{body}: x", "-", "--", "'",
		"'; DROP TABLE records; --", "\" OR 1=1 --", "') OR ('1'='1", "AND OR NOT",
		"(", ")", "so:\"", "coquan:\"", "loai:\"\"", "nam:", "so:/", "coquan:---",
		"loai:'", "so:'; DROP TABLE fields; --", "coquan:\"'); DROP TABLE x; --\"",
		"-quyết", "quyết -", "\xff\xfe", "quy\xe1\xbb", "\xc0\x80", "\xed\xa0\x80",
		"\xcc\x81", "nam:99999", "tu:0/0/0", "x NEAR/3 y", "\\", "%", "_", "dat*dai",
	};
	struct archive a;
	char *big;
	sqlite3 *db;

	archive_open(&a);
	if (!a.cat)
		return;
	for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++) {
		sohoa_search_results res;
		sohoa_error err;
		sohoa_status st;

		sohoa_search_results_init(&res);
		sohoa_error_clear(&err);
		st = sohoa_search_run(a.cat, hostile[i], strlen(hostile[i]), 20, 0, &res, &err);
		CHECKM(st == SOHOA_OK || st == SOHOA_BAD_INPUT, hostile[i]);
		if (st == SOHOA_BAD_INPUT) {
			CHECKM(err.msg[0] != '\0', hostile[i]);
			/* A message for a person: no SQL or FTS5 in it. */
			CHECKM(!strstr(err.msg, "fts5") && !strstr(err.msg, "SQL")
			    && !strstr(err.msg, "syntax") && !strstr(err.msg, "sqlite"), err.msg);
		}
		sohoa_search_results_release(&res);
	}
	/* Refused, in Vietnamese. */
	CHECK_STR(find(a.cat, "'; DROP TABLE records; --"), "");
	CHECK_STR(find(a.cat, "\xff\xfe quyết"), "BAD");
	CHECK_STR(find(a.cat, "-quyết"), "BAD");
	CHECK_STR(find(a.cat, ""), "BAD");
	CHECK_STR(find(a.cat, "   "), "BAD");
	big = malloc(10 * 1024 + 1);
	if (big) {
		for (int i = 0; i < 10 * 1024; i++)
			big[i] = "quyết định "[i % 11];
		big[10 * 1024] = '\0';
		CHECK_STR(find(a.cat, big), "BAD");
		free(big);
	}
	CHECK_STR(find_res(a.cat, "quyết", 0, 0, NULL), "BAD");
	CHECK_STR(find_res(a.cat, "quyết", 10, -1, NULL), "BAD");
	/* Everything is still there. */
	db = sohoa_catalog_db(a.cat);
	CHECK_INT(fx_query_int(db, "SELECT count(*) FROM records"), 6);
	CHECK_INT(fx_query_int(db, "SELECT count(*) FROM fields"), 24);
	FIND_SET(a.cat, "quyết định", 3, a.qd15, a.qd16, a.cv12);
	check_index(a.cat);
	sohoa_catalog_free(a.cat);
}

static void
test_paging(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	sohoa_search_results res;
	char text[256], seen[32];
	int64_t first = 0;

	if (!cat)
		return;
	memset(seen, 0, sizeof seen);
	for (int i = 0; i < 25; i++) {
		const char *pages[1] = { text };
		int64_t id;

		snprintf(text, sizeof text, "Thông báo số %d về việc diệt chuột bảo vệ mùa màng, "
		    "đợt %d.", i + 1, i + 1);
		id = add_record(cat, "chuot.tif", pages, 1);
		if (!first)
			first = id;
	}
	sohoa_search_results_init(&res);
	for (int page = 0; page < 4; page++) {
		find_res(cat, "diet chuot", 10, page * 10, &res);
		CHECK_INT(res.total, 25);
		CHECK_INT(res.count, page < 2 ? 10 : page == 2 ? 5 : 0);
		for (size_t i = 0; i < res.count; i++) {
			int64_t k = res.items[i].id - first;
			CHECK(k >= 0 && k < 25);
			if (k >= 0 && k < 25) {
				CHECK_INT(seen[k], 0);  /* never twice */
				seen[k] = 1;
			}
		}
	}
	for (int i = 0; i < 25; i++)
		CHECK_INT(seen[i], 1);
	find_res(cat, "diet chuot", 2000, 0, &res);
	CHECK_INT(res.count, 25);
	sohoa_search_results_release(&res);
	sohoa_catalog_free(cat);
}

/* A record of what a set of queries gives: ids, scores, snippets. */
static char *
snapshot(sohoa_catalog *cat)
{
	static const char *const queries[] = {
		"quyết định", "dat dai", "hoà giải", "15/QĐ-UBND", "05/3/2024", "\"kế hoạch\"",
		"nguyen*", "loai:QĐ", "nam:2024", "coquan:\"van binh\"", "thủy lợi -hóa",
	};
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	out[0] = '\0';
	for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
		sohoa_search_results res;
		sohoa_error err;

		sohoa_search_results_init(&res);
		sohoa_error_clear(&err);
		CHECKM(sohoa_search_run(cat, queries[q], strlen(queries[q]), 50, 0, &res, &err)
		    == SOHOA_OK, err.msg);
		len += (size_t)snprintf(out + len, cap - len, "%s: %lld\n", queries[q], res.total);
		for (size_t i = 0; i < res.count && len < cap; i++)
			len += (size_t)snprintf(out + len, cap - len, " %lld %.6f %d %s | %s\n",
			    (long long)res.items[i].id, res.items[i].score, res.items[i].page,
			    res.items[i].snippet, res.items[i].subject ? res.items[i].subject : "-");
		sohoa_search_results_release(&res);
	}
	return out;
}

static void
count_progress(void *arg, long long done, long long total)
{
	long long *calls = arg;

	CHECK(done <= total);
	(*calls)++;
}

static void
test_reindex_equals_incremental(void)
{
	struct archive a;
	char *before, *after;
	long long calls = 0;
	sohoa_error err;
	sqlite3 *db;

	archive_open(&a);
	if (!a.cat)
		return;
	db = sohoa_catalog_db(a.cat);
	before = snapshot(a.cat);
	sohoa_error_clear(&err);
	CHECKM(sohoa_search_reindex(a.cat, count_progress, &calls, &err) == SOHOA_OK, err.msg);
	CHECK(calls >= 2);
	after = snapshot(a.cat);
	CHECK(before && after);
	if (before && after && strcmp(before, after) != 0)
		CHECKM(0, "reindex changed the results");
	CHECK_INT(fx_query_int(db, "SELECT count(*) FROM docs_indexed"), 6);
	CHECK_INT(fx_query_int(db, "SELECT count(*) FROM docs_pending"), 0);
	check_index(a.cat);
	/* Twice in a row is the same too. */
	CHECKM(sohoa_search_reindex(a.cat, NULL, NULL, &err) == SOHOA_OK, err.msg);
	free(after);
	after = snapshot(a.cat);
	if (before && after && strcmp(before, after) != 0)
		CHECKM(0, "a second reindex changed the results");
	free(before);
	free(after);
	check_index(a.cat);
	sohoa_catalog_free(a.cat);
}

/* The index follows the catalog: fields at once, pages when indexed, and a
 * record whose indexing was lost to a crash is caught up. */
static void
test_index_follows_catalog(void)
{
	struct archive a;
	sohoa_search_results res;
	sohoa_page_result again[1];
	const char *lone[1] = { "Giấy mời dự hội nghị triển khai nâng cấp trạm bơm." };
	sohoa_error err;
	sqlite3 *db;
	int64_t lost, empty;

	archive_open(&a);
	if (!a.cat)
		return;
	db = sohoa_catalog_db(a.cat);
	sohoa_error_clear(&err);
	/* A person corrects the trích yếu: searchable at once, the old one
	 * gone. */
	FIND(a.cat, "giáp thìn", 1, a.cv12);
	fx_set_ocr_field(a.cat, a.cv12, "subject", "V/v tổ chức đón Xuân Ất Tỵ");
	FIND(a.cat, "ất tỵ", 1, a.cv12);
	CHECK_INT(fx_query_int(db, "SELECT count(*) FROM docs_fts WHERE docs_fts MATCH"
	    " '{subject} : \"giap thin\"'"), 0);
	check_index(a.cat);
	fx_exec(db, "DELETE FROM fields WHERE name = 'subject'");
	FIND(a.cat, "ất tỵ", 0);
	FIND(a.cat, "giáp thìn", 1, a.cv12);       /* still in its text */
	fx_exec(db, "UPDATE fields SET value = '2024' WHERE name = 'codeNotation'"
	    " AND record_id = (SELECT min(record_id) FROM fields)");
	check_index(a.cat);
	/* A page corrected by hand is searchable at once. */
	fx_exec(db, "UPDATE pages SET text = text || ' Trạm bơm Đồng Xuân.' WHERE page_no = 2");
	FIND(a.cat, "tram bom", 1, a.qd15);
	check_index(a.cat);
	/* OCR again: the record waits in the queue until indexed. */
	memset(again, 0, sizeof again);
	again[0].page_no = 1;
	again[0].text = "Quyết định về việc thu hồi đất xây dựng trường mầm non.";
	again[0].confidence = 88;
	again[0].status = "ok";
	CHECKM(sohoa_catalog_store_pages(a.cat, a.qd16, again, 1, &err) == SOHOA_OK, err.msg);
	sohoa_search_results_init(&res);
	CHECK_STR(find_res(a.cat, "mầm non", 10, 0, &res), "");
	CHECK_INT(res.pending, 1);
	sohoa_search_results_release(&res);
	check_index(a.cat);
	CHECKM(sohoa_search_index_record(a.cat, a.qd16, &err) == SOHOA_OK, err.msg);
	FIND(a.cat, "mầm non", 1, a.qd16);
	FIND(a.cat, "\"cua thon dong\"", 0);
	/* A crash between the OCR commit and the indexing: the next record
	 * indexed catches it up. */
	lost = add_record_opt(a.cat, "gm.png", lone, 1, 0);
	FIND(a.cat, "trạm bơm", 1, a.qd15);
	CHECK_INT(fx_query_int(db, "SELECT count(*) FROM docs_pending"), 1);
	CHECKM(sohoa_search_index_record(a.cat, a.qd15, &err) == SOHOA_OK, err.msg);
	FIND(a.cat, "trạm bơm", 2, lost, a.qd15);
	CHECK_INT(fx_query_int(db, "SELECT count(*) FROM docs_pending"), 0);
	/* Inside the caller's transaction. */
	CHECKM(sohoa_catalog_begin(a.cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_search_index_record(a.cat, lost, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_catalog_commit(a.cat, &err) == SOHOA_OK, err.msg);
	/* A record with no pages and no fields gets no row; an unknown id is
	 * nothing to do. */
	empty = add_record(a.cat, "trong.tif", NULL, 0);
	CHECK_INT(fx_query_int(db, "SELECT count(*) FROM docs_indexed WHERE id = (SELECT max(id)"
	    " FROM records)"), 0);
	(void)empty;
	CHECKM(sohoa_search_index_record(a.cat, 999999, &err) == SOHOA_OK, err.msg);
	check_index(a.cat);
	sohoa_catalog_free(a.cat);
}

/* Queued records are indexed at start-up; a damaged index is reported
 * and reindex repairs it. */
static void
test_pending_and_check(void)
{
	struct archive a;
	const char *p1[1] = { "Biên bản kiểm tra đê điều trước mùa mưa bão." };
	const char *p2[1] = { "Tờ trình xin kinh phí sửa chữa cống tiêu nước." };
	sohoa_error err;
	long long done = -1;
	int64_t x, y;
	sqlite3 *db;

	archive_open(&a);
	if (!a.cat)
		return;
	db = sohoa_catalog_db(a.cat);
	x = add_record_opt(a.cat, "bb.tif", p1, 1, 0);
	y = add_record_opt(a.cat, "ttr.tif", p2, 1, 0);
	FIND(a.cat, "\"de dieu\"", 0);
	sohoa_error_clear(&err);
	CHECKM(sohoa_search_check(a.cat, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_search_index_pending(a.cat, &done, &err) == SOHOA_OK, err.msg);
	CHECK_INT(done, 2);
	FIND(a.cat, "\"de dieu\"", 1, x);
	FIND(a.cat, "\"cong tieu\"", 1, y);
	CHECKM(sohoa_search_index_pending(a.cat, &done, &err) == SOHOA_OK, err.msg);
	CHECK_INT(done, 0);
	/* Fields stored while the pages wait for indexing are indexed with
	 * them, once. */
	CHECKM(sohoa_catalog_begin(a.cat, &err) == SOHOA_OK, err.msg);
	fx_exec(db, "INSERT INTO docs_pending (id) VALUES (1)");
	fx_set_ocr_field(a.cat, 1, "subject", "Quyết định giao đất làm sân vận động");
	CHECKM(sohoa_catalog_commit(a.cat, &err) == SOHOA_OK, err.msg);
	FIND(a.cat, "\"sân vận động\"", 0);
	CHECKM(sohoa_search_index_record(a.cat, 1, &err) == SOHOA_OK, err.msg);
	FIND(a.cat, "\"sân vận động\"", 1, (int64_t)1);
	check_index(a.cat);
	/* Damage: the bookkeeping says a record is not indexed while it is. */
	fx_exec(db, "DELETE FROM docs_indexed WHERE id = 1");
	sohoa_error_clear(&err);
	CHECK(sohoa_search_check(a.cat, &err) == SOHOA_FATAL);
	CHECKM(strstr(err.msg, "sohoa reindex") != NULL, err.msg);
	sohoa_error_clear(&err);
	CHECKM(sohoa_search_reindex(a.cat, NULL, NULL, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_search_check(a.cat, &err) == SOHOA_OK, err.msg);
	FIND(a.cat, "\"sân vận động\"", 1, (int64_t)1);
	sohoa_catalog_free(a.cat);
}

/* A catalog written by the previous version (schema 2, pages_fts) is
 * migrated: the old index goes, the records are in the new one. */
static void
test_migration_indexes_existing(void)
{
	const char *files[] = { "001-initial.sql", "002-fields-search.sql" };
	sqlite3 *db = NULL;
	sohoa_catalog *cat;

	CHECK(sqlite3_open("catalog.db", &db) == SQLITE_OK);
	for (int i = 0; i < 2; i++) {
		char path[PATH_MAX + 64];
		FILE *f;
		char *sql;
		long n;

		snprintf(path, sizeof path, "%s/schemas/catalog/%s", src_dir, files[i]);
		f = fopen(path, "r");
		CHECKM(f != NULL, path);
		if (!f) {
			sqlite3_close(db);
			return;
		}
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		rewind(f);
		sql = calloc(1, (size_t)n + 1);
		CHECK(sql && fread(sql, 1, (size_t)n, f) == (size_t)n);
		fclose(f);
		if (sql)
			fx_exec(db, sql);
		free(sql);
	}
	fx_exec(db, "PRAGMA user_version = 2;"
	    " INSERT INTO records (spool_id, state, size, name, name_raw, created_at, updated_at)"
	    " VALUES ('old', 'done', 1, 'cu.tif', x'00', '2020-01-01T00:00:00Z',"
	    " '2020-01-01T00:00:00Z');"
	    " INSERT INTO pages (record_id, page_no, text) VALUES (1, 1,"
	    " 'Biên bản kiểm tra đê điều năm 2020');"
	    " INSERT INTO fields (record_id, name, value, source) VALUES"
	    " (1, 'subject', 'Kiểm tra đê điều', 'ocr');");
	sqlite3_close(db);
	cat = fx_open_catalog();
	if (!cat)
		return;
	FIND(cat, "de dieu", 1, (int64_t)1);
	FIND(cat, "biên bản", 1, (int64_t)1);
	CHECK_INT(fx_query_int(sohoa_catalog_db(cat), "SELECT count(*) FROM sqlite_master"
	    " WHERE name = 'pages_fts'"), 0);
	check_index(cat);
	sohoa_catalog_free(cat);
}

/* Checks that a search's results are all its exact matches, then all its
 * approximate ones, as many of each as it counted, and returns the ids in
 * order with an "~" before each approximate one: "3,~1,~5". */
static const char *
find_marked(sohoa_catalog *cat, const char *q, long long want_exact, long long want_approx)
{
	static char out[1024];
	sohoa_search_results res;
	size_t len = 0;
	long long exact = 0, approx = 0;
	int seen_approx = 0;

	sohoa_search_results_init(&res);
	snprintf(out, sizeof out, "%s", find_res(cat, q, 50, 0, &res));
	if (strncmp(out, "BAD", 3) == 0 || strncmp(out, "ERROR", 5) == 0) {
		sohoa_search_results_release(&res);
		return out;
	}
	out[0] = '\0';
	for (size_t i = 0; i < res.count; i++) {
		const sohoa_search_result *r = &res.items[i];

		CHECKM(!seen_approx || r->approximate, q);     /* exact ones first */
		seen_approx |= r->approximate;
		if (r->approximate)
			approx++;
		else
			exact++;
		len += (size_t)snprintf(out + len, len < sizeof out ? sizeof out - len : 0,
		    "%s%s%lld", i ? "," : "", r->approximate ? "~" : "", (long long)r->id);
	}
	CHECK_INT(res.exact_total, want_exact);
	CHECK_INT(res.approximate_total, want_approx);
	CHECK_INT(res.exact_total + res.approximate_total, res.total);
	CHECK_INT(exact, res.exact_total);
	CHECK_INT(approx, res.approximate_total);
	sohoa_search_results_release(&res);
	return out;
}


/* The comma-separated tokens of list in strcmp order (ids marked "~"
 * included), to compare results whose order among equals is not fixed. */
static const char *
sorted_tokens(const char *list, char *out, size_t n)
{
	char copy[1024], *tok[128];
	int k = 0;
	size_t len = 0;

	snprintf(copy, sizeof copy, "%s", list);
	for (char *p = copy; *p && k < 128; ) {
		tok[k++] = p;
		p = strchr(p, ',');
		if (!p)
			break;
		*p++ = '\0';
	}
	for (int i = 1; i < k; i++)
		for (int j = i; j > 0 && strcmp(tok[j - 1], tok[j]) > 0; j--) {
			char *t = tok[j];
			tok[j] = tok[j - 1];
			tok[j - 1] = t;
		}
	out[0] = '\0';
	for (int i = 0; i < k; i++)
		len += (size_t)snprintf(out + len, len < n ? n - len : 0, "%s%s", i ? "," : "",
		    tok[i]);
	return out;
}

#define CHECK_SAME_SET(got, want) do { char g_[1024], w_[1024]; \
	CHECK_STR(sorted_tokens(got, g_, sizeof g_), sorted_tokens(want, w_, sizeof w_)); \
	} while (0)

#define FIND_MARKED(cat, q, ne, na, want) do { const char *got_ = find_marked(cat, q, ne, na); \
	if (strcmp(got_, want)) { test_failed_checks++; fprintf(stderr, \
	"  %s:%d: search '%s' gave \"%s\", expected \"%s\"\n", __FILE__, __LINE__, q, got_, \
	want); } } while (0)

static void
test_exact_and_approximate(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	/* "đắt" (dear) and "đất" (land) differ only by their marks. */
	const char *dear[] = { "Giá thuê mặt bằng ở chợ xã năm nay rất đắt." };
	const char *land[] = { "Biên bản đo đạc đất: mảnh đất thổ cư, đất vườn, đất ao liền kề." };
	const char *bare[] = { "Gia thue dat o cho xa nam nay rat dat." };      /* OCR without marks */
	const char *both[] = { "Giá đất nông nghiệp." };
	const char *old_tone[] = { "Tổ hoà giải ở cơ sở họp về tranh chấp." };
	const char *new_tone[] = { "Tổ hòa giải ở cơ sở họp về tranh chấp." };
	const char *other_tone[] = { "Tổ hóa giải ở cơ sở họp về tranh chấp." };
	int64_t a, b, c, d, e, f, g;
	char want[256];
	sohoa_search_results res;

	if (!cat)
		return;
	a = add_record(cat, "dear.tif", dear, 1);
	fx_set_ocr_field(cat, a, "issuedDate", "2024-05-01");
	b = add_record(cat, "land.tif", land, 1);
	/* Its trích yếu is full of the other word: without the tiers it would
	 * outrank the exact match. */
	fx_set_ocr_field(cat, b, "subject", "Về việc giao đất, thu hồi đất");
	fx_set_ocr_field(cat, b, "issuedDate", "2024-06-01");
	c = add_record(cat, "bare.tif", bare, 1);
	fx_set_ocr_field(cat, c, "issuedDate", "2023-06-01");
	d = add_record(cat, "both.tif", both, 1);
	e = add_record(cat, "old.tif", old_tone, 1);
	f = add_record(cat, "new.tif", new_tone, 1);
	g = add_record(cat, "other.tif", other_tone, 1);

	/* Typed with its marks: the exact spelling, then the rest marked. */
	snprintf(want, sizeof want, "%lld,~%lld,~%lld,~%lld", (long long)a, (long long)b,
	    (long long)c, (long long)d);
	CHECK_SAME_SET(find_marked(cat, "đắt", 1, 3), want);
	CHECK_INT(strtoll(find_marked(cat, "đắt", 1, 3), NULL, 10), a);
	CHECK_SAME_SET(find_marked(cat, "ĐẮT", 1, 3), want);
	/* Without marks: every spelling, all exact. */
	CHECK_STR(sorted(find_marked(cat, "dat", 4, 0)), sorted(ids(4, a, b, c, d)));
	/* Several words: exact only when every word typed with marks is. */
	snprintf(want, sizeof want, "%lld,~%lld,~%lld", (long long)a, (long long)c, (long long)d);
	CHECK_SAME_SET(find_marked(cat, "giá đắt", 1, 2), want);
	CHECK_INT(strtoll(find_marked(cat, "giá đắt", 1, 2), NULL, 10), a);
	/* A word without marks does not make anything approximate. */
	CHECK_SAME_SET(find_marked(cat, "gia đắt", 1, 2), want);
	CHECK_STR(find_marked(cat, "giao đất", 1, 0), ids(1, b));
	/* Counted after the filters. */
	snprintf(want, sizeof want, "%lld,~%lld", (long long)a, (long long)b);
	FIND_MARKED(cat, "đắt nam:2024", 1, 1, want);
	/* A negated word excludes only its exact spelling. */
	snprintf(want, sizeof want, "%lld,%lld,~%lld", (long long)b, (long long)d, (long long)c);
	CHECK_SAME_SET(find_marked(cat, "đất -đắt", 2, 1), want);
	/* Old and new tone placement are the same spelling; another tone is not. */
	snprintf(want, sizeof want, "%lld,%lld,~%lld", (long long)f, (long long)e, (long long)g);
	CHECK_SAME_SET(find_marked(cat, "hòa giải", 2, 1), want);
	CHECK_SAME_SET(find_marked(cat, "hoà giải", 2, 1), want);
	CHECK_SAME_SET(find_marked(cat, "\"hòa giải\"", 2, 1), want);
	snprintf(want, sizeof want, "%lld,~%lld,~%lld", (long long)g, (long long)e, (long long)f);
	CHECK_SAME_SET(find_marked(cat, "hóa giải", 1, 2), want);
	CHECK_INT(strtoll(find_marked(cat, "hóa giải", 1, 2), NULL, 10), g);
	/* Filters only: nothing typed, nothing approximate. */
	CHECK_STR(sorted(find_marked(cat, "nam:2024", 2, 0)), sorted(ids(2, a, b)));

	/* Pages of approximate results keep their mark and the counts. */
	sohoa_search_results_init(&res);
	CHECK_STR(find_res(cat, "đắt", 1, 1, &res), ids(1, b));
	CHECK_INT(res.count, 1);
	CHECK(res.count == 1 && res.items[0].approximate);
	CHECK_INT(res.exact_total, 1);
	CHECK_INT(res.approximate_total, 3);
	sohoa_search_results_release(&res);
	check_index(cat);
	sohoa_catalog_free(cat);
}

/* Từ khóa and ghi chú are searched (migration 011), and the index follows
 * their changes. */
static void
test_keyword_and_description(void)
{
	sohoa_catalog *cat = fx_open_catalog();
	const char *text[] = { "Biên bản họp thôn về việc nạo vét kênh mương." };
	const char *other[] = { "Thông báo lịch tiếp công dân." };
	int64_t a, b;

	if (!cat)
		return;
	a = add_record(cat, "a.tif", text, 1);
	b = add_record(cat, "b.tif", other, 1);
	FIND(cat, "đê điều", 0);
	fx_set_ocr_field(cat, a, "keyword", "đê điều; phòng chống lụt bão");
	fx_set_ocr_field(cat, b, "description", "Bản chính lưu tại kho lưu trữ xã, hộp số 7");
	FIND(cat, "đê điều", 1, a);
	FIND(cat, "phong chong lut bao", 1, a);
	FIND(cat, "kho lưu trữ", 1, b);
	FIND(cat, "\"hộp số 7\"", 1, b);
	/* A keyword weighs more than a word of the text. */
	fx_set_ocr_field(cat, b, "keyword", "nạo vét");
	FIND(cat, "nạo vét", 2, b, a);
	/* Changed and removed: the index follows at once. */
	fx_set_ocr_field(cat, a, "keyword", "thủy lợi");
	FIND(cat, "đê điều", 0);
	FIND(cat, "thuy loi", 1, a);
	fx_exec(sohoa_catalog_db(cat), "DELETE FROM fields WHERE name = 'description'");
	FIND(cat, "kho lưu trữ", 0);
	check_index(cat);
	/* sohoa reindex gives the same. */
	CHECK(sohoa_search_reindex(cat, NULL, NULL, NULL) == SOHOA_OK);
	FIND(cat, "thuy loi", 1, a);
	FIND(cat, "nạo vét", 2, b, a);
	check_index(cat);
	sohoa_catalog_free(cat);
}

/* A catalog of version 7 (before 011): its records are indexed again with
 * their keywords, and queued records stay queued. */
static void
test_migration_011(void)
{
	const char *files[] = { "001-initial.sql", "002-fields-search.sql", "003-search.sql",
	    "004-description.sql", "005-backup.sql", "006-exports.sql", "007-duplicates.sql" };
	sqlite3 *db = NULL;
	sohoa_catalog *cat;
	sohoa_error err;

	CHECK(sqlite3_open("catalog.db", &db) == SQLITE_OK);
	sohoa_error_clear(&err);
	CHECKM(sohoa_index_register(db, &err) == SOHOA_OK, err.msg);
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		char path[PATH_MAX + 64];
		FILE *f;
		char *sql;
		long n;

		snprintf(path, sizeof path, "%s/schemas/catalog/%s", src_dir, files[i]);
		f = fopen(path, "r");
		CHECKM(f != NULL, path);
		if (!f) {
			sqlite3_close(db);
			return;
		}
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		rewind(f);
		sql = calloc(1, (size_t)n + 1);
		CHECK(sql && fread(sql, 1, (size_t)n, f) == (size_t)n);
		fclose(f);
		if (sql)
			fx_exec(db, sql);
		free(sql);
	}
	fx_exec(db, "PRAGMA user_version = 7;"
	    " INSERT INTO records (spool_id, state, size, name, name_raw, created_at, updated_at)"
	    " VALUES ('a', 'done', 1, 'a.tif', x'00', '2024-01-01T00:00:00Z',"
	    " '2024-01-01T00:00:00Z'), ('b', 'done', 1, 'b.tif', x'00', '2024-01-01T00:00:00Z',"
	    " '2024-01-01T00:00:00Z');"
	    " INSERT INTO pages (record_id, page_no, text) VALUES (1, 1, 'Biên bản kiểm tra');"
	    " INSERT INTO fields (record_id, name, value, source) VALUES"
	    " (1, 'keyword', 'đê điều', 'person');"
	    " INSERT INTO pages (record_id, page_no, text) VALUES (2, 1, 'Kế hoạch');"
	    " INSERT INTO fields (record_id, name, value, source) VALUES"
	    " (2, 'description', 'hồ sơ gốc', 'person');");
	/* Record 2 waits in the queue, as after a crash. */
	CHECK_INT(fx_query_int(db, "SELECT count(*) FROM docs_pending"), 2);
	fx_exec(db, "DELETE FROM docs_pending WHERE id = 1;"
	    " INSERT INTO docs_fts (rowid, subject, doctype, number, organ, body, meta)"
	    " SELECT id, subject, doctype, number, organ, body, meta FROM docs_source WHERE id = 1;"
	    " INSERT INTO docs_indexed (id) VALUES (1);");
	sqlite3_close(db);
	cat = fx_open_catalog();
	if (!cat)
		return;
	CHECK_INT(fx_query_int(sohoa_catalog_db(cat), "PRAGMA user_version"),
	    sohoa_catalog_schema_version());
	FIND(cat, "đê điều", 1, (int64_t)1);
	FIND(cat, "biên bản", 1, (int64_t)1);
	FIND(cat, "hồ sơ gốc", 0);
	CHECK_INT(fx_query_int(sohoa_catalog_db(cat), "SELECT count(*) FROM docs_pending"), 1);
	check_index(cat);
	CHECK(sohoa_search_index_pending(cat, NULL, NULL) == SOHOA_OK);
	FIND(cat, "hồ sơ gốc", 1, (int64_t)2);
	check_index(cat);
	sohoa_catalog_free(cat);
}

int
main(void)
{
	if (!getcwd(src_dir, sizeof src_dir))
		return 2;
	TEST_RUN(test_folded_and_exact);
	TEST_RUN(test_exact_and_approximate);
	TEST_RUN(test_field_weights_and_ties);
	TEST_RUN(test_d_stroke_nfd_and_tone);
	TEST_RUN(test_numbers_and_dates);
	TEST_RUN(test_phrase_prefix_not);
	TEST_RUN(test_filters);
	TEST_RUN(test_hostile);
	TEST_RUN(test_paging);
	TEST_RUN(test_reindex_equals_incremental);
	TEST_RUN(test_index_follows_catalog);
	TEST_RUN(test_pending_and_check);
	TEST_RUN(test_migration_indexes_existing);
	TEST_RUN(test_keyword_and_description);
	TEST_RUN(test_migration_011);
	return TEST_DONE();
}
