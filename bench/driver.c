// SPDX-License-Identifier: MIT
/*
 * Benchmark driver: the timing that must happen outside the namespace, in C
 * so that an interpreter's jitter stays out of the figures.
 *
 *   driver startup ROUNDS CMD... [:: CMD...]...
 *        Run the commands one after another, ROUNDS times, rotating the order
 *        each round (A B C, B C A, ...). Prints "INDEX NS" per run: the wall
 *        time from fork to the command's exit. Any non-zero exit is fatal.
 *
 *   driver signals SAMPLES GAP_US CMD...
 *        CMD must end in "workload listen 3": it runs an init whose child
 *        answers SIGUSR1 with a time stamp on fd 3. Sends SAMPLES SIGUSR1 to
 *        the init, GAP_US apart, then one SIGTERM. Prints "usr1 NS" per sample
 *        (kill(2) on the init until the child's handler runs), then "term NS"
 *        (kill(2) until the init has exited, seen through a pidfd) and
 *        "status N" (CMD's exit status).
 *
 *   driver exit CMD...
 *        CMD must end in "workload leave N 3 4". Once the workload is ready,
 *        lets it exit and waits (pidfd) for the init to exit. Prints "last NS",
 *        the init's exit minus the latest stamp any process wrote as it exited
 *        (the workload's, or a leftover's that the init let finish), "first NS"
 *        the same from the workload's own exit, and "stamps K", how many
 *        processes got to write one.
 *
 * Both clocks are CLOCK_MONOTONIC, which a PID namespace shares with its host.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

extern char **environ;

/* How long one answer from the namespace may take before the run is failed. */
#define ANSWER_LIMIT_MS 10000


static void fail(const char *what)
{
	fprintf(stderr, "driver: %s: %s\n", what, errno != 0 ? strerror(errno) : "failed");
	exit(2);
}


/* Wall time of one run of argv, from spawn to exit. */
static int64_t time_run(char **argv)
{
	int64_t t0 = now_ns();
	int status;
	pid_t pid;

	errno = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (errno != 0)
		fail(argv[0]);
	if (waitpid(pid, &status, 0) < 0)
		fail("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = 0;
		fprintf(stderr, "driver: '%s' ended with status %d\n", argv[0], status);
		fail("startup run");
	}
	return now_ns() - t0;
}

static int mode_startup(long rounds, int argc, char **argv)
{
	char **cmds[64];
	int ncmds = 0, i;
	long r;

	/* Split argv at "::" into NULL-terminated commands, in place. */
	cmds[ncmds++] = argv;
	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "::") != 0)
			continue;
		argv[i] = NULL;
		if (ncmds == 64)
			fail("too many commands");
		cmds[ncmds++] = argv + i + 1;
	}
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < ncmds; i++) {
			int k = (int)((i + r) % ncmds);

			printf("%d %lld\n", k, (long long)time_run(cmds[k]));
		}
	}
	return 0;
}

/* Read exactly one 8-byte stamp from fd, or fail after ANSWER_LIMIT_MS. */
static int64_t read_stamp(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int64_t v;

	if (poll(&p, 1, ANSWER_LIMIT_MS) != 1)
		fail("no answer from the workload");
	if (read(fd, &v, sizeof(v)) != sizeof(v))
		fail("short answer from the workload");
	return v;
}

/* The child of `parent`: the init that unshare --fork started. */
static pid_t child_of(pid_t parent)
{
	char path[300], line[128];
	struct dirent *d;
	pid_t found = 0;
	FILE *f;
	DIR *dir = opendir("/proc");

	if (dir == NULL)
		fail("opendir /proc");
	while (found == 0 && (d = readdir(dir)) != NULL) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/status", d->d_name);
		f = fopen(path, "re");
		if (f == NULL)
			continue;
		while (fgets(line, sizeof(line), f) != NULL) {
			if (strncmp(line, "PPid:", 5) == 0) {
				if (atol(line + 5) == parent)
					found = (pid_t)atol(d->d_name);
				break;
			}
		}
		fclose(f);
	}
	closedir(dir);
	if (found == 0)
		fail("cannot find the init");
	return found;
}

