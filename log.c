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
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* The one file-scope variable: the logger must work before the config exists. */
static int log_level = LEVEL_WARN;

/*
 * Where lines go, and how many a full stderr cost. A pipe that nobody
 * reads (a stuck log driver) must not stop PID 1 in write(2): for a pipe,
 * (or a terminal) sexton writes through a descriptor of its own, opened again through
 * /proc/self/fd/2 with O_NONBLOCK. That is a new open file description of
 * the same pipe, so fd 2, which the workload shares, stays blocking. A
 * line that does not fit is dropped and counted. Anything else (a file, a
 * terminal) is written as it is. File scope: set up by the first line.
 */
static struct {
	int fd;                /* 0: not set up yet (fd 0 is stdin, never stderr's copy) */
	unsigned long dropped; /* lines the full pipe refused since the last one written */
} out;

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

/* Find out whether stderr is a pipe, and if so open it again, non-blocking. */
static void out_setup(void)
{
	int fd;

	out.fd = STDERR_FILENO;
	/* ESPIPE: a pipe, a socket or a terminal, which have no offset to lose
	 * to a second description (a file has one, and is left alone). A
	 * socket cannot be opened again; a terminal may, and may block too. */
	if (lseek(STDERR_FILENO, 0, SEEK_CUR) >= 0 || errno != ESPIPE)
		return;
	/* O_NOCTTY: a terminal opened again must not become sexton's controlling one */
	fd = open("/proc/self/fd/2", O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0)
		out.fd = fd; /* else no /proc yet (boot mode): blocking it is */
}

/* "sexton: N log lines dropped", once the pipe takes lines again; true when written. */
static bool out_dropped(void)
{
	struct line note;
	char digits[24];

	memcpy(note.buf, "sexton: ", 8);
	note.len = 8;
	(void)num_put(digits, out.dropped, 10);
	put_str(&note, digits);
	put_str(&note, " log lines dropped: stderr was full\n");
	if (write(out.fd, note.buf, note.len) < 0)
		return false;
	out.dropped = 0;
	return true;
}

/* One line out; a pipe that is full costs the line, which is counted. */
static void out_line(const char *buf, size_t len)
{
	if (out.fd == 0)
		out_setup();
	/* up to PIPE_BUF bytes: a pipe takes all of a line or nothing */
	if ((out.dropped == 0 || out_dropped()) && write(out.fd, buf, len) >= 0)
		return;
	if (errno == EAGAIN)
		out.dropped++;
}

/*
 * sexton closed every descriptor from 3 up (child_close_inherited), the logger's own
 * copy of stderr among them, perhaps: open it again with the next line.
 */
void log_forget_fd(void)
{
	out.fd = 0;
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
	out_line(l.buf, l.len); /* nowhere left to report a failure */
	errno = saved;
}
