/*
 * query.c - `dnswl -q`: why is this client (not) whitelisted?
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "decide.h"
#include "dns.h"
#include "serve.h"
#include "str.h"

/* query_answer - the answer of one list in words */
static void query_answer(const struct list_verdict *lv, char *buf, size_t size)
{
	struct decision one = {.nlists = 1};
	char text[512] = "", *eq;

	one.lists[0] = *lv;
	decision_lists_text(&one, text, sizeof(text));
	eq = strchr(text, '=');
	str_copy(buf, size, eq ? eq + 1 : text);
}

/* query_not_asked - why a list was not asked, in words */
static void query_not_asked(const struct list_verdict *lv, const char *address,
			    const char *name, char *buf, size_t size)
{
	char shown[DNS_NAME_MAX + 8], domain[DNS_NAME_MAX];
	const char *what = lv->list->kind == LIST_IP ? address : name;

	str_printable(shown, sizeof(shown), what ? what : "");
	if (lv->list->kind == LIST_IP)
		snprintf(buf, size, dns_reverse_ip(address, domain, sizeof(domain))
			 ? "query name too long" : "%s is not an IPv4 or IPv6 address", shown);
	else if (name == NULL || strcmp(name, "unknown") == 0)
		snprintf(buf, size, "no verified client name");
	else if (!dns_registrable_domain(name, domain, sizeof(domain)))
		snprintf(buf, size, "%s has no registrable domain: a public suffix, "
			 "an address or not a host name", shown);
	else
		snprintf(buf, size, "query name for %s too long", domain);
}

/* query_client - print every list's answer and the decision */
int query_client(const struct config *cfg, struct lookup_ctx *ctx,
		 const char *address, const char *name)
{
	static const char *verdicts[] = {"whitelisted", "not listed", "lookup failed"};
	struct decision d;
	char text[512];

	decide(ctx, cfg, address, name, &d);
	printf("client %s name %s\n", address, name ? name : "unknown");
	for (unsigned i = 0; i < d.nlists; i++) {
		const struct list_verdict *lv = &d.lists[i];

		query_answer(lv, text, sizeof(text));
		if (lv->outcome == OUTCOME_NOT_ASKED) {
			query_not_asked(lv, address, name, text, sizeof(text));
			printf("list %s (%s): not asked (%s)\n", lv->list->zone,
			       lv->list->kind == LIST_IP ? "ip" : "domain", text);
		} else
			printf("list %s (%s): query %s answer %s from %s: %s\n",
			       lv->list->zone, lv->list->kind == LIST_IP ? "ip" : "domain",
			       lv->res.qname, strtok(text, ":"),
			       lookup_source_name(lv->res.source), outcome_name(lv->outcome));
		if (lv->outcome == OUTCOME_MATCHED)
			printf("  boost %.1f\n", lv->boost);
	}
	printf("decision: %s, boost %.1f, action=%s\n", verdicts[d.verdict], d.boost,
	       decision_action(cfg, &d));
	return 0;
}
