// SPDX-License-Identifier: MIT
/*
 * execve: a new actor with the program's segments mapped from its file
 * (copy-on-write views of om's segment, through the page cache), its
 * stack with argv, envp and the auxiliary vector, and one thread; the old
 * actor is deleted only once the new one is complete, so a failed execve
 * returns to the old program.  Static executables (ET_EXEC) and static
 * PIE (ET_DYN without an interpreter, loaded at PIE_BASE); "#!" scripts
 * run their interpreter.
 */
#include "pm.h"
#include <motet/elf.h>

#define MAX_ARGS	4096
#define ARG_BYTES	(PM_BODY - 256)

/* The arguments of the new program, in pm's memory. */
struct args {
	char *strs;			/* ARG_BYTES of packed strings */
	unsigned long used;
	char **argv, **envp;
	int argc, envc;
};

static long
add_str(struct args *a, const char *s)
{
	unsigned long n = strlen(s) + 1;

	if (a->used + n > ARG_BYTES)
		return -L_E2BIG;
	memcpy(a->strs + a->used, s, n);
	a->used += n;
	return 0;
}

/* Copies a NULL-terminated vector of strings from the process. */
static long
copy_vec(struct proc *p, struct args *a, unsigned long uvec, char **vec, int *count)
{
	int n = 0;

	while (uvec) {
		unsigned long us;
		long len;
		if (n >= MAX_ARGS - 1)
			return -L_E2BIG;
		if (copyin(p, &us, uvec + 8UL * (unsigned long)n, 8) < 0)
			return -L_EFAULT;
		if (!us)
			break;
		len = copyinstr(p, a->strs + a->used, us, ARG_BYTES - a->used);
		if (len < 0)
			return len == -L_ENAMETOOLONG ? -L_E2BIG : len;
		vec[n++] = a->strs + a->used;
		a->used += (unsigned long)len + 1;
	}
	vec[n] = NULL;
	*count = n;
	return 0;
}

static unsigned long
prot_of(uint32_t flags)
{
	return K_PROT_READ | (flags & 2 ? K_PROT_WRITE : 0) | (flags & 1 ? K_PROT_EXEC : 0);
}

/* What the new image is once mapped. */
struct image {
	long aid;
	unsigned long entry, phdr, phnum, brk;
};

static long
map_segments(struct ofile *f, const struct elf_ehdr *eh, const struct elf_phdr *ph, struct image *im)
{
	unsigned long base = eh->type == ET_DYN ? PIE_BASE : 0, first = ~0UL;
	static const char zeros[PAGE];

	im->phdr = 0;
	im->brk = 0;
	for (int i = 0; i < eh->phnum; i++) {
		const struct elf_phdr *h = &ph[i];
		unsigned long va, start, fend, mend, zend;
		struct krgn r;
		if (h->type == PT_PHDR)
			im->phdr = base + h->vaddr;
		if (h->type != PT_LOAD || !h->memsz)
			continue;
		va = base + h->vaddr;
		if ((va & (PAGE - 1)) != (h->offset & (PAGE - 1)) || h->filesz > h->memsz ||
		    va + h->memsz < va || va + h->memsz > MMAP_TOP || va < 0x10000 ||
		    h->offset + h->filesz > f->vn->size)
			return -L_ENOEXEC;
		if (first == ~0UL && h->offset == 0)
			first = va;
		start = PAGE_DOWN(va);
		fend = va + h->filesz;
		mend = va + h->memsz;
		if (h->filesz) {
			r = (struct krgn){ .addr = start, .size = PAGE_UP(fend) - start,
					   .prot = (long)prot_of(h->flags) | K_RGN_PRIVATE,
					   .seg = f->seg, .offset = PAGE_DOWN(h->offset) };
			if (rgnMap(im->aid, &r) < 0)
				return -L_ENOMEM;
			zend = PAGE_UP(fend) < mend ? PAGE_UP(fend) : mend;
			if (mend > fend && (fend & (PAGE - 1)) &&
			    vmCopy(0, zeros, im->aid, (void *)fend, zend - fend) < 0)
				return -L_ENOMEM;
		}
		if (PAGE_UP(mend) > PAGE_UP(fend)) {
			unsigned long astart = h->filesz ? PAGE_UP(fend) : start;
			r = (struct krgn){ .addr = astart, .size = PAGE_UP(mend) - astart,
					   .prot = (long)prot_of(h->flags) };
			if (rgnMap(im->aid, &r) < 0)
				return -L_ENOMEM;
		}
		if (PAGE_UP(mend) > im->brk)
			im->brk = PAGE_UP(mend);
	}
	if (!im->phdr && first != ~0UL)
		im->phdr = first + eh->phoff;
	im->entry = base + eh->entry;
	im->phnum = eh->phnum;
	return im->brk ? 0 : -L_ENOEXEC;
}

