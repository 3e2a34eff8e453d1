/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * robust_req.c - hostile policy request streams for t/robust.bats.
 *
 * Each stream is one kind (the manifest names it): valid requests
 * before something hostile, so the replies owed before it are known
 * exactly; or pure junk, where only the bound "no more replies than
 * empty lines" holds.  Valid requests use values that reach the test
 * DNS server's lists (swl.test, dwl.test) and values that do not.
 * The bounds match src/policy.h: 2048-byte lines (newline included),
 * 128 attributes, 16384 bytes per request.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robust_gen.h"

#define LINE_MAX_BYTES	2048	/* POLICY_LINE_MAX: a line and its newline */
#define ATTR_MAX	128	/* POLICY_ATTR_MAX */
#define REQUEST_MAX	16384	/* POLICY_REQUEST_MAX */

/* What a stream owes: MIN..MAX replies, exit status RC ("0", "1", "01"). */
struct stream {
	struct buf b;
	unsigned min, max;
	const char *rc;
};

#define PICK(g, a) ((a)[rg_below((g), sizeof(a) / sizeof((a)[0]))])

static const char *const addrs[] = {"192.0.2.1", "192.0.2.2", "192.0.2.3",
	"192.0.2.5", "192.0.2.9", "192.0.2.11", "127.0.0.2", "2001:db8::1",
	"10.1.2.3", "", "not-an-address", "192.0.2.999", "::ffff:192.0.2.2", "1.2.3"};
static const char *const names[] = {"unknown", "mail.example.com",
	"host.example.co.uk", "", "example.com", "a..b", "localhost", ".",
	"xn--bcher-kva.example", "-bad-.example", "co.uk", "192.0.2.1"};
static const char *const senders[] = {"s@example.com", "", "<>",
	"User+tag@Example.COM", "a@b@c", "no-at-sign", "@example.com", "x@"};
static const char *const states[] = {"RCPT", "RCPT", "RCPT", "DATA",
	"END-OF-MESSAGE", "", "rcpt", "CONNECT"};

/* attr - one "name=value\n" line */
static void attr(struct buf *b, const char *name, const char *value)
{
	buf_str(b, name);
	buf_str(b, "=");
	buf_str(b, value);
	buf_str(b, "\n");
}

/* valid_attrs - the attribute lines of a request Postfix could send */
static void valid_attrs(struct rg *g, struct buf *b)
{
	const char *name = PICK(g, names);

	attr(b, "request", "smtpd_access_policy");
	attr(b, "protocol_state", PICK(g, states));
	attr(b, "protocol_name", "ESMTP");
	attr(b, "helo_name", name);
	attr(b, "queue_id", rg_below(g, 2) ? "" : "4AbCdE1x2y");
	attr(b, "sender", PICK(g, senders));
	attr(b, "recipient", rg_below(g, 4) ? "r@example.org" : "");
	attr(b, "client_address", PICK(g, addrs));
	attr(b, "client_name", name);
	attr(b, "reverse_client_name", rg_below(g, 3) ? name : PICK(g, names));
	attr(b, "instance", "1a2b.5f0e1c2d.3e4f5.0");
}

/* valid_requests - n whole requests */
static void valid_requests(struct rg *g, struct stream *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		valid_attrs(g, &s->b);
		buf_str(&s->b, "\n");
	}
	s->min += n;
	s->max += n;
}

/* empty_lines - how many requests a stream could hold at most */
static unsigned empty_lines(const struct buf *b)
{
	unsigned n = 0;

	for (size_t i = 0; i < b->len; i++)
		n += b->p[i] == '\n' && (i == 0 || b->p[i - 1] == '\n');
	return n;
}

/* random_bytes - len bytes; bias towards '\n', '=' and NUL when text */
static void random_bytes(struct rg *g, struct buf *b, size_t len, int text)
{
	static const char bias[] = "\n\n=\0a";

	for (size_t i = 0; i < len; i++) {
		char c = text && rg_below(g, 4) == 0 ? bias[rg_below(g, 5)]
		    : (char) rg_below(g, 256);
		buf_put(b, &c, 1);
	}
}

