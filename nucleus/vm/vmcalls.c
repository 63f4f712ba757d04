// SPDX-License-Identifier: MIT
/*
 * The region nucleus calls (abi/motet/vm.h): they decode their arguments
 * and name the target actor (vm_target); region.c does the work.
 * Entry points: nc_rgnMap, nc_rgnProtect, nc_rgnUnmap, nc_rgnSplit,
 * nc_rgnList, nc_rgnCopy, nc_vmStat.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/actor.h>
#include <kern/ncall.h>
#include <vm/vm.h>
#include "vmint.h"

long
nc_rgnMap(long aid, long uk)
{
	struct actor *a;
	struct krgn k;
	long err;

	if (copyin(&k, (uaddr_t)uk, sizeof(k)) < 0)
		return -K_EFAULT;
	if ((err = vm_target(aid, &a)) < 0)
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

	if ((err = vm_target(aid, &a)) < 0)
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

	if ((err = vm_target(aid, &a)) < 0)
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

	if ((err = vm_target(aid, &a)) < 0)
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
	if ((err = vm_target(aid, &a)) < 0)
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

long
nc_rgnCopy(long src_aid, long src, long dst_aid, long dst, long size)
{
	struct actor *sa = NULL, *da = NULL;
	long err;

	if ((err = vm_target(src_aid, &sa)) == K_OK && (err = vm_target(dst_aid, &da)) == K_OK)
		err = rgn_copy(sa, (u64)src, da, (u64)dst, (u64)size);
	if (sa)
		actor_put(sa);
	if (da)
		actor_put(da);
	return err;
}

long
nc_vmStat(long aid, long uout)
{
	struct kvmstat st;
	struct actor *a;
	long err;

	if ((err = vm_target(aid, &a)) < 0)
		return err;
	vm_stat(a, &st);
	actor_put(a);
	return copyout((uaddr_t)uout, &st, sizeof(st)) < 0 ? -K_EFAULT : K_OK;
}
