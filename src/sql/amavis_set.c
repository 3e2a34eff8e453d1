/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_set.c - the shared set of senders with auto rows (aux area).
 *
 * Layout (amavis_set_int.h): a header (counters, two rings, checksums)
 * followed by the Bloom filter words.  Every change happens under the area's lock
 * between begin_write() and end_write(): a process SIGKILLed in between
 * leaves `dirty` set and the header checksum wrong, so the next process
 * rebuilds instead of trusting a half-written filter.  The filter's own
 * checksum is kept up to date word by word and verified in full once
 * per process, which catches damage from outside.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "amavis_set_int.h"
#include "msg.h"

/* The area this process has verified in full (one per process). */
static const void *verified_base;

/* mix - splitmix64's finalizer */
static uint64_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= UINT64_C(0xbf58476d1ce4e5b9);
	x ^= x >> 27;
	x *= UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

/* key_hash - seeded hash of a key (the seed is secret to the host) */
static uint64_t key_hash(uint64_t seed, const char *key, size_t len)
{
	uint64_t h = seed ^ UINT64_C(0xcbf29ce484222325);

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char) key[i];
		h *= UINT64_C(0x100000001b3);
	}
	return mix(h ^ len);
}

/* word_sum - one word's share of the filter checksum */
static uint64_t word_sum(uint32_t i, uint64_t word)
{
	return mix(word ^ ((uint64_t) i * UINT64_C(0x9e3779b97f4a7c15)));
}

/* header_sum - checksum over the header up to header_sum, 8 bytes a step */
static uint64_t header_sum(const struct set_header *h)
{
	const unsigned char *p = (const unsigned char *) h;
	uint64_t sum = SET_MAGIC, word;

	for (size_t i = 0; i + 8 <= offsetof(struct set_header, header_sum); i += 8) {
		memcpy(&word, p + i, 8);
		sum = mix(sum ^ word) + i;
	}
	return sum;
}

/* header_of - the header, or NULL when there is no big enough area */
static struct set_header *header_of(const struct amavis_shm *shm)
{
	if (shm == NULL || shm->base == NULL
	    || shm->size < sizeof(struct set_header) + MIN_WORDS * 8)
		return NULL;
	return shm->base;
}

/* words_of - the filter after the header */
static uint64_t *words_of(struct set_header *h)
{
	return (uint64_t *) (h + 1);
}

/* nwords_for - how many filter words fit in an area of size bytes */
static uint32_t nwords_for(size_t size)
{
	size_t n = (size - sizeof(struct set_header)) / 8;

	return n > UINT32_MAX ? UINT32_MAX : (uint32_t) n;
}

/* bit_at - the i-th filter bit of a key hash (double hashing) */
static uint64_t bit_at(uint64_t hash, uint64_t seed, int i, uint32_t nwords)
{
	uint64_t h2 = mix(hash ^ seed) | 1;

	return (hash + (uint64_t) i * h2) % ((uint64_t) nwords * 64);
}

/* hash_in - are all bits of hash set in the filter? */
static bool hash_in(const uint64_t *words, uint32_t nwords, uint64_t seed, uint64_t hash)
{
	for (int i = 0; i < SET_K; i++) {
		uint64_t b = bit_at(hash, seed, i, nwords);
		if ((words[b / 64] & (UINT64_C(1) << (b % 64))) == 0)
			return false;
	}
	return true;
}

/* hash_set - set hash's bits, keeping the filter checksum current */
static void hash_set(struct set_header *h, uint64_t *words, uint64_t hash)
{
	for (int i = 0; i < SET_K; i++) {
		uint64_t b = bit_at(hash, h->seed, i, h->nwords);
		uint32_t w = (uint32_t) (b / 64);
		uint64_t old = words[w], new = old | (UINT64_C(1) << (b % 64));
		if (new != old) {
			words[w] = new;
			h->filter_sum ^= word_sum(w, old) ^ word_sum(w, new);
		}
	}
}

/* amavis_set_fill - set a key's bits in a private filter */
void amavis_set_fill(uint64_t *words, uint32_t nwords, uint64_t seed, const char *key, size_t len)
{
	uint64_t hash = key_hash(seed, key, len);

	for (int i = 0; i < SET_K; i++) {
		uint64_t b = bit_at(hash, seed, i, nwords);
		words[b / 64] |= UINT64_C(1) << (b % 64);
	}
}

/* filter_sum - the filter checksum computed from scratch */
static uint64_t filter_sum(struct set_header *h)
{
	const uint64_t *words = words_of(h);
	uint64_t sum = 0;

	for (uint32_t i = 0; i < h->nwords; i++)
		sum ^= word_sum(i, words[i]);
	return sum;
}

/* begin_write / end_write - bracket every change (see file comment) */
static void begin_write(struct set_header *h)
{
	h->dirty = 1;
}

static void end_write(struct set_header *h)
{
	h->dirty = 0;
	h->header_sum = header_sum(h);
}

