/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_check.c - `dnswl -n` advice beyond validity: a configuration that
 * holds a database password must not be readable by every user.
 */
#include "config.h"

#include <stdio.h>
#include <sys/stat.h>

#include "amavis_dsn.h"
#include "cfg.h"

/* cfg_has_password - does the [sql] dsn carry a password? */
static bool cfg_has_password(const struct config *cfg)
{
	static struct amavis_dsn dsn;
	char err[256];

	return cfg->sql.dsn[0] != '\0' && amavis_dsn_parse(cfg->sql.dsn, &dsn, err, sizeof(err))
	    && dsn.password[0] != '\0';
}

/* cfg_check_secrets - warn when others can read the password */
bool cfg_check_secrets(const struct config *cfg, char *buf, size_t size)
{
	struct stat st;

	if (!cfg_has_password(cfg) || stat(cfg->path, &st) != 0 || !(st.st_mode & S_IROTH))
		return false;
	snprintf(buf, size, "%s holds a database password (dsn) and every user can read "
		 "it (mode %04o): chown root:dnswl %s && chmod 0640 %s", cfg->path,
		 (unsigned) (st.st_mode & 07777), cfg->path, cfg->path);
	return true;
}
