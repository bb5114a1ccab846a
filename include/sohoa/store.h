/*
 * store.h - the store (state_dir: spool, catalog, packages, outbox) as one
 * whole that can be moved to a bigger disk or another server: stop the
 * daemon, copy the folder (cp -a, rsync -a), change state_dir, start.
 *
 * Invariants:
 *   1. The catalog keeps no absolute path into the store.  A package is kept
 *      by its folder's name and always found in package_dir
 *      (sohoa_store_package_path); a bundle of the export ledger by its path
 *      relative to state_dir when it lies there (sohoa_store_relative /
 *      sohoa_store_resolve).  Spool entries and quarantine names were
 *      relative already.
 *   2. A store knows who it is: a random UUID, written once into
 *      <state_dir>/sohoa-store.id (0640: the store's group reads it) and into the catalog (store_meta
 *      'id'), with the folder it was last opened in (store_meta 'path').
 *   3. A catalog whose identity differs from the marker beside it, or a
 *      marker missing beside a catalog that has an identity, is refused
 *      (SOHOA_FATAL, saying what to do): that catalog belongs to another
 *      store, or the folder was copied in part.
 *   4. A store opened in a folder other than the one it remembers has been
 *      moved: the note says so, and says when the old folder still holds a
 *      store with the same identity (a copy to remove once the new one is
 *      checked; nothing is ever read or written there).  With
 *      SOHOA_STORE_UPDATE the new folder is recorded.
 *
 *   5. A store knows the agency code its docIds were minted with (store_meta
 *      'agency_code', written at the first start of the daemon).  Once a
 *      record exists, a configuration with another agency_code is refused
 *      (SOHOA_FATAL, saying what to do): a docId, a package folder and an
 *      export key carry the code, and a change would leave the old ones
 *      beside new ones.  Before the first record the code may change.
 *   6. An agency name or code still holding the shipped placeholder (a
 *      value in angle brackets, "<...>") is refused by the daemon and by
 *      'sohoad -n': the .deb does not ingest until the person installing
 *      has set them.  Read-only commands are never stopped by it.
 *
 * Protocol: the daemon and every command that writes call
 * sohoa_store_check(conf->state_dir, cat, SOHOA_STORE_UPDATE, ...) after opening the
 * catalog; read-only commands and 'sohoad -n' call it with 0 and report;
 * 'sohoa restore' calls it with SOHOA_STORE_ADOPT (the rebuilt store takes
 * the identity of the catalog it restored).
 */
#ifndef SOHOA_STORE_H
#define SOHOA_STORE_H

#include <stddef.h>
#include "sohoa/sohoa.h"
#include "sohoa/catalog.h"
#include "sohoa/conf.h"

/* The marker's file name inside state_dir. */
#define SOHOA_STORE_MARKER "sohoa-store.id"

enum {
	SOHOA_STORE_UPDATE = 1,  /* give a new store its identity; record a move */
	SOHOA_STORE_ADOPT = 2    /* write a missing marker from the catalog's identity */
};

/*
 * Checks the store at state_dir against the catalog cat opened from it (invariants 2-4).  note (may be NULL) gets one sentence for a person
 * when something is worth saying (a move, an old copy), else "".  Returns
 * SOHOA_OK, SOHOA_FATAL for a catalog that is not this store's, or the
 * status of a failed write (marker, catalog) with err set.
 */
SOHOA_API sohoa_status sohoa_store_check(const char *state_dir, sohoa_catalog *cat, int flags,
    char *note, size_t note_size, sohoa_error *err);

/*
 * Invariants 5-6: the agency name and code of conf against the placeholder
 * and against the code the store was made with.  cat may be NULL (no
 * catalog yet: only the placeholders are checked).  With SOHOA_STORE_UPDATE
 * the code is recorded when the store has none yet, or replaced while the
 * store holds no record.  SOHOA_OK, or SOHOA_FATAL with err saying what to
 * do.
 */
SOHOA_API sohoa_status sohoa_store_check_agency(const sohoa_conf *conf, sohoa_catalog *cat, int flags,
    sohoa_error *err);

/* 1 when the catalog holds at least one record, 0 when none, -1 on error
 * (catalog_agency.c). */
SOHOA_API int sohoa_catalog_has_records(sohoa_catalog *cat);

/*
 * Where the package kept as stored (a folder name; an absolute path written
 * by an older version counts by its last component) lies now: package_dir
 * + "/" + name into buf.  0, or -1 when stored is empty or the path does
 * not fit.
 */
SOHOA_API int sohoa_store_package_path(const sohoa_conf *conf, const char *stored, char *buf,
    size_t size);

/* The last component of a package folder's path: what the catalog keeps. */
SOHOA_API const char *sohoa_store_package_name(const char *dir);

/*
 * path relative to state_dir when it lies inside it (else path itself, an
 * outbox configured elsewhere); and back: a relative path joined to
 * state_dir, an absolute one as it is.  Both write into buf; -1 when it
 * does not fit.
 */
SOHOA_API int sohoa_store_relative(const sohoa_conf *conf, const char *path, char *buf, size_t size);
SOHOA_API int sohoa_store_resolve(const sohoa_conf *conf, const char *stored, char *buf, size_t size);

#endif
