// SPDX-License-Identifier: MIT
/*
 * t_bench: nucleus core costs, meant to run under QEMU -icount shift=0
 * where one nanosecond of guest time is one instruction: a null nucleus
 * call, a thread switch between two actors (threadYield ping-pong on
 * one processor), ipcCall round trips to a server actor (annex only and
 * with a 4 KiB body, with 64 KiB moved or copied), one broadcast to a group of 8 ports, page faults and
 * sgRead through the page cache.  Prints
 * "BENCH name value unit" lines; asserts nothing.
 */
#include <stdbool.h>
#include <motet.h>

#define N	20000

static void
pin_rt(void)
{
	threadSetAffinity(0, 1);
	threadSetPrio(0, K_PRIO_RT(30));
}

static unsigned long
hex(const char *s)
{
	unsigned long v = 0;

	for (; *s; s++)
		v = v * 16 + (unsigned long)(*s <= '9' ? *s - '0' : (*s | 32) - 'a' + 10);
	return v;
}

static long
echo(void *arg, const struct kmsg *req, struct kmsg *reply)
{
	(void)arg;
	reply->annex[0] = req->annex[0] + 1;
	reply->bodysize = 0;
	return K_OK;
}

/* The echo server: replies to every call on the port it is given; as a
 * supervisor actor with "lrpc", by a port handler on the caller's thread. */
static void
server(struct kui *port, bool lrpc)
{
	static char body[K_BODY_MAX] __attribute__((aligned(4096)));
	struct kmsg m = { .body = body, .bodysize = sizeof(body) }, r = { 0 };
	long e;

	pin_rt();
	while ((e = ipcReceive(&m, port, lrpc ? 1000 * 1000 : K_NOTIMEOUT)) == -K_EPERM)
		threadSleep(1000 * 1000);	/* not migrated to us yet */
	if (lrpc) {
		portHandler(port, echo, NULL);
		kprintf("t_bench: lrpc server ready\n");
		for (;;)
			threadSleep(1000L * 1000 * 1000);
	}
	for (;;) {
		m.bodysize = sizeof(body);
		r.annex[0] = m.annex[0] + 1;
		if (ipcReplyReceive(m.reply, &r, &m, port, K_NOTIMEOUT) < 0)
			return;
	}
}

static const char *
mode_name(void)
{
	return __kstart->mode == K_ACTOR_SUPER ? "super" : "user";
}

static void
bench_ipc(bool lrpc)
{
	static char body[4096];
	struct kmsg m = { 0 }, r = { 0 };
	struct kaddr to = { .mode = K_ADDR_PORT };
	struct kui key = uiBuild(K_UI_KEY, 4242), ports[8];
	char args[64];
	long t0, t1, aid;

	portCreate(NULL, &to.ui);
	ksnprintf(args, sizeof(args), "server %lx %lx%s", to.ui.head, to.ui.stamp,
		  lrpc ? " lrpc" : "");
	aid = actorStart("t_bench", lrpc ? K_ACTOR_SUPER : __kstart->mode, args);
	portMigrate(&to.ui, aid);
	threadSleep(20 * 1000 * 1000);
	if (ipcCall(&m, &to, &r, K_NOTIMEOUT) < 0 || r.annex[0] != 1)
		kprintf("BENCH ipc: the server does not answer\n");
	t0 = timeNow();
	for (int i = 0; i < N; i++)
		ipcCall(&m, &to, &r, K_NOTIMEOUT);
	t1 = timeNow();
	kprintf("BENCH ipc_call%s_%s %ld ns (round trip, annex only)\n", lrpc ? "_lrpc" : "",
		mode_name(), (t1 - t0) / N);
	if (lrpc) {
		actorDelete(aid);
		actorWait(aid, K_NOTIMEOUT);
		return;
	}
	m.body = body;
	m.bodysize = sizeof(body);
	t0 = timeNow();
	for (int i = 0; i < N / 4; i++)
		ipcCall(&m, &to, &r, K_NOTIMEOUT);
	t1 = timeNow();
	kprintf("BENCH ipc_call_4k_%s %ld ns (round trip, 4 KiB body)\n", mode_name(), (t1 - t0) / (N / 4));
	for (int k = 0; k < 2; k++) {		/* the server's buffer is page-aligned */
		static char big[K_BODY_MAX + 4096] __attribute__((aligned(4096)));
		m.body = big + (k ? 8 : 0);
		m.bodysize = K_BODY_MAX;
		t0 = timeNow();
		for (int i = 0; i < N / 40; i++)
			ipcCall(&m, &to, &r, K_NOTIMEOUT);
		t1 = timeNow();
		kprintf("BENCH ipc_call_64k_%s_%s %ld ns (round trip, 64 KiB request %s)\n",
			k ? "copied" : "moved", mode_name(), (t1 - t0) / (N / 40),
			k ? "at another page offset: copied in and out" : "page-aligned: copied in, moved out");
	}
	actorDelete(aid);
	actorWait(aid, K_NOTIMEOUT);

	m.bodysize = 0;
	grpAllocate(&key, &to.ui);
	to.mode = K_ADDR_BROADCAST;
	for (int i = 0; i < 8; i++) {
		portCreate(NULL, &ports[i]);
		grpInsert(&key, &ports[i]);
	}
	t0 = timeNow();
	for (int i = 0; i < 100; i++) {
		ipcSend(&m, &to);
		for (int j = 0; j < 8; j++)
			ipcReceive(&r, &ports[j], 0);
	}
	t1 = timeNow();
	kprintf("BENCH ipc_broadcast8_%s %ld ns (send to 8 members, then 8 receives)\n",
		mode_name(), (t1 - t0) / 100);
	grpFree(&key);
	for (int i = 0; i < 8; i++)
		portDelete(&ports[i]);
}

