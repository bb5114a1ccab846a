/*
 * hoso_desk.h - the hồ sơ (file) as an object a person manages, the one
 * path for `sohoa hoso ...` and the văn thư's /hoso/ pages of sohoa-web
 * (lib/catalog_hoso.c, catalog migration 015-hoso-desk.sql).
 *
 * A hồ sơ is named by its origin: an inbox sub-folder (its hoso.txt still
 * describes it, hoso.h), or ".hoso/<id>" for one a person created.  Each
 * has a number that never changes (hoso_files.id).  Its documents are the
 * records whose origin it is; a document taken out becomes a loose one
 * (origin "", a hồ sơ of its own).
 *
 *     int64_t hid;
 *     sohoa_hoso_create(cat, "Hồ sơ giao đất 2024", agent, &hid, &err);
 *     sohoa_hoso_edit(cat, hid, "mã hồ sơ giấy", "H26.K1/G2/H3.15", agent, NULL, &err);
 *     sohoa_hoso_add(cat, hid, 12, agent, &from, &err);     // from: its old hồ sơ
 *     sohoa_hoso_move(cat, hid, 12, -1, agent, &err);        // one place up
 *     sohoa_hoso_repackage(conf, cat, hid, agent, &n, &err); // and `from`'s
 *
 * Invariants:
 *   H1. Every change is one catalog transaction and leaves, on every
 *       document it touches, a "metadata modification" event naming agent
 *       (the person) with the old and the new value.
 *   H2. Only a finished (done) record is put in, taken out or moved.
 *   H3. Values are those of hoso.h (codes checked, a label becomes its
 *       code) and stored with source "person": they win over hoso.txt.
 *   H4. The computed fields (startDate, endDate, totalDoc, numberOfPaper,
 *       numberOfPage) are not set by hand here: they come from the
 *       documents when the packages are written (describe.c).
 *   H5. The catalog changes first; the packages are rewritten after
 *       (sohoa_hoso_repackage, the same atomic path as `sohoa edit`): a
 *       failure there leaves the change stored and the package pending.
 */
#ifndef SOHOA_HOSO_DESK_H
#define SOHOA_HOSO_DESK_H

#include <stdint.h>
#include "sohoa/sohoa.h"
#include "sohoa/catalog.h"
#include "sohoa/conf.h"
#include "sohoa/hoso.h"

/* Longest title / value a person may give (bytes). */
#define SOHOA_HOSO_VALUE_MAX 2000

/* One hồ sơ as listed (valid during the callback). */
typedef struct sohoa_hoso_entry {
	int64_t id;
	const char *origin;
	const char *title;        /* the person's, hoso.txt's, or the folder name */
	const char *file_code;    /* a person's or hoso.txt's, or NULL */
	const char *created_at;
	const char *created_by;   /* NULL for an inbox folder */
	int ndocs;                /* finished documents in it */
} sohoa_hoso_entry;

/* Every hồ sơ, newest number first; inbox folders seen since are numbered
 * on the way (in the order of their first scan). */
SOHOA_API sohoa_status sohoa_hoso_list(sohoa_catalog *cat,
    void (*fn)(void *arg, const sohoa_hoso_entry *e), void *arg, sohoa_error *err);

/* The number of the hồ sơ named origin ("" has none: SOHOA_BAD_INPUT),
 * numbering it if new. */
SOHOA_API sohoa_status sohoa_hoso_number(sohoa_catalog *cat, const char *origin, int64_t *id,
    sohoa_error *err);

/* The origin of hồ sơ id into buf; SOHOA_BAD_INPUT "không có hồ sơ số N"
 * when there is none. */
SOHOA_API sohoa_status sohoa_hoso_origin(sohoa_catalog *cat, int64_t id, char *buf, size_t n,
    sohoa_error *err);

/* A new hồ sơ with its title (required, non-empty), created by agent. */
SOHOA_API sohoa_status sohoa_hoso_create(sohoa_catalog *cat, const char *title, const char *agent,
    int64_t *id, sohoa_error *err);

/* Sets one field named as sohoa_hoso_lookup() accepts (an empty value
 * clears it; a computed field is SOHOA_BAD_INPUT, H4).  *stored (may be
 * NULL) gets the value stored (malloc'd, NULL when cleared). */
SOHOA_API sohoa_status sohoa_hoso_edit(sohoa_catalog *cat, int64_t id, const char *field,
    const char *value, const char *agent, char **stored, sohoa_error *err);

/* Puts record rec into hồ sơ id, last; *from (may be NULL) gets the number
 * of the hồ sơ it left (0: it was loose).  Already there: SOHOA_OK, *from
 * = id. */
SOHOA_API sohoa_status sohoa_hoso_add(sohoa_catalog *cat, int64_t id, int64_t rec, const char *agent,
    int64_t *from, sohoa_error *err);

/* Takes record rec out of hồ sơ id: it becomes a loose document. */
SOHOA_API sohoa_status sohoa_hoso_remove(sohoa_catalog *cat, int64_t id, int64_t rec,
    const char *agent, sohoa_error *err);

/* Moves record rec by delta places (-1: up, 1: down) in hồ sơ id (clamped
 * at both ends). */
SOHOA_API sohoa_status sohoa_hoso_move(sohoa_catalog *cat, int64_t id, int64_t rec, int delta,
    const char *agent, sohoa_error *err);

/* Sets the order: recs[0..n) first, in that order, then the others as they
 * were.  A record not in the hồ sơ is SOHOA_BAD_INPUT, nothing changed. */
SOHOA_API sohoa_status sohoa_hoso_order(sohoa_catalog *cat, int64_t id, const int64_t *recs, size_t n,
    const char *agent, sohoa_error *err);

/* The finished documents of hồ sơ id in their order; *recs is malloc'd
 * (caller frees), *n their number. */
SOHOA_API sohoa_status sohoa_hoso_members(sohoa_catalog *cat, int64_t id, int64_t **recs, size_t *n,
    sohoa_error *err);

/* What the hồ sơ's EAD says: hoso.txt, a person's values, the computed
 * ones and the mã hồ sơ (sohoa_describe_hoso and what describe.c adds);
 * release *out with sohoa_hoso_release. */
SOHOA_API sohoa_status sohoa_hoso_describe(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id,
    sohoa_hoso *out, sohoa_error *err);

/* Rewrites (index and package, as `sohoa edit` does) every finished
 * document of hồ sơ id (0: none); *done (may be NULL) counts them.  Stops
 * at the first failure. */
SOHOA_API sohoa_status sohoa_hoso_repackage(const sohoa_conf *conf, sohoa_catalog *cat, int64_t id,
    const char *agent, int *done, sohoa_error *err);

/* The same for one loose record (after sohoa_hoso_remove). */
SOHOA_API sohoa_status sohoa_hoso_repackage_record(const sohoa_conf *conf, sohoa_catalog *cat,
    int64_t rec, const char *agent, sohoa_error *err);

#endif
