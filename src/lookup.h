/*
 * lookup.h - ask one list about one name: the cache in front of DNS.
 *
 * The decision code never talks to the resolver or the cache directly;
 * it asks lookup_list(), which answers from the shared cache when it
 * can, queries DNS otherwise, and remembers lists that keep failing.
 */
#ifndef DNSWL_LOOKUP_H
#define DNSWL_LOOKUP_H

#include <time.h>

#include "cfg.h"
#include "dns.h"

struct cache;

enum lookup_source {
	LOOKUP_DNS,		/* asked the resolver now */
	LOOKUP_CACHE,		/* answered from the shared cache */
	LOOKUP_SKIPPED,		/* list failing recently: not asked */
};

struct lookup_result {
	char qname[DNS_NAME_MAX];
	struct dns_answer answer;
	enum lookup_source source;
};

struct lookup_ctx {
	struct cache *cache;	/* NULL: uncached */
};

/* One query of a batch: the list and qname in, the result out. */
struct lookup_query {
	const struct dns_list *list;
	const char *qname;
	struct lookup_result *res;
};

/* lookup_batch - answer every query (each *res filled). */
void lookup_batch(struct lookup_ctx *ctx, const struct lookup_query *queries, unsigned n);

/*
 * lookup_open - set up the resolver and open the cache for cfg.
 * Returns false (reason in err) when the resolver cannot be set up; a
 * cache that cannot be used only means running uncached.
 */
bool lookup_open(struct lookup_ctx *ctx, const struct config *cfg, char *err, size_t errsize);

/* lookup_close - release what lookup_open took. */
void lookup_close(struct lookup_ctx *ctx);

/*
 * lookup_list - ask `list` for qname; always fills *res.  A skipped
 * list reports status DNS_SERVFAIL with source LOOKUP_SKIPPED.
 */
void lookup_list(struct lookup_ctx *ctx, const struct dns_list *list,
		 const char *qname, struct lookup_result *res);

/* lookup_source_name - "dns", "cache" or "skipped". */
const char *lookup_source_name(enum lookup_source source);

#endif
