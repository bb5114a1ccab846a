/*
 * hoso.h - what only people know: the hồ sơ (file) level description of
 * TT 05/2025 (EAD.xml), from configuration defaults, a sidecar file the
 * archivist writes in an inbox sub-folder, and the sub-folder's name.
 *
 * The sidecar is "hoso.txt" in the sub-folder, one "Tên trường: giá trị"
 * per line in Vietnamese field names (with or without diacritics, any
 * case), '#' comments.  Example:
 *
 *     Mã hồ sơ: 000.00.01.H26.2024.01
 *     Tiêu đề hồ sơ: Hồ sơ quyết định về đất đai năm 2024
 *     Thời hạn bảo quản: Vĩnh viễn
 *     Chế độ sử dụng: Công khai
 *     Mã hồ sơ gốc giấy: H26.K1/G2/H3.15
 *
 * Coded fields take the code ("01") or its label ("Vĩnh viễn").
 */
#ifndef SOHOA_HOSO_H
#define SOHOA_HOSO_H

#include <stdio.h>
#include "sohoa/sohoa.h"

#define SOHOA_HOSO_SIDECAR "hoso.txt"

typedef enum sohoa_hoso_id {
	SOHOA_H_FILE_CODE,          /* fileCode: Mã hồ sơ */
	SOHOA_H_TITLE,              /* title: Tiêu đề hồ sơ */
	SOHOA_H_MAINTENANCE,        /* maintenance: Thời hạn bảo quản (01-07) */
	SOHOA_H_MODE,               /* mode: Chế độ sử dụng (01-03) */
	SOHOA_H_LANGUAGE,           /* language: Ngôn ngữ (01-11) */
	SOHOA_H_START_DATE,         /* startDate: DD/MM/YYYY */
	SOHOA_H_END_DATE,           /* endDate */
	SOHOA_H_KEYWORD,            /* keyword: Từ khóa */
	SOHOA_H_TOTAL_DOC,          /* totalDoc */
	SOHOA_H_NUMBER_OF_PAPER,    /* numberOfPaper: Số lượng tờ */
	SOHOA_H_NUMBER_OF_PAGE,     /* numberOfPage: Số lượng trang */
	SOHOA_H_FORMAT,             /* format: Tình trạng vật lý (01-03) */
	SOHOA_H_INFOR_SIGN,         /* inforSign: Ký hiệu thông tin */
	SOHOA_H_CONFIDENCE_LEVEL,   /* confidenceLevel: Mức độ tin cậy (01-03) */
	SOHOA_H_PAPER_FILE_CODE,    /* paperFileCode: Mã hồ sơ gốc giấy */
	SOHOA_H_RISK_RECOVERY,      /* riskRecovery: Chế độ dự phòng (1/0) */
	SOHOA_H_RISK_RECOVERY_STATUS, /* riskRecoveryStatus: Tình trạng dự phòng (01/02) */
	SOHOA_H_DESCRIPTION,        /* description: Ghi chú */
	SOHOA_H_COUNT
} sohoa_hoso_id;

typedef struct sohoa_hoso {
	char *v[SOHOA_H_COUNT];     /* NFC; NULL when unknown */
	char source[SOHOA_H_COUNT][8]; /* "config", "sidecar", "folder", "person" */
} sohoa_hoso;

SOHOA_API void sohoa_hoso_init(sohoa_hoso *h);
SOHOA_API void sohoa_hoso_release(sohoa_hoso *h);
/* EAD element name ("fileCode"), or NULL. */
SOHOA_API const char *sohoa_hoso_name(sohoa_hoso_id id);
SOHOA_API sohoa_hoso_id sohoa_hoso_from_name(const char *name);
/* The field a person names: its EAD name ("paperFileCode"), its TT 05
 * Vietnamese label or alias ("Mã hồ sơ gốc giấy", "ma ho so giay", any
 * case, with or without diacritics); SOHOA_H_COUNT when none. */
SOHOA_API sohoa_hoso_id sohoa_hoso_lookup(const char *name);
/* The Vietnamese label ("Tiêu đề hồ sơ"), or NULL. */
SOHOA_API const char *sohoa_hoso_label(sohoa_hoso_id id);
/* The label of a coded value ("01" of maintenance: "Vĩnh viễn"), or NULL
 * when the field has no code list or the code is not in it. */
SOHOA_API const char *sohoa_hoso_code_label(sohoa_hoso_id id, const char *code, char *buf,
    size_t n);
/* Sets one value (copied), checking and normalising coded values (a
 * label becomes its code).  SOHOA_BAD_INPUT with a message if invalid. */
SOHOA_API sohoa_status sohoa_hoso_set(sohoa_hoso *h, sohoa_hoso_id id, const char *value,
    const char *source, sohoa_error *err);

/*
 * Parses a sidecar over h (values it sets get source "sidecar").  Unknown
 * field names and bad values are SOHOA_BAD_INPUT with "path:line: ..." in
 * Vietnamese.  A missing file is SOHOA_OK with nothing set.
 */
SOHOA_API sohoa_status sohoa_hoso_load(sohoa_hoso *h, const char *path, sohoa_error *err);

/* The most a sidecar may hold: a larger one is refused (SOHOA_BAD_INPUT). */
#define SOHOA_HOSO_MAX (64 * 1024)

/* The same for the file name in the folder dfd (label names it in
 * messages): a regular file only, read without blocking and never through
 * a link (fsutil.h); a link, FIFO, device or file over SOHOA_HOSO_MAX is
 * SOHOA_BAD_INPUT, and nothing of it is read. */
SOHOA_API sohoa_status sohoa_hoso_load_at(sohoa_hoso *h, int dfd, const char *name, const char *label,
    sohoa_error *err);

/* Parses the text of a sidecar (len bytes; label names it in messages). */
SOHOA_API sohoa_status sohoa_hoso_parse(sohoa_hoso *h, const char *text, size_t len, const char *label,
    sohoa_error *err);

#endif
