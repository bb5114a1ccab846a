/*
 * sign_lt.c - validation data for long-term signatures (PAdES B-LT, ETSI
 * EN 319 142-1 5.4): the certificates of a signature and of its timestamp,
 * and the revocation data of each - an OCSP response (RFC 6960) from the
 * certificate's AIA OCSP address, else a CRL from its CRL distribution
 * point - asked with OpenSSL's OCSP API and HTTP client (OSSL_HTTP_*).
 * sign_pdf.c puts them in the PDF's DSS; verification reads them back and
 * checks the signer's status at the time of the signature's timestamp.
 * Also the verification of a document timestamp (ETSI.RFC3161).
 *
 * Invariants:
 *   1. Fetching never fails the signing: what cannot be had is written in
 *      lt->note (Vietnamese, then English) and the signature stays B-T.
 *   2. Only data that answers for the certificate is kept: an OCSP response
 *      must be successful, carry our nonce when it sends one, and hold a
 *      status for our certificate id; a CRL must be signed by the issuer.
 *      Whether its signer is to be trusted is judged at verification.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/ocsp.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "sohoa/sign.h"
#include "sign_int.h"

#define LT_MAX_RESPONSE (4 << 20)   /* a CRL can be large */

void
sign_lt_release(struct sign_lt *lt)
{
	if (!lt)
		return;
	sk_X509_pop_free(lt->certs, X509_free);
	for (int i = 0; i < lt->nocsp; i++)
		free(lt->ocsp[i].p);
	for (int i = 0; i < lt->ncrl; i++)
		free(lt->crl[i].p);
	free(lt->ocsp);
	free(lt->crl);
	memset(lt, 0, sizeof *lt);
}

int
sign_lt_add_cert(struct sign_lt *lt, X509 *x)
{
	if (!x)
		return 1;
	if (!lt->certs && !(lt->certs = sk_X509_new_null()))
		return 0;
	for (int i = 0; i < sk_X509_num(lt->certs); i++)
		if (X509_cmp(sk_X509_value(lt->certs, i), x) == 0)
			return 1;
	if (!X509_up_ref(x))
		return 0;
	if (!sk_X509_push(lt->certs, x)) {
		X509_free(x);
		return 0;
	}
	return 1;
}

int
sign_lt_add_blob(struct sign_blob **v, int *n, const unsigned char *p, size_t len)
{
	struct sign_blob *nv;

	for (int i = 0; i < *n; i++)
		if ((*v)[i].n == len && memcmp((*v)[i].p, p, len) == 0)
			return 1;
	if (!(nv = realloc(*v, (size_t)(*n + 1) * sizeof *nv)))
		return 0;
	*v = nv;
	if (!(nv[*n].p = malloc(len ? len : 1)))
		return 0;
	memcpy(nv[*n].p, p, len);
	nv[*n].n = len;
	(*n)++;
	return 1;
}

static void
note(struct sign_lt *lt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
note(struct sign_lt *lt, const char *fmt, ...)
{
	size_t used = strlen(lt->note);
	va_list ap;

	if (used + 4 >= sizeof lt->note)
		return;
	if (used)
		used += (size_t)snprintf(lt->note + used, sizeof lt->note - used, "; ");
	va_start(ap, fmt);
	vsnprintf(lt->note + used, sizeof lt->note - used, fmt, ap);
	va_end(ap);
}

static void
cert_name(X509 *x, char *buf, size_t size)
{
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, buf, (int)size);
	if (!buf[0])
		X509_NAME_oneline(X509_get_subject_name(x), buf, (int)size);
}

/* The certificates of the timestamp token in a CMS signer's unsigned attributes. */
static int
add_token_certs(struct sign_lt *lt, CMS_SignerInfo *si)
{
	int loc = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
	ASN1_TYPE *t;
	const unsigned char *p;
	PKCS7 *tok;
	int ok = 1;

	if (loc < 0)
		return 1;
	t = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, loc), 0);
	if (!t || t->type != V_ASN1_SEQUENCE)
		return 1;
	p = t->value.sequence->data;
	if (!(tok = d2i_PKCS7(NULL, &p, t->value.sequence->length)))
		return 1;
	if (PKCS7_type_is_signed(tok) && tok->d.sign)
		for (int i = 0; ok && i < sk_X509_num(tok->d.sign->cert); i++)
			ok = sign_lt_add_cert(lt, sk_X509_value(tok->d.sign->cert, i));
	PKCS7_free(tok);
	return ok;
}

