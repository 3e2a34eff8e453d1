/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * unit_core.c - unit tests of dnswl's pure parts, printing TAP: query
 * names, registrable domains, `ips` parsing, answer matching, the
 * string helpers and the classification of hand-built DNS replies.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "dns.h"
#include "match.h"
#include "match_filter.h"
#include "str.h"

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

/* is_str - a string result */
static void is_str(const char *got, const char *want, const char *what)
{
	ok(strcmp(got, want) == 0, "%s: \"%s\"", what, want);
	if (strcmp(got, want) != 0)
		printf("# got \"%s\"\n", got);
}

/* reverse - dns_reverse_ip into a static buffer, "FAIL" on false */
static const char *reverse(const char *addr, size_t size)
{
	static char buf[128];

	return dns_reverse_ip(addr, buf, size) ? buf : "FAIL";
}

/* test_reverse - IPv4, IPv6 and junk */
static void test_reverse(void)
{
	is_str(reverse("192.0.2.1", 128), "1.2.0.192", "reverse IPv4");
	is_str(reverse("127.0.0.2", 128), "2.0.0.127", "reverse 127.0.0.2");
	is_str(reverse("2001:db8::1", 128),
	       "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2",
	       "reverse IPv6 (32 nibbles)");
	is_str(reverse("::ffff:192.0.2.1", 128),
	       "1.0.2.0.0.0.0.c.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0",
	       "reverse IPv4-mapped IPv6");
	is_str(reverse("192.0.2", 128), "FAIL", "short IPv4 refused");
	is_str(reverse("192.0.2.256", 128), "FAIL", "octet 256 refused");
	is_str(reverse("unknown", 128), "FAIL", "\"unknown\" refused");
	is_str(reverse("", 128), "FAIL", "empty refused");
	is_str(reverse("1.2.3.4 ", 128), "FAIL", "trailing space refused");
	is_str(reverse("2001:db8::1", 20), "FAIL", "IPv6 into a small buffer refused");
	is_str(reverse("192.0.2.1", 9), "FAIL", "IPv4 into a small buffer refused");
}

/* list_name - dns_list_name result, "FAIL" on false */
static const char *list_name(const char *prefix, const char *zone)
{
	static char buf[DNS_NAME_MAX];

	return dns_list_name(prefix, zone, buf, sizeof(buf)) ? buf : "FAIL";
}

/* test_list_name - join and DNS name limits */
static void test_list_name(void)
{
	char label63[64], label64[65], long_prefix[300];

	memset(label63, 'a', 63);
	label63[63] = '\0';
	memset(label64, 'a', 64);
	label64[64] = '\0';
	is_str(list_name("1.2.0.192", "list.dnswl.org"), "1.2.0.192.list.dnswl.org",
	       "list name joined");
	ok(strcmp(list_name(label63, "x.test"), "FAIL") != 0, "63-byte label accepted");
	is_str(list_name(label64, "x.test"), "FAIL", "64-byte label refused");
	is_str(list_name("", "x.test"), "FAIL", "empty prefix refused");
	is_str(list_name("a", ""), "FAIL", "empty zone refused");
	is_str(list_name("a..b", "x.test"), "FAIL", "empty label refused");
	is_str(list_name("a", "x.test."), "FAIL", "trailing dot refused");
	/* 4 labels of 63 + dots = 255 > 253 */
	snprintf(long_prefix, sizeof(long_prefix), "%s.%s.%s", label63, label63, label63);
	is_str(list_name(long_prefix, label63), "FAIL", "name over 253 bytes refused");
	snprintf(long_prefix, sizeof(long_prefix), "%s.%s.%s", label63, label63, label63);
	long_prefix[191 - 1] = '\0';	/* 190 + 1 + 62 = 253 */
	label63[62] = '\0';
	ok(strcmp(list_name(long_prefix, label63), "FAIL") != 0, "253-byte name accepted");
}

/* regdom - dns_registrable_domain result, "FAIL" on false */
static const char *regdom(const char *host)
{
	static char buf[DNS_NAME_MAX];

	return dns_registrable_domain(host, buf, sizeof(buf)) ? buf : "FAIL";
}

