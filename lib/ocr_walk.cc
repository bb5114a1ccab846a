/*
 * ocr_walk.cc - the page's text, hOCR and word counts from one walk of
 * Tesseract's results in the order they are stored (contract and
 * invariants in ocr_walk.h).
 *
 * Tesseract's own walks use its ResultIterator, whose every step to the
 * next word recomputes the reading order of the line (for right-to-left
 * runs) and finds the word again from the page's first one; a copy of it
 * sliced to a LTRResultIterator steps with PageIterator::Next, in constant
 * time.  For a page whose words are all left to right (or neutral: digits,
 * punctuation) both orders are the same, and the walk below writes what
 * TessBaseAPI::GetUTF8Text and GetHOCRText write, in the same words:
 * the text joins a line's words with one space, ends each line with "\n"
 * and each paragraph but the page's last with one more; the hOCR opens a
 * block, paragraph and line where its first word is and closes them after
 * its last one.  Anything else goes to Tesseract's own functions
 * (page_fallback_reason, word_fallback_reason).  A block of vertical text
 * (a page read on its side) needs no fallback: the ResultIterator orders
 * the words of a line by their script's direction alone and keeps the
 * lines and blocks in their stored order, whatever the block's writing
 * direction (test_ocr_walk's page turned a quarter).
 *
 * Rules for C++ here: everything the C code calls is extern "C" (ocr_walk.h)
 * and catches every exception; no standard-library container or string
 * (their template instances could leave libsohoa.so: scripts/check-symbols);
 * Tesseract's new[] strings are freed with delete[].
 */
#include <clocale>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <tesseract/baseapi.h>
#include <tesseract/ltrresultiterator.h>
#include <tesseract/resultiterator.h>
#include <utf8proc.h>

#include "ocr_choices.h"
#include "ocr_walk.h"
#include "sbuf.h"

using tesseract::ChoiceIterator;
using tesseract::LTRResultIterator;
using tesseract::ResultIterator;

namespace {

/*
 * The rectangle the hOCR's page gives, which TessBaseAPI keeps protected:
 * a pointer to a member named through a class derived from it is an
 * ordinary pointer to TessBaseAPI's member, usable on any TessBaseAPI.
 */
struct Rect : tesseract::TessBaseAPI {
	static int TessBaseAPI::*left() { return &Rect::rect_left_; }
	static int TessBaseAPI::*top() { return &Rect::rect_top_; }
	static int TessBaseAPI::*width() { return &Rect::rect_width_; }
	static int TessBaseAPI::*height() { return &Rect::rect_height_; }
};

/* A new[] string of Tesseract's, deleted with the scope. */
struct TessText {
	char *p;
	explicit TessText(char *s) : p(s) {}
	~TessText() { delete[] p; }
	TessText(const TessText &) = delete;
	TessText &operator=(const TessText &) = delete;
};

/* Appends s as GetHOCRText escapes text (HOcrEscape): & < > " '. */
void
hocr_escape(struct sbuf *b, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *e = NULL;
		switch (*s) {
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '&': e = "&amp;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default: continue;
		}
		sb_add(b, run, (size_t)(s - run));
		sb_str(b, e);
		run = s + 1;
	}
	sb_add(b, run, (size_t)(s - run));
}

/* A double as GetHOCRText's stream prints it: precision 8, "C" locale
 * (page_fallback_reason has checked the decimal point). */
void
hocr_double(struct sbuf *b, const char *before, double v)
{
	sb_printf(b, "%s%.8g", before, v);
}

/* GetHOCRText's AddBoxTohOCR: the title of a block, paragraph or line. */
void
hocr_box(struct sbuf *b, const LTRResultIterator &it, tesseract::PageIteratorLevel level)
{
	int left, top, right, bottom;

	it.BoundingBox(level, &left, &top, &right, &bottom);
	sb_printf(b, " title=\"bbox %d %d %d %d", left, top, right, bottom);
	if (level == tesseract::RIL_TEXTLINE) {
		tesseract::Orientation orientation;
		tesseract::WritingDirection wd;
		tesseract::TextlineOrder tlo;
		float deskew, row_height, descenders, ascenders;
		int x1, y1, x2, y2;

		it.Orientation(&orientation, &wd, &tlo, &deskew);
		if (orientation != tesseract::ORIENTATION_PAGE_UP) {
			sb_printf(b, "; textangle %d", 360 - orientation * 90);
		} else if (it.Baseline(level, &x1, &y1, &x2, &y2)) {
			/* From the bottom left of the box; y = p1 x + p0. */
			x1 -= left;
			x2 -= left;
			y1 -= bottom;
			y2 -= bottom;
			if (x1 != x2) {
				double p1 = (y2 - y1) / static_cast<double>(x2 - x1);
				double p0 = y1 - p1 * x1;
				hocr_double(b, "; baseline ", round(p1 * 1000.0) / 1000.0);
				hocr_double(b, " ", round(p0 * 1000.0) / 1000.0);
			}
		}
		it.RowAttributes(&row_height, &descenders, &ascenders);
		hocr_double(b, "; x_size ", row_height);
		hocr_double(b, "; x_descenders ", -descenders);
		hocr_double(b, "; x_ascenders ", ascenders);
	}
	sb_str(b, "\">");
}

