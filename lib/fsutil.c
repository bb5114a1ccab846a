/*
 * fsutil.c - durable file writes, renames and directory syncs.  Everything
 * that must survive a crash goes through here, so this is the file to audit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "sohoa/fsutil.h"
#include "sohoa/hash.h"

char *
sohoa_path_join(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *p;

	while (na > 0 && a[na - 1] == '/')
		na--;
	p = malloc(na + nb + 2);
	if (!p)
		return NULL;
	memcpy(p, a, na);
	p[na] = '/';
	memcpy(p + na + 1, b, nb + 1);
	return p;
}

/* The directory part of path, into buf. */
static void
dir_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(buf, size, ".");
	else if (slash == path)
		snprintf(buf, size, "/");
	else
		snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

sohoa_status
sohoa_fs_sync_dir(const char *path, sohoa_error *err)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return sohoa_error_set(err, errno == ENOENT ? SOHOA_FATAL : SOHOA_RETRY,
		    SOHOA_REASON_NONE, "open directory %s: %s", path, strerror(errno));
	if (fsync(fd) != 0 && errno != EINVAL) {
		int e = errno;
		close(fd);
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
		    "fsync directory %s: %s", path, strerror(e));
	}
	close(fd);
	return SOHOA_OK;
}

/* Errors of the disk filling up or similar are passing: retry later. */
static sohoa_status
io_status(int e)
{
	return (e == ENOSPC || e == EDQUOT || e == EIO || e == EAGAIN || e == EINTR
	    || e == ENOMEM) ? SOHOA_RETRY : SOHOA_FATAL;
}

static int
write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Opens a fresh temp file beside path; its name goes into tmp. */
static int
open_temp_beside(const char *path, mode_t mode, char *tmp, size_t size)
{
	static const char hex[] = "0123456789abcdef";

	for (int tries = 0; tries < 100; tries++) {
		unsigned r = (unsigned)getpid() * 2654435761u ^ (unsigned)rand() ^ (unsigned)tries;
		char suffix[9];
		int fd;
		for (int i = 0; i < 8; i++)
			suffix[i] = hex[(r >> (i * 4)) & 15];
		suffix[8] = '\0';
		if ((size_t)snprintf(tmp, size, "%s.tmp-%s", path, suffix) >= size) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

/* Finishes a temp file: fsync, close, rename, fsync directory. */
static sohoa_status
commit_temp(int fd, const char *tmp, const char *path, sohoa_error *err)
{
	char dir[PATH_MAX];

	if (fsync(fd) != 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return sohoa_error_set(err, io_status(e), SOHOA_REASON_NONE, "fsync %s: %s", tmp,
		    strerror(e));
	}
	if (close(fd) != 0) {
		int e = errno;
		unlink(tmp);
		return sohoa_error_set(err, io_status(e), SOHOA_REASON_NONE, "close %s: %s", tmp,
		    strerror(e));
	}
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return sohoa_error_set(err, io_status(e), SOHOA_REASON_NONE, "rename %s to %s: %s",
		    tmp, path, strerror(e));
	}
	dir_of(path, dir, sizeof dir);
	return sohoa_fs_sync_dir(dir, err);
}

sohoa_status
sohoa_fs_write_file(const char *path, const void *data, size_t len, mode_t mode,
    sohoa_error *err)
{
	char tmp[PATH_MAX];
	int fd = open_temp_beside(path, mode, tmp, sizeof tmp);

	if (fd < 0)
		return sohoa_error_set(err, io_status(errno), SOHOA_REASON_NONE,
		    "create temp file for %s: %s", path, strerror(errno));
	if (write_all(fd, data, len) != 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return sohoa_error_set(err, io_status(e), SOHOA_REASON_NONE, "write %s: %s", tmp,
		    strerror(e));
	}
	return commit_temp(fd, tmp, path, err);
}

sohoa_status
sohoa_fs_copy_file(const char *src, const char *dst, mode_t mode, sohoa_error *err)
{
	enum { BUFSZ = 1 << 16 };
	char tmp[PATH_MAX];
	char *buf;
	int in, out;

	buf = malloc(BUFSZ);
	if (!buf)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
	in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0) {
		int e = errno;
		free(buf);
		return sohoa_error_set(err, io_status(e), SOHOA_REASON_NONE, "open %s: %s",
		    src, strerror(e));
	}
	out = open_temp_beside(dst, mode, tmp, sizeof tmp);
	if (out < 0) {
		int e = errno;
		close(in);
		free(buf);
		return sohoa_error_set(err, io_status(e), SOHOA_REASON_NONE,
		    "create temp file for %s: %s", dst, strerror(e));
	}
	for (;;) {
		ssize_t n = read(in, buf, BUFSZ);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (n > 0 && write_all(out, buf, (size_t)n) != 0)) {
			int e = errno;
			close(in);
			close(out);
			unlink(tmp);
			free(buf);
			return sohoa_error_set(err, io_status(e), SOHOA_REASON_NONE,
			    "copy %s to %s: %s", src, dst, strerror(e));
		}
		if (n == 0)
			break;
	}
	close(in);
	free(buf);
	return commit_temp(out, tmp, dst, err);
}

