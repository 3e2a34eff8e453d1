/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy_fuzz.c - libFuzzer harness for the policy request reader.
 *
 * The input is a byte stream as smtpd would send it on stdin: it is put
 * in a memory file and read with policy_read until end of input or bad
 * input, so one input holds any number of requests.  Every request must
 * respect the reader's bounds, its attributes must be NUL-terminated
 * strings without a newline inside the request buffer, and the reply
 * written for it (with the sender as the action text) must be exactly
 * one "action=TEXT\n\n" with TEXT free of control characters.
 *
 * Build and run (see fuzz/fuzz.am):  make fuzz-policy [FUZZ_SECONDS=60]
 * Replayed by make check as t/policy_fuzz_replay (fuzz/replay.c).
 */
#include "config.h"

#include <stddef.h>

#include "fuzz_util.h"
#include "policy.h"

static struct policy_reader rd;
static struct policy_request req;

/* check_attr - an attribute the reader kept points into req.data */
static void check_attr(const char *value)
{
	if (value == NULL)
		return;
	fuzz_check(value >= req.data && value < req.data + req.used);
	fuzz_check(strlen(value) < (size_t) (req.data + req.used - value));
	fuzz_check(strchr(value, '\n') == NULL);
}

/* check_request - bounds and attributes of one request */
static void check_request(void)
{
	const char *const attrs[] = {req.client_address, req.client_name,
		req.reverse_client_name, req.sender, req.recipient,
		req.protocol_state, req.queue_id};

	fuzz_check(req.nattrs <= POLICY_ATTR_MAX);	/* 0: a lone empty line */
	fuzz_check(req.used <= POLICY_REQUEST_MAX);
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++)
		check_attr(attrs[i]);
}

/* check_reply - policy_reply's output for action is one clean reply */
static void check_reply(const char *action)
{
	static int fd = -1;
	char out[POLICY_LINE_MAX + 1];
	ssize_t n;

	if (fd < 0 && (fd = memfd_create("reply", MFD_CLOEXEC)) < 0)
		abort();
	if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	fuzz_check(policy_reply(fd, action));
	n = pread(fd, out, sizeof(out) - 1, 0);
	fuzz_check(n >= 9 && (size_t) n < sizeof(out) - 1);
	out[n] = '\0';
	fuzz_check(strncmp(out, "action=", 7) == 0);
	fuzz_check(out[n - 2] == '\n' && out[n - 1] == '\n');
	out[n - 2] = '\0';
	fuzz_check(strlen(out) == (size_t) n - 2 && fuzz_no_ctl(out));
}

/* LLVMFuzzerTestOneInput - one byte stream, all of its requests */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	size_t nreq = 0;

	policy_reader_init(&rd, fuzz_memfd(data, size));
	for (;;) {
		enum policy_status st = policy_read(&rd, &req, err, sizeof(err));

		if (st != POLICY_REQUEST) {
			fuzz_check(st == POLICY_EOF || (err[0] != '\0' && fuzz_no_ctl(err)));
			break;
		}
		fuzz_check(++nreq <= size);	/* each ends in an empty line */
		check_request();
		check_reply(req.sender != NULL ? req.sender : "DUNNO");
	}
	return 0;
}
