/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_stress.c - many processes reading and writing one cache file at
 * once, every read checked against what was written (TAP).
 *
 * Write number c of process p stores the known value g = p << 24 | c for
 * key key_of(g) (see cache_testlib.h), after counting the write in
 * shared memory; any hit must then be a value some process wrote for
 * that very key.  `make check` runs a short form; bench/ a long one:
 *   t/cache_stress [-p PROCS] [-t SECONDS] [-k KEYS] [-s SIZE] [-w WRITE%]
 */
#include "config.h"

#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cache_int.h"
#include "msg.h"
#include "cache_tap.h"
#include "cache_testlib.h"

#define MAX_PROCS 250
#define MAX_WRITES 0xffffffu

struct opts {
	unsigned procs, seconds, keys, write_pct;
	unsigned long size;
};

/* What each process reports, in shared memory. */
struct tally {
	unsigned long reads, hits, writes, mismatches;
	char first[160];	/* the first mismatch, for the log */
};

struct shared {
	_Atomic uint32_t written[MAX_PROCS + 1];	/* + 1: the parent's final writes */
	struct tally tally[MAX_PROCS];
	_Atomic int go;
};

static struct shared *sh;

/* xorshift - per-process random numbers */
static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* do_write - one known write by process p */
static void do_write(struct cache *c, const struct opts *o, unsigned p, struct tally *t)
{
	char list[64], q[128];
	uint32_t n = atomic_load(&sh->written[p]);
	uint32_t g;
	struct dns_answer a;

	if (n >= MAX_WRITES)
		return;
	atomic_store(&sh->written[p], n + 1);	/* counted before it starts */
	g = (uint32_t)p << 24 | (n + 1);
	a = answer_for(g);
	key_names(key_of(g, o->keys), list, q);
	cache_put(c, list, q, &a, time(NULL));
	t->writes++;
}

/* do_read - one checked read */
static void do_read(struct cache *c, const struct opts *o, unsigned i, struct tally *t)
{
	char list[64], q[128];
	struct dns_answer got;
	const char *bad;

	key_names(i, list, q);
	t->reads++;
	if (!cache_get(c, list, q, time(NULL), &got, NULL))
		return;
	t->hits++;
	bad = answer_check(&got, i, o->keys, o->procs + 1, (const volatile uint32_t *)sh->written);
	if (bad != NULL && t->mismatches++ == 0)
		snprintf(t->first, sizeof(t->first), "key %u ttl %u: %s", i, got.ttl, bad);
}

/* child - one worker process */
static void child(const struct cache_settings *s, const struct opts *o, unsigned p)
{
	struct cache *c = cache_open(s);
	struct tally *t = &sh->tally[p];
	uint32_t rnd = 2463534242u ^ (p * 0x9e3779b9u);
	struct timespec t0, t1;

	if (c == NULL)
		_exit(2);
	while (!atomic_load(&sh->go))
		usleep(100);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (t1 = t0; t1.tv_sec - t0.tv_sec < (time_t)o->seconds; clock_gettime(CLOCK_MONOTONIC, &t1)) {
		for (int k = 0; k < 256; k++) {
			uint32_t r = xorshift(&rnd);

			if (r % 100 < o->write_pct)
				do_write(c, o, p, t);
			else
				do_read(c, o, (r >> 8) % o->keys, t);
		}
	}
	cache_close(c);
	_exit(0);
}

