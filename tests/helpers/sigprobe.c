// SPDX-License-Identifier: MIT
/*
 * Test probe: block every signal (raw syscalls, so 32..34 too), print
 * "ready", then print "got N" for each signal taken, and exit 0 once a signal
 * from the exit list (arguments, default 15) arrives. Lines go to stdout with
 * one write(2) each, so a reader of a FIFO sees whole lines. With TAG set in
 * the environment, every line starts with TAG and a space.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void say(const char *text)
{
	const char *tag = getenv("TAG");
	char line[96];

	snprintf(line, sizeof(line), "%s%s%s", tag ? tag : "", tag ? " " : "", text);
	if (write(1, line, strlen(line)) < 0)
		exit(3);
}

int main(int argc, char **argv)
{
	unsigned long all = ~0UL;
	char line[64];
	siginfo_t info;
	long sig;
	int i;

	if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, sizeof(all)) < 0)
		return 2;
	say("ready\n");
	for (;;) {
		sig = syscall(SYS_rt_sigtimedwait, &all, &info, NULL, sizeof(all));
		if (sig < 0)
			continue;
		snprintf(line, sizeof(line), "got %ld\n", sig);
		say(line);
		if (argc < 2 && sig == SIGTERM)
			return 0;
		for (i = 1; i < argc; i++)
			if (atoi(argv[i]) == sig)
				return 0;
	}
}
