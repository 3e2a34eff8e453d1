/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_data.c - MX, PTR and TXT answers in the cache file's data slots.
 *
 * Their names and text do not fit an answer slot, so they live in a
 * table of wider slots (cache_fmt.h; one per CACHE_DATA_SHARE entries)
 * with the same buckets, locks, eviction, TTL rules and counters as the
 * answers (cache.c): readers take no lock, a writer holds its data
 * bucket's fcntl lock, a damaged or torn slot reads as a miss.
 */
#include "config.h"

#include <string.h>

#include "cache_int.h"
#include "msg.h"
#include "str.h"

/* dbucket_of - data bucket index for a hash */
static uint32_t dbucket_of(const struct cache *c, uint64_t h)
{
	return (uint32_t)(((h >> 32) * c->geom.ndbuckets) >> 32);
}

/* data_key - the key of (list, qname) into d; false if unusable */
static bool data_key(const struct cache *c, const char *list, const char *qname,
		     struct cache_dslot *d)
{
	size_t kl = cache_key(list, qname, d->key, &d->listlen);

	if (kl == 0 || c->geom.ndbuckets == 0)
		return false;
	d->keylen = (uint16_t)kl;
	d->hash = cache_key_hash(c->seed, d->key, kl, d->listlen);
	return true;
}

/* same_dkey - two data slots hold the same key */
static bool same_dkey(const struct cache_dslot *a, const struct cache_dslot *b)
{
	return a->keylen == b->keylen && a->listlen == b->listlen
	    && memcmp(a->key, b->key, a->keylen) == 0;
}

/* decode - a verified copy into *ans and *rd (fields bounded by the fetch) */
static void decode(const struct cache_dslot *d, struct dns_answer *ans, struct dns_rdata *rd)
{
	const char *p = d->data;

	memset(ans, 0, sizeof(*ans));
	memset(rd, 0, sizeof(*rd));
	ans->status = d->status == CACHE_ST_ANSWER ? DNS_ANSWER
	    : d->status == CACHE_ST_NXDOMAIN ? DNS_NXDOMAIN : DNS_NODATA;
	ans->ttl = d->ttl;
	rd->null_mx = d->null_mx != 0;
	if (d->type == CACHE_DT_TXT) {
		memcpy(rd->txt, d->data, d->datalen);
		rd->txtlen = d->datalen;
		rd->ntxt = d->nitems;
		return;
	}
	for (; rd->nhost < d->nitems; p += strlen(p) + 1)
		str_copy(rd->host[rd->nhost++], DNS_NAME_MAX, p);
}

/* cache_get_data - lock-free lookup of an MX, PTR or TXT answer */
bool cache_get_data(struct cache *c, const char *list, const char *qname, time_t now,
		    struct dns_answer *ans, struct dns_rdata *rd)
{
	static struct cache_dslot key, copy;
	struct cache_dslot *base;

	if (c == NULL || !data_key(c, list, qname, &key))
		return false;
	base = &c->dslots[(size_t)dbucket_of(c, key.hash) * CACHE_WAYS];
	for (unsigned w = 0; w < CACHE_WAYS; w++) {
		if (cache_dslot_fetch(&base[w], c->seed, key.hash, &copy) != CACHE_RD_OK
		    || !same_dkey(&copy, &key))
			continue;
		if (!cache_fresh(c, copy.expires, now))
			break;
		decode(&copy, ans, rd);
		cache_touch(&base[w].used, now);
		return cache_count(c, true);
	}
	return cache_count(c, false);
}

/* encode_strings - names or TXT records into d->data; false if they do not fit */
static bool encode_strings(const struct dns_rdata *rd, bool txt, struct cache_dslot *d)
{
	if (txt) {
		if (rd->txtlen > sizeof(d->data) || rd->ntxt > 255)
			return false;
		memcpy(d->data, rd->txt, rd->txtlen);
		d->datalen = (uint16_t)rd->txtlen;
		d->nitems = (uint8_t)rd->ntxt;
		return true;
	}
	for (unsigned i = 0; i < rd->nhost && i < DNS_MAX_MX; i++) {
		size_t n = strnlen(rd->host[i], DNS_NAME_MAX - 1) + 1;

		memcpy(d->data + d->datalen, rd->host[i], n - 1);
		d->datalen = (uint16_t)(d->datalen + n);
		d->nitems++;
	}
	d->null_mx = rd->null_mx;
	return true;
}

/* encode - an answer into d (key set); false if not cacheable */
static bool encode(const struct cache *c, const struct dns_answer *ans,
		   const struct dns_rdata *rd, bool txt, time_t now, struct cache_dslot *d)
{
	unsigned long ttl = cache_clamp_ttl(c, ans->ttl);

	if (ttl == 0)
		return false;
	if (ans->status == DNS_ANSWER) {
		d->status = CACHE_ST_ANSWER;
		d->type = txt ? CACHE_DT_TXT : CACHE_DT_NAMES;
		if (!encode_strings(rd, txt, d) || (d->nitems == 0 && !d->null_mx))
			return false;
	} else if (ans->status == DNS_NXDOMAIN || ans->status == DNS_NODATA)
		d->status = ans->status == DNS_NXDOMAIN ? CACHE_ST_NXDOMAIN : CACHE_ST_NODATA;
	else
		return false;
	d->ttl = (uint32_t)ttl;
	d->stored = (int64_t)now;
	d->expires = (int64_t)now + (int64_t)ttl;
	return true;
}

