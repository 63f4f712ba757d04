// SPDX-License-Identifier: MIT
/*
 * The system-call table (sys_dispatch: Linux numbers to pm's handlers,
 * the others to fs.c, io.c and mem.c, -ENOSYS logged once by name) and
 * the small calls of pm's own: time, uname, getrandom, arch_prctl,
 * limits, credentials, reboot.
 */
#include "pm.h"

/* The wall clock: no RTC reader yet, so the epoch starts at a fixed date. */
#define BOOT_EPOCH	1767225600L	/* 2026-01-01 00:00:00 UTC */

static unsigned char enosys_seen[NSYSCALLS];

static long
not_implemented(struct proc *p, long nr)
{
	if (nr >= 0 && nr < NSYSCALLS) {
		if (!enosys_seen[nr]) {
			enosys_seen[nr] = 1;
			kprintf("pm: %s (%ld) not implemented: ENOSYS (pid %d, %s)\n",
				sys_names[nr] ? sys_names[nr] : "?", nr, p->pid, p->name);
		}
	} else {
		kprintf("pm: system call %ld does not exist (pid %d)\n", nr, p->pid);
	}
	return -L_ENOSYS;
}

static long
now_ns(void)
{
	return timeNow();
}

static long
sys_clock_gettime(struct call *c, long clk, unsigned long uts)
{
	struct linux_timespec ts;
	long ns = now_ns();

	switch (clk) {
	case 0: case 5: case 8:			/* REALTIME, _COARSE, _ALARM */
		ns += BOOT_EPOCH * 1000000000L;
		break;
	case 1: case 4: case 6: case 7: case 9:	/* MONOTONIC, RAW, COARSE, BOOTTIME */
		break;
	case 2: case 3:				/* process / thread CPU time */
		ns -= c->p->start_ns;
		break;
	default:
		return -L_EINVAL;
	}
	ts.tv_sec = ns / 1000000000L;
	ts.tv_nsec = ns % 1000000000L;
	return copyout(c->p, uts, &ts, sizeof(ts));
}

static long
sys_gettimeofday(struct call *c, unsigned long utv)
{
	long ns = now_ns() + BOOT_EPOCH * 1000000000L;
	struct linux_timeval tv = { ns / 1000000000L, ns % 1000000000L / 1000 };

	return utv ? copyout(c->p, utv, &tv, sizeof(tv)) : 0;
}

static long
sys_nanosleep(struct call *c, unsigned long ureq, unsigned long urem)
{
	struct linux_timespec ts;
	long ns, end, r;

	if (copyin(c->p, &ts, ureq, sizeof(ts)) < 0)
		return -L_EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -L_EINVAL;
	ns = ts.tv_sec > 1000000000L ? 1000000000L * 1000000000L : ts.tv_sec * 1000000000L + ts.tv_nsec;
	end = now_ns() + ns;
	for (;;) {
		long left = end - now_ns();
		if (left <= 0)
			return 0;
		r = sig_wait(c, left);
		if (r == -L_ERESTARTSYS || r == -L_EINTR)
			break;
	}
	if (urem) {
		long left = end - now_ns();
		if (left < 0)
			left = 0;
		ts.tv_sec = left / 1000000000L;
		ts.tv_nsec = left % 1000000000L;
		copyout(c->p, urem, &ts, sizeof(ts));
	}
	return -L_EINTR;
}

struct linux_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domain[65];
};

static long
sys_uname(struct call *c, unsigned long ubuf)
{
	struct linux_utsname u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Linux", 65);	/* what programs test for */
	strlcpy(u.nodename, "motet", 65);
	strlcpy(u.release, "6.1.0-motet", 65);
	strlcpy(u.version, "#1 motet microkernel", 65);
	strlcpy(u.machine, "x86_64", 65);
	strlcpy(u.domain, "(none)", 65);
	return copyout(c->p, ubuf, &u, sizeof(u));
}

/* A xorshift generator seeded from the clock; getrandom's bytes. */
static unsigned long rnd_state;