/* new_seed - a seed outsiders cannot guess (they choose sender names) */
static uint64_t new_seed(void)
{
	uint64_t seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != (ssize_t) sizeof(seed))
		seed = mix((uint64_t) time(NULL) ^ ((uint64_t) getpid() << 32));
	return seed;
}

/* set_init - build an empty, stale set in the area */
static void set_init(struct set_header *h, size_t size)
{
	bool was_blank = h->magic == 0, older = h->magic == SET_MAGIC && h->version < SET_VERSION;

	if (older)
		msg_info("amavis sender set in the cache file is of an older dnswl; "
			 "rebuilding it from the database");
	else if (!was_blank)
		msg_warn("amavis sender set in the cache file is damaged or of another "
			 "version; rebuilding it from the database");
	memset(h, 0, sizeof(*h));
	h->magic = SET_MAGIC;
	h->version = SET_VERSION;
	h->nwords = nwords_for(size);
	h->seed = new_seed();
	memset(words_of(h), 0, (size_t) h->nwords * 8);
	h->filter_sum = filter_sum(h);
	h->header_sum = header_sum(h);
	verified_base = h;
}

/* usable - is the area a valid set?  (full filter check once per process) */
static bool usable(struct set_header *h, size_t size)
{
	if (h->magic != SET_MAGIC || h->version != SET_VERSION || h->dirty
	    || h->nwords != nwords_for(size) || h->header_sum != header_sum(h))
		return false;
	if (verified_base == h)
		return true;
	if (h->filter_sum != filter_sum(h))
		return false;
	verified_base = h;
	return true;
}

/* amavis_set_forget_checked - the next use checks the filter in full */
void amavis_set_forget_checked(void)
{
	verified_base = NULL;
}

/* lock_valid - lock the area and make it valid (rebuilding); NULL if no lock */
static struct set_header *lock_valid(const struct amavis_shm *shm)
{
	struct set_header *h = header_of(shm);

	if (h == NULL || !shm->lock(shm->ctx))
		return NULL;
	if (!usable(h, shm->size))
		set_init(h, shm->size);
	return h;
}

/* cleaned_since_refresh - was hash cleaned after the snapshot was taken? */
static bool cleaned_since_refresh(const struct set_header *h, uint64_t hash)
{
	for (size_t i = 0; i < CLEAN_RING; i++)
		if (h->clean[i].hash == hash && h->clean[i].when >= h->refreshed)
			return true;
	return false;
}

/* any_present - may one of the keys have auto rows? */
static bool any_present(struct set_header *h, const amavis_key keys[], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t hash = key_hash(h->seed, keys[i], strlen(keys[i]));
		if (hash_in(words_of(h), h->nwords, h->seed, hash)
		    && !cleaned_since_refresh(h, hash))
			return true;
	}
	return false;
}

/* claim_or_wait - stale set: claim the refresh unless another process has */
static enum set_answer claim_or_wait(struct set_header *h, time_t now, unsigned long claim_ttl)
{
	if (h->claimed != 0 && now >= h->claimed && now - h->claimed <= (time_t) claim_ttl)
		return SET_UNKNOWN;
	begin_write(h);
	h->claimed = now;
	h->claim_pid = getpid();
	end_write(h);
	return SET_REFRESH;
}

/* amavis_set_lookup - may any key have auto rows? */
enum set_answer amavis_set_lookup(const struct amavis_shm *shm, const amavis_key keys[],
				  size_t n, time_t now, unsigned long interval,
				  unsigned long claim_ttl, struct set_ticket *t)
{
	struct set_header *h = lock_valid(shm);
	enum set_answer ans;

	memset(t, 0, sizeof(*t));
	t->when = now;
	if (h == NULL)
		return SET_UNKNOWN;
	if (h->refreshed != 0 && now >= h->refreshed && now - h->refreshed < (time_t) interval)
		ans = any_present(h, keys, n) ? SET_PRESENT : SET_ABSENT;
	else if (now < h->fail_until && h->fail_until - now <= AMAVIS_BACKOFF_MAX)
		ans = SET_UNKNOWN;	/* nobody can refresh now; the caller backs off */
	else
		ans = claim_or_wait(h, now, claim_ttl);
	t->adds = h->adds;
	t->seed = h->seed;
	t->nwords = h->nwords;
	t->fail_until = (time_t) h->fail_until;
	shm->unlock(shm->ctx);
	return ans;
}

/* forget_cleaned - key got a new row: its clean records no longer hold */
static void forget_cleaned(struct set_header *h, uint64_t hash)
{
	for (size_t i = 0; i < CLEAN_RING; i++)
		if (h->clean[i].hash == hash)
			h->clean[i].hash = 0;
}

/* amavis_set_add - key has (or is about to have) an auto row */
bool amavis_set_add(const struct amavis_shm *shm, const char *key)
{
	struct set_header *h = lock_valid(shm);
	uint64_t hash;

	if (h == NULL)
		return header_of(shm) == NULL;
	hash = key_hash(h->seed, key, strlen(key));
	begin_write(h);
	hash_set(h, words_of(h), hash);
	h->adds++;
	h->add_ring[h->adds % ADD_RING] = hash;
	forget_cleaned(h, hash);
	end_write(h);
	shm->unlock(shm->ctx);
	return true;
}

