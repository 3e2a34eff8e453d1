/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_fmt.c - layout, header check, hashing and the record protocol
 * of the shared cache file.
 *
 * Records follow a seqlock: a writer (holding an fcntl lock, so writers
 * never overlap) makes seq odd, writes, makes it even again.  Readers
 * take no lock: they copy, re-read seq, and retry or give up on a
 * change.  A checksum keyed by the file's seed covers every record, so
 * a torn or damaged record reads as damaged, never as another answer.
 */
#include "config.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "cache_fmt.h"

static_assert(sizeof(struct cache_header) == CACHE_HEADER_SIZE, "header size");
static_assert(sizeof(struct cache_slot) == CACHE_SLOT_SIZE, "slot size");
static_assert(sizeof(struct cache_lrec) == CACHE_LREC_SIZE, "list record size");
static_assert(sizeof(struct cache_hrec) == CACHE_HREC_SIZE, "health record size");
static_assert(sizeof(((struct cache_hrec *)0)->zone) > CACHE_NAME_MAX, "health zone room");
static_assert(sizeof(struct cache_dslot) == CACHE_DSLOT_SIZE, "data slot size");
static_assert(offsetof(struct cache_dslot, key) == 56, "data slot layout");
static_assert(offsetof(struct cache_header, hits) == 120, "header layout");
static_assert(offsetof(struct cache_slot, key) == 52, "slot layout");
static_assert(sizeof(((struct cache_slot *)0)->key) >= CACHE_KEY_MAX + 3 + 4 * DNS_MAX_ADDRS,
	      "key and addresses room");
static_assert(sizeof(((struct cache_lrec *)0)->zone) >= CACHE_NAME_MAX, "zone room");
static_assert(sizeof(_Atomic uint64_t) == 8 && sizeof(_Atomic uint32_t) == 4, "atomics");
static_assert(ATOMIC_LLONG_LOCK_FREE == 2 && ATOMIC_INT_LOCK_FREE == 2,
	      "lock-free atomics are needed in shared memory");

#define C1 0xa0761d6478bd642fULL
#define C2 0xe7037ed1a0b428dbULL
#define C3 0x8ebc6af09c88c6e3ULL
#define SALT_SLOT 0x736c6f74ULL		/* "slot" */
#define SALT_LREC 0x6c726563ULL		/* "lrec" */
#define SALT_HREC 0x68726563ULL		/* "hrec" */
#define SALT_HEAD 0x68656164ULL		/* "head" */
#define FETCH_TRIES 4

