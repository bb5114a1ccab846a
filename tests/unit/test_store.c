/*
 * test_store.c - the store's identity and relative paths (store.h), on real
 * folders and real catalog files: a new store gets an identity (marker
 * first), a catalog older than identities takes the marker's, a catalog
 * without its marker or in another store is refused, a move is said and
 * recorded, an old copy still in place is said; package folders resolve in
 * package_dir whatever was stored; outbox paths are kept relative to
 * state_dir; the agency's placeholders and a changed agency_code once a
 * record exists are refused (invariants 5-6).  Invariant numbers refer to
 * store.h.
 */
#include <errno.h>
#include <sys/stat.h>

#include "test.h"
#include "sohoa/fsutil.h"
#include "sohoa/store.h"
#include "catalog_int.h"

/* A catalog in dir/catalog.db (dir created). */
static sohoa_catalog *
open_in(const char *dir)
{
	char path[PATH_MAX];
	sohoa_error err;
	sohoa_catalog *cat;

	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/catalog.db", dir);
	sohoa_error_clear(&err);
	cat = sohoa_catalog_open(path, &err);
	CHECKM(cat != NULL, err.msg);
	return cat;
}

static const char *
marker_of(const char *dir)
{
	static char buf[256];
	char path[PATH_MAX];
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%s/%s", dir, SOHOA_STORE_MARKER);
	buf[0] = '\0';
	if ((f = fopen(path, "r"))) {
		n = fread(buf, 1, sizeof buf - 1, f);
		buf[n] = '\0';
		fclose(f);
	}
	return buf;
}

static sohoa_status
check(const char *dir, sohoa_catalog *cat, int flags, char *note, size_t size, sohoa_error *err)
{
	sohoa_error_clear(err);
	return sohoa_store_check(dir, cat, flags, note, size, err);
}

/* Invariant 2: a new store gets one identity, in the marker (0640) and in
 * the catalog; checking again changes nothing. */
static void
test_new_identity(void)
{
	sohoa_catalog *cat = open_in("s");
	char note[512], id[64], first[256];
	sohoa_error err;
	struct stat sb;

	CHECK_INT(check("s", cat, 0, note, sizeof note, &err), SOHOA_OK);
	CHECK_STR(marker_of("s"), "");
	CHECK_INT(check("s", cat, SOHOA_STORE_UPDATE, note, sizeof note, &err), SOHOA_OK);
	CHECK_STR(note, "");
	CHECK(sohoa_catalog_meta_get(cat, "id", id, sizeof id) == 1);
	CHECK(strlen(id) == 36);
	snprintf(first, sizeof first, "%s", marker_of("s"));
	CHECK(strncmp(first, "sohoa-store ", 12) == 0 && strncmp(first + 12, id, 36) == 0);
	CHECK(stat("s/" SOHOA_STORE_MARKER, &sb) == 0 && (sb.st_mode & 0777) == 0640);
	CHECK_INT(check("s", cat, SOHOA_STORE_UPDATE, note, sizeof note, &err), SOHOA_OK);
	CHECK_STR(marker_of("s"), first);
	sohoa_catalog_free(cat);
}

/* A catalog without an identity beside a marker (a crash between the two
 * writes, or a catalog from before identities) takes the marker's. */
static void
test_catalog_takes_marker(void)
{
	sohoa_catalog *cat = open_in("s");
	char note[512], id[64];
	sohoa_error err;
	FILE *f = fopen("s/" SOHOA_STORE_MARKER, "w");

	fputs("sohoa-store 11111111-2222-4333-8444-555555555555\n", f);
	fclose(f);
	CHECK_INT(check("s", cat, SOHOA_STORE_UPDATE, note, sizeof note, &err), SOHOA_OK);
	CHECK(sohoa_catalog_meta_get(cat, "id", id, sizeof id) == 1);
	CHECK_STR(id, "11111111-2222-4333-8444-555555555555");
	sohoa_catalog_free(cat);
}

