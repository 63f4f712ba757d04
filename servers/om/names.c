// SPDX-License-Identifier: MIT
/*
 * The calls that find or make names: open (with O_CREAT, O_EXCL, O_TRUNC,
 * O_DIRECTORY, O_NOFOLLOW, O_PATH and om's exec check), stat of a path,
 * mkdir, mknod, symlink, link, readlink, access.  Each checks everything
 * before it changes anything.  unlink and rename are in rename.c.
 * Entry points: rfsOpen, rfsStatAt, rfsMkdir, rfsMknod, rfsSymlink,
 * rfsLink, rfsReadlink, rfsAccess.
 */
#include "rfsint.h"

/* May a new name l be made (a directory if dirok)?  0, or why not. */
static long
can_create(struct rfs *fs, const struct rlast *l, const struct rcred *c, int dirok)
{
	struct rnode *n;
	long r = rfs_lookup(fs, l, c, &n, NULL);

	if (r == 0)
		return -L_EEXIST;
	if (r != -L_ENOENT)
		return r;
	if (!l->dir->nlink || (l->slash && !dirok))
		return -L_ENOENT;
	return rfsPermit(l->dir, c, L_W_OK | L_X_OK);
}

/* A new node of mode named l, owned by c (its group the directory's if
 * that is set-group-ID). */
static long
make(struct rfs *fs, const struct rlast *l, unsigned mode, const struct rcred *c,
     struct rnode **out)
{
	struct rnode *n = rfs_new(fs, mode, c);
	long r;

	if (!n)
		return -L_ENOSPC;
	if (l->dir->mode & L_S_ISGID) {
		n->gid = l->dir->gid;
		if (rfsIsDir(n))
			n->mode |= L_S_ISGID;
	}
	if ((r = rfs_add(fs, l->dir, l->name, l->len, n)) < 0) {
		rfs_put(fs, n);
		return r;
	}
	*out = n;
	return 0;
}

/* The checks of open(2) on the node found or made; counts a reference. */
static long
opened(struct rfs *fs, struct rnode *n, unsigned long flags, const struct rcred *c,
       int created, struct ropen *out)
{
	unsigned long acc = flags & L_O_ACCMODE;
	int want = acc == L_O_RDONLY ? L_R_OK : acc == L_O_WRONLY ? L_W_OK : L_R_OK | L_W_OK;
	long r;

	if (rfsIsLnk(n) && !(flags & L_O_PATH))
		return -L_ELOOP;			/* O_NOFOLLOW */
	if ((flags & L_O_DIRECTORY) && !rfsIsDir(n))
		return -L_ENOTDIR;
	memset(out, 0, sizeof(*out));
	if (!(flags & L_O_PATH)) {
		if (rfsIsDir(n) && (acc != L_O_RDONLY || (flags & (L_O_TRUNC | L_O_CREAT))))
			return -L_EISDIR;
		if (flags & L_O_TRUNC)
			want |= L_W_OK;
		if (created)
			want = 0;
		if (flags & RFS_OPEN_EXEC) {
			if (!rfsIsReg(n))
				return -L_EACCES;
			want |= L_X_OK;
		}
		if ((r = rfsPermit(n, c, want)) < 0)
			return r;
		out->trunc = (flags & L_O_TRUNC) && rfsIsReg(n) && n->size > 0;
	}
	n->refs++;
	out->node = n;
	out->created = created;
	return 0;
}

static long
open_at(struct rfs *fs, struct rnode *dir, const char *path, unsigned long flags,
	unsigned mode, const struct rcred *c, int *loops, struct ropen *out)
{
	struct rlast l;
	struct rnode *n;
	long r;

	if (!(flags & L_O_CREAT)) {
		if ((r = rfs_walk(fs, dir, path, c, !(flags & L_O_NOFOLLOW), loops, &n)) < 0)
			return r;
		return opened(fs, n, flags, c, 0, out);
	}
	if ((r = rfs_walk_last(fs, dir, path, c, loops, &l)) < 0)
		return r;
	r = rfs_lookup(fs, &l, c, &n, NULL);
	if (r == -L_ENOENT && rfsIsDir(l.dir) && l.dir->nlink) {
		if (l.slash)
			return -L_EISDIR;
		if ((r = rfsPermit(l.dir, c, L_W_OK | L_X_OK)) < 0 ||
		    (r = make(fs, &l, L_S_IFREG | (mode & 07777), c, &n)) < 0)
			return r;
		return opened(fs, n, flags, c, 1, out);
	}
	if (r < 0)
		return r;
	if (flags & L_O_EXCL)
		return -L_EEXIST;
	if (rfsIsLnk(n)) {
		if ((flags & L_O_NOFOLLOW) || ++*loops > RFS_SYMLOOP_MAX)
			return -L_ELOOP;
		return open_at(fs, l.dir, n->target, flags, mode, c, loops, out);
	}
	if (rfsIsDir(n))
		return -L_EISDIR;
	if (l.slash)
		return -L_ENOTDIR;
	return opened(fs, n, flags, c, 0, out);
}

