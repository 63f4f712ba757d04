// SPDX-License-Identifier: MIT
/*
 * Four-level page tables.  The nucleus space (upper half) is built once:
 * the direct map of all RAM (2 MiB pages), the nucleus image with per-section
 * rights, and every upper-half PDPT allocated up front so that each actor's
 * PML4 can share them by copying 256 entries.  The lower half belongs to
 * one user actor.
 * Entry points: paging_init, pt_create, pt_destroy, pt_map, pt_unmap,
 * pt_lookup, pt_switch, mmio_map, vmap_alloc, tlb_flush_all_cpus.
 * Lock order: vmap_lock alone; tlb_lock -> (IPIs).
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/percpu.h>
#include <kern/spinlock.h>
#include <vm/pmem.h>
#include "x86.h"

extern char _text[], _etext[], _rodata[], _erodata[], _data[], _end[];

paddr_t kernel_pml4;
static u64 nx;				/* PTE_NX if the CPU has it */
static u64 vmap_next = KVMAP_BASE;
static struct spinlock vmap_lock = SPINLOCK_INIT("vmap");

static u64 *
table(paddr_t pa)
{
	return P2V(pa);
}

/* Returns the PTE for va, creating tables if `create`; NULL if absent or
 * out of memory.  Stops at a large page (returns its PDE). */
static u64 *
walk(paddr_t pml4, u64 va, bool create)
{
	u64 *t = table(pml4);
	u64 upper = va >= KDIRECT ? 0 : PTE_U;

	for (int shift = 39; shift > 12; shift -= 9) {
		u64 *e = &t[(va >> shift) & 511];
		if (!(*e & PTE_P)) {
			paddr_t pa;
			if (!create || !(pa = pmem_alloc()))
				return NULL;
			*e = pa | PTE_P | PTE_W | upper;
		} else if (*e & PTE_PS) {
			return e;
		}
		t = table(*e & PTE_ADDR);
	}
	return &t[(va >> 12) & 511];
}

kerr_t
pt_map(paddr_t pml4, u64 va, paddr_t pa, u64 flags)
{
	u64 *e = walk(pml4, va, true);

	if (!e)
		return -K_ENOMEM;
	*e = pa | flags | PTE_P | ((flags & PTE_NX) ? nx : 0);
	if (!nx)
		*e &= ~PTE_NX;
	return K_OK;
}

u64 *
pt_lookup(paddr_t pml4, u64 va)
{
	u64 *e = walk(pml4, va, false);

	return e && (*e & PTE_P) ? e : NULL;
}

paddr_t
pt_unmap(paddr_t pml4, u64 va)
{
	u64 *e = walk(pml4, va, false);
	paddr_t pa;

	if (!e || !(*e & PTE_P))
		return 0;
	pa = *e & PTE_ADDR;
	*e = 0;
	invlpg(va);
	return pa;
}

static void
map_range(u64 va, paddr_t pa, u64 size, u64 flags)
{
	for (u64 off = 0; off < size; off += PAGE_SIZE)
		if (pt_map(kernel_pml4, va + off, pa + off, flags | PTE_G))
			panic("paging_init: out of memory");
}

void
paging_init(u64 mem_top)
{
	u64 *pml4;

	nx = cpu_has_nx ? PTE_NX : 0;
	kernel_pml4 = pmem_alloc();
	pml4 = table(kernel_pml4);
	for (int i = 256; i < 512; i++) {
		paddr_t pdpt = pmem_alloc();
		if (!pdpt)
			panic("paging_init: out of memory");
		pml4[i] = pdpt | PTE_P | PTE_W;
	}
	/* the direct map, 2 MiB pages, at least the low 4 GiB (MMIO below) */
	mem_top = MAX(ALIGN_UP(mem_top, 1UL << 30), 4UL << 30);
	for (u64 pa = 0; pa < mem_top; pa += 1UL << 21) {
		u64 va = KDIRECT + pa;
		u64 *pdpte = &table(pml4[(va >> 39) & 511] & PTE_ADDR)[(va >> 30) & 511];
		if (!(*pdpte & PTE_P)) {
			paddr_t pd = pmem_alloc();
			if (!pd)
				panic("paging_init: out of memory");
			*pdpte = pd | PTE_P | PTE_W;
		}
		table(*pdpte & PTE_ADDR)[(va >> 21) & 511] =
			pa | PTE_P | PTE_W | PTE_PS | PTE_G | nx;
	}
	/* the nucleus image: low memory, text, rodata, data+bss */
	map_range(KERNEL_VMA, 0, KIMG2P(_text), PTE_W | PTE_NX);
	map_range((u64)_text, KIMG2P(_text), ALIGN_UP(_etext - _text, PAGE_SIZE), 0);
	map_range((u64)_rodata, KIMG2P(_rodata),
		  ALIGN_UP(_erodata - _rodata, PAGE_SIZE), PTE_NX);
	map_range((u64)_data, KIMG2P(_data), _end - _data, PTE_W | PTE_NX);
	write_cr3(kernel_pml4);
	cpus[0].active_pml4 = kernel_pml4;
}

