/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_set_int.h - the layout of the shared sender set, for the files
 * that implement it (amavis_set.c, amavis_sched.c).  Not for other
 * modules: they use amavis_set.h.
 */
#ifndef DNSWL_AMAVIS_SET_INT_H
#define DNSWL_AMAVIS_SET_INT_H

#include <stddef.h>
#include <stdint.h>

#include "amavis_set.h"

#define SET_MAGIC	UINT64_C(0x31564d414c57534e)	/* "NSWLAMV1" */
#define SET_VERSION	2	/* 2: the max_age expiry schedule */
#define ADD_RING	256
#define CLEAN_RING	256
#define SET_K		6	/* bits per key */
#define MIN_WORDS	64
#define CLOCK_SLACK	600	/* s: no real refresh claim is older than this */

struct set_clean {
	uint64_t hash;
	int64_t when;
};

/* (every field 8-byte aligned, so header_sum() covers all of them) */
struct set_header {
	uint64_t magic;
	uint32_t version;
	uint32_t nwords;		/* filter words after the header */
	uint64_t seed;			/* random per build of the area */
	int64_t refreshed;		/* claim time of the snapshot held; 0 never */
	int64_t claimed;		/* a refresh runs since then; 0 none */
	int64_t claim_pid;
	int64_t fail_until;		/* database failing: nobody tries before */
	int64_t expire_after;		/* next max_age expiry batch not before; 0 now */
	int64_t expire_claimed;		/* a batch runs since then; 0 none */
	int64_t expire_pid;
	uint64_t adds;			/* keys added so far (ring position) */
	uint64_t add_ring[ADD_RING];	/* hashes of the last adds */
	struct set_clean clean[CLEAN_RING];
	uint32_t clean_next;
	uint32_t dirty;			/* a writer is (or died) half-way */
	uint64_t filter_sum;		/* XOR of word_sum() over the filter */
	uint64_t header_sum;		/* over all of the above */
};

_Static_assert(offsetof(struct set_header, header_sum) % 8 == 0, "header_sum() steps 8 bytes");

/*
 * amavis_set_locked - the area locked and valid (rebuilt if it was not),
 * or NULL (no area, or no lock in time).  Unlock with shm->unlock.
 */
struct set_header *amavis_set_locked(const struct amavis_shm *shm);

/* amavis_set_begin / amavis_set_end - bracket every change of a locked area. */
void amavis_set_begin(struct set_header *h);
void amavis_set_end(struct set_header *h);

#endif
