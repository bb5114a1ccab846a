/*
 * test_tailieu.c - document folders (tailieu.h) on real directories: which
 * folders are ones, the page order (natural name order, or the sidecar's
 * list), what is not a page, the refusals (a listed file missing, no page,
 * a path out of the folder, a link on the way), the signature, and their
 * pickup into the spool (spool.h): every page byte for byte, the list that
 * sha256sum reads, the record's hash, the envelope's page names.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "test.h"
#include "sohoa/fsutil.h"
#include "sohoa/hash.h"
#include "sohoa/spool.h"
#include "sohoa/tailieu.h"

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CHECKM(f != NULL, path);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* The parts' names joined with ','. */
static const char *
names(const sohoa_tailieu *t)
{
	static char out[1024];
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < t->n; i++)
		len += (size_t)snprintf(out + len, sizeof out - len, "%s%s", i ? "," : "",
		    t->parts[i].name);
	return out;
}

static void
test_folder_detection(void)
{
	char dir[PATH_MAX];

	mkdir("in", 0755);
	mkdir("in/doc", 0755);
	mkdir("in/plain", 0755);
	put("in/doc/tailieu.txt", "");
	put("in/doc/p1.png", "x");
	put("in/plain/p1.png", "x");
	put("in/tailieu.txt", "");      /* the inbox itself is never one */
	CHECK_INT(sohoa_tailieu_is_folder("in", "doc"), 1);
	CHECK_INT(sohoa_tailieu_is_folder("in", "plain"), 0);
	CHECK_INT(sohoa_tailieu_is_folder("in", ""), 0);
	CHECK_INT(sohoa_tailieu_is_folder("in", "missing"), 0);
	CHECK_INT(sohoa_tailieu_folder_of("in", "doc/p1.png", dir, sizeof dir), 1);
	CHECK_STR(dir, "doc");
	CHECK_INT(sohoa_tailieu_folder_of("in", "plain/p1.png", dir, sizeof dir), 0);
	CHECK_INT(sohoa_tailieu_folder_of("in", "top.png", dir, sizeof dir), 0);
	/* A sidecar that is a folder, or a link, does not count. */
	mkdir("in/odd", 0755);
	mkdir("in/odd/tailieu.txt", 0755);
	CHECK_INT(sohoa_tailieu_is_folder("in", "odd"), 0);
	mkdir("in/lnk", 0755);
	CHECK(symlink("../doc/tailieu.txt", "in/lnk/tailieu.txt") == 0);
	CHECK_INT(sohoa_tailieu_is_folder("in", "lnk"), 0);
}

static void
test_natural_order_and_what_is_a_page(void)
{
	sohoa_tailieu t;
	sohoa_error err;

	mkdir("in", 0755);
	mkdir("in/d", 0755);
	mkdir("in/d/sub", 0755);        /* not part of it */
	put("in/d/tailieu.txt", "# chỉ có chú thích\n\n");
	put("in/d/trang 10.png", "10");
	put("in/d/trang 2.png", "2");
	put("in/d/trang 1.png", "1");
	put("in/d/Thumbs.db", "junk");
	put("in/d/.hidden.png", "junk");
	put("in/d/~$lock.png", "junk");
	put("in/d/sub/x.png", "no");
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_tailieu_read("in", "d", &t, &err), SOHOA_OK);
	CHECK_STR(names(&t), "trang 1.png,trang 2.png,trang 10.png");
	CHECK_INT(t.size, 4);
	CHECK(t.signature != 0);
	CHECK_INT(t.signature, sohoa_tailieu_signature("in", "d"));
	sohoa_tailieu_release(&t);
}

static void
test_sidecar_order(void)
{
	sohoa_tailieu t;
	sohoa_error err;

	mkdir("in", 0755);
	mkdir("in/d", 0755);
	/* A BOM, CRLF, blanks around names, comments: as Notepad writes it. */
	put("in/d/tailieu.txt", "\xEF\xBB\xBF# thứ tự\r\n  z.png \r\n\r\na.tif\r\n");
	put("in/d/a.tif", "aa");
	put("in/d/z.png", "z");
	put("in/d/extra.png", "not listed: not a page");
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_tailieu_read("in", "d", &t, &err), SOHOA_OK);
	CHECK_STR(names(&t), "z.png,a.tif");
	CHECK_INT(t.size, 3);
	sohoa_tailieu_release(&t);
}

