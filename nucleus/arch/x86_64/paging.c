// SPDX-License-Identifier: MIT
/*
 * Four-level page tables.  The nucleus space (upper half) is built once:
 * the direct map of all RAM (2 MiB pages), the nucleus image with per-section
 * rights, and every upper-half PDPT allocated up front so that each actor's
 * PML4 can share them by copying 256 entries.  The lower half belongs to
 * one user actor.
 *
 * A pmap is an address space as the processor sees it: a PML4 and, if the
 * CPU has PCID, a process-context identifier that tags its TLB entries so
 * that switching spaces does not flush them.  Translations of a space are
 * dropped lazily: a flush marks the space stale on every processor, sends
 * an IPI only to those that have it loaded, and the others flush when they
 * next load it (the stale mask is tested after the active bit is set, the
 * flusher reads the active mask after setting stale: one of the two sees
 * the other).  The supervisor space lives in every PML4, so a change there
 * flushes every PCID on every processor.
 * Entry points: paging_init, pt_map, pt_unmap, pt_unmap_range, pt_revoke, pt_lookup,
 * pmap_create, pmap_destroy, pmap_switch, pmap_flush, mmio_map, vmap_alloc.
 * Lock order: vmap_lock alone; pcid_lock alone; tlb_lock -> (IPIs).
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/percpu.h>
#include <kern/spinlock.h>
#include <kern/heap.h>
#include <vm/pmem.h>
#include "x86.h"

extern char _text[], _etext[], _rodata[], _erodata[], _data[], _end[];

paddr_t kernel_pml4;
struct pmap kernel_pmap;
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

static u64
pte_make(paddr_t pa, u64 flags)
{
	return ((pa | flags) & ~PTE_NX) | PTE_P | (flags & nx);
}

kerr_t
pt_map(paddr_t pml4, u64 va, paddr_t pa, u64 flags)
{
	u64 *e = walk(pml4, va, true);

	if (!e)
		return -K_ENOMEM;
	*e = pte_make(pa, flags);
	return K_OK;
}

long
pt_replace(paddr_t pml4, u64 va, paddr_t pa, u64 flags)
{
	u64 *e = walk(pml4, va, true), old;

	if (!e)
		return -K_ENOMEM;
	old = *e;
	*e = pte_make(pa, flags);
	return (old & PTE_P) ? (long)(old & PTE_ADDR) : 0;
}

/* New rights for a present page; the caller flushes. */
void
pt_protect(paddr_t pml4, u64 va, u64 flags)
{
	u64 *e = walk(pml4, va, false);

	if (e && (*e & PTE_P))
		*e = pte_make(*e & PTE_ADDR, flags);
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

	if (!e || !(*e & PTE_ADDR))
		return 0;
	pa = *e & PTE_ADDR;
	*e = 0;
	invlpg(va);
	return pa;
}

/* pt_unmap of every page of [va, end), without walking from the top for
 * each: a missing table skips its whole span (an actor's stack region is
 * mostly never touched).  Large pages are left alone. */
void
pt_unmap_range(paddr_t pml4, u64 va, u64 end)
{
	while (va < end) {
		u64 *t = table(pml4), next, stop;
		int shift;

		for (shift = 39; shift > 12; shift -= 9) {
			u64 *e = &t[(va >> shift) & 511];
			if (!(*e & PTE_P) || (*e & PTE_PS))
				break;
			t = table(*e & PTE_ADDR);
		}
		if (shift > 12) {			/* nothing mapped below this entry */
			next = (va | ((1UL << shift) - 1)) + 1;
			if (next <= va)
				return;			/* the end of the address space */
			va = next;
			continue;
		}
		stop = (va | ((1UL << 21) - 1)) + 1;	/* this page table's span */
		if (stop > end || stop <= va)
			stop = end;
		for (; va < stop; va += PAGE_SIZE) {
			u64 *e = &t[(va >> 12) & 511];
			if (*e & PTE_ADDR) {
				*e = 0;
				invlpg(va);
			}
		}
	}
}

/* Makes the page absent but keeps its frame for a later pt_unmap, so that
 * it is freed only after every processor dropped the translation. */
