/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_rec.c - other modules' records in the answer cache's slots.
 *
 * A record is a slot of status CACHE_ST_RECORD whose "addresses" hold
 * the record's numbers (2 * CACHE_REC_WORDS 32-bit words): the same
 * seqlock + checksum, bucket locks and eviction as the answers, so the
 * state is bounded by [cache] size, expired entries are the first a
 * full bucket gives up (incremental expiry, no purge pass), and a writer
 * killed at any instruction leaves at worst one unreadable slot, which
 * reads as absent.  cache_get never returns a record (its status is
 * not an answer), and a kind starting with '#' is never a DNS zone.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cache_int.h"
#include "msg.h"
#include "str.h"

#define REC_NADDR	(2 * CACHE_REC_WORDS)

_Static_assert(REC_NADDR <= DNS_MAX_ADDRS, "a record fits in a slot's addresses");

/* rec_key - the slot key of (kind, name) into body; false if unusable */
static bool rec_key(const struct cache *c, const char *kind, const char *name,
		    struct cache_slot *body)
{
	size_t kl;

	memset(body, 0, sizeof(*body));
	if (c == NULL || strlen(name) > CACHE_REC_NAME
	    || (kl = cache_key(kind, name, body->key, &body->listlen)) == 0)
		return false;
	body->keylen = (uint16_t)kl;
	body->hash = cache_key_hash(c->seed, body->key, kl, body->listlen);
	return true;
}

/* rec_words - where a slot's record numbers start */
static const char *rec_words(const struct cache_slot *s)
{
	return (const char *)s + cache_slot_end(s) - REC_NADDR * sizeof(uint32_t);
}

/* rec_decode - a fetched slot as a record; false if it is not one */
static bool rec_decode(const struct cache_slot *s, struct cache_rec *rec)
{
	if (s->status != CACHE_ST_RECORD || s->naddr != REC_NADDR)
		return false;
	rec->expires = s->expires;
	rec->used = s->stored;
	memcpy(rec->v, rec_words(s), sizeof(rec->v));
	return true;
}

/* rec_encode - a record into a slot body whose key is set */
static void rec_encode(const struct cache_rec *rec, struct cache_slot *body)
{
	uint32_t words[REC_NADDR];

	memcpy(words, rec->v, sizeof(words));
	body->status = CACHE_ST_RECORD;
	body->expires = rec->expires;
	body->stored = rec->used;
	cache_slot_set_addrs(body, words, REC_NADDR);
}

/* rec_find - the slot holding body's key in bucket base, or NULL */
static struct cache_slot *rec_find(const struct cache *c, struct cache_slot *base,
				   const struct cache_slot *body, struct cache_slot *copy)
{
	for (unsigned w = 0; w < CACHE_WAYS; w++)
		if (cache_slot_fetch(&base[w], c->seed, body->hash, copy) == CACHE_RD_OK
		    && copy->keylen == body->keylen && copy->listlen == body->listlen
		    && memcmp(copy->key, body->key, body->keylen) == 0)
			return &base[w];
	return NULL;
}

/* rec_victim - a free, damaged, expired or least recently used slot */
static struct cache_slot *rec_victim(const struct cache *c, struct cache_slot *base, time_t now)
{
	struct cache_slot copy, *best = &base[0];
	int64_t best_rank = INT64_MAX;

	for (unsigned w = 0; w < CACHE_WAYS; w++) {
		int64_t k;

		if (cache_slot_fetch(&base[w], c->seed, 0, &copy) != CACHE_RD_OK)
			return &base[w];
		k = copy.expires <= (int64_t)now ? 0
		    : 1 + (int64_t)atomic_load_explicit(&base[w].used, memory_order_relaxed);
		if (k < best_rank) {
			best_rank = k;
			best = &base[w];
		}
	}
	return best;
}

