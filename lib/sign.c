/*
 * sign.c - the agency's signing key and certificate (PEM, PKCS#12 or a
 * PKCS#11 token), detached CMS signatures (CAdES-style: signing-certificate-v2,
 * SHA-256) with an optional RFC 3161 timestamp, and their verification.
 * PDF signatures are in sign_pdf.c; both build their CMS here.
 *
 * PKCS#11 goes through libp11's OpenSSL engine (Debian 12 has no
 * pkcs11-provider for OpenSSL 3): the ENGINE API is deprecated in OpenSSL 3
 * and its warnings are silenced around that one function only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/http.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "sohoa/fsutil.h"
#include "sohoa/sign.h"
#include "sign_int.h"

#define PIN_MAX 256
#define TSA_TIMEOUT 30          /* seconds */
#define TSA_MAX_RESPONSE (1 << 20)

sohoa_status
sign_ssl_error(sohoa_error *err, sohoa_status st, const char *what)
{
	char buf[256] = "";
	unsigned long e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;   /* the deepest cause is first, the summary last */
	if (last)
		ERR_error_string_n(last, buf, sizeof buf);
	return sohoa_error_set(err, st, SOHOA_REASON_NONE, "%s%s%s", what, buf[0] ? ": " : "",
	    buf);
}

bool
sohoa_signer_configured(const sohoa_conf *conf)
{
	return conf && conf->sign_key && conf->sign_key[0];
}

/* ---- keys --------------------------------------------------------------- */

/* A file holding a secret (key, PIN) must not be readable by group or others. */
static sohoa_status
check_secret_file(const char *path, const char *what_vi, const char *what_en, sohoa_error *err)
{
	struct stat sb;

	if (stat(path, &sb) != 0)
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "không đọc được %s %s (%s) — cannot read %s %s: %s", what_vi, path,
		    strerror(errno), what_en, path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "%s %s không phải là tệp thường — %s %s is not a regular file", what_vi, path,
		    what_en, path);
	if (sb.st_mode & (S_IRGRP | S_IROTH | S_IWGRP | S_IWOTH))
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "%s %s cho phép người khác đọc, hãy chạy 'chmod 600 %s' — %s %s is readable"
		    " by others (mode %04o); run 'chmod 600 %s'", what_vi, path, path, what_en, path,
		    (unsigned)(sb.st_mode & 07777), path);
	return SOHOA_OK;
}

/* The first line of the PIN file into pin (NUL-terminated). */
static sohoa_status
read_pin(const char *path, char *pin, size_t size, sohoa_error *err)
{
	char *data = NULL;
	size_t len = 0, n;

	if (check_secret_file(path, "tệp mã PIN", "PIN file", err) != SOHOA_OK)
		return SOHOA_FATAL;
	if (sohoa_fs_read_file(path, 4096, &data, &len, err) != SOHOA_OK)
		return SOHOA_FATAL;
	n = strcspn(data, "\r\n");
	if (n >= size) {
		OPENSSL_cleanse(data, len);
		free(data);
		return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "PIN file %s: the first line is too long", path);
	}
	memcpy(pin, data, n);
	pin[n] = '\0';
	OPENSSL_cleanse(data, len);
	free(data);
	return SOHOA_OK;
}

/* Never prompts on a terminal: the PIN comes from sign_pin_file or nowhere. */
static int
pem_pass(char *buf, int size, int rwflag, void *u)
{
	const char *pin = u;
	int n;

	(void)rwflag;
	if (!pin || !*pin)
		return -1;
	n = (int)strlen(pin);
	if (n > size)
		return -1;
	memcpy(buf, pin, (size_t)n);
	return n;
}

/* Appends every certificate of a PEM file to *sk (created if NULL). */
static sohoa_status
load_pem_certs(const char *path, STACK_OF(X509) **sk, int *count, sohoa_error *err)
{
	BIO *b = BIO_new_file(path, "r");
	X509 *x;
	int n = 0;

	if (!b)
		return sign_ssl_error(err, SOHOA_FATAL, path);
	if (!*sk && !(*sk = sk_X509_new_null())) {
		BIO_free(b);
		return sohoa_error_oom(err);
	}
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL)) != NULL) {
		if (!sk_X509_push(*sk, x)) {
			X509_free(x);
			BIO_free(b);
			return sohoa_error_oom(err);
		}
		n++;
	}
	ERR_clear_error();   /* the end of the file reads as "no start line" */
	BIO_free(b);
	if (count)
		*count = n;
	return SOHOA_OK;
}

static X509 *
load_pem_cert(const char *path, sohoa_error *err)
{
	STACK_OF(X509) *sk = NULL;
	X509 *x = NULL;
	int n = 0;

	if (load_pem_certs(path, &sk, &n, err) != SOHOA_OK) {
		sk_X509_pop_free(sk, X509_free);
		return NULL;
	}
	if (n == 0)
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "%s: no PEM certificate in the file", path);
	else
		x = sk_X509_shift(sk);
	sk_X509_pop_free(sk, X509_free);
	return x;
}

static int
file_is_pem(const char *path)
{
	char buf[4096];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return memmem(buf, n, "-----BEGIN ", 11) != NULL;
}