/* test_registrable - libpsl */
static void test_registrable(void)
{
	is_str(regdom("mx.example.com"), "example.com", "registrable of mx.example.com");
	is_str(regdom("a.b.mail.example.co.uk"), "example.co.uk", "registrable under co.uk");
	is_str(regdom("MX.Example.COM"), "example.com", "registrable lowercased");
	is_str(regdom("example.com"), "example.com", "registrable of itself");
	is_str(regdom("co.uk"), "FAIL", "bare public suffix refused");
	is_str(regdom("com"), "FAIL", "TLD refused");
	is_str(regdom("192.0.2.1"), "FAIL", "IPv4 literal refused");
	is_str(regdom("unknown"), "FAIL", "\"unknown\" refused");
	is_str(regdom(""), "FAIL", "empty refused");
	is_str(regdom("a..example.com"), "FAIL", "empty label refused");
	is_str(regdom("bad host.example.com"), "FAIL", "space refused");
	is_str(regdom("x.example.com\r\n"), "FAIL", "CR/LF refused");
}

/* parse - cfg_parse_ips into list (freeing its earlier entries) */
static bool parse(struct dns_list *list, const char *value, char *err)
{
	list->boost = -10.0;
	err[0] = '\0';
	return cfg_parse_ips(list, value, err, 256);
}

/* filter - match_filter_parse then match_filter_format into a static buffer */
static const char *filter(const char *text, uint64_t *size)
{
	static char buf[MATCH_FILTER_TEXT_MAX];
	struct match_filter f;

	if (!match_filter_parse(text, &f, buf, sizeof(buf)))
		return *size = 0, "FAIL";
	*size = match_filter_size(&f);
	match_filter_format(&f, buf, sizeof(buf));
	return buf;
}

/* filter_fails - match_filter_parse refuses text, saying something */
static void filter_fails(const char *text, const char *why)
{
	struct match_filter f;
	char err[256] = "";

	ok(!match_filter_parse(text, &f, err, sizeof(err)) && strstr(err, text) != NULL,
	   "%s refused: %s", why, err);
}

/* filter_is - the formatted filter and the count of addresses it covers */
static void filter_is(const char *text, const char *want, uint64_t want_size)
{
	uint64_t size;

	is_str(filter(text, &size), want, text);
	ok(size == want_size, "%s covers %llu addresses", text, (unsigned long long) want_size);
}

