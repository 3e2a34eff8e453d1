/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_load.h - internal interface between the config reader and the
 * per-section value parsers.  Not for use outside cfg_*.c.
 */
#ifndef DNSWL_CFG_LOAD_H
#define DNSWL_CFG_LOAD_H

#include <stdio.h>

#include "cfg.h"
#include "msg.h"

#define CFG_MAX_DEFS	(2 * CFG_MAX_LISTS)
#define CFG_IPS_MAX	8192

/* A list's own key as read: its text and line (0: not given). */
struct cfg_def_value {
	char text[256];
	int line;
};

/*
 * A list section as read, before `sites` tells us what it is; or the
 * entries of postscreen-spelled `sites` items (zone=FILTER*WEIGHT).
 */
struct cfg_site_def {
	char zone[DNS_NAME_MAX];
	int line;			/* first seen */
	int section_line;		/* its [zone] header, 0: none */
	int sites_line;			/* a spelled `sites` item, 0: none */
	char *ips;			/* malloc'd, at most CFG_IPS_MAX - 1 bytes; NULL: none */
	int ips_line;
	struct cfg_def_value boost, score, miss, check, probe;
	bool used;
};

struct cfg_state {
	struct config *cfg;
	const char *path;
	FILE *fp;
	int line;
	bool failed;
	char error[CFG_ERR_MAX];
	char seen[4096];	/* "section/key " pairs, to refuse repeats */
	char near[64];		/* known key nearest the current one */
	unsigned near_dist;
	unsigned ndefs;
	struct cfg_site_def defs[CFG_MAX_DEFS];	/* ~100 KiB, few touched */
};

/* cfg_error - record "FILE:LINE: message" once; later errors are dropped. */
void cfg_error(struct cfg_state *st, const char *fmt, ...) MSG_PRINTF(2, 3);

/*
 * cfg_key - true when name is key.  Otherwise false, and key is kept
 * in st->near when it is a likely intended spelling of name (edit
 * distance at most 2 and at most a third of its length) nearer than
 * the keys compared before it.  cfg_handler clears st->near per line.
 */
bool cfg_key(struct cfg_state *st, const char *name, const char *key);

/*
 * cfg_unknown_key - record 'unknown key "NAME" in [SECTION]', adding
 * '; did you mean "KEY"?' when cfg_key found a near one.
 */
void cfg_unknown_key(struct cfg_state *st, const char *section, const char *name);

/* cfg_once - false (error recorded) when section/name came before. */
bool cfg_once(struct cfg_state *st, const char *section, const char *name);

void cfg_section(struct cfg_state *st, const char *section);
void cfg_checks(struct cfg_state *st, const char *name, const char *value);
/* cfg_checks_free - release the compiled dynamic_patterns. */
void cfg_checks_free(struct config *cfg);
void cfg_global(struct cfg_state *st, const char *name, const char *value);
void cfg_cache(struct cfg_state *st, const char *name, const char *value);
void cfg_sql(struct cfg_state *st, const char *name, const char *value);
void cfg_greylist(struct cfg_state *st, const char *name, const char *value);
void cfg_sites(struct cfg_state *st, const char *section, const char *name, const char *value);
void cfg_site_key(struct cfg_state *st, const char *section, const char *name, const char *value);

/*
 * cfg_find_def - the kept text of the list section for zone (case
 * insensitive); created (first seen at st->line) when create is set.
 * NULL when absent, or when there is no room (error recorded).
 */
struct cfg_site_def *cfg_find_def(struct cfg_state *st, const char *zone, bool create);

/*
 * cfg_def_append - add value to def's kept `ips` text, comma-joined (at
 * most CFG_IPS_MAX - 1 bytes in all; longer: an error in st).
 */
void cfg_def_append(struct cfg_state *st, struct cfg_site_def *def, const char *value);

/* cfg_sites_section - is section one of the four [*-sites]? */
bool cfg_sites_section(const char *section);

/* cfg_resolve_list - give a list its section's values (cfg_resolve.c). */
void cfg_resolve_list(struct cfg_state *st, struct dns_list *list);

/* Value checkers shared by the section parsers (errors via cfg_error). */
bool cfg_once(struct cfg_state *st, const char *section, const char *name);
void cfg_uint(struct cfg_state *st, const char *name, const char *value,
	      unsigned long min, unsigned long max, unsigned long *out);
void cfg_bool(struct cfg_state *st, const char *name, const char *value, bool *out);
void cfg_action(struct cfg_state *st, const char *name, const char *value,
		char *out, size_t size);

/* cfg_grey_defaults - the [greylist] defaults into *g. */
void cfg_grey_defaults(struct grey_settings *g);

/* cfg_grey_finish - checks across [greylist] keys (cfg_finish calls it). */
void cfg_grey_finish(struct cfg_state *st);

#define CFG_BOOST_LIMIT	10000.0

/*
 * cfg_parse_boost - a plain decimal boost from -CFG_BOOST_LIMIT to
 * CFG_BOOST_LIMIT.  Returns true and sets *out, else false.
 */
bool cfg_parse_boost(const char *text, double *out);

/* cfg_finish - resolve list sections against `sites`, final checks. */
void cfg_finish(struct cfg_state *st);

#endif
