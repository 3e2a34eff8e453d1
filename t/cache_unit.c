/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_unit.c - unit tests of the shared cache's behaviour (TAP):
 * store and hit, negative answers, TTL clamps, expiry, keys, the
 * replacement order, failing-list memory, the aux area, admin commands.
 * A second handle on the same file stands for another process (its
 * fcntl locks are per open file description, so they conflict).
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cache_int.h"
#include "msg.h"
#include "cache_tap.h"
#include "cache_testlib.h"

static time_t now;

/* test_disabled - file "" and NULL handles */
static void test_disabled(void)
{
	struct cache_settings s = test_settings("x", 64);
	struct dns_answer a = answer_a(1, 1, 60), got;
	size_t size = 99;

	s.file[0] = '\0';
	ok(cache_open(&s) == NULL, "empty file name disables the cache");
	cache_put(NULL, "swl.test", "1.swl.test", &a, now);
	ok(!cache_get(NULL, "swl.test", "1.swl.test", now, &got, NULL), "NULL cache: get misses");
	ok(!cache_list_skipped(NULL, "swl.test", now, NULL), "NULL cache: no list skipped");
	cache_list_result(NULL, "swl.test", DNS_TIMEOUT, now);
	ok(cache_aux(NULL, &size) == NULL && size == 0, "NULL cache: no aux area");
	ok(!cache_aux_lock(NULL), "NULL cache: aux lock fails");
	cache_aux_unlock(NULL);
	cache_close(NULL);
	s = test_settings("x", 3);
	ok(cache_open(&s) == NULL, "size below the minimum: uncached");
}

/* test_create - new directory and file with safe modes */
static struct cache *test_create(void)
{
	struct cache_settings s = test_settings("d/cache.db", 1000);
	struct stat st;
	struct cache *c;

	log_mark();
	c = cache_open(&s);
	ok(c != NULL, "cache_open creates the file");
	ok(stat(s.file, &st) == 0 && (st.st_mode & 0777) == 0600 && st.st_uid == geteuid(),
	   "file is 0600 and ours");
	ok(stat(test_dir, &st) == 0, "test dir exists");
	s.file[strlen(s.file) - strlen("/cache.db")] = '\0';
	ok(stat(s.file, &st) == 0 && (st.st_mode & 0777) == 0700, "directory created 0700");
	ok(log_has("created with 1000 entries"), "creation is logged");
	return c;
}

/* test_create_race - processes creating the file at once all share one */
static void test_create_race(void)
{
	struct cache_settings s = test_settings("race/cache.db", 1000);
	struct dns_answer a = answer_a(1, 5, 600), got;
	pid_t pids[8];
	struct cache *c;
	int found = 0;

	for (int i = 0; i < 8; i++)
		if ((pids[i] = fork()) == 0) {
			char q[64];

			snprintf(q, sizeof(q), "race%d.swl.test", i);
			c = cache_open(&s);
			cache_put(c, "swl.test", q, &a, now);
			_exit(c == NULL);
		}
	for (int i = 0; i < 8; i++)
		waitpid(pids[i], NULL, 0);
	c = cache_open(&s);
	for (int i = 0; i < 8; i++) {
		char q[64];

		snprintf(q, sizeof(q), "race%d.swl.test", i);
		found += cache_get(c, "swl.test", q, now, &got, NULL);
	}
	ok(found == 8, "8 processes creating the file at once all used the same one (%d/8)", found);
	cache_close(c);
}