static sohoa_status
open_pem(sohoa_signer *s, const char *path, const char *pin, sohoa_error *err)
{
	BIO *b = BIO_new_file(path, "r");

	if (!b)
		return sign_ssl_error(err, SOHOA_FATAL, path);
	s->key = PEM_read_bio_PrivateKey(b, NULL, pem_pass, (void *)pin);
	BIO_free(b);
	if (!s->key)
		return sign_ssl_error(err, SOHOA_FATAL, pin && *pin ? "cannot read the PEM private"
		    " key (wrong PIN?)" : "cannot read the PEM private key");
	/* A PEM file may carry the certificate after the key. */
	{
		STACK_OF(X509) *sk = NULL;
		int n = 0;
		if (load_pem_certs(path, &sk, &n, NULL) == SOHOA_OK && n > 0)
			s->cert = sk_X509_shift(sk);
		sk_X509_pop_free(sk, X509_free);
	}
	return SOHOA_OK;
}

static sohoa_status
open_pkcs12(sohoa_signer *s, const char *path, const char *pin, sohoa_error *err)
{
	BIO *b = BIO_new_file(path, "rb");
	PKCS12 *p12;
	STACK_OF(X509) *ca = NULL;
	int ok;

	if (!b)
		return sign_ssl_error(err, SOHOA_FATAL, path);
	p12 = d2i_PKCS12_bio(b, NULL);
	BIO_free(b);
	if (!p12)
		return sign_ssl_error(err, SOHOA_FATAL, "sign_key is neither a PEM key nor a"
		    " PKCS#12 file");
	ok = PKCS12_parse(p12, pin ? pin : "", &s->key, &s->cert, &ca);
	PKCS12_free(p12);
	if (!ok)
		return sign_ssl_error(err, SOHOA_FATAL, "cannot open the PKCS#12 file (wrong"
		    " password in sign_pin_file?)");
	while (ca && sk_X509_num(ca) > 0)
		sk_X509_push(s->chain, sk_X509_shift(ca));
	sk_X509_pop_free(ca, X509_free);
	return SOHOA_OK;
}

/*
 * A "pkcs11:" URI (RFC 7512).  The query attribute module-path names the
 * PKCS#11 library (else libp11's default, p11-kit's proxy); it is taken out
 * before the URI reaches libp11.  The certificate is read from the token
 * (the same URI with type=cert) when sign_cert is empty.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <openssl/engine.h>
static sohoa_status
open_pkcs11(sohoa_signer *s, const char *uri, const char *pin, int want_cert, sohoa_error *err)
{
	char path[1024], module[1024] = "", certuri[1100];
	char *q;
	ENGINE *e;

	snprintf(path, sizeof path, "%s", uri);
	if ((q = strchr(path, '?')) != NULL) {
		char *m = strstr(q, "module-path=");
		if (m) {
			size_t n = strcspn(m + 12, "&");
			snprintf(module, sizeof module, "%.*s", (int)n, m + 12);
		}
		*q = '\0';
	}
	e = ENGINE_by_id("pkcs11");
	if (!e)
		return sign_ssl_error(err, SOHOA_FATAL, "the OpenSSL pkcs11 engine is not installed"
		    " (Debian: libengine-pkcs11-openssl)");
	s->engine = e;
	if (module[0] && !ENGINE_ctrl_cmd_string(e, "MODULE_PATH", module, 0))
		return sign_ssl_error(err, SOHOA_FATAL, "pkcs11: cannot set the module path");
	if (pin && *pin && !ENGINE_ctrl_cmd_string(e, "PIN", pin, 0))
		return sign_ssl_error(err, SOHOA_FATAL, "pkcs11: cannot set the PIN");
	if (!ENGINE_init(e)) {
		ENGINE_free(e);
		s->engine = NULL;
		return sign_ssl_error(err, SOHOA_FATAL, "pkcs11: cannot initialise the engine");
	}
	s->key = ENGINE_load_private_key(e, path, NULL, NULL);
	if (!s->key)
		return sign_ssl_error(err, SOHOA_FATAL, "pkcs11: no private key at the sign_key URI"
		    " (or a wrong PIN)");
	if (want_cert) {
		struct { const char *id; X509 *cert; } parms = { certuri, NULL };
		char *t = strstr(path, "type=");
		if (t) {
			size_t n = strcspn(t, ";");
			snprintf(certuri, sizeof certuri, "%.*stype=cert%s", (int)(t - path), path,
			    t + n);
		} else {
			snprintf(certuri, sizeof certuri, "%s;type=cert", path);
		}
		if (!ENGINE_ctrl_cmd(e, "LOAD_CERT_CTRL", 0, &parms, NULL, 1) || !parms.cert)
			return sign_ssl_error(err, SOHOA_FATAL, "pkcs11: no certificate on the token"
			    " for the sign_key URI; set sign_cert");
		s->cert = parms.cert;
	}
	return SOHOA_OK;
}

static void
engine_release(void *engine)
{
	if (engine) {
		ENGINE_finish(engine);
		ENGINE_free(engine);
	}
}
#pragma GCC diagnostic pop

static char *
name_one_line(const X509_NAME *name)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *out = NULL, *p;
	long n;

	if (!b)
		return NULL;
	/* RFC 2253 order, UTF-8 kept as it is (not escaped). */
	X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	n = BIO_get_mem_data(b, &p);
	if (n >= 0 && (out = malloc((size_t)n + 1)) != NULL) {
		memcpy(out, p, (size_t)n);
		out[n] = '\0';
	}
	BIO_free(b);
	return out;
}

