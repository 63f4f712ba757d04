/* SPDX-License-Identifier: MIT */
/*
 * Per-processor state, reached through %gs in the nucleus.  Fields marked
 * (own) are only touched by their processor with interrupts off; the run
 * queue and timer list carry their own locks.
 */
#ifndef KERN_PERCPU_H
#define KERN_PERCPU_H

#include <kern/types.h>
#include <kern/spinlock.h>
#include <kern/sched.h>
#include <kern/thread.h>
#include "arch.h"
#include "asm.h"

struct tss {
	u32 rsvd0;
	u64 rsp[3];
	u64 rsvd1;
	u64 ist[7];
	u64 rsvd2;
	u16 rsvd3, iomap;
} __attribute__((packed));

struct cpu {
	struct cpu *self;		/* CPU_SELF */
	u64 kstack_top;			/* CPU_KSTACK: current thread's (own) */
	u64 user_rsp;			/* CPU_USTACK: syscall scratch */
	struct thread *current;		/* CPU_CURRENT (own) */
	int id;
	u32 apic_id;
	int noff;			/* push_off depth (own) */
	int intena;			/* interrupts on before push_off (own) */
	volatile bool need_resched;
	int irq_depth;			/* nested interrupt handlers (own) */
	struct pmap *pmap;		/* loaded in CR3 (own) */
	u64 fsbase;			/* loaded in MSR_FS_BASE (own) */
	struct thread *idle;
	struct runq rq;
	struct timerq timers;
	u64 ticks;
	struct list dead;		/* threads to free after a switch (own) */
	struct thread *migrate;		/* to requeue elsewhere after a switch (own) */
	u64 gdt[9];
	struct tss tss;
	u8 fpu_scratch[512] __attribute__((aligned(16)));
	bool online;
};

_Static_assert(offsetof(struct cpu, kstack_top) == CPU_KSTACK, "CPU_KSTACK");
_Static_assert(offsetof(struct cpu, user_rsp) == CPU_USTACK, "CPU_USTACK");
_Static_assert(offsetof(struct cpu, current) == CPU_CURRENT, "CPU_CURRENT");
_Static_assert(offsetof(struct cpu, id) == CPU_ID, "CPU_ID");
_Static_assert(offsetof(struct cpu, noff) == CPU_NOFF, "CPU_NOFF");
_Static_assert(offsetof(struct cpu, intena) == CPU_INTENA, "CPU_INTENA");
_Static_assert(offsetof(struct cpu, irq_depth) == CPU_IRQDEPTH, "CPU_IRQDEPTH");

extern struct cpu cpus[MAX_CPUS];
extern int ncpus;
extern volatile int cpus_online;

static inline struct cpu *
mycpu(void)
{
	struct cpu *c;
	__asm__ volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

/* The running thread: one load, safe with interrupts on. */
static inline struct thread *
curthread(void)
{
	struct thread *t;
	__asm__ volatile("movq %%gs:24, %0" : "=r"(t));
	return t;
}

/* Nesting depth of interrupt handlers on this processor. */
static inline int
mycpu_irq_depth(void)
{
	return percpu_int(CPU_IRQDEPTH);
}

/* Before every return to actor code: deletion and suspension. */
static inline void
thread_boundary(void)
{
	struct thread *t = curthread();

	if (unlikely(t->killed || t->suspend))
		thread_boundary_slow();
}

/* The end of a supervisor actor's nucleus call (not at interrupt level):
 * a pending reschedule, then the boundary; not while t acts for another
 * actor (a handler's calls return into the handler). */
static inline void
ncall_direct_exit(struct thread *t)
{
	if (!t->acting) {
		if (READ_ONCE(mycpu()->need_resched))
			schedule();
		thread_boundary();
	}
}

void ap_main(int cpu_index);

#endif
