// SPDX-License-Identifier: MIT
/*
 * The line discipline (see tty.h): what Linux's n_tty does with each
 * input byte, the canonical editing and its echo, non-canonical read
 * conditions, and output post-processing.  Pure logic: the device is the
 * out() and sig() callbacks.
 * Entry points: ttyInit, ttyDefaultTermios, ttySetTermios, ttyInput,
 * ttyWrite, ttyReadReady, ttyRead, ttyPollIn, ttyInq, ttyFlushInput.
 */
#ifdef HOST_TEST
#include <string.h>
#else
#include <motet.h>
#endif
#include "tty.h"

#define MASK		(TTY_BUF - 1)
#define LF(t, f)	((t)->tio.c_lflag & (f))
#define IF(t, f)	((t)->tio.c_iflag & (f))
#define OF(t, f)	((t)->tio.c_oflag & (f))

enum { ERASE, WERASE, KILL };

/* Is c the control character cc[i]?  0 disables one (_POSIX_VDISABLE). */
static int
is_cc(const struct tty *t, unsigned char c, int i)
{
	return t->tio.c_cc[i] != 0 && c == t->tio.c_cc[i];
}

static int iscntrl_(unsigned char c) { return c < 32 || c == 127; }
static int isalnum_(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A UTF-8 continuation byte, when the terminal is told to expect UTF-8. */
static int
is_cont(const struct tty *t, unsigned char c)
{
	return IF(t, L_IUTF8) && (c & 0xc0) == 0x80;
}

/* ---- output ---- */

static void
flush_out(struct tty *t)
{
	if (t->olen) {
		t->out(t->arg, t->obuf, t->olen);
		t->olen = 0;
	}
}

static void
put_raw(struct tty *t, char c)
{
	if (t->olen == TTY_OBUF)
		flush_out(t);
	t->obuf[t->olen++] = c;
}

/* One output byte through OPOST, keeping the column. */
static void
opost(struct tty *t, unsigned char c)
{
	if (!OF(t, L_OPOST)) {
		put_raw(t, (char)c);
		return;
	}
	switch (c) {
	case '\n':
		if (OF(t, L_ONLCR)) {
			if (!t->devcrlf)
				put_raw(t, '\r');
			t->col = 0;
		}
		break;
	case '\r':
		if (OF(t, L_OCRNL))
			c = '\n';
		else
			t->col = 0;
		break;
	case '\t':
		t->col = (t->col | 7) + 1;
		break;
	case '\b':
		if (t->col > 0)
			t->col--;
		break;
	default:
		if (!iscntrl_(c) && !is_cont(t, c))
			t->col++;
	}
	put_raw(t, (char)c);
}

/* Echoes c, a control character as ^X under ECHOCTL. */
static void
echo_char(struct tty *t, unsigned char c)
{
	if (LF(t, L_ECHOCTL) && iscntrl_(c) && c != '\t') {
		put_raw(t, '^');
		put_raw(t, (char)(c ^ 0100));
		t->col += 2;
	} else {
		opost(t, c);
	}
}

static void
echo_str(struct tty *t, const char *s)
{
	while (*s)
		opost(t, (unsigned char)*s++);
}

size_t
ttyWrite(struct tty *t, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		opost(t, (unsigned char)buf[i]);
	flush_out(t);
	return n;
}

/* ---- input ---- */

static void
store(struct tty *t, unsigned char c, unsigned char mark)
{
	t->buf[t->head & MASK] = c;
	t->mark[t->head & MASK] = mark;
	t->head++;
}

void
ttyFlushInput(struct tty *t)
{
	memset(t->mark, 0, sizeof(t->mark));
	t->tail = t->canon = t->head;
	t->lnext = 0;
}

/* Ends the line being edited with c (marked EOL or EOF). */
static void
commit(struct tty *t, unsigned char c, unsigned char mark)
{
	if (ttyCount(t) >= TTY_BUF)
		return;			/* full even for a line end: dropped */
	store(t, c, mark);
	t->canon = t->head;
}

/* The column the echo of [canon, end) reaches, from canon_col. */
static int
column_at(const struct tty *t, uint32_t end)
{
	int col = t->canon_col;

	for (uint32_t i = t->canon; i != end; i++) {
		unsigned char c = t->buf[i & MASK];
		if (c == '\t')
			col = (col | 7) + 1;
		else if (iscntrl_(c))
			col += LF(t, L_ECHOCTL) ? 2 : 0;
		else if (!is_cont(t, c))
			col++;
	}
	return col;
}

/* Echo that takes back the character c the erase removed. */
static void
echo_rubout(struct tty *t, unsigned char c, int kind)
{
	if (kind == ERASE && !LF(t, L_ECHOE)) {
		echo_char(t, t->tio.c_cc[L_VERASE]);
	} else if (c == '\t') {
		int col = column_at(t, t->head);
		for (int n = 8 - (col & 7); n > 0; n--)
			opost(t, '\b');
	} else {
		if (iscntrl_(c) && LF(t, L_ECHOCTL))
			echo_str(t, "\b \b");
		if (!iscntrl_(c) || LF(t, L_ECHOCTL))
			echo_str(t, "\b \b");
	}
}

/* ERASE, WERASE and KILL on the line being edited. */
static void
erase(struct tty *t, int kind)
{
	int alnums = 0;

	if (t->head == t->canon)
		return;
	if (kind == KILL) {
		if (!LF(t, L_ECHO)) {
			t->head = t->canon;
			return;
		}
		if (!LF(t, L_ECHOK) || !LF(t, L_ECHOKE) || !LF(t, L_ECHOE)) {
			t->head = t->canon;
			echo_char(t, t->tio.c_cc[L_VKILL]);
			if (LF(t, L_ECHOK))
				opost(t, '\n');
			return;
		}
	}
	while (t->head != t->canon) {
		uint32_t h = t->head;
		unsigned char c;

		do {
			c = t->buf[--h & MASK];
		} while (is_cont(t, c) && h != t->canon);
		if (kind == WERASE) {
			if (isalnum_(c) || c == '_')
				alnums++;
			else if (alnums)
				break;
		}
		t->head = h;
		if (LF(t, L_ECHO))
			echo_rubout(t, c, kind);
		if (kind == ERASE)
			break;
	}
}

/* ^R: the line again, on a new line. */
static void
reprint(struct tty *t, unsigned char c)
{
	echo_char(t, c);
	opost(t, '\n');
	t->canon_col = t->col;
	for (uint32_t i = t->canon; i != t->head; i++)
		echo_char(t, t->buf[i & MASK]);
}

static void
signal_char(struct tty *t, unsigned char c, int signo)
{
	if (!LF(t, L_NOFLSH))
		ttyFlushInput(t);
	t->sig(t->arg, signo);
	if (LF(t, L_ECHO))
		echo_char(t, c);
}

/* A byte that goes into the buffer as itself. */
static void
ordinary(struct tty *t, unsigned char c, int literal)
{
	int canon = LF(t, L_ICANON) != 0;

	if (ttyCount(t) >= (size_t)(TTY_BUF - canon))
		return;			/* full: dropped (one slot kept for a line end) */
	if (LF(t, L_ECHO)) {
		if (t->canon == t->head)
			t->canon_col = t->col;
		if (c == '\n' && !literal)
			opost(t, '\n');
		else
			echo_char(t, c);
	}
	store(t, c, 0);
	if (!canon)
		t->canon = t->head;
}

/* The canonical-mode special characters; 1 if c was one. */
static int
canon_special(struct tty *t, unsigned char c)
{
	int ext = LF(t, L_IEXTEN) != 0, echo = LF(t, L_ECHO) != 0;

	if (is_cc(t, c, L_VERASE) || c == 0x7f || c == 0x08) {
		erase(t, ERASE);
	} else if (is_cc(t, c, L_VKILL)) {
		erase(t, KILL);
	} else if (ext && is_cc(t, c, L_VWERASE)) {
		erase(t, WERASE);
	} else if (ext && is_cc(t, c, L_VLNEXT)) {
		t->lnext = 1;
		if (echo) {
			if (t->canon == t->head)
				t->canon_col = t->col;
			echo_str(t, "^\b");
		}
	} else if (ext && echo && is_cc(t, c, L_VREPRINT)) {
		reprint(t, c);
	} else if (c == '\n') {
		if (echo || LF(t, L_ECHONL))
			opost(t, '\n');
		commit(t, c, TTY_MARK_EOL);
	} else if (is_cc(t, c, L_VEOF)) {
		commit(t, c, TTY_MARK_EOF);
	} else if (is_cc(t, c, L_VEOL) || (ext && is_cc(t, c, L_VEOL2))) {
		if (echo) {
			if (t->canon == t->head)
				t->canon_col = t->col;
			echo_char(t, c);
		}
		commit(t, c, TTY_MARK_EOL);
	} else {
		return 0;
	}
	return 1;
}

static void
receive(struct tty *t, unsigned char c)
{
	if (IF(t, L_ISTRIP))
		c &= 0x7f;
	if (t->lnext) {
		t->lnext = 0;
		ordinary(t, c, 1);
		return;
	}
	if (IF(t, L_IXON)) {
		if (is_cc(t, c, L_VSTOP)) {
			t->stopped = 1;
			return;
		}
		if (is_cc(t, c, L_VSTART)) {
			t->stopped = 0;
			return;
		}
		if (IF(t, L_IXANY))
			t->stopped = 0;
	}
	if (LF(t, L_ISIG)) {
		if (is_cc(t, c, L_VINTR)) {
			signal_char(t, c, L_SIGINT);
			return;
		}
		if (is_cc(t, c, L_VQUIT)) {
			signal_char(t, c, L_SIGQUIT);
			return;
		}
		if (is_cc(t, c, L_VSUSP)) {
			signal_char(t, c, L_SIGTSTP);
			return;
		}
	}
	if (c == '\r') {
		if (IF(t, L_IGNCR))
			return;
		if (IF(t, L_ICRNL))
			c = '\n';
	} else if (c == '\n' && IF(t, L_INLCR)) {
		c = '\r';
	}
	if (LF(t, L_ICANON) && canon_special(t, c))
		return;
	ordinary(t, c, 0);
}

void
ttyInput(struct tty *t, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		receive(t, (unsigned char)buf[i]);
	flush_out(t);
}

/* ---- reading ---- */

int
ttyReadReady(const struct tty *t, size_t max, int expired)
{
	size_t n = ttyCount(t), need;
	unsigned vmin = t->tio.c_cc[L_VMIN], vtime = t->tio.c_cc[L_VTIME];

	if (LF(t, L_ICANON))
		return t->tail != t->canon;
	if (vmin == 0)
		return vtime == 0 || n > 0 || expired;
	need = vmin < max ? vmin : max;
	return n >= need || (vtime && expired && n > 0);
}

size_t
ttyRead(struct tty *t, char *buf, size_t max)
{
	size_t n = 0;

	if (!LF(t, L_ICANON)) {
		while (n < max && t->tail != t->head) {
			t->mark[t->tail & MASK] = 0;
			buf[n++] = (char)t->buf[t->tail++ & MASK];
		}
		t->canon = t->head;
		return n;
	}
	while (n < max && t->tail != t->canon) {
		unsigned i = t->tail & MASK, m = t->mark[i];
		t->mark[i] = 0;
		t->tail++;
		if (m == TTY_MARK_EOF)
			break;
		buf[n++] = (char)t->buf[i];
		if (m == TTY_MARK_EOL)
			break;
	}
	return n;
}

int
ttyPollIn(const struct tty *t)
{
	unsigned vmin = t->tio.c_cc[L_VMIN];

	if (LF(t, L_ICANON))
		return t->tail != t->canon;
	if (t->tio.c_cc[L_VTIME] || vmin == 0)
		vmin = 1;
	return ttyCount(t) >= vmin;
}

size_t
ttyInq(const struct tty *t)
{
	size_t n = 0;

	if (!LF(t, L_ICANON))
		return ttyCount(t);
	for (uint32_t i = t->tail; i != t->canon; i++)
		if (t->mark[i & MASK] != TTY_MARK_EOF)
			n++;
	return n;
}

/* ---- set-up ---- */

void
ttyDefaultTermios(struct linux_termios *tio)
{
	static const uint8_t cc[L_NCCS] = {
		[L_VINTR] = 3, [L_VQUIT] = 0x1c, [L_VERASE] = 0x7f, [L_VKILL] = 0x15,
		[L_VEOF] = 4, [L_VTIME] = 0, [L_VMIN] = 1, [L_VSTART] = 0x11,
		[L_VSTOP] = 0x13, [L_VSUSP] = 0x1a, [L_VREPRINT] = 0x12, [13] = 0x0f,
		[L_VWERASE] = 0x17, [L_VLNEXT] = 0x16,
	};

	memset(tio, 0, sizeof(*tio));
	tio->c_iflag = L_ICRNL | L_IXON;
	tio->c_oflag = L_OPOST | L_ONLCR;
	tio->c_cflag = L_B38400 | L_CS8 | L_CREAD | L_HUPCL;
	tio->c_lflag = L_ISIG | L_ICANON | L_ECHO | L_ECHOE | L_ECHOK | L_ECHOCTL |
		       L_ECHOKE | L_IEXTEN;
	memcpy(tio->c_cc, cc, sizeof(cc));
}

/*
 * As n_tty: leaving canonical mode makes every byte readable; entering it
 * with bytes waiting makes them one line.
 */
void
ttySetTermios(struct tty *t, const struct linux_termios *tio)
{
	uint32_t old = t->tio.c_lflag;

	t->tio = *tio;
	if ((old ^ tio->c_lflag) & L_ICANON) {
		memset(t->mark, 0, sizeof(t->mark));
		if ((tio->c_lflag & L_ICANON) && t->head != t->tail)
			t->mark[(t->head - 1) & MASK] = TTY_MARK_EOL;
		t->canon = t->head;
		t->lnext = 0;
	}
	if (!IF(t, L_IXON))
		t->stopped = 0;
}

void
ttyInit(struct tty *t, tty_out_fn out, tty_sig_fn sig, void *arg)
{
	memset(t, 0, sizeof(*t));
	ttyDefaultTermios(&t->tio);
	t->ws.ws_row = 24;
	t->ws.ws_col = 80;
	t->out = out;
	t->sig = sig;
	t->arg = arg;
}
