/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_dns.c - the client checks that ask DNS: helo_mismatch (the
 * HELO's A/AAAA against the client address) and sender_bad_domain (the
 * sender domain's MX, null MX, MX hosts' addresses, A/AAAA).
 *
 * Their first queries ride in the request's one batch; only the MX
 * hosts' addresses are a second batch.  The sender verdict is cached as
 * a note (CHECK_ZONE_MX) with the MX answer's TTL, so a cached domain
 * costs no query at all.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <string.h>

#include "check.h"
#include "decide.h"
#include "str.h"

/* check_query - one query of a check */
struct lookup_query check_query(const char *zone, const char *qname, int qtype,
				       struct lookup_result *res, struct dns_rdata *mx)
{
	str_copy(res->qname, sizeof(res->qname), qname);
	return (struct lookup_query) {zone, res->qname, res, qtype, mx, true, false};
}

/* check_sender_domain - the sender's domain as a host name, into buf */
bool check_sender_domain(const struct client *c, char *buf, size_t size)
{
	const char *at = c->sender ? strrchr(c->sender, '@') : NULL;

	return at != NULL && dns_host_name(at + 1, buf, size);
}

/* rdata_clear - an empty dns_rdata; its 5 KiB of text stay untouched */
static void rdata_clear(struct dns_rdata *rd)
{
	rd->nhost = rd->ntxt = 0;
	rd->null_mx = false;
	rd->txtlen = 0;
	rd->txt[0] = '\0';
}

/*
 * check_lookups_clear - zero *lk but for the text of its two dns_rdata,
 * read only up to their counts: 10 KiB that a memset would dirty in
 * every process.
 */
static void check_lookups_clear(struct check_lookups *lk)
{
	memset(lk, 0, offsetof(struct check_lookups, hosts));
	rdata_clear(&lk->hosts);
	memset(lk->host, 0, sizeof(lk->host));
	lk->spf_domain[0] = '\0';
	memset(&lk->spf_txt, 0, sizeof(lk->spf_txt));
	rdata_clear(&lk->spf_rd);
}

/* check_queries - the first-batch queries of helo_mismatch, sender_bad_domain */
unsigned check_queries(struct lookup_ctx *ctx, const struct config *cfg,
		       const struct client *c, struct check_lookups *lk,
		       struct lookup_query *q)
{
	struct dns_answer note;
	unsigned n = 0;

	check_lookups_clear(lk);
	if (cfg->checks.score[CK_HELO_MISMATCH] != 0 && check_known(c->helo)
	    && dns_host_name(c->helo, lk->helo, sizeof(lk->helo))) {
		q[n++] = check_query(CHECK_ZONE_A, lk->helo, ns_t_a, &lk->helo_a, NULL);
		q[n++] = check_query(CHECK_ZONE_AAAA, lk->helo, ns_t_aaaa, &lk->helo_aaaa, NULL);
	} else
		lk->helo[0] = '\0';	/* dns_host_name may have left junk */
	n += check_spf_queries(cfg, c, lk, q + n);
	if (cfg->checks.score[CK_SENDER_BAD_DOMAIN] == 0
	    || !check_sender_domain(c, lk->domain, sizeof(lk->domain))) {
		lk->domain[0] = '\0';
		return n;
	}
	if (lookup_note_get(ctx, CHECK_ZONE_MX, lk->domain, &note) && note.naddr == 1) {
		lk->noted = true;
		lk->noted_bad = note.addr[0] != 0;
		return n;
	}
	q[n++] = check_query(CHECK_ZONE_MX, lk->domain, ns_t_mx, &lk->mx, &lk->hosts);
	q[n++] = check_query(CHECK_ZONE_A, lk->domain, ns_t_a, &lk->dom_a, NULL);
	q[n++] = check_query(CHECK_ZONE_AAAA, lk->domain, ns_t_aaaa, &lk->dom_aaaa, NULL);
	return n;
}

