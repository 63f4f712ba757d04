// SPDX-License-Identifier: MIT
/*
 * kvsnprintf: the one formatter of the system, linked into the nucleus and
 * into actors.  It depends on nothing but the compiler's freestanding
 * headers.  Supports %d %i %u %x %X %o %p %s %c %%, the flags '-' and '0',
 * '#' (0x prefix), a width, a precision for %s (also '*'), and the l, ll,
 * z length modifiers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

int kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t n, const char *fmt, ...);

struct out {
	char *buf;
	size_t n, len;
};

static void
put(struct out *o, char c)
{
	if (o->len + 1 < o->n)
		o->buf[o->len] = c;
	o->len++;
}

static void
pad(struct out *o, int count, char c)
{
	while (count-- > 0)
		put(o, c);
}

static void
number(struct out *o, uint64_t v, int base, int upper, int neg,
       int width, int left, char fill, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int i = 0;

	do {
		tmp[i++] = digits[v % base];
		v /= base;
	} while (v);
	width -= i + neg;
	for (const char *p = prefix; *p; p++)
		width--;
	if (!left && fill == ' ')
		pad(o, width, ' ');
	if (neg)
		put(o, '-');
	while (*prefix)
		put(o, *prefix++);
	if (!left && fill == '0')
		pad(o, width, '0');
	while (i)
		put(o, tmp[--i]);
	if (left)
		pad(o, width, ' ');
}

int
kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = { buf, n, 0 };

	for (; *fmt; fmt++) {
		int left = 0, width = 0, prec = -1, lng = 0, alt = 0;
		char fill = ' ';

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '#')
				alt = 1;
			else if (*fmt == '0')
				fill = '0';
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				prec = prec * 10 + (*fmt++ - '0');
		}
		while (*fmt == 'l' || *fmt == 'z') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 'd': case 'i': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			number(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, 0,
			       v < 0, width, left, fill, "");
			break;
		}
		case 'u': case 'x': case 'X': case 'o': {
			uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
			int base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
			number(&o, v, base, *fmt == 'X', 0, width, left, fill,
			       alt && base == 16 ? (*fmt == 'X' ? "0X" : "0x") : "");
			break;
		}
		case 'p':
			number(&o, (uintptr_t)va_arg(ap, void *), 16, 0, 0,
			       width, left, fill, "0x");
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len = 0;
			if (!s)
				s = "(null)";
			while (s[len] && (prec < 0 || len < prec))
				len++;
			if (!left)
				pad(&o, width - len, ' ');
			for (int i = 0; i < len; i++)
				put(&o, s[i]);
			if (left)
				pad(&o, width - len, ' ');
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
		}
	}
	if (o.n)
		o.buf[o.len < o.n ? o.len : o.n - 1] = '\0';
	return (int)o.len;
}

int
ksnprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = kvsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}
