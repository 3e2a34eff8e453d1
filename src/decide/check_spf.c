/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_spf.c - the spf_* checks with libspf2, its DNS ours.
 *
 * libspf2 asks DNS through a pluggable layer (SPF_dns_server_t); ours
 * answers each of its lookups with lookup_batch(): the shared cache for
 * A and AAAA (the pseudo-lists of check.h), the pool's resolver threads
 * for everything, the configured servers and timeouts.  The first TXT
 * (the sender domain's, or the HELO's for the null sender) rides in the
 * request's one batch; the follow-ups (include:, redirect=, a, mx, ptr,
 * exists) are asked one at a time, cached like every answer, none once
 * the request's deadline (lookup_begin: the same for every lookup of the
 * request) has passed, after one timed out, or past
 * CHECK_SPF_MAX_LOOKUPS: then the result is a temporary error and the
 * spf_* checks fail.  libspf2
 * logs through msg.h (never stderr).
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "check.h"
#include "decide.h"
#include "msg.h"
#include "str.h"

/* check_spf_enabled - any spf_* score set */
bool check_spf_enabled(const struct config *cfg)
{
	for (unsigned i = CK_SPF_PASS; i <= CK_SPF_NONE; i++)
		if (cfg->checks.score[i] != 0)
			return true;
	return false;
}

/* check_spf_queries - the TXT that SPF asks first, in the first batch */
unsigned check_spf_queries(const struct config *cfg, const struct client *c,
			   struct check_lookups *lk, struct lookup_query *q)
{
	bool ok;

	if (!check_spf_enabled(cfg))
		return 0;
	if (c->sender != NULL && *c->sender != '\0')
		ok = check_sender_domain(c, lk->spf_domain, sizeof(lk->spf_domain));
	else
		ok = check_known(c->helo) && dns_host_name(c->helo, lk->spf_domain, sizeof(lk->spf_domain));
	if (!ok) {
		lk->spf_domain[0] = '\0';
		return 0;
	}
	q[0] = check_query(CHECK_ZONE_TXT, lk->spf_domain, ns_t_txt, &lk->spf_txt, &lk->spf_rd);
	return 1;
}

#ifndef HAVE_SPF

/* check_spf - built without libspf2: the keys are refused at load */
void check_spf(struct lookup_ctx *ctx, const struct config *cfg, const struct client *c,
	       struct check_lookups *lk, struct check_result *out)
{
	(void) ctx, (void) cfg, (void) c, (void) lk, (void) out;
}

#else

#include <spf2/spf.h>

/* What our DNS layer needs during one evaluation. */
struct spf_hook {
	struct lookup_ctx *ctx;
	struct check_lookups *lk;
	bool timed_out;		/* a lookup waited its whole time */
	unsigned asked;
	bool bound_hit;		/* a lookup refused: out of time or lookups */
	bool failed;		/* a lookup failed (SERVFAIL, timeout...) */
};

static struct spf_hook spf_now;

/* spf_herrno - h_errno for a lookup status */
static SPF_dns_stat_t spf_herrno(enum dns_status status)
{
	return status == DNS_ANSWER ? NETDB_SUCCESS : status == DNS_NXDOMAIN ? HOST_NOT_FOUND
	    : status == DNS_NODATA ? NO_DATA : TRY_AGAIN;
}

/* spf_put - one RR's bytes into rr slot i; false: out of memory */
static bool spf_put(SPF_dns_rr_t *rr, int i, const void *data, size_t len)
{
	if (SPF_dns_rr_buf_realloc(rr, i, len) != SPF_E_SUCCESS)
		return false;
	memcpy(rr->rr[i], data, len);
	rr->num_rr = i + 1;
	return true;
}

/* spf_fill_addrs - A (1 word) or AAAA (4 words) records */
static void spf_fill_addrs(SPF_dns_rr_t *rr, const struct dns_answer *ans, unsigned words)
{
	unsigned char b[16];

	for (unsigned i = 0, n = 0; i + words <= ans->naddr; i += words, n++) {
		for (unsigned w = 0; w < words; w++) {
			uint32_t v = ans->addr[i + w];

			b[4 * w] = (unsigned char) (v >> 24), b[4 * w + 1] = (unsigned char) (v >> 16);
			b[4 * w + 2] = (unsigned char) (v >> 8), b[4 * w + 3] = (unsigned char) v;
		}
		if (!spf_put(rr, (int) n, b, 4 * words))
			return;
	}
}

