/*
 * engine.c - the pipeline as a state machine on disk (ARCHITECTURE.md):
 *
 *   inbox --take--> spool/incoming --dispatch--> spool/active --OCR ok--> spool/done
 *                        |                            |--bad input--> quarantine
 *                        |--duplicate--> quarantine   |--crash/timeout--> spool/deferred
 *
 * Order of every step: the file moves first (rename), the catalog row is
 * committed after; reconcile() at start-up makes them agree again after a
 * crash at any instant (see the invariants in spool.h).
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

/* The sub-folder of the quarantine for byte-identical duplicates. */
#define DUPLICATE_DIR "trung-lap"
/* The suffix of the reason file beside a quarantined file. */
#define REASON_SUFFIX ".ly-do.txt"

struct job {
	char spool_id[SOHOA_SPOOL_ID_MAX];
	int64_t record_id;
	double started;             /* monotonic seconds when given to a worker */
};

static double
mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct sohoa_engine {
	const sohoa_conf *conf;
	sohoa_engine_options opt;
	char agent[64];
	char ocr_agent[64];
	sohoa_spool *spool;
	sohoa_catalog *cat;
	sohoa_pool *pool;
	sohoa_package_schemas *schemas; /* NULL: packages are not written */
	sohoa_signer *signer;       /* NULL: PDFs are not signed */
	sohoa_backup *backup;       /* the copy on backup_dir (backup.h); NULL: none */
	struct job *queue;          /* FIFO of incoming jobs */
	size_t qhead, qlen, qcap;
	struct job running[256];    /* indexed by worker */
	int paused;
	int pollmap[256];
	/* A pickup whose record could not be written, or a defer the catalog
	 * did not take (disk full), left the spool and the catalog apart: set
	 * right from tick(), as at start-up, once the catalog takes writes. */
	int orphans;
	time_t orphans_at;
	const char *orphans_state;
};

static void
logf_(sohoa_engine *e, int level, int64_t id, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void
logf_(sohoa_engine *e, int level, int64_t id, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!e->opt.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	e->opt.log(e->opt.log_arg, level, id, msg);
}

static int
queue_push(sohoa_engine *e, const char *spool_id, int64_t record_id)
{
	if (e->qhead + e->qlen == e->qcap) {
		if (e->qhead > 0) {
			memmove(e->queue, e->queue + e->qhead, e->qlen * sizeof *e->queue);
			e->qhead = 0;
		} else {
			size_t cap = e->qcap ? e->qcap * 2 : 64;
			struct job *q = realloc(e->queue, cap * sizeof *q);
			if (!q)
				return -1;
			e->queue = q;
			e->qcap = cap;
		}
	}
	snprintf(e->queue[e->qhead + e->qlen].spool_id, SOHOA_SPOOL_ID_MAX, "%s", spool_id);
	e->queue[e->qhead + e->qlen].record_id = record_id;
	e->qlen++;
	return 0;
}

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
static void
choose_quarantine_name(const sohoa_conf *conf, const char *sub, const char *name,
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

struct qinfo {
	int64_t id;
	char spool_id[SOHOA_SPOOL_ID_MAX];
	char *name, *origin, *reason, *message, *qname, *inbox_path, *hash, *name_raw;
	size_t inbox_path_len, name_raw_len;
	int64_t dup_of;
	char *dup_name;
	char created[32];
};

static void
qinfo_release(struct qinfo *q)
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

static int
qinfo_load(sohoa_catalog *cat, int64_t id, struct qinfo *q)
{
	int ok;

	memset(q, 0, sizeof *q);
	ok = sohoa_catalog_quarantine_row(cat, id, qinfo_fill, q)
	    && q->name && q->origin && q->reason && q->message && q->qname && q->inbox_path
	    && q->hash && q->dup_name && q->name_raw;
	if (!ok)
		qinfo_release(q);
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

	if (sohoa_spool_read_envelope(e->spool, "quarantine", spool_id, &env, err) != SOHOA_OK)
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
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
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
static sohoa_status
publish_quarantine(sohoa_engine *e, int64_t id, const struct stat *seen, sohoa_error *err)
{
	struct qinfo q;
	char src[PATH_MAX], entry[PATH_MAX], sub[PATH_MAX], note[NAME_MAX + 32], *text;
	const char *qbase;
	struct stat st;
	int from_inbox = 0, qdfd;
	enum placed how = PLACED;
	sohoa_status rc = SOHOA_OK;

	if (qinfo_load(e->cat, id, &q) != 0)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "cannot read record %lld", (long long)id);
	qbase = strrchr(q.qname, '/') ? strrchr(q.qname, '/') + 1 : q.qname;
	snprintf(sub, sizeof sub, "%.*s", (int)(qbase > q.qname ? qbase - 1 - q.qname : 0),
	    q.qname);
	snprintf(note, sizeof note, "%s%s", qbase, REASON_SUFFIX);
	if ((qdfd = sohoa_fs_mkdirs_beneath(e->conf->quarantine, sub, 0750)) < 0) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "quarantine folder %s%s%s:"
		    " %s", e->conf->quarantine, *sub ? "/" : "", sub, strerror(errno));
		qinfo_release(&q);
		return rc;
	}
	sohoa_spool_path(e->spool, "quarantine", q.spool_id, "original", src, sizeof src);
	sohoa_spool_path(e->spool, "quarantine", q.spool_id, NULL, entry, sizeof entry);
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
			rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
		}
	}
	close(qdfd);
	if (rc == SOHOA_OK) {
		rc = sohoa_catalog_quarantine_mark_published(e->cat, id, how != LEFT, err);
	}
	if (rc == SOHOA_OK && !from_inbox)
		sohoa_spool_remove(e->spool, "quarantine", q.spool_id, NULL);
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
	qinfo_release(&q);
	return rc;
}

/* Moves a spool entry to quarantine and records why (file first, then the
 * catalog), then publishes it. */
