/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * unit_score.c - unit tests of the scoring (score.c, score_text.c) from
 * hand-made outcomes, printing TAP: totals, the strongest of a list's
 * names, miss scores, the failed-allow-list range, dry run, and the
 * bounds of the reject and header texts.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "decide.h"
#include "dns.h"
#include "score.h"
#include "str.h"

static int ntest, nfail;
static struct config cfg;
static struct decision d;

/* ok - one TAP result */
static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	nfail += !cond;
}

/* add_list - a list of cfg with `ips` (entries get the default weight) */
static void add_list(const char *zone, enum list_kind kind, enum list_role role,
		     double weight, const char *ips)
{
	struct dns_list *l = &cfg.lists[cfg.nlists++];
	char err[256];

	memset(l, 0, sizeof(*l));
	str_copy(l->zone, sizeof(l->zone), zone);
	l->kind = kind;
	l->role = role;
	l->boost = weight;
	if (!cfg_parse_ips(l, ips, err, sizeof(err)))
		printf("# %s: %s\n", zone, err);
	for (unsigned i = 0; i < l->nentries; i++)
		if (!l->entries[i].has_boost)
			l->entries[i].boost = weight;
}

/* reset - no lists, defaults, reject_score */
static void reset(double reject)
{
	cfg_free(&cfg);
	cfg_defaults(&cfg);
	cfg.has_reject_score = reject > 0;
	cfg.reject_score = reject;
	memset(&d, 0, sizeof(d));
}

/* outcome - one query of list i with its outcome (and matched weight) */
static void outcome(unsigned i, unsigned check, enum list_outcome o, double boost)
{
	struct list_verdict *lv = &d.lists[d.nlists++];

	memset(lv, 0, sizeof(*lv));
	lv->list = &cfg.lists[i];
	lv->index = i;
	lv->check = check;
	lv->outcome = o;
	lv->boost = boost;
	lv->res.answer.status = o == OUTCOME_FAILED ? DNS_SERVFAIL
	    : o == OUTCOME_NOT_LISTED ? DNS_NXDOMAIN : DNS_ANSWER;
	if (o == OUTCOME_MATCHED) {
		lv->res.answer.naddr = 1;
		lv->res.answer.addr[0] = 0x7f000002U;
	}
}

/* test_total - block lists add up, reject at the threshold */
static void test_total(void)
{
	char buf[512];

	reset(5);
	add_list("a.bl", LIST_IP, LIST_BLOCK, 3, "127");
	add_list("b.bl", LIST_IP, LIST_BLOCK, 2, "127");
	outcome(0, 0, OUTCOME_MATCHED, 3);
	outcome(1, 0, OUTCOME_MATCHED, 2);
	score_decide(&cfg, &d);
	ok(d.verdict == VERDICT_REJECT && d.total == 5, "3 + 2 at reject_score 5 rejects");
	score_reject_text(&cfg, &d, buf, sizeof(buf));
	ok(strcmp(buf, "REJECT 5.7.1 Service unavailable, listed by a.bl, b.bl") == 0,
	   "reject text names both lists: %s", buf);
	d.nlists = 1;
	score_decide(&cfg, &d);
	ok(d.verdict == VERDICT_NOT_LISTED && d.total == 3, "one hit below: not listed");
	cfg.has_reject_score = false;
	d.nlists = 2;
	score_decide(&cfg, &d);
	ok(d.verdict == VERDICT_NOT_LISTED, "no reject_score: never rejects");
}

/* test_names - a domain list counts once, strongest; miss rules */
static void test_names(void)
{
	reset(10);
	add_list("rhs.bl", LIST_DOMAIN, LIST_BLOCK, 1, "127");
	cfg.lists[0].miss = 0.5;
	outcome(0, CHECK_SENDER, OUTCOME_MATCHED, 2);
	outcome(0, CHECK_HELO, OUTCOME_MATCHED, 4);
	outcome(0, CHECK_CLIENT_NAME, OUTCOME_NOT_LISTED, 0);
	score_decide(&cfg, &d);
	ok(d.total == 4 && d.scores[0].state == SCORE_HIT, "two names: counted once, 4");
	d.nlists = 0;
	outcome(0, CHECK_SENDER, OUTCOME_NOT_LISTED, 0);
	outcome(0, CHECK_HELO, OUTCOME_NOT_ASKED, 0);
	score_decide(&cfg, &d);
	ok(d.total == 0.5 && d.scores[0].state == SCORE_MISS, "NXDOMAIN (+ not asked): miss");
	outcome(0, CHECK_CLIENT_NAME, OUTCOME_FAILED, 0);
	score_decide(&cfg, &d);
	ok(d.total == 0 && d.scores[0].state == SCORE_FAILED, "one name failed: no miss");
	d.nlists = 0;
	outcome(0, CHECK_SENDER, OUTCOME_REFUSAL, 0);
	score_decide(&cfg, &d);
	ok(d.total == 0 && d.scores[0].state == SCORE_NONE, "refusal: no score, no miss");
	d.nlists = 0;
	outcome(0, CHECK_SENDER, OUTCOME_NOT_ASKED, 0);
	score_decide(&cfg, &d);
	ok(d.total == 0, "not asked at all: no miss");
}

