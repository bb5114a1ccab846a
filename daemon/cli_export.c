/*
 * cli_export.c - 'sohoa export --month YYYY-MM|last' (the monthly signed
 * bundle, export.h), 'sohoa exports' (the ledger) and 'sohoa verify BUNDLE'
 * (a bundle checked without the catalog).
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "sohoa/catalog_exports.h"
#include "sohoa/export.h"
#include "sohoa/json.h"
#include "sohoa/sign.h"
#include "sohoa/store.h"
#include "cli.h"
#include "progress.h"

static void
export_usage(void)
{
	fprintf(stderr, "usage: sohoa export --month YYYY-MM|last [--force] [--skip-unpackaged]"
	    " [--outbox DIR]\n"
	    "  --month last   the calendar month before this one (giờ Việt Nam, +07:00)\n"
	    "  --force        export again a month already exported, or the open month\n"
	    "                 (one not ended yet: its bundle is not the month's last word)\n"
	    "  --skip-unpackaged  go on without the month's documents that have no package\n"
	    "                 (listed); without it such a document stops the export\n"
	    "  --outbox DIR   write the bundle there instead of the configured outbox\n");
}

static void
json_str_or_null(const char *s)
{
	if (s && *s)
		sohoa_json_string(stdout, s);
	else
		printf("null");
}

/* One SIP more written: the progress line on a terminal. */
static void
export_progress(void *arg, int done, int total)
{
	struct progress *bar = arg;

	progress_set_total(bar, total);
	progress_update(bar, done);
}

