/*
 * engine_quarantine.c - the engine's quarantine (moved out of engine.c):
 * a rejected record's file and its reason file (Vietnamese first, English
 * below) published to the archivists' quarantine folder, a share like the
 * inbox, so through folder fds only (fsutil.h); and 'sohoa retry', which
 * puts one back into the inbox.  Publishing is idempotent: after a crash
 * start-up (engine_reconcile.c) simply does it again.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

#include "sohoa/backup.h"
#include "sohoa/describe.h"
#include "sohoa/engine.h"
#include "sohoa/fsutil.h"
#include "sohoa/hash.h"
#include "sohoa/ocr.h"
#include "sohoa/package.h"
#include "sohoa/search.h"
#include "sohoa/sign.h"
#include "sohoa/spool.h"
#include "sohoa/store.h"
#include "sohoa/tailieu.h"
#include "sohoa/catalog_queue.h"
#include "engine_int.h"

/* ---- quarantine ------------------------------------------------------ */

/*
 * The quarantine, like the inbox, is a folder of the share: every step in
 * it goes through a folder fd, never through a link (fsutil.h).  A name
 * there is at most QNAME_MAX bytes before its " (N)": with the reason
 * file's suffix it stays well under NAME_MAX whatever name the file had.
 */
#define QNAME_MAX 200

/* Splits name into stem and extension (".tif"), for " (2)" suffixes. */
static void
split_ext(const char *name, char *stem, size_t ssz, const char **ext)
{
	const char *dot = strrchr(name, '.');

	if (!dot || dot == name)
		dot = name + strlen(name);
	snprintf(stem, ssz, "%.*s", (int)(dot - name), name);
	*ext = dot;
}

/* FNV-1a (32 bits) of a name: tells shortened names apart. */
static unsigned
fnv32(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/*
 * The name a file gets in the quarantine, from its display name (NFC text,
 * invalid bytes already U+FFFD): control characters (C0, DEL, C1) become
 * '_', and a name over QNAME_MAX bytes is cut at a character boundary and
 * marked with '~' and a hash of the whole name, its extension kept.  The
 * original name is in the reason file.  Caller frees; NULL on OOM.
 */
static char *
quarantine_base(const char *name)
{
	size_t n = strlen(name), o = 0;
	const unsigned char *p = (const unsigned char *)name;
	char *out = malloc(n + 32);

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; ) {
		if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '/') {
			out[o++] = '_';
			i++;
		} else if (p[i] == 0xC2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f) {
			out[o++] = '_';
			i += 2;
		} else {
			out[o++] = (char)p[i++];
		}
	}
	out[o] = '\0';
	if (!o || !strcmp(out, ".") || !strcmp(out, "..")) {
		snprintf(out, n + 32, "_");
		o = 1;
	}
	if (o > QNAME_MAX) {
		const char *dot = strrchr(out, '.');
		size_t ext = dot && dot != out && strlen(dot) <= 16 ? strlen(dot) : 0;
		size_t keep = QNAME_MAX - 9 - ext;
		char extbuf[17];
		snprintf(extbuf, sizeof extbuf, "%s", ext ? out + o - ext : "");
		while (keep > 0 && ((unsigned char)out[keep] & 0xC0) == 0x80)
			keep--;
		snprintf(out + keep, n + 32 - keep, "~%08x%s", fnv32(name), extbuf);
	}
	return out;
}

/* A name under the quarantine folder (in sub, "" or "trung-lap") that is
 * free, with its reason file: "name", then "name (2)"... */
void
sohoa_eng_quarantine_name(const sohoa_conf *conf, const char *sub, const char *name,
    char *out, size_t size)
{
	char stem[NAME_MAX + 1], cand[NAME_MAX + 1], note[NAME_MAX + 32];
	char *base = quarantine_base(name);
	const char *ext;
	struct stat st;
	int dfd;

	if (!base) {
		snprintf(out, size, "%s%s_", sub, *sub ? "/" : "");
		return;
	}
	dfd = sohoa_fs_mkdirs_beneath(conf->quarantine, sub, 0750);
	split_ext(base, stem, sizeof stem, &ext);
	snprintf(cand, sizeof cand, "%s", base);
	for (int i = 2; dfd >= 0 && i < 10000; i++) {
		snprintf(note, sizeof note, "%s%s", cand, REASON_SUFFIX);
		if (fstatat(dfd, cand, &st, AT_SYMLINK_NOFOLLOW) != 0
		    && fstatat(dfd, note, &st, AT_SYMLINK_NOFOLLOW) != 0)
			break;
		snprintf(cand, sizeof cand, "%s (%d)%s", stem, i, ext);
	}
	if (dfd >= 0)
		close(dfd);
	snprintf(out, size, "%s%s%s", sub, *sub ? "/" : "", cand);
	free(base);
}

