/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns_delay.c - a delaying UDP DNS proxy for tests and benchmarks: sits in
 * front of ldns-testns and holds each reply for a per-zone delay.
 *
 * usage: dns_delay -u UPSTREAM_PORT [-p LISTEN_PORT] [-D DEFAULT_MS]
 *                  [-d ZONE=MS]... [-b N] [-B MS] [-l LOGFILE]
 *
 * Listens on 127.0.0.1:LISTEN_PORT (absent or 0: any free port), forwards
 * every query to 127.0.0.1:UPSTREAM_PORT and sends the reply to the client
 * DELAY ms after the query arrived, DELAY being the one of the longest -d
 * zone the query name is in or under (case-insensitive), else -D (0).
 * -b N holds every reply until N queries are in flight at once, then lets
 * them go, each at its own time; after -B MS (30000: a bound that only
 * stops a hung test; the bats helpers scale it) without that it lets them
 * go anyway and logs "barrier timeout".  The barrier is used once.
 * Prints "Listening on port N" on stdout when ready.  The log (-l) gets
 * "query NAME TYPE inflight=K" per query and "max_inflight=N" on each new
 * maximum.  Single-threaded (poll); at most MAX_PENDING queries are held,
 * more are dropped and logged.  A query upstream does not answer within
 * UPSTREAM_MS is forgotten.  UDP only.  Runs until killed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <resolv.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PENDING 512		/* queries held at once (fits the 9-bit slot id) */
#define SLOT_BITS 9
#define MAX_PACKET 4096		/* larger replies are dropped */
#define MAX_ZONES 64
#define MAX_DELAY_MS 600000
#define UPSTREAM_MS 10000	/* forget a query upstream left unanswered */
#define BARRIER_MS 30000	/* -B default */

enum slot_state { FREE, FORWARDED, HELD };

struct slot {
	enum slot_state state;
	unsigned gen;			/* upper id bits: tells stale replies apart */
	uint8_t orig_id[2];
	struct sockaddr_in client;
	long long arrived, delay;	/* ms, monotonic */
	size_t len;
	uint8_t packet[MAX_PACKET];
};

struct zone {
	char name[NS_MAXDNAME];
	long long ms;
};

static struct slot slots[MAX_PENDING];
static struct zone zones[MAX_ZONES];
static int nzones, inflight, max_inflight;
static long long default_ms;
static int barrier_n;			/* 0: no barrier (or spent) */
static long long barrier_start = -1;
static long long barrier_ms = BARRIER_MS;	/* -B */
static FILE *log_fp;

