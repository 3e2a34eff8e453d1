/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check.c - the client checks that need no DNS: the client's name, a
 * dynamic-looking reverse name, the HELO's form, sender = recipient;
 * and the texts of every check's result.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check.h"
#include "decide.h"
#include "str.h"

/* check_known - a real value, not absent or Postfix's "unknown" */
bool check_known(const char *s)
{
	return s != NULL && *s != '\0' && strcmp(s, "unknown") != 0;
}

/* check_state_name - log and -q spelling */
const char *check_state_name(enum check_state state)
{
	static const char *names[] = {"off", "n/a", "clear", "fired", "failed"};

	return state <= CKS_FAILED ? names[state] : "?";
}

/* check_set - a check's result: fired or clear (or n/a) */
static void check_set(const struct config *cfg, struct check_result *out, enum check_id id,
		      enum check_state state)
{
	if (cfg->checks.score[id] == 0)
		return;
	out[id].state = state;
	out[id].points = state == CKS_FIRED ? cfg->checks.score[id] : 0;
}

/* check_pattern_hit - does a pattern of kind exclude match name? */
static bool check_pattern_hit(const struct check_settings *s, const char *name, bool exclude)
{
	for (unsigned i = 0; i < s->npatterns; i++)
		if (s->patterns[i].exclude == exclude
		    && regexec(s->patterns[i].re, name, 0, NULL, 0) == 0)
			return true;
	return false;
}

/* check_dynamic - the reverse name looks dynamic (CKS_NA: no name) */
static enum check_state check_dynamic(const struct config *cfg, const struct client *c)
{
	const char *name = check_known(c->reverse_name) ? c->reverse_name : c->name;
	bool digits;

	if (!check_known(name))
		return CKS_NA;
	digits = check_known(c->address) && check_addr_in_name(name, c->address);
	if (check_pattern_hit(&cfg->checks, name, true))
		return CKS_CLEAR;
	return digits || check_pattern_hit(&cfg->checks, name, false) ? CKS_FIRED : CKS_CLEAR;
}

/* check_parse_ip - an IPv4 or IPv6 address into b (16 bytes); its family */
static int check_parse_ip(const char *text, unsigned char *b)
{
	memset(b, 0, 16);
	if (inet_pton(AF_INET, text, b) == 1)
		return AF_INET;
	return inet_pton(AF_INET6, text, b) == 1 ? AF_INET6 : 0;
}

/* check_helo_ip - the HELO as an address: [1.2.3.4], [IPv6:...], 1.2.3.4 */
static int check_helo_ip(const char *helo, unsigned char *b)
{
	char inner[DNS_NAME_MAX];
	size_t len = strlen(helo);

	memset(b, 0, 16);
	if (len < 3 || helo[0] != '[' || helo[len - 1] != ']')
		return check_parse_ip(helo, b);
	if (len - 2 >= sizeof(inner))
		return 0;
	memcpy(inner, helo + 1, len - 2);
	inner[len - 2] = '\0';
	if (strncasecmp(inner, "IPv6:", 5) == 0)
		return inet_pton(AF_INET6, inner + 5, b) == 1 ? AF_INET6 : 0;
	return inet_pton(AF_INET, inner, b) == 1 ? AF_INET : 0;
}

/* check_label_ok - one LDH label: 1..63, no hyphen at either end */
static bool check_label_ok(const char *p, size_t len)
{
	if (len == 0 || len > 63 || p[0] == '-' || p[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char) p[i]) && p[i] != '-')
			return false;
	return true;
}

/* check_valid_helo - a host name of LDH labels with a dot, not all-numeric TLD */
static bool check_valid_helo(const char *helo)
{
	size_t len = strlen(helo), label = 0, lastlen = 0;
	const char *last = helo;

	if (len > 1 && helo[len - 1] == '.')
		len--;
	if (len > 253 || memchr(helo, '.', len) == NULL)
		return false;
	for (const char *p = helo; p < helo + len; p += label + 1) {
		label = strcspn(p, ".");
		if (p + label > helo + len)
			label = (size_t) (helo + len - p);
		if (!check_label_ok(p, label))
			return false;
		last = p;
		lastlen = label;
	}
	return strspn(last, "0123456789") < lastlen;	/* no all-numeric TLD */
}

/* check_helo - helo_ip_literal and helo_invalid (one of them at most) */
static void check_helo(const struct config *cfg, const struct client *c,
		       struct check_result *out)
{
	unsigned char h[16], a[16];
	int fam;

	if (!check_known(c->helo)) {
		check_set(cfg, out, CK_HELO_IP_LITERAL, CKS_NA);
		check_set(cfg, out, CK_HELO_INVALID, CKS_NA);
		return;
	}
	fam = check_helo_ip(c->helo, h);
	if (fam == AF_INET || fam == AF_INET6) {
		bool mine = check_parse_ip(c->address, a) == fam && memcmp(a, h, 16) == 0;

		check_set(cfg, out, CK_HELO_IP_LITERAL, mine ? CKS_CLEAR : CKS_FIRED);
		check_set(cfg, out, CK_HELO_INVALID, CKS_NA);
		return;
	}
	check_set(cfg, out, CK_HELO_IP_LITERAL, CKS_CLEAR);
	check_set(cfg, out, CK_HELO_INVALID, check_valid_helo(c->helo) ? CKS_CLEAR : CKS_FIRED);
}

/* check_same_address - sender equals recipient (case-insensitive) */
static enum check_state check_same_address(const struct client *c)
{
	if (c->sender == NULL || *c->sender == '\0' || c->recipient == NULL
	    || *c->recipient == '\0')
		return CKS_NA;
	return strcasecmp(c->sender, c->recipient) == 0 ? CKS_FIRED : CKS_CLEAR;
}

/* check_local - the checks without DNS */
void check_local(const struct config *cfg, const struct client *c,
		 struct check_result *out)
{
	check_set(cfg, out, CK_NO_CLIENT_NAME, check_known(c->name) ? CKS_CLEAR : CKS_FIRED);
	check_set(cfg, out, CK_DYNAMIC_CLIENT, check_dynamic(cfg, c));
	check_helo(cfg, c, out);
	check_set(cfg, out, CK_SENDER_IS_RECIPIENT, check_same_address(c));
}

/* check_text - " KEY=+SCORE" / " KEY=failed" */
bool check_text(const struct check_result *r, const char *sep, char *buf, size_t size)
{
	bool ok = true;

	for (unsigned i = 0; i < CK_COUNT; i++) {
		if (r[i].state == CKS_FIRED)
			ok &= str_appendf(buf, size, "%s%s=%+.1f", sep, cfg_check_key(i), r[i].points);
		else if (r[i].state == CKS_FAILED)
			ok &= str_appendf(buf, size, "%s%s=failed", sep, cfg_check_key(i));
	}
	return ok;
}