/* dvictim - data slot to write body into (same key first); bucket locked */
static struct cache_dslot *dvictim(const struct cache *c, struct cache_dslot *base,
				   const struct cache_dslot *body, time_t now)
{
	static struct cache_dslot copy;
	struct cache_dslot *best = &base[0];
	uint64_t best_rank = UINT64_MAX, k;

	for (unsigned w = 0; w < CACHE_WAYS; w++) {
		enum cache_read r = cache_dslot_fetch(&base[w], c->seed, 0, &copy);

		if (r == CACHE_RD_OK && copy.hash == body->hash && same_dkey(&copy, body))
			return &base[w];
		if ((k = cache_rank(r, copy.expires, &base[w].used, now)) < best_rank) {
			best_rank = k;
			best = &base[w];
		}
	}
	return best;
}

/* cache_put_data - store an MX, PTR (names) or TXT (txt) answer */
void cache_put_data(struct cache *c, const char *list, const char *qname,
		    const struct dns_answer *ans, const struct dns_rdata *rd, bool txt,
		    time_t now)
{
	static struct cache_dslot body;
	uint32_t b;

	if (c == NULL)
		return;
	memset(&body, 0, sizeof(body));
	if (!data_key(c, list, qname, &body) || !encode(c, ans, rd, txt, now, &body))
		return;
	b = dbucket_of(c, body.hash);
	if (!cache_dbucket_lock(c, b, CACHE_WAIT_PUT)) {
		msg_debug("cache %s: data bucket %u busy, answer not stored", c->path, b);
		return;
	}
	cache_dslot_store(dvictim(c, &c->dslots[(size_t)b * CACHE_WAYS], &body, now), c->seed,
			  &body);
	cache_dbucket_unlock(c, b);
	atomic_fetch_add_explicit(&c->hdr->stores, 1, memory_order_relaxed);
}

/* data_text - "mx:a,b", "names:a", "txt:\"...\";\"...\"", NXDOMAIN, NODATA */
static const char *data_text(const struct cache_dslot *d, char *buf, size_t size)
{
	const char *p = d->data;

	if (d->status != CACHE_ST_ANSWER) {
		str_copy(buf, size, d->status == CACHE_ST_NXDOMAIN ? "NXDOMAIN" : "NODATA");
		return buf;
	}
	str_copy(buf, size, d->type == CACHE_DT_TXT ? "txt:" : d->null_mx ? "names:." : "names:");
	for (unsigned i = 0; i < d->nitems; i++, p += strlen(p) + 1)
		str_appendf(buf, size, d->type == CACHE_DT_TXT ? "%s\"%s\"" : "%s%s",
			    i || d->null_mx ? d->type == CACHE_DT_TXT ? ";" : "," : "", p);
	return buf;
}

/* cache_dump_data - print live data entries */
unsigned long cache_dump_data(const struct cache *c, time_t now, FILE *out)
{
	static struct cache_dslot copy;
	static char text[2 * DNS_TXT_MAX], clean[2 * DNS_TXT_MAX];
	char names[2 * CACHE_NAME_MAX + 2], raw[2 * CACHE_NAME_MAX + 2], t[32];
	unsigned long n = 0;

	for (uint32_t i = 0; i < c->geom.ndslots; i++) {
		if (cache_dslot_fetch(&c->dslots[i], c->seed, 0, &copy) != CACHE_RD_OK
		    || copy.expires <= (int64_t)now)
			continue;
		snprintf(raw, sizeof(raw), "%.*s %.*s", (int)copy.listlen, copy.key,
			 (int)(copy.keylen - copy.listlen), copy.key + copy.listlen);
		str_printable(names, sizeof(names), raw);
		str_printable(clean, sizeof(clean), data_text(&copy, text, sizeof(text)));
		fprintf(out, "%s %s %s\n", names, clean, cache_time(copy.expires, t, sizeof(t)));
		n++;
	}
	return n;
}

/* cache_data_census - live, expired, damaged, busy data slots */
void cache_data_census(const struct cache *c, time_t now, unsigned long n[4])
{
	static struct cache_dslot copy;

	n[0] = n[1] = n[2] = n[3] = 0;
	for (uint32_t i = 0; i < c->geom.ndslots; i++)
		switch (cache_dslot_fetch(&c->dslots[i], c->seed, 0, &copy)) {
		case CACHE_RD_OK:
			n[copy.expires <= (int64_t)now]++;
			break;
		case CACHE_RD_BAD:
			n[2]++;
			break;
		case CACHE_RD_BUSY:
			n[3]++;
			break;
		default:
			break;
		}
}

/* cache_data_purge - empty every data bucket under its lock */
bool cache_data_purge(struct cache *c, long *live, long *expired)
{
	static struct cache_dslot copy;
	time_t now = time(NULL);

	for (uint32_t b = 0; b < c->geom.ndbuckets; b++) {
		if (!cache_dbucket_lock(c, b, CACHE_WAIT_ADMIN))
			return msg_warn("cache %s: data bucket %u stayed locked; purge incomplete",
					c->path, b), false;
		for (uint32_t w = 0; w < CACHE_WAYS; w++) {
			struct cache_dslot *s = &c->dslots[(size_t)b * CACHE_WAYS + w];
			enum cache_read r = cache_dslot_fetch(s, c->seed, 0, &copy);

			if (r == CACHE_RD_OK)
				*(copy.expires <= (int64_t)now ? expired : live) += 1;
			if (r != CACHE_RD_EMPTY)
				cache_dslot_clear(s);
		}
		cache_dbucket_unlock(c, b);
	}
	return true;
}
