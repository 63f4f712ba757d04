/* SPDX-License-Identifier: MIT */
/*
 * The ELF64 headers that executables start with: the nucleus loads boot
 * modules with them, the UNIX process manager loads programs.
 */
#ifndef MOTET_ELF_H
#define MOTET_ELF_H

#include <stdint.h>

struct elf_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define ET_EXEC		2
#define ET_DYN		3
#define EM_X86_64	62
#define PT_LOAD		1
#define PT_DYNAMIC	2
#define PT_INTERP	3
#define PT_PHDR		6
#define PT_GNU_RELRO	0x6474e552
#define PF_X		1
#define PF_W		2
#define PF_R		4

#endif
