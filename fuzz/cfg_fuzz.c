/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_fuzz.c - libFuzzer harness for the configuration loader.
 *
 * The input is a whole dnswl.cfg.  It is put in a memory file and read
 * with cfg_load through /proc/self/fd/N, exactly as dnswl -c FILE reads
 * it (libinih, our line reader, every section's value parsers, the
 * final checks).  A rejected file must give one error line naming the
 * file ("PATH:LINE: ..." or "PATH: ...") without control characters;
 * an accepted one must hold lists within their bounds, and printing it
 * (dnswl -n -v) must work.  cfg_load never exits and frees what it
 * allocates, so libFuzzer's leak check covers it.
 *
 * Build and run (see fuzz/fuzz.am):  make fuzz-cfg [FUZZ_SECONDS=60]
 * Replayed by make check as t/cfg_fuzz_replay (fuzz/replay.c).
 */
#include "config.h"

#include <ctype.h>

#include "cfg.h"
#include "match.h"
#include "fuzz_util.h"

static struct config cfg;

/* check_error - "PATH:LINE: message" or "PATH: message", one clean line */
static void check_error(const char *path, const char *err)
{
	size_t plen = strlen(path);
	const char *p = err + plen;

	fuzz_check(strncmp(err, path, plen) == 0 && *p == ':');
	if (isdigit((unsigned char) p[1])) {
		for (p++; isdigit((unsigned char) *p); p++)
			;
		fuzz_check(*p == ':');
	}
	fuzz_check(p[1] == ' ' && p[2] != '\0');
	fuzz_check(fuzz_no_ctl(err));
}

/* check_lists - an accepted file's lists are within bounds */
static void check_lists(void)
{
	char why[256];

	fuzz_check(cfg.nlists <= CFG_MAX_LISTS);
	fuzz_check(cfg.dns.nservers <= DNS_MAX_SERVERS);
	for (unsigned i = 0; i < cfg.nlists; i++) {
		const struct dns_list *l = &cfg.lists[i];

		fuzz_check(l->zone[0] != '\0' && fuzz_no_ctl(l->zone));
		fuzz_check(l->nentries >= 1 && l->nentries <= CFG_MAX_ENTRIES);
		for (unsigned e = 0; e < l->nentries; e++)
			fuzz_check(l->entries[e].size >= 1
				   && match_usable(&l->entries[e].filter, why, sizeof(why)));
	}
	fuzz_check(fuzz_no_ctl(cfg.action_ok) && fuzz_no_ctl(cfg.action_dunno)
		   && fuzz_no_ctl(cfg.action_defer));
}

/* LLVMFuzzerTestOneInput - one configuration file */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	char path[64], err[CFG_ERR_MAX];

	if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fuzz_memfd(data, size));
	err[0] = '\0';
	if (!cfg_load(&cfg, path, err, sizeof(err)))
		check_error(path, err);
	else {
		check_lists();
		cfg_print(&cfg, devnull);
	}
	cfg_free(&cfg);
	return 0;
}
