/*
 * spool.c - the on-disk queue (after Postfix): directories are states, moves
 * are rename()s, and pickup copies a scan in while hashing it.  The crash
 * rules are the numbered invariants in include/sohoa/spool.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

#include "sohoa/catalog.h"
#include "sohoa/fault.h"
#include "sohoa/fsutil.h"
#include "sohoa/spool.h"
#include "sohoa/tailieu.h"

/* state.h's sohoa_state: the folder and the catalog's word, by state. */
static const char *const states[SOHOA_STATE_COUNT] = {
	[SOHOA_STATE_TMP] = "tmp", [SOHOA_STATE_INCOMING] = "incoming",
	[SOHOA_STATE_ACTIVE] = "active", [SOHOA_STATE_DEFERRED] = "deferred",
	[SOHOA_STATE_DONE] = "done", [SOHOA_STATE_QUARANTINED] = "quarantine"
};
static const char *const state_names[SOHOA_STATE_COUNT] = {
	[SOHOA_STATE_TMP] = NULL, [SOHOA_STATE_INCOMING] = "incoming",
	[SOHOA_STATE_ACTIVE] = "active", [SOHOA_STATE_DEFERRED] = "deferred",
	[SOHOA_STATE_DONE] = "done", [SOHOA_STATE_QUARANTINED] = "quarantined"
};
#define NSTATES (sizeof states / sizeof states[0])
static const char *const state_labels[SOHOA_STATE_COUNT] = {
	[SOHOA_STATE_TMP] = NULL, [SOHOA_STATE_INCOMING] = "chờ nhận dạng",
	[SOHOA_STATE_ACTIVE] = "đang nhận dạng", [SOHOA_STATE_DEFERRED] = "thử lại sau",
	[SOHOA_STATE_DONE] = "đã xong", [SOHOA_STATE_QUARANTINED] = "cách ly"
};

const char *
sohoa_state_name(sohoa_state s)
{
	return (int)s >= 0 && s < SOHOA_STATE_COUNT ? state_names[s] : NULL;
}

const char *
sohoa_state_label(sohoa_state s)
{
	return (int)s >= 0 && s < SOHOA_STATE_COUNT ? state_labels[s] : NULL;
}

const char *
sohoa_state_dir(sohoa_state s)
{
	return (int)s >= 0 && s < SOHOA_STATE_COUNT ? states[s] : NULL;
}

int
sohoa_state_from_name(const char *name)
{
	for (int i = 0; name && i < SOHOA_STATE_COUNT; i++)
		if (state_names[i] && !strcmp(state_names[i], name))
			return i;
	return -1;
}

int
sohoa_state_from_dir(const char *dir)
{
	for (int i = 0; dir && i < SOHOA_STATE_COUNT; i++)
		if (!strcmp(states[i], dir))
			return i;
	return -1;
}

struct sohoa_spool {
	char *root;                 /* <state_dir>/spool */
	char *dirs[NSTATES];
	int lock_fd;
};

void
sohoa_envelope_release(sohoa_envelope *env)
{
	if (!env)
		return;
	free(env->name);
	free(env->name_raw);
	free(env->origin);
	free(env->origin_raw);
	free(env->inbox_path);
	for (int i = 0; i < env->nparts; i++)
		free(env->part_names[i]);
	free(env->part_names);
	memset(env, 0, sizeof *env);
}

sohoa_spool *
sohoa_spool_open(const char *state_dir, sohoa_error *err)
{
	sohoa_spool *sp = calloc(1, sizeof *sp);

	if (!sp || !(sp->root = sohoa_path_join(state_dir, "spool"))) {
		free(sp);
		sohoa_error_oom(err);
		return NULL;
	}
	sp->lock_fd = -1;
	for (size_t i = 0; i < NSTATES; i++) {
		sp->dirs[i] = sohoa_path_join(sp->root, states[i]);
		if (!sp->dirs[i]) {
			sohoa_error_oom(err);
			sohoa_spool_free(sp);
			return NULL;
		}
		if (sohoa_fs_mkdirs(sp->dirs[i], 0750, err) != SOHOA_OK) {
			sohoa_spool_free(sp);
			return NULL;
		}
	}
	return sp;
}

void
sohoa_spool_free(sohoa_spool *sp)
{
	if (!sp)
		return;
	for (size_t i = 0; i < NSTATES; i++)
		free(sp->dirs[i]);
	if (sp->lock_fd >= 0)
		close(sp->lock_fd);
	free(sp->root);
	free(sp);
}

