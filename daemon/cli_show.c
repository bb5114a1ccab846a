/*
 * cli_show.c - 'sohoa status', 'sohoa show ID' and 'sohoa retry NAME'.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pwd.h>
#include <unistd.h>

#include "sohoa/catalog_events.h"
#include "sohoa/catalog_records.h"
#include "sohoa/engine.h"
#include "sohoa/extract.h"
#include "sohoa/overview.h"
#include "sohoa/review.h"
#include "sohoa/fsutil.h"
#include "sohoa/json.h"
#include "sohoa/web.h"
#include "sohoa/runstate.h"
#include "sohoa/spool.h"
#include "sohoa/store.h"
#include "cli.h"

/* A document folder's page files (tailieu.h), as its spool envelope names
 * them: 1 and env filled when the record has several, else 0. */
static int
page_files(const struct cli *c, const char *spool_id, sohoa_envelope *env)
{
	static const sohoa_state states[] = { SOHOA_STATE_DONE, SOHOA_STATE_INCOMING,
		SOHOA_STATE_ACTIVE, SOHOA_STATE_DEFERRED, SOHOA_STATE_QUARANTINED };
	sohoa_spool *sp;
	int found = 0;

	memset(env, 0, sizeof *env);
	if (!spool_id || !(sp = sohoa_spool_open(c->conf.state_dir, NULL)))
		return 0;
	for (size_t i = 0; i < sizeof states / sizeof states[0] && !found; i++)
		if (sohoa_spool_read_envelope(sp, states[i], spool_id, env, NULL) == SOHOA_OK) {
			found = env->nparts > 0;
			if (!found)
				sohoa_envelope_release(env);
			break;
		}
	sohoa_spool_free(sp);
	return found;
}

/* "12.3 GiB", "850 MiB", or "?" when unknown. */
static const char *
human(long long b, char *buf, size_t size)
{
	if (b < 0)
		snprintf(buf, size, "?");
	else if (b >= 10LL << 30)
		snprintf(buf, size, "%.1f GiB", (double)b / (1 << 30));
	else
		snprintf(buf, size, "%lld MiB", b >> 20);
	return buf;
}

/*
 * What sohoad says of itself in <state_dir>/status (lib/runstate.c): JSON
 * "daemon": {...}, or a line for people.  A file whose writer is gone says
 * "not running".
 */
static void
print_daemon(struct cli *c)
{
	sohoa_runstate rs;
	int have = sohoa_runstate_read(c->conf.state_dir, &rs) == 0;
	int alive = have && sohoa_runstate_alive(&rs);
	const char *state = !have ? "unknown" : alive ? rs.state : "not running";
	char a[32], b[32];

	if (c->json) {
		printf("\"daemon\": {\"state\": ");
		sohoa_json_string(stdout, state);
		printf(", \"running\": %s", alive ? "true" : "false");
		if (have) {
			printf(", \"pid\": %lld, \"started\": %lld, \"updated\": %lld,"
			    " \"paused_reason\": ", rs.pid, rs.started, rs.updated);
			if (alive && rs.reason[0])
				sohoa_json_string(stdout, rs.reason);
			else
				printf("null");
			printf(", \"queued\": %lld, \"ocr\": %lld, \"waiting_in_inbox\": %lld,"
			    " \"taken\": %lld, \"quarantined\": %lld", rs.queued, rs.ocr,
			    rs.waiting, rs.taken, rs.quarantined);
		}
		printf("}, ");
		return;
	}
	if (!have) {
		printf("sohoad: chưa chạy ở đây (no status file in %s)\n", c->conf.state_dir);
		return;
	}
	if (!alive) {
		time_t t = (time_t)rs.updated;
		struct tm tm;
		char when[40] = "?";
		if (localtime_r(&t, &tm))
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
		printf("sohoad: not running — không chạy (last status %s)\n", when);
		return;
	}
	printf("sohoad: %s (pid %lld); %lld chờ OCR (queued), %lld đang OCR, %lld đang chờ trong"
	    " thư mục nhận (settling in inbox); %lld nhận từ khi khởi động (taken since start)\n",
	    rs.state, rs.pid, rs.queued, rs.ocr, rs.waiting, rs.taken);
	if (!strcmp(rs.reason, "low-disk"))
		printf("  TẠM DỪNG NHẬN TỆP: ổ đĩa sắp đầy — pickup paused: low disk"
		    " (%s free in %s, min_free_mb = %s); resumes by itself when space returns\n",
		    human(rs.free_bytes, a, sizeof a), c->conf.state_dir,
		    human(rs.min_free_bytes, b, sizeof b));
}

