// SPDX-License-Identifier: MIT
/*
 * Signals.  A posted signal is a pending bit; it acts when the process
 * next leaves pm (the end of a system call: sig_at_return) or at once if
 * it runs its own code: pm suspends its thread at its boundary and moves
 * it into the handler (threadContext), so a process that never makes a
 * system call can still be stopped or killed.  A twin waiting for the
 * process (wait4, pause, a pipe) is woken (sig_interrupt) and the call
 * ends with -ERESTARTSYS: restarted for SA_RESTART handlers and for
 * signals without a handler, -EINTR otherwise.
 *
 * The handler's frame is Linux's rt_sigframe: the return address
 * (sa_restorer), a ucontext with the interrupted registers and mask, and
 * a siginfo; above it, 64-byte aligned, the FPU and SSE state (FXSAVE
 * format) that uc_mcontext.fpstate points at.  The registers and the
 * FPU area come from the nucleus in one threadContext (K_CTX_ALL_GET),
 * the whole frame goes out in one copy, and rt_sigreturn reads it back
 * in one copy when fpstate is where pm put it and puts both back in one
 * threadContext (K_CTX_ALL_SET).
 */
#include "pm.h"

#define SIGMASK_FIXED	(L_SIGBIT(L_SIGKILL) | L_SIGBIT(L_SIGSTOP))
#define STOPSIGS	(L_SIGBIT(L_SIGSTOP) | L_SIGBIT(L_SIGTSTP) | L_SIGBIT(L_SIGTTIN) | \
			 L_SIGBIT(L_SIGTTOU))

struct sigcontext64 {
	unsigned long r8, r9, r10, r11, r12, r13, r14, r15, rdi, rsi, rbp, rbx, rdx, rax, rcx,
		      rsp, rip, eflags;
	unsigned short cs, gs, fs, ss;
	unsigned long err, trapno, oldmask, cr2, fpstate, reserved[8];
};

struct ucontext64 {
	unsigned long flags, link;
	unsigned long ss_sp;
	int ss_flags, pad;
	unsigned long ss_size;
	struct sigcontext64 mc;
	unsigned long sigmask;
};

struct siginfo64 {
	int signo, errno_, code, pad;
	union {
		struct { int pid; unsigned uid; int status; } kill;
		unsigned long addr;
		char raw[112];
	};
};

struct sigframe {
	unsigned long restorer;
	struct ucontext64 uc;
	struct siginfo64 info;
};
_Static_assert(sizeof(struct siginfo64) == 128, "siginfo");

enum { DFL_TERM, DFL_CORE, DFL_IGN, DFL_STOP, DFL_CONT };

static int
default_action(int sig)
{
	switch (sig) {
	case L_SIGCHLD: case L_SIGURG: case L_SIGWINCH:
		return DFL_IGN;
	case L_SIGCONT:
		return DFL_CONT;
	case L_SIGSTOP: case L_SIGTSTP: case L_SIGTTIN: case L_SIGTTOU:
		return DFL_STOP;
	case L_SIGQUIT: case L_SIGILL: case L_SIGTRAP: case L_SIGABRT: case L_SIGBUS:
	case L_SIGFPE: case L_SIGSEGV: case L_SIGXCPU: case L_SIGXFSZ: case L_SIGSYS:
		return DFL_CORE;
	default:
		return DFL_TERM;
	}
}

static unsigned long
deliverable(struct proc *p)
{
	return p->pending & ~(p->blocked & ~SIGMASK_FIXED);
}

bool
sig_deliverable(struct proc *p)
{
	return deliverable(p) != 0;
}

static void
notify_parent(struct proc *p)
{
	struct proc *parent = proc_find(p->ppid);

	if (!parent || parent->state != P_RUN)
		return;
	if (!(parent->sig->act[L_SIGCHLD].flags & L_SA_NOCLDSTOP))
		sig_post(parent, L_SIGCHLD);
	sig_interrupt(parent);
}