/* cache_rec_update - read, change, write under the bucket lock */
bool cache_rec_update(struct cache *c, const char *kind, const char *name,
		      time_t now, cache_rec_fn *fn, void *arg)
{
	struct cache_slot body, copy, *live, *base;
	struct cache_rec rec;
	bool found;
	uint32_t b;

	if (!rec_key(c, kind, name, &body))
		return false;
	b = cache_bucket_of(c, body.hash);
	base = &c->slots[(size_t)b * CACHE_WAYS];
	if (!cache_bucket_lock(c, b, CACHE_REC_WAIT_MS))
		return false;
	memset(&rec, 0, sizeof(rec));
	live = rec_find(c, base, &body, &copy);
	found = live != NULL && rec_decode(&copy, &rec) && rec.expires > (int64_t)now;
	if (!found)
		memset(&rec, 0, sizeof(rec));
	if (fn(arg, found, &rec)) {
		rec_encode(&rec, &body);
		cache_slot_store(live != NULL ? live : rec_victim(c, base, now), c->seed, &body);
		atomic_fetch_add_explicit(&c->hdr->stores, 1, memory_order_relaxed);
	}
	cache_bucket_unlock(c, b);
	return true;
}

/* cache_rec_delete - clear one record */
bool cache_rec_delete(struct cache *c, const char *kind, const char *name)
{
	struct cache_slot body, copy, *live;
	uint32_t b;

	if (!rec_key(c, kind, name, &body))
		return false;
	b = cache_bucket_of(c, body.hash);
	if (!cache_bucket_lock(c, b, CACHE_WAIT_ADMIN))
		return false;
	if ((live = rec_find(c, &c->slots[(size_t)b * CACHE_WAYS], &body, &copy)) != NULL)
		cache_slot_clear(live);
	cache_bucket_unlock(c, b);
	return live != NULL;
}

/* scan_slot - one slot for cache_rec_scan; true (and its hash) when fn wants it deleted */
static bool scan_slot(const struct cache *c, uint32_t i, const char *kind, size_t kl,
		      cache_rec_scan_fn *fn, void *arg, uint64_t *hash)
{
	struct cache_slot copy;
	struct cache_rec rec;
	char name[CACHE_REC_NAME + 1];

	if (cache_slot_fetch(&c->slots[i], c->seed, 0, &copy) != CACHE_RD_OK
	    || copy.listlen != kl || memcmp(copy.key, kind, kl) != 0
	    || !rec_decode(&copy, &rec) || copy.keylen - kl > CACHE_REC_NAME)
		return false;
	memcpy(name, copy.key + kl, copy.keylen - kl);
	name[copy.keylen - kl] = '\0';
	*hash = copy.hash;
	return fn(arg, name, &rec);
}

/* cache_rec_scan - every record of one kind; deletions re-checked under the lock */
bool cache_rec_scan(struct cache *c, const char *kind, cache_rec_scan_fn *fn, void *arg)
{
	size_t kl = strlen(kind);
	struct cache_slot copy;
	uint64_t hash = 0;

	if (c == NULL)
		return false;
	for (uint32_t i = 0; i < c->geom.nslots; i++) {
		uint32_t b = i / CACHE_WAYS;

		if (!scan_slot(c, i, kind, kl, fn, arg, &hash) || !cache_bucket_lock(c, b, CACHE_WAIT_ADMIN))
			continue;
		/* a writer may have put another key there since the scan read it */
		if (cache_slot_fetch(&c->slots[i], c->seed, hash, &copy) == CACHE_RD_OK)
			cache_slot_clear(&c->slots[i]);
		cache_bucket_unlock(c, b);
	}
	return true;
}

/* cache_open_existing - an existing file for an admin command, or NULL */
struct cache *cache_open_existing(const struct cache_settings *s)
{
	struct cache *c;

	if (s->file[0] == '\0' || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	str_printable(c->path, sizeof(c->path), s->file);
	c->max_ttl = s->max_ttl;
	if (cache_file_open(c, s, CACHE_INSPECT, NULL))
		return c;
	free(c);
	return NULL;
}
