// SPDX-License-Identifier: MIT
/*
 * A minimal /proc, served by pm from its process table: /proc (the pids,
 * self, meminfo, uptime), /proc/self (a link to the caller's pid),
 * /proc/PID/{stat,cmdline,comm,status} and /proc/PID/exe, enough for ps.
 * A file's text is made when it is opened and read from pm's memory.
 */
#include "pm.h"

#define PROC_INO(pid, n)	(0x70000000UL + (unsigned long)(pid) * 16 + (n))

/* Is (dirfd, path) under /proc?  Then abs is its absolute path. */
bool
proc_path(struct proc *p, int dirfd, const char *path, char *abs, unsigned long size)
{
	const char *base = p->cwdpath;

	if (path[0] != '/' && dirfd != L_AT_FDCWD) {
		struct ofile *f = fd_get(p, dirfd);
		base = f && f->path ? f->path : "/";
	}
	if (path[0] != '/' && strncmp(base, "/proc", 5) != 0)
		return false;
	if (path[0] == '/' && strncmp(path, "/proc", 5) != 0 && strncmp(path, "//proc", 6) != 0)
		return false;
	join_path(abs, size, base, path);
	return strcmp(abs, "/proc") == 0 || strncmp(abs, "/proc/", 6) == 0;
}

/* "/proc/123/stat" -> process 123 and "stat"; "/proc/self" resolves. */
static struct proc *
split(struct proc *me, const char *abs, const char **rest)
{
	const char *s = abs + 6;
	int pid = 0;

	if (strncmp(s, "self", 4) == 0 && (s[4] == '/' || !s[4])) {
		*rest = s + 4;
		return me;
	}
	while (*s >= '0' && *s <= '9')
		pid = pid * 10 + (*s++ - '0');
	if ((*s && *s != '/') || !pid)
		return NULL;
	*rest = s;
	return proc_find(pid);
}

/*
 * /proc/objects (motet's own): what the servers and the nucleus hold, for
 * leak tests: processes, open files, vnodes and twins of pm, om's open
 * references, stm's keys and waiting calls, the nucleus's actors and
 * threads.
 */
static int
objects_text(char *t, unsigned long size)
{
	struct kaddr om = { .ui = om_port, .mode = K_ADDR_PORT };
	struct kaddr stm = { .ui = stm_port, .mode = K_ADDR_PORT };
	unsigned long fsv[5] = { 0 }, sv[2] = { 0 };
	struct kmsg m, rep;
	struct ksysinfo k;
	int np = 0;

	for (int i = 0; i < NPROC; i++)
		np += procs[i].state != P_FREE;
	memset(&m, 0, sizeof(m));
	memset(&rep, 0, sizeof(rep));
	m.annex[0] = OM_STATFS;
	rep.body = fsv;
	rep.bodysize = sizeof(fsv);
	ipcCall(&m, &om, &rep, K_NOTIMEOUT);
	memset(&m, 0, sizeof(m));
	memset(&rep, 0, sizeof(rep));
	m.annex[0] = STM_STAT;
	rep.body = sv;
	rep.bodysize = sizeof(sv);
	ipcCall(&m, &stm, &rep, K_NOTIMEOUT);
	sysInfo(&k);
	return ksnprintf(t, size, "pm.procs %d\npm.ofiles %lu\npm.vnodes %lu\npm.twins %lu\n"
			 "om.refs %lu\nstm.keys %lu\nstm.waiting %lu\nnucleus.actors %lu\n"
			 "nucleus.threads %lu\n", np, n_ofiles, n_vnodes, n_twins, fsv[4], sv[0],
			 sv[1], (unsigned long)k.nactors, (unsigned long)k.nthreads);
}

static char
state_of(struct proc *q)
{
	if (q->state == P_ZOMBIE)
		return 'Z';
	if (q->stopped)
		return 'T';
	return q->waiting || q->stm_seq ? 'S' : 'R';
}