/* die - print a message to stderr and exit 1 (start-up errors only) */
static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("dns_delay: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* logline - one line to the log file, if any, flushed */
static void logline(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logline(const char *fmt, ...)
{
	va_list ap;

	if (log_fp == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(log_fp, fmt, ap);
	va_end(ap);
	fputc('\n', log_fp);
	fflush(log_fp);
}

/* now_ms - monotonic milliseconds */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* parse_num - a decimal in lo..hi, or die naming the option */
static long long parse_num(const char *s, long long lo, long long hi, const char *what)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		die("%s: not a number in %lld..%lld: %s", what, lo, hi, s);
	return v;
}

/* add_zone - remember one -d ZONE=MS (trailing dot dropped) */
static void add_zone(const char *arg)
{
	const char *eq = strrchr(arg, '=');
	size_t len;

	if (eq == NULL || eq == arg)
		die("-d: expected ZONE=MS: %s", arg);
	if (nzones == MAX_ZONES)
		die("-d: more than %d zones", MAX_ZONES);
	len = (size_t)(eq - arg);
	if (len > 1 && arg[len - 1] == '.')
		len--;
	if (len >= sizeof(zones[0].name))
		die("-d: zone name too long");
	memcpy(zones[nzones].name, arg, len);
	zones[nzones].name[len] = '\0';
	zones[nzones].ms = parse_num(eq + 1, 0, MAX_DELAY_MS, "-d");
	nzones++;
}

/* in_zone - whether name (no trailing dot) is zone or below it */
static int in_zone(const char *name, const char *zone)
{
	size_t n = strlen(name), z = strlen(zone);

	if (n < z || strcasecmp(name + n - z, zone) != 0)
		return 0;
	return n == z || name[n - z - 1] == '.';
}

/* delay_for - the delay of the longest zone name is in, else the default */
static long long delay_for(const char *name)
{
	long long ms = default_ms;
	size_t best = 0;

	for (int i = 0; i < nzones; i++) {
		size_t len = strlen(zones[i].name);

		if (len > best && in_zone(name, zones[i].name)) {
			best = len;
			ms = zones[i].ms;
		}
	}
	return ms;
}

/* udp_socket - a UDP socket bound to 127.0.0.1:port (0: any) */
static int udp_socket(int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		die("socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		die("bind 127.0.0.1:%d: %s", port, strerror(errno));
	return fd;
}

/* connect_upstream - a UDP socket connected to 127.0.0.1:port */
static int connect_upstream(int port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = udp_socket(0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		die("connect 127.0.0.1:%d: %s", port, strerror(errno));
	return fd;
}

/* type_name - the mnemonic of a query type, else RFC 3597's TYPEn
 * (p_type of libresolv is deprecated) */
static const char *type_name(unsigned type, char *buf, size_t size)
{
	static const struct { unsigned type; const char *name; } names[] = {
		{ns_t_a, "A"}, {ns_t_ns, "NS"}, {ns_t_cname, "CNAME"}, {ns_t_soa, "SOA"},
		{ns_t_ptr, "PTR"}, {ns_t_mx, "MX"}, {ns_t_txt, "TXT"}, {ns_t_aaaa, "AAAA"},
		{ns_t_any, "ANY"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == type)
			return names[i].name;
	snprintf(buf, size, "TYPE%u", type);
	return buf;
}

/* question - the first question's name and type name (in tbuf if not a
 * known mnemonic); 0, or -1 if malformed */
static int question(const uint8_t *pkt, size_t len, char *name, size_t size,
		    char *tbuf, size_t tsize, const char **type)
{
	ns_msg msg;
	ns_rr rr;

	if (ns_initparse(pkt, (int)len, &msg) < 0 || ns_msg_count(msg, ns_s_qd) < 1 ||
	    ns_parserr(&msg, ns_s_qd, 0, &rr) < 0)
		return -1;
	/* ns_rr_name is ns_name_ntop's output: printable, escaped */
	if (snprintf(name, size, "%s", ns_rr_name(rr)) >= (int)size)
		return -1;
	*type = type_name(ns_rr_type(rr), tbuf, tsize);
	return 0;
}

/* free_slot - a free slot's index, or -1 when MAX_PENDING are held */
static int free_slot(void)
{
	for (int i = 0; i < MAX_PENDING; i++)
		if (slots[i].state == FREE)
			return i;
	return -1;
}

/* slot_id - the DNS id a slot's query carries upstream */
static unsigned slot_id(int i)
{
	return (slots[i].gen << SLOT_BITS | (unsigned)i) & 0xffff;
}

/* count_arrival - one more query in flight: log it, note maxima, barrier */
static void count_arrival(const char *name, const char *type, long long now)
{
	inflight++;
	logline("query %s %s inflight=%d", name, type, inflight);
	if (inflight > max_inflight) {
		max_inflight = inflight;
		logline("max_inflight=%d", max_inflight);
	}
	if (barrier_n > 0 && barrier_start < 0)
		barrier_start = now;
	if (barrier_n > 0 && inflight >= barrier_n) {
		logline("barrier released inflight=%d", inflight);
		barrier_n = 0;
	}
}

/* forward - send slot i's query upstream under its own id */
static void forward(int up, int i)
{
	struct slot *s = &slots[i];
	unsigned id = slot_id(i);

	s->packet[0] = (uint8_t)(id >> 8);
	s->packet[1] = (uint8_t)id;
	if (send(up, s->packet, s->len, 0) < 0)
		logline("send upstream: %s", strerror(errno));
}

/* on_query - take one client query: log, pick its delay, forward it */
static void on_query(int lfd, int up)
{
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	uint8_t buf[MAX_PACKET];
	char name[NS_MAXDNAME], tbuf[16];
	const char *type;
	ssize_t n = recvfrom(lfd, buf, sizeof(buf), MSG_TRUNC, (struct sockaddr *)&from, &flen);
	long long now = now_ms();
	int i;

	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) || question(buf, (size_t)n, name, sizeof(name), tbuf, sizeof(tbuf), &type) < 0) {
		logline("malformed query dropped");
		return;
	}
	if ((i = free_slot()) < 0) {
		logline("dropped %s %s: %d queries pending", name, type, MAX_PENDING);
		return;
	}
	slots[i] = (struct slot){.state = FORWARDED, .gen = slots[i].gen + 1, .client = from,
		.arrived = now, .delay = delay_for(name), .len = (size_t)n};
	memcpy(slots[i].orig_id, buf, 2);
	memcpy(slots[i].packet, buf, (size_t)n);
	count_arrival(name, type, now);
	forward(up, i);
}

/* on_reply - take one upstream reply and hold it for its query's client */
static void on_reply(int up)
{
	uint8_t buf[MAX_PACKET];
	ssize_t n = recv(up, buf, sizeof(buf), MSG_TRUNC);
	unsigned id;
	struct slot *s;

	if (n < NS_HFIXEDSZ)
		return;
	id = (unsigned)buf[0] << 8 | buf[1];
	s = &slots[id & (MAX_PENDING - 1)];
	if (s->state != FORWARDED || slot_id((int)(s - slots)) != id)
		return;			/* late reply to a forgotten query */
	if ((size_t)n > sizeof(buf)) {
		logline("reply over %d bytes dropped", MAX_PACKET);
		return;
	}
	memcpy(s->packet, buf, (size_t)n);
	memcpy(s->packet, s->orig_id, 2);
	s->len = (size_t)n;
	s->state = HELD;
}

/* barrier_check - let the barrier go after barrier_ms */
static void barrier_check(long long now)
{
	if (barrier_n > 0 && barrier_start >= 0 && now - barrier_start >= barrier_ms) {
		logline("barrier timeout inflight=%d", inflight);
		barrier_n = 0;
	}
}

/* due - when slot s must be acted on (sent, or forgotten) */
static long long due(const struct slot *s)
{
	if (s->state == FORWARDED)
		return s->arrived + UPSTREAM_MS;
	return s->arrived + s->delay;
}

/* finish - send slot s's reply (if HELD) to its client and free it */
static void finish(int lfd, struct slot *s)
{
	if (s->state == HELD &&
	    sendto(lfd, s->packet, s->len, 0, (struct sockaddr *)&s->client, sizeof(s->client)) < 0)
		logline("send to client: %s", strerror(errno));
	if (s->state == FORWARDED)
		logline("no upstream reply in %d ms: query forgotten", UPSTREAM_MS);
	s->state = FREE;
	inflight--;
}

/* run_due - finish every slot that is due; return ms until the next one */
static int run_due(int lfd, long long now)
{
	long long next = LLONG_MAX;

	barrier_check(now);
	for (int i = 0; i < MAX_PENDING; i++) {
		struct slot *s = &slots[i];

		if (s->state == FREE || (s->state == HELD && barrier_n > 0))
			continue;
		if (due(s) <= now)
			finish(lfd, s);
		else if (due(s) < next)
			next = due(s);
	}
	if (barrier_n > 0 && barrier_start >= 0 && barrier_start + barrier_ms < next)
		next = barrier_start + barrier_ms;
	return next == LLONG_MAX ? -1 : (int)(next - now);
}

/* serve - the poll loop, forever */
static void serve(int lfd, int up)
{
	struct pollfd pfd[2] = {{.fd = lfd, .events = POLLIN}, {.fd = up, .events = POLLIN}};

	for (;;) {
		int timeout = run_due(lfd, now_ms());

		if (poll(pfd, 2, timeout) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (pfd[0].revents & POLLIN)
			on_query(lfd, up);
		if (pfd[1].revents & POLLIN)
			on_reply(up);
	}
}

/* usage - the synopsis, then exit 2 */
static void usage(void)
{
	fputs("usage: dns_delay -u UPSTREAM_PORT [-p LISTEN_PORT] [-D DEFAULT_MS]"
	      " [-d ZONE=MS]... [-b N] [-B MS] [-l LOGFILE]\n", stderr);
	exit(2);
}

/* options - parse argv; returns the upstream port, sets *listen */
static int options(int argc, char **argv, int *listen_port)
{
	int c, upstream = 0;

	while ((c = getopt(argc, argv, "u:p:D:d:b:B:l:")) != -1) {
		switch (c) {
		case 'u': upstream = (int)parse_num(optarg, 1, 65535, "-u"); break;
		case 'p': *listen_port = (int)parse_num(optarg, 0, 65535, "-p"); break;
		case 'D': default_ms = parse_num(optarg, 0, MAX_DELAY_MS, "-D"); break;
		case 'd': add_zone(optarg); break;
		case 'b': barrier_n = (int)parse_num(optarg, 1, MAX_PENDING, "-b"); break;
		case 'B': barrier_ms = parse_num(optarg, 1, 100 * MAX_DELAY_MS, "-B"); break;
		case 'l':
			if ((log_fp = fopen(optarg, "a")) == NULL)
				die("%s: %s", optarg, strerror(errno));
			break;
		default: usage();
		}
	}
	if (upstream == 0 || optind != argc)
		usage();
	return upstream;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int listen_port = 0, up, lfd;

	up = connect_upstream(options(argc, argv, &listen_port));
	lfd = udp_socket(listen_port);
	if (getsockname(lfd, (struct sockaddr *)&sin, &len) < 0)
		die("getsockname: %s", strerror(errno));
	printf("Listening on port %d\n", ntohs(sin.sin_port));
	fflush(stdout);
	serve(lfd, up);
	return 0;
}
