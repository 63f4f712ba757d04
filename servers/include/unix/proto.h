/* SPDX-License-Identifier: MIT */
/*
 * The protocols between the UNIX servers: pm (process manager), om (object
 * manager: name space, RAM file system, mapper of file data) and stm
 * (stream manager: console terminal, pipes).  Processes never talk to om
 * or stm: their system calls trap to pm (trapPort), which serves what it
 * owns and calls om or stm for the rest, copying the process's data in
 * and out itself (vmCopy) and moving it in message bodies.
 *
 * Every request is an ipcCall (or an ipcSend where marked one-way) with
 * annex word 0 the op; the words after it are listed per op as w1..w7.
 * The reply's word 0 is the status: >= 0, or a negative Linux errno
 * (-L_E*, unix/linux.h).  Requests are accepted only with protection
 * identifier UNIX_PROTID (set by each server with actorSetProtId); om's
 * mapper requests come from the nucleus (K_PROTID_NUCLEUS).
 *
 * Credentials travel as one word: UNIX_CRED(uid, gid); uid 0 may do
 * anything the permission bits forbid.  Modes sent to om have the
 * process's umask applied already.  Paths travel in the body,
 * NUL-terminated, at most UNIX_PATH_MAX bytes with the NUL; two paths are
 * one body "a\0b\0".
 */
#ifndef UNIX_PROTO_H
#define UNIX_PROTO_H

#include <motet/ipc.h>

/* Well-known ports, built UIs (the servers are trusted actors). */
#define UNIX_PORT_PM	0x756e697800000001UL	/* pm: notices from servers */
#define UNIX_PORT_OM	0x756e697800000002UL	/* om: requests and mapper calls */
#define UNIX_PORT_STM	0x756e697800000003UL	/* stm */
/* A process's control port: signals are messages to it. */
#define UNIX_PORT_PROC(pid)	(0x7072000000000000UL | (unsigned long)(pid))

static inline struct kui
unixPort(unsigned long n)
{
	return uiBuild(K_UI_PORT, n);
}

#define UNIX_PROTID	0x756e6978UL	/* "unix": the servers' protection id */
#define UNIX_PATH_MAX	4096
#define UNIX_CRED(uid, gid)	(((unsigned long)(gid) << 32) | (unsigned)(uid))
#define UNIX_CRED_UID(c)	((unsigned)(c))
#define UNIX_CRED_GID(c)	((unsigned)((c) >> 32))

/* Statuses beyond errno. */
#define UNIX_R_TTIN	(-1001L)	/* stm: a background read of the terminal */
#define UNIX_R_TTOU	(-1002L)	/* stm: a background write with TOSTOP */

