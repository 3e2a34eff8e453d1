/*
 * decide.h - ask every list about one client and come to a decision.
 *
 * The result is data: each list's answer, whether it matched and with
 * what boost, the verdict and the total boost.  The reply, the log line
 * and the amavis SQL writer all read the same struct decision.
 */
#ifndef DNSWL_DECIDE_H
#define DNSWL_DECIDE_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "lookup.h"

enum verdict {
	VERDICT_WHITELISTED,	/* at least one allow list matched */
	VERDICT_NOT_LISTED,	/* nothing matched, every list answered */
	VERDICT_TEMPFAIL,	/* nothing matched, some list failed */
};

enum list_outcome {
	OUTCOME_MATCHED,	/* an answer matched an `ips` entry */
	OUTCOME_NOT_LISTED,	/* NXDOMAIN or NODATA */
	OUTCOME_NO_MATCH,	/* listed, but with codes not in `ips` */
	OUTCOME_REFUSAL,	/* only refusal codes (127.0.0.255, 127.255.255.x) */
	OUTCOME_BOGUS,		/* only answers outside 127.0.0.0/8 */
	OUTCOME_FAILED,		/* SERVFAIL, REFUSED, timeout, malformed, skipped */
	OUTCOME_NOT_ASKED,	/* domain list without a verified client name */
};

struct list_verdict {
	const struct dns_list *list;
	struct lookup_result res;
	enum list_outcome outcome;
	double boost;		/* OUTCOME_MATCHED only */
};

struct decision {
	enum verdict verdict;
	double boost;		/* sum over matched lists */
	unsigned nlists;
	struct list_verdict lists[CFG_MAX_LISTS];
};

/*
 * decide - ask every list in cfg about the client.  client_addr may be
 * NULL or "unknown" (then no list is asked: NOT_LISTED); client_name is
 * the verified name or NULL/"unknown".  Always fills *d.
 */
void decide(struct lookup_ctx *ctx, const struct config *cfg,
	    const char *client_addr, const char *client_name, struct decision *d);

/* decision_action - the configured action text for d's verdict. */
const char *decision_action(const struct config *cfg, const struct decision *d);

/* outcome_name - "match", "nomatch", "refusal"... for logs. */
const char *outcome_name(enum list_outcome outcome);

/*
 * decision_lists_text - append "ZONE=ANSWER:SOURCE[:EXTRA]" for every
 * list to buf (space separated).  Returns false on truncation.
 */
bool decision_lists_text(const struct decision *d, char *buf, size_t size);

#endif
