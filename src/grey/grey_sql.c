/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grey_sql.c - greylist state in a database shared by every MX host.
 *
 * The statements (grey_sql_stmt.c) run in an SQL helper child
 * (sql_helper.c), so no request waits longer than [sql] timeout for
 * the database; one helper round trip per RCPT.  Each process tries to
 * claim the cleanup at most once per [sql] cleanup_interval (at least
 * a minute); the database lets one process win it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "amavis.h"
#include "amavis_dsn.h"
#include "amavis_sql.h"
#include "cfg.h"
#include "grey_sql_stmt.h"
#include "grey_store.h"
#include "msg.h"
#include "sql_helper.h"
#include "str.h"

#define CLEANUP_MIN	60
#define BACKOFF_S	10	/* after a failure, leave the database alone this long */

struct sql_store {
	struct grey_store base;
	struct grey_settings gs;	/* copies: the child uses them */
	struct sql_settings sql;
	struct amavis_dsn dsn;
	struct sql_helper *helper;
	char bad_dsn[256];		/* the DSN did not parse: every call faults */
	long long next_cleanup;		/* monotonic seconds */
	long long failed_at;		/* last failure, monotonic seconds; 0 none */
};

/* mono_s - monotonic seconds */
static long long mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec;
}

/* interval - seconds between cleanup claims */
static unsigned long interval(const struct sql_store *st)
{
	return st->sql.cleanup_interval > CLEANUP_MIN ? st->sql.cleanup_interval : CLEANUP_MIN;
}

/* store_main - the helper child: serve requests until the parent closes */
static void store_main(void *arg, int fd)
{
	const struct sql_store *st = arg;
	struct amavis_sql *q = amavis_sql_new(&st->dsn, &st->sql);
	static struct grey_sql_req req;
	static struct grey_sql_res res;

	while (q != NULL && sql_helper_read(fd, &req, sizeof(req))) {
		grey_sql_stmt_run(q, &st->gs, interval(st), &req, &res);
		if (!sql_helper_send(fd, &res, sizeof(res)))
			break;
	}
	amavis_sql_free(q);
}

/*
 * call - one request through the helper; false with err.  After a
 * failure the next BACKOFF_S seconds fail at once, so a dead database
 * costs one request the timeout, not every request.
 */
static bool call(struct sql_store *st, const struct grey_sql_req *req, struct grey_sql_res *res,
		 char *err, size_t errsize)
{
	long long now = mono_s();

	if (st->bad_dsn[0] != '\0')
		return snprintf(err, errsize, "%s", st->bad_dsn), false;
	if (st->failed_at != 0 && now - st->failed_at < BACKOFF_S)
		return snprintf(err, errsize, "the database failed %lld s ago", now - st->failed_at), false;
	if (sql_helper_call(st->helper, req, sizeof(*req), res, sizeof(*res), err, errsize)
	    && (res->ok || (snprintf(err, errsize, "%s", res->err), false))) {
		st->failed_at = 0;
		return true;
	}
	st->failed_at = mono_s();
	return false;
}

/* request - a zeroed request for op on net and key */
static void request(struct grey_sql_req *req, enum grey_sql_op op, const char *net, const char *key)
{
	memset(req, 0, sizeof(*req));
	req->op = op;
	str_copy(req->net, sizeof(req->net), net != NULL ? net : "");
	req->has_key = key != NULL;
	str_copy(req->key, sizeof(req->key), key != NULL ? key : "");
}

/* sql_decide - one RCPT, maybe with the cleanup claim */
static bool sql_decide(struct grey_store *base, const char *net, const char *key,
		       bool *listed, struct grey_step *step, char *err, size_t errsize)
{
	struct sql_store *st = (struct sql_store *)base;
	static struct grey_sql_req req;
	static struct grey_sql_res res;
	long long now = mono_s();

	request(&req, GREY_SQL_DECIDE, net, key);
	if ((req.cleanup = now >= st->next_cleanup))
		st->next_cleanup = now + (long long)interval(st);
	if (!call(st, &req, &res, err, errsize))
		return false;
	if (res.cleaned > 0 && st->sql.verbose_sql)
		msg_info("greylist: cleanup deleted %lu expired rows", res.cleaned);
	*listed = res.listed;
	*step = res.step;
	return true;
}

/* sql_counts - the admin counts */
static bool sql_counts(struct grey_store *base, struct grey_counts *k, char *err, size_t errsize)
{
	static struct grey_sql_req req;
	static struct grey_sql_res res;

	request(&req, GREY_SQL_COUNTS, NULL, NULL);
	if (!call((struct sql_store *)base, &req, &res, err, errsize))
		return false;
	*k = res.counts;
	return true;
}

/* sql_drop - delete a triplet or a network */
static bool sql_drop(struct grey_store *base, const char *net, const char *key,
		     unsigned long *n, char *err, size_t errsize)
{
	static struct grey_sql_req req;
	static struct grey_sql_res res;

	request(&req, GREY_SQL_DROP, net, key);
	if (!call((struct sql_store *)base, &req, &res, err, errsize))
		return false;
	*n = res.dropped;
	return true;
}

/* sql_close - stop the helper */
static void sql_close(struct grey_store *base)
{
	struct sql_store *st = (struct sql_store *)base;

	sql_helper_free(st->helper);
	free(st);
}

static const struct grey_store_ops sql_ops = {
	sql_decide, sql_counts, sql_drop, sql_close,
};

/* grey_sql_store - the database store; connects nothing yet */
struct grey_store *grey_sql_store(const struct grey_settings *s, const struct sql_settings *sql)
{
	struct sql_store *st = calloc(1, sizeof(*st));
	char err[200];

	if (st == NULL)
		return NULL;
	st->base.ops = &sql_ops;
	st->base.s = &st->gs;
	st->gs = *s;
	st->sql = *sql;
	if (!amavis_dsn_parse(s->dsn, &st->dsn, err, sizeof(err)))
		snprintf(st->bad_dsn, sizeof(st->bad_dsn), "[greylist] dsn: %s", err);
	if ((st->helper = sql_helper_new(store_main, st, sql->timeout)) == NULL) {
		free(st);
		return NULL;
	}
	return &st->base;
}