/*
 * om.  Nodes are named by their inode number (ino); 1 is the root.  A
 * node with references (OM_OPEN) outlives its last name until OM_CLOSE.
 * Regular files' data is a segment of om's: OM_OPEN returns its
 * capability (om port, key), which pm reads and writes with
 * sgRead/sgWrite and maps with rgnMap; om sees only the mapper protocol.
 * The size is om's, kept current by pm (OM_WRITTEN after a write).
 *
 * OM_OPEN      w1 dir ino (relative paths start there), w2 L_O_* flags
 *              (| OM_O_EXEC: check execute permission, regular files
 *              only), w3 mode for O_CREAT, w4 cred; body path.  Follows
 *              symbolic links (the last one too, unless O_NOFOLLOW:
 *              -ELOOP); O_CREAT, O_EXCL, O_TRUNC, O_DIRECTORY, O_PATH (a
 *              reference without permission checks on the node itself)
 *              as open(2).  Reply: w1 ino, w2 mode, w3 size, w4 rdev,
 *              w5 key0, w6 key1 (the data segment's key; 0 0 but for
 *              regular files), w7 1 if it was created.  Counts one
 *              reference.
 * OM_CLOSE     w1 ino: drops one reference.  May be one-way.
 * OM_STAT      w1 ino.  Reply body: struct linux_stat.
 * OM_STATAT    w1 dir, w2 L_AT_SYMLINK_NOFOLLOW or 0, w4 cred; body path.
 *              Reply body: struct linux_stat.
 * OM_GETDENTS  w1 ino (a directory), w2 offset (0 at the start, then
 *              what the last reply gave), w3 most bytes.  Reply: status
 *              the bytes of linux_dirent64 records in the body (0: the
 *              end; -EINVAL if the first record does not fit), w1 the
 *              next offset.  "." and ".." come first.
 * OM_MKDIR     w1 dir, w3 mode, w4 cred; body path.
 * OM_MKNOD     w1 dir, w3 mode (type bits: FIFO, CHR, BLK, REG), w4 cred,
 *              w5 rdev; body path.
 * OM_UNLINK    w1 dir, w2 0 or L_AT_REMOVEDIR, w4 cred; body path.
 * OM_RENAME    w1 old dir, w2 new dir, w4 cred; body "old\0new\0".
 * OM_LINK      w1 old dir, w2 new dir, w3 0 or L_AT_SYMLINK_FOLLOW,
 *              w4 cred; body "old\0new\0".
 * OM_SYMLINK   w1 dir, w4 cred; body "target\0linkpath\0".
 * OM_READLINK  w1 dir, w4 cred; body path.  Reply: the target (no NUL)
 *              as body, status its length.
 * OM_ACCESS    w1 dir, w2 L_R_OK|L_W_OK|L_X_OK or L_F_OK, w3 flags
 *              (L_AT_SYMLINK_NOFOLLOW), w4 cred; body path.
 * OM_CHMOD     w1 ino, w3 mode, w4 cred (owner or root).
 * OM_CHOWN     w1 ino, w2 uid, w3 gid ((unsigned)-1: unchanged), w4 cred.
 * OM_TRUNCATE  w1 ino, w2 size, w4 cred (write permission; pm checked an
 *              fd's mode for ftruncate and sends root's cred).  Pages past
 *              the end leave the page cache (sgFlush).
 * OM_WRITTEN   w1 ino, w2 size after a write (never below the current
 *              size): sets the size, mtime and ctime.
 * OM_UTIMENS   w1 ino, w2 atime, w3 mtime (ns since the epoch; -1 now,
 *              -2 unchanged), w4 cred.
 * OM_STATFS    Reply body: blocks, free blocks, files, free files, open
 *              references (5 longs).
 */
#define OM_OPEN		0x6f6d01
#define OM_CLOSE	0x6f6d02
#define OM_STAT		0x6f6d03
#define OM_STATAT	0x6f6d04
#define OM_GETDENTS	0x6f6d05
#define OM_MKDIR	0x6f6d06
#define OM_MKNOD	0x6f6d07
#define OM_UNLINK	0x6f6d08
#define OM_RENAME	0x6f6d09
#define OM_LINK		0x6f6d0a
#define OM_SYMLINK	0x6f6d0b
#define OM_READLINK	0x6f6d0c
#define OM_ACCESS	0x6f6d0d
#define OM_CHMOD	0x6f6d0e
#define OM_CHOWN	0x6f6d0f
#define OM_TRUNCATE	0x6f6d10
#define OM_WRITTEN	0x6f6d11
#define OM_UTIMENS	0x6f6d12
#define OM_STATFS	0x6f6d13

#define OM_ROOT		1UL
#define OM_O_EXEC	0x100000000UL	/* OM_OPEN: for execve */

