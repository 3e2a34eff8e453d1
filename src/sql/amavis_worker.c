/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_worker.c - the amavis jobs through the SQL helper child
 * (sql_helper.c): a job struct out, a result struct (and, after a
 * refresh, the filter's words) back.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amavis_worker.h"
#include "sql_helper.h"

struct amavis_worker {
	struct amavis_dsn dsn;
	struct sql_settings s;
	struct sql_helper *helper;
};

/* amavis_worker_at_fork - what the helper gives back after fork */
void amavis_worker_at_fork(void (*release)(void *), void *arg)
{
	sql_helper_at_fork(release, arg);
}

/* worker_main - the helper child: serve jobs until the parent closes the socket */
static void worker_main(void *arg, int fd)
{
	const struct amavis_worker *w = arg;
	struct amavis_sql *q = amavis_sql_new(&w->dsn, &w->s);
	static struct amavis_job job;
	struct amavis_result r;
	uint64_t *words = NULL;

	while (q != NULL && sql_helper_read(fd, &job, sizeof(job))) {
		free(words);
		words = (job.flags & JOB_REFRESH) ? calloc(job.nwords, 8) : NULL;
		if ((job.flags & JOB_REFRESH) && words == NULL) {
			memset(&r, 0, sizeof(r));
			snprintf(r.error, sizeof(r.error), "out of memory");
		} else {
			amavis_sql_run(q, &job, words, &r);
		}
		if (!sql_helper_send(fd, &r, sizeof(r))
		    || (words != NULL && r.refreshed
			&& !sql_helper_send(fd, words, (size_t) job.nwords * 8)))
			break;
	}
	free(words);
	amavis_sql_free(q);
}

/* amavis_worker_new - nothing runs yet */
struct amavis_worker *amavis_worker_new(const struct amavis_dsn *dsn, const struct sql_settings *s)
{
	struct amavis_worker *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->dsn = *dsn;
	w->s = *s;
	if ((w->helper = sql_helper_new(worker_main, w, s->timeout)) == NULL) {
		free(w);
		return NULL;
	}
	return w;
}

/* amavis_worker_run - one job, bounded by [sql] timeout */
bool amavis_worker_run(struct amavis_worker *w, const struct amavis_job *job,
		       uint64_t *words, struct amavis_result *r)
{
	char err[sizeof(r->error)];

	memset(r, 0, sizeof(*r));
	if (sql_helper_call(w->helper, job, sizeof(*job), r, sizeof(*r), err, sizeof(err))
	    && (!r->refreshed || !(job->flags & JOB_REFRESH)
		|| sql_helper_recv(w->helper, words, (size_t) job->nwords * 8, err, sizeof(err))))
		return r->ok;
	memset(r, 0, sizeof(*r));
	memcpy(r->error, err, sizeof(r->error));
	r->unreachable = true;
	return false;
}

/* amavis_worker_free - stop the helper (bounded wait), free w */
void amavis_worker_free(struct amavis_worker *w)
{
	if (w == NULL)
		return;
	sql_helper_free(w->helper);
	free(w);
}
