/* SPDX-License-Identifier: MIT */
/* Mini-messages from connected handlers to threads (mini.c). */
#ifndef KERN_MINI_H
#define KERN_MINI_H

#include <kern/types.h>

struct actor;
long mini_create(struct actor *caller);
long mini_post(struct actor *caller, long mid, long value);
long mini_wait(struct actor *caller, long mid, long *value, long timeout_ns);
long mini_delete(struct actor *caller, long mid);
void mini_actor_gone(struct actor *a);

#endif
