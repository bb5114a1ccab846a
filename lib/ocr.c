/*
 * ocr.c - the OCR worker process: decode a scan page by page (Leptonica),
 * recognise each page with Tesseract under a deadline, write the text and
 * confidence of every page to <entry>/ocr.out, the hOCR to <entry>/ocr.hocr
 * and the PDF/A-2b "hai lớp" to <entry>/document.pdf, and answer the pool.
 *
 * The PDF is written page by page as OCR goes, by Tesseract's own renderer
 * (the page image as OCRed, with the recognised words in invisible text on
 * top), then made PDF/A by pdfa.c.  A PDF that cannot be made costs the
 * document its PDF, not its OCR: the job still ends "ok" and the reason
 * goes to stderr (the daemon's log).  The page's preparation is in
 * ocr_prep.c, the PDF writer in ocr_pdf.c (ocr_int.h).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <signal.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>
#include <utf8proc.h>

#include "sohoa/fsutil.h"
#include "sohoa/image.h"
#include "sohoa/ocr.h"
#include "sohoa/tailieu.h"
#include "sohoa/pdfa.h"
#include "sohoa/pdfin.h"
#include "sohoa/spool.h"
#include "ocr_int.h"
#include "ocr_choices.h"

struct worker_opts {
	const char *languages, *tessdata;
	long long max_pixels, memory_mb;
	int max_pages, page_timeout;
	int timing;          /* SOHOA_OCR_TIMING set: per-page times to stderr */
	const char *ocr_mode; /* "auto", "force", "skip" (conf.h); NULL: auto */
	int language_fallback; /* conf.h: under it, a page is read with all the languages */
	struct second_engine *mixed; /* the worker's own (see "Languages"); never NULL */
};

#define OCR_MODE_IS(o, m) ((o)->ocr_mode && strcmp((o)->ocr_mode, m) == 0)

const char *
sohoa_ocr_engine_version(void)
{
	return TessVersion();
}

/* One line to the pool; the pool reads whole lines. */
static void
say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void
say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

/*
 * Languages.  Records are Vietnamese; `languages` lists the first language
 * (the records') and others for the odd page that is not.  Tesseract given
 * "vie+eng" mixes them word by word: it tries the language that read the
 * previous word first and keeps an English reading it finds acceptable, so
 * runs of upper-case or short Vietnamese words come out in English, without
 * their diacritics ("CHU TICH", "xa", "dan") — `make eval` measured 96 %
 * of words against 98 % with "vie" alone.  So a page is read with the first
 * language alone, and only a page it reads badly (mean word confidence
 * under LANG_FALLBACK_CONF) is read again with all of them together; the
 * reading with the higher mean confidence is kept (language_fallback in
 * sohoa.conf sets the threshold; 0: never, 101: always), as is a page
 * that does not look like the first language (first_reading_doubtful).
 * Reading every page with both and keeping the more confident reading would
 * be worse than "vie" alone: `make eval` measured 95-98 % (confidence is a
 * poor judge between two readings of a good page).  The second engine is
 * loaded on the first such page only (about 50 MiB more), and kept for the
 * worker's life; sohoa_ocr_worker_main owns it.
 */
#define LANG_FALLBACK_CONF 70

struct second_engine {
	TessBaseAPI *api;       /* all the languages, or NULL */
	int failed;             /* could not be loaded: not tried again */
	char langs[128];        /* "" with a single language: no second reading */
	const char *tessdata;
};

/* The first language of a "+" list, into buf. */
static const char *
first_language(const char *languages, char *buf, size_t size)
{
	size_t n = strcspn(languages, "+");

	snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), languages);
	return buf;
}

/* The engine for all the languages, loaded on first use. */
static TessBaseAPI *
mixed_api(struct second_engine *m)
{
	if (m->api || m->failed || !m->langs[0])
		return m->api;
	m->api = TessBaseAPICreate();
	if (!m->api || TessBaseAPIInit3(m->api, m->tessdata[0] ? m->tessdata : NULL,
	    m->langs) != 0) {
		/* Once per worker: it is not tried again. */
		fprintf(stderr, "sohoa-ocr: cannot load Tesseract languages '%s': pages are read"
		    " with the first language only\n", m->langs);
		if (m->api)
			TessBaseAPIDelete(m->api);
		m->api = NULL;
		m->failed = 1;
		return NULL;
	}
	TessBaseAPISetPageSegMode(m->api, PSM_AUTO);
	TessBaseAPISetVariable(m->api, "debug_file", "/dev/null");
	sohoa_ocr_choices_enable(m->api);
	return m->api;
}