paddr_t
pt_create(void)
{
	paddr_t pa = pmem_alloc();

	if (pa)
		memcpy(table(pa) + 256, table(kernel_pml4) + 256, 256 * 8);
	return pa;
}

static void
free_level(paddr_t t, int level)
{
	u64 *e = table(t);

	if (level > 1)
		for (int i = 0; i < 512; i++)
			if ((e[i] & PTE_P) && !(e[i] & PTE_PS))
				free_level(e[i] & PTE_ADDR, level - 1);
	pmem_free(t);
}

void
pt_destroy(paddr_t pml4)
{
	u64 *e = table(pml4);

	for (int i = 0; i < 256; i++)
		if (e[i] & PTE_P)
			free_level(e[i] & PTE_ADDR, 3);
	pmem_free(pml4);
}

void
pt_switch(paddr_t pml4)
{
	struct cpu *c = mycpu();

	if (c->active_pml4 != pml4) {
		c->active_pml4 = pml4;
		write_cr3(pml4);
	}
}

u64
vmap_alloc(size_t size)
{
	u64 va;

	spin_lock(&vmap_lock);
	va = vmap_next;
	if (va + size > KVMAP_END)
		va = 0;
	else
		vmap_next += ALIGN_UP(size, PAGE_SIZE);
	spin_unlock(&vmap_lock);
	return va;
}

void *
mmio_map(paddr_t pa, size_t size)
{
	u64 off = pa & PAGE_MASK;
	u64 va = vmap_alloc(ALIGN_UP(size + off, PAGE_SIZE));

	if (!va)
		return NULL;
	map_range(va, pa - off, ALIGN_UP(size + off, PAGE_SIZE), PTE_W | PTE_PCD | PTE_PWT | PTE_NX);
	return (void *)(va + off);
}

/*
 * TLB shootdown: every other processor reloads CR3 (and drops a dead
 * address space if it has it loaded).  Call with interrupts on and no lock.
 */
static struct spinlock tlb_lock = SPINLOCK_INIT("tlb");
static volatile int tlb_acks;
static volatile paddr_t tlb_dead;

void
tlb_ipi(void)
{
	struct cpu *c = mycpu();

	if (tlb_dead && c->active_pml4 == tlb_dead) {
		c->active_pml4 = kernel_pml4;
		write_cr3(kernel_pml4);
	} else {
		write_cr3(read_cr3());
	}
	__atomic_add_fetch(&tlb_acks, 1, __ATOMIC_RELEASE);
}

static void
shootdown(paddr_t dead)
{
	int others = cpus_online - 1;

	while (!spin_trylock(&tlb_lock))
		cpu_relax();
	tlb_dead = dead;
	tlb_acks = 0;
	tlb_ipi();
	tlb_acks = 0;
	if (others > 0) {
		lapic_send_ipi_others(VEC_TLB);
		while (READ_ONCE(tlb_acks) < others)
			cpu_relax();
	}
	tlb_dead = 0;
	spin_unlock(&tlb_lock);
}

void tlb_flush_all_cpus(void) { shootdown(0); }
void pt_release_everywhere(paddr_t pml4) { shootdown(pml4); }
