/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * match_filter.h - address filters for DNS list answer codes.
 *
 * A filter is one set of allowed values per octet of an IPv4 address.
 * The text forms (dnswl.cfg(5) "ips"):
 *
 *	FILTER	= PART [ "." PART [ "." PART [ "." PART ]]] | CIDR
 *	PART	= NUMBER | "[" ITEM { ";" ITEM } "]"
 *	ITEM	= NUMBER | NUMBER ".." NUMBER		(low <= high)
 *	CIDR	= NUMBER "." NUMBER "." NUMBER "." NUMBER "/" LENGTH
 *
 * NUMBER is 0..255 in plain decimal (1 to 3 digits), LENGTH 8..32, with
 * the host bits of a CIDR address zero.  PART is postscreen(8)'s
 * postscreen_dnsbl_sites syntax ("127.0.[0..255].[2..3]",
 * "127.0.0.[1;3..5]"); fewer than four parts are a prefix whose missing
 * octets are any value ("127.0.2" = 127.0.2.[0..255]).  No white space
 * inside a filter.
 */
#ifndef DNSWL_MATCH_FILTER_H
#define DNSWL_MATCH_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MATCH_FILTER_TEXT_MAX	1024	/* longest formatted filter */

struct match_filter {
	uint32_t bits[4][8];	/* bit v of bits[i]: octet i may be v */
};

/*
 * match_filter_parse - parse text (whole string) into *f.  Returns true
 * on success.  On failure returns false, leaves *f undefined and writes
 * a reason naming the offending text into err (never a CR or LF unless
 * text held one).
 */
bool match_filter_parse(const char *text, struct match_filter *f, char *err,
			size_t errsize);

/* match_filter_test - does addr (host byte order) pass f? */
bool match_filter_test(const struct match_filter *f, uint32_t addr);

/*
 * match_filter_size - the number of addresses f covers, 1 (one exact
 * address) .. 2^32: the specificity measure, fewer is more specific.
 */
uint64_t match_filter_size(const struct match_filter *f);

/* match_filter_has - is value v allowed at octet i (0..3)? */
bool match_filter_has(const struct match_filter *f, unsigned i, unsigned v);

/*
 * match_filter_format - f as text that match_filter_parse reads back
 * to the same filter ("127.0.2", "127.0.[0..255].[2..3]").  Returns
 * false when buf was too small (buf then holds a terminated prefix).
 */
bool match_filter_format(const struct match_filter *f, char *buf, size_t size);

#endif
