// SPDX-License-Identifier: MIT
/*
 * Nucleus console output and panic.  Output goes to the serial console
 * under console_lock; a panic stops the other processors, prints a
 * symbolized backtrace and halts.
 * Entry points: kprintf, kputs_raw, panic.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/spinlock.h>
#include <kern/percpu.h>
#include "x86.h"

static struct spinlock console_lock = SPINLOCK_INIT("console");
static volatile int panicking;
bool panic_poweroff;			/* nucleus option panic=off */

static void
put_locked(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

void
kputs_raw(const char *s, size_t n)
{
	if (panicking) {
		put_locked(s, n);
		return;
	}
	spin_lock(&console_lock);
	put_locked(s, n);
	spin_unlock(&console_lock);
}

int
kprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kputs_raw(buf, MIN((size_t)n, sizeof(buf) - 1));
	return n;
}

_Noreturn void
panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	cli();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST)) {
		for (;;)
			hlt();
	}
	if (cpus_online > 1)
		lapic_send_ipi_others(VEC_PANIC);
	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprintf("\n*** nucleus panic on cpu %d: %s\n", mycpu()->id, buf);
	backtrace_from(read_rbp(), 0);
	if (panic_poweroff) {
		kprintf("*** powering off\n");
		acpi_poweroff();
	}
	kprintf("*** system halted\n");
	for (;;)
		hlt();
}
