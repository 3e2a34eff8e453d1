/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_fuzz.c - libFuzzer harness for the code that reads cache files.
 *
 * The input is one mode byte and then the first bytes of a cache file.
 * A fuzzer cannot forge 64-bit checksums, so the mode can repair them to
 * reach the code behind each check:
 *   bit 0  recompute the header checksum (fuzzes the geometry checks)
 *   bit 1  also force a small consistent geometry (1-4 buckets), magic
 *          and version, so the image is accepted
 *   bit 2  also recompute every slot, data-slot and list-record checksum,
 *          so lookups, dump and the failing-list code decode fuzzed
 *          records
 *   bit 3  the bytes after the header go to the data slots (MX, PTR, TXT
 *          answers) instead of the answer slots
 * An accepted image is padded with zeros to its full size and read the
 * way a process reads a mapped file: cache_get and cache_get_data for
 * every stored key, dump, failing-list checks.  A hit must decode to a
 * sane answer.
 *
 * Build and run (see fuzz/fuzz.am):  make fuzz-cache [FUZZ_SECONDS=60]
 * Replayed by make check as t/cache_fuzz_replay (fuzz/replay.c).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache_int.h"

#include "fuzz_util.h"

#define FUZZ_MAX_FILE (4u << 20)
#define FUZZ_NOW 1700000000

static FILE *devnull;

/* fix_header - apply the mode's repairs to a header copy */
static void fix_header(struct cache_header *h, unsigned mode)
{
	struct cache_geom g;

	if (mode & 2) {
		cache_geom_make((h->nbuckets % 4 + 1) * CACHE_WAYS, &g);
		memcpy(h->magic, CACHE_MAGIC, sizeof(h->magic));
		h->version = CACHE_VERSION;
		h->header_size = CACHE_HEADER_SIZE;
		h->slot_size = CACHE_SLOT_SIZE;
		h->ways = CACHE_WAYS;
		h->nlists = CACHE_NLISTS;
		h->lrec_size = CACHE_LREC_SIZE;
		h->dslot_size = CACHE_DSLOT_SIZE;
		h->nbuckets = g.nbuckets;
		h->ndbuckets = g.ndbuckets;
		h->slot_off = g.slot_off;
		h->list_off = g.list_off;
		h->data_off = g.data_off;
		h->aux_off = g.aux_off;
		h->aux_size = g.aux_size;
		h->file_size = g.file_size;
	}
	if (mode & 3)
		h->check = cache_fmt_header_sum(h);
}

/* key_names - a fetched key's list and qname, CACHE_NAME_MAX + 1 bytes each */
static void key_names(const char *key, unsigned keylen, unsigned listlen, char *list, char *qname)
{
	snprintf(list, CACHE_NAME_MAX + 1, "%.*s", (int)listlen, key);
	snprintf(qname, CACHE_NAME_MAX + 1, "%.*s", (int)(keylen - listlen), key + listlen);
}

/* fix_records - recompute record checksums (mode bit 2) */
static void fix_records(struct cache *c)
{
	for (uint32_t i = 0; i < c->geom.nslots; i++)
		c->slots[i].check = cache_slot_sum(c->seed, &c->slots[i]);
	for (unsigned i = 0; i < CACHE_NLISTS; i++)
		c->lists[i].check = cache_lrec_sum(c->seed, &c->lists[i]);
	for (uint32_t i = 0; i < c->geom.ndslots; i++)
		c->dslots[i].check = cache_dslot_sum(c->seed, &c->dslots[i]);
}

/* sane_data - what any data hit must look like */
static void sane_data(const struct dns_answer *a, const struct dns_rdata *rd)
{
	size_t n = 0;
	const char *p = rd->txt;

	if (a->naddr != 0 || rd->nhost > DNS_MAX_MX || rd->txtlen > DNS_TXT_MAX
	    || (a->status != DNS_ANSWER && a->status != DNS_NXDOMAIN && a->status != DNS_NODATA))
		abort();
	for (unsigned i = 0; i < rd->nhost; i++)
		if (strnlen(rd->host[i], DNS_NAME_MAX) >= DNS_NAME_MAX)
			abort();
	for (unsigned i = 0; i < rd->ntxt; i++, p += strlen(p) + 1, n = (size_t)(p - rd->txt))
		if (n >= rd->txtlen || memchr(p, '\0', rd->txtlen - n) == NULL)
			abort();
}

