/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns_fuzz.c - libFuzzer harness for the DNS answer parser.
 *
 * The input is one raw reply as res_nsend would hand it over (header,
 * question, answer, authority and additional sections; up to
 * NS_MAXMSG bytes).  dns_parse_reply must classify any bytes without
 * reading outside them, and what it returns must be a consistent
 * answer: addresses only with DNS_ANSWER, at most DNS_MAX_ADDRS.  The
 * same bytes are then parsed as a reply to an MX and to a PTR query:
 * at most DNS_MAX_MX names, each terminated and shorter than
 * DNS_NAME_MAX.
 *
 * Build and run (see fuzz/fuzz.am):  make fuzz-dns [FUZZ_SECONDS=60]
 * Replayed by make check as t/dns_fuzz_replay (fuzz/replay.c).
 */
#include "config.h"

#include <arpa/nameser.h>
#include <string.h>

#include "dns.h"
#include "fuzz_util.h"

/* names_check - a reply parsed as MX or PTR: bounded, terminated names */
static void names_check(const uint8_t *data, size_t size, int qtype)
{
	static struct dns_rdata rd;
	struct dns_answer ans;

	dns_parse_typed(data, (int) size, qtype, &ans, &rd);
	fuzz_check(ans.naddr == 0 && rd.nhost <= DNS_MAX_MX);
	for (unsigned i = 0; i < rd.nhost; i++)
		fuzz_check(memchr(rd.host[i], '\0', DNS_NAME_MAX) != NULL && rd.host[i][0] != '\0');
}

/* LLVMFuzzerTestOneInput - one reply packet */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_answer ans;

	if (size > NS_MAXMSG)
		return 0;
	dns_parse_reply(data, (int) size, &ans);
	fuzz_check(ans.status >= DNS_ANSWER && ans.status <= DNS_ERROR);
	if (ans.status == DNS_ANSWER)
		fuzz_check(ans.naddr >= 1 && ans.naddr <= DNS_MAX_ADDRS);
	else
		fuzz_check(ans.naddr == 0);
	if (dns_failed(ans.status))
		fuzz_check(ans.ttl == 0);
	fuzz_check(dns_status_name(ans.status)[0] != '\0');
	names_check(data, size, ns_t_mx);
	names_check(data, size, ns_t_ptr);
	return 0;
}
