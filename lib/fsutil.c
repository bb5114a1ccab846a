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

#include "sohoa/fault.h"
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
	if ((SOHOA_FAULT_AT("fsync") || fsync(fd) != 0) && errno != EINVAL) {
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

	if (SOHOA_FAULT_AT("write"))
		return -1;
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

	if (SOHOA_FAULT_AT("fsync") || fsync(fd) != 0) {
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
	if (SOHOA_FAULT_AT("rename") || rename(tmp, path) != 0) {
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
		return sohoa_error_oom(err);
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
			return sohoa_error_oom(err);
		b->dirs = nd;
		b->dirs_cap = cap;
	}
	if (!(p = strdup(path)))
		return sohoa_error_oom(err);
	b->dirs[b->ndirs++] = p;
	return SOHOA_OK;
}

int
sohoa_fs_chmod_shared(const char *path, mode_t mode)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return -1;
	return chmod(path, (mode & 07777) | (S_ISDIR(sb.st_mode) ? sb.st_mode & S_ISGID : 0));
}

sohoa_status
sohoa_fs_batch_mkdir(sohoa_fs_batch *b, const char *path, mode_t mode, sohoa_error *err)
{
	/* The mode asked for, whatever the umask (a folder the group shares
	 * must be writable by the group). */
	if (mkdir(path, mode) != 0 || sohoa_fs_chmod_shared(path, mode) != 0)
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
		if (st == SOHOA_OK && (SOHOA_FAULT_AT("fsync") || fsync(f->fd) != 0))
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
		return sohoa_error_oom(err);
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
		return sohoa_error_oom(err);
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
	if (SOHOA_FAULT_AT("rename") || rename(from, to) != 0)
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
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	char *buf;
	size_t got = 0;

	*out = NULL;
	if (fd < 0)
		return sohoa_error_set(err, errno == ENOENT ? SOHOA_BAD_INPUT : io_status(errno),
		    SOHOA_REASON_UNREADABLE, "open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NOT_REGULAR,
		    "%s: not a regular file", path);
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
		    "%s: too large to read", path);
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return sohoa_error_oom(err);
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

	if (SOHOA_FAULT_AT("write"))
		return -1;
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
	const char *base;
	int dfd = sohoa_fs_open_parent_beneath(root, relpath, &base), fd, e;

	if (dfd < 0)
		return -1;
	fd = openat(dfd, base, flags | O_NOFOLLOW | O_CLOEXEC);
	e = errno;
	close(dfd);
	errno = e;
	return fd;
}

/* ---- folders other people write (see fsutil.h) ----------------------- */

/* Opens one more folder level below dfd, never through a link. */
static int
open_subdir(int dfd, const char *name)
{
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	/* A link at the end says ENOTDIR with O_DIRECTORY | O_NOFOLLOW. */
	if (fd < 0 && errno == ENOTDIR) {
		struct stat st;
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
			errno = ELOOP;
		else
			errno = ENOTDIR;
	}
	return fd;
}

/* Walks reldir below the open folder dfd (consumed), creating what is
 * missing when mkmode is not 0. */
static int
walk_dirs(int dfd, const char *reldir, mode_t mkmode)
{
	char part[NAME_MAX + 1];
	const char *p = reldir ? reldir : "";

	while (dfd >= 0 && *p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		int fd, e;
		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n + (slash ? 1 : 0);
			continue;
		}
		if (n > NAME_MAX || (n == 2 && p[0] == '.' && p[1] == '.')) {
			close(dfd);
			errno = n > NAME_MAX ? ENAMETOOLONG : EINVAL;
			return -1;
		}
		memcpy(part, p, n);
		part[n] = '\0';
		fd = open_subdir(dfd, part);
		if (fd < 0 && errno == ENOENT && mkmode) {
			if (mkdirat(dfd, part, mkmode) == 0 || errno == EEXIST)
				fd = open_subdir(dfd, part);
		}
		e = errno;
		close(dfd);
		errno = e;
		dfd = fd;
		p += n + (slash ? 1 : 0);
	}
	return dfd;
}

int
sohoa_fs_open_dir_beneath(const char *root, const char *reldir)
{
	return walk_dirs(open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), reldir, 0);
}

