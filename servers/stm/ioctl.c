// SPDX-License-Identifier: MIT
/*
 * Terminal ioctls (STM_IOCTL on a terminal key): termios, window size,
 * the controlling session and foreground process group, input queue and
 * flushes.  pm has checked what needs its process table (a session
 * leader for TIOCSCTTY, a group of the caller's session for TIOCSPGRP);
 * stm checks what needs the terminal: that it is the caller's
 * controlling terminal where Linux requires it (-ENOTTY), and job
 * control: a background process changing the terminal (TCSETS*,
 * TIOCSPGRP, TCFLSH, TCSBRK, TCXONC) gets UNIX_R_TTOU, as Linux's
 * tty_check_change sends SIGTTOU.  pm or's UNIX_PG_NOTTOU in to skip
 * that check (SIGTTOU ignored or blocked).  With stm_lock held.
 * Entry points: ttyIoctl.
 */
#include "stm.h"

#define TCIFLUSH	0
#define TCOFLUSH	1
#define TCIOFLUSH	2
#define TCION		3

/* The reply body: size bytes of v copied to buf. */
static long
out(struct kmsg *reply, char *buf, const void *v, size_t size)
{
	memcpy(buf, v, size);
	reply->body = buf;
	reply->bodysize = size;
	return 0;
}

static long
out_int(struct kmsg *reply, char *buf, int v)
{
	return out(reply, buf, &v, sizeof(v));
}

static long
set_termios(struct stty *st, unsigned long cmd, const void *in, size_t insize)
{
	struct linux_termios tio;

	if (insize < sizeof(tio))
		return -L_EINVAL;
	memcpy(&tio, in, sizeof(tio));
	if (cmd == L_TCSETSF)
		ttyFlushInput(&st->t);
	ttySetTermios(&st->t, &tio);
	ttyServe(st);			/* VMIN, VTIME or ICANON may let reads go */
	streamChanged(&st->s);
	return 0;
}

static long
set_winsize(struct stty *st, const void *in, size_t insize)
{
	struct linux_winsize ws;

	if (insize < sizeof(ws))
		return -L_EINVAL;
	memcpy(&ws, in, sizeof(ws));
	if (memcmp(&ws, &st->t.ws, sizeof(ws)) != 0) {
		st->t.ws = ws;
		ttySignal(st, L_SIGWINCH);
	}
	return 0;
}

/* TIOCSCTTY: the caller's session takes the terminal (arg 1: even from
 * another session; pm allows that to root only). */
static long
set_ctty(struct stty *st, unsigned long arg, unsigned long pg, const struct kui *grp)
{
	int sid = UNIX_PG_SID(pg);

	if (sid <= 0)
		return -L_EPERM;
	if (st->sid == sid)
		return 0;
	if (st->sid && arg != 1)
		return -L_EPERM;
	st->sid = sid;
	st->fgpgid = UNIX_PG_PGID(pg);
	st->fggrp = *grp;
	return 0;
}

/* TIOCNOTTY: from the session leader, the session loses the terminal and
 * its foreground group gets SIGHUP and SIGCONT; from others, nothing
 * here (pm forgets the process's controlling terminal). */
static long
drop_ctty(struct stty *st, int pid)
{
	if (pid != st->sid)
		return 0;
	ttySignal(st, L_SIGHUP);
	ttySignal(st, L_SIGCONT);
	st->sid = 0;
	st->fgpgid = 0;
	memset(&st->fggrp, 0, sizeof(st->fggrp));
	return 0;
}

static long
set_pgrp(struct stty *st, unsigned long arg, const void *in, size_t insize,
	 const struct kui *grp)
{
	int pgid = (int)arg;

	if (insize >= sizeof(int))
		memcpy(&pgid, in, sizeof(int));
	if (pgid <= 0)
		return -L_EINVAL;
	st->fgpgid = pgid;
	st->fggrp = *grp;
	return 0;
}

long
ttyIoctl(struct kmsg *req, struct kmsg *reply, struct stty *st, char *buf)
{
	unsigned long cmd = req->annex[2], arg = req->annex[3], pg = req->annex[5];
	int pid = (int)req->annex[4], sid = UNIX_PG_SID(pg);
	int ctty = st->sid > 0 && sid == st->sid;	/* the caller's controlling tty */
	struct kui grp = { req->annex[6], req->annex[7] };
	const void *in = req->body;
	size_t insize = req->bodysize;

	switch (cmd) {
	case L_TCSETS: case L_TCSETSW: case L_TCSETSF: case L_TIOCSPGRP:
	case L_TCFLSH: case L_TCSBRK: case L_TCXONC:
		if (ttyBackground(st, pg))
			return UNIX_R_TTOU;
	}
	switch (cmd) {
	case L_TCGETS:
		return out(reply, buf, &st->t.tio, sizeof(st->t.tio));
	case L_TCSETS: case L_TCSETSW: case L_TCSETSF:
		return set_termios(st, cmd, in, insize);
	case L_TIOCGWINSZ:
		return out(reply, buf, &st->t.ws, sizeof(st->t.ws));
	case L_TIOCSWINSZ:
		return set_winsize(st, in, insize);
	case L_TIOCSCTTY:
		return set_ctty(st, arg, pg, &grp);
	case L_TIOCNOTTY:
		return ctty ? drop_ctty(st, pid) : -L_ENOTTY;
	case L_TIOCGPGRP:
		return ctty ? out_int(reply, buf, st->fgpgid) : -L_ENOTTY;
	case L_TIOCSPGRP:
		return ctty ? set_pgrp(st, arg, in, insize, &grp) : -L_ENOTTY;
	case L_TIOCGSID:
		return ctty ? out_int(reply, buf, st->sid) : -L_ENOTTY;
	case L_FIONREAD:
		return out_int(reply, buf, (int)ttyInq(&st->t));
	case L_TIOCOUTQ:
		return out_int(reply, buf, 0);		/* output is never queued */
	case L_TCFLSH:
		if (arg > TCIOFLUSH)
			return -L_EINVAL;
		if (arg != TCOFLUSH)
			ttyFlushInput(&st->t);
		return 0;
	case L_TCSBRK:
		return 0;
	case L_TCXONC:
		return arg > TCION ? -L_EINVAL : 0;
	default:
		return -L_ENOTTY;
	}
}
