/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * match.h - what a list's answer means for one list.
 *
 * Refusal codes and answers outside 127.0.0.0/8 are never listings
 * (dns-lists.md: lists that answered such codes have whitelisted or
 * blocked the whole internet).  Among real codes, the entry covering
 * the fewest addresses counts (exact beats range beats prefix; on a tie
 * the one written first); a list counts once, with the strongest boost
 * among its matched codes.
 */
#ifndef DNSWL_MATCH_H
#define DNSWL_MATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "dns.h"

enum code_class {
	CODE_LISTING,		/* 127.0.0.0/8, not a refusal */
	CODE_REFUSAL,		/* 127.0.0.255, 127.255.255.0/24 */
	CODE_BOGUS,		/* outside 127.0.0.0/8 */
};

/* match_classify - the class of one returned address (host order). */
enum code_class match_classify(uint32_t addr);

/*
 * match_usable - can filter f ever match a listing?  Returns true, or
 * false with the reason in err: f covers addresses outside 127.0.0.0/8
 * (answers there are bogus) or only refusal codes.
 */
bool match_usable(const struct match_filter *f, char *err, size_t errsize);

/*
 * match_entry - the best `ips` entry for addr, or NULL when none
 * matches.  "Best" = smallest match_filter_size(); the first on a tie.
 */
const struct list_entry *match_entry(const struct dns_list *list, uint32_t addr);

/*
 * match_answer - match every address of ans against list.  Returns
 * true when at least one matched, with *boost the strongest (largest
 * magnitude) boost among the matched entries.  *refusals and *bogus
 * count the addresses of those classes.
 */
bool match_answer(const struct dns_list *list, const struct dns_answer *ans,
		  double *boost, unsigned *refusals, unsigned *bogus);

#endif