/* Invariant 3: no marker beside a catalog with an identity is refused,
 * unless adopting (restore); another store's marker is refused. */
static void
test_refusals(void)
{
	sohoa_catalog *cat = open_in("s");
	char note[512], id[64];
	sohoa_error err;
	FILE *f;

	CHECK_INT(check("s", cat, SOHOA_STORE_UPDATE, note, sizeof note, &err), SOHOA_OK);
	sohoa_catalog_meta_get(cat, "id", id, sizeof id);
	CHECK(unlink("s/" SOHOA_STORE_MARKER) == 0);
	CHECK_INT(check("s", cat, SOHOA_STORE_UPDATE, note, sizeof note, &err), SOHOA_FATAL);
	CHECKM(strstr(err.msg, "cp -a") != NULL, err.msg);
	CHECK_STR(marker_of("s"), "");
	CHECK_INT(check("s", cat, SOHOA_STORE_ADOPT, note, sizeof note, &err), SOHOA_OK);
	CHECK(strncmp(marker_of("s") + 12, id, 36) == 0);
	f = fopen("s/" SOHOA_STORE_MARKER, "w");
	fputs("sohoa-store 11111111-2222-4333-8444-555555555555\n", f);
	fclose(f);
	CHECK_INT(check("s", cat, SOHOA_STORE_UPDATE | SOHOA_STORE_ADOPT, note, sizeof note, &err),
	    SOHOA_FATAL);
	CHECKM(strstr(err.msg, "belongs to store") != NULL, err.msg);
	f = fopen("s/" SOHOA_STORE_MARKER, "w");
	fputs("garbage\n", f);
	fclose(f);
	CHECK_INT(check("s", cat, 0, note, sizeof note, &err), SOHOA_FATAL);
	CHECKM(strstr(err.msg, "damaged") != NULL, err.msg);
	sohoa_catalog_free(cat);
}

/* Invariant 4: opened in another folder, the store says it moved; with an
 * old copy still there, says that too; UPDATE records the new folder. */
static void
test_move(void)
{
	sohoa_catalog *cat = open_in("a");
	char note[1024], path[PATH_MAX], a[PATH_MAX], b[PATH_MAX];
	sohoa_error err;

	snprintf(a, sizeof a, "%s/a", test_tmp_root);
	snprintf(b, sizeof b, "%s/b", test_tmp_root);
	CHECK_INT(check(a, cat, SOHOA_STORE_UPDATE, note, sizeof note, &err), SOHOA_OK);
	sohoa_catalog_free(cat);
	CHECK(system("cp -a a b") == 0);
	cat = open_in("b");
	CHECK_INT(check(b, cat, 0, note, sizeof note, &err), SOHOA_OK);
	CHECKM(strstr(note, "moved from") && strstr(note, "old copy at"), note);
	CHECK(system("rm -rf a") == 0);
	CHECK_INT(check(b, cat, 0, note, sizeof note, &err), SOHOA_OK);
	CHECKM(strstr(note, "moved from") && !strstr(note, "old copy at"), note);
	CHECK_INT(check(b, cat, SOHOA_STORE_UPDATE, note, sizeof note, &err), SOHOA_OK);
	CHECK(sohoa_catalog_meta_get(cat, "path", path, sizeof path) == 1);
	CHECK_STR(path, b);
	CHECK_INT(check(b, cat, 0, note, sizeof note, &err), SOHOA_OK);
	CHECK_STR(note, "");
	sohoa_catalog_free(cat);
}

/* Invariant 1: a package resolves in package_dir by its folder's name,
 * whatever path an older version stored; outbox paths relative to
 * state_dir when inside it. */