/* test_failed_allow - defer only when the failed list could change it */
static void test_failed_allow(void)
{
	reset(5);
	add_list("a.wl", LIST_IP, LIST_ALLOW, -10, "127");
	add_list("b.bl", LIST_IP, LIST_BLOCK, 20, "127");
	add_list("c.wl", LIST_IP, LIST_ALLOW, -20, "127");
	outcome(0, 0, OUTCOME_FAILED, 0);
	outcome(1, 0, OUTCOME_MATCHED, 20);
	score_decide(&cfg, &d);
	ok(d.verdict == VERDICT_REJECT, "rejects even with the failed list's -10");
	d.lists[1].boost = 8;
	score_decide(&cfg, &d);
	ok(d.verdict == VERDICT_TEMPFAIL, "8 - 10 < 5: its answer matters, defer");
	d.lists[1].outcome = OUTCOME_NOT_LISTED;
	score_decide(&cfg, &d);
	ok(d.verdict == VERDICT_TEMPFAIL, "nothing matched: it could give OK, defer");
	outcome(2, 0, OUTCOME_MATCHED, -20);
	score_decide(&cfg, &d);
	ok(d.verdict == VERDICT_WHITELISTED && d.boost == -20, "another allow list: OK");
	reset(5);
	add_list("p.wl", LIST_IP, LIST_ALLOW, 1, "127");
	outcome(0, 0, OUTCOME_FAILED, 0);
	score_decide(&cfg, &d);
	ok(d.verdict == VERDICT_NOT_LISTED, "a failed list that can only add: not listed");
}

/* test_mixed - allow and block on one scale, dry run */
static void test_mixed(void)
{
	reset(5);
	add_list("a.wl", LIST_IP, LIST_ALLOW, -2, "127");
	add_list("b.bl", LIST_IP, LIST_BLOCK, 3, "127");
	outcome(0, 0, OUTCOME_MATCHED, -2);
	outcome(1, 0, OUTCOME_MATCHED, 3);
	score_decide(&cfg, &d);
	ok(d.verdict == VERDICT_NOT_LISTED && d.total == 1 && d.boost == -2,
	   "allow -2 + block 3 = 1: not listed, amavis boost -2");
	d.lists[1].boost = 2;
	score_decide(&cfg, &d);
	ok(d.verdict == VERDICT_WHITELISTED && d.total == 0, "total 0 with an allow match: OK");
	d.lists[1].boost = 7;
	cfg.dry_run = true;
	score_decide(&cfg, &d);
	ok(d.verdict == VERDICT_NOT_LISTED && d.would_reject, "dry run: would reject, not listed");
}

/* test_bounds - the texts stay within their limits */
static void test_bounds(void)
{
	char zone[DNS_NAME_MAX], buf[SCORE_HEADER_MAX + 64], small[64];

	reset(1);
	str_copy(cfg.header, sizeof(cfg.header), "X-DNSWL");
	for (unsigned i = 0; i < CFG_MAX_LISTS; i++) {
		snprintf(zone, sizeof(zone), "%02u.%0190d.example", i, 0);
		add_list(zone, LIST_IP, LIST_BLOCK, 1, "127");
		outcome(i, 0, OUTCOME_MATCHED, 1);
	}
	score_decide(&cfg, &d);
	ok(score_header_text(&cfg, &d, buf, sizeof(buf)), "header text built");
	ok(strlen(buf) - strlen("PREPEND ") <= SCORE_HEADER_MAX, "header at most 998 bytes (%zu)",
	   strlen(buf) - strlen("PREPEND "));
	ok(strlen(buf) > 5 && strcmp(buf + strlen(buf) - 5, "; ...") == 0, "cut at a list: \"; ...\"");
	ok(strchr(buf, '\r') == NULL && strchr(buf, '\n') == NULL, "no CR or LF");
	ok(!score_reject_text(&cfg, &d, buf, sizeof(buf)) || strlen(buf) < 512,
	   "reject text of 32 long zones bounded (%zu bytes)", strlen(buf));
	ok(strstr(buf, "...") != NULL, "reject text cut with ...");
	ok(!score_reject_text(&cfg, &d, small, sizeof(small)) && strlen(small) < sizeof(small),
	   "reject text into a small buffer: false, terminated");
	cfg.header[0] = '\0';
	ok(!score_header_text(&cfg, &d, buf, sizeof(buf)), "no header configured: false");
}

/* test_host_name - the names an RHSBL is asked for */
static void test_host_name(void)
{
	static const char *bad[] = {"[192.0.2.1]", "192.0.2.1", "localhost", "a..example",
		".example.com", "", "exa mple.com", "-", NULL};
	char buf[DNS_NAME_MAX];

	ok(dns_host_name("Mail.Example.COM.", buf, sizeof(buf))
	   && strcmp(buf, "mail.example.com") == 0, "lowercased, trailing dot dropped: %s", buf);
	for (const char **b = bad; *b; b++)
		ok(!dns_host_name(*b, buf, sizeof(buf)), "not a host name: \"%s\"", *b);
	ok(!dns_host_name("mail.example.com", buf, 8), "too long for the buffer");
}

int main(void)
{
	test_host_name();
	test_total();
	test_names();
	test_failed_allow();
	test_mixed();
	test_bounds();
	cfg_free(&cfg);
	printf("1..%d\n", ntest);
	return nfail != 0;
}
