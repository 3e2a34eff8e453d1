/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_data_unit.c - unit tests of the cache's data slots (TAP): MX,
 * PTR and TXT answers stored and hit with their names and text,
 * negative answers, failures and unfit answers not stored, sharing
 * between handles, damage and dead writers never giving an answer,
 * eviction, dump, stats and purge.
 */
#include "config.h"

#include <arpa/nameser.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "cache_int.h"
#include "msg.h"
#include "cache_tap.h"
#include "cache_testlib.h"

static time_t now;
static struct dns_rdata mx, txt, got;

/* fill - an MX answer with a null MX among two hosts, a TXT of max size */
static void fill(void)
{
	memset(&mx, 0, sizeof(mx));
	mx.nhost = 2;
	mx.null_mx = true;
	strcpy(mx.host[0], "mx1.example.com");
	strcpy(mx.host[1], "mx2.example.com");
	memset(&txt, 0, sizeof(txt));
	memset(txt.txt, 'a', sizeof(txt.txt));
	strcpy(txt.txt, "v=spf1 -all");	/* record 1, then one filling the rest */
	txt.txt[sizeof(txt.txt) - 1] = '\0';
	txt.txtlen = sizeof(txt.txt);
	txt.ntxt = 2;
}

/* dslot_of - white box: the data slot holding qname, or NULL */
static struct cache_dslot *dslot_of(struct cache *c, const char *qname)
{
	for (uint32_t i = 0; i < c->geom.ndslots; i++) {
		struct cache_dslot *d = &c->dslots[i];

		if (d->keylen > d->listlen && (size_t)(d->keylen - d->listlen) == strlen(qname)
		    && memcmp(d->key + d->listlen, qname, strlen(qname)) == 0)
			return d;
	}
	return NULL;
}

/* test_round_trip - what goes in comes out */
static void test_round_trip(struct cache *c, struct cache *c2)
{
	struct dns_answer a = answer_neg(DNS_ANSWER, 300), r;

	ok(!cache_get_data(c, "check:mx", "example.com", now, &r, &got), "miss before put");
	cache_put_data(c, "check:mx", "example.com", &a, &mx, false, now);
	ok(cache_get_data(c2, "check:mx", "Example.COM", now, &r, &got) && r.status == DNS_ANSWER
	   && r.naddr == 0 && r.ttl == 300 && got.nhost == 2 && got.null_mx
	   && strcmp(got.host[1], "mx2.example.com") == 0,
	   "MX hosts and the null MX come back, in another handle too");
	cache_put_data(c, "check:txt", "example.com", &a, &txt, true, now);
	ok(cache_get_data(c, "check:txt", "example.com", now, &r, &got) && got.ntxt == 2
	   && got.txtlen == sizeof(got.txt) && memcmp(got.txt, txt.txt, sizeof(txt.txt)) == 0,
	   "TXT records of DNS_TXT_MAX bytes come back whole");
	ok(cache_get_data(c, "check:mx", "example.com", now, &r, &got) && got.nhost == 2,
	   "MX and TXT of one name are separate entries");
	ok(!cache_get(c, "check:mx", "example.com", now, &r, NULL),
	   "a data entry is never an address answer");
	ok(!cache_get_data(c, "check:txt", "example.com", now + 300, &r, &got),
	   "expired at its TTL");
}

/* test_negative - NXDOMAIN and NODATA stored, failures and unfit answers not */
static void test_negative(struct cache *c)
{
	struct dns_answer nx = answer_neg(DNS_NXDOMAIN, 60), fail = answer_neg(DNS_SERVFAIL, 60), r;
	struct dns_answer a = answer_neg(DNS_ANSWER, 60);
	static struct dns_rdata empty, many;

	cache_put_data(c, "check:txt", "none.example.com", &nx, &empty, true, now);
	ok(cache_get_data(c, "check:txt", "none.example.com", now, &r, &got)
	   && r.status == DNS_NXDOMAIN && got.ntxt == 0 && got.nhost == 0, "NXDOMAIN stored");
	cache_put_data(c, "check:ptr", "9.2.0.192.in-addr.arpa", &fail, &empty, false, now);
	ok(!cache_get_data(c, "check:ptr", "9.2.0.192.in-addr.arpa", now, &r, &got),
	   "SERVFAIL not stored");
	cache_put_data(c, "check:mx", "nothing.example.com", &a, &empty, false, now);
	ok(!cache_get_data(c, "check:mx", "nothing.example.com", now, &r, &got),
	   "an answer with no name is not stored");
	many.ntxt = 300;
	memset(many.txt, 0, 300);
	many.txtlen = 300;
	cache_put_data(c, "check:txt", "many.example.com", &a, &many, true, now);
	ok(!cache_get_data(c, "check:txt", "many.example.com", now, &r, &got),
	   "more than 255 TXT records: not stored");
}