/* ipcSend + ipcReceive on one port, per pair. */
static long
send_recv(const struct kui *port)
{
	struct kmsg m = { 0 };
	struct kaddr to = { .ui = *port, .mode = K_ADDR_PORT };
	long t0 = timeNow();

	for (int i = 0; i < N / 4; i++) {
		ipcSend(&m, &to);
		ipcReceive(&m, port, 0);
	}
	return (timeNow() - t0) / (N / 4);
}

/* The UI lookup with 100,000 live ports. */
static void
bench_many(void)
{
	enum { MANY = 100000 };
	struct kui p, *many = malloc(MANY * sizeof(*many));
	long few;

	portCreate(NULL, &p);
	few = send_recv(&p);
	for (int i = 0; i < MANY; i++)
		portCreate(NULL, &many[i]);
	kprintf("BENCH ipc_send_recv_%s %ld ns with 1 port, %ld ns with 100,000 live ports\n",
		mode_name(), few, send_recv(&many[MANY / 2]));
	for (int i = 0; i < MANY; i++)
		portDelete(&many[i]);
	portDelete(&p);
	free(many);
}

/* A mapper in this actor: answers PULLIN with pages of zeros and every
 * request with read and write access. */
static void
mapper(void *arg)
{
	static char data[K_BODY_MAX];
	struct kui *port = arg;
	struct kmsg m = { .body = data, .bodysize = sizeof(data) }, r = { 0 };
	struct kmapreq *q = (struct kmapreq *)m.annex;
	struct kmaprep *a = (struct kmaprep *)r.annex;

	pin_rt();
	if (ipcReceive(&m, port, K_NOTIMEOUT) < 0)
		return;
	for (;;) {
		a->error = K_OK;
		a->access = K_PROT_READ | K_PROT_WRITE;
		r.body = data;
		r.bodysize = q->op == K_MAP_PULLIN ? q->size : 0;
		m.bodysize = sizeof(data);
		if (ipcReplyReceive(m.reply, &r, &m, port, K_NOTIMEOUT) < 0)
			return;
	}
}

/* Copy-on-write: rgnCopy of 1 MiB of touched memory into an empty actor
 * (what fork does), then a first write to each page on our side. */
static void
bench_cow(void)
{
	struct krgn k = { .size = 256 * 4096, .prot = K_PROT_READ | K_PROT_WRITE };
	long t0, t1, t2, aid = actorCreate(K_ACTOR_USER);

	if (K_IS_ERR(aid) || rgnMap(0, &k) != K_OK)
		return;
	for (unsigned long p = 0; p < k.size; p += 4096)
		((volatile char *)k.addr)[p] = 1;
	t0 = timeNow();
	rgnCopy(0, (void *)k.addr, aid, (void *)k.addr, k.size);
	t1 = timeNow();
	for (unsigned long p = 0; p < k.size; p += 4096)
		((volatile char *)k.addr)[p] = 2;
	t2 = timeNow();
	kprintf("BENCH vm_copy_1m_user %ld ns (rgnCopy of 256 touched pages)\n", t1 - t0);
	kprintf("BENCH vm_fault_cow_user %ld ns (a first write to a copied page)\n",
		(t2 - t1) / 256);
	actorDelete(aid);
	actorWait(aid, K_NOTIMEOUT);
	rgnUnmap(0, (void *)k.addr, k.size);
}