/* The text of a /proc file, or NULL if there is no such file. */
static char *
make_text(struct proc *me, const char *abs, unsigned long *len)
{
	char *t = malloc(1024);
	const char *rest;
	struct proc *q;
	int n = -1;

	if (!t)
		return NULL;
	if (strcmp(abs, "/proc/meminfo") == 0) {
		struct ksysinfo k;
		sysInfo(&k);
		n = ksnprintf(t, 1024, "MemTotal:       %8lu kB\nMemFree:        %8lu kB\n"
			      "MemAvailable:   %8lu kB\nBuffers:               0 kB\n"
			      "Cached:                0 kB\nSwapTotal:             0 kB\n"
			      "SwapFree:              0 kB\n", (unsigned long)k.pages_total * 4,
			      (unsigned long)k.pages_free * 4, (unsigned long)k.pages_free * 4);
	} else if (strcmp(abs, "/proc/objects") == 0) {
		n = objects_text(t, 1024);
	} else if (strcmp(abs, "/proc/pm") == 0) {
		n = ksnprintf(t, 1024, "mode %s\nhandler_calls %lu\ntwin_calls %lu\n",
			      __kstart->mode == K_ACTOR_SUPER ? "supervisor" : "user",
			      n_handler_calls, n_twin_calls);
	} else if (strcmp(abs, "/proc/uptime") == 0) {
		long ns = timeNow();
		n = ksnprintf(t, 1024, "%ld.%02ld 0.00\n", ns / 1000000000L, ns / 10000000L % 100);
	} else if ((q = split(me, abs, &rest)) && q->state != P_FREE) {
		long ticks = (timeNow() - q->start_ns) / 10000000L;
		if (strcmp(rest, "/stat") == 0) {
			n = ksnprintf(t, 1024, "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 %ld 0 0 0 20 0 1 0 %ld "
				      "%lu 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
				      q->pid, q->name, state_of(q), q->ppid, q->pgid, q->sid, ticks,
				      q->start_ns / 10000000L, q->brk - q->brk_start);
		} else if (strcmp(rest, "/cmdline") == 0) {
			n = q->cmdlen;
			memcpy(t, q->cmdline, (unsigned long)n);
		} else if (strcmp(rest, "/comm") == 0) {
			n = ksnprintf(t, 1024, "%s\n", q->name);
		} else if (strcmp(rest, "/status") == 0) {
			n = ksnprintf(t, 1024, "Name:\t%s\nState:\t%c\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n"
				      "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nThreads:\t1\n",
				      q->name, state_of(q), q->pid, q->pid, q->ppid, q->uid, q->euid,
				      q->suid, q->euid, q->gid, q->egid, q->sgid, q->egid);
		}
	}
	if (n < 0) {
		free(t);
		return NULL;
	}
	*len = (unsigned long)(n < 1024 ? n : 1023);
	return t;
}

/* Directories: "/proc" and "/proc/PID". */
static bool
is_dir(struct proc *me, const char *abs, struct proc **who)
{
	const char *rest;

	*who = NULL;
	if (strcmp(abs, "/proc") == 0)
		return true;
	if ((*who = split(me, abs, &rest)) && (*who)->state != P_FREE && !*rest)
		return true;
	return false;
}

long
procfs_stat(struct proc *p, const char *abs, struct linux_stat *st)
{
	struct proc *q;
	const char *rest;
	struct linux_stat s;
	unsigned long len = 0;
	char *t;

	memset(&s, 0, sizeof(s));
	s.st_dev = 0x05;
	s.st_nlink = 1;
	s.st_blksize = 4096;
	if (is_dir(p, abs, &q)) {
		s.st_mode = L_S_IFDIR | 0555;
		s.st_nlink = 2;
		s.st_ino = q ? PROC_INO(q->pid, 0) : 1;
		if (q) {
			s.st_uid = q->euid;
			s.st_gid = q->egid;
			s.st_mtim.tv_sec = 1767225600L + q->start_ns / 1000000000L;
		}
	} else if (strcmp(abs, "/proc/self") == 0 ||
		   ((q = split(p, abs, &rest)) && strcmp(rest, "/exe") == 0)) {
		s.st_mode = L_S_IFLNK | 0777;
		s.st_ino = 2;
	} else if ((t = make_text(p, abs, &len))) {
		free(t);
		s.st_mode = L_S_IFREG | 0444;
		s.st_ino = 3;
	} else {
		return -L_ENOENT;
	}
	if (st)
		*st = s;
	return 0;
}

