/*
 * catalog_lexicon.c - the phrases the archive teaches the diacritic repair
 * (lexicon.h, migration 022): counting a document's phrases once, and the
 * list the repair uses, with the invariants of lexicon.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "sohoa/lexicon.h"
#include "sohoa/vitext.h"
#include "catalog_int.h"
#include "extract_int.h"
#include "sbuf.h"

static sohoa_status
db_error(sqlite3 *db, sohoa_error *err)
{
	return sohoa_error_set(err, SOHOA_FATAL, SOHOA_REASON_NONE, "catalog: %s",
	    sqlite3_errmsg(db));
}

sohoa_status
sohoa_lexicon_teach(sohoa_catalog *cat, int64_t id, const char *phrases, int *counted,
    sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st = NULL;
	int rc;

	*counted = 0;
	if (sqlite3_exec(db, "SAVEPOINT lexicon_teach", NULL, NULL, NULL) != SQLITE_OK)
		return db_error(db, err);
	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO lexicon_taught(record_id) VALUES (?)",
	    -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		goto fail;
	if (sqlite3_changes(db) == 0)
		goto done;              /* taught already (invariant 2) */
	if (sqlite3_prepare_v2(db, "INSERT INTO lexicon_phrases(phrase, fold, docs, seen)"
	    " VALUES (?1, ?2, ?3, 1) ON CONFLICT(phrase) DO UPDATE SET docs = docs + ?3,"
	    " seen = seen + 1", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	for (const char *p = phrases ? phrases : ""; *p; ) {
		size_t n = strcspn(p, "\n");
		char *fold;
		int sure = n > 2 && p[n - 2] == '\t' && p[n - 1] == '1';
		if (n > 2 && p[n - 2] == '\t')
			n -= 2;
		else
			n = 0;          /* not a line of sohoa_lexicon_candidates() */
		if (n > 0 && n < 200) {
			if (!(fold = sohoa_vi_fold(p, n, NULL))) {
				sqlite3_finalize(st);
				sqlite3_exec(db, "ROLLBACK TO lexicon_teach; RELEASE lexicon_teach",
				    NULL, NULL, NULL);
				return sohoa_error_oom(err);
			}
			sqlite3_bind_text(st, 1, p, (int)n, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 2, fold, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(st, 3, sure);
			free(fold);
			rc = sqlite3_step(st);
			sqlite3_reset(st);
			if (rc != SQLITE_DONE)
				goto fail;
		}
		p += strcspn(p, "\n");
		if (*p)
			p++;
	}
	sqlite3_finalize(st);
	st = NULL;
	*counted = 1;
done:
	if (sqlite3_exec(db, "RELEASE lexicon_teach", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return SOHOA_OK;
fail:
	db_error(db, err);
	sqlite3_finalize(st);
	sqlite3_exec(db, "ROLLBACK TO lexicon_teach; RELEASE lexicon_teach", NULL, NULL, NULL);
	*counted = 0;
	return err ? err->status : SOHOA_FATAL;
}

/* The folds of the fixed phrases and protected common words, '\n'
 * around each ("\nban hanh\nquyet dinh\n..."); NULL when out of memory. */
static char *
fixed_folds(void)
{
	struct sbuf b = { 0 };

	sb_add(&b, "\n", 1);
	for (int prot = 0; prot < 2; prot++) {
		size_t n;
		const char *const *ph = sohoa_extract_phrases(&n, prot);
		for (size_t i = 0; i < n; i++) {
			char *pf = sohoa_vi_fold(ph[i], strlen(ph[i]), NULL);
			if (!pf) {
				free(b.p);
				return NULL;
			}
			sb_str(&b, pf);
			sb_add(&b, "\n", 1);
			free(pf);
		}
	}
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* 1 when fold f is one of folds (fixed_folds()). */
static int
fixed_fold(const char *folds, const char *f)
{
	size_t n = strlen(f);

	for (const char *s = folds; (s = strstr(s, f)) != NULL; s++)
		if (s[-1] == '\n' && s[n] == '\n')
			return 1;
	return 0;
}

sohoa_status
sohoa_lexicon_learned(sohoa_catalog *cat, int min_docs, int max, char **out, sohoa_error *err)
{
	sqlite3 *db = sohoa_catalog_db(cat);
	sqlite3_stmt *st;
	struct sbuf b = { 0 };
	int rc;
	/* Invariant 3: the other spellings of the same letters, read at any
	 * confidence, are outnumbered four to one. */
	static const char sql[] =
	    "SELECT p.phrase, p.fold FROM lexicon_phrases p WHERE p.docs >= ?1"
	    " AND 4 * (SELECT coalesce(sum(q.seen), 0) FROM lexicon_phrases q"
	    "  WHERE q.fold = p.fold AND q.phrase <> p.phrase) <= p.docs"
	    " ORDER BY p.docs DESC, p.phrase LIMIT ?2";

	/* Invariant 5: at least as many sure documents as the other
	 * spellings were read in, and there are other spellings. */
	static const char offered_sql[] =
	    "SELECT p.phrase, p.fold FROM lexicon_phrases p WHERE p.docs >= 1"
	    " AND length(p.phrase) - length(replace(p.phrase, ' ', '')) = 2"
	    " AND EXISTS (SELECT 1 FROM lexicon_phrases q"
	    "  WHERE q.fold = p.fold AND q.phrase <> p.phrase)"
	    " AND (SELECT coalesce(sum(q.seen), 0) FROM lexicon_phrases q"
	    "  WHERE q.fold = p.fold AND q.phrase <> p.phrase) <= p.docs"
	    " ORDER BY p.docs DESC, p.phrase LIMIT ?1";
	char *folds;

	*out = NULL;
	if (!(folds = fixed_folds()))
		return sohoa_error_oom(err);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		free(folds);
		return db_error(db, err);
	}
	sqlite3_bind_int(st, 1, min_docs < 1 ? 1 : min_docs);
	sqlite3_bind_int(st, 2, max < 0 ? 0 : max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 0);
		const char *f = (const char *)sqlite3_column_text(st, 1);
		if (!p || !f || !*f || strchr(p, '\n') || fixed_fold(folds, f))
			continue;
		sb_str(&b, p);
		sb_add(&b, "\n", 1);
	}
	sqlite3_finalize(st);
	/* Then, marked '?', the three-syllable phrases OCR was sure of in a
	 * document at least and that outnumber the other spellings of their
	 * letters (documents where OCR read those at all); only those letters
	 * OCR also read another way, so the list stays small. */
	if (rc == SQLITE_DONE) {
		if (sqlite3_prepare_v2(db, offered_sql, -1, &st, NULL) != SQLITE_OK) {
			free(folds);
			free(b.p);
			return db_error(db, err);
		}
		sqlite3_bind_int(st, 1, max < 0 ? 0 : max);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *p = (const char *)sqlite3_column_text(st, 0);
			const char *f = (const char *)sqlite3_column_text(st, 1);
			if (!p || !f || !*f || strchr(p, '\n') || fixed_fold(folds, f))
				continue;
			sb_add(&b, "?", 1);
			sb_str(&b, p);
			sb_add(&b, "\n", 1);
		}
		sqlite3_finalize(st);
	}
	free(folds);
	if (rc != SQLITE_DONE) {
		free(b.p);
		return db_error(db, err);
	}
	if (!b.p)
		sb_add(&b, "", 0);
	if (b.oom) {
		free(b.p);
		return sohoa_error_oom(err);
	}
	*out = b.p;
	return SOHOA_OK;
}
