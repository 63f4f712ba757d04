/* SPDX-License-Identifier: MIT */
/*
 * pm, the process manager of the UNIX subsystem.  A process is a user
 * actor whose system calls the nucleus sends to pm as trap messages
 * (trapPort).  For each process pm runs one thread, its "twin", that
 * receives the process's traps on the process's trap port and serves
 * them one at a time, so a call that waits (wait4, a read of a pipe)
 * blocks only the twin.  Shared state (the process table, open files) is
 * under one lock, pm_lock, which a twin drops whenever it waits.
 *
 * What pm owns: processes (fork, execve, exit, wait), signals,
 * credentials, process groups and sessions, memory (brk, mmap), the
 * descriptor tables and open files.  It calls om for names and
 * attributes, the nucleus page cache (sgRead/sgWrite) for file data, and
 * stm for terminals and pipes, copying the process's data in and out
 * itself (vmCopy).
 */
#ifndef PM_H
#define PM_H

#include <stdbool.h>
#include <motet.h>
#include <unix/linux.h>
#include <unix/proto.h>

#define NPROC		1024
#define PID_MAX		32768		/* pids are 1..PID_MAX-1; a multiple of NPROC */
#define NFD		256		/* descriptors per process */
#define PM_BODY		K_BODY_MAX	/* a twin's message buffer */
#define USER_TOP	0x7ffffffff000UL	/* end of the stack */
#define STACK_SIZE	(8UL << 20)
#define MMAP_TOP	0x7ff000000000UL	/* mmap without an address: below */
#define PIE_BASE	0x555555554000UL	/* where static-pie programs go */
#define PAGE		4096UL
#define PAGE_UP(x)	(((x) + PAGE - 1) & ~(PAGE - 1))
#define PAGE_DOWN(x)	((x) & ~(PAGE - 1))

/* A file as pm knows it: om's node, or stm's object, or a device pm serves. */
enum ofkind { OF_FILE = 1, OF_DIR, OF_STM, OF_NULL, OF_ZERO, OF_PATH, OF_PROC };

struct ofile {
	int refs;			/* descriptors (in any process) */
	enum ofkind kind;
	unsigned flags;			/* L_O_* status flags */
	unsigned long off;
	unsigned long ino;		/* om: the node (one om reference) */
	unsigned long mode;
	unsigned long rdev;
	struct kcap seg;		/* OF_FILE: the data segment */
	struct vnode *vn;		/* OF_FILE: shared size */
	unsigned long key;		/* OF_STM: stm's key */
	char *path;			/* OF_DIR, OF_PROC: where it is (fchdir) */
	char *data;			/* OF_PROC: the file's text, made at open */
	unsigned long len;		/* its size; for a /proc directory: -1 */
};

/* The size of a regular file, shared by its open files (pm writes them). */
struct vnode {
	unsigned long ino;
	unsigned long size;
	int refs;
	struct vnode *next;
};

struct sigstate {
	struct linux_sigaction act[L_NSIG + 1];
};

enum pstate { P_FREE = 0, P_RUN, P_ZOMBIE };

struct proc {
	enum pstate state;
	int pid, ppid, pgid, sid;
	unsigned uid, euid, suid, gid, egid, sgid;
	unsigned umask;
	long aid;			/* its actor */
	long tid;			/* its one thread */
	struct kui trap;		/* its trap port (served by the twin) */
	struct kui ctl;			/* its control port (signals) */
	long twin;			/* the twin's tid */
	bool twin_alive;		/* the slot is not reused until it left */
	char name[16];			/* comm: the program's base name */
	char exe[128];
	struct ofile *exe_of;		/* the program's file, kept while it is mapped */
	char cmdline[256];		/* argv, NUL-separated (/proc/PID/cmdline) */
	int cmdlen;

	struct ofile *fd[NFD];
	unsigned char cloexec[NFD];
	unsigned long cwd;		/* om node, with one om reference */
	char cwdpath[256];
	unsigned long ctty;		/* the controlling terminal's device, 0 if none */

