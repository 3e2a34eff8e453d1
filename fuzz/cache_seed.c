/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_seed.c - write the seed corpus of fuzz/cache_fuzz.c.
 *
 * Builds a real one-bucket cache file with positive and negative entries,
 * data entries (MX, PTR, TXT) and failing-list records, then writes its
 * first bytes (header, slots, list table) behind each mode byte, the
 * header and data slots behind mode 8 (and 12, 15), plus damaged
 * variants.  The corpus
 * in fuzz/corpus/cache was made with:  fuzz/cache_seed fuzz/corpus/cache
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache_int.h"
#include "msg.h"

static unsigned char file[CACHE_HEADER_SIZE + CACHE_WAYS * CACHE_SLOT_SIZE
			  + CACHE_NLISTS * CACHE_LREC_SIZE];
/* the header and the first data slots (mode 8) */
static unsigned char data_img[CACHE_HEADER_SIZE + 4 * CACHE_DSLOT_SIZE];

/* seed - write mode byte + len bytes of img as dir/name */
static void seed(const char *dir, const char *name, unsigned mode, const void *img, size_t len)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "wb")) == NULL || fputc((int)mode, fp) == EOF
	    || fwrite(img, 1, len, fp) != len || fclose(fp) != 0)
		msg_fatal("cannot write %s", path);
}

/* put_data - an MX with a null MX among its hosts, a PTR, TXT records, an NXDOMAIN */
static void put_data(struct cache *c)
{
	static struct dns_rdata mx = {.nhost = 2, .null_mx = true, .host = {"mx1.example.com",
			"mx2.example.com"}}, ptr = {.nhost = 1, .host = {"mail.example.com"}}, txt;
	struct dns_answer a = {.status = DNS_ANSWER, .ttl = 300}, nx = {.status = DNS_NXDOMAIN, .ttl = 60};
	static const char rec[] = "v=spf1 include:_spf.example.com -all\0other text\0";

	memcpy(txt.txt, rec, sizeof(rec) - 1);
	txt.txtlen = sizeof(rec) - 1;
	txt.ntxt = 2;
	cache_put_data(c, "check:mx", "example.com", &a, &mx, false, 1700000000 - 100);
	cache_put_data(c, "check:ptr", "1.2.0.192.in-addr.arpa", &a, &ptr, false, 1700000000 - 100);
	cache_put_data(c, "check:txt", "example.com", &a, &txt, true, 1700000000 - 100);
	cache_put_data(c, "check:txt", "none.example.com", &nx, &txt, true, 1700000000 - 10);
	if (!cache_get_data(c, "check:txt", "example.com", 1700000000, &a, &txt) || txt.ntxt != 2)
		msg_fatal("the data entries did not go in");
}

/* read_data - the header and the first data slots of the file into data_img */
static void read_data(FILE *fp)
{
	struct cache_geom g;
	size_t n = sizeof(data_img) - CACHE_HEADER_SIZE;

	cache_geom_make(8, &g);
	memcpy(data_img, file, CACHE_HEADER_SIZE);
	if (fseek(fp, (long)g.data_off, SEEK_SET) != 0
	    || fread(data_img + CACHE_HEADER_SIZE, 1, n, fp) != n)
		msg_fatal("cannot read the data slots");
}

/* make_file - a real cache file with a few entries, read into `file` */
static void make_file(const char *tmp)
{
	struct cache_settings s = {.size = 8, .max_ttl = 86400, .fail_ttl = 600};
	struct dns_answer a = {.status = DNS_ANSWER, .naddr = 2, .addr = {0x7f000a00, 0x7f000201}, .ttl = 300};
	struct dns_answer nx = {.status = DNS_NXDOMAIN, .ttl = 60}, nd = {.status = DNS_NODATA, .ttl = 60};
	struct cache *c;
	FILE *fp;

	snprintf(s.file, sizeof(s.file), "%s/seed.db", tmp);
	if ((c = cache_open(&s)) == NULL)
		msg_fatal("cannot create %s", s.file);
	cache_put(c, "swl.test", "1.2.0.192.swl.test", &a, 1700000000 - 100);
	cache_put(c, "swl.test", "20.2.0.192.swl.test", &nx, 1700000000 - 10);
	cache_put(c, "dwl.test", "example.com.dwl.test", &nd, 1700000000 - 10);
	put_data(c);
	cache_list_result(c, "dead.test", DNS_TIMEOUT, 1700000000 - 5);
	cache_list_result(c, "dead.test", DNS_TIMEOUT, 1700000000 - 4);
	cache_close(c);
	if ((fp = fopen(s.file, "rb")) == NULL || fread(file, 1, sizeof(file), fp) != sizeof(file))
		msg_fatal("cannot read %s", s.file);
	read_data(fp);
	fclose(fp);
	unlink(s.file);
}

int main(int argc, char **argv)
{
	char tmp[] = "/tmp/cache_seed.XXXXXX";
	struct cache_header h;

	msg_init("cache_seed", MSG_STDERR, 0);
	if (argc != 2 || mkdtemp(tmp) == NULL)
		msg_fatal("usage: cache_seed DIR");
	make_file(tmp);
	rmdir(tmp);
	seed(argv[1], "valid-raw", 0, file, sizeof(file));
	seed(argv[1], "valid-fix-records", 4, file, sizeof(file));
	seed(argv[1], "valid-fix-all", 7, file, sizeof(file));
	seed(argv[1], "data-raw", 8, data_img, sizeof(data_img));
	seed(argv[1], "data-fix-records", 12, data_img, sizeof(data_img));
	seed(argv[1], "data-fix-all", 15, data_img, sizeof(data_img));
	seed(argv[1], "header-only", 0, file, CACHE_HEADER_SIZE);
	seed(argv[1], "truncated-header", 0, file, 100);
	memcpy(&h, file, sizeof(h));
	h.version = 0;
	seed(argv[1], "older-version", 0, &h, sizeof(h));
	h.version = CACHE_VERSION;
	h.nbuckets = 3;
	seed(argv[1], "damaged-header", 0, &h, sizeof(h));
	seed(argv[1], "inconsistent-geometry", 1, &h, sizeof(h));
	memset(file, 0, 64);
	memcpy(file, "SQLite format 3", 16);
	seed(argv[1], "foreign-sqlite", 0, file, 200);
	seed(argv[1], "empty", 0, "", 0);
	return 0;
}
