/* SPDX-License-Identifier: MIT */
/*
 * The line discipline of a terminal, after Linux's n_tty: input
 * processing (ISTRIP, IGNCR, ICRNL, INLCR, IXON), canonical line editing
 * (ERASE, KILL, WERASE, REPRINT, LNEXT, EOF, EOL, EOL2) with its echo
 * (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL, ECHOCTL), the signal characters
 * (ISIG), non-canonical reads (VMIN, VTIME) and output processing (OPOST,
 * ONLCR, OCRNL).  No nucleus call: it runs on the host for unit tests.
 * The caller serializes every call on one tty (stm's lock).
 *
 * The device below is two callbacks: out(arg, bytes, n) writes processed
 * output and echo; sig(arg, signo) raises a terminal signal (the caller
 * sends it to the foreground process group).  Neither may call back into
 * the tty.  Time is the caller's too: VTIME timers live with its waiting
 * reads, and ttyReadReady is told whether a read's timer ran out.
 */
#ifndef STM_TTY_H
#define STM_TTY_H

#include <stddef.h>
#include <stdint.h>
#include <unix/linux.h>

#define TTY_BUF		4096		/* input ring, a power of two */
#define TTY_OBUF	256		/* output staged before out() */

typedef void (*tty_out_fn)(void *arg, const char *buf, size_t n);
typedef void (*tty_sig_fn)(void *arg, int signo);

struct tty {
	struct linux_termios tio;
	struct linux_winsize ws;
	/*
	 * Input: bytes in [tail, head) of buf (free-running indexes).  In
	 * canonical mode [tail, canon) holds whole lines, each ended by a
	 * byte marked TTY_MARK_EOL (kept) or TTY_MARK_EOF (the EOF
	 * character, dropped by the read), and [canon, head) the line being
	 * edited.  In non-canonical mode canon == head.
	 */
	unsigned char buf[TTY_BUF];
	unsigned char mark[TTY_BUF];
	uint32_t head, tail, canon;
	int lnext;			/* the next byte is literal */
	int stopped;			/* output stopped by VSTOP (IXON) */
	int col;			/* output column, for erasing tabs */
	int canon_col;			/* column where the edited line began */
	int devcrlf;			/* the device turns "\n" into "\r\n" itself */
	char obuf[TTY_OBUF];		/* output not yet given to out() */
	size_t olen;
	tty_out_fn out;
	tty_sig_fn sig;
	void *arg;
};

#define TTY_MARK_EOL	1
#define TTY_MARK_EOF	2

void ttyInit(struct tty *t, tty_out_fn out, tty_sig_fn sig, void *arg);
void ttyDefaultTermios(struct linux_termios *tio);
void ttySetTermios(struct tty *t, const struct linux_termios *tio);
void ttyInput(struct tty *t, const char *buf, size_t n);
size_t ttyWrite(struct tty *t, const char *buf, size_t n);
int ttyReadReady(const struct tty *t, size_t max, int expired);
size_t ttyRead(struct tty *t, char *buf, size_t max);
int ttyPollIn(const struct tty *t);
size_t ttyInq(const struct tty *t);
void ttyFlushInput(struct tty *t);

/* The VTIME timer a waiting non-canonical read needs, in ns (0: none). */
static inline long
ttyVtimeNs(const struct tty *t)
{
	if (t->tio.c_lflag & L_ICANON)
		return 0;
	return (long)t->tio.c_cc[L_VTIME] * 100 * 1000 * 1000;
}

/* Bytes waiting to be read (in either mode, lines in progress included). */
static inline size_t
ttyCount(const struct tty *t)
{
	return t->head - t->tail;
}

#endif
