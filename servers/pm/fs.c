// SPDX-License-Identifier: MIT
/*
 * Opening files: pm asks om to resolve the name (and create, truncate,
 * check permissions) and makes the open file of the kind the node is: a
 * regular file (om's segment), a directory, a device pm serves, or a
 * terminal at stm; then the calls on open files (fcntl, stat, getdents).
 * Descriptors are in fd.c, the calls on names in names.c, data calls in
 * io.c.
 */
#include "pm.h"

unsigned long
cred_of(struct proc *p)
{
	return UNIX_CRED(p->euid, p->egid);
}

/* A call to om (pm_lock held: om never waits for pm).  rbody receives the
 * reply's body (rsize bytes at most); the status, or -EIO if om is gone. */
long
om_call(struct kmsg *m, void *rbody, unsigned long rsize)
{
	struct kaddr to = { .ui = om_port, .mode = K_ADDR_PORT };
	long r;

	m->flags = 0;
	r = ipcCall(m, &to, m, K_NOTIMEOUT);
	if (r < 0)
		return -L_EIO;
	(void)rbody;
	(void)rsize;
	return (long)m->annex[0];
}

/* om call with a path (or two) in the body. */
long
om_path_call(struct kmsg *m, const char *path, const char *path2, char *rbuf, unsigned long rsize)
{
	char body[2 * UNIX_PATH_MAX];
	unsigned long n = strlen(path) + 1, n2 = path2 ? strlen(path2) + 1 : 0;

	if (n + n2 > sizeof(body))
		return -L_ENAMETOOLONG;
	memcpy(body, path, n);
	if (path2)
		memcpy(body + n, path2, n2);
	m->body = body;
	m->bodysize = n + n2;
	{
		struct kaddr to = { .ui = om_port, .mode = K_ADDR_PORT };
		struct kmsg rep;
		long r;
		memset(&rep, 0, sizeof(rep));
		rep.body = rbuf;
		rep.bodysize = rsize;
		r = ipcCall(m, &to, &rep, K_NOTIMEOUT);
		if (r < 0)
			return -L_EIO;
		memcpy(m->annex, rep.annex, sizeof(m->annex));
		m->bodysize = rep.bodysize;
		return (long)rep.annex[0];
	}
}

/* The node a *at call starts from. */
long
dir_ino(struct proc *p, int dirfd, unsigned long *ino)
{
	struct ofile *f;

	if (dirfd == L_AT_FDCWD) {
		*ino = p->cwd;
		return 0;
	}
	if (!(f = fd_get(p, dirfd)))
		return -L_EBADF;
	if (f->kind != OF_DIR && f->kind != OF_PATH)
		return -L_ENOTDIR;
	*ino = f->ino;
	return 0;
}

/* "/a/b" + "../c" -> "/a/c": the textual path of a directory, for getcwd. */
void
join_path(char *out, unsigned long size, const char *base, const char *rel)
{
	char tmp[512];
	char *parts[64];
	int n = 0;
	char *s;

	if (rel[0] == '/')
		strlcpy(tmp, rel, sizeof(tmp));
	else {
		strlcpy(tmp, base, sizeof(tmp));
		strlcat_(tmp, "/", sizeof(tmp));
		strlcat_(tmp, rel, sizeof(tmp));
	}
	for (s = tmp; *s; ) {
		char *e;
		while (*s == '/')
			s++;
		if (!*s)
			break;
		for (e = s; *e && *e != '/'; e++)
			;
		if (*e)
			*e++ = '\0';
		if (strcmp(s, "..") == 0) {
			if (n)
				n--;
		} else if (strcmp(s, ".") != 0 && n < 64) {
			parts[n++] = s;
		}
		s = e;
	}
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		strlcat_(out, "/", size);
		strlcat_(out, parts[i], size);
	}
	if (!out[0])
		strlcpy(out, "/", size);
}

static long
stm_open(struct proc *p, unsigned long rdev, unsigned flags, unsigned long *key)
{
	struct kmsg m;
	struct kaddr to = { .ui = stm_port, .mode = K_ADDR_PORT };

	memset(&m, 0, sizeof(m));
	m.annex[0] = STM_OPEN;
	m.annex[1] = rdev;
	m.annex[2] = flags;
	if (ipcCall(&m, &to, &m, K_NOTIMEOUT) < 0)
		return -L_EIO;
	if ((long)m.annex[0] < 0)
		return (long)m.annex[0];
	*key = m.annex[1];
	(void)p;
	return 0;
}

