// SPDX-License-Identifier: MIT
/*
 * Test probe for the subreaper teardown (tests/subreaper_teardown.bats).
 * Each mode sets up a process and returns once it is ready:
 *
 *   tdprobe bystander [-a PID] FILE
 *       A process outside sexton's subtree, in a session of its own, that
 *       blocks every signal it can and appends "got N" to FILE for each one
 *       it receives. Its pid goes to FILE.pid; with -a it is forked with the
 *       pid PID (through /proc/sys/kernel/ns_last_pid).
 *   tdprobe zleader NAME
 *       A daemon whose main thread has exited (pthread_exit) while a second
 *       thread waits for SIGTERM: /proc shows the process as a zombie. On
 *       SIGTERM it prints "NAME term" and exits.
 *   tdprobe chain DIR A_PID B_PID
 *       An orphan P (re-parented to the caller's subreaper) whose child A has
 *       the pid A_PID and whose grandchild B has the lower pid B_PID. A exits
 *       once something is written to the FIFO DIR/go; P reaps it at once and
 *       then writes a byte to the FIFO DIR/reaped. P and B print "P term" and
 *       "B term" on SIGTERM and exit.
 *   tdprobe hold PID B_PID DIR
 *       Trace PID (sexton) and stop it at the first openat(2) after it opened
 *       B_PID's stat file, that is after it read B's parent; then write to
 *       DIR/go, wait for DIR/reaped and let PID go on. Prints "attached" once
 *       tracing, "released" after.
 *   tdprobe bomb NAME
 *       A fork bomb in a session of its own that ignores SIGTERM: every
 *       process forks as fast as it can, and after every second fork the
 *       parent exits, so that pids come and go all the time.
 *   tdprobe orphan -a PID NAME
 *       An orphan with the pid PID, named NAME (PR_SET_NAME), that exits as
 *       soon as its parent has: the caller's subreaper reaps it.
 *   tdprobe reuser DIR X_PID
 *       An orphan P in a session of its own that, when DIR/mk is written,
 *       forks a child X with the pid X_PID and writes DIR/made; when DIR/kill
 *       is written, SIGKILLs X, reaps it and writes DIR/dead. P prints
 *       "P term" on SIGTERM and exits.
 *   tdprobe holdreuse PID X_PID DIR
 *       Trace PID (sexton) and stop it at its first getdents64(2), the start
 *       of its /proc scan: have the reuser make X there, let the scan read
 *       X's stat, stop sexton again at its next open, have X killed and
 *       reaped, and fork a bystander (recording signals to DIR/y, its pid in
 *       DIR/y.pid) that takes X_PID: a stranger now holds a pid the scan saw
 *       as a descendant. Prints "same tick" when the two started in the same
 *       clock tick (a start time cannot tell them apart), "other tick" when
 *       not, then "released" after letting sexton go on.
 *   tdprobe fill N CMD...
 *       Open /dev/null (not close-on-exec) until exactly N descriptors are
 *       free below RLIMIT_NOFILE's soft limit, then exec CMD.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <linux/audit.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	_exit(2);
}

static void say(const char *name, const char *what)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "%s %s\n", name, what);

	if (n > 0 && write(STDOUT_FILENO, line, (size_t)n) < 0)
		_exit(3);
}

/* The next fork of this namespace gets pid `pid` (unless another comes first). */
static void next_pid(pid_t pid)
{
	char text[16];
	int fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY);
	int n = snprintf(text, sizeof(text), "%d", (int)pid - 1);

	if (fd < 0 || write(fd, text, (size_t)n) != n)
		die("ns_last_pid");
	close(fd);
}

/* fork() with the pid `pid` (0: any); dies if another process took it. */
static pid_t fork_at(pid_t pid)
{
	pid_t got;

	if (pid > 0)
		next_pid(pid);
	got = fork();
	if (got < 0)
		die("fork");
	if (got > 0 && pid > 0 && got != pid) {
		fprintf(stderr, "tdprobe: wanted pid %d, got %d\n", (int)pid, (int)got);
		kill(got, SIGKILL);
		exit(4);
	}
	return got;
}

static void block_term(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* Wait for SIGTERM (blocked), print "NAME term", exit. */
static void answer_term(const char *name)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	while (sigwaitinfo(&set, NULL) < 0)
		if (errno != EINTR)
			_exit(5);
	say(name, "term");
	_exit(0);
}

static void ready(int fd)
{
	if (write(fd, "r", 1) != 1)
		_exit(6);
	close(fd);
}

/* Wait for the ready byte of the process set up behind the pipe. */
static int await_ready(int fds[2])
{
	char byte;

	close(fds[1]);
	if (read(fds[0], &byte, 1) != 1) {
		fprintf(stderr, "tdprobe: never got ready\n");
		return 1;
	}
	return 0;
}

