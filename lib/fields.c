/*
 * fields.c - the table of descriptive field names (TT 05/2025, ND 30/2020)
 * with their Vietnamese names, and the table of document types (fields.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sohoa/fields.h"
#include "sohoa/vitext.h"

static const char *const names[SOHOA_F_COUNT] = {
	[SOHOA_F_CODE_NUMBER] = "codeNumber",
	[SOHOA_F_CODE_NOTATION] = "codeNotation",
	[SOHOA_F_ISSUED_DATE] = "issuedDate",
	[SOHOA_F_TYPE_NAME] = "typeName",
	[SOHOA_F_ORGAN_NAME] = "organName",
	[SOHOA_F_SUBJECT] = "subject",
	[SOHOA_F_LANGUAGE] = "language",
	[SOHOA_F_NUMBER_OF_PAGE] = "numberOfPage",
	[SOHOA_F_KEYWORD] = "keyword",
	[SOHOA_F_MODE] = "mode",
	[SOHOA_F_CONFIDENCE_LEVEL] = "confidenceLevel",
	[SOHOA_F_AUTOGRAPH] = "autograph",
	[SOHOA_F_FORMAT] = "format",
	[SOHOA_F_MAINTENANCE] = "maintenance",
	[SOHOA_F_DESCRIPTION] = "description",
	[SOHOA_F_PLACE_NAME] = "placeName",
	[SOHOA_F_PARENT_ORGAN] = "parentOrgan",
	[SOHOA_F_SIGNER_AUTHORITY] = "signerAuthority",
	[SOHOA_F_SIGNER_POSITION] = "signerPosition",
	[SOHOA_F_SIGNER_NAME] = "signerName",
	[SOHOA_F_RECIPIENTS] = "recipients",
	[SOHOA_F_SECRECY] = "secrecy",
	[SOHOA_F_URGENCY] = "urgency",
	[SOHOA_F_TTHC_CODE] = "tthcCode",
};

/* The Vietnamese names: the first is how a field is shown, the others are
 * accepted too. */
static const char *const labels[SOHOA_F_COUNT][3] = {
	[SOHOA_F_CODE_NUMBER] = { "Số", "Số văn bản" },
	[SOHOA_F_CODE_NOTATION] = { "Ký hiệu", "Ký hiệu văn bản" },
	[SOHOA_F_ISSUED_DATE] = { "Ngày", "Ngày ban hành", "Ngày văn bản" },
	[SOHOA_F_TYPE_NAME] = { "Loại", "Loại văn bản", "Tên loại" },
	[SOHOA_F_ORGAN_NAME] = { "Cơ quan", "Cơ quan ban hành" },
	[SOHOA_F_SUBJECT] = { "Trích yếu", "Trích yếu nội dung" },
	[SOHOA_F_LANGUAGE] = { "Ngôn ngữ" },
	[SOHOA_F_NUMBER_OF_PAGE] = { "Số trang", "Số lượng trang" },
	[SOHOA_F_KEYWORD] = { "Từ khóa" },
	[SOHOA_F_MODE] = { "Chế độ sử dụng" },
	[SOHOA_F_CONFIDENCE_LEVEL] = { "Mức độ tin cậy" },
	[SOHOA_F_AUTOGRAPH] = { "Bút tích" },
	[SOHOA_F_FORMAT] = { "Tình trạng vật lý" },
	[SOHOA_F_MAINTENANCE] = { "Thời hạn bảo quản" },
	[SOHOA_F_DESCRIPTION] = { "Ghi chú" },
	[SOHOA_F_PLACE_NAME] = { "Địa danh" },
	[SOHOA_F_PARENT_ORGAN] = { "Cơ quan chủ quản" },
	[SOHOA_F_SIGNER_AUTHORITY] = { "Thẩm quyền ký", "Quyền hạn ký" },
	[SOHOA_F_SIGNER_POSITION] = { "Chức vụ", "Chức vụ người ký" },
	[SOHOA_F_SIGNER_NAME] = { "Người ký", "Họ tên người ký" },
	[SOHOA_F_RECIPIENTS] = { "Nơi nhận" },
	[SOHOA_F_SECRECY] = { "Độ mật" },
	[SOHOA_F_URGENCY] = { "Độ khẩn" },
	[SOHOA_F_TTHC_CODE] = { "Mã hồ sơ TTHC", "Mã TTHC" },
};

/* One table of types (fields.h).  003-search.sql's doc_types holds the
 * same rows for the catalog's views; test_catalog checks that they agree. */
