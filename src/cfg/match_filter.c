/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * match_filter.c - parse, test and print address filters (the
 * postscreen_dnsbl_sites per-octet syntax, dnswl prefixes, CIDR).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "match_filter.h"
#include "str.h"

/* A parse in progress: the text, the cursor, where errors go. */
struct scan {
	const char *text;
	const char *p;
	char *err;
	size_t errsize;
};

/* filter_set - allow values lo..hi at octet i */
static void filter_set(struct match_filter *f, unsigned i, unsigned lo, unsigned hi)
{
	for (unsigned v = lo; v <= hi; v++)
		f->bits[i][v >> 5] |= 1U << (v & 31);
}

/* match_filter_has - one bit */
bool match_filter_has(const struct match_filter *f, unsigned i, unsigned v)
{
	return (f->bits[i][v >> 5] >> (v & 31)) & 1U;
}

/* filter_fail - write a reason about the whole text; returns false */
static bool filter_fail(struct scan *s, const char *why)
{
	snprintf(s->err, s->errsize, "\"%s\": %s", s->text, why);
	return false;
}

/* filter_number - 1..3 plain decimal digits, at most max */
static bool filter_number(struct scan *s, unsigned max, unsigned *out)
{
	unsigned v = 0, n = 0;

	while (isdigit((unsigned char) *s->p) && n < 4) {
		v = v * 10 + (unsigned) (*s->p++ - '0');
		n++;
	}
	if (n == 0 || n > 3 || v > max)
		return false;
	*out = v;
	return true;
}

/* filter_item - NUMBER or NUMBER..NUMBER inside [] */
static bool filter_item(struct scan *s, struct match_filter *f, unsigned i)
{
	unsigned lo, hi;

	if (!filter_number(s, 255, &lo))
		return filter_fail(s, "expected a number 0..255 inside [...]");
	hi = lo;
	if (strncmp(s->p, "..", 2) == 0) {
		s->p += 2;
		if (!filter_number(s, 255, &hi))
			return filter_fail(s, "expected a number 0..255 after \"..\"");
		if (hi < lo)
			return filter_fail(s, "a range [LOW..HIGH] needs LOW <= HIGH");
	}
	filter_set(f, i, lo, hi);
	return true;
}

/* filter_part - one octet: NUMBER or [ITEM;ITEM...]; *plain if a number */
static bool filter_part(struct scan *s, struct match_filter *f, unsigned i, bool *plain)
{
	unsigned v;

	*plain = *s->p != '[';
	if (*plain) {
		if (!filter_number(s, 255, &v))
			return filter_fail(s, "each octet is a number 0..255 in plain "
					   "decimal, [LOW..HIGH] or [A;B;...]");
		filter_set(f, i, v, v);
		return true;
	}
	do {
		s->p++;
		if (!filter_item(s, f, i))
			return false;
	} while (*s->p == ';');
	if (*s->p != ']')
		return filter_fail(s, "expected \";\" or \"]\" in [...]");
	s->p++;
	return true;
}

/* filter_cidr - "/LENGTH" after four plain octets: narrow to the block */
static bool filter_cidr(struct scan *s, struct match_filter *f, bool plain)
{
	unsigned len, addr[4] = {0};

	s->p++;
	if (!plain)
		return filter_fail(s, "a CIDR block is A.B.C.D/LENGTH, four plain numbers");
	if (!filter_number(s, 32, &len) || len < 8 || *s->p != '\0')
		return filter_fail(s, "a CIDR prefix length is a number 8..32");
	for (unsigned i = 0; i < 4; i++) {
		unsigned k = len > 8 * i ? (len - 8 * i > 8 ? 8 : len - 8 * i) : 0;
		unsigned mask = (0xff00U >> k) & 0xffU;

		while (!match_filter_has(f, i, addr[i]))
			addr[i]++;
		if (addr[i] & ~mask & 0xffU)
			return filter_fail(s, "host bits set after the prefix length");
		memset(f->bits[i], 0, sizeof(f->bits[i]));
		filter_set(f, i, addr[i], addr[i] | (~mask & 0xffU));
	}
	return true;
}

/* match_filter_parse - the whole text */
bool match_filter_parse(const char *text, struct match_filter *f, char *err,
			size_t errsize)
{
	struct scan s = {text, text, err, errsize};
	bool plain = true, all_plain = true;
	unsigned n = 0;

	memset(f, 0, sizeof(*f));
	do {
		if (n > 0)
			s.p++;
		if (!filter_part(&s, f, n++, &plain))
			return false;
		all_plain = all_plain && plain;
	} while (n < 4 && *s.p == '.');
	for (unsigned i = n; i < 4; i++)
		filter_set(f, i, 0, 255);
	if (*s.p == '/')
		return filter_cidr(&s, f, all_plain && n == 4);
	if (*s.p != '\0')
		return filter_fail(&s, n == 4 && *s.p == '.' ? "more than four octets"
				   : "not A.B.C.D, a prefix A.B.C, [LOW..HIGH] or [A;B]");
	return true;
}

/* match_filter_test - every octet allowed */
bool match_filter_test(const struct match_filter *f, uint32_t addr)
{
	for (unsigned i = 0; i < 4; i++)
		if (!match_filter_has(f, i, (addr >> (24 - 8 * i)) & 0xffU))
			return false;
	return true;
}

/* filter_count - values allowed at octet i */
static unsigned filter_count(const struct match_filter *f, unsigned i)
{
	unsigned n = 0;

	for (unsigned w = 0; w < 8; w++)
		n += (unsigned) __builtin_popcount(f->bits[i][w]);
	return n;
}

/* match_filter_size - product of the per-octet counts */
uint64_t match_filter_size(const struct match_filter *f)
{
	uint64_t n = 1;

	for (unsigned i = 0; i < 4; i++)
		n *= filter_count(f, i);
	return n;
}

/* filter_format_part - one octet: NUMBER or [A..B;C] */
static bool filter_format_part(const struct match_filter *f, unsigned i, char *buf,
			       size_t size)
{
	const char *sep = "[";
	bool fit = true;

	for (unsigned v = 0; v < 256; v++) {
		unsigned hi = v;

		if (!match_filter_has(f, i, v))
			continue;
		while (hi < 255 && match_filter_has(f, i, hi + 1))
			hi++;
		if (hi == v && filter_count(f, i) == 1)
			return str_appendf(buf, size, "%u", v);
		fit = fit && (hi == v ? str_appendf(buf, size, "%s%u", sep, v)
			      : str_appendf(buf, size, "%s%u..%u", sep, v, hi));
		sep = ";";
		v = hi;
	}
	return fit && str_appendf(buf, size, "]");
}

/* match_filter_format - a prefix where trailing octets are any value */
bool match_filter_format(const struct match_filter *f, char *buf, size_t size)
{
	unsigned last = 0;
	bool fit = true;

	if (size == 0)
		return false;
	*buf = '\0';
	for (unsigned i = 1; i < 4; i++)
		if (filter_count(f, i) != 256)
			last = i;
	for (unsigned i = 0; i <= last && fit; i++)
		fit = (i == 0 || str_appendf(buf, size, ".")) && filter_format_part(f, i, buf, size);
	return fit;
}