/* kind_junk - random bytes, maybe after valid requests: only the bound holds */
static void kind_junk(struct rg *g, struct stream *s)
{
	valid_requests(g, s, (unsigned) rg_below(g, 3));
	s->min = 0;
	random_bytes(g, &s->b, rg_below(g, 6000), (int) rg_below(g, 2));
	s->max = empty_lines(&s->b);
	s->rc = "01";
}

/* bad_line - valid requests, then a request holding one bad line */
static void bad_line(struct rg *g, struct stream *s, const char *line, size_t len)
{
	valid_requests(g, s, (unsigned) rg_below(g, 4));
	attr(&s->b, "request", "smtpd_access_policy");
	buf_put(&s->b, line, len);
	buf_str(&s->b, "\nclient_address=192.0.2.2\n\n");
	s->rc = "1";
}

/* kind_nul - a NUL byte inside a value */
static void kind_nul(struct rg *g, struct stream *s)
{
	bad_line(g, s, "sender=a\0b@example.com", 22);
}

/* kind_huge_line - one line over the limit (up to 100 kB) */
static void kind_huge_line(struct rg *g, struct stream *s)
{
	struct buf line = {0};

	buf_str(&line, "client_name=");
	buf_fill(&line, 'x', LINE_MAX_BYTES + rg_below(g, 100000));
	bad_line(g, s, line.p, line.len);
	free(line.p);
}

/* kind_no_empty_line - attributes and then EOF: no reply for them */
static void kind_no_empty_line(struct rg *g, struct stream *s)
{
	valid_requests(g, s, (unsigned) rg_below(g, 4));
	valid_attrs(g, &s->b);
	s->rc = "1";
}

/* kind_many_attrs - 10,000 attributes in one request */
static void kind_many_attrs(struct rg *g, struct stream *s)
{
	char line[32];
	struct buf b = {0};

	for (unsigned i = 0; i < 10000; i++) {
		snprintf(line, sizeof(line), "x%u=v", i);
		buf_str(&b, line);
		buf_str(&b, "\n");
	}
	bad_line(g, s, b.p, b.len - 1);
	free(b.p);
}

/* filler - one "y=vvv" line taking exactly len bytes with its newline (len >= 3) */
static void filler(struct buf *b, size_t len)
{
	buf_str(b, "y=");
	buf_fill(b, 'v', len - 3);
	buf_str(b, "\n");
}

/* fill_to - filler lines until the request takes exactly total bytes */
static void fill_to(struct buf *b, size_t start, size_t total)
{
	size_t r = total - (b->len - start);

	while (r >= LINE_MAX_BYTES + 3) {
		filler(b, LINE_MAX_BYTES);
		r -= LINE_MAX_BYTES;
	}
	if (r > LINE_MAX_BYTES) {
		filler(b, r - 3);
		r = 3;
	}
	filler(b, r);
}

/* kind_limits - a line, the attribute count or the size at or over its bound */
static void kind_limits(struct rg *g, struct stream *s)
{
	unsigned over = (unsigned) rg_below(g, 2), what = (unsigned) rg_below(g, 3);
	size_t start;

	valid_requests(g, s, (unsigned) rg_below(g, 3));
	start = s->b.len;
	valid_attrs(g, &s->b);			/* 11 attributes */
	if (what == 0)
		filler(&s->b, LINE_MAX_BYTES + over);
	for (unsigned i = 11; what == 1 && i < ATTR_MAX + over; i++)
		filler(&s->b, 5);
	if (what == 2)
		fill_to(&s->b, start, REQUEST_MAX + over);
	buf_str(&s->b, "\n");
	if (over)
		s->rc = "1";
	else
		s->min++, s->max++, s->rc = "0";
}