/*
 * Whether the first language's reading of a page is in doubt: its mean word
 * confidence is under o->language_fallback, or the page has enough words to
 * tell and fewer than LANG_DICT_SHARE % of them are in that language's
 * dictionary.  The second test is for a page in another language, which the
 * first may read with a confidence that looks fine: an English page read
 * with "vie" gets 89, with only 38 % of its words Vietnamese, where the
 * Vietnamese pages of `make eval` have 80-97 % (65 % on a speckled page of
 * 40 words, hence the minimum).  A page on which the first reading found no
 * word at all (blank, or a picture) is never in doubt: page layout does not
 * depend on the language, so the second would find none either.
 */
#define LANG_DICT_SHARE 50
#define LANG_DICT_MIN_WORDS 30

static int
first_reading_doubtful(TessBaseAPI *api, const struct worker_opts *o, int conf)
{
	TessResultIterator *it;
	TessPageIterator *pi;
	int any = 0, words = 0, known = 0;

	if (o->language_fallback <= 0 || !(it = TessBaseAPIGetIterator(api)))
		return 0;
	pi = TessResultIteratorGetPageIterator(it);
	do {
		char *w = TessResultIteratorGetUTF8Text(it, RIL_WORD);
		utf8proc_int32_t c;
		utf8proc_ssize_t k;
		int letters = 0;

		if (!w)
			continue;
		for (const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)w;
		    (k = utf8proc_iterate(s, -1, &c)) > 0 && c != 0; s += k) {
			utf8proc_category_t cat = utf8proc_category(c);
			letters += cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
		}
		TessDeleteText(w);
		any = 1;
		/* Numbers, one-letter words and stray marks say nothing of
		 * the language. */
		if (letters >= 2) {
			words++;
			known += TessResultIteratorWordIsFromDictionary(it) ? 1 : 0;
		}
	} while (TessPageIteratorNext(pi, RIL_WORD));
	TessResultIteratorDelete(it);
	if (!any)
		return 0;
	if (conf < o->language_fallback)
		return 1;
	return words >= LANG_DICT_MIN_WORDS && known * 100 < words * LANG_DICT_SHARE;
}

/*
 * The page in `in` was read by api with confidence *conf: if that reading is
 * in doubt and there are other languages, reads it again with all of them,
 * within what is left of the page's time (t1: when the first reading began;
 * loading the second engine counts too; a second reading that runs out of
 * it is dropped, not the page).  Returns the engine whose results to keep,
 * for the text, hOCR and PDF of the page (its confidence in *conf); the
 * other one is cleared.
 */
static TessBaseAPI *
second_reading(TessBaseAPI *api, ETEXT_DESC *monitor, PIX *in, int dpi,
    const struct worker_opts *o, int page_no, double t1, int *conf)
{
	TessBaseAPI *alt;
	double left;
	int c2 = -1, keep;

	if (!o->mixed->langs[0] || !first_reading_doubtful(api, o, *conf)
	    || !(alt = mixed_api(o->mixed)))
		return api;
	if ((left = o->page_timeout * 1000.0 - (now_ms() - t1)) < 1000)
		return api;
	TessBaseAPISetImage2(alt, in);
	TessBaseAPISetSourceResolution(alt, dpi);
	TessMonitorSetDeadlineMSecs(monitor, (int)left);
	if (TessBaseAPIRecognize(alt, monitor) == 0)
		c2 = TessBaseAPIMeanTextConf(alt);
	keep = c2 > *conf;
	/* Per page, so with the timing lines only (tests/e2e/t_languages.sh
	 * reads it). */
	if (o->timing)
		fprintf(stderr, "sohoa-ocr: page %d read again with %s: confidence %d, %s %d:"
		    " %s kept\n", page_no, o->mixed->langs, *conf,
		    c2 < 0 ? "out of time," : "then", c2 < 0 ? 0 : c2,
		    keep ? "the second reading" : "the first reading");
	if (!keep) {
		TessBaseAPIClear(alt);
		return api;
	}
	*conf = c2;
	TessBaseAPIClear(api);
	return alt;
}

