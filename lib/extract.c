/*
 * extract.c - the descriptive fields of an administrative document read
 * from its OCR text (the ND 30/2020 layout of DOMAIN.md §3; contract in
 * include/sohoa/extract.h).
 *
 * How it works.  The text is normalised to NFC and cut into lines; each line
 * also gets a folded copy (lower case, no diacritics, đ -> d, every dash
 * "-") with a map from folded bytes back to the original, so that every rule
 * can match the folded text ("so", "ngay", "quyet dinh") and still return
 * the printed text.  The layout is then read top-down as a person does:
 *
 *   header    the left column (cơ quan chủ quản, cơ quan ban hành, "Số:")
 *             once the right column (national motto, "Văn Bình, ngày ...")
 *             is cut off each line; Tesseract reads the two columns row by
 *             row, so both are often on one line;
 *   centre    the type line and the trích yếu under it; for a Công văn the
 *             "V/v" lines under the number; the secrecy/urgency stamps;
 *   footer    from the last "Nơi nhận:" on: the authority marker (TM., KT.,
 *             ...), the title, the signer's name, and the recipients (the
 *             left column again, cleared of what belongs to the right one).
 *
 * Every rule is one of ND 30 and accepts what OCR does to it; a value that
 * does not pass its rule is left out rather than guessed.  Words whose
 * diacritics OCR dropped or confused (cơ quan, địa danh, trích yếu, nơi
 * nhận) get them back only from the same words in the same context
 * elsewhere in the document, or in the fixed phrases of ND 30 documents
 * ("TT Đảng ủy", "(để b/c)"): see consensus().  A signer's name, which the
 * body seldom repeats, falls back on a list of common Vietnamese name
 * syllables.  Values put back that way get a lower confidence; the
 * confidences are fixed per rule, high where the page's own redundancy
 * agrees (type line and ký hiệu), below SOHOA_EXTRACT_REVIEW where a value
 * was inferred.
 *
 * No mutable global state: everything lives in a struct doc per call.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "sohoa/extract.h"
#include "sohoa/plausible.h"
#include "extract_int.h"
#include "sbuf.h"
#include "sohoa/vitext.h"

#define NPOS ((size_t)-1)

/* ------------------------------------------------------------------------
 * Tables: ND 30 / TT 05 knowledge.
 * ------------------------------------------------------------------------ */

/* TT 05/2025 typeName codes with the ND 30 type abbreviations (DOMAIN.md
 * §2, §3): the one table of fields.h. */
#define types sohoa_doc_types
#define NTYPES ((size_t)SOHOA_DOC_TYPE_COUNT)
#define TYPE_CONG_VAN 21        /* index of "22" */

/* Lines that name a kind of body and need the next line for the locality:
 * "ỦY BAN NHÂN DÂN" / "XÃ VĂN BÌNH" are one organ.  Folded. */
static const char *const organ_heads[] = {
	"uy ban nhan dan", "ubnd", "hoi dong nhan dan", "hdnd", "dang uy",
	"dang bo", "chi bo", "uy ban mat tran to quoc viet nam",
	"uy ban mat tran to quoc", "ban chap hanh", "ban thuong vu",
};

/* Fixed phrases printed in a canonical spelling whatever OCR made of them. */
static const char *const canonical_caps[] = {
	"ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "ĐẢNG ỦY",
};

/* Titles of signers (ND 30 and commune practice), upper case as printed. */
static const char *const positions[] = {
	"CHỦ TỊCH", "PHÓ CHỦ TỊCH", "CHỦ TRÌ", "THƯ KÝ", "GIÁM ĐỐC",
	"PHÓ GIÁM ĐỐC", "TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "CHÁNH VĂN PHÒNG",
	"PHÓ CHÁNH VĂN PHÒNG", "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "BÍ THƯ",
	"PHÓ BÍ THƯ", "CHỦ NHIỆM", "PHÓ CHỦ NHIỆM", "HIỆU TRƯỞNG",
	"PHÓ HIỆU TRƯỞNG", "TRƯỞNG TRẠM", "TRƯỞNG CÔNG AN", "CHỈ HUY TRƯỞNG",
	"CÔNG CHỨC", "CÁN BỘ", "KẾ TOÁN", "THỦ QUỸ", "TRƯỞNG THÔN",
	"TỔ TRƯỞNG", "NGƯỜI LẬP", "CHÁNH THANH TRA", "THỦ TRƯỞNG",
	"TỔNG GIÁM ĐỐC", "CHÁNH ÁN", "VIỆN TRƯỞNG", "TRƯỞNG KHOA",
};

enum { AUTH_NONE, AUTH_TM, AUTH_KT, AUTH_Q, AUTH_TL, AUTH_TUQ };
static const char *const auth_fold[] = { NULL, "tm", "kt", "q", "tl", "tuq" };
static const char *const auth_text[] = { NULL, "TM.", "KT.", "Q.", "TL.", "TUQ." };

struct stamp {
	const char *fold, *value;
	sohoa_field_id field;
};
static const struct stamp stamps[] = {
	{ "tuyet mat", "Tuyệt mật", SOHOA_F_SECRECY },
	{ "toi mat", "Tối mật", SOHOA_F_SECRECY },
	{ "mat", "Mật", SOHOA_F_SECRECY },
	{ "thuong khan", "Thượng khẩn", SOHOA_F_URGENCY },
	{ "hoa toc", "Hỏa tốc", SOHOA_F_URGENCY },
	{ "khan", "Khẩn", SOHOA_F_URGENCY },
};

/*
 * Common Vietnamese name syllables, most frequent spelling first within a
 * role.  Used only to put back diacritics OCR dropped from a signer's name
 * ("Dang Thi Ngoc Van"); a syllable not listed is kept as read.
 */
enum { R_SUR = 1, R_MID = 2, R_GIV = 4, R_MALE = 8, R_FEMALE = 16 };
struct name_syl {
	const char *s;
	unsigned roles;
};
static const struct name_syl name_syls[] = {
	/* Surnames. */
	{ "Nguyễn", R_SUR }, { "Trần", R_SUR }, { "Lê", R_SUR }, { "Phạm", R_SUR },
	{ "Hoàng", R_SUR }, { "Huỳnh", R_SUR }, { "Phan", R_SUR }, { "Vũ", R_SUR },
	{ "Võ", R_SUR }, { "Đặng", R_SUR }, { "Bùi", R_SUR }, { "Đỗ", R_SUR },
	{ "Hồ", R_SUR }, { "Ngô", R_SUR }, { "Dương", R_SUR }, { "Lý", R_SUR },
	{ "Đào", R_SUR }, { "Đoàn", R_SUR }, { "Vương", R_SUR }, { "Trịnh", R_SUR },
	{ "Trương", R_SUR }, { "Lâm", R_SUR }, { "Phùng", R_SUR }, { "Mai", R_SUR },
	{ "Tô", R_SUR }, { "Tạ", R_SUR }, { "Quách", R_SUR }, { "Lưu", R_SUR },
	{ "Cao", R_SUR }, { "Hà", R_SUR }, { "Thái", R_SUR }, { "Chu", R_SUR },
	{ "Kiều", R_SUR }, { "Đinh", R_SUR }, { "Khuất", R_SUR }, { "Khổng", R_SUR },
	{ "Lại", R_SUR }, { "La", R_SUR }, { "Lò", R_SUR }, { "Lục", R_SUR },
	{ "Lương", R_SUR }, { "Mạc", R_SUR }, { "Nghiêm", R_SUR }, { "Ông", R_SUR },
	{ "Quan", R_SUR }, { "Tăng", R_SUR }, { "Thạch", R_SUR }, { "Thân", R_SUR },
	{ "Tiêu", R_SUR }, { "Triệu", R_SUR }, { "Vi", R_SUR }, { "Diệp", R_SUR },
	{ "Giang", R_SUR }, { "Hứa", R_SUR }, { "Kim", R_SUR }, { "Lã", R_SUR },
	{ "Lữ", R_SUR }, { "Mã", R_SUR }, { "Nông", R_SUR }, { "Ninh", R_SUR },
	{ "Phí", R_SUR }, { "Phó", R_SUR }, { "Tôn", R_SUR }, { "Từ", R_SUR },
	{ "Âu", R_SUR }, { "Bạch", R_SUR }, { "Cù", R_SUR }, { "Doãn", R_SUR },
	{ "Đàm", R_SUR }, { "Đồng", R_SUR }, { "Giáp", R_SUR }, { "Hầu", R_SUR },
	{ "Khúc", R_SUR }, { "Mẫn", R_SUR }, { "Nhữ", R_SUR }, { "Quản", R_SUR },
	{ "Tống", R_SUR }, { "Ung", R_SUR }, { "Văn", R_SUR }, { "Đường", R_SUR },
	{ "Đậu", R_SUR }, { "Hàn", R_SUR }, { "Chử", R_SUR }, { "Cấn", R_SUR },
	{ "Châu", R_SUR }, { "Lường", R_SUR }, { "Thiều", R_SUR },
	/* Middle names. */
	{ "Thị", R_MID | R_FEMALE }, { "Văn", R_MID | R_MALE },
	{ "Đức", R_MID | R_MALE }, { "Hữu", R_MID | R_MALE }, { "Quốc", R_MID | R_MALE },
	{ "Minh", R_MID }, { "Xuân", R_MID }, { "Công", R_MID | R_MALE },
	{ "Đình", R_MID | R_MALE }, { "Ngọc", R_MID }, { "Thanh", R_MID },
	{ "Mạnh", R_MID | R_MALE }, { "Trọng", R_MID | R_MALE }, { "Duy", R_MID | R_MALE },
	{ "Quang", R_MID | R_MALE }, { "Bá", R_MID | R_MALE }, { "Thế", R_MID | R_MALE },
	{ "Tiến", R_MID | R_MALE }, { "Việt", R_MID | R_MALE }, { "Huy", R_MID | R_MALE },
	{ "Gia", R_MID }, { "Khắc", R_MID | R_MALE }, { "Chí", R_MID | R_MALE },
	{ "Tất", R_MID | R_MALE }, { "Sỹ", R_MID | R_MALE }, { "Sĩ", R_MID | R_MALE },
	{ "Nhật", R_MID }, { "Đăng", R_MID | R_MALE }, { "Vĩnh", R_MID | R_MALE },
	{ "Tấn", R_MID | R_MALE }, { "Thu", R_MID | R_FEMALE }, { "Thùy", R_MID | R_FEMALE },
	{ "Thúy", R_MID | R_FEMALE }, { "Bích", R_MID | R_FEMALE },
	{ "Diệu", R_MID | R_FEMALE }, { "Cẩm", R_MID | R_FEMALE }, { "Mỹ", R_MID | R_FEMALE },
	{ "Kim", R_MID }, { "Hồng", R_MID }, { "Hoài", R_MID }, { "Phương", R_MID },
	{ "Khánh", R_MID }, { "Bảo", R_MID }, { "Như", R_MID }, { "Hải", R_MID },
	{ "Hoàng", R_MID }, { "Anh", R_MID }, { "Trung", R_MID | R_MALE },
	{ "Thành", R_MID | R_MALE }, { "Phúc", R_MID | R_MALE }, { "Hồ", R_MID },
	/* Given names. */
	{ "Anh", R_GIV }, { "Bình", R_GIV }, { "Cường", R_GIV | R_MALE },
	{ "Chiến", R_GIV | R_MALE }, { "Dũng", R_GIV | R_MALE }, { "Dung", R_GIV | R_FEMALE },
	{ "Dương", R_GIV }, { "Đạt", R_GIV | R_MALE }, { "Định", R_GIV | R_MALE },
	{ "Đông", R_GIV }, { "Đức", R_GIV | R_MALE }, { "Giang", R_GIV },
	{ "Hải", R_GIV }, { "Hào", R_GIV | R_MALE }, { "Hiếu", R_GIV },
	{ "Hiệp", R_GIV | R_MALE }, { "Hiển", R_GIV | R_MALE }, { "Hiền", R_GIV | R_FEMALE },
	{ "Hòa", R_GIV | R_MALE }, { "Hoa", R_GIV | R_FEMALE }, { "Hoàng", R_GIV | R_MALE },
	{ "Hùng", R_GIV | R_MALE }, { "Hưng", R_GIV | R_MALE }, { "Huy", R_GIV | R_MALE },
	{ "Khải", R_GIV | R_MALE }, { "Khang", R_GIV | R_MALE }, { "Khánh", R_GIV },
	{ "Khoa", R_GIV | R_MALE }, { "Kiên", R_GIV | R_MALE }, { "Lâm", R_GIV | R_MALE },
	{ "Linh", R_GIV }, { "Lộc", R_GIV | R_MALE }, { "Long", R_GIV | R_MALE },
	{ "Lực", R_GIV | R_MALE }, { "Mạnh", R_GIV | R_MALE }, { "Minh", R_GIV },
	{ "Nam", R_GIV | R_MALE }, { "Nghĩa", R_GIV | R_MALE }, { "Ngọc", R_GIV },
	{ "Nhân", R_GIV }, { "Phát", R_GIV | R_MALE }, { "Phong", R_GIV | R_MALE },
	{ "Phú", R_GIV | R_MALE }, { "Phúc", R_GIV | R_MALE }, { "Phước", R_GIV | R_MALE },
	{ "Quân", R_GIV | R_MALE }, { "Quang", R_GIV | R_MALE }, { "Quý", R_GIV },
	{ "Quyết", R_GIV | R_MALE }, { "Sang", R_GIV | R_MALE }, { "Sơn", R_GIV | R_MALE },
	{ "Tài", R_GIV | R_MALE }, { "Tâm", R_GIV }, { "Tân", R_GIV | R_MALE },
	{ "Thái", R_GIV | R_MALE }, { "Thắng", R_GIV | R_MALE }, { "Thành", R_GIV | R_MALE },
	{ "Thanh", R_GIV }, { "Thiện", R_GIV | R_MALE }, { "Thịnh", R_GIV | R_MALE },
	{ "Thông", R_GIV | R_MALE }, { "Toàn", R_GIV | R_MALE }, { "Tiến", R_GIV | R_MALE },
	{ "Trí", R_GIV | R_MALE }, { "Trọng", R_GIV | R_MALE }, { "Trung", R_GIV | R_MALE },
	{ "Trường", R_GIV | R_MALE }, { "Tú", R_GIV }, { "Tuấn", R_GIV | R_MALE },
	{ "Tùng", R_GIV | R_MALE }, { "Việt", R_GIV | R_MALE }, { "Vinh", R_GIV | R_MALE },
	{ "Vũ", R_GIV | R_MALE }, { "Hậu", R_GIV }, { "Lợi", R_GIV | R_MALE },
	{ "Lương", R_GIV }, { "Thuận", R_GIV }, { "Tín", R_GIV | R_MALE },
	{ "Kiệt", R_GIV | R_MALE }, { "Duy", R_GIV | R_MALE }, { "Bảo", R_GIV },
	{ "Chính", R_GIV | R_MALE }, { "Khôi", R_GIV | R_MALE }, { "Nguyên", R_GIV },
	{ "Tuyên", R_GIV | R_MALE }, { "Bằng", R_GIV | R_MALE }, { "Đoàn", R_GIV | R_MALE },
	{ "Chi", R_GIV | R_FEMALE }, { "Châu", R_GIV }, { "Diệp", R_GIV | R_FEMALE },
	{ "Duyên", R_GIV | R_FEMALE }, { "Hà", R_GIV | R_FEMALE }, { "Hạnh", R_GIV },
	{ "Hằng", R_GIV | R_FEMALE }, { "Hồng", R_GIV }, { "Huệ", R_GIV | R_FEMALE },
	{ "Hương", R_GIV | R_FEMALE }, { "Hường", R_GIV | R_FEMALE }, { "Huyền", R_GIV | R_FEMALE },
	{ "Lan", R_GIV | R_FEMALE }, { "Liên", R_GIV | R_FEMALE }, { "Liễu", R_GIV | R_FEMALE },
	{ "Loan", R_GIV | R_FEMALE }, { "Ly", R_GIV | R_FEMALE }, { "Mai", R_GIV | R_FEMALE },
	{ "My", R_GIV | R_FEMALE }, { "Nga", R_GIV | R_FEMALE }, { "Ngân", R_GIV | R_FEMALE },
	{ "Nguyệt", R_GIV | R_FEMALE }, { "Nhàn", R_GIV | R_FEMALE }, { "Nhi", R_GIV | R_FEMALE },
	{ "Nhung", R_GIV | R_FEMALE }, { "Oanh", R_GIV | R_FEMALE }, { "Phương", R_GIV },
	{ "Phượng", R_GIV | R_FEMALE }, { "Quyên", R_GIV | R_FEMALE }, { "Quỳnh", R_GIV | R_FEMALE },
	{ "Thảo", R_GIV | R_FEMALE }, { "Thắm", R_GIV | R_FEMALE }, { "Thu", R_GIV | R_FEMALE },
	{ "Thư", R_GIV | R_FEMALE }, { "Thủy", R_GIV | R_FEMALE }, { "Thúy", R_GIV | R_FEMALE },
	{ "Thùy", R_GIV | R_FEMALE }, { "Trang", R_GIV | R_FEMALE }, { "Trâm", R_GIV | R_FEMALE },
	{ "Tuyết", R_GIV | R_FEMALE }, { "Uyên", R_GIV | R_FEMALE }, { "Vân", R_GIV | R_FEMALE },
	{ "Xuân", R_GIV }, { "Yến", R_GIV | R_FEMALE }, { "Lệ", R_GIV | R_FEMALE },
	{ "Thoa", R_GIV | R_FEMALE }, { "Thơ", R_GIV | R_FEMALE }, { "Trinh", R_GIV | R_FEMALE },
	{ "Ánh", R_GIV | R_FEMALE }, { "Bích", R_GIV | R_FEMALE }, { "Cúc", R_GIV | R_FEMALE },
	{ "Đào", R_GIV | R_FEMALE }, { "Hảo", R_GIV | R_FEMALE }, { "Huế", R_GIV | R_FEMALE },
	{ "Kiều", R_GIV | R_FEMALE }, { "Mỹ", R_GIV | R_FEMALE }, { "Tươi", R_GIV | R_FEMALE },
	{ "Sen", R_GIV | R_FEMALE }, { "Hoài", R_GIV }, { "Hiên", R_GIV | R_FEMALE },
	{ "Thịnh", R_GIV }, { "Hợp", R_GIV }, { "Hòa", R_GIV }, { "Thân", R_GIV | R_MALE },
	{ "Bắc", R_GIV | R_MALE }, { "Hạ", R_GIV | R_FEMALE }, { "Dịu", R_GIV | R_FEMALE },
};
#define NNAME_SYLS (sizeof name_syls / sizeof name_syls[0])

