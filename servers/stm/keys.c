// SPDX-License-Identifier: MIT
/*
 * The bookkeeping every stream shares: the key table (a key is an index
 * and a generation, so that a closed key is never taken for a new one),
 * poll watchers and their one STM_NOTIFY, the list of calls that wait,
 * and the table of recent cancels that came before their call.  All with
 * stm_lock held.
 * Entry points: keyNew, keyGet, keyFree, streamChanged, streamWatch,
 * pendNew, pendReply, pendCloseKey, cancelTake, cancelCall.
 */
#include "stm.h"

#define NKEYS		8192
#define NCANCEL		128		/* cancels remembered */
#define WATCH_MAX	64		/* watchers per stream kept */

struct key {
	uint32_t gen;			/* bumped at each free; never 0 in a key */
	int type;			/* KEY_* */
	struct stream *obj;
};

static struct key keys[NKEYS];
static uint16_t freeidx[NKEYS];	/* a stack of free indexes */
static int nfree = -1;			/* -1: not set up yet */

static struct {
	int pid;
	unsigned long seq;
	int used;
} cancels[NCANCEL];
static int cancel_next;

struct pend stm_pends = { .next = &stm_pends, .prev = &stm_pends };

/* A new key for obj, or 0 if the table is full. */
/* Keys in use and calls waiting (STM_STAT). */
void
stmCounts(unsigned long *nkeys, unsigned long *npend)
{
	struct pend *p;

	*nkeys = nfree < 0 ? 0 : (unsigned long)(NKEYS - nfree);
	*npend = 0;
	for (p = stm_pends.next; p != &stm_pends; p = p->next)
		(*npend)++;
}

unsigned long
keyNew(int type, struct stream *obj)
{
	struct key *k;
	unsigned idx;

	if (nfree < 0) {
		for (int i = 0; i < NKEYS; i++)
			freeidx[i] = (uint16_t)(NKEYS - 1 - i);
		nfree = NKEYS;
	}
	if (nfree == 0)
		return 0;
	idx = freeidx[--nfree];
	k = &keys[idx];
	if (k->gen == 0)
		k->gen = 1;
	k->type = type;
	k->obj = obj;
	return ((unsigned long)k->gen << 32) | idx;
}

/* The type of a live key (and its stream), or KEY_FREE for any other. */
int
keyGet(unsigned long key, struct stream **obj)
{
	unsigned long idx = key & 0xffffffffUL;
	struct key *k;

	if (idx >= NKEYS)
		return KEY_FREE;
	k = &keys[idx];
	if (k->type == KEY_FREE || k->gen != (uint32_t)(key >> 32))
		return KEY_FREE;
	if (obj)
		*obj = k->obj;
	return k->type;
}

/* Frees a live key (checked by keyGet before). */
void
keyFree(unsigned long key)
{
	struct key *k = &keys[key & 0xffffffffUL];

	k->type = KEY_FREE;
	k->obj = NULL;
	if (++k->gen == 0)
		k->gen = 1;
	freeidx[nfree++] = (uint16_t)(key & 0xffffffffUL);
}

static void
notify(unsigned long cookie)
{
	struct kmsg m;
	struct kaddr to = { .ui = unixPort(UNIX_PORT_PM), .mode = K_ADDR_PORT };

	memset(&m, 0, sizeof(m));
	m.annex[0] = STM_NOTIFY;
	m.annex[1] = cookie;
	ipcSend(&m, &to);		/* pm gone or its queue full: nothing to do */
}

/* The stream's state changed: each watcher gets its one notice. */
void
streamChanged(struct stream *s)
{
	struct watch *w, *next;

	for (w = s->watch; w; w = next) {
		next = w->next;
		notify(w->cookie);
		free(w);
	}
	s->watch = NULL;
	s->nwatch = 0;
}

/* Remembers a poll's cookie until the next change (too many: at once). */
long
streamWatch(struct stream *s, unsigned long cookie)
{
	struct watch *w;

	for (w = s->watch; w; w = w->next)
		if (w->cookie == cookie)
			return 0;
	if (s->nwatch >= WATCH_MAX || !(w = malloc(sizeof(*w)))) {
		notify(cookie);		/* pm polls again: a spurious wake-up */
		return 0;
	}
	w->cookie = cookie;
	w->next = s->watch;
	s->watch = w;
	s->nwatch++;
	return 0;
}

/* A waiting call for req (STM_READ or STM_WRITE) on obj, at the list's end. */
struct pend *
pendNew(struct kmsg *req, struct stream *obj)
{
	struct pend *p = malloc(sizeof(*p));

	if (!p)
		return NULL;
	memset(p, 0, sizeof(*p));
	p->op = req->annex[0];
	p->obj = obj;
	p->key = req->annex[1];
	p->token = req->reply;
	p->pid = (int)req->annex[4];
	p->seq = req->annex[6];
	p->prev = stm_pends.prev;
	p->next = &stm_pends;
	stm_pends.prev->next = p;
	stm_pends.prev = p;
	return p;
}

/* Answers a waiting call and forgets it. */
void
pendReply(struct pend *p, long status, const void *body, size_t size)
{
	struct kmsg r;

	memset(&r, 0, sizeof(r));
	r.body = (void *)body;
	r.bodysize = size;
	srvReply(p->token, status, &r);	/* the caller gone: nothing to do */
	p->prev->next = p->next;
	p->next->prev = p->prev;
	free(p->data);
	free(p);
}

/* The key is being closed: its waiting calls fail with -EBADF. */
void
pendCloseKey(unsigned long key)
{
	struct pend *p, *next;

	for (p = stm_pends.next; p != &stm_pends; p = next) {
		next = p->next;
		if (p->key == key)
			pendReply(p, -L_EBADF, NULL, 0);
	}
}

/* Was the call (pid, seq) cancelled before it came?  Forgets the cancel. */
int
cancelTake(int pid, unsigned long seq)
{
	for (int i = 0; i < NCANCEL; i++)
		if (cancels[i].used && cancels[i].pid == pid && cancels[i].seq == seq) {
			cancels[i].used = 0;
			return 1;
		}
	return 0;
}

/* STM_CANCEL: answers the waiting call (pid, seq), or remembers the cancel. */
void
cancelCall(int pid, unsigned long seq)
{
	struct pend *p;

	for (p = stm_pends.next; p != &stm_pends; p = p->next) {
		if (p->pid != pid || p->seq != seq)
			continue;
		if (p->obj->kind == STREAM_PIPE)
			pipeCancel(p);
		else
			pendReply(p, -L_EINTR, NULL, 0);
		return;
	}
	cancels[cancel_next].pid = pid;
	cancels[cancel_next].seq = seq;
	cancels[cancel_next].used = 1;
	cancel_next = (cancel_next + 1) % NCANCEL;
}
