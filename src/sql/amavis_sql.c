/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_sql.c - the libdbi connection of the SQL helper process.
 *
 * Connects when a job first needs it and keeps the connection.  A job
 * that fails is retried (up to three tries) on a new connection: the old
 * one may have been dropped, and two dnswl processes inserting the same
 * new sender at the same moment make one of them fail on the unique key,
 * and its retry then finds the row the other one committed.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "amavis_sql_int.h"
#include "str.h"

#define JOB_TRIES	3

/* amavis_sql_new - remember the settings, connect nothing */
struct amavis_sql *amavis_sql_new(const struct amavis_dsn *dsn, const struct sql_settings *s)
{
	struct amavis_sql *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return NULL;
	q->dsn = *dsn;
	q->s = *s;
	q->bytea_users = q->bytea_mailaddr = true;
	return q;
}

/* amavis_sql_fail - keep the first reason of a failing job */
bool amavis_sql_fail(struct amavis_sql *q, const char *fmt, ...)
{
	va_list ap;

	if (q->err == NULL || q->err[0] != '\0')
		return false;
	va_start(ap, fmt);
	vsnprintf(q->err, q->errsize, fmt, ap);
	va_end(ap);
	return false;
}

/* one_line - copy a driver message, control bytes and runs of blanks as one space */
static void one_line(char *buf, size_t size, const char *msg)
{
	size_t o = 0;

	for (; *msg != '\0' && o + 1 < size; msg++) {
		bool blank = (unsigned char) *msg <= ' ' || *msg == 0x7f;
		if (blank && (o == 0 || buf[o - 1] == ' '))
			continue;
		buf[o++] = blank ? ' ' : *msg;
	}
	while (o > 0 && buf[o - 1] == ' ')
		o--;
	buf[o] = '\0';
}

/* conn_fail - record the driver's error for `what` (and the statement) */
static bool conn_fail(struct amavis_sql *q, const char *what, const char *sql)
{
	const char *msg = NULL;
	char line[400];

	if (q->conn != NULL)
		sql_dbi.conn_error(q->conn, &msg);
	one_line(line, sizeof(line), msg != NULL && *msg ? msg : "unknown error");
	if (sql == NULL)
		return amavis_sql_fail(q, "%s: %s", what, line);
	return amavis_sql_fail(q, "%s: %s [%.160s]", what, line, sql);
}

/* amavis_sql_exec - one statement, logged when verbose_sql */
dbi_result amavis_sql_exec(struct amavis_sql *q, const char *sql, const char *what)
{
	dbi_result res;

	if (q->s.verbose_sql)
		msg_info("sql: %.1000s", sql);
	q->statements++;
	res = sql_dbi.conn_query(q->conn, sql);
	if (res == NULL)
		conn_fail(q, what, sql);
	return res;
}

/* amavis_sql_do - a statement without rows */
bool amavis_sql_do(struct amavis_sql *q, const char *sql, const char *what,
		   unsigned long long *affected)
{
	dbi_result res = amavis_sql_exec(q, sql, what);

	if (res == NULL)
		return false;
	if (affected != NULL)
		*affected = sql_dbi.result_get_numrows_affected(res);
	sql_dbi.result_free(res);
	return true;
}

/* hex - s as lowercase hex digits (malloc'd) */
static char *hex(const char *s)
{
	size_t len = strlen(s);
	char *out = malloc(2 * len + 1);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", (unsigned char) s[i]);
	out[2 * len] = '\0';
	return out;
}

/* amavis_sql_value - quote s for an email column */
char *amavis_sql_value(struct amavis_sql *q, const char *s, enum value_kind kind)
{
	bool as_hex = kind == VALUE_BYTEA;
	char *plain = as_hex ? hex(s) : (char *) s, *quoted = NULL, *expr = NULL;
	size_t len = plain != NULL ? sql_dbi.conn_quote_string_copy(q->conn, plain, &quoted) : 0;
	int n = -1;

	if (len > 0 && as_hex)
		n = asprintf(&expr, "decode(%s, 'hex')", quoted);
	else if (len > 0 && kind == VALUE_EMAIL && q->dsn.driver == AMAVIS_MYSQL)
		n = asprintf(&expr, "_binary %s", quoted);
	else if (len > 0)
		n = asprintf(&expr, "%s", quoted);
	if (as_hex)
		free(plain);
	free(quoted);
	if (n < 0) {
		amavis_sql_fail(q, "cannot quote a value (out of memory?)");
		return NULL;
	}
	return expr;
}

