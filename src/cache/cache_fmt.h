/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_fmt.h - the on-disk layout of the shared cache file.
 *
 * Pure functions on memory: geometry, header check, hashing, and the
 * seqlock + checksum record protocol.  No file I/O here, so the fuzz
 * harness can feed this code any bytes.  The file is host-endian: it is
 * a cache on one machine, never copied elsewhere (a foreign byte order
 * fails the magic or version check and is bypassed or rebuilt).
 *
 *   0             header (512 bytes)
 *   slot_off      nbuckets * CACHE_WAYS slots of CACHE_SLOT_SIZE bytes
 *   list_off      CACHE_NLISTS failing-list records
 *   health_off    CACHE_NLISTS list-health records (cache_health.c)
 *   data_off      ndbuckets * CACHE_WAYS data slots of CACHE_DSLOT_SIZE
 *                 bytes: MX, PTR and TXT answers (cache_data.c)
 *   aux_off       the aux area (page aligned) for other modules
 *   file_size
 *
 * Every future format keeps the magic at offset 0 and the version at
 * offset 8, so an older file is recognised (and rebuilt) and a newer one
 * left alone.
 */
#ifndef DNSWL_CACHE_FMT_H
#define DNSWL_CACHE_FMT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns.h"

#define CACHE_MAGIC		"\x89" "DWLC\r\n\x1a"	/* 8 bytes */
#define CACHE_VERSION		3u	/* 2: list-health records; 3: data slots */
#define CACHE_HEADER_SIZE	512u
#define CACHE_SLOT_SIZE		640u
#define CACHE_WAYS		8u	/* slots per bucket */
#define CACHE_NLISTS		64u	/* failing-list records */
#define CACHE_LREC_SIZE		320u
#define CACHE_HREC_SIZE		384u
#define CACHE_HREC_ANSWERS	80u	/* last probe answers, text */
#define CACHE_DSLOT_SIZE	4672u
#define CACHE_DATA_SHARE	16u	/* one data slot per 16 entries, at least
					 * one bucket */
#define CACHE_AUX_SIZE		(256u * 1024u)
#define CACHE_PAGE		4096u
#define CACHE_NAME_MAX		253u	/* list or qname, without NUL */
#define CACHE_MIN_ENTRIES	8ul
#define CACHE_MAX_ENTRIES	(1ul << 20)
#define CACHE_KEY_MAX	(2 * CACHE_NAME_MAX)

/* File status codes of an entry (independent of enum dns_status). */
enum {
	CACHE_ST_ANSWER = 1,
	CACHE_ST_NXDOMAIN = 2,
	CACHE_ST_NODATA = 3,
	CACHE_ST_RECORD = 4,	/* another module's record (cache_rec_*) */
};

/* Header: fields up to `check` are fixed at creation and checksummed. */
struct cache_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size;
	uint32_t slot_size;
	uint32_t ways;
	uint32_t nbuckets;
	uint32_t nlists;
	uint32_t lrec_size;
	uint32_t dslot_size;
	uint32_t ndbuckets;
	uint32_t pad0;
	uint64_t slot_off;
	uint64_t list_off;
	uint64_t data_off;
	uint64_t aux_off;
	uint64_t aux_size;
	uint64_t file_size;
	uint64_t seed;		/* keys the hashes: random per file */
	int64_t created;
	uint64_t check;
	/* Live counters, updated with atomics, not checksummed. */
	_Atomic uint64_t hits;
	_Atomic uint64_t misses;
	_Atomic uint64_t stores;
	_Atomic int64_t purged;	/* time of the last purge, 0 never */
	char pad1[CACHE_HEADER_SIZE - 152];
};

/*
 * One entry.  seq is odd while a writer is inside; a writer killed there
 * leaves it odd and the entry unreadable until the next write.  `check`
 * covers hash .. the last address, keyed by the file's seed.  `used` is
 * the last hit (seconds), kept outside the checksum so readers may bump
 * it.  The key (list then qname, no separator) comes first in `key`, then
 * (4-aligned) the naddr addresses: a hit on a short key reads two cache
 * lines.
 */
struct cache_slot {
	_Atomic uint32_t seq;
	_Atomic uint32_t used;
	uint64_t check;
	uint64_t hash;
	int64_t expires;
	int64_t stored;
	uint32_t ttl;
	uint8_t status;
	uint8_t naddr;
	uint8_t listlen;
	uint8_t pad0;
	uint16_t keylen;	/* 0 = empty */
	uint16_t pad1;
	char key[CACHE_SLOT_SIZE - 52];	/* key, padding to 4, addresses */
};

#define CACHE_SLOT_BODY	offsetof(struct cache_slot, hash)
#define CACHE_SLOT_FIXED offsetof(struct cache_slot, key)

/* One failing-list record, same seqlock + checksum protocol. */
struct cache_lrec {
	_Atomic uint32_t seq;
	uint32_t fails;		/* consecutive failures */
	uint64_t check;		/* over since..zone[zonelen] */
	int64_t since;		/* first failure of this run, 0 = healthy */
	int64_t until;		/* skipped until, 0 = not skipped */
	int64_t last;		/* last failure */
	uint16_t zonelen;	/* 0 = free record */
	uint16_t status;	/* enum dns_status of the last failure;
				 * 0 in records of older versions */
	uint32_t pad1;
	char zone[CACHE_LREC_SIZE - 48];
};

