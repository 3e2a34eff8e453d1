/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_damage.c - damaged cache files and untrusted ones (TAP).
 *
 * Every damaged case must be detected and logged, then rebuilt (our own
 * damaged file) or left alone while running uncached (a foreign file or
 * a newer format); never a crash, never an answer that was not stored.
 * Permission refusals: group/other-writable or foreign-owned file or
 * directory, symbolic links.  Ownership cases need root (chown to
 * nobody) and are skipped visibly otherwise.
 */
#include "config.h"

#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache_int.h"
#include "msg.h"
#include "cache_tap.h"
#include "cache_testlib.h"

#define NKEYS 600

static time_t now;
static FILE *devnull;

/* known - the value stored for key i: TTL over a year, so nothing expires */
static uint32_t known(unsigned i)
{
	return 0x2000000u | i;
}

/* fill - a valid cache of `size` entries holding NKEYS known answers */
static struct cache_settings fill(const char *name, unsigned long size)
{
	struct cache_settings s = test_settings(name, size);
	struct cache *c;
	char list[64], q[128];

	s.max_ttl = UINT32_MAX;
	c = cache_open(&s);
	for (unsigned i = 0; i < NKEYS; i++) {
		struct dns_answer a = answer_for(known(i));

		key_names(i, list, q);
		cache_put(c, list, q, &a, now);
	}
	cache_close(c);
	return s;
}

/* verify - every key misses or gives exactly what was stored; counts hits */
static bool verify(struct cache *c, unsigned *hits)
{
	char list[64], q[128];
	bool good = true;

	*hits = 0;
	for (unsigned i = 0; i < NKEYS; i++) {
		struct dns_answer want = answer_for(known(i)), got;

		key_names(i, list, q);
		if (!cache_get(c, list, q, now, &got, NULL))
			continue;
		++*hits;
		if (!same_answer(&got, &want) || got.ttl != want.ttl) {
			tap_diag("key %u: wrong answer", i);
			good = false;
		}
	}
	return good;
}

/* patch - overwrite bytes of a file */
static void patch(const char *path, off_t off, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || pwrite(fd, data, len, off) != (ssize_t)len)
		tap_diag("patch %s failed", path);
	close(fd);
}

/* header - read or write a file's header */
static void header(const char *path, struct cache_header *h, bool write)
{
	int fd = open(path, write ? O_WRONLY : O_RDONLY);

	if (fd < 0 || (write ? pwrite(fd, h, sizeof(*h), 0) : pread(fd, h, sizeof(*h), 0))
	    != (ssize_t)sizeof(*h))
		tap_diag("header %s failed", path);
	close(fd);
}

/* file_sum - hash of a whole file, to prove it was left alone */
static uint64_t file_sum(const char *path)
{
	char buf[65536];
	uint64_t h = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		h = cache_hash(h, buf, (size_t)n) ^ h;
	close(fd);
	return h;
}

/* reopen_rebuilds - opening logs `reason` and "rebuilding", and then works */
static void reopen_rebuilds(const struct cache_settings *s, const char *reason, const char *what)
{
	struct cache *c;
	unsigned hits = 0;
	struct dns_answer a = answer_a(1, 1, 60), got;

	log_mark();
	c = cache_open(s);
	ok(c != NULL && log_has(reason) && log_has("rebuilding it"), "%s: detected, logged, rebuilt", what);
	ok(c != NULL && verify(c, &hits) && hits == 0, "%s: no old answer served", what);
	cache_put(c, "swl.test", "x.swl.test", &a, now);
	ok(cache_get(c, "swl.test", "x.swl.test", now, &got, NULL), "%s: the new file works", what);
	cache_close(c);
}

/* bypassed - opening refuses, logs `reason`, and leaves the file as it was */
static void bypassed(const struct cache_settings *s, const char *reason, const char *what)
{
	uint64_t before = file_sum(s->file);
	struct cache *c;

	log_mark();
	c = cache_open(s);
	ok(c == NULL && log_has(reason) && log_has("running uncached"), "%s: refused, logged, uncached", what);
	ok(file_sum(s->file) == before, "%s: file left alone", what);
	cache_close(c);
}

