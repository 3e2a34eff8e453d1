/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * str.h - bounded string helpers.
 *
 * Every write takes (buf, size) and reports truncation, so no caller
 * can overrun a buffer or silently use a cut value.
 */
#ifndef DNSWL_STR_H
#define DNSWL_STR_H

#include <stdbool.h>
#include <stddef.h>

#include "msg.h"

/*
 * str_copy - copy src into buf.  Returns true when it fit; on
 * truncation buf holds a terminated prefix and false is returned.
 */
bool str_copy(char *buf, size_t size, const char *src);

/*
 * str_appendf - append formatted text at the end of buf.  Returns true
 * when it fit; on truncation buf is terminated and false is returned.
 */
bool str_appendf(char *buf, size_t size, const char *fmt, ...) MSG_PRINTF(3, 4);

/*
 * str_printable - copy src into buf replacing every control byte
 * (CR, LF, TAB, ESC, DEL...) by '?'.  8-bit bytes are kept.  Returns
 * true when it fit.
 */
bool str_printable(char *buf, size_t size, const char *src);

/*
 * str_trim - strip leading and trailing white space in place; returns
 * the start of the trimmed text inside s.
 */
char *str_trim(char *s);

/* str_has_ctl - true if s holds a control byte (e.g. CR or LF). */
bool str_has_ctl(const char *s);

/*
 * str_parse_double / str_parse_uint - whole-string numbers.  Return
 * true and store the value only when all of s is a plain decimal
 * number [+-]DIGITS[.DIGITS] (no hex, exponent, nan or inf; no white
 * space) that is finite, or a decimal unsigned integer no larger than
 * max.
 */
bool str_parse_double(const char *s, double *out);
bool str_parse_uint(const char *s, unsigned long max, unsigned long *out);

/*
 * str_parse_bool - yes/no, true/false, on/off, 1/0 (any case).
 * Returns false for anything else.
 */
bool str_parse_bool(const char *s, bool *out);

#define STR_DISTANCE_MAX	63

/*
 * str_distance - edit distance between a and b (insertions, deletions,
 * substitutions and swaps of neighbours count 1 each).  Returns
 * UINT_MAX when either is longer than STR_DISTANCE_MAX bytes.
 */
unsigned str_distance(const char *a, const char *b);

#endif