/* ------------------------------------------------------------------------
 * Buffers and UTF-8.
 * ------------------------------------------------------------------------ */

/* Length of the (valid) UTF-8 sequence starting with c. */
static size_t
u8len(unsigned char c)
{
	return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* The code point at s (valid UTF-8 with at least one byte). */
static int32_t
u8dec(const char *s, size_t n)
{
	utf8proc_int32_t cp = -1;

	if (utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp) < 1)
		return -1;
	return cp;
}

static int
cp_upper(int32_t cp)
{
	return cp >= 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_LU;
}

static int
cp_lower(int32_t cp)
{
	return cp >= 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}

static int
cp_letter(int32_t cp)
{
	utf8proc_category_t c;

	if (cp < 0)
		return 0;
	c = utf8proc_category(cp);
	return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

static int
f_alpha(char c)
{
	return c >= 'a' && c <= 'z';
}

static int
f_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
f_alnum(char c)
{
	return f_alpha(c) || f_digit(c);
}

static int
f_vowel(char c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y';
}

/* ------------------------------------------------------------------------
 * The document: NFC text, lines, folded lines.
 * ------------------------------------------------------------------------ */

struct line {
	const char *s;          /* the line in the NFC text, without '\n' */
	size_t len;
	char *f;                /* folded, NUL-terminated */
	size_t flen;
	uint32_t *map;          /* map[i]: offset in s of folded byte i; map[flen] = len */
	int page;
	int blank;              /* no letter or digit */
};

struct word {                   /* a word of the text, for the consensus of spellings */
	const char *src;        /* the line (or reference phrase) it is in */
	size_t s, e;            /* byte range in src */
	size_t fold, exact;     /* offsets in doc.wtext */
	int marks;              /* letters carrying a diacritic, or đ */
	int weight;             /* votes: 1, or REFERENCE_WEIGHT */
};

struct fold_cache {
	int32_t cp;
	unsigned char n;
	char out[6];
};

struct doc {
	char *text;
	size_t len;
	struct line *ln;
	size_t n;
	int oom;
	sohoa_vi_forms forms;
	struct fold_cache cache[128];
	struct word *w;         /* built on first use */
	size_t nw;
	int words_built;
	struct sbuf wtext;
	const char *ex_lo, *ex_hi;     /* the lines the phrase being repaired came from */
	char *type_fold[NTYPES];
	char *pos_fold[sizeof positions / sizeof positions[0]];
	sohoa_fields out;
	unsigned flags;         /* SOHOA_EXTRACT_*_COLUMNS (extract_int.h) */
	const char *signer_lines;      /* struct sohoa_extract_hints */
	const char *doubtful_words;
	const char *learned_phrases;   /* struct sohoa_extract_hints */
};

/* The folded bytes of one code point s[0..n) into out; returns their count. */
static size_t
fold_cp(struct doc *d, const char *s, size_t n, char out[6])
{
	int32_t cp = u8dec(s, n);
	struct fold_cache *c;
	utf8proc_category_t cat;

	if (cp < 0x80) {
		out[0] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
		return 1;
	}
	c = &d->cache[cp & 127];
	if (c->cp == cp) {
		memcpy(out, c->out, c->n);
		return c->n;
	}
	cat = utf8proc_category(cp);
	if (cat == UTF8PROC_CATEGORY_ZS) {
		out[0] = ' ';
		n = 1;
	} else if (cat == UTF8PROC_CATEGORY_PD || cp == 0x2212) {
		out[0] = '-';
		n = 1;
	} else if (sohoa_vi_forms_compute(&d->forms, s, n) == 0 && d->forms.folded_len <= 6) {
		n = d->forms.folded_len;
		memcpy(out, d->forms.folded, n);
	} else {
		out[0] = '?';
		n = 1;
	}
	c->cp = cp;
	c->n = (unsigned char)n;
	memcpy(c->out, out, n);
	return n;
}

static int
fold_line(struct doc *d, struct line *l)
{
	size_t cap = l->len + 8, i = 0, k = 0;
	int blank = 1;

	l->f = malloc(cap);
	l->map = malloc((cap + 1) * sizeof *l->map);
	if (!l->f || !l->map)
		return -1;
	while (i < l->len) {
		size_t n = u8len((unsigned char)l->s[i]);
		char out[6];
		size_t m;

		if (l->s[i] == '\t' || l->s[i] == '\r')
			m = 1, out[0] = ' ';
		else
			m = fold_cp(d, l->s + i, n, out);
		if (k + m + 1 > cap) {
			char *f;
			uint32_t *map;
			cap = 2 * cap + m;
			if (!(f = realloc(l->f, cap)))
				return -1;
			l->f = f;
			if (!(map = realloc(l->map, (cap + 1) * sizeof *map)))
				return -1;
			l->map = map;
		}
		for (size_t j = 0; j < m; j++) {
			l->f[k] = out[j];
			l->map[k] = (uint32_t)i;
			if (f_alnum(out[j]))
				blank = 0;
			k++;
		}
		i += n;
	}
	l->f[k] = '\0';
	l->map[k] = (uint32_t)l->len;
	l->flen = k;
	l->blank = blank;
	return 0;
}

static void
doc_release(struct doc *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->ln[i].f);
		free(d->ln[i].map);
	}
	free(d->ln);
	free(d->text);
	free(d->w);
	free(d->wtext.p);
	for (size_t i = 0; i < NTYPES; i++)
		free(d->type_fold[i]);
	for (size_t i = 0; i < sizeof positions / sizeof positions[0]; i++)
		free(d->pos_fold[i]);
	sohoa_vi_forms_release(&d->forms);
	sohoa_fields_release(&d->out);
}

static int
doc_init(struct doc *d, const char *text, size_t len)
{
	size_t i, start, cap = 64;
	int page = 0;

	d->text = sohoa_vi_nfc(text, len, &d->len);
	if (!d->text)
		return -1;
	d->ln = malloc(cap * sizeof *d->ln);
	if (!d->ln)
		return -1;
	for (i = start = 0; i <= d->len; i++) {
		char c = i < d->len ? d->text[i] : '\n';
		struct line *l;

		if (c != '\n' && c != '\f')
			continue;
		if (d->n == cap) {
			struct line *p = realloc(d->ln, 2 * cap * sizeof *p);
			if (!p)
				return -1;
			d->ln = p;
			cap *= 2;
		}
		l = &d->ln[d->n++];
		memset(l, 0, sizeof *l);
		l->s = d->text + start;
		l->len = i - start;
		l->page = page;
		if (fold_line(d, l) != 0)
			return -1;
		if (c == '\f')
			page++;
		start = i + 1;
	}
	for (i = 0; i < NTYPES; i++)
		if (!(d->type_fold[i] = sohoa_vi_fold(types[i].name, strlen(types[i].name), NULL)))
			return -1;
	for (i = 0; i < sizeof positions / sizeof positions[0]; i++)
		if (!(d->pos_fold[i] = sohoa_vi_fold(positions[i], strlen(positions[i]), NULL)))
			return -1;
	return 0;
}

/* ------------------------------------------------------------------------
 * Matching on folded lines.
 * ------------------------------------------------------------------------ */

static size_t
skip_sp(const struct line *l, size_t i)
{
	while (i < l->flen && l->f[i] == ' ')
		i++;
	return i;
}

/* Index after the last non-space byte of [a, b). */
static size_t
rtrim(const struct line *l, size_t a, size_t b)
{
	while (b > a && l->f[b - 1] == ' ')
		b--;
	return b;
}

/* The end of the alphanumeric run starting at i. */
static size_t
word_end(const struct line *l, size_t i)
{
	while (i < l->flen && f_alnum(l->f[i]))
		i++;
	return i;
}

/* The code point of the original text at folded index i. */
static int32_t
orig_cp(const struct line *l, size_t i)
{
	size_t o = l->map[i];

	return o < l->len ? u8dec(l->s + o, l->len - o) : -1;
}

/* Letters and upper-case letters in the folded range [a, b). */
static void
case_count(const struct line *l, size_t a, size_t b, int *letters, int *upper)
{
	size_t last = NPOS;

	*letters = *upper = 0;
	for (size_t i = a; i < b; i++) {
		int32_t cp;
		if (!f_alpha(l->f[i]) || l->map[i] == last)
			continue;
		last = l->map[i];
		cp = orig_cp(l, i);
		(*letters)++;
		if (cp_upper(cp))
			(*upper)++;
	}
}

static int
mostly_upper(const struct line *l, size_t a, size_t b, double ratio)
{
	int n, u;

	case_count(l, a, b, &n, &u);
	return n > 0 && u >= ratio * n;
}