static int bystander(int argc, char **argv)
{
	pid_t at = 0;
	char pidfile[4096];
	unsigned long all = ~0UL;
	siginfo_t info;
	int fds[2], out;
	FILE *f;
	long sig;

	if (argc == 4 && strcmp(argv[1], "-a") == 0) {
		at = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc != 2)
		return 2;
	snprintf(pidfile, sizeof(pidfile), "%s.pid", argv[1]);
	out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
	if (out < 0 || pipe(fds) < 0)
		die(argv[1]);
	if (fork_at(at) > 0)
		return await_ready(fds);
	close(fds[0]);
	setsid();
	if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, sizeof(all)) < 0)
		die("sigprocmask");
	f = fopen(pidfile, "w");
	if (f == NULL || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0)
		die(pidfile);
	ready(fds[1]);
	for (;;) {
		char line[32];
		int n;

		sig = syscall(SYS_rt_sigtimedwait, &all, &info, NULL, sizeof(all));
		if (sig < 0)
			continue;
		n = snprintf(line, sizeof(line), "got %ld\n", sig);
		if (write(out, line, (size_t)n) < 0)
			_exit(3);
	}
}

static const char *zl_name;
static int zl_ready;

static void *zl_thread(void *arg)
{
	(void)arg;
	ready(zl_ready);
	answer_term(zl_name);
	return NULL;
}

/* Wait until the main thread of pid has exited: /proc shows state Z. */
static int await_zombie(pid_t pid)
{
	char path[64], line[512], *close_paren;
	int i, fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (i = 0; i < 10000; i++) {
		fd = open(path, O_RDONLY);
		n = fd < 0 ? -1 : read(fd, line, sizeof(line) - 1);
		if (fd >= 0)
			close(fd);
		if (n <= 0)
			return 1;
		line[n] = '\0';
		close_paren = strrchr(line, ')');
		if (close_paren != NULL && close_paren[2] == 'Z')
			return 0;
		usleep(1000); /* no event tells of a thread's exit */
	}
	return 1;
}

static int zleader(int argc, char **argv)
{
	pthread_t thread;
	int fds[2];
	pid_t leader;

	if (argc != 2)
		return 2;
	if (pipe(fds) < 0)
		die("pipe");
	leader = fork_at(0);
	if (leader > 0)
		return await_ready(fds) || await_zombie(leader);
	close(fds[0]);
	setsid();
	block_term(); /* inherited by the thread */
	zl_name = argv[1];
	zl_ready = fds[1];
	if (pthread_create(&thread, NULL, zl_thread, NULL) != 0)
		die("pthread_create");
	pthread_exit(NULL);
}

static void open_write_byte(const char *dir, const char *leaf)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, leaf);
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, "x", 1) != 1)
		die(path);
	close(fd);
}

static void open_read_byte(const char *dir, const char *leaf)
{
	char path[4096], byte;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, leaf);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		die(path);
	(void)!read(fd, &byte, 1); /* a byte or EOF: either is the event */
	close(fd);
}

