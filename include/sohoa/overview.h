/*
 * overview.h - the figures of `sohoa status` and of the /status page of
 * sohoa-web, read in one place so that both say the same: documents per
 * state, the queue and its age, pages per minute over the last hour, the
 * review queue (review.h) and quarantine counts, free disk space, the last
 * errors, the last export and the last fixity audit.
 *
 *     sohoa_overview ov;
 *     if (sohoa_overview_read(cat, &conf, &ov, &err) == SOHOA_OK) ...
 *
 * Plain data, no allocation: nothing to release.
 */
#ifndef SOHOA_OVERVIEW_H
#define SOHOA_OVERVIEW_H

#include <stdint.h>
#include "sohoa/sohoa.h"
#include "sohoa/catalog.h"
#include "sohoa/conf.h"

/* Record states in the order of sohoa_overview.states, which is the
 * enum's (state.h) from INCOMING on: states[i] counts the records in state
 * SOHOA_OVERVIEW_STATE(i); its word and label are sohoa_state_name() and
 * sohoa_state_label() of it. */
#define SOHOA_OVERVIEW_STATES (SOHOA_STATE_COUNT - SOHOA_STATE_INCOMING)
#define SOHOA_OVERVIEW_STATE(i) ((sohoa_state)(SOHOA_STATE_INCOMING + (i)))

#define SOHOA_OVERVIEW_ERRORS 10

typedef struct sohoa_overview_error {
	char at[40];
	int64_t record;
	char name[256];
	char type[64];
	char detail[512];
} sohoa_overview_error;

typedef struct sohoa_overview {
	long long states[SOHOA_OVERVIEW_STATES]; /* incoming, active, deferred, done, quarantined */
	long long total;
	long long queue;               /* incoming + active + deferred */
	long long queue_age_s;         /* how long the oldest waiting one has waited */
	long long pages_last_hour;     /* pages of documents done in the last hour */
	double pages_per_minute;       /* pages_last_hour / 60 */
	long long needs_review;        /* the review queue (review.h) */
	long long quarantined;         /* states[4] */
	long long disk_free;           /* bytes free in state_dir, -1 unknown */
	long long inbox_free;          /* bytes free in the inbox, -1 unknown */
	long long min_free;            /* min_free_mb in bytes */
	int nerrors;                   /* the last failures and warnings, newest first */
	sohoa_overview_error errors[SOHOA_OVERVIEW_ERRORS];
	int have_export;               /* the last monthly bundle written: */
	char export_month[8];          /* "2026-11" */
	char export_file[128];
	char export_created[40];       /* ISO 8601 */
	char export_done[40];          /* exported_at, "" when not (yet) */
	char export_error[256];        /* the last upload error, "" when none */
	char audit_at[40];             /* the last fixity check, "" when never */
	long long audit_checked;       /* documents ever checked */
	long long audit_failing;       /* of them, whose last check failed */
} sohoa_overview;

SOHOA_API sohoa_status sohoa_overview_read(sohoa_catalog *cat, const sohoa_conf *conf,
    sohoa_overview *ov, sohoa_error *err);

#endif
