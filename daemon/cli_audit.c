/*
 * cli_audit.c - 'sohoa audit' (the fixity audit, audit.h) and 'sohoa
 * restore' (rebuilding the store from the backup copy, backup.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sohoa/audit.h"
#include "sohoa/backup.h"
#include "sohoa/json.h"
#include "sohoa/package.h"
#include "cli.h"
#include "progress.h"

static const char *
kind_vi(const char *kind)
{
	return !strcmp(kind, "mismatch") ? "SAI KHÁC" : !strcmp(kind, "missing") ? "THIẾU"
	    : !strcmp(kind, "unreachable") ? "KHÔNG TRUY CẬP ĐƯỢC" : "KHÔNG HỢP LỆ";
}

/* The progress bar (progress.h: only on a terminal). */
static void
audit_progress(void *arg, long long done, long long total, long long bytes)
{
	struct progress *p = arg;

	(void)bytes;
	progress_set_total(p, total);
	progress_update(p, done);
}

static void
restore_progress(void *arg, long long done, long long total)
{
	audit_progress(arg, done, total, 0);
}

static int
usage_audit(void)
{
	fprintf(stderr, "usage: sohoa audit [--since DATE|DURATION] [--sample N|P%%] [--seed N]"
	    " [--no-backup] [--json]\n"
	    "  --since 7d      only records not checked successfully in the last 7 days\n"
	    "                  (also 12h, 2w, 2025-07-01, 2025-07-01T08:00:00)\n"
	    "  --sample 100    a random 100 of them; --sample 5%% a random 5%%\n");
	return EXIT_USAGE;
}

