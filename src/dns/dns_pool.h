/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns_pool.h - ask many list names at once on worker threads.
 *
 * Each worker thread owns a resolver state (dns_res_open) and runs the
 * blocking res_nmkquery + res_nsend of dns_res_query on it, so a request
 * that asks N lists costs the slowest answer, not the sum.  Threads are
 * started lazily, when a batch has more queries than there are threads
 * (never while every answer comes from the cache), and kept for the
 * following requests of the process; only those a burst of list-health
 * probes needed are stopped again.  At most max_parallel threads, so
 * at most that many queries are in flight (0: as many as one batch has,
 * at most DNS_MAX_PARALLEL).
 *
 * The pool is driven from one thread (the main one): only the workers'
 * own resolver states and the job array handed over under the pool's
 * mutex cross threads.  Workers never log.
 */
#ifndef DNSWL_DNS_POOL_H
#define DNSWL_DNS_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "dns.h"

struct dns_pool;

/* What ps -L, top -H and /proc/PID/task/TID/comm call a worker thread. */
#define DNS_POOL_THREAD_NAME "dnswl-dns"

/* One query of a batch: qname and qtype in (0: ns_t_a), *ans (and for
 * MX, PTR, TXT *mx) out; late: not sent, the deadline had passed; probe
 * in: a list-health probe, whose thread the pool need not keep. */
struct dns_pool_job {
	const char *qname;
	struct dns_answer *ans;
	int qtype;
	struct dns_rdata *mx;
	bool late;
	bool probe;
};

/*
 * dns_pool_new - a pool for these settings; starts no thread.  Checks
 * the settings (dns_check_settings; without configured nameservers also
 * with a throw-away resolver state, reading /etc/resolv.conf).  Returns
 * NULL with the reason in err when they cannot be used.
 */
struct dns_pool *dns_pool_new(const struct dns_settings *settings, char *err, size_t errsize);

/*
 * dns_pool_run - answer every job (each *ans filled) and return when all
 * are done: at most about timeout * attempts seconds per server, however
 * many jobs do not answer.  With deadline_ms (dns_now_ms() time; 0 for
 * none), a job a thread takes at or past it is not sent (DNS_TIMEOUT),
 * and one taken before it has its tries cut to the time left
 * (dns_res_limit).  Starts threads as needed, and afterwards stops those
 * beyond this batch's jobs and the most non-probe jobs of any batch;
 * n == 0 returns at once.
 * A job no thread could take gets DNS_ERROR (logged once).  The jobs and
 * the strings they point to must stay valid until it returns.
 */
void dns_pool_run(struct dns_pool *pool, struct dns_pool_job *jobs, unsigned n,
		  long deadline_ms);

/*
 * dns_pool_free - stop and join every worker, close their resolver
 * states, free the pool.  NULL is fine.
 */
void dns_pool_free(struct dns_pool *pool);

/*
 * dns_pool_forget_in_child - in a child forked from the process owning
 * pool (void * for amavis_worker_at_fork): close the inherited resolver
 * states, touching neither the mutex nor the threads (they do not exist
 * in the child).  Only for a fork between batches, as the SQL helper's
 * is.  NULL is fine.
 */
void dns_pool_forget_in_child(void *pool);

#endif
