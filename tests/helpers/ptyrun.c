// SPDX-License-Identifier: MIT
/*
 * Test helper: run a command on a new pseudo-terminal, as a terminal
 * emulator would, and copy what it prints to stdout.
 *   ptyrun [-n] [-k CODE]... -- CMD [ARGS...]
 * -n       the terminal is not made the command's controlling terminal
 *          (as a boot console is nobody's)
 * -k CODE  type the byte CODE (3 is Ctrl-C, 26 Ctrl-Z): the first after
 *          the command prints a line "ready", each further one after its
 *          next line that holds "got " (what sigprobe prints)
 * Exits with the command's status (128+N when killed by signal N).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static void start(int master, int ctty, char **argv)
{
	int slave;

	setsid();
	slave = open(ptsname(master), O_RDWR | (ctty ? 0 : O_NOCTTY));
	if (slave < 0)
		_exit(120);
	if (ctty && ioctl(slave, TIOCSCTTY, 0) < 0)
		_exit(121);
	dup2(slave, 0);
	dup2(slave, 1);
	dup2(slave, 2);
	if (slave > 2)
		close(slave);
	close(master);
	execvp(argv[0], argv);
	_exit(127);
}

int main(int argc, char **argv)
{
	int master, ctty = 1, opt, nkeys = 0, sent = 0, status;
	char keys[16], buf[4096], line[256];
	size_t linelen = 0;
	ssize_t n, i;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+nk:")) != -1) {
		if (opt == 'n')
			ctty = 0;
		else if (opt == 'k' && nkeys < 16)
			keys[nkeys++] = (char)atoi(optarg);
		else
			return 2;
	}
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		return 2;
	pid = fork();
	if (pid == 0)
		start(master, ctty, argv + optind);
	for (;;) {
		n = read(master, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* EIO: every slave fd is closed */
		if (write(1, buf, (size_t)n) < 0)
			return 2;
		for (i = 0; i < n; i++) {
			if (buf[i] != '\n' && buf[i] != '\r') {
				if (linelen < sizeof(line) - 1)
					line[linelen++] = buf[i];
				continue;
			}
			line[linelen] = '\0';
			if ((strcmp(line, "ready") == 0 || strstr(line, "got ") != NULL) &&
			    sent < nkeys)
				if (write(master, &keys[sent++], 1) != 1)
					return 2;
			linelen = 0;
		}
	}
	if (waitpid(pid, &status, 0) < 0)
		return 2;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
