/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * str.c - bounded string helpers.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "str.h"

/* str_copy - bounded copy, reports truncation */
bool str_copy(char *buf, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (size == 0)
		return false;
	if (len >= size) {
		memcpy(buf, src, size - 1);
		buf[size - 1] = '\0';
		return false;
	}
	memcpy(buf, src, len + 1);
	return true;
}

/* str_appendf - bounded formatted append, reports truncation */
bool str_appendf(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strnlen(buf, size);
	va_list ap;
	int n;

	if (used >= size)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t) n < size - used;
}

/* str_printable - copy with control bytes replaced */
bool str_printable(char *buf, size_t size, const char *src)
{
	size_t i;

	if (size == 0)
		return false;
	for (i = 0; src[i] != '\0' && i + 1 < size; i++) {
		unsigned char c = (unsigned char) src[i];
		buf[i] = (c < 0x20 || c == 0x7f) ? '?' : (char) c;
	}
	buf[i] = '\0';
	return src[i] == '\0';
}

/* str_trim - strip surrounding white space in place */
char *str_trim(char *s)
{
	char *end;

	while (isspace((unsigned char) *s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char) end[-1]))
		*--end = '\0';
	return s;
}

/* str_has_ctl - does s hold a control byte */
bool str_has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char) *s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* str_is_decimal - [+-]DIGITS[.DIGITS], nothing else */
static bool str_is_decimal(const char *s)
{
	size_t n;

	if (*s == '+' || *s == '-')
		s++;
	if ((n = strspn(s, "0123456789")) == 0)
		return false;
	s += n;
	if (*s == '.') {
		if ((n = strspn(++s, "0123456789")) == 0)
			return false;
		s += n;
	}
	return *s == '\0';
}

/* str_parse_double - whole-string finite plain decimal */
bool str_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!str_is_decimal(s))
		return false;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v))
		return false;
	*out = v;
	return true;
}

/* str_parse_uint - whole-string bounded decimal */
bool str_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char) *s))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return false;
	*out = v;
	return true;
}

/* str_parse_bool - the usual spellings of yes and no */
bool str_parse_bool(const char *s, bool *out)
{
	static const char *yes[] = {"yes", "true", "on", "1"};
	static const char *no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0)
			return (*out = true);
		if (strcasecmp(s, no[i]) == 0)
			return !(*out = false);
	}
	return false;
}

/* str_min3 - the smallest of three */
static unsigned str_min3(unsigned a, unsigned b, unsigned c)
{
	return a < b ? (a < c ? a : c) : (b < c ? b : c);
}

/* str_distance - optimal string alignment distance, bounded lengths */
unsigned str_distance(const char *a, const char *b)
{
	unsigned row[3][STR_DISTANCE_MAX + 1];
	size_t la = strlen(a), lb = strlen(b);

	if (la > STR_DISTANCE_MAX || lb > STR_DISTANCE_MAX)
		return UINT_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[0][j] = (unsigned) j;
	for (size_t i = 1; i <= la; i++) {
		unsigned *cur = row[i % 3], *up = row[(i - 1) % 3], *up2 = row[(i + 1) % 3];

		cur[0] = (unsigned) i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = a[i - 1] != b[j - 1];

			cur[j] = str_min3(up[j] + 1, cur[j - 1] + 1, up[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
			    && up2[j - 2] + 1 < cur[j])
				cur[j] = up2[j - 2] + 1;
		}
	}
	return row[la % 3][lb];
}
