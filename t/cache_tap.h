/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_tap.h - a minimal TAP producer for the cache's C tests, plus
 * capture of the log lines the code under test writes to stderr.
 *
 * Header-only (static functions) so each test program stays one file.
 */
#ifndef DNSWL_CACHE_TAP_H
#define DNSWL_CACHE_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Sanitizer reports must still reach the real stderr (weak: absent without them). */
extern void __sanitizer_set_report_fd(void *fd) __attribute__((weak));

static int tap_count, tap_failed;
static FILE *tap_log;		/* captured stderr */
static long tap_log_mark;

/* tap_ok - one test line; returns cond */
__attribute__((format(printf, 4, 5)))
static inline bool tap_ok(bool cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok((cond), __FILE__, __LINE__, __VA_ARGS__)

/* tap_skip - a skipped test, visible in the output */
static inline void tap_skip(const char *what, const char *why)
{
	printf("ok %d - %s # SKIP %s\n", ++tap_count, what, why);
	fflush(stdout);
}

/* tap_diag - a comment line */
__attribute__((format(printf, 1, 2)))
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* tap_done - the plan at the end; exit status for the harness */
static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	fflush(stdout);		/* a leak report at exit would skip stdio's flush */
	return tap_failed ? 1 : 0;
}

/* log_capture - send stderr (where msg_* writes interactively) to a temp file */
static inline void log_capture(void)
{
	int saved = dup(2);

	fflush(stderr);
	if (__sanitizer_set_report_fd != NULL && saved >= 0)
		__sanitizer_set_report_fd((void *)(intptr_t)saved);
	tap_log = tmpfile();
	if (tap_log == NULL || dup2(fileno(tap_log), 2) < 0) {
		printf("Bail out! cannot capture stderr\n");
		exit(1);
	}
	setvbuf(stderr, NULL, _IONBF, 0);
}

/* log_mark - forget what was logged so far */
static inline void log_mark(void)
{
	fflush(stderr);
	tap_log_mark = lseek(2, 0, SEEK_END);
}

/* log_text - what was logged since the mark (static buffer) */
static inline const char *log_text(void)
{
	static char buf[65536];
	ssize_t n;

	fflush(stderr);
	n = pread(2, buf, sizeof(buf) - 1, tap_log_mark);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* log_has - the log since the mark contains s; echo the log when not */
static inline bool log_has(const char *s)
{
	const char *t = log_text();

	if (strstr(t, s) != NULL)
		return true;
	printf("#   log lacks \"%s\"; it has:\n", s);
	for (const char *p = t; *p; ) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		printf("#     %.*s\n", len, p);
		p += len + (nl != NULL);
	}
	return false;
}

#endif
