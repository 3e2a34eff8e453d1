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
};

struct lookup_result {
	char qname[DNS_NAME_MAX];
	struct dns_answer answer;
	enum lookup_source source;
};

struct lookup_ctx {
	struct cache *cache;	/* NULL: uncached */
	struct dns_pool *pool;	/* the query threads */
};

/* One query of a batch: the list and qname in, the result out. */
struct lookup_query {
	const struct dns_list *list;
	const char *qname;
	struct lookup_result *res;
	bool fresh;		/* a health probe: never from or into the cache */
};

/*
 * lookup_open - set up the resolver and open the cache for cfg.
 * Returns false (reason in err) when the resolver cannot be set up; a
 * cache that cannot be used only means running uncached.
 */
bool lookup_open(struct lookup_ctx *ctx, const struct config *cfg, char *err, size_t errsize);

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

/* lookup_source_name - "dns", "cache" or "skipped". */
const char *lookup_source_name(enum lookup_source source);

#endif