#define CACHE_LREC_BODY	offsetof(struct cache_lrec, since)
#define CACHE_LREC_FIXED offsetof(struct cache_lrec, zone)

/*
 * One list-health record (cache_health.c), same seqlock + checksum
 * protocol; `check` covers since..zone[zonelen].
 */
struct cache_hrec {
	_Atomic uint32_t seq;
	uint32_t pad0;
	uint64_t check;
	int64_t since;		/* in this state since */
	int64_t probed;		/* last probe (or refusal seen); 0 never */
	int64_t claim;		/* a process probes it until then */
	uint16_t zonelen;	/* 0 = free record */
	uint16_t state;		/* enum health_state (health.h) */
	uint32_t pad1;
	char answers[CACHE_HREC_ANSWERS];	/* NUL-terminated */
	char zone[CACHE_HREC_SIZE - 48 - CACHE_HREC_ANSWERS];
};

#define CACHE_HREC_BODY	offsetof(struct cache_hrec, since)
#define CACHE_HREC_FIXED offsetof(struct cache_hrec, zone)

/*
 * One data slot: an MX, PTR or TXT answer with its names or text (a
 * struct dns_rdata), same seqlock protocol as a slot.  `check` covers
 * hash..the end, unused bytes zero.  data holds `nitems` NUL-terminated
 * strings in `datalen` bytes: host names (type CACHE_DT_NAMES, at most
 * DNS_MAX_MX, each shorter than DNS_NAME_MAX) or TXT records
 * (CACHE_DT_TXT).  The key is list then qname, as in a slot.
 */
enum {
	CACHE_DT_NAMES = 1,
	CACHE_DT_TXT = 2,
};

struct cache_dslot {
	_Atomic uint32_t seq;
	_Atomic uint32_t used;
	uint64_t check;
	uint64_t hash;
	int64_t expires;
	int64_t stored;
	uint32_t ttl;
	uint8_t status;		/* CACHE_ST_ANSWER, _NXDOMAIN, _NODATA */
	uint8_t type;		/* CACHE_DT_*; 0 for a negative answer */
	uint8_t listlen;
	uint8_t nitems;
	uint16_t keylen;	/* 0 = empty */
	uint16_t datalen;
	uint8_t null_mx;	/* RFC 7505 "0 ." was in the answer */
	uint8_t pad0[3];
	char key[CACHE_KEY_MAX + 2];
	char data[DNS_TXT_MAX];
	char pad1[CACHE_DSLOT_SIZE - 56 - CACHE_KEY_MAX - 2 - DNS_TXT_MAX];
};

#define CACHE_DSLOT_BODY offsetof(struct cache_dslot, hash)

struct cache_geom {
	uint32_t nbuckets;
	uint32_t nslots;
	uint32_t ndbuckets;	/* data slots: nslots / CACHE_DATA_SHARE,
				 * at least CACHE_WAYS */
	uint32_t ndslots;
	uint64_t slot_off;
	uint64_t list_off;
	uint64_t health_off;	/* right after the list records */
	uint64_t data_off;	/* right after the health records */
	uint64_t aux_off;
	uint64_t aux_size;
	uint64_t file_size;
};

/* What cache_fmt_check found. */
enum cache_verdict {
	CACHE_FMT_OK,
	CACHE_FMT_EMPTY,	/* zero-length file */
	CACHE_FMT_FOREIGN,	/* no magic: not ours, leave it alone */
	CACHE_FMT_OLDER,	/* our magic, older version: rebuild */
	CACHE_FMT_NEWER,	/* a newer dnswl's file: leave it alone */
	CACHE_FMT_DAMAGED,	/* our magic, bad header: rebuild */
	CACHE_FMT_TRUNCATED,	/* shorter than the header says: rebuild */
};

/* Results of reading one slot or list record. */
enum cache_read {
	CACHE_RD_OK,		/* consistent copy, checksum right */
	CACHE_RD_EMPTY,		/* never written or purged */
	CACHE_RD_BUSY,		/* odd seq: writer inside, or died there */
	CACHE_RD_OTHER,		/* (slots) a different hash */
	CACHE_RD_BAD,		/* bounds or checksum wrong: damaged */
};

/*
 * cache_geom_make - the layout for `entries` (rounded up to a multiple
 * of CACHE_WAYS).  Returns false when entries is out of
 * [CACHE_MIN_ENTRIES, CACHE_MAX_ENTRIES].
 */
bool cache_geom_make(unsigned long entries, struct cache_geom *g);

/* cache_fmt_init - write a fresh header for g into *h (zeroing it first). */
void cache_fmt_init(struct cache_header *h, const struct cache_geom *g,
		    uint64_t seed, int64_t now);

/* cache_fmt_header_sum - the checksum a header's fixed part should carry. */
uint64_t cache_fmt_header_sum(const struct cache_header *h);

