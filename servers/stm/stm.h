/* SPDX-License-Identifier: MIT */
/*
 * stm's shared state: streams (the console terminal and pipes), the keys
 * that name them for pm, the calls that wait, recent cancels, and poll
 * watchers.  One lock, stm_lock, guards all of it; every function here
 * expects it held unless it says otherwise.  Replies to waiting calls
 * are sent with the lock held (they go through one shared buffer).
 */
#ifndef STM_STM_H
#define STM_STM_H

#include <motet.h>
#include <unix/linux.h>
#include <unix/proto.h>
#include "tty.h"
#include "pipe.h"

#define STM_IO_MAX	K_BODY_MAX	/* most bytes one read or write moves */

enum { STREAM_PIPE = 1, STREAM_TTY };
enum { KEY_FREE, KEY_PIPE_R, KEY_PIPE_W, KEY_TTY };

struct watch {				/* a poll waiting for a change */
	struct watch *next;
	unsigned long cookie;
};

struct stream {				/* what pipes and terminals share */
	int kind;			/* STREAM_* */
	struct watch *watch;		/* notified once at the next change */
	int nwatch;
};

struct spipe {
	struct stream s;
	struct pipe p;
};

struct stty {
	struct stream s;
	struct tty t;
	int sid;			/* the session it controls; 0: none */
	int fgpgid;			/* the foreground process group */
	struct kui fggrp;		/* its port group's name (null: none) */
};

/* A call that waits: a read, or a write with bytes still to move. */
struct pend {
	struct pend *next, *prev;
	unsigned long op;		/* STM_READ or STM_WRITE */
	struct stream *obj;
	unsigned long key;
	unsigned long token;		/* for srvReply */
	int pid;
	unsigned long seq;
	size_t max;			/* read: most bytes */
	char *data;			/* write: the whole write (malloc) */
	size_t len, done;		/* write: its size, bytes moved */
	long deadline;			/* terminal read: VTIME timer (ns), 0 none */
	int expired;			/* terminal read: the timer ran out */
};

extern kmutex_t stm_lock;
extern struct pend stm_pends;		/* list head, oldest first */
extern char stm_dbuf[STM_IO_MAX];	/* body of replies to waiting calls */

/* keys.c */
unsigned long keyNew(int type, struct stream *obj);
void stmCounts(unsigned long *nkeys, unsigned long *npend);
int keyGet(unsigned long key, struct stream **obj);
void keyFree(unsigned long key);
void streamChanged(struct stream *s);
long streamWatch(struct stream *s, unsigned long cookie);
struct pend *pendNew(struct kmsg *req, struct stream *obj);
void pendReply(struct pend *p, long status, const void *body, size_t size);
void pendCloseKey(unsigned long key);
int cancelTake(int pid, unsigned long seq);
void cancelCall(int pid, unsigned long seq);

/* pipes.c */
long pipeOpen(struct kmsg *req, struct kmsg *reply);
long pipeDoRead(struct kmsg *req, struct kmsg *reply, struct spipe *sp, char *buf);
long pipeDoWrite(struct kmsg *req, struct kmsg *reply, struct spipe *sp);
void pipeServe(struct spipe *sp);
void pipeClose(struct spipe *sp, int type);
long pipeDoPoll(struct spipe *sp, int type);
void pipeCancel(struct pend *p);

/* console.c */
extern struct stty stm_console;
long consoleStart(void);
long ttyDoRead(struct kmsg *req, struct kmsg *reply, struct stty *st, char *buf);
long ttyDoWrite(struct kmsg *req, struct kmsg *reply, struct stty *st);
void ttyServe(struct stty *st);
void ttyKickTimer(void);
void ttySignal(struct stty *st, int signo);
long ttyDoPoll(struct stty *st);
int ttyBackground(const struct stty *st, unsigned long pg);

/* ioctl.c */
long ttyIoctl(struct kmsg *req, struct kmsg *reply, struct stty *st, char *buf);

#endif