/* P: fork A (which forks B), tell the caller, reap A when it goes. */
static void chain_parent(const char *dir, pid_t a_pid, pid_t b_pid, int fd)
{
	int inner[2], status;
	pid_t a;

	block_term();
	if (pipe(inner) < 0)
		die("pipe");
	a = fork_at(a_pid);
	if (a == 0) {
		close(inner[0]);
		if (fork_at(b_pid) == 0) {
			ready(inner[1]);
			answer_term("B");
		}
		close(inner[1]);
		open_read_byte(dir, "go");
		_exit(0);
	}
	if (await_ready(inner) != 0)
		_exit(7);
	ready(fd);
	while (waitpid(a, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	open_write_byte(dir, "reaped");
	answer_term("P");
}

static int chain(int argc, char **argv)
{
	int fds[2], status;
	pid_t go_between;

	if (argc != 4)
		return 2;
	if (pipe(fds) < 0)
		die("pipe");
	go_between = fork_at(0);
	if (go_between == 0) {
		close(fds[0]);
		if (fork_at(0) == 0)
			chain_parent(argv[1], atoi(argv[2]), atoi(argv[3]), fds[1]);
		_exit(0); /* P is re-parented to the subreaper */
	}
	if (await_ready(fds) != 0)
		return 1;
	return waitpid(go_between, &status, 0) < 0;
}

/* The string at addr in the tracee, up to size - 1 bytes. */
static void peek_string(pid_t pid, unsigned long addr, char *buf, size_t size)
{
	struct iovec local = { buf, size - 1 }, remote = { (void *)addr, size - 1 };
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

	buf[n > 0 ? n : 0] = '\0';
	buf[strnlen(buf, size - 1)] = '\0';
}

/* Whether path names B's stat file: "/proc/B/stat" or "B/stat" from a dirfd. */
static int is_stat_of(const char *path, const char *b)
{
	size_t blen = strlen(b), plen = strlen(path);

	if (plen < blen + 5 || strcmp(path + plen - 5, "/stat") != 0)
		return 0;
	if (strncmp(path + plen - 5 - blen, b, blen) != 0)
		return 0;
	return plen == blen + 5 || path[plen - 6 - blen] == '/';
}

/* open(2) and openat(2), by the tracee's own syscall table: musl's open()
 * is SYS_open on x86_64, and an i386 sexton under an x86_64 kernel reports
 * i386 numbers (open 5, openat 295) with arch AUDIT_ARCH_I386. Returns the
 * index of the path argument, or -1 for any other call. */
static int open_path_arg(const struct __ptrace_syscall_info *info)
{
	unsigned long long nr = info->entry.nr;

	if (info->arch == AUDIT_ARCH_I386)
		return nr == 5 ? 0 : nr == 295 ? 1 : -1;
#ifdef SYS_open
	if (nr == SYS_open)
		return 0;
#endif
	return nr == SYS_openat ? 1 : -1;
}

static int reuser(int argc, char **argv)
{
	int fds[2], status;
	pid_t x;

	if (argc != 3)
		return 2;
	if (pipe(fds) < 0)
		die("pipe");
	if (fork_at(0) > 0)
		return await_ready(fds);
	close(fds[0]);
	if (fork_at(0) > 0)
		_exit(0); /* P is orphaned: the subreaper adopts it */
	setsid();
	block_term();
	ready(fds[1]);
	open_read_byte(argv[1], "mk");
	x = fork_at(atoi(argv[2]));
	if (x == 0)
		for (;;)
			pause(); /* until SIGKILL */
	open_write_byte(argv[1], "made");
	open_read_byte(argv[1], "kill");
	if (kill(x, SIGKILL) < 0 || waitpid(x, &status, 0) != x)
		die("kill X");
	open_write_byte(argv[1], "dead");
	answer_term("P");
	return 0;
}

/* STARTTIME, field 22 of /proc/PID/stat, in clock ticks after boot. */
static unsigned long long start_of(pid_t pid)
{
	char path[64], line[640], *p;
	unsigned long long start = 0;
	int fd, field;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY);
	n = fd < 0 ? -1 : read(fd, line, sizeof(line) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		die(path);
	line[n] = '\0';
	p = strrchr(line, ')');
	for (field = 2; p != NULL && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p + 1, "%llu", &start) != 1)
		die(path);
	return start;
}

/* Stop the traced pid at the next entry of a syscall that want() picks. */
static void trace_until(pid_t pid, int (*want)(const struct __ptrace_syscall_info *, pid_t, void *),
			void *arg)
{
	struct __ptrace_syscall_info info;
	int status, sig = 0;

	for (;;) {
		if (ptrace(PTRACE_SYSCALL, pid, 0, sig) < 0)
			die("PTRACE_SYSCALL");
		if (waitpid(pid, &status, __WALL) < 0)
			die("waitpid");
		if (WIFEXITED(status) || WIFSIGNALED(status))
			_exit(1); /* gone before the moment came */
		sig = 0;
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info) <= 0)
				die("PTRACE_GET_SYSCALL_INFO");
			if (info.op == PTRACE_SYSCALL_INFO_ENTRY && want(&info, pid, arg))
				return;
		} else if (status >> 16 != PTRACE_EVENT_STOP) {
			sig = WSTOPSIG(status); /* a signal for sexton: pass it on */
		}
	}
}

static int is_getdents(const struct __ptrace_syscall_info *info, pid_t pid, void *arg)
{
	(void)pid;
	(void)arg;
	return info->arch == AUDIT_ARCH_I386 ? info->entry.nr == 220
					     : info->entry.nr == SYS_getdents64;
}

/* The open of one pid's stat file, and whether it has been seen. */
struct stat_open {
	const char *pid;
	int seen;
};

/* An open after the one of a pid's stat: sexton has read its parent and start. */
static int is_open_after_stat(const struct __ptrace_syscall_info *info, pid_t pid, void *arg)
{
	struct stat_open *want = arg;
	int a = open_path_arg(info);
	char path[256];

	if (a < 0)
		return 0;
	if (want->seen)
		return 1;
	peek_string(pid, (unsigned long)info->entry.args[a], path, sizeof(path));
	want->seen = is_stat_of(path, want->pid);
	return 0;
}