sohoa_status
sohoa_spool_lock(sohoa_spool *sp, sohoa_error *err)
{
	char path[PATH_MAX];

	if (sp->lock_fd >= 0)
		return SOHOA_OK;
	snprintf(path, sizeof path, "%s/lock", sp->root);
	sp->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (sp->lock_fd < 0)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "open %s: %s", path,
		    strerror(errno));
	if (flock(sp->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		close(sp->lock_fd);
		sp->lock_fd = -1;
		return sohoa_error_set(err, e == EWOULDBLOCK ? SOHOA_RETRY : SOHOA_FATAL,
		    SOHOA_REASON_NONE, "the spool %s is in use by another sohoa process (%s)",
		    sp->root, strerror(e));
	}
	return SOHOA_OK;
}

const char *
sohoa_spool_dir(const sohoa_spool *sp, sohoa_state state)
{
	return (int)state >= 0 && (size_t)state < NSTATES ? sp->dirs[state] : NULL;
}

char *
sohoa_spool_path(const sohoa_spool *sp, sohoa_state state, const char *id, const char *file,
    char *buf, size_t size)
{
	const char *dir = sohoa_spool_dir(sp, state);

	if (file)
		snprintf(buf, size, "%s/%s/%s", dir ? dir : "?", id, file);
	else
		snprintf(buf, size, "%s/%s", dir ? dir : "?", id);
	return buf;
}

char *
sohoa_text_from_bytes(const char *bytes, size_t len)
{
	/* Worst case every byte becomes U+FFFD (3 bytes). */
	char *clean = malloc(len * 3 + 1), *nfc;
	size_t o = 0, i = 0;

	if (!clean)
		return NULL;
	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)bytes + i,
		    (utf8proc_ssize_t)(len - i), &cp);
		if (n <= 0 || cp == 0) {
			memcpy(clean + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i++;
		} else {
			memcpy(clean + o, bytes + i, (size_t)n);
			o += (size_t)n;
			i += (size_t)n;
		}
	}
	clean[o] = '\0';
	nfc = (char *)utf8proc_NFC((const utf8proc_uint8_t *)clean);
	free(clean);
	return nfc;
}

static void
hex_encode(const char *in, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = hex[(unsigned char)in[i] >> 4];
		out[2 * i + 1] = hex[(unsigned char)in[i] & 15];
	}
	out[2 * len] = '\0';
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes hex into a fresh NUL-terminated buffer; NULL if malformed. */
static char *
hex_decode(const char *hex, size_t *len)
{
	size_t n = strlen(hex);
	char *out;

	if (n % 2)
		return NULL;
	out = malloc(n / 2 + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(out);
			return NULL;
		}
		out[i] = (char)(hi << 4 | lo);
	}
	out[n / 2] = '\0';
	*len = n / 2;
	return out;
}

/* A spool id: UTC time, then 8 random hex digits; sorts by pickup time. */
static void
new_spool_id(char id[SOHOA_SPOOL_ID_MAX])
{
	unsigned char rnd[4] = { 0 };
	struct timespec ts;
	struct tm tm;

	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
		unsigned r = (unsigned)getpid() ^ (unsigned)clock();
		memcpy(rnd, &r, sizeof rnd);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(id, SOHOA_SPOOL_ID_MAX, "%04d%02d%02dT%02d%02d%02d.%06ld-%02x%02x%02x%02x",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    ts.tv_nsec / 1000, rnd[0], rnd[1], rnd[2], rnd[3]);
}