/* The initial stack: argc, argv, envp, auxv, then the strings. */
static long
build_stack(struct proc *p, struct image *im, struct args *a, const char *execfn,
	    unsigned long *sp_out)
{
	unsigned long top = USER_TOP, strbase, sp, *w, nw, size;
	char *area;
	unsigned long rnd[2];
	long r = 0;
	struct krgn st = { .addr = USER_TOP - STACK_SIZE, .size = STACK_SIZE,
			   .prot = K_PROT_READ | K_PROT_WRITE };
	unsigned long execfn_len = strlen(execfn) + 1;
	unsigned long strbytes = a->used + execfn_len + 16 + 8;

	if (rgnMap(im->aid, &st) < 0)
		return -L_ENOMEM;
	nw = 1 + (unsigned long)a->argc + 1 + (unsigned long)a->envc + 1 + 2 * 20;
	size = ((strbytes + 15) & ~15UL) + nw * 8 + 16;
	if (!(area = zalloc(size)))
		return -L_ENOMEM;
	/* strings at the top: "x86_64", the random bytes, execfn, then a's */
	strbase = top - ((strbytes + 15) & ~15UL);
	{
		char *s = area + size - ((strbytes + 15) & ~15UL);
		unsigned long off = 0;
		memcpy(s + off, "x86_64", 7);
		off += 8;
		random_bytes(rnd, sizeof(rnd));
		memcpy(s + off, rnd, 16);
		off += 16;
		memcpy(s + off, execfn, execfn_len);
		off += execfn_len;
		memcpy(s + off, a->strs, a->used);
	}
	sp = (strbase - nw * 8) & ~15UL;
	w = (unsigned long *)(area + (size - (top - sp)));
	{
		unsigned long str0 = strbase + 8 + 16 + execfn_len, i = 0;
		w[i++] = (unsigned long)a->argc;
		for (int k = 0; k < a->argc; k++)
			w[i++] = str0 + (unsigned long)(a->argv[k] - a->strs);
		w[i++] = 0;
		for (int k = 0; k < a->envc; k++)
			w[i++] = str0 + (unsigned long)(a->envp[k] - a->strs);
		w[i++] = 0;
#define AUX(t, v) do { w[i++] = (t); w[i++] = (v); } while (0)
		AUX(3, im->phdr);		/* AT_PHDR */
		AUX(4, 56);			/* AT_PHENT */
		AUX(5, im->phnum);		/* AT_PHNUM */
		AUX(6, PAGE);			/* AT_PAGESZ */
		AUX(7, 0);			/* AT_BASE */
		AUX(8, 0);			/* AT_FLAGS */
		AUX(9, im->entry);		/* AT_ENTRY */
		AUX(11, p->uid);		/* AT_UID */
		AUX(12, p->euid);		/* AT_EUID */
		AUX(13, p->gid);		/* AT_GID */
		AUX(14, p->egid);		/* AT_EGID */
		AUX(23, 0);			/* AT_SECURE */
		AUX(25, strbase + 8);		/* AT_RANDOM */
		AUX(16, 0x178bfbffUL);		/* AT_HWCAP: cpuid 1 edx */
		AUX(26, 0);			/* AT_HWCAP2 */
		AUX(17, 100);			/* AT_CLKTCK */
		AUX(15, strbase);		/* AT_PLATFORM */
		AUX(31, strbase + 24);		/* AT_EXECFN */
		AUX(0, 0);			/* AT_NULL */
#undef AUX
	}
	if (vmCopy(0, area + (size - (top - sp)), im->aid, (void *)sp, top - sp) < 0)
		r = -L_ENOMEM;
	free(area);
	*sp_out = sp;
	return r;
}

/* Reads the start of f. */
static long
read_head(struct ofile *f, void *buf, unsigned long off, unsigned long n)
{
	long r;

	if (off >= f->vn->size)
		return 0;
	if (n > f->vn->size - off)
		n = f->vn->size - off;
	r = sgRead(&f->seg, off, buf, n);
	return r < 0 ? -L_EIO : (long)n;
}

