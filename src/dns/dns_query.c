/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns_query.c - one A, AAAA, MX, PTR or TXT query with a caller's own resolver state.
 *
 * res_nmkquery + res_nsend rather than res_nquery: res_nquery hides the
 * rcode and the authority SOA, which we need to tell NXDOMAIN from
 * SERVFAIL and REFUSED and to know how long a negative answer holds.
 */
#include "config.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns.h"
#include "str.h"

/* dns_set_server - point the resolver at one checked server */
static void dns_set_server(res_state res, unsigned i, const struct dns_server *srv)
{
	struct sockaddr_in *sin = &res->nsaddr_list[i];

	/* glibc keeps IPv6 servers in _u._ext; for IPv4 nsaddr_list suffices. */
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t) srv->port);
	inet_pton(AF_INET, srv->host, &sin->sin_addr);
}

/* dns_bad_server - the reason a configured server cannot be used, or false */
static bool dns_bad_server(const struct dns_server *srv, char *err, size_t errsize)
{
	struct in_addr addr;

	if (inet_pton(AF_INET, srv->host, &addr) == 1)
		return false;
	snprintf(err, errsize, "nameserver %s: only IPv4 server addresses "
		 "are supported", srv->host);
	return true;
}

/* dns_check_settings - can dns_res_open use them (without res_ninit) */
bool dns_check_settings(const struct dns_settings *s, char *err, size_t errsize)
{
	for (unsigned i = 0; i < s->nservers; i++)
		if (dns_bad_server(&s->servers[i], err, errsize))
			return false;
	return true;
}

/* dns_res_open - resolver state from the settings */
bool dns_res_open(res_state res, const struct dns_settings *s, char *err, size_t errsize)
{
	if (!dns_check_settings(s, err, errsize))
		return false;
	memset(res, 0, sizeof(*res));
	if (res_ninit(res) != 0) {
		snprintf(err, errsize, "res_ninit failed");
		return false;
	}
	for (unsigned i = 0; i < s->nservers; i++)
		dns_set_server(res, i, &s->servers[i]);
	if (s->nservers > 0)
		res->nscount = (int) s->nservers;
	res->retrans = (int) s->timeout;
	res->retry = (int) s->attempts;
	/* Lists live under our zones: no search list, no default domain. */
	res->options &= ~(RES_DNSRCH | RES_DEFNAMES);
	return true;
}

/* dns_res_limit - tries within the time left */
void dns_res_limit(res_state res, const struct dns_settings *s, long left_ms)
{
	/* to the nearest second: a batch's jobs start a little after its deadline was set */
	unsigned secs = left_ms <= 0 ? 0 : (unsigned)((left_ms + 500) / 1000);

	res->retrans = (int) s->timeout;
	res->retry = (int) s->attempts;
	if (left_ms <= 0 || (unsigned long) secs >= (unsigned long) s->timeout * s->attempts)
		return;
	if (secs < s->timeout) {
		res->retrans = secs < 1 ? 1 : (int) secs;
		res->retry = 1;
	} else
		res->retry = (int) (secs / s->timeout);
}

/* dns_now_ms - monotonic milliseconds */
long dns_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long) ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* dns_res_close - release the resolver state */
void dns_res_close(res_state res)
{
	res_nclose(res);
}

/* dns_failed - statuses that mean no usable answer */
bool dns_failed(enum dns_status status)
{
	return status >= DNS_SERVFAIL;
}

/* dns_status_name - log and -q spelling of a status */
const char *dns_status_name(enum dns_status status)
{
	static const char *names[] = {"answer", "NXDOMAIN", "NODATA",
		"SERVFAIL", "REFUSED", "timeout", "malformed", "error", "unreachable"};

	return status <= DNS_UNREACHABLE ? names[status] : "error";
}

/* dns_soa_ttl - negative TTL: min(SOA TTL, SOA minimum), RFC 2308 */
static uint32_t dns_soa_ttl(ns_msg *msg)
{
	ns_rr rr;
	int n = ns_msg_count(*msg, ns_s_ns);

	for (int i = 0; i < n; i++) {
		if (ns_parserr(msg, ns_s_ns, i, &rr) != 0)
			return 0;
		if (ns_rr_type(rr) == ns_t_soa && ns_rr_rdlen(rr) >= 20) {
			uint32_t min = ns_get32(ns_rr_rdata(rr) + ns_rr_rdlen(rr) - 4);
			return min < ns_rr_ttl(rr) ? min : ns_rr_ttl(rr);
		}
	}
	return 0;
}

/* dns_keep_ttl - the answer's TTL: the lowest of its records */
static void dns_keep_ttl(struct dns_answer *ans, bool first, uint32_t ttl)
{
	if (first || ttl < ans->ttl)
		ans->ttl = ttl;
}

