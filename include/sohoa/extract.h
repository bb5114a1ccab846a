/*
 * extract.h - the descriptive fields of an administrative document, read
 * from its OCR text in the layout of Nghị định 30/2020 (DOMAIN.md §3).
 *
 * Calling protocol:
 *
 *     sohoa_fields fs;
 *     sohoa_error err;
 *     sohoa_fields_init(&fs);
 *     if (sohoa_extract_fields(text, len, &fs, &err) == SOHOA_OK)
 *             store every fs.f[i] whose value is not NULL;
 *     sohoa_fields_release(&fs);
 *
 * The input is the OCR text of the whole document: UTF-8 (NFC or not), the
 * pages in order separated by '\f'.  The header (cơ quan, số, ngày, tên loại,
 * trích yếu, stamps) is read from the first page, the signature block and
 * the nơi nhận from the end of the document.
 *
 * What is filled, all with source "ocr" and a confidence in [0, 1]:
 *
 *   parentOrgan    cơ quan chủ quản as printed above the issuing body,
 *                  e.g. "UBND HUYỆN THƯỜNG TÍN".
 *   organName      the issuing body as printed, its lines joined by one
 *                  space: "ỦY BAN NHÂN DÂN XÃ VĂN BÌNH" (not only "XÃ VĂN
 *                  BÌNH": the commune's People's Committee, People's
 *                  Council and Party committee share that second line).
 *   codeNumber     "15" (as printed, zero padding kept); codeNotation
 *                  "QĐ-UBND" (for a normative document "01/2025/QĐ-UBND"
 *                  gives "01" and "2025/QĐ-UBND").  A number left blank on
 *                  the page ("Số:   /QĐ-UBND") gives the notation only.
 *   placeName      địa danh of the date line, "Văn Bình".
 *   issuedDate     ISO "2024-03-05".
 *   typeName       the TT 05 code "01".."32": from the type line (QUYẾT
 *                  ĐỊNH), cross-checked with the type abbreviation of the
 *                  notation; a document without type line whose notation
 *                  has no type abbreviation and which has "V/v" or "Kính
 *                  gửi" is a Công văn, "22".
 *   subject        trích yếu as printed, its lines joined by one space
 *                  ("Về việc ..." kept); for a Công văn without "V/v ".
 *   signerAuthority "TM.", "KT.", "Q.", "TL." or "TUQ.": the innermost one
 *                  ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH" gives "KT.");
 *                  NULL when the head signs in his own name.
 *   signerPosition the signer's own title: "PHÓ CHỦ TỊCH" under "KT. CHỦ
 *                  TỊCH", "CHỦ TỊCH" for "Q. CHỦ TỊCH".
 *   signerName     "Nguyễn Văn A".
 *   recipients     nơi nhận, one per line ('\n'), without "- " and the
 *                  final ";" or ".": "Như trên\nLưu: VT, VX" (not the
 *                  "Kính gửi" list).
 *   secrecy        "Mật", "Tối mật" or "Tuyệt mật" (stamp in the header).
 *   urgency        "Khẩn", "Thượng khẩn" or "Hỏa tốc" (stamp in the header).
 *   tthcCode       mã hồ sơ TTHC, "000.00.01.H26-260930-0012".
 *
 * OCR damage is expected: missing or wrong diacritics, "Số" read as
 * "S6"/"Sô"/"So", stray spaces ("15 / QĐ-UBND"), doubled letters ("QĐÐ"),
 * line breaks inside the trích yếu, old and new tone placement, and the two
 * header columns read row by row ("ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI ..."
 * on one line).  Diacritics lost on a name (cơ quan, người ký) are put back
 * only from another occurrence of the same words in the document or, for
 * people, from a list of common Vietnamese name syllables; such values get a
 * lower confidence.  A field that is not found stays NULL: nothing is
 * guessed.  Confidence below SOHOA_EXTRACT_REVIEW means "have a person look".
 */
#ifndef SOHOA_EXTRACT_H
#define SOHOA_EXTRACT_H

#include <stddef.h>
#include "sohoa/sohoa.h"
#include "sohoa/fields.h"

/* Values with a lower confidence than this should be reviewed by a person. */
#define SOHOA_EXTRACT_REVIEW 0.6

/*
 * Reads the fields listed above from text[0..len) into out, which must have
 * been initialised with sohoa_fields_init().  Each field found replaces the
 * value out held (the old value is freed); fields not found and fields this
 * function never reads (language, mode, ...) are left as they were.  The
 * input is not modified and need not be NUL-terminated.
 *
 * Returns SOHOA_OK (also when nothing at all was found), SOHOA_BAD_INPUT
 * when the text is not valid UTF-8, SOHOA_FATAL when out of memory; on an
 * error out is unchanged and err (which may be NULL) says why.  Thread-safe:
 * no shared state.  Cost: about 1 ms for a one-page document, 40 ms for 250
 * pages, some 0.05 % of the OCR time (make eval measures it).
 */
SOHOA_API sohoa_status sohoa_extract_fields(const char *text, size_t len, sohoa_fields *out,
    sohoa_error *err);

/*
 * sohoa_extract_fields() with the layout of the pages: hocr[0..hocr_len)
 * is the worker's hOCR of the same pages (ocr.hocr of the spool entry, one
 * ocr_page per page of text).  The first page's header is put in reading
 * order from the word boxes, its left column (cơ quan chủ quản, cơ quan ban
 * hành, "Số:") apart from the right one (quốc hiệu, tiêu ngữ, địa danh and
 * date), so that an issuing body's name wrapped onto a second or third line
 * comes out whole.  The signature block is found by position too (the
 * right column under the body of the last page): when its authority and
 * title lines were not read (a seal over them), its lowest line that reads
 * as a name of two to five capitalised words is the signer's, for review
 * (confidence 0.6 at most).  The words OCR doubted (x_wconf under 85) may
 * have one diacritic put back in a fixed phrase of administrative
 * Vietnamese in the trích yếu ("bản hành" -> "ban hành", lib/
 * extract_lexicon.c), which lowers its confidence to 0.55 (for review).
 * The OCR text keeps what was read; only the reading order changes.  Without hOCR (NULL or 0, e.g. a PDF with its own text
 * layer), with hOCR that cannot be read, or whose pages do not match the
 * text's, this is sohoa_extract_fields(text, len, ...).  Same returns.
 */
SOHOA_API sohoa_status sohoa_extract_fields_hocr(const char *text, size_t len, const char *hocr,
    size_t hocr_len, sohoa_fields *out, sohoa_error *err);

/* The Vietnamese name of a TT 05 typeName code: "02" gives "Quyết định";
 * NULL for an unknown code.  Static storage. */
SOHOA_API const char *sohoa_type_label(const char *code);

/* The typeName code of an ND 30 type abbreviation, case as printed: "QĐ"
 * gives "02", "TTr" gives "15"; NULL when it is none.  Static storage. */
SOHOA_API const char *sohoa_type_code_from_abbr(const char *abbr);

#endif
