// SPDX-License-Identifier: MIT
/*
 * Unit tests of stm's line discipline (servers/stm/tty.c) and pipe rules
 * (servers/stm/pipe.c): canonical editing and the echo it produces,
 * signal characters, EOF, input mapping, VMIN/VTIME read conditions,
 * mode switches, output processing; pipe atomicity, wraparound, end of
 * file and broken pipes.  The device is a capture buffer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <unix/linux.h>
#include <unix/proto.h>
#include "../../servers/stm/tty.h"
#include "../../servers/stm/pipe.h"

static struct tty tt;
static char echo[8192];
static size_t echolen;
static int sigs[16], nsigs;

static void
cap_out(void *arg, const char *buf, size_t n)
{
	assert_true(echolen + n < sizeof(echo));
	memcpy(echo + echolen, buf, n);
	echolen += n;
	echo[echolen] = '\0';
}

static void
cap_sig(void *arg, int signo)
{
	assert_true(nsigs < 16);
	sigs[nsigs++] = signo;
}

static int
setup(void **state)
{
	ttyInit(&tt, cap_out, cap_sig, NULL);
	echolen = 0;
	echo[0] = '\0';
	nsigs = 0;
	return 0;
}

static void
in(const char *s)
{
	ttyInput(&tt, s, strlen(s));
}

/* Reads up to max bytes into a NUL-terminated static buffer. */
static char rd_last[TTY_BUF + 1];

static const char *
rd(size_t max, size_t *n)
{
	char *b = rd_last;

	*n = ttyRead(&tt, b, max);
	b[*n] = '\0';
	return b;
}

static void
clear_echo(void)
{
	echolen = 0;
	echo[0] = '\0';
}

static void
set_lflag(uint32_t on, uint32_t off)
{
	struct linux_termios t = tt.tio;

	t.c_lflag = (t.c_lflag | on) & ~off;
	ttySetTermios(&tt, &t);
}

static void
test_defaults(void **state)
{
	assert_int_equal(tt.tio.c_iflag, L_ICRNL | L_IXON);
	assert_int_equal(tt.tio.c_oflag, L_OPOST | L_ONLCR);
	assert_int_equal(tt.tio.c_cflag, L_B38400 | L_CS8 | L_CREAD | L_HUPCL);
	assert_true(tt.tio.c_lflag & L_ICANON);
	assert_int_equal(tt.tio.c_cc[L_VINTR], 3);
	assert_int_equal(tt.tio.c_cc[L_VERASE], 0x7f);
	assert_int_equal(tt.tio.c_cc[L_VEOF], 4);
	assert_int_equal(tt.tio.c_cc[L_VMIN], 1);
	assert_int_equal(tt.ws.ws_row, 24);
	assert_int_equal(tt.ws.ws_col, 80);
}

static void
test_canon_line_and_echo(void **state)
{
	size_t n;

	in("ab");
	assert_false(ttyReadReady(&tt, 100, 0));
	assert_false(ttyPollIn(&tt));
	assert_string_equal(echo, "ab");
	in("c\r");			/* ICRNL: CR ends the line */
	assert_true(ttyReadReady(&tt, 100, 0));
	assert_true(ttyPollIn(&tt));
	assert_string_equal(echo, "abc\r\n");
	assert_int_equal(ttyInq(&tt), 4);
	assert_string_equal(rd(100, &n), "abc\n");
	assert_false(ttyReadReady(&tt, 100, 0));
}

static void
test_canon_two_lines_partial_read(void **state)
{
	size_t n;

	in("hello\nxy\n");
	assert_string_equal(rd(3, &n), "hel");
	assert_string_equal(rd(100, &n), "lo\n");
	assert_string_equal(rd(100, &n), "xy\n");
	assert_int_equal(ttyCount(&tt), 0);
}

static void
test_erase(void **state)
{
	size_t n;

	in("abx\x7f");
	assert_string_equal(echo, "abx\b \b");
	in("c\x08");			/* backspace erases too */
	in("d\n");
	assert_string_equal(rd(100, &n), "abd\n");
	clear_echo();
	in("\x7f\x7fq\n");		/* nothing to erase: no echo */
	assert_string_equal(echo, "q\r\n");
	assert_string_equal(rd(100, &n), "q\n");
}

