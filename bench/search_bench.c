/*
 * search_bench.c - make bench-search: how search behaves as the catalog
 * grows (issue 5).  Not a test: it prints figures.
 *
 * It generates Vietnamese administrative documents in the manner of
 * ND 30/2020 (header, số/ký hiệu, date line, type, trích yếu, "Căn cứ ..."
 * lines, articles, lists of households with names and parcel numbers,
 * "Nơi nhận", signature), 1 to 8 pages each, from a seed (the same seed
 * gives the same bytes), with a little OCR damage (dropped diacritics,
 * đ read as d).  Records go into a real catalog in a temporary directory
 * the way the daemon stores them - record, pages, extracted fields (for
 * nine documents in ten), then sohoa_search_index_record() - in
 * transactions of 100 records (the daemon commits each record, but at OCR
 * speed; the fsync per commit is not what is measured here).
 *
 * At each size (default 1k, 100k and 1M pages; the catalog grows from one
 * to the next) it prints the indexing rate of that stage, the index size
 * against the raw text, and p50/p99 latency of a fixed mix of queries run
 * through sohoa_search_run() (count, ranking, 20 results with snippets):
 * 1-3 words folded and exact, phrases, number look-ups, filtered by date.
 *
 *   search_bench [-s SEED] [-d DIR] [-r RUNS] [-R SIZE] [-b N] [-k] [-q] [-Q] SIZE...
 *     -r  runs of each query (5)
 *     -b  records per transaction (100); a larger batch with -b also turns
 *         off the fsync (PRAGMA synchronous = OFF): for generating a big
 *         catalog to keep (make bench-web), where a crash means start again
 *     -R  after the stage of that size, time a full reindex and query again
 *     -k  keep the catalog (printed at the end); a kept catalog in -d DIR
 *         that an earlier run began is grown from where it stopped
 *   While DIR/PAUSE exists the generator waits between transactions
 *   (bench/web.sh pauses it so that a run on a growing store is fair).
 *     -q  no per-query lines
 *     -Q  only run the queries, on the catalog kept in -d DIR
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sohoa/catalog.h"
#include "sohoa/fields.h"
#include "sohoa/search.h"
#include "sohoa/vitext.h"
#include "catalog_int.h"

/* ------------------------------------------------------------ randomness */

/* xorshift64*: small, fast, and the same sequence everywhere. */
static uint64_t rng_state;

static uint64_t
rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static unsigned
rnd(unsigned n)
{
	return (unsigned)((rng_next() >> 33) % n);
}

/* Zipf-like pick from n items: early items much more often, as words are. */
static unsigned
rnd_skew(unsigned n)
{
	unsigned a = rnd(n), b = rnd(n);
	return a < b ? a : b;
}

#define PICK(arr) (arr[rnd(sizeof arr / sizeof *arr)])
#define PICK_SKEW(arr) (arr[rnd_skew(sizeof arr / sizeof *arr)])

/* ------------------------------------------------------------ vocabulary */

