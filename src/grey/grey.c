/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grey.c - selective greylisting: who is greylisted, and the answer.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "grey.h"
#include "grey_key.h"
#include "grey_store.h"
#include "msg.h"
#include "str.h"

struct grey {
	const struct grey_settings *s;
	struct grey_store *store;
	bool fault_logged;		/* a store fault is logged once per process */
	char header_instance[128];	/* the message that got its header */
	char host[256];
};

/* grey_open - settings and store; NULL when off */
struct grey *grey_open(const struct grey_settings *s, const struct sql_settings *sql,
		       struct cache *cache)
{
	struct grey *g;

	if (!s->enable || (g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	g->s = s;
	g->store = s->dsn[0] ? grey_sql_store(s, sql) : grey_file_store(s, cache);
	if (gethostname(g->host, sizeof(g->host) - 1) != 0 || str_has_ctl(g->host))
		str_copy(g->host, sizeof(g->host), "localhost");
	return g;
}

/* grey_close - the store, then the handle */
void grey_close(struct grey *g)
{
	if (g == NULL)
		return;
	if (g->store != NULL)
		g->store->ops->close(g->store);
	free(g);
}

/* present - a real attribute value */
static bool present(const char *s)
{
	return s != NULL && *s != '\0';
}

/* exempt - the reason a suspicious request is not greylisted, or false */
static bool exempt(const struct grey *g, const struct grey_request *req, char *why, size_t size)
{
	char entry[64];

	if (present(req->sasl_username))
		return snprintf(why, size, "exempt (sasl_username)"), true;
	if (grey_exempt_recipient(g->s->exempt_recipients, req->recipient, entry, sizeof(entry)))
		return snprintf(why, size, "exempt (recipient %s)", entry), true;
	return false;
}

/* header_once - the PREPEND of the first pass, once per message instance */
static void header_once(struct grey *g, const struct grey_request *req, long secs,
			struct grey_result *out)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;

	if (g->s->header[0] == '\0')
		return;
	if (present(req->instance) && strcmp(req->instance, g->header_instance) == 0)
		return;
	str_copy(g->header_instance, sizeof(g->header_instance),
		 present(req->instance) && !str_has_ctl(req->instance) ? req->instance : "");
	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	out->action[0] = '\0';
	if (!str_appendf(out->action, sizeof(out->action), "PREPEND %s: delayed %ld seconds "
			 "by dnswl at %.100s; %s", g->s->header, secs, g->host, date))
		out->action[0] = '\0';

}

/* fault - fail open, logged once */
static void fault(struct grey *g, const char *err, struct grey_result *out)
{
	if (!g->fault_logged)
		msg_warn("greylist: state store unavailable (%s); not greylisting "
			 "(logged once per process)", err);
	g->fault_logged = true;
	out->verdict = GREY_NONE;
	str_copy(out->reason, sizeof(out->reason), "off (store unavailable)");
}

/* apply_step - the answer for a triplet step */
static void apply_step(struct grey *g, const struct grey_request *req,
		       const struct grey_step *st, struct grey_result *out)
{
	switch (st->kind) {
	case GREY_NEW:
		out->verdict = GREY_DEFER;
		str_copy(out->reason, sizeof(out->reason), "new");
		break;
	case GREY_EARLY:
		out->verdict = GREY_DEFER;
		snprintf(out->reason, sizeof(out->reason), "early (%ld s left)", st->secs);
		break;
	case GREY_PASSED:
		out->verdict = GREY_PASS;
		snprintf(out->reason, sizeof(out->reason), "passed after %ld s", st->secs);
		header_once(g, req, st->secs, out);
		return;
	case GREY_KNOWN:
		out->verdict = GREY_PASS;
		str_copy(out->reason, sizeof(out->reason), "known");
		return;
	}
	str_copy(out->action, sizeof(out->action), g->s->action);
}

/*
 * keys - network and triplet key of the request; false if unusable.  A
 * sender that cannot be normalised is still greylisted, under one key
 * for all such senders (so it is no way around the greylist).
 */
static bool keys(const struct grey *g, const struct grey_request *req,
		 char *net, size_t netsize, char *key, size_t keysize)
{
	char sender[GREY_ADDR_MAX + 1];

	if (!grey_sender_normal(req->sender, sender, sizeof(sender)))
		str_copy(sender, sizeof(sender), "<unusable>");
	return present(req->client_address)
	    && grey_network(req->client_address, (unsigned)g->s->ipv4_prefix,
			    (unsigned)g->s->ipv6_prefix, net, netsize)
	    && grey_triplet_key(net, sender, req->recipient, key, keysize);
}

/* grey_decide - greylist this request? */
void grey_decide(struct grey *g, const struct grey_request *req, double total,
		 bool final, struct grey_result *out)
{
	char net[GREY_NET_MAX], key[GREY_KEY_MAX + 1], err[256];
	struct grey_step st;
	bool listed = false;

	memset(out, 0, sizeof(*out));
	if (g == NULL || final || total < g->s->score || req->protocol_state == NULL
	    || strcasecmp(req->protocol_state, "RCPT") != 0)
		return;
	if (exempt(g, req, out->reason, sizeof(out->reason))) {
		out->verdict = GREY_EXEMPT;
		return;
	}
	if (!keys(g, req, net, sizeof(net), key, sizeof(key))) {
		out->verdict = GREY_EXEMPT;
		str_copy(out->reason, sizeof(out->reason), "exempt (no usable triplet)");
		return;
	}
	if (g->store == NULL || !g->store->ops->decide(g->store, net, key, &listed, &st,
						     err, sizeof(err))) {
		fault(g, g->store == NULL ? "out of memory" : err, out);
		return;
	}
	if (listed) {
		out->verdict = GREY_PASS;
		str_copy(out->reason, sizeof(out->reason), "auto-whitelisted");
		return;
	}
	apply_step(g, req, &st, out);
}
