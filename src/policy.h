/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy.h - the Postfix policy protocol: read bounded requests, write
 * one reply each.  See SMTPD_POLICY_README and postfix-policy.md.
 */
#ifndef DNSWL_POLICY_H
#define DNSWL_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#define POLICY_LINE_MAX		2048	/* bytes per name=value line */
#define POLICY_ATTR_MAX		128	/* attributes per request */
#define POLICY_REQUEST_MAX	16384	/* bytes per request */

struct policy_reader {
	int fd;
	char buf[POLICY_LINE_MAX + 1];
	size_t len;			/* bytes held in buf */
};

/* The attributes dnswl uses; NULL when absent.  Point into data. */
struct policy_request {
	char data[POLICY_REQUEST_MAX];
	size_t used;
	unsigned nattrs;
	const char *client_address;
	const char *client_name;
	const char *reverse_client_name;
	const char *helo_name;
	const char *sender;
	const char *recipient;
	const char *instance;		/* one per message (header once) */
	const char *protocol_state;
	const char *queue_id;
	const char *sasl_username;	/* SASL clients are never greylisted */
};

enum policy_status {
	POLICY_REQUEST,		/* *req holds a complete request */
	POLICY_EOF,		/* clean end of input between requests */
	POLICY_BAD,		/* unparsable input: do not reply, exit */
};

/* policy_reader_init - read requests from fd. */
void policy_reader_init(struct policy_reader *rd, int fd);

/*
 * policy_read - read one request.  Returns POLICY_REQUEST, POLICY_EOF,
 * or POLICY_BAD with the reason in err (line too long, too many
 * attributes, request too large, NUL byte, line without '=', end of
 * input inside a request, read error).
 */
enum policy_status policy_read(struct policy_reader *rd, struct policy_request *req,
			       char *err, size_t errsize);

/*
 * policy_reply - write "action=ACTION\n\n" to fd at once.  Control
 * characters in action are replaced.  Returns false on a write error.
 */
bool policy_reply(int fd, const char *action);

#endif
