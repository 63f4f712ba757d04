// SPDX-License-Identifier: MIT
/*
 * t_swap SLOTS TEST: a swap device for the memory-pressure tests, run as
 * a supervisor actor so that its memory is never paged out (the pages it
 * keeps would otherwise be asked of itself).  It keeps SLOTS pages in a
 * region of its own, says OP_HELLO {port} to TEST (hex "head.stamp"), and
 * serves the mapper protocol for segment key SWAP_KEY on its port:
 * PULLIN gives a slot's data (zeros if never written), PUSHOUT stores
 * it, GETACCESS grants; calls not stamped K_PROTID_NUCLEUS are refused.
 * Control calls: MC_LOG answers {status 0, PULLINs, PUSHOUTs, refused};
 * MC_QUIT ends it.
 */
#include "tvm.h"

#define SWAP_KEY	0x5357

static unsigned char *store;
static unsigned long slots, pullins, pushouts, refusals;
static unsigned char buf[K_BODY_MAX];

/* The answer to one call; false to stop. */
static int
serve(struct kmsg *m, struct kmsg *r)
{
	const struct kmapreq *q = (const void *)m->annex;
	struct kmaprep *a = (void *)r->annex;

	memset(r, 0, sizeof(*r));
	if (m->annex[0] == MC_LOG) {
		r->annex[1] = pullins;
		r->annex[2] = pushouts;
		r->annex[3] = refusals;
		return 1;
	}
	if (m->annex[0] == MC_QUIT)
		return 0;
	if (m->protid != K_PROTID_NUCLEUS || q->key[0] != SWAP_KEY ||
	    q->offset / PG + (q->size + PG - 1) / PG > slots || q->size > K_BODY_MAX) {
		refusals++;
		a->error = -K_EPERM;
		return 1;
	}
	a->access = RW;
	if (q->op == K_MAP_PULLIN) {
		pullins++;
		r->body = store + q->offset;
		r->bodysize = q->size;
	} else if (q->op == K_MAP_PUSHOUT) {
		pushouts++;
		memcpy(store + q->offset, buf, m->bodysize < q->size ? m->bodysize : q->size);
	}
	return 1;
}

int
main(int argc, char **argv)
{
	struct kmsg m, r;
	struct kui port, test;
	unsigned long token = 0;
	long e, st;

	ktest_begin("swap");
	if (argc < 3 || ui_parse(argv[2], &test) < 0)
		return 2;
	hex_word(argv[1], &slots);
	st = rgnAllocate(NULL, slots * PG, RW);
	if (K_IS_ERR(st) || portCreate(NULL, &port) != K_OK)
		return 3;
	store = (unsigned char *)st;
	send_words(&test, OP_HELLO, port.head, port.stamp, 0);
	for (;;) {
		memset(&m, 0, sizeof(m));
		m.body = buf;
		m.bodysize = sizeof(buf);
		e = token ? ipcReplyReceive(token, &r, &m, &port, K_NOTIMEOUT) :
			    ipcReceive(&m, &port, K_NOTIMEOUT);
		if (e < 0)
			return 4;
		token = m.reply;
		if (!serve(&m, &r)) {
			ipcReply(token, &r);
			return 0;
		}
	}
}
