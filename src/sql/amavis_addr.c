/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_addr.c - amavis lookup keys and wb values.
 *
 * Everything here is pure string work on hostile input: bounded,
 * byte-exact (8-bit bytes kept as they are, as amavis compares bytes).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "amavis_addr.h"
#include "str.h"

#define WB_MIN	-9999999.9	/* the widest values with one decimal */
#define WB_MAX	99999999.9

/* usable - an address amavis can have keys for: LOCAL@DOMAIN, no controls */
static bool usable(const char *addr, const char **at)
{
	*at = strrchr(addr, '@');
	return *at != NULL && *at != addr && (*at)[1] != '\0' && !str_has_ctl(addr);
}

/*
 * extension_at - index of the "+ext" amavis would split off, or -1.
 * amavis splits at the first delimiter after at least one character
 * (its "postmaster"/"mailer-daemon" exceptions cannot hold a '+').
 */
static long extension_at(const char *addr, const char *at)
{
	const char *plus = memchr(addr + 1, '+', (size_t) (at - addr) - 1);

	return plus != NULL ? plus - addr : -1;
}

/*
 * make_key - addr with localpart cut at `cut` (if >= 0), domain and
 * (when lc_local) localpart lowercased; false when longer than a key.
 */
static bool make_key(const char *addr, const char *at, long cut, bool lc_local, amavis_key out)
{
	size_t llen = cut >= 0 ? (size_t) cut : (size_t) (at - addr);
	size_t dlen = strlen(at);

	if (llen + dlen > AMAVIS_ADDR_MAX)
		return false;
	memcpy(out, addr, llen);
	memcpy(out + llen, at, dlen + 1);
	for (char *p = lc_local ? out : out + llen; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char) (*p - 'A' + 'a');
	return true;
}

/* amavis_addr_normalize - the key dnswl stores */
bool amavis_addr_normalize(const char *addr, bool lc_local, amavis_key out)
{
	const char *at;

	return usable(addr, &at) && make_key(addr, at, -1, lc_local, out);
}

/* add_key - append k unless already there */
static size_t add_key(amavis_key keys[], size_t n, const char *k)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i], k) == 0)
			return n;
	memcpy(keys[n], k, strlen(k) + 1);
	return n + 1;
}

/* amavis_addr_keys - the keys a forged mail from sender would match */
size_t amavis_addr_keys(const char *sender, amavis_key keys[AMAVIS_MAX_KEYS])
{
	const char *at;
	amavis_key k;
	size_t n = 0;
	long ext;

	if (!usable(sender, &at))
		return 0;
	if (strlen(sender) <= AMAVIS_ADDR_MAX)
		n = add_key(keys, n, sender);
	ext = extension_at(sender, at);
	for (int lc = 0; lc <= 1; lc++) {
		if (make_key(sender, at, -1, lc, k))
			n = add_key(keys, n, k);
		if (ext >= 0 && make_key(sender, at, ext, lc, k))
			n = add_key(keys, n, k);
	}
	return n;
}

static const long long scale[] = {1, 10, 100, 1000, 10000};

/* scaled - |v| * 10^d rounded to the nearest integer (|v| < 1e9: no overflow) */
static long long scaled(double v, int d)
{
	return (long long) ((v < 0 ? -v : v) * (double) scale[d] + 0.5);
}

/* format_fixed - v with d decimals, sign when not zero; returns the length */
static size_t format_fixed(double v, int d, char *buf, size_t size)
{
	long long n = scaled(v, d);
	int len = snprintf(buf, size, "%s%lld.%0*lld", v < 0 && n != 0 ? "-" : "",
			   n / scale[d], d, n % scale[d]);

	return len < 0 ? size : (size_t) len;
}

/* amavis_wb_format - boost as amavis's numeric wb */
bool amavis_wb_format(double boost, char out[AMAVIS_WB_MAX + 1])
{
	double v = isnan(boost) ? 0.0 : boost < WB_MIN ? WB_MIN : boost > WB_MAX ? WB_MAX : boost;
	char buf[64];

	format_fixed(v, 1, out, AMAVIS_WB_MAX + 1);
	for (int d = 1; d <= 4; d++) {
		double off = (double) scaled(v, d) - (v < 0 ? -v : v) * (double) scale[d];
		if (format_fixed(v, d, buf, sizeof(buf)) > AMAVIS_WB_MAX)
			break;
		memcpy(out, buf, strlen(buf) + 1);
		if (off < 1e-6 && off > -1e-6)
			break;	/* d decimals hold the value exactly */
	}
	return v == boost;
}
