/*
 * test_backup.c - the backup copy (backup.h rules 1-3), the audit's --since
 * parser, and restore, on a real catalog and real files (no OCR: a done
 * record is made by hand, without a package).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

#include "test.h"
#include "catalog_fixture.h"
#include "sohoa/audit.h"
#include "sohoa/backup.h"
#include "sohoa/catalog.h"
#include "sohoa/fsutil.h"
#include "sohoa/hash.h"
#include "catalog_int.h"

static void
write_text(const char *path, const char *text)
{
	sohoa_error err;
	sohoa_error_clear(&err);
	CHECKM(sohoa_fs_write_file(path, text, strlen(text), 0640, &err) == SOHOA_OK, err.msg);
}

static char *
read_text(const char *path)
{
	char *buf = NULL;
	size_t len;
	if (sohoa_fs_read_file(path, 1 << 20, &buf, &len, NULL) != SOHOA_OK)
		return NULL;
	return buf;
}

/* A state folder with one done record (spool entry "s1", no package). */
static sohoa_catalog *
make_store(sohoa_conf *conf, int64_t *id)
{
	sohoa_error err;
	sohoa_catalog *cat;
	char hash[SOHOA_HASH_TEXT_MAX];
	char path[PATH_MAX];

	sohoa_conf_init(conf);
	snprintf(path, sizeof path, "%s/inbox", test_tmp_root);
	sohoa_conf_set(conf, "inbox", path, NULL, NULL);
	snprintf(path, sizeof path, "%s/state", test_tmp_root);
	sohoa_conf_set(conf, "state_dir", path, NULL, NULL);
	snprintf(path, sizeof path, "%s/backup", test_tmp_root);
	sohoa_conf_set(conf, "backup_dir", path, NULL, NULL);
	sohoa_error_clear(&err);
	CHECKM(sohoa_conf_finish(conf, &err) == SOHOA_OK, err.msg);
	CHECK(sohoa_fs_mkdirs("state/spool/done/s1", 0750, NULL) == SOHOA_OK);
	write_text("state/spool/done/s1/original", "the scan, byte for byte\n");
	write_text("state/spool/done/s1/envelope", "name=a.tif\n");
	CHECK(sohoa_hash_file("state/spool/done/s1/original", "sha256", hash, NULL, NULL)
	    == SOHOA_OK);
	cat = sohoa_catalog_open("state/catalog.db", &err);
	CHECKM(cat != NULL, err.msg);
	if (!cat)
		return NULL;
	{
		sohoa_record_new r = { .spool_id = "s1", .state = SOHOA_STATE_DONE, .hash = hash, .size = 24,
			.name = "a.tif", .name_raw = "a.tif", .name_raw_len = 5, .origin = "" };
		CHECKM(sohoa_catalog_record_insert(cat, &r, id, &err) == SOHOA_OK, err.msg);
	}
	return cat;
}

static void
test_missing_folder_is_an_outage(void)
{
	sohoa_conf conf;
	int64_t id = 0;
	sohoa_catalog *cat = make_store(&conf, &id);
	char bid[SOHOA_BACKUP_ID_MAX];
	sohoa_error err;

	/* Rule 1: backup_dir is never created. */
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_backup_open_dir(conf.backup_dir, cat, 1, bid, &err), SOHOA_RETRY);
	CHECK(strstr(err.msg, "missing") != NULL);
	CHECK(access("backup", F_OK) != 0);
	sohoa_catalog_free(cat);
	sohoa_conf_release(&conf);
}

static void
test_copy_verify_and_unmounted(void)
{
	sohoa_conf conf;
	int64_t id = 0;
	sohoa_catalog *cat = make_store(&conf, &id);
	char bid[SOHOA_BACKUP_ID_MAX], *man;
	sohoa_backup_stats stats = { 0, 0 };
	sohoa_error err;

	mkdir("backup", 0750);
	sohoa_error_clear(&err);
	CHECKM(sohoa_backup_open_dir(conf.backup_dir, cat, 1, bid, &err) == SOHOA_OK, err.msg);
	CHECK_INT(strlen(bid), 32);
	CHECK_INT(sohoa_backup_pending(cat, bid), 1);
	CHECKM(sohoa_backup_copy_record(conf.backup_dir, bid, &conf, cat, id, "test", &stats, &err)
	    == SOHOA_OK, err.msg);
	CHECK_INT(stats.files, 2);
	CHECK_INT(sohoa_backup_pending(cat, bid), 0);
	CHECK_INT(fx_count(cat, "SELECT count(*) FROM events WHERE type = 'replication'"), 1);
	CHECK(access("backup/spool/done/s1/original", F_OK) == 0);
	man = read_text("backup/manifests/s1.sha256");
	CHECK(man && strstr(man, "  spool/done/s1/original\n") && strstr(man, "  spool/done/s1/envelope\n"));
	free(man);
	/* Rule 3: a damaged store copy is never copied over a good backup. */
	write_text("state/spool/done/s1/original", "the scan, byte for bytE\n");
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_backup_copy_record(conf.backup_dir, bid, &conf, cat, id, "test", NULL,
	    &err), SOHOA_BAD_INPUT);
	CHECK(strstr(err.msg, "differs from the catalog") != NULL);
	man = read_text("backup/spool/done/s1/original");
	CHECK_STR(man, "the scan, byte for byte\n");
	free(man);
	/* Rule 2: the marker gone (an empty mount point) -> refused, nothing written. */
	unlink("backup/sohoa-backup.id");
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_backup_open_dir(conf.backup_dir, cat, 1, bid, &err), SOHOA_RETRY);
	CHECK(strstr(err.msg, "mounted") != NULL);
	CHECK(access("backup/sohoa-backup.id", F_OK) != 0);
	/* An empty marker says "start a new copy here". */
	write_text("backup/sohoa-backup.id", "");
	sohoa_error_clear(&err);
	CHECKM(sohoa_backup_open_dir(conf.backup_dir, cat, 1, bid, &err) == SOHOA_OK, err.msg);
	CHECK_INT(sohoa_backup_pending(cat, bid), 1);   /* a new copy: everything again */
	sohoa_catalog_free(cat);
	sohoa_conf_release(&conf);
}

