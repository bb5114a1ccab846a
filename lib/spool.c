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
#include "sohoa/fsutil.h"
#include "sohoa/spool.h"

static const char *const states[] = {
	"tmp", "incoming", "active", "deferred", "done", "quarantine"
};
#define NSTATES (sizeof states / sizeof states[0])

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
	memset(env, 0, sizeof *env);
}

sohoa_spool *
sohoa_spool_open(const char *state_dir, sohoa_error *err)
{
	sohoa_spool *sp = calloc(1, sizeof *sp);

	if (!sp || !(sp->root = sohoa_path_join(state_dir, "spool"))) {
		free(sp);
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "out of memory");
		return NULL;
	}
	sp->lock_fd = -1;
	for (size_t i = 0; i < NSTATES; i++) {
		sp->dirs[i] = sohoa_path_join(sp->root, states[i]);
		if (!sp->dirs[i]) {
			sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "out of memory");
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
sohoa_spool_dir(const sohoa_spool *sp, const char *state)
{
	for (size_t i = 0; i < NSTATES; i++)
		if (strcmp(states[i], state) == 0)
			return sp->dirs[i];
	return NULL;
}

char *
sohoa_spool_path(const sohoa_spool *sp, const char *state, const char *id, const char *file,
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
	char *buf = malloc(cap), *h1 = malloc(2 * env->name_raw_len + 1),
	    *h2 = malloc(2 * env->origin_raw_len + 1), *h3 = malloc(2 * env->inbox_path_len + 1);
	sohoa_status st;
	int n;

	if (!buf || !h1 || !h2 || !h3) {
		st = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
		goto out;
	}
	hex_encode(env->name_raw, env->name_raw_len, h1);
	hex_encode(env->origin_raw, env->origin_raw_len, h2);
	hex_encode(env->inbox_path, env->inbox_path_len, h3);
	n = snprintf(buf, cap, "sohoa-envelope 1\nspool_id=%s\nhash=%s\nsize=%lld\n"
	    "mtime_ns=%lld\npicked_at=%s\nname_hex=%s\norigin_hex=%s\ninbox_path_hex=%s\n",
	    env->spool_id, env->hash, env->size, env->mtime_ns, env->picked_at, h1, h2, h3);
	st = sohoa_fs_write_file(path, buf, (size_t)n, 0640, err);
out:
	free(buf);
	free(h1);
	free(h2);
	free(h3);
	return st;
}

sohoa_status
sohoa_spool_read_envelope(const sohoa_spool *sp, const char *state, const char *id,
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
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
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
 * Opens root/relpath without following a symbolic link at any level: a
 * sub-folder of the inbox swapped for a link between the walk and the
 * pickup must not lead the daemon elsewhere.
 */
static int
open_beneath(const char *root, const char *relpath)
{
	char part[PATH_MAX];
	const char *p = relpath;
	int dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd;

	if (dfd < 0)
		return -1;
	for (;;) {
		const char *slash = strchr(p, '/');
		int e;
		if (!slash)
			break;
		if ((size_t)(slash - p) >= sizeof part) {
			close(dfd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(part, p, (size_t)(slash - p));
		part[slash - p] = '\0';
		fd = openat(dfd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		e = errno;
		close(dfd);
		if (fd < 0) {
			errno = e == ENOTDIR ? ELOOP : e;
			return -1;
		}
		dfd = fd;
		p = slash + 1;
	}
	fd = openat(dfd, p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	{
		int e = errno;
		close(dfd);
		errno = e;
	}
	return fd;
}

sohoa_status
sohoa_spool_pickup(sohoa_spool *sp, const char *root, const char *relpath,
    const struct stat *seen, long long max_size, sohoa_envelope *env, sohoa_error *err)
{
	enum { BUFSZ = 1 << 17 };
	char src[PATH_MAX], entry[PATH_MAX], orig[PATH_MAX], envp[PATH_MAX], dest[PATH_MAX];
	struct stat st, after;
	sohoa_hash *h = NULL;
	char *buf = NULL;
	int in = -1, out = -1;
	long long copied = 0;
	sohoa_status rc = SOHOA_OK;
	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	memset(env, 0, sizeof *env);
	if ((size_t)snprintf(src, sizeof src, "%s/%s", root, relpath) >= sizeof src)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNREADABLE,
		    "path too long: %s", relpath);
	in = open_beneath(root, relpath);
	if (in < 0)
		return pickup_errno(errno, src, err);
	if (fstat(in, &st) != 0) {
		rc = pickup_errno(errno, src, err);
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NOT_REGULAR,
		    "%s is not a regular file", src);
		goto fail;
	}
	if (seen && (st.st_size != seen->st_size || mtime_ns(&st) != mtime_ns(seen))) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "%s is still changing", src);
		goto fail;
	}
	if (st.st_size > max_size) {
		rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
		    "%s has %lld bytes, more than the limit of %lld", src,
		    (long long)st.st_size, max_size);
		goto fail;
	}
	/* Back to blocking reads for the copy. */
	fcntl(in, F_SETFL, fcntl(in, F_GETFL) & ~O_NONBLOCK);

	new_spool_id(env->spool_id);
	env->size = st.st_size;
	env->mtime_ns = mtime_ns(&st);
	sohoa_now_iso(env->picked_at);
	if (envelope_names(env, relpath) != 0) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
		goto fail;
	}
	sohoa_spool_path(sp, "tmp", env->spool_id, NULL, entry, sizeof entry);
	sohoa_spool_path(sp, "tmp", env->spool_id, "original", orig, sizeof orig);
	sohoa_spool_path(sp, "tmp", env->spool_id, "envelope", envp, sizeof envp);
	if (mkdir(entry, 0750) != 0) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "mkdir %s: %s", entry,
		    strerror(errno));
		goto fail;
	}
	out = open(orig, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	h = sohoa_hash_new("sha256");
	buf = malloc(BUFSZ);
	if (out < 0 || !h || !buf) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "create %s: %s", orig,
		    out < 0 ? strerror(errno) : "out of memory");
		goto fail_entry;
	}
	for (;;) {
		ssize_t n = read(in, buf, BUFSZ), w = 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNREADABLE,
			    "read %s: %s", src, strerror(errno));
			goto fail_entry;
		}
		if (n == 0)
			break;
		sohoa_hash_update(h, buf, (size_t)n);
		while (w < n) {
			ssize_t k = write(out, buf + w, (size_t)(n - w));
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
				    "write %s: %s", orig, strerror(errno));
				goto fail_entry;
			}
			w += k;
		}
		copied += n;
	}
	if (fstat(in, &after) != 0 || after.st_size != st.st_size || copied != st.st_size
	    || mtime_ns(&after) != mtime_ns(&st)) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "%s changed while it was being copied", src);
		goto fail_entry;
	}
	if (fsync(out) != 0) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "fsync %s: %s", orig,
		    strerror(errno));
		goto fail_entry;
	}
	close(out);
	out = -1;
	sohoa_hash_final(h, env->hash);
	if (write_envelope(envp, env, err) != SOHOA_OK
	    || sohoa_fs_sync_dir(entry, err) != SOHOA_OK) {
		rc = err->status;
		goto fail_entry;
	}
	/* Invariant 1: the complete entry appears in incoming/ in one rename. */
	sohoa_spool_path(sp, "incoming", env->spool_id, NULL, dest, sizeof dest);
	if (sohoa_fs_rename(entry, dest, err) != SOHOA_OK) {
		rc = err->status;
		goto fail_entry;
	}
	close(in);
	sohoa_hash_free(h);
	free(buf);
	return SOHOA_OK;

