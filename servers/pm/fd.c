// SPDX-License-Identifier: MIT
/*
 * Descriptor tables and open files: an open file (offset, status flags,
 * the server object it names) is shared by the descriptors that dup and
 * fork make; its last reference closes the object at om or stm.  A
 * vnode holds a regular file's size for all its open files.
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

void om_close(unsigned long ino) { send_close(&om_port, OM_CLOSE, ino); }

struct vnode *
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
struct vnode *
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

long
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