static void
do_stop(struct proc *p, int sig)
{
	if (p->stopped)
		return;
	p->stopped = true;
	p->stopsig = sig;
	p->report_stop = true;
	p->report_cont = false;
	threadSuspend(p->tid);
	notify_parent(p);
}

static void
do_continue(struct proc *p)
{
	if (!p->stopped)
		return;
	p->stopped = false;
	p->report_cont = true;
	p->report_stop = false;
	threadResume(p->tid);
	notify_parent(p);
}

/* threadContext with the FPU area (K_CTX_ALL_*): the thread may still
 * be on its way off its processor when pm hears of it (-K_EAGAIN): ask
 * again. */
static long
state_op(long tid, long op, struct kthreadstate *area)
{
	long r;

	for (int i = 0; i < 1000; i++) {
		if ((r = threadContext(tid, op, &area->ctx)) != -K_EAGAIN)
			return r;
		threadYield();
	}
	return r;
}

/* The frame and the FPU area above it, as one copy: fpstate is at most
 * FRAME_GAP bytes past the frame (its 16-byte alignment, and the return
 * address's 8). */
#define FRAME_GAP	24
struct frame_copy {
	struct sigframe f;
	unsigned char rest[FRAME_GAP + 512];
};

/* Writes the frame for `sig` on the process's stack and moves s->ctx
 * into the handler (the caller sets it); s->ctx.rax is what the
 * interrupted code gets back in rax. */
static long
push_frame(struct proc *p, int sig, struct kthreadstate *s, unsigned long mask, int code,
	   unsigned long addr)
{
	struct linux_sigaction *a = &p->sig->act[sig];
	struct kcontext *k = &s->ctx;
	struct frame_copy fc;
	struct sigframe *fp = &fc.f;
	unsigned long sp, fpsp;

	fpsp = (k->rsp - 128 - sizeof(s->fpu)) & ~63UL;	/* below the red zone */
	sp = (fpsp - sizeof(*fp)) & ~15UL;
	sp -= 8;					/* as after a call */
	memset(&fc, 0, fpsp - sp);
	memcpy((char *)&fc + (fpsp - sp), s->fpu, sizeof(s->fpu));
	fp->restorer = a->restorer;
	fp->uc.mc = (struct sigcontext64){
		.r8 = k->r8, .r9 = k->r9, .r10 = k->r10, .r11 = k->r11, .r12 = k->r12,
		.r13 = k->r13, .r14 = k->r14, .r15 = k->r15, .rdi = k->rdi, .rsi = k->rsi,
		.rbp = k->rbp, .rbx = k->rbx, .rdx = k->rdx, .rax = k->rax, .rcx = k->rcx,
		.rsp = k->rsp, .rip = k->rip, .eflags = k->rflags, .cs = 0x33, .ss = 0x2b,
		.trapno = k->vector < 32 ? k->vector : 0, .err = k->error, .oldmask = mask,
		.cr2 = addr, .fpstate = fpsp,
	};
	fp->uc.sigmask = mask;
	fp->info.signo = sig;
	fp->info.code = code;
	if (sig == L_SIGSEGV || sig == L_SIGBUS || sig == L_SIGILL || sig == L_SIGFPE)
		fp->info.addr = addr;
	if (copyout(p, sp, &fc, fpsp + sizeof(s->fpu) - sp) < 0)
		return -L_EFAULT;
	k->rsp = sp;
	k->rip = a->handler;
	k->rdi = (unsigned long)sig;
	k->rsi = sp + __builtin_offsetof(struct sigframe, info);
	k->rdx = sp + __builtin_offsetof(struct sigframe, uc);
	k->rax = 0;
	k->rflags &= ~(1UL << 10);			/* DF clear */
	p->blocked |= a->mask | (a->flags & L_SA_NODEFER ? 0 : L_SIGBIT(sig));
	p->blocked &= ~SIGMASK_FIXED;
	if (a->flags & L_SA_RESETHAND)
		a->handler = L_SIG_DFL;
	return 0;
}

