/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grey_cfg.h - the [greylist] settings (read by cfg_grey.c).
 */
#ifndef DNSWL_GREY_CFG_H
#define DNSWL_GREY_CFG_H

#include <stdbool.h>

#define GREY_ACTION_MAX		256
#define GREY_HEADER_MAX		64
#define GREY_EXEMPT_MAX		1024
#define GREY_DSN_MAX		1024

struct grey_settings {
	bool enable;
	double score;			/* total >= score (and < reject) greylists */
	unsigned long delay;		/* seconds a new triplet waits */
	unsigned long retry_window;	/* a later first retry starts over */
	unsigned long max_age;		/* unused passed triplets/networks expire */
	unsigned long auto_whitelist;	/* passes before a network is exempt; 0 off */
	unsigned long ipv4_prefix;
	unsigned long ipv6_prefix;
	char action[GREY_ACTION_MAX];
	char header[GREY_HEADER_MAX];	/* "" = no header */
	char exempt_recipients[GREY_EXEMPT_MAX];
	char dsn[GREY_DSN_MAX];		/* "" = the cache file */
};

#endif
