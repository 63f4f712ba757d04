// SPDX-License-Identifier: MIT
/*
 * Unit tests of the ELF checks (nucleus/kern/elf.c) on two real images of
 * fixtures/prog.c built by the Makefile into FIXTURE_DIR: a static-pie
 * with R_X86_64_RELATIVE relocations and a static non-PIE executable.
 * Every malformed variant is parsed from a malloc'ed buffer of exactly its
 * size, so AddressSanitizer catches any read past the end; each must give
 * -K_ENOEXEC.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <kern/types.h>
#include <kern/elf.h>

#ifndef FIXTURE_DIR
#define FIXTURE_DIR "."
#endif

/* The ELF64 file header, as the tests need to edit it. */
#define ehdr elf_ehdr

struct rela {
	u64 offset, info;
	s64 addend;
};

#define DT_RELA		7
#define DT_RELASZ	8
#define DT_RELAENT	9

static u8 *pie, *exe;
static size_t pie_size, exe_size;

static u8 *
load(const char *name, size_t *size)
{
	char path[512];
	FILE *f;
	long n;
	u8 *d;

	snprintf(path, sizeof(path), "%s/%s", FIXTURE_DIR, name);
	if (!(f = fopen(path, "rb")))
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	d = malloc(n);
	if (d && fread(d, 1, n, f) != (size_t)n) {
		free(d);
		d = NULL;
	}
	fclose(f);
	*size = n;
	return d;
}

static int
group_setup(void **state)
{
	pie = load("prog-pie.elf", &pie_size);
	exe = load("prog-exec.elf", &exe_size);
	if (!pie || !exe)
		fprintf(stderr, "elf: cannot read the fixtures in %s\n", FIXTURE_DIR);
	return pie && exe ? 0 : -1;
}

static int
group_teardown(void **state)
{
	free(pie);
	free(exe);
	return 0;
}

static u8 *live;		/* the copy in use, freed by teardown on failure */

static u8 *
dup(const u8 *d, size_t n)
{
	u8 *c = malloc(n ? n : 1);

	assert_non_null(c);
	memcpy(c, d, n);
	return live = c;
}

static void
release(u8 *c)
{
	free(c);
	live = NULL;
}

static int
teardown(void **state)
{
	release(live);
	return 0;
}

/* elf_parse over an exact-size copy of the first n bytes of d. */
static long
parse_prefix(const u8 *d, size_t n)
{
	struct elf_image img;
	u8 *c = dup(d, n);
	long r = elf_parse(c, n, &img);

	release(c);
	return r;
}

static struct ehdr *eh(u8 *d) { return (struct ehdr *)d; }
static struct elf_phdr *ph(u8 *d, int i) { return (struct elf_phdr *)(d + eh(d)->phoff) + i; }

/* The first program header of `type`, or NULL. */
static struct elf_phdr *
find_ph(u8 *d, u32 type)
{
	for (int i = 0; i < eh(d)->phnum; i++)
		if (ph(d, i)->type == type)
			return ph(d, i);
	return NULL;
}

/* The value slot of dynamic entry `tag` in d, or NULL. */
static u64 *
dyn_val(u8 *d, s64 tag)
{
	struct elf_phdr *p = find_ph(d, PT_DYNAMIC);
	u64 *e;

	if (!p)
		return NULL;
	for (e = (u64 *)(d + p->offset); e[0] != 0; e += 2)
		if ((s64)e[0] == tag)
			return &e[1];
	return NULL;
}

/* The relocation table of d, found independently of elf.c. */
static struct rela *
rela_table(u8 *d, size_t *count)
{
	u64 va = *dyn_val(d, DT_RELA);

	*count = *dyn_val(d, DT_RELASZ) / sizeof(struct rela);
	for (int i = 0; i < eh(d)->phnum; i++) {
		struct elf_phdr *p = ph(d, i);
		if (p->type == PT_LOAD && va >= p->vaddr && va < p->vaddr + p->filesz)
			return (struct rela *)(d + p->offset + (va - p->vaddr));
	}
	return NULL;
}

struct seen {
	int calls, fail_at;
	u64 lo, hi;
	bool in_image;
};

static long
count_reloc(void *ctx, u64 vaddr, u64 addend)
{
	struct seen *s = ctx;

	if (vaddr < s->lo || vaddr + 8 > s->hi || addend < s->lo || addend >= s->hi)
		s->in_image = false;
	if (++s->calls == s->fail_at)
		return -K_EFAULT;
	return K_OK;
}

/* elf_relocs on an exact copy of d; K_OK from parsing is required. */
static long
relocs_of(const u8 *d, size_t n, struct seen *s)
{
	struct elf_image img;
	u8 *c = dup(d, n);
	long r = elf_parse(c, n, &img);

	assert_int_equal(r, K_OK);
	s->lo = img.lo;
	s->hi = img.hi;
	s->in_image = true;
	r = elf_relocs(&img, count_reloc, s);
	release(c);
	return r;
}