void
sig_post(struct proc *p, int sig)
{
	struct linux_sigaction *a;
	int dfl;

	if (p->state != P_RUN || !p->sig)
		return;
	a = &p->sig->act[sig];
	dfl = default_action(sig);
	if (sig == L_SIGKILL) {
		proc_exit(p, sig);
		return;
	}
	if (sig == L_SIGCONT) {
		p->pending &= ~STOPSIGS;
		do_continue(p);
	} else if (L_SIGBIT(sig) & STOPSIGS) {
		p->pending &= ~L_SIGBIT(L_SIGCONT);
	}
	if (a->handler == L_SIG_IGN || (a->handler == L_SIG_DFL && (dfl == DFL_IGN || dfl == DFL_CONT)))
		return;
	p->pending |= L_SIGBIT(sig);
	if (deliverable(p))
		sig_interrupt(p);
}

/* Acts on the process's deliverable signals now, if it runs its own code. */
static void
deliver_async(struct proc *p)
{
	struct kthreadstat st;
	struct kthreadstate s;

	if (p->stopped && !(deliverable(p) & L_SIGBIT(L_SIGKILL)))
		return;
	if (threadSuspend(p->tid) < 0)
		return;
	for (int i = 0; i < 2000; i++) {
		if (threadStat(p->tid, &st) < 0)
			break;
		if (st.state == K_TS_SUSPENDED) {
			/* stopped at its boundary, in its own code */
			while (p->state == P_RUN && deliverable(p)) {
				int sig = __builtin_ctzl(deliverable(p)) + 1;
				struct linux_sigaction *a = &p->sig->act[sig];
				unsigned long mask = p->blocked;
				p->pending &= ~L_SIGBIT(sig);
				if (a->handler == L_SIG_DFL) {
					int d = default_action(sig);
					if (d == DFL_TERM || d == DFL_CORE) {
						proc_exit(p, sig | (d == DFL_CORE ? L_WCOREFLAG : 0));
						return;
					}
					if (d == DFL_STOP)
						do_stop(p, sig);
					continue;
				}
				if (a->handler == L_SIG_IGN)
					continue;
				if (state_op(p->tid, K_CTX_ALL_GET, &s) < 0)
					break;
				if (push_frame(p, sig, &s, mask, 0, 0) < 0) {
					proc_exit(p, L_SIGSEGV | L_WCOREFLAG);
					return;
				}
				threadContext(p->tid, K_CTX_SET, &s.ctx);
				break;
			}
			break;
		}
		if (st.state == K_TS_BLOCKED && threadContext(p->tid, K_CTX_GET, &s.ctx) == K_OK)
			break;		/* in a trap message: its twin acts at the end */
		threadSleep(20000);
	}
	if (p->state == P_RUN)
		threadResume(p->tid);
}

/* Makes the process notice its signals (or a state change it waits for). */
void
sig_interrupt(struct proc *p)
{
	if (p->in_handler)
		return;		/* pm_trap looks before it leaves */
	if (p->in_call) {
		if (p->waiting)
			semV(&p->wake);
		else
			p->kick = true;
		if (p->stm_seq) {
			struct kmsg m = { .annex = { STM_CANCEL, (unsigned long)p->pid, p->stm_seq } };
			struct kaddr to = { .ui = stm_port, .mode = K_ADDR_PORT };
			ipcSend(&m, &to);
		}
		return;
	}
	if (p->state == P_RUN && deliverable(p))
		deliver_async(p);
}

/*
 * The twin waits (pm_lock released) until woken, a signal is to be taken
 * or timeout ns pass (K_NOTIMEOUT: none).  0 when woken, -ERESTARTSYS for
 * a signal, -ETIMEDOUT.
 */
