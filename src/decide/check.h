/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check.h - the client checks of [checks]: plain, separately weighted
 * evidence about the client's names, HELO and sender, on the same scale
 * as the lists.
 *
 * Each check that fires adds its own score to the total, nothing else:
 * no check ever scales another or a list.  The checks that need DNS
 * (helo_mismatch: the HELO's A/AAAA; sender_bad_domain: the sender
 * domain's MX, A and AAAA) put their queries into the request's one
 * lookup batch (check_queries); the MX hosts' addresses are a second,
 * bounded batch within the same request deadline (lookup_begin) (check_finish, at most 2 * DNS_MAX_MX queries).  Their
 * answers are cached under the pseudo-lists CHECK_ZONE_A,
 * CHECK_ZONE_AAAA, CHECK_ZONE_MX, CHECK_ZONE_TXT and CHECK_ZONE_PTR (the
 * last three with their names or text, cache_get_data), and the sender
 * verdict under CHECK_ZONE_MX.  A check
 * whose lookup fails scores nothing and says "failed".
 */
#ifndef DNSWL_CHECK_H
#define DNSWL_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "lookup.h"

struct client;

/* Cache pseudo-list names: no list zone can hold a colon. */
#define CHECK_ZONE_A	"check:a"
#define CHECK_ZONE_AAAA	"check:aaaa"
#define CHECK_ZONE_MX	"check:mx"	/* MX answers (data) and the sender verdict */
#define CHECK_ZONE_TXT	"check:txt"
#define CHECK_ZONE_PTR	"check:ptr"

enum check_state {
	CKS_OFF,		/* score 0: not evaluated */
	CKS_NA,			/* nothing to judge (no HELO, no sender...) */
	CKS_CLEAR,		/* did not fire */
	CKS_FIRED,		/* fired: its score counts */
	CKS_FAILED,		/* a lookup it needs failed: scores nothing */
};

struct check_result {
	enum check_state state;
	double points;		/* CKS_FIRED: the configured score */
};

/* Queries of one request's checks in the first batch, and follow-ups. */
#define CHECK_MAX_QUERIES	6
#define CHECK_MAX_FOLLOW	(2 * DNS_MAX_MX)

/* The lookups of one request's checks. */
struct check_lookups {
	char helo[DNS_NAME_MAX];	/* "" : helo_mismatch not asked */
	char domain[DNS_NAME_MAX];	/* "" : sender_bad_domain not asked */
	bool noted;			/* the sender verdict came from the cache */
	bool noted_bad;
	struct lookup_result helo_a, helo_aaaa, mx, dom_a, dom_aaaa;
	struct dns_rdata hosts;
	struct lookup_result host[CHECK_MAX_FOLLOW];
	char spf_domain[DNS_NAME_MAX];	/* "" : SPF not evaluated */
	struct lookup_result spf_txt;	/* its TXT, asked in the first batch */
	struct dns_rdata spf_rd;
};

/* SPF: at most this many lookups after the first batch's TXT. */
#define CHECK_SPF_MAX_LOOKUPS	20

/*
 * check_spf_queries - the SPF check's first query (the TXT of the
 * sender's domain, or of the HELO for the null sender) into q; 0 or 1.
 */
unsigned check_spf_queries(const struct config *cfg, const struct client *c,
			   struct check_lookups *lk, struct lookup_query *q);

/*
 * check_spf - evaluate SPF (libspf2, its DNS through lookup_batch: the
 * cache and the pool, one lookup at a time, none once the request's
 * deadline has passed (lookup_begin), after a timeout, or past
 * CHECK_SPF_MAX_LOOKUPS) and set the spf_*
 * results in out.  A temporary error or the bound: the enabled spf_*
 * checks fail.  Without libspf2: nothing.
 */
void check_spf(struct lookup_ctx *ctx, const struct config *cfg, const struct client *c,
	       struct check_lookups *lk, struct check_result *out);

/*
 * check_query - a check's query of qtype for qname (copied into
 * res->qname) under the pseudo-list zone; mx: MX or TXT data (then not
 * cached).
 */
struct lookup_query check_query(const char *zone, const char *qname, int qtype,
				struct lookup_result *res, struct dns_rdata *mx);

/* check_sender_domain - the envelope sender's domain, a host name, into buf. */
bool check_sender_domain(const struct client *c, char *buf, size_t size);

/* check_spf_enabled - is any spf_* score set? */
bool check_spf_enabled(const struct config *cfg);

/*
 * check_queries - reset *lk and append the first-batch queries of the
 * enabled DNS checks to q (room for CHECK_MAX_QUERIES).  Returns how
 * many it added.  The queries point into *lk.
 */
unsigned check_queries(struct lookup_ctx *ctx, const struct config *cfg,
		       const struct client *c, struct check_lookups *lk,
		       struct lookup_query *q);

/*
 * check_finish - after the first batch: the MX hosts' addresses (a
 * second batch when needed), then every check's result into
 * out[CK_COUNT].  Returns the sum of the fired checks' scores.
 */
double check_finish(struct lookup_ctx *ctx, const struct config *cfg,
		    const struct client *c, struct check_lookups *lk,
		    struct check_result *out);

/*
 * check_local - the checks that need no DNS, into out (the others are
 * left alone).
 */
void check_local(const struct config *cfg, const struct client *c,
		 struct check_result *out);

/*
 * check_addr_in_name - does name spell the whole of address: an IPv4
 * address's four numbers in a row (either order), an IPv6 address's
 * eight hex groups (or fewer with "--" for the zeros), or its 32
 * nibbles in a row (either order)?  See check_addr.c.
 */
bool check_addr_in_name(const char *name, const char *address);

/* check_known - s is a real value: not NULL, "" or Postfix's "unknown". */
bool check_known(const char *s);

/* check_state_name - "fired", "failed", "clear", "n/a" or "off". */
const char *check_state_name(enum check_state state);

/*
 * check_text - append " KEY=+SCORE" for each fired check and
 * " KEY=failed" for each failed one (sep before the first: " " or
 * "; ").  Returns false on truncation.
 */
bool check_text(const struct check_result *r, const char *sep, char *buf, size_t size);

/*
 * check_is_private - true for loopback, private (RFC 1918, ULA),
 * link-local, unspecified addresses: words is 1 (IPv4) or 4 (IPv6).
 */
bool check_is_private(const uint32_t *addr, unsigned words);

#endif
