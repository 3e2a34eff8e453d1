/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_addr.c - dynamic_client's "the address is spelt in the name":
 * the four numbers of an IPv4 address (192-0-2-1, 1.2.0.192), or the
 * whole of an IPv6 address as consumer PTRs write it: its hex groups
 * (2001-db8-1-2-3-4-5-6, compressed 2001-db8--62, padded or not) or its
 * 32 nibbles in a row, forwards or reversed (p20010db8...0062,
 * 2.6.0.0...8.b.d.0.1.0.0.2, separators anywhere).  Only the whole
 * address counts: a name that holds just its prefix (the ISP's network,
 * where static servers live too) or a few of its groups is no evidence.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "check.h"

#define ADDR_MAX_RUNS	32	/* digit runs of a name looked at */
#define ADDR_MAX_TOKENS	128	/* pieces of a name looked at (253 bytes: < 128) */

/* addr_digit_runs - the numbers in name, in order; how many */
static unsigned addr_digit_runs(const char *name, unsigned long *runs)
{
	unsigned n = 0;

	for (const char *p = name; *p && n < ADDR_MAX_RUNS;) {
		if (!isdigit((unsigned char) *p)) {
			p++;
			continue;
		}
		runs[n] = 0;
		for (unsigned len = 0; isdigit((unsigned char) *p); p++, len++)
			if (len < 4)
				runs[n] = runs[n] * 10 + (unsigned long) (*p - '0');
		n++;
	}
	return n;
}

/* addr_has_octets - do four runs in a row spell the address (or reversed)? */
static bool addr_has_octets(const char *name, const unsigned char *b)
{
	unsigned long runs[ADDR_MAX_RUNS];
	unsigned n = addr_digit_runs(name, runs);
	bool fwd, rev;

	for (unsigned i = 0; i + 4 <= n; i++) {
		fwd = rev = true;
		for (unsigned k = 0; k < 4; k++) {
			fwd &= runs[i + k] == b[k];
			rev &= runs[i + k] == b[3 - k];
		}
		if (fwd || rev)
			return true;
	}
	return false;
}

/* addr_nibbles - the name's hex digits between separators, lower case */
static void addr_nibbles(const char *name, char *buf, size_t size)
{
	size_t n = 0;

	for (const char *p = name; *p && n + 1 < size; p++)
		if (*p != '.' && *p != '-')
			buf[n++] = (char) tolower((unsigned char) *p);
	buf[n] = '\0';
}

/* addr_has_nibbles - the 32 hex digits of b, forwards or reversed */
static bool addr_has_nibbles(const char *name, const unsigned char *b)
{
	static const char hex[] = "0123456789abcdef";
	char flat[DNS_NAME_MAX * 2], fwd[33], rev[33];

	for (unsigned i = 0; i < 32; i++) {
		fwd[i] = hex[(b[i / 2] >> (i % 2 ? 0 : 4)) & 15];
		rev[31 - i] = fwd[i];
	}
	fwd[32] = rev[32] = '\0';
	addr_nibbles(name, flat, sizeof(flat));
	return strstr(flat, fwd) != NULL || strstr(flat, rev) != NULL;
}

/* A piece of a name between '.' and '-': a hex group, "--" or other. */
struct addr_token {
	enum { TOK_OTHER, TOK_GROUP, TOK_GAP } kind;
	unsigned value;		/* TOK_GROUP: 1..4 hex digits */
};

/* addr_token_of - the piece p[0..len) ("--" gives an empty piece: a gap) */
static struct addr_token addr_token_of(const char *p, size_t len, bool gap)
{
	struct addr_token t = {len == 0 && gap ? TOK_GAP : TOK_OTHER, 0};

	if (len == 0 || len > 4)
		return t;
	for (size_t i = 0; i < len; i++) {
		if (!isxdigit((unsigned char) p[i]))
			return t;
		t.value = t.value * 16 + (unsigned) (isdigit((unsigned char) p[i])
		    ? p[i] - '0' : tolower((unsigned char) p[i]) - 'a' + 10);
	}
	t.kind = TOK_GROUP;
	return t;
}

/* addr_tokens - name split at '.' and '-'; how many pieces */
static unsigned addr_tokens(const char *name, struct addr_token *tok)
{
	unsigned n = 0;
	const char *p = name;

	while (n < ADDR_MAX_TOKENS) {
		size_t len = strcspn(p, ".-");

		tok[n++] = addr_token_of(p, len, p > name && p[-1] == '-' && p[len] == '-');
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	return n;
}

/* addr_gap_fits - after "--": the groups left are zeros, then tok[0..t) */
static bool addr_gap_fits(const struct addr_token *tok, unsigned t, unsigned k,
			  const unsigned *g)
{
	if (k + t > 7)
		return false;
	for (unsigned m = k; m < 8 - t; m++)
		if (g[m] != 0)
			return false;
	for (unsigned m = 0; m < t; m++)
		if (tok[m].value != g[8 - t + m])
			return false;
	return true;
}

/*
 * addr_groups_at - tok[i..] spells the 8 groups g: all 8, or a "--"
 * for zeros; then the spelling is the whole run of groups (1-2--3-4 is
 * 1:2::3:4, not 2::3).
 */
static bool addr_groups_at(const struct addr_token *tok, unsigned n, unsigned i,
			   const unsigned *g)
{
	unsigned k = 0, j = i, t = 0;

	for (; j < n && k < 8 && tok[j].kind == TOK_GROUP; j++, k++)
		if (tok[j].value != g[k])
			return false;
	if (k == 8)
		return true;
	if (j >= n || tok[j].kind != TOK_GAP || (i > 0 && tok[i - 1].kind == TOK_GROUP))
		return false;
	while (j + 1 + t < n && tok[j + 1 + t].kind == TOK_GROUP)
		t++;
	return addr_gap_fits(tok + j + 1, t, k, g);
}

/* addr_has_groups - the hex groups of b, separated by '-' or '.' */
static bool addr_has_groups(const char *name, const unsigned char *b)
{
	struct addr_token tok[ADDR_MAX_TOKENS];
	unsigned g[8], n = addr_tokens(name, tok);

	for (unsigned k = 0; k < 8; k++)
		g[k] = (unsigned) b[2 * k] << 8 | b[2 * k + 1];
	for (unsigned i = 0; i < n; i++)
		if (addr_groups_at(tok, n, i, g))
			return true;
	return false;
}

/* check_addr_in_name - see check.h */
bool check_addr_in_name(const char *name, const char *address)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	unsigned char b[16];

	if (inet_pton(AF_INET, address, b) == 1)
		return addr_has_octets(name, b);
	if (inet_pton(AF_INET6, address, b) != 1)
		return false;
	if (memcmp(b, mapped, sizeof(mapped)) == 0 && addr_has_octets(name, b + 12))
		return true;
	return addr_has_groups(name, b) || addr_has_nibbles(name, b);
}
