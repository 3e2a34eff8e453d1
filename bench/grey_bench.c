/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grey_bench.c - cost of one greylist decision, as serve.c makes it.
 *
 *   grey_bench -c CFG [-n TRIPLETS]
 *
 * CFG has [greylist] enable = yes, score = 0, delay = 0 (so a retry
 * passes at once) and either a [cache] file (the file store) or a
 * [greylist] dsn.  Three rounds over TRIPLETS distinct triplets (one
 * sender per triplet, 256 per /24): first attempts (new), retries
 * (passed), later mail (known).  Per round: decisions per second and
 * the latency of one RCPT (median, 99th percentile, max, microseconds),
 * with the verdicts seen; then `dnswl -C greylist`'s counts and, for the
 * file store, the file's size.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "cfg.h"
#include "grey.h"
#include "msg.h"

/* usec - monotonic microseconds */
static long long usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* cmp_ll - qsort order */
static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* sender_of - a sender the normaliser keeps distinct (letters, no digit runs) */
static void sender_of(unsigned i, char *buf, size_t size)
{
	char word[8];
	int n = 0;

	do {
		word[n++] = (char)('a' + i % 26);
		i /= 26;
	} while (i > 0 && n < 7);
	word[n] = '\0';
	snprintf(buf, size, "list-%s@bench.example", word);
}

/* round - one pass over every triplet */
static void round_of(struct grey *g, const char *name, unsigned n, long long *lat)
{
	unsigned seen[4] = {0};
	char addr[32], sender[64], reason[GREY_REASON_MAX] = "";
	long long t0 = usec(), t1;

	for (unsigned i = 0; i < n; i++) {
		struct grey_request req = {"RCPT", addr, sender, "rcpt@example.org", NULL, NULL};
		struct grey_result res;
		long long s;

		snprintf(addr, sizeof(addr), "10.%u.%u.7", (i >> 16) & 255, (i >> 8) & 255);
		sender_of(i, sender, sizeof(sender));
		s = usec();
		grey_decide(g, &req, 1.0, false, &res);
		lat[i] = usec() - s;
		seen[res.verdict]++;
		if (res.verdict == GREY_NONE)
			memcpy(reason, res.reason, sizeof(reason));
	}
	t1 = usec();
	qsort(lat, n, sizeof(lat[0]), cmp_ll);
	printf("%-7s %7u decisions %9.0f/s  per RCPT: median %lld us, p99 %lld us, max %lld us"
	       "  (defer %u, pass %u, none %u%s%s)\n", name, n, n * 1e6 / (double)(t1 - t0 + 1),
	       lat[n / 2], lat[n * 99 / 100], lat[n - 1], seen[GREY_DEFER], seen[GREY_PASS],
	       seen[GREY_NONE], reason[0] ? ": " : "", reason);
}

int main(int argc, char **argv)
{
	static struct config cfg;
	const char *path = NULL;
	unsigned n = 100000;
	char err[CFG_ERR_MAX];
	struct cache *cache = NULL;
	struct grey *g;
	long long *lat;
	struct stat st;
	int ch;

	while ((ch = getopt(argc, argv, "c:n:")) != -1) {
		if (ch == 'c')
			path = optarg;
		else if (ch == 'n')
			n = (unsigned)strtoul(optarg, NULL, 10);
		else
			return 2;
	}
	if (path == NULL || n == 0 || !cfg_load(&cfg, path, err, sizeof(err)))
		return fprintf(stderr, "usage: grey_bench -c CFG [-n N]%s%s\n", path ? ": " : "",
			       path ? err : ""), 2;
	msg_init("grey_bench", MSG_STDERR, 0);
	if (cfg.grey.dsn[0] == '\0')
		cache = cache_open(&cfg.cache);
	if ((g = grey_open(&cfg.grey, &cfg.sql, cache)) == NULL || (lat = calloc(n, sizeof(*lat))) == NULL)
		return fprintf(stderr, "grey_bench: greylisting off or out of memory\n"), 1;
	printf("store: %s, %u triplets\n", cfg.grey.dsn[0] ? "SQL" : "cache file", n);
	round_of(g, "new", n, lat);
	round_of(g, "passed", n, lat);
	round_of(g, "known", n, lat);
	grey_close(g);
	cache_close(cache);
	free(lat);
	fflush(stdout);
	grey_admin(&cfg, 0, NULL, stdout);
	if (cfg.grey.dsn[0] == '\0' && stat(cfg.cache.file, &st) == 0)
		printf("cache file: %lu entries, %lld bytes (%.1f MiB)\n", cfg.cache.size,
		       (long long)st.st_size, st.st_size / 1048576.0);
	return 0;
}
