/* SPDX-License-Identifier: MIT */
/* Sleeping on a word of an actor: the mutex and semaphore slow path. */
#ifndef KERN_SYNC_H
#define KERN_SYNC_H

#include <kern/types.h>

struct actor;
long sync_wait(struct actor *a, uaddr_t addr, int expected, long timeout_ns);
long sync_wake(struct actor *a, uaddr_t addr, int count);

#endif