static void
test_pie_parses(void **state)
{
	struct elf_image img;

	assert_int_equal(elf_parse(pie, pie_size, &img), K_OK);
	assert_true(img.pie);
	assert_int_equal(img.lo % PAGE_SIZE, 0);
	assert_int_equal(img.hi % PAGE_SIZE, 0);
	assert_true(img.lo < img.hi);
	assert_true(img.entry >= img.lo && img.entry < img.hi);
	assert_int_equal(img.entry, eh(pie)->entry);
	assert_int_equal(img.phnum, eh(pie)->phnum);
	assert_ptr_equal(img.ph, pie + eh(pie)->phoff);
}

static void
test_pie_relocations_in_image(void **state)
{
	struct seen s = { 0 };
	size_t n;

	assert_int_equal(relocs_of(pie, pie_size, &s), K_OK);
	assert_non_null(rela_table(pie, &n));
	assert_true(s.calls >= 3);		/* the ops[] table at least */
	assert_int_equal(s.calls, n);
	assert_true(s.in_image);
}

static void
test_exec_parses_without_relocations(void **state)
{
	struct elf_image img;
	struct seen s = { 0 };

	assert_int_equal(elf_parse(exe, exe_size, &img), K_OK);
	assert_false(img.pie);
	assert_int_equal(img.lo, 0x400000);
	assert_true(img.entry >= img.lo && img.entry < img.hi);
	assert_int_equal(relocs_of(exe, exe_size, &s), K_OK);
	assert_int_equal(s.calls, 0);
}

static void
test_reloc_callback_error_stops_walk(void **state)
{
	struct seen s = { .fail_at = 2 };

	assert_int_equal(relocs_of(pie, pie_size, &s), -K_EFAULT);
	assert_int_equal(s.calls, 2);
}

static void
check_cuts(const u8 *d, size_t size)
{
	const struct ehdr *h = (const struct ehdr *)d;
	u64 end = 0;

	for (size_t n = 0; n < 256; n++)
		assert_int_equal(parse_prefix(d, n), -K_ENOEXEC);
	for (int i = 0; i < h->phnum; i++) {
		size_t at = h->phoff + i * sizeof(struct elf_phdr);
		const struct elf_phdr *p = (const void *)(d + at);
		assert_int_equal(parse_prefix(d, at), -K_ENOEXEC);
		assert_int_equal(parse_prefix(d, at + 1), -K_ENOEXEC);
		assert_int_equal(parse_prefix(d, at + sizeof(*p) - 1), -K_ENOEXEC);
		if (p->type == PT_LOAD)
			end = MAX(end, p->offset + p->filesz);
	}
	assert_true(end <= size);
	assert_int_equal(parse_prefix(d, end - 1), -K_ENOEXEC);
	assert_int_equal(parse_prefix(d, end), K_OK);
}

static void
test_truncated_images(void **state)
{
	check_cuts(pie, pie_size);
	check_cuts(exe, exe_size);
}

/* Parses a copy of the pie image after `edit` changed it. */
#define EXPECT_BAD(d, size, edit) do {					\
	struct elf_image img_;						\
	u8 *c = dup(d, size);						\
	edit;								\
	assert_int_equal(elf_parse(c, size, &img_), -K_ENOEXEC);	\
	release(c);							\
} while (0)

static void
test_bad_identification(void **state)
{
	for (int i = 0; i < 4; i++)
		EXPECT_BAD(pie, pie_size, c[i] ^= 0x20);
	EXPECT_BAD(pie, pie_size, c[4] = 1);		/* ELFCLASS32 */
	EXPECT_BAD(exe, exe_size, c[4] = 1);
	EXPECT_BAD(pie, pie_size, c[5] = 2);		/* big-endian */
	EXPECT_BAD(pie, pie_size, eh(c)->machine = 3);	/* i386 */
	EXPECT_BAD(pie, pie_size, eh(c)->type = 1);	/* ET_REL */
	EXPECT_BAD(pie, pie_size, eh(c)->type = 4);	/* ET_CORE */
}

static void
test_bad_program_header_table(void **state)
{
	EXPECT_BAD(pie, pie_size, eh(c)->phoff = pie_size);
	EXPECT_BAD(pie, pie_size, eh(c)->phoff = pie_size - 8);
	EXPECT_BAD(pie, pie_size, eh(c)->phoff = ~0UL - 7);
	EXPECT_BAD(pie, pie_size, eh(c)->phoff = 1UL << 63);
	EXPECT_BAD(pie, pie_size, eh(c)->phoff += 4);	/* misaligned */
	EXPECT_BAD(pie, pie_size, eh(c)->phnum = 0);
	EXPECT_BAD(pie, pie_size, eh(c)->phnum = 0xffff);
	EXPECT_BAD(pie, pie_size, eh(c)->phentsize = 32);
}

