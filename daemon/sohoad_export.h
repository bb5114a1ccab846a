/*
 * sohoad_export.h - the export requests of the web, run by sohoad in a
 * child process (sohoad_export.c).  Called from the event loop:
 *
 *   struct sohoad_exporter x;
 *   sohoad_export_init(&x, cat);            // fails requests left running
 *   loop: sohoad_export_tick(&x, conf, cat, now_mono());
 *   sohoad_export_stop(&x, cat);            // on shutdown
 */
#ifndef SOHOAD_EXPORT_H
#define SOHOAD_EXPORT_H

#include <stdint.h>
#include <sys/types.h>
#include "sohoa/catalog.h"
#include "sohoa/conf.h"

struct sohoad_exporter {
	pid_t pid;            /* the child running a request, 0 when none */
	int64_t req_id;
	double next_check;    /* monotonic seconds */
};

void sohoad_export_init(struct sohoad_exporter *x, sohoa_catalog *cat);
/* Reaps a finished child; claims and starts the next request (at most one
 * at a time, the queue looked at every 2 s). */
void sohoad_export_tick(struct sohoad_exporter *x, const sohoa_conf *conf, sohoa_catalog *cat,
    double now);
/* Stops a running child (SIGTERM) and fails its request. */
void sohoad_export_stop(struct sohoad_exporter *x, sohoa_catalog *cat);

#endif
