/*
 * conf.c - one typed table of configuration keys (after OpenBSD httpd -n,
 * Postfix CONFIG tables and Redis standardConfig).  Adding a key is adding
 * a line to the table; parsing, range checks and dumping follow from it.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sohoa/conf.h"
#include "sohoa/fsutil.h"

#ifndef SOHOA_DATADIR
#define SOHOA_DATADIR "/usr/share/sohoa"
#endif

enum conf_type { CONF_STR, CONF_INT, CONF_PATH, CONF_ENUM };

struct conf_key {
	const char *name;
	enum conf_type type;
	size_t offset;
	const char *def;           /* default, as text */
	long long min, max;        /* for CONF_INT */
	const char *choices;       /* for CONF_ENUM: "a|b|c" */
	const char *help;
};

#define OFF(f) offsetof(sohoa_conf, f)
static const struct conf_key keys[] = {
	{ "inbox", CONF_PATH, OFF(inbox), "/srv/sohoa/inbox", 0, 0, NULL,
	  "Folder the archivists drop scans into (may be an SMB/NFS share)." },
	{ "quarantine", CONF_PATH, OFF(quarantine), "", 0, 0, NULL,
	  "Folder for rejected files and their reasons; empty = 'quarantine' beside the inbox." },
	{ "state_dir", CONF_PATH, OFF(state_dir), "/var/lib/sohoa", 0, 0, NULL,
	  "Spool and catalog live here (one filesystem)." },
	{ "languages", CONF_STR, OFF(languages), "vie+eng", 0, 0, NULL,
	  "Tesseract languages: the first reads every page, all of them together only a page"
	  " the first reads with a mean confidence under language_fallback or whose words are"
	  " mostly not in its dictionary." },
	{ "language_fallback", CONF_INT, OFF(language_fallback), "70", 0, 101, NULL,
	  "A page read with the first language at a mean confidence under this is read again"
	  " with all the languages, and the more confident reading kept; 0 = never (not even a"
	  " page in another language), 101 = always." },
	{ "tessdata", CONF_STR, OFF(tessdata), "", 0, 0, NULL,
	  "Tesseract data folder; empty = Tesseract's default." },
	{ "ocr_mode", CONF_ENUM, OFF(ocr_mode), "auto", 0, 0, "auto|force|skip",
	  "auto: a PDF with a text layer keeps its text and is not OCRed; force: OCR every"
	  " page; skip: never OCR (text from PDFs' own text layers only)." },
	{ "workers", CONF_INT, OFF(workers), "0", 0, 256, NULL,
	  "OCR worker processes; 0 = number of CPU cores." },
	{ "rescan_interval", CONF_INT, OFF(rescan_interval), "60", 1, 86400, NULL,
	  "Seconds between full rescans of the inbox (network shares raise no inotify events)." },
	{ "stable_delay", CONF_INT, OFF(stable_delay), "5", 0, 3600, NULL,
	  "Seconds a file's size and mtime must stay unchanged before it is taken." },
	{ "incomplete_grace", CONF_INT, OFF(incomplete_grace), "900", 0, 604800, NULL,
	  "Seconds a scan whose content ends early (a truncated TIFF, PNG, JPEG or PDF, a copy"
	  " still under way) or a document folder missing a page its tailieu.txt lists is waited"
	  " for after its last change; then it is taken, and quarantined if still incomplete." },
	{ "folder_stable_delay", CONF_INT, OFF(folder_stable_delay), "60", 0, 86400, NULL,
	  "Seconds a document folder whose tailieu.txt lists no pages must stay unchanged before"
	  " it is taken (a scanner writing one page at a time pauses between pages)." },
	{ "max_pixels", CONF_INT, OFF(max_pixels), "250000000", 1, 4000000000LL, NULL,
	  "Largest page accepted, in pixels (width x height)." },
	{ "max_pages", CONF_INT, OFF(max_pages), "2000", 1, 100000, NULL,
	  "Most pages accepted in one document." },
	{ "max_file_size", CONF_INT, OFF(max_file_size), "2147483648", 1, LLONG_MAX, NULL,
	  "Largest input file accepted, in bytes." },
	{ "page_timeout", CONF_INT, OFF(page_timeout), "300", 1, 86400, NULL,
	  "Seconds of OCR per page before the page is marked failed." },
	{ "max_attempts", CONF_INT, OFF(max_attempts), "3", 1, 100, NULL,
	  "OCR attempts (worker crashes, time-outs) before a file is quarantined." },
	{ "worker_memory_mb", CONF_INT, OFF(worker_memory_mb), "0", 0, 1048576, NULL,
	  "Address-space limit of each OCR worker in MiB; 0 = no limit." },
	{ "min_free_mb", CONF_INT, OFF(min_free_mb), "500", 0, 1048576, NULL,
	  "Pickup pauses while the state_dir filesystem has less free space than this." },
	{ "review_threshold", CONF_INT, OFF(review_threshold), "70", 0, 100, NULL,
	  "Documents whose mean OCR confidence is below this are listed for review." },
	{ "log_level", CONF_ENUM, OFF(log_level), "info", 0, 0, "error|warning|info|debug",
	  "Least important messages logged." },
	{ "agency_name", CONF_STR, OFF(agency_name), "", 0, 0, NULL,
	  "The agency's name as it appears in packages and signatures." },
	{ "agency_code", CONF_STR, OFF(agency_code), "", 0, 0, NULL,
	  "Mã định danh cơ quan (e.g. 000.00.01.H26), from the agency's registration." },
	{ "fonds_code", CONF_STR, OFF(fonds_code), "", 0, 0, NULL,
	  "Mã phông: the fonds code used in archival package identifiers." },
	{ "package_dir", CONF_PATH, OFF(package_dir), "", 0, 0, NULL,
	  "Where archival packages (AIPs) are kept; empty = <state_dir>/aip." },
	{ "schema_dir", CONF_PATH, OFF(schema_dir), SOHOA_DATADIR "/schemas/xml", 0, 0, NULL,
	  "The XML schemas (METS, EAD, EAD_doc, PREMIS) packages are validated against." },
	{ "backup_dir", CONF_PATH, OFF(backup_dir), "", 0, 0, NULL,
	  "A second copy of the store on another disk, kept in step after each record;"
	  " empty = none." },
	{ "sign_key", CONF_STR, OFF(sign_key), "", 0, 0, NULL,
	  "The agency's signing key: a PEM or PKCS#12 file (absolute path, mode 0600) or a"
	  " 'pkcs11:' URI naming a key on a token; empty = documents are not signed." },
	{ "sign_cert", CONF_PATH, OFF(sign_cert), "", 0, 0, NULL,
	  "The agency's certificate (PEM); empty when the PKCS#12 file or the token holds it." },
	{ "sign_chain", CONF_PATH, OFF(sign_chain), "", 0, 0, NULL,
	  "Intermediate CA certificates (PEM) included in every signature; empty = none." },
	{ "sign_pin_file", CONF_PATH, OFF(sign_pin_file), "", 0, 0, NULL,
	  "File whose first line is the PKCS#12 password or the token PIN (mode 0600)." },
	{ "tsa_url", CONF_STR, OFF(tsa_url), "", 0, 0, NULL,
	  "RFC 3161 time-stamping service (http:// or https://) for detached and PDF signatures"
	  " (PAdES B-T); empty = none." },
	{ "tsa_ca_file", CONF_PATH, OFF(tsa_ca_file), "", 0, 0, NULL,
	  "CA certificates (PEM) trusted for an https:// TSA's TLS certificate; empty = the"
	  " system's (ca-certificates)." },
	{ "sign_lt", CONF_ENUM, OFF(sign_lt), "on", 0, 0, "on|off",
	  "With tsa_url, PAdES B-LT: after each PDF signature, the certificate chain and OCSP"
	  " responses (or CRLs) in a DSS, then a document timestamp; off = B-T only." },
	{ "ocsp_timeout", CONF_INT, OFF(ocsp_timeout), "10", 1, 300, NULL,
	  "Seconds to wait for each OCSP responder or CRL download when signing (B-LT)." },
	{ "outbox", CONF_PATH, OFF(outbox), "", 0, 0, NULL,
	  "Where 'sohoa export' writes the monthly signed bundles; empty = <state_dir>/outbox." },
	{ "upload_command", CONF_STR, OFF(upload_command), "", 0, 0, NULL,
	  "Run by /bin/sh -c after a bundle is signed, with the bundle's path as $1 and in"
	  " SOHOA_BUNDLE; the month counts as exported only when it exits 0. Empty = none." },
	{ "default_maintenance", CONF_ENUM, OFF(default_maintenance), "01", 0, 0,
	  "01|02|03|04|05|06|07", "Thời hạn bảo quản when a folder does not say (01 = Vĩnh viễn)." },
	{ "default_mode", CONF_ENUM, OFF(default_mode), "01", 0, 0, "01|02|03",
	  "Chế độ sử dụng when a folder does not say (01 = Công khai)." },
	{ "default_language", CONF_ENUM, OFF(default_language), "01", 0, 0,
	  "01|02|03|04|05|06|07|08|09|10|11", "Ngôn ngữ when a folder does not say (01 = Tiếng Việt)." },
	{ "default_confidence_level", CONF_ENUM, OFF(default_confidence_level), "02", 0, 0,
	  "01|02|03", "Mức độ tin cậy (02 = Số hóa)." },
	/* The staff web service (sohoa-web). */
	{ "web_listen", CONF_STR, OFF(web_listen), "0.0.0.0:8443", 0, 0, NULL,
	  "Address and port sohoa-web listens on: IPv4:PORT, [IPv6]:PORT or *:PORT." },
	{ "web_tls", CONF_ENUM, OFF(web_tls), "on", 0, 0, "on|off",
	  "HTTPS (on); off only behind a reverse proxy that does TLS." },
	{ "web_cert", CONF_PATH, OFF(web_cert), "", 0, 0, NULL,
	  "Certificate (PEM) of sohoa-web; empty = a self-signed one made at first start"
	  " in <state_dir>/web/." },
	{ "web_key", CONF_PATH, OFF(web_key), "", 0, 0, NULL,
	  "Private key (PEM) of web_cert." },
	{ "web_session_minutes", CONF_INT, OFF(web_session_minutes), "30", 1, 1440, NULL,
	  "Minutes without use after which a web session ends." },
	{ "web_grant_days", CONF_INT, OFF(web_grant_days), "30", 1, 3650, NULL,
	  "Days an approved request (Chế độ sử dụng 02) gives its user the document." },
	{ "web_search_cache", CONF_INT, OFF(web_search_cache), "256", 0, 100000, NULL,
	  "Search results sohoa-web keeps (at most 8 MiB) to answer the same search by the"
	  " same user again until anything in the catalog changes; 0 = no cache." },
	{ "web_search_cache_seconds", CONF_INT, OFF(web_search_cache_seconds), "300", 1, 86400,
	  NULL, "Most seconds a kept search result is used." },
};
#define NKEYS (sizeof keys / sizeof keys[0])