void
sohoa_signer_free(sohoa_signer *s)
{
	if (!s)
		return;
	EVP_PKEY_free(s->key);
	X509_free(s->cert);
	sk_X509_pop_free(s->chain, X509_free);
	engine_release(s->engine);
	free(s->subject);
	free(s->tsa_url);
	free(s->tsa_ca_file);
	free(s);
}

sohoa_signer *
sohoa_signer_open(const sohoa_conf *conf, sohoa_error *err)
{
	sohoa_signer *s;
	char pin[PIN_MAX] = "";
	const char *key = conf->sign_key;
	int have_pin = 0;
	sohoa_status rc = SOHOA_OK;

	if (!sohoa_signer_configured(conf)) {
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "sign_key is not set");
		return NULL;
	}
	if (!(s = calloc(1, sizeof *s)) || !(s->chain = sk_X509_new_null())
	    || !(s->tsa_url = strdup(conf->tsa_url ? conf->tsa_url : ""))
	    || !(s->tsa_ca_file = strdup(conf->tsa_ca_file ? conf->tsa_ca_file : ""))) {
		sohoa_signer_free(s);
		sohoa_error_oom(err);
		return NULL;
	}
	s->lt = !conf->sign_lt || strcmp(conf->sign_lt, "off") != 0;
	s->ocsp_timeout = conf->ocsp_timeout > 0 ? (int)conf->ocsp_timeout : 10;
	ERR_clear_error();
	if (conf->sign_pin_file && conf->sign_pin_file[0]) {
		if (read_pin(conf->sign_pin_file, pin, sizeof pin, err) != SOHOA_OK)
			goto fail;
		have_pin = 1;
	}
	if (strncmp(key, "pkcs11:", 7) == 0) {
		rc = open_pkcs11(s, key, have_pin ? pin : NULL,
		    !(conf->sign_cert && conf->sign_cert[0]), err);
	} else {
		if (check_secret_file(key, "khóa ký", "key file", err) != SOHOA_OK)
			goto fail;
		if (file_is_pem(key))
			rc = open_pem(s, key, have_pin ? pin : NULL, err);
		else
			rc = open_pkcs12(s, key, have_pin ? pin : NULL, err);
	}
	OPENSSL_cleanse(pin, sizeof pin);
	if (rc != SOHOA_OK)
		goto fail;
	if (conf->sign_cert && conf->sign_cert[0]) {
		X509 *c = load_pem_cert(conf->sign_cert, err);
		if (!c)
			goto fail;
		X509_free(s->cert);
		s->cert = c;
	}
	if (!s->cert) {
		sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "no certificate: set sign_cert (the key file holds none)");
		goto fail;
	}
	if (!X509_check_private_key(s->cert, s->key)) {
		sign_ssl_error(err, SOHOA_FATAL, "the certificate does not match the signing key");
		goto fail;
	}
	if (conf->sign_chain && conf->sign_chain[0]
	    && load_pem_certs(conf->sign_chain, &s->chain, NULL, err) != SOHOA_OK)
		goto fail;
	if (!(s->subject = name_one_line(X509_get_subject_name(s->cert)))) {
		sohoa_error_oom(err);
		goto fail;
	}
	return s;
fail:
	OPENSSL_cleanse(pin, sizeof pin);
	sohoa_signer_free(s);
	return NULL;
}

const char *
sohoa_signer_subject(const sohoa_signer *s)
{
	return s && s->subject ? s->subject : "";
}

/* ---- CMS ---------------------------------------------------------------- */

size_t
sign_cms_size_bound(const sohoa_signer *s)
{
	size_t n = (size_t)i2d_X509(s->cert, NULL);

	for (int i = 0; i < sk_X509_num(s->chain); i++)
		n += (size_t)i2d_X509(sk_X509_value(s->chain, i), NULL);
	/* Signature value, three or four signed attributes, the structure;
	 * with a TSA, its token (the TSA's certificates, its signature, the
	 * TSTInfo): 16 KiB is several times what TSAs send. */
	return n + (size_t)EVP_PKEY_get_size(s->key) + 2048 + (s->tsa_url[0] ? 16384 : 0);
}

static int
der_cmp(const void *a, const void *b)
{
	const ASN1_STRING *x = *(ASN1_STRING *const *)a, *y = *(ASN1_STRING *const *)b;
	int n = x->length < y->length ? x->length : y->length;
	int c = memcmp(x->data, y->data, (size_t)n);

	return c ? c : x->length - y->length;
}

/*
 * Signs the signed attributes again, as they are now.  OpenSSL 3.0's
 * CMS_SignerInfo_sign() always adds a signing-time attribute, which PAdES
 * forbids; after removing it the signature has to be made here.  The
 * attributes are DER-encoded as a SET OF (sorted encodings, RFC 5652 5.4),
 * which is what OpenSSL writes into the SignerInfo and what verifiers hash.
 */
