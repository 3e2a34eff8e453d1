/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_sites.c - `sites` in [swl-sites], [dwl-sites], [dnsbl-sites] and
 * [rhsbl-sites]: the lists, their kind (IP or domain) and role (allow
 * or block).
 *
 * An item is a zone with its own [zone] section, or postscreen(8)'s
 * spelling, which defines the list in place:
 *	zone=FILTER*WEIGHT	zone*WEIGHT	zone=FILTER
 * (FILTER as in `ips`, WEIGHT a plain decimal).  In [dnsbl-sites] a
 * negative weight makes an allow list, as in postscreen_dnsbl_sites.
 * A zone given several times so collects one entry per item.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "cfg.h"
#include "cfg_load.h"
#include "str.h"

#define DEFAULT_ALLOW_BOOST	-10.0
#define DEFAULT_BLOCK_SCORE	1.0

/* One `sites` item taken apart. */
struct cfg_item {
	char *zone;
	char *filter;		/* NULL: none given */
	char *weight;		/* NULL: none given */
};

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

/* cfg_split_item - "zone[=FILTER][*WEIGHT]" into its parts (in place) */
static void cfg_split_item(char *text, struct cfg_item *it)
{
	char *star = strrchr(text, '*'), *eq = strchr(text, '=');

	it->zone = text;
	it->filter = it->weight = NULL;
	if (star != NULL) {
		*star = '\0';
		it->weight = str_trim(star + 1);
	}
	if (eq != NULL) {
		*eq = '\0';
		it->filter = str_trim(eq + 1);
	}
	it->zone = str_trim(it->zone);
}

/* cfg_role_of - the role an item in this section gives; false: refused */
static bool cfg_role_of(struct cfg_state *st, const char *section, const struct cfg_item *it,
			double weight, enum list_role *role)
{
	bool block = strcmp(section, "dnsbl-sites") == 0 || strcmp(section, "rhsbl-sites") == 0;

	*role = block ? LIST_BLOCK : LIST_ALLOW;
	if (!block || it->weight == NULL || weight >= 0)
		return true;
	if (strcmp(section, "rhsbl-sites") == 0) {
		cfg_error(st, "sites: \"%s*%s\": a negative weight would make an allow list "
			  "of a domain list that looks up forgeable names; put it in "
			  "[dwl-sites] (the verified client name)", it->zone, it->weight);
		return false;
	}
	*role = LIST_ALLOW;
	return true;
}

/* cfg_find_list - the list of this zone and kind, if named already */
static struct dns_list *cfg_find_list(struct config *cfg, enum list_kind kind, const char *zone)
{
	for (unsigned i = 0; i < cfg->nlists; i++)
		if (strcasecmp(cfg->lists[i].zone, zone) == 0 && cfg->lists[i].kind == kind)
			return &cfg->lists[i];
	return NULL;
}

/* cfg_role_clash - is zone already a list of the other role? */
static bool cfg_role_clash(struct cfg_state *st, const char *zone, enum list_role role)
{
	for (unsigned i = 0; i < st->cfg->nlists; i++)
		if (strcasecmp(st->cfg->lists[i].zone, zone) == 0 && st->cfg->lists[i].role != role) {
			cfg_error(st, "sites: \"%s\" is both an allow list and a block list "
				  "(line %d); a list's answers mean one or the other", zone,
				  st->cfg->lists[i].line);
			return true;
		}
	return false;
}

/* cfg_new_list - a list named for the first time */
static void cfg_new_list(struct cfg_state *st, enum list_kind kind, enum list_role role,
			 const char *zone)
{
	struct config *cfg = st->cfg;
	struct dns_list *list;

	if (cfg->nlists >= CFG_MAX_LISTS)
		return cfg_error(st, "too many lists (at most %d)", CFG_MAX_LISTS);
	list = &cfg->lists[cfg->nlists++];
	str_copy(list->zone, sizeof(list->zone), zone);
	list->kind = kind;
	list->role = role;
	list->boost = role == LIST_ALLOW ? DEFAULT_ALLOW_BOOST : DEFAULT_BLOCK_SCORE;
	list->check = kind == LIST_IP ? 0 : role == LIST_ALLOW ? CHECK_CLIENT_NAME : CHECK_SENDER;
	list->line = st->line;
}

/* cfg_spelled - postscreen spelling: the item's entry into the kept `ips` */
static void cfg_spelled(struct cfg_state *st, const struct cfg_item *it, bool again)
{
	struct cfg_site_def *def = cfg_find_def(st, it->zone, true);
	char entry[512];

	if (def == NULL)
		return;
	if (again && def->sites_line == 0)
		return cfg_error(st, "sites: \"%s\" named twice", it->zone);
	if (def->sites_line == 0)
		def->sites_line = st->line;
	snprintf(entry, sizeof(entry), "%s%s%s", it->filter ? it->filter : "127",
		 it->weight ? " / " : "", it->weight ? it->weight : "");
	def->ips_line = def->ips_line ? def->ips_line : st->line;
	cfg_def_append(st, def, entry);
}

/* cfg_add_item - one `sites` item of section */
static void cfg_add_item(struct cfg_state *st, const char *section, enum list_kind kind,
			 char *text)
{
	struct cfg_item it;
	enum list_role role;
	struct dns_list *old;
	double weight = 0;

	cfg_split_item(text, &it);
	if (!cfg_valid_zone(it.zone))
		return cfg_error(st, "sites: \"%s\" is not a DNS zone name", it.zone);
	if (it.weight != NULL && !cfg_parse_boost(it.weight, &weight))
		return cfg_error(st, "sites: weight \"%s\" of %s is not a plain decimal number "
				 "from %g to %g", it.weight, it.zone, -CFG_BOOST_LIMIT, CFG_BOOST_LIMIT);
	if (!cfg_role_of(st, section, &it, weight, &role) || cfg_role_clash(st, it.zone, role))
		return;
	old = cfg_find_list(st->cfg, kind, it.zone);
	if (it.filter != NULL || it.weight != NULL)
		cfg_spelled(st, &it, old != NULL);
	else if (old != NULL)
		cfg_error(st, "sites: \"%s\" named twice", it.zone);
	if (old == NULL)
		cfg_new_list(st, kind, role, it.zone);
}

/* cfg_sites - `sites = a, b=127.0.0.2*3, c*-2` in a [*-sites] section */
void cfg_sites(struct cfg_state *st, const char *section, const char *name,
	       const char *value)
{
	enum list_kind kind = strcmp(section, "swl-sites") == 0
	    || strcmp(section, "dnsbl-sites") == 0 ? LIST_IP : LIST_DOMAIN;
	char buf[CFG_IPS_MAX], *item, *save = NULL;

	if (!cfg_key(st, name, "sites"))
		return cfg_unknown_key(st, section, name);
	if (!str_copy(buf, sizeof(buf), value))
		return cfg_error(st, "sites: value too long");
	for (item = strtok_r(buf, ",", &save); item && !st->failed;
	     item = strtok_r(NULL, ",", &save)) {
		item = str_trim(item);
		if (*item != '\0')
			cfg_add_item(st, section, kind, item);
	}
}