/* test_filter - the per-octet syntax, prefixes, CIDR; size and printing */
static void test_filter(void)
{
	struct match_filter f;
	char err[256];

	filter_is("127.0.0.2", "127.0.0.2", 1);
	filter_is("127.0.2", "127.0.2", 256);
	filter_is("127", "127", 1U << 24);
	filter_is("127.0.[0..255].[2..3]", "127.0.[0..255].[2..3]", 512);
	filter_is("127.0.0.[2..11]", "127.0.0.[2..11]", 10);
	filter_is("127.0.[0..255].[1;2]", "127.0.[0..255].[1..2]", 512);
	filter_is("127.0.0.[1;3..5;9]", "127.0.0.[1;3..5;9]", 5);
	filter_is("127.0.0.[5;1;3]", "127.0.0.[1;3;5]", 3);
	filter_is("127.0.[3]", "127.0.3", 256);
	filter_is("127.0.2.0/24", "127.0.2", 256);
	filter_is("127.0.0.0/8", "127", 1U << 24);
	filter_is("127.0.16.0/20", "127.0.[16..31]", 4096);
	filter_is("127.0.0.4/30", "127.0.0.[4..7]", 4);
	filter_is("127.0.0.9/32", "127.0.0.9", 1);
	filter_fails("127.0.2.1/24", "host bits after the prefix");
	filter_fails("127.0.0.0/7", "prefix length below 8");
	filter_fails("127.0.0.0/33", "prefix length above 32");
	filter_fails("127.0.2/24", "CIDR of three octets");
	filter_fails("127.0.[2;3].0/24", "CIDR with a pattern");
	filter_fails("127.0.0.[3..2]", "backward range");
	filter_fails("127.0.0.[]", "empty list");
	filter_fails("127.0.0.[1;]", "empty list item");
	filter_fails("127.0.0.[1..2", "unclosed [");
	filter_fails("127.0.0.[0..256]", "range beyond 255");
	filter_fails("127.0.0.0x10", "hex octet");
	filter_fails("127.0.0.1e3", "exponent");
	filter_fails("127.0.0.1.5", "five octets");
	filter_fails("127.0.0.0002", "4-digit octet");
	filter_fails("127. 0.0.1", "white space");
	filter_fails("", "empty text");
	ok(match_filter_parse("127.0.[0..255].[2..3]", &f, err, sizeof(err))
	   && match_filter_test(&f, 0x7f000502U) && match_filter_test(&f, 0x7f00ff03U)
	   && !match_filter_test(&f, 0x7f000500U) && !match_filter_test(&f, 0x7f000504U)
	   && !match_filter_test(&f, 0x7e000502U), "range filter tests each octet");
	ok(match_filter_parse("127.0.0.0/8", &f, err, sizeof(err)) && match_usable(&f, err, 256),
	   "127.0.0.0/8 can match");
	ok(match_filter_parse("10.0.0.1", &f, err, sizeof(err)) && !match_usable(&f, err, 256)
	   && strstr(err, "outside 127.0.0.0/8"), "10.0.0.1 never matches: %s", err);
	ok(match_filter_parse("[126..127].0.0.2", &f, err, sizeof(err)) && !match_usable(&f, err, 256),
	   "a first octet other than 127 never matches: %s", err);
	ok(match_filter_parse("127.0.0.255", &f, err, sizeof(err)) && !match_usable(&f, err, 256)
	   && strstr(err, "refusal"), "127.0.0.255 never matches: %s", err);
	ok(match_filter_parse("127.255.255.0/24", &f, err, sizeof(err)) && !match_usable(&f, err, 256),
	   "127.255.255.0/24 never matches: %s", err);
	ok(match_filter_parse("127.0.0.[254..255]", &f, err, sizeof(err)) && match_usable(&f, err, 256),
	   "a range holding a refusal and a listing can match");
}

