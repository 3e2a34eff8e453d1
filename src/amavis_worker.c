/*
 * amavis_worker.c - fork the SQL helper, send it jobs, bound the wait.
 *
 * Parent and helper are the same program image, so jobs and results
 * cross the socket as raw structs.  A socketpair rather than a pipe:
 * send(MSG_NOSIGNAL) cannot kill the policy process with SIGPIPE when
 * the helper has died.
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

#include "amavis_worker.h"
#include "msg.h"

#define STOP_WAIT_MS	1000	/* amavis_worker_free: time to say goodbye */

struct amavis_worker {
	struct amavis_dsn dsn;
	struct sql_settings s;
	pid_t pid;			/* 0: no helper */
	int fd;				/* our end of the socket */
};

static void (*release_in_child)(void *);
static void *release_arg;

/* amavis_worker_at_fork - what the helper gives back after fork */
void amavis_worker_at_fork(void (*release)(void *), void *arg)
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

/* amavis_worker_new - nothing runs yet */
struct amavis_worker *amavis_worker_new(const struct amavis_dsn *dsn, const struct sql_settings *s)
{
	struct amavis_worker *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return NULL;
	w->dsn = *dsn;
	w->s = *s;
	w->fd = -1;
	return w;
}

/* read_all - read size bytes (blocking); false on EOF or error */
static bool read_all(int fd, void *buf, size_t size)
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

/* send_all - write size bytes without SIGPIPE; false on error */
static bool send_all(int fd, const void *buf, size_t size)
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

/* quiet_stdio - the helper must never touch the smtpd socket on 0, 1, 2 */
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

/* helper_signals - default dispositions; the parent's handlers are not ours */
static void helper_signals(void)
{
	static const int sigs[] = {SIGTERM, SIGINT, SIGHUP, SIGALRM, SIGCHLD, SIGUSR1, SIGUSR2};
	sigset_t none;

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* helper_main - serve jobs until the parent closes the socket */
static _Noreturn void helper_main(const struct amavis_worker *w, int fd)
{
	struct amavis_sql *q;
	static struct amavis_job job;
	struct amavis_result r;
	uint64_t *words = NULL;

	if (release_in_child != NULL)
		release_in_child(release_arg);
	helper_signals();
	quiet_stdio();
	q = amavis_sql_new(&w->dsn, &w->s);
	while (q != NULL && read_all(fd, &job, sizeof(job))) {
		free(words);
		words = (job.flags & JOB_REFRESH) ? calloc(job.nwords, 8) : NULL;
		if ((job.flags & JOB_REFRESH) && words == NULL) {
			memset(&r, 0, sizeof(r));
			snprintf(r.error, sizeof(r.error), "out of memory");
		} else {
			amavis_sql_run(q, &job, words, &r);
		}
		if (!send_all(fd, &r, sizeof(r))
		    || (words != NULL && r.refreshed && !send_all(fd, words, (size_t) job.nwords * 8)))
			break;
	}
	free(words);
	amavis_sql_free(q);
	_exit(0);
}

/* spawn - start the helper; false with the reason in err */
static bool spawn(struct amavis_worker *w, char *err, size_t errsize)
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
		helper_main(w, sv[1]);
	}
	close(sv[1]);
	w->pid = pid;
	w->fd = sv[0];
	return true;
}

/* reap - wait up to ms for the helper to exit; false if it is still there */
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

/* kill_helper - the helper is stuck or broken: end it */
static void kill_helper(struct amavis_worker *w)
{
	if (w->pid > 0) {
		kill(w->pid, SIGKILL);
		reap(w->pid, 200);
	}
	if (w->fd >= 0)
		close(w->fd);
	w->pid = 0;
	w->fd = -1;
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

/* exchange - send job, receive result (and filter) by the deadline */
static bool exchange(struct amavis_worker *w, const struct amavis_job *job, uint64_t *words,
		     struct amavis_result *r, long long deadline)
{
	bool timed_out = false;
	unsigned long limit = w->s.timeout > 0 ? w->s.timeout : 1;

	if (!send_all(w->fd, job, sizeof(*job))
	    || !recv_by(w->fd, r, sizeof(*r), deadline, &timed_out)
	    || (r->refreshed && (job->flags & JOB_REFRESH)
		&& !recv_by(w->fd, words, (size_t) job->nwords * 8, deadline, &timed_out))) {
		memset(r, 0, sizeof(*r));
		if (timed_out)
			snprintf(r->error, sizeof(r->error), "no answer from the database within %lu s;"
				 " SQL helper stopped", limit);
		else
			snprintf(r->error, sizeof(r->error), "SQL helper died");
		r->unreachable = true;
		kill_helper(w);
		return false;
	}
	return r->ok;
}

/* amavis_worker_run - one job, bounded by [sql] timeout */
bool amavis_worker_run(struct amavis_worker *w, const struct amavis_job *job,
		       uint64_t *words, struct amavis_result *r)
{
	unsigned long limit = w->s.timeout > 0 ? w->s.timeout : 1;
	long long deadline = now_ms() + (long long) limit * 1000;

	memset(r, 0, sizeof(*r));
	if (w->pid == 0 && !spawn(w, r->error, sizeof(r->error)))
		return !(r->unreachable = true);
	return exchange(w, job, words, r, deadline);
}

/* amavis_worker_free - close the socket: the helper disconnects and exits */
void amavis_worker_free(struct amavis_worker *w)
{
	if (w == NULL)
		return;
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	if (w->pid > 0 && !reap(w->pid, STOP_WAIT_MS))
		kill_helper(w);
	free(w);
}
