/*
 * fuzz_sidecar.c - the two sidecars staff write by hand: hoso.txt (lib/
 * hoso.c, a hồ sơ's description) and tailieu.txt (lib/tailieu.c, the page
 * files of one document), read from a real file.
 *
 * The first input byte picks the reader (even: hoso, odd: tailieu); the
 * rest is the sidecar.  The tailieu folder also holds a few page files
 * whose names a sidecar may list.  Properties: no sanitizer report; on
 * success every hồ sơ value is valid UTF-8, and every part listed exists
 * in the folder, at most SOHOA_TAILIEU_MAX_PARTS of them, sizes adding
 * up; on failure a message.  (A name listed twice is taken twice: the
 * page is in the document twice, as the sidecar says.)
 */
#include <limits.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "sohoa/hoso.h"
#include "sohoa/tailieu.h"
#include "sohoa/vitext.h"

static const char *const pages[] = { "trang1.tif", "trang 2.png", "Trang_3.jpg", "a.pdf",
	"Quyết định.tif", NULL };

static const char *
folder(void)
{
	static char dir[PATH_MAX];

	if (!dir[0]) {
		snprintf(dir, sizeof dir, "%s/doc", fuzz_tmpdir());
		FUZZ_ASSERT(mkdir(dir, 0700) == 0);
		for (int i = 0; pages[i]; i++) {
			char path[PATH_MAX];
			snprintf(path, sizeof path, "%s/%s", dir, pages[i]);
			fuzz_write_file(path, (const uint8_t *)pages[i], strlen(pages[i]));
		}
	}
	return dir;
}

static void
fuzz_hoso(const uint8_t *data, size_t size)
{
	char path[PATH_MAX];
	sohoa_hoso h;
	sohoa_error err;

	snprintf(path, sizeof path, "%s/hoso.txt", fuzz_tmpdir());
	fuzz_write_file(path, data, size);
	sohoa_error_clear(&err);
	sohoa_hoso_init(&h);
	if (sohoa_hoso_load(&h, path, &err) == SOHOA_OK) {
		for (int i = 0; i < SOHOA_H_COUNT; i++)
			if (h.v[i])
				FUZZ_ASSERT(sohoa_vi_utf8_valid(h.v[i], strlen(h.v[i])));
	} else {
		FUZZ_ASSERT(err.msg[0] != '\0');
	}
	sohoa_hoso_release(&h);
}

static void
fuzz_tailieu(const uint8_t *data, size_t size)
{
	char path[PATH_MAX];
	const char *dir = folder();
	sohoa_tailieu t;
	sohoa_error err;
	long long sum = 0;

	snprintf(path, sizeof path, "%s/%s", dir, SOHOA_TAILIEU_SIDECAR);
	fuzz_write_file(path, data, size);
	sohoa_error_clear(&err);
	if (sohoa_tailieu_read(fuzz_tmpdir(), "doc", &t, &err) != SOHOA_OK) {
		FUZZ_ASSERT(err.msg[0] != '\0');
		sohoa_tailieu_release(&t);
		return;
	}
	FUZZ_ASSERT(t.n >= 0 && t.n <= SOHOA_TAILIEU_MAX_PARTS);
	for (int i = 0; i < t.n; i++) {
		int known = 0;
		FUZZ_ASSERT(t.parts[i].name != NULL);
		for (int k = 0; pages[k]; k++)
			known |= strcmp(pages[k], t.parts[i].name) == 0;
		if (!known) {
			fprintf(stderr, "part '%s' is not in the folder\n", t.parts[i].name);
			abort();
		}
		sum += t.parts[i].size;
	}
	FUZZ_ASSERT(sum == t.size);
	sohoa_tailieu_release(&t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		fuzz_tailieu(data + 1, size - 1);
	else
		fuzz_hoso(data + 1, size - 1);
	return 0;
}
