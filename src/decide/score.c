/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * score.c - each list's contribution, the total and the verdict
 * (score.h has the rules).  Texts: score_text.c.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "score.h"

/* What the failed allow lists could still add: the verdict's range. */
struct score_range {
	double lo, hi;		/* lowest / highest total over their answers */
	double lo_matched;	/* lowest total with one of them matching */
	bool any;		/* some allow list failed */
};

/* lesser, greater - fmin/fmax without libm */
static double lesser(double a, double b)
{
	return a < b ? a : b;
}

static double greater(double a, double b)
{
	return a > b ? a : b;
}

/* score_state_name - log spelling */
const char *score_state_name(enum score_state state)
{
	static const char *names[] = {"none", "hit", "miss", "failed"};

	return names[state];
}

/* score_merge - fold one query's outcome into its list's state */
static void score_merge(struct list_score *s, const struct list_verdict *lv, bool *all_miss)
{
	if (lv->outcome == OUTCOME_MATCHED) {
		if (s->state != SCORE_HIT || fabs(lv->boost) > fabs(s->points))
			s->points = lv->boost;
		s->state = SCORE_HIT;
	} else if (lv->outcome == OUTCOME_FAILED && s->state != SCORE_HIT)
		s->state = SCORE_FAILED;
	if (lv->outcome != OUTCOME_NOT_LISTED && lv->outcome != OUTCOME_NOT_ASKED)
		*all_miss = false;
}

/* score_list - one list's state and points from all of its queries */
static void score_list(const struct dns_list *list, const struct decision *d,
		       enum list_health health, struct list_score *s)
{
	bool all_miss = true, asked = false;

	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < d->nlists; i++) {
		if (d->lists[i].list != list)
			continue;
		score_merge(s, &d->lists[i], &all_miss);
		asked |= d->lists[i].outcome != OUTCOME_NOT_ASKED;
	}
	/* a list that lists nothing would add its miss to everyone */
	if (s->state == SCORE_NONE && asked && all_miss && list->role == LIST_BLOCK
	    && list->miss != 0 && health != HEALTH_LISTS_NONE) {
		s->state = SCORE_MISS;
		s->points = list->miss;
	}
}

/* score_entry_span - lowest and highest boost of a list's entries */
static void score_entry_span(const struct dns_list *list, double *lo, double *hi)
{
	*lo = *hi = list->nentries ? list->entries[0].boost : 0;
	for (unsigned i = 1; i < list->nentries; i++) {
		*lo = lesser(*lo, list->entries[i].boost);
		*hi = greater(*hi, list->entries[i].boost);
	}
}

/* score_range - what the failed allow lists could have changed */
static void score_range(const struct config *cfg, const struct decision *d,
			struct score_range *r)
{
	double lo, hi, best_extra = INFINITY;
	bool free_match = false;

	r->lo = r->hi = d->total;
	r->any = false;
	for (unsigned i = 0; i < cfg->nlists; i++) {
		if (cfg->lists[i].role != LIST_ALLOW || d->scores[i].state != SCORE_FAILED)
			continue;
		score_entry_span(&cfg->lists[i], &lo, &hi);
		r->any = true;
		r->lo += lesser(0, lo);
		r->hi += greater(0, hi);
		free_match |= lo <= 0;
		best_extra = lesser(best_extra, lo);
	}
	r->lo_matched = free_match ? r->lo : r->lo + best_extra;
}

/* score_verdict - thresholds, with the failed allow lists' range */
static enum verdict score_verdict(const struct config *cfg, const struct decision *d,
				  bool matched)
{
	struct score_range r;

	score_range(cfg, d, &r);
	if (cfg->has_reject_score && r.lo >= cfg->reject_score)
		return VERDICT_REJECT;
	if (cfg->has_reject_score && r.hi >= cfg->reject_score)
		return VERDICT_TEMPFAIL;
	if (matched)
		return r.hi <= 0 ? VERDICT_WHITELISTED : r.lo > 0 ? VERDICT_NOT_LISTED
		    : VERDICT_TEMPFAIL;
	return r.any && r.lo_matched <= 0 ? VERDICT_TEMPFAIL : VERDICT_NOT_LISTED;
}

/* score_decide - contributions, total, verdict */
void score_decide(const struct config *cfg, struct decision *d)
{
	bool matched = false;

	d->boost = 0;
	d->total = d->check_total;	/* decide() set it: the checks that fired */
	for (unsigned i = 0; i < cfg->nlists; i++) {
		struct list_score *s = &d->scores[i];

		score_list(&cfg->lists[i], d, d->health[i], s);
		d->total += s->points;
		if (s->state == SCORE_HIT && cfg->lists[i].role == LIST_ALLOW) {
			matched = true;
			d->boost += s->points;
		}
	}
	d->verdict = score_verdict(cfg, d, matched);
	d->would_reject = d->verdict == VERDICT_REJECT;
	if (d->would_reject && cfg->dry_run)
		d->verdict = VERDICT_NOT_LISTED;
}
