/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis.c - amavis_open(): the writer on the cache file's aux area.
 *
 * The only file of the module that knows the cache; everything else
 * works on a plain struct amavis_shm, so that tests can give several
 * "hosts" their own areas in one process.
 */
#include "config.h"

#include "amavis.h"
#include "amavis_core.h"
#include "cache.h"
#include "msg.h"

/* aux_lock / aux_unlock - the cache's lock for the aux area */
static bool aux_lock(void *ctx)
{
	return cache_aux_lock(ctx);
}

static void aux_unlock(void *ctx)
{
	cache_aux_unlock(ctx);
}

/* amavis_open - the writer, sharing its sender set through the cache */
struct amavis *amavis_open(const struct sql_settings *s, struct cache *cache)
{
	struct amavis_shm shm = {.lock = aux_lock, .unlock = aux_unlock, .ctx = cache};

	if (s == NULL || !s->use_sql)
		return NULL;
	if (cache != NULL)
		shm.base = cache_aux(cache, &shm.size);
	if (shm.base == NULL)
		msg_debug("amavis SQL: no cache file; the database is asked on every"
			 " request from a client that is not whitelisted");
	return amavis_open_shm(s, &shm);
}