/* rotl - rotate left */
static inline uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* mum - 64x64->128 multiply, folded (as in wyhash) */
static inline uint64_t mum(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/*
 * cache_hash - keyed 64-bit hash, one multiply per 16 bytes.  Both
 * multiplicands carry the seed, so input bytes alone cannot zero one and
 * wipe the state (keys come from client names an attacker may choose).
 */
uint64_t cache_hash(uint64_t seed, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t k1 = seed ^ C1, k2 = rotl(seed, 32) ^ C2, h = seed ^ (len * C3), w1, w2;
	size_t n = len;

	for (; n > 16; p += 16, n -= 16) {
		memcpy(&w1, p, 8);
		memcpy(&w2, p + 8, 8);
		h = mum(w1 ^ k1, w2 ^ h ^ k2);
	}
	w1 = w2 = 0;
	memcpy(&w1, p, n < 8 ? n : 8);
	if (n > 8)
		memcpy(&w2, p + 8, n - 8);
	h = mum(w1 ^ k1, w2 ^ h ^ k2);
	return mum(h ^ C3, len ^ k1) ^ h;
}

/* cache_geom_make - layout for a number of entries */
bool cache_geom_make(unsigned long entries, struct cache_geom *g)
{
	if (entries < CACHE_MIN_ENTRIES || entries > CACHE_MAX_ENTRIES)
		return false;
	g->nbuckets = (uint32_t)((entries + CACHE_WAYS - 1) / CACHE_WAYS);
	g->nslots = g->nbuckets * CACHE_WAYS;
	g->slot_off = CACHE_HEADER_SIZE;
	g->list_off = g->slot_off + (uint64_t)g->nslots * CACHE_SLOT_SIZE;
	g->health_off = g->list_off + (uint64_t)CACHE_NLISTS * CACHE_LREC_SIZE;
	g->ndbuckets = (g->nslots / CACHE_DATA_SHARE + CACHE_WAYS - 1) / CACHE_WAYS;
	if (g->ndbuckets == 0)
		g->ndbuckets = 1;	/* a tiny cache still keeps a few */
	g->ndslots = g->ndbuckets * CACHE_WAYS;
	g->data_off = g->health_off + (uint64_t)CACHE_NLISTS * CACHE_HREC_SIZE;
	g->aux_off = g->data_off + (uint64_t)g->ndslots * CACHE_DSLOT_SIZE;
	g->aux_off = (g->aux_off + CACHE_PAGE - 1) / CACHE_PAGE * CACHE_PAGE;
	g->aux_size = CACHE_AUX_SIZE;
	g->file_size = g->aux_off + g->aux_size;
	return true;
}

/* cache_fmt_header_sum - checksum of the fixed header fields */
uint64_t cache_fmt_header_sum(const struct cache_header *h)
{
	return cache_hash(SALT_HEAD, h, offsetof(struct cache_header, check));
}

/* cache_fmt_init - a fresh header */
void cache_fmt_init(struct cache_header *h, const struct cache_geom *g,
		    uint64_t seed, int64_t now)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->magic, CACHE_MAGIC, sizeof(h->magic));
	h->version = CACHE_VERSION;
	h->header_size = CACHE_HEADER_SIZE;
	h->slot_size = CACHE_SLOT_SIZE;
	h->ways = CACHE_WAYS;
	h->nbuckets = g->nbuckets;
	h->nlists = CACHE_NLISTS;
	h->lrec_size = CACHE_LREC_SIZE;
	h->dslot_size = CACHE_DSLOT_SIZE;
	h->ndbuckets = g->ndbuckets;
	h->slot_off = g->slot_off;
	h->list_off = g->list_off;
	h->data_off = g->data_off;
	h->aux_off = g->aux_off;
	h->aux_size = g->aux_size;
	h->file_size = g->file_size;
	h->seed = seed;
	h->created = now;
	h->check = cache_fmt_header_sum(h);
}

/* geom_matches - the header's layout is the one its bucket count implies */
static bool geom_matches(const struct cache_header *h, struct cache_geom *g)
{
	if (h->header_size != CACHE_HEADER_SIZE || h->slot_size != CACHE_SLOT_SIZE
	    || h->ways != CACHE_WAYS || h->nlists != CACHE_NLISTS
	    || h->lrec_size != CACHE_LREC_SIZE || h->dslot_size != CACHE_DSLOT_SIZE)
		return false;
	if (!cache_geom_make((unsigned long)h->nbuckets * CACHE_WAYS, g))
		return false;
	return h->slot_off == g->slot_off && h->list_off == g->list_off
	    && h->ndbuckets == g->ndbuckets && h->data_off == g->data_off
	    && h->aux_off == g->aux_off && h->aux_size == g->aux_size
	    && h->file_size == g->file_size;
}

/* cache_fmt_check - judge a file by its first bytes and its size */
enum cache_verdict cache_fmt_check(const void *buf, size_t len, uint64_t file_size,
				   struct cache_geom *g, char *why, size_t whysize)
{
	struct cache_header h;

