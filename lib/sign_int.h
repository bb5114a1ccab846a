/*
 * sign_int.h - what the parts of the signing module share (sign.c: keys,
 * CMS, timestamps; sign_pdf.c: PDF signatures; sign_font.c: the embedded
 * font of the visible signature).  Not installed.
 */
#ifndef SOHOA_SIGN_INT_H
#define SOHOA_SIGN_INT_H

#include <stddef.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "sohoa/sign.h"

struct sohoa_signer {
	EVP_PKEY *key;
	X509 *cert;
	STACK_OF(X509) *chain;   /* intermediates put in signatures; may be empty */
	void *engine;            /* ENGINE * of a PKCS#11 key, else NULL */
	char *subject;           /* RFC 2253, UTF-8 */
	char *tsa_url;           /* "" = no timestamps */
	char *tsa_ca_file;       /* "" = the system's CAs for an https TSA */
	int lt;                  /* PAdES B-LT: a DSS and a document timestamp (sign_lt, with a TSA) */
	int ocsp_timeout;        /* seconds per OCSP / CRL request */
	char note[1200];         /* what the last sohoa_sign_pdf() could not do (LT data) */
	char level[8];           /* what it made: "B", "B-T", "B-LT" */
};

/*
 * A detached CMS SignedData over content whose SHA-256 is md: signed
 * attributes content-type, message-digest, signing-certificate-v2 and, when
 * signing_time, signing-time (PAdES wants it absent: the time is /M in the
 * signature dictionary).  When timestamp and s->tsa_url is set, an RFC 3161
 * token over the signature value is added as an unsigned attribute.
 * *der is OPENSSL_malloc'd; free with OPENSSL_free.
 */
sohoa_status sign_cms_digest(sohoa_signer *s, const unsigned char md[32], int signing_time,
    int timestamp, unsigned char **der, size_t *len, sohoa_error *err);

/* An upper bound of the DER size sign_cms_digest() gives (with its timestamp when
 * s->tsa_url is set). */
size_t sign_cms_size_bound(const sohoa_signer *s);

/* Copies OpenSSL's error queue (and empties it) into err after what. */
sohoa_status sign_ssl_error(sohoa_error *err, sohoa_status st, const char *what);

/*
 * Checks a detached DER CMS (der, len) against the SHA-256 md of the signed
 * content: the signature over the signed attributes, the message digest,
 * and the certificates against ca_file (NULL: only that the embedded chain
 * hangs together).  signer gets the signer's subject.
 */
sohoa_status sign_cms_verify_digest(const unsigned char *der, size_t len,
    const unsigned char md[32], const char *ca_file, char *signer, size_t signer_len,
    sohoa_error *err);

/* The genTime of the timestamp token of a DER CMS's only signer, into iso
 * ("YYYY-MM-DDTHH:MM:SSZ"): 1 when it has a token over its signature value
 * whose own signature verifies, else 0. */
int sign_cms_timestamp(const unsigned char *der, size_t len, char *iso, size_t size);

/*
 * An RFC 3161 timestamp token (DER ContentInfo) over the SHA-256 hash h from
 * the service at url (http:// or https://, TLS checked against ca_file or
 * the system's CAs); it must answer our imprint and nonce.  *token is
 * OPENSSL_malloc'd.  SOHOA_RETRY when the service does not answer.
 */
sohoa_status sign_tsa_token(const char *url, const char *ca_file, const unsigned char h[32],
    unsigned char **token, size_t *token_len, sohoa_error *err);

/* ---- PAdES B-LT: validation data (sign_lt.c) ------------------------------ */

struct sign_blob {
	unsigned char *p;        /* DER, malloc'd */
	size_t n;
};

/*
 * Validation data: certificates (each once), DER OCSP responses and CRLs,
 * and what could not be had.  As gathered at signing time for a PDF's DSS
 * (sign_lt_collect), or as read from a PDF's DSS for verification.
 */
struct sign_lt {
	STACK_OF(X509) *certs;
	struct sign_blob *ocsp, *crl;
	int nocsp, ncrl;
	char note[1024];         /* "" = every certificate has revocation data */
};

