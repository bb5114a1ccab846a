/*
 * cli_hoso.c - 'sohoa hoso list|show|create|edit|add|remove|order': the
 * văn thư manages a hồ sơ (file) from the command line, the same path as
 * sohoa-web's /hoso/ pages (hoso_desk.h).  Field names in Vietnamese, as
 * `sohoa edit` takes them; every change rewrites the packages it touches.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sohoa/fields.h"
#include "sohoa/hoso_desk.h"
#include "sohoa/json.h"
#include "cli.h"

static long long
parse_id(const char *s)
{
	char *end;
	long long id = strtoll(s, &end, 10);
	return !*s || *end || id <= 0 ? 0 : id;
}

static void
agent_name(char *buf, size_t n)
{
	struct passwd *pw = getpwuid(getuid());
	snprintf(buf, n, "sohoa %s (sohoa hoso, user %s)", SOHOA_VERSION, pw ? pw->pw_name : "?");
}

void
cli_hoso_usage(FILE *out)
{
	fprintf(out, "usage: sohoa hoso list\n"
	    "       sohoa hoso show ID\n"
	    "       sohoa hoso create \"TIÊU ĐỀ\" [TRƯỜNG=GIÁ_TRỊ...]\n"
	    "       sohoa hoso edit ID TRƯỜNG=GIÁ_TRỊ...\n"
	    "       sohoa hoso add ID TÀI_LIỆU...\n"
	    "       sohoa hoso remove ID TÀI_LIỆU...\n"
	    "       sohoa hoso order ID TÀI_LIỆU...\n"
	    "  Quản lý hồ sơ: tạo, sửa các trường của Thông tư 05, đưa tài liệu vào, lấy ra,\n"
	    "  xếp thứ tự (các tài liệu nêu trước, theo thứ tự đó, rồi đến những tài liệu\n"
	    "  còn lại). Ngày bắt đầu/kết thúc, số tài liệu, số tờ, số trang được tính từ\n"
	    "  các tài liệu. Mỗi thay đổi ghi sự kiện và ghi lại các gói lưu trữ liên quan.\n"
	    "  Tài liệu lấy ra thành tài liệu lẻ. Hồ sơ của một thư mục nhận (hoso.txt)\n"
	    "  cũng được quản lý như vậy.\n"
	    "  Manage a hồ sơ (file): create it, set TT 05's fields, put documents in, take\n"
	    "  them out, set their order (those named first, in that order, then the rest).\n"
	    "  Dates and counts of documents, sheets and pages come from its documents.\n"
	    "  Every change is an event and rewrites the packages it touches. A document\n"
	    "  taken out becomes a loose one. An inbox folder's hồ sơ (hoso.txt) is the same.\n"
	    "\n  ví dụ / examples:\n"
	    "    sohoa hoso create \"Hồ sơ giao đất năm 2024\" \"thời hạn bảo quản=Vĩnh viễn\"\n"
	    "    sohoa hoso edit 3 \"mã hồ sơ giấy=H26.K1/G2/H3.15\" \"từ khóa=đất đai\"\n"
	    "    sohoa hoso add 3 12 15      sohoa hoso order 3 15 12      sohoa hoso show 3\n"
	    "\n  trường / fields:\n");
	for (int i = 0; i < SOHOA_H_COUNT; i++) {
		sohoa_hoso_id id = (sohoa_hoso_id)i;
		const char *label = sohoa_hoso_label(id);
		int chars = 0;
		if (id == SOHOA_H_START_DATE || id == SOHOA_H_END_DATE || id == SOHOA_H_TOTAL_DOC
		    || id == SOHOA_H_NUMBER_OF_PAPER || id == SOHOA_H_NUMBER_OF_PAGE)
			continue;
		for (const char *p = label; *p; p++)
			chars += ((unsigned char)*p & 0xC0) != 0x80;
		fprintf(out, "    %s%*s %s\n", label, chars < 22 ? 22 - chars : 0, "",
		    sohoa_hoso_name(id));
	}
	fprintf(out, "    (\"mã hồ sơ giấy\" = Mã hồ sơ gốc giấy; \"tiêu đề\" = Tiêu đề hồ sơ)\n");
}

struct list_ctx { struct cli *c; int n; };

static void
list_row(void *arg, const sohoa_hoso_entry *e)
{
	struct list_ctx *l = arg;

	if (l->c->json) {
		printf("%s{\"id\": %lld, \"origin\": ", l->n ? ", " : "", (long long)e->id);
		sohoa_json_string(stdout, e->origin);
		printf(", \"title\": ");
		sohoa_json_string(stdout, e->title);
		printf(", \"fileCode\": ");
		sohoa_json_string(stdout, e->file_code);
		printf(", \"documents\": %d}", e->ndocs);
	} else {
		printf("%5lld  %4d tài liệu  %s%s%s\n", (long long)e->id, e->ndocs, cli_safe(e->title),
		    e->created_by ? "" : "  — thư mục ", e->created_by ? "" : cli_safe(e->origin));
	}
	l->n++;
}

static int
hoso_list(struct cli *c, sohoa_catalog *cat)
{
	struct list_ctx l = { c, 0 };
	sohoa_error err;

	sohoa_error_clear(&err);
	if (c->json)
		printf("[");
	if (sohoa_hoso_list(cat, list_row, &l, &err) != SOHOA_OK) {
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		return EXIT_FAILURE_;
	}
	if (c->json)
		printf("]\n");
	else if (!l.n)
		printf("Chưa có hồ sơ nào (no hồ sơ yet).\n");
	return 0;
}

static int
status_exit(const sohoa_error *err)
{
	if (err->status == SOHOA_BAD_INPUT)
		return strstr(err->msg, "không có hồ sơ số") || strstr(err->msg, "không có tài liệu số")
		    ? EXIT_NOTFOUND : EXIT_USAGE;
	return EXIT_FAILURE_;
}

static int
hoso_show(struct cli *c, sohoa_catalog *cat, long long id)
{
	sohoa_hoso h;
	sohoa_error err;
	int64_t *recs = NULL;
	size_t n = 0;

	sohoa_error_clear(&err);
	if (sohoa_hoso_describe(&c->conf, cat, id, &h, &err) != SOHOA_OK
	    || sohoa_hoso_members(cat, id, &recs, &n, &err) != SOHOA_OK) {
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		sohoa_hoso_release(&h);
		return status_exit(&err);
	}
	if (c->json)
		printf("{\"id\": %lld, \"fields\": {", id);
	else
		printf("Hồ sơ %lld\n", id);
	for (int i = 0, k = 0; i < SOHOA_H_COUNT; i++) {
		char buf[64];
		const char *lab;
		if (!h.v[i])
			continue;
		if (c->json) {
			printf("%s\"%s\": ", k++ ? ", " : "", sohoa_hoso_name((sohoa_hoso_id)i));
			sohoa_json_string(stdout, h.v[i]);
		} else {
			lab = sohoa_hoso_code_label((sohoa_hoso_id)i, h.v[i], buf, sizeof buf);
			printf("  %-22s %s%s%s%s\n", sohoa_hoso_label((sohoa_hoso_id)i), cli_safe(h.v[i]),
			    lab ? " (" : "", lab ? lab : "", lab ? ")" : "");
		}
	}
	if (c->json)
		printf("}, \"documents\": [");
	else
		printf("  Tài liệu (theo thứ tự / in order):\n");
	for (size_t i = 0; i < n; i++) {
		sohoa_fields fs;
		sohoa_fields_init(&fs);
		sohoa_catalog_load_fields(cat, recs[i], &fs, NULL);
		if (c->json) {
			printf("%s{\"position\": %zu, \"id\": %lld, \"codeNumber\": ", i ? ", " : "", i + 1,
			    (long long)recs[i]);
			sohoa_json_string(stdout, fs.f[SOHOA_F_CODE_NUMBER].value);
			printf(", \"codeNotation\": ");
			sohoa_json_string(stdout, fs.f[SOHOA_F_CODE_NOTATION].value);
			printf(", \"issuedDate\": ");
			sohoa_json_string(stdout, fs.f[SOHOA_F_ISSUED_DATE].value);
			printf(", \"subject\": ");
			sohoa_json_string(stdout, fs.f[SOHOA_F_SUBJECT].value);
			printf("}");
		} else {
			printf("  %3zu. [%lld] %s/%s  %s  %s\n", i + 1, (long long)recs[i],
			    cli_safe(fs.f[SOHOA_F_CODE_NUMBER].value ? fs.f[SOHOA_F_CODE_NUMBER].value : "?"),
			    cli_safe(fs.f[SOHOA_F_CODE_NOTATION].value ? fs.f[SOHOA_F_CODE_NOTATION].value
			    : "?"), cli_safe(fs.f[SOHOA_F_ISSUED_DATE].value ? fs.f[SOHOA_F_ISSUED_DATE].value
			    : ""), cli_safe(fs.f[SOHOA_F_SUBJECT].value ? fs.f[SOHOA_F_SUBJECT].value : ""));
		}
		sohoa_fields_release(&fs);
	}
	if (c->json)
		printf("]}\n");
	else if (!n)
		printf("    (chưa có tài liệu / no document yet)\n");
	free(recs);
	sohoa_hoso_release(&h);
	return 0;
}

/* Rewrites the packages of hồ sơ id (0: none); 0 or an exit code. */
static int
repackage(struct cli *c, sohoa_catalog *cat, long long id, const char *agent)
{
	sohoa_error err;
	int n = 0;

	sohoa_error_clear(&err);
	if (sohoa_hoso_repackage(&c->conf, cat, id, agent, &n, &err) != SOHOA_OK) {
		fprintf(stderr, "sohoa: đã lưu thay đổi nhưng chưa đóng gói lại được — saved, but"
		    " the packages could not be rewritten: %s\n", cli_safe(err.msg));
		return EXIT_FAILURE_;
	}
	if (n && !c->json)
		printf("Hồ sơ %lld: đã đóng gói lại %d tài liệu (%d packages rewritten).\n", id, n, n);
	return 0;
}

