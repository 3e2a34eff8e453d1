/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spawn_bench.c - time whole processes as Postfix spawn(8) starts them:
 * fork, exec, stdin from a file, until exit.  Several commands are run
 * in turn (interleaved, so drift hits all alike).
 *
 * usage: spawn_bench RUNS INPUT PROG [ARG...] [--- PROG [ARG...]]...
 * Prints one line per command: "median_ms=M mean_ms=A min_ms=L
 * minflt=F PROG [ARG...]", F the median of the runs' minor page faults (each
 * costs about 2 us on the machines we measured: start-up's other cost);
 * exits 1 when a run does not exit 0.  stdout and stderr of the runs go
 * to /dev/null.
 */
#include "config.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 8

struct cmd {
	char **argv;
	double *ms;
	double *flt;		/* minor page faults of each run */
};

/* now_ns - monotonic nanoseconds */
static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* run_once - one process of argv with stdin from input; ms, or -1 */
static double run_once(char **argv, const char *input, int devnull, double *flt)
{
	long long t0 = now_ns();
	int status, in = open(input, O_RDONLY);
	struct rusage ru;
	pid_t pid;

	if (in < 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		dup2(in, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(in);
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	*flt = (double)ru.ru_minflt;
	return (double)(now_ns() - t0) / 1e6;
}

/* cmp_double - qsort order */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* median - of v[0..n) (sorts v) */
static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* report - median, mean and minimum of one command's runs, its faults */
static void report(const struct cmd *c, int runs)
{
	double sum = 0, med = median(c->ms, runs);

	for (int i = 0; i < runs; i++)
		sum += c->ms[i];
	printf("median_ms=%.3f mean_ms=%.3f min_ms=%.3f minflt=%.0f", med, sum / runs,
	       c->ms[0], median(c->flt, runs));
	for (char **a = c->argv; *a != NULL; a++)
		printf(" %s", *a);
	putchar('\n');
}

/* split - the commands of argv, separated by "---"; returns how many */
static int split(char **argv, struct cmd *cmds, int runs)
{
	int n = 0;

	while (*argv != NULL && n < MAX_CMDS) {
		cmds[n].argv = argv;
		cmds[n].ms = calloc((size_t)runs, sizeof(double));
		cmds[n].flt = calloc((size_t)runs, sizeof(double));
		if (cmds[n].ms == NULL || cmds[n].flt == NULL)
			return -1;
		n++;
		while (*argv != NULL && strcmp(*argv, "---") != 0)
			argv++;
		if (*argv != NULL)
			*argv++ = NULL;
	}
	return *argv == NULL ? n : -1;
}

/* run_all - every command RUNS times, in turn; false when a run failed */
static bool run_all(struct cmd *cmds, int n, int runs, const char *input, int devnull)
{
	for (int r = 0; r < runs; r++)
		for (int i = 0; i < n; i++)
			if ((cmds[i].ms[r] = run_once(cmds[i].argv, input, devnull,
						      &cmds[i].flt[r])) < 0) {
				fprintf(stderr, "spawn_bench: %s failed\n", cmds[i].argv[0]);
				return false;
			}
	return true;
}

int main(int argc, char **argv)
{
	struct cmd cmds[MAX_CMDS];
	int runs, n, devnull = open("/dev/null", O_WRONLY);
	bool ok;

	if (argc < 4 || (runs = atoi(argv[1])) < 1 || devnull < 0 ||
	    (n = split(argv + 3, cmds, runs)) < 1) {
		fputs("usage: spawn_bench RUNS INPUT PROG [ARG...] [--- PROG [ARG...]]...\n", stderr);
		return 2;
	}
	ok = run_all(cmds, n, runs, argv[2], devnull);
	for (int i = 0; i < n; i++) {
		if (ok)
			report(&cmds[i], runs);
		free(cmds[i].ms);
		free(cmds[i].flt);
	}
	return ok ? 0 : 1;
}