int
cli_export(struct cli *c, int argc, char **argv)
{
	const char *month_arg = NULL, *outbox = NULL;
	int force = 0, skip = 0, rc = 0;
	char month[8], agent[160];
	sohoa_error err;
	sohoa_catalog *cat = NULL;
	sohoa_package_schemas *sch = NULL;
	sohoa_signer *signer = NULL;
	sohoa_export_opts o;
	sohoa_export_result r;
	sohoa_status st;
	struct passwd *pw;
	struct progress bar;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--month") && i + 1 < argc)
			month_arg = argv[++i];
		else if (!strncmp(argv[i], "--month=", 8))
			month_arg = argv[i] + 8;
		else if (!strcmp(argv[i], "--outbox") && i + 1 < argc)
			outbox = argv[++i];
		else if (!strcmp(argv[i], "--force"))
			force = 1;
		else if (!strcmp(argv[i], "--skip-unpackaged"))
			skip = 1;
		else {
			export_usage();
			return EXIT_USAGE;
		}
	}
	if (!month_arg) {
		export_usage();
		return EXIT_USAGE;
	}
	sohoa_error_clear(&err);
	if (sohoa_export_parse_month(month_arg, sohoa_export_clock(), month, &err) != SOHOA_OK) {
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		return EXIT_USAGE;
	}
	if (outbox && outbox[0] != '/') {
		fprintf(stderr, "sohoa: --outbox cần đường dẫn tuyệt đối — --outbox must be an"
		    " absolute path\n");
		return EXIT_USAGE;
	}
	/* A bundle goes out signed or not at all. */
	if (!sohoa_signer_configured(&c->conf)) {
		fprintf(stderr, "sohoa: chưa cấu hình khóa ký số (sign_key), không xuất gói chưa ký —"
		    " signing is not configured (sign_key in %s); an unsigned bundle is never"
		    " written\n", c->conf_path);
		return EXIT_CONFIG;
	}
	if (!c->conf.agency_name[0] || !c->conf.agency_code[0]) {
		fprintf(stderr, "sohoa: cần agency_name và agency_code trong %s để xuất —"
		    " agency_name and agency_code must be configured\n", c->conf_path);
		return EXIT_CONFIG;
	}
	if (!(sch = sohoa_package_schemas_open(c->conf.schema_dir, &err))) {
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		return EXIT_CONFIG;
	}
	if (!(signer = sohoa_signer_open(&c->conf, &err))) {
		fprintf(stderr, "sohoa: không mở được khóa ký số — cannot open the signing key: %s\n",
		    cli_safe(err.msg));
		sohoa_package_schemas_free(sch);
		return EXIT_CONFIG;
	}
	if (!(cat = cli_open_catalog(c))) {
		sohoa_signer_free(signer);
		sohoa_package_schemas_free(sch);
		return EXIT_FAILURE_;
	}
	/* Zip entries carry DOS times, which are local: the same bundle bytes
	 * on every machine need one time zone.  (Month bounds are computed in
	 * +07:00 regardless.) */
	setenv("TZ", "UTC0", 1);
	tzset();
	pw = getpwuid(getuid());
	snprintf(agent, sizeof agent, "sohoa %s (sohoa export, user %s)", SOHOA_VERSION,
	    pw ? pw->pw_name : "?");
	memset(&o, 0, sizeof o);
	o.month = month;
	o.outbox = outbox;
	o.force = force;
	o.skip_unpackaged = skip;
	o.agent = agent;
	o.progress = export_progress;
	o.progress_arg = &bar;
	progress_start(&bar, "Đang đóng gói (export)", 0);
	st = sohoa_export_run(&c->conf, cat, signer, sch, &o, &r, &err);
	progress_end(&bar);
	if (c->json) {
		printf("{\"month\": \"%s\", \"ok\": %s, \"already_exported\": %s, \"empty\": %s",
		    month, st == SOHOA_OK ? "true" : "false", r.already ? "true" : "false",
		    r.empty ? "true" : "false");
		if (r.bundle_id) {
			printf(", \"bundle\": ");
			sohoa_json_string(stdout, r.path);
			printf(", \"signature\": ");
			sohoa_json_string(stdout, r.p7s);
			printf(", \"bundle_sha256\": \"%s\", \"signature_sha256\": \"%s\", \"size\": %lld,"
			    " \"records\": %d, \"sips\": %d", r.bundle_hash, r.p7s_hash, r.size,
			    r.records, r.sips);
		}
		printf(", \"unpackaged\": %d, \"unpackaged_ids\": \"%s\"", r.unpackaged,
		    r.unpackaged_ids);
		printf(", \"pdfs_signed\": %d, \"uploaded\": %s, \"exported\": %s, \"seconds\": %.3f,"
		    " \"error\": ", r.pdfs_signed, r.uploaded == 1 ? "true" : r.uploaded == -1
		    ? "false" : "null", st == SOHOA_OK && r.bundle_id ? "true" : "false", r.seconds);
		json_str_or_null(st == SOHOA_OK ? NULL : err.msg);
		printf("}\n");
	}
	if (st != SOHOA_OK) {
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		rc = r.open_month ? EXIT_USAGE : r.uploaded == -1 ? EXIT_PARTIAL : err.status == SOHOA_RETRY && !r.bundle_id
		    && strstr(err.msg, "another export") ? EXIT_BUSY : EXIT_FAILURE_;
	} else if (!c->json) {
		if (r.already)
			printf("Tháng %s đã được xuất rồi (already exported); dùng --force để xuất lại.\n",
			    month);
		else if (r.empty)
			printf("Tháng %s: không có tài liệu nào cần xuất (nothing to export).\n", month);
		else {
			printf("Đã xuất tháng %s (exported): %d tài liệu trong %d gói SIP (documents in"
			    " SIPs)%s\n", month, r.records, r.sips, r.pdfs_signed ? "" : ".");
			if (r.pdfs_signed)
				printf("  đã ký số %d PDF trước khi xuất (PDFs signed first)\n",
				    r.pdfs_signed);
			printf("  gói (bundle):   %s  %lld byte\n  SHA-256:        %s\n"
			    "  chữ ký (CMS):   %s\n", r.path, r.size, r.bundle_hash + 7, r.p7s);
			if (r.uploaded == 1)
				printf("  đã gửi (uploaded) bằng upload_command\n");
			printf("  thời gian (time): %.1f s\n", r.seconds);
		}
		if (r.unpackaged)
			printf("  KHÔNG XUẤT %d tài liệu chưa có gói lưu trữ (left out, no package): %s\n",
			    r.unpackaged, r.unpackaged_ids);
	}
	sohoa_catalog_free(cat);
	sohoa_signer_free(signer);
	sohoa_package_schemas_free(sch);
	return rc;
}

/* One line (or JSON object) of "sohoa exports" per bundle. */
struct exports {
	struct cli *c;
	int k;
};

