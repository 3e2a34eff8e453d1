/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * decide.c - ask every configured list, match, and decide.
 *
 * Every query name is built first (an IP list asks the reversed
 * client address, an allow domain list the verified client name's
 * registrable domain, a block domain list one full name per `check`)
 * and all are asked in one lookup_batch(); score.c weighs the outcomes.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#include "decide.h"
#include "health.h"
#include "match.h"
#include "msg.h"
#include "score.h"
#include "str.h"

/* outcome_name - log spelling of a list outcome */
const char *outcome_name(enum list_outcome outcome)
{
	static const char *names[] = {"match", "notlisted", "nomatch",
		"refusal", "bogus", "failed", "not-asked", "disabled", "ignored"};

	return names[outcome];
}

/* known - a real value, not absent or Postfix's "unknown" */
static bool known(const char *s)
{
	return s != NULL && *s != '\0' && strcmp(s, "unknown") != 0;
}

/* decide_domain - the name a domain list looks up for one check */
static bool decide_domain(const struct dns_list *list, unsigned check,
			  const struct client *c, char *buf, size_t size)
{
	const char *at;

	if (list->role == LIST_ALLOW)
		return known(c->name) && dns_registrable_domain(c->name, buf, size);
	switch (check) {
	case CHECK_SENDER:
		at = c->sender ? strrchr(c->sender, '@') : NULL;
		return at != NULL && dns_host_name(at + 1, buf, size);
	case CHECK_HELO:
		return known(c->helo) && dns_host_name(c->helo, buf, size);
	case CHECK_CLIENT_NAME:
		return known(c->name) && dns_host_name(c->name, buf, size);
	default:
		return known(c->reverse_name) && dns_host_name(c->reverse_name, buf, size);
	}
}

/* decide_prefix - the query name's first part for this list and check */
static bool decide_prefix(const struct dns_list *list, unsigned check,
			  const struct client *c, char *buf, size_t size)
{
	if (list->kind == LIST_IP)
		return known(c->address) && dns_reverse_ip(c->address, buf, size);
	return decide_domain(list, check, c, buf, size);
}

/* One warning about a list's odd codes per this many seconds and process. */
#define DECIDE_WARN_EVERY	600

/* decide_warn_due - time for another warning about this list? */
static bool decide_warn_due(const struct config *cfg, const struct dns_list *list)
{
	static time_t last[CFG_MAX_LISTS];
	size_t i = (size_t) (list - cfg->lists);
	time_t now = time(NULL);

	if (i >= CFG_MAX_LISTS || (last[i] != 0 && now - last[i] < DECIDE_WARN_EVERY))
		return false;
	last[i] = now;
	return true;
}

/* decide_warn_codes - refusal and non-127 answers are worth a warning */
static void decide_warn_codes(const struct config *cfg, const struct dns_list *list,
			      const struct dns_answer *ans)
{
	struct in_addr in;
	char text[INET_ADDRSTRLEN];
	bool due = false;

	for (unsigned i = 0; i < ans->naddr; i++) {
		enum code_class cls = match_classify(ans->addr[i]);

		if (cls == CODE_LISTING)
			continue;
		if (!due && !(due = decide_warn_due(cfg, list)))
			return;
		in.s_addr = htonl(ans->addr[i]);
		inet_ntop(AF_INET, &in, text, sizeof(text));
		msg_warn("list %s returned %s %s: not a listing (warned once per %d min "
			 "per process)", list->zone, cls == CODE_REFUSAL ? "refusal code"
			 : "non-127 address", text, DECIDE_WARN_EVERY / 60);
	}
}

/* decide_outcome - what one list's answer means */
static void decide_outcome(const struct config *cfg, struct list_verdict *lv)
{
	const struct dns_answer *ans = &lv->res.answer;
	unsigned refusals, bogus;

	if (dns_failed(ans->status)) {
		lv->outcome = OUTCOME_FAILED;
		return;
	}
	if (ans->status != DNS_ANSWER) {
		lv->outcome = OUTCOME_NOT_LISTED;
		return;
	}
	decide_warn_codes(cfg, lv->list, ans);
	if (match_answer(lv->list, ans, &lv->boost, &refusals, &bogus))
		lv->outcome = OUTCOME_MATCHED;
	else if (refusals + bogus < ans->naddr)
		lv->outcome = OUTCOME_NO_MATCH;
	else
		lv->outcome = refusals > 0 ? OUTCOME_REFUSAL : OUTCOME_BOGUS;
}

