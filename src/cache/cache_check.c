/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_check.c - is the cache directory and file one the serving
 * processes will trust?  The words for it, shared by the serving log
 * (cache_file.c) and `dnswl -n` (cache_check), with user names and the
 * command that fixes it.
 *
 * `dnswl -n` may run as root while Postfix runs dnswl as its own user:
 * then the check assumes the serving user is CACHE_USER (if it exists)
 * and says so.
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache_int.h"
#include "str.h"

#define CACHE_USER "dnswl"

/* user_name - the login name of uid into buf; false (buf "UID") when none */
static bool user_name(uid_t uid, char *buf, size_t size)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL && pw->pw_name != NULL && str_copy(buf, size, pw->pw_name))
		return true;
	snprintf(buf, size, "%lu", (unsigned long)uid);
	return false;
}

/* user_text - "dnswl (uid 108)", or "uid 108" without a passwd entry */
static const char *user_text(uid_t uid, char *buf, size_t size)
{
	char name[64];

	if (user_name(uid, name, sizeof(name)))
		snprintf(buf, size, "%s (uid %lu)", name, (unsigned long)uid);
	else
		snprintf(buf, size, "uid %lu", (unsigned long)uid);
	return buf;
}

/* cache_trust_problem - what is wrong with st for user want, and the fix */
bool cache_trust_problem(const struct stat *st, uid_t want, const char *what,
			 const char *path, char *buf, size_t size)
{
	char have[96], wanted[96], name[64];

	if (st->st_uid != want) {
		user_name(want, name, sizeof(name));
		snprintf(buf, size, "%s is owned by %s, not by %s running dnswl (fix: chown %s: %s)",
			 what, user_text(st->st_uid, have, sizeof(have)),
			 user_text(want, wanted, sizeof(wanted)), name, path);
		return true;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(buf, size, "%s is writable by group or others (mode %04o) (fix: chmod go-w %s)",
			 what, (unsigned)(st->st_mode & 07777), path);
		return true;
	}
	return false;
}

/* serving_user - the uid serving processes run as, from -n's view */
static uid_t serving_user(char *note, size_t size)
{
	struct passwd *pw;

	note[0] = '\0';
	if (geteuid() != 0)
		return geteuid();
	if ((pw = getpwnam(CACHE_USER)) != NULL) {
		snprintf(note, size, " (checked as user %s, uid %lu: -n runs as root)",
			 CACHE_USER, (unsigned long)pw->pw_uid);
		return pw->pw_uid;
	}
	snprintf(note, size, " (checked as root: there is no user %s)", CACHE_USER);
	return 0;
}

/* refusal - why serving processes would refuse path (false: they would not) */
static bool refusal(const char *path, const char *label, const char *shown, bool dir,
		    uid_t want, char *why, size_t size)
{
	struct stat st;

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return false;	/* created at first use */
		snprintf(why, size, "%s: %s", label, strerror(errno));
	} else if (S_ISLNK(st.st_mode)) {
		snprintf(why, size, "%s is a symbolic link", label);
	} else if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
		snprintf(why, size, "%s is not a %s", label, dir ? "directory" : "regular file");
	} else {
		return cache_trust_problem(&st, want, label, shown, why, size);
	}
	return true;
}

/* check_one - report what would make path refused; 1 if something would */
static int check_one(const char *path, const char *what, bool dir, uid_t want,
		     const char *note, FILE *out)
{
	char label[PATH_MAX + 16], shown[PATH_MAX], why[2 * PATH_MAX + 256];

	str_printable(shown, sizeof(shown), path);
	snprintf(label, sizeof(label), "%s %s", what, shown);
	if (!refusal(path, label, shown, dir, want, why, sizeof(why)))
		return 0;
	fprintf(out, "dnswl: warning: cache: %s: serving dnswl processes would refuse it"
		" and run uncached%s\n", why, note);
	return 1;
}

/* cache_check - `dnswl -n`: would serving processes trust the cache? */
int cache_check(const struct cache_settings *s, FILE *out)
{
	char dir[PATH_MAX], note[128];
	const char *slash = strrchr(s->file, '/');
	uid_t want;

	if (s->file[0] == '\0' || slash == NULL || (size_t)(slash - s->file) >= sizeof(dir))
		return 0;
	memcpy(dir, s->file, (size_t)(slash - s->file));
	dir[slash - s->file] = '\0';
	if (dir[0] == '\0')
		str_copy(dir, sizeof(dir), "/");
	want = serving_user(note, sizeof(note));
	if (check_one(dir, "directory", true, want, note, out) > 0)
		return 1;
	return check_one(s->file, "file", false, want, note, out);
}
