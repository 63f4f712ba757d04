/* SPDX-License-Identifier: MIT */
/*
 * Nucleus calls: one dispatcher behind the syscall entry (user actors) and
 * the direct-call entry (supervisor actors).  Each call has a decoder
 * nc_<name> in one of the ncall_*.c files, declared here from
 * abi/motet/calls.def with every argument as a raw long: decoders check
 * all of them before they act.
 */
#ifndef KERN_NCALL_H
#define KERN_NCALL_H

#include <kern/types.h>

struct actor;

long ncall_dispatch(long n, long a1, long a2, long a3, long a4, long a5);
long ncall_direct(long n, long a1, long a2, long a3, long a4, long a5);
long ncall_slow(long n, long a1, long a2, long a3, long a4, long a5);
struct actor *caller_actor(void);	/* the actor a call is made for */
u64 ncall_count(void);

#define NCALL0(n, name, rt) long nc_##name(void);
#define NCALL1(n, name, rt, t1, a1) long nc_##name(long a1);
#define NCALL2(n, name, rt, t1, a1, t2, a2) long nc_##name(long a1, long a2);
#define NCALL3(n, name, rt, t1, a1, t2, a2, t3, a3) long nc_##name(long a1, long a2, long a3);
#define NCALL4(n, name, rt, t1, a1, t2, a2, t3, a3, t4, a4) \
	long nc_##name(long a1, long a2, long a3, long a4);
#define NCALL5(n, name, rt, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5) \
	long nc_##name(long a1, long a2, long a3, long a4, long a5);
#include <motet/calls.def>
#undef NCALL0
#undef NCALL1
#undef NCALL2
#undef NCALL3
#undef NCALL4
#undef NCALL5

#endif
