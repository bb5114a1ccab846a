/*
 * cli_ingest.c - 'sohoa ingest PATH...': the daemon's pipeline, one shot.
 * The files given are copied, never moved or changed; rejected ones are
 * reported (and, when they entered the spool, published to the quarantine).
 * A document folder (tailieu.h), given or met in a walk, is one document.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sohoa/catalog_records.h"
#include "sohoa/engine.h"
#include "sohoa/inbox.h"
#include "sohoa/json.h"
#include "sohoa/tailieu.h"
#include "cli.h"
#include "progress.h"

struct item {
	char *path;
	int64_t record;
	int rejected;           /* not even recorded */
	sohoa_reason reason;
	char msg[512];
};

struct ingest {
	struct cli *c;
	sohoa_engine *e;
	const char *root;
	struct item *items;
	size_t n, cap;
	int stop;
	struct progress bar;    /* on a terminal only (progress.h) */
	char **folders;         /* document folders taken in this walk */
	size_t nfolders;
};

static void
verbose_log(void *arg, int level, int64_t record, const char *msg)
{
	struct ingest *g = arg;

	(void)record;
	if (level <= SOHOA_LOG_WARNING) {
		if (g)
			progress_clear(&g->bar);
		fprintf(stderr, "sohoa: %s\n", cli_safe(msg));
	}
}

/* Takes root/rel: a file, or (st NULL) a document folder. */
static int
take_one(struct ingest *g, const char *root, const char *rel, const struct stat *st)
{
	sohoa_take_result res;
	sohoa_error err;
	struct item *it;
	sohoa_status rc;

	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 32;
		struct item *ni = realloc(g->items, cap * sizeof *ni);
		if (!ni)
			return -1;
		g->items = ni;
		g->cap = cap;
	}
	it = &g->items[g->n];
	memset(it, 0, sizeof *it);
	if (asprintf(&it->path, "%s/%s", root, rel) < 0)
		return -1;
	g->n++;
	progress_update(&g->bar, (long long)g->n);
	/* The files taken so far go to idle workers while this one is
	 * copied and hashed (engine.h); the last spreads in drain(). */
	sohoa_engine_dispatch(g->e, true);
	sohoa_error_clear(&err);
	rc = st ? sohoa_engine_take(g->e, root, rel, st, 0, &res, &err)
	    : sohoa_engine_take_folder(g->e, root, rel, 0, 0, &res, &err);
	it->record = res.record_id;
	if (rc != SOHOA_OK && !res.record_id) {
		it->rejected = 1;
		it->reason = err.reason;
		snprintf(it->msg, sizeof it->msg, "%s", err.msg);
	}
	if (rc == SOHOA_FATAL) {
		progress_clear(&g->bar);
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		g->stop = 1;
		return -1;
	}
	return 0;
}

static int
walk_cb(const char *rel, const struct stat *st, void *arg)
{
	struct ingest *g = arg;
	char dir[PATH_MAX], **nf;

	if (!sohoa_tailieu_folder_of(g->root, rel, dir, sizeof dir))
		return take_one(g, g->root, rel, st);
	/* A page: its folder is taken once, with all its pages. */
	for (size_t i = 0; i < g->nfolders; i++)
		if (!strcmp(g->folders[i], dir))
			return 0;
	if (!(nf = realloc(g->folders, (g->nfolders + 1) * sizeof *nf))
	    || !(nf[g->nfolders] = strdup(dir))) {
		if (nf)
			g->folders = nf;
		return -1;
	}
	g->folders = nf;
	g->nfolders++;
	return take_one(g, g->root, dir, NULL);
}

/* Runs the OCR jobs until none is waiting or running, with a progress bar
 * of the documents done on a terminal. */
static void
drain(struct ingest *g)
{
	long long jobs = sohoa_engine_pending(g->e);

	progress_end(&g->bar);
	progress_start(&g->bar, "OCR", jobs);
	while (sohoa_engine_pending(g->e) > 0) {
		struct pollfd fds[256];
		int n = sohoa_engine_pollfds(g->e, fds, 256);
		poll(fds, (nfds_t)n, 1000);
		sohoa_engine_step(g->e, fds, n);
		sohoa_engine_tick(g->e, time(NULL));
		if (sohoa_engine_pending(g->e) > jobs)   /* requeued after a failure */
			progress_set_total(&g->bar, jobs = sohoa_engine_pending(g->e));
		progress_update(&g->bar, jobs - sohoa_engine_pending(g->e));
	}
	progress_end(&g->bar);
}

