/*
 * test_conf.c - the configuration file (conf.h): defaults, the file syntax,
 * every kind of error naming its file and line, derived defaults, the
 * cross-key rules, the writer and the choice of the config path.
 */
#include <errno.h>

#include "test.h"
#include "sohoa/conf.h"

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	CHECKM(f != NULL, strerror(errno));
	if (!f)
		return;
	fputs(text, f);
	CHECK(fclose(f) == 0);
}

/* Loads text as c.conf over the defaults; returns the status, err filled. */
static sohoa_status
load_text(sohoa_conf *c, const char *text, sohoa_error *err)
{
	write_text("c.conf", text);
	sohoa_conf_init(c);
	sohoa_error_clear(err);
	return sohoa_conf_load(c, "c.conf", err);
}

/* A config text that must be refused with "c.conf:<line>:" and word in the
 * message. */
static void
check_refused(const char *text, unsigned line, const char *word)
{
	sohoa_conf c;
	sohoa_error err;
	char where[32];
	sohoa_status st = load_text(&c, text, &err);

	snprintf(where, sizeof where, "c.conf:%u:", line);
	CHECK_INT(st, SOHOA_FATAL);
	CHECK_INT(err.status, SOHOA_FATAL);
	CHECKM(strncmp(err.msg, where, strlen(where)) == 0, err.msg);
	CHECKM(strstr(err.msg, word) != NULL, err.msg);
	sohoa_conf_release(&c);
}

static void
test_defaults(void)
{
	sohoa_conf c;
	sohoa_error err;

	sohoa_conf_init(&c);
	CHECK_STR(c.inbox, "/srv/sohoa/inbox");
	CHECK_STR(c.quarantine, "");
	CHECK_STR(c.state_dir, "/var/lib/sohoa");
	CHECK_STR(c.languages, "vie+eng");
	CHECK_INT(c.language_fallback, 70);
	CHECK_STR(c.tessdata, "");
	CHECK_INT(c.workers, 0);
	CHECK_INT(c.rescan_interval, 60);
	CHECK_INT(c.stable_delay, 5);
	CHECK_INT(c.incomplete_grace, 900);
	CHECK_INT(c.folder_stable_delay, 60);
	CHECK_INT(c.max_pixels, 250000000LL);
	CHECK_INT(c.max_pages, 2000);
	CHECK_INT(c.max_file_size, 2147483648LL);
	CHECK_INT(c.page_timeout, 300);
	CHECK_INT(c.max_attempts, 3);
	CHECK_INT(c.worker_memory_mb, 0);
	CHECK_INT(c.min_free_mb, 500);
	CHECK_STR(c.log_level, "info");
	sohoa_error_clear(&err);
	CHECKM(sohoa_conf_finish(&c, &err) == SOHOA_OK, err.msg);
	CHECK_STR(c.quarantine, "/srv/sohoa/quarantine");
	CHECK(c.workers >= 1);
	sohoa_conf_release(&c);
	CHECK(c.inbox == NULL && c.log_level == NULL);
}

static void
test_valid_file(void)
{
	sohoa_conf c;
	sohoa_error err;
	sohoa_status st = load_text(&c,
	    "# sohoa configuration\n"
	    "\n"
	    "   # an indented comment\n"
	    "inbox = /srv/phong/inbox\n"
	    "\t\n"
	    "quarantine=\"/srv/phong/cách ly\"\n"
	    "state_dir   =   /var/lib/sohoa-test   \n"
	    "languages = \"vie\"\n"
	    "tessdata = \"\"\n"
	    "workers = 3\r\n"
	    "max_pixels = 4000000000\n"
	    "max_file_size = 9223372036854775807\n"
	    "log_level = \"debug\"\n", &err);

	CHECKM(st == SOHOA_OK, err.msg);
	CHECK_STR(c.inbox, "/srv/phong/inbox");
	CHECK_STR(c.quarantine, "/srv/phong/cách ly");
	CHECK_STR(c.state_dir, "/var/lib/sohoa-test");
	CHECK_STR(c.languages, "vie");
	CHECK_STR(c.tessdata, "");
	CHECK_INT(c.workers, 3);
	CHECK_INT(c.max_pixels, 4000000000LL);
	CHECK_INT(c.max_file_size, 9223372036854775807LL);
	CHECK_STR(c.log_level, "debug");
	/* Keys not in the file keep their defaults. */
	CHECK_INT(c.max_pages, 2000);
	CHECK_INT(c.page_timeout, 300);
	CHECKM(sohoa_conf_finish(&c, &err) == SOHOA_OK, err.msg);
	CHECK_STR(c.quarantine, "/srv/phong/cách ly");
	CHECK_INT(c.workers, 3);
	sohoa_conf_release(&c);
}

