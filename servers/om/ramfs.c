// SPDX-License-Identifier: MIT
/*
 * The RAM file system's nodes and directories: the inode table (slots
 * reused with a new generation, so that a key for a freed node never names
 * its successor), node life (a node goes when it has neither names nor
 * references), directory entries with stable getdents offsets, permission
 * checks, stat and getdents.  The caller holds the rfs lock (ramfs.h).
 * Entry points: rfsInit, rfsNode, rfsNodeGen, rfsPermit, rfsClose,
 * rfsStat, rfsGetdents; rfs_new, rfs_put, rfs_find, rfs_add, rfs_detach,
 * rfs_remove, rfs_relink, rfs_touch for the other files of the core.
 */
#include "ramfs.h"
#include "rfsint.h"

#define ITAB_FIRST	64

static void swap(struct rnode ***a, struct rnode ***b) { struct rnode **t = *a; *a = *b; *b = t; }
static void swapu(unsigned **a, unsigned **b) { unsigned *t = *a; *a = *b; *b = t; }

/* A free ino (>= 2 unless the table is empty), growing the table (the
 * new arrays are filled before the data lock is taken to switch them). */
static unsigned long
ino_alloc(struct rfs *fs)
{
	unsigned long i, cap;
	struct rnode **t;
	unsigned *g;

	for (i = 0; i < fs->icap; i++) {
		unsigned long k = (fs->hint + i) % fs->icap;
		if (k && !fs->itab[k] && (k != 1 || !fs->root)) {
			fs->hint = k + 1;
			return k;
		}
	}
	cap = fs->icap ? fs->icap * 2 : ITAB_FIRST;
	if (cap > RFS_INO_MAX)
		return 0;
	t = malloc(cap * sizeof(*t));
	g = malloc(cap * sizeof(*g));
	if (!t || !g) {
		free(t);
		free(g);
		return 0;
	}
	memset(t, 0, cap * sizeof(*t));
	for (i = 0; i < cap; i++)
		g[i] = 1;
	if (fs->icap) {
		memcpy(t, fs->itab, fs->icap * sizeof(*t));
		memcpy(g, fs->igen, fs->icap * sizeof(*g));
	}
	i = fs->icap ? fs->icap : 1;
	rfs_dlock(fs, 1);
	swap(&fs->itab, &t);
	swapu(&fs->igen, &g);
	fs->icap = cap;
	rfs_dlock(fs, 0);
	free(t);
	free(g);
	fs->hint = i + 1;
	return i;
}

/* A new node with no name: mode (type included), owner c (root if NULL). */
struct rnode *
rfs_new(struct rfs *fs, unsigned mode, const struct rcred *c)
{
	struct rnode *n = malloc(sizeof(*n));
	unsigned long ino;

	if (!n)
		return NULL;
	if (!(ino = ino_alloc(fs))) {
		free(n);
		return NULL;
	}
	memset(n, 0, sizeof(*n));
	n->ino = ino;
	n->gen = fs->igen[ino];
	n->mode = mode;
	n->uid = c ? c->uid : 0;
	n->gid = c ? c->gid : 0;
	n->atime = n->mtime = n->ctime = fs->now();
	if (L_S_ISTYPE(mode, L_S_IFDIR)) {	/* nlink 2 once named (rfs_add) */
		n->tail = &n->ents;
		n->nextoff = 2;
	}
	rfs_dlock(fs, 1);
	fs->itab[ino] = n;
	rfs_dlock(fs, 0);
	fs->nnodes++;
	return n;
}

/* Frees n if it has neither names nor references. */
void
rfs_put(struct rfs *fs, struct rnode *n)
{
	if (n->nlink || n->refs)
		return;
	RFS_ASSERT(!n->ents);
	rfs_dlock(fs, 1);
	fs->itab[n->ino] = NULL;
	fs->igen[n->ino]++;
	fdataFree(&n->data);
	rfs_dlock(fs, 0);
	fs->nnodes--;
	if (rfsIsReg(n) && n->mapped && fs->freed)
		fs->freed(fs->ctx, n->ino, n->gen);
	free(n->target);
	free(n);
}

