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
#include <poll.h>
#include <pthread.h>
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
#include "ocr_pdftext.h"
#include "ocr_choices.h"
#include "ocr_walk.h"
#include "sohoa/clock.h"

struct worker_opts {
	const char *languages, *tessdata;
	long long max_pixels, memory_mb;
	int max_pages, page_timeout;
	int timing;          /* SOHOA_OCR_TIMING set: per-page times to stderr */
	const char *ocr_mode; /* "auto", "force", "skip" (conf.h); NULL: auto */
	int language_fallback; /* conf.h: under it, a page is read with all the languages */
	int spread_max;      /* --spread: the most readers a job may get (the pool's workers) */
	int walk_flags;      /* ocr_walk.h's; SOHOA_OCR_WALK=tesseract: Tesseract's own walks */
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
	/* debug_file is Tesseract's global: the worker's own reader set it. */
	sohoa_ocr_choices_enable(m->api);
	return m->api;
}

/*
 * A reader: what reads pages, one Tesseract instance at a time (the first
 * language's engine, the orientation engine, the engine of all the
 * languages when loaded, and their deadline).  A worker has its own, for
 * its life; a job spread over several readers (see "Spreading") loads the
 * others for the job and frees them after.
 */
struct reader {
	TessBaseAPI *api, *osd;     /* osd: NULL without osd.traineddata */
	ETEXT_DESC *monitor;
	struct second_engine mixed;
};

static void
reader_close(struct reader *r)
{
	if (r->monitor)
		TessMonitorDelete(r->monitor);
	if (r->osd) {
		TessBaseAPIEnd(r->osd);
		TessBaseAPIDelete(r->osd);
	}
	if (r->mixed.api) {
		TessBaseAPIEnd(r->mixed.api);
		TessBaseAPIDelete(r->mixed.api);
	}
	if (r->api) {
		TessBaseAPIEnd(r->api);
		TessBaseAPIDelete(r->api);
	}
	memset(r, 0, sizeof *r);
}

/* Loads a reader for o's languages; 0, or -1.  own: the worker's own
 * reader, loaded before any thread runs: it says on stderr what is
 * missing, and sets Tesseract's debug_file, which is global, not the
 * instance's (a spread job's readers must not write it while others read
 * it). */
