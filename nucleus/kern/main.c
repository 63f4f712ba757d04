// SPDX-License-Identifier: MIT
/*
 * Start of the nucleus: read what the multiboot loader passed (memory map,
 * modules), bring up memory, processors, the clock and the scheduler, start
 * the actors that boot.conf names, and become the idle thread.  Each
 * application processor enters at ap_main.
 * Entry points: kmain (from boot.S), ap_main (from smp.c).
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/heap.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <kern/boot.h>
#include <vm/pmem.h>
#include <vm/vm.h>
#include "x86.h"

#define MB_BOOT_MAGIC	0x2badb002
#define MAX_RANGES	64
#define MAX_BOOTCONF	32

struct mb_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_mmap {
	u32 size;
	u64 addr, len;
	u32 type;
} __attribute__((packed));

struct mb_mod {
	u32 start, end, string, reserved;
};

struct cpu cpus[MAX_CPUS];
int ncpus = 1;
volatile int cpus_online = 1;

static char cmdline[256];		/* the nucleus options */

static struct { u64 start, end; } ram[MAX_RANGES];
static int nram;
extern char _end[];

/* Is `opt` one of the words of the command line? */
static bool
option(const char *opt)
{
	size_t n = strlen(opt);

	for (const char *p = cmdline; *p; p++)
		if ((p == cmdline || p[-1] == ' ') && strncmp(p, opt, n) == 0 &&
		    (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

/* Option selftest=panic: a nucleus fault, to check the panic report. */
static __attribute__((noinline)) void
selftest_panic(void)
{
	volatile long *volatile p = (volatile long *)8;	/* nothing is mapped there */

	*p = 1;
}

static void
read_mmap(const struct mb_info *mb)
{
	u64 p = mb->mmap_addr, end = p + mb->mmap_length;

	if (!(mb->flags & (1 << 6)))
		panic("boot loader gave no memory map");
	while (p < end && nram < MAX_RANGES) {
		const struct mb_mmap *e = P2V(p);
		if (e->type == 1 && e->len) {
			ram[nram].start = e->addr;
			ram[nram++].end = e->addr + e->len;
		}
		p += e->size + 4;
	}
}

/* Module names: the last path component of the first word of the string. */
static void
read_modules(const struct mb_info *mb)
{
	const struct mb_mod *m = P2V(mb->mods_addr);

	if (!(mb->flags & (1 << 3)))
		return;
	for (u32 i = 0; i < mb->mods_count && nbootmods < MAX_BOOTMODS; i++) {
		const char *s = m[i].string ? P2V(m[i].string) : "", *base = s;
		struct bootmod *b = &bootmods[nbootmods++];
		size_t n = 0;
		for (const char *q = s; *q && *q != ' '; q++)
			if (*q == '/')
				base = q + 1;
		while (base[n] && base[n] != ' ' && n + 1 < sizeof(b->name))
			n++;
		memcpy(b->name, base, n);
		b->name[n] = '\0';
		b->pa = m[i].start;
		b->size = m[i].end - m[i].start;
	}
}

static void *direct(paddr_t pa) { return P2V(pa); }
static void *heap_alloc_pages(size_t n) { paddr_t pa = pmem_alloc_n(n); return pa ? P2V(pa) : NULL; }
static void heap_free_pages(void *p, size_t n) { pmem_free_n(V2P(p), n); }

static u64
memory_init(u32 mbi_pa)
{
	u64 top = 0, used = KIMG2P(_end);
	u64 *bitmap;

	for (int i = 0; i < nram; i++)
		top = MAX(top, ram[i].end);
	for (int i = 0; i < nbootmods; i++)
		used = MAX(used, bootmods[i].pa + bootmods[i].size);
	used = ALIGN_UP(MAX(used, (u64)mbi_pa + PAGE_SIZE), PAGE_SIZE);
	bitmap = P2V(used);
	pmem_setup(&pmem_global, bitmap, top / PAGE_SIZE, NULL);
	for (int i = 0; i < nram; i++)
		pmem_add_range(&pmem_global, ram[i].start, ram[i].end);
	pmem_reserve_range(&pmem_global, 0, 0x100000);	/* BIOS, AP trampoline */
	pmem_reserve_range(&pmem_global, 0x100000, used + ALIGN_UP(top / 8, PAGE_SIZE));
	for (int i = 0; i < nbootmods; i++)
		pmem_reserve_range(&pmem_global, bootmods[i].pa, bootmods[i].pa + bootmods[i].size);
	pmem_global.p2v = direct;
	kprintf("memory: %lu MiB usable, %lu MiB free\n", pmem_total_pages() / 256,
		pmem_free_pages() / 256);
	return top;
}

static void
idle_init(struct cpu *c)
{
	struct thread *t = thread_alloc(NULL, "idle", K_PRIO_TS(K_TS_NICE_MAX));

	if (!t)
		panic("no memory for the idle thread");
	t->state = K_TS_RUNNING;
	t->level = -1;
	t->cpu = c->id;
	t->cpumask = 1UL << c->id;
	c->idle = c->current = t;
	cpu_set_kstack(c, t->kstack_top);
}

static _Noreturn void
idle_loop(void)
{
	for (;;) {
		cli();
		if (mycpu()->need_resched || mycpu()->rq.nready) {
			sti();
			schedule();
			continue;
		}
		__asm__ volatile("sti; hlt" ::: "memory");
	}
}

static void
start_boot_actors(void)
{
	static struct bootconf_entry conf[MAX_BOOTCONF];
	const struct bootmod *m = bootmod_find("boot.conf");
	int n;

	if (!m) {
		kprintf("boot: no boot.conf module, nothing to start\n");
		return;
	}
	n = bootconf_parse(P2V(m->pa), m->size, conf, MAX_BOOTCONF);
	if (n < 0) {
		kprintf("boot: boot.conf line %d is not valid\n", -n);
		return;
	}
	kprintf("boot: first actor at tsc %lu\n", rdtsc());
	for (int i = 0; i < n; i++) {
		long r = actor_start_module(conf[i].module, conf[i].mode, conf[i].trusted,
					    conf[i].args, 0, conf[i].prio);
		if (r < 0)
			kprintf("boot: %s: %s\n", conf[i].module, kerrName(r));
	}
}

void
kmain(u32 magic, u32 mbi_pa)
{
	const struct mb_info *mb = P2V(mbi_pa);
	u64 top;

	cpus[0].self = &cpus[0];		/* spinlocks need %gs from the start */
	wrmsr(MSR_GS_BASE, (u64)&cpus[0]);
	serial_init();
	kprintf("\nmotet nucleus (x86-64)\n");
	if (magic != MB_BOOT_MAGIC)
		panic("not started by a multiboot loader (magic %#x)", magic);
	read_mmap(mb);
	read_modules(mb);
	if ((mb->flags & (1 << 2)) && mb->cmdline)
		strlcpy(cmdline, P2V(mb->cmdline), sizeof(cmdline));
	kprintf("options: %s\n", cmdline);
	panic_poweroff = option("panic=off");
	cpus[0].id = 0;
	top = memory_init(mbi_pa);
	cpu_init_bsp();
	kprintf("cpu:%s%s\n", cpu_has_nx ? " nx" : "", cpu_has_pcid ? " pcid" : "");
	paging_init(top);
	heap_setup(&(struct heap_pages){ heap_alloc_pages, heap_free_pages });
	acpi_init();
	ncpus = MIN(acpi.ncpus ? acpi.ncpus : 1, MAX_CPUS);
	lapic_init();
	cpus[0].apic_id = lapic_id();
	for (int i = 1; i < ncpus; i++)		/* the BSP is cpus[0] */
		if (acpi.apic_id[i] == cpus[0].apic_id) {
			acpi.apic_id[i] = acpi.apic_id[0];
			acpi.apic_id[0] = cpus[0].apic_id;
		}
	ioapic_init();
	cons_init();
	lapic_timer_calibrate();
	thread_init();
	sched_init_cpu(&cpus[0]);
	idle_init(&cpus[0]);
	cpus[0].online = true;
	ipc_init();
	vm_init();
	actor_init();
	reaper_start();
	smp_boot_aps();
	lapic_timer_start(HZ);
	kprintf("nucleus: %d processors, %lu MiB free, ready\n", cpus_online,
		pmem_free_pages() / 256);
	if (option("selftest=panic"))
		selftest_panic();
	start_boot_actors();
	idle_loop();
}

void
ap_main(int i)
{
	struct cpu *c = &cpus[i];

	c->id = i;
	cpu_init_this(c);		/* CR3: the nucleus space, from the trampoline */
	lapic_init();
	c->apic_id = lapic_id();
	sched_init_cpu(c);
	idle_init(c);
	lapic_timer_start(HZ);
	c->online = true;
	__atomic_add_fetch(&cpus_online, 1, __ATOMIC_SEQ_CST);
	idle_loop();
}
