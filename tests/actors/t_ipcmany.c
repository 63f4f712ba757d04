// SPDX-License-Identifier: MIT
/*
 * t_ipcmany: 100,000 live ports.  Every UI is distinct, every one of
 * them still reaches its own port (a message sent to each comes back from
 * that port, in order), deleted ones are unknown while the others work,
 * and after all are deleted the nucleus heap is back where it was.  The
 * nucleus keeps the heap pages it grew by for later use, so the free-page
 * check is that a second round takes no more pages than the first.
 */
#include "tipc.h"

#define NPORTS	100000

static struct kui *ports;

/* Distinct: no two UIs equal (sorted by stamp, neighbours compared). */
static void
sort_check(void)
{
	struct kui *s = malloc(NPORTS * sizeof(*s));
	long dup = 0;

	CHECK(s != NULL, "no memory for the copy");
	if (!s)
		return;
	memcpy(s, ports, NPORTS * sizeof(*s));
	for (long gap = NPORTS / 2; gap > 0; gap /= 2)		/* shell sort */
		for (long i = gap; i < NPORTS; i++)
			for (long j = i; j >= gap && s[j - gap].stamp > s[j].stamp; j -= gap) {
				struct kui t = s[j];
				s[j] = s[j - gap];
				s[j - gap] = t;
			}
	for (long i = 1; i < NPORTS; i++)
		dup += uiEqual(&s[i], &s[i - 1]);
	CHECK_EQ(dup, 0);
	free(s);
}

static void
round(void)
{
	struct kmsg m;
	long bad = 0, wrong = 0;

	ports = malloc(NPORTS * sizeof(*ports));
	CHECK(ports != NULL, "no memory for the UIs");
	if (!ports)
		return;
	for (long i = 0; i < NPORTS; i++)
		if (portCreate(NULL, &ports[i]) != K_OK)
			bad++;
	CHECK_EQ(bad, 0);
	sort_check();
	for (long i = 0; i < NPORTS; i++)
		if (send_words(&ports[i], OP_DATA, (unsigned long)i, 0, 0) != K_OK)
			bad++;
	for (long i = 0; i < NPORTS; i++)
		if (recv_msg(&m, &ports[i], 0) != K_OK || m.annex[1] != (unsigned long)i ||
		    !uiEqual(&m.port, &ports[i]))
			wrong++;
	CHECK_EQ(bad, 0);
	CHECK_EQ(wrong, 0);
	for (long i = 0; i < NPORTS; i += 2)
		if (portDelete(&ports[i]) != K_OK)
			bad++;
	for (long i = 0; i < NPORTS; i++)
		if (send_words(&ports[i], OP_DATA, 1, 0, 0) != (i % 2 ? K_OK : -K_EUNKNOWN))
			wrong++;
	for (long i = 1; i < NPORTS; i += 2)
		if (portDelete(&ports[i]) != K_OK)	/* drops the queued message */
			bad++;
	CHECK_EQ(bad, 0);
	CHECK_EQ(wrong, 0);
	free(ports);
}

int
main(void)
{
	struct ksysinfo before, mid, after;

	ktest_begin("ipcmany");
	sysInfo(&before);
	round();
	sysInfo(&mid);
	round();
	sysInfo(&after);
	CHECK_EQ(after.nactors, before.nactors);
	CHECK_EQ(after.nthreads, before.nthreads);
	CHECK(after.heap_used <= before.heap_used + 1024, "heap %lu bytes before, %lu after",
	      before.heap_used, after.heap_used);
	CHECK(after.pages_free + 64 >= mid.pages_free, "pages free %lu after one round, %lu after two",
	      mid.pages_free, after.pages_free);
	ktest_end();
	return 0;
}