long
rfsOpen(struct rfs *fs, unsigned long dir, const char *path, unsigned long flags,
	unsigned mode, const struct rcred *c, struct ropen *out)
{
	struct rnode *d;
	long r = 0;
	int loops = 0;

	if (!(d = rfs_dir(fs, dir, path, &r)))
		return r;
	if ((r = open_at(fs, d, path, flags, mode, c, &loops, out)) == 0)
		fs->nrefs++;
	return r;
}

/* The node path names from directory ino. */
static long
find(struct rfs *fs, unsigned long ino, const char *path, const struct rcred *c, int follow,
     struct rnode **out)
{
	struct rnode *d;
	long r = 0;
	int loops = 0;

	if (!(d = rfs_dir(fs, ino, path, &r)))
		return r;
	return rfs_walk(fs, d, path, c, follow, &loops, out);
}

/* Where a new name path (from directory ino) goes, if it may be made. */
static long
find_new(struct rfs *fs, unsigned long ino, const char *path, const struct rcred *c,
	 int dirok, struct rlast *l)
{
	struct rnode *d;
	long r = 0;
	int loops = 0;

	if (!(d = rfs_dir(fs, ino, path, &r)) ||
	    (r = rfs_walk_last(fs, d, path, c, &loops, l)) < 0)
		return r;
	return can_create(fs, l, c, dirok);
}

long
rfsStatAt(struct rfs *fs, unsigned long dir, const char *path, int nofollow,
	  const struct rcred *c, struct linux_stat *st)
{
	struct rnode *n;
	long r;

	if ((r = find(fs, dir, path, c, !nofollow, &n)) < 0)
		return r;
	rfs_stat(n, st);
	return 0;
}

long
rfsMkdir(struct rfs *fs, unsigned long dir, const char *path, unsigned mode,
	 const struct rcred *c)
{
	struct rlast l;
	struct rnode *n;
	long r;

	if ((r = find_new(fs, dir, path, c, 1, &l)) < 0)
		return r;
	return make(fs, &l, L_S_IFDIR | (mode & 01777), c, &n);
}

long
rfsMknod(struct rfs *fs, unsigned long dir, const char *path, unsigned mode, uint64_t rdev,
	 const struct rcred *c)
{
	unsigned type = mode & L_S_IFMT;
	struct rlast l;
	struct rnode *n;
	long r;

	if (!type)
		type = L_S_IFREG;
	if (type == L_S_IFDIR)
		return -L_EPERM;
	if (type != L_S_IFREG && type != L_S_IFCHR && type != L_S_IFBLK &&
	    type != L_S_IFIFO && type != L_S_IFSOCK)
		return -L_EINVAL;
	if ((r = find_new(fs, dir, path, c, 0, &l)) < 0)
		return r;
	if ((type == L_S_IFCHR || type == L_S_IFBLK) && c->uid != 0)
		return -L_EPERM;
	if ((r = make(fs, &l, type | (mode & 07777), c, &n)) < 0)
		return r;
	if (type == L_S_IFCHR || type == L_S_IFBLK)
		n->rdev = rdev;
	return 0;
}

long
rfsSymlink(struct rfs *fs, unsigned long dir, const char *target, const char *path,
	   const struct rcred *c)
{
	size_t len = strlen(target);
	struct rlast l;
	struct rnode *n;
	char *t;
	long r;

	if (!len)
		return -L_ENOENT;
	if (len >= RFS_PATH_MAX)
		return -L_ENAMETOOLONG;
	if ((r = find_new(fs, dir, path, c, 0, &l)) < 0)
		return r;
	if (!(t = malloc(len + 1)))
		return -L_ENOMEM;
	memcpy(t, target, len + 1);
	if ((r = make(fs, &l, L_S_IFLNK | 0777, c, &n)) < 0) {
		free(t);
		return r;
	}
	n->target = t;
	n->size = len;
	return 0;
}

long
rfsLink(struct rfs *fs, unsigned long odir, const char *opath, unsigned long ndir,
	const char *npath, int follow, const struct rcred *c)
{
	struct rlast l;
	struct rnode *n;
	long r;

	if ((r = find(fs, odir, opath, c, follow, &n)) < 0)
		return r;
	if (rfsIsDir(n))
		return -L_EPERM;
	if ((r = find_new(fs, ndir, npath, c, 0, &l)) < 0)
		return r;
	if (!n->nlink)
		return -L_ENOENT;
	if ((r = rfs_add(fs, l.dir, l.name, l.len, n)) < 0)
		return r;
	n->ctime = fs->now();
	return 0;
}

long
rfsReadlink(struct rfs *fs, unsigned long dir, const char *path, const struct rcred *c,
	    const char **target)
{
	struct rnode *n;
	long r;

	if ((r = find(fs, dir, path, c, 0, &n)) < 0)
		return r;
	if (!rfsIsLnk(n))
		return -L_EINVAL;
	*target = n->target;
	return (long)n->size;
}

long
rfsAccess(struct rfs *fs, unsigned long dir, const char *path, int mode, int nofollow,
	  const struct rcred *c)
{
	struct rnode *n;
	long r;

	if (mode & ~(L_R_OK | L_W_OK | L_X_OK))
		return -L_EINVAL;
	if ((r = find(fs, dir, path, c, !nofollow, &n)) < 0)
		return r;
	return mode == L_F_OK ? 0 : rfsPermit(n, c, mode);
}
