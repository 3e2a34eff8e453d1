/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_health.c - list-health records shared by every dnswl process.
 *
 * One record per list (CACHE_NLISTS of them, beside the failing-list
 * memory): the state its RFC 5782 probes found, since when, the last
 * probe's answers and a claim, so that of many processes starting at
 * once only one probes.  Read lock-free (seqlock + checksum, like the
 * other records); written under one fcntl lock on the records' bytes.
 * A writer killed inside leaves an unreadable record, read as "unknown":
 * the list is probed again.  A dead claimer's claim expires.
 */
#include "config.h"

#include <string.h>

#include "cache_int.h"
#include "str.h"

/* health_find - index of zone's record (copy filled), -1 when none */
static int health_find(const struct cache *c, const char *zone, size_t zl, struct cache_hrec *copy)
{
	for (unsigned i = 0; i < CACHE_NLISTS; i++)
		if (cache_hrec_fetch(&c->health[i], c->seed, copy) == CACHE_RD_OK
		    && copy->zonelen == zl && memcmp(copy->zone, zone, zl) == 0)
			return (int)i;
	return -1;
}

/* health_free - a record to take: free or damaged, else the least recently probed */
static int health_free(const struct cache *c)
{
	struct cache_hrec copy;
	int best = 0;
	int64_t oldest = INT64_MAX;

	for (unsigned i = 0; i < CACHE_NLISTS; i++) {
		if (cache_hrec_fetch(&c->health[i], c->seed, &copy) != CACHE_RD_OK)
			return (int)i;
		if (copy.probed < oldest)
			oldest = copy.probed, best = (int)i;
	}
	return best;
}

/* health_from - the caller's view of a file record */
static void health_from(const struct cache_hrec *r, struct list_health_rec *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->state = r->state <= HEALTH_REFUSING ? (enum list_health) r->state : HEALTH_UNKNOWN;
	rec->since = (time_t) r->since;
	rec->probed = (time_t) r->probed;
	rec->claim = (time_t) r->claim;
	str_copy(rec->answers, sizeof(rec->answers), r->answers);
}

/* cache_health_get - lock-free read */
bool cache_health_get(struct cache *c, const char *list, struct list_health_rec *rec)
{
	char zone[CACHE_NAME_MAX];
	struct cache_hrec copy;
	size_t zl;

	memset(rec, 0, sizeof(*rec));
	if (c == NULL || (zl = cache_zone_key(list, zone)) == 0 || health_find(c, zone, zl, &copy) < 0)
		return false;
	health_from(&copy, rec);
	return true;
}

/* cache_health_due - probe now? */
bool cache_health_due(const struct list_health_rec *rec, time_t now, unsigned long interval)
{
	unsigned long wait = rec->state == HEALTH_UNKNOWN && interval > CACHE_HEALTH_RETRY
	    ? CACHE_HEALTH_RETRY : interval;

	/* a claim further ahead than any probe can take is damage: ignored */
	if (rec->claim > now && rec->claim - now <= (time_t) CACHE_HEALTH_CLAIM_MAX)
		return false;
	return rec->probed == 0 || now < rec->probed || now - rec->probed >= (time_t) wait;
}

/* health_lock - take (lock) or release the health records' lock */
static bool health_lock(struct cache *c, bool lock)
{
	uint64_t off = c->geom.health_off, len = (uint64_t)CACHE_NLISTS * CACHE_HREC_SIZE;

	if (lock)
		return cache_lock(c, off, len, CACHE_WAIT_HEALTH);
	cache_unlock(c, off, len);
	return true;
}

/* health_slot - zone's record index under the lock, *r its copy (new: zeroed) */
static int health_slot(struct cache *c, const char *zone, size_t zl, struct cache_hrec *r)
{
	int i = health_find(c, zone, zl, r);

	if (i >= 0)
		return i;
	memset(r, 0, sizeof(*r));
	r->zonelen = (uint16_t)zl;
	memcpy(r->zone, zone, zl);
	return health_free(c);
}

/* cache_health_claim - take the probe, under the lock */
bool cache_health_claim(struct cache *c, const char *list, time_t now,
			unsigned long interval, unsigned long hold, struct list_health_rec *rec)
{
	char zone[CACHE_NAME_MAX];
	struct cache_hrec r;
	size_t zl;
	bool due;
	int i;

	memset(rec, 0, sizeof(*rec));
	if (c == NULL)
		return true;
	if ((zl = cache_zone_key(list, zone)) == 0 || !health_lock(c, true))
		return false;
	i = health_slot(c, zone, zl, &r);
	health_from(&r, rec);
	if ((due = cache_health_due(rec, now, interval))) {
		r.claim = (int64_t)now + (int64_t)hold;
		cache_hrec_store(&c->health[i], c->seed, &r);
	}
	health_lock(c, false);
	return due;
}

/* cache_health_put - a probe's result, under the lock */
bool cache_health_put(struct cache *c, const char *list, struct list_health_rec *rec,
		      time_t now, struct list_health_rec *old)
{
	char zone[CACHE_NAME_MAX];
	struct cache_hrec r;
	struct list_health_rec was;
	size_t zl;
	int i;

	if (c == NULL || (zl = cache_zone_key(list, zone)) == 0 || !health_lock(c, true))
		return false;
	i = health_slot(c, zone, zl, &r);
	health_from(&r, &was);
	rec->since = was.since != 0 && was.state == rec->state ? was.since : now;
	r.since = (int64_t)rec->since;
	r.probed = (int64_t)rec->probed;
	r.claim = 0;
	r.state = (uint16_t)rec->state;
	str_copy(r.answers, sizeof(r.answers), rec->answers);
	cache_hrec_store(&c->health[i], c->seed, &r);
	health_lock(c, false);
	if (old != NULL)
		*old = was;
	return was.state != rec->state || was.since == 0;
}

/* cache_health_clear - -C purge */
bool cache_health_clear(struct cache *c, unsigned *n)
{
	struct cache_hrec copy, empty;

	*n = 0;
	if (!health_lock(c, true))
		return false;
	memset(&empty, 0, sizeof(empty));
	for (unsigned i = 0; i < CACHE_NLISTS; i++) {
		if (cache_hrec_fetch(&c->health[i], c->seed, &copy) == CACHE_RD_EMPTY)
			continue;
		*n += 1;
		cache_hrec_store(&c->health[i], c->seed, &empty);
	}
	health_lock(c, false);
	return true;
}

/* cache_health_name - spelling for logs, -q and -C lists */
const char *cache_health_name(enum list_health state)
{
	static const char *names[] = {"unknown", "healthy", "lists-everything",
		"lists-nothing", "refusing"};

	return names[state];
}

/* cache_health_print - -C lists */
unsigned cache_health_print(struct cache *c, FILE *out)
{
	struct cache_hrec copy;
	struct list_health_rec rec;
	char since[32], probed[32];
	unsigned n = 0;

	for (unsigned i = 0; c != NULL && i < CACHE_NLISTS; i++) {
		if (cache_hrec_fetch(&c->health[i], c->seed, &copy) != CACHE_RD_OK)
			continue;
		health_from(&copy, &rec);
		fprintf(out, "%.*s %s since %s probed %s answers %s\n", (int)copy.zonelen,
			copy.zone, cache_health_name(rec.state),
			cache_time(copy.since, since, sizeof(since)),
			cache_time(copy.probed, probed, sizeof(probed)),
			rec.answers[0] ? rec.answers : "-");
		n++;
	}
	return n;
}
