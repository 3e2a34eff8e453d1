/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_addr.h - addresses and wb values in the form amavisd-new reads.
 *
 * amavis looks a sender up by keys built from the envelope address: the
 * address as given, then with the domain (and, unless
 * $localpart_is_case_sensitive, the localpart) lowercased, with and
 * without a "+extension".  dnswl stores one such key and, when it
 * cleans up, deletes every key a forged mail could match.
 */
#ifndef DNSWL_AMAVIS_ADDR_H
#define DNSWL_AMAVIS_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#define AMAVIS_ADDR_MAX	255	/* users/mailaddr.email are varbinary(255) */
#define AMAVIS_MAX_KEYS	5
#define AMAVIS_WB_MAX	10	/* wblist.wb is varchar(10) */

typedef char amavis_key[AMAVIS_ADDR_MAX + 1];

/*
 * amavis_addr_normalize - the key dnswl stores for addr: domain
 * lowercased (ASCII only, as Perl's lc on bytes), localpart lowercased
 * when lc_local.  Returns false (nothing to store) when addr is empty,
 * has no '@', an empty localpart or domain, a control byte, or when the
 * key would be longer than AMAVIS_ADDR_MAX bytes.
 */
bool amavis_addr_normalize(const char *addr, bool lc_local, amavis_key out);

/*
 * amavis_addr_keys - every key under which dnswl may have stored an auto
 * row that amavis would match for sender: the address as given and its
 * lowercased forms with and without the "+extension".  Keys longer than
 * AMAVIS_ADDR_MAX are left out.  Returns how many were written (0 when
 * the sender is unusable), at most AMAVIS_MAX_KEYS, no duplicates.
 */
size_t amavis_addr_keys(const char *sender, amavis_key keys[AMAVIS_MAX_KEYS]);

/*
 * amavis_wb_format - boost as a wb amavis takes as a score: plain
 * decimal, no exponent, 1 to 4 decimals, at most AMAVIS_WB_MAX chars
 * ("-10.0", "-110.1", "-0.25").  out needs AMAVIS_WB_MAX + 1 bytes.
 * Returns false when the boost did not fit (or was not a number) and
 * was clamped; out is then the clamped value (NaN gives "0.0").
 */
bool amavis_wb_format(double boost, char out[AMAVIS_WB_MAX + 1]);

#endif
