// SPDX-License-Identifier: MIT
/*
 * Starting the application processors (APs), one at a time: copy the
 * real-mode trampoline (trampoline.S) to TRAMPOLINE_PA, give it a stack,
 * a cpu index and page tables, then INIT, STARTUP, STARTUP and wait until
 * the AP has counted itself in cpus_online from ap_main.  Only then is the
 * copy reused for the next AP.
 *
 * cpu index i is the processor with local APIC id acpi.apic_id[i]; the BSP
 * is index 0 (acpi_init puts it first).  An AP that does not start has no
 * index in use, so indices of the running processors may have gaps.
 *
 * Entry point: smp_boot_aps (BSP, once, after lapic_init,
 * lapic_timer_calibrate and paging_init).
 */
#include <kern/types.h>
#include <kern/klib.h>
#include "x86.h"
#include "arch.h"
#include <kern/percpu.h>
#include <vm/pmem.h>

#define TRAMPOLINE_PA	0x8000		/* also in trampoline.S */
#define AP_STACK_PAGES	4
#define AP_WAIT_US	1000000		/* for ap_main to be reached */

#define ICR_INIT	(5 << 8)
#define ICR_STARTUP	(6 << 8)
#define ICR_ASSERT	(1 << 14)

void lapic_icr(u32 apic_id, u32 low);	/* lapic.c, only for smp.c */

extern char trampoline_start[], trampoline_end[];
extern char tramp_pml4[], tramp_kpml4[], tramp_stack[], tramp_cpu[];
extern char tramp_entry[], tramp_started[];
extern char ap_entry64[];

/* A word of the data block, in the copy at TRAMPOLINE_PA. */
#define TRAMP(sym) ((volatile u64 *)((u8 *)P2V(TRAMPOLINE_PA) + \
			((sym) - trampoline_start)))

/*
 * The transition page table: the first 2 MiB identity-mapped (the copy
 * runs there) and the upper half of kernel_pml4.  In the nucleus image so
 * that it is below 4 GiB, which the 32-bit load of CR3 needs.
 */
static u64 tr_pml4[512] __attribute__((aligned(PAGE_SIZE)));
static u64 tr_pdpt[512] __attribute__((aligned(PAGE_SIZE)));
static u64 tr_pd[512] __attribute__((aligned(PAGE_SIZE)));

static void
udelay(u64 us)
{
	u64 end;

	assert(tsc_per_us != 0);
	end = rdtsc() + us * tsc_per_us;
	while (rdtsc() < end)
		cpu_relax();
}

static void
tramp_setup(void)
{
	const u64 *kpml4 = P2V(kernel_pml4);
	size_t size = trampoline_end - trampoline_start;

	assert(size <= PAGE_SIZE);
	tr_pd[0] = PTE_P | PTE_W | PTE_PS;		/* 0..2 MiB */
	tr_pdpt[0] = KIMG2P(tr_pd) | PTE_P | PTE_W;
	tr_pml4[0] = KIMG2P(tr_pdpt) | PTE_P | PTE_W;
	for (int i = 256; i < 512; i++)
		tr_pml4[i] = kpml4[i];
	assert(KIMG2P(tr_pml4) < (1UL << 32));

	memcpy(P2V(TRAMPOLINE_PA), trampoline_start, size);
	*TRAMP(tramp_pml4) = KIMG2P(tr_pml4);
	*TRAMP(tramp_kpml4) = kernel_pml4;
	*TRAMP(tramp_entry) = (u64)ap_entry64;
}

/* INIT, then STARTUP twice unless the first one was seen (Intel MP). */
static void
ap_wake(u32 apic_id)
{
	u32 startup = ICR_STARTUP | ICR_ASSERT | (TRAMPOLINE_PA >> 12);

	lapic_icr(apic_id, ICR_INIT | ICR_ASSERT);
	udelay(10000);
	lapic_icr(apic_id, startup);
	udelay(200);
	if (!READ_ONCE(*TRAMP(tramp_started))) {
		lapic_icr(apic_id, startup);
		udelay(200);
	}
}

/* Start cpu index i; true once it has reached ap_main. */
static bool
ap_start(int i)
{
	u32 apic_id = acpi.apic_id[i];
	paddr_t stack = pmem_alloc_n(AP_STACK_PAGES);
	int before = cpus_online;
	u64 t0;

	if (stack == 0) {
		kprintf("smp: no memory for the stack of cpu %d\n", i);
		return false;
	}
	*TRAMP(tramp_stack) = (u64)P2V(stack) + AP_STACK_PAGES * PAGE_SIZE;
	*TRAMP(tramp_cpu) = (u64)i;
	*TRAMP(tramp_started) = 0;
	__sync_synchronize();

	ap_wake(apic_id);
	t0 = rdtsc();
	while (READ_ONCE(cpus_online) == before) {
		if (rdtsc() - t0 > AP_WAIT_US * tsc_per_us) {
			/* Park it again, so it cannot run on a reused copy. */
			lapic_icr(apic_id, ICR_INIT | ICR_ASSERT);
			kprintf("smp: cpu %d (apic %u) did not start%s\n", i,
				apic_id, *TRAMP(tramp_started) ? " (stuck)" : "");
			return false;
		}
		cpu_relax();
	}
	return true;
}

void
smp_boot_aps(void)
{
	u32 self = lapic_id();
	int up = 1;

	tramp_setup();
	for (int i = 0; i < acpi.ncpus; i++) {
		if (acpi.apic_id[i] == self)
			continue;
		if (ap_start(i))
			up++;
	}
	kprintf("smp: %d processors online\n", up);
}