long
sig_wait(struct call *c, long timeout)
{
	struct proc *p = c->p;
	long r;

	if (deliverable(p))
		return -L_ERESTARTSYS;
	if (p->kick) {
		p->kick = false;
		return 0;
	}
	p->waiting = true;
	mutexRel(&pm_lock);
	r = semP(&p->wake, timeout);
	mutexGet(&pm_lock);
	p->waiting = false;
	if (p->state != P_RUN)
		return -L_EINTR;
	if (deliverable(p))
		return -L_ERESTARTSYS;
	return r == -K_ETIMEOUT ? -L_ETIMEDOUT : 0;
}

/* The syscall's context: restart it (rip back over `syscall`, rax its
 * number); the reply's rax must then be the number. */
static long
restart(struct call *c)
{
	struct kcontext k;

	if (threadContext(c->p->tid, K_CTX_GET, &k) < 0)
		return -L_EINTR;
	k.rip -= 2;
	threadContext(c->p->tid, K_CTX_SET, &k);
	return (long)c->tm.rax;
}

/* The end of a system call that returns ret: signals act. */
long
sig_at_return(struct call *c, long ret)
{
	struct proc *p = c->p;
	struct kthreadstate s;
	struct kcontext *k = &s.ctx;

	while (p->state == P_RUN && deliverable(p)) {
		int sig = __builtin_ctzl(deliverable(p)) + 1;
		struct linux_sigaction *a = &p->sig->act[sig];
		unsigned long mask = p->restore_mask ? p->saved_mask : p->blocked;

		p->pending &= ~L_SIGBIT(sig);
		if (a->handler == L_SIG_IGN)
			continue;
		if (a->handler == L_SIG_DFL) {
			int d = default_action(sig);
			if (d == DFL_TERM || d == DFL_CORE) {
				proc_exit(p, sig | (d == DFL_CORE ? L_WCOREFLAG : 0));
				c->noreply = true;
				return ret;
			}
			if (d == DFL_STOP)
				do_stop(p, sig);
			continue;
		}
		if (state_op(p->tid, K_CTX_ALL_GET, &s) < 0)
			break;
		if (ret == -L_ERESTARTSYS) {
			if (a->flags & L_SA_RESTART) {
				k->rip -= 2;
				k->rax = c->tm.rax;
			} else {
				k->rax = (unsigned long)-L_EINTR;
			}
		} else {
			k->rax = (unsigned long)ret;
		}
		if (push_frame(p, sig, &s, mask, 0, 0) < 0) {
			proc_exit(p, L_SIGSEGV | L_WCOREFLAG);
			c->noreply = true;
			return ret;
		}
		threadContext(p->tid, K_CTX_SET, k);
		p->restore_mask = false;
		return sig;		/* rax in the handler: anything */
	}
	if (p->restore_mask) {
		p->blocked = p->saved_mask;
		p->restore_mask = false;
	}
	if (ret == -L_ERESTARTSYS)
		return restart(c);
	return ret;
}

/* A processor exception of the process: its signal, to a handler or fatal. */
long
sig_exception(struct call *c, const struct kexcmsg *em)
{
	struct proc *p = c->p;
	struct kthreadstate s;
	int sig;

	switch (em->vector) {
	case 0: case 16: case 19:	sig = L_SIGFPE; break;
	case 6:				sig = L_SIGILL; break;
	case 3: case 1:			sig = L_SIGTRAP; break;
	case 17:			sig = L_SIGBUS; break;
	default:			sig = L_SIGSEGV; break;
	}
	if (p->sig->act[sig].handler > L_SIG_IGN && !(p->blocked & L_SIGBIT(sig)) &&
	    state_op(p->tid, K_CTX_ALL_GET, &s) == K_OK &&
	    push_frame(p, sig, &s, p->blocked, 1, em->addr) == 0) {
		threadContext(p->tid, K_CTX_SET, &s.ctx);
		return K_OK;
	}
	proc_exit(p, sig | L_WCOREFLAG);
	c->noreply = true;
	return 1;
}

