// SPDX-License-Identifier: MIT
/*
 * t_ipcload: IPC under load.  NSERVERS threads run srvLoop on one port
 * (QLIMIT queued messages, so callers also wait for room); NCLIENTS client
 * actors (t_ipcclient) of NTHREADS threads each make NCALLS calls
 * carrying (client, thread, sequence).  The server marks each triple in a
 * bitmap, counting duplicates and triples out of range, and replies with
 * load_answer of it, which the clients check and report in a last call.
 * At the end: every call served exactly once, every reply right, the
 * nucleus's actors, threads and heap back where they were, pages within
 * what the heap keeps on its free lists.  Prints the totals.
 */
#include "tipc.h"

#define NCLIENTS	1000
#define NTHREADS	10
#define NCALLS		10
#define NSERVERS	4
#define NTOTAL		(NCLIENTS * NTHREADS * NCALLS)
#define DEADLINE	(90 * SEC)
#define QLIMIT		K_PORT_LIMIT_DEFAULT	/* callers also wait for room */

static struct kui port;
static unsigned long seen[(NTOTAL + 63) / 64];
static long served, dups, strays, reported, client_good, client_bad, err_reports;
static ksem_t all_reported, gone;	/* gone: a server thread or the sampler ended */
static unsigned long heap_peak;
static int sampling_done;
static long aids[NCLIENTS];

#define ADD(v, n)	__atomic_add_fetch(&(v), (n), __ATOMIC_RELAXED)

static long
do_call(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	unsigned long c = req->annex[1], t = req->annex[2], s = req->annex[3], i, bit;

	if (c >= NCLIENTS || t >= NTHREADS || s >= NCALLS) {
		ADD(strays, 1);
		return -K_EINVAL;
	}
	i = (c * NTHREADS + t) * NCALLS + s;
	bit = 1UL << (i % 64);
	if (__atomic_fetch_or(&seen[i / 64], bit, __ATOMIC_RELAXED) & bit)
		ADD(dups, 1);
	ADD(served, 1);
	reply->annex[1] = load_answer(c, t, s);
	return K_OK;
}

static long
do_done(struct kmsg *req, struct kmsg *reply, void *ctx)
{
	ADD(client_good, (long)req->annex[2]);
	ADD(client_bad, (long)req->annex[3]);
	if (req->annex[3] != 0 && ADD(err_reports, 1) <= 5)
		kprintf("ipcload: client %lu: %lu bad replies, the first %ld (%s)\n", req->annex[1],
			req->annex[3], (long)req->annex[4],
			(long)req->annex[4] < 0 ? kerrName((long)req->annex[4]) : "wrong answer");
	if (ADD(reported, 1) == NCLIENTS)
		semV(&all_reported);
	return K_OK;
}

static const struct srv_op ops[] = {
	{ OP_LOAD, 0, do_call },
	{ OP_LOAD_DONE, 0, do_done },
};

static void
server(void *arg)
{
	srvLoop(&port, ops, 2, NULL, NULL, 0);
	semV(&gone);
}

/* Starts the clients, waiting for memory when the nucleus runs short. */
static int
start_clients(long deadline, long *retries)
{
	char args[96], p[40];
	int c = 0;

	ui_fmt(p, sizeof(p), &port);
	while (c < NCLIENTS && timeNow() < deadline) {
		ksnprintf(args, sizeof(args), "%s %d %d %d", p, c, NTHREADS, NCALLS);
		aids[c] = actorStart("t_ipcclient", __kstart->mode & 0xff, args);
		if (aids[c] == -K_ENOMEM) {
			(*retries)++;
			threadSleep(10 * MS);
			continue;
		}
		CHECK(!K_IS_ERR(aids[c]), "start client %d: %s", c, kerrName(aids[c]));
		if (K_IS_ERR(aids[c]))
			break;
		c++;
	}
	return c;
}

static long
missing(void)
{
	long n = 0;

	for (long i = 0; i < NTOTAL; i++)
		n += !(seen[i / 64] >> (i % 64) & 1);
	return n;
}

