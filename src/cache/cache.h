/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache.h - the answer cache shared by every dnswl process.
 *
 * One file, our own format, on open/mmap/fcntl only.  Postfix starts one
 * dnswl per smtpd connection, so the cache must outlive processes and be
 * safe against concurrent writers and against a writer SIGKILLed at any
 * instruction.  A NULL struct cache * means "run uncached": every call
 * below accepts it and then does nothing (gets miss).
 */
#ifndef DNSWL_CACHE_H
#define DNSWL_CACHE_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "cfg.h"
#include "dns.h"

struct cache;

/*
 * Valid `[cache] size` values (entries; the file takes about 640 bytes
 * per entry, 4672 bytes per 16 entries for the data slots, plus 280
 * KiB).  The size is rounded up to a multiple of 8.
 */
#define CACHE_SIZE_MIN	8ul
#define CACHE_SIZE_MAX	(1ul << 20)

/*
 * cache_open - open (creating if needed) the file named in settings.
 * Returns NULL when caching is disabled (file "") or the file cannot be
 * trusted or used; the reason has been logged with msg_warn/msg_info.
 */
struct cache *cache_open(const struct cache_settings *settings);

/* cache_close - unmap and close; NULL is fine. */
void cache_close(struct cache *cache);

/*
 * cache_get - look up the answer of `list` for `qname`.  Returns true
 * on a hit with *ans filled (and *expires, when not NULL); false on a
 * miss, an expired entry, or a damaged one (never a wrong answer).
 */
bool cache_get(struct cache *cache, const char *list, const char *qname,
	       time_t now, struct dns_answer *ans, time_t *expires);

/*
 * cache_put - store a positive or negative answer (DNS_ANSWER,
 * DNS_NXDOMAIN, DNS_NODATA; failures are ignored) for its TTL clamped
 * to [min_ttl, max_ttl].
 */
void cache_put(struct cache *cache, const char *list, const char *qname,
	       const struct dns_answer *ans, time_t now);

/*
 * cache_get_data - like cache_get for an answer with names or text (an
 * MX, PTR or TXT query): on a hit *ans (status, ttl; naddr 0) and *rd
 * are filled as dns_res_query fills them.
 */
bool cache_get_data(struct cache *cache, const char *list, const char *qname,
		    time_t now, struct dns_answer *ans, struct dns_rdata *rd);

/*
 * cache_put_data - like cache_put for such an answer: rd's host names
 * (MX, PTR; txt false) or TXT records (txt true).  An answer whose text
 * does not fit (DNS_TXT_MAX) is not stored.  These entries have a table
 * of their own, one slot per 16 entries of `size`, at least 8 (about
 * 4.6 KiB each).
 */
void cache_put_data(struct cache *cache, const char *list, const char *qname,
		    const struct dns_answer *ans, const struct dns_rdata *rd, bool txt,
		    time_t now);

/*
 * cache_list_skipped - true when `list` failed recently (within
 * fail_ttl) and should not be asked now; then *status (when not NULL)
 * is the last failure on record (DNS_SERVFAIL for a record that does
 * not say).  A list is skipped after CACHE_FAIL_THRESHOLD failures in a
 * row (in any processes, each within fail_ttl of the previous one), for
 * fail_ttl seconds from the last failure; fail_ttl 0 turns this off.
 * Lock-free.
 */
bool cache_list_skipped(struct cache *cache, const char *list, time_t now,
			enum dns_status *status);

/*
 * cache_list_result - record how a query to `list` went (a failure is
 * dns_failed(status)); logs when a list starts being skipped and when
 * it answers again.  Call it after every DNS query of a list (not for
 * cache hits); a success for a list with no failure on record costs no
 * lock.
 */
void cache_list_result(struct cache *cache, const char *list, enum dns_status status, time_t now);

#define CACHE_FAIL_THRESHOLD	2

/*
 * List health (health.h uses it): what the RFC 5782 probes of a list
 * found, shared by every process, one record per list.
 */
