/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_value_fuzz.c - libFuzzer harness for single configuration values.
 *
 * The first byte picks the parser, the rest is the value (up to a NUL,
 * as libinih hands values over):
 *   0  cfg_parse_ips          `ips` of a list section
 *   1  cfg_parse_nameservers  [global] nameserver
 *   2  amavis_dsn_parse       [sql] dsn (and amavis_dsn_describe)
 * (other values: modulo 3).  Parsed results must be within bounds; a
 * refusal must give a reason.  Whole files go through fuzz/cfg_fuzz.c;
 * this harness reaches the value parsers without the file syntax.
 *
 * Build and run (see fuzz/fuzz.am):  make fuzz-cfg-value [FUZZ_SECONDS=60]
 * Replayed by make check as t/cfg_value_fuzz_replay (fuzz/replay.c).
 */
#include "config.h"

#include <arpa/inet.h>

#include "amavis_dsn.h"
#include "cfg.h"
#include "match.h"
#include "match_filter.h"
#include "fuzz_util.h"

/* fuzz_ips - an `ips` value */
static void fuzz_ips(const char *value)
{
	static struct dns_list list;
	char err[256] = "", why[256];

	if (!cfg_parse_ips(&list, value, err, sizeof(err))) {
		fuzz_check(err[0] != '\0');
		return;
	}
	fuzz_check(list.nentries >= 1 && list.nentries <= CFG_MAX_ENTRIES);
	for (unsigned i = 0; i < list.nentries; i++) {
		const struct list_entry *e = &list.entries[i];

		fuzz_check(e->size >= 1 && e->size == match_filter_size(&e->filter));
		fuzz_check(match_usable(&e->filter, why, sizeof(why)));
		fuzz_check(!e->has_boost || (e->boost >= -10000.0 && e->boost <= 10000.0));
	}
}

/* fuzz_nameservers - a `nameserver` value */
static void fuzz_nameservers(const char *value)
{
	struct dns_settings dns;
	unsigned char bin[4];
	char err[256] = "";

	memset(&dns, 0, sizeof(dns));
	if (!cfg_parse_nameservers(&dns, value, err, sizeof(err))) {
		fuzz_check(err[0] != '\0');
		return;
	}
	fuzz_check(dns.nservers <= DNS_MAX_SERVERS);
	for (unsigned i = 0; i < dns.nservers; i++) {
		fuzz_check(dns.servers[i].port >= 1 && dns.servers[i].port <= 65535);
		fuzz_check(inet_pton(AF_INET, dns.servers[i].host, bin) == 1);
	}
}

/* fuzz_dsn - a [sql] dsn value */
static void fuzz_dsn(const char *value)
{
	struct amavis_dsn dsn;
	char err[256] = "", desc[2048];

	if (!amavis_dsn_parse(value, &dsn, err, sizeof(err))) {
		fuzz_check(err[0] != '\0' && fuzz_no_ctl(err));
		return;
	}
	fuzz_check(dsn.driver == AMAVIS_SQLITE3 || dsn.driver == AMAVIS_PGSQL
		   || dsn.driver == AMAVIS_MYSQL);
	fuzz_check(dsn.dbname[0] != '\0' && strchr(dsn.dbname, '/') == NULL);
	fuzz_check(dsn.port <= 65535);
	if (dsn.driver == AMAVIS_SQLITE3)
		fuzz_check(dsn.dbdir[0] == '/');
	fuzz_check(amavis_dsn_describe(&dsn, desc, sizeof(desc)) == desc);
	fuzz_check(strstr(desc, "://") != NULL);
}

/* LLVMFuzzerTestOneInput - selector byte, then one value */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *value;

	if (size < 1)
		return 0;
	value = fuzz_string(data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		fuzz_ips(value);
		break;
	case 1:
		fuzz_nameservers(value);
		break;
	default:
		fuzz_dsn(value);
	}
	free(value);
	return 0;
}