/* test_truncated - empty, short, cut inside the header, too long */
static void test_truncated(void)
{
	struct cache_settings s = fill("t.db", 1000);
	struct cache_header h;

	char stale[300], young[300];
	struct timespec old[2] = {{.tv_sec = now - 3600}, {.tv_sec = now - 3600}};

	snprintf(stale, sizeof(stale), "%s/.t.db.0123456789abcdef", test_dir);
	snprintf(young, sizeof(young), "%s/.t.db.fedcba9876543210", test_dir);
	close(open(stale, O_WRONLY | O_CREAT, 0600));
	close(open(young, O_WRONLY | O_CREAT, 0600));
	utimensat(AT_FDCWD, stale, old, 0);
	ok(truncate(s.file, 0) == 0, "truncated to 0 bytes");
	reopen_rebuilds(&s, "empty file", "empty file");
	ok(access(stale, F_OK) != 0 && access(young, F_OK) == 0,
	   "a rebuild removes an old temporary file left by a killed rebuild, not a young one");
	unlink(young);
	s = fill("t.db", 1000);
	ok(truncate(s.file, 200000) == 0, "truncated to 200000 bytes");
	reopen_rebuilds(&s, "truncated (200000 of", "truncated file");
	s = fill("t.db", 1000);
	ok(truncate(s.file, 100) == 0, "truncated inside the header");
	reopen_rebuilds(&s, "truncated inside the header", "truncated header");
	s = fill("t.db", 1000);
	header(s.file, &h, false);
	ok(truncate(s.file, (off_t)h.file_size + 4096) == 0, "grown by 4096 bytes");
	reopen_rebuilds(&s, "header says", "file longer than its header says");
}

/* test_header - versions, checksum, geometry */
static void test_header(void)
{
	struct cache_settings s = fill("h.db", 1000);
	struct cache_header h;

	header(s.file, &h, false);
	h.version = 0;
	header(s.file, &h, true);
	reopen_rebuilds(&s, "older format version 0", "older format version");
	s = fill("h.db", 1000);
	header(s.file, &h, false);
	h.version = 99;
	header(s.file, &h, true);
	bypassed(&s, "newer format version 99", "newer format version");
	unlink(s.file);
	s = fill("h.db", 1000);
	header(s.file, &h, false);
	h.nbuckets ^= 4;
	header(s.file, &h, true);
	reopen_rebuilds(&s, "damaged header (checksum mismatch)", "header with a flipped bit");
	s = fill("h.db", 1000);
	header(s.file, &h, false);
	h.slot_off += 64;
	h.check = cache_fmt_header_sum(&h);
	header(s.file, &h, true);
	reopen_rebuilds(&s, "inconsistent geometry", "header with consistent checksum, wrong layout");
}

/* test_foreign - random bytes and another program's file */
static void test_foreign(void)
{
	struct cache_settings s = test_settings("f.db", 1000);
	unsigned char buf[8192];
	int fd;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(mix32((uint32_t)i) >> 7);
	fd = open(s.file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ok(fd >= 0 && write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf), "random bytes written");
	close(fd);
	bypassed(&s, "not a dnswl cache file", "random bytes");
	memcpy(buf, "SQLite format 3", 16);
	patch(s.file, 0, buf, sizeof(buf));
	bypassed(&s, "not a dnswl cache file", "an SQLite database");
	unlink(s.file);
}

/* test_slots - random damage inside a valid file: misses, never wrong */
static void test_slots(void)
{
	struct cache_settings s = fill("s.db", 4000);
	struct cache_header h;
	struct cache *c;
	unsigned hits = 0, hits0 = 0;
	unsigned char junk[640];
	bool good = true;
	char out[4096];
	const char *paren;
	FILE *fp;

	c = cache_open(&s);
	ok(c != NULL && verify(c, &hits0) && hits0 == NKEYS, "all %u keys hit before damage", NKEYS);
	cache_close(c);
	header(s.file, &h, false);
	for (unsigned i = 0; i < 300; i++) {	/* every other slot: one flipped byte or junk */
		uint32_t r = mix32(i);
		off_t slot = (off_t)(h.slot_off + (uint64_t)(i * 2 % (h.nbuckets * CACHE_WAYS)) * CACHE_SLOT_SIZE);

		for (size_t j = 0; j < sizeof(junk); j++)
			junk[j] = (unsigned char)mix32(r + (uint32_t)j);
		if (i % 2)
			patch(s.file, slot + 8 + r % (CACHE_SLOT_FIXED + 60 - 8), junk, 1);
		else
			patch(s.file, slot, junk, sizeof(junk));
	}
	patch(s.file, (off_t)h.list_off, junk, sizeof(junk));
	c = cache_open(&s);
	good = c != NULL && verify(c, &hits);
	ok(good && hits < hits0, "damaged slots: %u of %u keys still hit, none wrong", hits, hits0);
	ok(!cache_list_skipped(c, "swl.test", now, NULL), "damaged list table: nothing skipped");
	fp = fmemopen(out, sizeof(out), "w");
	ok(cache_admin(&s, "stats", fp) == 0, "stats on a damaged file");
	fclose(fp);
	paren = strstr(out, "\nentries: ");
	paren = paren != NULL ? strchr(paren, '(') : NULL;
	ok(paren != NULL && strstr(paren, " damaged,") != NULL
	   && strncmp(paren, "(0 expired, 0 damaged", 21) != 0, "stats counts damaged entries");
	fill("s.db", 4000);
	ok(verify(c, &hits) && hits == NKEYS, "stores repaired every key");
	cache_close(c);
}

