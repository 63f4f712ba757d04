// SPDX-License-Identifier: MIT
/* Signals: handlers, SA_RESTART against EINTR, SA_SIGINFO, masks and
 * pending signals, SIGCHLD, SIGPIPE/EPIPE, alarm, sigsuspend, a fault
 * caught by a handler. */
#define _GNU_SOURCE
#include "t.h"
#include <setjmp.h>
#include <ucontext.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int got, info_ok, chld;
static sigjmp_buf jb;

static void on_sig(int s) { got = s; }
static void on_info(int s, siginfo_t *si, void *uc) { info_ok = si->si_signo == s && uc; }
static void on_chld(int s) { chld++; }
static void on_segv(int s) { siglongjmp(jb, 1); }
static void handler(int sig, void (*fn)(int), int flags);
static volatile int fp_hits;
static void on_fp(int s) { volatile double x = 1.5; for (int i = 0; i < 64; i++) x = x * 1.25 - 0.5; fp_hits++; }

/* A computing child whose SSE registers hold its sums: handlers that use
 * them too must find them put back (the frame's fpstate). */
static int
fp_child(void)
{
	double a = 0, b = 0;

	handler(SIGUSR1, on_fp, SA_RESTART);
	for (long i = 0; i < 30000000L && fp_hits < 20; i++) {
		a += 1.0;
		b += 2.0;
	}
	return a * 2 == b && fp_hits > 0 ? 0 : 1;
}
/* A handler that changes the interrupted code's rounding mode through
 * its frame: in place (SIGUSR1), or in a copy it points fpregs at
 * (SIGUSR2), which rt_sigreturn must read where it points now. */
static unsigned char fp_copy[512] __attribute__((aligned(64)));
static void
on_round(int s, siginfo_t *si, void *p)
{
	ucontext_t *uc = p;
	struct _fpstate *f = uc->uc_mcontext.fpregs;

	if (s == SIGUSR2) {
		memcpy(fp_copy, f, sizeof(fp_copy));
		f = (struct _fpstate *)fp_copy;
		uc->uc_mcontext.fpregs = f;
	}
	f->mxcsr = (f->mxcsr & ~0x6000u) | 0x6000u;	/* round toward zero */
}
static unsigned mxcsr(void) { unsigned m; __asm__ volatile("stmxcsr %0" : "=m"(m)); return m; }
static void set_mxcsr(unsigned m) { __asm__ volatile("ldmxcsr %0" : : "m"(m)); }
static void __attribute__((noinline)) poke(long a) { *(volatile int *)a = 1; }

static void
handler(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

/* A child that sends sig to us after a moment. */
static pid_t
later(int sig)
{
	pid_t pid = fork(), parent;

	if (pid == 0) {
		parent = getppid();
		usleep(200000);
		kill(parent, sig);
		_exit(0);
	}
	return pid;
}

int
main(void)
{
	int p[2], st;
	char c;
	sigset_t set, old;
	pid_t pid;

	t_name = "signals";
	/* a handler runs; the interrupted read is restarted with SA_RESTART */
	handler(SIGUSR1, on_sig, SA_RESTART);
	CHECK(pipe(p) == 0);
	pid = later(SIGUSR1);
	if (fork() == 0) {
		usleep(500000);
		write(p[1], "x", 1);
		_exit(0);
	}
	CHECK(read(p[0], &c, 1) == 1 && c == 'x' && got == SIGUSR1);
	waitpid(pid, &st, 0);
	wait(&st);
	/* without SA_RESTART: EINTR */
	got = 0;
	handler(SIGUSR1, on_sig, 0);
	pid = later(SIGUSR1);
	CHECK_ERR(read(p[0], &c, 1), EINTR);
	CHECK(got == SIGUSR1);
	waitpid(pid, &st, 0);
	/* SA_SIGINFO */
	{
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_info;
		sa.sa_flags = SA_SIGINFO;
		CHECK(sigaction(SIGUSR2, &sa, NULL) == 0);
		raise(SIGUSR2);
		CHECK(info_ok);
	}
	/* blocked: pending until unblocked */
	got = 0;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0);
	raise(SIGUSR1);
	CHECK(got == 0);
	CHECK(sigpending(&set) == 0 && sigismember(&set, SIGUSR1));
	CHECK(sigprocmask(SIG_SETMASK, &old, NULL) == 0);
	CHECK(got == SIGUSR1);
	/* ignored */
	handler(SIGUSR1, SIG_IGN, 0);
	CHECK(raise(SIGUSR1) == 0);
	/* SIGCHLD */
	handler(SIGCHLD, on_chld, SA_RESTART);
	if ((pid = fork()) == 0)
		_exit(3);
	CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 3);
	CHECK(chld >= 1);
	handler(SIGCHLD, SIG_DFL, 0);
	/* SIGPIPE kills by default; ignored, write gives EPIPE */
	CHECK(close(p[0]) == 0);
	if ((pid = fork()) == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
	handler(SIGPIPE, SIG_IGN, 0);
	CHECK_ERR(write(p[1], "x", 1), EPIPE);
	close(p[1]);
	/* alarm and sigsuspend */
	got = 0;
	handler(SIGALRM, on_sig, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_BLOCK, &set, &old);
	alarm(1);
	sigemptyset(&set);
	CHECK_ERR(sigsuspend(&set), EINTR);
	CHECK(got == SIGALRM);
	sigprocmask(SIG_SETMASK, &old, NULL);
	/* nanosleep interrupted */
	got = 0;
	handler(SIGUSR1, on_sig, 0);
	pid = later(SIGUSR1);
	CHECK(sleep(5) > 0 && got == SIGUSR1);
	waitpid(pid, &st, 0);
	/* signals into a computing process keep its FPU and SSE state */
	if ((pid = fork()) == 0)
		_exit(fp_child());
	for (int i = 0; i < 40; i++) {
		struct timespec ts = { 0, 15 * 1000 * 1000 };
		nanosleep(&ts, NULL);
		if (kill(pid, SIGUSR1) < 0)
			break;
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* the FPU state a handler leaves in the frame is the one restored */
	for (int sig = SIGUSR1; sig <= SIGUSR2; sig += SIGUSR2 - SIGUSR1) {
		struct sigaction sa;
		unsigned m0 = mxcsr();
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_round;
		sa.sa_flags = SA_SIGINFO;
		sigaction(sig, &sa, NULL);
		CHECK((m0 & 0x6000) == 0);
		raise(sig);
		CHECK((mxcsr() & 0x6000) == 0x6000);
		set_mxcsr(m0);
	}
	/* rt_sigreturn without a readable frame ends the process (SIGSEGV) */
	if ((pid = fork()) == 0) {
		__asm__ volatile("mov $0x1000, %%rsp; syscall" : : "a"(15L) : "memory");
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	/* a fault goes to a handler */
	handler(SIGSEGV, on_segv, SA_NODEFER);
	{
		volatile int caught = 0;
		if (sigsetjmp(jb, 1) == 0)
			poke(getpid());			/* an unmapped page */
		else
			caught = 1;
		CHECK(caught);
	}
	return t_end();
}