enum list_health {
	HEALTH_UNKNOWN,		/* never probed, or the probes failed */
	HEALTH_OK,		/* must point listed, must-not point not */
	HEALTH_LISTS_ALL,	/* the must-not point is listed: disabled */
	HEALTH_LISTS_NONE,	/* the must point is not listed: no miss */
	HEALTH_REFUSING,	/* refusal codes: disabled */
};
#define HEALTH_ANSWERS_MAX	80	/* "2.0.0.127=...; 1.0.0.127=..." */

struct list_health_rec {
	enum list_health state;
	time_t since;		/* in this state since; 0 no record */
	time_t probed;		/* last probe or refusal seen; 0 never */
	time_t claim;		/* a process probes until then */
	char answers[HEALTH_ANSWERS_MAX];	/* the last probe's answers */
};

/* A list whose probes failed is probed again after this at the latest. */
#define CACHE_HEALTH_RETRY	30
/* The longest claim honoured (dns_timeout 60 x dns_attempts 10, and more). */
#define CACHE_HEALTH_CLAIM_MAX	3600

/*
 * cache_health_get - the record of list into *rec (lock-free).
 * Returns false (rec zeroed: unknown, never probed) when there is none,
 * when uncached, or when it is damaged.
 */
bool cache_health_get(struct cache *cache, const char *list, struct list_health_rec *rec);

/*
 * cache_health_due - is a probe of a list with record rec due at now?
 * After `interval` seconds (CACHE_HEALTH_RETRY at most for an unknown
 * state), unless a live claim says another process is probing it.
 */
bool cache_health_due(const struct list_health_rec *rec, time_t now, unsigned long interval);

/*
 * cache_health_claim - claim the probe of list for `hold` seconds:
 * true when cache_health_due() still holds under the lock (then this
 * process probes, and *rec is the record as it was); false when another
 * process claimed or probed it first, or the lock did not come.
 * Uncached: always true.
 */
bool cache_health_claim(struct cache *cache, const char *list, time_t now,
			unsigned long interval, unsigned long hold, struct list_health_rec *rec);

/*
 * cache_health_put - store a probe's result (rec->state, probed and
 * answers; since is kept while the state stays, set to now when it
 * changes; the claim is dropped).  Returns true when the state on
 * record changed (the caller logs it: exactly one process sees that
 * change), with the previous record in *old (when not NULL).
 * Uncached: false, nothing stored.
 */
bool cache_health_put(struct cache *cache, const char *list, struct list_health_rec *rec,
		      time_t now, struct list_health_rec *old);

/*
 * cache_health_print - `-C lists`: one line per list on record:
 * "LIST STATE since TIME probed TIME answers ANSWERS".  Returns how
 * many.
 */
unsigned cache_health_print(struct cache *cache, FILE *out);

/* cache_health_name - "healthy", "lists-everything", ... for logs. */
const char *cache_health_name(enum list_health state);

/*
 * The aux area: a fixed CACHE_AUX_AREA bytes in the cache file for
 * another module's shared state (the amavis SQL module keeps its sender
 * set there).  Contract:
 * - all zero when the file is created, rebuilt, or purged: treat zeros as
 *   "nothing known yet";
 * - the cache never reads it; keep your own magic/version/checksum in it
 *   and treat damage as zeros (the file may be damaged like any other);
 * - it is MAP_SHARED memory: stores are seen by every process at once;
 *   use atomics or cache_aux_lock() to keep readers consistent;
 * - the pointer stays valid until cache_close(); the area is 4096-aligned.
 */
#define CACHE_AUX_AREA		(256u * 1024u)
#define CACHE_AUX_WAIT_MS	1000

/*
 * cache_aux - the aux area and (in *size, when not NULL) its size.
 * Returns NULL (and size 0) when running uncached.
 */
void *cache_aux(struct cache *cache, size_t *size);

/*
 * cache_aux_lock - take the exclusive fcntl lock on the aux area's bytes,
 * waiting at most CACHE_AUX_WAIT_MS.  Returns true when held; false when
 * uncached or the lock did not come in time (then do not write).  Not
 * recursive (locking twice is a bug: msg_panic).  The kernel releases it
 * if the process dies; cache_close() releases it too.  Hold it briefly:
 * never across a database round trip.  Only excludes other holders of
 * this lock (purge takes it before zeroing the area).
 */