long stm_make_ctty(struct proc *p, struct ofile *f);

/* Opens path for p: an open file with one reference, not yet in the table. */
long
fs_open(struct proc *p, int dirfd, const char *path, unsigned flags, unsigned mode,
	struct ofile **out, bool exec)
{
	struct kmsg m;
	struct ofile *f;
	unsigned long dir, ino, fmode, rdev;
	long r;

	if ((r = dir_ino(p, dirfd, &dir)) < 0)
		return r;
	if (!path[0])
		return -L_ENOENT;
	{
		char abs[512];
		if (proc_path(p, dirfd, path, abs, sizeof(abs))) {
			if (flags & (L_O_CREAT | L_O_TRUNC) || (flags & L_O_ACCMODE) != L_O_RDONLY)
				return -L_EACCES;
			return procfs_open(p, abs, out);
		}
	}
	memset(&m, 0, sizeof(m));
	m.annex[0] = OM_OPEN;
	m.annex[1] = dir;
	m.annex[2] = (flags & ~(unsigned)L_O_CLOEXEC) | (exec ? OM_O_EXEC : 0);
	m.annex[3] = mode & ~p->umask & 07777;
	m.annex[4] = cred_of(p);
	if ((r = om_path_call(&m, path, NULL, NULL, 0)) < 0)
		return r;
	ino = m.annex[1];
	fmode = m.annex[2];
	rdev = m.annex[4];
	if (!(f = of_new())) {
		om_close(ino);
		return -L_ENOMEM;
	}
	f->refs = 1;
	f->ino = ino;
	f->mode = fmode;
	f->rdev = rdev;
	f->flags = flags & ~(unsigned)(L_O_CREAT | L_O_EXCL | L_O_TRUNC | L_O_NOCTTY | L_O_CLOEXEC);
	if (flags & L_O_PATH) {
		f->kind = OF_PATH;
	} else if (L_S_ISTYPE(fmode, L_S_IFREG)) {
		f->kind = OF_FILE;
		f->seg.port = om_port;
		f->seg.key[0] = m.annex[5];
		f->seg.key[1] = m.annex[6];
		if (!(f->vn = vn_get(ino, m.annex[3]))) {
			of_put(f);
			return -L_ENOMEM;
		}
		if (flags & L_O_TRUNC)
			f->vn->size = m.annex[3];
	} else if (L_S_ISTYPE(fmode, L_S_IFDIR)) {
		char abs[512];
		f->kind = OF_DIR;
		join_path(abs, sizeof(abs), dirfd == L_AT_FDCWD ? p->cwdpath : "/", path);
		if (dirfd != L_AT_FDCWD && path[0] != '/' && fd_get(p, dirfd)->path)
			join_path(abs, sizeof(abs), fd_get(p, dirfd)->path, path);
		f->path = malloc(strlen(abs) + 1);
		if (f->path)
			memcpy(f->path, abs, strlen(abs) + 1);
	} else if (L_S_ISTYPE(fmode, L_S_IFCHR)) {
		unsigned ma = L_MAJOR(rdev), mi = L_MINOR(rdev);
		if (ma == 1 && mi == 3) {
			f->kind = OF_NULL;
		} else if (ma == 1 && (mi == 5 || mi == 7)) {
			f->kind = OF_ZERO;
		} else if ((ma == 5 && mi <= 1) || ma == 4) {
			unsigned long dev = rdev;
			if (ma == 5 && mi == 0) {
				if (!p->ctty) {
					of_put(f);
					return -L_ENXIO;
				}
				dev = p->ctty;
			}
			f->kind = OF_STM;
			f->rdev = dev;
			if ((r = stm_open(p, dev, flags, &f->key)) < 0) {
				f->kind = 0;
				of_put(f);
				return r;
			}
			if (!(flags & L_O_NOCTTY) && p->sid == p->pid && !p->ctty)
				stm_make_ctty(p, f);
		} else {
			of_put(f);
			return -L_ENXIO;
		}
	} else {
		of_put(f);
		return -L_ENXIO;		/* FIFOs, sockets: not yet */
	}
	if ((flags & L_O_DIRECTORY) && f->kind != OF_DIR && f->kind != OF_PATH) {
		of_put(f);
		return -L_ENOTDIR;
	}
	*out = f;
	return 0;
}