/* An HTTP exchange (POST when req is given, else GET); NULL when it fails. */
static BIO *
http_fetch(const char *url, BIO *req, const char *req_type, const char *resp_type, int timeout)
{
	char *host = NULL, *port = NULL, *path = NULL;
	int use_ssl = 0;
	BIO *resp = NULL;

	if (!OSSL_HTTP_parse_url(url, &use_ssl, NULL, &host, &port, NULL, &path, NULL, NULL))
		return NULL;
	/* OCSP and CRLs are plain http (RFC 5280 4.2.2.1, RFC 6960 A.1): the
	 * data is signed; an https address is not followed. */
	if (!use_ssl)
		resp = OSSL_HTTP_transfer(NULL, host, port, path, 0, NULL, NULL, NULL, NULL, NULL,
		    NULL, 0, NULL, req ? req_type : NULL, req, resp_type, 1, LT_MAX_RESPONSE,
		    timeout, 0);
	OPENSSL_free(host);
	OPENSSL_free(port);
	OPENSSL_free(path);
	return resp;
}

/* 1: an OCSP response for cert was kept; 0: not; -1: out of memory. */
static int
fetch_ocsp(struct sign_lt *lt, X509 *cert, X509 *issuer, const char *url, int timeout,
    const char *who)
{
	OCSP_REQUEST *req = OCSP_REQUEST_new();
	OCSP_CERTID *id = OCSP_cert_to_id(NULL, cert, issuer), *id2 = NULL;
	OCSP_RESPONSE *resp = NULL;
	OCSP_BASICRESP *bs = NULL;
	BIO *reqbio = BIO_new(BIO_s_mem()), *rbio = NULL;
	unsigned char *der = NULL;
	int status, reason, len, rc = 0;
	ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;

	if (!req || !id || !reqbio || !(id2 = OCSP_CERTID_dup(id)) || !OCSP_request_add0_id(req, id2)
	    || !OCSP_request_add1_nonce(req, NULL, -1) || i2d_OCSP_REQUEST_bio(reqbio, req) <= 0) {
		OCSP_CERTID_free(id2);
		rc = -1;
		goto out;
	}
	if (!(rbio = http_fetch(url, reqbio, "application/ocsp-request",
	    "application/ocsp-response", timeout))) {
		note(lt, "máy chủ OCSP %s không trả lời cho %s — the OCSP responder %s did not"
		    " answer for %s", url, who, url, who);
		goto out;
	}
	if (!(resp = d2i_OCSP_RESPONSE_bio(rbio, NULL))
	    || OCSP_response_status(resp) != OCSP_RESPONSE_STATUS_SUCCESSFUL
	    || !(bs = OCSP_response_get1_basic(resp)) || OCSP_check_nonce(req, bs) == 0
	    || OCSP_resp_find_status(bs, id, &status, &reason, &rev, &thisupd, &nextupd) != 1) {
		note(lt, "máy chủ OCSP %s trả lời không dùng được cho %s — the OCSP responder %s"
		    " gave no usable answer for %s", url, who, url, who);
		goto out;
	}
	if (status == V_OCSP_CERTSTATUS_REVOKED)
		note(lt, "OCSP: chứng thư %s ĐÃ BỊ THU HỒI — OCSP says %s is REVOKED", who, who);
	else if (status != V_OCSP_CERTSTATUS_GOOD) {
		/* "unknown" proves nothing: not kept (a CRL may still do). */
		note(lt, "OCSP: máy chủ không biết chứng thư %s — the responder does not know %s",
		    who, who);
		goto out;
	}
	if ((len = i2d_OCSP_RESPONSE(resp, &der)) <= 0
	    || !sign_lt_add_blob(&lt->ocsp, &lt->nocsp, der, (size_t)len)) {
		rc = -1;
		goto out;
	}
	/* A delegated responder's certificate is validation data too. */
	for (int i = 0; i < sk_X509_num(OCSP_resp_get0_certs(bs)); i++)
		if (!sign_lt_add_cert(lt, sk_X509_value(OCSP_resp_get0_certs(bs), i))) {
			rc = -1;
			goto out;
		}
	rc = 1;
out:
	ERR_clear_error();
	OPENSSL_free(der);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	BIO_free(rbio);
	BIO_free(reqbio);
	OCSP_CERTID_free(id);
	OCSP_REQUEST_free(req);
	return rc;
}

