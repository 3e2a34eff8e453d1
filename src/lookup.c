/*
 * lookup.c - the shared cache in front of the resolver.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "cache.h"
#include "lookup.h"
#include "str.h"

/* lookup_open - resolver state and cache */
bool lookup_open(struct lookup_ctx *ctx, const struct config *cfg, char *err, size_t errsize)
{
	memset(ctx, 0, sizeof(*ctx));
	if (!dns_init(&cfg->dns, err, errsize))
		return false;
	ctx->cache = cache_open(&cfg->cache);
	return true;
}

/* lookup_close - close the cache */
void lookup_close(struct lookup_ctx *ctx)
{
	cache_close(ctx->cache);
	ctx->cache = NULL;
	dns_close();
}

/* lookup_source_name - spelling for logs and -q */
const char *lookup_source_name(enum lookup_source source)
{
	return source == LOOKUP_CACHE ? "cache"
	    : source == LOOKUP_SKIPPED ? "skipped" : "dns";
}

/* lookup_list - cache hit, skipped list, or a fresh DNS answer */
void lookup_list(struct lookup_ctx *ctx, const struct dns_list *list,
		 const char *qname, struct lookup_result *res)
{
	time_t now = time(NULL);

	memset(res, 0, sizeof(*res));
	str_copy(res->qname, sizeof(res->qname), qname);
	if (cache_get(ctx->cache, list->zone, qname, now, &res->answer, NULL)) {
		res->source = LOOKUP_CACHE;
		return;
	}
	if (cache_list_skipped(ctx->cache, list->zone, now)) {
		res->source = LOOKUP_SKIPPED;
		res->answer.status = DNS_SERVFAIL;
		return;
	}
	res->source = LOOKUP_DNS;
	dns_query_a(qname, &res->answer);
	cache_list_result(ctx->cache, list->zone, dns_failed(res->answer.status), time(NULL));
	if (!dns_failed(res->answer.status))
		cache_put(ctx->cache, list->zone, qname, &res->answer, time(NULL));
}

/* lookup_batch - every query (one after another until issue 11) */
void lookup_batch(struct lookup_ctx *ctx, const struct lookup_query *queries, unsigned n)
{
	char qname[DNS_NAME_MAX];

	for (unsigned i = 0; i < n; i++) {
		str_copy(qname, sizeof(qname), queries[i].qname);	/* may be res->qname */
		lookup_list(ctx, queries[i].list, qname, queries[i].res);
	}
}
