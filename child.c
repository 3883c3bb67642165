// SPDX-License-Identifier: MIT
/*
 * The workload's start: what sexton sets up before the fork (its signal
 * mask, the parent-death signal, the subreaper flag, which terminal the
 * child gets), the fork, the child's side up to execve(2) with its own PATH
 * search, and job control for a workload that stops for the terminal.
 */
#include "sexton.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The variable of systemd's socket activation protocol (sd_listen_fds(3)). */
#define LISTEN_PID "LISTEN_PID="
#define LISTEN_PID_LEN (sizeof(LISTEN_PID) - 1)

/*
 * fds 0-2 must exist before sexton opens anything, or a later open() would
 * become someone's stdout; the workload inherits them too. A missing one is
 * pointed at device (the console in boot mode), else at /dev/null.
 */
void child_std_fds(const char *device)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* lands on the lowest free number, which is fd itself */
		if (open(device, O_RDWR | O_NOCTTY) < 0 && open("/dev/null", O_RDWR) < 0)
			return; /* no /dev/null: nothing better to do, and nobody to tell */
	}
}

/*
 * Which terminal, if any, the child should take. Only a terminal that is
 * sexton's controlling terminal with sexton in the foreground is handed on:
 * an init started in the background must not steal the terminal from the
 * shell. A terminal on stdin that is not sexton's controlling terminal (a
 * boot console is nobody's) becomes the child's own.
 *
 * As PID 1 of a namespace made by `unshare --fork`, sexton's group and the
 * foreground group both belong to the parent namespace and both read as 0:
 * sexton cannot tell them apart and takes the common case, the foreground.
 * Under docker and podman sexton leads a session of its own, so it can.
 */
static void tty_probe(struct state *st)
{
	int fd;

	st->tty = TTY_NONE;
	for (fd = 0; fd <= 2; fd++) {
		if (tcgetsid(fd) < 0)
			continue; /* not a terminal, or not our controlling one */
		if (tcgetpgrp(fd) == getpgrp()) {
			st->tty = TTY_FOREGROUND;
			st->tty_fd = fd;
		}
		return;
	}
	if (isatty(STDIN_FILENO)) {
		st->tty = TTY_ACQUIRE;
		st->tty_fd = STDIN_FILENO;
	}
}

/*
 * -p: ask for a signal when the parent dies. If the parent died before the
 * prctl took effect, the kernel will never send it: act on it now, by
 * queueing it for the child like any other signal.
 */
static int pdeath_setup(const struct config *cfg, struct state *st, pid_t parent)
{
	if (cfg->pdeath_signal == 0)
		return 0;
	if (prctl(PR_SET_PDEATHSIG, cfg->pdeath_signal) < 0) {
		log_msg(LEVEL_ERROR, "cannot set the parent-death signal: %s", strerror(errno));
		return -1;
	}
	if (getppid() == parent)
		return 0;
	if (cfg->pdeath_signal == SIGKILL)
		(void)kill(getpid(), SIGKILL); /* cannot be blocked: ends sexton here */
	st->pending_signal = cfg->pdeath_signal;
	return 0;
}

/*
 * Outside PID 1, orphans go to the nearest subreaper or to the real init; as
 * a subreaper, sexton gets its own subtree's orphans and reaps them. The prctl
 * needs no privilege; qemu-user answers EINVAL, so failing only warns.
 */
static void subreaper_setup(const struct config *cfg, const struct state *st)
{
	if (st->self == 1 && !cfg->subreaper)
		return;
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		log_msg(LEVEL_WARN, "cannot become a child subreaper, orphans will not be reaped: %s",
			strerror(errno));
}

/*
 * Socket activation: a service checks that LISTEN_PID is its own pid before
 * it takes the descriptors from 3 on (sd_listen_fds(3)). Started by a
 * socket activator, sexton finds its own pid there, which the workload
 * would take as "not mine": the child writes its own pid there after the
 * fork. Found here, before the fork, so that the child only has to write
 * digits; LISTEN_FDS and LISTEN_FDNAMES pass through as they are.
 */
static void listen_pid_find(struct state *st)
{
	char **e;
	unsigned pid;

	for (e = environ; *e != NULL; e++) {
		if (strncmp(*e, LISTEN_PID, LISTEN_PID_LEN) != 0)
			continue;
		/* the first one is the one getenv(3) and sd_listen_fds() read */
		if (num_uint(*e + LISTEN_PID_LEN, 0x7fffffff, &pid) == 0 && (pid_t)pid == st->self)
			st->listen_pid_slot = e;
		return;
	}
}

