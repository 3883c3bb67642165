// SPDX-License-Identifier: MIT
/*
 * Test probe: make orphans for the init above it.
 *   orphans N    N grandchildren, orphaned by their parent's exit, then all
 *                released to exit at the same moment; waits (bounded:
 *                ORPHANS_WAIT seconds, default 30) until every one is
 *                reaped, prints "reaped N" or "left K", exit 0/1.
 *   orphans -p   one orphan that reports which process adopted it:
 *                prints "init P" (its own parent) and "adopted Q".
 * Grandchildren are named "orphan-probe" (for -w).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void nap(void)
{
	struct timespec ts = { 0, 1000000 };

	nanosleep(&ts, NULL);
}

static int adopted(void)
{
	int report[2];
	pid_t middle;
	char line[64];
	ssize_t n;

	if (pipe(report) < 0)
		return 2;
	printf("init %d\n", (int)getppid());
	fflush(stdout);
	middle = fork();
	if (middle == 0) {
		pid_t me = getpid();

		if (fork() == 0) {
			double end = now() + 10;

			prctl(PR_SET_NAME, "orphan-probe");
			while (getppid() == me && now() < end)
				nap();
			n = snprintf(line, sizeof(line), "adopted %d\n", (int)getppid());
			if (write(report[1], line, (size_t)n) < 0)
				_exit(2);
			_exit(0);
		}
		_exit(0);
	}
	close(report[1]);
	waitpid(middle, NULL, 0);
	n = read(report[0], line, sizeof(line) - 1);
	if (n <= 0)
		return 1;
	line[n] = '\0';
	printf("%s", line);
	return 0;
}

static int storm(long count)
{
	int gate[2], ids[2];
	pid_t middle, *pids = calloc((size_t)count, sizeof(pid_t));
	long i, left;
	double end;

	if (pids == NULL || pipe(gate) < 0 || pipe(ids) < 0)
		return 2;
	middle = fork();
	if (middle == 0) {
		char c;

		close(gate[1]);
		for (i = 0; i < count; i++) {
			pid_t p = fork();

			if (p == 0) {
				prctl(PR_SET_NAME, "orphan-probe");
				/* wait for the gate to close: everyone exits at once */
				while (read(gate[0], &c, 1) < 0 && errno == EINTR)
					;
				_exit(0);
			}
			if (p < 0)
				_exit(3);
			if (write(ids[1], &p, sizeof(p)) != sizeof(p))
				_exit(3);
		}
		_exit(0);
	}
	close(gate[0]);
	close(ids[1]);
	for (i = 0; i < count; i++)
		if (read(ids[0], &pids[i], sizeof(pid_t)) != sizeof(pid_t))
			return 2;
	waitpid(middle, NULL, 0);
	close(gate[1]); /* release them all */
	end = now() + (getenv("ORPHANS_WAIT") ? atof(getenv("ORPHANS_WAIT")) : 30);
	do {
		left = 0;
		for (i = 0; i < count; i++)
			if (pids[i] != 0 && kill(pids[i], 0) == 0)
				left++;
			else
				pids[i] = 0;
		if (left == 0) {
			printf("reaped %ld\n", count);
			return 0;
		}
		nap();
	} while (now() < end);
	printf("left %ld\n", left);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 2 && argv[1][0] == '-' && argv[1][1] == 'p')
		return adopted();
	if (argc == 2)
		return storm(atol(argv[1]));
	fprintf(stderr, "usage: orphans N | orphans -p\n");
	return 2;
}
