// SPDX-License-Identifier: MIT
/*
 * The calls on names and attributes (mkdir, unlink, rename, link,
 * symlink, readlink, access, chmod, chown, truncate, utimens, chdir,
 * getcwd, statfs), which om serves, and the table of file calls
 * (fs_syscall) that sends the rest to fs.c and io.c.
 */
#include "pm.h"

/* A name call to om: op with w1 dir, w2..w3 args, w4 cred. */
static long
name_op(struct call *c, unsigned long op, int dirfd, unsigned long upath, unsigned long w2,
	unsigned long w3, unsigned long w5, unsigned long cred)
{
	struct proc *p = c->p;
	char path[UNIX_PATH_MAX];
	struct kmsg m;
	unsigned long dir;
	long r;

	if ((r = copyinstr(p, path, upath, sizeof(path))) < 0)
		return r;
	if (!path[0])
		return -L_ENOENT;
	if ((r = dir_ino(p, dirfd, &dir)) < 0)
		return r;
	{
		char abs[512];
		if (proc_path(p, dirfd, path, abs, sizeof(abs))) {
			if (op == OM_ACCESS)
				return procfs_stat(p, abs, NULL) < 0 ? -L_ENOENT : 0;
			if (op != OM_READLINK)
				return -L_EACCES;
			r = procfs_readlink(p, abs, c->buf, PM_BODY);
			if (r > (long)w2)
				r = (long)w2;
			if (r > 0 && copyout(p, w3, c->buf, (unsigned long)r) < 0)
				return -L_EFAULT;
			return r;
		}
	}
	memset(&m, 0, sizeof(m));
	m.annex[0] = op;
	m.annex[1] = dir;
	m.annex[2] = w2;
	m.annex[3] = w3;
	m.annex[4] = cred;
	m.annex[5] = w5;
	if (op == OM_READLINK) {
		r = om_path_call(&m, path, NULL, c->buf, PM_BODY);
		if (r > 0) {
			if ((unsigned long)r > w2)
				r = (long)w2;
			if (copyout(p, w3, c->buf, (unsigned long)r) < 0)
				return -L_EFAULT;
		}
		return r;
	}
	return om_path_call(&m, path, NULL, NULL, 0);
}

/* Two-path calls: rename, link, symlink. */
static long
name2_op(struct call *c, unsigned long op, int d1, unsigned long up1, int d2, unsigned long up2,
	 unsigned long w3)
{
	struct proc *p = c->p;
	char a[UNIX_PATH_MAX], b[UNIX_PATH_MAX];
	struct kmsg m;
	unsigned long i1 = 0, i2;
	long r;

	if ((r = copyinstr(p, a, up1, sizeof(a))) < 0 || (r = copyinstr(p, b, up2, sizeof(b))) < 0)
		return r;
	if (!a[0] || !b[0])
		return -L_ENOENT;
	if ((op != OM_SYMLINK && (r = dir_ino(p, d1, &i1)) < 0) || (r = dir_ino(p, d2, &i2)) < 0)
		return r;
	memset(&m, 0, sizeof(m));
	m.annex[0] = op;
	m.annex[1] = op == OM_SYMLINK ? i2 : i1;
	m.annex[2] = i2;
	m.annex[3] = w3;
	m.annex[4] = cred_of(p);
	return om_path_call(&m, a, b, NULL, 0);
}