/* Process 1's descriptors 0, 1, 2: the console, its controlling terminal. */
long
fs_console(struct proc *p)
{
	struct ofile *f;
	long r;

	if ((r = fs_open(p, L_AT_FDCWD, "/dev/console", L_O_RDWR, 0, &f, false)) < 0)
		return r;
	p->fd[0] = p->fd[1] = p->fd[2] = f;
	f->refs = 3;
	return 0;
}

long
sys_openat(struct call *c, int dirfd, unsigned long upath, unsigned flags, unsigned mode)
{
	struct proc *p = c->p;
	char path[UNIX_PATH_MAX];
	struct ofile *f;
	long r;

	if ((r = copyinstr(p, path, upath, sizeof(path))) < 0)
		return r;
	if ((r = fs_open(p, dirfd, path, flags, mode, &f, false)) < 0)
		return r;
	if ((r = fd_alloc(p, f, 0, flags & L_O_CLOEXEC)) < 0)
		of_put(f);
	return r;
}

long
sys_dup3(struct proc *p, int old, int new, unsigned flags, bool dup2)
{
	struct ofile *f = fd_get(p, old);

	if (!f || new < 0 || new >= NFD)
		return -L_EBADF;
	if (old == new)
		return dup2 ? new : -L_EINVAL;
	if (flags & ~(unsigned)L_O_CLOEXEC)
		return -L_EINVAL;
	f->refs++;
	if (p->fd[new])
		fd_close(p, new);
	p->fd[new] = f;
	p->cloexec[new] = (flags & L_O_CLOEXEC) != 0;
	return new;
}

struct linux_flock {
	short type, whence;
	long start, len;
	int pid;
};

long
sys_fcntl(struct call *c, int fd, int cmd, unsigned long arg)
{
	struct proc *p = c->p;
	struct ofile *f = fd_get(p, fd);
	long r;

	if (!f)
		return -L_EBADF;
	switch (cmd) {
	case L_F_DUPFD:
	case L_F_DUPFD_CLOEXEC:
		if (arg >= NFD)
			return -L_EINVAL;
		f->refs++;
		if ((r = fd_alloc(p, f, (int)arg, cmd == L_F_DUPFD_CLOEXEC)) < 0)
			f->refs--;
		return r;
	case L_F_GETFD:
		return p->cloexec[fd] ? L_FD_CLOEXEC : 0;
	case L_F_SETFD:
		p->cloexec[fd] = (arg & L_FD_CLOEXEC) != 0;
		return 0;
	case L_F_GETFL:
		return f->flags;
	case L_F_SETFL:
		f->flags = (f->flags & ~(unsigned)(L_O_APPEND | L_O_NONBLOCK)) |
			   ((unsigned)arg & (L_O_APPEND | L_O_NONBLOCK));
		return 0;
	case L_F_GETLK: {
		struct linux_flock fl;
		if (copyin(p, &fl, arg, sizeof(fl)) < 0)
			return -L_EFAULT;
		fl.type = 2;			/* F_UNLCK: no record locks yet */
		return copyout(p, arg, &fl, sizeof(fl));
	}
	case L_F_SETLK:
	case L_F_SETLKW:
		return 0;			/* accepted, not enforced */
	case 1033:				/* F_GETPIPE_SZ */
		return f->kind == OF_STM ? UNIX_PIPE_SIZE : -L_EINVAL;
	default:
		return -L_EINVAL;
	}
}

