/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_dsn.h - the [sql] dsn URL, parsed into libdbi driver options.
 *
 *   mysql://user:pass@host[:port]/db          driver mysql
 *   postgresql://user:pass@host[:port]/db     driver pgsql (also pgsql://,
 *                                             postgres://)
 *   sqlite:///absolute/path/file.db           driver sqlite3 (also sqlite3://)
 *
 * User and password may hold percent-escapes (%40 for '@', %3A for ':').
 * The host may be empty (the client library's default, usually the local
 * socket) or an IPv6 literal in brackets.  A "+driver" suffix on the
 * scheme (mysql+mysqldb://, as SQLAlchemy writes it) is ignored.
 */
#ifndef DNSWL_AMAVIS_DSN_H
#define DNSWL_AMAVIS_DSN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

enum amavis_driver {
	AMAVIS_SQLITE3,
	AMAVIS_PGSQL,
	AMAVIS_MYSQL,
};

#define AMAVIS_DSN_FIELD 256

struct amavis_dsn {
	enum amavis_driver driver;
	char host[AMAVIS_DSN_FIELD];	/* "" = library default */
	unsigned port;			/* 0 = default */
	char user[AMAVIS_DSN_FIELD];
	char password[AMAVIS_DSN_FIELD];
	char dbname[AMAVIS_DSN_FIELD];	/* sqlite3: file name in dbdir */
	char dbdir[PATH_MAX];		/* sqlite3 only */
};

/*
 * amavis_dsn_parse - parse text into *out.  Returns true on success;
 * otherwise false with the reason in err (never the password).
 */
bool amavis_dsn_parse(const char *text, struct amavis_dsn *out,
		      char *err, size_t errsize);

/* amavis_driver_name - the libdbi driver name ("sqlite3", "pgsql", "mysql"). */
const char *amavis_driver_name(enum amavis_driver driver);

/*
 * amavis_dsn_describe - "pgsql://user@host:port/db" without the
 * password, for log lines.  Returns buf.
 */
const char *amavis_dsn_describe(const struct amavis_dsn *dsn, char *buf, size_t size);

#endif
