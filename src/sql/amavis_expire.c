/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_expire.c - the [sql] max_age expiry: one bounded batch of
 * statements, and the database clock they and the writes use.
 *
 * Only rows dnswl made go: wblist rows with auto = 'Y' whose dnswl_seen
 * (Unix seconds, set and refreshed by every whitelisted write) is older
 * than max_age, and users and mailaddr rows with dnswl_auto = 'Y' that
 * no wblist row refers to (a users row also only while its policy_id is
 * still policy_preset: a person who gave it a policy uses it).  Each
 * statement removes at most AMAVIS_EXPIRE_BATCH rows, so a batch never
 * holds up a request for long; a full batch asks for another one soon.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "amavis_sql_int.h"

/* amavis_sql_now - Unix seconds on the database's clock */
const char *amavis_sql_now(const struct amavis_sql *q)
{
	switch (q->dsn.driver) {
	case AMAVIS_MYSQL:
		return "UNIX_TIMESTAMP()";
	case AMAVIS_PGSQL:
		return "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) AS bigint)";
	default:
		return "CAST(strftime('%s', 'now') AS INTEGER)";
	}
}

/* run_counted - one DELETE; adds the rows removed to *n */
static bool run_counted(struct amavis_sql *q, char *sql, const char *what, unsigned long *n)
{
	unsigned long long affected = 0;
	bool ok;

	if (sql == NULL)
		return amavis_sql_fail(q, "out of memory");
	ok = amavis_sql_do(q, sql, what, &affected);
	free(sql);
	*n = (unsigned long) affected;
	return ok;
}

/*
 * limited - "DELETE FROM t WHERE cond" for at most a batch of rows:
 * MySQL has DELETE ... LIMIT but no LIMIT in an IN subquery on the same
 * table; PostgreSQL and SQLite take the keys from a limited subquery.
 */
static char *limited(const struct amavis_sql *q, const char *table, const char *key,
		     const char *alias_cond, const char *cond)
{
	char *sql = NULL;
	int n;

	if (q->dsn.driver == AMAVIS_MYSQL)
		n = asprintf(&sql, "DELETE FROM %s WHERE %s LIMIT %d", table, cond, AMAVIS_EXPIRE_BATCH);
	else
		n = asprintf(&sql, "DELETE FROM %s WHERE %s IN (SELECT %s FROM %s x WHERE %s LIMIT %d)",
			     table, key, key, table, alias_cond, AMAVIS_EXPIRE_BATCH);
	return n < 0 ? NULL : sql;
}

/* expire_wblist - auto rows not refreshed for max_age seconds */
static bool expire_wblist(struct amavis_sql *q, unsigned long *n)
{
	char cond[256];

	snprintf(cond, sizeof(cond), "auto = 'Y' AND dnswl_seen < %s - %lu",
		 amavis_sql_now(q), q->s.max_age);
	/* wblist has no id: the row's own address (PostgreSQL ctid, SQLite rowid) */
	return run_counted(q, limited(q, "wblist", q->dsn.driver == AMAVIS_PGSQL ? "ctid" : "rowid",
				      cond, cond), "expire wblist", n);
}

/* expire_unused - dnswl's own rows of table that no wblist row uses */
static bool expire_unused(struct amavis_sql *q, const char *table, const char *col,
			  const char *extra, unsigned long *n)
{
	char outer[256], inner[256], what[32];

	snprintf(outer, sizeof(outer), "dnswl_auto = 'Y'%s AND NOT EXISTS"
		 " (SELECT 1 FROM wblist w WHERE w.%s = %s.id)", extra, col, table);
	snprintf(inner, sizeof(inner), "x.dnswl_auto = 'Y'%s AND NOT EXISTS"
		 " (SELECT 1 FROM wblist w WHERE w.%s = x.id)", extra, col);
	snprintf(what, sizeof(what), "expire %s", table);
	return run_counted(q, limited(q, table, "id", inner, outer), what, n);
}

/* amavis_stmt_expire - one batch over the three tables */
bool amavis_stmt_expire(struct amavis_sql *q, unsigned long removed[3], bool *more)
{
	char policy[64];

	snprintf(policy, sizeof(policy), " AND policy_id = %ld", q->s.policy_preset);
	removed[0] = removed[1] = removed[2] = 0;
	if (!expire_wblist(q, &removed[0]) || !expire_unused(q, "users", "rid", policy, &removed[1])
	    || !expire_unused(q, "mailaddr", "sid", "", &removed[2]))
		return false;
	*more = removed[0] >= AMAVIS_EXPIRE_BATCH || removed[1] >= AMAVIS_EXPIRE_BATCH
		|| removed[2] >= AMAVIS_EXPIRE_BATCH;
	return true;
}
