/* SPDX-License-Identifier: MIT */
/*
 * The Linux x86-64 binary interface as the UNIX servers see it: errno
 * values, flags, and the layouts of the structures that cross the
 * system-call boundary.  Written from the Linux UAPI documentation; the
 * names carry an L_ (constants) or linux_ (structures) prefix so that they
 * never collide with the nucleus's.
 */
#ifndef UNIX_LINUX_H
#define UNIX_LINUX_H

#include <stdint.h>

/* errno */
#define L_EPERM		1
#define L_ENOENT	2
#define L_ESRCH		3
#define L_EINTR		4
#define L_EIO		5
#define L_ENXIO		6
#define L_E2BIG		7
#define L_ENOEXEC	8
#define L_EBADF		9
#define L_ECHILD	10
#define L_EAGAIN	11
#define L_ENOMEM	12
#define L_EACCES	13
#define L_EFAULT	14
#define L_ENOTBLK	15
#define L_EBUSY		16
#define L_EEXIST	17
#define L_EXDEV		18
#define L_ENODEV	19
#define L_ENOTDIR	20
#define L_EISDIR	21
#define L_EINVAL	22
#define L_ENFILE	23
#define L_EMFILE	24
#define L_ENOTTY	25
#define L_ETXTBSY	26
#define L_EFBIG		27
#define L_ENOSPC	28
#define L_ESPIPE	29
#define L_EROFS		30
#define L_EMLINK	31
#define L_EPIPE		32
#define L_EDOM		33
#define L_ERANGE	34
#define L_EDEADLK	35
#define L_ENAMETOOLONG	36
#define L_ENOLCK	37
#define L_ENOSYS	38
#define L_ENOTEMPTY	39
#define L_ELOOP		40
#define L_ENOTSUP	95
#define L_ETIMEDOUT	110
/* never seen by a process: a blocked call to restart after a handler */
#define L_ERESTARTSYS	512

/* open flags */
#define L_O_ACCMODE	00000003
#define L_O_RDONLY	00000000
#define L_O_WRONLY	00000001
#define L_O_RDWR	00000002
#define L_O_CREAT	00000100
#define L_O_EXCL	00000200
#define L_O_NOCTTY	00000400
#define L_O_TRUNC	00001000
#define L_O_APPEND	00002000
#define L_O_NONBLOCK	00004000
#define L_O_DSYNC	00010000
#define L_O_DIRECT	00040000
#define L_O_LARGEFILE	00100000
#define L_O_DIRECTORY	00200000
#define L_O_NOFOLLOW	00400000
#define L_O_NOATIME	01000000
#define L_O_CLOEXEC	02000000
#define L_O_PATH	010000000

#define L_AT_FDCWD		(-100)
#define L_AT_SYMLINK_NOFOLLOW	0x100
#define L_AT_REMOVEDIR		0x200
#define L_AT_SYMLINK_FOLLOW	0x400
#define L_AT_EACCESS		0x200
#define L_AT_EMPTY_PATH		0x1000

/* file modes */
#define L_S_IFMT	0170000
#define L_S_IFSOCK	0140000
#define L_S_IFLNK	0120000
#define L_S_IFREG	0100000
#define L_S_IFBLK	0060000
#define L_S_IFDIR	0040000
#define L_S_IFCHR	0020000
#define L_S_IFIFO	0010000
#define L_S_ISUID	0004000
#define L_S_ISGID	0002000
#define L_S_ISVTX	0001000
#define L_S_ISTYPE(m, t)	(((m) & L_S_IFMT) == (t))

/* access() modes */
#define L_F_OK	0
#define L_X_OK	1
#define L_W_OK	2
#define L_R_OK	4

/* getdents64 d_type */
#define L_DT_UNKNOWN	0
#define L_DT_FIFO	1
#define L_DT_CHR	2
#define L_DT_DIR	4
#define L_DT_BLK	6
#define L_DT_REG	8
#define L_DT_LNK	10
#define L_DT_SOCK	12

/* device numbers, as stat's st_rdev encodes them */
#define L_MKDEV(ma, mi)	((uint64_t)(((ma) & 0xfff) << 8) | ((mi) & 0xff) | \
			 ((uint64_t)((mi) & ~0xffu) << 12))
#define L_MAJOR(d)	((unsigned)(((d) >> 8) & 0xfff))
#define L_MINOR(d)	((unsigned)(((d) & 0xff) | (((d) >> 12) & ~0xffu)))

struct linux_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};

struct linux_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};

/* struct stat of x86-64 (fstat, stat, lstat, newfstatat): 144 bytes */
struct linux_stat {
	uint64_t st_dev;
	uint64_t st_ino;
	uint64_t st_nlink;
	uint32_t st_mode;
	uint32_t st_uid;
	uint32_t st_gid;
	uint32_t __pad0;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;		/* 512-byte units */
	struct linux_timespec st_atim;
	struct linux_timespec st_mtim;
	struct linux_timespec st_ctim;
	int64_t __unused[3];
};
_Static_assert(sizeof(struct linux_stat) == 144, "linux_stat layout");

/* one getdents64 record; d_reclen rounds the whole record up to 8 */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;			/* the offset of the next record */
	uint16_t d_reclen;
	uint8_t d_type;
	char d_name[];
};

/* lseek */
#define L_SEEK_SET	0
#define L_SEEK_CUR	1
#define L_SEEK_END	2

/* fcntl */
#define L_F_DUPFD	0
#define L_F_GETFD	1
#define L_F_SETFD	2
#define L_F_GETFL	3
#define L_F_SETFL	4
#define L_F_GETLK	5
#define L_F_SETLK	6
#define L_F_SETLKW	7
#define L_F_DUPFD_CLOEXEC 1030
#define L_FD_CLOEXEC	1

