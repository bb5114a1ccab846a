/*
 * fuzz_extract.c - the ND 30 field extractor (lib/extract.c) on any OCR
 * text.  Properties: no sanitizer report and no runaway time (libFuzzer's
 * -timeout); on success every value found is valid UTF-8 and non-empty,
 * with source "ocr" and a confidence in [0, 1]; the date has the ISO
 * shape and the type is a known code.
 */
#include "fuzz.h"
#include "sohoa/extract.h"
#include "sohoa/fields.h"
#include "sohoa/vitext.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sohoa_fields fs;
	sohoa_error err;
	const char *date, *type;

	sohoa_error_clear(&err);
	sohoa_fields_init(&fs);
	if (sohoa_extract_fields((const char *)data, size, &fs, &err) != SOHOA_OK) {
		FUZZ_ASSERT(err.msg[0] != '\0');
		sohoa_fields_release(&fs);
		return 0;
	}
	for (int i = 0; i < SOHOA_F_COUNT; i++) {
		const sohoa_field *f = &fs.f[i];
		if (!f->value)
			continue;
		if (!sohoa_vi_utf8_valid(f->value, strlen(f->value)) || !f->value[0]) {
			fprintf(stderr, "field %s: '%s'\n", sohoa_field_name((sohoa_field_id)i), f->value);
			abort();
		}
		FUZZ_ASSERT(f->confidence >= 0.0 && f->confidence <= 1.0);
	}
	date = fs.f[SOHOA_F_ISSUED_DATE].value;
	if (date)
		FUZZ_ASSERT(strlen(date) == 10 && date[4] == '-' && date[7] == '-');
	type = fs.f[SOHOA_F_TYPE_NAME].value;
	if (type)
		FUZZ_ASSERT(sohoa_type_label(type) != NULL);
	sohoa_fields_release(&fs);
	return 0;
}
