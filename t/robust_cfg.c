/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * robust_cfg.c - damaged configuration files for t/robust.bats.
 *
 * Each file is a base file (etc/dnswl.cfg, t/data/dnswl-py.cfg) with
 * one or two mutations: cut short, bytes changed, a line duplicated,
 * deleted or swapped, an over-long line, binary junk, a key moved into
 * another section.  dnswl must accept the result or refuse it with one
 * error naming the file (and the line); the test checks which.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "robust_gen.h"

#define LONG_LINE_MIN 4090	/* around src/cfg/cfg_load.c's 4096-byte limit */

/* insert - put len bytes at off */
static void insert(struct buf *b, size_t off, const void *data, size_t len)
{
	size_t tail = b->len - off;

	buf_fill(b, 0, len);
	memmove(b->p + off + len, b->p + off, tail);
	memcpy(b->p + off, data, len);
}

/* cut - remove len bytes at off */
static void cut(struct buf *b, size_t off, size_t len)
{
	memmove(b->p + off, b->p + off + len, b->len - off - len);
	b->len -= len;
}

/* nlines - lines in b (a last line without newline counts) */
static size_t nlines(const struct buf *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->len; i++)
		n += b->p[i] == '\n';
	return n + (b->len > 0 && b->p[b->len - 1] != '\n');
}

/* line_at - offset and length (newline included) of line k */
static size_t line_at(const struct buf *b, size_t k, size_t *len)
{
	size_t off = 0, end;

	for (size_t i = 0; i < k && off < b->len; i++) {
		const char *nl = memchr(b->p + off, '\n', b->len - off);
		off = nl != NULL ? (size_t) (nl - b->p) + 1 : b->len;
	}
	end = off;
	while (end < b->len && b->p[end++] != '\n')
		;
	*len = end - off;
	return off;
}

/* random_line - offset and length of some line (b not empty) */
static size_t random_line(struct rg *g, const struct buf *b, size_t *len)
{
	return line_at(b, rg_below(g, nlines(b) + (b->len == 0)), len);
}

/* m_truncate - cut the file at a random byte */
static void m_truncate(struct rg *g, struct buf *b)
{
	b->len = rg_below(g, b->len + 1);
}

/* m_flip - change 1 to 8 random bytes to random values */
static void m_flip(struct rg *g, struct buf *b)
{
	for (size_t n = 1 + rg_below(g, 8); n > 0 && b->len > 0; n--)
		b->p[rg_below(g, b->len)] = (char) rg_below(g, 256);
}

/* m_duplicate - copy a line to right after itself or to another line */
static void m_duplicate(struct rg *g, struct buf *b)
{
	size_t len, off = random_line(g, b, &len), to, tolen;
	char *copy = malloc(len + 2);

	memcpy(copy, b->p + off, len);
	if (len == 0 || copy[len - 1] != '\n')
		copy[len++] = '\n';
	to = rg_below(g, 2) ? off + len : line_at(b, rg_below(g, nlines(b) + 1), &tolen);
	insert(b, to > b->len ? b->len : to, copy, len);
	free(copy);
}

/* m_long_line - a key, value or continuation line of 4 to 12 kB */
static void m_long_line(struct rg *g, struct buf *b)
{
	static const char *const heads[] = {"action_ok = OK ", "ips = 127.0.2, ",
		"   127.0.3, ", "; a comment ", "sites = a.example, "};
	struct buf line = {0};
	size_t len;

	buf_str(&line, heads[rg_below(g, 5)]);
	buf_fill(&line, 'x', LONG_LINE_MIN + rg_below(g, 8000));
	buf_str(&line, "\n");
	insert(b, random_line(g, b, &len), line.p, line.len);
	free(line.p);
}

/* m_junk - 1 to 300 random bytes somewhere */
static void m_junk(struct rg *g, struct buf *b)
{
	char junk[300];
	size_t n = 1 + rg_below(g, sizeof(junk));

	for (size_t i = 0; i < n; i++)
		junk[i] = (char) rg_below(g, 256);
	insert(b, rg_below(g, b->len + 1), junk, n);
}

/* is_key / is_section - kinds of line, at off */
static int is_key(const struct buf *b, size_t off, size_t len)
{
	return len > 1 && memchr(b->p + off, '=', len) != NULL
	    && strchr(" \t;#[", b->p[off]) == NULL;
}

static int is_section(const struct buf *b, size_t off, size_t len)
{
	return len > 1 && b->p[off] == '[';
}

/* find_line - some line for which test holds (tries a few); SIZE_MAX if none */
static size_t find_line(struct rg *g, const struct buf *b,
			int (*test)(const struct buf *, size_t, size_t), size_t *len)
{
	for (int tries = 0; tries < 50; tries++) {
		size_t off = random_line(g, b, len);

		if (test(b, off, *len))
			return off;
	}
	return SIZE_MAX;
}

/* m_wrong_section - move a key line to just after another section header */
static void m_wrong_section(struct rg *g, struct buf *b)
{
	size_t klen, slen, k = find_line(g, b, is_key, &klen);
	size_t s = find_line(g, b, is_section, &slen);
	char *copy;

	if (k == SIZE_MAX || s == SIZE_MAX)
		return m_duplicate(g, b);
	copy = malloc(klen);
	memcpy(copy, b->p + k, klen);
	cut(b, k, klen);
	if (s > k)
		s -= klen;
	insert(b, s + slen > b->len ? b->len : s + slen, copy, klen);
	free(copy);
}

/* m_delete - remove a line */
static void m_delete(struct rg *g, struct buf *b)
{
	size_t len, off = random_line(g, b, &len);

	cut(b, off, len);
}

/* m_swap - exchange a line with the one after it */
static void m_swap(struct rg *g, struct buf *b)
{
	size_t alen, a = random_line(g, b, &alen), next = a + alen, blen = 0;
	char *copy;

	if (next >= b->len)
		return m_delete(g, b);
	while (next + blen < b->len && b->p[next + blen++] != '\n')
		;
	copy = malloc(alen);
	memcpy(copy, b->p + a, alen);
	cut(b, a, alen);
	insert(b, a + blen, copy, alen);
	free(copy);
}

static const struct {
	const char *name;
	void (*apply)(struct rg *, struct buf *);
} mutations[] = {
	{"truncate", m_truncate}, {"flip", m_flip}, {"duplicate", m_duplicate},
	{"long-line", m_long_line}, {"junk", m_junk}, {"wrong-section", m_wrong_section},
	{"delete", m_delete}, {"swap", m_swap},
};
#define NMUT (sizeof(mutations) / sizeof(mutations[0]))

/* load - a base file into b */
static void load(const char *path, struct buf *b)
{
	char chunk[4096];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (fp == NULL) {
		perror(path);
		exit(2);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_put(b, chunk, n);
	fclose(fp);
}

/* robust_configs - n damaged files; every ninth gets two mutations */
int robust_configs(struct rg *g, unsigned n, const char *dir, char **bases, int nbases)
{
	for (unsigned i = 0; i < n; i++) {
		struct buf b = {0};
		int base = (int) (i % (unsigned) nbases);
		size_t m = (i / (unsigned) nbases) % NMUT, m2 = rg_below(g, NMUT);

		load(bases[base], &b);
		mutations[m].apply(g, &b);
		if (i % 9 == 8)
			mutations[m2].apply(g, &b);
		buf_save(&b, dir, i, "cfg");
		printf("%03u %s%s%s %s\n", i, mutations[m].name, i % 9 == 8 ? "+" : "",
		       i % 9 == 8 ? mutations[m2].name : "", bases[base]);
		free(b.p);
	}
	return 0;
}
