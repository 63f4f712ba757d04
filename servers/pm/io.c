// SPDX-License-Identifier: MIT
/*
 * Data calls: read and write (regular files through the nucleus page
 * cache with sgRead/sgWrite on om's segment, terminals and pipes through
 * stm), lseek, ioctl, pipes, sendfile (poll and select are in poll.c).
 * The internal kread/kwrite work on pm's buffer; the calls copy in and
 * out around them.
 */
#include "pm.h"

static unsigned long stm_seq_next = 1;

/*
 * A call to stm that may wait: pm_lock is released meanwhile, and a
 * signal for the process cancels it (STM_CANCEL with its sequence
 * number).  -ERESTARTSYS when cancelled.
 */
long
stm_call(struct call *c, struct kmsg *m, void *rbody, unsigned long rsize)
{
	struct proc *p = c->p;
	struct kaddr to = { .ui = stm_port, .mode = K_ADDR_PORT };
	struct kmsg rep;
	unsigned long seq = stm_seq_next++;
	long r;

	if (sig_deliverable(p))
		return -L_ERESTARTSYS;
	bool ioctl = m->annex[0] == STM_IOCTL;	/* w6-w7: a group, never waits */

	m->annex[4] = (unsigned long)p->pid;
	m->annex[5] = UNIX_PG(p->pgid, p->sid);
	if (!ioctl)
		m->annex[6] = seq;
	/* a process that ignores or blocks SIGTTOU may write to and
	 * change its terminal from the background: no job-control check */
	if (m->annex[0] != STM_READ && ((p->blocked & L_SIGBIT(L_SIGTTOU)) ||
					p->sig->act[L_SIGTTOU].handler == L_SIG_IGN))
		m->annex[5] |= UNIX_PG_NOTTOU;
	memset(&rep, 0, sizeof(rep));
	rep.body = rbody;
	rep.bodysize = rsize;
	p->stm_seq = ioctl ? 0 : seq;
	mutexRel(&pm_lock);
	r = ipcCall(m, &to, &rep, K_NOTIMEOUT);
	mutexGet(&pm_lock);
	p->stm_seq = 0;
	if (r < 0)
		return -L_EIO;
	r = (long)rep.annex[0];
	memcpy(m->annex, rep.annex, sizeof(m->annex));
	m->bodysize = rep.bodysize;
	if (p->state != P_RUN)
		return -L_EINTR;
	if (r == -L_EINTR)
		return -L_ERESTARTSYS;
	if (r == UNIX_R_TTIN || r == UNIX_R_TTOU) {
		int sig = r == UNIX_R_TTIN ? L_SIGTTIN : L_SIGTTOU;
		if ((p->blocked & L_SIGBIT(sig)) || p->sig->act[sig].handler == L_SIG_IGN)
			return -L_EIO;
		for (int i = 0; i < NPROC; i++)
			if (procs[i].state == P_RUN && procs[i].pgid == p->pgid)
				sig_post(&procs[i], sig);
		return -L_ERESTARTSYS;
	}
	return r;
}

/* f was written up to end: om keeps the size and the times. */
static void
file_written(struct ofile *f, unsigned long end)
{
	struct kmsg m;

	if (end > f->vn->size)
		f->vn->size = end;
	memset(&m, 0, sizeof(m));
	m.annex[0] = OM_WRITTEN;
	m.annex[1] = f->ino;
	m.annex[2] = f->vn->size;
	om_call(&m, NULL, 0);
}

/* Reads up to n bytes (n <= PM_BODY) of f into buf from *off. */
static long
kread(struct call *c, struct ofile *f, char *buf, unsigned long n, unsigned long *off)
{
	struct kmsg m;
	long r;

	if ((f->flags & L_O_ACCMODE) == L_O_WRONLY)
		return -L_EBADF;
	switch (f->kind) {
	case OF_FILE:
		if (*off >= f->vn->size)
			return 0;
		if (n > f->vn->size - *off)
			n = f->vn->size - *off;
		if (!n)
			return 0;
		if ((r = sgRead(&f->seg, *off, buf, n)) < 0)
			return -L_EIO;
		*off += n;
		return (long)n;
	case OF_DIR:
		return -L_EISDIR;
	case OF_PROC:
		if (f->len == ~0UL)
			return -L_EISDIR;
		if (*off >= f->len)
			return 0;
		if (n > f->len - *off)
			n = f->len - *off;
		memcpy(buf, f->data + *off, n);
		*off += n;
		return (long)n;
	case OF_NULL:
		return 0;
	case OF_ZERO:
		memset(buf, 0, n);
		return (long)n;
	case OF_STM:
		memset(&m, 0, sizeof(m));
		m.annex[0] = STM_READ;
		m.annex[1] = f->key;
		m.annex[2] = n;
		m.annex[3] = f->flags;
		r = stm_call(c, &m, buf, n);
		if (r > (long)n)
			r = -L_EIO;
		return r;
	default:
		return -L_EBADF;
	}
}

