/*
 * fuzz_header.c - the checks a scan passes before any pixel is decoded:
 * sohoa_image_open() (lib/image.c: the format sniff, TIFF/PNG/JPEG headers
 * against the limits) and, for a PDF, sohoa_pdfin_open() (lib/pdfin.c:
 * sniff, end marker, encryption, page count and sizes) with its text
 * layer.  Properties: no sanitizer report (in our code; Leptonica, libtiff
 * and Poppler run uninstrumented); a refusal is SOHOA_BAD_INPUT with a
 * reason and a message, never another status; an accepted file has
 * between 1 and max_pages pages and a known format; a PDF page's text is
 * valid UTF-8.
 */
#include <limits.h>

#include "fuzz.h"
#include "sohoa/image.h"
#include "sohoa/pdfin.h"
#include "sohoa/vitext.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[PATH_MAX];
	sohoa_image_limits lim = { 4000LL * 4000LL, 8 };
	sohoa_image *im;
	sohoa_error err;
	const char *fmt;

	snprintf(path, sizeof path, "%s/scan", fuzz_tmpdir());
	fuzz_write_file(path, data, size);
	sohoa_error_clear(&err);
	im = sohoa_image_open(path, &lim, &err);
	if (!im) {
		if (err.status != SOHOA_BAD_INPUT || err.reason == SOHOA_REASON_NONE) {
			fprintf(stderr, "refused with status %d reason %d: %s\n", (int)err.status,
			    (int)err.reason, err.msg);
			abort();
		}
		FUZZ_ASSERT(err.msg[0] != '\0');
		return 0;
	}
	FUZZ_ASSERT(sohoa_image_pages(im) >= 1 && sohoa_image_pages(im) <= lim.max_pages);
	fmt = sohoa_image_format(im);
	FUZZ_ASSERT(fmt && (!strcmp(fmt, "tiff") || !strcmp(fmt, "png") || !strcmp(fmt, "jpeg")
	    || !strcmp(fmt, "pdf")));
	if (sohoa_image_pdf(im)) {
		sohoa_pdfin *p = sohoa_image_pdf(im);
		int letters = -1;
		char *text = sohoa_pdfin_page_text(p, 0, &letters);
		if (text) {
			FUZZ_ASSERT(sohoa_vi_utf8_valid(text, strlen(text)));
			FUZZ_ASSERT(letters >= 0);
		}
		free(text);
		(void)sohoa_pdfin_has_text_layer(p);
		(void)sohoa_pdfin_is_pdfa(p);
	}
	sohoa_image_free(im);
	return 0;
}
