/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_unit.c - unit tests of the amavis SQL writer's pure parts:
 * DSN parsing, amavis lookup keys, wb formatting, the shared sender set.
 * Prints TAP.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amavis.h"
#include "amavis_addr.h"
#include "amavis_dsn.h"
#include "amavis_set.h"
#include "msg.h"
#include "str.h"

static int ntest, nfail;

/* ok - one TAP line (control bytes in the description shown as '?') */
static void ok(int cond, const char *fmt, ...)
{
	char raw[1024], line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	str_printable(line, sizeof(line), raw);
	printf("%sok %d - %s\n", cond ? "" : "not ", ++ntest, line);
	nfail += !cond;
}

/* dsn_ok - parse and compare the interesting fields */
static void dsn_ok(const char *text, enum amavis_driver drv, const char *host, unsigned port,
		   const char *user, const char *pass, const char *db, const char *dir)
{
	struct amavis_dsn d;
	char err[256] = "";
	bool parsed = amavis_dsn_parse(text, &d, err, sizeof(err));

	ok(parsed && d.driver == drv && strcmp(d.host, host) == 0 && d.port == port
	   && strcmp(d.user, user) == 0 && strcmp(d.password, pass) == 0
	   && strcmp(d.dbname, db) == 0 && strcmp(d.dbdir, dir) == 0,
	   "dsn %s parses (%s)", text, err);
}

/* dsn_bad - must be refused, with a reason naming the problem */
static void dsn_bad(const char *text, const char *reason)
{
	char err[256] = "";

	ok(!amavis_dsn_check(text, err, sizeof(err)) && strstr(err, reason) != NULL,
	   "dsn '%s' refused: %s", text, err);
}

static void test_dsn(void)
{
	struct amavis_dsn d;
	char buf[512], err[256];

	dsn_ok("sqlite:///var/lib/dnswl/amavis.db", AMAVIS_SQLITE3, "", 0, "", "", "amavis.db", "/var/lib/dnswl");
	dsn_ok("sqlite3:///a.db", AMAVIS_SQLITE3, "", 0, "", "", "a.db", "/");
	dsn_ok("postgresql://dnswl:p%40ss%3Aw%2Frd@db.example:5433/amavis", AMAVIS_PGSQL,
	       "db.example", 5433, "dnswl", "p@ss:w/rd", "amavis", "");
	dsn_ok("pgsql://u@[::1]:5432/a", AMAVIS_PGSQL, "::1", 5432, "u", "", "a", "");
	dsn_ok("postgres:///amavis", AMAVIS_PGSQL, "", 0, "", "", "amavis", "");
	dsn_ok("mysql://root:secret@localhost/amavis", AMAVIS_MYSQL, "localhost", 0, "root", "secret", "amavis", "");
	dsn_ok("mysql+mysqldb://u:p@127.0.0.1:3307/db", AMAVIS_MYSQL, "127.0.0.1", 3307, "u", "p", "db", "");
	dsn_ok("MySQL://u:p:q@h/db", AMAVIS_MYSQL, "h", 0, "u", "p:q", "db", "");
	dsn_bad("", "empty");
	dsn_bad("sqlite://relative.db", "absolute");
	dsn_bad("sqlite:///var/lib/", "directory");
	dsn_bad("oracle://u:p@h/db", "unknown database type");
	dsn_bad("amavis.db", "TYPE://");
	dsn_bad("mysql://u:p@h", "missing /DATABASE");
	dsn_bad("mysql://u:p@h/", "database name");
	dsn_bad("mysql://u:p@h:0/db", "port");
	dsn_bad("mysql://u:p@h:99999/db", "port");
	dsn_bad("mysql://u:p@h:3x/db", "port");
	dsn_bad("mysql://u:p%zz@h/db", "password");
	dsn_bad("mysql://u:p%00@h/db", "password");
	dsn_bad("pgsql://u@[::1/db", "unclosed");
	dsn_bad("pgsql://u@h/db?sslmode=require", "query");
	dsn_bad("pgsql://u@h/d\nb", "control");
	amavis_dsn_parse("postgresql://dnswl:secret@db:5433/amavis", &d, err, sizeof(err));
	amavis_dsn_describe(&d, buf, sizeof(buf));
	ok(strcmp(buf, "pgsql://dnswl@db:5433/amavis") == 0, "describe hides the password: %s", buf);
}

/* norm_is - normalize and compare */
static void norm_is(const char *in, bool lc, const char *want)
{
	amavis_key k;
	bool got = amavis_addr_normalize(in, lc, k);

	ok(want == NULL ? !got : got && strcmp(k, want) == 0, "normalize(%.40s, %d) = %s",
	   in, lc, want ? want : "(refused)");
}

/* keys_are - the cleanup keys of a sender, in order */
static void keys_are(const char *sender, size_t n, const char *const want[])
{
	amavis_key keys[AMAVIS_MAX_KEYS];
	size_t got = amavis_addr_keys(sender, keys);
	bool same = got == n;

	for (size_t i = 0; same && i < n; i++)
		same = strcmp(keys[i], want[i]) == 0;
	ok(same, "keys of %.40s: %zu (want %zu)", sender, got, n);
	for (size_t i = 0; !same && i < got; i++)
		printf("#   %s\n", keys[i]);
}

