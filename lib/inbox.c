/*
 * inbox.c - junk rules, a walk of the inbox tree that never follows
 * symbolic links and copes with files vanishing under it, and the two
 * questions asked of a file before it is taken: is anyone still writing
 * it, and does its content end where its format says it ends.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <unistd.h>

#include "sohoa/inbox.h"

static int
ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

bool
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

/* Opens name in dfd for reading if it is a regular file: a device or a
 * FIFO is never opened (opening some devices acts on them). */
static int
open_regular(int dfd, const char *name)
{
	struct stat st;
	int fd;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

int
sohoa_inbox_open_for_writing_at(int dfd, const char *name)
{
	int fd = open_regular(dfd, name);
	int r, e;

	if (fd < 0)
		return -1;
	r = fcntl(fd, F_SETLEASE, F_RDLCK);
	e = errno;
	if (r == 0)
		(void)fcntl(fd, F_SETLEASE, F_UNLCK);
	close(fd);
	if (r == 0)
		return 0;
	if (e == EAGAIN)
		return 1;
	errno = e;
	return -1;
}

/* ---- completeness -------------------------------------------------- */

static unsigned long long
get_uint(const unsigned char *p, int n, int be)
{
	unsigned long long v = 0;

	for (int i = 0; i < n; i++)
		v |= (unsigned long long)p[be ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

static int
type_size(int type)
{
	switch (type) {
	case 1: case 2: case 6: case 7: return 1;
	case 3: case 8: return 2;
	case 4: case 9: case 11: case 13: return 4;
	case 5: case 10: case 12: case 16: case 17: case 18: return 8;
	default: return 0;
	}
}

/* At most this many strips or tiles per page, directories per file and
 * directory bytes read in all (a crafted chain of huge directories, or a
 * loop, costs no more): beyond, the pipeline judges the file with its own
 * limits (max_pages). */
#define MAX_STRIPS (1u << 20)
#define MAX_IFDS 10000
#define MAX_IFD_BYTES (32ull << 20)

/*
 * The values of a SHORT, LONG or LONG8 array entry e (inline or at its
 * offset) into *out (malloc'd, *n of them).  0 on success, 1 if they lie
 * past size (incomplete), -1 if they cannot be judged.
 */
static int
tiff_values(int fd, const unsigned char *e, int be, int big, unsigned long long size,
    unsigned long long **out, unsigned long long *n)
{
	int type = (int)get_uint(e + 2, 2, be), tsz = type_size(type);
	unsigned long long count = get_uint(e + 4, big ? 8 : 4, be), bytes;
	const unsigned char *val = e + (big ? 12 : 8);
	unsigned char *raw;

	*out = NULL;
	*n = 0;
	if ((type != 3 && type != 4 && type != 16) || count == 0 || count > MAX_STRIPS)
		return -1;
	bytes = count * (unsigned long long)tsz;
	if (!(raw = malloc((size_t)bytes)) || !(*out = malloc((size_t)count * sizeof **out))) {
		free(raw);
		return -1;
	}
	if (bytes <= (unsigned long long)(big ? 8 : 4)) {
		memcpy(raw, val, (size_t)bytes);
	} else {
		unsigned long long at = get_uint(val, big ? 8 : 4, be);
		if (at > size || bytes > size - at) {
			free(raw);
			free(*out);
			*out = NULL;
			return 1;
		}
		if (pread(fd, raw, (size_t)bytes, (off_t)at) != (ssize_t)bytes) {
			free(raw);
			free(*out);
			*out = NULL;
			return -1;
		}
	}
	for (unsigned long long i = 0; i < count; i++)
		(*out)[i] = get_uint(raw + i * (unsigned long long)tsz, tsz, be);
	free(raw);
	*n = count;
	return 0;
}

static sohoa_inbox_completeness
tiff_completeness(int fd, const unsigned char *head, size_t hn, unsigned long long size)
{
	int be = head[0] == 'M', big = get_uint(head + 2, 2, be) == 43;
	int csz = big ? 8 : 2, nsz = big ? 8 : 4;
	unsigned long long off, esz = big ? 20 : 12;
	unsigned char *ents = NULL;
	sohoa_inbox_completeness r = SOHOA_INBOX_COMPLETE;

	if (hn < (size_t)(big ? 16 : 8))
		return SOHOA_INBOX_INCOMPLETE;
	off = big ? get_uint(head + 8, 8, be) : get_uint(head + 4, 4, be);
	unsigned long long read_bytes = 0;

	for (int nifd = 0; off != 0 && r == SOHOA_INBOX_COMPLETE; nifd++) {
		unsigned char cnt[8], next[8];
		unsigned long long count;
		const unsigned char *so = NULL, *sc = NULL;

		if (nifd >= MAX_IFDS) {
			r = SOHOA_INBOX_UNKNOWN;
			break;
		}
		if (off > size || (unsigned long long)csz > size - off) {
			r = SOHOA_INBOX_INCOMPLETE;
			break;
		}
		if (pread(fd, cnt, (size_t)csz, (off_t)off) != csz) {
			r = SOHOA_INBOX_UNKNOWN;
			break;
		}
		count = get_uint(cnt, csz, be);
		if (count == 0 || count > 4096) {
			r = SOHOA_INBOX_UNKNOWN;     /* corrupt: the pipeline says so */
			break;
		}
		if (off + (unsigned long long)csz + count * esz + (unsigned long long)nsz > size) {
			r = SOHOA_INBOX_INCOMPLETE;
			break;
		}
		if ((read_bytes += count * esz) > MAX_IFD_BYTES) {
			r = SOHOA_INBOX_UNKNOWN;
			break;
		}
		free(ents);
		if (!(ents = malloc((size_t)(count * esz)))
		    || pread(fd, ents, (size_t)(count * esz), (off_t)(off + (unsigned long long)csz))
		    != (ssize_t)(count * esz)
		    || pread(fd, next, (size_t)nsz, (off_t)(off + (unsigned long long)csz + count
		    * esz)) != nsz) {
			r = SOHOA_INBOX_UNKNOWN;
			break;
		}
		for (unsigned long long i = 0; i < count && r == SOHOA_INBOX_COMPLETE; i++) {
			const unsigned char *e = ents + i * esz;
			int tag = (int)get_uint(e, 2, be), tsz = type_size((int)get_uint(e + 2, 2, be));
			unsigned long long n = get_uint(e + 4, big ? 8 : 4, be);

			if (tag == 273 || tag == 324)
				so = e;
			else if (tag == 279 || tag == 325)
				sc = e;
			/* A value stored outside the directory lies within the file. */
			if (tsz && n && n <= size && n * (unsigned long long)tsz
			    > (unsigned long long)(big ? 8 : 4)) {
				unsigned long long at = get_uint(e + (big ? 12 : 8), big ? 8 : 4, be);
				if (at > size || n * (unsigned long long)tsz > size - at)
					r = SOHOA_INBOX_INCOMPLETE;
			}
		}
		if (r == SOHOA_INBOX_COMPLETE && so && sc) {
			unsigned long long *o = NULL, *c = NULL, no = 0, nc = 0;
			int a = tiff_values(fd, so, be, big, size, &o, &no);
			int b = a == 0 ? tiff_values(fd, sc, be, big, size, &c, &nc) : 0;
			if (a == 1 || b == 1)
				r = SOHOA_INBOX_INCOMPLETE;
			else if (a < 0 || b < 0 || (read_bytes += (no + nc) * 8) > MAX_IFD_BYTES)
				r = SOHOA_INBOX_UNKNOWN;
			for (unsigned long long i = 0; r == SOHOA_INBOX_COMPLETE && i < no && i < nc; i++)
				if (o[i] > size || c[i] > size - o[i])
					r = SOHOA_INBOX_INCOMPLETE;
			free(o);
			free(c);
		}
		off = get_uint(next, nsz, be);
	}
	free(ents);
	return r;
}

sohoa_inbox_completeness
sohoa_inbox_completeness_at(int dfd, const char *name)
{
	static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	static const unsigned char png_iend[12] = {
		0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82
	};
	unsigned char head[1024], tail[1024];
	struct stat st;
	ssize_t hn, tn = 0;
	off_t at;
	int fd = open_regular(dfd, name);
	sohoa_inbox_completeness r = SOHOA_INBOX_UNKNOWN;

	if (fd < 0)
		return SOHOA_INBOX_UNKNOWN;
	if (fstat(fd, &st) != 0 || st.st_size == 0
	    || (hn = pread(fd, head, sizeof head, 0)) <= 0) {
		close(fd);
		return SOHOA_INBOX_UNKNOWN;
	}
	at = st.st_size > (off_t)sizeof tail ? st.st_size - (off_t)sizeof tail : 0;
	tn = pread(fd, tail, sizeof tail, at);
	if (tn < 0)
		tn = 0;
	if (hn >= 4 && (!memcmp(head, "II*\0", 4) || !memcmp(head, "MM\0*", 4)
	    || !memcmp(head, "II+\0", 4) || !memcmp(head, "MM\0+", 4))) {
		r = tiff_completeness(fd, head, (size_t)hn, (unsigned long long)st.st_size);
	} else if (hn >= 8 && !memcmp(head, png_sig, 8)) {
		r = tn >= 12 && !memcmp(tail + tn - 12, png_iend, 12)
		    ? SOHOA_INBOX_COMPLETE : SOHOA_INBOX_INCOMPLETE;
	} else if (hn >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) {
		/* FF D9 cannot occur inside entropy-coded data (FF is stuffed
		 * as FF 00): one in the tail is the end of the image. */
		r = tn >= 2 && memmem(tail, (size_t)tn, "\xFF\xD9", 2)
		    ? SOHOA_INBOX_COMPLETE : SOHOA_INBOX_INCOMPLETE;
	} else if (memmem(head, (size_t)hn, "%PDF-", 5)) {
		r = tn >= 5 && memmem(tail, (size_t)tn, "%%EOF", 5)
		    ? SOHOA_INBOX_COMPLETE : SOHOA_INBOX_INCOMPLETE;
	}
	close(fd);
	return r;
}