static const char *const communes[] = {
	"Văn Bình", "Đan Phượng", "Tân Lập", "Hồng Hà", "Liên Hà", "Thượng Mỗ", "Phương Đình",
	"Đồng Tháp", "Hạ Mỗ", "Song Phượng", "Thọ An", "Thọ Xuân", "Trung Châu", "Liên Hồng",
	"Liên Trung", "Tân Hội", "Đông Hội", "Vân Côn", "Kim Chung", "Sơn Đồng", "Đức Giang",
	"Yên Sở", "Cát Quế", "Dương Liễu", "Minh Khai", "Đắc Sở", "Tiền Yên", "Song Phương",
	"An Khánh", "An Thượng", "Vân Canh", "Lại Yên", "Đức Thượng", "Phù Lỗ", "Mai Lâm",
	"Hoà Bình", "Thuỷ Xuân Tiên", "Quảng Bị", "Hợp Đồng", "Ngọc Hoà",
};
static const char *const villages[] = {
	"Đông", "Tây", "Nam", "Bắc", "Thượng", "Hạ", "Trung", "Phú Mỹ", "An Lạc", "Yên Nội",
	"Đoài", "Vĩnh Thanh", "Hậu Ái", "Lưu Xá", "Cổ Ngõa", "Bãi Tháp", "Tháp Thượng",
	"Thống Nhất", "Đoàn Kết", "Quyết Tiến", "Ninh Sơn", "Khê Thượng", "Phùng Thượng",
};
static const char *const surnames[] = {
	"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi",
	"Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Tạ", "Khuất", "Kiều", "Chu", "Quách",
};
static const char *const middles[] = {
	"Văn", "Thị", "Đức", "Minh", "Hữu", "Thanh", "Quốc", "Ngọc", "Xuân", "Thu", "Hồng",
	"Kim", "Công", "Đình", "Bá", "Mạnh", "Thuý", "Diệu",
};
static const char *const given[] = {
	"An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Lan", "Linh",
	"Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quang", "Sơn", "Tâm", "Thắng", "Thảo",
	"Thành", "Trang", "Trung", "Tuấn", "Vinh", "Yến", "Hoà", "Thuỷ", "Khoa", "Lộc",
	"Nhung", "Oanh", "Quý", "Tùng", "Việt", "Xuyến", "Điệp", "Đạt",
};
static const char *const verbs[] = {
	"tổ chức", "triển khai", "kiểm tra", "rà soát", "tuyên truyền", "phối hợp thực hiện",
	"chỉ đạo", "thực hiện", "hướng dẫn", "báo cáo kết quả", "đôn đốc", "giám sát",
	"lập hồ sơ", "xây dựng kế hoạch", "bố trí kinh phí", "vận động nhân dân",
	"phê duyệt", "nghiệm thu", "tổng hợp", "thẩm định", "quản lý", "khắc phục",
};
/* Topics, the words people search for; a few are very common. */
static const char *const topics[] = {
	"sử dụng đất", "công tác phòng chống dịch bệnh", "xây dựng nông thôn mới",
	"giải phóng mặt bằng", "cấp giấy chứng nhận quyền sử dụng đất", "chăm sóc vườn bưởi",
	"nạo vét kênh mương", "tiêm phòng gia súc, gia cầm", "diệt chuột bảo vệ sản xuất",
	"nâng cấp trạm bơm tưới tiêu", "xây dựng cầu phao qua sông", "lợp ngói nhà văn hóa thôn",
	"phòng chống bão lụt", "trực xuồng cứu hộ mùa mưa lũ", "an toàn thực phẩm",
	"phòng cháy chữa cháy", "bầu cử đại biểu Hội đồng nhân dân", "chi trả trợ cấp xã hội",
	"hỗ trợ hộ nghèo", "sửa chữa đường giao thông nông thôn", "thu gom rác thải sinh hoạt",
	"tiêm chủng mở rộng", "phòng chống sốt xuất huyết", "chuyển đổi cơ cấu cây trồng",
	"kiểm kê đất đai", "cải cách hành chính", "chứng thực bản sao", "đăng ký hộ tịch",
	"tuyển chọn công dân nhập ngũ", "huấn luyện dân quân tự vệ", "bảo vệ môi trường",
	"phát triển hợp tác xã", "xử lý vi phạm trật tự xây dựng", "thu thuế sử dụng đất phi nông nghiệp",
	"quản lý lò gạch thủ công", "trồng cây xanh", "kiên cố hóa kênh mương nội đồng",
	"dồn điền đổi thửa", "thủy lợi nội đồng", "hoà giải ở cơ sở", "khen thưởng học sinh giỏi",
	"tổ chức Tết Nguyên đán", "mừng thọ người cao tuổi", "xây dựng trường mầm non",
	"cải tạo nghĩa trang nhân dân", "cấp nước sạch nông thôn", "chuyển đổi số",
	"lắp đặt hệ thống truyền thanh", "quản lý đê điều", "phòng chống bệnh lở mồm long móng",
	"cấp xăng cho phương tiện cứu hộ", "di dời cột điện vướng hành lang giao thông",
	"kiểm tra an toàn thực phẩm tại bếp ăn tập thể", "thu hồi đất", "bồi thường, hỗ trợ tái định cư",
};
static const char *const places[] = {
	"trên địa bàn xã", "tại các thôn", "tại trụ sở Ủy ban nhân dân xã",
	"tại nhà văn hóa thôn %V", "tại thôn %V", "trên tuyến đê tả ngạc sông Hồng",
	"tại cánh đồng thôn %V", "tại khu dân cư số %N", "", "",
};
static const char *const roles[] = {
	"công chức Văn phòng - Thống kê", "công chức Địa chính - Xây dựng", "Công an xã",
	"Ban Chỉ huy Quân sự xã", "Trạm Y tế xã", "Hội Nông dân xã", "Đoàn Thanh niên xã",
	"Hội Liên hiệp Phụ nữ xã", "trưởng các thôn", "Ban Tài chính xã",
	"công chức Văn hóa - Xã hội", "công chức Tư pháp - Hộ tịch", "Hợp tác xã nông nghiệp",
	"Mặt trận Tổ quốc xã", "Hội Cựu chiến binh xã", "Trường Tiểu học", "Trường Mầm non",
};
static const char *const laws[] = {
	"Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
	"Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức "
	"chính quyền địa phương ngày 22 tháng 11 năm 2019;",
	"Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024;",
	"Căn cứ Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015;",
	"Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
	"Căn cứ Luật Phòng, chống thiên tai ngày 19 tháng 6 năm 2013;",
	"Căn cứ Luật Thủy lợi ngày 19 tháng 6 năm 2017;",
	"Căn cứ Luật Hòa giải ở cơ sở ngày 20 tháng 6 năm 2013;",
	"Căn cứ Nghị quyết số %N/NQ-HĐND ngày %D của Hội đồng nhân dân xã;",
	"Căn cứ Quyết định số %N/QĐ-UBND ngày %D của Ủy ban nhân dân huyện;",
	"Căn cứ Kế hoạch số %N/KH-UBND ngày %D của Ủy ban nhân dân xã;",
};
static const char *const closings[] = {
	"theo đúng quy định của pháp luật", "bảo đảm an toàn, tiết kiệm, hiệu quả",
	"báo cáo kết quả về Ủy ban nhân dân xã", "trước ngày %D", "trong năm %Y",
	"trong quý %Q năm %Y", "kịp thời, đúng đối tượng", "công khai, minh bạch",
};

