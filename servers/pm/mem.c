// SPDX-License-Identifier: MIT
/*
 * Memory calls: brk, mmap, munmap, mprotect.  A process's address space
 * is its actor's regions; pm asks the nucleus for them (rgnMap, rgnUnmap,
 * rgnProtect) and finds free ranges with rgnList.  Anonymous memory is
 * zero-filled on demand; a file mapping is a region of om's segment,
 * private (copy-on-write) or shared.  Layout: the program and brk low,
 * mmap below MMAP_TOP downwards, the stack under USER_TOP.
 */
#include "pm.h"

#define MAP_SHARED	0x01
#define MAP_PRIVATE	0x02
#define MAP_FIXED	0x10
#define MAP_ANONYMOUS	0x20
#define MAP_FIXED_NOREPLACE 0x100000
#define MMAP_BOTTOM	0x100000000UL

static struct krgn rlist[4096];		/* under pm_lock */

static long
sys_brk(struct proc *p, unsigned long addr)
{
	struct krgn r;

	if (addr < p->brk_start || addr > p->brk_start + (1UL << 36))
		return (long)p->brk;
	if (PAGE_UP(addr) > p->brk_mapped) {
		r = (struct krgn){ .addr = p->brk_mapped, .size = PAGE_UP(addr) - p->brk_mapped,
				   .prot = K_PROT_READ | K_PROT_WRITE };
		if (rgnMap(p->aid, &r) < 0)
			return (long)p->brk;
		p->brk_mapped = PAGE_UP(addr);
	} else if (PAGE_UP(addr) < p->brk_mapped) {
		rgnUnmap(p->aid, (void *)PAGE_UP(addr), p->brk_mapped - PAGE_UP(addr));
		p->brk_mapped = PAGE_UP(addr);
	}
	p->brk = addr;
	return (long)addr;
}

/* A free range of size bytes: the hint if it is free, else the highest
 * gap below MMAP_TOP.  0 if none. */
static unsigned long
find_gap(struct proc *p, unsigned long hint, unsigned long size)
{
	long n = rgnList(p->aid, rlist, 4096);
	unsigned long top = MMAP_TOP;

	if (n < 0)
		return 0;
	if (hint && !(hint & (PAGE - 1)) && hint >= MMAP_BOTTOM && hint + size <= MMAP_TOP) {
		bool ok = true;
		for (long i = 0; i < n && ok; i++)
			if (rlist[i].addr < hint + size && rlist[i].addr + rlist[i].size > hint)
				ok = false;
		if (ok)
			return hint;
	}
	for (long i = n - 1; i >= -1; i--) {
		unsigned long lo = i >= 0 ? rlist[i].addr + rlist[i].size : MMAP_BOTTOM;
		if (i >= 0 && rlist[i].addr >= MMAP_TOP)
			continue;
		if (lo < MMAP_BOTTOM)
			lo = MMAP_BOTTOM;
		if (top >= lo + size)
			return top - size;
		if (i >= 0 && rlist[i].addr < top)
			top = rlist[i].addr;
		if (top <= MMAP_BOTTOM)
			break;
	}
	return 0;
}

static long
sys_mmap(struct call *c, unsigned long addr, unsigned long len, unsigned long prot,
	 unsigned long flags, int fd, unsigned long off)
{
	struct proc *p = c->p;
	struct ofile *f = NULL;
	unsigned long size = PAGE_UP(len), type = flags & 3;
	struct krgn r;
	long e;

	if (!len || size < len || (off & (PAGE - 1)) || (type != MAP_SHARED && type != MAP_PRIVATE) ||
	    (prot & ~7UL))
		return -L_EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		if (!(f = fd_get(p, fd)))
			return -L_EBADF;
		if (f->kind == OF_ZERO)
			f = NULL;
		else if (f->kind != OF_FILE)
			return -L_ENODEV;
		else if ((f->flags & L_O_ACCMODE) == L_O_WRONLY ||
			 (type == MAP_SHARED && (prot & 2) && (f->flags & L_O_ACCMODE) != L_O_RDWR))
			return -L_EACCES;
	}
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if ((addr & (PAGE - 1)) || addr < 0x10000 || addr + size > USER_TOP || addr + size < addr)
			return -L_EINVAL;
		if (flags & MAP_FIXED_NOREPLACE) {
			if (find_gap(p, addr, size) != addr)
				return -L_EEXIST;
		} else {
			rgnUnmap(p->aid, (void *)addr, size);
		}
	} else if (!(addr = find_gap(p, PAGE_DOWN(addr), size))) {
		return -L_ENOMEM;
	}
	r = (struct krgn){ .addr = addr, .size = size, .prot = (long)(prot & 7) };
	if (f) {
		r.seg = f->seg;
		r.offset = off;
		r.prot |= type == MAP_PRIVATE ? K_RGN_PRIVATE : K_RGN_SHARED;
	} else if (type == MAP_SHARED) {
		r.prot |= K_RGN_SHARED;
	}
	if ((e = rgnMap(p->aid, &r)) < 0)
		return e == -K_EEXIST ? -L_EEXIST : -L_ENOMEM;
	return (long)addr;
}

long
mem_syscall(struct call *c, long nr, bool *handled)
{
	struct proc *p = c->p;
	struct ktrapmsg *t = &c->tm;
	unsigned long a0 = t->rdi, a1 = t->rsi, a2 = t->rdx;
	long r;

	switch (nr) {
	case 12: return sys_brk(p, a0);
	case 9: return sys_mmap(c, a0, a1, a2, t->r10, (int)t->r8, t->r9);
	case 11:						/* munmap */
		if ((a0 & (PAGE - 1)) || !a1 || a0 + a1 < a0 || a0 + a1 > USER_TOP)
			return -L_EINVAL;
		return rgnUnmap(p->aid, (void *)a0, PAGE_UP(a1)) < 0 ? -L_EINVAL : 0;
	case 10:						/* mprotect */
		if ((a0 & (PAGE - 1)) || (a2 & ~7UL))
			return -L_EINVAL;
		if (!a1)
			return 0;
		r = rgnProtect(p->aid, (void *)a0, PAGE_UP(a1), (long)a2);
		return r < 0 ? -L_ENOMEM : 0;
	case 25: return -L_ENOMEM;				/* mremap: callers copy instead */
	case 28: return 0;					/* madvise */
	case 26: return 0;					/* msync */
	case 149: case 150: case 151: case 152: return 0;	/* mlock, munlock, mlockall, munlockall */
	}
	*handled = false;
	return 0;
}
