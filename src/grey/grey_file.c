/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grey_file.c - greylist state in the shared cache file.
 *
 * Two record kinds in the cache's slots (cache_rec_*): "#grey" per
 * triplet (first, last, passed) and "#grey-net" per client network
 * (passes, last counted, last use).  Each change is one read-modify-
 * write under the record's bucket lock, so concurrent dnswl processes
 * agree, and a process killed anywhere loses at most that record
 * (which then reads as new: one more deferral, never a wrong pass).
 * Expired records are the first a full bucket gives up.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "grey_key.h"
#include "grey_store.h"

#define KIND_TRIP	"#grey"
#define KIND_NET	"#grey-net"

_Static_assert(GREY_KEY_MAX <= CACHE_REC_NAME, "a triplet key fits in a cache record");

struct file_store {
	struct grey_store base;
	struct cache *cache;
};

/* One record update: what to do and what came out. */
struct file_op {
	const struct grey_settings *s;
	int64_t now;
	bool listed;
	bool pass;
	struct grey_step step;
};

/* net_check - cache_rec_fn: is the network auto-whitelisted (touch it if so)? */
static bool net_check(void *arg, bool found, struct cache_rec *rec)
{
	struct file_op *op = arg;
	struct grey_net n = {rec->v[0], rec->v[1], rec->v[2]};

	if (!(op->listed = grey_net_listed(op->s, found, &n, op->now)))
		return false;
	rec->v[2] = rec->used = op->now;
	rec->expires = op->now + (int64_t)op->s->max_age;
	return true;
}

/* net_pass - cache_rec_fn: count a pass of the network */
static bool net_pass(void *arg, bool found, struct cache_rec *rec)
{
	struct file_op *op = arg;
	struct grey_net n = {rec->v[0], rec->v[1], rec->v[2]};

	rec->expires = grey_net_pass(op->s, found, &n, op->now);
	rec->v[0] = n.count;
	rec->v[1] = n.counted;
	rec->v[2] = rec->used = n.last;
	return true;
}

/* trip_step - cache_rec_fn: the triplet's step */
static bool trip_step(void *arg, bool found, struct cache_rec *rec)
{
	struct file_op *op = arg;
	struct grey_trip t = {rec->v[0], rec->v[1], rec->v[2]};

	rec->expires = grey_trip_step(op->s, found, &t, op->now, &op->step);
	rec->v[0] = t.first;
	rec->v[1] = t.last;
	rec->v[2] = t.passed;
	rec->used = op->now;
	op->pass = op->step.kind == GREY_PASSED || op->step.kind == GREY_KNOWN;
	return true;
}

/* file_decide - network check, triplet step, pass count */
static bool file_decide(struct grey_store *st, const char *net, const char *key,
			bool *listed, struct grey_step *step, char *err, size_t errsize)
{
	struct file_store *f = (struct file_store *)st;
	struct file_op op = {.s = st->s, .now = (int64_t)time(NULL)};

	if (f->cache == NULL)
		return snprintf(err, errsize, "no cache file"), false;
	if (!cache_rec_update(f->cache, KIND_NET, net, (time_t)op.now, net_check, &op)
	    || (!op.listed && !cache_rec_update(f->cache, KIND_TRIP, key, (time_t)op.now,
						trip_step, &op)))
		return snprintf(err, errsize, "cache file busy"), false;
	*listed = op.listed;
	*step = op.step;
	if (op.pass && st->s->auto_whitelist > 0)
		cache_rec_update(f->cache, KIND_NET, net, (time_t)op.now, net_pass, &op);
	return true;
}

/* Counting and dropping, record by record. */
struct file_scan {
	const struct grey_settings *s;
	int64_t now;
	struct grey_counts *k;
	const char *net;		/* drop: this network's records */
	size_t netlen;
	unsigned long dropped;
};

/* count_trip - cache_rec_scan_fn for triplets */
static bool count_trip(void *arg, const char *name, const struct cache_rec *rec)
{
	struct file_scan *sc = arg;

	(void)name;
	if (rec->expires <= sc->now)
		sc->k->expired++;
	else if (rec->v[2] != 0)
		sc->k->passed++;
	else
		sc->k->pending++;
	return false;
}

/* count_net - cache_rec_scan_fn for networks */
static bool count_net(void *arg, const char *name, const struct cache_rec *rec)
{
	struct file_scan *sc = arg;
	struct grey_net n = {rec->v[0], rec->v[1], rec->v[2]};

	(void)name;
	if (rec->expires <= sc->now)
		sc->k->expired++;
	else if (grey_net_listed(sc->s, true, &n, sc->now))
		sc->k->networks++;
	return false;
}

/* file_counts - scan both kinds */
static bool file_counts(struct grey_store *st, struct grey_counts *k, char *err, size_t errsize)
{
	struct file_store *f = (struct file_store *)st;
	struct file_scan sc = {.s = st->s, .now = (int64_t)time(NULL), .k = k};

	memset(k, 0, sizeof(*k));
	if (!cache_rec_scan(f->cache, KIND_TRIP, count_trip, &sc)
	    || !cache_rec_scan(f->cache, KIND_NET, count_net, &sc))
		return snprintf(err, errsize, "no cache file"), false;
	return true;
}

/* drop_net - cache_rec_scan_fn: every triplet of one network */
static bool drop_net(void *arg, const char *name, const struct cache_rec *rec)
{
	struct file_scan *sc = arg;

	(void)rec;
	if (strncmp(name, sc->net, sc->netlen) != 0 || name[sc->netlen] != ' ')
		return false;
	sc->dropped++;
	return true;
}

/* file_drop - one triplet, or a network with its triplets */
static bool file_drop(struct grey_store *st, const char *net, const char *key,
		      unsigned long *n, char *err, size_t errsize)
{
	struct file_store *f = (struct file_store *)st;
	struct file_scan sc = {.s = st->s, .net = net, .netlen = strlen(net)};

	if (f->cache == NULL)
		return snprintf(err, errsize, "no cache file"), false;
	if (key != NULL) {
		*n = cache_rec_delete(f->cache, KIND_TRIP, key);
		return true;
	}
	cache_rec_scan(f->cache, KIND_TRIP, drop_net, &sc);
	*n = sc.dropped + cache_rec_delete(f->cache, KIND_NET, net);
	return true;
}

/* file_close - the cache belongs to the caller */
static void file_close(struct grey_store *st)
{
	free(st);
}

static const struct grey_store_ops file_ops = {
	file_decide, file_counts, file_drop, file_close,
};

/* grey_file_store - the cache file store */
struct grey_store *grey_file_store(const struct grey_settings *s, struct cache *cache)
{
	struct file_store *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->base.ops = &file_ops;
	f->base.s = s;
	f->cache = cache;
	return &f->base;
}
