/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * replay.c - run a libFuzzer harness without libFuzzer, as a TAP test.
 *
 * Linked with one harness (fuzz/NAME_fuzz.c) by the normal compiler, so
 * make check - and its sanitizer build - replays the seed corpus and the
 * regression cases kept there: every file of $srcdir/fuzz/corpus/NAME
 * (or of the directory given as argv[1]) is read into a buffer of
 * exactly its size and fed to LLVMFuzzerTestOneInput.  A crash, a
 * sanitizer report or an abort() of the harness fails the test.
 * FUZZ_CORPUS is the corpus name, defined by the build.
 */
#include "config.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef FUZZ_CORPUS
#error "define FUZZ_CORPUS as the corpus directory name"
#endif

#define REPLAY_MAX_FILE (8u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* replay_file - feed one corpus file to the harness; false if unreadable */
static bool replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	size_t n;

	if (fp == NULL)
		return false;
	if ((buf = malloc(REPLAY_MAX_FILE)) == NULL) {
		fclose(fp);
		return false;
	}
	n = fread(buf, 1, REPLAY_MAX_FILE, fp);
	fclose(fp);
	/* exactly n bytes, so ASan sees any read past the input */
	uint8_t *exact = malloc(n > 0 ? n : 1);

	if (exact != NULL) {
		memcpy(exact, buf, n);
		LLVMFuzzerTestOneInput(exact, n);
	}
	free(exact);
	free(buf);
	return exact != NULL;
}

/* replay_dir - the corpus directory: argv[1], else $srcdir/fuzz/corpus/NAME */
static void replay_dir(int argc, char **argv, char *dir, size_t size)
{
	const char *srcdir = getenv("srcdir");

	if (argc > 1)
		snprintf(dir, size, "%s", argv[1]);
	else
		snprintf(dir, size, "%s/fuzz/corpus/%s", srcdir ? srcdir : ".", FUZZ_CORPUS);
}

/* main - replay every file of the corpus, in name order, as TAP */
int main(int argc, char **argv)
{
	char dir[4096], path[8192];
	struct dirent **names;
	int n, t = 0, bad = 0;

	replay_dir(argc, argv, dir, sizeof(dir));
	if ((n = scandir(dir, &names, NULL, alphasort)) < 0) {
		printf("1..0 # SKIP no corpus at %s\n", dir);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			bool ok = replay_file(path);

			bad += !ok;
			printf("%sok %d - %s %s\n", ok ? "" : "not ", ++t, FUZZ_CORPUS, names[i]->d_name);
			fflush(stdout);
		}
		free(names[i]);
	}
	free(names);
	printf("1..%d\n", t);
	return bad != 0;
}
