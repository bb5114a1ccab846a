/*
 * hoso.c - hồ sơ level fields (EAD.xml of TT 05/2025): names, code lists,
 * and the archivists' sidecar file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sohoa/fsutil.h"
#include "sohoa/hoso.h"
#include "sohoa/vitext.h"

struct hoso_def {
	const char *name;          /* EAD element */
	const char *label;         /* Vietnamese name, as in TT 05 */
	const char *alias;         /* another accepted name, or NULL */
	const char *const *codes;  /* "01=Vĩnh viễn" pairs, or NULL */
};

static const char *const maintenance_codes[] = { "01=Vĩnh viễn", "02=70 năm", "03=50 năm",
	"04=30 năm", "05=20 năm", "06=10 năm", "07=Khác", NULL };
static const char *const mode_codes[] = { "01=Công khai", "02=Sử dụng có điều kiện", "03=Mật",
	NULL };
static const char *const language_codes[] = { "01=Tiếng Việt", "02=Anh", "03=Pháp", "04=Nga",
	"05=Trung", "06=Việt-Anh", "07=Việt-Nga", "08=Việt-Pháp", "09=Hán Nôm", "10=Việt-Trung",
	"11=Khác", NULL };
static const char *const format_codes[] = { "01=Tốt", "02=Bình thường", "03=Hỏng", NULL };
static const char *const confidence_codes[] = { "01=Gốc điện tử", "02=Số hóa", "03=Hỗn hợp",
	NULL };
static const char *const risk_codes[] = { "1=Có", "0=Không", NULL };
static const char *const risk_status_codes[] = { "01=Đã", "02=Chưa", NULL };

static const struct hoso_def defs[SOHOA_H_COUNT] = {
	[SOHOA_H_FILE_CODE] = { "fileCode", "Mã hồ sơ", NULL, NULL },
	[SOHOA_H_TITLE] = { "title", "Tiêu đề hồ sơ", "Tiêu đề", NULL },
	[SOHOA_H_MAINTENANCE] = { "maintenance", "Thời hạn bảo quản", NULL, maintenance_codes },
	[SOHOA_H_MODE] = { "mode", "Chế độ sử dụng", NULL, mode_codes },
	[SOHOA_H_LANGUAGE] = { "language", "Ngôn ngữ", NULL, language_codes },
	[SOHOA_H_START_DATE] = { "startDate", "Thời gian bắt đầu", NULL, NULL },
	[SOHOA_H_END_DATE] = { "endDate", "Thời gian kết thúc", NULL, NULL },
	[SOHOA_H_KEYWORD] = { "keyword", "Từ khóa", NULL, NULL },
	[SOHOA_H_TOTAL_DOC] = { "totalDoc", "Tổng số tài liệu", NULL, NULL },
	[SOHOA_H_NUMBER_OF_PAPER] = { "numberOfPaper", "Số lượng tờ", NULL, NULL },
	[SOHOA_H_NUMBER_OF_PAGE] = { "numberOfPage", "Số lượng trang", NULL, NULL },
	[SOHOA_H_FORMAT] = { "format", "Tình trạng vật lý", NULL, format_codes },
	[SOHOA_H_INFOR_SIGN] = { "inforSign", "Ký hiệu thông tin", NULL, NULL },
	[SOHOA_H_CONFIDENCE_LEVEL] = { "confidenceLevel", "Mức độ tin cậy", NULL, confidence_codes },
	[SOHOA_H_PAPER_FILE_CODE] = { "paperFileCode", "Mã hồ sơ gốc giấy", "Mã hồ sơ giấy", NULL },
	[SOHOA_H_RISK_RECOVERY] = { "riskRecovery", "Chế độ dự phòng", NULL, risk_codes },
	[SOHOA_H_RISK_RECOVERY_STATUS] = { "riskRecoveryStatus", "Tình trạng dự phòng", NULL,
		risk_status_codes },
	[SOHOA_H_DESCRIPTION] = { "description", "Ghi chú", NULL, NULL },
};

void sohoa_hoso_init(sohoa_hoso *h) { memset(h, 0, sizeof *h); }