/* Levenshtein distance of a[0..an) and b[0..bn), or max+1 when larger. */
static int
edit_distance(const char *a, size_t an, const char *b, size_t bn, int max)
{
	int row[96];

	if (bn >= sizeof row / sizeof row[0])
		return max + 1;
	if ((an > bn ? an - bn : bn - an) > (size_t)max)
		return max + 1;
	for (size_t j = 0; j <= bn; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= an; i++) {
		int diag = row[0], best;
		row[0] = (int)i;
		best = row[0];
		for (size_t j = 1; j <= bn; j++) {
			int up = row[j];
			int v = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			diag = up;
			row[j] = v;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
	}
	return row[bn];
}

/*
 * Approximate search (Sellers): the substring of t[0..tn) closest to p
 * within k edits.  Sets [*ms, *me) and returns the distance, or -1.
 * Among equally good matches the shortest one ending first wins.
 */
static int
approx_find(const char *t, size_t tn, const char *p, int k, size_t *ms, size_t *me)
{
	size_t pn = strlen(p);
	int cost[72], ncost[72];
	size_t st[72], nst[72];
	int best = k + 1;

	if (pn + 1 > sizeof cost / sizeof cost[0])
		return -1;
	for (size_t i = 0; i <= pn; i++) {
		cost[i] = (int)i;
		st[i] = 0;
	}
	for (size_t j = 1; j <= tn; j++) {
		ncost[0] = 0;
		nst[0] = j;
		for (size_t i = 1; i <= pn; i++) {
			int sub = cost[i - 1] + (p[i - 1] != t[j - 1]);
			int del = cost[i] + 1;          /* t[j-1] extra */
			int ins = ncost[i - 1] + 1;     /* p[i-1] missing */
			int v = sub;
			size_t s = st[i - 1];
			if (del < v || (del == v && st[i] > s))
				v = del, s = st[i];
			if (ins < v || (ins == v && nst[i - 1] > s))
				v = ins, s = nst[i - 1];
			ncost[i] = v;
			nst[i] = s;
		}
		memcpy(cost, ncost, (pn + 1) * sizeof *cost);
		memcpy(st, nst, (pn + 1) * sizeof *st);
		if (cost[pn] < best) {
			best = cost[pn];
			*ms = st[pn];
			*me = j;
		}
	}
	return best <= k ? best : -1;
}

/* A copy of the original text of the folded range [a, b) of l, spaces
 * trimmed and each run of spaces (tabs, no-break spaces) made one space. */
static char *
span_text(struct doc *d, const struct line *l, size_t a, size_t b)
{
	struct sbuf sb = { 0 };
	size_t last = NPOS;
	int space = 0;

	a = skip_sp(l, a);
	b = rtrim(l, a, b);
	for (size_t i = a; i < b; i++) {
		size_t o = l->map[i], n;
		if (l->f[i] == ' ') {
			space = 1;
			continue;
		}
		if (o == last)
			continue;       /* one code point, several folded bytes */
		last = o;
		if (space && sb.len)
			sb_add(&sb, " ", 1);
		space = 0;
		/* The whole code point and the combining marks folded away
		 * after it. */
		n = l->map[i + 1] > o ? l->map[i + 1] - o : u8len((unsigned char)l->s[o]);
		for (size_t j = i + 1; j < b && l->map[j] == o; j++)
			n = l->map[j + 1] > o ? l->map[j + 1] - o : n;
		sb_add(&sb, l->s + o, n);
	}
	sb_add(&sb, "", 0);
	if (sb.oom) {
		free(sb.p);
		d->oom = 1;
		return NULL;
	}
	return sb.p;
}

/* Sets a field of the result; takes ownership of value. */
static void
put(struct doc *d, sohoa_field_id id, char *value, double conf)
{
	if (!value)
		return;
	if (conf > 1)
		conf = 1;
	if (conf < 0)
		conf = 0;
	if (sohoa_fields_set(&d->out, id, value, "ocr", conf) != 0)
		d->oom = 1;
	free(value);
}

static char *
dup_str(struct doc *d, const char *s)
{
	char *c = strdup(s);

	if (!c)
		d->oom = 1;
	return c;
}

/* ------------------------------------------------------------------------
 * Case and the consensus of spellings.
 * ------------------------------------------------------------------------ */

/* Appends word w[0..n) to b with its first letter upper case (cap = 1),
 * every letter upper case (cap = 2), or all lower case (cap = 0). */
static void
sb_add_cased(struct sbuf *b, const char *w, size_t n, int cap)
{
	size_t i = 0;
	int first = 1;

	while (i < n) {
		size_t k = u8len((unsigned char)w[i]);
		int32_t cp = u8dec(w + i, n - i);
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t m;

		if (cp_letter(cp)) {
			cp = (cap == 2 || (cap == 1 && first)) ? utf8proc_toupper(cp) : utf8proc_tolower(cp);
			first = 0;
		}
		m = utf8proc_encode_char(cp, enc);
		sb_add(b, (const char *)enc, (size_t)m);
		i += k;
	}
}

/* The case pattern of an original word: 2 all upper (two letters or more),
 * 1 capitalised, 0 otherwise. */
static int
case_of(const char *w, size_t n)
{
	int letters = 0, upper = 0, first_upper = -1;

	for (size_t i = 0; i < n; i += u8len((unsigned char)w[i])) {
		int32_t cp = u8dec(w + i, n - i);
		if (!cp_letter(cp))
			continue;
		if (first_upper < 0)
			first_upper = cp_upper(cp);
		letters++;
		upper += cp_upper(cp);
	}
	if (letters >= 2 && upper == letters)
		return 2;
	return first_upper == 1;
}

/* Appends the words of src[0..len) to d->w, then (when sep) a word with an
 * empty folded form that keeps contexts from running across. */
static int
add_words(struct doc *d, const char *src, size_t len, size_t *cap, int sep, int weight)
{
	size_t pos = 0, s, e;

	for (;;) {
		struct word *w;
		int more = sohoa_vi_next_word(src, len, &pos, &s, &e), marks = 0;

		if (!more && !sep)
			return 0;
		if (more && sohoa_vi_forms_compute(&d->forms, src + s, e - s) != 0)
			return -1;
		if (d->nw == *cap) {
			struct word *p = realloc(d->w, 2 * *cap * sizeof *p);
			if (!p)
				return -1;
			d->w = p;
			*cap *= 2;
		}
		w = &d->w[d->nw++];
		w->src = src;
		w->weight = weight;
		w->fold = d->wtext.len;
		if (!more) {
			/* The separator: folds like no word. */
			w->s = w->e = 0;
			sb_add(&d->wtext, "", 1);
			w->exact = w->fold;
			w->marks = 0;
			return d->wtext.oom ? -1 : 0;
		}
		w->s = s;
		w->e = e;
		sb_add(&d->wtext, d->forms.folded, d->forms.folded_len + 1);
		w->exact = d->wtext.len;
		sb_add(&d->wtext, d->forms.exact, d->forms.exact_len + 1);
		for (size_t i = 0; i < d->forms.exact_len; i++)
			if ((unsigned char)d->forms.exact[i] >= 0xC0)
				marks++;
		w->marks = marks;
	}
}

/*
 * The words of the document, then those of the standard phrases of ND 30
 * documents (nơi nhận and headings), whose spelling is fixed: each of their
 * words votes like REFERENCE_WEIGHT occurrences in the same context, so that
 * "TT Dang ủy (dé b/c)" read in small print twice becomes "TT Đảng ủy (để
 * b/c)".
 */
#define REFERENCE_WEIGHT 3
static const char *const reference_phrases[] = {
	"Nơi nhận", "Như trên", "Như Điều 3", "Kính gửi", "Về việc", "TT Đảng ủy",
	"TT HĐND xã", "TT HĐND phường", "TT HĐND thị trấn", "TT HĐND huyện",
	"CT, các PCT UBND xã", "CT, các PCT UBND phường", "CT, các PCT UBND thị trấn",
	"UBND huyện", "UBND quận", "UBND thị xã", "UBND tỉnh", "UBND Thành phố",
	"(để b/c)", "(để báo cáo)", "(để biết)", "(để thực hiện)", "(để chỉ đạo)",
	"Lưu: VT", "Các thôn trên địa bàn", "Các tổ dân phố trên địa bàn",
	"Các ban, ngành, đoàn thể", "Ủy ban nhân dân", "Hội đồng nhân dân",
	"Chủ tịch", "Phó Chủ tịch",
};

static int
build_words(struct doc *d)
{
	size_t cap = 256;

	d->words_built = 1;
	d->w = malloc(cap * sizeof *d->w);
	if (!d->w)
		return -1;
	/* A page break ends a context; a line break does not. */
	for (size_t li = 0; li < d->n; li++) {
		const struct line *l = &d->ln[li];
		int last = li + 1 == d->n || d->ln[li + 1].page != l->page;
		if (add_words(d, l->s, l->len, &cap, last, 1) != 0)
			return -1;
	}
	for (size_t i = 0; i < sizeof reference_phrases / sizeof reference_phrases[0]; i++)
		if (add_words(d, reference_phrases[i], strlen(reference_phrases[i]), &cap, 1,
		    REFERENCE_WEIGHT) != 0)
			return -1;
	return d->wtext.oom ? -1 : 0;
}

/*
 * The spelling the document agrees on for word i of a phrase of n words
 * (folded forms fw[], exact forms ew[]): every occurrence of the word in
 * the document whose neighbours fold like the phrase's (at least one of
 * them when the phrase has neighbours) votes for its exact spelling.  The
 * most voted spelling replaces the phrase's own when the phrase's has no
 * diacritic at all, when it has more votes (and no fewer marks), or a
 * clear majority.  The standard phrases of reference_phrases[] vote too.
 * Returns the index of a word with the winning spelling, or NPOS to keep
 * the word as it is.
 */
static size_t
consensus(struct doc *d, char **fw, char **ew, size_t n, size_t i)
{
	enum { MAXC = 8 };
	size_t rep[MAXC];
	int votes[MAXC], own = 0, nc = 0, best = -1, own_marks = 0;

	if (!d->words_built && build_words(d) != 0) {
		d->oom = 1;
		return NPOS;
	}
	for (const char *p = ew[i]; *p; p++)
		if ((unsigned char)*p >= 0xC0)
			own_marks++;
	for (size_t k = 0; k < d->nw; k++) {
		const struct word *w = &d->w[k];
		const char *wf = d->wtext.p + w->fold, *we = d->wtext.p + w->exact;
		int ctx = 0, need = 0, c;

		if (strcmp(wf, fw[i]) != 0)
			continue;
		/* The phrase's own occurrence is no witness of its spelling.
		 * (Addresses compared as integers: the reference phrases are
		 * other objects.) */
		if (d->ex_lo && (uintptr_t)w->src >= (uintptr_t)d->ex_lo &&
		    (uintptr_t)w->src <= (uintptr_t)d->ex_hi)
			continue;
		if (i > 0) {
			need = 1;
			if (k > 0 && !strcmp(d->wtext.p + d->w[k - 1].fold, fw[i - 1]))
				ctx++;
		}
		if (i + 1 < n) {
			need = 1;
			if (k + 1 < d->nw && !strcmp(d->wtext.p + d->w[k + 1].fold, fw[i + 1]))
				ctx++;
		}
		if (ctx < need)
			continue;
		if (!strcmp(we, ew[i])) {
			own += w->weight;
			continue;
		}
		for (c = 0; c < nc; c++)
			if (!strcmp(d->wtext.p + d->w[rep[c]].exact, we))
				break;
		if (c == nc) {
			if (nc == MAXC)
				continue;
			rep[nc] = k;
			votes[nc++] = 0;
		}
		votes[c] += w->weight;
	}
	/* OCR drops diacritics far more often than it adds them: a word read
	 * without any takes a spelling found elsewhere; otherwise the majority
	 * decides, and a spelling with fewer marks needs a clear one. */
	for (int c = 0; c < nc; c++) {
		int m = d->w[rep[c]].marks, v = votes[c];
		if (!((own_marks == 0 && m > 0) || (m >= own_marks && v > own) ||
		    (m < own_marks && v >= 3 && v > 2 * own)))
			continue;
		if (best < 0 || v > votes[best] || (v == votes[best] && m > d->w[rep[best]].marks))
			best = c;
	}
	if (best >= 0)
		return rep[best];
	return NPOS;
}

/*
 * The phrase s with each word's spelling put to the document's consensus
 * (see consensus()), keeping the case pattern and the punctuation of s.
 * *changed is set when a word changed.  Caller owns the result.
 */
static char *
repair_phrase(struct doc *d, const char *s, int *changed)
{
	enum { MAXW = 24 };
	size_t ws[MAXW], we[MAXW], n = 0, pos = 0, a, b, len = strlen(s);
	char *fw[MAXW] = { 0 }, *ew[MAXW] = { 0 };
	struct sbuf out = { 0 };
	size_t done = 0;

	while (n < MAXW && sohoa_vi_next_word(s, len, &pos, &a, &b)) {
		ws[n] = a;
		we[n] = b;
		fw[n] = sohoa_vi_fold(s + a, b - a, NULL);
		ew[n] = sohoa_vi_exact(s + a, b - a, NULL);
		if (!fw[n] || !ew[n]) {
			d->oom = 1;
			n++;
			goto out;
		}
		n++;
	}
	for (size_t i = 0; i < n; i++) {
		size_t k = consensus(d, fw, ew, n, i);
		const struct word *w;

		if (k == NPOS)
			continue;
		w = &d->w[k];
		sb_add(&out, s + done, ws[i] - done);
		sb_add_cased(&out, w->src + w->s, w->e - w->s, case_of(s + ws[i], we[i] - ws[i]));
		done = we[i];
		*changed = 1;
	}
	sb_add(&out, s + done, len - done);
out:
	for (size_t i = 0; i < n; i++) {
		free(fw[i]);
		free(ew[i]);
	}
	if (out.oom || d->oom) {
		d->oom = 1;
		free(out.p);
		return NULL;
	}
	return out.p;
}

/* The phrase about to be repaired comes from lines [l0, l1) (or nowhere
 * when l0 is NPOS): consensus() ignores those lines. */
static void
exclude_lines(struct doc *d, size_t l0, size_t l1)
{
	if (l0 == NPOS || l0 >= l1 || l1 > d->n) {
		d->ex_lo = d->ex_hi = NULL;
		return;
	}
	d->ex_lo = d->ln[l0].s;
	d->ex_hi = d->ln[l1 - 1].s;
}

/* repair_phrase() in place: *s is replaced. */
static int
repair_in_place(struct doc *d, char **s)
{
	int changed = 0;
	char *r;

	if (!*s)
		return 0;
	r = repair_phrase(d, *s, &changed);
	if (!r)
		return 0;
	free(*s);
	*s = r;
	return changed;
}

/*
 * Words OCR glued together in capitals ("BÁTTRÀNG"): a word that occurs
 * nowhere else in the document but folds like two or three words in a row
 * elsewhere ("Bát Tràng" in the body) is split like them.  Returns 1 when
 * *s changed.
 */
static int
split_glued(struct doc *d, char **s)
{
	size_t pos = 0, a, b, len, done = 0;
	struct sbuf out = { 0 };
	int changed = 0;

	if (!*s)
		return 0;
	if (!d->words_built && build_words(d) != 0) {
		d->oom = 1;
		return 0;
	}
	len = strlen(*s);
	while (sohoa_vi_next_word(*s, len, &pos, &a, &b)) {
		char *f = sohoa_vi_fold(*s + a, b - a, NULL);
		size_t fl = f ? strlen(f) : 0, k, seen = 0, hit = NPOS, parts = 0;

		if (!f || fl < 5) {
			free(f);
			continue;
		}
		for (k = 0; k < d->nw; k++)
			seen += !strcmp(d->wtext.p + d->w[k].fold, f);
		for (k = 0; seen <= 1 && hit == NPOS && k < d->nw; k++) {
			size_t m = 0, j;
			for (j = k; j < d->nw && j < k + 3 && m < fl; j++) {
				const char *wf = d->wtext.p + d->w[j].fold;
				size_t wl = strlen(wf);
				if (!wl || strncmp(f + m, wf, wl))
					break;
				m += wl;
			}
			if (m == fl && j - k >= 2) {
				hit = k;
				parts = j - k;
			}
		}
		if (hit != NPOS) {
			int cap = case_of(*s + a, b - a);
			sb_add(&out, *s + done, a - done);
			for (k = hit; k < hit + parts; k++) {
				if (k > hit)
					sb_add(&out, " ", 1);
				sb_add_cased(&out, d->w[k].src + d->w[k].s, d->w[k].e - d->w[k].s, cap);
			}
			done = b;
			changed = 1;
		}
		free(f);
	}
	if (!changed) {
		free(out.p);
		return 0;
	}
	sb_add(&out, *s + done, len - done);
	if (out.oom) {
		d->oom = 1;
		free(out.p);
		return 0;
	}
	free(*s);
	*s = out.p;
	return 1;
}

/* An organ's name put right: glued words split, and the spelling of the
 * words after a fixed phrase ("ỦY BAN NHÂN DÂN", kept as it is) to the
 * document's consensus.  Returns 1 when *s changed. */
static int
repair_organ(struct doc *d, char **s)
{
	int changed = split_glued(d, s);

	if (!*s)
		return changed;
	for (size_t i = 0; i < sizeof canonical_caps / sizeof canonical_caps[0]; i++) {
		size_t n = strlen(canonical_caps[i]);
		if (!strncmp(*s, canonical_caps[i], n) && (*s)[n] == ' ') {
			char *rest = dup_str(d, *s + n + 1);
			struct sbuf sb = { 0 };
			if (!rest)
				return changed;
			changed |= repair_in_place(d, &rest);
			sb_add(&sb, canonical_caps[i], n);
			sb_add(&sb, " ", 1);
			if (rest)
				sb_str(&sb, rest);
			free(rest);
			if (sb.oom) {
				d->oom = 1;
				free(sb.p);
				return changed;
			}
			free(*s);
			*s = sb.p;
			return changed;
		}
	}
	return changed | repair_in_place(d, s);
}

/* ------------------------------------------------------------------------
 * Header: left column, number, date.
 * ------------------------------------------------------------------------ */

struct header {
	size_t so_line;                 /* the "Số:" line, or NPOS */
	size_t so_end;                  /* folded index after the notation */
	size_t date_line;               /* the date line, or NPOS */
	size_t end;                     /* first line after the header rows */
	char *type_abbr;                /* the notation's type segment */
};

/* The folded range of l that belongs to the left header column: the
 * national motto (two lines of the right column) is cut off. */
static void
left_column(const struct line *l, size_t *a, size_t *b)
{
	/* Each line of the motto, then the tail of it alone when OCR mangled
	 * its start. */
	static const struct {
		const char *p;
		int k, line;
	} motto[] = {
		{ "cong hoa xa hoi chu nghia viet nam", 7, 0 },
		{ "chu nghia viet nam", 3, 0 },
		{ "doc lap - tu do - hanh phuc", 6, 1 },
		{ "tu do - hanh phuc", 3, 1 },
	};
	int done[2] = { 0, 0 };

	*a = 0;
	*b = l->flen;
	for (size_t m = 0; m < sizeof motto / sizeof motto[0]; m++) {
		size_t s, e;
		int letters = 0;

		if (done[motto[m].line] ||
		    approx_find(l->f + *a, *b - *a, motto[m].p, motto[m].k, &s, &e) < 0)
			continue;
		done[motto[m].line] = 1;
		s += *a;
		e += *a;
		for (size_t i = *a; i < s; i++)
			letters += f_alpha(l->f[i]);
		if (letters >= 2)
			*b = s;
		else
			*a = e;
	}
	*a = skip_sp(l, *a);
	*b = rtrim(l, *a, *b);
}

/* OCR's look-alikes of digits inside a number. */
static int
digit_of(char c)
{
	if (f_digit(c))
		return c;
	if (c == 'o')
		return '0';
	if (c == 'l' || c == 'i' || c == '|')
		return '1';
	return 0;
}

/* The index in types[] of the type abbreviation s, case as printed ("TTr");
 * with fold_d a D may stand for Đ (OCR drops the stroke).  -1 when none. */
static int
known_abbr(const char *s, int fold_d)
{
	for (size_t i = 0; i < NTYPES; i++) {
		const char *a = types[i].abbr;
		if (!a)
			continue;
		if (!strcmp(a, s))
			return (int)i;
		if (fold_d) {
			/* Compare with Đ read as D (OCR drops the stroke). */
			size_t ai = 0, si = 0;
			while (a[ai] && s[si]) {
				if (!strncmp(a + ai, "Đ", 2) && s[si] == 'D') {
					ai += 2;
					si++;
				} else if (a[ai] == s[si]) {
					ai++;
					si++;
				} else {
					break;
				}
			}
			if (!a[ai] && !s[si])
				return (int)i;
		}
	}
	return -1;
}

/* The type abbreviation in a notation ("QĐ" in "2025/QĐ-UBND"), repaired
 * for doubled letters ("QĐĐ"); NULL when the notation has none. */
static char *
notation_type(struct doc *d, const char *nt)
{
	const char *p = nt, *dash = strchr(nt, '-'), *slash;
	char seg[32];
	size_t n;

	if (!dash)
		return NULL;
	while ((slash = memchr(p, '/', (size_t)(dash - p))) != NULL)
		p = slash + 1;
	n = (size_t)(dash - p);
	if (n == 0 || n >= sizeof seg)
		return NULL;
	memcpy(seg, p, n);
	seg[n] = '\0';
	if (known_abbr(seg, 1) >= 0)
		return dup_str(d, seg);
	/* A letter read twice: drop one of two equal adjacent characters. */
	for (size_t i = 0; i < n;) {
		size_t k = u8len((unsigned char)seg[i]);
		if (i + 2 * k <= n && !memcmp(seg + i, seg + i + k, k)) {
			char t[32];
			memcpy(t, seg, i);
			memcpy(t + i, seg + i + k, n - i - k + 1);
			if (known_abbr(t, 1) >= 0)
				return dup_str(d, t);
		}
		i += k;
	}
	return NULL;
}

/* 1 when a notation segment looks like one: starts with an upper-case
 * letter or a digit and at least half its letters are upper case ("TTr",
 * "QyĐ", "UBND", "2025"). */
static int
notation_segment(const char *s, size_t n)
{
	int letters = 0, upper = 0;
	int32_t first;

	if (n == 0)
		return 1;
	first = u8dec(s, n);
	if (!(cp_upper(first) || (first >= '0' && first <= '9')))
		return 0;
	for (size_t i = 0; i < n; i += u8len((unsigned char)s[i])) {
		int32_t cp = u8dec(s + i, n - i);
		if (cp_letter(cp)) {
			letters++;
			upper += cp_upper(cp);
		} else if (!((cp >= '0' && cp <= '9') || cp == '&' || cp == '.')) {
			return 0;
		}
	}
	return letters == 0 || 2 * upper >= letters;
}

static int
notation_token(const char *s, size_t n)
{
	size_t i = 0, start = 0;

	for (i = 0; i <= n; i++) {
		if (i == n || s[i] == '-' || s[i] == '/') {
			if (!notation_segment(s + start, i - start))
				return 0;
			start = i + 1;
		}
	}
	return 1;
}

/*
 * Parses "Số: 15/QĐ-UBND" at folded index i of l (just after the label and
 * its colon).  Fills number (may stay NULL for a blank number), notation,
 * and *end (folded index after the notation).  Returns 1 when a notation
 * was found.
 */
static int
parse_number(struct doc *d, const struct line *l, size_t i, char **number, char **notation,
    size_t *end, int *repaired)
{
	char num[16];
	size_t nn = 0, j, o, oend;
	int real_digits = 0;
	struct sbuf nt = { 0 };

	*number = *notation = NULL;
	i = skip_sp(l, i);
	for (j = i; j < l->flen && nn + 1 < sizeof num; j++) {
		int c = digit_of(l->f[j]);
		if (!c)
			break;
		real_digits += f_digit(l->f[j]);
		num[nn++] = (char)c;
	}
	if (nn && !real_digits)
		return 0;
	num[nn] = '\0';
	if (nn && j < l->flen && f_alpha(l->f[j]))
		return 0;               /* "15abc": not a number */
	j = skip_sp(l, j);
	if (j >= l->flen || (l->f[j] != '/' && !(nn && (l->f[j] == '|' || l->f[j] == '\\'))))
		return 0;
	if (l->f[j] != '/')
		*repaired = 1;
	j = skip_sp(l, j + 1);
	/* The notation, from the original text: tokens joined across stray
	 * spaces next to '-' or '/'. */
	o = l->map[j];
	oend = o;
	for (;;) {
		size_t ts = o, te;
		int joins;
		while (ts < l->len && l->s[ts] == ' ')
			ts++;
		te = ts;
		while (te < l->len && l->s[te] != ' ')
			te++;
		if (te == ts)
			break;
		joins = nt.len == 0 || nt.p[nt.len - 1] == '-' || nt.p[nt.len - 1] == '/' ||
		    l->s[ts] == '-' || l->s[ts] == '/';
		if (!joins)
			break;
		/* Trailing punctuation belongs to the sentence (or is OCR junk),
		 * not to the notation; a colon between letters is a misread '-'. */
		{
			size_t t2 = te;
			char tok[64];
			while (t2 > ts && strchr(".,;:_`'\"~^|!", l->s[t2 - 1]))
				t2--;
			if (t2 - ts >= sizeof tok)
				break;
			memcpy(tok, l->s + ts, t2 - ts);
			for (size_t k = 1; k + 1 < t2 - ts; k++)
				if (tok[k] == ':' && tok[k - 1] != '-' && tok[k + 1] != '-') {
					tok[k] = '-';
					*repaired = 1;
				}
			if (!notation_token(tok, t2 - ts))
				break;
			sb_add(&nt, tok, t2 - ts);
			oend = te;
			if (t2 < te)
				break;
		}
		o = te;
	}
	while (nt.len && (nt.p[nt.len - 1] == '-' || nt.p[nt.len - 1] == '/'))
		nt.p[--nt.len] = '\0';
	if (nt.oom) {
		d->oom = 1;
		free(nt.p);
		return 0;
	}
	/* A notation opens with a capital, or with the year of a normative
	 * document ("2025/QĐ-UBND"). */
	if (nt.len == 0 || nt.len > 40 ||
	    !(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ\xC3\xC4", nt.p[0]) ||
	      (nt.len > 5 && f_digit(nt.p[0]) && f_digit(nt.p[1]) && f_digit(nt.p[2]) &&
	       f_digit(nt.p[3]) && nt.p[4] == '/'))) {
		free(nt.p);
		return 0;
	}
	/* Look-alikes of Đ (Ð U+00D0) become Đ. */
	for (size_t k = 0; k + 1 < nt.len; k++)
		if ((unsigned char)nt.p[k] == 0xC3 && (unsigned char)nt.p[k + 1] == 0x90) {
			nt.p[k] = (char)0xC4;
			*repaired = 1;
		}
	/* "BBUBND": the '-' after a type abbreviation lost. */
	if (!strchr(nt.p, '-') && !strchr(nt.p, '/')) {
		for (size_t k = nt.len > 2 ? nt.len - 2 : 0; k >= 2; k--) {
			char pre[16];
			if (k >= sizeof pre)
				continue;
			memcpy(pre, nt.p, k);
			pre[k] = '\0';
			if (known_abbr(pre, 0) >= 0 && notation_segment(nt.p + k, nt.len - k)) {
				struct sbuf fixed = { 0 };
				sb_add(&fixed, nt.p, k);
				sb_add(&fixed, "-", 1);
				sb_add(&fixed, nt.p + k, nt.len - k);
				if (fixed.oom) {
					free(fixed.p);
					break;
				}
				free(nt.p);
				nt = fixed;
				*repaired = 1;
				break;
			}
		}
	}
	*notation = nt.p;
	if (nn && !(*number = dup_str(d, num)))
		return 0;
	if (nn && real_digits < (int)nn)
		*repaired = 1;
	/* Back to a folded index. */
	*end = l->flen;
	for (size_t k = 0; k <= l->flen; k++)
		if (l->map[k] >= oend) {
			*end = k;
			break;
		}
	return 1;
}

/*
 * Finds the "Số:" label opening the left column [a, b) of l (after OCR
 * junk such as "_ '"); returns the folded index of the number after it,
 * or NPOS.  OCR reads "Số" as "So", "Sô", "S6", "S0", "$ố", "§ố", "Šð".
 * *clean is 0 when the label was damaged.
 */
static size_t
find_so_label(const struct line *l, size_t a, size_t b, int *clean)
{
	size_t i = a, j;
	char c1;
	int s_clean;

	while (i < b && !f_alnum(l->f[i]) && l->f[i] != '$' && strncmp(l->f + i, "\xc2\xa7", 2))
		i++;
	/* The label read twice ("số Số: 30/..."): the second one counts. */
	if (i + 3 < b && l->f[i] == 's' && l->f[i + 1] == 'o' && l->f[i + 2] == ' ' &&
	    l->f[i + 3] == 's')
		i += 3;
	if (i + 2 > b)
		return NPOS;
	s_clean = l->f[i] == 's';
	if (!strncmp(l->f + i, "\xc2\xa7", 2))
		i += 2;
	else if (l->f[i] == 's' || l->f[i] == '$')
		i++;
	else
		return NPOS;
	c1 = i < b ? l->f[i] : 0;
	if (c1 != 'o' && c1 != '6' && c1 != '0' && c1 != 'd')
		return NPOS;
	if (i + 1 < l->flen && f_alnum(l->f[i + 1]) &&
	    !(f_digit(l->f[i + 1]) && c1 != 'o'))
		return NPOS;
	if (f_digit(l->f[i + 1]))
		j = i + 1;      /* "§ố12/BB": no colon, no space */
	else
		j = skip_sp(l, i + 1);
	if (j < l->flen && strchr(":;.,", l->f[j])) {
		*clean = s_clean && c1 == 'o' && l->f[j] == ':';
		j++;
	} else {
		*clean = 0;
		/* Without a colon the number must follow at once. */
		if (j >= l->flen || !(f_digit(l->f[j]) || l->f[j] == '/'))
			return NPOS;
	}
	j = skip_sp(l, j);
	if (j < l->flen && (digit_of(l->f[j]) || l->f[j] == '/'))
		return j;
	return NPOS;
}

/* Spaces and the stray punctuation speckle leaves between the words of a
 * date ("tháng. 11"). */
static size_t
skip_date_junk(const struct line *l, size_t i)
{
	while (i < l->flen && strchr(" .,:;'`\"_", l->f[i]))
		i++;
	return i;
}

/* The number of a date part: 1 or 2 digits (OCR's O for 0 accepted). */
static int
date_number(const struct line *l, size_t *i, int maxdigits)
{
	int v = 0, n = 0;
	size_t j = skip_date_junk(l, *i);

	while (j < l->flen && n < maxdigits) {
		int c = f_digit(l->f[j]) ? l->f[j] : (l->f[j] == 'o' && n > 0 ? '0' : 0);
		if (!c && l->f[j] == 'o' && j + 1 < l->flen && f_digit(l->f[j + 1]))
			c = '0';
		if (!c)
			break;
		v = v * 10 + (c - '0');
		n++;
		j++;
	}
	if (n == 0 || (j < l->flen && f_alnum(l->f[j])))
		return -1;
	*i = j;
	return v;
}

/* 1 when the folded word at *i is kw within one edit (kw of 4+ letters) or
 * exactly; moves *i past it. */
static int
keyword(const struct line *l, size_t *i, const char *kw)
{
	size_t j = skip_date_junk(l, *i), e = word_end(l, j);
	size_t n = strlen(kw);
	int max = n >= 4 ? 1 : 0;

	if (e == j || edit_distance(l->f + j, e - j, kw, n, max) > max)
		return 0;
	*i = e;
	return 1;
}

static int
valid_date(int y, int m, int dd)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (y < 1945 || y > 2100 || m < 1 || m > 12 || dd < 1 || dd > mdays[m - 1])
		return 0;
	if (m == 2 && dd == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	return 1;
}

/*
 * A day (or month) read impossible ("ngày 37 tháng 5"): the readings the
 * LSTM offered for its digits (doubt, struct sohoa_extract_hints), digits
 * [a, b) of l's folded text.  Each alternative of the day, then of the
 * month, that makes a valid date with the rest as read is a candidate;
 * 1 with it in *dd / *mm when there is exactly one, 0 otherwise (nothing
 * offered, or two dates possible: the date is left out rather than
 * guessed).
 */
static int
offered_date(const struct line *l, const char *doubt, size_t da, size_t db, size_t ma,
    size_t mb, int yy, int *mm, int *dd)
{
	int found = 0, fd = 0, fm = 0;

	for (int part = 0; part < 2; part++) {
		size_t a = part ? ma : da, b = part ? mb : db, n, i = 0;
		const char *alts;
		if (!sohoa_extract_word_alts(doubt, l->f + a, b - a, &alts, &n))
			continue;
		while (i < n) {
			size_t k = strcspn(alts + i, " \n");
			int v = 0, ok = k >= 1 && k <= 2;
			if (k > n - i)
				k = n - i;
			for (size_t c = 0; ok && c < k; c++) {
				ok = alts[i + c] >= '0' && alts[i + c] <= '9';
				v = v * 10 + (alts[i + c] - '0');
			}
			if (ok && (part ? valid_date(yy, v, *dd) : valid_date(yy, *mm, v)) &&
			    !(found && (part ? fm == v && fd == *dd : fd == v && fm == *mm))) {
				found++;
				fd = part ? *dd : v;
				fm = part ? v : *mm;
			}
			i += k + 1;
		}
	}
	if (found != 1)
		return 0;
	*dd = fd;
	*mm = fm;
	return 1;
}

/*
 * Finds "ngày 05 tháng 3 năm 2024" on l from folded index a.  Returns the
 * folded index where it starts ("ngày", or the day when "ngày" is
 * unreadable) and fills the ISO date, or NPOS.  A date read impossible is
 * taken with the one digit the LSTM offered that makes it possible
 * (offered_date(); *clean 0, *offered 1); doubt may be NULL.
 */
static size_t
find_date(const struct line *l, size_t a, const char *doubt, char iso[11], int *clean,
    int *offered)
{
	for (size_t i = a; i < l->flen; i++) {
		size_t j = i, start = i, da, db, ma, mb;
		int dd, mm, yy, has_ngay, alt = 0;

		if (i > 0 && f_alnum(l->f[i - 1]))
			continue;
		has_ngay = keyword(l, &j, "ngay");
		if (!has_ngay) {
			if (!f_digit(l->f[i]))
				continue;
			j = i;
		}
		da = skip_date_junk(l, j);
		if ((dd = date_number(l, &j, 2)) < 0)
			continue;
		db = j;
		if (!keyword(l, &j, "thang"))
			continue;
		ma = skip_date_junk(l, j);
		if ((mm = date_number(l, &j, 2)) < 0)
			continue;
		mb = j;
		if (!keyword(l, &j, "nam"))
			continue;
		if ((yy = date_number(l, &j, 4)) < 0)
			continue;
		if (!valid_date(yy, mm, dd) &&
		    !(doubt && yy >= 1945 && yy <= 2100 &&
		      (alt = offered_date(l, doubt, da, db, ma, mb, yy, &mm, &dd))))
			continue;
		snprintf(iso, 11, "%04d-%02d-%02d", yy, mm, dd);
		*clean = has_ngay && !alt;
		if (offered)
			*offered = alt;
		return start;
	}
	return NPOS;
}

/*
 * The place name before the date at folded index ds of l: the capitalised
 * words just before ", ngày", not further left than a.  NULL when there is
 * none.
 */
static char *
place_before(struct doc *d, const struct line *l, size_t a, size_t ds)
{
	size_t e = ds, s, start = NPOS;
	int words = 0;

	while (e > a && (l->f[e - 1] == ' ' || l->f[e - 1] == ','))
		e--;
	s = e;
	while (s > a && words < 6) {
		size_t ws = s, we;
		int32_t cp;
		int n, u;

		while (ws > a && l->f[ws - 1] == ' ')
			ws--;
		we = ws;
		while (ws > a && f_alnum(l->f[ws - 1]))
			ws--;
		if (ws == we || (ws > a && l->f[ws - 1] != ' ' && l->f[ws - 1] != '.'))
			break;
		cp = orig_cp(l, ws);
		case_count(l, ws, we, &n, &u);
		/* Capitalised words; an all-capitals word belongs to the left column. */
		if (!cp_upper(cp) || (n >= 2 && u == n))
			break;
		start = ws;
		words++;
		s = ws;
	}
	if (start == NPOS)
		return NULL;
	return span_text(d, l, start, e);
}

/* ------------------------------------------------------------------------
 * The header.
 * ------------------------------------------------------------------------ */

/* The folded string without spaces, into out[cap]. */
static void
strip_spaces(const char *s, char *out, size_t cap)
{
	size_t k = 0;

	for (; *s && k + 1 < cap; s++)
		if (*s != ' ')
			out[k++] = *s;
	out[k] = '\0';
}

/* 1 when fold is one of organ_heads[] (spaces ignored), within one edit
 * for the long ones ("uye ban nhan dan", "uy ban nhan"): OCR damage on a
 * line that must be joined to the next. */
static int
is_organ_head(const char *fold)
{
	char a[64], b[64];

	strip_spaces(fold, a, sizeof a);
	for (size_t i = 0; i < sizeof organ_heads / sizeof organ_heads[0]; i++) {
		size_t al = strlen(a), bl;
		int max;
		strip_spaces(organ_heads[i], b, sizeof b);
		bl = strlen(b);
		max = bl >= 10 ? 3 : 0;
		if (edit_distance(a, al, b, bl, max) <= max)
			return 1;
	}
	return 0;
}

/* 1 when fold opens with one of organ_heads[] ("ubnd xa van binh", "uy
 * ban nhan dan xa duyen"): the first line of an organ's name. */
static int
opens_organ(const char *fold)
{
	char a[64], b[64];

	strip_spaces(fold, a, sizeof a);
	for (size_t i = 0; i < sizeof organ_heads / sizeof organ_heads[0]; i++) {
		size_t bl;
		strip_spaces(organ_heads[i], b, sizeof b);
		bl = strlen(b);
		if (strlen(a) >= bl && edit_distance(a, bl, b, bl, bl >= 10 ? 2 : 0)
		    <= (bl >= 10 ? 2 : 0))
			return 1;
	}
	return 0;
}

/* The folded letters and digits of [a, b) of l, words separated by one space. */
static void
compact_fold(const struct line *l, size_t a, size_t b, char *out, size_t cap)
{
	size_t k = 0;
	int space = 0;

	for (size_t i = a; i < b && k + 2 < cap; i++) {
		if (f_alnum(l->f[i])) {
			if (space && k)
				out[k++] = ' ';
			space = 0;
			out[k++] = l->f[i];
		} else {
			space = 1;
		}
	}
	out[k] = '\0';
}

/*
 * An organ line: the words in capitals of the folded range [a, b) of l,
 * without OCR junk before them ("_,XÃ") or after them ("DÂN: oe _"); a
 * fixed phrase ("ỦY BAN NHÂN DÂN") in its canonical spelling.  NULL when
 * the line holds no such words or starts with a lower-case word.
 */
static char *
organ_text(struct doc *d, const struct line *l, size_t a, size_t b)
{
	struct sbuf sb = { 0 };
	size_t o = l->map[a], oe = l->map[b];
	char *f;

	while (o < oe) {
		size_t ts, te, s, e;
		int letters = 0, upper = 0, stop = 0;

		while (o < oe && l->s[o] == ' ')
			o++;
		ts = o;
		while (o < oe && l->s[o] != ' ')
			o++;
		te = o;
		if (ts == te)
			break;
		s = ts;
		e = te;
		while (s < e && !cp_letter(u8dec(l->s + s, e - s)) &&
		    ((l->s[s] != '-' && l->s[s] != '&') || !sb.len))
			s += u8len((unsigned char)l->s[s]);
		while (e > s) {
			size_t k = e - 1;
			while (k > s && ((unsigned char)l->s[k] & 0xC0) == 0x80)
				k--;
			if (cp_letter(u8dec(l->s + k, e - k)) || l->s[k] == ')')
				break;
			if (strchr(":;,", l->s[k]))
				stop = 1;       /* a colon ends the name */
			e = k;
		}
		if (e > s && l->s[e - 1] == ')' && !memchr(l->s + s, '(', e - s) &&
		    !(sb.len && strchr(sb.p, '(')))
			e--;    /* a stray bracket: a bit of the column rule */
		if (s == e && (te - ts == 1 && (l->s[ts] == '-' || l->s[ts] == '&')) && sb.len) {
			sb_add(&sb, " ", 1);
			sb_add(&sb, l->s + ts, 1);
			continue;
		}
		for (size_t k = s; k < e; k += u8len((unsigned char)l->s[k])) {
			int32_t cp = u8dec(l->s + k, e - k);
			if (cp_letter(cp)) {
				letters++;
				upper += cp_upper(cp);
			} else if (!strchr("-&()", l->s[k])) {
				upper = -1000;
			}
		}
		if (letters == 0 && !sb.len)
			continue;       /* junk before the name */
		if (letters == 0 || upper != letters) {
			if (!sb.len && letters)
				break;  /* a lower-case word first: not an organ */
			break;
		}
		if (sb.len)
			sb_add(&sb, " ", 1);
		sb_add(&sb, l->s + s, e - s);
		if (stop)
			break;
	}
	/* A dash left at the end belonged to the junk. */
	while (sb.len >= 2 && sb.p[sb.len - 1] == '-' && sb.p[sb.len - 2] == ' ')
		sb.p[sb.len -= 2] = '\0';
	if (sb.oom) {
		d->oom = 1;
		free(sb.p);
		return NULL;
	}
	if (!sb.len) {
		free(sb.p);
		return NULL;
	}
	if ((f = sohoa_vi_fold(sb.p, sb.len, NULL)) != NULL) {
		for (size_t i = 0; i < sizeof canonical_caps / sizeof canonical_caps[0]; i++) {
			char *cf = sohoa_vi_fold(canonical_caps[i], strlen(canonical_caps[i]), NULL);
			char x[64], y[64];
			int same = 0;
			if (cf) {
				strip_spaces(f, x, sizeof x);
				strip_spaces(cf, y, sizeof y);
				same = edit_distance(x, strlen(x), y, strlen(y), 3) <= 3;
			}
			free(cf);
			if (same) {
				free(sb.p);
				sb.p = dup_str(d, canonical_caps[i]);
				break;
			}
		}
		free(f);
	}
	return sb.p;
}

static int type_line(struct doc *d, const struct line *l);
static int stamp_line(const struct line *l, size_t a, size_t b);
static int body_opener(const struct line *l);
static size_t vv_prefix(const struct line *l, size_t a);

/* How many times the words of s occur in a row in the document (folded). */
static int
phrase_count(struct doc *d, const char *s)
{
	enum { MAXW = 8 };
	char *fw[MAXW];
	size_t n = 0, pos = 0, a, b, len = strlen(s);
	int count = 0;

	if (!d->words_built && build_words(d) != 0) {
		d->oom = 1;
		return 0;
	}
	while (n < MAXW && sohoa_vi_next_word(s, len, &pos, &a, &b))
		if ((fw[n] = sohoa_vi_fold(s + a, b - a, NULL)) != NULL)
			n++;
	for (size_t k = 0; n && k + n <= d->nw; k++) {
		size_t j;
		for (j = 0; j < n; j++)
			if (strcmp(d->wtext.p + d->w[k + j].fold, fw[j]))
				break;
		count += j == n;
	}
	for (size_t j = 0; j < n; j++)
		free(fw[j]);
	return count;
}

/*
 * The địa danh of a commune's document is the commune's name, printed also
 * in capitals in the issuing body ("XÃ BÁT TRÀNG"): when the two differ by
 * an OCR slip or two ("Bát Trùng"), the one the document repeats more wins.
 * Takes ownership of place; returns the place to keep.
 */
static char *
place_versus_organ(struct doc *d, char *place, int *changed)
{
	static const char *const units[] = { "xa", "phuong", "tran", "huyen", "quan", "tinh", "pho" };
	const char *organ = d->out.f[SOHOA_F_ORGAN_NAME].value;
	size_t pos = 0, a, b, loc = NPOS, len;
	char *pf = NULL, *lf = NULL, *cand = NULL;

	if (!organ)
		return place;
	len = strlen(organ);
	while (sohoa_vi_next_word(organ, len, &pos, &a, &b)) {
		char *f = sohoa_vi_fold(organ + a, b - a, NULL);
		for (size_t u = 0; f && u < sizeof units / sizeof units[0]; u++)
			if (!strcmp(f, units[u]))
				loc = b;
		free(f);
	}
	if (loc == NPOS || loc >= len)
		return place;
	{
		struct sbuf sb = { 0 };
		size_t p2 = loc;
		while (sohoa_vi_next_word(organ, len, &p2, &a, &b)) {
			if (sb.len)
				sb_add(&sb, " ", 1);
			sb_add_cased(&sb, organ + a, b - a, 1);
		}
		if (sb.oom) {
			d->oom = 1;
			free(sb.p);
			return place;
		}
		cand = sb.p;
	}
	pf = sohoa_vi_fold(place, strlen(place), NULL);
	lf = cand ? sohoa_vi_fold(cand, strlen(cand), NULL) : NULL;
	if (pf && lf && strcmp(pf, lf) &&
	    edit_distance(pf, strlen(pf), lf, strlen(lf), 2) <= 2 &&
	    phrase_count(d, cand) > phrase_count(d, place)) {
		free(place);
		place = cand;
		cand = NULL;
		*changed = 1;
	}
	free(cand);
	free(pf);
	free(lf);
	return place;
}

static void
read_header(struct doc *d, struct header *h, size_t first, size_t limit)
{
	char *number = NULL, *notation = NULL, *place = NULL;
	char iso[11] = "";
	int so_clean = 0, num_repaired = 0, date_clean = 0, date_offered = 0;
	size_t i, nonblank = 0, rows_end = NPOS, so_nb = 0;

	h->so_line = h->date_line = NPOS;
	h->end = first;
	/* "Số:" and the date, in the header rows of the first page: above the
	 * type line, the "V/v" and the body. */
	for (i = first; i < limit && (h->so_line == NPOS || h->date_line == NPOS); i++) {
		struct line *l = &d->ln[i];
		size_t a, b, p, from = 0;

		if (l->blank)
			continue;
		if (++nonblank > 12 || body_opener(l) || type_line(d, l) >= 0) {
			rows_end = i;
			break;
		}
		left_column(l, &a, &b);
		if (vv_prefix(l, a) != NPOS && h->so_line != NPOS)
			break;
		if (h->so_line == NPOS && (p = find_so_label(l, a, b, &so_clean)) != NPOS &&
		    parse_number(d, l, p, &number, &notation, &h->so_end, &num_repaired)) {
			h->so_line = i;
			so_nb = nonblank;
			from = h->so_end;
		} else if (h->so_line == NPOS && nonblank <= 6) {
			/* No label: a line that opens with "15/QĐ-UBND". */
			size_t j = skip_sp(l, a);
			if (j < l->flen && f_digit(l->f[j]) && i > first &&
			    parse_number(d, l, j, &number, &notation, &h->so_end, &num_repaired)) {
				h->so_line = i;
				so_nb = nonblank;
				so_clean = 0;
				from = h->so_end;
			}
		}
		/* The date of issue: on the number's row or a few lines from it
		 * (the right column read after the left), after the place name;
		 * a date in a sentence ("... địa phương ngày 19 tháng 6 năm 2015")
		 * is not it. */
		if (h->date_line == NPOS &&
		    (h->so_line != NPOS ? nonblank <= so_nb + 4 : nonblank <= 7)) {
			char *pl;
			size_t ds = find_date(l, from, d->doubtful_words, iso, &date_clean,
			    &date_offered);
			if (ds != NPOS) {
				pl = place_before(d, l, from, ds);
				if (pl || i == h->so_line) {
					h->date_line = i;
					place = pl;
				}
			}
		}
	}
	if (notation) {
		h->type_abbr = notation_type(d, notation);
		put(d, SOHOA_F_CODE_NOTATION, notation, so_clean && !num_repaired ? 0.95 : 0.8);
	}
	if (number)
		put(d, SOHOA_F_CODE_NUMBER, number, so_clean && !num_repaired ? 0.95 : 0.75);
	if (h->date_line != NPOS)
		/* A digit taken from the LSTM's choices: for review. */
		put(d, SOHOA_F_ISSUED_DATE, dup_str(d, iso),
		    date_offered ? 0.55 : date_clean ? 0.95 : 0.8);
	if (h->so_line != NPOS)
		h->end = h->so_line + 1;
	if (h->date_line != NPOS && h->date_line + 1 > h->end)
		h->end = h->date_line + 1;

	/* The organs: the left column above the number (and the date). */
	{
		size_t stop = h->so_line != NPOS ? h->so_line : h->date_line;
		char *groups[8] = { 0 };
		int ng = 0, open = 0, head_only = 0;
		struct sbuf cur = { 0 };

		if (h->date_line != NPOS && (stop == NPOS || h->date_line < stop))
			stop = h->date_line;
		if (stop == NPOS)
			stop = rows_end;        /* neither number nor date: up to the type line */
		for (i = first; stop != NPOS && i < stop; i++) {
			struct line *l = &d->ln[i];
			size_t a, b;
			char *t, *cf;

			if (l->blank)
				continue;
			left_column(l, &a, &b);
			{
				/* A stamp or the number ends the organ's lines. */
				size_t sa = a, sb2 = b;
				int cl;
				while (sa < sb2 && !f_alnum(l->f[sa]))
					sa++;
				while (sb2 > sa && !f_alnum(l->f[sb2 - 1]))
					sb2--;
				if (stamp_line(l, sa, sb2) >= 0 || find_so_label(l, a, b, &cl) != NPOS)
					break;
			}
			if (a >= b || !(t = organ_text(d, l, a, b)))
				continue;       /* noise, or the motto alone */
			if (!(cf = sohoa_vi_fold(t, strlen(t), NULL))) {
				d->oom = 1;
				free(t);
				break;
			}
			if ((d->flags & SOHOA_EXTRACT_HEADER_COLUMNS) && cur.len &&
			    !opens_organ(cf))
				open = 1;       /* the left column alone: a wrapped line */
			if (open && cur.len && !(head_only && is_organ_head(cf))) {
				sb_add(&cur, " ", 1);
				sb_str(&cur, t);
				head_only = 0;
			} else if (open && cur.len) {
				/* A head under a head: the first was a damaged line. */
				cur.len = 0;
				sb_str(&cur, t);
			} else {
				if (cur.len && ng < 8 && !head_only)
					groups[ng++] = cur.p;
				else
					free(cur.p);
				memset(&cur, 0, sizeof cur);
				sb_str(&cur, t);
				head_only = is_organ_head(cf);
			}
			{
				size_t tl = strlen(t);
				open = is_organ_head(cf) || (tl && (t[tl - 1] == '-' || t[tl - 1] == ',')) ||
				    (tl > 3 && !strcmp(t + tl - 3, " VÀ"));
			}
			free(cf);
			free(t);
		}
		if (cur.oom)
			d->oom = 1;
		exclude_lines(d, first, stop);
		if (cur.len && head_only) {
			/* "ỦY BAN NHÂN DÂN" whose locality line OCR lost: no organ,
			 * rather than a wrong one. */
			free(cur.p);
		} else if (cur.len) {
			char *organ = cur.p;
			int changed = repair_organ(d, &organ);
			double conf = changed ? 0.8 : 0.9;
			char *f = organ ? sohoa_vi_fold(organ, strlen(organ), NULL) : NULL;
			/* A commune's locality alone ("XÃ BÁT TRÀNG"): the line above
			 * it, naming the body, was lost. */
			if (f && (!strncmp(f, "xa ", 3) || !strncmp(f, "phuong ", 7) ||
			    !strncmp(f, "thi tran ", 9)))
				conf = 0.5;
			free(f);
			put(d, SOHOA_F_ORGAN_NAME, organ, conf);
		} else {
			free(cur.p);
		}
		if (ng > 0) {
			char *parent = groups[ng - 1];
			int changed;
			groups[ng - 1] = NULL;
			changed = repair_organ(d, &parent);
			put(d, SOHOA_F_PARENT_ORGAN, parent, ng > 1 ? 0.6 : changed ? 0.75 : 0.85);
		}
		for (int g = 0; g < ng; g++)
			free(groups[g]);
	}
	if (place) {
		int changed = 0;
		place = place_versus_organ(d, place, &changed);
		exclude_lines(d, h->date_line, h->date_line + 1);
		changed |= repair_in_place(d, &place);
		put(d, SOHOA_F_PLACE_NAME, place, changed ? 0.8 : 0.9);
	}
}

/* ------------------------------------------------------------------------
 * Type line, trích yếu, stamps.
 * ------------------------------------------------------------------------ */

/* The type whose printed name l is ("QUYẾT ĐỊNH"), or -1. */
static int
type_line(struct doc *d, const struct line *l)
{
	char cf[64];
	size_t n;
	int best = -1, best_dist = 99;

	if (!mostly_upper(l, 0, l->flen, 0.75))
		return -1;
	compact_fold(l, 0, l->flen, cf, sizeof cf);
	n = strlen(cf);
	if (n < 4 || n > 24)
		return -1;
	for (size_t t = 0; t < NTYPES; t++) {
		const char *tf = d->type_fold[t];
		size_t tn = strlen(tf);
		int max = tn >= 12 ? 2 : tn >= 8 ? 1 : 0, dist;
		if ((dist = edit_distance(cf, n, tf, tn, max)) <= max && dist < best_dist) {
			best_dist = dist;
			best = (int)t;
		}
	}
	return best;
}

/* The stamp printed on l ("KHẨN", "MẬT" in a box), or -1. */
static int
stamp_line(const struct line *l, size_t a, size_t b)
{
	char cf[32];

	if (!mostly_upper(l, a, b, 0.6))
		return -1;
	compact_fold(l, a, b, cf, sizeof cf);
	for (size_t s = 0; s < sizeof stamps / sizeof stamps[0]; s++)
		if (!strcmp(cf, stamps[s].fold))
			return (int)s;
	return -1;
}

/* 1 when l opens the body: "Căn cứ", "Kính gửi", "Thực hiện", ... */
static int
body_opener(const struct line *l)
{
	static const char *const openers[] = {
		"can cu", "kinh gui", "thuc hien", "hom nay", "xet de nghi", "theo de nghi",
		"dieu 1", "phan i", "i. ",
	};
	size_t a = 0;

	while (a < l->flen && !f_alnum(l->f[a]))
		a++;            /* OCR junk: "_ Thực hiện" */
	for (size_t i = 0; i < sizeof openers / sizeof openers[0]; i++)
		if (!strncmp(l->f + a, openers[i], strlen(openers[i])))
			return 1;
	return 0;
}

static int
starts_lower(const struct line *l)
{
	for (size_t i = 0; i < l->flen; i++)
		if (f_alpha(l->f[i]))
			return cp_lower(orig_cp(l, i));
	return 0;
}

/*
 * Speckle on a scan makes OCR repeat a letter beside its word ("Về v việc
 * c phê", "kinh h phí") and strew dots, colons and marks between words
 * ("thu. hoạch", "ngập: úng", "lúa \\ vụ").  Drops a one-letter word next
 * to a word it begins or ends, a '.' or ':' right after a word when a
 * lower-case word follows, and tokens of punctuation other than a dash.
 * Returns the cleaned copy (s itself is freed).
 */
static char *
drop_speckle(struct doc *d, char *s)
{
	struct sbuf out = { 0 };
	size_t pos = 0, a, b, len = strlen(s), done = 0, pa = 0, pb = 0, na, nb, np;
	int have_prev = 0;

	while (sohoa_vi_next_word(s, len, &pos, &a, &b)) {
		int drop = 0;
		np = pos;
		if (b - a == 1 && ((unsigned char)s[a] < 0x80) && !f_digit(s[a])) {
			char c = (char)(s[a] | 0x20);
			if (have_prev && pb - pa > 1 && ((s[pb - 1] | 0x20) == c || (s[pa] | 0x20) == c))
				drop = 1;
			if (sohoa_vi_next_word(s, len, &np, &na, &nb) && nb - na > 1 &&
			    (s[na] | 0x20) == c)
				drop = 1;
		}
		if (drop) {
			/* Keep what was before the letter, skip the letter and
			 * the space after it. */
			sb_add(&out, s + done, a - done);
			done = b;
			while (done < len && s[done] == ' ')
				done++;
			continue;
		}
		/* "word. lower" / "word: lower" inside a trích yếu. */
		if (b < len && (s[b] == '.' || s[b] == ':') && b + 1 < len && s[b + 1] == ' ') {
			np = pos;
			if (sohoa_vi_next_word(s, len, &np, &na, &nb) && cp_lower(u8dec(s + na, nb - na))) {
				sb_add(&out, s + done, b - done);
				done = b + 1;
			}
		}
		have_prev = 1;
		pa = a;
		pb = b;
	}
	sb_add(&out, s + done, len - done);
	free(s);
	if (out.oom) {
		d->oom = 1;
		free(out.p);
		return NULL;
	}
	/* Tokens without a letter or digit, but for a dash between words. */
	{
		struct sbuf t = { 0 };
		size_t i = 0;
		while (i < out.len) {
			size_t ts = i, te;
			int keep = 0;
			while (i < out.len && out.p[i] != ' ')
				i++;
			te = i;
			while (i < out.len && out.p[i] == ' ')
				i++;
			if (te - ts == 1 && out.p[ts] == '-')
				keep = 1;
			for (size_t k = ts; k < te && !keep; k += u8len((unsigned char)out.p[k])) {
				int32_t cp = u8dec(out.p + k, te - k);
				keep = cp_letter(cp) || (cp >= '0' && cp <= '9');
			}
			if (!keep || te == ts)
				continue;
			if (t.len)
				sb_add(&t, " ", 1);
			sb_add(&t, out.p + ts, te - ts);
		}
		sb_add(&t, "", 0);
		free(out.p);
		if (t.oom) {
			d->oom = 1;
			free(t.p);
			return NULL;
		}
		/* A dash left at either end was junk too. */
		while (t.len >= 2 && t.p[t.len - 1] == '-' && t.p[t.len - 2] == ' ')
			t.p[t.len -= 2] = '\0';
		return t.p;
	}
}

/*
 * The trích yếu: lines from `from` on (the first one from folded index
 * a0), joined by one space, until a blank line (unless the text clearly
 * goes on in lower case), a stamp, the body, or a line in capitals.
 * *next gets the first line after it.
 */
static char *
read_subject(struct doc *d, size_t from, size_t a0, size_t limit, size_t *next)
{
	struct sbuf sb = { 0 };
	size_t i = from, lines = 0;

	*next = from;
	while (i < limit && lines < 4) {
		struct line *l = &d->ln[i];
		size_t a = lines == 0 ? a0 : 0, b = l->flen, e;
		char *t;

		if (l->blank) {
			/* A paragraph break inside the trích yếu only when the next
			 * line is the lower-case continuation of an unfinished one. */
			size_t j = i + 1;
			while (j < limit && d->ln[j].blank && d->ln[j].page == l->page)
				j++;
			if (lines == 0 || j >= limit || !starts_lower(&d->ln[j]) ||
			    body_opener(&d->ln[j]) || (sb.len && strchr(".:;", sb.p[sb.len - 1])))
				break;
			i = j;
			continue;
		}
		if (l->page != d->ln[from].page || body_opener(l) || stamp_line(l, 0, l->flen) >= 0 ||
		    mostly_upper(l, a, b, 0.8))
			break;
		if (strstr(l->f, "kinh gui") || strstr(l->f, "kinh moi"))
			break;          /* the body ran into it */
		if (lines > 0) {
			/* A date on the right, or a second column: not the subject;
			 * nor a sentence that announces a list. */
			char iso[11];
			int clean;
			if (find_date(l, 0, NULL, iso, &clean, NULL) != NPOS)
				break;
			for (e = b; e > a && !f_alnum(l->f[e - 1]) && l->f[e - 1] != ':'; e--)
				;
			if (e > a && l->f[e - 1] == ':')
				break;
		}
		if (lines == 0)
			while (a < b && !f_alnum(l->f[a]))
				a++;    /* OCR junk before the first word */
		if (!(t = span_text(d, l, a, b)))
			break;
		if (*t) {
			if (sb.len)
				sb_add(&sb, " ", 1);
			sb_str(&sb, t);
		}
		free(t);
		lines++;
		i++;
		*next = i;
	}
	if (sb.oom) {
		d->oom = 1;
		free(sb.p);
		return NULL;
	}
	/* OCR noise after the last word: " .", " -", ":" (a trích yếu ends
	 * without punctuation). */
	for (;;) {
		while (sb.len && sb.p[sb.len - 1] == ' ')
			sb.p[--sb.len] = '\0';
		if (sb.len && strchr(".,;:-_~'`\"|\\^", sb.p[sb.len - 1]))
			sb.p[--sb.len] = '\0';
		else
			break;
	}
	if (sb.len && lines == 0) {
		free(sb.p);
		return NULL;
	}
	return sb.p ? drop_speckle(d, sb.p) : NULL;
}

/* "V/v" (with OCR's variants) at the start of the folded range from a;
 * returns the index after it, or NPOS. */
static size_t
vv_prefix(const struct line *l, size_t a)
{
	size_t i = skip_sp(l, a);

	if (i + 2 >= l->flen || l->f[i] != 'v')
		return NPOS;
	i = skip_sp(l, i + 1);
	if (i >= l->flen || !strchr("/\\|.", l->f[i]))
		return NPOS;
	i = skip_sp(l, i + 1);
	if (i >= l->flen || (l->f[i] != 'v' && l->f[i] != 'y' && l->f[i] != 'w'))
		return NPOS;
	i++;
	if (i < l->flen && f_alnum(l->f[i]))
		return NPOS;
	while (i < l->flen && (l->f[i] == ':' || l->f[i] == ' '))
		i++;
	return i;
}

struct centre {
	int type_from_line;             /* index into types, or -1 */
	int vv;                         /* "V/v" seen */
	int kinh_gui;                   /* "Kính gửi" seen on the first page */
};

static void
read_centre(struct doc *d, const struct header *h, size_t first, struct centre *c)
{
	size_t i, limit = first, body = NPOS, tl = NPOS, nonblank = 0, s0 = NPOS, s1 = NPOS;
	char *subject = NULL;
	double subject_conf = 0.85;

	c->type_from_line = -1;
	c->vv = c->kinh_gui = 0;
	while (limit < d->n && d->ln[limit].page == d->ln[first].page)
		limit++;
	/* The type line, within a few lines under the header rows. */
	for (i = h->end; i < limit && nonblank < 12; i++) {
		struct line *l = &d->ln[i];
		int t;
		size_t a, b, v;

		if (l->blank)
			continue;
		nonblank++;
		if (body_opener(l)) {
			body = i;
			break;
		}
		if ((t = type_line(d, l)) >= 0) {
			c->type_from_line = t;
			tl = i;
			break;
		}
		left_column(l, &a, &b);
		if (!c->vv && (v = vv_prefix(l, a)) != NPOS && v < b) {
			size_t next;
			c->vv = 1;
			subject = read_subject(d, i, v, limit, &next);
			subject_conf = 0.85;
			s0 = i;
			s1 = next;
			i = next - 1;
		}
	}
	if (tl != NPOS) {
		size_t j = tl + 1, next;
		while (j < limit && d->ln[j].blank)
			j++;
		if (j < limit && !body_opener(&d->ln[j])) {
			free(subject);
			subject = read_subject(d, j, 0, limit, &next);
			subject_conf = 0.9;
			s0 = j;
			s1 = next;
			/* Under a type line the trích yếu opens with a capital. */
			if (subject && *subject) {
				struct sbuf sb = { 0 };
				size_t k = u8len((unsigned char)subject[0]);
				sb_add_cased(&sb, subject, k, 1);
				sb_str(&sb, subject + k);
				if (sb.oom)
					d->oom = 1;
				free(subject);
				subject = sb.p;
			}
		}
	}
	if (subject && *subject) {
		/* The body usually repeats the subject's words, in plain type that
		 * OCR reads better than bold: a word OCR got wrong in the subject
		 * takes the spelling the body agrees on. */
		exclude_lines(d, s0, s1);
		if (repair_in_place(d, &subject))
			subject_conf -= 0.1;
		exclude_lines(d, NPOS, 0);
		if (!(d->flags & SOHOA_EXTRACT_NO_LEXICON) && d->doubtful_words) {
			/* A fixed phrase with one diacritic wrong ("bản hành"):
			 * corrected from the lexicon, for review (0.55); the OCR
			 * text keeps what was read. */
			char *fixed;
			int r = sohoa_extract_fix_phrases(subject, d->doubtful_words,
			    d->learned_phrases, &fixed);
			if (r < 0) {
				d->oom = 1;
			} else if (r > 0) {
				free(subject);
				subject = fixed;
				subject_conf = subject_conf < 0.55 ? subject_conf : 0.55;
			}
			/* A lone dash OCR doubted is a speck ("nhà văn hóa -
			 * thôn"); one it was sure of stays ("kinh tế - xã hội"). */
			if ((r = sohoa_extract_drop_dashes(subject, d->doubtful_words, &fixed)) < 0) {
				d->oom = 1;
			} else if (r > 0) {
				free(subject);
				subject = fixed;
				subject_conf = subject_conf < 0.55 ? subject_conf : 0.55;
			}
		}
		put(d, SOHOA_F_SUBJECT, subject, subject_conf);
	} else {
		free(subject);
	}
	/* Stamps: between the number and the body; "Kính gửi" on page one. */
	if (body == NPOS)
		body = limit;
	for (i = h->so_line != NPOS ? h->so_line : h->end; i < limit; i++) {
		struct line *l = &d->ln[i];
		size_t a, b, k;
		int s;

		if (l->blank)
			continue;
		k = skip_sp(l, 0);
		if (!strncmp(l->f + k, "kinh gui", 8) || !strncmp(l->f + k, "kinh giri", 9)) {
			c->kinh_gui = 1;
			break;
		}
		if (i >= body || body_opener(l))
			break;
		left_column(l, &a, &b);
		while (a < b && !f_alnum(l->f[a]))
			a++;
		while (b > a && !f_alnum(l->f[b - 1]))
			b--;
		if ((s = stamp_line(l, a, b)) >= 0 && !d->out.f[stamps[s].field].value)
			put(d, stamps[s].field, dup_str(d, stamps[s].value), 0.85);
	}
}

/* ------------------------------------------------------------------------
 * Footer: signer and recipients.
 * ------------------------------------------------------------------------ */

/* 1 when a listed title starts at folded index j of l. */
static int
title_at(const struct doc *d, const struct line *l, size_t j)
{
	for (size_t p = 0; p < sizeof positions / sizeof positions[0]; p++) {
		size_t n = strlen(d->pos_fold[p]);
		if (j + n <= l->flen && !strncmp(l->f + j, d->pos_fold[p], n) &&
		    (j + n == l->flen || !f_alnum(l->f[j + n])))
			return 1;
	}
	return 0;
}

/*
 * An authority marker ("TM.", "KT.", ...) on l at or after folded index
 * from: the marker in capitals, its dot (or a comma OCR made of it), then a
 * title in capitals.  Without the dot the title must be a listed one (the
 * body for "TM").  Returns the marker's start and sets *kind and *rest (the
 * index of the title after it), or NPOS.
 */
static size_t
find_marker(const struct doc *d, const struct line *l, size_t from, int *kind, size_t *rest)
{
	for (size_t i = from; i < l->flen; i++) {
		if (!f_alpha(l->f[i]) || (i > 0 && f_alnum(l->f[i - 1])))
			continue;
		for (int k = AUTH_TM; k <= AUTH_TUQ; k++) {
			size_t n = strlen(auth_fold[k]), j;
			int n_, u_, dot;
			if (strncmp(l->f + i, auth_fold[k], n) || i + n >= l->flen)
				continue;
			dot = l->f[i + n] == '.' || l->f[i + n] == ',' || l->f[i + n] == ':';
			if (!dot && l->f[i + n] != ' ')
				continue;
			case_count(l, i, i + n, &n_, &u_);
			if (u_ != n_)
				continue;
			j = skip_sp(l, i + n + dot);
			if ((dot && j == i + n + 1) || j >= l->flen || !f_alpha(l->f[j]))
				continue;
			/* The title after it is in capitals. */
			case_count(l, j, word_end(l, j), &n_, &u_);
			if (n_ < 2 || u_ != n_)
				continue;
			if (!dot && !(k == AUTH_TM ? !strncmp(l->f + j, "uy ban", 6) : title_at(d, l, j)))
				continue;
			*kind = k;
			*rest = j;
			return i;
		}
	}
	return NPOS;
}

/* The end of the run of upper-case words starting at folded index j of l
 * (the title after a marker: "CHỦ TỊCH" in "KT. CHỦ TỊCH - Như trên"). */
static size_t
caps_end(const struct line *l, size_t j)
{
	size_t e = j;

	while (j < l->flen) {
		size_t we;
		int n, u;
		while (j < l->flen && l->f[j] == ' ')
			j++;
		we = word_end(l, j);
		if (we == j)
			break;
		case_count(l, j, we, &n, &u);
		if (n < 2 || u != n)
			break;
		e = j = we;
	}
	return e;
}

/* The start of the run of upper-case words that ends the folded range
 * [a, b) of l (a title in the right column), or NPOS. */
static size_t
caps_tail(const struct line *l, size_t a, size_t b)
{
	size_t start = NPOS, e = b;

	while (e > a && !f_alnum(l->f[e - 1]) && l->f[e - 1] != '-')
		e--;
	while (e > a) {
		size_t s = e, k;
		int n, u, vowel = 0;

		while (s > a && f_alnum(l->f[s - 1]))
			s--;
		if (s == e)
			break;
		case_count(l, s, e, &n, &u);
		for (k = s; k < e; k++)
			vowel |= f_vowel(l->f[k]);
		if (n < 2 || u != n || !vowel)
			break;
		start = s;
		/* Only spaces and a dash between words of a title (and a stray
		 * dot OCR put after a word: "PHO. CHỦ TỊCH"). */
		k = s;
		while (k > a && (l->f[k - 1] == ' ' || l->f[k - 1] == '-'))
			k--;
		if (k > a + 1 && l->f[k - 1] == '.' && f_alnum(l->f[k - 2]) && k < s)
			k--;
		if (k > a && !f_alnum(l->f[k - 1]))
			break;
		{
			int dashes = 0;
			for (size_t q = k; q < s; q++)
				dashes += l->f[q] == '-';
			if (dashes > 1)
				break;
		}
		e = k;
	}
	return start;
}

/* The title (signer's position) at the end of a caps run [a, b) of l: the
 * last title of the run, in its canonical spelling when known.  *known is
 * set when it starts with a listed title.  NULL when the run holds none. */
static char *
read_position(struct doc *d, const struct line *l, size_t a, size_t b, int *known, int *count)
{
	size_t ws[16], we[16], n = 0, i = a;
	size_t ph_start = NPOS, ph_head_end = NPOS;
	int ph_vocab = -1;

	*known = 0;
	*count = 0;
	while (i < b && n < 16) {
		while (i < b && !f_alnum(l->f[i]))
			i++;
		if (i >= b)
			break;
		ws[n] = i;
		i = word_end(l, i);
		we[n++] = i;
	}
	for (size_t k = 0; k < n;) {
		size_t best_len = 0;
		int best = -1;
		for (size_t p = 0; p < sizeof positions / sizeof positions[0]; p++) {
			const char *pf = d->pos_fold[p];
			size_t m = 0, q = k;
			/* Match the title's words one by one. */
			while (q < n) {
				size_t wl = we[q] - ws[q];
				if (strncmp(pf + m, l->f + ws[q], wl))
					break;
				m += wl;
				q++;
				if (pf[m] == '\0')
					break;
				if (pf[m] != ' ')
					break;
				m++;
			}
			if (pf[m] == '\0' && q - k > best_len) {
				best_len = q - k;
				best = (int)p;
			}
		}
		if (best >= 0) {
			ph_start = ws[k];
			ph_head_end = we[k + best_len - 1];
			ph_vocab = best;
			(*count)++;
			k += best_len;
		} else {
			if (ph_start == NPOS) {
				ph_start = ws[k];
				ph_head_end = we[k];
				(*count)++;
			}
			k++;
		}
	}
	if (ph_start == NPOS)
		return NULL;
	if (ph_vocab >= 0) {
		struct sbuf sb = { 0 };
		char *rest = span_text(d, l, ph_head_end, b);
		*known = 1;
		sb_str(&sb, positions[ph_vocab]);
		if (rest && *rest) {
			int changed = 0;
			char *r = repair_phrase(d, rest, &changed);
			sb_add(&sb, " ", 1);
			sb_str(&sb, r ? r : rest);
			free(r);
		}
		free(rest);
		if (sb.oom) {
			d->oom = 1;
			free(sb.p);
			return NULL;
		}
		return sb.p;
	}
	{
		char *t = span_text(d, l, ph_start, b);
		repair_in_place(d, &t);
		return t;
	}
}

static int
surname_rank(const char *fold)
{
	for (size_t i = 0; i < NNAME_SYLS; i++) {
		char *f;
		int same;
		if (!(name_syls[i].roles & R_SUR))
			continue;
		f = sohoa_vi_fold(name_syls[i].s, strlen(name_syls[i].s), NULL);
		same = f && !strcmp(f, fold);
		free(f);
		if (same)
			return (int)i;
	}
	return -1;
}

static int
name_syllable_known(const char *fold)
{
	for (size_t i = 0; i < NNAME_SYLS; i++) {
		char *f = sohoa_vi_fold(name_syls[i].s, strlen(name_syls[i].s), NULL);
		int same = f && !strcmp(f, fold);
		free(f);
		if (same)
			return 1;
	}
	return 0;
}

/* Tone and vowel marks of a syllable, for comparing spellings. */
struct marks {
	int tone;               /* 0 none, else the combining tone mark */
	int mods[8];            /* per letter: 1 circumflex, 2 breve, 4 horn */
	int dstroke;
};

static void
syllable_marks(const char *s, struct marks *m)
{
	utf8proc_int32_t cp[32];
	utf8proc_ssize_t n;
	int letter = -1;

	memset(m, 0, sizeof *m);
	n = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)strlen(s), cp, 32,
	    UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD);
	if (n < 0 || n > 32)
		return;
	for (utf8proc_ssize_t i = 0; i < n; i++) {
		int32_t c = cp[i];
		if (c == 0x0111) {
			m->dstroke = 1;
			letter++;
		} else if (c == 0x0302 || c == 0x0306 || c == 0x031B) {
			if (letter >= 0 && letter < 8)
				m->mods[letter] |= c == 0x0302 ? 1 : c == 0x0306 ? 2 : 4;
		} else if (c == 0x0300 || c == 0x0301 || c == 0x0303 || c == 0x0309 || c == 0x0323) {
			m->tone = c;
		} else {
			letter++;
		}
	}
}

