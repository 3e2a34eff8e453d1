/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_core.c - from a policy decision to SQL jobs.
 *
 * Why the guarantee in amavis.h holds:
 *  - A whitelisting process adds the sender to the shared set before
 *    its transaction and again after the commit.  A lookup that comes
 *    after the first add sees the sender; a refresh whose database read
 *    came before the commit replays the adds made since its claim, and
 *    the second add is among them.
 *  - The set is rebuilt from the database at most cleanup_interval
 *    seconds after the snapshot it holds (the claim time, taken before
 *    the read), so every row committed by any host before
 *    t - cleanup_interval is in it.  While another process refreshes,
 *    or the area is damaged or missing, the answer is "ask the database".
 *  - A sender cleaned after the snapshot is "absent" again unless it was
 *    added after the cleaning lookup (checked through the add ring).
 * TEMPFAIL counts as not whitelisted: such mail is still accepted
 * (DEFER_IF_REJECT), over a path nobody vouched for.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "amavis_addr.h"
#include "amavis_core.h"
#include "amavis_dsn.h"
#include "amavis_worker.h"
#include "msg.h"
#include "str.h"

#define BACKOFF_MIN	5	/* seconds without SQL after a failure */
#define CLAIM_SLACK	5	/* a refresh claim lasts timeout + this */
#define EXPIRE_EVERY	300	/* s between max_age batches when the last one was not full */

struct amavis {
	struct sql_settings s;
	struct amavis_dsn dsn;
	struct amavis_shm shm;		/* base NULL: uncached */
	struct amavis_worker *worker;	/* NULL until the first job */
	time_t fail_until;		/* uncached: this process's backoff */
	time_t expire_after;		/* uncached: this process's next expiry batch */
	struct amavis_stats stats;
	struct amavis_result last;	/* the helper's counters last seen */
};

/* amavis_open_shm - validate and copy; no connection, no driver, no fork */
struct amavis *amavis_open_shm(const struct sql_settings *s, const struct amavis_shm *shm)
{
	struct amavis *a;
	char err[256];

	if (s == NULL || !s->use_sql)
		return NULL;
	a = calloc(1, sizeof(*a));
	if (a == NULL) {
		msg_warn("amavis SQL disabled: out of memory");
		return NULL;
	}
	if (!amavis_dsn_parse(s->dsn, &a->dsn, err, sizeof(err))) {
		msg_warn("amavis SQL disabled: %s", err);
		free(a);
		return NULL;
	}
	a->s = *s;
	if (shm != NULL)
		a->shm = *shm;
	return a;
}

/* amavis_get_stats - counters for tests and benchmarks */
void amavis_get_stats(const struct amavis *a, struct amavis_stats *out)
{
	if (a == NULL)
		memset(out, 0, sizeof(*out));
	else
		*out = a->stats;
}

/* amavis_close - stop the helper */
void amavis_close(struct amavis *a)
{
	if (a == NULL)
		return;
	amavis_worker_free(a->worker);
	free(a);
}

/* shared - is there a shared area to keep the sender set in? */
static bool shared(const struct amavis *a)
{
	return a->shm.base != NULL;
}

/* backoff_seconds - how long nobody tries after a failure */
static time_t backoff_seconds(const struct amavis *a)
{
	unsigned long b = a->s.cleanup_interval;

	return (time_t) (b < BACKOFF_MIN ? BACKOFF_MIN : b > AMAVIS_BACKOFF_MAX ? AMAVIS_BACKOFF_MAX : b);
}

/* failing - is the database in its backoff time (after a failure)? */
static bool failing(struct amavis *a, time_t now, time_t shared_until)
{
	time_t until = shared(a) ? shared_until : a->fail_until;

	/* (an `until` too far ahead was set before the clock went back) */
	if (now >= until || until - now > AMAVIS_BACKOFF_MAX)
		return false;
	a->stats.backoffs++;
	msg_debug("amavis SQL: skipped, the database failed (retry after %ld s)",
		  (long) (until - now));
	return true;
}

/* account - add the helper's cumulative counters to ours */
static void account(struct amavis *a, const struct amavis_result *r)
{
	struct amavis_result *last = &a->last;

	if (r->connects < last->connects || r->statements < last->statements)
		memset(last, 0, sizeof(*last));	/* a new helper counts from zero */
	a->stats.connects += r->connects - last->connects;
	a->stats.statements += r->statements - last->statements;
	last->connects = r->connects;
	last->statements = r->statements;
}

/*
 * record_outcome - log a failure once, and back off when the database
 * is out of reach; or note its recovery.  A failing statement with
 * request data in it does not back off: a sender chosen to make the
 * DELETE fail must not switch the cleanup off for everybody.
 */
