/*
 * state.h - the one vocabulary of a record's state (issue 17): an enum, and
 * its two spellings, used only where a state is stored or shown.
 *
 * Each state is a spool folder (sohoa_state_dir, spool.h) and, but for
 * TMP, the catalog's records.state (sohoa_state_name); they differ for one
 * state only: the folder "quarantine" holds records "quarantined".  The
 * spool and catalog APIs take and give sohoa_state; engine, spool, backup,
 * the catalog and the CLI speak of states through these, never through
 * bare strings.  (Implemented in spool.c.)
 */
#ifndef SOHOA_STATE_H
#define SOHOA_STATE_H

#include "sohoa/sohoa.h"

typedef enum sohoa_state {
	SOHOA_STATE_TMP = 0,        /* being built by pickup; never in the catalog */
	SOHOA_STATE_INCOMING,
	SOHOA_STATE_ACTIVE,
	SOHOA_STATE_DEFERRED,
	SOHOA_STATE_DONE,
	SOHOA_STATE_QUARANTINED,
	SOHOA_STATE_COUNT
} sohoa_state;

/* The catalog's word for s ("quarantined"); NULL for TMP and out of range. */
SOHOA_API const char *sohoa_state_name(sohoa_state s);
/* The spool folder of s ("quarantine"); NULL out of range. */
SOHOA_API const char *sohoa_state_dir(sohoa_state s);
/* What a person reads for s, in Vietnamese ("chờ nhận dạng"); NULL for TMP
 * and out of range. */
SOHOA_API const char *sohoa_state_label(sohoa_state s);
/* The state of a catalog word, or of a spool folder; -1 when unknown. */
SOHOA_API int sohoa_state_from_name(const char *name);
SOHOA_API int sohoa_state_from_dir(const char *dir);

#endif
