// SPDX-License-Identifier: MIT
/*
 * Boot mode: sexton as the kernel's own init.
 *
 * The kernel's PID 1 lives by different rules than a container's. If it
 * exits, the kernel panics ("Attempted to kill init!"). Nothing has mounted
 * /proc, /sys or /dev. Its stdio is /dev/console, nobody's controlling
 * terminal. Ctrl-Alt-Del reboots at once unless PID 1 takes it over. And
 * BusyBox's halt, poweroff and reboot just signal PID 1 (USR1, USR2, TERM)
 * and expect it to do the rest. So in boot mode sexton mounts the basics,
 * takes those signals as shutdown requests, and ends every path in an
 * orderly reboot(2) instead of an exit.
 */
#include "sexton.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* The inode of the initial PID namespace (PROC_PID_INIT_INO, include/linux/proc_ns.h). */
#define INITIAL_PID_NS_INO 0xEFFFFFFCu

/*
 * True in the initial PID namespace. Without /proc (the kernel's init starts
 * with nothing mounted) mount it to look: a container that cannot mount proc
 * is not the kernel's init either.
 */
static bool in_initial_pid_ns(void)
{
	struct stat sb;

	if (stat("/proc/self/ns/pid", &sb) == 0)
		return sb.st_ino == INITIAL_PID_NS_INO;
	if (mkdir("/proc", 0555) < 0 && errno != EEXIST)
		return false;
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return false;
	return stat("/proc/self/ns/pid", &sb) == 0 && sb.st_ino == INITIAL_PID_NS_INO;
}

/*
 * -B and -C decide; otherwise boot mode is for PID 1 of the initial PID
 * namespace. -B is refused (-1, said on stderr) unless sexton is PID 1 of
 * its PID namespace: run by `sudo` on a workstation, or in a container with
 * the host's PID namespace, boot mode would take Ctrl-Alt-Del from the host,
 * unmount its file systems and power it off; under a shell that is a
 * container's PID 1, its reboot(2) kills that shell and the container.
 */
int boot_detect(const struct config *cfg)
{
	if (cfg->mode == MODE_BOOT && getpid() != 1) {
		log_msg(LEVEL_ERROR, "refusing boot mode (-B): not PID 1 of its PID namespace");
		return -1;
	}
	if (cfg->mode != MODE_AUTO)
		return cfg->mode == MODE_BOOT;
	return getpid() == 1 && in_initial_pid_ns();
}

/* Already a mount point: the path's device differs from its parent's. */
static bool is_mount_point(const char *path, const char *parent)
{
	struct stat a, b;

	return stat(path, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev;
}

static void mount_one(const char *type, const char *path, const char *parent,
		      unsigned long flags, const char *data)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		log_msg(LEVEL_WARN, "cannot create '%s': %s", path, strerror(errno));
		return;
	}
	if (is_mount_point(path, parent))
		return; /* the kernel (devtmpfs.mount) or an initramfs script did it */
	if (mount(type, path, type, flags, data) < 0 && errno != EBUSY)
		log_msg(LEVEL_WARN, "cannot mount %s on '%s': %s", type, path, strerror(errno));
}

/* What a bare kernel leaves to init, before the workload starts. */
void boot_setup(void)
{
	const unsigned long nosuid = MS_NOSUID | MS_NODEV | MS_NOEXEC;

	mount_one("proc", "/proc", "/", nosuid, NULL);
	mount_one("sysfs", "/sys", "/", nosuid, NULL);
	mount_one("devtmpfs", "/dev", "/", MS_NOSUID, "mode=0755");
	child_std_fds("/dev/console");
	mount_one("devpts", "/dev/pts", "/dev", MS_NOSUID | MS_NOEXEC, "gid=5,mode=0620,ptmxmode=0666");
	mount_one("tmpfs", "/run", "/", MS_NOSUID | MS_NODEV, "mode=0755");
	/* Ctrl-Alt-Del becomes SIGINT to PID 1, a reboot in order, not at once. */
	if (reboot(RB_DISABLE_CAD) < 0)
		/* EINVAL: a PID namespace (-B in a container), the keys are the
		 * host's; EPERM: no CAP_SYS_BOOT, and the power-off will say so */
		log_msg(errno == EINVAL || errno == EPERM ? LEVEL_DEBUG : LEVEL_WARN,
			"cannot take over Ctrl-Alt-Del: %s", strerror(errno));
}

/* Decode the octal escapes of /proc/mounts (\040 for a space) in place. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/*
 * All of /proc/mounts, NUL-terminated, in a mapping of its own (sexton links
 * no malloc); *size is the mapping's. seq_file hands out about a page per
 * read(2), so one read would see only the first 60-odd mounts: read to the
 * end of file. NULL when it cannot be read.
 */