struct doctype {
	const char *abbr;       /* ND 30; NULL: Công văn */
	const char *code;       /* TT 05 typeName */
	const char *title;      /* the type line */
	unsigned weight;
};
static const struct doctype doctypes[] = {
	{ "QĐ", "02", "QUYẾT ĐỊNH", 30 }, { NULL, "22", NULL, 20 },
	{ "TB", "07", "THÔNG BÁO", 12 }, { "KH", "10", "KẾ HOẠCH", 10 },
	{ "BC", "14", "BÁO CÁO", 10 }, { "TTr", "15", "TỜ TRÌNH", 6 },
	{ "GM", "26", "GIẤY MỜI", 6 }, { "BB", "20", "BIÊN BẢN", 6 },
};
static const char *const cv_suffix[] = { "VX", "KT", "TP", "ĐC", "VP", "CA" };

/* ------------------------------------------------------------ text */

struct buf {
	char *p;
	size_t len, cap;
};

static void
b_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		if (!b->p) {
			fprintf(stderr, "out of memory\n");
			exit(1);
		}
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
b_printf(struct buf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		b_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* The document being written: what its pages and fields say.  A document
 * is about one topic; its sentences come back to it, with a few others. */
struct doc {
	const struct doctype *type;
	const char *topic;
	char commune[64], notation[32], number[8], date_iso[11], subject[512], organ[96];
	int year, month, day;
};

/* Appends s with its placeholders filled: %V village, %N number, %D date,
 * %Y year, %Q quarter. */
static void
b_fill(struct buf *b, const char *s, const struct doc *d)
{
	for (; *s; s++) {
		if (*s != '%' || !s[1]) {
			b_add(b, s, 1);
			continue;
		}
		switch (*++s) {
		case 'V': b_printf(b, "%s", PICK(villages)); break;
		case 'N': b_printf(b, "%u", 1 + rnd(250)); break;
		case 'D': b_printf(b, "%02u/%u/%d", 1 + rnd(28), 1 + rnd(12), d->year); break;
		case 'Y': b_printf(b, "%d", d->year); break;
		case 'Q': b_printf(b, "%s", (const char *[]){ "I", "II", "III", "IV" }[rnd(4)]); break;
		default: b_add(b, s - 1, 2); break;
		}
	}
}

static void
b_name(struct buf *b)
{
	b_printf(b, "%s %s %s", PICK_SKEW(surnames), PICK(middles), PICK(given));
}

static void
b_cap(struct buf *b, const char *s)
{
	/* Capitalizes the first letter (ASCII or a precomposed Vietnamese one
	 * through utf8proc is overkill here: sentences start with verbs from
	 * the lists, whose first letters are ASCII or two-byte Latin). */
	char *u = sohoa_vi_upper(s, strlen(s), NULL);
	size_t first = 1;

	while (s[first] && ((unsigned char)s[first] & 0xC0) == 0x80)
		first++;
	if (u) {
		size_t ufirst = 1;
		while (u[ufirst] && ((unsigned char)u[ufirst] & 0xC0) == 0x80)
			ufirst++;
		b_add(b, u, ufirst);
		b_add(b, s + first, strlen(s + first));
		free(u);
	} else {
		b_add(b, s, strlen(s));
	}
}

/* The topic of a sentence: the document's own, now and then another. */
static const char *
topic_of(const struct doc *d)
{
	return rnd(8) == 0 ? PICK_SKEW(topics) : d->topic;
}

static void
b_sentence(struct buf *b, const struct doc *d)
{
	switch (rnd(8)) {
	case 6:
		b_printf(b, "Các cơ quan, đơn vị và cá nhân có liên quan chịu trách nhiệm thi hành; "
		    "trong quá trình thực hiện nếu có vướng mắc, báo cáo Chủ tịch Ủy ban nhân dân "
		    "xã để xem xét, giải quyết.");
		break;
	case 7:
		b_printf(b, "Thời gian: từ %u giờ %02u phút, ngày %02u/%02u/%d. Địa điểm: hội trường "
		    "Ủy ban nhân dân xã %s. Thành phần: đại diện %s, %s.", 7 + rnd(10), 5 * rnd(12),
		    1 + rnd(28), 1 + rnd(12), d->year, d->commune, PICK(roles), PICK(roles));
		break;
	case 0:
		b_printf(b, "Giao %s chủ trì, phối hợp với %s ", PICK(roles), PICK(roles));
		b_printf(b, "%s %s ", PICK(verbs), topic_of(d));
		b_fill(b, PICK(places), d);
		b_add(b, ", ", 2);
		b_fill(b, PICK(closings), d);
		b_add(b, ".", 1);
		break;
	case 1:
		b_printf(b, "- Hộ %s ", rnd(2) ? "ông" : "bà");
		b_name(b);
		b_printf(b, ", thôn %s, diện tích %u m2, thửa đất số %u, tờ bản đồ số %u;",
		    PICK(villages), 50 + rnd(900), 1 + rnd(600), 1 + rnd(40));
		break;
	case 2:
		b_printf(b, "Tổng kinh phí thực hiện là %u.%03u.000 đồng (bằng chữ: %s trăm triệu "
		    "đồng) từ nguồn ngân sách xã năm %d.", 10 + rnd(900), rnd(1000),
		    (const char *[]){ "một", "hai", "ba", "bốn", "năm" }[rnd(5)], d->year);
		break;
	case 3:
		b_cap(b, PICK(verbs));
		b_printf(b, " %s ", topic_of(d));
		b_fill(b, PICK(places), d);
		b_add(b, "; ", 2);
		b_printf(b, "%s %s, ", PICK(verbs), topic_of(d));
		b_fill(b, PICK(closings), d);
		b_add(b, ".", 1);
		break;
	case 4:
		b_printf(b, "Năm %d, toàn xã có %u hộ gia đình với %u nhân khẩu; đã %s %s "
		    "tại %u/%u thôn, đạt %u%% kế hoạch.", d->year - 1, 1200 + rnd(3000),
		    5000 + rnd(9000), PICK(verbs), topic_of(d), 1 + rnd(12), 12,
		    40 + rnd(60));
		break;
	default:
		b_printf(b, "Ủy ban nhân dân xã %s yêu cầu %s %s %s, ", d->commune, PICK(roles),
		    PICK(verbs), topic_of(d));
		b_fill(b, PICK(closings), d);
		b_add(b, ".", 1);
		break;
	}
	b_add(b, "\n", 1);
}

/*
 * OCR damage: about one word in 150 loses its diacritics or has đ read as
 * d, as Tesseract does on worn paper.  In place on the page text.
 */
static void
ocr_damage(struct buf *page)
{
	struct buf out = { 0 };
	size_t pos = 0, a, e, last = 0;

	while (sohoa_vi_next_word(page->p, page->len, &pos, &a, &e)) {
		if (rnd(150) != 0)
			continue;
		b_add(&out, page->p + last, a - last);
		{
			char *f = sohoa_vi_fold(page->p + a, e - a, NULL);
			if (f) {
				b_add(&out, f, strlen(f));
				free(f);
			} else {
				b_add(&out, page->p + a, e - a);
			}
		}
		last = e;
	}
	if (out.p) {
		b_add(&out, page->p + last, page->len - last);
		free(page->p);
		*page = out;
	}
}

#define PAGE_BYTES 2400     /* a typed A4 page of Vietnamese: 2-3 kB */

/* Generates a document: its pages into pages[] (n returned) and its fields. */
static int
gen_doc(struct doc *d, struct buf *pages, int max_pages)
{
	unsigned w = rnd(100), acc = 0;
	int npages, i, article = 1;
	const char *topic, *verb = PICK(verbs);
	char commune_upper[96];
	char *u;

	memset(d, 0, sizeof *d);
	topic = d->topic = PICK_SKEW(topics);
	for (i = 0; i < (int)(sizeof doctypes / sizeof *doctypes); i++) {
		acc += doctypes[i].weight;
		if (w < acc)
			break;
	}
	d->type = &doctypes[i < (int)(sizeof doctypes / sizeof *doctypes) ? i : 0];
	snprintf(d->commune, sizeof d->commune, "%s", PICK(communes));
	d->year = 2015 + (int)rnd(11);
	d->month = 1 + (int)rnd(12);
	d->day = 1 + (int)rnd(28);
	snprintf(d->date_iso, sizeof d->date_iso, "%04d-%02d-%02d", d->year, d->month, d->day);
	snprintf(d->number, sizeof d->number, "%u", 1 + rnd(300));
	if (d->type->abbr)
		snprintf(d->notation, sizeof d->notation, "%s-UBND", d->type->abbr);
	else
		snprintf(d->notation, sizeof d->notation, "UBND-%s", PICK(cv_suffix));
	snprintf(d->organ, sizeof d->organ, "UBND xã %s", d->commune);
	if (!d->type->abbr)
		snprintf(d->subject, sizeof d->subject, "V/v %s %s", verb, topic);
	else if (!strcmp(d->type->abbr, "QĐ") || !strcmp(d->type->abbr, "TB")
	    || !strcmp(d->type->abbr, "GM"))
		snprintf(d->subject, sizeof d->subject, "Về việc %s %s năm %d", verb, topic, d->year);
	else
		snprintf(d->subject, sizeof d->subject, "%s %s năm %d",
		    !strcmp(d->type->abbr, "KH") ? "Triển khai" : "Kết quả", topic, d->year);
	u = sohoa_vi_upper(d->commune, strlen(d->commune), NULL);
	snprintf(commune_upper, sizeof commune_upper, "%s", u ? u : d->commune);
	free(u);

	w = rnd(100);
	npages = w < 40 ? 1 : w < 70 ? 2 : w < 90 ? 3 : w < 97 ? 4 : 5 + (int)rnd(4);
	if (npages > max_pages)
		npages = max_pages;
	for (i = 0; i < npages; i++) {
		struct buf *b = &pages[i];

		b->len = 0;
		b_add(b, "", 0);
		if (i == 0) {
			b_printf(b, "ỦY BAN NHÂN DÂN\nXÃ %s\nSố: %s/%s\n", commune_upper, d->number,
			    d->notation);
			b_printf(b, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n");
			/* ND 30: the day zero-padded below 10, only months 1-2. */
			b_printf(b, d->month < 3 ? "%s, ngày %02d tháng %02d năm %d\n"
			    : "%s, ngày %02d tháng %d năm %d\n", d->commune, d->day, d->month,
			    d->year);
			if (d->type->title)
				b_printf(b, "%s\n%s\n", d->type->title, d->subject);
			else
				b_printf(b, "%s\nKính gửi: %s.\n", d->subject, PICK(roles));
			if (d->type->abbr && !strcmp(d->type->abbr, "QĐ")) {
				b_printf(b, "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ %s\n", commune_upper);
				for (int k = 0, n = 2 + (int)rnd(3); k < n; k++) {
					b_fill(b, PICK(laws), d);
					b_add(b, "\n", 1);
				}
				b_printf(b, "Xét đề nghị của %s,\nQUYẾT ĐỊNH:\n", PICK(roles));
			}
		}
		while (b->len < PAGE_BYTES - 300) {
			if (d->type->abbr && !strcmp(d->type->abbr, "QĐ") && rnd(4) == 0)
				b_printf(b, "Điều %d. ", article++);
			b_sentence(b, d);
		}
		if (i == npages - 1) {
			b_printf(b, "Nơi nhận:\n- Như trên;\n- TT Đảng ủy, TT HĐND xã (để b/c);\n"
			    "- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n");
			b_name(b);
			b_add(b, "\n", 1);
		}
		ocr_damage(b);
	}
	return npages;
}

/* ------------------------------------------------------------ measuring */

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
die(const char *what, const sohoa_error *err)
{
	fprintf(stderr, "search_bench: %s: %s\n", what, err ? err->msg : "");
	exit(1);
}

static long long
query_ll(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	else
		fprintf(stderr, "search_bench: %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return v;
}

struct totals {
	long long records, pages, text_bytes;
	double index_seconds;   /* in sohoa_search_index_record only */
	double gen_seconds;     /* generating the text (not counted) */
};

/* Records per transaction (-b). */
static long long batch = 100;
/* <dir>/PAUSE: the generator waits while it exists (bench/web.sh). */
static char pause_path[640];

/* Adds records until the catalog holds at least target pages. */
static void
grow(sohoa_catalog *cat, long long target, struct totals *t)
{
	struct buf pages[8];
	sohoa_page_result pr[8];
	sohoa_error err;
	struct doc d;
	int in_txn = 0;

	memset(pages, 0, sizeof pages);
	sohoa_error_clear(&err);
	while (t->pages < target) {
		sohoa_record_new r;
		sohoa_fields fs;
		char spool[32], hash[80], name[64];
		int64_t id;
		int n;
		double t0;

		if (!in_txn) {
			if (sohoa_catalog_begin(cat, &err) != SOHOA_OK)
				die("begin", &err);
			in_txn = 1;
		}
		t0 = now();
		n = gen_doc(&d, pages, (int)(target - t->pages < 8 ? target - t->pages : 8));
		t->gen_seconds += now() - t0;
		t->records++;
		snprintf(spool, sizeof spool, "b%lld", t->records);
		snprintf(hash, sizeof hash, "sha256:%064lld", t->records);
		snprintf(name, sizeof name, "%s-%s-%d.tif", d.type->abbr ? d.type->abbr : "CV",
		    d.number, d.year);
		memset(&r, 0, sizeof r);
		r.spool_id = spool;
		r.state = SOHOA_STATE_ACTIVE;
		r.hash = hash;
		r.size = 100000;
		r.name = name;
		r.name_raw = name;
		r.name_raw_len = strlen(name);
		r.origin = "";
		if (sohoa_catalog_record_insert(cat, &r, &id, &err) != SOHOA_OK)
			die("insert", &err);
		for (int i = 0; i < n; i++) {
			memset(&pr[i], 0, sizeof pr[i]);
			pr[i].page_no = i + 1;
			pr[i].text = pages[i].p;
			pr[i].confidence = 85 + rnd(10);
			pr[i].status = "ok";
			t->text_bytes += (long long)pages[i].len;
		}
		t->pages += n;
		if (sohoa_catalog_store_pages(cat, id, pr, n, &err) != SOHOA_OK)
			die("store pages", &err);
		/* Extraction finds the fields of nine documents in ten. */
		if (rnd(10) != 0) {
			sohoa_fields_init(&fs);
			sohoa_fields_set(&fs, SOHOA_F_CODE_NUMBER, d.number, "ocr", 0.9);
			sohoa_fields_set(&fs, SOHOA_F_CODE_NOTATION, d.notation, "ocr", 0.9);
			sohoa_fields_set(&fs, SOHOA_F_ISSUED_DATE, d.date_iso, "ocr", 0.9);
			sohoa_fields_set(&fs, SOHOA_F_TYPE_NAME, d.type->code, "ocr", 0.9);
			sohoa_fields_set(&fs, SOHOA_F_ORGAN_NAME, d.organ, "ocr", 0.9);
			sohoa_fields_set(&fs, SOHOA_F_SUBJECT, d.subject, "ocr", 0.9);
			for (int i = 0; i < SOHOA_F_COUNT; i++)
				if (fs.f[i].value)
					t->text_bytes += (long long)strlen(fs.f[i].value);
			if (sohoa_catalog_store_ocr_fields(cat, id, &fs, &err) != SOHOA_OK)
				die("store fields", &err);
			sohoa_fields_release(&fs);
		}
		t0 = now();
		if (sohoa_search_index_record(cat, id, &err) != SOHOA_OK)
			die("index", &err);
		t->index_seconds += now() - t0;
		if (t->records % batch == 0 || t->pages >= target) {
			if (sohoa_catalog_commit(cat, &err) != SOHOA_OK)
				die("commit", &err);
			in_txn = 0;
			/* make bench-web measures on a store still being generated:
			 * while <dir>/PAUSE exists the generator waits here, between
			 * transactions, so that it holds no lock. */
			while (pause_path[0] && access(pause_path, F_OK) == 0)
				sleep(1);
		}
	}
	if (in_txn && sohoa_catalog_commit(cat, &err) != SOHOA_OK)
		die("commit", &err);
	for (int i = 0; i < 8; i++)
		free(pages[i].p);
}

/* The fixed mix.  Words come from the generator's vocabulary, from very
 * common ("ủy ban", "quyết định") to rare (a name). */
enum qkind { Q_WORDS, Q_PHRASE, Q_NUMBER, Q_DATE, Q_DATE_TEXT, Q_KINDS };
static const char *const kind_names[Q_KINDS] = {
	"1-3 words", "phrases", "numbers", "date filters", "date in text",
};
static const struct { enum qkind kind; const char *q; } mix[] = {
	{ Q_WORDS, "bom" }, { Q_WORDS, "bơm" }, { Q_WORDS, "tram bom" }, { Q_WORDS, "trạm bơm" },
	{ Q_WORDS, "chuot" }, { Q_WORDS, "diệt chuột" }, { Q_WORDS, "vuon buoi" },
	{ Q_WORDS, "vườn bưởi" }, { Q_WORDS, "nong thon moi" }, { Q_WORDS, "nông thôn mới" },
	{ Q_WORDS, "giai phong mat bang" }, { Q_WORDS, "sốt xuất huyết" },
	{ Q_WORDS, "thuy loi" }, { Q_WORDS, "thủy lợi" }, { Q_WORDS, "hoà giải" },
	{ Q_WORDS, "cau phao" }, { Q_WORDS, "lò gạch" }, { Q_WORDS, "xuong cuu ho" },
	{ Q_WORDS, "Khuất Diệu Xuyến" }, { Q_WORDS, "khuat dieu" }, { Q_WORDS, "Lưu Xá" },
	{ Q_WORDS, "dat" }, { Q_WORDS, "đất" }, { Q_WORDS, "ke hoach" }, { Q_WORDS, "kế hoạch" },
	{ Q_WORDS, "quyết định" }, { Q_WORDS, "uy ban nhan dan" }, { Q_WORDS, "ủy ban" },
	{ Q_PHRASE, "\"kế hoạch sử dụng đất\"" }, { Q_PHRASE, "\"giải phóng mặt bằng\"" },
	{ Q_PHRASE, "\"ho gia dinh\"" }, { Q_PHRASE, "\"trạm bơm tưới tiêu\"" },
	{ Q_PHRASE, "\"luật đất đai\"" },
	{ Q_NUMBER, "15/QĐ-UBND" }, { Q_NUMBER, "123/UBND-VX" }, { Q_NUMBER, "45/KH-UBND" },
	{ Q_NUMBER, "so:15/QĐ-UBND" }, { Q_NUMBER, "7 tb ubnd" }, { Q_NUMBER, "so:200/TTr-UBND" },
	{ Q_NUMBER, "30/2020/NĐ-CP" },
	{ Q_DATE, "dat dai nam:2023" }, { Q_DATE, "trạm bơm tu:2024-01-01 den:2024-06-30" },
	{ Q_DATE, "chuot nam:2020" }, { Q_DATE, "loai:QĐ nam:2022" },
	{ Q_DATE, "kế hoạch loai:KH tu:2023-01-01" }, { Q_DATE_TEXT, "05/3/2020" },
	{ Q_DATE_TEXT, "2024-11-20" },
	{ Q_DATE, "tu:2025-12-01" }, { Q_DATE, "coquan:\"van binh\" nam:2019" },
};

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double
percentile(double *v, int n, double p)
{
	int i;

	if (n == 0)
		return 0;
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	i = (int)(p * (n - 1) + 0.5);
	return v[i];
}

static void
run_queries(sohoa_catalog *cat, int runs, int verbose)
{
	int nmix = (int)(sizeof mix / sizeof *mix);
	double *lat[Q_KINDS], worst[64];
	int nlat[Q_KINDS] = { 0 };
	long long totals[64];

	for (int k = 0; k < Q_KINDS; k++)
		lat[k] = calloc((size_t)(nmix * runs), sizeof(double));
	/* One pass to warm the cache as a working server would be. */
	for (int i = 0; i < nmix; i++) {
		sohoa_search_results res;
		sohoa_error err;

		sohoa_search_results_init(&res);
		sohoa_error_clear(&err);
		if (sohoa_search_run(cat, mix[i].q, strlen(mix[i].q), 20, 0, &res, &err) != SOHOA_OK)
			fprintf(stderr, "search_bench: query %s: %s\n", mix[i].q, err.msg);
		totals[i] = res.total;
		worst[i] = 0;
		sohoa_search_results_release(&res);
	}
	for (int r = 0; r < runs; r++)
		for (int i = 0; i < nmix; i++) {
			sohoa_search_results res;
			sohoa_error err;
			double t0 = now(), ms;

			sohoa_search_results_init(&res);
			sohoa_error_clear(&err);
			sohoa_search_run(cat, mix[i].q, strlen(mix[i].q), 20, 0, &res, &err);
			ms = (now() - t0) * 1000;
			sohoa_search_results_release(&res);
			lat[mix[i].kind][nlat[mix[i].kind]++] = ms;
			if (ms > worst[i])
				worst[i] = ms;
		}
	for (int k = 0; k < Q_KINDS; k++) {
		double p50 = percentile(lat[k], nlat[k], 0.50);
		double p99 = percentile(lat[k], nlat[k], 0.99);
		printf("    %-14s p50 %8.2f ms   p99 %8.2f ms   (%d runs)\n", kind_names[k], p50, p99,
		    nlat[k]);
		free(lat[k]);
	}
	if (verbose) {
		printf("    per query (matches, slowest run):\n");
		for (int i = 0; i < nmix; i++)
			printf("      %-40s %9lld  %8.2f ms\n", mix[i].q, totals[i], worst[i]);
	}
}

static void
report(sohoa_catalog *cat, const struct totals *t, long long stage_pages, double stage_secs,
    double stage_index_secs, int runs, int verbose)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	long long index_bytes, db_bytes;

	index_bytes = query_ll(db, "SELECT sum(pgsize) FROM dbstat('main', 1) WHERE name IN"
	    " ('docs_fts_data', 'docs_fts_idx', 'docs_fts_docsize', 'docs_fts_config',"
	    " 'docs_indexed', 'docs_pending')");
	db_bytes = query_ll(db, "SELECT page_count * page_size FROM pragma_page_count,"
	    " pragma_page_size");
	printf("\n== %lld pages (%lld records, %.1f MB of text)\n", t->pages, t->records,
	    (double)t->text_bytes / 1e6);
	printf("    indexing        %8.0f pages/s stored in the catalog and indexed (%lld pages in"
	    " %.1f s, text generation not counted); %.0f pages/s in sohoa_search_index_record"
	    " alone\n",
	    (double)stage_pages / stage_secs, stage_pages, stage_secs,
	    (double)stage_pages / stage_index_secs);
	printf("    index size      %8.1f MB = %.2fx the raw text (catalog file %.1f MB)\n",
	    (double)index_bytes / 1e6, (double)index_bytes / (double)t->text_bytes,
	    (double)db_bytes / 1e6);
	run_queries(cat, runs, verbose);
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	char dir[512] = "", path[600];
	long long sizes[16];
	int nsizes = 0, runs = 5, keep = 0, opt, verbose = 1;
	long long reindex_at = 0;
	int queries_only = 0;
	unsigned long long seed = 20240305;
	struct totals t;
	sohoa_catalog *cat;
	sohoa_error err;

	int fast = 0;

	while ((opt = getopt(argc, argv, "s:d:r:R:b:kqQ")) != -1) {
		switch (opt) {
		case 'b':
			batch = strtoll(optarg, NULL, 10);
			if (batch < 1)
				batch = 1;
			fast = 1;
			break;
		case 'Q': queries_only = 1; break;
		case 'R': reindex_at = strtoll(optarg, NULL, 10); break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'd': snprintf(dir, sizeof dir, "%s", optarg); break;
		case 'r': runs = atoi(optarg); break;
		case 'k': keep = 1; break;
		case 'q': verbose = 0; break;
		default:
			fprintf(stderr, "usage: search_bench [-s SEED] [-d DIR] [-r RUNS] [-R SIZE]"
			    " [-b N] [-k] [-q] [-Q] SIZE...\n");
			return 2;
		}
	}
	for (; optind < argc && nsizes < 16; optind++)
		sizes[nsizes++] = strtoll(argv[optind], NULL, 10);
	if (nsizes == 0) {
		sizes[nsizes++] = 1000;
		sizes[nsizes++] = 100000;
		sizes[nsizes++] = 1000000;
	}
	if (runs < 1)
		runs = 1;
	rng_state = seed ? seed : 1;
	if (!dir[0]) {
		const char *tmp = getenv("TMPDIR");
		snprintf(dir, sizeof dir, "%s/sohoa-bench-search-XXXXXX", tmp ? tmp : "/tmp");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			return 1;
		}
	}
	snprintf(path, sizeof path, "%s/catalog.db", dir);
	sohoa_error_clear(&err);
	cat = sohoa_catalog_open(path, &err);
	if (!cat)
		die("open catalog", &err);
	if (fast && sqlite3_exec(sohoa_catalog_db(cat), "PRAGMA synchronous = OFF", NULL, NULL,
	    NULL) != SQLITE_OK)
		die("PRAGMA synchronous", NULL);
	printf("sohoa search benchmark: seed %llu, catalog %s, %ld cores\n", seed, path,
	    sysconf(_SC_NPROCESSORS_ONLN));
	printf("  documents of 1-8 pages (mean 2), ~%d bytes a page, fields for 9 in 10;\n"
	    "  latency of sohoa_search_run (count + 20 ranked results with snippets), warm cache,"
	    " %d runs of each query\n", PAGE_BYTES, runs);
	memset(&t, 0, sizeof t);
	snprintf(pause_path, sizeof pause_path, "%s/PAUSE", dir);
	if (!queries_only && keep) {
		/* A kept catalog that an earlier run began (-k -d DIR): go on
		 * from where it stopped, with a seed of its own. */
		t.records = query_ll(sohoa_catalog_db(cat), "SELECT coalesce(max(id), 0) FROM records");
		t.pages = query_ll(sohoa_catalog_db(cat), "SELECT count(*) FROM pages");
		if (t.records > 0) {
			rng_state ^= (uint64_t)t.records * 0x9E3779B97F4A7C15ULL;
			if (!rng_state)
				rng_state = 1;
			printf("going on from %lld records, %lld pages already in %s\n", t.records,
			    t.pages, path);
		}
	}
	if (queries_only) {
		/* The queries again on a catalog kept with -k (-d DIR). */
		printf("\n== queries on %lld pages already there\n",
		    query_ll(sohoa_catalog_db(cat), "SELECT count(*) FROM pages"));
		run_queries(cat, runs, verbose);
		sohoa_catalog_free(cat);
		return 0;
	}
	for (int s = 0; s < nsizes; s++) {
		long long before = t.pages;
		double index_before = t.index_seconds, gen_before = t.gen_seconds, t0 = now();

		grow(cat, sizes[s], &t);
		report(cat, &t, t.pages - before, now() - t0 - (t.gen_seconds - gen_before),
		    t.index_seconds - index_before, runs, verbose);
		if (sizes[s] == reindex_at) {
			/* What 'sohoa reindex' does, on the whole catalog so far. */
			t0 = now();
			if (sohoa_search_reindex(cat, NULL, NULL, &err) != SOHOA_OK)
				die("reindex", &err);
			printf("    reindex         %8.0f pages/s (sohoa reindex of all %lld pages in"
			    " %.1f s, merge included)\n", (double)t.pages / (now() - t0), t.pages,
			    now() - t0);
			run_queries(cat, runs, 0);
			fflush(stdout);
		}
	}
	sohoa_catalog_free(cat);
	if (keep) {
		printf("\ncatalog kept: %s\n", path);
	} else {
		char wal[640];
		unlink(path);
		snprintf(wal, sizeof wal, "%s-wal", path);
		unlink(wal);
		snprintf(wal, sizeof wal, "%s-shm", path);
		unlink(wal);
		rmdir(dir);
	}
	return 0;
}
