// SPDX-License-Identifier: MIT
/*
 * The calls that take names away: unlink, rmdir and rename, with Linux's
 * rules: write and search permission on the directories, the sticky bit
 * (only the owner of the node or of the directory, or root, may remove a
 * name from a directory with S_ISVTX), "." and "..", a directory never
 * moved under itself, an existing target replaced only by its own kind
 * (and a directory only when empty).  A node removed while it has
 * references lives until its last rfsClose.
 * Entry points: rfsUnlink, rfsRename.
 */
#include "rfsint.h"

static int
sticky(const struct rnode *dir, const struct rnode *n, const struct rcred *c)
{
	return (dir->mode & L_S_ISVTX) && c->uid != 0 && c->uid != n->uid && c->uid != dir->uid;
}

/* The last component of path from directory ino. */
static long
last_of(struct rfs *fs, unsigned long ino, const char *path, const struct rcred *c,
	struct rlast *l)
{
	struct rnode *d;
	long r = 0;
	int loops = 0;

	if (!(d = rfs_dir(fs, ino, path, &r)))
		return r;
	return rfs_walk_last(fs, d, path, c, &loops, l);
}

long
rfsUnlink(struct rfs *fs, unsigned long dir, const char *path, int rmdir,
	  const struct rcred *c)
{
	struct rdirent **at = NULL;
	struct rlast l;
	struct rnode *n;
	long r;

	if ((r = last_of(fs, dir, path, c, &l)) < 0 ||
	    (r = rfs_lookup(fs, &l, c, &n, &at)) < 0)
		return r;
	if (rfs_dots(&l))
		return !rmdir ? -L_EISDIR : l.len == 1 ? -L_EINVAL : -L_ENOTEMPTY;
	if (rmdir) {
		if (!rfsIsDir(n))
			return -L_ENOTDIR;
		if (n->ents)
			return -L_ENOTEMPTY;
	} else {
		if (rfsIsDir(n))
			return -L_EISDIR;
		if (l.slash)
			return -L_ENOTDIR;
	}
	if ((r = rfsPermit(l.dir, c, L_W_OK | L_X_OK)) < 0)
		return r;
	if (sticky(l.dir, n, c))
		return -L_EPERM;
	rfs_remove(fs, l.dir, at);
	return 0;
}

/* Checks of a rename of n to where t (NULL: nothing) is; 0 if allowed. */
static long
can_move(struct rfs *fs, const struct rlast *lo, struct rnode *n, const struct rlast *ln,
	 struct rnode *t, const struct rcred *c)
{
	long r;

	if ((lo->slash || ln->slash) && !rfsIsDir(n))
		return -L_ENOTDIR;
	if ((r = rfsPermit(lo->dir, c, L_W_OK | L_X_OK)) < 0 ||
	    (r = rfsPermit(ln->dir, c, L_W_OK | L_X_OK)) < 0)
		return r;
	if (sticky(lo->dir, n, c) || (t && sticky(ln->dir, t, c)))
		return -L_EPERM;
	if (t == n)
		return 0;
	if (!rfsIsDir(n))
		return t && rfsIsDir(t) ? -L_EISDIR : 0;
	if (ln->dir != lo->dir && (r = rfsPermit(n, c, L_W_OK)) < 0)
		return r;				/* its ".." changes */
	for (struct rnode *p = ln->dir; ; p = p->parent) {
		if (p == n)
			return -L_EINVAL;
		if (p == fs->root || !p->parent)
			break;
	}
	if (t && !rfsIsDir(t))
		return -L_ENOTDIR;
	return t && t->ents ? -L_ENOTEMPTY : 0;
}

long
rfsRename(struct rfs *fs, unsigned long odir, const char *opath, unsigned long ndir,
	  const char *npath, const struct rcred *c)
{
	struct rdirent **oat = NULL, **nat = NULL;
	struct rnode *n, *t = NULL, *old = NULL;
	struct rlast lo, ln;
	long r;

	if ((r = last_of(fs, odir, opath, c, &lo)) < 0 ||
	    (r = last_of(fs, ndir, npath, c, &ln)) < 0)
		return r;
	if (rfs_dots(&lo) || rfs_dots(&ln))
		return -L_EBUSY;
	if ((r = rfs_lookup(fs, &lo, c, &n, &oat)) < 0)
		return r;
	r = rfs_lookup(fs, &ln, c, &t, &nat);
	if (r == -L_ENOENT && rfsIsDir(ln.dir) && ln.dir->nlink)
		t = NULL;
	else if (r < 0)
		return r;
	if ((r = can_move(fs, &lo, n, &ln, t, c)) < 0 || t == n)
		return r;
	if (t) {
		old = rfs_relink(fs, ln.dir, *nat, n);
	} else if ((r = rfs_add(fs, ln.dir, ln.name, ln.len, n)) < 0) {
		return r;
	}
	rfs_detach(fs, lo.dir, oat);
	if (t)
		rfs_put(fs, old);
	return 0;
}
