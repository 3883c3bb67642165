// SPDX-License-Identifier: MIT
/*
 * Benchmark workload: the program an init under test runs as its child, in a
 * fresh PID namespace where the init is pid 1 and /proc is the namespace's.
 * Each mode prints one "key=value ..." line on stdout for bench.py.
 *
 *   workload idle              sleep until killed
 *   workload exit N            exit with status N
 *   workload die SIG           kill itself with signal SIG
 *   workload orphans N         make N short-lived orphans, one at a time (a
 *                              fork whose own child outlives it); report the
 *                              wall time and the init's CPU time until the
 *                              last one is reaped
 *   workload zombies N         park N orphans, kill them with one kill(2)
 *                              and time how long the init takes to reap them
 *   workload storm N M         send N signals to the init from a helper
 *                              while making M orphans; count what is left
 *   workload listen FD         answer each SIGUSR1 with a CLOCK_MONOTONIC
 *                              stamp written to FD (see driver.c signals)
 *   workload leave N FD GO     leave N processes behind, each in a session
 *                              of its own, that exit on SIGTERM; write a
 *                              stamp to FD when ready, wait for a byte on GO,
 *                              then exit. Every process writes a stamp to FD
 *                              just before it exits (see driver.c exit)
 *
 * The init's CPU time is the first field of /proc/1/schedstat, in ns.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

/* Give up waiting for the init to reap after this long: report, don't hang. */
#define REAP_LIMIT_NS (60LL * 1000000000LL)


static void die(const char *what)
{
	fprintf(stderr, "workload: %s: %s\n", what, strerror(errno));
	exit(2);
}