int
sohoa_fs_mkdirs_beneath(const char *root, const char *reldir, mode_t mode)
{
	return walk_dirs(open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), reldir, mode ? mode
	    : 0700);
}

int
sohoa_fs_open_parent_beneath(const char *root, const char *relpath, const char **base)
{
	const char *slash = strrchr(relpath, '/');
	char dir[PATH_MAX];
	int fd;

	*base = slash ? slash + 1 : relpath;
	if (!**base || !strcmp(*base, ".") || !strcmp(*base, "..")) {
		errno = EINVAL;
		return -1;
	}
	if (!slash)
		return sohoa_fs_open_dir_beneath(root, "");
	if ((size_t)(slash - relpath) >= sizeof dir) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, relpath, (size_t)(slash - relpath));
	dir[slash - relpath] = '\0';
	fd = sohoa_fs_open_dir_beneath(root, dir);
	return fd;
}

int
sohoa_fs_stat_beneath(const char *root, const char *relpath, struct stat *st)
{
	const char *base;
	int dfd = sohoa_fs_open_parent_beneath(root, relpath, &base), r, e;

	if (dfd < 0)
		return -1;
	r = fstatat(dfd, base, st, AT_SYMLINK_NOFOLLOW);
	e = errno;
	close(dfd);
	errno = e;
	return r;
}

