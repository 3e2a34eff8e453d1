/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_sql_int.h - what the statement builders (amavis_stmt.c, and
 * the greylist's grey_sql_stmt.c) share with the connection code
 * (amavis_sql.c).  Not for other modules.
 */
#ifndef DNSWL_AMAVIS_SQL_INT_H
#define DNSWL_AMAVIS_SQL_INT_H

#include "sql_dbi.h"

#include "amavis_sql.h"
#include "msg.h"

struct amavis_sql {
	struct amavis_dsn dsn;
	struct sql_settings s;
	dbi_inst inst;			/* NULL until the first connect */
	dbi_conn conn;			/* NULL while not connected */
	bool bytea_users;		/* pgsql: users.email is bytea */
	bool bytea_mailaddr;		/* pgsql: mailaddr.email is bytea */
	unsigned long connects;
	unsigned long statements;
	char *err;			/* the running job's error text */
	size_t errsize;
};

/*
 * amavis_sql_fail - record why the job failed (the first reason is
 * kept: it is the cause, later ones are consequences).  Returns false.
 */
bool amavis_sql_fail(struct amavis_sql *q, const char *fmt, ...) MSG_PRINTF(2, 3);

/*
 * amavis_sql_exec - run one statement (logged when verbose_sql).
 * Returns the result (caller frees) or NULL with the error recorded.
 */
dbi_result amavis_sql_exec(struct amavis_sql *q, const char *sql, const char *what);

/*
 * amavis_sql_do - run a statement whose rows do not matter.  Returns
 * true on success, storing the rows affected in *affected when not NULL.
 */
bool amavis_sql_do(struct amavis_sql *q, const char *sql, const char *what,
		   unsigned long long *affected);

enum value_kind {
	VALUE_TEXT,	/* a plain string ('...') */
	VALUE_EMAIL,	/* an address for an email column (MySQL: _binary '...') */
	VALUE_BYTEA,	/* an address for a PostgreSQL bytea column (decode('hex')) */
};

/*
 * amavis_sql_value - s as an SQL expression of the given kind, always
 * through dbi_conn_quote_string_copy.  Returns a malloc'd string, or
 * NULL with the error recorded.
 */
char *amavis_sql_value(struct amavis_sql *q, const char *s, enum value_kind kind);

/*
 * amavis_sql_fn - statements run by amavis_sql_with; true on success
 * (error recorded with amavis_sql_fail or by amavis_sql_exec if not).
 */
typedef bool amavis_sql_fn(struct amavis_sql *q, void *arg);

/*
 * amavis_sql_with - run fn on the connection (connecting first if
 * needed); after a failure once more on a new connection.  Returns
 * true on success; else false with the reason in err and *unreachable
 * set when no connection could be made.
 */
bool amavis_sql_with(struct amavis_sql *q, amavis_sql_fn *fn, void *arg,
		     char *err, size_t errsize, bool *unreachable);

/* amavis_sql_now - the database's clock in Unix seconds, as an SQL expression. */
const char *amavis_sql_now(const struct amavis_sql *q);

/*
 * amavis_stmt_* - the jobs; true on success (error recorded if not).
 * write sets *kept when a person's row for the pair was left alone.
 */
bool amavis_stmt_write(struct amavis_sql *q, const struct amavis_job *job, bool *kept);
bool amavis_stmt_clean(struct amavis_sql *q, const struct amavis_job *job,
		       unsigned long *deleted);
bool amavis_stmt_refresh(struct amavis_sql *q, const struct amavis_job *job,
			 uint64_t *words, unsigned long *senders);

/*
 * amavis_stmt_expire - one batch: at most AMAVIS_EXPIRE_BATCH auto
 * wblist rows not refreshed for max_age seconds (database clock), then
 * as many users and mailaddr rows dnswl created that no wblist row uses
 * (users: still on policy_preset).  Counts in removed[3]; *more when a
 * batch was full.
 */
bool amavis_stmt_expire(struct amavis_sql *q, unsigned long removed[3], bool *more);

#endif
