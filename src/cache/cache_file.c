/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cache_file.c - open, trust, validate, rebuild and map the cache file.
 *
 * Whoever can write the cache can whitelist any client, so the file and
 * its directory must belong to this user and be writable by nobody else;
 * they are opened with O_NOFOLLOW and judged by fstat on the opened fd.
 * A damaged file is never repaired in place: a new one is built under a
 * temporary name and renamed over it, so processes that still map the
 * old inode keep valid memory (no SIGBUS from a shrinking file).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache_int.h"
#include "msg.h"
#include "str.h"

#define OPEN_TRIES 3
#define TMP_BASE_MAX 200	/* of the base name in a temporary name */

struct opener {
	struct cache *c;
	const struct cache_settings *s;
	enum cache_mode mode;
	int dirfd;
	bool dir_missing;		/* admin: no directory, so no file */
	struct stat dst;		/* the directory, from fstat */
	char dir[PATH_MAX];
	char base[NAME_MAX + 1];
};

/* split_path - directory and last component of the cache path */
static bool split_path(struct opener *o, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return str_copy(o->dir, sizeof(o->dir), ".")
		    && str_copy(o->base, sizeof(o->base), path);
	if (!str_copy(o->base, sizeof(o->base), slash + 1) || (size_t)(slash - path) >= sizeof(o->dir))
		return false;
	memcpy(o->dir, path, (size_t)(slash - path));
	o->dir[slash - path] = '\0';
	if (o->dir[0] == '\0')
		strcpy(o->dir, "/");
	return o->base[0] != '\0' && strcmp(o->base, ".") != 0 && strcmp(o->base, "..") != 0;
}

/* owner_ok - owned by us; root may inspect another user's cache */
static bool owner_ok(const struct opener *o, const struct stat *st)
{
	return st->st_uid == geteuid() || (o->mode != CACHE_SERVE && geteuid() == 0);
}

/* trusted - log and refuse what others could have written */
static bool trusted(const struct opener *o, const struct stat *st, const char *what,
		    const char *path)
{
	char why[2 * PATH_MAX + 256], shown[PATH_MAX];
	struct stat as_us = *st;

	str_printable(shown, sizeof(shown), path);
	if (owner_ok(o, st))
		as_us.st_uid = geteuid();	/* root inspecting: only the mode counts */
	if (!cache_trust_problem(&as_us, geteuid(), what, shown, why, sizeof(why)))
		return true;
	msg_warn("cache %s: %s: refusing it, running uncached", o->c->path, why);
	return false;
}

/* is_symlink - for log lines only: O_NOFOLLOW already refused it */
static bool is_symlink(int dirfd, const char *name)
{
	struct stat st;
	int saved = errno;
	bool link = fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);

	errno = saved;
	return link;
}

/* open_dir - open (creating when allowed) and judge the directory */
static bool open_dir(struct opener *o)
{
	int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

	o->dirfd = open(o->dir, flags);
	if (o->dirfd < 0 && errno == ENOENT && o->mode == CACHE_SERVE) {
		if (mkdir(o->dir, 0700) == 0)
			msg_info("cache %s: created directory %s (mode 0700)", o->c->path, o->dir);
		else if (errno != EEXIST)
			return msg_warn("cache %s: cannot create directory %s: %m; running uncached",
					o->c->path, o->dir), false;
		o->dirfd = open(o->dir, flags);
	}
	if (o->dirfd < 0 && errno == ENOENT && o->mode != CACHE_SERVE)
		return o->dir_missing = true, false;
	if (o->dirfd < 0)
		return msg_warn("cache %s: cannot open directory %s: %s; running uncached",
				o->c->path, o->dir, is_symlink(AT_FDCWD, o->dir) ?
				"it is a symbolic link" : strerror(errno)), false;
	if (fstat(o->dirfd, &o->dst) != 0 || !S_ISDIR(o->dst.st_mode))
		return msg_warn("cache %s: %s is not a directory; running uncached",
				o->c->path, o->dir), false;
	return trusted(o, &o->dst, "directory", o->dir);
}

