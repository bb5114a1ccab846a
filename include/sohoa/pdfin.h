/*
 * pdfin.h - scanner PDFs as input (poppler-glib, rendered with cairo).
 *
 * A PDF in the inbox is a scan like a TIFF: its pages are rasterized one at
 * a time at their native resolution (the resolution of the page's scanned
 * image: image pixel width / (displayed width in points / 72)) and OCRed as
 * any scan.  A PDF that already carries a real text layer can instead give
 * its text page by page (ocr_mode = auto or skip, see ocr.c).
 *
 * PDFs are untrusted: this module runs only inside the OCR worker process
 * (through image.c), so a PDF that crashes or hangs poppler takes only the
 * worker with it.
 *
 *   sohoa_pdfin *p = sohoa_pdfin_open(path, max_pixels, max_pages, &err);
 *   for (int i = 0; i < sohoa_pdfin_pages(p); i++) {
 *       struct Pix *pix = sohoa_pdfin_page(p, i, &err);  // caller owns pix
 *       ...; pixDestroy(&pix);
 *   }
 *   sohoa_pdfin_free(p);
 *
 * Errors are SOHOA_BAD_INPUT with a reason: TRUNCATED (no end-of-file
 * marker in the last KiB), ENCRYPTED (needs a password), CORRUPT (poppler
 * cannot read it), NO_PAGES, TOO_LARGE (over max_pages, or a page over
 * max_pixels or 32767 pixels on a side at its native resolution), PAGE_SIZE (a page under half an
 * inch or over 200 inches on a side, or under 16 pixels when rendered);
 * SOHOA_RETRY when out of memory.
 */
#ifndef SOHOA_PDFIN_H
#define SOHOA_PDFIN_H

#include "sohoa/sohoa.h"

struct Pix;
typedef struct sohoa_pdfin sohoa_pdfin;

/* A page "has text" when its text layer holds at least this many letters
 * (a scanner's "Page 1" stamp does not make a text layer). */
#define SOHOA_PDFIN_MIN_LETTERS 30
/* Rendering resolution of a page that holds no image (vector or text only). */
#define SOHOA_PDFIN_DEFAULT_DPI 300

/* Whether the file at path starts like a PDF ("%PDF-" in its first KiB). */
SOHOA_API bool sohoa_pdfin_sniff(const char *path);

/* Opens and checks the PDF at path: readable, not encrypted, 1..max_pages
 * pages of a plausible size.  Free with sohoa_pdfin_free(). */
SOHOA_API sohoa_pdfin *sohoa_pdfin_open(const char *path, long long max_pixels, int max_pages,
    sohoa_error *err);
SOHOA_API void sohoa_pdfin_free(sohoa_pdfin *p);
SOHOA_API int sohoa_pdfin_pages(const sohoa_pdfin *p);

/*
 * Page i (0-based) at its native resolution: *w x *h pixels at *dpi (the
 * resolution of its largest scanned image, or SOHOA_PDFIN_DEFAULT_DPI when
 * it has none; *from_image says which; from_image may be NULL).  Decodes
 * the page's largest image(s) to learn their pixel size (poppler-glib has
 * no header-only way), never the whole page.
 */
SOHOA_API sohoa_status sohoa_pdfin_page_geometry(sohoa_pdfin *p, int i, int *w, int *h, double *dpi,
    int *from_image, sohoa_error *err);

/*
 * Renders page i at its native resolution into a new PIX with that
 * resolution set.  The depth follows the content: 1 bpp when every pixel
 * is pure black or white (a bilevel scan stays bilevel, hence CCITT G4 in
 * the output PDF), 8 bpp gray when every pixel is neutral, else 32 bpp
 * RGB.  Checked against max_pixels before any pixel is drawn.  Caller owns
 * the result; pixDestroy() it.
 */
SOHOA_API struct Pix *sohoa_pdfin_page(sohoa_pdfin *p, int i, sohoa_error *err);

/*
 * The text layer of page i, NFC, as poppler reads it (visible or invisible
 * text alike, e.g. an OCR layer).  *letters gets the number of letters in
 * it (may be NULL).  Caller owns the result; free() it.  NULL when out of
 * memory.
 */
SOHOA_API char *sohoa_pdfin_page_text(sohoa_pdfin *p, int i, int *letters);

/* Whether most pages (strictly more than half) have at least
 * SOHOA_PDFIN_MIN_LETTERS letters of text.  Reads every page's text once. */
SOHOA_API bool sohoa_pdfin_has_text_layer(sohoa_pdfin *p);

/* Whether the PDF says it is PDF/A (any part, XMP pdfaid). */
SOHOA_API bool sohoa_pdfin_is_pdfa(sohoa_pdfin *p);

/* Whether every font the pages use is embedded (a precondition of PDF/A). */
SOHOA_API bool sohoa_pdfin_fonts_embedded(sohoa_pdfin *p);

/* poppler's version, "X.Y.Z", for event agents and logs. */
SOHOA_API const char *sohoa_pdfin_version(void);

#endif