static unsigned long
rnd(void)
{
	if (!rnd_state)
		rnd_state = (unsigned long)timeNow() * 0x9e3779b97f4a7c15UL | 1;
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

void
random_bytes(void *buf, unsigned long n)
{
	unsigned char *b = buf;

	for (unsigned long i = 0; i < n; i++)
		b[i] = (unsigned char)(rnd() >> 24);
}

static long
sys_getrandom(struct call *c, unsigned long ubuf, unsigned long len)
{
	unsigned long done = 0;

	if (len > 33554431)
		len = 33554431;
	while (done < len) {
		unsigned long n = len - done < PM_BODY ? len - done : PM_BODY;
		random_bytes(c->buf, n);
		if (copyout(c->p, ubuf + done, c->buf, n) < 0)
			return done ? (long)done : -L_EFAULT;
		done += n;
	}
	return (long)done;
}

static long
sys_arch_prctl(struct call *c, long code, unsigned long addr)
{
	struct proc *p = c->p;

	switch (code) {
	case 0x1002:				/* ARCH_SET_FS */
		if (threadSetFs(p->tid, addr) < 0)
			return -L_EPERM;
		p->fsbase = addr;
		return 0;
	case 0x1003:				/* ARCH_GET_FS */
		return copyout(p, addr, &p->fsbase, sizeof(p->fsbase));
	default:
		return -L_EINVAL;
	}
}

struct linux_rlimit { unsigned long cur, max; };

static long
sys_prlimit64(struct call *c, int pid, int res, unsigned long unew, unsigned long uold)
{
	struct linux_rlimit r = { ~0UL, ~0UL };

	if (pid && pid != c->p->pid)
		return -L_EPERM;
	if (res < 0 || res >= 16)
		return -L_EINVAL;
	if (res == 3)				/* RLIMIT_STACK */
		r.cur = STACK_SIZE;
	else if (res == 7)			/* RLIMIT_NOFILE */
		r.cur = r.max = NFD;
	if (uold && copyout(c->p, uold, &r, sizeof(r)) < 0)
		return -L_EFAULT;
	(void)unew;				/* limits are not enforced */
	return 0;
}

struct linux_sysinfo {
	long uptime;
	unsigned long loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	unsigned short procs, pad;
	unsigned long totalhigh, freehigh;
	unsigned mem_unit;
	char _f[4];
};

static long
sys_sysinfo(struct call *c, unsigned long uinfo)
{
	struct linux_sysinfo si;
	struct ksysinfo k;
	int n = 0;

	memset(&si, 0, sizeof(si));
	sysInfo(&k);
	for (int i = 0; i < NPROC; i++)
		n += procs[i].state != P_FREE;
	si.uptime = (long)(k.uptime_ns / 1000000000UL);
	si.totalram = k.pages_total * PAGE;
	si.freeram = k.pages_free * PAGE;
	si.procs = (unsigned short)n;
	si.mem_unit = 1;
	return copyout(c->p, uinfo, &si, sizeof(si));
}

static long
sys_times(struct call *c, unsigned long ubuf)
{
	long t[4] = { 0 };
	long ticks = now_ns() / 10000000L;	/* CLK_TCK 100 */

	t[0] = (now_ns() - c->p->start_ns) / 10000000L;
	if (ubuf && copyout(c->p, ubuf, t, sizeof(t)) < 0)
		return -L_EFAULT;
	return ticks;
}

static long
sys_getcreds(struct call *c, unsigned long a, unsigned long b, unsigned long d, bool group)
{
	struct proc *p = c->p;
	unsigned v[3] = { group ? p->gid : p->uid, group ? p->egid : p->euid,
			  group ? p->sgid : p->suid };

	if (copyout(p, a, &v[0], 4) < 0 || copyout(p, b, &v[1], 4) < 0 ||
	    copyout(p, d, &v[2], 4) < 0)
		return -L_EFAULT;
	return 0;
}

/* setuid/setgid and setres*id: root may set anything; others only to
 * one of their real, effective or saved ids. */
static long
sys_setres(struct call *c, long r, long e, long s, bool group)
{
	struct proc *p = c->p;
	unsigned *rp = group ? &p->gid : &p->uid, *ep = group ? &p->egid : &p->euid;
	unsigned *sp = group ? &p->sgid : &p->suid;
	long v[3] = { r, e, s };

	if (p->euid != 0)
		for (int i = 0; i < 3; i++)
			if (v[i] != -1 && (unsigned)v[i] != *rp && (unsigned)v[i] != *ep &&
			    (unsigned)v[i] != *sp)
				return -L_EPERM;
	if (r != -1)
		*rp = (unsigned)r;
	if (e != -1)
		*ep = (unsigned)e;
	if (s != -1)
		*sp = (unsigned)s;
	return 0;
}

static long
sys_setid(struct call *c, long id, bool group)
{
	struct proc *p = c->p;

	if (id < 0)
		return -L_EINVAL;
	if (p->euid == 0)
		return sys_setres(c, id, id, id, group);
	return sys_setres(c, -1, id, -1, group);
}

static long
sys_reboot(struct call *c, unsigned long magic1, unsigned long magic2, unsigned long cmd)
{
	if (c->p->euid != 0)
		return -L_EPERM;
	if (magic1 != 0xfee1dead || (magic2 != 672274793 && magic2 != 85072278 &&
				     magic2 != 369367448 && magic2 != 537993216))
		return -L_EINVAL;
	switch (cmd) {
	case 0x4321fedc:			/* POWER_OFF */
	case 0xcdef0123:			/* HALT */
	case 0x01234567:			/* RESTART */
		kprintf("pm: %s asked to power off\n", c->p->name);
		sysShutdown(0);
		return 0;
	case 0x89abcdef: case 0:		/* CAD_ON, CAD_OFF */
		return 0;
	default:
		return -L_EINVAL;
	}
}

/*
 * The calls pm's trap handler may run in the process's thread (main.c):
 * none waits for an event (sig_wait, stm_call: pm_lock is held
 * throughout), signals itself, or ends or replaces the process (fork,
 * execve, exit...); rt_sigreturn sets the thread's context through the
 * handler's (threadContext on the handler's own thread), and leaves a
 * bad frame to the twin (PM_PUNT), which ends the process.  Calls to om, and stm calls that are
 * answered at once, are made with pm_lock held, as twins make them.
 * Reads and writes only when the file is not stm's (a pipe or a
 * terminal may wait).
 */
int
sys_in_handler(long nr)
{
	switch (nr) {
	case 39: case 186: case 110: case 102: case 107: case 104: case 108:	/* ids */
	case 118: case 120: case 111: case 121: case 124: case 115: case 95:
	case 13: case 14: case 127: case 131: case 15:	/* signal actions, masks, return */
	case 228: case 229: case 96: case 201:		/* clocks */
	case 218: case 273: case 97: case 302: case 63: case 98: case 99: case 100:
	case 140: case 204: case 318: case 157:
	case 2: case 257: case 3: case 32: case 33: case 292: case 72: case 22: case 293:
	case 4: case 5: case 6: case 262: case 21: case 269: case 439: case 89: case 267:
	case 79: case 80: case 81: case 217: case 8:	/* files and names */
	case 83: case 258: case 84: case 87: case 263: case 82: case 264: case 90: case 91:
	case 268: case 280: case 77:
	case 12: case 9: case 10: case 11: case 28:	/* memory */
		return H_YES;
	case 0: case 1: case 17: case 18: case 19: case 20:
		return H_NOT_STM;
	}
	return H_NO;
}

long
sys_dispatch(struct call *c)
{
	struct proc *p = c->p;
	struct ktrapmsg *t = &c->tm;
	long nr = (long)t->rax, r;
	unsigned long a0 = t->rdi, a1 = t->rsi, a2 = t->rdx, a3 = t->r10, a4 = t->r8;
	bool handled = true;

	switch (nr) {
	case 39: return p->pid;				/* getpid */
	case 186: return p->pid;			/* gettid: one thread */
	case 110: return p->ppid;			/* getppid */
	case 102: return p->uid;			/* getuid */
	case 107: return p->euid;			/* geteuid */
	case 104: return p->gid;			/* getgid */
	case 108: return p->egid;			/* getegid */
	case 118: return sys_getcreds(c, a0, a1, a2, false);	/* getresuid */
	case 120: return sys_getcreds(c, a0, a1, a2, true);	/* getresgid */
	case 105: return sys_setid(c, (long)(int)a0, false);	/* setuid */
	case 106: return sys_setid(c, (long)(int)a0, true);	/* setgid */
	case 117: return sys_setres(c, (int)a0, (int)a1, (int)a2, false);
	case 119: return sys_setres(c, (int)a0, (int)a1, (int)a2, true);
	case 113: return sys_setres(c, (int)a0, (int)a1, -1, false);	/* setreuid */
	case 114: return sys_setres(c, (int)a0, (int)a1, -1, true);	/* setregid */
	case 115: return 0;				/* getgroups: none */
	case 116: return p->euid == 0 ? 0 : -L_EPERM;	/* setgroups */
	case 121: {					/* getpgid */
		struct proc *q = a0 ? proc_find((int)a0) : p;
		return q ? q->pgid : -L_ESRCH;
	}
	case 111: return p->pgid;			/* getpgrp */
	case 124: {					/* getsid */
		struct proc *q = a0 ? proc_find((int)a0) : p;
		return q ? q->sid : -L_ESRCH;
	}
	case 109: return sys_setpgid(c, (int)a0, (int)a1);
	case 112: return sys_setsid(c);
	case 95: r = (long)p->umask; p->umask = (unsigned)a0 & 0777; return r;
	case 57: return sys_fork(c, 17, 0);		/* fork */
	case 58: return sys_fork(c, 17, 0);		/* vfork: a copy too */
	case 56: return sys_fork(c, a0, a3);		/* clone(flags, stack, ptid, ctid, tls) */
	case 59: return sys_execve(c, a0, a1, a2);
	case 60: case 231:				/* exit, exit_group */
		proc_exit(p, L_W_EXITCODE((int)(a0 & 0xff), 0));
		c->noreply = true;
		return 0;
	case 61: return sys_wait4(c, (int)a0, a1, (int)a2);
	case 62: return sys_kill(c, (int)a0, (int)a1);
	case 200:					/* tkill */
	case 234:					/* tgkill(tgid, tid, sig) */
		return sys_kill(c, nr == 200 ? (int)a0 : (int)a1, nr == 200 ? (int)a1 : (int)a2);
	case 13: return sys_rt_sigaction(c, (int)a0, a1, a2, a3);
	case 14: return sys_rt_sigprocmask(c, (int)a0, a1, a2, a3);
	case 15: return sys_rt_sigreturn(c);
	case 127: return sys_rt_sigpending(c, a0, a1);
	case 130: return sys_rt_sigsuspend(c, a0, a1);
	case 34: return sys_pause(c);
	case 37: return sys_alarm(c, a0);
	case 38: return sys_setitimer(c, (int)a0, a1, a2);
	case 131: return 0;				/* sigaltstack: accepted */
	case 158: return sys_arch_prctl(c, (long)a0, a1);
	case 218: p->tid_clear = a0; return p->pid;	/* set_tid_address */
	case 273: return 0;				/* set_robust_list */
	case 334: return -L_ENOSYS;			/* rseq: glibc copes */
	case 302: return sys_prlimit64(c, (int)a0, (int)a1, a2, a3);
	case 97: return sys_prlimit64(c, 0, (int)a0, 0, a1);	/* getrlimit */
	case 160: return 0;				/* setrlimit: not enforced */
	case 228: return sys_clock_gettime(c, (long)a0, a1);
	case 229: {					/* clock_getres */
		struct linux_timespec ts = { 0, 1 };
		return a1 ? copyout(p, a1, &ts, sizeof(ts)) : 0;
	}
	case 96: return sys_gettimeofday(c, a0);
	case 201: {					/* time */
		long s = BOOT_EPOCH + now_ns() / 1000000000L;
		if (a0 && copyout(p, a0, &s, 8) < 0)
			return -L_EFAULT;
		return s;
	}
	case 35: return sys_nanosleep(c, a0, a1);
	case 230:					/* clock_nanosleep(clk, flags, req, rem) */
		if (a1 & 1) {				/* TIMER_ABSTIME */
			struct linux_timespec ts;
			long target, base;
			if (copyin(p, &ts, a2, sizeof(ts)) < 0)
				return -L_EFAULT;
			target = ts.tv_sec * 1000000000L + ts.tv_nsec;
			base = now_ns() + (a0 == 0 ? BOOT_EPOCH * 1000000000L : 0);
			while (target > base) {
				r = sig_wait(c, target - base);
				if (r == -L_ERESTARTSYS || r == -L_EINTR)
					return -L_EINTR;
				base = now_ns() + (a0 == 0 ? BOOT_EPOCH * 1000000000L : 0);
			}
			return 0;
		}
		return sys_nanosleep(c, a2, a3);
	case 63: return sys_uname(c, a0);
	case 318: return sys_getrandom(c, a0, a1);
	case 99: return sys_sysinfo(c, a0);
	case 100: return sys_times(c, a0);
	case 169: return sys_reboot(c, a0, a1, a2);
	case 24: threadYield(); return 0;		/* sched_yield */
	case 98: {					/* getrusage */
		long ru[18] = { 0 };
		return copyout(p, a1, ru, sizeof(ru));
	}
	case 157: {					/* prctl */
		if (a0 == 15) {				/* PR_SET_NAME */
			char n[16];
			if (copyinstr(p, n, a1, sizeof(n)) < 0)
				return -L_EFAULT;
			strlcpy(p->name, n, sizeof(p->name));
			return 0;
		}
		if (a0 == 16)				/* PR_GET_NAME */
			return copyout(p, a1, p->name, sizeof(p->name));
		return -L_EINVAL;
	}
	case 140: return 0;				/* getpriority: nice 0 (20 - 20) */
	case 141: return 0;				/* setpriority */
	case 204: {					/* sched_getaffinity */
		unsigned long m = 1;
		if (a1 < 8)
			return -L_EINVAL;
		return copyout(p, a2, &m, 8) < 0 ? -L_EFAULT : 8;
	}
	}
	r = fs_syscall(c, nr, &handled);
	if (handled)
		return r;
	handled = true;
	r = mem_syscall(c, nr, &handled);
	if (handled)
		return r;
	(void)a4;
	return not_implemented(p, nr);
}