/*
 * stm.  Objects are named by keys that stm gives out (OM_OPEN of a
 * character device that is a terminal, STM_PIPE); each key is one
 * reference (pm's open file), released with STM_CLOSE.  Calls that must
 * wait (read of an empty pipe or of the terminal with no line, write to a
 * full pipe) are answered when they can be, or with -EINTR when pm
 * cancels them (STM_CANCEL: the process has a signal to take).  Every
 * read and write carries the caller's pid and a sequence number that is
 * new for each call of that pid; a cancel that comes before its call
 * still cancels it.
 *
 * STM_OPEN     w1 device number (L_MKDEV(5,1) the console, L_MKDEV(4,n)
 *              tty n; for /dev/tty, L_MKDEV(5,0), pm uses the caller's
 *              controlling terminal instead), w2 L_O_* flags.
 *              Reply: w1 key.
 * STM_PIPE     w2 L_O_* flags (O_NONBLOCK).  Reply: w1 read key, w2 write key.
 * STM_CLOSE    w1 key.  The last close of a pipe's writing end gives its
 *              readers end of file; of its reading end, writers -EPIPE.
 * STM_READ     w1 key, w2 most bytes, w3 L_O_* flags (O_NONBLOCK), w4 pid,
 *              w5 UNIX_PG(pgid, sid), w6 seq.  Reply: the data as body,
 *              status its size (0: end of file), -EAGAIN, -EINTR,
 *              UNIX_R_TTIN (a process not in the terminal's foreground
 *              process group).
 * STM_WRITE    w1 key, w3 flags, w4 pid, w5 UNIX_PG(pgid, sid), w6 seq;
 *              body the data.  Status: bytes written (a pipe takes writes
 *              of up to PIPE_BUF = 4096 bytes whole), -EPIPE, -EAGAIN,
 *              -EINTR (nothing written), UNIX_R_TTOU.
 * STM_IOCTL    w1 key, w2 request (L_TCGETS ...), w3 scalar argument,
 *              w4 pid, w5 UNIX_PG(pgid, sid), w6-w7 a process group's
 *              port-group name (TIOCSCTTY: the caller's group;
 *              TIOCSPGRP: the new foreground group's); body: the input
 *              struct (termios, winsize, the pgid for TIOCSPGRP).  Reply
 *              body: the output struct (termios, winsize, an int).  pm
 *              checks the rules that need the process table (a session
 *              leader for TIOCSCTTY, a group of the same session for
 *              TIOCSPGRP) before it asks.  -ENOTTY for pipes.
 * STM_POLL     w1 key, w2 L_POLL* events, w3 cookie.  Status: the events
 *              that hold now (POLLIN, POLLOUT, POLLHUP, POLLERR).  If none
 *              and cookie is not 0, stm sends STM_NOTIFY(cookie) to pm's
 *              port once, the next time the object's state changes.
 * STM_CANCEL   one-way: w1 pid, w2 seq.
 * STM_NOTIFY   stm -> pm, one-way: w1 cookie.
 * STM_STAT     Reply body: keys given out and not closed, calls waiting
 *              (2 longs): what a leak test counts.
 *
 * Terminal signals (^C, ^\, ^Z) go as UNIX_SIGNAL to every member of the
 * foreground process group's port group (a broadcast to its name).
 */
#define STM_OPEN	0x73740001
#define STM_PIPE	0x73740002
#define STM_CLOSE	0x73740003
#define STM_READ	0x73740004
#define STM_WRITE	0x73740005
#define STM_IOCTL	0x73740006
#define STM_POLL	0x73740007
#define STM_CANCEL	0x73740008
#define STM_NOTIFY	0x73740009
#define STM_STAT	0x7374000a

#define UNIX_PG(pgid, sid)	(((unsigned long)(sid) << 32) | (unsigned)(pgid))
#define UNIX_PG_PGID(w)		((int)(unsigned)(w))
#define UNIX_PG_SID(w)		((int)(((w) >> 32) & 0x3fffffff))
/* or'ed into a UNIX_PG word: the caller ignores or blocks SIGTTOU, so it
 * may write to and change its terminal from the background */
#define UNIX_PG_NOTTOU		(1UL << 62)
#define UNIX_PIPE_BUF		4096
#define UNIX_PIPE_SIZE		65536

/*
 * A signal, one-way to a process's control port (or to a process group's
 * port group): w1 signo, w2 the sender's pid (0: the system, which may
 * signal anyone), w3 UNIX_CRED(uid, euid) of the sender, w4 its session
 * (SIGCONT within a session needs no matching ids).  pm serves control
 * ports; a sender that is in the group it signals has taken its own
 * signal already (kill(2) acts on the caller before it returns).
 */
#define UNIX_SIGNAL	0x7369670001UL

#endif
