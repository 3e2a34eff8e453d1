/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * score.h - weighted scoring: allow and block lists on one scale.
 *
 * Pure functions over the per-query outcomes of a struct decision
 * (decide.h): each list's contribution, the total, the verdict by the
 * thresholds, and the texts of the reject reply and of the header.
 * Nothing here asks DNS, so all of it can be tested from hand-made
 * outcomes.
 *
 * The rules (dnswl.cfg(5) "SCORING"):
 *	total = boosts of the matched allow lists + scores of the matched
 *		block lists + the miss scores that apply
 *	total >= reject_score			-> reject
 *	an allow list matched and total <= 0	-> OK
 *	otherwise				-> DUNNO (or the header)
 * A list asked for several names counts once, with its strongest
 * entry.  A failed block list counts as not listed (no hit, no miss).
 * A failed allow list defers only when some answer it could have given
 * would change the verdict.  Refusal and non-127 codes never score.
 */
#ifndef DNSWL_SCORE_H
#define DNSWL_SCORE_H

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "decide.h"

/* The longest header line, field name included (RFC 5322: 998). */
#define SCORE_HEADER_MAX	998

/*
 * score_decide - fill d->scores, d->boost (matched allow lists only:
 * the amavis row), d->total, d->would_reject and d->verdict from the
 * outcomes in d->lists.  With dry_run a reject verdict becomes
 * VERDICT_NOT_LISTED; d->would_reject still says it.
 */
void score_decide(const struct config *cfg, struct decision *d);

/*
 * score_reject_text - cfg->action_reject with "$lists" replaced by the
 * zones of the block lists that hit (", " separated, config order;
 * "none" when only miss scores added up).  Zones come from the config
 * only, never from a request.  Returns false when buf was too small
 * (buf then ends in "...").
 */
bool score_reject_text(const struct config *cfg, const struct decision *d,
		       char *buf, size_t size);

/*
 * score_header_text - "PREPEND HEADER: total=T; ZONE=ANSWER POINTS; ..."
 * for cfg->header, one line of at most SCORE_HEADER_MAX bytes after
 * "PREPEND " (lists that do not fit are cut, ending in "; ...").
 * Returns false when cfg->header is empty.
 */
bool score_header_text(const struct config *cfg, const struct decision *d,
		       char *buf, size_t size);

/* score_state_name - "hit", "miss", "failed" or "none" for logs. */
const char *score_state_name(enum score_state state);

#endif