static int
resign_attributes(CMS_SignerInfo *si, EVP_PKEY *key)
{
	int n = CMS_signed_get_attr_count(si), ok = 0;
	ASN1_STRING **enc = NULL;
	unsigned char *buf = NULL, *sig = NULL, *p;
	size_t body = 0, hdr, siglen = 0;
	EVP_MD_CTX *ctx = NULL;

	if (n <= 0 || !(enc = calloc((size_t)n, sizeof *enc)))
		return 0;
	for (int i = 0; i < n; i++) {
		unsigned char *d = NULL;
		int len = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &d);
		if (len <= 0 || !(enc[i] = ASN1_STRING_new())) {
			OPENSSL_free(d);
			goto out;
		}
		ASN1_STRING_set0(enc[i], d, len);
		body += (size_t)len;
	}
	qsort(enc, (size_t)n, sizeof *enc, der_cmp);
	hdr = body < 0x80 ? 2 : body < 0x100 ? 3 : body < 0x10000 ? 4 : 5;
	if (!(buf = malloc(hdr + body)))
		goto out;
	p = buf;
	*p++ = 0x31;
	if (body < 0x80) {
		*p++ = (unsigned char)body;
	} else {
		int nb = (int)hdr - 2;
		*p++ = (unsigned char)(0x80 | nb);
		for (int i = nb - 1; i >= 0; i--)
			*p++ = (unsigned char)(body >> (8 * i));
	}
	for (int i = 0; i < n; i++) {
		memcpy(p, enc[i]->data, (size_t)enc[i]->length);
		p += enc[i]->length;
	}
	if (!(ctx = EVP_MD_CTX_new()) || EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) <= 0
	    || EVP_DigestSign(ctx, NULL, &siglen, buf, hdr + body) <= 0
	    || !(sig = OPENSSL_malloc(siglen))
	    || EVP_DigestSign(ctx, sig, &siglen, buf, hdr + body) <= 0)
		goto out;
	ASN1_STRING_set0(CMS_SignerInfo_get0_signature(si), sig, (int)siglen);
	sig = NULL;
	ok = 1;
out:
	OPENSSL_free(sig);
	EVP_MD_CTX_free(ctx);
	free(buf);
	for (int i = 0; enc && i < n; i++)
		ASN1_STRING_free(enc[i]);
	free(enc);
	return ok;
}

/* TLS for an https:// TSA (OSSL_HTTP_transfer's BIO callback, as OpenSSL's
 * own apps do it): the server's certificate must chain to tsa_ca_file (or
 * the system's CAs) and name the host. */
struct tsa_tls {
	SSL_CTX *ctx;
	const char *host;
};

static BIO *
tsa_tls_cb(BIO *bio, void *arg, int connect, int detail)
{
	struct tsa_tls *t = arg;

	if (connect && detail) {
		BIO *sbio = BIO_new(BIO_f_ssl());
		SSL *ssl = sbio ? SSL_new(t->ctx) : NULL;
		unsigned char ip[16];
		int is_ip = inet_pton(AF_INET, t->host, ip) == 1 || inet_pton(AF_INET6, t->host, ip) == 1;
		/* An address is checked against the certificate's IP names, a host
		 * name against its DNS names (and sent as SNI). */
		if (!ssl || (is_ip ? !X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), t->host)
		    : !SSL_set_tlsext_host_name(ssl, t->host) || !SSL_set1_host(ssl, t->host))) {
			SSL_free(ssl);
			BIO_free(sbio);
			return NULL;
		}
		SSL_set_connect_state(ssl);
		BIO_set_ssl(sbio, ssl, BIO_CLOSE);
		return BIO_push(sbio, bio);
	}
	if (!connect && detail) {
		BIO *cbio;
		(void)ERR_set_mark();
		BIO_ssl_shutdown(bio);
		cbio = BIO_pop(bio);
		BIO_free(bio);
		(void)ERR_pop_to_mark();
		return cbio;
	}
	return bio;
}