static void
test_bad_segments(void **state)
{
	struct elf_phdr *p;

	/* filesz > memsz */
	EXPECT_BAD(pie, pie_size, (p = find_ph(c, PT_LOAD), p->memsz = p->filesz - 1));
	/* file part running past the end of the file */
	EXPECT_BAD(pie, pie_size, (p = find_ph(c, PT_LOAD),
		p->filesz = p->memsz = pie_size - p->offset + 1));
	EXPECT_BAD(exe, exe_size, (p = find_ph(c, PT_LOAD), p->offset = ~0UL & ~PAGE_MASK));
	EXPECT_BAD(exe, exe_size, (p = find_ph(c, PT_LOAD), p->filesz = ~0UL));
	/* address and offset not congruent modulo the page size */
	EXPECT_BAD(pie, pie_size, (p = find_ph(c, PT_LOAD), p->vaddr += 8));
	/* enormous or non-canonical */
	EXPECT_BAD(pie, pie_size, (p = find_ph(c, PT_LOAD), p->memsz = 1UL << 40));
	EXPECT_BAD(exe, exe_size, (p = find_ph(c, PT_LOAD), p->vaddr = p->paddr = 1UL << 47));
	/* no loadable segment at all */
	EXPECT_BAD(pie, pie_size, ({
		for (int i = 0; i < eh(c)->phnum; i++)
			if (ph(c, i)->type == PT_LOAD)
				ph(c, i)->type = 4;
	}));
}

static void
test_entry_outside_segments(void **state)
{
	struct elf_image img;

	assert_int_equal(elf_parse(pie, pie_size, &img), K_OK);
	EXPECT_BAD(pie, pie_size, eh(c)->entry = img.hi);
	EXPECT_BAD(pie, pie_size, eh(c)->entry = ~0UL);
	assert_int_equal(elf_parse(exe, exe_size, &img), K_OK);
	EXPECT_BAD(exe, exe_size, eh(c)->entry = img.lo - 1);
	EXPECT_BAD(exe, exe_size, eh(c)->entry = 0);
}

/* elf_relocs on a copy of the pie image after `edit`; parsing must pass. */
#define EXPECT_BAD_RELOCS(edit) do {					\
	struct seen s_ = { 0 };						\
	struct elf_image img_;						\
	size_t n_;							\
	u8 *c = dup(pie, pie_size);					\
	struct rela *rl = rela_table(c, &n_);				\
	(void)rl;							\
	edit;								\
	assert_int_equal(elf_parse(c, pie_size, &img_), K_OK);		\
	assert_int_equal(elf_relocs(&img_, count_reloc, &s_), -K_ENOEXEC); \
	release(c);							\
} while (0)

static void
test_non_relative_relocation(void **state)
{
	EXPECT_BAD_RELOCS(rl[0].info = 1);		/* R_X86_64_64 */
	EXPECT_BAD_RELOCS(rl[n_ - 1].info = 6);		/* R_X86_64_GLOB_DAT */
	EXPECT_BAD_RELOCS(rl[1].info = 0x100000000UL | 7);	/* JUMP_SLOT, symbol 1 */
}

static void
test_relocation_target_outside_image(void **state)
{
	struct elf_image img;

	assert_int_equal(elf_parse(pie, pie_size, &img), K_OK);
	EXPECT_BAD_RELOCS(rl[0].offset = img.hi);
	EXPECT_BAD_RELOCS(rl[0].offset = img.hi - 7);
	EXPECT_BAD_RELOCS(rl[0].offset = ~0UL - 3);	/* offset + 8 wraps */
}

static void
test_bad_dynamic_table(void **state)
{
	EXPECT_BAD_RELOCS(*dyn_val(c, DT_RELAENT) = 16);
	EXPECT_BAD_RELOCS(*dyn_val(c, DT_RELASZ) += 1);
	EXPECT_BAD_RELOCS(*dyn_val(c, DT_RELASZ) = 24UL << 40);
	EXPECT_BAD_RELOCS(*dyn_val(c, DT_RELA) = 1UL << 45);
	EXPECT_BAD_RELOCS(*dyn_val(c, DT_RELA) += 4);		/* misaligned */
	EXPECT_BAD_RELOCS(find_ph(c, PT_DYNAMIC)->filesz = pie_size);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, teardown)
		T(test_pie_parses),
		T(test_pie_relocations_in_image),
		T(test_exec_parses_without_relocations),
		T(test_reloc_callback_error_stops_walk),
		T(test_truncated_images),
		T(test_bad_identification),
		T(test_bad_program_header_table),
		T(test_bad_segments),
		T(test_entry_outside_segments),
		T(test_non_relative_relocation),
		T(test_relocation_target_outside_image),
		T(test_bad_dynamic_table),
#undef T
	};
	return cmocka_run_group_tests_name("elf", tests, group_setup, group_teardown);
}
