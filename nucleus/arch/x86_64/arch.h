/* SPDX-License-Identifier: MIT */
/*
 * What the portable nucleus (kern/, vm/, ipc/) uses of the x86-64 code.
 * The entry points into arch/x86_64 are all declared here.
 */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <kern/types.h>
#include <motet/context.h>
#include "asm.h"

#define MAX_CPUS	16

#define P2V(pa)		((void *)((u64)(pa) + KDIRECT))
#define V2P(va)		((paddr_t)((u64)(va) - KDIRECT))
#define KIMG2P(va)	((paddr_t)((u64)(va) - KERNEL_VMA))

/* Interrupt vectors. */
#define VEC_IRQ_BASE	0x20	/* IOAPIC input n -> vector 0x20 + n */
#define VEC_TIMER	0xf0	/* LAPIC timer */
#define VEC_RESCHED	0xf1	/* IPI: look at the run queue */
#define VEC_TLB		0xf2	/* IPI: flush the TLB */
#define VEC_PANIC	0xf3	/* IPI: stop, another processor panicked */
#define VEC_SPURIOUS	0xff

/* serial.c */
void serial_init(void);
void serial_putc(char c);
int serial_getc_poll(void);
void serial_enable_rx_irq(void);

/* cpu.c: descriptor tables, per-CPU state, FPU, syscall MSRs */
struct cpu;
void cpu_init_bsp(void);
void cpu_init_this(struct cpu *c);	/* GDT, TSS, IDT, MSRs of this CPU */
void cpu_set_kstack(struct cpu *c, u64 top);
static inline void fpu_save(void *area)	/* 512 bytes, 16-aligned */
{ __asm__ volatile("fxsave64 (%0)" :: "r"(area) : "memory"); }
static inline void fpu_restore(const void *area)
{ __asm__ volatile("fxrstor64 (%0)" :: "r"(area) : "memory"); }
void fpu_init_area(void *area);
extern bool cpu_has_pcid, cpu_has_nx;

/* paging.c: page tables; flags are PTE_* */
#define PTE_P	(1UL << 0)
#define PTE_W	(1UL << 1)
#define PTE_U	(1UL << 2)
#define PTE_PWT	(1UL << 3)
#define PTE_PCD	(1UL << 4)
#define PTE_A	(1UL << 5)
#define PTE_D	(1UL << 6)
#define PTE_PS	(1UL << 7)
#define PTE_G	(1UL << 8)
#define PTE_NX	(1UL << 63)
#define PTE_ADDR 0x000ffffffffff000UL
extern paddr_t kernel_pml4;		/* the nucleus address space */
void paging_init(u64 mem_top);
kerr_t pt_map(paddr_t pml4, u64 va, paddr_t pa, u64 flags);
u64 *pt_lookup(paddr_t pml4, u64 va);	/* the PTE, or NULL */
paddr_t pt_unmap(paddr_t pml4, u64 va);	/* clears; the frame that was there, or 0 */
void pt_unmap_range(paddr_t pml4, u64 va, u64 end);	/* pt_unmap of each page */
/* Maps va to pa in place of what was there: that frame (the caller
 * flushes), 0 if none, or -K_ENOMEM (no page-table page). */
long pt_replace(paddr_t pml4, u64 va, paddr_t pa, u64 flags);
void pt_revoke(paddr_t pml4, u64 va);	/* absent, frame kept for pt_unmap */
void pt_protect(paddr_t pml4, u64 va, u64 flags);	/* new rights of a present page */
void *mmio_map(paddr_t pa, size_t size);	/* uncached, in KVMAP */
u64 vmap_alloc(size_t size);		/* nucleus virtual range in KVMAP */

/* An address space as the processor sees it (paging.c) */
struct pmap {
	paddr_t pml4;
	u16 pcid;			/* 0: untagged, flushed on every load */
	u64 active;			/* processors that have it loaded (atomic) */
	u64 stale;			/* processors that must flush it on their next load */
};
extern struct pmap kernel_pmap;		/* nucleus and supervisor space */
struct pmap *pmap_create(void);		/* sharing the upper half; NULL if no memory */
void pmap_destroy(struct pmap *pm);	/* dead space: unload everywhere, free tables */
void pmap_switch(struct pmap *pm);	/* load here; interrupts off */
void pmap_flush(struct pmap *pm);	/* drop old translations everywhere; no lock held */
void pmap_flush_page(struct pmap *pm, u64 va);	/* the same for one page */

/* lapic.c, ioapic.c, acpi.c, smp.c */
struct acpi_info {
	int ncpus;
	u32 apic_id[MAX_CPUS];
	paddr_t lapic_pa;
	paddr_t ioapic_pa;
	u32 ioapic_gsi_base;
	u32 irq_gsi[16];	/* ISA IRQ -> GSI after source overrides */
	u16 irq_flags[16];	/* MPS INTI flags of the override */
	u16 pm1a_cnt;		/* FADT PM1a control port, 0 if none */
	u16 slp_typ_s5;		/* SLP_TYPa for S5 */
};
extern struct acpi_info acpi;
void acpi_init(void);
void acpi_poweroff(void);
void lapic_init(void);			/* this CPU */
u32 lapic_id(void);
void lapic_eoi(void);
void lapic_send_ipi(u32 apic_id, u8 vector);
void lapic_send_ipi_others(u8 vector);
void lapic_timer_calibrate(void);	/* BSP, once */
void lapic_timer_start(u32 hz);		/* periodic on this CPU */
void ioapic_init(void);
void ioapic_route(int irq, u8 vector, u32 apic_id);
void ioapic_mask(int irq, bool masked);
void smp_boot_aps(void);		/* starts each AP in ap_main() */
extern u64 tsc_per_us;			/* calibrated TSC rate */

/* trap.c */
void trap_dispatch(struct kcontext *ctx);	/* from entry.S */
long syscall_finish(struct kcontext *ctx);	/* non-zero: sysret may return */
u64 fixup_lookup(u64 rip);			/* 0 if none */

/* symbols.c */
const char *ksym_lookup(u64 addr, u64 *offset);
void backtrace_from(u64 rbp, u64 rip);

/* entry.S, switch.S */
void syscall_entry(void);
void ctx_switch(u64 *save_sp, u64 new_sp);
void trap_return(void);			/* pops a kcontext at %rsp */
void thread_trampoline(void);
void ipc_cont_entry(void);		/* runs ipc_continue, leaves as a syscall */
extern u64 vectors[256];

/* copy to and from actors (copy.S): return 0 or -K_EFAULT */
long copy_in_raw(void *dst, u64 usrc, size_t n);
long copy_out_raw(u64 udst, const void *src, size_t n);

/* The same, inline, for nq 8-byte words (a fixed-size struct). */
static inline long
copy_words(void *dst, const void *src, size_t nq)
{
	long err = 0;

	__asm__ volatile("1:	rep movsq\n"
			 "2:\n"
			 "	.pushsection .text.fixup, \"ax\"\n"
			 "3:	movq $-2, %0\n"
			 "	jmp 2b\n"
			 "	.popsection\n"
			 "	.pushsection .fixup_table, \"a\"\n"
			 "	.quad 1b, 3b\n"
			 "	.popsection"
			 : "+r"(err), "+D"(dst), "+S"(src), "+c"(nq) : : "memory");
	return err;
}



/* late additions: paging.c */
void tlb_ipi(void);
#endif
