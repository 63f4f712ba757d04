// SPDX-License-Identifier: MIT
/*
 * C side of actor start-up: keep the start information, run main, and end
 * the actor with main's return value.
 */
#include <motet.h>

const struct kstartinfo *__kstart;
unsigned long __ncall_entry;

int main(int argc, char **argv);
void __kmain(const struct kstartinfo *si) __attribute__((noreturn));

void
__kmain(const struct kstartinfo *si)
{
	int r;

	__kstart = si;
	__ncall_entry = si->ncall_entry;
	r = main((int)si->argc, si->argv);
	actorExit(r & 0xffff);
	for (;;)
		threadDelete(0);
}
