/*
 * decide.c - ask every configured list, match, and decide.
 *
 * Kind (IP or domain) only chooses the query name; role (allow or
 * block) is data carried along for the scoring of a later version.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

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

/* decide_warn_codes - refusal and non-127 answers are worth a warning */
static void decide_warn_codes(const struct dns_list *list, const struct dns_answer *ans)
{
	struct in_addr in;
	char text[INET_ADDRSTRLEN];

	for (unsigned i = 0; i < ans->naddr; i++) {
		enum code_class cls = match_classify(ans->addr[i]);

		if (cls == CODE_LISTING)
			continue;
		in.s_addr = htonl(ans->addr[i]);
		inet_ntop(AF_INET, &in, text, sizeof(text));
		msg_warn("list %s returned %s %s: not a listing", list->zone,
			 cls == CODE_REFUSAL ? "refusal code" : "non-127 address", text);
	}
}

/* decide_outcome - what one list's answer means */
static void decide_outcome(struct list_verdict *lv)
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
	decide_warn_codes(lv->list, ans);
	if (match_answer(lv->list, ans, &lv->boost, &refusals, &bogus))
		lv->outcome = OUTCOME_MATCHED;
	else if (refusals + bogus < ans->naddr)
		lv->outcome = OUTCOME_NO_MATCH;
	else
		lv->outcome = refusals > 0 ? OUTCOME_REFUSAL : OUTCOME_BOGUS;
}

/* decide_one - ask one list */
static void decide_one(struct lookup_ctx *ctx, const struct dns_list *list,
		       const char *addr, const char *name, struct list_verdict *lv)
{
	char prefix[DNS_NAME_MAX], qname[DNS_NAME_MAX];

	memset(lv, 0, sizeof(*lv));
	lv->list = list;
	if (!decide_prefix(list, addr, name, prefix, sizeof(prefix))
	    || !dns_list_name(prefix, list->zone, qname, sizeof(qname))) {
		lv->outcome = OUTCOME_NOT_ASKED;
		return;
	}
	lookup_list(ctx, list, qname, &lv->res);
	decide_outcome(lv);
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
	for (unsigned i = 0; i < cfg->nlists; i++) {
		struct list_verdict *lv = &d->lists[d->nlists++];

		decide_one(ctx, &cfg->lists[i], client_addr, client_name, lv);
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