/*
 * Boot mode: the console becomes sexton's controlling terminal, in a
 * session that sexton leads, and the workload gets its foreground (as
 * TTY_FOREGROUND). Were the workload the session leader, its exit would
 * make the kernel hang the console up (disassociate_ctty: SIGHUP and
 * SIGCONT to the foreground group), and a job it had started with `&`
 * would die of SIGHUP before the teardown's SIGTERM; sexton never exits
 * there, so the hangup never comes. Ctrl-C, Ctrl-Z and a shell's job control
 * work within the session as before. If the console cannot be had, the
 * workload takes it itself, as before.
 */
static void tty_take_console(struct state *st)
{
	if (!st->boot || st->tty != TTY_ACQUIRE)
		return;
	/* The kernel starts init in session 0, not its own; EPERM: already a
	 * group leader (-B in a namespace), where a session may already be its. */
	if (setsid() < 0 && getsid(0) != getpid())
		return;
	if (ioctl(st->tty_fd, TIOCSCTTY, 0) < 0) {
		log_msg(LEVEL_DEBUG, "cannot take the console as controlling terminal: %s",
			strerror(errno));
		return;
	}
	st->tty = TTY_FOREGROUND;
}

/* Everything before the fork; any failure here is fatal. */
int child_prepare(const struct config *cfg, struct state *st, pid_t parent)
{
	st->self = getpid();
	listen_pid_find(st);
	if (signals_setup(st) < 0)
		return -1;
	if (pdeath_setup(cfg, st, parent) < 0)
		return -1;
	subreaper_setup(cfg, st);
	tty_probe(st);
	tty_take_console(st);
	return 0;
}

/* execve() of dir/name; errno as execve left it. */
static void exec_in(const char *dir, size_t dirlen, char **argv)
{
	char path[4096];
	size_t len = strlen(argv[0]);

	if (dirlen + len + 2 > sizeof(path)) {
		errno = ENAMETOOLONG;
		return;
	}
	memcpy(path, dir, dirlen);
	path[dirlen] = '/';
	memcpy(path + dirlen + 1, argv[0], len + 1);
	/* an empty PATH entry means the working directory */
	(void)execve(dirlen != 0 ? path : path + 1, argv, environ);
}

/*
 * execvp(3), but the same with every libc: glibc's runs a file of no known
 * format through /bin/sh, musl's does not. sexton never does, so such a file
 * is always an error (126), not a shell script by accident. Returns errno.
 */
static int exec_program(char **argv)
{
	const char *path = getenv("PATH"), *dir, *end;
	int err = ENOENT;

	if (argv[0][0] == '\0')
		return ENOENT;
	if (strchr(argv[0], '/') != NULL) {
		(void)execve(argv[0], argv, environ);
		return errno;
	}
	if (path == NULL)
		path = "/usr/local/bin:/bin:/usr/bin";
	for (dir = path;; dir = end + 1) {
		end = strchrnul(dir, ':');
		exec_in(dir, (size_t)(end - dir), argv);
		if (errno == EACCES)
			err = EACCES; /* remember it, but a later entry may still work */
		else if (errno != ENOENT && errno != ENOTDIR && errno != ENAMETOOLONG)
			return errno;
		if (*end == '\0')
			return err;
	}
}

/*
 * The child, from fork to exec. Only async-signal-safe calls: sexton is
 * single-threaded, but this keeps it honest. Signals are still blocked here,
 * so tcsetpgrp() from what is still a background group raises no SIGTTOU.
 */
static void child_exec(const struct config *cfg, const struct state *st)
{
	char listen_pid[LISTEN_PID_LEN + 24] = LISTEN_PID;
	int err;

	if (st->tty == TTY_ACQUIRE) {
		/* A session of its own, with the console as its controlling terminal.
		 * TIOCSCTTY with 0 steals no terminal that belongs to another session. */
		(void)setsid();
		(void)ioctl(st->tty_fd, TIOCSCTTY, 0);
	} else {
		(void)setpgid(0, 0); /* the parent does the same; one of them wins */
		if (st->tty == TTY_FOREGROUND)
			(void)tcsetpgrp(st->tty_fd, getpid()); /* a lost terminal is not fatal */
	}
	if (st->listen_pid_slot != NULL) {
		/* this child's copy of environ; the buffer lives until execve */
		(void)num_put(listen_pid + LISTEN_PID_LEN, (unsigned long long)getpid(), 10);
		*st->listen_pid_slot = listen_pid;
	}
	signals_restore_in_child(st);
	err = exec_program(cfg->argv);
	/* The mask is empty now: a stderr pipe whose reader has gone would
	 * kill the child with SIGPIPE in the line's write(2). */
	signals_block_pipe_in_child();
	log_msg(LEVEL_ERROR, "cannot run '%s': %s", cfg->argv[0], strerror(err));
	_exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE);
}

