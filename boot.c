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
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
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

/* -B and -C decide; otherwise boot mode is for PID 1 of the initial PID namespace. */
bool boot_detect(const struct config *cfg)
{
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
		/* EINVAL: a PID namespace (-B in a container); the keys are the host's */
		log_msg(errno == EINVAL ? LEVEL_DEBUG : LEVEL_WARN, "cannot take over Ctrl-Alt-Del: %s",
			strerror(errno));
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
 * Unmount everything, last mounted first; what is busy (the root, /dev with
 * the console open) is remounted read-only so that no write is lost.
 */
static void unmount_all(void)
{
	static char buf[16384];
	char *mounts[256], *line, *path, *end;
	int n = 0, fd;
	ssize_t len;

	fd = open("/proc/mounts", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	len = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd); /* read-only */
	if (len <= 0)
		return;
	buf[len] = '\0';
	for (line = buf; *line != '\0' && n < 256; line = end + 1) {
		end = strchr(line, '\n');
		if (end == NULL)
			break;
		*end = '\0';
		path = strchr(line, ' ');
		if (path == NULL || strchr(path + 1, ' ') == NULL)
			continue;
		*strchr(++path, ' ') = '\0';
		unescape(path);
		mounts[n++] = path;
	}
	while (n-- > 0)
		if (umount2(mounts[n], 0) < 0 &&
		    mount(NULL, mounts[n], NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0)
			log_msg(LEVEL_DEBUG, "cannot unmount '%s': %s", mounts[n], strerror(errno));
}

static const char *action_name(int action)
{
	if (action == (int)RB_AUTOBOOT)
		return "rebooting";
	if (action == (int)RB_HALT_SYSTEM)
		return "halting";
	return "powering off";
}

/*
 * reboot(2) from a child: the kernel ends the caller of a power-off inside
 * do_exit(), which for PID 1 would be a panic. If even that fails there is
 * nothing left to do but stay alive and keep reaping.
 */
static __attribute__((noreturn)) void reboot_from_child(const struct config *cfg, struct state *st,
							int action)
{
	siginfo_t info;
	pid_t pid;

	log_msg(LEVEL_WARN, "%s", action_name(action));
	pid = _Fork(); /* single-threaded: no atfork handlers to run */
	if (pid == 0) {
		(void)reboot(action); /* returns only on failure */
		_exit(errno & 0xff);
	}
	if (pid < 0)
		log_msg(LEVEL_WARN, "cannot fork to reboot: %s", strerror(errno));
	for (;;) {
		if (signals_wait(NULL, &info) == SIGCHLD)
			reap_all(cfg, st);
	}
}

/*
 * The end of every boot, after the teardown has emptied the system: save
 * the file systems and reboot(2). Never returns.
 */
void boot_shutdown(const struct config *cfg, struct state *st, int action)
{
	sync();
	/* Only the kernel's own init owns the file systems: a forced -B in a
	 * container must not remount the host's root read-only. */
	if (in_initial_pid_ns())
		unmount_all();
	sync();
	reboot_from_child(cfg, st, action);
}
