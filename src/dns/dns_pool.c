/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns_pool.c - worker threads, each with its own resolver state.
 *
 * One mutex guards the batch (jobs, next, ndone) and stop; the workers
 * wait on `work`, the caller on `done`.  A worker takes the next job,
 * drops the mutex for the blocking query on its own state, and counts
 * the job done under the mutex again: that hand-over is what orders
 * its writes to the answer before the caller reads them.
 *
 * After a batch the pool keeps as many threads as that batch had jobs,
 * or as the largest batch so far had jobs that are not health probes,
 * and stops the rest: a request with probes (3 queries a list) needs
 * three times the threads of the next one, and every thread's stack,
 * descriptor and TLS cost ~12 KiB of dirty pages for good.  Requests
 * whose misses vary never stop and restart threads.  The stacks are our
 * own mappings, unmapped when the thread is joined (glibc would keep
 * them in its stack cache, dirty).
 */
#include "config.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dns_pool.h"
#include "msg.h"

/*
 * A worker's stack: its frames are small (dns_res_query, res_nsend and
 * what it calls need a few KiB; see dns_res_query for the reply
 * buffer), so 128 KiB instead of the default reserve of RLIMIT_STACK
 * (8 MiB).  Only touched pages cost memory either way; this bounds the
 * address space.  glibc takes the thread's TLS and descriptor out of it.
 */
#ifdef __SANITIZE_THREAD__
#define WORKER_STACK	(1024 * 1024)	/* ThreadSanitizer's runtime wants ~900 KiB */
#else
#define WORKER_STACK	(128 * 1024)
#endif

struct dns_worker {
	pthread_t tid;
	void *stack;			/* WORKER_STACK + a guard page below */
	size_t stacklen;
	bool quit;			/* told to stop (pool mu) */
	struct __res_state res;		/* this thread's only */
	/* NULL until a reply needs more than UDP's 512 bytes (dns_res_query:
	 * those come into a small buffer on the stack).  A 64 KiB buffer on
	 * the stack would put res_nsend's frames on pages of their own, and
	 * one on the heap would cost a page per thread. */
	unsigned char *big;
	struct dns_pool *pool;
};

struct dns_pool {
	struct dns_settings settings;
	unsigned cap;			/* most threads */
	unsigned kept;			/* most non-probe jobs of a batch: never stopped */
	pthread_mutex_t mu;
	pthread_cond_t work;		/* a batch or stop for the workers */
	pthread_cond_t done;		/* the batch is answered */
	struct dns_pool_job *jobs;	/* the batch; NULL between batches */
	unsigned njobs, next, ndone;
	long deadline_ms;		/* of the batch; 0 none */
	bool stop;
	bool warned;			/* "cannot start a thread" said */
	unsigned nworkers;
	struct dns_worker *workers[DNS_MAX_PARALLEL];
};

/* dns_pool_new - settings checked, no thread yet */
struct dns_pool *dns_pool_new(const struct dns_settings *s, char *err, size_t errsize)
{
	struct __res_state probe;
	struct dns_pool *p;

	/* With nameservers configured, res_ninit only reads resolv.conf's
	 * options: a process whose answers are all cached never needs it.
	 * Without, the system's servers are the config: check them now. */
	if (!dns_check_settings(s, err, errsize))
		return NULL;
	if (s->nservers == 0) {
		if (!dns_res_open(&probe, s, err, errsize))
			return NULL;
		dns_res_close(&probe);
	}
	/* glibc gives each thread that mallocs its own arena (a heap of its
	 * own, a page or more dirty in every process).  The workers only
	 * malloc res_nsend's small context per query: one arena for all. */
	mallopt(M_ARENA_MAX, 1);
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errsize, "out of memory");
		return NULL;
	}
	p->settings = *s;
	p->cap = s->max_parallel == 0 || s->max_parallel > DNS_MAX_PARALLEL
	    ? DNS_MAX_PARALLEL : s->max_parallel;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	return p;
}

/* next_job - wait for a job (mu held); NULL when told to stop */
static struct dns_pool_job *next_job(struct dns_pool *p, const struct dns_worker *w)
{
	while (!p->stop && !w->quit && (p->jobs == NULL || p->next >= p->njobs))
		pthread_cond_wait(&p->work, &p->mu);
	return p->stop || w->quit ? NULL : &p->jobs[p->next++];
}

/* worker_query - one job within the batch's deadline (0: none) */
static void worker_query(struct dns_worker *w, struct dns_pool_job *job, long deadline)
{
	long left = deadline != 0 ? deadline - dns_now_ms() : 0;

	if (deadline != 0 && left <= 0) {
		memset(job->ans, 0, sizeof(*job->ans));
		if (job->mx != NULL)
			memset(job->mx, 0, sizeof(*job->mx));
		job->ans->status = DNS_TIMEOUT;	/* not sent: the request's time is up */
		job->late = true;
		return;
	}
	dns_res_limit(&w->res, &w->pool->settings, left);
	dns_res_query(&w->res, job->qname, job->qtype ? job->qtype : ns_t_a, job->ans,
		      job->mx, &w->big);
}

