/*
 * describe_sign.c - the agency's signature on a record's PDF/A, between
 * OCR and packaging: the package then holds the signed PDF, and its METS
 * checksum covers the signature.  See describe.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sohoa/describe.h"
#include "sohoa/hash.h"
#include "sohoa/sign.h"
#include "sohoa/catalog_records.h"

sohoa_status
sohoa_describe_sign_pdf(const sohoa_conf *conf, sohoa_catalog *cat, sohoa_signer *signer,
    int64_t id, const char *agent, sohoa_error *err)
{
	char spool_id[64] = "", pdf[PATH_MAX], hash[SOHOA_HASH_TEXT_MAX], detail[1024];
	int signed_already;
	sohoa_status rc;

	sohoa_signer_reset_note(signer);
	if ((rc = sohoa_catalog_spool_id(cat, id, 1, spool_id, sizeof spool_id, err)) != SOHOA_OK)
		return rc;
	if (!spool_id[0])
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "record %lld is not done", (long long)id);
	snprintf(pdf, sizeof pdf, "%s/spool/done/%s/document.pdf", conf->state_dir, spool_id);
	if (access(pdf, F_OK) != 0)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "record %lld has no document.pdf to sign", (long long)id);
	/* Repeatable: a PDF signed before a crash is not signed twice. */
	signed_already = sohoa_pdf_is_signed(pdf);
	if (signed_already == 1)
		return SOHOA_OK;
	if (signed_already < 0)
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "%s cannot be read as a PDF", pdf);
	rc = sohoa_sign_pdf(signer, pdf, pdf, conf->agency_name, time(NULL), err);
	if (rc != SOHOA_OK) {
		snprintf(detail, sizeof detail, "document.pdf: %s", err ? err->msg : "failed");
		sohoa_catalog_event_add(cat, id, "digital signature", agent, "failure", detail, NULL);
		return rc;
	}
	if (sohoa_hash_file(pdf, "sha256", hash, NULL, NULL) != SOHOA_OK)
		snprintf(hash, sizeof hash, "?");
	{
		char ts[32];
		int t = sohoa_pdf_timestamp(pdf, ts, sizeof ts) == 1;
		const char *note = sohoa_signer_note(signer);
		/* B-LT: the DSS and a document timestamp; what was missing for it
		 * (validation data not reachable) is said here too. */
		snprintf(detail, sizeof detail, "document.pdf (%s): PAdES-%s, ETSI.CAdES.detached,"
		    " by %s%s%s%s%s", hash, t ? sohoa_signer_level(signer) : "B",
		    sohoa_signer_subject(signer), note[0] ? "; LT: " : "", note,
		    t ? ", timestamp " : "", t ? ts : "");
	}
	return sohoa_catalog_event_add(cat, id, "digital signature", agent, "success", detail,
	    err);
}