/* dns_add_mx - one MX record's host; false: malformed */
static bool dns_add_mx(ns_msg *msg, ns_rr *rr, struct dns_rdata *mx)
{
	char host[NS_MAXDNAME];

	if (ns_rr_rdlen(*rr) < 3 || ns_name_uncompress(ns_msg_base(*msg), ns_msg_end(*msg),
						  ns_rr_rdata(*rr) + 2, host, sizeof(host)) < 0)
		return false;
	if (strcmp(host, ".") == 0 || host[0] == '\0')
		mx->null_mx = true;
	else if (mx->nhost < DNS_MAX_MX && strlen(host) < DNS_NAME_MAX)
		str_copy(mx->host[mx->nhost++], DNS_NAME_MAX, host);
	return true;
}

/* dns_add_ptr - one PTR record's name; false: malformed */
static bool dns_add_ptr(ns_msg *msg, ns_rr *rr, struct dns_rdata *rd)
{
	char host[NS_MAXDNAME];

	if (ns_name_uncompress(ns_msg_base(*msg), ns_msg_end(*msg), ns_rr_rdata(*rr), host,
			       sizeof(host)) < 0)
		return false;
	/* the root is no host name: not kept, the answer is still fine */
	if (rd->nhost < DNS_MAX_MX && host[0] != '\0' && strcmp(host, ".") != 0
	    && strlen(host) < DNS_NAME_MAX)
		str_copy(rd->host[rd->nhost++], DNS_NAME_MAX, host);
	return true;
}

/* dns_add_txt - one TXT record, its strings joined; false: malformed */
static bool dns_add_txt(ns_rr *rr, struct dns_rdata *rd)
{
	const unsigned char *p = ns_rr_rdata(*rr), *end = p + ns_rr_rdlen(*rr);
	size_t at = rd->txtlen;

	while (p < end) {
		size_t n = *p++;

		if (n > (size_t) (end - p))
			return false;
		if (at + n + 1 > sizeof(rd->txt))
			return true;	/* does not fit: dropped */
		for (size_t i = 0; i < n; i++)
			rd->txt[at++] = p[i] ? (char) p[i] : '?';
		p += n;
	}
	rd->txt[at++] = '\0';
	rd->txtlen = at;
	rd->ntxt++;
	return true;
}

/* dns_add_rr - one answer record of the asked type */
static bool dns_add_rr(ns_msg *msg, ns_rr *rr, int qtype, struct dns_answer *ans,
		       struct dns_rdata *mx)
{
	unsigned words = qtype == ns_t_aaaa ? 4 : 1;

	if (qtype == ns_t_mx)
		return mx == NULL || dns_add_mx(msg, rr, mx);
	if (qtype == ns_t_txt)
		return mx == NULL || dns_add_txt(rr, mx);
	if (qtype == ns_t_ptr)
		return mx == NULL || dns_add_ptr(msg, rr, mx);
	if (ns_rr_rdlen(*rr) != 4 * words)
		return false;
	if (ans->naddr + words > DNS_MAX_ADDRS)
		return true;
	for (unsigned w = 0; w < words; w++)
		ans->addr[ans->naddr++] = ns_get32(ns_rr_rdata(*rr) + 4 * w);
	return true;
}

/* dns_collect - records of qtype in the answer section, minimum TTL */
static bool dns_collect(ns_msg *msg, int qtype, struct dns_answer *ans, struct dns_rdata *mx)
{
	ns_rr rr;
	int n = ns_msg_count(*msg, ns_s_an);
	bool first = true;

	for (int i = 0; i < n; i++) {
		if (ns_parserr(msg, ns_s_an, i, &rr) != 0)
			return false;
		if ((int) ns_rr_type(rr) != qtype || ns_rr_class(rr) != ns_c_in)
			continue;	/* CNAMEs on the way are fine */
		if (!dns_add_rr(msg, &rr, qtype, ans, mx))
			return false;
		dns_keep_ttl(ans, first, ns_rr_ttl(rr));
		first = false;
	}
	return true;
}

/* dns_have_data - did the answer give any record of the type? */
static bool dns_have_data(const struct dns_answer *ans, const struct dns_rdata *mx)
{
	return ans->naddr > 0 || (mx != NULL && (mx->nhost > 0 || mx->null_mx || mx->ntxt > 0));
}

/* dns_rcode_status - the failure an rcode stands for */
static enum dns_status dns_rcode_status(int rcode)
{
	return rcode == ns_r_servfail ? DNS_SERVFAIL
	    : rcode == ns_r_refused ? DNS_REFUSED : DNS_ERROR;
}

/* dns_parse_reply - classify a raw reply to an A query */
void dns_parse_reply(const unsigned char *buf, int len, struct dns_answer *ans)
{
	dns_parse_typed(buf, len, ns_t_a, ans, NULL);
}

/* dns_answer_reset - an empty answer (and rdata) with status st */
static void dns_answer_reset(struct dns_answer *ans, struct dns_rdata *mx, enum dns_status st)
{
	memset(ans, 0, sizeof(*ans));
	if (mx != NULL)
		memset(mx, 0, sizeof(*mx));
	ans->status = st;
}

