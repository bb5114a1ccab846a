/*
 * sohoa-web - the staff web service: search, documents, hồ sơ and the
 * requests of Chế độ sử dụng 02 in a browser, and a JSON API, over HTTPS
 * (libmicrohttpd with GnuTLS).  A separate program and service: a crash or
 * hang here never stops sohoad's ingestion.
 *
 *   sohoa-web [-c FILE] [-f] [-n]
 *     -c FILE  configuration (default: $SOHOA_CONF or /etc/sohoa/sohoa.conf)
 *     -f       stay in the foreground, log to stderr
 *     -n       check the configuration (and the certificate) and exit
 *
 * Threads: libmicrohttpd's internal pool (WEB_THREADS threads); each
 * thread opens its own catalog connection at its first request (SQLite
 * WAL lets them read beside the daemon; they write only sessions, the
 * access log and requests, with the catalog's busy timeout).  Signals set
 * a flag; the main thread stops the server and closes the connections.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "sohoa/web.h"
#include "web.h"

#define WEB_THREADS 4
#define WEB_MAX_BODY 65536

static volatile sig_atomic_t stop_flag;
static struct web_server server;

/* Every catalog connection the pool threads opened, closed at exit. */
static pthread_mutex_t cats_lock = PTHREAD_MUTEX_INITIALIZER;
static sohoa_catalog *cats[64];
static int ncats;
static _Thread_local sohoa_catalog *thread_cat;
/* The search-result cache of every connection (web_search_cache), or NULL. */
static sohoa_search_cache *search_cache;

sohoa_catalog *
web_catalog(struct web_server *srv)
{
	char path[4096];
	sohoa_error err;

	if (thread_cat)
		return thread_cat;
	sohoa_error_clear(&err);
	if (!(thread_cat = sohoa_catalog_open(sohoa_catalog_path(srv->conf.state_dir, path,
	    sizeof path), &err))) {
		fprintf(stderr, "sohoa-web: %s\n", err.msg);
		return NULL;
	}
	/* Every request writes a line of the access log: in WAL mode NORMAL
	 * keeps the catalog whole and saves an fsync per line; a power cut
	 * may lose the last lines, never the daemon's records (its own
	 * connection stays FULL). */
	sohoa_catalog_set_sync_normal(thread_cat, NULL);
	/* One search-result cache for the whole pool (search.h). */
	if (sohoa_catalog_set_search_cache(thread_cat, search_cache, &err) != SOHOA_OK)
		fprintf(stderr, "sohoa-web: %s\n", err.msg);
	pthread_mutex_lock(&cats_lock);
	if (ncats < (int)(sizeof cats / sizeof *cats))
		cats[ncats++] = thread_cat;
	pthread_mutex_unlock(&cats_lock);
	return thread_cat;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* Keeps the URI as sent (before MHD unescapes it) for the router. */
static void *
uri_log(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct web_req *r = calloc(1, sizeof *r);

	(void)conn;
	if (r) {
		r->srv = cls;
		r->raw_uri = strdup(uri ? uri : "");
	}
	return r;
}

static void
request_done(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct web_req *r = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (!r)
		return;
	if (r->pp)
		MHD_destroy_post_processor(r->pp);
	for (int i = 0; i < r->nfields; i++) {
		if (r->fields[i].value.p)
			OPENSSL_cleanse(r->fields[i].value.p, r->fields[i].value.len);
		free(r->fields[i].value.p);
	}
	free(r->raw_uri);
	free(r);
	*con_cls = NULL;
}

static enum MHD_Result
post_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
    const char *content_type, const char *encoding, const char *data, uint64_t off,
    size_t size)
{
	struct web_req *r = cls;
	struct web_field *f = NULL;

	(void)kind;
	(void)filename;
	(void)content_type;
	(void)encoding;
	(void)off;
	for (int i = 0; i < r->nfields; i++)
		if (!strcmp(r->fields[i].name, key))
			f = &r->fields[i];
	if (!f) {
		if (r->nfields == WEB_MAX_FIELDS || strlen(key) >= sizeof f->name)
			return MHD_YES;   /* not a field of ours: ignored */
		f = &r->fields[r->nfields++];
		snprintf(f->name, sizeof f->name, "%s", key);
	}
	sb_add(&f->value, data, size);
	if (!f->value.p)
		sb_str(&f->value, "");
	return f->value.oom ? MHD_NO : MHD_YES;
}

