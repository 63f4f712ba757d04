// SPDX-License-Identifier: MIT
/*
 * Descriptors, open files and the calls on names: pm keeps each
 * process's descriptor table and the open files (offset, status flags)
 * they share across dup and fork; om resolves names and keeps attributes;
 * stm serves terminals and pipes.  Data calls are in io.c.
 */
#include "pm.h"

static struct vnode *vnodes;
unsigned long n_ofiles, n_vnodes;	/* alive: what /proc/objects shows */

struct ofile *
of_new(void)
{
	struct ofile *f = zalloc(sizeof(*f));

	if (f)
		n_ofiles++;
	return f;
}

void
of_free(struct ofile *f)
{
	if (!f)
		return;
	n_ofiles--;
	free(f->path);
	free(f->data);
	free(f);
}

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
static long
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

/* om's OM_CLOSE of a node, stm's STM_CLOSE of a key: a call, not a
 * one-way message, which a full queue could drop (a leak). */
static void
send_close(const struct kui *port, unsigned long op, unsigned long what)
{
	struct kmsg m;
	struct kaddr to = { .ui = *port, .mode = K_ADDR_PORT };

	memset(&m, 0, sizeof(m));
	m.annex[0] = op;
	m.annex[1] = what;
	ipcCall(&m, &to, &m, K_NOTIMEOUT);
}

static void om_close(unsigned long ino) { send_close(&om_port, OM_CLOSE, ino); }

static struct vnode *
vn_get(unsigned long ino, unsigned long size)
{
	struct vnode *v;

	for (v = vnodes; v; v = v->next)
		if (v->ino == ino) {
			v->refs++;
			return v;
		}
	if (!(v = zalloc(sizeof(*v))))
		return NULL;
	v->ino = ino;
	v->size = size;
	v->refs = 1;
	v->next = vnodes;
	vnodes = v;
	n_vnodes++;
	return v;
}

static void
vn_put(struct vnode *v)
{
	struct vnode **pp;

	if (--v->refs > 0)
		return;
	for (pp = &vnodes; *pp; pp = &(*pp)->next)
		if (*pp == v) {
			*pp = v->next;
			break;
		}
	n_vnodes--;
	free(v);
}

/* The vnode of ino if a file is open, to keep its size right after a
 * truncation by name. */
static struct vnode *
vn_find(unsigned long ino)
{
	for (struct vnode *v = vnodes; v; v = v->next)
		if (v->ino == ino)
			return v;
	return NULL;
}

void
of_put(struct ofile *f)
{
	if (!f || --f->refs > 0)
		return;
	if (f->kind == OF_STM)
		send_close(&stm_port, STM_CLOSE, f->key);
	if (f->ino)
		om_close(f->ino);
	if (f->vn)
		vn_put(f->vn);
	of_free(f);
}

long
fd_alloc(struct proc *p, struct ofile *f, int from, bool cloexec)
{
	for (int fd = from; fd < NFD; fd++)
		if (!p->fd[fd]) {
			p->fd[fd] = f;
			p->cloexec[fd] = cloexec;
			return fd;
		}
	return -L_EMFILE;
}

struct ofile *
fd_get(struct proc *p, int fd)
{
	if (fd < 0 || fd >= NFD)
		return NULL;
	return p->fd[fd];
}

static long
fd_close(struct proc *p, int fd)
{
	struct ofile *f = fd_get(p, fd);

	if (!f)
		return -L_EBADF;
	p->fd[fd] = NULL;
	p->cloexec[fd] = 0;
	of_put(f);
	return 0;
}

void
fd_close_all(struct proc *p)
{
	for (int fd = 0; fd < NFD; fd++)
		if (p->fd[fd])
			fd_close(p, fd);
	if (p->exe_of) {
		of_put(p->exe_of);
		p->exe_of = NULL;
	}
}

void
fd_fork(struct proc *child, struct proc *parent)
{
	for (int fd = 0; fd < NFD; fd++)
		if ((child->fd[fd] = parent->fd[fd])) {
			child->fd[fd]->refs++;
			child->cloexec[fd] = parent->cloexec[fd];
		}
	if ((child->exe_of = parent->exe_of))
		child->exe_of->refs++;
}

void
fd_exec(struct proc *p)
{
	for (int fd = 0; fd < NFD; fd++)
		if (p->fd[fd] && p->cloexec[fd])
			fd_close(p, fd);
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

static long
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

static long
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

static long
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

static long
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

static long
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

long io_syscall(struct call *c, long nr, bool *handled);

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
