/*
 * conf.h - the configuration: one typed table, one "key = value" file.
 *
 * Protocol:
 *   sohoa_conf c;
 *   sohoa_conf_init(&c);                 // every key at its default
 *   if (sohoa_conf_load(&c, path, &err)) // parse the file over the defaults
 *       ... err.msg says "path:line: what is wrong" ...
 *   sohoa_conf_finish(&c, &err);         // derive defaults that depend on others
 *   ...
 *   sohoa_conf_release(&c);
 *
 * Lines are "key = value"; '#' starts a comment on a line of its own; blank
 * lines are ignored; values may be wrapped in double quotes; a UTF-8 byte
 * order mark at the start (Notepad) is skipped.  Unknown keys,
 * repeated keys and out-of-range values are errors naming the line.
 */
#ifndef SOHOA_CONF_H
#define SOHOA_CONF_H

#include <stdio.h>
#include "sohoa/sohoa.h"

#define SOHOA_CONF_DEFAULT_PATH "/etc/sohoa/sohoa.conf"

typedef struct sohoa_conf {
	char *inbox;            /* the folder archivists drop scans into */
	char *quarantine;       /* rejected files with reasons; default: beside the inbox */
	char *state_dir;        /* spool and catalog live under it */
	char *languages;        /* Tesseract languages, e.g. "vie+eng" (ocr.c: the first reads) */
	long long language_fallback; /* under this confidence a page is read with all of them */
	char *tessdata;         /* Tesseract data directory; "" = Tesseract's default */
	char *ocr_mode;         /* auto | force | skip: OCR of PDFs with a text layer (pdfin.h) */
	long long workers;      /* OCR worker processes; 0 = number of cores */
	long long rescan_interval; /* seconds between full rescans of the inbox */
	long long stable_delay; /* seconds a file's size and mtime must hold still */
	long long incomplete_grace; /* seconds a truncated scan or a folder missing a listed page is waited for */
	long long folder_stable_delay; /* seconds a document folder without a page list must hold still */
	long long max_pixels;   /* pixels per page */
	long long max_pages;    /* pages per document */
	long long max_file_size;/* bytes per input file */
	long long page_timeout; /* seconds of OCR per page before it is failed */
	long long max_attempts; /* OCR attempts before a file is quarantined */
	long long worker_memory_mb; /* address-space limit per OCR worker; 0 = none */
	long long min_free_mb;  /* pickup pauses below this much free space */
	long long review_threshold; /* documents under this mean OCR confidence need review */
	char *log_level;        /* error, warning, info, debug */
	/* The agency and its archive (TT 05/2025 packages). */
	char *agency_name;      /* "UBND xã Văn Bình" */
	char *agency_code;      /* mã định danh cơ quan, e.g. "000.00.01.H26" */
	char *fonds_code;       /* mã phông, for AIP identifiers */
	char *package_dir;      /* where AIPs are kept; "" = <state_dir>/aip */
	char *schema_dir;       /* the XML schemas packages are validated against */
	char *backup_dir;       /* second copy of the store (another disk); "" = none (backup.h) */
	/* Signing (sign.h): the agency's key and certificate, an RFC 3161 service. */
	char *sign_key;         /* PEM or PKCS#12 file, or a "pkcs11:" URI; "" = no signing */
	char *sign_cert;        /* PEM certificate; "" when the PKCS#12 file or token holds it */
	char *sign_chain;       /* PEM intermediates put in signatures; "" = none */
	char *sign_pin_file;    /* PKCS#12 password or token PIN (first line); "" = none */
	char *tsa_url;          /* http:// or https:// RFC 3161 time-stamping service; "" = none */
	char *tsa_ca_file;      /* PEM CAs trusted for an https TSA's TLS certificate; "" = system's */
	char *sign_lt;          /* on | off: PAdES B-LT (DSS + document timestamp) with a TSA */
	long long ocsp_timeout; /* seconds per OCSP / CRL request for the DSS */
	/* Monthly export bundles (export.h). */
	char *outbox;           /* where bundles are written; "" = <state_dir>/outbox */
	char *upload_command;   /* run via /bin/sh -c with the bundle as $1; "" = none */
	/* Hồ sơ defaults, overridden by a folder's hoso.txt (codes of TT 05). */
	char *default_maintenance;
	char *default_mode;
	char *default_language;
	char *default_confidence_level;
	/* The staff web service (sohoa-web). */
	char *web_listen;       /* "0.0.0.0:8443" */
	char *web_tls;          /* on | off */
	char *web_cert;         /* PEM; "" = self-signed in <state_dir>/web */
	char *web_key;
	long long web_session_minutes; /* idle timeout of a session */
	long long web_grant_days;      /* life of an approved request (mode 02) */
	long long web_search_cache;    /* search results sohoa-web keeps, 0: off */
	long long web_search_cache_seconds; /* most seconds one is kept */
} sohoa_conf;

/* Sets every key to its default.  c is caller-owned. */
SOHOA_API void sohoa_conf_init(sohoa_conf *c);

/*
 * Parses the file at path over the current values.  On error returns
 * SOHOA_FATAL with "path:line: message" in err and leaves c with the
 * values parsed so far (callers keep the old config and release this one).
 */
SOHOA_API sohoa_status sohoa_conf_load(sohoa_conf *c, const char *path, sohoa_error *err);

/*
 * The same for read-only commands, so that one mistake in the file never
 * stops staff from searching: a bad line is skipped (its key keeps the
 * value it had) and the first such problem goes to *warn ("path:line:
 * message", status SOHOA_FATAL), which stays SOHOA_OK when there is none.
 * Returns SOHOA_FATAL (in err) only when the file cannot be read.
 */
SOHOA_API sohoa_status sohoa_conf_load_lenient(sohoa_conf *c, const char *path, sohoa_error *warn,
    sohoa_error *err);

/* Sets one key from text, as a config line would.  line is for messages.
 * An unknown key's message names the nearest known one. */
SOHOA_API sohoa_status sohoa_conf_set(sohoa_conf *c, const char *key, const char *value,
    const char *where, sohoa_error *err);

/* Derives the defaults that depend on other keys (quarantine, workers) and
 * checks cross-key rules (absolute paths, distinct folders). */
SOHOA_API sohoa_status sohoa_conf_finish(sohoa_conf *c, sohoa_error *err);

/* Frees the strings of c; c may then be initialised again. */
SOHOA_API void sohoa_conf_release(sohoa_conf *c);

/* Splits web_listen "ADDR:PORT" ("[::1]:8443", "*:8443" = 0.0.0.0) into a
 * numeric address and port; -1 when malformed (names are not resolved). */
SOHOA_API int sohoa_conf_web_listen(const char *s, char host[64], int *port);

/* Writes every key as a valid config file. */
SOHOA_API void sohoa_conf_write(const sohoa_conf *c, FILE *out);

/* The path to use: explicit (-c) if not NULL, else $SOHOA_CONF, else the
 * default path.  Valid as long as the argument and the environment are. */
SOHOA_API const char *sohoa_conf_path(const char *explicit_path);

#endif