static enum MHD_Result
answer(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct web_req *r = *con_cls;
	const union MHD_ConnectionInfo *ci;

	(void)cls;
	(void)version;
	if (!r)
		return MHD_NO;
	if (!r->started) {
		r->started = 1;
		r->conn = conn;
		r->path = url;
		r->method = method;
		ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr) {
			const struct sockaddr *sa = ci->client_addr;
			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
				    r->address, sizeof r->address);
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)
				    ->sin6_addr, r->address, sizeof r->address);
		}
		if (!strcmp(method, "POST"))
			r->pp = MHD_create_post_processor(conn, 16384, post_field, r);
		/* Answered at the next call, once the whole request is in: a
		 * response queued at the first call makes libmicrohttpd discard
		 * the rest of the request and close the connection, so that
		 * every request paid a new TLS handshake (about 3 ms of CPU). */
		return MHD_YES;
	}
	if (*upload_data_size) {
		r->body_bytes += *upload_data_size;
		if (r->body_bytes > WEB_MAX_BODY)
			r->body_too_large = 1;
		else if (r->pp)
			MHD_post_process(r->pp, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	return web_handle(r);
}

/* '+' is a space in query strings; then the usual %XX decoding. */
static size_t
unescape(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls;
	(void)conn;
	for (char *p = s; *p; p++)
		if (*p == '+')
			*p = ' ';
	return MHD_http_unescape(s);
}

static void
usage(void)
{
	fprintf(stderr, "usage: sohoa-web [-c FILE] [-f] [-n]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *conf_path = NULL;
	char host[64], *cert = NULL, *key = NULL, cpath[4096], kpath[4096], fp[96];
	size_t cert_len = 0, key_len = 0;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	struct sockaddr *sa;
	struct MHD_Daemon *d;
	unsigned flags;
	int foreground = 0, check_only = 0, opt, port;
	sohoa_error err;
	sohoa_catalog *cat;

	/* Each login hashes with Argon2id in 19 MiB.  glibc would raise its
	 * mmap threshold after the first such block is freed and then keep
	 * the next ones in each thread's arena for good; a fixed threshold
	 * gives them back at once, and two arenas are enough for four
	 * threads that mostly wait on SQLite. */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
	mallopt(M_ARENA_MAX, 2);
	while ((opt = getopt(argc, argv, "c:fnhV")) != -1) {
		switch (opt) {
		case 'c': conf_path = optarg; break;
		case 'f': foreground = 1; break;
		case 'n': check_only = 1; break;
		case 'V': printf("sohoa-web %s\n", SOHOA_VERSION); return 0;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	conf_path = sohoa_conf_path(conf_path);
	sohoa_conf_init(&server.conf);
	sohoa_error_clear(&err);
	if (sohoa_conf_load(&server.conf, conf_path, &err) != SOHOA_OK
	    || sohoa_conf_finish(&server.conf, &err) != SOHOA_OK) {
		fprintf(stderr, "sohoa-web: %s\n", err.msg);
		sohoa_conf_release(&server.conf);
		return 78;
	}
	server.tls = !strcmp(server.conf.web_tls, "on");
	sohoa_conf_web_listen(server.conf.web_listen, host, &port);
	if (check_only) {
		/* A configured certificate must be readable; a self-signed one is
		 * made at the first real start, not by a check. */
		if (server.tls && server.conf.web_cert[0]
		    && (sohoa_web_cert_fingerprint(server.conf.web_cert, fp, &err) != SOHOA_OK
		    || access(server.conf.web_key, R_OK) != 0)) {
			fprintf(stderr, "sohoa-web: web_cert/web_key: %s\n", err.msg[0] ? err.msg
			    : strerror(errno));
			sohoa_conf_release(&server.conf);
			return 78;
		}
		printf("%s: configuration OK\n", conf_path);
		sohoa_conf_release(&server.conf);
		return 0;
	}
	if (server.tls && sohoa_web_cert_load(&server.conf, &cert, &cert_len, &key, &key_len, &err)
	    != SOHOA_OK) {
		fprintf(stderr, "sohoa-web: chứng chỉ TLS — TLS certificate: %s\n", err.msg);
		sohoa_conf_release(&server.conf);
		return 1;
	}
	if (server.conf.web_search_cache > 0) {
		char path[4096];

		if (!(search_cache = sohoa_search_cache_new(sohoa_catalog_path(server.conf.state_dir,
		    path, sizeof path), (int)server.conf.web_search_cache,
		    server.conf.web_search_cache_seconds, &err))) {
			fprintf(stderr, "sohoa-web: %s\n", err.msg);
			free(cert);
			free(key);
			sohoa_conf_release(&server.conf);
			return 1;
		}
	}
	/* The catalog must open (and be migrated) before we say we are ready. */
	if (!(cat = web_catalog(&server))) {
		free(cert);
		free(key);
		sohoa_conf_release(&server.conf);
		return 1;
	}
	memset(&sin, 0, sizeof sin);
	memset(&sin6, 0, sizeof sin6);
	if (strchr(host, ':')) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &sin6.sin6_addr) != 1)
			goto bad_addr;
		sa = (struct sockaddr *)&sin6;
	} else {
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
			goto bad_addr;
		sa = (struct sockaddr *)&sin;
	}
	if (!foreground && !getenv("NOTIFY_SOCKET") && daemon(0, 0) != 0) {
		fprintf(stderr, "sohoa-web: cannot detach: %s\n", strerror(errno));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGHUP, SIG_IGN);
	flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG
	    | (sa->sa_family == AF_INET6 ? MHD_USE_IPv6 : 0) | (server.tls ? MHD_USE_TLS : 0);
	if (server.tls)
		d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, answer, &server,
		    MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)WEB_THREADS,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
		    MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
		    MHD_OPTION_URI_LOG_CALLBACK, uri_log, &server,
		    MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
		    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
		    MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_HTTPS_MEM_CERT, cert,
		    MHD_OPTION_END);
	else
		d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, answer, &server,
		    MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)WEB_THREADS,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
		    MHD_OPTION_CONNECTION_LIMIT, (unsigned)256,
		    MHD_OPTION_URI_LOG_CALLBACK, uri_log, &server,
		    MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
		    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
		    MHD_OPTION_END);
	if (key)
		OPENSSL_cleanse(key, key_len);
	if (!d) {
		fprintf(stderr, "sohoa-web: không mở được cổng %s — cannot listen on %s\n",
		    server.conf.web_listen, server.conf.web_listen);
		free(cert);
		free(key);
		sohoa_conf_release(&server.conf);
		return 1;
	}
	sohoa_web_cert_paths(&server.conf, cpath, kpath, sizeof cpath);
	if (server.tls && sohoa_web_cert_fingerprint(cpath, fp, &err) == SOHOA_OK)
		fprintf(stderr, "sohoa-web: https://%s:%d/ — chứng chỉ SHA-256 %s\n",
		    strchr(host, ':') ? "[::]" : host, port, fp);
	else
		fprintf(stderr, "sohoa-web: http://%s:%d/ (web_tls = off)\n", host, port);
	sd_notify(0, "READY=1");
	while (!stop_flag)
		pause();
	sd_notify(0, "STOPPING=1");
	MHD_stop_daemon(d);
	free(cert);
	free(key);
	if (search_cache) {
		sohoa_search_cache_stats sc;

		sohoa_search_cache_stats_get(search_cache, &sc);
		fprintf(stderr, "sohoa-web: search cache: %lld hits, %lld misses, %lld invalidations,"
		    " %lld expired, %lld evictions, %zu entries, %zu bytes held\n", sc.hits,
		    sc.misses, sc.invalidations, sc.expired, sc.evictions, sc.entries, sc.bytes);
	}
	for (int i = 0; i < ncats; i++)
		sohoa_catalog_free(cats[i]);
	sohoa_search_cache_free(search_cache);
	sohoa_conf_release(&server.conf);
	return 0;
bad_addr:
	fprintf(stderr, "sohoa-web: web_listen: bad address '%s'\n", host);
	return 78;
}