void
sohoa_hoso_release(sohoa_hoso *h)
{
	if (!h)
		return;
	for (int i = 0; i < SOHOA_H_COUNT; i++)
		free(h->v[i]);
	memset(h, 0, sizeof *h);
}

const char *
sohoa_hoso_name(sohoa_hoso_id id)
{
	return (int)id >= 0 && id < SOHOA_H_COUNT ? defs[id].name : NULL;
}

sohoa_hoso_id
sohoa_hoso_from_name(const char *name)
{
	for (int i = 0; name && i < SOHOA_H_COUNT; i++)
		if (!strcmp(defs[i].name, name))
			return (sohoa_hoso_id)i;
	return SOHOA_H_COUNT;
}

/* Folded, lower-case, single-spaced form for comparing names and labels. */
static char *
fold(const char *s)
{
	char *f = sohoa_vi_fold(s, strlen(s), NULL), *o, *p;

	if (!f)
		return NULL;
	for (o = p = f; *p; p++) {
		if (*p == ' ' || *p == '\t') {
			if (o > f && o[-1] != ' ')
				*o++ = ' ';
		} else {
			*o++ = *p;
		}
	}
	while (o > f && o[-1] == ' ')
		o--;
	*o = '\0';
	return f;
}

static int
same_folded(const char *a, const char *b)
{
	char *fa = fold(a), *fb = fold(b);
	int eq = fa && fb && !strcmp(fa, fb);
	free(fa);
	free(fb);
	return eq;
}

sohoa_hoso_id
sohoa_hoso_lookup(const char *name)
{
	sohoa_hoso_id id = sohoa_hoso_from_name(name);

	for (int i = 0; name && id == SOHOA_H_COUNT && i < SOHOA_H_COUNT; i++)
		if (same_folded(name, defs[i].label) || (defs[i].alias
		    && same_folded(name, defs[i].alias)) || same_folded(name, defs[i].name))
			id = (sohoa_hoso_id)i;
	return id;
}

const char *
sohoa_hoso_label(sohoa_hoso_id id)
{
	return (int)id >= 0 && id < SOHOA_H_COUNT ? defs[id].label : NULL;
}

const char *
sohoa_hoso_code_label(sohoa_hoso_id id, const char *code, char *buf, size_t n)
{
	if ((int)id < 0 || id >= SOHOA_H_COUNT || !defs[id].codes || !code)
		return NULL;
	for (const char *const *c = defs[id].codes; *c; c++) {
		const char *eq = strchr(*c, '=');
		if (strlen(code) == (size_t)(eq - *c) && !strncmp(code, *c, strlen(code))) {
			snprintf(buf, n, "%s", eq + 1);
			return buf;
		}
	}
	return NULL;
}

static int
valid_date(const char *s)
{
	int d, m, y, n = 0;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (sscanf(s, "%2d/%2d/%4d%n", &d, &m, &y, &n) != 3 || s[n] || strlen(s) != 10)
		return 0;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || y < 1900 || y > 2200)
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	return 1;
}

sohoa_status
sohoa_hoso_set(sohoa_hoso *h, sohoa_hoso_id id, const char *value, const char *source,
    sohoa_error *err)
{
	const struct hoso_def *d;
	char code[8] = "";
	const char *v = value;
	char *nfc;

	if ((int)id < 0 || id >= SOHOA_H_COUNT)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE, "unknown field");
	d = &defs[id];
	if (!value || !*value) {
		free(h->v[id]);
		h->v[id] = NULL;
		return SOHOA_OK;
	}
	if (d->codes) {
		for (const char *const *c = d->codes; *c; c++) {
			const char *eq = strchr(*c, '=');
			size_t n = (size_t)(eq - *c);
			if ((strlen(value) == n && !strncmp(value, *c, n)) || same_folded(value, eq + 1)) {
				snprintf(code, sizeof code, "%.*s", (int)n, *c);
				break;
			}
		}
		if (!code[0])
			return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "\"%s\" không phải giá trị hợp lệ của \"%s\" (%s)", value, d->label, d->name);
		v = code;
	}
	if ((id == SOHOA_H_START_DATE || id == SOHOA_H_END_DATE) && !valid_date(v))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "\"%s\": %s phải có dạng ngày/tháng/năm, ví dụ 05/03/2024", value, d->label);
	if ((id == SOHOA_H_TOTAL_DOC || id == SOHOA_H_NUMBER_OF_PAPER
	    || id == SOHOA_H_NUMBER_OF_PAGE) && strspn(v, "0123456789") != strlen(v))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "\"%s\": %s phải là một số", value, d->label);
	nfc = sohoa_vi_nfc(v, strlen(v), NULL);
	if (!nfc)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "%s: không phải văn bản UTF-8 hợp lệ", d->label);
	free(h->v[id]);
	h->v[id] = nfc;
	snprintf(h->source[id], sizeof h->source[id], "%s", source ? source : "");
	return SOHOA_OK;
}

