/*
 * cli.h - shared by the files of the sohoa command-line tool.
 *
 * Exit codes (stable; documented in the README):
 *   0  success
 *   1  done, but not everything succeeded (a file was not taken; no search result)
 *   2  usage error
 *   3  not found (no such record, no such quarantined file)
 *   4  busy: sohoad holds the spool (use the inbox instead)
 *   5  configuration error
 *   6  other failure (catalog, disk)
 */
#ifndef SOHOA_CLI_H
#define SOHOA_CLI_H

#include <stdio.h>

#include "sohoa/conf.h"
#include "sohoa/catalog.h"

enum {
	EXIT_PARTIAL = 1, EXIT_USAGE = 2, EXIT_NOTFOUND = 3, EXIT_BUSY = 4, EXIT_CONFIG = 5,
	EXIT_FAILURE_ = 6
};

struct cli {
	sohoa_conf conf;
	const char *conf_path;
	int json;
	int color;      /* stdout is a terminal */
};

/*
 * Names, fields, OCR text and messages that carry them, made safe for the
 * terminal (textsafe.h): control characters shown escaped.  Every line of
 * human-readable output passes what it did not write itself through one of
 * these (--json output goes through sohoa_json_string() instead).
 *   cli_safe         one line: newline and tab escaped too (names, fields)
 *   cli_safe_text    OCR text: newlines and tabs kept
 *   cli_safe_marked  as cli_safe_text, and the search marks STX/ETX kept
 * NULL gives NULL.  The result is s itself when nothing needs escaping, else
 * valid until 16 more calls ("?" when out of memory).
 */
const char *cli_safe(const char *s);
const char *cli_safe_text(const char *s);
const char *cli_safe_marked(const char *s);

/* Opens the catalog of the configured state_dir for reading; NULL after a
 * message on stderr if there is none. */
sohoa_catalog *cli_open_catalog(struct cli *c);

int cli_ingest(struct cli *c, int argc, char **argv);
int cli_status(struct cli *c, int argc, char **argv);
int cli_show(struct cli *c, int argc, char **argv);
int cli_search(struct cli *c, int argc, char **argv);
int cli_retry(struct cli *c, int argc, char **argv);
int cli_edit(struct cli *c, int argc, char **argv);
/* Prints the help of a command (cli_help.c) to out: 0, or -1 when there is
 * none for cmd.  cli_help_known() says whether there is. */
int cli_help(const char *cmd, FILE *out);
int cli_help_known(const char *cmd);
/* What 'sohoa edit --help' prints: the field names, Vietnamese and TT 05. */
void cli_edit_usage(FILE *out);
int cli_check(struct cli *c, int argc, char **argv);
int cli_reindex(struct cli *c, int argc, char **argv);
int cli_review(struct cli *c, int argc, char **argv);
int cli_reviewed(struct cli *c, int argc, char **argv);
int cli_export(struct cli *c, int argc, char **argv);
int cli_exports(struct cli *c, int argc, char **argv);
int cli_verify(struct cli *c, int argc, char **argv);
int cli_audit(struct cli *c, int argc, char **argv);
int cli_restore(struct cli *c, int argc, char **argv);
int cli_user(struct cli *c, int argc, char **argv);
int cli_access_log(struct cli *c, int argc, char **argv);
int cli_hoso(struct cli *c, int argc, char **argv);
/* What 'sohoa hoso --help' prints: the subcommands and the field names. */
void cli_hoso_usage(FILE *out);

#endif
