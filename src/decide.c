/*
 * decide.c - ask every configured list, match, and decide.
 *
 * Every list's query name is built first and all are asked in one
 * lookup_batch() (at once); the outcomes are then taken in list order.
 * Kind (IP or domain) only chooses the query name; role (allow or
 * block) is data carried along for the scoring of a later version.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>
#include <time.h>

#include "decide.h"
#include "match.h"
#include "msg.h"
#include "str.h"

/* outcome_name - log spelling of a list outcome */
const char *outcome_name(enum list_outcome outcome)
{
	static const char *names[] = {"match", "notlisted", "nomatch",
		"refusal", "bogus", "failed", "not-asked"};

	return names[outcome];
}

/* known - a real value, not absent or Postfix's "unknown" */
static bool known(const char *s)
{
	return s != NULL && *s != '\0' && strcmp(s, "unknown") != 0;
}

/* decide_prefix - the query name's first part for this list kind */
static bool decide_prefix(const struct dns_list *list, const char *addr,
			  const char *name, char *buf, size_t size)
{
	if (list->kind == LIST_IP)
		return known(addr) && dns_reverse_ip(addr, buf, size);
	return known(name) && dns_registrable_domain(name, buf, size);
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

/* decide_name - the list's query name into lv->res.qname; false: not asked */
static bool decide_name(const struct dns_list *list, const char *addr,
			const char *name, struct list_verdict *lv)
{
	char prefix[DNS_NAME_MAX];

	memset(lv, 0, sizeof(*lv));
	lv->list = list;
	if (!decide_prefix(list, addr, name, prefix, sizeof(prefix))
	    || !dns_list_name(prefix, list->zone, lv->res.qname, sizeof(lv->res.qname))) {
		lv->res.qname[0] = '\0';
		lv->outcome = OUTCOME_NOT_ASKED;
		return false;
	}
	return true;
}

/* decide_ask - every list's query, all in one batch */
static void decide_ask(struct lookup_ctx *ctx, const struct config *cfg,
		       const char *addr, const char *name, struct decision *d)
{
	struct lookup_query q[CFG_MAX_LISTS];
	unsigned n = 0;

	for (unsigned i = 0; i < cfg->nlists; i++) {
		struct list_verdict *lv = &d->lists[d->nlists++];

		if (decide_name(&cfg->lists[i], addr, name, lv))
			q[n++] = (struct lookup_query) {lv->list, lv->res.qname, &lv->res};
	}
	lookup_batch(ctx, q, n);
}

/* decide - every list, then the verdict */
void decide(struct lookup_ctx *ctx, const struct config *cfg,
	    const char *client_addr, const char *client_name, struct decision *d)
{
	bool matched = false, failed = false;

	memset(d, 0, sizeof(*d));
	if (!known(client_addr)) {
		d->verdict = VERDICT_NOT_LISTED;
		return;
	}
	decide_ask(ctx, cfg, client_addr, client_name, d);
	for (unsigned i = 0; i < d->nlists; i++) {
		struct list_verdict *lv = &d->lists[i];

		if (lv->outcome == OUTCOME_NOT_ASKED)
			continue;
		decide_outcome(cfg, lv);
		if (lv->outcome == OUTCOME_MATCHED && lv->list->role == LIST_ALLOW) {
			matched = true;
			d->boost += lv->boost;
		}
		failed |= lv->outcome == OUTCOME_FAILED;
	}
	d->verdict = matched ? VERDICT_WHITELISTED
	    : failed ? VERDICT_TEMPFAIL : VERDICT_NOT_LISTED;
}

/* decision_action - configured action for the verdict */
const char *decision_action(const struct config *cfg, const struct decision *d)
{
	switch (d->verdict) {
	case VERDICT_WHITELISTED:
		return cfg->action_ok;
	case VERDICT_TEMPFAIL:
		return cfg->action_defer;
	default:
		return cfg->action_dunno;
	}
}

/* answer_text - codes or status of one list's answer */
static bool answer_text(const struct list_verdict *lv, char *buf, size_t size)
{
	const struct dns_answer *ans = &lv->res.answer;
	struct in_addr in;
	char text[INET_ADDRSTRLEN];

	if (lv->outcome == OUTCOME_NOT_ASKED)
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

/* decision_lists_text - "ZONE=ANSWER:SOURCE[:EXTRA]" for every list */
bool decision_lists_text(const struct decision *d, char *buf, size_t size)
{
	bool ok = true;

	for (unsigned i = 0; i < d->nlists; i++) {
		const struct list_verdict *lv = &d->lists[i];

		ok &= str_appendf(buf, size, "%s%s=", i ? " " : "", lv->list->zone);
		ok &= answer_text(lv, buf, size);
		if (lv->outcome != OUTCOME_NOT_ASKED)
			ok &= str_appendf(buf, size, ":%s", lookup_source_name(lv->res.source));
		if (lv->outcome == OUTCOME_MATCHED)
			ok &= str_appendf(buf, size, ":%.1f", lv->boost);
		else if (lv->outcome == OUTCOME_NO_MATCH || lv->outcome == OUTCOME_REFUSAL
			 || lv->outcome == OUTCOME_BOGUS)
			ok &= str_appendf(buf, size, ":%s", outcome_name(lv->outcome));
	}
	return ok;
}
