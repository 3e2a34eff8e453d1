/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns.h - DNS list queries with the blocking glibc resolver.
 *
 * A resolver state per caller (nameserver, timeout, attempts from the
 * config): the worker threads of dns_pool.h each own one.  Queries are
 * built with res_nmkquery and sent with res_nsend, so the raw reply is
 * at hand: rcode, the answer's TTL and, for negative answers, the SOA
 * minimum from the authority section (RFC 2308).
 */
#ifndef DNSWL_DNS_H
#define DNSWL_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <resolv.h>
#include <stdint.h>

#define DNS_MAX_ADDRS	16	/* A records kept from one answer */
#define DNS_NAME_MAX	254	/* presentation form, with the NUL */
#define DNS_MAX_SERVERS	3	/* MAXNS of the glibc resolver */
#define DNS_MAX_PARALLEL 64	/* hard cap of dns_max_parallel */
/* A reply buffer: the largest DNS message.  A reply with TC set over
 * UDP is asked again over TCP (up to 65535 bytes), and res_nsend cuts
 * a TCP reply longer than its buffer. */
#define DNS_REPLY_MAX	NS_MAXMSG

/* What one list query came to. */
enum dns_status {
	DNS_ANSWER,		/* NOERROR with at least one A record */
	DNS_NXDOMAIN,		/* not listed */
	DNS_NODATA,		/* name exists, no A record: not listed */
	DNS_SERVFAIL,		/* failures from here on */
	DNS_REFUSED,
	DNS_TIMEOUT,		/* no reply within timeout * attempts */
	DNS_MALFORMED,		/* reply we cannot parse, or mismatched */
	DNS_ERROR,		/* anything else (FORMERR, local error) */
	DNS_UNREACHABLE,	/* every server refused at once (ICMP) */
};

struct dns_answer {
	enum dns_status status;
	unsigned naddr;			/* DNS_ANSWER: number of words */
	uint32_t addr[DNS_MAX_ADDRS];	/* host byte order; an AAAA answer
					 * takes 4 words per address (at
					 * most 4 addresses), an MX answer
					 * none (struct dns_rdata) */
	uint32_t ttl;			/* seconds: A TTL or negative TTL;
					 * 0 when the reply gave none */
};

#define DNS_MAX_MX	4	/* MX hosts kept from one answer */
#define DNS_TXT_MAX	4096	/* TXT bytes kept from one answer */

/*
 * What an MX, PTR or TXT answer holds besides addresses: the MX hosts
 * or PTR names (as they came, at most DNS_MAX_MX), or the TXT records, each one's strings joined, NUL bytes
 * in them replaced by '?', each ended by a NUL (records that do not
 * fit are dropped).
 */
struct dns_rdata {
	unsigned nhost;
	bool null_mx;			/* RFC 7505 "0 ." */
	char host[DNS_MAX_MX][DNS_NAME_MAX];
	unsigned ntxt;			/* records in txt */
	size_t txtlen;			/* bytes used in txt */
	char txt[DNS_TXT_MAX];
};

/* A DNS server: an IPv4 or IPv6 address and a port. */
struct dns_server {
	char host[64];
	unsigned port;
};

struct dns_settings {
	struct dns_server servers[DNS_MAX_SERVERS];
	unsigned nservers;		/* 0: the system resolver config */
	unsigned timeout;		/* seconds per try */
	unsigned attempts;		/* tries per server */
	unsigned max_parallel;		/* queries in flight per process;
					 * 0: every query of one request */
};

/*
 * dns_check_settings - true when dns_res_open can use the settings (the
 * server addresses); otherwise false with the reason in err.  Reads no
 * file: res_ninit's /etc/resolv.conf waits for the first query.
 */
bool dns_check_settings(const struct dns_settings *settings, char *err,
			size_t errsize);

/*
 * dns_res_open - set up *res (res_ninit) with the configured servers,
 * timeout and attempts, no search list.  Returns true on success; on
 * failure writes a reason into err and leaves nothing to close.
 */
bool dns_res_open(res_state res, const struct dns_settings *settings,
		  char *err, size_t errsize);

/*
 * dns_res_limit - set *res's tries from the settings, cut to left_ms
 * milliseconds when that is less than timeout * attempts (left_ms <= 0:
 * not cut): fewer attempts, or one try of the seconds left (rounded to
 * the nearest, at least one: the resolver counts in whole seconds, so a
 * query may end up to a second past the deadline).
 */
void dns_res_limit(res_state res, const struct dns_settings *settings, long left_ms);

/* dns_now_ms - a monotonic clock in milliseconds (for deadlines). */
long dns_now_ms(void);

/* dns_res_close - free what dns_res_open() set up in *res. */
void dns_res_close(res_state res);

/*
 * dns_res_query - ask for the records of type qtype (ns_t_a, ns_t_aaaa,
 * ns_t_mx, ns_t_ptr or ns_t_txt; for MX, PTR and TXT *mx gets them (PTR
 * names as host names), else mx may be NULL) of qname
 * with the state *res (one thread at a time per state).  *big is NULL or a DNS_REPLY_MAX
 * buffer of the caller's: a reply longer than a UDP packet is read into
 * it (allocated here the first time one comes; the caller frees it).
 * Always fills *ans; ans->status says how it went.  Blocks at most
 * about timeout * attempts seconds per configured server (twice that
 * for a reply too long for UDP).
 */
void dns_res_query(res_state res, const char *qname, int qtype, struct dns_answer *ans,
		   struct dns_rdata *mx, unsigned char **big);

/* dns_failed - true for the statuses that mean "no usable answer". */
bool dns_failed(enum dns_status status);

/* dns_status_name - "NXDOMAIN", "SERVFAIL", "timeout" and so on. */
const char *dns_status_name(enum dns_status status);

/*
 * dns_parse_reply - classify a raw reply (exposed for unit tests and
 * fuzzing).  Fills *ans from msg[0..len).
 */
void dns_parse_reply(const unsigned char *msg, int len, struct dns_answer *ans);

/*
 * dns_parse_typed - dns_parse_reply for a reply to a qtype query: A,
 * AAAA (4 words per address), MX, PTR or TXT (names or records into *mx,
 * never NULL then; status DNS_ANSWER with naddr 0 when there is at
 * least one host, a null MX or a record).
 */
void dns_parse_typed(const unsigned char *msg, int len, int qtype, struct dns_answer *ans,
		     struct dns_rdata *mx);

/*
 * dns_reverse_ip - write the reversed form of an IPv4 or IPv6 address
 * ("4.3.2.1" or 32 nibbles) into buf.  Returns false for a string that
 * is not an address, or when buf is too small.
 */
bool dns_reverse_ip(const char *addr, char *buf, size_t size);

/*
 * dns_list_name - join a reversed address or domain with a list zone
 * into a query name.  Returns false when the result is not a valid
 * name (too long, empty label).
 */
bool dns_list_name(const char *prefix, const char *zone, char *buf, size_t size);

/*
 * dns_registrable_domain - the registrable domain of a host name by
 * the Public Suffix List (libpsl), lowercased, into buf.  Returns false
 * for a name that has none (a bare suffix, an IP literal, junk).
 */
bool dns_registrable_domain(const char *host, char *buf, size_t size);

/*
 * dns_host_name - host (a HELO name, a sender's domain, a client name)
 * as a block list asks it: lowercased, without a trailing dot, into
 * buf.  Returns false for anything but a host name with at least two
 * labels (an address, an address literal, junk, too long).
 */
bool dns_host_name(const char *host, char *buf, size_t size);

#endif