/* The nucleus heap's peak use, sampled every 10 ms above the clients. */
static void
sampler(void *arg)
{
	struct ksysinfo si;

	while (!__atomic_load_n(&sampling_done, __ATOMIC_ACQUIRE)) {
		sysInfo(&si);
		if (si.heap_used > heap_peak)
			heap_peak = si.heap_used;
		threadSleep(10 * MS);
	}
	semV(&gone);
}

/*
 * Everything the clients and servers had is given back, but for what the
 * nucleus keeps: the heap's free lists (at most its peak growth), 256
 * cached nucleus stacks of 4 pages, and the page tables of the nucleus
 * stacks' address range (one per 2 MiB, never reused).
 */
static void
check_leaks(const struct ksysinfo *before, int nstarted)
{
	struct ksysinfo after;
	unsigned long grown, margin;
	long t0 = timeNow();

	if (reported != NCLIENTS)		/* some are stuck */
		for (int c = 0; c < nstarted; c++)
			actorDelete(aids[c]);
	do {
		threadSleep(50 * MS);
		sysInfo(&after);
	} while (after.nactors != before->nactors && timeNow() - t0 < 20 * SEC);
	grown = heap_peak > before->heap_used ? heap_peak - before->heap_used : 0;
	margin = grown / 4096 + 256 * 4 + (NCLIENTS * NTHREADS * 5) / 512 + 512;
	check_counts(before, margin);
	sysInfo(&after);
	kprintf("ipcload: pages free %lu before, %lu after (margin %lu); heap %lu bytes before, "
		"peak %lu, after %lu\n", before->pages_free, after.pages_free, margin,
		before->heap_used, heap_peak, after.heap_used);
	CHECK(after.heap_used <= before->heap_used + 64 * 1024,
	      "nucleus heap %lu bytes before, %lu after", before->heap_used, after.heap_used);
}

/* Every call served once and answered right: the totals. */
static void
check_calls(int n, long dt, long tstart, long retries)
{
	long lost = missing();

	kprintf("ipcload: %d clients x %d threads x %d calls in %ld ms (%ld ms to start the "
		"clients, %ld retries): %ld served, %ld lost, %ld duplicated, %ld out of range; "
		"clients saw %ld good and %ld bad replies\n", n, NTHREADS, NCALLS, dt / MS,
		tstart / MS, retries, served, lost, dups, strays, client_good, client_bad);
	CHECK_EQ(reported, NCLIENTS);
	CHECK_EQ(lost, 0);
	CHECK_EQ(dups, 0);
	CHECK_EQ(strays, 0);
	CHECK_EQ(served, NTOTAL);
	CHECK_EQ(client_good, NTOTAL);
	CHECK_EQ(client_bad, 0);
}

int
main(void)
{
	struct ksysinfo before;
	long t0, t1, retries = 0;
	int n;

	ktest_begin("ipcload");
	sysInfo(&before);
	semInit(&all_reported, 0);
	semInit(&gone, 0);
	CHECK_EQ(portCreate(NULL, &port), K_OK);
	CHECK_EQ(portSetLimit(&port, QLIMIT), K_OK);
	for (int i = 0; i < NSERVERS; i++)
		threadStart(server, NULL, 0, 0);
	threadStart(sampler, NULL, K_PRIO_RT(2), 0);
	t0 = timeNow();
	threadSetPrio(threadSelf(), K_PRIO_RT(1));	/* not starved by the clients */
	n = start_clients(t0 + DEADLINE, &retries);
	threadSetPrio(threadSelf(), K_PRIO_TS(0));
	t1 = timeNow();
	while (semP(&all_reported, 100 * MS) < 0 && timeNow() < t0 + DEADLINE)
		;
	__atomic_store_n(&sampling_done, 1, __ATOMIC_RELEASE);
	check_calls(n, timeNow() - t0, t1 - t0, retries);
	portDelete(&port);
	for (int i = 0; i < NSERVERS + 1; i++)
		CHECK_EQ(semP(&gone, 2 * SEC), 0);
	check_leaks(&before, n);
	ktest_end();
	return 0;
}
