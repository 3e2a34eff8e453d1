/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_kill.c - writers SIGKILLed at random moments, then every entry
 * checked (TAP).  spawn(8) kills dnswl children at its time limit, so a
 * write may stop at any instruction: it must never leave an entry that
 * reads as a valid, different answer, nor a lock that blocks others.
 *
 * Each round forks writers that store known values (cache_testlib.h) as
 * fast as they can, kills each one after a random delay, and checks
 * every key.  Slots found odd (a writer died inside) show the kills did
 * land mid-write.  `make check` runs a short form; bench/ a long one:
 *   t/cache_kill [-r ROUNDS] [-w WRITERS] [-k KEYS] [-s SIZE] [-m MAX_US]
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

#define MAX_WRITERS 64
#define MAX_WRITES 0xffffffu

struct opts {
	unsigned rounds, writers, keys, max_us;
	unsigned long size;
};

struct shared {
	_Atomic uint32_t written[MAX_WRITERS + 1];	/* + 1: the parent */
	_Atomic unsigned ready;
};

static struct shared *sh;
static uint32_t rnd = 88172645u;

/* xorshift - the parent's random numbers */
static uint32_t xorshift(void)
{
	rnd ^= rnd << 13;
	rnd ^= rnd >> 17;
	rnd ^= rnd << 5;
	return rnd;
}

/*
 * put_known - write number n+1 of writer p, if it goes to only_key (any
 * key for UINT32_MAX).  Returns its value g, 0 when skipped (another
 * key), UINT32_MAX when p ran out of write numbers.
 */
static uint32_t put_known(struct cache *c, const struct opts *o, unsigned p, unsigned only_key)
{
	char list[64], q[128];
	uint32_t n = atomic_load(&sh->written[p]), g;
	struct dns_answer a;

	if (n >= MAX_WRITES)
		return UINT32_MAX;
	atomic_store(&sh->written[p], n + 1);	/* counted before it starts */
	g = (uint32_t)p << 24 | (n + 1);
	if (only_key != UINT32_MAX && key_of(g, o->keys) != only_key)
		return 0;
	a = answer_for(g);
	key_names(key_of(g, o->keys), list, q);
	cache_put(c, list, q, &a, time(NULL));
	return g;
}

/* writer - store known values until killed */
static void writer(const struct cache_settings *s, const struct opts *o, unsigned p)
{
	struct cache *c = cache_open(s);

	if (c == NULL)
		_exit(2);
	atomic_fetch_add(&sh->ready, 1);
	while (put_known(c, o, p, UINT32_MAX) != UINT32_MAX)
		;
	pause();
	_exit(0);
}

/* round - fork writers, kill each at a random moment; false if one exited by itself */
static bool round_once(const struct cache_settings *s, const struct opts *o)
{
	pid_t pids[MAX_WRITERS];
	bool killed = true;
	int st;

	atomic_store(&sh->ready, 0);
	for (unsigned p = 0; p < o->writers; p++)
		if ((pids[p] = fork()) == 0)
			writer(s, o, p);
	while (atomic_load(&sh->ready) < o->writers)
		usleep(50);
	for (unsigned p = 0; p < o->writers; p++) {
		usleep(xorshift() % (o->max_us / o->writers + 1));
		kill(pids[p], SIGKILL);
	}
	for (unsigned p = 0; p < o->writers; p++) {
		waitpid(pids[p], &st, 0);
		killed &= WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
	}
	return killed;
}

/* check_keys - every key misses or holds a value written for it */
static unsigned long check_keys(struct cache *c, const struct opts *o, char *first, size_t size)
{
	char list[64], q[128];
	unsigned long bad = 0;

	for (unsigned i = 0; i < o->keys; i++) {
		struct dns_answer got;
		const char *why;

		key_names(i, list, q);
		if (!cache_get(c, list, q, time(NULL), &got, NULL))
			continue;
		why = answer_check(&got, i, o->keys, o->writers + 1, (const volatile uint32_t *)sh->written);
		if (why != NULL && bad++ == 0)
			snprintf(first, size, ": key %u ttl %u: %s", i, got.ttl, why);
	}
	return bad;
}

/* odd_slots - white box: slots a dead writer left odd */
static unsigned long odd_slots(struct cache *c)
{
	unsigned long n = 0;

	for (uint32_t i = 0; i < c->geom.nslots; i++)
		n += atomic_load(&c->slots[i].seq) & 1;
	return n;
}

/* rewrite_all - after all rounds, keys can be written and read again */
static void rewrite_all(struct cache *c, const struct opts *o)
{
	unsigned n = (unsigned)(o->size / 16 < o->keys ? o->size / 16 : o->keys), good = 0;
	char list[64], q[128];

	for (unsigned i = 0; i < n; i++) {
		struct dns_answer got;
		uint32_t g;

		while ((g = put_known(c, o, o->writers, i)) == 0)
			;
		key_names(i, list, q);
		good += cache_get(c, list, q, time(NULL), &got, NULL) && got.ttl == g;
	}
	ok(good == n, "afterwards %u keys written and read back exactly (%u): no lock or slot stuck", n, good);
}

/* parse - command line */
static void parse(int argc, char **argv, struct opts *o)
{
	int ch;

	*o = (struct opts){.rounds = 100, .writers = 4, .keys = 2000, .size = 1024, .max_us = 4000};
	while ((ch = getopt(argc, argv, "r:w:k:s:m:")) != -1) {
		unsigned long v = strtoul(optarg, NULL, 10);

		switch (ch) {
		case 'r': o->rounds = (unsigned)v; break;
		case 'w': o->writers = v < 1 ? 1 : v > MAX_WRITERS ? MAX_WRITERS : (unsigned)v; break;
		case 'k': o->keys = v < 1 ? 1 : (unsigned)v; break;
		case 's': o->size = v; break;
		case 'm': o->max_us = (unsigned)v; break;
		default:
			printf("Bail out! usage: %s [-r rounds] [-w writers] [-k keys] [-s size] [-m max_us]\n", argv[0]);
			exit(1);
		}
	}
}

int main(int argc, char **argv)
{
	struct opts o;
	struct cache_settings s;
	struct cache *c;
	unsigned long bad = 0, odd_seen = 0, kills = 0;
	bool all_killed = true;
	char first[200] = "", why[200] = "";

	parse(argc, argv, &o);
	msg_init("cache_kill", MSG_STDERR, 0);
	log_capture();
	test_setup_dir("cache_kill");
	s = test_settings("kill.db", o.size);
	s.max_ttl = UINT32_MAX;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED || (c = cache_open(&s)) == NULL) {
		printf("Bail out! cannot set up\n");
		return 1;
	}
	for (unsigned r = 0; r < o.rounds; r++) {
		unsigned long odd_before = odd_slots(c);

		all_killed &= round_once(&s, &o);
		kills += o.writers;
		if (odd_slots(c) > odd_before)
			odd_seen += odd_slots(c) - odd_before;
		bad += check_keys(c, &o, why, sizeof(why));
		if (first[0] == '\0')
			snprintf(first, sizeof(first), "%s", why);
	}
	ok(all_killed, "%u rounds: %lu writers SIGKILLed at random moments", o.rounds, kills);
	tap_diag("%lu kills landed inside a write (slot left odd)", odd_seen);
	ok(bad == 0, "after every round every key missed or held a value written for it: "
	   "%lu wrong%s", bad, first);
	rewrite_all(c, &o);
	cache_close(c);
	test_cleanup_dir();
	return tap_done();
}
