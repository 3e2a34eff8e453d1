/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * main.c - dnswl: a Postfix policy service answering from DNS lists.
 *
 * Modes: serve (spawn(8) child, the default), -n check the config,
 * -q ask the lists about one client, -C cache administration, -V.
 * Only the serving mode logs to syslog; the others talk on the terminal.
 */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "amavis.h"
#include "amavis_worker.h"
#include "cache.h"
#include "cfg.h"
#include "grey.h"
#include "dns_pool.h"
#include "lookup.h"
#include "msg.h"
#include "serve.h"

#define DEFAULT_CFG SYSCONFDIR "/dnswl.cfg"

enum mode { MODE_SERVE, MODE_CHECK, MODE_QUERY, MODE_CACHE };

struct options {
	enum mode mode;
	const char *cfg_path;
	const char *arg;	/* -q ADDRESS or -C COMMAND */
	const char *name;	/* -q ADDRESS NAME */
	const char *sender;	/* -q ... -s SENDER */
	const char *helo;	/* -q ... -H HELO */
	const char *reverse;	/* -q ... -R PTR-NAME (default NAME) */
	const char *recipient;	/* -q ... -r RECIPIENT */
	int nrest;		/* -C greylist ARGS... */
	char **rest;
	bool verbose;
};

/* usage - the synopsis, on stderr (interactive only) */
static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: dnswl [-c FILE]                  serve Postfix (spawn)\n"
		"       dnswl -n [-v] [-c FILE]          check the config\n"
		"       dnswl -q ADDRESS [NAME] [-s SENDER] [-r RECIPIENT] [-H HELO] [-R PTR]\n"
		"                [-c FILE]\n"
		"                                        ask every list, show the score\n"
		"       dnswl -C stats|lists|dump|purge|forget-failures [-c FILE]\n"
		"                                         cache admin\n"
		"       dnswl [-c FILE] -C greylist [delete ADDRESS[/PREFIX] [SENDER RECIPIENT]]\n"
		"       dnswl -V                          version\n");
	exit(2);
}

/* parse_args - command line into opts */
static void parse_args(int argc, char **argv, struct options *opts)
{
	static const struct option longs[] = {
		{"sender", required_argument, NULL, 's'},
		{"helo", required_argument, NULL, 'H'},
		{"reverse-name", required_argument, NULL, 'R'},
		{"recipient", required_argument, NULL, 'r'},
		{NULL, 0, NULL, 0},
	};
	int ch;

	opts->cfg_path = DEFAULT_CFG;
	while ((ch = getopt_long(argc, argv, "c:nq:C:vVhs:H:R:r:", longs, NULL)) != -1) {
		switch (ch) {
		case 'c': opts->cfg_path = optarg; break;
		case 'n': opts->mode = MODE_CHECK; break;
		case 'q': opts->mode = MODE_QUERY; opts->arg = optarg; break;
		case 'C': opts->mode = MODE_CACHE; opts->arg = optarg; break;
		case 'v': opts->verbose = true; break;
		case 's': opts->sender = optarg; break;
		case 'H': opts->helo = optarg; break;
		case 'R': opts->reverse = optarg; break;
		case 'r': opts->recipient = optarg; break;
		case 'V': printf("dnswl %s\n", PACKAGE_VERSION); exit(0);
		default: usage();
		}
	}
	if (opts->mode == MODE_QUERY && optind < argc)
		opts->name = argv[optind++];
	if (opts->mode == MODE_CACHE && strcmp(opts->arg, "greylist") == 0) {
		opts->nrest = argc - optind;
		opts->rest = argv + optind;
		optind = argc;
	}
	if (optind != argc || ((opts->sender || opts->helo || opts->reverse
				  || opts->recipient) && opts->mode != MODE_QUERY))
		usage();
}

/* check_config - `dnswl -n [-v]` */
static int check_config(const struct config *cfg, bool verbose)
{
	char warning[3 * PATH_MAX];

	if (cfg_check_secrets(cfg, warning, sizeof(warning)))
		fprintf(stderr, "dnswl: warning: %s\n", warning);
	if (cfg->ignored[0] != '\0')
		fprintf(stderr, "dnswl: notice: %s: ignored dnswl.py daemon keys: %s"
			"(spawn(8) starts dnswl; it does not listen)\n", cfg->path, cfg->ignored);
	cache_check(&cfg->cache, stderr);
	if (verbose)
		cfg_print(cfg, stdout);
	return 0;
}

/* start_logging - serving: syslog, or log_file when set */
static void start_logging(const struct config *cfg)
{
	msg_set_facility(cfg->facility);
	if (cfg->log_file[0] != '\0' && !msg_set_file(cfg->log_file))
		msg_warn("cannot open log_file %s; logging to syslog", cfg->log_file);
}

/* run_serve - the spawn(8) child */
static int run_serve(const struct config *cfg)
{
	struct lookup_ctx ctx;
	struct amavis *amavis;
	struct grey *grey;
	char err[256];
	int status;

	start_logging(cfg);
	if (!lookup_open(&ctx, cfg, err, sizeof(err)))
		msg_fatal("%s", err);
	amavis_worker_at_fork(dns_pool_forget_in_child, ctx.pool);
	amavis = amavis_open(&cfg->sql, ctx.cache);
	grey = grey_open(&cfg->grey, &cfg->sql, ctx.cache);
	status = serve(cfg, &ctx, amavis, grey, STDIN_FILENO, STDOUT_FILENO);
	grey_close(grey);
	amavis_close(amavis);
	lookup_close(&ctx);
	return status;
}

/*
 * query_settings - root's `dnswl -q` runs uncached: a cache directory or
 * file it created would be root's, and every serving process would then
 * refuse it and run uncached.
 */
static void query_settings(struct config *cfg)
{
	if (geteuid() != 0 || cfg->cache.file[0] == '\0')
		return;
	fprintf(stderr, "dnswl: notice: running as root: not using the cache (run -q as the"
		" user dnswl runs as to read and fill it)\n");
	cfg->cache.file[0] = '\0';
}

/* run_query - `dnswl -q` */
static int run_query(const struct config *cfg, const struct options *opts)
{
	struct client c = {opts->arg, opts->name, opts->reverse ? opts->reverse : opts->name,
		opts->helo, opts->sender, opts->recipient};
	struct lookup_ctx ctx;
	char err[256];
	int status;

	if (!lookup_open(&ctx, cfg, err, sizeof(err)))
		msg_fatal("%s", err);
	status = query_client(cfg, &ctx, &c);
	lookup_close(&ctx);
	return status;
}

int main(int argc, char **argv)
{
	static struct config cfg;
	struct options opts = {0};
	char err[CFG_ERR_MAX];

	parse_args(argc, argv, &opts);
	msg_init("dnswl", opts.mode == MODE_SERVE ? MSG_SYSLOG : MSG_STDERR,
		 msg_facility_code("mail"));
	if (!cfg_load(&cfg, opts.cfg_path, err, sizeof(err))) {
		if (opts.mode == MODE_CHECK) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		msg_fatal("%s", err);
	}
	switch (opts.mode) {
	case MODE_CHECK:
		return check_config(&cfg, opts.verbose);
	case MODE_QUERY:
		query_settings(&cfg);
		return run_query(&cfg, &opts);
	case MODE_CACHE:
		if (strcmp(opts.arg, "greylist") == 0)
			return grey_admin(&cfg, opts.nrest, opts.rest, stdout);
		return cache_admin(&cfg.cache, opts.arg, stdout);
	default:
		return run_serve(&cfg);
	}
}
