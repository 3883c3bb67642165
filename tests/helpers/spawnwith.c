// SPDX-License-Identifier: MIT
/*
 * Test helper: exec a command with a given signal state, as a caller of
 * sexton might leave it.
 *   spawnwith [-b SIG]... [-i SIG]... [-r SIG]... [-G] -- CMD [ARGS...]
 * -b SIG  block SIG        -i SIG  ignore SIG
 * -r SIG  raise SIG (block it too, so it is pending across exec)
 * -G      move into a new process group (a background job of the terminal)
 * -C      close every descriptor above 2
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static void close_above_2(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (d == NULL)
		exit(2);
	while ((e = readdir(d)) != NULL)
		if (atoi(e->d_name) > 2 && atoi(e->d_name) != dirfd(d))
			close(atoi(e->d_name));
	closedir(d);
}

int main(int argc, char **argv)
{
	sigset_t block;
	int opt, newgroup = 0;

	sigemptyset(&block);
	while ((opt = getopt(argc, argv, "+b:i:r:GC")) != -1) {
		switch (opt) {
		case 'b':
			sigaddset(&block, atoi(optarg));
			break;
		case 'i':
			signal(atoi(optarg), SIG_IGN);
			break;
		case 'r':
			sigaddset(&block, atoi(optarg));
			sigprocmask(SIG_BLOCK, &block, NULL);
			kill(getpid(), atoi(optarg));
			break;
		case 'G':
			newgroup = 1;
			break;
		case 'C':
			close_above_2();
			break;
		default:
			return 2;
		}
	}
	if (sigprocmask(SIG_BLOCK, &block, NULL) < 0)
		return 2;
	if (newgroup && setpgid(0, 0) < 0)
		return 2;
	execvp(argv[optind], argv + optind);
	return 127;
}