static void record_outcome(struct amavis *a, const struct amavis_job *job,
			   const struct amavis_result *r, const char *what)
{
	bool away = !r->ok && (r->unreachable || ((job->flags & JOB_REFRESH) && !r->refreshed));
	time_t until = away ? time(NULL) + backoff_seconds(a) : 0;
	time_t prev = a->fail_until;

	if (r->ok || away)
		prev = shared(a) ? amavis_set_backoff(&a->shm, until) : a->fail_until;
	if (r->ok || away)
		a->fail_until = until;
	if (!r->ok) {
		a->stats.failures++;
		msg_warn("amavis SQL: %s failed: %s", what, r->error);
	} else if (prev != 0) {
		msg_info("amavis SQL: the database answers again");
	}
}

/* claim_ttl - how long a refresh or expiry claim of another process holds */
static unsigned long claim_ttl(const struct amavis *a)
{
	return (a->s.timeout > 0 ? a->s.timeout : 1) + CLAIM_SLACK;
}

/*
 * want_expiry - add a max_age batch to this job?  Once per EXPIRE_EVERY
 * on a host (shared area: one process claims it), or per process when
 * uncached; sooner while batches come back full.
 */
static void want_expiry(struct amavis *a, struct amavis_job *job, time_t now)
{
	bool due;

	if (a->s.max_age == 0)
		return;
	if (shared(a))
		due = amavis_set_expire_claim(&a->shm, now, EXPIRE_EVERY, claim_ttl(a));
	else
		due = now >= a->expire_after || a->expire_after - now > EXPIRE_EVERY;
	if (due)
		job->flags |= JOB_EXPIRE;
}

/* expiry_done - log what the batch removed, schedule the next one */
static void expiry_done(struct amavis *a, const struct amavis_job *job,
			const struct amavis_result *r, time_t now)
{
	const unsigned long *n = r->expired;
	time_t next = now + (r->expire_ok && r->expire_more ? 0 : EXPIRE_EVERY);

	if (!(job->flags & JOB_EXPIRE))
		return;
	if (r->expire_ok && n[0] + n[1] + n[2] > 0)
		msg_info("amavis SQL: max_age: removed %lu wblist rows not refreshed for %lu s,"
			 " %lu users and %lu mailaddr rows only dnswl used", n[0], a->s.max_age,
			 n[1], n[2]);
	else if (r->ok && !r->expire_ok)
		msg_warn("amavis SQL: removing rows older than max_age failed: %s", r->expire_error);
	if (shared(a))
		amavis_set_expire_done(&a->shm, next);
	a->expire_after = next;
	a->stats.expired += r->expire_ok ? n[0] + n[1] + n[2] : 0;
}

/* run_job - one job through the helper; true on success */
static bool run_job(struct amavis *a, const struct amavis_job *job, uint64_t *words,
		    const char *what, struct amavis_result *r)
{
	bool ok;

	if (a->worker == NULL)
		a->worker = amavis_worker_new(&a->dsn, &a->s);
	if (a->worker == NULL) {
		memset(r, 0, sizeof(*r));
		snprintf(r->error, sizeof(r->error), "out of memory");
		ok = false;
	} else {
		ok = amavis_worker_run(a->worker, job, words, r);
		account(a, r);
	}
	record_outcome(a, job, r, what);
	expiry_done(a, job, r, time(NULL));
	return ok;
}

/* write_job - the JOB_WRITE for a request; false when it cannot be stored */
static bool write_job(const struct amavis *a, const char *sender, const char *rcpt,
		      double boost, struct amavis_job *job)
{
	memset(job, 0, sizeof(*job));
	job->flags = JOB_WRITE;
	if (!amavis_addr_normalize(sender, a->s.localpart_lowercase, job->sender)
	    || !amavis_addr_normalize(rcpt, a->s.localpart_lowercase, job->recipient)) {
		msg_info("amavis SQL: not written: <%.300s> or <%.300s> cannot be an amavis"
			 " key (longer than %d bytes, control byte, or no local part or domain)",
			 sender, rcpt, AMAVIS_ADDR_MAX);
		return false;
	}
	if (!amavis_wb_format(boost, job->wb))
		msg_warn("amavis SQL: boost %g does not fit wblist.wb (%d characters); written as %s",
			 boost, AMAVIS_WB_MAX, job->wb);
	return true;
}

/* whitelist - give the sender the boost for this recipient */
static enum amavis_outcome whitelist(struct amavis *a, const char *sender, const char *rcpt,
				     double boost, time_t now)
{
	struct amavis_job job;
	struct amavis_result r;
	char what[2 * AMAVIS_ADDR_MAX + 64];

	if (!write_job(a, sender, rcpt, boost, &job))
		return AMAVIS_SKIPPED;
	if (failing(a, now, shared(a) ? amavis_set_failing_until(&a->shm) : 0))
		return AMAVIS_BACKOFF;
	if (!amavis_set_add(&a->shm, job.sender)) {
		/* a row the shared set does not know of could outlive the trust */
		msg_warn("amavis SQL: not written: cannot lock the cache file's sender set");
		return AMAVIS_FAILED;
	}
	snprintf(what, sizeof(what), "whitelisting <%s> for <%s>", job.sender, job.recipient);
	want_expiry(a, &job, now);
	if (!run_job(a, &job, NULL, what, &r))
		return AMAVIS_FAILED;
	amavis_set_add(&a->shm, job.sender);
	a->stats.writes++;
	msg_debug("amavis SQL: wb %s for <%s> to <%s>%s", job.wb, job.sender, job.recipient,
		  r.kept ? ": a person's row for the pair, left alone" : "");
	return r.kept ? AMAVIS_KEPT : AMAVIS_WRITTEN;
}

