// SPDX-License-Identifier: MIT
/*
 * A static PIE without libc (built -static-pie -nostdlib, no relocations
 * to apply): the system loads it at a base of its choice; it checks its
 * initial stack (argc, argv, envp, the auxiliary vector: AT_PAGESZ,
 * AT_PHDR pointing at its own program headers, AT_ENTRY its own _start,
 * AT_RANDOM, AT_EXECFN) and prints "TEST c.pie: ok" or what failed.
 */
typedef unsigned long u64;

static long
sys(long n, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "0"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

static void
say(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	sys(1, 1, (long)s, n);
}

void _start(void);

__attribute__((used)) static void
start_c(u64 *sp)
{
	u64 argc = sp[0], *envp = sp + 1 + argc + 1, *av;
	u64 pagesz = 0, phdr = 0, entry = 0, rnd = 0, execfn = 0;
	int fails = 0;

	if (argc < 1 || sp[1 + argc] != 0)
		fails |= 1;
	for (av = envp; *av; av++)
		;
	for (av++; av[0]; av += 2) {
		switch (av[0]) {
		case 6: pagesz = av[1]; break;
		case 3: phdr = av[1]; break;
		case 9: entry = av[1]; break;
		case 25: rnd = av[1]; break;
		case 31: execfn = av[1]; break;
		}
	}
	if (pagesz != 4096)
		fails |= 2;
	if (entry != (u64)_start)		/* PC-relative: where we really are */
		fails |= 4;
	if (!phdr || *(unsigned *)(phdr - 64) != 0x464c457f)	/* the ELF header before them */
		fails |= 8;
	if (!rnd || !execfn)
		fails |= 16;
	if ((u64)_start < 0x10000)
		fails |= 32;
	if (fails) {
		char m[] = "TEST c.pie: FAIL bits 00\n";
		m[22] = (char)('0' + (fails >> 3));
		m[23] = (char)('0' + (fails & 7));
		say(m);
	} else {
		say("TEST c.pie: ok\n");
	}
	sys(60, 0, 0, 0);
}

__asm__(".globl _start\n_start:\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall start_c\n\thlt\n");
