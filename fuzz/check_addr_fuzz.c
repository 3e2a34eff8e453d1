/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_addr_fuzz.c - libFuzzer harness for dynamic_client's "the
 * address in the reverse name" (src/decide/check_addr.c).
 *
 * The input is "ADDRESS\nNAME" as a policy request gives them (a
 * missing part is empty).  check_addr_in_name must stay within its
 * input for any bytes; and for an address that parses, the forms a
 * consumer PTR writes it in must be found: IPv4 a-b-c-d, IPv6 the
 * inet_ntop text with '-' for ':' ("--" compression), the eight groups
 * in full, and the 32 nibbles with dots, forwards and reversed.
 *
 * Build and run (see fuzz/fuzz.am):  make fuzz-check-addr [FUZZ_SECONDS=60]
 * Replayed by make check as t/check_addr_fuzz_replay (fuzz/replay.c).
 */
#include "config.h"

#include <arpa/inet.h>

#include "check.h"
#include "fuzz_util.h"

#define CHECK_ADDR_FUZZ_MAX	2048

/* found - the name spells the address */
static void found(const char *name, const char *address)
{
	if (!check_addr_in_name(name, address)) {
		fprintf(stderr, "%s not found in %s\n", address, name);
		fuzz_check(false);
	}
}

/* spelt6 - the IPv6 forms of b (not "::", no dotted quad) are found */
static void spelt6(const unsigned char *b, const char *address)
{
	static const unsigned char zero[16];
	char text[INET6_ADDRSTRLEN], name[160], *p;

	if (memcmp(b, zero, 16) == 0 || inet_ntop(AF_INET6, b, text, sizeof(text)) == NULL
	    || strchr(text, '.') != NULL)
		return;
	for (p = text; *p; p++)
		if (*p == ':')
			*p = '-';
	snprintf(name, sizeof(name), "x.%s.example", text);
	found(name, address);
	p = name;
	for (unsigned k = 0; k < 8; k++)
		p += sprintf(p, "%x-", (unsigned) b[2 * k] << 8 | b[2 * k + 1]);
	strcpy(p, "dyn.example");
	found(name, address);
	p = name;
	for (unsigned i = 0; i < 32; i++)
		p += sprintf(p, "%x.", (b[i / 2] >> (i % 2 ? 0 : 4)) & 15);
	strcpy(p, "ip6.example");
	found(name, address);
	p = name;
	for (unsigned i = 32; i-- > 0;)
		p += sprintf(p, "%x.", (b[i / 2] >> (i % 2 ? 0 : 4)) & 15);
	strcpy(p, "ip6.arpa");
	found(name, address);
}

/* LLVMFuzzerTestOneInput - address, name */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[CHECK_ADDR_FUZZ_MAX + 1];
	char name[64], *nl, *rest;
	unsigned char b[16];

	if (size > CHECK_ADDR_FUZZ_MAX)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	nl = strchr(buf, '\n');
	rest = nl != NULL ? (*nl = '\0', nl + 1) : buf + size;
	(void) check_addr_in_name(rest, buf);
	(void) check_addr_in_name(buf, rest);
	if (inet_pton(AF_INET, buf, b) == 1) {
		snprintf(name, sizeof(name), "dsl-%u-%u-%u-%u.example", b[0], b[1], b[2], b[3]);
		found(name, buf);
	} else if (inet_pton(AF_INET6, buf, b) == 1) {
		spelt6(b, buf);
	}
	return 0;
}