/* worker_main - answer jobs until stopped */
static void *worker_main(void *arg)
{
	struct dns_worker *w = arg;
	struct dns_pool *p = w->pool;
	struct dns_pool_job *job;
	long deadline;

	pthread_setname_np(pthread_self(), DNS_POOL_THREAD_NAME);
	pthread_mutex_lock(&p->mu);
	while ((job = next_job(p, w)) != NULL) {
		deadline = p->deadline_ms;
		pthread_mutex_unlock(&p->mu);
		worker_query(w, job, deadline);
		pthread_mutex_lock(&p->mu);
		if (++p->ndone == p->njobs)
			pthread_cond_signal(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* worker_stack - map w's stack with a guard page below it; errno value */
static int worker_stack(struct dns_worker *w)
{
	size_t guard = (size_t) sysconf(_SC_PAGESIZE);

	w->stacklen = WORKER_STACK + guard;
	w->stack = mmap(NULL, w->stacklen, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (w->stack == MAP_FAILED) {
		w->stack = NULL;
		return errno;
	}
	if (mprotect(w->stack, guard, PROT_NONE) != 0) {
		munmap(w->stack, w->stacklen);
		w->stack = NULL;
		return errno;
	}
	return 0;
}

/* spawn_thread - start w's thread on its own stack, every signal blocked */
static int spawn_thread(struct dns_worker *w)
{
	pthread_attr_t attr;
	sigset_t all, old;
	int rc;

	if ((rc = worker_stack(w)) != 0)
		return rc;
	if ((rc = pthread_attr_init(&attr)) != 0)
		return rc;
	if ((rc = pthread_attr_setstack(&attr, (char *) w->stack + (w->stacklen - WORKER_STACK),
					WORKER_STACK)) != 0)
		goto out;
	/* SIGTERM and the like go to the main thread, and a SIGPIPE from
	 * res_nsend's TCP fallback becomes EPIPE in the worker. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->tid, &attr, worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
out:
	pthread_attr_destroy(&attr);
	return rc;
}

/* start_worker - one more thread with its own resolver state */
static bool start_worker(struct dns_pool *p)
{
	struct dns_worker *w = calloc(1, sizeof(*w));
	char err[256] = "out of memory";
	int rc;

	if (w == NULL || !dns_res_open(&w->res, &p->settings, err, sizeof(err)))
		goto fail;
	w->pool = p;
	if ((rc = spawn_thread(w)) != 0) {
		snprintf(err, sizeof(err), "pthread_create: %s", strerror(rc));
		dns_res_close(&w->res);
		if (w->stack != NULL)
			munmap(w->stack, w->stacklen);
		goto fail;
	}
	p->workers[p->nworkers++] = w;
	return true;
fail:
	if (!p->warned)
		msg_warn("cannot start a DNS query thread (%s): running with %u",
			 err, p->nworkers);
	p->warned = true;
	free(w);
	return false;
}

/* fail_untaken - no thread at all: every job fails (mu held) */
static void fail_untaken(struct dns_pool *p)
{
	for (; p->next < p->njobs; p->next++, p->ndone++) {
		memset(p->jobs[p->next].ans, 0, sizeof(*p->jobs[p->next].ans));
		p->jobs[p->next].ans->status = DNS_ERROR;
	}
}

/* worker_free - join a stopped worker, release its state and stack */
static void worker_free(struct dns_worker *w)
{
	pthread_join(w->tid, NULL);
	dns_res_close(&w->res);
	munmap(w->stack, w->stacklen);
	free(w->big);
	free(w);
}

/* pool_trim - stop the threads beyond keep (between batches) */
static void pool_trim(struct dns_pool *p, unsigned keep)
{
	if (p->nworkers <= keep)
		return;
	pthread_mutex_lock(&p->mu);
	for (unsigned i = keep; i < p->nworkers; i++)
		p->workers[i]->quit = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = keep; i < p->nworkers; i++)
		worker_free(p->workers[i]);
	p->nworkers = keep;
	malloc_trim(0);		/* their resolver states' pages back too */
}

/* pool_note_kept - raise kept to this batch's non-probe jobs (at most cap) */
static void pool_note_kept(struct dns_pool *p, const struct dns_pool_job *jobs, unsigned n)
{
	unsigned regular = 0;

	for (unsigned i = 0; i < n; i++)
		regular += !jobs[i].probe;
	if (regular > p->cap)
		regular = p->cap;
	if (regular > p->kept)
		p->kept = regular;
}

/* dns_pool_run - hand the batch over, wait for the last answer */
void dns_pool_run(struct dns_pool *p, struct dns_pool_job *jobs, unsigned n, long deadline_ms)
{
	unsigned want = n < p->cap ? n : p->cap;

	if (n == 0)
		return;
	pool_note_kept(p, jobs, n);
	pthread_mutex_lock(&p->mu);
	p->jobs = jobs;
	p->njobs = n;
	p->next = p->ndone = 0;
	p->deadline_ms = deadline_ms;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	while (p->nworkers < want && start_worker(p))
		continue;
	pthread_mutex_lock(&p->mu);
	if (p->nworkers == 0)
		fail_untaken(p);
	while (p->ndone < p->njobs)
		pthread_cond_wait(&p->done, &p->mu);
	p->jobs = NULL;
	p->njobs = p->next = p->ndone = 0;
	pthread_mutex_unlock(&p->mu);
	pool_trim(p, want > p->kept ? want : p->kept);
}

/* dns_pool_free - stop, join, close */
void dns_pool_free(struct dns_pool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = true;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->nworkers; i++)
		worker_free(p->workers[i]);
	pthread_cond_destroy(&p->done);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

/* dns_pool_forget_in_child - close the inherited states, nothing else */
void dns_pool_forget_in_child(void *pool)
{
	struct dns_pool *p = pool;

	if (p == NULL)
		return;
	/* Forked between batches: no worker is inside the resolver, and
	 * nworkers and the states are only changed by the forking thread. */
	for (unsigned i = 0; i < p->nworkers; i++)
		dns_res_close(&p->workers[i]->res);
	p->nworkers = 0;
}
