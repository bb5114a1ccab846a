/*
 * edit.c - a person's correction of a document's fields (edit.h), shared by
 * `sohoa edit` and sohoa-web.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sohoa/describe.h"
#include "sohoa/edit.h"
#include "sohoa/hoso.h"
#include "sohoa/package.h"
#include "sohoa/search.h"
#include "sohoa/catalog_records.h"

static int
record_done(sohoa_catalog *cat, int64_t id)
{
	char sid[64];

	return sohoa_catalog_spool_id(cat, id, 1, sid, sizeof sid, NULL) == SOHOA_OK && sid[0];
}

sohoa_status
sohoa_edit_field(sohoa_catalog *cat, int64_t id, const char *field, const char *value,
    const char *agent, char **old_out, char **stored_out, sohoa_error *err)
{
	char *v = NULL, *old = NULL, detail[1200];
	sohoa_status rc;

	if (old_out)
		*old_out = NULL;
	if (stored_out)
		*stored_out = NULL;
	if (!record_done(cat, id))
		return sohoa_error_set(err, SOHOA_BAD_INPUT, SOHOA_REASON_NONE,
		    "không có tài liệu số %lld đã xử lý xong — no finished record %lld",
		    (long long)id, (long long)id);
	if ((rc = sohoa_describe_check_value(field, value, &v, err)) != SOHOA_OK)
		return rc;
	if (v && !strcmp(field, "mode")) {
		/* A code or its name, as a hồ sơ's mode is given. */
		sohoa_hoso h;
		sohoa_hoso_init(&h);
		rc = sohoa_hoso_set(&h, SOHOA_H_MODE, v, "person", err);
		free(v);
		v = rc == SOHOA_OK && h.v[SOHOA_H_MODE] ? strdup(h.v[SOHOA_H_MODE]) : NULL;
		sohoa_hoso_release(&h);
		if (rc != SOHOA_OK)
			return rc;
		if (!v)
			return sohoa_error_oom(err);
	}
	if ((rc = sohoa_catalog_begin(cat, err)) != SOHOA_OK)
		goto out;
	if ((rc = sohoa_catalog_set_field(cat, id, field, v, &old, err)) != SOHOA_OK) {
		sohoa_catalog_rollback(cat);
		goto out;
	}
	snprintf(detail, sizeof detail, "%s: \"%s\" -> \"%s\"", field, old ? old : "", v ? v : "");
	if ((rc = sohoa_catalog_event_add(cat, id, "metadata modification", agent, "success",
	    detail, err)) != SOHOA_OK || (rc = sohoa_catalog_commit(cat, err)) != SOHOA_OK) {
		sohoa_catalog_rollback(cat);
		goto out;
	}
	if (old_out) {
		*old_out = old;
		old = NULL;
	}
	if (stored_out) {
		*stored_out = v;
		v = NULL;
	}
out:
	free(old);
	free(v);
	return rc;
}

sohoa_status
sohoa_edit_finish(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id, const char *agent,
    sohoa_error *err)
{
	sohoa_package_schemas *sch;
	sohoa_status rc;

	if ((rc = sohoa_search_index_record(cat, id, err)) != SOHOA_OK)
		return rc;
	if (!(sch = sohoa_package_schemas_open(conf->schema_dir, err)))
		return err ? err->status : SOHOA_FATAL;
	rc = sohoa_describe_package(conf, cat, sch, id, agent, err);
	sohoa_package_schemas_free(sch);
	return rc;
}