sohoa_status
sohoa_hoso_load(sohoa_hoso *h, const char *path, sohoa_error *err)
{
	return sohoa_hoso_load_at(h, AT_FDCWD, path, path, err);
}

sohoa_status
sohoa_hoso_load_at(sohoa_hoso *h, int dfd, const char *name, const char *label,
    sohoa_error *err)
{
	char *text = NULL;
	size_t len = 0;
	sohoa_error rerr;
	sohoa_status st;

	/* Written by anyone who can write to the share: a regular file of at
	 * most SOHOA_HOSO_MAX bytes, read without blocking, never through a
	 * link (a FIFO or a link to /dev/zero named hoso.txt must not hold or
	 * swell the daemon). */
	sohoa_error_clear(&rerr);
	if (sohoa_fs_read_small_at(dfd, name, label, SOHOA_HOSO_MAX, &text, &len, &rerr)
	    != SOHOA_OK) {
		if (rerr.status == SOHOA_BAD_INPUT && rerr.reason == SOHOA_REASON_UNREADABLE
		    && errno == ENOENT)
			return SOHOA_OK;
		if (err)
			*err = rerr;
		return rerr.status;
	}
	st = sohoa_hoso_parse(h, text, len, label, err);
	free(text);
	return st;
}

sohoa_status
sohoa_hoso_parse(sohoa_hoso *h, const char *text, size_t len, const char *path,
    sohoa_error *err)
{
	FILE *f = len ? fmemopen((void *)text, len, "r") : NULL;
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	sohoa_status st = SOHOA_OK;

	if (!len)
		return SOHOA_OK;
	if (!f)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s: %s", path,
		    strerror(errno));
	while (st == SOHOA_OK && getline(&line, &cap, f) != -1) {
		char *p = line, *colon, *val, *e;
		int found = -1;
		lineno++;
		if (lineno == 1 && !strncmp(p, "\xEF\xBB\xBF", 3))
			p += 3;   /* Notepad's byte order mark */
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strlen(p);
		while (e > p && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			*--e = '\0';
		if (!*p || *p == '#')
			continue;
		colon = strchr(p, ':');
		if (!colon) {
			st = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "%s:%u: thiếu dấu ':' (dạng đúng: \"Tên trường: giá trị\")", path, lineno);
			break;
		}
		*colon = '\0';
		val = colon + 1;
		while (*val == ' ' || *val == '\t')
			val++;
		for (int i = 0; i < SOHOA_H_COUNT && found < 0; i++)
			if (same_folded(p, defs[i].label) || !strcmp(p, defs[i].name)
			    || (defs[i].alias && same_folded(p, defs[i].alias)))
				found = i;
		if (found < 0) {
			st = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "%s:%u: không biết trường \"%s\"", path, lineno, p);
			break;
		}
		if (sohoa_hoso_set(h, (sohoa_hoso_id)found, val, "sidecar", err) != SOHOA_OK) {
			char msg[sizeof err->msg];
			snprintf(msg, sizeof msg, "%s", err->msg);
			sohoa_error_clear(err);
			st = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE, "%s:%u: %s", path,
			    lineno, msg);
		}
	}
	free(line);
	fclose(f);
	return st;
}
