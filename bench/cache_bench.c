/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_bench.c - cost of a cache hit: one process, two processes on the
 * same file, a reader beside a writer, and LMDB's mdb_get on the same keys.
 *
 *   bench/cache_bench [-k KEYS] [-n LOOKUPS] [-s SIZE]
 * (it re-executes itself with -X to time brand-new processes)
 *
 * Keys look like dnswl's: list zone + reversed client address.  LMDB is
 * loaded at run time (dlopen liblmdb.so.0) when <lmdb.h> was there at
 * build time; otherwise the output says it was not measured.  LMDB is
 * used here only, never by dnswl.
 */
#include "config.h"

#include <dlfcn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "msg.h"

#if defined(__has_include)
#if __has_include(<lmdb.h>)
#include <lmdb.h>
#define HAVE_LMDB_H 1
#endif
#endif

struct opts {
	unsigned keys;
	unsigned long lookups, size;
};

/* Results that forked workers hand back. */
struct shared {
	_Atomic int ready, go;
	double ns[2];
	unsigned long hits[2];
};

static struct shared *sh;
static char (*lists)[32], (*qnames)[64];
static unsigned *order;

/* ns_since - nanoseconds since t0 */
static double ns_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e9 + (double)(t.tv_nsec - t0->tv_nsec);
}

/* make_keys - realistic names and a shuffled lookup order */
static void make_keys(unsigned n)
{
	uint32_t r = 12345;

	lists = calloc(n, sizeof(*lists));
	qnames = calloc(n, sizeof(*qnames));
	order = calloc(n, sizeof(*order));
	for (unsigned i = 0; i < n; i++) {
		r = r * 1103515245u + 12345u;
		snprintf(lists[i], sizeof(lists[i]), "%s", i % 4 == 3 ? "list.dnswl.org" : "swl.test");
		snprintf(qnames[i], sizeof(qnames[i]), "%u.%u.%u.%u.%s", r >> 24, (r >> 16) & 255,
			 i & 255, (i >> 8) + 1, lists[i]);
		order[i] = i;
	}
	for (unsigned i = n - 1; i > 0; i--) {
		unsigned j = (r = r * 1103515245u + 12345u) % (i + 1), t = order[i];

		order[i] = order[j], order[j] = t;
	}
}

/* cache_loop - lookups with cache_get; returns ns per lookup */
static double cache_loop(struct cache *c, const struct opts *o, unsigned long *hits)
{
	struct dns_answer a;
	struct timespec t0;
	time_t now = time(NULL);

	*hits = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long i = 0; i < o->lookups; i++) {
		unsigned k = order[i % o->keys];

		*hits += cache_get(c, lists[k], qnames[k], now, &a, NULL);
	}
	return ns_since(&t0) / (double)o->lookups;
}

/* put_loop - stores until told to stop; returns ns per store */
static double put_loop(struct cache *c, const struct opts *o)
{
	struct dns_answer a = {.status = DNS_ANSWER, .naddr = 1, .addr = {0x7f000201}, .ttl = 3600};
	struct timespec t0;
	unsigned long n = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (atomic_load(&sh->go) == 1) {
		unsigned k = order[n++ % o->keys];

		cache_put(c, lists[k], qnames[k], &a, time(NULL));
	}
	return ns_since(&t0) / (double)(n ? n : 1);
}

/* fill - store one answer per key */
static void fill(struct cache *c, const struct opts *o)
{
	struct dns_answer a = {.status = DNS_ANSWER, .naddr = 2, .addr = {0x7f000a00, 0x7f000201},
			       .ttl = 3600};

	for (unsigned i = 0; i < o->keys; i++)
		cache_put(c, lists[i], qnames[i], &a, time(NULL));
}

/*
 * two - two processes at once on the same file: two readers, or (writer)
 * a reader and a writer that stores until the reader is done.  Fills
 * sh->ns and sh->hits.
 */
static void two(const struct cache_settings *s, const struct opts *o, bool writer)
{
	pid_t pid[2];

	memset(sh, 0, sizeof(*sh));
	for (int w = 0; w < 2; w++) {
		if ((pid[w] = fork()) != 0)
			continue;
		struct cache *c = cache_open(s);

		atomic_fetch_add(&sh->ready, 1);
		while (atomic_load(&sh->go) == 0)
			;
		if (w == 1 && writer)
			sh->ns[1] = put_loop(c, o);
		else
			sh->ns[w] = cache_loop(c, o, &sh->hits[w]);
		if (w == 0)
			atomic_store(&sh->go, 2);
		cache_close(c);
		_exit(0);
	}
	while (atomic_load(&sh->ready) < 2)
		usleep(100);
	atomic_store(&sh->go, 1);
	waitpid(pid[0], NULL, 0);
	waitpid(pid[1], NULL, 0);
}

/*
 * child_cache - `-X cache FILE SIZE LIST QNAME LIST QNAME`: what one new
 * dnswl process does (open, two lookups, close), timed from main() in a
 * freshly exec'd program; prints "microseconds hits".
 */