static int
ocr_page(TessBaseAPI *api, TessBaseAPI *osd, ETEXT_DESC *monitor, PIX *orig,
    const struct worker_opts *o, FILE *out, FILE *hocr, struct job_pdf *pdf, int page_no,
    double decode_ms, const char *label)
{
	struct prep_times pt = { decode_ms, 0, 0, 0, 0 };
	int dpi = sohoa_image_resolution(orig), conf = -1, rot = 0, timeout_s = o->page_timeout;
	int looks = PREP_LOOK_SPECKLED;
	float skew = 0;
	char *text = NULL;
	utf8proc_uint8_t *nfc = NULL;
	const char *status = "ok";
	double t0 = now_ms(), t1, t2, pdf_ms = pdf->ms;
	PIX *pix = sohoa_ocr_straighten(osd, orig, dpi, &rot, &skew, &looks, &pt);
	PIX *in = sohoa_ocr_prepare(pix, dpi, looks, &pt);     /* what Tesseract reads */

	t1 = now_ms();
	TessBaseAPISetImage2(api, in);
	TessBaseAPISetSourceResolution(api, dpi);
	TessMonitorSetDeadlineMSecs(monitor, timeout_s * 1000);
	/* ocr_mode = skip: no text; the PDF gets the page image alone. */
	if (OCR_MODE_IS(o, "skip")) {
		status = "skipped";
	} else if (TessBaseAPIRecognize(api, monitor) != 0) {
		status = "timeout";
	} else {
		char *h;
		conf = TessBaseAPIMeanTextConf(api);
		api = second_reading(api, monitor, in, dpi, o, page_no, t1, &conf);
		text = TessBaseAPIGetUTF8Text(api);
		if (text)
			nfc = utf8proc_NFC((const utf8proc_uint8_t *)text);
		if (!nfc)
			status = "failed";
		/* hOCR keeps every word's box and confidence (x_wconf), and the
		 * LSTM's other choices for a doubted word (ocr_choices.h). */
		if (hocr && (h = sohoa_ocr_choices_hocr(api, page_no - 1)) != NULL) {
			fputs(h, hocr);
			free(h);
		} else if (hocr && (h = TessBaseAPIGetHOCRText(api, page_no - 1)) != NULL) {
			fputs(h, hocr);
			TessDeleteText(h);
		}
	}
	t2 = now_ms();
	if (pdf->renderer && strcmp(status, "ok") != 0) {
		/* The catalog keeps no text for a page that ran out of time, and
		 * neither does the PDF: its page gets the image alone.  Reading a
		 * 1x1 rectangle gives Tesseract an empty page of results. */
		TessBaseAPISetImage2(api, in);
		TessBaseAPISetSourceResolution(api, dpi);
		TessBaseAPISetRectangle(api, 0, 0, 1, 1);
		TessMonitorSetDeadlineMSecs(monitor, timeout_s * 1000);
		if (TessBaseAPIRecognize(api, monitor) != 0)
			sohoa_ocr_pdf_abandon(pdf, "a page that ran out of time cannot be added");
	}
	sohoa_ocr_pdf_add_page(api, pdf, rot != 0 || skew != 0.0f, pix, in != pix);
	if (o->timing)
		fprintf(stderr, "sohoa-ocr: timing page %d: prep %.0f ms, ocr %.0f ms, pdf %.0f ms;"
		    " decode %.0f ms, orient %.0f ms, deskew %.0f ms, speckle %.0f ms, seal %.0f ms;"
		    " %dx%d %d bpp %d dpi, turned %d, skew %.2f; %s\n",
		    page_no, t1 - t0, t2 - t1, pdf->ms - pdf_ms, pt.decode, pt.orient, pt.deskew,
		    pt.speckle, pt.seal, (int)pixGetWidth(orig), (int)pixGetHeight(orig),
		    (int)pixGetDepth(orig), dpi, rot, skew, label);
	fprintf(out, "page %d %d %s %d %d %d %zu %d %.2f\n", page_no,
	    strcmp(status, "ok") ? -1 : conf, status, (int)pixGetWidth(orig),
	    (int)pixGetHeight(orig), dpi, nfc ? strlen((char *)nfc) : 0, rot, skew);
	if (nfc)
		fputs((char *)nfc, out);
	fputc('\n', out);
	free(nfc);
	if (text)
		TessDeleteText(text);
	TessBaseAPIClear(api);
	pixDestroy(&in);
	pixDestroy(&pix);
	return 0;
}

