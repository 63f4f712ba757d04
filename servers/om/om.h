/* SPDX-License-Identifier: MIT */
/*
 * om's front end: what main.c (start, threads), proto.c (the om protocol
 * of unix/proto.h), mapper.c (the mapper protocol of motet/vm.h),
 * worker.c (the worker thread) and pages.c share.
 *
 * Threads.  OM_THREADS run srvLoop on om's one port, which gets both
 * pm's requests and the nucleus's mapper calls.  Those must always find a
 * thread free, or om deadlocks: a nucleus call of om's own on its
 * segments (sgFlush, sgWrite) waits for them, and so does any page fault
 * of om's under memory pressure (the nucleus may push a file's dirty page
 * out to om to get a free page).  Hence:
 *   - a server thread never waits for om.lock: a request that finds it
 *     taken goes to the worker (omRun), which waits for it instead;
 *   - mapper calls take only om.dlock, under which om never faults
 *     (pages.c) and never calls the nucleus;
 *   - sgFlush and sgWrite on om's segments run only on the worker.
 *
 * Lock order: om.lock, then om.dlock, then the worker queue's lock and
 * pages.c's lock (malloc's is a leaf too).
 */
#ifndef OM_OM_H
#define OM_OM_H

#include <motet.h>
#include <unix/proto.h>
#include "ramfs.h"

#define OM_THREADS	4
#define OM_STACK	(64 * 1024)

struct om {
	kmutex_t lock;			/* guards fs (every node, every name) */
	kmutex_t dlock;			/* guards fs.itab and every file's data */
	struct rfs fs;
	struct kui port;		/* unixPort(UNIX_PORT_OM) */
	unsigned long secret[2];	/* of the keys of file data segments */
};
extern struct om om;

typedef long (*om_handler_t)(struct kmsg *req, struct kmsg *reply);

/* proto.c */
extern const struct srv_op omOps[];
extern const size_t omNops;

/* mapper.c: keys name (ino, gen) of a regular file */
void omCap(struct kcap *cap, unsigned long ino, unsigned gen);
long omMap(struct kmsg *req, struct kmsg *reply, void *ctx);
void omDlock(void *ctx, int hold);

/* worker.c */
long omRun(om_handler_t fn, struct kmsg *req, struct kmsg *reply);
struct omjob;
struct omjob *omJobNew(void);
void omJobCut(struct omjob *j, unsigned long ino, unsigned gen, unsigned long size,
	      unsigned long token, const struct kmsg *reply);
void omFreed(void *ctx, unsigned long ino, unsigned gen);
long omWorkerStart(void);

/* Touches most of a thread's stack, so that om's later calls do not
 * fault on it (om.h: faults under pressure). */
static __attribute__((noinline, unused)) void
omTouchStack(void)
{
	volatile char a[OM_STACK - 8192];

	for (unsigned long i = 0; i < sizeof(a); i += K_PAGE_SIZE)
		a[i] = 0;
}

/* pages.c */
extern int pagesCarve;
void pagesReserve(unsigned long n);
unsigned long pagesUsed(void);

#endif
