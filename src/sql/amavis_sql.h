/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_sql.h - the SQL statements, run through libdbi in the helper.
 *
 * One connection, made when the first job needs it, kept for the next
 * jobs, made again once when it was dropped.  Every string value goes
 * through dbi_conn_quote_string_copy (on PostgreSQL bytea columns as
 * decode('<hex>', 'hex'), on MySQL as _binary '...', so 8-bit bytes are
 * stored exactly).
 */
#ifndef DNSWL_AMAVIS_SQL_H
#define DNSWL_AMAVIS_SQL_H

#include <stdbool.h>
#include <stdint.h>

#include "amavis_addr.h"
#include "amavis_dsn.h"
#include "cfg.h"

enum {
	JOB_WRITE = 1,		/* users + mailaddr + wblist auto row */
	JOB_CLEAN = 2,		/* delete the auto rows of keys */
	JOB_REFRESH = 4,	/* read every sender with auto rows */
	JOB_EXPIRE = 8,		/* afterwards: one batch of the max_age expiry */
};

/* Rows one expiry batch removes at most, per table. */
#define AMAVIS_EXPIRE_BATCH	100

struct amavis_job {
	unsigned flags;
	amavis_key sender;		/* JOB_WRITE: stored keys */
	amavis_key recipient;
	char wb[AMAVIS_WB_MAX + 1];
	amavis_key keys[AMAVIS_MAX_KEYS];	/* JOB_CLEAN */
	uint32_t nkeys;
	uint64_t seed;			/* JOB_REFRESH: filter to fill */
	uint32_t nwords;
};

struct amavis_result {
	bool ok;
	char error[512];		/* !ok: what failed, for the log */
	bool unreachable;		/* !ok: no connection (or no answer in time) */
	bool refreshed;			/* JOB_REFRESH done: the words are valid */
	bool kept;			/* JOB_WRITE: a person's row for the pair, left alone */
	bool expire_ok;			/* JOB_EXPIRE ran (its failure is not the job's) */
	bool expire_more;		/* JOB_EXPIRE: a batch was full, more to do */
	char expire_error[256];		/* JOB_EXPIRE failed: why */
	unsigned long expired[3];	/* JOB_EXPIRE: wblist, users, mailaddr rows removed */
	unsigned long deleted;		/* JOB_CLEAN: rows deleted */
	unsigned long senders;		/* JOB_REFRESH: rows read */
	unsigned long connects;		/* so far in this helper */
	unsigned long statements;	/* so far in this helper */
};

struct amavis_sql;

/* amavis_sql_new - remember where to connect; connects nothing yet. */
struct amavis_sql *amavis_sql_new(const struct amavis_dsn *dsn, const struct sql_settings *s);

/*
 * amavis_sql_run - run job, connecting first if needed: the write, then
 * the refresh (setting bits in words: job->nwords words, zeroed by the
 * caller), then the clean; then, when the job succeeded and asks for it,
 * one expiry batch.  Fills *r; r->ok tells whether every part of the
 * job but the expiry succeeded, r->refreshed whether the refresh did,
 * r->expire_ok whether the expiry did.
 */
void amavis_sql_run(struct amavis_sql *q, const struct amavis_job *job,
		    uint64_t *words, struct amavis_result *r);

/* amavis_sql_free - disconnect, unload the drivers, free q. */
void amavis_sql_free(struct amavis_sql *q);

#endif