/*
 * A name syllable with the diacritics OCR dropped put back: the listed
 * spelling of the same letters that fits the role (surname, middle, given
 * name) and the marks OCR did read; for a surname not listed, the only
 * listed one a letter away.  NULL to keep the word as read.
 */
static const char *
name_syllable(const char *word, int role, int female)
{
	char *wf = sohoa_vi_fold(word, strlen(word), NULL), *we = sohoa_vi_exact(word, strlen(word), NULL);
	struct marks mw, mc;
	const char *best = NULL;
	int best_score = -1000, seen_role = 0;

	if (!wf || !we)
		goto out;
	syllable_marks(word, &mw);
	for (size_t i = 0; i < NNAME_SYLS; i++) {
		const struct name_syl *c = &name_syls[i];
		char *cf = sohoa_vi_fold(c->s, strlen(c->s), NULL), *ce;
		int score = 0, same;

		same = cf && !strcmp(cf, wf);
		free(cf);
		if (!same)
			continue;
		if ((ce = sohoa_vi_exact(c->s, strlen(c->s), NULL)) != NULL) {
			int exact = !strcmp(ce, we);
			free(ce);
			if (exact && (c->roles & role)) {
				best = NULL;    /* read right: keep it */
				goto out;
			}
		}
		syllable_marks(c->s, &mc);
		if (mw.tone)
			score += mw.tone == mc.tone ? 3 : -2;
		for (int k = 0; k < 8; k++) {
			if (mw.mods[k] && (mw.mods[k] & mc.mods[k]))
				score += 1;
			else if (mw.mods[k])
				score -= 2;
		}
		if (mw.dstroke)
			score += mc.dstroke ? 1 : -2;
		if (c->roles & role) {
			score += 4;
			seen_role = 1;
		}
		if ((female && (c->roles & R_FEMALE)) || (!female && (c->roles & R_MALE)))
			score += 1;
		if (score > best_score) {
			best_score = score;
			best = c->s;
		}
	}
	if (!seen_role)
		best = NULL;
	if (best_score == -1000 && role == R_SUR) {
		/* No surname has these letters: one that differs by a single
		 * letter ("Phing" for "Phùng"), if only one does. */
		size_t wl = strlen(wf);
		int hits = 0;
		for (size_t i = 0; i < NNAME_SYLS; i++) {
			char *cf;
			int diff = 0;
			if (!(name_syls[i].roles & R_SUR))
				continue;
			cf = sohoa_vi_fold(name_syls[i].s, strlen(name_syls[i].s), NULL);
			if (cf && strlen(cf) == wl && wl >= 3) {
				for (size_t k = 0; k < wl; k++)
					diff += cf[k] != wf[k];
				if (diff == 1 && cf[0] == wf[0]) {
					hits++;
					best = name_syls[i].s;
				}
			}
			free(cf);
		}
		if (hits != 1)
			best = NULL;
	}
out:
	free(wf);
	free(we);
	return best;
}