/* test_parse_ips - entries, prefixes, CIDR, boosts, the slash rules, errors */
static void test_parse_ips(void)
{
	struct dns_list l = {0};
	char err[256], many[8192] = "";

	ok(parse(&l, "127.0.10 / -20, 127.0.2.1,\n127.0.3 / -5 ,127", err)
	   && l.nentries == 4, "four entries parsed");
	ok(l.entries[0].size == 256 && match_filter_test(&l.entries[0].filter, 0x7f000a07U)
	   && l.entries[0].has_boost && l.entries[0].boost == -20.0, "prefix 127.0.10 / -20");
	ok(l.entries[1].size == 1 && match_filter_test(&l.entries[1].filter, 0x7f000201U)
	   && !l.entries[1].has_boost, "exact 127.0.2.1 without boost");
	ok(l.entries[2].size == 256 && l.entries[2].boost == -5.0, "127.0.3 / -5 with spaces");
	ok(l.entries[3].size == 1U << 24, "prefix 127");
	ok(parse(&l, "127.0/+2.5", err) && l.entries[0].size == 1U << 16
	   && l.entries[0].boost == 2.5, "signed boost without spaces (dnswl.py)");
	ok(parse(&l, "127.0.2.0/24", err) && l.nentries == 1 && l.entries[0].size == 256
	   && !l.entries[0].has_boost, "127.0.2.0/24 is a CIDR block, not boost 24: %s", err);
	ok(parse(&l, "127.0.0.0/8 / -3, 127.0.2 / 24", err) && l.entries[0].size == 1U << 24
	   && l.entries[0].boost == -3.0 && l.entries[1].boost == 24.0,
	   "CIDR with a boost; \"A / 24\" with spaces is a boost: %s", err);
	ok(parse(&l, "127.0.[0..255].[2..3] / -10, 127.0.0.[2..11]", err) && l.nentries == 2
	   && l.entries[0].size == 512 && l.entries[1].size == 10, "postscreen filters: %s", err);
	ok(!parse(&l, "127.0.2/24", err) && strstr(err, "ambiguous")
	   && strstr(err, "127.0.2.0/24") && strstr(err, "127.0.2 / 24"),
	   "127.0.2/24 refused with both spellings: %s", err);
	ok(!parse(&l, "127.0.2.0/ -5", err) && strstr(err, "127.0.2.0 / -5"),
	   "space after the slash only refused: %s", err);
	ok(!parse(&l, "127.0.2.0 /24", err) && strstr(err, "127.0.2.0/24"),
	   "space before the slash only refused: %s", err);
	ok(!parse(&l, "127.0/2.5", err) && strstr(err, "ambiguous"), "unsigned decimal after a tight slash refused: %s", err);
	ok(!parse(&l, "127.0.2.0/24/8", err), "two CIDR slashes refused: %s", err);
	ok(l.nentries == 0 && l.entries == NULL, "a refused value leaves no entries");
	ok(!parse(&l, "127.0.2 / -5x", err) && strstr(err, "-5x") != NULL,
	   "bad boost refused: %s", err);
	ok(!parse(&l, "127.0.2 / ", err), "empty boost refused: %s", err);
	ok(!parse(&l, "127.0.2 / nan", err), "nan boost refused: %s", err);
	ok(!parse(&l, "127.0.2 / inf", err), "inf boost refused: %s", err);
	ok(!parse(&l, "127.0.2 / 0x10", err), "hex boost refused: %s", err);
	ok(!parse(&l, "127.0.2 / 1e3", err), "exponent boost refused: %s", err);
	ok(!parse(&l, "127.0.2 / 1e9", err), "huge boost refused: %s", err);
	ok(!parse(&l, "127.0.256", err) && strstr(err, "127.0.256") != NULL,
	   "octet 256 refused: %s", err);
	ok(!parse(&l, "127.0.0.1.5", err), "five octets refused: %s", err);
	ok(!parse(&l, "127..1", err), "empty octet refused: %s", err);
	ok(!parse(&l, ".127", err), "leading dot refused: %s", err);
	ok(!parse(&l, "127.", err), "trailing dot refused: %s", err);
	ok(!parse(&l, "127.0.x", err), "letters refused: %s", err);
	ok(!parse(&l, "-1", err), "negative octet refused: %s", err);
	ok(!parse(&l, "127.0.0002", err), "4-digit octet refused: %s", err);
	ok(!parse(&l, "10.0.0.2", err) && strstr(err, "never matches"),
	   "entry outside 127/8 refused: %s", err);
	ok(!parse(&l, "127.0.0.255 / -5", err) && strstr(err, "refusal"),
	   "refusal code refused: %s", err);
	ok(!parse(&l, "127.255.255.0/24", err) && strstr(err, "refusal"),
	   "refusal block refused: %s", err);
	ok(!parse(&l, "", err) && strstr(err, "no entries") != NULL, "empty value refused");
	ok(!parse(&l, " , ,", err), "only commas refused: %s", err);
	for (int i = 0; i < 200; i++)
		str_appendf(many, sizeof(many), "127.0.%d.%d,", i, i % 4);
	ok(parse(&l, many, err) && l.nentries == 200, "200 entries (once 64 at most): %s", err);
	many[0] = '\0';
	for (int i = 0; i < CFG_MAX_ENTRIES + 1; i++)
		str_appendf(many, sizeof(many), "127,");
	ok(!parse(&l, many, err) && strstr(err, "more than") != NULL,
	   "more than %d entries refused: %s", CFG_MAX_ENTRIES, err);
	cfg_list_free(&l);
}

/* answer - a dns_answer with the given addresses */
static struct dns_answer answer(unsigned n, const uint32_t *addr)
{
	struct dns_answer a;

	memset(&a, 0, sizeof(a));
	a.status = DNS_ANSWER;
	a.naddr = n;
	if (n > 0)
		memcpy(a.addr, addr, n * sizeof(*addr));
	return a;
}

