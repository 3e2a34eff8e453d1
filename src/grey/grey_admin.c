/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grey_admin.c - `dnswl -C greylist`: counts, and deleting a triplet
 * or a network, in whichever store [greylist] names.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "grey.h"
#include "grey_key.h"
#include "grey_store.h"
#include "msg.h"
#include "str.h"

/* admin_net - "ADDRESS[/PREFIX]" as the network key */
static bool admin_net(const struct grey_settings *s, const char *arg, char *net, size_t size)
{
	char addr[GREY_NET_MAX];
	unsigned long prefix = 0;
	const char *slash = strchr(arg, '/');
	bool v6 = strchr(arg, ':') != NULL;

	if (!str_copy(addr, sizeof(addr), arg))
		return false;
	if (slash != NULL) {
		addr[slash - arg] = '\0';
		if (!str_parse_uint(slash + 1, v6 ? 128 : 32, &prefix))
			return false;
	}
	return grey_network(addr, slash ? (unsigned)prefix : (unsigned)s->ipv4_prefix,
			    slash ? (unsigned)prefix : (unsigned)s->ipv6_prefix, net, size);
}

/* admin_counts - the four counts */
static int admin_counts(struct grey_store *st, FILE *out)
{
	struct grey_counts k;
	char err[256];

	if (!st->ops->counts(st, &k, err, sizeof(err))) {
		msg_warn("greylist: %s", err);
		return 1;
	}
	fprintf(out, "pending: %lu\npassed: %lu\nnetworks auto-whitelisted: %lu\nexpired: %lu\n",
		k.pending, k.passed, k.networks, k.expired);
	return 0;
}

/* admin_delete - "delete NETWORK" or "delete ADDRESS SENDER RECIPIENT" */
static int admin_delete(struct grey_store *st, int argc, char **argv, FILE *out)
{
	char net[GREY_NET_MAX], sender[GREY_ADDR_MAX + 1], key[GREY_KEY_MAX + 1], err[256];
	unsigned long n = 0;
	bool triplet = argc == 4;

	if ((argc != 2 && argc != 4) || !admin_net(st->s, argv[1], net, sizeof(net))) {
		msg_warn("usage: dnswl -C greylist delete ADDRESS[/PREFIX] [SENDER RECIPIENT]");
		return 2;
	}
	if (triplet && (!grey_sender_normal(strcmp(argv[2], "<>") ? argv[2] : "", sender,
					    sizeof(sender))
			|| !grey_triplet_key(net, sender, argv[3], key, sizeof(key)))) {
		msg_warn("greylist: not a usable sender and recipient");
		return 2;
	}
	if (!st->ops->drop(st, net, triplet ? key : NULL, &n, err, sizeof(err))) {
		msg_warn("greylist: %s", err);
		return 1;
	}
	fprintf(out, "deleted %lu record%s of %s\n", n, n == 1 ? "" : "s", triplet ? key : net);
	return 0;
}

/* grey_admin - counts or delete */
int grey_admin(const struct config *cfg, int argc, char **argv, FILE *out)
{
	struct cache *cache = NULL;
	struct grey_store *st;
	int rc;

	if (argc > 0 && strcmp(argv[0], "delete") != 0) {
		msg_warn("usage: dnswl -C greylist [delete ADDRESS[/PREFIX] [SENDER RECIPIENT]]");
		return 2;
	}
	if (cfg->grey.dsn[0] == '\0' && (cache = cache_open_existing(&cfg->cache)) == NULL) {
		msg_warn("greylist: no usable cache file %s", cfg->cache.file);
		return 1;
	}
	st = cfg->grey.dsn[0] ? grey_sql_store(&cfg->grey, &cfg->sql)
	    : grey_file_store(&cfg->grey, cache);
	if (st == NULL)
		rc = 1;
	else
		rc = argc == 0 ? admin_counts(st, out) : admin_delete(st, argc, argv, out);
	if (st != NULL)
		st->ops->close(st);
	cache_close(cache);
	return rc;
}
