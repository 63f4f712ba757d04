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

struct elf_ehdr {
	u8 ident[16];
	u16 type, machine;
	u32 version;
	u64 entry, phoff, shoff;
	u32 flags;
	u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_phdr {
	u32 type, flags;
	u64 offset, vaddr, paddr, filesz, memsz, align;
};

struct elf_image {
	const u8 *data;
	size_t size;
	u64 entry;
	u64 lo, hi;			/* page-aligned span of PT_LOAD vaddrs */
	bool pie;
	const struct elf_phdr *ph;
	int phnum;
};

#define PT_LOAD		1
#define PT_DYNAMIC	2
#define PT_GNU_RELRO	0x6474e552
#define PF_X		1
#define PF_W		2
#define PF_R		4

long elf_parse(const void *data, size_t size, struct elf_image *img);
/* Calls fn(ctx, vaddr, addend) for each R_X86_64_RELATIVE relocation;
 * -K_ENOEXEC for any other kind. */
long elf_relocs(const struct elf_image *img,
		long (*fn)(void *ctx, u64 vaddr, u64 addend), void *ctx);

#endif
