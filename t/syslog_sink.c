/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * syslog_sink.c - a tiny syslog daemon for tests: receive datagrams on a
 * unix socket (normally /dev/log) and append each as one line to a file.
 *
 * usage: syslog_sink SOCKET FILE
 * Prints "ready" on stdout once the socket is bound, so the test knows it
 * can start the programs that log; runs until SIGTERM or SIGINT, then
 * removes SOCKET.  Only for the end-to-end tests, which run as root.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

/* on_signal - ask the receive loop to stop */
static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

/* bind_socket - a datagram socket at path, writable by every user */
static int bind_socket(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -1;
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) < 0)
		return -1;
	(void)unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || chmod(path, 0666) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* write_record - one datagram as one line, trailing newlines dropped */
static void write_record(FILE *out, char *buf, size_t len)
{
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\0'))
		len--;
	fprintf(out, "%.*s\n", (int)len, buf);
	fflush(out);
}

/* install_handlers - SIGTERM/SIGINT end the loop (no SA_RESTART) */
static void install_handlers(void)
{
	struct sigaction sa = {.sa_handler = on_signal};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

int main(int argc, char **argv)
{
	char buf[8192];
	FILE *out;
	ssize_t n;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: syslog_sink SOCKET FILE\n");
		return 2;
	}
	if ((out = fopen(argv[2], "a")) == NULL || (fd = bind_socket(argv[1])) < 0) {
		fprintf(stderr, "syslog_sink: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	install_handlers();
	printf("ready\n");
	fflush(stdout);
	while (!stopping)
		if ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
			write_record(out, buf, (size_t)n);
	unlink(argv[1]);
	return 0;
}