/* "trường=giá trị" arguments applied to hồ sơ id. */
static int
apply_fields(struct cli *c, sohoa_catalog *cat, long long id, int argc, char **argv,
    const char *agent)
{
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '='), *stored = NULL;
		sohoa_hoso_id f;
		sohoa_error err;
		if (!eq) {
			fprintf(stderr, "sohoa: \"%s\": dùng dạng trường=giá trị (FIELD=VALUE)\n",
			    cli_safe(argv[i]));
			return EXIT_USAGE;
		}
		*eq = '\0';
		f = sohoa_hoso_lookup(argv[i]);
		sohoa_error_clear(&err);
		if (sohoa_hoso_edit(cat, id, argv[i], eq + 1, agent, &stored, &err) != SOHOA_OK) {
			fprintf(stderr, "sohoa: %s: %s\n", cli_safe(argv[i]), cli_safe(err.msg));
			return status_exit(&err);
		}
		if (!c->json)
			printf("%s (%s): %s\n", sohoa_hoso_label(f), sohoa_hoso_name(f),
			    stored ? cli_safe(stored) : "(trống)");
		free(stored);
	}
	return 0;
}

int
cli_hoso(struct cli *c, int argc, char **argv)
{
	sohoa_catalog *cat;
	sohoa_error err;
	const char *sub = argc > 1 ? argv[1] : "";
	char agent[160];
	long long id = argc > 2 ? parse_id(argv[2]) : 0;
	int rc = 0;

	if (!strcmp(sub, "list") ? argc != 2 : !strcmp(sub, "create") ? argc < 3
	    : !strcmp(sub, "show") ? argc != 3 || !id
	    : (!strcmp(sub, "edit") || !strcmp(sub, "add") || !strcmp(sub, "remove")
	    || !strcmp(sub, "order")) ? argc < 4 || !id : 1) {
		cli_hoso_usage(stderr);
		return EXIT_USAGE;
	}
	if (!(cat = cli_open_catalog(c)))
		return EXIT_FAILURE_;
	agent_name(agent, sizeof agent);
	sohoa_error_clear(&err);
	if (!strcmp(sub, "list")) {
		rc = hoso_list(c, cat);
	} else if (!strcmp(sub, "show")) {
		rc = hoso_show(c, cat, id);
	} else if (!strcmp(sub, "create")) {
		int64_t nid = 0;
		if (sohoa_hoso_create(cat, argv[2], agent, &nid, &err) != SOHOA_OK) {
			fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
			rc = status_exit(&err);
		} else {
			if (c->json)
				printf("{\"id\": %lld, \"created\": true}\n", (long long)nid);
			else
				printf("Đã tạo hồ sơ %lld (hồ sơ %lld created).\n", (long long)nid,
				    (long long)nid);
			rc = apply_fields(c, cat, nid, argc - 3, argv + 3, agent);
		}
	} else if (!strcmp(sub, "edit")) {
		if (!(rc = apply_fields(c, cat, id, argc - 3, argv + 3, agent)))
			rc = repackage(c, cat, id, agent);
		if (!rc && c->json)
			printf("{\"id\": %lld, \"edited\": true}\n", id);
	} else {
		int64_t *recs = calloc((size_t)argc, sizeof *recs), *from = calloc((size_t)argc,
		    sizeof *from);
		int nrecs = 0;
		for (int i = 3; recs && from && i < argc && !rc; i++)
			if (!(recs[nrecs++] = parse_id(argv[i]))) {
				fprintf(stderr, "sohoa: \"%s\" không phải số tài liệu — not a record number\n",
				    cli_safe(argv[i]));
				rc = EXIT_USAGE;
			}
		if (!recs || !from) {
			fprintf(stderr, "sohoa: out of memory\n");
			rc = EXIT_FAILURE_;
		}
		for (int i = 0; !rc && i < nrecs && strcmp(sub, "order"); i++) {
			sohoa_status s = !strcmp(sub, "add")
			    ? sohoa_hoso_add(cat, id, recs[i], agent, &from[i], &err)
			    : sohoa_hoso_remove(cat, id, recs[i], agent, &err);
			if (s != SOHOA_OK) {
				fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
				rc = status_exit(&err);
			} else if (!c->json) {
				printf("Tài liệu %lld: %s hồ sơ %lld.\n", (long long)recs[i],
				    !strcmp(sub, "add") ? "đã đưa vào (added to)" : "đã lấy ra khỏi (taken"
				    " out of)", id);
			}
		}
		if (!rc && !strcmp(sub, "order")
		    && sohoa_hoso_order(cat, id, recs, (size_t)nrecs, agent, &err) != SOHOA_OK) {
			fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
			rc = status_exit(&err);
		}
		/* The packages: this hồ sơ's, those the documents left, and a
		 * document taken out (now a hồ sơ of its own). */
		if (!rc)
			rc = repackage(c, cat, id, agent);
		for (int i = 0; !rc && i < nrecs; i++) {
			int seen = from[i] == id;
			for (int k = 0; k < i && !seen; k++)
				seen = from[k] == from[i];
			if (!strcmp(sub, "remove")) {
				sohoa_error_clear(&err);
				if (sohoa_hoso_repackage_record(&c->conf, cat, recs[i], agent, &err)
				    != SOHOA_OK) {
					fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
					rc = EXIT_FAILURE_;
				}
			} else if (!seen && from[i]) {
				rc = repackage(c, cat, from[i], agent);
			}
		}
		if (!rc && c->json)
			printf("{\"id\": %lld, \"%s\": %d}\n", id, sub, nrecs);
		free(recs);
		free(from);
	}
	sohoa_catalog_free(cat);
	return rc;
}
