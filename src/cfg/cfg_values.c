/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_values.c - check and store the values of each dnswl.cfg section.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg.h"
#include "cache.h"
#include "cfg_load.h"
#include "str.h"


/*
 * cfg_error - record the first error with file and line.  Values from
 * the file are quoted in it: control bytes become '?', so the error
 * stays one line on the terminal (dnswl -n) as in the log.
 */
void cfg_error(struct cfg_state *st, const char *fmt, ...)
{
	char msg[512], raw[CFG_ERR_MAX];
	va_list ap;

	if (st->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	raw[0] = '\0';
	if (st->line > 0)
		str_appendf(raw, sizeof(raw), "%s:%d: %s", st->path, st->line, msg);
	else
		str_appendf(raw, sizeof(raw), "%s: %s", st->path, msg);
	str_printable(st->error, sizeof(st->error), raw);
	st->failed = true;
}

/* cfg_key - is name the key?  Else remember key if it is the nearest yet */
bool cfg_key(struct cfg_state *st, const char *name, const char *key)
{
	size_t ln = strlen(name), lk = strlen(key);
	unsigned d;

	if (strcmp(name, key) == 0)
		return true;
	if (ln > lk + 2 || lk > ln + 2)
		return false;	/* the distance is at least that difference */
	d = str_distance(name, key);
	if (d <= 2 && 3 * d <= strlen(key) && (st->near[0] == '\0' || d < st->near_dist)) {
		str_copy(st->near, sizeof(st->near), key);
		st->near_dist = d;
	}
	return false;
}

/* cfg_unknown_key - the error, with the nearest known key if any */
void cfg_unknown_key(struct cfg_state *st, const char *section, const char *name)
{
	if (st->near[0] != '\0')
		cfg_error(st, "unknown key \"%s\" in [%s]; did you mean \"%s\"?",
			  name, section, st->near);
	else
		cfg_error(st, "unknown key \"%s\" in [%s]", name, section);
}

/* cfg_defaults - built-in settings */
void cfg_defaults(struct config *cfg)
{
	cfg->dns.timeout = 2;
	cfg->dns.attempts = 2;
	str_copy(cfg->action_ok, sizeof(cfg->action_ok), "OK");
	str_copy(cfg->action_dunno, sizeof(cfg->action_dunno), "DUNNO");
	str_copy(cfg->action_defer, sizeof(cfg->action_defer),
		 "DEFER_IF_REJECT 4.7.1 DNS list lookup failed, try again later");
	str_copy(cfg->action_reject, sizeof(cfg->action_reject),
		 "REJECT 5.7.1 Service unavailable, listed by $lists");
	str_copy(cfg->syslog_facility, sizeof(cfg->syslog_facility), "mail");
	cfg->facility = msg_facility_code("mail");
	str_copy(cfg->cache.file, sizeof(cfg->cache.file),
		 LOCALSTATEDIR "/cache/dnswl/cache.db");
	cfg->cache.size = 16384;
	cfg->cache.min_ttl = 60;
	cfg->cache.max_ttl = 3600;
	cfg->cache.fail_ttl = 30;
	cfg->probe_interval = 300;
	cfg->sql.policy_preset = 0;
	cfg->sql.cleanup_interval = 60;
	cfg->sql.max_age = 2592000;
	cfg->sql.timeout = 5;
	cfg->sql.localpart_lowercase = true;
	cfg_grey_defaults(&cfg->grey);
}

/* cfg_once - refuse a key given twice in one section */
bool cfg_once(struct cfg_state *st, const char *section, const char *name)
{
	char key[128];

	snprintf(key, sizeof(key), " %s/%s ", section, name);
	if (strstr(st->seen, key) != NULL) {
		cfg_error(st, "\"%s\" given twice in [%s] (an indented line "
			  "continues the value above it)", name, section);
		return false;
	}
	if (st->seen[0] == '\0')
		st->seen[0] = ' ';
	if (!str_appendf(st->seen, sizeof(st->seen), "%s", key + 1))
		cfg_error(st, "too many keys");
	return !st->failed;
}

/* cfg_uint - bounded unsigned value */
void cfg_uint(struct cfg_state *st, const char *name, const char *value,
		     unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v;

	if (!str_parse_uint(value, max, &v) || v < min)
		cfg_error(st, "%s: \"%s\" is not a whole number from %lu to %lu",
			  name, value, min, max);
	else
		*out = v;
}

/* cfg_long - bounded signed value (priorities, ids) */
static void cfg_long(struct cfg_state *st, const char *name, const char *value, long *out)
{
	double v;

	if (strchr(value, '.') != NULL || !str_parse_double(value, &v) || v < -1e9 || v > 1e9)
		cfg_error(st, "%s: \"%s\" is not a whole number", name, value);
	else
		*out = (long) v;
}

/* cfg_bool - yes/no value */
void cfg_bool(struct cfg_state *st, const char *name, const char *value, bool *out)
{
	if (!str_parse_bool(value, out))
		cfg_error(st, "%s: \"%s\" is not yes or no", name, value);
}

/* cfg_action - an access(5) action without line breaks */
void cfg_action(struct cfg_state *st, const char *name, const char *value,
		       char *out, size_t size)
{
	static const char *known[] = {"OK", "DUNNO", "REJECT", "DEFER",
		"DEFER_IF_REJECT", "DEFER_IF_PERMIT", "PREPEND", "WARN", "HOLD",
		"DISCARD", "FILTER", "REDIRECT", "BCC", "INFO", NULL};
	size_t word = strcspn(value, " \t");

	for (const char **k = known; *k; k++)
		if (strlen(*k) == word && strncasecmp(value, *k, word) == 0)
			goto valid;
	if (word == 3 && (value[0] == '4' || value[0] == '5')
	    && strspn(value, "0123456789") == 3)
		goto valid;
	cfg_error(st, "%s: \"%s\" is not a Postfix access(5) action", name, value);
	return;
valid:
	if (str_has_ctl(value) || !str_copy(out, size, value))
		cfg_error(st, "%s: action too long or holds control characters", name);
}

/* cfg_reject_score - a positive plain decimal, or empty: never reject */
static void cfg_reject_score(struct config *cfg, struct cfg_state *st, const char *value)
{
	cfg->has_reject_score = *value != '\0';
	if (cfg->has_reject_score && (!cfg_parse_boost(value, &cfg->reject_score)
				      || cfg->reject_score <= 0))
		cfg_error(st, "reject_score: \"%s\" is not a plain decimal number above 0 "
			  "and at most %g (empty: never reject)", value, CFG_BOOST_LIMIT);
}

/* cfg_header - an RFC 5322 field name, or empty: no header */
static void cfg_header(struct config *cfg, struct cfg_state *st, const char *value)
{
	for (const char *p = value; *p; p++)
		if (*p < 33 || *p > 126 || *p == ':')
			return cfg_error(st, "header: \"%s\" is not a header field name "
					 "(printable ASCII, no space or colon)", value);
	if (!str_copy(cfg->header, sizeof(cfg->header), value))
		cfg_error(st, "header: longer than %zu bytes", sizeof(cfg->header) - 1);
}

/* cfg_scoring - the scoring keys of [global]; false: not one of them */
static bool cfg_scoring(struct cfg_state *st, const char *name, const char *value)
{
	struct config *cfg = st->cfg;

	if (cfg_key(st, name, "reject_score"))
		cfg_reject_score(cfg, st, value);
	else if (cfg_key(st, name, "action_reject"))
		cfg_action(st, name, value, cfg->action_reject, sizeof(cfg->action_reject));
	else if (cfg_key(st, name, "header"))
		cfg_header(cfg, st, value);
	else if (cfg_key(st, name, "dry_run"))
		cfg_bool(st, name, value, &cfg->dry_run);
	else if (cfg_key(st, name, "probe_interval"))
		cfg_uint(st, name, value, 0, 7 * 86400, &cfg->probe_interval);
	else
		return false;
	return true;
}

/* dnswl.py daemon keys that spawn(8) makes moot: accepted, ignored. */
const char *const cfg_ignored_keys[] = {"bind_address", "bind_address6",
	"port", "uid", "gid", NULL};

/* cfg_daemon_key - is name one of cfg_ignored_keys? */
static bool cfg_daemon_key(struct cfg_state *st, const char *name)
{
	for (const char *const *k = cfg_ignored_keys; *k; k++)
		if (cfg_key(st, name, *k))
			return true;
	return false;
}

/* cfg_small_uint - a bounded unsigned key into an unsigned field */
static void cfg_small_uint(struct cfg_state *st, const char *name, const char *value,
			   unsigned long min, unsigned long max, unsigned *field)
{
	unsigned long v = *field;

	cfg_uint(st, name, value, min, max, &v);
	*field = (unsigned) v;
}

/* cfg_global_dns - the resolver keys of [global]; false: name is none */
static bool cfg_global_dns(struct cfg_state *st, const char *name, const char *value)
{
	struct dns_settings *dns = &st->cfg->dns;
	char err[256];

	if (cfg_key(st, name, "nameserver")) {
		if (!cfg_parse_nameservers(dns, value, err, sizeof(err)))
			cfg_error(st, "nameserver: %s", err);
	} else if (cfg_key(st, name, "dns_timeout"))
		cfg_small_uint(st, name, value, 1, 60, &dns->timeout);
	else if (cfg_key(st, name, "dns_attempts"))
		cfg_small_uint(st, name, value, 1, 10, &dns->attempts);
	else if (cfg_key(st, name, "dns_max_parallel"))
		cfg_small_uint(st, name, value, 0, DNS_MAX_PARALLEL, &dns->max_parallel);
	else
		return false;
	return true;
}

/* cfg_global_out - the actions and logging keys of [global]; false: none */
static bool cfg_global_out(struct cfg_state *st, const char *name, const char *value)
{
	struct config *cfg = st->cfg;

	if (cfg_key(st, name, "action_ok"))
		cfg_action(st, name, value, cfg->action_ok, sizeof(cfg->action_ok));
	else if (cfg_key(st, name, "action_dunno"))
		cfg_action(st, name, value, cfg->action_dunno, sizeof(cfg->action_dunno));
	else if (cfg_key(st, name, "action_defer"))
		cfg_action(st, name, value, cfg->action_defer, sizeof(cfg->action_defer));
	else if (cfg_key(st, name, "syslog_facility")) {
		if ((cfg->facility = msg_facility_code(value)) < 0)
			cfg_error(st, "syslog_facility: unknown facility \"%s\"", value);
		str_copy(cfg->syslog_facility, sizeof(cfg->syslog_facility), value);
	} else if (cfg_key(st, name, "log_file")) {
		if (*value != '\0' && *value != '/')
			cfg_error(st, "log_file: \"%s\" is not an absolute path", value);
		else if (!str_copy(cfg->log_file, sizeof(cfg->log_file), value))
			cfg_error(st, "log_file: path too long");
	} else
		return false;
	return true;
}

/* cfg_global - [global] keys */
void cfg_global(struct cfg_state *st, const char *name, const char *value)
{
	if (!cfg_once(st, "global", name))
		return;
	if (cfg_global_dns(st, name, value) || cfg_global_out(st, name, value)
	    || cfg_scoring(st, name, value))
		return;
	if (cfg_daemon_key(st, name))
		str_appendf(st->cfg->ignored, sizeof(st->cfg->ignored), "%s ", name);
	else
		cfg_unknown_key(st, "global", name);
}

/* cfg_cache - [cache] keys */
void cfg_cache(struct cfg_state *st, const char *name, const char *value)
{
	struct cache_settings *c = &st->cfg->cache;

	if (!cfg_once(st, "cache", name))
		return;
	if (cfg_key(st, name, "file")) {
		if (*value != '\0' && *value != '/')
			cfg_error(st, "file: \"%s\" is not an absolute path", value);
		else if (!str_copy(c->file, sizeof(c->file), value))
			cfg_error(st, "file: path too long");
	} else if (cfg_key(st, name, "size"))
		cfg_uint(st, name, value, CACHE_SIZE_MIN, CACHE_SIZE_MAX, &c->size);
	else if (cfg_key(st, name, "min_ttl"))
		cfg_uint(st, name, value, 0, 7 * 86400, &c->min_ttl);
	else if (cfg_key(st, name, "max_ttl"))
		cfg_uint(st, name, value, 1, 7 * 86400, &c->max_ttl);
	else if (cfg_key(st, name, "fail_ttl"))
		cfg_uint(st, name, value, 0, 86400, &c->fail_ttl);
	else
		cfg_unknown_key(st, "cache", name);
}

/* cfg_sql - [sql] keys (checked further by the amavis writer) */
void cfg_sql(struct cfg_state *st, const char *name, const char *value)
{
	struct sql_settings *q = &st->cfg->sql;

	if (!cfg_once(st, "sql", name))
		return;
	if (cfg_key(st, name, "use_sql"))
		cfg_bool(st, name, value, &q->use_sql);
	else if (cfg_key(st, name, "verbose_sql"))
		cfg_bool(st, name, value, &q->verbose_sql);
	else if (cfg_key(st, name, "localpart_lowercase"))
		cfg_bool(st, name, value, &q->localpart_lowercase);
	else if (cfg_key(st, name, "dsn")) {
		q->dsn_line = st->line;
		if (!str_copy(q->dsn, sizeof(q->dsn), value))
			cfg_error(st, "dsn: too long");
	} else if (cfg_key(st, name, "policy_priority"))
		cfg_long(st, name, value, &q->policy_priority);
	else if (cfg_key(st, name, "mailaddr_priority"))
		cfg_long(st, name, value, &q->mailaddr_priority);
	else if (cfg_key(st, name, "policy_preset"))
		cfg_long(st, name, value, &q->policy_preset);
	else if (cfg_key(st, name, "cleanup_interval"))
		cfg_uint(st, name, value, 0, 86400, &q->cleanup_interval);
	else if (cfg_key(st, name, "timeout"))
		cfg_uint(st, name, value, 1, 300, &q->timeout);
	else if (cfg_key(st, name, "max_age"))
		cfg_uint(st, name, value, 0, 3650ul * 86400, &q->max_age);
	else
		cfg_unknown_key(st, "sql", name);
}