bool cache_aux_lock(struct cache *cache);

/* cache_aux_unlock - release the aux lock; harmless when not held or NULL. */
void cache_aux_unlock(struct cache *cache);

/*
 * Records: small state of other modules (the greylist) in the same
 * slots as the answers, under the same bounds, locks, eviction (least
 * recently used first, expired first of all) and crash safety.  A
 * record is CACHE_REC_WORDS numbers plus an expiry, under a key of a
 * kind (a name that is never a DNS zone: start it with '#') and a name
 * of at most CACHE_REC_NAME bytes.  A record a writer died inside, or
 * a damaged one, reads as absent.
 */
#define CACHE_REC_WORDS	8
#define CACHE_REC_NAME	253u

struct cache_rec {
	int64_t expires;	/* the record is gone at this time */
	int64_t used;		/* last use, for eviction */
	int64_t v[CACHE_REC_WORDS];
};

/*
 * cache_rec_fn - called by cache_rec_update with the record (zeroed
 * when absent or expired, found false).  Change *rec and return true
 * to store it, false to leave the file as it is.
 */
typedef bool cache_rec_fn(void *arg, bool found, struct cache_rec *rec);

/*
 * cache_rec_update - read, change and write one record under its
 * bucket's lock (waiting at most CACHE_REC_WAIT_MS).  Returns false when
 * uncached, the name is empty or too long, or the lock did not come
 * (then fn was not called).
 */
bool cache_rec_update(struct cache *cache, const char *kind, const char *name,
		      time_t now, cache_rec_fn *fn, void *arg);

#define CACHE_REC_WAIT_MS	200

/* cache_rec_delete - remove one record; returns true when it existed. */
bool cache_rec_delete(struct cache *cache, const char *kind, const char *name);

/*
 * cache_rec_scan_fn - called by cache_rec_scan for every consistent
 * record of the kind, expired ones included: name is NUL-terminated.
 * Return true to delete the record (under its bucket lock).
 */
typedef bool cache_rec_scan_fn(void *arg, const char *name, const struct cache_rec *rec);

/* cache_rec_scan - visit every record of kind; returns false when uncached. */
bool cache_rec_scan(struct cache *cache, const char *kind, cache_rec_scan_fn *fn, void *arg);

/*
 * cache_open_existing - open an existing cache file with the geometry
 * it has, never creating or rebuilding it (admin commands).  NULL when
 * there is none or it cannot be used (logged); close with cache_close.
 */
struct cache *cache_open_existing(const struct cache_settings *settings);

/*
 * cache_admin - `dnswl -C stats|dump|purge|forget-failures`: write to
 * out, return the process exit status (0 ok, 1 error, 2 unknown
 * command).  Opens only an existing file, with the geometry it has; root
 * may inspect a file owned by the dnswl user.  stats: "key: value" lines
 * (file, format, created, purged, entries: USED/TOTAL used (...), hits,
 * misses, stores, oldest, newest, failing list: ...); the counters
 * include processes still running.  dump: "LIST QNAME ANSWER EXPIRES" per
 * live entry (ANSWER: comma-joined addresses, NXDOMAIN or NODATA; EXPIRES
 * in ISO 8601 UTC).  purge: empties entries, failing lists and the aux
 * area under the writers' locks while others keep using the file
 * (rebuilds it if damaged) and says how many answers and which failing
 * lists it cleared; forget-failures clears only the failing lists.  "no
 * cache file" is not an error for purge or forget-failures.  Problems go
 * to msg_warn (stderr in -C mode).
 */
int cache_admin(const struct cache_settings *settings, const char *command, FILE *out);

/*
 * cache_check - `dnswl -n`: would serving processes refuse the cache
 * directory or file (wrong owner, writable by group or others, symbolic
 * link, wrong type)?  Checks as the user running it, or, for root, as
 * the user "dnswl" (saying so).  A directory or file that does not exist
 * yet is fine.  Writes "dnswl: warning: ..." lines with the fix to out;
 * returns how many problems it found (0 or 1).
 */
int cache_check(const struct cache_settings *settings, FILE *out);

#endif
