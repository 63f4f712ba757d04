// SPDX-License-Identifier: MIT
/*
 * What happens after entry.S has saved a context: exceptions (reported and
 * fatal to the actor, or panic in the nucleus unless a fixup applies),
 * device interrupts (to connected handlers), the timer and IPIs, software
 * traps, and the syscall instruction.  On the way back to actor code the
 * thread passes its boundary (suspension, deletion) and may be preempted.
 * Entry points: trap_dispatch, syscall_handler, fixup_lookup.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <vm/vm.h>
#include <kern/handler.h>
#include <kern/ncall.h>
#include <ipc/ipc.h>
#include <motet/callnum.h>
#include "x86.h"

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault", "coprocessor overrun",
	"#TS invalid TSS", "#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization", "#CP control protection",
};

struct fixup {
	u64 insn, target;
};
extern const struct fixup __fixup_start[], __fixup_end[];

u64
fixup_lookup(u64 rip)
{
	for (const struct fixup *f = __fixup_start; f < __fixup_end; f++)
		if (f->insn == rip)
			return f->target;
	return 0;
}

static const char *
exc_name(u64 v)
{
	return v < 32 && exc_names[v] ? exc_names[v] : "exception";
}

extern char _text[], _etext[];

/* Actor code: ring 3, the supervisor space, or anything outside the
 * nucleus text reached by a supervisor actor's thread (a bad jump). */
static bool
in_actor_code(const struct kcontext *ctx)
{
	struct thread *t;

	if ((ctx->cs & 3) || (ctx->rip >= KSUPER_BASE && ctx->rip < KSUPER_END))
		return true;
	t = curthread();
	return t->actor && t->actor->mode == K_ACTOR_SUPER && !t->acting &&
	       (ctx->rip < (u64)_text || ctx->rip >= (u64)_etext);
}

static _Noreturn void
panic_ctx(const struct kcontext *ctx, const char *what)
{
	kprintf("\n*** nucleus %s (vector %lu, error %#lx) at rip %#lx cr2 %#lx\n"
		"rax %016lx rbx %016lx rcx %016lx rdx %016lx\n"
		"rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n",
		what, ctx->vector, ctx->error, ctx->rip, read_cr2(),
		ctx->rax, ctx->rbx, ctx->rcx, ctx->rdx,
		ctx->rsi, ctx->rdi, ctx->rbp, ctx->rsp);
	backtrace_from(ctx->rbp, ctx->rip);
	panic("%s", what);
}

static void
exception(struct kcontext *ctx)
{
	struct thread *t = curthread();
	u64 v = ctx->vector, addr = v == 14 ? read_cr2() : 0, fix;

	if (!in_actor_code(ctx)) {
		if ((fix = fixup_lookup(ctx->rip)) != 0) {
			/* a nucleus copy touching an actor's page not there yet:
			 * filled on demand when the copy may wait */
			if (v == 14 && (ctx->rflags & RFLAGS_IF) && addr < USER_END && t->actor) {
				sti();
				if (vm_fault(t->actor, addr, ctx->error) == K_OK)
					return;
			}
			ctx->rip = fix;
			return;
		}
		panic_ctx(ctx, exc_name(v));
	}
	if (v == 8 || v == 18 || !t->actor)
		panic_ctx(ctx, exc_name(v));
	if (ctx->rflags & RFLAGS_IF)
		sti();
	if (v == 14 && vm_fault(t->actor, addr, ctx->error) == K_OK)
		return;
	if (handler_exception(t, ctx) == K_EXC_HANDLED ||
	    (t->actor->mode == K_ACTOR_USER && ipc_exc_call(t, ctx, v, addr)))
		return;
	kprintf("nucleus: actor %ld (%s) thread %ld: %s at rip %#lx, address %#lx, error %#lx: actor deleted\n",
		t->actor->aid, t->actor->name, t->tid, exc_name(v), ctx->rip, addr,
		ctx->error);
	actor_kill(t->actor, K_STATUS_EXCEPTION | v);
	thread_exit();
}

static void
soft_trap(struct kcontext *ctx)
{
	struct thread *t = curthread();

	sti();
	if (t->actor && handler_trap(t, (int)ctx->vector, ctx) == K_TRAP_DONE)
		return;
	ctx->vector = 13;		/* no handler: as if the gate were closed */
	ctx->error = 0;
	exception(ctx);
}

static void
interrupt(u64 v)
{
	struct cpu *c = mycpu();

	switch (v) {
	case VEC_TIMER:
		lapic_eoi();
		sched_tick();
		timer_tick();
		break;
	case VEC_RESCHED:
		lapic_eoi();
		c->need_resched = true;
		break;
	case VEC_TLB:
		tlb_ipi();
		lapic_eoi();
		break;
	case VEC_PANIC:
		for (;;)
			hlt();
	case VEC_SPURIOUS:
		break;
	default:
		if (v >= VEC_IRQ_BASE && v < VEC_IRQ_BASE + K_IRQ_MAX) {
			c->irq_depth++;
			if (v == VEC_IRQ_BASE + 4)
				cons_rx_intr();		/* the serial console */
			handler_interrupt((int)(v - VEC_IRQ_BASE));
			c->irq_depth--;
			lapic_eoi();
		} else {
			kprintf("nucleus: unexpected interrupt %lu\n", v);
			lapic_eoi();
		}
	}
}

void
trap_dispatch(struct kcontext *ctx)
{
	u64 v = ctx->vector;

	if (v < 32)
		exception(ctx);
	else if (v >= K_TRAP_INT_FIRST && v <= K_TRAP_INT_LAST && (ctx->cs & 3))
		soft_trap(ctx);
	else
		interrupt(v);
	if (mycpu()->need_resched && (ctx->rflags & RFLAGS_IF))
		schedule();
	if (in_actor_code(ctx))
		thread_boundary();
}

/* Returns non-zero when sysret may be used to go back. */
long
syscall_handler(struct kcontext *ctx)
{
	struct thread *t = curthread();

	sti();
	if (likely(!t->actor->trap_mask) && (ctx->rax == NC_ipcCall || ctx->rax == NC_ipcReplyReceive)) {
		long r = fast_syscall(ctx);
		if (r != FAST_NO) {
			t->ncalls++;
			ctx->rax = (u64)r;
			return syscall_finish(ctx);
		}
	}
	if (likely(!t->actor->trap_mask) || handler_trap(t, K_TRAP_SYSCALL, ctx) != K_TRAP_DONE)
		ctx->rax = ncall_dispatch((long)ctx->rax, ctx->rdi, ctx->rsi,
					  ctx->rdx, ctx->r10, ctx->r8);
	return syscall_finish(ctx);
}

/* The end of every nucleus call by syscall: preemption, the thread's
 * boundary; non-zero when sysret may be used to go back. */
long
syscall_finish(struct kcontext *ctx)
{
	if (mycpu()->need_resched)
		schedule();
	thread_boundary();
	return ctx->rcx == ctx->rip && ctx->r11 == ctx->rflags &&
	       ctx->rip < USER_END && ctx->cs == SEL_UCODE && ctx->ss == SEL_UDATA;
}
