/* SPDX-License-Identifier: MIT */
/*
 * Boot modules (actor images and data passed by the boot loader) and the
 * boot configuration that says which of them start, and how.
 *
 * boot.conf, one actor per line ('#' starts a comment):
 *     user|supervisor [trusted] [prio=rt:N|prio=ts:NICE] MODULE [ARGS...]
 */
#ifndef KERN_BOOT_H
#define KERN_BOOT_H

#include <kern/types.h>

#define MAX_BOOTMODS	64
#define BOOTNAME_MAX	32
#define BOOTARGS_MAX	512

struct bootmod {
	char name[BOOTNAME_MAX];
	paddr_t pa;
	size_t size;
};

struct bootconf_entry {
	int mode;			/* K_ACTOR_USER or K_ACTOR_SUPER */
	bool trusted;
	long prio;			/* 0 = default */
	char module[BOOTNAME_MAX];
	char args[BOOTARGS_MAX];
	int line;
};

extern struct bootmod bootmods[MAX_BOOTMODS];
extern int nbootmods;
const struct bootmod *bootmod_find(const char *name);

/* Parses a configuration; returns the number of entries, or -(line number)
 * of the first bad line. */
int bootconf_parse(const char *text, size_t len, struct bootconf_entry *out, int max);

#endif
