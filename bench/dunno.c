/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dunno.c - the least a policy service can do, as a yardstick for
 * bench/spawn.sh: read one Postfix policy request (up to its empty line)
 * from stdin, answer "action=DUNNO", exit.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
	char line[2048];

	while (fgets(line, sizeof(line), stdin) != NULL && strcmp(line, "\n") != 0)
		continue;
	fputs("action=DUNNO\n\n", stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}
