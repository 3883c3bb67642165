/* SPDX-License-Identifier: MIT */
/* Shared by the bench's driver and workload: the monotonic clock, a nap, a count. */
#ifndef BENCH_PROBE_H
#define BENCH_PROBE_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void nap_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* A non-negative decimal count from the command line, or exit 2. */
static long arg_num(const char *prog, const char *text)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno != 0 || *end != '\0' || end == text || v < 0) {
		fprintf(stderr, "%s: not a count: '%s'\n", prog, text);
		exit(2);
	}
	return v;
}

#endif
