/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * robust_gen.h - the parts of t/robust_gen (hostile inputs for
 * t/robust.bats): a seeded PRNG, a growing byte buffer, and the two
 * generators.
 */
#ifndef DNSWL_ROBUST_GEN_H
#define DNSWL_ROBUST_GEN_H

#include <stddef.h>
#include <stdint.h>

/* A deterministic PRNG (splitmix64): the seed is the whole state. */
struct rg {
	uint64_t state;
};

uint64_t rg_next(struct rg *g);
/* rg_below - uniform-ish in 0..n-1; n must be > 0. */
size_t rg_below(struct rg *g, size_t n);

struct buf {
	char *p;
	size_t len, cap;
};

void buf_put(struct buf *b, const void *data, size_t len);
void buf_str(struct buf *b, const char *s);
void buf_fill(struct buf *b, int c, size_t n);
/* buf_save - write b as DIR/NNN.EXT; exits 2 on failure. */
void buf_save(const struct buf *b, const char *dir, unsigned n, const char *ext);

/*
 * robust_requests - write n request streams into dir and their manifest
 * lines on stdout (robust_req.c).  Returns the exit status.
 */
int robust_requests(struct rg *g, unsigned n, const char *dir);

/*
 * robust_configs - write n damaged copies of the base files into dir and
 * their manifest lines on stdout (robust_cfg.c).  Returns the exit status.
 */
int robust_configs(struct rg *g, unsigned n, const char *dir, char **bases, int nbases);

#endif