/*
 * If the folded range [a, b) of l holds a person's name (capitalised words,
 * OCR junk at its ends dropped), returns it as "Word Word Word"; when it
 * holds two names side by side (the two signatures of a Biên bản), the
 * right one.  NULL otherwise.
 */
static char *
read_name(struct doc *d, const struct line *l, size_t a, size_t b, int two)
{
	enum { MAXW = 10 };
	char *w[MAXW];
	size_t n = 0, o = l->map[a], oe = l->map[b];
	char *res = NULL;
	int bad = 0, junk_before = 0;

	while (o < oe && !bad) {
		size_t ts, te, s, e;
		int letters = 0, others = 0;

		while (o < oe && l->s[o] == ' ')
			o++;
		ts = o;
		while (o < oe && l->s[o] != ' ')
			o++;
		te = o;
		if (te == ts)
			break;
		/* Strip punctuation at both ends of the token. */
		s = ts;
		e = te;
		while (s < e && !cp_letter(u8dec(l->s + s, e - s)))
			s += u8len((unsigned char)l->s[s]);
		while (e > s) {
			size_t k = e - 1;
			while (k > s && ((unsigned char)l->s[k] & 0xC0) == 0x80)
				k--;
			if (cp_letter(u8dec(l->s + k, e - k)))
				break;
			e = k;
		}
		for (size_t k = s; k < e; k += u8len((unsigned char)l->s[k])) {
			int32_t cp = u8dec(l->s + k, e - k);
			if (cp_letter(cp) || utf8proc_category(cp) == UTF8PROC_CATEGORY_MN)
				letters++;
			else
				others++;
		}
		if (letters == 0 || others) {
			if (n == 0) {
				junk_before = 1;
				continue;       /* junk before the name */
			}
			if (o >= oe)
				continue;       /* junk after it */
			bad = 1;
			break;
		}
		/* Split "VănHải" (a space OCR lost) at inner capitals. */
		while (s < e && n < MAXW) {
			size_t k = s + u8len((unsigned char)l->s[s]), m;
			int32_t first = u8dec(l->s + s, e - s);
			int upper_rest = 0, nrest = 0;

			while (k < e && !cp_upper(u8dec(l->s + k, e - k)))
				k += u8len((unsigned char)l->s[k]);
			for (m = s + u8len((unsigned char)l->s[s]); m < k; m += u8len((unsigned char)l->s[m])) {
				nrest++;
				upper_rest += cp_upper(u8dec(l->s + m, k - m));
			}
			if (!cp_upper(first)) {
				char *f = sohoa_vi_fold(l->s + s, k - s, NULL);
				/* A lower-case word only inside a name and when it
				 * is a name syllable ("Phùng van Quyết"). */
				int ok = f && n > 0 && name_syllable_known(f);
				free(f);
				if (!ok && n >= 2 && o >= oe) {
					/* "Nguyễn Văn Hải sài": junk at the end. */
					s = e;
					break;
				}
				if (!ok) {
					bad = 1;
					break;
				}
			}
			if (nrest == 0 && k == e && n > 0) {
				/* One-letter word: not part of a name. */
				bad = 1;
				break;
			}
			if (!(w[n] = malloc(k - s + 1))) {
				d->oom = 1;
				bad = 1;
				break;
			}
			memcpy(w[n], l->s + s, k - s);
			w[n][k - s] = '\0';
			n++;
			s = k;
		}
		if (n == MAXW)
			bad = 1;
	}
	if (!bad && n >= 2) {
		size_t from = 0, count = n;
		/* Titles of address are not part of the name. */
		char *f0 = sohoa_vi_fold(w[0], strlen(w[0]), NULL);
		if (f0 && (!strcmp(f0, "ong") || !strcmp(f0, "ba")) && n >= 3) {
			from = 1;
			count--;
		}
		free(f0);
		if (count >= 6 || (two && count >= 4)) {
			/* Two names: the right one starts with the most common
			 * surname that leaves two words or more on each side. */
			int best_rank = -1;
			size_t split = 0;
			for (size_t k = from + 2; k + 2 <= n; k++) {
				char *f = sohoa_vi_fold(w[k], strlen(w[k]), NULL);
				int r = f ? surname_rank(f) : -1;
				free(f);
				if (r >= 0 && (best_rank < 0 || r < best_rank)) {
					best_rank = r;
					split = k;
				}
			}
			if (best_rank >= 0) {
				from = split;
				count = n - split;
			} else {
				count = 0;
			}
		}
		if (junk_before && from == 0 && count >= 2) {
			/* "0 Hữu Thắng": the junk may be what is left of the
			 * surname; without a surname first, no name. */
			char *f = sohoa_vi_fold(w[0], strlen(w[0]), NULL);
			if (!f || surname_rank(f) < 0)
				count = 0;
			free(f);
		}
		if (count >= 2 && count <= 5) {
			struct sbuf sb = { 0 };
			for (size_t k = from; k < from + count; k++) {
				if (sb.len)
					sb_add(&sb, " ", 1);
				sb_add_cased(&sb, w[k], strlen(w[k]), 1);
			}
			if (sb.oom)
				d->oom = 1;
			res = sb.p;
		}
	}
	for (size_t k = 0; k < n; k++)
		free(w[k]);
	return res;
}

