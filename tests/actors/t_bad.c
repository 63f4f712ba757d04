// SPDX-License-Identifier: MIT
/*
 * t_bad MODE: an actor that misbehaves on purpose, started by t_crash and
 * t_handlers.  Modes: div0, jump (to an unmapped address), kjump (into the
 * nucleus), kwrite (write nucleus memory), ud (invalid opcode), int80 (a
 * trap with no handler), spin (never makes a call), fuzz (garbage to every
 * nucleus call), div0fix / trapfix / int80fix (wait, then fault or trap and
 * expect a connected handler to have fixed the result: exit 42), trapctx
 * (the same, the handler setting rax and the rounding mode with
 * threadContext), trapboth (as trapfix, then a call the handler passes on
 * to the trap port), textwrite, rodatawrite, dataexec (the image's pages keep their rights).
 */
#include <motet.h>

static long
div3(long a, long b)
{
	long q;

	/* div %rcx is 3 bytes: 48 f7 f1 (exception handlers skip it) */
	__asm__ volatile("xorl %%edx, %%edx; .byte 0x48, 0xf7, 0xf1"
			 : "=a"(q) : "a"(a), "c"(b) : "rdx");
	return q;
}

static long
raw_syscall(long n, long a)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a) : "rcx", "r11", "memory");
	return r;
}

static unsigned long seed = 88172645463325252UL;

static long
rnd(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (long)seed;
}

static long
garbage(void)
{
	static const long vals[] = { 0, 1, -1, 4096, 0x7fffffffffffL, -4096,
		(long)0xffff800000000000UL, (long)0xffffffff80100000UL,
		(long)0xffffa00000000000UL, 0x400000, 0x1000, 1L << 62 };

	return rnd() & 1 ? vals[(unsigned long)rnd() % 12] : rnd();
}

static void
fuzz(void)
{
	for (int i = 0; i < 4000; i++) {
		long n = (unsigned long)rnd() % 70;
		/* ending or stopping itself is allowed, but makes a short test */
		if (n == NC_actorExit || n == NC_threadSuspend || n == NC_threadDelete ||
		    n == NC_actorDelete || n == NC_sysShutdown)
			continue;
		/* and so is sleeping for ages: keep waits short */
		if (n == NC_threadSleep || n == NC_actorWait || n == NC_syncWait ||
		    n == NC_miniWait) {
			__ncall(n, garbage(), garbage(), 1000, 0, 0);
			continue;
		}
		__ncall(n, garbage(), garbage(), garbage(), garbage(), garbage() & 0xfffff);
	}
}

static const char ro_text[] = "read-only";
static unsigned char ret_insn[16] = { 0xc3 };

int
main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	volatile long sink = 0;
	int (*volatile code)(int, char **) = main;

	if (strcmp(m, "div0") == 0)
		sink = div3(1, 0);
	else if (strcmp(m, "jump") == 0)
		((void (*)(void))0xdead0000UL)();
	else if (strcmp(m, "kjump") == 0)
		((void (*)(void))0xffffffff80100000UL)();
	else if (strcmp(m, "kwrite") == 0)
		*(volatile long *)0xffff800000100000UL = 1;
	else if (strcmp(m, "textwrite") == 0)	/* own code is not writable */
		*(volatile unsigned char *)(uintptr_t)code = 0xc3;
	else if (strcmp(m, "rodatawrite") == 0)	/* nor read-only data */
		*(volatile char *)(uintptr_t)ro_text = 'x';
	else if (strcmp(m, "dataexec") == 0)	/* data is not executable */
		((void (*)(void))(uintptr_t)ret_insn)();
	else if (strcmp(m, "ud") == 0)
		__asm__ volatile("ud2");
	else if (strcmp(m, "int80") == 0)
		__asm__ volatile("int $0x80" ::: "memory");
	else if (strcmp(m, "spin") == 0)
		for (;;)
			sink++;
	else if (strcmp(m, "sleep") == 0)
		threadSleep(1L << 62);
	else if (strcmp(m, "fuzz") == 0)
		fuzz();
	else if (strcmp(m, "div0fix") == 0) {
		threadSleep(100 * 1000 * 1000);
		return div3(7, 0) == 42 ? 42 : 1;
	} else if (strcmp(m, "trapfix") == 0) {
		threadSleep(100 * 1000 * 1000);
		return raw_syscall(0x5000, 21) == 42 ? 42 : 1;
	} else if (strcmp(m, "trapctx") == 0) {	/* the handler sets rax and MXCSR by threadContext */
		unsigned mx;
		long r;
		threadSleep(100 * 1000 * 1000);
		r = raw_syscall(0x5002, 0);
		__asm__ volatile("stmxcsr %0" : "=m"(mx));
		return r == 42 && (mx & 0x6000) == 0x6000 ? 42 : 1;
	} else if (strcmp(m, "trapboth") == 0) {	/* a handler, then the trap port */
		threadSleep(100 * 1000 * 1000);
		return raw_syscall(0x5000, 21) == 42 && raw_syscall(0x5001, 5) == 43 ? 42 : 1;
	} else if (strcmp(m, "int80fix") == 0) {
		long r;
		threadSleep(100 * 1000 * 1000);
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(41L) : "memory");
		return r == 42 ? 42 : 1;
	}
	(void)sink;
	return 7;
}