/* spf_fill_names - MX hosts or TXT records */
static void spf_fill_names(SPF_dns_rr_t *rr, const struct dns_rdata *rd, ns_type type)
{
	const char *p = rd->txt;

	if (type == ns_t_mx || type == ns_t_ptr) {
		for (unsigned i = 0; i < rd->nhost; i++)
			if (!spf_put(rr, (int) i, rd->host[i], strlen(rd->host[i]) + 1))
				return;
		return;
	}
	for (unsigned i = 0; i < rd->ntxt; i++, p += strlen(p) + 1)
		if (!spf_put(rr, (int) i, p, strlen(p) + 1))
			return;
}

/* spf_rr - libspf2's RR set from one of our answers */
static SPF_dns_rr_t *spf_rr(SPF_dns_server_t *s, const char *domain, ns_type type,
			    const struct lookup_result *res, const struct dns_rdata *rd)
{
	SPF_dns_rr_t *rr = SPF_dns_rr_new_init(s, domain, type, (int) res->answer.ttl,
					       spf_herrno(res->answer.status));

	spf_now.failed |= dns_failed(res->answer.status);
	if (rr == NULL || res->answer.status != DNS_ANSWER)
		return rr;
	if (type == ns_t_a || type == ns_t_aaaa)
		spf_fill_addrs(rr, &res->answer, type == ns_t_a ? 1 : 4);
	else
		spf_fill_names(rr, rd, type);
	if (rr->num_rr == 0)
		rr->herrno = NO_DATA;
	return rr;
}

/* spf_zone - the cache pseudo-list of a query type */
static const char *spf_zone(ns_type type)
{
	return type == ns_t_a ? CHECK_ZONE_A : type == ns_t_aaaa ? CHECK_ZONE_AAAA
	    : type == ns_t_mx ? CHECK_ZONE_MX : type == ns_t_ptr ? CHECK_ZONE_PTR : CHECK_ZONE_TXT;
}

/* spf_lookup - libspf2 asks: answer through lookup_batch, within the bound */
static SPF_dns_rr_t *spf_lookup(SPF_dns_server_t *s, const char *domain, ns_type type,
				int should_cache)
{
	static struct lookup_result res;
	static struct dns_rdata rd;
	struct check_lookups *lk = spf_now.lk;
	struct lookup_query q;
	bool names = type == ns_t_mx || type == ns_t_txt || type == ns_t_ptr;

	(void) should_cache;
	if (type == ns_t_txt && strcasecmp(domain, lk->spf_domain) == 0)
		return spf_rr(s, domain, type, &lk->spf_txt, &lk->spf_rd);
	if ((!names && type != ns_t_a && type != ns_t_aaaa) || strlen(domain) >= DNS_NAME_MAX)
		return SPF_dns_rr_new_init(s, domain, type, 0, HOST_NOT_FOUND);
	if (spf_now.timed_out || spf_now.asked >= CHECK_SPF_MAX_LOOKUPS
	    || lookup_expired(spf_now.ctx)) {
		spf_now.bound_hit = true;
		return SPF_dns_rr_new_init(s, domain, type, 0, TRY_AGAIN);
	}
	spf_now.asked++;
	q = check_query(spf_zone(type), domain, type, &res, names ? &rd : NULL);
	lookup_batch(spf_now.ctx, &q, 1);
	if (res.answer.status == DNS_TIMEOUT) {
		spf_now.timed_out = true;	/* it waited the time it had */
		spf_now.bound_hit |= res.source == LOOKUP_LATE;
	}
	return spf_rr(s, domain, type, &res, &rd);
}

/* spf_log_error - libspf2's fatal errors (never returns) */
static _Noreturn void spf_log_error(const char *file, int line, const char *msg)
{
	msg_fatal("libspf2: %s:%d: %s", file ? file : "?", line, msg ? msg : "");
}

