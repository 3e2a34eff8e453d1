/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * serve.c - loop over policy requests: decide, record, log, reply.
 *
 * Nothing here may write to stderr: under spawn(8) it is the smtpd
 * socket.  Every word about a request goes to the log.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "amavis.h"
#include "decide.h"
#include "grey.h"
#include "msg.h"
#include "policy.h"
#include "score.h"
#include "serve.h"
#include "str.h"

#define LOG_LINE_MAX 4000

/* elapsed_ms - milliseconds since start */
static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000L
	    + (now.tv_nsec - start->tv_nsec) / 1000000L;
}

/* or_empty - "" for an absent attribute */
static const char *or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/* serve_log - the one info line per decision */
static void serve_log(const struct config *cfg, const struct policy_request *req,
		      const struct decision *d, const struct grey_result *gr, const char *action,
		      enum amavis_outcome sql,
		      long ms)
{
	char line[LOG_LINE_MAX], checks[512];

	line[0] = '\0';
	str_appendf(line, sizeof(line), "decision: client=%s[%s] sender=<%.320s> "
		    "recipient=<%.320s> ", req->client_name ? req->client_name : "unknown",
		    req->client_address ? req->client_address : "unknown",
		    or_empty(req->sender), or_empty(req->recipient));
	decision_lists_text(d, line, sizeof(line));
	checks[0] = '\0';
	check_text(d->checks, " ", checks, sizeof(checks));
	str_appendf(line, sizeof(line), "%s%sboost=%.1f total=%.1f%s ",
		    d->nlists || !*checks ? checks : checks + 1, d->nlists || *checks ? " " : "",
		    d->boost, d->total, d->would_reject && cfg->dry_run ? " dry_run=reject" : "");
	if (gr->reason[0] != '\0')
		str_appendf(line, sizeof(line), "greylist=%s ", gr->reason);
	str_appendf(line, sizeof(line), "action=%s amavis=%s elapsed_ms=%ld", action,
		    amavis_outcome_name(sql), ms);
	msg_info("%s", line);
}

/*
 * serve_header_due - no header yet for this request's message?  The
 * first DUNNO request of each instance gets it; without an instance
 * attribute every one does.  Marks the instance as headed.
 */
static bool serve_header_due(const struct policy_request *req)
{
	static char last[128];
	char now[sizeof(last)];

	if (req->instance == NULL)
		return true;
	str_copy(now, sizeof(now), req->instance);
	if (strcmp(now, last) == 0)
		return false;
	str_copy(last, sizeof(last), now);
	return true;
}

/* serve_action - the reply: the verdict's action, or the header */
static const char *serve_action(const struct config *cfg, const struct policy_request *req,
				const struct decision *d, char *buf, size_t size)
{
	if (d->verdict == VERDICT_NOT_LISTED && cfg->header[0] != '\0' && serve_header_due(req)
	    && score_header_text(cfg, d, buf, size))
		return buf;
	return decision_action(cfg, d, buf, size);
}

/*
 * serve_reply - the reply: greylisting's deferral, else the verdict's
 * action or the score header, else greylisting's header on a first pass
 * (when the score header is not due: one PREPEND per reply).
 */
static const char *serve_reply(const struct config *cfg, struct grey *grey,
			       const struct policy_request *req, const struct decision *d,
			       char *buf, size_t size, struct grey_result *gr)
{
	struct grey_request gq = {req->protocol_state, req->client_address, req->sender,
		req->recipient, req->sasl_username, req->instance};
	const char *action;

	grey_decide(grey, &gq, d->total, d->verdict != VERDICT_NOT_LISTED || d->would_reject, gr);
	if (gr->verdict == GREY_DEFER)
		return gr->action;
	action = serve_action(cfg, req, d, buf, size);
	return gr->action[0] != '\0' && action != buf ? gr->action : action;
}

/* serve_one - answer one request */
static bool serve_one(const struct config *cfg, struct lookup_ctx *ctx, struct amavis *amavis,
		      struct grey *grey, const struct policy_request *req, int out)
{
	static struct decision d;
	struct client c = {req->client_address, req->client_name, req->reverse_client_name,
		req->helo_name, req->sender, req->recipient};
	char buf[SCORE_HEADER_MAX + 64];
	struct timespec start;
	struct grey_result gr;
	const char *action;
	enum amavis_outcome sql;

	clock_gettime(CLOCK_MONOTONIC, &start);
	decide(ctx, cfg, &c, &d);
	action = serve_reply(cfg, grey, req, &d, buf, sizeof(buf), &gr);
	sql = amavis_after_decision(amavis, req->protocol_state, req->sender, req->recipient, &d);
	serve_log(cfg, req, &d, &gr, action, sql, elapsed_ms(&start));
	if (!policy_reply(out, action)) {
		msg_warn("cannot write the reply: Postfix went away");
		return false;
	}
	return true;
}

/* serve - the request loop */
int serve(const struct config *cfg, struct lookup_ctx *ctx, struct amavis *amavis,
	  struct grey *grey, int in, int out)
{
	static struct policy_reader rd;
	static struct policy_request req;
	char err[256];

	policy_reader_init(&rd, in);
	for (;;) {
		switch (policy_read(&rd, &req, err, sizeof(err))) {
		case POLICY_EOF:
			return 0;
		case POLICY_BAD:
			msg_warn("bad policy request: %s; closing without a reply", err);
			return 1;
		case POLICY_REQUEST:
			if (!serve_one(cfg, ctx, amavis, grey, &req, out))
				return 1;
		}
	}
}