/* test_match - classes, best entry, strongest boost */
static void test_match(void)
{
	struct dns_list l = {0};
	struct dns_answer a;
	const struct list_entry *e;
	char err[256];
	double boost;
	unsigned refusals, bogus;

	ok(match_classify(0x7f000002U) == CODE_LISTING, "127.0.0.2 is a listing");
	ok(match_classify(0x7f0000ffU) == CODE_REFUSAL, "127.0.0.255 is a refusal");
	ok(match_classify(0x7fffff01U) == CODE_REFUSAL, "127.255.255.1 is a refusal");
	ok(match_classify(0x7ffffe01U) == CODE_LISTING, "127.255.254.1 is a listing");
	ok(match_classify(0x0a000001U) == CODE_BOGUS, "10.0.0.1 is bogus");
	ok(match_classify(0x80000001U) == CODE_BOGUS, "128.0.0.1 is bogus");

	parse(&l, "127 / -1, 127.0 / -2, 127.0.2 / -3, 127.0.2.1 / -4", err);
	e = match_entry(&l, 0x7f000201U);
	ok(e != NULL && e->boost == -4.0, "exact entry beats every prefix");
	e = match_entry(&l, 0x7f000202U);
	ok(e != NULL && e->boost == -3.0, "longest prefix wins");
	e = match_entry(&l, 0x7f010101U);
	ok(e != NULL && e->boost == -1.0, "short prefix matches the rest");
	parse(&l, "127.0.2.1 / -4, 127.0.2 / -3", err);
	e = match_entry(&l, 0x7f000201U);
	ok(e != NULL && e->boost == -4.0, "exact beats prefix whatever the order");
	ok(match_entry(&l, 0x7f000301U) == NULL, "no entry: NULL");

	/* trust levels over all categories: fewest addresses covered wins */
	parse(&l, "127.0.[0..255].[1..3] / -5, 127.0.[0..255].3 / -20, "
	      "127.0.5 / -8, 127.0.5.[2..3] / -12, 127.0.0.0/16 / -1", err);
	e = match_entry(&l, 0x7f000a03U);
	ok(e != NULL && e->boost == -20.0, "127.0.10.3: trust 3 (256) beats trust 1..3 (768)");
	e = match_entry(&l, 0x7f000a01U);
	ok(e != NULL && e->boost == -5.0, "127.0.10.1: trust 1..3 (768) beats /16");
	e = match_entry(&l, 0x7f000502U);
	ok(e != NULL && e->boost == -12.0, "127.0.5.2: 127.0.5.[2..3] (2) beats all");
	e = match_entry(&l, 0x7f000503U);
	ok(e != NULL && e->boost == -12.0, "127.0.5.3: 2 addresses beat 256");
	e = match_entry(&l, 0x7f000500U);
	ok(e != NULL && e->boost == -8.0, "127.0.5.0: only the prefix and /16 cover it; prefix wins");
	e = match_entry(&l, 0x7f000a00U);
	ok(e != NULL && e->boost == -1.0, "127.0.10.0 (trust none): only the /16");
	parse(&l, "127.0.[0..255].[1..3]", err);
	ok(match_entry(&l, 0x7f000a00U) == NULL, "trust 0 (127.0.10.0) matches no trust filter");
	parse(&l, "127.0.0.[2;3] / -2, 127.0.0.[3;4] / -4", err);
	e = match_entry(&l, 0x7f000003U);
	ok(e != NULL && e->boost == -2.0, "equal size: the entry written first");

	parse(&l, "127.0.10 / -20, 127.0.2.1 / 5, 127.0.3 / 30", err);
	a = answer(2, (uint32_t[]){0x7f000201U, 0x7f000a01U});
	ok(match_answer(&l, &a, &boost, &refusals, &bogus) && boost == -20.0,
	   "two codes: strongest magnitude (-20 over 5), counted once");
	a = answer(2, (uint32_t[]){0x7f000a01U, 0x7f000301U});
	ok(match_answer(&l, &a, &boost, &refusals, &bogus) && boost == 30.0,
	   "positive boost of larger magnitude wins (30 over -20)");
	a = answer(3, (uint32_t[]){0x7f0000ffU, 0x7fffff02U, 0x0a000001U});
	ok(!match_answer(&l, &a, &boost, &refusals, &bogus) && refusals == 2
	   && bogus == 1 && boost == 0, "refusal and bogus codes never match");
	parse(&l, "127", err);
	a = answer(2, (uint32_t[]){0x7f0000ffU, 0x7f000002U});
	ok(match_answer(&l, &a, &boost, &refusals, &bogus) && refusals == 1,
	   "a refusal beside a real code: the real code counts");
	a = answer(0, NULL);
	ok(!match_answer(&l, &a, &boost, &refusals, &bogus), "no addresses: no match");
	cfg_list_free(&l);
}