/* Writes n bytes (n <= PM_BODY) of buf to f at *off (or the end, O_APPEND). */
static long
kwrite(struct call *c, struct ofile *f, const char *buf, unsigned long n, unsigned long *off)
{
	struct kmsg m;
	long r;

	if ((f->flags & L_O_ACCMODE) == L_O_RDONLY)
		return -L_EBADF;
	switch (f->kind) {
	case OF_FILE:
		if (f->flags & L_O_APPEND)
			*off = f->vn->size;
		if (*off + n < *off || *off + n > (1UL << 40))
			return -L_EFBIG;
		if (n && sgWrite(&f->seg, *off, buf, n) < 0)
			return -L_EIO;
		*off += n;
		file_written(f, *off);
		return (long)n;
	case OF_DIR:
		return -L_EISDIR;
	case OF_NULL:
	case OF_ZERO:
		return (long)n;
	case OF_STM:
		memset(&m, 0, sizeof(m));
		m.annex[0] = STM_WRITE;
		m.annex[1] = f->key;
		m.annex[3] = f->flags;
		m.body = (void *)buf;
		m.bodysize = n;
		r = stm_call(c, &m, NULL, 0);
		if (r == -L_EPIPE)
			sig_post(c->p, L_SIGPIPE);
		return r;
	default:
		return -L_EBADF;
	}
}

/* The checks read and write share: the open file, where the transfer
 * starts (*poff for pread/pwrite, else the file's offset), the buffer. */
static long
rw_start(struct call *c, int fd, unsigned long ubuf, unsigned long n, const long *poff,
	 struct ofile **fp, unsigned long *off)
{
	struct ofile *f = fd_get(c->p, fd);

	if (!f)
		return -L_EBADF;
	if (poff && (f->kind != OF_FILE || *poff < 0))
		return f->kind == OF_FILE ? -L_EINVAL : -L_ESPIPE;
	if ((long)n < 0)
		return -L_EINVAL;
	if (!range_ok(ubuf, n))
		return -L_EFAULT;
	*fp = f;
	*off = poff ? (unsigned long)*poff : f->off;
	return 0;
}

/* A regular file's data straight between the page cache and the process
 * (sgReadTo, sgWriteFrom): it never crosses pm. */
static long
file_rw(struct call *c, struct ofile *f, unsigned long ubuf, unsigned long n, unsigned long *off,
	bool write)
{
	long r;

	if (!write) {
		if (*off >= f->vn->size)
			return 0;
		if (n > f->vn->size - *off)
			n = f->vn->size - *off;
	} else if (f->flags & L_O_APPEND) {
		*off = f->vn->size;
	}
	if (write && (*off + n < *off || *off + n > (1UL << 40)))
		return -L_EFBIG;
	if (!n)
		return 0;
	r = write ? sgWriteFrom(&f->seg, *off, c->p->aid, (const void *)ubuf, n)
		  : sgReadTo(&f->seg, *off, c->p->aid, (void *)ubuf, n);
	if (r < 0)
		return r == -K_EFAULT ? -L_EFAULT : -L_EIO;
	*off += n;
	if (write)
		file_written(f, *off);
	return (long)n;
}

/* read(2) and pread(2) (off != NULL: at *off, the file offset kept). */
static long
do_read(struct call *c, int fd, unsigned long ubuf, unsigned long n, long *poff)
{
	struct ofile *f;
	unsigned long off, done = 0;
	long r;

	if ((r = rw_start(c, fd, ubuf, n, poff, &f, &off)) < 0)
		return r;
	if (f->kind == OF_FILE && (f->flags & L_O_ACCMODE) != L_O_WRONLY) {
		r = file_rw(c, f, ubuf, n, &off, false);
		if (!poff && r > 0)
			f->off = off;
		return r;
	}
	while (done < n) {			/* through pm: /proc, devices, stm */
		unsigned long chunk = n - done < PM_BODY ? n - done : PM_BODY;
		r = kread(c, f, c->buf, chunk, &off);
		if (r <= 0)
			break;
		if (copyout(c->p, ubuf + done, c->buf, (unsigned long)r) < 0) {
			r = -L_EFAULT;
			break;
		}
		done += (unsigned long)r;
		if (f->kind != OF_PROC || (unsigned long)r < chunk)
			break;
	}
	if (!poff && f->kind == OF_PROC)
		f->off = off;
	return done ? (long)done : r;
}