const sohoa_doc_type sohoa_doc_types[SOHOA_DOC_TYPE_COUNT] = {
	{ "01", "Nghị quyết", "NQ", NULL }, { "02", "Quyết định", "QĐ", NULL },
	{ "03", "Chỉ thị", "CT", NULL }, { "04", "Quy chế", "QC", NULL },
	{ "05", "Quy định", "QyĐ", NULL }, { "06", "Thông cáo", "TC", NULL },
	{ "07", "Thông báo", "TB", NULL }, { "08", "Hướng dẫn", "HD", NULL },
	{ "09", "Chương trình", "CTr", NULL }, { "10", "Kế hoạch", "KH", NULL },
	{ "11", "Phương án", "PA", NULL }, { "12", "Đề án", "ĐA", NULL },
	{ "13", "Dự án", "DA", NULL }, { "14", "Báo cáo", "BC", NULL },
	{ "15", "Tờ trình", "TTr", NULL }, { "16", "Giấy ủy quyền", "GUQ", NULL },
	{ "17", "Phiếu gửi", "PG", NULL }, { "18", "Phiếu chuyển", "PC", NULL },
	{ "19", "Phiếu báo", "PB", NULL }, { "20", "Biên bản", "BB", NULL },
	{ "21", "Hợp đồng", "HĐ", NULL },
	/* A Công văn's ký hiệu has no type abbreviation (12/UBND-VX), but
	 * everyone calls it CV. */
	{ "22", "Công văn", NULL, "CV" },
	{ "23", "Công điện", "CĐ", NULL }, { "24", "Bản ghi nhớ", "BGN", NULL },
	{ "25", "Bản thỏa thuận", "BTT", NULL }, { "26", "Giấy mời", "GM", NULL },
	{ "27", "Giấy giới thiệu", "GGT", NULL }, { "28", "Giấy nghỉ phép", "GNP", NULL },
	{ "29", "Thư công", NULL, NULL }, { "30", "Bản đồ", NULL, NULL },
	{ "31", "Bản vẽ kỹ thuật", NULL, NULL }, { "32", "Khác", NULL, NULL },
};

/* Longest key compared; longer input is no name. */
#define KEY_MAX 128

/*
 * The words of s (at most n bytes of it) in one form - folded, or exact
 * (vitext.h) - joined by sep (a single space, or "" to join them tight),
 * into key.  0, or -1 when s is too long, not UTF-8 or has no word.
 */
static int
name_key(const char *s, size_t n, int exact, const char *sep, char key[KEY_MAX])
{
	sohoa_vi_forms f;
	size_t pos = 0, a, e, len = 0, sl = strlen(sep);
	int rc = 0;

	key[0] = '\0';
	if (n > KEY_MAX * 2 || !sohoa_vi_utf8_valid(s, n))
		return -1;
	sohoa_vi_forms_init(&f);
	while (rc == 0 && sohoa_vi_next_word(s, n, &pos, &a, &e)) {
		const char *w;
		size_t wl;

		if (sohoa_vi_forms_compute(&f, s + a, e - a) != 0) {
			rc = -1;
			break;
		}
		w = exact ? f.exact : f.folded;
		wl = exact ? f.exact_len : f.folded_len;
		if (wl == 0)
			continue;
		if (len + (len ? sl : 0) + wl + 1 > KEY_MAX) {
			rc = -1;
			break;
		}
		if (len) {
			memcpy(key + len, sep, sl);
			len += sl;
		}
		memcpy(key + len, w, wl);
		len += wl;
		key[len] = '\0';
	}
	sohoa_vi_forms_release(&f);
	return rc == 0 && len > 0 ? 0 : -1;
}

static int
ascii_caseeq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;

		if (x != y)
			return 0;
	}
	return *a == *b;
}

const char *
sohoa_field_name(sohoa_field_id id)
{
	return (int)id >= 0 && id < SOHOA_F_COUNT ? names[id] : NULL;
}

sohoa_field_id
sohoa_field_from_name(const char *name)
{
	for (int i = 0; name && i < SOHOA_F_COUNT; i++)
		if (strcmp(names[i], name) == 0)
			return (sohoa_field_id)i;
	return SOHOA_F_COUNT;
}

const char *
sohoa_field_label(sohoa_field_id id)
{
	return (int)id >= 0 && id < SOHOA_F_COUNT ? labels[id][0] : NULL;
}

const char *
sohoa_field_label_alt(sohoa_field_id id, int k)
{
	if ((int)id < 0 || id >= SOHOA_F_COUNT || k < 0 || k >= 3)
		return NULL;
	return labels[id][k];
}

