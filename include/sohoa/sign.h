/*
 * sign.h - the agency's key and certificate, detached CMS signatures and
 * PDF signatures (PAdES baseline B, B-T with a TSA, B-LT), with OpenSSL 3.
 *
 * Protocol:
 *   if (sohoa_signer_configured(conf)) {
 *       sohoa_signer *s = sohoa_signer_open(conf, &err);   // NULL + err
 *       sohoa_sign_detached(s, "bundle.tar", "bundle.tar.p7s", &err);
 *       sohoa_sign_pdf(s, "document.pdf", "document.pdf", conf->agency_name, time(NULL), &err);
 *       sohoa_signer_free(s);
 *   }
 *   sohoa_verify_detached("bundle.tar", "bundle.tar.p7s", "ca.pem", subj, sizeof subj, &err);
 *
 * Where the key comes from (configuration keys):
 *   sign_key       a PEM private key, a PKCS#12 file (.p12/.pfx, or any file
 *                  that is not PEM), or a "pkcs11:" URI naming a key on a
 *                  token (through the libp11 OpenSSL engine);
 *   sign_cert      the certificate (PEM); may be empty when the PKCS#12 file
 *                  or the token holds it;
 *   sign_chain     PEM file of intermediate certificates put in signatures;
 *   sign_pin_file  the PKCS#12 password or the token PIN (first line);
 *   tsa_url        an RFC 3161 time-stamping service (http:// or https://);
 *                  detached signatures and PDF signatures (PAdES B-T) then
 *                  carry a timestamp token over the signature value;
 *   sign_lt        on (default): with tsa_url, PDF signatures become PAdES
 *                  B-LT: the chain and OCSP responses / CRLs in a DSS, then
 *                  a document timestamp (sign_lt.c; ocsp_timeout seconds per
 *                  request).
 * A key file or PIN file that group or others may read is refused.
 *
 * A signer is not thread-safe; use one per thread.  Strings returned by a
 * signer are valid until sohoa_signer_free().
 */
#ifndef SOHOA_SIGN_H
#define SOHOA_SIGN_H

#include <stddef.h>
#include <time.h>
#include "sohoa/sohoa.h"
#include "sohoa/conf.h"

typedef struct sohoa_signer sohoa_signer;

/* Whether conf names a signing key (sign_key set). */
SOHOA_API bool sohoa_signer_configured(const sohoa_conf *conf);

/* Loads the key and certificates named by conf.  NULL + err on failure
 * (SOHOA_FATAL: a configuration or installation problem).  Free with
 * sohoa_signer_free(). */
SOHOA_API sohoa_signer *sohoa_signer_open(const sohoa_conf *conf, sohoa_error *err);
SOHOA_API void sohoa_signer_free(sohoa_signer *s);

/* The certificate's subject, one line (RFC 2253).  Valid while s lives. */
SOHOA_API const char *sohoa_signer_subject(const sohoa_signer *s);

/* Detached DER CMS over the file data_path into p7s_path (atomic: tmp + fsync + rename);
 * timestamped when conf tsa_url is set.  The file is streamed, never loaded whole. */
SOHOA_API sohoa_status sohoa_sign_detached(sohoa_signer *s, const char *data_path, const char *p7s_path,
    sohoa_error *err);

/* PAdES-B (B-T when tsa_url is set) incremental signature of pdf_in into pdf_out (may be equal: atomic replace).
 * when = signing time.  The signature is visible at the top right of page 1:
 * agency_name and the signing time (ISO 8601, +07:00).  The original bytes are
 * kept unchanged; SOHOA_BAD_INPUT when pdf_in cannot be read as a PDF. */
SOHOA_API sohoa_status sohoa_sign_pdf(sohoa_signer *s, const char *pdf_in, const char *pdf_out,
    const char *agency_name, time_t when, sohoa_error *err);

/* After sohoa_sign_pdf(): the PAdES level it made ("B", "B-T", "B-LT"),
 * and what it could not do towards B-LT (validation data not reachable:
 * Vietnamese, then English; "" = nothing missing).  Valid until the next
 * sohoa_sign_pdf() with s. */
SOHOA_API const char *sohoa_signer_level(const sohoa_signer *s);
SOHOA_API const char *sohoa_signer_note(const sohoa_signer *s);
/* Forgets the last level and note (before work that may not sign). */
SOHOA_API void sohoa_signer_reset_note(sohoa_signer *s);

/* Verification, no signer needed. ca_file: trust anchors (PEM), NULL = check the signature and the
 * embedded chain's integrity but not trust. signer (may be NULL) gets the signer's subject.
 * SOHOA_BAD_INPUT when the signature does not verify. */
SOHOA_API sohoa_status sohoa_verify_detached(const char *data_path, const char *p7s_path,
    const char *ca_file, char *signer, size_t signer_len, sohoa_error *err);

/* Every signature in the PDF valid, and the last one covers the whole file. */
SOHOA_API sohoa_status sohoa_verify_pdf(const char *pdf_path, const char *ca_file, sohoa_error *err);

/* What sohoa_verify_pdf_ex() found in a PDF whose signatures are valid. */
typedef struct sohoa_pdf_check {
	int signatures;            /* valid signatures (ETSI.CAdES.detached) */
	int doc_timestamps;        /* valid document timestamps (ETSI.RFC3161) */
	char signer[256];          /* the last signature's signer (RFC 2253) */
	char timestamp[32];        /* its signature timestamp, "YYYY-MM-DDTHH:MM:SSZ"; "" = none */
	int judged_at_timestamp;   /* 1: its certificates were judged at that time (TSA trusted) */
	char doc_timestamp[32];    /* the last document timestamp's time; "" = none */
	int doc_timestamp_trusted; /* 1: its TSA chains to ca_file (else only whole and over the bytes) */
	int dss_certs, dss_ocsps, dss_crls;  /* validation data in the DSS */
	int revocation;            /* the signer's status from the DSS (with ca_file): 0 = none
	                            * found, 1 = good, 2 = revoked after the signing time */
	char revocation_src[8];    /* "OCSP" or "CRL" */
	char revoked_at[32];       /* when revoked */
	char level[8];             /* PAdES baseline level: "B", "B-T", "B-LT", "B-LTA" */
} sohoa_pdf_check;

/* sohoa_verify_pdf(), and what was found into chk (may be NULL).  The
 * DSS's certificates help build chains and its OCSP responses or CRLs
 * give the signer's status at the time the signature is judged at (its
 * timestamp's, when the TSA chains to ca_file): only what is inside the
 * PDF is used besides ca_file, nothing is fetched. */
SOHOA_API sohoa_status sohoa_verify_pdf_ex(const char *pdf_path, const char *ca_file,
    sohoa_pdf_check *chk, sohoa_error *err);

/* PAdES B-T: the time of the timestamp token of the PDF's last signature
 * into iso ("YYYY-MM-DDTHH:MM:SSZ", UTC).  1 when it has one that is over
 * the signature and verifies, 0 when not, -1 when the PDF cannot be read.
 * (sohoa_verify_pdf() judges a timestamped signature at that time when the
 * TSA chains to the trust anchors.) */
SOHOA_API int sohoa_pdf_timestamp(const char *pdf_path, char *iso, size_t size);

/* 1 if the PDF already carries a signature, 0 if not, -1 on error. */
SOHOA_API int sohoa_pdf_is_signed(const char *pdf_path);

#endif