/* Why the linear walk cannot serve api's pages at all, or NULL. */
const char *
page_fallback_reason(tesseract::TessBaseAPI *api)
{
	static const char *const options[] = {
		"hocr_font_info", "hocr_char_boxes", "preserve_interword_spaces",
	};
	const struct lconv *lc = localeconv();

	for (const char *o : options) {
		bool on = false;
		if (api->GetBoolVariable(o, &on) && on)
			return o;
	}
	if (!lc || strcmp(lc->decimal_point, ".") != 0)
		return "a locale without a decimal point";
	return NULL;
}

/* Blocks of pictures and rules: GetUTF8Text leaves their words out (a rule
 * under a heading is read as a word, "——"); the hOCR keeps them. */
bool
block_left_out(tesseract::PolyBlockType t)
{
	return PTIsImageType(t) || PTIsLineType(t);
}

/* Why the linear walk cannot serve the word at it, or NULL. */
const char *
word_fallback_reason(const LTRResultIterator &it)
{
	tesseract::PolyBlockType t = it.BlockType();
	tesseract::StrongScriptDirection dir = it.WordDirection();

	/* GetUTF8Text stops the program on a word of noise. */
	if (t == tesseract::PT_NOISE || t == tesseract::PT_UNKNOWN || t >= tesseract::PT_COUNT)
		return "a word in a block of noise or of no type";
	if (dir == tesseract::DIR_RIGHT_TO_LEFT || dir == tesseract::DIR_MIX)
		return "a word not written left to right";
	return NULL;
}

/*
 * The x_alts of the doubted word at it, appended to its hOCR title in ho
 * ("; x_alts W1 W2", nothing when it has none) as ocr_choices.c's walk
 * adds them: the word's symbols walked on a copy of it, each with the
 * choices a ChoiceIterator gives.
 */
void
word_alts(const LTRResultIterator &it, struct sbuf *ho)
{
	LTRResultIterator s(it);
	struct sohoa_ocr_alts a;

	sohoa_ocr_alts_begin(&a);
	do {
		TessText sym(s.GetUTF8Text(tesseract::RIL_SYMBOL));
		if (!sohoa_ocr_alts_symbol(&a, sym.p))
			break;
		ChoiceIterator ci(s);
		do
			sohoa_ocr_alts_choice(&a, ci.GetUTF8Text(), ci.Confidence());
		while (ci.Next());
	} while (!s.IsAtFinalElement(tesseract::RIL_WORD, tesseract::RIL_SYMBOL) &&
	    s.Next(tesseract::RIL_SYMBOL));
	size_t mark = ho->len;
	sb_str(ho, "; x_alts");
	if (sohoa_ocr_alts_end(&a, ho) == 0 && !ho->oom)
		ho->len = mark;
}

/*
 * The linear walk of the page: text into tx, hOCR with x_alts into ho when
 * ho is not NULL.  Returns NULL, or why the page needs Tesseract's own
 * walks.
 */