sohoa_field_id
sohoa_field_lookup(const char *name)
{
	char key[KEY_MAX], want[KEY_MAX];

	if (!name)
		return SOHOA_F_COUNT;
	for (int i = 0; i < SOHOA_F_COUNT; i++)
		if (ascii_caseeq(names[i], name))
			return (sohoa_field_id)i;
	if (name_key(name, strlen(name), 0, " ", key) != 0)
		return SOHOA_F_COUNT;
	for (int i = 0; i < SOHOA_F_COUNT; i++)
		for (int k = 0; k < 3 && labels[i][k]; k++)
			if (name_key(labels[i][k], strlen(labels[i][k]), 0, " ", want) == 0
			    && strcmp(key, want) == 0)
				return (sohoa_field_id)i;
	return SOHOA_F_COUNT;
}

const sohoa_doc_type *
sohoa_doc_type_by_code(const char *code)
{
	int n = 0, k = 0;

	if (!code)
		return NULL;
	for (; code[k] >= '0' && code[k] <= '9' && k < 3; k++)
		n = n * 10 + (code[k] - '0');
	if (k == 0 || code[k] != '\0' || n < 1 || n > SOHOA_DOC_TYPE_COUNT)
		return NULL;
	return &sohoa_doc_types[n - 1];
}

const sohoa_doc_type *
sohoa_doc_type_lookup(const char *typed)
{
	const sohoa_doc_type *best = NULL, *folded_hit = NULL;
	char upper_typed[KEY_MAX], folded_tight[KEY_MAX], folded_words[KEY_MAX], k[KEY_MAX];
	char *up;
	int best_level = 0, folded_hits = 0;
	size_t n;

	if (!typed || !*typed)
		return NULL;
	if ((best = sohoa_doc_type_by_code(typed)))
		return best;
	n = strlen(typed);
	if (name_key(typed, n, 0, "", folded_tight) != 0
	    || name_key(typed, n, 0, " ", folded_words) != 0)
		return NULL;
	up = sohoa_vi_upper(typed, n, NULL);
	if (!up)
		return NULL;
	snprintf(upper_typed, sizeof upper_typed, "%s", up);
	free(up);
	for (int i = 0; i < SOHOA_DOC_TYPE_COUNT; i++) {
		const sohoa_doc_type *t = &sohoa_doc_types[i];
		const char *ab[2] = { t->abbr, t->alias };
		int level = 0;

		/* 3: the name, however written; the abbreviation exactly. */
		if (name_key(t->name, strlen(t->name), 0, " ", k) == 0 && !strcmp(k, folded_words))
			level = 3;
		for (int j = 0; j < 2 && level < 3; j++) {
			char *u;

			if (!ab[j])
				continue;
			if (!strcmp(ab[j], typed)) {
				level = 3;
				break;
			}
			/* 2: the abbreviation in another case ("qđ", "ttr"). */
			u = sohoa_vi_upper(ab[j], strlen(ab[j]), NULL);
			if (u && !strcmp(u, upper_typed))
				level = level > 2 ? level : 2;
			free(u);
			/* 1: without diacritics ("qd"), if only one type. */
			if (level == 0 && name_key(ab[j], strlen(ab[j]), 0, "", k) == 0
			    && !strcmp(k, folded_tight) && folded_hit != t) {
				folded_hits++;
				folded_hit = t;
			}
		}
		if (level > best_level) {
			best_level = level;
			best = t;
		}
	}
	if (best_level > 0)
		return best;
	return folded_hits == 1 ? folded_hit : NULL;
}

void
sohoa_fields_init(sohoa_fields *fs)
{
	memset(fs, 0, sizeof *fs);
}

void
sohoa_fields_release(sohoa_fields *fs)
{
	if (!fs)
		return;
	for (int i = 0; i < SOHOA_F_COUNT; i++)
		free(fs->f[i].value);
	memset(fs, 0, sizeof *fs);
}

sohoa_status
sohoa_fields_set(sohoa_fields *fs, sohoa_field_id id, const char *value, const char *source,
    double confidence)
{
	char *copy = NULL;

	if ((int)id < 0 || id >= SOHOA_F_COUNT)
		return SOHOA_FATAL;
	if (value && !(copy = strdup(value)))
		return SOHOA_RETRY;
	free(fs->f[id].value);
	fs->f[id].value = copy;
	snprintf(fs->f[id].source, sizeof fs->f[id].source, "%s", source ? source : "");
	fs->f[id].confidence = confidence;
	return SOHOA_OK;
}