	/* memory */
	unsigned long brk_start, brk, brk_mapped;
	unsigned long fsbase;

	/* signals */
	struct sigstate *sig;
	unsigned long pending, blocked;
	unsigned long saved_mask;	/* rt_sigsuspend: the mask to put back */
	bool restore_mask;
	ksem_t wake;			/* the twin's interruptible waits */
	bool waiting;			/* the twin is in one */
	bool kick;			/* woken while not waiting: the next wait returns */
	bool in_call;			/* the twin is serving a call of this process */
	unsigned long stm_seq;		/* the stm call it waits in, 0 if none */
	bool stopped;
	int stopsig;
	bool report_stop, report_cont;	/* for the parent's wait4 */
	bool killed;			/* a fatal signal ends it: no more calls */
	bool hresult_pending;		/* the trap handler's result, for the twin */
	long hresult;
	bool in_handler;		/* its thread runs a call in pm_trap */
	char *twin_buf;			/* its twin's buffer: pm_trap's too */
	char *hstack_top;		/* pm_trap's stack (the twin's, supervisor pm) */

	/* exit */
	int status;			/* wait status once a zombie */
	long utime_ns;
	int alarm_armed;
	long alarm_at;			/* ns (timeNow), 0 if none */
	unsigned long tid_clear;	/* set_tid_address */
	long start_ns;
	unsigned long itreal_interval;	/* setitimer(ITIMER_REAL) period, ns */
};

extern kmutex_t pm_lock;
extern struct proc procs[NPROC];
extern struct kui om_port, stm_port, pm_port;
extern unsigned long pm_secret[2];

/* A twin's state for the call it serves. */
struct call {
	struct proc *p;
	struct ktrapmsg tm;
	char *buf;			/* PM_BODY bytes */
	bool restart;			/* interrupted: restart it or -EINTR */
	bool noreply;			/* the process is gone, or was moved (execve) */
};

/* sys.c */
long sys_dispatch(struct call *c);
int sys_in_handler(long nr);
enum { H_NO, H_YES, H_NOT_STM };	/* H_NOT_STM: unless fd (rdi) is stm's */

/* main.c: in a supervisor pm, a process's thread runs its calls that
 * never wait in pm itself (a connected trap handler); what it passes
 * goes to the twin.  A call it ran whose end has a signal to act on goes
 * to the twin as this number, the result kept in the proc. */
#define PM_TRAP_RESULT	0x706d0001L
#define PM_PUNT		(-0x706d0002L)	/* a call in pm_trap: not done, for the twin */
void trap_connect(struct proc *p, long aid);
extern unsigned long n_handler_calls, n_twin_calls;	/* /proc/pm */

/* proc.c */
struct proc *proc_find(int pid);
struct proc *proc_new(void);
long proc_start(struct proc *p);
long twin_start(struct proc *p);
void random_bytes(void *buf, unsigned long n);
void proc_exit(struct proc *p, int status);
long sys_fork(struct call *c, unsigned long flags, unsigned long ctid);
long sys_wait4(struct call *c, int pid, unsigned long ustatus, int options);
long sys_kill(struct call *c, int pid, int sig);
long sys_setpgid(struct call *c, int pid, int pgid);
long sys_setsid(struct call *c);
void pgrp_join(struct proc *p);
void pgrp_leave(struct proc *p);
struct kui pgrp_name(int pgid);
struct kui pgrp_key(int pgid);
bool may_signal_ids(unsigned uid, unsigned euid, int sid, const struct proc *q, int sig);
int pgrp_exists(int pgid, int sid);

/* exec.c */
long sys_execve(struct call *c, unsigned long upath, unsigned long uargv, unsigned long uenvp);
long exec_init(struct proc *p, const char *path, char *const argv[]);