static long long
mtime_ns(const struct stat *st)
{
	return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

/* Fills the name, origin and path fields of env from relpath. */
static int
envelope_names(sohoa_envelope *env, const char *relpath)
{
	const char *slash = strrchr(relpath, '/');
	const char *base = slash ? slash + 1 : relpath;
	size_t olen = slash ? (size_t)(slash - relpath) : 0;

	env->inbox_path_len = strlen(relpath);
	env->inbox_path = strdup(relpath);
	env->name_raw_len = strlen(base);
	env->name_raw = strdup(base);
	env->origin_raw_len = olen;
	env->origin_raw = strndup(relpath, olen);
	if (!env->inbox_path || !env->name_raw || !env->origin_raw)
		return -1;
	env->name = sohoa_text_from_bytes(env->name_raw, env->name_raw_len);
	env->origin = sohoa_text_from_bytes(env->origin_raw, env->origin_raw_len);
	return env->name && env->origin ? 0 : -1;
}

static sohoa_status
write_envelope(const char *path, const sohoa_envelope *env, sohoa_error *err)
{
	size_t cap = 512 + 2 * (env->name_raw_len + env->origin_raw_len + env->inbox_path_len);
	char *buf, *h1 = malloc(2 * env->name_raw_len + 1),
	    *h2 = malloc(2 * env->origin_raw_len + 1), *h3 = malloc(2 * env->inbox_path_len + 1);
	sohoa_status st;
	int n;

	for (int i = 0; i < env->nparts; i++)
		cap += 16 + 2 * strlen(env->part_names[i]);
	buf = malloc(cap);
	if (!buf || !h1 || !h2 || !h3) {
		st = sohoa_error_oom(err);
		goto out;
	}
	hex_encode(env->name_raw, env->name_raw_len, h1);
	hex_encode(env->origin_raw, env->origin_raw_len, h2);
	hex_encode(env->inbox_path, env->inbox_path_len, h3);
	n = snprintf(buf, cap, "sohoa-envelope 1\nspool_id=%s\nhash=%s\nsize=%lld\n"
	    "mtime_ns=%lld\npicked_at=%s\nname_hex=%s\norigin_hex=%s\ninbox_path_hex=%s\n",
	    env->spool_id, env->hash, env->size, env->mtime_ns, env->picked_at, h1, h2, h3);
	/* A document folder's parts, in page order (original.001 first). */
	for (int i = 0; i < env->nparts; i++) {
		size_t len = strlen(env->part_names[i]);
		memcpy(buf + n, "part_hex=", 9);
		n += 9;
		hex_encode(env->part_names[i], len, buf + n);
		n += (int)(2 * len);
		buf[n++] = '\n';
	}
	st = sohoa_fs_write_file(path, buf, (size_t)n, 0640, err);
out:
	free(buf);
	free(h1);
	free(h2);
	free(h3);
	return st;
}

sohoa_status
sohoa_spool_read_envelope(const sohoa_spool *sp, sohoa_state state, const char *id,
    sohoa_envelope *env, sohoa_error *err)
{
	char path[PATH_MAX], *text, *line, *save = NULL;
	int fields = 0;
	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	memset(env, 0, sizeof *env);
	sohoa_spool_path(sp, state, id, "envelope", path, sizeof path);
	if (sohoa_fs_read_file(path, 1 << 20, &text, NULL, err) != SOHOA_OK)
		return err->status;
	if (strncmp(text, "sohoa-envelope 1\n", 17) != 0) {
		free(text);
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "%s: not a sohoa envelope", path);
	}
	for (line = strtok_r(text + 17, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');
		size_t n;
		if (!eq)
			continue;
		*eq++ = '\0';
		if (!strcmp(line, "spool_id"))
			snprintf(env->spool_id, sizeof env->spool_id, "%s", eq), fields++;
		else if (!strcmp(line, "hash"))
			snprintf(env->hash, sizeof env->hash, "%s", eq), fields++;
		else if (!strcmp(line, "size"))
			env->size = strtoll(eq, NULL, 10), fields++;
		else if (!strcmp(line, "mtime_ns"))
			env->mtime_ns = strtoll(eq, NULL, 10), fields++;
		else if (!strcmp(line, "picked_at"))
			snprintf(env->picked_at, sizeof env->picked_at, "%s", eq), fields++;
		else if (!strcmp(line, "name_hex") && (env->name_raw = hex_decode(eq, &n)))
			env->name_raw_len = n, fields++;
		else if (!strcmp(line, "origin_hex") && (env->origin_raw = hex_decode(eq, &n)))
			env->origin_raw_len = n, fields++;
		else if (!strcmp(line, "inbox_path_hex") && (env->inbox_path = hex_decode(eq, &n)))
			env->inbox_path_len = n, fields++;
		else if (!strcmp(line, "part_hex")) {
			char **np = realloc(env->part_names, (size_t)(env->nparts + 1) * sizeof *np);
			if (!np || !(np[env->nparts] = hex_decode(eq, &n))) {
				if (np)
					env->part_names = np;
				fields = -1000;
				break;
			}
			env->part_names = np;
			env->nparts++;
		}
	}
	free(text);
	if (fields != 8) {
		sohoa_envelope_release(env);
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "%s: incomplete envelope", path);
	}
	env->name = sohoa_text_from_bytes(env->name_raw, env->name_raw_len);
	env->origin = sohoa_text_from_bytes(env->origin_raw, env->origin_raw_len);
	if (!env->name || !env->origin) {
		sohoa_envelope_release(env);
		return sohoa_error_oom(err);
	}
	return SOHOA_OK;
}