static int
print_bundle(void *ctx, const sohoa_bundle_row *b)
{
	struct exports *x = ctx;
	struct cli *c = x->c;
	char where[4096];

	if (c->json) {
		printf("%s{\"id\": %lld, \"month\": ", x->k ? ", " : "", (long long)b->id);
		sohoa_json_string(stdout, b->month);
		printf(", \"file\": ");
		sohoa_json_string(stdout, b->file_name);
		printf(", \"outbox\": ");
		sohoa_json_string(stdout, sohoa_store_resolve(&c->conf, b->path, where,
		    sizeof where) == 0 ? where : b->path);
		printf(", \"bundle_sha256\": ");
		sohoa_json_string(stdout, b->bundle_hash);
		printf(", \"signature_sha256\": ");
		sohoa_json_string(stdout, b->p7s_hash);
		printf(", \"size\": %lld, \"sips\": %lld, \"records\": %lld, \"signer\": ",
		    b->size, b->sips, b->records);
		json_str_or_null(b->signer);
		printf(", \"created\": ");
		sohoa_json_string(stdout, b->created_at);
		printf(", \"uploaded\": ");
		json_str_or_null(b->uploaded_at);
		printf(", \"upload_error\": ");
		json_str_or_null(b->upload_error);
		printf(", \"exported\": ");
		json_str_or_null(b->exported_at);
		printf("}");
	} else {
		printf("%-4lld %-8s %-40s %8lld %6lld %-24s %s\n", (long long)b->id,
		    cli_safe(b->month), cli_safe(b->file_name), b->records, b->sips,
		    b->exported_at ? cli_safe(b->exported_at) : "CHƯA (not exported)",
		    b->uploaded_at ? cli_safe(b->uploaded_at)
		    : b->upload_error ? cli_safe(b->upload_error) : "-");
	}
	x->k++;
	return 0;
}

int
cli_exports(struct cli *c, int argc, char **argv)
{
	sohoa_catalog *cat;
	sohoa_error err;
	struct exports x = { c, 0 };
	int rc = 0;

	if (argc > 1) {
		fprintf(stderr, "usage: sohoa exports [--json]\n");
		return EXIT_USAGE;
	}
	if (!(cat = cli_open_catalog(c)))
		return EXIT_FAILURE_;
	if (c->json)
		printf("{\"bundles\": [");
	else
		printf("%-4s %-8s %-40s %8s %6s %-24s %s\n", "id", "tháng", "gói (bundle)",
		    "tài liệu", "SIP", "xuất lúc (exported)", "gửi (upload)");
	sohoa_error_clear(&err);
	if (sohoa_catalog_bundles_each(cat, print_bundle, &x, &err) != SOHOA_OK) {
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		rc = EXIT_FAILURE_;
	}
	if (c->json)
		printf("]}\n");
	else if (!x.k)
		printf("(chưa xuất gói nào — no bundle yet)\n");
	sohoa_catalog_free(cat);
	return rc;
}

/* sohoa verify FILE.pdf: its signatures, timestamps and long-term
 * validation data (PAdES), from what is inside the PDF only. */
