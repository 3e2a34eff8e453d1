/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lookup.h - ask the lists about the names of one request, all at once:
 * the cache in front of DNS.
 *
 * The decision code never talks to the resolver or the cache directly;
 * it asks lookup_batch(), which answers what it can from the shared
 * cache and the failing-list memory, sends every other query at once
 * (dns_pool.h), and records the answers.  Only the calling thread
 * touches the cache.
 */
#ifndef DNSWL_LOOKUP_H
#define DNSWL_LOOKUP_H

#include <stdbool.h>
#include <time.h>

#include "cfg.h"
#include "dns.h"

struct cache;
struct dns_pool;

enum lookup_source {
	LOOKUP_DNS,		/* asked the resolver now */
	LOOKUP_CACHE,		/* answered from the shared cache */
	LOOKUP_SKIPPED,		/* list failing recently: not asked; the
				 * status is the failure on record */
	LOOKUP_LATE,		/* not asked: the request's deadline had
				 * passed (status DNS_TIMEOUT) */
};

struct lookup_result {
	char qname[DNS_NAME_MAX];
	struct dns_answer answer;
	enum lookup_source source;
};

struct lookup_ctx {
	struct cache *cache;	/* NULL: uncached */
	struct dns_pool *pool;	/* the query threads */
	long bound_ms;		/* a request's time: dns_timeout * dns_attempts */
	long deadline_ms;	/* this request's end (dns_now_ms); 0: none */
};

/*
 * One query of a batch: the list's zone (or a check's pseudo-list name,
 * check.h) and qname in, the result out.  qtype 0 is ns_t_a.  An MX,
 * PTR or TXT query (mx set) is cached with its names or text (the
 * cache's data slots, cache_get_data); a check's query (check set)
 * keeps no list health: one bad domain must not make a check skipped.
 */
struct lookup_query {
	const char *zone;
	const char *qname;
	struct lookup_result *res;
	int qtype;
	struct dns_rdata *mx;
	bool check;
	bool fresh;		/* a health probe: never from or into the cache */
};

/*
 * lookup_open - set up the resolver and open the cache for cfg.
 * Returns false (reason in err) when the resolver cannot be set up; a
 * cache that cannot be used only means running uncached.
 */
bool lookup_open(struct lookup_ctx *ctx, const struct config *cfg, char *err, size_t errsize);

/*
 * lookup_begin - a request starts: every lookup_batch until lookup_end
 * shares one deadline, bound_ms from now.  A query that would start at
 * or past it is not sent (DNS_TIMEOUT, source LOOKUP_LATE, no list
 * health recorded); one sent before it has its tries cut to the time
 * left (dns_pool_run).
 */
void lookup_begin(struct lookup_ctx *ctx);

/* lookup_end - the request is done: no deadline until the next begin. */
void lookup_end(struct lookup_ctx *ctx);

/* lookup_expired - has this request's deadline passed? */
bool lookup_expired(const struct lookup_ctx *ctx);

/* lookup_close - release what lookup_open took. */
void lookup_close(struct lookup_ctx *ctx);

/*
 * lookup_batch - answer every query (each *res filled): cache hits and
 * skipped lists first, then every other query at once on the pool's
 * threads.  Returns after the last answer, about dns_timeout *
 * dns_attempts at most.  A skipped list reports the failure that got it
 * skipped (DNS_SERVFAIL when the record predates that) with source
 * LOOKUP_SKIPPED.
 */
void lookup_batch(struct lookup_ctx *ctx, const struct lookup_query *queries, unsigned n);

/*
 * lookup_note_get, lookup_note_put - a check's own summary of several
 * answers (one struct dns_answer) in the cache under a pseudo-list
 * name; get returns false on a miss.  Uncached: get always misses.
 */
bool lookup_note_get(struct lookup_ctx *ctx, const char *zone, const char *qname,
		     struct dns_answer *ans);
void lookup_note_put(struct lookup_ctx *ctx, const char *zone, const char *qname,
		     const struct dns_answer *ans);

/* lookup_source_name - "dns", "cache", "skipped" or "late". */
const char *lookup_source_name(enum lookup_source source);

#endif