static void
test_missing_file(void)
{
	sohoa_conf c;
	sohoa_error err;

	sohoa_conf_init(&c);
	sohoa_error_clear(&err);
	CHECK_INT(sohoa_conf_load(&c, "nowhere.conf", &err), SOHOA_FATAL);
	CHECKM(strstr(err.msg, "nowhere.conf") != NULL, err.msg);
	sohoa_conf_release(&c);
}

static void
test_unknown_key(void)
{
	check_refused("# comment\n\ninbox = /srv/a/inbox\nworkerz = 2\n", 4, "workerz");
}

/* An unknown key that is a typo of a known one names it; one that is no
 * typo of anything does not guess. */
static void
test_unknown_key_nearest(void)
{
	check_refused("stat_dir = /srv/s\n", 1, "did you mean 'state_dir'");
	check_refused("\nWorkers = 2\n", 2, "did you mean 'workers'");
	check_refused("\nlanguage = vie\n", 2, "did you mean 'languages'");
	{
		sohoa_conf c;
		sohoa_error err;
		CHECK_INT(load_text(&c, "colour = blue\n", &err), SOHOA_FATAL);
		CHECKM(strstr(err.msg, "did you mean") == NULL, err.msg);
		sohoa_conf_release(&c);
	}
}

/* Notepad's byte order mark before the first key. */
static void
test_bom(void)
{
	sohoa_conf c;
	sohoa_error err;

	CHECKM(load_text(&c, "\xEF\xBB\xBFinbox = /srv/bom\r\nworkers = 3\r\n", &err) == SOHOA_OK,
	    err.msg);
	CHECK_STR(c.inbox, "/srv/bom");
	CHECK_INT(c.workers, 3);
	sohoa_conf_release(&c);
}

/* Lenient loading (read-only commands): bad lines are skipped, the first
 * problem is the warning, every good line is taken. */
static void
test_lenient(void)
{
	sohoa_conf c;
	sohoa_error err, warn;

	write_text("c.conf", "inbox = /srv/in\nstabel_delay = 3\nworkers = lots\nno equals\n"
	    "state_dir = /srv/st\ninbox = /srv/again\n");
	sohoa_conf_init(&c);
	sohoa_error_clear(&err);
	sohoa_error_clear(&warn);
	CHECK_INT(sohoa_conf_load_lenient(&c, "c.conf", &warn, &err), SOHOA_OK);
	CHECK_INT(err.status, SOHOA_OK);
	CHECK_INT(warn.status, SOHOA_FATAL);
	CHECKM(strncmp(warn.msg, "c.conf:2:", 9) == 0 && strstr(warn.msg, "stabel_delay"), warn.msg);
	CHECK_STR(c.inbox, "/srv/in");
	CHECK_STR(c.state_dir, "/srv/st");
	CHECK_INT(c.workers, 0);
	sohoa_conf_release(&c);
	sohoa_conf_init(&c);
	sohoa_error_clear(&warn);
	CHECK_INT(sohoa_conf_load_lenient(&c, "no-such.conf", &warn, &err), SOHOA_FATAL);
	sohoa_conf_release(&c);
}