/* random_u64 - a seed for a new file */
static uint64_t random_u64(void)
{
	uint64_t r;
	struct timespec ts;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
		return r;
	clock_gettime(CLOCK_REALTIME, &ts);
	return cache_hash((uint64_t)getpid(), &ts, sizeof(ts));
}

/* fill_new - size, reserve and stamp a new file */
static bool fill_new(struct opener *o, int fd, const struct cache_geom *g)
{
	struct cache_header h;
	int err;

	if (ftruncate(fd, (off_t)g->file_size) != 0)
		return msg_warn("cache %s: cannot size new file: %m", o->c->path), false;
	/* Reserve the blocks now: a write fault into a hole on a full disk is SIGBUS. */
	if ((err = posix_fallocate(fd, 0, (off_t)g->file_size)) != 0 && err != EOPNOTSUPP)
		return msg_warn("cache %s: cannot reserve %llu bytes: %s", o->c->path,
				(unsigned long long)g->file_size, strerror(err)), false;
	cache_fmt_init(&h, g, random_u64(), (int64_t)time(NULL));
	if (pwrite(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return msg_warn("cache %s: cannot write header: %m", o->c->path), false;
	/* Root repairing a user's cache hands the new file to that user. */
	if (geteuid() == 0 && o->dst.st_uid != 0 && fchown(fd, o->dst.st_uid, o->dst.st_gid) != 0)
		return msg_warn("cache %s: cannot chown new file: %m", o->c->path), false;
	return true;
}

/* sweep_temps - remove new files that a killed rebuild left behind */
static void sweep_temps(const struct opener *o)
{
	int fd = openat(o->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	size_t bl = strlen(o->base);
	struct dirent *e;
	struct stat st;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		const char *n = e->d_name;

		if (bl > TMP_BASE_MAX || n[0] != '.' || strncmp(n + 1, o->base, bl) != 0
		    || n[1 + bl] != '.' || strlen(n + 2 + bl) != 16)
			continue;
		/* a minute old: not a rebuild in progress in another process */
		if (fstatat(o->dirfd, n, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)
		    && st.st_mtime < time(NULL) - 60 && unlinkat(o->dirfd, n, 0) == 0)
			msg_info("cache %s: removed %s/%s left by an interrupted rebuild",
				 o->c->path, o->dir, n);
	}
	closedir(d);
}

/*
 * put_in_place - rename over a damaged file; link a new one (the first
 * process wins).  Returns 1 placed, 0 another process was first, -1 error.
 */
static int put_in_place(const struct opener *o, const char *tmp, bool replace)
{
	if (replace ? renameat(o->dirfd, tmp, o->dirfd, o->base) == 0
	    : linkat(o->dirfd, tmp, o->dirfd, o->base, 0) == 0)
		return 1;
	if (!replace && errno == EEXIST)
		return 0;
	msg_warn("cache %s: cannot put the new file in place: %m", o->c->path);
	return -1;
}

/*
 * rebuild - build a new file beside the old one and move it in place.
 * When two processes create the file at once, the first link wins and
 * both then open it.
 */
static bool rebuild(struct opener *o, unsigned long entries, bool replace)
{
	struct cache_geom g;
	char tmp[NAME_MAX + 1];
	int fd, placed;

	if (!cache_geom_make(entries, &g))
		return msg_warn("cache %s: size %lu out of range %lu..%lu", o->c->path, entries,
				CACHE_MIN_ENTRIES, CACHE_MAX_ENTRIES), false;
	sweep_temps(o);
	if (snprintf(tmp, sizeof(tmp), ".%.*s.%016llx", TMP_BASE_MAX, o->base,
		     (unsigned long long)random_u64()) >= (int)sizeof(tmp))
		return false;
	fd = openat(o->dirfd, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return msg_warn("cache %s: cannot create %s/%s: %m; running uncached",
				o->c->path, o->dir, tmp), false;
	placed = fill_new(o, fd, &g) ? put_in_place(o, tmp, replace) : -1;
	close(fd);
	if (placed != 1 || !replace)
		unlinkat(o->dirfd, tmp, 0);
	if (placed == 1)
		msg_info("cache %s: created with %u entries (%llu bytes)", o->c->path,
			 g.nslots, (unsigned long long)g.file_size);
	return placed >= 0;
}

/* cache_attach - region pointers into a mapped file */
void cache_attach(struct cache *c, void *map, const struct cache_geom *g)
{
	c->map = map;
	c->geom = *g;
	c->hdr = map;
	c->slots = (struct cache_slot *)(c->map + g->slot_off);
	c->lists = (struct cache_lrec *)(c->map + g->list_off);
	c->health = (struct cache_hrec *)(c->map + g->health_off);
	c->dslots = (struct cache_dslot *)(c->map + g->data_off);
	c->seed = c->hdr->seed;
}

/* map_file - map a validated file */
static bool map_file(struct opener *o, int fd, const struct cache_geom *g)
{
	void *map = mmap(NULL, g->file_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (map == MAP_FAILED)
		return msg_warn("cache %s: cannot map %llu bytes: %m; running uncached",
				o->c->path, (unsigned long long)g->file_size), false;
	o->c->fd = fd;
	cache_attach(o->c, map, g);
	return true;
}

/* judge - read the header of an open file and say what it is */
static enum cache_verdict judge(int fd, const struct stat *st, struct cache_geom *g,
				char *why, size_t whysize)
{
	struct cache_header h;
	ssize_t n = pread(fd, &h, sizeof(h), 0);

	if (n < 0)
		return snprintf(why, whysize, "cannot read: %s", strerror(errno)), CACHE_FMT_DAMAGED;
	return cache_fmt_check(&h, (size_t)n, (uint64_t)st->st_size, g, why, whysize);
}

/* wanted_entries - geometry a rebuild should use */
static unsigned long wanted_entries(const struct opener *o, const struct cache_geom *have,
				    enum cache_verdict v)
{
	if (o->mode != CACHE_SERVE && v == CACHE_FMT_OK)
		return (unsigned long)have->nslots;
	return o->s->size;
}

/* rounded - entries as the geometry rounds them */
static unsigned long rounded(unsigned long entries)
{
	return (entries + CACHE_WAYS - 1) / CACHE_WAYS * CACHE_WAYS;
}

/* settle - act on a verdict: 1 mapped, 0 rebuilt (try again), -1 give up */
static int settle(struct opener *o, int fd, enum cache_verdict v, const struct cache_geom *g,
		  const char *why)
{
	const char *path = o->c->path;

	if (v == CACHE_FMT_OK && (o->mode != CACHE_SERVE || g->nslots == rounded(o->s->size)))
		return map_file(o, fd, g) ? 1 : -1;
	close(fd);
	if (v == CACHE_FMT_FOREIGN || v == CACHE_FMT_NEWER)
		return msg_warn("cache %s: %s: leaving it alone, running uncached "
				"(remove it to let dnswl create its cache)", path, why), -1;
	if (o->mode == CACHE_INSPECT)
		return msg_warn("cache %s: %s", path, why), -1;
	if (v == CACHE_FMT_OK)
		msg_info("cache %s: size changed from %u to %lu entries: rebuilding it",
			 path, g->nslots, o->s->size);
	else
		msg_warn("cache %s: %s: rebuilding it", path, why);
	return rebuild(o, wanted_entries(o, g, v), true) ? 0 : -1;
}

/* try_open - one attempt: 1 done, 0 again, -1 give up */
static int try_open(struct opener *o, bool *missing)
{
	struct stat st;
	struct cache_geom g;
	char why[160];
	int fd = openat(o->dirfd, o->base, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0 && errno == ENOENT) {
		if (o->mode != CACHE_SERVE)
			return *missing = true, -1;
		return rebuild(o, o->s->size, false) ? 0 : -1;
	}
	if (fd < 0)
		return msg_warn("cache %s: cannot open: %s; running uncached", o->c->path,
				is_symlink(o->dirfd, o->base) ? "it is a symbolic link"
				: strerror(errno)), -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		msg_warn("cache %s: not a regular file; running uncached", o->c->path);
		return close(fd), -1;
	}
	if (!trusted(o, &st, "file", o->c->path))
		return close(fd), -1;
	memset(&g, 0, sizeof(g));
	return settle(o, fd, judge(fd, &st, &g, why, sizeof(why)), &g, why);
}

/* cache_file_open - open, trust, validate and map */
bool cache_file_open(struct cache *c, const struct cache_settings *s,
		     enum cache_mode mode, bool *missing)
{
	struct opener o = {.c = c, .s = s, .mode = mode, .dirfd = -1};
	bool dummy = false;
	int r = -1;

	if (missing == NULL)
		missing = &dummy;
	*missing = false;
	c->fd = -1;
	if (!split_path(&o, s->file))
		return msg_warn("cache %s: not a usable file name; running uncached", c->path), false;
	if (!open_dir(&o)) {
		if (o.dirfd >= 0)
			close(o.dirfd);
		*missing = o.dir_missing;
		return false;
	}
	for (int i = 0; i < OPEN_TRIES && (r = try_open(&o, missing)) == 0; i++)
		;
	close(o.dirfd);
	if (r == 0)
		msg_warn("cache %s: keeps changing under us; running uncached", c->path);
	return r == 1;
}

/* lock_op - one fcntl lock call (open file description locks when available) */
static int lock_op(int fd, short type, uint64_t start, uint64_t len)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET,
			   .l_start = (off_t)start, .l_len = (off_t)len};
#ifdef F_OFD_SETLK
	return fcntl(fd, F_OFD_SETLK, &fl);
#else
	return fcntl(fd, F_SETLK, &fl);
#endif
}

/* elapsed_ms - milliseconds since t0 */
static long elapsed_ms(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* cache_lock - exclusive lock with a bounded wait */
bool cache_lock(const struct cache *c, uint64_t start, uint64_t len, int wait_ms)
{
	struct timespec t0, nap = {0, 20000};

	if (c->fd < 0)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (lock_op(c->fd, F_WRLCK, start, len) == 0)
			return true;
		if (errno != EAGAIN && errno != EACCES && errno != EINTR) {
			msg_warn("cache %s: lock: %m", c->path);
			return false;
		}
		if (elapsed_ms(&t0) >= wait_ms)
			return false;
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 5000000)
			nap.tv_nsec *= 2;
	}
}

