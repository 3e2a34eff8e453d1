/*
 * cfg_lists.c - list sections, `sites` and `nameserver` values (`ips`
 * entries: cfg_ips.c).  Values may span indented continuation lines;
 * libinih hands those over one line at a time.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "amavis.h"
#include "cfg.h"
#include "cfg_load.h"
#include "str.h"

#define DEFAULT_LIST_BOOST	-10.0

/* cfg_known_section - sections with fixed meaning */
static bool cfg_known_section(const char *section)
{
	return strcmp(section, "global") == 0 || strcmp(section, "cache") == 0
	    || strcmp(section, "sql") == 0 || strcmp(section, "swl-sites") == 0
	    || strcmp(section, "dwl-sites") == 0 || strcmp(section, "greylist") == 0;
}

/* cfg_find_def - the kept text of a list section, created on demand */
static struct cfg_site_def *cfg_find_def(struct cfg_state *st, const char *zone, bool create)
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
	if (cfg_known_section(section))
		return;
	if (cfg_find_def(st, section, false) != NULL)
		cfg_error(st, "section [%s] given twice", section);
	else
		cfg_find_def(st, section, true);
}

/* cfg_append - join a continued value with a comma */
static void cfg_append(struct cfg_state *st, char *buf, size_t size, const char *value)
{
	if (*buf != '\0' && !str_appendf(buf, size, ","))
		cfg_error(st, "value too long");
	else if (!str_appendf(buf, size, "%s", value))
		cfg_error(st, "value too long (at most %zu bytes)", size - 1);
}

/* cfg_site_key - `ips` or `boost` in a list section */
void cfg_site_key(struct cfg_state *st, const char *section, const char *name,
		  const char *value)
{
	struct cfg_site_def *def = cfg_find_def(st, section, true);

	if (def == NULL)
		return;
	if (cfg_key(st, name, "ips")) {
		if (def->ips_line == 0)
			def->ips_line = st->line;
		cfg_append(st, def->ips, sizeof(def->ips), value);
	} else if (cfg_key(st, name, "boost")) {
		if (def->boost_line != 0)
			cfg_error(st, "\"boost\" given twice in [%s]", section);
		def->boost_line = st->line;
		if (!str_copy(def->boost, sizeof(def->boost), value))
			cfg_error(st, "boost: \"%s\" is not a number", value);
	} else if (st->near[0] != '\0')
		cfg_error(st, "unknown key \"%s\" in list section [%s]; did you "
			  "mean \"%s\"?", name, section, st->near);
	else
		cfg_error(st, "unknown key \"%s\" in list section [%s] "
			  "(expected ips or boost)", name, section);
}

/* cfg_valid_zone - a DNS name we can append query prefixes to */
static bool cfg_valid_zone(const char *zone)
{
	size_t label = 0, len = strlen(zone);

	if (len == 0 || len > 200 || zone[0] == '.' || zone[len - 1] == '.')
		return false;
	for (const char *p = zone; *p; p++) {
		if (*p == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
			   || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_') {
			if (++label > 63)
				return false;
		} else
			return false;
	}
	return true;
}

/* cfg_add_site - one zone named in `sites` */
static void cfg_add_site(struct cfg_state *st, enum list_kind kind, const char *zone)
{
	struct config *cfg = st->cfg;
	struct dns_list *list;

	if (!cfg_valid_zone(zone))
		return cfg_error(st, "sites: \"%s\" is not a DNS zone name", zone);
	for (unsigned i = 0; i < cfg->nlists; i++)
		if (strcasecmp(cfg->lists[i].zone, zone) == 0
		    && cfg->lists[i].kind == kind)
			return cfg_error(st, "sites: \"%s\" named twice", zone);
	if (cfg->nlists >= CFG_MAX_LISTS)
		return cfg_error(st, "too many lists (at most %d)", CFG_MAX_LISTS);
	list = &cfg->lists[cfg->nlists++];
	str_copy(list->zone, sizeof(list->zone), zone);
	list->kind = kind;
	list->role = LIST_ALLOW;
	list->boost = DEFAULT_LIST_BOOST;
	list->line = st->line;
}

/* cfg_sites - `sites = a, b` in [swl-sites] / [dwl-sites] */
void cfg_sites(struct cfg_state *st, enum list_kind kind, const char *name,
	       const char *value)
{
	char buf[CFG_IPS_MAX], *item, *save = NULL;

	if (!cfg_key(st, name, "sites"))
		return cfg_unknown_key(st, kind == LIST_IP ? "swl-sites" : "dwl-sites", name);
	if (!str_copy(buf, sizeof(buf), value))
		return cfg_error(st, "sites: value too long");
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		item = str_trim(item);
		if (*item != '\0')
			cfg_add_site(st, kind, item);
	}
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

/* cfg_resolve_list - give a list its section's ips and boost */
static void cfg_resolve_list(struct cfg_state *st, struct dns_list *list)
{
	struct cfg_site_def *def = cfg_find_def(st, list->zone, false);
	char err[256];

	st->line = list->line;
	if (def == NULL)
		return cfg_error(st, "list %s is named in sites but has no [%s] section",
				 list->zone, list->zone);
	def->used = true;
	if (def->boost_line != 0 && !cfg_parse_boost(def->boost, &list->boost)) {
		st->line = def->boost_line;
		return cfg_error(st, "boost: \"%s\" is not a plain decimal number "
				 "from %g to %g", def->boost, -CFG_BOOST_LIMIT, CFG_BOOST_LIMIT);
	}
	st->line = def->ips_line;
	if (!cfg_parse_ips(list, def->ips_line ? def->ips : "127", err, sizeof(err)))
		return cfg_error(st, "ips of [%s]: %s", list->zone, err);
	for (unsigned i = 0; i < list->nentries; i++)
		if (!list->entries[i].has_boost)
			list->entries[i].boost = list->boost;
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
			cfg_error(st, "unknown section [%s]: not named in "
				  "[swl-sites] or [dwl-sites] sites", st->defs[i].zone);
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