/* Empties lt (safe on a zeroed or released one). */
void sign_lt_release(struct sign_lt *lt);
/* Adds a copy of a certificate unless an equal one is there; 0 on OOM. */
int sign_lt_add_cert(struct sign_lt *lt, X509 *x);
/* Adds a copy of a DER blob to *v (n items); 0 on OOM. */
int sign_lt_add_blob(struct sign_blob **v, int *n, const unsigned char *p, size_t len);

/*
 * The validation data of a signature (the DER CMS cms): the signer's
 * certificate, s->chain, the CMS's and its timestamp token's certificates,
 * and for each certificate that is not self-signed an OCSP response from
 * its AIA OCSP address (else a CRL from its CRL distribution point), asked
 * over HTTP with timeout seconds; responders' certificates are added.
 * What cannot be had is said in lt->note; only running out of memory fails.
 */
sohoa_status sign_lt_collect(const sohoa_signer *s, const unsigned char *cms, size_t len,
    int timeout, struct sign_lt *lt, sohoa_error *err);

enum { SIGN_REV_NONE = 0, SIGN_REV_GOOD = 1, SIGN_REV_REVOKED = 2 };

/*
 * The revocation status of cert (issued by issuer) in lt: an OCSP response
 * for it whose signature verifies against store (with untrusted
 * certificates; the store's verification time is used), or a CRL of issuer
 * signed by it.  SIGN_REV_* ; *rev_time set when revoked; src "OCSP"/"CRL".
 */
int sign_lt_status(const struct sign_lt *lt, X509 *cert, X509 *issuer, X509_STORE *store,
    STACK_OF(X509) *untrusted, time_t *rev_time, const char **src);

/* What verifying a signature found beyond valid / not valid. */
struct sign_vinfo {
	time_t ts;               /* time of the trusted timestamp it was judged at; 0 = now */
	int revocation;          /* SIGN_REV_* of the signer's certificate, from lt */
	const char *rev_src;     /* "OCSP" or "CRL" */
	time_t rev_time;         /* when revoked */
};

/* sign_cms_verify_digest() with validation data (lt: more untrusted
 * certificates, and the revocation data checked at the judging time) and
 * what was found into vi (either may be NULL).  A certificate revoked
 * before the timestamp (or before now, without one) makes it invalid. */
sohoa_status sign_cms_verify_digest_lt(const unsigned char *der, size_t len,
    const unsigned char md[32], const char *ca_file, const struct sign_lt *lt,
    struct sign_vinfo *vi, char *signer, size_t signer_len, sohoa_error *err);

/*
 * A document timestamp (PAdES, /SubFilter /ETSI.RFC3161): the DER token
 * must be over md and signed by its TSA, whose certificate chains to
 * ca_file (when given; lt's certificates may help).  iso gets its time.
 */
sohoa_status sign_doc_timestamp_verify(const unsigned char *der, size_t len,
    const unsigned char md[32], const char *ca_file, const struct sign_lt *lt, char *iso,
    size_t iso_size, sohoa_error *err);

/* The text of the visible signature, laid out in the embedded font. */
#define SIGN_FONT_PATH "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
#define SIGN_LINES_MAX 4

struct sign_line {
	unsigned *gids;          /* glyph ids (= CIDs, Identity-H) */
	size_t n;
	double width;            /* in text space units of 1/1000 em */
};

struct sign_font {
	unsigned char *program;  /* the subset TrueType program; malloc'd */
	size_t program_len;
	char base_name[80];      /* "ABCDEF+LiberationSerif" */
	int bbox[4], ascent, descent, cap_height; /* 1/1000 em */
	struct sign_line lines[SIGN_LINES_MAX];
	int nlines;
	/* Every glyph used, sorted, with its width (1/1000 em) and the
	 * Unicode code point it stands for (ToUnicode). */
	unsigned *used_gid, *used_cp;
	int *used_width;
	size_t nused;
	int subset;              /* 1: hb-subset made the program; 0: the whole font */
};

/* Maps the UTF-8 lines (NFC) to glyphs of the font at path and makes the
 * subset program.  Characters the font lacks become '?'.  Release with
 * sign_font_release(). */
sohoa_status sign_font_build(const char *path, const char *const *lines, int nlines,
    struct sign_font *f, sohoa_error *err);
void sign_font_release(struct sign_font *f);

#endif
