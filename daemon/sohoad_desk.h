/*
 * sohoad_desk.h - the văn thư's quarantine requests and the quarantine
 * previews, carried out by sohoad (sohoad_desk.c; desk.h invariants 5, 6).
 * Called from the event loop:
 *
 *   struct sohoad_desk d;
 *   sohoad_desk_init(&d, cat);                 // fails requests left running
 *   loop: sohoad_desk_tick(&d, conf, cat, now_mono());
 *   sohoad_desk_stop(&d);                      // on shutdown
 */
#ifndef SOHOAD_DESK_H
#define SOHOAD_DESK_H

#include <stdint.h>
#include <sys/types.h>
#include "sohoa/catalog.h"
#include "sohoa/conf.h"

struct sohoad_desk {
	double next_check;    /* monotonic seconds: the request queue */
	pid_t pid;            /* the child rendering a preview, 0 when none */
	int64_t preview_id;   /* its record */
	int fd;               /* the memfd it writes into */
	double deadline;      /* monotonic: killed after this */
	double next_preview;  /* monotonic: next look for a missing preview */
	double next_stale;    /* monotonic: next look for replaced files */
	char file_sig[96];    /* the file the child renders (desk.h) */
};

void sohoad_desk_init(struct sohoad_desk *d, sohoa_catalog *cat);
/* Carries out the waiting requests (each quickly, in the loop); reaps a
 * finished preview child and starts the next (at most one at a time). */
void sohoad_desk_tick(struct sohoad_desk *d, const sohoa_conf *conf, sohoa_catalog *cat,
    double now);
/* Kills a preview child still running. */
void sohoad_desk_stop(struct sohoad_desk *d);

#endif
