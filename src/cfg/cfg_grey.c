/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_grey.c - the [greylist] section: check, store and print its keys.
 */
#include "config.h"

#include <string.h>

#include "amavis.h"
#include "cfg_load.h"
#include "str.h"

/* cfg_grey_defaults - built-in [greylist] settings */
void cfg_grey_defaults(struct grey_settings *g)
{
	memset(g, 0, sizeof(*g));
	g->score = 1.0;
	g->delay = 300;
	g->retry_window = 172800;
	g->max_age = 3024000;
	g->auto_whitelist = 5;
	g->ipv4_prefix = 24;
	g->ipv6_prefix = 64;
	str_copy(g->action, sizeof(g->action),
		 "DEFER_IF_PERMIT 4.2.0 Greylisted, please try again later");
	str_copy(g->header, sizeof(g->header), "X-Greylist");
	str_copy(g->exempt_recipients, sizeof(g->exempt_recipients), "postmaster@, abuse@");
}

/* grey_header_name - an RFC 5322 field name (printable, no colon), or "" */
static void grey_header_name(struct cfg_state *st, const char *value, struct grey_settings *g)
{
	for (const char *p = value; *p; p++)
		if (*p <= ' ' || *p > '~' || *p == ':') {
			cfg_error(st, "header: \"%s\" is not a header field name", value);
			return;
		}
	if (!str_copy(g->header, sizeof(g->header), value))
		cfg_error(st, "header: longer than %d bytes", GREY_HEADER_MAX - 1);
}

/* grey_exempt - "local@, local@domain, @domain, address" entries */
static void grey_exempt(struct cfg_state *st, const char *value, struct grey_settings *g)
{
	char copy[GREY_EXEMPT_MAX], *save = NULL;

	if (!str_copy(copy, sizeof(copy), value) || str_has_ctl(value)) {
		cfg_error(st, "exempt_recipients: too long or holds control characters");
		return;
	}
	for (char *w = strtok_r(copy, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save))
		if (strchr(w, '@') == NULL) {
			cfg_error(st, "exempt_recipients: \"%s\" is not local@, @domain "
				  "or local@domain", w);
			return;
		}
	str_copy(g->exempt_recipients, sizeof(g->exempt_recipients), value);
}

/* grey_dsn - empty (the cache file) or a DSN in the [sql] syntax */
static void grey_dsn(struct cfg_state *st, const char *value, struct grey_settings *g)
{
	char err[256];

	if (*value != '\0' && !amavis_dsn_check(value, err, sizeof(err)))
		cfg_error(st, "dsn: %s", err);
	else if (!str_copy(g->dsn, sizeof(g->dsn), value))
		cfg_error(st, "dsn: too long");
}

/* grey_score - a plain decimal */
static void grey_score(struct cfg_state *st, const char *value, struct grey_settings *g)
{
	if (!cfg_parse_boost(value, &g->score))
		cfg_error(st, "score: \"%s\" is not a plain decimal number from %.0f to %.0f",
			  value, -CFG_BOOST_LIMIT, CFG_BOOST_LIMIT);
}

/* cfg_greylist - [greylist] keys */
void cfg_greylist(struct cfg_state *st, const char *name, const char *value)
{
	struct grey_settings *g = &st->cfg->grey;

	if (!cfg_once(st, "greylist", name))
		return;
	if (cfg_key(st, name, "enable"))
		cfg_bool(st, name, value, &g->enable);
	else if (cfg_key(st, name, "score"))
		grey_score(st, value, g);
	else if (cfg_key(st, name, "delay"))
		cfg_uint(st, name, value, 0, 86400, &g->delay);
	else if (cfg_key(st, name, "retry_window"))
		cfg_uint(st, name, value, 1, 30 * 86400, &g->retry_window);
	else if (cfg_key(st, name, "max_age"))
		cfg_uint(st, name, value, 3600, 365 * 86400, &g->max_age);
	else if (cfg_key(st, name, "auto_whitelist"))
		cfg_uint(st, name, value, 0, 1000, &g->auto_whitelist);
	else if (cfg_key(st, name, "ipv4_prefix"))
		cfg_uint(st, name, value, 8, 32, &g->ipv4_prefix);
	else if (cfg_key(st, name, "ipv6_prefix"))
		cfg_uint(st, name, value, 16, 128, &g->ipv6_prefix);
	else if (cfg_key(st, name, "action"))
		cfg_action(st, name, value, g->action, sizeof(g->action));
	else if (cfg_key(st, name, "header"))
		grey_header_name(st, value, g);
	else if (cfg_key(st, name, "exempt_recipients"))
		grey_exempt(st, value, g);
	else if (cfg_key(st, name, "dsn"))
		grey_dsn(st, value, g);
	else
		cfg_unknown_key(st, "greylist", name);
}

/* cfg_grey_finish - checks across [greylist] keys */
void cfg_grey_finish(struct cfg_state *st)
{
	const struct grey_settings *g = &st->cfg->grey;

	st->line = 0;
	if (g->retry_window < g->delay)
		cfg_error(st, "[greylist] retry_window (%lu) is shorter than delay (%lu)",
			  g->retry_window, g->delay);
}

/* cfg_grey_print - [greylist] for `dnswl -n -v` */
void cfg_grey_print(const struct grey_settings *g, FILE *fp)
{
	fprintf(fp, "\n[greylist]\nenable = %s\nscore = %.1f\ndelay = %lu\n"
		"retry_window = %lu\nmax_age = %lu\nauto_whitelist = %lu\n"
		"ipv4_prefix = %lu\nipv6_prefix = %lu\naction = %s\nheader = %s\n"
		"exempt_recipients = %s\ndsn = %s\n", g->enable ? "yes" : "no",
		g->score, g->delay, g->retry_window, g->max_age, g->auto_whitelist,
		g->ipv4_prefix, g->ipv6_prefix, g->action, g->header,
		g->exempt_recipients, g->dsn[0] ? "(set, not shown)" : "");
}
