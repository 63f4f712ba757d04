// SPDX-License-Identifier: MIT
/* Formatted console output for actors, over consWrite. */
#include <motet.h>

int
kprintf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	consWrite(buf, (unsigned long)n);
	return n;
}