static const char hocr_head[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
    "    \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
    "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"vi\" lang=\"vi\">\n"
    " <head>\n  <title></title>\n"
    "  <meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n"
    "  <meta name=\"ocr-system\" content=\"sohoa with tesseract\"/>\n"
    "  <meta name=\"ocr-capabilities\" content=\"ocr_page ocr_carea ocr_par ocr_line"
    " ocrx_word ocrp_wconf\"/>\n </head>\n <body>\n";

/*
 * The job's result files (ocr.out, ocr.hocr) through fsutil's durable-write
 * API, written with stdio: a fixed temp beside each (SOHOA_FS_FIXED: a
 * worker killed past its deadline leaves at most one, which the next
 * attempt takes over), installed by a rename, without fsync (a crash
 * redoes the job: SOHOA_FS_NOSYNC).  NULL on failure, the reason in err.
 */
static FILE *
result_open(sohoa_fs_tmp *t, const char *path, sohoa_error *err)
{
	int fd;
	FILE *f;

	if (sohoa_fs_tmp_open(t, path, 0666, SOHOA_FS_FIXED | SOHOA_FS_NOSYNC, err) != SOHOA_OK)
		return NULL;
	if ((fd = dup(t->fd)) < 0 || !(f = fdopen(fd, "w"))) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		sohoa_fs_tmp_abort(t);
		sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "cannot write %s: %s", path,
		    strerror(e));
		return NULL;
	}
	return f;
}

/* Closes f; with keep, installs the file (SOHOA_OK, or the reason in err),
 * else removes its temp. */
static sohoa_status
result_end(sohoa_fs_tmp *t, FILE *f, int keep, sohoa_error *err)
{
	if (fclose(f) != 0 && keep) {
		int e = errno;
		sohoa_fs_tmp_abort(t);
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "cannot write %s: %s",
		    t->path, strerror(e));
	}
	if (!keep) {
		sohoa_fs_tmp_abort(t);
		return SOHOA_OK;
	}
	return sohoa_fs_tmp_commit(t, err);
}

/*
 * A PDF whose own text is taken instead of OCR (ocr_mode auto and a text
 * layer on most pages, or ocr_mode skip): each page's text as poppler
 * reads it (NFC), status "pdf-text", no confidence (-1: stored NULL, as
 * no OCR ran; such records are never listed for review), and the page's
 * size at the resolution of its scanned image (estimated like a scan's
 * when absurd), or in points at 72 dpi when it holds no image.  The PDF
 * itself becomes the document PDF (pdf_keep).  No hOCR.
 */