void
sohoa_eng_qinfo_release(struct qinfo *q)
{
	free(q->name); free(q->origin); free(q->reason); free(q->message); free(q->qname);
	free(q->inbox_path); free(q->hash); free(q->dup_name); free(q->name_raw);
	memset(q, 0, sizeof *q);
}

static char *
text_dup(const char *t)
{
	return strdup(t ? t : "");
}

/* A blob as a NUL-terminated copy, its length in *len. */
static char *
blob_dup(const void *b, size_t n, size_t *len)
{
	char *out = malloc(n + 1);

	*len = n;
	if (!out)
		return NULL;
	if (n)
		memcpy(out, b, n);
	out[n] = '\0';
	return out;
}

static int
qinfo_fill(void *ctx, const sohoa_quarantine_row *r)
{
	struct qinfo *q = ctx;

	q->id = r->id;
	snprintf(q->spool_id, sizeof q->spool_id, "%s", r->spool_id ? r->spool_id : "");
	q->name = text_dup(r->name);
	q->origin = text_dup(r->origin);
	q->reason = text_dup(r->reason);
	q->message = text_dup(r->message);
	q->qname = text_dup(r->quarantine_name);
	q->inbox_path = blob_dup(r->inbox_path, r->inbox_path_len, &q->inbox_path_len);
	q->hash = text_dup(r->hash);
	q->dup_of = r->duplicate_of;
	q->dup_name = text_dup(r->dup_name);
	snprintf(q->created, sizeof q->created, "%s", r->created_at ? r->created_at : "");
	q->name_raw = blob_dup(r->name_raw, r->name_raw_len, &q->name_raw_len);
	return 0;
}

int
sohoa_eng_qinfo_load(sohoa_catalog *cat, int64_t id, struct qinfo *q)
{
	int ok;

	memset(q, 0, sizeof *q);
	ok = sohoa_catalog_quarantine_row(cat, id, qinfo_fill, q)
	    && q->name && q->origin && q->reason && q->message && q->qname && q->inbox_path
	    && q->hash && q->dup_name && q->name_raw;
	if (!ok)
		sohoa_eng_qinfo_release(q);
	return ok ? 0 : -1;
}

/*
 * Text from other hands (a file name, a message quoting one) as it may be
 * shown in a file people read in a terminal or an editor: valid UTF-8 kept,
 * control characters (C0, DEL, C1) and the bidirectional overrides shown
 * as \xHH or \uHHHH, invalid bytes as \xHH.  Caller frees.
 */
static char *
shown(const char *s, size_t len)
{
	size_t cap = len * 6 + 1, o = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; ) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		    (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0) {
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", (unsigned char)s[i]);
			i++;
		} else if (cp < 0x20 || cp == 0x7f) {
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", (unsigned)cp);
			i += (size_t)n;
		} else if ((cp >= 0x80 && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e)
		    || (cp >= 0x2066 && cp <= 0x2069)) {
			o += (size_t)snprintf(out + o, cap - o, "\\u%04x", (unsigned)cp);
			i += (size_t)n;
		} else {
			memcpy(out + o, s + i, (size_t)n);
			o += (size_t)n;
			i += (size_t)n;
		}
	}
	out[o] = '\0';
	return out;
}

/*
 * s quoted for a POSIX shell: in single quotes, a quote as '\'', and a
 * control byte (there should be none: quarantine names have them replaced)
 * as bash's $'\xHH', so that nothing in a name runs when the line is
 * pasted.  Caller frees.
 */
