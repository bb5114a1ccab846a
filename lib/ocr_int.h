/*
 * ocr_int.h - what the OCR worker's three files share (not a public
 * header): ocr.c runs the job (decode, recognise, answer the pool),
 * ocr_prep.c prepares a page for Tesseract, ocr_pdf.c writes the document
 * PDF.  All of it runs in the worker process only (ocr.h), never in the
 * process that owns the catalog.
 *
 * Invariants:
 *   1. Preparation never changes the page it is given: every PIX returned
 *      is a new reference the caller destroys.
 *   2. A PDF that cannot be made costs the document its PDF, never its OCR:
 *      nothing here fails the job; the reason goes to stderr.
 */
#ifndef SOHOA_OCR_INT_H
#define SOHOA_OCR_INT_H

#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "sohoa/pdfa.h"
#include "sohoa/pdfin.h"

/*
 * The clock of the timing lines and of a second reading's time left, in
 * milliseconds: wall time, or under SOHOA_OCR_TIMING=cpu (benches on a busy
 * machine) the CPU time of the thread reading the page (a spread job reads
 * pages in several, ocr.c), which other processes hardly change.
 * Tesseract's own page deadline is wall time either way.
 */
static inline double
now_ms(void)
{
	static int cpu = -1;      /* read once: the worker's environment is fixed */
	struct timespec ts;
	if (cpu < 0) {
		const char *t = getenv("SOHOA_OCR_TIMING");
		cpu = t && strcmp(t, "cpu") == 0;
	}
	clock_gettime(cpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A message on one line: newlines become spaces. */
static inline void
flatten(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

/* Where a page's preparation time goes, for the SOHOA_OCR_TIMING line
 * (bench/throughput.sh names the step that regressed from it). */
struct prep_times {
	double decode, orient, deskew, speckle, seal;   /* ms */
};

/*
 * The searchable PDF of one job, built by Tesseract's renderer as pages
 * are recognised.  renderer is NULL when this job makes no PDF (any more).
 */
struct job_pdf {
	TessResultRenderer *renderer;
	char tess[PATH_MAX];        /* the renderer's file: <entry>/document.tess.pdf */
	char jpeg[PATH_MAX];        /* a page's image as JPEG: <entry>/document.page.jpg */
	const char *orig;           /* the original scan */
	int jpeg_as_is;             /* the original is a JPEG the PDF can take as it is */
	double ms;                  /* time spent on the PDF, for SOHOA_OCR_TIMING */
	size_t pages;               /* pages added so far */
	sohoa_pdfa_place *place;    /* pages whose original JPEG is drawn turned (malloc'd) */
	size_t nplace, cap;
	/* The pages whose text layer the worker wrote (ocr_pdftext.h) and
	 * pdfa.c appends; malloc'd, each data too.  The renderer wrote the
	 * others' itself (text_by_renderer of them had text to write). */
	sohoa_pdfa_text *text;
	size_t ntext, text_cap, text_by_renderer;
};

/* ---- ocr_prep.c ---- */

/* Keeps page-sized images in the worker's heap (once, at its start). */
void sohoa_ocr_page_heap(void);

/* What the reduced copy of a page tells sohoa_ocr_prepare() (flags). */
enum {
	PREP_LOOK_SPECKLED = 1,     /* worth despeckling at full resolution */
	PREP_LOOK_UNEVEN = 2,       /* a grey page lit unevenly: light evened */
	PREP_LOOK_UNSURE = 4,       /* the orientation left open: the page is
	                             * taken as it comes (no osd, or read_first
	                             * and nearly empty) */
};

/*
 * Makes the page upright and straight for OCR (details in ocr_prep.c).
 * Returns a new reference (maybe pix itself, cloned); *rot gets the
 * clockwise turn applied, *skew the angle removed, *looks the PREP_LOOK_*
 * flags of the page.  osd may be NULL.  read_first: a nearly empty page
 * whose orientation Leptonica's quick tests leave open is taken as it
 * comes, with PREP_LOOK_UNSURE: the caller reads it, and calls again
 * without read_first (OSD) only if that reading is poor.
 */
PIX *sohoa_ocr_straighten(TessBaseAPI *osd, PIX *pix, int dpi, int read_first, int *rot, float *skew,
    int *looks, struct prep_times *pt);
/* The image Tesseract reads: seals painted out, specks removed and light
 * evened as looks (PREP_LOOK_*) says.  A new reference, same size and
 * resolution as page. */
PIX *sohoa_ocr_prepare(PIX *page, int dpi, int looks, struct prep_times *pt);

/* ---- ocr_pdf.c ---- */

/* Starts <dir>/document.pdf for the scan orig (removing any left-over of
 * an earlier attempt); pdf->renderer stays NULL when no PDF can be made. */
void sohoa_ocr_pdf_begin(TessBaseAPI *api, const char *dir, const char *orig,
    struct job_pdf *pdf);
/* The file the next pages come from (a document folder has several). */
void sohoa_ocr_pdf_source(struct job_pdf *pdf, const char *orig);
/* Adds the page just recognised (page: upright, straight, full depth).
 * rot and skew: the clockwise quarter turns and the skew (degrees) that
 * made the page upright and straight from the original scan.  text: NULL,
 * or the page's text layer (sohoa_ocr_pdftext, text_len bytes) when api
 * holds no results any more; the PDF takes it (frees it either way). */
void sohoa_ocr_pdf_add_page(TessBaseAPI *api, struct job_pdf *pdf, int rot, float skew,
    PIX *page, int prepared, char *text, size_t text_len);
/* The page's JPEG at path (8 bpp grey or 32 bpp colour): the bytes of
 * Leptonica's pixWriteJpeg(path, pix, quality, 0), made faster.  0 or -1. */
int sohoa_ocr_pdf_write_jpeg(const char *path, PIX *pix, int quality);
/* Gives the PDF up (why, if not NULL, goes to stderr). */
void sohoa_ocr_pdf_abandon(struct job_pdf *pdf, const char *why);
/* Ends the PDF and makes it PDF/A at <dir>/document.pdf. */
void sohoa_ocr_pdf_finish(struct job_pdf *pdf, const char *dir, int timing);
/* The document PDF of a PDF taken with its own text: that PDF, made PDF/A
 * when it can be. */
void sohoa_ocr_pdf_keep(sohoa_pdfin *p, const char *dir, const char *orig);
/* The envelope's name (NFC; caller frees *title) and hash, for a PDF's
 * title and identifier.  Both stay empty when there is no envelope. */
void sohoa_ocr_read_envelope_meta(const char *dir, char **title, char *hash,
    size_t hash_size);

#endif
