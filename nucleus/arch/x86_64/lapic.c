// SPDX-License-Identifier: MIT
/*
 * The local APIC of each processor, in xAPIC mode through its MMIO page
 * (mapped once by the BSP, the mapping is shared): enabling, end of
 * interrupt, inter-processor interrupts and the periodic timer.  The
 * timer and the TSC are calibrated once against PIT channel 2.
 * The legacy 8259 PICs are remapped to 0x20-0x2f and masked for good.
 *
 * Entry points: lapic_init (BSP first, after acpi_init and paging, then
 * each AP), lapic_id, lapic_eoi, lapic_send_ipi, lapic_send_ipi_others,
 * lapic_timer_calibrate (BSP, once), lapic_timer_start, and lapic_icr for
 * smp.c (INIT and STARTUP).
 */
#include <kern/types.h>
#include <kern/klib.h>
#include "x86.h"
#include "arch.h"

/* Register offsets. */
#define LAPIC_ID	0x020
#define LAPIC_VER	0x030
#define LAPIC_TPR	0x080
#define LAPIC_EOI	0x0b0
#define LAPIC_SVR	0x0f0
#define LAPIC_ESR	0x280
#define LAPIC_ICRLO	0x300
#define LAPIC_ICRHI	0x310
#define LAPIC_LVT_TIMER	0x320
#define LAPIC_LVT_THERM	0x330
#define LAPIC_LVT_PERF	0x340
#define LAPIC_LVT_LINT0	0x350
#define LAPIC_LVT_LINT1	0x360
#define LAPIC_LVT_ERR	0x370
#define LAPIC_TIMER_ICR	0x380		/* initial count */
#define LAPIC_TIMER_CCR	0x390		/* current count */
#define LAPIC_TIMER_DCR	0x3e0		/* divide configuration */

#define SVR_ENABLE	(1 << 8)
#define LVT_MASKED	(1 << 16)
#define LVT_NMI		(4 << 8)
#define TIMER_PERIODIC	(1 << 17)
#define DCR_DIV16	0x3
#define ICR_FIXED	(0 << 8)
#define ICR_BUSY	(1 << 12)
#define ICR_ASSERT	(1 << 14)
#define ICR_ALL_BUT_SELF (3 << 18)

#define APIC_BASE_BSP	(1 << 8)
#define APIC_BASE_EXTD	(1 << 10)	/* x2APIC mode */
#define APIC_BASE_EN	(1 << 11)

#define PIT_HZ		1193182
#define CALIB_MS	10

static volatile u32 *lapic;		/* set once by the BSP */
static u32 timer_ticks_per_ms;		/* at divide 16 */
u64 tsc_per_us;

static inline u32
lapic_read(u32 reg)
{
	return lapic[reg / 4];
}

static inline void
lapic_write(u32 reg, u32 v)
{
	lapic[reg / 4] = v;
	(void)lapic[LAPIC_ID / 4];	/* wait for the write to finish */
}

/* Remap the 8259s to 0x20-0x2f, then mask every input. */
static void
pic_disable(void)
{
	static const u8 seq[][2] = {
		{ 0x20, 0x11 }, { 0xa0, 0x11 },	/* ICW1: edge, cascade, ICW4 */
		{ 0x21, 0x20 }, { 0xa1, 0x28 },	/* ICW2: vector base */
		{ 0x21, 0x04 }, { 0xa1, 0x02 },	/* ICW3: slave on IR2 */
		{ 0x21, 0x01 }, { 0xa1, 0x01 },	/* ICW4: 8086 mode */
		{ 0x21, 0xff }, { 0xa1, 0xff },	/* mask all */
	};

	for (size_t i = 0; i < ARRAY_SIZE(seq); i++) {
		outb(seq[i][0], seq[i][1]);
		outb(0x80, 0);			/* short delay */
	}
}

/* Make sure the APIC is globally enabled and in xAPIC (MMIO) mode. */
static bool
lapic_enable_xapic(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);

	if (base & APIC_BASE_EXTD) {		/* x2APIC -> off -> xAPIC */
		wrmsr(MSR_APIC_BASE, base & ~(u64)(APIC_BASE_EXTD | APIC_BASE_EN));
		base &= ~(u64)(APIC_BASE_EXTD | APIC_BASE_EN);
	}
	if (!(base & APIC_BASE_EN))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN);
	return (base & APIC_BASE_BSP) != 0;
}