static int mode_signals(long samples, long gap_us, char **argv)
{
	struct pollfd p;
	int fds[2], pidfd, status;
	pid_t runner, init;
	int64_t t0;
	long i;

	if (pipe2(fds, O_CLOEXEC) < 0)
		fail("pipe");
	runner = fork();
	if (runner < 0)
		fail("fork");
	if (runner == 0) {
		/* fd 3 is the stamp channel; dup2 clears close-on-exec on the copy */
		if (dup2(fds[1], 3) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	(void)read_stamp(fds[0]); /* the workload is ready: its handler is in place */
	init = child_of(runner);
	pidfd = (int)syscall(SYS_pidfd_open, init, 0);
	if (pidfd < 0)
		fail("pidfd_open");
	for (i = 0; i < samples; i++) {
		nap_us(gap_us);
		t0 = now_ns();
		if (kill(init, SIGUSR1) < 0)
			fail("kill");
		printf("usr1 %lld\n", (long long)(read_stamp(fds[0]) - t0));
	}
	nap_us(gap_us);
	p.fd = pidfd;
	p.events = POLLIN;
	t0 = now_ns();
	if (kill(init, SIGTERM) < 0)
		fail("kill");
	if (poll(&p, 1, ANSWER_LIMIT_MS) != 1)
		fail("the init did not exit after SIGTERM");
	printf("term %lld\n", (long long)(now_ns() - t0));
	if (waitpid(runner, &status, 0) < 0)
		fail("waitpid");
	printf("status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}

/* Start argv with fd 3 the write end of a stamp pipe and fd 4 the read end of a go pipe. */
static pid_t spawn_with_pipes(char **argv, int stamps[2], int go[2])
{
	pid_t pid;

	if (pipe2(stamps, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0)
		fail("pipe");
	pid = fork();
	if (pid < 0)
		fail("fork");
	if (pid == 0) {
		/* dup2 clears close-on-exec on the copies */
		if (dup2(stamps[1], 3) < 0 || dup2(go[0], 4) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(stamps[1]);
	close(go[0]);
	return pid;
}

static int mode_exit(char **argv)
{
	struct pollfd p;
	int stamps[2], go[2], pidfd, status;
	int64_t t, first, last = 0, gone;
	long n = 0;
	pid_t runner;

	runner = spawn_with_pipes(argv, stamps, go);
	(void)read_stamp(stamps[0]); /* ready: the leftovers exist */
	pidfd = (int)syscall(SYS_pidfd_open, child_of(runner), 0);
	if (pidfd < 0)
		fail("pidfd_open");
	p.fd = pidfd;
	p.events = POLLIN;
	if (write(go[1], "g", 1) != 1)
		fail("write go");
	if (poll(&p, 1, ANSWER_LIMIT_MS) != 1)
		fail("the init did not exit");
	gone = now_ns();
	first = read_stamp(stamps[0]);
	/* every holder of the pipe is gone with the namespace: read to the end */
	for (last = first; read(stamps[0], &t, sizeof(t)) == sizeof(t); n++)
		last = t > last ? t : last;
	if (waitpid(runner, &status, 0) < 0)
		fail("waitpid");
	printf("last %lld\nfirst %lld\nstamps %ld\n", (long long)(gone - last),
	       (long long)(gone - first), n + 1);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 3 && strcmp(argv[1], "startup") == 0)
		return mode_startup(arg_num("driver", argv[2]), argc - 3, argv + 3);
	if (argc > 4 && strcmp(argv[1], "signals") == 0)
		return mode_signals(arg_num("driver", argv[2]), arg_num("driver", argv[3]), argv + 4);
	if (argc > 2 && strcmp(argv[1], "exit") == 0)
		return mode_exit(argv + 2);
	fprintf(stderr, "usage: driver startup ROUNDS CMD... [:: CMD...]...\n"
			"       driver signals SAMPLES GAP_US CMD...\n"
			"       driver exit CMD...\n");
	return 2;
}