static sohoa_status
quarantine_entry(sohoa_engine *e, const char *spool_id, const char *state, int64_t id,
    const char *name, sohoa_reason reason, const char *msg, int64_t dup_of, sohoa_error *err)
{
	char qname[PATH_MAX];

	if (strcmp(state, "quarantine") != 0
	    && sohoa_spool_move(e->spool, spool_id, state, "quarantine", err) != SOHOA_OK)
		return err->status;
	choose_quarantine_name(e->conf, reason == SOHOA_REASON_DUPLICATE ? DUPLICATE_DIR : "",
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
	return publish_quarantine(e, id, NULL, err);
}

/* ---- taking files ---------------------------------------------------- */

/*
 * Records an entry that is complete in incoming/ (fresh from pickup, or
 * found without a record at start-up): checks for a duplicate, inserts
 * the record with its events, and queues it or quarantines it.
 */
static sohoa_status
adopt(sohoa_engine *e, const sohoa_envelope *env, int inbox_removed, int keep_inbox_path,
    sohoa_take_result *res, sohoa_error *err)
{
	int64_t dup = sohoa_catalog_find_live_hash(e->cat, env->hash), id = 0;
	sohoa_record_new r = {
		.spool_id = env->spool_id, .state = "incoming", .hash = env->hash,
		.size = env->size, .name = env->name, .name_raw = env->name_raw,
		.name_raw_len = env->name_raw_len, .origin = env->origin,
		.origin_raw = env->origin_raw, .origin_raw_len = env->origin_raw_len,
		.inbox_path = keep_inbox_path ? env->inbox_path : NULL,
		.inbox_path_len = env->inbox_path_len, .source_mtime_ns = env->mtime_ns,
		.inbox_removed = inbox_removed,
	};
	char detail[256];

	if (dup) {
		/* The file moves first: the record is born quarantined. */
		if (sohoa_spool_move(e->spool, env->spool_id, "incoming", "quarantine", err)
		    != SOHOA_OK)
			return err->status;
		r.state = "quarantined";
	}
	if (sohoa_catalog_begin(e->cat, err) != SOHOA_OK)
		return err->status;
	snprintf(detail, sizeof detail, "%s, %lld bytes", env->hash, env->size);
	if (sohoa_catalog_record_insert(e->cat, &r, &id, err) != SOHOA_OK
	    || sohoa_catalog_event_add(e->cat, id, "ingestion", e->agent, "success",
	    env->origin[0] ? env->origin : NULL, err) != SOHOA_OK
	    || sohoa_catalog_event_add(e->cat, id, "message digest calculation", e->agent,
	    "success", detail, err) != SOHOA_OK
	    || sohoa_catalog_commit(e->cat, err) != SOHOA_OK) {
		sohoa_catalog_rollback(e->cat);
		return err->status;
	}
	if (res) {
		res->record_id = id;
		res->duplicate_of = dup;
	}
	if (dup) {
		char msg[128];
		sohoa_status st;
		snprintf(msg, sizeof msg, "identical to record %lld (%s)", (long long)dup,
		    env->hash);
		sohoa_catalog_event_add(e->cat, dup, "duplicate", e->agent, "warning", msg, NULL);
		st = quarantine_entry(e, env->spool_id, "quarantine", id, env->name,
		    SOHOA_REASON_DUPLICATE, msg, dup, err);
		if (res) {
			res->quarantined = 1;
			res->reason = SOHOA_REASON_DUPLICATE;
		}
		return st;
	}
	logf_(e, SOHOA_LOG_DEBUG, id, "took %s%s%s (%s)", env->origin, *env->origin ? "/" : "",
	    env->name, env->hash);
	if (queue_push(e, env->spool_id, id) != 0)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
	return SOHOA_OK;
}

/* Quarantines an inbox file that cannot enter the spool (symlink, device,
 * unreadable, too large): a record without content, then publish. */
static sohoa_status
reject_unspooled(sohoa_engine *e, const char *relpath, const struct stat *seen,
    const sohoa_error *why, sohoa_take_result *res, sohoa_error *err)
{
	sohoa_envelope env;
	char qname[PATH_MAX], sid[SOHOA_SPOOL_ID_MAX];
	const char *slash = strrchr(relpath, '/');
	const char *base = slash ? slash + 1 : relpath;
	int64_t id = 0;
	struct timespec ts;

	memset(&env, 0, sizeof env);
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(sid, sizeof sid, "x%lld.%09ld-%d", (long long)ts.tv_sec, ts.tv_nsec,
	    (int)getpid());
	env.name = sohoa_text_from_bytes(base, strlen(base));
	env.origin = sohoa_text_from_bytes(relpath, slash ? (size_t)(slash - relpath) : 0);
	if (!env.name || !env.origin) {
		sohoa_envelope_release(&env);
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
	}
	{
		sohoa_record_new r = {
			.spool_id = sid, .state = "quarantined", .hash = NULL,
			.size = seen ? seen->st_size : 0, .name = env.name, .name_raw = base,
			.name_raw_len = strlen(base), .origin = env.origin, .origin_raw = relpath,
			.origin_raw_len = slash ? (size_t)(slash - relpath) : 0,
			.inbox_path = relpath, .inbox_path_len = strlen(relpath),
			.source_mtime_ns = seen ? (long long)seen->st_mtim.tv_sec * 1000000000LL
			    + seen->st_mtim.tv_nsec : 0,
			.inbox_removed = 0,
		};
		choose_quarantine_name(e->conf, "", env.name, qname, sizeof qname);
		if (sohoa_catalog_begin(e->cat, err) != SOHOA_OK
		    || sohoa_catalog_record_insert(e->cat, &r, &id, err) != SOHOA_OK
		    || sohoa_catalog_quarantine(e->cat, id, sohoa_reason_key(why->reason), why->msg,
		    qname, 0, err) != SOHOA_OK
		    || sohoa_catalog_event_add(e->cat, id, "quarantine", e->agent, "failure",
		    why->msg, err) != SOHOA_OK
		    || sohoa_catalog_commit(e->cat, err) != SOHOA_OK) {
			sohoa_catalog_rollback(e->cat);
			sohoa_envelope_release(&env);
			return err->status;
		}
	}
	sohoa_envelope_release(&env);
	if (res) {
		res->record_id = id;
		res->quarantined = 1;
		res->reason = why->reason;
		snprintf(res->quarantine_name, sizeof res->quarantine_name, "%s", qname);
	}
	return publish_quarantine(e, id, seen, err);
}

/* What cannot enter the spool: quarantined from the inbox by the daemon;
 * a one-shot ingest never moves the caller's files, it only says why. */
static sohoa_status
refuse(sohoa_engine *e, const char *relpath, const struct stat *seen, const sohoa_error *why,
    int remove_original, sohoa_take_result *res, sohoa_error *err)
{
	if (!remove_original) {
		if (res) {
			res->quarantined = 1;
			res->reason = why->reason;
		}
		*err = *why;
		return SOHOA_BAD_INPUT;
	}
	return reject_unspooled(e, relpath, seen, why, res, err);
}

/* Records an entry pickup just made (env, released here) and says in res
 * where it went. */
static sohoa_status
adopt_picked(sohoa_engine *e, sohoa_envelope *env, int remove_original, int removed,
    sohoa_take_result *res, sohoa_error *err)
{
	sohoa_status st = adopt(e, env, remove_original ? removed : 1, remove_original, res, err);

	if (st != SOHOA_OK && !(res && res->record_id))
		e->orphans = 1;
	if (res && res->quarantined && !res->quarantine_name[0]) {
		struct qinfo q;
		if (qinfo_load(e->cat, res->record_id, &q) == 0) {
			snprintf(res->quarantine_name, sizeof res->quarantine_name, "%s", q.qname);
			qinfo_release(&q);
		}
	}
	sohoa_envelope_release(env);
	return st;
}

int
sohoa_engine_already_taken(sohoa_engine *e, const char *relpath, const struct stat *st)
{
	return sohoa_catalog_inbox_pending(e->cat, relpath, strlen(relpath), st->st_size,
	    (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec);
}

sohoa_status
sohoa_engine_take(sohoa_engine *e, const char *root, const char *relpath,
    const struct stat *seen, int remove_original, sohoa_take_result *res, sohoa_error *err)
{
	sohoa_envelope env;
	sohoa_error why;
	sohoa_status st;
	struct stat obj;
	const char *base;
	int removed = 0, pdfd;
	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	if (res)
		memset(res, 0, sizeof *res);
	sohoa_error_clear(&why);
	sohoa_fs_test_pause("take", relpath);
	/* The folder the file is in, held open from here on: whatever is
	 * done to the file (copy, removal, quarantine) is done in it. */
	if ((pdfd = sohoa_fs_open_parent_beneath(root, relpath, &base)) < 0)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "%s is no longer in the inbox (%s)", relpath, errno == ELOOP
		    ? "a folder on its way is now a symbolic link, never followed" : strerror(errno));
	memset(&obj, 0, sizeof obj);
	st = sohoa_spool_pickup_at(e->spool, pdfd, base, relpath, seen, e->conf->max_file_size,
	    &env, &obj, &why);
	if (st == SOHOA_BAD_INPUT) {
		close(pdfd);
		return refuse(e, relpath, obj.st_ino ? &obj : seen, &why, remove_original, res, err);
	}
	if (st != SOHOA_OK) {
		close(pdfd);
		*err = why;
		return st;
	}
	sohoa_fs_test_pause("copied", relpath);
	/* Invariant 2: the copy is durable in incoming/; the original may go,
	 * if it is still the very file copied. */
	if (remove_original) {
		removed = sohoa_fs_unlink_same(pdfd, base, &obj) == 0;
		if (removed)
			(void)fsync(pdfd);
		else
			logf_(e, SOHOA_LOG_WARNING, 0, "cannot remove %s from the inbox: %s",
			    env.name, errno == ESTALE ? "another file has its name now"
			    : strerror(errno));
	}
	close(pdfd);
	return adopt_picked(e, &env, remove_original, removed, res, err);
}

/* Removes a document folder's pages (each only if it is still the file
 * taken) and sidecar from the folder dfd, then the folder itself (base in
 * pdfd, the object fst) if nothing else is left in it.  1 if every page
 * went. */
static int
remove_folder_from_inbox(sohoa_engine *e, int pdfd, const char *base, int dfd,
    const struct stat *fst, const sohoa_tailieu *t)
{
	struct stat want, st;
	int all = 1;

	for (int i = 0; i < t->n; i++) {
		memset(&want, 0, sizeof want);
		want.st_dev = (dev_t)t->parts[i].dev;
		want.st_ino = (ino_t)t->parts[i].ino;
		if (sohoa_fs_unlink_same(dfd, t->parts[i].name, &want) != 0 && errno != ENOENT) {
			logf_(e, SOHOA_LOG_WARNING, 0, "cannot remove page %d of %s from the inbox: %s",
			    i + 1, base, errno == ESTALE ? "another file has its name now"
			    : strerror(errno));
			all = 0;
		}
	}
	if (all) {
		if (fstatat(dfd, SOHOA_TAILIEU_SIDECAR, &st, AT_SYMLINK_NOFOLLOW) == 0
		    && !S_ISDIR(st.st_mode))
			unlinkat(dfd, SOHOA_TAILIEU_SIDECAR, 0);
		(void)fsync(dfd);
		/* Fails, rightly, if anything else is there. */
		if (sohoa_fs_unlink_same(pdfd, base, fst) == 0)
			(void)fsync(pdfd);
	}
	return all;
}

sohoa_status
sohoa_engine_take_folder(sohoa_engine *e, const char *root, const char *reldir,
    long long seen_signature, int remove_original, sohoa_take_result *res, sohoa_error *err)
{
	sohoa_tailieu t;
	sohoa_envelope env;
	sohoa_error why;
	sohoa_status st;
	struct stat seen, fst, now;
	const char *base;
	int removed = 0, pdfd, dfd = -1;
	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	if (res)
		memset(res, 0, sizeof *res);
	sohoa_error_clear(&why);
	memset(&seen, 0, sizeof seen);
	memset(&t, 0, sizeof t);
	sohoa_fs_test_pause("take", reldir);
	if ((pdfd = sohoa_fs_open_parent_beneath(root, reldir, &base)) < 0
	    || fstatat(pdfd, base, &fst, AT_SYMLINK_NOFOLLOW) != 0) {
		int e2 = errno;
		if (pdfd >= 0)
			close(pdfd);
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "%s is no longer in the inbox (%s)", reldir, e2 == ELOOP
		    ? "a folder on its way is now a symbolic link, never followed" : strerror(e2));
	}
	if (S_ISLNK(fst.st_mode)) {
		/* The folder is a link now: recorded, never followed. */
		sohoa_error_set(&why, SOHOA_BAD_INPUT, SOHOA_REASON_SYMLINK,
		    "%s is a symbolic link, never followed", reldir);
		close(pdfd);
		return refuse(e, reldir, &fst, &why, remove_original, res, err);
	}
	dfd = openat(pdfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &now) != 0 || !sohoa_fs_same_object(&now, &fst)) {
		if (dfd >= 0)
			close(dfd);
		close(pdfd);
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "%s is still changing", reldir);
	}
	st = sohoa_tailieu_read_at(dfd, reldir, &t, &why);
	if (st == SOHOA_OK && seen_signature && t.signature != seen_signature) {
		sohoa_tailieu_release(&t);
		close(dfd);
		close(pdfd);
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "%s/%s is still changing", root, reldir);
	}
	if (st == SOHOA_OK)
		st = sohoa_spool_pickup_parts_at(e->spool, dfd, reldir, &t,
		    e->conf->max_file_size, &env, &why);
	/* What the catalog remembers of a folder it could not take, and the
	 * folder itself (its inode) for the quarantine to move. */
	seen = fst;
	seen.st_size = st == SOHOA_OK || t.n ? t.size : 0;
	seen.st_mtim.tv_sec = (seen_signature ? seen_signature : t.signature) / 1000000000LL;
	seen.st_mtim.tv_nsec = (seen_signature ? seen_signature : t.signature) % 1000000000LL;
	if (st == SOHOA_BAD_INPUT) {
		sohoa_tailieu_release(&t);
		close(dfd);
		close(pdfd);
		/* The whole folder goes to the quarantine as it is. */
		return refuse(e, reldir, &seen, &why, remove_original, res, err);
	}
	if (st != SOHOA_OK) {
		sohoa_tailieu_release(&t);
		close(dfd);
		close(pdfd);
		*err = why;
		return st;
	}
	sohoa_fs_test_pause("copied", reldir);
	/* Invariant 2: the copies are durable in incoming/; the pages may go. */
	if (remove_original)
		removed = remove_folder_from_inbox(e, pdfd, base, dfd, &fst, &t);
	sohoa_tailieu_release(&t);
	close(dfd);
	close(pdfd);
	return adopt_picked(e, &env, remove_original, removed, res, err);
}

