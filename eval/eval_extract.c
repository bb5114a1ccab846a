/*
 * eval_extract.c - runs the field extraction (lib/extract.c) on OCR text
 * files and prints, per file, one JSON object on one line:
 *
 *     {"file": "...", "us": 412.5, "fields": {"codeNumber": {"value": "15",
 *      "confidence": 0.95}, ...}}
 *
 * "us" is the extraction time in microseconds (the mean of -r runs).
 * eval/score.py compares these with the renderer's ground truth.  The
 * worker's hOCR of the same pages, NAME.hocr beside NAME.txt, is given to
 * the extraction when there is one (sohoa_extract_fields_hocr(), the word
 * boxes), unless --no-hocr; --no-lexicon leaves the fixed phrases of the
 * trích yếu as read (lib/extract_lexicon.c), to count what they change.
 *
 *     eval_extract [-r RUNS] [--no-hocr] [--no-lexicon] FILE...
 *
 * With --fix-phrases, reads lines of correct Vietnamese (one per line) and
 * prints "line<TAB>corrected" for each line the lexicon would change: on
 * correct text every change is a false correction.
 *
 *     eval_extract --fix-phrases FILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sohoa/extract.h"
#include "sohoa/plausible.h"
#include "sohoa/json.h"
#include "extract_int.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 > cap) {
			char *p = realloc(buf, cap = 2 * cap + 4096);
			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (r > 0);
	fclose(f);
	*len = n;
	return buf;
}

static double
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int
main(int argc, char **argv)
{
	int runs = 1, i = 1, rc = 0, use_hocr = 1;
	unsigned flags = 0;

	if (argc == 3 && !strcmp(argv[1], "--plausibility")) {
		/* Each line of the file judged (plausible.h): "implausible" or
		 * "ok", the words judged and the bad ones, the line. */
		size_t len = 0;
		char *text = slurp(argv[2], &len), *p, *nl;
		if (!text || !(text = realloc(text, len + 1)))
			return 1;
		text[len] = '\0';
		for (p = text; p < text + len; p = nl + 1) {
			sohoa_plausibility pl;
			nl = p + strcspn(p, "\n");
			*nl = '\0';
			sohoa_vi_plausibility(p, strlen(p), &pl);
			printf("%s\t%d\t%d\t%s\n", pl.words >= SOHOA_PLAUSIBLE_MIN_WORDS
			    && pl.share < SOHOA_PLAUSIBLE_SHARE ? "implausible" : "ok", pl.words, pl.bad, p);
		}
		free(text);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--fix-phrases")) {
		size_t len = 0;
		char *text = slurp(argv[2], &len), *p, *nl;
		if (!text) {
			fprintf(stderr, "eval_extract: cannot read %s\n", argv[2]);
			return 1;
		}
		text = realloc(text, len + 1);
		if (!text)
			return 1;
		text[len] = '\0';
		for (p = text; p < text + len; p = nl + 1) {
			char *fixed;
			nl = p + strcspn(p, "\n");
			*nl = '\0';
			if (sohoa_extract_fix_phrases(p, NULL, &fixed) > 0)
				printf("%s\t%s\n", p, fixed);
			free(fixed);
		}
		free(text);
		return 0;
	}

	if (argc > 2 && !strcmp(argv[1], "-r")) {
		runs = atoi(argv[2]);
		if (runs < 1)
			runs = 1;
		i = 3;
	}
	for (; i < argc && !strncmp(argv[i], "--no-", 5); i++) {
		if (!strcmp(argv[i], "--no-hocr"))
			use_hocr = 0;
		else if (!strcmp(argv[i], "--no-lexicon"))
			flags |= SOHOA_EXTRACT_NO_LEXICON;
		else if (!strcmp(argv[i], "--no-plausibility"))
			flags |= SOHOA_EXTRACT_NO_PLAUSIBILITY;
	}
	for (; i < argc; i++) {
		size_t len = 0, hlen = 0, n = strlen(argv[i]);
		char *text = slurp(argv[i], &len), *hocr = NULL;
		sohoa_fields fs;
		sohoa_error err;
		double t0, t1;
		int first = 1;

		if (!text) {
			fprintf(stderr, "eval_extract: cannot read %s\n", argv[i]);
			rc = 1;
			continue;
		}
		if (use_hocr && n > 4 && !strcmp(argv[i] + n - 4, ".txt")) {
			char *hp = malloc(n + 2);
			if (hp) {
				memcpy(hp, argv[i], n - 4);
				memcpy(hp + n - 4, ".hocr", 6);
				hocr = slurp(hp, &hlen);
				free(hp);
			}
		}
		sohoa_fields_init(&fs);
		t0 = now_us();
		for (int r = 0; r < runs; r++) {
			sohoa_fields_release(&fs);
			sohoa_fields_init(&fs);
			sohoa_error_clear(&err);
			if (sohoa_extract_hocr(text, len, hocr, hlen, flags, &fs, &err) != SOHOA_OK) {
				fprintf(stderr, "eval_extract: %s: %s\n", argv[i], err.msg);
				rc = 1;
				break;
			}
		}
		t1 = now_us();
		printf("{\"file\": ");
		sohoa_json_string(stdout, argv[i]);
		printf(", \"us\": %.1f, \"fields\": {", (t1 - t0) / runs);
		for (int f = 0; f < SOHOA_F_COUNT; f++) {
			if (!fs.f[f].value)
				continue;
			printf("%s\"%s\": {\"value\": ", first ? "" : ", ", sohoa_field_name(f));
			sohoa_json_string(stdout, fs.f[f].value);
			printf(", \"confidence\": %.2f}", fs.f[f].confidence);
			first = 0;
		}
		printf("}}\n");
		sohoa_fields_release(&fs);
		free(text);
		free(hocr);
	}
	return rc;
}
