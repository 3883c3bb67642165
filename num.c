// SPDX-License-Identifier: MIT
/*
 * Decimal numbers in and out, for the logger, the option parser and the
 * /proc parser. Written here once instead of strtoul and printf: musl's
 * printf alone would add about 10 KiB to a 28 KiB binary.
 */
#include "sexton.h"

/* Strict decimal: digits only, no sign, no spaces, at most max. */
int num_uint(const char *text, unsigned max, unsigned *out)
{
	unsigned long v = 0;

	if (*text == '\0')
		return -1;
	for (; *text != '\0'; text++) {
		if (*text < '0' || *text > '9')
			return -1;
		v = v * 10 + (unsigned long)(*text - '0');
		if (v > max)
			return -1;
	}
	*out = (unsigned)v;
	return 0;
}

/*
 * The decimal number at *p after any spaces, for the kernel's own text
 * (/proc/PID/stat, /proc/self); *p moves past it. No digits read as 0.
 */
unsigned long long num_take(const char **p)
{
	unsigned long long v = 0;

	while (**p == ' ')
		(*p)++;
	for (; **p >= '0' && **p <= '9'; (*p)++)
		v = v * 10 + (unsigned long long)(**p - '0');
	return v;
}

/* v in base 8, 10 or 16 at p, NUL-terminated; returns the end (the NUL). p needs 23 bytes. */
char *num_put(char *p, unsigned long long v, unsigned base)
{
	char digits[22];
	int n = 0;

	do
		digits[n++] = "0123456789abcdef"[v % base];
	while ((v /= base) != 0);
	while (n > 0)
		*p++ = digits[--n];
	*p = '\0';
	return p;
}
