/*
 * sohoa - the command-line tool.  Same library as the daemon.
 *
 *   sohoa [-c FILE] [--json] COMMAND [ARGS...]
 *     ingest PATH...     take files or folders now, without the daemon
 *     status             counts per state, queue, recent errors
 *     show ID            one record with its pages and events
 *     search QUERY...    full-text search (query.h), [--limit N] [--page N]
 *     reindex            rebuild the full-text index from the catalog
 *     retry NAME         put a quarantined file back into the inbox
 *     review             the review queue (review.h); reviewed ID... takes them off
 *     help [COMMAND]     what a command does (also COMMAND --help; cli_help.c)
 *
 * The configuration comes from -c FILE, else $SOHOA_CONF, else
 * /etc/sohoa/sohoa.conf.  Exit codes are listed in cli.h and the README.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sohoa/ocr.h"
#include "sohoa/store.h"
#include "sohoa/textsafe.h"
#include "cli.h"

/* The terminal forms handed out by cli_safe(): a ring, so that a printf()
 * may take several; the CLI is one thread. */
#define CLI_SAFE_RING 16
static char *cli_safe_ring[CLI_SAFE_RING];
static int cli_safe_next;

static const char *
cli_safe_flags(const char *s, unsigned flags)
{
	char *t;

	if (!s)
		return NULL;
	if (sohoa_text_is_plain(s, strlen(s), flags))
		return s;
	if (!(t = sohoa_text_terminal(s, strlen(s), flags, NULL)))
		return "?";
	free(cli_safe_ring[cli_safe_next]);
	cli_safe_ring[cli_safe_next] = t;
	cli_safe_next = (cli_safe_next + 1) % CLI_SAFE_RING;
	return t;
}

const char *cli_safe(const char *s) { return cli_safe_flags(s, 0); }
const char *cli_safe_text(const char *s) { return cli_safe_flags(s, SOHOA_TEXT_MULTILINE); }
const char *cli_safe_marked(const char *s)
{
	return cli_safe_flags(s, SOHOA_TEXT_MULTILINE | SOHOA_TEXT_MARKS);
}

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: sohoa [-c FILE] [--json] COMMAND [ARGS...]\n"
	    "\n"
	    "commands:\n"
	    "  ingest PATH...    OCR and record files or folders now (sohoad not running)\n"
	    "  status            records per state, queue, recent errors\n"
	    "  show ID           a record with its pages (OCR text) and events\n"
	    "  search QUERY...   search the documents, with or without diacritics:\n"
	    "                    words, \"phrase\", -word, prefix*, 15/QĐ-UBND, 05/3/2024,\n"
	    "                    loai:QĐ so:15/QĐ-UBND coquan:\"Văn Bình\" tu:DATE den:DATE nam:YYYY\n"
	    "                    [--limit N] [--page N]\n"
	    "  reindex           rebuild the full-text index from the catalog\n"
	    "  retry NAME        put a quarantined file back into the inbox\n"
	    "  review            the review queue: OCR confidence under review_threshold or\n"
	    "                    fields read unsure, oldest first (sohoa-web: /review)\n"
	    "  reviewed ID...    mark documents reviewed (\"Đã soát\"): off the review queue\n"
	    "  edit ID F=V...    correct a document field, named in Vietnamese or TT 05\n"
	    "                    (\"người ký=...\", signerName=...); the package is rewritten\n"
	    "  hoso list|show|create|edit|add|remove|order ...\n"
	    "                    manage a hồ sơ: TT 05 fields, documents in and out, order\n"
	    "  check ID...       re-validate a record's package and re-hash its files\n"
	    "  export --month YYYY-MM|last [--force] [--outbox DIR]\n"
	    "                    the month's signed bundle of SIPs for the city archive\n"
	    "  exports           the bundles exported so far (the ledger)\n"
	    "  verify [--ca CA.pem] BUNDLE.tar\n"
	    "                    check a bundle: signature, manifest, every SIP and PDF\n"
	    "  audit [--since 7d|DATE] [--sample N|P%%]\n"
	    "                    fixity audit: re-hash every stored file (and the backup copy)\n"
	    "  restore --from BACKUP_DIR [--to STATE_DIR] [--force]\n"
	    "                    rebuild the store and catalog from the backup copy\n"
	    "  user add NAME --role can-bo|van-thu|lanh-dao|quan-tri\n"
	    "  user passwd|disable|enable|token NAME, user list\n"
	    "                    the accounts of sohoa-web (password from a prompt or stdin)\n"
	    "  access-log [--user U] [--record ID] [--since DATE]\n"
	    "                    what people opened through sohoa-web\n"
	    "  help [COMMAND]    hướng dẫn một lệnh / help on a command (also COMMAND --help)\n"
	    "\n"
	    "options:\n"
	    "  -c FILE           configuration file (default: $SOHOA_CONF or %s)\n"
	    "  --json            machine-readable output\n"
	    "  -V, --version     print the version\n", SOHOA_CONF_DEFAULT_PATH);
}