static void
run_text_job(const struct worker_opts *o, const char *dir, const char *orig, sohoa_image *im)
{
	sohoa_pdfin *p = sohoa_image_pdf(im);
	char outp[PATH_MAX], hocrp[PATH_MAX];
	int n = sohoa_pdfin_pages(p), with_text = 0;
	sohoa_error err;
	sohoa_fs_tmp tout;
	FILE *out;

	snprintf(outp, sizeof outp, "%s/ocr.out", dir);
	snprintf(hocrp, sizeof hocrp, "%s/ocr.hocr", dir);
	unlink(hocrp);      /* an earlier attempt's, in another ocr_mode */
	sohoa_error_clear(&err);
	if (!(out = result_open(&tout, outp, &err))) {
		flatten(err.msg);
		say("retry %s\n", err.msg);
		return;
	}
	for (int i = 0; i < n; i++) {
		int w = 0, h = 0, from_image = 0, letters = 0, res;
		double dpi = 0;
		char *text;
		say("progress %d %d\n", i + 1, n);
		sohoa_error_clear(&err);
		/* Not rendered: a page too large to render is no reason to
		 * refuse its text. */
		if (sohoa_pdfin_page_geometry(p, i, &w, &h, &dpi, &from_image, &err) != SOHOA_OK
		    && err.reason != SOHOA_REASON_TOO_LARGE) {
			result_end(&tout, out, 0, NULL);
			flatten(err.msg);
			if (err.status == SOHOA_BAD_INPUT)
				say("bad %s %s\n", sohoa_reason_key(err.reason), err.msg);
			else
				say("retry %s\n", err.msg);
			return;
		}
		if (from_image) {
			PIX *hdr = pixCreateHeader(w, h, 1);
			res = (int)lround(dpi);
			if (hdr) {
				pixSetResolution(hdr, res, res);
				res = sohoa_image_resolution(hdr);
				pixDestroy(&hdr);
			}
		} else {
			w = (int)lround(w * 72.0 / dpi);
			h = (int)lround(h * 72.0 / dpi);
			res = 72;
		}
		text = sohoa_pdfin_page_text(p, i, &letters);
		if (!text) {
			result_end(&tout, out, 0, NULL);
			say("retry out of memory\n");
			return;
		}
		with_text += letters >= SOHOA_PDFIN_MIN_LETTERS;
		fprintf(out, "page %d %d %s %d %d %d %zu %d %.2f\n", i + 1, -1, "pdf-text", w, h, res,
		    strlen(text), 0, 0.0);
		fputs(text, out);
		fputc('\n', out);
		free(text);
	}
	sohoa_ocr_pdf_keep(p, dir, orig);
	sohoa_error_clear(&err);
	if (result_end(&tout, out, 1, &err) != SOHOA_OK) {
		flatten(err.msg);
		say("retry %s\n", err.msg);
		return;
	}
	fprintf(stderr, "sohoa-ocr: %s: not OCRed (ocr_mode %s): the text of %d page(s)"
	    " (%d with text) taken from the PDF's text layer\n", dir,
	    o->ocr_mode ? o->ocr_mode : "auto", n, with_text);
	say("ok %d\n", n);
}

/* The inbox name of part i of a document folder (from its envelope), for
 * messages; "" when unknown. */
static void
part_name(const char *dir, int i, char *buf, size_t size)
{
	char path[PATH_MAX], *text = NULL, *p;
	sohoa_error err;
	size_t n = 0;

	buf[0] = '\0';
	sohoa_error_clear(&err);
	snprintf(path, sizeof path, "%s/envelope", dir);
	if (sohoa_fs_read_file(path, 1 << 20, &text, NULL, &err) != SOHOA_OK)
		return;
	for (p = text; (p = strstr(p, "\npart_hex=")) != NULL && i > 0; i--)
		p++;
	if (p) {
		unsigned v;
		for (p += 10; n + 1 < size && isxdigit((unsigned char)p[2 * n])
		    && isxdigit((unsigned char)p[2 * n + 1]) && sscanf(p + 2 * n, "%2x", &v) == 1; n++)
			buf[n] = (char)v;
		buf[n] = '\0';
	}
	free(text);
}

/* Says why the job cannot be done (the part named when there are several). */
static void
job_failed(const char *dir, int nparts, int part, sohoa_error *err)
{
	char name[256], msg[sizeof err->msg];

	flatten(err->msg);
	if (nparts > 0) {
		part_name(dir, part, name, sizeof name);
		flatten(name);
		snprintf(msg, sizeof msg, "page file %d of %d (%s): %s", part + 1, nparts,
		    name[0] ? name : "?", err->msg);
		snprintf(err->msg, sizeof err->msg, "%s", msg);
	}
	if (err->status == SOHOA_BAD_INPUT)
		say("bad %s %s\n", sohoa_reason_key(err->reason), err->msg);
	else
		say("retry %s\n", err->msg);
}

/*
 * OCRs the scan of the entry at dir, or each file of a document folder
 * (tailieu.h) in turn, as one document: one ocr.out, one hOCR, one PDF, the
 * pages numbered through.  A PDF with its own text layer is taken as it is
 * only when it is the whole document.
 */