static char *read_mounts(size_t *size)
{
	size_t cap = 16384, len = 0;
	char *buf = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open("/proc/mounts", O_RDONLY | O_CLOEXEC);
	ssize_t n = 1;
	void *p;

	if (buf == MAP_FAILED || fd < 0) {
		if (fd >= 0)
			(void)close(fd); /* read-only */
		if (buf != MAP_FAILED)
			(void)munmap(buf, cap); /* nothing else is mapped there */
		return NULL;
	}
	while (n > 0) {
		if (len + 1 == cap) {
			p = mremap(buf, cap, cap * 2, MREMAP_MAYMOVE);
			if (p == MAP_FAILED)
				break; /* what came so far is still worth unmounting */
			buf = p;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			n = 1;
		else if (n > 0)
			len += (size_t)n;
	}
	(void)close(fd); /* read-only */
	buf[len] = '\0';
	*size = cap;
	return buf;
}

/*
 * Cut each line of the table down to its mount point, in place; the mount
 * points are then one list of NUL-terminated strings, in the order of
 * mounting. Returns the end of the list.
 */
static char *mount_points(char *buf)
{
	char *line, *end, *path, *out = buf;
	size_t len;

	for (line = buf; *line != '\0'; line = end + 1) {
		end = strchr(line, '\n');
		if (end == NULL)
			break; /* a line cut short: the mremap failed */
		*end = '\0';
		path = strchr(line, ' ');
		if (path == NULL || strchr(path + 1, ' ') == NULL)
			continue;
		*strchr(++path, ' ') = '\0';
		unescape(path);
		len = strlen(path) + 1;
		memmove(out, path, len); /* out never passes path: a line holds more */
		out += len;
	}
	return out;
}

/*
 * Unmount everything, last mounted first, however many there are; what
 * stays busy (the root, /dev with the console open, a mount under one that
 * stayed) is remounted read-only, so that no write is lost and an ext4 needs
 * no journal recovery at the next mount.
 */
static void unmount_all(void)
{
	size_t size = 0;
	char *buf = read_mounts(&size), *path, *end;

	if (buf == NULL) {
		log_msg(LEVEL_WARN, "cannot read '/proc/mounts': %s", strerror(errno));
		return;
	}
	for (end = mount_points(buf); end > buf; end = path) {
		/* back over the last string's NUL to the one before it */
		for (path = end - 1; path > buf && path[-1] != '\0'; path--)
			;
		if (umount2(path, 0) < 0 &&
		    mount(NULL, path, NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0)
			log_msg(LEVEL_DEBUG, "cannot unmount '%s': %s", path, strerror(errno));
	}
	(void)munmap(buf, size); /* nothing else is mapped there */
}

static const char *action_name(int action)
{
	if (action == (int)RB_AUTOBOOT)
		return "rebooting";
	if (action == (int)RB_HALT_SYSTEM)
		return "halting";
	return "powering off";
}

/* What the console says when reboot(2) fails: "cannot power off". */
static const char *action_verb(int action)
{
	if (action == (int)RB_AUTOBOOT)
		return "reboot";
	if (action == (int)RB_HALT_SYSTEM)
		return "halt";
	return "power off";
}

/*
 * reboot(2) from a child: the kernel ends the caller of a power-off inside
 * do_exit(), which for PID 1 would be a panic. A power-off that works never
 * comes back (in a child PID namespace the kernel SIGKILLs sexton, its
 * init); returns the child's errno when it failed.
 */
static int reboot_from_child(int action)
{
	int status;
	pid_t pid;

	log_msg(LEVEL_WARN, "%s", action_name(action));
	pid = _Fork(); /* single-threaded: no atfork handlers to run */
	if (pid == 0) {
		(void)reboot(action); /* returns only on failure */
		_exit(errno & 0xff);
	}
	if (pid < 0)
		return errno;
	/* Signals are blocked: nothing interrupts the wait, and the child
	 * either takes the machine down or fails at once. */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return errno;
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return WEXITSTATUS(status);
	return EIO; /* killed, or no errno: no better word for it */
}

/*
 * After a failed reboot(2), the kernel's init has nowhere to go: it reaps,
 * and takes the next shutdown signal (BusyBox's poweroff, Ctrl-Alt-Del) as
 * a request to try again, which it returns.
 */
static int wait_for_retry(const struct config *cfg, struct state *st)
{
	siginfo_t info;
	struct route r;

	st->phase = PHASE_STUCK;
	log_msg(LEVEL_ERROR, "still up: a shutdown signal (SIGUSR2, SIGUSR1, SIGTERM) tries again");
	for (;;) {
		if (signals_wait(NULL, &info) < 0)
			continue; /* cannot happen with a valid set */
		r = signals_route(cfg, st, &info);
		if (r.to == ROUTE_REAP)
			reap_all(cfg, st);
		else if (r.to == ROUTE_SHUTDOWN)
			return r.action;
	}
}

/* The longest the status line may hold up the shutdown. */
#define STATUS_WAIT_MS 1000

static long ms_since(const struct timespec *t0)
{
	struct timespec now;

	if (clock_gettime(CLOCK_MONOTONIC, &now) < 0)
		return STATUS_WAIT_MS; /* no clock: give up at once rather than risk waiting */
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * A terminal sends what was written after write(2) returns: wait, within
 * the bound, until its queue is empty (TIOCOUTQ), then drop whatever is
 * left (TCOFLUSH), since close(2) on a tty waits up to 30 s for it to drain
 * (closing_wait). Not a terminal (ENOTTY): nothing is queued.
 */
static void drain_tty(int fd, const struct timespec *t0)
{
	int queued;

	while (ioctl(fd, TIOCOUTQ, &queued) == 0 && queued > 0 && ms_since(t0) < STATUS_WAIT_MS)
		(void)poll(NULL, 0, 10); /* a sleep of 10 ms; nothing to poll */
	if (isatty(fd) && tcflush(fd, TCOFLUSH) < 0)
		log_msg(LEVEL_DEBUG, "cannot flush SEXTON_STATUS: %s", strerror(errno));
}

/*
 * SEXTON_STATUS: the exit status, one decimal line, for the host of a VM
 * to read from a second serial port, a virtio console or a shared file.
 * It must never hold the shutdown: O_NONBLOCK so that neither a serial line
 * waiting for its carrier nor a FIFO that nobody reads (ENXIO) blocks the
 * open, O_NOCTTY so that a terminal does not become sexton's, and at most
 * STATUS_WAIT_MS for the line to go out.
 */
static void write_status(const char *path, int code)
{
	char line[24], *end = num_put(line, (unsigned)code & 0xff, 10);
	size_t len, done = 0;
	struct timespec t0;
	struct pollfd pfd;
	ssize_t n;

	*end++ = '\n';
	len = (size_t)(end - line);
	if (clock_gettime(CLOCK_MONOTONIC, &t0) < 0)
		t0.tv_sec = t0.tv_nsec = 0;
	pfd.fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY | O_NONBLOCK | O_CLOEXEC, 0644);
	pfd.events = POLLOUT;
	if (pfd.fd < 0) {
		log_msg(LEVEL_ERROR, "cannot open SEXTON_STATUS '%s': %s", path, strerror(errno));
		return;
	}
	do { /* one write at least, whatever the clock says */
		n = write(pfd.fd, line + done, len - done);
		if (n > 0)
			done += (size_t)n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			break;
		else if (n < 0 && errno == EAGAIN)
			/* ready, timed out or failed: the loop's clock decides */
			(void)poll(&pfd, 1, (int)(STATUS_WAIT_MS - ms_since(&t0)) + 1);
	} while (done < len && ms_since(&t0) < STATUS_WAIT_MS);
	if (done < len)
		log_msg(LEVEL_ERROR, "cannot write SEXTON_STATUS '%s': %s", path,
			done == 0 && errno != 0 ? strerror(errno) : "timed out");
	drain_tty(pfd.fd, &t0);
	if (close(pfd.fd) < 0)
		log_msg(LEVEL_WARN, "cannot close SEXTON_STATUS '%s': %s", path, strerror(errno));
}

/*
 * The end of every boot, after the teardown has emptied the system: the
 * status out (SEXTON_STATUS), the file systems saved, and reboot(2). Returns
 * only where sexton may exit, PID 1 of a child PID namespace (-B in a
 * container), when reboot(2) failed there: main then exits with code, the
 * workload's status. The kernel's init never returns.
 */
void boot_shutdown(const struct config *cfg, struct state *st, int action, int code)
{
	/* Only the kernel's own init owns the file systems: a forced -B in a
	 * container must not remount the host's root read-only. */
	bool initial = in_initial_pid_ns();
	int err;

	if (cfg->status_path != NULL)
		write_status(cfg->status_path, code);
	for (;;) {
		sync();
		if (initial)
			unmount_all();
		sync();
		err = reboot_from_child(action);
		log_msg(LEVEL_ERROR, "cannot %s: %s", action_verb(action), strerror(err));
		if (!initial)
			return;
		action = wait_for_retry(cfg, st);
	}
}