/* ---- OCR jobs -------------------------------------------------------- */

static void
dispatch(sohoa_engine *e)
{
	sohoa_error err;
	int w;

	while (!e->paused && e->pool && e->qlen > 0 && (w = sohoa_pool_idle(e->pool)) >= 0) {
		struct job j = e->queue[e->qhead];
		char dir[PATH_MAX];

		sohoa_error_clear(&err);
		if (sohoa_spool_move(e->spool, j.spool_id, "incoming", "active", &err) != SOHOA_OK) {
			char path[PATH_MAX];
			struct stat sb;
			sohoa_spool_path(e->spool, "incoming", j.spool_id, NULL, path, sizeof path);
			if (lstat(path, &sb) != 0 && errno == ENOENT) {
				/* Not in incoming/ (any more): a stale queue entry must
				 * not block the ones behind it. */
				logf_(e, SOHOA_LOG_WARNING, j.record_id, "dropped stale job %s",
				    j.spool_id);
				e->qhead++;
				e->qlen--;
				continue;
			}
			logf_(e, SOHOA_LOG_ERR, j.record_id, "cannot start OCR: %s", err.msg);
			return;  /* stays queued; tried again at the next tick */
		}
		if (sohoa_catalog_set_state(e->cat, j.record_id, "active", &err) != SOHOA_OK) {
			sohoa_spool_move(e->spool, j.spool_id, "active", "incoming", NULL);
			logf_(e, SOHOA_LOG_ERR, j.record_id, "cannot start OCR: %s", err.msg);
			return;
		}
		e->qhead++;
		e->qlen--;
		sohoa_spool_path(e->spool, "active", j.spool_id, NULL, dir, sizeof dir);
		if (sohoa_pool_submit(e->pool, w, dir, j.spool_id, &err) != SOHOA_OK) {
			logf_(e, SOHOA_LOG_ERR, j.record_id, "%s", err.msg);
			sohoa_spool_move(e->spool, j.spool_id, "active", "incoming", NULL);
			sohoa_catalog_set_state(e->cat, j.record_id, "incoming", NULL);
			queue_push(e, j.spool_id, j.record_id);
			return;
		}
		j.started = mono_now();
		e->running[w] = j;
	}
}

