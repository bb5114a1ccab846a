/*
 * sohoad - the sohoa daemon: watches the inbox (inotify and a periodic full
 * rescan), takes files once they are stable, runs the pipeline through the
 * engine, and talks to systemd.  The event loop lives here; everything that
 * can be tested without a running daemon lives in lib/.
 *
 *   sohoad [-c FILE] [-f] [-n]
 *     -c FILE  configuration file (default $SOHOA_CONF, else /etc/sohoa/sohoa.conf)
 *     -f       stay in the foreground, log to stderr
 *     -n       check the configuration and exit
 *
 * Signals: SIGTERM/SIGINT stop pickup, let running OCR finish for a few
 * seconds, requeue the rest, exit 0.  SIGHUP reloads the configuration if
 * it is valid.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

#include "sohoa/conf.h"
#include "sohoa/engine.h"
#include "sohoa/fsutil.h"
#include "sohoa/inbox.h"
#include "sohoa/ocr.h"
#include "sohoa/preflight.h"
#include "sohoa/store.h"
#include "sohoa/textsafe.h"
#include "sohoad.h"

/* The daemon's mutable state lives here, and only here. */
static sohoa_conf conf;
static int log_to_stderr;
static int log_max = SOHOA_LOG_INFO;

static int
level_of(const char *s)
{
	if (!strcmp(s, "error")) return SOHOA_LOG_ERR;
	if (!strcmp(s, "warning")) return SOHOA_LOG_WARNING;
	if (!strcmp(s, "debug")) return SOHOA_LOG_DEBUG;
	return SOHOA_LOG_INFO;
}

/*
 * Whether stderr is connected to the journal: systemd then sets
 * JOURNAL_STREAM to the device and inode of that stream (systemd.exec(5)).
 * Checking the inode, not only the variable, keeps a child that inherited
 * the variable but writes to a pipe or a terminal on plain lines.
 */
static int
stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2 || fstat(2, &st) != 0)
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

/*
 * To the journal: the message with its priority, and the record it is
 * about as the field SOHOA_RECORD (journalctl SOHOA_RECORD=42).  Elsewhere:
 * one plain line on stderr.
 */
void
sohoad_log(int level, int64_t record, const char *fmt, ...)
{
	char raw[1200], *safe;
	const char *msg;
	va_list ap;

	if (level > log_max)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof raw, fmt, ap);
	va_end(ap);
	/* Names and OCR text in a message come from the inbox: control
	 * characters shown escaped, one line (textsafe.h), in the journal as
	 * on a terminal. */
	safe = sohoa_text_terminal(raw, strlen(raw), 0, NULL);
	msg = safe ? safe : "(out of memory formatting a message)";
	if (log_to_stderr) {
		static const char *const names[] = { "emerg", "alert", "crit", "error", "warning",
			"notice", "info", "debug" };
		fprintf(stderr, "sohoad: %s: %s\n", names[level & 7], msg);
	} else if (record) {
		sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", level,
		    "SOHOA_RECORD=%lld", (long long)record, "SYSLOG_IDENTIFIER=sohoad", NULL);
	} else {
		sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", level,
		    "SYSLOG_IDENTIFIER=sohoad", NULL);
	}
	free(safe);
}

void
sohoad_set_log_level(const char *name)
{
	log_max = level_of(name);
}

int
sohoad_load_conf(sohoa_conf *c, const char *path, sohoa_error *err)
{
	sohoa_conf_init(c);
	if (access(path, F_OK) != 0 && errno == ENOENT && !getenv("SOHOA_CONF")
	    && !strcmp(path, SOHOA_CONF_DEFAULT_PATH)) {
		/* No file at the default place: the defaults are the config. */
	} else if (sohoa_conf_load(c, path, err) != SOHOA_OK) {
		return -1;
	}
	return sohoa_conf_finish(c, err) == SOHOA_OK ? 0 : -1;
}

/* The classic double fork: no controlling terminal, stdio on /dev/null. */
static int
daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (chdir("/") != 0)
		return -1;
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	return 0;
}

/*
 * -n also checks the store the configuration points at, when it has a
 * catalog already: a catalog that is not this store's is refused, and a
 * moved store is said (store.h), and so is an agency name or code still
 * the shipped placeholder or other than the store's (invariants 5-6).
 * Opening it applies pending migrations, as
 * the start would.
 */
