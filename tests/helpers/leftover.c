/*
 * leftover: leave a process behind, for the teardown tests.
 *
 *   leftover [-s] [-o] [-w] [-i] [-S] [-d MS] [-p FILE] NAME
 *
 * Starts a process that outlives this one, and returns once it is set up.
 * The process prints on stdout:
 *   "NAME ready"       once it is set up
 *   "NAME term"        on its first SIGTERM
 *   "NAME term again"  on each later SIGTERM
 *   "NAME done"        as it exits, MS milliseconds (default 0) after the first
 * Options:
 *   -s       the process leads a session of its own (setsid), as a daemon does
 *   -o       it is forked from a child that exits at once: an orphan
 *   -w       it is forked from a child that ignores SIGTERM and waits for it:
 *            a grandchild whose parent is alive when leftover returns
 *   -i       it ignores SIGTERM; only SIGKILL ends it
 *   -S       it stops itself (SIGSTOP) once ready; leftover returns once
 *            it has stopped (not with -o)
 *   -p FILE  it writes its pid (as its namespace sees it) to FILE
 * Without -s or -o it stays in leftover's process group, a child of the
 * caller's workload.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct opts {
	int session, orphan, waiter, ignore, stop;
	long delay_ms;
	const char *pidfile, *name;
};

static void say(const struct opts *o, const char *what)
{
	char line[256];
	int n = snprintf(line, sizeof(line), "%s %s\n", o->name, what);

	if (n > 0 && write(STDOUT_FILENO, line, (size_t)n) < 0)
		_exit(3);
}

static void write_pid(const char *file)
{
	FILE *f = fopen(file, "w");

	if (f == NULL || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) != 0) {
		perror(file);
		_exit(2);
	}
}

/* SIGTERM, then MS milliseconds in which later ones are counted. */
static void answer_term(const struct opts *o, const sigset_t *term)
{
	struct timespec left = { o->delay_ms / 1000, (o->delay_ms % 1000) * 1000000L }, end, now;

	while (sigwaitinfo(term, NULL) < 0)
		if (errno != EINTR)
			_exit(4);
	say(o, "term");
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += left.tv_sec + (end.tv_nsec + left.tv_nsec) / 1000000000L;
	end.tv_nsec = (end.tv_nsec + left.tv_nsec) % 1000000000L;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000L;
		}
		if (left.tv_sec < 0)
			break;
		if (sigtimedwait(term, NULL, &left) == SIGTERM)
			say(o, "term again");
	}
	say(o, "done");
	_exit(0);
}

static void run_leftover(const struct opts *o, int ready)
{
	sigset_t term;

	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	if (o->session && setsid() < 0)
		_exit(5);
	if (o->ignore)
		signal(SIGTERM, SIG_IGN);
	else
		sigprocmask(SIG_BLOCK, &term, NULL);
	if (o->pidfile != NULL)
		write_pid(o->pidfile);
	say(o, "ready");
	if (write(ready, "r", 1) != 1)
		_exit(6);
	close(ready);
	if (o->stop)
		raise(SIGSTOP);
	if (o->ignore)
		for (;;)
			pause();
	answer_term(o, &term);
}

/* -w: fork the leftover and outlive it, deaf to SIGTERM, as its parent. */
static void stay_as_parent(int ready)
{
	int status;
	pid_t pid = fork();

	if (pid <= 0)
		return; /* the leftover itself, or no fork: be the leftover */
	close(ready);
	signal(SIGTERM, SIG_IGN);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	_exit(0);
}

static int parse(int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt(argc, argv, "sowiSd:p:")) != -1) {
		switch (c) {
		case 's': o->session = 1; break;
		case 'o': o->orphan = 1; break;
		case 'w': o->waiter = 1; break;
		case 'i': o->ignore = 1; break;
		case 'S': o->stop = 1; break;
		case 'd': o->delay_ms = atol(optarg); break;
		case 'p': o->pidfile = optarg; break;
		default: return -1;
		}
	}
	if (optind + 1 != argc)
		return -1;
	o->name = argv[optind];
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	int fds[2], status;
	char byte;
	pid_t pid;

	if (parse(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: leftover [-s] [-o] [-w] [-i] [-S] [-d MS] [-p FILE] NAME\n");
		return 2;
	}
	if (pipe(fds) < 0)
		return perror("pipe"), 1;
	pid = fork();
	if (pid < 0)
		return perror("fork"), 1;
	if (pid == 0) {
		close(fds[0]);
		if (o.orphan && fork() != 0)
			_exit(0); /* the go-between; its child is re-parented */
		if (o.waiter)
			stay_as_parent(fds[1]);
		run_leftover(&o, fds[1]);
	}
	close(fds[1]);
	if (read(fds[0], &byte, 1) != 1) {
		fprintf(stderr, "leftover: %s never got ready\n", o.name);
		return 1;
	}
	/* With -o, return only once the go-between is gone and the orphan
	 * re-parented; with -S, once the process has stopped. */
	if ((o.orphan || o.stop) && waitpid(pid, &status, o.orphan ? 0 : WUNTRACED) < 0)
		return perror("waitpid"), 1;
	return 0;
}
