/*
 * sohoad_export.c - the monthly exports a person asked for on the web
 * (/exports in sohoa-web), run by sohoad.  sohoa-web cannot read the
 * signing key, so it only queues a request (desk.h); the daemon claims it
 * and runs sohoa_export_run() - the library code of 'sohoa export' - in a
 * child process, so that the event loop (pickup, OCR results, the systemd
 * watchdog) goes on while a bundle is built and signed.  The child opens
 * its own catalog connection (an SQLite connection never crosses a fork),
 * records the outcome on the request and exits; the parent reaps it, and
 * fails the request if the child died without saying.
 */
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sohoa/desk.h"
#include "sohoa/export.h"
#include "sohoa/package.h"
#include "sohoa/sign.h"
#include "sohoad.h"
#include "sohoad_export.h"

/* How often the queue is looked at, in seconds. */
#define EXPORT_POLL 2.0

/* The child: runs the request and exits.  Never returns. */
static void __attribute__((noreturn))
run_request(const sohoa_conf *conf, const sohoa_export_request *req)
{
	sigset_t none;
	sohoa_error err;
	sohoa_catalog *cat = NULL;
	sohoa_package_schemas *sch = NULL;
	sohoa_signer *signer = NULL;
	sohoa_export_opts o;
	sohoa_export_result r;
	sohoa_status st = SOHOA_FATAL;
	char path[4096], agent[200], msg[1200];

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* As 'sohoa export' does: zip entry times are local, one zone for all. */
	setenv("TZ", "UTC0", 1);
	tzset();
	sohoa_error_clear(&err);
	memset(&r, 0, sizeof r);
	if (!(cat = sohoa_catalog_open(sohoa_catalog_path(conf->state_dir, path, sizeof path),
	    &err)))
		_exit(3);
	if (!sohoa_signer_configured(conf)) {
		snprintf(msg, sizeof msg, "chưa cấu hình khóa ký số (sign_key), không xuất gói chưa"
		    " ký — signing is not configured; an unsigned bundle is never written");
	} else if (!(sch = sohoa_package_schemas_open(conf->schema_dir, &err))
	    || !(signer = sohoa_signer_open(conf, &err))) {
		snprintf(msg, sizeof msg, "%s", err.msg);
	} else {
		snprintf(agent, sizeof agent, "sohoad %s (export requested on the web by %s)",
		    SOHOA_VERSION, req->requested_by);
		memset(&o, 0, sizeof o);
		o.month = req->month;
		o.force = req->force;
		o.agent = agent;
		st = sohoa_export_run(conf, cat, signer, sch, &o, &r, &err);
		if (st != SOHOA_OK)
			snprintf(msg, sizeof msg, "%s", err.msg);
		else if (r.already)
			snprintf(msg, sizeof msg, "tháng %s đã được xuất rồi; muốn xuất lại thì xác nhận"
			    " — already exported; confirm to export it again", req->month);
		else if (r.empty)
			snprintf(msg, sizeof msg, "tháng %s không có tài liệu nào cần xuất — nothing"
			    " to export", req->month);
		else
			snprintf(msg, sizeof msg, "đã xuất %d tài liệu trong %d gói SIP (%s) — %d"
			    " documents exported in %d SIPs", r.records, r.sips, r.path, r.records,
			    r.sips);
	}
	sohoa_export_request_finish(cat, req->id, st == SOHOA_OK, msg, r.bundle_id, &err);
	sohoad_log(st == SOHOA_OK ? SOHOA_LOG_INFO : SOHOA_LOG_WARNING, 0,
	    "export of %s requested by %s: %s", req->month, req->requested_by, msg);
	sohoa_signer_free(signer);
	sohoa_package_schemas_free(sch);
	sohoa_catalog_free(cat);
	_exit(st == SOHOA_OK ? 0 : 1);
}

void
sohoad_export_init(struct sohoad_exporter *x, sohoa_catalog *cat)
{
	int n;

	memset(x, 0, sizeof x[0]);
	n = sohoa_export_request_fail_running(cat, "bị ngắt: sohoad đã khởi động lại, hãy yêu cầu"
	    " lại — interrupted: sohoad restarted, ask again");
	if (n > 0)
		sohoad_log(SOHOA_LOG_WARNING, 0, "%d export request(s) interrupted by a restart"
		    " marked failed", n);
}

/* The child is gone: if it did not record an outcome, the request fails. */
static void
reaped(struct sohoad_exporter *x, sohoa_catalog *cat, int status)
{
	sohoa_export_request req;
	sohoa_error err;
	char msg[200];

	if (sohoa_export_request_get(cat, x->req_id, &req) && !strcmp(req.state, "running")) {
		if (WIFSIGNALED(status))
			snprintf(msg, sizeof msg, "tiến trình xuất bị dừng (tín hiệu %d) — the export"
			    " process was killed (signal %d)", WTERMSIG(status), WTERMSIG(status));
		else
			snprintf(msg, sizeof msg, "tiến trình xuất kết thúc mà không báo kết quả (mã %d)"
			    " — the export process ended without an outcome (exit %d)",
			    WEXITSTATUS(status), WEXITSTATUS(status));
		sohoa_error_clear(&err);
		sohoa_export_request_finish(cat, x->req_id, 0, msg, 0, &err);
		sohoad_log(SOHOA_LOG_WARNING, 0, "export request %lld: %s", (long long)x->req_id, msg);
	}
	x->pid = 0;
	x->req_id = 0;
}

void
sohoad_export_tick(struct sohoad_exporter *x, const sohoa_conf *conf, sohoa_catalog *cat,
    double now)
{
	sohoa_export_request req;
	sohoa_error err;
	int status, got;
	pid_t pid;

	if (x->pid > 0) {
		pid = waitpid(x->pid, &status, WNOHANG);
		if (pid == x->pid)
			reaped(x, cat, status);
		else if (pid < 0 && errno == ECHILD)
			reaped(x, cat, 0);
		if (x->pid > 0)
			return;
	}
	if (now < x->next_check)
		return;
	x->next_check = now + EXPORT_POLL;
	sohoa_error_clear(&err);
	if ((got = sohoa_export_request_claim(cat, &req, &err)) <= 0) {
		if (got < 0)
			sohoad_log(SOHOA_LOG_WARNING, 0, "export requests: %s", err.msg);
		return;
	}
	sohoad_log(SOHOA_LOG_INFO, 0, "export of %s%s requested by %s: starting", req.month,
	    req.force ? " (confirmed)" : "", req.requested_by);
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		run_request(conf, &req);
	if (pid < 0) {
		char msg[200];
		snprintf(msg, sizeof msg, "không chạy được việc xuất — cannot start the export: %s",
		    strerror(errno));
		sohoa_export_request_finish(cat, req.id, 0, msg, 0, &err);
		return;
	}
	x->pid = pid;
	x->req_id = req.id;
}

void
sohoad_export_stop(struct sohoad_exporter *x, sohoa_catalog *cat)
{
	int status = 0;

	if (x->pid <= 0)
		return;
	kill(x->pid, SIGTERM);
	while (waitpid(x->pid, &status, 0) < 0 && errno == EINTR)
		;
	reaped(x, cat, status);
}