static void
test_bad_int(void)
{
	check_refused("workers = 2\nmax_pages = 12x\n", 2, "max_pages");
	check_refused("\nmax_pages = \n", 2, "max_pages");
	/* '#' starts a comment only on a line of its own. */
	check_refused("workers = 4 # four\n", 1, "workers");
	/* Beyond long long. */
	check_refused("\n\n\nmax_file_size = 99999999999999999999\n", 4, "max_file_size");
}

static void
test_out_of_range(void)
{
	check_refused("\nworkers = 257\n", 2, "workers");
	check_refused("\n\nrescan_interval = 0\n", 3, "rescan_interval");
	check_refused("min_free_mb = -1\n", 1, "min_free_mb");
	check_refused("max_pixels = 4000000001\n", 1, "max_pixels");
	check_refused("incomplete_grace = -5\n", 1, "incomplete_grace");
	check_refused("\nincomplete_grace = 604801\n", 2, "incomplete_grace");
	check_refused("folder_stable_delay = 86401\n", 1, "folder_stable_delay");
}

static void
test_repeated_key(void)
{
	check_refused("workers = 2\nlanguages = vie\nworkers = 2\n", 3, "workers");
}

static void
test_missing_equals(void)
{
	check_refused("inbox = /srv/a/inbox\n\nworkers 4\n", 3, "key = value");
}

static void
test_unbalanced_quote(void)
{
	check_refused("\nlanguages = \"vie\n", 2, "languages");
}

static void
test_relative_path(void)
{
	check_refused("# x\ninbox = srv/inbox\n", 2, "inbox");
	check_refused("state_dir = \"./state\"\n", 1, "state_dir");
}

static void
test_bad_log_level(void)
{
	static const char *const ok[] = { "error", "warning", "info", "debug" };

	check_refused("workers = 1\nlog_level = verbose\n", 2, "log_level");
	check_refused("log_level = inf\n", 1, "log_level");
	check_refused("log_level = \"\"\n", 1, "log_level");
	for (size_t i = 0; i < 4; i++) {
		sohoa_conf c;
		sohoa_error err;
		char text[64];
		snprintf(text, sizeof text, "log_level = %s\n", ok[i]);
		CHECKM(load_text(&c, text, &err) == SOHOA_OK, err.msg);
		CHECK_STR(c.log_level, ok[i]);
		sohoa_conf_release(&c);
	}
}

