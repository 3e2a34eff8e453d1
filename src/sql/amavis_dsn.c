/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_dsn.c - parse the [sql] dsn URL into libdbi driver options.
 *
 * The URL forms are those of the original dnswl.py (an SQLAlchemy URL),
 * so existing configuration files keep working.  Syntax only: whether
 * the database answers is found out when it is first needed.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "amavis.h"
#include "amavis_dsn.h"
#include "str.h"

static const struct {
	const char *scheme;
	enum amavis_driver driver;
} schemes[] = {
	{"sqlite", AMAVIS_SQLITE3}, {"sqlite3", AMAVIS_SQLITE3},
	{"postgresql", AMAVIS_PGSQL}, {"postgres", AMAVIS_PGSQL},
	{"pgsql", AMAVIS_PGSQL}, {"mysql", AMAVIS_MYSQL}, {"mariadb", AMAVIS_MYSQL},
};

/* fail - write a reason and return false */
static bool fail(char *err, size_t errsize, const char *what)
{
	snprintf(err, errsize, "invalid dsn: %s", what);
	return false;
}

/* hexval - value of one hex digit, or -1 */
static int hexval(int c)
{
	if (isdigit(c))
		return c - '0';
	c = tolower(c);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* percent_decode - decode src[0..len) into buf; false on bad escapes */
static bool percent_decode(const char *src, size_t len, char *buf, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char) src[i];

		if (c == '%') {
			if (len - i < 3)
				return false;
			int hi = hexval((unsigned char) src[i + 1]);
			int lo = hexval((unsigned char) src[i + 2]);
			if (hi < 0 || lo < 0 || (c = hi * 16 + lo) == 0)
				return false;
			i += 2;
		}
		if (o + 1 >= size)
			return false;
		buf[o++] = (char) c;
	}
	buf[o] = '\0';
	return true;
}

/* scheme_driver - map "postgresql" (or "mysql+mysqldb") to a driver */
static bool scheme_driver(const char *text, size_t len, enum amavis_driver *out)
{
	const char *plus = memchr(text, '+', len);

	if (plus != NULL)
		len = (size_t) (plus - text);
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		if (strlen(schemes[i].scheme) == len
		    && strncasecmp(text, schemes[i].scheme, len) == 0) {
			*out = schemes[i].driver;
			return true;
		}
	}
	return false;
}

/* parse_sqlite - "/dir/file.db" into dbdir and dbname */
static bool parse_sqlite(const char *path, struct amavis_dsn *out, char *err, size_t errsize)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen;

	if (path[0] != '/')
		return fail(err, errsize, "sqlite needs an absolute path: sqlite:///path/to/file.db");
	if (slash[1] == '\0')
		return fail(err, errsize, "sqlite path names a directory, not a file");
	dirlen = slash == path ? 1 : (size_t) (slash - path);
	if (dirlen >= sizeof(out->dbdir) || !str_copy(out->dbname, sizeof(out->dbname), slash + 1))
		return fail(err, errsize, "sqlite path too long");
	memcpy(out->dbdir, path, dirlen);
	out->dbdir[dirlen] = '\0';
	return true;
}

/* parse_userinfo - "user[:password]", both percent-decoded */
static bool parse_userinfo(const char *s, size_t len, struct amavis_dsn *out,
			   char *err, size_t errsize)
{
	const char *colon = memchr(s, ':', len);
	size_t ulen = colon != NULL ? (size_t) (colon - s) : len;

	if (!percent_decode(s, ulen, out->user, sizeof(out->user)))
		return fail(err, errsize, "bad user name (too long or bad %-escape)");
	if (colon != NULL && !percent_decode(colon + 1, len - ulen - 1,
					     out->password, sizeof(out->password)))
		return fail(err, errsize, "bad password (too long or bad %-escape)");
	return true;
}

/* parse_port - decimal 1..65535 */
static bool parse_port(const char *s, size_t len, unsigned *port)
{
	char buf[8];
	unsigned long v;

	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (!str_parse_uint(buf, 65535, &v) || v == 0)
		return false;
	*port = (unsigned) v;
	return true;
}

