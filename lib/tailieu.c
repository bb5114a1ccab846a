/*
 * tailieu.c - document folders: a folder of page files with a "tailieu.txt"
 * sidecar is one document (tailieu.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sohoa/fsutil.h"
#include "sohoa/inbox.h"
#include "sohoa/tailieu.h"

/* The sidecar is small: a list of names.  A bigger one is not ours. */
#define SIDECAR_MAX (256 * 1024)

static long long
mtime_ns(const struct stat *st)
{
	return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

/* Opens the folder root/reldir (reldir "" is the inbox itself). */
static int
open_folder(const char *root, const char *reldir)
{
	if (!*reldir)
		return open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return sohoa_fs_open_beneath(root, reldir, O_RDONLY | O_DIRECTORY);
}

int
sohoa_tailieu_is_folder(const char *root, const char *reldir)
{
	struct stat st;
	int dfd, found;

	if (!*reldir)
		return 0;
	if ((dfd = open_folder(root, reldir)) < 0)
		return 0;
	found = fstatat(dfd, SOHOA_TAILIEU_SIDECAR, &st, AT_SYMLINK_NOFOLLOW) == 0
	    && S_ISREG(st.st_mode);
	close(dfd);
	return found;
}

int
sohoa_tailieu_folder_of(const char *root, const char *relpath, char *dir, size_t size)
{
	const char *slash = strrchr(relpath, '/');
	size_t n;

	if (!slash)
		return 0;
	n = (size_t)(slash - relpath);
	if (n + 1 > size)
		return 0;
	memcpy(dir, relpath, n);
	dir[n] = '\0';
	return sohoa_tailieu_is_folder(root, dir);
}

void
sohoa_tailieu_release(sohoa_tailieu *t)
{
	if (!t)
		return;
	for (int i = 0; i < t->n; i++)
		free(t->parts[i].name);
	free(t->parts);
	memset(t, 0, sizeof *t);
}

static int
cmp_part(const void *a, const void *b)
{
	const sohoa_tailieu_part *x = a, *y = b;
	return strverscmp(x->name, y->name);
}

static int
add_part(sohoa_tailieu *t, int *cap, const char *name, const struct stat *st)
{
	if (t->n == *cap) {
		int ncap = *cap ? *cap * 2 : 16;
		sohoa_tailieu_part *np = realloc(t->parts, (size_t)ncap * sizeof *np);
		if (!np)
			return -1;
		t->parts = np;
		*cap = ncap;
	}
	if (!(t->parts[t->n].name = strdup(name)))
		return -1;
	t->parts[t->n].size = st->st_size;
	t->parts[t->n].mtime_ns = mtime_ns(st);
	t->n++;
	return 0;
}

/* FNV-1a over bytes, for the signature. */
static unsigned long long
fnv(unsigned long long h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

/* The page names the sidecar lists, in order: each non-empty line that is
 * not a comment, trimmed.  Returns the count (0: none listed), -1 on OOM. */
static int
sidecar_names(char *text, char ***names)
{
	int n = 0, cap = 0;
	char *save = NULL;

	*names = NULL;
	/* A BOM from Notepad. */
	if ((unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB
	    && (unsigned char)text[2] == 0xBF)
		text += 3;
	for (char *line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		char *end;
		while (*line == ' ' || *line == '\t')
			line++;
		end = line + strlen(line);
		while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		if (!*line || *line == '#')
			continue;
		if (n == cap) {
			char **nn = realloc(*names, (size_t)(cap = cap ? cap * 2 : 16) * sizeof *nn);
			if (!nn) {
				free(*names);
				*names = NULL;
				return -1;
			}
			*names = nn;
		}
		(*names)[n++] = line;
	}
	return n;
}

long long
sohoa_tailieu_signature(const char *root, const char *reldir)
{
	unsigned long long sig = 0;
	struct stat st;
	struct dirent *de;
	int dfd = open_folder(root, reldir);
	DIR *d;

	if (dfd < 0 || !(d = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return 0;
	}
	/* A sum of each entry's hash: the same whatever order readdir gives. */
	while ((de = readdir(d)) != NULL) {
		unsigned long long h = 1469598103934665603ULL;
		long long m;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")
		    || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0
		    || S_ISDIR(st.st_mode))
			continue;
		m = mtime_ns(&st);
		h = fnv(h, de->d_name, strlen(de->d_name) + 1);
		h = fnv(h, &st.st_size, sizeof st.st_size);
		h = fnv(h, &m, sizeof m);
		sig += h;
	}
	closedir(d);
	/* Positive and not 0, to fit the catalog's source_mtime_ns as it is. */
	sig >>= 1;
	return sig ? (long long)sig : 1;
}

sohoa_status
sohoa_tailieu_read(const char *root, const char *reldir, sohoa_tailieu *t, sohoa_error *err)
{
	char *text = NULL, **listed = NULL;
	struct stat st;
	int dfd, fd, cap = 0, nlisted;
	sohoa_status rc = SOHOA_OK;
	ssize_t len;
	DIR *d;
	struct dirent *de;

	memset(t, 0, sizeof *t);
	if ((dfd = open_folder(root, reldir)) < 0) {
		/* O_NOFOLLOW | O_DIRECTORY on a link says ENOTDIR, on a link
		 * higher up sohoa_fs_open_beneath says ELOOP. */
		int e = errno, link = e == ELOOP;
		char path[PATH_MAX];
		if (e == ENOTDIR) {
			snprintf(path, sizeof path, "%s/%s", root, reldir);
			link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
		}
		return sohoa_error_set(err, link ? SOHOA_BAD_INPUT : SOHOA_RETRY,
		    link ? SOHOA_REASON_SYMLINK : SOHOA_REASON_NONE, "%s/%s: %s", root, reldir,
		    link ? "a symbolic link, never followed" : strerror(e));
	}
	fd = openat(dfd, SOHOA_TAILIEU_SIDECAR, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s/%s/%s: %s", root,
		    reldir, SOHOA_TAILIEU_SIDECAR, fd < 0 ? strerror(errno) : "not a file");
		goto out;
	}
	if (st.st_size > SIDECAR_MAX || !(text = malloc((size_t)st.st_size + 1))) {
		rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
		    "%s/%s: %s is %lld bytes: không phải danh sách trang / not a list of pages",
		    root, reldir, SOHOA_TAILIEU_SIDECAR, (long long)st.st_size);
		goto out;
	}
	len = read(fd, text, (size_t)st.st_size);
	if (len < 0) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "read %s/%s/%s: %s", root,
		    reldir, SOHOA_TAILIEU_SIDECAR, strerror(errno));
		goto out;
	}
	text[len] = '\0';
	if ((nlisted = sidecar_names(text, &listed)) < 0) {
		rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
		goto out;
	}
	if (nlisted > 0) {
		for (int i = 0; i < nlisted; i++) {
			if (strchr(listed[i], '/') || !strcmp(listed[i], ".")
			    || !strcmp(listed[i], "..")
			    || fstatat(dfd, listed[i], &st, AT_SYMLINK_NOFOLLOW) != 0
			    || S_ISDIR(st.st_mode)) {
				rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_MISSING_PAGE,
				    "%s lists \"%s\", which is not a file in %s", SOHOA_TAILIEU_SIDECAR,
				    listed[i], reldir);
				goto out;
			}
			if (t->n >= SOHOA_TAILIEU_MAX_PARTS) {
				rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
				    "%s lists more than %d files", SOHOA_TAILIEU_SIDECAR,
				    SOHOA_TAILIEU_MAX_PARTS);
				goto out;
			}
			if (add_part(t, &cap, listed[i], &st) != 0) {
				rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
				goto out;
			}
		}
	} else {
		int dfd2 = dup(dfd);
		if (dfd2 < 0 || !(d = fdopendir(dfd2))) {
			if (dfd2 >= 0)
				close(dfd2);
			rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s/%s: %s", root,
			    reldir, strerror(errno));
			goto out;
		}
		while ((de = readdir(d)) != NULL) {
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")
			    || strcasecmp(de->d_name, SOHOA_TAILIEU_SIDECAR) == 0
			    || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0
			    || S_ISDIR(st.st_mode) || sohoa_inbox_is_junk(de->d_name, 0))
				continue;
			if (t->n >= SOHOA_TAILIEU_MAX_PARTS) {
				closedir(d);
				rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
				    "%s holds more than %d files", reldir, SOHOA_TAILIEU_MAX_PARTS);
				goto out;
			}
			if (add_part(t, &cap, de->d_name, &st) != 0) {
				closedir(d);
				rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "out of memory");
				goto out;
			}
		}
		closedir(d);
		if (t->n > 1)
			qsort(t->parts, (size_t)t->n, sizeof *t->parts, cmp_part);
	}
	if (t->n == 0) {
		rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_MISSING_PAGE,
		    "%s has %s but no page file", reldir, SOHOA_TAILIEU_SIDECAR);
		goto out;
	}
	for (int i = 0; i < t->n; i++)
		t->size += t->parts[i].size;
	t->signature = sohoa_tailieu_signature(root, reldir);
out:
	if (fd >= 0)
		close(fd);
	close(dfd);
	free(listed);
	free(text);
	if (rc != SOHOA_OK)
		sohoa_tailieu_release(t);
	return rc;
}

char *
sohoa_tailieu_part_path(const char *entry_dir, int nparts, int i, char *buf, size_t size)
{
	if (nparts <= 0)
		snprintf(buf, size, "%s/original", entry_dir);
	else
		snprintf(buf, size, "%s/original.%03d", entry_dir, i + 1);
	return buf;
}

int
sohoa_tailieu_parts_in(const char *entry_dir)
{
	char path[PATH_MAX];
	struct stat st;
	int n = 0;

	snprintf(path, sizeof path, "%s/original", entry_dir);
	if (lstat(path, &st) == 0)
		return 0;
	while (n < SOHOA_TAILIEU_MAX_PARTS) {
		sohoa_tailieu_part_path(entry_dir, 1, n, path, sizeof path);
		if (lstat(path, &st) != 0)
			break;
		n++;
	}
	return n;
}
