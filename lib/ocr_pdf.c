/*
 * ocr_pdf.c - the OCR worker's document PDF (moved out of ocr.c): the
 * searchable "hai lớp" PDF written page by page by Tesseract's renderer as
 * OCR goes (the pictures; the text layers too for the pages whose layer
 * ocr_pdftext.cc could not write), then made PDF/A-2b by pdfa.c, which
 * appends the text layers kept here; and the document PDF of a PDF
 * taken with its own text (sohoa_ocr_pdf_keep).  A PDF that cannot be made
 * costs the document its PDF, not its OCR: the reason goes to stderr (the
 * daemon's log).  Runs in the worker process only (ocr.h).
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jpeglib.h>
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "sohoa/fsutil.h"
#include "sohoa/hash.h"
#include "sohoa/pdfa.h"
#include "sohoa/pdfin.h"
#include "sohoa/spool.h"
#include "ocr_int.h"

/* The document PDF's temp: written by qpdf by its name, at a fixed name
 * (document.pdf.tmp, which the next attempt removes) and not fsynced, as
 * the job's other results (ocr.c). */
#define PDF_TMP_FLAGS (SOHOA_FS_FIXED | SOHOA_FS_BYNAME | SOHOA_FS_NOSYNC)

/* Where Tesseract's renderer finds its GlyphLessFont (pdf.ttf): beside the
 * traineddata in use, else in Debian's tessdata. */
static const char *
pdf_font_dir(TessBaseAPI *api, char *buf, size_t size)
{
	static const char *const fallback[] = {
		"/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
	};
	const char *dp = TessBaseAPIGetDatapath(api);

	if (dp && *dp) {
		snprintf(buf, size, "%s/pdf.ttf", dp);
		if (access(buf, R_OK) == 0)
			return dp;
	}
	for (size_t i = 0; i < sizeof fallback / sizeof fallback[0]; i++) {
		snprintf(buf, size, "%s/pdf.ttf", fallback[i]);
		if (access(buf, R_OK) == 0)
			return fallback[i];
	}
	return NULL;
}

static void
free_text(struct job_pdf *pdf)
{
	for (size_t i = 0; i < pdf->ntext; i++)
		free((char *)pdf->text[i].data);
	free(pdf->text);
	pdf->text = NULL;
	pdf->ntext = pdf->text_cap = 0;
}

void
sohoa_ocr_pdf_abandon(struct job_pdf *pdf, const char *why)
{
	if (!pdf->renderer)
		return;
	TessDeleteResultRenderer(pdf->renderer);
	pdf->renderer = NULL;
	free(pdf->place);
	pdf->place = NULL;
	pdf->nplace = pdf->cap = 0;
	free_text(pdf);
	unlink(pdf->tess);
	unlink(pdf->jpeg);
	if (why)
		fprintf(stderr, "sohoa-ocr: %s: no PDF/A for this document: %s\n", pdf->orig, why);
}

/* The file the next pages come from (a document folder has several). */
void
sohoa_ocr_pdf_source(struct job_pdf *pdf, const char *orig)
{
	l_int32 w, h, spp = 0, ycck = 1, cmyk = 1, fmt = IFF_UNKNOWN;

	pdf->orig = orig;
	/* A JPEG original goes into the PDF byte for byte (no second lossy
	 * compression), drawn turned when the page was turned or straightened
	 * (sohoa_ocr_pdf_add_page): Leptonica copies the file when given its
	 * name.  CMYK would need a CMYK OutputIntent. */
	findFileFormat(orig, &fmt);
	pdf->jpeg_as_is = fmt == IFF_JFIF_JPEG
	    && readHeaderJpeg(orig, &w, &h, &spp, &ycck, &cmyk) == 0
	    && (spp == 1 || spp == 3) && !ycck && !cmyk;
}

void
sohoa_ocr_pdf_begin(TessBaseAPI *api, const char *dir, const char *orig,
    struct job_pdf *pdf)
{
	char base[PATH_MAX], font[PATH_MAX], stale[PATH_MAX], old[PATH_MAX];
	const char *fontdir = pdf_font_dir(api, font, sizeof font);
	double t0 = now_ms();