/* The first http URI of the certificate's CRL distribution points into buf. */
static int
crl_url(X509 *cert, char *buf, size_t size)
{
	STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
	int found = 0;

	for (int i = 0; !found && i < sk_DIST_POINT_num(dps); i++) {
		DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
		if (!dp->distpoint || dp->distpoint->type != 0)
			continue;
		for (int j = 0; !found && j < sk_GENERAL_NAME_num(dp->distpoint->name.fullname); j++) {
			GENERAL_NAME *g = sk_GENERAL_NAME_value(dp->distpoint->name.fullname, j);
			int type;
			ASN1_IA5STRING *uri = GENERAL_NAME_get0_value(g, &type);
			if (type == GEN_URI && uri->length > 7 && (size_t)uri->length < size
			    && strncmp((const char *)uri->data, "http://", 7) == 0) {
				memcpy(buf, uri->data, (size_t)uri->length);
				buf[uri->length] = '\0';
				found = 1;
			}
		}
	}
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	return found;
}

/* 1: a CRL for cert was kept; 0: not; -1: out of memory. */
static int
fetch_crl(struct sign_lt *lt, X509 *cert, X509 *issuer, const char *url, int timeout,
    const char *who)
{
	BIO *rbio = http_fetch(url, NULL, NULL, NULL, timeout);
	X509_CRL *crl = NULL;
	X509_REVOKED *rev = NULL;
	unsigned char *der = NULL;
	int len, rc = 0;

	if (!rbio) {
		note(lt, "không tải được CRL %s cho %s — the CRL %s for %s could not be fetched",
		    url, who, url, who);
		goto out;
	}
	if (!(crl = d2i_X509_CRL_bio(rbio, NULL))
	    || X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0
	    || X509_CRL_verify(crl, X509_get0_pubkey(issuer)) != 1) {
		note(lt, "CRL %s không phải của nơi cấp %s — the CRL %s is not signed by the issuer"
		    " of %s", url, who, url, who);
		goto out;
	}
	if (X509_CRL_get0_by_cert(crl, &rev, cert) == 1)
		note(lt, "CRL: chứng thư %s ĐÃ BỊ THU HỒI — the CRL says %s is REVOKED", who, who);
	if ((len = i2d_X509_CRL(crl, &der)) <= 0
	    || !sign_lt_add_blob(&lt->crl, &lt->ncrl, der, (size_t)len)) {
		rc = -1;
		goto out;
	}
	rc = 1;
out:
	ERR_clear_error();
	OPENSSL_free(der);
	X509_CRL_free(crl);
	BIO_free(rbio);
	return rc;
}

sohoa_status
sign_lt_collect(const sohoa_signer *s, const unsigned char *cms, size_t len, int timeout,
    struct sign_lt *lt, sohoa_error *err)
{
	const unsigned char *p = cms;
	CMS_ContentInfo *ci = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	STACK_OF(X509) *cc = NULL;
	int ok = 1, n;