static void
run_job(TessBaseAPI *api, TessBaseAPI *osd, ETEXT_DESC *monitor, const struct worker_opts *o,
    const char *dir)
{
	char orig[PATH_MAX], outp[PATH_MAX], hocrp[PATH_MAX];
	char label[PATH_MAX] = "";
	struct job_pdf pdf;
	FILE *hocr;
	sohoa_image_limits lim = { o->max_pixels, o->max_pages };
	sohoa_error err;
	sohoa_image *im = NULL;
	sohoa_fs_tmp tout, thocr;
	FILE *out;
	int nparts = sohoa_tailieu_parts_in(dir), nfiles = nparts ? nparts : 1, total = 0,
	    page = 0;

	sohoa_error_clear(&err);
	snprintf(outp, sizeof outp, "%s/ocr.out", dir);
	/* Every file's pages are counted (headers only) before any is OCRed:
	 * a bad file or too many pages is known at once. */
	for (int f = 0; f < nfiles; f++) {
		sohoa_tailieu_part_path(dir, nparts, f, orig, sizeof orig);
		im = sohoa_image_open(orig, &lim, &err);
		if (!im && err.reason == SOHOA_REASON_NOT_IMAGE && !nparts) {
			/* The archivist sees the name: say what it promised. */
			char *name, hash[SOHOA_HASH_TEXT_MAX];
			size_t len;
			sohoa_ocr_read_envelope_meta(dir, &name, hash, sizeof hash);
			if (name && (len = strlen(name)) > 4 && strcasecmp(name + len - 4, ".pdf") == 0)
				snprintf(err.msg, sizeof err.msg,
				    "the file is named .pdf but its content is not a PDF");
			free(name);
		}
		if (!im) {
			job_failed(dir, nparts, f, &err);
			return;
		}
		total += sohoa_image_pages(im);
		if (o->max_pages > 0 && total > o->max_pages) {
			sohoa_image_free(im);
			sohoa_error_set(&err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
			    "the document has more than %d pages (max_pages)", o->max_pages);
			job_failed(dir, 0, 0, &err);
			return;
		}
		if (nparts)
			sohoa_image_free(im);
	}
	/* A PDF that brings its own text layer is not OCRed again (ocr_mode
	 * auto), and with ocr_mode skip no PDF is: its text is taken as it is. */
	if (!nparts && sohoa_image_pdf(im) && !OCR_MODE_IS(o, "force")
	    && (OCR_MODE_IS(o, "skip") || sohoa_pdfin_has_text_layer(sohoa_image_pdf(im)))) {
		run_text_job(o, dir, orig, im);
		sohoa_image_free(im);
		return;
	}
	snprintf(hocrp, sizeof hocrp, "%s/ocr.hocr", dir);
	/* Without its hOCR the job goes on (hocr NULL). */
	hocr = result_open(&thocr, hocrp, NULL);
	if (hocr)
		fputs(hocr_head, hocr);
	sohoa_error_clear(&err);
	if (!(out = result_open(&tout, outp, &err))) {
		if (hocr)
			result_end(&thocr, hocr, 0, NULL);
		flatten(err.msg);
		say("retry %s\n", err.msg);
		sohoa_image_free(im);
		return;
	}
	sohoa_tailieu_part_path(dir, nparts, 0, orig, sizeof orig);
	sohoa_ocr_pdf_begin(api, dir, orig, &pdf);
	/* The timing lines name the job's entry and file (bench/timing_report.py). */
	if (o->timing) {
		char *name, hash[SOHOA_HASH_TEXT_MAX];
		const char *base = strrchr(dir, '/');
		sohoa_ocr_read_envelope_meta(dir, &name, hash, sizeof hash);
		if (name)
			flatten(name);
		snprintf(label, sizeof label, "entry %s, file %s", base ? base + 1 : dir,
		    name ? name : "?");
		free(name);
	}
	for (int f = 0; f < nfiles; f++) {
		int n;
		if (nparts) {
			sohoa_tailieu_part_path(dir, nparts, f, orig, sizeof orig);
			sohoa_ocr_pdf_source(&pdf, orig);
			im = sohoa_image_open(orig, &lim, &err);
		}
		n = im ? sohoa_image_pages(im) : 0;
		for (int i = 0; im && i < n; i++) {
			PIX *pix;
			double t0;
			say("progress %d %d\n", page + 1, total);
			t0 = now_ms();
			pix = sohoa_image_page(im, i, &err);
			if (!pix) {
				sohoa_image_free(im);
				im = NULL;
				break;
			}
			ocr_page(api, osd, monitor, pix, o, out, hocr, &pdf, ++page, now_ms() - t0,
			    label);
			pixDestroy(&pix);
		}
		if (!im) {
			result_end(&tout, out, 0, NULL);
			if (hocr)
				result_end(&thocr, hocr, 0, NULL);
			sohoa_ocr_pdf_abandon(&pdf, NULL);
			job_failed(dir, nparts, f, &err);
			return;
		}
		sohoa_image_free(im);
		im = NULL;
	}
	/* The PDF is complete before ocr.out says the job is. */
	sohoa_ocr_pdf_finish(&pdf, dir, o->timing);
	if (hocr) {
		fputs(" </body>\n</html>\n", hocr);
		result_end(&thocr, hocr, 1, NULL);
	}
	/* The results need no fsync: after a crash the job is simply redone. */
	sohoa_error_clear(&err);
	if (result_end(&tout, out, 1, &err) != SOHOA_OK) {
		flatten(err.msg);
		say("retry %s\n", err.msg);
		return;
	}
	say("ok %d\n", page);
}