/* added_since - was hash added after the adds counter was `adds`? */
static bool added_since(const struct set_header *h, uint64_t hash, uint64_t adds)
{
	if (h->adds - adds >= ADD_RING)
		return true;	/* the ring forgot: assume so */
	for (uint64_t s = adds + 1; s <= h->adds; s++)
		if (h->add_ring[s % ADD_RING] == hash)
			return true;
	return false;
}

/* amavis_set_cleaned - record that keys' rows were deleted after t */
void amavis_set_cleaned(const struct amavis_shm *shm, const amavis_key keys[], size_t n,
			const struct set_ticket *t)
{
	struct set_header *h = lock_valid(shm);

	if (h == NULL)
		return;
	begin_write(h);
	for (size_t i = 0; i < n && h->seed == t->seed; i++) {
		uint64_t hash = key_hash(h->seed, keys[i], strlen(keys[i]));
		if (added_since(h, hash, t->adds))
			continue;
		h->clean[h->clean_next % CLEAN_RING] = (struct set_clean) {hash, t->when};
		h->clean_next++;
	}
	end_write(h);
	shm->unlock(shm->ctx);
}

/* replay_adds - put the adds made since t into the new filter */
static void replay_adds(const struct set_header *h, uint64_t *words, const struct set_ticket *t)
{
	const uint64_t *old = (const uint64_t *) (h + 1);

	if (h->adds - t->adds >= ADD_RING) {
		for (uint32_t i = 0; i < h->nwords; i++)
			words[i] |= old[i];
		return;
	}
	for (uint64_t s = t->adds + 1; s <= h->adds; s++)
		for (int i = 0; i < SET_K; i++) {
			uint64_t b = bit_at(h->add_ring[s % ADD_RING], h->seed, i, h->nwords);
			words[b / 64] |= UINT64_C(1) << (b % 64);
		}
}

/* drop_claim - the refresh claimed by t is over (under the lock) */
static void drop_claim(struct set_header *h, const struct set_ticket *t)
{
	if (h->claimed == t->when && h->claim_pid == getpid())
		h->claimed = 0;
}

/* newer_installed - does the area hold a snapshot newer than t's already? */
static bool newer_installed(const struct set_header *h, const struct set_ticket *t)
{
	/* a "newer" one far ahead of ours comes from a clock that went back */
	return h->refreshed >= t->when && h->refreshed - t->when < CLOCK_SLACK;
}

/* amavis_set_install - the refreshed filter replaces the old one */
bool amavis_set_install(const struct amavis_shm *shm, uint64_t *words,
			const struct set_ticket *t)
{
	struct set_header *h = lock_valid(shm);
	bool same_area;

	if (h == NULL)
		return false;
	same_area = h->seed == t->seed && h->nwords == t->nwords;
	begin_write(h);
	if (same_area && !newer_installed(h, t)) {
		replay_adds(h, words, t);
		memcpy(words_of(h), words, (size_t) h->nwords * 8);
		h->filter_sum = filter_sum(h);
		h->refreshed = t->when;
	}
	drop_claim(h, t);
	end_write(h);
	shm->unlock(shm->ctx);
	return same_area;
}

/* amavis_set_release - give up a refresh claim */
void amavis_set_release(const struct amavis_shm *shm, const struct set_ticket *t)
{
	struct set_header *h = lock_valid(shm);

	if (h == NULL)
		return;
	begin_write(h);
	drop_claim(h, t);
	end_write(h);
	shm->unlock(shm->ctx);
}

/* amavis_set_backoff - record a database failure (until > 0) or success */
time_t amavis_set_backoff(const struct amavis_shm *shm, time_t until)
{
	struct set_header *h = lock_valid(shm);
	time_t prev;

	if (h == NULL)
		return 0;
	prev = (time_t) h->fail_until;
	if (prev != until) {
		begin_write(h);
		h->fail_until = until;
		end_write(h);
	}
	shm->unlock(shm->ctx);
	return prev;
}

/* amavis_set_failing_until - end of the recorded database failure */
time_t amavis_set_failing_until(const struct amavis_shm *shm)
{
	struct set_header *h = lock_valid(shm);
	time_t until;

	if (h == NULL)
		return 0;
	until = (time_t) h->fail_until;
	shm->unlock(shm->ctx);
	return until;
}

/* amavis_set_locked - lock_valid() for the other files of the set */
struct set_header *amavis_set_locked(const struct amavis_shm *shm)
{
	return lock_valid(shm);
}

/* amavis_set_begin / amavis_set_end - begin_write() / end_write() */
void amavis_set_begin(struct set_header *h)
{
	begin_write(h);
}

void amavis_set_end(struct set_header *h)
{
	end_write(h);
}
