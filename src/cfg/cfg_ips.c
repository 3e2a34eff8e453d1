/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_ips.c - `ips` values: comma-separated filters (match_filter.h),
 * each optionally followed by a boost.
 *
 * How a "/" is read (dnswl.cfg(5)):
 *	A.B.C.D/LENGTH	no white space, LENGTH digits: a CIDR block
 *	FILTER / BOOST	white space on both sides: a boost (dnswl.py)
 *	FILTER/-5	no white space, a signed BOOST: a boost (dnswl.py)
 * Anything else ("127.0.2/24", white space on one side only) is refused
 * with the correct spellings.  A filter that can never match (outside
 * 127.0.0.0/8, only refusal codes) is refused too.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "cfg_load.h"
#include "match.h"
#include "str.h"

enum slash_kind { SLASH_CIDR, SLASH_BOOST, SLASH_AMBIGUOUS };

/* cfg_parse_boost - a plain decimal boost within sane bounds */
bool cfg_parse_boost(const char *text, double *out)
{
	double v;

	if (!str_parse_double(text, &v) || v < -CFG_BOOST_LIMIT || v > CFG_BOOST_LIMIT)
		return false;
	*out = v;
	return true;
}

/* cfg_plain_addr - "A.B.C.D" made of digits and exactly three dots */
static bool cfg_plain_addr(const char *s, size_t len)
{
	unsigned dots = 0;

	for (size_t i = 0; i < len; i++)
		if (s[i] == '.')
			dots++;
		else if (!isdigit((unsigned char) s[i]))
			return false;
	return dots == 3;
}

/* cfg_slash_kind - what the slash at item[at] is (see the top) */
static enum slash_kind cfg_slash_kind(const char *item, const char *slash)
{
	bool before = slash > item && isspace((unsigned char) slash[-1]);
	bool after = isspace((unsigned char) slash[1]);
	const char *right = slash + 1;

	if (before && after)
		return SLASH_BOOST;
	if (before || after)
		return SLASH_AMBIGUOUS;
	if (*right == '+' || *right == '-')
		return SLASH_BOOST;
	if (right[strspn(right, "0123456789")] == '\0' && *right != '\0'
	    && cfg_plain_addr(item, (size_t) (slash - item)))
		return SLASH_CIDR;
	return SLASH_AMBIGUOUS;
}

/* cfg_slash_error - say how to write a CIDR block and a boost */
static bool cfg_slash_error(const char *orig, char *item, char *slash, char *err,
			    size_t errsize)
{
	static const char *const pad[] = {".0.0.0", ".0.0", ".0", "", ""};
	char *right = str_trim(slash + 1), cidr[96] = "";
	char *left = (*slash = '\0', str_trim(item));
	unsigned dots = 0;

	for (const char *p = left; *p; p++)
		dots += *p == '.';
	if (*right != '\0' && right[strspn(right, "0123456789")] == '\0'
	    && strspn(left, "0123456789.") == strlen(left))
		snprintf(cidr, sizeof(cidr), "%s%s/%s (a CIDR block, no spaces) or ",
			 left, pad[dots < 4 ? dots : 4], right);
	snprintf(err, errsize, "\"%s\" is ambiguous: write %s%s / %s (a boost, "
		 "spaces around \"/\")", orig, cidr, left, *right ? right : "BOOST");
	return false;
}

/* cfg_entry_boost - split off a trailing boost; false on error */
static bool cfg_entry_boost(const char *orig, char *item, struct list_entry *e,
			    char *err, size_t errsize)
{
	char *slash = strrchr(item, '/');

	if (slash == NULL)
		return true;
	switch (cfg_slash_kind(item, slash)) {
	case SLASH_AMBIGUOUS:
		return cfg_slash_error(orig, item, slash, err, errsize);
	case SLASH_CIDR:
		return true;
	case SLASH_BOOST:
		break;
	}
	*slash = '\0';
	if (!cfg_parse_boost(str_trim(slash + 1), &e->boost))
		return snprintf(err, errsize, "\"%s\" is not a boost (a plain decimal number "
				"from %g to %g)", str_trim(slash + 1), -CFG_BOOST_LIMIT,
				CFG_BOOST_LIMIT), false;
	e->has_boost = true;
	return true;
}

/* cfg_parse_entry - "FILTER [/ BOOST]" */
static bool cfg_parse_entry(char *item, struct list_entry *e, char *err, size_t errsize)
{
	char orig[128], *slash, why[128];

	memset(e, 0, sizeof(*e));
	item = str_trim(item);
	str_copy(orig, sizeof(orig), item);
	if (!cfg_entry_boost(orig, item, e, err, errsize))
		return false;
	item = str_trim(item);
	if ((slash = strchr(item, '/')) != NULL && cfg_slash_kind(item, slash) != SLASH_CIDR)
		return cfg_slash_error(orig, item, slash, err, errsize);
	if (!match_filter_parse(item, &e->filter, err, errsize))
		return false;
	if (!match_usable(&e->filter, why, sizeof(why)))
		return snprintf(err, errsize, "\"%s\" %s", item, why), false;
	e->size = match_filter_size(&e->filter);
	return true;
}

/* cfg_list_free - the list's entries */
void cfg_list_free(struct dns_list *list)
{
	free(list->entries);
	list->entries = NULL;
	list->nentries = 0;
}

/* cfg_free - every list's entries */
void cfg_free(struct config *cfg)
{
	for (unsigned i = 0; i < cfg->nlists; i++)
		cfg_list_free(&cfg->lists[i]);
	cfg_checks_free(cfg);
	memset(cfg, 0, sizeof(*cfg));
}

/* cfg_ips_alloc - room for every comma-separated item of value */
static bool cfg_ips_alloc(struct dns_list *list, const char *value)
{
	size_t n = 1;

	for (const char *p = value; *p; p++)
		n += *p == ',';
	if (n > CFG_MAX_ENTRIES)
		n = CFG_MAX_ENTRIES + 1;	/* the check below says "more than" */
	list->entries = calloc(n, sizeof(*list->entries));
	return list->entries != NULL;
}

/* cfg_parse_items - each comma-separated item of buf */
static bool cfg_parse_items(struct dns_list *list, char *buf, char *err, size_t errsize)
{
	char *item, *save = NULL;

	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		if (*str_trim(item) == '\0')
			continue;
		if (list->nentries >= CFG_MAX_ENTRIES)
			return snprintf(err, errsize, "more than %d entries",
					CFG_MAX_ENTRIES), false;
		if (!cfg_parse_entry(item, &list->entries[list->nentries], err, errsize))
			return false;
		list->nentries++;
	}
	if (list->nentries == 0)
		return snprintf(err, errsize, "no entries"), false;
	return true;
}

/* cfg_parse_ips - the whole `ips` value */
bool cfg_parse_ips(struct dns_list *list, const char *value, char *err, size_t errsize)
{
	char buf[CFG_IPS_MAX];

	cfg_list_free(list);
	if (!str_copy(buf, sizeof(buf), value))
		return snprintf(err, errsize, "value too long"), false;
	if (!cfg_ips_alloc(list, value))
		return snprintf(err, errsize, "out of memory"), false;
	if (cfg_parse_items(list, buf, err, errsize))
		return true;
	cfg_list_free(list);
	return false;
}
