// SPDX-License-Identifier: MIT
/*
 * The first IOAPIC of the MADT: routes device interrupts to a vector on
 * one processor.  Inputs are named by ISA IRQ (0-15), translated through
 * the MADT source overrides in acpi.irq_gsi[]; numbers from 16 up are
 * taken as global system interrupts of PCI devices (level, active low).
 * Every entry starts masked; ioapic_route leaves it masked until
 * ioapic_mask(irq, false).
 *
 * The select/data register pair is the only shared state: each access to
 * it runs with interrupts off.  Callers that route from several
 * processors at once must serialise among themselves.
 *
 * Entry points: ioapic_init (BSP, once, after acpi_init and paging),
 * ioapic_route, ioapic_mask.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include "x86.h"
#include "arch.h"

#define IOREGSEL	0x00
#define IOWIN		0x10
#define IOAPIC_VER	0x01
#define IOAPIC_REDTBL(n) (0x10 + 2 * (n))	/* low word; high at + 1 */

#define RED_ACTIVE_LOW	(1 << 13)
#define RED_LEVEL	(1 << 15)
#define RED_MASKED	(1 << 16)

/* MPS INTI flags of a source override */
#define INTI_POLARITY(f) ((f) & 3)		/* 0 bus default, 1 high, 3 low */
#define INTI_TRIGGER(f)	(((f) >> 2) & 3)	/* 0 bus default, 1 edge, 3 level */

static volatile u32 *ioapic;
static int nentries;

static u32
ioapic_read(u32 reg)
{
	u64 rf = read_rflags();
	u32 v;

	cli();
	ioapic[IOREGSEL / 4] = reg;
	v = ioapic[IOWIN / 4];
	if (rf & RFLAGS_IF)
		sti();
	return v;
}

static void
ioapic_write(u32 reg, u32 v)
{
	u64 rf = read_rflags();

	cli();
	ioapic[IOREGSEL / 4] = reg;
	ioapic[IOWIN / 4] = v;
	if (rf & RFLAGS_IF)
		sti();
}

void
ioapic_init(void)
{
	if (acpi.ioapic_pa == 0) {
		kprintf("ioapic: none\n");
		return;
	}
	ioapic = mmio_map(acpi.ioapic_pa, PAGE_SIZE);
	nentries = ((ioapic_read(IOAPIC_VER) >> 16) & 0xff) + 1;
	for (int i = 0; i < nentries; i++) {
		ioapic_write(IOAPIC_REDTBL(i), RED_MASKED);
		ioapic_write(IOAPIC_REDTBL(i) + 1, 0);
	}
	kprintf("ioapic: %d inputs from gsi %u\n", nentries, acpi.ioapic_gsi_base);
}

/* The redirection entry of irq, or -1 if this IOAPIC does not have it. */
static int
irq_entry(int irq)
{
	u32 gsi;

	if (ioapic == NULL || irq < 0)
		return -1;
	gsi = irq < 16 ? acpi.irq_gsi[irq] : (u32)irq;
	if (gsi < acpi.ioapic_gsi_base || gsi - acpi.ioapic_gsi_base >= (u32)nentries)
		return -1;
	return gsi - acpi.ioapic_gsi_base;
}

/* Polarity and trigger bits of the entry for irq. */
static u32
irq_mode(int irq)
{
	u16 f;
	u32 mode = 0;

	if (irq >= 16)
		return RED_ACTIVE_LOW | RED_LEVEL;	/* PCI */
	f = acpi.irq_flags[irq];			/* 0: ISA, edge high */
	if (INTI_POLARITY(f) == 3)
		mode |= RED_ACTIVE_LOW;
	if (INTI_TRIGGER(f) == 3)
		mode |= RED_LEVEL;
	return mode;
}

/* Deliver irq as vector to the processor apic_id (fixed, physical); masked. */
void
ioapic_route(int irq, u8 vector, u32 apic_id)
{
	int e = irq_entry(irq);

	if (e < 0) {
		kprintf("ioapic: irq %d has no input\n", irq);
		return;
	}
	ioapic_write(IOAPIC_REDTBL(e), RED_MASKED);
	ioapic_write(IOAPIC_REDTBL(e) + 1, apic_id << 24);
	ioapic_write(IOAPIC_REDTBL(e), RED_MASKED | irq_mode(irq) | vector);
}

void
ioapic_mask(int irq, bool masked)
{
	int e = irq_entry(irq);
	u64 rf = read_rflags();
	u32 v;

	if (e < 0)
		return;
	cli();
	v = ioapic_read(IOAPIC_REDTBL(e));
	v = masked ? v | RED_MASKED : v & ~RED_MASKED;
	ioapic_write(IOAPIC_REDTBL(e), v);
	if (rf & RFLAGS_IF)
		sti();
}
