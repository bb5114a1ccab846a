/*
 * test_inbox.c - junk rules and the inbox walk (inbox.h) on a real tree
 * with sub-folders, junk, hidden folders, a FIFO and symbolic links; and
 * whether a file is finished: a writer holding it open (a real open
 * descriptor), and scans written by Leptonica in every format taken, whole
 * and cut short at every eighth of their length.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "test.h"
#include <leptonica/allheaders.h>

#include "sohoa/inbox.h"

static void
test_junk_names(void)
{
	static const char *const junk[] = {
		"~$x.docx", "~$Quyết định.docx", "a.tmp", "A.TMP", "scan.Tmp", "x.part",
		"x.PART", ".DS_Store", "._x.tif", "Thumbs.db", "THUMBS.DB", "desktop.ini",
		"Desktop.INI", ".hidden", ".", "..",
	};
	static const char *const scans[] = {
		"Quyết định 15.tif", "scan001.PNG", "a.tif", "tmp.tif", "a.tmp.tif",
		"part1.jpg", "~scan.tif", "x$.tif", "thumbs.db.tif", "desktop.ini.png",
		"@eaDir.tif",
	};

	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
		CHECKM(sohoa_inbox_is_junk(junk[i], 0) == 1, junk[i]);
	for (size_t i = 0; i < sizeof scans / sizeof scans[0]; i++)
		CHECKM(sohoa_inbox_is_junk(scans[i], 0) == 0, scans[i]);
}

static void
test_junk_folders(void)
{
	CHECK_INT(sohoa_inbox_is_junk("@eaDir", 1), 1);
	CHECK_INT(sohoa_inbox_is_junk("@EADIR", 1), 1);
	CHECK_INT(sohoa_inbox_is_junk(".git", 1), 1);
	CHECK_INT(sohoa_inbox_is_junk(".hidden", 1), 1);
	CHECK_INT(sohoa_inbox_is_junk("Hồ sơ 2024", 1), 0);
	CHECK_INT(sohoa_inbox_is_junk("scans", 1), 0);
	CHECK_INT(sohoa_inbox_is_junk("eaDir", 1), 0);
}

struct seen {
	char files[32][128];
	mode_t modes[32];
	int nfiles;
	char dirs[32][128];
	int ndirs;
	int stop_after;   /* stop the walk after this many files; 0 = never */
};

static int
on_file(const char *relpath, const struct stat *st, void *arg)
{
	struct seen *s = arg;

	if (s->nfiles < 32) {
		snprintf(s->files[s->nfiles], sizeof s->files[0], "%s", relpath);
		s->modes[s->nfiles] = st->st_mode;
		s->nfiles++;
	}
	return s->stop_after && s->nfiles >= s->stop_after;
}

static int
on_dir(const char *relpath, void *arg)
{
	struct seen *s = arg;

	if (s->ndirs < 32)
		snprintf(s->dirs[s->ndirs++], sizeof s->dirs[0], "%s", relpath);
	return 0;
}

/* The list sorted and joined with '|' (walk order is readdir order). */
static const char *
joined(char list[][128], int n)
{
	static char out[2048];
	size_t len = 0;

	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && strcmp(list[j - 1], list[j]) > 0; j--) {
			char t[128];
			memcpy(t, list[j], sizeof t);
			memcpy(list[j], list[j - 1], sizeof t);
			memcpy(list[j - 1], t, sizeof t);
		}
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, len < sizeof out ? sizeof out - len : 0, "%s%s",
		    i ? "|" : "", list[i]);
	return out;
}

static void
touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECKM(fd >= 0, path);
	if (fd >= 0) {
		CHECK(write(fd, "x", 1) == 1);
		close(fd);
	}
}

static void
make_tree(void)
{
	static const char *const dirs[] = {
		"inbox", "inbox/Hồ sơ 1", "inbox/Hồ sơ 1/deeper", "inbox/empty", "inbox/.git",
		"inbox/@eaDir", "inbox/Hồ sơ 1/@eaDir", "inbox/Hồ sơ 1/.Trash", "outside",
	};
	static const char *const files[] = {
		"inbox/a.tif", "inbox/Quyết định 15.tif", "inbox/scan001.PNG",
		"inbox/.hidden.tif", "inbox/~$doc.docx", "inbox/Thumbs.db", "inbox/desktop.ini",
		"inbox/b.tmp", "inbox/._a.tif", "inbox/.DS_Store",
		"inbox/Hồ sơ 1/b.png", "inbox/Hồ sơ 1/x.part", "inbox/Hồ sơ 1/deeper/c.jpg",
		"inbox/.git/config", "inbox/@eaDir/a.tif@SynoEAStream",
		"inbox/Hồ sơ 1/@eaDir/thumb.jpg", "inbox/Hồ sơ 1/.Trash/old.tif",
		"outside/secret.tif",
	};

	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		CHECKM(mkdir(dirs[i], 0755) == 0, dirs[i]);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		touch(files[i]);
	CHECK(symlink("../outside", "inbox/link-out") == 0);
	CHECK(symlink("../../outside/secret.tif", "inbox/Hồ sơ 1/link.tif") == 0);
	CHECK(mkfifo("inbox/pipe", 0644) == 0);
}

