/*
 * ocr_pdftext.cc - the text layer of a page of the document PDF, made in
 * one left-to-right pass over Tesseract's results (ocr_pdftext.h).
 *
 * Tesseract's PDF renderer walks the page with the reading-order
 * ResultIterator, whose every step to the next word recomputes the order
 * of the text line from its first word (CalculateTextlineOrder and
 * LTRWordIndex restart the row): quadratic in the words of a line, 30 ms a
 * page.  For text written left to right the reading order is the
 * left-to-right order, so the same walk over a LTRResultIterator copied
 * from it (the plain PageIterator steps, constant time each) visits the
 * same words, symbols, lines and blocks in the same order and, asked the
 * same questions, gets the same answers; the text written from them is
 * then the renderer's, number for number (the renderer's arithmetic and
 * formatting, reproduced below: coordinates rounded to 1/1000 and printed
 * with 8 significant digits in the C locale, as its stream does).  Where
 * the orders could differ (ocr_pdftext.h, invariant 2) the page is left to
 * the renderer.
 *
 * C++ because the C API has no LTRResultIterator.  Only plain arrays and
 * the C string buffer (sbuf.h) here: no libstdc++ container is instantiated
 * (the library exports only sohoa_ symbols), and no exception gets out.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <leptonica/allheaders.h>
#include <tesseract/baseapi.h>
#include <tesseract/ltrresultiterator.h>
#include <tesseract/resultiterator.h>
#include <utf8proc.h>

#include "ocr_pdftext.h"
#include "sbuf.h"

using tesseract::LTRResultIterator;
using tesseract::ResultIterator;

/* The renderer's nominal glyph width: a 10 pt font is 5 pt wide. */
static const int kCharWidth = 2;
/* The size of a word whose font size Tesseract does not know. */
static const int kDefaultFontSize = 8;

/* Rounded to 1/1000, negative zero made zero (as the renderer's prec()). */
static double
round3(double x)
{
	double a = round(x * 1000.0) / 1000.0;
	return a == 0 ? 0.0 : a;
}

/* A double as the renderer's stream prints it: precision 8, neither
 * fixed nor scientific (%g), C locale. */
static void
put_num(struct sbuf *b, double v)
{
	char buf[40];
	int n = snprintf(buf, sizeof buf, "%.8g", v);
	/* %g obeys LC_NUMERIC; the worker never sets it, but a comma would
	 * break the PDF, so it is put right. */
	for (int i = 0; i < n; i++)
		if (buf[i] == ',')
			buf[i] = '.';
	sb_add(b, buf, (size_t)n);
}

static long
dist2(int x1, int y1, int x2, int y2)
{
	return (x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1);
}

/* A line's baseline, flattened when it tilts by less than 2/72 inch over
 * more than 2/72 (the renderer's ClipBaseline, for PDF viewers). */
static void
clip_baseline(int ppi, int x1, int y1, int x2, int y2, int line[4])
{
	int rise = abs(y2 - y1) * 72, run = abs(x2 - x1) * 72;

	line[0] = x1;
	line[1] = y1;
	line[2] = x2;
	line[3] = y2;
	if (rise < 2 * ppi && 2 * ppi < run)
		line[1] = line[3] = (y1 + y2) / 2;
}

/* The word's origin projected on its line's baseline, and its length, in
 * PDF points (the renderer's GetWordBaseline: ppi and height are ints
 * there, the height truncated).  Left to right only: the renderer swaps
 * the ends of a word written right to left. */
static void
word_baseline(int ppi, int height, int wx1, int wy1, int wx2, int wy2, const int line[4],
    double *x0, double *y0, double *length)
{
	double x, y, l2;

	l2 = (double)dist2(line[0], line[1], line[2], line[3]);
	if (l2 == 0) {
		x = line[0];
		y = line[1];
	} else {
		double t = ((wx1 - line[2]) * (line[2] - line[0])
		    + (wy1 - line[3]) * (line[3] - line[1])) / l2;
		x = line[2] + t * (line[2] - line[0]);
		y = line[3] + t * (line[3] - line[1]);
	}
	*length = sqrt((double)dist2(wx1, wy1, wx2, wy2)) * 72.0 / ppi;
	*x0 = x * 72 / ppi;
	*y0 = height - (y * 72.0 / ppi);
}

