/* SPDX-License-Identifier: MIT */
/* Nucleus call numbers, NC_<name>, generated from calls.def. */
#ifndef MOTET_CALLNUM_H
#define MOTET_CALLNUM_H

enum ncall_number {
#define NCALL0(n, name, rt) NC_##name = n,
#define NCALL1(n, name, rt, ...) NC_##name = n,
#define NCALL2(n, name, rt, ...) NC_##name = n,
#define NCALL3(n, name, rt, ...) NC_##name = n,
#define NCALL4(n, name, rt, ...) NC_##name = n,
#define NCALL5(n, name, rt, ...) NC_##name = n,
#include <motet/calls.def>
#undef NCALL0
#undef NCALL1
#undef NCALL2
#undef NCALL3
#undef NCALL4
#undef NCALL5
	NC_MAX
};

#endif
