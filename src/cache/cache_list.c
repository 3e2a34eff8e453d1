/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_list.c - failing-list memory shared by every dnswl process.
 *
 * One dead list must not cost every connection a full DNS timeout.
 * After CACHE_FAIL_THRESHOLD failures in a row (across processes) the
 * list is skipped by everyone for fail_ttl seconds; the first success
 * afterwards forgets the record.  The table has CACHE_NLISTS records,
 * read lock-free, written under one fcntl lock on the table's bytes.
 */
#include "config.h"

#include <string.h>

#include "cache_int.h"
#include "msg.h"

/* cache_zone_key - lowercased list name; 0 when empty or too long */
size_t cache_zone_key(const char *list, char *zone)
{
	size_t n = strnlen(list, CACHE_NAME_MAX + 1);

	if (n == 0 || n > CACHE_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		zone[i] = (list[i] >= 'A' && list[i] <= 'Z') ? (char)(list[i] - 'A' + 'a') : list[i];
	return n;
}

/* find_rec - index of the record of zone, -1 when none; fills *copy */
static int find_rec(const struct cache *c, const char *zone, size_t zl, struct cache_lrec *copy)
{
	for (unsigned i = 0; i < CACHE_NLISTS; i++)
		if (cache_lrec_fetch(&c->lists[i], c->seed, copy) == CACHE_RD_OK
		    && copy->zonelen == zl && memcmp(copy->zone, zone, zl) == 0)
			return (int)i;
	return -1;
}

/* free_rec - a record to reuse: free or damaged first, then the stalest */
static int free_rec(const struct cache *c, time_t now)
{
	struct cache_lrec copy;
	int best = 0;
	int64_t best_last = INT64_MAX;

	for (unsigned i = 0; i < CACHE_NLISTS; i++) {
		if (cache_lrec_fetch(&c->lists[i], c->seed, &copy) != CACHE_RD_OK)
			return (int)i;
		if (copy.until <= (int64_t)now && copy.last < best_last) {
			best_last = copy.last;
			best = (int)i;
		}
	}
	return best;
}

/* rec_status - the failure a record remembers */
static enum dns_status rec_status(const struct cache_lrec *r)
{
	/* by number: the cache links without the resolver (fuzz/fuzz.am) */
	return r->status >= DNS_SERVFAIL && r->status <= DNS_UNREACHABLE
	    ? (enum dns_status) r->status : DNS_SERVFAIL;
}

/* cache_list_skipped - lock-free check */
bool cache_list_skipped(struct cache *c, const char *list, time_t now, enum dns_status *status)
{
	char zone[CACHE_NAME_MAX];
	struct cache_lrec copy;
	size_t zl;

	if (c == NULL || c->fail_ttl == 0 || (zl = cache_zone_key(list, zone)) == 0)
		return false;
	if (find_rec(c, zone, zl, &copy) < 0
	    || copy.until <= (int64_t)now || (uint64_t)(copy.until - now) > c->fail_ttl)
		return false;
	if (status != NULL)
		*status = rec_status(&copy);
	return true;
}

/* stale - the record's run of failures is too old to continue */
static bool stale(const struct cache *c, const struct cache_lrec *r, time_t now)
{
	/* a skipped list gets a second window: it was not asked while skipped */
	int64_t window = (int64_t)c->fail_ttl * (r->until != 0 ? 2 : 1);

	return r->fails > 0 && (int64_t)now - r->last > window;
}

/* note_failure - count a failure; skip at the threshold */
static void note_failure(struct cache *c, int i, struct cache_lrec *r,
			 enum dns_status status, time_t now)
{
	char since[32];
	bool skipping = r->until > (int64_t)now, again = r->until != 0;

	if (stale(c, r, now))
		r->fails = 0, again = false;
	if (r->fails == 0)
		r->since = (int64_t)now, r->until = 0;
	r->fails++;
	r->last = (int64_t)now;
	r->status = (uint16_t)status;
	if (r->fails >= CACHE_FAIL_THRESHOLD) {
		r->until = (int64_t)now + (int64_t)c->fail_ttl;
		cache_time(r->since, since, sizeof(since));
		if (!skipping && !again)
			msg_warn("list %.*s failed %u times in a row since %s: skipping it "
				 "in every dnswl process for %lu s", (int)r->zonelen, r->zone,
				 r->fails, since, c->fail_ttl);
		else if (!skipping)
			msg_info("list %.*s still failing since %s (%u failures): skipping it "
				 "for another %lu s", (int)r->zonelen, r->zone, since, r->fails,
				 c->fail_ttl);
	}
	cache_lrec_store(&c->lists[i], c->seed, r);
}

/* note_success - forget a failing run; log if the list had been skipped */
static void note_success(struct cache *c, int i, const struct cache_lrec *r, time_t now)
{
	struct cache_lrec empty;
	char since[32];

	if (r->until != 0)
		msg_info("list %.*s answers again: no longer skipped (failing since %s, "
			 "%u failures, %ld s)", (int)r->zonelen, r->zone,
			 cache_time(r->since, since, sizeof(since)), r->fails,
			 (long)((int64_t)now - r->since));
	memset(&empty, 0, sizeof(empty));
	cache_lrec_store(&c->lists[i], c->seed, &empty);
}

/* cache_list_result - record a list's success or failure */
void cache_list_result(struct cache *c, const char *list, enum dns_status status, time_t now)
{
	bool failed = status >= DNS_SERVFAIL;
	char zone[CACHE_NAME_MAX];
	struct cache_lrec r;
	uint64_t off, len = (uint64_t)CACHE_NLISTS * CACHE_LREC_SIZE;
	size_t zl;
	int i;

	if (c == NULL || (zl = cache_zone_key(list, zone)) == 0 || (failed && c->fail_ttl == 0))
		return;
	i = find_rec(c, zone, zl, &r);
	if (!failed && i < 0)
		return;		/* the common case: healthy list, no lock */
	off = c->geom.list_off;
	if (!cache_lock(c, off, len, CACHE_WAIT_LIST))
		return;
	if ((i = find_rec(c, zone, zl, &r)) < 0 && failed) {
		i = free_rec(c, now);
		memset(&r, 0, sizeof(r));
		r.zonelen = (uint16_t)zl;
		memcpy(r.zone, zone, zl);
	}
	if (failed)
		note_failure(c, i, &r, status, now);
	else if (i >= 0)
		note_success(c, i, &r, now);
	cache_unlock(c, off, len);
}
