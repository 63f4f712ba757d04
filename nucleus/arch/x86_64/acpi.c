// SPDX-License-Identifier: MIT
/*
 * The static ACPI tables, read once at boot.  The MADT gives the
 * processors, the local APIC and IOAPIC addresses and the ISA interrupt
 * source overrides; the FADT and the \_S5 object of the DSDT give what
 * acpi_poweroff needs.  There is no AML interpreter: \_S5 is found by its
 * byte pattern, which is how every firmware we know encodes it.
 *
 * After acpi_init, acpi.apic_id[0] is the boot processor (BSP) and cpu
 * index i is the processor whose local APIC id is acpi.apic_id[i].
 *
 * Entry points: acpi_init (BSP, once, before lapic_init), acpi_poweroff.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include "x86.h"
#include "arch.h"

struct acpi_info acpi;

struct rsdp {
	char sig[8];			/* "RSD PTR " */
	u8 checksum;			/* of the first 20 bytes */
	char oem[6];
	u8 revision;			/* 0: ACPI 1.0, 2: ACPI 2.0+ */
	u32 rsdt;
	u32 length;			/* revision >= 2 from here on */
	u64 xsdt;
	u8 xchecksum;			/* of all length bytes */
	u8 reserved[3];
} __attribute__((packed));

struct sdt {				/* header of every table */
	char sig[4];
	u32 length;			/* with the header */
	u8 revision;
	u8 checksum;
	char oem[6];
	char oem_table[8];
	u32 oem_revision;
	u32 creator;
	u32 creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct sdt) == 36, "sdt header");

struct madt {
	struct sdt h;
	u32 lapic;
	u32 flags;
	u8 entries[];			/* type, length, ... */
} __attribute__((packed));

enum {
	MADT_LAPIC = 0,			/* u8 acpi id, u8 apic id, u32 flags */
	MADT_IOAPIC = 1,		/* u8 id, u8 0, u32 address, u32 gsi base */
	MADT_ISO = 2,			/* u8 bus, u8 irq, u32 gsi, u16 flags */
	MADT_LAPIC_ADDR = 5,		/* u16 0, u64 address */
};

struct gas {				/* generic address structure */
	u8 space, bit_width, bit_offset, access;
	u64 address;
} __attribute__((packed));

struct fadt {
	struct sdt h;
	u32 firmware_ctrl;
	u32 dsdt;
	u8 pad0[20];
	u32 pm1a_cnt;			/* I/O port */
	u8 pad1[72];
	u64 x_dsdt;			/* ACPI 2.0+ */
	u8 pad2[24];
	struct gas x_pm1a_cnt;
} __attribute__((packed));
_Static_assert(offsetof(struct fadt, pm1a_cnt) == 64, "fadt pm1a_cnt");
_Static_assert(offsetof(struct fadt, x_dsdt) == 140, "fadt x_dsdt");
_Static_assert(offsetof(struct fadt, x_pm1a_cnt) == 172, "fadt x_pm1a_cnt");

#define PM1_SLP_EN	(1 << 13)
#define PM1_SLP_TYP(t)	((u16)(t) << 10)

static const struct sdt *root;		/* RSDT or XSDT */
static int root_entry_size;		/* 4 (RSDT) or 8 (XSDT) */
static bool have_s5;

static bool
checksum_ok(const void *p, size_t n)
{
	const u8 *b = p;
	u8 sum = 0;

	while (n--)
		sum += *b++;
	return sum == 0;
}

/* The RSDP is on a 16-byte boundary in [pa, pa + len). */
static const struct rsdp *
rsdp_scan(paddr_t pa, size_t len)
{
	for (paddr_t p = ALIGN_UP(pa, 16); p + 20 <= pa + len; p += 16) {
		const struct rsdp *r = P2V(p);

		if (memcmp(r->sig, "RSD PTR ", 8) != 0 || !checksum_ok(r, 20))
			continue;
		if (r->revision >= 2 && !checksum_ok(r, r->length))
			continue;
		return r;
	}
	return NULL;
}

static const struct rsdp *
rsdp_find(void)
{
	paddr_t ebda = (paddr_t)*(volatile u16 *)P2V(0x40e) << 4;
	const struct rsdp *r = NULL;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		r = rsdp_scan(ebda, 1024);
	if (r == NULL)
		r = rsdp_scan(0xe0000, 0x20000);
	return r;
}

