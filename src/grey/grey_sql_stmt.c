/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grey_sql_stmt.c - greylist state in SQL: one SELECT reads the
 * database's clock, the triplet and its network together; the rules of
 * grey_state.c run on that clock; upserts write the result (ON CONFLICT
 * on PostgreSQL and SQLite, ON DUPLICATE KEY on MySQL/MariaDB).  The
 * cleanup deletes expired rows in bounded batches, claimed by one
 * process at a time through grey_meta's 'cleanup' row.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amavis_sql_int.h"
#include "grey_sql_stmt.h"

#define CLEAN_BATCH	1000	/* rows per DELETE */
#define SQL_MAX		2048

/* One run's inputs and outputs, for the amavis_sql_fn callbacks. */
struct run {
	const struct grey_settings *s;
	unsigned long interval;
	const struct grey_sql_req *req;
	struct grey_sql_res *res;
	char *net, *key;		/* quoted */
	long long now;
};

/* upsert_tail - how an INSERT updates the row it collides with */
static const char *upsert_tail(const struct amavis_sql *q, const char *keycol)
{
	static char buf[64];

	if (q->dsn.driver == AMAVIS_MYSQL)
		return "ON DUPLICATE KEY UPDATE";
	snprintf(buf, sizeof(buf), "ON CONFLICT (%s) DO UPDATE SET", keycol);
	return buf;
}

/* newval - the value the upsert wants for col */
static const char *newval(const struct amavis_sql *q, const char *col)
{
	static char buf[4][48];
	static unsigned n;
	char *b = buf[n++ % 4];

	if (q->dsn.driver == AMAVIS_MYSQL)
		snprintf(b, sizeof(buf[0]), "VALUES(%s)", col);
	else
		snprintf(b, sizeof(buf[0]), "excluded.%s", col);
	return b;
}

/* get_ll - column i as a number, 0 when NULL */
static long long get_ll(dbi_result r, unsigned i, bool *null)
{
	*null = sql_dbi.result_field_is_null_idx(r, i) == 1;
	return *null ? 0 : sql_dbi.result_get_as_longlong_idx(r, i);
}

/* read_state - the clock, the triplet and the network in one SELECT */
static bool read_state(struct amavis_sql *q, struct run *x, bool *tfound, struct grey_trip *t,
		       bool *nfound, struct grey_net *n)
{
	char sql[SQL_MAX];
	dbi_result r;
	bool null;

	snprintf(sql, sizeof(sql), "SELECT %s, t.first_seen, t.last_seen, t.passed, n.passes, "
		 "n.counted, n.last_seen FROM (SELECT 1 AS one) AS x LEFT JOIN grey_triplet t "
		 "ON t.triplet = %s LEFT JOIN grey_network n ON n.network = %s",
		 amavis_sql_now(q), x->key, x->net);
	if ((r = amavis_sql_exec(q, sql, "read greylist state")) == NULL)
		return false;
	if (!sql_dbi.result_next_row(r)) {
		sql_dbi.result_free(r);
		return amavis_sql_fail(q, "read greylist state: no row");
	}
	x->now = get_ll(r, 1, &null);
	t->first = get_ll(r, 2, &null);
	*tfound = !null;
	t->last = get_ll(r, 3, &null);
	t->passed = get_ll(r, 4, &null);
	n->count = get_ll(r, 5, &null);
	*nfound = !null;
	n->counted = get_ll(r, 6, &null);
	n->last = get_ll(r, 7, &null);
	sql_dbi.result_free(r);
	return x->now > 0 || amavis_sql_fail(q, "the database's clock reads %lld", x->now);
}