/* The signer's name with diacritics put back: first from the document
 * (the same name in the body), then syllable by syllable from the list of
 * name syllables.  *how: 0 as read, 1 from the document, 2 from the list. */
static char *
repair_name(struct doc *d, char *name, int *how)
{
	enum { MAXW = 6 };
	char *w[MAXW];
	size_t n = 0, pos = 0, s, e, len;
	int changed = 0, female = 0;
	struct sbuf sb = { 0 };

	*how = 0;
	if (repair_in_place(d, &name))
		*how = 1;
	if (!name)
		return NULL;
	len = strlen(name);
	while (n < MAXW && sohoa_vi_next_word(name, len, &pos, &s, &e)) {
		if (!(w[n] = malloc(e - s + 1))) {
			d->oom = 1;
			break;
		}
		memcpy(w[n], name + s, e - s);
		w[n][e - s] = '\0';
		n++;
	}
	for (size_t i = 1; i + 1 < n; i++) {
		char *f = sohoa_vi_fold(w[i], strlen(w[i]), NULL);
		if (f && !strcmp(f, "thi"))
			female = 1;
		free(f);
	}
	for (size_t i = 0; i < n; i++) {
		int role = i == 0 ? R_SUR : i + 1 == n ? R_GIV : R_MID;
		const char *r = n >= 2 ? name_syllable(w[i], role, female) : NULL;
		if (sb.len)
			sb_add(&sb, " ", 1);
		if (r) {
			sb_str(&sb, r);
			changed = 1;
		} else {
			sb_str(&sb, w[i]);
		}
		free(w[i]);
	}
	if (sb.oom || d->oom) {
		d->oom = 1;
		free(sb.p);
		free(name);
		return NULL;
	}
	if (changed) {
		*how = 2;
		free(name);
		return sb.p;
	}
	free(sb.p);
	return name;
}

