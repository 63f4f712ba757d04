/* SPDX-License-Identifier: MIT */
/*
 * om's RAM file system: the core that knows nothing of IPC or of the
 * nucleus, so that it builds on the host too (tests/unit/test_ramfs.c).
 *
 * A file system (struct rfs) is a table of nodes by inode number (1 is the
 * root); directories hold lists of named entries; regular files keep their
 * data in a struct fdata (fdata.c, pages of om's memory).  Every call
 * assumes the caller holds the lock that guards the whole rfs (om.lock,
 * om.h); none blocks, none calls the nucleus.  A second lock, taken
 * through the dlock hook, guards what om's mapper reads without the
 * first: the inode table and every file's data (struct fdata); the core
 * takes it (inside the first) where it changes those, and touches no
 * memory it has not touched before while holding it.
 *
 * Statuses are 0 or more on success, or a negative Linux errno (-L_E*).
 * Paths are NUL-terminated; relative ones start at a directory given by
 * its inode number.  Permission checks follow Linux with one uid and one
 * gid per caller (no supplementary groups); uid 0 passes the read and
 * write checks, and the execute check when some x bit is set.
 *
 * Files: ramfs.c (nodes, directories, stat, getdents, permissions),
 * walk.c (path resolution), names.c (open and the calls that change
 * names), attr.c (attributes, truncate, written), cpio.c (a newc archive
 * into the tree, the default nodes), fdata.c (file data pages).
 */
#ifndef OM_RAMFS_H
#define OM_RAMFS_H

#include <stddef.h>
#include <stdint.h>
#ifdef HOST_TEST
#include <stdlib.h>
#include <string.h>
#else
#include <motet.h>
#endif
#include <unix/linux.h>

#define RFS_NAME_MAX	255		/* a path component */
#define RFS_PATH_MAX	4096		/* with the NUL, as UNIX_PATH_MAX */
#define RFS_SYMLOOP_MAX	40
#define RFS_INO_MAX	(1UL << 24)	/* keys carry ino in 32 bits */
#define RFS_DEV		L_MKDEV(0, 16)	/* st_dev of every node */
#define RFS_OPEN_EXEC	0x100000000UL	/* rfsOpen: = OM_O_EXEC (unix/proto.h) */

/* File data: a sparse three-level tree of 4 KiB pages (fdata.c). */
#define FDATA_PAGE	4096UL
#define FDATA_MAX	(1UL << 39)	/* 512 GiB: 2^27 pages */

struct fdata {
	void **top;			/* 512 entries of 512 entries of pages */
	unsigned long pages;		/* pages held */
};

/* Pages for file data and the tree, provided by the user of fdata.c
 * (om: pages.c; the host tests: malloc). */
void *pageAlloc(void);			/* 4 KiB, 4 KiB-aligned, not zeroed; NULL: none */
void pageFree(void *p);

const void *fdataGet(const struct fdata *d, unsigned long pg);
long fdataWrite(struct fdata *d, unsigned long off, const void *buf, unsigned long n);
void fdataRead(const struct fdata *d, unsigned long off, void *buf, unsigned long n);
void fdataCut(struct fdata *d, unsigned long size);
void fdataFree(struct fdata *d);

struct rcred {
	unsigned uid, gid;
};

struct rnode;

/* A directory entry; entries of a directory are in the order of `off`. */
struct rdirent {
	struct rdirent *next;
	struct rnode *node;
	unsigned long off;		/* its getdents offset: 2, 3, ... never reused */
	size_t len;
	char name[];
};

struct rnode {
	unsigned long ino;
	unsigned gen;			/* of the ino's slot: keys name (ino, gen) */
	unsigned mode, uid, gid;
	unsigned long nlink;		/* names; a directory: 2 + subdirectories, 0 when removed */
	unsigned long refs;		/* rfsOpen references not yet closed */
	unsigned long size;
	uint64_t rdev;
	int64_t atime, mtime, ctime;	/* ns since the epoch */
	int mapped;			/* a key was given out: the nucleus may cache its pages */
	/* directories */
	struct rnode *parent;		/* what ".." names (itself for the root); NULL once removed */
	struct rdirent *ents, **tail;
	unsigned long nextoff;		/* the next entry's offset */
	/* symbolic links */
	char *target;
	/* regular files */
	struct fdata data;
};