	if (file_size == 0 || len == 0)
		return snprintf(why, whysize, "empty file"), CACHE_FMT_EMPTY;
	if (len < sizeof(h.magic) || memcmp(buf, CACHE_MAGIC, sizeof(h.magic)) != 0)
		return snprintf(why, whysize, "not a dnswl cache file (no magic number)"),
		    CACHE_FMT_FOREIGN;
	if (len < sizeof(h))
		return snprintf(why, whysize, "truncated inside the header (%zu bytes)", len),
		    CACHE_FMT_TRUNCATED;
	memcpy(&h, buf, sizeof(h));
	if (h.version < CACHE_VERSION)
		return snprintf(why, whysize, "older format version %u (this dnswl writes %u)",
				h.version, CACHE_VERSION), CACHE_FMT_OLDER;
	if (h.version > CACHE_VERSION)
		return snprintf(why, whysize, "newer format version %u (this dnswl knows %u)",
				h.version, CACHE_VERSION), CACHE_FMT_NEWER;
	if (h.check != cache_fmt_header_sum(&h))
		return snprintf(why, whysize, "damaged header (checksum mismatch)"),
		    CACHE_FMT_DAMAGED;
	if (!geom_matches(&h, g))
		return snprintf(why, whysize, "damaged header (inconsistent geometry)"),
		    CACHE_FMT_DAMAGED;
	if (file_size < g->file_size)
		return snprintf(why, whysize, "truncated (%llu of %llu bytes)",
				(unsigned long long)file_size,
				(unsigned long long)g->file_size), CACHE_FMT_TRUNCATED;
	if (file_size > g->file_size)
		return snprintf(why, whysize, "damaged (%llu bytes, header says %llu)",
				(unsigned long long)file_size,
				(unsigned long long)g->file_size), CACHE_FMT_DAMAGED;
	return CACHE_FMT_OK;
}

/* fold_word - lowercase the ASCII letters of 8 bytes at once */
static uint64_t fold_word(uint64_t w)
{
	uint64_t low = w & 0x7f7f7f7f7f7f7f7fULL;	/* no carries between bytes */
	uint64_t ge_a = low + 0x3f3f3f3f3f3f3f3fULL;	/* high bit set from 'A' up */
	uint64_t gt_z = low + 0x2525252525252525ULL;	/* high bit set above 'Z' */
	uint64_t upper = ge_a & ~gt_z & ~w & 0x8080808080808080ULL;

	return w | upper >> 2;				/* 0x80 >> 2 is 'a' - 'A' */
}

/* key_part - copy one name lowercased; its length, or 0 if empty or too long */
static size_t key_part(const char *name, char *out)
{
	size_t n = strnlen(name, CACHE_NAME_MAX + 1), i;
	uint64_t w;

	if (n == 0 || n > CACHE_NAME_MAX)
		return 0;
	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, name + i, 8);
		w = fold_word(w);
		memcpy(out + i, &w, 8);
	}
	for (; i < n; i++)
		out[i] = (char)(name[i] + ((unsigned char)(name[i] - 'A') < 26 ? 'a' - 'A' : 0));
	return n;
}

/* cache_key - lowercased list + qname, one pass */
size_t cache_key(const char *list, const char *qname, char *key, uint8_t *listlen)
{
	size_t ll = key_part(list, key), ql;

	if (ll == 0 || (ql = key_part(qname, key + ll)) == 0)
		return 0;
	*listlen = (uint8_t)ll;
	return ll + ql;
}

/* cache_key_hash - slot hash of a key; 0 is reserved for "no hash" */
uint64_t cache_key_hash(uint64_t seed, const char *key, size_t keylen, uint8_t listlen)
{
	uint64_t h = cache_hash(seed ^ ((uint64_t)listlen * C1), key, keylen);

	return h ? h : 1;
}

/* addr_off - where the addresses start: after the key, 4-aligned */
static size_t addr_off(size_t keylen)
{
	return CACHE_SLOT_FIXED + ((keylen + 3) & ~(size_t)3);
}

/* cache_slot_end - end of the checksummed bytes */
size_t cache_slot_end(const struct cache_slot *s)
{
	size_t keylen = s->keylen > CACHE_KEY_MAX ? CACHE_KEY_MAX : s->keylen;
	size_t naddr = s->naddr > DNS_MAX_ADDRS ? DNS_MAX_ADDRS : s->naddr;

	return addr_off(keylen) + naddr * sizeof(uint32_t);
}

/* cache_slot_set_addrs - addresses after the key */
void cache_slot_set_addrs(struct cache_slot *s, const uint32_t *addr, unsigned n)
{
	s->naddr = (uint8_t)(n > DNS_MAX_ADDRS ? DNS_MAX_ADDRS : n);
	memcpy((char *)s + addr_off(s->keylen), addr, s->naddr * sizeof(uint32_t));
}

