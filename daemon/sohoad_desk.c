/*
 * sohoad_desk.c - what the văn thư asks for on /quarantine in sohoa-web,
 * carried out by sohoad, and the previews of the quarantined files.
 * sohoa-web runs as its own user: it cannot read the quarantine's files
 * nor write the inbox (SECURITY.md), so it queues desk requests (desk.h,
 * invariant 5) and serves previews sohoad made (invariant 6).
 *
 * Requests (retry, delete, keep both, drop) are quick file and catalog
 * operations: they run in the loop, with the library code the CLI and the
 * desk use (sohoa_quarantine_retry, sohoa_quarantine_delete,
 * sohoa_duplicate_*), and name the requesting person in the events.
 *
 * A preview is decoding a file nobody vouches for: it is done in a child
 * process that limits itself first (sohoa_preview_child: address space as
 * an OCR worker's, CPU time, file size) and writes into a memfd; the loop
 * reaps it without waiting, kills it after PREVIEW_DEADLINE seconds, and
 * stores what it wrote (sohoa_preview_store).  A quarantined record with
 * no preview yet gets one within PREVIEW_POLL seconds: files quarantined
 * now and files quarantined before this version alike; a file replaced
 * in the quarantine folder since (another inode, size or time) gets a new
 * one within PREVIEW_STALE_POLL seconds.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sohoa/desk.h"
#include "sohoa/engine.h"
#include "sohoad.h"
#include "sohoad_desk.h"

#define DESK_POLL 1.0          /* the request queue, seconds */
#define PREVIEW_POLL 2.0       /* missing previews */
#define PREVIEW_STALE_POLL 10.0 /* previews of files replaced since */
#define PREVIEW_DEADLINE 60.0  /* wall clock for one preview */
#define PREVIEW_CPU 30         /* CPU seconds for one preview */
#define PREVIEW_MEMORY_MB 1024 /* when worker_memory_mb is not set */
#define AGENT "sohoad " SOHOA_VERSION

void
sohoad_desk_init(struct sohoad_desk *d, sohoa_catalog *cat)
{
	int n;

	memset(d, 0, sizeof *d);
	d->fd = -1;
	n = sohoa_desk_request_fail_running(cat, "bị ngắt: sohoad đã khởi động lại, hãy yêu cầu"
	    " lại — interrupted: sohoad restarted, ask again");
	if (n > 0)
		sohoad_log(SOHOA_LOG_WARNING, 0, "%d desk request(s) interrupted by a restart marked"
		    " failed", n);
}

/* One request, carried out: ok 1/0 and the message for the page. */
static int
carry_out(const sohoa_conf *conf, sohoa_catalog *cat, const sohoa_desk_request *q, char *msg,
    size_t size)
{
	sohoa_quarantined qf;
	sohoa_error err;
	char dest[4096], detail[4400];

	sohoa_error_clear(&err);
	switch (q->action) {
	case SOHOA_DESK_RETRY:
		if (!sohoa_quarantine_get(cat, q->record_id, &qf)) {
			snprintf(msg, size, "tài liệu %lld không còn trong thư mục cách ly — record"
			    " %lld is no longer in the quarantine", (long long)q->record_id,
			    (long long)q->record_id);
			return 0;
		}
		if (sohoa_quarantine_retry(conf, cat, qf.qname, dest, sizeof dest, &err) != SOHOA_OK)
			break;
		snprintf(detail, sizeof detail, "returned to the inbox from the web by %s: %s",
		    q->requested_by, dest);
		sohoa_catalog_event_add(cat, q->record_id, "retry", AGENT " (requested on the web)",
		    "success", detail, NULL);
		sohoa_preview_forget(conf, cat, q->record_id);
		snprintf(msg, size, "đã trả tệp về thư mục nhận — returned to the inbox");
		return 1;
	case SOHOA_DESK_DELETE:
		if (sohoa_quarantine_delete(conf, cat, q->record_id, q->requested_by, &err)
		    != SOHOA_OK)
			break;
		sohoa_preview_forget(conf, cat, q->record_id);
		snprintf(msg, size, "đã xóa tệp khỏi thư mục cách ly — deleted from the quarantine");
		return 1;
	case SOHOA_DESK_KEEP:
		if (sohoa_duplicate_keep_both(cat, q->record_id, q->requested_by, &err) != SOHOA_OK)
			break;
		snprintf(msg, size, "đã giữ cả hai tài liệu — both kept");
		return 1;
	case SOHOA_DESK_DROP:
		if (sohoa_duplicate_drop(cat, q->record_id, q->drop_id, q->requested_by, &err)
		    != SOHOA_OK)
			break;
		snprintf(msg, size, "đã bỏ tài liệu %lld — record %lld dropped",
		    (long long)q->drop_id, (long long)q->drop_id);
		return 1;
	}
	snprintf(msg, size, "%s", err.msg[0] ? err.msg : "không thực hiện được — failed");
	return 0;
}

