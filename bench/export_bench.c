/*
 * export_bench.c - helpers of bench/export.sh (not a test, not installed).
 *
 *   export_bench clone CONF N [PER_HOSO]
 *       Adds N records to the catalog of CONF, cheaply: each is a copy of
 *       one of the records already there (done and packaged, round robin):
 *       its catalog row, fields and events copied, its spool entry made of
 *       hard links to the template's original scan and (signed) PDF, and
 *       its own AIP written by sohoa_describe_package() exactly as sohoad
 *       would.  Every PER_HOSO (default 20) clones share an inbox folder, so
 *       the export makes SIPs of several documents as well as loose ones.
 *       No OCR runs: the OCR is not what is measured.
 *
 *   export_bench hash FILE...
 *       SHA-256 of the files through sohoa_hash_file() (lib/hash.c, the
 *       hashing every export and verification uses); prints
 *       "<bytes> <seconds>" for the whole run.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sohoa/catalog.h"
#include "sohoa/conf.h"
#include "sohoa/describe.h"
#include "sohoa/hash.h"
#include "sohoa/package.h"
#include "catalog_int.h"

static int
exec_sql(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "export_bench: %s: %s\n", sql, msg);
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
run_sql(sqlite3 *db, const char *sql, long long a, long long b, const char *s1,
    const char *s2, const char *s3)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "export_bench: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	if (s1)
		sqlite3_bind_text(st, 3, s1, -1, SQLITE_STATIC);
	if (s2)
		sqlite3_bind_text(st, 4, s2, -1, SQLITE_STATIC);
	if (s3)
		sqlite3_bind_text(st, 5, s3, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "export_bench: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static int
clone(const char *conf_path, int n, int per_hoso)
{
	sohoa_conf conf;
	sohoa_error err;
	sohoa_catalog *cat;
	sohoa_package_schemas *sch;
	sqlite3 *db;
	sqlite3_stmt *st;
	long long tmpl[64], base = 0;
	char tmpl_spool[64][64], path[PATH_MAX];
	int nt = 0, rc = 1;

	sohoa_conf_init(&conf);
	sohoa_error_clear(&err);
	if (sohoa_conf_load(&conf, conf_path, &err) != SOHOA_OK
	    || sohoa_conf_finish(&conf, &err) != SOHOA_OK) {
		fprintf(stderr, "export_bench: %s\n", err.msg);
		return 1;
	}
	snprintf(path, sizeof path, "%s/catalog.db", conf.state_dir);
	if (!(cat = sohoa_catalog_open(path, &err))
	    || !(sch = sohoa_package_schemas_open(conf.schema_dir, &err))) {
		fprintf(stderr, "export_bench: %s\n", err.msg);
		return 1;
	}
	db = sohoa_catalog_db(cat);
	if (sqlite3_prepare_v2(db, "SELECT id, spool_id FROM records WHERE state = 'done' AND"
	    " package_mets_hash IS NOT NULL AND spool_id NOT LIKE 'bench-%' ORDER BY id LIMIT 64",
	    -1, &st, NULL) == SQLITE_OK) {
		while (sqlite3_step(st) == SQLITE_ROW) {
			tmpl[nt] = sqlite3_column_int64(st, 0);
			snprintf(tmpl_spool[nt++], sizeof tmpl_spool[0], "%s", sqlite3_column_text(st, 1));
		}
		sqlite3_finalize(st);
	}
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM records WHERE spool_id LIKE 'bench-%'", -1,
	    &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			base = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	if (!nt) {
		fprintf(stderr, "export_bench: no packaged record to copy\n");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		long long k = base + i, t = tmpl[i % nt], id;
		char spool[64], hash[SOHOA_HASH_TEXT_MAX], origin[64], src[PATH_MAX], dst[PATH_MAX];
		sohoa_hash *h = sohoa_hash_new("sha256");
		const char *tsp = tmpl_spool[i % nt];

		snprintf(spool, sizeof spool, "bench-%07lld", k);
		sohoa_hash_update(h, spool, strlen(spool));
		sohoa_hash_final(h, hash);
		sohoa_hash_free(h);
		snprintf(origin, sizeof origin, "bench-ho-so-%05lld", k / per_hoso);
		/* The spool entry: hard links, no copies. */
		snprintf(dst, sizeof dst, "%s/spool/done/%s", conf.state_dir, spool);
		if (mkdir(dst, 0750) != 0) {
			fprintf(stderr, "export_bench: mkdir %s: %s\n", dst, strerror(errno));
			goto out;
		}
		for (int f = 0; f < 2; f++) {
			const char *name = f ? "document.pdf" : "original";
			snprintf(src, sizeof src, "%s/spool/done/%s/%s", conf.state_dir, tsp, name);
			snprintf(dst, sizeof dst, "%s/spool/done/%s/%s", conf.state_dir, spool, name);
			if (access(src, F_OK) == 0 && link(src, dst) != 0) {
				fprintf(stderr, "export_bench: link %s: %s\n", dst, strerror(errno));
				goto out;
			}
		}
		if (exec_sql(db, "BEGIN") != 0)
			goto out;
		if (run_sql(db, "INSERT INTO records (spool_id, state, hash, size, name, name_raw,"
		    " origin, origin_raw, source_mtime_ns, inbox_removed, created_at, updated_at,"
		    " page_count, mean_confidence) SELECT ?3, 'done', ?4, size, name, name_raw, ?5,"
		    " CAST(?5 AS BLOB), source_mtime_ns, 1, created_at, updated_at, page_count,"
		    " mean_confidence FROM records WHERE id = ?1 AND ?2 = ?2", t, 0, spool, hash, origin))
			goto out;
		id = sqlite3_last_insert_rowid(db);
		if (run_sql(db, "INSERT INTO fields (record_id, name, value, source, confidence)"
		    " SELECT ?2, name, value, source, confidence FROM fields WHERE record_id = ?1", t, id,
		    NULL, NULL, NULL)
		    || run_sql(db, "INSERT INTO events (record_id, type, at, agent, outcome, detail)"
		    " SELECT ?2, type, at, agent, outcome, detail FROM events WHERE record_id = ?1"
		    " AND type <> 'information package creation' ORDER BY id", t, id, NULL, NULL, NULL)
		    || exec_sql(db, "COMMIT"))
			goto out;
		if (sohoa_describe_package(&conf, cat, sch, id, "export_bench", &err) != SOHOA_OK) {
			fprintf(stderr, "export_bench: record %lld: %s\n", id, err.msg);
			goto out;
		}
	}
	rc = 0;
out:
	sohoa_package_schemas_free(sch);
	sohoa_catalog_free(cat);
	sohoa_conf_release(&conf);
	return rc;
}

static int
hash(int argc, char **argv)
{
	struct timespec t0, t1;
	long long total = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < argc; i++) {
		char out[SOHOA_HASH_TEXT_MAX];
		long long size = 0;
		sohoa_error err;
		sohoa_error_clear(&err);
		if (sohoa_hash_file(argv[i], "sha256", out, &size, &err) != SOHOA_OK) {
			fprintf(stderr, "export_bench: %s\n", err.msg);
			return 1;
		}
		total += size;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%lld %.6f\n", total, (double)(t1.tv_sec - t0.tv_sec)
	    + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "clone"))
		return clone(argv[2], atoi(argv[3]), argc > 4 ? atoi(argv[4]) : 20);
	if (argc >= 3 && !strcmp(argv[1], "hash"))
		return hash(argc - 2, argv + 2);
	fprintf(stderr, "usage: export_bench clone CONF N [PER_HOSO] | hash FILE...\n");
	return 2;
}