/*
 * The signer's name as the document prints it elsewhere when OCR read it a
 * letter off in the signature block: "Vi Thi Loan" under the seal, "1. Chủ
 * trì: Bà Vũ Thị Loan" in the body of the Biên bản.  A run of as many
 * capitalised words (three or more) on another line than skip, with the
 * same given name and at most one letter different in all (folded), when
 * the document names only one such person; NULL otherwise (and for a name
 * the document spells the same way without diacritics: repair_name()).
 */
static char *
name_in_document(struct doc *d, const char *name, size_t skip)
{
	enum { MAXW = 64 };
	char *nf = sohoa_vi_fold(name, strlen(name), NULL), *found = NULL, buf[96];
	size_t nfl, nw = 1, given;
	int clash = 0;

	if (!nf) {
		d->oom = 1;
		return NULL;
	}
	nfl = strlen(nf);
	for (size_t k = 0; k < nfl; k++)
		nw += nf[k] == ' ';
	given = nfl - (strrchr(nf, ' ') ? (size_t)(strrchr(nf, ' ') - nf) + 1 : 0);
	for (size_t i = 0; i < d->n && nw >= 3 && nfl < sizeof buf && !d->oom; i++) {
		const struct line *l = &d->ln[i];
		size_t ws[MAXW], we[MAXW], n = 0, j = 0;

		if (i == skip || l->blank)
			continue;
		while (j < l->flen && n < MAXW) {
			while (j < l->flen && !f_alnum(l->f[j]))
				j++;
			if (j >= l->flen)
				break;
			ws[n] = j;
			we[n++] = j = word_end(l, j);
		}
		for (size_t k = 0; k + nw <= n; k++) {
			size_t bl = 0, gl = we[k + nw - 1] - ws[k + nw - 1];
			int titled = 1;
			char *cand;

			if (gl != given || strncmp(l->f + ws[k + nw - 1], nf + nfl - given, given))
				continue;
			for (size_t q = k; q < k + nw && titled; q++) {
				size_t wl = we[q] - ws[q];
				int n_, u_;
				case_count(l, ws[q], we[q], &n_, &u_);
				titled = cp_upper(orig_cp(l, ws[q])) && u_ == 1 && n_ == (int)wl;
				if (titled && bl + wl + 1 < sizeof buf) {
					if (bl)
						buf[bl++] = ' ';
					memcpy(buf + bl, l->f + ws[q], wl);
					bl += wl;
				} else {
					titled = 0;
				}
			}
			if (!titled || edit_distance(buf, bl, nf, nfl, 1) != 1)
				continue;
			if (!(cand = span_text(d, l, ws[k], we[k + nw - 1])))
				break;
			if (!found)
				found = cand;
			else {
				clash |= strcmp(found, cand) != 0;
				free(cand);
			}
		}
	}
	free(nf);
	if (clash) {
		free(found);
		found = NULL;
	}
	return found;
}

/*
 * "Lưu: VT, VX.": under ND 30 the last recipient is the copy kept by the
 * văn thư, VT, then the drafting unit.  Tesseract reading these short
 * upper-case tokens misreads the T ("VI", "VE", "VF", "V1") and the comma
 * after it ("VTF VX", "VEVX").  When "Lưu:" is followed by V and one of
 * those letters, the item is rebuilt as "Lưu: VT, <the rest>".  t is
 * freed when replaced.
 */
static char *
repair_luu(struct doc *d, char *t)
{
	const char *p = t + 4, *q;
	char *out;

	while (*p == ' ' || *p == ':')
		p++;
	if (p[0] != 'V' || !p[1] || !strchr("TIEF1l|", p[1]))
		return t;
	q = p + 2;
	if (*q && strchr("F,;.:", *q) && (q[1] == ' ' || (q[1] >= 'A' && q[1] <= 'Z')
	    || (unsigned char)q[1] >= 0x80 || !q[1]))
		q++;
	while (*q == ' ')
		q++;
	/* Not the văn thư: "VEN..." is a word, not "VT" glued to the next. */
	if (*q && !(*q >= 'A' && *q <= 'Z') && (unsigned char)*q < 0x80)
		return t;
	if (asprintf(&out, "L\xc6\xb0u: VT%s%s", *q ? ", " : "", q) < 0) {
		d->oom = 1;
		return t;
	}
	free(t);
	return out;
}

/* 1 when l (from folded index a) starts a recipient: "- ", "+ ", "• ". */
static size_t
bullet(const struct line *l)
{
	size_t i = skip_sp(l, 0);

	if (i < l->flen && (l->f[i] == '-' || l->f[i] == '+' || l->f[i] == '*' ||
	    (unsigned char)l->f[i] == 0xE2))
		return i + u8len((unsigned char)l->f[i]);
	return NPOS;
}

/*
 * The signer's name by position (struct sohoa_extract_hints): the lowest
 * line of the signature block that reads as a name of two to five
 * capitalised words, one starting with a surname preferred; for when the
 * authority and title lines above it were not read (a seal over them).
 */
static void
name_by_position(struct doc *d)
{
	const char *s = d->signer_lines;
	char *best = NULL, *first = NULL;
	int tried = 0;

	while (s && *s && tried < 3 && !best) {
		size_t n = strcspn(s, "\n"), ct;
		struct line hl;
		char *nfc = sohoa_vi_nfc(s, n, NULL), *nm = NULL;
		int k2;
		size_t r2;

		memset(&hl, 0, sizeof hl);
		if (!nfc) {
			d->oom = 1;
			break;
		}
		hl.s = nfc;
		hl.len = strlen(nfc);
		if (fold_line(d, &hl) != 0) {
			d->oom = 1;
		} else if (!hl.blank) {
			tried++;
			ct = caps_tail(&hl, 0, hl.flen);
			if (find_marker(d, &hl, 0, &k2, &r2) == NPOS &&
			    !(ct != NPOS && ct <= skip_sp(&hl, 0) + 1))
				nm = read_name(d, &hl, 0, hl.flen, 0);
		}
		if (nm) {
			size_t words = 1, sp = strcspn(nm, " ");
			char *f0 = sohoa_vi_fold(nm, sp, NULL);
			int r = f0 ? surname_rank(f0) : -1;
			free(f0);
			for (const char *c = nm; *c; c++)
				words += *c == ' ';
			if (words < 2 || words > 5)
				free(nm);
			else if (r >= 0)
				best = nm;
			else if (!first)
				first = nm;
			else
				free(nm);
		}
		free(hl.f);
		free(hl.map);
		free(nfc);
		s += n;
		if (*s == '\n')
			s++;
	}
	if (best || first) {
		int how = 0;
		double conf = best ? 0.6 : 0.5;
		char *nm = best ? best : first, *same;
		if (best)
			free(first);
		if ((same = name_in_document(d, nm, NPOS)) != NULL) {
			free(nm);
			nm = same;
			conf = conf < 0.58 ? conf : 0.58;
		} else {
			nm = repair_name(d, nm, &how);
		}
		if (how)
			conf -= 0.05;
		put(d, SOHOA_F_SIGNER_NAME, nm, conf);
	}
}

