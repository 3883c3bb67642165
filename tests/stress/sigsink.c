// SPDX-License-Identifier: MIT
/*
 * Stress probe: a workload that counts the signals its init forwards.
 *   sigsink [-c]
 * Blocks every signal and reads them from a signalfd, so none is lost to a
 * handler racing another. Prints "ready" once it counts. SIGRTMAX is the
 * last signal: it prints the counts as "got total T rt R std S" and dies of
 * SIGRTMAX itself, so its init must exit 128 + 64. SIGCHLD is not counted:
 * an init never forwards it, and the probe's own children raise it.
 * -c  churn: a second process forks and exits without pause, so the init
 *     reaps orphans all the while.
 * Commands on stdin, one per line, answered on stdout:
 *   orphans N   make N orphans now; answers "made N"
 *   zombies     answers "zombies Z", the zombies in this PID namespace
 *   reaped      waits (bounded, 10 s) until there are none; answers "zombies Z"
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zombies.h"

static long rt_count, std_count;

/* An orphan: a grandchild whose parent exits first. */
static void orphan(void)
{
	pid_t middle = fork();

	if (middle == 0) {
		siginfo_t info;
		pid_t orphan = fork();

		if (orphan == 0)
			_exit(0);
		/* let it become a zombie first: the count after "made" is exact */
		if (orphan > 0)
			(void)waitid(P_PID, (id_t)orphan, &info, WEXITED | WNOWAIT);
		_exit(0);
	}
	if (middle > 0)
		waitpid(middle, NULL, 0);
}

static pid_t churn_start(void)
{
	pid_t pid = fork();
	sigset_t none;

	if (pid != 0)
		return pid;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (;;)
		orphan();
}


static long await_reaped(void)
{
	struct timespec nap = { 0, 5000000 };
	time_t end = time(NULL) + 10;
	long z;

	while ((z = count_zombies()) > 0 && time(NULL) < end)
		nanosleep(&nap, NULL);
	return z;
}

static void command(const char *line)
{
	long n, i;

	if (sscanf(line, "orphans %ld", &n) == 1) {
		for (i = 0; i < n; i++)
			orphan();
		printf("made %ld\n", n);
	} else if (strcmp(line, "zombies\n") == 0) {
		printf("zombies %ld\n", count_zombies());
	} else if (strcmp(line, "reaped\n") == 0) {
		printf("zombies %ld\n", await_reaped());
	}
}

/* Count what the signalfd holds; true once SIGRTMAX came. */
static int drain(int sfd)
{
	struct signalfd_siginfo si[64];
	ssize_t n = read(sfd, si, sizeof(si));
	int i, last = 0;

	for (i = 0; i < n / (ssize_t)sizeof(si[0]); i++) {
		int sig = (int)si[i].ssi_signo;

		if (sig == SIGCHLD)
			continue; /* our own children's; an init never forwards it */
		if (sig == SIGRTMAX)
			last = 1;
		else if (sig >= SIGRTMIN)
			rt_count++;
		else
			std_count++;
	}
	return last;
}

int main(int argc, char **argv)
{
	struct pollfd pfd[2];
	char line[128];
	sigset_t all;
	pid_t churn = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	pfd[0].fd = signalfd(-1, &all, SFD_CLOEXEC);
	pfd[0].events = POLLIN;
	pfd[1].fd = STDIN_FILENO;
	pfd[1].events = POLLIN;
	if (pfd[0].fd < 0)
		return 2;
	if (argc == 2 && strcmp(argv[1], "-c") == 0)
		churn = churn_start();
	printf("ready\n");
	for (;;) {
		if (poll(pfd, 2, -1) < 0)
			continue;
		if ((pfd[0].revents & POLLIN) && drain(pfd[0].fd))
			break;
		if (pfd[1].revents & (POLLIN | POLLHUP)) {
			if (fgets(line, sizeof(line), stdin) != NULL)
				command(line);
			else
				pfd[1].fd = -1; /* end of input: signals only */
		}
	}
	if (churn > 0) {
		kill(churn, SIGKILL);
		waitpid(churn, NULL, 0);
	}
	printf("got total %ld rt %ld std %ld\n", rt_count + std_count, rt_count, std_count);
	signal(SIGRTMAX, SIG_DFL);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	raise(SIGRTMAX);
	return 3; /* not reached */
}