static char *
shell_quote(const char *s)
{
	size_t n = strlen(s), o = 0, cap = n * 10 + 3;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	out[o++] = '\'';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\'') {
			memcpy(out + o, "'\\''", 4);
			o += 4;
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(out + o, cap - o, "'$'\\x%02x''", c);
		} else {
			out[o++] = (char)c;
		}
	}
	out[o++] = '\'';
	out[o] = '\0';
	return out;
}

/* What became of a refused file that never entered the spool. */
enum placed {
	PLACED,         /* in the quarantine */
	LEFT,           /* could not leave the inbox: the reason says it is still there */
	REMOVED,        /* a link, FIFO, socket or device: recorded and removed, not kept */
	GONE            /* not in the inbox any more (or something else has its name) */
};

/* The reason file: Vietnamese first, English below. */
static char *
reason_text(const struct qinfo *q, enum placed how)
{
	sohoa_reason r = sohoa_reason_from_key(q->reason);
	char dup_vi[700] = "", dup_en[700] = "", *out = NULL, qn_vi[NAME_MAX * 6 + 64] = "",
	    qn_en[NAME_MAX * 6 + 64] = "", retry_vi[NAME_MAX * 10 + 200], retry_en[NAME_MAX * 10 + 200];
	const char *qbase = strrchr(q->qname, '/') ? strrchr(q->qname, '/') + 1 : q->qname;
	char *name = shown(q->name_raw, q->name_raw_len), *origin = shown(q->origin,
	    strlen(q->origin)), *msg = shown(q->message, strlen(q->message)),
	    *dup = shown(q->dup_name, strlen(q->dup_name)), *qsh = shown(qbase, strlen(qbase)),
	    *cmd = shell_quote(q->qname);
	const char *where_vi = how == LEFT
	    ? "Lưu ý: không chuyển được tệp này khỏi thư mục nhận; tệp vẫn nằm ở đó.\n"
	    : how == REMOVED
	    ? "Lưu ý: đây là một liên kết (symlink), đường ống (FIFO) hoặc thiết bị, không phải"
	    " tệp dữ liệu: đã ghi nhận và xoá khỏi thư mục nhận, không giữ lại.\n" : "";
	const char *where_en = how == LEFT
	    ? "Note: the file could not be moved out of the inbox; it is still there.\n"
	    : how == REMOVED
	    ? "Note: this was a link, a pipe (FIFO) or a device, not a file: it was recorded"
	    " and removed from the inbox, not kept.\n" : "";

	if (!name || !origin || !msg || !dup || !qsh || !cmd)
		goto out;
	if (q->dup_of) {
		snprintf(dup_vi, sizeof dup_vi, "Trùng với: tài liệu số %lld (tệp \"%s\").\n",
		    (long long)q->dup_of, dup);
		snprintf(dup_en, sizeof dup_en, "Same as: record %lld (file \"%s\").\n",
		    (long long)q->dup_of, dup);
	}
	/* The name was shortened or cleaned for the quarantine. */
	if (strcmp(qbase, q->name) != 0 || q->name_raw_len != strlen(q->name)
	    || memcmp(q->name_raw, q->name, q->name_raw_len) != 0) {
		snprintf(qn_vi, sizeof qn_vi, "Tên trong thư mục cách ly: %s\n", qsh);
		snprintf(qn_en, sizeof qn_en, "Name in the quarantine: %s\n", qsh);
	}
	if (how == REMOVED) {
		snprintf(retry_vi, sizeof retry_vi, "Không có gì để xử lý lại: hãy chép chính tệp"
		    " quét (không phải lối tắt) vào thư mục nhận.\n");
		snprintf(retry_en, sizeof retry_en, "There is nothing to process again: copy the"
		    " scan itself (not a shortcut) into the inbox.\n");
	} else {
		snprintf(retry_vi, sizeof retry_vi, "Để xử lý lại tệp này (sau khi đã sửa), cán bộ"
		    " tin học chạy:\n    sohoa retry %s\n", cmd);
		snprintf(retry_en, sizeof retry_en, "To process this file again (once fixed), the IT"
		    " officer runs:\n    sohoa retry %s\n", cmd);
	}
	if (asprintf(&out,
	    "TỆP KHÔNG ĐƯỢC TIẾP NHẬN — sohoa\n"
	    "================================\n"
	    "Tệp: %s\n"
	    "%s"
	    "Thư mục gốc: %s\n"
	    "Thời gian: %s\n"
	    "Mã tiếp nhận: %lld\n"
	    "Lý do: %s\n"
	    "%s"
	    "Chi tiết kỹ thuật: %s\n"
	    "Cần làm: %s\n"
	    "%s"
	    "%s"
	    "\n"
	    "--- English ---\n"
	    "File not accepted by sohoa\n"
	    "File: %s\n"
	    "%s"
	    "Folder: %s\n"
	    "Time: %s\n"
	    "Record: %lld\n"
	    "Reason: %s\n"
	    "%s"
	    "Technical detail: %s\n"
	    "What to do: %s\n"
	    "%s"
	    "%s",
	    name, qn_vi, *origin ? origin : "(thư mục nhận)", q->created, (long long)q->id,
	    sohoa_reason_vi(r), dup_vi, msg, sohoa_reason_advice_vi(r), where_vi, retry_vi,
	    name, qn_en, *origin ? origin : "(inbox)", q->created, (long long)q->id,
	    sohoa_reason_en(r), dup_en, msg, sohoa_reason_advice_en(r), where_en, retry_en) < 0)
		out = NULL;
out:
	free(name); free(origin); free(msg); free(dup); free(qsh); free(cmd);
	return out;
}

