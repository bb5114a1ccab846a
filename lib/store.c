/*
 * store.c - the store's identity and the catalog's relative paths (store.h):
 * what lets the IT officer move state_dir to a bigger disk with cp -a.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "sohoa/fsutil.h"
#include "sohoa/store.h"

#define MARKER_MAGIC "sohoa-store "
#define ID_MAX 64

/* Reads the marker in dir: 1 with its id in id, 0 when there is none, -1
 * when it cannot be read or is not a marker (err set). */
static int
read_marker(const char *dir, char id[ID_MAX], sohoa_error *err)
{
	char path[4096], *data = NULL;
	size_t len = 0, n;
	sohoa_error local;
	struct stat sb;

	snprintf(path, sizeof path, "%s/%s", dir, SOHOA_STORE_MARKER);
	if (lstat(path, &sb) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "%s: %s", path,
		    strerror(errno));
		return -1;
	}
	sohoa_error_clear(&local);
	if (!S_ISREG(sb.st_mode) || sohoa_fs_read_file(path, 256, &data, &len, &local) != SOHOA_OK
	    || strncmp(data, MARKER_MAGIC, strlen(MARKER_MAGIC)) != 0) {
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "tệp nhận dạng kho %s hỏng — the store marker %s is damaged%s%s", path, path,
		    local.msg[0] ? ": " : "", local.msg);
		free(data);
		return -1;
	}
	n = strcspn(data + strlen(MARKER_MAGIC), "\r\n");
	if (n == 0 || n >= ID_MAX) {
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "tệp nhận dạng kho %s hỏng — the store marker %s is damaged", path, path);
		free(data);
		return -1;
	}
	memcpy(id, data + strlen(MARKER_MAGIC), n);
	id[n] = '\0';
	free(data);
	return 1;
}

static sohoa_status
write_marker(const char *dir, const char *id, sohoa_error *err)
{
	char path[4096], text[ID_MAX + 32];
	int n;

	snprintf(path, sizeof path, "%s/%s", dir, SOHOA_STORE_MARKER);
	n = snprintf(text, sizeof text, MARKER_MAGIC "%s\n", id);
	/* 0640: sohoa-web, in the store's group, checks it too (not a secret). */
	return sohoa_fs_write_file(path, text, (size_t)n, 0640, err);
}

/* A random (version 4) UUID. */
static sohoa_status
new_id(char out[ID_MAX], sohoa_error *err)
{
	unsigned char r[16];

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "getrandom: %s",
		    strerror(errno));
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
	snprintf(out, ID_MAX, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8],
	    r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
	return SOHOA_OK;
}

sohoa_status
sohoa_store_check(const char *dir, sohoa_catalog *cat, int flags, char *note,
    size_t note_size, sohoa_error *err)
{
	char mid[ID_MAX] = "", cid[ID_MAX] = "", old[4096] = "", oid[ID_MAX];
	int have_marker, have_cid;
	sohoa_error ignore;

	if (note && note_size)
		note[0] = '\0';
	if ((have_marker = read_marker(dir, mid, err)) < 0)
		return err->status;
	have_cid = sohoa_catalog_meta_get(cat, "id", cid, sizeof cid);
	if (!have_cid) {
		/* A new catalog, or one older than identities: it takes the
		 * marker's identity, or a new one (marker first, so that a crash
		 * in between leaves a marker the next start adopts). */
		if (!(flags & SOHOA_STORE_UPDATE))
			return SOHOA_OK;
		if (!have_marker) {
			if (new_id(mid, err) != SOHOA_OK || write_marker(dir, mid, err) != SOHOA_OK)
				return err->status;
		}
		if (sohoa_catalog_meta_set(cat, "id", mid, err) != SOHOA_OK
		    || sohoa_catalog_meta_set(cat, "path", dir, err) != SOHOA_OK)
			return err->status;
		return SOHOA_OK;
	}
	if (!have_marker) {
		if (!(flags & SOHOA_STORE_ADOPT))
			return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "thư mục kho %s thiếu tệp %s của danh mục (kho %s): có lẽ chỉ chép danh"
			    " mục sang mà không chép cả kho; hãy chép cả thư mục kho (cp -a) rồi sửa"
			    " state_dir — state_dir %s lacks the marker %s of its catalog (store %s):"
			    " copy the whole store folder (cp -a), then point state_dir at the copy",
			    dir, SOHOA_STORE_MARKER, cid, dir, SOHOA_STORE_MARKER, cid);
		if (write_marker(dir, cid, err) != SOHOA_OK)
			return err->status;
	} else if (strcmp(mid, cid) != 0) {
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "danh mục (catalog.db) thuộc kho %s nhưng thư mục %s là kho %s: không ghi vào"
		    " kho của danh mục khác; đặt lại catalog.db đúng của kho này — the catalog"
		    " belongs to store %s but %s is store %s; nothing is written into another"
		    " store: put back this store's own catalog.db", cid, dir, mid, cid, dir, mid);
	}
	sohoa_catalog_meta_get(cat, "path", old, sizeof old);
	if (old[0] && strcmp(old, dir) != 0) {
		size_t k;
		if (note && note_size) {
			k = (size_t)snprintf(note, note_size, "kho đã được chuyển từ %s sang %s — the"
			    " store was moved from %s to %s", old, dir, old, dir);
			sohoa_error_clear(&ignore);
			if (k < note_size && read_marker(old, oid, &ignore) == 1 && !strcmp(oid, cid))
				snprintf(note + k, note_size - k, "; bản cũ ở %s không còn được dùng, xóa"
				    " nó khi đã kiểm tra kho mới (sohoa audit) — the old copy at %s is"
				    " no longer used: remove it once the new store is checked (sohoa"
				    " audit)", old, old);
		}
	}
	if ((flags & SOHOA_STORE_UPDATE) && strcmp(old, dir) != 0
	    && sohoa_catalog_meta_set(cat, "path", dir, err) != SOHOA_OK)
		return err->status;
	return SOHOA_OK;
}

