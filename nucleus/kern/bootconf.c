// SPDX-License-Identifier: MIT
/*
 * The boot configuration parser (format in boot.h) and the boot module
 * table.  The parser is pure: host unit tests feed it text.
 * Entry points: bootconf_parse, bootmod_find.
 */
#include <kern/types.h>
#include <kern/klib.h>
#include <kern/boot.h>
#include <motet/nucleus.h>

struct bootmod bootmods[MAX_BOOTMODS];
int nbootmods;

const struct bootmod *
bootmod_find(const char *name)
{
	for (int i = 0; i < nbootmods; i++)
		if (strcmp(bootmods[i].name, name) == 0)
			return &bootmods[i];
	return NULL;
}

/* Copies the next blank-separated word of [*p, end) into w; 0 if none. */
static size_t
next_word(const char **p, const char *end, char *w, size_t max)
{
	size_t n = 0;

	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
	while (*p < end && **p != ' ' && **p != '\t') {
		if (n + 1 < max)
			w[n++] = **p;
		(*p)++;
	}
	w[n] = '\0';
	return n;
}

static bool
parse_prio(const char *w, long *prio)
{
	long v = 0;
	int neg = 0;
	const char *d;

	if (strncmp(w, "prio=rt:", 8) == 0)
		d = w + 8;
	else if (strncmp(w, "prio=ts:", 8) == 0)
		d = w + 8;
	else
		return false;
	if (*d == '-') {
		neg = 1;
		d++;
	}
	if (!*d)
		return false;
	for (; *d; d++) {
		if (*d < '0' || *d > '9' || v > 1000)
			return false;
		v = v * 10 + (*d - '0');
	}
	if (neg)
		v = -v;
	if (w[5] == 'r' && v >= 0 && v < K_RT_LEVELS)
		*prio = K_PRIO_RT(v);
	else if (w[5] == 't' && v >= K_TS_NICE_MIN && v <= K_TS_NICE_MAX)
		*prio = K_PRIO_TS(v);
	else
		return false;
	return true;
}

static bool
parse_line(const char *p, const char *end, struct bootconf_entry *e)
{
	char w[BOOTARGS_MAX];
	bool have_mode = false;
	size_t n;

	memset(e, 0, sizeof(*e));
	while ((n = next_word(&p, end, w, sizeof(w))) != 0) {
		if (strcmp(w, "user") == 0 || strcmp(w, "supervisor") == 0) {
			if (have_mode)
				return false;
			e->mode = w[0] == 'u' ? K_ACTOR_USER : K_ACTOR_SUPER;
			have_mode = true;
		} else if (strcmp(w, "trusted") == 0) {
			e->trusted = true;
		} else if (strncmp(w, "prio=", 5) == 0) {
			if (!parse_prio(w, &e->prio))
				return false;
		} else {
			if (n >= BOOTNAME_MAX)
				return false;
			memcpy(e->module, w, n + 1);
			break;
		}
	}
	if (!have_mode || !e->module[0])
		return false;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	n = MIN((size_t)(end - p), sizeof(e->args) - 1);
	memcpy(e->args, p, n);
	e->args[n] = '\0';
	return true;
}

int
bootconf_parse(const char *text, size_t len, struct bootconf_entry *out, int max)
{
	const char *p = text, *end = text + len;
	int count = 0, line = 0;

	while (p < end) {
		const char *eol = p, *stop;
		line++;
		while (eol < end && *eol != '\n')
			eol++;
		stop = p;
		while (stop < eol && *stop != '#')
			stop++;
		while (stop > p && (stop[-1] == ' ' || stop[-1] == '\t' || stop[-1] == '\r'))
			stop--;
		while (p < stop && (*p == ' ' || *p == '\t'))
			p++;
		if (p < stop) {
			if (count >= max || !parse_line(p, stop, &out[count]))
				return -line;
			out[count++].line = line;
		}
		p = eol + 1;
	}
	return count;
}
