/*
 * fields.h - the descriptive fields of a document (tài liệu): the elements
 * of EAD_doc.xml in Thông tư 05/2025/TT-BNV, plus the extras of Nghị định
 * 30/2020 worth keeping.  Names are the TT 05 element names, exactly; they
 * are the keys of `sohoa show --json`'s "fields" and of the catalog's
 * fields table.
 *
 * Each field records where its value came from ("ocr", "person",
 * "config", "folder", "sidecar") and a confidence in [0, 1].  A field not
 * found has value NULL: it is never invented.
 *
 * People name fields in Vietnamese ("người ký", "trích yếu"): each field
 * also has the names a văn thư knows it by (sohoa_field_label), and
 * sohoa_field_lookup() takes either kind, as typed.
 *
 * This file also owns the one table of document types (loại văn bản) of
 * TT 05/2025 with the abbreviations of ND 30/2020: extraction, the
 * description, search and the catalog's doc_types table (003-search.sql,
 * checked equal by test_catalog) all use it.
 */
#ifndef SOHOA_FIELDS_H
#define SOHOA_FIELDS_H

#include "sohoa/sohoa.h"

typedef enum sohoa_field_id {
	/* EAD_doc (TT 05/2025) */
	SOHOA_F_CODE_NUMBER,      /* codeNumber: Số, e.g. "15" */
	SOHOA_F_CODE_NOTATION,    /* codeNotation: Ký hiệu, e.g. "QĐ-UBND" */
	SOHOA_F_ISSUED_DATE,      /* issuedDate: ISO YYYY-MM-DD */
	SOHOA_F_TYPE_NAME,        /* typeName: code "01".."32" */
	SOHOA_F_ORGAN_NAME,       /* organName: Cơ quan ban hành */
	SOHOA_F_SUBJECT,          /* subject: Trích yếu nội dung */
	SOHOA_F_LANGUAGE,         /* language: code, "01" Tiếng Việt */
	SOHOA_F_NUMBER_OF_PAGE,   /* numberOfPage */
	SOHOA_F_KEYWORD,          /* keyword */
	SOHOA_F_MODE,             /* mode: Chế độ sử dụng code */
	SOHOA_F_CONFIDENCE_LEVEL, /* confidenceLevel: "02" Số hóa */
	SOHOA_F_AUTOGRAPH,        /* autograph: Bút tích */
	SOHOA_F_FORMAT,           /* format: Tình trạng vật lý code */
	SOHOA_F_MAINTENANCE,      /* maintenance: Thời hạn bảo quản code */
	SOHOA_F_DESCRIPTION,      /* description: Ghi chú */
	/* ND 30/2020 extras */
	SOHOA_F_PLACE_NAME,       /* placeName: Địa danh */
	SOHOA_F_PARENT_ORGAN,     /* parentOrgan: Cơ quan chủ quản */
	SOHOA_F_SIGNER_AUTHORITY, /* signerAuthority: "TM.", "KT.", "Q.", "TL.", "TUQ." */
	SOHOA_F_SIGNER_POSITION,  /* signerPosition: Chức vụ */
	SOHOA_F_SIGNER_NAME,      /* signerName: Họ tên người ký */
	SOHOA_F_RECIPIENTS,       /* recipients: Nơi nhận, one per line */
	SOHOA_F_SECRECY,          /* secrecy: Mật / Tối mật / Tuyệt mật */
	SOHOA_F_URGENCY,          /* urgency: Khẩn / Thượng khẩn / Hỏa tốc */
	SOHOA_F_TTHC_CODE,        /* tthcCode: mã hồ sơ TTHC */
	SOHOA_F_COUNT
} sohoa_field_id;

typedef struct sohoa_field {
	char *value;          /* NFC text, malloc'd; NULL when not found */
	char source[8];       /* "ocr", "person", "config", "folder", "sidecar" */
	double confidence;    /* 0..1 */
} sohoa_field;

typedef struct sohoa_fields {
	sohoa_field f[SOHOA_F_COUNT];
} sohoa_fields;

/* The TT 05 / ND 30 element name of a field ("codeNumber"), or NULL. */
SOHOA_API const char *sohoa_field_name(sohoa_field_id id);
/* The field of a name, or SOHOA_F_COUNT when unknown. */
SOHOA_API sohoa_field_id sohoa_field_from_name(const char *name);

/* The Vietnamese name of a field as staff write it ("Người ký"), never NULL
 * for a valid id; NULL otherwise. */
SOHOA_API const char *sohoa_field_label(sohoa_field_id id);
/* The k-th Vietnamese name of a field (0 is sohoa_field_label's; the others
 * are accepted too: "Ngày ban hành"), or NULL past the last. */
SOHOA_API const char *sohoa_field_label_alt(sohoa_field_id id, int k);

/*
 * The field a person named: its TT 05 name in any case ("signerName",
 * "signername") or one of its Vietnamese names with or without diacritics,
 * in any case, composed or decomposed, with spaces, '-' or '_' between the
 * words ("người ký", "Nguoi ky", "NGƯỜI_KÝ").  SOHOA_F_COUNT when unknown.
 */
SOHOA_API sohoa_field_id sohoa_field_lookup(const char *name);

/* ---- document types (typeName) ------------------------------------- */

typedef struct sohoa_doc_type {
	const char *code;       /* TT 05 typeName, "01".."32" */
	const char *name;       /* Tên loại: "Quyết định" */
	const char *abbr;       /* ND 30 abbreviation as printed in a ký hiệu
	                         * (mixed case: "QĐ", "TTr", "QyĐ"), or NULL:
	                         * a Công văn's ký hiệu carries none */
	const char *alias;      /* what people also call it, or NULL: "CV" */
} sohoa_doc_type;

#define SOHOA_DOC_TYPE_COUNT 32

/* The table, in code order: sohoa_doc_types[i].code is i + 1. */
extern SOHOA_API const sohoa_doc_type sohoa_doc_types[SOHOA_DOC_TYPE_COUNT];

/* The type of a code ("02", or "2"), or NULL. */
SOHOA_API const sohoa_doc_type *sohoa_doc_type_by_code(const char *code);

/*
 * The type a person means by typed: a code ("02", "2"); an abbreviation or
 * alias exactly ("QĐ", "CV"), in any case ("qđ", "ttr"), or without
 * diacritics when only one type has it so ("qd"; "da" is Dự án's DA, "đa"
 * Đề án's ĐA); or the name in any case, with or without diacritics, words
 * apart by spaces, '-' or '_' ("Quyết định", "quyet-dinh", "QUYET_DINH").
 * NFC or NFD.  NULL when none or ambiguous.
 */
SOHOA_API const sohoa_doc_type *sohoa_doc_type_lookup(const char *typed);

SOHOA_API void sohoa_fields_init(sohoa_fields *fs);
SOHOA_API void sohoa_fields_release(sohoa_fields *fs);
/* Sets a field (copying value; NULL clears it).  SOHOA_OK; SOHOA_RETRY when
 * out of memory; SOHOA_FATAL for an id out of range. */
SOHOA_API sohoa_status sohoa_fields_set(sohoa_fields *fs, sohoa_field_id id, const char *value,
    const char *source, double confidence);

#endif