static int
reader_open(struct reader *r, const struct worker_opts *o, int own)
{
	int loud = own;

	char first[64];

	memset(r, 0, sizeof *r);
	/* The first language reads every page; all of them only the pages it
	 * reads badly (second_reading). */
	if (strchr(o->languages, '+'))
		snprintf(r->mixed.langs, sizeof r->mixed.langs, "%s", o->languages);
	r->mixed.tessdata = o->tessdata;
	r->api = TessBaseAPICreate();
	if (!r->api || TessBaseAPIInit3(r->api, o->tessdata[0] ? o->tessdata : NULL,
	    first_language(o->languages, first, sizeof first)) != 0) {
		if (loud)
			fprintf(stderr, "sohoa-ocr: cannot load Tesseract languages '%s'\n",
			    o->languages);
		reader_close(r);
		return -1;
	}
	TessBaseAPISetPageSegMode(r->api, PSM_AUTO);
	if (own)
		TessBaseAPISetVariable(r->api, "debug_file", "/dev/null");
	sohoa_ocr_choices_enable(r->api);
	/* Orientation detection needs osd.traineddata; without it pages are
	 * taken as they come (and deskewed). */
	r->osd = TessBaseAPICreate();
	if (r->osd && TessBaseAPIInit3(r->osd, o->tessdata[0] ? o->tessdata : NULL, "osd") == 0) {
		TessBaseAPISetPageSegMode(r->osd, PSM_OSD_ONLY);
		if (own)
			TessBaseAPISetVariable(r->osd, "debug_file", "/dev/null");
	} else {
		if (loud)
			fprintf(stderr, "sohoa-ocr: no 'osd' data: page orientation is not detected\n");
		if (r->osd)
			TessBaseAPIDelete(r->osd);
		r->osd = NULL;
	}
	if (!(r->monitor = TessMonitorCreate())) {
		reader_close(r);
		return -1;
	}
	return 0;
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

/* The words of api's reading (sohoa_ocr_walk_words): those of two letters
 * or more (numbers, one-letter words and stray marks say nothing of the
 * language or the orientation), those of them in the language's
 * dictionary, those of them in a block not upright (text running down or
 * up the page: Tesseract's layout reads the lines of a page turned a
 * quarter as such blocks).  Returns whether it found any word at all. */
static int
reading_words(TessBaseAPI *api, const struct worker_opts *o, int *words, int *known,
    int *sideways)
{
	return sohoa_ocr_walk_words(api, o->walk_flags, words, known, sideways);
}

static int
first_reading_doubtful(TessBaseAPI *api, const struct worker_opts *o, int conf)
{
	int words, known;

	if (o->language_fallback <= 0 || !reading_words(api, o, &words, &known, NULL))
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
second_reading(TessBaseAPI *api, ETEXT_DESC *monitor, struct second_engine *mixed, PIX *in,
    int dpi, const struct worker_opts *o, int page_no, double t1, int *conf)
{
	TessBaseAPI *alt;
	double left;
	int c2 = -1, keep;

	if (!mixed->langs[0] || !first_reading_doubtful(api, o, *conf)
	    || !(alt = mixed_api(mixed)))
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
		    " %s kept\n", page_no, mixed->langs, *conf,
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

/*
 * One page of a job, read by one reader (see "Spreading" below): what
 * page_read finds, kept until page_emit's turn writes it out.
 */
struct page_work {
	int page_no;
	PIX *orig;                  /* the page as decoded */
	double decode_ms;
	char source[PATH_MAX];      /* "" or the file this page begins (a document folder) */
	/* page_read's results */
	struct prep_times pt;
	PIX *pix, *in;              /* upright and straight; what Tesseract read */
	TessBaseAPI *api;           /* the engine holding the page's results */
	int dpi, conf, rot;
	float skew;
	const char *status;
	char *text;                 /* Tesseract's (malloc'd) */
	utf8proc_uint8_t *nfc;
	char *hocr;                 /* Tesseract's */
	double t0, t1, t2;
};

/*
 * Whether the reading of a page that Leptonica's orientation tests left
 * undecided (PREP_LOOK_UNSURE, read as it came) shows it upright, so that
 * Tesseract's OSD (about 300 ms on such a page, as much as reading it) is
 * not needed: a confident reading of enough words, most of them in the
 * language's dictionary, and none of them in a block Tesseract's layout
 * found running down or up the page.  Such pages are mostly a document's
 * last page (a few lines and the signature): read upright they give
 * confidence 85-95 with 75-100 % of their words known; upside down, a
 * confidence under 60.  Turned a quarter, Tesseract reads the lines as
 * vertical text, fairly well (confidence 88, 34 of 42 words known on
 * make eval's rot270 set) but worse than upright and with the page left
 * sideways: the block orientation tells.  UPRIGHT_MIN_WORDS: fewer words
 * prove nothing either way, and OSD decides.
 */
#define UPRIGHT_MIN_CONF 75
#define UPRIGHT_MIN_WORDS 8
#define UPRIGHT_DICT_SHARE 60

static int
reading_upright(TessBaseAPI *api, const struct worker_opts *o, int page_no, int conf)
{
	int words = 0, known = 0, sideways = 0, upright;

	reading_words(api, o, &words, &known, &sideways);
	upright = conf >= UPRIGHT_MIN_CONF && words >= UPRIGHT_MIN_WORDS && sideways == 0
	    && known * 100 >= words * UPRIGHT_DICT_SHARE;
	if (o->timing)
		fprintf(stderr, "sohoa-ocr: page %d: orientation open; read as it came: confidence"
		    " %d, %d of %d words known, %d sideways: %s\n", page_no, conf, known, words,
		    sideways, upright ? "upright" : "asking OSD");
	return upright;
}

/* Recognises pw->in with api, within what is left of the page's time (from
 * pw->t1); 0, or -1 when it ran out. */
static int
recognise(TessBaseAPI *api, ETEXT_DESC *monitor, const struct worker_opts *o,
    struct page_work *pw)
{
	double left = o->page_timeout * 1000.0 - (now_ms() - pw->t1);

	TessBaseAPISetImage2(api, pw->in);
	TessBaseAPISetSourceResolution(api, pw->dpi);
	TessMonitorSetDeadlineMSecs(monitor, left > 1 ? (int)left : 1);
	return TessBaseAPIRecognize(api, monitor) == 0 ? 0 : -1;
}

/*
 * Prepares and recognises the page in pw with the reader r.  Orientation:
 * a page Leptonica's quick tests leave undecided is read as it came first,
 * and only when that reading is poor (reading_upright) does OSD decide; if
 * OSD turns it, it is prepared and read again.
 */
static void
page_read(struct reader *r, const struct worker_opts *o, int want_hocr, struct page_work *pw)
{
	TessBaseAPI *api = r->api;
	int looks = PREP_LOOK_SPECKLED, rc;

	pw->pt = (struct prep_times){ pw->decode_ms, 0, 0, 0, 0 };
	pw->dpi = sohoa_image_resolution(pw->orig);
	pw->conf = -1;
	pw->rot = 0;
	pw->skew = 0;
	pw->status = "ok";
	pw->t0 = now_ms();
	pw->pix = sohoa_ocr_straighten(r->osd, pw->orig, pw->dpi, !OCR_MODE_IS(o, "skip"),
	    &pw->rot, &pw->skew, &looks, &pw->pt);
	pw->in = sohoa_ocr_prepare(pw->pix, pw->dpi, looks, &pw->pt);   /* what Tesseract reads */
	pw->t1 = now_ms();
	/* ocr_mode = skip: no text; the PDF gets the page image alone. */
	if (OCR_MODE_IS(o, "skip")) {
		pw->status = "skipped";
		pw->t2 = now_ms();
		pw->api = api;
		return;
	}
	rc = recognise(api, r->monitor, o, pw);
	if (rc == 0 && (looks & PREP_LOOK_UNSURE) && r->osd
	    && !reading_upright(api, o, pw->page_no, TessBaseAPIMeanTextConf(api))) {
		int rot = 0, looks2 = PREP_LOOK_SPECKLED;
		float skew = 0;
		PIX *pix = sohoa_ocr_straighten(r->osd, pw->orig, pw->dpi, 0, &rot, &skew, &looks2,
		    &pw->pt);
		if (pix && rot != 0) {
			TessBaseAPIClear(api);
			pixDestroy(&pw->in);
			pixDestroy(&pw->pix);
			pw->pix = pix;
			pw->rot = rot;
			pw->skew = skew;
			pw->in = sohoa_ocr_prepare(pw->pix, pw->dpi, looks2, &pw->pt);
			rc = pw->in ? recognise(api, r->monitor, o, pw) : -1;
		} else {
			pixDestroy(&pix);
		}
	}
	if (rc != 0) {
		pw->status = "timeout";
	} else {
		const char *why = NULL;
		pw->conf = TessBaseAPIMeanTextConf(api);
		api = second_reading(api, r->monitor, &r->mixed, pw->in, pw->dpi, o, pw->page_no,
		    pw->t1, &pw->conf);
		/* The text, and the hOCR with every word's box and confidence
		 * (x_wconf) and the LSTM's other choices for a doubted word
		 * (ocr_choices.h), from one walk of the results (ocr_walk.h);
		 * malloc'd. */
		if (sohoa_ocr_walk_page(api, pw->page_no - 1, o->walk_flags, &pw->text,
		    want_hocr ? &pw->hocr : NULL, &why) != 0 && o->timing)
			fprintf(stderr, "sohoa-ocr: page %d: text and hOCR by Tesseract's own walks:"
			    " %s\n", pw->page_no, why);
		if (pw->text)
			pw->nfc = utf8proc_NFC((const utf8proc_uint8_t *)pw->text);
		if (!pw->nfc)
			pw->status = "failed";
		if (want_hocr && !pw->hocr) {
			char *h = TessBaseAPIGetHOCRText(api, pw->page_no - 1);
			pw->hocr = h ? strdup(h) : NULL;
			if (h)
				TessDeleteText(h);
		}
	}
	pw->t2 = now_ms();
	pw->api = api;
}

/* SOHOA_PDF_TEXT=renderer:N (a test hook, like =renderer for every page in
 * ocr_pdftext.h): page N of each document keeps the renderer's own text
 * layer, so that a document mixes both. */
static int
forced_renderer_page(int page_no)
{
	const char *force = getenv("SOHOA_PDF_TEXT");
	int n;

	return force && sscanf(force, "renderer:%d", &n) == 1 && n == page_no;
}

/* Writes the page read by page_read to the job's ocr.out, hOCR and PDF, and
 * lets the page go.  Pages are written in order (the caller's turn). */
static void
page_emit(ETEXT_DESC *monitor, const struct worker_opts *o, FILE *out, FILE *hocr,
    struct job_pdf *pdf, const char *label, struct page_work *pw)
{
	TessBaseAPI *api = pw->api;
	double pdf_ms = pdf->ms, t0;
	int ok = strcmp(pw->status, "ok") == 0, ppi = 0;
	const char *why = NULL;
	char *text = NULL;
	size_t text_len = 0;

	if (pw->source[0])
		sohoa_ocr_pdf_source(pdf, pw->source);
	if (hocr && pw->hocr)
		fputs(pw->hocr, hocr);
	t0 = now_ms();
	/* The page's text layer in one pass over the results (ocr_pdftext.h)
	 * rather than by the renderer's walk (30 ms a page); a page it cannot
	 * do exactly is left to the renderer. */
	if (pdf->renderer && ok) {
		ppi = TessBaseAPIGetSourceYResolution(api);
		if (forced_renderer_page(pw->page_no))
			why = "SOHOA_PDF_TEXT=renderer:<page>";
		else
			text = sohoa_ocr_pdftext(api, &text_len, &why);
		if (!text) {
			pdf->text_by_renderer++;
			if (o->timing)
				fprintf(stderr, "sohoa-ocr: page %d: text layer by Tesseract's renderer: %s\n",
				    pw->page_no, why);
		}
	}
	pdf->ms += now_ms() - t0;
	/* Not PDF time, as before for a timed-out page: emptying the engine
	 * is mostly freeing the page's results (2.4 ms a page on the bench's
	 * realistic set), which page_done's TessBaseAPIClear did otherwise
	 * (2.5 ms), untimed too. */
	if (pdf->renderer && (!ok || text)) {
		/* The catalog keeps no text for a page that ran out of time, and
		 * neither does the PDF: its page gets the image alone; a page
		 * whose text layer is in text gets it from pdfa.c.  Reading a
		 * 1x1 rectangle gives Tesseract an empty page of results, so
		 * the renderer writes the image alone.  A page read to the end
		 * still has its image in the engine (second_reading keeps the
		 * engine that read it): setting it again would copy it (a
		 * colour page is 35 MB). */
		if (!ok)
			TessBaseAPISetImage2(api, pw->in);
		TessBaseAPISetSourceResolution(api, pw->dpi);
		TessBaseAPISetRectangle(api, 0, 0, 1, 1);
		TessMonitorSetDeadlineMSecs(monitor, o->page_timeout * 1000);
		if (TessBaseAPIRecognize(api, monitor) != 0)
			sohoa_ocr_pdf_abandon(pdf, "a page without text cannot be added");
		/* The text's coordinates are for the resolution it was made at,
		 * which the renderer's page size must share. */
		else if (text && TessBaseAPIGetSourceYResolution(api) != ppi)
			sohoa_ocr_pdf_abandon(pdf, "a page's resolution changed");
	}
	sohoa_ocr_pdf_add_page(api, pdf, pw->rot, pw->skew, pw->pix, pw->in != pw->pix, text,
	    text_len);
	if (o->timing)
		fprintf(stderr, "sohoa-ocr: timing page %d: prep %.0f ms, ocr %.0f ms, pdf %.0f ms;"
		    " decode %.0f ms, orient %.0f ms, deskew %.0f ms, speckle %.0f ms, seal %.0f ms;"
		    " %dx%d %d bpp %d dpi, turned %d, skew %.2f; %s\n",
		    pw->page_no, pw->t1 - pw->t0, pw->t2 - pw->t1, pdf->ms - pdf_ms, pw->pt.decode,
		    pw->pt.orient, pw->pt.deskew, pw->pt.speckle, pw->pt.seal,
		    (int)pixGetWidth(pw->orig), (int)pixGetHeight(pw->orig),
		    (int)pixGetDepth(pw->orig), pw->dpi, pw->rot, pw->skew, label);
	fprintf(out, "page %d %d %s %d %d %d %zu %d %.2f\n", pw->page_no,
	    strcmp(pw->status, "ok") ? -1 : pw->conf, pw->status, (int)pixGetWidth(pw->orig),
	    (int)pixGetHeight(pw->orig), pw->dpi, pw->nfc ? strlen((char *)pw->nfc) : 0, pw->rot,
	    pw->skew);
	if (pw->nfc)
		fputs((char *)pw->nfc, out);
	fputc('\n', out);
}

/* Frees what page_read kept of the page and clears its engine. */
static void
page_done(struct page_work *pw)
{
	free(pw->nfc);
	free(pw->text);
	free(pw->hocr);
	if (pw->api)
		TessBaseAPIClear(pw->api);
	pixDestroy(&pw->in);
	pixDestroy(&pw->pix);
	pixDestroy(&pw->orig);
	memset(pw, 0, sizeof *pw);
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
 * The pool's lines, read from fd 0 without stdio, so that a job can look
 * for a line ("width N") without blocking and without a buffer that poll()
 * cannot see.  Returns 1 with a line in *line (valid until the next call),
 * 0 when wait is 0 and no whole line is there, -1 at the end.
 */
static struct {
	char buf[8192];
	size_t len, used;           /* used: the line handed out last */
} pool_in;

static int
pool_line(char **line, int wait)
{
	for (;;) {
		char *nl;
		ssize_t n;
		if (pool_in.used) {
			memmove(pool_in.buf, pool_in.buf + pool_in.used, pool_in.len - pool_in.used);
			pool_in.len -= pool_in.used;
			pool_in.used = 0;
		}
		if ((nl = memchr(pool_in.buf, '\n', pool_in.len)) != NULL) {
			*nl = '\0';
			pool_in.used = (size_t)(nl - pool_in.buf) + 1;
			*line = pool_in.buf;
			return 1;
		}
		if (pool_in.len == sizeof pool_in.buf)
			pool_in.len = 0;        /* an absurd line: dropped */
		if (!wait) {
			struct pollfd p = { 0, POLLIN, 0 };
			if (poll(&p, 1, 0) <= 0)
				return 0;
		}
		n = read(0, pool_in.buf + pool_in.len, sizeof pool_in.buf - pool_in.len);
		if (n > 0)
			pool_in.len += (size_t)n;
		else if (n < 0 && errno == EINTR)
			continue;
		else
			return -1;
	}
}

/*
 * Spreading.  The pool may give a job of several pages a width w > 1
 * (ocr.h: "spread <w> <dir>"): w - 1 of its workers are idle and stay
 * reserved for this job, so the worker reads w pages at once, each with a
 * reader of its own in a thread of its own (reader 0 is the worker's, in
 * its main thread; the others are loaded for the job), and the machine
 * still runs no more Tesseract instances than the pool has workers.
 *
 * Invariants:
 *   1. One document is one job with one answer: the threads share one
 *      ocr.out, one hOCR and one PDF, written by page_emit in page order
 *      (a page waits for its turn), so the files are the ones a single
 *      reader writes; the answer is said once, by the main thread, after
 *      every other thread has ended.
 *   2. Pages are taken and decoded one at a time under `take` (the image
 *      decoders and stdout are not shared between threads otherwise);
 *      every page taken is written, so no turn waits for a page that no
 *      thread holds.
 *   3. A thread that ends before the job (no page left for it, the pool
 *      asked for fewer, its reader could not be loaded) says "width N",
 *      N the threads left, and the pool gives back a reserved worker.
 *   4. Limits hold per page: each page has the page deadline; the
 *      worker's memory limit is memory_mb per reader while the job runs.
 */
struct spread {
	const struct worker_opts *o;
	const char *dir;
	int nparts, nfiles, total;
	sohoa_image_limits lim;
	FILE *out, *hocr;
	struct job_pdf *pdf;
	const char *label;
	double t0;                  /* the job's start (CLOCK_MONOTONIC), for the timing lines */
	pthread_mutex_t take;       /* the fields below up to `emit` */
	sohoa_image *im;            /* file f, open, pages i.. not taken yet */
	int f, i, n, page;          /* page: pages taken */
	char source[PATH_MAX];      /* the file the next page taken begins, or "" */
	int failed, fail_part;
	sohoa_error err;
	int want;                   /* readers the pool lets the job have */
	int alive;                  /* threads not ended */
	int readers;                /* threads that read a page */
	pthread_mutex_t emit;
	pthread_cond_t turn;
	int next;                   /* the page to write next */
};

/* Takes the next page for the thread idx; 0 when there is none for it. */
static int
take_page(struct spread *sp, int idx, struct page_work *pw)
{
	char *line;
	int got = 0;

	memset(pw, 0, sizeof *pw);
	pthread_mutex_lock(&sp->take);
	/* The pool may ask for fewer readers (another job is waiting). */
	while (pool_line(&line, 0) > 0) {
		int w;
		if (sscanf(line, "width %d", &w) == 1)
			sp->want = w < 1 ? 1 : w < sp->want ? w : sp->want;
	}
	while (!sp->failed && idx < sp->want) {
		char orig[PATH_MAX];
		double t0;
		if (!sp->im) {
			if (sp->f >= sp->nfiles)
				break;
			sohoa_tailieu_part_path(sp->dir, sp->nparts, sp->f, orig, sizeof orig);
			sp->im = sohoa_image_open(orig, &sp->lim, &sp->err);
			if (!sp->im) {
				sp->failed = 1;
				sp->fail_part = sp->f;
				break;
			}
			if (sp->nparts)
				snprintf(sp->source, sizeof sp->source, "%s", orig);
			sp->n = sohoa_image_pages(sp->im);
			sp->i = 0;
		}
		if (sp->i >= sp->n) {
			sohoa_image_free(sp->im);
			sp->im = NULL;
			sp->f++;
			continue;
		}
		say("progress %d %d\n", sp->page + 1, sp->total);
		t0 = now_ms();
		pw->orig = sohoa_image_page(sp->im, sp->i++, &sp->err);
		if (!pw->orig) {
			sp->failed = 1;
			sp->fail_part = sp->f;
			break;
		}
		pw->decode_ms = now_ms() - t0;
		pw->page_no = ++sp->page;
		snprintf(pw->source, sizeof pw->source, "%s", sp->source);
		sp->source[0] = '\0';
		got = 1;
		break;
	}
	pthread_mutex_unlock(&sp->take);
	return got;
}

/* Reads pages with r until there is none left for the thread idx. */
static void
read_pages(struct spread *sp, struct reader *r, int idx)
{
	struct page_work pw;
	int any = 0;

	while (take_page(sp, idx, &pw)) {
		double t0 = sohoa_mono_s() - sp->t0;
		page_read(r, sp->o, sp->hocr != NULL, &pw);
		if (sp->o->timing && sp->want > 1)
			fprintf(stderr, "sohoa-ocr: spread page %d: reader %d, read from %.3f s to"
			    " %.3f s\n", pw.page_no, idx, t0, sohoa_mono_s() - sp->t0);
		pthread_mutex_lock(&sp->emit);
		while (sp->next != pw.page_no)
			pthread_cond_wait(&sp->turn, &sp->emit);
		page_emit(r->monitor, sp->o, sp->out, sp->hocr, sp->pdf, sp->label, &pw);
		sp->next++;
		pthread_cond_broadcast(&sp->turn);
		pthread_mutex_unlock(&sp->emit);
		page_done(&pw);
		any = 1;
	}
	pthread_mutex_lock(&sp->take);
	sp->readers += any;
	pthread_mutex_unlock(&sp->take);
}

struct helper {
	struct spread *sp;
	int idx;
	pthread_t thread;
	int started;
};

static void *
helper_main(void *arg)
{
	struct helper *h = arg;
	struct spread *sp = h->sp;
	struct reader r;

	if (reader_open(&r, sp->o, 0) == 0) {
		read_pages(sp, &r, h->idx);
		reader_close(&r);
	}
	/* Invariant 3: the instance is gone; the pool may lend its worker. */
	pthread_mutex_lock(&sp->take);
	sp->alive--;
	say("width %d\n", sp->alive);
	pthread_mutex_unlock(&sp->take);
	return NULL;
}

/* The worker's address space in MiB (/proc/self/statm), or -1. */
static long long
address_space_mb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long long pages = 0;
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%llu", &pages) == 1;
	fclose(f);
	return ok ? (long long)(pages * (unsigned long long)sysconf(_SC_PAGESIZE) >> 20) : -1;
}

/* The memory limit of the worker's readers: mb, or none under ASan (whose
 * shadow memory needs terabytes of address space). */
static void
memory_limit(long long mb, long long hard_mb)
{
#if !defined(__SANITIZE_ADDRESS__)
	if (mb > 0) {
		struct rlimit rl = { (rlim_t)(mb < hard_mb ? mb : hard_mb) << 20,
			(rlim_t)hard_mb << 20 };
		setrlimit(RLIMIT_AS, &rl);
	}
#else
	(void)mb;
	(void)hard_mb;
#endif
}

/* A job's extra readers beyond the spread_max ones may need: what glibc
 * keeps mapped for a thread that ended (its arena, a cached stack). */
#define SPREAD_SLACK_MB 256

static long long
memory_hard_mb(const struct worker_opts *o)
{
	return o->spread_max > 1 ? o->memory_mb * o->spread_max + SPREAD_SLACK_MB : o->memory_mb;
}

/*
 * Reads the pages of the job in sp with r and width - 1 helper threads.
 * Returns 0, or -1 when a file or a page cannot be decoded (sp->err,
 * sp->fail_part).  *readers gets the threads that read a page.
 */
static int
spread_pages(struct spread *sp, struct reader *r, int width, int *readers)
{
	struct helper h[64];
	long long before = -1, after;
	int nh = 0;

	if (width > (int)(sizeof h / sizeof h[0]))
		width = (int)(sizeof h / sizeof h[0]);
	sp->want = sp->alive = width;
	sp->next = 1;
	sp->t0 = sohoa_mono_s();
	pthread_mutex_init(&sp->take, NULL);
	pthread_mutex_init(&sp->emit, NULL);
	pthread_cond_init(&sp->turn, NULL);
	if (width > 1 && sp->o->memory_mb > 0) {
		before = address_space_mb();
		memory_limit(sp->o->memory_mb * width, memory_hard_mb(sp->o));
	}
	for (int k = 1; k < width; k++) {
		h[nh].sp = sp;
		h[nh].idx = k;
		if (pthread_create(&h[nh].thread, NULL, helper_main, &h[nh]) == 0) {
			nh++;
			continue;
		}
		pthread_mutex_lock(&sp->take);
		sp->alive--;
		say("width %d\n", sp->alive);
		pthread_mutex_unlock(&sp->take);
	}
	read_pages(sp, r, 0);
	for (int k = 0; k < nh; k++)
		pthread_join(h[k].thread, NULL);
	/* Back to memory_mb for one reader, with room for what the ended
	 * threads left mapped (glibc keeps their arenas). */
	if (before >= 0) {
		after = address_space_mb();
		memory_limit(sp->o->memory_mb + (after > before ? after - before : 0),
		    memory_hard_mb(sp->o));
	}
	if (sp->im)
		sohoa_image_free(sp->im);
	sp->im = NULL;
	pthread_cond_destroy(&sp->turn);
	pthread_mutex_destroy(&sp->emit);
	pthread_mutex_destroy(&sp->take);
	*readers = sp->readers;
	return sp->failed ? -1 : 0;
}

/*
 * OCRs the scan of the entry at dir, or each file of a document folder
 * (tailieu.h) in turn, as one document: one ocr.out, one hOCR, one PDF, the
 * pages numbered through.  A PDF with its own text layer is taken as it is
 * only when it is the whole document.  width: the readers the pool lets
 * the job have (see "Spreading").
 */
static void
run_job(struct reader *r, const struct worker_opts *o, const char *dir, int width)
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
	struct spread sp;
	int nparts = sohoa_tailieu_parts_in(dir), nfiles = nparts ? nparts : 1, total = 0,
	    page = 0, readers = 0;

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
		if (nparts) {
			sohoa_image_free(im);
			im = NULL;
		}
	}
	/* A PDF that brings its own text layer is not OCRed again (ocr_mode
	 * auto), and with ocr_mode skip no PDF is: its text is taken as it is. */
	if (!nparts && sohoa_image_pdf(im) && !OCR_MODE_IS(o, "force")
	    && (OCR_MODE_IS(o, "skip") || sohoa_pdfin_has_text_layer(sohoa_image_pdf(im)))) {
		if (width > 1)
			say("width 1\n");  /* no reader needed: the workers go back */
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
	sohoa_ocr_pdf_begin(r->api, dir, orig, &pdf);
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
	/* A job of fewer pages than readers gives the others back at once. */
	if (width > total) {
		width = total > 0 ? total : 1;
		say("width %d\n", width);
	}
	memset(&sp, 0, sizeof sp);
	sp.o = o;
	sp.dir = dir;
	sp.nparts = nparts;
	sp.nfiles = nfiles;
	sp.total = total;
	sp.lim = lim;
	sp.out = out;
	sp.hocr = hocr;
	sp.pdf = &pdf;
	sp.label = label;
	sohoa_error_clear(&sp.err);
	if (!nparts) {              /* the one file, open since its pages were counted */
		sp.im = im;
		sp.n = sohoa_image_pages(im);
		im = NULL;
	}
	if (spread_pages(&sp, r, width, &readers) != 0) {
		result_end(&tout, out, 0, NULL);
		if (hocr)
			result_end(&thocr, hocr, 0, NULL);
		sohoa_ocr_pdf_abandon(&pdf, NULL);
		job_failed(dir, nparts, sp.fail_part, &sp.err);
		return;
	}
	page = sp.page;
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
	say("ok %d %d\n", page, readers);
}

int
sohoa_ocr_worker_main(int argc, char **argv)
{
	struct worker_opts o = { "vie+eng", "", 250000000LL, 0, 2000, 300, 0, "auto",
		LANG_FALLBACK_CONF, 1, 0 };
	struct reader r;
	const char *walk;
	char *line;

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
		else if (!strcmp(k, "--spread")) o.spread_max = atoi(v) > 1 ? atoi(v) : 1;
	}
	o.timing = getenv("SOHOA_OCR_TIMING") != NULL;
	/* A test hook, and a way out should the linear walk ever be wrong. */
	if ((walk = getenv("SOHOA_OCR_WALK")) != NULL && strcmp(walk, "tesseract") == 0)
		o.walk_flags |= SOHOA_OCR_WALK_TESSERACT;
	(void)now_ms();             /* reads its clock's setting before any thread runs */
	/* Die with the pool: never OCR for a parent that is gone. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		return 1;
	setenv("OMP_THREAD_LIMIT", "1", 1);
	/* memory_mb per reader: a spread job raises the soft limit (see
	 * "Spreading"), up to the hard one. */
	memory_limit(o.memory_mb, memory_hard_mb(&o));
	setMsgSeverity(L_SEVERITY_NONE);
	sohoa_ocr_page_heap();
	if (reader_open(&r, &o, 1) != 0)
		return 3;
	say("ready\n");
	while (pool_line(&line, 1) > 0) {
		int w = 0, at = 0;
		if (strncmp(line, "job ", 4) == 0)
			run_job(&r, &o, line + 4, 1);
		else if (sscanf(line, "spread %d %n", &w, &at) == 1 && at > 0)
			run_job(&r, &o, line + at, w < 1 ? 1 : w > o.spread_max ? o.spread_max : w);
		else if (strcmp(line, "quit") == 0)
			break;
	}
	reader_close(&r);
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
