// SPDX-License-Identifier: MIT
/*
 * The nucleus-call dispatcher, generated from abi/motet/calls.def, and the
 * system, console and time calls.  In interrupt context (a connected
 * handler) only the calls marked irq-safe are allowed.
 * Entry points: ncall_dispatch, ncall_direct, caller_actor, nc_cons*,
 * nc_sys*, nc_time*, nc_cpuSelf.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <kern/ncall.h>
#include <vm/vm.h>
#include <vm/pmem.h>
#include <ipc/ipc.h>
#include <motet/nucleus.h>
#include <motet/callnum.h>

typedef long (*ncall_fn)(long, long, long, long, long);

#define W0(name) static long w_##name(long a, long b, long c, long d, long e) \
	{ (void)a; (void)b; (void)c; (void)d; (void)e; return nc_##name(); }
#define W1(name) static long w_##name(long a, long b, long c, long d, long e) \
	{ (void)b; (void)c; (void)d; (void)e; return nc_##name(a); }
#define W2(name) static long w_##name(long a, long b, long c, long d, long e) \
	{ (void)c; (void)d; (void)e; return nc_##name(a, b); }
#define W3(name) static long w_##name(long a, long b, long c, long d, long e) \
	{ (void)d; (void)e; return nc_##name(a, b, c); }
#define W4(name) static long w_##name(long a, long b, long c, long d, long e) \
	{ (void)e; return nc_##name(a, b, c, d); }
#define W5(name) static long w_##name(long a, long b, long c, long d, long e) \
	{ return nc_##name(a, b, c, d, e); }
#define NCALL0(n, name, rt) W0(name)
#define NCALL1(n, name, rt, ...) W1(name)
#define NCALL2(n, name, rt, ...) W2(name)
#define NCALL3(n, name, rt, ...) W3(name)
#define NCALL4(n, name, rt, ...) W4(name)
#define NCALL5(n, name, rt, ...) W5(name)
#include <motet/calls.def>
#undef NCALL0
#undef NCALL1
#undef NCALL2
#undef NCALL3
#undef NCALL4
#undef NCALL5

#define NCALL0(n, name, rt) [n] = w_##name,
#define NCALL1(n, name, rt, ...) [n] = w_##name,
#define NCALL2(n, name, rt, ...) [n] = w_##name,
#define NCALL3(n, name, rt, ...) [n] = w_##name,
#define NCALL4(n, name, rt, ...) [n] = w_##name,
#define NCALL5(n, name, rt, ...) [n] = w_##name,
static const ncall_fn table[NC_MAX] = {
#include <motet/calls.def>
};

static bool
irq_safe(long n)
{
	return n == NC_miniPost || n == NC_consWrite || n == NC_timeNow || n == NC_cpuSelf;
}

struct actor *
caller_actor(void)
{
	struct thread *t = curthread();

	return t->acting ? t->acting : t->actor;
}

long
ncall_dispatch(long n, long a1, long a2, long a3, long a4, long a5)
{
	if (unlikely(n <= 0 || n >= NC_MAX || !table[n]))
		return -K_ENOSYS;
	if (unlikely(mycpu_irq_depth()) && !irq_safe(n))
		return -K_EPERM;
	curthread()->ncalls++;
	return table[n](a1, a2, a3, a4, a5);
}

/* The entry of supervisor actors: a plain call on the caller's stack.
 * An ipcCall goes to lightweight RPC first (lrpc_direct), which comes
 * back here to ncall_slow if the call is not for it; an ipcReplyReceive
 * tries the fast path (fast.c) first. */
long
ncall_direct(long n, long a1, long a2, long a3, long a4, long a5)
{
	if (n == NC_ipcCall)
		return lrpc_direct(a1, a2, a3, a4);
	if (n == NC_ipcReplyReceive && a5 == K_NOTIMEOUT && !mycpu_irq_depth()) {
		long r = fast_reply_receive((u64)a1, a2, a3, a4);
		if (r != FAST_NO) {
			ncall_direct_exit(curthread());
			return r;
		}
	}
	return ncall_slow(n, a1, a2, a3, a4, a5);
}

long
ncall_slow(long n, long a1, long a2, long a3, long a4, long a5)
{
	long r = ncall_dispatch(n, a1, a2, a3, a4, a5);

	if (!mycpu_irq_depth())
		ncall_direct_exit(curthread());
	return r;
}

long
nc_consWrite(long buf, long len)
{
	char tmp[128];

	if (len < 0 || len > 65536)
		return -K_EINVAL;
	for (long off = 0; off < len; off += sizeof(tmp)) {
		size_t n = MIN(sizeof(tmp), (size_t)(len - off));
		if (copyin(tmp, (uaddr_t)buf + off, n) < 0)
			return -K_EFAULT;
		kputs_raw(tmp, n);
	}
	return len;
}

long
nc_sysInfo(long out)
{
	struct ksysinfo si = {
		.ncpus = (u32)cpus_online, .hz = HZ,
		.pages_total = pmem_total_pages(), .pages_free = pmem_free_pages(),
		.heap_used = heap_used(), .heap_pages = heap_pages_held(),
		.nactors = (u64)actor_count(),
		.nthreads = (u64)thread_count(), .uptime_ns = time_ns(),
	};

	return copyout((uaddr_t)out, &si, sizeof(si));
}

long
nc_sysShutdown(long code)
{
	struct actor *a = caller_actor();

	if (!a || !a->trusted)
		return -K_EPERM;
	kprintf("nucleus: shutdown requested by actor %ld (%s), code %ld\n", a->aid,
		a->name, code);
	acpi_poweroff();
	return -K_ESTATE;
}

long nc_timeNow(void) { return (long)time_ns(); }

long
nc_cpuSelf(void)
{
	long id;

	push_off();
	id = mycpu()->id;
	pop_off();
	return id;
}