static sohoa_status
pickup_errno(int e, const char *path, sohoa_error *err)
{
	switch (e) {
	case ELOOP:
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_SYMLINK,
		    "%s is a symbolic link", path);
	case EACCES:
	case EPERM:
	case EIO:
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNREADABLE,
		    "%s: %s", path, strerror(e));
	case ENOENT:
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "%s disappeared", path);
	default:
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s: %s", path,
		    strerror(e));
	}
}

/*
 * Copies the file name in the folder dfd (label: its path, for messages) to
 * dst (created, fsynced) while hashing it, after checking that it is a
 * regular file (a link is never followed, a FIFO or device never opened),
 * the object seen (same inode, when seen has one) whose size and mtime
 * still equal *seen (when seen is not NULL) and stay so.  *obj gets what
 * was found under the name, whatever it is (st_mode 0 if nothing).
 */
static sohoa_status
copy_in(int dfd, const char *name, const char *label, const struct stat *seen,
    long long max_size, const char *dst, char hash[SOHOA_HASH_TEXT_MAX], struct stat *obj,
    sohoa_error *err)
{
	enum { BUFSZ = 1 << 17 };
	struct stat st, after;
	sohoa_hash *h = NULL;
	char *buf = NULL;
	int in = -1, out = -1;
	long long copied = 0;
	sohoa_status rc = SOHOA_OK;

	memset(&st, 0, sizeof st);
	in = sohoa_fs_open_file_at(dfd, name, seen, &st);
	*obj = st;
	if (in < 0) {
		int e = errno;
		if (e == EINVAL)
			return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NOT_REGULAR,
			    "%s is not a regular file", label);
		if (e == ESTALE)
			return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
			    "%s was replaced by another file", label);
		return pickup_errno(e, label, err);
	}
	if (seen && (st.st_size != seen->st_size || mtime_ns(&st) != mtime_ns(seen))) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "%s is still changing", label);
		goto out;
	}
	if (st.st_size > max_size) {
		rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
		    "%s has %lld bytes, more than the limit of %lld", label,
		    (long long)st.st_size, max_size);
		goto out;
	}
	/* From here the copy reads the open file, whatever happens to its
	 * name (tests/e2e/t_hostile.sh holds the daemon here). */
	sohoa_fs_test_pause("copying", label);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	h = sohoa_hash_new("sha256");
	buf = malloc(BUFSZ);
	if (out < 0 || !h || !buf) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "create %s: %s", dst,
		    out < 0 ? strerror(errno) : "out of memory");
		goto out;
	}
	for (;;) {
		ssize_t n = read(in, buf, BUFSZ);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNREADABLE,
			    "read %s: %s", label, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		sohoa_hash_update(h, buf, (size_t)n);
		if (sohoa_fs_pwrite_all(out, buf, (size_t)n, (off_t)copied) != 0) {
			rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "write %s: %s", dst,
			    strerror(errno));
			goto out;
		}
		copied += n;
	}
	if (fstat(in, &after) != 0 || after.st_size != st.st_size || copied != st.st_size
	    || mtime_ns(&after) != mtime_ns(&st)) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "%s changed while it was being copied", label);
		goto out;
	}
	if (SOHOA_FAULT_AT("fsync") || fsync(out) != 0) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "fsync %s: %s", dst,
		    strerror(errno));
		goto out;
	}
	sohoa_hash_final(h, hash);
out:
	if (out >= 0 && close(out) != 0 && rc == SOHOA_OK)
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "close %s: %s", dst,
		    strerror(errno));
	if (in >= 0)
		close(in);
	sohoa_hash_free(h);
	free(buf);
	return rc;
}

/* Makes tmp/<new id>/ for an entry whose names come from relpath. */
static sohoa_status
begin_entry(sohoa_spool *sp, const char *relpath, sohoa_envelope *env, char *entry,
    size_t size, sohoa_error *err)
{
	new_spool_id(env->spool_id);
	sohoa_now_iso(env->picked_at);
	if (envelope_names(env, relpath) != 0)
		return sohoa_error_oom(err);
	sohoa_spool_path(sp, SOHOA_STATE_TMP, env->spool_id, NULL, entry, size);
	if (mkdir(entry, 0750) != 0)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "mkdir %s: %s", entry,
		    strerror(errno));
	return SOHOA_OK;
}

