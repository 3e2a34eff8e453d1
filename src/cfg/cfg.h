/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg.h - the configuration: dnswl.cfg read with libinih.
 *
 * The file format is the one of the original dnswl.py: [global], [sql],
 * [swl-sites] and [dwl-sites] name the lists, and one section per list
 * holds its `ips` and `boost`.  New keys extend it; nothing old breaks.
 */
#ifndef DNSWL_CFG_H
#define DNSWL_CFG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dns.h"
#include "grey_cfg.h"
#include "match_filter.h"

#define CFG_MAX_LISTS	32
#define CFG_MAX_ENTRIES	1024	/* `ips` entries per list (allocated as used) */
#define CFG_ACTION_MAX	256
#define CFG_ERR_MAX	(PATH_MAX + 256)

/* What a list is queried by. */
enum list_kind {
	LIST_IP,		/* reversed client address (swl-, dnsbl-sites) */
	LIST_DOMAIN,		/* a domain name (dwl-sites, rhsbl-sites) */
};

/* What a match on the list means. */
enum list_role {
	LIST_ALLOW,		/* swl-sites, dwl-sites: boost */
	LIST_BLOCK,		/* dnsbl-sites, rhsbl-sites: score */
};

/*
 * The names a domain list looks up (`check`, a bit set).  An allow
 * list (dwl) looks up the registrable domain of the verified client
 * name only; a block list (rhsbl) the full names, as Postfix's
 * reject_rhsbl_* restrictions do.
 */
enum list_check {
	CHECK_SENDER = 1 << 0,		/* envelope sender's domain */
	CHECK_HELO = 1 << 1,		/* HELO/EHLO name */
	CHECK_CLIENT_NAME = 1 << 2,	/* verified client name */
	CHECK_REVERSE_NAME = 1 << 3,	/* unverified PTR name */
};
#define CHECK_KINDS	4
/* Queries of one request at most: one per list and checked name. */
#define CFG_MAX_QUERIES	(CFG_MAX_LISTS * CHECK_KINDS)

/*
 * One `ips` entry: a filter (match_filter.h) the answer code must pass.
 * Among the entries a code passes, the one covering the fewest
 * addresses counts (an exact address beats a range, a range a prefix).
 */
struct list_entry {
	struct match_filter filter;
	uint64_t size;		/* match_filter_size(&filter) */
	double boost;		/* the boost, or a block list's score */
	bool has_boost;		/* "/ BOOST" given; else the list's boost */
};

struct dns_list {
	char zone[DNS_NAME_MAX];	/* also the section name */
	enum list_kind kind;
	enum list_role role;
	double boost;			/* allow: boost, default -10.0;
					 * block: score, default 1.0 */
	double miss;			/* block: added on NXDOMAIN/NODATA */
	unsigned check;			/* domain lists: enum list_check bits */
	bool probe;			/* RFC 5782 health probes (health.h) */
	struct list_entry *entries;	/* malloc'ed, nentries of them */
	unsigned nentries;		/* 1.. after load ("127" by default) */
	int line;			/* where it was named in `sites` */
};

struct cache_settings {
	char file[PATH_MAX];		/* "" disables caching */
	unsigned long size;		/* entries */
	unsigned long min_ttl;		/* seconds */
	unsigned long max_ttl;
	unsigned long fail_ttl;		/* how long a failing list is skipped */
};

struct sql_settings {
	bool use_sql;
	bool verbose_sql;
	char dsn[1024];
	int dsn_line;
	long policy_priority;
	long mailaddr_priority;
	long policy_preset;
	unsigned long cleanup_interval;	/* seconds */
	unsigned long max_age;		/* auto rows not refreshed: removed after (s); 0 never */
	unsigned long timeout;		/* connect/statement, seconds */
	bool localpart_lowercase;
};

/*
 * The client checks of [checks] (check.h): each has a score added to
 * the total when it fires; 0 turns it off (the default).
 */
enum check_id {
	CK_NO_CLIENT_NAME,
	CK_DYNAMIC_CLIENT,
	CK_HELO_IP_LITERAL,
	CK_HELO_INVALID,
	CK_HELO_MISMATCH,
	CK_SENDER_BAD_DOMAIN,
	CK_SENDER_IS_RECIPIENT,
	CK_SPF_PASS,		/* the SPF result of the sender (or HELO) */
	CK_SPF_FAIL,
	CK_SPF_SOFTFAIL,
	CK_SPF_NONE,
	CK_COUNT,
};

