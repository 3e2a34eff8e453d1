/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_worker.h - the amavis SQL jobs of one dnswl process, run in
 * the SQL helper child of sql_helper.h: each job waits at most [sql]
 * timeout seconds, and a helper that does not answer in time is killed
 * (the next job starts a new one: a reconnect).
 */
#ifndef DNSWL_AMAVIS_WORKER_H
#define DNSWL_AMAVIS_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "amavis_dsn.h"
#include "amavis_sql.h"
#include "cfg.h"

struct amavis_worker;

/* amavis_worker_new - remember how to start the helper; starts nothing. */
struct amavis_worker *amavis_worker_new(const struct amavis_dsn *dsn, const struct sql_settings *s);

/*
 * amavis_worker_run - have the helper run job, waiting at most [sql]
 * timeout seconds in all (starting the helper first if needed).  words
 * receives the refreshed filter for JOB_REFRESH (job->nwords words,
 * zeroed by the caller).  Returns r->ok; on a timeout or a dead helper
 * r->error says so and the helper is gone.
 */
bool amavis_worker_run(struct amavis_worker *w, const struct amavis_job *job,
		       uint64_t *words, struct amavis_result *r);

/*
 * amavis_worker_at_fork - release(arg) is called first thing in every
 * helper child, to give back what the policy process owns and the
 * helper never uses (the resolver states of the DNS threads, which do
 * not exist in the child: release must not take their locks).  The
 * helper is forked between requests.  NULL, the default, calls nothing.
 */
void amavis_worker_at_fork(void (*release)(void *), void *arg);

/* amavis_worker_free - stop the helper (bounded wait), free w; NULL is fine. */
void amavis_worker_free(struct amavis_worker *w);

#endif