/*
 * After OCR: step 1 describes the record (fields from the page, probable
 * duplicates), step 2 writes its archival package.  Neither is the OCR's
 * failure: the record stays done, with packaged_at NULL, and start-up (or
 * 'sohoa edit') does it again.
 */
static void
describe(sohoa_engine *e, int64_t id, int step)
{
	sohoa_error err;

	sohoa_error_clear(&err);
	if (step == 1) {
		if (sohoa_describe_record(e->conf, e->cat, id, e->agent, &err) != SOHOA_OK)
			logf_(e, SOHOA_LOG_WARNING, id, "fields of record %lld not read: %s",
			    (long long)id, err.msg);
		return;
	}
	/* Sign before packaging, so the package holds the signed PDF.  A
	 * failure leaves the PDF unsigned and the record goes on. */
	if (e->signer && sohoa_describe_sign_pdf(e->conf, e->cat, e->signer, id, e->agent, &err)
	    != SOHOA_OK) {
		logf_(e, SOHOA_LOG_ERR, id, "document of record %lld not signed: %s",
		    (long long)id, err.msg);
		sohoa_error_clear(&err);
	} else if (e->signer && sohoa_signer_note(e->signer)[0]) {
		/* Signed, but the long-term validation data is incomplete. */
		logf_(e, SOHOA_LOG_WARNING, id, "document of record %lld signed PAdES-%s: %s",
		    (long long)id, sohoa_signer_level(e->signer), sohoa_signer_note(e->signer));
	}
	if (!e->schemas)
		return;
	if (sohoa_describe_package(e->conf, e->cat, e->schemas, id, e->agent, &err) != SOHOA_OK)
		logf_(e, err.status == SOHOA_BAD_INPUT ? SOHOA_LOG_WARNING : SOHOA_LOG_ERR, id,
		    "package of record %lld not written: %s", (long long)id, err.msg);
}

