/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * health.c - plan, send and judge the RFC 5782 probes of the lists
 * (health.h), and keep each list's state: in the cache file for every
 * process, or in this process when running uncached.
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "health.h"
#include "match.h"
#include "msg.h"
#include "str.h"

/* The RFC 5782 test points: [domain list][must not]. */
static const char *const health_points[2][2] = {{"2.0.0.127", "1.0.0.127"},
	{"test", "invalid"}};

/* Uncached: this process's own records, by list index. */
static struct list_health_rec health_local[CFG_MAX_LISTS];

/* health_get - list i's record (shared or this process's) */
static void health_get(struct lookup_ctx *ctx, const struct config *cfg, unsigned i,
		       struct list_health_rec *rec)
{
	if (ctx->cache == NULL)
		*rec = health_local[i];
	else
		cache_health_get(ctx->cache, cfg->lists[i].zone, rec);
}

/* health_claim - take list i's probe; false: another process has it */
static bool health_claim(struct lookup_ctx *ctx, const struct config *cfg, unsigned i,
			 time_t now, struct list_health_rec *rec)
{
	unsigned long hold = (unsigned long)cfg->dns.timeout * cfg->dns.attempts + 2;

	if (ctx->cache == NULL)
		return true;
	return cache_health_claim(ctx->cache, cfg->lists[i].zone, now, cfg->probe_interval,
				  hold, rec);
}

/* health_put - store list i's new record; true: its state changed */
static bool health_put(struct lookup_ctx *ctx, const struct config *cfg, unsigned i,
		       struct list_health_rec *rec, time_t now, struct list_health_rec *old)
{
	struct list_health_rec *l = &health_local[i];
	bool changed;

	if (ctx->cache != NULL)
		return cache_health_put(ctx->cache, cfg->lists[i].zone, rec, now, old);
	*old = *l;
	changed = l->since == 0 || l->state != rec->state;
	rec->since = changed ? now : l->since;
	*l = *rec;
	return changed;
}

/* health_plan - every list's state, and the probes this request sends */
void health_plan(struct lookup_ctx *ctx, const struct config *cfg, struct health_view *hv,
		 time_t now)
{
	struct list_health_rec rec;

	memset(hv->state, 0, sizeof(hv->state));	/* not probe[]: health_queries */
	memset(hv->off, 0, sizeof(hv->off));
	memset(hv->probing, 0, sizeof(hv->probing));
	for (unsigned i = 0; i < cfg->nlists; i++) {
		if (cfg->probe_interval == 0 || !cfg->lists[i].probe) {
			hv->off[i] = true;
			hv->state[i] = HEALTH_OK;
			continue;
		}
		health_get(ctx, cfg, i, &rec);
		hv->state[i] = rec.state;
		if (cache_health_due(&rec, now, cfg->probe_interval)
		    && health_claim(ctx, cfg, i, now, &rec)) {
			hv->probing[i] = true;
			hv->state[i] = rec.state;
		}
	}
}

/* health_probe_name - a probe's query name: must (0) or must-not (1) point */
static bool health_probe_name(const struct dns_list *list, int which, char *buf, size_t size)
{
	return dns_list_name(health_points[list->kind == LIST_DOMAIN][which], list->zone, buf, size);
}

/* health_queries - both probes of every list being probed */
unsigned health_queries(const struct config *cfg, struct health_view *hv,
			struct lookup_query *q, unsigned n)
{
	for (unsigned i = 0; i < cfg->nlists; i++) {
		for (int w = 0; hv->probing[i] && w < 2; w++) {
			struct lookup_result *res = &hv->probe[i][w];

			if (!health_probe_name(&cfg->lists[i], w, res->qname, sizeof(res->qname))) {
				hv->probing[i] = false;
				break;
			}
			q[n++] = (struct lookup_query) {cfg->lists[i].zone, res->qname, res, 0, NULL, false, true};
		}
	}
	return n;
}

/* health_classes - what an answer holds: listings, refusal codes */
static void health_classes(const struct dns_answer *ans, bool *listed, uint32_t *refusal)
{
	*listed = false;
	for (unsigned k = 0; ans->status == DNS_ANSWER && k < ans->naddr; k++) {
		enum code_class cls = match_classify(ans->addr[k]);

		*listed |= cls == CODE_LISTING;
		if (cls == CODE_REFUSAL && *refusal == 0)
			*refusal = ans->addr[k];
	}
}

/* health_judge - the state two probe answers mean; *refusal the code seen */
static enum list_health health_judge(const struct lookup_result *probe, uint32_t *refusal)
{
	bool must, must_not;

	*refusal = 0;
	health_classes(&probe[0].answer, &must, refusal);
	health_classes(&probe[1].answer, &must_not, refusal);
	if (*refusal != 0)
		return HEALTH_REFUSING;
	if (dns_failed(probe[0].answer.status) || dns_failed(probe[1].answer.status))
		return HEALTH_UNKNOWN;
	if (must_not)
		return HEALTH_LISTS_ALL;
	return must ? HEALTH_OK : HEALTH_LISTS_NONE;
}

/* health_answer_text - "127.0.0.2" (two codes at most) or the status */
static void health_answer_text(const struct dns_answer *ans, char *buf, size_t size)
{
	struct in_addr in;
	char text[INET_ADDRSTRLEN];

	buf[0] = '\0';
	if (ans->status != DNS_ANSWER) {
		str_copy(buf, size, dns_status_name(ans->status));
		return;
	}
	for (unsigned k = 0; k < ans->naddr && k < 2; k++) {
		in.s_addr = htonl(ans->addr[k]);
		inet_ntop(AF_INET, &in, text, sizeof(text));
		str_appendf(buf, size, "%s%s", k ? "," : "", text);
	}
	if (ans->naddr > 2)
		str_appendf(buf, size, ",...");
}