/* test_put_get - positive and negative answers, clamps, expiry */
static void test_put_get(struct cache *c)
{
	struct dns_answer a = answer_a(3, 10, 300), nx = answer_neg(DNS_NXDOMAIN, 120),
	    nd = answer_neg(DNS_NODATA, 90), sf = answer_neg(DNS_SERVFAIL, 300), got;
	time_t exp = 0;

	ok(!cache_get(c, "swl.test", "1.2.0.192.swl.test", now, &got, NULL), "miss before put");
	cache_put(c, "swl.test", "1.2.0.192.swl.test", &a, now);
	ok(cache_get(c, "swl.test", "1.2.0.192.swl.test", now, &got, &exp)
	   && same_answer(&got, &a) && got.ttl == 300 && exp == now + 300,
	   "positive answer comes back with its addresses and expiry");
	ok(cache_get(c, "SWL.Test", "1.2.0.192.SWL.TEST", now, &got, NULL), "keys ignore case");
	ok(!cache_get(c, "swl2.test", "1.2.0.192.swl.test", now, &got, NULL),
	   "same qname under another list misses");
	ok(!cache_get(c, "swl.test", "1.2.0.193.swl.test", now, &got, NULL), "other qname misses");
	cache_put(c, "swl.test", "20.2.0.192.swl.test", &nx, now);
	cache_put(c, "swl.test", "11.2.0.192.swl.test", &nd, now);
	ok(cache_get(c, "swl.test", "20.2.0.192.swl.test", now, &got, &exp)
	   && got.status == DNS_NXDOMAIN && exp == now + 120, "NXDOMAIN kept for its negative TTL");
	ok(cache_get(c, "swl.test", "11.2.0.192.swl.test", now, &got, &exp)
	   && got.status == DNS_NODATA && exp == now + 90, "NODATA kept for its negative TTL");
	cache_put(c, "swl.test", "9.2.0.192.swl.test", &sf, now);
	ok(!cache_get(c, "swl.test", "9.2.0.192.swl.test", now, &got, NULL), "SERVFAIL not stored");
	ok(cache_get(c, "swl.test", "1.2.0.192.swl.test", now + 299, &got, NULL)
	   && !cache_get(c, "swl.test", "1.2.0.192.swl.test", now + 300, &got, NULL),
	   "entry expires after its TTL");
	a = answer_a(1, 20, 400);
	cache_put(c, "swl.test", "1.2.0.192.swl.test", &a, now + 1);
	ok(cache_get(c, "swl.test", "1.2.0.192.swl.test", now + 1, &got, NULL)
	   && same_answer(&got, &a), "a new answer replaces the old one");
}

/* test_clamp - min_ttl and max_ttl */
static void test_clamp(void)
{
	struct cache_settings s = test_settings("d/cache.db", 1000);
	struct dns_answer a = answer_a(1, 1, 1), got;
	struct cache *c;
	time_t exp = 0;

	s.min_ttl = 30;
	s.max_ttl = 3600;
	c = cache_open(&s);
	cache_put(c, "swl.test", "short.swl.test", &a, now);
	ok(cache_get(c, "swl.test", "short.swl.test", now, &got, &exp) && exp == now + 30
	   && got.ttl == 30, "TTL 1 raised to min_ttl 30");
	a.ttl = 1000000;
	cache_put(c, "swl.test", "long.swl.test", &a, now);
	ok(cache_get(c, "swl.test", "long.swl.test", now, &got, &exp) && exp == now + 3600,
	   "TTL 1000000 cut to max_ttl 3600");
	cache_close(c);
	s.min_ttl = 0;
	s.max_ttl = 60;
	c = cache_open(&s);
	ok(!cache_get(c, "swl.test", "long.swl.test", now, &got, NULL),
	   "entry living longer than a lowered max_ttl is not trusted");
	a.ttl = 0;
	cache_put(c, "swl.test", "zero.swl.test", &a, now);
	ok(!cache_get(c, "swl.test", "zero.swl.test", now, &got, NULL), "TTL 0 with min_ttl 0: not stored");
	cache_close(c);
}

/* test_shared - a second handle sees the same entries; reopen keeps them */
static void test_shared(struct cache *c)
{
	struct cache_settings s = test_settings("d/cache.db", 1000);
	struct cache *c2 = cache_open(&s);
	struct dns_answer a = answer_a(2, 7, 500), got;

	cache_put(c2, "dwl.test", "example.com.dwl.test", &a, now);
	ok(cache_get(c, "dwl.test", "example.com.dwl.test", now, &got, NULL) && same_answer(&got, &a),
	   "entry written by one handle is read by another");
	cache_close(c2);
	c2 = cache_open(&s);
	ok(cache_get(c2, "dwl.test", "example.com.dwl.test", now, &got, NULL), "entries survive reopening");
	cache_close(c2);
}

/* slot_of - white box: the slot holding a key, or NULL */
static struct cache_slot *slot_of(struct cache *c, const char *list, const char *qname)
{
	for (uint32_t i = 0; i < c->geom.nslots; i++) {
		struct cache_slot *s = &c->slots[i];

		if (s->keylen == strlen(list) + strlen(qname)
		    && memcmp(s->key + s->listlen, qname, strlen(qname)) == 0)
			return s;
	}
	return NULL;
}