/* test_damage - torn, damaged or inconsistent data slots miss */
static void test_damage(struct cache *c)
{
	struct dns_answer a = answer_neg(DNS_ANSWER, 300), r;
	struct cache_dslot *d;

	cache_put_data(c, "check:mx", "hurt.example.com", &a, &mx, false, now);
	ok((d = dslot_of(c, "hurt.example.com")) != NULL, "white box: data slot found");
	if (d == NULL)
		return;
	d->data[3] ^= 1;
	ok(!cache_get_data(c, "check:mx", "hurt.example.com", now, &r, &got),
	   "a changed name behind the checksum's back misses");
	d->data[3] ^= 1;
	atomic_fetch_add(&d->seq, 1);
	ok(!cache_get_data(c, "check:mx", "hurt.example.com", now, &r, &got),
	   "a data slot left odd by a dead writer misses");
	cache_put_data(c, "check:mx", "hurt.example.com", &a, &mx, false, now);
	ok(cache_get_data(c, "check:mx", "hurt.example.com", now, &r, &got), "the next put repairs it");
	d->nitems = 3;		/* more names than the data holds, checksum made right */
	d->check = cache_dslot_sum(c->seed, d);
	ok(!cache_get_data(c, "check:mx", "hurt.example.com", now, &r, &got),
	   "names that do not match their count miss, even with a right checksum");
	d->nitems = 2;
	d->data[d->datalen - 1] = 'x';	/* the last name unterminated */
	d->check = cache_dslot_sum(c->seed, d);
	ok(!cache_get_data(c, "check:mx", "hurt.example.com", now, &r, &got),
	   "an unterminated name misses");
	cache_put_data(c, "check:mx", "hurt.example.com", &a, &mx, false, now);
	ok(cache_get_data(c, "check:mx", "hurt.example.com", now, &r, &got), "repaired again");
}

/* test_evict - a full data bucket gives up an entry; the rest hit */
static void test_evict(struct cache *c)
{
	struct dns_answer a = answer_neg(DNS_ANSWER, 600), r;
	char name[64];
	unsigned hits = 0, n = 2 * c->geom.ndslots;

	for (unsigned i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "e%u.example.com", i);
		cache_put_data(c, "check:txt", name, &a, &txt, true, now + 1);
	}
	for (unsigned i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "e%u.example.com", i);
		hits += cache_get_data(c, "check:txt", name, now + 1, &r, &got)
		    && memcmp(got.txt, txt.txt, sizeof(txt.txt)) == 0;
	}
	ok(hits >= c->geom.ndslots / 2 && hits <= c->geom.ndslots,
	   "%u data slots, %u keys stored: %u hit, every one right", c->geom.ndslots, n, hits);
}

/* test_admin - dump, stats, purge see the data entries */
static void test_admin(struct cache *c, const struct cache_settings *s)
{
	struct dns_answer a = answer_neg(DNS_ANSWER, 300), r;
	static char out[1 << 20];
	FILE *fp;

	cache_put_data(c, "check:mx", "dump.example.com", &a, &mx, false, now);
	fp = fmemopen(out, sizeof(out), "w");
	ok(cache_admin(s, "dump", fp) == 0, "dump");
	fclose(fp);
	ok(strstr(out, "check:mx dump.example.com names:.,mx1.example.com,mx2.example.com ") != NULL,
	   "dump prints an MX entry");
	fp = fmemopen(out, sizeof(out), "w");
	ok(cache_admin(s, "stats", fp) == 0, "stats");
	fclose(fp);
	ok(strstr(out, "\ndata entries: ") != NULL
	   && strstr(out, "/64 used (0 expired, 0 damaged, 0 being written)\n") != NULL,
	   "stats counts the data entries");
	fp = fmemopen(out, sizeof(out), "w");
	ok(cache_admin(s, "purge", fp) == 0, "purge");
	fclose(fp);
	ok(!cache_get_data(c, "check:mx", "dump.example.com", now, &r, &got),
	   "purge empties the data slots");
}

int main(void)
{
	struct cache_settings s;
	struct cache *c, *c2;

	msg_init("cache_data_unit", MSG_STDERR, 0);
	log_capture();
	test_setup_dir("cache_data_unit");
	now = time(NULL);
	fill();
	s = test_settings("cache.db", 1000);
	c = cache_open(&s);
	c2 = cache_open(&s);
	if (c == NULL || c2 == NULL) {
		printf("Bail out! cannot create a cache\n");
		return 1;
	}
	ok(c->geom.ndslots == 64, "1000 entries: %u data slots", c->geom.ndslots);
	test_round_trip(c, c2);
	test_negative(c);
	test_damage(c);
	test_evict(c);
	test_admin(c, &s);
	cache_close(c2);
	cache_close(c);
	test_cleanup_dir();
	return tap_done();
}