/* Records taken after id but described before it, just flagged as its
 * probable duplicates (describe.c): their packages get the event. */
static void
repackage_duplicates(sohoa_engine *e, int64_t id)
{
	int64_t ids[16];
	int n = sohoa_catalog_unpackaged_duplicates_ids(e->cat, id, ids, 16);

	for (int i = 0; i < n; i++) {
		describe(e, ids[i], 2);
		sohoa_backup_record_done(e->backup, e->conf, e->cat, ids[i], e->opt.log,
		    e->opt.log_arg);
	}
}

static void
finish_ok(sohoa_engine *e, const struct job *j)
{
	char dir[PATH_MAX], detail[128];
	sohoa_page_result *pages = NULL;
	char *buf = NULL;
	int n = 0;
	sohoa_error err;
	double sum = 0, t_ocr = mono_now() - j->started, t_after;
	int counted = 0, failed = 0, not_ocred = 0;

	sohoa_error_clear(&err);
	sohoa_spool_path(e->spool, "active", j->spool_id, NULL, dir, sizeof dir);
	if (sohoa_ocr_read_results(dir, &pages, &n, &buf, &err) != SOHOA_OK)
		goto retry;
	if (sohoa_spool_move(e->spool, j->spool_id, "active", "done", &err) != SOHOA_OK)
		goto retry;
	for (int i = 0; i < n; i++) {
		if (pages[i].confidence >= 0) {
			sum += pages[i].confidence;
			counted++;
		} else if (!strcmp(pages[i].status, "pdf-text")
		    || !strcmp(pages[i].status, "skipped")) {
			not_ocred++;    /* ocr_mode (pdfin.h): no OCR, no confidence */
		} else {
			failed++;
		}
	}
	if (not_ocred == n && n > 0)
		snprintf(detail, sizeof detail, "%d page(s), not OCRed (ocr_mode %s): %s", n,
		    e->conf->ocr_mode, !strcmp(pages[0].status, "pdf-text")
		    ? "text taken from the PDF's own text layer" : "no text");
	else
		snprintf(detail, sizeof detail, "%d page(s), mean confidence %.1f%s", n,
		    counted ? sum / counted : 0.0, failed ? ", some pages failed" : "");
	if (sohoa_catalog_begin(e->cat, &err) != SOHOA_OK
	    || sohoa_catalog_store_pages(e->cat, j->record_id, pages, n, &err) != SOHOA_OK
	    || sohoa_catalog_event_add(e->cat, j->record_id,
	    not_ocred == n && n > 0 ? "text extraction" : "ocr",
	    not_ocred == n && n > 0 ? e->agent : e->ocr_agent,
	    failed ? "warning" : "success", detail, &err) != SOHOA_OK
	    || sohoa_catalog_commit(e->cat, &err) != SOHOA_OK) {
		sohoa_catalog_rollback(e->cat);
		/* The entry is in done/ but the catalog says active: reconcile
		 * would redo it; do that now. */
		logf_(e, SOHOA_LOG_ERR, j->record_id, "cannot record OCR results: %s", err.msg);
		sohoa_spool_move(e->spool, j->spool_id, "done", "incoming", NULL);
		queue_push(e, j->spool_id, j->record_id);
		free(pages);
		free(buf);
		return;
	}
	t_after = mono_now();
	/* Fields and search index in one catalog transaction: one commit (one
	 * WAL sync) for both.  Each works in its own savepoint inside it, so a
	 * failure of one does not undo the other; if the transaction cannot
	 * even start, each commits on its own. */
	sohoa_error_clear(&err);
	if (sohoa_catalog_begin(e->cat, &err) != SOHOA_OK)
		logf_(e, SOHOA_LOG_WARNING, j->record_id, "catalog: %s", err.msg);
	describe(e, j->record_id, 1);
	/* Searchable now.  A failure is not the OCR's: the record stays queued
	 * for the index (docs_pending) and the next record or 'sohoa reindex'
	 * takes it. */
	sohoa_error_clear(&err);
	if (sohoa_search_index_record(e->cat, j->record_id, &err) != SOHOA_OK)
		logf_(e, SOHOA_LOG_ERR, j->record_id, "cannot index record %lld for search: %s",
		    (long long)j->record_id, err.msg);
	sohoa_error_clear(&err);
	if (sohoa_catalog_in_tx(e->cat)
	    && sohoa_catalog_commit(e->cat, &err) != SOHOA_OK)
		logf_(e, SOHOA_LOG_ERR, j->record_id, "fields and search index of record %lld not"
		    " stored: %s", (long long)j->record_id, err.msg);
	describe(e, j->record_id, 2);
	/* Done and packaged: the second copy now (never fails the record). */
	sohoa_backup_record_done(e->backup, e->conf, e->cat, j->record_id, e->opt.log,
	    e->opt.log_arg);
	repackage_duplicates(e, j->record_id);
	/* The one line of a document's normal path; make bench reads the times. */
	logf_(e, SOHOA_LOG_INFO, j->record_id, "record %lld done: %s; OCR %.2f s, fields, index"
	    " and package %.3f s", (long long)j->record_id, detail, t_ocr, mono_now() - t_after);
	free(pages);
	free(buf);
	return;
retry:
	free(pages);
	free(buf);
	logf_(e, SOHOA_LOG_ERR, j->record_id, "OCR results unusable: %s", err.msg);
}

static int
record_attempts(sohoa_engine *e, int64_t id, char *name, size_t nsize)
{
	return sohoa_catalog_attempts(e->cat, id, name, nsize);
}