static int
verify_pdf(struct cli *c, const char *pdf, const char *ca)
{
	sohoa_pdf_check chk;
	sohoa_error err;
	sohoa_status st;
	const char *rev;

	sohoa_error_clear(&err);
	st = sohoa_verify_pdf_ex(pdf, ca, &chk, &err);
	if (st != SOHOA_OK && st != SOHOA_BAD_INPUT) {
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		return EXIT_FAILURE_;
	}
	rev = !ca ? "not checked" : chk.revocation == 1 ? "good"
	    : chk.revocation == 2 ? "revoked after signing" : "none";
	if (c->json) {
		printf("{\"pdf\": ");
		sohoa_json_string(stdout, pdf);
		printf(", \"valid\": %s, \"chain_checked\": %s, \"signatures\": %d,"
		    " \"doc_timestamps\": %d, \"signer\": ", st == SOHOA_OK ? "true" : "false",
		    ca ? "true" : "false", chk.signatures, chk.doc_timestamps);
		json_str_or_null(chk.signer[0] ? chk.signer : NULL);
		printf(", \"timestamp\": ");
		json_str_or_null(chk.timestamp[0] ? chk.timestamp : NULL);
		printf(", \"judged_at_timestamp\": %s, \"doc_timestamp\": ",
		    chk.judged_at_timestamp ? "true" : "false");
		json_str_or_null(chk.doc_timestamp[0] ? chk.doc_timestamp : NULL);
		printf(", \"doc_timestamp_trusted\": %s", chk.doc_timestamp_trusted ? "true" : "false");
		printf(", \"dss\": {\"certs\": %d, \"ocsps\": %d, \"crls\": %d},"
		    " \"revocation\": \"%s\", \"revocation_source\": ", chk.dss_certs,
		    chk.dss_ocsps, chk.dss_crls, rev);
		json_str_or_null(chk.revocation_src[0] ? chk.revocation_src : NULL);
		printf(", \"revoked_at\": ");
		json_str_or_null(chk.revoked_at[0] ? chk.revoked_at : NULL);
		printf(", \"level\": ");
		json_str_or_null(chk.level[0] ? chk.level : NULL);
		printf(", \"error\": ");
		json_str_or_null(st == SOHOA_OK ? NULL : err.msg);
		printf("}\n");
		return st == SOHOA_OK ? 0 : EXIT_PARTIAL;
	}
	printf("Kiểm tra PDF (verify PDF): %s\n", cli_safe(pdf));
	if (st != SOHOA_OK) {
		printf("  Chữ ký (signature): KHÔNG HỢP LỆ (INVALID): %s\n", cli_safe(err.msg));
	} else {
		printf("  Chữ ký (signatures):      %d hợp lệ (valid) — %s%s\n", chk.signatures,
		    cli_safe(chk.signer), ca ? "; chuỗi chứng thư tin cậy (chain trusted to --ca)"
		    : "; chưa kiểm tra chuỗi chứng thư (chain not checked: no --ca)");
		if (chk.timestamp[0])
			printf("  Dấu thời gian chữ ký (signature timestamp): %s%s\n", chk.timestamp,
			    chk.judged_at_timestamp ? " — chứng thư được xét tại thời điểm này"
			    " (certificates judged at this time)" : "");
		else
			printf("  Dấu thời gian chữ ký (signature timestamp): không có (none)\n");
		if (chk.doc_timestamp[0])
			printf("  Dấu thời gian tài liệu (document timestamp): %s (%d)%s\n",
			    chk.doc_timestamp, chk.doc_timestamps, !ca ? ""
			    : chk.doc_timestamp_trusted ? "" : " — nơi cấp dấu thời gian không có"
			    " trong --ca (TSA not trusted by --ca)");
		if (chk.dss_certs + chk.dss_ocsps + chk.dss_crls > 0)
			printf("  Dữ liệu kiểm tra lâu dài (LT data, DSS): có (present) — %d chứng thư"
			    " (certificates), %d OCSP, %d CRL\n", chk.dss_certs, chk.dss_ocsps,
			    chk.dss_crls);
		else
			printf("  Dữ liệu kiểm tra lâu dài (LT data, DSS): không có (none) — khi chứng"
			    " thư hết hạn sẽ không kiểm tra được (cannot be checked once the"
			    " certificate expires)\n");
		if (!ca)
			printf("  Tình trạng thu hồi (revocation): chưa kiểm tra (not checked: no --ca)\n");
		else if (chk.revocation == 1)
			printf("  Tình trạng thu hồi (revocation): tốt (good, %s trong PDF / in the"
			    " PDF)\n", chk.revocation_src);
		else if (chk.revocation == 2)
			printf("  Tình trạng thu hồi (revocation): bị thu hồi lúc %s, SAU khi ký — chữ"
			    " ký vẫn hợp lệ tại thời điểm ký (revoked at %s, AFTER signing: valid at"
			    " signing, %s)\n", chk.revoked_at, chk.revoked_at, chk.revocation_src);
		else
			printf("  Tình trạng thu hồi (revocation): không có dữ liệu OCSP/CRL trong PDF"
			    " (no OCSP/CRL data in the PDF)\n");
		printf("  Mức PAdES (level): %s\n", chk.level);
	}
	printf("\nKẾT QUẢ (RESULT): %s\n", st == SOHOA_OK ? "HỢP LỆ (VALID)"
	    : "KHÔNG HỢP LỆ (INVALID)");
	return st == SOHOA_OK ? 0 : EXIT_PARTIAL;
}

/* On the server that made the bundle (its catalog is there): the done
 * documents of the bundle's month, or earlier, that have no archival
 * package and so cannot be in it are named, never passed over in silence.
 * The month comes from the bundle's name (sohoa-<agency>-YYYY-MM.tar).
 * Returns how many; 0 also when there is no catalog (a receiver's machine)
 * or the name carries no month. */