/* Trace pid, stopped once, and say so. */
static void attach(pid_t pid)
{
	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESYSGOOD) < 0)
		die("PTRACE_SEIZE");
	if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0 || waitpid(pid, NULL, __WALL) < 0)
		die("PTRACE_INTERRUPT");
	say("tdprobe", "attached");
}

/* Let the traced pid go on, and say so. */
static void release(pid_t pid)
{
	if (ptrace(PTRACE_DETACH, pid, 0, 0) < 0)
		die("PTRACE_DETACH");
	say("tdprobe", "released");
}

static int hold(int argc, char **argv)
{
	struct stat_open b = { argv[2], 0 };
	pid_t pid;

	if (argc != 4)
		return 2;
	pid = atoi(argv[1]);
	attach(pid);
	trace_until(pid, is_open_after_stat, &b);
	/* sexton sits at the syscall after reading B: A exits and is reaped now */
	open_write_byte(argv[3], "go");
	open_read_byte(argv[3], "reaped");
	release(pid);
	return 0;
}

static int holdreuse(int argc, char **argv)
{
	struct stat_open x_stat = { argv[2], 0 };
	char file[4096];
	unsigned long long x_start, y_start;
	pid_t pid, x;
	char *by[] = { "bystander", "-a", argv[2], file, NULL };

	if (argc != 4)
		return 2;
	pid = atoi(argv[1]);
	x = atoi(argv[2]);
	snprintf(file, sizeof(file), "%s/y", argv[3]);
	attach(pid);
	trace_until(pid, is_getdents, NULL);
	open_write_byte(argv[3], "mk");
	open_read_byte(argv[3], "made");
	x_start = start_of(x);
	trace_until(pid, is_open_after_stat, &x_stat);
	open_write_byte(argv[3], "kill");
	open_read_byte(argv[3], "dead");
	if (bystander(4, by) != 0)
		return 1;
	y_start = start_of(x);
	say(y_start == x_start ? "same" : "other", "tick");
	release(pid);
	return 0;
}

static int bomb(int argc, char **argv)
{
	int fds[2];
	unsigned i;

	if (argc != 2)
		return 2;
	if (pipe(fds) < 0)
		die("pipe");
	if (fork_at(0) > 0)
		return await_ready(fds);
	close(fds[0]);
	setsid();
	signal(SIGTERM, SIG_IGN);
	signal(SIGCHLD, SIG_IGN); /* no zombies: the children reap themselves */
	say(argv[1], "ready");
	ready(fds[1]);
	/* Some processes stay and fork, others fork and exit at once: a scan
	 * that reads a pid finds its child, not it, by the time it signals. */
	for (i = 0;; i++)
		if (fork() > 0 && i % 2 == 1)
			_exit(0); /* EAGAIN at the limit: try again */
}

static int orphan(int argc, char **argv)
{
	int fds[2], status;
	char byte;
	pid_t go_between;

	if (argc != 4 || strcmp(argv[1], "-a") != 0)
		return 2;
	if (pipe(fds) < 0)
		die("pipe");
	go_between = fork_at(0);
	if (go_between == 0) {
		if (fork_at(atoi(argv[2])) == 0) {
			close(fds[1]);
			prctl(PR_SET_NAME, argv[3]);
			(void)!read(fds[0], &byte, 1); /* EOF: the go-between is gone */
			_exit(0);
		}
		_exit(0);
	}
	close(fds[0]);
	close(fds[1]);
	return waitpid(go_between, &status, 0) < 0 || status != 0;
}

static int fill(int argc, char **argv)
{
	struct rlimit lim;
	long want, fd, free_fds = 0;

	if (argc < 3)
		return 2;
	want = atol(argv[1]);
	if (getrlimit(RLIMIT_NOFILE, &lim) < 0)
		die("getrlimit");
	for (fd = 0; fd < (long)lim.rlim_cur; fd++)
		if (fcntl((int)fd, F_GETFD) < 0)
			free_fds++;
	for (; free_fds > want; free_fds--)
		if (open("/dev/null", O_RDONLY) < 0)
			die("/dev/null");
	execvp(argv[2], argv + 2);
	die(argv[2]);
	return 2;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int, char **);
	} modes[] = {
		{ "bystander", bystander }, { "zleader", zleader }, { "chain", chain },
		{ "hold", hold },	    { "bomb", bomb },	    { "fill", fill },
		{ "orphan", orphan },	    { "reuser", reuser },   { "holdreuse", holdreuse },
	};
	size_t i;

	for (i = 0; argc > 1 && i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(argv[1], modes[i].name) == 0)
			return modes[i].run(argc - 1, argv + 1);
	fprintf(stderr, "usage: tdprobe bystander|zleader|chain|hold|bomb|fill ...\n");
	return 2;
}
