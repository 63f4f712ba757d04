/* SPDX-License-Identifier: MIT */
/*
 * ELF64 executables for actors: checking an image and walking its loadable
 * segments and relative relocations.  Position-independent images
 * (ET_DYN, static-pie) can be loaded anywhere, which is how one binary runs
 * as a user or a supervisor actor.
 */
#ifndef KERN_ELF_H
#define KERN_ELF_H

#include <kern/types.h>
#include <motet/elf.h>

struct elf_image {
	const u8 *data;
	size_t size;
	u64 entry;
	u64 lo, hi;			/* page-aligned span of PT_LOAD vaddrs */
	bool pie;
	const struct elf_phdr *ph;
	int phnum;
};


long elf_parse(const void *data, size_t size, struct elf_image *img);
/* Calls fn(ctx, vaddr, addend) for each R_X86_64_RELATIVE relocation;
 * -K_ENOEXEC for any other kind. */
long elf_relocs(const struct elf_image *img,
		long (*fn)(void *ctx, u64 vaddr, u64 addend), void *ctx);

#endif
