// SPDX-License-Identifier: MIT
/*
 * Symbolized backtraces.  tools/ksyms.sh writes the nucleus's text symbols
 * into the .ksyms section on a second link (text does not move between the
 * two links).  Frames are followed through saved %rbp.
 * Entry points: ksym_lookup, backtrace_from.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include "arch.h"

struct ksym {
	u64 addr;
	const char *name;
};
extern const u64 ksyms_count;
extern const struct ksym ksyms_table[];

const char *
ksym_lookup(u64 addr, u64 *offset)
{
	u64 lo = 0, hi = ksyms_count;

	if (hi == 0 || addr < ksyms_table[0].addr)
		return NULL;
	while (hi - lo > 1) {
		u64 mid = (lo + hi) / 2;
		if (ksyms_table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - ksyms_table[lo].addr;
	return ksyms_table[lo].name;
}

static void
print_frame(u64 pc)
{
	u64 off = 0;
	const char *name = ksym_lookup(pc, &off);

	if (name)
		kprintf("  %#lx %s+%#lx\n", pc, name, off);
	else
		kprintf("  %#lx ?\n", pc);
}

static bool
frame_ok(u64 rbp)
{
	return rbp >= KDIRECT && (rbp & 7) == 0;
}

void
backtrace_from(u64 rbp, u64 rip)
{
	kprintf("backtrace:\n");
	if (rip)
		print_frame(rip);
	for (int depth = 0; depth < 32 && frame_ok(rbp); depth++) {
		u64 *frame = (u64 *)rbp;
		if (!frame[1])
			break;
		print_frame(frame[1] - 1);
		rbp = frame[0];
	}
}