/* Page faults (zero-filled; served by a mapper thread of this actor) and
 * sgRead of 64 KiB already in the cache. */
static void
bench_vm(void)
{
	static char buf[65536];
	static struct kui port;
	struct krgn k = { .size = 1024 * 4096, .prot = K_PROT_READ | K_PROT_WRITE };
	struct kcap seg = { .key = { 7, 0 } };
	long t0, t1, n = 200;

	if (__kstart->mode == K_ACTOR_USER && rgnMap(0, &k) == K_OK) {
		t0 = timeNow();
		for (unsigned long p = 0; p < k.size; p += 4096)
			((volatile char *)k.addr)[p] = 1;
		t1 = timeNow();
		kprintf("BENCH vm_fault_zero_user %ld ns (a first write to anonymous memory)\n",
			(t1 - t0) / 1024);
		rgnUnmap(0, (void *)k.addr, k.size);
	}
	if (__kstart->mode == K_ACTOR_USER)
		bench_cow();
	portCreate(NULL, &port);
	seg.port = port;
	threadStart(mapper, &port, 0, 0);
	threadSleep(1000 * 1000);
	if (__kstart->mode == K_ACTOR_USER) {
		k = (struct krgn){ .size = n * 4096, .prot = K_PROT_READ, .seg = seg, .offset = 1 << 20 };
		if (rgnMap(0, &k) == K_OK) {
			t0 = timeNow();
			for (long p = 0; p < n; p++)
				(void)((volatile char *)k.addr)[p * 4096];
			t1 = timeNow();
			kprintf("BENCH vm_fault_mapper_user %ld ns (a read fault served by a mapper thread, "
				"PULLIN of one page)\n", (t1 - t0) / n);
			rgnUnmap(0, (void *)k.addr, k.size);
		}
	}
	if (sgRead(&seg, 0, buf, sizeof(buf)) == sizeof(buf)) {
		t0 = timeNow();
		for (int i = 0; i < 200; i++)
			sgRead(&seg, 0, buf, sizeof(buf));
		t1 = timeNow();
		kprintf("BENCH sg_read_64k_hit_%s %ld ns (sgRead of 64 KiB in the cache)\n", mode_name(),
			(t1 - t0) / 200);
	}
	sgFlush(&seg, 0, 1L << 40, K_FLUSH_DESTROY);
	portDelete(&port);
}

int
main(int argc, char **argv)
{
	long t0, t1, aid;

	if (argc > 1 && strcmp(argv[1], "yielder") == 0) {
		pin_rt();
		for (;;)
			threadYield();
	}
	if (argc > 3 && strcmp(argv[1], "server") == 0) {
		struct kui port = { hex(argv[2]), hex(argv[3]) };
		server(&port, argc > 4);
		return 0;
	}
	pin_rt();
	t0 = timeNow();
	for (int i = 0; i < N; i++)
		threadSelf();
	t1 = timeNow();
	kprintf("BENCH null_call_%s %ld ns\n",
		__kstart->mode == K_ACTOR_SUPER ? "super" : "user", (t1 - t0) / N);
	aid = actorStart("t_bench", __kstart->mode, "yielder");
	threadSleep(10 * 1000 * 1000);		/* it pins itself */
	t0 = timeNow();
	for (int i = 0; i < N; i++)
		threadYield();
	t1 = timeNow();
	kprintf("BENCH actor_switch_%s %ld ns (yield + switch, one way)\n",
		__kstart->mode == K_ACTOR_SUPER ? "super" : "user", (t1 - t0) / N / 2);
	actorDelete(aid);
	actorWait(aid, K_NOTIMEOUT);
	bench_ipc(false);
	bench_ipc(true);
	bench_many();
	bench_vm();
	return 0;
}
