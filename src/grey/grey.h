/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grey.h - selective greylisting: delay only suspicious clients.
 *
 * The caller decides how suspicious a client is (the total score) and
 * whether it answers OK or REJECT anyway; this module only needs those
 * two facts and the request's attributes, and answers pass, defer or
 * exempt with the word for the log line and, on the first pass of a
 * message, a header.  State lives in the shared cache file or, with
 * [greylist] dsn, in a database every MX host shares.  A store that
 * fails means "greylisting off" (logged once per process), never a
 * temporary error.
 */
#ifndef DNSWL_GREY_H
#define DNSWL_GREY_H

#include <stdbool.h>
#include <stdio.h>

#include "cfg.h"

struct cache;
struct grey;

struct grey_request {
	const char *protocol_state;
	const char *client_address;
	const char *sender;
	const char *recipient;
	const char *sasl_username;
	const char *instance;		/* one per message (Postfix) */
};

enum grey_verdict {
	GREY_NONE,		/* not greylisting here: keep the caller's action */
	GREY_DEFER,		/* answer grey_action() */
	GREY_PASS,		/* caller's action, or the header */
	GREY_EXEMPT,		/* suspicious, but exempt: caller's action */
};

#define GREY_REASON_MAX	96
#define GREY_HEADER_LINE_MAX	512

struct grey_result {
	enum grey_verdict verdict;
	char reason[GREY_REASON_MAX];	/* "new", "early (12 s left)"...; "" for NONE */
	char action[GREY_HEADER_LINE_MAX];	/* "" or "PREPEND X-Greylist: ..." / the defer action */
};

/*
 * grey_open - greylisting as s says, its state in cache (dsn empty) or
 * in the database (dsn set; sql gives the timeout).  Returns NULL when
 * greylisting is off.  Connects to nothing yet.
 */
struct grey *grey_open(const struct grey_settings *s, const struct sql_settings *sql,
		       struct cache *cache);

/*
 * grey_decide - greylist this request?  total is the client's score,
 * final true when the caller answers OK or REJECT regardless.  g may
 * be NULL (off).  Always fills *out; out->action, when not "", is the
 * reply to send instead of the caller's.
 */
void grey_decide(struct grey *g, const struct grey_request *req, double total,
		 bool final, struct grey_result *out);

/* grey_close - release the store; NULL is fine. */
void grey_close(struct grey *g);

/*
 * grey_admin - `dnswl -C greylist [delete TRIPLET-OR-NETWORK]`: counts
 * (pending, passed, networks auto-whitelisted, expired) or delete one
 * triplet ("NETWORK SENDER RECIPIENT", the sender as given: it is
 * normalised) or every record of a network ("ADDRESS[/PREFIX]").
 * Returns the exit status (0 ok, 1 error, 2 bad arguments).
 */
int grey_admin(const struct config *cfg, int argc, char **argv, FILE *out);

#endif
