/*
 * match.c - classify list answers and match them against `ips`.
 */
#include "config.h"

#include <math.h>

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

/* match_entry - most specific entry covering addr */
const struct list_entry *match_entry(const struct dns_list *list, uint32_t addr)
{
	const struct list_entry *best = NULL;

	for (unsigned i = 0; i < list->nentries; i++) {
		const struct list_entry *e = &list->entries[i];
		uint32_t mask = e->octets >= 4 ? 0xffffffffU
		    : ~(0xffffffffU >> (8 * e->octets));

		if ((addr & mask) == e->addr && (best == NULL || e->octets > best->octets))
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