/* An attribute call on the node of (dirfd, path) or of fd. */
static long
node_op(struct call *c, unsigned long op, int dirfd, unsigned long upath, bool nofollow,
	unsigned long w2, unsigned long w3)
{
	struct proc *p = c->p;
	struct ofile *f = NULL;
	struct kmsg m;
	char path[UNIX_PATH_MAX];
	long r;

	if (upath) {
		if ((r = copyinstr(p, path, upath, sizeof(path))) < 0)
			return r;
		if ((r = fs_open(p, dirfd, path, L_O_PATH | (nofollow ? L_O_NOFOLLOW : 0), 0,
				 &f, false)) < 0)
			return r;
	} else {
		if (!(f = fd_get(p, dirfd)))
			return -L_EBADF;
		f->refs++;
	}
	memset(&m, 0, sizeof(m));
	m.annex[0] = op;
	m.annex[1] = f->ino;
	m.annex[2] = w2;
	m.annex[3] = w3;
	m.annex[4] = cred_of(p);
	r = f->ino ? om_call(&m, NULL, 0) : -L_EINVAL;
	if (r >= 0 && op == OM_TRUNCATE) {
		struct vnode *v = vn_find(f->ino);
		if (v)
			v->size = w2;
	}
	of_put(f);
	return r;
}

static long
sys_chdir(struct call *c, unsigned long upath, int fd)
{
	struct proc *p = c->p;
	struct ofile *f;
	char path[UNIX_PATH_MAX];
	long r;

	if (upath) {
		if ((r = copyinstr(p, path, upath, sizeof(path))) < 0)
			return r;
		if ((r = fs_open(p, L_AT_FDCWD, path, L_O_RDONLY | L_O_DIRECTORY, 0, &f, false)) < 0)
			return r;
	} else {
		if (!(f = fd_get(p, fd)))
			return -L_EBADF;
		if (f->kind != OF_DIR)
			return -L_ENOTDIR;
		f->refs++;
	}
	p->cwd = f->ino;
	if (f->path)
		strlcpy(p->cwdpath, f->path, sizeof(p->cwdpath));
	of_put(f);
	return 0;
}

static long
sys_getcwd(struct call *c, unsigned long ubuf, unsigned long size)
{
	unsigned long n = strlen(c->p->cwdpath) + 1;

	if (size < n)
		return -L_ERANGE;
	if (copyout(c->p, ubuf, c->p->cwdpath, n) < 0)
		return -L_EFAULT;
	return (long)n;
}

static long
sys_utimensat(struct call *c, int dirfd, unsigned long upath, unsigned long utimes, int flags)
{
	struct linux_timespec ts[2];
	long t[2] = { -1, -1 };

	if (utimes) {
		if (copyin(c->p, ts, utimes, sizeof(ts)) < 0)
			return -L_EFAULT;
		for (int i = 0; i < 2; i++) {
			if (ts[i].tv_nsec == 1073741823L)		/* UTIME_NOW */
				t[i] = -1;
			else if (ts[i].tv_nsec == 1073741822L)	/* UTIME_OMIT */
				t[i] = -2;
			else if (ts[i].tv_nsec < 0 || ts[i].tv_nsec >= 1000000000L)
				return -L_EINVAL;
			else
				t[i] = ts[i].tv_sec * 1000000000L + ts[i].tv_nsec;
		}
	}
	return node_op(c, OM_UTIMENS, dirfd, upath, flags & L_AT_SYMLINK_NOFOLLOW,
		       (unsigned long)t[0], (unsigned long)t[1]);
}

static long
sys_utimes(struct call *c, unsigned long upath, unsigned long utv)
{
	struct linux_timeval tv[2];
	long t[2] = { -1, -1 };

	if (utv) {
		if (copyin(c->p, tv, utv, sizeof(tv)) < 0)
			return -L_EFAULT;
		for (int i = 0; i < 2; i++)
			t[i] = tv[i].tv_sec * 1000000000L + tv[i].tv_usec * 1000L;
	}
	return node_op(c, OM_UTIMENS, L_AT_FDCWD, upath, false, (unsigned long)t[0],
		       (unsigned long)t[1]);
}

struct linux_statfs {
	long type, bsize, blocks, bfree, bavail, files, ffree;
	int fsid[2];
	long namelen, frsize, flags, spare[4];
};