static void
test_paths(void)
{
	sohoa_conf c;
	char buf[PATH_MAX];

	memset(&c, 0, sizeof c);
	c.state_dir = "/srv/new";
	c.package_dir = "/srv/new/aip";
	CHECK_INT(sohoa_store_package_path(&c, "urn-VB01-uuid-x", buf, sizeof buf), 0);
	CHECK_STR(buf, "/srv/new/aip/urn-VB01-uuid-x");
	CHECK_INT(sohoa_store_package_path(&c, "/var/lib/sohoa/aip/urn-VB01-uuid-x", buf,
	    sizeof buf), 0);
	CHECK_STR(buf, "/srv/new/aip/urn-VB01-uuid-x");
	CHECK_INT(sohoa_store_package_path(&c, "", buf, sizeof buf), -1);
	CHECK_INT(sohoa_store_package_path(&c, "/x/", buf, sizeof buf), -1);
	CHECK_INT(sohoa_store_package_path(&c, NULL, buf, sizeof buf), -1);
	CHECK_INT(sohoa_store_package_path(&c, "x", buf, 8), -1);
	CHECK_STR(sohoa_store_package_name("/a/b/c"), "c");
	CHECK_INT(sohoa_store_relative(&c, "/srv/new/outbox", buf, sizeof buf), 0);
	CHECK_STR(buf, "outbox");
	CHECK_INT(sohoa_store_relative(&c, "/srv/newer/outbox", buf, sizeof buf), 0);
	CHECK_STR(buf, "/srv/newer/outbox");
	CHECK_INT(sohoa_store_resolve(&c, "outbox", buf, sizeof buf), 0);
	CHECK_STR(buf, "/srv/new/outbox");
	CHECK_INT(sohoa_store_resolve(&c, "/mnt/out", buf, sizeof buf), 0);
	CHECK_STR(buf, "/mnt/out");
	c.state_dir = "/srv/new/";
	CHECK_INT(sohoa_store_relative(&c, "/srv/new/outbox", buf, sizeof buf), 0);
	CHECK_STR(buf, "outbox");
}

/* The migration keeps only the folder's name of package paths stored
 * before, and the ledger's outbox paths relative to the store. */
static void
test_migration_keeps_names(void)
{
	sohoa_catalog *cat = open_in("s");
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st;

	CHECK(sqlite3_exec(db, "INSERT INTO records (spool_id, state, size, name, name_raw,"
	    " created_at, updated_at, package_path) VALUES ('x', 'done', 1, 'a', x'61', '', '',"
	    " '/var/lib/sohoa/aip/urn-VB01-uuid-1'), ('y', 'done', 1, 'b', x'62', '', '',"
	    " 'urn-VB01-uuid-2'); DROP TABLE store_meta;"
	    /* Back to version 12: what the later migrations (15) added goes too. */
	    " DROP INDEX records_origin; ALTER TABLE records DROP COLUMN hoso_order;"
	    " DROP TABLE hoso_files; PRAGMA user_version = 12;", NULL, NULL, NULL) == SQLITE_OK);
	{
		/* Ledger rows: one outbox in the store, one elsewhere. */
		char sql[2 * PATH_MAX];
		snprintf(sql, sizeof sql, "INSERT INTO export_bundles (month, file_name, path,"
		    " bundle_hash, p7s_hash, size, sips, records, created_at) VALUES"
		    " ('2024-01', 'a.tar', '%s/s/outbox', 'h', 'h', 1, 1, 1, ''),"
		    " ('2024-02', 'b.tar', '/mnt/elsewhere', 'h', 'h', 1, 1, 1, '')", test_tmp_root);
		CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
	}
	sohoa_catalog_free(cat);
	cat = open_in("s");   /* migration 13 again */
	db = sohoa_catalog_db(cat);
	CHECK(sqlite3_prepare_v2(db, "SELECT group_concat(package_path, ' ') FROM records",
	    -1, &st, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "urn-VB01-uuid-1 urn-VB01-uuid-2");
	sqlite3_finalize(st);
	CHECK(sqlite3_prepare_v2(db, "SELECT group_concat(path, ' ') FROM (SELECT path FROM"
	    " export_bundles ORDER BY month)", -1, &st, NULL) == SQLITE_OK);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "outbox /mnt/elsewhere");
	sqlite3_finalize(st);
	sohoa_catalog_free(cat);
}

