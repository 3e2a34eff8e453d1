/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * match.c - classify list answers and match them against `ips`.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "match.h"

/* match_classify - listing, refusal or bogus */
enum code_class match_classify(uint32_t addr)
{
	if ((addr >> 24) != 127)
		return CODE_BOGUS;
	if (addr == 0x7f0000ffU || (addr & 0xffffff00U) == 0x7fffff00U)
		return CODE_REFUSAL;
	return CODE_LISTING;
}

/* match_any_listing - does f pass a listing code?  Refusal codes are
 * 257 addresses, so at most that many candidates fail before one passes. */
static bool match_any_listing(const struct match_filter *f)
{
	for (unsigned b = 0; b < 256; b++) {
		for (unsigned c = 0; c < 256 && match_filter_has(f, 1, b); c++) {
			for (unsigned d = 0; d < 256 && match_filter_has(f, 2, c); d++)
				if (match_filter_has(f, 3, d)
				    && match_classify(0x7f000000U | b << 16 | c << 8 | d) == CODE_LISTING)
					return true;
		}
	}
	return false;
}

/* match_usable - inside 127/8 and not only refusal codes */
bool match_usable(const struct match_filter *f, char *err, size_t errsize)
{
	for (unsigned v = 0; v < 256; v++)
		if (match_filter_has(f, 0, v) != (v == 127))
			return snprintf(err, errsize, "never matches: list answers "
					"outside 127.0.0.0/8 are ignored"), false;
	if (!match_any_listing(f))
		return snprintf(err, errsize, "never matches: it covers only refusal "
				"codes (127.0.0.255, 127.255.255.0/24)"), false;
	return true;
}

/* match_entry - most specific entry covering addr */
const struct list_entry *match_entry(const struct dns_list *list, uint32_t addr)
{
	const struct list_entry *best = NULL;

	for (unsigned i = 0; i < list->nentries; i++) {
		const struct list_entry *e = &list->entries[i];

		if (match_filter_test(&e->filter, addr) && (best == NULL || e->size < best->size))
			best = e;
	}
	return best;
}

/* match_answer - the list's boost from all of its answer's codes */
bool match_answer(const struct dns_list *list, const struct dns_answer *ans,
		  double *boost, unsigned *refusals, unsigned *bogus)
{
	const struct list_entry *e;
	bool matched = false;

	*boost = 0;
	*refusals = *bogus = 0;
	for (unsigned i = 0; i < ans->naddr; i++) {
		switch (match_classify(ans->addr[i])) {
		case CODE_REFUSAL:
			++*refusals;
			continue;
		case CODE_BOGUS:
			++*bogus;
			continue;
		case CODE_LISTING:
			break;
		}
		if ((e = match_entry(list, ans->addr[i])) == NULL)
			continue;
		if (!matched || fabs(e->boost) > fabs(*boost))
			*boost = e->boost;
		matched = true;
	}
	return matched;
}
