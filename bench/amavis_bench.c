/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_bench.c - what the amavis SQL writer costs a dnswl process.
 *
 * Prints, for the database given by -d:
 *   - the added time of a whitelisted request: the first in a process
 *     (helper fork, driver load, connect, write) and the following ones;
 *   - the same for a cleanup (a non-whitelisted request whose sender has
 *     auto rows);
 *   - one refresh of the shared sender set;
 *   - for C non-whitelisted connections (one forked process each, as
 *     Postfix spawns them) with unknown senders: database connections and
 *     statements in all, and the time the writer adds per connection;
 *     once with the shared sender set and once with cleanup_interval = 0.
 * usage: amavis_bench -d DSN [-n N] [-c C] [-r ROWS]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "amavis_core.h"
#include "msg.h"
#include "str.h"

#define AREA_SIZE (256 * 1024)

struct totals {
	struct amavis_stats st;
	double us;		/* time inside amavis_after_decision */
};

static struct sql_settings settings = {.use_sql = true, .policy_preset = 1,
	.cleanup_interval = 60, .timeout = 5, .localpart_lowercase = true};
static struct amavis_shm shm;

/* spin_lock / spin_unlock - the area is shared by forked children */
static bool spin_lock(void *ctx)
{
	while (__atomic_exchange_n((int *) ctx, 1, __ATOMIC_ACQUIRE))
		;
	return true;
}

static void spin_unlock(void *ctx)
{
	__atomic_store_n((int *) ctx, 0, __ATOMIC_RELEASE);
}

/* now_us - monotonic microseconds */
static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* one - one request through a writer; returns the microseconds it took */
static double one(struct amavis *a, enum verdict v, const char *sender, const char *rcpt)
{
	struct decision d = {.verdict = v, .boost = -10};
	double t0 = now_us();

	amavis_after_decision(a, "RCPT", sender, rcpt, &d);
	return now_us() - t0;
}

/* add_stats - sum counters */
static void add_stats(struct amavis_stats *to, const struct amavis_stats *s)
{
	unsigned long *t = (unsigned long *) to;
	const unsigned long *f = (const unsigned long *) s;

	for (size_t i = 0; i < sizeof(*s) / sizeof(unsigned long); i++)
		t[i] += f[i];
}

/* cold_warm - first request of a process, and the next n in the same process */
static void cold_warm(const char *what, enum verdict v, const char *prefix, int n, int base)
{
	char sender[128];
	double cold = 0, warm = 0;
	int samples = 10;

	for (int i = 0; i < samples; i++) {
		struct amavis *a = amavis_open_shm(&settings, &shm);
		snprintf(sender, sizeof(sender), "%s%d@bench.example", prefix, base + i);
		cold += one(a, v, sender, "rcpt@bench.example");
		amavis_close(a);
	}
	struct amavis *a = amavis_open_shm(&settings, &shm);
	one(a, v, "warmup@bench.example", "rcpt@bench.example");
	for (int i = 0; i < n; i++) {
		snprintf(sender, sizeof(sender), "%s%d@bench.example", prefix, base + samples + i);
		warm += one(a, v, sender, "rcpt@bench.example");
	}
	amavis_close(a);
	printf("%-34s first in process %8.0f us   next %8.0f us  (n=%d)\n",
	       what, cold / samples, warm / n, n);
}

/* connections - c forked "dnswl processes", one unknown non-whitelisted sender each */
static void connections(int c, unsigned long interval, const char *label)
{
	struct totals *tot = mmap(NULL, sizeof(*tot), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned long saved = settings.cleanup_interval;
	double t0 = now_us();

	memset(tot, 0, sizeof(*tot));
	settings.cleanup_interval = interval;
	for (int i = 0; i < c; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			char sender[64];
			struct amavis *a = amavis_open_shm(&settings, &shm);
			struct amavis_stats st;
			amavis_set_forget_checked();
			snprintf(sender, sizeof(sender), "stranger%d.%d@bench.example", i, (int) getpid());
			double us = one(a, VERDICT_NOT_LISTED, sender, "rcpt@bench.example");
			amavis_get_stats(a, &st);
			amavis_close(a);
			spin_lock((char *) shm.ctx + 64);
			add_stats(&tot->st, &st);
			tot->us += us;
			spin_unlock((char *) shm.ctx + 64);
			_exit(0);
		}
		waitpid(pid, NULL, 0);
	}
	settings.cleanup_interval = saved;
	printf("%d non-whitelisted connections, %s: connects=%lu statements=%lu refreshes=%lu"
	       " skipped=%lu, writer %.1f us/connection, wall %.0f ms\n", c, label, tot->st.connects,
	       tot->st.statements, tot->st.refreshes, tot->st.skipped, tot->us / c,
	       (now_us() - t0) / 1e3);
	munmap(tot, sizeof(*tot));
}

/* refresh_cost - one refresh of the shared set, on a warm connection */
static void refresh_cost(void)
{
	struct amavis *a = amavis_open_shm(&settings, &shm);
	struct amavis_stats st;
	double us;

	one(a, VERDICT_NOT_LISTED, "known0@bench.example", "rcpt@bench.example");
	memset(shm.base, 0, shm.size);	/* as a cache purge leaves it */
	us = one(a, VERDICT_NOT_LISTED, "unknown@bench.example", "rcpt@bench.example");
	amavis_get_stats(a, &st);
	amavis_close(a);
	printf("%-34s %8.0f us  (%lu senders with auto rows)\n", "refresh of the shared sender set:",
	       us, st.senders_read);
}

/* preload - ROWS senders with auto rows, so the set and tables are not empty */
static void preload(int rows)
{
	struct amavis *a = amavis_open_shm(&settings, &shm);
	char sender[64];

	for (int i = 0; i < rows; i++) {
		snprintf(sender, sizeof(sender), "known%d@bench.example", i);
		one(a, VERDICT_WHITELISTED, sender, "rcpt@bench.example");
	}
	amavis_close(a);
}

int main(int argc, char **argv)
{
	int n = 200, c = 1000, rows = 1000, opt;
	char *locks = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	msg_init("amavis_bench", MSG_STDERR, 0);
	while ((opt = getopt(argc, argv, "c:d:n:r:")) != -1) {
		if (opt == 'd')
			str_copy(settings.dsn, sizeof(settings.dsn), optarg);
		else if (opt == 'n')
			n = atoi(optarg);
		else if (opt == 'c')
			c = atoi(optarg);
		else if (opt == 'r')
			rows = atoi(optarg);
	}
	shm = (struct amavis_shm) {mmap(NULL, AREA_SIZE, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0), AREA_SIZE, spin_lock, spin_unlock, locks};
	preload(rows);
	cold_warm("whitelisted request (new rows):", VERDICT_WHITELISTED, "new", n, 0);
	cold_warm("whitelisted request (same rows):", VERDICT_WHITELISTED, "known", n, 0);
	cold_warm("cleanup (sender has auto rows):", VERDICT_NOT_LISTED, "known", n, 0);
	refresh_cost();
	connections(c, 60, "shared set, cleanup_interval=60");
	connections(c, 0, "cleanup_interval=0");
	return 0;
}