/* Puts the spool file src under name in the quarantine folder qdfd: a hard
 * link keeps the spool copy until the catalog knows the quarantine has it;
 * a copy across filesystems. */
static sohoa_status
place_spool_file(const char *src, int qdfd, const char *name, sohoa_error *err)
{
	int fd;
	sohoa_status rc;

	unlinkat(qdfd, name, 0);    /* from an earlier, interrupted try */
	if (linkat(AT_FDCWD, src, qdfd, name, 0) == 0) {
		(void)fsync(qdfd);
		return SOHOA_OK;
	}
	if ((fd = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s: %s", src,
		    strerror(errno));
	rc = sohoa_fs_copy_fd_at(fd, qdfd, name, 0640, err);
	close(fd);
	return rc;
}

/*
 * Takes a refused inbox object (the record's inbox_path, the object seen
 * when seen has an inode) into the quarantine folder qdfd as qbase: a file
 * or a folder is moved (copied across filesystems, then removed), a link,
 * FIFO, socket or device is removed and never carried over.  Only through
 * folder fds, after checking the object is the one seen.
 */
static enum placed
place_from_inbox(sohoa_engine *e, const struct qinfo *q, const struct stat *seen, int qdfd,
    const char *qbase)
{
	const char *base;
	struct stat st;
	enum placed how = LEFT;
	int pdfd = sohoa_fs_open_parent_beneath(e->conf->inbox, q->inbox_path, &base);

	if (pdfd < 0)
		return GONE;    /* its folder is gone, or is a link now: nothing of ours */
	if (fstatat(pdfd, base, &st, AT_SYMLINK_NOFOLLOW) != 0
	    || (seen && seen->st_ino && !sohoa_fs_same_object(seen, &st))) {
		close(pdfd);
		return GONE;
	}
	if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		how = sohoa_fs_unlink_same(pdfd, base, &st) == 0 ? REMOVED : LEFT;
		if (how == REMOVED)
			(void)fsync(pdfd);
		close(pdfd);
		return how;
	}
	if (sohoa_fs_move_same(pdfd, base, qdfd, qbase, &st) == 0) {
		struct stat now;
		int fd = openat(qdfd, qbase, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC
		    | (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
		how = PLACED;
		if (fd >= 0 && fstat(fd, &now) == 0 && sohoa_fs_same_object(&now, &st)) {
			/* As private as what the daemon writes there itself. */
			(void)fchmod(fd, st.st_mode & (S_ISDIR(st.st_mode) ? 0750 : 0640));
			if (S_ISDIR(st.st_mode)) {
				/* A folder comes with what is in it: no link or FIFO
				 * of it stays live in the quarantine. */
				int n = sohoa_fs_remove_specials_at(fd);
				if (n > 0)
					logf_(e, SOHOA_LOG_WARNING, q->id, "%d link(s) or special file(s)"
					    " in the refused folder removed", n);
			}
		}
		if (fd >= 0)
			close(fd);
	} else if (errno == EXDEV && S_ISREG(st.st_mode)) {
		struct stat got;
		sohoa_error cerr;
		int fd = sohoa_fs_open_file_at(pdfd, base, &st, &got);
		sohoa_error_clear(&cerr);
		if (fd >= 0 && sohoa_fs_copy_fd_at(fd, qdfd, qbase, 0640, &cerr) == SOHOA_OK)
			how = sohoa_fs_unlink_same(pdfd, base, &st) == 0 ? PLACED : LEFT;
		if (fd >= 0)
			close(fd);
	} else if (errno == ESTALE || errno == ENOENT) {
		how = GONE;
	}
	close(pdfd);
	return how;
}

/*
 * Makes the folder qbase in the quarantine folder qdfd from a document
 * folder's spool entry: each part under its own name, and the sidecar
 * listing them in their order, so that 'sohoa retry' puts back a folder the
 * daemon takes as the same document.
 */
static sohoa_status
place_parts(sohoa_engine *e, const char *spool_id, const char *entry, int qdfd,
    const char *qbase, sohoa_error *err)
{
	sohoa_envelope env;
	char src[PATH_MAX];
	size_t len = 64, off;
	char *list = NULL;
	sohoa_status rc = SOHOA_OK;
	int fd = -1;

	if (sohoa_spool_read_envelope(e->spool, STATE_DIR(QUARANTINED), spool_id, &env, err) != SOHOA_OK)
		return err->status;
	if ((mkdirat(qdfd, qbase, 0750) != 0 && errno != EEXIST)
	    || (fd = openat(qdfd, qbase, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "folder %s: %s", qbase,
		    strerror(errno));
		goto out;
	}
	for (int i = 0; i < env.nparts; i++)
		len += strlen(env.part_names[i]) + 1;
	if (!(list = malloc(len))) {
		rc = sohoa_error_oom(err);
		goto out;
	}
	off = (size_t)snprintf(list, len, "# %d trang / pages\n", env.nparts);
	for (int i = 0; i < env.nparts && rc == SOHOA_OK; i++) {
		const char *name = env.part_names[i];
		if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
			rc = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "%s: a part has an impossible name", entry);
			break;
		}
		sohoa_tailieu_part_path(entry, env.nparts, i, src, sizeof src);
		rc = place_spool_file(src, fd, name, err);
		off += (size_t)snprintf(list + off, len - off, "%s\n", name);
	}
	if (rc == SOHOA_OK)
		rc = sohoa_fs_write_file_at(fd, SOHOA_TAILIEU_SIDECAR, list, off, 0640, err);
out:
	if (fd >= 0)
		close(fd);
	free(list);
	sohoa_envelope_release(&env);
	return rc;
}

/*
 * Puts a quarantined record's file and its reason file in the quarantine
 * folder, marks it published, and drops the spool copy.  Idempotent: after
 * a crash it is simply done again.  seen: the inbox object refused (when
 * the file never entered the spool), or NULL.
 */
sohoa_status
sohoa_eng_publish_quarantine(sohoa_engine *e, int64_t id, const struct stat *seen, sohoa_error *err)
{
	struct qinfo q;
	char src[PATH_MAX], entry[PATH_MAX], sub[PATH_MAX], note[NAME_MAX + 32], *text;
	const char *qbase;
	struct stat st;
	int from_inbox = 0, qdfd;
	enum placed how = PLACED;
	sohoa_status rc = SOHOA_OK;

	if (sohoa_eng_qinfo_load(e->cat, id, &q) != 0)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "cannot read record %lld", (long long)id);
	qbase = strrchr(q.qname, '/') ? strrchr(q.qname, '/') + 1 : q.qname;
	snprintf(sub, sizeof sub, "%.*s", (int)(qbase > q.qname ? qbase - 1 - q.qname : 0),
	    q.qname);
	snprintf(note, sizeof note, "%s%s", qbase, REASON_SUFFIX);
	if ((qdfd = sohoa_fs_mkdirs_beneath(e->conf->quarantine, sub, 0750)) < 0) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "quarantine folder %s%s%s:"
		    " %s", e->conf->quarantine, *sub ? "/" : "", sub, strerror(errno));
		sohoa_eng_qinfo_release(&q);
		return rc;
	}
	sohoa_spool_path(e->spool, STATE_DIR(QUARANTINED), q.spool_id, "original", src, sizeof src);
	sohoa_spool_path(e->spool, STATE_DIR(QUARANTINED), q.spool_id, NULL, entry, sizeof entry);
	if (lstat(src, &st) != 0 && sohoa_tailieu_parts_in(entry) > 0) {
		/* A document folder goes back as a folder, sidecar included. */
		rc = place_parts(e, q.spool_id, entry, qdfd, qbase, err);
	} else if (lstat(src, &st) == 0) {
		rc = place_spool_file(src, qdfd, qbase, err);
	} else {
		/* Never entered the spool (link, unreadable, too large): take it
		 * from the inbox itself. */
		from_inbox = 1;
		how = place_from_inbox(e, &q, seen, qdfd, qbase);
		if (how == GONE && fstatat(qdfd, qbase, &st, AT_SYMLINK_NOFOLLOW) != 0)
			logf_(e, SOHOA_LOG_WARNING, id, "quarantined file %s is gone from the inbox",
			    q.name);
	}
	if (rc == SOHOA_OK) {
		if ((text = reason_text(&q, how)) != NULL) {
			rc = sohoa_fs_write_file_at(qdfd, note, text, strlen(text), 0640, err);
			free(text);
		} else {
			rc = sohoa_error_oom(err);
		}
	}
	close(qdfd);
	if (rc == SOHOA_OK) {
		rc = sohoa_catalog_quarantine_mark_published(e->cat, id, how != LEFT, err);
	}
	if (rc == SOHOA_OK && !from_inbox)
		sohoa_spool_remove(e->spool, STATE_DIR(QUARANTINED), q.spool_id, NULL);
	if (rc == SOHOA_OK) {
		char *shown_name = shown(q.name_raw, q.name_raw_len);
		char *shown_origin = shown(q.origin, strlen(q.origin));
		char *shown_msg = shown(q.message, strlen(q.message));
		logf_(e, SOHOA_LOG_WARNING, id, "quarantined %s%s%s: %s (%s)%s",
		    shown_origin ? shown_origin : "", *q.origin ? "/" : "",
		    shown_name ? shown_name : "?", q.reason, shown_msg ? shown_msg : "",
		    how == REMOVED ? "; removed from the inbox, not kept" : "");
		free(shown_name); free(shown_origin); free(shown_msg);
	}
	sohoa_eng_qinfo_release(&q);
	return rc;
}

