// SPDX-License-Identifier: MIT
/* Files: open flags and modes, read/write/lseek/pread/pwrite, dup,
 * fcntl, stat, directories, links, and their errors; data that crosses
 * pages, and buffers the process may not write. */
#include "t.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* 100 KiB at an odd offset, from and to buffers at odd addresses; a
 * read into read-only memory fails and leaves it as it was. */
static void
big_data(int fd)
{
	enum { N = 100 * 1024 + 7 };
	static char out[N + 16], in[N + 16];
	char *ro;

	for (int i = 0; i < N; i++)
		out[i + 3] = (char)(i * 7 + i / 4096);
	CHECK(pwrite(fd, out + 3, N, 5000) == N);
	CHECK(pread(fd, in + 5, N, 5000) == N && memcmp(in + 5, out + 3, N) == 0);
	CHECK(pread(fd, in, 10, 5000 + N - 4) == 4);		/* the end of the file */
	ro = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED);
	CHECK_ERR(pread(fd, ro + 100, 5000, 5000), EFAULT);
	CHECK(ro[100] == 0 && ro[5000] == 0);
	CHECK(pwrite(fd, ro, 8192, 0) == 8192);			/* reading it is fine */
	CHECK(pread(fd, in, 8192, 0) == 8192 && in[0] == 0 && in[8191] == 0);
	munmap(ro, 8192);
	/* the file's own pages as the buffer: read into a shared mapping of
	 * it, write from one */
	{
		char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 20 * 4096);
		CHECK(m != MAP_FAILED);
		CHECK(pread(fd, m + 100, 2 * 4096, 5000 + 4096) == 2 * 4096);
		CHECK(memcmp(m + 100, out + 3 + 4096, 2 * 4096) == 0);
		CHECK(pread(fd, in, 2 * 4096, 20 * 4096 + 100) == 2 * 4096 &&
		      memcmp(in, out + 3 + 4096, 2 * 4096) == 0);	/* the file has it */
		CHECK(pwrite(fd, m + 100, 4096, 50000) == 4096);
		CHECK(pread(fd, in, 4096, 50000) == 4096 && memcmp(in, out + 3 + 4096, 4096) == 0);
		munmap(m, 3 * 4096);
	}
	CHECK(ftruncate(fd, 5) == 0);				/* as it was */
}

