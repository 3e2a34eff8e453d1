/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cfg_checks.c - the [checks] section: a score per client check, and
 * the dynamic_patterns file compiled at load time (fail closed).
 */
#include "config.h"

#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "cfg_load.h"
#include "str.h"

#define CFG_PATTERN_LINE 1024

/* cfg_check_key - the key of a check, by id */
const char *cfg_check_key(enum check_id id)
{
	static const char *keys[CK_COUNT] = {"no_client_name", "dynamic_client",
		"helo_ip_literal", "helo_invalid", "helo_mismatch", "sender_bad_domain",
		"sender_is_recipient", "spf_pass", "spf_fail", "spf_softfail", "spf_none"};

	return id < CK_COUNT ? keys[id] : "?";
}

/* cfg_checks_free - the compiled patterns */
void cfg_checks_free(struct config *cfg)
{
	struct check_settings *c = &cfg->checks;

	for (unsigned i = 0; i < c->npatterns; i++) {
		regfree(c->patterns[i].re);
		free(c->patterns[i].re);
	}
	free(c->patterns);
	c->patterns = NULL;
	c->npatterns = 0;
}

/* cfg_pattern_add - compile one line; false with the reason in err */
static bool cfg_pattern_add(struct check_settings *c, const char *line, char *err,
			    size_t errsize)
{
	struct check_pattern *p = &c->patterns[c->npatterns];
	int rc;

	p->exclude = *line == '!';
	if ((p->re = malloc(sizeof(regex_t))) == NULL)
		return snprintf(err, errsize, "out of memory"), false;
	rc = regcomp(p->re, line + p->exclude, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, p->re, err, errsize);
		free(p->re);
		return false;
	}
	c->npatterns++;
	return true;
}

/* cfg_pattern_line - one line of the file: blank, comment or pattern */
static bool cfg_pattern_line(struct check_settings *c, char *line, char *err, size_t errsize)
{
	line[strcspn(line, "\r\n")] = '\0';
	line += strspn(line, " \t");
	if (*line == '\0' || *line == '#')
		return true;
	if (c->npatterns >= CFG_MAX_PATTERNS)
		return snprintf(err, errsize, "more than %d patterns", CFG_MAX_PATTERNS), false;
	if (strcmp(line, "!") == 0)
		return snprintf(err, errsize, "\"!\" without a pattern"), false;
	return cfg_pattern_add(c, line, err, errsize);
}

/* cfg_patterns_read - every line of fp; false at the first bad one */
static bool cfg_patterns_read(struct check_settings *c, FILE *fp, unsigned *lineno,
			      char *err, size_t errsize)
{
	char line[CFG_PATTERN_LINE];

	while (fgets(line, sizeof(line), fp) != NULL) {
		++*lineno;
		if (strchr(line, '\n') == NULL && !feof(fp))
			return snprintf(err, errsize, "line too long"), false;
		if (!cfg_pattern_line(c, line, err, errsize))
			return false;
	}
	return true;
}

/* cfg_patterns_load - the dynamic_patterns file, compiled */
static void cfg_patterns_load(struct cfg_state *st, const char *path)
{
	struct check_settings *c = &st->cfg->checks;
	char err[256] = "";
	unsigned lineno = 0;
	FILE *fp;

	cfg_checks_free(st->cfg);
	if ((fp = fopen(path, "r")) == NULL)
		return cfg_error(st, "dynamic_patterns: cannot open %s: %s", path, strerror(errno));
	if ((c->patterns = calloc(CFG_MAX_PATTERNS, sizeof(*c->patterns))) == NULL)
		snprintf(err, sizeof(err), "out of memory");
	else
		cfg_patterns_read(c, fp, &lineno, err, sizeof(err));
	fclose(fp);
	if (*err != '\0')
		cfg_error(st, "dynamic_patterns: %s:%u: %s", path, lineno, err);
}

/* cfg_checks - [checks] keys */
void cfg_checks(struct cfg_state *st, const char *name, const char *value)
{
	struct check_settings *c = &st->cfg->checks;

	if (!cfg_once(st, "checks", name))
		return;
	for (unsigned i = 0; i < CK_COUNT; i++) {
		if (!cfg_key(st, name, cfg_check_key(i)))
			continue;
		if (!cfg_parse_boost(value, &c->score[i]))
			cfg_error(st, "%s: \"%s\" is not a plain decimal number from %g to %g "
				  "(0: off)", name, value, -CFG_BOOST_LIMIT, CFG_BOOST_LIMIT);
#ifndef HAVE_SPF
		else if (i >= CK_SPF_PASS && c->score[i] != 0)
			cfg_error(st, "%s: this dnswl was built without SPF (configure "
				  "--without-spf); set it to 0 or rebuild with libspf2", name);
#endif
		return;
	}
	if (!cfg_key(st, name, "dynamic_patterns"))
		return cfg_unknown_key(st, "checks", name);
	if (*value != '/')
		return cfg_error(st, "dynamic_patterns: \"%s\" is not an absolute path", value);
	if (!str_copy(c->dynamic_patterns, sizeof(c->dynamic_patterns), value))
		return cfg_error(st, "dynamic_patterns: path too long");
	cfg_patterns_load(st, value);
}