long
sys_rt_sigaction(struct call *c, int sig, unsigned long uact, unsigned long uold,
		 unsigned long size)
{
	struct proc *p = c->p;
	struct linux_sigaction a;

	if (sig < 1 || sig > L_NSIG || size != 8)
		return -L_EINVAL;
	if (uact && (sig == L_SIGKILL || sig == L_SIGSTOP))
		return -L_EINVAL;
	if (uact && copyin(p, &a, uact, sizeof(a)) < 0)
		return -L_EFAULT;
	if (uold && copyout(p, uold, &p->sig->act[sig], sizeof(a)) < 0)
		return -L_EFAULT;
	if (uact) {
		a.mask &= ~SIGMASK_FIXED;
		p->sig->act[sig] = a;
		if (a.handler == L_SIG_IGN ||
		    (a.handler == L_SIG_DFL && default_action(sig) == DFL_IGN))
			p->pending &= ~L_SIGBIT(sig);
	}
	return 0;
}

long
sys_rt_sigprocmask(struct call *c, int how, unsigned long uset, unsigned long uold,
		   unsigned long size)
{
	struct proc *p = c->p;
	unsigned long set;

	if (size != 8)
		return -L_EINVAL;
	if (uold && copyout(p, uold, &p->blocked, 8) < 0)
		return -L_EFAULT;
	if (!uset)
		return 0;
	if (copyin(p, &set, uset, 8) < 0)
		return -L_EFAULT;
	switch (how) {
	case L_SIG_BLOCK:	p->blocked |= set; break;
	case L_SIG_UNBLOCK:	p->blocked &= ~set; break;
	case L_SIG_SETMASK:	p->blocked = set; break;
	default:		return -L_EINVAL;
	}
	p->blocked &= ~SIGMASK_FIXED;
	return 0;
}

long
sys_rt_sigpending(struct call *c, unsigned long uset, unsigned long size)
{
	unsigned long set = c->p->pending & c->p->blocked;

	if (size != 8)
		return -L_EINVAL;
	return copyout(c->p, uset, &set, 8);
}

long
sys_rt_sigreturn(struct call *c)
{
	struct proc *p = c->p;
	struct kthreadstate s;
	struct kcontext *k = &s.ctx;
	struct frame_copy fc;
	struct ucontext64 *uc = &fc.f.uc;
	unsigned long ufr, fpu_at, op = K_CTX_SET;
	long r;

	if (threadContext(p->tid, K_CTX_GET, k) < 0)
		return -L_EFAULT;
	/* the handler returned into sa_restorer: rsp is just past the
	 * return address, the ucontext follows it; the FPU area above, read
	 * in the same copy if it is where push_frame put it */
	ufr = k->rsp + __builtin_offsetof(struct sigframe, uc) - 8;
	fpu_at = __builtin_offsetof(struct frame_copy, rest) + FRAME_GAP -
		 __builtin_offsetof(struct sigframe, uc);	/* the farthest */
	if (copyin(p, uc, ufr, fpu_at + sizeof(s.fpu)) < 0 &&
	    copyin(p, uc, ufr, sizeof(*uc)) < 0) {
		if (p->in_handler)
			return PM_PUNT;		/* pm_trap cannot end its own thread */
		proc_exit(p, L_SIGSEGV | L_WCOREFLAG);
		c->noreply = true;
		return 0;
	}
	k->r8 = uc->mc.r8; k->r9 = uc->mc.r9; k->r10 = uc->mc.r10; k->r11 = uc->mc.r11;
	k->r12 = uc->mc.r12; k->r13 = uc->mc.r13; k->r14 = uc->mc.r14; k->r15 = uc->mc.r15;
	k->rdi = uc->mc.rdi; k->rsi = uc->mc.rsi; k->rbp = uc->mc.rbp; k->rbx = uc->mc.rbx;
	k->rdx = uc->mc.rdx; k->rcx = uc->mc.rcx; k->rsp = uc->mc.rsp; k->rip = uc->mc.rip;
	k->rflags = uc->mc.eflags;
	k->rax = uc->mc.rax;
	if (uc->mc.fpstate) {
		unsigned long off = uc->mc.fpstate - ufr;
		if (uc->mc.fpstate >= ufr + sizeof(*uc) && off <= fpu_at) {
			memcpy(s.fpu, (char *)uc + off, sizeof(s.fpu));
			op = K_CTX_ALL_SET;
		} else if (copyin(p, s.fpu, uc->mc.fpstate, sizeof(s.fpu)) == 0) {
			op = K_CTX_ALL_SET;
		}
	}
	r = op == K_CTX_ALL_SET ? state_op(p->tid, op, &s) : threadContext(p->tid, op, k);
	if (r < 0) {
		if (p->in_handler)
			return PM_PUNT;
		proc_exit(p, L_SIGSEGV | L_WCOREFLAG);
		c->noreply = true;
		return 0;
	}
	p->blocked = uc->sigmask & ~SIGMASK_FIXED;
	return (long)uc->mc.rax;
}

