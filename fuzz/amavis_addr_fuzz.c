/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_addr_fuzz.c - libFuzzer harness for the amavis address keys.
 *
 * The input is a sender address as it comes in a policy request (up to
 * a NUL).  amavis_addr_normalize must give a bounded key without
 * control bytes with an '@', its domain lowercased; amavis_addr_keys
 * must give at most AMAVIS_MAX_KEYS distinct bounded keys that include
 * the normalized key of both localpart settings (the cleanup must
 * delete whatever was stored).  The first 8 bytes, read as a double,
 * also go through amavis_wb_format: at most AMAVIS_WB_MAX characters,
 * a plain decimal number.
 *
 * Build and run (see fuzz/fuzz.am):  make fuzz-amavis-addr [FUZZ_SECONDS=60]
 * Replayed by make check as t/amavis_addr_fuzz_replay (fuzz/replay.c).
 */
#include "config.h"

#include <math.h>

#include "amavis_addr.h"
#include "fuzz_util.h"

/* check_key - a stored key is bounded, clean, LOCAL@domain */
static void check_key(const char *key, bool lc_local)
{
	const char *at = strrchr(key, '@');

	fuzz_check(strlen(key) <= AMAVIS_ADDR_MAX && fuzz_no_ctl(key));
	fuzz_check(at != NULL && at != key && at[1] != '\0');
	for (const char *p = lc_local ? key : at; *p; p++)
		fuzz_check(*p < 'A' || *p > 'Z');
}

/* check_keys - the cleanup keys: bounded, distinct, covering what is stored */
static void check_keys(const char *sender)
{
	amavis_key keys[AMAVIS_MAX_KEYS], norm;
	size_t n = amavis_addr_keys(sender, keys);

	fuzz_check(n <= AMAVIS_MAX_KEYS);
	for (size_t i = 0; i < n; i++) {
		fuzz_check(strlen(keys[i]) <= AMAVIS_ADDR_MAX);
		for (size_t j = 0; j < i; j++)
			fuzz_check(strcmp(keys[i], keys[j]) != 0);
	}
	for (int lc = 0; lc <= 1; lc++) {
		size_t i = 0;

		if (!amavis_addr_normalize(sender, lc, norm))
			continue;
		check_key(norm, lc);
		while (i < n && strcmp(keys[i], norm) != 0)
			i++;
		fuzz_check(i < n);
	}
}

/* check_wb - a boost as amavis's wb column */
static void check_wb(const uint8_t *data, size_t size)
{
	char out[AMAVIS_WB_MAX + 1], *end;
	double boost;

	if (size < sizeof(boost))
		return;
	memcpy(&boost, data, sizeof(boost));
	amavis_wb_format(boost, out);
	fuzz_check(strlen(out) >= 3 && strlen(out) <= AMAVIS_WB_MAX);
	fuzz_check(strspn(out, "-0123456789.") == strlen(out) && strchr(out, '.') != NULL);
	fuzz_check(isfinite(strtod(out, &end)) && *end == '\0');
}

/* LLVMFuzzerTestOneInput - one sender address */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *sender = fuzz_string(data, size);

	check_keys(sender);
	check_wb(data, size);
	free(sender);
	return 0;
}
