/*
 * cli_edit.c - 'sohoa edit ID field=value...' (a person corrects the
 * description; the old value is kept in an event; the package is rewritten)
 * and 'sohoa check ID...' (re-validate a package and re-hash its files).
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sohoa/describe.h"
#include "sohoa/fields.h"
#include "sohoa/json.h"
#include "sohoa/package.h"
#include "sohoa/search.h"
#include "cli.h"

static long long
parse_id(const char *s)
{
	char *end;
	long long id = strtoll(s, &end, 10);
	return *end || id <= 0 ? 0 : id;
}

static void
agent_name(char *buf, size_t n)
{
	struct passwd *pw = getpwuid(getuid());
	snprintf(buf, n, "sohoa %s (sohoa edit, user %s)", SOHOA_VERSION, pw ? pw->pw_name : "?");
}

int
cli_edit(struct cli *c, int argc, char **argv)
{
	sohoa_catalog *cat;
	sohoa_package_schemas *sch;
	sohoa_error err;
	long long id;
	char agent[128];
	int rc = 0;

	if (argc < 3 || !(id = parse_id(argv[1]))) {
		fprintf(stderr, "usage: sohoa edit ID FIELD=VALUE...\n  fields:");
		for (int i = 0; i < SOHOA_F_COUNT; i++)
			fprintf(stderr, " %s", sohoa_field_name((sohoa_field_id)i));
		fprintf(stderr, "\n");
		return EXIT_USAGE;
	}
	if (!(cat = cli_open_catalog(c)))
		return EXIT_FAILURE_;
	{
		sqlite3_stmt *st;
		int found = 0;
		if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT 1 FROM records WHERE id = ?"
		    " AND state = 'done'", -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, id);
			found = sqlite3_step(st) == SQLITE_ROW;
			sqlite3_finalize(st);
		}
		if (!found) {
			fprintf(stderr, "sohoa: không có tài liệu số %lld đã xử lý xong — no finished"
			    " record %lld\n", id, id);
			sohoa_catalog_free(cat);
			return EXIT_NOTFOUND;
		}
	}
	agent_name(agent, sizeof agent);
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '='), *value = NULL, *old = NULL, detail[1200];
		if (!eq) {
			fprintf(stderr, "sohoa: \"%s\": dùng dạng trường=giá trị (FIELD=VALUE)\n", argv[i]);
			rc = EXIT_USAGE;
			break;
		}
		*eq = '\0';
		sohoa_error_clear(&err);
		if (sohoa_describe_check_value(argv[i], eq + 1, &value, &err) != SOHOA_OK) {
			fprintf(stderr, "sohoa: %s: %s\n", argv[i], cli_safe(err.msg));
			rc = EXIT_USAGE;
			break;
		}
		if (sohoa_catalog_begin(cat, &err) != SOHOA_OK
		    || sohoa_catalog_set_field(cat, id, argv[i], value, &old, &err) != SOHOA_OK) {
			fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
			sohoa_catalog_rollback(cat);
			free(value);
			rc = EXIT_FAILURE_;
			break;
		}
		snprintf(detail, sizeof detail, "%s: \"%s\" -> \"%s\"", argv[i], old ? old : "",
		    value ? value : "");
		if (sohoa_catalog_event_add(cat, id, "metadata modification", agent, "success", detail,
		    &err) != SOHOA_OK || sohoa_catalog_commit(cat, &err) != SOHOA_OK) {
			fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
			sohoa_catalog_rollback(cat);
			rc = EXIT_FAILURE_;
		} else if (!c->json) {
			printf("%s: %s → %s\n", cli_safe(argv[i]), old ? cli_safe(old) : "(trống)",
			    value ? cli_safe(value) : "(trống)");
		}
		free(old);
		free(value);
		if (rc)
			break;
	}
	if (rc == 0) {
		/* Searchable under the new values at once. */
		sohoa_error_clear(&err);
		if (sohoa_search_index_record(cat, id, &err) != SOHOA_OK)
			fprintf(stderr, "sohoa: chưa cập nhật được chỉ mục tìm kiếm — the search index"
			    " is not updated yet ('sohoa reindex' does it): %s\n", cli_safe(err.msg));
		sohoa_error_clear(&err);
		sch = sohoa_package_schemas_open(c->conf.schema_dir, &err);
		if (!sch || sohoa_describe_package(&c->conf, cat, sch, id, agent, &err) != SOHOA_OK) {
			fprintf(stderr, "sohoa: đã lưu thay đổi nhưng chưa đóng gói lại được — saved,"
			    " but the package could not be rewritten: %s\n", cli_safe(err.msg));
			rc = err.status == SOHOA_BAD_INPUT ? EXIT_USAGE : EXIT_FAILURE_;
		} else if (c->json) {
			printf("{\"id\": %lld, \"edited\": true}\n", id);
		} else {
			printf("Đã đóng gói lại (package rewritten).\n");
		}
		sohoa_package_schemas_free(sch);
	}
	sohoa_catalog_free(cat);
	return rc;
}