static char **
str_field(sohoa_conf *c, const struct conf_key *k)
{
	return (char **)((char *)c + k->offset);
}

static long long *
int_field(sohoa_conf *c, const struct conf_key *k)
{
	return (long long *)((char *)c + k->offset);
}

static const struct conf_key *
key_find(const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* Replaces a string field; the old value is freed only on success. */
static sohoa_status
set_str(char **field, const char *value, sohoa_error *err)
{
	char *copy = strdup(value);

	if (!copy)
		return sohoa_error_oom(err);
	free(*field);
	*field = copy;
	return SOHOA_OK;
}

/* Edit distance between a and b (ASCII key names), capped at 9. */
static int
distance(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	int row[64], prev, t;

	if (na >= 63 || nb >= 63)
		return 9;
	for (size_t j = 0; j <= nb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= na; i++) {
		prev = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= nb; j++) {
			t = row[j];
			row[j] = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1])
			    ? prev : 1 + (prev < row[j] ? (prev < row[j - 1] ? prev : row[j - 1])
			    : (row[j] < row[j - 1] ? row[j] : row[j - 1]));
			prev = t;
		}
	}
	return row[nb] > 9 ? 9 : row[nb];
}

/* The known key nearest to name, when one is near enough to be a typo. */
static const char *
nearest_key(const char *name)
{
	const char *best = NULL;
	int bd = 9, limit = strlen(name) < 6 ? 1 : strlen(name) < 12 ? 2 : 3;

	for (size_t i = 0; i < NKEYS; i++) {
		int d = distance(name, keys[i].name);
		if (d < bd) {
			bd = d;
			best = keys[i].name;
		}
	}
	return bd <= limit ? best : NULL;
}