	memset(lt, 0, sizeof *lt);
	ok = sign_lt_add_cert(lt, s->cert);
	for (int i = 0; ok && i < sk_X509_num(s->chain); i++)
		ok = sign_lt_add_cert(lt, sk_X509_value(s->chain, i));
	if (ok && ci) {
		STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(ci);
		cc = CMS_get1_certs(ci);
		for (int i = 0; ok && i < sk_X509_num(cc); i++)
			ok = sign_lt_add_cert(lt, sk_X509_value(cc, i));
		for (int i = 0; ok && i < sk_CMS_SignerInfo_num(sis); i++)
			ok = add_token_certs(lt, sk_CMS_SignerInfo_value(sis, i));
	}
	sk_X509_pop_free(cc, X509_free);
	CMS_ContentInfo_free(ci);
	/* Revocation data for every certificate but the self-signed roots
	 * (responders' certificates added on the way are not followed). */
	n = ok ? sk_X509_num(lt->certs) : 0;
	for (int i = 0; ok && i < n; i++) {
		X509 *c = sk_X509_value(lt->certs, i), *issuer = NULL;
		STACK_OF(OPENSSL_STRING) *urls;
		char who[256] = "", url[1024];
		int got = 0, has_ocsp, has_crl;
		if (X509_NAME_cmp(X509_get_subject_name(c), X509_get_issuer_name(c)) == 0)
			continue;   /* a root (or a self-signed TSA): nothing revokes it */
		cert_name(c, who, sizeof who);
		for (int j = 0; j < sk_X509_num(lt->certs) && !issuer; j++)
			if (X509_check_issued(sk_X509_value(lt->certs, j), c) == X509_V_OK)
				issuer = sk_X509_value(lt->certs, j);
		if (!issuer) {
			note(lt, "thiếu chứng thư nơi cấp của %s (thêm vào sign_chain) — no issuer"
			    " certificate for %s (add it to sign_chain)", who, who);
			continue;
		}
		urls = X509_get1_ocsp(c);
		has_ocsp = sk_OPENSSL_STRING_num(urls) > 0;
		for (int j = 0; got == 0 && j < sk_OPENSSL_STRING_num(urls); j++)
			got = fetch_ocsp(lt, c, issuer, sk_OPENSSL_STRING_value(urls, j), timeout, who);
		X509_email_free(urls);
		has_crl = crl_url(c, url, sizeof url);
		if (got == 0 && has_crl)
			got = fetch_crl(lt, c, issuer, url, timeout, who);
		if (got < 0)
			ok = 0;
		else if (got == 0 && !has_ocsp && !has_crl)
			note(lt, "chứng thư %s không có địa chỉ OCSP hay CRL — %s names no OCSP or"
			    " CRL address", who, who);
	}
	ERR_clear_error();
	if (!ok) {
		sign_lt_release(lt);
		return sohoa_error_oom(err);
	}
	return SOHOA_OK;
}

int
sign_lt_status(const struct sign_lt *lt, X509 *cert, X509 *issuer, X509_STORE *store,
    STACK_OF(X509) *untrusted, time_t *rev_time, const char **src)
{
	OCSP_CERTID *id = OCSP_cert_to_id(NULL, cert, issuer);
	int result = SIGN_REV_NONE;
	struct tm tm;

	for (int i = 0; id && result == SIGN_REV_NONE && i < lt->nocsp; i++) {
		const unsigned char *p = lt->ocsp[i].p;
		OCSP_RESPONSE *r = d2i_OCSP_RESPONSE(NULL, &p, (long)lt->ocsp[i].n);
		OCSP_BASICRESP *bs = r ? OCSP_response_get1_basic(r) : NULL;
		ASN1_GENERALIZEDTIME *rev = NULL, *tu = NULL, *nu = NULL;
		int status, reason;
		if (bs && OCSP_resp_find_status(bs, id, &status, &reason, &rev, &tu, &nu) == 1
		    && OCSP_basic_verify(bs, untrusted, store, 0) == 1) {
			if (status == V_OCSP_CERTSTATUS_GOOD) {
				result = SIGN_REV_GOOD;
			} else if (status == V_OCSP_CERTSTATUS_REVOKED) {
				result = SIGN_REV_REVOKED;
				*rev_time = rev && ASN1_TIME_to_tm(rev, &tm) == 1 ? timegm(&tm) : 0;
			}
			*src = "OCSP";
		}
		OCSP_BASICRESP_free(bs);
		OCSP_RESPONSE_free(r);
	}
	OCSP_CERTID_free(id);
	for (int i = 0; result == SIGN_REV_NONE && i < lt->ncrl; i++) {
		const unsigned char *p = lt->crl[i].p;
		X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)lt->crl[i].n);
		X509_REVOKED *rev = NULL;
		if (crl && X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) == 0
		    && X509_CRL_verify(crl, X509_get0_pubkey(issuer)) == 1) {
			*src = "CRL";
			if (X509_CRL_get0_by_cert(crl, &rev, cert) == 1) {
				const ASN1_TIME *t = X509_REVOKED_get0_revocationDate(rev);
				result = SIGN_REV_REVOKED;
				*rev_time = t && ASN1_TIME_to_tm(t, &tm) == 1 ? timegm(&tm) : 0;
			} else {
				result = SIGN_REV_GOOD;
			}
		}
		X509_CRL_free(crl);
	}
	ERR_clear_error();
	return result;
}

