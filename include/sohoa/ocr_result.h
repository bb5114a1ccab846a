/*
 * ocr_result.h - one page as the OCR worker read it.
 *
 * The worker writes these into <entry-dir>/ocr.out and the process that owns
 * the catalog reads them back (sohoa_ocr_read_results, ocr.h) and stores
 * them (sohoa_catalog_store_pages, catalog.h).  The type lives on its own so
 * that the worker, which must never touch the catalog, does not depend on
 * the catalog's header.
 */
#ifndef SOHOA_OCR_RESULT_H
#define SOHOA_OCR_RESULT_H

typedef struct sohoa_page_result {
	int page_no;
	const char *text;   /* NFC */
	double confidence;  /* < 0 when the page failed */
	const char *status; /* "ok", "timeout", "failed" */
	int width, height, dpi;
	int rotation;       /* clockwise degrees turned before OCR (0/90/180/270) */
	float skew;         /* degrees of skew removed before OCR */
} sohoa_page_result;

#endif
