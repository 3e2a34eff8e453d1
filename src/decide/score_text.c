/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * score_text.c - the texts of a scored decision: the reject reply
 * naming the lists that hit, and the header line.  Only zone names
 * from the config and answer codes go in: nothing from the request,
 * so no CR or LF can.
 */
#include "config.h"

#include <string.h>

#include "score.h"
#include "str.h"

#define SCORE_LISTS_MAX	400	/* "$lists" in a reject: keep the SMTP line short */

/* score_hit_lists - the zones of the block lists that hit, ", " joined */
static bool score_hit_lists(const struct config *cfg, const struct decision *d,
			    char *buf, size_t size)
{
	unsigned n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < cfg->nlists; i++) {
		if (cfg->lists[i].role != LIST_BLOCK || d->scores[i].state != SCORE_HIT)
			continue;
		if (!str_appendf(buf, size, "%s%s", n++ ? ", " : "", cfg->lists[i].zone)) {
			buf[strlen(buf) > 3 ? strlen(buf) - 3 : 0] = '\0';
			str_appendf(buf, size, "...");
			return false;
		}
	}
	return n > 0 || str_appendf(buf, size, "none");
}

/* score_reject_text - action_reject with "$lists" filled in */
bool score_reject_text(const struct config *cfg, const struct decision *d,
		       char *buf, size_t size)
{
	const char *at = strstr(cfg->action_reject, "$lists");
	char lists[SCORE_LISTS_MAX];
	bool ok = true;

	buf[0] = '\0';
	if (at == NULL)
		return str_copy(buf, size, cfg->action_reject);
	ok &= score_hit_lists(cfg, d, lists, sizeof(lists));
	ok &= str_appendf(buf, size, "%.*s%s%s", (int) (at - cfg->action_reject),
			  cfg->action_reject, lists, at + strlen("$lists"));
	return ok;
}

/* score_header_item - "; ZONE[CHECK]=ANSWER POINTS" of one query */
static bool score_header_item(const struct decision *d, const struct list_verdict *lv,
			      char *buf, size_t size)
{
	char points[64] = "";

	buf[0] = '\0';
	decision_points_text(d, lv, points, sizeof(points));
	return str_appendf(buf, size, "; %s%s%s%s=", lv->list->zone,
			   lv->check ? "[" : "", lv->check ? cfg_check_name(lv->check) : "",
			   lv->check ? "]" : "")
	    && decision_answer_text(lv, buf, size)
	    && str_appendf(buf, size, "%s%s", *points ? " " : "", points);
}

/* score_header_text - "PREPEND NAME: total=T; ZONE=ANSWER POINTS; ..." */
bool score_header_text(const struct config *cfg, const struct decision *d,
		       char *buf, size_t size)
{
	const size_t prefix = strlen("PREPEND ");
	char item[DNS_NAME_MAX + 400];
	size_t limit = size < prefix + SCORE_HEADER_MAX + 1 ? size : prefix + SCORE_HEADER_MAX + 1;

	buf[0] = '\0';
	if (cfg->header[0] == '\0')
		return false;
	str_appendf(buf, limit, "PREPEND %s: total=%.1f", cfg->header, d->total);
	for (unsigned i = 0; i < d->nlists; i++) {
		if (!score_header_item(d, &d->lists[i], item, sizeof(item)))
			continue;
		if (strlen(buf) + strlen(item) + strlen("; ...") >= limit) {
			str_appendf(buf, limit, "; ...");
			break;
		}
		str_appendf(buf, limit, "%s", item);
	}
	item[0] = '\0';
	check_text(d->checks, "; ", item, sizeof(item));
	if (strlen(buf) + strlen(item) < limit)
		str_appendf(buf, limit, "%s", item);
	return true;
}