/* terminals: struct termios as the kernel's ioctls use it (TCGETS) */
#define L_NCCS	19
struct linux_termios {
	uint32_t c_iflag;
	uint32_t c_oflag;
	uint32_t c_cflag;
	uint32_t c_lflag;
	uint8_t c_line;
	uint8_t c_cc[L_NCCS];
};
_Static_assert(sizeof(struct linux_termios) == 36, "linux_termios layout");

struct linux_winsize {
	uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* c_cc indexes */
#define L_VINTR		0
#define L_VQUIT		1
#define L_VERASE	2
#define L_VKILL		3
#define L_VEOF		4
#define L_VTIME		5
#define L_VMIN		6
#define L_VSTART	8
#define L_VSTOP		9
#define L_VSUSP		10
#define L_VEOL		11
#define L_VREPRINT	12
#define L_VWERASE	14
#define L_VLNEXT	15
#define L_VEOL2		16

/* c_iflag */
#define L_IGNBRK	0000001
#define L_BRKINT	0000002
#define L_IGNPAR	0000004
#define L_ISTRIP	0000040
#define L_INLCR		0000100
#define L_IGNCR		0000200
#define L_ICRNL		0000400
#define L_IXON		0002000
#define L_IXANY		0004000
#define L_IXOFF		0010000
#define L_IMAXBEL	0020000
#define L_IUTF8		0040000
/* c_oflag */
#define L_OPOST		0000001
#define L_ONLCR		0000004
#define L_OCRNL		0000010
/* c_cflag */
#define L_CSIZE		0000060
#define L_CS8		0000060
#define L_CREAD		0000200
#define L_HUPCL		0002000
#define L_CLOCAL	0004000
#define L_B38400	0000017
/* c_lflag */
#define L_ISIG		0000001
#define L_ICANON	0000002
#define L_ECHO		0000010
#define L_ECHOE		0000020
#define L_ECHOK		0000040
#define L_ECHONL	0000100
#define L_NOFLSH	0000200
#define L_TOSTOP	0000400
#define L_ECHOCTL	0001000
#define L_ECHOKE	0004000
#define L_IEXTEN	0100000

/* ioctl requests */
#define L_TCGETS	0x5401
#define L_TCSETS	0x5402
#define L_TCSETSW	0x5403
#define L_TCSETSF	0x5404
#define L_TCSBRK	0x5409
#define L_TCXONC	0x540a
#define L_TCFLSH	0x540b
#define L_TIOCSCTTY	0x540e
#define L_TIOCGPGRP	0x540f
#define L_TIOCSPGRP	0x5410
#define L_TIOCOUTQ	0x5411
#define L_TIOCGWINSZ	0x5413
#define L_TIOCSWINSZ	0x5414
#define L_FIONREAD	0x541b
#define L_TIOCNOTTY	0x5422
#define L_TIOCGSID	0x5429
#define L_FIONBIO	0x5421
#define L_FIOCLEX	0x5451
#define L_FIONCLEX	0x5450

/* poll */
#define L_POLLIN	0x001
#define L_POLLPRI	0x002
#define L_POLLOUT	0x004
#define L_POLLERR	0x008
#define L_POLLHUP	0x010
#define L_POLLNVAL	0x020
#define L_POLLRDNORM	0x040
#define L_POLLWRNORM	0x100
struct linux_pollfd {
	int32_t fd;
	int16_t events;
	int16_t revents;
};

/* signals */
#define L_NSIG		64
#define L_SIGHUP	1
#define L_SIGINT	2
#define L_SIGQUIT	3
#define L_SIGILL	4
#define L_SIGTRAP	5
#define L_SIGABRT	6
#define L_SIGBUS	7
#define L_SIGFPE	8
#define L_SIGKILL	9
#define L_SIGUSR1	10
#define L_SIGSEGV	11
#define L_SIGUSR2	12
#define L_SIGPIPE	13
#define L_SIGALRM	14
#define L_SIGTERM	15
#define L_SIGSTKFLT	16
#define L_SIGCHLD	17
#define L_SIGCONT	18
#define L_SIGSTOP	19
#define L_SIGTSTP	20
#define L_SIGTTIN	21
#define L_SIGTTOU	22
#define L_SIGURG	23
#define L_SIGXCPU	24
#define L_SIGXFSZ	25
#define L_SIGVTALRM	26
#define L_SIGPROF	27
#define L_SIGWINCH	28
#define L_SIGIO		29
#define L_SIGPWR	30
#define L_SIGSYS	31
#define L_SIGBIT(s)	(1UL << ((s) - 1))

#define L_SA_NOCLDSTOP	0x00000001
#define L_SA_NOCLDWAIT	0x00000002
#define L_SA_SIGINFO	0x00000004
#define L_SA_RESTORER	0x04000000
#define L_SA_ONSTACK	0x08000000
#define L_SA_RESTART	0x10000000
#define L_SA_NODEFER	0x40000000
#define L_SA_RESETHAND	0x80000000
#define L_SIG_DFL	0UL
#define L_SIG_IGN	1UL

#define L_SIG_BLOCK	0
#define L_SIG_UNBLOCK	1
#define L_SIG_SETMASK	2

/* rt_sigaction's struct (the kernel's, not libc's) */
struct linux_sigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

/* wait4 options and status */
#define L_WNOHANG	1
#define L_WUNTRACED	2
#define L_WCONTINUED	8
#define L_W_EXITCODE(ret, sig)	(((ret) << 8) | (sig))
#define L_W_STOPCODE(sig)	(((sig) << 8) | 0x7f)
#define L_W_CONTINUED		0xffff
#define L_WCOREFLAG		0x80

#endif