int
cli_audit(struct cli *c, int argc, char **argv)
{
	sohoa_audit_options o;
	sohoa_audit_report rep;
	sohoa_catalog *cat;
	sohoa_package_schemas *sch;
	sohoa_error err;
	char since[32] = "";
	const char *since_arg = NULL;
	struct progress prog;
	sohoa_status st;
	int rc;

	memset(&o, 0, sizeof o);
	o.seed = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;
		if (!strcmp(argv[i], "--since") && v) {
			since_arg = v;
			sohoa_error_clear(&err);
			if (sohoa_audit_parse_since(v, (long long)time(NULL), since, &err) != SOHOA_OK) {
				fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
				return EXIT_USAGE;
			}
			o.since = since;
			i++;
		} else if (!strcmp(argv[i], "--sample") && v) {
			double x;
			errno = 0;
			x = strtod(v, &end);
			if (errno || end == v || x <= 0 || (*end && strcmp(end, "%"))
			    || (*end == '%' && x > 100) || (!*end && x != (double)(long long)x)) {
				fprintf(stderr, "sohoa: --sample \"%s\": viết một số (100) hoặc phần trăm"
				    " (5%%) / give a count (100) or a percentage (5%%)\n", v);
				return EXIT_USAGE;
			}
			if (*end == '%')
				o.sample_pct = x;
			else
				o.sample_n = (long long)x;
			i++;
		} else if (!strcmp(argv[i], "--seed") && v) {
			errno = 0;
			o.seed = strtoull(v, &end, 10);
			if (errno || end == v || *end)
				return usage_audit();
			i++;
		} else if (!strcmp(argv[i], "--no-backup")) {
			o.no_backup = 1;
		} else {
			return usage_audit();
		}
	}
	if (!(cat = cli_open_catalog(c)))
		return EXIT_FAILURE_;
	sohoa_error_clear(&err);
	sch = sohoa_package_schemas_open(c->conf.schema_dir, &err);
	if (!sch)
		fprintf(stderr, "sohoa: %s — các gói được kiểm tra theo lược đồ đi kèm chúng /"
		    " packages are checked against the schemas they carry\n", cli_safe(err.msg));
	o.agent = "sohoa " SOHOA_VERSION " (sohoa audit)";
	if (!c->json) {
		progress_start(&prog, "Đang kiểm tra toàn vẹn (audit)", 0);
		o.progress = audit_progress;
		o.progress_arg = &prog;
	}
	sohoa_audit_report_init(&rep);
	sohoa_error_clear(&err);
	st = sohoa_audit_run(&c->conf, cat, sch, &o, &rep, &err);
	if (!c->json)
		progress_end(&prog);
	if (c->json) {
		printf("{\"state_dir\": ");
		sohoa_json_string(stdout, c->conf.state_dir);
		printf(", \"since\": ");
		sohoa_json_string(stdout, o.since);
		printf(", \"seed\": %llu, \"records_total\": %lld, \"records_selected\": %lld,"
		    " \"records_checked\": %lld, \"records_failed\": %lld, \"files_checked\": %lld,"
		    " \"bytes\": %lld, \"seconds\": %.3f, \"backup\": ", o.seed, rep.records_total,
		    rep.records_selected, rep.records_checked, rep.records_failed, rep.files_checked,
		    rep.bytes, rep.seconds);
		if (rep.backup_configured) {
			printf("{\"dir\": ");
			sohoa_json_string(stdout, rep.backup_dir);
			printf(", \"reachable\": %s, \"records_checked\": %lld, \"pending\": %lld}",
			    rep.backup_reachable ? "true" : "false", rep.backup_records_checked,
			    rep.backup_pending);
		} else {
			printf("null");
		}
		printf(", \"ok\": %s, \"problems\": [", st == SOHOA_OK ? "true" : "false");
		for (int i = 0; i < rep.nproblems; i++) {
			const sohoa_audit_problem *p = &rep.problems[i];
			printf("%s\n  {\"record\": ", i ? "," : "");
			if (p->record_id)
				printf("%lld", (long long)p->record_id);
			else
				printf("null");
			printf(", \"file\": ");
			sohoa_json_string(stdout, p->file);
			printf(", \"kind\": ");
			sohoa_json_string(stdout, p->kind);
			printf(", \"message\": ");
			sohoa_json_string(stdout, p->msg);
			printf("}");
		}
		printf("]}\n");
	} else {
		double mb = (double)rep.bytes / 1e6;
		printf("Kiểm tra toàn vẹn (fixity audit) — %s\n", c->conf.state_dir);
		printf("  Hồ sơ đã kiểm tra (records checked): %lld", rep.records_checked);
		if (since_arg || o.sample_n || o.sample_pct)
			printf(" / chọn %lld trong %lld (selected of %lld done%s%s%s)",
			    rep.records_selected, rep.records_total, rep.records_total,
			    since_arg ? ", not checked since " : "", since_arg ? since_arg : "",
			    o.sample_n || o.sample_pct ? ", random sample" : "");
		printf("\n  Tệp băm lại (files re-hashed): %lld, %.1f MB trong %.2f s (%.0f MB/s)\n",
		    rep.files_checked, mb, rep.seconds, rep.seconds > 0 ? mb / rep.seconds : 0.0);
		if (rep.backup_configured)
			printf("  Bản sao lưu (backup) %s: %s, %lld hồ sơ kiểm tra (checked), %lld chờ"
			    " sao chép (waiting to be copied)\n", rep.backup_dir,
			    rep.backup_reachable ? "truy cập được (reachable)"
			    : "KHÔNG truy cập được (UNREACHABLE)", rep.backup_records_checked,
			    rep.backup_pending);
		if (st == SOHOA_OK) {
			printf("Kết quả: mọi tệp nguyên vẹn — every file intact\n");
		} else if (rep.nproblems) {
			printf("Kết quả: CÓ LỖI — %lld hồ sơ có tệp hỏng hoặc thiếu / %lld record(s) with"
			    " damaged or missing files\n", rep.records_failed, rep.records_failed);
			for (int i = 0; i < rep.nproblems; i++) {
				const sohoa_audit_problem *p = &rep.problems[i];
				if (p->record_id)
					printf("  #%lld ", (long long)p->record_id);
				else
					printf("  ");
				printf("%s (%s) %s\n      %s\n", kind_vi(p->kind), p->kind, cli_safe(p->file),
				    cli_safe(p->msg));
			}
			printf("Cần làm: khôi phục tệp từ bản sao lưu (sohoa restore) hoặc quét lại /"
			    " What to do: restore the files from the backup or scan again.\n");
		}
	}
	if (st != SOHOA_OK && st != SOHOA_BAD_INPUT)
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
	rc = st == SOHOA_OK ? 0 : st == SOHOA_BAD_INPUT ? EXIT_PARTIAL : EXIT_FAILURE_;
	sohoa_audit_report_release(&rep);
	sohoa_package_schemas_free(sch);
	sohoa_catalog_free(cat);
	return rc;
}

