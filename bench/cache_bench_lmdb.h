/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_bench_lmdb.h - the LMDB side of bench/cache_bench.c: the same
 * keys in an LMDB environment, looked up with mdb_get.
 *
 * A dnswl process would live for many requests, so it must not hold one
 * read transaction open (that pins old pages for every writer): the fair
 * comparison is mdb_txn_renew + mdb_get + mdb_txn_reset per lookup.  One
 * transaction for all lookups is shown too, as LMDB's best case.  LMDB's
 * keys are built before timing (cache_get builds its key inside).  The
 * library is loaded with dlopen so the benchmark builds without it.
 */

/* The LMDB functions used, resolved at run time. */
static struct {
	__typeof__(mdb_env_create) *env_create;
	__typeof__(mdb_env_set_mapsize) *env_set_mapsize;
	__typeof__(mdb_env_open) *env_open;
	__typeof__(mdb_env_close) *env_close;
	__typeof__(mdb_txn_begin) *txn_begin;
	__typeof__(mdb_txn_commit) *txn_commit;
	__typeof__(mdb_txn_abort) *txn_abort;
	__typeof__(mdb_txn_reset) *txn_reset;
	__typeof__(mdb_txn_renew) *txn_renew;
	__typeof__(mdb_dbi_open) *dbi_open;
	__typeof__(mdb_put) *put;
	__typeof__(mdb_get) *get;
} L;

/* lmdb_load - dlopen liblmdb; false when absent */
static bool lmdb_load(void)
{
	void *h = dlopen("liblmdb.so.0", RTLD_NOW);

	if (h == NULL)
		return false;
#define SYM(f, name) if ((*(void **)&L.f = dlsym(h, name)) == NULL) return false
	SYM(env_create, "mdb_env_create"); SYM(env_set_mapsize, "mdb_env_set_mapsize");
	SYM(env_open, "mdb_env_open"); SYM(env_close, "mdb_env_close");
	SYM(txn_begin, "mdb_txn_begin"); SYM(txn_commit, "mdb_txn_commit");
	SYM(txn_abort, "mdb_txn_abort"); SYM(txn_reset, "mdb_txn_reset");
	SYM(txn_renew, "mdb_txn_renew"); SYM(dbi_open, "mdb_dbi_open");
	SYM(put, "mdb_put"); SYM(get, "mdb_get");
#undef SYM
	return true;
}

static char (*lkeys)[96];	/* "list\0qname", built before timing */
static size_t *lkeylen;

/* lmdb_keys - build every key once, so the timed loop is mdb_get alone */
static void lmdb_keys(unsigned n)
{
	lkeys = calloc(n, sizeof(*lkeys));
	lkeylen = calloc(n, sizeof(*lkeylen));
	for (unsigned k = 0; k < n; k++)
		lkeylen[k] = (size_t)snprintf(lkeys[k], sizeof(lkeys[k]), "%s%c%s", lists[k], '\0',
					      qnames[k]);
}

/* lmdb_key - key k as an MDB_val */
static MDB_val lmdb_key(unsigned k)
{
	MDB_val v = {.mv_size = lkeylen[k], .mv_data = lkeys[k]};

	return v;
}

/* lmdb_open - environment in dir/lmdb (a fresh one per process) */
static MDB_env *lmdb_open(const char *dir, MDB_dbi *dbi)
{
	char path[256];
	MDB_env *env;
	MDB_txn *txn;

	snprintf(path, sizeof(path), "%s/lmdb", dir);
	if (L.env_create(&env) || L.env_set_mapsize(env, 1ul << 30)
	    || L.env_open(env, path, MDB_NOSUBDIR | MDB_NOSYNC | MDB_NOTLS, 0600)
	    || L.txn_begin(env, NULL, 0, &txn) || L.dbi_open(txn, NULL, 0, dbi) || L.txn_commit(txn))
		msg_fatal("LMDB: cannot open %s", path);
	return env;
}

/* lmdb_fill - the same answers as the cache holds */
static void lmdb_fill(MDB_env *env, MDB_dbi dbi, const struct opts *o)
{
	struct dns_answer a = {.status = DNS_ANSWER, .naddr = 2, .addr = {0x7f000a00, 0x7f000201},
			       .ttl = 3600};
	MDB_txn *txn;

	if (L.txn_begin(env, NULL, 0, &txn))
		msg_fatal("LMDB: txn_begin");
	for (unsigned i = 0; i < o->keys; i++) {
		MDB_val k = lmdb_key(i), v = {.mv_size = sizeof(a), .mv_data = &a};

		if (L.put(txn, dbi, &k, &v, 0))
			msg_fatal("LMDB: put");
	}
	if (L.txn_commit(txn))
		msg_fatal("LMDB: commit");
}

