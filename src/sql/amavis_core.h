/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_core.h - the writer on an explicit shared area (amavis.h's
 * amavis_open() gets it from the cache file).  For amavis.c, tests and
 * benchmarks, which can so run several "hosts" in one process.
 */
#ifndef DNSWL_AMAVIS_CORE_H
#define DNSWL_AMAVIS_CORE_H

#include "amavis.h"
#include "amavis_set.h"

/* Counters since amavis_open, for tests and bench/. */
struct amavis_stats {
	unsigned long writes;		/* whitelist jobs run */
	unsigned long cleans;		/* delete jobs run */
	unsigned long refreshes;	/* sender set refreshes run */
	unsigned long skipped;		/* non-whitelisted requests needing no SQL */
	unsigned long failures;		/* jobs that failed (logged) */
	unsigned long backoffs;		/* requests skipped: database failing */
	unsigned long deleted;		/* rows deleted */
	unsigned long senders_read;	/* senders read by refreshes */
	unsigned long connects;		/* database connections made */
	unsigned long statements;	/* statements sent */
	unsigned long expired;		/* rows removed by the max_age expiry */
};

/*
 * amavis_open_shm - amavis_open() with the shared area given directly
 * (shm->base NULL: uncached).  Same contract otherwise.
 */
struct amavis *amavis_open_shm(const struct sql_settings *s, const struct amavis_shm *shm);

/* amavis_get_stats - copy the counters of a (zeros for NULL). */
void amavis_get_stats(const struct amavis *a, struct amavis_stats *out);

#endif