/* Moves a spool entry to quarantine and records why (file first, then the
 * catalog), then publishes it. */
sohoa_status
sohoa_eng_quarantine_entry(sohoa_engine *e, const char *spool_id, sohoa_state state, int64_t id,
    const char *name, sohoa_reason reason, const char *msg, int64_t dup_of, sohoa_error *err)
{
	char qname[PATH_MAX];

	if (state != STATE_DIR(QUARANTINED)
	    && sohoa_spool_move(e->spool, spool_id, state, STATE_DIR(QUARANTINED), err) != SOHOA_OK)
		return err->status;
	sohoa_eng_quarantine_name(e->conf, reason == SOHOA_REASON_DUPLICATE ? DUPLICATE_DIR : "",
	    name, qname, sizeof qname);
	if (sohoa_catalog_begin(e->cat, err) != SOHOA_OK)
		return err->status;
	if (sohoa_catalog_quarantine(e->cat, id, sohoa_reason_key(reason), msg, qname, dup_of,
	    err) != SOHOA_OK
	    || sohoa_catalog_event_add(e->cat, id,
	    reason == SOHOA_REASON_DUPLICATE ? "duplicate" : "quarantine", e->agent,
	    reason == SOHOA_REASON_DUPLICATE ? "warning" : "failure", msg, err) != SOHOA_OK
	    || sohoa_catalog_commit(e->cat, err) != SOHOA_OK) {
		sohoa_catalog_rollback(e->cat);
		return err->status;
	}
	return sohoa_eng_publish_quarantine(e, id, NULL, err);
}

