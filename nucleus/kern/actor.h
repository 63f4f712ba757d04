/* SPDX-License-Identifier: MIT */
/*
 * Actors: resource containers holding an address space, threads and
 * regions.  A user actor runs in ring 3 in its own page tables; a
 * supervisor actor runs in ring 0 in the shared supervisor space.
 *
 * An actor is counted: one reference per live thread, one for the actor
 * table, one per connected-handler call in flight.  The last actor_put
 * hands it to the reaper thread, which frees its memory.
 * Lock order: actor_table_lock -> actor.lock.
 */
#ifndef KERN_ACTOR_H
#define KERN_ACTOR_H

#include <kern/types.h>
#include <kern/spinlock.h>
#include <kern/sched.h>
#include <ipc/ipc.h>

#define MAX_ACTORS	4096

enum actor_state { ACTOR_ALIVE = 1, ACTOR_DYING };

struct actor {
	struct spinlock lock;		/* threads, regions, state */
	long aid;
	int slot;
	int mode;			/* K_ACTOR_USER or K_ACTOR_SUPER */
	bool trusted;
	char name[32];
	struct pmap *pmap;		/* own (user) or &kernel_pmap (supervisor) */
	volatile int refs;
	int state;
	long status;			/* K_STATUS_* once dying */
	long parent;
	struct list threads;		/* struct thread.actor_link */
	int nthreads;
	struct list regions;		/* struct region.link */
	struct region *rgn_hint;	/* region_at's last answer (vm lock) */
	u64 next_va;			/* where rgnAllocate looks first */
	u64 image_base;
	volatile u32 trap_mask;		/* traps with a connected handler (handler.c) */
	volatile bool has_exc;		/* an exception handler is connected */
	int sys_conn;			/* its syscall handler's slot + 1, or 0 (hlock) */
	int owned_conns;		/* connections it made (hlock) */
	struct list reap_link;
	struct actor_ipc ipc;		/* under ipc_lock (ipc/port.c) */
};

extern struct spinlock actor_table_lock;

void actor_init(void);
struct actor *actor_lookup(long aid);		/* with actor_table_lock */
struct actor *actor_get_by_id(long aid);	/* takes a reference, or NULL */
void actor_get(struct actor *a);
void actor_put(struct actor *a);
long actor_count(void);
struct actor *actor_create(const char *name, int mode, bool trusted, long parent);
long actor_start_module(const char *module, int mode, bool trusted,
			const char *args, long parent, long prio);
void actor_kill(struct actor *a, long status);
long actor_wait(long aid, long timeout_ns, long *status);
void actor_thread_gone(struct actor *a);	/* a thread of a exited */
void reaper_start(void);

#endif
