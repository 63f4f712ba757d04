// SPDX-License-Identifier: MIT
/*
 * Console input and boot modules as actors read them.  The serial line's
 * receive interrupt (ISA IRQ 4) fills a ring; consRead takes what is
 * there, consGet waits for at least one byte.  modRead copies out of a
 * boot module (a root file system archive, say) for trusted actors.
 * Entry points: cons_init, cons_rx_intr, nc_consRead, nc_consGet,
 * nc_modRead.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/sched.h>
#include <kern/percpu.h>
#include <kern/actor.h>
#include <kern/boot.h>
#include <kern/ncall.h>
#include <motet/nucleus.h>
#include "arch.h"

#define RING	4096			/* a power of two */
#define CONS_IRQ 4

static struct waitq cons_wq = WAITQ_INIT(cons_wq);	/* its lock guards the ring */
static char ring[RING];
static u32 head, tail;			/* bytes in [tail, head) */

/* Receive interrupts on: from now on input arrives through the ring. */
void
cons_init(void)
{
	ioapic_route(CONS_IRQ, (u8)(VEC_IRQ_BASE + CONS_IRQ), cpus[0].apic_id);
	ioapic_mask(CONS_IRQ, false);
	serial_enable_rx_irq();
}

/* Moves what the UART holds into the ring (a full ring drops input);
 * with cons_wq.lock held. */
static void
drain_uart(void)
{
	int ch;

	while ((ch = serial_getc_poll()) >= 0)
		if (head - tail < RING)
			ring[head++ & (RING - 1)] = (char)ch;
}

/* IRQ 4: bytes came in. */
void
cons_rx_intr(void)
{
	spin_lock(&cons_wq.lock);
	drain_uart();
	if (head != tail)
		waitq_wake(&cons_wq, INT32_MAX, K_OK);
	spin_unlock(&cons_wq.lock);
}

/* Takes up to n bytes into tmp; with cons_wq.lock held. */
static size_t
ring_take(char *tmp, size_t n)
{
	size_t k = 0;

	drain_uart();
	while (k < n && tail != head)
		tmp[k++] = ring[tail++ & (RING - 1)];
	return k;
}

long
nc_consRead(long buf, long len)
{
	char tmp[256];
	size_t n;

	if (len < 0)
		return -K_EINVAL;
	spin_lock(&cons_wq.lock);
	n = ring_take(tmp, MIN(sizeof(tmp), (size_t)len));
	spin_unlock(&cons_wq.lock);
	if (n && copyout((uaddr_t)buf, tmp, n) < 0)
		return -K_EFAULT;
	return (long)n;
}

long
nc_consGet(long buf, long len, long timeout)
{
	char tmp[256];
	u64 end = timeout > 0 ? time_ns() + (u64)timeout : 0;
	size_t n;
	long r;

	if (len <= 0 || timeout < K_NOTIMEOUT)
		return -K_EINVAL;
	for (;;) {
		spin_lock(&cons_wq.lock);
		if ((n = ring_take(tmp, MIN(sizeof(tmp), (size_t)len))) != 0)
			break;
		if (timeout > 0 && time_ns() >= end) {
			spin_unlock(&cons_wq.lock);
			return -K_ETIMEOUT;
		}
		r = waitq_sleep(&cons_wq, timeout > 0 ? (long)(end - time_ns()) | 1 : timeout);
		if (r < 0 && r != -K_ETIMEOUT)
			return r;
	}
	spin_unlock(&cons_wq.lock);
	if (copyout((uaddr_t)buf, tmp, n) < 0)
		return -K_EFAULT;
	return (long)n;
}

long
nc_modRead(long name, long offset, long buf, long size)
{
	char mname[BOOTNAME_MAX];
	struct actor *a = caller_actor();
	const struct bootmod *m;
	long r;

	if (!a->trusted && a->mode != K_ACTOR_SUPER)
		return -K_EPERM;
	if ((r = copyin_str(mname, (uaddr_t)name, sizeof(mname))) < 0)
		return r;
	if (!(m = bootmod_find(mname)))
		return -K_ENOENT;
	if (!buf && !size)
		return (long)m->size;
	if (offset < 0 || size < 0)
		return -K_EINVAL;
	if ((u64)offset >= m->size)
		return 0;
	size = (long)MIN((u64)size, m->size - (u64)offset);
	if (copyout((uaddr_t)buf, P2V(m->pa + (u64)offset), (size_t)size) < 0)
		return -K_EFAULT;
	return size;
}
