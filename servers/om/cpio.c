// SPDX-License-Identifier: MIT
/*
 * A cpio archive in the "newc" format (magic 070701, or 070702 with
 * checksums, which are not checked) unpacked into the tree, as the Linux
 * initramfs does: each entry's mode, owner, group and mtime are kept;
 * missing parent directories are made (0755, root's); an entry whose name
 * exists replaces it (a directory over a directory only takes its
 * attributes); entries with the same (dev, ino) and nlink > 1 are one node
 * (GNU cpio gives the data with the last of them); names with ".." are
 * refused.  A bad entry is skipped; a broken header ends the archive
 * (what came before stays).  Then rfsDefaults adds the nodes om promises:
 * /dev with null, zero, tty and console, /tmp (sticky) and /proc.
 * Entry points: rfsCpio, rfsDefaults.
 */
#include "rfsint.h"

#define HDR		110
#define ALIGN4(x)	(((x) + 3) & ~(size_t)3)

struct entry {
	unsigned long ino, mode, uid, gid, nlink, mtime, dev, rdev;
	const unsigned char *data;
	unsigned long size;
};

/* Nodes of entries with nlink > 1, by (dev, ino). */
struct links {
	struct { unsigned long dev, ino; struct rnode *n; } *v;
	size_t n, cap;
};

static int
hex8(const unsigned char *p, unsigned long *out)
{
	unsigned long v = 0;

	for (int i = 0; i < 8; i++) {
		int c = p[i], d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
				  c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v << 4 | (unsigned long)d;
	}
	*out = v;
	return 0;
}

static struct rnode *
link_find(struct links *L, const struct entry *e)
{
	for (size_t i = 0; i < L->n; i++)
		if (L->v[i].dev == e->dev && L->v[i].ino == e->ino)
			return L->v[i].n;
	return NULL;
}

static void
link_add(struct links *L, const struct entry *e, struct rnode *n)
{
	if (L->n == L->cap) {
		size_t cap = L->cap ? L->cap * 2 : 16;
		void *v = malloc(cap * sizeof(*L->v));
		if (!v)
			return;		/* later links become copies */
		if (L->n)
			memcpy(v, L->v, L->n * sizeof(*L->v));
		free(L->v);
		L->v = v;
		L->cap = cap;
	}
	L->v[L->n].dev = e->dev;
	L->v[L->n].ino = e->ino;
	L->v[L->n++].n = n;
}

