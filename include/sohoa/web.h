/*
 * web.h - what sohoa-web needs from the library besides access.h and
 * users.h: its TLS certificate (a self-signed one made at first start when
 * none is configured, whose fingerprint `sohoa status` prints) and page
 * images rendered from a record's PDF.
 *
 * Protocol (sohoa-web at start):
 *     char *cert, *key; size_t cn, kn;
 *     sohoa_web_cert_load(&conf, &cert, &cn, &key, &kn, &err);  // makes one if needed
 *     ... MHD_OPTION_HTTPS_MEM_CERT cert, MHD_OPTION_HTTPS_MEM_KEY key ...
 *     free(cert); free(key);   // after OPENSSL_cleanse of key
 */
#ifndef SOHOA_WEB_H
#define SOHOA_WEB_H

#include <stddef.h>
#include "sohoa/sohoa.h"
#include "sohoa/conf.h"

/* Where the certificate and key are: web_cert / web_key, else
 * <state_dir>/web/cert.pem and key.pem.  Buffers of PATH_MAX bytes. */
SOHOA_API void sohoa_web_cert_paths(const sohoa_conf *conf, char *cert, char *key, size_t size);

/*
 * Reads the certificate and key (PEM, NUL-terminated, malloc'd; the caller
 * frees).  With no web_cert configured and no <state_dir>/web/cert.pem yet,
 * first makes a self-signed one (ECDSA P-256, 10 years, CN and
 * subjectAltName the host name, localhost and 127.0.0.1), the key written
 * with mode 0600 in a folder of mode 0700.  A configured web_cert that is
 * missing is SOHOA_FATAL: it is never replaced by a self-signed one.
 */
SOHOA_API sohoa_status sohoa_web_cert_load(const sohoa_conf *conf, char **cert, size_t *cert_len,
    char **key, size_t *key_len, sohoa_error *err);

/* The SHA-256 fingerprint of the PEM certificate at path, as browsers show
 * it ("AB:CD:..."), into out (96 bytes). */
SOHOA_API sohoa_status sohoa_web_cert_fingerprint(const char *path, char out[96], sohoa_error *err);

/*
 * Renders page page_no (1-based) of the PDF at path as a PNG at dpi dots
 * per inch (36..300), into *png (malloc'd, caller frees) and *len.
 * SOHOA_BAD_INPUT for a page that does not exist.  Callers serialise
 * calls (poppler's document loading is not known to be thread-safe).
 */
SOHOA_API sohoa_status sohoa_pdf_page_png(const char *path, int page_no, int dpi, unsigned char **png,
    size_t *len, sohoa_error *err);

#endif