static void test_addr(void)
{
	char big[400];

	norm_is("User@Example.COM", false, "User@example.com");
	norm_is("User@Example.COM", true, "user@example.com");
	norm_is("\xc3\x9cser@B\xc3\x84R.de", true, "\xc3\x9cser@b\xc3\x84r.de");
	norm_is("o'brien\\;--@x.org", true, "o'brien\\;--@x.org");
	norm_is("a\"b@Q.ORG", false, "a\"b@q.org");
	norm_is("nodomain", true, NULL);
	norm_is("@example.com", true, NULL);
	norm_is("user@", true, NULL);
	norm_is("us\ner@example.com", true, NULL);
	memset(big, 'a', 250);
	strcpy(big + 250, "@b.cd");	/* 255 bytes: fits */
	norm_is(big, true, big);
	strcpy(big + 250, "@bb.cd");	/* 256 */
	norm_is(big, true, NULL);
	keys_are("User+Ext@Example.COM", 5, (const char *const[]) {"User+Ext@Example.COM",
		 "User+Ext@example.com", "User@example.com", "user+ext@example.com", "user@example.com"});
	keys_are("user@example.com", 1, (const char *const[]) {"user@example.com"});
	keys_are("Postmaster+x@d.org", 4, (const char *const[]) {"Postmaster+x@d.org",
		 "Postmaster@d.org", "postmaster+x@d.org", "postmaster@d.org"});
	keys_are("+x@d.org", 1, (const char *const[]) {"+x@d.org"});
	memset(big, 'e', 300);
	memcpy(big, "u+", 2);
	strcpy(big + 300, "@D.org");
	keys_are(big, 1, (const char *const[]) {"u@d.org"});
	keys_are("", 0, NULL);
	keys_are("a\rb@c.d", 0, NULL);
}

/* wb_is - format and compare */
static void wb_is(double v, const char *want, bool fits)
{
	char wb[AMAVIS_WB_MAX + 1];
	bool got = amavis_wb_format(v, wb);

	ok(strcmp(wb, want) == 0 && got == fits && strlen(wb) <= AMAVIS_WB_MAX,
	   "wb(%g) = %s (%s)", v, wb, got ? "fits" : "clamped");
}

static void test_wb(void)
{
	wb_is(-10, "-10.0", true);
	wb_is(-110.1, "-110.1", true);
	wb_is(-0.25, "-0.25", true);
	wb_is(-3.333333, "-3.3333", true);
	wb_is(5, "5.0", true);
	wb_is(0, "0.0", true);
	wb_is(-0.0, "0.0", true);
	wb_is(-9999999.9, "-9999999.9", true);
	wb_is(-1e9, "-9999999.9", false);
	wb_is(1e12, "99999999.9", false);
	wb_is(-INFINITY, "-9999999.9", false);
	wb_is(NAN, "0.0", false);
	wb_is(-1234567.25, "-1234567.3", true);
}

/* An area in this process's memory; the lock only counts. */
static int locks_held;

static bool test_lock(void *ctx)
{
	(void) ctx;
	return ++locks_held == 1;
}

static void test_unlock(void *ctx)
{
	(void) ctx;
	locks_held--;
}

/* lookup1 - look one address up (its keys) */
static enum set_answer lookup1(struct amavis_shm *shm, const char *addr, time_t now,
			       struct set_ticket *t)
{
	amavis_key keys[AMAVIS_MAX_KEYS];
	size_t n = amavis_addr_keys(addr, keys);

	return amavis_set_lookup(shm, keys, n, now, 60, 10, t);
}

/* snapshot - a filter holding the given addresses, as a refresh builds it */
static uint64_t *snapshot(const struct set_ticket *t, const char *a, const char *b)
{
	uint64_t *w = calloc(t->nwords, 8);

	if (a != NULL)
		amavis_set_fill(w, t->nwords, t->seed, a, strlen(a));
	if (b != NULL)
		amavis_set_fill(w, t->nwords, t->seed, b, strlen(b));
	return w;
}

