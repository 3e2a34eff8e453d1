/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_admin.c - `dnswl -C stats|lists|dump|purge|forget-failures`: look into
 * the cache file and empty it (or only its failing-list memory) while
 * other processes keep using it.
 *
 * Admin commands open only an existing file and take its geometry as it
 * is (a different `size` in the config does not rebuild it here).  Root
 * may inspect a cache owned by the dnswl user; purge also rebuilds a
 * damaged file, handing the new one to the directory's owner.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cache_int.h"
#include "msg.h"
#include "str.h"

/* What a scan of every slot found. */
struct census {
	unsigned long live, expired, damaged, busy;
	struct cache_slot oldest, newest;	/* by store time, among live */
};

/* slot_names - "list qname" of a fetched slot, printable */
static const char *slot_names(const struct cache_slot *s, char *buf, size_t size)
{
	char raw[2 * CACHE_NAME_MAX + 2];

	snprintf(raw, sizeof(raw), "%.*s %.*s", (int)s->listlen, s->key,
		 (int)(s->keylen - s->listlen), s->key + s->listlen);
	str_printable(buf, size, raw);
	return buf;
}

/* take_census - count entries by state */
static void take_census(const struct cache *c, time_t now, struct census *k)
{
	struct cache_slot copy;

	memset(k, 0, sizeof(*k));
	for (uint32_t i = 0; i < c->geom.nslots; i++) {
		switch (cache_slot_fetch(&c->slots[i], c->seed, 0, &copy)) {
		case CACHE_RD_OK:
			if (copy.expires <= (int64_t)now) {
				k->expired++;
				break;
			}
			if (k->live++ == 0 || copy.stored < k->oldest.stored)
				k->oldest = copy;
			if (k->live == 1 || copy.stored > k->newest.stored)
				k->newest = copy;
			break;
		case CACHE_RD_BAD:
			k->damaged++;
			break;
		case CACHE_RD_BUSY:
			k->busy++;
			break;
		default:
			break;
		}
	}
}

/* print_lists - the failing lists on record */
static void print_lists(const struct cache *c, time_t now, FILE *out)
{
	struct cache_lrec r;
	char since[32], until[32], zone[CACHE_NAME_MAX + 1];

	for (unsigned i = 0; i < CACHE_NLISTS; i++) {
		if (cache_lrec_fetch(&c->lists[i], c->seed, &r) != CACHE_RD_OK)
			continue;
		snprintf(zone, sizeof(zone), "%.*s", (int)r.zonelen, r.zone);
		str_printable(zone, sizeof(zone), zone);
		fprintf(out, "failing list: %s %u failures since %s, %s %s\n", zone, r.fails,
			cache_time(r.since, since, sizeof(since)),
			r.until > (int64_t)now ? "skipped until" : "not skipped",
			r.until > (int64_t)now ? cache_time(r.until, until, sizeof(until)) : "now");
	}
}

/* do_stats - the numbers */
static int do_stats(struct cache *c, FILE *out)
{
	struct census k;
	unsigned long d[4];
	time_t now = time(NULL);
	char t1[32], t2[32], names[2 * CACHE_NAME_MAX + 2];

	take_census(c, now, &k);
	fprintf(out, "file: %s\n", c->path);
	fprintf(out, "format: version %u, %u buckets of %u entries, %u data buckets, %llu bytes,"
		" aux area %llu bytes\n", CACHE_VERSION, c->geom.nbuckets, CACHE_WAYS,
		c->geom.ndbuckets, (unsigned long long)c->geom.file_size,
		(unsigned long long)c->geom.aux_size);
	fprintf(out, "created: %s\npurged: %s\n", cache_time(c->hdr->created, t1, sizeof(t1)),
		cache_time(atomic_load(&c->hdr->purged), t2, sizeof(t2)));
	fprintf(out, "entries: %lu/%u used (%lu expired, %lu damaged, %lu being written)\n",
		k.live, c->geom.nslots, k.expired, k.damaged, k.busy);
	cache_data_census(c, now, d);
	fprintf(out, "data entries: %lu/%u used (%lu expired, %lu damaged, %lu being written)\n",
		d[0], c->geom.ndslots, d[1], d[2], d[3]);
	fprintf(out, "hits: %llu\nmisses: %llu\nstores: %llu\n",
		(unsigned long long)atomic_load(&c->hdr->hits),
		(unsigned long long)atomic_load(&c->hdr->misses),
		(unsigned long long)atomic_load(&c->hdr->stores));
	if (k.live > 0) {
		fprintf(out, "oldest: %s %s\n", cache_time(k.oldest.stored, t1, sizeof(t1)),
			slot_names(&k.oldest, names, sizeof(names)));
		fprintf(out, "newest: %s %s\n", cache_time(k.newest.stored, t1, sizeof(t1)),
			slot_names(&k.newest, names, sizeof(names)));
	}
	print_lists(c, now, out);
	return 0;
}

