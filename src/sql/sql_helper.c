/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sql_helper.c - fork the SQL child, send it requests, bound the wait.
 *
 * A socketpair rather than a pipe: send(MSG_NOSIGNAL) cannot kill the
 * policy process with SIGPIPE when the child has died.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sql_helper.h"

#define STOP_WAIT_MS	1000	/* sql_helper_free: time to say goodbye */

struct sql_helper {
	sql_helper_main *main;
	void *arg;
	unsigned long timeout;		/* seconds per call */
	long long deadline;		/* of the current call */
	pid_t pid;			/* 0: no child */
	int fd;				/* our end of the socket */
};

static void (*release_in_child)(void *);
static void *release_arg;

/* sql_helper_at_fork - what the child gives back after fork */
void sql_helper_at_fork(void (*release)(void *), void *arg)
{
	release_in_child = release;
	release_arg = arg;
}

/* now_ms - monotonic milliseconds */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* sql_helper_new - nothing runs yet */
struct sql_helper *sql_helper_new(sql_helper_main *main, void *arg, unsigned long timeout)
{
	struct sql_helper *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->main = main;
	h->arg = arg;
	h->timeout = timeout > 0 ? timeout : 1;
	h->fd = -1;
	return h;
}

/* sql_helper_read - read size bytes (blocking); false on EOF or error */
bool sql_helper_read(int fd, void *buf, size_t size)
{
	for (size_t got = 0; got < size;) {
		ssize_t n = read(fd, (char *) buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t) n;
	}
	return true;
}

/* sql_helper_send - write size bytes without SIGPIPE; false on error */
bool sql_helper_send(int fd, const void *buf, size_t size)
{
	for (size_t put = 0; put < size;) {
		ssize_t n = send(fd, (const char *) buf + put, size - put, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return false;
		put += (size_t) n;
	}
	return true;
}

/* quiet_stdio - the child must never touch the smtpd socket on 0, 1, 2 */
static void quiet_stdio(void)
{
	int null = open("/dev/null", O_RDWR);

	for (int fd = 0; fd <= 2; fd++) {
		if (null < 0)
			close(fd);	/* no /dev/null (chroot): closed is still safe */
		else if (fd != null)
			dup2(null, fd);
	}
	if (null > 2)
		close(null);
}

/* child_signals - default dispositions; the parent's handlers are not ours */
static void child_signals(void)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGALRM, SIGCHLD, SIGUSR1, SIGUSR2};
	sigset_t none;

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* child_main - set up, serve, exit */
static _Noreturn void child_main(const struct sql_helper *h, int fd)
{
	if (release_in_child != NULL)
		release_in_child(release_arg);
	child_signals();
	quiet_stdio();
	h->main(h->arg, fd);
	_exit(0);
}

/* spawn - start the child; false with the reason in err */
static bool spawn(struct sql_helper *h, char *err, size_t errsize)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errsize, "socketpair: %s", strerror(errno));
		return false;
	}
	if ((pid = fork()) < 0) {
		snprintf(err, errsize, "fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return false;
	}
	if (pid == 0) {
		close(sv[0]);
		child_main(h, sv[1]);
	}
	close(sv[1]);
	h->pid = pid;
	h->fd = sv[0];
	return true;
}

/* reap - wait up to ms for the child to exit; false if it is still there */
static bool reap(pid_t pid, int ms)
{
	for (int waited = 0;; waited += 10) {
		pid_t r = waitpid(pid, NULL, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return true;
		if (waited >= ms)
			return false;
		poll(NULL, 0, 10);
	}
}

/* kill_child - the child is stuck or broken: end it */
static void kill_child(struct sql_helper *h)
{
	if (h->pid > 0) {
		kill(h->pid, SIGKILL);
		reap(h->pid, 200);
	}
	if (h->fd >= 0)
		close(h->fd);
	h->pid = 0;
	h->fd = -1;
}

/* recv_by - read size bytes before the deadline; false on timeout or EOF */
static bool recv_by(int fd, void *buf, size_t size, long long deadline, bool *timed_out)
{
	for (size_t got = 0; got < size;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		long long left = deadline - now_ms();
		if (left <= 0 || poll(&p, 1, (int) left) == 0)
			return !(*timed_out = true);
		ssize_t n = recv(fd, (char *) buf + got, size - got, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return false;
		got += (size_t) n;
	}
	return true;
}

/* sql_helper_recv - answer bytes by the deadline, or the child is killed */
bool sql_helper_recv(struct sql_helper *h, void *buf, size_t size, char *err, size_t errsize)
{
	bool timed_out = false;

	if (h->fd >= 0 && recv_by(h->fd, buf, size, h->deadline, &timed_out))
		return true;
	if (timed_out)
		snprintf(err, errsize, "no answer from the database within %lu s; "
			 "SQL helper stopped", h->timeout);
	else
		snprintf(err, errsize, "SQL helper died");
	kill_child(h);
	return false;
}

/* sql_helper_call - one request and its fixed-size answer */
bool sql_helper_call(struct sql_helper *h, const void *req, size_t reqsize, void *res,
		     size_t ressize, char *err, size_t errsize)
{
	h->deadline = now_ms() + (long long) h->timeout * 1000;
	if (h->pid == 0 && !spawn(h, err, errsize))
		return false;
	if (!sql_helper_send(h->fd, req, reqsize)) {
		snprintf(err, errsize, "SQL helper died");
		kill_child(h);
		return false;
	}
	return sql_helper_recv(h, res, ressize, err, errsize);
}

/* sql_helper_free - close the socket: the child disconnects and exits */
void sql_helper_free(struct sql_helper *h)
{
	if (h == NULL)
		return;
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
	if (h->pid > 0 && !reap(h->pid, STOP_WAIT_MS))
		kill_child(h);
	free(h);
}