/* Where sohoa-web listens and the SHA-256 fingerprint of its certificate,
 * which people compare with what their browser shows the first time. */
static void
print_web(struct cli *c)
{
	char cert[4096], key[4096], fp[96] = "";
	int tls = !strcmp(c->conf.web_tls, "on");
	sohoa_error err;

	sohoa_web_cert_paths(&c->conf, cert, key, sizeof cert);
	sohoa_error_clear(&err);
	if (tls && sohoa_web_cert_fingerprint(cert, fp, &err) != SOHOA_OK)
		fp[0] = '\0';
	if (c->json) {
		printf(", \"web\": {\"listen\": ");
		sohoa_json_string(stdout, c->conf.web_listen);
		printf(", \"tls\": %s, \"certificate\": ", tls ? "true" : "false");
		sohoa_json_string(stdout, tls ? cert : NULL);
		printf(", \"sha256\": ");
		sohoa_json_string(stdout, fp[0] ? fp : NULL);
		printf("}");
	} else if (!tls) {
		printf("\nWeb (sohoa-web): http://%s (web_tls = off)\n", c->conf.web_listen);
	} else if (fp[0]) {
		printf("\nWeb (sohoa-web): https://%s\n  Chứng chỉ SHA-256 (certificate fingerprint):"
		    " %s\n", c->conf.web_listen, fp);
	} else {
		printf("\nWeb (sohoa-web): https://%s — chưa có chứng chỉ, sohoa-web tạo khi chạy lần "
		    "đầu (no certificate yet)\n", c->conf.web_listen);
	}
}

/* "2026-12-06T23:10:00Z" as the local "2026-12-06 23:10"; s itself
 * when it is not such a time. */
static const char *
local_time(const char *s, char *buf, size_t n)
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof tm);
	if (!s || !*s || !strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
		return s ? s : "";
	t = timegm(&tm);
	if (!localtime_r(&t, &tm) || !strftime(buf, n, "%Y-%m-%d %H:%M", &tm))
		return s;
	return buf;
}