/* test_numbers - plain decimals only; the edit distance of "did you mean" */
static void test_numbers(void)
{
	static const char *bad[] = {"0x10", "1e3", "nan", "inf", "-inf", " 1", "1 ",
		"1.", ".5", "+", "", "1,5", "--1", NULL};
	double v;

	ok(str_parse_double("-2.5", &v) && v == -2.5, "-2.5 is a plain decimal");
	ok(str_parse_double("+10", &v) && v == 10.0, "+10 is a plain decimal");
	ok(str_parse_double("007", &v) && v == 7.0, "007 is a plain decimal");
	for (const char **b = bad; *b; b++)
		ok(!str_parse_double(*b, &v), "\"%s\" is not a plain decimal", *b);
	ok(str_distance("dns_timout", "dns_timeout") == 1, "distance: one deletion");
	ok(str_distance("dns_tiemout", "dns_timeout") == 1, "distance: one swap");
	ok(str_distance("ips", "ips") == 0, "distance: equal");
	ok(str_distance("port", "size") == 4, "distance: unrelated");
}

/* test_str - bounded helpers */
static void test_str(void)
{
	char buf[8], big[64], t[32];
	double d;
	unsigned long u;
	bool b;

	ok(str_copy(buf, sizeof(buf), "1234567") && strcmp(buf, "1234567") == 0,
	   "str_copy fits exactly");
	ok(!str_copy(buf, sizeof(buf), "12345678") && strcmp(buf, "1234567") == 0,
	   "str_copy truncates and says so");
	buf[0] = '\0';
	ok(str_appendf(buf, sizeof(buf), "%s", "abc") && str_appendf(buf, sizeof(buf), "%d", 1234)
	   && strcmp(buf, "abc1234") == 0, "str_appendf appends");
	ok(!str_appendf(buf, sizeof(buf), "x") && strcmp(buf, "abc1234") == 0,
	   "str_appendf on a full buffer fails, stays terminated");
	ok(str_printable(big, sizeof(big), "a\rb\nc\td\x1b" "e\x7f" "f\xc3\xa9")
	   && strcmp(big, "a?b?c?d?e?f\xc3\xa9") == 0, "str_printable: control bytes to ?");
	ok(!str_printable(buf, sizeof(buf), "123456789"), "str_printable reports truncation");
	str_copy(t, sizeof(t), " \t x y \n");
	is_str(str_trim(t), "x y", "str_trim");
	str_copy(t, sizeof(t), "   ");
	is_str(str_trim(t), "", "str_trim all blanks");
	ok(str_has_ctl("a\rb") && str_has_ctl("a\n") && !str_has_ctl("plain text"),
	   "str_has_ctl");
	ok(str_parse_double("-10.5", &d) && d == -10.5, "double -10.5");
	ok(!str_parse_double("1x", &d) && !str_parse_double("", &d)
	   && !str_parse_double("inf", &d) && !str_parse_double("nan", &d),
	   "double junk, empty, inf, nan refused");
	ok(str_parse_uint("65535", 65535, &u) && u == 65535, "uint at its max");
	ok(!str_parse_uint("65536", 65535, &u), "uint over max refused");
	ok(!str_parse_uint("-1", 100, &u) && !str_parse_uint("", 100, &u)
	   && !str_parse_uint("1 ", 100, &u) && !str_parse_uint("0x10", 100, &u),
	   "uint junk refused");
	ok(!str_parse_uint("99999999999999999999999", ~0UL, &u), "uint overflow refused");
	ok(str_parse_bool("Yes", &b) && b && str_parse_bool("off", &b) && !b
	   && str_parse_bool("1", &b) && b && str_parse_bool("FALSE", &b) && !b,
	   "bool spellings");
	ok(!str_parse_bool("maybe", &b) && !str_parse_bool("", &b), "bool junk refused");
}

/* reply - build a reply to "2.0.0.127.x.test" A: header, question,
 * nan A records of addr (TTL ttl); rcode in the header */
