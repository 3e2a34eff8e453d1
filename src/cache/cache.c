/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache.c - answers in the shared cache file: open, get, put, aux area.
 *
 * The file is a hash table of CACHE_WAYS-slot buckets.  Readers take no
 * lock (seqlock + checksum per slot, see cache_fmt.c); writers take an
 * fcntl lock on one bucket, which the kernel drops if they are killed.
 * A full bucket gives up an expired entry first, then the one hit least
 * recently (second resolution), then the one expiring soonest.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cache_int.h"
#include "msg.h"
#include "str.h"

_Static_assert(CACHE_SIZE_MIN == CACHE_MIN_ENTRIES && CACHE_SIZE_MAX == CACHE_MAX_ENTRIES,
	       "cache.h and cache_fmt.h agree on sizes");
_Static_assert(CACHE_AUX_AREA == CACHE_AUX_SIZE, "cache.h and cache_fmt.h agree on the aux area");

/* cache_open - open the shared file, or NULL to run uncached */
struct cache *cache_open(const struct cache_settings *settings)
{
	struct cache *c;

	if (settings->file[0] == '\0') {
		msg_debug("cache disabled ([cache] file is empty)");
		return NULL;
	}
	if (settings->size < CACHE_MIN_ENTRIES || settings->size > CACHE_MAX_ENTRIES) {
		msg_warn("cache: size %lu out of range %lu..%lu; running uncached",
			 settings->size, CACHE_MIN_ENTRIES, CACHE_MAX_ENTRIES);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		msg_warn("cache: out of memory; running uncached");
		return NULL;
	}
	str_printable(c->path, sizeof(c->path), settings->file);
	c->min_ttl = settings->min_ttl;
	c->max_ttl = settings->max_ttl;
	c->fail_ttl = settings->fail_ttl;
	if (!cache_file_open(c, settings, CACHE_SERVE, NULL)) {
		free(c);
		return NULL;
	}
	return c;
}

/* cache_close - unmap, close */
void cache_close(struct cache *c)
{
	if (c == NULL)
		return;
	if (c->aux_locked)
		cache_aux_unlock(c);
	munmap(c->map, c->geom.file_size);
	close(c->fd);
	free(c);
}

/*
 * cache_count - tally a hit or miss in the shared header at once (one atomic
 * add, no lock), so that `dnswl -C stats` sees running processes too;
 * returns hit
 */
bool cache_count(struct cache *c, bool hit)
{
	atomic_fetch_add_explicit(hit ? &c->hdr->hits : &c->hdr->misses, 1, memory_order_relaxed);
	return hit;
}

/* same_key - the fetched slot holds exactly this key */
static bool same_key(const struct cache_slot *s, const char *key, size_t kl, uint8_t ll)
{
	return s->keylen == kl && s->listlen == ll && memcmp(s->key, key, kl) == 0;
}

/* cache_fresh - not expired, and not longer-lived than max_ttl allows now */
bool cache_fresh(const struct cache *c, int64_t expires, time_t now)
{
	return expires > (int64_t)now && (uint64_t)(expires - now) <= c->max_ttl;
}

/* cache_touch - note the hit second, writing only when it changed */
void cache_touch(_Atomic uint32_t *used, time_t now)
{
	if (atomic_load_explicit(used, memory_order_relaxed) != (uint32_t)now)
		atomic_store_explicit(used, (uint32_t)now, memory_order_relaxed);
}

/* cache_get - lock-free lookup */
bool cache_get(struct cache *c, const char *list, const char *qname,
	       time_t now, struct dns_answer *ans, time_t *expires)
{
	char key[2 * CACHE_NAME_MAX];
	struct cache_slot copy;
	uint8_t ll;
	size_t kl;
	uint64_t h;
	struct cache_slot *base;

	if (c == NULL || (kl = cache_key(list, qname, key, &ll)) == 0)
		return false;
	h = cache_key_hash(c->seed, key, kl, ll);
	base = &c->slots[(size_t)cache_bucket_of(c, h) * CACHE_WAYS];
	for (unsigned w = 0; w < CACHE_WAYS; w++) {
		if (cache_slot_fetch(&base[w], c->seed, h, &copy) != CACHE_RD_OK
		    || !same_key(&copy, key, kl, ll))
			continue;
		if (!cache_fresh(c, copy.expires, now) || !cache_slot_answer(&copy, ans))
			break;
		cache_touch(&base[w].used, now);
		if (expires != NULL)
			*expires = (time_t)copy.expires;
		return cache_count(c, true);
	}
	return cache_count(c, false);
}

/* cache_clamp_ttl - the TTL an answer is kept for */
unsigned long cache_clamp_ttl(const struct cache *c, uint32_t ttl)
{
	unsigned long t = ttl;

	if (t < c->min_ttl)
		t = c->min_ttl;
	if (t > c->max_ttl)
		t = c->max_ttl;
	return t;
}