static void
test_restore_round_trip(void)
{
	sohoa_conf conf;
	int64_t id = 0;
	sohoa_catalog *cat = make_store(&conf, &id);
	char bid[SOHOA_BACKUP_ID_MAX], to[PATH_MAX], pkg[PATH_MAX], *a, *b;
	sohoa_restore_options o;
	sohoa_restore_report rep;
	sohoa_error err;

	mkdir("backup", 0750);
	sohoa_error_clear(&err);
	CHECKM(sohoa_backup_open_dir(conf.backup_dir, cat, 1, bid, &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_backup_copy_record(conf.backup_dir, bid, &conf, cat, id, "test", NULL, &err)
	    == SOHOA_OK, err.msg);
	CHECKM(sohoa_backup_copy_catalog(conf.backup_dir, cat, &err) == SOHOA_OK, err.msg);
	/* An entry copied after the catalog copy: queued for OCR again. */
	CHECK(sohoa_fs_mkdirs("backup/spool/done/s2", 0750, NULL) == SOHOA_OK);
	write_text("backup/spool/done/s2/original", "later scan\n");
	write_text("backup/spool/done/s2/envelope", "name=b.tif\n");
	write_text("backup/manifests/s2.sha256",
	    "0000000000000000000000000000000000000000000000000000000000000000  spool/done/s2/original\n");
	snprintf(to, sizeof to, "%s/restored", test_tmp_root);
	snprintf(pkg, sizeof pkg, "%s/restored/aip", test_tmp_root);
	memset(&o, 0, sizeof o);
	o.from = conf.backup_dir;
	o.state_dir = to;
	o.package_dir = pkg;
	sohoa_restore_report_init(&rep);
	sohoa_error_clear(&err);
	/* s2's manifest is wrong on purpose: restored, and reported. */
	CHECK_INT(sohoa_restore(&o, &rep, &err), SOHOA_BAD_INPUT);
	CHECK_INT(rep.records, 1);
	CHECK_INT(rep.requeued, 1);
	CHECK(rep.nproblems >= 1 && strstr(rep.problems[0].file, "spool/done/s2/original"));
	a = read_text("state/spool/done/s1/original");
	b = read_text("restored/spool/done/s1/original");
	CHECK(a && b && !strcmp(a, b));
	free(a);
	free(b);
	CHECK(access("restored/spool/incoming/s2/original", F_OK) == 0);
	CHECK(access("restored/catalog.db", F_OK) == 0);
	sohoa_restore_report_release(&rep);
	/* Again: the target is not empty now. */
	sohoa_restore_report_init(&rep);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_restore(&o, &rep, &err), SOHOA_BAD_INPUT);
	CHECK_INT(rep.not_empty, 1);
	sohoa_restore_report_release(&rep);
	sohoa_catalog_free(cat);
	sohoa_conf_release(&conf);
}

static void
test_parse_since(void)
{
	char out[32];
	sohoa_error err;
	long long now = 1751328000;   /* 2025-07-01T00:00:00Z */

	sohoa_error_clear(&err);
	CHECK_INT(sohoa_audit_parse_since("7d", now, out, &err), SOHOA_OK);
	CHECK_STR(out, "2025-06-24T00:00:00.000Z");
	CHECK_INT(sohoa_audit_parse_since("12h", now, out, &err), SOHOA_OK);
	CHECK_STR(out, "2025-06-30T12:00:00.000Z");
	CHECK_INT(sohoa_audit_parse_since("2w", now, out, &err), SOHOA_OK);
	CHECK_STR(out, "2025-06-17T00:00:00.000Z");
	CHECK_INT(sohoa_audit_parse_since("2025-03-05T08:30:00Z", now, out, &err), SOHOA_OK);
	CHECK_STR(out, "2025-03-05T08:30:00.000Z");
	CHECK_INT(sohoa_audit_parse_since("2025-03-05", now, out, &err), SOHOA_OK);
	CHECK(!strncmp(out, "2025-03-0", 9));   /* local midnight */
	CHECK_INT(sohoa_audit_parse_since("yesterday", now, out, &err), SOHOA_BAD_INPUT);
	CHECK_INT(sohoa_audit_parse_since("7x", now, out, &err), SOHOA_BAD_INPUT);
	CHECK_INT(sohoa_audit_parse_since("-3d", now, out, &err), SOHOA_BAD_INPUT);
	CHECK_INT(sohoa_audit_parse_since("2025-13-01", now, out, &err), SOHOA_BAD_INPUT);
	CHECK_INT(sohoa_audit_parse_since("", now, out, &err), SOHOA_BAD_INPUT);
}

int
main(void)
{
	TEST_RUN(test_missing_folder_is_an_outage);
	TEST_RUN(test_copy_verify_and_unmounted);
	TEST_RUN(test_restore_round_trip);
	TEST_RUN(test_parse_since);
	return TEST_DONE();
}