sohoa_status
sign_doc_timestamp_verify(const unsigned char *der, size_t len, const unsigned char md[32],
    const char *ca_file, const struct sign_lt *lt, char *iso, size_t iso_size,
    sohoa_error *err)
{
	const unsigned char *p = der;
	PKCS7 *tok = d2i_PKCS7(NULL, &p, (long)len);
	TS_VERIFY_CTX *v = TS_VERIFY_CTX_new();
	TS_TST_INFO *info = NULL;
	unsigned char *imprint = OPENSSL_memdup(md, 32);
	int flags = TS_VFY_IMPRINT | TS_VFY_VERSION;
	sohoa_status rc = SOHOA_BAD_INPUT;
	struct tm tm;

	if (iso_size)
		iso[0] = '\0';
	ERR_clear_error();
	if (!tok || !v || !imprint) {
		rc = sign_ssl_error(err, tok ? SOHOA_FATAL : SOHOA_BAD_INPUT,
		    "dấu thời gian tài liệu không đọc được — the document timestamp cannot be read");
		goto out;
	}
	TS_VERIFY_CTX_set_imprint(v, imprint, 32);
	imprint = NULL;
	if (ca_file) {
		X509_STORE *store = X509_STORE_new();
		if (!store || !X509_STORE_load_file(store, ca_file)) {
			X509_STORE_free(store);
			rc = sign_ssl_error(err, SOHOA_FATAL, ca_file);
			goto out;
		}
		TS_VERIFY_CTX_set_store(v, store);
		if (lt && lt->certs)
			TS_VERIFY_CTX_set_certs(v, X509_chain_up_ref(lt->certs));
		flags |= TS_VFY_SIGNATURE;
	} else {
		/* Without anchors: the token's signature by the certificate it carries. */
		BIO *o = BIO_new(BIO_s_null());
		int ok = o && PKCS7_verify(tok, NULL, NULL, NULL, o, PKCS7_NOVERIFY) == 1;
		BIO_free(o);
		if (!ok) {
			rc = sign_ssl_error(err, SOHOA_BAD_INPUT, "dấu thời gian tài liệu không hợp lệ"
			    " — the document timestamp's signature does not verify");
			goto out;
		}
	}
	TS_VERIFY_CTX_add_flags(v, flags);
	if (TS_RESP_verify_token(v, tok) != 1) {
		rc = sign_ssl_error(err, SOHOA_BAD_INPUT, "dấu thời gian tài liệu không hợp lệ — the"
		    " document timestamp does not verify");
		goto out;
	}
	if ((info = PKCS7_to_TS_TST_INFO(tok)) && TS_TST_INFO_get_time(info)
	    && ASN1_TIME_to_tm(TS_TST_INFO_get_time(info), &tm) == 1)
		strftime(iso, iso_size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	rc = SOHOA_OK;
out:
	ERR_clear_error();
	OPENSSL_free(imprint);
	TS_TST_INFO_free(info);
	TS_VERIFY_CTX_free(v);
	PKCS7_free(tok);
	return rc;
}