sohoa_status
sohoa_conf_set(sohoa_conf *c, const char *name, const char *value, const char *where,
    sohoa_error *err)
{
	const struct conf_key *k = key_find(name);
	const char *w = where ? where : "config";

	if (!k) {
		const char *near = nearest_key(name);
		if (near)
			return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "%s: không có khóa '%s', có phải '%s'? — unknown key '%s'; did you mean"
			    " '%s'?", w, name, near, name, near);
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "%s: không có khóa '%s' — unknown key '%s' (sohoa.conf(5) lists them)", w, name,
		    name);
	}
	switch (k->type) {
	case CONF_PATH: {
		char clean[PATH_MAX];
		size_t n = strlen(value);
		if (value[0] && value[0] != '/')
			return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "%s: %s must be an absolute path, not '%s'", w, name, value);
		if (n >= sizeof clean)
			return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "%s: %s is too long", w, name);
		/* "/srv/in/" and "/srv/in" are one folder: compare them as one. */
		memcpy(clean, value, n + 1);
		while (n > 1 && clean[n - 1] == '/')
			clean[--n] = '\0';
		return set_str(str_field(c, k), clean, err);
	}
	case CONF_STR:
		return set_str(str_field(c, k), value, err);
	case CONF_ENUM: {
		size_t n = strlen(value);
		const char *p = k->choices;
		while (p && *p) {
			const char *bar = strchr(p, '|');
			size_t len = bar ? (size_t)(bar - p) : strlen(p);
			if (len == n && strncmp(p, value, n) == 0)
				return set_str(str_field(c, k), value, err);
			p = bar ? bar + 1 : NULL;
		}
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "%s: %s must be one of %s, not '%s'", w, name, k->choices, value);
	}
	case CONF_INT: {
		char *end;
		long long v;
		errno = 0;
		v = strtoll(value, &end, 10);
		if (errno || end == value || *end != '\0')
			return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "%s: %s must be a whole number, not '%s'", w, name, value);
		if (v < k->min || v > k->max)
			return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "%s: %s must be between %lld and %lld, not %lld", w, name,
			    k->min, k->max, v);
		*int_field(c, k) = v;
		return SOHOA_OK;
	}
	}
	return SOHOA_FATAL;
}

