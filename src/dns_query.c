/*
 * dns_query.c - one A query with a caller's own resolver state.
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

/* dns_collect_a - A records of the answer section, minimum TTL */
static bool dns_collect_a(ns_msg *msg, struct dns_answer *ans)
{
	ns_rr rr;
	int n = ns_msg_count(*msg, ns_s_an);

	for (int i = 0; i < n; i++) {
		if (ns_parserr(msg, ns_s_an, i, &rr) != 0)
			return false;
		if (ns_rr_type(rr) != ns_t_a || ns_rr_class(rr) != ns_c_in)
			continue;	/* CNAMEs on the way are fine */
		if (ns_rr_rdlen(rr) != 4)
			return false;
		if (ans->naddr == 0 || ns_rr_ttl(rr) < ans->ttl)
			ans->ttl = ns_rr_ttl(rr);
		if (ans->naddr < DNS_MAX_ADDRS)
			ans->addr[ans->naddr++] = ns_get32(ns_rr_rdata(rr));
	}
	return true;
}

/* dns_rcode_status - the failure an rcode stands for */
static enum dns_status dns_rcode_status(int rcode)
{
	return rcode == ns_r_servfail ? DNS_SERVFAIL
	    : rcode == ns_r_refused ? DNS_REFUSED : DNS_ERROR;
}

/* dns_parse_reply - classify a raw reply */
void dns_parse_reply(const unsigned char *buf, int len, struct dns_answer *ans)
{
	ns_msg msg;

	memset(ans, 0, sizeof(*ans));
	if (len < HFIXEDSZ || ns_initparse(buf, len, &msg) != 0) {
		ans->status = DNS_MALFORMED;
		return;
	}
	switch (ns_msg_getflag(msg, ns_f_rcode)) {
	case ns_r_noerror:
		if (!dns_collect_a(&msg, ans)) {
			memset(ans, 0, sizeof(*ans));	/* no partial addresses */
			ans->status = DNS_MALFORMED;
		}
		else if (ans->naddr > 0)
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
			 int rlen, struct dns_answer *ans)
{
	if (rlen < 0)
		ans->status = dns_send_failed(query, reply, errno);
	else if (rlen < HFIXEDSZ || memcmp(query, reply, 2) != 0)
		ans->status = DNS_MALFORMED;
	else
		dns_parse_reply(reply, rlen, ans);
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
void dns_res_query(res_state res, const char *qname, struct dns_answer *ans,
		   unsigned char **big)
{
	unsigned char query[NS_PACKETSZ], small[NS_PACKETSZ];
	unsigned long options = res->options;
	int qlen, rlen;
	bool cut;

	memset(ans, 0, sizeof(*ans));
	ans->status = DNS_ERROR;
	qlen = res_nmkquery(res, ns_o_query, qname, ns_c_in, ns_t_a, NULL, 0,
			    NULL, query, sizeof(query));
	if (qlen < 0)
		return;
	res->options |= RES_IGNTC;
	rlen = dns_send(res, query, qlen, small, (int) sizeof(small), &cut);
	res->options = options;
	if (!cut || rlen < 0) {
		dns_classify(query, small, rlen, ans);
		return;
	}
	if (*big == NULL && (*big = malloc(DNS_REPLY_MAX)) == NULL)
		return;		/* DNS_ERROR: no room for the whole reply */
	rlen = dns_send(res, query, qlen, *big, DNS_REPLY_MAX, &cut);
	dns_classify(query, *big, rlen, ans);
}