/* write_trip - upsert the triplet */
static bool write_trip(struct amavis_sql *q, struct run *x, const struct grey_trip *t,
		       long long expires)
{
	char sql[SQL_MAX];

	snprintf(sql, sizeof(sql), "INSERT INTO grey_triplet (triplet, network, first_seen, "
		 "last_seen, passed, expires) VALUES (%s, %s, %lld, %lld, %lld, %lld) %s "
		 "first_seen = %s, last_seen = %s, passed = %s, expires = %s", x->key, x->net,
		 (long long)t->first, (long long)t->last, (long long)t->passed, expires,
		 upsert_tail(q, "triplet"), newval(q, "first_seen"), newval(q, "last_seen"),
		 newval(q, "passed"), newval(q, "expires"));
	return amavis_sql_do(q, sql, "write triplet", NULL);
}

/* write_net - upsert the network */
static bool write_net(struct amavis_sql *q, struct run *x, const struct grey_net *n,
		      long long expires)
{
	char sql[SQL_MAX];

	snprintf(sql, sizeof(sql), "INSERT INTO grey_network (network, passes, counted, "
		 "last_seen, expires) VALUES (%s, %lld, %lld, %lld, %lld) %s passes = %s, "
		 "counted = %s, last_seen = %s, expires = %s", x->net, (long long)n->count,
		 (long long)n->counted, (long long)n->last, expires, upsert_tail(q, "network"),
		 newval(q, "passes"), newval(q, "counted"), newval(q, "last_seen"),
		 newval(q, "expires"));
	return amavis_sql_do(q, sql, "write network", NULL);
}

/* do_decide - amavis_sql_fn: one RCPT */
static bool do_decide(struct amavis_sql *q, void *arg)
{
	struct run *x = arg;
	struct grey_trip t;
	struct grey_net n;
	bool tfound, nfound;
	long long exp;

	if (!read_state(q, x, &tfound, &t, &nfound, &n))
		return false;
	if ((x->res->listed = grey_net_listed(x->s, nfound, &n, x->now))) {
		n.last = x->now;
		return write_net(q, x, &n, x->now + (long long)x->s->max_age);
	}
	exp = grey_trip_step(x->s, tfound, &t, x->now, &x->res->step);
	if (!write_trip(q, x, &t, exp))
		return false;
	if (x->s->auto_whitelist == 0
	    || (x->res->step.kind != GREY_PASSED && x->res->step.kind != GREY_KNOWN))
		return true;
	exp = grey_net_pass(x->s, nfound, &n, x->now);
	return write_net(q, x, &n, exp);
}

/* clean_table - one bounded batch of expired rows */
static bool clean_table(struct amavis_sql *q, struct run *x, const char *table, const char *col)
{
	char sql[SQL_MAX];
	unsigned long long n = 0;

	if (q->dsn.driver == AMAVIS_MYSQL)
		snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE expires <= %lld LIMIT %d",
			 table, x->now, CLEAN_BATCH);
	else
		snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE %s IN (SELECT %s FROM %s "
			 "WHERE expires <= %lld LIMIT %d)", table, col, col, table, x->now, CLEAN_BATCH);
	if (!amavis_sql_do(q, sql, "greylist cleanup", &n))
		return false;
	x->res->cleaned += (unsigned long)n;
	return true;
}

/* do_cleanup - amavis_sql_fn: claim the cleanup; if ours, one batch per table */
static bool do_cleanup(struct amavis_sql *q, void *arg)
{
	struct run *x = arg;
	char sql[SQL_MAX];
	unsigned long long won = 0;

	snprintf(sql, sizeof(sql), "UPDATE grey_meta SET value = %lld WHERE name = 'cleanup' "
		 "AND value <= %lld", x->now + (long long)x->interval, x->now);
	if (!amavis_sql_do(q, sql, "claim the greylist cleanup", &won))
		return false;
	return won == 0 || (clean_table(q, x, "grey_triplet", "triplet")
			    && clean_table(q, x, "grey_network", "network"));
}

/* count_into - one counting SELECT into *out */
static bool count_into(struct amavis_sql *q, const char *sql, unsigned long *out, unsigned long *out2)
{
	dbi_result r = amavis_sql_exec(q, sql, "count greylist rows");
	bool null;

	if (r == NULL)
		return false;
	if (sql_dbi.result_next_row(r)) {
		*out = (unsigned long)get_ll(r, 1, &null);
		if (out2 != NULL)
			*out2 = (unsigned long)get_ll(r, 2, &null);
	}
	sql_dbi.result_free(r);
	return true;
}