static long
sys_statfs(struct call *c, unsigned long ubuf)
{
	struct linux_statfs s;
	struct kmsg m;
	long v[4] = { 0 };
	struct kaddr to = { .ui = om_port, .mode = K_ADDR_PORT };

	memset(&m, 0, sizeof(m));
	m.annex[0] = OM_STATFS;
	{
		struct kmsg rep;
		memset(&rep, 0, sizeof(rep));
		rep.body = v;
		rep.bodysize = sizeof(v);
		ipcCall(&m, &to, &rep, K_NOTIMEOUT);
	}
	memset(&s, 0, sizeof(s));
	s.type = 0x858458f6;			/* RAMFS_MAGIC */
	s.bsize = s.frsize = 4096;
	s.blocks = v[0];
	s.bfree = s.bavail = v[1];
	s.files = v[2];
	s.ffree = v[3];
	s.namelen = 255;
	return copyout(c->p, ubuf, &s, sizeof(s));
}

long
fs_syscall(struct call *c, long nr, bool *handled)
{
	struct proc *p = c->p;
	struct ktrapmsg *t = &c->tm;
	unsigned long a0 = t->rdi, a1 = t->rsi, a2 = t->rdx, a3 = t->r10;
	int d0 = (int)a0;
	unsigned long rcred = UNIX_CRED(p->uid, p->gid);

	switch (nr) {
	case 2: return sys_openat(c, L_AT_FDCWD, a0, (unsigned)a1, (unsigned)a2);	/* open */
	case 85: return sys_openat(c, L_AT_FDCWD, a0,					/* creat */
				   L_O_CREAT | L_O_WRONLY | L_O_TRUNC, (unsigned)a1);
	case 257: return sys_openat(c, d0, a1, (unsigned)a2, (unsigned)a3);
	case 3: return fd_close(p, d0);
	case 32: {								/* dup */
		struct ofile *f = fd_get(p, d0);
		long r;
		if (!f)
			return -L_EBADF;
		f->refs++;
		if ((r = fd_alloc(p, f, 0, false)) < 0)
			f->refs--;
		return r;
	}
	case 33: return sys_dup3(p, d0, (int)a1, 0, true);
	case 292: return sys_dup3(p, d0, (int)a1, (unsigned)a2, false);
	case 72: return sys_fcntl(c, d0, (int)a1, a2);
	case 4: return sys_fstatat(c, L_AT_FDCWD, a0, a1, 0);			/* stat */
	case 6: return sys_fstatat(c, L_AT_FDCWD, a0, a1, L_AT_SYMLINK_NOFOLLOW);	/* lstat */
	case 5: return sys_fstatat(c, d0, 0, a1, L_AT_EMPTY_PATH);		/* fstat */
	case 262: return sys_fstatat(c, d0, a1, a2, (int)a3);			/* newfstatat */
	case 217: return sys_getdents64(c, d0, a1, a2);
	case 83: return name_op(c, OM_MKDIR, L_AT_FDCWD, a0, 0, (a1 & ~p->umask) & 07777, 0, cred_of(p));
	case 258: return name_op(c, OM_MKDIR, d0, a1, 0, (a2 & ~p->umask) & 07777, 0, cred_of(p));
	case 133: return name_op(c, OM_MKNOD, L_AT_FDCWD, a0, 0,
				 (a1 & L_S_IFMT) | ((a1 & ~p->umask) & 07777), a2, cred_of(p));
	case 259: return name_op(c, OM_MKNOD, d0, a1, 0,
				 (a2 & L_S_IFMT) | ((a2 & ~p->umask) & 07777), a3, cred_of(p));
	case 87: return name_op(c, OM_UNLINK, L_AT_FDCWD, a0, 0, 0, 0, cred_of(p));	/* unlink */
	case 84: return name_op(c, OM_UNLINK, L_AT_FDCWD, a0, L_AT_REMOVEDIR, 0, 0, cred_of(p));
	case 263: return name_op(c, OM_UNLINK, d0, a1, a2 & L_AT_REMOVEDIR, 0, 0, cred_of(p));
	case 89: return name_op(c, OM_READLINK, L_AT_FDCWD, a0, a2, a1, 0, cred_of(p));
	case 267: return name_op(c, OM_READLINK, d0, a1, a3, a2, 0, cred_of(p));
	case 21: return name_op(c, OM_ACCESS, L_AT_FDCWD, a0, a1, 0, 0, rcred);	/* access */
	case 269: case 439:							/* faccessat(2) */
		return name_op(c, OM_ACCESS, d0, a1, a2, nr == 439 ? a3 : 0, 0,
			       nr == 439 && (a3 & L_AT_EACCESS) ? cred_of(p) : rcred);
	case 82: return name2_op(c, OM_RENAME, L_AT_FDCWD, a0, L_AT_FDCWD, a1, 0);
	case 264: return name2_op(c, OM_RENAME, d0, a1, (int)a2, a3, 0);
	case 316: return t->r8 == 0 ? name2_op(c, OM_RENAME, d0, a1, (int)a2, a3, 0) : -L_EINVAL;
	case 86: return name2_op(c, OM_LINK, L_AT_FDCWD, a0, L_AT_FDCWD, a1, 0);
	case 265: return name2_op(c, OM_LINK, d0, a1, (int)a2, a3, t->r8 & L_AT_SYMLINK_FOLLOW);
	case 88: return name2_op(c, OM_SYMLINK, L_AT_FDCWD, a0, L_AT_FDCWD, a1, 0);
	case 266: return name2_op(c, OM_SYMLINK, L_AT_FDCWD, a0, (int)a1, a2, 0);
	case 90: return node_op(c, OM_CHMOD, L_AT_FDCWD, a0, false, 0, a1 & 07777);
	case 91: return node_op(c, OM_CHMOD, d0, 0, false, 0, a1 & 07777);
	case 268: return node_op(c, OM_CHMOD, d0, a1, false, 0, a2 & 07777);
	case 92: return node_op(c, OM_CHOWN, L_AT_FDCWD, a0, false, a1, a2);
	case 94: return node_op(c, OM_CHOWN, L_AT_FDCWD, a0, true, a1, a2);
	case 93: return node_op(c, OM_CHOWN, d0, 0, false, a1, a2);
	case 260: return node_op(c, OM_CHOWN, d0, a1, t->r8 & L_AT_SYMLINK_NOFOLLOW, a2, a3);
	case 280: return sys_utimensat(c, d0, a1, a2, (int)a3);
	case 235: return sys_utimes(c, a0, a1);
	case 76: {								/* truncate */
		char path[UNIX_PATH_MAX];
		struct ofile *f;
		long r;
		if ((long)a1 < 0)
			return -L_EINVAL;
		if ((r = copyinstr(p, path, a0, sizeof(path))) < 0)
			return r;
		if ((r = fs_open(p, L_AT_FDCWD, path, L_O_WRONLY, 0, &f, false)) < 0)
			return r;
		r = f->kind == OF_FILE ? 0 : -L_EINVAL;
		of_put(f);
		return r < 0 ? r : node_op(c, OM_TRUNCATE, L_AT_FDCWD, a0, false, a1, 0);
	}
	case 77: {								/* ftruncate */
		struct ofile *f = fd_get(p, d0);
		if (!f)
			return -L_EBADF;
		if (f->kind != OF_FILE || (f->flags & L_O_ACCMODE) == L_O_RDONLY)
			return -L_EINVAL;
		if ((long)a1 < 0)
			return -L_EINVAL;
		return node_op(c, OM_TRUNCATE, d0, 0, false, a1, 0);
	}
	case 80: return sys_chdir(c, a0, -1);
	case 81: return sys_chdir(c, 0, d0);
	case 79: return sys_getcwd(c, a0, a1);
	case 137: return sys_statfs(c, a1);					/* statfs */
	case 138: return fd_get(p, d0) ? sys_statfs(c, a1) : -L_EBADF;		/* fstatfs */
	case 162: return 0;							/* sync */
	case 74: case 75: return fd_get(p, d0) ? 0 : -L_EBADF;			/* fsync, fdatasync */
	}
	return io_syscall(c, nr, handled);
}
