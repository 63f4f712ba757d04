// SPDX-License-Identifier: MIT
/*
 * t_ipcpeer ROLE PORT [ARG]: the other actor of the IPC tests, started by
 * them (never trusted).  PORT is the test's port, where the peer reports;
 * UIs come as hex "head.stamp".  Roles:
 *   serve    tries to use the test's port (receive, stat, delete, migrate,
 *            set limit: all must be refused), creates a port Q, says
 *            OP_HELLO {Q, the five results} and serves calls on Q:
 *            OP_ECHO (reply with the same annex and body), OP_HOLD (say
 *            OP_HELD, never reply), OP_EXIT (say OP_HELD, end without
 *            replying).  Ends after 10 s without a message.
 *   migr M   waits until port M is given to it (ipcReceive on M stops
 *            saying K_EPERM), receives on M until OP_GO, and reports
 *            OP_REPORT {OP_DATA messages, sum of their word 1, M enabled
 *            for us, portDelete(M)}.
 *   member K puts a new port Q in the group of key K, says OP_HELLO
 *            {Q, grpInsert}, reports the first message on Q as OP_REPORT
 *            {its word 1, it arrived on Q}, and ends.
 *   owner K  allocates the group of key K with a port of its own in it,
 *            says OP_HELLO {name, grpAllocate, grpInsert}, and ends.
 *   prot     tries actorSetProtId(0, 0x1234) and a port with a built UI
 *            (both refused), says OP_HELLO {Q, the two results}, waits for
 *            OP_GO on Q, says OP_REPORT, and ends.
 */
#include "tipc.h"

static struct kui test;
static unsigned char body[K_BODY_MAX];

static void
hello_port(const struct kui *q, long r1, long r2, long r3)
{
	struct kmsg m = { .annex = { OP_HELLO, q->head, q->stamp, r1, r2, r3 } };
	struct kaddr to = to_port(&test);

	ipcSend(&m, &to);
}

static void
echo(const struct kmsg *m)
{
	struct kmsg r = { .body = body, .bodysize = m->bodysize };

	memcpy(r.annex, m->annex, sizeof(r.annex));
	if (r.bodysize > sizeof(body))
		r.bodysize = sizeof(body);
	ipcReply(m->reply, &r);
}

static int
serve(void)
{
	struct kmsg m = { 0 };
	struct kportstat st;
	struct kaddr to = to_port(&test);
	struct kui q;
	long r[5];

	r[0] = ipcReceive(&m, &test, 0);
	r[1] = portStat(&test, &st);
	r[2] = portDelete(&test);
	r[3] = portMigrate(&test, actorSelf());
	r[4] = portSetLimit(&test, 3);
	portCreate(NULL, &q);
	m = (struct kmsg){ .annex = { OP_HELLO, q.head, q.stamp, r[0], r[1], r[2], r[3], r[4] } };
	ipcSend(&m, &to);
	for (;;) {
		m = (struct kmsg){ .body = body, .bodysize = sizeof(body) };
		if (ipcReceive(&m, &q, 10 * SEC) < 0)
			return 1;
		switch (m.annex[0]) {
		case OP_ECHO:
			echo(&m);
			break;
		case OP_HOLD:
			send_words(&test, OP_HELD, m.reply != 0, 0, 0);
			threadSleep(30 * SEC);
			return 1;
		case OP_EXIT:
			send_words(&test, OP_HELD, m.reply != 0, 0, 0);
			return 0;
		}
	}
}

static int
migr(const struct kui *mp)
{
	struct kmsg m;
	struct kportstat st = { 0 };
	long r = -K_EPERM, n = 0, sum = 0, deadline = timeNow() + 5 * SEC, e;

	while (r == -K_EPERM && timeNow() < deadline) {
		if ((r = recv_msg(&m, mp, 0)) == -K_EPERM)
			threadSleep(2 * MS);
	}
	while (r == K_OK && m.annex[0] == OP_DATA) {
		n++;
		sum += m.annex[1];
		r = recv_msg(&m, mp, 5 * SEC);
	}
	if (r != K_OK)
		n = -1;
	e = portStat(mp, &st);
	send_words(&test, OP_REPORT, n, sum, e < 0 ? e : st.enabled);
	send_words(&test, OP_REPORT, portDelete(mp), 0, 0);
	return 0;
}

static int
member(const struct kui *key)
{
	struct kmsg m;
	struct kui q;
	long r;

	portCreate(NULL, &q);
	hello_port(&q, grpInsert(key, &q), 0, 0);
	r = recv_msg(&m, &q, 5 * SEC);
	send_words(&test, OP_REPORT, r == K_OK ? m.annex[1] : (unsigned long)r,
		   uiEqual(&m.port, &q), 0);
	return 0;
}

static int
owner(const struct kui *key)
{
	struct kui name = { 0, 0 }, q;
	long r1 = grpAllocate(key, &name);

	portCreate(NULL, &q);
	hello_port(&name, r1, grpInsert(key, &q), 0);
	return 0;
}

static int
prot(void)
{
	struct kui built = uiBuild(K_UI_PORT, test.stamp + 1), q, out;
	struct kmsg m;
	long r1 = actorSetProtId(0, 0x1234), r2 = portCreate(&built, &out);

	portCreate(NULL, &q);
	hello_port(&q, r1, r2, 0);
	if (recv_msg(&m, &q, 5 * SEC) == K_OK && m.annex[0] == OP_GO)
		send_words(&test, OP_REPORT, 0, 0, 0);
	return 0;
}

int
main(int argc, char **argv)
{
	struct kui arg = { 0, 0 };

	if (argc < 3 || ui_parse(argv[2], &test) < 0 || (argc > 3 && ui_parse(argv[3], &arg) < 0)) {
		kprintf("t_ipcpeer: bad arguments\n");
		return 2;
	}
	if (strcmp(argv[1], "serve") == 0)
		return serve();
	if (strcmp(argv[1], "migr") == 0)
		return migr(&arg);
	if (strcmp(argv[1], "member") == 0)
		return member(&arg);
	if (strcmp(argv[1], "owner") == 0)
		return owner(&arg);
	if (strcmp(argv[1], "prot") == 0)
		return prot();
	kprintf("t_ipcpeer: no role %s\n", argv[1]);
	return 2;
}
