/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_testlib.h - helpers shared by the cache's C tests: a private
 * temporary directory, settings, answers, and the "known value" scheme
 * of the stress and kill tests.
 *
 * Known values: write number c of process p stores g = p << 24 | c as
 * the answer's TTL (and first address), for key number key_of(g).  A
 * reader can then prove that what it read was written, for this very
 * key, by some process: answer_check() recomputes everything from g.
 */
#ifndef DNSWL_CACHE_TESTLIB_H
#define DNSWL_CACHE_TESTLIB_H

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "dns.h"

static char test_dir[256];

/* test_setup_dir - a fresh 0700 directory under TMPDIR or /tmp */
static inline void test_setup_dir(const char *prog)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(test_dir, sizeof(test_dir), "%s/%s.XXXXXX", tmp && *tmp ? tmp : "/tmp", prog);
	if (mkdtemp(test_dir) == NULL) {
		printf("Bail out! mkdtemp %s failed\n", test_dir);
		exit(1);
	}
}

/* test_cleanup_dir - remove the directory tree (unless CACHE_TEST_KEEP is set) */
static inline void test_cleanup_dir(void)
{
	char cmd[2 * sizeof(test_dir) + 64];

	if (getenv("CACHE_TEST_KEEP") != NULL || test_dir[0] == '\0')
		return;
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s'; rm -rf '%s'", test_dir, test_dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", test_dir);
}

/* test_settings - settings for a cache file `name` below the test directory */
static inline struct cache_settings test_settings(const char *name, unsigned long size)
{
	struct cache_settings s;

	memset(&s, 0, sizeof(s));
	snprintf(s.file, sizeof(s.file), "%s/%s", test_dir, name);
	s.size = size;
	s.min_ttl = 0;
	s.max_ttl = 86400;
	s.fail_ttl = 60;
	return s;
}

/* answer_a - a positive answer 127.0.x.1, 127.0.x.2, ... */
static inline struct dns_answer answer_a(unsigned n, unsigned x, uint32_t ttl)
{
	struct dns_answer a;

	memset(&a, 0, sizeof(a));
	a.status = DNS_ANSWER;
	a.naddr = n;
	for (unsigned i = 0; i < n; i++)
		a.addr[i] = 0x7f000000u | (x & 255) << 8 | (i + 1);
	a.ttl = ttl;
	return a;
}

/* answer_neg - NXDOMAIN or NODATA */
static inline struct dns_answer answer_neg(enum dns_status st, uint32_t ttl)
{
	struct dns_answer a;

	memset(&a, 0, sizeof(a));
	a.status = st;
	a.ttl = ttl;
	return a;
}

/* same_answer - status, addresses (ttl not compared) */
static inline bool same_answer(const struct dns_answer *a, const struct dns_answer *b)
{
	return a->status == b->status && a->naddr == b->naddr
	    && memcmp(a->addr, b->addr, a->naddr * sizeof(a->addr[0])) == 0;
}

/* mix32 - integer hash for the known-value scheme */
static inline uint32_t mix32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

/* key_of - which key write g goes to */
static inline unsigned key_of(uint32_t g, unsigned nkeys)
{
	return mix32(g ^ 0x5bd1e995U) % nkeys;
}

/* key_names - list and qname of key i */
static inline void key_names(unsigned i, char *list, char *qname)
{
	snprintf(list, 64, "%s.test", i % 3 == 0 ? "dwl" : i % 3 == 1 ? "swl" : "swl2");
	snprintf(qname, 128, "%u.%u.%u.%u.%s", i & 255, (i >> 8) & 255, (i >> 16) & 255, 10, list);
}

/* answer_for - the answer write g stores (TTL g: max_ttl must allow it) */
static inline struct dns_answer answer_for(uint32_t g)
{
	struct dns_answer a;

	memset(&a, 0, sizeof(a));
	a.ttl = g;
	if (mix32(g) % 5 == 0) {
		a.status = mix32(g) % 2 ? DNS_NXDOMAIN : DNS_NODATA;
		return a;
	}
	a.status = DNS_ANSWER;
	a.naddr = 1 + mix32(g + 1) % DNS_MAX_ADDRS;
	a.addr[0] = g;
	for (unsigned j = 1; j < a.naddr; j++)
		a.addr[j] = mix32(g * 31 + j);
	return a;
}

/*
 * answer_check - is a read answer for key i one that was written?
 * written[p] is how many writes process p has started.  Returns NULL
 * when fine, else what is wrong.
 */
static inline const char *answer_check(const struct dns_answer *got, unsigned i, unsigned nkeys,
				unsigned nprocs, const volatile uint32_t *written)
{
	uint32_t g = got->ttl, p = g >> 24, c = g & 0xffffff;
	struct dns_answer want;

	if (p >= nprocs || c == 0 || c > written[p])
		return "TTL is no write that happened";
	if (key_of(g, nkeys) != i)
		return "answer of a write to another key";
	want = answer_for(g);
	if (!same_answer(got, &want))
		return "answer differs from what write g stored";
	return NULL;
}

#endif
