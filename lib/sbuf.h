/*
 * sbuf.h - a growable NUL-terminated string for building text in the
 * library (internal, not installed).  Out of memory is sticky: append
 * freely, check b.oom once at the end.
 *
 *     struct sbuf b = { 0 };
 *     sb_add(&b, s, n); sb_str(&b, "...");
 *     if (b.oom) { free(b.p); fail; }
 *     use b.p (may be NULL when nothing was added), free(b.p).
 */
#ifndef SOHOA_SBUF_H
#define SOHOA_SBUF_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct sbuf {
	char *p;
	size_t len, cap;
	int oom;
};

/* Appends s[0..n). */
void sb_add(struct sbuf *b, const void *s, size_t n);

/* Appends a NUL-terminated string. */
void sb_str(struct sbuf *b, const char *s);

/* Appends printf-style text. */
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif

#endif