/* check_is_private - loopback, RFC 1918, ULA, link-local, unspecified */
bool check_is_private(const uint32_t *a, unsigned words)
{
	uint32_t v4 = a[words == 4 ? 3 : 0];

	if (words == 4 && !(a[0] == 0 && a[1] == 0 && (a[2] == 0 || a[2] == 0xffff)))
		return (a[0] >> 25) == (0xfc000000u >> 25)	/* fc00::/7 */
		    || (a[0] >> 22) == (0xfe800000u >> 22);	/* fe80::/10 */
	if (words == 4 && a[2] == 0)
		return v4 <= 1;					/* :: and ::1 */
	return (v4 >> 24) == 127 || (v4 >> 24) == 10 || (v4 >> 24) == 0
	    || (v4 >> 20) == (0xac100000u >> 20)		/* 172.16/12 */
	    || (v4 >> 16) == 0xc0a8 || (v4 >> 16) == 0xa9fe;	/* 192.168, 169.254 */
}

/* check_has_address - does the answer hold the address (words of it)? */
static bool check_has_address(const struct dns_answer *ans, const uint32_t *a, unsigned words)
{
	if (ans->status != DNS_ANSWER)
		return false;
	for (unsigned i = 0; i + words <= ans->naddr; i += words)
		if (memcmp(&ans->addr[i], a, words * sizeof(uint32_t)) == 0)
			return true;
	return false;
}