/* test_torn - damaged and half-written slots never give an answer */
static void test_torn(struct cache *c)
{
	struct dns_answer a = answer_a(2, 30, 600), got;
	struct cache_slot *s;

	cache_put(c, "swl.test", "2.2.0.192.swl.test", &a, now);
	s = slot_of(c, "swl.test", "2.2.0.192.swl.test");
	ok(s != NULL, "white box: slot found");
	if (s == NULL)
		return;
	((char *)s)[cache_slot_end(s) - 1] ^= 1;	/* an answer changed behind the checksum's back */
	ok(!cache_get(c, "swl.test", "2.2.0.192.swl.test", now, &got, NULL),
	   "a slot whose answer no longer matches its checksum misses");
	((char *)s)[cache_slot_end(s) - 1] ^= 1;
	atomic_fetch_add(&s->seq, 1);	/* a writer died inside */
	ok(!cache_get(c, "swl.test", "2.2.0.192.swl.test", now, &got, NULL),
	   "a slot left odd by a dead writer misses");
	cache_put(c, "swl.test", "2.2.0.192.swl.test", &a, now);
	ok(cache_get(c, "swl.test", "2.2.0.192.swl.test", now, &got, NULL)
	   && (atomic_load(&s->seq) & 1) == 0, "the next put repairs it");
	s->key[s->listlen] ^= 0x20;	/* a key changed: the entry is someone else's */
	ok(!cache_get(c, "swl.test", "2.2.0.192.swl.test", now, &got, NULL), "changed key misses");
}

/* cut - apply the part of a write that got done before a kill */
static void cut(struct cache_slot *live, const unsigned char *from, const unsigned char *to,
		size_t lo, size_t hi, int mode, size_t k, uint32_t rnd)
{
	unsigned char *p = (unsigned char *)live;

	memcpy(p + lo, from + lo, hi - lo);
	for (size_t i = lo; i < hi; i++) {
		bool done = mode == 0 ? i - lo < k		/* forward copy stopped at k */
		    : mode == 1 ? hi - i <= k			/* backward copy */
		    : (mix32((uint32_t)(i / 8) ^ rnd) & 1);	/* words in any order */
		if (done)
			p[i] = to[i];
	}
}

/*
 * test_cuts - a write killed after any number of bytes, copied forward,
 * backward or word-scattered, with seq odd (as the protocol leaves it)
 * and even (as if the seqlock failed): a reader gets a miss or one of the
 * two complete answers, never a mixture (the checksum catches it).
 */
static void test_cuts(struct cache *c)
{
	struct dns_answer a = answer_a(4, 40, 600), b = answer_a(9, 41, 700), got;
	unsigned char sa[CACHE_SLOT_SIZE], sb[CACHE_SLOT_SIZE];
	struct cache_slot *live;
	unsigned long states = 0, wrong = 0, odd_hits = 0, mixed_hits = 0;
	size_t lo = offsetof(struct cache_slot, check), hi, end_a;

	cache_put(c, "swl.test", "3.2.0.192.swl.test", &a, now);
	live = slot_of(c, "swl.test", "3.2.0.192.swl.test");
	memcpy(sa, live, sizeof(sa));
	cache_put(c, "swl.test", "3.2.0.192.swl.test", &b, now);
	memcpy(sb, live, sizeof(sb));
	hi = cache_slot_end(live);
	end_a = cache_slot_end((const struct cache_slot *)sa);
	for (int mode = 0; mode < 3; mode++)
		for (size_t k = 0; k <= (mode < 2 ? hi - lo : 2000); k++) {
			cut(live, sa, sb, lo, hi, mode, k, (uint32_t)k);
			atomic_store(&live->seq, 1001);
			odd_hits += cache_get(c, "swl.test", "3.2.0.192.swl.test", now, &got, NULL);
			atomic_store(&live->seq, 1002);
			if (cache_get(c, "swl.test", "3.2.0.192.swl.test", now, &got, NULL)) {
				bool is_a = same_answer(&got, &a), is_b = same_answer(&got, &b);

				wrong += !is_a && !is_b;
				/* the bytes a reader checks must be all A's or all B's */
				mixed_hits += !(is_a && memcmp((char *)live + lo, sa + lo, end_a - lo) == 0)
				    && !(is_b && memcmp((char *)live + lo, sb + lo, hi - lo) == 0);
			}
			states++;
		}
	ok(odd_hits == 0, "%lu cut writes with seq odd: all miss", states);
	ok(wrong == 0 && mixed_hits == 0, "same cuts with seq even: %lu wrong, %lu mixtures accepted",
	   wrong, mixed_hits);
	memcpy(live, sb, sizeof(sb));
}

