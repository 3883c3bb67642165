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
#include <sys/stat.h>
#include <unistd.h>

/* The running binary, whatever name or path it was started by. */
#define SELF "/proc/self/exe"

/* All of in into out; 0, or -1 with errno set. */
static int copy_fd(int in, int out)
{
	char buf[16384];
	ssize_t n, w;
	size_t done;

	for (;;) {
		n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return (int)n;
		for (done = 0; done < (size_t)n; done += (size_t)w) {
			w = write(out, buf + done, (size_t)n - done);
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w < 0)
				return -1;
		}
	}
}

/* Write the copy to tmp in dir, mode 0755 whatever the umask, synced. */
static int write_copy(int dir, const char *tmp)
{
	int in, out, rc = -1, err;

	in = open(SELF, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	out = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0700);
	if (out >= 0) {
		if (copy_fd(in, out) == 0 && fchmod(out, 0755) == 0 && fsync(out) == 0)
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
	int dir, err;

	dir = open(dir_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) {
		log_msg(LEVEL_ERROR, "cannot copy sexton to '%s': %s", dir_path, strerror(errno));
		return EXIT_SEXTON;
	}
	/* A name of this process's own: two copies at once cannot collide. */
	end = num_put(tmp + strlen(tmp), (unsigned long long)getpid(), 10);
	memcpy(end, ".tmp", 5);
	if (write_copy(dir, tmp) < 0 || renameat(dir, tmp, dir, "sexton") < 0) {
		err = errno;
		(void)unlinkat(dir, tmp, 0); /* ENOENT: nothing was created */
		log_msg(LEVEL_ERROR, "cannot copy sexton to '%s/sexton': %s", dir_path,
			strerror(err));
		(void)close(dir); /* read only */
		return EXIT_SEXTON;
	}
	/* The rename itself is durable only once the directory is synced. */
	if (fsync(dir) < 0 && errno != EINVAL) {
		log_msg(LEVEL_ERROR, "cannot sync '%s': %s", dir_path, strerror(errno));
		(void)close(dir);
		return EXIT_SEXTON;
	}
	(void)close(dir); /* read only */
	return 0;
}
