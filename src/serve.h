/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * serve.h - the policy service loop (Postfix spawn(8) child) and the
 * interactive query mode for administrators.
 */
#ifndef DNSWL_SERVE_H
#define DNSWL_SERVE_H

#include "cfg.h"
#include "decide.h"
#include "lookup.h"

struct amavis;
struct grey;

/*
 * serve - answer requests from fd in until end of input (grey: the
 * greylist, NULL when off).  Returns the
 * exit status: 0 at a clean end, 1 after unparsable input (no reply was
 * sent, so Postfix retries) or a write error.
 */
int serve(const struct config *cfg, struct lookup_ctx *ctx, struct amavis *amavis,
	  struct grey *grey, int in, int out);

/*
 * query_client - `dnswl -q ADDRESS [NAME] [-s SENDER] [-H HELO]`: ask
 * every list, print each answer, the arithmetic of the total and the
 * decision on stdout.  Returns 0.
 */
int query_client(const struct config *cfg, struct lookup_ctx *ctx, const struct client *c);

#endif