/* test_replace - a full bucket: expired first, then least recently hit */
static void test_replace(void)
{
	struct cache_settings s = test_settings("small.db", 8);	/* one bucket */
	struct cache *c = cache_open(&s);
	struct dns_answer a, got;
	char q[64];
	struct stat st1, st2;
	bool all = true;

	stat(s.file, &st1);
	for (int i = 0; i < 8; i++) {
		a = answer_a(1, (unsigned)i, i == 0 ? 10 : 1000);
		snprintf(q, sizeof(q), "k%d.swl.test", i);
		cache_put(c, "swl.test", q, &a, now);
	}
	a = answer_a(1, 8, 1000);
	cache_put(c, "swl.test", "k8.swl.test", &a, now + 20);
	for (int i = 1; i <= 8; i++) {
		snprintf(q, sizeof(q), "k%d.swl.test", i);
		all &= cache_get(c, "swl.test", q, now + 30, &got, NULL);
	}
	ok(all && !cache_get(c, "swl.test", "k0.swl.test", now + 30, &got, NULL),
	   "full: the expired entry made room");
	for (int i = 1; i <= 7; i++) {
		snprintf(q, sizeof(q), "k%d.swl.test", i);
		cache_get(c, "swl.test", q, now + 40, &got, NULL);
	}
	cache_put(c, "swl.test", "k9.swl.test", &a, now + 41);
	ok(!cache_get(c, "swl.test", "k8.swl.test", now + 41, &got, NULL)
	   && cache_get(c, "swl.test", "k9.swl.test", now + 41, &got, NULL)
	   && cache_get(c, "swl.test", "k1.swl.test", now + 41, &got, NULL),
	   "full: the entry hit least recently made room");
	for (int i = 0; i < 500; i++) {
		snprintf(q, sizeof(q), "many%d.swl.test", i);
		cache_put(c, "swl.test", q, &a, now + 50);
	}
	stat(s.file, &st2);
	ok(st1.st_size == st2.st_size && st1.st_blocks == st2.st_blocks,
	   "500 stores into 8 entries: the file did not grow (%lld bytes)", (long long)st2.st_size);
	cache_close(c);
}

/* test_lists - failing-list memory across handles */
static void test_lists(struct cache *c)
{
	struct cache_settings s = test_settings("d/cache.db", 1000);
	struct cache *c2 = cache_open(&s);

	log_mark();
	cache_list_result(c, "dead.test", DNS_TIMEOUT, now);
	ok(!cache_list_skipped(c2, "dead.test", now, NULL), "one failure: not skipped yet");
	cache_list_result(c2, "dead.test", DNS_UNREACHABLE, now + 1);
	ok(cache_list_skipped(c, "dead.test", now + 1, NULL) && cache_list_skipped(c2, "DEAD.test", now + 2, NULL),
	   "two failures in a row (two processes): skipped by both");
	{
		enum dns_status st = DNS_ANSWER;

		ok(cache_list_skipped(c, "dead.test", now + 1, &st) && st == DNS_UNREACHABLE,
		   "a skipped list reports its last failure (unreachable)");
	}
	ok(log_has("list dead.test failed 2 times in a row") && log_has("skipping it"),
	   "the start of skipping is logged");
	ok(!cache_list_skipped(c, "swl.test", now + 1, NULL), "other lists not skipped");
	ok(!cache_list_skipped(c, "dead.test", now + 1 + 60, NULL), "skip ends after fail_ttl");
	log_mark();
	cache_list_result(c, "dead.test", DNS_ANSWER, now + 62);
	ok(log_has("list dead.test answers again"), "the return is logged");
	ok(!cache_list_skipped(c2, "dead.test", now + 62, NULL), "a success clears the record");
	log_mark();
	cache_list_result(c, "flaky.test", DNS_TIMEOUT, now);
	cache_list_result(c, "flaky.test", DNS_TIMEOUT, now + 200);
	ok(!cache_list_skipped(c, "flaky.test", now + 200, NULL), "failures far apart do not add up");
	cache_list_result(c, "flaky.test", DNS_ANSWER, now + 201);
	ok(strstr(log_text(), "flaky.test") == NULL, "a list never skipped logs nothing");
	cache_close(c2);
}