static void
test_finish_quarantine_beside_inbox(void)
{
	static const struct { const char *inbox, *quarantine; } cases[] = {
		{ "/srv/x/inbox", "/srv/x/quarantine" },
		{ "/srv/x/inbox/", "/srv/x/quarantine" },
		{ "/srv/x//inbox//", "/srv/x/quarantine" },
		{ "/inbox", "/quarantine" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sohoa_conf c;
		sohoa_error err;
		sohoa_conf_init(&c);
		sohoa_error_clear(&err);
		CHECKM(sohoa_conf_set(&c, "inbox", cases[i].inbox, "test", &err) == SOHOA_OK,
		    err.msg);
		CHECKM(sohoa_conf_finish(&c, &err) == SOHOA_OK, err.msg);
		CHECK_STR(c.quarantine, cases[i].quarantine);
		sohoa_conf_release(&c);
	}
}

static void
test_finish_workers_zero_is_cores(void)
{
	sohoa_conf c;
	sohoa_error err;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	sohoa_conf_init(&c);
	sohoa_error_clear(&err);
	CHECKM(sohoa_conf_set(&c, "workers", "0", "test", &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_conf_finish(&c, &err) == SOHOA_OK, err.msg);
	CHECK_INT(c.workers, cores > 0 ? cores : 1);
	sohoa_conf_release(&c);
}

/* finish() on inbox/key=value; returns the status, message into msg. */
static sohoa_status
finish_with(const char *inbox, const char *key, const char *value, char *msg, size_t size)
{
	sohoa_conf c;
	sohoa_error err;
	sohoa_status st;

	sohoa_conf_init(&c);
	sohoa_error_clear(&err);
	CHECKM(sohoa_conf_set(&c, "inbox", inbox, "test", &err) == SOHOA_OK, err.msg);
	CHECKM(sohoa_conf_set(&c, key, value, "test", &err) == SOHOA_OK, err.msg);
	st = sohoa_conf_finish(&c, &err);
	snprintf(msg, size, "%s", err.msg);
	sohoa_conf_release(&c);
	return st;
}

static void
test_finish_refuses_folders_inside_inbox(void)
{
	char msg[512];

	CHECK_INT(finish_with("/srv/in", "quarantine", "/srv/in/q", msg, sizeof msg), SOHOA_FATAL);
	CHECKM(strstr(msg, "/srv/in/q") != NULL, msg);
	CHECK_INT(finish_with("/srv/in", "state_dir", "/srv/in/state", msg, sizeof msg),
	    SOHOA_FATAL);
	CHECKM(strstr(msg, "/srv/in/state") != NULL, msg);
	CHECK_INT(finish_with("/srv/in", "state_dir", "/srv/in", msg, sizeof msg), SOHOA_FATAL);
	/* A sibling whose name merely starts like the inbox is fine. */
	CHECKM(finish_with("/srv/in", "state_dir", "/srv/inbox-state", msg, sizeof msg)
	    == SOHOA_OK, msg);
}

/* web_listen: ADDRESS:PORT, checked by finish; web_cert and web_key go
 * together. */
static void
test_web_keys(void)
{
	char host[64], msg[512];
	int port = 0;

	CHECK_INT(sohoa_conf_web_listen("0.0.0.0:8443", host, &port), 0);
	CHECK_STR(host, "0.0.0.0");
	CHECK_INT(port, 8443);
	CHECK_INT(sohoa_conf_web_listen("[::1]:443", host, &port), 0);
	CHECK_STR(host, "::1");
	CHECK_INT(sohoa_conf_web_listen("*:80", host, &port), 0);
	CHECK_STR(host, "0.0.0.0");
	CHECK_INT(sohoa_conf_web_listen("127.0.0.1", host, &port), -1);
	CHECK_INT(sohoa_conf_web_listen("127.0.0.1:0", host, &port), -1);
	CHECK_INT(sohoa_conf_web_listen("127.0.0.1:70000", host, &port), -1);
	CHECK_INT(sohoa_conf_web_listen("localhost:8443", host, &port), -1);
	CHECK_INT(sohoa_conf_web_listen(":8443", host, &port), -1);
	CHECK_INT(finish_with("/srv/in", "web_listen", "8443", msg, sizeof msg), SOHOA_FATAL);
	CHECKM(strstr(msg, "web_listen") != NULL, msg);
	CHECK_INT(finish_with("/srv/in", "web_cert", "/etc/sohoa/web.pem", msg, sizeof msg),
	    SOHOA_FATAL);
	CHECKM(strstr(msg, "web_key") != NULL, msg);
	CHECKM(finish_with("/srv/in", "web_listen", "127.0.0.1:9443", msg, sizeof msg) == SOHOA_OK,
	    msg);
	{
		sohoa_conf c;
		sohoa_error err;
		sohoa_conf_init(&c);
		sohoa_error_clear(&err);
		CHECK_INT(sohoa_conf_set(&c, "web_tls", "maybe", "test", &err), SOHOA_FATAL);
		CHECK_INT(sohoa_conf_set(&c, "web_session_minutes", "0", "test", &err), SOHOA_FATAL);
		CHECK_STR(c.web_tls, "on");
		CHECK_INT(c.web_session_minutes, 30);
		CHECK_INT(c.web_grant_days, 30);
		/* The search cache: 0 turns it off, negative or huge is refused. */
		CHECK_INT(c.web_search_cache, 256);
		CHECK_INT(c.web_search_cache_seconds, 300);
		CHECK_INT(sohoa_conf_set(&c, "web_search_cache", "0", "test", &err), SOHOA_OK);
		CHECK_INT(c.web_search_cache, 0);
		CHECK_INT(sohoa_conf_set(&c, "web_search_cache", "-1", "test", &err), SOHOA_FATAL);
		CHECK_INT(sohoa_conf_set(&c, "web_search_cache", "100001", "test", &err), SOHOA_FATAL);
		CHECK_INT(sohoa_conf_set(&c, "web_search_cache_seconds", "0", "test", &err),
		    SOHOA_FATAL);
		CHECK_INT(c.web_search_cache_seconds, 300);
		sohoa_conf_release(&c);
	}
}

/* The same rule when the inbox is written with a trailing slash, as people
 * do when they paste a folder path. */
static void
test_finish_refuses_inside_inbox_with_trailing_slash(void)
{
	char msg[512];

	CHECKM(finish_with("/srv/in/", "state_dir", "/srv/in/state", msg, sizeof msg)
	    == SOHOA_FATAL, "state_dir inside inbox '/srv/in/' was accepted");
	CHECKM(finish_with("/srv/in/", "quarantine", "/srv/in/q", msg, sizeof msg)
	    == SOHOA_FATAL, "quarantine inside inbox '/srv/in/' was accepted");
}

static void
test_write_reloads_equal(void)
{
	sohoa_conf a, b;
	sohoa_error err;
	FILE *f;

	sohoa_conf_init(&a);
	sohoa_error_clear(&err);
	CHECK(sohoa_conf_set(&a, "inbox", "/srv/Sở Nội vụ/hộp thư", "t", &err) == SOHOA_OK);
	CHECK(sohoa_conf_set(&a, "quarantine", "/srv/q uarantine", "t", &err) == SOHOA_OK);
	CHECK(sohoa_conf_set(&a, "state_dir", "/var/lib/s", "t", &err) == SOHOA_OK);
	CHECK(sohoa_conf_set(&a, "languages", "vie", "t", &err) == SOHOA_OK);
	CHECK(sohoa_conf_set(&a, "tessdata", "/usr/share/tessdata best", "t", &err) == SOHOA_OK);
	CHECK(sohoa_conf_set(&a, "workers", "7", "t", &err) == SOHOA_OK);
	CHECK(sohoa_conf_set(&a, "rescan_interval", "86400", "t", &err) == SOHOA_OK);
	CHECK(sohoa_conf_set(&a, "stable_delay", "0", "t", &err) == SOHOA_OK);
	CHECK(sohoa_conf_set(&a, "max_pixels", "123456789", "t", &err) == SOHOA_OK);
	CHECK(sohoa_conf_set(&a, "max_pages", "9", "t", &err) == SOHOA_OK);
	CHECK(sohoa_conf_set(&a, "max_file_size", "1", "t", &err) == SOHOA_OK);
	CHECK(sohoa_conf_set(&a, "page_timeout", "86400", "t", &err) == SOHOA_OK);
	CHECK(sohoa_conf_set(&a, "max_attempts", "100", "t", &err) == SOHOA_OK);
	CHECK(sohoa_conf_set(&a, "worker_memory_mb", "2048", "t", &err) == SOHOA_OK);
	CHECK(sohoa_conf_set(&a, "min_free_mb", "0", "t", &err) == SOHOA_OK);
	CHECK(sohoa_conf_set(&a, "log_level", "warning", "t", &err) == SOHOA_OK);
	CHECKM(err.status == SOHOA_OK, err.msg);

	f = fopen("out.conf", "w");
	CHECK(f != NULL);
	if (!f)
		return;
	sohoa_conf_write(&a, f);
	CHECK(fclose(f) == 0);

	sohoa_conf_init(&b);
	CHECKM(sohoa_conf_load(&b, "out.conf", &err) == SOHOA_OK, err.msg);
	CHECK_STR(b.inbox, a.inbox);
	CHECK_STR(b.quarantine, a.quarantine);
	CHECK_STR(b.state_dir, a.state_dir);
	CHECK_STR(b.languages, a.languages);
	CHECK_STR(b.tessdata, a.tessdata);
	CHECK_INT(b.workers, a.workers);
	CHECK_INT(b.rescan_interval, a.rescan_interval);
	CHECK_INT(b.stable_delay, a.stable_delay);
	CHECK_INT(b.max_pixels, a.max_pixels);
	CHECK_INT(b.max_pages, a.max_pages);
	CHECK_INT(b.max_file_size, a.max_file_size);
	CHECK_INT(b.page_timeout, a.page_timeout);
	CHECK_INT(b.max_attempts, a.max_attempts);
	CHECK_INT(b.worker_memory_mb, a.worker_memory_mb);
	CHECK_INT(b.min_free_mb, a.min_free_mb);
	CHECK_STR(b.log_level, a.log_level);
	sohoa_conf_release(&a);
	sohoa_conf_release(&b);
}

/* The defaults written out are a valid file that loads to the defaults. */
static void
test_write_defaults_reloads(void)
{
	sohoa_conf a, b;
	sohoa_error err;
	FILE *f = fopen("def.conf", "w");

	CHECK(f != NULL);
	if (!f)
		return;
	sohoa_conf_init(&a);
	sohoa_conf_write(&a, f);
	CHECK(fclose(f) == 0);
	sohoa_conf_init(&b);
	sohoa_error_clear(&err);
	CHECKM(sohoa_conf_load(&b, "def.conf", &err) == SOHOA_OK, err.msg);
	CHECK_STR(b.quarantine, "");
	CHECK_STR(b.tessdata, "");
	CHECK_INT(b.max_file_size, a.max_file_size);
	CHECK_STR(b.log_level, a.log_level);
	sohoa_conf_release(&a);
	sohoa_conf_release(&b);
}

static void
test_conf_path(void)
{
	const char *saved = getenv("SOHOA_CONF");
	char *keep = saved ? strdup(saved) : NULL;

	CHECK(setenv("SOHOA_CONF", "/env/sohoa.conf", 1) == 0);
	CHECK_STR(sohoa_conf_path("/explicit/x.conf"), "/explicit/x.conf");
	CHECK_STR(sohoa_conf_path(NULL), "/env/sohoa.conf");
	CHECK(setenv("SOHOA_CONF", "", 1) == 0);
	CHECK_STR(sohoa_conf_path(NULL), SOHOA_CONF_DEFAULT_PATH);
	CHECK(unsetenv("SOHOA_CONF") == 0);
	CHECK_STR(sohoa_conf_path(NULL), SOHOA_CONF_DEFAULT_PATH);
	CHECK_STR(sohoa_conf_path(NULL), "/etc/sohoa/sohoa.conf");
	if (keep) {
		setenv("SOHOA_CONF", keep, 1);
		free(keep);
	}
}

int
main(void)
{
	TEST_RUN(test_defaults);
	TEST_RUN(test_valid_file);
	TEST_RUN(test_missing_file);
	TEST_RUN(test_unknown_key);
	TEST_RUN(test_unknown_key_nearest);
	TEST_RUN(test_bom);
	TEST_RUN(test_lenient);
	TEST_RUN(test_bad_int);
	TEST_RUN(test_out_of_range);
	TEST_RUN(test_repeated_key);
	TEST_RUN(test_missing_equals);
	TEST_RUN(test_unbalanced_quote);
	TEST_RUN(test_relative_path);
	TEST_RUN(test_bad_log_level);
	TEST_RUN(test_finish_quarantine_beside_inbox);
	TEST_RUN(test_finish_workers_zero_is_cores);
	TEST_RUN(test_finish_refuses_folders_inside_inbox);
	TEST_RUN(test_finish_refuses_inside_inbox_with_trailing_slash);
	TEST_RUN(test_write_reloads_equal);
	TEST_RUN(test_write_defaults_reloads);
	TEST_RUN(test_conf_path);
	TEST_RUN(test_web_keys);
	return TEST_DONE();
}
