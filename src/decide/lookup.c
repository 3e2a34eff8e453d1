/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lookup.c - the shared cache in front of the resolver threads.
 *
 * Everything here runs on the calling (main) thread: the cache module
 * is not thread-safe.  Only the misses cross to the pool's threads, as
 * (qname, answer) jobs, and come back before the cache is written.
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include "cache.h"
#include "dns_pool.h"
#include "lookup.h"
#include "str.h"

/* Misses sent in one go: every query of a request (a domain block list
 * asks one per checked name). */
#define LOOKUP_CHUNK	CFG_MAX_QUERIES

/* lookup_open - query threads (none started yet) and cache */
bool lookup_open(struct lookup_ctx *ctx, const struct config *cfg, char *err, size_t errsize)
{
	memset(ctx, 0, sizeof(*ctx));
	if ((ctx->pool = dns_pool_new(&cfg->dns, err, errsize)) == NULL)
		return false;
	ctx->cache = cache_open(&cfg->cache);
	ctx->bound_ms = 1000L * (long) cfg->dns.timeout * (long) cfg->dns.attempts;
	return true;
}

/* lookup_begin - the request's one deadline */
void lookup_begin(struct lookup_ctx *ctx)
{
	ctx->deadline_ms = dns_now_ms() + ctx->bound_ms;
	if (ctx->deadline_ms == 0)
		ctx->deadline_ms = 1;	/* 0 means none */
}

/* lookup_end - no deadline between requests */
void lookup_end(struct lookup_ctx *ctx)
{
	ctx->deadline_ms = 0;
}

/* lookup_expired - past the request's deadline */
bool lookup_expired(const struct lookup_ctx *ctx)
{
	return ctx->deadline_ms != 0 && dns_now_ms() >= ctx->deadline_ms;
}

/* lookup_close - close the cache, stop the threads */
void lookup_close(struct lookup_ctx *ctx)
{
	cache_close(ctx->cache);
	ctx->cache = NULL;
	dns_pool_free(ctx->pool);
	ctx->pool = NULL;
}

/* lookup_source_name - spelling for logs and -q */
const char *lookup_source_name(enum lookup_source source)
{
	return source == LOOKUP_CACHE ? "cache" : source == LOOKUP_SKIPPED ? "skipped"
	    : source == LOOKUP_LATE ? "late" : "dns";
}

/* lookup_local - answer from the cache or the failing-list memory */
static bool lookup_local(struct lookup_ctx *ctx, const struct lookup_query *q, time_t now)
{
	struct lookup_result *res = q->res;

	if (res->qname != q->qname)
		str_copy(res->qname, sizeof(res->qname), q->qname);
	memset(&res->answer, 0, sizeof(res->answer));
	if (!q->fresh && (q->mx == NULL
			  ? cache_get(ctx->cache, q->zone, q->qname, now, &res->answer, NULL)
			  : cache_get_data(ctx->cache, q->zone, q->qname, now, &res->answer, q->mx))) {
		res->source = LOOKUP_CACHE;
		return true;
	}
	if (!q->check && cache_list_skipped(ctx->cache, q->zone, now, &res->answer.status)) {
		res->source = LOOKUP_SKIPPED;
		return true;
	}
	res->source = LOOKUP_DNS;
	return false;
}

/* lookup_record - remember a fresh answer and the list's health */
static void lookup_record(struct lookup_ctx *ctx, const struct lookup_query *q, bool late,
			  time_t now)
{
	const struct dns_answer *ans = &q->res->answer;

	if (late) {
		q->res->source = LOOKUP_LATE;
		return;
	}
	if (!q->check)
		cache_list_result(ctx->cache, q->zone, ans->status, now);
	if (dns_failed(ans->status) || q->fresh)
		return;
	if (q->mx == NULL)
		cache_put(ctx->cache, q->zone, q->qname, ans, now);
	else
		cache_put_data(ctx->cache, q->zone, q->qname, ans, q->mx, q->qtype == ns_t_txt, now);
}

/* lookup_chunk - up to LOOKUP_CHUNK queries: local answers, then DNS */
static void lookup_chunk(struct lookup_ctx *ctx, const struct lookup_query *queries, unsigned n)
{
	struct dns_pool_job jobs[LOOKUP_CHUNK];
	const struct lookup_query *sent[LOOKUP_CHUNK];
	unsigned m = 0;
	time_t now = time(NULL);

	for (unsigned i = 0; i < n; i++) {
		if (lookup_local(ctx, &queries[i], now))
			continue;
		jobs[m] = (struct dns_pool_job) {queries[i].res->qname, &queries[i].res->answer,
			queries[i].qtype, queries[i].mx, false, queries[i].fresh};
		sent[m++] = &queries[i];
	}
	dns_pool_run(ctx->pool, jobs, m, ctx->deadline_ms);
	now = time(NULL);
	for (unsigned i = 0; i < m; i++)
		lookup_record(ctx, sent[i], jobs[i].late, now);
}

/* lookup_note_get - a check's summary from the cache */
bool lookup_note_get(struct lookup_ctx *ctx, const char *zone, const char *qname,
		     struct dns_answer *ans)
{
	memset(ans, 0, sizeof(*ans));
	return cache_get(ctx->cache, zone, qname, time(NULL), ans, NULL);
}

/* lookup_note_put - remember a check's summary */
void lookup_note_put(struct lookup_ctx *ctx, const char *zone, const char *qname,
		     const struct dns_answer *ans)
{
	cache_put(ctx->cache, zone, qname, ans, time(NULL));
}

/* lookup_batch - every query, misses at once */
void lookup_batch(struct lookup_ctx *ctx, const struct lookup_query *queries, unsigned n)
{
	for (unsigned i = 0; i < n; i += LOOKUP_CHUNK)
		lookup_chunk(ctx, queries + i, n - i < LOOKUP_CHUNK ? n - i : LOOKUP_CHUNK);
}
