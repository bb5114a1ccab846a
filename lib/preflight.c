/*
 * preflight.c - the checks of preflight.h: each asks the module that owns
 * the thing (package schemas, Tesseract, the signer) to open it, as the run
 * would, and says in a sentence what is missing.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sohoa/ocr.h"
#include "sohoa/package.h"
#include "sohoa/preflight.h"
#include "sohoa/sign.h"

static void
add(sohoa_preflight_report *rep, int error, const char *fmt, ...)
{
	va_list ap;

	if (rep->n >= SOHOA_PREFLIGHT_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(rep->items[rep->n].msg, sizeof rep->items[rep->n].msg, fmt, ap);
	va_end(ap);
	rep->items[rep->n++].error = error;
	rep->errors += error;
}

/* Whether files can be made in dir, or (when it does not exist yet) in the
 * nearest folder above it that exists, as sohoa would make it. */
static int
writable_or_creatable(const char *dir)
{
	char p[PATH_MAX];
	struct stat sb;
	char *slash;

	snprintf(p, sizeof p, "%s", dir);
	for (;;) {
		if (stat(p, &sb) == 0)
			return S_ISDIR(sb.st_mode) && access(p, W_OK | X_OK) == 0;
		if (errno != ENOENT || !(slash = strrchr(p, '/')))
			return 0;
		if (slash == p) {
			p[1] = '\0';
		} else {
			*slash = '\0';
		}
	}
}

int
sohoa_preflight_run(const sohoa_conf *c, sohoa_preflight_report *rep)
{
	sohoa_package_schemas *sch;
	sohoa_signer *signer;
	sohoa_error err;
	char marker[PATH_MAX];
	struct stat sb;

	memset(rep, 0, sizeof *rep);
	sohoa_error_clear(&err);
	if (!(sch = sohoa_package_schemas_open(c->schema_dir, &err)))
		add(rep, 1, "không đọc được lược đồ XML, gói lưu trữ sẽ không được ghi — the XML"
		    " schemas cannot be read, no package would be written (schema_dir = %s): %s",
		    c->schema_dir, err.msg);
	sohoa_package_schemas_free(sch);

	if (!c->agency_name[0] || !c->agency_code[0])
		add(rep, 1, "chưa đặt tên và mã cơ quan (agency_name, agency_code), gói lưu trữ sẽ"
		    " không được ghi — agency_name and agency_code are not set: no package would be"
		    " written");

	sohoa_error_clear(&err);
	if (sohoa_ocr_check_languages(c->languages, c->tessdata, &err) != SOHOA_OK)
		add(rep, 1, "%s", err.msg);

	if (sohoa_signer_configured(c)) {
		sohoa_error_clear(&err);
		if (!(signer = sohoa_signer_open(c, &err)))
			add(rep, 1, "không mở được khóa ký số, tài liệu sẽ không được ký — the signing key"
			    " cannot be used, documents would not be signed: %s", err.msg);
		sohoa_signer_free(signer);
	} else {
		add(rep, 0, "chưa cấu hình khóa ký số (sign_key): tài liệu không được ký và không"
		    " xuất được gói tháng — no signing key (sign_key): documents are not signed and"
		    " no monthly bundle can be exported");
	}

	if (!writable_or_creatable(c->outbox))
		add(rep, 1, "không ghi được vào thư mục xuất %s — the outbox %s cannot be written",
		    c->outbox, c->outbox);

	if (c->backup_dir[0]) {
		snprintf(marker, sizeof marker, "%s/sohoa-backup.id", c->backup_dir);
		if (stat(c->backup_dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
			add(rep, 0, "chưa có ổ sao lưu %s (chưa gắn?): sẽ sao lưu bù khi có — the backup"
			    " folder %s is not there (not mounted?); it is caught up when it is",
			    c->backup_dir, c->backup_dir);
		else if (access(marker, F_OK) != 0 && access(c->backup_dir, W_OK) == 0)
			add(rep, 0, "%s chưa có %s: đĩa trống chưa được dùng làm bản sao lưu (tạo tệp rỗng"
			    " đó để bắt đầu) — %s has no %s: an empty mount point is not taken for the"
			    " backup (create that empty file to start one)", c->backup_dir,
			    "sohoa-backup.id", c->backup_dir, "sohoa-backup.id");
		else if (access(c->backup_dir, W_OK | X_OK) != 0)
			add(rep, 1, "không ghi được vào ổ sao lưu %s — the backup folder %s cannot be"
			    " written", c->backup_dir, c->backup_dir);
	}
	if (stat(c->inbox, &sb) != 0)
		add(rep, 0, "chưa có thư mục nhận %s — the inbox %s does not exist yet", c->inbox,
		    c->inbox);
	return rep->errors;
}