static void
requests(const sohoa_conf *conf, sohoa_catalog *cat)
{
	sohoa_desk_request q;
	sohoa_error err;
	char msg[600];
	int got, ok;

	for (int i = 0; i < 20; i++) {
		sohoa_error_clear(&err);
		if ((got = sohoa_desk_request_claim(cat, &q, &err)) <= 0) {
			if (got < 0)
				sohoad_log(SOHOA_LOG_WARNING, 0, "desk requests: %s", err.msg);
			return;
		}
		ok = carry_out(conf, cat, &q, msg, sizeof msg);
		sohoa_error_clear(&err);
		if (sohoa_desk_request_finish(cat, q.id, ok, msg, &err) != SOHOA_OK)
			sohoad_log(SOHOA_LOG_WARNING, 0, "desk request %lld: %s", (long long)q.id,
			    err.msg);
		sohoad_log(ok ? SOHOA_LOG_INFO : SOHOA_LOG_WARNING, q.record_id, "%s requested on"
		    " the web by %s: %s", sohoa_desk_action_key(q.action), q.requested_by, msg);
	}
}

/* The child is gone (status from waitpid): its preview stored. */
static void
reaped(struct sohoad_desk *d, const sohoa_conf *conf, sohoa_catalog *cat, int status)
{
	sohoa_quarantined q;
	sohoa_error err;
	char *note = NULL;

	sohoa_error_clear(&err);
	if (sohoa_quarantine_get(cat, d->preview_id, &q)) {
		(void)sohoa_quarantine_reason_file(conf, &q, &note, &err);
		sohoa_error_clear(&err);
		if (sohoa_preview_store(conf, cat, d->preview_id, d->fd, status, note, d->file_sig,
		    &err) != SOHOA_OK)
			sohoad_log(SOHOA_LOG_WARNING, d->preview_id, "preview: %s", err.msg);
		free(note);
	}
	close(d->fd);
	d->fd = -1;
	d->pid = 0;
	d->preview_id = 0;
}

static void
previews(struct sohoad_desk *d, const sohoa_conf *conf, sohoa_catalog *cat, double now)
{
	sohoa_quarantined q;
	int64_t id;
	int status = 0;
	pid_t pid;

	if (d->pid > 0) {
		pid = waitpid(d->pid, &status, WNOHANG);
		if (pid == 0 && now >= d->deadline) {
			kill(d->pid, SIGKILL);
			while ((pid = waitpid(d->pid, &status, 0)) < 0 && errno == EINTR)
				;
		}
		if (pid == d->pid)
			reaped(d, conf, cat, status);
		else if (pid < 0 && errno == ECHILD)
			reaped(d, conf, cat, 0x7f00);   /* unknown: stored as no preview */
		if (d->pid > 0)
			return;
	}
	if (now < d->next_preview)
		return;
	d->next_preview = now + PREVIEW_POLL;
	/* A file the văn thư replaced in the quarantine folder: made again. */
	if (now >= d->next_stale) {
		int64_t stale[8];
		int n = sohoa_preview_stale(conf, cat, stale, 8);
		d->next_stale = now + PREVIEW_STALE_POLL;
		for (int i = 0; i < n; i++) {
			sohoa_preview_forget(conf, cat, stale[i]);
			sohoad_log(SOHOA_LOG_INFO, stale[i], "the quarantined file changed: its preview"
			    " is made again");
		}
	}
	if (sohoa_preview_missing(cat, &id, 1) != 1 || !sohoa_quarantine_get(cat, id, &q))
		return;
	sohoa_preview_file_sig(conf, &q, d->file_sig, sizeof d->file_sig);
	if ((d->fd = memfd_create("sohoa-preview", MFD_CLOEXEC)) < 0) {
		sohoad_log(SOHOA_LOG_WARNING, id, "preview: memfd: %s", strerror(errno));
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(sohoa_preview_child(conf, &q, d->fd, conf->worker_memory_mb > 0
		    ? conf->worker_memory_mb : PREVIEW_MEMORY_MB, PREVIEW_CPU));
	if (pid < 0) {
		sohoad_log(SOHOA_LOG_WARNING, id, "preview: fork: %s", strerror(errno));
		close(d->fd);
		d->fd = -1;
		return;
	}
	d->pid = pid;
	d->preview_id = id;
	d->deadline = now + PREVIEW_DEADLINE;
}

void
sohoad_desk_tick(struct sohoad_desk *d, const sohoa_conf *conf, sohoa_catalog *cat, double now)
{
	if (now >= d->next_check) {
		d->next_check = now + DESK_POLL;
		requests(conf, cat);
	}
	previews(d, conf, cat, now);
}

void
sohoad_desk_stop(struct sohoad_desk *d)
{
	int status;

	if (d->pid <= 0)
		return;
	kill(d->pid, SIGKILL);
	while (waitpid(d->pid, &status, 0) < 0 && errno == EINTR)
		;
	close(d->fd);
	d->fd = -1;
	d->pid = 0;
}
