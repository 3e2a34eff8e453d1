/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_seed.c - write the seed corpus of fuzz/cache_fuzz.c.
 *
 * Builds a real one-bucket cache file with positive and negative entries
 * and failing-list records, then writes its first bytes (header, slots,
 * list table) behind each mode byte, plus damaged variants.  The corpus
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
	cache_list_result(c, "dead.test", DNS_TIMEOUT, 1700000000 - 5);
	cache_list_result(c, "dead.test", DNS_TIMEOUT, 1700000000 - 4);
	cache_close(c);
	if ((fp = fopen(s.file, "rb")) == NULL || fread(file, 1, sizeof(file), fp) != sizeof(file))
		msg_fatal("cannot read %s", s.file);
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
