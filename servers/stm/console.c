// SPDX-License-Identifier: MIT
/*
 * The console terminal: the line discipline (tty.c) over the serial
 * line.  Output goes out with consWrite (which turns "\n" into "\r\n"
 * itself, so the tty does not add the CR); input comes from a thread
 * that waits in consGet.  A second thread runs the VTIME timers of
 * waiting non-canonical reads.  Reads that cannot finish wait in
 * stm_pends and are finished by ttyServe after input, a timer or a
 * termios change.  Job control: a read from a background process group
 * of the terminal's session gets UNIX_R_TTIN, a write with TOSTOP
 * UNIX_R_TTOU; pm turns them into SIGTTIN/SIGTTOU.
 * Entry points: consoleStart, ttyDoRead, ttyDoWrite, ttyServe,
 * ttyKickTimer, ttySignal, ttyDoPoll, ttyBackground.
 */
#include "stm.h"

#define MS	(1000L * 1000L)

struct stty stm_console;
static ksem_t timer_sem;		/* V: a deadline was set, look again */

static void
cons_out(void *arg, const char *buf, size_t n)
{
	consWrite(buf, n);
}

static void
cons_sig(void *arg, int signo)
{
	ttySignal(arg, signo);
}

/* Sends signo to the foreground process group (a broadcast to its group). */
void
ttySignal(struct stty *st, int signo)
{
	struct kmsg m;
	struct kaddr to = { .ui = st->fggrp, .mode = K_ADDR_BROADCAST };

	if (uiIsNull(&st->fggrp))
		return;
	memset(&m, 0, sizeof(m));
	m.annex[0] = UNIX_SIGNAL;
	m.annex[1] = (unsigned long)signo;
	m.annex[2] = 0;			/* from the system */
	m.annex[3] = 0;
	ipcSend(&m, &to);		/* an empty group: nobody to tell */
}

/* Is the caller (UNIX_PG word) in the terminal's session but not its
 * foreground group?  A word with no session (0) never is. */
int
ttyBackground(const struct stty *st, unsigned long pg)
{
	int sid = UNIX_PG_SID(pg);

	return st->sid > 0 && sid == st->sid && UNIX_PG_PGID(pg) != st->fgpgid &&
	       !(pg & UNIX_PG_NOTTOU);
}

/* Finishes the waiting reads that can finish, oldest first. */
void
ttyServe(struct stty *st)
{
	struct pend *p, *next;

	for (p = stm_pends.next; p != &stm_pends; p = next) {
		next = p->next;
		if (p->obj != &st->s || p->op != STM_READ)
			continue;
		if (ttyReadReady(&st->t, p->max, p->expired)) {
			size_t n = ttyRead(&st->t, stm_dbuf, p->max);
			pendReply(p, (long)n, stm_dbuf, n);
		}
	}
}

void
ttyKickTimer(void)
{
	semV(&timer_sem);
}

/* Bytes came: VMIN>0 reads with VTIME restart their inter-byte timer. */
static void
restart_timers(struct stty *st)
{
	long vt = ttyVtimeNs(&st->t), now = timeNow();
	int set = 0;

	if (!vt || st->t.tio.c_cc[L_VMIN] == 0 || ttyCount(&st->t) == 0)
		return;
	for (struct pend *p = stm_pends.next; p != &stm_pends; p = p->next)
		if (p->obj == &st->s && p->op == STM_READ) {
			p->deadline = now + vt;
			p->expired = 0;
			set = 1;
		}
	if (set)
		ttyKickTimer();
}

static void
input_thread(void *arg)
{
	struct stty *st = arg;
	char buf[256];
	int polling = 0;		/* no consGet: consRead every 10 ms */
	long n;

	for (;;) {
		n = polling ? consRead(buf, sizeof(buf)) : consGet(buf, sizeof(buf), K_NOTIMEOUT);
		if (n == -K_ENOSYS && !polling) {
			polling = 1;
			continue;
		}
		if (n <= 0) {
			if (polling || n != -K_ETIMEOUT)
				threadSleep(10 * MS);
			continue;
		}
		mutexGet(&stm_lock);
		ttyInput(&st->t, buf, (size_t)n);
		restart_timers(st);
		ttyServe(st);
		streamChanged(&st->s);
		mutexRel(&stm_lock);
	}
}

/* Marks the reads whose VTIME ran out and sleeps until the next deadline. */
static void
timer_thread(void *arg)
{
	struct stty *st = arg;

	for (;;) {
		long now, next = 0;
		int fire = 0;

		mutexGet(&stm_lock);
		now = timeNow();
		for (struct pend *p = stm_pends.next; p != &stm_pends; p = p->next) {
			if (p->obj != &st->s || !p->deadline)
				continue;
			if (now >= p->deadline) {
				p->expired = 1;
				p->deadline = 0;
				fire = 1;
			} else if (!next || p->deadline < next) {
				next = p->deadline;
			}
		}
		if (fire)
			ttyServe(st);
		mutexRel(&stm_lock);
		semP(&timer_sem, next ? next - now : K_NOTIMEOUT);
	}
}

/* STM_READ on the terminal: a line (or bytes), end of file, or wait. */
long
ttyDoRead(struct kmsg *req, struct kmsg *reply, struct stty *st, char *buf)
{
	size_t max = req->annex[2] < STM_IO_MAX ? req->annex[2] : STM_IO_MAX;
	long vt = ttyVtimeNs(&st->t);
	struct pend *p;

	if (ttyBackground(st, req->annex[5]))
		return UNIX_R_TTIN;
	if (max == 0)
		return 0;
	if (ttyReadReady(&st->t, max, 0)) {
		size_t n = ttyRead(&st->t, buf, max);
		reply->body = buf;
		reply->bodysize = n;
		return (long)n;
	}
	if (req->annex[3] & L_O_NONBLOCK)
		return -L_EAGAIN;
	if (!req->reply)
		return -L_EINVAL;
	if (!(p = pendNew(req, &st->s)))
		return -L_ENOMEM;
	p->max = max;
	if (vt && (st->t.tio.c_cc[L_VMIN] == 0 || ttyCount(&st->t) > 0)) {
		p->deadline = timeNow() + vt;
		ttyKickTimer();
	}
	return SRV_NOREPLY;
}

/* STM_WRITE on the terminal: output never waits. */
long
ttyDoWrite(struct kmsg *req, struct kmsg *reply, struct stty *st)
{
	if ((st->t.tio.c_lflag & L_TOSTOP) && ttyBackground(st, req->annex[5]))
		return UNIX_R_TTOU;
	return (long)ttyWrite(&st->t, req->body, req->bodysize);
}

long
ttyDoPoll(struct stty *st)
{
	long ev = L_POLLOUT | L_POLLWRNORM;

	if (ttyPollIn(&st->t))
		ev |= L_POLLIN | L_POLLRDNORM;
	return ev;
}

/* Sets up the console and starts its input and timer threads. */
long
consoleStart(void)
{
	struct stty *st = &stm_console;
	long r;

	ttyInit(&st->t, cons_out, cons_sig, st);
	st->t.devcrlf = 1;
	st->s.kind = STREAM_TTY;
	semInit(&timer_sem, 0);
	r = threadStart(input_thread, st, 0, 0);
	if (K_IS_ERR(r))
		return r;
	r = threadStart(timer_thread, st, 0, 0);
	return K_IS_ERR(r) ? r : K_OK;
}
