/*
 * sbuf.c - the growable string of sbuf.h.
 */
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

void
sb_add(struct sbuf *b, const void *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(p = realloc(b->p, cap))) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}
