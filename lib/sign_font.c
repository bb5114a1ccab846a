/*
 * sign_font.c - the font of the visible PDF signature: Liberation Serif
 * (metric-compatible with Times New Roman, which ND 30 asks for), subset
 * with HarfBuzz's hb-subset to the glyphs the text uses.  The subset keeps
 * the original glyph ids (HB_SUBSET_FLAGS_RETAIN_GIDS), so that a CID is
 * the glyph id of the full font and the PDF's CIDToGIDMap is /Identity.
 *
 * Vietnamese needs no shaping here: after NFC every letter is one code
 * point with a precomposed glyph in Liberation Serif (U+1EA0-U+1EF9 and
 * Latin-1/Extended-A), so the nominal cmap mapping is the layout.
 */
#include <stdlib.h>
#include <string.h>
#include <hb.h>
#include <hb-ot.h>
#include <hb-subset.h>
#include <utf8proc.h>

#include "sign_int.h"

void
sign_font_release(struct sign_font *f)
{
	if (!f)
		return;
	free(f->program);
	for (int i = 0; i < SIGN_LINES_MAX; i++)
		free(f->lines[i].gids);
	free(f->used_gid);
	free(f->used_cp);
	free(f->used_width);
	memset(f, 0, sizeof *f);
}

static int
to_1000(long v, unsigned upem)
{
	double x = (double)v * 1000.0 / (double)upem;

	return (int)(x < 0 ? x - 0.5 : x + 0.5);
}

/* Adds gid (for code point cp) to the sorted set of used glyphs. */
static int
use_glyph(struct sign_font *f, unsigned gid, unsigned cp, int width)
{
	size_t i;
	void *p;

	for (i = 0; i < f->nused; i++)
		if (f->used_gid[i] == gid)
			return 0;
	if (!(p = realloc(f->used_gid, (f->nused + 1) * sizeof *f->used_gid)))
		return -1;
	f->used_gid = p;
	if (!(p = realloc(f->used_cp, (f->nused + 1) * sizeof *f->used_cp)))
		return -1;
	f->used_cp = p;
	if (!(p = realloc(f->used_width, (f->nused + 1) * sizeof *f->used_width)))
		return -1;
	f->used_width = p;
	/* Insertion keeps the set sorted by glyph id. */
	for (i = f->nused; i > 0 && f->used_gid[i - 1] > gid; i--) {
		f->used_gid[i] = f->used_gid[i - 1];
		f->used_cp[i] = f->used_cp[i - 1];
		f->used_width[i] = f->used_width[i - 1];
	}
	f->used_gid[i] = gid;
	f->used_cp[i] = cp;
	f->used_width[i] = width;
	f->nused++;
	return 0;
}

