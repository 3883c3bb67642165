// SPDX-License-Identifier: MIT
/*
 * Stress probe: a flood of mixed signals at one process.
 *   sigblast PID N
 * Sends N signals round a table of standard and real-time ones, then
 * SIGRTMAX as the last. Standard signals may coalesce on the way; real-time
 * ones queue, so each one sent can be counted at the far end. To keep the
 * queue within RLIMIT_SIGPENDING (one count per user, shared by the init and
 * its workload) it pauses while more than a few thousand signals are queued,
 * as /proc/self/status "SigQ" reports. Prints "sent N rt R std S".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { HIGH_WATER = 4096, LOW_WATER = 1024 };

static const int standard[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCHLD,
	SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGURG, SIGXCPU, SIGVTALRM, SIGPROF, SIGWINCH,
	SIGIO, SIGPWR,
};
enum { N_STANDARD = sizeof(standard) / sizeof(standard[0]), N_RT = 16 };

/* Signals queued for this user, from "SigQ: queued/limit". */
static long queued(void)
{
	char line[128];
	long q = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "SigQ: %ld/", &q) == 1)
			break;
	fclose(f);
	return q;
}

static void throttle(void)
{
	if (queued() < HIGH_WATER)
		return;
	while (queued() > LOW_WATER)
		sched_yield();
}

/* kill(), retrying a full queue. */
static int send(pid_t pid, int sig)
{
	while (kill(pid, sig) < 0) {
		if (errno != EAGAIN)
			return -1;
		sched_yield();
	}
	return 0;
}

int main(int argc, char **argv)
{
	long n, i, rt = 0, std = 0;
	pid_t pid;
	int sig;

	if (argc != 3 || (pid = (pid_t)atol(argv[1])) <= 0 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: sigblast PID N\n");
		return 2;
	}
	for (i = 0; i < n; i++) {
		if (i % 256 == 0)
			throttle();
		/* every other one real-time, the rest round the standard table */
		if (i % 2) {
			sig = SIGRTMIN + (int)(i / 2 % N_RT);
			rt++;
		} else {
			sig = standard[i / 2 % N_STANDARD];
			std++;
		}
		if (send(pid, sig) < 0) {
			fprintf(stderr, "sigblast: kill %d: %s\n", (int)pid, strerror(errno));
			return 1;
		}
	}
	if (send(pid, SIGRTMAX) < 0)
		return 1;
	printf("sent %ld rt %ld std %ld\n", n, rt, std);
	return 0;
}
