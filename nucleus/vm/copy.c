// SPDX-License-Identifier: MIT
/*
 * Copies: between the nucleus and the calling actor (copyin, copyout:
 * the range checked against the caller's half, faults filled on demand
 * by the trap handler), to and from any actor (the loader, sgReadTo and
 * sgWriteFrom), and between any two actors (vmCopy).
 * Entry points: caller_range_ok, copyin, copyout, copyin_str,
 * vm_actor_copy, vm_write_actor, vm_target, nc_vmCopy.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <kern/ncall.h>
#include <vm/vm.h>
#include "vmint.h"
#include "x86.h"

/* A connected handler's locals are on the nucleus stack of the thread
 * it runs in (a trap handler runs in the trapping thread): its
 * supervisor actor may name them too. */
static inline bool
handler_stack(const struct thread *t, const struct actor *a, u64 p, size_t n)
{
	return t->acting == a && a->mode == K_ACTOR_SUPER && p >= t->kstack_base &&
	       p < t->kstack_top && n <= t->kstack_top - p;
}

/* The part of the address space the calling actor may name. */
bool
caller_range_ok(uaddr_t p, size_t n)
{
	struct thread *t = curthread();
	struct actor *a = t->acting ? t->acting : t->actor;
	u64 lo = USER_BASE, hi = USER_END;

	if (!a)
		return true;		/* a nucleus thread */
	if (handler_stack(t, a, p, n))
		return true;
	if (a->mode == K_ACTOR_SUPER) {
		lo = KSUPER_BASE;
		hi = KSUPER_END;
	}
	return p >= lo && p < hi && n <= hi - p;
}

long
copyin(void *dst, uaddr_t src, size_t n)
{
	if (!caller_range_ok(src, n))
		return -K_EFAULT;
	return copy_in_raw(dst, src, n);
}

long
copyout(uaddr_t dst, const void *src, size_t n)
{
	if (!caller_range_ok(dst, n))
		return -K_EFAULT;
	return copy_out_raw(dst, src, n);
}

long
copyin_str(char *dst, uaddr_t src, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		long r = copyin(dst + i, src + i, 1);
		if (r < 0)
			return r;
		if (dst[i] == '\0')
			return (long)i;
	}
	return -K_EINVAL;
}

/* Copies n bytes between nucleus memory k and actor a's va, faulting a's
 * pages in: into a for K_PROT_WRITE (or VM_FORCE, the loader: rights not
 * checked, the image's pages are made read-only later), else out of it. */
long
vm_actor_copy(struct actor *a, u64 va, void *k, size_t n, int access)
{
	bool into = access & (K_PROT_WRITE | VM_FORCE);
	u8 *b = k, *p;
	long err;

	while (n) {
		size_t chunk = MIN(n, PAGE_SIZE - (va & PAGE_MASK));
		if ((err = vm_actor_byte(a, va, access, &p)) < 0)
			return err == -K_ENOMEM ? err : -K_EFAULT;
		if (into)
			memcpy(p, b, chunk);
		else
			memcpy(b, p, chunk);
		vm_unlock();
		va += chunk;
		b += chunk;
		n -= chunk;
	}
	return K_OK;
}

long
vm_write_actor(struct actor *a, u64 va, const void *src, size_t n)
{
	return vm_actor_copy(a, va, (void *)src, n, VM_FORCE);
}

/* The actor aid names (0: the caller; another needs a trusted caller, or
 * one that started it), referenced. */
long
vm_target(long aid, struct actor **out)
{
	struct actor *me = caller_actor(), *a;

	if (aid == 0 || aid == me->aid) {
		actor_get(me);
		*out = me;
		return K_OK;
	}
	if (!(a = actor_get_by_id(aid)))
		return me->trusted ? -K_EUNKNOWN : -K_EPERM;
	if (!me->trusted && a->parent != me->aid) {
		actor_put(a);
		return -K_EPERM;
	}
	*out = a;
	return K_OK;
}

/*
 * Copies size bytes from src in actor src_aid to dst in actor dst_aid
 * (0: the caller; others need a trusted caller), faulting pages in on
 * either side.  Through a bounce buffer: the vm lock covers one side at a
 * time.  A small copy (a path, a struct stat) bounces on the stack: a page
 * from the heap would be zeroed first, a thousand instructions.
 */
long
nc_vmCopy(long src_aid, long src, long dst_aid, long dst, long size)
{
	struct thread *t = curthread();
	struct actor *sa = NULL, *da = NULL;
	u64 s = (u64)src, d = (u64)dst, n = (u64)size;
	u8 small[1024], *buf = small, *k;	/* 16 KiB stacks: room enough */
	bool s_here, d_here;			/* a handler's locals: no lookup */
	long err;

	if ((err = vm_target(src_aid, &sa)) < 0 || (err = vm_target(dst_aid, &da)) < 0)
		goto out;
	s_here = handler_stack(t, sa, s, n);
	d_here = handler_stack(t, da, d, n);
	err = -K_ENOMEM;
	if (n > sizeof(small) && !(buf = kmalloc(PAGE_SIZE)))
		goto out;
	err = K_OK;
	while (n) {
		u64 chunk = MIN(n, MIN(PAGE_SIZE - (s & PAGE_MASK), PAGE_SIZE - (d & PAGE_MASK)));
		if (s_here) {
			memcpy(buf, (void *)s, chunk);
		} else {
			if ((err = vm_actor_byte(sa, s, K_PROT_READ, &k)) < 0)
				break;
			memcpy(buf, k, chunk);
			vm_unlock();
		}
		if (d_here) {
			memcpy((void *)d, buf, chunk);
		} else {
			if ((err = vm_actor_byte(da, d, K_PROT_WRITE, &k)) < 0)
				break;
			memcpy(k, buf, chunk);
			vm_unlock();
		}
		s += chunk;
		d += chunk;
		n -= chunk;
	}
	if (err < 0 && err != -K_ENOMEM)
		err = -K_EFAULT;
out:
	if (buf && buf != small)
		kfree(buf);
	if (sa)
		actor_put(sa);
	if (da)
		actor_put(da);
	return err;
}