int
cli_restore(struct cli *c, int argc, char **argv)
{
	sohoa_restore_options o;
	sohoa_restore_report rep;
	sohoa_error err;
	const char *from = NULL, *to = NULL;
	char pkgdir[PATH_MAX];
	struct progress prog;
	sohoa_status st;
	int rc;

	memset(&o, 0, sizeof o);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--from") && i + 1 < argc)
			from = argv[++i];
		else if (!strcmp(argv[i], "--to") && i + 1 < argc)
			to = argv[++i];
		else if (!strcmp(argv[i], "--force"))
			o.force = 1;
		else
			from = NULL, i = argc;
	}
	if (!from || from[0] != '/' || (to && to[0] != '/')) {
		fprintf(stderr, "usage: sohoa restore --from BACKUP_DIR [--to STATE_DIR] [--force]"
		    " [--json]\n  (absolute paths; default STATE_DIR: state_dir of the"
		    " configuration)\n");
		return EXIT_USAGE;
	}
	o.from = from;
	o.state_dir = to ? to : c->conf.state_dir;
	if (to) {
		/* The package folder keeps its place relative to the state folder
		 * (<state_dir>/aip by default); one configured elsewhere cannot
		 * follow: <to>/aip. */
		size_t n = strlen(c->conf.state_dir);
		if (!strncmp(c->conf.package_dir, c->conf.state_dir, n)
		    && c->conf.package_dir[n] == '/')
			snprintf(pkgdir, sizeof pkgdir, "%s%s", to, c->conf.package_dir + n);
		else
			snprintf(pkgdir, sizeof pkgdir, "%s/aip", to);
	} else
		snprintf(pkgdir, sizeof pkgdir, "%s", c->conf.package_dir);
	o.package_dir = pkgdir;
	if (!c->json) {
		progress_start(&prog, "Đang khôi phục (restore)", 0);
		o.progress = restore_progress;
		o.progress_arg = &prog;
	}
	sohoa_restore_report_init(&rep);
	sohoa_error_clear(&err);
	st = sohoa_restore(&o, &rep, &err);
	if (!c->json)
		progress_end(&prog);
	if (st == SOHOA_RETRY) {
		fprintf(stderr, "sohoa: %s\nsohoa: sohoad đang chạy trên %s: dừng nó trước"
		    " (systemctl stop sohoad) / sohoad is running on %s: stop it first\n",
		    cli_safe(err.msg), o.state_dir, o.state_dir);
		sohoa_restore_report_release(&rep);
		return EXIT_BUSY;
	}
	if (rep.not_empty) {
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		sohoa_restore_report_release(&rep);
		return EXIT_USAGE;
	}
	if (c->json) {
		printf("{\"from\": ");
		sohoa_json_string(stdout, from);
		printf(", \"state_dir\": ");
		sohoa_json_string(stdout, o.state_dir);
		printf(", \"package_dir\": ");
		sohoa_json_string(stdout, o.package_dir);
		printf(", \"ok\": %s, \"records\": %lld, \"requeued\": %lld, \"not_in_backup\": %lld,"
		    " \"files\": %lld, \"bytes\": %lld, \"seconds\": %.3f, \"moved_aside\": ",
		    st == SOHOA_OK ? "true" : "false", rep.records, rep.requeued, rep.not_in_backup,
		    rep.files, rep.bytes, rep.seconds);
		sohoa_json_string(stdout, rep.moved_aside[0] ? rep.moved_aside : NULL);
		printf(", \"error\": ");
		sohoa_json_string(stdout, st == SOHOA_FATAL ? err.msg : NULL);
		printf(", \"problems\": [");
		for (int i = 0; i < rep.nproblems; i++) {
			printf("%s\n  {\"record\": ", i ? "," : "");
			if (rep.problems[i].record_id)
				printf("%lld", (long long)rep.problems[i].record_id);
			else
				printf("null");
			printf(", \"file\": ");
			sohoa_json_string(stdout, rep.problems[i].file);
			printf(", \"message\": ");
			sohoa_json_string(stdout, rep.problems[i].msg);
			printf("}");
		}
		printf("]}\n");
	} else if (st == SOHOA_FATAL) {
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
	} else {
		if (rep.moved_aside[0])
			printf("Dữ liệu cũ đã chuyển sang (old content moved to) %s\n", rep.moved_aside);
		printf("Khôi phục từ (restored from) %s vào (into) %s:\n", from, o.state_dir);
		printf("  %lld hồ sơ (records) với gói lưu trữ (with packages), %lld tệp (files),"
		    " %.1f MB, %.1f s — mọi tệp được băm và đối chiếu (every file hash verified)\n",
		    rep.records, rep.files, (double)rep.bytes / 1e6, rep.seconds);
		if (rep.requeued)
			printf("  %lld bản quét sẽ được nhận dạng lại khi sohoad chạy / scan(s) will be"
			    " OCRed again when sohoad starts\n", rep.requeued);
		for (int i = 0; i < rep.nproblems; i++)
			printf("  LỖI #%lld %s: %s\n", (long long)rep.problems[i].record_id,
			    cli_safe(rep.problems[i].file), cli_safe(rep.problems[i].msg));
		printf("Tiếp theo: chạy 'sohoa audit' để kiểm tra / Next: run 'sohoa audit' to"
		    " check%s\n", to ? " (with state_dir set to the restored folder)" : "");
	}
	rc = st == SOHOA_OK ? 0 : st == SOHOA_BAD_INPUT ? EXIT_PARTIAL : EXIT_FAILURE_;
	sohoa_restore_report_release(&rep);
	return rc;
}
