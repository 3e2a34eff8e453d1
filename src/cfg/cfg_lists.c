/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_lists.c - list sections and `nameserver` values (`sites`:
 * cfg_sites.c, resolving a list: cfg_resolve.c, `ips` entries:
 * cfg_ips.c).  Values may span indented continuation lines; libinih
 * hands those over one line at a time.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amavis.h"
#include "cfg.h"
#include "cfg_load.h"
#include "str.h"

/* cfg_sites_section - the sections that name lists */
bool cfg_sites_section(const char *section)
{
	return strcmp(section, "swl-sites") == 0 || strcmp(section, "dwl-sites") == 0
	    || strcmp(section, "dnsbl-sites") == 0 || strcmp(section, "rhsbl-sites") == 0;
}

/* cfg_known_section - sections with fixed meaning */
static bool cfg_known_section(const char *section)
{
	return strcmp(section, "global") == 0 || strcmp(section, "cache") == 0
	    || strcmp(section, "sql") == 0 || strcmp(section, "greylist") == 0
	    || strcmp(section, "checks") == 0
	    || cfg_sites_section(section);
}

/* cfg_find_def - the kept text of a list section, created on demand */
struct cfg_site_def *cfg_find_def(struct cfg_state *st, const char *zone, bool create)
{
	for (unsigned i = 0; i < st->ndefs; i++)
		if (strcasecmp(st->defs[i].zone, zone) == 0)
			return &st->defs[i];
	if (!create)
		return NULL;
	if (st->ndefs >= CFG_MAX_DEFS) {
		cfg_error(st, "too many list sections (at most %d)", CFG_MAX_DEFS);
		return NULL;
	}
	str_copy(st->defs[st->ndefs].zone, DNS_NAME_MAX, zone);
	st->defs[st->ndefs].line = st->line;
	return &st->defs[st->ndefs++];
}

/* cfg_section - a section header: known, or a list's own section */
void cfg_section(struct cfg_state *st, const char *section)
{
	struct cfg_site_def *def;

	if (cfg_known_section(section))
		return;
	def = cfg_find_def(st, section, true);
	if (def != NULL && def->section_line != 0)
		cfg_error(st, "section [%s] given twice", section);
	else if (def != NULL)
		def->section_line = st->line;
}

/* cfg_def_append - join a continued value with a comma */
void cfg_def_append(struct cfg_state *st, struct cfg_site_def *def, const char *value)
{
	size_t have = def->ips != NULL ? strlen(def->ips) : 0;
	size_t need = have + (have > 0) + strlen(value) + 1;
	char *grown;

	if (need > CFG_IPS_MAX)
		return cfg_error(st, "value too long (at most %u bytes)", CFG_IPS_MAX - 1);
	if ((grown = realloc(def->ips, need)) == NULL)
		return cfg_error(st, "out of memory");
	def->ips = grown;
	snprintf(grown + have, need - have, "%s%s", have > 0 ? "," : "", value);
}

/* cfg_def_once - keep a single-valued key of a list section */
static void cfg_def_once(struct cfg_state *st, const char *section, const char *name,
			 struct cfg_def_value *v, const char *value)
{
	if (v->line != 0)
		return cfg_error(st, "\"%s\" given twice in [%s]", name, section);
	v->line = st->line;
	if (!str_copy(v->text, sizeof(v->text), value))
		cfg_error(st, "%s: value too long", name);
}