/* Writes the envelope and moves the complete entry to incoming/. */
static sohoa_status
commit_entry(sohoa_spool *sp, const sohoa_envelope *env, const char *entry, sohoa_error *err)
{
	char envp[PATH_MAX], dest[PATH_MAX];

	sohoa_spool_path(sp, SOHOA_STATE_TMP, env->spool_id, "envelope", envp, sizeof envp);
	if (write_envelope(envp, env, err) != SOHOA_OK
	    || sohoa_fs_sync_dir(entry, err) != SOHOA_OK)
		return err->status;
	/* Invariant 1: the complete entry appears in incoming/ in one rename. */
	sohoa_spool_path(sp, SOHOA_STATE_INCOMING, env->spool_id, NULL, dest, sizeof dest);
	return sohoa_fs_rename(entry, dest, err);
}

sohoa_status
sohoa_spool_pickup_at(sohoa_spool *sp, int dfd, const char *name, const char *relpath,
    const struct stat *seen, long long max_size, sohoa_envelope *env, struct stat *obj,
    sohoa_error *err)
{
	char entry[PATH_MAX] = "", orig[PATH_MAX];
	struct stat st;
	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	memset(env, 0, sizeof *env);
	memset(&st, 0, sizeof st);
	if (begin_entry(sp, relpath, env, entry, sizeof entry, err) != SOHOA_OK)
		goto fail;
	sohoa_spool_path(sp, SOHOA_STATE_TMP, env->spool_id, "original", orig, sizeof orig);
	if (copy_in(dfd, name, relpath, seen, max_size, orig, env->hash, &st, err) != SOHOA_OK)
		goto fail;
	if (obj)
		*obj = st;
	env->size = st.st_size;
	env->mtime_ns = mtime_ns(&st);
	if (commit_entry(sp, env, entry, err) != SOHOA_OK)
		goto fail;
	return SOHOA_OK;
fail:
	if (obj)
		*obj = st;
	if (*entry)
		sohoa_fs_remove_tree(entry, NULL);
	sohoa_envelope_release(env);
	return err->status;
}

sohoa_status
sohoa_spool_pickup(sohoa_spool *sp, const char *root, const char *relpath,
    const struct stat *seen, long long max_size, sohoa_envelope *env, sohoa_error *err)
{
	const char *base;
	int dfd = sohoa_fs_open_parent_beneath(root, relpath, &base);
	sohoa_status rc;
	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	memset(env, 0, sizeof *env);
	if (dfd < 0)
		return pickup_errno(errno, relpath, err);
	rc = sohoa_spool_pickup_at(sp, dfd, base, relpath, seen, max_size, env, NULL, err);
	close(dfd);
	return rc;
}

sohoa_status
sohoa_spool_pickup_parts(sohoa_spool *sp, const char *root, const char *reldir,
    const sohoa_tailieu *t, long long max_size, sohoa_envelope *env, sohoa_error *err)
{
	int dfd = sohoa_fs_open_dir_beneath(root, reldir);
	sohoa_status rc;
	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	memset(env, 0, sizeof *env);
	if (dfd < 0)
		return pickup_errno(errno, reldir, err);
	rc = sohoa_spool_pickup_parts_at(sp, dfd, reldir, t, max_size, env, err);
	close(dfd);
	return rc;
}