/*
 * cache_fmt_check - judge the first `len` bytes of a file of file_size
 * bytes.  Fills *g on CACHE_FMT_OK; otherwise writes a reason (for a
 * log line) into why.  Never reads past buf[len).
 */
enum cache_verdict cache_fmt_check(const void *buf, size_t len, uint64_t file_size,
				   struct cache_geom *g, char *why, size_t whysize);

/* cache_hash - keyed 64-bit hash (not cryptographic: spreads keys, detects damage). */
uint64_t cache_hash(uint64_t seed, const void *data, size_t len);

/*
 * cache_key - build the lookup key: lowercased list then qname, into
 * key[CACHE_NAME_MAX * 2].  Returns the key length, 0 when either name
 * is empty or longer than CACHE_NAME_MAX.
 */
size_t cache_key(const char *list, const char *qname, char *key, uint8_t *listlen);

/* cache_key_hash - the hash of a key as stored in slots (never 0). */
uint64_t cache_key_hash(uint64_t seed, const char *key, size_t keylen, uint8_t listlen);

/*
 * cache_slot_end - offset just past a slot's last address: the end of
 * what the checksum covers (keylen and naddr are bounded first).
 */
size_t cache_slot_end(const struct cache_slot *s);

/* cache_slot_set_addrs - store n addresses after the key (keylen set first). */
void cache_slot_set_addrs(struct cache_slot *s, const uint32_t *addr, unsigned n);

/* cache_slot_sum - the checksum a slot body should carry (keylen bounded). */
uint64_t cache_slot_sum(uint64_t seed, const struct cache_slot *s);

/*
 * cache_slot_fetch - copy a live slot consistently into *copy.  With
 * hash != 0, a slot of another hash returns CACHE_RD_OTHER without a
 * full copy.  Gives up after a few torn reads (CACHE_RD_BUSY).
 */
enum cache_read cache_slot_fetch(const struct cache_slot *live, uint64_t seed,
				 uint64_t hash, struct cache_slot *copy);

/*
 * cache_slot_store - write body (hash..key, check computed here) into a
 * live slot.  Caller holds the bucket lock.
 */
void cache_slot_store(struct cache_slot *live, uint64_t seed, const struct cache_slot *body);

/* cache_slot_clear - empty a live slot.  Caller holds the bucket lock. */
void cache_slot_clear(struct cache_slot *live);

/* cache_slot_answer - decode a fetched slot; false if its fields are out of range. */
bool cache_slot_answer(const struct cache_slot *copy, struct dns_answer *ans);

/* cache_lrec_sum - the checksum a list record should carry. */
uint64_t cache_lrec_sum(uint64_t seed, const struct cache_lrec *r);

/* cache_lrec_fetch - like cache_slot_fetch for a list record. */
enum cache_read cache_lrec_fetch(const struct cache_lrec *live, uint64_t seed,
				 struct cache_lrec *copy);

/* cache_lrec_store - write a list record.  Caller holds the list lock. */
void cache_lrec_store(struct cache_lrec *live, uint64_t seed, const struct cache_lrec *body);

/* cache_hrec_fetch - like cache_lrec_fetch for a list-health record. */
enum cache_read cache_hrec_fetch(const struct cache_hrec *live, uint64_t seed,
				 struct cache_hrec *copy);

/* cache_hrec_store - write a health record.  Caller holds the health lock. */
void cache_hrec_store(struct cache_hrec *live, uint64_t seed, const struct cache_hrec *body);

/* cache_dslot_sum - the checksum a data slot should carry. */
uint64_t cache_dslot_sum(uint64_t seed, const struct cache_dslot *d);

/*
 * cache_dslot_fetch - like cache_slot_fetch for a data slot; also
 * CACHE_RD_BAD when the strings in data do not match nitems, type and
 * datalen (cache_data.c may then decode them without further bounds).
 */
enum cache_read cache_dslot_fetch(const struct cache_dslot *live, uint64_t seed,
				  uint64_t hash, struct cache_dslot *copy);

/* cache_dslot_store - write a data slot (used set from stored).  Bucket locked. */
void cache_dslot_store(struct cache_dslot *live, uint64_t seed, const struct cache_dslot *body);

/* cache_dslot_clear - empty a live data slot.  Bucket locked. */
void cache_dslot_clear(struct cache_dslot *live);

/*
 * cache_seq_write - a writer's whole seqlock section on the record at
 * live whose seq word is *seq: seq made odd, bytes [from, end) copied
 * from body (zeroed when body is NULL), *check (inside the record) set
 * to sum, seq made even (release).  The caller holds the bucket lock.
 */
void cache_seq_write(_Atomic uint32_t *seq, uint64_t *check, uint64_t sum, void *live,
		     const void *body, size_t from, size_t end);

/*
 * cache_seq_copy - a consistent copy of size bytes of a record after
 * its seq word (from `from` bytes on); false while a writer is inside.
 */
bool cache_seq_copy(const _Atomic uint32_t *live_seq, const void *live, void *copy,
		    size_t from, size_t size);

#endif