	memset(pdf, 0, sizeof *pdf);
	pdf->orig = orig;
	snprintf(base, sizeof base, "%s/document.tess", dir);
	snprintf(pdf->tess, sizeof pdf->tess, "%s.pdf", base);
	snprintf(pdf->jpeg, sizeof pdf->jpeg, "%s/document.page.jpg", dir);
	snprintf(stale, sizeof stale, "%s/document.pdf.tmp", dir);
	snprintf(old, sizeof old, "%s/document.pdf", dir);
	/* Left-overs of an attempt that died, and its PDF: this attempt's
	 * results replace all of them. */
	unlink(pdf->jpeg);
	unlink(pdf->tess);
	unlink(stale);
	unlink(old);
	if (!fontdir) {
		fprintf(stderr, "sohoa-ocr: no pdf.ttf (tesseract-ocr): PDF/A output is off\n");
		return;
	}
	sohoa_ocr_pdf_source(pdf, orig);
	pdf->renderer = TessPDFRendererCreate(base, fontdir, 0);
	if (!pdf->renderer) {
		fprintf(stderr, "sohoa-ocr: %s: cannot start the PDF\n", orig);
		return;
	}
	if (!TessResultRendererBeginDocument(pdf->renderer, ""))
		sohoa_ocr_pdf_abandon(pdf, "Tesseract's PDF renderer cannot start");
	pdf->ms += now_ms() - t0;
}

/* JPEG quality of gray and colour page images: Tesseract's default. */
#define PDF_JPEG_QUALITY 85

/* Notes that page number pdf->pages (0-based) has the original JPEG drawn
 * turned by turn degrees clockwise (pdfa.c does the drawing).  0, or -1
 * when out of memory. */
static int
note_placed(struct job_pdf *pdf, double turn)
{
	if (pdf->nplace == pdf->cap) {
		size_t cap = pdf->cap ? 2 * pdf->cap : 8;
		sohoa_pdfa_place *p = realloc(pdf->place, cap * sizeof *p);
		if (!p)
			return -1;
		pdf->place = p;
		pdf->cap = cap;
	}
	pdf->place[pdf->nplace++] = (sohoa_pdfa_place){ .page = pdf->pages, .turn = turn };
	return 0;
}

/* Keeps text (len bytes, malloc'd) as the text layer of page number
 * pdf->pages (0-based), for pdfa.c to append.  0, or -1 when out of memory
 * (text is then freed). */
static int
note_text(struct job_pdf *pdf, char *text, size_t len)
{
	if (pdf->ntext == pdf->text_cap) {
		size_t cap = pdf->text_cap ? 2 * pdf->text_cap : 8;
		sohoa_pdfa_text *t = realloc(pdf->text, cap * sizeof *t);
		if (!t) {
			free(text);
			return -1;
		}
		pdf->text = t;
		pdf->text_cap = cap;
	}
	pdf->text[pdf->ntext++] = (sohoa_pdfa_text){ .page = pdf->pages, .data = text, .len = len };
	return 0;
}

/* libjpeg's fatal errors come back here instead of ending the worker. */
struct jpeg_fail {
	struct jpeg_error_mgr mgr;
	jmp_buf jmp;
};

static void
jpeg_fail_exit(j_common_ptr c)
{
	longjmp(((struct jpeg_fail *)(void *)c->err)->jmp, 1);
}

static void
jpeg_fail_quiet(j_common_ptr c)
{
	(void)c;
}

/*
 * The page's JPEG for the PDF, at path: the same bytes as Leptonica's
 * pixWriteJpeg(path, pix, quality, 0) (same libjpeg settings: defaults,
 * no optimized Huffman tables, 2x2 chroma, the page's resolution, its text
 * as a comment), but libjpeg-turbo reads Leptonica's rows as they are (a
 * colour row is XBGR in memory on a little-endian machine; a grey row has
 * its bytes swapped four by four, put right word by word) instead of
 * Leptonica copying them pixel by pixel: a colour page 35 -> 27 ms, a grey
 * page 24 -> 22 ms.  8 bpp grey without colormap or 32 bpp colour only.
 * 0, or -1 (the file is then removed).
 */