/* fill_body - the answer part of a slot body (key set first); false if not cacheable */
static bool fill_body(const struct cache *c, const struct dns_answer *ans, time_t now,
		      struct cache_slot *b)
{
	unsigned long ttl = cache_clamp_ttl(c, ans->ttl);

	if (ttl == 0)
		return false;
	if (ans->status == DNS_ANSWER && ans->naddr >= 1 && ans->naddr <= DNS_MAX_ADDRS) {
		b->status = CACHE_ST_ANSWER;
		cache_slot_set_addrs(b, ans->addr, ans->naddr);
	} else if (ans->status == DNS_NXDOMAIN || ans->status == DNS_NODATA) {
		b->status = ans->status == DNS_NXDOMAIN ? CACHE_ST_NXDOMAIN : CACHE_ST_NODATA;
	} else {
		return false;
	}
	b->ttl = (uint32_t)ttl;
	b->stored = (int64_t)now;
	b->expires = (int64_t)now + (int64_t)ttl;
	return true;
}

/* cache_rank - replacement order: lower goes first */
uint64_t cache_rank(enum cache_read r, int64_t expires, const _Atomic uint32_t *used,
		    time_t now)
{
	uint64_t left;

	if (r != CACHE_RD_OK)
		return 0;	/* free, damaged, or left odd by a dead writer */
	if (expires <= (int64_t)now)
		return 1;
	left = (uint64_t)(expires - now);
	if (left > 0x7fffffff)
		left = 0x7fffffff;
	/* least recently hit first; among those, the one expiring soonest */
	return 2 + ((uint64_t)atomic_load_explicit(used, memory_order_relaxed) << 31) + left;
}

/* victim - slot to write a key into (same key first); bucket locked */
static struct cache_slot *victim(const struct cache *c, struct cache_slot *base,
				 const struct cache_slot *body, time_t now)
{
	struct cache_slot copy, *best = &base[0];
	uint64_t best_rank = UINT64_MAX;

	for (unsigned w = 0; w < CACHE_WAYS; w++) {
		enum cache_read r = cache_slot_fetch(&base[w], c->seed, 0, &copy);
		uint64_t k;

		if (r == CACHE_RD_OK && copy.hash == body->hash
		    && same_key(&copy, body->key, body->keylen, body->listlen))
			return &base[w];
		if ((k = cache_rank(r, copy.expires, &base[w].used, now)) < best_rank) {
			best_rank = k;
			best = &base[w];
		}
	}
	return best;
}

/* cache_put - store an answer under the bucket lock */
void cache_put(struct cache *c, const char *list, const char *qname,
	       const struct dns_answer *ans, time_t now)
{
	struct cache_slot body;
	size_t kl;
	uint32_t b;

	if (c == NULL)
		return;
	memset(&body, 0, sizeof(body));
	if ((kl = cache_key(list, qname, body.key, &body.listlen)) == 0)
		return;
	body.keylen = (uint16_t)kl;
	if (!fill_body(c, ans, now, &body))
		return;
	body.hash = cache_key_hash(c->seed, body.key, kl, body.listlen);
	b = cache_bucket_of(c, body.hash);
	if (!cache_bucket_lock(c, b, CACHE_WAIT_PUT)) {
		msg_debug("cache %s: bucket %u busy, answer not stored", c->path, b);
		return;
	}
	cache_slot_store(victim(c, &c->slots[(size_t)b * CACHE_WAYS], &body, now), c->seed, &body);
	cache_bucket_unlock(c, b);
	atomic_fetch_add_explicit(&c->hdr->stores, 1, memory_order_relaxed);
}

/* cache_aux - the aux area shared with other modules */
void *cache_aux(struct cache *c, size_t *size)
{
	if (c == NULL) {
		if (size != NULL)
			*size = 0;
		return NULL;
	}
	if (size != NULL)
		*size = (size_t)c->geom.aux_size;
	return c->map + c->geom.aux_off;
}

/* cache_aux_lock - exclusive lock on the aux area, bounded wait */
bool cache_aux_lock(struct cache *c)
{
	if (c == NULL)
		return false;
	if (c->aux_locked)
		msg_panic("cache_aux_lock: aux area already locked by this process");
	c->aux_locked = cache_lock(c, c->geom.aux_off, c->geom.aux_size, CACHE_AUX_WAIT_MS);
	return c->aux_locked;
}

/* cache_aux_unlock - release the aux lock */
void cache_aux_unlock(struct cache *c)
{
	if (c == NULL || !c->aux_locked)
		return;
	cache_unlock(c, c->geom.aux_off, c->geom.aux_size);
	c->aux_locked = false;
}

/* cache_time - ISO 8601 UTC */
const char *cache_time(int64_t t, char *buf, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		str_copy(buf, size, t == 0 ? "never" : "?");
	return buf;
}