/* spf_log_warning - libspf2's warnings into our log */
static void spf_log_warning(const char *file, int line, const char *msg)
{
	(void) file, (void) line;
	msg_warn("libspf2: %s", msg ? msg : "");
}

/* spf_server - the libspf2 server over our DNS layer, made once */
static SPF_server_t *spf_server(void)
{
	static SPF_dns_server_t layer;
	static SPF_server_t *server;

	if (server != NULL)
		return server;
	SPF_error_handler = spf_log_error;
	SPF_warning_handler = spf_log_warning;
	SPF_info_handler = NULL;
	SPF_debug_handler = NULL;
	layer.lookup = spf_lookup;
	layer.name = "dnswl";
	server = SPF_server_new_dns(&layer, 0);
	return server;
}

/* spf_request - a request for the client; NULL: nothing to evaluate */
static SPF_request_t *spf_request(SPF_server_t *server, const struct client *c)
{
	SPF_request_t *req = SPF_request_new(server);
	unsigned char b[16];
	SPF_errcode_t e;

	if (req == NULL)
		return NULL;
	e = inet_pton(AF_INET, c->address, b) == 1 ? SPF_request_set_ipv4_str(req, c->address)
	    : SPF_request_set_ipv6_str(req, c->address);
	if (e == SPF_E_SUCCESS && check_known(c->helo))
		e = SPF_request_set_helo_dom(req, c->helo);
	if (e == SPF_E_SUCCESS && c->sender != NULL && *c->sender != '\0'
	    && SPF_request_set_env_from(req, c->sender) != 0)
		e = SPF_E_INVALID_CHAR;
	if (e != SPF_E_SUCCESS) {
		SPF_request_free(req);
		return NULL;
	}
	return req;
}

/* spf_result - libspf2's verdict for the request, or SPF_RESULT_TEMPERROR */
static SPF_result_t spf_result(SPF_request_t *req)
{
	SPF_response_t *resp = NULL;
	SPF_errcode_t e = SPF_request_query_mailfrom(req, &resp);
	SPF_result_t r = resp != NULL ? SPF_response_result(resp) : SPF_RESULT_TEMPERROR;

	SPF_response_free(resp);
	if (spf_now.bound_hit || e == SPF_E_DNS_ERROR)
		return SPF_RESULT_TEMPERROR;
	/* a failed lookup leaves only a definite pass, fail or softfail */
	if (spf_now.failed && r != SPF_RESULT_PASS && r != SPF_RESULT_FAIL
	    && r != SPF_RESULT_SOFTFAIL)
		return SPF_RESULT_TEMPERROR;
	return r;
}

/* spf_set - the spf_* results: one fires, or every enabled one fails */
static void spf_set(const struct config *cfg, SPF_result_t r, struct check_result *out)
{
	enum check_id fired = r == SPF_RESULT_PASS ? CK_SPF_PASS : r == SPF_RESULT_FAIL
	    ? CK_SPF_FAIL : r == SPF_RESULT_SOFTFAIL ? CK_SPF_SOFTFAIL
	    : r == SPF_RESULT_NONE ? CK_SPF_NONE : CK_COUNT;

	for (unsigned i = CK_SPF_PASS; i <= CK_SPF_NONE; i++)
		if (cfg->checks.score[i] != 0)
			out[i].state = r == SPF_RESULT_TEMPERROR ? CKS_FAILED
			    : i == fired ? CKS_FIRED : CKS_CLEAR;
}

/* check_spf - evaluate SPF for the client, HELO and sender */
void check_spf(struct lookup_ctx *ctx, const struct config *cfg, const struct client *c,
	       struct check_lookups *lk, struct check_result *out)
{
	SPF_server_t *server;
	SPF_request_t *req;

	if (!check_spf_enabled(cfg) || lk->spf_domain[0] == '\0')
		return;
	if ((server = spf_server()) == NULL || (req = spf_request(server, c)) == NULL) {
		spf_set(cfg, SPF_RESULT_NEUTRAL, out);
		return;
	}
	spf_now = (struct spf_hook) {ctx, lk, false, 0, false, false};
	spf_set(cfg, spf_result(req), out);
	SPF_request_free(req);
}

#endif