/* kind_controls - CR, ESC, TAB, DEL, C1 bytes in values: served */
static void kind_controls(struct rg *g, struct stream *s)
{
	static const char *const bad[] = {"a\rb@example.com", "\033[31mred\033[0m",
		"tab\there", "del\177", "\r", "nl\\n", "\x01\x02\x03", "\xc2\x85next"};

	valid_requests(g, s, (unsigned) rg_below(g, 3));
	attr(&s->b, "sender", PICK(g, bad));
	attr(&s->b, "client_name", PICK(g, bad));
	attr(&s->b, "client_address", rg_below(g, 2) ? "192.0.2.2\r" : "192.0.2.2");
	attr(&s->b, "recipient", PICK(g, bad));
	attr(&s->b, "protocol_state", "RCPT");
	buf_str(&s->b, "\n");
	s->min++, s->max++;
	s->rc = "0";
}

/* kind_many - many requests in one stream */
static void kind_many(struct rg *g, struct stream *s)
{
	valid_requests(g, s, 20 + (unsigned) rg_below(g, 100));
	s->rc = "0";
}

/* kind_truncated - valid requests cut at a random byte */
static void kind_truncated(struct rg *g, struct stream *s)
{
	size_t cut;
	unsigned done = 0;

	valid_requests(g, s, 1 + (unsigned) rg_below(g, 5));
	cut = rg_below(g, s->b.len + 1);
	s->b.len = cut;
	for (size_t i = 1; i < cut; i++)
		done += s->b.p[i] == '\n' && s->b.p[i - 1] == '\n';
	s->min = s->max = done;
	s->rc = cut == 0 || (cut >= 2 && s->b.p[cut - 1] == '\n' && s->b.p[cut - 2] == '\n')
	    ? "0" : "1";
}

/* kind_utf8 - invalid UTF-8 in every value dnswl looks at: served */
static void kind_utf8(struct rg *g, struct stream *s)
{
	static const char *const bad[] = {"\xff\xfe", "\xc0\x80@example.com",
		"ex\xe4mple.com", "\xed\xa0\x80.example", "\xf4\x90\x80\x80", "\xe2\x82"};

	valid_requests(g, s, (unsigned) rg_below(g, 3));
	attr(&s->b, "sender", PICK(g, bad));
	attr(&s->b, "client_name", PICK(g, bad));
	attr(&s->b, "reverse_client_name", PICK(g, bad));
	attr(&s->b, "client_address", PICK(g, bad));
	attr(&s->b, "protocol_state", "RCPT");
	attr(&s->b, "recipient", PICK(g, bad));
	buf_str(&s->b, "\n");
	s->min++, s->max++;
	s->rc = "0";
}

/* kind_no_equals - a line without '=' or with an empty name */
static void kind_no_equals(struct rg *g, struct stream *s)
{
	static const char *const bad[] = {"sender", "=value", "no equals here", " ", "="};
	const char *line = PICK(g, bad);

	bad_line(g, s, line, strlen(line));
}

static const struct {
	const char *name;
	void (*make)(struct rg *, struct stream *);
} kinds[] = {
	{"junk", kind_junk}, {"nul", kind_nul}, {"huge-line", kind_huge_line},
	{"no-empty-line", kind_no_empty_line}, {"10000-attributes", kind_many_attrs},
	{"limits", kind_limits}, {"control-chars", kind_controls},
	{"many-requests", kind_many}, {"truncated", kind_truncated},
	{"invalid-utf8", kind_utf8}, {"no-equals", kind_no_equals},
};

/* robust_requests - n streams, the kinds in turn */
int robust_requests(struct rg *g, unsigned n, const char *dir)
{
	for (unsigned i = 0; i < n; i++) {
		size_t k = i % (sizeof(kinds) / sizeof(kinds[0]));
		struct stream s = {.rc = "01"};

		kinds[k].make(g, &s);
		if (s.max > empty_lines(&s.b))
			return fprintf(stderr, "robust_gen: stream %u owes more replies "
				       "than it has empty lines\n", i), 2;
		buf_save(&s.b, dir, i, "in");
		printf("%03u %s %u %u %s\n", i, kinds[k].name, s.min, s.max, s.rc);
		free(s.b.p);
	}
	return 0;
}