/* Appends 16 bits as 4 upper-case hex digits (the renderer's "%04X"). */
static void
put_hex4(struct sbuf *b, unsigned long v)
{
	static const char hex[] = "0123456789ABCDEF";
	char h[4] = { hex[v >> 12 & 15], hex[v >> 8 & 15], hex[v >> 4 & 15], hex[v & 15] };
	sb_add(b, h, 4);
}

/* Appends the code point as the renderer does (a surrogate pair above
 * U+FFFF); c is a Unicode scalar value (utf8proc checked it). */
static void
put_utf16(struct sbuf *b, unsigned long code)
{
	if (code < 0x10000) {
		put_hex4(b, code);
	} else {
		unsigned long a = code - 0x10000;
		put_hex4(b, (0x3FF & (a >> 10)) + 0xD800);
		put_hex4(b, (0x3FF & a) + 0xDC00);
	}
}

/* Appends the UTF-16BE hex of a symbol's UTF-8 text, counting its code
 * points in *n; -1 for text that is not well-formed UTF-8 (Tesseract's
 * decoder treats such text its own way: the page goes to the renderer). */
static int
put_symbol(struct sbuf *b, const char *s, int *n)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t k;

	for (const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	    (k = utf8proc_iterate(p, -1, &c)) > 0 && c != 0; p += k) {
		put_utf16(b, (unsigned long)c);
		(*n)++;
	}
	return k < 0 ? -1 : 0;
}

/*
 * The walk itself: GetPDFTextObjects' loop, step for step, on the
 * left-to-right iterator.  Returns 0, or -1 with *why set.
 */
static int
walk(LTRResultIterator *it, int ppi, double height, struct sbuf *out, const char **why)
{
	using namespace tesseract;
	double old_x = 0, old_y = 0, a = 1, b = 0, c = 0, d = 1;
	int old_fontsize = 0, fontsize = 0, new_block = 1, line[4] = { 0, 0, 0, 0 };
	WritingDirection old_dir = WRITING_DIRECTION_LEFT_TO_RIGHT;
	struct sbuf word = { NULL, 0, 0, 0 };

	while (!it->Empty(RIL_BLOCK)) {
		if (it->IsAtBeginningOf(RIL_BLOCK)) {
			/* Blocks that are not text (lines, pictures) are skipped. */
			if (!PTIsTextType(it->BlockType())) {
				it->Next(RIL_BLOCK);
				continue;
			}
			sb_str(out, "BT\n3 Tr");
			old_fontsize = 0;
			new_block = 1;
		}
		if (it->IsAtBeginningOf(RIL_TEXTLINE)) {
			int x1, y1, x2, y2;
			it->Baseline(RIL_TEXTLINE, &x1, &y1, &x2, &y2);
			clip_baseline(ppi, x1, y1, x2, y2, line);
		}
		if (it->Empty(RIL_WORD)) {
			it->Next(RIL_WORD);
			continue;
		}

		WritingDirection dir;
		Orientation orientation;
		TextlineOrder order;
		float deskew;
		it->Orientation(&orientation, &dir, &order, &deskew);
		if (dir != WRITING_DIRECTION_LEFT_TO_RIGHT || order != TEXTLINE_ORDER_TOP_TO_BOTTOM) {
			*why = "a block not written left to right, top to bottom";
			return -1;
		}
		switch (it->WordDirection()) {
		case DIR_LEFT_TO_RIGHT:
			dir = WRITING_DIRECTION_LEFT_TO_RIGHT;
			break;
		case DIR_NEUTRAL:
			dir = old_dir;
			break;
		default:        /* right to left, or mixed: another reading order */
			*why = "a word written right to left, or mixed";
			return -1;
		}

		double x, y, length;
		{
			int x1, y1, x2, y2;
			it->Baseline(RIL_WORD, &x1, &y1, &x2, &y2);
			word_baseline(ppi, (int)height, x1, y1, x2, y2, line, &x, &y, &length);
		}
		if (dir != old_dir || new_block) {
			double theta = atan2((double)(line[1] - line[3]), (double)(line[2] - line[0]));
			a = cos(theta);
			b = sin(theta);
			c = -sin(theta);
			d = cos(theta);
			const double m[6] = { a, b, c, d, x, y };
			for (int i = 0; i < 6; i++) {
				sb_str(out, " ");
				put_num(out, round3(m[i]));
			}
			sb_str(out, " Tm ");
			new_block = 0;
		} else {
			double dx = x - old_x, dy = y - old_y;
			sb_str(out, " ");
			put_num(out, round3(dx * a + dy * b));
			sb_str(out, " ");
			put_num(out, round3(dx * c + dy * d));
			sb_str(out, " Td ");
		}
		old_x = x;
		old_y = y;
		old_dir = dir;

		{
			bool bold, italic, underlined, monospace, serif, smallcaps;
			int font_id;
			it->WordFontAttributes(&bold, &italic, &underlined, &monospace, &serif,
			    &smallcaps, &fontsize, &font_id);
			if (fontsize <= 0)
				fontsize = kDefaultFontSize;
			if (fontsize != old_fontsize) {
				sb_printf(out, "/f-0-0 %d Tf ", fontsize);
				old_fontsize = fontsize;
			}
		}

		bool last_in_line = it->IsAtFinalElement(RIL_TEXTLINE, RIL_WORD);
		bool last_in_block = it->IsAtFinalElement(RIL_BLOCK, RIL_WORD);
		int chars = 0;
		word.len = 0;
		if (word.p)
			word.p[0] = '\0';
		do {
			char *g = it->GetUTF8Text(RIL_SYMBOL);
			int bad = g && g[0] && put_symbol(&word, g, &chars) != 0;
			delete[] g;
			if (bad) {
				free(word.p);
				*why = "a symbol that is not well-formed UTF-8";
				return -1;
			}
			it->Next(RIL_SYMBOL);
		} while (!it->Empty(RIL_BLOCK) && !it->IsAtBeginningOf(RIL_WORD));
		/* A space after every word but the page's last, counted in the
		 * stretch (as Tesseract 5.3.0 does). */
		if (it->IsAtBeginningOf(RIL_WORD)) {
			sb_str(&word, "0020");
			chars++;
		}
		if (length > 0 && chars > 0) {
			put_num(out, kCharWidth * round3(100.0 * length / (fontsize * chars)));
			sb_str(out, " Tz [ <");
			sb_add(out, word.p, word.len);
			sb_str(out, "> ] TJ");
		}
		if (last_in_line)
			sb_str(out, " \n");
		if (last_in_block)
			sb_str(out, "ET\n");
		if (word.oom || out->oom)
			break;
	}
	free(word.p);
	if (word.oom || out->oom) {
		*why = "out of memory";
		return -1;
	}
	return 0;
}