/* parse_hostport - "host", "host:port", "[v6]", "[v6]:port" or "" */
static bool parse_hostport(const char *s, size_t len, struct amavis_dsn *out,
			   char *err, size_t errsize)
{
	const char *end = s + len, *host = s, *hend, *colon;

	if (len > 0 && s[0] == '[') {
		hend = memchr(s, ']', len);
		if (hend == NULL)
			return fail(err, errsize, "unclosed [ in host");
		colon = hend + 1 < end ? hend + 1 : NULL;
		if (colon != NULL && *colon != ':')
			return fail(err, errsize, "junk after ] in host");
		host++;
	} else {
		colon = memchr(s, ':', len);
		hend = colon != NULL ? colon : end;
	}
	if ((size_t) (hend - host) >= sizeof(out->host))
		return fail(err, errsize, "host name too long");
	memcpy(out->host, host, (size_t) (hend - host));
	out->host[hend - host] = '\0';
	if (colon != NULL && !parse_port(colon + 1, (size_t) (end - colon - 1), &out->port))
		return fail(err, errsize, "port must be a number from 1 to 65535");
	return true;
}

/* parse_server - "[user[:pass]@]host[:port]/database" */
static bool parse_server(const char *rest, struct amavis_dsn *out, char *err, size_t errsize)
{
	const char *slash = strchr(rest, '/'), *at;
	size_t alen;

	if (strpbrk(rest, "?#") != NULL)
		return fail(err, errsize, "query parameters (?...) are not supported");
	if (slash == NULL)
		return fail(err, errsize, "missing /DATABASE after the host");
	alen = (size_t) (slash - rest);
	at = NULL;
	for (const char *p = rest; p < slash; p++)
		if (*p == '@')
			at = p;
	if (at != NULL && !parse_userinfo(rest, (size_t) (at - rest), out, err, errsize))
		return false;
	if (at != NULL) {
		alen -= (size_t) (at + 1 - rest);
		rest = at + 1;
	}
	if (!parse_hostport(rest, alen, out, err, errsize))
		return false;
	if (!percent_decode(slash + 1, strlen(slash + 1), out->dbname, sizeof(out->dbname))
	    || out->dbname[0] == '\0' || strchr(out->dbname, '/') != NULL)
		return fail(err, errsize, "missing or bad database name after the host");
	return true;
}

/* amavis_dsn_parse - the URL into driver options */
bool amavis_dsn_parse(const char *text, struct amavis_dsn *out, char *err, size_t errsize)
{
	const char *sep = strstr(text, "://");

	memset(out, 0, sizeof(*out));
	if (text[0] == '\0')
		return fail(err, errsize, "empty (use_sql needs a dsn)");
	if (str_has_ctl(text))
		return fail(err, errsize, "control character in dsn");
	if (sep == NULL)
		return fail(err, errsize, "expected TYPE://..., e.g. sqlite:///var/lib/dnswl/amavis.db");
	if (!scheme_driver(text, (size_t) (sep - text), &out->driver))
		return fail(err, errsize, "unknown database type (sqlite, postgresql, pgsql, mysql)");
	if (out->driver == AMAVIS_SQLITE3)
		return parse_sqlite(sep + 3, out, err, errsize);
	return parse_server(sep + 3, out, err, errsize);
}

/* amavis_dsn_check - the config loader's syntax check */
bool amavis_dsn_check(const char *dsn, char *err, size_t errsize)
{
	struct amavis_dsn parsed;

	return amavis_dsn_parse(dsn, &parsed, err, errsize);
}

/* amavis_driver_name - libdbi's name for the driver */
const char *amavis_driver_name(enum amavis_driver driver)
{
	switch (driver) {
	case AMAVIS_SQLITE3:
		return "sqlite3";
	case AMAVIS_PGSQL:
		return "pgsql";
	case AMAVIS_MYSQL:
		return "mysql";
	}
	return "?";
}

/* amavis_dsn_describe - the DSN for logs, password left out */
const char *amavis_dsn_describe(const struct amavis_dsn *dsn, char *buf, size_t size)
{
	buf[0] = '\0';
	if (dsn->driver == AMAVIS_SQLITE3) {
		str_appendf(buf, size, "sqlite3://%s%s%s", dsn->dbdir,
			    strcmp(dsn->dbdir, "/") == 0 ? "" : "/", dsn->dbname);
		return buf;
	}
	str_appendf(buf, size, "%s://%s%s%s%s%s", amavis_driver_name(dsn->driver),
		    dsn->user, dsn->user[0] ? "@" : "",
		    strchr(dsn->host, ':') ? "[" : "", dsn->host,
		    strchr(dsn->host, ':') ? "]" : "");
	if (dsn->port != 0)
		str_appendf(buf, size, ":%u", dsn->port);
	str_appendf(buf, size, "/%s", dsn->dbname);
	return buf;
}
