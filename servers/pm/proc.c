// SPDX-License-Identifier: MIT
/*
 * Processes: the table, fork, exit, wait4, kill, process groups and
 * sessions.  A process group is also a port group whose members are the
 * control ports of its processes, named from the group's id (uiBuild)
 * and a secret of pm's, so stm can signal a terminal's foreground group
 * with one broadcast.  Everything here runs under pm_lock.
 */
#include "pm.h"

#define USER_LOW	0x10000UL
#define USER_END	0x800000000000UL
#define CLONE_VM	0x00000100UL
#define CLONE_VFORK	0x00004000UL
#define CLONE_THREAD	0x00010000UL
#define CLONE_SETTLS	0x00080000UL
#define CLONE_PARENT_SETTID	0x00100000UL
#define CLONE_CHILD_CLEARTID	0x00200000UL
#define CLONE_CHILD_SETTID	0x01000000UL

struct proc procs[NPROC];
static int next_pid = 1;

/* A process lives in slot pid % NPROC (proc_new), so this is one look. */
struct proc *
proc_find(int pid)
{
	struct proc *q;

	if (pid <= 0 || pid >= PID_MAX)
		return NULL;
	q = &procs[pid % NPROC];
	return q->state != P_FREE && q->pid == pid ? q : NULL;
}

static bool
pid_used(int pid)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state != P_FREE &&
		    (procs[i].pid == pid || procs[i].pgid == pid || procs[i].sid == pid))
			return true;
	return false;
}

/* A free slot with a new pid, the rest zero: the next pid whose slot
 * (pid % NPROC) is free and that no group or session still uses. */
struct proc *
proc_new(void)
{
	struct proc *p = NULL;
	struct sigstate *sig;
	int pid = 0;

	for (int n = 0; n < PID_MAX && !p; n++) {
		struct proc *q = &procs[(pid = next_pid++) % NPROC];
		if (next_pid >= PID_MAX)
			next_pid = 2;
		if (q->state == P_FREE && !q->twin_alive && (pid == 1 || !pid_used(pid)))
			p = q;
	}
	if (!p || !(sig = zalloc(sizeof(*sig))))
		return NULL;
	memset(p, 0, sizeof(*p));
	p->sig = sig;
	p->pid = pid;
	p->state = P_RUN;
	p->start_ns = timeNow();
	semInit(&p->wake, 0);
	return p;
}

/* The key of process group (or session) id's port group: only pm has it. */
struct kui
pgrp_key(int pgid)
{
	struct kui k = uiBuild(K_UI_KEY, pm_secret[0] ^ (unsigned long)pgid);

	k.stamp ^= pm_secret[1] << 20;
	return k;
}

struct kui
pgrp_name(int pgid)
{
	struct kui key = pgrp_key(pgid), name = { 0, 0 };

	grpAllocate(&key, &name);	/* -K_EEXIST: it is there; the name is written */
	return name;
}

void
pgrp_join(struct proc *p)
{
	struct kui key = pgrp_key(p->pgid);

	pgrp_name(p->pgid);
	grpInsert(&key, &p->ctl);
}

/* Leaves p's group; the group goes with its last member. */
void
pgrp_leave(struct proc *p)
{
	struct kui key = pgrp_key(p->pgid);

	grpRemove(&key, &p->ctl);
	for (int i = 0; i < NPROC; i++)
		if (&procs[i] != p && procs[i].state == P_RUN && procs[i].pgid == p->pgid)
			return;
	grpFree(&key);
}

/* Is there a process group pgid in session sid (-1: in any)? */
int
pgrp_exists(int pgid, int sid)
{
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state == P_RUN && procs[i].pgid == pgid &&
		    (sid < 0 || procs[i].sid == sid))
			return 1;
	return 0;
}

/* p's actor has its thread (suspended or not yet running): its ports and
 * its twin. */
long
proc_start(struct proc *p)
{
	struct kui want = unixPort(UNIX_PORT_PROC(p->pid));
	long r;

	if ((r = portCreate(NULL, &p->trap)) < 0)
		return errno_of(r);
	if ((r = portCreate(&want, &p->ctl)) < 0) {
		portDelete(&p->trap);
		return errno_of(r);
	}
	portEnable(&p->ctl, 0);
	pgrp_join(p);
	trap_connect(p, p->aid);
	if ((r = trapPort(p->aid, &p->trap)) < 0 || (r = twin_start(p)) < 0) {
		pgrp_leave(p);
		portDelete(&p->ctl);
		portDelete(&p->trap);
		return errno_of(r);
	}
	return 0;
}

static void
wake(struct proc *p)
{
	sig_interrupt(p);
}

/* p ends with wait status `status`: its files close, its actor goes, its
 * children go to process 1, its parent hears of it. */