extern "C" char *
sohoa_ocr_pdftext(TessBaseAPI *api, size_t *len, const char **why)
{
	const char *force = getenv("SOHOA_PDF_TEXT");
	struct sbuf out = { NULL, 0, 0, 0 };
	ResultIterator *rit = NULL;
	int ppi;
	Pix *pix;

	*len = 0;
	if (force && strcmp(force, "renderer") == 0) {
		*why = "SOHOA_PDF_TEXT=renderer";
		return NULL;
	}
	try {
		/* The format reproduced is 5.3's (the spaces and the blocks that
		 * are not text differ between versions): another version's
		 * renderer writes its own, until test_ocr_pdftext says the pass
		 * writes that one. */
		if (strncmp(tesseract::TessBaseAPI::Version(), "5.3.", 4) != 0) {
			*why = "not Tesseract 5.3";
			return NULL;
		}
		/* First: without results (no engine) the rest would crash. */
		rit = api->GetIterator();
		if (!rit) {
			*why = "no OCR results";
			return NULL;
		}
		/* The page size as the renderer's AddImage works it out. */
		ppi = api->GetSourceYResolution();
		pix = api->GetInputImage();
		if (!pix || ppi <= 0) {
			delete rit;
			*why = "no page image or resolution";
			return NULL;
		}
		LTRResultIterator it(*rit);   /* the left-to-right part of it */
		delete rit;
		rit = NULL;
		if (walk(&it, ppi, pixGetHeight(pix) * 72.0 / ppi, &out, why) != 0) {
			free(out.p);
			return NULL;
		}
	} catch (...) {
		delete rit;
		free(out.p);
		*why = "Tesseract failed";
		return NULL;
	}
	sb_add(&out, "", 0);        /* a string even when empty */
	if (out.oom || !out.p) {
		free(out.p);
		*why = "out of memory";
		return NULL;
	}
	*len = out.len;
	return out.p;
}
