// SPDX-License-Identifier: MIT
/*
 * Stress probe: orphans for the init above it, as fast as fork allows.
 *   flood rate N     N orphans from two workers, while a sampler counts the
 *                    zombies in /proc; then waits (bounded) until the init
 *                    has reaped them all. Prints one line of figures; exit 0
 *                    when all N were made and none is left.
 *   flood serial N   N orphans one after the other, and no /proc: a fork that
 *                    fails with EAGAIN is retried for up to two seconds, then
 *                    the run gives up. Prints "made N eagain E" (exit 0) or
 *                    "fork: EAGAIN after K orphans" (exit 1).
 * An orphan is a grandchild whose parent (the "middle") exits at once; the
 * grandchildren exit at once too, so the init inherits zombies.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zombies.h"

enum { PER_MIDDLE = 250, WORKERS = 2, SAMPLE_MS = 10 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/*
 * Fork, retrying EAGAIN (a full pid space) for up to two seconds of no
 * progress. Counts the retries.
 */
static pid_t fork_patiently(long *eagain)
{
	double give_up = now() + 2;
	pid_t pid;

	while ((pid = fork()) < 0 && errno == EAGAIN && now() < give_up) {
		(*eagain)++;
		nap_ms(1);
	}
	return pid;
}

/*
 * One middle process that leaves count zombies to the init. vfork: the
 * grandchild only exits, and the middle's memory need not be copied.
 */
static int orphan_batch(long count, long *eagain)
{
	pid_t middle = fork_patiently(eagain);
	int status;
	long i;

	if (middle < 0)
		return -1;
	if (middle == 0) {
		double give_up = now() + 2;

		for (i = 0; i < count;) {
			pid_t p = vfork();

			if (p == 0)
				_exit(0);
			if (p > 0) {
				/* a zombie before the middle exits, so the init
				 * inherits a zombie, never a process still exiting */
				siginfo_t info;

				(void)waitid(P_PID, (id_t)p, &info, WEXITED | WNOWAIT);
				i++;
			}
			else if (errno != EAGAIN || now() > give_up)
				_exit(3);
			else
				nap_ms(1); /* the pid space is full: let the init catch up */
		}
		_exit(0);
	}
	if (waitpid(middle, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return 0;
}


/*
 * A child that samples the zombie count every SAMPLE_MS until its pipe
 * closes, then reports the peak on the other pipe.
 */
static pid_t sampler_start(int *stop_fd, int *peak_fd)
{
	int stop[2], peak[2];
	long z, max = 0;
	struct pollfd pfd;
	pid_t pid;

	if (pipe(stop) < 0 || pipe(peak) < 0)
		return -1;
	pid = fork();
	if (pid != 0) {
		close(stop[0]);
		close(peak[1]);
		*stop_fd = stop[1];
		*peak_fd = peak[0];
		return pid;
	}
	close(stop[1]);
	pfd.fd = stop[0];
	pfd.events = POLLIN;
	while (poll(&pfd, 1, SAMPLE_MS) == 0)
		if ((z = count_zombies()) > max)
			max = z;
	if (write(peak[1], &max, sizeof(max)) != sizeof(max))
		_exit(1);
	_exit(0);
}

static int worker(long count)
{
	long made = 0, eagain = 0, n;

	while (made < count) {
		n = count - made < PER_MIDDLE ? count - made : PER_MIDDLE;
		if (orphan_batch(n, &eagain) < 0)
			return 1;
		made += n;
	}
	return 0;
}

/* Wait until the init has reaped everything; bounded, as no event says so. */
static long await_no_zombies(double seconds)
{
	double end = now() + seconds;
	long z;

	while ((z = count_zombies()) > 0 && now() < end)
		nap_ms(5);
	return z;
}

static int rate(long total)
{
	int stop_fd, peak_fd, status, failed = 0, w;
	pid_t sampler, workers[WORKERS];
	long peak = -1, left;
	double start = now(), took;

	sampler = sampler_start(&stop_fd, &peak_fd);
	if (sampler < 0)
		return 2;
	for (w = 0; w < WORKERS; w++) {
		workers[w] = fork();
		if (workers[w] == 0)
			_exit(worker(total / WORKERS + (w == 0 ? total % WORKERS : 0)));
	}
	for (w = 0; w < WORKERS; w++)
		if (workers[w] < 0 || waitpid(workers[w], &status, 0) < 0 || status != 0)
			failed = 1;
	took = now() - start;
	close(stop_fd);
	if (read(peak_fd, &peak, sizeof(peak)) != sizeof(peak))
		peak = -1;
	waitpid(sampler, NULL, 0);
	left = await_no_zombies(10);
	printf("orphans %ld seconds %.2f per_second %.0f peak_zombies %ld left %ld%s\n", total,
	       took, (double)total / took, peak, left, failed ? " (a worker failed)" : "");
	return failed || left != 0;
}

static int serial(long total)
{
	long made, eagain = 0;

	for (made = 0; made < total; made++) {
		if (orphan_batch(1, &eagain) < 0) {
			printf("fork: EAGAIN after %ld orphans\n", made);
			return 1;
		}
	}
	printf("made %ld eagain %ld\n", made, eagain);
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc == 3 ? atol(argv[2]) : 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (n > 0 && strcmp(argv[1], "rate") == 0)
		return rate(n);
	if (n > 0 && strcmp(argv[1], "serial") == 0)
		return serial(n);
	fprintf(stderr, "usage: flood rate N | flood serial N\n");
	return 2;
}
