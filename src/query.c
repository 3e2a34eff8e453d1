/*
 * query.c - `dnswl -q`: why is this client (not) whitelisted?
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "decide.h"
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
		if (lv->outcome == OUTCOME_NOT_ASKED)
			printf("list %s (%s): not asked (no %s)\n", lv->list->zone,
			       lv->list->kind == LIST_IP ? "ip" : "domain",
			       lv->list->kind == LIST_IP ? "usable address" : "verified client name");
		else
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
