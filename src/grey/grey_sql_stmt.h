/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grey_sql_stmt.h - the greylist's SQL statements, run in the SQL
 * helper child on an amavis_sql connection (same DSN syntax, timeouts
 * and retry as the amavis writer).  "now" is always the database's.
 */
#ifndef DNSWL_GREY_SQL_STMT_H
#define DNSWL_GREY_SQL_STMT_H

#include <stdbool.h>

#include "grey_cfg.h"
#include "grey_key.h"
#include "grey_store.h"

struct amavis_sql;

enum grey_sql_op {
	GREY_SQL_DECIDE,
	GREY_SQL_COUNTS,
	GREY_SQL_DROP,
};

/* One request to the helper, and its answer (raw structs on the socket). */
struct grey_sql_req {
	enum grey_sql_op op;
	bool cleanup;			/* DECIDE: try to claim the cleanup too */
	bool has_key;			/* DROP: the triplet, else the network */
	char net[GREY_NET_MAX];
	char key[GREY_KEY_MAX + 1];
};

struct grey_sql_res {
	bool ok;
	char err[400];
	bool listed;
	struct grey_step step;
	struct grey_counts counts;
	unsigned long dropped;
	unsigned long cleaned;		/* rows the cleanup deleted */
};

/*
 * grey_sql_stmt_run - run req on q with settings s and cleanup interval
 * (seconds): fills *res (res->ok false with res->err on failure).
 */
void grey_sql_stmt_run(struct amavis_sql *q, const struct grey_settings *s,
		       unsigned long interval, const struct grey_sql_req *req,
		       struct grey_sql_res *res);

#endif