/* decide_name - the query name into lv->res.qname; false: not asked */
static bool decide_name(const struct config *cfg, unsigned index, unsigned check,
			const struct client *c, struct list_verdict *lv)
{
	const struct dns_list *list = &cfg->lists[index];
	char prefix[DNS_NAME_MAX];

	memset(lv, 0, sizeof(*lv));
	lv->list = list;
	lv->index = index;
	lv->check = list->role == LIST_BLOCK ? check : 0;
	if (!decide_prefix(list, check, c, prefix, sizeof(prefix))
	    || !dns_list_name(prefix, list->zone, lv->res.qname, sizeof(lv->res.qname))) {
		lv->res.qname[0] = '\0';
		lv->outcome = OUTCOME_NOT_ASKED;
		return false;
	}
	return true;
}

/* decide_repeat - does an earlier query of the same list ask this name? */
static bool decide_repeat(const struct decision *d, const struct list_verdict *lv)
{
	for (unsigned i = 0; i + 1 < d->nlists; i++)
		if (d->lists[i].list == lv->list && strcmp(d->lists[i].res.qname, lv->res.qname) == 0)
			return true;
	return false;
}

/* decide_checks - the checks of a list: one query each (IP lists: one) */
static unsigned decide_checks(const struct dns_list *list, unsigned *bits)
{
	unsigned n = 0;

	if (list->kind == LIST_IP || list->role == LIST_ALLOW) {
		bits[0] = list->kind == LIST_IP ? 0 : CHECK_CLIENT_NAME;
		return 1;
	}
	for (unsigned b = 1; b < 1u << CHECK_KINDS; b <<= 1)
		if (list->check & b)
			bits[n++] = b;
	return n;
}

/* decide_ask - every list's queries and due health probes, in one batch */
static void decide_ask(struct lookup_ctx *ctx, const struct config *cfg,
		       const struct client *c, struct decision *d, struct health_view *hv)
{
	/* static as decide's hv: 10 KiB less stack under the lookups */
	static struct lookup_query q[DECIDE_MAX_QUERIES + 2 * CFG_MAX_LISTS + CHECK_MAX_QUERIES];
	unsigned n = 0, bits[CHECK_KINDS];

	for (unsigned i = 0; i < cfg->nlists; i++) {
		for (unsigned k = 0, nk = decide_checks(&cfg->lists[i], bits); k < nk; k++) {
			struct list_verdict *lv = &d->lists[d->nlists++];

			if (!decide_name(cfg, i, bits[k], c, lv))
				continue;
			if (decide_repeat(d, lv))
				d->nlists--;
			else if (!health_asked(hv, i))
				lv->outcome = OUTCOME_DISABLED;
			else
				q[n++] = (struct lookup_query) {lv->list->zone, lv->res.qname, &lv->res,
					0, NULL, false, false};
		}
	}
	n = health_queries(cfg, hv, q, n);
	n += check_queries(ctx, cfg, c, &d->ck, q + n);
	lookup_batch(ctx, q, n);
	health_finish(ctx, cfg, hv);
}

/* decide_health - ignore what a list not known healthy said; then note
 * refusals (they disable the list from the next request on) */
static void decide_health(struct lookup_ctx *ctx, const struct config *cfg,
			  struct decision *d, struct health_view *hv)
{
	for (unsigned i = 0; i < d->nlists; i++) {
		struct list_verdict *lv = &d->lists[i];

		/* a failure stays one: unknown is not disabled (an allow list defers) */
		if (lv->outcome == OUTCOME_NOT_ASKED || lv->outcome == OUTCOME_DISABLED
		    || (lv->outcome == OUTCOME_FAILED && health_asked(hv, lv->index)))
			continue;
		if (!health_asked(hv, lv->index))
			lv->outcome = OUTCOME_DISABLED;
		else if (!health_counts(hv, lv->index))
			lv->outcome = OUTCOME_IGNORED;
	}
	for (unsigned i = 0; i < d->nlists; i++)
		if (d->lists[i].outcome == OUTCOME_REFUSAL)
			health_refusal(ctx, cfg, hv, d->lists[i].index, &d->lists[i].res.answer);
	for (unsigned i = 0; i < cfg->nlists; i++) {
		d->health[i] = hv->state[i];
		d->probed[i] = !hv->off[i];
	}
}

/*
 * decision_clear - zero *d but for lists[] and ck, which decide_name and
 * check_queries fill per query: their 60 KiB are not touched on every
 * request (a new connection would pay them in page faults).
 */
static void decision_clear(struct decision *d)
{
	d->verdict = 0;
	d->boost = d->total = d->check_total = 0;
	d->would_reject = false;
	d->nlists = 0;
	memset(d->scores, 0, sizeof(d->scores));
	memset(d->health, 0, sizeof(d->health));
	memset(d->probed, 0, sizeof(d->probed));
	memset(d->checks, 0, sizeof(d->checks));
}

