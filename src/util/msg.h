/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * msg.h - logging: syslog while serving, stderr in interactive modes.
 *
 * Like Postfix's msg(3): four levels, printf format checking.  While
 * dnswl serves Postfix, stderr is the smtpd socket, so nothing may ever
 * be written there; msg_init() chooses the sink once at start-up.
 */
#ifndef DNSWL_MSG_H
#define DNSWL_MSG_H

#include <stdbool.h>

enum msg_sink {
	MSG_SYSLOG,		/* serving: syslog only */
	MSG_STDERR,		/* interactive (-n, -q, -C): stderr only */
	MSG_FILE,		/* serving with log_file set: append there */
};

#define MSG_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* msg_init - choose the sink; facility is a syslog facility code. */
void msg_init(const char *ident, enum msg_sink sink, int facility);

/* msg_set_facility - switch facility after the config is read. */
void msg_set_facility(int facility);

/*
 * msg_set_file - append lines to path instead of syslog (the log_file
 * setting).  Returns false when the file cannot be opened; the sink is
 * then left as it was.
 */
bool msg_set_file(const char *path);

/* msg_set_verbose - enable msg_debug() output. */
void msg_set_verbose(bool on);

/* msg_sink - the sink chosen by msg_init(). */
enum msg_sink msg_current_sink(void);

void msg_debug(const char *fmt, ...) MSG_PRINTF(1, 2);
void msg_info(const char *fmt, ...) MSG_PRINTF(1, 2);
void msg_warn(const char *fmt, ...) MSG_PRINTF(1, 2);
/* msg_fatal - log and exit(1).  msg_panic - log and abort(): a bug. */
_Noreturn void msg_fatal(const char *fmt, ...) MSG_PRINTF(1, 2);
_Noreturn void msg_panic(const char *fmt, ...) MSG_PRINTF(1, 2);

/*
 * msg_facility_code - map a name ("mail", "local0".."local7", "daemon",
 * "user") to its syslog code.  Returns -1 for an unknown name.
 */
int msg_facility_code(const char *name);

#endif
