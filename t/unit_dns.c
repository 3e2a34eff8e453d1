/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * unit_dns.c - unit tests (TAP) of the request deadline's pieces that
 * need no server: dns_res_limit cutting a resolver's tries to the time
 * left, and PTR replies parsed into names.
 */
#include "config.h"

#include <arpa/nameser.h>
#include <resolv.h>
#include <stdio.h>
#include <string.h>

#include "dns.h"
#include "cache_tap.h"

/* limit - retrans and retry after dns_res_limit(timeout 2, attempts 3, left) */
static void limit(long left, int retrans, int retry)
{
	struct dns_settings s = {.timeout = 2, .attempts = 3};
	struct __res_state res;

	memset(&res, 0, sizeof(res));
	dns_res_limit(&res, &s, left);
	ok(res.retrans == retrans && res.retry == retry, "%ld ms left: %d s x %d (got %d x %d)",
	   left, retrans, retry, res.retrans, res.retry);
}

/* test_limit - the tries fit the time left (whole seconds, at least one) */
static void test_limit(void)
{
	limit(0, 2, 3);		/* no deadline */
	limit(6000, 2, 3);
	limit(9000, 2, 3);
	limit(5990, 2, 3);	/* a job taken just after the deadline was set */
	limit(4200, 2, 2);
	limit(2000, 2, 1);
	limit(1400, 1, 1);
	limit(100, 1, 1);
}

/* test_ptr - a PTR reply's names, the root skipped */
static void test_ptr(void)
{
	static const unsigned char reply[] = {
		0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
		1, '1', 1, '2', 1, '0', 3, '1', '9', '2', 7, 'i', 'n', '-', 'a', 'd', 'd', 'r',
		4, 'a', 'r', 'p', 'a', 0, 0, 12, 0, 1,
		0xc0, 12, 0, 12, 0, 1, 0, 0, 1, 44, 0, 10,
		4, 'm', 'a', 'i', 'l', 3, 'e', 'x', 'a', 0, 		/* mail.exa */
		0xc0, 12, 0, 12, 0, 1, 0, 0, 0, 60, 0, 1, 0,		/* the root */
	};
	static struct dns_rdata rd;
	struct dns_answer ans;

	dns_parse_typed(reply, (int) sizeof(reply), ns_t_ptr, &ans, &rd);
	ok(ans.status == DNS_ANSWER && ans.naddr == 0 && ans.ttl == 60 && rd.nhost == 1
	   && strcmp(rd.host[0], "mail.exa") == 0, "PTR reply: one name, the root skipped, min TTL");
}

int main(void)
{
	test_limit();
	test_ptr();
	return tap_done();
}
