// SPDX-License-Identifier: MIT
/*
 * Stress probe: a PID 1 that does not reap. It runs one command, waits for
 * that command alone (never waitpid(-1)) and exits with its status, so every
 * orphan the command leaves stays a zombie and keeps its pid. The control
 * for the pid-exhaustion test: what a container gets without an init.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int status;
	pid_t child;

	if (argc < 2) {
		fprintf(stderr, "usage: noreap CMD [ARGS...]\n");
		return 2;
	}
	child = fork();
	if (child == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (child < 0 || waitpid(child, &status, 0) < 0)
		return 2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