void
pt_revoke(paddr_t pml4, u64 va)
{
	u64 *e = walk(pml4, va, false);

	if (e)
		*e &= ~PTE_P;
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
	kernel_pmap.pml4 = kernel_pml4;
	cpus[0].pmap = &kernel_pmap;
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

/*
 * PCIDs: 1..4095 handed to user spaces; 0 is the nucleus space and spaces
 * created when all are taken: they are flushed on every load.
 */
#define NPCID		4096
#define CR3_NOFLUSH	(1UL << 63)
static struct spinlock pcid_lock = SPINLOCK_INIT("pcid");
static u64 pcid_used[NPCID / 64] = { 1 };	/* under pcid_lock */

static u16
pcid_alloc(void)
{
	u16 id = 0;

	if (!cpu_has_pcid)
		return 0;
	spin_lock(&pcid_lock);
	for (int w = 0; w < NPCID / 64 && !id; w++)
		if (~pcid_used[w]) {
			int b = __builtin_ctzl(~pcid_used[w]);
			pcid_used[w] |= 1UL << b;
			id = (u16)(w * 64 + b);
		}
	spin_unlock(&pcid_lock);
	return id;
}

static void
pcid_free(u16 id)
{
	if (!id)
		return;
	spin_lock(&pcid_lock);
	pcid_used[id / 64] &= ~(1UL << (id % 64));
	spin_unlock(&pcid_lock);
}

struct pmap *
pmap_create(void)
{
	struct pmap *pm = kmalloc(sizeof(*pm));

	if (!pm)
		return NULL;
	if (!(pm->pml4 = pmem_alloc())) {
		kfree(pm);
		return NULL;
	}
	memcpy(table(pm->pml4) + 256, table(kernel_pml4) + 256, 256 * 8);
	pm->pcid = pcid_alloc();
	pm->active = 0;
	pm->stale = ~0UL;	/* the PCID may have served another space */
	return pm;
}

/* Loads pm on this processor.  Interrupts off. */
void
pmap_switch(struct pmap *pm)
{
	struct cpu *c = mycpu();
	u64 bit = 1UL << c->id;
	bool flush;

	if (c->pmap == pm)
		return;
	__atomic_and_fetch(&c->pmap->active, ~bit, __ATOMIC_SEQ_CST);
	__atomic_or_fetch(&pm->active, bit, __ATOMIC_SEQ_CST);
	c->pmap = pm;
	flush = !pm->pcid || (__atomic_fetch_and(&pm->stale, ~bit, __ATOMIC_SEQ_CST) & bit);
	write_cr3(pm->pml4 | pm->pcid | (flush ? 0 : CR3_NOFLUSH));
}

/* Drops every translation of every space on this processor, global ones
 * and all PCIDs included. */
static void
flush_everything(void)
{
	u64 cr4 = read_cr4();

	write_cr4(cr4 ^ CR4_PGE);
	write_cr4(cr4);
}

/* Drops the current space's translations on this processor. */
static void
flush_current(struct cpu *c)
{
	struct pmap *pm = c->pmap;

	__atomic_and_fetch(&pm->stale, ~(1UL << c->id), __ATOMIC_SEQ_CST);
	write_cr3(pm->pml4 | pm->pcid);
}

/*
 * TLB shootdown: the processors that have `tlb_pm` loaded flush it (or,
 * with tlb_dead, leave it for the nucleus space); with tlb_pm NULL every
 * processor flushes everything.  Call with interrupts on and no lock.
 */
static struct spinlock tlb_lock = SPINLOCK_INIT("tlb");
static volatile int tlb_acks;
static struct pmap *volatile tlb_pm;
static volatile bool tlb_dead;

void
tlb_ipi(void)
{
	struct cpu *c = mycpu();
	struct pmap *pm = tlb_pm;

	if (!pm) {
		flush_everything();
	} else if (c->pmap == pm) {
		if (tlb_dead)
			pmap_switch(&kernel_pmap);
		else
			flush_current(c);
	}
	__atomic_add_fetch(&tlb_acks, 1, __ATOMIC_RELEASE);
}

static void
shootdown(struct pmap *pm, bool dead)
{
	int others = cpus_online - 1;
	u64 mask;

	while (!spin_trylock(&tlb_lock))
		cpu_relax();
	tlb_pm = pm;
	tlb_dead = dead;
	push_off();
	tlb_ipi();
	mask = pm ? pm->active & ~(1UL << mycpu()->id) : ~0UL;
	pop_off();
	tlb_acks = 0;
	if (others > 0 && mask) {
		lapic_send_ipi_others(VEC_TLB);
		while (READ_ONCE(tlb_acks) < others)
			cpu_relax();
	}
	tlb_pm = NULL;
	spin_unlock(&tlb_lock);
}

/* After translations of pm were removed or reduced: no processor keeps
 * the old ones.  pm == &kernel_pmap: the supervisor space changed. */
void
pmap_flush(struct pmap *pm)
{
	if (pm == &kernel_pmap) {
		shootdown(NULL, false);
		return;
	}
	__atomic_or_fetch(&pm->stale, ~0UL, __ATOMIC_SEQ_CST);
	shootdown(pm, false);
}

/* After one translation of pm changed: dropped here with invlpg when pm
 * is loaded only here, else as pmap_flush does.  No lock held. */
void
pmap_flush_page(struct pmap *pm, u64 va)
{
	u64 me, others;
	bool here;

	push_off();
	me = 1UL << mycpu()->id;
	here = mycpu()->pmap == pm;
	__atomic_or_fetch(&pm->stale, here ? ~me : ~0UL, __ATOMIC_SEQ_CST);
	others = __atomic_load_n(&pm->active, __ATOMIC_SEQ_CST) & ~me;
	if (here)
		invlpg(va);
	pop_off();
	if (others)
		shootdown(pm, false);
}

/* The space is dead (no thread runs in it): no processor keeps it loaded,
 * then its tables and PCID are freed. */
void
pmap_destroy(struct pmap *pm)
{
	u64 *e = table(pm->pml4);

	shootdown(pm, true);
	for (int i = 0; i < 256; i++)
		if (e[i] & PTE_P)
			free_level(e[i] & PTE_ADDR, 3);
	pmem_free(pm->pml4);
	pcid_free(pm->pcid);
	kfree(pm);
}
