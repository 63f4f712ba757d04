// SPDX-License-Identifier: MIT
/*
 * ELF64 checks.  Everything is validated against the image size before it
 * is used: a truncated or hostile image gives -K_ENOEXEC, never a fault.
 * Pure code, exercised by host unit tests.
 * Entry points: elf_parse, elf_relocs.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/elf.h>

struct elf_dyn {
	s64 tag;
	u64 val;
};

struct elf_rela {
	u64 offset, info;
	s64 addend;
};

#define DT_NULL		0
#define DT_RELA		7
#define DT_RELASZ	8
#define DT_RELAENT	9
#define R_X86_64_RELATIVE 8
#define SPAN_MAX	(1UL << 30)

static bool
in_image(const struct elf_image *img, u64 off, u64 len)
{
	return off <= img->size && len <= img->size - off;
}

static long
check_segments(struct elf_image *img)
{
	u64 lo = ~0UL, hi = 0;

	for (int i = 0; i < img->phnum; i++) {
		const struct elf_phdr *p = &img->ph[i];
		if (p->type != PT_LOAD)
			continue;
		if (!in_image(img, p->offset, p->filesz) || p->filesz > p->memsz ||
		    p->memsz > SPAN_MAX || p->vaddr > (1UL << 46))
			return -K_ENOEXEC;
		if ((p->vaddr & PAGE_MASK) != (p->offset & PAGE_MASK))
			return -K_ENOEXEC;
		lo = MIN(lo, ALIGN_DOWN(p->vaddr, PAGE_SIZE));
		hi = MAX(hi, ALIGN_UP(p->vaddr + p->memsz, PAGE_SIZE));
	}
	if (lo >= hi || hi - lo > SPAN_MAX)
		return -K_ENOEXEC;
	img->lo = lo;
	img->hi = hi;
	if (img->entry < lo || img->entry >= hi)
		return -K_ENOEXEC;
	return K_OK;
}

long
elf_parse(const void *data, size_t size, struct elf_image *img)
{
	const struct elf_ehdr *eh = data;

	memset(img, 0, sizeof(*img));
	img->data = data;
	img->size = size;
	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) != 0 ||
	    eh->ident[4] != 2 || eh->ident[5] != 1 || eh->machine != EM_X86_64 ||
	    (eh->type != ET_EXEC && eh->type != ET_DYN) ||
	    eh->phentsize != sizeof(struct elf_phdr) || eh->phnum == 0 ||
	    eh->phoff % 8 || !in_image(img, eh->phoff, (u64)eh->phnum * sizeof(struct elf_phdr)))
		return -K_ENOEXEC;
	img->pie = eh->type == ET_DYN;
	img->entry = eh->entry;
	img->ph = (const struct elf_phdr *)((const u8 *)data + eh->phoff);
	img->phnum = eh->phnum;
	return check_segments(img);
}

/* File offset of vaddr range [va, va+len) inside one PT_LOAD's file part. */
static long
va_to_off(const struct elf_image *img, u64 va, u64 len, u64 *off)
{
	for (int i = 0; i < img->phnum; i++) {
		const struct elf_phdr *p = &img->ph[i];
		if (p->type == PT_LOAD && va >= p->vaddr && len <= p->filesz &&
		    va - p->vaddr <= p->filesz - len) {
			*off = p->offset + (va - p->vaddr);
			return K_OK;
		}
	}
	return -K_ENOEXEC;
}

static long
find_rela(const struct elf_image *img, u64 *rela, u64 *relasz)
{
	*rela = *relasz = 0;
	for (int i = 0; i < img->phnum; i++) {
		const struct elf_phdr *p = &img->ph[i];
		if (p->type != PT_DYNAMIC)
			continue;
		if (!in_image(img, p->offset, p->filesz) || p->offset % 8)
			return -K_ENOEXEC;
		const struct elf_dyn *d = (const void *)(img->data + p->offset);
		for (u64 k = 0; k < p->filesz / sizeof(*d) && d[k].tag != DT_NULL; k++) {
			if (d[k].tag == DT_RELA)
				*rela = d[k].val;
			else if (d[k].tag == DT_RELASZ)
				*relasz = d[k].val;
			else if (d[k].tag == DT_RELAENT && d[k].val != sizeof(struct elf_rela))
				return -K_ENOEXEC;
		}
	}
	return K_OK;
}

long
elf_relocs(const struct elf_image *img,
	   long (*fn)(void *ctx, u64 vaddr, u64 addend), void *ctx)
{
	u64 rela, relasz, off;
	long r = find_rela(img, &rela, &relasz);

	if (r < 0 || relasz == 0)
		return r;
	if (relasz % sizeof(struct elf_rela) || va_to_off(img, rela, relasz, &off) < 0 ||
	    off % 8)
		return -K_ENOEXEC;
	const struct elf_rela *rl = (const void *)(img->data + off);
	for (u64 i = 0; i < relasz / sizeof(*rl); i++) {
		if ((rl[i].info & 0xffffffff) != R_X86_64_RELATIVE)
			return -K_ENOEXEC;
		if (rl[i].offset < img->lo || rl[i].offset > img->hi - 8)
			return -K_ENOEXEC;
		if ((r = fn(ctx, rl[i].offset, (u64)rl[i].addend)) < 0)
			return r;
	}
	return K_OK;
}