struct rfs {
	struct rnode **itab;		/* by ino; NULL: free slot */
	unsigned *igen;			/* by ino: the generation of its next node */
	unsigned long icap;		/* slots in itab */
	unsigned long hint;		/* where the search for a free slot starts */
	unsigned long nnodes;
	unsigned long nrefs;		/* rfsOpen references not closed, in all */
	struct rnode *root;
	int loading;			/* cpio: creating entries leaves the parents' times */
	int64_t (*now)(void);		/* ns since the epoch */
	/* A regular file that had a key went: its pages may be in the cache. */
	void (*freed)(void *ctx, unsigned long ino, unsigned gen);
	/* Takes (hold 1) or releases (0) the data lock; NULL: none. */
	void (*dlock)(void *ctx, int hold);
	void *ctx;
};

/* What rfsOpen found or made. */
struct ropen {
	struct rnode *node;
	int created;
	int trunc;			/* O_TRUNC of a regular file with data: cut it to 0 */
};

static inline int rfsIsDir(const struct rnode *n) { return L_S_ISTYPE(n->mode, L_S_IFDIR); }
static inline int rfsIsReg(const struct rnode *n) { return L_S_ISTYPE(n->mode, L_S_IFREG); }
static inline int rfsIsLnk(const struct rnode *n) { return L_S_ISTYPE(n->mode, L_S_IFLNK); }

/* ramfs.c */
long rfsInit(struct rfs *fs, int64_t (*now)(void));
struct rnode *rfsNode(struct rfs *fs, unsigned long ino);
struct rnode *rfsNodeGen(struct rfs *fs, unsigned long ino, unsigned gen);
long rfsPermit(const struct rnode *n, const struct rcred *c, int want);
long rfsClose(struct rfs *fs, unsigned long ino);
long rfsStat(struct rfs *fs, unsigned long ino, struct linux_stat *st);
long rfsGetdents(struct rfs *fs, unsigned long ino, unsigned long off, void *buf,
		 unsigned long max, unsigned long *next);

/* names.c */
long rfsOpen(struct rfs *fs, unsigned long dir, const char *path, unsigned long flags,
	     unsigned mode, const struct rcred *c, struct ropen *out);
long rfsStatAt(struct rfs *fs, unsigned long dir, const char *path, int nofollow,
	       const struct rcred *c, struct linux_stat *st);
long rfsMkdir(struct rfs *fs, unsigned long dir, const char *path, unsigned mode,
	      const struct rcred *c);
long rfsMknod(struct rfs *fs, unsigned long dir, const char *path, unsigned mode,
	      uint64_t rdev, const struct rcred *c);
long rfsSymlink(struct rfs *fs, unsigned long dir, const char *target, const char *path,
		const struct rcred *c);
long rfsUnlink(struct rfs *fs, unsigned long dir, const char *path, int rmdir,
	       const struct rcred *c);
long rfsRename(struct rfs *fs, unsigned long odir, const char *opath, unsigned long ndir,
	       const char *npath, const struct rcred *c);
long rfsLink(struct rfs *fs, unsigned long odir, const char *opath, unsigned long ndir,
	     const char *npath, int follow, const struct rcred *c);
long rfsReadlink(struct rfs *fs, unsigned long dir, const char *path, const struct rcred *c,
		 const char **target);
long rfsAccess(struct rfs *fs, unsigned long dir, const char *path, int mode, int nofollow,
	       const struct rcred *c);

/* attr.c */
long rfsChmod(struct rfs *fs, unsigned long ino, unsigned mode, const struct rcred *c);
long rfsChown(struct rfs *fs, unsigned long ino, unsigned uid, unsigned gid,
	      const struct rcred *c);
long rfsUtimens(struct rfs *fs, unsigned long ino, int64_t atime, int64_t mtime,
		const struct rcred *c);
long rfsTruncateCheck(struct rfs *fs, unsigned long ino, unsigned long size,
		      const struct rcred *c, struct rnode **out);
void rfsCut(struct rfs *fs, struct rnode *n, unsigned long cut, unsigned long size);
long rfsWritten(struct rfs *fs, unsigned long ino, unsigned long size);

/* cpio.c */
long rfsCpio(struct rfs *fs, const unsigned char *buf, size_t len, int64_t *newest);
long rfsDefaults(struct rfs *fs);

#endif