const char *
walk_page(tesseract::TessBaseAPI *api, int page_number, struct sbuf *tx, struct sbuf *ho)
{
	const int page_id = page_number + 1;
	int lcnt = 1, bcnt = 1, pcnt = 1, wcnt = 1, line_words = 0;
	bool prev_word = false, line_open = false;
	const char *paragraph_lang = NULL, *why;
	ResultIterator *ri;

	if ((why = page_fallback_reason(api)) != NULL)
		return why;
	if (!(ri = api->GetIterator()))
		return "no results";
	/* The copy forgets the reading order; Begin: the ResultIterator may
	 * start at a line's last word when it runs right to left. */
	LTRResultIterator it(*ri);
	delete ri;
	it.Begin();

	if (ho) {
		const char *name = api->GetInputName();
		sb_printf(ho, "  <div class='ocr_page' id='page_%d' title='image \"", page_id);
		if (name && *name)
			hocr_escape(ho, name);
		else
			sb_str(ho, "unknown");
		sb_printf(ho, "\"; bbox %d %d %d %d; ppageno %d; scan_res %d %d'>\n",
		    api->*Rect::left(), api->*Rect::top(), api->*Rect::width(),
		    api->*Rect::height(), page_number, api->GetSourceYResolution(),
		    api->GetSourceYResolution());
	}
	for (;;) {
		bool end = it.Empty(tesseract::RIL_BLOCK);
		bool at_block = false, at_para = false, at_line = false;

		if (!end) {
			/* An empty place (a block without lines, a line without
			 * words): Tesseract's hOCR asks the box of a line that is
			 * not there, its text may repeat a paragraph after it. */
			if (it.Empty(tesseract::RIL_WORD))
				return "an empty block or line";
			if ((why = word_fallback_reason(it)) != NULL)
				return why;
			at_block = it.IsAtBeginningOf(tesseract::RIL_BLOCK);
			at_para = it.IsAtBeginningOf(tesseract::RIL_PARA);
			at_line = it.IsAtBeginningOf(tesseract::RIL_TEXTLINE);
		}
		/* What the previous word ended: GetHOCRText asks
		 * IsAtFinalElement, true at the end of the page and where the
		 * next word begins the level. */
		if (ho && prev_word && (end || at_line)) {
			sb_str(ho, "\n     </span>");
			lcnt++;
			if (end || at_para) {
				sb_str(ho, "\n    </p>\n");
				pcnt++;
				if (end || at_block) {
					sb_str(ho, "   </div>\n");
					bcnt++;
				}
			}
		}
		/* GetUTF8Text ends a line with "\n", and a paragraph with one
		 * more when something follows. */
		if (line_open && (end || at_line)) {
			sb_str(tx, "\n");
			if (at_para)
				sb_str(tx, "\n");
			line_open = false;
		}
		if (end)
			break;
		prev_word = false;
		if (block_left_out(it.BlockType())) {
			/* The text leaves the block out, the hOCR gives its box
			 * (that of its first line) and goes on to the next. */
			if (ho) {
				int left, top, right, bottom;
				it.BoundingBox(tesseract::RIL_TEXTLINE, &left, &top, &right, &bottom);
				sb_printf(ho, "   <div class='%s' id='block_%d_%d' title=\"bbox %d %d %d"
				    " %d\"></div>\n", PTIsImageType(it.BlockType()) ? "ocr_photo" :
				    "ocr_separator", page_id, bcnt++, left, top, right, bottom);
			}
			it.Next(tesseract::RIL_BLOCK);
			continue;
		}

		TessText word(it.GetUTF8Text(tesseract::RIL_WORD));
		if (!word.p || !*word.p)
			return "a word without text";
		if (at_line) {
			line_open = true;
			line_words = 0;
		}
		if (line_words++ > 0)
			sb_str(tx, " ");
		sb_str(tx, word.p);

		if (ho) {
			int left, top, right, bottom, pointsize, font_id;
			bool bold, italic, underlined, monospace, serif, smallcaps;
			float conf;
			const char *lang;

			if (at_block) {
				sb_printf(ho, "   <div class='ocr_carea' id='block_%d_%d'", page_id, bcnt);
				hocr_box(ho, it, tesseract::RIL_BLOCK);
			}
			if (at_para) {
				/* Left to right: no dir='rtl' (word_fallback_reason). */
				sb_printf(ho, "\n    <p class='ocr_par' id='par_%d_%d'", page_id, pcnt);
				if ((paragraph_lang = it.WordRecognitionLanguage()) != NULL)
					sb_printf(ho, " lang='%s'", paragraph_lang);
				hocr_box(ho, it, tesseract::RIL_PARA);
			}
			if (at_line) {
				const char *cls = "ocr_line";
				switch (it.BlockType()) {
				case tesseract::PT_HEADING_TEXT: cls = "ocr_header"; break;
				case tesseract::PT_PULLOUT_TEXT: cls = "ocr_textfloat"; break;
				case tesseract::PT_CAPTION_TEXT: cls = "ocr_caption"; break;
				default: break;
				}
				sb_printf(ho, "\n     <span class='%s' id='line_%d_%d'", cls, page_id, lcnt);
				hocr_box(ho, it, tesseract::RIL_TEXTLINE);
			}
			it.BoundingBox(tesseract::RIL_WORD, &left, &top, &right, &bottom);
			it.WordFontAttributes(&bold, &italic, &underlined, &monospace, &serif,
			    &smallcaps, &pointsize, &font_id);
			conf = it.Confidence(tesseract::RIL_WORD);
			lang = it.WordRecognitionLanguage();
			sb_printf(ho, "\n      <span class='ocrx_word' id='word_%d_%d' title='bbox %d %d"
			    " %d %d; x_wconf %d", page_id, wcnt, left, top, right, bottom,
			    static_cast<int>(conf));
			if (sohoa_ocr_choices_doubted(conf, word.p))
				word_alts(it, ho);
			sb_str(ho, "'");
			if (lang && (!paragraph_lang || strcmp(lang, paragraph_lang) != 0))
				sb_printf(ho, " lang='%s'", lang);
			sb_str(ho, ">");
			if (bold)
				sb_str(ho, "<strong>");
			if (italic)
				sb_str(ho, "<em>");
			hocr_escape(ho, word.p);
			if (italic)
				sb_str(ho, "</em>");
			if (bold)
				sb_str(ho, "</strong>");
			sb_str(ho, "</span>");
			wcnt++;
		}
		prev_word = true;
		it.Next(tesseract::RIL_WORD);
	}
	if (ho)
		sb_str(ho, "  </div>\n");
	return NULL;
}

