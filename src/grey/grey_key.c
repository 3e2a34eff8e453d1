/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * grey_key.c - the greylist triplet: network, normalised sender, recipient.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "grey_key.h"
#include "str.h"

/* lower_copy - lower-cased copy; false on overflow, blank or control */
static bool lower_copy(const char *s, char *buf, size_t size)
{
	size_t n = strlen(s);

	if (n >= size)
		return false;
	for (size_t i = 0; i <= n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (i < n && (ch <= ' ' || ch == 0x7f))
			return false;
		buf[i] = (char)tolower(ch);
	}
	return true;
}

/* strip_batv - "prvs=TAG=local" and "msprvs1=TAG=local" to "local", repeatedly */
static char *strip_batv(char *local)
{
	char *eq;

	while ((strncmp(local, "prvs=", 5) == 0 || strncmp(local, "msprvs1=", 8) == 0)
	       && (eq = strchr(strchr(local, '=') + 1, '=')) != NULL && eq[1] != '\0')
		local = eq + 1;
	return local;
}

/*
 * undo_srs - "srs0=H=TT=domain=local" or "srs1=H=fwd==H=TT=domain=local"
 * to local and domain (pointers into local); false when not SRS.
 */
static bool undo_srs(char *local, char **olocal, char **odomain)
{
	char *last, *prev;

	if (strncmp(local, "srs0", 4) != 0 && strncmp(local, "srs1", 4) != 0)
		return false;
	if (strchr("=+-", local[4]) == NULL || (last = strrchr(local, '=')) == NULL)
		return false;
	*last = '\0';
	prev = strrchr(local, '=');
	if (prev == NULL || last[1] == '\0' || prev[1] == '\0') {
		*last = '=';
		return false;
	}
	*prev = '\0';
	*olocal = last + 1;
	*odomain = prev + 1;
	return true;
}

/* hex_run - length of the run of hex digits at s, and whether it holds a digit */
static size_t hex_run(const char *s, bool *digit)
{
	size_t n = 0;

	*digit = false;
	for (; isxdigit((unsigned char)s[n]); n++)
		if (isdigit((unsigned char)s[n]))
			*digit = true;
	return n;
}

/* squash_runs - digit runs and long hex runs of local into '#', in place */
static void squash_runs(char *local)
{
	char *w = local;
	bool digit;

	for (const char *r = local; *r;) {
		size_t n = hex_run(r, &digit);

		if (n >= 8 && digit) {
			r += n;		/* read past the run before writing over it */
			*w++ = '#';
		} else if (isdigit((unsigned char)*r)) {
			while (isdigit((unsigned char)*r))
				r++;
			*w++ = '#';
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
}

/* grey_sender_normal - the sender's key form */
bool grey_sender_normal(const char *sender, char *buf, size_t size)
{
	char copy[GREY_ADDR_MAX + 1], *local, *domain = NULL, *at, *plus;

	if (sender == NULL || *sender == '\0')
		return str_copy(buf, size, "<>");
	if (!lower_copy(sender, copy, sizeof(copy)))
		return false;
	local = copy;
	if ((at = strrchr(copy, '@')) != NULL) {
		*at = '\0';
		domain = at + 1;
	}
	local = strip_batv(local);
	undo_srs(local, &local, &domain);
	if ((plus = strchr(local, '+')) != NULL && plus != local)
		*plus = '\0';
	squash_runs(local);
	if (*local == '\0' && (domain == NULL || *domain == '\0'))
		return false;	/* "@": nothing to key on */
	buf[0] = '\0';
	/* only the null sender may key as "<>" */
	return str_appendf(buf, size, "%s%s%s", local, domain ? "@" : "", domain ? domain : "")
	    && strcmp(buf, "<>") != 0;
}

/* mask_bytes - keep the first prefix bits of n bytes */
static void mask_bytes(unsigned char *b, size_t n, unsigned prefix)
{
	for (size_t i = 0; i < n; i++) {
		unsigned keep = prefix >= 8 * (i + 1) ? 8 : prefix > 8 * i ? prefix - 8 * (unsigned)i : 0;

		b[i] &= (unsigned char)(0xff00u >> keep);
	}
}

/* grey_network - ADDR/PREFIX of the client's network */
bool grey_network(const char *addr, unsigned v4prefix, unsigned v6prefix,
		  char *buf, size_t size)
{
	unsigned char b[16];
	char text[INET6_ADDRSTRLEN];
	int af = strchr(addr, ':') != NULL ? AF_INET6 : AF_INET;
	unsigned prefix = af == AF_INET6 ? v6prefix : v4prefix;

	if (inet_pton(af, addr, b) != 1)
		return false;
	mask_bytes(b, af == AF_INET6 ? 16 : 4, prefix);
	if (inet_ntop(af, b, text, sizeof(text)) == NULL)
		return false;
	buf[0] = '\0';
	return str_appendf(buf, size, "%s/%u", text, prefix);
}

/* fnv1a - 64-bit FNV-1a of s */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

/* grey_triplet_key - "NET SENDER RECIPIENT", hashed when too long */
bool grey_triplet_key(const char *net, const char *sender, const char *recipient,
		      char *buf, size_t size)
{
	char rcpt[GREY_ADDR_MAX + 1], full[2 * GREY_ADDR_MAX + GREY_NET_MAX + 4];

	if (size < GREY_KEY_MAX + 1 || recipient == NULL || *recipient == '\0'
	    || !lower_copy(recipient, rcpt, sizeof(rcpt)))
		return false;
	snprintf(full, sizeof(full), "%s %s %s", net, sender, rcpt);
	if (strlen(full) <= GREY_KEY_MAX)
		return str_copy(buf, size, full);
	snprintf(buf, size, "%.*s#%016llx", GREY_KEY_MAX - 17, full,
		 (unsigned long long)fnv1a(full));
	return true;
}

/* exempt_entry - does one "local@", "@domain" or address entry match? */
static bool exempt_entry(const char *e, size_t n, const char *rcpt)
{
	const char *at = strrchr(rcpt, '@');
	size_t llen = at != NULL ? (size_t)(at - rcpt) : strlen(rcpt);

	if (n > 0 && e[n - 1] == '@')
		return llen == n - 1 && strncasecmp(rcpt, e, llen) == 0;
	if (e[0] == '@')
		return at != NULL && strlen(at) == n && strncasecmp(at, e, n) == 0;
	return strlen(rcpt) == n && strncasecmp(rcpt, e, n) == 0;
}

/* grey_exempt_recipient - recipient on the exempt list? */
bool grey_exempt_recipient(const char *list, const char *recipient, char *why, size_t size)
{
	const char *p = list;

	if (recipient == NULL)
		return false;
	while (*p) {
		size_t n;

		p += strspn(p, ", \t");
		n = strcspn(p, ", \t");
		if (n > 0 && exempt_entry(p, n, recipient)) {
			snprintf(why, size, "%.*s", (int)n, p);
			return true;
		}
		p += n;
	}
	return false;
}