/* ---- batches of new files in an unseen tree (see fsutil.h) ----------- */

/* Files kept open between their write and their fsync; past this many the
 * open ones are synced and closed early (a group). */
#define BATCH_MAX_OPEN 64

struct batch_file {
	int fd;
	char *path;
};

struct sohoa_fs_batch {
	struct batch_file files[BATCH_MAX_OPEN];
	int nfiles;
	char **dirs;
	int ndirs, dirs_cap;
};

sohoa_fs_batch *
sohoa_fs_batch_new(void)
{
	return calloc(1, sizeof(sohoa_fs_batch));
}

static void
batch_close_files(sohoa_fs_batch *b)
{
	for (int i = 0; i < b->nfiles; i++) {
		if (b->files[i].fd >= 0)
			close(b->files[i].fd);
		free(b->files[i].path);
	}
	b->nfiles = 0;
}

void
sohoa_fs_batch_free(sohoa_fs_batch *b)
{
	if (!b)
		return;
	batch_close_files(b);
	for (int i = 0; i < b->ndirs; i++)
		free(b->dirs[i]);
	free(b->dirs);
	free(b);
}

sohoa_status
sohoa_fs_batch_add_dir(sohoa_fs_batch *b, const char *path, sohoa_error *err)
{
	char *p;

	if (b->ndirs == b->dirs_cap) {
		int cap = b->dirs_cap ? 2 * b->dirs_cap : 16;
		char **nd = realloc(b->dirs, (size_t)cap * sizeof *nd);
		if (!nd)
			return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
		b->dirs = nd;
		b->dirs_cap = cap;
	}
	if (!(p = strdup(path)))
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
	b->dirs[b->ndirs++] = p;
	return SOHOA_OK;
}

sohoa_status
sohoa_fs_batch_mkdir(sohoa_fs_batch *b, const char *path, mode_t mode, sohoa_error *err)
{
	if (mkdir(path, mode) != 0)
		return sohoa_error_set(err, io_status(errno), SOHOA_REASON_NONE,
		    "create folder %s: %s", path, strerror(errno));
	return sohoa_fs_batch_add_dir(b, path, err);
}

/*
 * The files open in b: writeback started for all of them first (a hint:
 * the file system allocates and writes them together), then each fsync()ed
 * and closed.  Closed even on failure; the first failure is reported.
 */
static sohoa_status
batch_sync_files(sohoa_fs_batch *b, sohoa_error *err)
{
	sohoa_status st = SOHOA_OK;

	for (int i = 0; i < b->nfiles; i++)
		(void)sync_file_range(b->files[i].fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	for (int i = 0; i < b->nfiles; i++) {
		struct batch_file *f = &b->files[i];
		if (st == SOHOA_OK && fsync(f->fd) != 0)
			st = sohoa_error_set(err, io_status(errno), SOHOA_REASON_NONE, "fsync %s: %s",
			    f->path, strerror(errno));
		if (close(f->fd) != 0 && st == SOHOA_OK)
			st = sohoa_error_set(err, io_status(errno), SOHOA_REASON_NONE, "close %s: %s",
			    f->path, strerror(errno));
		f->fd = -1;
	}
	batch_close_files(b);
	return st;
}

/* A new file of the batch, open for writing in *fd. */
static sohoa_status
batch_create(sohoa_fs_batch *b, const char *path, mode_t mode, int *fd, sohoa_error *err)
{
	sohoa_status st;
	char *p;

	*fd = -1;
	if (b->nfiles == BATCH_MAX_OPEN && (st = batch_sync_files(b, err)) != SOHOA_OK)
		return st;
	if (!(p = strdup(path)))
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
	*fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (*fd < 0) {
		free(p);
		return sohoa_error_set(err, io_status(errno), SOHOA_REASON_NONE, "create %s: %s",
		    path, strerror(errno));
	}
	b->files[b->nfiles].fd = *fd;
	b->files[b->nfiles].path = p;
	b->nfiles++;
	return SOHOA_OK;
}

sohoa_status
sohoa_fs_batch_write(sohoa_fs_batch *b, const char *path, const void *data, size_t len,
    mode_t mode, sohoa_error *err)
{
	sohoa_status st;
	int fd;

	if ((st = batch_create(b, path, mode, &fd, err)) != SOHOA_OK)
		return st;
	if (write_all(fd, data, len) != 0)
		return sohoa_error_set(err, io_status(errno), SOHOA_REASON_NONE, "write %s: %s",
		    path, strerror(errno));
	return SOHOA_OK;
}

sohoa_status
sohoa_fs_batch_copy(sohoa_fs_batch *b, const char *src, const char *dst, mode_t mode,
    struct sohoa_hash *h, long long *size, sohoa_error *err)
{
	enum { BUFSZ = 1 << 17 };
	long long total = 0;
	sohoa_status st = SOHOA_OK;
	char *buf;
	int in, out;

	if (!(buf = malloc(BUFSZ)))
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
	in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0) {
		st = sohoa_error_set(err, io_status(errno), SOHOA_REASON_NONE, "open %s: %s", src,
		    strerror(errno));
		free(buf);
		return st;
	}
	if ((st = batch_create(b, dst, mode, &out, err)) != SOHOA_OK) {
		close(in);
		free(buf);
		return st;
	}
	for (;;) {
		ssize_t n = read(in, buf, BUFSZ);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (n > 0 && write_all(out, buf, (size_t)n) != 0)) {
			st = sohoa_error_set(err, io_status(errno), SOHOA_REASON_NONE,
			    "copy %s to %s: %s", src, dst, strerror(errno));
			break;
		}
		if (n == 0)
			break;
		if (h)
			sohoa_hash_update(h, buf, (size_t)n);
		total += n;
	}
	close(in);
	free(buf);
	if (size)
		*size = total;
	return st;
}

