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