int
main(void)
{
	char buf[64];
	struct stat st;
	int fd, fd2;

	t_name = "files";
	umask(022);
	CHECK((fd = open("f1", O_CREAT | O_EXCL | O_RDWR, 0666)) >= 0);
	CHECK_ERR(open("f1", O_CREAT | O_EXCL | O_RDWR, 0666), EEXIST);
	CHECK(write(fd, "hello world", 11) == 11);
	CHECK(lseek(fd, 0, SEEK_CUR) == 11);
	CHECK(lseek(fd, 6, SEEK_SET) == 6);
	CHECK(read(fd, buf, sizeof(buf)) == 5 && memcmp(buf, "world", 5) == 0);
	CHECK(read(fd, buf, sizeof(buf)) == 0);
	CHECK(pwrite(fd, "W", 1, 6) == 1);
	CHECK(pread(fd, buf, 5, 6) == 5 && memcmp(buf, "World", 5) == 0);
	CHECK(lseek(fd, 0, SEEK_CUR) == 11);			/* pread kept the offset */
	CHECK(lseek(fd, 100, SEEK_END) == 111);
	CHECK(write(fd, "!", 1) == 1);
	CHECK(fstat(fd, &st) == 0 && st.st_size == 112 && S_ISREG(st.st_mode));
	CHECK((st.st_mode & 0777) == 0644);
	CHECK(pread(fd, buf, 4, 50) == 4 && memcmp(buf, "\0\0\0\0", 4) == 0);	/* a hole */
	CHECK(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5);
	CHECK((fd2 = dup(fd)) > fd);
	CHECK(lseek(fd2, 1, SEEK_SET) == 1 && lseek(fd, 0, SEEK_CUR) == 1);	/* shared offset */
	CHECK(dup2(fd, 20) == 20 && fcntl(20, F_GETFD) == 0);
	CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
	CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
	CHECK(fcntl(fd, F_DUPFD, 30) == 30);
	CHECK(close(30) == 0 && close(20) == 0 && close(fd2) == 0);
	CHECK_ERR(close(fd2), EBADF);
	CHECK_ERR(read(999, buf, 1), EBADF);
	CHECK_ERR(write(-1, buf, 1), EBADF);
	CHECK_ERR(read(fd, (void *)8, 4), EFAULT);
	CHECK_ERR(write(fd, (void *)8, 4), EFAULT);
	CHECK_ERR(open((char *)8, O_RDONLY), EFAULT);
	CHECK_ERR(syscall(SYS_fstat, fd, (struct stat *)8), EFAULT);
	CHECK_ERR(syscall(SYS_stat, "f1", (struct stat *)8), EFAULT);
	big_data(fd);
	CHECK(close(fd) == 0);
	/* O_APPEND, O_TRUNC */
	CHECK((fd = open("f1", O_WRONLY | O_APPEND)) >= 0);
	CHECK(write(fd, "++", 2) == 2 && close(fd) == 0);
	CHECK(stat("f1", &st) == 0 && st.st_size == 7);
	CHECK((fd = open("f1", O_RDONLY | O_TRUNC)) >= 0 && close(fd) == 0);
	CHECK(stat("f1", &st) == 0 && st.st_size == 0);
	CHECK_ERR(write(open("f1", O_RDONLY), "x", 1), EBADF);
	/* names */
	CHECK_ERR(open("nosuch", O_RDONLY), ENOENT);
	CHECK_ERR(open("f1/x", O_RDONLY), ENOTDIR);
	CHECK(mkdir("d", 0755) == 0);
	CHECK_ERR(mkdir("d", 0755), EEXIST);
	CHECK_ERR(open("d", O_WRONLY), EISDIR);
	CHECK(rename("f1", "d/f2") == 0);
	CHECK_ERR(stat("f1", &st), ENOENT);
	CHECK(link("d/f2", "f3") == 0 && stat("f3", &st) == 0 && st.st_nlink == 2);
	CHECK(symlink("d/f2", "s") == 0 && lstat("s", &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(readlink("s", buf, sizeof(buf)) == 4 && memcmp(buf, "d/f2", 4) == 0);
	CHECK_ERR(rmdir("d"), ENOTEMPTY);
	CHECK(unlink("d/f2") == 0 && rmdir("d") == 0);
	CHECK(stat("f3", &st) == 0 && st.st_nlink == 1);
	CHECK_ERR(stat("s", &st), ENOENT);			/* dangling */
	CHECK(unlink("s") == 0 && unlink("f3") == 0);
	/* directories */
	{
		DIR *d;
		struct dirent *e;
		int n = 0, dots = 0;
		CHECK(mkdir("e", 0700) == 0);
		for (int i = 0; i < 40; i++) {
			snprintf(buf, sizeof(buf), "e/file-%02d", i);
			CHECK((fd = open(buf, O_CREAT | O_WRONLY, 0600)) >= 0 && close(fd) == 0);
		}
		CHECK((d = opendir("e")) != NULL);
		while (d && (e = readdir(d))) {
			if (e->d_name[0] == '.')
				dots++;
			else
				n++;
		}
		CHECK(n == 40 && dots == 2);
		if (d)
			closedir(d);
		CHECK(chdir("e") == 0 && getcwd(buf, sizeof(buf)) && strcmp(buf + strlen(buf) - 2, "/e") == 0);
		CHECK(chdir("..") == 0);
	}
	/* unlinked while open: the data stays until close */
	CHECK((fd = open("g", O_CREAT | O_RDWR, 0600)) >= 0 && write(fd, "keep", 4) == 4);
	CHECK(unlink("g") == 0 && pread(fd, buf, 4, 0) == 4 && memcmp(buf, "keep", 4) == 0);
	CHECK(close(fd) == 0);
	/* access and permissions */
	CHECK((fd = open("h", O_CREAT | O_WRONLY, 0400)) >= 0 && close(fd) == 0);
	CHECK(access("h", R_OK) == 0);
	CHECK(chmod("h", 0) == 0 && stat("h", &st) == 0 && (st.st_mode & 0777) == 0);
	CHECK_ERR(access("nosuch", F_OK), ENOENT);
	return t_end();
}