sohoa_status
sohoa_fs_batch_sync(sohoa_fs_batch *b, sohoa_error *err)
{
	sohoa_status st = batch_sync_files(b, err);

	/* Deepest first: a folder's entry in its parent is synced after the
	 * folder itself. */
	for (int i = b->ndirs - 1; st == SOHOA_OK && i >= 0; i--)
		st = sohoa_fs_sync_dir(b->dirs[i], err);
	return st;
}

sohoa_status
sohoa_fs_rename(const char *from, const char *to, sohoa_error *err)
{
	char d1[PATH_MAX], d2[PATH_MAX];

	sohoa_error local;

	if (!err) {
		sohoa_error_clear(&local);
		err = &local;
	}
	if (rename(from, to) != 0)
		return sohoa_error_set(err, io_status(errno), SOHOA_REASON_NONE,
		    "rename %s to %s: %s", from, to, strerror(errno));
	dir_of(from, d1, sizeof d1);
	dir_of(to, d2, sizeof d2);
	if (sohoa_fs_sync_dir(d2, err) != SOHOA_OK)
		return err ? err->status : SOHOA_RETRY;
	if (strcmp(d1, d2) != 0)
		return sohoa_fs_sync_dir(d1, err);
	return SOHOA_OK;
}

sohoa_status
sohoa_fs_mkdirs(const char *path, mode_t mode, sohoa_error *err)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof buf)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "bad path '%s'", path);
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(buf, mode) != 0) {
				struct stat st;
				if (errno != EEXIST)
					return sohoa_error_set(err, io_status(errno), SOHOA_REASON_NONE,
					    "create folder %s: %s", buf, strerror(errno));
				if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
					return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
					    "create folder %s: %s is not a folder", path, buf);
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return SOHOA_OK;
}

static int
remove_at(int parent, const char *name)
{
	int fd;
	DIR *d;
	struct dirent *de;

	if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return -1;
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (remove_at(dirfd(d), de->d_name) != 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return unlinkat(parent, name, AT_REMOVEDIR) == 0 || errno == ENOENT ? 0 : -1;
}

sohoa_status
sohoa_fs_remove_tree(const char *path, sohoa_error *err)
{
	if (remove_at(AT_FDCWD, path) != 0)
		return sohoa_error_set(err, io_status(errno), SOHOA_REASON_NONE, "remove %s: %s",
		    path, strerror(errno));
	return SOHOA_OK;
}

sohoa_status
sohoa_fs_read_file(const char *path, size_t max, char **out, size_t *len, sohoa_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	char *buf;
	size_t got = 0;

	*out = NULL;
	if (fd < 0)
		return sohoa_error_set(err, errno == ENOENT ? SOHOA_BAD_INPUT : io_status(errno),
		    SOHOA_REASON_UNREADABLE, "open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || (size_t)st.st_size > max) {
		close(fd);
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
		    "%s: too large to read", path);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	if (len)
		*len = got;
	return SOHOA_OK;
}

long long
sohoa_fs_free_bytes(const char *path)
{
	struct statvfs sv;

	if (statvfs(path, &sv) != 0)
		return -1;
	return (long long)sv.f_bavail * (long long)sv.f_frsize;
}

int
sohoa_fs_pwrite_all(int fd, const void *data, size_t len, off_t off)
{
	const char *p = data;

	while (len > 0) {
		ssize_t w = pwrite(fd, p, len, off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		p += w;
		len -= (size_t)w;
		off += w;
	}
	return 0;
}

/*
 * Opens root/relpath without following a symbolic link at any level: a
 * sub-folder of the inbox swapped for a link between the walk and the
 * pickup must not lead the daemon elsewhere.
 */
int
sohoa_fs_open_beneath(const char *root, const char *relpath, int flags)
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
	fd = openat(dfd, p, flags | O_NOFOLLOW | O_CLOEXEC);
	{
		int e = errno;
		close(dfd);
		errno = e;
	}
	return fd;
}
