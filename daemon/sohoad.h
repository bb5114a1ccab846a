/*
 * sohoad.h - the parts of the daemon shared between its files.
 */
#ifndef SOHOAD_H
#define SOHOAD_H

#include <stdint.h>
#include "sohoa/conf.h"
#include "sohoa/engine.h"

void sohoad_log(int level, int64_t record, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void sohoad_set_log_level(const char *name);
void sohoad_engine_log(void *arg, int level, int64_t record, const char *msg);

/* Loads and checks a configuration (defaults when the default file is
 * missing).  Returns 0, or -1 with err set. */
int sohoad_load_conf(sohoa_conf *c, const char *path, sohoa_error *err);

/* The event loop on the live configuration *conf (swapped in place on
 * reload); returns the exit status. */
int sohoad_run(sohoa_conf *conf, const char *conf_path);

#endif