/* answer_text - "127.0.0.2,127.0.0.3", "NXDOMAIN" or "NODATA" */
static const char *answer_text(const struct dns_answer *a, char *buf, size_t size)
{
	buf[0] = '\0';
	if (a->status != DNS_ANSWER)
		str_copy(buf, size, a->status == DNS_NXDOMAIN ? "NXDOMAIN" : "NODATA");
	for (unsigned i = 0; a->status == DNS_ANSWER && i < a->naddr; i++)
		str_appendf(buf, size, "%s%u.%u.%u.%u", i ? "," : "", a->addr[i] >> 24,
			    (a->addr[i] >> 16) & 255, (a->addr[i] >> 8) & 255, a->addr[i] & 255);
	return buf;
}

/* cache_dump_slots - print live entries as "list qname answer expires" */
unsigned long cache_dump_slots(const struct cache *c, time_t now, FILE *out)
{
	struct cache_slot copy;
	struct dns_answer a;
	char names[2 * CACHE_NAME_MAX + 2], text[DNS_MAX_ADDRS * 16 + 16], t[32];
	unsigned long n = 0;

	for (uint32_t i = 0; i < c->geom.nslots; i++) {
		if (cache_slot_fetch(&c->slots[i], c->seed, 0, &copy) != CACHE_RD_OK
		    || copy.expires <= (int64_t)now || !cache_slot_answer(&copy, &a))
			continue;
		fprintf(out, "%s %s %s\n", slot_names(&copy, names, sizeof(names)),
			answer_text(&a, text, sizeof(text)), cache_time(copy.expires, t, sizeof(t)));
		n++;
	}
	return n;
}

/* What a purge emptied. */
struct purged {
	long live, expired;		/* answers */
	unsigned lists;			/* failing-list records */
	unsigned health;		/* list-health records */
	char names[512];		/* their zones, comma separated */
};

/* purge_slots - empty every bucket under its lock; false if one stayed busy */
static bool purge_slots(struct cache *c, struct purged *p)
{
	struct cache_slot copy;
	time_t now = time(NULL);

	for (uint32_t b = 0; b < c->geom.nbuckets; b++) {
		if (!cache_bucket_lock(c, b, CACHE_WAIT_ADMIN))
			return msg_warn("cache %s: bucket %u stayed locked; purge incomplete",
					c->path, b), false;
		for (uint32_t w = 0; w < CACHE_WAYS; w++) {
			struct cache_slot *s = &c->slots[(size_t)b * CACHE_WAYS + w];
			enum cache_read r = cache_slot_fetch(s, c->seed, 0, &copy);

			if (r == CACHE_RD_OK)
				*(copy.expires <= (int64_t)now ? &p->expired : &p->live) += 1;
			if (r != CACHE_RD_EMPTY)
				cache_slot_clear(s);
		}
		cache_bucket_unlock(c, b);
	}
	return true;
}

/* note_list - count one failing-list record about to be forgotten */
static void note_list(const struct cache_lrec *r, struct purged *p)
{
	char zone[CACHE_NAME_MAX + 1];

	snprintf(zone, sizeof(zone), "%.*s", (int)r->zonelen, r->zone);
	str_printable(zone, sizeof(zone), zone);
	str_appendf(p->names, sizeof(p->names), "%s%s", p->lists ? ", " : "", zone);
	p->lists++;
}

/* forget_lists - empty the failing-list table under its lock */
static bool forget_lists(struct cache *c, struct purged *p)
{
	uint64_t off = c->geom.list_off, len = (uint64_t)CACHE_NLISTS * CACHE_LREC_SIZE;
	struct cache_lrec r, empty;

	if (!cache_lock(c, off, len, CACHE_WAIT_ADMIN))
		return msg_warn("cache %s: failing-list table stayed locked; not cleared",
				c->path), false;
	memset(&empty, 0, sizeof(empty));
	for (unsigned i = 0; i < CACHE_NLISTS; i++) {
		if (cache_lrec_fetch(&c->lists[i], c->seed, &r) == CACHE_RD_OK && r.zonelen > 0)
			note_list(&r, p);
		cache_lrec_store(&c->lists[i], c->seed, &empty);
	}
	cache_unlock(c, off, len);
	return true;
}