/* health_answers - "2.0.0.127=127.0.0.2 1.0.0.127=NXDOMAIN" */
static void health_answers(const struct dns_list *list, const struct lookup_result *probe,
			   char *buf, size_t size)
{
	char one[40];

	buf[0] = '\0';
	for (int w = 0; w < 2; w++) {
		health_answer_text(&probe[w].answer, one, sizeof(one));
		str_appendf(buf, size, "%s%s=%s", w ? " " : "",
			    health_points[list->kind == LIST_DOMAIN][w], one);
	}
}

/* health_refusal_meaning - what a refusal code says (scoring.md) */
static const char *health_refusal_meaning(uint32_t code)
{
	switch (code) {
	case 0x7fffffFCU:
		return "the zone name is mistyped or unknown to the list";
	case 0x7fffffFEU:
		return "queries go through a public resolver";
	case 0x7fffffFFU:
	case 0x7f0000ffU:
		return "blocked for excessive queries";
	default:
		return "the list refuses to answer";
	}
}

/* health_meaning - the warning's "what that means" part */
static void health_meaning(enum list_health state, uint32_t refusal, char *buf, size_t size)
{
	struct in_addr in;
	char text[INET_ADDRSTRLEN];

	switch (state) {
	case HEALTH_OK:
		str_copy(buf, size, "healthy: its answers count");
		break;
	case HEALTH_LISTS_ALL:
		str_copy(buf, size, "lists every address: disabled (not asked, no boost, "
			 "score or miss) until a probe finds it healthy");
		break;
	case HEALTH_LISTS_NONE:
		str_copy(buf, size, "lists nothing (dead zone or no test points): its "
			 "miss score is not applied");
		break;
	case HEALTH_REFUSING:
		in.s_addr = htonl(refusal);
		inet_ntop(AF_INET, &in, text, sizeof(text));
		snprintf(buf, size, "answers %s: %s: disabled until a probe finds it "
			 "healthy", text, health_refusal_meaning(refusal));
		break;
	default:
		str_copy(buf, size, "probes failed: state unknown, its answers do not count");
		break;
	}
}

/* health_log - one line per state change */
static void health_log(const struct dns_list *list, const struct list_health_rec *old,
		       const struct list_health_rec *rec, uint32_t refusal, const char *how)
{
	char meaning[160];

	health_meaning(rec->state, refusal, meaning, sizeof(meaning));
	if (rec->state == HEALTH_OK && (old->since == 0 || old->state == HEALTH_UNKNOWN))
		msg_info("list %s %s %s: %s", list->zone, how, rec->answers, meaning);
	else
		msg_warn("list %s %s %s: %s (was %s)", list->zone, how, rec->answers, meaning,
			 cache_health_name(old->state));
}

/* health_store - record list i's new state; log when it changed */
static void health_store(struct lookup_ctx *ctx, const struct config *cfg, unsigned i,
			 struct list_health_rec *rec, uint32_t refusal, const char *how)
{
	struct list_health_rec old;
	time_t now = time(NULL);

	rec->probed = now;
	if (health_put(ctx, cfg, i, rec, now, &old))
		health_log(&cfg->lists[i], &old, rec, refusal, how);
}

/* health_finish - judge and store every probe of this request */
void health_finish(struct lookup_ctx *ctx, const struct config *cfg, struct health_view *hv)
{
	struct list_health_rec rec;
	uint32_t refusal;

	for (unsigned i = 0; i < cfg->nlists; i++) {
		if (!hv->probing[i])
			continue;
		memset(&rec, 0, sizeof(rec));
		rec.state = health_judge(hv->probe[i], &refusal);
		/* failed probes leave a known state as it is (its queries fail too) */
		if (rec.state == HEALTH_UNKNOWN && hv->state[i] != HEALTH_UNKNOWN)
			rec.state = hv->state[i];
		health_answers(&cfg->lists[i], hv->probe[i], rec.answers, sizeof(rec.answers));
		health_store(ctx, cfg, i, &rec, refusal, "probed:");
		hv->state[i] = rec.state;
		hv->probing[i] = false;
	}
}

/* health_refusal - a refusal code in a real answer disables the list */
void health_refusal(struct lookup_ctx *ctx, const struct config *cfg, struct health_view *hv,
		    unsigned i, const struct dns_answer *ans)
{
	struct list_health_rec rec;
	bool listed;
	uint32_t refusal = 0;

	if (hv->off[i] || hv->state[i] == HEALTH_REFUSING)
		return;
	health_classes(ans, &listed, &refusal);
	if (refusal == 0)
		return;
	memset(&rec, 0, sizeof(rec));
	rec.state = HEALTH_REFUSING;
	health_answer_text(ans, rec.answers, sizeof(rec.answers));
	health_store(ctx, cfg, i, &rec, refusal, "answered a real query with");
	hv->state[i] = HEALTH_REFUSING;
}

/* health_asked - disabled lists are not asked, unless probed now */
bool health_asked(const struct health_view *hv, unsigned i)
{
	return hv->probing[i]
	    || (hv->state[i] != HEALTH_LISTS_ALL && hv->state[i] != HEALTH_REFUSING);
}

/* health_counts - healthy, or lists nothing (a real listing still counts) */
bool health_counts(const struct health_view *hv, unsigned i)
{
	return hv->state[i] == HEALTH_OK || hv->state[i] == HEALTH_LISTS_NONE;
}