static void
test_erase_control_and_tab(void **state)
{
	size_t n;

	in("a\x16\x01");		/* LNEXT ^A: a literal control, shown ^A */
	assert_string_equal(echo, "a^\b^A");
	clear_echo();
	in("\x7f");			/* two columns to take back */
	assert_string_equal(echo, "\b \b\b \b");
	clear_echo();
	in("\t\x7f");			/* a tab from column 1: 7 backspaces */
	assert_string_equal(echo, "\t\b\b\b\b\b\b\b");
	in("\n");
	assert_string_equal(rd(100, &n), "a\n");
}

static void
test_erase_without_echoe(void **state)
{
	set_lflag(0, L_ECHOE);
	in("ab\x7f");
	assert_string_equal(echo, "ab^?");
}

static void
test_kill(void **state)
{
	size_t n;

	in("abc\x15");			/* ECHOKE: erased one by one */
	assert_string_equal(echo, "abc\b \b\b \b\b \b");
	in("z\n");
	assert_string_equal(rd(100, &n), "z\n");
	set_lflag(0, L_ECHOKE);
	clear_echo();
	in("ab\x15");			/* ECHOK without ECHOKE: ^U and a newline */
	assert_string_equal(echo, "ab^U\r\n");
	in("\n");
	assert_string_equal(rd(100, &n), "\n");
}

static void
test_werase(void **state)
{
	size_t n;

	in("foo bar_1  \x17");
	assert_string_equal(echo + strlen("foo bar_1  "),
			    "\b \b\b \b\b \b\b \b\b \b\b \b\b \b");
	in("x\n");
	assert_string_equal(rd(100, &n), "foo x\n");
}

static void
test_reprint(void **state)
{
	in("ab\x12");
	assert_string_equal(echo, "ab^R\r\nab");
}

static void
test_eof(void **state)
{
	size_t n;

	in("ab\x04");			/* ^D: what is there, not echoed */
	assert_string_equal(echo, "ab");
	assert_true(ttyReadReady(&tt, 100, 0));
	assert_int_equal(ttyInq(&tt), 2);
	assert_string_equal(rd(100, &n), "ab");
	assert_int_equal(n, 2);
	in("\x04");			/* on an empty line: end of file */
	assert_true(ttyReadReady(&tt, 100, 0));
	rd(100, &n);
	assert_int_equal(n, 0);
	assert_false(ttyReadReady(&tt, 100, 0));
	assert_int_equal(ttyCount(&tt), 0);
}

static void
test_eol_chars(void **state)
{
	struct linux_termios t = tt.tio;
	size_t n;

	t.c_cc[L_VEOL] = ';';
	ttySetTermios(&tt, &t);
	in("ls;");
	assert_string_equal(rd(100, &n), "ls;");
	ttyInput(&tt, " \0x\n", 4);	/* VEOL2 is 0: disabled, NUL is a byte */
	rd(100, &n);
	assert_int_equal(n, 4);
	assert_memory_equal(rd_last, " \0x\n", 4);
}

static void
test_input_maps(void **state)
{
	struct linux_termios t = tt.tio;
	size_t n;

	t.c_iflag = L_IGNCR;
	ttySetTermios(&tt, &t);
	in("a\rb\n");
	assert_string_equal(rd(100, &n), "ab\n");
	t.c_iflag = L_INLCR;
	t.c_lflag &= ~L_ICANON;
	ttySetTermios(&tt, &t);
	in("x\n");
	assert_string_equal(rd(100, &n), "x\r");
	t.c_iflag = 0;
	ttySetTermios(&tt, &t);
	in("y\r");
	assert_string_equal(rd(100, &n), "y\r");
	t.c_iflag = L_ISTRIP;
	ttySetTermios(&tt, &t);
	in("\xc1");
	assert_string_equal(rd(100, &n), "A");
}

static void
test_isig(void **state)
{
	size_t n;

	in("abc\x03");
	assert_int_equal(nsigs, 1);
	assert_int_equal(sigs[0], L_SIGINT);
	assert_string_equal(echo, "abc^C");
	assert_int_equal(ttyCount(&tt), 0);	/* flushed */
	in("\x1c\x1a");
	assert_int_equal(nsigs, 3);
	assert_int_equal(sigs[1], L_SIGQUIT);
	assert_int_equal(sigs[2], L_SIGTSTP);
	set_lflag(L_NOFLSH, 0);
	in("k\x03");
	assert_int_equal(nsigs, 4);
	assert_int_equal(ttyCount(&tt), 1);	/* NOFLSH: kept */
	set_lflag(0, L_ISIG | L_NOFLSH);
	in("\x03\n");
	assert_int_equal(nsigs, 4);
	assert_string_equal(rd(100, &n), "k\x03\n");
}