/* cache_slot_sum - checksum over the slot body, key and addresses */
uint64_t cache_slot_sum(uint64_t seed, const struct cache_slot *s)
{
	return cache_hash(seed ^ SALT_SLOT, (const char *)s + CACHE_SLOT_BODY,
			  cache_slot_end(s) - CACHE_SLOT_BODY);
}

/* slot_copy_once - one seqlock read attempt; false if seq moved */
static bool slot_copy_once(const struct cache_slot *live, uint32_t s1, struct cache_slot *copy)
{
	size_t fixed = offsetof(struct cache_slot, check);

	/* check, then the body it covers (seq and used are not copied) */
	memcpy((char *)copy + fixed, (const char *)live + fixed, CACHE_SLOT_FIXED - fixed);
	fixed = cache_slot_end(copy);	/* bounded: damage is judged after the seq check */
	memcpy(copy->key, live->key, fixed - CACHE_SLOT_FIXED);
	atomic_thread_fence(memory_order_acquire);
	return atomic_load_explicit(&live->seq, memory_order_relaxed) == s1;
}

/* cache_slot_fetch - consistent, verified copy of a live slot */
enum cache_read cache_slot_fetch(const struct cache_slot *live, uint64_t seed,
				 uint64_t hash, struct cache_slot *copy)
{
	for (int i = 0; i < FETCH_TRIES; i++) {
		uint32_t s1 = atomic_load_explicit(&live->seq, memory_order_acquire);
		uint64_t h;

		if (s1 & 1)
			return CACHE_RD_BUSY;
		memcpy(&h, (const char *)live + offsetof(struct cache_slot, hash), sizeof(h));
		if (hash != 0 && h != hash)
			return CACHE_RD_OTHER;
		if (!slot_copy_once(live, s1, copy))
			continue;
		if (copy->keylen == 0)
			return CACHE_RD_EMPTY;
		if (copy->keylen > CACHE_KEY_MAX || copy->naddr > DNS_MAX_ADDRS || copy->listlen == 0
		    || copy->listlen >= copy->keylen || copy->check != cache_slot_sum(seed, copy))
			return CACHE_RD_BAD;
		return hash != 0 && copy->hash != hash ? CACHE_RD_OTHER : CACHE_RD_OK;
	}
	return CACHE_RD_BUSY;
}

/*
 * cache_seq_write - the one seqlock write: seq made odd (and different
 * from any value seen before: an odd seq left by a dead writer moves
 * on), bytes [from, end) of body (zeros when body is NULL) and the
 * checksum written, seq even again (release).
 */