const char *
sohoa_store_package_name(const char *dir)
{
	const char *s = strrchr(dir, '/');
	return s ? s + 1 : dir;
}

int
sohoa_store_package_path(const sohoa_conf *conf, const char *stored, char *buf, size_t size)
{
	const char *name;
	int n;

	if (!stored || !*(name = sohoa_store_package_name(stored)))
		return -1;
	n = snprintf(buf, size, "%s/%s", conf->package_dir, name);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int
sohoa_store_relative(const sohoa_conf *conf, const char *path, char *buf, size_t size)
{
	size_t k = strlen(conf->state_dir);
	int n;

	while (k > 1 && conf->state_dir[k - 1] == '/')
		k--;
	if (!strncmp(path, conf->state_dir, k) && path[k] == '/' && path[k + 1])
		path += k + 1;
	n = snprintf(buf, size, "%s", path);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int
sohoa_store_resolve(const sohoa_conf *conf, const char *stored, char *buf, size_t size)
{
	int n = stored[0] == '/' ? snprintf(buf, size, "%s", stored)
	    : snprintf(buf, size, "%s/%s", conf->state_dir, stored);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* A value the shipped sohoa.conf holds until someone sets it: "<...>". */
static int
is_placeholder(const char *v)
{
	size_t n = strlen(v);
	return n >= 2 && v[0] == '<' && v[n - 1] == '>';
}

sohoa_status
sohoa_store_check_agency(const sohoa_conf *conf, sohoa_catalog *cat, int flags,
    sohoa_error *err)
{
	char known[256] = "";
	int records;

	if (is_placeholder(conf->agency_name) || is_placeholder(conf->agency_code))
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "chưa đặt tên và mã định danh cơ quan: điền agency_name và agency_code"
		    " trong sohoa.conf rồi systemctl start sohoad — the agency name and code are not"
		    " set: fill in agency_name and agency_code in sohoa.conf, then systemctl start"
		    " sohoad; nothing is ingested until then");
	if (!cat)
		return SOHOA_OK;
	if (!sohoa_catalog_meta_get(cat, "agency_code", known, sizeof known)) {
		/* A store older than this check: it takes the code in force. */
		if (flags & SOHOA_STORE_UPDATE)
			return sohoa_catalog_meta_set(cat, "agency_code", conf->agency_code, err);
		return SOHOA_OK;
	}
	if (!strcmp(known, conf->agency_code))
		return SOHOA_OK;
	if ((records = sohoa_catalog_has_records(cat)) < 0)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "không đọc được danh mục — cannot read the catalog");
	if (records)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "kho đã có tài liệu mang mã \"%s\", không đổi sang \"%s\" được (mã nằm trong"
		    " docId và tên gói); đặt lại agency_code = \"%s\" — the store holds records"
		    " made with agency_code \"%s\": it cannot change to \"%s\" once records exist;"
		    " set agency_code = \"%s\" again (another agency: another state_dir)",
		    known, conf->agency_code, known, known, conf->agency_code, known);
	if (flags & SOHOA_STORE_UPDATE)
		return sohoa_catalog_meta_set(cat, "agency_code", conf->agency_code, err);
	return SOHOA_OK;
}