int
cli_status(struct cli *c, int argc, char **argv)
{
	sohoa_catalog *cat = cli_open_catalog(c);
	sohoa_overview ov;
	char h1[32], h2[32], t1[40];
	int64_t *unpk = NULL;
	int nunpk = 0;
	sohoa_error uerr, err;

	(void)argc;
	(void)argv;
	if (!cat)
		return EXIT_FAILURE_;
	sohoa_error_clear(&err);
	if (sohoa_overview_read(cat, &c->conf, &ov, &err) != SOHOA_OK) {
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		sohoa_catalog_free(cat);
		return EXIT_FAILURE_;
	}
	/* Done but never packaged: never passed over in silence. */
	sohoa_error_clear(&uerr);
	sohoa_catalog_unpackaged(cat, NULL, 300, &unpk, &nunpk, &uerr);
	if (c->json) {
		printf("{");
		print_daemon(c);
		printf("\"states\": {");
		for (int i = 0; i < SOHOA_OVERVIEW_STATES; i++)
			printf("%s\"%s\": %lld", i ? ", " : "",
			    sohoa_state_name(SOHOA_OVERVIEW_STATE(i)), ov.states[i]);
		printf("}, \"records\": %lld, \"queue\": %lld, \"queue_age_seconds\": %lld,"
		    " \"pages_per_minute_last_hour\": %.1f, \"needs_review\": %lld,"
		    " \"quarantined\": %lld, \"disk_free_bytes\": %lld,"
		    " \"inbox_free_bytes\": %lld, \"min_free_bytes\": %lld, ",
		    ov.total, ov.queue, ov.queue_age_s, ov.pages_per_minute, ov.needs_review,
		    ov.quarantined, ov.disk_free, ov.inbox_free, ov.min_free);
		printf("\"last_export\": ");
		if (ov.have_export) {
			printf("{\"month\": ");
			sohoa_json_string(stdout, ov.export_month);
			printf(", \"file\": ");
			sohoa_json_string(stdout, ov.export_file);
			printf(", \"created\": ");
			sohoa_json_string(stdout, ov.export_created);
			printf(", \"exported\": ");
			sohoa_json_string(stdout, ov.export_done[0] ? ov.export_done : NULL);
			printf(", \"upload_error\": ");
			sohoa_json_string(stdout, ov.export_error[0] ? ov.export_error : NULL);
			printf("}");
		} else {
			printf("null");
		}
		printf(", \"last_audit\": ");
		sohoa_json_string(stdout, ov.audit_at[0] ? ov.audit_at : NULL);
		printf(", \"audit_checked\": %lld, \"audit_failing\": %lld, ", ov.audit_checked,
		    ov.audit_failing);
		printf("\"unpackaged\": [");
		for (int k = 0; k < nunpk; k++)
			printf("%s%lld", k ? ", " : "", (long long)unpk[k]);
		printf("], \"recent_errors\": [");
		for (int k = 0; k < ov.nerrors; k++) {
			printf("%s{\"at\": ", k ? ", " : "");
			sohoa_json_string(stdout, ov.errors[k].at);
			printf(", \"record\": %lld, \"name\": ", (long long)ov.errors[k].record);
			sohoa_json_string(stdout, ov.errors[k].name[0] ? ov.errors[k].name : NULL);
			printf(", \"event\": ");
			sohoa_json_string(stdout, ov.errors[k].type);
			printf(", \"detail\": ");
			sohoa_json_string(stdout, ov.errors[k].detail[0] ? ov.errors[k].detail : NULL);
			printf("}");
		}
		printf("]");
	} else {
		printf("sohoa %s — %s\n", SOHOA_VERSION, c->conf.state_dir);
		print_daemon(c);
		printf("\n");
		printf("Tài liệu theo trạng thái (documents by state):\n");
		for (int i = 0; i < SOHOA_OVERVIEW_STATES; i++)
			printf("  %-12s %8lld  %s\n", sohoa_state_name(SOHOA_OVERVIEW_STATE(i)),
			    ov.states[i], sohoa_state_label(SOHOA_OVERVIEW_STATE(i)));
		printf("  %-12s %8lld  %s\n", "total", ov.total, "tổng");
		printf("\nHàng đợi (queue): %lld, chờ lâu nhất %lld s    Tốc độ giờ qua: %.1f trang/phút\n",
		    ov.queue, ov.queue_age_s, ov.pages_per_minute);
		printf("Cần xem lại (needs review: sohoa review): %lld    Cách ly (quarantined): %lld\n",
		    ov.needs_review, ov.quarantined);
		if (nunpk) {
			printf("CHƯA CÓ GÓI LƯU TRỮ (done, no archival package): %d tài liệu —", nunpk);
			for (int k = 0; k < nunpk && k < 20; k++)
				printf(" %lld", (long long)unpk[k]);
			printf("%s\n", nunpk > 20 ? " ..." : "");
		}
		printf("Dung lượng trống (free): %s in %s, %s in the inbox %s (min_free_mb %lld)%s\n",
		    human(ov.disk_free, h1, sizeof h1), c->conf.state_dir,
		    human(ov.inbox_free, h2, sizeof h2), c->conf.inbox, c->conf.min_free_mb,
		    ov.disk_free >= 0 && ov.disk_free < ov.min_free ? " — THẤP (low)" : "");
		if (ov.have_export)
			printf("Lần xuất gần nhất (last export): tháng %s, %s, %s%s%s\n",
			    cli_safe(ov.export_month), cli_safe(ov.export_file),
			    local_time(ov.export_created, t1, sizeof t1),
			    ov.export_done[0] ? "" : " — chưa xong (not done)",
			    ov.export_error[0] ? " — lỗi tải lên (upload failed)" : "");
		else
			printf("Lần xuất gần nhất (last export): chưa có (none yet)\n");
		if (ov.audit_at[0])
			printf("Kiểm tra toàn vẹn gần nhất (last fixity audit): %s; %lld tài liệu đã "
			    "kiểm, %lld lỗi (checked, failing)\n", local_time(ov.audit_at, t1, sizeof t1),
			    ov.audit_checked, ov.audit_failing);
		else
			printf("Kiểm tra toàn vẹn gần nhất (last fixity audit): chưa có (never)\n");
		printf("\nLỗi gần đây (recent errors):\n");
		for (int k = 0; k < ov.nerrors; k++)
			printf("  %s  #%lld %s: %s — %s\n", cli_safe(ov.errors[k].at),
			    (long long)ov.errors[k].record, cli_safe(ov.errors[k].name),
			    cli_safe(ov.errors[k].type), cli_safe(ov.errors[k].detail));
		if (!ov.nerrors)
			printf("  (không có — none)\n");
	}
	print_web(c);
	if (c->json)
		printf("}\n");
	free(unpk);
	sohoa_catalog_free(cat);
	return 0;
}