long
sys_rt_sigsuspend(struct call *c, unsigned long umask, unsigned long size)
{
	struct proc *p = c->p;
	unsigned long set;
	long r;

	if (size != 8)
		return -L_EINVAL;
	if (copyin(p, &set, umask, 8) < 0)
		return -L_EFAULT;
	p->saved_mask = p->blocked;
	p->restore_mask = true;
	p->blocked = set & ~SIGMASK_FIXED;
	while ((r = sig_wait(c, K_NOTIMEOUT)) == 0 || r == -L_ETIMEDOUT)
		;
	return -L_EINTR;
}

long
sys_pause(struct call *c)
{
	long r;

	while ((r = sig_wait(c, K_NOTIMEOUT)) == 0 || r == -L_ETIMEDOUT)
		;
	return -L_EINTR;
}

/* Alarms and ITIMER_REAL: checked by the control thread every 10 ms. */
void
sig_check_alarms(void)
{
	long now = timeNow();

	for (int i = 0; i < NPROC; i++) {
		struct proc *p = &procs[i];
		if (p->state != P_RUN || !p->alarm_at || p->alarm_at > now)
			continue;
		p->alarm_at = p->itreal_interval ? now + (long)p->itreal_interval : 0;
		sig_post(p, L_SIGALRM);
	}
}

long
sys_alarm(struct call *c, unsigned long secs)
{
	struct proc *p = c->p;
	long now = timeNow(), left = p->alarm_at ? (p->alarm_at - now + 999999999L) / 1000000000L : 0;

	p->itreal_interval = 0;
	p->alarm_at = secs ? now + (long)secs * 1000000000L : 0;
	return left > 0 ? left : (p->alarm_at && left <= 0 ? 1 : 0);
}

struct itimerval { struct linux_timeval interval, value; };

long
sys_setitimer(struct call *c, int which, unsigned long unew, unsigned long uold)
{
	struct proc *p = c->p;
	struct itimerval n, o;
	long now = timeNow(), left;

	if (which != 0)
		return -L_EINVAL;		/* ITIMER_REAL only */
	left = p->alarm_at ? p->alarm_at - now : 0;
	if (left < 0)
		left = 0;
	o.value.tv_sec = left / 1000000000L;
	o.value.tv_usec = left % 1000000000L / 1000;
	o.interval.tv_sec = (long)p->itreal_interval / 1000000000L;
	o.interval.tv_usec = (long)p->itreal_interval % 1000000000L / 1000;
	if (unew) {
		if (copyin(p, &n, unew, sizeof(n)) < 0)
			return -L_EFAULT;
		if (n.value.tv_usec < 0 || n.value.tv_usec >= 1000000 || n.value.tv_sec < 0)
			return -L_EINVAL;
		p->itreal_interval = (unsigned long)(n.interval.tv_sec * 1000000000L +
						     n.interval.tv_usec * 1000L);
		left = n.value.tv_sec * 1000000000L + n.value.tv_usec * 1000L;
		p->alarm_at = left ? now + left : 0;
	}
	if (uold && copyout(p, uold, &o, sizeof(o)) < 0)
		return -L_EFAULT;
	return 0;
}