/* A table by its physical address, or NULL if it does not look valid. */
static const struct sdt *
sdt_at(paddr_t pa, const char *sig)
{
	const struct sdt *t;

	if (pa == 0)
		return NULL;
	t = P2V(pa);
	if (sig != NULL && memcmp(t->sig, sig, 4) != 0)
		return NULL;
	if (t->length < sizeof(*t) || !checksum_ok(t, t->length)) {
		kprintf("acpi: bad checksum in %.4s at 0x%lx\n", t->sig, pa);
		return NULL;
	}
	return t;
}

static const struct sdt *
acpi_find(const char *sig)
{
	const u8 *ents;
	size_t n;

	if (root == NULL)
		return NULL;
	ents = (const u8 *)root + sizeof(*root);
	n = (root->length - sizeof(*root)) / root_entry_size;
	for (size_t i = 0; i < n; i++) {
		u64 pa = 0;

		memcpy(&pa, ents + i * root_entry_size, root_entry_size);
		const struct sdt *t = P2V(pa);
		if (pa != 0 && memcmp(t->sig, sig, 4) == 0)
			return sdt_at(pa, sig);
	}
	return NULL;
}

static void
add_cpu(u32 apic_id)
{
	if (acpi.ncpus >= MAX_CPUS) {
		kprintf("acpi: more than %d cpus, apic %u ignored\n", MAX_CPUS, apic_id);
		return;
	}
	acpi.apic_id[acpi.ncpus++] = apic_id;
}

static void
madt_entry(const u8 *e)
{
	u32 v32;
	u16 v16;

	switch (e[0]) {
	case MADT_LAPIC:
		memcpy(&v32, e + 4, 4);
		if (v32 & 1)		/* enabled */
			add_cpu(e[3]);
		break;
	case MADT_IOAPIC:
		if (acpi.ioapic_pa != 0)
			break;		/* only the first one is used */
		memcpy(&v32, e + 4, 4);
		acpi.ioapic_pa = v32;
		memcpy(&acpi.ioapic_gsi_base, e + 8, 4);
		break;
	case MADT_ISO:
		if (e[2] != 0 || e[3] >= 16)
			break;		/* ISA bus only */
		memcpy(&v32, e + 4, 4);
		memcpy(&v16, e + 8, 2);
		acpi.irq_gsi[e[3]] = v32;
		acpi.irq_flags[e[3]] = v16;
		break;
	case MADT_LAPIC_ADDR:
		memcpy(&acpi.lapic_pa, e + 4, 8);
		break;
	}
}

static bool
madt_parse(void)
{
	const struct madt *m = (const struct madt *)acpi_find("APIC");
	const u8 *e, *end;

	if (m == NULL)
		return false;
	acpi.lapic_pa = m->lapic;
	e = m->entries;
	end = (const u8 *)m + m->h.length;
	while (e + 2 <= end && e[1] >= 2 && e + e[1] <= end) {
		madt_entry(e);
		e += e[1];
	}
	return true;
}

/* The local APIC id of this processor, before the local APIC is mapped. */
static u32
boot_apic_id(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return b >> 24;
}

/* Put the BSP first, so that it is cpu 0 and the APs are 1..ncpus-1. */
static void
bsp_first(void)
{
	u32 bsp = boot_apic_id();
	int i;

	for (i = 0; i < acpi.ncpus; i++)
		if (acpi.apic_id[i] == bsp)
			break;
	if (i == acpi.ncpus) {		/* not listed: make room for it */
		if (acpi.ncpus < MAX_CPUS)
			acpi.ncpus++;
		i = acpi.ncpus - 1;
	}
	acpi.apic_id[i] = acpi.apic_id[0];
	acpi.apic_id[0] = bsp;
}

/*
 * One data object of AML at *pp: ZeroOp, OneOp, OnesOp or a Byte, Word
 * or DWord constant.  Returns false for anything else.
 */
static bool
aml_integer(const u8 **pp, const u8 *end, u32 *val)
{
	const u8 *p = *pp;
	int n = 0;

	if (p >= end)
		return false;
	switch (*p++) {
	case 0x00: *val = 0; break;
	case 0x01: *val = 1; break;
	case 0xff: *val = ~0u; break;
	case 0x0a: n = 1; break;
	case 0x0b: n = 2; break;
	case 0x0c: n = 4; break;
	default: return false;
	}
	if (p + n > end)
		return false;
	if (n > 0) {
		*val = 0;
		memcpy(val, p, n);
	}
	*pp = p + n;
	return true;
}