sohoa_status
sign_tsa_token(const char *url, const char *ca_file, const unsigned char h[32],
    unsigned char **token, size_t *token_len, sohoa_error *err)
{
	unsigned char *der = NULL;
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	ASN1_INTEGER *nonce = NULL;
	BIGNUM *bn = BN_new();
	BIO *reqbio = BIO_new(BIO_s_mem()), *resp = NULL;
	TS_RESP *tsr = NULL;
	TS_VERIFY_CTX *vctx = NULL;
	char *host = NULL, *port = NULL, *path = NULL;
	int use_ssl = 0, len;
	sohoa_status rc = SOHOA_FATAL;
	struct tsa_tls tls = { NULL, NULL };

	*token = NULL;
	*token_len = 0;
	if (!req || !mi || !alg || !bn || !reqbio) {
		rc = sohoa_error_oom(err);
		goto out;
	}
	X509_ALGOR_set_md(alg, EVP_sha256());
	if (!TS_REQ_set_version(req, 1) || !TS_MSG_IMPRINT_set_algo(mi, alg)
	    || !TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)h, 32) || !TS_REQ_set_msg_imprint(req, mi)
	    || !BN_rand(bn, 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY)
	    || !(nonce = BN_to_ASN1_INTEGER(bn, NULL)) || !TS_REQ_set_nonce(req, nonce)
	    || !TS_REQ_set_cert_req(req, 1) || i2d_TS_REQ_bio(reqbio, req) <= 0) {
		rc = sign_ssl_error(err, SOHOA_FATAL, "timestamp request");
		goto out;
	}
	if (!OSSL_HTTP_parse_url(url, &use_ssl, NULL, &host, &port, NULL, &path, NULL, NULL)) {
		rc = sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE,
		    "tsa_url %s: not an http:// or https:// URL", url);
		goto out;
	}
	if (use_ssl) {
		if (!(tls.ctx = SSL_CTX_new(TLS_client_method()))
		    || !SSL_CTX_set_min_proto_version(tls.ctx, TLS1_2_VERSION)
		    || !(ca_file && ca_file[0] ? SSL_CTX_load_verify_locations(tls.ctx, ca_file, NULL)
		    : SSL_CTX_set_default_verify_paths(tls.ctx))) {
			rc = sign_ssl_error(err, SOHOA_FATAL, ca_file && ca_file[0] ? ca_file
			    : "TLS for the time-stamping service");
			goto out;
		}
		SSL_CTX_set_verify(tls.ctx, SSL_VERIFY_PEER, NULL);
		tls.host = host;
	}
	/* expect_asn1: the whole response is read into memory (it is small). */
	resp = OSSL_HTTP_transfer(NULL, host, port, path, use_ssl, NULL, NULL, NULL, NULL,
	    use_ssl ? tsa_tls_cb : NULL, use_ssl ? &tls : NULL, 0, NULL,
	    "application/timestamp-query", reqbio, "application/timestamp-reply", 1,
	    TSA_MAX_RESPONSE, TSA_TIMEOUT, 0);
	if (!resp) {
		/* Unreachable or overloaded: a passing condition. */
		char what[600];
		snprintf(what, sizeof what, "dịch vụ cấp dấu thời gian %s không trả lời — the"
		    " time-stamping service %s did not answer", url, url);
		rc = sign_ssl_error(err, SOHOA_RETRY, what);
		goto out;
	}
	if (!(tsr = d2i_TS_RESP_bio(resp, NULL))) {
		rc = sign_ssl_error(err, SOHOA_RETRY, "the time-stamping service sent no valid"
		    " RFC 3161 response");
		goto out;
	}
	{
		long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(
		    TS_RESP_get_status_info(tsr)));
		if (status != 0 && status != 1) {
			rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE,
			    "the time-stamping service refused the request (status %ld)", status);
			goto out;
		}
	}
	/* The token must be over our imprint and nonce (its signature is the
	 * TSA's; verifiers check it against their trust anchors). */
	if (!(vctx = TS_REQ_to_TS_VERIFY_CTX(req, NULL))
	    || TS_RESP_verify_response(vctx, tsr) != 1) {
		rc = sign_ssl_error(err, SOHOA_RETRY, "the timestamp does not match the request");
		goto out;
	}
	if ((len = i2d_PKCS7(TS_RESP_get_token(tsr), &der)) <= 0) {
		rc = sign_ssl_error(err, SOHOA_FATAL, "cannot encode the timestamp");
		goto out;
	}
	*token = der;
	*token_len = (size_t)len;
	der = NULL;
	rc = SOHOA_OK;
out:
	OPENSSL_free(der);
	TS_VERIFY_CTX_free(vctx);
	TS_RESP_free(tsr);
	BIO_free(resp);
	BIO_free(reqbio);
	SSL_CTX_free(tls.ctx);
	OPENSSL_free(host);
	OPENSSL_free(port);
	OPENSSL_free(path);
	ASN1_INTEGER_free(nonce);
	BN_free(bn);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	return rc;
}

/* An RFC 3161 timestamp over the signature value, as the unsigned attribute
 * id-aa-timeStampToken (RFC 3161 appendix A). */
static sohoa_status
add_timestamp(const char *url, const char *ca_file, CMS_SignerInfo *si, sohoa_error *err)
{
	ASN1_OCTET_STRING *sigval = CMS_SignerInfo_get0_signature(si);
	ASN1_STRING *seq = NULL;
	unsigned char h[32], *tok = NULL;
	size_t len = 0;
	sohoa_status rc;

	SHA256(sigval->data, (size_t)sigval->length, h);
	if ((rc = sign_tsa_token(url, ca_file, h, &tok, &len, err)) != SOHOA_OK)
		return rc;
	if (!(seq = ASN1_STRING_new()) || !ASN1_STRING_set(seq, tok, (int)len)
	    || CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE,
	    seq, -1) <= 0)
		rc = sign_ssl_error(err, SOHOA_FATAL, "cannot add the timestamp");
	ASN1_STRING_free(seq);
	OPENSSL_free(tok);
	return rc;
}