/* do_counts - amavis_sql_fn: pending, passed, networks, expired */
static bool do_counts(struct amavis_sql *q, void *arg)
{
	struct run *x = arg;
	struct grey_counts *k = &x->res->counts;
	unsigned long e1 = 0, e2 = 0, pend = 0;
	char sql[SQL_MAX];
	const char *now = amavis_sql_now(q);

	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM grey_triplet WHERE expires > %s "
		 "AND passed = 0", now);
	if (!count_into(q, sql, &pend, NULL))
		return false;
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM grey_triplet WHERE expires > %s "
		 "AND passed <> 0", now);
	if (!count_into(q, sql, &k->passed, NULL))
		return false;
	snprintf(sql, sizeof(sql), "SELECT (SELECT COUNT(*) FROM grey_triplet WHERE expires <= %s), "
		 "(SELECT COUNT(*) FROM grey_network WHERE expires <= %s)", now, now);
	if (!count_into(q, sql, &e1, &e2))
		return false;
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM grey_network WHERE expires > %s "
		 "AND passes >= %lu AND %lu > 0", now, x->s->auto_whitelist, x->s->auto_whitelist);
	k->pending = pend;
	k->expired = e1 + e2;
	return count_into(q, sql, &k->networks, NULL);
}

/* do_drop - amavis_sql_fn: a triplet, or a network and its triplets */
static bool do_drop(struct amavis_sql *q, void *arg)
{
	struct run *x = arg;
	char sql[SQL_MAX];
	unsigned long long n = 0, m = 0;

	if (x->req->has_key) {
		snprintf(sql, sizeof(sql), "DELETE FROM grey_triplet WHERE triplet = %s", x->key);
		if (!amavis_sql_do(q, sql, "delete triplet", &n))
			return false;
	} else {
		snprintf(sql, sizeof(sql), "DELETE FROM grey_triplet WHERE network = %s", x->net);
		if (!amavis_sql_do(q, sql, "delete network", &n))
			return false;
		snprintf(sql, sizeof(sql), "DELETE FROM grey_network WHERE network = %s", x->net);
		if (!amavis_sql_do(q, sql, "delete network", &m))
			return false;
	}
	x->res->dropped = (unsigned long)(n + m);
	return true;
}

/* quote_then - amavis_sql_fn: quote the key and network, then the op */
static bool quote_then(struct amavis_sql *q, void *arg)
{
	struct run *x = arg;
	enum value_kind kind = q->dsn.driver == AMAVIS_MYSQL ? VALUE_EMAIL : VALUE_TEXT;
	bool ok;

	free(x->net);
	free(x->key);
	x->net = amavis_sql_value(q, x->req->net, VALUE_TEXT);
	x->key = amavis_sql_value(q, x->req->key[0] ? x->req->key : "-", kind);
	if (x->net == NULL || x->key == NULL)
		return false;
	switch (x->req->op) {
	case GREY_SQL_DECIDE:
		/* a failed cleanup is not a failed decision: the next claim retries it */
		if ((ok = do_decide(q, x)) && x->req->cleanup && !do_cleanup(q, x))
			x->res->cleaned = 0;
		break;
	case GREY_SQL_COUNTS:
		ok = do_counts(q, x);
		break;
	default:
		ok = do_drop(q, x);
	}
	return ok;
}

/* grey_sql_stmt_run - one request */
void grey_sql_stmt_run(struct amavis_sql *q, const struct grey_settings *s,
		       unsigned long interval, const struct grey_sql_req *req,
		       struct grey_sql_res *res)
{
	struct run x = {.s = s, .interval = interval, .req = req, .res = res};
	bool unreachable;

	memset(res, 0, sizeof(*res));
	res->ok = amavis_sql_with(q, quote_then, &x, res->err, sizeof(res->err), &unreachable);
	free(x.net);
	free(x.key);
}