int
sohoa_ocr_pdf_write_jpeg(const char *path, PIX *pix, int quality)
{
#ifdef JCS_EXTENSIONS
	struct jpeg_compress_struct c;
	struct jpeg_fail fail;
	int w = pixGetWidth(pix), h = pixGetHeight(pix), d = pixGetDepth(pix);
	int wpl = pixGetWpl(pix);
	l_uint32 *data = pixGetData(pix);
	FILE *volatile fp = NULL;
	l_uint32 *volatile row = NULL;
	const char *text = pixGetText(pix);

	if ((d != 8 && d != 32) || pixGetColormap(pix) || !data || w <= 0 || h <= 0)
		return -1;
	if (d == 8 && !(row = malloc((size_t)wpl * sizeof *row)))
		return -1;
	if (!(fp = fopen(path, "wb"))) {
		free(row);
		return -1;
	}
	memset(&c, 0, sizeof c);
	c.err = jpeg_std_error(&fail.mgr);
	fail.mgr.error_exit = jpeg_fail_exit;
	fail.mgr.output_message = jpeg_fail_quiet;
	if (setjmp(fail.jmp)) {
		jpeg_destroy_compress(&c);
		free(row);
		fclose(fp);
		unlink(path);
		return -1;
	}
	jpeg_create_compress(&c);
	jpeg_stdio_dest(&c, fp);
	c.image_width = (JDIMENSION)w;
	c.image_height = (JDIMENSION)h;
	if (d == 8) {
		c.input_components = 1;
		c.in_color_space = JCS_GRAYSCALE;
	} else {
		c.input_components = 4;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		c.in_color_space = JCS_EXT_XBGR;
#else
		c.in_color_space = JCS_EXT_RGBX;
#endif
	}
	jpeg_set_defaults(&c);
	c.optimize_coding = FALSE;
	if (pixGetXRes(pix) != 0 && pixGetYRes(pix) != 0) {
		c.density_unit = 1;
		c.X_density = (UINT16)pixGetXRes(pix);
		c.Y_density = (UINT16)pixGetYRes(pix);
	}
	jpeg_set_quality(&c, quality, TRUE);
	jpeg_start_compress(&c, TRUE);
	if (text) {
		size_t n = strlen(text);
		jpeg_write_marker(&c, JPEG_COM, (const JOCTET *)text,
		    (unsigned)(n > 65433 ? 65433 : n));
	}
	for (int y = 0; y < h; y++) {
		l_uint32 *line = data + (size_t)y * wpl;
		JSAMPROW r = (JSAMPROW)(void *)line;
		if (d == 8) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			for (int k = 0; k < wpl; k++)
				row[k] = __builtin_bswap32(line[k]);
#else
			memcpy(row, line, (size_t)wpl * sizeof *row);
#endif
			r = (JSAMPROW)(void *)row;
		}
		jpeg_write_scanlines(&c, &r, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	free(row);
	if (fclose(fp) != 0) {
		unlink(path);
		return -1;
	}
	return 0;
#else
	return pixWriteJpeg(path, pix, quality, 0) == 0 ? 0 : -1;
#endif
}

/*
 * Adds the page just recognised: the page (upright, straight), at the
 * scan's resolution and depth, not the image prepared for OCR (sohoa_ocr_prepare():
 * same size and resolution, so the text lands on the same words), which
 * it replaces in Tesseract before the renderer reads it.  Tesseract hands
 * the image to Leptonica, which picks G4 for bilevel but Flate rather than
 * JPEG for a gray page with few gray levels (and Tesseract itself Flate
 * for any page read from a PNG); gray and colour pages should be JPEG
 * (TT 05), so they are given to it as a JPEG file, which it copies into
 * the PDF as it is.
 *
 * A page whose original is a JPEG the PDF can take (jpeg_as_is) gets that
 * file byte for byte, turned or not: no encoding (20 to 30 ms a page at
 * 300 dpi) and no second lossy compression.  Turned (rot) or straightened
 * (skew), its picture is the scan as it was, which the renderer draws
 * stretched over the page; sohoa_ocr_pdf_finish() has pdfa.c draw it
 * turned by rot + skew about the page's centre instead, as
 * sohoa_ocr_straighten() turned the pixels (pixRotateOrth, then pixRotate
 * about the centre, corners white), so the text layer, made on the
 * straight page, lies on the words of the picture.
 */
void
sohoa_ocr_pdf_add_page(TessBaseAPI *api, struct job_pdf *pdf, int rot, float skew, PIX *page,
    int prepared, char *text, size_t text_len)
{
	TessResultIterator *it;
	double t0 = now_ms();
	const char *name = NULL;
	int turned = rot != 0 || skew != 0.0f, placed = 0;
	PIX *pix;
	BOOL ok;
	int d;

	if (!pdf->renderer) {
		free(text);
		return;
	}
	/* The renderer walks the results without checking that there are any. */
	it = TessBaseAPIGetIterator(api);
	if (!it) {
		free(text);
		sohoa_ocr_pdf_abandon(pdf, "a page has no OCR results");
		return;
	}
	TessResultIteratorDelete(it);
	/* Tesseract puts a page read from a PNG in as Flate whatever its
	 * depth; as far as the PDF goes, where the pixels came from does
	 * not matter (a bilevel PNG page becomes G4 like a bilevel TIFF). */
	pix = TessBaseAPIGetInputImage(api);
	if (pix && prepared && pixGetWidth(pix) == pixGetWidth(page)
	    && pixGetHeight(pix) == pixGetHeight(page)) {
		TessBaseAPISetInputImage(api, pixClone(page));     /* it takes the reference */
		pix = TessBaseAPIGetInputImage(api);
		prepared = 0;
	}
	if (pix)
		pixSetInputFormat(pix, IFF_UNKNOWN);
	d = pixGetDepth(page);
	if (pdf->jpeg_as_is) {
		name = pdf->orig;
		placed = turned;
	} else if (((d == 8 && !pixGetColormap(page)) || d == 32)
	    && sohoa_ocr_pdf_write_jpeg(pdf->jpeg, page, PDF_JPEG_QUALITY) == 0) {
		name = pdf->jpeg;
	}
	if (prepared) {     /* not the page's size: the text would miss the words */
		free(text);
		sohoa_ocr_pdf_abandon(pdf, "the OCR input of a page is not the page's size");
		return;
	}
	if (placed && note_placed(pdf, rot + (double)skew) != 0) {
		free(text);
		sohoa_ocr_pdf_abandon(pdf, "out of memory");
		return;
	}
	if (text && note_text(pdf, text, text_len) != 0) {     /* which freed it */
		sohoa_ocr_pdf_abandon(pdf, "out of memory");
		return;
	}
	if (name)
		TessBaseAPISetInputName(api, name);
	ok = TessResultRendererAddImage(pdf->renderer, api);
	TessBaseAPISetInputName(api, "");
	unlink(pdf->jpeg);
	if (!ok)
		sohoa_ocr_pdf_abandon(pdf, "Tesseract's PDF renderer failed on a page");
	else
		pdf->pages++;
	pdf->ms += now_ms() - t0;
}

/* The envelope's name (NFC) and hash, for the PDF's title and identifier.
 * Both stay empty when there is no envelope. */
void
sohoa_ocr_read_envelope_meta(const char *dir, char **title, char *hash,
    size_t hash_size)
{
	char path[PATH_MAX], *text = NULL, *p;
	sohoa_error err;

	*title = NULL;
	hash[0] = '\0';
	sohoa_error_clear(&err);
	snprintf(path, sizeof path, "%s/envelope", dir);
	if (sohoa_fs_read_file(path, 1 << 20, &text, NULL, &err) != SOHOA_OK)
		return;
	if ((p = strstr(text, "\nhash=")) != NULL)
		snprintf(hash, hash_size, "%.*s", (int)strcspn(p + 6, "\n"), p + 6);
	if ((p = strstr(text, "\nname_hex=")) != NULL) {
		size_t n = strcspn(p += 10, "\n") / 2;
		char *raw = malloc(n + 1);
		for (size_t i = 0; raw && i < n; i++) {
			unsigned v;
			if (sscanf(p + 2 * i, "%2x", &v) != 1) {
				free(raw);
				raw = NULL;
				break;
			}
			raw[i] = (char)v;
		}
		if (raw)
			*title = sohoa_text_from_bytes(raw, n);
		free(raw);
	}
	free(text);
}

/* Ends the PDF and makes it PDF/A at <dir>/document.pdf. */
void
sohoa_ocr_pdf_finish(struct job_pdf *pdf, const char *dir, int timing)
{
	char final[PATH_MAX], hash[SOHOA_HASH_TEXT_MAX], producer[96];
	char creator[48];
	sohoa_pdfa_info info = { 0 };
	sohoa_error err;
	sohoa_fs_tmp t;
	double t0 = now_ms(), t1;
	size_t ntext;

	if (!pdf->renderer)
		return;
	if (!TessResultRendererEndDocument(pdf->renderer)) {
		sohoa_ocr_pdf_abandon(pdf, "Tesseract's PDF renderer cannot end the document");
		return;
	}
	TessDeleteResultRenderer(pdf->renderer);    /* closes the file */
	pdf->renderer = NULL;
	t1 = now_ms();
	snprintf(final, sizeof final, "%s/document.pdf", dir);
	snprintf(creator, sizeof creator, "sohoa %s", SOHOA_VERSION);
	snprintf(producer, sizeof producer, "sohoa %s (Tesseract %s, qpdf)", SOHOA_VERSION,
	    TessVersion());
	sohoa_ocr_read_envelope_meta(dir, (char **)&info.title, hash, sizeof hash);
	info.identifier = hash[0] ? hash : NULL;
	info.creator_tool = creator;
	info.producer = producer;
	info.place = pdf->place;
	info.nplace = pdf->nplace;
	info.text = pdf->text;
	info.ntext = pdf->ntext;
	sohoa_error_clear(&err);
	/* The results need no fsync (see run_job); a crash redoes the job. */
	if (sohoa_fs_tmp_open(&t, final, 0666, PDF_TMP_FLAGS, &err) != SOHOA_OK
	    || sohoa_pdfa_convert(pdf->tess, t.tmp, &info, &err) != SOHOA_OK) {
		flatten(err.msg);
		fprintf(stderr, "sohoa-ocr: %s: no PDF/A for this document: %s\n", pdf->orig,
		    err.msg);
		sohoa_fs_tmp_abort(&t);
	} else if (sohoa_fs_tmp_commit(&t, &err) != SOHOA_OK) {
		flatten(err.msg);
		fprintf(stderr, "sohoa-ocr: cannot write %s: %s\n", final, err.msg);
	}
	unlink(pdf->tess);
	free((char *)info.title);
	free(pdf->place);
	pdf->place = NULL;
	pdf->nplace = pdf->cap = 0;
	ntext = pdf->ntext;
	free_text(pdf);
	pdf->ms += now_ms() - t0;
	if (timing) {
		fprintf(stderr, "sohoa-ocr: timing %s: pdf end %.0f ms, pdfa %.0f ms, pdf total %.0f ms\n",
		    dir, t1 - t0, now_ms() - t1, pdf->ms);
		fprintf(stderr, "sohoa-ocr: timing %s: text layer of %zu pages by one pass, %zu by"
		    " Tesseract's renderer\n", dir, ntext, pdf->text_by_renderer);
	}
}

/*
 * The document PDF of a PDF taken with its own text: that PDF.  One that
 * says it is PDF/A is kept byte for byte; another is made PDF/A-2b by
 * pdfa.c (XMP, OutputIntent, /ID; it refuses encryption and transparency)
 * when every font it uses is embedded; any other is kept as it is, not
 * PDF/A, and the log says why.
 */
void
sohoa_ocr_pdf_keep(sohoa_pdfin *p, const char *dir, const char *orig)
{
	char tmp[PATH_MAX], final[PATH_MAX], hash[SOHOA_HASH_TEXT_MAX], producer[96];
	char creator[48], why_buf[600];
	sohoa_pdfa_info info = { 0 };
	sohoa_error err;
	sohoa_fs_tmp t;
	sohoa_status st;
	const char *why;

	snprintf(tmp, sizeof tmp, "%s/document.pdf.tmp", dir);
	snprintf(final, sizeof final, "%s/document.pdf", dir);
	unlink(tmp);
	unlink(final);
	sohoa_error_clear(&err);
	if (sohoa_pdfin_is_pdfa(p)) {
		why = "it says it is PDF/A already";
	} else if (!sohoa_pdfin_fonts_embedded(p)) {
		why = "not PDF/A: not all its fonts are embedded";
	} else {
		snprintf(creator, sizeof creator, "sohoa %s", SOHOA_VERSION);
		snprintf(producer, sizeof producer, "sohoa %s (poppler %s, qpdf)", SOHOA_VERSION,
		    sohoa_pdfin_version());
		sohoa_ocr_read_envelope_meta(dir, (char **)&info.title, hash, sizeof hash);
		info.identifier = hash[0] ? hash : NULL;
		info.creator_tool = creator;
		info.producer = producer;
		st = sohoa_fs_tmp_open(&t, final, 0666, PDF_TMP_FLAGS, &err);
		if (st == SOHOA_OK && (st = sohoa_pdfa_convert(orig, t.tmp, &info, &err)) == SOHOA_OK)
			st = sohoa_fs_tmp_commit(&t, &err);
		sohoa_fs_tmp_abort(&t);         /* after a commit: nothing */
		if (st == SOHOA_OK) {
			free((char *)info.title);
			fprintf(stderr, "sohoa-ocr: %s: document PDF: the input PDF made PDF/A-2b\n",
			    dir);
			return;
		}
		free((char *)info.title);
		flatten(err.msg);
		snprintf(why_buf, sizeof why_buf, "not PDF/A: %s",
		    err.msg[0] ? err.msg : "it cannot be made PDF/A");
		why = why_buf;
	}
	sohoa_error_clear(&err);
	if (sohoa_fs_copy_file(orig, final, 0644, &err) != SOHOA_OK)
		fprintf(stderr, "sohoa-ocr: %s: no document PDF: %s\n", dir, err.msg);
	else
		fprintf(stderr, "sohoa-ocr: %s: document PDF: the input PDF as it is (%s)\n", dir,
		    why);
}