sohoa_status
sign_cms_digest(sohoa_signer *s, const unsigned char md[32], int signing_time, int timestamp,
    unsigned char **der, size_t *len, sohoa_error *err)
{
	const unsigned flags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	sohoa_status rc = SOHOA_FATAL;
	int n;

	*der = NULL;
	*len = 0;
	ERR_clear_error();
	if (!(cms = CMS_sign(NULL, NULL, NULL, NULL, flags))) {
		sign_ssl_error(err, SOHOA_FATAL, "CMS");
		return SOHOA_FATAL;
	}
	/* CMS_CADES: the signing-certificate-v2 attribute (ESS, SHA-256). */
	si = CMS_add1_signer(cms, s->cert, s->key, EVP_sha256(),
	    CMS_BINARY | CMS_NOSMIMECAP | CMS_CADES);
	if (!si) {
		sign_ssl_error(err, SOHOA_FATAL, "CMS signer");
		goto out;
	}
	for (int i = 0; i < sk_X509_num(s->chain); i++)
		if (!CMS_add1_cert(cms, sk_X509_value(s->chain, i))) {
			sign_ssl_error(err, SOHOA_FATAL, "CMS certificates");
			goto out;
		}
	if (CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
	    OBJ_nid2obj(NID_pkcs7_data), -1) <= 0
	    || CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING,
	    md, 32) <= 0) {
		sign_ssl_error(err, SOHOA_FATAL, "CMS attributes");
		goto out;
	}
	if (!CMS_SignerInfo_sign(si)) {
		sign_ssl_error(err, SOHOA_FATAL, "signing failed");
		goto out;
	}
	if (!signing_time) {
		int loc = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
		if (loc >= 0)
			X509_ATTRIBUTE_free(CMS_signed_delete_attr(si, loc));
		if (!resign_attributes(si, s->key)) {
			sign_ssl_error(err, SOHOA_FATAL, "signing failed");
			goto out;
		}
	}
	if (timestamp && s->tsa_url[0] && (rc = add_timestamp(s->tsa_url, s->tsa_ca_file, si, err)) != SOHOA_OK)
		goto out;
	rc = SOHOA_FATAL;
	if ((n = i2d_CMS_ContentInfo(cms, der)) <= 0) {
		sign_ssl_error(err, SOHOA_FATAL, "CMS encoding");
		goto out;
	}
	*len = (size_t)n;
	rc = SOHOA_OK;
out:
	CMS_ContentInfo_free(cms);
	return rc;
}

/* SHA-256 of a whole file, read in pieces. */
static sohoa_status
hash_file(const char *path, unsigned char md[32], sohoa_error *err)
{
	static const size_t chunk = 1 << 20;
	unsigned char *buf = malloc(chunk);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	sohoa_status rc = SOHOA_OK;
	ssize_t n;

	if (fd < 0)
		rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE, "%s: %s", path,
		    strerror(errno));
	else if (!buf || !ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		rc = sohoa_error_oom(err);
	while (rc == SOHOA_OK && (n = read(fd, buf, chunk)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = sohoa_error_set(err, SOHOA_RETRY, SOHOA_REASON_NONE, "%s: read: %s",
			    path, strerror(errno));
		} else {
			EVP_DigestUpdate(ctx, buf, (size_t)n);
		}
	}
	if (rc == SOHOA_OK)
		EVP_DigestFinal_ex(ctx, md, NULL);
	if (fd >= 0)
		close(fd);
	EVP_MD_CTX_free(ctx);
	free(buf);
	return rc;
}

sohoa_status
sohoa_sign_detached(sohoa_signer *s, const char *data_path, const char *p7s_path,
    sohoa_error *err)
{
	unsigned char md[32], *der = NULL;
	size_t len;
	sohoa_status rc;

	if ((rc = hash_file(data_path, md, err)) != SOHOA_OK)
		return rc;
	if ((rc = sign_cms_digest(s, md, 1, 1, &der, &len, err)) != SOHOA_OK)
		return rc;
	rc = sohoa_fs_write_file(p7s_path, der, len, 0644, err);
	OPENSSL_free(der);
	return rc;
}

/* ---- verification --------------------------------------------------------- */

/*
 * Without trust anchors: every certificate the CMS carries that names an
 * issuer also carried must bear that issuer's valid signature.
 */
static int
chain_hangs_together(STACK_OF(X509) *certs)
{
	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509 *c = sk_X509_value(certs, i);
		for (int j = 0; j < sk_X509_num(certs); j++) {
			X509 *issuer = sk_X509_value(certs, j);
			if (i == j && X509_check_issued(c, c) != X509_V_OK)
				continue;
			if (X509_check_issued(issuer, c) == X509_V_OK
			    && X509_verify(c, X509_get0_pubkey(issuer)) <= 0)
				return 0;
		}
	}
	return 1;
}

/* The timestamp token, if any, must be over this signature value. */
static int
timestamp_ok(CMS_SignerInfo *si)
{
	int loc = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
	X509_ATTRIBUTE *a;
	ASN1_TYPE *t;
	const unsigned char *p;
	PKCS7 *tok;
	TS_VERIFY_CTX *vctx;
	ASN1_OCTET_STRING *sigval = CMS_SignerInfo_get0_signature(si);
	unsigned char h[32], *imprint;
	int ok;

	if (loc < 0)
		return 1;
	a = CMS_unsigned_get_attr(si, loc);
	t = X509_ATTRIBUTE_get0_type(a, 0);
	if (!t || t->type != V_ASN1_SEQUENCE)
		return 0;
	p = t->value.sequence->data;
	if (!(tok = d2i_PKCS7(NULL, &p, t->value.sequence->length)))
		return 0;
	SHA256(sigval->data, (size_t)sigval->length, h);
	vctx = TS_VERIFY_CTX_new();
	imprint = OPENSSL_memdup(h, sizeof h);
	if (!vctx || !imprint) {
		OPENSSL_free(imprint);
		TS_VERIFY_CTX_free(vctx);
		PKCS7_free(tok);
		return 0;
	}
	TS_VERIFY_CTX_set_flags(vctx, TS_VFY_IMPRINT | TS_VFY_VERSION);
	TS_VERIFY_CTX_set_imprint(vctx, imprint, sizeof h);
	ok = TS_RESP_verify_token(vctx, tok) == 1;
	/* And the token's own signature, by the certificate it carries. */
	if (ok) {
		BIO *o = BIO_new(BIO_s_null());
		ok = o && PKCS7_verify(tok, NULL, NULL, NULL, o, PKCS7_NOVERIFY) == 1;
		BIO_free(o);
	}
	TS_VERIFY_CTX_free(vctx);
	PKCS7_free(tok);
	return ok;
}

