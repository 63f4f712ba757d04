/* SPDX-License-Identifier: MIT */
/*
 * IPC as actors see it: unique identifiers, messages, addresses of ports
 * and port groups, and capabilities.  The calls are in calls.def; their
 * meaning is in docs/nucleus-calls.md.
 */
#ifndef MOTET_IPC_H
#define MOTET_IPC_H

/*
 * A unique identifier (UI) names a port, a port group, an actor or a site
 * in the whole system.  head: creation site (bits 63..32, 0 for a built
 * UI), type (31..24), K_UI_BUILT (bit 23), random bits (22..0); stamp: 64
 * random bits, or the local number of a built UI.  A null UI is all zero.
 */
struct kui {
	unsigned long head;
	unsigned long stamp;
};

#define K_UI_PORT	1
#define K_UI_GROUP	2
#define K_UI_ACTOR	3
#define K_UI_SITE	4
#define K_UI_KEY	5		/* a port-group key */
#define K_UI_BUILT	(1UL << 23)

#define K_UI_SITEOF(u)	((unsigned)((u)->head >> 32))
#define K_UI_TYPEOF(u)	((int)(((u)->head >> 24) & 0xff))

/* The UI of local object number n of a type: the same on every site,
 * so that anyone who knows n can name it (a process id gives the UI of
 * the process's control port).  Only trusted actors create ports with a
 * built UI. */
static inline struct kui
uiBuild(int type, unsigned long n)
{
	struct kui u = { ((unsigned long)(type & 0xff) << 24) | K_UI_BUILT, n };
	return u;
}

static inline int
uiEqual(const struct kui *a, const struct kui *b)
{
	return a->head == b->head && a->stamp == b->stamp;
}

static inline int
uiIsNull(const struct kui *a)
{
	return a->head == 0 && a->stamp == 0;
}

/*
 * A message: a fixed-size annex, always copied, and an optional body of up
 * to K_BODY_MAX bytes.
 *   sending:   annex, body/bodysize; src optionally names one of the
 *              sender's ports (any UI that is not a port UI: the nucleus
 *              stamps the actor's UI).
 *   receiving: body/bodysize give the buffer and its size; the nucleus
 *              fills annex, bodysize (the full size sent: more than the
 *              buffer means the body was cut, K_MSG_CUT), src (stamped),
 *              protid (the sender actor's protection identifier), port
 *              (where it arrived) and, for a call, reply (the token to
 *              pass to ipcReply; 0 for a one-way message).
 */
#define K_ANNEX_SIZE	64
#define K_BODY_MAX	(64 * 1024)

#define K_MSG_CALL	1		/* expects a reply */
#define K_MSG_CUT	2		/* the body did not fit the buffer */

struct kmsg {
	void *body;
	unsigned long bodysize;
	struct kui src;
	unsigned long protid;
	struct kui port;
	unsigned long reply;
	unsigned long flags;
	unsigned long annex[K_ANNEX_SIZE / 8];
};

/* Typed annexes: a message struct that must fit the annex. */
#define K_ANNEX_CHECK(type) \
	_Static_assert(sizeof(type) <= K_ANNEX_SIZE, #type " does not fit the annex")

/*
 * Where a message goes.  To a port: mode K_ADDR_PORT.  To a group:
 * K_ADDR_BROADCAST (every member; ipcSend only), K_ADDR_FUNC (any one
 * member, one on this site first), K_ADDR_SITE (one member on `site`),
 * K_ADDR_CO (one member on the site of port `co`).
 */
#define K_ADDR_PORT	0
#define K_ADDR_BROADCAST 1
#define K_ADDR_FUNC	2
#define K_ADDR_SITE	3
#define K_ADDR_CO	4

struct kaddr {
	struct kui ui;
	long mode;
	unsigned long site;		/* K_ADDR_SITE */
	struct kui co;			/* K_ADDR_CO */
};

/* Port limits: queued messages per port (portSetLimit changes it). */
#define K_PORT_LIMIT_DEFAULT	256
#define K_PORT_LIMIT_MAX	65536

/* Receive from every enabled port of the actor: port argument NULL. */
#define K_ALLPORTS	((const struct kui *)0)

/*
 * Lightweight RPC: a supervisor actor may serve the calls to one of its
 * ports with a function (portHandler) that the nucleus runs on the
 * caller's own thread, acting for the server: no queue, no thread switch,
 * and between supervisor actors no trap and no address-space switch.
 * req is the call as a receiver would see it (reply token 0); the
 * handler writes the answer's annex and body into reply (reply->body and
 * reply->bodysize give the buffer; set bodysize to what was written) and
 * returns K_OK, or a -K_* error that ipcCall returns instead.
 */
typedef long (*kport_handler_t)(void *arg, const struct kmsg *req, struct kmsg *reply);

/* A capability: a server's port and a key naming an object in it. */
struct kcap {
	struct kui port;
	unsigned long key[2];
};

/* Statistics of one of the caller's ports (portStat). */
struct kportstat {
	long queued;			/* messages waiting */
	long limit;
	long enabled;			/* 1 if in the enabled set */
	long prio;			/* its priority there */
	unsigned long received, dropped;	/* totals */
};

#endif
