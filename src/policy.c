/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy.c - bounded reader and writer for the policy protocol.
 *
 * Postfix sets no line length limit of its own, so every bound is
 * ours: line length, attribute count, request size.  Input we cannot
 * parse gets no reply; Postfix then retries or applies its default.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"
#include "str.h"

enum line_status { LINE_OK, LINE_EOF, LINE_BAD };

/* policy_reader_init - empty buffer on fd */
void policy_reader_init(struct policy_reader *rd, int fd)
{
	rd->fd = fd;
	rd->len = 0;
}

/* policy_fill - read more bytes; 0 at EOF, -1 on error */
static ssize_t policy_fill(struct policy_reader *rd)
{
	ssize_t n;

	do
		n = read(rd->fd, rd->buf + rd->len, sizeof(rd->buf) - 1 - rd->len);
	while (n < 0 && errno == EINTR);
	if (n > 0)
		rd->len += (size_t) n;
	return n;
}

/* policy_line - next line without its newline into out */
static enum line_status policy_line(struct policy_reader *rd, char *out,
				    size_t *outlen, char *err, size_t errsize)
{
	char *nl;
	ssize_t n;

	while ((nl = memchr(rd->buf, '\n', rd->len)) == NULL) {
		if (rd->len >= POLICY_LINE_MAX) {
			snprintf(err, errsize, "line longer than %d bytes", POLICY_LINE_MAX);
			return LINE_BAD;
		}
		if ((n = policy_fill(rd)) < 0) {
			snprintf(err, errsize, "read error: %s", strerror(errno));
			return LINE_BAD;
		}
		if (n == 0)
			return LINE_EOF;
	}
	*outlen = (size_t) (nl - rd->buf);
	memcpy(out, rd->buf, *outlen);
	out[*outlen] = '\0';
	rd->len -= *outlen + 1;
	memmove(rd->buf, nl + 1, rd->len);
	return LINE_OK;
}

/* policy_keep - remember the attributes dnswl looks at (first wins) */
static void policy_keep(struct policy_request *req, const char *name, const char *value)
{
	static const struct {
		const char *name;
		size_t offset;
	} attrs[] = {
		{"client_address", offsetof(struct policy_request, client_address)},
		{"client_name", offsetof(struct policy_request, client_name)},
		{"reverse_client_name", offsetof(struct policy_request, reverse_client_name)},
		{"helo_name", offsetof(struct policy_request, helo_name)},
		{"sender", offsetof(struct policy_request, sender)},
		{"instance", offsetof(struct policy_request, instance)},
		{"recipient", offsetof(struct policy_request, recipient)},
		{"protocol_state", offsetof(struct policy_request, protocol_state)},
		{"queue_id", offsetof(struct policy_request, queue_id)},
		{"sasl_username", offsetof(struct policy_request, sasl_username)},
	};

	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		const char **slot = (const char **) ((char *) req + attrs[i].offset);

		if (strcmp(name, attrs[i].name) == 0 && *slot == NULL)
			*slot = value;
	}
}

/* policy_add - store one name=value line in the request */
static bool policy_add(struct policy_request *req, const char *line, size_t len,
		       char *err, size_t errsize)
{
	char *copy, *eq;

	if (memchr(line, '\0', len) != NULL || (eq = strchr(line, '=')) == NULL || eq == line)
		return snprintf(err, errsize, "not a name=value line"), false;
	if (++req->nattrs > POLICY_ATTR_MAX)
		return snprintf(err, errsize, "more than %d attributes", POLICY_ATTR_MAX), false;
	if (req->used + len + 1 > sizeof(req->data))
		return snprintf(err, errsize, "request larger than %d bytes",
				POLICY_REQUEST_MAX), false;
	copy = req->data + req->used;
	memcpy(copy, line, len + 1);
	req->used += len + 1;
	copy[eq - line] = '\0';
	policy_keep(req, copy, copy + (eq - line) + 1);
	return true;
}

/* policy_read - one whole request */
enum policy_status policy_read(struct policy_reader *rd, struct policy_request *req,
			       char *err, size_t errsize)
{
	char line[POLICY_LINE_MAX + 1];
	size_t len;
	bool started = false;

	memset(req, 0, offsetof(struct policy_request, data) + 1);
	memset(&req->used, 0, sizeof(*req) - offsetof(struct policy_request, used));
	for (;;) {
		switch (policy_line(rd, line, &len, err, errsize)) {
		case LINE_BAD:
			return POLICY_BAD;
		case LINE_EOF:
			if (!started && rd->len == 0)
				return POLICY_EOF;
			snprintf(err, errsize, "end of input inside a request");
			return POLICY_BAD;
		case LINE_OK:
			break;
		}
		if (len == 0)
			return POLICY_REQUEST;
		started = true;
		if (!policy_add(req, line, len, err, errsize))
			return POLICY_BAD;
	}
}

/* policy_reply - one action line and the empty line, unbuffered */
bool policy_reply(int fd, const char *action)
{
	char out[POLICY_LINE_MAX], clean[POLICY_LINE_MAX - 16];
	size_t len, done = 0;
	ssize_t n;

	str_printable(clean, sizeof(clean), action);
	snprintf(out, sizeof(out), "action=%s\n\n", clean);
	len = strlen(out);
	while (done < len) {
		n = write(fd, out + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t) n;
	}
	return true;
}