static void
test_no_echo(void **state)
{
	size_t n;

	set_lflag(0, L_ECHO);
	in("secret\x7f\n");
	assert_int_equal(echolen, 0);
	assert_string_equal(rd(100, &n), "secre\n");
	set_lflag(L_ECHONL, 0);
	in("x\n");
	assert_string_equal(echo, "\r\n");
}

static void
test_ixon(void **state)
{
	size_t n;

	in("a\x13" "b\x11\n");
	assert_int_equal(tt.stopped, 0);
	assert_string_equal(rd(100, &n), "ab\n");
	in("\x13");
	assert_int_equal(tt.stopped, 1);
}

static void
test_raw_vmin(void **state)
{
	struct linux_termios t = tt.tio;
	size_t n;

	t.c_lflag &= ~(L_ICANON | L_ECHO);
	t.c_cc[L_VMIN] = 3;
	t.c_cc[L_VTIME] = 0;
	ttySetTermios(&tt, &t);
	in("ab");
	assert_false(ttyReadReady(&tt, 10, 0));
	assert_true(ttyReadReady(&tt, 2, 0));	/* asks for no more than there is */
	assert_false(ttyPollIn(&tt));
	in("\x7f");				/* no editing in raw mode */
	assert_true(ttyReadReady(&tt, 10, 0));
	assert_true(ttyPollIn(&tt));
	assert_string_equal(rd(10, &n), "ab\x7f");
	t.c_cc[L_VMIN] = 1;
	ttySetTermios(&tt, &t);
	assert_false(ttyReadReady(&tt, 10, 0));
	in("z");
	assert_true(ttyReadReady(&tt, 10, 0));
	assert_string_equal(rd(10, &n), "z");
}

static void
test_raw_vmin0_vtime(void **state)
{
	struct linux_termios t = tt.tio;
	size_t n;

	t.c_lflag &= ~L_ICANON;
	t.c_cc[L_VMIN] = 0;
	t.c_cc[L_VTIME] = 0;
	ttySetTermios(&tt, &t);
	assert_true(ttyReadReady(&tt, 10, 0));	/* polling read: at once */
	rd(10, &n);
	assert_int_equal(n, 0);
	assert_int_equal(ttyVtimeNs(&tt), 0);
	t.c_cc[L_VTIME] = 5;			/* 0.5 s to wait for a byte */
	ttySetTermios(&tt, &t);
	assert_int_equal(ttyVtimeNs(&tt), 500000000L);
	assert_false(ttyReadReady(&tt, 10, 0));
	assert_true(ttyReadReady(&tt, 10, 1));	/* the timer ran out */
	in("q");
	assert_true(ttyReadReady(&tt, 10, 0));
	t.c_cc[L_VMIN] = 4;			/* inter-byte timer */
	ttySetTermios(&tt, &t);
	assert_false(ttyReadReady(&tt, 10, 0));
	assert_true(ttyReadReady(&tt, 10, 1));
	assert_true(ttyPollIn(&tt));
	assert_string_equal(rd(10, &n), "q");
	assert_false(ttyReadReady(&tt, 10, 1));	/* nothing yet: no timeout */
}

static void
test_mode_switch(void **state)
{
	size_t n;

	in("abc");				/* a line in progress */
	set_lflag(0, L_ICANON);
	assert_true(ttyReadReady(&tt, 10, 0));
	assert_string_equal(rd(2, &n), "ab");
	set_lflag(L_ICANON, 0);			/* the rest becomes a line */
	assert_true(ttyReadReady(&tt, 10, 0));
	assert_string_equal(rd(10, &n), "c");
	assert_false(ttyReadReady(&tt, 10, 0));
}

static void
test_flush_and_full(void **state)
{
	char big[TTY_BUF + 10];
	size_t n;

	set_lflag(0, L_ECHO);
	memset(big, 'x', sizeof(big));
	ttyInput(&tt, big, sizeof(big));
	assert_int_equal(ttyCount(&tt), TTY_BUF - 1);	/* room kept for the end */
	in("\n");
	assert_int_equal(ttyCount(&tt), TTY_BUF);
	assert_true(ttyReadReady(&tt, 1, 0));
	rd(TTY_BUF, &n);
	assert_int_equal(n, TTY_BUF);
	in("abc");
	ttyFlushInput(&tt);
	assert_int_equal(ttyCount(&tt), 0);
	in("d\n");
	assert_string_equal(rd(10, &n), "d\n");
}