/* What "sohoa show" prints of each field, page and event of a record. */
struct show {
	struct cli *c;
	int k;
};

static int
show_field(void *ctx, const sohoa_field_row *f)
{
	struct show *sh = ctx;

	if (sh->c->json) {
		printf("%s", sh->k ? ", " : "");
		sohoa_json_string(stdout, f->name);
		printf(": {\"value\": ");
		sohoa_json_string(stdout, f->value);
		printf(", \"source\": ");
		sohoa_json_string(stdout, f->source);
		printf(", \"confidence\": %.2f}", f->confidence);
	} else {
		if (!sh->k)
			printf("\nTrường thông tin (fields):\n");
		/* A value of several lines (nơi nhận) stays in its column. */
		printf("  %-16s ", cli_safe(f->name));
		for (const char *v = cli_safe_text(f->value); v && *v; v++) {
			putchar(*v);
			if (*v == '\n')
				printf("  %-16s ", "");
		}
		printf("  [%s %.2f]\n", cli_safe(f->source), f->confidence);
	}
	sh->k++;
	return 0;
}

static int
show_page(void *ctx, const sohoa_page_row *p)
{
	struct show *sh = ctx;

	if (sh->c->json) {
		printf("%s{\"page\": %d, \"status\": ", sh->k ? ", " : "", p->page_no);
		sohoa_json_string(stdout, p->status);
		if (p->has_confidence)
			printf(", \"confidence\": %.1f", p->confidence);
		else
			printf(", \"confidence\": null");
		printf(", \"width\": %d, \"height\": %d, \"dpi\": %d, \"rotation\": %d,"
		    " \"skew\": %.2f, \"text\": ", p->width, p->height, p->dpi, p->rotation, p->skew);
		sohoa_json_string(stdout, p->text);
		printf("}");
	} else {
		printf("\n--- Trang %d (page) — độ tin cậy %.0f, %s ---\n%s", p->page_no,
		    p->confidence, cli_safe(p->status), cli_safe_text(p->text));
	}
	sh->k++;
	return 0;
}

static int
show_event(void *ctx, const sohoa_event_row *e)
{
	struct show *sh = ctx;

	if (sh->c->json) {
		const char *const ek[] = { "at", "type", "outcome", "agent", "detail" };
		const char *const ev[] = { e->at, e->type, e->outcome, e->agent, e->detail };
		printf("%s{", sh->k ? ", " : "");
		for (int i = 0; i < 5; i++) {
			printf("%s\"%s\": ", i ? ", " : "", ek[i]);
			sohoa_json_string(stdout, ev[i]);
		}
		printf("}");
	} else {
		printf("  %s  %-28s %-8s %s\n", cli_safe(e->at), cli_safe(e->type),
		    cli_safe(e->outcome), e->detail ? cli_safe(e->detail) : "");
	}
	sh->k++;
	return 0;
}

