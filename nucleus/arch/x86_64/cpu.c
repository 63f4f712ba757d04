// SPDX-License-Identifier: MIT
/*
 * Processor set-up: per-CPU GDT and TSS (with IST stacks for double fault
 * and NMI), the shared IDT, the syscall MSRs, GS as the per-CPU pointer, and
 * the FPU/SSE state that actor threads carry.
 * Entry points: cpu_init_bsp, cpu_init_this, cpu_set_kstack, fpu_*.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/percpu.h>
#include <vm/pmem.h>
#include "x86.h"

struct idt_entry {
	u16 off_lo, sel;
	u8 ist, type;
	u16 off_mid;
	u32 off_hi, zero;
} __attribute__((packed));

static struct idt_entry idt[256] __attribute__((aligned(16)));
static u8 fpu_default[512] __attribute__((aligned(16)));
bool cpu_has_pcid, cpu_has_nx;

struct dtr {
	u16 limit;
	u64 base;
} __attribute__((packed));

static void
idt_set(int v, u64 fn, int dpl, int ist)
{
	idt[v].off_lo = fn & 0xffff;
	idt[v].sel = SEL_KCODE;
	idt[v].ist = ist;
	idt[v].type = 0x8e | (dpl << 5);	/* present, interrupt gate */
	idt[v].off_mid = (fn >> 16) & 0xffff;
	idt[v].off_hi = fn >> 32;
	idt[v].zero = 0;
}

static void
idt_build(void)
{
	for (int v = 0; v < 256; v++)
		idt_set(v, vectors[v], 0, 0);
	idt_set(2, vectors[2], 0, 2);		/* NMI on IST2 */
	idt_set(8, vectors[8], 0, 1);		/* double fault on IST1 */
	idt_set(3, vectors[3], 3, 0);		/* int3 from actors */
	for (int v = K_TRAP_INT_FIRST; v <= K_TRAP_INT_LAST; v++)
		idt_set(v, vectors[v], 3, 0);
}

static void
gdt_build(struct cpu *c)
{
	u64 tss = (u64)&c->tss;

	c->gdt[0] = 0;
	c->gdt[1] = 0x00af9a000000ffffUL;	/* 0x08 nucleus code */
	c->gdt[2] = 0x00cf92000000ffffUL;	/* 0x10 nucleus data */
	c->gdt[3] = 0;				/* 0x18 sysret base (32-bit code) */
	c->gdt[4] = 0x00cff2000000ffffUL;	/* 0x20 user data */
	c->gdt[5] = 0x00affa000000ffffUL;	/* 0x28 user code */
	c->gdt[6] = (sizeof(struct tss) - 1) | ((tss & 0xffffff) << 16) |
		(0x89UL << 40) | (((tss >> 24) & 0xff) << 56);
	c->gdt[7] = tss >> 32;
	c->gdt[8] = 0;
}

static u64
ist_stack(void)
{
	paddr_t pa = pmem_alloc_n(2);

	if (!pa)
		panic("no memory for IST stacks");
	return (u64)P2V(pa) + 2 * PAGE_SIZE;
}

void
cpu_init_this(struct cpu *c)
{
	struct dtr gdtr = { sizeof(c->gdt) - 1, (u64)c->gdt };
	struct dtr idtr = { sizeof(idt) - 1, (u64)idt };

	c->self = c;
	wrmsr(MSR_GS_BASE, (u64)c);
	gdt_build(c);
	memset(&c->tss, 0, sizeof(c->tss));
	c->tss.ist[0] = ist_stack();
	c->tss.ist[1] = ist_stack();
	c->tss.iomap = sizeof(struct tss);
	__asm__ volatile("lgdt %0" :: "m"(gdtr));
	__asm__ volatile(
		"movw %w0, %%ds; movw %w0, %%es; movw %w0, %%ss;"
		"pushq %1; leaq 1f(%%rip), %%rax; pushq %%rax; lretq; 1:"
		:: "r"(SEL_KDATA), "i"(SEL_KCODE) : "rax", "memory");
	__asm__ volatile("ltr %w0" :: "r"(SEL_TSS));
	__asm__ volatile("lidt %0" :: "m"(idtr));
	wrmsr(MSR_KGS_BASE, 0);
	wrmsr(MSR_STAR, ((u64)SEL_UBASE << 48) | ((u64)SEL_KCODE << 32));
	wrmsr(MSR_LSTAR, (u64)syscall_entry);
	wrmsr(MSR_SFMASK, 0x47700);	/* IF, DF, TF, AC, NT off on entry */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | (cpu_has_nx ? EFER_NXE : 0));
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_WP);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_PGE |
		  (cpu_has_pcid ? CR4_PCIDE : 0));
	__asm__ volatile("fninit");
	c->pmap = &kernel_pmap;
}

void
cpu_init_bsp(void)
{
	u32 a, b, cx, d;

	cpuid(0x80000001, 0, &a, &b, &cx, &d);
	cpu_has_nx = d & (1 << 20);
	cpuid(1, 0, &a, &b, &cx, &d);
	cpu_has_pcid = cx & (1 << 17);
	idt_build();
	cpu_init_this(&cpus[0]);
	__asm__ volatile("fninit; fxsave64 %0" : "=m"(fpu_default));
	/* default MXCSR: all exceptions masked */
	*(u32 *)(fpu_default + 24) = 0x1f80;
}

void
cpu_set_kstack(struct cpu *c, u64 top)
{
	c->kstack_top = top;
	c->tss.rsp[0] = top;
}

void fpu_init_area(void *area) { memcpy(area, fpu_default, 512); }