static void
report(struct ingest *g, int *failures)
{
	sohoa_catalog *cat = sohoa_engine_catalog(g->e);

	if (g->c->json)
		printf("{\"files\": [");
	for (size_t i = 0; i < g->n; i++) {
		struct item *it = &g->items[i];
		const char *state = "rejected", *reason = NULL, *msg = it->msg, *qname = NULL;
		int pages = 0;
		double conf = -1;
		int64_t dup = 0;
		sohoa_record_row row;
		sohoa_error err;

		memset(&row, 0, sizeof row);
		if (!it->rejected) {
			sohoa_error_clear(&err);
			if (sohoa_catalog_record_get(cat, it->record, &row, &err) == SOHOA_OK) {
				if (sohoa_state_name(row.state))
					state = sohoa_state_name(row.state);
				reason = row.reason;
				msg = row.last_error;
				pages = row.page_count;
				if (row.has_confidence)
					conf = row.mean_confidence;
				dup = row.duplicate_of;
				qname = row.quarantine_name;
			}
		} else {
			reason = sohoa_reason_key(it->reason);
		}
		if (strcmp(state, "done") != 0)
			(*failures)++;
		if (g->c->json) {
			printf("%s\n  {\"path\": ", i ? "," : "");
			sohoa_json_string(stdout, it->path);
			printf(", \"record\": ");
			if (it->record)
				printf("%lld", (long long)it->record);
			else
				printf("null");
			printf(", \"state\": ");
			sohoa_json_string(stdout, state);
			if (!strcmp(state, "done")) {
				printf(", \"pages\": %d, \"confidence\": %.1f", pages, conf);
			} else {
				printf(", \"reason\": ");
				sohoa_json_string(stdout, reason);
				printf(", \"message\": ");
				sohoa_json_string(stdout, msg);
				if (dup)
					printf(", \"duplicate_of\": %lld", (long long)dup);
				if (qname) {
					printf(", \"quarantine_name\": ");
					sohoa_json_string(stdout, qname);
				}
			}
			printf("}");
		} else if (!strcmp(state, "done")) {
			printf("%-8lld %s — %d trang, độ tin cậy %.0f\n", (long long)it->record,
			    cli_safe(it->path), pages, conf);
		} else {
			sohoa_reason r = sohoa_reason_from_key(reason);
			printf("%-8s %s — %s: %s%s%s\n", it->record ? "" : "-", cli_safe(it->path),
			    !strcmp(state, "quarantined") ? "cách ly" : state,
			    r != SOHOA_REASON_NONE ? sohoa_reason_vi(r) : "",
			    msg && *msg ? " — " : "", msg ? cli_safe(msg) : "");
		}
		sohoa_record_row_release(&row);
	}
	if (g->c->json)
		printf("\n]}\n");
}

int
cli_ingest(struct cli *c, int argc, char **argv)
{
	struct ingest g;
	sohoa_engine_options eo = { .agent = "sohoa ingest", .log = verbose_log };
	sohoa_error err;
	int failures = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: sohoa ingest PATH...\n");
		return EXIT_USAGE;
	}
	memset(&g, 0, sizeof g);
	g.c = c;
	eo.log_arg = &g;
	progress_start(&g.bar, "Đang nhận tệp (taking files)", 0);
	sohoa_error_clear(&err);
	g.e = sohoa_engine_open(&c->conf, &eo, &err);
	if (!g.e) {
		fprintf(stderr, "sohoa: %s\n", cli_safe(err.msg));
		if (err.status == SOHOA_RETRY) {
			fprintf(stderr, "sohoa: sohoad đang chạy: hãy chép tệp vào thư mục nhận %s\n"
			    "sohoa: sohoad is running: copy the files into the inbox %s instead\n",
			    c->conf.inbox, c->conf.inbox);
			return EXIT_BUSY;
		}
		return EXIT_FAILURE_;
	}
	for (int i = 1; i < argc && !g.stop; i++) {
		struct stat st;
		char *copy, *slash;
		if (lstat(argv[i], &st) != 0) {
			fprintf(stderr, "sohoa: %s: %s\n", argv[i], strerror(errno));
			failures++;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			char parent[PATH_MAX], base[PATH_MAX], *sl;
			size_t len = strlen(argv[i]);
			/* A document folder given itself: parent/base. */
			while (len > 1 && argv[i][len - 1] == '/')
				len--;
			snprintf(parent, sizeof parent, "%.*s", (int)len, argv[i]);
			if ((sl = strrchr(parent, '/')) != NULL) {
				snprintf(base, sizeof base, "%s", sl + 1);
				if (sl == parent)
					sl[1] = '\0';
				else
					*sl = '\0';
			} else {
				snprintf(base, sizeof base, "%s", parent);
				snprintf(parent, sizeof parent, ".");
			}
			if (*base && strcmp(base, ".") && strcmp(base, "..")
			    && sohoa_tailieu_is_folder(parent, base)) {
				take_one(&g, parent, base, NULL);
				continue;
			}
			g.root = argv[i];
			if (sohoa_inbox_walk(argv[i], walk_cb, NULL, &g) != 0) {
				fprintf(stderr, "sohoa: %s: %s\n", argv[i], strerror(errno));
				failures++;
			}
			continue;
		}
		copy = strdup(argv[i]);
		if (!copy)
			break;
		slash = strrchr(copy, '/');
		if (slash) {
			*slash = '\0';
			take_one(&g, *copy ? copy : "/", slash + 1, &st);
		} else {
			take_one(&g, ".", copy, &st);
		}
		free(copy);
	}
	drain(&g);
	report(&g, &failures);
	sohoa_engine_free(g.e, 5000);
	for (size_t i = 0; i < g.n; i++)
		free(g.items[i].path);
	free(g.items);
	for (size_t i = 0; i < g.nfolders; i++)
		free(g.folders[i]);
	free(g.folders);
	return g.stop ? EXIT_FAILURE_ : failures ? EXIT_PARTIAL : 0;
}
