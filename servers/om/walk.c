// SPDX-License-Identifier: MIT
/*
 * Path resolution, as Linux does it: components separated by one or more
 * '/', an absolute path starts at the root, "." and ".." (the root's ".."
 * is the root), search (x) permission on every directory looked in,
 * symbolic links followed in the middle of a path always and at its end
 * when asked or when a '/' follows, at most RFS_SYMLOOP_MAX links per
 * resolution (-ELOOP), components of at most RFS_NAME_MAX bytes
 * (-ENAMETOOLONG).  Nothing is looked up in a removed directory.
 * Entry points: rfs_dir, rfs_walk_last, rfs_lookup, rfs_walk.
 */
#include "rfsint.h"

/* The directory a path starts at: the root for an absolute one. */
struct rnode *
rfs_dir(struct rfs *fs, unsigned long ino, const char *path, long *err)
{
	struct rnode *d;

	if (path && path[0] == '/')
		return fs->root;
	if (!(d = rfsNode(fs, ino))) {
		*err = -L_EBADF;
		return NULL;
	}
	if (!rfsIsDir(d)) {
		*err = -L_ENOTDIR;
		return NULL;
	}
	return d;
}

/* Resolves every component of path but the last; "/" alone is "." of
 * the root. */
long
rfs_walk_last(struct rfs *fs, struct rnode *dir, const char *path, const struct rcred *c,
	      int *loops, struct rlast *out)
{
	const char *p = path, *s, *q;
	struct rnode *n;
	long r;

	if (!*p)
		return -L_ENOENT;
	if (*p == '/') {
		dir = fs->root;
		while (*p == '/')
			p++;
		if (!*p) {
			*out = (struct rlast){ dir, ".", 1, 1 };
			return 0;
		}
	}
	for (;;) {
		for (s = p; *p && *p != '/'; p++)
			;
		for (q = p; *q == '/'; q++)
			;
		struct rlast l = { dir, s, (size_t)(p - s), p != q };
		if (!*q) {
			*out = l;
			return 0;
		}
		if ((r = rfs_lookup(fs, &l, c, &n, NULL)) < 0)
			return r;
		if (rfsIsLnk(n)) {
			if (++*loops > RFS_SYMLOOP_MAX)
				return -L_ELOOP;
			if ((r = rfs_walk(fs, dir, n->target, c, 1, loops, &n)) < 0)
				return r;
		}
		if (!rfsIsDir(n))
			return -L_ENOTDIR;
		dir = n;
		p = q;
	}
}

/* The node l names (no symbolic link followed), and for a real entry
 * where the link to it is (*prevp, if prevp). */
long
rfs_lookup(struct rfs *fs, const struct rlast *l, const struct rcred *c, struct rnode **out,
	   struct rdirent ***prevp)
{
	struct rdirent *e;
	long r;

	if (!rfsIsDir(l->dir))
		return -L_ENOTDIR;
	if ((r = rfsPermit(l->dir, c, L_X_OK)) < 0)
		return r;
	if (l->len > RFS_NAME_MAX)
		return -L_ENAMETOOLONG;
	if (!l->dir->nlink)
		return -L_ENOENT;
	if (l->len == 1 && l->name[0] == '.') {
		*out = l->dir;
		return 0;
	}
	if (l->len == 2 && l->name[0] == '.' && l->name[1] == '.') {
		*out = l->dir->parent;
		return 0;
	}
	if (!(e = rfs_find(l->dir, l->name, l->len, prevp)))
		return -L_ENOENT;
	*out = e->node;
	return 0;
}

/* The node path names from dir; a symbolic link at the end is followed
 * if `follow` or a '/' comes after it. */
long
rfs_walk(struct rfs *fs, struct rnode *dir, const char *path, const struct rcred *c,
	 int follow, int *loops, struct rnode **out)
{
	struct rlast l;
	struct rnode *n;
	long r;

	if ((r = rfs_walk_last(fs, dir, path, c, loops, &l)) < 0 ||
	    (r = rfs_lookup(fs, &l, c, &n, NULL)) < 0)
		return r;
	if (rfsIsLnk(n) && (follow || l.slash)) {
		if (++*loops > RFS_SYMLOOP_MAX)
			return -L_ELOOP;
		if ((r = rfs_walk(fs, l.dir, n->target, c, 1, loops, &n)) < 0)
			return r;
	}
	if (l.slash && !rfsIsDir(n))
		return -L_ENOTDIR;
	*out = n;
	return 0;
}