/* Invariants 5-6: the placeholders; the code recorded, kept while records
 * exist, free to change before the first. */
static void
test_agency(void)
{
	sohoa_catalog *cat = open_in("ag");
	sohoa_conf conf;
	sohoa_error err;
	sohoa_record_new r;
	char v[64];
	int64_t id;

	memset(&conf, 0, sizeof conf);
	conf.agency_name = "<tên cơ quan>";
	conf.agency_code = "000.00.01.H26";
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_store_check_agency(&conf, NULL, 0, &err), SOHOA_FATAL);
	CHECK(strstr(err.msg, "agency_name and agency_code") != NULL);
	conf.agency_name = "UBND xã Văn Bình";
	conf.agency_code = "<mã định danh>";
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_store_check_agency(&conf, cat, SOHOA_STORE_UPDATE, &err), SOHOA_FATAL);
	CHECK(!sohoa_catalog_meta_get(cat, "agency_code", v, sizeof v));
	/* Recorded by the first update, not by a check. */
	conf.agency_code = "000.00.01.H26";
	CHECK_INT(sohoa_store_check_agency(&conf, cat, 0, &err), SOHOA_OK);
	CHECK(!sohoa_catalog_meta_get(cat, "agency_code", v, sizeof v));
	CHECK_INT(sohoa_store_check_agency(&conf, cat, SOHOA_STORE_UPDATE, &err), SOHOA_OK);
	CHECK(sohoa_catalog_meta_get(cat, "agency_code", v, sizeof v) && !strcmp(v, "000.00.01.H26"));
	/* No record yet: another code is taken. */
	CHECK_INT(sohoa_catalog_has_records(cat), 0);
	conf.agency_code = "000.00.02.H26";
	CHECK_INT(sohoa_store_check_agency(&conf, cat, SOHOA_STORE_UPDATE, &err), SOHOA_OK);
	CHECK(sohoa_catalog_meta_get(cat, "agency_code", v, sizeof v) && !strcmp(v, "000.00.02.H26"));
	/* A record: another code is refused, naming both, and nothing changes. */
	memset(&r, 0, sizeof r);
	r.spool_id = "s1";
	r.state = SOHOA_STATE_ACTIVE;
	r.hash = "sha256:00";
	r.size = 1;
	r.name = r.name_raw = "a.png";
	r.name_raw_len = 5;
	r.origin = "";
	CHECK_INT(sohoa_catalog_record_insert(cat, &r, &id, &err), SOHOA_OK);
	CHECK_INT(sohoa_catalog_has_records(cat), 1);
	conf.agency_code = "000.00.09.H99";
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_store_check_agency(&conf, cat, SOHOA_STORE_UPDATE, &err), SOHOA_FATAL);
	CHECK(strstr(err.msg, "\"000.00.02.H26\"") && strstr(err.msg, "\"000.00.09.H99\""));
	CHECK(sohoa_catalog_meta_get(cat, "agency_code", v, sizeof v) && !strcmp(v, "000.00.02.H26"));
	conf.agency_code = "000.00.02.H26";
	CHECK_INT(sohoa_store_check_agency(&conf, cat, SOHOA_STORE_UPDATE, &err), SOHOA_OK);
	sohoa_catalog_free(cat);
}

int
main(void)
{
	TEST_RUN(test_new_identity);
	TEST_RUN(test_catalog_takes_marker);
	TEST_RUN(test_refusals);
	TEST_RUN(test_move);
	TEST_RUN(test_paths);
	TEST_RUN(test_migration_keeps_names);
	TEST_RUN(test_agency);
	return TEST_DONE();
}
