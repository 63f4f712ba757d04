/* SPDX-License-Identifier: MIT */
/*
 * What the files of the RAM file system's core share (ramfs.h is what om
 * uses): node life, directory entries, path walking.  The caller holds
 * the rfs lock.
 */
#ifndef OM_RFSINT_H
#define OM_RFSINT_H

#include "ramfs.h"

#define NSEC	1000000000L

#ifdef HOST_TEST
#include <assert.h>
#define RFS_ASSERT(c)	assert(c)
#else
/* Invariants: a broken one is reported, om goes on (it must not die). */
#define RFS_ASSERT(c)	do { if (!(c)) kprintf("om: %s:%d: %s does not hold\n", \
					      __FILE__, __LINE__, #c); } while (0)
#endif

static inline void
rfs_dlock(struct rfs *fs, int hold)
{
	if (fs->dlock)
		fs->dlock(fs->ctx, hold);
}

/* ramfs.c */
struct rnode *rfs_new(struct rfs *fs, unsigned mode, const struct rcred *c);
void rfs_put(struct rfs *fs, struct rnode *n);
struct rdirent *rfs_find(struct rnode *dir, const char *name, size_t len,
			 struct rdirent ***prevp);
long rfs_add(struct rfs *fs, struct rnode *dir, const char *name, size_t len, struct rnode *n);
struct rnode *rfs_detach(struct rfs *fs, struct rnode *dir, struct rdirent **at);
void rfs_remove(struct rfs *fs, struct rnode *dir, struct rdirent **at);
struct rnode *rfs_relink(struct rfs *fs, struct rnode *dir, struct rdirent *e,
			 struct rnode *n);
void rfs_touch(struct rfs *fs, struct rnode *dir);
void rfs_stat(const struct rnode *n, struct linux_stat *st);

/* walk.c: the last component of a path, in the directory that holds it. */
struct rlast {
	struct rnode *dir;
	const char *name;		/* not NUL-terminated at len */
	size_t len;
	int slash;			/* the path ended with '/' */
};

static inline int
rfs_dots(const struct rlast *l)
{
	return (l->len == 1 && l->name[0] == '.') ||
	       (l->len == 2 && l->name[0] == '.' && l->name[1] == '.');
}

struct rnode *rfs_dir(struct rfs *fs, unsigned long ino, const char *path, long *err);
long rfs_walk_last(struct rfs *fs, struct rnode *dir, const char *path,
		   const struct rcred *c, int *loops, struct rlast *out);
long rfs_lookup(struct rfs *fs, const struct rlast *l, const struct rcred *c,
		struct rnode **out, struct rdirent ***prevp);
long rfs_walk(struct rfs *fs, struct rnode *dir, const char *path, const struct rcred *c,
	      int follow, int *loops, struct rnode **out);

#endif
