// SPDX-License-Identifier: MIT
/* Memory: brk, anonymous and file mmap, munmap, mprotect, copy-on-write
 * across fork. */
#include "t.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static sigjmp_buf jb;
static void on_segv(int s) { siglongjmp(jb, 1); }

static int
faults(volatile char *p, int write)
{
	if (sigsetjmp(jb, 1))
		return 1;
	if (write)
		*p = 1;
	else
		(void)*p;
	return 0;
}

int
main(void)
{
	char *b, *m;
	int fd, st;
	pid_t pid;
	struct sigaction sa;

	t_name = "mem";
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	b = (char *)syscall(SYS_brk, 0);		/* musl's sbrk only reads it */
	CHECK((char *)syscall(SYS_brk, b + (1 << 20)) == b + (1 << 20));
	memset(b, 0x5a, 1 << 20);
	CHECK(b[(1 << 20) - 1] == 0x5a);
	CHECK((char *)syscall(SYS_brk, b) == b);
	CHECK(faults(b + 8192, 0));
	m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(m != MAP_FAILED && m[4095] == 0);
	memset(m, 1, 1 << 20);
	CHECK(mprotect(m, 4096, PROT_READ) == 0);
	CHECK(faults(m, 1) && !faults(m, 0) && !faults(m + 4096, 1));
	CHECK(munmap(m, 1 << 20) == 0);
	CHECK(faults(m + 8192, 0));
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED);
	/* copy-on-write across fork */
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	strcpy(m, "parent");
	if ((pid = fork()) == 0) {
		strcpy(m, "child");
		_exit(strcmp(m, "child") != 0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 0 && strcmp(m, "parent") == 0);
	/* shared anonymous memory is shared with the child */
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if ((pid = fork()) == 0) {
		strcpy(m, "from-child");
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && strcmp(m, "from-child") == 0);
	/* a file, private and shared */
	CHECK((fd = open("mf", O_CREAT | O_RDWR, 0600)) >= 0);
	CHECK(write(fd, "file data", 9) == 9);
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED && memcmp(m, "file data", 9) == 0);
	m[0] = 'F';
	{
		char c;
		CHECK(pread(fd, &c, 1, 0) == 1 && c == 'f');	/* private: the file keeps its data */
	}
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED);
	m[1] = 'I';
	{
		char c;
		CHECK(pread(fd, &c, 1, 1) == 1 && c == 'I');	/* shared: the file sees it */
	}
	CHECK_ERR(mmap(NULL, 4096, PROT_READ, MAP_SHARED, 99, 0), EBADF);
	close(fd);
	return t_end();
}
