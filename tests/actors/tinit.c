// SPDX-License-Identifier: MIT
/*
 * tinit: the test init.  Runs each test actor named in its arguments
 * (module:user or module:super, "+t" for trusted, "/N" for a time limit of
 * N seconds instead of LIMIT, optional ":args"; e.g. t_x:user+t/150:a,b),
 * one at a time, waits for its end with that time limit, reports a test
 * actor that crashed or hung, then powers the machine off.  Started
 * trusted by boot.conf.
 */
#include <motet.h>

#define SEC	(1000L * 1000 * 1000)
#define LIMIT	(60 * SEC)

static void
run(char *spec)
{
	char *mode = strchr(spec, ':'), *args = "", *secs;
	long aid, st, limit = LIMIT;
	int m = K_ACTOR_USER;

	if (mode) {
		*mode++ = '\0';
		char *a = strchr(mode, ':');
		if (a) {
			*a++ = '\0';
			args = a;
			for (char *p = args; *p; p++)
				if (*p == ',')
					*p = ' ';
		}
		if (strncmp(mode, "super", 5) == 0)
			m = K_ACTOR_SUPER;
		if (strchr(mode, '+'))		/* "user+t": trusted */
			m |= K_ACTOR_TRUSTED;
		if ((secs = strchr(mode, '/')))
			limit = katol(secs + 1) * SEC;
	}
	aid = actorStart(spec, m, args);
	if (K_IS_ERR(aid)) {
		kprintf("TEST start.%s: FAIL actorStart: %s\n", spec, kerrName(aid));
		return;
	}
	st = actorWait(aid, limit);
	if (st == -K_ETIMEOUT) {
		kprintf("TEST hang.%s: FAIL still running after %ld s\n", spec, limit / SEC);
		actorDelete(aid);
		actorWait(aid, LIMIT);
	} else if (st < 0 || !K_STATUS_EXITED(st) || K_STATUS_CODE(st) != 0) {
		kprintf("TEST end.%s: FAIL ended with status %#lx\n", spec, st);
	}
}

int
main(int argc, char **argv)
{
	struct ksysinfo si;

	sysInfo(&si);
	kprintf("tinit: %u processors, %lu pages free\n", si.ncpus, si.pages_free);
	for (int i = 1; i < argc; i++)
		run(argv[i]);
	kprintf("TESTS DONE\n");
	sysShutdown(0);
	return 0;
}