int
cli_show(struct cli *c, int argc, char **argv)
{
	sohoa_catalog *cat;
	sohoa_record_row row;
	sohoa_error err;
	struct show sh;
	sohoa_envelope env;
	char *end;
	long long id;
	int rc = 0, package_only = 0;
	char pkgbuf[4096];
	const char *pkg = NULL;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--package")) {
			package_only = 1;
			memmove(&argv[i], &argv[i + 1], (size_t)(argc - i) * sizeof *argv);
			argc--;
			i--;
		}
	if (argc != 2) {
		fprintf(stderr, "usage: sohoa show [--json] [--package] ID\n");
		return EXIT_USAGE;
	}
	id = strtoll(argv[1], &end, 10);
	if (*end || id <= 0) {
		fprintf(stderr, "sohoa: '%s' is not a record id\n", argv[1]);
		return EXIT_USAGE;
	}
	if (!(cat = cli_open_catalog(c)))
		return EXIT_FAILURE_;
	sohoa_error_clear(&err);
	if (sohoa_catalog_record_get(cat, id, &row, &err) != SOHOA_OK) {
		if (err.status == SOHOA_BAD_INPUT)
			fprintf(stderr, "sohoa: không có tài liệu số %lld — no record %lld\n", id, id);
		else
			fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		sohoa_record_row_release(&row);
		sohoa_catalog_free(cat);
		return err.status == SOHOA_BAD_INPUT ? EXIT_NOTFOUND : EXIT_FAILURE_;
	}
	/* The catalog keeps the package folder's name (store.h). */
	if (row.package_path && sohoa_store_package_path(&c->conf, row.package_path, pkgbuf,
	    sizeof pkgbuf) == 0)
		pkg = pkgbuf;
	if (package_only) {
		int has = pkg != NULL;
		if (c->json) {
			printf("{\"id\": %lld, \"package\": ", id);
			sohoa_json_string(stdout, pkg);
			printf("}\n");
		} else if (has) {
			printf("%s\n", cli_safe(pkg));
		} else {
			fprintf(stderr, "sohoa: tài liệu số %lld chưa có gói lưu trữ — no package yet\n", id);
		}
		sohoa_record_row_release(&row);
		sohoa_catalog_free(cat);
		return has ? 0 : EXIT_NOTFOUND;
	}
	if (c->json) {
		const char *const keys[] = { "state", "name", "origin", "hash",
			"created_at", "updated_at", "last_error", "reason",
			"quarantine_name", "spool_id", "doc_id" };
		const char *const vals[] = { sohoa_state_name(row.state), row.name, row.origin, row.hash,
			row.created_at, row.updated_at, row.last_error, row.reason,
			row.quarantine_name, row.spool_id, row.doc_id };
		printf("{\"id\": %lld", id);
		if (row.probable_duplicate_of)
			printf(", \"probable_duplicate_of\": %lld", (long long)row.probable_duplicate_of);
		else
			printf(", \"probable_duplicate_of\": null");
		for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
			printf(", \"%s\": ", keys[i]);
			sohoa_json_string(stdout, vals[i]);
		}
		printf(", \"package\": ");
		sohoa_json_string(stdout, pkg);
		printf(", \"size\": %lld, \"attempts\": %d", row.size, row.attempts);
		if (row.duplicate_of)
			printf(", \"duplicate_of\": %lld", (long long)row.duplicate_of);
		else
			printf(", \"duplicate_of\": null");
		printf(", \"page_count\": %d", row.page_count);
		printf(", \"page_files\": ");
		if (page_files(c, row.spool_id, &env)) {
			for (int i = 0; i < env.nparts; i++) {
				char *name = sohoa_text_from_bytes(env.part_names[i],
				    strlen(env.part_names[i]));
				printf("%s", i ? ", " : "[");
				sohoa_json_string(stdout, name ? name : "");
				free(name);
			}
			printf("]");
			sohoa_envelope_release(&env);
		} else {
			printf("null");
		}
		if (row.has_confidence)
			printf(", \"mean_confidence\": %.2f", row.mean_confidence);
		else
			printf(", \"mean_confidence\": null");
	} else {
		printf("Tài liệu số %lld (document)\n", id);
		printf("  Tệp (file):            %s\n", cli_safe(row.name));
		printf("  Thư mục (folder):      %s\n", *row.origin ? cli_safe(row.origin) : "-");
		if (page_files(c, row.spool_id, &env)) {
			printf("  Tệp trang (page files): %d:", env.nparts);
			for (int i = 0; i < env.nparts; i++) {
				char *name = sohoa_text_from_bytes(env.part_names[i],
				    strlen(env.part_names[i]));
				printf("%s %s", i ? "," : "", name ? cli_safe(name) : "?");
				free(name);
			}
			printf("\n");
			sohoa_envelope_release(&env);
		}
		printf("  Trạng thái (state):    %s\n", cli_safe(sohoa_state_name(row.state)));
		printf("  Mã băm (hash):         %s\n", row.hash ? cli_safe(row.hash) : "-");
		printf("  Kích thước (size):     %lld bytes\n", row.size);
		printf("  Tiếp nhận (received):  %s\n", row.created_at);
		printf("  Cập nhật (updated):    %s\n", row.updated_at);
		if (row.has_confidence)
			printf("  Số trang (pages):      %d, độ tin cậy trung bình %.1f\n",
			    row.page_count, row.mean_confidence);
		if (row.reason)
			printf("  Lý do cách ly:         %s\n  Quarantine reason:     %s\n"
			    "  Trong thư mục cách ly: %s\n",
			    sohoa_reason_vi(sohoa_reason_from_key(row.reason)),
			    sohoa_reason_en(sohoa_reason_from_key(row.reason)),
			    row.quarantine_name ? cli_safe(row.quarantine_name) : "-");
		if (row.duplicate_of)
			printf("  Trùng với (same as):   tài liệu số %lld\n", (long long)row.duplicate_of);
		if (row.last_error)
			printf("  Lỗi gần nhất (error):  %s\n", cli_safe(row.last_error));
		if (row.doc_id)
			printf("  Mã định danh (docId):  %s\n", cli_safe(row.doc_id));
		if (pkg)
			printf("  Gói lưu trữ (package): %s\n", cli_safe(pkg));
		if (row.probable_duplicate_of)
			printf("  Có thể trùng với:      tài liệu số %lld (cùng cơ quan, năm, số và ký hiệu)\n",
			    (long long)row.probable_duplicate_of);
	}
	sohoa_record_row_release(&row);

	/* The document's fields, keyed by their TT 05 names. */
	sh.c = c;
	sh.k = 0;
	if (c->json)
		printf(", \"fields\": {");
	sohoa_error_clear(&err);
	sohoa_catalog_fields_each(cat, id, show_field, &sh, &err);
	if (c->json)
		printf("}");

	if (c->json)
		printf(", \"pages\": [");
	sh.k = 0;
	sohoa_error_clear(&err);
	sohoa_catalog_pages_each(cat, id, show_page, &sh, &err);
	if (c->json)
		printf("], \"events\": [");
	else
		printf("\nSự kiện (events):\n");
	sh.k = 0;
	sohoa_error_clear(&err);
	sohoa_catalog_record_events_each(cat, id, show_event, &sh, &err);
	if (c->json)
		printf("]}\n");
	sohoa_catalog_free(cat);
	return rc;
}