static void
test_walk_tree(void)
{
	struct seen s;

	memset(&s, 0, sizeof s);
	make_tree();
	CHECK_INT(sohoa_inbox_walk("inbox", on_file, on_dir, &s), 0);
	/* Links are reported as links (lstat), never followed (checked before
	 * joined() sorts the names away from their modes). */
	for (int i = 0; i < s.nfiles; i++) {
		if (!strcmp(s.files[i], "link-out") || !strcmp(s.files[i], "Hồ sơ 1/link.tif"))
			CHECKM(S_ISLNK(s.modes[i]), s.files[i]);
		else if (!strcmp(s.files[i], "pipe"))
			CHECKM(S_ISFIFO(s.modes[i]), s.files[i]);
		else
			CHECKM(S_ISREG(s.modes[i]), s.files[i]);
	}
	CHECK_STR(joined(s.files, s.nfiles),
	    "Hồ sơ 1/b.png|Hồ sơ 1/deeper/c.jpg|Hồ sơ 1/link.tif|Quyết định 15.tif|"
	    "a.tif|link-out|pipe|scan001.PNG");
	CHECK_STR(joined(s.dirs, s.ndirs), "|Hồ sơ 1|Hồ sơ 1/deeper|empty");
}

static void
test_walk_without_dir_fn_and_stop(void)
{
	struct seen s;

	memset(&s, 0, sizeof s);
	make_tree();
	s.stop_after = 2;
	CHECK_INT(sohoa_inbox_walk("inbox", on_file, NULL, &s), 0);
	CHECK_INT(s.nfiles, 2);
	CHECK_INT(s.ndirs, 0);
}

static void
test_walk_missing_root(void)
{
	struct seen s;

	memset(&s, 0, sizeof s);
	errno = 0;
	CHECK_INT(sohoa_inbox_walk("no-such-inbox", on_file, on_dir, &s), -1);
	CHECK_INT(errno, ENOENT);
	CHECK_INT(s.nfiles, 0);
}

/* A page with something on it, so that compressed data has a length. */
static PIX *
test_page(int w, int h, int depth)
{
	PIX *pix = pixCreate(w, h, depth);

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			pixSetPixel(pix, x, y, depth == 1 ? (unsigned)((x * 7 + y * 13) % 11 < 4)
			    : (unsigned)((x * 31 + y * 17) % 256));
	return pix;
}

static long long
file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Copies the first n bytes of src to dst. */
static void
copy_head(const char *src, const char *dst, long long n)
{
	FILE *in = fopen(src, "rb"), *out = fopen(dst, "wb");
	int c;

	CHECK(in && out);
	while (in && out && n-- > 0 && (c = getc(in)) != EOF)
		putc(c, out);
	if (in)
		fclose(in);
	if (out)
		fclose(out);
}

/* path whole is COMPLETE; cut at every eighth, INCOMPLETE. */
static void
check_cuts(const char *path)
{
	long long size = file_size(path);
	char msg[256];

	CHECKM(size > 64, path);
	CHECKM(sohoa_inbox_completeness_at(AT_FDCWD, path) == SOHOA_INBOX_COMPLETE, path);
	for (int k = 1; k < 8; k++) {
		copy_head(path, "cut", size * k / 8);
		snprintf(msg, sizeof msg, "%s cut at %d/8 (%lld of %lld bytes)", path, k,
		    size * k / 8, size);
		CHECKM(sohoa_inbox_completeness_at(AT_FDCWD, "cut") == SOHOA_INBOX_INCOMPLETE, msg);
	}
}