static int
verify_unpackaged(struct cli *c, const char *bundle)
{
	char path[4096], month[8], end_iso[32], list[512];
	const char *base = strrchr(bundle, '/');
	size_t n, k = 0;
	time_t start, end;
	sohoa_catalog *cat;
	sohoa_error err;
	int64_t *ids = NULL;
	int nu = 0;
	struct tm tm;

	base = base ? base + 1 : bundle;
	n = strlen(base);
	if (n < 12 || strcmp(base + n - 4, ".tar"))
		return 0;
	memcpy(month, base + n - 11, 7);
	month[7] = 0;
	if (base[n - 12] != '-' || sohoa_export_month_bounds(month, &start, &end, end_iso) != 0)
		return 0;
	if (!sohoa_catalog_path(c->conf.state_dir, path, sizeof path) || access(path, R_OK) != 0)
		return 0;
	sohoa_error_clear(&err);
	if (!(cat = sohoa_catalog_open(path, &err)))
		return 0;
	gmtime_r(&end, &tm);
	strftime(end_iso, sizeof end_iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (sohoa_catalog_unpackaged(cat, end_iso, 0, &ids, &nu, &err) != SOHOA_OK)
		nu = 0;
	sohoa_catalog_free(cat);
	for (int i = 0; i < nu && k < sizeof list - 24; i++)
		k += (size_t)snprintf(list + k, sizeof list - k, "%s%lld", i ? ", " : "",
		    (long long)ids[i]);
	if (k >= sizeof list - 24 && nu)
		snprintf(list + k, sizeof list - k, ", ...");
	free(ids);
	if (nu && c->json)
		fprintf(stderr, "sohoa: %d done document(s) up to %s have no archival package: %s\n",
		    nu, month, list);
	else if (nu)
		printf("\nTÀI LIỆU KHÔNG CÓ TRONG GÓI (left out): %d tài liệu đã xử lý đến hết tháng %s"
		    " chưa có gói lưu trữ nên không thể có trong gói này (số %s) — %d done"
		    " document(s) up to %s have no archival package, so this bundle cannot hold"
		    " them: see 'sohoa show ID'\n", nu, month, list, nu, month);
	return nu;
}

int
cli_verify(struct cli *c, int argc, char **argv)
{
	const char *bundle = NULL, *ca = NULL, *sig = NULL;
	sohoa_package_schemas *sch;
	sohoa_verify_report rep;
	sohoa_error err;
	sohoa_status st;
	int valid;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ca") && i + 1 < argc)
			ca = argv[++i];
		else if (!strcmp(argv[i], "--sig") && i + 1 < argc)
			sig = argv[++i];
		else if (argv[i][0] != '-' && !bundle)
			bundle = argv[i];
		else
			bundle = NULL, i = argc;
	}
	if (!bundle) {
		fprintf(stderr, "usage: sohoa verify [--ca CA.pem] [--sig BUNDLE.p7s] BUNDLE.tar | FILE.pdf\n");
		return EXIT_USAGE;
	}
	if (access(bundle, F_OK) != 0) {
		fprintf(stderr, "sohoa: không có tệp %s — no such file\n", bundle);
		return EXIT_NOTFOUND;
	}
	if (ca && access(ca, R_OK) != 0) {
		fprintf(stderr, "sohoa: không đọc được %s — cannot read the CA file\n", ca);
		return EXIT_NOTFOUND;
	}
	if (strlen(bundle) > 4 && !strcasecmp(bundle + strlen(bundle) - 4, ".pdf"))
		return verify_pdf(c, bundle, ca);
	/* Trusted schemas when installed; else each SIP's own copies. */
	sohoa_error_clear(&err);
	sch = sohoa_package_schemas_open(c->conf.schema_dir, &err);
	sohoa_error_clear(&err);
	sohoa_verify_report_init(&rep);
	st = sohoa_export_verify(bundle, sig, ca, sch, &rep, &err);
	valid = st == SOHOA_OK;
	if (st != SOHOA_OK && st != SOHOA_BAD_INPUT) {
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		sohoa_verify_report_release(&rep);
		sohoa_package_schemas_free(sch);
		return EXIT_FAILURE_;
	}
	if (c->json) {
		printf("{\"bundle\": ");
		sohoa_json_string(stdout, bundle);
		printf(", \"sha256\": \"%s\", \"valid\": %s, \"signature\": {\"valid\": %s,"
		    " \"signer\": ", rep.bundle_hash, valid ? "true" : "false",
		    rep.signature_ok ? "true" : "false");
		json_str_or_null(rep.signer);
		printf(", \"chain_checked\": %s}, \"manifest_ok\": %s, \"sips\": %d, \"sips_ok\": %d,"
		    " \"files_checked\": %d, \"pdfs\": %d, \"pdfs_valid\": %d,"
		    " \"pdfs_timestamped\": %d, \"pdfs_lt\": %d, \"schemas\": %s,"
		    " \"members\": [", rep.chain_checked ? "true" : "false",
		    rep.manifest_ok ? "true" : "false", rep.sips, rep.sips_ok, rep.files_checked,
		    rep.pdfs, rep.pdfs_ok, rep.pdfs_timestamped, rep.pdfs_lt, sch ? "\"trusted\""
		    : "\"from the packages\"");
		for (int i = 0; i < rep.nmembers; i++) {
			printf("%s{\"name\": ", i ? ", " : "");
			sohoa_json_string(stdout, rep.members[i].name);
			printf(", \"sha256\": \"%s\", \"size\": %lld, \"ok\": %s, \"documents\": %d,"
			    " \"pdfs_valid\": %d}", rep.members[i].hash, rep.members[i].size,
			    rep.members[i].ok ? "true" : "false", rep.members[i].docs,
			    rep.members[i].pdfs);
		}
		printf("], \"problems\": [");
		for (int i = 0; i < rep.nproblems; i++) {
			printf("%s{\"where\": ", i ? ", " : "");
			sohoa_json_string(stdout, rep.problems[i].where);
			printf(", \"message\": ");
			sohoa_json_string(stdout, rep.problems[i].msg);
			printf("}");
		}
		printf("]}\n");
	} else {
		printf("Kiểm tra gói (verify bundle): %s\n  SHA-256: %s\n", bundle,
		    rep.bundle_hash[0] ? rep.bundle_hash + 7 : "?");
		if (rep.signature_ok)
			printf("  Chữ ký CMS (signature):   hợp lệ (valid) — %s%s\n", rep.signer,
			    rep.chain_checked ? "; chuỗi chứng thư tin cậy (chain trusted to --ca)"
			    : "; chưa kiểm tra chuỗi chứng thư (chain not checked: no --ca)");
		else
			printf("  Chữ ký CMS (signature):   KHÔNG HỢP LỆ (INVALID)\n");
		printf("  %s:          %s\n", SOHOA_EXPORT_MANIFEST, rep.manifest_ok
		    ? "khớp (matches)" : "KHÔNG KHỚP (MISMATCH)");
		printf("  Lược đồ XML (schemas):    %s\n", sch ? c->conf.schema_dir
		    : "those inside each SIP (schema_dir not found)");
		for (int i = 0; i < rep.nmembers; i++) {
			const sohoa_verify_member *m = &rep.members[i];
			if (!strcmp(m->name, SOHOA_EXPORT_MANIFEST))
				continue;
			printf("  %-4s %s  %d tài liệu (documents), %d PDF ký hợp lệ (signed PDFs"
			    " valid)\n", m->ok ? "ok" : "LỖI", cli_safe(m->name), m->docs, m->pdfs);
		}
		printf("  %d SIP, %d tệp băm lại (files re-hashed), %d/%d PDF có chữ ký hợp lệ"
		    " (valid PDF signatures), %d có dấu thời gian (timestamped, PAdES B-T), %d có dữ"
		    " liệu kiểm tra lâu dài (LT data, PAdES B-LT)\n",
		    rep.sips, rep.files_checked, rep.pdfs_ok, rep.pdfs, rep.pdfs_timestamped,
		    rep.pdfs_lt);
		if (rep.nproblems) {
			printf("\nLỗi (problems): %d\n", rep.nproblems);
			for (int i = 0; i < rep.nproblems; i++)
				printf("  %s: %s\n", cli_safe(rep.problems[i].where),
				    cli_safe(rep.problems[i].msg));
		}
		printf("\nKẾT QUẢ (RESULT): %s\n", valid ? "HỢP LỆ (VALID)"
		    : "KHÔNG HỢP LỆ (INVALID)");
	}
	sohoa_verify_report_release(&rep);
	sohoa_package_schemas_free(sch);
	if (verify_unpackaged(c, bundle) > 0)
		valid = 0;
	return valid ? 0 : EXIT_PARTIAL;
}
