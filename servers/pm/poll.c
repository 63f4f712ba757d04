// SPDX-License-Identifier: MIT
/*
 * poll and select (and ppoll, pselect6): pm asks stm for the events of
 * its objects (files and devices of pm's are always ready); if none
 * holds, it asks again with a cookie, so that stm sends pm a notice
 * (STM_NOTIFY) when one of them changes, and waits for that, a signal or
 * the timeout.
 */
#include "pm.h"

/* The events of f that hold now; with arm, stm will notify pm of a change. */
static int
poll_one(struct call *c, struct ofile *f, int events, bool arm)
{
	struct kmsg m;
	struct kaddr to = { .ui = stm_port, .mode = K_ADDR_PORT };

	if (f->kind != OF_STM)
		return events & (L_POLLIN | L_POLLOUT | L_POLLRDNORM | L_POLLWRNORM);
	memset(&m, 0, sizeof(m));
	m.annex[0] = STM_POLL;
	m.annex[1] = f->key;
	m.annex[2] = (unsigned long)(uint16_t)events;
	m.annex[3] = arm ? (unsigned long)c->p->pid : 0;
	if (ipcCall(&m, &to, &m, K_NOTIMEOUT) < 0)
		return L_POLLERR;
	if ((long)m.annex[0] < 0)
		return L_POLLNVAL;
	return (int)m.annex[0] & (events | L_POLLERR | L_POLLHUP);
}

/* poll over pm's copy of the fds; timeout in ns (-1: none). */
static long
do_poll(struct call *c, struct linux_pollfd *pf, unsigned long n, long timeout)
{
	long end = timeout > 0 ? timeNow() + timeout : 0, r;

	for (bool arm = false;; arm = true) {
		long ready = 0;
		for (unsigned long i = 0; i < n; i++) {
			struct ofile *f = pf[i].fd >= 0 ? fd_get(c->p, pf[i].fd) : NULL;
			pf[i].revents = 0;
			if (pf[i].fd < 0)
				continue;
			if (!f)
				pf[i].revents = L_POLLNVAL;
			else
				pf[i].revents = (int16_t)poll_one(c, f, pf[i].events, arm && timeout != 0);
			if (pf[i].revents)
				ready++;
		}
		if (ready || timeout == 0)
			return ready;
		if (!arm)
			continue;		/* once more, asking stm to tell us of changes */
		if (timeout > 0 && timeNow() >= end)
			return 0;
		r = sig_wait(c, timeout > 0 ? end - timeNow() : K_NOTIMEOUT);
		if (r == -L_ERESTARTSYS || r == -L_EINTR)
			return -L_EINTR;
	}
}

long
sys_poll(struct call *c, unsigned long ufds, unsigned long n, long timeout_ns)
{
	struct linux_pollfd *pf;
	long r;

	if (n > NFD)
		return -L_EINVAL;
	pf = (struct linux_pollfd *)c->buf;
	if (copyin(c->p, pf, ufds, n * sizeof(*pf)) < 0)
		return -L_EFAULT;
	r = do_poll(c, pf, n, timeout_ns);
	if (r >= 0 && copyout(c->p, ufds, pf, n * sizeof(*pf)) < 0)
		return -L_EFAULT;
	return r;
}

/* select(2) as poll: the three fd sets in, the ready ones out. */
long
sys_select(struct call *c, int nfds, unsigned long ur, unsigned long uw, unsigned long ue,
	   long timeout_ns)
{
	unsigned long rs[NFD / 64] = { 0 }, ws[NFD / 64] = { 0 }, es[NFD / 64] = { 0 };
	struct linux_pollfd *pf = (struct linux_pollfd *)c->buf;
	unsigned long n = 0, bytes;
	long r, count = 0;

	if (nfds < 0)
		return -L_EINVAL;
	if (nfds > NFD)
		nfds = NFD;
	bytes = ((unsigned long)nfds + 63) / 64 * 8;
	if ((ur && copyin(c->p, rs, ur, bytes) < 0) || (uw && copyin(c->p, ws, uw, bytes) < 0) ||
	    (ue && copyin(c->p, es, ue, bytes) < 0))
		return -L_EFAULT;
	for (int fd = 0; fd < nfds; fd++) {
		int ev = 0;
		if (rs[fd / 64] & (1UL << (fd % 64)))
			ev |= L_POLLIN;
		if (ws[fd / 64] & (1UL << (fd % 64)))
			ev |= L_POLLOUT;
		if (!ev)
			continue;
		if (!fd_get(c->p, fd))
			return -L_EBADF;
		pf[n++] = (struct linux_pollfd){ .fd = fd, .events = (int16_t)ev };
	}
	r = do_poll(c, pf, n, timeout_ns);
	if (r < 0)
		return r;
	memset(rs, 0, sizeof(rs));
	memset(ws, 0, sizeof(ws));
	memset(es, 0, sizeof(es));
	for (unsigned long i = 0; i < n; i++) {
		int fd = pf[i].fd;
		if (pf[i].revents & (L_POLLIN | L_POLLHUP | L_POLLERR) && (pf[i].events & L_POLLIN)) {
			rs[fd / 64] |= 1UL << (fd % 64);
			count++;
		}
		if (pf[i].revents & (L_POLLOUT | L_POLLERR) && (pf[i].events & L_POLLOUT)) {
			ws[fd / 64] |= 1UL << (fd % 64);
			count++;
		}
	}
	if ((ur && copyout(c->p, ur, rs, bytes) < 0) || (uw && copyout(c->p, uw, ws, bytes) < 0) ||
	    (ue && copyout(c->p, ue, es, bytes) < 0))
		return -L_EFAULT;
	return count;
}

long
timeout_of(struct call *c, unsigned long uts, bool timeval, long *ns)
{
	if (!uts) {
		*ns = -1;
		return 0;
	}
	if (timeval) {
		struct linux_timeval tv;
		if (copyin(c->p, &tv, uts, sizeof(tv)) < 0)
			return -L_EFAULT;
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -L_EINVAL;
		*ns = tv.tv_sec * 1000000000L + tv.tv_usec * 1000L;
	} else {
		struct linux_timespec ts;
		if (copyin(c->p, &ts, uts, sizeof(ts)) < 0)
			return -L_EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
			return -L_EINVAL;
		*ns = ts.tv_sec * 1000000000L + ts.tv_nsec;
	}
	return 0;
}

/* ppoll/pselect6 with a signal mask: as sigsuspend around the wait. */
long
with_mask(struct call *c, unsigned long umask)
{
	unsigned long set;

	if (!umask)
		return 0;
	if (copyin(c->p, &set, umask, 8) < 0)
		return -L_EFAULT;
	c->p->saved_mask = c->p->blocked;
	c->p->restore_mask = true;
	c->p->blocked = set & ~(L_SIGBIT(L_SIGKILL) | L_SIGBIT(L_SIGSTOP));
	return 0;
}