int
sohoa_ocr_worker_main(int argc, char **argv)
{
	struct second_engine mixed = { NULL, 0, "", "" };
	struct worker_opts o = { "vie+eng", "", 250000000LL, 0, 2000, 300, 0, "auto",
		LANG_FALLBACK_CONF, &mixed };
	TessBaseAPI *api, *osd;
	ETEXT_DESC *monitor;
	char *line = NULL, first[64];
	size_t cap = 0;
	ssize_t len;

	for (int i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		if (!strcmp(k, "--languages")) o.languages = v;
		else if (!strcmp(k, "--tessdata")) o.tessdata = v;
		else if (!strcmp(k, "--max-pixels")) o.max_pixels = atoll(v);
		else if (!strcmp(k, "--max-pages")) o.max_pages = atoi(v);
		else if (!strcmp(k, "--page-timeout")) o.page_timeout = atoi(v);
		else if (!strcmp(k, "--memory-mb")) o.memory_mb = atoll(v);
		else if (!strcmp(k, "--ocr-mode")) o.ocr_mode = v;
		else if (!strcmp(k, "--language-fallback")) o.language_fallback = atoi(v);
	}
	o.timing = getenv("SOHOA_OCR_TIMING") != NULL;
	/* Die with the pool: never OCR for a parent that is gone. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		return 1;
	setenv("OMP_THREAD_LIMIT", "1", 1);
#if !defined(__SANITIZE_ADDRESS__)
	if (o.memory_mb > 0) {
		struct rlimit rl = { (rlim_t)o.memory_mb << 20, (rlim_t)o.memory_mb << 20 };
		setrlimit(RLIMIT_AS, &rl);
	}
#endif
	setMsgSeverity(L_SEVERITY_NONE);
	/* The first language reads every page; all of them only the pages it
	 * reads badly (second_reading). */
	if (strchr(o.languages, '+')) {
		snprintf(mixed.langs, sizeof mixed.langs, "%s", o.languages);
		mixed.tessdata = o.tessdata;
	}
	api = TessBaseAPICreate();
	if (!api || TessBaseAPIInit3(api, o.tessdata[0] ? o.tessdata : NULL,
	    first_language(o.languages, first, sizeof first)) != 0) {
		fprintf(stderr, "sohoa-ocr: cannot load Tesseract languages '%s'\n", o.languages);
		if (api)
			TessBaseAPIDelete(api);
		return 3;
	}
	TessBaseAPISetPageSegMode(api, PSM_AUTO);
	TessBaseAPISetVariable(api, "debug_file", "/dev/null");
	sohoa_ocr_choices_enable(api);
	/* Orientation detection needs osd.traineddata; without it pages are
	 * taken as they come (and deskewed). */
	osd = TessBaseAPICreate();
	if (osd && TessBaseAPIInit3(osd, o.tessdata[0] ? o.tessdata : NULL, "osd") == 0) {
		TessBaseAPISetPageSegMode(osd, PSM_OSD_ONLY);
		TessBaseAPISetVariable(osd, "debug_file", "/dev/null");
	} else {
		fprintf(stderr, "sohoa-ocr: no 'osd' data: page orientation is not detected\n");
		if (osd)
			TessBaseAPIDelete(osd);
		osd = NULL;
	}
	monitor = TessMonitorCreate();
	say("ready\n");
	while ((len = getline(&line, &cap, stdin)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (strncmp(line, "job ", 4) == 0)
			run_job(api, osd, monitor, &o, line + 4);
		else if (strcmp(line, "quit") == 0)
			break;
	}
	free(line);
	TessMonitorDelete(monitor);
	if (osd) {
		TessBaseAPIEnd(osd);
		TessBaseAPIDelete(osd);
	}
	if (mixed.api) {
		TessBaseAPIEnd(mixed.api);
		TessBaseAPIDelete(mixed.api);
	}
	TessBaseAPIEnd(api);
	TessBaseAPIDelete(api);
	return 0;
}

sohoa_status
sohoa_ocr_read_results(const char *dir, sohoa_page_result **pages, int *n, char **buf,
    sohoa_error *err)
{
	char path[PATH_MAX], *p, *end;
	size_t len;
	int cap = 0;

	*pages = NULL;
	*n = 0;
	snprintf(path, sizeof path, "%s/ocr.out", dir);
	if (sohoa_fs_read_file(path, (size_t)1 << 30, buf, &len, err) != SOHOA_OK)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "no OCR results");
	p = *buf;
	end = *buf + len;
	while (p < end) {
		sohoa_page_result r;
		char status[16];
		size_t tlen;
		int used = 0;
		memset(&r, 0, sizeof r);
		if (sscanf(p, "page %d %lf %15s %d %d %d %zu %d %f\n%n", &r.page_no, &r.confidence,
		    status, &r.width, &r.height, &r.dpi, &tlen, &r.rotation, &r.skew, &used) != 9
		    || used == 0
		    || tlen > (size_t)(end - p - used)) {
			free(*pages);
			free(*buf);
			*pages = NULL;
			*buf = NULL;
			return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
			    "malformed OCR results in %s", path);
		}
		p += used;
		if (*n == cap) {
			sohoa_page_result *np = realloc(*pages, (size_t)(cap = cap ? cap * 2 : 8)
			    * sizeof *np);
			if (!np) {
				free(*pages);
				free(*buf);
				*pages = NULL;
				*buf = NULL;
				return sohoa_error_oom(err);
			}
			*pages = np;
		}
		r.text = p;
		p[tlen] = '\0';      /* the newline after the text */
		p += tlen + 1;
		/* status lives in the buffer: reuse the space before the text. */
		r.status = !strcmp(status, "ok") ? "ok" : !strcmp(status, "timeout")
		    ? "timeout" : !strcmp(status, "pdf-text") ? "pdf-text"
		    : !strcmp(status, "skipped") ? "skipped" : "failed";
		(*pages)[(*n)++] = r;
	}
	return SOHOA_OK;
}