sohoa_status
sign_font_build(const char *path, const char *const *lines, int nlines, struct sign_font *f,
    sohoa_error *err)
{
	hb_blob_t *blob = NULL, *out = NULL;
	hb_face_t *face = NULL, *sub = NULL;
	hb_font_t *font = NULL;
	hb_subset_input_t *in = NULL;
	hb_font_extents_t ext;
	hb_position_t cap = 0;
	unsigned upem;
	sohoa_status rc = SOHOA_FATAL;

	memset(f, 0, sizeof *f);
	if (nlines > SIGN_LINES_MAX)
		nlines = SIGN_LINES_MAX;
	blob = hb_blob_create_from_file_or_fail(path);
	if (!blob) {
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "cannot read the signature font %s (Debian: fonts-liberation2)", path);
		goto out;
	}
	face = hb_face_create(blob, 0);
	font = hb_font_create(face);
	upem = hb_face_get_upem(face);
	if (!face || !font || upem == 0 || hb_face_get_glyph_count(face) == 0) {
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "%s: not a usable font", path);
		goto out;
	}
	hb_font_set_scale(font, (int)upem, (int)upem);
	/* glyph 0 is .notdef, which PDF/A forbids showing: '?' stands in. */
	{
		hb_codepoint_t q = 0;
		if (!hb_font_get_nominal_glyph(font, '?', &q)) {
			sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "%s: no '?' glyph", path);
			goto out;
		}
		for (int l = 0; l < nlines; l++) {
			utf8proc_uint8_t *nfc = utf8proc_NFC((const utf8proc_uint8_t *)lines[l]);
			const utf8proc_uint8_t *p = nfc;
			utf8proc_ssize_t len = nfc ? (utf8proc_ssize_t)strlen((char *)nfc) : 0, k;
			struct sign_line *ln = &f->lines[l];

			if (!nfc) {
				sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
				    "the signature text is not valid UTF-8");
				goto out;
			}
			ln->gids = malloc(((size_t)len + 1) * sizeof *ln->gids);
			if (!ln->gids) {
				free(nfc);
				sohoa_error_oom(err);
				goto out;
			}
			while (len > 0) {
				utf8proc_int32_t cp;
				hb_codepoint_t gid = 0;
				int w;
				k = utf8proc_iterate(p, len, &cp);
				if (k <= 0)
					break;
				p += k;
				len -= k;
				if (cp < 0x20)
					continue;
				if (!hb_font_get_nominal_glyph(font, (hb_codepoint_t)cp, &gid) || !gid) {
					gid = q;
					cp = '?';
				}
				w = to_1000(hb_font_get_glyph_h_advance(font, gid), upem);
				ln->gids[ln->n++] = gid;
				ln->width += w;
				if (use_glyph(f, gid, (unsigned)cp, w) != 0) {
					free(nfc);
					sohoa_error_oom(err);
					goto out;
				}
			}
			free(nfc);
		}
		f->nlines = nlines;
	}
	/* Metrics for the FontDescriptor, in 1/1000 em. */
	hb_font_get_h_extents(font, &ext);
	f->ascent = to_1000(ext.ascender, upem);
	f->descent = to_1000(ext.descender, upem);
	if (hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap))
		f->cap_height = to_1000(cap, upem);
	else
		f->cap_height = f->ascent;
	{
		/* head: xMin, yMin, xMax, yMax at offset 36 (signed 16-bit). */
		hb_blob_t *head = hb_face_reference_table(face, HB_TAG('h', 'e', 'a', 'd'));
		unsigned hl = 0;
		const unsigned char *h = (const unsigned char *)hb_blob_get_data(head, &hl);
		if (h && hl >= 44)
			for (int i = 0; i < 4; i++)
				f->bbox[i] = to_1000((short)(h[36 + 2 * i] << 8 | h[37 + 2 * i]), upem);
		hb_blob_destroy(head);
	}
	/* The subset, named with a tag derived from the glyphs it holds. */
	in = hb_subset_input_create_or_fail();
	if (!in) {
		sohoa_error_oom(err);
		goto out;
	}
	for (size_t i = 0; i < f->nused; i++)
		hb_set_add(hb_subset_input_glyph_set(in), f->used_gid[i]);
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS);
	sub = hb_subset_or_fail(face, in);
	if (sub && (out = hb_face_reference_blob(sub)) != NULL) {
		unsigned n = 0;
		const char *d = hb_blob_get_data(out, &n);
		if (d && n > 0 && (f->program = malloc(n)) != NULL) {
			memcpy(f->program, d, n);
			f->program_len = n;
			f->subset = 1;
		}
	}
	if (!f->program) {
		/* hb-subset failed: the whole font, which is allowed, only larger. */
		unsigned n = 0;
		const char *d = hb_blob_get_data(blob, &n);
		if (!d || !n || !(f->program = malloc(n))) {
			sohoa_error_oom(err);
			goto out;
		}
		memcpy(f->program, d, n);
		f->program_len = n;
	}
	{
		char ps[64] = "LiberationSerif";
		unsigned sz = sizeof ps;
		unsigned long hsh = 5381;
		char tag[7];
		hb_ot_name_get_utf8(face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &sz,
		    ps);
		for (size_t i = 0; i < f->nused; i++)
			hsh = hsh * 33 + f->used_gid[i];
		for (int i = 0; i < 6; i++, hsh /= 26)
			tag[i] = (char)('A' + hsh % 26);
		tag[6] = '\0';
		/* A PostScript name has no spaces or delimiters; keep it so. */
		for (char *c = ps; *c; c++)
			if (*c <= ' ' || *c > '~' || strchr("()<>[]{}/%#", *c))
				*c = '-';
		if (f->subset)
			snprintf(f->base_name, sizeof f->base_name, "%s+%s", tag, ps);
		else
			snprintf(f->base_name, sizeof f->base_name, "%s", ps);
	}
	rc = SOHOA_OK;
out:
	if (rc != SOHOA_OK)
		sign_font_release(f);
	hb_blob_destroy(out);
	hb_face_destroy(sub);
	hb_subset_input_destroy(in);
	hb_font_destroy(font);
	hb_face_destroy(face);
	hb_blob_destroy(blob);
	return rc;
}
