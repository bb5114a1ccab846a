/*
 * inbox.c - junk rules and a walk of the inbox tree that never follows
 * symbolic links and copes with files vanishing under it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "sohoa/inbox.h"

static int
ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

int
sohoa_inbox_is_junk(const char *name, int is_dir)
{
	if (name[0] == '.')
		return 1;   /* hidden, .DS_Store, ._resource forks */
	if (is_dir)
		return strcasecmp(name, "@eaDir") == 0 || strcasecmp(name, "#recycle") == 0
		    || strcasecmp(name, "$RECYCLE.BIN") == 0;
	if (name[0] == '~' && name[1] == '$')
		return 1;
	/* hoso.txt describes the folder's hồ sơ (hoso.h), tailieu.txt makes
	 * the folder one document (tailieu.h): read, never taken. */
	if (strcasecmp(name, "hoso.txt") == 0 || strcasecmp(name, "tailieu.txt") == 0)
		return 1;
	return ends_with_ci(name, ".tmp") || ends_with_ci(name, ".part")
	    || ends_with_ci(name, ".crdownload") || strcasecmp(name, "Thumbs.db") == 0
	    || strcasecmp(name, "desktop.ini") == 0 || ends_with_ci(name, ".ly-do.txt");
}

static int
walk(int dfd, const char *rel, int depth,
    int (*fn)(const char *, const struct stat *, void *),
    int (*dir_fn)(const char *, void *), void *arg)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	int r = 0;

	if (!d) {
		close(dfd);
		return 0;
	}
	if (dir_fn && (r = dir_fn(rel, arg)) != 0) {
		closedir(d);
		return r;
	}
	while (r == 0 && (de = readdir(d)) != NULL) {
		char path[PATH_MAX];
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;   /* gone meanwhile */
		if (sohoa_inbox_is_junk(de->d_name, S_ISDIR(st.st_mode)))
			continue;
		if ((size_t)snprintf(path, sizeof path, "%s%s%s", rel, *rel ? "/" : "",
		    de->d_name) >= sizeof path)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub;
			if (depth >= 32)
				continue;
			sub = openat(dirfd(d), de->d_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				r = walk(sub, path, depth + 1, fn, dir_fn, arg);
		} else {
			r = fn(path, &st, arg);
		}
	}
	closedir(d);
	return r;
}

int
sohoa_inbox_walk(const char *root, int (*fn)(const char *, const struct stat *, void *),
    int (*dir_fn)(const char *, void *), void *arg)
{
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	return walk(fd, "", 0, fn, dir_fn, arg) < 0 ? -1 : 0;
}