/* run_children - start, release and reap the workers; false if one failed */
static bool run_children(const struct cache_settings *s, const struct opts *o)
{
	pid_t pids[MAX_PROCS];
	bool good = true;
	int st;

	for (unsigned p = 0; p < o->procs; p++)
		if ((pids[p] = fork()) == 0)
			child(s, o, p);
	atomic_store(&sh->go, 1);
	for (unsigned p = 0; p < o->procs; p++) {
		waitpid(pids[p], &st, 0);
		good &= WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	return good;
}

/* census - white box: slots left odd or failing their checksum */
static void census(struct cache *c, unsigned long *odd, unsigned long *bad)
{
	struct cache_slot copy;

	*odd = *bad = 0;
	for (uint32_t i = 0; i < c->geom.nslots; i++) {
		enum cache_read r = cache_slot_fetch(&c->slots[i], c->seed, 0, &copy);

		*odd += r == CACHE_RD_BUSY;
		*bad += r == CACHE_RD_BAD;
	}
}

/* check_all - after the run: every key misses or holds a written value */
static void check_all(struct cache *c, const struct opts *o)
{
	struct tally t = {0};
	unsigned long odd, bad;

	for (unsigned i = 0; i < o->keys; i++)
		do_read(c, o, i, &t);
	ok(t.mismatches == 0, "after the run: %lu of %u keys hit, every one a value written for it%s%s",
	   t.hits, o->keys, t.mismatches ? ": " : "", t.first);
	census(c, &odd, &bad);
	ok(odd == 0 && bad == 0, "no slot left half-written (%lu) or damaged (%lu)", odd, bad);
}

/* final_writes - the parent writes a fresh value for some keys and reads them back */
static void final_writes(struct cache *c, const struct opts *o)
{
	unsigned n = (unsigned)(o->size / 16 < o->keys ? o->size / 16 : o->keys), exact = 0;
	char list[64], q[128];

	for (unsigned i = 0; i < n; i++) {
		uint32_t g;
		struct dns_answer a, got;

		/* find this process's next write number that lands on key i */
		do {
			g = (uint32_t)o->procs << 24 | (atomic_load(&sh->written[o->procs]) + 1);
			atomic_fetch_add(&sh->written[o->procs], 1);
		} while (key_of(g, o->keys) != i);
		a = answer_for(g);
		key_names(i, list, q);
		cache_put(c, list, q, &a, time(NULL));
		exact += cache_get(c, list, q, time(NULL), &got, NULL) && same_answer(&got, &a)
		    && got.ttl == g;
	}
	ok(exact == n, "final writes to %u keys read back exactly (%u)", n, exact);
}

/* parse - command line */
static void parse(int argc, char **argv, struct opts *o)
{
	int ch;

	*o = (struct opts){.procs = 16, .seconds = 1, .keys = 3000, .size = 2048, .write_pct = 30};
	while ((ch = getopt(argc, argv, "p:t:k:s:w:")) != -1) {
		unsigned long v = strtoul(optarg, NULL, 10);

		switch (ch) {
		case 'p': o->procs = v < 1 ? 1 : v > MAX_PROCS ? MAX_PROCS : (unsigned)v; break;
		case 't': o->seconds = (unsigned)v; break;
		case 'k': o->keys = v < 1 ? 1 : (unsigned)v; break;
		case 's': o->size = v; break;
		case 'w': o->write_pct = v > 100 ? 100 : (unsigned)v; break;
		default:
			printf("Bail out! usage: %s [-p procs] [-t s] [-k keys] [-s size] [-w write%%]\n", argv[0]);
			exit(1);
		}
	}
}

int main(int argc, char **argv)
{
	struct opts o;
	struct cache_settings s;
	struct cache *c;
	struct tally sum = {0};
	char first[160] = "";

	parse(argc, argv, &o);
	msg_init("cache_stress", MSG_STDERR, 0);
	log_capture();
	test_setup_dir("cache_stress");
	s = test_settings("stress.db", o.size);
	s.max_ttl = UINT32_MAX;		/* the known values use TTLs up to 2^32 */
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || (c = cache_open(&s)) == NULL) {
		printf("Bail out! cannot set up\n");
		return 1;
	}
	ok(run_children(&s, &o), "%u processes ran for %u s", o.procs, o.seconds);
	for (unsigned p = 0; p < o.procs; p++) {
		struct tally *t = &sh->tally[p];

		sum.reads += t->reads, sum.hits += t->hits, sum.writes += t->writes;
		if (t->mismatches && sum.mismatches == 0)
			snprintf(first, sizeof(first), ": process %u, %s", p, t->first);
		sum.mismatches += t->mismatches;
	}
	ok(sum.mismatches == 0, "%lu reads (%lu hits) and %lu writes on %u keys in %lu entries: "
	   "%lu mismatches%s", sum.reads, sum.hits, sum.writes, o.keys, o.size, sum.mismatches, first);
	ok(atomic_load(&c->hdr->hits) == sum.hits, "shared hit counter adds up (%llu)",
	   (unsigned long long)atomic_load(&c->hdr->hits));
	check_all(c, &o);
	final_writes(c, &o);
	cache_close(c);
	test_cleanup_dir();
	return tap_done();
}
