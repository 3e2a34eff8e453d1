/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_print.c - `dnswl -n -v`: the effective settings in dnswl.cfg syntax.
 * Every key the loader accepts is printed, and the ignored dnswl.py
 * daemon keys the file set as a comment: t/manpage.bats compares them
 * with dnswl.cfg(5).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cfg.h"

/* print_entry - one `ips` entry with its effective boost */
static void print_entry(const struct list_entry *e, FILE *fp, bool last)
{
	char text[MATCH_FILTER_TEXT_MAX];

	match_filter_format(&e->filter, text, sizeof(text));
	fprintf(fp, "%s / %.1f%s", text, e->boost, last ? "\n" : ",\n      ");
}

/* print_check - a domain list's `check` */
static void print_check(const struct dns_list *list, FILE *fp)
{
	unsigned n = 0;

	fprintf(fp, "check =");
	for (unsigned b = 1; b < 1u << CHECK_KINDS; b <<= 1)
		if (list->check & b)
			fprintf(fp, "%s %s", n++ ? "," : "", cfg_check_name(b));
	fputc('\n', fp);
}

/* print_list - a list section */
static void print_list(const struct dns_list *list, FILE *fp)
{
	static const char *what[2][2] = {
		{"the client address (swl-sites)", "the client address (dnsbl-sites)"},
		{"the client name's registrable domain (dwl-sites)",
		 "the names of check (rhsbl-sites)"}};

	fprintf(fp, "\n[%s]\n; queried by %s\n", list->zone, what[list->kind][list->role]);
	if (list->role == LIST_ALLOW)
		fprintf(fp, "boost = %.1f\n", list->boost);
	else
		fprintf(fp, "score = %.1f\nmiss = %.1f\n", list->boost, list->miss);
	if (list->kind == LIST_DOMAIN)
		print_check(list, fp);
	fprintf(fp, "probe = %s\n", list->probe ? "yes" : "no ; never probed: its answers always count");
	fprintf(fp, "ips = ");
	for (unsigned i = 0; i < list->nentries; i++)
		print_entry(&list->entries[i], fp, i + 1 == list->nentries);
}

/* print_sites - `sites` of one kind and role */
static void print_sites(const struct config *cfg, enum list_kind kind, enum list_role role,
			FILE *fp)
{
	static const char *names[2][2] = {{"swl-sites", "dnsbl-sites"},
		{"dwl-sites", "rhsbl-sites"}};
	unsigned n = 0;

	for (unsigned i = 0; i < cfg->nlists; i++)
		n += cfg->lists[i].role == role;
	if (role == LIST_BLOCK && n == 0)
		return;		/* an allow-only (dnswl.py) file prints as before */
	n = 0;
	fprintf(fp, "\n[%s]\nsites =", names[kind][role]);
	for (unsigned i = 0; i < cfg->nlists; i++)
		if (cfg->lists[i].kind == kind && cfg->lists[i].role == role)
			fprintf(fp, "%s %s", n++ ? "," : "", cfg->lists[i].zone);
	fputc('\n', fp);
}

/* print_scoring - the scoring keys of [global] */
static void print_scoring(const struct config *cfg, FILE *fp)
{
	if (cfg->has_reject_score)
		fprintf(fp, "reject_score = %.1f\n", cfg->reject_score);
	else
		fprintf(fp, "reject_score = ; never reject\n");
	fprintf(fp, "action_reject = %s\nheader = %s\ndry_run = %s\nprobe_interval = %lu%s\n",
		cfg->action_reject, cfg->header, cfg->dry_run ? "yes" : "no",
		cfg->probe_interval, cfg->probe_interval ? "" : " ; lists are never probed");
}

/* print_global - [global] */
static void print_global(const struct config *cfg, FILE *fp)
{
	fprintf(fp, "; %s\n[global]\nnameserver =", cfg->path);
	for (unsigned i = 0; i < cfg->dns.nservers; i++)
		fprintf(fp, "%s %s:%u", i ? "," : "", cfg->dns.servers[i].host,
			cfg->dns.servers[i].port);
	fprintf(fp, "%s\ndns_timeout = %u\ndns_attempts = %u\ndns_max_parallel = %u%s\n",
		cfg->dns.nservers ? "" : " ; system resolver (/etc/resolv.conf)",
		cfg->dns.timeout, cfg->dns.attempts, cfg->dns.max_parallel,
		cfg->dns.max_parallel ? "" : " ; every list of a request at once");
	fprintf(fp, "action_ok = %s\naction_dunno = %s\naction_defer = %s\n",
		cfg->action_ok, cfg->action_dunno, cfg->action_defer);
	fprintf(fp, "syslog_facility = %s\nlog_file = %s\n", cfg->syslog_facility,
		cfg->log_file);
	print_scoring(cfg, fp);
	if (cfg->ignored[0] != '\0')
		fprintf(fp, "; ignored dnswl.py daemon keys: %.*s\n",
			(int) strcspn(cfg->ignored, "\n") - 1, cfg->ignored);
}

/* cfg_print - every effective setting */
void cfg_print(const struct config *cfg, FILE *fp)
{
	const struct cache_settings *c = &cfg->cache;
	const struct sql_settings *q = &cfg->sql;

	print_global(cfg, fp);
	fprintf(fp, "\n[cache]\nfile = %s\nsize = %lu\nmin_ttl = %lu\nmax_ttl = %lu\n"
		"fail_ttl = %lu\n", c->file, c->size, c->min_ttl, c->max_ttl, c->fail_ttl);
	fprintf(fp, "\n[sql]\nuse_sql = %s\nverbose_sql = %s\ndsn = %s\n"
		"policy_priority = %ld\nmailaddr_priority = %ld\npolicy_preset = %ld\n"
		"cleanup_interval = %lu\ntimeout = %lu\nlocalpart_lowercase = %s\nmax_age = %lu\n",
		q->use_sql ? "yes" : "no", q->verbose_sql ? "yes" : "no",
		q->dsn[0] ? "(set, not shown)" : "", q->policy_priority,
		q->mailaddr_priority, q->policy_preset, q->cleanup_interval,
		q->timeout, q->localpart_lowercase ? "yes" : "no", q->max_age);
	cfg_grey_print(&cfg->grey, fp);
	fprintf(fp, "\n[checks]\n");
	for (unsigned i = 0; i < CK_COUNT; i++)
		fprintf(fp, "%s = %.1f\n", cfg_check_key(i), cfg->checks.score[i]);
	fprintf(fp, "dynamic_patterns = %s\n", cfg->checks.dynamic_patterns);
	print_sites(cfg, LIST_IP, LIST_ALLOW, fp);
	print_sites(cfg, LIST_DOMAIN, LIST_ALLOW, fp);
	print_sites(cfg, LIST_IP, LIST_BLOCK, fp);
	print_sites(cfg, LIST_DOMAIN, LIST_BLOCK, fp);
	for (unsigned i = 0; i < cfg->nlists; i++)
		print_list(&cfg->lists[i], fp);
}