static void
test_completeness_of_each_format(void)
{
	PIX *gray = test_page(300, 200, 8), *bw = test_page(600, 400, 1);

	CHECK(pixWrite("a.png", gray, IFF_PNG) == 0);
	CHECK(pixWrite("a.jpg", gray, IFF_JFIF_JPEG) == 0);
	CHECK(pixWrite("a-g4.tif", bw, IFF_TIFF_G4) == 0);
	CHECK(pixWrite("a-lzw.tif", gray, IFF_TIFF_LZW) == 0);
	CHECK(pixWrite("a.pdf", gray, IFF_LPDF) == 0);
	/* A multi-page TIFF: pages appended one directory after another. */
	CHECK(pixWriteTiff("multi.tif", bw, IFF_TIFF_G4, "w") == 0);
	CHECK(pixWriteTiff("multi.tif", gray, IFF_TIFF_ZIP, "a") == 0);
	CHECK(pixWriteTiff("multi.tif", bw, IFF_TIFF_G4, "a") == 0);
	check_cuts("a.png");
	check_cuts("a.jpg");
	check_cuts("a-g4.tif");
	check_cuts("a-lzw.tif");
	check_cuts("a.pdf");
	check_cuts("multi.tif");
	pixDestroy(&gray);
	pixDestroy(&bw);
}

static void
test_completeness_unknown(void)
{
	FILE *f = fopen("notes.txt", "w");

	CHECK(f != NULL);
	if (f) {
		fputs("not a scan\n", f);
		fclose(f);
	}
	CHECK(close(open("empty.tif", O_WRONLY | O_CREAT, 0644)) == 0);
	CHECK(mkdir("dir.tif", 0755) == 0);
	CHECK(symlink("notes.txt", "link.pdf") == 0);
	CHECK(sohoa_inbox_completeness_at(AT_FDCWD, "notes.txt") == SOHOA_INBOX_UNKNOWN);
	CHECK(sohoa_inbox_completeness_at(AT_FDCWD, "empty.tif") == SOHOA_INBOX_UNKNOWN);
	CHECK(sohoa_inbox_completeness_at(AT_FDCWD, "dir.tif") == SOHOA_INBOX_UNKNOWN);
	CHECK(sohoa_inbox_completeness_at(AT_FDCWD, "link.pdf") == SOHOA_INBOX_UNKNOWN);
	CHECK(sohoa_inbox_completeness_at(AT_FDCWD, "missing.png") == SOHOA_INBOX_UNKNOWN);
	/* A TIFF header alone: its first directory is not there yet. */
	f = fopen("header.tif", "wb");
	if (f) {
		fwrite("II*\0\x08\0\0\0", 1, 8, f);
		fclose(f);
	}
	CHECK(sohoa_inbox_completeness_at(AT_FDCWD, "header.tif") == SOHOA_INBOX_INCOMPLETE);
}

static void
test_open_for_writing(void)
{
	int w, r, dfd = open(".", O_RDONLY | O_DIRECTORY);

	w = open("scan.tif", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(w >= 0 && write(w, "II*\0", 4) == 4);
	CHECK_INT(sohoa_inbox_open_for_writing_at(dfd, "scan.tif"), 1);
	/* A reader does not count. */
	r = open("scan.tif", O_RDONLY);
	close(w);
	CHECK_INT(sohoa_inbox_open_for_writing_at(dfd, "scan.tif"), 0);
	close(r);
	/* Opened again for appending, as a second part of a copy is. */
	w = open("scan.tif", O_WRONLY | O_APPEND);
	CHECK_INT(sohoa_inbox_open_for_writing_at(dfd, "scan.tif"), 1);
	close(w);
	CHECK_INT(sohoa_inbox_open_for_writing_at(dfd, "scan.tif"), 0);
	errno = 0;
	CHECK_INT(sohoa_inbox_open_for_writing_at(dfd, "missing.tif"), -1);
	CHECK_INT(errno, ENOENT);
	CHECK(symlink("scan.tif", "link.tif") == 0);
	CHECK_INT(sohoa_inbox_open_for_writing_at(dfd, "link.tif"), -1);
	/* A FIFO is never opened (it would not block: it is not opened). */
	CHECK(mkfifo("pipe.tif", 0644) == 0);
	errno = 0;
	CHECK_INT(sohoa_inbox_open_for_writing_at(dfd, "pipe.tif"), -1);
	CHECK_INT(errno, EINVAL);
	CHECK(sohoa_inbox_completeness_at(dfd, "pipe.tif") == SOHOA_INBOX_UNKNOWN);
	close(dfd);
}

int
main(void)
{
	TEST_RUN(test_junk_names);
	TEST_RUN(test_junk_folders);
	TEST_RUN(test_walk_tree);
	TEST_RUN(test_walk_without_dir_fn_and_stop);
	TEST_RUN(test_walk_missing_root);
	TEST_RUN(test_completeness_of_each_format);
	TEST_RUN(test_completeness_unknown);
	TEST_RUN(test_open_for_writing);
	return TEST_DONE();
}