static int
dots(const char *s, size_t len)
{
	return (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.');
}

/* The directory name [s, end) in dir, made if missing; NULL if not a dir. */
static struct rnode *
subdir(struct rfs *fs, struct rnode *dir, const char *s, size_t len, unsigned mode)
{
	struct rdirent *d = rfs_find(dir, s, len, NULL);
	struct rnode *n;

	if (d)
		return rfsIsDir(d->node) ? d->node : NULL;
	if (!(n = rfs_new(fs, L_S_IFDIR | mode, NULL)))
		return NULL;
	if (rfs_add(fs, dir, s, len, n) < 0) {
		rfs_put(fs, n);
		return NULL;
	}
	return n;
}

static void
set_attrs(struct rnode *n, const struct entry *e)
{
	n->mode = (n->mode & L_S_IFMT) | (e->mode & 07777);
	n->uid = (unsigned)e->uid;
	n->gid = (unsigned)e->gid;
	n->atime = n->mtime = n->ctime = (int64_t)e->mtime * NSEC;
}

/* A new node for e (not named yet), or NULL. */
static struct rnode *
make(struct rfs *fs, const struct entry *e)
{
	unsigned type = e->mode & L_S_IFMT;
	struct rnode *n;

	if (type != L_S_IFREG && type != L_S_IFDIR && type != L_S_IFLNK && type != L_S_IFCHR &&
	    type != L_S_IFBLK && type != L_S_IFIFO && type != L_S_IFSOCK)
		return NULL;
	if (type == L_S_IFLNK && (!e->size || e->size >= RFS_PATH_MAX))
		return NULL;
	if (!(n = rfs_new(fs, type, NULL)))
		return NULL;
	set_attrs(n, e);
	if (type == L_S_IFREG && fdataWrite(&n->data, 0, e->data, e->size) == 0) {
		n->size = e->size;
	} else if (type == L_S_IFLNK && (n->target = malloc(e->size + 1))) {
		memcpy(n->target, e->data, e->size);
		n->target[e->size] = '\0';
		n->size = strlen(n->target);
	} else if (type == L_S_IFCHR || type == L_S_IFBLK) {
		n->rdev = e->rdev;
	} else if (type == L_S_IFREG || type == L_S_IFLNK) {
		rfs_put(fs, n);			/* no memory */
		return NULL;
	}
	return n;
}

/* Puts entry e at path name; 0, or -1 if it was skipped. */
static int
unpack(struct rfs *fs, struct links *L, const char *name, const struct entry *e)
{
	struct rnode *dir = fs->root, *n;
	struct rdirent *d, **at;
	const char *s, *p;
	size_t len;
	int isdir = L_S_ISTYPE(e->mode, L_S_IFDIR);

	for (;;) {
		while (*name == '/')
			name++;
		if (name[0] != '.' || name[1] != '/')
			break;
		name += 2;
	}
	if (!*name || strcmp(name, ".") == 0) {
		if (isdir)
			set_attrs(fs->root, e);
		return isdir ? 0 : -1;
	}
	for (s = name;;) {
		for (p = s; *p && *p != '/'; p++)
			;
		len = (size_t)(p - s);
		while (*p == '/')
			p++;
		if (len > RFS_NAME_MAX || (dots(s, len) && (len == 2 || !*p)))
			return -1;
		if (!*p)
			break;
		if (!dots(s, len) && !(dir = subdir(fs, dir, s, len, 0755)))
			return -1;
		s = p;
	}
	if ((d = rfs_find(dir, s, len, &at))) {
		if (isdir && rfsIsDir(d->node)) {
			set_attrs(d->node, e);
			return 0;
		}
		if (d->node->ents)
			return -1;
		rfs_remove(fs, dir, at);
	}
	if (!isdir && e->nlink > 1 && (n = link_find(L, e))) {
		if (rfs_add(fs, dir, s, len, n) < 0)
			return -1;
		if (rfsIsReg(n) && e->size && fdataWrite(&n->data, 0, e->data, e->size) == 0)
			n->size = e->size;
		return 0;
	}
	if (!(n = make(fs, e)))
		return -1;
	if (rfs_add(fs, dir, s, len, n) < 0) {
		rfs_put(fs, n);
		return -1;
	}
	if (!isdir && e->nlink > 1)
		link_add(L, e, n);
	return 0;
}

/* Reads the header at buf[pos]: the entry, its name, the next header's
 * position; 1 for the trailer, -1 if broken. */
static int
header(const unsigned char *buf, size_t len, size_t pos, struct entry *e, const char **name,
       size_t *next)
{
	unsigned long f[13];
	size_t data;

	if (len - pos < HDR || memcmp(buf + pos, "07070", 5) ||
	    (buf[pos + 5] != '1' && buf[pos + 5] != '2'))
		return -1;
	for (int i = 0; i < 13; i++)
		if (hex8(buf + pos + 6 + 8 * i, &f[i]) < 0)
			return -1;
	if (!f[11] || f[11] > RFS_PATH_MAX || f[11] > len - pos - HDR ||
	    buf[pos + HDR + f[11] - 1] != '\0')
		return -1;
	*name = (const char *)buf + pos + HDR;
	data = ALIGN4(pos + HDR + f[11]);
	if (data > len || f[6] > len - data)
		return -1;
	*e = (struct entry){ .ino = f[0], .mode = f[1], .uid = f[2], .gid = f[3], .nlink = f[4],
			     .mtime = f[5], .dev = f[7] << 32 | f[8],
			     .rdev = L_MKDEV(f[9], f[10]), .data = buf + data, .size = f[6] };
	*next = ALIGN4(data + f[6]);
	return strcmp(*name, "TRAILER!!!") == 0;
}

long
rfsCpio(struct rfs *fs, const unsigned char *buf, size_t len, int64_t *newest)
{
	struct links L = { NULL, 0, 0 };
	size_t pos = 0, next;
	struct entry e;
	const char *name;
	long count = 0, r = 0;
	int h;

	fs->loading = 1;
	while (pos < len) {
		if ((h = header(buf, len, pos, &e, &name, &next)) != 0) {
			r = h < 0 ? -L_EINVAL : 0;
			break;
		}
		if (unpack(fs, &L, name, &e) == 0) {
			count++;
			if ((int64_t)e.mtime * NSEC > *newest)
				*newest = (int64_t)e.mtime * NSEC;
		}
		pos = next;
	}
	if (pos >= len)
		r = -L_EINVAL;			/* no trailer */
	fs->loading = 0;
	free(L.v);
	return r < 0 ? r : count;
}

/* Makes dir/name (mode, rdev) unless it exists; its node, or NULL. */
static struct rnode *
ensure(struct rfs *fs, struct rnode *dir, const char *name, unsigned mode, uint64_t rdev)
{
	struct rdirent *d = rfs_find(dir, name, strlen(name), NULL);
	struct rnode *n;

	if (d)
		return d->node;
	if (!(n = rfs_new(fs, mode, NULL)))
		return NULL;
	n->rdev = rdev;
	if (rfs_add(fs, dir, name, strlen(name), n) < 0) {
		rfs_put(fs, n);
		return NULL;
	}
	return n;
}

long
rfsDefaults(struct rfs *fs)
{
	struct rnode *dev = ensure(fs, fs->root, "dev", L_S_IFDIR | 0755, 0);
	int ok = dev != NULL;

	if (dev && rfsIsDir(dev)) {
		ok &= ensure(fs, dev, "null", L_S_IFCHR | 0666, L_MKDEV(1, 3)) != NULL;
		ok &= ensure(fs, dev, "zero", L_S_IFCHR | 0666, L_MKDEV(1, 5)) != NULL;
		ok &= ensure(fs, dev, "tty", L_S_IFCHR | 0666, L_MKDEV(5, 0)) != NULL;
		ok &= ensure(fs, dev, "console", L_S_IFCHR | 0600, L_MKDEV(5, 1)) != NULL;
	}
	ok &= ensure(fs, fs->root, "tmp", L_S_IFDIR | 01777, 0) != NULL;
	ok &= ensure(fs, fs->root, "proc", L_S_IFDIR | 0555, 0) != NULL;
	return ok ? 0 : -L_ENOMEM;
}
