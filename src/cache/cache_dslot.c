/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_dslot.c - the record protocol of the cache file's data slots
 * (MX, PTR and TXT answers): seqlock + checksum as for the answer slots
 * (cache_fmt.c), and the bounds a fetched copy must keep.  Pure
 * functions on memory, like cache_fmt.c, so the fuzz harness reaches
 * them.
 */
#include "config.h"

#include <string.h>

#include "cache_fmt.h"

#define SALT_DSLOT 0x64736c74ULL	/* "dslt" */
#define DSLOT_COPY offsetof(struct cache_dslot, check)

/* cache_dslot_sum - checksum over hash..the end (unused bytes are zero) */
uint64_t cache_dslot_sum(uint64_t seed, const struct cache_dslot *d)
{
	return cache_hash(seed ^ SALT_DSLOT, (const char *)d + CACHE_DSLOT_BODY,
			  sizeof(*d) - CACHE_DSLOT_BODY);
}

/* strings_ok - nitems NUL-terminated strings fill data[0..datalen) exactly */
static bool strings_ok(const struct cache_dslot *d)
{
	const char *p = d->data, *end = d->data + d->datalen;
	unsigned n = 0;

	for (; p < end; n++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		if (nul == NULL || (d->type == CACHE_DT_NAMES && nul - p >= DNS_NAME_MAX))
			return false;
		p = nul + 1;
	}
	return n == d->nitems;
}

/* fields_ok - a fetched copy's fields in range */
static bool fields_ok(const struct cache_dslot *d)
{
	if (d->keylen > CACHE_KEY_MAX || d->listlen == 0 || d->listlen >= d->keylen
	    || d->datalen > sizeof(d->data) || d->null_mx > 1)
		return false;
	if (d->status == CACHE_ST_NXDOMAIN || d->status == CACHE_ST_NODATA)
		return d->type == 0 && d->datalen == 0 && d->nitems == 0 && !d->null_mx;
	if (d->status != CACHE_ST_ANSWER || (d->nitems == 0 && !d->null_mx))
		return false;
	if (d->type == CACHE_DT_NAMES)
		return d->nitems <= DNS_MAX_MX && strings_ok(d);
	return d->type == CACHE_DT_TXT && !d->null_mx && strings_ok(d);
}

/* cache_dslot_fetch - consistent, verified copy of a live data slot */
enum cache_read cache_dslot_fetch(const struct cache_dslot *live, uint64_t seed,
				  uint64_t hash, struct cache_dslot *copy)
{
	uint64_t h;

	if (hash != 0) {
		memcpy(&h, (const char *)live + offsetof(struct cache_dslot, hash), sizeof(h));
		if (h != hash)
			return CACHE_RD_OTHER;	/* torn or not: not ours */
	}
	if (!cache_seq_copy(&live->seq, live, copy, DSLOT_COPY, sizeof(*copy)))
		return CACHE_RD_BUSY;
	if (copy->keylen == 0)
		return CACHE_RD_EMPTY;
	if (copy->check != cache_dslot_sum(seed, copy) || !fields_ok(copy))
		return CACHE_RD_BAD;
	return hash != 0 && copy->hash != hash ? CACHE_RD_OTHER : CACHE_RD_OK;
}

/* cache_dslot_store - seqlock write of a data slot */
void cache_dslot_store(struct cache_dslot *live, uint64_t seed, const struct cache_dslot *body)
{
	cache_seq_write(&live->seq, &live->check, cache_dslot_sum(seed, body), live, body,
			CACHE_DSLOT_BODY, sizeof(*live));
	atomic_store_explicit(&live->used, (uint32_t)body->stored, memory_order_relaxed);
}

/* cache_dslot_clear - seqlock write of an empty data slot */
void cache_dslot_clear(struct cache_dslot *live)
{
	cache_seq_write(&live->seq, &live->check, 0, live, NULL, CACHE_DSLOT_BODY, sizeof(*live));
	atomic_store_explicit(&live->used, 0, memory_order_relaxed);
}