static void
read_footer(struct doc *d)
{
	size_t noi = NPOS, start, i, last_page_start = 0;
	int last_page;
	int kind = AUTH_NONE, known = 0, count = 0, two = 0;
	size_t mline = NPOS, mrest = 0, pos_line = NPOS;
	char *position = NULL;

	if (d->n == 0)
		return;
	/* The last page with text. */
	for (i = d->n; i > 0 && d->ln[i - 1].blank; i--)
		;
	last_page = d->ln[i > 0 ? i - 1 : 0].page;
	while (i > 0 && d->ln[i - 1].page == last_page)
		i--;
	last_page_start = i;
	for (i = last_page_start; i < d->n && d->ln[i].page == last_page; i++) {
		struct line *l = &d->ln[i];
		size_t k = 0, e, m;
		if (l->blank)
			continue;
		while (k < l->flen && !f_alnum(l->f[k]))
			k++;            /* OCR junk: "“Nơi nhận:" */
		e = k;
		while (e < l->flen && e < k + 12 && l->f[e] != ':')
			e++;
		if (approx_find(l->f + k, e - k, "noi nhan", 1, &m, &m) >= 0 && e - k <= 10)
			noi = i;
	}
	start = noi != NPOS ? noi : (d->n > last_page_start + 30 ? d->n - 30 : last_page_start);
	while (start < d->n && d->ln[start].page != last_page)
		start++;

	/* Authority markers: the innermost (last) one counts. */
	for (i = start; i < d->n && d->ln[i].page == last_page; i++) {
		struct line *l = &d->ln[i];
		size_t from = 0, at, rest;
		int k;
		while ((at = find_marker(d, l, from, &k, &rest)) != NPOS) {
			kind = k;
			mline = i;
			mrest = rest;
			from = rest;
		}
	}
	/* The title: after "Q." on the same line; else the next title below
	 * the marker, or the first one in the footer. */
	if (kind == AUTH_Q) {
		struct line *l = &d->ln[mline];
		position = read_position(d, l, mrest, caps_end(l, mrest), &known, &count);
		pos_line = mline;
	} else {
		size_t from = kind != AUTH_NONE ? mline + 1 : start;
		int seen = 0;
		/* Under a marker, the title is within three lines (recipients on
		 * the left may come between); an unlisted title only right under. */
		for (i = from; i < d->n && d->ln[i].page == last_page && !position; i++) {
			struct line *l = &d->ln[i];
			size_t b = l->flen, ct;
			int k2;
			size_t r2;
			if (l->blank)
				continue;
			if (kind != AUTH_NONE && ++seen > 3)
				break;
			if (find_marker(d, l, 0, &k2, &r2) != NPOS)
				continue;
			while (b > 0 && !f_alnum(l->f[b - 1]))
				b--;
			if ((ct = caps_tail(l, 0, b)) == NPOS)
				continue;
			position = read_position(d, l, ct, b, &known, &count);
			if (position && !known && (kind == AUTH_NONE || seen > 1 ||
			    !strchr(position, ' ') || strlen(position) < 8)) {
				free(position);
				position = NULL;
				continue;
			}
			if (position) {
				pos_line = i;
				two = count >= 2;
			}
		}
	}
	/* The marker, checked against the title: under "TM." a deputy ("PHÓ
	 * CHỦ TỊCH") signs for the head, which ND 30 writes "KT." on its own
	 * line; when OCR lost that line the title still tells.  "TM." without
	 * any title found may hide a lost "KT." or "Q." line. */
	if (kind == AUTH_KT && position && mline != NPOS) {
		/* "KT. CHỦ TỊCH" then "CHỦ TỊCH": the deputy's "PHÓ" was lost
		 * (a seal over it); ký thay is always signed by the deputy. */
		struct line *l = &d->ln[mline];
		char *head = span_text(d, l, mrest, caps_end(l, mrest));
		char *hf = head ? sohoa_vi_fold(head, strlen(head), NULL) : NULL;
		char *pf = sohoa_vi_fold(position, strlen(position), NULL);
		if (hf && pf && !strcmp(hf, pf)) {
			struct sbuf sb = { 0 };
			sb_str(&sb, "PHÓ ");
			sb_str(&sb, position);
			if (!sb.oom) {
				free(position);
				position = sb.p;
				known = -1;     /* inferred: for review */
			} else {
				free(sb.p);
			}
		}
		free(head);
		free(hf);
		free(pf);
	}
	if (kind == AUTH_TM && position && !strncmp(position, "PHÓ ", strlen("PHÓ ")))
		put(d, SOHOA_F_SIGNER_AUTHORITY, dup_str(d, auth_text[AUTH_KT]), 0.7);
	else if (kind != AUTH_NONE)
		put(d, SOHOA_F_SIGNER_AUTHORITY, dup_str(d, auth_text[kind]),
		    kind == AUTH_TM && !position ? 0.55 : 0.9);
	if (position)
		put(d, SOHOA_F_SIGNER_POSITION, position, known > 0 ? 0.9 : known == 0 ? 0.6 : 0.55);

	/* The name: under the title (past the signature), a line of
	 * capitalised words; one starting with a surname is preferred. */
	{
		size_t from = pos_line != NPOS ? pos_line + 1 : mline != NPOS ? mline + 1 : NPOS;
		char *first = NULL, *best = NULL;
		size_t first_line = NPOS, best_line = NPOS;

		for (int pass = 0; pass < 2 && from != NPOS && !best && !first; pass++) {
			for (i = from; i < d->n && d->ln[i].page == last_page; i++) {
				struct line *l = &d->ln[i];
				size_t a = 0, b = l->flen, bl = bullet(l);
				char *nm, *f0;
				size_t sp;
				int r;

				if (l->blank)
					continue;
				if (bl != NPOS) {
					if (pass == 0)
						continue;
					/* After a recipient: the part after its ';' or '.'. */
					for (size_t k = b; k > bl; k--)
						if (l->f[k - 1] == ';' || l->f[k - 1] == '.') {
							a = k;
							break;
						}
					if (a == 0)
						a = bl;
				}
				{
					size_t ct;
					int k2;
					size_t r2;
					if (find_marker(d, l, a, &k2, &r2) != NPOS)
						continue;
					ct = caps_tail(l, a, b);
					if (ct != NPOS && ct <= skip_sp(l, a) + 1)
						continue;
				}
				if (!(nm = read_name(d, l, a, b, two)))
					continue;
				sp = strcspn(nm, " ");
				f0 = sohoa_vi_fold(nm, sp, NULL);
				r = f0 ? surname_rank(f0) : -1;
				free(f0);
				if (r >= 0) {
					best = nm;
					best_line = i;
					break;
				}
				if (!first) {
					first = nm;
					first_line = i;
				} else {
					free(nm);
				}
			}
		}
		if (best) {
			free(first);
			first = NULL;
		} else {
			best = first;   /* no surname first: for review */
			best_line = first_line;
		}
		if (best) {
			int how = 0;
			double conf = first ? 0.55 : 0.85;
			char *same = name_in_document(d, best, best_line);
			if (same) {
				/* A letter put right from the body: for review. */
				free(best);
				best = same;
				conf = conf < 0.58 ? conf : 0.58;
			} else {
				exclude_lines(d, best_line, best_line + 1);
				best = repair_name(d, best, &how);
				exclude_lines(d, NPOS, 0);
			}
			if (how == 1)
				conf -= 0.05;
			else if (how == 2)
				conf = conf < 0.58 ? conf : 0.58;
			put(d, SOHOA_F_SIGNER_NAME, best, conf);
		}
	}
	if (!d->out.f[SOHOA_F_SIGNER_NAME].value && d->signer_lines)
		name_by_position(d);

	/* Nơi nhận: the bulleted lines under the label, without what the
	 * right column put on the same lines. */
	if (noi != NPOS) {
		struct sbuf sb = { 0 };
		int items = 0, ended = 0;
		const char *pos_fold = NULL;
		char *pf = NULL;

		if (d->out.f[SOHOA_F_SIGNER_POSITION].value) {
			const char *p = d->out.f[SOHOA_F_SIGNER_POSITION].value;
			pf = sohoa_vi_fold(p, strlen(p), NULL);
			pos_fold = pf;
		}
		for (i = noi; i < d->n && d->ln[i].page == last_page && !ended; i++) {
			struct line *l = &d->ln[i];
			size_t a, b = l->flen, at, r2, ct;
			int k2, cont = 0;
			char *t;

			if (l->blank)
				continue;
			if (i == noi) {
				a = 0;
				while (a < l->flen && l->f[a] != ':')
					a++;
				if (a >= l->flen)
					a = skip_sp(l, 0) + 8;
				else
					a++;
				a = skip_sp(l, a);
				if (a >= l->flen || l->f[a] != '-')
					continue;
				a++;
			} else if ((a = bullet(l)) == NPOS) {
				/* A recipient that runs over onto a second line. */
				if (!items || !starts_lower(l) || (sb.len && strchr(";.", sb.p[sb.len - 1])))
					break;
				cont = 1;
				a = 0;
			}
			if ((at = find_marker(d, l, a, &k2, &r2)) != NPOS)
				b = at;
			if ((ct = caps_tail(l, a, b)) != NPOS) {
				char cf[128];
				int is_title = 0;
				compact_fold(l, ct, b, cf, sizeof cf);
				for (size_t p = 0; p < sizeof positions / sizeof positions[0]; p++)
					if (strstr(cf, d->pos_fold[p]))
						is_title = 1;
				if (pos_fold && strstr(pos_fold, cf))
					is_title = 1;
				if (is_title)
					b = ct;
			}
			/* An item ends at its ';' (the last one, "Lưu: VT, ...", at its
			 * '.'): what follows on the line is the right column's, or
			 * OCR's reading of the signature.  But Tesseract often reads
			 * the comma after a short upper-case word as ';' ("CT; các
			 * PCT UBND xã", "Lưu: VT; ĐC"): a ';' followed by a
			 * lower-case word, or any ';' in the "Lưu" item, is a comma
			 * (made one below). */
			{
				size_t q = skip_sp(l, a);
				int luu = !strncmp(l->f + q, "luu", 3) && !f_alnum(l->f[q + 3]);
				for (size_t k = a; k < b; k++) {
					if (l->f[k] == ';' && !luu) {
						size_t j = k + 1;
						while (j < b && (l->f[j] == ' ' || l->f[j] == ','))
							j++;
						if (j < b && f_alpha(l->f[j]) && cp_lower(orig_cp(l, j)))
							continue;
					}
					if ((l->f[k] == ';' && !luu) || (luu && l->f[k] == '.' &&
					    (k + 1 == b || l->f[k + 1] == ' '))) {
						b = k;
						break;
					}
				}
			}
			while (b > a && strchr(" -.,;:_~'`", l->f[b - 1]))
				b--;
			if (b <= a)
				continue;
			if (!(t = span_text(d, l, a, b)))
				break;
			repair_in_place(d, &t);
			/* A misread comma (above), alone or beside the real one. */
			for (char *c = t, *w = t; c && *c; c++) {
				*w = *c == ';' ? ',' : *c;
				if (!(*w == ',' && w > t && w[-1] == ','))
					w++;
				if (!c[1])
					*w = '\0';
			}
			if (t && !strncmp(t, "L\xc6\xb0u", 4))
				t = repair_luu(d, t);
			if (t && *t) {
				if (cont) {
					sb_add(&sb, " ", 1);
				} else {
					if (items)
						sb_add(&sb, "\n", 1);
					items++;
				}
				sb_str(&sb, t);
				{
					char *tf = sohoa_vi_fold(t, strlen(t), NULL);
					if (tf && !strncmp(tf, "luu", 3))
						ended = 1;
					free(tf);
				}
			}
			free(t);
		}
		free(pf);
		if (sb.oom)
			d->oom = 1;
		if (items)
			put(d, SOHOA_F_RECIPIENTS, sb.p, 0.8);
		else
			free(sb.p);
	}
}

/* ------------------------------------------------------------------------
 * Mã hồ sơ TTHC: 000.00.01.H26-260930-0012.
 * ------------------------------------------------------------------------ */

static int
digits_at(const struct line *l, size_t *i, int n, char *out)
{
	size_t j = *i;

	for (int k = 0; k < n; k++, j++) {
		int c = j < l->flen ? l->f[j] : 0;
		if (c == 'o')
			c = '0';
		if (!f_digit((char)c))
			return 0;
		out[k] = (char)c;
	}
	if (j < l->flen && f_digit(l->f[j]))
		return 0;
	*i = j;
	return 1;
}

static int
sep_at(const struct line *l, size_t *i, char sep)
{
	size_t j = skip_sp(l, *i);

	if (j >= l->flen || l->f[j] != sep)
		return 0;
	*i = skip_sp(l, j + 1);
	return 1;
}

static void
read_tthc(struct doc *d)
{
	for (size_t li = 0; li < d->n; li++) {
		const struct line *l = &d->ln[li];
		for (size_t i = 0; i + 20 < l->flen + 1; i++) {
			char a[3], b[2], c[2], e[2], ymd[6], seq[4], out[40];
			char letter;
			size_t j = i;
			int mm, dd;

			if (!f_digit(l->f[i]) || (i > 0 && f_alnum(l->f[i - 1])))
				continue;
			if (!digits_at(l, &j, 3, a) || !sep_at(l, &j, '.') || !digits_at(l, &j, 2, b) ||
			    !sep_at(l, &j, '.') || !digits_at(l, &j, 2, c) || !sep_at(l, &j, '.'))
				continue;
			if (j >= l->flen || !f_alpha(l->f[j]))
				continue;
			letter = (char)(l->f[j] - 32);
			j++;
			if (!digits_at(l, &j, 2, e) || !sep_at(l, &j, '-') || !digits_at(l, &j, 6, ymd) ||
			    !sep_at(l, &j, '-') || !digits_at(l, &j, 4, seq))
				continue;
			mm = (ymd[2] - '0') * 10 + (ymd[3] - '0');
			dd = (ymd[4] - '0') * 10 + (ymd[5] - '0');
			if (mm < 1 || mm > 12 || dd < 1 || dd > 31)
				continue;
			snprintf(out, sizeof out, "%.3s.%.2s.%.2s.%c%.2s-%.6s-%.4s", a, b, c, letter, e,
			    ymd, seq);
			put(d, SOHOA_F_TTHC_CODE, dup_str(d, out), 0.9);
			return;
		}
	}
}

/* ------------------------------------------------------------------------
 * Type: the type line, the notation and the Công văn signs together.
 * ------------------------------------------------------------------------ */

/* The type segment of a notation: "QĐ" in "2025/QĐ-UBND".  Returns 1 and
 * its byte range, 0 when the notation has no '-'. */
static int
notation_seg(const char *nt, size_t *start, size_t *len)
{
	const char *p = nt, *dash = strchr(nt, '-'), *slash;

	if (!dash)
		return 0;
	while ((slash = memchr(p, '/', (size_t)(dash - p))) != NULL)
		p = slash + 1;
	*start = (size_t)(p - nt);
	*len = (size_t)(dash - p);
	return *len > 0;
}

/* Replaces the type segment of the notation by abbr. */
static void
set_notation_seg(struct doc *d, const char *abbr, double conf)
{
	const char *nt = d->out.f[SOHOA_F_CODE_NOTATION].value;
	struct sbuf sb = { 0 };
	size_t ss, sl;

	if (!nt || !notation_seg(nt, &ss, &sl))
		return;
	sb_add(&sb, nt, ss);
	sb_str(&sb, abbr);
	sb_str(&sb, nt + ss + sl);
	if (sb.oom)
		d->oom = 1;
	else
		put(d, SOHOA_F_CODE_NOTATION, sb.p, conf);
}

static void
decide_type(struct doc *d, const struct header *h, const struct centre *c)
{
	int from_abbr = -1, t = -1;
	double conf = 0;
	const char *nt = d->out.f[SOHOA_F_CODE_NOTATION].value;
	size_t ss, sl;

	if (h->type_abbr)
		from_abbr = known_abbr(h->type_abbr, 0);
	if (h->type_abbr && from_abbr < 0)
		from_abbr = known_abbr(h->type_abbr, 1);
	if (c->type_from_line >= 0) {
		t = c->type_from_line;
		if (from_abbr == t)
			conf = 0.97;
		else if (from_abbr >= 0)
			conf = 0.6;
		else
			conf = 0.85;
	} else if (from_abbr >= 0) {
		t = from_abbr;
		conf = 0.8;
	} else if (nt && strchr(nt, '-') && (c->vv || c->kinh_gui)) {
		/* A notation without a type abbreviation ("12/UBND-VX") and the
		 * signs of a letter: a Công văn. */
		t = TYPE_CONG_VAN;
		conf = c->vv ? 0.9 : 0.75;
	} else if (c->vv && !nt) {
		t = TYPE_CONG_VAN;
		conf = 0.6;
	}
	if (t < 0)
		return;
	put(d, SOHOA_F_TYPE_NAME, dup_str(d, types[t].code), conf);
	/* The notation's type abbreviation as ND 30 writes it for the type
	 * printed on the page: "QD" or "QB" read for "QĐ". */
	if (c->type_from_line == t && types[t].abbr && nt && notation_seg(nt, &ss, &sl)) {
		char *seg = strndup(nt + ss, sl), *f1, *f2;
		if (!seg) {
			d->oom = 1;
			return;
		}
		f1 = sohoa_vi_fold(seg, sl, NULL);
		f2 = sohoa_vi_fold(types[t].abbr, strlen(types[t].abbr), NULL);
		if (f1 && f2 && strcmp(seg, types[t].abbr) &&
		    (known_abbr(seg, 0) < 0 || !strcmp(f1, f2)) &&
		    edit_distance(f1, strlen(f1), f2, strlen(f2), 1) <= 1)
			set_notation_seg(d, types[t].abbr, 0.8);
		free(f1);
		free(f2);
		free(seg);
	}
}

/* The notation with its type segment replaced by the repaired one, when
 * notation_type() had to undo a doubled letter ("QĐĐ-UBND"). */
static void
fix_doubled(struct doc *d, const struct header *h)
{
	const char *nt = d->out.f[SOHOA_F_CODE_NOTATION].value;
	size_t ss, sl;

	if (!nt || !h->type_abbr || !notation_seg(nt, &ss, &sl))
		return;
	if (sl != strlen(h->type_abbr) || strncmp(nt + ss, h->type_abbr, sl))
		set_notation_seg(d, h->type_abbr, 0.8);
}

/* ------------------------------------------------------------------------
 * Entry points.
 * ------------------------------------------------------------------------ */

/*
 * Plausibility (include/sohoa/plausible.h).  A field of running Vietnamese
 * text whose words are mostly not Vietnamese syllables was read from a
 * page OCR could not read, however well its position matched: of at least
 * SOHOA_PLAUSIBLE_MIN_WORDS (3) judged words, under SOHOA_PLAUSIBLE_SHARE
 * (85 %) well-formed, and its confidence falls to PLAUSIBLE_CAP, under
 * SOHOA_EXTRACT_REVIEW, so the document goes to a person (sohoa review).
 * One slip in seven words is tolerated (86 %): OCR misreads a letter of a
 * good subject now and then, and the consensus repairs above fix most.
 * Measured on the eval set (eval/README.md, "Plausibility").
 */
#define PLAUSIBLE_CAP 0.4

static void
cap_implausible(struct doc *d)
{
	static const sohoa_field_id judged[] = { SOHOA_F_SUBJECT, SOHOA_F_ORGAN_NAME,
		SOHOA_F_PARENT_ORGAN, SOHOA_F_SIGNER_POSITION, SOHOA_F_SIGNER_NAME };

	if (d->flags & SOHOA_EXTRACT_NO_PLAUSIBILITY)
		return;
	for (size_t i = 0; i < sizeof judged / sizeof *judged; i++) {
		sohoa_field *f = &d->out.f[judged[i]];
		sohoa_plausibility p;
		if (!f->value)
			continue;
		sohoa_vi_plausibility(f->value, strlen(f->value), &p);
		if (p.words >= SOHOA_PLAUSIBLE_MIN_WORDS && p.share < SOHOA_PLAUSIBLE_SHARE
		    && f->confidence > PLAUSIBLE_CAP)
			f->confidence = PLAUSIBLE_CAP;
	}
}

sohoa_status
sohoa_extract_fields(const char *text, size_t len, sohoa_fields *out, sohoa_error *err)
{
	return sohoa_extract_text(text, len, NULL, out, err);
}

sohoa_status
sohoa_extract_text(const char *text, size_t len, const struct sohoa_extract_hints *hints,
    sohoa_fields *out, sohoa_error *err)
{
	struct doc d;
	struct header h = { 0 };
	struct centre c;
	size_t first, limit;

	if (!text && len)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE, "no text");
	if (!sohoa_vi_utf8_valid(text ? text : "", len))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "the OCR text is not valid UTF-8");
	memset(&d, 0, sizeof d);
	if (hints) {
		d.flags = hints->flags;
		d.signer_lines = hints->signer_lines;
		d.doubtful_words = hints->doubtful_words;
		d.learned_phrases = hints->learned_phrases;
	}
	sohoa_vi_forms_init(&d.forms);
	for (size_t i = 0; i < sizeof d.cache / sizeof d.cache[0]; i++)
		d.cache[i].cp = -1;
	sohoa_fields_init(&d.out);
	if (doc_init(&d, text ? text : "", len) != 0) {
		doc_release(&d);
		return sohoa_error_oom(err);
	}
	/* The header is on the first page with text. */
	for (first = 0; first < d.n && d.ln[first].blank; first++)
		;
	if (first < d.n) {
		limit = first;
		while (limit < d.n && d.ln[limit].page == d.ln[first].page && limit < first + 40)
			limit++;
		read_header(&d, &h, first, limit);
		read_centre(&d, &h, first, &c);
		fix_doubled(&d, &h);
		decide_type(&d, &h, &c);
		read_footer(&d);
		read_tthc(&d);
	}
	free(h.type_abbr);
	if (d.oom) {
		doc_release(&d);
		return sohoa_error_oom(err);
	}
	cap_implausible(&d);
	for (int i = 0; i < SOHOA_F_COUNT; i++) {
		if (!d.out.f[i].value)
			continue;
		free(out->f[i].value);
		out->f[i] = d.out.f[i];
		d.out.f[i].value = NULL;
	}
	doc_release(&d);
	return SOHOA_OK;
}

const char *
sohoa_type_label(const char *code)
{
	for (size_t i = 0; code && i < NTYPES; i++)
		if (!strcmp(types[i].code, code))
			return types[i].name;
	return NULL;
}

const char *
sohoa_type_code_from_abbr(const char *abbr)
{
	int i = abbr ? known_abbr(abbr, 0) : -1;

	return i >= 0 ? types[i].code : NULL;
}
