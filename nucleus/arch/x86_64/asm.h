/* SPDX-License-Identifier: MIT */
/* Constants shared by the assembly files and C: control registers, MSRs,
 * the memory layout of the nucleus and the selectors of the GDT. */
#ifndef ARCH_ASM_H
#define ARCH_ASM_H

#define KERNEL_VMA	0xffffffff80000000	/* nucleus image: phys + KERNEL_VMA */
#define KDIRECT		0xffff800000000000	/* all physical memory: phys + KDIRECT */
#define KSUPER_BASE	0xffffa00000000000	/* supervisor actors' space */
#define KSUPER_END	0xffffc00000000000
#define KVMAP_BASE	0xffffc00000000000	/* nucleus stacks and MMIO */
#define KVMAP_END	0xffffd00000000000
#define USER_BASE	0x0000000000010000
#define USER_END	0x0000800000000000

#define CR0_PE		(1 << 0)
#define CR0_MP		(1 << 1)
#define CR0_EM		(1 << 2)
#define CR0_TS		(1 << 3)
#define CR0_WP		(1 << 16)
#define CR0_PG		(1 << 31)
#define CR4_PAE		(1 << 5)
#define CR4_PGE		(1 << 7)
#define CR4_OSFXSR	(1 << 9)
#define CR4_OSXMMEXCPT	(1 << 10)
#define CR4_FSGSBASE	(1 << 16)
#define CR4_PCIDE	(1 << 17)

#define MSR_EFER	0xc0000080
#define EFER_SCE	(1 << 0)
#define EFER_LME	(1 << 8)
#define EFER_NXE	(1 << 11)
#define MSR_STAR	0xc0000081
#define MSR_LSTAR	0xc0000082
#define MSR_SFMASK	0xc0000084
#define MSR_FS_BASE	0xc0000100
#define MSR_GS_BASE	0xc0000101
#define MSR_KGS_BASE	0xc0000102
#define MSR_APIC_BASE	0x1b

#define SEL_KCODE	0x08
#define SEL_KDATA	0x10
#define SEL_UBASE	0x18	/* sysret base: user data = +8, user code = +16 */
#define SEL_UDATA	(0x20 | 3)
#define SEL_UCODE	(0x28 | 3)
#define SEL_TSS		0x30

/* offsets in struct cpu (arch/x86_64/cpu.h), checked there */
#define CPU_SELF	0
#define CPU_KSTACK	8	/* top of the current thread's nucleus stack */
#define CPU_USTACK	16	/* scratch: user rsp at syscall entry */
#define CPU_CURRENT	24	/* current thread */
#define CPU_ID		32
#define CPU_NOFF	40	/* push_off depth */
#define CPU_INTENA	44	/* interrupts on before push_off */
#define CPU_IRQDEPTH	52	/* nested interrupt handlers */

#endif
