/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grey_state.c - the greylist's rules on one record.
 */
#include "config.h"

#include "grey_state.h"

/* grey_trip_expires - pending: first + retry_window; passed: last + max_age */
int64_t grey_trip_expires(const struct grey_settings *s, const struct grey_trip *t)
{
	return t->passed ? t->last + (int64_t)s->max_age : t->first + (int64_t)s->retry_window;
}

/* grey_trip_step - new, early, passed or known */
int64_t grey_trip_step(const struct grey_settings *s, bool found, struct grey_trip *t,
		       int64_t now, struct grey_step *out)
{
	int64_t waited = found ? now - t->first : 0;

	out->secs = 0;
	if (found && t->passed && now - t->last <= (int64_t)s->max_age) {
		out->kind = GREY_KNOWN;
	} else if (found && !t->passed && waited >= 0 && waited < (int64_t)s->delay) {
		out->kind = GREY_EARLY;
		out->secs = (long)((int64_t)s->delay - waited);
	} else if (found && !t->passed && waited >= 0 && waited <= (int64_t)s->retry_window) {
		out->kind = GREY_PASSED;
		out->secs = (long)waited;
		t->passed = now;
	} else {
		out->kind = GREY_NEW;
		t->first = now;
		t->passed = 0;
	}
	t->last = now;
	return grey_trip_expires(s, t);
}

/* grey_net_listed - enough passes, used within max_age */
bool grey_net_listed(const struct grey_settings *s, bool found, const struct grey_net *n,
		     int64_t now)
{
	return found && s->auto_whitelist > 0 && n->count >= (int64_t)s->auto_whitelist
	    && now - n->last <= (int64_t)s->max_age;
}

/* grey_net_pass - one more pass, counted at most once an hour */
int64_t grey_net_pass(const struct grey_settings *s, bool found, struct grey_net *n, int64_t now)
{
	if (!found || now - n->last > (int64_t)s->max_age)
		n->count = n->counted = 0;
	if (n->counted == 0 || now - n->counted >= GREY_COUNT_INTERVAL) {
		n->count++;
		n->counted = now;
	}
	n->last = now;
	return now + (int64_t)s->max_age;
}