static void
test_output_processing(void **state)
{
	struct linux_termios t = tt.tio;

	ttyWrite(&tt, "a\nb", 3);
	assert_string_equal(echo, "a\r\nb");
	clear_echo();
	tt.devcrlf = 1;				/* the console adds CR itself */
	ttyWrite(&tt, "a\nb", 3);
	assert_string_equal(echo, "a\nb");
	tt.devcrlf = 0;
	clear_echo();
	t.c_oflag = 0;
	ttySetTermios(&tt, &t);
	ttyWrite(&tt, "a\nb", 3);
	assert_string_equal(echo, "a\nb");
	clear_echo();
	t.c_oflag = L_OPOST | L_OCRNL;
	ttySetTermios(&tt, &t);
	ttyWrite(&tt, "a\rb", 3);
	assert_string_equal(echo, "a\nb");
}

static void
test_long_output_is_whole(void **state)
{
	char big[1000];

	memset(big, 'y', sizeof(big));
	assert_int_equal(ttyWrite(&tt, big, sizeof(big)), sizeof(big));
	assert_int_equal(echolen, sizeof(big));
	assert_memory_equal(echo, big, sizeof(big));
}

/* ---- pipes ---- */

static struct pipe pp;
static char pbuf[UNIX_PIPE_SIZE];

static int
psetup(void **state)
{
	pipeInit(&pp, pbuf, sizeof(pbuf));
	pp.readers = pp.writers = 1;
	return 0;
}

static void
test_pipe_read_write(void **state)
{
	char b[16];
	size_t done = 0;

	assert_int_equal(pipeRead(&pp, b, sizeof(b)), PIPE_WAIT);
	assert_int_equal(pipePoll(&pp, 1), 0);
	assert_int_equal(pipeWrite(&pp, "hello", 5, &done), 5);
	assert_int_equal(pipePoll(&pp, 1), L_POLLIN | L_POLLRDNORM);
	assert_int_equal(pipeRead(&pp, b, 3), 3);
	assert_memory_equal(b, "hel", 3);
	assert_int_equal(pipeRead(&pp, b, sizeof(b)), 2);
	assert_memory_equal(b, "lo", 2);
	assert_int_equal(pipeRead(&pp, b, 0), 0);
}

static void
test_pipe_eof_and_epipe(void **state)
{
	char b[4];
	size_t done = 0;

	assert_int_equal(pipeWrite(&pp, "ab", 2, &done), 2);
	pp.writers = 0;
	assert_true(pipePoll(&pp, 1) & L_POLLHUP);
	assert_int_equal(pipeRead(&pp, b, 4), 2);	/* data first */
	assert_int_equal(pipeRead(&pp, b, 4), 0);	/* then end of file */
	pp.readers = 0;
	done = 0;
	assert_int_equal(pipeWrite(&pp, "x", 1, &done), -L_EPIPE);
	assert_true(pipePoll(&pp, 0) & L_POLLERR);
}

static void
test_pipe_atomic(void **state)
{
	static char big[UNIX_PIPE_SIZE];
	char b[UNIX_PIPE_BUF];
	size_t done = 0;

	memset(big, 'a', sizeof(big));
	assert_int_equal(pipePut(&pp, big, UNIX_PIPE_SIZE - 100), UNIX_PIPE_SIZE - 100);
	assert_int_equal(pipeRoom(&pp), 100);
	assert_int_equal(pipePoll(&pp, 0), 0);	/* less than PIPE_BUF of room */
	assert_int_equal(pipeWrite(&pp, big, 200, &done), PIPE_WAIT);
	assert_int_equal(done, 0);			/* nothing of it went in */
	assert_int_equal(pipeRoom(&pp), 100);
	assert_int_equal(pipeWrite(&pp, big, 100, &done), 100);
	assert_int_equal(pipeGet(&pp, b, sizeof(b)), sizeof(b));
	assert_int_equal(pipePoll(&pp, 0), L_POLLOUT | L_POLLWRNORM);
	done = 0;
	assert_int_equal(pipeWrite(&pp, big, UNIX_PIPE_BUF, &done), UNIX_PIPE_BUF);
	assert_int_equal(pipeRoom(&pp), 0);
}

