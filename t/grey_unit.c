/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grey_unit.c - unit tests of the greylist's pure parts, printing TAP:
 * sender normalisation, network keys, triplet keys, exempt recipients
 * and the record rules (new, early, passed, known, auto-whitelist).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "grey_cfg.h"
#include "grey_key.h"
#include "grey_state.h"

static int ntest, nfail;

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

/* sender - normalise s, "FAIL" on false */
static const char *sender(const char *s)
{
	static char buf[GREY_ADDR_MAX + 1];

	return grey_sender_normal(s, buf, sizeof(buf)) ? buf : "FAIL";
}

/* is_sender - s normalises to want */
static void is_sender(const char *s, const char *want)
{
	const char *got = sender(s);

	ok(strcmp(got, want) == 0, "sender \"%s\" -> \"%s\"", s ? s : "(null)", want);
	if (strcmp(got, want) != 0)
		printf("# got \"%s\"\n", got);
}

/* test_sender - the normaliser */
static void test_sender(void)
{
	char longer[400];

	is_sender(NULL, "<>");
	is_sender("", "<>");
	is_sender("John.Doe@Example.COM", "john.doe@example.com");
	is_sender("alice+news@example.com", "alice@example.com");
	is_sender("alice+other-tag@example.com", "alice@example.com");
	is_sender("+only@example.com", "+only@example.com");
	is_sender("prvs=1234abcdef=bob@example.com", "bob@example.com");
	is_sender("msprvs1=17123abcd=bob@example.com", "bob@example.com");
	is_sender("SRS0=HHH=TT=orig.example=carol@forwarder.example", "carol@orig.example");
	is_sender("SRS0+HHH=TT=orig.example=carol@forwarder.example", "carol@orig.example");
	is_sender("SRS1=HHH=fwd1.example==HHH=TT=orig.example=carol@fwd2.example",
		  "carol@orig.example");
	is_sender("bounce-12345@lists.example", "bounce-#@lists.example");
	is_sender("bounce-67890@lists.example", "bounce-#@lists.example");
	is_sender("msg-a1b2c3d4e5f6@esp.example", "msg-#@esp.example");
	is_sender("msg-0f9e8d7c6b5a@esp.example", "msg-#@esp.example");
	is_sender("dave@mail2.example", "dave@mail2.example");
	is_sender("dead.beef@example.com", "dead.beef@example.com");
	is_sender("list-bounces+eve=example.org@lists.example", "list-bounces@lists.example");
	is_sender("no-domain", "no-domain");
	is_sender("trailing@", "trailing@");
	is_sender("prvs=1a=prvs=2b=bob@example.com", "bob@example.com");
	is_sender("@", "FAIL");
	is_sender("<>+x", "FAIL");
	is_sender("a b@example.com", "FAIL");
	is_sender("a\tb@example.com", "FAIL");
	memset(longer, 'x', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	is_sender(longer, "FAIL");
}

/* net - the network key, "FAIL" on false */
static const char *net(const char *addr, unsigned v4, unsigned v6)
{
	static char buf[GREY_NET_MAX];

	return grey_network(addr, v4, v6, buf, sizeof(buf)) ? buf : "FAIL";
}

/* test_network - prefixes of both families */
static void test_network(void)
{
	ok(strcmp(net("192.0.2.77", 24, 64), "192.0.2.0/24") == 0, "IPv4 /24");
	ok(strcmp(net("192.0.2.77", 32, 64), "192.0.2.77/32") == 0, "IPv4 /32");
	ok(strcmp(net("192.0.2.77", 20, 64), "192.0.0.0/20") == 0, "IPv4 /20");
	ok(strcmp(net("2001:db8:1:2:3:4:5:6", 24, 64), "2001:db8:1:2::/64") == 0, "IPv6 /64");
	ok(strcmp(net("2001:db8:1:2:3:4:5:6", 24, 48), "2001:db8:1::/48") == 0, "IPv6 /48");
	ok(strcmp(net("2001:db8::1", 24, 128), "2001:db8::1/128") == 0, "IPv6 /128");
	ok(strcmp(net("unknown", 24, 64), "FAIL") == 0, "unknown refused");
	ok(strcmp(net("192.0.2", 24, 64), "FAIL") == 0, "short IPv4 refused");
}

/* test_triplet - keys, lower case, the hashed long form */
static void test_triplet(void)
{
	char key[GREY_KEY_MAX + 1], key2[GREY_KEY_MAX + 1], rcpt[300];

	ok(grey_triplet_key("192.0.2.0/24", "a@b", "Bob@Example.ORG", key, sizeof(key))
	   && strcmp(key, "192.0.2.0/24 a@b bob@example.org") == 0, "triplet key");
	ok(!grey_triplet_key("192.0.2.0/24", "a@b", "", key, sizeof(key)), "empty recipient");
	ok(!grey_triplet_key("192.0.2.0/24", "a@b", "x\ny@z", key, sizeof(key)), "control refused");
	memset(rcpt, 'r', sizeof(rcpt) - 1);
	rcpt[sizeof(rcpt) - 1] = '\0';
	ok(grey_triplet_key("192.0.2.0/24", "a@b", rcpt, key, sizeof(key))
	   && strlen(key) == GREY_KEY_MAX, "long triplet hashed to %u bytes", GREY_KEY_MAX);
	rcpt[sizeof(rcpt) - 2] = 's';
	ok(grey_triplet_key("192.0.2.0/24", "a@b", rcpt, key2, sizeof(key2))
	   && strcmp(key, key2) != 0, "long triplets differing at the end differ");
}

/* test_exempt - recipient exemptions */
static void test_exempt(void)
{
	const char *list = "postmaster@, abuse@ @noc.example,  ops@example.com";
	char why[64];

	ok(grey_exempt_recipient(list, "Postmaster@example.org", why, sizeof(why))
	   && strcmp(why, "postmaster@") == 0, "postmaster@ any domain");
	ok(grey_exempt_recipient(list, "abuse@x.example", why, sizeof(why)), "abuse@");
	ok(!grey_exempt_recipient(list, "abuser@x.example", why, sizeof(why)), "abuser@ is not abuse@");
	ok(grey_exempt_recipient(list, "anyone@noc.example", why, sizeof(why)), "@domain");
	ok(!grey_exempt_recipient(list, "anyone@sub.noc.example", why, sizeof(why)), "@domain exact");
	ok(grey_exempt_recipient(list, "OPS@example.com", why, sizeof(why)), "full address");
	ok(!grey_exempt_recipient(list, "ops@example.net", why, sizeof(why)), "other domain");
	ok(!grey_exempt_recipient(list, NULL, why, sizeof(why)), "no recipient");
}

/* test_rules - the record rules with a hand-driven clock */
static void test_rules(void)
{
	struct grey_settings s = {.delay = 300, .retry_window = 1000, .max_age = 5000,
		.auto_whitelist = 2};
	struct grey_trip t = {0};
	struct grey_net n = {0};
	struct grey_step st;

	grey_trip_step(&s, false, &t, 100, &st);
	ok(st.kind == GREY_NEW && t.first == 100, "new");
	grey_trip_step(&s, true, &t, 250, &st);
	ok(st.kind == GREY_EARLY && st.secs == 150 && t.first == 100, "early keeps first seen");
	grey_trip_step(&s, true, &t, 399, &st);
	ok(st.kind == GREY_EARLY && st.secs == 1, "early at delay - 1");
	grey_trip_step(&s, true, &t, 400, &st);
	ok(st.kind == GREY_PASSED && st.secs == 300 && t.passed == 400, "passed at delay");
	grey_trip_step(&s, true, &t, 5400, &st);
	ok(st.kind == GREY_KNOWN, "known within max_age");
	grey_trip_step(&s, true, &t, 10401, &st);
	ok(st.kind == GREY_NEW, "unused past max_age: new");
	grey_trip_step(&s, true, &t, 11402, &st);
	ok(st.kind == GREY_NEW && t.first == 11402, "first retry past retry_window starts over");
	grey_net_pass(&s, false, &n, 100);
	grey_net_pass(&s, true, &n, 200);
	ok(n.count == 1 && !grey_net_listed(&s, true, &n, 300), "passes counted once an hour");
	grey_net_pass(&s, true, &n, 100 + GREY_COUNT_INTERVAL);
	ok(n.count == 2 && grey_net_listed(&s, true, &n, 4000), "auto-whitelisted after 2");
	ok(!grey_net_listed(&s, true, &n, 3700 + 5001), "auto-whitelist expires");
	s.auto_whitelist = 0;
	ok(!grey_net_listed(&s, true, &n, 4000), "auto_whitelist 0 is off");
}

int main(void)
{
	test_sender();
	test_network();
	test_triplet();
	test_exempt();
	test_rules();
	printf("1..%d\n", ntest);
	return nfail != 0;
}
