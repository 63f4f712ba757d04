// SPDX-License-Identifier: MIT
/*
 * bench: lmbench-style operations, run the same way on motet and on
 * Linux (tools/bench.sh boots both in the same QEMU).  Each operation is
 * timed with CLOCK_MONOTONIC over a batch of iterations, several times;
 * the median batch gives one line "bench NAME VALUE UNIT".  Under QEMU's
 * -icount shift=0 a nanosecond of guest time is one instruction.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REPS	7

static long
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000L + t.tv_nsec;
}

static int
cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* The median over REPS batches of n calls of fn, per call, in ns. */
static long
measure(void (*fn)(void), int n)
{
	long t[REPS];

	fn();					/* warm up */
	for (int r = 0; r < REPS; r++) {
		long t0 = now();
		for (int i = 0; i < n; i++)
			fn();
		t[r] = (now() - t0) / n;
	}
	qsort(t, REPS, sizeof(t[0]), cmp);
	return t[REPS / 2];
}

static void report(const char *name, long v, const char *unit) { printf("bench %s %ld %s\n", name, v, unit); fflush(stdout); }

/* MiB per second for size bytes in t ns */
static long mibs(long size, long t) { return (long)((double)size * 1e9 / (double)(t ? t : 1) / 1048576.0); }

static int pfd[2], qfd[2];
static char *prog;

static void op_null(void) { syscall(SYS_getuid); }
static void op_getppid(void) { syscall(SYS_getppid); }
static void op_pipe(void) { char c = 0; write(pfd[1], &c, 1); read(qfd[0], &c, 1); }
/* A child that did not end with status 0 makes its row "failed". */
static int child_failed;
static void
reap(pid_t p)
{
	int st;

	if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		child_failed = 1;
}
static void op_fork(void) { pid_t p = fork(); if (p == 0) _exit(0); reap(p); }
static void
op_exec(void)
{
	pid_t p = fork();

	if (p == 0) {
		char *av[] = { prog, "exit", NULL }, *ev[] = { NULL };
		execve(prog, av, ev);
		_exit(1);
	}
	reap(p);
}
static volatile int hits;
static void on_usr1(int s) { hits++; }
static void op_signal(void) { kill(getpid(), SIGUSR1); }
static void
op_fault(void)
{
	char *m = mmap(NULL, 4096 * 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	for (int i = 0; i < 16; i++)
		m[i * 4096] = 1;
	munmap(m, 4096 * 16);
}
static int fcount;
static void
op_create(void)
{
	char name[32];
	int fd;

	snprintf(name, sizeof(name), "/tmp/f%d", fcount++);
	fd = open(name, O_CREAT | O_WRONLY, 0600);
	close(fd);
	unlink(name);
}
static int rfd;
static char rbuf[1 << 16];
static void op_reread(void) { pread(rfd, rbuf, sizeof(rbuf), 0); }
static void op_stat(void) { struct stat st; stat("/tmp/bench.dat", &st); }
static void op_open(void) { close(open("/tmp/bench.dat", O_RDONLY)); }

static void
report_child(const char *name, long v)
{
	if (child_failed)
		printf("bench %s failed -\n", name);
	else
		report(name, v, "ns");
	fflush(stdout);
	child_failed = 0;
}

/* A shell script run by busybox sh, as a user would: fork, execve, wait.
 * A script that fails makes its row "failed". */
static const char *script;
static int script_failed;
static void
op_script(void)
{
	int st;
	pid_t p = fork();

	if (p == 0) {
		char *av[] = { "sh", (char *)script, NULL };
		char *ev[] = { "PATH=/bin:/usr/bin:/sbin:/usr/sbin", "HOME=/", NULL };
		execve("/bin/sh", av, ev);
		_exit(127);
	}
	if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		script_failed = 1;
}
static void
run_script(const char *name, const char *path)
{
	long t;

	script = path;
	script_failed = 0;
	t = measure(op_script, 1);
	if (script_failed)
		printf("bench %s failed -\n", name);
	else
		report(name, t, "ns");
	fflush(stdout);
}

/* The small build's sources: /tmp/src/d0..d7, each with 8 files of 8 KiB
 * of words from a fixed pseudo-random sequence (the same on both systems). */
static void
make_tree(void)
{
	static const char *words[] = { "static ", "int ", "return ", "struct ", "(void)", "{\n", "}\n",
				       "if ", "for ", "while ", "char *", "long ", "= 0;\n", "x", "y" };
	static char data[8192];
	unsigned long seed = 12345;
	char name[64];

	mkdir("/tmp/src", 0755);
	for (int d = 0; d < 8; d++) {
		snprintf(name, sizeof(name), "/tmp/src/d%d", d);
		mkdir(name, 0755);
		for (int f = 0; f < 8; f++) {
			size_t n = 0;
			int fd;

			while (n < sizeof(data) - 16) {
				const char *w;

				seed = seed * 6364136223846793005UL + 1442695040888963407UL;
				w = words[(seed >> 33) % (sizeof(words) / sizeof(words[0]))];
				memcpy(data + n, w, strlen(w));
				n += strlen(w);
			}
			snprintf(name, sizeof(name), "/tmp/src/d%d/f%d.c", d, f);
			fd = open(name, O_CREAT | O_TRUNC | O_WRONLY, 0644);
			write(fd, data, n);
			close(fd);
		}
	}
}

static void
pipe_partner(void)
{
	char c;

	close(pfd[1]);
	close(qfd[0]);
	while (read(pfd[0], &c, 1) == 1)
		write(qfd[1], &c, 1);
	_exit(0);
}

/* "bench loop OP": OP 100,000 times, for tools/bench-trace.sh to stop
 * in the middle of and trace one. */
static int
loop(const char *op)
{
	static const struct { const char *name; void (*fn)(void); } ops[] = {
		{ "null_call", op_null }, { "getppid", op_getppid }, { "signal_handler", op_signal },
		{ "stat", op_stat }, { "open_close", op_open }, { "page_fault_anon", op_fault },
		{ "file_reread", op_reread }, { "fork_exit_wait", op_fork },
	};

	rfd = open("/tmp/bench.dat", O_CREAT | O_RDWR, 0600);
	write(rfd, rbuf, sizeof(rbuf));
	signal(SIGUSR1, on_usr1);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(op, ops[i].name) == 0) {
			for (int n = 0; n < 100000; n++)
				ops[i].fn();
			return 0;
		}
	fprintf(stderr, "bench: no operation %s\n", op);
	return 1;
}