long
procfs_readlink(struct proc *p, const char *abs, char *buf, unsigned long size)
{
	struct proc *q;
	const char *rest;

	if (strcmp(abs, "/proc/self") == 0)
		return ksnprintf(buf, size, "%d", p->pid);
	if ((q = split(p, abs, &rest)) && q->state == P_RUN && strcmp(rest, "/exe") == 0)
		return ksnprintf(buf, size, "%s", q->exe);
	return procfs_stat(p, abs, NULL) < 0 ? -L_ENOENT : -L_EINVAL;
}

long
procfs_open(struct proc *p, const char *abs, struct ofile **out)
{
	struct ofile *f;
	struct proc *q;
	char target[512];

	if (strcmp(abs, "/proc/self") == 0) {	/* follow the link */
		ksnprintf(target, sizeof(target), "/proc/%d", p->pid);
		abs = target;
	}
	if (!(f = of_new()))
		return -L_ENOMEM;
	f->refs = 1;
	f->kind = OF_PROC;
	f->flags = L_O_RDONLY;
	if (is_dir(p, abs, &q)) {
		f->len = ~0UL;
		f->mode = L_S_IFDIR | 0555;
	} else if (!(f->data = make_text(p, abs, &f->len))) {
		of_free(f);
		return -L_ENOENT;
	} else {
		f->mode = L_S_IFREG | 0444;
	}
	f->path = malloc(strlen(abs) + 1);
	if (!f->path) {
		of_put(f);
		return -L_ENOMEM;
	}
	memcpy(f->path, abs, strlen(abs) + 1);
	*out = f;
	return 0;
}

/* One record; 0 if it does not fit. */
static unsigned long
dirent(char *buf, unsigned long room, unsigned long ino, long next, int type, const char *name)
{
	struct linux_dirent64 *d = (struct linux_dirent64 *)buf;
	unsigned long n = strlen(name), len = (sizeof(*d) + n + 1 + 7) & ~7UL;

	if (len > room)
		return 0;
	memset(d, 0, len);
	d->d_ino = ino;
	d->d_off = next;
	d->d_reclen = (uint16_t)len;
	d->d_type = (uint8_t)type;
	memcpy(d->d_name, name, n + 1);
	return len;
}

/* Entries by index: ".", "..", then the directory's own. */
long
procfs_getdents(struct ofile *f, char *buf, unsigned long size)
{
	static const char *files[] = { "stat", "cmdline", "comm", "status", "exe" };
	static const char *top[] = { "self", "meminfo", "uptime", "objects", "pm" };
	enum { NTOP = sizeof(top) / sizeof(top[0]) };
	bool root = strcmp(f->path, "/proc") == 0;
	unsigned long used = 0, k;
	bool end = false;
	char name[16];

	for (;; f->off++) {
		unsigned long i = f->off, ino = 10 + i;
		int type = L_DT_REG;
		if (i == 0 || i == 1) {
			strlcpy(name, i ? ".." : ".", sizeof(name));
			type = L_DT_DIR;
		} else if (!root) {
			if (i - 2 >= 5) {
				end = true;
				break;
			}
			strlcpy(name, files[i - 2], sizeof(name));
			type = i - 2 == 4 ? L_DT_LNK : L_DT_REG;
		} else if (i - 2 < NTOP) {
			strlcpy(name, top[i - 2], sizeof(name));
			type = i == 2 ? L_DT_LNK : L_DT_REG;
		} else {
			/* process slots in table order */
			unsigned long slot = i - 2 - NTOP;
			while (slot < NPROC && procs[slot].state == P_FREE)
				slot++;
			if (slot >= NPROC) {
				end = true;
				break;
			}
			f->off = slot + 2 + NTOP;
			i = f->off;
			ksnprintf(name, sizeof(name), "%d", procs[slot].pid);
			ino = PROC_INO(procs[slot].pid, 0);
			type = L_DT_DIR;
		}
		if (!(k = dirent(buf + used, size - used, ino, (long)i + 1, type, name)))
			break;
		used += k;
	}
	return !used && !end ? -L_EINVAL : (long)used;
}