int
cli_retry(struct cli *c, int argc, char **argv)
{
	sohoa_catalog *cat;
	sohoa_error err;
	char dest[4096];
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: sohoa retry NAME...\n");
		return EXIT_USAGE;
	}
	if (!(cat = cli_open_catalog(c)))
		return EXIT_FAILURE_;
	for (int i = 1; i < argc; i++) {
		sohoa_error_clear(&err);
		if (sohoa_quarantine_retry(&c->conf, cat, argv[i], dest, sizeof dest, &err)
		    != SOHOA_OK) {
			fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
			rc = err.status == SOHOA_BAD_INPUT ? EXIT_NOTFOUND : EXIT_FAILURE_;
			continue;
		}
		if (c->json) {
			printf("{\"name\": ");
			sohoa_json_string(stdout, argv[i]);
			printf(", \"returned_to\": ");
			sohoa_json_string(stdout, dest);
			printf("}\n");
		} else {
			printf("Đã trả lại thư mục nhận (returned to the inbox): %s\n", cli_safe(dest));
		}
	}
	sohoa_catalog_free(cat);
	return rc;
}

struct review_list {
	struct cli *c;
	int k;
};

static int
review_line(void *arg, const sohoa_review_item *it)
{
	struct review_list *l = arg;
	struct cli *c = l->c;

	if (c->json) {
		printf("%s{\"id\": %lld, \"name\": ", l->k++ ? ", " : "", (long long)it->id);
		sohoa_json_string(stdout, it->name);
		printf(", \"origin\": ");
		sohoa_json_string(stdout, it->origin);
		printf(", \"created\": ");
		sohoa_json_string(stdout, it->created_at);
		printf(", \"subject\": ");
		sohoa_json_string(stdout, it->subject);
		printf(", \"pages\": %d, \"confidence\": %.1f, \"min_page_confidence\": %.1f,"
		    " \"low_ocr\": %s, \"unsure_fields\": %d}", it->pages, it->confidence,
		    it->min_page, it->low_ocr ? "true" : "false", it->unsure_fields);
	} else {
		printf("  %-6lld %s%s%s — %d trang, độ tin cậy %.0f (trang thấp nhất %.0f)",
		    (long long)it->id, cli_safe(it->origin), *it->origin ? "/" : "",
		    cli_safe(it->name), it->pages, it->confidence, it->min_page);
		if (it->unsure_fields)
			printf(", %d trường chưa chắc (unsure fields)", it->unsure_fields);
		printf("\n");
	}
	return 0;
}