/* The init's CPU time so far (user + system), in ns. */
static int64_t init_cpu_ns(void)
{
	char buf[128];
	ssize_t n;
	int fd = open("/proc/1/schedstat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("open /proc/1/schedstat");
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		die("read /proc/1/schedstat");
	buf[n] = '\0';
	return strtoll(buf, NULL, 10);
}

/* fork(), waiting out EAGAIN: when the init reaps slowly, zombies hold pids. */
static pid_t fork_patient(void)
{
	pid_t pid;

	while ((pid = fork()) < 0) {
		if (errno != EAGAIN)
			die("fork");
		nap_us(1000);
	}
	return pid;
}

/*
 * Processes in the namespace other than the init and this one, and how many
 * of them are zombies. /proc is the namespace's own (unshare --mount-proc).
 */
static int count_others(int *zombies)
{
	char path[64], buf[256];
	struct dirent *d;
	int n = 0, fd;
	ssize_t len;
	char *p;
	long pid, self = getpid();
	DIR *dir = opendir("/proc");

	if (dir == NULL)
		die("opendir /proc");
	*zombies = 0;
	while ((d = readdir(dir)) != NULL) {
		pid = strtol(d->d_name, &p, 10);
		if (*p != '\0' || pid <= 1 || pid == self)
			continue;
		n++;
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue; /* reaped meanwhile */
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = '\0';
		p = strrchr(buf, ')'); /* the command name may hold spaces and parens */
		if (p != NULL && p[1] == ' ' && p[2] == 'Z')
			(*zombies)++;
	}
	closedir(dir);
	return n;
}

/* Wait, bounded, until this process is alone with the init. Returns what is left. */
static int wait_alone(int *zombies)
{
	int64_t limit = now_ns() + REAP_LIMIT_NS;
	int left;

	while ((left = count_others(zombies)) > 0 && now_ns() < limit)
		nap_us(200);
	return left;
}

/* One orphan: a child that forks a grandchild and exits without waiting. */
static void make_orphan(void)
{
	pid_t middle = fork_patient();

	if (middle == 0) {
		if (fork() == 0)
			_exit(0); /* the orphan: nothing to do but die */
		_exit(0);
	}
	if (waitpid(middle, NULL, 0) < 0)
		die("waitpid");
}

static int mode_orphans(long count)
{
	int64_t cpu0 = init_cpu_ns(), t0 = now_ns();
	int zombies, left;
	long i;

	for (i = 0; i < count; i++)
		make_orphan();
	left = wait_alone(&zombies);
	printf("orphans=%ld wall_ns=%lld init_cpu_ns=%lld left=%d\n", count,
	       (long long)(now_ns() - t0), (long long)(init_cpu_ns() - cpu0), left);
	return left == 0 ? 0 : 1;
}

/*
 * A middle process makes a process group of `count` sleepers and exits, so
 * the sleepers become the init's children. One kill(2) to the group then
 * makes them all zombies together. Their pids come back through a pipe, so
 * that each can be polled with kill(pid, 0), which fails with ESRCH only
 * once the init has reaped it (a zombie still answers).
 */
static pid_t *park_sleepers(long count, pid_t *group)
{
	pid_t *pids = calloc((size_t)count, sizeof(pid_t));
	int fds[2];
	long got = 0;
	ssize_t n;
	pid_t middle, pid;

	if (pids == NULL || pipe(fds) < 0)
		die("park");
	middle = fork_patient();
	if (middle == 0) {
		close(fds[0]);
		(void)setpgid(0, 0);
		for (long i = 0; i < count; i++) {
			pid = fork_patient();
			if (pid == 0) {
				close(fds[1]);
				for (;;)
					pause();
			}
			if (write(fds[1], &pid, sizeof(pid)) != sizeof(pid))
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	while (got < count && (n = read(fds[0], &pids[got], sizeof(pid_t))) == sizeof(pid_t))
		got++;
	close(fds[0]);
	if (waitpid(middle, NULL, 0) < 0 || got != count)
		die("parking sleepers");
	*group = middle;
	return pids;
}

static int mode_zombies(long count)
{
	pid_t group;
	pid_t *pids = park_sleepers(count, &group);
	int64_t cpu0, t0, limit;
	long i;

	cpu0 = init_cpu_ns();
	t0 = now_ns();
	limit = t0 + REAP_LIMIT_NS;
	if (kill(-group, SIGKILL) < 0)
		die("kill");
	for (i = 0; i < count && now_ns() < limit; i++)
		while (kill(pids[i], 0) == 0 && now_ns() < limit)
			nap_us(100);
	printf("zombies=%ld drain_ns=%lld init_cpu_ns=%lld left=%ld\n", count,
	       (long long)(now_ns() - t0), (long long)(init_cpu_ns() - cpu0), count - i);
	free(pids);
	return i == count ? 0 : 1;
}

/*
 * Signals every init forwards the same way. Not SIGTSTP/SIGTTIN/SIGTTOU
 * (dumb-init stops itself after forwarding them) and not the ones that end
 * the workload. SIGCHLD is in on purpose: an init must not forward it or be
 * confused by a SIGCHLD that no child sent. 35 and 50 are real-time
 * signals (musl keeps 32..34 for itself and refuses handlers for them).
 */
static const int storm_signals[] = { SIGHUP, SIGUSR1, SIGUSR2, SIGALRM, SIGWINCH,
				     SIGURG, SIGCONT, SIGCHLD, 35, 50 };
#define STORM_KINDS (sizeof(storm_signals) / sizeof(storm_signals[0]))

static volatile sig_atomic_t storm_received;

static void on_storm(int sig)
{
	(void)sig;
	storm_received++;
}

static int mode_storm(long signals, long orphans)
{
	struct sigaction sa;
	int zombies, left;
	pid_t sender;
	long i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_storm;
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < (long)STORM_KINDS; i++)
		if (storm_signals[i] != SIGCHLD && sigaction(storm_signals[i], &sa, NULL) < 0)
			die("sigaction");
	sender = fork_patient();
	if (sender == 0) {
		for (i = 0; i < signals; i++)
			(void)kill(1, storm_signals[i % STORM_KINDS]);
		_exit(0);
	}
	for (i = 0; i < orphans; i++)
		make_orphan();
	while (waitpid(sender, NULL, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	left = wait_alone(&zombies);
	printf("storm signals=%ld orphans=%ld received=%ld zombies=%d left=%d\n", signals, orphans,
	       (long)storm_received, zombies, left);
	return left == 0 ? 0 : 1;
}

static int stamp_fd = -1;

static void on_usr1(int sig)
{
	int64_t t = now_ns();

	(void)sig;
	(void)!write(stamp_fd, &t, sizeof(t)); /* the driver notices a missing stamp */
}

static _Noreturn void mode_listen(int fd)
{
	struct sigaction sa;
	int64_t ready = 0;

	stamp_fd = fd;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGUSR1, &sa, NULL) < 0)
		die("sigaction");
	if (write(fd, &ready, sizeof(ready)) != sizeof(ready))
		die("write ready");
	for (;;)
		pause(); /* SIGTERM keeps its default action: it ends the workload */
}

static void write_stamp(int fd)
{
	int64_t t = now_ns();

	if (write(fd, &t, sizeof(t)) != sizeof(t))
		_exit(3);
}

/* A leftover: a daemon-like process that exits as soon as SIGTERM comes. */
static _Noreturn void leftover(int fd, const sigset_t *term)
{
	int sig;

	if (setsid() < 0)
		die("setsid");
	while (sigwait(term, &sig) != 0)
		;
	write_stamp(fd);
	_exit(0);
}

static int mode_leave(long n, int fd, int go)
{
	sigset_t term;
	char byte;
	long i;
	pid_t pid;

	/* Blocked before the fork: no leftover can miss a SIGTERM that comes early. */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &term, NULL) < 0)
		die("sigprocmask");
	for (i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0)
			leftover(fd, &term);
	}
	write_stamp(fd); /* ready */
	if (read(go, &byte, 1) != 1)
		die("read go");
	write_stamp(fd);
	_exit(0);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(mode, "idle") == 0 && argc == 2) {
		for (;;)
			pause();
	}
	if (strcmp(mode, "exit") == 0 && argc == 3)
		return (int)arg_num("workload", argv[2]) & 0xff;
	if (strcmp(mode, "die") == 0 && argc == 3) {
		signal((int)arg_num("workload", argv[2]), SIG_DFL);
		raise((int)arg_num("workload", argv[2]));
		return 2;
	}
	if (strcmp(mode, "orphans") == 0 && argc == 3)
		return mode_orphans(arg_num("workload", argv[2]));
	if (strcmp(mode, "zombies") == 0 && argc == 3)
		return mode_zombies(arg_num("workload", argv[2]));
	if (strcmp(mode, "storm") == 0 && argc == 4)
		return mode_storm(arg_num("workload", argv[2]), arg_num("workload", argv[3]));
	if (strcmp(mode, "listen") == 0 && argc == 3)
		mode_listen((int)arg_num("workload", argv[2]));
	if (strcmp(mode, "leave") == 0 && argc == 5)
		return mode_leave(arg_num("workload", argv[2]), (int)arg_num("workload", argv[3]),
				  (int)arg_num("workload", argv[4]));
	fprintf(stderr, "usage: workload idle | exit N | die SIG | orphans N | zombies N |"
			" storm SIGNALS ORPHANS | listen FD | leave N FD GO\n");
	return 2;
}