/*
 * After the fork, sexton closes every descriptor it inherited from 3 on
 * (with -P, which has no child to hand them to, at once): the child has
 * its own copies, and sexton's would keep a pipe from ever
 * giving its reader EOF, a passed socket open after its service died, a
 * lock locked, for as long as sexton lives. What sexton needs it opens
 * itself later, close-on-exec. close_range(2) is Linux 5.9; before it (or
 * under a seccomp profile that does not know it), each descriptor below
 * the soft RLIMIT_NOFILE, the highest one that can be open.
 */
void child_close_inherited(void)
{
	struct rlimit lim;
	unsigned long fd;

	if (syscall(SYS_close_range, 3U, ~0U, 0) < 0) {
		/* prlimit64 itself, as in teardown.c: musl's getrlimit() adds a
		 * fallback for kernels older than any sexton runs on. */
		if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &lim) < 0 ||
		    lim.rlim_cur == RLIM_INFINITY)
			lim.rlim_cur = 1UL << 20; /* the kernel's fs.nr_open default */
		for (fd = 3; fd < lim.rlim_cur; fd++)
			(void)close((int)fd); /* EBADF: not open, the usual case */
	}
	log_forget_fd();
}

int child_spawn(const struct config *cfg, struct state *st)
{
	/* _Fork: no atfork handlers and no libc locks to take, as sexton has a
	 * single thread; musl's fork() would add 2.5 KiB for nothing. */
	pid_t pid = _Fork();

	if (pid < 0) {
		log_msg(LEVEL_ERROR, "cannot start '%s': fork: %s", cfg->argv[0], strerror(errno));
		return -1;
	}
	if (pid == 0)
		child_exec(cfg, st);
	child_close_inherited();
	st->child = pid;
	st->child_alive = true;
	/* A pidfd of the workload, for the teardown without /proc: its process
	 * group can then be signalled without naming it by a reusable number.
	 * Taken before any wait, so it is this child's. ENOSYS, EMFILE: none. */
	st->child_pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (st->child_pidfd < 0)
		st->child_pidfd = 0;
	/*
	 * Make the group here too, so that a -g forward right after fork finds
	 * it. EACCES: the child has already exec'd; the child did it then.
	 */
	if (st->tty != TTY_ACQUIRE && setpgid(pid, pid) < 0 && errno != EACCES && errno != ESRCH)
		log_msg(LEVEL_WARN, "cannot give the child its own process group: %s", strerror(errno));
	log_msg(LEVEL_INFO, "started '%s' as pid %d", cfg->argv[0], pid);
	return 0;
}

/*
 * Ctrl-Z for a sexton that a shell started: when the workload stops for the
 * terminal (SIGTSTP, SIGTTIN, SIGTTOU), stop sexton's own group too, so that
 * the shell sees its job stopped instead of waiting forever; after `fg`,
 * hand the terminal back and wake the workload (after `bg`, leave the
 * terminal to the shell). Not as PID 1, which cannot stop itself, and only
 * when sexton gave the workload the foreground in the first place.
 */
static bool job_control(const struct state *st)
{
	return st->self != 1 && st->tty == TTY_FOREGROUND;
}

static void stop_with_child(struct state *st)
{
	int sig = st->stop_signal;

	if (sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU)
		return;
	st->stop_signal = 0;
	if (!st->child_alive || !st->child_stopped)
		return;
	(void)tcsetpgrp(st->tty_fd, getpgrp()); /* SIGTTOU is blocked: allowed */
	if (kill(0, SIGSTOP) < 0) /* returns once the shell continues the job */
		return;
	if (tcgetpgrp(st->tty_fd) == getpgrp())
		(void)tcsetpgrp(st->tty_fd, st->child);
	(void)kill(-st->child, SIGCONT);
}

/* After a SIGCHLD: follow the workload into a stop and back out of it. */
void child_job_control(struct state *st)
{
	if (!job_control(st))
		return;
	reap_child_state(st);
	stop_with_child(st);
}