bool
sohoa_fs_same_object(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

int
sohoa_fs_open_file_at(int dfd, const char *name, const struct stat *seen, struct stat *st)
{
	struct stat now;
	int fd;

	if (fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	if (S_ISLNK(st->st_mode)) {
		errno = ELOOP;
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		errno = EINVAL;
		return -1;
	}
	if (seen && seen->st_ino && !sohoa_fs_same_object(seen, st)) {
		errno = ESTALE;
		return -1;
	}
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* Swapped between the look and the open (for a FIFO, O_NONBLOCK made
	 * the open return at once). */
	if (fstat(fd, &now) != 0 || !S_ISREG(now.st_mode) || !sohoa_fs_same_object(st, &now)) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	*st = now;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

int
sohoa_fs_unlink_same(int dfd, const char *name, const struct stat *want)
{
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	if (!sohoa_fs_same_object(&st, want)) {
		errno = ESTALE;
		return -1;
	}
	return unlinkat(dfd, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0);
}

/* renameat() that never replaces an existing to (renameat2 NOREPLACE where
 * the filesystem has it). */
static int
rename_noreplace(int fdir, const char *from, int tdir, const char *to)
{
	struct stat st;

	if (SOHOA_FAULT_AT("rename"))
		return -1;
	if (renameat2(fdir, from, tdir, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (fstatat(tdir, to, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	return renameat(fdir, from, tdir, to);
}

int
sohoa_fs_move_same(int fdir, const char *name, int tdir, const char *tname,
    const struct stat *want)
{
	struct stat st;

	if (fstatat(fdir, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	if (!sohoa_fs_same_object(&st, want)) {
		errno = ESTALE;
		return -1;
	}
	if (rename_noreplace(fdir, name, tdir, tname) != 0)
		return -1;
	if (fstatat(tdir, tname, &st, AT_SYMLINK_NOFOLLOW) != 0 || !sohoa_fs_same_object(&st, want)) {
		/* Something else was slipped in under that name between the
		 * look and the rename: it goes back where it came from. */
		if (rename_noreplace(tdir, tname, fdir, name) != 0 && !S_ISREG(st.st_mode)
		    && !S_ISDIR(st.st_mode))
			unlinkat(tdir, tname, 0);
		errno = ESTALE;
		return -1;
	}
	(void)fsync(tdir);
	(void)fsync(fdir);
	return 0;
}

sohoa_status
sohoa_fs_read_small_at(int dfd, const char *name, const char *label, size_t max, char **out,
    size_t *len, sohoa_error *err)
{
	struct stat st;
	size_t got = 0;
	char *buf;
	int fd;

	*out = NULL;
	if (len)
		*len = 0;
	fd = sohoa_fs_open_file_at(dfd, name, NULL, &st);
	if (fd < 0) {
		int e = errno;
		sohoa_status s;
		if (e == ELOOP)
			s = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_SYMLINK,
			    "%s is a symbolic link, never followed", label);
		else if (e == EINVAL)
			s = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NOT_REGULAR,
			    "%s is not a regular file", label);
		else if (e == ENOENT)
			s = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_UNREADABLE,
			    "%s: %s", label, strerror(e));
		else
			s = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s: %s", label,
			    strerror(e));
		errno = e;
		return s;
	}
	if ((size_t)st.st_size > max) {
		close(fd);
		errno = EFBIG;
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
		    "%s is %lld bytes, more than %zu", label, (long long)st.st_size, max);
	}
	if (!(buf = malloc(max + 1))) {
		close(fd);
		return sohoa_error_oom(err);
	}
	/* Reads up to max + 1 bytes whatever the size said: a file that grew
	 * meanwhile is still refused, never read without end. */
	for (;;) {
		ssize_t n = read(fd, buf + got, max + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			free(buf);
			return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "read %s: %s",
			    label, strerror(e));
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > max) {
			close(fd);
			free(buf);
			errno = EFBIG;
			return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
			    "%s is more than %zu bytes", label, max);
		}
	}
	close(fd);
	buf[got] = '\0';
	*out = buf;
	if (len)
		*len = got;
	return SOHOA_OK;
}

/* A fresh temp file with a short hidden name in dfd. */
static int
open_temp_at(int dfd, mode_t mode, char *tmp, size_t size)
{
	static const char hex[] = "0123456789abcdef";

	for (int tries = 0; tries < 100; tries++) {
		unsigned r = (unsigned)getpid() * 2654435761u ^ (unsigned)rand() ^ (unsigned)tries
		    * 40503u;
		char suffix[9];
		int fd;
		for (int i = 0; i < 8; i++)
			suffix[i] = hex[(r >> (i * 4)) & 15];
		suffix[8] = '\0';
		snprintf(tmp, size, ".sohoa-tmp-%s", suffix);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
		if (fd >= 0) {
			/* The mode asked for, whatever the umask. */
			(void)fchmod(fd, mode);
			return fd;
		}
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

static sohoa_status
commit_temp_at(int fd, int dfd, const char *tmp, const char *name, sohoa_error *err)
{
	int e;

	if (SOHOA_FAULT_AT("fsync") || fsync(fd) != 0) {
		e = errno;
		close(fd);
		unlinkat(dfd, tmp, 0);
		return sohoa_error_set(err, io_status(e), SOHOA_REASON_NONE, "fsync %s: %s", tmp,
		    strerror(e));
	}
	if (close(fd) != 0) {
		e = errno;
		unlinkat(dfd, tmp, 0);
		return sohoa_error_set(err, io_status(e), SOHOA_REASON_NONE, "close %s: %s", tmp,
		    strerror(e));
	}
	if (SOHOA_FAULT_AT("rename") || renameat(dfd, tmp, dfd, name) != 0) {
		e = errno;
		unlinkat(dfd, tmp, 0);
		return sohoa_error_set(err, io_status(e), SOHOA_REASON_NONE, "rename %s to %s: %s",
		    tmp, name, strerror(e));
	}
	if ((SOHOA_FAULT_AT("fsync") || fsync(dfd) != 0) && errno != EINVAL)
		return sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "fsync folder of %s: %s",
		    name, strerror(errno));
	return SOHOA_OK;
}

sohoa_status
sohoa_fs_write_file_at(int dfd, const char *name, const void *data, size_t len, mode_t mode,
    sohoa_error *err)
{
	char tmp[64];
	int fd = open_temp_at(dfd, mode, tmp, sizeof tmp);

	if (fd < 0)
		return sohoa_error_set(err, io_status(errno), SOHOA_REASON_NONE,
		    "create temp file for %s: %s", name, strerror(errno));
	if (write_all(fd, data, len) != 0) {
		int e = errno;
		close(fd);
		unlinkat(dfd, tmp, 0);
		return sohoa_error_set(err, io_status(e), SOHOA_REASON_NONE, "write %s: %s", name,
		    strerror(e));
	}
	return commit_temp_at(fd, dfd, tmp, name, err);
}

sohoa_status
sohoa_fs_copy_fd_at(int in, int dfd, const char *name, mode_t mode, sohoa_error *err)
{
	enum { BUFSZ = 1 << 16 };
	char tmp[64], *buf = malloc(BUFSZ);
	int out;

	if (!buf)
		return sohoa_error_oom(err);
	if ((out = open_temp_at(dfd, mode, tmp, sizeof tmp)) < 0) {
		int e = errno;
		free(buf);
		return sohoa_error_set(err, io_status(e), SOHOA_REASON_NONE,
		    "create temp file for %s: %s", name, strerror(e));
	}
	for (;;) {
		ssize_t n = read(in, buf, BUFSZ);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (n > 0 && write_all(out, buf, (size_t)n) != 0)) {
			int e = errno;
			close(out);
			unlinkat(dfd, tmp, 0);
			free(buf);
			return sohoa_error_set(err, io_status(e), SOHOA_REASON_NONE, "copy to %s: %s",
			    name, strerror(e));
		}
		if (n == 0)
			break;
	}
	free(buf);
	return commit_temp_at(out, dfd, tmp, name, err);
}

static int
remove_specials(int dfd, int depth)
{
	DIR *d;
	struct dirent *de;
	int count = 0, fd = dup(dfd);

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")
		    || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0
		    || S_ISREG(st.st_mode))
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub = depth < 32 ? open_subdir(dirfd(d), de->d_name) : -1, n;
			if (sub < 0)
				continue;
			n = remove_specials(sub, depth + 1);
			close(sub);
			if (n > 0)
				count += n;
			continue;
		}
		if (unlinkat(dirfd(d), de->d_name, 0) == 0)
			count++;
	}
	closedir(d);
	return count;
}