/*
 * The time of the signature's timestamp token (genTime), when it has one
 * over this signature value whose own signature verifies, and, given trust
 * anchors, whose TSA certificate chains to them.  Returns 1 with *when
 * set, 0 when there is no such token.
 */
static int
timestamp_time(CMS_SignerInfo *si, X509_STORE *store, time_t *when)
{
	int loc = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
	ASN1_TYPE *t;
	const unsigned char *p;
	PKCS7 *tok = NULL;
	TS_TST_INFO *info = NULL;
	const ASN1_GENERALIZEDTIME *gt;
	struct tm tm;
	BIO *o = NULL;
	int ok = 0;

	if (loc < 0 || !timestamp_ok(si))
		return 0;
	t = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, loc), 0);
	if (!t || t->type != V_ASN1_SEQUENCE)
		return 0;
	p = t->value.sequence->data;
	if (!(tok = d2i_PKCS7(NULL, &p, t->value.sequence->length)))
		return 0;
	if (store) {
		o = BIO_new(BIO_s_null());
		if (!o || PKCS7_verify(tok, NULL, store, NULL, o, 0) != 1)
			goto out;
	}
	if ((info = PKCS7_to_TS_TST_INFO(tok)) && (gt = TS_TST_INFO_get_time(info))
	    && ASN1_TIME_to_tm(gt, &tm) == 1) {
		*when = timegm(&tm);
		ok = 1;
	}
out:
	ERR_clear_error();
	BIO_free(o);
	TS_TST_INFO_free(info);
	PKCS7_free(tok);
	return ok;
}

int
sign_cms_timestamp(const unsigned char *der, size_t len, char *iso, size_t size)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	STACK_OF(CMS_SignerInfo) *sis;
	time_t when;
	struct tm tm;
	int ok = 0;

	if (size)
		iso[0] = '\0';
	if (!cms)
		return 0;
	sis = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(sis) == 1
	    && timestamp_time(sk_CMS_SignerInfo_value(sis, 0), NULL, &when)
	    && gmtime_r(&when, &tm)) {
		strftime(iso, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
		ok = 1;
	}
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return ok;
}

/*
 * PAdES B-LT: the signer's certificate status from the validation data,
 * judged at the store's time (the timestamp's).  Revoked before the time it
 * is judged at: invalid; revoked after it: still valid at signing.
 */
static sohoa_status
check_revocation(X509 *sc, STACK_OF(X509) *cms_certs, X509_STORE *store,
    const struct sign_lt *lt, time_t at, struct sign_vinfo *vi, sohoa_error *err)
{
	STACK_OF(X509) *untr = cms_certs ? sk_X509_dup(cms_certs) : sk_X509_new_null();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *chain;
	time_t rt = 0;
	const char *src = NULL;
	int st = SIGN_REV_NONE;

	for (int i = 0; untr && lt->certs && i < sk_X509_num(lt->certs); i++)
		sk_X509_push(untr, sk_X509_value(lt->certs, i));
	if (untr && ctx && X509_STORE_CTX_init(ctx, store, sc, untr) == 1
	    && X509_verify_cert(ctx) == 1 && (chain = X509_STORE_CTX_get0_chain(ctx))
	    && sk_X509_num(chain) >= 2)
		st = sign_lt_status(lt, sc, sk_X509_value(chain, 1), store, untr, &rt, &src);
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untr);
	ERR_clear_error();
	if (vi) {
		vi->revocation = st;
		vi->rev_src = src;
		vi->rev_time = rt;
	}
	if (st == SIGN_REV_REVOKED && rt <= at)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "chứng thư của người ký đã bị thu hồi trước thời điểm ký (%s) — the signer's"
		    " certificate was revoked before the signing time (%s)", src, src);
	return SOHOA_OK;
}

