/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_int.h - what the cache_*.c files share: the open cache of one
 * process, file handling and byte-range locks.  Not for other modules.
 */
#ifndef DNSWL_CACHE_INT_H
#define DNSWL_CACHE_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "cache.h"
#include "cache_fmt.h"

/* Bounded waits for fcntl locks (milliseconds). */
#define CACHE_WAIT_PUT		50	/* a skipped store only costs a later miss */
#define CACHE_WAIT_LIST		200
#define CACHE_WAIT_HEALTH	200
#define CACHE_WAIT_ADMIN	2000

/* How cache_file_open treats an existing file. */
enum cache_mode {
	CACHE_SERVE,		/* create; rebuild when damaged or resized */
	CACHE_INSPECT,		/* existing file only, its own geometry */
	CACHE_REPAIR,		/* like INSPECT, but rebuild a damaged file */
};

struct cache {
	int fd;				/* -1: memory only (fuzzing) */
	unsigned char *map;
	struct cache_geom geom;
	struct cache_header *hdr;
	struct cache_slot *slots;
	struct cache_lrec *lists;
	struct cache_hrec *health;
	struct cache_dslot *dslots;
	uint64_t seed;
	unsigned long min_ttl;
	unsigned long max_ttl;
	unsigned long fail_ttl;
	bool aux_locked;
	char path[PATH_MAX];		/* for log lines */
};

/*
 * cache_file_open - open, check trust, validate (rebuilding as mode
 * allows) and map settings->file into *c.  Returns true when c is
 * usable; false after logging why.  *missing is set (when not NULL) if
 * the file or its directory does not exist in an admin mode.
 */
bool cache_file_open(struct cache *c, const struct cache_settings *s,
		     enum cache_mode mode, bool *missing);

/* cache_attach - point c's region pointers into a mapped file of geometry g. */
void cache_attach(struct cache *c, void *map, const struct cache_geom *g);

/*
 * cache_lock - take an exclusive fcntl lock on [start, start+len) of
 * c's file, waiting at most wait_ms.  Returns false on timeout or
 * error (fd -1 included).  Released by cache_unlock or by death.
 */
bool cache_lock(const struct cache *c, uint64_t start, uint64_t len, int wait_ms);

/* cache_unlock - release a lock taken by cache_lock. */
void cache_unlock(const struct cache *c, uint64_t start, uint64_t len);

/* cache_bucket_lock / cache_bucket_unlock - the lock of bucket b. */
bool cache_bucket_lock(const struct cache *c, uint32_t b, int wait_ms);
void cache_bucket_unlock(const struct cache *c, uint32_t b);

/* cache_dbucket_lock / cache_dbucket_unlock - the lock of data bucket b. */
bool cache_dbucket_lock(const struct cache *c, uint32_t b, int wait_ms);
void cache_dbucket_unlock(const struct cache *c, uint32_t b);

/* cache_count - tally a hit or a miss in the header; returns hit. */
bool cache_count(struct cache *c, bool hit);

/* cache_fresh - an entry expiring then is usable now (max_ttl honoured). */
bool cache_fresh(const struct cache *c, int64_t expires, time_t now);

/* cache_touch - note a hit at now in an entry's `used` word. */
void cache_touch(_Atomic uint32_t *used, time_t now);

/* cache_clamp_ttl - ttl clamped to [min_ttl, max_ttl]. */
unsigned long cache_clamp_ttl(const struct cache *c, uint32_t ttl);

/*
 * cache_rank - eviction order of an entry read as r (lower is given up
 * first): free or damaged, expired, then least recently used.
 */
uint64_t cache_rank(enum cache_read r, int64_t expires, const _Atomic uint32_t *used,
		    time_t now);

/*
 * cache_dump_data - print live data entries as cache_dump_slots does
 * (ANSWER: "mx:HOST,HOST", "names:...", "txt:\"TEXT\";..." quoted
 * printable); returns how many.
 */
unsigned long cache_dump_data(const struct cache *c, time_t now, FILE *out);

/*
 * cache_data_census - count data slots: live, expired, damaged, busy.
 */
void cache_data_census(const struct cache *c, time_t now, unsigned long n[4]);

/*
 * cache_data_purge - empty every data bucket under its lock, adding
 * the live and expired entries to *live and *expired; false if a
 * bucket stayed locked.
 */
bool cache_data_purge(struct cache *c, long *live, long *expired);

/* cache_bucket_of - bucket index for a hash (multiply-shift, no division) */
static inline uint32_t cache_bucket_of(const struct cache *c, uint64_t h)
{
	return (uint32_t)(((h >> 32) * c->geom.nbuckets) >> 32);
}

/*
 * cache_dump_slots - print live entries, one "list qname answer
 * expires" line each; returns how many.
 */
unsigned long cache_dump_slots(const struct cache *c, time_t now, FILE *out);

/*
 * cache_trust_problem - would a directory or file with status st be
 * refused by a dnswl running as uid want (another owner, or writable by
 * group or others)?  Returns true with "WHAT is owned by root (uid 0),
 * not by dnswl (uid 108) running dnswl (fix: chown dnswl: PATH)" or the
 * mode problem and its fix in buf; false when it would be trusted.
 */
bool cache_trust_problem(const struct stat *st, uid_t want, const char *what,
			 const char *path, char *buf, size_t size);

/*
 * cache_zone_key - list's name lowercased into zone (CACHE_NAME_MAX
 * bytes, not terminated); returns its length, 0 when empty or too long.
 */
size_t cache_zone_key(const char *list, char *zone);

/*
 * cache_health_clear - forget every list-health record (under the
 * health lock); *n how many there were.  False when the lock did not
 * come.
 */
bool cache_health_clear(struct cache *c, unsigned *n);

/* cache_time - ISO 8601 UTC text for t into buf; "never" for 0. */
const char *cache_time(int64_t t, char *buf, size_t size);

#endif
