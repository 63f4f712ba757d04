/* SPDX-License-Identifier: MIT */
/*
 * Result lines of the QEMU integration tests: "TEST <name>: ok" or
 * "TEST <name>: FAIL <why>".  tools/test.sh reads them from the serial log
 * and compares with tests/qemu/<suite>.expect.  CHECK records a failure and
 * goes on, so one run reports every broken expectation of a test.
 */
#ifndef KTEST_H
#define KTEST_H

#include <motet.h>

static int ktest_failed;
static const char *ktest_name;
static char ktest_mode[4];

static inline void
ktest_begin(const char *name)
{
	ktest_name = name;
	ktest_failed = 0;
	ktest_mode[0] = __kstart->mode == K_ACTOR_SUPER ? 's' : 'u';
}

static inline void
ktest_end(void)
{
	if (!ktest_failed)
		kprintf("TEST %s.%s: ok\n", ktest_name, ktest_mode);
}

#define CHECK(c, ...) do { if (!(c)) { \
	char _m[160]; ksnprintf(_m, sizeof(_m), __VA_ARGS__); \
	kprintf("TEST %s.%s: FAIL line %d: %s (%s)\n", ktest_name, ktest_mode, \
		__LINE__, _m, #c); ktest_failed = 1; } } while (0)
#define CHECK_EQ(a, b) do { long _a = (long)(a), _b = (long)(b); \
	CHECK(_a == _b, "%s = %ld (%s), expected %ld (%s)", #a, _a, \
	      kerrName(_a), _b, kerrName(_b)); } while (0)

#define MS	(1000L * 1000L)

static inline void
spin_ms(long ms)
{
	long end = timeNow() + ms * MS;

	while (timeNow() < end)
		;
}

/* A fresh port-group key (64 + 23 random bits). */
static inline struct kui
new_key(void)
{
	unsigned long s[2] = { 0, 0 };
	struct kui k;

	capSecretNew(s);
	k.head = ((unsigned long)K_UI_KEY << 24) | (s[0] & 0x7fffff);
	k.stamp = s[1];
	return k;
}

#endif