/*
 * Find "Name(_S5_, Package() { SLP_TYPa, SLP_TYPb, ... })" in the DSDT:
 * NameOp (0x08), optionally '\', "_S5_", PackageOp (0x12), PkgLength,
 * NumElements, then the elements.
 */
static bool
s5_parse(const struct sdt *dsdt)
{
	const u8 *p = (const u8 *)dsdt + sizeof(*dsdt);
	const u8 *end = (const u8 *)dsdt + dsdt->length;
	u32 typ;

	for (; p + 8 < end; p++) {
		if (memcmp(p, "_S5_", 4) != 0)
			continue;
		if (p[-1] != 0x08 && !(p[-1] == '\\' && p[-2] == 0x08))
			continue;
		const u8 *q = p + 4;
		if (*q++ != 0x12)
			continue;
		q += 1 + (*q >> 6);	/* PkgLength: 1 to 4 bytes */
		q++;			/* NumElements */
		if (!aml_integer(&q, end, &typ))
			continue;
		acpi.slp_typ_s5 = typ & 7;
		return true;
	}
	return false;
}

static void
fadt_parse(void)
{
	const struct fadt *f = (const struct fadt *)acpi_find("FACP");
	const struct sdt *dsdt = NULL;
	u32 len;

	if (f == NULL)
		return;
	len = f->h.length;
	acpi.pm1a_cnt = (u16)f->pm1a_cnt;
	if (acpi.pm1a_cnt == 0 && len >= offsetof(struct fadt, x_pm1a_cnt) + 12 &&
	    f->x_pm1a_cnt.space == 1)			/* system I/O */
		acpi.pm1a_cnt = (u16)f->x_pm1a_cnt.address;
	if (len >= offsetof(struct fadt, x_dsdt) + 8 && f->x_dsdt != 0)
		dsdt = sdt_at(f->x_dsdt, "DSDT");
	if (dsdt == NULL)
		dsdt = sdt_at(f->dsdt, "DSDT");
	if (dsdt != NULL)
		have_s5 = s5_parse(dsdt);
}

/* No usable MADT: one processor and the architectural addresses. */
static void
madt_defaults(void)
{
	kprintf("acpi: no MADT, assuming one processor\n");
	acpi.ncpus = 0;
	acpi.lapic_pa = rdmsr(MSR_APIC_BASE) & 0x000ffffffffff000UL;
	acpi.ioapic_pa = 0xfec00000;
	acpi.ioapic_gsi_base = 0;
}

void
acpi_init(void)
{
	const struct rsdp *r = rsdp_find();

	for (int i = 0; i < 16; i++)
		acpi.irq_gsi[i] = i;
	if (r == NULL) {
		kprintf("acpi: no RSDP\n");
	} else if (r->revision >= 2 && r->xsdt != 0 &&
		   (root = sdt_at(r->xsdt, "XSDT")) != NULL) {
		root_entry_size = 8;
	} else if ((root = sdt_at(r->rsdt, "RSDT")) != NULL) {
		root_entry_size = 4;
	}
	if (!madt_parse())
		madt_defaults();
	bsp_first();
	fadt_parse();
	kprintf("acpi: %d cpus, lapic 0x%lx, ioapic 0x%lx gsi %u, "
		"pm1a_cnt 0x%x, s5 %d\n", acpi.ncpus, acpi.lapic_pa,
		acpi.ioapic_pa, acpi.ioapic_gsi_base, acpi.pm1a_cnt,
		have_s5 ? (int)acpi.slp_typ_s5 : -1);
}

void
acpi_poweroff(void)
{
	cli();
	if (acpi.pm1a_cnt != 0 && have_s5) {
		u16 v = inw(acpi.pm1a_cnt) & ~PM1_SLP_TYP(7);

		outw(acpi.pm1a_cnt, v | PM1_SLP_TYP(acpi.slp_typ_s5) | PM1_SLP_EN);
		for (int i = 0; i < 1000000; i++)
			cpu_relax();
	}
	outw(0x604, 0x2000);		/* QEMU q35 and i440fx, PM1a_CNT S5 */
	kprintf("acpi: power off failed, halting\n");
	for (;;) {
		cli();
		hlt();
	}
}