/* ---- putting quarantined files back ---------------------------------- */

sohoa_status
sohoa_quarantine_retry(const sohoa_conf *conf, sohoa_catalog *cat, const char *name,
    char *dest, size_t destlen, sohoa_error *err)
{
	int64_t id = 0;
	char qname[PATH_MAX] = "", origin[PATH_MAX] = "", fname[NAME_MAX * 3 + 1] = "";
	char qsub[PATH_MAX], note[NAME_MAX + 32], dname[NAME_MAX + 1], stem[NAME_MAX + 1];
	const char *ext, *qbase;
	struct stat sb, probe;
	int qdfd = -1, idfd = -1;
	sohoa_status rc = SOHOA_OK;
	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	/* By its name under the quarantine folder, or by its plain name if
	 * that is unambiguous. */
	if (sohoa_catalog_quarantine_find(cat, name, &id, qname, sizeof qname, origin,
	    sizeof origin, fname, sizeof fname, err) != SOHOA_OK)
		return err->status;
	if (!id)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "không có tệp nào tên \"%s\" trong thư mục cách ly / no quarantined file"
		    " named \"%s\"", name, name);
	qbase = strrchr(qname, '/') ? strrchr(qname, '/') + 1 : qname;
	snprintf(qsub, sizeof qsub, "%.*s", (int)(qbase > qname ? qbase - 1 - qname : 0), qname);
	snprintf(note, sizeof note, "%s%s", qbase, REASON_SUFFIX);
	/* Both folders are the share's: through folder fds only (fsutil.h). */
	if ((qdfd = sohoa_fs_open_dir_beneath(conf->quarantine, qsub)) < 0
	    || fstatat(qdfd, qbase, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
		rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE, "%s/%s: %s",
		    conf->quarantine, qname, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode)) {
		rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NOT_REGULAR,
		    "%s/%s is not a file nor a folder: not put back", conf->quarantine, qname);
		goto out;
	}
	if ((idfd = sohoa_fs_mkdirs_beneath(conf->inbox, origin, 0775)) < 0) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s%s%s: %s", conf->inbox,
		    *origin ? "/" : "", origin, strerror(errno));
		goto out;
	}
	split_ext(fname, stem, sizeof stem, &ext);
	snprintf(dname, sizeof dname, "%s", fname);
	for (int i = 2; i < 10000 && fstatat(idfd, dname, &probe, AT_SYMLINK_NOFOLLOW) == 0; i++)
		if ((size_t)snprintf(dname, sizeof dname, "%s (%d)%s", stem, i, ext) >= sizeof dname)
			snprintf(dname, sizeof dname, "%08x (%d)%s", fnv32(fname), i, ext);
	if (sohoa_fs_move_same(qdfd, qbase, idfd, dname, &sb) != 0) {
		int e = errno, fd;
		struct stat got;
		if (e != EXDEV || !S_ISREG(sb.st_mode)) {
			rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "move %s to the inbox:"
			    " %s", qname, strerror(e));
			goto out;
		}
		if ((fd = sohoa_fs_open_file_at(qdfd, qbase, &sb, &got)) < 0) {
			rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s: %s", qname,
			    strerror(errno));
			goto out;
		}
		rc = sohoa_fs_copy_fd_at(fd, idfd, dname, 0640, err);
		close(fd);
		if (rc != SOHOA_OK)
			goto out;
		sohoa_fs_unlink_same(qdfd, qbase, &sb);
	}
	unlinkat(qdfd, note, 0);
	(void)fsync(qdfd);
	sohoa_catalog_quarantine_released(cat, id, NULL);
	{
		char dst[PATH_MAX * 2];
		snprintf(dst, sizeof dst, "%s%s%s/%s", conf->inbox, *origin ? "/" : "", origin, dname);
		sohoa_catalog_event_add(cat, id, "retry", "sohoa " SOHOA_VERSION " (sohoa retry)",
		    "success", dst, NULL);
		if (dest)
			snprintf(dest, destlen, "%s", dst);
	}
out:
	if (qdfd >= 0)
		close(qdfd);
	if (idfd >= 0)
		close(idfd);
	return rc;
}
