/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * query.c - `dnswl -q`: why is this client (not) whitelisted?
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "decide.h"
#include "dns.h"
#include "score.h"
#include "serve.h"
#include "str.h"

/* query_not_asked - why a list was not asked, in words */
static void query_not_asked(const struct list_verdict *lv, const struct client *c,
			    char *buf, size_t size)
{
	char shown[DNS_NAME_MAX + 8], domain[DNS_NAME_MAX];
	const char *what = lv->list->kind == LIST_IP ? c->address
	    : lv->check == CHECK_SENDER ? c->sender : lv->check == CHECK_HELO ? c->helo
	    : lv->check == CHECK_REVERSE_NAME ? c->reverse_name : c->name;

	str_printable(shown, sizeof(shown), what ? what : "");
	if (lv->list->kind == LIST_IP)
		snprintf(buf, size, dns_reverse_ip(c->address, domain, sizeof(domain))
			 ? "query name too long" : "%s is not an IPv4 or IPv6 address", shown);
	else if (what == NULL || *what == '\0' || strcmp(what, "unknown") == 0)
		snprintf(buf, size, "no %s", lv->check ? cfg_check_name(lv->check)
			 : "verified client name");
	else if (lv->check == 0 && !dns_registrable_domain(what, domain, sizeof(domain)))
		snprintf(buf, size, "%s has no registrable domain: a public suffix, "
			 "an address or not a host name", shown);
	else if (lv->check != 0)
		snprintf(buf, size, "%s is not a host name (or the query name is too long)",
			 shown);
	else
		snprintf(buf, size, "query name for %s too long", domain);
}

/* query_health_why - why a list's answer does not count (fully) */
static const char *query_health_why(enum list_health h)
{
	static const char *why[] = {
		"list health unknown (no probe has found it healthy yet)",
		"list healthy",
		"the list lists every address (its RFC 5782 probe 127.0.0.1 or invalid is listed)",
		"the list lists nothing (its RFC 5782 test point 127.0.0.2 or test is not listed)",
		"the list answers refusal codes",
	};

	return why[h];
}

/* query_list - one query's line */
static void query_list(const struct decision *d, const struct list_verdict *lv,
		       const struct client *c)
{
	char text[512] = "", what[64];

	snprintf(what, sizeof(what), "%s%s%s%s", lv->list->kind == LIST_IP ? "ip" : "domain",
		 lv->list->role == LIST_ALLOW ? "" : " block", lv->check ? " " : "",
		 lv->check ? cfg_check_name(lv->check) : "");
	if (lv->outcome == OUTCOME_NOT_ASKED) {
		query_not_asked(lv, c, text, sizeof(text));
		printf("list %s (%s): not asked (%s)\n", lv->list->zone, what, text);
		return;
	}
	if (!decision_asked(lv)) {
		printf("list %s (%s): not asked: %s\n", lv->list->zone, what,
		       query_health_why(d->health[lv->index]));
		return;
	}
	decision_answer_text(lv, text, sizeof(text));
	printf("list %s (%s): query %s answer %s from %s: %s\n", lv->list->zone, what,
	       lv->res.qname, text, lookup_source_name(lv->res.source),
	       outcome_name(lv->outcome));
	if (lv->outcome == OUTCOME_MATCHED)
		printf("  %s %.1f\n", lv->list->role == LIST_ALLOW ? "boost" : "score", lv->boost);
	else if (d->scores[lv->index].state == SCORE_MISS && lv->outcome == OUTCOME_NOT_LISTED)
		printf("  miss %.1f\n", d->scores[lv->index].points);
	else if (lv->outcome == OUTCOME_DISABLED || lv->outcome == OUTCOME_IGNORED)
		printf("  answer ignored: %s\n", query_health_why(d->health[lv->index]));
	else if (lv->outcome == OUTCOME_NOT_LISTED && d->health[lv->index] == HEALTH_LISTS_NONE
		 && lv->list->role == LIST_BLOCK && lv->list->miss != 0)
		printf("  miss %.1f not applied: %s\n", lv->list->miss,
		       query_health_why(HEALTH_LISTS_NONE));
}

/* query_checks - one line per enabled check */
static void query_checks(const struct decision *d)
{
	for (unsigned i = 0; i < CK_COUNT; i++) {
		const struct check_result *r = &d->checks[i];

		if (r->state == CKS_OFF)
			continue;
		printf("check %s: %s", cfg_check_key(i), check_state_name(r->state));
		if (r->state == CKS_FIRED)
			printf(", score %.1f", r->points);
		else if (r->state == CKS_FAILED)
			printf(" (a lookup failed: scores nothing)");
		printf("\n");
	}
}

/* query_sum - the arithmetic: each list's points, the total, the thresholds */
static void query_sum(const struct config *cfg, const struct decision *d)
{
	unsigned n = 0;

	printf("total:");
	for (unsigned i = 0; i < cfg->nlists; i++)
		if (d->scores[i].state == SCORE_HIT || d->scores[i].state == SCORE_MISS)
			printf(" %+.1f (%s %s)", d->scores[i].points, cfg->lists[i].zone,
			       score_state_name(d->scores[i].state)), n++;
	for (unsigned i = 0; i < CK_COUNT; i++)
		if (d->checks[i].state == CKS_FIRED)
			printf(" %+.1f (%s)", d->checks[i].points, cfg_check_key(i)), n++;
	printf(n ? " = %.1f" : " %.1f (nothing scored)", d->total);
	if (cfg->has_reject_score)
		printf("; reject_score %.1f: %s", cfg->reject_score,
		       d->would_reject ? "reached" : "not reached");
	else
		printf("; no reject_score: never rejects");
	printf("%s\n", d->would_reject && cfg->dry_run ? " (dry_run: not rejected)" : "");
}

/* query_field - pre, value with control bytes replaced, post (no value: nothing) */
static void query_field(const char *pre, const char *value, const char *post)
{
	char shown[2 * DNS_NAME_MAX];

	if (value == NULL)
		return;
	str_printable(shown, sizeof(shown), value);
	printf("%s%s%s", pre, shown, post);
}

/* query_client_line - the names asked about */
static void query_client_line(const struct client *c)
{
	query_field("client ", c->address, "");
	query_field(" name ", c->name ? c->name : "unknown", "");
	query_field(" helo ", c->helo, "");
	query_field(" sender <", c->sender, ">");
	query_field(" recipient <", c->recipient, ">");
	printf("\n");
}

/* query_client - print every query's answer, the sum and the decision */
int query_client(const struct config *cfg, struct lookup_ctx *ctx, const struct client *c)
{
	static const char *verdicts[] = {"whitelisted", "not listed", "lookup failed",
		"rejected"};
	static struct decision d;
	char buf[CFG_ACTION_MAX + 512];

	decide(ctx, cfg, c, &d);
	query_client_line(c);
	for (unsigned i = 0; i < d.nlists; i++)
		query_list(&d, &d.lists[i], c);
	query_checks(&d);
	query_sum(cfg, &d);
	printf("decision: %s, boost %.1f, action=%s\n", verdicts[d.verdict],
	       d.boost, decision_action(cfg, &d, buf, sizeof(buf)));
	return 0;
}
