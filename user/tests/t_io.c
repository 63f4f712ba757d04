// SPDX-License-Identifier: MIT
/* Pipes and devices: poll and select with timeouts, O_NONBLOCK, EOF,
 * a large transfer between processes, readv/writev, sendfile, /dev/null
 * and /dev/zero, and an orphan going to process 1. */
#define _GNU_SOURCE
#include "t.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

int
main(void)
{
	int p[2], q[2], st, fd;
	char buf[8192];
	struct pollfd pf[2];
	struct timespec t0;
	fd_set rs;
	struct timeval tv;
	pid_t pid;

	t_name = "io";
	CHECK(pipe(p) == 0);
	/* poll: nothing to read, times out; then ready */
	pf[0] = (struct pollfd){ p[0], POLLIN, 0 };
	pf[1] = (struct pollfd){ p[1], POLLOUT, 0 };
	CHECK(poll(pf, 1, 0) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(poll(pf, 1, 200) == 0 && ms_since(&t0) >= 150);
	CHECK(poll(pf + 1, 1, 0) == 1 && (pf[1].revents & POLLOUT));
	CHECK(write(p[1], "ab", 2) == 2);
	CHECK(poll(pf, 2, -1) == 2 && (pf[0].revents & POLLIN));
	/* poll woken by a writer in another process */
	CHECK(read(p[0], buf, 2) == 2);
	if ((pid = fork()) == 0) {
		usleep(200000);
		write(p[1], "x", 1);
		_exit(0);
	}
	CHECK(poll(pf, 1, 5000) == 1 && (pf[0].revents & POLLIN));
	waitpid(pid, &st, 0);
	CHECK(read(p[0], buf, 1) == 1);
	/* select */
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	tv = (struct timeval){ 0, 100000 };
	CHECK(select(p[0] + 1, &rs, NULL, NULL, &tv) == 0 && !FD_ISSET(p[0], &rs));
	CHECK(write(p[1], "y", 1) == 1);
	FD_SET(p[0], &rs);
	CHECK(select(p[0] + 1, &rs, NULL, NULL, NULL) == 1 && FD_ISSET(p[0], &rs));
	CHECK(read(p[0], buf, 1) == 1);
	FD_SET(99, &rs);
	CHECK_ERR(select(100, &rs, NULL, NULL, &tv), EBADF);
	/* O_NONBLOCK */
	CHECK(fcntl(p[0], F_SETFL, O_NONBLOCK) == 0);
	CHECK_ERR(read(p[0], buf, 1), EAGAIN);
	CHECK(fcntl(p[0], F_SETFL, 0) == 0);
	/* EOF and POLLHUP once the writer is gone */
	CHECK(close(p[1]) == 0);
	CHECK(read(p[0], buf, 1) == 0);
	CHECK(poll(pf, 1, 0) == 1 && (pf[0].revents & (POLLHUP | POLLIN)));
	close(p[0]);
	/* a megabyte through a pipe, checked */
	CHECK(pipe(p) == 0);
	if ((pid = fork()) == 0) {
		close(p[0]);
		for (int i = 0; i < 128; i++) {
			memset(buf, i, sizeof(buf));
			if (write(p[1], buf, sizeof(buf)) != sizeof(buf))
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	{
		long total = 0, bad = 0;
		ssize_t n;
		while ((n = read(p[0], buf, 3000)) > 0) {
			for (ssize_t i = 0; i < n; i++)
				if ((unsigned char)buf[i] != (unsigned char)((total + i) / 8192))
					bad++;
			total += n;
		}
		CHECK(total == 128 * 8192 && bad == 0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 0);
	close(p[0]);
	/* readv and writev */
	{
		struct iovec v[3] = { { "one ", 4 }, { "two ", 4 }, { "three", 5 } };
		char a[5], b[8];
		struct iovec r[2] = { { a, 5 }, { b, 8 } };
		CHECK((fd = open("v", O_CREAT | O_RDWR | O_TRUNC, 0600)) >= 0);
		CHECK(writev(fd, v, 3) == 13);
		CHECK(lseek(fd, 0, SEEK_SET) == 0 && readv(fd, r, 2) == 13);
		CHECK(memcmp(a, "one t", 5) == 0 && memcmp(b, "wo three", 8) == 0);
		/* sendfile into a pipe */
		CHECK(pipe(q) == 0);
		{
			off_t off = 4;
			CHECK(sendfile(q[1], fd, &off, 3) == 3 && off == 7);
			CHECK(read(q[0], buf, 3) == 3 && memcmp(buf, "two", 3) == 0);
		}
		close(q[0]);
		close(q[1]);
		close(fd);
	}
	/* devices */
	CHECK((fd = open("/dev/null", O_RDWR)) >= 0);
	CHECK(write(fd, buf, 100) == 100 && read(fd, buf, 10) == 0);
	close(fd);
	CHECK((fd = open("/dev/zero", O_RDONLY)) >= 0);
	buf[0] = 1;
	CHECK(read(fd, buf, 4096) == 4096 && buf[0] == 0 && buf[4095] == 0);
	close(fd);
	/* an orphan goes to process 1 */
	CHECK(pipe(p) == 0);
	if ((pid = fork()) == 0) {
		if (fork() == 0) {
			char c;
			read(p[0], &c, 1);	/* until its parent is gone */
			c = (char)getppid();
			write(p[1], &c, 1);
			_exit(0);
		}
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid);
	CHECK(write(p[1], "g", 1) == 1);
	usleep(300000);
	CHECK(read(p[0], buf, 1) == 1 && buf[0] == 1);
	close(p[0]);
	close(p[1]);
	return t_end();
}
