/* SPDX-License-Identifier: MIT */
/*
 * Types and constants of the nucleus interface, shared by the nucleus and
 * actors: identifiers, priorities, modes, handler signatures and the
 * structures that nucleus calls fill in.  Call numbers are in calls.def.
 */
#ifndef MOTET_NUCLEUS_H
#define MOTET_NUCLEUS_H

#include <stdint.h>
#include <motet/error.h>
#include <motet/context.h>
#include <motet/ipc.h>
#include <motet/vm.h>

/* Timeouts are in nanoseconds.  */
#define K_NOTIMEOUT	(-1L)	/* wait forever */
#define K_NOWAIT	0L	/* do not wait */

/*
 * Thread priorities.  The real-time class has fixed priorities 0..63 (higher
 * runs first) that always win over timesharing threads; the timesharing
 * class takes a nice value -20..19 from which the scheduler derives a
 * dynamic priority that drops as the thread uses the processor.  0 means
 * "the creator's priority".
 */
#define K_PRIO_RT(p)	(0x10000L | (p))
#define K_PRIO_TS(nice)	(0x20000L | ((nice) + 20))
#define K_PRIO_CLASS(x)	((x) >> 16)
#define K_PRIO_LEVEL(x)	((x) & 0xffff)
#define K_CLASS_RT	1
#define K_CLASS_TS	2
#define K_RT_LEVELS	64
#define K_TS_NICE_MIN	(-20)
#define K_TS_NICE_MAX	19

/* actorStart modes */
#define K_ACTOR_USER	0	/* ring 3, own address space */
#define K_ACTOR_SUPER	1	/* ring 0, supervisor space */
#define K_ACTOR_TRUSTED	0x100	/* may call sysShutdown, change protection ids */

/* actorWait status: exit code, or killed by an exception, or deleted */
#define K_STATUS_EXITED(s)	(((s) >> 16) == 0)
#define K_STATUS_CODE(s)	((s) & 0xffff)
#define K_STATUS_EXCEPTION	0x10000L	/* | vector */
#define K_STATUS_DELETED	0x20000L

/* threadCreateCtx: or'ed into prio, the thread starts suspended (one
 * threadResume lets it run) */
#define K_THREAD_SUSPENDED	(1L << 40)

/* rgnAllocate protections */
#define K_PROT_READ	1
#define K_PROT_WRITE	2
#define K_PROT_EXEC	4

/* Connected handlers. */
#define K_INTR_CONTINUE	0	/* call the next handler of this vector */
#define K_INTR_STOP	1	/* the interrupt is handled: stop the chain */
#define K_EXC_DEFAULT	0	/* not handled: the nucleus reports and kills */
#define K_EXC_HANDLED	1	/* resume the thread from the (changed) context */
#define K_TRAP_PASS	0	/* let the nucleus treat the trap as a nucleus call */
#define K_TRAP_DONE	1	/* handled: resume from the (changed) context */

#define K_IRQ_MAX	24	/* IOAPIC inputs 0..23 */
#define K_HANDLER_PRIO_MAX 255

#ifndef __ASSEMBLER__
typedef int (*kintr_handler_t)(void *arg, int irq);
typedef int (*kexc_handler_t)(void *arg, long aid, long tid, struct kcontext *ctx);
typedef int (*ktrap_handler_t)(void *arg, long aid, long tid, struct kcontext *ctx);

struct ksysinfo {
	uint32_t ncpus;
	uint32_t hz;
	uint64_t pages_total;
	uint64_t pages_free;
	uint64_t heap_used;	/* bytes of nucleus heap in use */
	uint64_t nactors;
	uint64_t nthreads;
	uint64_t uptime_ns;
	uint64_t heap_pages;	/* pages the nucleus heap holds, used or free */
};

enum kthread_state {
	K_TS_RUNNING = 1, K_TS_READY, K_TS_BLOCKED, K_TS_SUSPENDED, K_TS_DEAD
};

struct kthreadstat {
	int64_t aid;
	int32_t state;		/* enum kthread_state */
	int32_t cpu;		/* last processor it ran on */
	int64_t prio;		/* as set: K_PRIO_RT(n) or K_PRIO_TS(nice) */
	int32_t level;		/* current run-queue level 0..127 */
	int32_t suspend;	/* suspend count */
	uint64_t ncalls;	/* nucleus calls made */
	uint64_t switches;	/* times it was switched in */
	uint64_t cpu_ns;	/* processor time used */
	uint64_t cpumask;	/* processors it may run on */
};

/*
 * The initial stack of every actor's first thread holds this structure; its
 * address is in %rdi at the entry point.  ncall_entry is 0 in user actors
 * (use the syscall instruction) and the nucleus's direct-call entry in
 * supervisor actors.
 */
struct kstartinfo {
	uint64_t magic;			/* K_START_MAGIC */
	uint64_t ncall_entry;
	int64_t aid;
	int64_t tid;
	int64_t mode;			/* K_ACTOR_USER or K_ACTOR_SUPER */
	uint64_t image_base;
	int64_t argc;
	char **argv;			/* argv[argc] == 0 */
};
#define K_START_MAGIC	0x6d6f7465745f7374ULL
#endif

#endif