void
proc_exit(struct proc *p, int status)
{
	struct proc *parent;

	if (p->state != P_RUN)
		return;
	if (p->pid == 1) {
		kprintf("pm: process 1 (%s) ended with status %#x: powering off\n", p->name, status);
		sysShutdown(0);
	}
	p->state = P_ZOMBIE;
	p->status = status;
	actorDelete(p->aid);
	fd_close_all(p);
	pgrp_leave(p);
	portDelete(&p->ctl);
	portDelete(&p->trap);
	sig_interrupt(p);		/* a twin that waits leaves */
	for (int i = 0; i < NPROC; i++) {
		struct proc *q = &procs[i];
		if (q->state != P_FREE && q->ppid == p->pid) {
			q->ppid = 1;
			if (q->state == P_ZOMBIE && (parent = proc_find(1)))
				wake(parent);
		}
	}
	free(p->sig);
	p->sig = NULL;
	parent = proc_find(p->ppid);
	if (!parent || parent->state != P_RUN) {
		p->state = P_FREE;
		return;
	}
	if (parent->sig && (parent->sig->act[L_SIGCHLD].handler == L_SIG_IGN ||
			    (parent->sig->act[L_SIGCHLD].flags & L_SA_NOCLDWAIT))) {
		p->state = P_FREE;	/* nobody will wait: reaped now */
		wake(parent);
		return;
	}
	sig_post(parent, L_SIGCHLD);
	wake(parent);
}

long
sys_fork(struct call *c, unsigned long flags, unsigned long ctid)
{
	struct proc *p = c->p, *q;
	struct kcontext k;
	long aid, tid, r;

	if (flags & (CLONE_THREAD | CLONE_VM)) {
		if (!(flags & CLONE_VFORK) || (flags & CLONE_THREAD))
			return -L_ENOSYS;	/* threads: not yet */
	}
	if (!(q = proc_new()))
		return -L_EAGAIN;
	q->ppid = p->pid;
	q->pgid = p->pgid;
	q->sid = p->sid;
	q->uid = p->uid; q->euid = p->euid; q->suid = p->suid;
	q->gid = p->gid; q->egid = p->egid; q->sgid = p->sgid;
	q->umask = p->umask;
	q->cwd = p->cwd;
	q->ctty = p->ctty;
	memcpy(q->cwdpath, p->cwdpath, sizeof(q->cwdpath));
	memcpy(q->name, p->name, sizeof(q->name));
	memcpy(q->exe, p->exe, sizeof(q->exe));
	memcpy(q->cmdline, p->cmdline, sizeof(q->cmdline));
	q->cmdlen = p->cmdlen;
	q->brk_start = p->brk_start;
	q->brk = p->brk;
	q->brk_mapped = p->brk_mapped;
	q->fsbase = p->fsbase;
	*q->sig = *p->sig;
	q->blocked = p->blocked;
	r = -L_ENOMEM;
	if ((aid = actorCreate(K_ACTOR_USER)) < 0)
		goto fail;
	q->aid = aid;
	if (rgnCopy(p->aid, (void *)USER_LOW, aid, (void *)USER_LOW, USER_END - USER_LOW) < 0 ||
	    threadContext(p->tid, K_CTX_GET, &k) < 0)
		goto fail_actor;
	k.rax = 0;
	if ((tid = threadCreateCtx(aid, &k, K_THREAD_SUSPENDED)) < 0)
		goto fail_actor;
	q->tid = tid;
	if (flags & CLONE_SETTLS)
		q->fsbase = c->tm.r8;
	threadSetFs(tid, q->fsbase);
	if (flags & CLONE_CHILD_SETTID)
		vmCopy(0, &q->pid, aid, (void *)ctid, 4);
	if (flags & CLONE_PARENT_SETTID)
		copyout(p, c->tm.rdx, &q->pid, 4);
	if (flags & CLONE_CHILD_CLEARTID)
		q->tid_clear = ctid;
	fd_fork(q, p);
	if ((r = proc_start(q)) < 0) {
		fd_close_all(q);
		goto fail_actor;
	}
	threadResume(tid);
	return q->pid;
fail_actor:
	actorDelete(aid);
fail:
	free(q->sig);
	q->sig = NULL;
	q->state = P_FREE;
	return r;
}

/* Does child q match wait4's pid argument for p? */
static bool
wait_match(struct proc *p, struct proc *q, int pid)
{
	if (q->ppid != p->pid || q->state == P_FREE)
		return false;
	if (pid > 0)
		return q->pid == pid;
	if (pid == 0)
		return q->pgid == p->pgid;
	if (pid < -1)
		return q->pgid == -pid;
	return true;
}

