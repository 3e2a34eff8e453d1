/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns_seed.c - write the seed corpus of fuzz/dns_fuzz.c: raw DNS replies.
 *
 * Each file is one reply packet of the kinds a list server sends (A
 * answers, CNAME chains, NXDOMAIN and NODATA with an SOA, failure
 * rcodes) and of the kinds only a broken or hostile one does (bad
 * rdlength, compression loops, counts beyond the data).  The corpus in
 * fuzz/corpus/dns was made with:  fuzz/dns_seed fuzz/corpus/dns
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pkt {
	unsigned char b[2048];
	size_t n;
};

/* put - append bytes */
static void put(struct pkt *p, const void *data, size_t len)
{
	if (p->n + len > sizeof(p->b))
		abort();
	memcpy(p->b + p->n, data, len);
	p->n += len;
}

/* put16 / put32 - append big-endian numbers */
static void put16(struct pkt *p, unsigned v)
{
	unsigned char b[2] = {(unsigned char) (v >> 8), (unsigned char) v};

	put(p, b, 2);
}

static void put32(struct pkt *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p, v & 0xffff);
}

/* header - id 0x1234, QR RD RA, rcode; the four section counts */
static void header(struct pkt *p, unsigned rcode, unsigned qd, unsigned an, unsigned ns)
{
	p->n = 0;
	put16(p, 0x1234);
	put16(p, 0x8180 | rcode);
	put16(p, qd);
	put16(p, an);
	put16(p, ns);
	put16(p, 0);
}

/* question - 2.0.0.127.list.test A IN (at offset 12: pointer 0xc00c) */
static void question(struct pkt *p)
{
	put(p, "\0012\0010\0010\003127\004list\004test", 20);
	put(p, "", 1);
	put16(p, 1);
	put16(p, 1);
}

/* rr - owner pointer, type, class IN, ttl, rdata */
static void rr(struct pkt *p, unsigned owner, unsigned type, uint32_t ttl,
	       const void *rdata, unsigned rdlen)
{
	put16(p, owner);
	put16(p, type);
	put16(p, 1);
	put32(p, ttl);
	put16(p, rdlen);
	put(p, rdata, rdlen);
}

/* soa - the zone's SOA with the given TTL and minimum */
static void soa(struct pkt *p, uint32_t ttl, uint32_t minimum)
{
	struct pkt r = {.n = 0};

	put(&r, "\002ns\300\026", 5);		/* ns.list.test (0xc016: "list") */
	put(&r, "\012hostmaster\300\026", 13);
	put32(&r, 2026120101);
	put32(&r, 3600);
	put32(&r, 600);
	put32(&r, 86400);
	put32(&r, minimum);
	rr(p, 0xc016, 6, ttl, r.b, (unsigned) r.n);
}

/* save - write the packet as dir/name */
static void save(const char *dir, const char *name, const struct pkt *p)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "wb")) == NULL || fwrite(p->b, 1, p->n, fp) != p->n
	    || fclose(fp) != 0) {
		perror(path);
		exit(1);
	}
}

/* answers - positive replies */
static void answers(const char *dir, struct pkt *p)
{
	header(p, 0, 1, 1, 0);
	question(p);
	rr(p, 0xc00c, 1, 300, "\177\0\002\001", 4);
	save(dir, "a-one", p);
	header(p, 0, 1, 2, 0);
	question(p);
	rr(p, 0xc00c, 1, 300, "\177\0\002\001", 4);
	rr(p, 0xc00c, 1, 60, "\177\0\012\003", 4);
	save(dir, "a-two-ttls", p);
	header(p, 0, 1, 2, 0);
	question(p);
	rr(p, 0xc00c, 5, 300, "\001x\300\026", 4);		/* CNAME x.list.test */
	rr(p, 0xc000 | (12 + 21 + 4 + 12), 1, 300, "\177\0\0\002", 4);	/* owner: the CNAME target */
	save(dir, "cname-then-a", p);
	header(p, 0, 1, 20, 0);
	question(p);
	for (unsigned i = 0; i < 20; i++)
		rr(p, 0xc00c, 1, 100 + i, (unsigned char[]) {127, 0, 2, (unsigned char) i}, 4);
	save(dir, "a-twenty", p);
	header(p, 0, 1, 1, 0);
	question(p);
	rr(p, 0xc00c, 16, 300, "\004text", 5);
	save(dir, "txt-only", p);
}

/* negatives - NXDOMAIN, NODATA and failure rcodes */
static void negatives(const char *dir, struct pkt *p)
{
	header(p, 3, 1, 0, 1);
	question(p);
	soa(p, 120, 60);
	save(dir, "nxdomain-soa", p);
	header(p, 3, 1, 0, 0);
	question(p);
	save(dir, "nxdomain-bare", p);
	header(p, 0, 1, 0, 1);
	question(p);
	soa(p, 30, 900);
	save(dir, "nodata-soa", p);
	header(p, 2, 1, 0, 0);
	question(p);
	save(dir, "servfail", p);
	header(p, 5, 1, 0, 0);
	question(p);
	save(dir, "refused", p);
	header(p, 1, 0, 0, 0);
	save(dir, "formerr-header-only", p);
}

/* broken - replies no good server sends */
static void broken(const char *dir, struct pkt *p)
{
	header(p, 0, 1, 1, 0);
	question(p);
	rr(p, 0xc00c, 1, 300, "\177\0\002\001\005", 5);
	save(dir, "a-rdlen-five", p);
	header(p, 0, 1, 2, 0);
	question(p);
	rr(p, 0xc00c, 1, 300, "\177\0\002\001", 4);
	save(dir, "count-beyond-data", p);
	header(p, 0, 1, 1, 0);
	question(p);
	rr(p, 0xc000 | (unsigned) p->n, 1, 300, "\177\0\002\001", 4);	/* points at itself */
	save(dir, "compression-loop", p);
	header(p, 3, 1, 0, 1);
	question(p);
	rr(p, 0xc016, 6, 300, "\0\0\0\0\0\0\0\0", 8);
	save(dir, "soa-short-rdata", p);
	header(p, 0, 1, 1, 0);
	p->n = 11;
	save(dir, "short-header", p);
}

int main(int argc, char **argv)
{
	static struct pkt p;

	if (argc != 2) {
		fprintf(stderr, "usage: dns_seed DIR\n");
		return 2;
	}
	answers(argv[1], &p);
	negatives(argv[1], &p);
	broken(argv[1], &p);
	return 0;
}