static void
finish(sohoa_engine *e, const sohoa_job_result *res, const struct job *j)
{
	sohoa_error err;
	char name[NAME_MAX * 3 + 1];

	sohoa_error_clear(&err);
	if (res->status == SOHOA_OK) {
		finish_ok(e, j);
		return;
	}
	record_attempts(e, j->record_id, name, sizeof name);
	if (res->status == SOHOA_BAD_INPUT) {
		if (quarantine_entry(e, j->spool_id, "active", j->record_id, name, res->reason,
		    res->msg, 0, &err) != SOHOA_OK)
			logf_(e, SOHOA_LOG_ERR, j->record_id, "cannot quarantine: %s", err.msg);
		return;
	}
	{
		int attempts = record_attempts(e, j->record_id, name, sizeof name) + 1;
		if (attempts >= e->conf->max_attempts) {
			char msg[400];
			snprintf(msg, sizeof msg, "%d attempts failed; last: %s", attempts, res->msg);
			sohoa_catalog_defer(e->cat, j->record_id, 0, res->msg, NULL);
			if (quarantine_entry(e, j->spool_id, "active", j->record_id, name,
			    SOHOA_REASON_OCR_FAILED, msg, 0, &err) != SOHOA_OK)
				logf_(e, SOHOA_LOG_ERR, j->record_id, "cannot quarantine: %s", err.msg);
			return;
		}
		/* Back-off: 30 s, 60 s, 120 s, ... */
		long delay = 30L << (attempts - 1 < 10 ? attempts - 1 : 10);
		if (sohoa_spool_move(e->spool, j->spool_id, "active", "deferred", &err) != SOHOA_OK
		    || sohoa_catalog_defer(e->cat, j->record_id, (long long)time(NULL) + delay,
		    res->msg, &err) != SOHOA_OK) {
			logf_(e, SOHOA_LOG_ERR, j->record_id, "cannot defer: %s", err.msg);
			e->orphans = 1;
		} else {
			logf_(e, SOHOA_LOG_WARNING, j->record_id,
			    "OCR of %s failed (%s); trying again in %ld s", name, res->msg, delay);
		}
	}
}

int
sohoa_engine_pollfds(sohoa_engine *e, struct pollfd *fds, int max)
{
	if (!e->pool)
		return 0;
	return sohoa_pool_pollfds(e->pool, fds, e->pollmap,
	    max < (int)(sizeof e->pollmap / sizeof e->pollmap[0]) ? max
	    : (int)(sizeof e->pollmap / sizeof e->pollmap[0]));
}

void
sohoa_engine_step(sohoa_engine *e, const struct pollfd *fds, int n)
{
	for (int i = 0; e->pool && i < n; i++) {
		sohoa_job_result res;
		int w = e->pollmap[i];
		if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		while (sohoa_pool_read(e->pool, w, &res)) {
			struct job j = e->running[w];
			memset(&e->running[w], 0, sizeof e->running[w]);
			finish(e, &res, &j);
		}
	}
	dispatch(e);
}

/* Deferred entries whose time has come go back to incoming/. */
static int
release_one(void *ctx, int64_t id, const char *spool_id)
{
	sohoa_engine *e = ctx;
	char sid[SOHOA_SPOOL_ID_MAX];

	snprintf(sid, sizeof sid, "%s", spool_id ? spool_id : "");
	if (sohoa_spool_move(e->spool, sid, "deferred", "incoming", NULL) == SOHOA_OK
	    && sohoa_catalog_set_state(e->cat, id, "incoming", NULL) == SOHOA_OK)
		queue_push(e, sid, id);
	return 0;
}

static void
release_deferred(sohoa_engine *e, time_t now)
{
	sohoa_catalog_deferred_due_each(e->cat, (long long)now, release_one, e, NULL);
}

static void adopt_orphans(sohoa_engine *e, time_t now);

void
sohoa_engine_tick(sohoa_engine *e, time_t now)
{
	adopt_orphans(e, now);
	if (e->pool)
		sohoa_pool_watchdog(e->pool, now);
	release_deferred(e, now);
	sohoa_backup_tick(e->backup, e->conf, e->cat, now, e->opt.log, e->opt.log_arg);
	dispatch(e);
}

int sohoa_engine_pending(const sohoa_engine *e)
{
	return (int)e->qlen + sohoa_engine_running(e);
}

int sohoa_engine_running(const sohoa_engine *e)
{
	return e->pool ? sohoa_pool_busy(e->pool) : 0;
}

long
sohoa_engine_next_due(const sohoa_engine *e, time_t now)
{
	long long t;
	long due = -1;

	if (sohoa_catalog_next_deferred(e->cat, &t))
		due = t <= now ? 0 : (long)(t - now);
	return due;
}

void sohoa_engine_pause(sohoa_engine *e, int paused) { e->paused = paused; }
sohoa_catalog *sohoa_engine_catalog(sohoa_engine *e) { return e->cat; }

/* ---- start-up -------------------------------------------------------- */

struct reconcile_ctx {
	sohoa_engine *e;
	const char *state;
};

/* If the inbox still holds the original of an entry (a crash came between
 * pickup and removal), remove it now: its copy is safe in the spool.  Only
 * through folder fds, and only what is still the file taken. */