static sohoa_status
verify_common(CMS_ContentInfo *cms, BIO *content, const unsigned char *md,
    const char *ca_file, const struct sign_lt *lt, struct sign_vinfo *vi, char *signer,
    size_t signer_len, sohoa_error *err)
{
	time_t judged_at = 0;
	X509_STORE *store = NULL;
	STACK_OF(X509) *certs = NULL, *signers = NULL;
	STACK_OF(CMS_SignerInfo) *sis;
	unsigned flags = CMS_BINARY;
	sohoa_status rc = SOHOA_BAD_INPUT;
	BIO *sink = BIO_new(BIO_s_null());

	if (!sink)
		return sohoa_error_oom(err);
	if (ca_file) {
		if (!(store = X509_STORE_new()) || !X509_STORE_load_file(store, ca_file)) {
			rc = sign_ssl_error(err, SOHOA_FATAL, ca_file);
			goto out;
		}
		/* Document-signing certificates need not be S/MIME ones (CMS_verify's
		 * default purpose): the chain and validity are what is checked. */
		X509_STORE_set_purpose(store, X509_PURPOSE_ANY);
	} else {
		flags |= CMS_NO_SIGNER_CERT_VERIFY;
	}
	if (md)
		flags |= CMS_NO_CONTENT_VERIFY;   /* the digest is compared below */
	/* PAdES B-T: a signature with a timestamp (from a TSA the anchors
	 * trust) is judged at the time of its timestamp, so that it stays
	 * valid after the signer's certificate has expired. */
	sis = CMS_get0_SignerInfos(cms);
	if (store && sk_CMS_SignerInfo_num(sis) == 1) {
		time_t when;
		if (timestamp_time(sk_CMS_SignerInfo_value(sis, 0), store, &when)) {
			X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), when);
			judged_at = when;
		}
	}
	if (vi)
		vi->ts = judged_at;
	if (CMS_verify(cms, lt ? lt->certs : NULL, store, content, sink, flags) != 1) {
		rc = sign_ssl_error(err, SOHOA_BAD_INPUT, "chữ ký không hợp lệ — the signature"
		    " does not verify");
		goto out;
	}
	sis = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(sis) != 1) {
		rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "expected one signer, found %d", sk_CMS_SignerInfo_num(sis));
		goto out;
	}
	if (md) {
		ASN1_OCTET_STRING *os = CMS_signed_get0_data_by_OBJ(sk_CMS_SignerInfo_value(sis, 0),
		    OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING);
		if (!os || os->length != 32 || memcmp(os->data, md, 32) != 0) {
			rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
			    "chữ ký không khớp nội dung — the signed content was changed");
			goto out;
		}
	}
	if (!timestamp_ok(sk_CMS_SignerInfo_value(sis, 0))) {
		rc = sign_ssl_error(err, SOHOA_BAD_INPUT, "the timestamp token does not verify");
		goto out;
	}
	certs = CMS_get1_certs(cms);
	if (!ca_file && !chain_hangs_together(certs)) {
		rc = sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "a certificate in the signature is not signed by its issuer");
		goto out;
	}
	signers = CMS_get0_signers(cms);
	if (store && lt && sk_X509_num(signers) > 0
	    && (rc = check_revocation(sk_X509_value(signers, 0), certs, store, lt,
	    judged_at ? judged_at : time(NULL), vi, err)) != SOHOA_OK)
		goto out;
	rc = SOHOA_BAD_INPUT;
	if (signer && signer_len) {
		char *subj = sk_X509_num(signers) > 0
		    ? name_one_line(X509_get_subject_name(sk_X509_value(signers, 0))) : NULL;
		snprintf(signer, signer_len, "%s", subj ? subj : "");
		free(subj);
	}
	rc = SOHOA_OK;
out:
	ERR_clear_error();
	sk_X509_free(signers);
	sk_X509_pop_free(certs, X509_free);
	X509_STORE_free(store);
	BIO_free(sink);
	return rc;
}

sohoa_status
sign_cms_verify_digest(const unsigned char *der, size_t len, const unsigned char md[32],
    const char *ca_file, char *signer, size_t signer_len, sohoa_error *err)
{
	return sign_cms_verify_digest_lt(der, len, md, ca_file, NULL, NULL, signer, signer_len,
	    err);
}

sohoa_status
sign_cms_verify_digest_lt(const unsigned char *der, size_t len, const unsigned char md[32],
    const char *ca_file, const struct sign_lt *lt, struct sign_vinfo *vi, char *signer,
    size_t signer_len, sohoa_error *err)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	BIO *empty;
	sohoa_status rc;

	if (!cms)
		return sign_ssl_error(err, SOHOA_BAD_INPUT, "the signature is not a CMS structure");
	if (!(empty = BIO_new_mem_buf("", 0))) {
		CMS_ContentInfo_free(cms);
		return sohoa_error_oom(err);
	}
	rc = verify_common(cms, empty, md, ca_file, lt, vi, signer, signer_len, err);
	BIO_free(empty);
	CMS_ContentInfo_free(cms);
	return rc;
}

sohoa_status
sohoa_verify_detached(const char *data_path, const char *p7s_path, const char *ca_file,
    char *signer, size_t signer_len, sohoa_error *err)
{
	BIO *in, *data;
	CMS_ContentInfo *cms;
	sohoa_status rc;

	if (signer && signer_len)
		signer[0] = '\0';
	ERR_clear_error();
	if (!(in = BIO_new_file(p7s_path, "rb")))
		return sign_ssl_error(err, SOHOA_BAD_INPUT, p7s_path);
	cms = d2i_CMS_bio(in, NULL);
	BIO_free(in);
	if (!cms)
		return sign_ssl_error(err, SOHOA_BAD_INPUT, "the signature file is not DER CMS");
	if (!(data = BIO_new_file(data_path, "rb"))) {
		CMS_ContentInfo_free(cms);
		return sign_ssl_error(err, SOHOA_BAD_INPUT, data_path);
	}
	/* CMS_verify reads the content through its digest BIOs in pieces. */
	rc = verify_common(cms, data, NULL, ca_file, NULL, NULL, signer, signer_len, err);
	BIO_free(data);
	CMS_ContentInfo_free(cms);
	return rc;
}