int
cli_check(struct cli *c, int argc, char **argv)
{
	sohoa_catalog *cat;
	sohoa_package_schemas *sch;
	sohoa_error err;
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: sohoa check ID...\n");
		return EXIT_USAGE;
	}
	if (!(cat = cli_open_catalog(c)))
		return EXIT_FAILURE_;
	sohoa_error_clear(&err);
	sch = sohoa_package_schemas_open(c->conf.schema_dir, &err);
	if (!sch) {
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		sohoa_catalog_free(cat);
		return EXIT_CONFIG;
	}
	for (int i = 1; i < argc; i++) {
		long long id = parse_id(argv[i]);
		sqlite3_stmt *st;
		char path[4096] = "", hash[SOHOA_HASH_TEXT_MAX] = "";
		sohoa_package_report rep;
		sohoa_status s;

		if (sqlite3_prepare_v2(sohoa_catalog_db(cat), "SELECT package_path, package_mets_hash"
		    " FROM records WHERE id = ?", -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, id);
			if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
				snprintf(path, sizeof path, "%s", sqlite3_column_text(st, 0));
				snprintf(hash, sizeof hash, "%s", sqlite3_column_text(st, 1));
			}
			sqlite3_finalize(st);
		}
		if (!path[0]) {
			fprintf(stderr, "sohoa: hồ sơ số %s chưa có gói lưu trữ — record %s has no"
			    " package\n", argv[i], argv[i]);
			rc = rc ? rc : EXIT_NOTFOUND;
			continue;
		}
		sohoa_package_report_init(&rep);
		sohoa_error_clear(&err);
		s = sohoa_package_check(path, sch, hash, &rep, &err);
		if (c->json) {
			printf("{\"id\": %lld, \"package\": ", id);
			sohoa_json_string(stdout, path);
			printf(", \"ok\": %s, \"files_checked\": %d, \"xml_validated\": %d,"
			    " \"problems\": [", s == SOHOA_OK ? "true" : "false", rep.files_checked,
			    rep.xml_validated);
			for (int k = 0; k < rep.nproblems; k++) {
				printf("%s{\"file\": ", k ? ", " : "");
				sohoa_json_string(stdout, rep.problems[k].file);
				printf(", \"message\": ");
				sohoa_json_string(stdout, rep.problems[k].msg);
				printf("}");
			}
			printf("]}\n");
		} else if (s == SOHOA_OK) {
			printf("%lld: gói lưu trữ nguyên vẹn (package intact): %d tệp, %d XML — %s\n", id,
			    rep.files_checked, rep.xml_validated, path);
		} else {
			printf("%lld: GÓI LƯU TRỮ CÓ LỖI (package damaged) — %s\n", id, path);
			for (int k = 0; k < rep.nproblems; k++)
				printf("  %s: %s\n", cli_safe(rep.problems[k].file),
				    cli_safe(rep.problems[k].msg));
			if (!rep.nproblems)
				printf("  %s\n", cli_safe(err.msg));
		}
		if (s != SOHOA_OK)
			rc = EXIT_PARTIAL;
		sohoa_package_report_release(&rep);
	}
	sohoa_package_schemas_free(sch);
	sohoa_catalog_free(cat);
	return rc;
}