static int reply(unsigned char *p, int rcode, unsigned nan, const uint32_t *addr, uint32_t ttl)
{
	static const unsigned char q[] = "\0012\0010\0010\003127\001x\004test\0\0\001\0\001";
	int n = 0;

	memcpy(p, (unsigned char[]){0x12, 0x34, 0x81, 0x80, 0, 1, 0, (unsigned char) nan,
		0, 0, 0, 0}, 12);
	p[3] = (unsigned char) (0x80 | rcode);
	n = 12;
	memcpy(p + n, q, sizeof(q) - 1);
	n += (int) sizeof(q) - 1;
	for (unsigned i = 0; i < nan; i++) {
		unsigned char rr[] = {0xc0, 0x0c, 0, 1, 0, 1,
			(unsigned char) (ttl >> 24), (unsigned char) (ttl >> 16),
			(unsigned char) (ttl >> 8), (unsigned char) ttl, 0, 4,
			(unsigned char) (addr[i] >> 24), (unsigned char) (addr[i] >> 16),
			(unsigned char) (addr[i] >> 8), (unsigned char) addr[i]};
		memcpy(p + n, rr, sizeof(rr));
		n += (int) sizeof(rr);
	}
	return n;
}

/* test_parse_reply - classification of hand-built packets */
static void test_parse_reply(void)
{
	unsigned char p[512];
	struct dns_answer a;
	int n;

	n = reply(p, 0, 2, (uint32_t[]){0x7f000a00U, 0x7f000201U}, 300);
	dns_parse_reply(p, n, &a);
	ok(a.status == DNS_ANSWER && a.naddr == 2 && a.addr[0] == 0x7f000a00U
	   && a.addr[1] == 0x7f000201U && a.ttl == 300, "two A records, TTL 300");
	n = reply(p, 0, 0, NULL, 0);
	dns_parse_reply(p, n, &a);
	ok(a.status == DNS_NODATA && a.naddr == 0, "NOERROR without records: NODATA");
	n = reply(p, 3, 0, NULL, 0);
	dns_parse_reply(p, n, &a);
	ok(a.status == DNS_NXDOMAIN, "rcode 3: NXDOMAIN");
	n = reply(p, 2, 0, NULL, 0);
	dns_parse_reply(p, n, &a);
	ok(a.status == DNS_SERVFAIL && dns_failed(a.status), "rcode 2: SERVFAIL, a failure");
	n = reply(p, 5, 0, NULL, 0);
	dns_parse_reply(p, n, &a);
	ok(a.status == DNS_REFUSED && dns_failed(a.status), "rcode 5: REFUSED, a failure");
	n = reply(p, 1, 0, NULL, 0);
	dns_parse_reply(p, n, &a);
	ok(a.status == DNS_ERROR, "rcode 1 (FORMERR): error");
	n = reply(p, 0, 1, (uint32_t[]){0x7f000002U}, 60);
	dns_parse_reply(p, n - 3, &a);
	ok(a.status == DNS_MALFORMED, "truncated record: malformed");
	dns_parse_reply(p, 5, &a);
	ok(a.status == DNS_MALFORMED, "shorter than a header: malformed");
	n = reply(p, 0, 1, (uint32_t[]){0x7f000002U}, 60);
	p[n - 5] = 5;		/* rdlength 5 for an A record */
	p[n++] = 0;
	dns_parse_reply(p, n, &a);
	ok(a.status == DNS_MALFORMED, "A record of 5 bytes: malformed");
	n = reply(p, 0, 1, (uint32_t[]){0x7f000002U}, 60);
	p[7] = 3;		/* claims 3 answers, holds 1 */
	dns_parse_reply(p, n, &a);
	ok(a.status == DNS_MALFORMED, "answer count beyond the packet: malformed");
	ok(strcmp(dns_status_name(DNS_TIMEOUT), "timeout") == 0
	   && strcmp(dns_status_name(DNS_NXDOMAIN), "NXDOMAIN") == 0, "status names");
}

int main(void)
{
	test_reverse();
	test_list_name();
	test_registrable();
	test_filter();
	test_parse_ips();
	test_match();
	test_numbers();
	test_str();
	test_parse_reply();
	printf("1..%d\n", ntest);
	return nfail != 0;
}
