/*
 * edit.h - a person's correction of a document's description, the one path
 * for `sohoa edit` and the văn thư's form in sohoa-web:
 *
 *     sohoa_edit_field(cat, id, "subject", "Về việc ...", agent, &old, &stored, &err);
 *     ... more fields ...
 *     sohoa_edit_finish(conf, cat, id, agent, &err);   // index, rewrite the package
 *
 * Each field is checked and normalised (sohoa_describe_check_value; mode
 * also by its name: "Công khai" -> "01"), stored with source "person", and
 * its old value kept in a "metadata modification" event by agent (which
 * names the person), in one transaction.  Only a done record is edited.
 */
#ifndef SOHOA_EDIT_H
#define SOHOA_EDIT_H

#include <stdint.h>
#include "sohoa/sohoa.h"
#include "sohoa/catalog.h"
#include "sohoa/conf.h"

/* *old and *stored (each may be NULL) get the previous and the stored
 * value (malloc'd, NULL when empty; the caller frees).  SOHOA_BAD_INPUT
 * for an unknown field, a bad value or a record that is not done. */
SOHOA_API sohoa_status sohoa_edit_field(sohoa_catalog *cat, int64_t id, const char *field,
    const char *value, const char *agent, char **old, char **stored, sohoa_error *err);

/* Indexes the record again and rewrites its package (schemas from
 * conf->schema_dir).  The edits stay stored when this fails. */
SOHOA_API sohoa_status sohoa_edit_finish(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id,
    const char *agent, sohoa_error *err);

#endif
