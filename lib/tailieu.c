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

/* Opens the folder root/reldir (reldir "" is the inbox itself), never
 * through a link. */
static int
open_folder(const char *root, const char *reldir)
{
	return sohoa_fs_open_dir_beneath(root, reldir);
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
	t->parts[t->n].dev = (unsigned long long)st->st_dev;
	t->parts[t->n].ino = (unsigned long long)st->st_ino;
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
	int dfd = open_folder(root, reldir);
	long long sig;

	if (dfd < 0)
		return 0;
	sig = sohoa_tailieu_signature_at(dfd);
	close(dfd);
	return sig;
}

long long
sohoa_tailieu_signature_at(int fd)
{
	unsigned long long sig = 0;
	struct stat st;
	struct dirent *de;
	int dfd = dup(fd);
	DIR *d;

	if (dfd < 0 || !(d = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return 0;
	}
	rewinddir(d);
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
	int dfd;
	sohoa_status rc;

	memset(t, 0, sizeof *t);
	if ((dfd = open_folder(root, reldir)) < 0) {
		/* A link at the end or higher up: ELOOP (fsutil.h). */
		int e = errno, link = e == ELOOP;
		return sohoa_error_set(err, link ? SOHOA_BAD_INPUT : SOHOA_RETRY,
		    link ? SOHOA_REASON_SYMLINK : SOHOA_REASON_NONE, "%s/%s: %s", root, reldir,
		    link ? "a symbolic link, never followed" : strerror(e));
	}
	rc = sohoa_tailieu_read_at(dfd, reldir, t, err);
	close(dfd);
	return rc;
}

sohoa_status
sohoa_tailieu_read_at(int dfd, const char *reldir, sohoa_tailieu *t, sohoa_error *err)
{
	char *text = NULL, **listed = NULL, label[PATH_MAX];
	struct stat st;
	int cap = 0, nlisted;
	sohoa_status rc = SOHOA_OK;
	DIR *d;
	struct dirent *de;
	sohoa_error rerr;

	memset(t, 0, sizeof *t);
	snprintf(label, sizeof label, "%s/%s", reldir, SOHOA_TAILIEU_SIDECAR);
	sohoa_error_clear(&rerr);
	if (sohoa_fs_read_small_at(dfd, SOHOA_TAILIEU_SIDECAR, label, SIDECAR_MAX, &text, NULL,
	    &rerr) != SOHOA_OK) {
		/* Too large is the folder's fault; anything else (gone, a link or a
		 * FIFO now) may be a sidecar being replaced: the walk looks again. */
		if (rerr.reason == SOHOA_REASON_TOO_LARGE)
			rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
			    "%s: %s: không phải danh sách trang / not a list of pages", reldir,
			    rerr.msg);
		else
			rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s", rerr.msg);
		goto out;
	}
	if ((nlisted = sidecar_names(text, &listed)) < 0) {
		rc = sohoa_error_oom(err);
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
			/* The same page twice would make a document with a page
			 * twice: a slip of the pen, said rather than followed. */
			for (int j = 0; j < i; j++)
				if (!strcmp(listed[j], listed[i])) {
					rc = sohoa_error_set(err, SOHOA_BAD_INPUT,
					    SOHOA_REASON_MISSING_PAGE, "%s ghi \"%s\" hai lần — %s lists"
					    " \"%s\" twice (in %s)", SOHOA_TAILIEU_SIDECAR, listed[i],
					    SOHOA_TAILIEU_SIDECAR, listed[i], reldir);
					goto out;
				}
			if (t->n >= SOHOA_TAILIEU_MAX_PARTS) {
				rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_TOO_LARGE,
				    "%s lists more than %d files", SOHOA_TAILIEU_SIDECAR,
				    SOHOA_TAILIEU_MAX_PARTS);
				goto out;
			}
			if (add_part(t, &cap, listed[i], &st) != 0) {
				rc = sohoa_error_oom(err);
				goto out;
			}
		}
	} else {
		int dfd2 = dup(dfd);
		if (dfd2 < 0 || !(d = fdopendir(dfd2))) {
			if (dfd2 >= 0)
				close(dfd2);
			rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s: %s", reldir,
			    strerror(errno));
			goto out;
		}
		rewinddir(d);   /* the offset is shared with dfd */
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
				rc = sohoa_error_oom(err);
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
	t->listed = nlisted > 0;
	t->signature = sohoa_tailieu_signature_at(dfd);
out:
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