int
sohoa_fs_remove_specials_at(int dfd)
{
	return remove_specials(dfd, 0);
}

/*
 * A test's handle on the daemon (tests/e2e/t_hostile.sh): with
 * SOHOA_TEST_PAUSE listing point (comma separated) and SOHOA_TEST_PAUSE_DIR
 * set, the first time point is reached the process writes
 * <dir>/<point>.reached (holding what), waits until <dir>/<point>.go
 * appears (at most 60 s), and marks the point done (<dir>/<point>.done;
 * removing it arms the point again).  Nothing happens without both
 * variables.
 */
void
sohoa_fs_test_pause(const char *point, const char *what)
{
	const char *points = getenv("SOHOA_TEST_PAUSE"), *dir = getenv("SOHOA_TEST_PAUSE_DIR");
	char reached[PATH_MAX], go[PATH_MAX], done[PATH_MAX];
	size_t n = strlen(point);
	const char *p;
	struct stat st;

	if (!points || !dir || !*dir)
		return;
	for (p = points; (p = strstr(p, point)) != NULL; p += n)
		if ((p == points || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
			break;
	if (!p)
		return;
	snprintf(reached, sizeof reached, "%s/%s.reached", dir, point);
	snprintf(go, sizeof go, "%s/%s.go", dir, point);
	snprintf(done, sizeof done, "%s/%s.done", dir, point);
	if (stat(done, &st) == 0)
		return;
	sohoa_fs_write_file(reached, what, strlen(what), 0644, NULL);
	for (int i = 0; i < 3000 && unlink(go) != 0; i++)
		usleep(20000);
	unlink(reached);
	sohoa_fs_write_file(done, "", 0, 0644, NULL);
}

/* ---- the durable-write API for writers with a descriptor (fsutil.h) ---- */

sohoa_status
sohoa_fs_tmp_open(sohoa_fs_tmp *t, const char *path, mode_t mode, int flags,
    sohoa_error *err)
{
	char where[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int n = (flags & SOHOA_FS_HIDDEN)
	    ? snprintf(where, sizeof where, "%.*s.%s", slash ? (int)(slash - path + 1) : 0, path,
	    slash ? slash + 1 : path)
	    : snprintf(where, sizeof where, "%s", path);

	t->flags = flags;
	t->tmp[0] = '\0';
	t->fd = -1;
	if ((size_t)n >= sizeof where
	    || (size_t)snprintf(t->path, sizeof t->path, "%s", path) >= sizeof t->path)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "%s: path too long",
		    path);
	if (flags & SOHOA_FS_FIXED) {
		/* One writer only: the name of an earlier attempt is reused. */
		if ((size_t)snprintf(t->tmp, sizeof t->tmp, "%s.tmp", where) >= sizeof t->tmp)
			return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "%s: path too long", path);
		t->fd = open(t->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	} else {
		t->fd = open_temp_beside(where, mode, t->tmp, sizeof t->tmp);
	}
	if (t->fd < 0) {
		int e = errno;
		t->tmp[0] = '\0';
		return sohoa_error_set(err, io_status(e), SOHOA_REASON_NONE,
		    "create temp file for %s: %s", path, strerror(e));
	}
	return SOHOA_OK;
}

sohoa_status
sohoa_fs_tmp_write(sohoa_fs_tmp *t, const void *data, size_t len, sohoa_error *err)
{
	if (t->fd < 0)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "write %s: the file is closed", t->path);
	if (write_all(t->fd, data, len) != 0) {
		int e = errno;
		sohoa_fs_tmp_abort(t);
		return sohoa_error_set(err, io_status(e), SOHOA_REASON_NONE, "write %s: %s",
		    t->path, strerror(e));
	}
	return SOHOA_OK;
}

sohoa_status
sohoa_fs_tmp_commit(sohoa_fs_tmp *t, sohoa_error *err)
{
	int fd = t->fd;

	if (fd < 0)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "commit %s: the file is closed", t->path);
	t->fd = -1;
	if ((t->flags & (SOHOA_FS_BYNAME | SOHOA_FS_NOSYNC)) == SOHOA_FS_BYNAME) {
		/* What is at the temp's name now is what is synced: the writer
		 * may have made the file anew. */
		int e;
		close(fd);
		if ((fd = open(t->tmp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
			e = errno;
			unlink(t->tmp);
			return sohoa_error_set(err, io_status(e), SOHOA_REASON_NONE, "open %s: %s",
			    t->tmp, strerror(e));
		}
	}
	if (!(t->flags & SOHOA_FS_NOSYNC))
		return commit_temp(fd, t->tmp, t->path, err);
	if (close(fd) != 0 || SOHOA_FAULT_AT("rename") || rename(t->tmp, t->path) != 0) {
		int e = errno;
		unlink(t->tmp);
		return sohoa_error_set(err, io_status(e), SOHOA_REASON_NONE, "rename %s to %s: %s",
		    t->tmp, t->path, strerror(e));
	}
	return SOHOA_OK;
}

void
sohoa_fs_tmp_abort(sohoa_fs_tmp *t)
{
	if (t->fd < 0)
		return;
	close(t->fd);
	t->fd = -1;
	unlink(t->tmp);
}

sohoa_status
sohoa_fs_swap_dir(const char *tmp, const char *dest, const char *aside, sohoa_error *err)
{
	char parent[PATH_MAX];
	struct stat st;
	sohoa_error scratch;

	sohoa_error_clear(&scratch);
	dir_of(dest, parent, sizeof parent);
	if (lstat(dest, &st) != 0) {
		if (errno != ENOENT)
			return sohoa_error_set(err, io_status(errno), SOHOA_REASON_NONE, "%s: %s",
			    dest, strerror(errno));
		return sohoa_fs_rename(tmp, dest, err);
	}
	if (!S_ISDIR(st.st_mode))
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "%s exists and is not a folder", dest);
#ifdef RENAME_EXCHANGE
	if (!SOHOA_FAULT_AT("rename")
	    && renameat2(AT_FDCWD, tmp, AT_FDCWD, dest, RENAME_EXCHANGE) == 0) {
		/* tmp now holds the old content. */
		if (sohoa_fs_sync_dir(parent, err) != SOHOA_OK)
			return err->status;
		sohoa_fs_remove_tree(tmp, &scratch);
		return SOHOA_OK;
	}
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return sohoa_error_set(err, io_status(errno), SOHOA_REASON_NONE,
		    "exchange %s and %s: %s", tmp, dest, strerror(errno));
#endif
	/* No atomic exchange here: old aside, new in, old removed. */
	if (sohoa_fs_rename(dest, aside, err) != SOHOA_OK)
		return err->status;
	if (sohoa_fs_rename(tmp, dest, err) != SOHOA_OK) {
		/* The old content back; if even that fails, the caller's
		 * recovery finds it at aside. */
		(void)rename(aside, dest);
		return err->status;
	}
	sohoa_fs_remove_tree(aside, &scratch);
	return SOHOA_OK;
}