static int child_cache(char **argv, const struct timespec *t0)
{
	struct cache_settings s = {.max_ttl = 86400, .fail_ttl = 60};
	struct dns_answer a;
	struct cache *c;
	int hits = 0;

	snprintf(s.file, sizeof(s.file), "%s", argv[0]);
	s.size = strtoul(argv[1], NULL, 10);
	c = cache_open(&s);
	hits += cache_get(c, argv[2], argv[3], time(NULL), &a, NULL);
	hits += cache_get(c, argv[4], argv[5], time(NULL), &a, NULL);
	cache_close(c);
	printf("%.1f %d\n", ns_since(t0) / 1000.0, hits);
	return 0;
}

/* fresh - run `runs` new processes of one kind; mean microseconds, total hits */
static double fresh(const char *kind, const char *target, const struct opts *o,
		    unsigned runs, int *hits)
{
	char cmd[1024];
	double sum = 0, us;
	int h, n;

	*hits = 0;
	for (unsigned r = 0; r < runs; r++) {
		unsigned k1 = order[r % o->keys], k2 = order[(r + 1) % o->keys];
		FILE *fp;

		n = snprintf(cmd, sizeof(cmd), "/proc/%ld/exe -X %s '%s' %lu %s %s %s %s",
			     (long)getpid(), kind, target, o->size, lists[k1], qnames[k1],
			     lists[k2], qnames[k2]);
		if (n < 0 || (size_t)n >= sizeof(cmd))
			msg_fatal("command line too long for %s", target);
		if ((fp = popen(cmd, "r")) == NULL || fscanf(fp, "%lf %d", &us, &h) != 2)
			msg_fatal("cannot run %s", cmd);
		pclose(fp);
		sum += us;
		*hits += h;
	}
	return sum / runs;
}

#ifdef HAVE_LMDB_H
#include "cache_bench_lmdb.h"
#else
/* child_lmdb - no header at build time */
static int child_lmdb(char **argv, const struct timespec *t0)
{
	return 1;
}

/* lmdb_bench - no header at build time */
static void lmdb_bench(const char *dir, const struct opts *o)
{
	printf("mdb_get: NOT MEASURED: <lmdb.h> was missing at build time "
	       "(apt-get install liblmdb-dev, then rebuild bench/cache_bench)\n");
}
#endif

/* parse - command line */
static void parse(int argc, char **argv, struct opts *o)
{
	int ch;

	*o = (struct opts){.keys = 10000, .lookups = 2000000, .size = 65536};
	while ((ch = getopt(argc, argv, "k:n:s:")) != -1) {
		switch (ch) {
		case 'k': o->keys = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'n': o->lookups = strtoul(optarg, NULL, 10); break;
		case 's': o->size = strtoul(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: %s [-k keys] [-n lookups] [-s size]\n", argv[0]);
			exit(2);
		}
	}
	if (o->keys == 0)
		o->keys = 1;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct cache_settings s = {.min_ttl = 0, .max_ttl = 86400, .fail_ttl = 60};
	char dir[] = "/tmp/cache_bench.XXXXXX", cmd[128];
	unsigned long hits;
	struct cache *c;
	struct timespec t0;
	int fh;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (argc == 9 && strcmp(argv[1], "-X") == 0 && strcmp(argv[2], "cache") == 0)
		return child_cache(argv + 3, &t0);
	if (argc == 9 && strcmp(argv[1], "-X") == 0 && strcmp(argv[2], "lmdb") == 0)
		return child_lmdb(argv + 3, &t0);
	parse(argc, argv, &o);
	msg_init("cache_bench", MSG_STDERR, 0);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mkdtemp(dir) == NULL || sh == MAP_FAILED)
		msg_fatal("cannot set up");
	make_keys(o.keys);
	snprintf(s.file, sizeof(s.file), "%s/cache.db", dir);
	s.size = o.size;
	if ((c = cache_open(&s)) == NULL)
		msg_fatal("cannot open the cache");
	fill(c, &o);
#if defined(__SANITIZE_ADDRESS__)
	printf("WARNING: built with sanitizers: these numbers say little\n");
#endif
	printf("keys: %u, cache size %lu entries, %lu lookups per run\n", o.keys, o.size, o.lookups);
	cache_loop(c, &o, &hits);	/* warm up */
	printf("cache_get, 1 process:            %6.1f ns/lookup", cache_loop(c, &o, &hits));
	printf(" (%lu hits)\n", hits);
	two(&s, &o, false);
	printf("cache_get, 2 processes at once:  %6.1f and %.1f ns/lookup (%lu, %lu hits)\n",
	       sh->ns[0], sh->ns[1], sh->hits[0], sh->hits[1]);
	two(&s, &o, true);
	printf("cache_get beside a writer:       %6.1f ns/lookup (%lu hits); cache_put %.1f ns/store\n",
	       sh->ns[0], sh->hits[0], sh->ns[1]);
	printf("new process: open, 2 lookups, close: %6.1f us", fresh("cache", s.file, &o, 200, &fh));
	printf(" (%d of 400 hits)\n", fh);
	cache_close(c);
	lmdb_bench(dir, &o);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