static void
test_refusals(void)
{
	sohoa_tailieu t;
	sohoa_error err;

	mkdir("in", 0755);
	mkdir("in/missing", 0755);
	put("in/missing/tailieu.txt", "p1.png\np2.png\n");
	put("in/missing/p1.png", "1");
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_tailieu_read("in", "missing", &t, &err), SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_MISSING_PAGE);
	CHECKM(strstr(err.msg, "p2.png") != NULL, err.msg);
	CHECK_INT(t.n, 0);

	mkdir("in/empty", 0755);
	put("in/empty/tailieu.txt", "");
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_tailieu_read("in", "empty", &t, &err), SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_MISSING_PAGE);

	/* A listed name may not leave the folder. */
	mkdir("in/escape", 0755);
	put("in/escape/tailieu.txt", "../missing/p1.png\n");
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_tailieu_read("in", "escape", &t, &err), SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_MISSING_PAGE);

	/* A page listed twice is refused, not taken twice. */
	mkdir("in/twice", 0755);
	put("in/twice/a.png", "x");
	put("in/twice/b.png", "x");
	put("in/twice/tailieu.txt", "a.png\nb.png\na.png\n");
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_tailieu_read("in", "twice", &t, &err), SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_MISSING_PAGE);
	CHECKM(strstr(err.msg, "twice") != NULL, err.msg);

	/* A folder reached through a link is not read. */
	CHECK(symlink("missing", "in/viaLink") == 0);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_tailieu_read("in", "viaLink", &t, &err), SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_SYMLINK);
}

static void
test_signature_changes(void)
{
	long long a, b, c;

	mkdir("in", 0755);
	mkdir("in/d", 0755);
	put("in/d/tailieu.txt", "");
	put("in/d/p1.png", "1");
	a = sohoa_tailieu_signature("in", "d");
	CHECK_INT(sohoa_tailieu_signature("in", "d"), a);
	put("in/d/p2.png", "2");            /* a page more */
	b = sohoa_tailieu_signature("in", "d");
	CHECK(b != a);
	put("in/d/p2.png", "22");           /* a page grows */
	c = sohoa_tailieu_signature("in", "d");
	CHECK(c != b);
	CHECK_INT(sohoa_tailieu_signature("in", "gone"), 0);
}

static void
test_pickup_parts(void)
{
	sohoa_spool *sp;
	sohoa_tailieu t;
	sohoa_envelope env, back;
	sohoa_error err;
	char path[PATH_MAX], entry[PATH_MAX], *list = NULL, want[SOHOA_HASH_TEXT_MAX],
	    h1[SOHOA_HASH_TEXT_MAX], h2[SOHOA_HASH_TEXT_MAX], line[512];
	long long size;
	size_t len = 0;

	mkdir("in", 0755);
	mkdir("in/hs", 0755);
	mkdir("in/hs/QĐ 15", 0755);
	put("in/hs/QĐ 15/tailieu.txt", "");
	put("in/hs/QĐ 15/trang 1.png", "first page bytes");
	put("in/hs/QĐ 15/trang 2.png", "second page bytes");
	sohoa_error_clear(&err);
	sp = sohoa_spool_open("state", &err);
	CHECKM(sp != NULL, err.msg);
	if (!sp)
		return;
	CHECK_INT(sohoa_tailieu_read("in", "hs/QĐ 15", &t, &err), SOHOA_OK);
	CHECK_INT(sohoa_spool_pickup_parts(sp, "in", "hs/QĐ 15", &t, 1 << 20, &env, &err),
	    SOHOA_OK);
	sohoa_spool_path(sp, SOHOA_STATE_INCOMING, env.spool_id, NULL, entry, sizeof entry);
	CHECK_INT(sohoa_tailieu_parts_in(entry), 2);
	CHECK_STR(env.name, "QĐ 15");
	CHECK_STR(env.origin, "hs");
	CHECK_STR(env.inbox_path, "hs/QĐ 15");
	CHECK_INT(env.size, t.size);
	CHECK_INT(env.mtime_ns, t.signature);
	CHECK_INT(env.nparts, 2);
	/* The list is sha256sum's, and its hash is the record's. */
	sohoa_hash_file("in/hs/QĐ 15/trang 1.png", "sha256", h1, &size, NULL);
	sohoa_hash_file("in/hs/QĐ 15/trang 2.png", "sha256", h2, &size, NULL);
	snprintf(path, sizeof path, "%s/%s", entry, SOHOA_TAILIEU_MANIFEST);
	CHECK_INT(sohoa_fs_read_file(path, 1 << 20, &list, &len, &err), SOHOA_OK);
	snprintf(line, sizeof line, "%s  original.001\n%s  original.002\n", h1 + 7, h2 + 7);
	CHECK_STR(list, line);
	sohoa_hash_file(path, "sha256", want, &size, NULL);
	CHECK_STR(env.hash, want);
	free(list);
	/* Every page byte for byte. */
	sohoa_tailieu_part_path(entry, 2, 1, path, sizeof path);
	sohoa_hash_file(path, "sha256", want, &size, NULL);
	CHECK_STR(want, h2);
	/* The envelope brings the page names back. */
	CHECK_INT(sohoa_spool_read_envelope(sp, SOHOA_STATE_INCOMING, env.spool_id, &back, &err), SOHOA_OK);
	CHECK_INT(back.nparts, 2);
	if (back.nparts == 2) {
		CHECK_STR(back.part_names[0], "trang 1.png");
		CHECK_STR(back.part_names[1], "trang 2.png");
	}
	CHECK_STR(back.hash, env.hash);
	sohoa_envelope_release(&back);
	sohoa_envelope_release(&env);
	sohoa_tailieu_release(&t);
	sohoa_spool_free(sp);
}

