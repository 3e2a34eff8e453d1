/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grey_key_fuzz.c - libFuzzer harness for the greylist triplet.
 *
 * The input is "SENDER\nRECIPIENT\nADDRESS" as they come in a policy
 * request (missing parts are empty).  grey_sender_normal must give a
 * bounded key without control bytes or blanks, lower-case, "<>" only
 * for the null sender, and be idempotent for plain local@domain keys
 * (a normalised sender keeps its key); grey_network must give "ADDR/PREFIX" or refuse; the triplet key
 * is at most GREY_KEY_MAX bytes, lower-case, and the exempt matcher
 * stays within its input.
 *
 * Build and run (see fuzz/fuzz.am):  make fuzz-grey-key [FUZZ_SECONDS=60]
 * Replayed by make check as t/grey_key_fuzz_replay (fuzz/replay.c).
 */
#include "config.h"

#include <ctype.h>

#include "fuzz_util.h"
#include "grey_key.h"

/* lower_clean - no upper-case, no blanks, no controls */
static bool lower_clean(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f || isupper((unsigned char)*s))
			return false;
	return true;
}

/* part - the n-th newline-separated part of s (s is changed) */
static char *part(char *s, int n)
{
	for (; n > 0 && s != NULL; n--)
		if ((s = strchr(s, '\n')) != NULL)
			*s++ = '\0';
	return s != NULL ? s : "";
}

/* check_sender - normal form rules, idempotence */
static void check_sender(const char *sender, char *out, size_t size)
{
	char again[GREY_ADDR_MAX + 1];

	if (!grey_sender_normal(sender, out, size)) {
		out[0] = '\0';
		return;
	}
	fuzz_check(strlen(out) < size && lower_clean(out));
	fuzz_check((strcmp(out, "<>") == 0) == (*sender == '\0'));
	/* a plain local@domain key is its own normal form */
	if (strchr(out, '@') == strrchr(out, '@') && out[0] != '@' && strcmp(out, "<>") != 0) {
		fuzz_check(grey_sender_normal(out, again, sizeof(again)));
		fuzz_check(strcmp(out, again) == 0);
	}
}

/* LLVMFuzzerTestOneInput - sender, recipient, address */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_string(data, size), *rcpt, *addr;
	char sender[GREY_ADDR_MAX + 1], net[GREY_NET_MAX], key[GREY_KEY_MAX + 1], why[64];

	rcpt = part(in, 1);
	addr = part(rcpt, 1);
	check_sender(in, sender, sizeof(sender));
	if (grey_network(addr, 24, 64, net, sizeof(net)))
		fuzz_check(strchr(net, '/') != NULL && fuzz_no_ctl(net));
	else
		strcpy(net, "192.0.2.0/24");
	if (sender[0] != '\0' && grey_triplet_key(net, sender, rcpt, key, sizeof(key)))
		fuzz_check(strlen(key) <= GREY_KEY_MAX && fuzz_no_ctl(key));
	why[0] = '\0';
	grey_exempt_recipient(in, rcpt, why, sizeof(why));
	fuzz_check(memchr(why, '\0', sizeof(why)) != NULL);
	free(in);
	return 0;
}
