/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spf_fuzz.c - libFuzzer harness for the SPF record path: a hostile TXT
 * record from DNS to libspf2's verdict.
 *
 * The input is the text of one TXT record (any bytes, up to 3000).  It
 * is put into a reply packet as DNS sends it (character-strings of at
 * most 255 bytes), parsed by dns_parse_typed as the resolver threads
 * do (strings joined, NUL bytes replaced), and the record it gives is
 * evaluated by libspf2 for a fixed client, HELO and sender, with
 * include: and redirect= targets and an A record in a zone layer.  The
 * parse must give exactly one record, NUL-terminated inside its buffer;
 * libspf2 must return a result in range without crashing.  The raw
 * input is also parsed as a whole TXT reply.
 *
 * The system's libspf2 is not built with coverage (nor with ASan's
 * checks, only its interceptors): libFuzzer's guidance comes from our
 * TXT parser, and fuzz/spf.dict's SPF terms make the mutations reach
 * libspf2's record parser and macro expansion.
 *
 * Build and run (see fuzz/fuzz.am):  make fuzz-spf [FUZZ_SECONDS=60]
 * Replayed by make check as t/spf_fuzz_replay (fuzz/replay.c).
 */
#include "config.h"

#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "dns.h"
#include "fuzz_util.h"

#ifdef HAVE_SPF
#include <spf2/spf.h>
#include <spf2/spf_dns_zone.h>
#endif

#define SPF_FUZZ_MAX	3000

/* spf_fuzz_reply - a reply to "spf1.test. TXT" holding data as one TXT RR */
static size_t spf_fuzz_reply(const uint8_t *data, size_t size, unsigned char *msg)
{
	static const unsigned char head[] = {0, 0, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
		4, 's', 'p', 'f', '1', 4, 't', 'e', 's', 't', 0, 0, 16, 0, 1,
		0xc0, 0x0c, 0, 16, 0, 1, 0, 0, 1, 44};
	size_t at = sizeof(head) + 2, rdlen = 0;

	memcpy(msg, head, sizeof(head));
	for (size_t done = 0; done < size || (size == 0 && rdlen == 0);) {
		size_t n = size - done > 255 ? 255 : size - done;

		msg[at++] = (unsigned char) n;
		memcpy(msg + at, data + done, n);
		at += n, done += n, rdlen += n + 1;
	}
	msg[sizeof(head)] = (unsigned char) (rdlen >> 8);
	msg[sizeof(head) + 1] = (unsigned char) rdlen;
	return at;
}

/* spf_fuzz_parse - the record as the resolver threads see it, checked */
static void spf_fuzz_parse(const uint8_t *data, size_t size, struct dns_rdata *rd)
{
	static unsigned char msg[SPF_FUZZ_MAX * 2];
	struct dns_answer ans;
	size_t len = spf_fuzz_reply(data, size, msg);

	dns_parse_typed(msg, (int) len, ns_t_txt, &ans, rd);
	fuzz_check(ans.status == DNS_ANSWER && ans.naddr == 0 && rd->ntxt == 1);
	fuzz_check(rd->txtlen == size + 1 && rd->txt[size] == '\0');
	fuzz_check(strlen(rd->txt) == size);
	/* the raw bytes as a whole reply: any status, a consistent answer */
	dns_parse_typed(data, (int) size, ns_t_txt, &ans, rd);
	fuzz_check(rd->txtlen <= sizeof(rd->txt) && ans.naddr == 0);
	if (rd->ntxt > 0)
		fuzz_check(rd->txt[rd->txtlen - 1] == '\0');
	dns_parse_typed(msg, (int) len, ns_t_txt, &ans, rd);
}

#ifdef HAVE_SPF
/* spf_fuzz_eval - libspf2's verdict on the record, in range */
static void spf_fuzz_eval(const char *record)
{
	SPF_dns_server_t *zone = SPF_dns_zone_new(NULL, "fuzz", 0);
	SPF_server_t *server;
	SPF_request_t *req;
	SPF_response_t *resp = NULL;

	fuzz_check(zone != NULL);
	SPF_dns_zone_add_str(zone, "spf1.test", ns_t_txt, NETDB_SUCCESS, record);
	SPF_dns_zone_add_str(zone, "inc.test", ns_t_txt, NETDB_SUCCESS,
			     "v=spf1 ip4:192.0.2.0/28 include:spf1.test -all");
	SPF_dns_zone_add_str(zone, "spf1.test", ns_t_a, NETDB_SUCCESS, "192.0.2.7");
	server = SPF_server_new_dns(zone, 0);
	fuzz_check(server != NULL);
	req = SPF_request_new(server);
	SPF_request_set_ipv4_str(req, "192.0.2.7");
	SPF_request_set_helo_dom(req, "mx.spf1.test");
	SPF_request_set_env_from(req, "a@spf1.test");
	SPF_request_query_mailfrom(req, &resp);
	if (resp != NULL)
		fuzz_check(SPF_response_result(resp) <= SPF_RESULT_PERMERROR);
	SPF_response_free(resp);
	SPF_request_free(req);
	SPF_server_free(server);
	SPF_dns_free(zone);	/* SPF_server_new_dns leaves the layer ours */
}
#endif

/* LLVMFuzzerTestOneInput - one TXT record's text */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_rdata rd;

	if (size > SPF_FUZZ_MAX)
		return 0;
	spf_fuzz_parse(data, size, &rd);
#ifdef HAVE_SPF
	SPF_warning_handler = NULL;
	SPF_info_handler = NULL;
	SPF_debug_handler = NULL;
	spf_fuzz_eval(rd.txt);
#endif
	return 0;
}
