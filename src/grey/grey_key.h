/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grey_key.h - the greylist triplet: client network, normalised sender,
 * recipient.  Pure functions on strings, unit-tested in t/grey_unit.c.
 */
#ifndef DNSWL_GREY_KEY_H
#define DNSWL_GREY_KEY_H

#include <stdbool.h>
#include <stddef.h>

#define GREY_ADDR_MAX	330	/* sender or recipient kept, bytes */
#define GREY_NET_MAX	64	/* "2001:db8:1:2::/64" */
#define GREY_KEY_MAX	253	/* a triplet key, without NUL */

/*
 * grey_sender_normal - the key form of a sender: lower-case; BATV
 * prvs=/msprvs1= tags and SRS0/SRS1 rewriting undone; "+extension"
 * stripped; in the local part, runs of digits and runs of 8 or more hex
 * digits holding a digit (VERP, bounce tags) become one '#'.  The null
 * sender (NULL or "") is "<>".  Returns false when it does not fit in
 * size, holds control characters or blanks, leaves nothing ("@"), or
 * would be "<>" without being the null sender.
 */
bool grey_sender_normal(const char *sender, char *buf, size_t size);

/*
 * grey_network - "ADDR/PREFIX" of the network holding addr (IPv4 or
 * IPv6 text) under the prefixes.  Returns false for anything else.
 */
bool grey_network(const char *addr, unsigned v4prefix, unsigned v6prefix,
		  char *buf, size_t size);

/*
 * grey_triplet_key - "NET SENDER RECIPIENT" (lower-case) into
 * buf[GREY_KEY_MAX + 1]; when longer than GREY_KEY_MAX, its tail is
 * replaced by '#' and a 64-bit hash of the whole in hex.  sender is
 * normalised already; recipient is lower-cased here.  Returns false
 * when the recipient is empty, too long, or holds blanks or controls.
 */
bool grey_triplet_key(const char *net, const char *sender, const char *recipient,
		      char *buf, size_t size);

/*
 * grey_exempt_recipient - does recipient match an entry of list
 * ("local@", "@domain", "local@domain"; comma or blank separated,
 * case-insensitive)?  The matching entry goes into why.
 */
bool grey_exempt_recipient(const char *list, const char *recipient, char *why, size_t size);

#endif