static void
test_pickup_parts_refusals(void)
{
	sohoa_spool *sp;
	sohoa_tailieu t;
	sohoa_envelope env;
	sohoa_error err;
	char entry[PATH_MAX];

	mkdir("in", 0755);
	mkdir("in/d", 0755);
	put("in/d/tailieu.txt", "");
	put("in/d/a.png", "aaaa");
	put("in/d/b.png", "bbbb");
	sohoa_error_clear(&err);
	sp = sohoa_spool_open("state", &err);
	if (!sp)
		return;
	/* Too large in all: refused, nothing left in the spool. */
	CHECK_INT(sohoa_tailieu_read("in", "d", &t, &err), SOHOA_OK);
	CHECK_INT(sohoa_spool_pickup_parts(sp, "in", "d", &t, 6, &env, &err), SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_TOO_LARGE);
	/* A page that changed after the folder was read: try again later. */
	put("in/d/b.png", "bbbbbb");
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_spool_pickup_parts(sp, "in", "d", &t, 1 << 20, &env, &err), SOHOA_RETRY);
	sohoa_tailieu_release(&t);
	/* A page that is a link: refused as a link. */
	unlink("in/d/b.png");
	CHECK(symlink("a.png", "in/d/b.png") == 0);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_tailieu_read("in", "d", &t, &err), SOHOA_OK);
	CHECK_INT(sohoa_spool_pickup_parts(sp, "in", "d", &t, 1 << 20, &env, &err),
	    SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_SYMLINK);
	sohoa_tailieu_release(&t);
	snprintf(entry, sizeof entry, "%s", sohoa_spool_dir(sp, SOHOA_STATE_TMP));
	CHECK_INT(rmdir(entry), 0);      /* empty: every failed entry was removed */
	CHECK_INT(rmdir(sohoa_spool_dir(sp, SOHOA_STATE_INCOMING)), 0);
	sohoa_spool_free(sp);
}

/* The sidecar and the folder are the share's: a sidecar that is a link
 * (to /dev/zero) is never read, a folder reached through a link is
 * refused, and a folder swapped for a link after it was read is never
 * followed by the pickup. */
static void
test_hostile_sidecar_and_folder_links(void)
{
	sohoa_tailieu t;
	sohoa_error err;

	mkdir("in", 0755);
	mkdir("in/z", 0755);
	CHECK(symlink("/dev/zero", "in/z/tailieu.txt") == 0);
	put("in/z/p1.png", "1");
	CHECK(!sohoa_tailieu_is_folder("in", "z"));
	sohoa_error_clear(&err);
	CHECK(sohoa_tailieu_read("in", "z", &t, &err) == SOHOA_RETRY);
	mkdir("victim", 0755);
	put("victim/tailieu.txt", "p1.png\n");
	put("victim/p1.png", "secret");
	CHECK(symlink("../victim", "in/v") == 0);
	CHECK(!sohoa_tailieu_is_folder("in", "v"));
	sohoa_error_clear(&err);
	CHECK(sohoa_tailieu_read("in", "v", &t, &err) == SOHOA_BAD_INPUT);
	CHECK_INT(err.reason, SOHOA_REASON_SYMLINK);
	/* Read through the folder's fd: the parts carry their inode. */
	mkdir("in/d", 0755);
	put("in/d/tailieu.txt", "p1.png\n");
	put("in/d/p1.png", "1");
	sohoa_error_clear(&err);
	CHECKM(sohoa_tailieu_read("in", "d", &t, &err) == SOHOA_OK, err.msg);
	{
		struct stat st;
		CHECK(stat("in/d/p1.png", &st) == 0);
		CHECK(t.n == 1 && t.parts[0].ino == (unsigned long long)st.st_ino);
	}
	sohoa_tailieu_release(&t);
}

int
main(void)
{
	TEST_RUN(test_folder_detection);
	TEST_RUN(test_natural_order_and_what_is_a_page);
	TEST_RUN(test_sidecar_order);
	TEST_RUN(test_refusals);
	TEST_RUN(test_signature_changes);
	TEST_RUN(test_pickup_parts);
	TEST_RUN(test_pickup_parts_refusals);
	TEST_RUN(test_hostile_sidecar_and_folder_links);
	return TEST_DONE();
}