static const char *
base_name(const char *path)
{
	const char *b = path;

	for (const char *s = path; *s; s++)
		if (*s == '/' && s[1])
			b = s + 1;
	return b;
}

/*
 * Loads path into a new actor for p and switches p to it.  a holds argv
 * and envp (argv may be rewritten for "#!").  0 once p runs the new
 * program, or an errno with p untouched.
 */
static long
load(struct proc *p, const char *path, struct args *a, int depth)
{
	struct ofile *f = NULL;
	struct elf_ehdr eh;
	struct elf_phdr *ph = NULL;
	struct image im = { .aid = -1 };
	struct kcontext k;
	unsigned long sp;
	char head[256];
	long r, n, tid;

	if ((r = fs_open(p, L_AT_FDCWD, path, L_O_RDONLY, 0, &f, true)) < 0)
		return r;
	if (f->kind != OF_FILE) {
		of_put(f);
		return -L_EACCES;
	}
	if ((n = read_head(f, head, 0, sizeof(head))) < 0) {
		of_put(f);
		return n;
	}
	if (n > 2 && head[0] == '#' && head[1] == '!') {
		/* "#!interp [arg]": argv becomes interp [arg] path argv[1..] */
		char interp[128], *s = head + 2, *e, *arg = NULL;
		char **nargv;
		int nargc = 0;
		of_put(f);
		if (depth > 4)
			return -L_ELOOP;
		head[n < (long)sizeof(head) ? n : (long)sizeof(head) - 1] = '\0';
		if ((e = strchr(s, '\n')))
			*e = '\0';
		else if (n == (long)sizeof(head))
			return -L_ENOEXEC;
		while (*s == ' ' || *s == '\t')
			s++;
		for (e = s; *e && *e != ' ' && *e != '\t'; e++)
			;
		if (*e) {
			*e++ = '\0';
			while (*e == ' ' || *e == '\t')
				e++;
			if (*e) {
				arg = e;
				for (e = arg + strlen(arg); e > arg && (e[-1] == ' ' || e[-1] == '\t'); )
					*--e = '\0';
			}
		}
		if (!*s)
			return -L_ENOEXEC;
		strlcpy(interp, s, sizeof(interp));
		if (!(nargv = malloc(sizeof(char *) * MAX_ARGS)))
			return -L_ENOMEM;
		nargv[nargc++] = a->strs + a->used;
		r = add_str(a, interp);
		if (arg && r == 0) {
			nargv[nargc++] = a->strs + a->used;
			r = add_str(a, arg);
		}
		if (r == 0) {
			nargv[nargc++] = a->strs + a->used;
			r = add_str(a, path);
		}
		if (r < 0) {
			free(nargv);
			return r;
		}
		for (int i = 1; i < a->argc && nargc < MAX_ARGS - 1; i++)
			nargv[nargc++] = a->argv[i];
		nargv[nargc] = NULL;
		memcpy(a->argv, nargv, sizeof(char *) * (unsigned long)(nargc + 1));
		free(nargv);
		a->argc = nargc;
		return load(p, interp, a, depth + 1);
	}
	memcpy(&eh, head, sizeof(eh));
	r = -L_ENOEXEC;
	if (n < (long)sizeof(eh) || memcmp(eh.ident, "\177ELF", 4) || eh.ident[4] != 2 ||
	    eh.ident[5] != 1 || eh.machine != EM_X86_64 || (eh.type != ET_EXEC && eh.type != ET_DYN) ||
	    eh.phentsize != sizeof(struct elf_phdr) || eh.phnum == 0 || eh.phnum > 64)
		goto out;
	if (!(ph = malloc(sizeof(*ph) * eh.phnum)))
		goto out;
	if (read_head(f, ph, eh.phoff, sizeof(*ph) * eh.phnum) != (long)(sizeof(*ph) * eh.phnum))
		goto out;
	for (int i = 0; i < eh.phnum; i++)
		if (ph[i].type == PT_INTERP)
			goto out;		/* dynamic programs: not yet */
	if ((im.aid = actorCreate(K_ACTOR_USER)) < 0) {
		r = -L_ENOMEM;
		goto out;
	}
	if ((r = map_segments(f, &eh, ph, &im)) < 0 ||
	    (r = build_stack(p, &im, a, path, &sp)) < 0)
		goto out;
	memset(&k, 0, sizeof(k));
	k.rip = im.entry;
	k.rsp = sp;
	if ((tid = threadCreateCtx(im.aid, &k, K_THREAD_SUSPENDED)) < 0) {
		r = errno_of(tid);
		goto out;
	}
	if (p->trap.head && trapPort(im.aid, &p->trap) < 0) {
		r = -L_ENOMEM;
		goto out;
	}
	if (p->trap.head)
		trap_connect(p, im.aid);
	/* the point of no return: p is the new program */
	if (p->aid > 0)
		actorDelete(p->aid);
	p->aid = im.aid;
	p->tid = tid;
	p->fsbase = 0;
	p->brk_start = p->brk = p->brk_mapped = im.brk;
	strlcpy(p->name, base_name(path), sizeof(p->name));
	p->cmdlen = 0;
	for (int i = 0; i < a->argc; i++) {
		unsigned long l = strlen(a->argv[i]) + 1;
		if (p->cmdlen + l > sizeof(p->cmdline))
			break;
		memcpy(p->cmdline + p->cmdlen, a->argv[i], l);
		p->cmdlen += (int)l;
	}
	strlcpy(p->exe, path, sizeof(p->exe));
	if (p->exe_of)
		of_put(p->exe_of);
	p->exe_of = f;
	free(ph);
	return tid;
out:
	if (im.aid > 0)
		actorDelete(im.aid);
	free(ph);
	of_put(f);
	return r;
}

