/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * amavis_drive.c - drive the amavis SQL writer without the DNS part:
 * each request is a hand-made struct decision handed to
 * amavis_after_decision(), as main.c does after deciding.  Used by
 * t/amavis*.bats against real SQLite, PostgreSQL and MariaDB, and by
 * bench/.  The shared sender set lives in an AREA file (like the cache
 * file's aux area): processes with the same file play dnswl processes
 * on one host, different files play different MX hosts.
 *
 * usage: amavis_drive -d DSN [-a AREA] [-i INTERVAL] [-t TIMEOUT] [-m MAX_AGE]
 *                     [-c] [-v] [-L LOGFILE] [-s] REQUEST...
 *   w SENDER RCPT BOOST   whitelisted RCPT request
 *   n SENDER RCPT         not listed
 *   f SENDER RCPT         tempfail (a list failed)
 *   x STATE SENDER RCPT   whitelisted request in another protocol state
 *   sleep SECONDS
 *   mark FILE             create FILE (tell a test "this far")
 *   wait FILE             wait until FILE exists (the test's answer)
 * -c: localpart case as given (default: lowercased, as amavis does)
 * -s: print counters and the slowest request on stdout
 *     (outcomes=: what each request did, as the decision log line says it)
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "amavis_core.h"
#include "msg.h"
#include "str.h"

#define AREA_SIZE (256 * 1024)

static int area_fd = -1;
static char outcomes[4096];	/* what each request did, comma separated */

/* area_lock / area_unlock - fcntl lock on the area file, like the cache's */
static bool area_lock(void *ctx)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};

	(void) ctx;
	return fcntl(area_fd, F_SETLKW, &fl) == 0;
}

static void area_unlock(void *ctx)
{
	struct flock fl = {.l_type = F_UNLCK, .l_whence = SEEK_SET};

	(void) ctx;
	fcntl(area_fd, F_SETLK, &fl);
}

/* map_area - the shared area file (created zeroed) */
static void map_area(const char *path, struct amavis_shm *shm)
{
	area_fd = open(path, O_RDWR | O_CREAT, 0600);
	if (area_fd < 0 || ftruncate(area_fd, AREA_SIZE) < 0)
		msg_fatal("%s: cannot open", path);
	shm->base = mmap(NULL, AREA_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, area_fd, 0);
	if (shm->base == MAP_FAILED)
		msg_fatal("%s: cannot map", path);
	shm->size = AREA_SIZE;
	shm->lock = area_lock;
	shm->unlock = area_unlock;
}

/* now_ms - monotonic milliseconds */
static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* wait_file - until path exists; a test that never answers is a hang */
static void wait_file(const char *path)
{
	for (int i = 0; access(path, F_OK) != 0; i++) {
		if (i == 600 * 100)
			msg_fatal("waited 600 s for %s", path);
		usleep(10000);
	}
}

/* control - sleep, mark and wait; returns the arguments used, or 0 */
static int control(char **av, int ac)
{
	int fd;

	if (ac < 2)
		return 0;
	if (strcmp(av[0], "sleep") == 0)
		usleep((useconds_t) (atof(av[1]) * 1e6));
	else if (strcmp(av[0], "wait") == 0)
		wait_file(av[1]);
	else if (strcmp(av[0], "mark") == 0) {
		if ((fd = open(av[1], O_WRONLY | O_CREAT, 0644)) < 0)
			msg_fatal("%s: cannot create", av[1]);
		close(fd);
	} else
		return 0;
	return 2;
}

/* request - one policy request; returns how many arguments it used */
static int request(struct amavis *a, char **av, int ac, long long *slowest)
{
	struct decision d = {.verdict = VERDICT_NOT_LISTED};
	const char *state = "RCPT";
	long long t0 = now_ms();
	int used = 3;

	if ((used = control(av, ac)) > 0)
		return used;
	used = 3;
	if (strcmp(av[0], "w") == 0 && ac >= 4) {
		d.verdict = VERDICT_WHITELISTED;
		d.boost = atof(av[3]);
		used = 4;
	} else if (strcmp(av[0], "f") == 0 && ac >= 3) {
		d.verdict = VERDICT_TEMPFAIL;
	} else if (strcmp(av[0], "x") == 0 && ac >= 4) {
		d.verdict = VERDICT_WHITELISTED;
		d.boost = -10;
		state = av[1];
		av++;
	} else if (strcmp(av[0], "n") != 0 || ac < 3) {
		msg_fatal("bad request at '%s'", av[0]);
	}
	str_appendf(outcomes, sizeof(outcomes), "%s%s", outcomes[0] ? "," : "",
		    amavis_outcome_name(amavis_after_decision(a, state, av[1], av[2], &d)));
	if (now_ms() - t0 > *slowest)
		*slowest = now_ms() - t0;
	return used + (state[0] != 'R');
}

/* print_stats - the counters, one line */
static void print_stats(const struct amavis *a, long long slowest)
{
	struct amavis_stats st;

	amavis_get_stats(a, &st);
	printf("writes=%lu cleans=%lu refreshes=%lu skipped=%lu failures=%lu backoffs=%lu"
	       " deleted=%lu connects=%lu statements=%lu expired=%lu slowest_ms=%lld outcomes=%s\n",
	       st.writes, st.cleans, st.refreshes, st.skipped, st.failures, st.backoffs,
	       st.deleted, st.connects, st.statements, st.expired, slowest, outcomes);
}

int main(int argc, char **argv)
{
	struct sql_settings s = {.use_sql = true, .policy_priority = 0, .mailaddr_priority = 0,
				 .policy_preset = 1, .cleanup_interval = 60, .timeout = 3,
				 .localpart_lowercase = true, .max_age = 2592000};
	struct amavis_shm shm = {0};
	bool stats = false;
	long long slowest = 0;
	int c;

	msg_init("dnswl", MSG_STDERR, 0);
	while ((c = getopt(argc, argv, "+a:cd:i:L:m:st:v")) != -1) {
		switch (c) {
		case 'a': map_area(optarg, &shm); break;
		case 'c': s.localpart_lowercase = false; break;
		case 'd': str_copy(s.dsn, sizeof(s.dsn), optarg); break;
		case 'i': s.cleanup_interval = strtoul(optarg, NULL, 10); break;
		case 'm': s.max_age = strtoul(optarg, NULL, 10); break;
		case 'L': if (!msg_set_file(optarg)) msg_fatal("%s: cannot open", optarg); break;
		case 's': stats = true; break;
		case 't': s.timeout = strtoul(optarg, NULL, 10); break;
		case 'v': s.verbose_sql = true; break;
		default: msg_fatal("usage: see the comment in amavis_drive.c");
		}
	}
	struct amavis *a = amavis_open_shm(&s, &shm);
	if (a == NULL)
		return 2;
	for (int i = optind; i < argc;)
		i += request(a, argv + i, argc - i, &slowest);
	if (stats)
		print_stats(a, slowest);
	amavis_close(a);
	return 0;
}
