/*
 * preview.c - the first page of a file nobody vouches for (the quarantine),
 * as a small PNG for the văn thư's desk (desk.h).  Opened through image.h,
 * whose header checks bound every page before a pixel is decoded; the
 * page is then scaled down to a width a screen shows.
 *
 * sohoad decodes in a child process it limits first (sohoa_preview_child:
 * address space, CPU time, file size, no core), as the OCR workers are
 * limited, and stores what the child wrote (sohoa_preview_store in
 * catalog_desk.c); sohoa-web only serves the stored PNG (desk.h, 6).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <leptonica/allheaders.h>

#include "sohoa/desk.h"
#include "sohoa/fsutil.h"
#include "sohoa/image.h"

sohoa_status
sohoa_preview_png(const char *path, const sohoa_conf *conf, int max_width, unsigned char **png,
    size_t *len, sohoa_error *err)
{
	sohoa_image_limits lim = { .max_pixels = conf->max_pixels, .max_pages = 100000 };
	sohoa_image *im;
	PIX *pix, *pix8 = NULL, *small = NULL;
	l_uint8 *data = NULL;
	size_t n = 0;
	sohoa_status rc = SOHOA_OK;

	*png = NULL;
	*len = 0;
	if (!(im = sohoa_image_open(path, &lim, err)))
		return err->status ? err->status : SOHOA_BAD_INPUT;
	pix = sohoa_image_page(im, 0, err);
	sohoa_image_free(im);
	if (!pix)
		return err->status ? err->status : SOHOA_BAD_INPUT;
	/* Grey before scaling: a 1-bit fax page scaled as bits is unreadable. */
	if (pixGetDepth(pix) < 8 || pixGetColormap(pix))
		pix8 = pixConvertTo8(pix, 0);
	else
		pix8 = pixClone(pix);
	pixDestroy(&pix);
	if (!pix8)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "preview: out of memory");
	if (max_width > 0 && pixGetWidth(pix8) > max_width)
		small = pixScale(pix8, (l_float32)max_width / (l_float32)pixGetWidth(pix8),
		    (l_float32)max_width / (l_float32)pixGetWidth(pix8));
	else
		small = pixClone(pix8);
	pixDestroy(&pix8);
	if (!small || pixWriteMemPng(&data, &n, small, 0.0) != 0 || !data) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "preview: PNG not made");
	} else if (!(*png = malloc(n))) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "preview: out of memory");
	} else {
		memcpy(*png, data, n);
		*len = n;
	}
	lept_free(data);
	pixDestroy(&small);
	return rc;
}

static int
say_reason(int fd, const char *head, const char *msg)
{
	char line[800];
	int n = snprintf(line, sizeof line, "%s\n%s", head, msg);

	if (n < 0)
		return 1;
	if ((size_t)n >= sizeof line)
		n = (int)sizeof line - 1;
	return sohoa_fs_pwrite_all(fd, line, (size_t)n, 0) == 0 ? 2 : 1;
}

int
sohoa_preview_child(const sohoa_conf *conf, const sohoa_quarantined *q, int fd,
    long long memory_mb, int cpu_seconds)
{
	struct rlimit rl;
	struct stat st;
	char path[64], head[64];
	unsigned char *png = NULL;
	size_t len = 0;
	sohoa_error err;
	sigset_t none;
	int in;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	rl.rlim_cur = rl.rlim_max = 0;
	setrlimit(RLIMIT_CORE, &rl);
	rl.rlim_cur = rl.rlim_max = (rlim_t)16 << 20;
	setrlimit(RLIMIT_FSIZE, &rl);
	if (cpu_seconds > 0) {
		rl.rlim_cur = (rlim_t)cpu_seconds;
		rl.rlim_max = (rlim_t)cpu_seconds + 1;
		setrlimit(RLIMIT_CPU, &rl);
	}
#if !defined(__SANITIZE_ADDRESS__)
	/* ASan reserves terabytes of address space: no limit there (as OCR). */
	if (memory_mb > 0) {
		rl.rlim_cur = rl.rlim_max = (rlim_t)memory_mb << 20;
		setrlimit(RLIMIT_AS, &rl);
	}
#else
	(void)memory_mb;
#endif
	setMsgSeverity(L_SEVERITY_NONE);
	if ((in = sohoa_quarantine_open(conf, q, SOHOA_PREVIEW_MAX_BYTES, &st)) < 0) {
		int e = errno;
		return say_reason(fd, "none", e == EISDIR ? "Thư mục tài liệu (nhiều trang): không"
		    " xem trước. — A document folder: no preview." : e == EFBIG ? "Tệp quá lớn để xem"
		    " trước. — Too large to preview." : e == ENOENT ? "Tệp không còn trong thư mục cách"
		    " ly. — The file is no longer in the quarantine." : "Không mở được tệp để xem"
		    " trước. — The file cannot be opened.");
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", in);
	sohoa_error_clear(&err);
	if (sohoa_preview_png(path, conf, SOHOA_PREVIEW_WIDTH, &png, &len, &err) != SOHOA_OK) {
		close(in);
		snprintf(head, sizeof head, "bad %s", err.reason != SOHOA_REASON_NONE
		    ? sohoa_reason_key(err.reason) : "");
		return say_reason(fd, head, err.msg);
	}
	close(in);
	if (sohoa_fs_pwrite_all(fd, png, len, 0) != 0) {
		free(png);
		return 1;
	}
	free(png);
	return 0;
}

sohoa_status
sohoa_preview_make(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id,
    long long memory_mb, int cpu_seconds, sohoa_error *err)
{
	sohoa_quarantined q;
	char *note = NULL, sig[96];
	sohoa_error e2;
	sohoa_status rc;
	pid_t pid;
	int fd, status = 0;

	if (!sohoa_quarantine_get(cat, id, &q))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "tài liệu %lld không có trong thư mục cách ly — record %lld is not in the"
		    " quarantine", (long long)id, (long long)id);
	if ((fd = memfd_create("sohoa-preview", MFD_CLOEXEC)) < 0)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "memfd: %s",
		    strerror(errno));
	sohoa_preview_file_sig(conf, &q, sig, sizeof sig);
	fflush(NULL);
	if ((pid = fork()) < 0) {
		close(fd);
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "fork: %s",
		    strerror(errno));
	}
	if (pid == 0)
		_exit(sohoa_preview_child(conf, &q, fd, memory_mb, cpu_seconds));
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sohoa_error_clear(&e2);
	(void)sohoa_quarantine_reason_file(conf, &q, &note, &e2);
	rc = sohoa_preview_store(conf, cat, id, fd, status, note, sig, err);
	free(note);
	close(fd);
	return rc;
}
