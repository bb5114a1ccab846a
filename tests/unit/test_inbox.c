/*
 * test_inbox.c - junk rules and the inbox walk (inbox.h) on a real tree
 * with sub-folders, junk, hidden folders, a FIFO and symbolic links.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "test.h"
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

int
main(void)
{
	TEST_RUN(test_junk_names);
	TEST_RUN(test_junk_folders);
	TEST_RUN(test_walk_tree);
	TEST_RUN(test_walk_without_dir_fn_and_stop);
	TEST_RUN(test_walk_missing_root);
	return TEST_DONE();
}
