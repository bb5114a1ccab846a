/*
 * preflight.h - what a run needs beyond a well-formed configuration,
 * checked before it starts ('sohoad -n', and the daemon's start): the XML
 * schemas packages are validated against, Tesseract's data for every
 * configured language, the signing key and certificate (present, private,
 * matching each other), an outbox that can be written, the backup disk.
 *
 * Protocol:
 *   sohoa_preflight_report rep;
 *   sohoa_preflight_run(conf, &rep);
 *   for (i < rep.n) ... rep.items[i].error ? "error" : "warning", rep.items[i].msg ...
 *
 * An error is what would make the run fail or silently do less (packages
 * not written, documents not signed, an export that cannot be written); a
 * warning is what the run copes with (a backup disk not mounted now).
 * Messages are Vietnamese first, then English.
 */
#ifndef SOHOA_PREFLIGHT_H
#define SOHOA_PREFLIGHT_H

#include "sohoa/conf.h"

#define SOHOA_PREFLIGHT_MAX 16

typedef struct sohoa_preflight_item {
	int error;           /* 1: error, 0: warning */
	char msg[512];
} sohoa_preflight_item;

typedef struct sohoa_preflight_report {
	int n, errors;
	sohoa_preflight_item items[SOHOA_PREFLIGHT_MAX];
} sohoa_preflight_report;

/* Runs every check on conf (finished); fills rep (no allocation).  Returns
 * the number of errors. */
SOHOA_API int sohoa_preflight_run(const sohoa_conf *conf, sohoa_preflight_report *rep);

#endif
