/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grey_store.h - where greylist state is kept: the cache file
 * (grey_file.c) or a database (grey_sql.c).  Internal to grey_*.c.
 */
#ifndef DNSWL_GREY_STORE_H
#define DNSWL_GREY_STORE_H

#include <stdbool.h>
#include <stdio.h>

#include "grey_cfg.h"
#include "grey_state.h"

struct cache;
struct sql_settings;

/* What the admin command counts. */
struct grey_counts {
	unsigned long pending, passed, networks, expired;
};

struct grey_store;

struct grey_store_ops {
	/*
	 * decide - one RCPT: *listed when the network is auto-whitelisted
	 * (then *step is not set); else the triplet key's step, and on a
	 * pass the network's count.  Returns false on a store fault (why
	 * in err).
	 */
	bool (*decide)(struct grey_store *st, const char *net, const char *key,
		       bool *listed, struct grey_step *step, char *err, size_t errsize);
	/* counts - fill *k; false on a fault. */
	bool (*counts)(struct grey_store *st, struct grey_counts *k, char *err, size_t errsize);
	/* drop - delete a triplet (key) or a network (net, key NULL); *n deleted. */
	bool (*drop)(struct grey_store *st, const char *net, const char *key,
		     unsigned long *n, char *err, size_t errsize);
	void (*close)(struct grey_store *st);
};

struct grey_store {
	const struct grey_store_ops *ops;
	const struct grey_settings *s;
};

/* grey_file_store - state in the cache file (NULL cache: every call faults). */
struct grey_store *grey_file_store(const struct grey_settings *s, struct cache *cache);

/* grey_sql_store - state in the database of s->dsn; NULL if out of memory. */
struct grey_store *grey_sql_store(const struct grey_settings *s, const struct sql_settings *sql);

#endif
