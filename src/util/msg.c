/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msg.c - logging to syslog (serving) or stderr (interactive).
 *
 * Every line is made printable first: request and DNS data reach log
 * lines, and a CR/LF or escape byte in them must not forge a new line.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "str.h"

#define MSG_LINE_MAX 4096

static enum msg_sink sink = MSG_STDERR;
static const char *msg_ident = "dnswl";
static bool verbose;
static FILE *log_fp;

static const struct {
	const char *name;
	int code;
} facilities[] = {
	{"mail", LOG_MAIL}, {"daemon", LOG_DAEMON}, {"user", LOG_USER},
	{"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
	{"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
	{"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
};

/* msg_facility_code - syslog facility code by name */
int msg_facility_code(const char *name)
{
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcasecmp(name, facilities[i].name) == 0)
			return facilities[i].code;
	return -1;
}

/*
 * msg_init - choose where log lines go
 *
 * No LOG_NDELAY: syslog() connects to the log socket with the first
 * line.  A process that logs nothing (every request answered, or
 * log_file set) then connects to nothing, and one that does connects
 * once, not again when the configured facility comes.
 */
void msg_init(const char *ident, enum msg_sink to, int facility)
{
	msg_ident = ident;
	sink = to;
	if (sink == MSG_SYSLOG)
		openlog(ident, LOG_PID, facility);
}

/* msg_set_facility - reopen syslog with the configured facility */
void msg_set_facility(int facility)
{
	if (sink == MSG_SYSLOG) {
		closelog();
		openlog(msg_ident, LOG_PID, facility);
	}
}

/* msg_set_file - log to a file of the admin's choice */
bool msg_set_file(const char *path)
{
	FILE *fp = fopen(path, "ae");

	if (fp == NULL)
		return false;
	setvbuf(fp, NULL, _IOLBF, 0);
	if (log_fp != NULL)
		fclose(log_fp);
	log_fp = fp;
	sink = MSG_FILE;
	return true;
}

/* msg_file_line - one line in log_file, timestamped like syslog */
static void msg_file_line(const char *tag, const char *line)
{
	char stamp[64];
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(log_fp, "%s.%03ld %s[%ld]: %s%s\n", stamp, ts.tv_nsec / 1000000L,
		msg_ident, (long) getpid(), tag, line);
}

/* msg_set_verbose - turn debug lines on or off */
void msg_set_verbose(bool on)
{
	verbose = on;
}

/* msg_current_sink - where lines go now */
enum msg_sink msg_current_sink(void)
{
	return sink;
}

/* msg_vlog - format, sanitize and emit one line */
static void msg_vlog(int level, const char *tag, const char *fmt, va_list ap)
{
	char raw[MSG_LINE_MAX], line[MSG_LINE_MAX];

	vsnprintf(raw, sizeof(raw), fmt, ap);
	str_printable(line, sizeof(line), raw);
	if (sink == MSG_SYSLOG)
		syslog(level, "%s%s", tag, line);
	else if (sink == MSG_FILE)
		msg_file_line(tag, line);
	else
		fprintf(stderr, "%s: %s%s\n", msg_ident, tag, line);
}

#define MSG_EMIT(level, tag) do { \
	va_list ap; \
	va_start(ap, fmt); \
	msg_vlog(level, tag, fmt, ap); \
	va_end(ap); \
} while (0)

/* msg_debug - verbose-only line */
void msg_debug(const char *fmt, ...)
{
	if (verbose)
		MSG_EMIT(LOG_DEBUG, "debug: ");
}

/* msg_info - informational line */
void msg_info(const char *fmt, ...)
{
	MSG_EMIT(LOG_INFO, "");
}

/* msg_warn - something is wrong but we go on */
void msg_warn(const char *fmt, ...)
{
	MSG_EMIT(LOG_WARNING, "warning: ");
}

/* msg_fatal - cannot go on: log and exit non-zero */
void msg_fatal(const char *fmt, ...)
{
	MSG_EMIT(LOG_ERR, "fatal: ");
	exit(1);
}

/* msg_panic - a bug: log and abort */
void msg_panic(const char *fmt, ...)
{
	MSG_EMIT(LOG_CRIT, "panic: ");
	abort();
}