/* lmdb_loop - lookups; per_lookup: renew/reset a read txn around each */
static double lmdb_loop(MDB_env *env, MDB_dbi dbi, const struct opts *o, bool per_lookup,
			unsigned long *hits)
{
	struct dns_answer a;
	struct timespec t0;
	MDB_txn *txn;

	*hits = 0;
	if (L.txn_begin(env, NULL, MDB_RDONLY, &txn))
		msg_fatal("LMDB: read txn");
	if (per_lookup)
		L.txn_reset(txn);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long i = 0; i < o->lookups; i++) {
		MDB_val k = lmdb_key(order[i % o->keys]), v;

		if (per_lookup && L.txn_renew(txn))
			msg_fatal("LMDB: renew");
		if (L.get(txn, dbi, &k, &v) == 0 && v.mv_size == sizeof(a)) {
			memcpy(&a, v.mv_data, sizeof(a));	/* as cache_get fills *ans */
			++*hits;
		}
		if (per_lookup)
			L.txn_reset(txn);
	}
	double ns = ns_since(&t0) / (double)o->lookups;

	L.txn_abort(txn);
	return ns;
}

/* lmdb_two - two processes at once, a read txn per lookup */
static void lmdb_two(const char *dir, const struct opts *o)
{
	pid_t pid[2];

	memset(sh, 0, sizeof(*sh));
	for (int w = 0; w < 2; w++) {
		if ((pid[w] = fork()) != 0)
			continue;
		MDB_dbi dbi;
		MDB_env *env = lmdb_open(dir, &dbi);

		atomic_fetch_add(&sh->ready, 1);
		while (atomic_load(&sh->go) == 0)
			;
		sh->ns[w] = lmdb_loop(env, dbi, o, true, &sh->hits[w]);
		L.env_close(env);
		_exit(0);
	}
	while (atomic_load(&sh->ready) < 2)
		usleep(100);
	atomic_store(&sh->go, 1);
	waitpid(pid[0], NULL, 0);
	waitpid(pid[1], NULL, 0);
}

/*
 * child_lmdb - `-X lmdb PATH SIZE LIST QNAME LIST QNAME`: a new process
 * opens the environment read-only, does two mdb_get, closes; prints
 * "microseconds hits" (timed from main(), like child_cache).
 */
static int child_lmdb(char **argv, const struct timespec *t0)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	struct dns_answer a;
	char key[96];
	int hits = 0;

	if (!lmdb_load() || L.env_create(&env) || L.env_set_mapsize(env, 1ul << 30)
	    || L.env_open(env, argv[0], MDB_NOSUBDIR | MDB_RDONLY | MDB_NOTLS, 0600)
	    || L.txn_begin(env, NULL, MDB_RDONLY, &txn) || L.dbi_open(txn, NULL, 0, &dbi))
		return 1;
	for (int i = 2; i <= 4; i += 2) {
		int n = snprintf(key, sizeof(key), "%s%c%s", argv[i], '\0', argv[i + 1]);
		MDB_val k = {.mv_size = (size_t)n, .mv_data = key}, v;

		if (L.get(txn, dbi, &k, &v) == 0 && v.mv_size == sizeof(a)) {
			memcpy(&a, v.mv_data, sizeof(a));
			hits++;
		}
	}
	L.txn_abort(txn);
	L.env_close(env);
	printf("%.1f %d\n", ns_since(t0) / 1000.0, hits);
	return 0;
}

/* lmdb_bench - the LMDB numbers, or why there are none */
static void lmdb_bench(const char *dir, const struct opts *o)
{
	MDB_dbi dbi;
	MDB_env *env;
	unsigned long hits;
	char path[256];
	int fh;

	if (!lmdb_load()) {
		printf("mdb_get: NOT MEASURED: liblmdb.so.0 not found (apt-get install liblmdb-dev)\n");
		return;
	}
	lmdb_keys(o->keys);
	env = lmdb_open(dir, &dbi);
	lmdb_fill(env, dbi, o);
	lmdb_loop(env, dbi, o, true, &hits);	/* warm up */
	printf("mdb_get, txn renew/reset each:   %6.1f ns/lookup", lmdb_loop(env, dbi, o, true, &hits));
	printf(" (%lu hits)\n", hits);
	printf("mdb_get, one txn for all:        %6.1f ns/lookup", lmdb_loop(env, dbi, o, false, &hits));
	printf(" (%lu hits; best case, not usable by a long-lived process)\n", hits);
	L.env_close(env);
	lmdb_two(dir, o);
	printf("mdb_get, 2 processes at once:    %6.1f and %.1f ns/lookup (%lu, %lu hits)\n",
	       sh->ns[0], sh->ns[1], sh->hits[0], sh->hits[1]);
	snprintf(path, sizeof(path), "%s/lmdb", dir);
	printf("new process: env open, 2 mdb_get, close: %6.1f us", fresh("lmdb", path, o, 200, &fh));
	printf(" (%d of 400 hits)\n", fh);
}
