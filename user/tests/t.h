/* SPDX-License-Identifier: MIT */
/*
 * The check macros of the system-call tests (static musl programs run
 * inside motet by tests/unix/run.sh).  Each program is one test: it
 * prints "TEST c.NAME: ok", or one "TEST c.NAME: FAIL ..." line per
 * failed check.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *t_name;
static int t_fails;

#define CHECK(c) do { if (!(c)) { t_fails++; \
	printf("TEST c.%s: FAIL line %d: %s (errno %d)\n", t_name, __LINE__, #c, errno); \
	fflush(stdout); } } while (0)
/* a call that must fail with errno e */
#define CHECK_ERR(call, e) do { errno = 0; long r_ = (long)(call); \
	if (r_ != -1 || errno != (e)) { t_fails++; \
	printf("TEST c.%s: FAIL line %d: %s = %ld errno %d, expected -1 errno %d\n", \
	       t_name, __LINE__, #call, r_, errno, (e)); fflush(stdout); } } while (0)

static int
t_end(void)
{
	if (!t_fails)
		printf("TEST c.%s: ok\n", t_name);
	fflush(stdout);
	return t_fails != 0;
}