/* One line of the dynamic_patterns file: a compiled POSIX ERE. */
struct check_pattern {
	void *re;			/* regex_t *, malloc'ed */
	bool exclude;			/* "!" line: never dynamic */
};

#define CFG_MAX_PATTERNS 256

struct check_settings {
	double score[CK_COUNT];
	char dynamic_patterns[PATH_MAX];	/* "" = the built-in test only */
	struct check_pattern *patterns;		/* malloc'ed */
	unsigned npatterns;
};

/* cfg_check_key - "helo_invalid"... the [checks] key of a check. */
const char *cfg_check_key(enum check_id id);

struct config {
	char path[PATH_MAX];
	struct dns_list lists[CFG_MAX_LISTS];
	unsigned nlists;
	struct dns_settings dns;
	char action_ok[CFG_ACTION_MAX];		/* whitelisted */
	char action_dunno[CFG_ACTION_MAX];	/* not listed */
	char action_defer[CFG_ACTION_MAX];	/* a list failed */
	char action_reject[CFG_ACTION_MAX];	/* "$lists": the lists that hit */
	bool has_reject_score;			/* reject_score set */
	double reject_score;			/* total at or above: reject */
	char header[80];			/* "" = no header */
	bool dry_run;				/* never answer a reject */
	unsigned long probe_interval;		/* list health probes (s); 0 off */
	char syslog_facility[32];
	char log_file[PATH_MAX];		/* "" = syslog */
	int facility;				/* syslog code */
	struct cache_settings cache;
	struct sql_settings sql;
	struct grey_settings grey;
	struct check_settings checks;
	/* Ignored dnswl.py daemon keys seen, for `dnswl -n` notices. */
	char ignored[256];
};

/*
 * cfg_ignored_keys - the dnswl.py daemon keys [global] accepts and
 * ignores (spawn(8) starts dnswl and sets its user), NULL-terminated.
 */
extern const char *const cfg_ignored_keys[];

/*
 * cfg_defaults - set the built-in defaults (no lists) in *cfg, which
 * must be zero (static, calloc'd or cfg_free()d): a 31 KiB memset here
 * would cost every new connection 8 page faults.
 */
void cfg_defaults(struct config *cfg);

/*
 * cfg_load - read path into *cfg (defaults first).  Returns true when
 * the file is valid; otherwise writes "FILE:LINE: what is wrong" (or
 * "FILE: ..." when no line applies) into err and returns false.
 * *cfg must be zero or cfg_free()d (its entries are not freed here).
 */
bool cfg_load(struct config *cfg, const char *path, char *err, size_t errsize);

/*
 * cfg_free - release what cfg_load allocated (the `ips` entries, the
 * patterns) and zero *cfg, which may be loaded again afterwards.
 */
void cfg_free(struct config *cfg);

/* cfg_list_free - release one list's entries (nentries becomes 0). */
void cfg_list_free(struct dns_list *list);

/*
 * cfg_parse_ips - parse an `ips` value ("127.0.2 / -5, 127.0.10.1,
 * 127.0.0.0/8, 127.0.[0..255].[2..3] / -20") into list->entries,
 * replacing (and freeing) any earlier entries.  Returns true on
 * success; on failure writes the reason (without file and line) into
 * err and leaves list with no entries.
 */
bool cfg_parse_ips(struct dns_list *list, const char *value, char *err, size_t errsize);

/*
 * cfg_parse_nameservers - parse "IP[:PORT], [IPv6]:PORT, ..." into
 * dns->servers.  Returns false with a reason in err.
 */
bool cfg_parse_nameservers(struct dns_settings *dns, const char *value, char *err, size_t errsize);

/*
 * cfg_check_secrets - true, with a warning and its fix in buf, when the
 * [sql] dsn holds a password and cfg->path is readable by others.
 */
bool cfg_check_secrets(const struct config *cfg, char *buf, size_t size);

/* cfg_grey_print - the [greylist] part of cfg_print. */
void cfg_grey_print(const struct grey_settings *g, FILE *fp);

/* cfg_check_name - "sender", "helo"... for one enum list_check bit. */
const char *cfg_check_name(unsigned bit);

/* cfg_print - write the effective settings, in dnswl.cfg syntax. */
void cfg_print(const struct config *cfg, FILE *fp);

#endif
