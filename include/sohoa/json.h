/*
 * json.h - just enough JSON output for the command-line tool's --json modes.
 */
#ifndef SOHOA_JSON_H
#define SOHOA_JSON_H

#include "sohoa/sohoa.h"

#include <stdio.h>

/* Writes s as a JSON string literal (with quotes); NULL is written as null.
 * Invalid UTF-8 bytes are written as U+FFFD; C0, DEL, C1 and bidi
 * override characters as \uXXXX (the literal holds no control byte). */
SOHOA_API void sohoa_json_string(FILE *out, const char *s);

#endif
