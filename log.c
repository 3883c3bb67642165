// SPDX-License-Identifier: MIT
/*
 * The logger: one line per message on stderr, built in a buffer and written
 * with a single write(2), so that lines from sexton and its child never
 * interleave mid-line. stdout belongs to the workload.
 *
 * The formatter is sexton's own (musl's printf would cost about 10 KiB). It
 * knows %s, %c, %%, and %d, %i, %u, %x with the length modifiers l and z,
 * each read with the type the compiler's printf-format check assumed. The
 * check also lets through flags, widths, floating point and %n, which this
 * formatter would misprint and which would shift every later argument:
 * tests/layout.bats rejects any format string of a log_msg() call that goes
 * beyond this list.
 */
#include "sexton.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>

/* The one file-scope variable: the logger must work before the config exists. */
static int log_level = LEVEL_WARN;

struct line {
	char buf[480];
	size_t len;
};

static void put_char(struct line *l, char c)
{
	if (l->len < sizeof(l->buf) - 1)
		l->buf[l->len++] = c;
}

static void put_str(struct line *l, const char *s)
{
	if (s == NULL)
		s = "(null)";
	while (*s != '\0')
		put_char(l, *s++);
}

/* The integer argument of a d, i, u or x conversion, read as its length modifier says. */
static unsigned long take_int(va_list *ap, char conv, char length, bool *negative)
{
	long s;

	if (conv != 'd' && conv != 'i') {
		*negative = false;
		if (length == 'l')
			return va_arg(*ap, unsigned long);
		return length == 'z' ? va_arg(*ap, size_t) : va_arg(*ap, unsigned);
	}
	if (length == 'l')
		s = va_arg(*ap, long);
	else
		s = length == 'z' ? va_arg(*ap, ssize_t) : va_arg(*ap, int);
	*negative = s < 0;
	return s < 0 ? 0UL - (unsigned long)s : (unsigned long)s;
}

/* One conversion; *fmt is past its '%' and is left on its last letter. */
static void put_conversion(struct line *l, const char **fmt, va_list *ap)
{
	char text[24], length = 0;
	bool negative;
	unsigned long v;

	if (**fmt == 'l' || **fmt == 'z')
		length = *(*fmt)++;
	switch (**fmt) {
	case 's':
		put_str(l, va_arg(*ap, const char *));
		return;
	case 'c':
		put_char(l, (char)va_arg(*ap, int));
		return;
	case '%':
		put_char(l, '%');
		return;
	case '\0':
		(*fmt)--; /* a lone '%' at the end */
		return;
	default: /* d, i, u, x */
		v = take_int(ap, **fmt, length, &negative);
		if (negative)
			put_char(l, '-');
		(void)num_put(text, v, **fmt == 'x' ? 16 : 10);
		put_str(l, text);
		return;
	}
}

void log_set_level(int level)
{
	log_level = level;
}

/* For callers that would do work only to build a message nobody reads. */
bool log_enabled(int level)
{
	return level <= log_level;
}

/* "sexton: " and the message on stderr; errno survives, so callers can log and still look at it. */
void log_msg(int level, const char *fmt, ...)
{
	struct line l;
	va_list ap;
	int saved = errno;

	if (level > log_level)
		return;
	memcpy(l.buf, "sexton: ", 8);
	l.len = 8;
	va_start(ap, fmt);
	for (; *fmt != '\0'; fmt++) {
		if (*fmt != '%')
			put_char(&l, *fmt);
		else {
			fmt++;
			put_conversion(&l, &fmt, &ap);
		}
	}
	va_end(ap);
	l.buf[l.len++] = '\n';
	(void)!write(STDERR_FILENO, l.buf, l.len); /* nowhere left to report a failure */
	errno = saved;
}