/* clean_job - ask the shared set whether (and how) to go to the database */
static enum set_answer clean_job(struct amavis *a, struct amavis_job *job, time_t now,
				 struct set_ticket *t)
{
	unsigned long ttl = claim_ttl(a);
	enum set_answer ans;

	memset(t, 0, sizeof(*t));
	t->when = now;
	if (!shared(a))
		return SET_UNKNOWN;
	if (a->s.cleanup_interval == 0) {
		t->fail_until = amavis_set_failing_until(&a->shm);
		return SET_UNKNOWN;
	}
	ans = amavis_set_lookup(&a->shm, job->keys, job->nkeys, now, a->s.cleanup_interval, ttl, t);
	if (ans == SET_REFRESH) {
		job->flags |= JOB_REFRESH;
		job->seed = t->seed;
		job->nwords = t->nwords;
	}
	return ans;
}

/* after_clean - tell the shared set what the refresh and clean did */
static void after_clean(struct amavis *a, const struct amavis_job *job, enum set_answer ans,
			const struct set_ticket *t, uint64_t *words, const struct amavis_result *r)
{
	if (ans == SET_REFRESH && r->refreshed && words != NULL)
		amavis_set_install(&a->shm, words, t);
	else if (ans == SET_REFRESH)
		amavis_set_release(&a->shm, t);
	if (r->ok && shared(a) && a->s.cleanup_interval > 0)
		amavis_set_cleaned(&a->shm, job->keys, job->nkeys, t);
}

/* cleanup - delete the sender's auto rows, if it may have any */
static enum amavis_outcome cleanup(struct amavis *a, const char *sender, time_t now)
{
	struct amavis_job job = {.flags = JOB_CLEAN};
	struct amavis_result r;
	struct set_ticket t;
	uint64_t *words = NULL;
	enum set_answer ans;
	char what[AMAVIS_ADDR_MAX + 64];
	bool ok;

	if ((job.nkeys = (uint32_t) amavis_addr_keys(sender, job.keys)) == 0)
		return AMAVIS_SKIPPED;
	if ((ans = clean_job(a, &job, now, &t)) == SET_ABSENT) {
		a->stats.skipped++;
		return AMAVIS_SKIPPED;
	}
	if (failing(a, now, t.fail_until))
		return AMAVIS_BACKOFF;
	if (ans == SET_REFRESH && (words = calloc(job.nwords, 8)) == NULL)
		job.flags &= ~(unsigned) JOB_REFRESH;
	snprintf(what, sizeof(what), "%sremoving auto rows of <%s>",
		 words != NULL ? "refreshing the sender set and " : "", job.keys[0]);
	want_expiry(a, &job, now);
	ok = run_job(a, &job, words, what, &r);
	after_clean(a, &job, ans, &t, words, &r);
	a->stats.cleans += ok;
	a->stats.refreshes += r.refreshed;
	a->stats.deleted += ok ? r.deleted : 0;
	a->stats.senders_read += r.refreshed ? r.senders : 0;
	free(words);
	return !ok ? AMAVIS_FAILED : r.deleted > 0 ? AMAVIS_DELETED : AMAVIS_SKIPPED;
}

/* amavis_outcome_name - the word for the decision log line */
const char *amavis_outcome_name(enum amavis_outcome o)
{
	static const char *const names[] = {
		[AMAVIS_OFF] = "off", [AMAVIS_SKIPPED] = "skipped", [AMAVIS_WRITTEN] = "written",
		[AMAVIS_KEPT] = "kept", [AMAVIS_DELETED] = "deleted", [AMAVIS_BACKOFF] = "backoff",
		[AMAVIS_FAILED] = "failed",
	};

	return (unsigned) o < sizeof(names) / sizeof(names[0]) && names[o] ? names[o] : "?";
}

/* amavis_after_decision - SQL for one RCPT request */
enum amavis_outcome amavis_after_decision(struct amavis *a, const char *protocol_state,
					  const char *sender, const char *recipient,
					  const struct decision *d)
{
	if (a == NULL)
		return AMAVIS_OFF;
	if (d == NULL || protocol_state == NULL || strcasecmp(protocol_state, "RCPT") != 0
	    || sender == NULL || sender[0] == '\0' || recipient == NULL || recipient[0] == '\0')
		return AMAVIS_SKIPPED;
	if (d->verdict == VERDICT_WHITELISTED)
		return whitelist(a, sender, recipient, d->boost, time(NULL));
	return cleanup(a, sender, time(NULL));
}