static int
remove_leftover_original(sohoa_engine *e, const sohoa_envelope *env)
{
	char hash[SOHOA_HASH_TEXT_MAX], buf[1 << 15];
	struct stat st;
	const char *base;
	sohoa_hash *h;
	ssize_t n;
	int pdfd, fd, r = 1;

	if (!env->inbox_path_len)
		return 1;
	if ((pdfd = sohoa_fs_open_parent_beneath(e->conf->inbox, env->inbox_path, &base)) < 0)
		return 1;
	if (env->nparts > 0) {
		/* A document folder: its pages go if they are still what was
		 * taken (the same signature). */
		sohoa_tailieu t;
		struct stat fst, now;
		int dfd = -1;
		if (fstatat(pdfd, base, &fst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(fst.st_mode)
		    && (dfd = openat(pdfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC))
		    >= 0 && fstat(dfd, &now) == 0 && sohoa_fs_same_object(&now, &fst)
		    && sohoa_tailieu_read_at(dfd, env->inbox_path, &t, NULL) == SOHOA_OK) {
			if (t.signature == env->mtime_ns)
				r = remove_folder_from_inbox(e, pdfd, base, dfd, &fst, &t);
			sohoa_tailieu_release(&t);
		}
		if (dfd >= 0)
			close(dfd);
		close(pdfd);
		return r;
	}
	if ((fd = sohoa_fs_open_file_at(pdfd, base, NULL, &st)) < 0) {
		close(pdfd);
		return 1;
	}
	if (st.st_size != env->size
	    || (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec != env->mtime_ns
	    || !(h = sohoa_hash_new("sha256"))) {
		close(fd);
		close(pdfd);
		return 1;   /* a different file now: leave it to be taken */
	}
	while ((n = read(fd, buf, sizeof buf)) > 0)
		sohoa_hash_update(h, buf, (size_t)n);
	sohoa_hash_final(h, hash);
	sohoa_hash_free(h);
	close(fd);
	if (n == 0 && strcmp(hash, env->hash) == 0)
		r = sohoa_fs_unlink_same(pdfd, base, &st) == 0;
	close(pdfd);
	return r;
}

static int
reconcile_entry(const char *id, void *arg)
{
	struct reconcile_ctx *c = arg;
	sohoa_engine *e = c->e;
	char state[16] = "";
	int64_t rid = sohoa_catalog_find_spool(e->cat, id, state);
	sohoa_error err;

	sohoa_error_clear(&err);
	if (!rid) {
		/* Complete in the spool but never recorded: adopt it. */
		sohoa_envelope env;
		if (strcmp(c->state, "incoming") != 0
		    && sohoa_spool_move(e->spool, id, c->state, "incoming", &err) != SOHOA_OK)
			goto fail;
		if (sohoa_spool_read_envelope(e->spool, "incoming", id, &env, &err) != SOHOA_OK)
			goto fail;
		remove_leftover_original(e, &env);
		logf_(e, SOHOA_LOG_INFO, 0, "recovering %s from the spool", env.name);
		if (adopt(e, &env, 1, 1, NULL, &err) != SOHOA_OK) {
			sohoa_envelope_release(&env);
			goto fail;
		}
		sohoa_envelope_release(&env);
		return 0;
	}
	if (!strcmp(c->state, "quarantine")) {
		if (strcmp(state, "quarantined") != 0)
			return 0;   /* handled with the unpublished records below */
		return 0;
	}
	if (!strcmp(c->state, "done") && !strcmp(state, "done"))
		return 0;
	if (!strcmp(c->state, "deferred") && !strcmp(state, "deferred"))
		return 0;
	if (!strcmp(state, "quarantined")) {
		/* Recorded as quarantined but the entry is still here. */
		if (sohoa_spool_move(e->spool, id, c->state, "quarantine", &err) != SOHOA_OK)
			goto fail;
		return 0;
	}
	/* active/, or an entry whose record lags behind: OCR (again). */
	if (strcmp(c->state, "incoming") != 0
	    && sohoa_spool_move(e->spool, id, c->state, "incoming", &err) != SOHOA_OK)
		goto fail;
	if (strcmp(state, "incoming") != 0
	    && sohoa_catalog_set_state(e->cat, rid, "incoming", &err) != SOHOA_OK)
		goto fail;
	queue_push(e, id, rid);
	return 0;
fail:
	logf_(e, SOHOA_LOG_ERR, rid, "reconcile %s/%s: %s", c->state, id, err.msg);
	return 0;
}

/*
 * Whether the catalog agrees with the directory an entry is in.  Records in
 * quarantine/ are published separately; there only a missing record counts.
 */
static int
entry_consistent(sohoa_engine *e, const char *dir, const char *id)
{
	char state[16] = "";

	if (!sohoa_catalog_find_spool(e->cat, id, state))
		return 0;
	if (!strcmp(dir, "incoming"))
		return !strcmp(state, "incoming");
	if (!strcmp(dir, "deferred"))
		return !strcmp(state, "deferred");
	return 1;
}

/* An entry the catalog does not agree with (see orphans in struct
 * sohoa_engine): reconciled as at start-up.  Stops at the first one that
 * still cannot be, to try again later. */
static int
adopt_orphan(const char *id, void *arg)
{
	sohoa_engine *e = arg;
	struct reconcile_ctx c = { e, e->orphans_state };

	if (entry_consistent(e, c.state, id))
		return 0;
	reconcile_entry(id, &c);
	if (!entry_consistent(e, "incoming", id) && !entry_consistent(e, c.state, id)) {
		e->orphans = 1;
		return 1;
	}
	return 0;
}

static void
adopt_orphans(sohoa_engine *e, time_t now)
{
	static const char *const states[] = { "incoming", "deferred", "quarantine" };

	if (!e->orphans || now < e->orphans_at)
		return;
	e->orphans = 0;
	for (size_t i = 0; i < 3 && !e->orphans; i++) {
		e->orphans_state = states[i];
		sohoa_spool_each(e->spool, states[i], adopt_orphan, e);
	}
	e->orphans_at = now + 10;
}


static int
check_entry(void *ctx, int64_t id, const char *sid, const char *s)
{
	sohoa_engine *e = ctx;
	char path[PATH_MAX];
	struct stat sb;

	sohoa_spool_path(e->spool, !strcmp(s, "active") ? "incoming" : s, sid, NULL,
	    path, sizeof path);
	if (lstat(path, &sb) != 0)
		logf_(e, SOHOA_LOG_ERR, id, "record's spool entry %s is missing", path);
	return 0;
}

static sohoa_status
reconcile(sohoa_engine *e, sohoa_error *err)
{
	/* incoming/ first: what moves there from the later states is queued by
	 * the pass that moves it, and must not be seen (and queued) twice. */
	static const char *const order[] = { "incoming", "active", "done", "deferred",
		"quarantine" };
	int64_t ids[64];
	int n;

	/* Invariant 4. */
	if (sohoa_spool_clean_tmp(e->spool, err) != SOHOA_OK)
		return err->status;
	/* Invariant 5 and its kin, state by state. */
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		struct reconcile_ctx c = { e, order[i] };
		sohoa_spool_each(e->spool, order[i], reconcile_entry, &c);
	}
	/* Quarantines not yet published. */
	n = sohoa_catalog_unpublished_quarantine_ids(e->cat, ids, 64);
	for (int i = 0; i < n; i++) {
		sohoa_error e2;
		sohoa_error_clear(&e2);
		if (publish_quarantine(e, ids[i], NULL, &e2) != SOHOA_OK)
			logf_(e, SOHOA_LOG_ERR, ids[i], "publish quarantine: %s", e2.msg);
	}
	/* Records that lost their spool entry while in flight. */
	sohoa_catalog_live_each(e->cat, check_entry, e, NULL);
	return SOHOA_OK;
}

/* Records done but not (re)packaged, after a crash or a failed write. */
static void
package_pending(sohoa_engine *e)
{
	int64_t *ids = NULL;
	size_t n = 0;

	sohoa_catalog_packaging_pending(e->cat, &ids, &n, NULL);
	for (size_t i = 0; i < n; i++) {
		if (!sohoa_catalog_has_fields(e->cat, ids[i]))
			describe(e, ids[i], 1);
		describe(e, ids[i], 2);
	}
	free(ids);
}

sohoa_engine *
sohoa_engine_open(const sohoa_conf *conf, const sohoa_engine_options *opt, sohoa_error *err)
{
	sohoa_engine *e = calloc(1, sizeof *e);
	char *dbpath = NULL, note[1024];
	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	if (!e) {
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "out of memory");
		return NULL;
	}
	e->conf = conf;
	if (opt)
		e->opt = *opt;
	snprintf(e->agent, sizeof e->agent, "sohoa %s (%s)", SOHOA_VERSION,
	    e->opt.agent ? e->opt.agent : "sohoa");
	e->backup = sohoa_backup_new(e->agent);
	snprintf(e->ocr_agent, sizeof e->ocr_agent, "sohoa %s with tesseract %s, %s",
	    SOHOA_VERSION, sohoa_ocr_engine_version(), conf->languages);
	if (sohoa_fs_mkdirs(conf->state_dir, 0750, err) != SOHOA_OK
	    || sohoa_fs_mkdirs(conf->quarantine, 0775, err) != SOHOA_OK)
		goto fail;
	e->spool = sohoa_spool_open(conf->state_dir, err);
	if (!e->spool || sohoa_spool_lock(e->spool, err) != SOHOA_OK)
		goto fail;
	dbpath = sohoa_path_join(conf->state_dir, "catalog.db");
	if (!dbpath) {
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "out of memory");
		goto fail;
	}
	e->cat = sohoa_catalog_open(dbpath, err);
	free(dbpath);
	if (!e->cat || sohoa_store_check(conf->state_dir, e->cat, SOHOA_STORE_UPDATE, note,
	    sizeof note, err) != SOHOA_OK
	    || sohoa_store_check_agency(conf, e->cat, SOHOA_STORE_UPDATE, err) != SOHOA_OK
	    || reconcile(e, err) != SOHOA_OK)
		goto fail;
	if (note[0])
		logf_(e, SOHOA_LOG_WARNING, 0, "%s", note);
	{
		sohoa_error e2;
		long long indexed = 0;
		/* Records whose pages were stored but not indexed (a crash between). */
		sohoa_error_clear(&e2);
		if (sohoa_search_index_pending(e->cat, &indexed, &e2) != SOHOA_OK)
			logf_(e, SOHOA_LOG_ERR, 0, "search index not brought up to date: %s", e2.msg);
		else if (indexed)
			logf_(e, SOHOA_LOG_INFO, 0, "%lld records indexed for search at start-up",
			    indexed);
		sohoa_error_clear(&e2);
		if (sohoa_signer_configured(conf)) {
			/* Without its key the daemon still works, unsigned, and says so. */
			e->signer = sohoa_signer_open(conf, &e2);
			if (!e->signer)
				logf_(e, SOHOA_LOG_ERR, 0, "không mở được khóa ký, tài liệu sẽ không"
				    " được ký — documents will NOT be signed: %s", e2.msg);
			else
				logf_(e, SOHOA_LOG_INFO, 0, "documents are signed by %s",
				    sohoa_signer_subject(e->signer));
			sohoa_error_clear(&e2);
		}
		e->schemas = sohoa_package_schemas_open(conf->schema_dir, &e2);
		if (!e->schemas)
			logf_(e, SOHOA_LOG_WARNING, 0, "archival packages are not written: %s", e2.msg);
		else if (access(conf->package_dir, F_OK) == 0)
			sohoa_package_recover(conf->package_dir, NULL);
		if (e->schemas)
			package_pending(e);
	}
	if (!e->opt.no_workers) {
		sohoa_pool_options po = {
			.languages = conf->languages, .tessdata = conf->tessdata,
			.max_pixels = conf->max_pixels, .max_pages = (int)conf->max_pages,
			.page_timeout = (int)conf->page_timeout, .memory_mb = conf->worker_memory_mb,
			.workers = (int)(conf->workers < 256 ? conf->workers : 256),
			.ocr_mode = conf->ocr_mode,
			.language_fallback = (int)conf->language_fallback,
		};
		e->pool = sohoa_pool_new(&po, err);
		if (!e->pool)
			goto fail;
	}
	return e;
fail:
	sohoa_engine_free(e, 0);
	return NULL;
}

void
sohoa_engine_free(sohoa_engine *e, int timeout_ms)
{
	if (!e)
		return;
	sohoa_package_schemas_free(e->schemas);
	sohoa_signer_free(e->signer);
	sohoa_pool_free(e->pool, timeout_ms);
	/* Jobs cut short go back to the queue on disk, as at start-up. */
	for (size_t w = 0; e->cat && w < sizeof e->running / sizeof e->running[0]; w++) {
		struct job *j = &e->running[w];
		if (!j->record_id)
			continue;
		if (sohoa_spool_move(e->spool, j->spool_id, "active", "incoming", NULL) == SOHOA_OK)
			sohoa_catalog_set_state(e->cat, j->record_id, "incoming", NULL);
	}
	/* The last records and a catalog copy to the backup (a few seconds at most). */
	if (e->cat)
		sohoa_backup_finish(e->backup, e->conf, e->cat, e->opt.log, e->opt.log_arg);
	sohoa_backup_free(e->backup);
	sohoa_catalog_free(e->cat);
	sohoa_spool_free(e->spool);
	free(e->queue);
	free(e);
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