sohoa_catalog *
cli_open_catalog(struct cli *c)
{
	char path[4096], note[1024];
	sohoa_error err;
	sohoa_catalog *cat;

	if (sohoa_catalog_path(c->conf.state_dir, path, sizeof path) && access(path, F_OK) != 0) {
		fprintf(stderr, "sohoa: chưa có danh mục (catalog) tại %s — no catalog yet at %s\n",
		    path, path);
		return NULL;
	}
	sohoa_error_clear(&err);
	cat = sohoa_catalog_open(path, &err);
	/* A catalog that is not this store's is never used (store.h); a
	 * moved store is said once per command until the daemon records it. */
	if (cat && sohoa_store_check(c->conf.state_dir, cat, 0, note, sizeof note, &err)
	    != SOHOA_OK) {
		sohoa_catalog_free(cat);
		cat = NULL;
	}
	if (!cat)
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
	else if (note[0])
		fprintf(stderr, "sohoa: %s\n", cli_safe(note));
	return cat;
}

/* Commands that only read: they run on a configuration with a mistake in
 * it (the bad line skipped, a warning said); the others refuse it. */
static int
read_only(const char *cmd)
{
	static const char *const ro[] = { "status", "show", "search", "review", "check",
		"exports", "verify", NULL };

	for (int k = 0; ro[k]; k++)
		if (!strcmp(cmd, ro[k]))
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct cli c;
	sohoa_error err, warn;
	const char *explicit_conf = NULL;
	int i = 1, rc;

	/* What it writes (spool, catalog, packages, quarantine) is never
	 * readable by others and writable by the group only where the code sets
	 * it (catalog, package tree: shared with sohoa-web), whatever umask
	 * the caller had: the unit's UMask=0027 at least (SECURITY.md). */
	umask(umask(027) | 027);
	if (argc > 1 && !strcmp(argv[1], "--ocr-worker"))
		return sohoa_ocr_worker_main(argc - 1, argv + 1);
	memset(&c, 0, sizeof c);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-c") && i + 1 < argc) {
			explicit_conf = argv[++i];
		} else if (!strcmp(argv[i], "--json")) {
			c.json = 1;
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("sohoa %s\n", SOHOA_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* Help needs no configuration: it works where the config is broken. */
	if (!strcmp(argv[i], "help")) {
		if (i + 1 >= argc) {
			usage(stdout);
			return 0;
		}
		if (cli_help(!strcmp(argv[i + 1], "--help") || !strcmp(argv[i + 1], "-h")
		    ? "help" : argv[i + 1], stdout) != 0) {
			fprintf(stderr, "sohoa: không có lệnh '%s' (unknown command '%s')\n",
			    argv[i + 1], argv[i + 1]);
			usage(stderr);
			return EXIT_USAGE;
		}
		return 0;
	}
	for (int k = i + 1; k < argc && strcmp(argv[k], "--"); k++)
		if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
			if (cli_help(argv[i], stdout) != 0)
				usage(stdout);
			return 0;
		}
	c.conf_path = sohoa_conf_path(explicit_conf);
	c.color = isatty(1);
	sohoa_conf_init(&c.conf);
	sohoa_error_clear(&err);
	sohoa_error_clear(&warn);
	if (access(c.conf_path, F_OK) != 0 && errno == ENOENT && !explicit_conf
	    && !getenv("SOHOA_CONF")) {
		/* No config file at the default place: the defaults hold. */
	} else if (read_only(argv[i])) {
		/* One mistake in the file never stops staff from searching. */
		if (sohoa_conf_load_lenient(&c.conf, c.conf_path, &warn, &err) != SOHOA_OK) {
			fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
			sohoa_conf_release(&c.conf);
			return EXIT_CONFIG;
		}
		if (warn.status != SOHOA_OK)
			fprintf(stderr, "sohoa: cảnh báo, dòng này bị bỏ qua — warning, line ignored:"
			    " %s\n", cli_safe(warn.msg));
	} else if (sohoa_conf_load(&c.conf, c.conf_path, &err) != SOHOA_OK) {
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		sohoa_conf_release(&c.conf);
		return EXIT_CONFIG;
	}
	if (sohoa_conf_finish(&c.conf, &err) != SOHOA_OK) {
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		sohoa_conf_release(&c.conf);
		return EXIT_CONFIG;
	}
	{
		const char *cmd = argv[i];
		int sub_argc = argc - i;
		char **sub_argv = argv + i;
		/* --json may also follow the command. */
		for (int k = 1; k < sub_argc; k++)
			if (!strcmp(sub_argv[k], "--json")) {
				c.json = 1;
				memmove(&sub_argv[k], &sub_argv[k + 1],
				    (size_t)(sub_argc - k) * sizeof *sub_argv);
				sub_argc--;
				k--;
			}
		if (!strcmp(cmd, "ingest"))
			rc = cli_ingest(&c, sub_argc, sub_argv);
		else if (!strcmp(cmd, "status"))
			rc = cli_status(&c, sub_argc, sub_argv);
		else if (!strcmp(cmd, "show"))
			rc = cli_show(&c, sub_argc, sub_argv);
		else if (!strcmp(cmd, "search"))
			rc = cli_search(&c, sub_argc, sub_argv);
		else if (!strcmp(cmd, "retry"))
			rc = cli_retry(&c, sub_argc, sub_argv);
		else if (!strcmp(cmd, "edit"))
			rc = cli_edit(&c, sub_argc, sub_argv);
		else if (!strcmp(cmd, "check"))
			rc = cli_check(&c, sub_argc, sub_argv);
		else if (!strcmp(cmd, "reindex"))
			rc = cli_reindex(&c, sub_argc, sub_argv);
		else if (!strcmp(cmd, "review"))
			rc = cli_review(&c, sub_argc, sub_argv);
		else if (!strcmp(cmd, "reviewed"))
			rc = cli_reviewed(&c, sub_argc, sub_argv);
		else if (!strcmp(cmd, "export"))
			rc = cli_export(&c, sub_argc, sub_argv);
		else if (!strcmp(cmd, "exports"))
			rc = cli_exports(&c, sub_argc, sub_argv);
		else if (!strcmp(cmd, "verify"))
			rc = cli_verify(&c, sub_argc, sub_argv);
		else if (!strcmp(cmd, "audit"))
			rc = cli_audit(&c, sub_argc, sub_argv);
		else if (!strcmp(cmd, "restore"))
			rc = cli_restore(&c, sub_argc, sub_argv);
		else if (!strcmp(cmd, "user"))
			rc = cli_user(&c, sub_argc, sub_argv);
		else if (!strcmp(cmd, "hoso"))
			rc = cli_hoso(&c, sub_argc, sub_argv);
		else if (!strcmp(cmd, "access-log"))
			rc = cli_access_log(&c, sub_argc, sub_argv);
		else {
			fprintf(stderr, "sohoa: unknown command '%s'\n", cmd);
			usage(stderr);
			rc = EXIT_USAGE;
		}
	}
	sohoa_conf_release(&c.conf);
	return rc;
}