/* A malloc'd copy of Tesseract's new[] string s, which is deleted. */
char *
malloc_copy(char *s)
{
	char *c = s ? strdup(s) : NULL;

	delete[] s;
	return c;
}

/* The page by Tesseract's own functions. */
void
tesseract_page(TessBaseAPI *api, int page_number, char **text, char **hocr)
{
	*text = malloc_copy(api->GetUTF8Text());
	if (hocr)
		*hocr = sohoa_ocr_choices_hocr(api, page_number);
}

/* The letters of the UTF-8 word w. */
int
letters_of(const char *w)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t k;
	int letters = 0;

	for (const utf8proc_uint8_t *s = (const utf8proc_uint8_t *)w;
	    (k = utf8proc_iterate(s, -1, &c)) > 0 && c != 0; s += k) {
		utf8proc_category_t cat = utf8proc_category(c);
		letters += cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
	}
	return letters;
}

/*
 * The word counts of sohoa_ocr_walk_words on it, which walks in reading
 * order when it is a ResultIterator (Next and GetUTF8Text are virtual) and
 * in stored order when it is a LTRResultIterator.
 */
int
count_words(LTRResultIterator &it, int *words, int *known, int *sideways)
{
	int any = 0;

	do {
		TessText w(it.GetUTF8Text(tesseract::RIL_WORD));
		if (!w.p)
			continue;
		any = 1;
		if (letters_of(w.p) < 2)
			continue;
		(*words)++;
		*known += it.WordIsFromDictionary() ? 1 : 0;
		if (sideways) {
			tesseract::Orientation o = tesseract::ORIENTATION_PAGE_UP;
			tesseract::WritingDirection wd = tesseract::WRITING_DIRECTION_LEFT_TO_RIGHT;
			tesseract::TextlineOrder tlo = tesseract::TEXTLINE_ORDER_TOP_TO_BOTTOM;
			float deskew = 0;
			it.Orientation(&o, &wd, &tlo, &deskew);
			*sideways += o != tesseract::ORIENTATION_PAGE_UP
			    || wd != tesseract::WRITING_DIRECTION_LEFT_TO_RIGHT
			    || tlo != tesseract::TEXTLINE_ORDER_TOP_TO_BOTTOM;
		}
	} while (it.Next(tesseract::RIL_WORD));
	return any;
}

} // namespace

extern "C" int
sohoa_ocr_walk_words(TessBaseAPI *api, int flags, int *words, int *known, int *sideways)
{
	int any = 0;

	*words = *known = 0;
	if (sideways)
		*sideways = 0;
	try {
		ResultIterator *ri = api->GetIterator();
		if (!ri)
			return 0;
		if (flags & SOHOA_OCR_WALK_TESSERACT) {
			any = count_words(*ri, words, known, sideways);
		} else {
			LTRResultIterator it(*ri);
			it.Begin();
			any = count_words(it, words, known, sideways);
		}
		delete ri;
	} catch (...) {
		*words = *known = 0;
		if (sideways)
			*sideways = 0;
		return 0;
	}
	return any;
}

extern "C" int
sohoa_ocr_walk_page(TessBaseAPI *api, int page_number, int flags, char **text, char **hocr,
    const char **why)
{
	struct sbuf tx {}, ho {};
	const char *reason = "asked";

	*text = NULL;
	if (hocr)
		*hocr = NULL;
	try {
		if (!(flags & SOHOA_OCR_WALK_TESSERACT) &&
		    !(reason = walk_page(api, page_number, &tx, hocr ? &ho : NULL))) {
			if (!tx.oom && !ho.oom) {
				/* An empty page has no text: "" as Tesseract gives it. */
				*text = tx.p ? tx.p : strdup("");
				tx.p = NULL;
				if (hocr) {
					*hocr = ho.p ? ho.p : strdup("");
					ho.p = NULL;
				}
			}
			free(tx.p);
			free(ho.p);
			return 0;
		}
	} catch (...) {
		reason = "an exception in the linear walk";
	}
	free(tx.p);
	free(ho.p);
	if (why)
		*why = reason;
	try {
		tesseract_page(api, page_number, text, hocr);
	} catch (...) {
		free(*text);
		*text = NULL;
		if (hocr) {
			free(*hocr);
			*hocr = NULL;
		}
	}
	return 1;
}
