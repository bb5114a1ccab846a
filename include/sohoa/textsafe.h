/*
 * textsafe.h - text from hostile hands made safe for where it is shown.
 *
 * File names, folder names, sidecar values and OCR text (from a scanner's
 * own PDF text layer too) are bytes anyone with write access to the inbox
 * chose.  Shown raw, an ESC or BEL byte drives the terminal of whoever runs
 * "sohoa status" (window titles, cleared screens, forged lines) and a
 * character XML 1.0 forbids makes a package unreadable.  Each place text
 * is shown goes through one of these:
 *
 *   terminal and log lines:  sohoa_text_put() / sohoa_text_terminal()
 *   XML text and attributes: sohoa_text_xml()
 *   values stored as fields: sohoa_text_field()
 *
 * Invariants:
 *   T1. The terminal form holds no C0 control byte (except, when asked for,
 *       tab and newline, and the search marks STX/ETX), no DEL, no C1
 *       control (U+0080-U+009F), no bidirectional override or isolate
 *       (U+202A-U+202E, U+2066-U+2069), and is valid UTF-8: each such
 *       character is shown escaped, a C0/DEL byte and every byte of
 *       invalid UTF-8 as \xNN, the others as \uNNNN.  Everything else,
 *       Vietnamese included, passes unchanged, so the common name prints
 *       as it is.
 *   T2. The XML form is valid UTF-8 holding only characters XML 1.0 allows
 *       (tab, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF), and
 *       no DEL, C1 control or noncharacter (U+FDD0-U+FDEF, U+nFFFE,
 *       U+nFFFF) either: each of those, and each invalid byte, becomes
 *       U+FFFD.  Never a reason to refuse the value.
 *   T3. The field form is valid UTF-8 with no control character but LF:
 *       every other C0 control, DEL and C1 becomes a space, noncharacters
 *       and invalid bytes U+FFFD.
 *   T4. Text without any of the above comes out byte for byte.
 *
 * The functions hold no state and allocate only what they return.
 */
#ifndef SOHOA_TEXTSAFE_H
#define SOHOA_TEXTSAFE_H

#include "sohoa/sohoa.h"

#include <stddef.h>
#include <stdio.h>

/* Flags of the terminal form. */
#define SOHOA_TEXT_MULTILINE 1u /* keep newline and tab (OCR text) */
#define SOHOA_TEXT_MARKS 2u     /* keep the search marks STX/ETX (search.h) */

/* Writes s (NUL-terminated; NULL writes nothing) to out in the terminal
 * form.  Allocates nothing. */
SOHOA_API void sohoa_text_put(FILE *out, const char *s, unsigned flags);

/* The terminal form of s[0..len), NUL-terminated, its length to *outlen
 * (may be NULL).  Caller owns the result; free() it.  NULL when out of
 * memory. */
SOHOA_API char *sohoa_text_terminal(const char *s, size_t len, unsigned flags, size_t *outlen);

/* The XML form of s[0..len) (T2), as above. */
SOHOA_API char *sohoa_text_xml(const char *s, size_t len, size_t *outlen);

/* The field form of s[0..len) (T3), as above. */
SOHOA_API char *sohoa_text_field(const char *s, size_t len, size_t *outlen);

/* 1 when s[0..len) is already in the terminal form with these flags (no
 * byte would change), else 0. */
SOHOA_API int sohoa_text_is_plain(const char *s, size_t len, unsigned flags);

#endif