/* What execve keeps and resets: handlers go back to default, ignored
 * signals stay ignored, the mask and pending signals stay. */
static void
exec_reset(struct proc *p)
{
	for (int s = 1; s <= L_NSIG; s++) {
		struct linux_sigaction *sa = &p->sig->act[s];
		if (sa->handler != L_SIG_IGN)
			memset(sa, 0, sizeof(*sa));
	}
	fd_exec(p);
	p->alarm_at = p->alarm_at;	/* alarms survive execve */
}

long
sys_execve(struct call *c, unsigned long upath, unsigned long uargv, unsigned long uenvp)
{
	struct proc *p = c->p;
	struct args a;
	char path[UNIX_PATH_MAX];
	char **vec;
	long r, tid;

	if ((r = copyinstr(p, path, upath, sizeof(path))) < 0)
		return r;
	if (!path[0])
		return -L_ENOENT;
	if (!(vec = malloc(sizeof(char *) * 2 * MAX_ARGS)))
		return -L_ENOMEM;
	a.strs = c->buf;
	a.used = 0;
	a.argv = vec;
	a.envp = vec + MAX_ARGS;
	if ((r = copy_vec(p, &a, uargv, a.argv, &a.argc)) < 0 ||
	    (r = copy_vec(p, &a, uenvp, a.envp, &a.envc)) < 0) {
		free(vec);
		return r;
	}
	tid = load(p, path, &a, 0);
	free(vec);
	if (tid < 0)
		return tid;
	exec_reset(p);
	threadResume(tid);
	c->noreply = true;		/* the caller's thread is gone */
	return 0;
}

/* Process 1: the program named on pm's command line. */
long
exec_init(struct proc *p, const char *path, char *const argv[])
{
	static const char *env[] = { "HOME=/", "PATH=/sbin:/usr/sbin:/bin:/usr/bin",
				     "TERM=vt100", "SHELL=/bin/sh", "USER=root", NULL };
	struct args a;
	char **vec = malloc(sizeof(char *) * 2 * MAX_ARGS);
	long r, tid;

	if (!vec || !(a.strs = malloc(PM_BODY)))
		return -L_ENOMEM;
	a.used = 0;
	a.argv = vec;
	a.envp = vec + MAX_ARGS;
	a.argc = a.envc = 0;
	for (int i = 0; argv[i]; i++) {
		a.argv[a.argc++] = a.strs + a.used;
		if ((r = add_str(&a, argv[i])) < 0)
			return r;
	}
	a.argv[a.argc] = NULL;
	for (int i = 0; env[i]; i++) {
		a.envp[a.envc++] = a.strs + a.used;
		if ((r = add_str(&a, env[i])) < 0)
			return r;
	}
	a.envp[a.envc] = NULL;
	tid = load(p, path, &a, 0);
	free(vec);
	free(a.strs);
	if (tid < 0)
		return tid;
	if ((r = proc_start(p)) < 0)
		return r;
	threadResume(tid);
	return 0;
}