long
sys_wait4(struct call *c, int pid, unsigned long ustatus, int options)
{
	struct proc *p = c->p;
	int status;
	long r;

	if (options & ~(L_WNOHANG | L_WUNTRACED | L_WCONTINUED | 0x40000000 | 0x80000000))
		return -L_EINVAL;
	for (;;) {
		bool found = false;
		for (int i = 0; i < NPROC; i++) {
			struct proc *q = &procs[i];
			if (!wait_match(p, q, pid))
				continue;
			found = true;
			if (q->state == P_ZOMBIE) {
				status = q->status;
				r = q->pid;
				if (ustatus && copyout(p, ustatus, &status, 4) < 0)
					return -L_EFAULT;
				q->state = P_FREE;
				return r;
			}
			if ((options & L_WUNTRACED) && q->report_stop) {
				q->report_stop = false;
				status = L_W_STOPCODE(q->stopsig);
				if (ustatus && copyout(p, ustatus, &status, 4) < 0)
					return -L_EFAULT;
				return q->pid;
			}
			if ((options & L_WCONTINUED) && q->report_cont) {
				q->report_cont = false;
				status = L_W_CONTINUED;
				if (ustatus && copyout(p, ustatus, &status, 4) < 0)
					return -L_EFAULT;
				return q->pid;
			}
		}
		if (!found)
			return -L_ECHILD;
		if (options & L_WNOHANG)
			return 0;
		if ((r = sig_wait(c, K_NOTIMEOUT)) < 0 && r != -L_ETIMEDOUT)
			return r;
		if (p->state != P_RUN)
			return -L_EINTR;
	}
}

/* May a sender with these ids (a process of session sid) signal q? */
bool
may_signal_ids(unsigned uid, unsigned euid, int sid, const struct proc *q, int sig)
{
	if (euid == 0 || uid == q->uid || euid == q->uid || uid == q->suid || euid == q->suid)
		return true;
	return sig == L_SIGCONT && sid == q->sid;
}

static bool
may_signal(struct proc *p, struct proc *q, int sig)
{
	return may_signal_ids(p->uid, p->euid, p->sid, q, sig);
}

/*
 * kill(0) and kill(-pgid): one broadcast of UNIX_SIGNAL to the process
 * group's port group, whose members' control ports the control thread
 * serves (it checks each target against the sender's ids in the message).
 * An empty group is told by the send's -K_ENOMEMBER.  The sender, if in
 * the group, takes its own signal at once, as kill(2) wants; the control
 * thread skips it.  EPERM needs the table: no member the sender may signal.
 */
static long
kill_group(struct proc *p, int pgid, int sig)
{
	struct kui key = pgrp_key(pgid);
	struct kmsg m;
	struct kaddr to = { .ui = pgrp_name(pgid), .mode = K_ADDR_BROADCAST };
	bool allowed = false;
	long r;

	memset(&m, 0, sizeof(m));
	m.annex[0] = UNIX_SIGNAL;
	m.annex[1] = (unsigned long)sig;
	m.annex[2] = (unsigned long)p->pid;
	m.annex[3] = UNIX_CRED(p->uid, p->euid);
	m.annex[4] = (unsigned long)p->sid;
	r = ipcSend(&m, &to);
	if (r == -K_ENOMEMBER || r == -K_EUNKNOWN) {
		if (!pgrp_exists(pgid, -1))
			grpFree(&key);		/* made by pgrp_name for this send only */
		return -L_ESRCH;
	}
	for (int i = 0; i < NPROC; i++)
		if (procs[i].state == P_RUN && procs[i].pgid == pgid && may_signal(p, &procs[i], sig))
			allowed = true;
	if (!allowed)
		return -L_EPERM;
	if (sig && p->pgid == pgid)
		sig_post(p, sig);
	return 0;
}

long
sys_kill(struct call *c, int pid, int sig)
{
	struct proc *p = c->p;
	int found = 0, allowed = 0;

	if (sig < 0 || sig > L_NSIG)
		return -L_EINVAL;
	if (pid == 0 || pid < -1)
		return kill_group(p, pid ? -pid : p->pgid, sig);
	for (int i = 0; i < NPROC; i++) {
		struct proc *q = &procs[i];
		if (pid > 0) {
			q = proc_find(pid);	/* one process: one look */
			i = NPROC;
		} else if (q->pid == 1 || q == p || q->state != P_RUN) {
			continue;		/* -1: all the others */
		}
		if (!q)
			continue;
		found++;
		if (!may_signal(p, q, sig))
			continue;
		allowed++;
		if (sig && q->state == P_RUN)
			sig_post(q, sig);
	}
	if (!found)
		return -L_ESRCH;
	return allowed ? 0 : -L_EPERM;
}

long
sys_setpgid(struct call *c, int pid, int pgid)
{
	struct proc *p = c->p, *q = pid ? proc_find(pid) : p;

	if (pgid < 0)
		return -L_EINVAL;
	if (!q || q->state != P_RUN || (q != p && q->ppid != p->pid))
		return -L_ESRCH;
	if (q->sid != p->sid || q->pid == q->sid)
		return -L_EPERM;
	if (!pgid)
		pgid = q->pid;
	if (pgid != q->pid && !pgrp_exists(pgid, p->sid))
		return -L_EPERM;
	if (q->pgid == pgid)
		return 0;
	pgrp_leave(q);
	q->pgid = pgid;
	pgrp_join(q);
	return 0;
}

long
sys_setsid(struct call *c)
{
	struct proc *p = c->p;

	for (int i = 0; i < NPROC; i++)
		if (procs[i].state == P_RUN && procs[i].pgid == p->pid)
			return -L_EPERM;
	pgrp_leave(p);
	p->pgid = p->sid = p->pid;
	p->ctty = 0;
	pgrp_join(p);
	return p->sid;
}