static long
do_write(struct call *c, int fd, unsigned long ubuf, unsigned long n, long *poff)
{
	struct ofile *f;
	unsigned long off, done = 0;
	long r;

	if ((r = rw_start(c, fd, ubuf, n, poff, &f, &off)) < 0)
		return r;
	if (f->kind == OF_FILE && (f->flags & L_O_ACCMODE) != L_O_RDONLY) {
		r = file_rw(c, f, ubuf, n, &off, true);
		if (!poff && r >= 0)
			f->off = off;
		return r;
	}
	while (done < n || n == 0) {
		unsigned long chunk = n - done < PM_BODY ? n - done : PM_BODY;
		if (copyin(c->p, c->buf, ubuf + done, chunk) < 0) {
			r = -L_EFAULT;
			break;
		}
		r = kwrite(c, f, c->buf, chunk, &off);
		if (r <= 0)
			break;
		done += (unsigned long)r;
		if ((unsigned long)r < chunk || n == 0)
			break;
	}
	return done ? (long)done : r;
}

struct iovec64 { unsigned long base, len; };

static long
do_rwv(struct call *c, int fd, unsigned long uiov, int cnt, bool write, long *poff)
{
	struct iovec64 v;
	long total = 0, r = 0;

	if (cnt < 0 || cnt > 1024)
		return -L_EINVAL;
	for (int i = 0; i < cnt; i++) {
		if (copyin(c->p, &v, uiov + 16UL * (unsigned long)i, sizeof(v)) < 0)
			return total ? total : -L_EFAULT;
		if (!v.len)
			continue;
		r = write ? do_write(c, fd, v.base, v.len, poff) : do_read(c, fd, v.base, v.len, poff);
		if (r < 0)
			return total ? total : r;
		total += r;
		if (poff)
			*poff += r;
		if ((unsigned long)r < v.len)
			break;
	}
	return total;
}

static long
sys_lseek(struct call *c, int fd, long off, int whence)
{
	struct ofile *f = fd_get(c->p, fd);
	long base;

	if (!f)
		return -L_EBADF;
	if (f->kind == OF_STM)
		return -L_ESPIPE;
	if (f->kind == OF_NULL || f->kind == OF_ZERO)
		return 0;
	if (f->kind == OF_DIR) {
		if (whence != L_SEEK_SET || off != 0)
			return whence == L_SEEK_SET ? (f->off = (unsigned long)off, off) : -L_EINVAL;
		f->off = 0;
		return 0;
	}
	switch (whence) {
	case L_SEEK_SET: base = 0; break;
	case L_SEEK_CUR: base = (long)f->off; break;
	case L_SEEK_END: base = f->vn ? (long)f->vn->size : 0; break;
	default: return -L_EINVAL;
	}
	if (base + off < 0)
		return -L_EINVAL;
	f->off = (unsigned long)(base + off);
	return (long)f->off;
}

/* Makes f (a terminal) p's session's controlling terminal. */
long
stm_make_ctty(struct proc *p, struct ofile *f)
{
	struct kmsg m;
	struct kui g = pgrp_name(p->pgid);
	struct kaddr to = { .ui = stm_port, .mode = K_ADDR_PORT };

	memset(&m, 0, sizeof(m));
	m.annex[0] = STM_IOCTL;
	m.annex[1] = f->key;
	m.annex[2] = L_TIOCSCTTY;
	m.annex[4] = (unsigned long)p->pid;
	m.annex[5] = UNIX_PG(p->pgid, p->sid);
	m.annex[6] = g.head;
	m.annex[7] = g.stamp;
	if (ipcCall(&m, &to, &m, K_NOTIMEOUT) < 0 || (long)m.annex[0] < 0)
		return -L_EPERM;
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state == P_RUN && procs[i].sid == p->sid)
			procs[i].ctty = f->rdev;
	return 0;
}