/* test_resize - size change rebuilds; an old mapping stays usable */
static void test_resize(void)
{
	struct cache_settings s = fill("r.db", 1000), s2 = s;
	struct cache *old = cache_open(&s), *c;
	struct dns_answer a = answer_a(2, 3, 60), got;
	struct cache_header h;

	s2.size = 2000;
	reopen_rebuilds(&s2, "size changed from 1000 to 2000 entries", "size change");
	cache_put(old, "swl.test", "old.swl.test", &a, now);
	ok(cache_get(old, "swl.test", "old.swl.test", now, &got, NULL),
	   "a process mapping the replaced file goes on safely");
	cache_close(old);
	c = cache_open(&s2);
	ok(c != NULL && !cache_get(c, "swl.test", "old.swl.test", now, &got, NULL),
	   "the new file does not have it");
	cache_close(c);
	header(s.file, &h, false);
	h.nbuckets ^= 1;
	header(s.file, &h, true);
	log_mark();
	ok(cache_admin(&s, "stats", devnull) == 1 && log_has("damaged header"),
	   "stats on a damaged file: status 1, says why");
	ok(cache_admin(&s, "purge", devnull) == 0 && (c = cache_open(&s)) != NULL,
	   "purge rebuilds a damaged file");
	cache_close(c);
}

/* test_modes - writable by others, symbolic links, not a file */
static void test_modes(void)
{
	struct cache_settings s = fill("m/c.db", 1000), s2;
	struct cache *c;
	char dir[300], link[300];

	snprintf(dir, sizeof(dir), "%s/m", test_dir);
	chmod(dir, 0777);
	bypassed(&s, "directory is writable by group or others (mode 0777)", "directory 0777");
	chmod(dir, 0770);
	bypassed(&s, "directory is writable by group or others (mode 0770)", "directory 0770");
	chmod(dir, 0700);
	chmod(s.file, 0666);
	bypassed(&s, "file is writable by group or others (mode 0666)", "file 0666");
	chmod(s.file, 0620);
	bypassed(&s, "file is writable by group or others (mode 0620)", "file 0620");
	chmod(s.file, 0644);
	c = cache_open(&s);
	ok(c != NULL, "file 0644 (readable by others) is accepted");
	cache_close(c);
	chmod(s.file, 0600);
	s2 = test_settings("m/link.db", 1000);
	ok(symlink(s.file, s2.file) == 0, "symlink to the cache made");
	bypassed(&s2, "symbolic link", "cache file is a symbolic link");
	snprintf(link, sizeof(link), "%s/mlink", test_dir);
	ok(symlink(dir, link) == 0, "symlink to the directory made");
	s2 = test_settings("mlink/c.db", 1000);
	bypassed(&s2, "symbolic link", "cache directory is a symbolic link");
	s2 = test_settings("m/fifo", 1000);
	ok(mkfifo(s2.file, 0600) == 0, "FIFO made");
	log_mark();
	ok(cache_open(&s2) == NULL && log_has("not a regular file"), "a FIFO is refused without blocking");
	s2 = test_settings("no/such/dir/c.db", 1000);
	log_mark();
	ok(cache_open(&s2) == NULL && log_has("cannot create directory"), "missing parent directory");
}

/* test_owner - owned by another user (root only) */
static void test_owner(void)
{
	struct passwd *pw = getpwnam("nobody");
	struct cache_settings s;
	char dir[300], out[4096];
	struct stat st;
	FILE *fp;

	if (geteuid() != 0 || pw == NULL) {
		for (int i = 0; i < 4; i++)
			tap_skip("owned by another user", "needs root and a user nobody");
		return;
	}
	s = fill("o/c.db", 1000);
	snprintf(dir, sizeof(dir), "%s/o", test_dir);
	ok(chown(s.file, pw->pw_uid, pw->pw_gid) == 0, "file given to nobody");
	bypassed(&s, "file is owned by nobody (uid ", "file owned by another user");
	fp = fmemopen(out, sizeof(out), "w");
	ok(cache_admin(&s, "stats", fp) == 0, "root may still inspect it with stats");
	fclose(fp);
	chown(s.file, 0, 0);
	ok(chown(dir, pw->pw_uid, pw->pw_gid) == 0, "directory given to nobody");
	bypassed(&s, "directory is owned by nobody (uid ", "directory owned by another user");
	chown(s.file, pw->pw_uid, pw->pw_gid);
	truncate(s.file, 0);
	fp = fmemopen(out, sizeof(out), "w");
	ok(cache_admin(&s, "purge", fp) == 0 && stat(s.file, &st) == 0 && st.st_uid == pw->pw_uid,
	   "root's purge rebuilds a user's damaged cache for that user");
	fclose(fp);
}

int main(void)
{
	msg_init("cache_damage", MSG_STDERR, 0);
	log_capture();
	test_setup_dir("cache_damage");
	now = time(NULL);
	devnull = fopen("/dev/null", "w");
	test_truncated();
	test_header();
	test_foreign();
	test_slots();
	test_resize();
	test_modes();
	test_owner();
	test_cleanup_dir();
	return tap_done();
}