long
rfsInit(struct rfs *fs, int64_t (*now)(void))
{
	memset(fs, 0, sizeof(*fs));
	fs->now = now;
	if (!(fs->root = rfs_new(fs, L_S_IFDIR | 0755, NULL)))
		return -L_ENOMEM;
	RFS_ASSERT(fs->root->ino == 1);
	fs->root->nlink = 2;
	fs->root->parent = fs->root;
	return 0;
}

struct rnode *
rfsNode(struct rfs *fs, unsigned long ino)
{
	return ino < fs->icap ? fs->itab[ino] : NULL;
}

struct rnode *
rfsNodeGen(struct rfs *fs, unsigned long ino, unsigned gen)
{
	struct rnode *n = rfsNode(fs, ino);

	return n && n->gen == gen ? n : NULL;
}

void
rfs_touch(struct rfs *fs, struct rnode *dir)
{
	if (!fs->loading)
		dir->mtime = dir->ctime = fs->now();
}

/* The entry of name in dir, and where the link to it is (*prevp). */
struct rdirent *
rfs_find(struct rnode *dir, const char *name, size_t len, struct rdirent ***prevp)
{
	struct rdirent **p;

	for (p = &dir->ents; *p; p = &(*p)->next)
		if ((*p)->len == len && memcmp((*p)->name, name, len) == 0) {
			if (prevp)
				*prevp = p;
			return *p;
		}
	return NULL;
}

/* n gets one more name (or, a directory, its parent's entry). */
static void
named(struct rnode *dir, struct rnode *n)
{
	if (rfsIsDir(n)) {
		dir->nlink++;
		n->parent = dir;
		n->nlink = n->nlink < 2 ? 2 : n->nlink;
	} else {
		n->nlink++;
	}
}

/* n loses one name (a directory: its parent's entry; it keeps "."). */
static void
unnamed(struct rnode *dir, struct rnode *n)
{
	if (rfsIsDir(n))
		dir->nlink--;
	else
		n->nlink--;
}

long
rfs_add(struct rfs *fs, struct rnode *dir, const char *name, size_t len, struct rnode *n)
{
	struct rdirent *e = malloc(sizeof(*e) + len + 1);

	if (!e)
		return -L_ENOMEM;
	e->next = NULL;
	e->node = n;
	e->off = dir->nextoff++;
	e->len = len;
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	*dir->tail = e;
	dir->tail = &e->next;
	named(dir, n);
	rfs_touch(fs, dir);
	return 0;
}

/* Takes the entry *at out of dir; returns the node it named, not freed. */
struct rnode *
rfs_detach(struct rfs *fs, struct rnode *dir, struct rdirent **at)
{
	struct rdirent *e = *at;
	struct rnode *n = e->node;

	*at = e->next;
	if (dir->tail == &e->next)
		dir->tail = at;
	free(e);
	unnamed(dir, n);
	rfs_touch(fs, dir);
	n->ctime = fs->now();
	return n;
}

/* A node no longer named: a directory is gone for good (it is empty). */
static void
gone(struct rfs *fs, struct rnode *n)
{
	if (rfsIsDir(n)) {
		RFS_ASSERT(!n->ents);
		n->nlink = 0;
		n->parent = NULL;
	}
}

/* Removes the entry *at of dir, freeing its node if that was the last. */
void
rfs_remove(struct rfs *fs, struct rnode *dir, struct rdirent **at)
{
	struct rnode *n = rfs_detach(fs, dir, at);

	gone(fs, n);
	rfs_put(fs, n);
}

/* The entry e of dir names n from now on instead of its old node, which
 * is returned, not freed (rfs_put). */
struct rnode *
rfs_relink(struct rfs *fs, struct rnode *dir, struct rdirent *e, struct rnode *n)
{
	struct rnode *old = e->node;

	unnamed(dir, old);
	old->ctime = fs->now();
	gone(fs, old);
	e->node = n;
	named(dir, n);
	rfs_touch(fs, dir);
	return old;
}

