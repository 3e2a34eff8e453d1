/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * decide.h - ask every list about one client and come to a decision.
 *
 * The result is data: each query's answer (an IP list asks one name, a
 * block domain list one per name it checks), whether it matched and
 * with what boost or score, each list's contribution, the total and
 * the verdict (score.h).  The reply, the log line and the amavis SQL
 * writer all read the same struct decision.
 */
#ifndef DNSWL_DECIDE_H
#define DNSWL_DECIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "cache.h"
#include "cfg.h"
#include "check.h"
#include "lookup.h"

enum verdict {
	VERDICT_WHITELISTED,	/* an allow list matched, total <= 0: action_ok */
	VERDICT_NOT_LISTED,	/* action_dunno (or the header) */
	VERDICT_TEMPFAIL,	/* a failed allow list could change it: defer */
	VERDICT_REJECT,		/* total >= reject_score: action_reject */
};

enum list_outcome {
	OUTCOME_MATCHED,	/* an answer matched an `ips` entry */
	OUTCOME_NOT_LISTED,	/* NXDOMAIN or NODATA */
	OUTCOME_NO_MATCH,	/* listed, but with codes not in `ips` */
	OUTCOME_REFUSAL,	/* only refusal codes (127.0.0.255, 127.255.255.x) */
	OUTCOME_BOGUS,		/* only answers outside 127.0.0.0/8 */
	OUTCOME_FAILED,		/* SERVFAIL, REFUSED, timeout, malformed, skipped */
	OUTCOME_NOT_ASKED,	/* domain list without a verified client name */
	OUTCOME_DISABLED,	/* list disabled by its health: not asked */
	OUTCOME_IGNORED,	/* answer ignored: the list's health is unknown */
};

/* One query: a list and, for a block domain list, the name it checks. */
struct list_verdict {
	const struct dns_list *list;
	unsigned index;		/* of list in cfg->lists, d->scores */
	unsigned check;		/* enum list_check bit; 0: IP list or dwl */
	struct lookup_result res;
	enum list_outcome outcome;
	double boost;		/* OUTCOME_MATCHED only: boost or score */
};

/* What a list adds to the total (score.h). */
enum score_state {
	SCORE_NONE,		/* nothing: not listed, not asked, refusal... */
	SCORE_HIT,		/* matched: its strongest entry */
	SCORE_MISS,		/* block list, every query NXDOMAIN/NODATA */
	SCORE_FAILED,		/* no match, a query failed */
};

struct list_score {
	enum score_state state;
	double points;		/* what it adds to the total */
};

#define DECIDE_MAX_QUERIES	CFG_MAX_QUERIES

struct decision {
	enum verdict verdict;
	double boost;		/* sum over matched allow lists (amavis) */
	double total;		/* every list's points */
	bool would_reject;	/* total >= reject_score (also in dry_run) */
	unsigned nlists;	/* queries in lists[] */
	struct list_verdict lists[DECIDE_MAX_QUERIES];
	struct list_score scores[CFG_MAX_LISTS];	/* by cfg->lists index */
	enum list_health health[CFG_MAX_LISTS];	/* by cfg->lists index (health.h) */
	bool probed[CFG_MAX_LISTS];		/* health probes are on for it */
	struct check_result checks[CK_COUNT];		/* [checks], by enum check_id */
	double check_total;		/* the fired checks' scores (in total) */
	struct check_lookups ck;	/* the checks' DNS answers */
};

/* The names of the client that lists may ask; NULL or "unknown": none. */
struct client {
	const char *address;		/* IP lists */
	const char *name;		/* verified client name */
	const char *reverse_name;	/* unverified PTR name */
	const char *helo;
	const char *sender;		/* envelope sender address */
	const char *recipient;		/* sender_is_recipient; NULL: none */
};

/*
 * decide - ask every list in cfg about the client, all at once, and
 * score the answers.  With no known address no list is asked
 * (NOT_LISTED).  Always fills *d.
 */
void decide(struct lookup_ctx *ctx, const struct config *cfg,
	    const struct client *client, struct decision *d);

/*
 * decision_action - the configured action text for d's verdict (for a
 * reject: action_reject with its lists, built in buf; buf is used only
 * then).
 */
const char *decision_action(const struct config *cfg, const struct decision *d,
			    char *buf, size_t size);

/*
 * decision_answer_text - append the answer of one query: its codes
 * ("127.0.0.2,127.0.0.4"), its status ("NXDOMAIN") or "not-asked".
 * Returns false on truncation.
 */
bool decision_answer_text(const struct list_verdict *lv, char *buf, size_t size);

/*
 * decision_points_text - append what lv adds: "+2.0" for a match,
 * "miss+0.5" when its list's miss score applies, nothing otherwise.
 */
bool decision_points_text(const struct decision *d, const struct list_verdict *lv,
			  char *buf, size_t size);

/*
 * decision_asked - false when lv's query was not sent: no name to ask
 * (OUTCOME_NOT_ASKED) or its list disabled before the request.
 */
bool decision_asked(const struct list_verdict *lv);

/* outcome_name - "match", "nomatch", "refusal"... for logs. */
const char *outcome_name(enum list_outcome outcome);

/*
 * decision_lists_text - append "ZONE[CHECK]=ANSWER:SOURCE[:EXTRA]" for
 * every query to buf (space separated); EXTRA is the signed boost or
 * score of a match, "miss+N" for a block list's applied miss score, or
 * the outcome of a listing that does not count.  Returns false on
 * truncation.
 */
bool decision_lists_text(const struct decision *d, char *buf, size_t size);

#endif
