/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grey_state.h - what one greylist record means and becomes: pure
 * functions of (settings, record, now), shared by every store, so the
 * file and the SQL store decide alike (the SQL store feeds them the
 * database's clock).
 */
#ifndef DNSWL_GREY_STATE_H
#define DNSWL_GREY_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "grey_cfg.h"

/* A triplet: first seen, last used, first passed (0 = pending). */
struct grey_trip {
	int64_t first;
	int64_t last;
	int64_t passed;
};

/* A client network: passes counted (at most one an hour), last count, last use. */
struct grey_net {
	int64_t count;
	int64_t counted;
	int64_t last;
};

enum grey_kind {
	GREY_NEW,		/* first seen now: defer */
	GREY_EARLY,		/* retry before delay: defer, first unchanged */
	GREY_PASSED,		/* first retry after delay, within retry_window */
	GREY_KNOWN,		/* passed before, used within max_age */
};

struct grey_step {
	enum grey_kind kind;
	long secs;		/* EARLY: seconds left; PASSED: seconds waited */
};

#define GREY_COUNT_INTERVAL	3600	/* a network's passes: once an hour */

/*
 * grey_trip_step - the triplet's fate at now: fills *out and changes *t
 * (found false: *t is ignored and set as new).  Returns the time the
 * new record expires.
 */
int64_t grey_trip_step(const struct grey_settings *s, bool found, struct grey_trip *t,
		       int64_t now, struct grey_step *out);

/* grey_net_listed - is the network auto-whitelisted at now? */
bool grey_net_listed(const struct grey_settings *s, bool found, const struct grey_net *n,
		     int64_t now);

/*
 * grey_net_pass - count a pass of the network at now (at most one per
 * GREY_COUNT_INTERVAL) and note its use.  Returns the expiry time.
 */
int64_t grey_net_pass(const struct grey_settings *s, bool found, struct grey_net *n, int64_t now);

/* grey_trip_expires - when a record in state t expires. */
int64_t grey_trip_expires(const struct grey_settings *s, const struct grey_trip *t);

#endif