/* data_lookups - look up every data slot's key, as a process would */
static void data_lookups(struct cache *c)
{
	static struct cache_dslot copy;
	static struct dns_rdata rd;
	struct dns_answer a;
	char list[CACHE_NAME_MAX + 1], qname[CACHE_NAME_MAX + 1];

	for (uint32_t i = 0; i < c->geom.ndslots; i++) {
		if (cache_dslot_fetch(&c->dslots[i], c->seed, 0, &copy) != CACHE_RD_OK)
			continue;
		key_names(copy.key, copy.keylen, copy.listlen, list, qname);
		if (!cache_get_data(c, list, qname, FUZZ_NOW, &a, &rd))
			continue;
		sane_data(&a, &rd);
		cache_put_data(c, list, qname, &a, &rd, copy.type == CACHE_DT_TXT, FUZZ_NOW);
	}
	cache_dump_data(c, FUZZ_NOW, devnull);
}

/* sane - what any hit must look like */
static void sane(const struct dns_answer *a)
{
	if (a->status == DNS_ANSWER ? a->naddr < 1 || a->naddr > DNS_MAX_ADDRS
	    : (a->status != DNS_NXDOMAIN && a->status != DNS_NODATA) || a->naddr != 0)
		abort();
}

/* lookups - look up every key the image holds, as a process would */
static void lookups(struct cache *c)
{
	struct cache_slot copy;
	struct dns_answer a;
	char list[CACHE_NAME_MAX + 1], qname[CACHE_NAME_MAX + 1];

	for (uint32_t i = 0; i < c->geom.nslots; i++) {
		if (cache_slot_fetch(&c->slots[i], c->seed, 0, &copy) != CACHE_RD_OK)
			continue;
		key_names(copy.key, copy.keylen, copy.listlen, list, qname);
		if (!cache_get(c, list, qname, FUZZ_NOW, &a, NULL))
			continue;
		sane(&a);
		cache_put(c, list, qname, &a, FUZZ_NOW);	/* no fd: lock refused, no crash */
	}
	for (unsigned i = 0; i < CACHE_NLISTS; i++) {
		char zone[CACHE_NAME_MAX + 1];
		unsigned n = c->lists[i].zonelen > CACHE_NAME_MAX ? CACHE_NAME_MAX : c->lists[i].zonelen;

		snprintf(zone, sizeof(zone), "%.*s", (int)n, c->lists[i].zone);
		cache_list_skipped(c, zone, FUZZ_NOW, NULL);
		cache_list_result(c, zone, (i & 1) != 0 ? DNS_SERVFAIL : DNS_ANSWER, FUZZ_NOW);
	}
	cache_dump_slots(c, FUZZ_NOW, devnull);
}

/* LLVMFuzzerTestOneInput - one input */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cache_header h;
	struct cache_geom g;
	struct cache c;
	char why[160];
	unsigned mode;
	unsigned char *img;

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	if (size < 1)
		return 0;
	mode = data[0], data++, size--;
	cache_fmt_check(data, size, size, &g, why, sizeof(why));	/* the raw bytes */
	memset(&h, 0, sizeof(h));
	memcpy(&h, data, size < sizeof(h) ? size : sizeof(h));
	fix_header(&h, mode);
	if (cache_fmt_check(&h, sizeof(h), h.file_size, &g, why, sizeof(why)) != CACHE_FMT_OK
	    || g.file_size > FUZZ_MAX_FILE)
		return 0;
	if ((img = aligned_alloc(CACHE_PAGE, g.file_size)) == NULL)
		return 0;
	memset(img, 0, g.file_size);
	if (mode & 8 && size > sizeof(h))
		memcpy(img + g.data_off, data + sizeof(h), size - sizeof(h) < g.ndslots * CACHE_DSLOT_SIZE
		       ? size - sizeof(h) : g.ndslots * CACHE_DSLOT_SIZE);
	else
		memcpy(img, data, size < g.file_size ? size : g.file_size);
	memcpy(img, &h, sizeof(h));
	memset(&c, 0, sizeof(c));
	c.fd = -1;
	c.max_ttl = UINT32_MAX;
	c.fail_ttl = 600;
	cache_attach(&c, img, &g);
	if (mode & 4)
		fix_records(&c);
	lookups(&c);
	data_lookups(&c);
	free(img);
	return 0;
}