/* stat of an open file; pipes are not om's: made up here. */
static long
stat_of(struct proc *p, struct ofile *f, struct linux_stat *st)
{
	struct kmsg m;
	struct kaddr to = { .ui = om_port, .mode = K_ADDR_PORT };
	long r;

	memset(st, 0, sizeof(*st));
	if (f->kind == OF_PROC)
		return procfs_stat(p, f->path, st);
	if (!f->ino) {
		st->st_mode = L_S_IFIFO | 0600;
		st->st_ino = f->key;
		st->st_nlink = 1;
		st->st_uid = p->euid;
		st->st_gid = p->egid;
		st->st_blksize = 4096;
		st->st_dev = 0x0c;
		return 0;
	}
	memset(&m, 0, sizeof(m));
	m.annex[0] = OM_STAT;
	m.annex[1] = f->ino;
	{
		struct kmsg rep;
		memset(&rep, 0, sizeof(rep));
		rep.body = st;
		rep.bodysize = sizeof(*st);
		if ((r = ipcCall(&m, &to, &rep, K_NOTIMEOUT)) < 0)
			return -L_EIO;
		if ((long)rep.annex[0] < 0)
			return (long)rep.annex[0];
	}
	if (f->vn)
		st->st_size = (int64_t)f->vn->size;
	return 0;
}

long
sys_fstatat(struct call *c, int dirfd, unsigned long upath, unsigned long ust, int flags)
{
	struct proc *p = c->p;
	char path[UNIX_PATH_MAX];
	struct linux_stat st;
	struct kmsg m;
	unsigned long dir;
	long r;

	if (upath) {
		if ((r = copyinstr(p, path, upath, sizeof(path))) < 0)
			return r;
	} else {
		path[0] = '\0';
	}
	if (!path[0]) {
		struct ofile *f;
		if (!(flags & L_AT_EMPTY_PATH) && upath)
			return -L_ENOENT;
		if (dirfd == L_AT_FDCWD) {
			strlcpy(path, ".", sizeof(path));
		} else {
			if (!(f = fd_get(p, dirfd)))
				return -L_EBADF;
			if ((r = stat_of(p, f, &st)) < 0)
				return r;
			return copyout(p, ust, &st, sizeof(st));
		}
	}
	if ((r = dir_ino(p, dirfd, &dir)) < 0)
		return r;
	{
		char abs[512];
		if (proc_path(p, dirfd, path, abs, sizeof(abs))) {
			if ((r = procfs_stat(p, abs, &st)) < 0)
				return r;
			return copyout(p, ust, &st, sizeof(st));
		}
	}
	memset(&m, 0, sizeof(m));
	m.annex[0] = OM_STATAT;
	m.annex[1] = dir;
	m.annex[2] = (unsigned long)(flags & L_AT_SYMLINK_NOFOLLOW);
	m.annex[4] = cred_of(p);
	if ((r = om_path_call(&m, path, NULL, (char *)&st, sizeof(st))) < 0)
		return r;
	{
		struct vnode *v = vn_find(st.st_ino);
		if (v && L_S_ISTYPE(st.st_mode, L_S_IFREG))
			st.st_size = (int64_t)v->size;
	}
	return copyout(p, ust, &st, sizeof(st));
}

long
sys_getdents64(struct call *c, int fd, unsigned long ubuf, unsigned long count)
{
	struct proc *p = c->p;
	struct ofile *f = fd_get(p, fd);
	struct kmsg m;
	long r;

	if (!f)
		return -L_EBADF;
	if (f->kind == OF_PROC && f->len == ~0UL) {
		r = procfs_getdents(f, c->buf, count < PM_BODY ? count : PM_BODY);
		if (r > 0 && copyout(p, ubuf, c->buf, (unsigned long)r) < 0)
			return -L_EFAULT;
		return r;
	}
	if (f->kind != OF_DIR)
		return -L_ENOTDIR;
	memset(&m, 0, sizeof(m));
	m.annex[0] = OM_GETDENTS;
	m.annex[1] = f->ino;
	m.annex[2] = f->off;
	m.annex[3] = count < PM_BODY ? count : PM_BODY;
	{
		struct kaddr to = { .ui = om_port, .mode = K_ADDR_PORT };
		struct kmsg rep;
		memset(&rep, 0, sizeof(rep));
		rep.body = c->buf;
		rep.bodysize = PM_BODY;
		if (ipcCall(&m, &to, &rep, K_NOTIMEOUT) < 0)
			return -L_EIO;
		r = (long)rep.annex[0];
		if (r <= 0)
			return r;
		if ((unsigned long)r > rep.bodysize || (unsigned long)r > count)
			return -L_EIO;
		if (copyout(p, ubuf, c->buf, (unsigned long)r) < 0)
			return -L_EFAULT;
		f->off = rep.annex[1];
	}
	return r;
}
