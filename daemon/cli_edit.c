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

#include "sohoa/catalog_records.h"
#include "sohoa/describe.h"
#include "sohoa/edit.h"
#include "sohoa/fields.h"
#include "sohoa/json.h"
#include "sohoa/package.h"
#include "sohoa/search.h"
#include "sohoa/store.h"
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

void
cli_edit_usage(FILE *out)
{
	fprintf(out, "usage: sohoa edit ID TRƯỜNG=GIÁ_TRỊ...  (FIELD=VALUE...)\n"
	    "  Sửa một trường mô tả của tài liệu đã xử lý xong; giá trị cũ được ghi vào sự kiện,\n"
	    "  gói lưu trữ được ghi lại. Tên trường bằng tiếng Việt (có dấu hay không, chữ hoa\n"
	    "  hay thường) hoặc tên của Thông tư 05. Giá trị rỗng xóa trường. Tên có dấu cách\n"
	    "  phải trong dấu nháy.\n"
	    "  Corrects a descriptive field of a finished document; the old value is kept in an\n"
	    "  event and the package is rewritten. Field names in Vietnamese (with or without\n"
	    "  diacritics, any case) or TT 05's names. An empty value clears the field.\n"
	    "\n  ví dụ / examples:\n"
	    "    sohoa edit 12 \"người ký=Nguyễn Văn An\" \"trích yếu=Về việc giao đất\"\n"
	    "    sohoa edit 12 loai=CV ngay=05/03/2024 \"so=15\" \"ky hieu=QĐ-UBND\"\n"
	    "\n  trường / fields:\n");
	for (int i = 0; i < SOHOA_F_COUNT; i++) {
		const char *alt;
		const char *label = sohoa_field_label((sohoa_field_id)i);
		int chars = 0;

		for (const char *p = label; *p; p++)     /* pad by characters */
			chars += ((unsigned char)*p & 0xC0) != 0x80;
		fprintf(out, "    %s%*s %s", label, chars < 20 ? 20 - chars : 0, "",
		    sohoa_field_name((sohoa_field_id)i));
		for (int k = 1; (alt = sohoa_field_label_alt((sohoa_field_id)i, k)); k++)
			fprintf(out, "%s%s", k == 1 ? "  (cũng / also: " : ", ", alt);
		fprintf(out, "%s\n", sohoa_field_label_alt((sohoa_field_id)i, 1) ? ")" : "");
	}
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
		cli_edit_usage(stderr);
		return EXIT_USAGE;
	}
	if (!(cat = cli_open_catalog(c)))
		return EXIT_FAILURE_;
	{
		sohoa_record_row row;
		sohoa_error gerr;
		int found;
		sohoa_error_clear(&gerr);
		found = sohoa_catalog_record_get(cat, id, &row, &gerr) == SOHOA_OK
		    && row.state == SOHOA_STATE_DONE;
		sohoa_record_row_release(&row);
		if (!found) {
			fprintf(stderr, "sohoa: không có tài liệu số %lld đã xử lý xong — no finished"
			    " record %lld\n", id, id);
			sohoa_catalog_free(cat);
			return EXIT_NOTFOUND;
		}
	}
	agent_name(agent, sizeof agent);
	for (int i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '='), *value = NULL, *old = NULL;
		const char *field;
		sohoa_field_id fid;
		if (!eq) {
			fprintf(stderr, "sohoa: \"%s\": dùng dạng trường=giá trị (FIELD=VALUE)\n", argv[i]);
			rc = EXIT_USAGE;
			break;
		}
		*eq = '\0';
		/* "người ký", "Nguoi ky", "signerName": the TT 05 name. */
		fid = sohoa_field_lookup(argv[i]);
		if (fid == SOHOA_F_COUNT) {
			fprintf(stderr, "sohoa: không có trường \"%s\"; xem \"sohoa edit --help\""
			    " (unknown field; see \"sohoa edit --help\")\n", cli_safe(argv[i]));
			rc = EXIT_USAGE;
			break;
		}
		field = sohoa_field_name(fid);
		sohoa_error_clear(&err);
		/* The same path as sohoa-web's văn thư form (edit.h). */
		switch (sohoa_edit_field(cat, id, field, eq + 1, agent, &old, &value, &err)) {
		case SOHOA_OK:
			if (!c->json)
				printf("%s (%s): %s → %s\n", sohoa_field_label(fid), field,
				    old ? cli_safe(old) : "(trống)", value ? cli_safe(value) : "(trống)");
			break;
		case SOHOA_BAD_INPUT:
			fprintf(stderr, "sohoa: %s: %s\n", cli_safe(argv[i]), cli_safe(err.msg));
			rc = EXIT_USAGE;
			break;
		default:
			fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
			rc = EXIT_FAILURE_;
			break;
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
		sohoa_record_row row;
		char path[4096] = "", hash[SOHOA_HASH_TEXT_MAX] = "";
		sohoa_package_report rep;
		sohoa_status s;

		sohoa_error_clear(&err);
		if (sohoa_catalog_record_get(cat, id, &row, &err) == SOHOA_OK && row.package_path
		    && sohoa_store_package_path(&c->conf, row.package_path, path, sizeof path) == 0)
			snprintf(hash, sizeof hash, "%s",
			    row.package_mets_hash ? row.package_mets_hash : "");
		sohoa_record_row_release(&row);
		if (!path[0]) {
			fprintf(stderr, "sohoa: tài liệu số %s chưa có gói lưu trữ — record %s has no"
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