/* timeout_ms - [sql] timeout in milliseconds, at least one second */
static unsigned long timeout_ms(const struct amavis_sql *q)
{
	return (q->s.timeout > 0 ? q->s.timeout : 1) * 1000UL;
}

/* sqlite_options - the sqlite3 driver wants a directory and a file name */
static bool sqlite_options(struct amavis_sql *q)
{
	char path[PATH_MAX + 2 * AMAVIS_DSN_FIELD];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", q->dsn.dbdir, q->dsn.dbname);
	/* the driver would silently create an empty database */
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return amavis_sql_fail(q, "sqlite database %s does not exist (create it from %s/dnswl/sqlite.sql)",
				       path, DATADIR);
	sql_dbi.conn_set_option(q->conn, "sqlite3_dbdir", q->dsn.dbdir);
	sql_dbi.conn_set_option(q->conn, "dbname", q->dsn.dbname);
	sql_dbi.conn_set_option_numeric(q->conn, "sqlite3_timeout", (int) timeout_ms(q));
	return true;
}

/* server_options - host, port, user, password, database, timeouts */
static bool server_options(struct amavis_sql *q)
{
	char pgopts[128];

	if (q->dsn.host[0] != '\0')
		sql_dbi.conn_set_option(q->conn, "host", q->dsn.host);
	if (q->dsn.port != 0)
		sql_dbi.conn_set_option_numeric(q->conn, "port", (int) q->dsn.port);
	if (q->dsn.user[0] != '\0')
		sql_dbi.conn_set_option(q->conn, "username", q->dsn.user);
	if (q->dsn.password[0] != '\0')
		sql_dbi.conn_set_option(q->conn, "password", q->dsn.password);
	sql_dbi.conn_set_option(q->conn, "dbname", q->dsn.dbname);
	sql_dbi.conn_set_option_numeric(q->conn, "timeout", (int) (timeout_ms(q) / 1000));
	if (q->dsn.driver == AMAVIS_PGSQL) {
		/* server-side limits, so a killed helper's statements end too */
		snprintf(pgopts, sizeof(pgopts), "-c statement_timeout=%lu -c lock_timeout=%lu",
			 timeout_ms(q), timeout_ms(q));
		sql_dbi.conn_set_option(q->conn, "pgsql_options", pgopts);
	}
	return true;
}

/* pg_column_types - are the email columns bytea (amavis >= 2.7) or text? */
static bool pg_column_types(struct amavis_sql *q)
{
	dbi_result res = amavis_sql_exec(q, "SELECT table_name, data_type FROM information_schema.columns"
					 " WHERE column_name = 'email' AND table_name IN ('users', 'mailaddr')"
					 " AND table_schema = current_schema()", "read column types");

	if (res == NULL)
		return false;
	while (sql_dbi.result_next_row(res)) {
		const char *table = sql_dbi.result_get_string_idx(res, 1);
		const char *type = sql_dbi.result_get_string_idx(res, 2);
		bool bytea = type != NULL && strcmp(type, "bytea") == 0;
		if (table != NULL && strcmp(table, "users") == 0)
			q->bytea_users = bytea;
		else if (table != NULL && strcmp(table, "mailaddr") == 0)
			q->bytea_mailaddr = bytea;
	}
	sql_dbi.result_free(res);
	return true;
}

/* after_connect - per-connection settings */
static bool after_connect(struct amavis_sql *q)
{
	char sql[96];

	if (q->dsn.driver == AMAVIS_PGSQL)
		return pg_column_types(q);
	if (q->dsn.driver == AMAVIS_MYSQL) {
		snprintf(sql, sizeof(sql), "SET SESSION innodb_lock_wait_timeout = %lu",
			 timeout_ms(q) / 1000);
		return amavis_sql_do(q, sql, "set lock timeout", NULL);
	}
	return true;
}

/* disconnect - drop the connection (the next job connects again) */
static void disconnect(struct amavis_sql *q)
{
	if (q->conn != NULL)
		sql_dbi.conn_close(q->conn);
	q->conn = NULL;
}

