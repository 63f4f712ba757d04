// SPDX-License-Identifier: MIT
/*
 * Starting an actor from a boot module: check the ELF image, create the
 * actor, copy its segments into fresh regions (at 4 MiB for a user actor,
 * anywhere in the supervisor space for a supervisor one: the image must
 * then be position-independent), apply its relative relocations, and build
 * the first thread's stack with struct kstartinfo and argv.
 * Entry point: actor_start_module.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/percpu.h>
#include <kern/thread.h>
#include <kern/actor.h>
#include <kern/boot.h>
#include <kern/elf.h>
#include <kern/ncall.h>
#include <vm/vm.h>

#define USER_IMAGE	0x400000UL
#define STACK_SIZE	(64 * 1024)
#define MAX_ARGS	48

static long
reloc_one(void *ctx, u64 vaddr, u64 addend)
{
	struct actor *a = ctx;
	u64 v = a->image_base + addend;

	return vm_write_actor(a, a->image_base + vaddr, &v, sizeof(v));
}

static int
prot_of(u32 flags)
{
	return ((flags & PF_R) ? K_PROT_READ : 0) | ((flags & PF_W) ? K_PROT_WRITE : 0) |
	       ((flags & PF_X) ? K_PROT_EXEC : 0);
}

/* The rights of image page va (relative to the image): those of the
 * segments on it, less write where relocations are done (RELRO). */
static int
page_prot(const struct elf_image *img, u64 va)
{
	int prot = 0;

	for (int i = 0; i < img->phnum; i++) {
		const struct elf_phdr *p = &img->ph[i];
		if (p->type == PT_LOAD && va < p->vaddr + p->memsz &&
		    ALIGN_DOWN(p->vaddr, PAGE_SIZE) <= va)
			prot |= prot_of(p->flags);
	}
	for (int i = 0; i < img->phnum; i++) {
		const struct elf_phdr *p = &img->ph[i];
		if (p->type == PT_GNU_RELRO && p->vaddr <= va && va + PAGE_SIZE <= p->vaddr + p->memsz)
			prot &= ~K_PROT_WRITE;
	}
	return prot;
}

/* After loading and relocation: each page gets its segment's rights, so
 * code is not writable and data not executable. */
static long
protect_image(struct actor *a, const struct elf_image *img)
{
	u64 run = img->lo;
	int prot = page_prot(img, img->lo);
	long r;

	for (u64 va = img->lo + PAGE_SIZE; va <= img->hi; va += PAGE_SIZE) {
		int p = va < img->hi ? page_prot(img, va) : -1;
		if (p == prot)
			continue;
		if ((r = rgn_protect(a, a->image_base + run, va - run, prot)) < 0)
			return r;
		run = va;
		prot = p;
	}
	return K_OK;
}

static long
load_image(struct actor *a, const struct elf_image *img)
{
	u64 span = img->hi - img->lo, at;
	int prot = 0;
	long r;

	if (a->mode == K_ACTOR_SUPER && !img->pie)
		return -K_ENOEXEC;
	/* one region for the image, with the union of the segments' rights;
	 * filled through the direct map, then each page gets its own */
	for (int i = 0; i < img->phnum; i++)
		if (img->ph[i].type == PT_LOAD)
			prot |= prot_of(img->ph[i].flags);
	if (a->mode == K_ACTOR_USER)
		r = rgn_alloc(a, img->pie ? USER_IMAGE : img->lo, span, prot, &at);
	else
		r = rgn_alloc(a, 0, span, prot, &at);
	if (r < 0)
		return r;
	a->image_base = at - img->lo;
	if (a->mode == K_ACTOR_SUPER)		/* for a debugger or tools/itrace */
		kprintf("nucleus: supervisor actor %s at %#lx\n", a->name, a->image_base);
	for (int i = 0; i < img->phnum; i++) {
		const struct elf_phdr *p = &img->ph[i];
		if (p->type == PT_LOAD &&
		    (r = vm_write_actor(a, a->image_base + p->vaddr, img->data + p->offset,
					p->filesz)) < 0)
			return r;
	}
	if (img->pie && (r = elf_relocs(img, reloc_one, a)) < 0)
		return r;
	return protect_image(a, img);
}

/* Builds the initial stack; returns the address of the kstartinfo. */
static long
build_stack(struct actor *a, const char *module, const char *args, u64 *info_va)
{
	char buf[BOOTNAME_MAX + BOOTARGS_MAX + 2];
	u64 argv[MAX_ARGS + 1], base, sp;
	struct kstartinfo si;
	int argc = 0;
	size_t len;
	long r;

	if ((r = rgn_alloc(a, 0, STACK_SIZE, K_PROT_READ | K_PROT_WRITE, &base)) < 0)
		return r;
	len = (size_t)ksnprintf(buf, sizeof(buf), "%s %s", module, args);
	len = MIN(len, sizeof(buf) - 1);
	sp = base + STACK_SIZE - ALIGN_UP(len + 1, 16);
	for (size_t i = 0; i <= len; i++) {
		if (buf[i] == ' ')
			buf[i] = '\0';
		if (buf[i] && (i == 0 || !buf[i - 1]) && argc < MAX_ARGS)
			argv[argc++] = sp + i;
	}
	argv[argc] = 0;
	if ((r = vm_write_actor(a, sp, buf, len + 1)) < 0)
		return r;
	sp -= ALIGN_UP((argc + 1) * 8, 16);
	if ((r = vm_write_actor(a, sp, argv, (argc + 1) * 8)) < 0)
		return r;
	si = (struct kstartinfo){
		.magic = K_START_MAGIC,
		.ncall_entry = a->mode == K_ACTOR_SUPER ? (u64)ncall_direct : 0,
		.aid = a->aid, .mode = a->mode, .image_base = a->image_base,
		.argc = argc, .argv = (char **)sp,
	};
	sp -= ALIGN_UP(sizeof(si), 16);
	*info_va = sp;
	return vm_write_actor(a, sp, &si, sizeof(si));
}

long
actor_start_module(const char *module, int mode, bool trusted, const char *args,
		   long parent, long prio)
{
	const struct bootmod *m = bootmod_find(module);
	struct elf_image img;
	struct actor *a;
	u64 info;
	long r, tid;

	if (!m)
		return -K_ENOENT;
	if ((r = elf_parse(P2V(m->pa), m->size, &img)) < 0)
		return r;
	if (!(a = actor_create(module, mode, trusted, parent)))
		return -K_ENOMEM;
	a->pmap = mode == K_ACTOR_USER ? pmap_create() : &kernel_pmap;
	r = -K_ENOMEM;
	if (!a->pmap || (r = load_image(a, &img)) < 0 ||
	    (r = build_stack(a, module, args, &info)) < 0)
		goto fail;
	r = thread_start_actor(a, a->image_base + img.entry, info - 8, info,
			       prio ? prio : K_PRIO_TS(0), &tid);
	if (r < 0)
		goto fail;
	return a->aid;
fail:
	actor_kill(a, K_STATUS_DELETED);
	return r;
}