/* decide - every list, then the score and verdict */
void decide(struct lookup_ctx *ctx, const struct config *cfg,
	    const struct client *client, struct decision *d)
{
	/* Static, not on the stack: its 21 KiB would push every callee's
	 * frame five pages deeper, dirty for the process's life.  Only the
	 * main thread decides. */
	static struct health_view hv;

	decision_clear(d);
	if (!known(client->address)) {
		d->verdict = VERDICT_NOT_LISTED;
		return;
	}
	lookup_begin(ctx);	/* one deadline for every lookup of the request */
	health_plan(ctx, cfg, &hv, time(NULL));
	decide_ask(ctx, cfg, client, d, &hv);
	for (unsigned i = 0; i < d->nlists; i++)
		if (d->lists[i].outcome != OUTCOME_NOT_ASKED
		    && d->lists[i].outcome != OUTCOME_DISABLED)
			decide_outcome(cfg, &d->lists[i]);
	decide_health(ctx, cfg, d, &hv);
	d->check_total = check_finish(ctx, cfg, client, &d->ck, d->checks);
	lookup_end(ctx);
	score_decide(cfg, d);
}

/* decision_action - configured action for the verdict */
const char *decision_action(const struct config *cfg, const struct decision *d,
			    char *buf, size_t size)
{
	switch (d->verdict) {
	case VERDICT_REJECT:
		score_reject_text(cfg, d, buf, size);
		return buf;
	case VERDICT_WHITELISTED:
		return cfg->action_ok;
	case VERDICT_TEMPFAIL:
		return cfg->action_defer;
	default:
		return cfg->action_dunno;
	}
}

/* decision_asked - was the query sent (or answered from the cache)? */
bool decision_asked(const struct list_verdict *lv)
{
	/* a disabled list's query keeps its zeroed answer: DNS_ANSWER, none */
	return lv->outcome != OUTCOME_NOT_ASKED
	    && !(lv->outcome == OUTCOME_DISABLED && lv->res.answer.status == DNS_ANSWER
		 && lv->res.answer.naddr == 0);
}

/* decision_answer_text - codes or status of one query's answer */
bool decision_answer_text(const struct list_verdict *lv, char *buf, size_t size)
{
	const struct dns_answer *ans = &lv->res.answer;
	struct in_addr in;
	char text[INET_ADDRSTRLEN];

	if (!decision_asked(lv))
		return str_appendf(buf, size, "not-asked");
	if (ans->status != DNS_ANSWER)
		return str_appendf(buf, size, "%s", dns_status_name(ans->status));
	for (unsigned i = 0; i < ans->naddr; i++) {
		in.s_addr = htonl(ans->addr[i]);
		inet_ntop(AF_INET, &in, text, sizeof(text));
		if (!str_appendf(buf, size, "%s%s", i ? "," : "", text))
			return false;
	}
	return true;
}

/* decision_points_text - "+2.0", "miss+0.5" or nothing */
bool decision_points_text(const struct decision *d, const struct list_verdict *lv,
			  char *buf, size_t size)
{
	const struct list_score *s = &d->scores[lv->index];

	if (lv->outcome == OUTCOME_MATCHED)
		return str_appendf(buf, size, "%+.1f", lv->boost);
	if (s->state == SCORE_MISS && lv->outcome == OUTCOME_NOT_LISTED)
		return str_appendf(buf, size, "miss%+.1f", s->points);
	return true;
}

/* decision_lists_text - "ZONE[CHECK]=ANSWER:SOURCE[:EXTRA]" for every query */
bool decision_lists_text(const struct decision *d, char *buf, size_t size)
{
	bool ok = true;

	for (unsigned i = 0; i < d->nlists; i++) {
		const struct list_verdict *lv = &d->lists[i];
		char points[64] = "";

		ok &= str_appendf(buf, size, "%s%s", i ? " " : "", lv->list->zone);
		if (lv->check)
			ok &= str_appendf(buf, size, "[%s]", cfg_check_name(lv->check));
		ok &= str_appendf(buf, size, "=") && decision_answer_text(lv, buf, size);
		if (decision_asked(lv))
			ok &= str_appendf(buf, size, ":%s", lookup_source_name(lv->res.source));
		decision_points_text(d, lv, points, sizeof(points));
		if (*points)
			ok &= str_appendf(buf, size, ":%s", points);
		else if (lv->outcome == OUTCOME_NO_MATCH || lv->outcome == OUTCOME_REFUSAL
			 || lv->outcome == OUTCOME_BOGUS)
			ok &= str_appendf(buf, size, ":%s", outcome_name(lv->outcome));
		else if (lv->outcome == OUTCOME_DISABLED || lv->outcome == OUTCOME_IGNORED)
			ok &= str_appendf(buf, size, ":%s(%s)", outcome_name(lv->outcome),
					  cache_health_name(d->health[lv->index]));
	}
	return ok;
}
