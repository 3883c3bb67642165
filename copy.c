// SPDX-License-Identifier: MIT
/*
 * --copy-to DIR: sexton copies its own binary to DIR/sexton and exits. A
 * scratch image has no cp(1) and no shell, so an init container that runs
 * this image can still put the static binary into a volume it shares with
 * the application's container, whose image then needs no rebuild.
 *
 * The copy is written under a temporary name in DIR, synced, and renamed
 * over DIR/sexton: a container that starts from the volume meanwhile finds
 * the old binary or the whole new one, never half of it (rename(2) is
 * atomic within one file system).
 */
#include "sexton.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h> /* renameat */
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The running binary, whatever name or path it was started by. */
#define SELF "/proc/self/exe"

/*
 * All of in into out, inside the kernel: sendfile(2) writes to any file
 * since Linux 2.6.33, where copy_file_range(2) refuses two file systems
 * before 5.3 (/proc and a volume always are two). 0, or -1 with errno set.
 */
static int copy_fd(int in, int out)
{
	long n;

	do
		n = syscall(SYS_sendfile, out, in, NULL, 1L << 30);
	while (n > 0 || (n < 0 && errno == EINTR));
	return (int)n;
}

/* Write the copy to tmp in dir, mode 0755 whatever the umask, synced. */
static int write_copy(int dir, const char *tmp)
{
	int in, out, rc = -1, err;

	in = open(SELF, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	/* The system calls themselves: musl's openat() and fchmod() carry
	 * fallbacks (a /proc path for fchmod) that a fresh file never needs. */
	out = (int)syscall(SYS_openat, dir, tmp,
			   O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0700);
	if (out >= 0) {
		/* 0755 whatever the umask: the copy is to be run by anyone */
		if (copy_fd(in, out) == 0 && syscall(SYS_fchmod, out, 0755) == 0 && fsync(out) == 0)
			rc = 0;
		err = errno;
		/* a close that fails after fsync succeeded has lost nothing */
		if (close(out) < 0 && rc == 0 && errno != EINTR)
			rc = -1;
		else
			errno = err;
	}
	err = errno;
	(void)close(in); /* read only: nothing to lose */
	errno = err;
	return rc;
}

/*
 * Copy the running binary to dir/sexton. Returns 0, or EXIT_SEXTON after
 * one line that names what failed.
 */
int copy_self(const char *dir_path)
{
	char tmp[32] = ".sexton.", *end;
	int dir, err = 0;

	dir = open(dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) {
		err = errno;
	} else {
		/* A name of this process's own: two copies at once cannot collide. */
		end = num_put(tmp + strlen(tmp), (unsigned long long)getpid(), 10);
		memcpy(end, ".tmp", 5);
		if (write_copy(dir, tmp) < 0 || renameat(dir, tmp, dir, "sexton") < 0) {
			err = errno;
			(void)unlinkat(dir, tmp, 0); /* ENOENT: nothing was created */
		} else if (fsync(dir) < 0 && errno != EINVAL) {
			err = errno; /* the rename is durable only once the directory is */
		}
		(void)close(dir); /* read only */
	}
	if (err == 0)
		return 0;
	log_msg(LEVEL_ERROR, "cannot copy sexton to '%s': %s", dir_path, strerror(err));
	return EXIT_SEXTON;
}
