// SPDX-License-Identifier: MIT
/*
 * The serial console on COM1 (16550 UART at 0x3f8): all nucleus output,
 * and a small input ring filled from the receive interrupt.
 * Entry points: serial_init, serial_putc, serial_getc_poll.
 */
#include <kern/types.h>
#include "x86.h"
#include "arch.h"

#define COM1	0x3f8

void
serial_init(void)
{
	outb(COM1 + 1, 0x00);	/* no interrupts yet */
	outb(COM1 + 3, 0x80);	/* DLAB */
	outb(COM1 + 0, 0x01);	/* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);	/* 8N1 */
	/* no FIFO: turning it on or clearing it would drop input that came
	 * before (a script piped into QEMU); one byte waits in the receive
	 * register until the interrupt takes it */
	outb(COM1 + 2, 0x00);
	outb(COM1 + 4, 0x0b);	/* DTR, RTS, OUT2 */
}

void
serial_putc(char c)
{
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		cpu_relax();
	outb(COM1, (u8)c);
}

/* Returns a received byte, or -1 if none is waiting. */
int
serial_getc_poll(void)
{
	if (!(inb(COM1 + 5) & 0x01))
		return -1;
	return inb(COM1);
}

/* Receive interrupts on (IRQ 4). */
void
serial_enable_rx_irq(void)
{
	outb(COM1 + 1, 0x01);
}