/* sql_connect - load the driver, connect, prepare the session */
static bool sql_connect(struct amavis_sql *q)
{
	const char *driver = amavis_driver_name(q->dsn.driver);
	char where[PATH_MAX + 4 * AMAVIS_DSN_FIELD], what[sizeof(where) + 16];
	char err[256];

	if (!sql_dbi_load(err, sizeof(err)))
		return amavis_sql_fail(q, "%s", err);
	if (q->inst == NULL && sql_dbi.initialize_r(NULL, &q->inst) < 0)
		return amavis_sql_fail(q, "cannot initialize libdbi");
	q->conn = sql_dbi.conn_new_r(driver, q->inst);
	if (q->conn == NULL)
		return amavis_sql_fail(q, "libdbi driver %s is not installed (Debian package libdbd-%s)",
				       driver, q->dsn.driver == AMAVIS_SQLITE3 ? "sqlite3" : driver);
	if (!(q->dsn.driver == AMAVIS_SQLITE3 ? sqlite_options(q) : server_options(q))) {
		disconnect(q);
		return false;
	}
	amavis_dsn_describe(&q->dsn, where, sizeof(where));
	if (sql_dbi.conn_connect(q->conn) < 0) {
		snprintf(what, sizeof(what), "connect to %s", where);
		conn_fail(q, what, NULL);
		disconnect(q);
		return false;
	}
	q->connects++;
	if (q->s.verbose_sql)
		msg_info("sql: connected to %s", where);
	if (!after_connect(q)) {
		disconnect(q);
		return false;
	}
	return true;
}

/*
 * run_parts - the parts of one job: write, refresh, clean.  The refresh
 * comes before the clean so that it is kept even when a statement with
 * request data in it fails.
 */
static bool run_parts(struct amavis_sql *q, const struct amavis_job *job,
		      uint64_t *words, struct amavis_result *r)
{
	if ((job->flags & JOB_WRITE) && !amavis_stmt_write(q, job, &r->kept))
		return false;
	if ((job->flags & JOB_REFRESH) && !r->refreshed)
		r->refreshed = amavis_stmt_refresh(q, job, words, &r->senders);
	if ((job->flags & JOB_REFRESH) && !r->refreshed)
		return false;
	if ((job->flags & JOB_CLEAN) && !amavis_stmt_clean(q, job, &r->deleted))
		return false;
	return true;
}

/* run_expire - one expiry batch; its failure is its own, not the job's */
static void run_expire(struct amavis_sql *q, struct amavis_result *r)
{
	q->err = r->expire_error;
	q->errsize = sizeof(r->expire_error);
	r->expire_ok = amavis_stmt_expire(q, r->expired, &r->expire_more);
}

/*
 * amavis_sql_run - one job, with retries.  After the first failure the
 * connection is made anew, whatever the error was: a dropped connection
 * is not always visible as such (the pgsql driver's ping even resets it
 * behind our back), and a fresh one costs little next to a failure.
 */
void amavis_sql_run(struct amavis_sql *q, const struct amavis_job *job,
		    uint64_t *words, struct amavis_result *r)
{
	memset(r, 0, sizeof(*r));
	q->err = r->error;
	q->errsize = sizeof(r->error);
	for (int try = 0; try < JOB_TRIES && !r->ok; try++) {
		if (try > 0 && q->s.verbose_sql)
			msg_info("sql: retrying after: %s", r->error);
		r->error[0] = '\0';
		if (q->conn == NULL && !sql_connect(q)) {
			r->unreachable = true;
			break;
		}
		r->ok = run_parts(q, job, words, r);
		if (!r->ok && try == 0)
			disconnect(q);
	}
	if (r->ok && (job->flags & JOB_EXPIRE))
		run_expire(q, r);
	r->connects = q->connects;
	r->statements = q->statements;
	q->err = NULL;
}

/* amavis_sql_with - fn on a connection, retried once on a new one */
bool amavis_sql_with(struct amavis_sql *q, amavis_sql_fn *fn, void *arg,
		     char *err, size_t errsize, bool *unreachable)
{
	bool ok = false;

	q->err = err;
	q->errsize = errsize;
	*unreachable = false;
	for (int try = 0; try < 2 && !ok; try++) {
		err[0] = '\0';
		if (q->conn == NULL && !sql_connect(q)) {
			*unreachable = true;
			break;
		}
		if (!(ok = fn(q, arg)))
			disconnect(q);
	}
	q->err = NULL;
	return ok;
}

/* amavis_sql_free - disconnect and unload */
void amavis_sql_free(struct amavis_sql *q)
{
	if (q == NULL)
		return;
	disconnect(q);
	if (q->inst != NULL)
		sql_dbi.shutdown_r(q->inst);
	free(q);
}
