/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sql_helper.h - a child process that runs database statements for the
 * policy process, with every wait bounded.
 *
 * libdbi has no way to bound a statement on a database that accepted
 * the connection and then stopped answering.  So SQL runs in a child,
 * forked when the first request needs it, which keeps its connection
 * for the requests that follow; the policy process waits for each
 * answer until a deadline and otherwise kills the child (the next
 * request starts a new one: a reconnect).  The child also keeps
 * libdbi's drivers, and anything they might print, away from the policy
 * process, whose stdin/stdout/stderr are the smtpd socket.  Parent and
 * child are one program image: requests and answers cross a socketpair
 * as raw structs.  Used by the amavis writer and the greylist store.
 */
#ifndef DNSWL_SQL_HELPER_H
#define DNSWL_SQL_HELPER_H

#include <stdbool.h>
#include <stddef.h>

struct sql_helper;

/*
 * sql_helper_main - the child's work: read requests from fd with
 * sql_helper_read and answer with sql_helper_send until the parent
 * closes it, then return (the child exits).
 */
typedef void sql_helper_main(void *arg, int fd);

/*
 * sql_helper_new - remember how to start the child; starts nothing.
 * Each call waits at most timeout seconds (at least 1) in all.
 */
struct sql_helper *sql_helper_new(sql_helper_main *main, void *arg, unsigned long timeout);

/*
 * sql_helper_call - send req, then receive exactly ressize bytes into
 * res within the timeout (starting the child first if needed).  Returns
 * false with the reason in err on a timeout, a dead child or a failed
 * fork; the child is then gone.
 */
bool sql_helper_call(struct sql_helper *h, const void *req, size_t reqsize, void *res,
		     size_t ressize, char *err, size_t errsize);

/* sql_helper_recv - more answer bytes of the same call, same deadline and rules. */
bool sql_helper_recv(struct sql_helper *h, void *buf, size_t size, char *err, size_t errsize);

/* sql_helper_free - close the socket, let the child exit (bounded wait); NULL is fine. */
void sql_helper_free(struct sql_helper *h);

/* Child side: blocking full reads and writes; false on EOF or error. */
bool sql_helper_read(int fd, void *buf, size_t size);
bool sql_helper_send(int fd, const void *buf, size_t size);

/*
 * sql_helper_at_fork - release(arg) is called first thing in every
 * child, to give back what the policy process owns and the child never
 * uses (the resolver states of the DNS threads, which do not exist in
 * the child: release must not take their locks).  The child is forked
 * between requests.  NULL, the default, calls nothing.
 */
void sql_helper_at_fork(void (*release)(void *), void *arg);

#endif
