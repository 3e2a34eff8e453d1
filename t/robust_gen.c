/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * robust_gen.c - hostile inputs for t/robust.bats, from a seed.
 *
 *   robust_gen requests SEED N DIR     write DIR/NNN.in, N policy request
 *       streams; print "NNN KIND MIN MAX RC" per stream: the stream must
 *       get between MIN and MAX replies, and dnswl must exit with RC
 *       ("01" when either 0 or 1 is right)
 *   robust_gen configs SEED N DIR FILE...   write DIR/NNN.cfg, N damaged
 *       copies of the FILEs; print "NNN KIND BASE" per file
 *   robust_gen replies FILE MIN MAX    check that FILE is MIN..MAX replies,
 *       each "action=TEXT\n\n" with TEXT free of control characters;
 *       exit 1 with the reason on stdout otherwise
 *
 * The same SEED always gives the same files (a private PRNG, no time,
 * no rand()), so a failing case is reproduced from the seed the test
 * prints.  Stream kinds and config mutations: robust_req.c, robust_cfg.c.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robust_gen.h"

/* rg_next - splitmix64 */
uint64_t rg_next(struct rg *g)
{
	uint64_t z = (g->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* rg_below - a number in 0..n-1 (n > 0) */
size_t rg_below(struct rg *g, size_t n)
{
	return (size_t) (rg_next(g) % n);
}

/* buf_put - append len bytes, growing the buffer */
void buf_put(struct buf *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2 + 256;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			abort();
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
}

/* buf_str - append a string */
void buf_str(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

/* buf_fill - append n copies of byte c */
void buf_fill(struct buf *b, int c, size_t n)
{
	char chunk[1024];

	memset(chunk, c, sizeof(chunk));
	for (size_t step; n > 0; n -= step)
		buf_put(b, chunk, step = n < sizeof(chunk) ? n : sizeof(chunk));
}

/* buf_save - write the buffer as DIR/NNN.EXT */
void buf_save(const struct buf *b, const char *dir, unsigned n, const char *ext)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%03u.%s", dir, n, ext);
	if ((fp = fopen(path, "wb")) == NULL || fwrite(b->p, 1, b->len, fp) != b->len
	    || fclose(fp) != 0) {
		perror(path);
		exit(2);
	}
}

/* reply_ok - one "action=TEXT\n\n" at p; its length, or 0 */
static size_t reply_ok(const char *p, size_t len)
{
	size_t i = 7;

	if (len < 9 || memcmp(p, "action=", 7) != 0)
		return 0;
	while (i < len && (unsigned char) p[i] >= 0x20 && p[i] != 0x7f)
		i++;
	if (i == 7 || i + 2 > len || p[i] != '\n' || p[i + 1] != '\n')
		return 0;
	return i + 2;
}

/* count_replies - how many replies b holds; -1 with the reason in why */
static long count_replies(const struct buf *b, char *why, size_t size)
{
	size_t off = 0, step;
	long count = 0;

	for (; off < b->len; off += step, count++)
		if ((step = reply_ok(b->p + off, b->len - off)) == 0) {
			snprintf(why, size, "reply %ld (byte %zu) is not action=TEXT\\n\\n",
				 count + 1, off);
			return -1;
		}
	return count;
}

/* check_replies - the replies command */
static int check_replies(const char *path, long min, long max)
{
	struct buf b = {0};
	char chunk[4096], why[128];
	size_t n;
	long count;
	FILE *fp = fopen(path, "rb");

	if (fp == NULL)
		return printf("cannot read %s\n", path), 1;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_put(&b, chunk, n);
	fclose(fp);
	count = count_replies(&b, why, sizeof(why));
	free(b.p);
	if (count < 0)
		return printf("%s\n", why), 1;
	if (count < min || count > max)
		return printf("%ld replies, want %ld to %ld\n", count, min, max), 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct rg g;

	if (argc == 5 && strcmp(argv[1], "replies") == 0)
		return check_replies(argv[2], atol(argv[3]), atol(argv[4]));
	if (argc < 5) {
		fprintf(stderr, "usage: robust_gen requests|configs SEED N DIR [FILE...]\n"
			"       robust_gen replies FILE MIN MAX\n");
		return 2;
	}
	g.state = strtoull(argv[2], NULL, 10);
	if (strcmp(argv[1], "requests") == 0)
		return robust_requests(&g, (unsigned) atoi(argv[3]), argv[4]);
	if (strcmp(argv[1], "configs") == 0 && argc > 5)
		return robust_configs(&g, (unsigned) atoi(argv[3]), argv[4],
				      argv + 5, argc - 5);
	fprintf(stderr, "robust_gen: unknown command %s\n", argv[1]);
	return 2;
}