static long
sys_ioctl(struct call *c, int fd, unsigned long req, unsigned long arg)
{
	struct proc *p = c->p;
	struct ofile *f = fd_get(p, fd);
	struct kmsg m;
	unsigned long insize = 0, outsize = 0;
	char in[64], out[64];
	long r;

	if (!f)
		return -L_EBADF;
	switch (req) {
	case L_FIONBIO: {
		int v;
		if (copyin(p, &v, arg, 4) < 0)
			return -L_EFAULT;
		f->flags = v ? f->flags | L_O_NONBLOCK : f->flags & ~(unsigned)L_O_NONBLOCK;
		return 0;
	}
	case L_FIOCLEX: p->cloexec[fd] = 1; return 0;
	case L_FIONCLEX: p->cloexec[fd] = 0; return 0;
	}
	if (f->kind != OF_STM)
		return -L_ENOTTY;
	memset(&m, 0, sizeof(m));
	switch (req) {
	case L_TCGETS: outsize = sizeof(struct linux_termios); break;
	case L_TCSETS: case L_TCSETSW: case L_TCSETSF: insize = sizeof(struct linux_termios); break;
	case L_TIOCGWINSZ: outsize = sizeof(struct linux_winsize); break;
	case L_TIOCSWINSZ: insize = sizeof(struct linux_winsize); break;
	case L_TIOCGPGRP: case L_TIOCGSID: case L_FIONREAD: case L_TIOCOUTQ: outsize = 4; break;
	case L_TIOCSPGRP: {
		int pg;
		struct kui g;
		if (copyin(p, &pg, arg, 4) < 0)
			return -L_EFAULT;
		if (pg <= 0)
			return -L_EINVAL;
		if (!pgrp_exists(pg, p->sid))
			return -L_EPERM;
		g = pgrp_name(pg);
		m.annex[6] = g.head;
		m.annex[7] = g.stamp;
		memcpy(in, &pg, 4);
		insize = 4;
		break;
	}
	case L_TIOCSCTTY:
		if (p->sid != p->pid)
			return -L_EPERM;
		return stm_make_ctty(p, f);
	case L_TIOCNOTTY:
		if (p->ctty != f->rdev)
			return -L_ENOTTY;
		p->ctty = 0;
		return 0;
	case L_TCFLSH: case L_TCSBRK: case L_TCXONC: case 0x5425: /* TCSBRKP */
		break;
	default:
		return -L_ENOTTY;
	}
	if (insize && copyin(p, in, arg, insize) < 0)
		return -L_EFAULT;
	m.annex[0] = STM_IOCTL;
	m.annex[1] = f->key;
	m.annex[2] = req;
	m.annex[3] = arg;
	m.body = insize ? in : NULL;
	m.bodysize = insize;
	{
		unsigned long g6 = m.annex[6], g7 = m.annex[7];
		r = stm_call(c, &m, out, sizeof(out));
		(void)g6;
		(void)g7;
	}
	if (r < 0)
		return r;
	if (outsize && (m.bodysize < outsize || copyout(p, arg, out, outsize) < 0))
		return m.bodysize < outsize ? -L_EIO : -L_EFAULT;
	return r;
}

static long
sys_pipe2(struct call *c, unsigned long ufds, unsigned flags)
{
	struct proc *p = c->p;
	struct kmsg m;
	struct kaddr to = { .ui = stm_port, .mode = K_ADDR_PORT };
	struct ofile *rf, *wf;
	int fds[2];
	long r;

	if (flags & ~(unsigned)(L_O_CLOEXEC | L_O_NONBLOCK))
		return -L_EINVAL;
	memset(&m, 0, sizeof(m));
	m.annex[0] = STM_PIPE;
	m.annex[2] = flags;
	if (ipcCall(&m, &to, &m, K_NOTIMEOUT) < 0)
		return -L_EIO;
	if ((long)m.annex[0] < 0)
		return (long)m.annex[0];
	rf = of_new();
	wf = of_new();
	if (!rf || !wf) {
		of_free(rf);
		of_free(wf);
		return -L_ENOMEM;
	}
	*rf = (struct ofile){ .refs = 1, .kind = OF_STM, .flags = L_O_RDONLY | (flags & L_O_NONBLOCK),
			      .key = m.annex[1], .mode = L_S_IFIFO | 0600 };
	*wf = (struct ofile){ .refs = 1, .kind = OF_STM, .flags = L_O_WRONLY | (flags & L_O_NONBLOCK),
			      .key = m.annex[2], .mode = L_S_IFIFO | 0600 };
	if ((r = fd_alloc(p, rf, 0, flags & L_O_CLOEXEC)) < 0) {
		of_put(rf);
		of_put(wf);
		return r;
	}
	fds[0] = (int)r;
	if ((r = fd_alloc(p, wf, 0, flags & L_O_CLOEXEC)) < 0) {
		p->fd[fds[0]] = NULL;
		of_put(rf);
		of_put(wf);
		return r;
	}
	fds[1] = (int)r;
	if (copyout(p, ufds, fds, sizeof(fds)) < 0) {
		p->fd[fds[0]] = p->fd[fds[1]] = NULL;
		of_put(rf);
		of_put(wf);
		return -L_EFAULT;
	}
	return 0;
}

