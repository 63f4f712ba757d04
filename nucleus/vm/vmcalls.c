// SPDX-License-Identifier: MIT
/*
 * The region and copy nucleus calls (abi/motet/vm.h): they decode their
 * arguments and name the target actor (0: the caller; another one only
 * for a trusted caller); region.c does the work.
 * Entry points: nc_rgnMap, nc_rgnProtect, nc_rgnUnmap, nc_rgnSplit,
 * nc_rgnList, nc_vmCopy.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/actor.h>
#include <kern/ncall.h>
#include <vm/vm.h>
#include "vmint.h"

/* The actor aid names (0: the caller; another needs a trusted caller),
 * referenced. */
static long
target(long aid, struct actor **out)
{
	struct actor *me = caller_actor();

	if (aid == 0 || aid == me->aid) {
		actor_get(me);
		*out = me;
		return K_OK;
	}
	if (!me->trusted)
		return -K_EPERM;
	return (*out = actor_get_by_id(aid)) ? K_OK : -K_EUNKNOWN;
}

/*
 * Copies size bytes from src in actor src_aid to dst in actor dst_aid
 * (0: the caller; others need a trusted caller), faulting pages in on
 * either side.  Through a bounce buffer: the vm lock covers one side at a
 * time.
 */
long
nc_vmCopy(long src_aid, long src, long dst_aid, long dst, long size)
{
	struct actor *sa = NULL, *da = NULL;
	u64 s = (u64)src, d = (u64)dst, n = (u64)size;
	u8 *buf = NULL, *k;
	long err;

	if ((err = target(src_aid, &sa)) < 0 || (err = target(dst_aid, &da)) < 0)
		goto out;
	err = -K_ENOMEM;
	if (n && !(buf = kmalloc(PAGE_SIZE)))
		goto out;
	err = K_OK;
	while (n) {
		u64 chunk = MIN(n, MIN(PAGE_SIZE - (s & PAGE_MASK), PAGE_SIZE - (d & PAGE_MASK)));
		if ((err = vm_actor_byte(sa, s, K_PROT_READ, &k)) < 0)
			break;
		memcpy(buf, k, chunk);
		vm_unlock();
		if ((err = vm_actor_byte(da, d, K_PROT_WRITE, &k)) < 0)
			break;
		memcpy(k, buf, chunk);
		vm_unlock();
		s += chunk;
		d += chunk;
		n -= chunk;
	}
	if (err < 0 && err != -K_ENOMEM)
		err = -K_EFAULT;
out:
	if (buf)
		kfree(buf);
	if (sa)
		actor_put(sa);
	if (da)
		actor_put(da);
	return err;
}


long
nc_rgnMap(long aid, long uk)
{
	struct actor *a;
	struct krgn k;
	long err;

	if (copyin(&k, (uaddr_t)uk, sizeof(k)) < 0)
		return -K_EFAULT;
	if ((err = target(aid, &a)) < 0)
		return err;
	if ((err = rgn_map(a, &k)) == K_OK && copyout((uaddr_t)uk, &k.addr, sizeof(k.addr)) < 0) {
		rgn_unmap(a, k.addr, k.size);
		err = -K_EFAULT;
	}
	actor_put(a);
	return err;
}

long
nc_rgnProtect(long aid, long addr, long size, long prot)
{
	struct actor *a;
	long err;

	if ((err = target(aid, &a)) < 0)
		return err;
	err = rgn_protect(a, (u64)addr, (u64)size, (int)prot);
	actor_put(a);
	return err;
}

long
nc_rgnUnmap(long aid, long addr, long size)
{
	struct actor *a;
	long err;

	if ((err = target(aid, &a)) < 0)
		return err;
	err = rgn_unmap(a, (u64)addr, (u64)size);
	actor_put(a);
	return err;
}

long
nc_rgnSplit(long aid, long addr)
{
	struct actor *a;
	long err;

	if ((err = target(aid, &a)) < 0)
		return err;
	err = rgn_split(a, (u64)addr);
	actor_put(a);
	return err;
}

/* Up to max regions into out (sorted by address); returns how many the
 * actor has. */
long
nc_rgnList(long aid, long uout, long max)
{
	struct krgn *k = NULL;
	struct actor *a;
	long n, err;

	if (max < 0 || max > 4096)
		return -K_EINVAL;
	if ((err = target(aid, &a)) < 0)
		return err;
	if (max && !(k = kmalloc((size_t)max * sizeof(*k)))) {
		actor_put(a);
		return -K_ENOMEM;
	}
	n = rgn_list(a, k, max);
	actor_put(a);
	if (max && copyout((uaddr_t)uout, k, (size_t)MIN(n, max) * sizeof(*k)) < 0)
		n = -K_EFAULT;
	if (k)
		kfree(k);
	return n;
}