long
rfsPermit(const struct rnode *n, const struct rcred *c, int want)
{
	unsigned bits;

	if (c->uid == 0) {
		if ((want & L_X_OK) && !rfsIsDir(n) && !(n->mode & 0111))
			return -L_EACCES;
		return 0;
	}
	bits = c->uid == n->uid ? n->mode >> 6 : c->gid == n->gid ? n->mode >> 3 : n->mode;
	return (want & ~bits & 7) ? -L_EACCES : 0;
}

long
rfsClose(struct rfs *fs, unsigned long ino)
{
	struct rnode *n = rfsNode(fs, ino);

	if (!n || !n->refs)
		return -L_EBADF;
	n->refs--;
	fs->nrefs--;
	rfs_put(fs, n);
	return 0;
}

void
rfs_stat(const struct rnode *n, struct linux_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = RFS_DEV;
	st->st_ino = n->ino;
	st->st_nlink = n->nlink;
	st->st_mode = n->mode;
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_rdev = n->rdev;
	st->st_size = (int64_t)n->size;
	st->st_blksize = FDATA_PAGE;
	if (rfsIsReg(n))
		st->st_blocks = (int64_t)((n->size + FDATA_PAGE - 1) / FDATA_PAGE * 8);
	else if (rfsIsDir(n))
		st->st_blocks = 8;
	st->st_atim.tv_sec = n->atime / NSEC;
	st->st_atim.tv_nsec = n->atime % NSEC;
	st->st_mtim.tv_sec = n->mtime / NSEC;
	st->st_mtim.tv_nsec = n->mtime % NSEC;
	st->st_ctim.tv_sec = n->ctime / NSEC;
	st->st_ctim.tv_nsec = n->ctime % NSEC;
}

long
rfsStat(struct rfs *fs, unsigned long ino, struct linux_stat *st)
{
	struct rnode *n = rfsNode(fs, ino);

	if (!n)
		return -L_ENOENT;
	rfs_stat(n, st);
	return 0;
}

/* Entry at position pos of dir (0 ".", 1 "..", then the entries from
 * offset pos on): its name, node and the position after it; 0 at the end. */
static int
entry_at(struct rnode *dir, unsigned long pos, const char **name, size_t *len,
	 struct rnode **n, unsigned long *next)
{
	struct rdirent *e;

	if (pos < 2) {
		*name = "..";
		*len = pos + 1;
		*n = pos ? dir->parent : dir;
		*next = pos + 1;
		return 1;
	}
	for (e = dir->ents; e && e->off < pos; e = e->next)
		;
	if (!e)
		return 0;
	*name = e->name;
	*len = e->len;
	*n = e->node;
	*next = e->off + 1;
	return 1;
}

long
rfsGetdents(struct rfs *fs, unsigned long ino, unsigned long off, void *buf,
	    unsigned long max, unsigned long *next)
{
	struct rnode *dir = rfsNode(fs, ino), *n;
	unsigned long pos = off, after, done = 0;
	const char *name;
	size_t len;

	if (!dir)
		return -L_ENOENT;
	if (!rfsIsDir(dir))
		return -L_ENOTDIR;
	if (!dir->nlink)
		return -L_ENOENT;
	while (entry_at(dir, pos, &name, &len, &n, &after)) {
		size_t rec = (offsetof(struct linux_dirent64, d_name) + len + 1 + 7) & ~7UL;
		struct linux_dirent64 *d = (struct linux_dirent64 *)((char *)buf + done);
		if (done + rec > max) {
			if (!done)
				return -L_EINVAL;
			break;
		}
		memset(d, 0, rec);
		d->d_ino = n->ino;
		d->d_off = (int64_t)after;
		d->d_reclen = (uint16_t)rec;
		d->d_type = (uint8_t)((n->mode & L_S_IFMT) >> 12);
		memcpy(d->d_name, name, len);
		done += rec;
		pos = after;
	}
	*next = pos;
	return (long)done;
}