/* purge_aux - zero the aux area under its lock */
static bool purge_aux(struct cache *c)
{
	if (!cache_lock(c, c->geom.aux_off, c->geom.aux_size, CACHE_WAIT_ADMIN))
		return msg_warn("cache %s: aux area stayed locked; purge incomplete", c->path), false;
	memset(c->map + c->geom.aux_off, 0, c->geom.aux_size);
	cache_unlock(c, c->geom.aux_off, c->geom.aux_size);
	return true;
}

/* print_forgotten - the failing lists line of purge and forget-failures */
static void print_forgotten(const struct purged *p, FILE *out)
{
	if (p->lists == 0)
		fprintf(out, "failing lists: none on record\n");
	else
		fprintf(out, "forgot %u failing list%s: %s (asked again from the next request)\n",
			p->lists, p->lists == 1 ? "" : "s", p->names);
}

/* do_purge - empty entries, list records and aux area; reset counters */
static int do_purge(struct cache *c, FILE *out)
{
	struct purged p;
	bool slots, lists, aux;

	memset(&p, 0, sizeof(p));
	slots = purge_slots(c, &p) && cache_data_purge(c, &p.live, &p.expired);
	lists = forget_lists(c, &p);
	aux = purge_aux(c);
	if (cache_health_clear(c, &p.health) && p.health > 0)
		fprintf(out, "forgot the health of %u list%s (probed again from the next "
			"request)\n", p.health, p.health == 1 ? "" : "s");
	atomic_store(&c->hdr->hits, 0);
	atomic_store(&c->hdr->misses, 0);
	atomic_store(&c->hdr->stores, 0);
	atomic_store(&c->hdr->purged, (int64_t)time(NULL));
	if (slots)
		fprintf(out, "purged %ld cached answers from %s (%ld live, %ld expired)\n",
			p.live + p.expired, c->path, p.live, p.expired);
	if (lists)
		print_forgotten(&p, out);
	if (aux)
		fprintf(out, "cleared the amavis sender set (read again from the database when"
			" next needed)\n");
	return slots && lists && aux ? 0 : 1;
}

/* do_forget - `-C forget-failures`: only the failing-list memory */
static int do_forget(struct cache *c, FILE *out)
{
	struct purged p;

	memset(&p, 0, sizeof(p));
	if (!forget_lists(c, &p))
		return 1;
	print_forgotten(&p, out);
	return 0;
}

/* admin_open - open for an admin command; *rc set when it did not open */
static struct cache *admin_open(const struct cache_settings *s, bool repair, FILE *out, int *rc)
{
	struct cache *c = calloc(1, sizeof(*c));
	bool missing = false;

	if (c == NULL)
		return *rc = 1, NULL;
	str_printable(c->path, sizeof(c->path), s->file);
	if (cache_file_open(c, s, repair ? CACHE_REPAIR : CACHE_INSPECT, &missing))
		return c;
	if (missing)
		fprintf(out, "no cache file %s%s\n", c->path, repair ? ": nothing to clear" : "");
	*rc = missing && repair ? 0 : 1;
	free(c);
	return NULL;
}

/* admin_close - unmap without touching counters */
static void admin_close(struct cache *c)
{
	munmap(c->map, c->geom.file_size);
	close(c->fd);
	free(c);
}

/* cache_admin - stats, dump, purge, forget-failures */
int cache_admin(const struct cache_settings *s, const char *command, FILE *out)
{
	bool purge = strcmp(command, "purge") == 0, forget = strcmp(command, "forget-failures") == 0;
	struct cache *c;
	int rc = 0;

	if (!purge && !forget && strcmp(command, "stats") != 0 && strcmp(command, "dump") != 0
	    && strcmp(command, "lists") != 0) {
		msg_warn("unknown cache command \"%.40s\" (use stats, lists, dump, purge or"
			 " forget-failures)", command);
		return 2;
	}
	if (s->file[0] == '\0') {
		msg_warn("caching is disabled ([cache] file is empty)");
		return 1;
	}
	if ((c = admin_open(s, purge || forget, out, &rc)) == NULL)
		return rc;
	if (purge)
		rc = do_purge(c, out);
	else if (forget)
		rc = do_forget(c, out);
	else if (strcmp(command, "stats") == 0)
		rc = do_stats(c, out);
	else if (strcmp(command, "lists") == 0) {
		if (cache_health_print(c, out) == 0)
			fprintf(out, "no list health on record\n");
	}
	else {
		cache_dump_slots(c, time(NULL), out);
		cache_dump_data(c, time(NULL), out);
	}
	admin_close(c);
	return rc;
}
