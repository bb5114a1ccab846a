/*
 * review.h - the review queue (hàng soát xét): documents a person should
 * look at, the one list behind `sohoa review`, the văn thư's /review page
 * in sohoa-web and the "needs review" count of `sohoa status`.
 *
 * A document is on the queue when it is done and
 *   - its mean OCR confidence is under review_threshold (0-100), or
 *   - one of its fields read by OCR (source "ocr") has a confidence under
 *     SOHOA_EXTRACT_REVIEW (extract.h; a field whose text is not plausible
 *     Vietnamese falls there, plausible.h),
 * and no person has marked it reviewed ("Đã soát": an event of type
 * "review" naming the person).  A field a person corrected has source
 * "person" and no longer counts, so a document on the queue only for its
 * unsure fields leaves it once they are corrected.  Oldest first.
 *
 *     sohoa_review_each(cat, conf.review_threshold, 0, each, arg, &err);
 *     sohoa_review_mark(cat, id, "sohoa-web 1.0 (user lan)", &already, &err);
 */
#ifndef SOHOA_REVIEW_H
#define SOHOA_REVIEW_H

#include <stddef.h>
#include <stdint.h>
#include "sohoa/sohoa.h"
#include "sohoa/catalog.h"

/* The event type of "Đã soát". */
#define SOHOA_REVIEW_EVENT "review"

/* One document of the queue; the strings are valid during the callback. */
typedef struct sohoa_review_item {
	int64_t id;
	const char *name;          /* file name of the scan */
	const char *origin;        /* inbox folder (hồ sơ), "" for the root */
	const char *created_at;    /* ISO 8601, UTC */
	const char *subject;       /* trích yếu, or NULL */
	int pages;
	double confidence;         /* mean OCR confidence 0-100, -1 when unknown */
	double min_page;           /* the lowest page's, -1 when unknown */
	int unsure_fields;         /* OCR fields under SOHOA_EXTRACT_REVIEW */
	int low_ocr;               /* 1 when confidence is under the threshold */
} sohoa_review_item;

/* Calls each for the queue's documents, oldest first, at most limit of
 * them (0: all); each returns non-zero to stop. */
SOHOA_API sohoa_status sohoa_review_each(sohoa_catalog *cat, long long threshold, int limit,
    int (*each)(void *arg, const sohoa_review_item *it), void *arg, sohoa_error *err);

/* How many documents the queue holds. */
SOHOA_API sohoa_status sohoa_review_count(sohoa_catalog *cat, long long threshold, long long *n,
    sohoa_error *err);

/* Whether document id is on the queue (0/1 in *on). */
SOHOA_API sohoa_status sohoa_review_pending(sohoa_catalog *cat, long long threshold, int64_t id,
    int *on, sohoa_error *err);

/*
 * "Đã soát": records that agent (which names the person) reviewed done
 * document id, as an event of type SOHOA_REVIEW_EVENT; the document leaves
 * the queue.  When it was marked before, nothing is written and *already
 * (may be NULL) is 1.  SOHOA_BAD_INPUT when there is no such document or
 * it is not done.
 */
SOHOA_API sohoa_status sohoa_review_mark(sohoa_catalog *cat, int64_t id, const char *agent,
    int *already, sohoa_error *err);

/* The values earlier records give a field (name as in fields.h: "organName"),
 * most used first, at most limit: what a person typed, or OCR read with
 * confidence; for the suggestions of a form.  each gets each value. */
SOHOA_API sohoa_status sohoa_review_field_values(sohoa_catalog *cat, const char *field, int limit,
    void (*each)(void *arg, const char *value), void *arg, sohoa_error *err);

/* The spool entry name of document id (its OCR output, ocr.hocr, is in
 * <state_dir>/spool/done/<name>/) into buf[0..n). */
SOHOA_API sohoa_status sohoa_review_spool_id(sohoa_catalog *cat, int64_t id, char *buf, size_t n,
    sohoa_error *err);

#endif