void
sohoa_conf_init(sohoa_conf *c)
{
	memset(c, 0, sizeof *c);
	for (size_t i = 0; i < NKEYS; i++) {
		const struct conf_key *k = &keys[i];
		if (k->type == CONF_INT)
			*int_field(c, k) = strtoll(k->def, NULL, 10);
		else
			*str_field(c, k) = strdup(k->def); /* NULL on OOM: finish() reports it */
	}
}

void
sohoa_conf_release(sohoa_conf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].type != CONF_INT) {
			free(*str_field(c, &keys[i]));
			*str_field(c, &keys[i]) = NULL;
		}
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/*
 * The parser of both loads: strict stops at the first bad line; lenient
 * skips bad lines, keeps the first problem in *warn and goes on.
 */
static sohoa_status
conf_parse(sohoa_conf *c, const char *path, int lenient, sohoa_error *err, sohoa_error *warn)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned seen[NKEYS] = { 0 };
	unsigned lineno = 0;
	sohoa_status st = SOHOA_OK;

	if (!f)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "%s: cannot open: %s", path, strerror(errno));
	while (st == SOHOA_OK && getline(&line, &cap, f) != -1) {
		char where[PATH_MAX + 32], *p, *eq, *key, *val;
		const struct conf_key *k;

		lineno++;
		snprintf(where, sizeof where, "%s:%u", path, lineno);
		p = line;
		/* Notepad starts a UTF-8 file with a byte order mark. */
		if (lineno == 1 && !memcmp(p, "\xEF\xBB\xBF", 3))
			p += 3;
		p = trim(p);
		if (*p == '\0' || *p == '#')
			continue;
		eq = strchr(p, '=');
		if (!eq) {
			st = sohoa_error_set(lenient ? warn : err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "%s: expected 'key = value'", where);
			if (lenient) {
				st = SOHOA_OK;
				continue;
			}
			break;
		}
		*eq = '\0';
		key = trim(p);
		val = trim(eq + 1);
		if (val[0] == '"') {
			size_t n = strlen(val);
			if (n < 2 || val[n - 1] != '"') {
				st = sohoa_error_set(lenient ? warn : err, SOHOA_FATAL,
				    SOHOA_REASON_NONE, "%s: unbalanced quote in value of '%s'", where, key);
				if (lenient) {
					st = SOHOA_OK;
					continue;
				}
				break;
			}
			val[n - 1] = '\0';
			val++;
		}
		k = key_find(key);
		if (k && seen[k - keys]++) {
			st = sohoa_error_set(lenient ? warn : err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "%s: '%s' is set twice", where, key);
			if (lenient) {
				st = SOHOA_OK;
				continue;
			}
			break;
		}
		st = sohoa_conf_set(c, key, val, where, err);
		if (st != SOHOA_OK && lenient) {
			/* This line's value is not taken; the default (or the
			 * earlier value) stays. */
			sohoa_error_set(warn, st, SOHOA_REASON_NONE, "%s", err->msg);
			sohoa_error_clear(err);
			st = SOHOA_OK;
		}
	}
	if (st == SOHOA_OK && ferror(f))
		st = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "%s: read error: %s", path, strerror(errno));
	free(line);
	fclose(f);
	return st;
}