static sohoa_status
check_store(const sohoa_conf *c, int quiet, sohoa_error *err)
{
	char path[4096], note[1024];
	sohoa_catalog *cat;
	sohoa_status st;

	if (sohoa_catalog_path(c->state_dir, path, sizeof path) && access(path, F_OK) != 0)
		return sohoa_store_check_agency(c, NULL, 0, err);
	if (!(cat = sohoa_catalog_open(path, err)))
		return err->status;
	st = sohoa_store_check(c->state_dir, cat, 0, note, sizeof note, err);
	if (st == SOHOA_OK && note[0] && !quiet)
		printf("%s\n", note);
	if (st == SOHOA_OK)
		st = sohoa_store_check_agency(c, cat, 0, err);
	sohoa_catalog_free(cat);
	return st;
}

static void
usage(void)
{
	fprintf(stderr, "usage: sohoad [-c FILE] [-f] [-n]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *conf_path = NULL;
	int foreground = 0, check_only = 0, opt;
	sohoa_error err;

	/* What it writes (spool, catalog, packages, quarantine) is never
	 * readable by others and writable by the group only where the code sets
	 * it (catalog, package tree: shared with sohoa-web), whatever umask
	 * the caller had: the unit's UMask=0027 at least (SECURITY.md). */
	umask(umask(027) | 027);
	if (argc > 1 && !strcmp(argv[1], "--ocr-worker"))
		return sohoa_ocr_worker_main(argc - 1, argv + 1);
	while ((opt = getopt(argc, argv, "c:fnhV")) != -1) {
		switch (opt) {
		case 'c': conf_path = optarg; break;
		case 'f': foreground = 1; break;
		case 'n': check_only = 1; break;
		case 'V': printf("sohoad %s\n", SOHOA_VERSION); return 0;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	conf_path = sohoa_conf_path(conf_path);
	sohoa_error_clear(&err);
	if (sohoad_load_conf(&conf, conf_path, &err) != 0) {
		fprintf(stderr, "sohoad: %s\n", err.msg);
		sohoa_conf_release(&conf);
		return 78;   /* EX_CONFIG */
	}
	if (check_only) {
		sohoa_preflight_report rep;
		int rc = check_store(&conf, 0, &err) == SOHOA_OK ? 0 : 78;
		if (rc)
			fprintf(stderr, "sohoad: %s\n", err.msg);
		/* What the run needs beyond the file itself (preflight.h). */
		if (sohoa_preflight_run(&conf, &rep))
			rc = 78;
		for (int k = 0; k < rep.n; k++)
			fprintf(rep.items[k].error ? stderr : stdout, "sohoad: %s: %s\n",
			    rep.items[k].error ? "lỗi (error)" : "lưu ý (warning)", rep.items[k].msg);
		if (!rc)
			printf("%s: configuration OK\n", conf_path);
		sohoa_conf_release(&conf);
		return rc;
	}
	/*
	 * Under systemd (NOTIFY_SOCKET, or stderr is the journal) the daemon
	 * never forks.  It logs to the journal with structured fields when
	 * stderr is the journal, else plain lines on stderr (-f, tests, a
	 * supervisor that is not systemd).  Without either it detaches like a
	 * classic daemon and logs to the journal (or syslog through it).
	 */
	if (stderr_is_journal())
		log_to_stderr = 0;
	else if (foreground || getenv("NOTIFY_SOCKET"))
		log_to_stderr = 1;
	else if (daemonize() != 0) {
		fprintf(stderr, "sohoad: cannot detach: %s\n", strerror(errno));
		return 1;
	}
	sohoad_set_log_level(conf.log_level);
	/* A store this configuration must not write (another store's catalog,
	 * the agency placeholders, another agency_code): 78 before anything
	 * starts, so that systemd does not restart it in a loop. */
	if (check_store(&conf, 1, &err) != SOHOA_OK) {
		sohoad_log(SOHOA_LOG_ERR, 0, "cannot start: %s", err.msg);
		sohoa_conf_release(&conf);
		return 78;
	}
	return sohoad_run(&conf, conf_path);
}

/* The engine's log callback. */
void
sohoad_engine_log(void *arg, int level, int64_t record, const char *msg)
{
	(void)arg;
	sohoad_log(level, record, "%s", msg);
}
