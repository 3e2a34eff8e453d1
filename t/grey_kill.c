/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grey_kill.c - greylist records under SIGKILL (TAP): the answer
 * cache's die-at-any-instruction standard for cache_rec_*.
 *
 * Writers update records (each a known value g in every word, so a torn
 * record would show mixed words) and store answers in the same small
 * file, as fast as they can, and are killed at random moments.  Then
 * every record must be absent or hold a value written for its key with
 * all words agreeing, no answer key may read a record, and every key
 * can be written and read again (no lock or slot stuck).
 *   t/grey_kill [-r ROUNDS] [-w WRITERS] [-k KEYS] [-s SIZE] [-m MAX_US]
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

#define KIND "#grey-kill"

struct opts {
	unsigned rounds, writers, keys, max_us;
	unsigned long size;
};

static uint32_t rnd = 2463534242u;
static _Atomic unsigned *ready;

/* xorshift - random delays */
static uint32_t xorshift(void)
{
	rnd ^= rnd << 13;
	rnd ^= rnd >> 17;
	rnd ^= rnd << 5;
	return rnd;
}

/* rec_name - the record name of key i */
static void rec_name(unsigned i, char *buf, size_t size)
{
	snprintf(buf, size, "10.0.0.0/24 s%u@example.test r@example.org", i);
}

/* set_all - cache_rec_fn: every word g */
static bool set_all(void *arg, bool found, struct cache_rec *rec)
{
	int64_t g = *(const int64_t *)arg;

	(void)found;
	for (unsigned w = 0; w < CACHE_REC_WORDS; w++)
		rec->v[w] = g;
	rec->expires = (int64_t)time(NULL) + 86400;
	rec->used = (int64_t)time(NULL);
	return true;
}

/* writer - records and answers until killed */
static void writer(const struct cache_settings *s, const struct opts *o, unsigned p)
{
	struct cache *c = cache_open(s);
	char name[96], list[64], q[128];

	if (c == NULL)
		_exit(2);
	atomic_fetch_add(ready, 1);
	for (uint32_t n = 1;; n++) {
		int64_t g = (int64_t)p << 32 | n;
		unsigned k = (unsigned)(mix32(n * 31u + p) % o->keys);
		struct dns_answer a = answer_for((uint32_t)p << 24 | (n & 0xffffff));

		rec_name(k, name, sizeof(name));
		cache_rec_update(c, KIND, name, time(NULL), set_all, &g);
		key_names(k, list, q);
		cache_put(c, list, q, &a, time(NULL));
	}
}

/* check_rec - cache_rec_scan_fn: words agree, the name is one of ours */
static bool check_rec(void *arg, const char *name, const struct cache_rec *rec)
{
	unsigned long *bad = arg;
	bool same = true;

	for (unsigned w = 1; w < CACHE_REC_WORDS; w++)
		same &= rec->v[w] == rec->v[0];
	*bad += !same || strncmp(name, "10.0.0.0/24 s", 13) != 0 || (rec->v[0] & 0xffffffff) == 0;
	return false;
}

/* round_once - fork, kill each writer at a random moment */
static bool round_once(const struct cache_settings *s, const struct opts *o)
{
	pid_t pids[64];
	bool killed = true;
	int st;

	atomic_store(ready, 0);
	for (unsigned p = 0; p < o->writers; p++)
		if ((pids[p] = fork()) == 0)
			writer(s, o, p + 1);
	while (atomic_load(ready) < o->writers)
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

/* answers_bad - hits that are not exactly an answer some write stored */
static unsigned long answers_bad(struct cache *c, const struct opts *o)
{
	char list[64], q[128];
	unsigned long bad = 0;

	for (unsigned i = 0; i < o->keys; i++) {
		struct dns_answer got, want;

		key_names(i, list, q);
		if (!cache_get(c, list, q, time(NULL), &got, NULL))
			continue;
		want = answer_for(got.ttl);
		bad += !same_answer(&got, &want);
	}
	return bad;
}

/* read_back - cache_rec_fn: the first word of a record found, store nothing */
static bool read_back(void *arg, bool found, struct cache_rec *rec)
{
	*(int64_t *)arg = found ? rec->v[0] : -1;
	return false;
}

/* rewrite_all - every record can be written and read back afterwards */
static void rewrite_all(struct cache *c, const struct opts *o)
{
	unsigned good = 0;
	char name[96];

	for (unsigned i = 0; i < o->keys; i++) {
		int64_t g = 0x7700000000 | i, back = -1;

		rec_name(i, name, sizeof(name));
		if (cache_rec_update(c, KIND, name, time(NULL), set_all, &g)
		    && cache_rec_update(c, KIND, name, time(NULL), read_back, &back))
			good += back == g;
	}
	ok(good == o->keys, "afterwards %u records written again (%u): no lock stuck", o->keys, good);
}

int main(int argc, char **argv)
{
	struct opts o = {.rounds = 40, .writers = 4, .keys = 300, .size = 256, .max_us = 4000};
	struct cache_settings s;
	struct cache *c;
	unsigned long bad = 0, abad = 0;
	bool all_killed = true;
	int ch;

	while ((ch = getopt(argc, argv, "r:w:k:s:m:")) != -1) {
		unsigned long v = strtoul(optarg, NULL, 10);

		if (ch == 'r') o.rounds = (unsigned)v;
		else if (ch == 'w') o.writers = v < 1 ? 1 : v > 64 ? 64 : (unsigned)v;
		else if (ch == 'k') o.keys = v < 1 ? 1 : (unsigned)v;
		else if (ch == 's') o.size = v;
		else if (ch == 'm') o.max_us = (unsigned)v;
		else return printf("Bail out! usage: %s [-r R] [-w W] [-k K] [-s S] [-m US]\n", argv[0]), 1;
	}
	msg_init("grey_kill", MSG_STDERR, 0);
	log_capture();
	test_setup_dir("grey_kill");
	s = test_settings("kill.db", o.size);
	s.max_ttl = UINT32_MAX;
	ready = mmap(NULL, sizeof(*ready), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ready == MAP_FAILED || (c = cache_open(&s)) == NULL)
		return printf("Bail out! cannot set up\n"), 1;
	for (unsigned r = 0; r < o.rounds; r++) {
		all_killed &= round_once(&s, &o);
		cache_rec_scan(c, KIND, check_rec, &bad);
		abad += answers_bad(c, &o);
	}
	ok(all_killed, "%u rounds: %u writers each SIGKILLed at random moments", o.rounds, o.writers);
	ok(bad == 0, "every record read is whole (all words from one write): %lu torn or foreign", bad);
	ok(abad == 0, "every answer read is exactly one a write stored, never a record: %lu wrong", abad);
	rewrite_all(c, &o);
	cache_close(c);
	test_cleanup_dir();
	return tap_done();
}