static void
test_pipe_big_write_partial(void **state)
{
	static char big[UNIX_PIPE_SIZE + 5000], out[UNIX_PIPE_SIZE + 5000];
	size_t done = 0, got = 0;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 251);
	assert_int_equal(pipeWrite(&pp, big, sizeof(big), &done), PIPE_WAIT);
	assert_int_equal(done, UNIX_PIPE_SIZE);		/* took what fit */
	while (got < sizeof(big)) {
		long r = pipeRead(&pp, out + got, 3000);
		assert_true(r > 0);
		got += (size_t)r;
		if (done < sizeof(big)) {
			long w = pipeWrite(&pp, big, sizeof(big), &done);
			assert_true(w == PIPE_WAIT || w == (long)sizeof(big));
		}
	}
	assert_memory_equal(out, big, sizeof(big));
}

static void
test_pipe_wraparound(void **state)
{
	char w[3000], r[4000];
	unsigned seed = 1, wc = 0, rc = 0;

	/* writes and reads of odd sizes: the ring wraps many times, and the
	 * bytes come out in order */
	for (int round = 0; round < 3000; round++) {
		size_t n = 1 + (seed = seed * 1103515245 + 12345) / 65536 % sizeof(w);
		size_t done = 0;
		long got;

		for (size_t i = 0; i < n; i++)
			w[i] = (char)(wc++ % 251);
		assert_int_equal(pipeWrite(&pp, w, n, &done), (long)n);
		got = pipeRead(&pp, r, 1 + (seed = seed * 1103515245 + 12345) / 65536 % sizeof(r));
		assert_true(got > 0);
		for (long i = 0; i < got; i++)
			assert_int_equal(r[i], (char)(rc++ % 251));
	}
	assert_true(pp.head > 8 * UNIX_PIPE_SIZE);
	while (pipeCount(&pp)) {
		long got = pipeRead(&pp, r, sizeof(r));
		for (long i = 0; i < got; i++)
			assert_int_equal(r[i], (char)(rc++ % 251));
	}
	assert_int_equal(rc, wc);
}

static void
test_pipe_wrap_exact(void **state)
{
	static char a[UNIX_PIPE_SIZE], b[UNIX_PIPE_SIZE];
	size_t done = 0;

	memset(a, 1, sizeof(a));
	pipePut(&pp, a, UNIX_PIPE_SIZE - 10);
	pipeGet(&pp, b, UNIX_PIPE_SIZE - 10);
	for (int i = 0; i < 30; i++)
		a[i] = (char)i;
	assert_int_equal(pipeWrite(&pp, a, 30, &done), 30);	/* 10 at the end, 20 at the start */
	assert_int_equal(pipeRead(&pp, b, 30), 30);
	assert_memory_equal(a, b, 30);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults, setup),
		cmocka_unit_test_setup(test_canon_line_and_echo, setup),
		cmocka_unit_test_setup(test_canon_two_lines_partial_read, setup),
		cmocka_unit_test_setup(test_erase, setup),
		cmocka_unit_test_setup(test_erase_control_and_tab, setup),
		cmocka_unit_test_setup(test_erase_without_echoe, setup),
		cmocka_unit_test_setup(test_kill, setup),
		cmocka_unit_test_setup(test_werase, setup),
		cmocka_unit_test_setup(test_reprint, setup),
		cmocka_unit_test_setup(test_eof, setup),
		cmocka_unit_test_setup(test_eol_chars, setup),
		cmocka_unit_test_setup(test_input_maps, setup),
		cmocka_unit_test_setup(test_isig, setup),
		cmocka_unit_test_setup(test_no_echo, setup),
		cmocka_unit_test_setup(test_ixon, setup),
		cmocka_unit_test_setup(test_raw_vmin, setup),
		cmocka_unit_test_setup(test_raw_vmin0_vtime, setup),
		cmocka_unit_test_setup(test_mode_switch, setup),
		cmocka_unit_test_setup(test_flush_and_full, setup),
		cmocka_unit_test_setup(test_output_processing, setup),
		cmocka_unit_test_setup(test_long_output_is_whole, setup),
		cmocka_unit_test_setup(test_pipe_read_write, psetup),
		cmocka_unit_test_setup(test_pipe_eof_and_epipe, psetup),
		cmocka_unit_test_setup(test_pipe_atomic, psetup),
		cmocka_unit_test_setup(test_pipe_big_write_partial, psetup),
		cmocka_unit_test_setup(test_pipe_wraparound, psetup),
		cmocka_unit_test_setup(test_pipe_wrap_exact, psetup),
	};
	return cmocka_run_group_tests_name("tty", tests, NULL, NULL);
}