static long
sys_sendfile(struct call *c, int out, int in, unsigned long uoff, unsigned long count)
{
	struct ofile *fi = fd_get(c->p, in), *fo = fd_get(c->p, out);
	unsigned long off, done = 0;
	long r = 0, w;

	if (!fi || !fo)
		return -L_EBADF;
	if (uoff) {
		if (copyin(c->p, &off, uoff, 8) < 0)
			return -L_EFAULT;
	} else {
		off = fi->off;
	}
	while (done < count) {
		unsigned long chunk = count - done < PM_BODY ? count - done : PM_BODY, woff = fo->off;
		if ((r = kread(c, fi, c->buf, chunk, &off)) <= 0)
			break;
		if ((w = kwrite(c, fo, c->buf, (unsigned long)r, &woff)) < 0) {
			r = w;
			break;
		}
		if (fo->kind == OF_FILE)
			fo->off = woff;
		done += (unsigned long)w;
		if (w < r)
			break;
	}
	if (uoff)
		copyout(c->p, uoff, &off, 8);
	else if (fi->kind == OF_FILE || fi->kind == OF_PROC)
		fi->off = off;
	return done ? (long)done : r;
}

long
io_syscall(struct call *c, long nr, bool *handled)
{
	struct ktrapmsg *t = &c->tm;
	unsigned long a0 = t->rdi, a1 = t->rsi, a2 = t->rdx, a3 = t->r10, a4 = t->r8;
	int d0 = (int)a0;
	long off = (long)a3, ns, r;

	switch (nr) {
	case 0: return do_read(c, d0, a1, a2, NULL);
	case 1: return do_write(c, d0, a1, a2, NULL);
	case 17: return do_read(c, d0, a1, a2, &off);
	case 18: return do_write(c, d0, a1, a2, &off);
	case 19: return do_rwv(c, d0, a1, (int)a2, false, NULL);
	case 20: return do_rwv(c, d0, a1, (int)a2, true, NULL);
	case 295: return do_rwv(c, d0, a1, (int)a2, false, &off);		/* preadv */
	case 296: return do_rwv(c, d0, a1, (int)a2, true, &off);		/* pwritev */
	case 8: return sys_lseek(c, d0, (long)a1, (int)a2);
	case 16: return sys_ioctl(c, d0, a1 & 0xffffffffUL, a2);
	case 22: return sys_pipe2(c, a0, 0);
	case 293: return sys_pipe2(c, a0, (unsigned)a1);
	case 7: return sys_poll(c, a0, a1, (int)a2 < 0 ? -1 : (long)(int)a2 * 1000000L);
	case 271:								/* ppoll */
		if ((r = timeout_of(c, a2, false, &ns)) < 0 || (r = with_mask(c, a3)) < 0)
			return r;
		return sys_poll(c, a0, a1, ns);
	case 23:								/* select */
		if ((r = timeout_of(c, a4, true, &ns)) < 0)
			return r;
		return sys_select(c, d0, a1, a2, a3, ns);
	case 270: {								/* pselect6 */
		unsigned long sm[2] = { 0, 0 };
		if ((r = timeout_of(c, a4, false, &ns)) < 0)
			return r;
		if (t->r9 && copyin(c->p, sm, t->r9, sizeof(sm)) < 0)
			return -L_EFAULT;
		if ((r = with_mask(c, sm[0])) < 0)
			return r;
		return sys_select(c, d0, a1, a2, a3, ns);
	}
	case 40: return sys_sendfile(c, d0, (int)a1, a2, a3);
	}
	*handled = false;
	return 0;
}
