/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_stmt.c - the statements of the three jobs, per SQL dialect.
 *
 * Portable SQL only (INSERT ... SELECT ... WHERE NOT EXISTS rather than
 * each database's own upsert), so that an existing amavis database
 * works whether or not its email columns carry the UNIQUE constraints
 * of the stock schema.  Where they do, a concurrent insert of the same
 * address fails on them and the job is retried (amavis_sql.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amavis_set.h"
#include "amavis_sql_int.h"

/* begin - a write transaction (SQLite: take the write lock now) */
static bool begin(struct amavis_sql *q)
{
	return amavis_sql_do(q, q->dsn.driver == AMAVIS_SQLITE3 ? "BEGIN IMMEDIATE" : "BEGIN",
			     "begin transaction", NULL);
}

/* rollback - after a failure; its own error does not replace the cause */
static void rollback(struct amavis_sql *q)
{
	bool verbose = q->s.verbose_sql;
	dbi_result res;

	if (verbose)
		msg_info("sql: ROLLBACK");
	q->statements++;
	res = sql_dbi.conn_query(q->conn, "ROLLBACK");
	if (res != NULL)
		sql_dbi.result_free(res);
}

/* email_kind - how an email column takes its values */
static enum value_kind email_kind(const struct amavis_sql *q, bool bytea)
{
	return q->dsn.driver == AMAVIS_PGSQL && bytea ? VALUE_BYTEA : VALUE_EMAIL;
}

/* dual - MySQL needs FROM DUAL for a SELECT with WHERE but no table */
static const char *dual(const struct amavis_sql *q)
{
	return q->dsn.driver == AMAVIS_MYSQL ? " FROM DUAL" : "";
}

/* write_users - a users row for the recipient, unless there is one */
static bool write_users(struct amavis_sql *q, const char *rcpt)
{
	char *sql = NULL;
	bool ok;

	if (asprintf(&sql, "INSERT INTO users (priority, policy_id, email, local, dnswl_auto)"
		     " SELECT %ld, %ld, %s, 'Y', 'Y'%s WHERE NOT EXISTS"
		     " (SELECT 1 FROM users WHERE email = %s)",
		     q->s.policy_priority, q->s.policy_preset, rcpt, dual(q), rcpt) < 0)
		return amavis_sql_fail(q, "out of memory");
	ok = amavis_sql_do(q, sql, "insert users", NULL);
	free(sql);
	return ok;
}

/* write_mailaddr - a mailaddr row for the sender, unless there is one */
static bool write_mailaddr(struct amavis_sql *q, const char *sender)
{
	char *sql = NULL;
	bool ok;

	if (asprintf(&sql, "INSERT INTO mailaddr (priority, email, dnswl_auto)"
		     " SELECT %ld, %s, 'Y'%s WHERE NOT EXISTS"
		     " (SELECT 1 FROM mailaddr WHERE email = %s)",
		     q->s.mailaddr_priority, sender, dual(q), sender) < 0)
		return amavis_sql_fail(q, "out of memory");
	ok = amavis_sql_do(q, sql, "insert mailaddr", NULL);
	free(sql);
	return ok;
}

/* refresh_slack - how old dnswl_seen may get before a write renews it */
static unsigned long refresh_slack(const struct amavis_sql *q)
{
	/* a row a day is plenty for "keep forever"; else 1/64 of the age limit */
	return q->s.max_age == 0 ? 86400 : q->s.max_age / 64;
}

/*
 * wblist_sql - the UPDATE of our own row (new wb, or a dnswl_seen older
 * than the slack) and the INSERT when the pair has no row; false: no memory
 */
static bool wblist_sql(const struct amavis_sql *q, const char *rcpt, const char *sender,
		       const char *wb, char **upd, char **ins)
{
	const char *now = amavis_sql_now(q);

	return asprintf(upd, "UPDATE wblist SET wb = %s, dnswl_seen = %s WHERE auto = 'Y'"
			" AND (wb <> %s OR dnswl_seen IS NULL OR dnswl_seen < %s - %lu)"
			" AND rid IN (SELECT id FROM users WHERE email = %s)"
			" AND sid IN (SELECT id FROM mailaddr WHERE email = %s)",
			wb, now, wb, now, refresh_slack(q), rcpt, sender) >= 0
		&& asprintf(ins, "INSERT INTO wblist (rid, sid, wb, auto, dnswl_seen)"
			    " SELECT u.id, m.id, %s, 'Y', %s FROM users u, mailaddr m"
			    " WHERE u.email = %s AND m.email = %s AND NOT EXISTS"
			    " (SELECT 1 FROM wblist w WHERE w.rid = u.id AND w.sid = m.id)",
			    wb, now, rcpt, sender) >= 0;
}

/*
 * pair_row - whose row does the pair have now?  'Y' ours, 'N' a
 * person's; a failure when there is none: the users or mailaddr row
 * went (the max_age expiry of another process) between our statements,
 * and the retry creates it again.
 */
static bool pair_row(struct amavis_sql *q, const char *rcpt, const char *sender, bool *kept)
{
	char *sql = NULL;
	dbi_result res;
	bool found = false;

	if (asprintf(&sql, "SELECT w.auto FROM wblist w, users u, mailaddr m WHERE w.rid = u.id"
		     " AND w.sid = m.id AND u.email = %s AND m.email = %s", rcpt, sender) < 0)
		return amavis_sql_fail(q, "out of memory");
	res = amavis_sql_exec(q, sql, "check wblist");
	free(sql);
	if (res == NULL)
		return false;
	if (sql_dbi.result_next_row(res)) {
		const char *a = sql_dbi.result_get_string_idx(res, 1);
		found = true;
		*kept = a == NULL || a[0] != 'Y';
	}
	sql_dbi.result_free(res);
	return found || amavis_sql_fail(q, "the users or mailaddr row went while writing"
					" (removed by the max_age expiry?)");
}

/* write_wblist - update our own row, or insert one if there is none */
static bool write_wblist(struct amavis_sql *q, const char *rcpt, const char *sender,
			 const char *wb, bool *kept)
{
	char *upd = NULL, *ins = NULL;
	unsigned long long nu = 0, ni = 0;
	bool ok = false;

	if (wblist_sql(q, rcpt, sender, wb, &upd, &ins))
		ok = amavis_sql_do(q, upd, "update wblist", &nu)
			&& amavis_sql_do(q, ins, "insert wblist", &ni)
			&& (nu + ni > 0 || pair_row(q, rcpt, sender, kept));
	else
		amavis_sql_fail(q, "out of memory");
	free(upd);
	free(ins);
	return ok;
}

/* write_rows - the statements inside the transaction */
static bool write_rows(struct amavis_sql *q, const struct amavis_job *job, bool *kept)
{
	char *rcpt = amavis_sql_value(q, job->recipient, email_kind(q, q->bytea_users));
	char *sender = amavis_sql_value(q, job->sender, email_kind(q, q->bytea_mailaddr));
	char *wb = amavis_sql_value(q, job->wb, VALUE_TEXT);
	bool ok = rcpt != NULL && sender != NULL && wb != NULL
		&& write_users(q, rcpt) && write_mailaddr(q, sender)
		&& write_wblist(q, rcpt, sender, wb, kept);

	free(rcpt);
	free(sender);
	free(wb);
	return ok;
}

/* amavis_stmt_write - users, mailaddr and wblist in one transaction */
bool amavis_stmt_write(struct amavis_sql *q, const struct amavis_job *job, bool *kept)
{
	*kept = false;
	if (!begin(q))
		return false;
	if (write_rows(q, job, kept) && amavis_sql_do(q, "COMMIT", "commit", NULL))
		return true;
	rollback(q);
	return false;
}

/* utf8_ok - is s valid UTF-8 (what a PostgreSQL text column can hold)? */
static bool utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *) s;

	while (*p != '\0') {
		int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 && *p >= 0xc2 ? 1
			: (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 && *p <= 0xf4 ? 3 : -1;
		if (n < 0)
			return false;
		for (p++; n > 0; n--, p++)
			if ((*p & 0xc0) != 0x80)
				return false;
	}
	return true;
}

/* storable - can the email column hold key at all? */
static bool storable(const struct amavis_sql *q, const char *key)
{
	/* a text column rejects the whole statement for one bad byte */
	return q->dsn.driver != AMAVIS_PGSQL || q->bytea_mailaddr || utf8_ok(key);
}

/* key_list - "expr, expr, ..." for the keys of a clean job (malloc'd; "" if none) */
static char *key_list(struct amavis_sql *q, const struct amavis_job *job)
{
	size_t size = 1, used = 0;
	char *list = calloc(1, 1);

	for (uint32_t i = 0; list != NULL && i < job->nkeys; i++) {
		if (!storable(q, job->keys[i]))
			continue;
		char *v = amavis_sql_value(q, job->keys[i], email_kind(q, q->bytea_mailaddr));
		char *grown = v != NULL ? realloc(list, size += strlen(v) + 2) : NULL;
		if (grown == NULL) {
			free(v);
			free(list);
			return NULL;
		}
		list = grown;
		used += (size_t) sprintf(list + used, "%s%s", used > 0 ? ", " : "", v);
		free(v);
	}
	return list;
}

/* amavis_stmt_clean - delete the auto rows of the sender's keys */
bool amavis_stmt_clean(struct amavis_sql *q, const struct amavis_job *job, unsigned long *deleted)
{
	char *keys = key_list(q, job), *sql = NULL;
	unsigned long long n = 0;
	bool ok = false;

	if (keys != NULL && keys[0] == '\0') {
		ok = true;	/* no key the table can hold: no row to delete */
	} else if (keys != NULL && asprintf(&sql, "DELETE FROM wblist WHERE auto = 'Y' AND sid IN"
					    " (SELECT id FROM mailaddr WHERE email IN (%s))", keys) >= 0) {
		ok = amavis_sql_do(q, sql, "delete wblist", &n);
	} else {
		amavis_sql_fail(q, "out of memory");
	}
	*deleted = (unsigned long) n;
	free(keys);
	free(sql);
	return ok;
}

/* hex_expr - the email column as lowercase hex, whatever its type */
static const char *hex_expr(const struct amavis_sql *q)
{
	if (q->dsn.driver != AMAVIS_PGSQL)
		return "lower(hex(email))";	/* the name also keeps the sqlite3 driver from parsing the schema */
	return q->bytea_mailaddr ? "lower(encode(email, 'hex'))"
		: "lower(encode(convert_to(email, 'UTF8'), 'hex'))";
}

/* unhex - decode hex text into key; false when it is not one */
static bool unhex(const char *text, size_t len, amavis_key key)
{
	if (len % 2 != 0 || len / 2 > AMAVIS_ADDR_MAX)
		return false;
	for (size_t i = 0; i < len / 2; i++) {
		unsigned v;
		if (sscanf(text + 2 * i, "%2x", &v) != 1)
			return false;
		key[i] = (char) v;
	}
	key[len / 2] = '\0';
	return true;
}

/* field_text - a result column as bytes, whichever type the driver made of it */
static const char *field_text(dbi_result res, size_t *len)
{
	if (sql_dbi.result_get_field_type_idx(res, 1) == DBI_TYPE_BINARY) {
		*len = sql_dbi.result_get_field_length_idx(res, 1);
		return (const char *) sql_dbi.result_get_binary_idx(res, 1);
	}
	const char *s = sql_dbi.result_get_string_idx(res, 1);
	*len = s != NULL ? strlen(s) : 0;
	return s;
}

/* amavis_stmt_refresh - every sender with auto rows into the filter */
bool amavis_stmt_refresh(struct amavis_sql *q, const struct amavis_job *job,
			 uint64_t *words, unsigned long *senders)
{
	char sql[256];
	dbi_result res;
	amavis_key key;

	snprintf(sql, sizeof(sql), "SELECT %s FROM mailaddr WHERE id IN"
		 " (SELECT sid FROM wblist WHERE auto = 'Y')", hex_expr(q));
	if ((res = amavis_sql_exec(q, sql, "read senders with auto rows")) == NULL)
		return false;
	*senders = 0;
	while (sql_dbi.result_next_row(res)) {
		size_t len;
		const char *text = field_text(res, &len);
		/* an address longer than a key cannot be one of ours: skip it */
		if (text != NULL && unhex(text, len, key)) {
			amavis_set_fill(words, job->nwords, job->seed, key, strlen(key));
			(*senders)++;
		}
	}
	sql_dbi.result_free(res);
	return true;
}
