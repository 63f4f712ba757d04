// SPDX-License-Identifier: MIT
/* Credentials: a process that gives up root is held to the permission
 * bits of files and directories and may signal only its own processes;
 * uid and gid calls and their errors. */
#define _GNU_SOURCE
#include "t.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(void)
{
	int fd, st;
	pid_t pid, rootpid;
	uid_t r, e, s;

	t_name = "creds";
	CHECK(getuid() == 0 && geteuid() == 0);
	CHECK(mkdir("priv", 0700) == 0);
	CHECK((fd = open("priv/secret", O_CREAT | O_WRONLY, 0600)) >= 0 && close(fd) == 0);
	CHECK((fd = open("open", O_CREAT | O_WRONLY, 0644)) >= 0 && close(fd) == 0);
	CHECK(mkdir("shared", 0777) == 0 && chmod("shared", 01777) == 0);
	CHECK((fd = open("shared/roots", O_CREAT | O_WRONLY, 0666)) >= 0 && close(fd) == 0);
	rootpid = fork();
	if (rootpid == 0) {
		pause();
		_exit(0);
	}
	if ((pid = fork()) == 0) {
		int bad = 0;
		if (setgid(1000) != 0 || setuid(1000) != 0)
			_exit(1);
		if (getuid() != 1000 || geteuid() != 1000 || getgid() != 1000)
			_exit(2);
		if (setuid(0) != -1 || errno != EPERM)
			bad |= 4;
		if (open("priv/secret", O_RDONLY) != -1 || errno != EACCES)
			bad |= 8;			/* no search permission on priv */
		if (open("open", O_WRONLY) != -1 || errno != EACCES)
			bad |= 16;			/* 0644, not ours */
		if (open("open", O_RDONLY) < 0)
			bad |= 32;
		if (unlink("shared/roots") != -1 || (errno != EPERM && errno != EACCES))
			bad |= 64;			/* sticky directory */
		if ((fd = open("shared/mine", O_CREAT | O_WRONLY, 0600)) < 0)
			bad |= 128;
		else
			close(fd);
		if (chmod("open", 0777) != -1 || errno != EPERM)
			bad |= 256;
		if (kill(rootpid, SIGTERM) != -1 || errno != EPERM)
			bad |= 512;
		if (kill(getpid(), 0) != 0)
			bad |= 1024;
		if (mkdir("/rootonly", 0755) != -1 || errno != EACCES)
			bad |= 2048;
		_exit(bad ? (bad >> 2) & 0xff ? (bad >> 2) & 0xff : 3 : 0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	if (WEXITSTATUS(st))
		printf("TEST c.creds: FAIL unprivileged child: code %#x\n", WEXITSTATUS(st) << 2);
	CHECK(WEXITSTATUS(st) == 0);
	{
		struct stat sb;
		CHECK(stat("shared/mine", &sb) == 0 && sb.st_uid == 1000 && sb.st_gid == 1000);
	}
	CHECK(kill(rootpid, SIGTERM) == 0 && waitpid(rootpid, &st, 0) == rootpid);
	CHECK(getresuid(&r, &e, &s) == 0 && r == 0 && e == 0 && s == 0);
	CHECK(seteuid(1000) == 0 && geteuid() == 1000 && getuid() == 0);
	CHECK_ERR(open("priv/secret", O_RDONLY), EACCES);
	CHECK(seteuid(0) == 0 && open("priv/secret", O_RDONLY) >= 0);
	CHECK(chown("open", 1000, 1000) == 0);
	return t_end();
}
