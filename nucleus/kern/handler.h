/* SPDX-License-Identifier: MIT */
/*
 * Connected handlers: functions of supervisor actors that the nucleus calls
 * directly on an interrupt, on an exception of an actor, or on a trap
 * (system call) of an actor.  Interrupt handlers of one line are kept in
 * priority order and may stop the chain; they run with interrupts off and
 * may only make interrupt-safe nucleus calls (miniPost, consWrite,
 * timeNow, cpuSelf).
 */
#ifndef KERN_HANDLER_H
#define KERN_HANDLER_H

#include <kern/types.h>
#include <motet/nucleus.h>

struct thread;
struct actor;

long handler_connect_intr(struct actor *owner, long irq, u64 fn, u64 arg, long prio);
long handler_connect_exc(struct actor *owner, long aid, u64 fn, u64 arg);
long handler_connect_trap(struct actor *owner, long aid, long trapno, u64 fn, u64 arg);
long handler_disconnect(struct actor *owner, long hid);
void handler_actor_gone(struct actor *a);	/* owner or target ended */

/* In actor.trap_mask beside the connected traps' bits: the actor's
 * syscalls go as messages to its trap port (trapPort, ipc/kcall.c). */
#define TRAP_ROUTED	(1U << 31)

void handler_interrupt(int irq);		/* interrupt context */
int handler_exception(struct thread *t, struct kcontext *ctx);	/* K_EXC_* */
int handler_trap(struct thread *t, int trapno, struct kcontext *ctx);	/* K_TRAP_* */

#endif