/* dns_parse_typed - classify a raw reply to a qtype query */
void dns_parse_typed(const unsigned char *buf, int len, int qtype, struct dns_answer *ans,
		     struct dns_rdata *mx)
{
	ns_msg msg;

	dns_answer_reset(ans, mx, DNS_MALFORMED);	/* until classified */
	if (len < HFIXEDSZ || ns_initparse(buf, len, &msg) != 0)
		return;
	switch (ns_msg_getflag(msg, ns_f_rcode)) {
	case ns_r_noerror:
		if (!dns_collect(&msg, qtype, ans, mx))
			dns_answer_reset(ans, mx, DNS_MALFORMED);	/* no partial addresses */
		else if (dns_have_data(ans, mx))
			ans->status = DNS_ANSWER;
		else {
			ans->status = DNS_NODATA;
			ans->ttl = dns_soa_ttl(&msg);
		}
		break;
	case ns_r_nxdomain:
		ans->status = DNS_NXDOMAIN;
		ans->ttl = dns_soa_ttl(&msg);
		break;
	default:
		ans->status = dns_rcode_status(ns_msg_getflag(msg, ns_f_rcode));
	}
}

/* dns_send_failed - res_nsend gave no usable reply: what happened */
static enum dns_status dns_send_failed(const unsigned char *query,
				       const unsigned char *reply, int err)
{
	/* res_nsend also "fails" after a SERVFAIL or REFUSED reply from
	 * every server, but leaves the last reply in our buffer: tell those
	 * from silence by its ID and QR bit. */
	if (memcmp(query, reply, 2) == 0 && (reply[2] & 0x80))
		return dns_rcode_status(reply[3] & 0x0f);
	/* a port refused at once (ICMP) is not silence */
	if (err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH)
		return DNS_UNREACHABLE;
	return DNS_TIMEOUT;
}

/*
 * dns_send - res_nsend into reply (size bytes, at least HFIXEDSZ);
 * *cut when the reply may not be whole: TC set (over TCP glibc sets it
 * when it cut the reply to the buffer) or the buffer filled up.
 */
static int dns_send(res_state res, const unsigned char *query, int qlen,
		    unsigned char *reply, int size, bool *cut)
{
	int rlen;

	memset(reply, 0, HFIXEDSZ);
	errno = 0;
	rlen = res_nsend(res, query, qlen, reply, size);
	*cut = rlen >= size || (rlen >= HFIXEDSZ && (reply[2] & 0x02));
	return rlen;
}

/* dns_classify - what res_nsend's result says */
static void dns_classify(const unsigned char *query, const unsigned char *reply,
			 int rlen, int qtype, struct dns_answer *ans, struct dns_rdata *mx)
{
	if (rlen < 0)
		ans->status = dns_send_failed(query, reply, errno);
	else if (rlen < HFIXEDSZ || memcmp(query, reply, 2) != 0)
		ans->status = DNS_MALFORMED;
	else
		dns_parse_typed(reply, rlen, qtype, ans, mx);
}

/*
 * dns_res_query - one list query, classified
 *
 * A list's answer is a few A records: it fits the 512 bytes a UDP reply
 * has without EDNS0 (res_nmkquery adds no OPT record).  So the first
 * try reads into 512 bytes on the stack with RES_IGNTC (a truncated UDP
 * reply comes back as it is, not asked again over TCP).  Only a reply
 * that did not fit is asked again with TC honoured, over TCP, into
 * *big (DNS_REPLY_MAX bytes, malloc()ed the first time): res_nsend
 * would cut a TCP reply to a smaller buffer.  Each thread touches a
 * few stack pages and, normally, nothing of the big buffer.
 */
void dns_res_query(res_state res, const char *qname, int qtype, struct dns_answer *ans,
		   struct dns_rdata *mx, unsigned char **big)
{
	unsigned char query[NS_PACKETSZ], small[NS_PACKETSZ];
	unsigned long options = res->options;
	int qlen, rlen;
	bool cut;

	memset(ans, 0, sizeof(*ans));
	if (mx != NULL)
		memset(mx, 0, sizeof(*mx));
	ans->status = DNS_ERROR;
	qlen = res_nmkquery(res, ns_o_query, qname, ns_c_in, qtype, NULL, 0,
			    NULL, query, sizeof(query));
	if (qlen < 0)
		return;
	res->options |= RES_IGNTC;
	rlen = dns_send(res, query, qlen, small, (int) sizeof(small), &cut);
	res->options = options;
	if (!cut || rlen < 0) {
		dns_classify(query, small, rlen, qtype, ans, mx);
		return;
	}
	if (*big == NULL && (*big = malloc(DNS_REPLY_MAX)) == NULL)
		return;		/* DNS_ERROR: no room for the whole reply */
	rlen = dns_send(res, query, qlen, *big, DNS_REPLY_MAX, &cut);
	dns_classify(query, *big, rlen, qtype, ans, mx);
}
