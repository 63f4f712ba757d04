// SPDX-License-Identifier: MIT
/*
 * Attributes of a node named by its inode number: chmod and chown (the
 * owner or root; chown of a regular file clears set-user-ID, and
 * set-group-ID when group execute is set), utimens (times, "now" and
 * "unchanged"), and the size of regular files: truncate's checks and the
 * cut itself (om's front end first clears the nucleus's cache of the
 * pages past the new end, mapper.c), and the size that pm reports after
 * a write.
 * Entry points: rfsChmod, rfsChown, rfsUtimens, rfsTruncateCheck, rfsCut,
 * rfsWritten.
 */
#include "rfsint.h"

#define UTIME_NOW	(-1L)		/* OM_UTIMENS */
#define UTIME_OMIT	(-2L)

long
rfsChmod(struct rfs *fs, unsigned long ino, unsigned mode, const struct rcred *c)
{
	struct rnode *n = rfsNode(fs, ino);

	if (!n)
		return -L_ENOENT;
	if (c->uid != 0 && c->uid != n->uid)
		return -L_EPERM;
	mode &= 07777;
	if (c->uid != 0 && c->gid != n->gid)
		mode &= ~(unsigned)L_S_ISGID;
	n->mode = (n->mode & L_S_IFMT) | mode;
	n->ctime = fs->now();
	return 0;
}

long
rfsChown(struct rfs *fs, unsigned long ino, unsigned uid, unsigned gid, const struct rcred *c)
{
	struct rnode *n = rfsNode(fs, ino);

	if (!n)
		return -L_ENOENT;
	if (c->uid != 0) {
		if (uid != (unsigned)-1 && uid != n->uid)
			return -L_EPERM;
		if (gid != (unsigned)-1 && gid != n->gid && (c->uid != n->uid || gid != c->gid))
			return -L_EPERM;
	}
	if (uid != (unsigned)-1)
		n->uid = uid;
	if (gid != (unsigned)-1)
		n->gid = gid;
	if ((uid != (unsigned)-1 || gid != (unsigned)-1) && rfsIsReg(n)) {
		n->mode &= ~(unsigned)L_S_ISUID;
		if (n->mode & 010)
			n->mode &= ~(unsigned)L_S_ISGID;
	}
	n->ctime = fs->now();
	return 0;
}

static int
bad_time(int64_t t)
{
	return t < 0 && t != UTIME_NOW && t != UTIME_OMIT;
}

long
rfsUtimens(struct rfs *fs, unsigned long ino, int64_t atime, int64_t mtime,
	   const struct rcred *c)
{
	struct rnode *n = rfsNode(fs, ino);
	int64_t now = fs->now();

	if (!n)
		return -L_ENOENT;
	if (bad_time(atime) || bad_time(mtime))
		return -L_EINVAL;
	if (atime == UTIME_OMIT && mtime == UTIME_OMIT)
		return 0;
	if (c->uid != 0 && c->uid != n->uid) {
		/* only "now" for both may be set by a writer who does not own it */
		if (atime != UTIME_NOW || mtime != UTIME_NOW)
			return -L_EPERM;
		if (rfsPermit(n, c, L_W_OK) < 0)
			return -L_EACCES;
	}
	if (atime != UTIME_OMIT)
		n->atime = atime == UTIME_NOW ? now : atime;
	if (mtime != UTIME_OMIT)
		n->mtime = mtime == UTIME_NOW ? now : mtime;
	n->ctime = now;
	return 0;
}

long
rfsTruncateCheck(struct rfs *fs, unsigned long ino, unsigned long size,
		 const struct rcred *c, struct rnode **out)
{
	struct rnode *n = rfsNode(fs, ino);
	long r;

	if (!n)
		return -L_ENOENT;
	if (rfsIsDir(n))
		return -L_EISDIR;
	if (!rfsIsReg(n) || (long)size < 0)
		return -L_EINVAL;
	if ((r = rfsPermit(n, c, L_W_OK)) < 0)
		return r;
	if (size > FDATA_MAX)
		return -L_EFBIG;
	*out = n;
	return 0;
}

/* n's data ends at cut (the pages past it go, the rest of its page is
 * zero) and its size is `size` (>= cut). */
void
rfsCut(struct rfs *fs, struct rnode *n, unsigned long cut, unsigned long size)
{
	RFS_ASSERT(cut <= size && size <= FDATA_MAX);
	rfs_dlock(fs, 1);
	fdataCut(&n->data, cut);
	rfs_dlock(fs, 0);
	n->size = size;
	n->mtime = n->ctime = fs->now();
}

long
rfsWritten(struct rfs *fs, unsigned long ino, unsigned long size)
{
	struct rnode *n = rfsNode(fs, ino);

	if (!n)
		return -L_ENOENT;
	if (!rfsIsReg(n))
		return -L_EINVAL;
	if (size > FDATA_MAX)
		return -L_EFBIG;
	if (size > n->size)
		n->size = size;
	n->mtime = n->ctime = fs->now();
	return 0;
}