/* test_aux - the aux area: shared, zeroed, locked across processes */
static void test_aux(struct cache *c)
{
	struct cache_settings s = test_settings("d/cache.db", 1000);
	struct cache *c2 = cache_open(&s);
	size_t size = 0;
	unsigned char *p = cache_aux(c, &size), *p2 = cache_aux(c2, NULL);
	struct timespec t0, t1;
	pid_t pid;
	int st;

	ok(p != NULL && size == CACHE_AUX_AREA && ((uintptr_t)p & 4095) == 0,
	   "aux area: %zu bytes, page aligned", size);
	ok(p2 != NULL && p2[0] == 0 && p2[size - 1] == 0, "aux area starts zeroed");
	memcpy(p, "bloom", 5);
	ok(memcmp(p2, "bloom", 5) == 0, "aux writes are seen by another handle");
	ok(cache_aux_lock(c), "aux lock taken");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ok(!cache_aux_lock(c2), "another handle cannot take it");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ok(t1.tv_sec - t0.tv_sec <= 3, "and gives up after a bounded wait");
	cache_aux_unlock(c);
	ok(cache_aux_lock(c2), "after unlock the other handle gets it");
	cache_aux_unlock(c2);
	if ((pid = fork()) == 0) {
		struct cache *cc = cache_open(&s);

		if (cc != NULL && cache_aux_lock(cc))
			raise(SIGKILL);
		_exit(1);
	}
	waitpid(pid, &st, 0);
	ok(WIFSIGNALED(st) && cache_aux_lock(c), "a holder killed with SIGKILL releases the lock");
	cache_aux_unlock(c);
	cache_close(c2);
}

/* run_admin - cache_admin output into buf */
static int run_admin(const struct cache_settings *s, const char *cmd, char *buf, size_t size)
{
	FILE *fp = fmemopen(buf, size, "w");
	int rc = cache_admin(s, cmd, fp);

	fclose(fp);
	return rc;
}

/* test_admin - stats, dump, purge */
static void test_admin(struct cache *c)
{
	struct cache_settings s = test_settings("d/cache.db", 1000), miss = test_settings("none/x.db", 100);
	char out[65536], line[600];
	struct dns_answer got;
	unsigned char *aux = cache_aux(c, NULL);

	ok(run_admin(&s, "stats", out, sizeof(out)) == 0 && strstr(out, "/1000 used")
	   && strstr(out, "hits: ") && strstr(out, "misses: ") && strstr(out, "oldest: ")
	   && strstr(out, "newest: ") && strstr(out, "created: "), "stats shows used/total, hits, misses, oldest, newest");
	tap_diag("stats: %.*s", (int)(strchr(out, '\n') ? strchr(out, '\n') - out : 0), out);
	ok(run_admin(&s, "dump", out, sizeof(out)) == 0, "dump runs");
	snprintf(line, sizeof(line), "dwl.test example.com.dwl.test 127.0.7.1,127.0.7.2 ");
	ok(strstr(out, line) != NULL, "dump line: list qname answer expires");
	ok(strstr(out, "swl.test 20.2.0.192.swl.test NXDOMAIN ") != NULL, "dump shows negative entries");
	cache_list_result(c, "dead.test", DNS_TIMEOUT, now);
	cache_list_result(c, "dead.test", DNS_TIMEOUT, now);
	ok(run_admin(&s, "stats", out, sizeof(out)) == 0 && strstr(out, "failing list: dead.test"),
	   "stats shows a skipped list");
	ok(run_admin(&s, "purge", out, sizeof(out)) == 0 && strstr(out, "purged "), "purge runs");
	ok(!cache_get(c, "dwl.test", "example.com.dwl.test", now, &got, NULL),
	   "after purge an open handle misses");
	ok(!cache_list_skipped(c, "dead.test", now, NULL), "purge forgets failing lists");
	ok(aux[0] == 0 && aux[1] == 0, "purge zeroes the aux area");
	ok(run_admin(&s, "stats", out, sizeof(out)) == 0 && strstr(out, "entries: 0/1000 used")
	   && strstr(out, "hits: 0\n"), "after purge: no entries, counters reset");
	ok(run_admin(&s, "bogus", out, sizeof(out)) == 2, "unknown command: status 2");
	ok(run_admin(&miss, "stats", out, sizeof(out)) == 1 && strstr(out, "no cache file"),
	   "stats without a file: status 1");
	ok(run_admin(&miss, "purge", out, sizeof(out)) == 0, "purge without a file: nothing to do");
	miss.file[0] = '\0';
	ok(run_admin(&miss, "stats", out, sizeof(out)) == 1, "admin with caching disabled: status 1");
}

int main(void)
{
	struct cache *c;

	msg_init("cache_unit", MSG_STDERR, 0);
	log_capture();
	test_setup_dir("cache_unit");
	now = time(NULL);
	test_disabled();
	c = test_create();
	if (c == NULL) {
		printf("Bail out! cannot create a cache\n");
		return 1;
	}
	test_put_get(c);
	test_create_race();
	test_clamp();
	test_shared(c);
	test_torn(c);
	test_cuts(c);
	test_replace();
	test_lists(c);
	test_aux(c);
	test_admin(c);
	cache_close(c);
	test_cleanup_dir();
	return tap_done();
}