/* cache_unlock - release a byte range */
void cache_unlock(const struct cache *c, uint64_t start, uint64_t len)
{
	if (c->fd >= 0)
		lock_op(c->fd, F_UNLCK, start, len);
}

/* bucket_span - the byte range of bucket b of the answer or data slots */
static uint64_t bucket_span(const struct cache *c, bool data, uint32_t b, uint64_t *len)
{
	*len = (uint64_t)CACHE_WAYS * (data ? CACHE_DSLOT_SIZE : CACHE_SLOT_SIZE);
	return (data ? c->geom.data_off : c->geom.slot_off) + b * *len;
}

/* cache_bucket_lock - lock the byte range of one bucket */
bool cache_bucket_lock(const struct cache *c, uint32_t b, int wait_ms)
{
	uint64_t len, off = bucket_span(c, false, b, &len);

	return cache_lock(c, off, len, wait_ms);
}

/* cache_bucket_unlock - unlock one bucket */
void cache_bucket_unlock(const struct cache *c, uint32_t b)
{
	uint64_t len, off = bucket_span(c, false, b, &len);

	cache_unlock(c, off, len);
}

/* cache_dbucket_lock - lock the byte range of one data bucket */
bool cache_dbucket_lock(const struct cache *c, uint32_t b, int wait_ms)
{
	uint64_t len, off = bucket_span(c, true, b, &len);

	return cache_lock(c, off, len, wait_ms);
}

/* cache_dbucket_unlock - unlock one data bucket */
void cache_dbucket_unlock(const struct cache *c, uint32_t b)
{
	uint64_t len, off = bucket_span(c, true, b, &len);

	cache_unlock(c, off, len);
}
