/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * health.h - is a list working as a whole?  RFC 5782 probes per list.
 *
 * An IP list must list 2.0.0.127.<zone> and must not list
 * 1.0.0.127.<zone>; a domain list test.<zone> and invalid.<zone>.  From
 * the answers a list is healthy, lists everything (disabled: not asked,
 * its answers count for nothing), lists nothing (a listing still counts,
 * its miss score never applies), refusing (disabled), or unknown (its
 * answers do not count until a probe says healthy).  The probes of a
 * list whose state is unknown or due go into the request's own
 * lookup_batch(), so they never make it slower than its slowest list.
 * The state is shared through the cache file (cache.h); one process
 * claims each probe.  Uncached, each process keeps its own state.
 * `probe_interval = 0` or a list's `probe = no`: never probed, its
 * answers always count.
 */
#ifndef DNSWL_HEALTH_H
#define DNSWL_HEALTH_H

#include <stdbool.h>
#include <time.h>

#include "cache.h"
#include "cfg.h"
#include "lookup.h"

/* The probes of one request. */
struct health_view {
	enum list_health state[CFG_MAX_LISTS];	/* what counts for this request */
	bool off[CFG_MAX_LISTS];		/* never probed: counts as healthy */
	bool probing[CFG_MAX_LISTS];		/* probed now (until health_finish) */
	struct lookup_result probe[CFG_MAX_LISTS][2];	/* must, must-not */
};

/*
 * health_plan - each list's state for this request at now, and which
 * lists this request probes (claimed in the cache file).  Fills *hv.
 */
void health_plan(struct lookup_ctx *ctx, const struct config *cfg, struct health_view *hv,
		 time_t now);

/*
 * health_queries - append the probe queries of hv to q (room for
 * 2 * cfg->nlists more); returns the new count.
 */
unsigned health_queries(const struct config *cfg, struct health_view *hv,
			struct lookup_query *q, unsigned n);

/*
 * health_finish - judge the probes answered by the batch, store the
 * states (shared), log each change once; hv->state then holds them.
 */
void health_finish(struct lookup_ctx *ctx, const struct config *cfg, struct health_view *hv);

/*
 * health_refusal - a real answer of list index i carried only refusal
 * codes: mark it refusing (shared) until its next probe.  No-op for a
 * list that is never probed.
 */
void health_refusal(struct lookup_ctx *ctx, const struct config *cfg, struct health_view *hv,
		    unsigned i, const struct dns_answer *ans);

/*
 * health_asked - are list i's queries sent at all?  Not for a disabled
 * list, unless this request probes it (it may have recovered).
 */
bool health_asked(const struct health_view *hv, unsigned i);

/* health_counts - does list i's answer count (healthy or lists nothing)? */
bool health_counts(const struct health_view *hv, unsigned i);

#endif
