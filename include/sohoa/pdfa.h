/*
 * pdfa.h - turning the OCR worker's searchable PDF (Tesseract's renderer:
 * page images plus an invisible text layer in its embedded GlyphLessFont)
 * into a PDF/A-2b "hai lớp" document, with qpdf.
 *
 *   sohoa_pdfa_info info = { .title = name, .identifier = "sha256:..." };
 *   sohoa_pdfa_convert("in.pdf", "out.pdf", &info, &err);
 *
 * What the conversion adds or replaces (ISO 19005-2, level B):
 *   - XMP metadata on the catalog (dc:title, dc:identifier, dc:language,
 *     dc:format, xmp:CreatorTool, xmp:CreateDate/ModifyDate/MetadataDate,
 *     pdf:Producer, pdfaid:part = 2, pdfaid:conformance = B), uncompressed;
 *   - a document information dictionary that says the same as the XMP;
 *   - an sRGB OutputIntent (GTS_PDFA1) embedding the ICC profile, so that
 *     the DeviceRGB and DeviceGray page images have a defined colour;
 *   - a trailer /ID (qpdf computes it from the content: the same input and
 *     metadata give the same file);
 *   - /Interpolate true on images is turned off (forbidden by PDF/A);
 *   - an end-of-line before every "endstream" (6.1.7.1), which qpdf does
 *     not write by default after data that does not end with one.
 * It checks that the input has no encryption and no transparency (soft
 * masks, transparency groups), which PDF/A-2b would allow but the TT 05
 * "hai lớp" output never needs: such an input is refused.
 *
 * The changes to page content: the pictures of info->place and the text
 * layers of info->text (above); place and text are each in page order.
 * It does not rewrite fonts: the input must already embed
 * its fonts, as Tesseract's renderer does.  No validator runs here; see
 * tests/e2e/t_pdfa.sh for what is checked, and tests/tools/pdfa_structure.py
 * for the file-structure rules (6.1.x) checked on every PDF an e2e test
 * makes, signed or not.
 */
#ifndef SOHOA_PDFA_H
#define SOHOA_PDFA_H

#include "sohoa/sohoa.h"

/*
 * A page whose picture is the original scan, drawn turned on the page
 * rather than turned in its pixels (no resampling, a JPEG's bytes as they
 * are): Tesseract's renderer drew it stretched over the whole page (its
 * content "q W 0 0 H 0 0 cm /Im1 Do Q" and the text layer); the picture
 * is drawn instead turned turn degrees clockwise about the page's centre,
 * at W x H (turn a quarter or three: H x W), as Leptonica's pixRotateOrth
 * and pixRotate (about the centre, corners white) turned the page whose
 * text the layer holds.
 */
typedef struct sohoa_pdfa_place {
	size_t page;              /* 0-based */
	double turn;              /* degrees, clockwise; the quarter turns + skew */
} sohoa_pdfa_place;

/*
 * A page whose text layer is given rather than written by Tesseract's
 * renderer (the OCR worker's one-pass walk, lib/ocr_pdftext.h): the
 * renderer wrote the page with no text, its content the picture alone
 * ("q W 0 0 H 0 0 cm /Im1 Do Q\n"), and the conversion appends data[0..len)
 * (the renderer's text objects, "BT ... ET" blocks) to that content, in the
 * same rewrite of the page as its place, if it has one.
 */
typedef struct sohoa_pdfa_text {
	size_t page;              /* 0-based */
	const char *data;         /* not NUL-terminated necessarily */
	size_t len;
} sohoa_pdfa_text;

typedef struct sohoa_pdfa_info {
	const char *title;        /* dc:title and /Title, UTF-8; NULL or "": none */
	const char *identifier;   /* dc:identifier, e.g. "sha256:<hex>"; NULL: none */
	const char *language;     /* dc:language and /Lang (BCP 47); NULL: "vi" */
	const char *creator_tool; /* xmp:CreatorTool and /Creator; NULL: "sohoa <version>" */
	const char *producer;     /* pdf:Producer and /Producer; NULL: "qpdf <version>" */
	const char *icc_profile;  /* an RGB ICC profile file; NULL: sohoa_pdfa_default_icc() */
	long long created;        /* creation time, seconds since the epoch; 0: now */
	const sohoa_pdfa_place *place; /* pages whose picture is drawn turned; NULL: none */
	size_t nplace;
	const sohoa_pdfa_text *text;   /* pages whose text layer is given; NULL: none */
	size_t ntext;
} sohoa_pdfa_info;

/*
 * Reads the PDF at in and writes its PDF/A-2b form to out (created or
 * truncated; not durable: the caller renames it into place).  Errors:
 *   SOHOA_BAD_INPUT  in is not a PDF qpdf can read, is encrypted, or uses
 *                    transparency, or a page of info->place has no such
 *                    picture drawing, or a page of info->text has more
 *                    than its picture already;
 *   SOHOA_FATAL      no usable ICC profile (an installation problem);
 *   SOHOA_RETRY      out cannot be written (disk full, ...).
 * On error out may exist and should be removed by the caller.
 */
SOHOA_API sohoa_status sohoa_pdfa_convert(const char *in, const char *out, const sohoa_pdfa_info *info,
    sohoa_error *err);

/* The first sRGB profile found among the known Debian paths
 * (icc-profiles-free, colord), or NULL.  Static storage. */
SOHOA_API const char *sohoa_pdfa_default_icc(void);

/* Formats t (seconds since the epoch, local time) as a PDF date
 * "D:YYYYMMDDHHmmSS+HH'mm'" (pdf != 0) or an XMP date
 * "YYYY-MM-DDTHH:MM:SS+HH:MM" (pdf == 0) into buf.  Returns buf. */
SOHOA_API char *sohoa_pdfa_format_date(long long t, int pdf, char *buf, size_t size);

#endif