static void test_set(void)
{
	size_t size = 256 * 1024;
	struct amavis_shm shm = {calloc(1, size), size, test_lock, test_unlock, NULL};
	struct set_ticket t, t2;
	amavis_key k;
	uint64_t *w;
	time_t now = 1000000;

	ok(lookup1(&shm, "a@x.org", now, &t) == SET_REFRESH, "empty area: claim a refresh");
	ok(lookup1(&shm, "a@x.org", now, &t2) == SET_UNKNOWN, "claimed by another: ask the database");
	w = snapshot(&t, "a@x.org", NULL);
	amavis_set_add(&shm, "c@x.org");	/* a write during the refresh */
	ok(amavis_set_install(&shm, w, &t), "install the refresh");
	free(w);
	ok(lookup1(&shm, "a@x.org", now + 1, &t) == SET_PRESENT, "refreshed sender present");
	ok(lookup1(&shm, "A@X.ORG", now + 1, &t) == SET_PRESENT, "found by its lowercase key");
	ok(lookup1(&shm, "a+tag@x.org", now + 1, &t) == SET_PRESENT, "found by its unextended key");
	ok(lookup1(&shm, "c@x.org", now + 1, &t) == SET_PRESENT, "add made during the refresh kept");
	ok(lookup1(&shm, "b@x.org", now + 1, &t) == SET_ABSENT, "other sender absent");
	amavis_set_add(&shm, "b@x.org");
	ok(lookup1(&shm, "b@x.org", now + 2, &t) == SET_PRESENT, "added sender present");
	amavis_addr_normalize("b@x.org", true, k);
	amavis_set_cleaned(&shm, (const amavis_key *) &k, 1, &t);
	ok(lookup1(&shm, "b@x.org", now + 3, &t2) == SET_ABSENT, "cleaned sender absent");
	lookup1(&shm, "b@x.org", now + 3, &t);
	amavis_set_add(&shm, "b@x.org");	/* a write racing the clean */
	amavis_set_cleaned(&shm, (const amavis_key *) &k, 1, &t);
	ok(lookup1(&shm, "b@x.org", now + 4, &t2) == SET_PRESENT, "clean older than an add does not count");
	ok(lookup1(&shm, "b@x.org", now + 61, &t) == SET_REFRESH, "stale after cleanup_interval");
	w = snapshot(&t, NULL, NULL);
	amavis_set_install(&shm, w, &t);
	free(w);
	ok(lookup1(&shm, "a@x.org", now + 62, &t) == SET_ABSENT, "refresh drops deleted senders");
	ok(amavis_set_backoff(&shm, now + 70) == 0 && amavis_set_failing_until(&shm) == now + 70,
	   "backoff recorded");
	ok(lookup1(&shm, "a@x.org", now + 130, &t) == SET_REFRESH, "stale again after backoff ends");
	amavis_set_release(&shm, &t);
	((unsigned char *) shm.base)[8] ^= 0xff;	/* damage the header */
	ok(lookup1(&shm, "a@x.org", now + 131, &t) == SET_REFRESH, "damaged area rebuilt, refresh claimed");
	memset(shm.base, 0, size);	/* the cache purged it */
	ok(lookup1(&shm, "a@x.org", now + 132, &t) == SET_REFRESH, "zeroed area: refresh");
	amavis_set_release(&shm, &t);
	ok(lookup1(&shm, "a@x.org", now + 7200, &t) == SET_REFRESH, "an hour later: refresh");
	w = snapshot(&t, NULL, NULL);
	amavis_set_install(&shm, w, &t);
	free(w);
	ok(lookup1(&shm, "a@x.org", now + 200, &t) == SET_REFRESH, "clock went back: stale, refresh claimed");
	w = snapshot(&t, "a@x.org", NULL);
	ok(amavis_set_install(&shm, w, &t), "refresh installed after the clock went back");
	free(w);
	ok(lookup1(&shm, "a@x.org", now + 201, &t) == SET_PRESENT, "and used");
	ok(locks_held == 0, "every lock released");
	struct amavis_shm none = {NULL, 0, test_lock, test_unlock, NULL};
	ok(lookup1(&none, "a@x.org", now, &t) == SET_UNKNOWN, "no area: ask the database");
	free(shm.base);
}

/* test_expire_schedule - one max_age batch at a time, then a pause */
static void test_expire_schedule(void)
{
	size_t size = 256 * 1024;
	struct amavis_shm shm = {calloc(1, size), size, test_lock, test_unlock, NULL};
	struct amavis_shm none = {NULL, 0, test_lock, test_unlock, NULL};
	time_t now = 2000000;

	ok(amavis_set_expire_claim(&shm, now, 300, 10), "fresh area: expiry due, claimed");
	ok(!amavis_set_expire_claim(&shm, now + 1, 300, 10), "claimed: nobody else runs one");
	ok(amavis_set_expire_claim(&shm, now + 11, 300, 10), "a claim older than its ttl is void");
	amavis_set_expire_done(&shm, now + 311);
	ok(!amavis_set_expire_claim(&shm, now + 12, 300, 10), "done: not due before `next`");
	ok(amavis_set_expire_claim(&shm, now + 311, 300, 10), "due again at `next`");
	amavis_set_expire_done(&shm, now + 311);
	ok(amavis_set_expire_claim(&shm, now + 311, 300, 10), "a full batch: next one at once");
	amavis_set_expire_done(&shm, now + 5000);
	ok(amavis_set_expire_claim(&shm, now + 312, 300, 10), "`next` far ahead (clock went back): due");
	ok(!amavis_set_expire_claim(&none, now, 300, 10), "no area: never claimed here");
	ok(locks_held == 0, "every lock released");
	free(shm.base);
}

int main(void)
{
	msg_init("amavis_unit", MSG_STDERR, 0);
	test_dsn();
	test_addr();
	test_wb();
	test_set();
	test_expire_schedule();
	printf("1..%d\n", ntest);
	return nfail != 0;
}
