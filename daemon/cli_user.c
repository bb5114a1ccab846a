/*
 * cli_user.c - `sohoa user ...` (the accounts of sohoa-web, users.h) and
 * `sohoa access-log` (what people opened through it, access.h).
 *
 *   sohoa user add NAME --role can-bo|van-thu|lanh-dao|quan-tri
 *   sohoa user passwd NAME
 *   sohoa user disable NAME | enable NAME
 *   sohoa user list [--json]
 *   sohoa user token NAME         prints a new API token, once
 *   sohoa access-log [--user U] [--record ID] [--since DATE] [--json]
 *
 * Passwords are asked twice at a terminal (echo off), or read as the first
 * line of standard input when it is not a terminal (scripts, tests); they
 * never appear on the command line, where ps would show them.  The catalog
 * must exist (made by sohoad or sohoa-web, as the store's user): root never
 * creates it here, which would leave it root's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "sohoa/access.h"
#include "sohoa/json.h"
#include "sohoa/users.h"
#include "cli.h"

/* One line from fp without its newline, into buf; 0 at end of input. */
static int
read_line(FILE *fp, char *buf, size_t n)
{
	size_t len;

	if (!fgets(buf, (int)n, fp))
		return 0;
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	return 1;
}

static int
ask(const char *prompt, char *buf, size_t n)
{
	struct termios old, quiet;
	int ok, tty = tcgetattr(0, &old) == 0;

	fputs(prompt, stderr);
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	ok = read_line(stdin, buf, n);
	if (tty) {
		tcsetattr(0, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	return ok;
}

/* The new password: asked twice at a terminal, else one line of stdin. */
static int
get_password(char *buf, size_t n)
{
	char again[1100];

	if (!isatty(0)) {
		if (!read_line(stdin, buf, n)) {
			fprintf(stderr, "sohoa: không đọc được mật khẩu từ stdin — no password on "
			    "standard input\n");
			return 0;
		}
		return 1;
	}
	if (!ask("Mật khẩu mới (new password): ", buf, n)
	    || !ask("Nhập lại (again): ", again, sizeof again))
		return 0;
	if (strcmp(buf, again)) {
		fprintf(stderr, "sohoa: hai lần nhập không giống nhau — the two entries differ\n");
		return 0;
	}
	return 1;
}

static int
status_exit(sohoa_status st)
{
	return st == SOHOA_OK ? 0 : st == SOHOA_BAD_INPUT ? EXIT_USAGE : EXIT_FAILURE_;
}

struct list_arg {
	struct cli *c;
	int n;
};

static void
print_user(void *arg, const sohoa_user *u)
{
	struct list_arg *a = arg;

	if (a->c->json) {
		printf("%s{\"name\": ", a->n ? ", " : "");
		sohoa_json_string(stdout, u->name);
		printf(", \"role\": \"%s\", \"disabled\": %s, \"created_at\": ",
		    sohoa_role_name(u->role) ? sohoa_role_name(u->role) : "", u->disabled ? "true"
		    : "false");
		sohoa_json_string(stdout, u->created_at);
		printf("}");
	} else {
		printf("%-20s %-9s %-9s %s\n", u->name, sohoa_role_name(u->role)
		    ? sohoa_role_name(u->role) : "?", u->disabled ? "khóa" : "", u->created_at);
	}
	a->n++;
}

static void
user_usage(void)
{
	fprintf(stderr, "usage: sohoa user add NAME --role can-bo|van-thu|lanh-dao|quan-tri\n"
	    "       sohoa user passwd NAME | disable NAME | enable NAME | token NAME\n"
	    "       sohoa user list [--json]\n");
}

int
cli_user(struct cli *c, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL, *name = argc > 2 ? argv[2] : NULL;
	char password[1100], token[SOHOA_SECRET_HEX];
	sohoa_role role = SOHOA_ROLE_COUNT;
	sohoa_catalog *cat;
	sohoa_error err;
	sohoa_status st;

	if (!sub || (strcmp(sub, "list") && !name)) {
		user_usage();
		return EXIT_USAGE;
	}
	if (!strcmp(sub, "add")) {
		for (int i = 3; i < argc; i++)
			if (!strcmp(argv[i], "--role") && i + 1 < argc)
				role = sohoa_role_from_name(argv[++i]);
			else
				role = SOHOA_ROLE_COUNT, i = argc;
		if (role == SOHOA_ROLE_COUNT) {
			fprintf(stderr, "sohoa: cần --role can-bo|van-thu|lanh-dao|quan-tri — "
			    "--role is required\n");
			return EXIT_USAGE;
		}
	} else if (strcmp(sub, "passwd") && strcmp(sub, "disable") && strcmp(sub, "enable")
	    && strcmp(sub, "token") && strcmp(sub, "list")) {
		user_usage();
		return EXIT_USAGE;
	}
	if (!(cat = cli_open_catalog(c)))
		return EXIT_FAILURE_;
	sohoa_error_clear(&err);
	if (!strcmp(sub, "list")) {
		struct list_arg a = { c, 0 };
		if (c->json)
			printf("{\"users\": [");
		st = sohoa_user_each(cat, print_user, &a, &err);
		if (c->json)
			printf("]}\n");
	} else if (!strcmp(sub, "add") || !strcmp(sub, "passwd")) {
		if (!get_password(password, sizeof password)) {
			sohoa_catalog_free(cat);
			return EXIT_USAGE;
		}
		st = !strcmp(sub, "add") ? sohoa_user_add(cat, name, role, password, &err)
		    : sohoa_user_passwd(cat, name, password, &err);
		memset(password, 0, sizeof password);
		if (st == SOHOA_OK)
			printf(!strcmp(sub, "add") ? "Đã thêm người dùng %s — user added\n"
			    : "Đã đổi mật khẩu của %s — password changed\n", name);
	} else if (!strcmp(sub, "disable") || !strcmp(sub, "enable")) {
		st = sohoa_user_disable(cat, name, !strcmp(sub, "disable"), &err);
		if (st == SOHOA_OK)
			printf(!strcmp(sub, "disable") ? "Đã khóa %s — user disabled\n"
			    : "Đã mở khóa %s — user enabled\n", name);
	} else {
		st = sohoa_user_token_new(cat, name, token, &err);
		if (st == SOHOA_OK) {
			if (c->json)
				printf("{\"name\": \"%s\", \"token\": \"%s\"}\n", name, token);
			else
				printf("%s\n", token);
		}
	}
	if (st != SOHOA_OK)
		fprintf(stderr, "sohoa: %s\n", err.msg);
	sohoa_catalog_free(cat);
	return status_exit(st);
}

static void
print_entry(void *arg, const sohoa_access_entry *e)
{
	struct list_arg *a = arg;

	if (a->c->json) {
		printf("%s{\"at\": ", a->n ? ", " : "");
		sohoa_json_string(stdout, e->at);
		printf(", \"user\": ");
		sohoa_json_string(stdout, e->user_name);
		if (e->record_id)
			printf(", \"record\": %lld", (long long)e->record_id);
		else
			printf(", \"record\": null");
		printf(", \"what\": ");
		sohoa_json_string(stdout, e->what);
		printf(", \"detail\": ");
		sohoa_json_string(stdout, e->detail);
		printf(", \"address\": ");
		sohoa_json_string(stdout, e->address);
		printf("}");
	} else {
		char rec[24] = "-";
		if (e->record_id)
			snprintf(rec, sizeof rec, "%lld", (long long)e->record_id);
		/* The detail is a person's text: no control characters to the terminal. */
		printf("%s  %-16s %-8s %-9s", e->at, e->user_name, rec, e->what);
		if (e->detail) {
			putchar(' ');
			for (const char *p = e->detail; *p; p++)
				putchar((unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
		}
		putchar('\n');
	}
	a->n++;
}

int
cli_access_log(struct cli *c, int argc, char **argv)
{
	const char *user = NULL, *since = NULL;
	long long record = 0;
	struct list_arg a = { c, 0 };
	sohoa_catalog *cat;
	sohoa_error err;
	sohoa_status st;

	for (int i = 1; i < argc; i++) {
		char *end;
		if (!strcmp(argv[i], "--user") && i + 1 < argc) {
			user = argv[++i];
		} else if (!strcmp(argv[i], "--record") && i + 1 < argc) {
			errno = 0;
			record = strtoll(argv[++i], &end, 10);
			if (errno || *end || record <= 0) {
				fprintf(stderr, "sohoa: số tài liệu không hợp lệ: %s — bad record id\n",
				    argv[i]);
				return EXIT_USAGE;
			}
		} else if (!strcmp(argv[i], "--since") && i + 1 < argc) {
			since = argv[++i];
		} else {
			fprintf(stderr, "usage: sohoa access-log [--user U] [--record ID] "
			    "[--since YYYY-MM-DD] [--json]\n");
			return EXIT_USAGE;
		}
	}
	if (!(cat = cli_open_catalog(c)))
		return EXIT_FAILURE_;
	sohoa_error_clear(&err);
	if (c->json)
		printf("{\"entries\": [");
	st = sohoa_access_log_each(cat, user, record, since, print_entry, &a, &err);
	if (c->json)
		printf("]}\n");
	if (st != SOHOA_OK)
		fprintf(stderr, "sohoa: %s\n", err.msg);
	sohoa_catalog_free(cat);
	return st != SOHOA_OK ? EXIT_FAILURE_ : a.n ? 0 : EXIT_PARTIAL;
}