fail_entry:
	if (out >= 0)
		close(out);
	sohoa_fs_remove_tree(entry, NULL);
fail:
	if (in >= 0)
		close(in);
	sohoa_hash_free(h);
	free(buf);
	sohoa_envelope_release(env);
	return rc;
}

sohoa_status
sohoa_spool_move(sohoa_spool *sp, const char *id, const char *from, const char *to,
    sohoa_error *err)
{
	char a[PATH_MAX], b[PATH_MAX];

	sohoa_spool_path(sp, from, id, NULL, a, sizeof a);
	sohoa_spool_path(sp, to, id, NULL, b, sizeof b);
	return sohoa_fs_rename(a, b, err);
}

sohoa_status
sohoa_spool_remove(sohoa_spool *sp, const char *state, const char *id, sohoa_error *err)
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
sohoa_spool_each(const sohoa_spool *sp, const char *state, int (*fn)(const char *, void *),
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
	sohoa_spool_remove(sp, "tmp", id, NULL);
	return 0;
}

sohoa_status
sohoa_spool_clean_tmp(sohoa_spool *sp, sohoa_error *err)
{
	sohoa_spool_each(sp, "tmp", remove_tmp_entry, sp);
	return sohoa_fs_sync_dir(sohoa_spool_dir(sp, "tmp"), err);
}
