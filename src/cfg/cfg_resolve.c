/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_resolve.c - give each list named in `sites` the values of its
 * section (or of its postscreen-spelled items), by its role: an allow
 * list takes `boost`, a block list `score` and `miss`; a domain list
 * `check`, where an allow list may only look up a name Postfix has
 * verified.
 */
#include "config.h"

#include <string.h>

#include "cfg.h"
#include "cfg_load.h"
#include "str.h"

static const struct {
	const char *name;
	unsigned bit;
} check_names[CHECK_KINDS] = {
	{"sender", CHECK_SENDER},
	{"helo", CHECK_HELO},
	{"client_name", CHECK_CLIENT_NAME},
	{"reverse_client_name", CHECK_REVERSE_NAME},
};

/* cfg_check_bit - the bit of one `check` word, 0 if unknown */
static unsigned cfg_check_bit(const char *word)
{
	for (unsigned i = 0; i < CHECK_KINDS; i++)
		if (strcmp(word, check_names[i].name) == 0)
			return check_names[i].bit;
	return 0;
}

/* cfg_check_name - the `check` word of bit (for -n -v and logs) */
const char *cfg_check_name(unsigned bit)
{
	for (unsigned i = 0; i < CHECK_KINDS; i++)
		if (check_names[i].bit == bit)
			return check_names[i].name;
	return "?";
}

/* cfg_parse_check - "sender, helo" into bits; false with the error recorded */
static bool cfg_parse_check(struct cfg_state *st, const char *value, unsigned *bits)
{
	char buf[256], *word, *save = NULL;
	unsigned bit;

	*bits = 0;
	str_copy(buf, sizeof(buf), value);
	for (word = strtok_r(buf, ", \t", &save); word; word = strtok_r(NULL, ", \t", &save)) {
		if ((bit = cfg_check_bit(word)) == 0) {
			cfg_error(st, "check: \"%s\" is not sender, helo, client_name or "
				  "reverse_client_name", word);
			return false;
		}
		*bits |= bit;
	}
	if (*bits == 0)
		cfg_error(st, "check: empty (give sender, helo, client_name or "
			  "reverse_client_name)");
	return *bits != 0;
}

/* cfg_allow_check - an allow list may only look up the verified name */
static void cfg_allow_check(struct cfg_state *st, const struct dns_list *list, unsigned bits)
{
	static const char *why[] = {"the envelope sender is", "the HELO name is",
		"", "the unverified PTR name is"};

	for (unsigned i = 0; i < CHECK_KINDS; i++)
		if ((bits & check_names[i].bit) && check_names[i].bit != CHECK_CLIENT_NAME)
			return cfg_error(st, "check = %s in allow list [%s]: %s chosen by the "
					 "client, so any client could claim the list's boost; an "
					 "allow list may check client_name (verified by Postfix) "
					 "only", check_names[i].name, list->zone, why[i]);
}

/* cfg_resolve_check - `check` of a domain list */
static void cfg_resolve_check(struct cfg_state *st, struct dns_list *list,
			      const struct cfg_site_def *def)
{
	unsigned bits;

	if (def->check.line == 0)
		return;
	st->line = def->check.line;
	if (list->kind == LIST_IP)
		return cfg_error(st, "check in [%s]: only domain lists ([dwl-sites], "
				 "[rhsbl-sites]) look up names; an IP list asks the "
				 "client address", list->zone);
	if (!cfg_parse_check(st, def->check.text, &bits))
		return;
	if (list->role == LIST_ALLOW)
		cfg_allow_check(st, list, bits);
	list->check = bits;
}

/* cfg_resolve_probe - `probe` of a list: yes (the default) or no */
static void cfg_resolve_probe(struct cfg_state *st, struct dns_list *list,
			      const struct cfg_site_def *def)
{
	list->probe = true;
	if (def->probe.line == 0)
		return;
	st->line = def->probe.line;
	if (!str_parse_bool(def->probe.text, &list->probe))
		cfg_error(st, "probe in [%s]: \"%s\" is not yes or no", list->zone, def->probe.text);
}

/* cfg_number - a list's decimal key into *out */
static void cfg_number(struct cfg_state *st, const char *name,
		       const struct cfg_def_value *v, double *out)
{
	if (v->line == 0)
		return;
	st->line = v->line;
	if (!cfg_parse_boost(v->text, out))
		cfg_error(st, "%s: \"%s\" is not a plain decimal number from %g to %g",
			  name, v->text, -CFG_BOOST_LIMIT, CFG_BOOST_LIMIT);
}

/* cfg_wrong_role - a key that belongs to the other role */
static void cfg_wrong_role(struct cfg_state *st, const struct dns_list *list,
			   const char *name, const struct cfg_def_value *v)
{
	if (v->line == 0 || st->failed)
		return;
	st->line = v->line;
	if (list->role == LIST_ALLOW)
		cfg_error(st, "%s in [%s]: an allow list (swl/dwl) takes boost; score and "
			  "miss are for block lists (dnsbl/rhsbl)", name, list->zone);
	else
		cfg_error(st, "boost in [%s]: a block list (dnsbl/rhsbl) takes score "
			  "(and miss); boost is for allow lists (swl/dwl)", list->zone);
}

/* cfg_resolve_values - boost, or score and miss, by role */
static void cfg_resolve_values(struct cfg_state *st, struct dns_list *list,
			       const struct cfg_site_def *def)
{
	if (list->role == LIST_ALLOW) {
		cfg_wrong_role(st, list, "score", &def->score);
		cfg_wrong_role(st, list, "miss", &def->miss);
		cfg_number(st, "boost", &def->boost, &list->boost);
	} else {
		cfg_wrong_role(st, list, "boost", &def->boost);
		cfg_number(st, "score", &def->score, &list->boost);
		cfg_number(st, "miss", &def->miss, &list->miss);
	}
}

/* cfg_resolve_list - give a list its section's values */
void cfg_resolve_list(struct cfg_state *st, struct dns_list *list)
{
	struct cfg_site_def *def = cfg_find_def(st, list->zone, false);
	char err[256];

	st->line = list->line;
	if (def == NULL)
		return cfg_error(st, "list %s is named in sites but has no [%s] section",
				 list->zone, list->zone);
	if (def->sites_line != 0 && def->section_line != 0)
		return cfg_error(st, "list %s is defined twice: by zone=FILTER*WEIGHT in "
				 "sites (line %d) and by its [%s] section (line %d); use one",
				 list->zone, def->sites_line, list->zone, def->section_line);
	def->used = true;
	cfg_resolve_values(st, list, def);
	cfg_resolve_check(st, list, def);
	cfg_resolve_probe(st, list, def);
	if (st->failed)
		return;
	st->line = def->ips_line;
	if (!cfg_parse_ips(list, !def->ips_line ? "127" : def->ips != NULL ? def->ips : "", err, sizeof(err)))
		return cfg_error(st, "ips of [%s]: %s", list->zone, err);
	for (unsigned i = 0; i < list->nentries; i++)
		if (!list->entries[i].has_boost)
			list->entries[i].boost = list->boost;
}
