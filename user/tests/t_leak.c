// SPDX-License-Identifier: MIT
/* Bad input and kills: processes killed in the middle of system calls
 * (a pipe read, a full pipe's write, a sleep, a poll, a wait, pure
 * computation) with files open leave nothing behind in pm, om, stm or
 * the nucleus (/proc/objects before and after); calls with bad pointers,
 * bad descriptors and nonsense arguments get errors, and the servers
 * still serve afterwards. */
#include "t.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void
read_objects(char *buf, size_t size)
{
	int fd = open("/proc/objects", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/* The counts once they hold still for 0.3 s (processes that ended may
 * still be on their way out, orphans waiting for process 1). */
static void
objects(char *buf, size_t size)
{
	char again[512];
	struct timespec ts = { 0, 300 * 1000 * 1000 };

	read_objects(buf, size);
	for (int i = 0; i < 20; i++) {
		nanosleep(&ts, NULL);
		read_objects(again, sizeof(again));
		if (strcmp(buf, again) == 0)
			return;
		strcpy(buf, again);
	}
}

/* The processes alive, for a failure report. */
static void
list_procs(void)
{
	char path[64], line[128];
	for (int pid = 1; pid < 2000; pid++) {
		int fd;
		ssize_t n;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if ((fd = open(path, O_RDONLY)) < 0)
			continue;
		n = read(fd, line, sizeof(line) - 1);
		line[n > 0 ? n : 0] = '\0';
		printf("  %.60s\n", line);
		close(fd);
	}
}

static void
victim(int kind, int rd, int wr)
{
	char big[8192];
	struct pollfd pf = { rd, POLLIN, 0 };
	volatile unsigned long x = 0;
	int fd = open("/etc/passwd", O_RDONLY);

	(void)fd;
	switch (kind) {
	case 0: read(rd, big, 1); break;			/* an empty pipe */
	case 1: for (;;) write(wr, big, sizeof(big)); break;	/* until full */
	case 2: sleep(100); break;
	case 3: poll(&pf, 1, -1); break;
	case 4: if (fork() == 0) { usleep(300000); _exit(0); } wait(NULL); break;
	case 5: for (;;) x++; break;				/* no system call */
	}
	_exit(0);
}

static void
bad_calls(void)
{
	char buf[16];

	CHECK_ERR(syscall(SYS_read, 0x7fff, buf, 1), EBADF);
	CHECK_ERR(syscall(SYS_write, 1, (void *)1, 100), EFAULT);
	CHECK_ERR(syscall(SYS_write, 1, (void *)0xffff800000000000UL, 10), EFAULT);
	CHECK_ERR(syscall(SYS_read, 0, (void *)-4096L, 1 << 30), EFAULT);
	CHECK_ERR(syscall(SYS_openat, AT_FDCWD, (void *)-1L, 0), EFAULT);
	CHECK_ERR(syscall(SYS_execve, "/bin/busybox", (void *)16, NULL), EFAULT);
	CHECK_ERR(syscall(SYS_rt_sigaction, 99, NULL, NULL, 8), EINVAL);
	CHECK_ERR(syscall(SYS_rt_sigaction, SIGKILL, (void *)8, NULL, 8), EINVAL);
	CHECK_ERR(syscall(SYS_wait4, -1, (void *)8, 0, NULL), ECHILD);
	CHECK_ERR(syscall(SYS_mmap, 0, 0, 3, 0x22, -1, 0), EINVAL);
	CHECK_ERR(syscall(SYS_munmap, 1, 4096), EINVAL);
	CHECK_ERR(syscall(SYS_lseek, 0x7fff, 0, 0), EBADF);
	CHECK_ERR(syscall(SYS_getdents64, 0, (void *)8, 4096), ENOTDIR);
	CHECK_ERR(syscall(SYS_poll, (void *)8, 1, 0), EFAULT);
	CHECK_ERR(syscall(SYS_kill, 1 << 30, 0), ESRCH);
	CHECK_ERR(syscall(SYS_dup2, 0, 1 << 20), EBADF);
	CHECK_ERR(syscall(SYS_fcntl, 0, 12345, 0), EINVAL);
	CHECK_ERR(syscall(SYS_ioctl, 0x7fff, 0x5401, buf), EBADF);
	CHECK_ERR(syscall(SYS_nanosleep, (void *)8, NULL), EFAULT);
	CHECK_ERR(syscall(SYS_clock_gettime, 999, buf), EINVAL);
	CHECK_ERR(syscall(9999), ENOSYS);
	CHECK_ERR(syscall(SYS_getcwd, buf, 1), ERANGE);
	CHECK_ERR(syscall(SYS_pipe2, (void *)8, 0), EFAULT);
}

static void
kills(void)
{
	int p[2], st;
	pid_t pid;

	for (int i = 0; i < 36; i++) {
		int kind = i % 6;
		struct timespec ts = { 0, 30 * 1000 * 1000 };
		CHECK(pipe(p) == 0);
		if ((pid = fork()) == 0)
			victim(kind, p[0], p[1]);
		nanosleep(&ts, NULL);
		CHECK(kill(pid, i & 1 ? SIGKILL : SIGTERM) == 0);
		CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st));
		close(p[0]);
		close(p[1]);
	}
}

int
main(void)
{
	char before[512], after[512];
	int p[2];

	t_name = "leak";
	bad_calls();
	kills();		/* once first: pm keeps threads for as many processes as ran at once */
	objects(before, sizeof(before));
	CHECK(strstr(before, "pm.procs") != NULL);
	kills();
	objects(after, sizeof(after));
	if (strcmp(before, after) != 0) {
		printf("before:\n%safter:\n%s", before, after);
		list_procs();
	}
	CHECK(strcmp(before, after) == 0);
	/* and the servers still serve */
	CHECK(open("/etc/passwd", O_RDONLY) >= 0);
	CHECK(pipe(p) == 0 && write(p[1], "ok", 2) == 2);
	return t_end();
}