void cache_seq_write(_Atomic uint32_t *seq, uint64_t *check, uint64_t sum, void *live,
		     const void *body, size_t from, size_t end)
{
	uint32_t s = atomic_load_explicit(seq, memory_order_relaxed);
	uint32_t odd = s + 1 + (s & 1);

	atomic_store_explicit(seq, odd, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	if (body != NULL)
		memcpy((char *)live + from, (const char *)body + from, end - from);
	else
		memset((char *)live + from, 0, end - from);
	*check = sum;
	atomic_store_explicit(seq, odd + 1, memory_order_release);
}

/* cache_slot_store - seqlock write of a slot */
void cache_slot_store(struct cache_slot *live, uint64_t seed, const struct cache_slot *body)
{
	cache_seq_write(&live->seq, &live->check, cache_slot_sum(seed, body), live, body,
			CACHE_SLOT_BODY, cache_slot_end(body));
	atomic_store_explicit(&live->used, (uint32_t)body->stored, memory_order_relaxed);
}

/* cache_slot_clear - seqlock write of an empty slot */
void cache_slot_clear(struct cache_slot *live)
{
	cache_seq_write(&live->seq, &live->check, 0, live, NULL, CACHE_SLOT_BODY,
			CACHE_SLOT_FIXED);
	atomic_store_explicit(&live->used, 0, memory_order_relaxed);
}

/* cache_slot_answer - decode a verified slot copy */
bool cache_slot_answer(const struct cache_slot *copy, struct dns_answer *ans)
{
	memset(ans, 0, sizeof(*ans));
	switch (copy->status) {
	case CACHE_ST_ANSWER:
		if (copy->naddr == 0 || copy->naddr > DNS_MAX_ADDRS)
			return false;
		ans->status = DNS_ANSWER;
		ans->naddr = copy->naddr;
		memcpy(ans->addr, (const char *)copy + addr_off(copy->keylen),
		       copy->naddr * sizeof(ans->addr[0]));
		break;
	case CACHE_ST_NXDOMAIN:
	case CACHE_ST_NODATA:
		if (copy->naddr != 0)
			return false;
		ans->status = copy->status == CACHE_ST_NXDOMAIN ? DNS_NXDOMAIN : DNS_NODATA;
		break;
	default:
		return false;
	}
	ans->ttl = copy->ttl;
	return true;
}

/* cache_lrec_sum - checksum over a list record */
uint64_t cache_lrec_sum(uint64_t seed, const struct cache_lrec *r)
{
	size_t zonelen = r->zonelen > sizeof(r->zone) ? sizeof(r->zone) : r->zonelen;

	return cache_hash(seed ^ SALT_LREC ^ r->fails, (const char *)r + CACHE_LREC_BODY,
			  CACHE_LREC_FIXED - CACHE_LREC_BODY + zonelen);
}

/* cache_seq_copy - a consistent copy of a record from `from` on; false: busy */
bool cache_seq_copy(const _Atomic uint32_t *live_seq, const void *live, void *copy,
		    size_t from, size_t size)
{
	for (int i = 0; i < FETCH_TRIES; i++) {
		uint32_t s1 = atomic_load_explicit(live_seq, memory_order_acquire);

		if (s1 & 1)
			return false;
		memcpy((char *)copy + from, (const char *)live + from, size - from);
		atomic_thread_fence(memory_order_acquire);
		if (atomic_load_explicit(live_seq, memory_order_relaxed) == s1)
			return true;
	}
	return false;
}

/* cache_lrec_fetch - consistent, verified copy of a list record */
enum cache_read cache_lrec_fetch(const struct cache_lrec *live, uint64_t seed,
				 struct cache_lrec *copy)
{
	if (!cache_seq_copy(&live->seq, live, copy, sizeof(live->seq), sizeof(*copy)))
		return CACHE_RD_BUSY;
	if (copy->zonelen == 0)
		return CACHE_RD_EMPTY;
	if (copy->zonelen > CACHE_NAME_MAX || copy->check != cache_lrec_sum(seed, copy))
		return CACHE_RD_BAD;
	return CACHE_RD_OK;
}

/* hrec_sum - checksum over a health record */
static uint64_t hrec_sum(uint64_t seed, const struct cache_hrec *r)
{
	size_t zonelen = r->zonelen > sizeof(r->zone) ? sizeof(r->zone) : r->zonelen;

	return cache_hash(seed ^ SALT_HREC, (const char *)r + CACHE_HREC_BODY,
			  CACHE_HREC_FIXED - CACHE_HREC_BODY + zonelen);
}

/* cache_hrec_fetch - consistent, verified copy of a health record */
enum cache_read cache_hrec_fetch(const struct cache_hrec *live, uint64_t seed,
				 struct cache_hrec *copy)
{
	if (!cache_seq_copy(&live->seq, live, copy, sizeof(live->seq), sizeof(*copy)))
		return CACHE_RD_BUSY;
	if (copy->zonelen == 0)
		return CACHE_RD_EMPTY;
	if (copy->zonelen > CACHE_NAME_MAX || copy->check != hrec_sum(seed, copy)
	    || memchr(copy->answers, '\0', sizeof(copy->answers)) == NULL)
		return CACHE_RD_BAD;
	return CACHE_RD_OK;
}

/* cache_hrec_store - seqlock write of a health record */
void cache_hrec_store(struct cache_hrec *live, uint64_t seed, const struct cache_hrec *body)
{
	cache_seq_write(&live->seq, &live->check, hrec_sum(seed, body), live, body,
			CACHE_HREC_BODY, sizeof(*live));
}

/* cache_lrec_store - seqlock write of a list record (fails, before check, too) */
void cache_lrec_store(struct cache_lrec *live, uint64_t seed, const struct cache_lrec *body)
{
	cache_seq_write(&live->seq, &live->check, cache_lrec_sum(seed, body), live, body,
			offsetof(struct cache_lrec, fails), sizeof(*live));
}
