/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_sched.c - when the [sql] max_age expiry runs: one process per
 * host at a time (a claim in the shared area, void after claim_ttl), at
 * most once per `every` seconds unless the last batch asked for more.
 */
#include "config.h"

#include <unistd.h>

#include "amavis_set_int.h"

/* expire_due - is the next batch due, and nobody running one? */
static bool expire_due(const struct set_header *h, time_t now, unsigned long every,
		       unsigned long claim_ttl)
{
	/* (a time far ahead was set before the clock went back) */
	bool come = now >= h->expire_after || h->expire_after - now > (time_t) every;
	bool claimed = h->expire_claimed != 0 && now >= h->expire_claimed
		&& now - h->expire_claimed <= (time_t) claim_ttl;

	return come && !claimed;
}

/* amavis_set_expire_claim - claim the next expiry batch if it is due */
bool amavis_set_expire_claim(const struct amavis_shm *shm, time_t now, unsigned long every,
			     unsigned long claim_ttl)
{
	struct set_header *h = amavis_set_locked(shm);
	bool due;

	if (h == NULL)
		return false;
	if ((due = expire_due(h, now, every, claim_ttl))) {
		amavis_set_begin(h);
		h->expire_claimed = now;
		h->expire_pid = getpid();
		amavis_set_end(h);
	}
	shm->unlock(shm->ctx);
	return due;
}

/* amavis_set_expire_done - our batch is over; the next not before `next` */
void amavis_set_expire_done(const struct amavis_shm *shm, time_t next)
{
	struct set_header *h = amavis_set_locked(shm);

	if (h == NULL)
		return;
	amavis_set_begin(h);
	if (h->expire_pid == getpid())
		h->expire_claimed = 0;
	h->expire_after = next;
	amavis_set_end(h);
	shm->unlock(shm->ctx);
}
