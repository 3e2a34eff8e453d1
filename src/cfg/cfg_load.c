/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_load.c - read dnswl.cfg with libinih and check it.
 *
 * We feed libinih through our own line reader: it counts lines (the
 * handler of Debian's build gets no line number) and refuses a line that
 * libinih would silently split, so no value is ever half-read.
 * List sections may come before or after the `sites` that names them,
 * so their text is kept aside and resolved when the file is done.
 */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include "cfg.h"
#include "cfg_load.h"
#include "msg.h"
#include "str.h"

#define CFG_LINE_MAX	4096	/* longest line we accept */
#define CFG_SECTION_MAX	49	/* libinih cuts section names at 50 bytes */

/* cfg_note_section - see section headers, even of empty sections */
static void cfg_note_section(struct cfg_state *st, const char *line)
{
	char buf[CFG_LINE_MAX], *name, *end;

	str_copy(buf, sizeof(buf), line);
	name = str_trim(buf);
	if (*name != '[' || (end = strchr(name, ']')) == NULL)
		return;
	*end = '\0';
	name = str_trim(name + 1);
	if (strlen(name) > CFG_SECTION_MAX)
		cfg_error(st, "section name \"%s\" longer than %d bytes",
			  name, CFG_SECTION_MAX);
	else
		cfg_section(st, name);
}

/* cfg_reader - libinih line reader that counts and bounds lines */
static char *cfg_reader(char *str, int num, void *stream)
{
	struct cfg_state *st = stream;
	size_t len;

	if (st->failed || fgets(str, num, st->fp) == NULL)
		return NULL;
	st->line++;
	len = strlen(str);
	if (len > 0 && str[len - 1] != '\n' && !feof(st->fp)) {
		cfg_error(st, "line longer than %d bytes; split the value over "
			  "indented continuation lines", num - 2);
		return NULL;
	}
	cfg_note_section(st, str);
	return str;
}

/* cfg_handler - libinih callback: dispatch by section */
static int cfg_handler(void *user, const char *section, const char *name,
		       const char *value)
{
	struct cfg_state *st = user;

	if (st->failed)
		return 0;
	st->near[0] = '\0';
	if (*section == '\0')
		cfg_error(st, "\"%s\" outside of any section", name);
	else if (strcmp(section, "global") == 0)
		cfg_global(st, name, value);
	else if (strcmp(section, "cache") == 0)
		cfg_cache(st, name, value);
	else if (strcmp(section, "sql") == 0)
		cfg_sql(st, name, value);
	else if (strcmp(section, "greylist") == 0)
		cfg_greylist(st, name, value);
	else if (strcmp(section, "checks") == 0)
		cfg_checks(st, name, value);
	else if (cfg_sites_section(section))
		cfg_sites(st, section, name, value);
	else
		cfg_site_key(st, section, name, value);
	return !st->failed;
}

/* cfg_run_parser - run libinih over the open file */
static void cfg_run_parser(struct cfg_state *st)
{
	int rc;

#ifdef HAVE_INI_MAX_LINE
	ini_use_stack = 0;
	ini_allow_realloc = 0;
	ini_max_line = CFG_LINE_MAX;
	/* Without realloc the heap buffer is ini_initial_alloc bytes. */
	ini_initial_alloc = CFG_LINE_MAX;
#endif
	rc = ini_parse_stream(cfg_reader, st, cfg_handler, st);
	if (rc > 0 && !st->failed) {
		st->line = rc;
		cfg_error(st, "syntax error (expected [section], name = value, "
			  "or a comment)");
	} else if (rc == -2 && !st->failed)
		cfg_error(st, "out of memory");
}

/*
 * cfg_state_new - the parser's state as a private mapping: zero without
 * a memset, only the pages used are touched, and all of them go back to
 * the kernel at the end (from the heap, ~20 KiB of them would stay dirty
 * in every serving process).  NULL when out of memory.
 */
static struct cfg_state *cfg_state_new(void)
{
	void *m = mmap(NULL, sizeof(struct cfg_state), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return m == MAP_FAILED ? NULL : m;
}

/* cfg_state_free - the defs' `ips` texts, then the mapping */
static void cfg_state_free(struct cfg_state *st)
{
	for (unsigned i = 0; i < st->ndefs; i++)
		free(st->defs[i].ips);
	munmap(st, sizeof(*st));
}

/* cfg_load - read and check a configuration file */
bool cfg_load(struct config *cfg, const char *path, char *err, size_t errsize)
{
	struct cfg_state *st;
	bool ok;

	cfg_defaults(cfg);
	str_copy(cfg->path, sizeof(cfg->path), path);
	if ((st = cfg_state_new()) == NULL) {
		snprintf(err, errsize, "%s: out of memory", path);
		return false;
	}
	st->cfg = cfg;
	st->path = path;
	if ((st->fp = fopen(path, "re")) == NULL) {
		snprintf(err, errsize, "%s: cannot open: %s", path, strerror(errno));
		cfg_state_free(st);
		return false;
	}
	cfg_run_parser(st);
	fclose(st->fp);
	if (!st->failed)
		cfg_finish(st);
	ok = !st->failed;
	if (!ok)
		str_copy(err, errsize, st->error);
	cfg_state_free(st);
	return ok;
}
