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
 */
#ifndef SOHOA_FIELDS_H
#define SOHOA_FIELDS_H

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
const char *sohoa_field_name(sohoa_field_id id);
/* The field of a name, or SOHOA_F_COUNT when unknown. */
sohoa_field_id sohoa_field_from_name(const char *name);

void sohoa_fields_init(sohoa_fields *fs);
void sohoa_fields_release(sohoa_fields *fs);
/* Sets a field (copying value; NULL clears it).  Returns 0, -1 on OOM. */
int sohoa_fields_set(sohoa_fields *fs, sohoa_field_id id, const char *value,
    const char *source, double confidence);

#endif
