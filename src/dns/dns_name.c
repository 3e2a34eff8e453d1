/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns_name.c - build list query names: reversed addresses (RFC 5782)
 * and registrable domains of verified client names (libpsl).
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <libpsl.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "str.h"

/* dns_reverse_ip - "1.2.3.4" -> "4.3.2.1", IPv6 -> 32 nibbles */
bool dns_reverse_ip(const char *addr, char *buf, size_t size)
{
	unsigned char b[16];

	buf[0] = '\0';
	if (inet_pton(AF_INET, addr, b) == 1)
		return str_appendf(buf, size, "%u.%u.%u.%u", b[3], b[2], b[1], b[0]);
	if (inet_pton(AF_INET6, addr, b) != 1)
		return false;
	for (int i = 15; i >= 0; i--)
		if (!str_appendf(buf, size, "%x.%x%s", b[i] & 0xf, b[i] >> 4, i ? "." : ""))
			return false;
	return true;
}

/* dns_list_name - prefix.zone, checked against DNS name limits */
bool dns_list_name(const char *prefix, const char *zone, char *buf, size_t size)
{
	size_t label = 0;

	buf[0] = '\0';
	if (*prefix == '\0' || *zone == '\0'
	    || !str_appendf(buf, size, "%s.%s", prefix, zone) || strlen(buf) > 253)
		return false;
	for (const char *p = buf; *p; p++) {
		if (*p == '.') {
			if (label == 0)
				return false;
			label = 0;
		} else if (++label > 63)
			return false;
	}
	return label > 0;
}

/* dns_valid_host - letters, digits, hyphens, underscores, dots */
static bool dns_valid_host(const char *host)
{
	if (*host == '\0' || *host == '.' || strlen(host) > 253)
		return false;
	for (const char *p = host; *p; p++)
		if (!isalnum((unsigned char) *p) && *p != '-' && *p != '.' && *p != '_')
			return false;
	return strstr(host, "..") == NULL;
}

/* dns_registrable_domain - the PSL registrable domain, lowercased */
bool dns_registrable_domain(const char *host, char *buf, size_t size)
{
	static const psl_ctx_t *psl;
	char lower[DNS_NAME_MAX];
	unsigned char b[16];
	const char *reg;

	if (!dns_valid_host(host) || !str_copy(lower, sizeof(lower), host)
	    || inet_pton(AF_INET, host, b) == 1)
		return false;
	for (char *p = lower; *p; p++)
		*p = (char) tolower((unsigned char) *p);
	if (psl == NULL && (psl = psl_builtin()) == NULL)
		return false;
	reg = psl_registrable_domain(psl, lower);
	return reg != NULL && str_copy(buf, size, reg);
}

/* dns_host_name - a full host or domain name, lowercased, for RHSBLs */
bool dns_host_name(const char *host, char *buf, size_t size)
{
	unsigned char b[16];
	size_t len;

	if (host == NULL || !str_copy(buf, size, host))
		return false;
	len = strlen(buf);
	if (len > 1 && buf[len - 1] == '.')
		buf[len - 1] = '\0';
	if (!dns_valid_host(buf) || strchr(buf, '.') == NULL || inet_pton(AF_INET, buf, b) == 1)
		return false;
	for (char *p = buf; *p; p++)
		*p = (char) tolower((unsigned char) *p);
	return buf[strlen(buf) - 1] != '.';
}