void
lapic_init(void)
{
	bool bsp = lapic_enable_xapic();
	u32 maxlvt;

	if (bsp) {
		pic_disable();
		if (lapic == NULL)
			lapic = mmio_map(acpi.lapic_pa, PAGE_SIZE);
	}
	assert(lapic != NULL);
	maxlvt = (lapic_read(LAPIC_VER) >> 16) & 0xff;

	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	/* LINT1 is wired to NMI on PCs; only the BSP takes it. */
	lapic_write(LAPIC_LVT_LINT1, bsp ? LVT_NMI : LVT_MASKED);
	if (maxlvt >= 4)
		lapic_write(LAPIC_LVT_PERF, LVT_MASKED);
	if (maxlvt >= 5)
		lapic_write(LAPIC_LVT_THERM, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERR, LVT_MASKED);
	lapic_write(LAPIC_ESR, 0);		/* back to back: clears it */
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_EOI, 0);		/* anything left pending */
	lapic_write(LAPIC_TPR, 0);
}

u32
lapic_id(void)
{
	u32 a, b, c, d;

	if (lapic != NULL)
		return lapic_read(LAPIC_ID) >> 24;
	cpuid(1, 0, &a, &b, &c, &d);
	return b >> 24;
}

void
lapic_eoi(void)
{
	lapic[LAPIC_EOI / 4] = 0;
}

/*
 * Send one interrupt command: destination apic_id (ignored with a
 * shorthand in low) and the low word of the ICR.  Waits until the local
 * APIC has accepted it.  Interrupts are off while the two halves are
 * written so that a handler cannot send its own IPI in between.
 */
void
lapic_icr(u32 apic_id, u32 low)
{
	u64 rf = read_rflags();

	cli();
	while (lapic_read(LAPIC_ICRLO) & ICR_BUSY)
		cpu_relax();
	lapic_write(LAPIC_ICRHI, apic_id << 24);
	lapic_write(LAPIC_ICRLO, low);
	while (lapic_read(LAPIC_ICRLO) & ICR_BUSY)
		cpu_relax();
	if (rf & RFLAGS_IF)
		sti();
}

void
lapic_send_ipi(u32 apic_id, u8 vector)
{
	lapic_icr(apic_id, ICR_FIXED | ICR_ASSERT | vector);
}

void
lapic_send_ipi_others(u8 vector)
{
	lapic_icr(0, ICR_ALL_BUT_SELF | ICR_FIXED | ICR_ASSERT | vector);
}

/*
 * Count LAPIC timer ticks (divide 16) and TSC cycles while PIT channel 2
 * counts down CALIB_MS milliseconds in mode 0 (OUT2 rises at zero).
 */
void
lapic_timer_calibrate(void)
{
	u16 count = PIT_HZ * CALIB_MS / 1000;
	u64 rf = read_rflags(), tsc0, tsc1;
	u32 ticks;
	u8 p61;

	cli();
	p61 = inb(0x61) & ~0x03;		/* gate 2 off, speaker off */
	outb(0x61, p61);
	outb(0x43, 0xb0);			/* channel 2, lo/hi, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);

	lapic_write(LAPIC_TIMER_DCR, DCR_DIV16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	outb(0x61, p61 | 0x01);			/* gate on: counting starts */
	lapic_write(LAPIC_TIMER_ICR, 0xffffffff);
	tsc0 = rdtsc();
	while (!(inb(0x61) & 0x20))
		cpu_relax();
	ticks = 0xffffffff - lapic_read(LAPIC_TIMER_CCR);
	tsc1 = rdtsc();
	lapic_write(LAPIC_TIMER_ICR, 0);
	outb(0x61, p61);
	if (rf & RFLAGS_IF)
		sti();

	timer_ticks_per_ms = ticks / CALIB_MS;
	tsc_per_us = (tsc1 - tsc0) / (CALIB_MS * 1000);
	if (timer_ticks_per_ms == 0 || tsc_per_us == 0)
		panic("lapic: timer calibration failed (%u ticks, %lu tsc)",
		      ticks, tsc1 - tsc0);
	kprintf("lapic: timer %u ticks/ms (div 16), tsc %lu MHz\n",
		timer_ticks_per_ms, tsc_per_us);
}

/* A periodic interrupt on VEC_TIMER, hz times a second, on this CPU. */
void
lapic_timer_start(u32 hz)
{
	u32 count;

	assert(timer_ticks_per_ms != 0 && hz != 0);
	count = (u32)((u64)timer_ticks_per_ms * 1000 / hz);
	lapic_write(LAPIC_TIMER_DCR, DCR_DIV16);
	lapic_write(LAPIC_LVT_TIMER, TIMER_PERIODIC | VEC_TIMER);
	lapic_write(LAPIC_TIMER_ICR, count ? count : 1);
}