sohoa_status
sohoa_conf_load(sohoa_conf *c, const char *path, sohoa_error *err)
{
	return conf_parse(c, path, 0, err, NULL);
}

sohoa_status
sohoa_conf_load_lenient(sohoa_conf *c, const char *path, sohoa_error *warn, sohoa_error *err)
{
	return conf_parse(c, path, 1, err, warn);
}

/* dirname of a path without trailing slashes, in a fresh string. */
static char *
parent_of(const char *path)
{
	size_t n = strlen(path);
	char *p;

	while (n > 1 && path[n - 1] == '/')
		n--;
	while (n > 0 && path[n - 1] != '/')
		n--;
	while (n > 1 && path[n - 1] == '/')
		n--;
	p = strndup(path, n ? n : 1);
	return p;
}

sohoa_status
sohoa_conf_finish(sohoa_conf *c, sohoa_error *err)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].type != CONF_INT && !*str_field(c, &keys[i]))
			return sohoa_error_oom(err);
	if (!c->inbox[0] || !c->state_dir[0])
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "inbox and state_dir must be set");
	if (!c->quarantine[0]) {
		char *parent = parent_of(c->inbox), *q;
		size_t n;
		if (!parent)
			return sohoa_error_oom(err);
		n = strlen(parent) + sizeof "/quarantine";
		q = malloc(n);
		if (!q) {
			free(parent);
			return sohoa_error_oom(err);
		}
		snprintf(q, n, "%s%squarantine", parent, strcmp(parent, "/") ? "/" : "");
		free(parent);
		free(c->quarantine);
		c->quarantine = q;
	}
	if (!c->package_dir[0]) {
		char *p = sohoa_path_join(c->state_dir, "aip");
		if (!p)
			return sohoa_error_oom(err);
		free(c->package_dir);
		c->package_dir = p;
	}
	if (!c->outbox[0]) {
		char *p = sohoa_path_join(c->state_dir, "outbox");
		if (!p)
			return sohoa_error_oom(err);
		free(c->outbox);
		c->outbox = p;
	}
	{
		char host[64];
		int port;
		if (sohoa_conf_web_listen(c->web_listen, host, &port) != 0)
			return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "web_listen must be ADDRESS:PORT (0.0.0.0:8443, [::]:8443, *:8443),"
			    " not '%s'", c->web_listen);
		if (!c->web_cert[0] != !c->web_key[0])
			return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "web_cert and web_key go together: set both or neither");
	}
	if (c->sign_key[0] && c->sign_key[0] != '/' && strncmp(c->sign_key, "pkcs11:", 7) != 0)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "sign_key must be an absolute path or a pkcs11: URI, not '%s'", c->sign_key);
	/* RFC 3161 responses are signed: plain HTTP is what most TSAs offer;
	 * https:// is verified against tsa_ca_file or the system's CAs. */
	if (c->tsa_url[0] && strncmp(c->tsa_url, "http://", 7) != 0
	    && strncmp(c->tsa_url, "https://", 8) != 0)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "tsa_url must be an http:// or https:// URL, not '%s'", c->tsa_url);
	if (c->workers == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		c->workers = n > 0 ? n : 1;
	}
	if (strcmp(c->inbox, c->quarantine) == 0 || strcmp(c->inbox, c->state_dir) == 0
	    || strcmp(c->quarantine, c->state_dir) == 0)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "inbox, quarantine and state_dir must be three different folders");
	/* The backup is a copy elsewhere: not the state folder or inside it. */
	if (c->backup_dir[0]) {
		size_t n = strlen(c->state_dir);
		if (!strcmp(c->backup_dir, c->state_dir) || !strcmp(c->backup_dir, c->inbox)
		    || (!strncmp(c->backup_dir, c->state_dir, n) && c->backup_dir[n] == '/'))
			return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
			    "backup_dir %s must be outside state_dir %s (another disk)",
			    c->backup_dir, c->state_dir);
	}
	/* The quarantine and state_dir must not live inside the inbox, or the
	 * daemon would pick up its own output. */
	{
		size_t n = strlen(c->inbox);
		const char *inner[2] = { c->quarantine, c->state_dir };
		for (int i = 0; i < 2; i++)
			if (strncmp(inner[i], c->inbox, n) == 0 && inner[i][n] == '/')
				return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
				    "%s must not be inside the inbox %s", inner[i], c->inbox);
	}
	return SOHOA_OK;
}

