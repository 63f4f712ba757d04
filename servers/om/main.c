// SPDX-License-Identifier: MIT
/*
 * om, the object manager: the name space and RAM file system of the UNIX
 * subsystem, and the mapper of its regular files' data.  Started by the
 * boot configuration as a trusted actor:
 *     user trusted om [root=NAME]
 * It unpacks the boot module NAME (default root.cpio), a cpio newc
 * archive, into the RAM file system (cpio.c), adds /dev, /tmp and /proc,
 * creates the well-known port unixPort(UNIX_PORT_OM) and serves it with
 * OM_THREADS threads (proto.c, mapper.c) and one worker (worker.c).
 *
 * Time.  om has no calendar clock, only timeNow() (ns since boot).  Its
 * times are ns since the UNIX epoch: at start "now" is 2026-01-01 00:00
 * UTC, or the newest mtime in the archive if that is later (so that no
 * file comes from the future), and runs on with timeNow().
 */
#include "om.h"

#define EPOCH_2026	(1767225600L * 1000000000L)

struct om om;

static int64_t boot_epoch = EPOCH_2026;	/* what now() says at timeNow() == 0 */
static unsigned char bufs[OM_THREADS][K_BODY_MAX];

static int64_t
now(void)
{
	return boot_epoch + timeNow();
}

/* Unpacks boot module name; the newest mtime in it, or 0. */
static int64_t
load(const char *name)
{
	long size = modRead(name, 0, NULL, 0), got = 0, r;
	int64_t newest = 0;
	unsigned char *buf;

	if (size < 0) {
		kprintf("om: no archive %s (%s): an empty root\n", name, kerrName(size));
		return 0;
	}
	if (!(buf = malloc((size_t)size + 1))) {
		kprintf("om: no memory for the archive %s (%ld bytes)\n", name, size);
		return 0;
	}
	while (got < size && (r = modRead(name, (unsigned long)got, buf + got,
					  (unsigned long)(size - got))) > 0)
		got += r;
	r = rfsCpio(&om.fs, buf, (size_t)got, &newest);
	if (r < 0)
		kprintf("om: archive %s is broken (%ld of %ld bytes read): kept what came before\n",
			name, got, size);
	else
		kprintf("om: %s: %ld entries, %ld bytes\n", name, r, size);
	free(buf);
	return newest;
}

static void
serve(void *buf)
{
	long r;

	omTouchStack();
	r = srvLoop(&om.port, omOps, omNops, NULL, buf, K_BODY_MAX);

	kprintf("om: server loop ended: %s\n", kerrName(r));
}

int
main(int argc, char **argv)
{
	const char *name = "root.cpio";
	struct kui want = unixPort(UNIX_PORT_OM);
	int64_t newest;
	long r;

	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "root=", 5) == 0)
			name = argv[i] + 5;
	mutexInit(&om.lock);
	mutexInit(&om.dlock);
	memset(bufs, 0, sizeof(bufs));	/* touched now: no fault on them later (om.h) */
	if ((r = actorSetProtId(0, UNIX_PROTID)) < 0)
		kprintf("om: actorSetProtId: %s (not trusted?)\n", kerrName(r));
	if (rfsInit(&om.fs, now) < 0)
		return 1;
	om.fs.freed = omFreed;
	om.fs.dlock = omDlock;
	pagesCarve = 1;
	newest = load(name);
	pagesCarve = 0;
	if (newest > now())
		boot_epoch = newest - timeNow();
	if (rfsDefaults(&om.fs) < 0)
		kprintf("om: no memory for the default nodes\n");
	if ((r = capSecretNew(om.secret)) < 0 || (r = portCreate(&want, &om.port)) < 0) {
		kprintf("om: no port: %s\n", kerrName(r));
		return 1;
	}
	if ((r = omWorkerStart()) < 0) {
		kprintf("om: no worker thread: %s\n", kerrName(r));
		return 1;
	}
	for (int i = 0; i < OM_THREADS; i++)
		if ((r = threadStart(serve, bufs[i], 0, OM_STACK)) < 0)
			kprintf("om: thread %d: %s\n", i, kerrName(r));
	for (;;)			/* the server threads have stacks of OM_STACK */
		threadSleep(3600L * 1000000000L);
}
