// SPDX-License-Identifier: MIT
/*
 * Nucleus calls on memory regions, synchronization words, connected
 * handlers and mini-messages: decoders that check, then call the
 * subsystem.
 * Entry points: nc_rgn*, nc_sync*, nc_*Connect, nc_handlerDisconnect,
 * nc_mini*.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <kern/handler.h>
#include <kern/mini.h>
#include <kern/sync.h>
#include <kern/ncall.h>
#include <vm/vm.h>
#include <motet/nucleus.h>

long
nc_rgnAllocate(long addr, long size, long prot)
{
	u64 va;
	long r;

	if (size <= 0 || (prot & ~7L))
		return -K_EINVAL;
	r = rgn_alloc(caller_actor(), (u64)addr, (u64)size, (int)prot, &va);
	return r < 0 ? r : (long)va;
}

long
nc_rgnFree(long addr, long size)
{
	if (size <= 0)
		return -K_EINVAL;
	return rgn_free(caller_actor(), (u64)addr, (u64)size);
}

long
nc_syncWait(long addr, long expected, long timeout)
{
	if (timeout < K_NOTIMEOUT || expected != (int)expected)
		return -K_EINVAL;
	return sync_wait(caller_actor(), (uaddr_t)addr, (int)expected, timeout);
}

long
nc_syncWake(long addr, long count)
{
	if (count <= 0 || count > (1L << 30))
		return -K_EINVAL;
	return sync_wake(caller_actor(), (uaddr_t)addr, (int)count);
}

long
nc_intrConnect(long irq, long fn, long arg, long prio)
{
	return handler_connect_intr(caller_actor(), irq, (u64)fn, (u64)arg, prio);
}

long
nc_excConnect(long aid, long fn, long arg)
{
	return handler_connect_exc(caller_actor(), aid, (u64)fn, (u64)arg);
}

long
nc_trapConnect(long aid, long trapno, long fn, long arg)
{
	return handler_connect_trap(caller_actor(), aid, trapno, (u64)fn, (u64)arg);
}

long nc_handlerDisconnect(long hid) { return handler_disconnect(caller_actor(), hid); }
long nc_miniCreate(void) { return mini_create(caller_actor()); }
long nc_miniPost(long mid, long value) { return mini_post(caller_actor(), mid, value); }
long nc_miniDelete(long mid) { return mini_delete(caller_actor(), mid); }

long
nc_miniWait(long mid, long value, long timeout)
{
	long v, r;

	if (timeout < K_NOTIMEOUT)
		return -K_EINVAL;
	if ((r = mini_wait(caller_actor(), mid, &v, timeout)) < 0)
		return r;
	return copyout((uaddr_t)value, &v, sizeof(v));
}
