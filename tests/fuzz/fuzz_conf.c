/*
 * fuzz_conf.c - the configuration parser (lib/conf.c) on any file.
 * Properties: no sanitizer report; a refused file has a message; an
 * accepted one, written back with sohoa_conf_write(), is accepted again
 * and writes back the very same text (conf.h: "writes every key as a
 * valid config file").
 */
#include <limits.h>

#include "fuzz.h"
#include "sohoa/conf.h"

/* Loads path and finishes it; on success the written form, else NULL. */
static char *
load_write(const char *path, sohoa_error *err)
{
	sohoa_conf c;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	sohoa_conf_init(&c);
	if (sohoa_conf_load(&c, path, err) != SOHOA_OK || sohoa_conf_finish(&c, err) != SOHOA_OK) {
		sohoa_conf_release(&c);
		return NULL;
	}
	mem = open_memstream(&buf, &len);
	FUZZ_ASSERT(mem != NULL);
	sohoa_conf_write(&c, mem);
	FUZZ_ASSERT(fclose(mem) == 0);
	sohoa_conf_release(&c);
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[PATH_MAX], path2[PATH_MAX];
	sohoa_error err;
	char *first, *second;

	snprintf(path, sizeof path, "%s/sohoa.conf", fuzz_tmpdir());
	snprintf(path2, sizeof path2, "%s/again.conf", fuzz_tmpdir());
	fuzz_write_file(path, data, size);
	sohoa_error_clear(&err);
	first = load_write(path, &err);
	if (!first) {
		FUZZ_ASSERT(err.msg[0] != '\0');
		return 0;
	}
	fuzz_write_file(path2, (const uint8_t *)first, strlen(first));
	sohoa_error_clear(&err);
	second = load_write(path2, &err);
	if (!second) {
		fprintf(stderr, "written config refused: %s\n--\n%s--\n", err.msg, first);
		abort();
	}
	if (strcmp(first, second) != 0) {
		fprintf(stderr, "config not stable:\n--\n%s--\n%s--\n", first, second);
		abort();
	}
	free(first);
	free(second);
	return 0;
}