static void
agent_of_user(char *buf, size_t n, const char *cmd)
{
	struct passwd *pw = getpwuid(getuid());
	snprintf(buf, n, "sohoa %s (sohoa %s, user %s)", SOHOA_VERSION, cmd,
	    pw ? pw->pw_name : "?");
}

int
cli_review(struct cli *c, int argc, char **argv)
{
	sohoa_catalog *cat;
	sohoa_error err;
	long long n = 0;
	struct review_list l = { c, 0 };

	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: sohoa review — danh sách cần soát (the review queue); "
		    "đánh dấu đã soát: sohoa reviewed ID...\n");
		return EXIT_USAGE;
	}
	if (!(cat = cli_open_catalog(c)))
		return EXIT_FAILURE_;
	sohoa_error_clear(&err);
	sohoa_review_count(cat, c->conf.review_threshold, &n, &err);
	if (c->json)
		printf("{\"threshold\": %lld, \"field_threshold\": %.2f, \"records\": [",
		    c->conf.review_threshold, SOHOA_EXTRACT_REVIEW);
	else
		printf("Tài liệu cần soát (độ tin cậy OCR dưới %lld, hoặc trường đọc chưa chắc), "
		    "cũ nhất trước:\n", c->conf.review_threshold);
	if (sohoa_review_each(cat, c->conf.review_threshold, 0, review_line, &l, &err) != SOHOA_OK) {
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		sohoa_catalog_free(cat);
		return EXIT_FAILURE_;
	}
	if (c->json)
		printf("]}\n");
	else if (!n)
		printf("  (không có — none)\n");
	sohoa_catalog_free(cat);
	return 0;
}

int
cli_reviewed(struct cli *c, int argc, char **argv)
{
	sohoa_catalog *cat;
	sohoa_error err;
	char agent[160];
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: sohoa reviewed ID... — đánh dấu đã soát (mark reviewed)\n");
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		char *end;
		long long id = strtoll(argv[i], &end, 10);
		if (*end || id <= 0) {
			fprintf(stderr, "sohoa: số tài liệu không hợp lệ — not a document id: %s\n",
			    cli_safe(argv[i]));
			return EXIT_USAGE;
		}
	}
	if (!(cat = cli_open_catalog(c)))
		return EXIT_FAILURE_;
	agent_of_user(agent, sizeof agent, "reviewed");
	if (c->json)
		printf("{\"reviewed\": [");
	for (int i = 1; i < argc; i++) {
		long long id = strtoll(argv[i], NULL, 10);
		int already = 0;
		sohoa_error_clear(&err);
		if (sohoa_review_mark(cat, id, agent, &already, &err) != SOHOA_OK) {
			fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
			rc = EXIT_FAILURE_;
			continue;
		}
		if (c->json)
			printf("%s{\"id\": %lld, \"already\": %s}", i > 1 ? ", " : "", id,
			    already ? "true" : "false");
		else if (already)
			printf("Tài liệu %lld đã được soát trước đó (already reviewed)\n", id);
		else
			printf("Đã soát tài liệu %lld (marked reviewed): ra khỏi danh sách cần soát\n",
			    id);
	}
	if (c->json)
		printf("]}\n");
	sohoa_catalog_free(cat);
	return rc;
}