/* cfg_site_key - `ips`, `boost`, `score`, `miss`, `check` or `probe` in a list section */
void cfg_site_key(struct cfg_state *st, const char *section, const char *name,
		  const char *value)
{
	struct cfg_site_def *def = cfg_find_def(st, section, true);

	if (def == NULL)
		return;
	if (cfg_key(st, name, "ips")) {
		if (def->ips_line == 0)
			def->ips_line = st->line;
		cfg_def_append(st, def, value);
	} else if (cfg_key(st, name, "boost"))
		cfg_def_once(st, section, name, &def->boost, value);
	else if (cfg_key(st, name, "score"))
		cfg_def_once(st, section, name, &def->score, value);
	else if (cfg_key(st, name, "miss"))
		cfg_def_once(st, section, name, &def->miss, value);
	else if (cfg_key(st, name, "check"))
		cfg_def_once(st, section, name, &def->check, value);
	else if (cfg_key(st, name, "probe"))
		cfg_def_once(st, section, name, &def->probe, value);
	else if (st->near[0] != '\0')
		cfg_error(st, "unknown key \"%s\" in list section [%s]; did you "
			  "mean \"%s\"?", name, section, st->near);
	else
		cfg_error(st, "unknown key \"%s\" in list section [%s] (expected ips, "
			  "boost, score, miss, check or probe)", name, section);
}

/* cfg_parse_server - "IP", "IP:PORT", "[IPv6]:PORT" or a bare IPv6 */
static bool cfg_parse_server(char *item, struct dns_server *srv)
{
	unsigned char bin[16];
	unsigned long port = 53;
	char *colon = strrchr(item, ':'), *host = item;

	if (*item == '[') {
		char *end = strchr(item, ']');
		if (end == NULL || (end[1] != '\0' && end[1] != ':'))
			return false;
		*end = '\0';
		host = item + 1;
		colon = end[1] == ':' ? end + 1 : NULL;
	} else if (colon != NULL && strchr(item, ':') != colon)
		colon = NULL;		/* bare IPv6 */
	if (colon != NULL) {
		*colon = '\0';
		if (!str_parse_uint(colon + 1, 65535, &port) || port == 0)
			return false;
	}
	/* The glibc resolver state takes IPv4 servers only (nsaddr_list). */
	if (inet_pton(AF_INET, host, bin) != 1)
		return false;
	srv->port = (unsigned) port;
	return str_copy(srv->host, sizeof(srv->host), host);
}

/* cfg_parse_nameservers - the `nameserver` value */
bool cfg_parse_nameservers(struct dns_settings *dns, const char *value, char *err, size_t errsize)
{
	char buf[512], *item, *save = NULL;

	dns->nservers = 0;
	if (!str_copy(buf, sizeof(buf), value))
		return snprintf(err, errsize, "value too long"), false;
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		item = str_trim(item);
		if (*item == '\0')
			continue;
		if (dns->nservers >= DNS_MAX_SERVERS)
			return snprintf(err, errsize, "at most %d servers", DNS_MAX_SERVERS), false;
		char text[128];

		str_copy(text, sizeof(text), item);
		if (!cfg_parse_server(item, &dns->servers[dns->nservers]))
			return snprintf(err, errsize, "\"%s\" is not IPv4[:PORT]", text), false;
		dns->nservers++;
	}
	return true;
}

/* cfg_finish - resolve lists, refuse sections nothing names */
void cfg_finish(struct cfg_state *st)
{
	struct config *cfg = st->cfg;

	for (unsigned i = 0; i < cfg->nlists && !st->failed; i++)
		cfg_resolve_list(st, &cfg->lists[i]);
	for (unsigned i = 0; i < st->ndefs && !st->failed; i++) {
		if (!st->defs[i].used) {
			st->line = st->defs[i].line;
			cfg_error(st, "unknown section [%s]: not named in the sites of "
				  "[swl-sites], [dwl-sites], [dnsbl-sites] or [rhsbl-sites]",
				  st->defs[i].zone);
		}
	}
	if (!st->failed && cfg->sql.use_sql) {
		char err[256];

		st->line = cfg->sql.dsn_line;
		if (!amavis_dsn_check(cfg->sql.dsn, err, sizeof(err)))
			cfg_error(st, "dsn: %s", err);
	}
	if (!st->failed)
		cfg_grey_finish(st);
	if (!st->failed && cfg->cache.min_ttl > cfg->cache.max_ttl) {
		st->line = 0;
		cfg_error(st, "[cache] min_ttl is larger than max_ttl");
	}
}