sohoa_status
sohoa_spool_pickup_parts_at(sohoa_spool *sp, int dfd, const char *reldir,
    const sohoa_tailieu *t, long long max_size, sohoa_envelope *env, sohoa_error *err)
{
	char entry[PATH_MAX] = "", part[PATH_MAX], rel[PATH_MAX], hash[SOHOA_HASH_TEXT_MAX],
	    man[PATH_MAX];
	struct stat st, seen;
	size_t mlen = 0, mcap = 0;
	char *list = NULL;
	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	memset(env, 0, sizeof *env);
	if (t->size > max_size) {
		sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
		    "%s has %lld bytes of pages, more than the limit of %lld", reldir,
		    t->size, max_size);
		goto fail;
	}
	if (begin_entry(sp, reldir, env, entry, sizeof entry, err) != SOHOA_OK)
		goto fail;
	if (!(env->part_names = calloc((size_t)t->n, sizeof *env->part_names))) {
		sohoa_error_oom(err);
		goto fail;
	}
	for (int i = 0; i < t->n; i++) {
		char line[SOHOA_HASH_TEXT_MAX + 32];
		int n;
		memset(&seen, 0, sizeof seen);
		seen.st_size = t->parts[i].size;
		seen.st_mtim.tv_sec = t->parts[i].mtime_ns / 1000000000LL;
		seen.st_mtim.tv_nsec = t->parts[i].mtime_ns % 1000000000LL;
		seen.st_dev = (dev_t)t->parts[i].dev;
		seen.st_ino = (ino_t)t->parts[i].ino;
		if ((size_t)snprintf(rel, sizeof rel, "%s/%s", reldir, t->parts[i].name)
		    >= sizeof rel) {
			sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNREADABLE,
			    "path too long: %s/%s", reldir, t->parts[i].name);
			goto fail;
		}
		sohoa_tailieu_part_path(entry, t->n, i, part, sizeof part);
		if (copy_in(dfd, t->parts[i].name, rel, &seen, max_size, part, hash, &st, err)
		    != SOHOA_OK)
			goto fail;
		if (!(env->part_names[i] = strdup(t->parts[i].name))) {
			sohoa_error_oom(err);
			goto fail;
		}
		env->nparts = i + 1;
		/* sha256sum's format: hex digits only. */
		n = snprintf(line, sizeof line, "%s  original.%03d\n",
		    strchr(hash, ':') ? strchr(hash, ':') + 1 : hash, i + 1);
		if (mlen + (size_t)n + 1 > mcap) {
			char *nl = realloc(list, mcap = (mlen + (size_t)n + 1) * 2);
			if (!nl) {
				sohoa_error_oom(err);
				goto fail;
			}
			list = nl;
		}
		memcpy(list + mlen, line, (size_t)n + 1);
		mlen += (size_t)n;
	}
	/* The record's hash is the list's: one value covers every page. */
	snprintf(man, sizeof man, "%s/%s", entry, SOHOA_TAILIEU_MANIFEST);
	if (sohoa_fs_write_file(man, list, mlen, 0640, err) != SOHOA_OK)
		goto fail;
	{
		sohoa_hash *h = sohoa_hash_new("sha256");
		if (!h) {
			sohoa_error_oom(err);
			goto fail;
		}
		sohoa_hash_update(h, list, mlen);
		sohoa_hash_final(h, env->hash);
		sohoa_hash_free(h);
	}
	env->size = t->size;
	env->mtime_ns = t->signature;
	if (commit_entry(sp, env, entry, err) != SOHOA_OK)
		goto fail;
	free(list);
	return SOHOA_OK;
fail:
	if (*entry)
		sohoa_fs_remove_tree(entry, NULL);
	free(list);
	sohoa_envelope_release(env);
	return err->status;
}

sohoa_status
sohoa_spool_move(sohoa_spool *sp, const char *id, sohoa_state from, sohoa_state to,
    sohoa_error *err)
{
	char a[PATH_MAX], b[PATH_MAX];

	sohoa_spool_path(sp, from, id, NULL, a, sizeof a);
	sohoa_spool_path(sp, to, id, NULL, b, sizeof b);
	return sohoa_fs_rename(a, b, err);
}

sohoa_status
sohoa_spool_remove(sohoa_spool *sp, sohoa_state state, const char *id, sohoa_error *err)
{
	char a[PATH_MAX];
	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	sohoa_spool_path(sp, state, id, NULL, a, sizeof a);
	if (sohoa_fs_remove_tree(a, err) != SOHOA_OK)
		return err->status;
	return sohoa_fs_sync_dir(sohoa_spool_dir(sp, state), err);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
sohoa_spool_each(const sohoa_spool *sp, sohoa_state state, int (*fn)(const char *, void *),
    void *arg)
{
	const char *dir = sohoa_spool_dir(sp, state);
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int r = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
			if (!nn)
				break;
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name)))
			break;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (!r)
			r = fn(names[i], arg);
		free(names[i]);
	}
	free(names);
	return r;
}

static int
remove_tmp_entry(const char *id, void *arg)
{
	sohoa_spool *sp = arg;
	sohoa_spool_remove(sp, SOHOA_STATE_TMP, id, NULL);
	return 0;
}

sohoa_status
sohoa_spool_clean_tmp(sohoa_spool *sp, sohoa_error *err)
{
	sohoa_spool_each(sp, SOHOA_STATE_TMP, remove_tmp_entry, sp);
	return sohoa_fs_sync_dir(sohoa_spool_dir(sp, SOHOA_STATE_TMP), err);
}