/* check_client_words - the client address as answer words; how many */
static unsigned check_client_words(const char *address, uint32_t *a)
{
	unsigned char b[16];

	if (inet_pton(AF_INET, address, b) == 1) {
		a[0] = (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16 | (uint32_t) b[2] << 8 | b[3];
		return 1;
	}
	if (inet_pton(AF_INET6, address, b) != 1)
		return 0;
	for (unsigned w = 0; w < 4; w++)
		a[w] = (uint32_t) b[4 * w] << 24 | (uint32_t) b[4 * w + 1] << 16
		    | (uint32_t) b[4 * w + 2] << 8 | b[4 * w + 3];
	return 4;
}

/* check_same_domain - HELO and verified client name share a registrable domain */
static bool check_same_domain(const struct client *c, const char *helo)
{
	char a[DNS_NAME_MAX], b[DNS_NAME_MAX];

	return check_known(c->name) && dns_registrable_domain(helo, a, sizeof(a))
	    && dns_registrable_domain(c->name, b, sizeof(b)) && strcmp(a, b) == 0;
}

/* check_helo_mismatch - the HELO's addresses miss the client, other domain */
static enum check_state check_helo_mismatch(const struct client *c,
					    const struct check_lookups *lk)
{
	uint32_t a[4];
	unsigned words;

	if (lk->helo[0] == '\0')
		return CKS_NA;
	words = check_client_words(c->address, a);
	if (words == 0
	    || check_has_address(words == 1 ? &lk->helo_a.answer : &lk->helo_aaaa.answer, a, words))
		return CKS_CLEAR;
	if (dns_failed(lk->helo_a.answer.status) || dns_failed(lk->helo_aaaa.answer.status))
		return CKS_FAILED;
	return check_same_domain(c, lk->helo) ? CKS_CLEAR : CKS_FIRED;
}

/* check_follow_ups - the MX hosts' A and AAAA, one second batch */
static void check_follow_ups(struct lookup_ctx *ctx, struct check_lookups *lk)
{
	struct lookup_query q[CHECK_MAX_FOLLOW];
	unsigned n = 0;

	for (unsigned i = 0; i < lk->hosts.nhost; i++) {
		q[n] = check_query(CHECK_ZONE_A, lk->hosts.host[i], ns_t_a, &lk->host[n], NULL);
		n++;
		q[n] = check_query(CHECK_ZONE_AAAA, lk->hosts.host[i], ns_t_aaaa, &lk->host[n],
				   NULL);
		n++;
	}
	lookup_batch(ctx, q, n);
}

/* check_answer_public - does an A/AAAA answer hold a public address? */
static bool check_answer_public(const struct dns_answer *ans, unsigned words)
{
	if (ans->status != DNS_ANSWER)
		return false;
	for (unsigned i = 0; i + words <= ans->naddr; i += words)
		if (!check_is_private(&ans->addr[i], words))
			return true;
	return false;
}

/* check_mx_hosts - every MX host's addresses private (fired), a public one (clear) */
static enum check_state check_mx_hosts(const struct check_lookups *lk)
{
	bool failed = false, any = false;

	for (unsigned i = 0; i < 2 * lk->hosts.nhost; i++) {
		const struct dns_answer *ans = &lk->host[i].answer;

		if (check_answer_public(ans, i % 2 ? 4 : 1))
			return CKS_CLEAR;
		failed |= dns_failed(ans->status);
		any |= ans->status == DNS_ANSWER;
	}
	return failed ? CKS_FAILED : any ? CKS_FIRED : CKS_CLEAR;
}

/* check_no_mx - no MX: an A or AAAA record saves the domain */
static enum check_state check_no_mx(const struct check_lookups *lk)
{
	if (lk->dom_a.answer.status == DNS_ANSWER || lk->dom_aaaa.answer.status == DNS_ANSWER)
		return CKS_CLEAR;
	if (dns_failed(lk->dom_a.answer.status) || dns_failed(lk->dom_aaaa.answer.status))
		return CKS_FAILED;
	return CKS_FIRED;
}

/* check_sender - sender_bad_domain from the answers (asks the MX hosts) */
static enum check_state check_sender(struct lookup_ctx *ctx, struct check_lookups *lk)
{
	const struct dns_answer *mx = &lk->mx.answer;

	if (lk->domain[0] == '\0')
		return CKS_NA;
	if (lk->noted)
		return lk->noted_bad ? CKS_FIRED : CKS_CLEAR;
	if (dns_failed(mx->status))
		return CKS_FAILED;
	if (mx->status != DNS_ANSWER)
		return check_no_mx(lk);
	if (lk->hosts.null_mx && lk->hosts.nhost == 0)
		return CKS_FIRED;
	check_follow_ups(ctx, lk);
	return check_mx_hosts(lk);
}

/* check_note - cache the sender verdict with the MX answer's TTL */
static void check_note(struct lookup_ctx *ctx, const struct check_lookups *lk,
		       enum check_state state)
{
	struct dns_answer note = {DNS_ANSWER, 1, {state == CKS_FIRED}, lk->mx.answer.ttl};

	if (!lk->noted && (state == CKS_FIRED || state == CKS_CLEAR))
		lookup_note_put(ctx, CHECK_ZONE_MX, lk->domain, &note);
}

/* check_finish - the DNS checks' results, then the local ones */
double check_finish(struct lookup_ctx *ctx, const struct config *cfg,
		    const struct client *c, struct check_lookups *lk,
		    struct check_result *out)
{
	double total = 0;
	enum check_state st;

	memset(out, 0, CK_COUNT * sizeof(*out));
	check_local(cfg, c, out);
	if (cfg->checks.score[CK_HELO_MISMATCH] != 0)
		out[CK_HELO_MISMATCH].state = check_helo_mismatch(c, lk);
	if (cfg->checks.score[CK_SENDER_BAD_DOMAIN] != 0) {
		out[CK_SENDER_BAD_DOMAIN].state = st = check_sender(ctx, lk);
		check_note(ctx, lk, st);
	}
	check_spf(ctx, cfg, c, lk, out);
	for (unsigned i = 0; i < CK_COUNT; i++) {
		out[i].points = out[i].state == CKS_FIRED ? cfg->checks.score[i] : 0;
		total += out[i].points;
	}
	return total;
}