/* signal.c */
void sig_post(struct proc *p, int sig);
bool sig_deliverable(struct proc *p);
void sig_interrupt(struct proc *p);
long sig_at_return(struct call *c, long ret);
long sig_exception(struct call *c, const struct kexcmsg *em);
long sys_rt_sigaction(struct call *c, int sig, unsigned long uact, unsigned long uold, unsigned long size);
long sys_rt_sigprocmask(struct call *c, int how, unsigned long uset, unsigned long uold, unsigned long size);
long sys_rt_sigreturn(struct call *c);
long sys_rt_sigsuspend(struct call *c, unsigned long umask, unsigned long size);
long sys_rt_sigpending(struct call *c, unsigned long uset, unsigned long size);
long sys_pause(struct call *c);
long sig_wait(struct call *c, long timeout_ns);
void sig_check_alarms(void);
long sys_alarm(struct call *c, unsigned long secs);
long sys_setitimer(struct call *c, int which, unsigned long unew, unsigned long uold);

/* fs.c, names.c */
long fd_alloc(struct proc *p, struct ofile *f, int from, bool cloexec);
struct ofile *fd_get(struct proc *p, int fd);
void of_put(struct ofile *f);
struct ofile *of_new(void);
void of_free(struct ofile *f);
extern unsigned long n_ofiles, n_vnodes, n_twins;
void fd_close_all(struct proc *p);
void fd_fork(struct proc *child, struct proc *parent);
void fd_exec(struct proc *p);
long om_call(struct kmsg *m, void *rbody, unsigned long rsize);
long fs_open(struct proc *p, int dirfd, const char *path, unsigned flags, unsigned mode,
	     struct ofile **out, bool exec);
long fs_console(struct proc *p);
long fs_syscall(struct call *c, long nr, bool *handled);
long io_syscall(struct call *c, long nr, bool *handled);
long sys_poll(struct call *c, unsigned long ufds, unsigned long n, long timeout_ns);
long sys_select(struct call *c, int nfds, unsigned long ur, unsigned long uw, unsigned long ue,
		long timeout_ns);
long timeout_of(struct call *c, unsigned long uts, bool timeval, long *ns);
long with_mask(struct call *c, unsigned long umask);
long om_path_call(struct kmsg *m, const char *path, const char *path2, char *rbuf,
		  unsigned long rsize);
struct vnode *vn_find(unsigned long ino);
struct vnode *vn_get(unsigned long ino, unsigned long size);
void om_close(unsigned long ino);
long fd_close(struct proc *p, int fd);
long sys_openat(struct call *c, int dirfd, unsigned long upath, unsigned flags, unsigned mode);
long sys_dup3(struct proc *p, int old, int new, unsigned flags, bool dup2);
long sys_fcntl(struct call *c, int fd, int cmd, unsigned long arg);
long sys_fstatat(struct call *c, int dirfd, unsigned long upath, unsigned long ust, int flags);
long sys_getdents64(struct call *c, int fd, unsigned long ubuf, unsigned long count);
long dir_ino(struct proc *p, int dirfd, unsigned long *ino);
unsigned long cred_of(struct proc *p);
long stm_call(struct call *c, struct kmsg *m, void *rbody, unsigned long rsize);

/* procfs.c */
bool proc_path(struct proc *p, int dirfd, const char *path, char *abs, unsigned long size);
long procfs_open(struct proc *p, const char *abs, struct ofile **out);
long procfs_stat(struct proc *p, const char *abs, struct linux_stat *st);
long procfs_readlink(struct proc *p, const char *abs, char *buf, unsigned long size);
long procfs_getdents(struct ofile *f, char *buf, unsigned long size);
void join_path(char *out, unsigned long size, const char *base, const char *rel);

/* mem.c */
long mem_syscall(struct call *c, long nr, bool *handled);

/* util.c */
bool range_ok(unsigned long a, unsigned long n);	/* in the user half */
long copyin(struct proc *p, void *dst, unsigned long usrc, unsigned long n);
long copyout(struct proc *p, unsigned long udst, const void *src, unsigned long n);
long copyinstr(struct proc *p, char *dst, unsigned long usrc, unsigned long max);
long errno_of(long kerr);
void *zalloc(unsigned long n);
size_t strlcat_(char *d, const char *s, size_t n);
#define NSYSCALLS	462
extern const char *const sys_names[NSYSCALLS];

#endif