sohoa_status
sohoa_ocr_check_languages(const char *languages, const char *tessdata, sohoa_error *err)
{
	char langs[256], *lang, *next;
	const char *where = tessdata && *tessdata ? tessdata : NULL;
	TessBaseAPI *api;
	int fd, saved = -1;

	snprintf(langs, sizeof langs, "%s+osd", languages && *languages ? languages : "vie");
	/* Tesseract says on stderr why it cannot open a file; the message
	 * here says it better, once. */
	fflush(stderr);
	if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) >= 0) {
		saved = dup(2);
		dup2(fd, 2);
		close(fd);
	}
	for (lang = langs; lang && err->status == SOHOA_OK; lang = next) {
		if ((next = strchr(lang, '+')))
			*next++ = '\0';
		if (!*lang)
			continue;
		if (!(api = TessBaseAPICreate())) {
			sohoa_error_oom(err);
			break;
		}
		if (TessBaseAPIInit3(api, where, lang) != 0)
			sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "thiếu dữ liệu Tesseract cho ngôn ngữ '%s' (gói tesseract-ocr-%s) trong %s —"
			    " Tesseract has no data for language '%s' (Debian package tesseract-ocr-%s)"
			    " in %s", lang, lang, where ? where : "thư mục mặc định", lang, lang,
			    where ? where : "its default folder");
		TessBaseAPIEnd(api);
		TessBaseAPIDelete(api);
	}
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	return err->status;
}
