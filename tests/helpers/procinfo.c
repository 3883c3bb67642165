// SPDX-License-Identifier: MIT
/*
 * Test probe: print what a workload inherited, one "key value" per line:
 * signal mask and ignored set, open fds, process group and session, terminal,
 * working directory, umask, parent.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static void status_field(const char *key, const char *label)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "re");

	if (f == NULL)
		exit(2);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			printf("%s %s", label, line + strlen(key));
	fclose(f);
}

static void fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (d == NULL)
		exit(2);
	printf("fds");
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && atoi(e->d_name) != dirfd(d))
			printf(" %s", e->d_name);
	printf("\n");
	closedir(d);
}

int main(void)
{
	char cwd[4096];
	mode_t mask = umask(0);

	status_field("SigBlk:\t", "sigblk");
	status_field("SigIgn:\t", "sigign");
	fds();
	printf("pgrp-leader %s\n", getpgrp() == getpid() ? "yes" : "no");
	printf("session-leader %s\n", getsid(0) == getpid() ? "yes" : "no");
	printf("ctty %s\n", tcgetsid(0) >= 0 ? "yes" : "no");
	printf("foreground %s\n", tcgetpgrp(0) == getpgrp() ? "yes" : "no");
	printf("cwd %s\n", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
	printf("umask %03o\n", (unsigned)mask);
	printf("pid %d\nppid %d\n", (int)getpid(), (int)getppid());
	return 0;
}
