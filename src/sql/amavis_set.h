/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_set.h - the set of senders that may have auto rows, shared by
 * every dnswl process on a host through the cache file's aux area.
 *
 * A Bloom filter (no false negatives) rebuilt from the database at most
 * once per cleanup_interval by whichever process finds it stale, plus
 * what the processes on this host added and cleaned since.  It lets a
 * non-whitelisted request decide "nothing to delete" without a database
 * connection.  A damaged area (bad magic, checksum, or a writer killed
 * half-way) is detected and rebuilt; while in doubt the answer is
 * "ask the database", never "nothing to delete".
 */
#ifndef DNSWL_AMAVIS_SET_H
#define DNSWL_AMAVIS_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "amavis_addr.h"

/* The longest a database failure keeps processes away (seconds). */
#define AMAVIS_BACKOFF_MAX	60

/* A shared memory area and its inter-process lock. */
struct amavis_shm {
	void *base;			/* NULL: no area (uncached) */
	size_t size;
	bool (*lock)(void *ctx);	/* false: could not lock */
	void (*unlock)(void *ctx);
	void *ctx;
};

enum set_answer {
	SET_ABSENT,	/* fresh set, no key in it: nothing to delete */
	SET_PRESENT,	/* some key may have auto rows: delete */
	SET_UNKNOWN,	/* no usable set, or another process refreshes: delete */
	SET_REFRESH,	/* stale; this process claimed the refresh: delete, refresh */
};

/* What a lookup saw, handed back to the calls that follow it. */
struct set_ticket {
	time_t when;		/* time of the lookup */
	uint64_t adds;		/* adds counter at the lookup */
	uint64_t seed;		/* SET_REFRESH: hash seed for the new filter */
	uint32_t nwords;	/* SET_REFRESH: filter size in 64-bit words */
	time_t fail_until;	/* database failing until then (0: not) */
};

/*
 * amavis_set_lookup - may any of keys[0..n) have auto rows?  interval is
 * cleanup_interval (> 0); claim_ttl how long another process's refresh
 * claim is honoured.  Fills *t.
 */
enum set_answer amavis_set_lookup(const struct amavis_shm *shm, const amavis_key keys[],
				  size_t n, time_t now, unsigned long interval,
				  unsigned long claim_ttl, struct set_ticket *t);

/*
 * amavis_set_add - key is about to get (and again: just got) an auto row.
 * Called before the write so that concurrent lookups see it, and after
 * the commit so that a refresh that read the database in between
 * cannot lose it.  Returns false when the set could not be updated (no
 * lock in time): then the row must not be written.  No area: true.
 */
bool amavis_set_add(const struct amavis_shm *shm, const char *key);

/*
 * amavis_set_cleaned - the auto rows of keys[0..n) were deleted after
 * lookup t: later lookups may answer SET_ABSENT for them until a new
 * add or refresh (unless one of them was added since t).
 */
void amavis_set_cleaned(const struct amavis_shm *shm, const amavis_key keys[], size_t n,
			const struct set_ticket *t);

/*
 * amavis_set_install - replace the filter with words (t->nwords words,
 * built with amavis_set_fill from a database snapshot read after the
 * SET_REFRESH lookup t), keeping what was added since (words is
 * modified).  Returns false when the area was rebuilt meanwhile
 * (nothing installed; the next lookup refreshes again).
 */
bool amavis_set_install(const struct amavis_shm *shm, uint64_t *words,
			const struct set_ticket *t);

/* amavis_set_release - the refresh claimed by t failed: let others try. */
void amavis_set_release(const struct amavis_shm *shm, const struct set_ticket *t);

/*
 * amavis_set_backoff - shared memory of a failing database.  until > 0
 * records a failure (no process tries before `until`); until == 0
 * records a success.  Returns the previous `until`.
 */
time_t amavis_set_backoff(const struct amavis_shm *shm, time_t until);

/* amavis_set_failing_until - when the recorded failure ends (0: none). */
time_t amavis_set_failing_until(const struct amavis_shm *shm);

/*
 * amavis_set_expire_claim - is a max_age expiry batch due at now (the
 * last one ended more than `every` seconds ago, or asked for more) and
 * no other process running one (a claim older than claim_ttl is void)?
 * Then claims it and returns true.  No area or no lock: false.
 */
bool amavis_set_expire_claim(const struct amavis_shm *shm, time_t now, unsigned long every,
			     unsigned long claim_ttl);

/*
 * amavis_set_expire_done - the claimed batch is over (or failed): drop
 * this process's claim; the next batch is due at `next`.
 */
void amavis_set_expire_done(const struct amavis_shm *shm, time_t next);

/*
 * amavis_set_forget_checked - act as a new process would: check the
 * whole area again on next use (for benchmarks after fork()).
 */
void amavis_set_forget_checked(void);

/* amavis_set_fill - add key (len bytes) to a filter of nwords words. */
void amavis_set_fill(uint64_t *words, uint32_t nwords, uint64_t seed,
		     const char *key, size_t len);

#endif
