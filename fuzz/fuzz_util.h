/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_util.h - small helpers shared by the libFuzzer harnesses.
 *
 * Header-only (static functions) so that each harness is one file plus
 * the code it tests, for clang (make fuzz) and for the replay programs
 * of make check alike.
 */
#ifndef DNSWL_FUZZ_UTIL_H
#define DNSWL_FUZZ_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_check - a harness invariant: abort (a finding) when it fails */
#define fuzz_check(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* fuzz_memfd - one memory file per process, rewritten with data; its fd */
static inline int fuzz_memfd(const uint8_t *data, size_t size)
{
	static int fd = -1;
	size_t done = 0;

	if (fd < 0 && (fd = memfd_create("fuzz", MFD_CLOEXEC)) < 0)
		abort();
	if (ftruncate(fd, 0) != 0)
		abort();
	while (done < size) {
		ssize_t n = pwrite(fd, data + done, size - done, (off_t) done);

		if (n <= 0)
			abort();
		done += (size_t) n;
	}
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

/* fuzz_string - data as a NUL-terminated string (stops at a NUL); free it */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* fuzz_no_ctl - s holds no control byte */
static inline int fuzz_no_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char) *s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

#endif
