// SPDX-License-Identifier: MIT
/* Processes: fork, exit status, wait4, getpid/getppid, process groups,
 * sessions, kill permissions, execve, orphans. */
#include "t.h"
#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A figure of /proc/pm (motet's: pm's mode and who served its calls),
 * -1 if missing; *super: pm is a supervisor actor. */
static long
pm_figure(const char *key, int *super)
{
	char buf[256], *at;
	int fd = open("/proc/pm", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	*super = strstr(buf, "mode supervisor\n") != NULL;
	return (at = strstr(buf, key)) ? strtol(at + strlen(key), NULL, 10) : -1;
}

int
main(int argc, char **argv)
{
	int st, p[2];
	pid_t pid, me = getpid();

	t_name = "procs";
	if (argc > 1) {				/* execve target */
		printf("exec-child %s\n", argv[1]);
		return 17;
	}
	CHECK(me > 1);
	CHECK((pid = fork()) >= 0);
	if (pid == 0) {
		if (getppid() != me)
			_exit(99);
		_exit(42);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 42);
	CHECK_ERR(waitpid(pid, &st, 0), ECHILD);
	CHECK_ERR(waitpid(-1, &st, WNOHANG), ECHILD);
	/* a child killed by a signal */
	CHECK((pid = fork()) >= 0);
	if (pid == 0) {
		for (;;)
			;			/* never makes a system call */
	}
	CHECK(kill(pid, SIGKILL) == 0);
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	CHECK_ERR(kill(pid, 0), ESRCH);
	/* WNOHANG while running, then the status */
	CHECK(pipe(p) == 0);
	CHECK((pid = fork()) >= 0);
	if (pid == 0) {
		char c;
		read(p[0], &c, 1);
		_exit(c);
	}
	CHECK(waitpid(pid, &st, WNOHANG) == 0);
	CHECK(write(p[1], "\7", 1) == 1);
	CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 7);
	/* stop and continue */
	CHECK((pid = fork()) >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	CHECK(kill(pid, SIGSTOP) == 0);
	CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
	CHECK(kill(pid, SIGCONT) == 0);
	CHECK(waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st));
	CHECK(kill(pid, SIGTERM) == 0);
	CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	/* process groups and sessions */
	CHECK((pid = fork()) >= 0);
	if (pid == 0) {
		if (setsid() != getpid() || getsid(0) != getpid() || getpgrp() != getpid())
			_exit(1);
		if (setsid() != -1 || errno != EPERM)
			_exit(2);
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 0);
	CHECK((pid = fork()) >= 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	CHECK(setpgid(pid, pid) == 0 && getpgid(pid) == pid);
	CHECK(kill(-pid, SIGTERM) == 0);
	CHECK(waitpid(pid, &st, 0) == pid && WTERMSIG(st) == SIGTERM);
	CHECK_ERR(kill(-pid, SIGTERM), ESRCH);
	CHECK_ERR(setpgid(1, 1), ESRCH);		/* not a child */
	CHECK_ERR(kill(1, 99), EINVAL);
	/* execve */
	CHECK((pid = fork()) >= 0);
	if (pid == 0) {
		char *av[] = { argv[0], "arg", NULL }, *ev[] = { NULL };
		execve(argv[0], av, ev);
		_exit(98);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 17);
	{
		char *av[] = { "x", NULL }, *ev[] = { NULL }, *volatile bad = (char *)8;
		CHECK_ERR(execve("/nonexistent", av, ev), ENOENT);
		CHECK_ERR(execve("/etc/passwd", av, ev), EACCES);
		CHECK_ERR(execve(bad, av, ev), EFAULT);
	}
	/* many children, reaped in any order */
	for (int i = 0; i < 20; i++)
		if (fork() == 0)
			_exit(i);
	{
		int sum = 0, n = 0;
		while ((pid = wait(&st)) > 0) {
			sum += WEXITSTATUS(st);
			n++;
		}
		CHECK(n == 20 && sum == 190);
	}
	/* getppid: in a supervisor pm, run by its trap handler in our own
	 * thread, not by a twin; in a user pm, by the twin */
	{
		int super = 0;
		long h0 = pm_figure("handler_calls ", &super), w0 = pm_figure("twin_calls ", &super);
		pid_t pp = getppid();
		for (int i = 0; i < 1000; i++)
			CHECK(syscall(SYS_getppid) == pp);
		long h1 = pm_figure("handler_calls ", &super), w1 = pm_figure("twin_calls ", &super);
		CHECK(h0 >= 0 && w0 >= 0 && h1 >= 0 && w1 >= 0);
		if (super)
			CHECK(h1 - h0 >= 1000 && w1 - w0 < 100);
		else
			CHECK(h1 == 0 && w1 - w0 >= 1000);
	}
	return t_end();
}