void
sohoa_conf_write(const sohoa_conf *c, FILE *out)
{
	for (size_t i = 0; i < NKEYS; i++) {
		const struct conf_key *k = &keys[i];
		fprintf(out, "# %s\n", k->help);
		if (k->type == CONF_INT)
			fprintf(out, "%s = %lld\n", k->name, *int_field((sohoa_conf *)c, k));
		else
			fprintf(out, "%s = \"%s\"\n", k->name, *str_field((sohoa_conf *)c, k));
	}
}

const char *
sohoa_conf_path(const char *explicit_path)
{
	const char *env;

	if (explicit_path)
		return explicit_path;
	env = getenv("SOHOA_CONF");
	if (env && *env)
		return env;
	return SOHOA_CONF_DEFAULT_PATH;
}

int
sohoa_conf_web_listen(const char *s, char host[64], int *port)
{
	const char *colon, *h = s;
	size_t hlen;
	char *end;
	long p;

	if (!s || !(colon = strrchr(s, ':')))
		return -1;
	hlen = (size_t)(colon - s);
	if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']') {
		h++;
		hlen -= 2;
	}
	if (hlen == 0 || hlen >= 64)
		return -1;
	p = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || p < 1 || p > 65535)
		return -1;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (!strcmp(host, "*"))
		snprintf(host, 64, "0.0.0.0");
	for (const char *q = host; *q; q++)
		if (!strchr("0123456789abcdefABCDEF.:", *q))
			return -1;
	*port = (int)p;
	return 0;
}