int
main(int argc, char **argv)
{
	static char buf[1 << 16];
	long size = 8L << 20;
	pid_t p;
	int fd;

	if (argc > 1 && strcmp(argv[1], "exit") == 0)
		return 0;
	prog = argv[0];
	if (argc > 2 && strcmp(argv[1], "loop") == 0)
		return loop(argv[2]);
	report("null_call", measure(op_null, 2000), "ns");
	report("getppid", measure(op_getppid, 2000), "ns");
	pipe(pfd);
	pipe(qfd);
	if ((p = fork()) == 0)
		pipe_partner();
	close(pfd[0]);
	close(qfd[1]);
	report("pipe_roundtrip", measure(op_pipe, 500), "ns");
	close(pfd[1]);
	waitpid(p, NULL, 0);
	signal(SIGUSR1, on_usr1);
	report("signal_handler", measure(op_signal, 500), "ns");
	report_child("fork_exit_wait", measure(op_fork, 20));
	report_child("fork_exec_wait", measure(op_exec, 10));
	report("page_fault_anon", measure(op_fault, 50) / 16, "ns");
	report("file_create_delete", measure(op_create, 200), "ns");
	/* write 8 MiB into an emptied file (the median of REPS), then
	 * re-read it from the cache */
	{
		long ts[REPS];
		for (int r = 0; r < REPS; r++) {
			fd = open("/tmp/bench.dat", O_CREAT | O_TRUNC | O_RDWR, 0600);
			ts[r] = now();
			for (long done = 0; done < size; done += sizeof(buf))
				write(fd, buf, sizeof(buf));
			ts[r] = now() - ts[r];
			if (r < REPS - 1)
				close(fd);
		}
		qsort(ts, REPS, sizeof(ts[0]), cmp);
		report("file_write", mibs(size, ts[REPS / 2]), "MiB/s");
		for (int r = 0; r < REPS; r++) {
			lseek(fd, 0, SEEK_SET);
			ts[r] = now();
			while (read(fd, buf, sizeof(buf)) > 0)
				;
			ts[r] = now() - ts[r];
		}
		qsort(ts, REPS, sizeof(ts[0]), cmp);
		report("file_reread", mibs(size, ts[REPS / 2]), "MiB/s");
	}
	close(fd);
	report("stat", measure(op_stat, 500), "ns");
	report("open_close", measure(op_open, 500), "ns");
	run_script("shell_100_cmds", "/bench/cmds.sh");
	make_tree();
	run_script("small_build", "/bench/build.sh");
	return 0;
}
